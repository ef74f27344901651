/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Restore that does not happen leaves nothing behind: refused under a held lock, no
 * safety copy; a damaged source, one sentence. */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "stk-test-fixture.h"
#include "stk-test-util.h"

TestSuite (cli, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown, .timeout = 60);

static guint
count_safety_copies (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "inventory-backup-"))
      n++;
  return n;
}

static void
assert_one_sentence (const char *err)
{
  gsize len = strlen (err);

  cr_assert (g_str_has_prefix (err, "stocktake: "), "stderr: %s", err);
  cr_assert (len > 2 && err[len - 1] == '\n' && strchr (err, '\n') == err + len - 1,
             "not one line: %s", err);
  cr_assert (err[len - 2] == '.', "not a sentence: %s", err);
}

Test (cli, restore_refused_by_a_held_lock_leaves_no_safety_copy)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *source = g_build_filename (tmpdir, "source.db", NULL);
  g_autofree char *helper = stk_test_helper_path ("stk-lock-holder");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  cr_assert_eq (stk_test_run_db (&run, source, "generate", "--skus", "3", "--seed", "1", NULL),
                0, "%s", run.err);
  cr_assert_eq (stk_test_run_db (&run, db_path, "generate", "--skus", "5", "--seed", "2", NULL),
                0, "%s", run.err);

  holder = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                             &error, helper, db_path, "0", NULL);
  cr_assert_not_null (holder, "%s", error ? error->message : "");
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (holder));
  line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  cr_assert_str_eq (line ? line : "", "locked");

  cr_assert_eq (stk_test_run_db (&run, db_path, "restore", source, NULL), 75, "%s", run.err);
  cr_assert_eq (count_safety_copies (), 0, "a refused restore left a safety copy");

  cr_assert (g_output_stream_close (g_subprocess_get_stdin_pipe (holder), NULL, NULL));
  cr_assert (g_subprocess_wait_check (holder, NULL, NULL));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 5, "nothing restored");

  /* Without the lock the restore goes through, with exactly one safety copy. */
  cr_assert_eq (stk_test_run_db (&run, db_path, "restore", source, NULL), 0, "%s", run.err);
  cr_assert_eq (count_safety_copies (), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 3);
}

Test (cli, damaged_restore_source_is_one_sentence)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *source = g_build_filename (tmpdir, "damaged.db", NULL);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  FILE *f;

  cr_assert_eq (stk_test_run_db (&run, source, "generate", "--skus", "300", "--sales", "1000",
                                NULL), 0, "%s", run.err);
  cr_assert_eq (stk_test_run_db (&run, db_path, "generate", "--skus", "5", NULL), 0, "%s", run.err);
  /* Three pages of the source's b-trees overwritten. */
  f = fopen (source, "r+b");
  cr_assert_not_null (f);
  fseek (f, 4096 * 5, SEEK_SET);
  for (int i = 0; i < 4096 * 3; i++)
    fputc (0xff, f);
  fclose (f);
  before = stk_test_read_bytes (db_path);

  cr_assert_eq (stk_test_run_db (&run, db_path, "restore", source, NULL), 65, "%s", run.err);
  assert_one_sentence (run.err);
  cr_assert (strstr (run.err, "damaged") != NULL, "%s", run.err);
  cr_assert_eq (count_safety_copies (), 0);
  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after), "the inventory changed");
}
