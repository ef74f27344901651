/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-op.h"

G_BEGIN_DECLS

/**
 * StkWriterState:
 * The writer's circuit breaker.
 * @STK_WRITER_STATE_READY: closed — ops commit as they come
 * @STK_WRITER_STATE_RETRYING: closed, but the database is busy and the writer is
 *   backing off within its retry budget
 * @STK_WRITER_STATE_LOCKED: open — the retry budget is spent; ops stay queued and the
 *   writer probes the database every probe interval (or on stk_writer_retry_now())
 * @STK_WRITER_STATE_PROBING: half-open — one attempt is under way
 * @STK_WRITER_STATE_CLOSED: stk_writer_close() has run
 */
typedef enum
{
  STK_WRITER_STATE_READY,
  STK_WRITER_STATE_RETRYING,
  STK_WRITER_STATE_LOCKED,
  STK_WRITER_STATE_PROBING,
  STK_WRITER_STATE_CLOSED,
} StkWriterState;

typedef struct
{
  StkWriterState state;
  guint   pending;          /* ops queued or in the batch being attempted */
  guint64 submitted;
  guint64 committed;        /* ops applied (not counting duplicates) */
  guint64 duplicates;       /* ops whose id had been applied before */
  guint64 failed;
  guint64 batches;          /* transactions committed */
  guint64 max_batch;        /* most ops in one transaction */
  guint64 retries;          /* busy attempts that were retried */
  guint64 lock_episodes;    /* times the breaker opened */
  guint   open_connections; /* SQLite connections open in this process */
  guint64 withdrawn;        /* ops taken back before they started committing */
} StkWriterFigures;

/**
 * StkWithdrawResult:
 * @STK_WITHDRAW_WITHDRAWN: the op had not started committing; it was taken out of the
 *   queue (or out of the batch waiting for a retry) and will never be applied; its
 *   submitter gets G_IO_ERROR_CANCELLED
 * @STK_WITHDRAW_COMMITTING: the op is being committed right now; its submitter gets
 *   the true outcome (success or the error)
 * @STK_WITHDRAW_NOT_PENDING: the op is not waiting in this writer (already finished, or
 *   never submitted); its submitter gets (or got) the true outcome
 */
typedef enum
{
  STK_WITHDRAW_WITHDRAWN,
  STK_WITHDRAW_COMMITTING,
  STK_WITHDRAW_NOT_PENDING,
} StkWithdrawResult;

#define STK_TYPE_WRITER (stk_writer_get_type ())
G_DECLARE_FINAL_TYPE (StkWriter, stk_writer, STK, WRITER, GObject)

GType           stk_writer_state_get_type (void) G_GNUC_CONST;
#define STK_TYPE_WRITER_STATE (stk_writer_state_get_type ())
const char     *stk_writer_state_to_string (StkWriterState state);

StkWriter      *stk_writer_new           (const char          *path,
                                          GError             **error);
StkWriter      *stk_writer_new_for_cli   (const char          *path,
                                          GError             **error);
const char     *stk_writer_get_path      (StkWriter           *self);
StkWriterState  stk_writer_get_state     (StkWriter           *self);
guint           stk_writer_get_pending   (StkWriter           *self);
void            stk_writer_get_figures   (StkWriter           *self,
                                          StkWriterFigures    *figures);
GPtrArray      *stk_writer_list_pending  (StkWriter           *self);

void            stk_writer_submit        (StkWriter           *self,
                                          StkOp               *op,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean        stk_writer_submit_finish (StkWriter           *self,
                                          GAsyncResult        *result,
                                          GError             **error);
gboolean        stk_writer_submit_sync   (StkWriter           *self,
                                          StkOp               *op,
                                          GError             **error);

StkWithdrawResult stk_writer_withdraw    (StkWriter           *self,
                                          StkOp               *op);

void            stk_writer_retry_now     (StkWriter           *self);
gboolean        stk_writer_close         (StkWriter           *self,
                                          guint                timeout_ms,
                                          GError             **error);

G_END_DECLS
