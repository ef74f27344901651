/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-writer.h"

#include <glib/gi18n.h>

#include "stk-error.h"
#include "stk-glib.h"
#include "stk-identity.h"
#include "stk-engine.h"

/*
 * StkWriter owns the program's only read-write connection and runs every mutation
 * on one thread.
 *
 * Every write transaction of the program is the writer's (the engine's begin / commit /
 * rollback on this connection, stk-engine.h; an op never begins or commits one itself).
 *
 * Group commit: the thread takes everything queued (up to MAX_BATCH ops) and applies it
 * in one BEGIN IMMEDIATE … COMMIT, each op inside its own SAVEPOINT. A standalone op
 * (import, generate, restore, checkpoint) runs alone: in a transaction of its own, which
 * the writer begins, records and commits like a batch's (see attempt_standalone()), or
 * outside any transaction once the writer has taken the write lock and let it go
 * (NO_TRANSACTION). An op that fails with a rule error (constraint, bad data) is
 * rolled back to its savepoint and fails alone; the others commit. An op whose id is
 * already in applied_ops is not applied again (exactly once), and its id is recorded
 * in the same transaction as its effect.
 *
 * Busy: when BEGIN IMMEDIATE (or COMMIT) answers SQLITE_BUSY the whole batch is rolled
 * back and retried after 10, 20, 40, 80, 160, 250, 250 … ms (±25 % jitter) while the
 * retry budget (5 s) lasts — state RETRYING. Then the circuit opens: state LOCKED, the
 * "locked" signal carries the pending count, and the writer probes every 2 s (PROBING,
 * half-open) or at once on stk_writer_retry_now(). The first successful commit closes
 * the circuit (READY). Queued ops keep their order throughout; nothing is dropped.
 *
 * I/O error, full disk or read-only file: the batch is rolled back; if it held several
 * ops they are put back at the head of the queue to run one per transaction, so only the
 * ops that really fail get the error. The thread keeps going.
 */

#define MAX_BATCH 4096
#define BACKOFF_FIRST_MS 10
#define BACKOFF_CAP_MS 250
#define DEFAULT_RETRY_BUDGET_MS 5000
#define DEFAULT_PROBE_INTERVAL_MS 2000
#define DEFAULT_POLL_INTERVAL_MS 500

typedef struct _Pending Pending;

struct _Pending
{
  StkOp    *op;
  GTask    *task; /* async submitter, or NULL */
  gboolean  sync; /* a stk_writer_submit_sync() caller waits for done on done_cond */
  GError   *error;
  gboolean  done;
  gboolean  solo; /* run in a transaction of its own */
  GCancellable *cancellable; /* withdraws the op when cancelled in time */
  gulong    cancel_id;
  Pending  *next; /* in the inbox or the queue */
};

/* A FIFO of Pending linked through next: moving ops in and out allocates nothing. */
typedef struct
{
  Pending *head;
  Pending *tail;
  guint    length;
} PendingQueue;

static Pending *
pending_queue_pop_head (PendingQueue *q)
{
  Pending *p = q->head;

  if (p == NULL)
    return NULL;
  q->head = p->next;
  if (q->head == NULL)
    q->tail = NULL;
  p->next = NULL;
  q->length--;
  return p;
}

static void
pending_queue_push_head (PendingQueue *q,
                         Pending      *p)
{
  p->next = q->head;
  q->head = p;
  if (q->tail == NULL)
    q->tail = p;
  q->length++;
}

typedef enum
{
  ATTEMPT_OK,
  ATTEMPT_BUSY,
  ATTEMPT_FATAL,
} AttemptResult;

struct _StkWriter
{
  GObject         parent_instance;

  char           *path;
  guint           retry_budget_ms;
  guint           probe_interval_ms;
  guint           poll_interval_ms;
  gboolean        fail_when_locked;

  const StkEngine *engine; /* picked from the location (stk_engine_for_location()) */
  StkEngineConn  *conn;   /* the writer thread's, once started */
  GThread        *thread;
  GMainContext   *owner_context;
  GSource        *update_source;

  /* Submitters push onto this lock-free stack (newest first) and never take lock:
   * 500 threads queueing on one mutex convoy behind each other and the writer. */
  gpointer        inbox;         /* Pending* */
  gint            inbox_length;
  gint            accepting;     /* enqueue may push */
  gint            entering;      /* enqueues under way */
  gint            owner_poked;   /* an update of the owner is already due */
  gint            idle;          /* the writer thread waits for ops: wake it */

  /* Sync submitters wait here, not on lock: one broadcast per batch wakes them. */
  GMutex          done_lock;
  GCond           done_cond;

  /* Everything below is protected by lock. */
  GMutex          lock;
  GCond           cond;
  PendingQueue    queue;  /* in submission order */
  GPtrArray      *under_way; /* the batch being attempted (not owned), or NULL */
  gboolean        committing; /* under_way is inside an attempt (or its outcome is
                               * settled): its ops can no longer be withdrawn */
  gboolean        closing;
  gint64          close_deadline;
  gboolean        retry_now;
  StkWriterState  state;
  StkWriterFigures figures;
  StkChangeFlags  unannounced_changes;
  guint           unannounced_ops;
  gboolean        locked_unannounced;
  guint           lost_on_close;

  /* Main-context copies behind the properties. */
  StkWriterState  public_state;
  guint           public_pending;
};

static void stk_writer_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StkWriter, stk_writer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      stk_writer_initable_iface_init))

G_DEFINE_ENUM_TYPE (StkWriterState, stk_writer_state,
                    G_DEFINE_ENUM_VALUE (STK_WRITER_STATE_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (STK_WRITER_STATE_RETRYING, "retrying"),
                    G_DEFINE_ENUM_VALUE (STK_WRITER_STATE_LOCKED, "locked"),
                    G_DEFINE_ENUM_VALUE (STK_WRITER_STATE_PROBING, "probing"),
                    G_DEFINE_ENUM_VALUE (STK_WRITER_STATE_CLOSED, "closed"))

enum {
  PROP_0,
  PROP_PATH,
  PROP_RETRY_BUDGET_MS,
  PROP_PROBE_INTERVAL_MS,
  PROP_POLL_INTERVAL_MS,
  PROP_FAIL_WHEN_LOCKED,
  PROP_STATE,
  PROP_PENDING,
  N_PROPS
};

enum {
  COMMITTED,
  LOCKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

const char *
stk_writer_state_to_string (StkWriterState state)
{
  switch (state)
    {
    case STK_WRITER_STATE_READY:
      return "ready";
    case STK_WRITER_STATE_RETRYING:
      return "retrying";
    case STK_WRITER_STATE_LOCKED:
      return "locked";
    case STK_WRITER_STATE_PROBING:
      return "probing";
    case STK_WRITER_STATE_CLOSED:
      return "closed";
    default:
      return "unknown";
    }
}

static void
pending_free (Pending *p)
{
  /* Never under lock: this waits for a cancel handler running in another thread. */
  if (p->cancel_id != 0)
    g_cancellable_disconnect (p->cancellable, p->cancel_id);
  g_clear_object (&p->cancellable);
  g_clear_pointer (&p->op, stk_op_unref);
  g_clear_object (&p->task);
  g_clear_error (&p->error);
  g_free (p);
}

/* Moves what submitters pushed meanwhile to the tail of the queue, oldest first.
 * Called with lock held. */
static void
drain_inbox_locked (StkWriter *self)
{
  Pending *p = g_atomic_pointer_exchange (&self->inbox, NULL);
  Pending *first = NULL;
  Pending *last = p;
  guint n = 0;

  if (p == NULL)
    return;
  /* Reverse in place: the inbox is newest first. */
  while (p != NULL)
    {
      Pending *next = p->next;

      p->next = first;
      first = p;
      p = next;
      n++;
    }
  if (self->queue.tail != NULL)
    self->queue.tail->next = first;
  else
    self->queue.head = first;
  self->queue.tail = last;
  self->queue.length += n;
  self->figures.submitted += n;
  g_atomic_int_add (&self->inbox_length, -(gint) n);
}

/* Ops queued, pushed, or in the batch being attempted. Called with lock held. */
static guint
pending_count_locked (StkWriter *self)
{
  return self->queue.length + (self->under_way != NULL ? self->under_way->len : 0) +
         (guint) g_atomic_int_get (&self->inbox_length);
}

/* ---- announcing on the owner's main context ---- */

static void
wake_owner_locked (StkWriter *self)
{
  if (self->update_source != NULL)
    g_source_set_ready_time (self->update_source, 0);
}

static gboolean
update_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs update_source_funcs = {
  .dispatch = update_source_dispatch,
};

static gboolean
update_cb (gpointer user_data)
{
  g_autoptr(StkWriter) self = g_object_ref (STK_WRITER (user_data));
  StkWriterState state;
  StkChangeFlags changes;
  guint n_ops;
  guint pending;
  gboolean locked;

  g_atomic_int_set (&self->owner_poked, FALSE);
  g_mutex_lock (&self->lock);
  state = self->state;
  pending = pending_count_locked (self);
  changes = self->unannounced_changes;
  n_ops = self->unannounced_ops;
  locked = self->locked_unannounced;
  self->unannounced_changes = 0;
  self->unannounced_ops = 0;
  self->locked_unannounced = FALSE;
  g_mutex_unlock (&self->lock);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->public_state != state)
    {
      self->public_state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (self->public_pending != pending)
    {
      self->public_pending = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  if (locked)
    g_signal_emit (self, signals[LOCKED], 0, pending);
  if (changes != 0)
    g_signal_emit (self, signals[COMMITTED], 0, (guint) changes, n_ops);

  return G_SOURCE_CONTINUE;
}

static void
set_state_locked (StkWriter      *self,
                  StkWriterState  state)
{
  if (self->state == state)
    return;
  if (state == STK_WRITER_STATE_LOCKED && self->state != STK_WRITER_STATE_PROBING)
    {
      self->locked_unannounced = TRUE;
      self->figures.lock_episodes++;
    }
  self->state = state;
  wake_owner_locked (self);
}

static void
set_state (StkWriter      *self,
           StkWriterState  state)
{
  g_mutex_lock (&self->lock);
  set_state_locked (self, state);
  g_mutex_unlock (&self->lock);
}

/* ---- delivering results ---- */

static gboolean
deliver_cb (gpointer user_data)
{
  GPtrArray *list = user_data;

  for (guint i = 0; i < list->len; i++)
    {
      Pending *p = g_ptr_array_index (list, i);

      if (p->error != NULL)
        g_task_return_error (p->task, g_steal_pointer (&p->error));
      else
        g_task_return_boolean (p->task, TRUE);
    }
  return G_SOURCE_REMOVE;
}

/* Hands each finished op back: sync waiters are woken, async ones are returned on
 * their own main context, one idle per context per batch. */
static void
finish_batch (StkWriter *self,
              GPtrArray *batch)
{
  g_autoptr(GHashTable) by_context = NULL;
  g_autoptr(GPtrArray) waiters = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint applied = 0;
  StkChangeFlags changes = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < batch->len; i++)
    {
      Pending *p = g_ptr_array_index (batch, i);

      if (p->error != NULL)
        self->figures.failed++;
      else if (stk_op_get_duplicate (p->op))
        self->figures.duplicates++;
      else
        {
          self->figures.committed++;
          applied++;
          changes |= stk_op_get_changes (p->op);
        }

      if (p->sync)
        {
          /* Woken below, outside our lock: 500 waiters woken under it would each
           * fight for it again on their way out of g_cond_wait(). */
          if (waiters == NULL)
            waiters = g_ptr_array_sized_new (batch->len);
          g_ptr_array_add (waiters, p);
          g_ptr_array_index (batch, i) = NULL; /* owned by its waiter */
        }
      else
        {
          GMainContext *ctx = g_task_get_context (p->task);
          GPtrArray *list;

          p->done = TRUE;
          if (by_context == NULL)
            by_context = g_hash_table_new (NULL, NULL);
          list = g_hash_table_lookup (by_context, ctx);
          if (list == NULL)
            {
              list = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
              g_hash_table_insert (by_context, ctx, list);
            }
          g_ptr_array_add (list, p);
          g_ptr_array_index (batch, i) = NULL;
        }
    }
  self->under_way = NULL;
  self->committing = FALSE;
  if (applied > 0)
    {
      self->unannounced_changes |= changes;
      self->unannounced_ops += applied;
    }
  wake_owner_locked (self);
  g_mutex_unlock (&self->lock);

  if (waiters != NULL)
    {
      g_mutex_lock (&self->done_lock);
      for (guint i = 0; i < waiters->len; i++)
        ((Pending *) g_ptr_array_index (waiters, i))->done = TRUE;
      g_cond_broadcast (&self->done_cond);
      g_mutex_unlock (&self->done_lock);
    }

  if (by_context == NULL)
    return;
  g_hash_table_iter_init (&iter, by_context);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (source, "[stocktake] writer results");
      g_source_set_callback (source, deliver_cb, value, (GDestroyNotify) g_ptr_array_unref);
      g_source_attach (source, key);
      g_source_unref (source);
    }
}

/* ---- the batch ---- */

static void
rollback (StkWriter *self)
{
  self->engine->rollback (self->conn);
}

/* An op that changes nothing stored runs here, whatever the engine; every other op is
 * the engine's to apply (its applier for the op's kind). */
static gboolean
apply_op (StkWriter  *self,
          StkOp      *op,
          GError    **error)
{
  StkOpRunFunc run = stk_op_get_run (op);

  if (run != NULL)
    return run (op, stk_op_get_payload (op), error);
  return self->engine->apply (self->conn, op, error);
}

/* A rule error fails one op; anything else (busy, I/O, full disk) fails the batch. */
static gboolean
is_op_local_error (const GError *error)
{
  if (error->domain != STK_ERROR)
    return TRUE;
  switch ((StkError) error->code)
    {
    case STK_ERROR_CONSTRAINT:
    case STK_ERROR_INVALID_DATA:
    case STK_ERROR_NOT_FOUND:
    case STK_ERROR_FAILED:
    case STK_ERROR_UNSAFE:
      return TRUE;
    case STK_ERROR_BUSY:
    case STK_ERROR_LOCKED:
    case STK_ERROR_READ_ONLY:
    case STK_ERROR_CORRUPT:
    case STK_ERROR_NOT_INVENTORY:
    case STK_ERROR_TOO_NEW:
    case STK_ERROR_NO_SPACE:
    case STK_ERROR_IO:
    case STK_ERROR_CLOSED:
    case STK_ERROR_NOT_SUPPORTED:
    default:
      return FALSE;
    }
}

typedef enum
{
  RECORD_NEW,
  RECORD_DUPLICATE,
  RECORD_FAILED,
} RecordResult;

/* The op's id into applied_ops, in the transaction that applies it: RECORD_DUPLICATE
 * when it is there already (applied before: exactly once means not again). */
static RecordResult
record_op (StkWriter  *self,
           StkOp      *op,
           GError    **error)
{
  switch (self->engine->record_op (self->conn, op, error))
    {
    case STK_ENGINE_RECORD_NEW:
      return RECORD_NEW;
    case STK_ENGINE_RECORD_DUPLICATE:
      return RECORD_DUPLICATE;
    case STK_ENGINE_RECORD_FAILED:
    default:
      return RECORD_FAILED;
    }
}

/* BEGIN or COMMIT failed: told as every failure to save a batch is ("Cannot save
 * changes: …"; the connection keeps SQLite's code), busy staying STK_ERROR_BUSY. */
static void
set_txn_error (StkWriter  *self,
               GError    **error)
{
  g_clear_error (error);
  self->engine->take_error (self->conn, _("Cannot save changes"), error);
}

/*
 * A standalone op runs alone, and the transaction is still the writer's: BEGIN
 * IMMEDIATE, the op's record in applied_ops (a duplicate is not applied again), the op,
 * COMMIT, all through the one helper. Busy anywhere is ATTEMPT_BUSY (rolled back,
 * retried with backoff, then the locked state), like a batch. No savepoint is opened
 * around the op: with an outer savepoint, SQLite keeps every page a bulk op touches in
 * its in-memory statement sub-journal and walks it again after each statement, so an
 * import of many rows would take quadratic time; its own per-row savepoints are then
 * the outermost ones and stay small.
 *
 * With NO_TRANSACTION (restore, checkpoint) the writer takes the write lock and lets it
 * go, then runs the op outside any transaction: a held lock is retried and reported
 * like any other change instead of failing inside the op.
 */
static AttemptResult
attempt_standalone (StkWriter *self,
                    Pending   *p,
                    GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  StkOpFlags flags = stk_op_get_flags (p->op);

  g_clear_error (&p->error);
  stk_op_set_duplicate (p->op, FALSE);

  if (!self->engine->begin (self->conn, &local_error))
    {
      set_txn_error (self, &local_error);
      goto failed;
    }

  if (flags & STK_OP_FLAG_NO_TRANSACTION)
    {
      rollback (self);
      if (apply_op (self, p->op, &local_error))
        return ATTEMPT_OK;
      goto failed;
    }

  if (!(flags & STK_OP_FLAG_NO_RECORD))
    {
      switch (record_op (self, p->op, &local_error))
        {
        case RECORD_FAILED:
          goto failed;
        case RECORD_DUPLICATE:
          /* Applied before: exactly once means not again. */
          stk_op_set_duplicate (p->op, TRUE);
          if (self->engine->commit (self->conn, &local_error))
            return ATTEMPT_OK;
          set_txn_error (self, &local_error);
          goto failed;
        case RECORD_NEW:
        default:
          break;
        }
    }

  if (!apply_op (self, p->op, &local_error))
    goto failed;
  if (self->engine->commit (self->conn, &local_error))
    return ATTEMPT_OK;
  set_txn_error (self, &local_error);

failed:
  /* Whatever failed, nothing of the op stays: not its changes, not its record. */
  rollback (self);
  stk_op_set_duplicate (p->op, FALSE);
  if (g_error_matches (local_error, STK_ERROR, STK_ERROR_BUSY))
    return ATTEMPT_BUSY;
  p->error = g_steal_pointer (&local_error);
  return ATTEMPT_OK;
}

static AttemptResult
attempt_batch (StkWriter  *self,
               GPtrArray  *batch,
               GError    **error)
{
  g_autoptr(GError) txn_error = NULL;
  gboolean busy;

  if (batch->len == 1 &&
      (stk_op_get_flags (((Pending *) g_ptr_array_index (batch, 0))->op) & STK_OP_FLAG_STANDALONE))
    return attempt_standalone (self, g_ptr_array_index (batch, 0), error);

  if (!self->engine->begin (self->conn, &txn_error))
    {
      if (g_error_matches (txn_error, STK_ERROR, STK_ERROR_BUSY))
        return ATTEMPT_BUSY;
      /* Told as every failure of the batch is (the connection keeps the engine's code). */
      self->engine->take_error (self->conn, _("Cannot save changes"), error);
      return ATTEMPT_FATAL;
    }

  for (guint i = 0; i < batch->len; i++)
    {
      Pending *p = g_ptr_array_index (batch, i);
      g_autoptr(GError) local_error = NULL;

      gboolean atomic = (stk_op_get_flags (p->op) & STK_OP_FLAG_ATOMIC) != 0;
      gboolean record = !(stk_op_get_flags (p->op) & STK_OP_FLAG_NO_RECORD);

      g_clear_error (&p->error);
      stk_op_set_duplicate (p->op, FALSE);

      /* An atomic op needs no savepoint: SQLite undoes a failed statement itself, and
       * its applied_ops record is taken back below if it fails. */
      if (!atomic && !self->engine->savepoint (self->conn))
        goto batch_failed;

      if (record)
        {
          RecordResult recorded = record_op (self, p->op, NULL);

          if (recorded == RECORD_FAILED)
            goto batch_failed;
          if (recorded == RECORD_DUPLICATE)
            {
              /* Applied before: exactly once means not again. */
              stk_op_set_duplicate (p->op, TRUE);
              if (!atomic && !self->engine->release (self->conn))
                goto batch_failed;
              continue;
            }
        }

      if (apply_op (self, p->op, &local_error))
        {
          if (!atomic && !self->engine->release (self->conn))
            goto batch_failed;
          continue;
        }

      if (!is_op_local_error (local_error))
        {
          rollback (self);
          if (g_error_matches (local_error, STK_ERROR, STK_ERROR_BUSY))
            return ATTEMPT_BUSY;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return ATTEMPT_FATAL;
        }

      if (atomic)
        {
          if (record)
            {
              if (!self->engine->unrecord_op (self->conn, p->op))
                goto batch_failed;
            }
        }
      else if (!self->engine->rollback_to (self->conn))
        goto batch_failed;
      p->error = g_steal_pointer (&local_error);
    }

  if (self->engine->commit (self->conn, &txn_error))
    return ATTEMPT_OK;
  if (g_error_matches (txn_error, STK_ERROR, STK_ERROR_BUSY))
    {
      rollback (self);
      return ATTEMPT_BUSY;
    }

batch_failed:
  busy = self->engine->take_error (self->conn, _("Cannot save changes"), error);
  rollback (self);
  if (busy)
    {
      g_clear_error (error);
      return ATTEMPT_BUSY;
    }
  return ATTEMPT_FATAL;
}

static guint
backoff_ms (guint attempt)
{
  guint ms = BACKOFF_FIRST_MS << MIN (attempt, 10);
  double jitter = g_random_double_range (0.75, 1.25);

  return (guint) (MIN (ms, BACKOFF_CAP_MS) * jitter);
}

static gboolean
runs_alone (Pending *p)
{
  return p->solo || (stk_op_get_flags (p->op) & STK_OP_FLAG_STANDALONE);
}

/* Takes the next batch from the queue: all queued ops up to MAX_BATCH, stopping
 * before a standalone or solo op, which always runs alone. Called with lock held. */
static void
take_batch_locked (StkWriter *self,
                   GPtrArray *batch)
{
  while ((self->queue.head != NULL) && batch->len < MAX_BATCH)
    {
      Pending *p = self->queue.head;
      gboolean alone = runs_alone (p);

      if (alone && batch->len > 0)
        break;
      if (batch->len == 1 && runs_alone (g_ptr_array_index (batch, 0)))
        break;
      g_ptr_array_add (batch, pending_queue_pop_head (&self->queue));
      if (alone)
        break;
    }
}

/* Fails every op in the batch with a copy of error. */
static void
fail_batch (GPtrArray    *batch,
            const GError *error)
{
  for (guint i = 0; i < batch->len; i++)
    {
      Pending *p = g_ptr_array_index (batch, i);

      g_clear_error (&p->error);
      p->error = g_error_copy (error);
    }
}

static void
poll_external (StkWriter *self,
               gint64    *data_version)
{
  gint64 v = self->engine->data_version (self->conn);

  if (v >= 0 && *data_version >= 0 && v != *data_version)
    {
      g_mutex_lock (&self->lock);
      self->unannounced_changes |= STK_CHANGE_EXTERNAL;
      wake_owner_locked (self);
      g_mutex_unlock (&self->lock);
    }
  *data_version = v;
}

/* Runs one batch to completion: committed, failed op by op, or given up on close. */
static void
run_batch (StkWriter *self,
           GPtrArray *batch)
{
  gint64 first_busy = 0;
  guint attempt = 0;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      AttemptResult result = attempt_batch (self, batch, &error);
      gint64 now = g_get_monotonic_time ();
      gint64 wake_at;
      gboolean give_up = FALSE;

      if (result == ATTEMPT_OK)
        {
          g_mutex_lock (&self->lock);
          self->figures.batches++;
          self->figures.max_batch = MAX (self->figures.max_batch, batch->len);
          set_state_locked (self, STK_WRITER_STATE_READY);
          g_mutex_unlock (&self->lock);
          return;
        }

      if (result == ATTEMPT_FATAL)
        {
          if (batch->len > 1)
            {
              /* Put them back to run one by one, so only the ops at fault fail. */
              g_mutex_lock (&self->lock);
              for (guint i = batch->len; i > 0; i--)
                {
                  Pending *p = g_ptr_array_index (batch, i - 1);
                  p->solo = TRUE;
                  pending_queue_push_head (&self->queue, p);
                }
              g_ptr_array_set_size (batch, 0);
              self->under_way = NULL;
              self->committing = FALSE;
              g_mutex_unlock (&self->lock);
              return;
            }
          fail_batch (batch, error);
          set_state (self, STK_WRITER_STATE_READY);
          return;
        }

      /* Busy: everything was rolled back, so the batch's ops can be withdrawn again
       * until the next attempt starts. */
      g_mutex_lock (&self->lock);
      self->committing = FALSE;
      self->figures.retries++;
      if (first_busy == 0)
        first_busy = now;
      if (self->state == STK_WRITER_STATE_READY || self->state == STK_WRITER_STATE_RETRYING)
        {
          if (now - first_busy < (gint64) self->retry_budget_ms * 1000)
            {
              set_state_locked (self, STK_WRITER_STATE_RETRYING);
              wake_at = now + (gint64) backoff_ms (attempt++) * 1000;
            }
          else
            {
              set_state_locked (self, STK_WRITER_STATE_LOCKED);
              wake_at = now + (gint64) self->probe_interval_ms * 1000;
            }
        }
      else
        {
          set_state_locked (self, STK_WRITER_STATE_LOCKED);
          wake_at = now + (gint64) self->probe_interval_ms * 1000;
        }

      if (self->fail_when_locked && self->state == STK_WRITER_STATE_LOCKED)
        {
          g_autoptr(GError) locked = g_error_new (STK_ERROR, STK_ERROR_LOCKED,
                                                  _("Not saved: the inventory is locked by "
                                                    "another program. Try again later."));
          g_mutex_unlock (&self->lock);
          fail_batch (batch, locked);
          return;
        }

      while (!self->retry_now && batch->len > 0)
        {
          gint64 until = wake_at;

          if (self->closing)
            {
              if (now >= self->close_deadline)
                {
                  give_up = TRUE;
                  break;
                }
              until = MIN (until, self->close_deadline);
            }
          if (!g_cond_wait_until (&self->cond, &self->lock, until))
            {
              now = g_get_monotonic_time ();
              if (now >= wake_at)
                break;
            }
          now = g_get_monotonic_time ();
        }
      self->retry_now = FALSE;

      if (batch->len == 0)
        {
          /* Every op of the batch was withdrawn while waiting: nothing is pending
           * from it, and the breaker closes (the next op finds out afresh). */
          self->under_way = NULL;
          set_state_locked (self, STK_WRITER_STATE_READY);
          g_mutex_unlock (&self->lock);
          return;
        }

      if (give_up)
        {
          g_autoptr(GError) closed = g_error_new (STK_ERROR, STK_ERROR_CLOSED,
                                                  _("Not saved: the inventory stayed locked by "
                                                    "another program until Stocktake closed."));
          self->lost_on_close += batch->len;
          g_mutex_unlock (&self->lock);
          fail_batch (batch, closed);
          return;
        }

      if (self->state == STK_WRITER_STATE_LOCKED)
        set_state_locked (self, STK_WRITER_STATE_PROBING);

      /* Let ops queued meanwhile join this attempt, in order. */
      drain_inbox_locked (self);
      if (batch->len < MAX_BATCH && (self->queue.head != NULL))
        {
          /* Only into a batch of plain ops, and never a standalone or solo op: that
           * one runs alone, in the writer's transaction of its own, after this one. */
          if (!runs_alone (g_ptr_array_index (batch, 0)) && !runs_alone (self->queue.head))
            {
              g_autoptr(GPtrArray) more = g_ptr_array_new ();

              take_batch_locked (self, more);
              for (guint i = 0; i < more->len; i++)
                g_ptr_array_add (batch, g_ptr_array_index (more, i));
            }
        }
      /* From here on the attempt decides: no more withdrawing from this batch. */
      self->committing = TRUE;
      g_mutex_unlock (&self->lock);
    }
}

static gpointer
writer_thread (gpointer data)
{
  StkWriter *self = data;
  gint64 data_version = self->engine->data_version (self->conn);

  for (;;)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();

      g_mutex_lock (&self->lock);
      drain_inbox_locked (self);
      while ((self->queue.head == NULL) && !self->closing)
        {
          gint64 until = g_get_monotonic_time () + (gint64) self->poll_interval_ms * 1000;
          gboolean woken = TRUE;

          /* Pairs with enqueue(): it pushes, then looks at idle; we set idle, then
           * look at the inbox. One of us sees the other. */
          g_atomic_int_set (&self->idle, TRUE);
          if (g_atomic_pointer_get (&self->inbox) == NULL)
            woken = g_cond_wait_until (&self->cond, &self->lock, until);
          g_atomic_int_set (&self->idle, FALSE);
          drain_inbox_locked (self);
          if (!woken &&
              (self->queue.head == NULL) && !self->closing)
            {
              g_mutex_unlock (&self->lock);
              poll_external (self, &data_version);
              g_mutex_lock (&self->lock);
            }
        }
      if ((self->queue.head == NULL) && self->closing)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      take_batch_locked (self, batch);
      self->under_way = batch;
      self->committing = TRUE;
      g_mutex_unlock (&self->lock);

      run_batch (self, batch);
      if (batch->len > 0)
        finish_batch (self, batch);
      data_version = self->engine->data_version (self->conn);
    }

  /* Closing: every op has been answered by now and nobody waits for this. The engine
   * leaves a small, fully checkpointed file behind when it can (only logged when not:
   * nothing is lost). */
  self->engine->close_writer (g_steal_pointer (&self->conn));
  set_state (self, STK_WRITER_STATE_CLOSED);
  return NULL;
}

/* ---- withdrawing ---- */

/* Takes every op matching (op, or the Pending itself) out of the inbox, the queue and
 * a batch that is waiting for its next attempt, onto *out. Called with lock held.
 * Returns whether a match is committing (and so stays). */
static gboolean
withdraw_locked (StkWriter  *self,
                 StkOp      *op,
                 Pending    *which,
                 GPtrArray **out)
{
  gboolean committing = FALSE;
  Pending *prev = NULL;

  drain_inbox_locked (self);
  for (Pending *p = self->queue.head; p != NULL;)
    {
      Pending *next = p->next;

      if (p == which || (op != NULL && p->op == op))
        {
          if (prev != NULL)
            prev->next = next;
          else
            self->queue.head = next;
          if (self->queue.tail == p)
            self->queue.tail = prev;
          self->queue.length--;
          p->next = NULL;
          if (*out == NULL)
            *out = g_ptr_array_new ();
          g_ptr_array_add (*out, p);
        }
      else
        prev = p;
      p = next;
    }

  for (guint i = 0; self->under_way != NULL && i < self->under_way->len;)
    {
      Pending *p = g_ptr_array_index (self->under_way, i);

      if (p != which && (op == NULL || p->op != op))
        i++;
      else if (self->committing)
        {
          committing = TRUE;
          i++;
        }
      else
        {
          g_ptr_array_remove_index (self->under_way, i);
          if (*out == NULL)
            *out = g_ptr_array_new ();
          g_ptr_array_add (*out, p);
        }
    }

  if (*out != NULL)
    {
      self->figures.withdrawn += (*out)->len;
      /* The writer may be waiting to retry a batch that is now empty. */
      g_cond_broadcast (&self->cond);
      wake_owner_locked (self);
    }
  return committing;
}

/* Completes withdrawn ops with G_IO_ERROR_CANCELLED. Called without lock. */
static void
deliver_withdrawn (StkWriter *self,
                   GPtrArray *list)
{
  gboolean woke_sync = FALSE;

  for (guint i = 0; i < list->len; i++)
    {
      Pending *p = g_ptr_array_index (list, i);

      g_clear_error (&p->error);
      p->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                      _("Not saved: the change was withdrawn."));
      if (p->sync)
        {
          g_mutex_lock (&self->done_lock);
          p->done = TRUE;
          g_mutex_unlock (&self->done_lock);
          woke_sync = TRUE;
        }
      else
        {
          GPtrArray *one = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
          GSource *source = g_idle_source_new ();

          p->done = TRUE;
          g_ptr_array_add (one, p);
          g_source_set_priority (source, G_PRIORITY_DEFAULT);
          g_source_set_static_name (source, "[stocktake] writer withdrawn");
          g_source_set_callback (source, deliver_cb, one, (GDestroyNotify) g_ptr_array_unref);
          g_source_attach (source, g_task_get_context (p->task));
          g_source_unref (source);
        }
    }
  if (woke_sync)
    {
      g_mutex_lock (&self->done_lock);
      g_cond_broadcast (&self->done_cond);
      g_mutex_unlock (&self->done_lock);
    }
}

static StkWithdrawResult
withdraw (StkWriter *self,
          StkOp     *op,
          Pending   *which)
{
  g_autoptr(GPtrArray) list = NULL;
  gboolean committing;

  g_mutex_lock (&self->lock);
  committing = withdraw_locked (self, op, which, &list);
  g_mutex_unlock (&self->lock);

  if (list != NULL)
    deliver_withdrawn (self, list);
  if (committing)
    return STK_WITHDRAW_COMMITTING;
  return list != NULL ? STK_WITHDRAW_WITHDRAWN : STK_WITHDRAW_NOT_PENDING;
}

/**
 * stk_writer_withdraw:
 * @op: an op given to stk_writer_submit() or stk_writer_submit_sync()
 *
 * Takes @op back if it has not started committing: out of the queue, or out of the
 * batch that waits for its next attempt while another program holds the database. A
 * withdrawn op is never applied, and its submitter gets G_IO_ERROR_CANCELLED. An op
 * that is being committed is not touched: its submitter gets the true outcome.
 * Safe from any thread.
 */
StkWithdrawResult
stk_writer_withdraw (StkWriter *self,
                     StkOp     *op)
{
  g_return_val_if_fail (STK_IS_WRITER (self), STK_WITHDRAW_NOT_PENDING);
  g_return_val_if_fail (op != NULL, STK_WITHDRAW_NOT_PENDING);

  return withdraw (self, op, NULL);
}

static void
submission_cancelled_cb (GCancellable *cancellable,
                         gpointer      user_data)
{
  Pending *p = user_data;

  /* p lives until pending_free() has disconnected us, which waits for this handler. */
  withdraw (STK_WRITER (g_task_get_source_object (p->task)), NULL, p);
}

/* ---- public API ---- */

/* Queues p, or returns FALSE with p->error set when the writer is closed. Once it
 * returns TRUE, p belongs to the writer thread: the caller must not touch it. */
static gboolean
enqueue (StkWriter *self,
         Pending   *p)
{
  Pending *head;

  g_atomic_int_inc (&self->entering);
  if (!g_atomic_int_get (&self->accepting))
    {
      g_atomic_int_dec_and_test (&self->entering);
      p->error = g_error_new (STK_ERROR, STK_ERROR_CLOSED,
                              _("Not saved: the inventory is already closed."));
      return FALSE;
    }
  do
    {
      head = g_atomic_pointer_get (&self->inbox);
      p->next = head;
    }
  while (!g_atomic_pointer_compare_and_exchange (&self->inbox, head, p));
  g_atomic_int_inc (&self->inbox_length);
  g_atomic_int_dec_and_test (&self->entering);

  /* Only the op that found the inbox empty can find the writer asleep. */
  if (head == NULL && g_atomic_int_get (&self->idle))
    {
      g_mutex_lock (&self->lock);
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->lock);
    }
  if (g_atomic_int_compare_and_exchange (&self->owner_poked, FALSE, TRUE))
    {
      g_mutex_lock (&self->lock);
      wake_owner_locked (self);
      g_mutex_unlock (&self->lock);
    }
  return TRUE;
}

/**
 * stk_writer_submit:
 * @op: the change; its results (row id, duplicate) are read from it once complete
 * @cancellable: withdraws the op, as stk_writer_withdraw() does, if it is cancelled
 *   before the op starts committing; the callback then gets G_IO_ERROR_CANCELLED.
 *   Cancelled later, it changes nothing: the callback gets the true outcome, so
 *   G_IO_ERROR_CANCELLED always means "not applied"
 * @callback: runs on the thread-default main context of the caller
 *
 * Queues @op for the writer thread. Never blocks on SQLite.
 */
void
stk_writer_submit (StkWriter           *self,
                   StkOp               *op,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  Pending *p;

  g_return_if_fail (STK_IS_WRITER (self));
  g_return_if_fail (op != NULL);

  p = g_new0 (Pending, 1);
  p->op = stk_op_ref (op);
  p->task = g_task_new (self, cancellable, callback, user_data);
  stk_task_set_source_tag (p->task, stk_writer_submit);
  g_task_set_task_data (p->task, stk_op_ref (op), (GDestroyNotify) stk_op_unref);
  /* The outcome is reported as it was, even when cancelled too late to withdraw. */
  g_task_set_check_cancellable (p->task, FALSE);

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_new_error (p->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Not saved: the change was withdrawn."));
      pending_free (p);
      return;
    }
  if (cancellable != NULL)
    {
      p->cancellable = g_object_ref (cancellable);
      p->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (submission_cancelled_cb),
                                            p, NULL);
    }

  if (!enqueue (self, p))
    {
      g_task_return_error (p->task, g_steal_pointer (&p->error));
      pending_free (p);
      return;
    }
  /* Cancelled between the check and the enqueue: the handler found nothing yet. p is
   * freed only on this thread's context, so it is still alive here. */
  if (g_cancellable_is_cancelled (cancellable))
    withdraw (self, NULL, p);
}

gboolean
stk_writer_submit_finish (StkWriter     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (STK_IS_WRITER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * stk_writer_submit_sync:
 * Queues @op and waits until it has been committed or has failed. For the command
 * line, tests and worker threads; never call it from the writer thread (an op's
 * apply function) or from a main loop that must stay responsive.
 */
gboolean
stk_writer_submit_sync (StkWriter  *self,
                        StkOp      *op,
                        GError    **error)
{
  Pending p = { 0 };

  g_return_val_if_fail (STK_IS_WRITER (self), FALSE);
  g_return_val_if_fail (op != NULL, FALSE);
  g_return_val_if_fail (g_thread_self () != self->thread, FALSE);

  p.op = op;
  p.sync = TRUE;

  if (enqueue (self, &p))
    {
      g_mutex_lock (&self->done_lock);
      while (!p.done)
        g_cond_wait (&self->done_cond, &self->done_lock);
      g_mutex_unlock (&self->done_lock);
    }

  if (p.error != NULL)
    {
      g_propagate_error (error, p.error);
      return FALSE;
    }
  return TRUE;
}

void
stk_writer_retry_now (StkWriter *self)
{
  g_return_if_fail (STK_IS_WRITER (self));

  g_mutex_lock (&self->lock);
  self->retry_now = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

const char *
stk_writer_get_path (StkWriter *self)
{
  g_return_val_if_fail (STK_IS_WRITER (self), NULL);
  return self->path;
}

StkWriterState
stk_writer_get_state (StkWriter *self)
{
  g_return_val_if_fail (STK_IS_WRITER (self), STK_WRITER_STATE_CLOSED);
  return self->public_state;
}

guint
stk_writer_get_pending (StkWriter *self)
{
  guint n;

  g_return_val_if_fail (STK_IS_WRITER (self), 0);

  g_mutex_lock (&self->lock);
  n = pending_count_locked (self);
  g_mutex_unlock (&self->lock);
  return n;
}

void
stk_writer_get_figures (StkWriter        *self,
                        StkWriterFigures *figures)
{
  g_return_if_fail (STK_IS_WRITER (self));
  g_return_if_fail (figures != NULL);

  g_mutex_lock (&self->lock);
  *figures = self->figures;
  figures->state = self->state;
  figures->pending = pending_count_locked (self);
  g_mutex_unlock (&self->lock);
  figures->open_connections = self->engine->open_count ();
}

/**
 * stk_writer_list_pending:
 * Returns: (transfer container): the ops not yet committed (queued or in the batch
 * under way), in order, so the user can be told exactly what would be lost.
 */
GPtrArray *
stk_writer_list_pending (StkWriter *self)
{
  GPtrArray *ops;

  g_return_val_if_fail (STK_IS_WRITER (self), NULL);

  ops = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_op_unref);
  g_mutex_lock (&self->lock);
  drain_inbox_locked (self);
  for (guint i = 0; self->under_way != NULL && i < self->under_way->len; i++)
    g_ptr_array_add (ops, stk_op_ref (((Pending *) g_ptr_array_index (self->under_way, i))->op));
  for (Pending *p = self->queue.head; p != NULL; p = p->next)
    g_ptr_array_add (ops, stk_op_ref (p->op));
  g_mutex_unlock (&self->lock);
  return ops;
}

/**
 * stk_writer_close:
 * @timeout_ms: how long to wait for queued ops to commit while the database is locked
 *
 * Drains the queue, checkpoints the WAL and closes the connection. Returns FALSE
 * (STK_ERROR_CLOSED) when some ops could not be saved within @timeout_ms; each of
 * them has failed with the same error. Safe to call more than once.
 */
gboolean
stk_writer_close (StkWriter  *self,
                  guint       timeout_ms,
                  GError    **error)
{
  GThread *thread;
  guint lost;

  g_return_val_if_fail (STK_IS_WRITER (self), FALSE);

  /* No more pushes; wait for those under way, so the writer's last look at the
   * inbox sees them all. */
  g_atomic_int_set (&self->accepting, FALSE);
  while (g_atomic_int_get (&self->entering) > 0)
    g_thread_yield ();

  g_mutex_lock (&self->lock);
  thread = g_steal_pointer (&self->thread);
  self->closing = TRUE;
  self->close_deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (thread == NULL)
    return TRUE;
  g_thread_join (thread);

  g_mutex_lock (&self->lock);
  lost = self->lost_on_close;
  self->lost_on_close = 0;
  g_mutex_unlock (&self->lock);

  if (lost > 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CLOSED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%u change could not be saved: the inventory stayed locked by "
                                "another program.",
                                "%u changes could not be saved: the inventory stayed locked by "
                                "another program.",
                                lost),
                   lost);
      return FALSE;
    }

  return TRUE;
}

/* ---- GObject ---- */

static gboolean
stk_writer_initable_init (GInitable     *initable,
                          GCancellable  *cancellable,
                          GError       **error)
{
  StkWriter *self = STK_WRITER (initable);
  gint64 deadline = g_get_monotonic_time () + (gint64) self->retry_budget_ms * 1000;
  guint attempt = 0;

  g_return_val_if_fail (self->path != NULL, FALSE);

  {
    /* The engine for the location, and the location as it opens it (SQLite: the real
     * file's path), for the connection and for every name derived from it. */
    g_autofree char *real = NULL;

    if (!(self->engine = stk_engine_for_location (self->path, error)) ||
        !(real = self->engine->resolve (self->path, error)))
      return FALSE;

    if (real == NULL)
      return FALSE;
    g_free (self->path);
    self->path = g_steal_pointer (&real);
  }

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;

      self->conn = self->engine->open_writer (self->path, &local_error);
      if (self->conn != NULL)
        break;
      if (!g_error_matches (local_error, STK_ERROR, STK_ERROR_BUSY) ||
          g_get_monotonic_time () >= deadline ||
          g_cancellable_is_cancelled (cancellable))
        {
          if (g_error_matches (local_error, STK_ERROR, STK_ERROR_BUSY))
            {
              g_clear_error (&local_error);
              g_set_error (&local_error, STK_ERROR, STK_ERROR_LOCKED,
                           _("The inventory “%s” is locked by another program. Close it and "
                             "try again."),
                           self->path);
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_usleep (backoff_ms (attempt++) * 1000);
    }

  self->owner_context = g_main_context_ref_thread_default ();
  self->update_source = g_source_new (&update_source_funcs, sizeof (GSource));
  g_source_set_static_name (self->update_source, "[stocktake] writer state");
  g_source_set_callback (self->update_source, update_cb, self, NULL);
  g_source_set_ready_time (self->update_source, -1);
  g_source_attach (self->update_source, self->owner_context);

  self->state = self->public_state = STK_WRITER_STATE_READY;
  g_atomic_int_set (&self->accepting, TRUE);
  self->thread = g_thread_new ("stk-writer", writer_thread, self);
  return TRUE;
}

static void
stk_writer_initable_iface_init (GInitableIface *iface)
{
  iface->init = stk_writer_initable_init;
}

static void
stk_writer_dispose (GObject *object)
{
  StkWriter *self = STK_WRITER (object);
  g_autoptr(GError) error = NULL;

  if (!stk_writer_close (self, 5000, &error))
    g_warning ("%s", error->message);

  if (self->update_source != NULL)
    {
      g_source_destroy (self->update_source);
      g_clear_pointer (&self->update_source, g_source_unref);
    }

  G_OBJECT_CLASS (stk_writer_parent_class)->dispose (object);
}

static void
stk_writer_finalize (GObject *object)
{
  StkWriter *self = STK_WRITER (object);

  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_clear_pointer (&self->path, g_free);
  while (self->queue.head != NULL)
    pending_free (pending_queue_pop_head (&self->queue));
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->done_lock);
  g_cond_clear (&self->done_cond);

  G_OBJECT_CLASS (stk_writer_parent_class)->finalize (object);
}

static void
stk_writer_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  StkWriter *self = STK_WRITER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_RETRY_BUDGET_MS:
      g_value_set_uint (value, self->retry_budget_ms);
      break;
    case PROP_PROBE_INTERVAL_MS:
      g_value_set_uint (value, self->probe_interval_ms);
      break;
    case PROP_POLL_INTERVAL_MS:
      g_value_set_uint (value, self->poll_interval_ms);
      break;
    case PROP_FAIL_WHEN_LOCKED:
      g_value_set_boolean (value, self->fail_when_locked);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->public_state);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, self->public_pending);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_writer_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  StkWriter *self = STK_WRITER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_RETRY_BUDGET_MS:
      self->retry_budget_ms = g_value_get_uint (value);
      break;
    case PROP_PROBE_INTERVAL_MS:
      self->probe_interval_ms = g_value_get_uint (value);
      break;
    case PROP_POLL_INTERVAL_MS:
      self->poll_interval_ms = g_value_get_uint (value);
      break;
    case PROP_FAIL_WHEN_LOCKED:
      self->fail_when_locked = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_writer_class_init (StkWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = stk_writer_dispose;
  object_class->finalize = stk_writer_finalize;
  object_class->get_property = stk_writer_get_property;
  object_class->set_property = stk_writer_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_BUDGET_MS] =
    g_param_spec_uint ("retry-budget-ms", NULL, NULL, 0, G_MAXUINT, DEFAULT_RETRY_BUDGET_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBE_INTERVAL_MS] =
    g_param_spec_uint ("probe-interval-ms", NULL, NULL, 1, G_MAXUINT, DEFAULT_PROBE_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLL_INTERVAL_MS] =
    g_param_spec_uint ("poll-interval-ms", NULL, NULL, 1, G_MAXUINT, DEFAULT_POLL_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * StkWriter:fail-when-locked:
   * Once the retry budget is spent, fail the queued ops with STK_ERROR_LOCKED instead of
   * keeping them and probing: for the command line, which must not wait forever.
   */
  properties[PROP_FAIL_WHEN_LOCKED] =
    g_param_spec_boolean ("fail-when-locked", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, STK_TYPE_WRITER_STATE, STK_WRITER_STATE_READY,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StkWriter::committed:
   * @changes: #StkChangeFlags of what changed (STK_CHANGE_EXTERNAL: another process)
   * @n_ops: how many ops were applied since the last emission
   */
  signals[COMMITTED] =
    g_signal_new ("committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * StkWriter::locked:
   * @pending: how many changes are waiting (safe, queued in order)
   * The retry budget is spent: another program holds the database.
   */
  signals[LOCKED] =
    g_signal_new ("locked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
stk_writer_init (StkWriter *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_mutex_init (&self->done_lock);
  g_cond_init (&self->done_cond);
  self->retry_budget_ms = DEFAULT_RETRY_BUDGET_MS;
  self->probe_interval_ms = DEFAULT_PROBE_INTERVAL_MS;
  self->poll_interval_ms = DEFAULT_POLL_INTERVAL_MS;
}

StkWriter *
stk_writer_new (const char  *path,
                GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_initable_new (STK_TYPE_WRITER, NULL, error, "path", path, NULL);
}

/**
 * stk_writer_new_for_cli:
 * A writer for one-shot commands: when another program holds the database past the
 * retry budget, queued ops fail with STK_ERROR_LOCKED (exit code 75) instead of waiting.
 */
StkWriter *
stk_writer_new_for_cli (const char  *path,
                        GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_initable_new (STK_TYPE_WRITER, NULL, error,
                         "path", path,
                         "fail-when-locked", TRUE,
                         NULL);
}
