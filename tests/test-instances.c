/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Several real Stocktake processes on one inventory, under Xvfb (meson runs this test
 * through xvfb-run):
 *  - while a window edits the inventory, every writing command (import, generate,
 *    restore, checkpoint) exits 75 naming that window's process and host, and changes
 *    nothing; the readers (stats, verify, export, backup) work alongside; once the window
 *    has closed the same import succeeds;
 *  - a command holding the lock is named as that command;
 *  - two windows, driven through AT-SPI by tests/gui/lock-gui.py (Debian's
 *    /usr/bin/python3 with python3-pyatspi, a session bus of its own and openbox): the
 *    lock dialog, the read-only window, live refresh, Switch to Editing after a close
 *    and after kill -9, the Database locked dialog, and quitting with waiting changes;
 *  - a sale at the till, driven by tests/gui/sell-gui.py: scanned at a scanner's pace,
 *    completed, its receipt saved as PDF, one line returned.
 *    A test fails when any check of its script fails. */
#include "config.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-lock.h"
#include "stk-lock-test-util.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

TestSuite (instances, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 120);

/* ---- Running the program ---- */

static const char *
stocktake_exe (void)
{
  const char *exe = g_getenv ("STOCKTAKE_EXE");

  cr_assert_not_null (exe, "STOCKTAKE_EXE is not set");
  return exe;
}

#define assert_status(run, expected, what)                                             \
  cr_assert_eq ((run)->status, (expected), "%s: exit status %d, expected %d\nstdout: %s\nstderr: %s", \
                (what), (run)->status, (expected), (run)->out, (run)->err)

static gint64
count_code (const char *code)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM items WHERE code = '%s'", code);

  return stk_test_query (db_path, sql);
}

/* The window, on the Xvfb display meson gives this test, editing db_path. */
static GSubprocess *
start_window (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  cr_assert_not_null (g_getenv ("DISPLAY"), "no DISPLAY: run this test under xvfb-run");

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  g_subprocess_launcher_setenv (launcher, "NO_AT_BRIDGE", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, stocktake_exe (), "--database",
                                      db_path, NULL);
  cr_assert_not_null (proc, "cannot start the window: %s", error ? error->message : "");
  return proc;
}

static gint64
window_pid (GSubprocess *proc)
{
  const char *id = g_subprocess_get_identifier (proc);

  cr_assert_not_null (id, "the window exited early");
  return g_ascii_strtoll (id, NULL, 10);
}

/* Until the lock file names @pid as its holder (the window has opened the inventory). */
static gboolean
wait_for_holder (gint64 pid,
                 guint  timeout_ms)
{
  gint64 end = stk_test_deadline (timeout_ms);

  do
    {
      if (stk_lock_is_held (db_path))
        {
          g_autoptr(StkLockHolder) holder = stk_lock_read_holder (db_path);

          if (holder != NULL && holder->pid == pid)
            return TRUE;
        }
      g_usleep (50 * 1000);
    }
  while (g_get_monotonic_time () < end);
  return FALSE;
}

static int
stop_window (GSubprocess *proc)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (proc, SIGTERM);
  cr_assert (g_subprocess_wait (proc, NULL, &error), "%s", error ? error->message : "");
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

static void
assert_names_the_window (const StkTestRun *run,
                         gint64            pid,
                         const char       *what)
{
  g_autofree char *process = g_strdup_printf ("(process %" G_GINT64_FORMAT ")", pid);
  g_autofree char *host = g_strdup_printf ("host “%s”", g_get_host_name ());

  cr_assert (strstr (run->err, "open for editing in another Stocktake window") != NULL,
             "%s does not say a window edits the inventory: %s", what, run->err);
  cr_assert (strstr (run->err, process) != NULL, "%s does not name %s: %s", what, process,
             run->err);
  cr_assert (strstr (run->err, host) != NULL, "%s does not name %s: %s", what, host, run->err);
}

/* ---- Commands while a window edits ---- */

Test (instances, writing_commands_exit_75_naming_the_window_readers_work_alongside)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GSubprocess) window = NULL;
  g_autofree char *csv = g_build_filename (tmpdir, "new.csv", NULL);
  g_autofree char *exported = g_build_filename (tmpdir, "exported.csv", NULL);
  g_autofree char *backup = g_build_filename (tmpdir, "copy.db", NULL);
  g_autofree char *exported_text = NULL;
  g_auto(GStrv) exported_lines = NULL;
  gint64 pid;
  gint64 items;

  stk_test_run_db (&run, db_path, "generate", "--skus", "12", "--sales", "30", "--seed", "5", NULL);
  assert_status (&run, 0, "generate");
  items = stk_test_query (db_path, "SELECT count(*) FROM items");
  cr_assert_eq (items, 12);
  cr_assert (g_file_set_contents (csv, "code,description\nLOCK-CLI-1,Locked out\n", -1, NULL));

  window = start_window ();
  pid = window_pid (window);
  cr_assert (wait_for_holder (pid, 30000), "the window did not take the inventory's lock");

  /* Writers: 75, the window named, nothing changed. */
  stk_test_run_db (&run, db_path, "import", "skus", csv, NULL);
  assert_status (&run, 75, "import");
  assert_names_the_window (&run, pid, "import");

  stk_test_run_db (&run, db_path, "generate", "--skus", "3", NULL);
  assert_status (&run, 75, "generate");
  assert_names_the_window (&run, pid, "generate");

  /* Readers alongside (backup also gives restore something to refuse). */
  stk_test_run_db (&run, db_path, "stats", NULL);
  assert_status (&run, 0, "stats");
  cr_assert (strstr (run.out, "12") != NULL, "stats: %s", run.out);
  stk_test_run_db (&run, db_path, "verify", NULL);
  assert_status (&run, 0, "verify");
  stk_test_run_db (&run, db_path, "export", "skus", exported, NULL);
  assert_status (&run, 0, "export");
  cr_assert (g_file_get_contents (exported, &exported_text, NULL, NULL));
  exported_lines = g_strsplit (exported_text, "\n", -1);
  /* A header, 12 rows, and the empty string after the last newline. */
  cr_assert_eq (g_strv_length (exported_lines), 14, "export wrote: %s", exported_text);
  stk_test_run_db (&run, db_path, "backup", backup, NULL);
  assert_status (&run, 0, "backup");
  cr_assert_eq (stk_test_query (backup, "SELECT count(*) FROM items"), 12);

  stk_test_run_db (&run, db_path, "restore", backup, NULL);
  assert_status (&run, 75, "restore");
  assert_names_the_window (&run, pid, "restore");

  stk_test_run_db (&run, db_path, "checkpoint", NULL);
  assert_status (&run, 75, "checkpoint");
  assert_names_the_window (&run, pid, "checkpoint");

  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), items,
                "a refused command changed the inventory");
  cr_assert_eq (count_code ("LOCK-CLI-1"), 0);
  cr_assert (stk_lock_is_held (db_path), "the window lost its lock");

  /* The window closes: the lock is free at once and the same import works. */
  cr_assert_eq (stop_window (window), 0, "the window did not exit cleanly");
  cr_assert (!stk_lock_is_held (db_path), "the lock outlived the window");
  stk_test_run_db (&run, db_path, "import", "skus", csv, NULL);
  assert_status (&run, 0, "import after the window closed");
  cr_assert_eq (count_code ("LOCK-CLI-1"), 1);
}

/* kill -9 of the window: the kernel drops its lock, a command writes at once. */
Test (instances, kill_9_of_the_window_lets_a_command_write_at_once)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GSubprocess) window = NULL;
  gint64 pid;

  stk_test_run_db (&run, db_path, "generate", "--skus", "4", "--seed", "2", NULL);
  assert_status (&run, 0, "generate");

  window = start_window ();
  pid = window_pid (window);
  cr_assert (wait_for_holder (pid, 30000), "the window did not take the inventory's lock");
  stk_test_run_db (&run, db_path, "generate", "--skus", "2", "--seed", "9", NULL);
  assert_status (&run, 75, "generate while the window edits");

  g_subprocess_force_exit (window);
  cr_assert (g_subprocess_wait (window, NULL, NULL));
  cr_assert (!stk_lock_is_held (db_path), "the lock outlived the killed window");
  stk_test_run_db (&run, db_path, "generate", "--skus", "2", "--seed", "9", NULL);
  assert_status (&run, 0, "generate after kill -9");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 6);
}

/* A command holding the lock is named as that command. */
Test (instances, a_command_holding_the_lock_is_named)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GSubprocess) taker = NULL;

  stk_test_run_db (&run, db_path, "generate", "--skus", "3", "--seed", "4", NULL);
  assert_status (&run, 0, "generate");

  taker = stk_lock_taker_start (db_path, "import");
  stk_test_run_db (&run, db_path, "generate", "--skus", "3", NULL);
  assert_status (&run, 75, "generate while an import holds the lock");
  cr_assert (strstr (run.err, "being changed by the Stocktake command “import”") != NULL,
             "%s", run.err);
  stk_test_run_db (&run, db_path, "stats", NULL);
  assert_status (&run, 0, "stats while an import holds the lock");
  stk_lock_taker_stop (taker);

  stk_test_run_db (&run, db_path, "generate", "--skus", "3", "--seed", "8", NULL);
  assert_status (&run, 0, "generate after the import ended");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 6);
}

/* ---- Real windows, through AT-SPI ---- */

/* Runs tests/gui/@script (python3-pyatspi) under a session bus of its own with
 * @args after the program's path, screenshots in the helper folder @shots; every check's
 * line goes to the log, and the test fails unless the script says "all checks passed". */
static void
run_atspi_script (const char         *script_name,
                  const char * const *args,
                  const char         *shots_name)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *output = NULL;
  g_autofree char *script = NULL;
  g_autofree char *dbus_config = NULL;
  g_autofree char *shots = stk_test_helper_path (shots_name);
  const char *srcdir = g_getenv ("STK_TEST_SRCDIR");

  cr_assert_not_null (srcdir, "STK_TEST_SRCDIR is not set");
  cr_assert_not_null (g_getenv ("DISPLAY"), "no DISPLAY: run this test under xvfb-run");
  script = g_build_filename (srcdir, "gui", script_name, NULL);
  cr_assert (g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE),
             "/usr/bin/python3 is missing (apt-get install python3 python3-pyatspi)");
  g_mkdir_with_parents (shots, 0755);

  /* A session bus of its own: AT-SPI's bus is started from it. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_unsetenv (launcher, "GTK_A11Y");
  g_subprocess_launcher_unsetenv (launcher, "NO_AT_BRIDGE");
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_setenv (launcher, "PYTHONUNBUFFERED", "1", TRUE);
  /* ...that can start the accessibility bus and nothing else (tests/gui/session.conf.in). */
  cr_assert_not_null (g_getenv ("STK_TEST_DBUS_CONFIG"), "STK_TEST_DBUS_CONFIG is not set");
  dbus_config = g_strdup_printf ("--config-file=%s", g_getenv ("STK_TEST_DBUS_CONFIG"));
  g_ptr_array_add (argv, (gpointer) "dbus-run-session");
  g_ptr_array_add (argv, dbus_config);
  g_ptr_array_add (argv, (gpointer) "--");
  g_ptr_array_add (argv, (gpointer) "/usr/bin/python3");
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, (gpointer) stocktake_exe ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, shots);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  cr_assert_not_null (proc, "cannot run %s: %s", script, error ? error->message : "");
  cr_assert (g_subprocess_communicate_utf8 (proc, NULL, NULL, &output, NULL, &error),
             "%s", error ? error->message : "");
  cr_assert (g_subprocess_get_if_exited (proc), "%s was killed:\n%s", script_name, output);

  /* Every check's line, for the log. */
  fprintf (stderr, "%s", output);

  cr_assert (strstr (output, "all checks passed") != NULL &&
             g_subprocess_get_exit_status (proc) == 0,
             "%s failed (exit %d):\n%s", script_name, g_subprocess_get_exit_status (proc),
             output);
}

Test (instances, two_windows_on_one_inventory, .timeout = 300)
{
  g_autofree char *holder = stk_test_helper_path ("stk-lock-holder");
  const char *args[] = { holder, tmpdir, NULL };

  run_atspi_script ("lock-gui.py", args, "lock-gui-shots");
}

/* Issue 17: five barcodes typed at a scanner's pace into the Sell view, the sale
 * completed, its receipt saved as PDF from the Sales view, one line returned
 * (tests/gui/sell-gui.py). */
Test (instances, a_sale_at_the_till_scanned_receipted_and_returned, .timeout = 300)
{
  const char *args[] = { tmpdir, NULL };

  run_atspi_script ("sell-gui.py", args, "sell-gui-shots");
}
