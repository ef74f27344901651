/* SPDX-License-Identifier: GPL-3.0-or-later */
/* data/'s asynchronous API for the long operations (stk-jobs.h): progress reaches the
 * thread that started the job, on its own main context, never the worker; a cancel in
 * the middle of an import leaves the inventory as it was; a malformed CSV comes back
 * from _finish as the import's error with its bad line in the report; once the
 * caller's cancellable is cancelled, no progress callback runs any more and the final
 * callback can tell, so a caller that is gone is never touched. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "stk-error.h"
#include "stk-jobs.h"
#include "stk-ops.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

static StkWriter *writer;

static void
setup (void)
{
  stk_test_fixture_setup ();
  writer = stk_test_open_writer (db_path);
}

static void
teardown (void)
{
  if (writer != NULL)
    stk_test_close_writer (g_steal_pointer (&writer));
  stk_test_fixture_teardown ();
}

TestSuite (jobs, .init = setup, .fini = teardown, .timeout = 180);

static char *
write_file (const char *name,
            const char *contents)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  cr_assert (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

/* About 30 MB of items: read in far more than one progress interval. */
static char *
write_big_csv (void)
{
  char *path = g_build_filename (tmpdir, "big.csv", NULL);
  FILE *f = fopen (path, "w");

  cr_assert_not_null (f);
  fputs ("code,description,unit_price,reorder_level,on_hand\n", f);
  for (guint i = 0; i < 600000; i++)
    fprintf (f, "SKU-%07u,A fairly long description of item number %u,%u.%02u,%u,%u\n",
             i, i, i % 500, i % 100, i % 20, i % 50);
  cr_assert_eq (fclose (f), 0);
  return path;
}

static gint64
count (const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);

  return stk_test_query (db_path, sql);
}

static void
gate_submitted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  stk_writer_submit_finish (STK_WRITER (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* ---- progress on the caller's thread and context ---- */

typedef struct
{
  StkTestGate  *gate;
  const char   *path;
  GThread      *thread;
  GMainContext *context;
  guint         progress_calls;
  guint         progress_elsewhere;
  guint         done_calls;
  gboolean      done_elsewhere;
  gboolean      ok;
  GError       *error;
} ThreadRun;

static void
thread_progress_cb (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  ThreadRun *run = user_data;

  run->progress_calls++;
  if (g_thread_self () != run->thread ||
      g_main_context_get_thread_default () != run->context)
    run->progress_elsewhere++;
}

static void
thread_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ThreadRun *run = user_data;

  run->done_calls++;
  run->done_elsewhere = g_thread_self () != run->thread ||
                        g_main_context_get_thread_default () != run->context;
  run->ok = stk_import_file_finish (STK_WRITER (object), result, NULL, &run->error);
}

static gboolean
keep_going (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Starts the import from this thread, with its own main context, and iterates that
 * context until the import has ended. The writer is held by a gate, so the import
 * cannot end before its progress has been delivered; the gate opens once it has. */
static gpointer
import_from_thread (gpointer data)
{
  ThreadRun *run = data;
  gboolean released = FALSE;
  gint64 end = stk_test_deadline (60000);

  g_autoptr(GSource) heartbeat = g_timeout_source_new (100);

  run->thread = g_thread_self ();
  run->context = g_main_context_new ();
  g_main_context_push_thread_default (run->context);
  /* Only so that the loop below sees its deadline when nothing else arrives. */
  g_source_set_callback (heartbeat, keep_going, NULL, NULL);
  g_source_attach (heartbeat, run->context);

  stk_import_file_async (writer, STK_TABLE_SKUS, run->path, NULL, thread_progress_cb, run,
                         thread_done_cb, run);
  while (run->done_calls == 0 && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (run->context, TRUE);
      if (run->progress_calls > 0 && !released)
        {
          stk_test_gate_release (run->gate);
          released = TRUE;
        }
    }
  if (!released)
    stk_test_gate_release (run->gate);

  g_source_destroy (heartbeat);
  g_main_context_pop_thread_default (run->context);
  g_main_context_unref (run->context);
  return NULL;
}

Test (jobs, progress_arrives_on_the_calling_threads_context)
{
  g_autofree char *path = write_file ("good.csv", "code,unit_price\nA1,1.00\nA2,2.50\nA3,3\n");
  StkTestGate gate;
  ThreadRun run = { 0 };
  GThread *thread;
  gboolean gate_answered = FALSE;

  stk_test_gate_init (&gate);
  {
    g_autoptr(StkOp) gate_op = stk_test_gate_op (&gate);

    stk_writer_submit (writer, gate_op, NULL, gate_submitted_cb, &gate_answered);
  }
  stk_test_gate_wait_started (&gate);

  run.gate = &gate;
  run.path = path;
  thread = g_thread_new ("test-jobs-caller", import_from_thread, &run);
  g_thread_join (thread);

  cr_assert_eq (run.done_calls, 1);
  cr_assert (run.ok, "%s", run.error ? run.error->message : "");
  cr_assert_gt (run.progress_calls, 0, "no progress was delivered");
  cr_assert_eq (run.progress_elsewhere, 0,
                "%u of %u progress calls ran on another thread or context",
                run.progress_elsewhere, run.progress_calls);
  cr_assert_not (run.done_elsewhere, "the callback ran on another thread or context");
  cr_assert_eq (count ("items"), 3);

  /* The gate op's own callback goes to this thread's context; the gate is done with
   * once it has run. */
  cr_assert (stk_test_wait_for (&gate_answered, 60000), "the gate op was not answered");
  stk_test_gate_clear (&gate);
}

/* ---- cancel in the middle ---- */

typedef struct
{
  GCancellable *cancellable;
  guint64       done_at_cancel;
  guint64       total_at_cancel;
  gboolean      finished;
  gboolean      ok;
  GError       *error;
  StkImportReport report;
} CancelRun;

static void
cancel_progress_cb (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  CancelRun *run = user_data;

  if (done > 0 && done < total && !g_cancellable_is_cancelled (run->cancellable))
    {
      run->done_at_cancel = done;
      run->total_at_cancel = total;
      g_cancellable_cancel (run->cancellable);
    }
}

static void
cancel_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CancelRun *run = user_data;

  run->ok = stk_import_file_finish (STK_WRITER (object), result, &run->report, &run->error);
  run->finished = TRUE;
}

Test (jobs, cancel_mid_import_leaves_the_inventory_unchanged)
{
  g_autofree char *path = write_big_csv ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelRun run = { 0 };
  gint64 items, movements, on_hand;

  stk_test_submit (writer, stk_op_create_item ("KEEP-1", "Kept", 250, 5));
  stk_test_submit (writer, stk_op_create_item ("KEEP-2", "Kept too", 100, 2));
  items = count ("items");
  movements = count ("movements");
  on_hand = stk_test_query (db_path, "SELECT total (on_hand) FROM items");

  run.cancellable = cancellable;
  stk_import_file_async (writer, STK_TABLE_SKUS, path, cancellable, cancel_progress_cb, &run,
                         cancel_done_cb, &run);
  cr_assert (stk_test_wait_for (&run.finished, 120000), "the import did not end");

  cr_assert_gt (run.done_at_cancel, 0, "the import ended before it reported any progress");
  cr_assert_lt (run.done_at_cancel, run.total_at_cancel);
  cr_assert_not (run.ok, "a cancelled import succeeded");
  cr_assert (g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s",
             run.error ? run.error->message : "no error");
  cr_assert_eq (run.report.imported, 0);
  cr_assert_eq (count ("items"), items);
  cr_assert_eq (count ("movements"), movements);
  cr_assert_eq (stk_test_query (db_path, "SELECT total (on_hand) FROM items"), on_hand);
  g_clear_error (&run.error);
  stk_import_report_clear (&run.report);
}

/* ---- a malformed CSV ---- */

typedef struct
{
  gboolean        finished;
  gboolean        ok;
  GError         *error;
  StkImportReport report;
} ImportRun;

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ImportRun *run = user_data;

  run->ok = stk_import_file_finish (STK_WRITER (object), result, &run->report, &run->error);
  run->finished = TRUE;
}

Test (jobs, finish_gives_the_error_of_a_malformed_csv_with_its_line)
{
  g_autofree char *path = write_file ("bad.csv", "code,unit_price\nA1,1.00\nA2,abc\nA3,3\n");
  ImportRun run = { 0 };
  const char *line;

  stk_import_file_async (writer, STK_TABLE_SKUS, path, NULL, NULL, NULL, import_done_cb, &run);
  cr_assert (stk_test_wait_for (&run.finished, 60000));

  cr_assert_not (run.ok);
  cr_assert (g_error_matches (run.error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s",
             run.error ? run.error->message : "no error");
  cr_assert_str_eq (run.error->message, "“bad.csv” has 1 bad row; nothing was imported.");
  cr_assert_eq (run.report.n_errors, 1);
  cr_assert_eq (run.report.errors->len, 1);
  line = g_ptr_array_index (run.report.errors, 0);
  cr_assert (g_str_has_prefix (line, "Line 3: ") && strstr (line, "abc") != NULL, "%s", line);
  cr_assert_eq (count ("items"), 0);
  g_clear_error (&run.error);
  stk_import_report_clear (&run.report);
}

/* ---- nothing runs on a caller that has gone ---- */

typedef struct
{
  gboolean alive;         /* the caller's object, until it is finalized */
  gboolean cancelled;
  guint    progress_calls;
  guint    progress_after_cancel;
  guint    touched_dead;  /* callbacks that would have used the freed object */
  guint    done_calls;
  gboolean done_saw_cancel;
  GObject *owner;
} Gone;

static void
owner_finalized (gpointer  data,
                 GObject  *where_the_object_was)
{
  Gone *gone = data;

  gone->alive = FALSE;
}

static void
gone_progress_cb (guint64  done,
                  guint64  total,
                  gpointer user_data)
{
  Gone *gone = user_data;

  gone->progress_calls++;
  if (gone->cancelled)
    gone->progress_after_cancel++;
  if (!gone->alive)
    gone->touched_dead++;
}

/* Like a window's callback: asks the result before it uses its object. */
static void
gone_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Gone *gone = user_data;

  gone->done_calls++;
  stk_generate_finish (STK_WRITER (object), result, NULL);
  if (stk_job_was_cancelled (result))
    {
      gone->done_saw_cancel = TRUE;
      return;
    }
  if (!gone->alive)
    gone->touched_dead++;
}

Test (jobs, no_callback_runs_on_a_caller_gone_after_its_cancel)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Gone gone = { .alive = TRUE };
  guint writer_refs = G_OBJECT (writer)->ref_count;
  gint64 end;

  gone.owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_weak_ref (gone.owner, owner_finalized, &gone);

  /* Generate cannot stop once started: it goes on reporting progress long after the
   * cancel, which must not reach the caller any more. */
  stk_generate_async (writer, 5000, 60000, 7, cancellable, gone_progress_cb, &gone,
                      gone_done_cb, &gone);
  end = stk_test_deadline (60000);
  while (gone.progress_calls == 0 && gone.done_calls == 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  cr_assert_gt (gone.progress_calls, 0, "no progress before the end");
  cr_assert_eq (gone.done_calls, 0, "generate ended before the cancel");

  /* The caller cancels and goes, as a window does in its dispose. */
  g_cancellable_cancel (cancellable);
  gone.cancelled = TRUE;
  g_clear_object (&gone.owner);
  cr_assert_not (gone.alive);

  end = stk_test_deadline (120000);
  while (gone.done_calls == 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  /* Nothing of the job is left to come once it has let go of the writer: its task and
   * each progress report queued here hold it. */
  cr_assert (stk_test_wait_refs (writer, writer_refs, 120000), "the job did not end");

  cr_assert_eq (gone.done_calls, 1, "the callback ran %u times", gone.done_calls);
  cr_assert (gone.done_saw_cancel, "the callback could not tell that its caller cancelled");
  cr_assert_eq (gone.progress_after_cancel, 0, "%u progress calls after the cancel",
                gone.progress_after_cancel);
  cr_assert_eq (gone.touched_dead, 0);
  /* Too late to stop: the sample data is there, and nothing hid that. */
  cr_assert_eq (count ("items"), 5000);
}
