/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its engine tests): SQLite does not leave data/. An op's body
 * runs on the writer's connection; the front ends build ops with stk-ops.h. */
#ifndef STK_DATA_INTERNAL
#error "stk-op-private.h is private to data/; use the public headers"
#endif

#include <glib-object.h>
#include <sqlite3.h>

#include "stk-op.h"

G_BEGIN_DECLS

/**
 * StkOpApplyFunc:
 * Runs on the writer thread, inside a SAVEPOINT of the batch transaction (a
 * standalone op: inside a transaction of its own, or none; see StkOpFlags). Return
 * FALSE with @error set to fail this op alone; every change it made is rolled back.
 * Must not keep @db, and never begins, commits or rolls back a transaction (only a
 * NO_TRANSACTION op may run one of its own, through stk_db_begin(): restore upgrading
 * an older backup).
 */
typedef gboolean (*StkOpApplyFunc) (StkOp    *op,
                                    sqlite3  *db,
                                    gpointer  user_data,
                                    GError  **error);

StkOp          *stk_op_new             (const char     *kind,
                                        StkChangeFlags  changes,
                                        StkOpApplyFunc  apply,
                                        gpointer        user_data,
                                        GDestroyNotify  destroy);

/* For the writer only. */
gboolean        stk_op_apply           (StkOp          *op,
                                        sqlite3        *db,
                                        GError        **error);
void            stk_op_set_duplicate   (StkOp          *op,
                                        gboolean        duplicate);

G_END_DECLS
