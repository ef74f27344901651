/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cancel means cancel: stk_writer_withdraw() and a cancelled GCancellable take back an
 * op that has not started committing (queued, or in the batch waiting for a retry
 * while another program holds the database); an op already committing reports its
 * true outcome. Exactly once: never dropped silently, never applied twice. */
#include "config.h"

#include <criterion/criterion.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-writer.h"
#include "stk-test-util.h"

TestSuite (cancel, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 120);

#define DEADLINE_MS 20000

static StkOp *
item_op (guint n)
{
  g_autofree char *code = g_strdup_printf ("ITEM-%04u", n);

  return stk_op_create_item (code, "Test item", 100, 0);
}

static gint64
count_code (guint n)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM items WHERE code = 'ITEM-%04u'", n);

  return stk_test_query (db_path, sql);
}

static gint64
count_applied (StkOp *op)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM applied_ops WHERE op_id = '%s'",
                                          stk_op_get_id (op));

  return stk_test_query (db_path, sql);
}

/* One async submission's outcome. */
typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  guint     calls;
} Outcome;

static void
outcome_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Outcome *o = user_data;

  o->ok = stk_writer_submit_finish (STK_WRITER (object), result, &o->error);
  o->calls++;
  o->done = TRUE;
}

static void
outcome_clear (Outcome *o)
{
  g_clear_error (&o->error);
  memset (o, 0, sizeof *o);
}

static gboolean
is_cancelled (const Outcome *o)
{
  return !o->ok && g_error_matches (o->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- another process holding the database ---- */

static GSubprocess *
hold_lock (void)
{
  return stk_test_hold_database (db_path);
}

static void
release_lock (GSubprocess *proc)
{
  stk_test_release_database (proc);
}

static void
locked_cb (StkWriter *writer,
           guint      pending,
           gpointer   user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Spins until the writer's state is @state (as the main context sees it). */
static gboolean
wait_for_state (StkWriter      *writer,
                StkWriterState  state)
{
  gint64 end = stk_test_deadline (DEADLINE_MS);

  while (stk_writer_get_state (writer) != state && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  return stk_writer_get_state (writer) == state;
}

Test (cancel, withdrawn_while_locked_is_never_written_and_the_others_commit_in_order)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (300, 100);
  g_autoptr(StkOp) a = item_op (1);
  g_autoptr(StkOp) b = item_op (2);
  g_autoptr(StkOp) c = item_op (3);
  g_autoptr(StkOp) late = item_op (4);
  g_autoptr(GSubprocess) holder = hold_lock ();
  Outcome oa = { 0 }, ob = { 0 }, oc = { 0 };
  gboolean locked = FALSE;
  StkWriterFigures figures;

  g_signal_connect (writer, "locked", G_CALLBACK (locked_cb), &locked);
  stk_writer_submit (writer, a, NULL, outcome_cb, &oa);
  stk_writer_submit (writer, b, NULL, outcome_cb, &ob);
  cr_assert (stk_test_wait_for (&locked, DEADLINE_MS), "the writer gives up and waits");
  /* c arrives while the breaker is open: it waits in the queue, a and b in the batch. */
  stk_writer_submit (writer, c, NULL, outcome_cb, &oc);

  cr_assert_eq (stk_writer_withdraw (writer, b), STK_WITHDRAW_WITHDRAWN,
                "b waits for a retry: it has not started committing");
  cr_assert (stk_test_wait_for (&ob.done, DEADLINE_MS));
  cr_assert (is_cancelled (&ob), "the withdrawn op completes with G_IO_ERROR_CANCELLED");
  cr_assert_eq (stk_writer_withdraw (writer, b), STK_WITHDRAW_NOT_PENDING, "only once");
  cr_assert_eq (stk_writer_get_pending (writer), 2);
  cr_assert_not (oa.done || oc.done);

  release_lock (holder);
  cr_assert (stk_test_wait_for (&oc.done, DEADLINE_MS));
  cr_assert (oa.done && oa.ok && oc.ok, "the others are unaffected");
  /* Anything still queued would commit before this one. */
  stk_test_submit (writer, stk_op_ref (late));
  cr_assert_eq (count_code (2), 0, "the withdrawn change is not written after the release");
  cr_assert_eq (count_applied (b), 0);
  cr_assert_eq (count_code (1), 1);
  cr_assert_eq (count_code (3), 1);
  cr_assert_eq (count_code (4), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'ITEM-0001'"
                                         " AND id < (SELECT id FROM items WHERE code = 'ITEM-0003')"),
                1, "order kept");
  stk_writer_get_figures (writer, &figures);
  cr_assert_eq (figures.withdrawn, 1);
  cr_assert_eq (ob.calls, 1, "one answer per submission");
  outcome_clear (&oa);
  outcome_clear (&ob);
  outcome_clear (&oc);
}

Test (cancel, withdrawing_everything_while_locked_closes_the_breaker)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (300, 60000);
  g_autoptr(StkOp) a = item_op (1);
  g_autoptr(StkOp) late = item_op (2);
  g_autoptr(GSubprocess) holder = hold_lock ();
  Outcome oa = { 0 };
  gboolean locked = FALSE;

  g_signal_connect (writer, "locked", G_CALLBACK (locked_cb), &locked);
  stk_writer_submit (writer, a, NULL, outcome_cb, &oa);
  cr_assert (stk_test_wait_for (&locked, DEADLINE_MS));
  cr_assert_eq (stk_writer_withdraw (writer, a), STK_WITHDRAW_WITHDRAWN);
  cr_assert (stk_test_wait_for (&oa.done, DEADLINE_MS));
  cr_assert (is_cancelled (&oa));
  /* With a 60 s probe interval only the withdrawal can wake the writer. */
  cr_assert (wait_for_state (writer, STK_WRITER_STATE_READY),
             "nothing waits any more: the writer is READY, not LOCKED with 0 changes");
  cr_assert_eq (stk_writer_get_pending (writer), 0);
  release_lock (holder);
  stk_test_submit (writer, stk_op_ref (late));
  cr_assert_eq (count_code (1), 0);
  cr_assert_eq (count_code (2), 1);
  outcome_clear (&oa);
}

Test (cancel, queued_ops_are_withdrawn_the_committing_one_reports_its_outcome)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  g_autoptr(StkOp) gate_op = NULL;
  StkOp *ops[5] = { NULL };
  Outcome og = { 0 }, o[5] = { { 0 } };
  StkTestGate gate;

  stk_test_gate_init (&gate);
  gate_op = stk_test_gate_op (&gate);
  stk_writer_submit (writer, gate_op, NULL, outcome_cb, &og);
  stk_test_gate_wait_started (&gate);
  for (guint i = 0; i < 5; i++)
    {
      ops[i] = item_op (i);
      stk_writer_submit (writer, ops[i], NULL, outcome_cb, &o[i]);
    }
  cr_assert_eq (stk_writer_withdraw (writer, gate_op), STK_WITHDRAW_COMMITTING,
                "the op being applied cannot be taken back");
  cr_assert_eq (stk_writer_withdraw (writer, ops[1]), STK_WITHDRAW_WITHDRAWN);
  cr_assert_eq (stk_writer_withdraw (writer, ops[3]), STK_WITHDRAW_WITHDRAWN);
  stk_test_gate_release (&gate);
  for (guint i = 0; i < 5; i++)
    cr_assert (stk_test_wait_for (&o[i].done, DEADLINE_MS));
  cr_assert (stk_test_wait_for (&og.done, DEADLINE_MS));
  cr_assert (og.ok, "the committing op reports success, not cancelled");
  for (guint i = 0; i < 5; i++)
    {
      gboolean withdrawn = i == 1 || i == 3;

      cr_assert_eq (is_cancelled (&o[i]), withdrawn, "op %u", i);
      cr_assert_eq (o[i].ok, !withdrawn, "op %u", i);
      cr_assert_eq (count_code (i), withdrawn ? 0 : 1, "op %u", i);
      cr_assert_eq (count_applied (ops[i]), withdrawn ? 0 : 1, "op %u", i);
      outcome_clear (&o[i]);
      stk_op_unref (ops[i]);
    }
  outcome_clear (&og);
  stk_test_gate_clear (&gate);
}

Test (cancel, a_cancelled_cancellable_withdraws_in_time_and_never_lies_after)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  g_autoptr(StkOp) gate_op = NULL;
  g_autoptr(StkOp) queued = item_op (1);
  g_autoptr(StkOp) done = item_op (2);
  g_autoptr(GCancellable) c_gate = g_cancellable_new ();
  g_autoptr(GCancellable) c_queued = g_cancellable_new ();
  g_autoptr(GCancellable) c_done = g_cancellable_new ();
  Outcome og = { 0 }, oq = { 0 }, od = { 0 };
  StkTestGate gate;

  stk_test_gate_init (&gate);
  gate_op = stk_test_gate_op (&gate);
  stk_writer_submit (writer, gate_op, c_gate, outcome_cb, &og);
  stk_test_gate_wait_started (&gate);
  stk_writer_submit (writer, queued, c_queued, outcome_cb, &oq);
  g_cancellable_cancel (c_queued);
  g_cancellable_cancel (c_gate); /* too late: it is being applied */
  stk_test_gate_release (&gate);
  cr_assert (stk_test_wait_for (&oq.done, DEADLINE_MS));
  cr_assert (stk_test_wait_for (&og.done, DEADLINE_MS));
  cr_assert (is_cancelled (&oq));
  cr_assert (og.ok, "cancelled while committing: the true outcome (saved), not CANCELLED");

  stk_writer_submit (writer, done, c_done, outcome_cb, &od);
  cr_assert (stk_test_wait_for (&od.done, DEADLINE_MS));
  g_cancellable_cancel (c_done);
  cr_assert (od.ok);
  stk_test_submit (writer, item_op (3));
  cr_assert_eq (count_code (1), 0, "withdrawn by its cancellable");
  cr_assert_eq (count_code (2), 1);
  outcome_clear (&og);
  outcome_clear (&oq);
  outcome_clear (&od);
  stk_test_gate_clear (&gate);
}

typedef struct
{
  StkWriter *writer;
  StkOp     *op;
  gboolean   ok;
  GError    *error;
} SyncCall;

static gpointer
sync_thread (gpointer data)
{
  SyncCall *call = data;

  call->ok = stk_writer_submit_sync (call->writer, call->op, &call->error);
  return NULL;
}

Test (cancel, a_waiting_sync_submitter_is_told_its_op_was_withdrawn)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  g_autoptr(StkOp) gate_op = NULL;
  g_autoptr(StkOp) op = item_op (1);
  SyncCall call = { 0 };
  GThread *thread;
  StkTestGate gate;
  gint64 end = stk_test_deadline (DEADLINE_MS);

  stk_test_gate_init (&gate);
  gate_op = stk_test_gate_op (&gate);
  stk_writer_submit (writer, gate_op, NULL, NULL, NULL);
  stk_test_gate_wait_started (&gate);
  call.writer = writer;
  call.op = op;
  thread = g_thread_new ("sync-submitter", sync_thread, &call);
  while (stk_writer_get_pending (writer) < 2 && g_get_monotonic_time () < end)
    g_thread_yield ();
  cr_assert_eq (stk_writer_withdraw (writer, op), STK_WITHDRAW_WITHDRAWN);
  g_thread_join (thread);
  cr_assert_not (call.ok);
  cr_assert (g_error_matches (call.error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  stk_test_gate_release (&gate);
  stk_test_submit (writer, item_op (2));
  cr_assert_eq (count_code (1), 0);
  g_clear_error (&call.error);
  stk_test_gate_clear (&gate);
}

/* Withdraw at a random instant of a commit: the answer and the outcome must agree with
 * what the inventory holds, every round. */
#define RACE_ROUNDS 400

Test (cancel, withdraw_racing_the_commit_is_reported_truthfully)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  guint seen[3] = { 0 };

  for (guint round = 0; round < RACE_ROUNDS; round++)
    {
      g_autoptr(StkOp) op = item_op (round);
      Outcome o = { 0 };
      StkWithdrawResult r;
      volatile guint spin = g_random_int_range (0, 200000);

      stk_writer_submit (writer, op, NULL, outcome_cb, &o);
      while (spin > 0)
        spin--;
      r = stk_writer_withdraw (writer, op);
      seen[r]++;
      cr_assert (stk_test_wait_for (&o.done, DEADLINE_MS), "round %u", round);
      cr_assert_eq (o.calls, 1);
      if (r == STK_WITHDRAW_WITHDRAWN)
        cr_assert (is_cancelled (&o), "round %u: withdrawn but reported %s", round,
                   o.ok ? "saved" : o.error->message);
      else
        cr_assert (o.ok, "round %u: not withdrawn (%d) but reported %s", round, r,
                   o.error ? o.error->message : "");
      cr_assert_eq (count_code (round), o.ok ? 1 : 0, "round %u: the report and the file disagree",
                    round);
      outcome_clear (&o);
    }
  cr_log_info ("withdraw racing commit, %u rounds: %u withdrawn, %u committing, %u already done",
               RACE_ROUNDS, seen[STK_WITHDRAW_WITHDRAWN], seen[STK_WITHDRAW_COMMITTING],
               seen[STK_WITHDRAW_NOT_PENDING]);
  cr_assert_gt (seen[STK_WITHDRAW_WITHDRAWN], 0);
}

/* The same at the moment the other program lets go: the retry may be starting. */
#define RELEASE_ROUNDS 12

Test (cancel, withdraw_racing_the_release_is_reported_truthfully)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (60000, 60000);

  for (guint round = 0; round < RELEASE_ROUNDS; round++)
    {
      g_autoptr(StkOp) op = item_op (round);
      g_autoptr(GSubprocess) holder = hold_lock ();
      Outcome o = { 0 };
      StkWithdrawResult r;
      volatile guint spin = g_random_int_range (0, 2000000);

      stk_writer_submit (writer, op, NULL, outcome_cb, &o);
      cr_assert (wait_for_state (writer, STK_WRITER_STATE_RETRYING), "round %u", round);
      g_output_stream_close (g_subprocess_get_stdin_pipe (holder), NULL, NULL);
      while (spin > 0)
        spin--;
      r = stk_writer_withdraw (writer, op);
      cr_assert (stk_test_wait_for (&o.done, DEADLINE_MS), "round %u", round);
      cr_assert (g_subprocess_wait_check (holder, NULL, NULL));
      cr_assert_eq (r == STK_WITHDRAW_WITHDRAWN, is_cancelled (&o), "round %u", round);
      cr_assert_eq (count_code (round), o.ok ? 1 : 0, "round %u", round);
      outcome_clear (&o);
      cr_assert (wait_for_state (writer, STK_WRITER_STATE_READY));
    }
}
