/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stocktake command line on the SQLite engine: inventories damaged, made foreign,
 * newer or older through a raw connection, a reader holding the write-ahead log (moved
 * from test-cli.c, which runs once per engine). */
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
#include "stk-test-sqlite.h"

TestSuite (cli, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown, .timeout = 60);

/* Running the program: tests/stk-test-cli.h */

static gboolean
file_exists (const char *path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

Test (cli, verify_ok_and_problems)
{
  g_auto(StkTestRun) run = { 0 };
  sqlite3 *db = NULL;

  stk_test_generate (db_path, 10, 10);
  stk_test_run_db (&run, db_path, "verify", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_str_eq (run.out, "Inventory OK: integrity, foreign keys and stock balances checked.\n");

  /* Break an item's balance behind the program's back. */
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, "DROP TRIGGER items_on_hand_guard;"
                                  "UPDATE items SET on_hand = on_hand + 5 WHERE id = 1",
                              NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (db);

  stk_test_run_db (&run, db_path, "verify", NULL);
  stk_test_assert_status (&run, 1);
  cr_assert (strstr (run.out, "on hand") != NULL, "%s", run.out);
  cr_assert (g_str_has_suffix (run.out, "1 problem found.\n"), "%s", run.out);
}

Test (cli, checkpoint_busy_exits_75)
{
  g_auto(StkTestRun) run = { 0 };
  sqlite3 *reader = NULL;
  sqlite3 *writer = NULL;

  stk_test_generate (db_path, 5, 0);

  /* A reader keeps an old snapshot while another connection commits after it: the
   * write-ahead log cannot be emptied until the reader is done. */
  cr_assert_eq (sqlite3_open (db_path, &reader), SQLITE_OK);
  cr_assert_eq (sqlite3_open (db_path, &writer), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (reader, "BEGIN; SELECT count(*) FROM items", NULL, NULL, NULL),
                SQLITE_OK);
  cr_assert_eq (sqlite3_exec (writer, "INSERT INTO settings (key, value) VALUES ('test', 1)",
                              NULL, NULL, NULL), SQLITE_OK);

  stk_test_run_db (&run, db_path, "checkpoint", NULL);
  cr_assert_eq (run.status, 75, "exit %d\nstdout: %s\nstderr: %s", run.status, run.out, run.err);
  stk_test_assert_one_sentence_error (&run);

  sqlite3_exec (reader, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (reader);
  sqlite3_close (writer);

  stk_test_run_db (&run, db_path, "checkpoint", NULL);
  stk_test_assert_status (&run, 0);
}

/* ---- Files that are not valid inventories ---- */

typedef enum
{
  BAD_GARBAGE,
  BAD_FOREIGN,
  BAD_TRUNCATED,
  BAD_NEWER,
} BadKind;

static void
make_bad_inventory (BadKind kind)
{
  sqlite3 *db = NULL;

  switch (kind)
    {
    case BAD_GARBAGE:
      {
        g_autoptr(GRand) rand = g_rand_new_with_seed (42);
        guint8 bytes[8192];

        for (guint i = 0; i < sizeof bytes; i++)
          bytes[i] = (guint8) g_rand_int_range (rand, 0, 256);
        stk_test_write_file (db_path, (const char *) bytes, sizeof bytes);
      }
      break;

    case BAD_FOREIGN:
      cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
      cr_assert_eq (sqlite3_exec (db, "CREATE TABLE t(x); INSERT INTO t VALUES (1)",
                                  NULL, NULL, NULL), SQLITE_OK);
      sqlite3_close (db);
      break;

    case BAD_TRUNCATED:
      {
        g_autofree char *real = stk_test_path_in_tmp ("real.db");
        g_autoptr(GBytes) bytes = NULL;
        gsize size;

        stk_test_generate (real, 200, 100);
        bytes = stk_test_read_bytes (real);
        size = g_bytes_get_size (bytes);
        cr_assert_gt (size, 8192);
        stk_test_write_file (db_path, g_bytes_get_data (bytes, NULL), (gssize) (size / 2));
      }
      break;

    case BAD_NEWER:
      stk_test_generate (db_path, 20, 10);
      cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
      cr_assert_eq (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
      sqlite3_close (db);
      break;

    default:
      g_assert_not_reached ();
    }

  stk_test_assert_no_wal_files (db_path);
}

static void
check_bad_inventory (BadKind     kind,
                     const char *expected_words)
{
  g_autofree char *csv = stk_test_path_in_tmp ("x.csv");
  g_autoptr(GBytes) before = NULL;
  const char *commands[][3] = {
    { "stats" },
    { "verify" },
    { "import", "skus", csv },
    { "export", "skus", NULL },
    { "backup", NULL },
    { "generate", "--skus", "3" },
  };
  g_autofree char *export_path = stk_test_path_in_tmp ("out.csv");

  commands[3][2] = export_path;
  make_bad_inventory (kind);
  stk_test_write_file (csv, "code,description\nA1,Something\n", -1);
  before = stk_test_read_bytes (db_path);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GBytes) after = NULL;

      g_ptr_array_add (args, g_strdup ("--database"));
      g_ptr_array_add (args, g_strdup (db_path));
      for (guint j = 0; j < 3 && commands[i][j] != NULL; j++)
        g_ptr_array_add (args, g_strdup (commands[i][j]));
      stk_test_cli_run_argv (&run, NULL, args);

      cr_assert_eq (run.status, 65, "%s: exit %d\nstdout: %s\nstderr: %s", commands[i][0],
                    run.status, run.out, run.err);
      stk_test_assert_one_sentence_error (&run);
      cr_assert (stk_test_contains_ci (run.err, expected_words), "%s: stderr: %s", commands[i][0], run.err);
      cr_assert_str_empty (run.out, "%s", commands[i][0]);

      after = stk_test_read_bytes (db_path);
      cr_assert (g_bytes_equal (before, after), "%s changed the file", commands[i][0]);
      stk_test_assert_no_wal_files (db_path);
      cr_assert (!file_exists (export_path));
    }
}

Test (cli, garbage_file_is_refused_untouched)
{
  check_bad_inventory (BAD_GARBAGE, "not a Stocktake inventory");
}

Test (cli, foreign_sqlite_file_is_refused_untouched)
{
  check_bad_inventory (BAD_FOREIGN, "another program");
}

Test (cli, truncated_inventory_is_refused_untouched)
{
  check_bad_inventory (BAD_TRUNCATED, "truncated");
}

Test (cli, newer_inventory_is_refused_untouched)
{
  check_bad_inventory (BAD_NEWER, "newer version");
}

Test (cli, older_inventory_is_upgraded)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  /* An inventory written by a Stocktake whose format was 2. */
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, 2, &error), "%s", error ? error->message : "");
  sqlite3_close (db);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), 2);

  stk_test_run_db (&run, db_path, "stats", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_regex_match_simple ("^Format version: +" G_STRINGIFY (STK_SCHEMA_VERSION) "$", run.out, G_REGEX_MULTILINE, 0),
             "%s", run.out);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), STK_SCHEMA_VERSION);

  stk_test_run_db (&run, db_path, "verify", NULL);
  stk_test_assert_status (&run, 0);
}
