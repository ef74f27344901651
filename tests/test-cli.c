/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stocktake command line, run for real: every command on a valid inventory, usage
 * errors, and bad input — malformed CSV, missing and read-only folders — with the exit
 * codes the help promises. Runs once per engine (tests/meson.build, contract_tests);
 * damaged, foreign, newer and older files and a reader holding the write-ahead log are
 * the SQLite engine's: tests/test-cli-sqlite.c. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-schema.h"
#include "stk-test-cli.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

TestSuite (cli, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown, .timeout = 60);

/* ---- Running the program: tests/stk-test-cli.h ---- */

static gint64
count_rows (const char *db,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);

  return stk_test_query (db, sql);
}

static gboolean
file_exists (const char *path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* ---- Help and usage ---- */

Test (cli, help_lists_commands_environment_and_exit_codes)
{
  g_auto(StkTestRun) run = { 0 };
  const char *commands[] = { "stats", "verify", "backup", "restore", "checkpoint", "import",
                             "export", "generate" };

  stk_test_cli_run_plain (&run, NULL, "--help", NULL);
  stk_test_assert_status (&run, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    cr_assert (strstr (run.out, commands[i]) != NULL, "no %s in --help:\n%s", commands[i], run.out);
  cr_assert (strstr (run.out, "--database") != NULL);
  cr_assert (strstr (run.out, "STOCKTAKE_DATABASE") != NULL);
  cr_assert (strstr (run.out, "65") != NULL && strstr (run.out, "75") != NULL);
  cr_assert_str_empty (run.err);

  stk_test_cli_run_plain (&run, NULL, "-h", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "STOCKTAKE_DATABASE") != NULL);

  stk_test_cli_run_plain (&run, NULL, "--version", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, PACKAGE_VERSION) != NULL, "%s", run.out);
}

Test (cli, command_help)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_cli_run_plain (&run, NULL, "stats", "--help", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "--json") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "generate") == NULL, "stats --help shows everything:\n%s", run.out);

  stk_test_cli_run_plain (&run, NULL, "generate", "--help", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "--skus") != NULL && strstr (run.out, "--seed") != NULL);

  stk_test_run_db (&run, db_path, "import", "-h", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "skus|sales|movements") != NULL, "%s", run.out);

  /* Help never touches the inventory. */
  cr_assert (!file_exists (db_path));
}

Test (cli, usage_errors_exit_2)
{
  const char *cases[][6] = {
    { "frobnicate" },
    { "--bogus" },
    { "--database" },
    { "--database=" },
    { "stats", "extra" },
    { "stats", "--bogus" },
    { "stats", "--json=yes" },
    { "verify", "x" },
    { "backup", "a", "b" },
    { "restore" },
    { "checkpoint", "now" },
    { "import" },
    { "import", "skus" },
    { "import", "bogus", "x.csv" },
    { "import", "skus", "a.csv", "b.csv" },
    { "export", "skus" },
    { "export", "items", "x.csv" },
    { "generate" },
    { "generate", "--skus" },
    { "generate", "--skus", "abc" },
    { "generate", "--skus", "0" },
    { "generate", "--skus", "10", "--sales", "-1" },
    { "generate", "--skus", "10", "--seed", "99999999999" },
    { "generate", "--skus", "1", "--skus", "2" },
    { "generate", "--skus=12x" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);

      if (!g_str_has_prefix (cases[i][0], "--database"))
        {
          g_ptr_array_add (args, g_strdup ("--database"));
          g_ptr_array_add (args, g_strdup (db_path));
        }
      for (guint j = 0; j < G_N_ELEMENTS (cases[i]) && cases[i][j] != NULL; j++)
        g_ptr_array_add (args, g_strdup (cases[i][j]));
      stk_test_cli_run_argv (&run, NULL, args);

      cr_assert_eq (run.status, 2, "case %u (%s …): exit %d\nstderr: %s", i, cases[i][0],
                    run.status, run.err);
      cr_assert (g_str_has_prefix (run.err, "stocktake: "), "case %u: %s", i, run.err);
      cr_assert (strstr (run.err, "--help") != NULL, "case %u: no hint: %s", i, run.err);
      cr_assert_str_empty (run.out, "case %u", i);
    }

  /* None of them created the inventory. */
  cr_assert (!file_exists (db_path));
}

/* ---- Every command on a valid inventory ---- */

Test (cli, generate_then_stats)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *movements_json = NULL;

  stk_test_run_db (&run, db_path, "generate", "--skus", "40", "--sales", "60", "--seed", "3", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "40 items") != NULL && strstr (run.out, "60 sales") != NULL,
             "%s", run.out);
  cr_assert (strstr (run.out, "transactions") != NULL, "no writer figures: %s", run.out);
  stk_test_assert_no_wal_files (db_path); /* the writer closed cleanly */
  cr_assert_eq (count_rows (db_path, "items"), 40);
  cr_assert_eq (count_rows (db_path, "sales"), 60);

  stk_test_run_db (&run, db_path, "stats", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_str_empty (run.err);
  cr_assert (g_regex_match_simple ("^Items: +40$", run.out, G_REGEX_MULTILINE, 0), "%s", run.out);
  cr_assert (g_regex_match_simple ("^Sales: +60$", run.out, G_REGEX_MULTILINE, 0), "%s", run.out);
  cr_assert (g_regex_match_simple ("^Format version: +" G_STRINGIFY (STK_SCHEMA_VERSION) "$", run.out, G_REGEX_MULTILINE, 0),
             "%s", run.out);
  cr_assert (g_regex_match_simple ("^File size: +.* \\([0-9,]+ bytes\\)$", run.out,
                                   G_REGEX_MULTILINE, 0), "%s", run.out);
  cr_assert (g_regex_match_simple ("^Stock value at selling price: +[0-9,]+\\.[0-9][0-9]$", run.out,
                                   G_REGEX_MULTILINE, 0), "%s", run.out);
  cr_assert (g_regex_match_simple ("^Open connections: +[1-9]", run.out, G_REGEX_MULTILINE, 0),
             "%s", run.out);

  stk_test_run_db (&run, db_path, "stats", "--json", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "\"items\": 40,") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "\"sales\": 60,") != NULL, "%s", run.out);
  movements_json = g_strdup_printf ("\"movements\": %" G_GINT64_FORMAT ",",
                                    count_rows (db_path, "movements"));
  cr_assert (strstr (run.out, movements_json) != NULL, "%s", run.out);
  cr_assert (g_str_has_prefix (run.out, "{\n") && g_str_has_suffix (run.out, "}\n"));
}

Test (cli, stats_json_escapes_the_path)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *odd = stk_test_path_in_tmp ("quote\"back\\slash\ttab.db");

  stk_test_generate (odd, 2, 0);
  stk_test_run_db (&run, odd, "stats", "--json", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "quote\\\"back\\\\slash\\ttab.db\"") != NULL, "%s", run.out);
}

Test (cli, backup_creates_a_verified_copy)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *backup = stk_test_path_in_tmp ("copy.db");
  g_autofree char *expected = NULL;
  g_autofree char *default_backup = NULL;
  g_autofree char *default_dir = NULL;

  stk_test_generate (db_path, 15, 5);
  stk_test_run_db (&run, db_path, "backup", backup, NULL);
  stk_test_assert_status (&run, 0);
  expected = g_strdup_printf ("%s\n", backup);
  cr_assert_str_eq (run.out, expected);
  cr_assert (file_exists (backup));

  stk_test_run_db (&run, backup, "verify", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_eq (count_rows (backup, "items"), 15);

  /* An existing file is never overwritten. */
  stk_test_run_db (&run, db_path, "backup", backup, NULL);
  stk_test_assert_status (&run, 1);
  stk_test_assert_one_sentence_error (&run);

  /* Without FILE: a timestamped copy beside the inventory. */
  stk_test_run_db (&run, db_path, "backup", NULL);
  stk_test_assert_status (&run, 0);
  default_backup = g_strstrip (g_strdup (run.out));
  default_dir = g_path_get_dirname (default_backup);
  cr_assert_str_eq (default_dir, tmpdir);
  cr_assert (file_exists (default_backup), "%s", default_backup);
  cr_assert_eq (count_rows (default_backup, "sales"), 5);
}

Test (cli, restore_replaces_the_inventory)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *backup = stk_test_path_in_tmp ("before.db");
  g_autofree char *other = stk_test_path_in_tmp ("other.db");
  g_autofree char *safety = NULL;
  const char *line;

  stk_test_generate (db_path, 12, 4);
  stk_test_generate (other, 30, 20);
  stk_test_run_db (&run, db_path, "backup", backup, NULL);
  stk_test_assert_status (&run, 0);

  /* Restore the 12-item backup over the 30-item inventory. */
  stk_test_run_db (&run, other, "restore", backup, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "Restored from ") != NULL, "%s", run.out);
  cr_assert_eq (count_rows (other, "items"), 12);
  cr_assert_eq (count_rows (other, "sales"), 4);

  /* The safety copy holds what was there before. */
  line = strstr (run.out, ": ");
  cr_assert_not_null (line, "no safety copy path: %s", run.out);
  safety = g_strndup (line + 2, strcspn (line + 2, "\n"));
  cr_assert (file_exists (safety), "%s", safety);
  cr_assert_eq (count_rows (safety, "items"), 30);

  stk_test_run_db (&run, other, "verify", NULL);
  stk_test_assert_status (&run, 0);

  /* A backup that is not an inventory is refused. */
  stk_test_run_db (&run, other, "restore", "/etc/hostname", NULL);
  cr_assert_eq (run.status, 65, "exit %d: %s", run.status, run.err);
  stk_test_assert_one_sentence_error (&run);
  cr_assert_eq (count_rows (other, "items"), 12);
}

Test (cli, checkpoint)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_generate (db_path, 5, 5);
  stk_test_run_db (&run, db_path, "checkpoint", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_str_has_prefix (run.out, "Checkpointed "), "%s", run.out);

  /* No inventory: nothing to checkpoint, and none is created. */
  g_unlink (db_path);
  stk_test_run_db (&run, db_path, "checkpoint", NULL);
  stk_test_assert_status (&run, 1);
  stk_test_assert_one_sentence_error (&run);
  cr_assert (!file_exists (db_path));
}

Test (cli, export_then_import_round_trip)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *fresh = stk_test_path_in_tmp ("fresh.db");
  g_autofree char *skus = stk_test_path_in_tmp ("skus.csv");
  g_autofree char *skus_again = stk_test_path_in_tmp ("skus-again.csv");
  g_autofree char *sales = stk_test_path_in_tmp ("sales.csv");
  g_autofree char *movements = stk_test_path_in_tmp ("movements.csv");
  g_autofree char *expected = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;

  stk_test_generate (db_path, 25, 0);

  stk_test_run_db (&run, db_path, "export", "skus", skus, NULL);
  stk_test_assert_status (&run, 0);
  expected = g_strdup_printf ("Exported 25 rows to %s\n", skus);
  cr_assert_str_eq (run.out, expected);
  stk_test_run_db (&run, db_path, "export", "sales", sales, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_str_has_prefix (run.out, "Exported 0 rows to "), "%s", run.out);
  stk_test_run_db (&run, db_path, "export", "movements", movements, NULL);
  stk_test_assert_status (&run, 0);

  stk_test_run_db (&run, fresh, "import", "skus", skus, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_str_eq (run.out, "Imported 25 rows (0 already present)\n");
  cr_assert_eq (count_rows (fresh, "items"), 25);

  /* The items come back the same. */
  stk_test_run_db (&run, fresh, "export", "skus", skus_again, NULL);
  stk_test_assert_status (&run, 0);
  first = stk_test_read_bytes (skus);
  second = stk_test_read_bytes (skus_again);
  cr_assert_not_null (first);
  cr_assert_not_null (second);
  cr_assert (g_bytes_equal (first, second), "export of the imported items differs");

  stk_test_run_db (&run, fresh, "verify", NULL);
  stk_test_assert_status (&run, 0);
}

Test (cli, export_import_sales_round_trip)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *fresh = stk_test_path_in_tmp ("fresh.db");
  g_autofree char *skus = stk_test_path_in_tmp ("skus.csv");
  g_autofree char *sales = stk_test_path_in_tmp ("sales.csv");
  g_autofree char *sales_again = stk_test_path_in_tmp ("sales-again.csv");
  g_autofree char *movements = stk_test_path_in_tmp ("movements.csv");
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;

  stk_test_generate (db_path, 20, 30);

  stk_test_run_db (&run, db_path, "export", "skus", skus, NULL);
  stk_test_assert_status (&run, 0);
  stk_test_run_db (&run, db_path, "export", "movements", movements, NULL);
  stk_test_assert_status (&run, 0);
  stk_test_run_db (&run, db_path, "export", "sales", sales, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_str_has_prefix (run.out, "Exported 30 rows to "), "%s", run.out);

  /* Items, then the stock they received: the SKUs' on_hand already counts that
   * history, so adding it on top is refused with nothing changed (it used to double
   * the stock, with verify saying OK). */
  stk_test_run_db (&run, fresh, "import", "skus", skus, NULL);
  stk_test_assert_status (&run, 0);
  stk_test_run_db (&run, fresh, "import", "movements", movements, NULL);
  stk_test_assert_status (&run, 65);
  cr_assert (strstr (run.err, "count the stock twice") != NULL, "%s", run.err);
  cr_assert_eq (stk_test_query (fresh, "SELECT sum (on_hand) FROM items"),
                stk_test_query (db_path, "SELECT sum (on_hand) FROM items"));

  /* The whole inventory in one command: every figure as it was. */
  {
    g_autofree char *dir = stk_test_path_in_tmp ("all");
    g_autofree char *copy = stk_test_path_in_tmp ("copy.db");

    stk_test_run_db (&run, db_path, "export", "all", dir, NULL);
    stk_test_assert_status (&run, 0);
    stk_test_run_db (&run, copy, "import", "all", dir, NULL);
    stk_test_assert_status (&run, 0);
    cr_assert_eq (stk_test_query (copy, "SELECT sum (on_hand) FROM items"),
                  stk_test_query (db_path, "SELECT sum (on_hand) FROM items"));
    cr_assert_eq (stk_test_query (copy, "SELECT sum (on_hand * unit_price_cents) FROM items"),
                  stk_test_query (db_path, "SELECT sum (on_hand * unit_price_cents) FROM items"));
    g_free (fresh);
    fresh = g_steal_pointer (&copy);
  }
  cr_assert_eq (count_rows (fresh, "sales"), 30);

  /* Importing the same sales again adds nothing. */
  stk_test_run_db (&run, fresh, "import", "sales", sales, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_str_eq (run.out, "Imported 0 rows (30 already present)\n");
  cr_assert_eq (count_rows (fresh, "sales"), 30);

  stk_test_run_db (&run, fresh, "export", "sales", sales_again, NULL);
  stk_test_assert_status (&run, 0);
  first = stk_test_read_bytes (sales);
  second = stk_test_read_bytes (sales_again);
  cr_assert (g_bytes_equal (first, second), "export of the imported sales differs");

  stk_test_run_db (&run, fresh, "verify", NULL);
  stk_test_assert_status (&run, 0);
}

/* ---- Bad CSV ---- */

static void
check_bad_csv (const char *contents,
               gssize      len,
               const char *expected_line)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *csv = stk_test_path_in_tmp ("bad.csv");

  stk_test_generate (db_path, 5, 0);
  stk_test_write_file (csv, contents, len);

  stk_test_run_db (&run, db_path, "import", "skus", csv, NULL);
  cr_assert_eq (run.status, 65, "exit %d\nstderr: %s", run.status, run.err);
  cr_assert (stk_test_contains_ci (run.err, expected_line), "no “%s” in: %s", expected_line, run.err);
  cr_assert (strstr (run.err, "stocktake: ") != NULL, "no summary sentence: %s", run.err);
  cr_assert_str_empty (run.out);
  cr_assert_eq (count_rows (db_path, "items"), 5, "something was imported");
}

/* The header line of an export of the items: the columns import expects. */
static char *
skus_header (void)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *csv = stk_test_path_in_tmp ("header.csv");
  g_autofree char *other = stk_test_path_in_tmp ("header.db");
  g_autofree char *contents = NULL;

  stk_test_generate (other, 1, 0);
  stk_test_run_db (&run, other, "export", "skus", csv, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_file_get_contents (csv, &contents, NULL, NULL));
  return g_strndup (contents, strcspn (contents, "\r\n"));
}

Test (cli, csv_with_unterminated_quote)
{
  g_autofree char *header = skus_header ();
  g_autofree char *csv = g_strdup_printf ("%s\nNEW-1,\"never closed\n", header);

  check_bad_csv (csv, -1, "line 2");
}

Test (cli, csv_with_unknown_column)
{
  g_autofree char *header = skus_header ();
  g_autofree char *csv = g_strdup_printf ("%s,colour\n", header);

  check_bad_csv (csv, -1, "line 1");
}

Test (cli, csv_with_invalid_utf8)
{
  g_autofree char *header = skus_header ();
  g_autofree char *csv = g_strdup_printf ("%s\nOK-1,Fine\nBAD-\xff\xfe,Broken\n", header);

  check_bad_csv (csv, -1, "line 3");
}

Test (cli, missing_csv_file)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_run_db (&run, db_path, "import", "skus", "no-such.csv", NULL);
  stk_test_assert_status (&run, 1);
  stk_test_assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "no-such.csv") != NULL, "%s", run.err);
  cr_assert (!file_exists (db_path), "the inventory was created");
}

/* ---- Where the inventory lives ---- */

Test (cli, missing_folder)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *folder = stk_test_path_in_tmp ("no-such-folder");
  g_autofree char *db = g_build_filename (folder, "inventory.db", NULL);
  g_autofree char *csv = stk_test_path_in_tmp ("x.csv");

  stk_test_write_file (csv, "code\nA\n", -1);

  stk_test_run_db (&run, db, "stats", NULL);
  stk_test_assert_status (&run, 1);
  stk_test_assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, folder) != NULL && strstr (run.err, "does not exist") != NULL,
             "%s", run.err);

  stk_test_run_db (&run, db, "import", "skus", csv, NULL);
  stk_test_assert_status (&run, 1);
  stk_test_assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "does not exist") != NULL, "%s", run.err);

  stk_test_run_db (&run, db, "generate", "--skus", "2", NULL);
  stk_test_assert_status (&run, 1);
  stk_test_assert_one_sentence_error (&run);

  cr_assert (!file_exists (folder), "the folder was created");
}

Test (cli, read_only_folder)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *folder = stk_test_path_in_tmp ("locked");
  g_autofree char *db = g_build_filename (folder, "inventory.db", NULL);
  g_autofree char *new_db = g_build_filename (folder, "new.db", NULL);
  g_autofree char *skus = stk_test_path_in_tmp ("skus.csv");
  g_autofree char *header = NULL;
  g_autofree char *csv = NULL;
  StkTestCliOptions nobody = { .unprivileged = TRUE };
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  if (geteuid () != 0)
    cr_skip_test ("needs root to prepare a folder that nobody can write");

  /* Root owns the folder (0755) and the inventory (0644): nobody can read, not write. */
  cr_assert_eq (g_mkdir (folder, 0755), 0);
  stk_test_generate (db, 5, 0);
  g_chmod (db, 0644);
  header = skus_header ();
  csv = g_strdup_printf ("%s\n", header);
  stk_test_write_file (skus, csv, -1);
  before = stk_test_read_bytes (db);

  stk_test_cli_run_plain (&run, &nobody, "--database", db, "import", "skus", skus, NULL);
  stk_test_assert_status (&run, 1);
  stk_test_assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "read-only") != NULL && strstr (run.err, folder) != NULL,
             "%s", run.err);
  after = stk_test_read_bytes (db);
  cr_assert (g_bytes_equal (before, after));

  /* A new inventory cannot be created there either. */
  stk_test_cli_run_plain (&run, &nobody, "--database", new_db, "import", "skus", skus, NULL);
  stk_test_assert_status (&run, 1);
  stk_test_assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "read-only") != NULL && strstr (run.err, folder) != NULL,
             "%s", run.err);
  cr_assert (!file_exists (new_db));
}

Test (cli, environment_variable_names_the_inventory)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *env_db = stk_test_path_in_tmp ("from-env.db");
  StkTestCliOptions options = { .database_env = env_db };

  stk_test_cli_run_plain (&run, &options, "generate", "--skus", "7", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (file_exists (env_db));
  cr_assert_eq (count_rows (env_db, "items"), 7);

  stk_test_cli_run_plain (&run, &options, "stats", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, env_db) != NULL, "%s", run.out);
  cr_assert (g_regex_match_simple ("^Items: +7$", run.out, G_REGEX_MULTILINE, 0), "%s", run.out);

  /* --database wins over the environment. */
  stk_test_generate (db_path, 3, 0);
  stk_test_cli_run_plain (&run, &options, "--database", db_path, "stats", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_regex_match_simple ("^Items: +3$", run.out, G_REGEX_MULTILINE, 0), "%s", run.out);
  stk_test_cli_run_plain (&run, &options, "--database=" "", "stats", NULL);
  stk_test_assert_status (&run, 2);
}

Test (cli, works_without_a_display)
{
  g_auto(StkTestRun) run = { 0 };
  StkTestCliOptions unreachable = { .display = ":4321" };
  g_autofree char *db_option = g_strdup_printf ("--database=%s", db_path);

  /* No DISPLAY at all … */
  stk_test_generate (db_path, 3, 3);
  stk_test_run_db (&run, db_path, "stats", NULL);
  stk_test_assert_status (&run, 0);

  /* … or one that cannot be reached: GTK is never initialised by a command. */
  stk_test_cli_run_plain (&run, &unreachable, db_option, "verify", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_str_empty (run.err);
}

Test (cli, stats_of_missing_inventory)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_run_db (&run, db_path, "stats", NULL);
  stk_test_assert_status (&run, 1);
  stk_test_assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, db_path) != NULL, "%s", run.err);
  cr_assert (!file_exists (db_path), "stats created the inventory");
}

/* Another program holds the database past the writer's 5 s budget: a writing command
 * gives up with 75 and changes nothing; readers still work alongside. */
Test (cli, writer_command_exits_75_while_another_program_holds_the_inventory, .timeout = 60)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *helper = stk_test_helper_path ("stk-lock-holder");
  g_autofree char *csv = g_build_filename (tmpdir, "new.csv", NULL);
  g_autofree char *line = NULL;

  stk_test_run_db (&run, db_path, "generate", "--skus", "5", "--seed", "3", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_file_set_contents (csv, "code\nLOCKED-1\n", -1, NULL));

  holder = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                             &error, helper, db_path, "0", NULL);
  cr_assert_not_null (holder, "%s", error ? error->message : "");
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (holder));
  line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  cr_assert_str_eq (line ? line : "", "locked");

  stk_test_run_db (&run, db_path, "import", "skus", csv, NULL);
  stk_test_assert_status (&run, 75);
  cr_assert (strstr (run.err, "locked by another program") != NULL, "%s", run.err);

  stk_test_run_db (&run, db_path, "stats", NULL);
  stk_test_assert_status (&run, 0);

  cr_assert (g_output_stream_close (g_subprocess_get_stdin_pipe (holder), NULL, NULL));
  cr_assert (g_subprocess_wait_check (holder, NULL, NULL));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'LOCKED-1'"), 0);

  stk_test_run_db (&run, db_path, "import", "skus", csv, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'LOCKED-1'"), 1);
}
