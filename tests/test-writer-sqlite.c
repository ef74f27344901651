/* SPDX-License-Identifier: GPL-3.0-or-later */
/* StkWriter on the SQLite engine: what only a raw connection, SQLite's page limit and its
 * write-ahead log can show (moved from test-writer.c, which runs once per engine). */
#include "config.h"

#include <criterion/criterion.h>
#include <signal.h>

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-ops.h"
#include "stk-store.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-writer.h"
#include "stk-test-sqlite.h"

TestSuite (writer, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

Test (writer, ops_apply_in_submission_order)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_op_unref);
  g_autoptr(StkOp) create = stk_op_create_item ("ORDER", "", 1, 0);
  StkTestResults *results = stk_test_results_new (200);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 expected_balance = 0;
  guint i = 0;

  cr_assert (stk_writer_submit_sync (writer, create, NULL));
  for (i = 0; i < 200; i++)
    {
      StkOp *op = stk_op_record_movement ("ORDER", STK_MOVEMENT_RECEIVE, i + 1, "", 0);
      g_ptr_array_add (ops, op);
      stk_test_results_submit (results, writer, op);
    }
  cr_assert (stk_test_wait_for (&results->all_done, 10000));
  cr_assert_eq (results->ok, 200);

  cr_assert_eq (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_prepare_v2 (db, "SELECT quantity, balance FROM movements ORDER BY id", -1, &stmt, NULL), SQLITE_OK);
  for (i = 0; sqlite3_step (stmt) == SQLITE_ROW; i++)
    {
      expected_balance += i + 1;
      cr_assert_eq (sqlite3_column_int64 (stmt, 0), i + 1, "movement %u out of order", i);
      cr_assert_eq (sqlite3_column_int64 (stmt, 1), expected_balance);
    }
  cr_assert_eq (i, 200);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  stk_test_results_free (results);
}

/* ---- disk full: SQLite's page limit stands in for the disk ---- */

static gboolean
apply_page_limit (StkOp    *op,
                  sqlite3  *db,
                  gpointer  user_data,
                  GError  **error)
{
  gint64 pages = 0;
  g_autofree char *sql = NULL;

  if (!stk_db_query_int64 (db, "PRAGMA page_count", &pages, error))
    return FALSE;
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                         GPOINTER_TO_INT (user_data) ? pages + 2 : (gint64) 1 << 30);
  return stk_db_exec (db, sql, error);
}

Test (writer, full_disk_fails_the_ops_that_need_space_and_the_writer_goes_on)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  g_autoptr(StkOp) limit = stk_sqlite_op_new ("limit", STK_CHANGE_NONE, apply_page_limit, GINT_TO_POINTER (1), NULL);
  g_autoptr(StkOp) unlimit = stk_sqlite_op_new ("unlimit", STK_CHANGE_NONE, apply_page_limit, GINT_TO_POINTER (0), NULL);
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_op_unref);
  g_autofree char *big = g_strnfill (990, 'x');
  g_autoptr(StkOp) after = stk_test_item_op (9999);
  StkTestResults *results = stk_test_results_new (60);
  g_autoptr(GError) error = NULL;
  guint no_space = 0;

  cr_assert (stk_writer_submit_sync (writer, limit, &error));
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *code = g_strdup_printf ("BIG-%03u", i);
      StkOp *op = stk_op_create_item (code, big, 1, 1);
      g_ptr_array_add (ops, op);
      stk_test_results_submit (results, writer, op);
    }
  cr_assert (stk_test_wait_for (&results->all_done, 10000));
  for (guint i = 0; i < results->errors->len; i++)
    {
      GError *e = g_ptr_array_index (results->errors, i);
      if (e != NULL)
        {
          cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_NO_SPACE), "%s", e->message);
          cr_assert (strstr (e->message, "disk is full") != NULL);
          no_space++;
        }
    }
  cr_assert_gt (no_space, 0, "the page limit must have been hit");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 60 - no_space,
                "an op either applied or not at all");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM applied_ops WHERE kind = 'create-item'"), 60 - no_space);

  cr_assert (stk_writer_submit_sync (writer, unlimit, &error));
  cr_assert (stk_writer_submit_sync (writer, after, &error), "%s", error ? error->message : "");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'ITEM-9999'"), 1);
  stk_test_results_free (results);
}

/* ---- announcements ---- */

static void
committed_cb (StkWriter *writer,
              guint      changes,
              guint      n_ops,
              gpointer   user_data)
{
  guint *seen = user_data;

  *seen |= changes;
}

Test (writer, announces_own_and_external_commits)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  g_autoptr(StkOp) op = stk_op_record_movement ("EXT", STK_MOVEMENT_RECEIVE, 1, "", 0);
  g_autoptr(StkOp) create = stk_test_item_op (1);
  guint seen = 0;
  sqlite3 *other = NULL;

  g_signal_connect (writer, "committed", G_CALLBACK (committed_cb), &seen);
  cr_assert (stk_writer_submit_sync (writer, create, NULL));
  STK_TEST_WAIT_UNTIL (seen & STK_CHANGE_ITEMS, 30000);
  cr_assert (seen & STK_CHANGE_ITEMS);
  cr_assert_not (seen & STK_CHANGE_EXTERNAL, "our own commit is not external");

  seen = 0;
  cr_assert_eq (sqlite3_open (db_path, &other), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (other, "INSERT INTO items (code, created_at, updated_at) VALUES ('EXT', 0, 0)",
                              NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (other);
  STK_TEST_WAIT_UNTIL (seen & STK_CHANGE_EXTERNAL, 30000);
  cr_assert (seen & STK_CHANGE_EXTERNAL, "another process's commit is seen through data_version");
  cr_assert (stk_writer_submit_sync (writer, op, NULL), "the writer sees the other process's row");
}

Test (writer, close_checkpoints_the_wal)
{
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  GStatBuf st;

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(StkOp) op = stk_test_item_op (i);
      stk_writer_submit_sync (writer, op, NULL);
    }
  cr_assert (g_stat (wal, &st) == 0 && st.st_size > 0);
  cr_assert (stk_writer_close (writer, 1000, NULL));
  cr_assert (g_stat (wal, &st) != 0 || st.st_size == 0, "WAL left with %ld bytes", (long) st.st_size);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 100);
}

/* A writer killed mid-flight leaves a big WAL behind; someone then deletes it or cuts
 * it short while nothing has the inventory open. What is left must still be a sound
 * inventory: the committed state of the main file plus whole transactions of the
 * log, never half of one. */
static void
kill_writer_leaving_wal (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *helper = stk_test_helper_path ("stk-crash-writer");
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  GStatBuf st;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, helper, db_path, NULL);
  cr_assert_not_null (proc, "%s", error ? error->message : "");
  for (guint i = 0; i < 500; i++)
    {
      g_usleep (10000);
      if (g_stat (wal, &st) == 0 && st.st_size > 256 * 1024)
        break;
    }
  g_subprocess_send_signal (proc, SIGKILL);
  g_subprocess_wait (proc, NULL, NULL);
  cr_assert (g_stat (wal, &st) == 0 && st.st_size > 64 * 1024, "the killed writer left a WAL");
}

static void
assert_sound_after_reopen (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = stk_test_new_writer (5000, 2000);
  g_autoptr(StkStore) store = stk_store_new (db_path, &error);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(StkOp) op = stk_test_item_op (4242);

  cr_assert_not_null (store, "%s", error ? error->message : "");
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems, "%s", error ? error->message : "");
  cr_assert_eq (problems->len, 0, "%s", problems->len ? (char *) g_ptr_array_index (problems, 0) : "");
  cr_assert (stk_writer_submit_sync (writer, op, &error), "%s", error ? error->message : "");
}

Test (writer, wal_truncated_after_a_crash_leaves_a_sound_inventory)
{
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autoptr(GBytes) bytes = NULL;

  kill_writer_leaving_wal ();
  bytes = stk_test_read_bytes (wal);
  /* Cut mid-frame: SQLite must ignore the torn tail (frame checksums). */
  cr_assert (g_file_set_contents (wal, g_bytes_get_data (bytes, NULL),
                                  g_bytes_get_size (bytes) / 2 + 777, NULL));
  assert_sound_after_reopen ();
}

Test (writer, wal_deleted_after_a_crash_leaves_a_sound_inventory)
{
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

  kill_writer_leaving_wal ();
  cr_assert_eq (g_unlink (wal), 0);
  g_unlink (shm);
  assert_sound_after_reopen ();
}
