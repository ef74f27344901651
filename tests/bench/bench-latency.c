/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-latency: the durations the unit tests used to assert, measured here instead
 * (the tests assert only what happens). Each figure over N rounds (20), as
 * min / median / max in milliseconds, with the goal where there is one:
 *
 *   busy-release-to-commit   another process holds the database while 50 ops wait; time
 *                            from its release to the last op committed
 *   retry-now-to-commit      the circuit is open (LOCKED), the database free; time from
 *                            stk_writer_retry_now() to the op committed
 *   fail-when-locked         the command line's writer (300 ms budget): time until a
 *                            change on a held database fails with "locked"
 *   external-commit-seen     a read-only session; time from another process's commit to
 *                            the session's "changed" (goal 1 s)
 *   can-edit-after-close     a read-only session; time from the editor releasing the lock
 *                            to "can-edit" (Switch to Editing offered; goal 2 s)
 *   can-edit-after-kill-9    the same after kill -9 of the editor (goal 2 s)
 *
 * Exit status 1 only if something did not happen at all (within 60 s), never for a
 * missed goal: a slow machine prints a slow figure.
 *
 * The helpers (stk-lock-holder, stk-lock-taker) are found through STK_TEST_BUILDDIR.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include "stk-lock-test-util.h"
#include "stk-ops.h"
#include "stk-session.h"
#include "stk-test-util.h"
#include "stk-writer.h"

#define DEADLINE_MS 60000

static char *db_path;
static gboolean failed;

typedef struct
{
  guint    expected;
  guint    done;
  gboolean all_done;
  gint64   last_us;
} Results;

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Results *r = user_data;
  g_autoptr(GError) error = NULL;

  if (!stk_writer_submit_finish (STK_WRITER (object), result, &error))
    {
      g_printerr ("bench-latency: an op failed: %s\n", error->message);
      failed = TRUE;
    }
  r->last_us = g_get_monotonic_time ();
  if (++r->done == r->expected)
    r->all_done = TRUE;
}

static GSubprocess *
hold_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *helper = stk_test_helper_path ("stk-lock-holder");
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  GSubprocess *proc;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                           &error, helper, db_path, "0", NULL);
  if (proc == NULL)
    g_error ("cannot start %s: %s", helper, error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  if (g_strcmp0 (line, "locked") != 0)
    g_error ("the holder did not take the database");
  return proc;
}

static void
release_database (GSubprocess *proc)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (proc), NULL, NULL);
  g_subprocess_wait (proc, NULL, NULL);
}

static StkWriter *
new_writer (guint budget_ms,
            guint probe_ms)
{
  g_autoptr(GError) error = NULL;
  StkWriter *writer = g_initable_new (STK_TYPE_WRITER, NULL, &error, "path", db_path,
                                      "retry-budget-ms", budget_ms,
                                      "probe-interval-ms", probe_ms, NULL);

  if (writer == NULL)
    g_error ("cannot open the writer: %s", error->message);
  return writer;
}

static guint64
retries_of (StkWriter *writer)
{
  StkWriterFigures f;

  stk_writer_get_figures (writer, &f);
  return f.retries;
}

static gboolean
wait_retries (StkWriter *writer,
              guint64    n)
{
  gint64 end = g_get_monotonic_time () + (gint64) DEADLINE_MS * 1000;

  while (retries_of (writer) < n && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
  return retries_of (writer) >= n;
}

static StkOp *
next_item (void)
{
  static guint n;
  g_autofree char *code = g_strdup_printf ("LAT-%06u", n++);

  return stk_op_create_item (code, "latency", 100, 0);
}

/* ---- the figures ---- */

static double
busy_release_to_commit (void)
{
  g_autoptr(StkWriter) writer = new_writer (600000, 600000);
  g_autoptr(GSubprocess) holder = hold_database ();
  Results r = { .expected = 50 };
  gint64 t0;

  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(StkOp) op = next_item ();
      stk_writer_submit (writer, op, NULL, submitted_cb, &r);
    }
  if (!wait_retries (writer, 4))
    return -1;
  t0 = g_get_monotonic_time ();
  release_database (holder);
  if (!stk_test_wait_for (&r.all_done, DEADLINE_MS))
    return -1;
  return (r.last_us - t0) / 1000.0;
}

static void
locked_cb (StkWriter *writer,
           guint      pending,
           gpointer   user_data)
{
  *(gboolean *) user_data = TRUE;
}

static double
retry_now_to_commit (void)
{
  g_autoptr(StkWriter) writer = new_writer (50, 600000);
  g_autoptr(GSubprocess) holder = hold_database ();
  g_autoptr(StkOp) op = next_item ();
  Results r = { .expected = 1 };
  gboolean locked = FALSE;
  gint64 t0;

  g_signal_connect (writer, "locked", G_CALLBACK (locked_cb), &locked);
  stk_writer_submit (writer, op, NULL, submitted_cb, &r);
  if (!stk_test_wait_for (&locked, DEADLINE_MS))
    return -1;
  release_database (holder);
  t0 = g_get_monotonic_time ();
  stk_writer_retry_now (writer);
  if (!stk_test_wait_for (&r.all_done, DEADLINE_MS))
    return -1;
  return (r.last_us - t0) / 1000.0;
}

static double
fail_when_locked (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(StkOp) op = next_item ();
  gint64 t0;
  double ms;

  writer = g_initable_new (STK_TYPE_WRITER, NULL, &error, "path", db_path,
                           "retry-budget-ms", 300, "fail-when-locked", TRUE, NULL);
  if (writer == NULL)
    g_error ("cannot open the writer: %s", error->message);
  holder = hold_database ();
  t0 = g_get_monotonic_time ();
  if (stk_writer_submit_sync (writer, op, &error))
    ms = -1;
  else
    ms = (g_get_monotonic_time () - t0) / 1000.0;
  release_database (holder);
  return ms;
}

static void
changed_cb (StkSession *session,
            guint       changes,
            gpointer    user_data)
{
  gint64 *when = user_data;

  if (*when == 0)
    *when = g_get_monotonic_time ();
}

static double
external_commit_seen (void)
{
  g_autoptr(GSubprocess) taker = stk_lock_taker_start (db_path, "window");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  g_autoptr(StkOp) op = next_item ();
  StkWriter *other;
  gint64 seen = 0;
  gint64 t0;
  gboolean ok;

  if (session == NULL)
    g_error ("cannot open read-only: %s", error->message);
  /* Let the watcher take its first look before the commit (a spin: the session tells
   * nobody when its watcher has read the first data_version). */
  stk_test_spin (300);
  g_signal_connect (session, "changed", G_CALLBACK (changed_cb), &seen);
  other = stk_test_open_writer (db_path);
  ok = stk_writer_submit_sync (other, op, NULL);
  t0 = g_get_monotonic_time ();
  for (gint64 end = t0 + (gint64) DEADLINE_MS * 1000; ok && seen == 0 && g_get_monotonic_time () < end;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
  stk_test_close_writer (other);
  stk_lock_taker_stop (taker);
  stk_session_close (session, 1000, NULL);
  return ok && seen != 0 ? (seen - t0) / 1000.0 : -1;
}

static void
can_edit_cb (GObject    *object,
             GParamSpec *pspec,
             gpointer    user_data)
{
  gint64 *when = user_data;

  if (stk_session_get_can_edit (STK_SESSION (object)) && *when == 0)
    *when = g_get_monotonic_time ();
}

static double
can_edit_after (gboolean kill_9)
{
  g_autoptr(GSubprocess) taker = stk_lock_taker_start (db_path, "window");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  gint64 seen = 0;
  gint64 t0;

  if (session == NULL)
    g_error ("cannot open read-only: %s", error->message);
  /* The editor goes at a random point of the watcher's poll cycle (a spin on purpose:
   * the random pause is part of what is measured). */
  stk_test_spin (g_random_int_range (0, 500));
  g_signal_connect (session, "notify::can-edit", G_CALLBACK (can_edit_cb), &seen);
  t0 = g_get_monotonic_time ();
  if (kill_9)
    {
      g_subprocess_send_signal (taker, SIGKILL);
      g_subprocess_wait (taker, NULL, NULL);
    }
  else
    stk_lock_taker_stop (taker);
  for (gint64 end = t0 + (gint64) DEADLINE_MS * 1000; seen == 0 && g_get_monotonic_time () < end;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
  stk_session_close (session, 1000, NULL);
  return seen != 0 ? (seen - t0) / 1000.0 : -1;
}

/* ---- the report ---- */

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
report (const char *name,
        GArray     *ms,
        double      goal_ms)
{
  double median;

  if (ms->len == 0)
    return;
  g_array_sort (ms, compare_double);
  median = g_array_index (ms, double, ms->len / 2);
  printf ("%-24s rounds=%u min=%.1f median=%.1f max=%.1f ms", name, ms->len,
          g_array_index (ms, double, 0), median, g_array_index (ms, double, ms->len - 1));
  if (goal_ms > 0)
    printf ("  goal<=%.0f ms: %s", goal_ms,
            g_array_index (ms, double, ms->len - 1) <= goal_ms ? "met" : "MISSED (max)");
  printf ("\n");
  fflush (stdout);
}

typedef double (*Measure) (void);

static double can_edit_after_close (void) { return can_edit_after (FALSE); }
static double can_edit_after_kill (void) { return can_edit_after (TRUE); }

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  int rounds = 20;
  const GOptionEntry entries[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds per figure (20)", "N" },
    { NULL }
  };
  const struct
  {
    const char *name;
    Measure     measure;
    double      goal_ms;
  } figures[] = {
    { "busy-release-to-commit", busy_release_to_commit, 0 },
    { "retry-now-to-commit", retry_now_to_commit, 0 },
    { "fail-when-locked", fail_when_locked, 0 },
    { "external-commit-seen", external_commit_seen, 1000 },
    { "can-edit-after-close", can_edit_after_close, 2000 },
    { "can-edit-after-kill-9", can_edit_after_kill, 2000 },
  };

  context = g_option_context_new ("— latencies of the writer and the read-only session");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || rounds < 1)
    {
      g_printerr ("bench-latency: %s\n", error ? error->message : "--rounds must be at least 1");
      return 2;
    }

  dir = stk_test_mkdtemp ();
  db_path = g_build_filename (dir, "inventory.db", NULL);
  stk_test_close_writer (stk_test_open_writer (db_path));

  for (guint f = 0; f < G_N_ELEMENTS (figures); f++)
    {
      g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

      for (int i = 0; i < rounds; i++)
        {
          double v = figures[f].measure ();

          if (v < 0)
            {
              g_printerr ("bench-latency: %s: it did not happen within %d s\n",
                          figures[f].name, DEADLINE_MS / 1000);
              failed = TRUE;
              break;
            }
          g_array_append_val (ms, v);
        }
      report (figures[f].name, ms, figures[f].goal_ms);
    }

  stk_test_rmdir (dir);
  g_free (db_path);
  return failed ? 1 : 0;
}
