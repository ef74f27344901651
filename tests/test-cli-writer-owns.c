/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line while another program holds the inventory's write lock past the
 * writer's budget: import, generate, checkpoint and restore are writer ops like any
 * change, so each exits 75 with the same sentence and changes nothing, and each runs
 * once the lock is let go (issue 14). The program is run for real. */
#include "config.h"

#include <criterion/criterion.h>

#include <glib/gstdio.h>

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

TestSuite (cli_owns, .init = setup, .fini = teardown, .timeout = 120);

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* stocktake --database DB ARGS… */
G_GNUC_NULL_TERMINATED static void
run_db (Run        *run,
        const char *first,
        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *exe = g_getenv ("STOCKTAKE_EXE");
  va_list ap;

  cr_assert_not_null (exe, "STOCKTAKE_EXE is not set");
  run_clear (run);
  g_ptr_array_add (argv, (gpointer) exe);
  g_ptr_array_add (argv, (gpointer) "--database");
  g_ptr_array_add (argv, db_path);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                            G_SUBPROCESS_FLAGS_STDIN_PIPE,
                            &error);
  cr_assert_not_null (proc, "%s", error ? error->message : "");
  cr_assert (g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error),
             "%s", error ? error->message : "");
  run->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

#define assert_status(run, expected)                                                    \
  cr_assert_eq ((run)->status, (expected), "exit status %d, expected %d\nstdout: %s\nstderr: %s", \
                (run)->status, (expected), (run)->out, (run)->err)

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

Test (cli_owns, every_write_exits_75_with_one_sentence_while_the_lock_is_held, .timeout = 180)
{
  Run run = { 0 };
  g_autofree char *csv = g_build_filename (tmpdir, "skus.csv", NULL);
  g_autofree char *backup = g_build_filename (tmpdir, "backup.db", NULL);
  g_autofree char *sentence = NULL;
  g_autoptr(GSubprocess) holder = NULL;
  const char *const writes[][5] = {
    { "generate", "--skus", "7", "--seed", "2" },
    { "checkpoint", NULL },
    { "restore", NULL },
  };
  gint64 items;

  run_db (&run, "generate", "--skus", "5", "--seed", "3", NULL);
  assert_status (&run, 0);
  run_db (&run, "backup", backup, NULL);
  assert_status (&run, 0);
  cr_assert (g_file_set_contents (csv, "code\nOWNS-1\n", -1, NULL));
  items = stk_test_query (db_path, "SELECT count(*) FROM items");

  holder = hold_lock ();

  /* The reference: an import, a change like any other. */
  run_db (&run, "import", "skus", csv, NULL);
  assert_status (&run, 75);
  cr_assert (strstr (run.err, "locked by another program") != NULL, "%s", run.err);
  sentence = g_strdup (run.err);

  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      if (g_str_equal (writes[i][0], "generate"))
        run_db (&run, writes[i][0], writes[i][1], writes[i][2], writes[i][3], writes[i][4], NULL);
      else if (g_str_equal (writes[i][0], "restore"))
        run_db (&run, "restore", backup, NULL);
      else
        run_db (&run, writes[i][0], NULL);
      assert_status (&run, 75);
      cr_assert_str_eq (run.err, sentence, "%s says something else", writes[i][0]);
    }

  release_lock (holder);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), items);

  /* Let go: each of them runs, once. */
  run_db (&run, "import", "skus", csv, NULL);
  assert_status (&run, 0);
  run_db (&run, "generate", "--skus", "7", "--seed", "2", NULL);
  assert_status (&run, 0);
  run_db (&run, "checkpoint", NULL);
  assert_status (&run, 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), items + 1 + 7);
  run_db (&run, "restore", backup, NULL);
  assert_status (&run, 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), items);
  run_clear (&run);
}
