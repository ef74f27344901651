/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "stocktake backup --auto" and "stocktake backups": the folder from --folder, the
 * settings or the user's data folder (with or without the settings schema), the number
 * kept, what was pruned, the list with each backup's figures, usage and folder errors. */
#include "config.h"

#include <criterion/criterion.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-test-fixture.h"
#include "stk-test-util.h"

TestSuite (cli_backups, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  if (d == NULL)
    return 0;
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static char **
lines_of (const char *text)
{
  g_autofree char *trimmed = g_strchomp (g_strdup (text));

  return g_strsplit (trimmed, "\n", -1);
}

/* A run environment without the settings schema, and with the user's data folder in
 * tmpdir/data. */
static GStrv
environ_without_schema (void)
{
  g_autofree char *data = g_build_filename (tmpdir, "data", NULL);
  g_autofree char *none = g_build_filename (tmpdir, "no-schemas", NULL);
  GStrv env = stk_test_run_environ ();

  g_mkdir_with_parents (none, 0700);
  env = g_environ_setenv (env, "XDG_DATA_HOME", data, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_DIRS", none, TRUE);
  return g_environ_unsetenv (env, "GSETTINGS_SCHEMA_DIR");
}

static void
inventory (void)
{
  g_auto(StkTestRun) run = { 0 };

  cr_assert_eq (stk_test_run_db (&run, db_path, "generate", "--skus", "4", "--sales", "6",
                                 "--seed", "3", NULL), 0, "%s", run.err);
}

Test (cli_backups, auto_keeps_n_and_says_what_it_removed)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *folder = g_build_filename (tmpdir, "b", NULL);
  g_autofree char *old = g_build_filename (folder, "inventory-auto-20200101-000000.db", NULL);
  g_autofree char *other = g_build_filename (folder, "readme.txt", NULL);
  g_auto(GStrv) lines = NULL;

  inventory ();
  cr_assert_eq (g_mkdir (folder, 0700), 0);
  cr_assert (g_file_set_contents (old, "old", -1, NULL));
  cr_assert (g_file_set_contents (other, "mine", -1, NULL));

  cr_assert_eq (stk_test_run_db (&run, db_path, "backup", "--auto", "--folder", folder,
                                 "--keep", "2", NULL), 0, "%s", run.err);
  lines = lines_of (run.out);
  cr_assert_eq (g_strv_length (lines), 1, "%s", run.out);
  cr_assert (g_str_has_prefix (lines[0], folder), "%s", run.out);
  cr_assert (strstr (lines[0], "/inventory-auto-") != NULL, "%s", run.out);
  cr_assert (g_file_test (lines[0], G_FILE_TEST_IS_REGULAR));
  cr_assert_eq (stk_test_query (lines[0], "SELECT count(*) FROM items"), 4);
  cr_assert (g_file_test (old, G_FILE_TEST_EXISTS), "two kept: the new one and the old one");

  cr_assert_eq (stk_test_run_db (&run, db_path, "backup", "--auto", "--folder", folder,
                                 "--keep", "2", NULL), 0, "%s", run.err);
  g_clear_pointer (&lines, g_strfreev);
  lines = lines_of (run.out);
  cr_assert_eq (g_strv_length (lines), 2, "%s", run.out);
  {
    g_autofree char *removed = g_strdup_printf ("Removed the old backup %s", old);

    cr_assert_str_eq (lines[1], removed);
  }
  cr_assert_not (g_file_test (old, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (other, G_FILE_TEST_EXISTS), "a file of another name stays");
  cr_assert_eq (count_files (folder), 3);
}

Test (cli_backups, default_folder_without_the_schema_is_the_users_data_folder)
{
  g_auto(StkTestRun) run = { 0 };
  g_auto(GStrv) env = environ_without_schema ();
  g_autofree char *folder = g_build_filename (tmpdir, "data", "stocktake", "backups", NULL);
  const char *argv[] = { "--database", db_path, "backup", "--auto", NULL };
  const char *list_argv[] = { "--database", db_path, "backups", NULL };

  inventory ();
  cr_assert_eq (stk_test_run_argv (&run, env, FALSE, argv), 0, "%s", run.err);
  cr_assert (g_str_has_prefix (run.out, folder), "%s", run.out);
  cr_assert_eq (count_files (folder), 1);

  cr_assert_eq (stk_test_run_argv (&run, env, FALSE, list_argv), 0, "%s", run.err);
  cr_assert (strstr (run.out, "1 automatic backup in ") != NULL, "%s", run.out);
}

Test (cli_backups, folder_and_keep_come_from_the_settings)
{
  g_auto(StkTestRun) run = { 0 };
  g_auto(GStrv) env = stk_test_run_environ ();
  g_autofree char *config = g_build_filename (tmpdir, "config", NULL);
  g_autofree char *settings_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  g_autofree char *chosen = g_build_filename (tmpdir, "chosen", NULL);
  g_autofree char *schemas = g_build_filename (g_getenv ("STK_TEST_BUILDDIR"), "..",
                                               "resources", NULL);
  g_autofree char *contents = NULL;
  const char *argv[] = { "--database", db_path, "backup", "--auto", NULL };

  inventory ();
  cr_assert_eq (g_mkdir_with_parents (settings_dir, 0700), 0);
  contents = g_strdup_printf ("[io/github/stocktake/Stocktake]\n"
                              "backup-folder='%s'\nbackup-keep=uint32 1\n", chosen);
  cr_assert (g_file_set_contents (keyfile, contents, -1, NULL));
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "keyfile", TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", config, TRUE);
  env = g_environ_setenv (env, "GSETTINGS_SCHEMA_DIR", schemas, TRUE);

  cr_assert_eq (stk_test_run_argv (&run, env, FALSE, argv), 0, "%s", run.err);
  cr_assert (g_str_has_prefix (run.out, chosen), "%s", run.out);
  cr_assert_eq (stk_test_run_argv (&run, env, FALSE, argv), 0, "%s", run.err);
  cr_assert (strstr (run.out, "Removed the old backup") != NULL, "keep 1: %s", run.out);
  cr_assert_eq (count_files (chosen), 1);
}

Test (cli_backups, backups_lists_each_with_its_figures)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *folder = g_build_filename (tmpdir, "b", NULL);
  g_autofree char *damaged = g_build_filename (folder, "inventory-auto-20200101-000000.db", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_auto(GStrv) lines = NULL;

  inventory ();
  cr_assert_eq (stk_test_run_db (&run, db_path, "backup", "--auto", "--folder", folder, NULL),
                0, "%s", run.err);
  first = g_strchomp (g_strdup (run.out));
  cr_assert_eq (stk_test_run_db (&run, db_path, "generate", "--skus", "2", "--seed", "9", NULL),
                0, "%s", run.err);
  cr_assert_eq (stk_test_run_db (&run, db_path, "backup", "--auto", "--folder", folder, NULL),
                0, "%s", run.err);
  second = g_strchomp (g_strdup (run.out));
  cr_assert (g_file_set_contents (damaged, "garbage", -1, NULL));

  cr_assert_eq (stk_test_run_db (&run, db_path, "backups", "--folder", folder, NULL), 0, "%s",
                run.err);
  lines = lines_of (run.out);
  /* newest first: second (made, items, sales, last sale), first (4), damaged (2), total */
  cr_assert_eq (g_strv_length (lines), 5 + 5 + 3 + 1, "%s", run.out);
  cr_assert_str_eq (lines[0], second, "%s", run.out);
  cr_assert (g_str_has_prefix (lines[1], "  Made:"), "%s", run.out);
  cr_assert_str_eq (lines[2], "  Items:     6", "%s", run.out);
  cr_assert_str_eq (lines[3], "  Sales:     6", "%s", run.out);
  cr_assert (g_str_has_prefix (lines[4], "  Last sale: 20"), "%s", run.out);
  cr_assert_str_eq (lines[5], first, "%s", run.out);
  cr_assert_str_eq (lines[7], "  Items:     4", "%s", run.out);
  cr_assert_str_eq (lines[10], damaged, "%s", run.out);
  cr_assert (g_str_has_prefix (lines[12], "  Damaged: "), "%s", run.out);
  cr_assert (g_str_has_prefix (lines[13], "3 automatic backups in "), "%s", run.out);
}

Test (cli_backups, usage_errors)
{
  g_auto(StkTestRun) run = { 0 };

  inventory ();
  cr_assert_eq (stk_test_run_db (&run, db_path, "backup", "--keep", "3", NULL), 2, "%s", run.err);
  cr_assert (strstr (run.err, "--auto") != NULL, "%s", run.err);
  cr_assert_eq (stk_test_run_db (&run, db_path, "backup", "--auto", "--keep", "0", NULL), 2,
                "%s", run.err);
  cr_assert_eq (stk_test_run_db (&run, db_path, "backup", "--auto", "--keep", "366", NULL), 2,
                "%s", run.err);
  cr_assert_eq (stk_test_run_db (&run, db_path, "backup", "--auto", "x.db", NULL), 2, "%s",
                run.err);
}

Test (cli_backups, a_read_only_folder_is_one_sentence_and_leaves_nothing)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *folder = g_build_filename (tmpdir, "ro", NULL);

  if (geteuid () != 0)
    cr_skip_test ("needs root to make a folder that nobody may write");
  inventory ();
  cr_assert_eq (g_chmod (tmpdir, 0755), 0);
  cr_assert_eq (g_chmod (db_path, 0644), 0);
  cr_assert_eq (g_mkdir (folder, 0555), 0);
  stk_test_run_db_as (&run, TRUE, db_path, "backup", "--auto", "--folder", folder, NULL);
  cr_assert_neq (run.status, 0);
  cr_assert (strstr (run.err, "read-only") != NULL, "%s", run.err);
  cr_assert_eq (strchr (run.err, '\n'), run.err + strlen (run.err) - 1, "%s", run.err);
  cr_assert_eq (count_files (folder), 0);
}
