/* SPDX-License-Identifier: GPL-3.0-or-later */
/* StkWriter: group commit, per-op failure isolation, exactly once, another process
 * holding the database (busy, then locked and recovered), and kill -9 in the middle of
 * heavy writes. Runs once per engine (tests/meson.build, contract_tests); ordering read
 * row by row, a full disk, commits of other processes and the write-ahead log are the
 * SQLite engine's: tests/test-writer-sqlite.c. */
#include "config.h"

#include <criterion/criterion.h>
#include <signal.h>

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-ops.h"
#include "stk-store.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-writer.h"
#include "stk-test-util.h"

TestSuite (writer, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

Test (writer, group_commit_batches_pending_ops)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_op_unref);
  StkTestResults *results = stk_test_results_new (301);
  StkWriterFigures before, after;
  StkTestGate gate;
  StkOp *gop = NULL;

  stk_test_gate_init (&gate);
  gop = stk_test_gate_op (&gate);
  stk_writer_get_figures (writer, &before);
  stk_test_results_submit (results, writer, gop);
  stk_test_gate_wait_started (&gate);
  for (guint i = 0; i < 300; i++)
    {
      StkOp *op = stk_test_item_op (i);
      g_ptr_array_add (ops, op);
      stk_test_results_submit (results, writer, op);
    }
  cr_assert_eq (stk_writer_get_pending (writer), 301);
  stk_test_gate_release (&gate);
  cr_assert (stk_test_wait_for (&results->all_done, 10000));
  stk_writer_get_figures (writer, &after);

  cr_assert_eq (results->ok, 301);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 300);
  cr_assert_eq (after.batches - before.batches, 2, "the gate's batch, then one batch of 300 (got %lu)",
                (gulong) (after.batches - before.batches));
  cr_assert_eq (after.max_batch, 300);
  cr_assert_eq (after.committed - before.committed, 301);
  cr_assert_eq (stk_writer_get_pending (writer), 0);
  stk_test_results_free (results);
  stk_op_unref (gop);
  stk_test_gate_clear (&gate);
}

Test (writer, a_failing_op_fails_alone)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  StkTestResults *results = stk_test_results_new (8);
  StkTestGate gate;
  StkOp *gop = NULL;
  g_autoptr(StkOp) a = stk_op_create_item ("A-1", "first", 500, 0);
  g_autoptr(StkOp) dup = stk_op_create_item ("a-1", "same code, other case", 1, 0);
  g_autoptr(StkOp) b = stk_op_create_item ("B-1", "second", 700, 0);
  g_autoptr(StkOp) stock = stk_op_record_movement ("B-1", STK_MOVEMENT_RECEIVE, 5, "delivery", 0);
  g_autoptr(StkOp) unknown = stk_op_record_sale ("NOPE", 1, -1, 0);
  g_autoptr(StkOp) too_many = stk_op_record_sale ("B-1", 6, -1, 0);
  g_autoptr(StkOp) sale = stk_op_record_sale ("B-1", 5, -1, 0);
  StkWriterFigures before, after;
  const GError *e;

  stk_test_gate_init (&gate);
  gop = stk_test_gate_op (&gate);
  stk_writer_get_figures (writer, &before);
  stk_test_results_submit (results, writer, gop);
  stk_test_gate_wait_started (&gate);
  stk_test_results_submit (results, writer, a);
  stk_test_results_submit (results, writer, dup);
  stk_test_results_submit (results, writer, b);
  stk_test_results_submit (results, writer, stock);
  stk_test_results_submit (results, writer, unknown);
  stk_test_results_submit (results, writer, too_many);
  stk_test_results_submit (results, writer, sale);
  stk_test_gate_release (&gate);
  cr_assert (stk_test_wait_for (&results->all_done, 10000));
  stk_writer_get_figures (writer, &after);

  cr_assert_eq (after.batches - before.batches, 2, "the seven ops share one transaction");
  cr_assert_eq (results->ok, 5);
  /* Completion order is submission order. */
  cr_assert_eq (g_ptr_array_index (results->order, 1), a);
  cr_assert_eq (g_ptr_array_index (results->order, 7), sale);

  e = g_ptr_array_index (results->errors, 2);
  cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_CONSTRAINT));
  cr_assert_str_eq (e->message, "An item with code “a-1” already exists.");
  e = g_ptr_array_index (results->errors, 5);
  cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_CONSTRAINT));
  cr_assert_str_eq (e->message, "Unknown item code “NOPE”.");
  e = g_ptr_array_index (results->errors, 6);
  cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_CONSTRAINT));
  cr_assert (strstr (e->message, "Not enough stock of “B-1”") != NULL, "%s", e->message);

  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'B-1'"), 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT unit_price_cents FROM sales"), 700);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM applied_ops"), 5,
                "failed ops leave no record, so they may be submitted again");
  stk_test_results_free (results);
  stk_op_unref (gop);
  stk_test_gate_clear (&gate);
}

Test (writer, exactly_once_by_op_id)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) create = stk_op_create_item ("ONCE", "", 1, 0);
  g_autoptr(StkOp) receive = stk_op_record_movement ("ONCE", STK_MOVEMENT_RECEIVE, 10, "", 0);
  g_autoptr(StkOp) again = NULL;
  g_autoptr(StkOp) sale = stk_op_record_sale ("ONCE", 3, 99, 0);
  g_autoptr(StkOp) sale_retry = NULL;

  cr_assert (stk_writer_submit_sync (writer, create, &error));
  cr_assert (stk_writer_submit_sync (writer, receive, &error));
  cr_assert_not (stk_op_get_duplicate (receive));

  /* The same op again (a retry after an ambiguous result): not applied twice. */
  cr_assert (stk_writer_submit_sync (writer, receive, &error));
  cr_assert (stk_op_get_duplicate (receive));
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 10);

  /* A new op object carrying the id of one already applied (e.g. after a crash). */
  again = stk_op_record_movement ("ONCE", STK_MOVEMENT_RECEIVE, 10, "", 0);
  stk_op_set_id (again, stk_op_get_id (receive));
  cr_assert (stk_writer_submit_sync (writer, again, &error));
  cr_assert (stk_op_get_duplicate (again));
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 10);

  cr_assert (stk_writer_submit_sync (writer, sale, &error));
  sale_retry = stk_op_record_sale ("ONCE", 3, 99, 0);
  stk_op_set_id (sale_retry, stk_op_get_id (sale));
  cr_assert (stk_writer_submit_sync (writer, sale_retry, &error));
  cr_assert (stk_op_get_duplicate (sale_retry));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 7);

  /* The record survives closing and reopening. */
  cr_assert (stk_writer_close (writer, 1000, NULL));
  g_clear_object (&writer);
  writer = stk_test_new_writer (5000, 2000);
  cr_assert (stk_writer_submit_sync (writer, sale_retry, &error));
  cr_assert (stk_op_get_duplicate (sale_retry));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 1);
}

/* ---- another process holding the database ---- */

static GSubprocess *
hold_lock (double seconds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *helper = stk_test_helper_path ("stk-lock-holder");
  g_autofree char *secs = g_strdup_printf ("%.2f", seconds);
  g_autofree char *line = NULL;
  GSubprocess *proc;
  GDataInputStream *out;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                           &error, helper, db_path, secs, NULL);
  cr_assert_not_null (proc, "%s", error ? error->message : "");
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  cr_assert_str_eq (line ? line : "(nothing)", "locked");
  g_object_set_data_full (G_OBJECT (proc), "out", out, g_object_unref);
  return proc;
}

static void
release_lock (GSubprocess *proc)
{
  cr_assert (g_output_stream_close (g_subprocess_get_stdin_pipe (proc), NULL, NULL));
  cr_assert (g_subprocess_wait_check (proc, NULL, NULL));
}

static void
record_state_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  GArray *states = user_data;
  StkWriterState state = stk_writer_get_state (STK_WRITER (object));

  g_array_append_val (states, state);
}

static gboolean
array_contains (GArray *states,
                StkWriterState state)
{
  for (guint i = 0; i < states->len; i++)
    if (g_array_index (states, StkWriterState, i) == state)
      return TRUE;
  return FALSE;
}

/* Waits (main loop running, generous deadline) until the writer has met a busy
 * database at least @n times in all: a negative check made after this knows the
 * writer had its chance. */
static gboolean
wait_retries (StkWriter *writer,
              guint64    n,
              guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  StkWriterFigures figures;

  for (;;)
    {
      stk_writer_get_figures (writer, &figures);
      if (figures.retries >= n || g_get_monotonic_time () >= end)
        return figures.retries >= n;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Waits until the writer's public (main-context) state is @state. */
static gboolean
wait_state (StkWriter      *writer,
            StkWriterState  state,
            guint           timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (stk_writer_get_state (writer) != state && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return stk_writer_get_state (writer) == state;
}

/* Waits until @state has been seen among the recorded notifications. */
static gboolean
wait_state_seen (GArray         *states,
                 StkWriterState  state,
                 guint           timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!array_contains (states, state) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return array_contains (states, state);
}

/* How long the writer takes to commit once the other process lets go is a figure of
 * tests/bench/bench-latency.c; here the other process holds the database until the
 * test releases it, so "nothing committed while held" needs no clock. */
Test (writer, busy_then_everything_commits_once)
{
  /* A budget far beyond the test's own deadlines: the writer stays RETRYING. */
  g_autoptr(StkWriter) writer = stk_test_new_writer (600000, 2000);
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_op_unref);
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (StkWriterState));
  g_autoptr(GSubprocess) holder = NULL;
  StkTestResults *results = stk_test_results_new (50);
  StkWriterFigures figures;

  g_signal_connect (writer, "notify::state", G_CALLBACK (record_state_cb), states);
  holder = hold_lock (0);
  for (guint i = 0; i < 50; i++)
    {
      StkOp *op = stk_test_item_op (i);
      g_ptr_array_add (ops, op);
      stk_test_results_submit (results, writer, op);
    }
  /* The writer has met the busy database several times (backing off in between). */
  cr_assert (wait_retries (writer, 4, 30000), "the writer did not retry the busy database");
  cr_assert (wait_state_seen (states, STK_WRITER_STATE_RETRYING, 30000));
  cr_assert_eq (results->done, 0, "nothing can commit while the other process holds the lock");
  cr_assert_eq (stk_writer_get_state (writer), STK_WRITER_STATE_RETRYING);
  cr_assert_eq (stk_writer_get_pending (writer), 50);

  release_lock (holder);
  cr_assert_eq (results->done, 0, "nothing committed before the other process let go");
  cr_assert (stk_test_wait_for (&results->all_done, 30000));
  cr_assert_eq (results->ok, 50);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 50);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM applied_ops"), 50);
  stk_writer_get_figures (writer, &figures);
  cr_assert_gt (figures.retries, 3);
  cr_assert_eq (figures.lock_episodes, 0, "busy within the budget never opens the circuit");
  cr_assert (wait_state (writer, STK_WRITER_STATE_READY, 30000));
  cr_assert (array_contains (states, STK_WRITER_STATE_RETRYING));
  stk_test_results_free (results);
}

static void
locked_cb (StkWriter *writer,
           guint      pending,
           gpointer   user_data)
{
  guint *out = user_data;

  *out = pending;
}

/* Waits until the "locked" signal has set *pending. */
static gboolean
wait_locked (const guint *pending,
             guint        timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (*pending == 0 && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return *pending != 0;
}

Test (writer, locked_past_budget_then_recovers_in_order)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (300, 200);
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_op_unref);
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (StkWriterState));
  g_autoptr(GSubprocess) holder = NULL;
  StkTestResults *results = stk_test_results_new (20);
  guint locked_pending = 0;
  gboolean locked = FALSE;
  StkWriterFigures figures;

  g_signal_connect (writer, "notify::state", G_CALLBACK (record_state_cb), states);
  g_signal_connect (writer, "locked", G_CALLBACK (locked_cb), &locked_pending);
  holder = hold_lock (0);
  for (guint i = 0; i < 20; i++)
    {
      StkOp *op = stk_test_item_op (i);
      g_ptr_array_add (ops, op);
      stk_test_results_submit (results, writer, op);
    }
  cr_assert (wait_locked (&locked_pending, 30000), "no \"locked\" signal");
  cr_assert_eq (locked_pending, 20, "the locked signal carries the pending count");
  locked = stk_writer_get_state (writer) == STK_WRITER_STATE_LOCKED ||
           stk_writer_get_state (writer) == STK_WRITER_STATE_PROBING;
  cr_assert (locked);
  /* Two probes made after the circuit opened, both met the busy database. */
  stk_writer_get_figures (writer, &figures);
  cr_assert (wait_retries (writer, figures.retries + 2, 30000), "no probe while locked");
  cr_assert (wait_state_seen (states, STK_WRITER_STATE_PROBING, 30000), "half-open probes while locked");
  cr_assert_eq (results->done, 0);

  release_lock (holder);
  cr_assert (stk_test_wait_for (&results->all_done, 30000));
  cr_assert_eq (results->ok, 20);
  for (guint i = 0; i < 20; i++)
    cr_assert_eq (g_ptr_array_index (results->order, i), g_ptr_array_index (ops, i));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 20);
  cr_assert_eq (stk_test_query (db_path,
                                "SELECT count(*) FROM items a JOIN items b ON b.id = a.id + 1"
                                " WHERE b.code < a.code"), 0, "rows committed in submission order");
  stk_writer_get_figures (writer, &figures);
  cr_assert_eq (figures.lock_episodes, 1);
  cr_assert (wait_state (writer, STK_WRITER_STATE_READY, 30000));
  stk_test_results_free (results);
}

/* The probe interval (10 min) is far beyond every deadline here: a commit can only
 * come from stk_writer_retry_now(). How fast it comes is a figure of
 * tests/bench/bench-latency.c. */
Test (writer, retry_now_attempts_at_once)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (100, 600000);
  g_autoptr(StkOp) op = stk_test_item_op (1);
  g_autoptr(GSubprocess) holder = NULL;
  StkTestResults *results = stk_test_results_new (1);
  guint locked_pending = 0;
  StkWriterFigures figures;

  g_signal_connect (writer, "locked", G_CALLBACK (locked_cb), &locked_pending);
  holder = hold_lock (0);
  stk_test_results_submit (results, writer, op);
  cr_assert (wait_locked (&locked_pending, 30000), "no \"locked\" signal");
  cr_assert_eq (locked_pending, 1);
  release_lock (holder);
  cr_assert_eq (results->done, 0, "the writer waits for its next probe, 10 min away");
  stk_writer_retry_now (writer);
  cr_assert (stk_test_wait_for (&results->all_done, 30000), "retry_now did not attempt");
  cr_assert_eq (results->ok, 1);
  stk_writer_get_figures (writer, &figures);
  cr_assert_eq (figures.lock_episodes, 1);
  stk_test_results_free (results);
}

Test (writer, close_while_locked_reports_what_was_not_saved)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (100, 100);
  g_autoptr(StkOp) op1 = stk_test_item_op (1);
  g_autoptr(StkOp) op2 = stk_test_item_op (2);
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) late = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  StkTestResults *results = stk_test_results_new (2);

  holder = hold_lock (0);
  stk_test_results_submit (results, writer, op1);
  stk_test_results_submit (results, writer, op2);
  /* The batch has met the busy database, and both ops are in. */
  cr_assert (wait_retries (writer, 1, 30000));
  /* Both are waiting (one in the batch being retried): the user can be told which. */
  pending = stk_writer_list_pending (writer);
  cr_assert_eq (pending->len, 2);
  cr_assert_eq (stk_writer_get_pending (writer), 2);
  cr_assert_eq (g_ptr_array_index (pending, 0), op1);
  cr_assert_eq (g_ptr_array_index (pending, 1), op2);
  cr_assert_str_eq (stk_op_get_description (op1), "New item “ITEM-0001”");
  cr_assert_not (stk_writer_close (writer, 300, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CLOSED));
  cr_assert (strstr (error->message, "2 changes could not be saved") != NULL, "%s", error->message);
  cr_assert (stk_test_wait_for (&results->all_done, 2000));
  cr_assert_eq (results->ok, 0);
  cr_assert (g_error_matches (g_ptr_array_index (results->errors, 0), STK_ERROR, STK_ERROR_CLOSED));
  release_lock (holder);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0);

  /* After close, new ops fail at once instead of vanishing. */
  cr_assert_not (stk_writer_submit_sync (writer, op1, &late));
  cr_assert (g_error_matches (late, STK_ERROR, STK_ERROR_CLOSED));
  stk_test_results_free (results);
}

/* ---- kill -9 in the middle of heavy writes ---- */

/* The round itself lives in stk-test-util.c, shared with tests/bench/bench-crash.c
 * (the long soak); here a short series, each kill 50-400 ms into the writes. */
#define CRASH_ROUNDS 25

Test (writer, kill_9_mid_write_loses_no_acknowledged_op, .timeout = 120)
{
  StkCrashCounts counts = { 0 };

  for (guint round = 0; round < CRASH_ROUNDS; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *problem = NULL;
      guint acked_before = counts.acked;

      cr_assert (stk_test_crash_round (db_path, 50, 400, &counts, &problem, &error),
                 "round %u: %s", round, error ? error->message : "");
      cr_assert_gt (counts.acked, acked_before, "round %u acknowledged nothing", round);
      cr_assert_eq (counts.lost + counts.doubled + counts.half_applied + counts.verify_problems, 0,
                    "round %u: %s", round, problem ? problem : "");
    }
  cr_assert_eq (counts.rounds, CRASH_ROUNDS);
}

Test (writer, fail_when_locked_fails_fast_with_locked)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkOp) op = stk_test_item_op (1);
  g_autoptr(StkOp) op2 = stk_test_item_op (2);
  g_autoptr(GSubprocess) holder = NULL;
  gint64 t0;

  writer = g_initable_new (STK_TYPE_WRITER, NULL, &error, "path", db_path,
                           "retry-budget-ms", 300, "fail-when-locked", TRUE, NULL);
  cr_assert_not_null (writer);
  holder = hold_lock (0);
  t0 = g_get_monotonic_time ();
  cr_assert_not (stk_writer_submit_sync (writer, op, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);
  cr_assert_eq (stk_error_exit_code (error), 75);
  /* It tried for the whole budget, then gave up instead of waiting on (how soon is a
   * figure of tests/bench/bench-latency.c; the margin here is only against a hang). */
  cr_assert_geq (g_get_monotonic_time () - t0, 300 * 1000, "gave up before the budget was spent");
  cr_assert_lt (g_get_monotonic_time () - t0, 30 * G_USEC_PER_SEC, "did not give up after the budget");
  release_lock (holder);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0, "nothing half-saved");

  /* The writer goes on once the lock is gone. */
  cr_assert (stk_writer_submit_sync (writer, op2, &error2), "%s", error2 ? error2->message : "");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 1);
}
