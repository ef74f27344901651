/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stocktake command line where it says no: usage errors of every command, paths
 * of the wrong kind, folders that lack files, bad rows beyond those listed, a held
 * lock, the default inventory's folder, progress on a terminal. Each run checks the
 * exit code, the one sentence on stderr and that nothing changed on disk. */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-lock-test-util.h"
#include "stk-schema.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

TestSuite (cli_errors, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

/* ---- Running the program ---- */

#define assert_status(run, expected)                                                  \
  cr_assert_eq ((run)->status, (expected), "exit status %d, expected %d\nstdout: %s\nstderr: %s", \
                (run)->status, (expected), (run)->out, (run)->err)

/* Exit @status, nothing on stdout, one line "stocktake: <one sentence>." on stderr
 * that contains @words. */
static void
assert_fails (const StkTestRun *run,
              int               status,
              const char       *words)
{
  const char *err = run->err;
  gsize len = strlen (err);

  assert_status (run, status);
  cr_assert_str_empty (run->out, "stdout: %s", run->out);
  cr_assert (g_str_has_prefix (err, "stocktake: "), "stderr: %s", err);
  cr_assert (len > 2 && err[len - 1] == '\n' && strchr (err, '\n') == err + len - 1,
             "not one line on stderr: %s", err);
  cr_assert (err[len - 2] == '.', "stderr does not end a sentence: %s", err);
  cr_assert (strstr (err, words) != NULL, "no “%s” in: %s", words, err);
}

/* Exit 2, nothing on stdout, "stocktake: @message" then the hint to @hint_command's help. */
static void
assert_usage (const StkTestRun *run,
              const char       *message,
              const char       *hint_command)
{
  g_autofree char *expected = NULL;

  if (hint_command != NULL)
    expected = g_strdup_printf ("stocktake: %s\nTry “stocktake %s --help” for more information.\n",
                                message, hint_command);
  else
    expected = g_strdup_printf ("stocktake: %s\nTry “stocktake --help” for more information.\n",
                                message);
  assert_status (run, 2);
  cr_assert_str_empty (run->out, "stdout: %s", run->out);
  cr_assert_str_eq (run->err, expected);
}

static char *
in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static gboolean
file_exists (const char *path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_set_contents (path, text, -1, &error), "%s", error ? error->message : "");
}

static void
generate (const char *db,
          const char *skus,
          const char *sales)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_run_db (&run, db, "generate", "--skus", skus, "--sales", sales, "--seed", "7", NULL);
  assert_status (&run, 0);
}

/* The inventory's bytes, after checking that no change waits beside it: no journal,
 * and a write-ahead log that is missing or empty (readers open the file read-only and
 * leave an empty one, as SQLite does). */
static GBytes *
snapshot (const char *db)
{
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *journal = g_strconcat (db, "-journal", NULL);
  GStatBuf st;

  cr_assert (!file_exists (journal), "%s is there", journal);
  cr_assert (g_stat (wal, &st) != 0 || st.st_size == 0, "%s holds changes", wal);
  return stk_test_read_bytes (db);
}

static void
assert_unchanged (const char *db,
                  GBytes     *before)
{
  g_autoptr(GBytes) after = snapshot (db);

  cr_assert (g_bytes_equal (before, after), "%s changed", db);
}

/* How many entries @dir holds. */
static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  cr_assert_not_null (d, "cannot list %s", dir);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* ---- import all: a folder that lacks some of its files ---- */

/* Each file is read in turn; the first one missing ends the reading. The report of
 * the files never reached must not be read (this crashed: SIGSEGV, exit -1). */
Test (cli_errors, import_all_from_a_folder_that_lacks_files)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *full = in_tmp ("full");
  g_autofree char *part = in_tmp ("part");
  g_autofree char *target = in_tmp ("target.db");
  const char *names[] = { "skus.csv", "movements.csv", "sales.csv" };
  g_autoptr(GBytes) before = NULL;

  generate (db_path, "20", "30");
  stk_test_run_db (&run, db_path, "export", "all", full, NULL);
  assert_status (&run, 0);
  generate (target, "3", "2");
  before = snapshot (target);
  cr_assert_eq (g_mkdir (part, 0755), 0);

  /* None, skus.csv alone, skus.csv and movements.csv. */
  for (guint present = 0; present < G_N_ELEMENTS (names); present++)
    {
      g_autofree char *missing = g_build_filename (part, names[present], NULL);
      g_autofree char *words = g_strdup_printf ("Cannot import “%s”: the file does not exist",
                                                missing);

      stk_test_run_db (&run, target, "import", "all", part, NULL);
      assert_fails (&run, 1, words);
      assert_unchanged (target, before);

      {
        g_autofree char *from = g_build_filename (full, names[present], NULL);
        g_autofree char *contents = NULL;

        cr_assert (g_file_get_contents (from, &contents, NULL, NULL));
        write_text (missing, contents);
      }
    }

  /* With all three it imports into a new inventory. */
  {
    g_autofree char *fresh = in_tmp ("fresh.db");

    stk_test_run_db (&run, fresh, "import", "all", part, NULL);
    assert_status (&run, 0);
    cr_assert_eq (stk_test_query (fresh, "SELECT count(*) FROM items"), 20);
    cr_assert_eq (stk_test_query (fresh, "SELECT count(*) FROM sales"), 30);
  }
}

/* ---- Usage errors: exit 2, the sentence, the hint, and no inventory made ---- */

Test (cli_errors, usage_errors_say_what_is_wrong)
{
  struct
  {
    const char *args[7];
    const char *message;
    const char *hint;  /* the command whose help is hinted, NULL for the program's */
  } cases[] = {
    { { "-" }, "Unknown command “-”.", NULL },
    { { "--", "--database" }, "Unknown command “--database”.", NULL },
    { { "stats", "--json", "--json" }, "The option --json is given twice.", "stats" },
    { { "stats", "--json=1" }, "The option --json takes no value.", "stats" },
    { { "stats", "--", "--json" }, "Unexpected argument “--json”.", "stats" },
    { { "verify", "-x" }, "Unknown option “-x” for verify.", "verify" },
    { { "backup", "a.db", "b.db" }, "Unexpected argument “b.db”.", "backup" },
    { { "restore" },
      "Missing arguments: usage is “stocktake restore FILE”.", "restore" },
    { { "checkpoint", "now" }, "Unexpected argument “now”.", "checkpoint" },
    { { "import", "skus" },
      "Missing arguments: usage is “stocktake import skus|sales|movements|returns|tax-rates FILE.csv, or all FOLDER”.",
      "import" },
    { { "import", "items", "x.csv" },
      "Unknown table “items”: use skus, sales, movements, returns or tax-rates.", "import" },
    { { "export", "sale", "x.csv" },
      "Unknown table “sale”: use skus, sales, movements, returns or tax-rates.", "export" },
    { { "export", "all" },
      "Missing arguments: usage is “stocktake export skus|sales|movements|returns|tax-rates FILE.csv, or all FOLDER”.",
      "export" },
    { { "generate", "--sales", "5" }, "Say how many items to generate with --skus N.", "generate" },
    { { "generate", "--skus", "1", "--seed" }, "The option --seed needs a value.", "generate" },
    { { "generate", "--skus=" },
      "--skus expects a whole number from 1 to 10000000, not “”.", "generate" },
    { { "generate", "--skus", "10000001" },
      "--skus expects a whole number from 1 to 10000000, not “10000001”.", "generate" },
    { { "generate", "--skus", "1", "--sales", "100000001" },
      "--sales expects a whole number from 0 to 100000000, not “100000001”.", "generate" },
    { { "generate", "--skus", "1", "--seed", "4294967296" },
      "--seed expects a whole number from 0 to 4294967295, not “4294967296”.", "generate" },
    { { "generate", "--skus", "+5" },
      "--skus expects a whole number from 1 to 10000000, not “+5”.", "generate" },
    { { "generate", "--skus", "1", "extra" }, "Unexpected argument “extra”.", "generate" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_auto(GStrv) env = stk_test_run_environ ();

      g_ptr_array_add (args, (char *) "--database");
      g_ptr_array_add (args, db_path);
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (char *) cases[i].args[j]);
      g_ptr_array_add (args, NULL);
      stk_test_run_argv (&run, env, FALSE, (const char **) args->pdata);
      assert_usage (&run, cases[i].message, cases[i].hint);
    }

  cr_assert_eq (count_entries (tmpdir), 0, "a usage error left something behind");
}

Test (cli_errors, global_option_errors)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_run (&run, "--database", "", "stats", NULL);
  assert_usage (&run, "The option --database needs the path of an inventory file.", NULL);
  stk_test_run (&run, "stats", "--database", db_path, NULL);
  assert_usage (&run, "Unknown option “--database” for stats.", "stats");
  stk_test_run (&run, "--verbose", "stats", NULL);
  assert_usage (&run, "Unknown option “--verbose”.", NULL);
  cr_assert_eq (count_entries (tmpdir), 0);
}

/* The largest seed is taken, and the same seed gives the same data. */
Test (cli_errors, generate_takes_its_bounds)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *other = in_tmp ("other.db");

  stk_test_run_db (&run, db_path, "generate", "--skus=3", "--sales=0", "--seed=4294967295", NULL);
  assert_status (&run, 0);
  cr_assert (strstr (run.out, "Generated 3 items and 0 sales in ") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "(seed 4294967295).") != NULL, "%s", run.out);
  stk_test_run_db (&run, other, "generate", "--seed", "4294967295", "--skus", "3", NULL);
  assert_status (&run, 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 3);
  cr_assert_eq (stk_test_query (other, "SELECT count(*) FROM items"), 3);
  cr_assert_eq (stk_test_query (db_path, "SELECT sum(unit_price_cents * 7 + reorder_level) FROM items"),
                stk_test_query (other, "SELECT sum(unit_price_cents * 7 + reorder_level) FROM items"));
}

/* A command without arguments has a synopsis without a trailing space; help never
 * opens the inventory, even after other arguments. */
Test (cli_errors, every_command_has_its_help)
{
  const char *commands[] = { "stats", "verify", "backup", "restore", "checkpoint", "import",
                             "export", "generate" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_autofree char *first = NULL;

      stk_test_run_db (&run, db_path, commands[i], "x", "--help", NULL);
      assert_status (&run, 0);
      cr_assert_str_empty (run.err);
      first = g_strndup (run.out, strcspn (run.out, "\n"));
      cr_assert (g_str_has_prefix (first, "Usage: stocktake [--database PATH] "), "%s", first);
      cr_assert (!g_str_has_suffix (first, " "), "trailing space: “%s”", first);
      cr_assert (strstr (first, commands[i]) != NULL, "%s", first);
    }
  {
    g_auto(StkTestRun) run = { 0 };

    stk_test_run_db (&run, db_path, "checkpoint", "-h", NULL);
    cr_assert (g_str_has_prefix (run.out, "Usage: stocktake [--database PATH] checkpoint\n\n"
                                          "Move the write-ahead log into the inventory file.\n"),
               "%s", run.out);
    /* After “--”, --help is an argument like any other. */
    stk_test_run_db (&run, db_path, "verify", "--", "--help", NULL);
    assert_usage (&run, "Unexpected argument “--help”.", "verify");
  }
  cr_assert_eq (count_entries (tmpdir), 0);
}

/* ---- Paths of the wrong kind, missing, or taken ---- */

/* One rule for every command: an input that is missing is a failure (1) and a file
 * of the wrong kind is bad input (65); an output that is in the way — a folder for a
 * file, a file for a folder, a folder with files in it — is refused (1). Each time
 * one sentence, the inventory's bytes untouched and nothing new on disk. (Before,
 * import all said 1 for a file and export all 65 for a file or a full folder.) */
Test (cli_errors, paths_of_the_wrong_kind)
{
  g_autofree char *folder = in_tmp ("folder");
  g_autofree char *full = in_tmp ("full");
  g_autofree char *file = in_tmp ("file.csv");
  g_autofree char *missing = in_tmp ("missing");
  g_autofree char *in_missing = g_build_filename (missing, "x.csv", NULL);
  g_autoptr(GBytes) before = NULL;
  struct
  {
    const char *args[4];
    int         status;
    const char *words;
  } cases[] = {
    { { "import", "skus", folder }, 65, "it is a folder, not a file" },
    { { "import", "sales", missing }, 1, "there is no such file" },
    { { "import", "all", file }, 65, "is not a folder: import all reads" },
    { { "import", "all", missing }, 1, "there is no such folder" },
    { { "restore", folder }, 65, "it is a folder, not a file" },
    { { "restore", missing }, 1, "there is no such file" },
    { { "export", "skus", folder }, 1, "it is a folder" },
    { { "export", "movements", in_missing }, 1, "does not exist" },
    { { "export", "all", file }, 1, "is a file, not a folder" },
    { { "export", "all", full }, 1, "is not empty" },
    { { "backup", folder }, 1, "it is a folder" },
    { { "backup", file }, 1, "already exists" },
    { { "backup", in_missing }, 1, "does not exist" },
  };
  guint entries;

  generate (db_path, "10", "10");
  cr_assert_eq (g_mkdir (folder, 0755), 0);
  cr_assert_eq (g_mkdir (full, 0755), 0);
  {
    g_autofree char *inside = g_build_filename (full, "notes.txt", NULL);

    write_text (inside, "mine\n");
  }
  write_text (file, "code\nA\n");
  before = snapshot (db_path);
  entries = count_entries (tmpdir);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_auto(GStrv) env = stk_test_run_environ ();

      g_ptr_array_add (args, (char *) "--database");
      g_ptr_array_add (args, db_path);
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (char *) cases[i].args[j]);
      g_ptr_array_add (args, NULL);
      stk_test_run_argv (&run, env, FALSE, (const char **) args->pdata);

      cr_assert_eq (run.status, cases[i].status, "%s %s: exit %d, expected %d: %s",
                    cases[i].args[0], cases[i].args[1], run.status, cases[i].status, run.err);
      assert_fails (&run, cases[i].status, cases[i].words);
      assert_unchanged (db_path, before);
      /* The lock file, and a reader's empty -wal and -shm, may be new. */
      cr_assert_leq (count_entries (tmpdir), entries + 3, "%s %s left something behind",
                     cases[i].args[0], cases[i].args[1]);
      cr_assert_eq (count_entries (folder), 0);
      cr_assert_eq (count_entries (full), 1);
      cr_assert (!file_exists (missing));
    }
}

/* ---- Bad rows: every one counted, the first ones listed ---- */

Test (cli_errors, import_lists_the_first_bad_rows_and_counts_the_rest)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *csv = in_tmp ("bad.csv");
  g_autoptr(GString) text = g_string_new ("code,description,unit_price\n");
  g_auto(GStrv) lines = NULL;
  g_autoptr(GBytes) before = NULL;
  guint n_lines;

  /* 60 bad prices: 50 listed (STK_IMPORT_MAX_REPORTED_ERRORS), 10 counted. */
  for (guint i = 0; i < 60; i++)
    g_string_append_printf (text, "BAD-%u,Thing,abc\n", i);
  write_text (csv, text->str);
  generate (db_path, "5", "0");
  before = snapshot (db_path);

  stk_test_run_db (&run, db_path, "import", "skus", csv, NULL);
  assert_status (&run, 65);
  cr_assert_str_empty (run.out);
  lines = g_strsplit (run.err, "\n", -1);
  n_lines = g_strv_length (lines);
  cr_assert_eq (n_lines, 53, "%u lines: %s", n_lines, run.err); /* 50 + more + summary + "" */
  cr_assert_str_eq (lines[0], "Line 2: “abc” is not a price like 12.50.");
  cr_assert_str_eq (lines[49], "Line 51: “abc” is not a price like 12.50.");
  cr_assert_str_eq (lines[50], "… and 10 more bad rows.");
  cr_assert_str_eq (lines[51], "stocktake: “bad.csv” has 60 bad rows; nothing was imported.");
  assert_unchanged (db_path, before);
}

/* import all into an inventory that already has the items: each file's bad rows are
 * named with the file, and nothing is imported. */
Test (cli_errors, import_all_names_the_file_of_each_bad_row)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *dir = in_tmp ("all");
  g_autoptr(GBytes) before = NULL;

  generate (db_path, "4", "3");
  stk_test_run_db (&run, db_path, "export", "all", dir, NULL);
  assert_status (&run, 0);
  before = snapshot (db_path);

  stk_test_run_db (&run, db_path, "import", "all", dir, NULL);
  assert_status (&run, 65);
  cr_assert_str_empty (run.out);
  cr_assert (g_regex_match_simple ("\\A(skus\\.csv: Line [2-5]: An item with code “[^”]+” already exists\\.\n){4}"
                                   "stocktake: “skus\\.csv” has 4 bad rows; nothing was imported\\.\n\\z",
                                   run.err, 0, 0), "%s", run.err);
  assert_unchanged (db_path, before);
}

/* ---- A held lock: writers exit 75 naming the holder, readers go on ---- */

Test (cli_errors, writers_exit_75_naming_the_holder_of_the_lock)
{
  g_autofree char *source = in_tmp ("source.db");
  g_autofree char *csv = in_tmp ("new.csv");
  g_autoptr(GSubprocess) window = NULL;
  g_autoptr(GSubprocess) command = NULL;
  g_autoptr(GBytes) before = NULL;
  const char *writers[][4] = {
    { "checkpoint" },
    { "generate", "--skus", "2" },
    { "import", "skus", NULL },
    { "restore", NULL },
  };
  g_autofree char *copy = in_tmp ("copy.db");
  g_autofree char *out = in_tmp ("out.csv");
  const char *readers[][4] = {
    { "stats" },
    { "verify" },
    { "stats", "--json" },
    { "backup", copy },
    { "export", "sales", out },
  };

  generate (db_path, "6", "4");
  generate (source, "2", "0");
  write_text (csv, "code\nLOCKED-1\n");
  writers[2][2] = csv;
  writers[3][1] = source;
  before = snapshot (db_path);

  window = stk_lock_taker_start (db_path, "window");
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_auto(GStrv) env = stk_test_run_environ ();
      const char *argv[7] = { "--database", db_path };

      for (guint j = 0; j < 4 && writers[i][j] != NULL; j++)
        argv[2 + j] = writers[i][j];
      stk_test_run_argv (&run, env, FALSE, argv);
      assert_fails (&run, 75, "is open for editing in another Stocktake window: ");
      cr_assert (strstr (run.err, "(process ") != NULL, "the holder is not named: %s", run.err);
      assert_unchanged (db_path, before);
    }
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_auto(GStrv) env = stk_test_run_environ ();
      const char *argv[7] = { "--database", db_path };

      for (guint j = 0; j < 4 && readers[i][j] != NULL; j++)
        argv[2 + j] = readers[i][j];
      stk_test_run_argv (&run, env, FALSE, argv);
      assert_status (&run, 0);
      cr_assert_str_empty (run.err);
    }
  stk_lock_taker_stop (window);
  assert_unchanged (db_path, before);
  cr_assert_eq (stk_test_query (copy, "SELECT count(*) FROM items"), 6, "no backup while locked");
  cr_assert (file_exists (out), "no export while locked");

  /* Another command holding it is named as that command. */
  command = stk_lock_taker_start (db_path, "import");
  {
    g_auto(StkTestRun) run = { 0 };

    stk_test_run_db (&run, db_path, "checkpoint", NULL);
    assert_fails (&run, 75, "is being changed by the Stocktake command “import”: ");
  }
  stk_lock_taker_stop (command);

  /* Free again, the same command goes through. */
  {
    g_auto(StkTestRun) run = { 0 };

    stk_test_run_db (&run, db_path, "import", "skus", csv, NULL);
    assert_status (&run, 0);
    cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'LOCKED-1'"), 1);
  }
}

/* A reader of an inventory in an older format must upgrade it first, which needs the
 * lock: while another program holds it, the reader exits 75 and the file keeps its
 * format; once free, the upgrade happens and says so. */
Test (cli_errors, upgrade_waits_for_the_lock)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) window = NULL;
  g_autoptr(GBytes) before = NULL;
  sqlite3 *db = NULL;

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, 2, &error), "%s", error ? error->message : "");
  sqlite3_close (db);
  before = snapshot (db_path);

  window = stk_lock_taker_start (db_path, "window");
  stk_test_run_db (&run, db_path, "stats", NULL);
  assert_fails (&run, 75, "is open for editing in another Stocktake window: ");
  assert_unchanged (db_path, before);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), 2);
  stk_lock_taker_stop (window);

  stk_test_run_db (&run, db_path, "verify", NULL);
  assert_status (&run, 0);
  cr_assert (g_str_has_prefix (run.err, "Upgraded the inventory from format 2 to format "),
             "%s", run.err);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), STK_SCHEMA_VERSION);
}

/* ---- A failed command leaves no new inventory ---- */

/* A writer command makes the inventory when there is none; when it then fails, the
 * new empty file goes again (it stayed behind, with its write-ahead log). Only the
 * lock file may remain. */
Test (cli_errors, failed_writer_leaves_no_new_inventory)
{
  g_autofree char *bad_csv = in_tmp ("bad.csv");
  g_autofree char *empty_csv = in_tmp ("empty.csv");
  g_autofree char *empty_dir = in_tmp ("empty");
  g_autofree char *not_db = in_tmp ("not.db");
  g_autofree char *lock = g_strconcat (db_path, ".lock", NULL);
  struct
  {
    const char *args[4];
    int         status;
    const char *words;
  } cases[] = {
    { { "import", "skus", bad_csv }, 65, "has 1 bad row; nothing was imported" },
    { { "import", "sales", empty_csv }, 65, "is empty" },
    { { "import", "all", empty_dir }, 1, "the file does not exist" },
    { { "restore", not_db }, 65, "is not a Stocktake inventory" },
  };

  write_text (bad_csv, "code,description,unit_price\nX,Thing,abc\n");
  write_text (empty_csv, "");
  write_text (not_db, "not a database, just text\n");
  cr_assert_eq (g_mkdir (empty_dir, 0755), 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_auto(GStrv) env = stk_test_run_environ ();
      const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

      g_ptr_array_add (args, (char *) "--database");
      g_ptr_array_add (args, db_path);
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (char *) cases[i].args[j]);
      g_ptr_array_add (args, NULL);
      stk_test_run_argv (&run, env, FALSE, (const char **) args->pdata);

      cr_assert_eq (run.status, cases[i].status, "%s %s: exit %d: %s", cases[i].args[0],
                    cases[i].args[1], run.status, run.err);
      cr_assert (g_str_has_suffix (run.err, ".\n") &&
                 strstr (run.err, "stocktake: ") != NULL && strstr (run.err, cases[i].words) != NULL,
                 "%s: %s", cases[i].args[0], run.err);
      cr_assert_str_empty (run.out);
      for (guint k = 0; k < G_N_ELEMENTS (suffixes); k++)
        {
          g_autofree char *path = g_strconcat (db_path, suffixes[k], NULL);

          cr_assert (!file_exists (path), "%s %s left %s", cases[i].args[0], cases[i].args[1],
                     path);
        }
      cr_assert_eq (count_entries (tmpdir), 4 + (file_exists (lock) ? 1 : 0),
                    "%s %s left something behind", cases[i].args[0], cases[i].args[1]);
    }

  /* The same commands still make the inventory when they succeed. */
  {
    g_auto(StkTestRun) run = { 0 };

    write_text (bad_csv, "code,description,unit_price\nX,Thing,1.50\n");
    stk_test_run_db (&run, db_path, "import", "skus", bad_csv, NULL);
    assert_status (&run, 0);
    cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 1);
  }
}

/* ---- Where the inventory is when --database is not given ---- */

static GStrv
env_for_default_path (const char *home,
                      const char *xdg_data_home)
{
  GStrv env = stk_test_run_environ ();

  env = g_environ_setenv (env, "HOME", home, TRUE);
  if (xdg_data_home != NULL)
    env = g_environ_setenv (env, "XDG_DATA_HOME", xdg_data_home, TRUE);
  else
    env = g_environ_unsetenv (env, "XDG_DATA_HOME");
  /* Set but empty: as if unset. */
  return g_environ_setenv (env, "STOCKTAKE_DATABASE", "", TRUE);
}

Test (cli_errors, default_inventory_lives_in_a_private_folder)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *home = in_tmp ("home");
  g_autofree char *folder = g_build_filename (home, ".local", "share", "stocktake", NULL);
  g_autofree char *inventory = g_build_filename (folder, "inventory.db", NULL);
  g_auto(GStrv) env = env_for_default_path (home, NULL);
  const char *generate_args[] = { "generate", "--skus", "2", "--seed", "1", NULL };
  const char *stats_args[] = { "stats", NULL };
  GStatBuf st;

  cr_assert_eq (g_mkdir (home, 0755), 0);
  stk_test_run_argv (&run, env, FALSE, generate_args);
  assert_status (&run, 0);
  cr_assert_eq (g_stat (folder, &st), 0, "%s was not made", folder);
  cr_assert_eq (st.st_mode & 0777, 0700, "mode %o", st.st_mode & 0777);
  cr_assert_eq (stk_test_query (inventory, "SELECT count(*) FROM items"), 2);

  stk_test_run_argv (&run, env, FALSE, stats_args);
  assert_status (&run, 0);
  cr_assert (strstr (run.out, inventory) != NULL, "%s", run.out);
}

/* The default folder cannot be made (a file stands where a folder should be): every
 * command says so in one sentence naming that file (it said only that the folder
 * does not exist), and nothing is made. */
Test (cli_errors, default_inventory_folder_that_cannot_be_made)
{
  g_autofree char *file = in_tmp ("a-file");
  g_autofree char *data_home = g_build_filename (file, "data", NULL);
  g_auto(GStrv) via_home = env_for_default_path (file, NULL);
  g_auto(GStrv) via_xdg = env_for_default_path (tmpdir, data_home);
  const char *commands[][5] = {
    { "stats" },
    { "generate", "--skus", "2" },
    { "import", "skus", "a-file" },
    { "checkpoint" },
  };

  write_text (file, "code\nA\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(StkTestRun) run = { 0 };

      g_autofree char *words = g_strdup_printf ("cannot exist: “%s” is a file, not a folder.",
                                                file);

      stk_test_run_argv (&run, via_home, FALSE, commands[i]);
      assert_fails (&run, 1, ".local/share/stocktake” cannot exist: ");
      assert_fails (&run, 1, words);
      stk_test_run_argv (&run, via_xdg, FALSE, commands[i]);
      assert_fails (&run, 1, "a-file/data/stocktake” cannot exist: ");
      assert_fails (&run, 1, words);
    }
  cr_assert_eq (count_entries (tmpdir), 1);
}

/* ---- Progress on a terminal ---- */

typedef struct
{
  int    status;
  char  *out;   /* a pipe */
  char  *tty;   /* what the terminal on stderr showed */
} TtyRun;

static void
tty_run_clear (TtyRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->tty, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TtyRun, tty_run_clear)

/* stocktake --database DB ARGS… with a terminal as its stderr, read until the program
 * closes it. */
G_GNUC_NULL_TERMINATED static void
run_tty (TtyRun     *run,
         const char *db,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) tty = g_string_new (NULL);
  g_auto(GStrv) env = stk_test_run_environ ();
  struct termios raw;
  int master = -1, slave = -1;
  va_list ap;

  tty_run_clear (run); /* what an earlier run of this TtyRun read */
  g_ptr_array_add (args, (char *) g_getenv ("STOCKTAKE_EXE"));
  g_ptr_array_add (args, (char *) "--database");
  g_ptr_array_add (args, (char *) db);
  va_start (ap, db);
  for (const char *arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  cr_assert_eq (openpty (&master, &slave, NULL, NULL, NULL), 0, "openpty: %s", g_strerror (errno));
  /* The bytes as written: no "\n" → "\r\n". */
  cr_assert_eq (tcgetattr (slave, &raw), 0);
  cfmakeraw (&raw);
  cr_assert_eq (tcsetattr (slave, TCSANOW, &raw), 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_set_cwd (launcher, tmpdir);
  g_subprocess_launcher_take_stderr_fd (launcher, slave);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  cr_assert_not_null (proc, "%s", error ? error->message : "");
  g_clear_object (&launcher); /* closes our end of the terminal's slave side */

  for (;;)
    {
      char buf[4096];
      ssize_t n = read (master, buf, sizeof buf);

      if (n > 0)
        g_string_append_len (tty, buf, n);
      else if (n < 0 && errno == EINTR)
        continue;
      else
        break; /* EIO: the program closed the terminal */
    }
  close (master);

  cr_assert (g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, NULL, &error),
             "%s", error ? error->message : "");
  cr_assert (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);
  run->tty = g_string_free (g_steal_pointer (&tty), FALSE);
}

/* "\rLABEL N%" for rising N, then the line erased; what follows starts a clean line. */
static const char *
assert_progress (const char *tty,
                 const char *label)
{
  g_autofree char *prefix = g_strdup_printf ("\r%s ", label);
  const char *p = tty;
  int last = -1;
  guint shown = 0;

  while (g_str_has_prefix (p, prefix))
    {
      char *end = NULL;
      gint64 percent = g_ascii_strtoll (p + strlen (prefix), &end, 10);

      cr_assert (end != NULL && *end == '%', "bad progress at: %s", p);
      cr_assert_gt (percent, last, "progress went from %d%% to %d%%", last, (int) percent);
      cr_assert_leq (percent, 100);
      last = (int) percent;
      shown++;
      p = end + 1;
    }
  cr_assert_gt (shown, 0, "no progress shown: %s", tty);
  cr_assert (g_str_has_prefix (p, "\r\033[K"), "the progress line is not erased: %s", p);
  return p + strlen ("\r\033[K");
}

Test (cli_errors, progress_on_a_terminal_is_erased_when_done)
{
  g_auto(TtyRun) run = { 0 };
  g_autofree char *csv = in_tmp ("skus.csv");
  g_autofree char *other = in_tmp ("other.db");

  run_tty (&run, db_path, "generate", "--skus", "3000", "--sales", "3000", "--seed", "5", NULL);
  cr_assert_eq (run.status, 0, "%s", run.tty);
  cr_assert_str_empty (assert_progress (run.tty, "Generating…"));
  cr_assert (g_str_has_prefix (run.out, "Generated 3000 items and 3000 sales in "), "%s", run.out);

  run_tty (&run, db_path, "export", "skus", csv, NULL);
  cr_assert_eq (run.status, 0, "%s", run.tty);
  cr_assert_str_empty (assert_progress (run.tty, "Exporting…"));
  {
    g_autofree char *expected = g_strdup_printf ("Exported 3000 rows to %s\n", csv);

    cr_assert_str_eq (run.out, expected);
  }

  run_tty (&run, other, "import", "skus", csv, NULL);
  cr_assert_eq (run.status, 0, "%s", run.tty);
  cr_assert_str_empty (assert_progress (run.tty, "Importing…"));
  cr_assert_str_eq (run.out, "Imported 3000 rows (0 already present)\n");

  /* Refused: the list of bad rows starts on a clean line. */
  run_tty (&run, other, "import", "skus", csv, NULL);
  cr_assert_eq (run.status, 65, "%s", run.tty);
  cr_assert_str_empty (run.out);
  cr_assert (g_str_has_prefix (assert_progress (run.tty, "Importing…"), "Line 2: An item with code"),
             "%s", run.tty);
  cr_assert (g_str_has_suffix (run.tty, "stocktake: “skus.csv” has 3000 bad rows; nothing was imported.\n"),
             "%s", run.tty);
  cr_assert_eq (stk_test_query (other, "SELECT count(*) FROM items"), 3000);
}

/* Nothing to count, nothing shown: an empty table's export leaves the terminal blank. */
Test (cli_errors, no_progress_for_an_empty_table)
{
  g_auto(TtyRun) run = { 0 };
  g_autofree char *csv = in_tmp ("sales.csv");

  generate (db_path, "2", "0");
  run_tty (&run, db_path, "export", "sales", csv, NULL);
  cr_assert_eq (run.status, 0, "%s", run.tty);
  cr_assert_str_empty (run.tty);
  cr_assert (g_str_has_prefix (run.out, "Exported 0 rows to "), "%s", run.out);
}

/* Without a terminal no progress is shown at all. */
Test (cli_errors, no_progress_without_a_terminal)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_run_db (&run, db_path, "generate", "--skus", "3000", "--sales", "3000", "--seed", "5",
                   NULL);
  assert_status (&run, 0);
  cr_assert_str_empty (run.err);
}

/* ---- stats --json: any path is a valid JSON string ---- */

Test (cli_errors, stats_json_escapes_control_characters_and_bad_utf8)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *odd = in_tmp ("c\001\177\b\f\n\r\377.db");
  g_autofree char *expected = g_strdup_printf ("  \"path\": \"%s/c\\u0001\\u007f\\b\\f\\n\\r\xef\xbf\xbd.db\",\n",
                                               tmpdir);

  generate (odd, "1", "0");
  stk_test_run_db (&run, odd, "stats", "--json", NULL);
  assert_status (&run, 0);
  cr_assert (g_utf8_validate (run.out, -1, NULL), "stats --json is not UTF-8");
  cr_assert (strstr (run.out, expected) != NULL, "no %s in:\n%s", expected, run.out);
  cr_assert (strstr (run.out, "\"items\": 1,\n") != NULL, "%s", run.out);
}

/* ---- restore: a bad source or target changes nothing and keeps no safety copy ---- */

Test (cli_errors, restore_refuses_bad_sources_and_targets)
{
  g_autofree char *source = in_tmp ("source.db");
  g_autofree char *newer = in_tmp ("newer.db");
  g_autofree char *foreign = in_tmp ("foreign.db");
  g_autofree char *garbage = in_tmp ("garbage.db");
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) garbage_before = NULL;
  sqlite3 *db = NULL;
  struct
  {
    const char *target;
    const char *source;
    const char *words;
  } cases[] = {
    { db_path, newer, "was written by a newer version of Stocktake (format 99" },
    { db_path, foreign, "is an SQLite database of another program" },
    { db_path, garbage, "is not a Stocktake inventory (it is not an SQLite database)" },
    { garbage, source, "is not a Stocktake inventory (it is not an SQLite database)" },
  };
  guint entries;

  generate (db_path, "6", "3");
  generate (source, "2", "0");
  generate (newer, "2", "0");
  cr_assert_eq (sqlite3_open (newer, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (db);
  cr_assert_eq (sqlite3_open (foreign, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, NULL, NULL),
                SQLITE_OK);
  sqlite3_close (db);
  write_text (garbage, "this is no database at all, but it is someone's file\n");
  before = snapshot (db_path);
  garbage_before = stk_test_read_bytes (garbage);
  entries = count_entries (tmpdir);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_autoptr(GBytes) garbage_after = NULL;

      stk_test_run_db (&run, cases[i].target, "restore", cases[i].source, NULL);
      assert_fails (&run, 65, cases[i].words);
      assert_unchanged (db_path, before);
      garbage_after = stk_test_read_bytes (garbage);
      cr_assert (g_bytes_equal (garbage_before, garbage_after), "case %u changed %s", i, garbage);
      /* No safety copy: at most the lock files are new. */
      cr_assert_leq (count_entries (tmpdir), entries + 2, "case %u left something behind", i);
    }
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 6);
}

/* ---- Errors the system reports ---- */

/* A read that fails (reading /proc/self/mem at offset 0 gives EIO) is one sentence
 * with the system's words, closed by a full stop the message itself lacks. */
Test (cli_errors, read_error_of_the_system_is_one_sentence)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GBytes) before = NULL;

  if (!file_exists ("/proc/self/mem"))
    cr_skip_test ("no /proc/self/mem here");
  generate (db_path, "3", "0");
  before = snapshot (db_path);
  stk_test_run_db (&run, db_path, "import", "skus", "/proc/self/mem", NULL);
  assert_fails (&run, 1, "Input/output error.");
  cr_assert (strstr (run.err, "“/proc/self/mem”") != NULL, "%s", run.err);
  assert_unchanged (db_path, before);
}

/* ---- No command and no display ---- */

/* The window needs a display; without one (none set, or one that cannot be reached)
 * the program says so in one sentence instead of GTK's "cannot open display:", and
 * makes no inventory. A build without the window says it has none. */
Test (cli_errors, no_window_without_a_display)
{
  const char *displays[] = { NULL, ":4321" };
  gboolean gui = g_strcmp0 (g_getenv ("STK_TEST_GUI"), "1") == 0;

  for (guint i = 0; i < G_N_ELEMENTS (displays); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_auto(GStrv) env = stk_test_run_environ ();
      const char *argv[] = { "--database", db_path, NULL };

      if (displays[i] != NULL)
        {
          env = g_environ_setenv (env, "DISPLAY", displays[i], TRUE);
          env = g_environ_setenv (env, "WAYLAND_DISPLAY", "no-such-wayland-display", TRUE);
        }
      stk_test_run_argv (&run, env, FALSE, argv);
      if (gui)
        assert_fails (&run, 1, "Cannot open the inventory window: no display can be reached");
      else
        assert_usage (&run, "This build of Stocktake has no window: give a command.", NULL);
      cr_assert (!file_exists (db_path), "an inventory was made");
    }
}

/* ---- Upgrading an inventory whose codes collide under the new rule ---- */

/* Format 4 took "é1" and "É1" for two items; the upgrade keeps both and says so: stats
 * on stderr after the upgrade line, verify with its OK, and the figure in stats. */
Test (cli_errors, upgrade_reports_codes_kept_apart)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, 4, &error), "%s", error ? error->message : "");
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO items (code, description, created_at, updated_at) VALUES"
                              " ('é1', 'first', 1, 1), ('É1', 'second', 1, 1), ('plain', '', 1, 1);",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  stk_test_run_db (&run, db_path, "stats", NULL);
  assert_status (&run, 0);
  {
    g_auto(GStrv) lines = g_strsplit (run.err, "\n", -1);

    cr_assert_eq (g_strv_length (lines), 3, "%s", run.err);
    cr_assert_str_eq (lines[0], "Upgraded the inventory from format 4 to format "
                                G_STRINGIFY (STK_SCHEMA_VERSION) ".");
    cr_assert (strstr (lines[1], "é1") != NULL && strstr (lines[1], "É1") != NULL, "%s", lines[1]);
  }
  cr_assert (g_regex_match_simple ("^Codes kept apart: +1$", run.out, G_REGEX_MULTILINE, 0),
             "%s", run.out);
  cr_assert (g_regex_match_simple ("^Items: +3$", run.out, G_REGEX_MULTILINE, 0), "%s", run.out);

  stk_test_run_db (&run, db_path, "verify", NULL);
  assert_status (&run, 0);
  cr_assert_str_empty (run.err);
  cr_assert (strstr (run.out, "é1") != NULL && strstr (run.out, "É1") != NULL, "%s", run.out);
  cr_assert (g_str_has_suffix (run.out, "\nInventory OK: integrity, foreign keys and stock balances checked.\n"),
             "%s", run.out);
}

/* "-" is an argument, not an option: a file of that name, which is not there. */
Test (cli_errors, a_lone_dash_is_a_file_name)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GBytes) before = NULL;

  generate (db_path, "2", "0");
  before = snapshot (db_path);
  stk_test_run_db (&run, db_path, "import", "skus", "-", NULL);
  assert_fails (&run, 1, "Cannot read “-”: there is no such file.");
  stk_test_run_db (&run, db_path, "restore", "-", NULL);
  assert_fails (&run, 1, "Cannot read “-”: there is no such file.");
  assert_unchanged (db_path, before);
}

/* ---- restore where there is no inventory yet ---- */

/* Nothing was there to keep: no "safety copy" of the empty inventory the restore had
 * to make first (there was one, and a line announcing it). */
Test (cli_errors, restore_into_a_new_inventory_keeps_no_safety_copy)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *source = in_tmp ("source.db");
  g_autofree char *expected = NULL;

  generate (source, "4", "2");
  stk_test_run_db (&run, db_path, "restore", source, NULL);
  assert_status (&run, 0);
  cr_assert_str_empty (run.err);
  expected = g_strdup_printf ("Restored from %s\n", source);
  cr_assert_str_eq (run.out, expected);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 4);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 2);
  /* source.db, inventory.db and its lock file (and maybe a reader's -wal and -shm of
   * the source): no inventory-backup-….db. */
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      cr_assert (!strstr (name, "-backup-"), "a safety copy was left: %s", name);
  }

  /* Over an existing inventory the safety copy is made, as before. */
  stk_test_run_db (&run, db_path, "restore", source, NULL);
  assert_status (&run, 0);
  cr_assert (g_str_has_prefix (run.out, "Safety copy of the previous inventory: "), "%s", run.out);
}

/* ---- A file where a folder should be ---- */

/* "inventory.db/new.db": realpath() resolves a file as readily as a folder, so the
 * commands went on and failed with "Not a directory" or claimed the existing file was
 * a folder that does not exist. Each now names the file that is in the way. */
Test (cli_errors, a_file_where_a_folder_should_be)
{
  g_autofree char *under_file = g_build_filename (db_path, "new.db", NULL);
  g_autofree char *slash = g_strconcat (db_path, "/", NULL);
  g_autofree char *csv = g_build_filename (db_path, "x.csv", NULL);
  g_autofree char *deep = g_build_filename (db_path, "a", "b.csv", NULL);
  g_autofree char *is_a_file = g_strdup_printf ("“%s” is a file, not a folder.", db_path);
  g_autoptr(GBytes) before = NULL;
  struct
  {
    const char *db;
    const char *args[4];
  } cases[] = {
    { under_file, { "stats" } },
    { under_file, { "generate", "--skus", "1" } },
    { slash, { "stats" } },
    { db_path, { "export", "skus", csv } },
    { db_path, { "backup", csv } },
    { db_path, { "export", "all", csv } },
    { db_path, { "export", "sales", deep } },
  };
  guint entries;

  generate (db_path, "2", "1");
  before = snapshot (db_path);
  entries = count_entries (tmpdir);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_auto(GStrv) env = stk_test_run_environ ();

      g_ptr_array_add (args, (char *) "--database");
      g_ptr_array_add (args, (char *) cases[i].db);
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (char *) cases[i].args[j]);
      g_ptr_array_add (args, NULL);
      stk_test_run_argv (&run, env, FALSE, (const char **) args->pdata);

      assert_fails (&run, 1, is_a_file);
      assert_unchanged (db_path, before);
      cr_assert_leq (count_entries (tmpdir), entries + 2, "case %u left something", i);
    }
}
