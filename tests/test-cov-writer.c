/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The writer's less travelled paths (issue 20, branch coverage of data/stk-writer.c):
 * a change submitted already withdrawn, an op that runs alone or shares a batch coming
 * back a second time (exactly once), an op failing with an error of another domain or
 * without a record, an op whose failure is not its own (the batch is undone and run
 * again op by op, so that only that op fails), an op withdrawn that was submitted twice,
 * a change submitted to a closed writer.
 * Each asserts what the caller is told and what the inventory holds afterwards. */
#include "config.h"

#include <criterion/criterion.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

TestSuite (cov_writer, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

typedef struct
{
  guint   runs;
  GQuark  domain;   /* 0: the run succeeds */
  int     code;
} RunSpec;

static gboolean
counted_run (StkOp    *op,
             gpointer  user_data,
             GError  **error)
{
  RunSpec *spec = user_data;

  g_atomic_int_inc (&spec->runs);
  if (spec->domain == 0)
    return TRUE;
  g_set_error (error, spec->domain, spec->code, "run %s refused", stk_op_get_kind (op));
  return FALSE;
}

static StkOp *
run_op (const char *id,
        StkOpFlags  flags,
        RunSpec    *spec)
{
  StkOp *op = stk_op_new_run ("cov-run", STK_CHANGE_NONE, counted_run, spec, NULL);

  if (id != NULL)
    stk_op_set_id (op, id);
  stk_op_set_flags (op, flags);
  return op;
}

typedef struct
{
  guint      expected;
  guint      done;
  gboolean   all_done;
  GPtrArray *errors;   /* one per op, in completion order; NULL for success */
} Results;

static void
error_free0 (gpointer e)
{
  if (e != NULL)
    g_error_free (e);
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Results *r = user_data;
  GError *error = NULL;

  stk_writer_submit_finish (STK_WRITER (object), result, &error);
  g_ptr_array_add (r->errors, error);
  if (++r->done == r->expected)
    r->all_done = TRUE;
}

/* Runs @ops (NULL-terminated) as one batch: a gate holds the writer while they queue. */
static void
run_batch (StkWriter *writer,
           Results   *r,
           StkOp     *first,
           ...)
{
  g_autoptr(StkOp) gop = NULL;
  StkTestGate gate;
  va_list args;
  guint n = 0;

  stk_test_gate_init (&gate);
  gop = stk_test_gate_op (&gate);
  stk_writer_submit (writer, gop, NULL, NULL, NULL);
  stk_test_gate_wait_started (&gate);

  va_start (args, first);
  for (StkOp *op = first; op != NULL; op = va_arg (args, StkOp *))
    {
      stk_writer_submit (writer, op, NULL, done_cb, r);
      n++;
    }
  va_end (args);
  r->expected = n;
  r->errors = g_ptr_array_new_with_free_func (error_free0);
  stk_test_gate_release (&gate);
  cr_assert (stk_test_wait_for (&r->all_done, 30000));
  stk_test_gate_clear (&gate);
}

static gint64
applied (const char *id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM applied_ops WHERE op_id = '%s'", id);

  return stk_test_query (db_path, sql);
}

Test (cov_writer, a_change_submitted_already_withdrawn_is_not_saved_and_says_so)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(StkOp) op = stk_op_create_item ("W-1", "never", 100, 0);
  Results r = { .expected = 1, .errors = g_ptr_array_new_with_free_func (error_free0) };
  const GError *e;

  g_cancellable_cancel (cancellable);
  stk_writer_submit (writer, op, cancellable, done_cb, &r);
  cr_assert_eq (stk_writer_get_pending (writer), 0, "nothing was queued");
  cr_assert (stk_test_wait_for (&r.all_done, 30000));
  e = g_ptr_array_index (r.errors, 0);
  cr_assert (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  cr_assert_str_eq (e->message, "Not saved: the change was withdrawn.");
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0);
  g_ptr_array_unref (r.errors);
}

Test (cov_writer, an_op_that_runs_alone_comes_back_and_is_not_run_again)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  RunSpec spec = { 0 };
  g_autoptr(StkOp) first = run_op ("alone-1", STK_OP_FLAG_STANDALONE, &spec);
  g_autoptr(StkOp) again = run_op ("alone-1", STK_OP_FLAG_STANDALONE, &spec);
  g_autoptr(GError) error = NULL;

  cr_assert (stk_writer_submit_sync (writer, first, &error), "%s", error ? error->message : "");
  cr_assert_not (stk_op_get_duplicate (first));
  cr_assert (stk_writer_submit_sync (writer, again, &error), "%s", error ? error->message : "");
  cr_assert (stk_op_get_duplicate (again), "the second is told it was applied before");
  cr_assert_eq (spec.runs, 1, "exactly once: the second is not run");
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (applied ("alone-1"), 1);
}

Test (cov_writer, a_batched_op_that_comes_back_is_not_run_again_and_the_batch_commits)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  RunSpec spec = { 0 };
  g_autoptr(StkOp) first = run_op ("plain-1", STK_OP_FLAG_NONE, &spec);
  g_autoptr(StkOp) again = run_op ("plain-1", STK_OP_FLAG_NONE, &spec);
  g_autoptr(StkOp) item = stk_op_create_item ("W-2", "after the duplicate", 100, 0);
  Results r = { 0 };

  stk_test_submit (writer, stk_op_ref (first));
  run_batch (writer, &r, again, item, NULL);
  cr_assert_null (g_ptr_array_index (r.errors, 0));
  cr_assert_null (g_ptr_array_index (r.errors, 1));
  cr_assert (stk_op_get_duplicate (again));
  cr_assert_eq (spec.runs, 1, "exactly once: the second is not run");
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (applied ("plain-1"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'W-2'"), 1);
  g_ptr_array_unref (r.errors);
}

Test (cov_writer, an_op_failing_with_another_domains_error_fails_alone)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  RunSpec spec = { .domain = G_IO_ERROR, .code = G_IO_ERROR_INVALID_DATA };
  g_autoptr(StkOp) failing = run_op ("foreign-1", STK_OP_FLAG_NONE, &spec);
  g_autoptr(StkOp) before = stk_op_create_item ("W-3", "before", 100, 0);
  g_autoptr(StkOp) after = stk_op_create_item ("W-4", "after", 100, 0);
  Results r = { 0 };
  const GError *e;

  run_batch (writer, &r, before, failing, after, NULL);
  cr_assert_null (g_ptr_array_index (r.errors, 0));
  e = g_ptr_array_index (r.errors, 1);
  cr_assert (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_INVALID_DATA), "%s", e ? e->message : "");
  cr_assert_str_eq (e->message, "run cov-run refused");
  cr_assert_null (g_ptr_array_index (r.errors, 2));
  cr_assert_eq (spec.runs, 1, "the op's own failure: the batch was not undone and run again");
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2);
  cr_assert_eq (applied ("foreign-1"), 0, "a failed op leaves no record: it may come again");
  g_ptr_array_unref (r.errors);
}

Test (cov_writer, an_atomic_op_without_a_record_fails_alone)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  RunSpec spec = { .domain = STK_ERROR, .code = STK_ERROR_CONSTRAINT };
  g_autoptr(StkOp) failing = run_op ("unrecorded-1", STK_OP_FLAG_ATOMIC | STK_OP_FLAG_NO_RECORD,
                                     &spec);
  g_autoptr(StkOp) item = stk_op_create_item ("W-5", "beside it", 100, 0);
  Results r = { 0 };
  const GError *e;

  run_batch (writer, &r, failing, item, NULL);
  e = g_ptr_array_index (r.errors, 0);
  cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", e ? e->message : "");
  cr_assert_null (g_ptr_array_index (r.errors, 1));
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'W-5'"), 1);
  cr_assert_eq (applied ("unrecorded-1"), 0);
  g_ptr_array_unref (r.errors);
}

Test (cov_writer, an_op_failing_for_a_reason_not_its_own_is_found_by_running_the_batch_op_by_op)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  RunSpec spec = { .domain = STK_ERROR, .code = STK_ERROR_IO };
  g_autoptr(StkOp) failing = run_op ("io-1", STK_OP_FLAG_NONE, &spec);
  g_autoptr(StkOp) before = stk_op_create_item ("W-6", "before", 100, 0);
  g_autoptr(StkOp) after = stk_op_create_item ("W-7", "after", 100, 0);
  g_autoptr(StkOp) next = stk_op_create_item ("W-8", "a later batch", 100, 0);
  g_autoptr(GError) error = NULL;
  Results r = { 0 };
  const GError *e;

  /* An I/O error is not the op's own fault as a rule is: the batch is undone, and its
   * ops run again one by one so that only the op at fault fails. */
  run_batch (writer, &r, before, failing, after, NULL);
  cr_assert_null (g_ptr_array_index (r.errors, 0));
  e = g_ptr_array_index (r.errors, 1);
  cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_IO), "%s", e ? e->message : "");
  cr_assert_str_eq (e->message, "run cov-run refused");
  cr_assert_null (g_ptr_array_index (r.errors, 2));
  cr_assert_eq (spec.runs, 2, "once in the batch, once alone");
  cr_assert (stk_writer_submit_sync (writer, next, &error), "%s", error ? error->message : "");
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code IN ('W-6', 'W-7', 'W-8')"), 3);
  cr_assert_eq (applied ("io-1"), 0, "the failed op leaves no record");
  g_ptr_array_unref (r.errors);
}

Test (cov_writer, withdrawing_an_op_submitted_twice_withdraws_both_and_spares_the_rest)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkOp) twice = stk_op_create_item ("W-9", "submitted twice", 100, 0);
  g_autoptr(StkOp) other = stk_op_create_item ("W-10", "stays", 100, 0);
  g_autoptr(StkOp) gop = NULL;
  Results r = { .expected = 3, .errors = g_ptr_array_new_with_free_func (error_free0) };
  StkWriterFigures before, after;
  StkTestGate gate;

  stk_test_gate_init (&gate);
  gop = stk_test_gate_op (&gate);
  stk_writer_submit (writer, gop, NULL, NULL, NULL);
  stk_test_gate_wait_started (&gate);
  stk_writer_get_figures (writer, &before);
  stk_writer_submit (writer, twice, NULL, done_cb, &r);
  stk_writer_submit (writer, other, NULL, done_cb, &r);
  stk_writer_submit (writer, twice, NULL, done_cb, &r);
  cr_assert_eq (stk_writer_withdraw (writer, twice), STK_WITHDRAW_WITHDRAWN);
  stk_writer_get_figures (writer, &after);
  cr_assert_eq (after.withdrawn - before.withdrawn, 2, "both submissions were taken out");
  stk_test_gate_release (&gate);
  cr_assert (stk_test_wait_for (&r.all_done, 30000));

  {
    guint withdrawn = 0;

    for (guint i = 0; i < r.errors->len; i++)
      {
        const GError *e = g_ptr_array_index (r.errors, i);

        if (e == NULL)
          continue;
        cr_assert (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s", e->message);
        cr_assert_str_eq (e->message, "Not saved: the change was withdrawn.");
        withdrawn++;
      }
    cr_assert_eq (withdrawn, 2, "both submissions are told, the other op is not");
  }
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'W-9'"), 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'W-10'"), 1);
  stk_test_gate_clear (&gate);
  g_ptr_array_unref (r.errors);
}

Test (cov_writer, a_change_submitted_to_a_closed_writer_is_refused)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkOp) op = stk_op_create_item ("W-11", "too late", 100, 0);
  g_autoptr(GError) error = NULL;
  Results r = { .expected = 1, .errors = g_ptr_array_new_with_free_func (error_free0) };
  const GError *e;

  cr_assert (stk_writer_close (writer, 5000, &error), "%s", error ? error->message : "");
  stk_writer_submit (writer, op, NULL, done_cb, &r);
  cr_assert (stk_test_wait_for (&r.all_done, 30000));
  e = g_ptr_array_index (r.errors, 0);
  cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_CLOSED), "%s", e ? e->message : "");
  cr_assert_str_eq (e->message, "Not saved: the inventory is already closed.");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0);
  g_ptr_array_unref (r.errors);
}

Test (cov_writer, an_unrecorded_op_that_runs_alone_runs_each_time_it_comes)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  RunSpec spec = { 0 };
  g_autoptr(StkOp) first = run_op ("solo-1", STK_OP_FLAG_STANDALONE | STK_OP_FLAG_NO_RECORD, &spec);
  g_autoptr(StkOp) again = run_op ("solo-1", STK_OP_FLAG_STANDALONE | STK_OP_FLAG_NO_RECORD, &spec);
  g_autoptr(GError) error = NULL;

  cr_assert (stk_writer_submit_sync (writer, first, &error), "%s", error ? error->message : "");
  cr_assert (stk_writer_submit_sync (writer, again, &error), "%s", error ? error->message : "");
  cr_assert_not (stk_op_get_duplicate (again), "without a record there is no duplicate");
  cr_assert_eq (spec.runs, 2);
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (applied ("solo-1"), 0, "nothing recorded");
}
