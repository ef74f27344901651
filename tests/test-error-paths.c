/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Error paths of the storage core that no other test reaches (issue 20): the writer's
 * BEGIN IMMEDIATE failing for another reason, ops queued during
 * a retry; every way an export's plain-file writes can fail; the file pre-check's
 * permission and read errors; the lock's read-only fallback. Faults come from the
 * test seams (data/stk-seams.h), the fault VFS, or nobody's real permissions. */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-faultvfs.h"
#include "stk-lock.h"
#include "stk-output.h"
#include "stk-ops.h"
#include "stk-schema.h"
#include "stk-seams.h"
#include "stk-store.h"
#include "stk-transfer.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static void
setup (void)
{
  stk_faultvfs_register ();
  stk_faultvfs_disarm ();
  stk_seams_reset ();
  stk_test_fixture_setup ();
}

static void
teardown (void)
{
  stk_faultvfs_disarm ();
  stk_seams_reset ();
  stk_test_fixture_teardown ();
}

TestSuite (error_paths, .init = setup, .fini = teardown, .timeout = 60);

static StkWriter *
new_writer (guint retry_budget_ms)
{
  g_autoptr(GError) error = NULL;
  StkWriter *writer = g_initable_new (STK_TYPE_WRITER, NULL, &error,
                                      "path", db_path,
                                      "retry-budget-ms", retry_budget_ms,
                                      "probe-interval-ms", 100,
                                      "poll-interval-ms", 60000,
                                      NULL);

  cr_assert_not_null (writer, "%s", error ? error->message : "");
  return writer;
}

/* ---- the writer ---- */

Test (error_paths, begin_failing_with_an_io_error_fails_the_op_and_the_writer_goes_on)
{
  StkWriter *writer = new_writer (60000);
  g_autoptr(StkOp) op = stk_op_create_item ("IO-1", "", 1, 0);
  g_autoptr(StkOp) next = stk_op_create_item ("IO-2", "", 1, 0);
  g_autoptr(GError) error = NULL;

  /* BEGIN IMMEDIATE takes an exclusive lock on the WAL index: it fails. */
  stk_faultvfs_arm_sticky (STK_FAULT_SHM_LOCK, 1, SQLITE_IOERR_LOCK);
  cr_assert_not (stk_writer_submit_sync (writer, op, &error),
                 "fired %lu, shm locks %lu", (gulong) stk_faultvfs_fired (),
                 (gulong) stk_faultvfs_calls (STK_FAULT_SHM_LOCK));
  cr_assert_geq (stk_faultvfs_fired (), 1);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
  cr_assert (g_str_has_prefix (error->message, "Cannot save changes"), "%s", error->message);
  stk_faultvfs_disarm ();

  cr_assert (stk_writer_submit_sync (writer, next, NULL));
  stk_test_close_writer (writer);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'IO-1'"), 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'IO-2'"), 1);
}

typedef struct
{
  guint    done;
  guint    ok;
  gboolean all_done;
} Count;

static void
counted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Count *c = user_data;

  if (stk_writer_submit_finish (STK_WRITER (object), result, NULL))
    c->ok++;
  if (++c->done == 3)
    c->all_done = TRUE;
}

static void
state_cb (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  if (stk_writer_get_state (STK_WRITER (object)) == STK_WRITER_STATE_RETRYING)
    *(gboolean *) user_data = TRUE;
}

Test (error_paths, ops_queued_during_a_retry_join_it)
{
  StkWriter *writer = new_writer (60000);
  g_autoptr(StkOp) a = stk_op_create_item ("Q-1", "", 1, 0);
  g_autoptr(StkOp) b = stk_op_create_item ("Q-2", "", 1, 0);
  g_autoptr(StkOp) c = stk_op_create_item ("Q-3", "", 1, 0);
  StkWriterFigures f0, f1;
  gboolean retrying = FALSE;
  Count count = { 0 };
  sqlite3 *other = NULL;

  g_signal_connect (writer, "notify::state", G_CALLBACK (state_cb), &retrying);
  cr_assert_eq (sqlite3_open (db_path, &other), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

  stk_writer_get_figures (writer, &f0);
  stk_writer_submit (writer, a, NULL, counted_cb, &count);
  cr_assert (stk_test_wait_for (&retrying, 30000), "the writer retries while the lock is held");
  stk_writer_submit (writer, b, NULL, counted_cb, &count);
  stk_writer_submit (writer, c, NULL, counted_cb, &count);
  cr_assert_eq (stk_writer_get_pending (writer), 3);
  cr_assert_eq (count.done, 0);

  cr_assert_eq (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (other);
  cr_assert (stk_test_wait_for (&count.all_done, 30000));
  stk_writer_get_figures (writer, &f1);
  cr_assert_eq (count.ok, 3);
  cr_assert_eq (f1.batches - f0.batches, 1, "the two ops queued meanwhile joined the retried batch");
  cr_assert_eq (f1.max_batch, 3);
  stk_test_close_writer (writer);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 3);
}

/* ---- export: plain-file write failures ---- */

static StkStore *
store_with_items (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *code = g_strdup_printf ("E-%02u", i);
      stk_test_submit (writer, stk_op_create_item (code, "export me", 100 + i, 0));
    }
  stk_test_close_writer (writer);
  return stk_test_open_store (db_path);
}

static guint
leftovers (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    n += strstr (name, ".part-") != NULL || strstr (name, STK_OUTPUT_TEMP_MARKER) != NULL;
  return n;
}

static int fault_errno;

static int
failing_fsync (int fd)
{
  errno = fault_errno;
  return -1;
}

static int
failing_close (int fd)
{
  close (fd);
  errno = fault_errno;
  return -1;
}

static int
failing_rename (const char *from,
                const char *to)
{
  errno = fault_errno;
  return -1;
}

/* Exports over an existing file with the seams as set; checks that the export
 * failed with @code, the old file is untouched and no temporary file is left. */
static void
export_fails (StkStore   *store,
              StkError    code,
              const char *needle)
{
  g_autofree char *out = g_build_filename (tmpdir, "items.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  cr_assert (g_file_set_contents (out, "old\n", -1, NULL));
  cr_assert_not (stk_export_file (store, STK_TABLE_SKUS, out, NULL, NULL, NULL, NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, code), "%s", error->message);
  cr_assert (strstr (error->message, needle) != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "items.csv") != NULL, "%s", error->message);
  cr_assert (g_file_get_contents (out, &after, NULL, NULL));
  cr_assert_str_eq (after, "old\n", "the old export is untouched");
  cr_assert_eq (leftovers (), 0, "no temporary file is left behind");
}

/* A write that fails half-way through the file (here: the file size limit, a real
 * EFBIG from write(2), with SIGXFSZ ignored as a program that checks its writes does). */
Test (error_paths, export_write_error_while_writing)
{
  g_autoptr(StkStore) store = store_with_items ();
  struct rlimit limit = { .rlim_cur = 8, .rlim_max = RLIM_INFINITY };

  signal (SIGXFSZ, SIG_IGN);
  cr_assert_eq (setrlimit (RLIMIT_FSIZE, &limit), 0);
  export_fails (store, STK_ERROR_IO, "Cannot export to");
}

Test (error_paths, export_disk_full_at_fsync)
{
  g_autoptr(StkStore) store = store_with_items ();

  fault_errno = ENOSPC;
  stk_seams.fsync = failing_fsync;
  export_fails (store, STK_ERROR_NO_SPACE, "the disk is full");
}

Test (error_paths, export_io_error_at_fsync)
{
  g_autoptr(StkStore) store = store_with_items ();

  fault_errno = EIO;
  stk_seams.fsync = failing_fsync;
  export_fails (store, STK_ERROR_IO, g_strerror (EIO));
}

Test (error_paths, export_io_error_at_close)
{
  g_autoptr(StkStore) store = store_with_items ();

  fault_errno = EIO;
  stk_seams.close = failing_close;
  export_fails (store, STK_ERROR_IO, g_strerror (EIO));
}

Test (error_paths, export_folder_vanished_before_the_rename)
{
  g_autoptr(StkStore) store = store_with_items ();

  fault_errno = ENOENT;
  stk_seams.rename = failing_rename;
  export_fails (store, STK_ERROR_NOT_FOUND, "does not exist");
}

Test (error_paths, export_folder_read_only_at_the_rename)
{
  g_autoptr(StkStore) store = store_with_items ();

  fault_errno = EROFS;
  stk_seams.rename = failing_rename;
  export_fails (store, STK_ERROR_READ_ONLY, "read-only");
}

/* ---- the file pre-check and stk_db_open ---- */

static ssize_t
failing_read (int     fd,
              void   *buf,
              size_t  count)
{
  errno = EIO;
  return -1;
}

Test (error_paths, read_error_in_the_pre_check_says_cannot_read)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GError) error = NULL;
  gboolean exists = FALSE;

  stk_test_close_writer (writer);
  stk_seams.read = failing_read;
  cr_assert_not (stk_db_check_file (db_path, &exists, &error));
  cr_assert (exists);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
  cr_assert (g_str_has_prefix (error->message, "Cannot read"), "%s", error->message);
}

Test (error_paths, pages_of_64_kib_are_an_inventory)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = NULL;
  sqlite3 *db;

  cr_assert_eq (sqlite3_open (db_path, &raw), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (raw, "PRAGMA page_size = 65536; CREATE TABLE t (x); DROP TABLE t;"
                              " VACUUM;", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (raw);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA page_size"), 65536);

  db = stk_db_open (db_path, STK_DB_READ_WRITE, &error);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  stk_db_close (db);
}

static int create_errno;

static int
open_failing_create (const char *path,
                     int         flags,
                     int         mode)
{
  if (flags & O_CREAT)
    {
      errno = create_errno;
      return -1;
    }
  return g_open (path, flags, mode);
}

static int
open_racing_create (const char *path,
                    int         flags,
                    int         mode)
{
  /* Another program creates the file between the check and our O_EXCL open. */
  if (flags & O_CREAT)
    cr_assert (g_file_set_contents (path, "", 0, NULL));
  return g_open (path, flags, mode);
}

Test (error_paths, creating_the_inventory_fails_with_each_reason)
{
  static const struct
  {
    int         errsv;
    StkError    code;
    const char *needle;
  } cases[] = {
    { ENOSPC, STK_ERROR_NO_SPACE, "the disk is full" },
    { EDQUOT, STK_ERROR_NO_SPACE, "the disk is full" },
    { ENOENT, STK_ERROR_NOT_FOUND, "does not exist" },
    { EROFS, STK_ERROR_READ_ONLY, "read-only" },
    { EIO, STK_ERROR_IO, "Input/output error" },
  };

  stk_seams.open = open_failing_create;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      create_errno = cases[i].errsv;
      cr_assert_null (stk_db_open (db_path, STK_DB_READ_WRITE, &error));
      cr_assert (g_error_matches (error, STK_ERROR, cases[i].code), "case %u: %s", i, error->message);
      cr_assert (strstr (error->message, cases[i].needle) != NULL, "case %u: %s", i, error->message);
      cr_assert (!g_file_test (db_path, G_FILE_TEST_EXISTS));
    }
}

Test (error_paths, inventory_created_meanwhile_by_another_program_is_opened)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  stk_seams.open = open_racing_create;
  db = stk_db_open (db_path, STK_DB_READ_WRITE, &error);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  stk_db_close (db);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), STK_SCHEMA_VERSION);
}

Test (error_paths, folder_nobody_may_enter_is_read_only)
{
  g_autofree char *secret = g_build_filename (tmpdir, "secret", NULL);
  g_autofree char *path = g_build_filename (secret, "inventory.db", NULL);
  g_autoptr(GError) error = NULL;
  gboolean exists = TRUE;

  if (geteuid () != 0)
    cr_skip_test ("needs root to make a folder that nobody may enter");
  cr_assert_eq (g_mkdir (secret, 0700), 0);
  stk_test_drop_privileges ();
  cr_assert_not (stk_db_check_file (path, &exists, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);
  cr_assert (g_str_has_prefix (error->message, "Cannot open"), "%s", error->message);
}

Test (error_paths, file_nobody_may_read_is_read_only)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GError) error = NULL;
  gboolean exists = FALSE;

  if (geteuid () != 0)
    cr_skip_test ("needs root to make a file that nobody may read");
  stk_test_close_writer (writer);
  cr_assert_eq (g_chmod (db_path, 0600), 0);
  stk_test_drop_privileges ();
  cr_assert_not (stk_db_check_file (db_path, &exists, &error));
  cr_assert (exists);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);
  cr_assert (g_str_has_prefix (error->message, "Cannot read"), "%s", error->message);
}

Test (error_paths, existing_inventory_in_a_read_only_folder_is_refused_for_writing)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GError) error = NULL;

  if (geteuid () != 0)
    cr_skip_test ("needs root to make a folder that nobody may write");
  stk_test_close_writer (writer);
  cr_assert_eq (g_chmod (db_path, 0666), 0);
  stk_test_drop_privileges ();
  cr_assert_null (stk_db_open (db_path, STK_DB_READ_WRITE, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);
  cr_assert (strstr (error->message, "is read-only, so the inventory cannot be changed") != NULL,
             "%s", error->message);
}

/* ---- the lock ---- */

Test (error_paths, another_users_lock_file_is_locked_read_only)
{
  g_autofree char *lock_path = stk_lock_path_for (db_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLock) lock = NULL;
  g_autofree char *after = NULL;

  if (geteuid () != 0)
    cr_skip_test ("needs root to leave a lock file that nobody may write");
  cr_assert (g_file_set_contents (lock_path, "host=h\nuser=root\n", -1, NULL));
  cr_assert_eq (g_chmod (lock_path, 0644), 0);
  cr_assert_eq (chmod (tmpdir, 0777), 0);
  stk_test_drop_privileges ();

  lock = stk_lock_acquire (db_path, "window", &error);
  cr_assert_not_null (lock, "%s", error ? error->message : "");
  cr_assert (stk_lock_is_held (db_path));
  cr_assert (g_file_get_contents (lock_path, &after, NULL, NULL));
  cr_assert_str_eq (after, "host=h\nuser=root\n", "a read-only descriptor writes no holder");
}

Test (error_paths, lock_beneath_a_file_is_not_found)
{
  g_autofree char *file = g_build_filename (tmpdir, "plain", NULL);
  g_autofree char *path = g_build_filename (file, "inventory.db", NULL);
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_set_contents (file, "x", -1, NULL));
  cr_assert_null (stk_lock_acquire (path, "window", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
}

Test (error_paths, lock_file_that_loops_says_why)
{
  g_autofree char *lock_path = stk_lock_path_for (db_path);
  g_autoptr(GError) error = NULL;

  cr_assert_eq (symlink (lock_path, lock_path), 0);
  cr_assert_null (stk_lock_acquire (db_path, "window", &error));
  /* The lock file never follows a link: a loop is refused as a link, not chased. */
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_UNSAFE), "%s", error->message);
  cr_assert (strstr (error->message, "it is a symbolic link") != NULL, "%s", error->message);
}

Test (error_paths, no_lock_file_is_not_held)
{
  g_autofree char *lock_path = stk_lock_path_for (db_path);

  cr_assert (!g_file_test (lock_path, G_FILE_TEST_EXISTS));
  cr_assert (!stk_lock_is_held (db_path));
  cr_assert (!g_file_test (lock_path, G_FILE_TEST_EXISTS), "a probe creates nothing");
}

/* ---- the pre-check refuses without touching the file ---- */

static void
refused_untouched (StkError    code,
                   const char *needle)
{
  g_autoptr(GBytes) before = stk_test_read_bytes (db_path);
  g_autoptr(GBytes) after = NULL;
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autoptr(GError) error = NULL;

  cr_assert_null (stk_db_open (db_path, STK_DB_READ_WRITE, &error));
  cr_assert (g_error_matches (error, STK_ERROR, code), "%s", error->message);
  cr_assert (strstr (error->message, needle) != NULL, "%s", error->message);
  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after), "the file is byte-for-byte unchanged");
  cr_assert (!g_file_test (wal, G_FILE_TEST_EXISTS), "no write-ahead log was created");
}

static void
raw_db (const char *sql)
{
  sqlite3 *raw = NULL;

  cr_assert_eq (sqlite3_open (db_path, &raw), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (raw, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (raw));
  sqlite3_close (raw);
}

Test (error_paths, one_format_newer_is_refused_untouched)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %u; PRAGMA user_version = %d;"
                                          " CREATE TABLE t (x);",
                                          (guint) STK_SCHEMA_APPLICATION_ID, STK_SCHEMA_VERSION + 1);

  raw_db (sql);
  refused_untouched (STK_ERROR_TOO_NEW, "newer version of Stocktake");
}

Test (error_paths, file_that_is_not_whole_pages_is_refused_untouched)
{
  FILE *f;

  raw_db ("PRAGMA user_version = 1; CREATE TABLE t (x);");
  f = fopen (db_path, "ab");
  cr_assert_not_null (f);
  fputs ("a torn tail", f);
  fclose (f);
  refused_untouched (STK_ERROR_CORRUPT, "its size does not match its pages");
}

Test (error_paths, header_without_its_nul_is_not_sqlite)
{
  static const char text[] = "SQLite format 3!and then some text that goes on for a while, "
                             "long enough to fill the hundred bytes of a header........";

  cr_assert (g_file_set_contents (db_path, text, sizeof text - 1, NULL));
  refused_untouched (STK_ERROR_NOT_INVENTORY, "it is not an SQLite database");
}
