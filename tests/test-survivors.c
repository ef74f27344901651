/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests that kill the mutants the last full run of build-aux/mutate.py left alive
 * (issue 20): a standalone op never shares a transaction, the lock file names who
 * holds it, the schema itself refuses a receipt of zero, the import's quantity limit
 * is exact, a read-only folder offers no editing; and COMMIT answering busy loses
 * and doubles nothing. */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-faultvfs.h"
#include "stk-lock.h"
#include "stk-lock-test-util.h"
#include "stk-ops.h"
#include "stk-session.h"
#include "stk-transfer.h"
#include "stk-writer.h"
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

TestSuite (survivors, .init = setup, .fini = teardown, .timeout = 60);

typedef struct
{
  guint    expected;
  guint    done;
  guint    ok;
  gboolean all_done;
  GPtrArray *errors;   /* one per op, in completion order; NULL for success */
} Results;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Results *r = user_data;
  GError *error = NULL;

  if (stk_writer_submit_finish (STK_WRITER (object), result, &error))
    r->ok++;
  g_ptr_array_add (r->errors, error);
  if (++r->done == r->expected)
    r->all_done = TRUE;
}

static void
error_free0 (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static void
results_init (Results *r,
              guint    expected)
{
  memset (r, 0, sizeof *r);
  r->expected = expected;
  /* Holds a GError * (or NULL) per op: g_clear_error() would take it for a GError **. */
  r->errors = g_ptr_array_new_with_free_func (error_free0);
}

static void
results_clear (Results *r)
{
  g_clear_pointer (&r->errors, g_ptr_array_unref);
}

/* ---- writer-standalone-alone: a standalone op runs alone, outside any transaction ---- */

typedef struct
{
  gboolean ran;
  gboolean autocommit;   /* sqlite3_get_autocommit() when it ran */
  gint64   items_seen;   /* items committed before it ran */
} Standalone;

static gboolean
apply_standalone (StkOp    *op,
                  sqlite3  *db,
                  gpointer  user_data,
                  GError  **error)
{
  Standalone *s = user_data;
  sqlite3_stmt *stmt = NULL;

  s->ran = TRUE;
  s->autocommit = sqlite3_get_autocommit (db) != 0;
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM items", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    s->items_seen = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

Test (survivors, standalone_op_queued_behind_others_runs_alone)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkOp) before = stk_op_create_item ("BEFORE", "", 100, 0);
  g_autoptr(StkOp) after = stk_op_create_item ("AFTER", "", 100, 0);
  g_autoptr(StkOp) alone = NULL;
  Standalone s = { 0 };
  StkTestGate gate;
  StkOp *gop;
  Results r;

  alone = stk_sqlite_op_new ("alone", STK_CHANGE_NONE, apply_standalone, &s, NULL);
  /* Outside any transaction (NO_TRANSACTION), so that running inside the batch's
   * transaction shows as autocommit being off. */
  stk_op_set_flags (alone, STK_OP_FLAG_STANDALONE | STK_OP_FLAG_NO_TRANSACTION |
                           STK_OP_FLAG_NO_RECORD);

  /* The gate holds the writer thread, so that the three ops are queued together and
   * the next batch could take them all. */
  results_init (&r, 4);
  stk_test_gate_init (&gate);
  gop = stk_test_gate_op (&gate);
  stk_writer_submit (writer, gop, NULL, done_cb, &r);
  stk_test_gate_wait_started (&gate);
  stk_writer_submit (writer, before, NULL, done_cb, &r);
  stk_writer_submit (writer, alone, NULL, done_cb, &r);
  stk_writer_submit (writer, after, NULL, done_cb, &r);
  cr_assert_eq (stk_writer_get_pending (writer), 4);
  stk_test_gate_release (&gate);
  cr_assert (stk_test_wait_for (&r.all_done, 30000));

  cr_assert_eq (r.ok, 4);
  cr_assert (s.ran);
  cr_assert (s.autocommit, "the standalone op ran inside the batch's transaction");
  cr_assert_eq (s.items_seen, 1, "the op before it committed first, the op after it later");
  stk_test_close_writer (writer);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2);
  results_clear (&r);
  stk_op_unref (gop);
  stk_test_gate_clear (&gate);
}

/* ---- lock-holder-what: the lock file says which command holds it ---- */

static char *
write_file (const char *name,
            const char *contents)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  cr_assert (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

Test (survivors, lock_taken_for_a_command_reads_back_as_that_command)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLock) lock = stk_lock_acquire (db_path, "import", &error);
  g_autoptr(StkLockHolder) holder = NULL;
  g_autofree char *contents = NULL;

  cr_assert_not_null (lock, "%s", error ? error->message : "");
  holder = stk_lock_read_holder (db_path);
  cr_assert_not_null (holder);
  cr_assert_str_eq (holder->what, "import");
  cr_assert_eq (holder->pid, (gint64) getpid ());
  cr_assert (g_file_get_contents (stk_lock_get_path (lock), &contents, NULL, NULL));
  cr_assert (strstr (contents, "\nwhat=import\n") != NULL, "%s", contents);
}

/* The program's exit-75 message names the command that holds the inventory. */
Test (survivors, command_refused_while_another_command_holds_the_lock_names_it)
{
  const char *exe = g_getenv ("STOCKTAKE_EXE");
  g_autofree char *csv = write_file ("new.csv", "code\nLOCKED-1\n");
  g_autoptr(GSubprocess) taker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int wait_status = 0;
  const char *argv[] = { exe, "--database", db_path, "import", "skus", csv, NULL };
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_close_writer (writer);
  cr_assert_not_null (exe, "STOCKTAKE_EXE is not set");
  taker = stk_lock_taker_start (db_path, "restore");
  cr_assert (g_spawn_sync (tmpdir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                           &out, &err, &wait_status, &error), "%s", error ? error->message : "");
  cr_assert (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 75, "status %d: %s",
             wait_status, err);
  cr_assert (strstr (err, "is being changed by the Stocktake command “restore”") != NULL, "%s", err);
  stk_lock_taker_stop (taker);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0);
}

/* ---- session-edit-takes-lock: the window's lock says "window" ---- */

static void
assert_held_by_a_window (void)
{
  g_autoptr(StkLockHolder) holder = stk_lock_read_holder (db_path);
  g_autoptr(GError) error = NULL;

  cr_assert (stk_lock_is_held (db_path));
  cr_assert_not_null (holder);
  cr_assert_str_eq (holder->what, "window");
  cr_assert_eq (holder->pid, (gint64) getpid ());
  /* What another program is told. */
  cr_assert_null (stk_lock_acquire (db_path, "import", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);
  cr_assert (strstr (error->message, "open for editing in another Stocktake window") != NULL,
             "%s", error->message);
}

Test (survivors, window_editing_holds_the_lock_as_a_window)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkSession) session = NULL;
  g_autoptr(GError) error = NULL;

  stk_test_close_writer (writer);
  session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  cr_assert_not_null (session, "%s", error ? error->message : "");
  assert_held_by_a_window ();
  cr_assert (stk_session_close (session, 5000, NULL));
}

Test (survivors, switch_to_editing_holds_the_lock_as_a_window)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkSession) session = NULL;
  g_autoptr(GError) error = NULL;

  stk_test_close_writer (writer);
  session = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (session, "%s", error ? error->message : "");
  cr_assert (!stk_lock_is_held (db_path));
  cr_assert (stk_session_switch_to_editing (session, &error), "%s", error ? error->message : "");
  cr_assert_not (stk_session_get_read_only (session));
  assert_held_by_a_window ();
  cr_assert (stk_session_close (session, 5000, NULL));
}

/* ---- schema-receive-check: the schema itself refuses a receipt of zero ---- */

static int
exec_raw (sqlite3    *db,
          const char *sql)
{
  sqlite3_exec (db, sql, NULL, NULL, NULL);
  return sqlite3_extended_errcode (db);
}

Test (survivors, schema_refuses_a_receipt_of_zero_written_in_sql)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  sqlite3 *db = NULL;
  int rc;

  stk_test_submit (writer, stk_op_create_item ("R-1", "", 100, 0));
  stk_test_close_writer (writer);

  /* Past the op layer: plain SQL on the file, as any other program could write it. */
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  rc = exec_raw (db, "INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                     " SELECT id, 'receive', 0, on_hand, 1 FROM items WHERE code = 'R-1'");
  cr_assert_eq (rc, SQLITE_CONSTRAINT_CHECK, "%d: %s", rc, sqlite3_errmsg (db));
  /* The same statement with one unit goes in: it was the zero that was refused. */
  rc = exec_raw (db, "INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                     " SELECT id, 'receive', 1, on_hand + 1, 1 FROM items WHERE code = 'R-1'");
  cr_assert_eq (rc, SQLITE_OK, "%d: %s", rc, sqlite3_errmsg (db));
  sqlite3_close (db);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'R-1'"), 1);
}

/* ---- transfer-integer-max: the largest quantity an import takes is exact ---- */

#define MAX_QUANTITY "1000000000000" /* MAX_QUANTITY in data/stk-transfer.c: 10^12 */

Test (survivors, import_takes_a_quantity_at_the_limit_and_refuses_one_more)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *over = write_file ("over.csv",
                                      "moved_at,sku,kind,quantity,reason\n"
                                      "2026-01-01,Q,receive,1000000000001,\n");
  g_autofree char *at = write_file ("at.csv",
                                    "moved_at,sku,kind,quantity,reason\n"
                                    "2026-01-01,Q,receive," MAX_QUANTITY ",\n");
  g_autofree char *skus = write_file ("skus.csv",
                                      "code,reorder_level\n"
                                      "S-1," MAX_QUANTITY "\n"
                                      "S-2,1000000000001\n");
  g_auto(StkImportReport) report = { 0 };
  g_auto(StkImportReport) report2 = { 0 };
  g_auto(StkImportReport) report3 = { 0 };
  g_autoptr(GError) error = NULL;

  stk_test_submit (writer, stk_op_create_item ("Q", "", 100, 0));

  cr_assert_not (stk_import_file (writer, STK_TABLE_MOVEMENTS, over, NULL, NULL, NULL,
                                  &report, &error));
  cr_assert_eq (report.n_errors, 1);
  cr_assert_str_eq (g_ptr_array_index (report.errors, 0),
                    "Line 2: The quantity “1000000000001” is too large.");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements"), 0);
  g_clear_error (&error);

  cr_assert (stk_import_file (writer, STK_TABLE_MOVEMENTS, at, NULL, NULL, NULL, &report2, &error),
             "%s: %s", error ? error->message : "",
             report2.errors && report2.errors->len ? (char *) g_ptr_array_index (report2.errors, 0) : "");
  cr_assert_eq (report2.imported, 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'Q'"),
                G_GINT64_CONSTANT (1000000000000));

  /* The same limit for every whole number read from a file. */
  cr_assert_not (stk_import_file (writer, STK_TABLE_SKUS, skus, NULL, NULL, NULL, &report3, &error));
  cr_assert_eq (report3.n_errors, 1);
  cr_assert_str_eq (g_ptr_array_index (report3.errors, 0),
                    "Line 3: The reorder_level “1000000000001” is too large.");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code LIKE 'S-%'"), 0);
  stk_test_close_writer (writer);
}

/* ---- session-lock-available-dir: a read-only folder offers no Switch to Editing ---- */

Test (survivors, inventory_in_a_read_only_folder_offers_no_editing)
{
  g_autofree char *folder = g_build_filename (tmpdir, "shared", NULL);
  g_autofree char *path = g_build_filename (folder, "inventory.db", NULL);
  g_autofree char *lock_path = stk_lock_path_for (path);
  g_autoptr(StkSession) writable = NULL;
  g_autoptr(StkSession) session = NULL;
  g_autoptr(GError) error = NULL;
  StkWriter *writer;

  cr_assert_eq (g_mkdir (folder, 0755), 0);
  cr_assert_eq (g_chmod (tmpdir, 0755), 0);
  writer = stk_test_open_writer (path);
  stk_test_close_writer (writer);
  cr_assert_eq (g_chmod (path, 0644), 0);

  /* While we may write the folder, a read-only window may switch to editing. */
  writable = stk_session_open (path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (writable, "%s", error ? error->message : "");
  cr_assert (stk_session_get_can_edit (writable));
  cr_assert (stk_session_close (writable, 5000, NULL));
  cr_assert (!g_file_test (lock_path, G_FILE_TEST_EXISTS), "no lock file: the folder decides");

  /* Root may write anywhere: as root the test becomes nobody, for whom the root-owned
   * 0755 folder is readable but not writable. */
  if (geteuid () == 0)
    stk_test_drop_privileges ();
  else
    cr_assert_eq (g_chmod (folder, 0555), 0);
  cr_assert_neq (access (folder, R_OK | X_OK), -1, "the folder can be read");
  cr_assert_eq (access (folder, W_OK), -1, "the folder cannot be written");

  session = stk_session_open (path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (session, "%s", error ? error->message : "");
  cr_assert (stk_session_get_read_only (session));
  cr_assert_not (stk_session_get_can_edit (session), "Switch to Editing offered in a read-only folder");
  cr_assert_null (stk_session_get_holder (session));
  cr_assert_not (stk_session_switch_to_editing (session, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);
  cr_assert (stk_session_get_read_only (session));
  cr_assert_not (stk_session_get_can_edit (session));
  cr_assert (stk_session_close (session, 5000, NULL));
  if (geteuid () != 0)
    g_chmod (folder, 0755); /* so that teardown can remove it */
}

/* ---- COMMIT answering busy: every op applied exactly once, the writer goes on ---- */

static StkWriter *
new_writer (guint    retry_budget_ms,
            gboolean fail_when_locked)
{
  g_autoptr(GError) error = NULL;
  StkWriter *writer = g_initable_new (STK_TYPE_WRITER, NULL, &error,
                                      "path", db_path,
                                      "retry-budget-ms", retry_budget_ms,
                                      "fail-when-locked", fail_when_locked,
                                      "probe-interval-ms", 100,
                                      "poll-interval-ms", 60000,
                                      NULL);

  cr_assert_not_null (writer, "%s", error ? error->message : "");
  return writer;
}

/* Waits (spinning the main context) until the fault VFS has fired @n times, or an op
 * of @r finished. */
static gboolean
wait_fired (guint64        n,
            const Results *r)
{
  STK_TEST_WAIT_UNTIL (stk_faultvfs_fired () >= n || r->done != 0, 30000);
  return stk_faultvfs_fired () >= n;
}

/* With PRAGMA synchronous=FULL the write-ahead log is synced inside COMMIT, and
 * nowhere else in a batch: a sync answering SQLITE_BUSY is COMMIT answering busy,
 * after the batch's frames were written to the log. */
Test (survivors, commit_answering_busy_is_retried_and_applies_every_op_once)
{
  StkWriter *writer = new_writer (60000, FALSE);
  g_autoptr(StkOp) a = stk_op_create_item ("C-1", "", 100, 0);
  g_autoptr(StkOp) b = stk_op_create_item ("C-2", "", 200, 0);
  g_autoptr(StkOp) receive = stk_op_record_movement ("C-1", STK_MOVEMENT_RECEIVE, 5, "delivery", 0);
  g_autoptr(StkOp) sale = stk_op_record_sale ("C-1", 2, -1, 0);
  g_autoptr(StkOp) bad = stk_op_record_sale ("C-2", 1, -1, 0);   /* no stock: fails alone */
  g_autoptr(StkOp) next = stk_op_create_item ("C-3", "", 300, 0);
  StkWriterFigures before, after;
  Results r;

  stk_writer_get_figures (writer, &before);
  results_init (&r, 5);
  stk_faultvfs_arm_sticky (STK_FAULT_SYNC, 1, SQLITE_BUSY);
  stk_writer_submit (writer, a, NULL, done_cb, &r);
  stk_writer_submit (writer, b, NULL, done_cb, &r);
  stk_writer_submit (writer, receive, NULL, done_cb, &r);
  stk_writer_submit (writer, sale, NULL, done_cb, &r);
  stk_writer_submit (writer, bad, NULL, done_cb, &r);

  /* Several COMMITs answer busy; nothing is done, nothing is visible. */
  cr_assert (wait_fired (3, &r), "fired %lu", (gulong) stk_faultvfs_fired ());
  cr_assert_eq (r.done, 0, "an op finished while every COMMIT answered busy");
  cr_assert_eq (stk_writer_get_pending (writer), 5);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM applied_ops"), 0);

  stk_faultvfs_disarm ();
  cr_assert (stk_test_wait_for (&r.all_done, 30000));
  stk_writer_get_figures (writer, &after);
  cr_assert_eq (r.ok, 4);
  cr_assert_null (g_ptr_array_index (r.errors, 3));
  cr_assert (g_error_matches (g_ptr_array_index (r.errors, 4), STK_ERROR, STK_ERROR_CONSTRAINT),
             "%s", ((GError *) g_ptr_array_index (r.errors, 4))->message);
  cr_assert_eq (after.committed - before.committed, 4);
  cr_assert_eq (after.failed - before.failed, 1);
  cr_assert_geq (after.retries - before.retries, 3);

  /* The writer goes on. */
  cr_assert (stk_writer_submit_sync (writer, next, NULL));
  stk_test_close_writer (writer);
  results_clear (&r);

  /* Exactly once, also after a reopen reads the log again. */
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 3);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements"), 2);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'C-1'"), 3);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM applied_ops"), 5);
}

/* The command line's writer: COMMIT busy past the retry budget fails the ops with one
 * clear error and applies none of them; the next op commits. */
Test (survivors, commit_busy_past_the_budget_fails_cleanly_for_the_command_line)
{
  StkWriter *writer = new_writer (300, TRUE);
  g_autoptr(StkOp) a = stk_op_create_item ("L-1", "", 100, 0);
  g_autoptr(StkOp) b = stk_op_create_item ("L-2", "", 100, 0);
  g_autoptr(GError) error = NULL;

  stk_faultvfs_arm_sticky (STK_FAULT_SYNC, 1, SQLITE_BUSY);
  cr_assert_not (stk_writer_submit_sync (writer, a, &error));
  cr_assert_geq (stk_faultvfs_fired (), 1);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%d: %s", error->code,
             error->message);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0);
  stk_faultvfs_disarm ();

  cr_assert (stk_writer_submit_sync (writer, b, NULL));
  stk_test_close_writer (writer);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'L-2'"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'L-1'"), 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM applied_ops"), 1);
}
