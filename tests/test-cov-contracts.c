/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The public and engine entry points that tests/test-cov-data.c does not call wrongly
 * (issue 20, branch coverage of data/): the store's reads, StkStore and StkWriter
 * themselves, the maintenance calls, the engine's lookups and the SQLite engine's read
 * functions. A programmer's bad argument gets a critical naming the check and the
 * documented failure value — never a crash, never a callback, never a change to the
 * inventory (its file is compared byte for byte before and after). */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-jobs.h"
#include "stk-location.h"
#include "stk-maintenance.h"
#include "stk-ops.h"
#include "stk-pager.h"
#include "stk-query.h"
#include "stk-reads.h"
#include "stk-transfer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"
#include "stk-test-util.h"

static GString *criticals;   /* the criticals logged, one a line */

static void
setup (void)
{
  StkWriter *writer;

  stk_test_fixture_setup ();
  writer = stk_test_open_writer (db_path);
  stk_test_submit (writer, stk_op_create_item ("C-1", "Contract", 250, 5));
  stk_test_close_writer (writer);
  criticals = g_string_new (NULL);
}

static void
teardown (void)
{
  if (criticals != NULL)
    g_string_free (criticals, TRUE);
  criticals = NULL;
  stk_test_fixture_teardown ();
}

TestSuite (cov_contracts, .init = setup, .fini = teardown, .timeout = 60);

/* Each call: a critical naming the failed check, and the documented failure value. */
#define REFUSED(call, failure, check)                                                     \
  G_STMT_START {                                                                         \
    gsize _before = criticals->len;                                                      \
    cr_assert_eq ((call), (failure), "%s did not return its failure value", #call);      \
    cr_assert_gt (criticals->len, _before, "%s: no critical", #call);                    \
    cr_assert (strstr (criticals->str + _before, check) != NULL,                         \
               "%s: the critical does not name %s: %s", #call, check,                    \
               criticals->str + _before);                                                \
  } G_STMT_END

#define REFUSED_VOID(call, check)                                                         \
  G_STMT_START {                                                                         \
    gsize _before = criticals->len;                                                      \
    call;                                                                                \
    cr_assert_gt (criticals->len, _before, "%s: no critical", #call);                    \
    cr_assert (strstr (criticals->str + _before, check) != NULL,                         \
               "%s: the critical does not name %s: %s", #call, check,                    \
               criticals->str + _before);                                                \
  } G_STMT_END

static gboolean answered;

static void
never_called_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  answered = TRUE;
}

static void
start_refusing (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL);
}

/* The inventory's file (and its log) as they were, and no async call answered. */
static void
assert_unchanged (GBytes *before)
{
  g_autoptr(GBytes) after = NULL;

  /* A refused async call must not answer later either: one that went ahead would have
   * its answer queued here by now, or hold its source object (checked by the tests that
   * keep one). */
  cr_assert (stk_test_drain ());
  cr_assert_not (answered, "a refused call answered");
  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after), "the inventory is byte-for-byte unchanged");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 1);
}

Test (cov_contracts, the_store_reads_refuse_bad_arguments)
{
  g_autoptr(GBytes) before = stk_test_read_bytes (db_path);
  g_autoptr(GObject) not_a_cancellable = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, NULL);
  g_autoptr(GTask) foreign = g_task_new (store, NULL, NULL, NULL);
  GCancellable *bad = (GCancellable *) not_a_cancellable;
  StkItemInfo info = { 0 };
  StkStats stats;
  int version = -7;

  start_refusing ();

  /* lists */
  REFUSED_VOID (stk_store_list_async (NULL, query, NULL, NULL, FALSE, NULL, never_called_cb, NULL),
                "STK_IS_STORE");
  REFUSED_VOID (stk_store_list_async (store, NULL, NULL, NULL, FALSE, NULL, never_called_cb, NULL),
                "query != NULL");
  REFUSED_VOID (stk_store_list_async (store, query, NULL, NULL, FALSE, bad, never_called_cb, NULL),
                "G_IS_CANCELLABLE");
  REFUSED (stk_store_list_finish (NULL, G_ASYNC_RESULT (foreign), NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_store_list (NULL, query, NULL, NULL, FALSE, NULL, NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_store_list (store, NULL, NULL, NULL, FALSE, NULL, NULL), NULL, "query != NULL");
  REFUSED (stk_store_fetch (NULL, query, NULL, 0, 10, NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_store_fetch (store, NULL, NULL, 0, 10, NULL), NULL, "query != NULL");
  REFUSED (stk_store_position_of (NULL, query, NULL, 1, NULL), -1, "STK_IS_STORE");
  REFUSED (stk_store_position_of (store, NULL, NULL, 1, NULL), -1, "query != NULL");
  REFUSED_VOID (stk_store_position_of_async (NULL, query, NULL, 1, NULL, never_called_cb, NULL),
                "STK_IS_STORE");
  REFUSED_VOID (stk_store_position_of_async (store, NULL, NULL, 1, NULL, never_called_cb, NULL),
                "query != NULL");
  REFUSED_VOID (stk_store_position_of_async (store, query, NULL, 1, bad, never_called_cb, NULL),
                "G_IS_CANCELLABLE");
  REFUSED (stk_store_position_of_finish (store, G_ASYNC_RESULT (foreign), NULL), -1,
           "source_tag");

  /* items */
  REFUSED (stk_store_item_by_code (NULL, "C-1", &info, NULL), FALSE, "STK_IS_STORE");
  REFUSED (stk_store_item_by_code (store, NULL, &info, NULL), FALSE, "code != NULL");
  REFUSED (stk_store_item_by_id (NULL, 1, &info, NULL), FALSE, "STK_IS_STORE");
  REFUSED (stk_store_complete_codes (NULL, "C", 10, NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_store_complete_codes (store, NULL, 10, NULL), NULL, "prefix != NULL");
  REFUSED_VOID (stk_store_item_by_code_async (NULL, "C-1", NULL, never_called_cb, NULL),
                "STK_IS_STORE");
  REFUSED_VOID (stk_store_item_by_code_async (store, NULL, NULL, never_called_cb, NULL),
                "code != NULL");
  REFUSED_VOID (stk_store_item_by_code_async (store, "C-1", bad, never_called_cb, NULL),
                "G_IS_CANCELLABLE");
  REFUSED (stk_store_item_by_code_finish (store, G_ASYNC_RESULT (foreign), &info, NULL), FALSE,
           "source_tag");
  REFUSED_VOID (stk_store_item_by_id_async (NULL, 1, NULL, never_called_cb, NULL), "STK_IS_STORE");
  REFUSED_VOID (stk_store_item_by_id_async (store, 1, bad, never_called_cb, NULL),
                "G_IS_CANCELLABLE");
  REFUSED_VOID (stk_store_complete_codes_async (NULL, "C", 10, NULL, never_called_cb, NULL),
                "STK_IS_STORE");
  REFUSED_VOID (stk_store_complete_codes_async (store, NULL, 10, NULL, never_called_cb, NULL),
                "prefix != NULL");
  REFUSED_VOID (stk_store_complete_codes_async (store, "C", 10, bad, never_called_cb, NULL),
                "G_IS_CANCELLABLE");
  cr_assert_null (info.code, "a refused read fills nothing");

  /* the inventory */
  REFUSED_VOID (stk_store_get_stats_async (NULL, NULL, never_called_cb, NULL), "STK_IS_STORE");
  REFUSED_VOID (stk_store_get_stats_async (store, bad, never_called_cb, NULL), "G_IS_CANCELLABLE");
  REFUSED (stk_store_get_schema_version (NULL, &version, NULL), FALSE, "STK_IS_STORE");
  cr_assert_eq (version, -7, "a refused read fills nothing");
  REFUSED_VOID (stk_query_report_async (NULL, 30, 5, NULL, never_called_cb, NULL), "STK_IS_STORE");
  REFUSED_VOID (stk_query_report_async (store, 30, 5, bad, never_called_cb, NULL),
                "G_IS_CANCELLABLE");

  /* StkStore itself */
  REFUSED (stk_store_new (NULL, NULL), NULL, "path != NULL");
  REFUSED (stk_store_get_path (NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_store_get_stats (NULL, &stats, NULL), FALSE, "STK_IS_STORE");
  REFUSED (stk_store_get_stats (store, NULL, NULL), FALSE, "stats != NULL");
  REFUSED (stk_store_codes_kept_apart (NULL, NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_store_verify (NULL, NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_store_backup_full (NULL, "b.db", STK_OUTPUT_NONE, NULL, NULL), FALSE,
           "STK_IS_STORE");
  REFUSED (stk_store_backup_full (store, NULL, STK_OUTPUT_NONE, NULL, NULL), FALSE,
           "dest_path != NULL");
  REFUSED (stk_store_backup_full (store, "b.db", STK_OUTPUT_NONE, bad, NULL), FALSE,
           "G_IS_CANCELLABLE");
  {
    g_autoptr(GError) set = g_error_new_literal (STK_ERROR, STK_ERROR_FAILED, "already set");

    REFUSED (stk_store_backup_full (store, "b.db", STK_OUTPUT_NONE, NULL, &set), FALSE,
             "*error == NULL");
  }
  REFUSED (stk_verify_file (NULL, NULL, NULL), FALSE, "given_path != NULL");
  REFUSED (stk_verify_file (db_path, NULL, NULL), FALSE, "problems != NULL");

  cr_assert_not (g_file_test ("b.db", G_FILE_TEST_EXISTS), "no backup was written");
  /* A read that went ahead would hold the store until its callback had run: only this
   * test and @foreign do. */
  cr_assert (stk_test_wait_refs (store, 2, 60000), "a refused read holds the store");
  assert_unchanged (before);
}

Test (cov_contracts, the_writer_and_maintenance_refuse_bad_arguments)
{
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GError) set = g_error_new_literal (STK_ERROR, STK_ERROR_FAILED, "already set");
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GTask) foreign = g_task_new (store, NULL, NULL, NULL);
  g_autoptr(StkOp) op = stk_op_create_item ("C-2", "never", 1, 0);
  StkWriterFigures figures;

  start_refusing ();

  REFUSED (stk_writer_new (NULL, NULL), NULL, "path != NULL");
  REFUSED (stk_writer_new_for_cli (NULL, NULL), NULL, "path != NULL");
  REFUSED (stk_writer_get_path (NULL), NULL, "STK_IS_WRITER");
  REFUSED (stk_writer_get_state (NULL), STK_WRITER_STATE_CLOSED, "STK_IS_WRITER");
  REFUSED (stk_writer_get_pending (NULL), 0, "STK_IS_WRITER");
  REFUSED_VOID (stk_writer_get_figures (NULL, &figures), "STK_IS_WRITER");
  REFUSED_VOID (stk_writer_get_figures (writer, NULL), "figures != NULL");
  REFUSED (stk_writer_list_pending (NULL), NULL, "STK_IS_WRITER");
  REFUSED_VOID (stk_writer_submit (NULL, op, NULL, never_called_cb, NULL), "STK_IS_WRITER");
  REFUSED_VOID (stk_writer_submit (writer, NULL, NULL, never_called_cb, NULL), "op != NULL");
  REFUSED (stk_writer_submit_finish (NULL, G_ASYNC_RESULT (foreign), NULL), FALSE,
           "STK_IS_WRITER");
  REFUSED (stk_writer_submit_finish (writer, G_ASYNC_RESULT (foreign), NULL), FALSE,
           "g_task_is_valid");
  REFUSED (stk_writer_submit_sync (NULL, op, NULL), FALSE, "STK_IS_WRITER");
  REFUSED (stk_writer_submit_sync (writer, NULL, NULL), FALSE, "op != NULL");
  REFUSED (stk_writer_withdraw (NULL, op), STK_WITHDRAW_NOT_PENDING, "STK_IS_WRITER");
  REFUSED (stk_writer_withdraw (writer, NULL), STK_WITHDRAW_NOT_PENDING, "op != NULL");
  REFUSED_VOID (stk_writer_retry_now (NULL), "STK_IS_WRITER");
  REFUSED (stk_writer_close (NULL, 1000, NULL), FALSE, "STK_IS_WRITER");

  REFUSED (stk_backup_default_path (NULL), NULL, "db_path != NULL");
  REFUSED (stk_restore (NULL, store, db_path, NULL, NULL), FALSE, "STK_IS_WRITER");
  REFUSED (stk_restore (writer, NULL, db_path, NULL, NULL), FALSE, "STK_IS_STORE");
  REFUSED (stk_restore (writer, store, NULL, NULL, NULL), FALSE, "backup_path != NULL");
  REFUSED (stk_restore (writer, store, db_path, NULL, &set), FALSE, "*error == NULL");
  REFUSED (stk_checkpoint (NULL, NULL, NULL, NULL), FALSE, "STK_IS_WRITER");
  REFUSED (stk_checkpoint (writer, NULL, NULL, &set), FALSE, "*error == NULL");
  REFUSED (stk_generate (NULL, 1, 1, 1, NULL, NULL, NULL), FALSE, "STK_IS_WRITER");
  REFUSED (stk_generate (writer, 1, 1, 1, NULL, NULL, &set), FALSE, "*error == NULL");

  cr_assert_eq (stk_writer_get_pending (writer), 0, "nothing was queued");
  cr_assert_eq (stk_writer_get_state (writer), STK_WRITER_STATE_READY);
  stk_test_close_writer (g_steal_pointer (&writer));
  /* The closed writer folded its log in: compare from here on. */
  before = stk_test_read_bytes (db_path);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'C-2'"), 0);
  assert_unchanged (before);
}

Test (cov_contracts, the_engine_and_its_reads_refuse_bad_arguments)
{
  g_autoptr(GBytes) before = stk_test_read_bytes (db_path);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, NULL);
  g_autoptr(GError) error = NULL;
  StkItemInfo info = { 0 };
  StkStats stats;
  gboolean exists = FALSE;
  gint64 n = -3;
  sqlite3 *db;

  start_refusing ();

  REFUSED (stk_engine_is_server_location (NULL), FALSE, "location != NULL");
  REFUSED (stk_engine_for_location (NULL, NULL), NULL, "location != NULL");
  REFUSED (stk_location_resolve (NULL, NULL), NULL, "location != NULL");
  REFUSED (stk_location_check (NULL, &exists, NULL), FALSE, "location != NULL");
  REFUSED (stk_location_check (db_path, NULL, NULL), FALSE, "out_exists != NULL");
  REFUSED (stk_movement_kind_to_string ((StkMovementKind) 99), NULL, "G_N_ELEMENTS");
  REFUSED (stk_pager_query_new ((StkPagerKind) 99, NULL, FALSE, NULL, NULL), NULL, "G_N_ELEMENTS");
  REFUSED (stk_pager_can_sort ((StkPagerKind) 99, "code"), FALSE, "G_N_ELEMENTS");
  REFUSED (stk_pager_default_descending ((StkPagerKind) 99), FALSE, "G_N_ELEMENTS");

  /* A location the engine refuses gets its sentence (the CLI's and the window's), not a
   * critical. */
  cr_assert_null (stk_location_resolve ("postgresql://host/db", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_SUPPORTED), "%s", error->message);
  cr_assert (strstr (error->message, "cannot open server inventories") != NULL, "%s",
             error->message);
  g_clear_error (&error);
  cr_assert_not (stk_location_check ("postgresql://host/db", &exists, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_SUPPORTED), "%s", error->message);
  g_clear_error (&error);

  /* The SQLite engine's read functions. */
  db = stk_store_acquire (store, &error);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  REFUSED (stk_query_item_by_code (NULL, "C-1", &info, NULL), FALSE, "db != NULL");
  REFUSED (stk_query_item_by_code (db, NULL, &info, NULL), FALSE, "code != NULL");
  REFUSED (stk_query_item_by_code (db, "C-1", NULL, NULL), FALSE, "out != NULL");
  REFUSED (stk_query_item_by_id (NULL, 1, &info, NULL), FALSE, "db != NULL");
  REFUSED (stk_query_item_by_id (db, 1, NULL, NULL), FALSE, "out != NULL");
  REFUSED (stk_query_complete_codes (NULL, "C", 5, NULL), NULL, "db != NULL");
  REFUSED (stk_query_complete_codes (db, NULL, 5, NULL), NULL, "prefix != NULL");
  REFUSED (stk_query_report (NULL, 30, 5, 0, NULL), NULL, "db != NULL");
  REFUSED (stk_pager_index_build_with_base (NULL, query, NULL, NULL, NULL), NULL, "db != NULL");
  REFUSED (stk_pager_index_build_with_base (db, NULL, NULL, NULL, NULL), NULL, "query != NULL");
  REFUSED (stk_pager_fetch (NULL, query, NULL, 0, 5, NULL), NULL, "db != NULL");
  REFUSED (stk_pager_fetch (db, NULL, NULL, 0, 5, NULL), NULL, "query != NULL");
  REFUSED (stk_pager_position_of (NULL, query, NULL, 1, NULL), -1, "db != NULL");
  REFUSED (stk_pager_position_of (db, NULL, NULL, 1, NULL), -1, "query != NULL");
  REFUSED (stk_pager_index_can_order (NULL, NULL), FALSE, "query != NULL");
  REFUSED (stk_sqlite_read_stats (NULL, db_path, &stats, NULL), FALSE, "db != NULL");
  REFUSED (stk_sqlite_read_stats ((StkEngineConn *) db, db_path, NULL, NULL), FALSE, "stats != NULL");
  REFUSED (stk_db_begin (NULL, STK_TXN_READ, NULL), FALSE, "db != NULL");
  REFUSED (stk_db_commit (NULL, NULL), FALSE, "db != NULL");
  REFUSED_VOID (stk_db_rollback (NULL), "db != NULL");
  REFUSED_VOID (stk_db_end_read (NULL), "db != NULL");
  REFUSED (stk_schema_migrate (NULL, STK_SCHEMA_VERSION, NULL), FALSE, "db != NULL");
  REFUSED (stk_schema_migrate (db, STK_SCHEMA_VERSION + 1, NULL), FALSE, "target_version");
  REFUSED (stk_schema_migrate (db, -1, NULL), FALSE, "target_version");
  REFUSED (stk_code_db_has_key (NULL, &exists, NULL), FALSE, "db != NULL");
  REFUSED (stk_code_db_has_key (db, NULL, NULL), FALSE, "out_has != NULL");
  REFUSED (stk_db_check_file (NULL, &exists, NULL), FALSE, "given_path != NULL");
  REFUSED (stk_db_open (NULL, STK_DB_READ_ONLY, NULL), NULL, "given_path != NULL");
  {
    gsize n_before = criticals->len;

    stk_db_close (NULL);   /* like free (NULL): nothing to do, nothing said */
    cr_assert_eq (criticals->len, n_before);
  }
  cr_assert_null (info.code, "a refused read fills nothing");

  /* The connection still answers after all that. */
  cr_assert (stk_db_query_int64 (db, "SELECT count(*) FROM items", &n, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (n, 1);
  stk_store_release (store, db);
  assert_unchanged (before);
}

Test (cov_contracts, exports_and_table_names_refuse_bad_arguments)
{
  g_autoptr(GBytes) before = stk_test_read_bytes (db_path);
  g_autoptr(GError) set = g_error_new_literal (STK_ERROR, STK_ERROR_FAILED, "already set");
  g_autoptr(GObject) not_a_cancellable = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autofree char *out = g_build_filename (tmpdir, "items.csv", NULL);
  g_autofree char *all = g_build_filename (tmpdir, "all", NULL);
  GCancellable *bad = (GCancellable *) not_a_cancellable;
  StkTable table = STK_TABLE_SALES;
  guint64 rows = 5;
  gint64 cents = 9;

  start_refusing ();
  REFUSED (stk_export_file (NULL, STK_TABLE_SKUS, out, NULL, NULL, NULL, &rows, NULL), FALSE,
           "STK_IS_STORE");
  REFUSED (stk_export_file (store, (StkTable) 99, out, NULL, NULL, NULL, &rows, NULL), FALSE,
           "G_N_ELEMENTS");
  REFUSED (stk_export_file (store, STK_TABLE_SKUS, NULL, NULL, NULL, NULL, &rows, NULL), FALSE,
           "path != NULL");
  REFUSED (stk_export_file (store, STK_TABLE_SKUS, out, NULL, NULL, bad, &rows, NULL), FALSE,
           "G_IS_CANCELLABLE");
  REFUSED (stk_export_file (store, STK_TABLE_SKUS, out, NULL, NULL, NULL, &rows, &set), FALSE,
           "*error == NULL");
  REFUSED (stk_export_all (NULL, all, NULL, &rows, NULL), FALSE, "STK_IS_STORE");
  REFUSED (stk_export_all (store, NULL, NULL, &rows, NULL), FALSE, "dir != NULL");
  REFUSED (stk_export_all (store, all, NULL, &rows, &set), FALSE, "*error == NULL");
  cr_assert_eq (rows, 5, "a refused export counts nothing");
  cr_assert_not (g_file_test (out, G_FILE_TEST_EXISTS), "no file was written");
  cr_assert_not (g_file_test (all, G_FILE_TEST_EXISTS), "no folder was made");

  REFUSED (stk_table_to_string ((StkTable) 99), NULL, "G_N_ELEMENTS");
  REFUSED (stk_table_from_string ("skus", NULL), FALSE, "out_table != NULL");
  cr_assert_not (stk_table_from_string (NULL, &table), "no name is no table");
  cr_assert_eq (table, STK_TABLE_SALES, "left as it was");
  REFUSED (stk_price_parse (NULL, &cents, NULL), FALSE, "text != NULL");
  REFUSED (stk_price_parse ("1.00", NULL, NULL), FALSE, "out_cents != NULL");
  cr_assert_eq (cents, 9, "left as it was");
  assert_unchanged (before);
}

Test (cov_contracts, exit_codes_of_errors_from_elsewhere_and_of_no_error)
{
  g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "not ours");
  g_autoptr(GError) locked = g_error_new_literal (STK_ERROR, STK_ERROR_LOCKED, "locked");
  g_autoptr(GError) set = NULL;

  cr_assert_eq (stk_error_exit_code (NULL), 0, "no error is success");
  cr_assert_eq (stk_error_exit_code (io), 1, "an error of another domain is a plain failure");
  cr_assert_eq (stk_error_exit_code (locked), 75);

  start_refusing ();
  REFUSED_VOID (stk_error_set_errno (&set, EIO, NULL), "format != NULL");
  cr_assert_null (set, "no error was set from a NULL format");
  stk_error_set_errno (NULL, EIO, "ignored %s", "x");   /* no error asked for: nothing */
}
