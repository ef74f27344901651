/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The inventory's lock file: exclusive across processes, named holder, released by
 * the kernel when the holder dies, never on the database itself. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stk-error.h"
#include "stk-lock.h"
#include "stk-lock-test-util.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

TestSuite (lock, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown, .timeout = 60);

Test (lock, lock_file_beside_the_database)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strconcat (db_path, ".lock", NULL);
  g_autoptr(StkLock) lock = stk_lock_acquire (db_path, "window", &error);

  cr_assert_not_null (lock, "%s", error ? error->message : "");
  cr_assert_str_eq (stk_lock_get_path (lock), expected);
  cr_assert (g_file_test (expected, G_FILE_TEST_EXISTS));
  cr_assert (!g_file_test (db_path, G_FILE_TEST_EXISTS), "the lock created the database");
}

Test (lock, second_acquire_fails_with_locked)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLock) first = stk_lock_acquire (db_path, "window", &error);
  g_autoptr(StkLock) second = NULL;
  g_autoptr(StkLock) third = NULL;

  cr_assert_not_null (first);
  second = stk_lock_acquire (db_path, "window", &error);
  cr_assert_null (second);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);
  cr_assert (stk_lock_is_held (db_path));

  g_clear_pointer (&first, stk_lock_release);
  cr_assert (!stk_lock_is_held (db_path));
  g_clear_error (&error);
  third = stk_lock_acquire (db_path, "window", &error);
  cr_assert_not_null (third, "%s", error ? error->message : "");
}

Test (lock, held_by_another_process_names_the_holder)
{
  g_autoptr(GSubprocess) taker = stk_lock_taker_start (db_path, "window");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLockHolder) holder = NULL;
  g_autofree char *pid = g_strdup_printf ("process %s", g_subprocess_get_identifier (taker));
  StkLock *lock;

  cr_assert (stk_lock_is_held (db_path));
  lock = stk_lock_acquire (db_path, "import", &error);
  cr_assert_null (lock);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED));
  cr_assert (strstr (error->message, "another Stocktake window") != NULL, "%s", error->message);
  cr_assert (strstr (error->message, g_get_host_name ()) != NULL, "%s", error->message);
  cr_assert (strstr (error->message, g_get_user_name ()) != NULL, "%s", error->message);
  cr_assert (strstr (error->message, pid) != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "since ") != NULL, "%s", error->message);

  holder = stk_lock_read_holder (db_path);
  cr_assert_not_null (holder);
  cr_assert_str_eq (holder->host, g_get_host_name ());
  cr_assert_str_eq (holder->what, "window");
  cr_assert_eq (holder->pid, g_ascii_strtoll (g_subprocess_get_identifier (taker), NULL, 10));
  cr_assert_not_null (holder->since);

  stk_lock_taker_stop (taker);
}

Test (lock, command_holder_is_named_as_a_command)
{
  g_autoptr(GSubprocess) taker = stk_lock_taker_start (db_path, "import");
  g_autoptr(GError) error = NULL;

  cr_assert_null (stk_lock_acquire (db_path, "window", &error));
  cr_assert (strstr (error->message, "command “import”") != NULL, "%s", error->message);
  stk_lock_taker_stop (taker);
}

Test (lock, kill_9_of_the_holder_releases_it_at_once)
{
  g_autoptr(GSubprocess) taker = stk_lock_taker_start (db_path, "window");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLock) lock = NULL;

  cr_assert (stk_lock_is_held (db_path));
  g_subprocess_send_signal (taker, SIGKILL);
  cr_assert (g_subprocess_wait (taker, NULL, NULL));
  cr_assert (g_subprocess_get_if_signaled (taker));

  /* No stale lock: the very next attempt gets it, though the file still names the
   * dead holder. */
  cr_assert (!stk_lock_is_held (db_path));
  lock = stk_lock_acquire (db_path, "window", &error);
  cr_assert_not_null (lock, "%s", error ? error->message : "");
}

Test (lock, read_only_folder_says_read_only)
{
  g_autofree char *folder = g_build_filename (tmpdir, "shared", NULL);
  g_autofree char *path = g_build_filename (folder, "inventory.db", NULL);
  g_autoptr(GError) error = NULL;

  cr_assert_eq (g_mkdir (folder, 0755), 0);
  cr_assert_eq (g_chmod (tmpdir, 0755), 0);
  if (geteuid () == 0)
    stk_test_drop_privileges (); /* root owns the folder; nobody may not write it */
  else
    cr_assert_eq (g_chmod (folder, 0555), 0);

  cr_assert_null (stk_lock_acquire (path, "window", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);
  cr_assert (strstr (error->message, "read-only") != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "inventory.db.lock") != NULL, "%s", error->message);
}

Test (lock, missing_folder_is_not_found)
{
  g_autofree char *path = g_build_filename (tmpdir, "nope", "inventory.db", NULL);
  g_autoptr(GError) error = NULL;

  cr_assert_null (stk_lock_acquire (path, "window", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
}

Test (lock, never_touches_the_database)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLock) lock = NULL;
  struct stat st_before, st_after;
  sqlite3 *db = NULL;

  stk_test_close_writer (writer);
  before = stk_test_read_bytes (db_path);
  cr_assert_eq (g_stat (db_path, &st_before), 0);

  lock = stk_lock_acquire (db_path, "window", &error);
  cr_assert_not_null (lock);

  /* SQLite's own (fcntl) locks are untouched: another connection can take the
   * database exclusively while the lock file is held. */
  cr_assert_eq (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, "BEGIN EXCLUSIVE; ROLLBACK;", NULL, NULL, NULL), SQLITE_OK,
                "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  g_clear_pointer (&lock, stk_lock_release);
  after = stk_test_read_bytes (db_path);
  cr_assert_eq (g_stat (db_path, &st_after), 0);
  cr_assert (g_bytes_equal (before, after), "the database changed");
  cr_assert_eq (st_before.st_mtime, st_after.st_mtime);
  cr_assert_eq (st_before.st_ino, st_after.st_ino);
}

Test (lock, descriptor_is_not_inherited)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLock) lock = stk_lock_acquire (db_path, "window", &error);
  g_autofree char *out = NULL;
  const char *argv[] = { "/bin/ls", "-l", "/proc/self/fd/", NULL };
  int status = 0;

  cr_assert_not_null (lock);
  /* A child started while the lock is held must not keep it alive after we let go:
   * O_CLOEXEC. Descriptors are left open on purpose; the child lists their targets. */
  cr_assert (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_LEAVE_DESCRIPTORS_OPEN,
                           NULL, NULL, &out, NULL, &status, &error), "%s",
             error ? error->message : "");
  cr_assert (strstr (out, ".lock") == NULL, "the lock descriptor leaked:\n%s", out);
}
