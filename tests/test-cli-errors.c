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
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-lock-test-util.h"
#include "stk-schema.h"
#include "stk-test-util.h"

static char *tmpdir;
static char *db_path;

static void
setup (void)
{
  tmpdir = stk_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "inventory.db", NULL);
}

static void
teardown (void)
{
  stk_test_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&db_path, g_free);
}

TestSuite (cli_errors, .init = setup, .fini = teardown, .timeout = 60);

/* ---- Running the program ---- */

typedef struct
{
  int   status;  /* exit code, or -1 when killed by a signal */
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* The environment of a run: no display, the C locale, no STOCKTAKE_DATABASE. */
static GStrv
run_environ (void)
{
  GStrv env = g_get_environ ();

  env = g_environ_unsetenv (env, "DISPLAY");
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  env = g_environ_unsetenv (env, "STOCKTAKE_DATABASE");
  return g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
}

/* stocktake ARGV (NULL-terminated, without the program) in @env. */
static int
run_env (Run         *run,
         char       **env,
         const char **argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *exe = g_getenv ("STOCKTAKE_EXE");
  int wait_status = 0;

  cr_assert_not_null (exe, "STOCKTAKE_EXE is not set");
  g_ptr_array_add (args, (char *) exe);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);

  run_clear (run);
  g_spawn_sync (tmpdir, (char **) args->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  cr_assert_null (error, "cannot run %s: %s", exe, error ? error->message : "");
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return run->status;
}

/* stocktake ARGS… */
G_GNUC_NULL_TERMINATED static int
run_plain (Run        *run,
           const char *first,
           ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) env = run_environ ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return run_env (run, env, (const char **) args->pdata);
}

/* stocktake --database DB ARGS… */
G_GNUC_NULL_TERMINATED static int
run_db (Run        *run,
        const char *db,
        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) env = run_environ ();
  va_list ap;

  g_ptr_array_add (args, (char *) "--database");
  g_ptr_array_add (args, (char *) db);
  va_start (ap, db);
  for (const char *arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return run_env (run, env, (const char **) args->pdata);
}

#define assert_status(run, expected)                                                  \
  cr_assert_eq ((run)->status, (expected), "exit status %d, expected %d\nstdout: %s\nstderr: %s", \
                (run)->status, (expected), (run)->out, (run)->err)

/* Exit @status, nothing on stdout, one line "stocktake: <one sentence>." on stderr
 * that contains @words. */
static void
assert_fails (const Run  *run,
              int         status,
              const char *words)
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
assert_usage (const Run  *run,
              const char *message,
              const char *hint_command)
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
  g_auto(Run) run = { 0 };

  run_db (&run, db, "generate", "--skus", skus, "--sales", sales, "--seed", "7", NULL);
  assert_status (&run, 0);
}

/* The inventory's bytes and that no write-ahead log or journal is beside it. */
static GBytes *
snapshot (const char *db)
{
  const char *suffixes[] = { "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (db, suffixes[i], NULL);

      cr_assert (!file_exists (side), "%s is there", side);
    }
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
  g_auto(Run) run = { 0 };
  g_autofree char *full = in_tmp ("full");
  g_autofree char *part = in_tmp ("part");
  g_autofree char *target = in_tmp ("target.db");
  const char *names[] = { "skus.csv", "movements.csv", "sales.csv" };
  g_autoptr(GBytes) before = NULL;

  generate (db_path, "20", "30");
  run_db (&run, db_path, "export", "all", full, NULL);
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

      run_db (&run, target, "import", "all", part, NULL);
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

    run_db (&run, fresh, "import", "all", part, NULL);
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
      "Missing arguments: usage is “stocktake import skus|sales|movements FILE.csv, or all FOLDER”.",
      "import" },
    { { "import", "items", "x.csv" },
      "Unknown table “items”: use skus, sales or movements.", "import" },
    { { "export", "sale", "x.csv" },
      "Unknown table “sale”: use skus, sales or movements.", "export" },
    { { "export", "all" },
      "Missing arguments: usage is “stocktake export skus|sales|movements FILE.csv, or all FOLDER”.",
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
      g_auto(Run) run = { 0 };
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_auto(GStrv) env = run_environ ();

      g_ptr_array_add (args, (char *) "--database");
      g_ptr_array_add (args, db_path);
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (char *) cases[i].args[j]);
      g_ptr_array_add (args, NULL);
      run_env (&run, env, (const char **) args->pdata);
      assert_usage (&run, cases[i].message, cases[i].hint);
    }

  cr_assert_eq (count_entries (tmpdir), 0, "a usage error left something behind");
}

Test (cli_errors, global_option_errors)
{
  g_auto(Run) run = { 0 };

  run_plain (&run, "--database", "", "stats", NULL);
  assert_usage (&run, "The option --database needs the path of an inventory file.", NULL);
  run_plain (&run, "stats", "--database", db_path, NULL);
  assert_usage (&run, "Unknown option “--database” for stats.", "stats");
  run_plain (&run, "--verbose", "stats", NULL);
  assert_usage (&run, "Unknown option “--verbose”.", NULL);
  cr_assert_eq (count_entries (tmpdir), 0);
}

/* The largest seed is taken, and the same seed gives the same data. */
Test (cli_errors, generate_takes_its_bounds)
{
  g_auto(Run) run = { 0 };
  g_autofree char *other = in_tmp ("other.db");

  run_db (&run, db_path, "generate", "--skus=3", "--sales=0", "--seed=4294967295", NULL);
  assert_status (&run, 0);
  cr_assert (strstr (run.out, "Generated 3 items and 0 sales in ") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "(seed 4294967295).") != NULL, "%s", run.out);
  run_db (&run, other, "generate", "--seed", "4294967295", "--skus", "3", NULL);
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
      g_auto(Run) run = { 0 };
      g_autofree char *first = NULL;

      run_db (&run, db_path, commands[i], "x", "--help", NULL);
      assert_status (&run, 0);
      cr_assert_str_empty (run.err);
      first = g_strndup (run.out, strcspn (run.out, "\n"));
      cr_assert (g_str_has_prefix (first, "Usage: stocktake [--database PATH] "), "%s", first);
      cr_assert (!g_str_has_suffix (first, " "), "trailing space: “%s”", first);
      cr_assert (strstr (first, commands[i]) != NULL, "%s", first);
    }
  {
    g_auto(Run) run = { 0 };

    run_db (&run, db_path, "checkpoint", "-h", NULL);
    cr_assert (g_str_has_prefix (run.out, "Usage: stocktake [--database PATH] checkpoint\n\n"
                                          "Move the write-ahead log into the inventory file.\n"),
               "%s", run.out);
    /* After “--”, --help is an argument like any other. */
    run_db (&run, db_path, "verify", "--", "--help", NULL);
    assert_usage (&run, "Unexpected argument “--help”.", "verify");
  }
  cr_assert_eq (count_entries (tmpdir), 0);
}
