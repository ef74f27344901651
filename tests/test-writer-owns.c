/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The writer owns every write transaction (issue 14): import, generate, restore and
 * checkpoint are writer ops, so exactly once (applied_ops with its duplicate check),
 * busy retry with backoff, the locked state and change notifications cover them as
 * they cover every other change. Another process holds the inventory through
 * stk-lock-holder until the test lets it go: no clock decides anything here. */
#include "config.h"

#include <criterion/criterion.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-maintenance.h"
#include "stk-ops.h"
#include "stk-transfer.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"


static void
setup (void)
{
  stk_test_fixture_setup ();
}

static void
teardown (void)
{
  stk_test_fixture_teardown ();
}

TestSuite (owns, .init = setup, .fini = teardown, .timeout = 120);

/* fail_when_locked: the command line's writer, which gives up with STK_ERROR_LOCKED
 * once the budget is spent; otherwise the window's, which keeps the ops and probes. */
static StkWriter *
new_writer (guint    retry_budget_ms,
            gboolean fail_when_locked)
{
  g_autoptr(GError) error = NULL;
  StkWriter *writer = g_initable_new (STK_TYPE_WRITER, NULL, &error,
                                      "path", db_path,
                                      "retry-budget-ms", retry_budget_ms,
                                      "probe-interval-ms", 50,
                                      "poll-interval-ms", 60000,
                                      "fail-when-locked", fail_when_locked,
                                      NULL);

  cr_assert_not_null (writer, "%s", error ? error->message : "");
  return writer;
}

static char *
write_csv (const char *name,
           const char *contents)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  cr_assert (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static const char skus_csv[] =
  "code,description,unit_price,on_hand\n"
  "OWN-1,First,1.00,5\n"
  "OWN-2,Second,2.00,7\n"
  "OWN-3,Third,3.00,0\n";

static StkOp *
import_op (const char *path)
{
  g_autoptr(GError) error = NULL;
  StkOp *op = stk_import_op_new (STK_TABLE_SKUS, path, NULL, NULL, NULL, NULL, &error);

  cr_assert_not_null (op, "%s", error ? error->message : "");
  return op;
}

static gint64
count (const char *sql)
{
  return stk_test_query (db_path, sql);
}

static gint64
records_of (StkOp *op)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM applied_ops WHERE op_id = '%s'",
                                          stk_op_get_id (op));
  return count (sql);
}

/* ---- another process holding the inventory ---- */

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

/* Waits (main loop running, generous deadline) until the writer has met the busy
 * inventory at least @n times in all. */
static gboolean
wait_retries (StkWriter *writer,
              guint64    n)
{
  gint64 end = stk_test_deadline (60000);
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

/* The sentence every write gets from the command line's writer while another program
 * keeps the inventory locked (exit 75): found out with a plain op. */
static char *
locked_sentence (StkWriter *cli_writer)
{
  g_autoptr(StkOp) plain = stk_op_create_item ("PLAIN-LOCKED", "", 1, 0);
  g_autoptr(GError) error = NULL;

  cr_assert_not (stk_writer_submit_sync (cli_writer, plain, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);
  return g_strdup (error->message);
}

/* ---- async results ---- */

typedef struct
{
  guint    expected;
  guint    done;
  guint    ok;
  gboolean all_done;
  GError  *first_error;
} Results;

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Results *r = user_data;
  GError *error = NULL;

  if (stk_writer_submit_finish (STK_WRITER (object), result, &error))
    r->ok++;
  else if (r->first_error == NULL)
    r->first_error = error;
  else
    g_error_free (error);
  if (++r->done == r->expected)
    r->all_done = TRUE;
}

typedef struct
{
  guint    changes;
  guint    n_ops;
  gboolean seen;
} Committed;

static void
committed_cb (StkWriter *writer,
              guint      changes,
              guint      n_ops,
              gpointer   user_data)
{
  Committed *c = user_data;

  c->changes |= changes;
  c->n_ops += n_ops;
  c->seen = TRUE;
}

/* ---- exactly once ---- */

/* The same import op twice (the command line retrying after a crash, the window
 * resubmitting): applied once, the second time a duplicate that imports nothing. */
Test (owns, the_same_import_op_twice_is_applied_once)
{
  StkWriter *writer = new_writer (5000, FALSE);
  g_autofree char *csv = write_csv ("skus.csv", skus_csv);
  g_autoptr(StkOp) first = import_op (csv);
  g_autoptr(StkOp) again = import_op (csv);
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;

  cr_assert (stk_writer_submit_sync (writer, first, &error), "%s", error ? error->message : "");
  cr_assert_not (stk_op_get_duplicate (first));

  stk_op_set_id (again, stk_op_get_id (first));
  cr_assert (stk_writer_submit_sync (writer, again, &error),
             "the retried import was applied again: %s", error ? error->message : "");
  cr_assert (stk_op_get_duplicate (again));
  stk_import_op_report (again, TRUE, &report);
  cr_assert_eq (report.imported, 0);
  cr_assert_eq (report.duplicates, 3);

  stk_test_close_writer (writer);
  cr_assert_eq (count ("SELECT count(*) FROM items"), 3);
  cr_assert_eq (count ("SELECT count(*) FROM movements"), 2, "opening stock counted twice");
  cr_assert_eq (count ("SELECT sum(on_hand) FROM items"), 12);
  cr_assert_eq (records_of (first), 1);
}

/* ---- another program holds the inventory ---- */

Test (owns, an_import_waits_for_a_held_lock_and_lands_once_after_release)
{
  StkWriter *writer = new_writer (600000, FALSE);
  g_autofree char *csv = write_csv ("skus.csv", skus_csv);
  g_autoptr(StkOp) op = import_op (csv);
  g_autoptr(GSubprocess) holder = NULL;
  Results r = { .expected = 1 };
  Committed c = { 0 };
  StkWriterFigures figures;

  g_signal_connect (writer, "committed", G_CALLBACK (committed_cb), &c);
  holder = hold_lock ();
  stk_writer_submit (writer, op, NULL, submitted_cb, &r);
  cr_assert (wait_retries (writer, 3), "the import was not retried");
  cr_assert_not (r.all_done, "the import finished while the inventory was held");
  cr_assert_eq (stk_writer_get_pending (writer), 1);
  cr_assert_eq (count ("SELECT count(*) FROM items"), 0);

  release_lock (holder);
  cr_assert (stk_test_wait_for (&r.all_done, 60000));
  cr_assert_eq (r.ok, 1, "%s", r.first_error ? r.first_error->message : "");
  cr_assert (stk_test_wait_for (&c.seen, 10000), "no change notification for the import");
  cr_assert (c.changes & STK_CHANGE_ITEMS);
  cr_assert_eq (c.n_ops, 1);

  stk_writer_get_figures (writer, &figures);
  cr_assert_eq (figures.committed, 1);
  stk_test_close_writer (writer);
  cr_assert_eq (count ("SELECT count(*) FROM items"), 3);
  cr_assert_eq (count ("SELECT count(*) FROM movements"), 2);
  cr_assert_eq (records_of (op), 1);
}

/* The command line's writer: the import gives up with the sentence every other write
 * gets (exit 75), changes nothing, and the same op sent again after the release lands
 * once; sent a third time, it is a duplicate. */
Test (owns, an_import_locked_out_says_so_like_every_write_and_its_retry_lands_once)
{
  StkWriter *writer = new_writer (200, TRUE);
  g_autofree char *csv = write_csv ("skus.csv", skus_csv);
  g_autoptr(StkOp) op = import_op (csv);
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;
  StkWriterFigures figures;

  holder = hold_lock ();
  cr_assert_not (stk_writer_submit_sync (writer, op, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);
  stk_writer_get_figures (writer, &figures);
  cr_assert_geq (figures.retries, 2, "the import was not retried");
  sentence = locked_sentence (writer);
  cr_assert_str_eq (error->message, sentence);
  g_clear_error (&error);
  release_lock (holder);
  cr_assert_eq (count ("SELECT count(*) FROM items"), 0);
  cr_assert_eq (records_of (op), 0);

  cr_assert (stk_writer_submit_sync (writer, op, &error), "%s", error ? error->message : "");
  cr_assert_not (stk_op_get_duplicate (op));
  cr_assert (stk_writer_submit_sync (writer, op, &error), "%s", error ? error->message : "");
  cr_assert (stk_op_get_duplicate (op));

  stk_test_close_writer (writer);
  cr_assert_eq (count ("SELECT count(*) FROM items"), 3);
  cr_assert_eq (count ("SELECT count(*) FROM movements"), 2);
  cr_assert_eq (records_of (op), 1);
}

typedef struct
{
  StkWriter *writer;
  gboolean   checkpoint; /* else generate */
  gboolean   ok;
  gboolean   done;
  GError    *error;
} Job;

static gpointer
job_thread (gpointer data)
{
  Job *job = data;

  if (job->checkpoint)
    job->ok = stk_checkpoint (job->writer, NULL, NULL, &job->error);
  else
    job->ok = stk_generate (job->writer, 40, 120, 5, NULL, NULL, &job->error);
  g_atomic_int_set (&job->done, TRUE);
  return NULL;
}

Test (owns, generate_waits_for_a_held_lock_and_lands_once_after_release)
{
  StkWriter *writer = new_writer (600000, FALSE);
  g_autoptr(GSubprocess) holder = hold_lock ();
  Job job = { .writer = writer };
  GThread *thread;

  thread = g_thread_new ("generate", job_thread, &job);
  cr_assert (wait_retries (writer, 3), "generate was not retried");
  cr_assert_not (g_atomic_int_get (&job.done), "generate finished while the inventory was held");
  release_lock (holder);
  g_thread_join (thread);
  cr_assert (job.ok, "%s", job.error ? job.error->message : "");

  stk_test_close_writer (writer);
  cr_assert_eq (count ("SELECT count(*) FROM items"), 40);
  cr_assert_eq (count ("SELECT count(*) FROM sales"), 120);
  /* Each chunk is recorded like every change: applied once. */
  cr_assert_eq (count ("SELECT count(*) FROM applied_ops WHERE kind = 'generate'"), 2);
}

Test (owns, generate_locked_out_says_so_like_every_write_and_changes_nothing)
{
  StkWriter *writer = new_writer (200, TRUE);
  g_autoptr(GSubprocess) holder = hold_lock ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;
  StkWriterFigures figures;

  cr_assert_not (stk_generate (writer, 40, 120, 5, NULL, NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);
  stk_writer_get_figures (writer, &figures);
  cr_assert_geq (figures.retries, 2, "generate was not retried");
  sentence = locked_sentence (writer);
  cr_assert_str_eq (error->message, sentence);
  release_lock (holder);
  stk_test_close_writer (writer);
  cr_assert_eq (count ("SELECT count(*) FROM items"), 0);
  cr_assert_eq (count ("SELECT count(*) FROM sales"), 0);
}

/* A checkpoint needs the write lock: while another program holds it, the checkpoint
 * is retried like a change and then reported locked with the same sentence (it used
 * to fail at once, saying another program was reading). */
Test (owns, a_checkpoint_locked_out_says_so_like_every_write)
{
  StkWriter *writer = new_writer (200, TRUE);
  g_autoptr(GSubprocess) holder = hold_lock ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;
  StkWriterFigures figures;

  /* First, so that the retries counted are its own (once the circuit is open, the
   * command line's writer fails every further change at once). */
  cr_assert_not (stk_checkpoint (writer, NULL, NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);
  stk_writer_get_figures (writer, &figures);
  cr_assert_geq (figures.retries, 2, "the checkpoint was not retried");
  sentence = locked_sentence (writer);
  cr_assert_str_eq (error->message, sentence);
  release_lock (holder);

  g_clear_error (&error);
  cr_assert (stk_checkpoint (writer, NULL, NULL, &error), "%s", error ? error->message : "");
  stk_test_close_writer (writer);
}

Test (owns, a_checkpoint_waits_for_a_held_lock_and_runs_after_release)
{
  StkWriter *writer = new_writer (600000, FALSE);
  g_autoptr(GSubprocess) holder = hold_lock ();
  Job job = { .writer = writer, .checkpoint = TRUE };
  GThread *thread;

  thread = g_thread_new ("checkpoint", job_thread, &job);
  cr_assert (wait_retries (writer, 3), "the checkpoint was not retried");
  cr_assert_not (g_atomic_int_get (&job.done), "the checkpoint ran while the inventory was held");
  release_lock (holder);
  g_thread_join (thread);
  cr_assert (job.ok, "%s", job.error ? job.error->message : "");
  stk_test_close_writer (writer);
}

/* A batch of plain ops is being retried; an import (and a checkpoint) queued meanwhile
 * must not join it (it runs alone, in the writer's transaction of its own): all of
 * them land once the inventory is free. It used to be merged into the batch and fail
 * with "cannot start a transaction within a transaction". */
Test (owns, an_import_queued_while_a_batch_is_retried_still_lands)
{
  StkWriter *writer = new_writer (600000, FALSE);
  g_autofree char *csv = write_csv ("skus.csv", skus_csv);
  g_autoptr(StkOp) plain = stk_op_create_item ("PLAIN-1", "", 1, 0);
  g_autoptr(StkOp) op = import_op (csv);
  g_autoptr(StkOp) after = stk_op_create_item ("PLAIN-2", "", 1, 0);
  g_autoptr(GSubprocess) holder = hold_lock ();
  Results r = { .expected = 3 };
  Job job = { .writer = writer, .checkpoint = TRUE };
  GThread *thread;

  stk_writer_submit (writer, plain, NULL, submitted_cb, &r);
  cr_assert (wait_retries (writer, 2), "the batch was not retried");
  stk_writer_submit (writer, op, NULL, submitted_cb, &r);
  stk_writer_submit (writer, after, NULL, submitted_cb, &r);
  thread = g_thread_new ("checkpoint", job_thread, &job);
  /* Each retry takes what was queued meanwhile: let a few go by with all of it queued. */
  {
    gint64 end = stk_test_deadline (60000);

    while (stk_writer_get_pending (writer) < 4 && g_get_monotonic_time () < end)
      g_thread_yield ();
    cr_assert_eq (stk_writer_get_pending (writer), 4);
  }
  {
    StkWriterFigures figures;

    stk_writer_get_figures (writer, &figures);
    cr_assert (wait_retries (writer, figures.retries + 2));
  }
  release_lock (holder);
  cr_assert (stk_test_wait_for (&r.all_done, 60000));
  g_thread_join (thread);

  cr_assert_eq (r.ok, 3, "%s", r.first_error ? r.first_error->message : "");
  cr_assert (job.ok, "%s", job.error ? job.error->message : "");
  stk_test_close_writer (writer);
  cr_assert_eq (count ("SELECT count(*) FROM items"), 5);
  cr_assert_eq (count ("SELECT count(*) FROM movements"), 2);
  cr_assert_eq (records_of (op), 1);
}

/* ---- all or nothing ---- */

/* The inventory refuses the last row: nothing of the import stays, not its first rows,
 * not their opening stock, not its record; the same op can then be sent again. */
Test (owns, a_failing_import_rolls_back_completely)
{
  StkWriter *writer = new_writer (5000, FALSE);
  g_autofree char *csv = write_csv ("skus.csv", "code,on_hand\n"
                                                "NEW-1,4\n"
                                                "NEW-2,6\n"
                                                "OLD-1,1\n");
  g_autoptr(StkOp) op = import_op (csv);
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 ops_before;

  stk_test_submit (writer, stk_op_create_item ("OLD-1", "", 1, 0));
  ops_before = count ("SELECT count(*) FROM applied_ops");

  cr_assert_not (stk_writer_submit_sync (writer, op, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error->message);
  stk_import_op_report (op, FALSE, &report);
  cr_assert_eq (report.imported, 0);
  cr_assert_eq (report.n_errors, 1);
  cr_assert_eq (count ("SELECT count(*) FROM items"), 1);
  cr_assert_eq (count ("SELECT count(*) FROM movements"), 0);
  cr_assert_eq (count ("SELECT count(*) FROM applied_ops"), ops_before);
  cr_assert_eq (records_of (op), 0);

  /* The writer goes on, and nothing is left open. */
  stk_test_submit (writer, stk_op_create_item ("NEXT-1", "", 1, 0));
  stk_test_close_writer (writer);
  cr_assert_eq (count ("SELECT count(*) FROM items"), 2);
}
