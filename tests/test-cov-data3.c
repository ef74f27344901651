/* SPDX-License-Identifier: GPL-3.0-or-later */
/* More of the storage core's untaken branches (issue 20, branch coverage of data/): the
 * writer's and the store's properties and state names as a binding reads them; a file
 * whose header looks like an empty database but that SQLite cannot read; a blank file
 * opened read-only; the long jobs run with a cancellable that is never cancelled, and
 * an export of everything that fails or whose row count nobody asked for; databases
 * named only in their write-ahead log; upgrades one format at a time. */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-faultvfs.h"
#include "stk-format.h"
#include "stk-jobs.h"
#include "stk-lock.h"
#include "stk-maintenance.h"
#include "stk-ops.h"
#include "stk-pager.h"
#include "stk-reads.h"
#include "stk-schema.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static void
setup (void)
{
  stk_faultvfs_register ();
  stk_faultvfs_disarm ();
  stk_test_fixture_setup ();
}

static void
teardown (void)
{
  stk_faultvfs_disarm ();
  stk_test_fixture_teardown ();
}

TestSuite (cov_data3, .init = setup, .fini = teardown, .timeout = 120);

/* ---- properties --------------------------------------------------------------------- */

Test (cov_data3, the_writer_s_properties_read_back_what_it_was_made_with)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autofree char *path = NULL;
  g_autofree char *store_path = NULL;
  guint budget = 0, probe = 0, poll = 0, pending = 99;
  gboolean fail_when_locked = FALSE;
  StkWriterState state = STK_WRITER_STATE_CLOSED;

  writer = g_initable_new (STK_TYPE_WRITER, NULL, &error, "path", db_path,
                           "retry-budget-ms", 1234, "probe-interval-ms", 56,
                           "poll-interval-ms", 789, "fail-when-locked", TRUE, NULL);
  cr_assert_not_null (writer, "%s", error ? error->message : "");
  g_object_get (writer, "path", &path, "retry-budget-ms", &budget, "probe-interval-ms", &probe,
                "poll-interval-ms", &poll, "fail-when-locked", &fail_when_locked,
                "state", &state, "pending", &pending, NULL);
  cr_assert_str_eq (path, stk_writer_get_path (writer));
  cr_assert_str_eq (path, db_path);
  cr_assert_eq (budget, 1234);
  cr_assert_eq (probe, 56);
  cr_assert_eq (poll, 789);
  cr_assert (fail_when_locked);
  cr_assert_eq (state, STK_WRITER_STATE_READY);
  cr_assert_eq (pending, 0);

  cr_assert (stk_writer_close (writer, 5000, &error), "%s", error ? error->message : "");
  /* The property follows on the owner's main context. */
  cr_assert (STK_TEST_WAIT_UNTIL ((g_object_get (writer, "state", &state, NULL),
                                   state == STK_WRITER_STATE_CLOSED), 30000),
             "state is %s", stk_writer_state_to_string (state));

  store = stk_test_open_store (db_path);
  g_object_get (store, "path", &store_path, NULL);
  cr_assert_str_eq (store_path, db_path);
}

Test (cov_data3, every_writer_state_has_its_name)
{
  static const struct
  {
    StkWriterState state;
    const char    *name;
  } names[] = {
    { STK_WRITER_STATE_READY, "ready" },
    { STK_WRITER_STATE_RETRYING, "retrying" },
    { STK_WRITER_STATE_LOCKED, "locked" },
    { STK_WRITER_STATE_PROBING, "probing" },
    { STK_WRITER_STATE_CLOSED, "closed" },
    { (StkWriterState) 42, "unknown" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    cr_assert_str_eq (stk_writer_state_to_string (names[i].state), names[i].name);
}

/* ---- files SQLite cannot read, and blank files -------------------------------------- */

/* A database of no program (application id 0, no write-ahead log): only SQLite can tell
 * whether it holds anything, and here it cannot read it. */
static void
make_unreadable_empty_looking_db (guint8 offset_byte_value)
{
  sqlite3 *raw = NULL;
  int fd;

  cr_assert_eq (sqlite3_open (db_path, &raw), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (raw, "PRAGMA journal_mode = DELETE; CREATE TABLE t (x);"
                              " INSERT INTO t VALUES (1);", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (raw);
  /* The schema table's b-tree page header (right after the 100-byte file header). */
  fd = g_open (db_path, O_WRONLY, 0);
  cr_assert_geq (fd, 0);
  {
    guint8 junk[8];

    memset (junk, offset_byte_value, sizeof junk);
    cr_assert_eq (pwrite (fd, junk, sizeof junk, 100), (ssize_t) sizeof junk);
  }
  close (fd);
}

Test (cov_data3, a_database_of_no_program_that_sqlite_cannot_read_is_damaged_and_untouched)
{
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *expected = NULL;
  gboolean exists = FALSE;

  make_unreadable_empty_looking_db (0xff);
  before = stk_test_read_bytes (db_path);
  cr_assert_not (stk_db_check_file (db_path, &exists, &error));
  cr_assert (exists);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CORRUPT), "%s", error->message);
  expected = g_strdup_printf ("“%s” is damaged and cannot be read as an inventory.", db_path);
  cr_assert_str_eq (error->message, expected);
  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after), "byte-for-byte unchanged");
  cr_assert (!g_file_test (wal, G_FILE_TEST_EXISTS), "no write-ahead log was created");
}

Test (cov_data3, a_database_of_no_program_that_cannot_be_read_from_disk_says_so)
{
  g_autoptr(GError) error = NULL;
  gboolean exists = FALSE;
  sqlite3 *raw = NULL;

  cr_assert_eq (sqlite3_open (db_path, &raw), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (raw, "PRAGMA journal_mode = DELETE; CREATE TABLE t (x);",
                              NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (raw);

  /* The header is read with read(2); SQLite's own first read of the file fails. */
  stk_faultvfs_arm_sticky (STK_FAULT_READ, 1, SQLITE_IOERR_READ);
  cr_assert_not (stk_db_check_file (db_path, &exists, &error));
  cr_assert_geq (stk_faultvfs_fired (), 1);
  stk_faultvfs_disarm ();
  cr_assert (exists);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
  cr_assert (g_str_has_suffix (error->message, "disk I/O error"), "%s", error->message);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM t"), 0, "still a database");
}

Test (cov_data3, a_blank_file_opened_read_only_holds_no_inventory_yet)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  GStatBuf st;

  cr_assert (g_file_set_contents (db_path, "", 0, NULL));
  cr_assert_null (stk_db_open (db_path, STK_DB_READ_ONLY, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  expected = g_strdup_printf ("“%s” holds no inventory yet.", db_path);
  cr_assert_str_eq (error->message, expected);
  cr_assert_eq (g_stat (db_path, &st), 0);
  cr_assert_eq (st.st_size, 0, "nothing was written into it");
}

/* ---- the long jobs with a cancellable that stays uncancelled ------------------------ */

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
keep_result_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  w->done = TRUE;
}

static GAsyncResult *
wait_result (Wait *w)
{
  cr_assert (stk_test_wait_for (&w->done, 60000), "the job answered");
  return w->result;
}

Test (cov_data3, jobs_given_a_cancellable_nobody_cancels_run_to_the_end)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *csv = g_build_filename (tmpdir, "skus.csv", NULL);
  g_autofree char *all = g_build_filename (tmpdir, "all", NULL);
  g_autofree char *backup = g_build_filename (tmpdir, "copy.db", NULL);
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  guint64 rows = 0;
  Wait w[5] = { { 0 } };

  stk_generate_async (writer, 12, 30, 7, cancellable, NULL, NULL, keep_result_cb, &w[0]);
  cr_assert (stk_generate_finish (writer, wait_result (&w[0]), &error), "%s",
             error ? error->message : "");

  stk_export_file_async (store, STK_TABLE_SKUS, csv, cancellable, NULL, NULL, keep_result_cb, &w[1]);
  cr_assert (stk_export_file_finish (store, wait_result (&w[1]), &rows, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (rows, 12);

  cr_assert_eq (g_mkdir (all, 0700), 0);
  stk_export_all_async (store, all, cancellable, NULL, NULL, keep_result_cb, &w[2]);
  /* Nobody asked for the row count. */
  cr_assert (stk_export_all_finish (store, wait_result (&w[2]), NULL, &error), "%s",
             error ? error->message : "");
  cr_assert (g_file_test (all, G_FILE_TEST_IS_DIR));

  stk_store_backup_async (store, backup, STK_OUTPUT_NONE, cancellable, NULL, NULL,
                          keep_result_cb, &w[3]);
  cr_assert (stk_store_backup_finish (store, wait_result (&w[3]), &error), "%s",
             error ? error->message : "");
  cr_assert_eq (stk_test_query (backup, "SELECT count(*) FROM items"), 12);

  stk_store_verify_async (store, cancellable, NULL, NULL, keep_result_cb, &w[4]);
  problems = stk_store_verify_finish (store, wait_result (&w[4]), &error);
  cr_assert_not_null (problems, "%s", error ? error->message : "");
  cr_assert_eq (problems->len, 0);

  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    g_clear_object (&w[i].result);
  stk_test_close_writer (g_steal_pointer (&writer));
}

Test (cov_data3, a_failed_export_of_everything_counts_no_rows)
{
  g_autofree char *file = g_build_filename (tmpdir, "plain", NULL);
  g_autofree char *beneath = g_build_filename (file, "all", NULL);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint64 rows = 77;
  Wait w = { 0 };

  stk_test_close_writer (stk_test_open_writer (db_path));
  store = stk_test_open_store (db_path);
  cr_assert (g_file_set_contents (file, "x", -1, NULL));
  stk_export_all_async (store, beneath, NULL, NULL, NULL, keep_result_cb, &w);
  cr_assert_not (stk_export_all_finish (store, wait_result (&w), &rows, &error));
  cr_assert_eq (rows, 0, "a failed export counts no rows");
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  cr_assert (strstr (error->message, "is a file, not a folder") != NULL, "%s", error->message);
  g_clear_object (&w.result);
}

/* ---- a database of another program whose first commit is still in its log ---------- */

/* The main file says nothing yet (application id 0, no table): the log holds the
 * commit that names the program, so only SQLite, reading the log, can tell. */
static char *
make_foreign_in_log (const char *name,
                     const char *sql)
{
  g_autofree char *copy = g_build_filename (tmpdir, name, NULL);
  g_autofree char *copy_wal = g_strconcat (copy, "-wal", NULL);
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  sqlite3 *raw = NULL;

  cr_assert_eq (sqlite3_open (db_path, &raw), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (raw, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;",
                              NULL, NULL, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (raw, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (raw));
  cr_assert (g_file_get_contents (db_path, &contents, &len, NULL));
  cr_assert (g_file_set_contents (copy, contents, len, NULL));
  g_clear_pointer (&contents, g_free);
  cr_assert (g_file_get_contents (wal, &contents, &len, NULL));
  cr_assert_gt (len, 0);
  cr_assert (g_file_set_contents (copy_wal, contents, len, NULL));
  sqlite3_close (raw);
  return g_steal_pointer (&copy);
}

Test (cov_data3, another_programs_database_named_only_in_its_log_is_refused)
{
  g_autofree char *copy = make_foreign_in_log ("other.db", "PRAGMA application_id = 4242;"
                                               " CREATE TABLE t (x);");
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  gboolean exists = FALSE;

  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  cr_assert (stk_db_check_file (copy, &exists, &error), "the header alone cannot tell: %s",
             error ? error->message : "");
  before = stk_test_read_bytes (copy);
  cr_assert_null (stk_db_open (copy, STK_DB_READ_ONLY, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_INVENTORY), "%s", error->message);
  expected = g_strdup_printf ("“%s” is an SQLite database of another program, not a Stocktake "
                              "inventory.", copy);
  cr_assert_str_eq (error->message, expected);
  after = stk_test_read_bytes (copy);
  cr_assert (g_bytes_equal (before, after), "the refused file is byte-for-byte unchanged");
}

Test (cov_data3, a_newer_inventory_named_only_in_its_log_is_refused)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %u; PRAGMA user_version = %d;"
                                          " CREATE TABLE t (x);",
                                          (guint) STK_SCHEMA_APPLICATION_ID,
                                          STK_SCHEMA_VERSION + 1);
  g_autofree char *copy = make_foreign_in_log ("newer.db", sql);
  g_autoptr(GError) error = NULL;

  g_autoptr(GBytes) before = stk_test_read_bytes (copy);
  g_autoptr(GBytes) after = NULL;

  /* For writing, too: a newer format is never upgraded or written over. */
  cr_assert_null (stk_db_open (copy, STK_DB_READ_WRITE, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_TOO_NEW), "%s", error->message);
  after = stk_test_read_bytes (copy);
  cr_assert (g_bytes_equal (before, after), "the refused file is byte-for-byte unchanged");
  g_clear_error (&error);
  cr_assert_null (stk_db_open (copy, STK_DB_READ_ONLY, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_TOO_NEW), "%s", error->message);
  cr_assert (strstr (error->message, "was written by a newer version of Stocktake") != NULL, "%s",
             error->message);
  cr_assert_eq (stk_test_query (copy, "PRAGMA user_version"), STK_SCHEMA_VERSION + 1,
                "left as it was");
}

/* ---- upgrades one format at a time --------------------------------------------------- */

static char *
schema_of (sqlite3 *db)
{
  GString *s = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  cr_assert_eq (sqlite3_prepare_v2 (db, "SELECT type, name, sql FROM sqlite_schema"
                                    " WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
                                    -1, &stmt, NULL), SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (s, "%s %s %s\n", sqlite3_column_text (stmt, 0),
                            sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 2));
  sqlite3_finalize (stmt);
  return g_string_free (s, FALSE);
}

Test (cov_data3, upgrading_one_format_at_a_time_ends_as_a_new_inventory_begins)
{
  g_autofree char *direct_path = g_build_filename (tmpdir, "direct.db", NULL);
  g_autofree char *direct = NULL;
  g_autofree char *stepped = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  cr_assert_eq (sqlite3_open (direct_path, &db), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, STK_SCHEMA_VERSION, &error), "%s", error ? error->message : "");
  direct = schema_of (db);
  sqlite3_close (db);

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  for (int v = 0; v <= STK_SCHEMA_VERSION; v++)
    {
      gint64 now = -1;

      cr_assert (stk_schema_migrate (db, v, &error), "to %d: %s", v, error ? error->message : "");
      cr_assert (stk_db_query_int64 (db, "PRAGMA user_version", &now, NULL));
      cr_assert_eq (now, v, "format %d reached, no further", v);
      /* Asking again for a format it has is nothing to do. */
      cr_assert (stk_schema_migrate (db, v, &error), "%s", error ? error->message : "");
    }
  stepped = schema_of (db);
  sqlite3_close (db);
  cr_assert_str_eq (stepped, direct);
}

/* ---- numbers typed only to be checked, and sources beneath a file ------------------- */

Test (cov_data3, figures_can_be_checked_without_keeping_them)
{
  g_autoptr(GError) error = NULL;

  cr_assert (stk_parse_money ("12.50", NULL, &error), "%s", error ? error->message : "");
  cr_assert (stk_parse_count ("1234", NULL, &error), "%s", error ? error->message : "");
  cr_assert_not (stk_parse_count ("12x", NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
}

Test (cov_data3, a_source_beneath_a_file_is_no_such_file)
{
  g_autofree char *file = g_build_filename (tmpdir, "plain", NULL);
  g_autofree char *beneath = g_build_filename (file, "items.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  cr_assert (g_file_set_contents (file, "x", -1, NULL));
  cr_assert_not (stk_input_check (beneath, FALSE, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  expected = g_strdup_printf ("Cannot read “%s”: there is no such file.", beneath);
  cr_assert_str_eq (error->message, expected);
}

/* ---- reads that ask only whether, not what ------------------------------------------ */

static void
fill_small (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_submit (writer, stk_op_create_item ("R-1", "red bolt", 100, 0));
  stk_test_submit (writer, stk_op_create_item ("R-2", "blue nut", 200, 0));
  stk_test_submit (writer, stk_op_record_movement ("R-1", STK_MOVEMENT_RECEIVE, 5, "bolt delivery", 0));
  stk_test_submit (writer, stk_op_record_movement ("R-2", STK_MOVEMENT_RECEIVE, 3, "nut delivery", 0));
  stk_test_close_writer (writer);
}

static void
stats_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GError *error = NULL;

  cr_assert (stk_store_get_stats_finish (STK_STORE (object), result, NULL, &error), "%s",
             error ? error->message : "");
  *(gboolean *) user_data = TRUE;
}

Test (cov_data3, reads_that_ask_only_whether_answer_without_the_details)
{
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  fill_small ();
  store = stk_test_open_store (db_path);
  cr_assert (stk_store_item_by_code (store, "r-1", NULL, &error), "%s", error ? error->message : "");
  cr_assert (stk_store_item_by_id (store, 2, NULL, &error), "%s", error ? error->message : "");
  cr_assert_not (stk_store_item_by_code (store, "R-3", NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  g_clear_error (&error);
  cr_assert (stk_store_get_schema_version (store, NULL, &error), "%s", error ? error->message : "");
  stk_store_get_stats_async (store, NULL, stats_cb, &done);
  cr_assert (stk_test_wait_for (&done, 30000));
}

Test (cov_data3, a_search_of_the_movements_by_code_needs_no_index_of_the_items)
{
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkPagerQuery) query = NULL;
  g_autoptr(StkListResult) list = NULL;
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  GArray *rows;
  guint zero = 0;

  fill_small ();
  store = stk_test_open_store (db_path);
  query = stk_pager_query_new (STK_PAGER_MOVES, NULL, FALSE, "r-1", &error);
  cr_assert_not_null (query, "%s", error ? error->message : "");
  g_array_append_val (pages, zero);
  list = stk_store_list (store, query, NULL, pages, FALSE, NULL, &error);
  cr_assert_not_null (list, "%s", error ? error->message : "");
  cr_assert_null (list->base, "only an items search is ordered by the whole list's index");
  cr_assert_not_null (list->index);
  cr_assert_eq (stk_pager_index_get_count (list->index), 1);
  rows = g_ptr_array_index (list->pages, 0);
  cr_assert_eq (rows->len, 1);
  cr_assert_str_eq (g_array_index (rows, StkPagerRow, 0).code, "R-1");
}

/* ---- a checkpoint that cannot write ------------------------------------------------ */

static StkWriter *
writer_with_a_log (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *code = g_strdup_printf ("K-%u", i);

      stk_test_submit (writer, stk_op_create_item (code, "in the log", 100, 1));
    }
  return writer;
}

Test (cov_data3, a_checkpoint_that_cannot_sync_fails_with_the_reason_and_loses_nothing)
{
  StkWriter *writer = writer_with_a_log ();
  g_autoptr(GError) error = NULL;

  stk_faultvfs_arm_sticky (STK_FAULT_SYNC, 1, SQLITE_IOERR_FSYNC);
  cr_assert_not (stk_checkpoint (writer, NULL, NULL, &error));
  cr_assert_geq (stk_faultvfs_fired (), 1);
  stk_faultvfs_disarm ();
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
  cr_assert (g_str_has_prefix (error->message, "Cannot checkpoint the inventory"), "%s",
             error->message);
  stk_test_close_writer (writer);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 10);
}

/* ---- a session closed while another program holds the inventory --------------------- */

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError **out = user_data;

  stk_writer_submit_finish (STK_WRITER (object), result, out);
}

static void
retrying_cb (GObject    *object,
             GParamSpec *pspec,
             gpointer    user_data)
{
  if (stk_writer_get_state (STK_WRITER (object)) != STK_WRITER_STATE_READY)
    *(gboolean *) user_data = TRUE;
}

Test (cov_data3, a_session_closed_while_another_program_holds_the_inventory_says_what_was_lost)
{
  g_autoptr(StkSession) session = NULL;
  g_autoptr(StkOp) op = stk_op_create_item ("S-1", "never saved", 100, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) op_error = NULL;
  gboolean waiting = FALSE;
  GSubprocess *holder;
  StkWriter *writer;

  session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  cr_assert_not_null (session, "%s", error ? error->message : "");
  writer = stk_session_get_writer (session);
  g_signal_connect (writer, "notify::state", G_CALLBACK (retrying_cb), &waiting);
  holder = stk_test_hold_database (db_path);

  stk_writer_submit (writer, op, NULL, submitted_cb, &op_error);
  cr_assert (stk_test_wait_for (&waiting, 30000), "the writer waits for the inventory");
  cr_assert_not (stk_session_close (session, 100, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CLOSED), "%s", error->message);
  cr_assert_str_eq (error->message, "1 change could not be saved: the inventory stayed locked by "
                                    "another program.");
  cr_assert (STK_TEST_WAIT_UNTIL (op_error != NULL, 30000), "the change is told too");
  cr_assert_not (stk_lock_is_held (db_path), "the session let its lock go");
  g_clear_error (&error);
  cr_assert (stk_session_close (session, 100, &error), "closing twice is nothing to do");
  stk_test_release_database (holder);
  g_object_unref (holder);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'S-1'"), 0);
}

/* ---- money at the edge of what a figure can hold ------------------------------------ */

Test (cov_data3, a_price_whose_cents_do_not_fit_is_too_large_never_wrapped)
{
  static const struct
  {
    const char *text;
    gboolean    ok;
    gint64      cents;
  } cases[] = {
    { "92233720368547758.07", TRUE, G_MAXINT64 },
    { "92233720368547758.08", FALSE, 0 },
    { "184467440737095516.15", FALSE, 0 },   /* overflows while reading the cents */
    { "1844674407370955161.5", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 cents = -1;
      gboolean ok = stk_parse_money (cases[i].text, &cents, &error);

      cr_assert_eq (ok, cases[i].ok, "%s: %s", cases[i].text, error ? error->message : "");
      if (ok)
        cr_assert_eq (cents, cases[i].cents, "%s", cases[i].text);
      else
        {
          cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s",
                     error->message);
          cr_assert_str_eq (error->message, "The price is too large");
          cr_assert_eq (cents, -1, "%s: nothing written on failure", cases[i].text);
        }
    }
}
