/* SPDX-License-Identifier: GPL-3.0-or-later */
/* StkOutput, the one way outputs are written: the targets it refuses, the temporary
 * file and rename, the mode kept, and what killed writes leave being removed. */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-output.h"
#include "stk-store.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"
#include "stk-transfer.h"
#include "stk-writer.h"

static void
setup (void)
{
  StkWriter *writer;

  stk_test_fixture_setup_named ("inv.db");
  writer = stk_test_open_writer (db_path);
  stk_test_submit (writer, stk_op_create_item ("A-1", "one", 100, 0));
  stk_test_close_writer (writer);
}

TestSuite (output, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 60);

static char *
in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
assert_refused (const char *target,
                int         code)
{
  g_autoptr(GError) error = NULL;

  cr_assert_not (stk_output_check_target (target, db_path, STK_OUTPUT_REPLACE, &error),
                 "%s was accepted", target);
  cr_assert (g_error_matches (error, STK_ERROR, code), "%s: %s", target, error->message);
}

Test (output, the_inventory_its_companions_and_databases_are_refused)
{
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
  g_autofree char *lock = g_strconcat (db_path, ".lock", NULL);
  g_autofree char *link = in_tmp ("link.csv");
  g_autofree char *other = in_tmp ("other.sqlite");
  g_autofree char *other_wal = in_tmp ("other.sqlite-wal");
  g_autofree char *backup = in_tmp ("b.db");
  g_autofree char *fifo = in_tmp ("pipe.csv");
  g_autofree char *full = in_tmp ("full");
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = stk_test_read_bytes (db_path);
  g_autoptr(GBytes) after = NULL;

  cr_assert (stk_store_backup (store, backup, &error), "%s", error ? error->message : "");
  cr_assert (g_file_set_contents (other, "SQLite format 3\0rest", 21, NULL));
  cr_assert_eq (symlink (db_path, link), 0);

  assert_refused (db_path, STK_ERROR_UNSAFE);
  assert_refused (link, STK_ERROR_UNSAFE);
  assert_refused (wal, STK_ERROR_UNSAFE);
  assert_refused (shm, STK_ERROR_UNSAFE);
  assert_refused (lock, STK_ERROR_UNSAFE);
  assert_refused (other, STK_ERROR_UNSAFE);
  assert_refused (other_wal, STK_ERROR_UNSAFE);
  assert_refused (backup, STK_ERROR_UNSAFE);
  cr_assert_eq (mknod (full, S_IFCHR | 0666, makedev (1, 7)), 0, "mknod needs root");
  assert_refused (full, STK_ERROR_UNSAFE);
  cr_assert_eq (mkfifo (fifo, 0600), 0);
  assert_refused (fifo, STK_ERROR_UNSAFE);
  assert_refused (tmpdir, STK_ERROR_IO);

  cr_assert_not (stk_export_file (store, STK_TABLE_SKUS, link, NULL, NULL, NULL, NULL, &error));
  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after));
}

Test (output, a_replaced_file_keeps_its_mode_and_a_failed_one_stays)
{
  g_autofree char *out = in_tmp ("out.csv");
  g_autofree char *contents = NULL;
  g_autoptr(StkOutput) output = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  cr_assert (g_file_set_contents (out, "old", -1, NULL));
  cr_assert_eq (g_chmod (out, 0640), 0);

  /* Abandoned: the target is as it was, no temporary file is left. */
  output = stk_output_open (out, db_path, STK_OUTPUT_REPLACE, 0644, &error);
  cr_assert_not_null (output, "%s", error ? error->message : "");
  cr_assert (g_str_has_prefix (strrchr (stk_output_get_temp_path (output), '/'),
                               "/.out.csv" STK_OUTPUT_TEMP_MARKER));
  cr_assert_eq (write (stk_output_get_fd (output), "half", 4), 4);
  g_clear_pointer (&output, stk_output_free);
  cr_assert (g_file_get_contents (out, &contents, NULL, NULL));
  cr_assert_str_eq (contents, "old");
  cr_assert_eq (stk_output_remove_stale (tmpdir), 0);

  output = stk_output_open (out, db_path, STK_OUTPUT_REPLACE, 0644, &error);
  cr_assert_not_null (output);
  cr_assert_eq (write (stk_output_get_fd (output), "new", 3), 3);
  cr_assert (stk_output_commit (output, &error), "%s", error ? error->message : "");
  g_clear_pointer (&contents, g_free);
  cr_assert (g_file_get_contents (out, &contents, NULL, NULL));
  cr_assert_str_eq (contents, "new");
  cr_assert_eq (stat (out, &st), 0);
  cr_assert_eq (st.st_mode & 0777, 0640, "mode %o", st.st_mode & 0777);

  /* Without STK_OUTPUT_REPLACE an existing file stays. */
  g_clear_pointer (&output, stk_output_free);
  cr_assert_null (stk_output_open (out, db_path, STK_OUTPUT_NONE, 0644, &error));
}

Test (output, only_dead_temporaries_are_removed)
{
  g_autofree char *dead = in_tmp (".x.csv" STK_OUTPUT_TEMP_MARKER "Abc123");
  g_autofree char *dead_journal = g_strconcat (dead, "-journal", NULL);
  g_autofree char *live = in_tmp (".y.db" STK_OUTPUT_TEMP_MARKER "Zyx987");
  g_autofree char *live_journal = g_strconcat (live, "-journal", NULL);
  g_autofree char *legacy = in_tmp ("inv-backup.db.part-00c0ffee");
  g_autofree char *legacy_journal = g_strconcat (legacy, "-journal", NULL);
  g_autofree char *text_part = in_tmp ("notes.part-00c0ffee");
  g_autofree char *plain = in_tmp ("Abc123.csv");
  int fd;

  cr_assert (g_file_set_contents (dead, "", -1, NULL));
  cr_assert (g_file_set_contents (dead_journal, "", -1, NULL));
  cr_assert (g_file_set_contents (live, "", -1, NULL));
  cr_assert (g_file_set_contents (live_journal, "", -1, NULL));
  cr_assert (g_file_set_contents (legacy, "SQLite format 3\0", 16, NULL));
  cr_assert (g_file_set_contents (legacy_journal, "", -1, NULL));
  cr_assert (g_file_set_contents (text_part, "a user's file", -1, NULL));
  cr_assert (g_file_set_contents (plain, "x", -1, NULL));

  /* A write under way holds an flock() on its temporary file. */
  fd = g_open (live, O_RDONLY, 0);
  cr_assert_geq (fd, 0);
  cr_assert_eq (flock (fd, LOCK_EX), 0);

  cr_assert_eq (stk_output_remove_stale (tmpdir), 4);
  cr_assert_not (g_file_test (dead, G_FILE_TEST_EXISTS));
  cr_assert_not (g_file_test (dead_journal, G_FILE_TEST_EXISTS));
  cr_assert_not (g_file_test (legacy, G_FILE_TEST_EXISTS));
  cr_assert_not (g_file_test (legacy_journal, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (live, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (live_journal, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (text_part, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (plain, G_FILE_TEST_EXISTS));
  close (fd);
}

Test (output, backup_refuses_what_export_refuses)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GError) e1 = NULL, e2 = NULL;
  g_autoptr(GBytes) before = stk_test_read_bytes (db_path);
  g_autoptr(GBytes) after = NULL;

  cr_assert_not (stk_store_backup_full (store, db_path, STK_OUTPUT_REPLACE, NULL, &e1));
  cr_assert (g_error_matches (e1, STK_ERROR, STK_ERROR_UNSAFE), "%s", e1->message);
  g_autofree char *full = in_tmp ("full");

  cr_assert_eq (mkfifo (full, 0600), 0);
  cr_assert_not (stk_store_backup_full (store, full, STK_OUTPUT_REPLACE, NULL, &e2));
  cr_assert (g_error_matches (e2, STK_ERROR, STK_ERROR_UNSAFE), "%s", e2->message);
  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after));
}
