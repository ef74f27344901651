/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stocktake program at the edges of "one inventory = one file": hard links, a
 * symbolic link as the lock file, outputs aimed at the inventory, a device or a file
 * whose permissions matter. StkTestRun for real, as a child process. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-test-fixture.h"
#include "stk-test-util.h"

static void
setup (void)
{
  stk_test_fixture_setup_named ("inv.db");
}

TestSuite (cli_edges, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 60);

/* One line on stderr: "stocktake: <one sentence>." */
static void
assert_one_sentence_error (const StkTestRun *run)
{
  gsize len = strlen (run->err);

  cr_assert (run->status != 0, "exit 0; stdout: %s", run->out);
  cr_assert (g_str_has_prefix (run->err, "stocktake: "), "stderr: %s", run->err);
  cr_assert (len > 2 && run->err[len - 1] == '\n' && run->err[len - 2] == '.' &&
             strchr (run->err, '\n') == run->err + len - 1,
             "not one sentence on stderr: %s", run->err);
}

static char *
in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
generate (const char *db)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_run_db (&run, db, "generate", "--skus", "30", "--sales", "20", "--seed", "7", NULL);
  cr_assert_eq (run.status, 0, "generate: %s", run.err);
}

static void
assert_verifies (const char *db)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_run_db (&run, db, "verify", NULL);
  cr_assert_eq (run.status, 0, "verify: %s%s", run.out, run.err);
}

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_set_contents (path, text, -1, &error), "%s", error ? error->message : "");
}

/* ---- one file, one identity ---- */

Test (cli_edges, hard_linked_inventory_is_refused_and_unchanged)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *hl = in_tmp ("hl.db");
  g_autofree char *csv = in_tmp ("b.csv");
  g_autofree char *hl_lock = in_tmp ("hl.db.lock");
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  generate (db_path);
  cr_assert_eq (link (db_path, hl), 0);
  write_text (csv, "code,description,unit_price,reorder_level,archived,on_hand\nNEW-1,new,1.00,0,0,3\n");
  before = stk_test_read_bytes (db_path);

  /* Through either name, a writer would have taken its own lock and WAL. */
  stk_test_run_db (&run, hl, "import", "skus", csv, NULL);
  assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "hard link") != NULL, "%s", run.err);
  stk_test_run_db (&run, db_path, "import", "skus", csv, NULL);
  assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "hard link") != NULL, "%s", run.err);

  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after), "the inventory changed");
  cr_assert_not (g_file_test (hl_lock, G_FILE_TEST_EXISTS), "hl.db.lock was created");

  /* Once it has one name again, it works and is sound. */
  cr_assert_eq (g_unlink (hl), 0);
  stk_test_run_db (&run, db_path, "import", "skus", csv, NULL);
  cr_assert_eq (run.status, 0, "%s", run.err);
  assert_verifies (db_path);
}

Test (cli_edges, symlinked_inventory_shares_the_targets_lock)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *link = in_tmp ("link.db");
  g_autofree char *link_lock = in_tmp ("link.db.lock");

  generate (db_path);
  cr_assert_eq (symlink (db_path, link), 0);
  stk_test_run_db (&run, link, "generate", "--skus", "2", "--seed", "9", NULL);
  cr_assert_eq (run.status, 0, "%s", run.err);
  cr_assert_not (g_file_test (link_lock, G_FILE_TEST_EXISTS),
                 "a second lock file was made for the symbolic link's name");
  assert_verifies (link);
}

Test (cli_edges, dangling_symlink_gets_one_sentence)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *link = in_tmp ("dangling.db");
  g_autofree char *target = in_tmp ("gone.db");

  cr_assert_eq (symlink (target, link), 0);
  stk_test_run_db (&run, link, "stats", NULL);
  assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "symbolic link") != NULL, "%s", run.err);
  cr_assert (strstr (run.err, "unable to open") == NULL, "%s", run.err);
  stk_test_run_db (&run, link, "generate", "--skus", "2", NULL);
  assert_one_sentence_error (&run);
  cr_assert_not (g_file_test (target, G_FILE_TEST_EXISTS));
}

Test (cli_edges, symlinked_lock_file_leaves_its_victim_untouched)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *victim = in_tmp ("victim.txt");
  g_autofree char *lock = g_strconcat (db_path, ".lock", NULL);
  g_autofree char *contents = NULL;

  generate (db_path);
  cr_assert_eq (g_unlink (lock), 0);
  write_text (victim, "precious words\n");
  cr_assert_eq (symlink (victim, lock), 0);

  stk_test_run_db (&run, db_path, "generate", "--skus", "2", "--seed", "3", NULL);
  assert_one_sentence_error (&run);
  cr_assert (g_file_get_contents (victim, &contents, NULL, NULL));
  cr_assert_str_eq (contents, "precious words\n");
}

Test (cli_edges, new_lock_file_is_private)
{
  g_autofree char *lock = g_strconcat (db_path, ".lock", NULL);
  struct stat st;

  generate (db_path);
  cr_assert_eq (stat (lock, &st), 0);
  cr_assert_eq (st.st_mode & 0777, 0600, "mode %o", st.st_mode & 0777);
}

/* ---- outputs never destroy anything ---- */

Test (cli_edges, export_onto_the_inventory_is_refused)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *lock = g_strconcat (db_path, ".lock", NULL);

  generate (db_path);
  before = stk_test_read_bytes (db_path);

  stk_test_run_db (&run, db_path, "export", "skus", db_path, NULL);
  assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "inventory") != NULL, "%s", run.err);
  stk_test_run_db (&run, db_path, "export", "skus", "inv.db", NULL);  /* relative, from tmpdir */
  assert_one_sentence_error (&run);
  stk_test_run_db (&run, db_path, "export", "skus", wal, NULL);
  assert_one_sentence_error (&run);
  stk_test_run_db (&run, db_path, "export", "skus", lock, NULL);
  assert_one_sentence_error (&run);
  stk_test_run_db (&run, db_path, "backup", db_path, NULL);
  assert_one_sentence_error (&run);

  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after), "the inventory changed");
  assert_verifies (db_path);
}

Test (cli_edges, export_onto_another_database_is_refused)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *other = in_tmp ("other.db");
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  generate (db_path);
  generate (other);
  before = stk_test_read_bytes (other);
  stk_test_run_db (&run, db_path, "export", "sales", other, NULL);
  assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "SQLite") != NULL, "%s", run.err);
  after = stk_test_read_bytes (other);
  cr_assert (g_bytes_equal (before, after), "the other database changed");
}

Test (cli_edges, export_replacing_a_private_file_keeps_its_mode)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *out = in_tmp ("private.csv");
  g_autofree char *contents = NULL;
  struct stat st;

  generate (db_path);
  write_text (out, "old\n");
  cr_assert_eq (g_chmod (out, 0600), 0);
  stk_test_run_db (&run, db_path, "export", "skus", out, NULL);
  cr_assert_eq (run.status, 0, "%s", run.err);
  cr_assert_eq (stat (out, &st), 0);
  cr_assert_eq (st.st_mode & 0777, 0600, "mode %o", st.st_mode & 0777);
  cr_assert (g_file_get_contents (out, &contents, NULL, NULL));
  cr_assert (g_str_has_prefix (contents, "code,"), "%s", contents);
}

Test (cli_edges, devices_and_pipes_are_refused)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *fifo = in_tmp ("pipe");
  g_autofree char *full = in_tmp ("full");
  struct stat st;

  generate (db_path);

  /* As root /dev/full is writable, and used to be replaced by a CSV file: the same
   * device (1,7), made in the test's folder so that a failing run harms no system file. */
  cr_assert_eq (mknod (full, S_IFCHR | 0666, makedev (1, 7)), 0, "mknod needs root");
  cr_assert_eq (access (full, W_OK), 0);
  stk_test_run_db (&run, db_path, "export", "skus", full, NULL);
  assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "regular file") != NULL, "%s", run.err);
  cr_assert_eq (stat (full, &st), 0);
  cr_assert (S_ISCHR (st.st_mode), "the device was replaced by a file");
  stk_test_run_db (&run, db_path, "backup", full, NULL);
  assert_one_sentence_error (&run);
  cr_assert_eq (stat (full, &st), 0);
  cr_assert (S_ISCHR (st.st_mode), "the device was replaced by a file");

  cr_assert_eq (mkfifo (fifo, 0600), 0);
  stk_test_run_db (&run, db_path, "export", "skus", fifo, NULL);
  assert_one_sentence_error (&run);
  cr_assert_eq (lstat (fifo, &st), 0);
  cr_assert (S_ISFIFO (st.st_mode), "the pipe was replaced");
}

Test (cli_edges, killed_backups_leftovers_are_removed_by_the_next_backup)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *old_part = in_tmp ("inv-backup-20260101-000000.db.part-0badc0de");
  g_autofree char *old_journal = g_strconcat (old_part, "-journal", NULL);
  g_autofree char *new_temp = in_tmp (".b.db.stocktake-tmp-Ab12Cd");
  g_autofree char *new_journal = g_strconcat (new_temp, "-journal", NULL);
  g_autofree char *dest = in_tmp ("b2.db");
  g_autofree char *unrelated = in_tmp ("notes.part-12345678");

  generate (db_path);
  write_text (old_part, "");
  write_text (old_journal, "");
  write_text (new_temp, "");
  write_text (new_journal, "");
  write_text (unrelated, "someone's text\n");

  stk_test_run_db (&run, db_path, "backup", dest, NULL);
  cr_assert_eq (run.status, 0, "%s", run.err);
  cr_assert_not (g_file_test (old_part, G_FILE_TEST_EXISTS));
  cr_assert_not (g_file_test (old_journal, G_FILE_TEST_EXISTS));
  cr_assert_not (g_file_test (new_temp, G_FILE_TEST_EXISTS));
  cr_assert_not (g_file_test (new_journal, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (unrelated, G_FILE_TEST_EXISTS), "a file that is not ours went");
}
