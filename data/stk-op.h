/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * StkChangeFlags:
 * What a commit touched, so views know what to refresh.
 */
typedef enum
{
  STK_CHANGE_NONE      = 0,
  STK_CHANGE_ITEMS     = 1 << 0,
  STK_CHANGE_MOVEMENTS = 1 << 1,
  STK_CHANGE_SALES     = 1 << 2,
  STK_CHANGE_EXTERNAL  = 1 << 3, /* another process committed (seen via PRAGMA data_version) */
  STK_CHANGE_ALL       = 0xf,
} StkChangeFlags;

/**
 * StkOpFlags:
 * @STK_OP_FLAG_STANDALONE: the op runs alone, in a write transaction of its own that
 *   the writer begins, records (applied_ops, with its duplicate check) and commits, with
 *   no savepoint around the op (bulk ops: import, generate). The op never begins,
 *   commits or rolls back itself
 * @STK_OP_FLAG_NO_RECORD: the op id is not recorded in applied_ops; such an op gives no
 *   exactly-once guarantee (a read, a checkpoint)
 * @STK_OP_FLAG_ATOMIC: the op changes the database with one SQL statement at most, which
 *   SQLite undoes by itself when it fails, so the writer needs no savepoint around it
 * @STK_OP_FLAG_NO_TRANSACTION: with STANDALONE, the op runs outside any transaction, for
 *   what SQLite cannot do inside one (restore's backup API, a checkpoint). The writer
 *   takes the write lock and lets it go just before, so a busy or locked inventory is
 *   retried and reported as for any other change; the op is not recorded
 */
typedef enum
{
  STK_OP_FLAG_NONE           = 0,
  STK_OP_FLAG_STANDALONE     = 1 << 0,
  STK_OP_FLAG_NO_RECORD      = 1 << 1,
  STK_OP_FLAG_ATOMIC         = 1 << 2,
  STK_OP_FLAG_NO_TRANSACTION = 1 << 3,
} StkOpFlags;

typedef struct _StkOp StkOp;

/* Builds the op's human description on demand (see stk_op_get_description()). */
typedef char *(*StkOpDescribeFunc) (StkOp    *op,
                                    gpointer  user_data);

#define STK_TYPE_OP (stk_op_get_type ())

GType           stk_op_get_type        (void) G_GNUC_CONST;
StkOp          *stk_op_ref             (StkOp          *op);
void            stk_op_unref           (StkOp          *op);

char           *stk_op_new_id          (void);
const char     *stk_op_get_id          (StkOp          *op);
void            stk_op_set_id          (StkOp          *op,
                                        const char     *id);
const char     *stk_op_get_kind        (StkOp          *op);
const char     *stk_op_get_description (StkOp          *op);
void            stk_op_set_description (StkOp          *op,
                                        const char     *description);
void            stk_op_set_describe_func (StkOp             *op,
                                          StkOpDescribeFunc  describe);
StkOpFlags      stk_op_get_flags       (StkOp          *op);
void            stk_op_set_flags       (StkOp          *op,
                                        StkOpFlags      flags);
StkChangeFlags  stk_op_get_changes     (StkOp          *op);
gpointer        stk_op_get_data        (StkOp          *op);

/* Results: valid once the op has completed. */
gint64          stk_op_get_row_id      (StkOp          *op);
void            stk_op_set_row_id      (StkOp          *op,
                                        gint64          row_id);
gboolean        stk_op_get_duplicate   (StkOp          *op);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkOp, stk_op_unref)

G_END_DECLS

#ifdef STK_DATA_INTERNAL
#include "stk-op-private.h"
#endif
