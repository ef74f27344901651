/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lists (data/sqlite/stk-pager.c), the inventory's figures, its check and its
 * backup (stk-sqlite-store.c), and the maintenance ops (stk-sqlite-maintenance.c) when
 * the disk fails a read at any one of their statements (issue 20, branch coverage):
 * each fails with the I/O error — a list, a page, a position, a search; the figures; a
 * check; a backup, which then leaves no file — and a checkpoint, a restore or generated
 * data (row by row) that fails leaves the inventory as it was. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "stk-error.h"
#include "stk-faultvfs.h"
#include "stk-maintenance.h"
#include "stk-ops.h"
#include "stk-pager.h"
#include "stk-reads.h"
#include "stk-seams.h"
#include "stk-stmt-faults.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static void
setup (void)
{
  stk_stmt_faults_install ();
  stk_test_fixture_setup ();
  stk_seams_reset ();
}

static void
teardown (void)
{
  stk_stmt_faults_disarm ();
  stk_seams_reset ();
  stk_test_fixture_teardown ();
}

TestSuite (cov_sqlite_reads, .init = setup, .fini = teardown, .timeout = 900);

static const char *const every_table[] = {
  "SELECT * FROM items ORDER BY id",
  "SELECT * FROM movements ORDER BY id",
  "SELECT * FROM sales ORDER BY id",
  "SELECT * FROM returns ORDER BY id",
  "SELECT * FROM settings ORDER BY key",
  "SELECT * FROM tax_rates ORDER BY id",
  "SELECT * FROM day_closes ORDER BY id",
  "SELECT * FROM applied_ops ORDER BY 1",
  NULL
};

/* The shop of stk_stmt_faults_make_shop() and 300 generated items with 600 sales:
 * enough rows for a list's index to have anchors and pages. */
static char *
make_big_shop (void)
{
  char *db = stk_stmt_faults_make_shop (tmpdir);
  g_autoptr(GError) error = NULL;
  StkWriter *writer = stk_test_open_writer (db);

  cr_assert (stk_generate (writer, 300, 600, 11, NULL, NULL, &error), "%s",
             error ? error->message : "");
  stk_test_close_writer (writer);
  return db;
}

typedef gboolean (*ReadCall) (StkStore  *store,
                              GError   **error);

/* A function pointer carried as data (ISO C converts no function pointer to void *). */
typedef struct
{
  ReadCall call;
} ReadCallBox;

static gboolean
read_run (const char  *db,
          guint        nth,
          gpointer     data,
          GError     **error)
{
  const ReadCallBox *box = data;
  g_autoptr(StkStore) store = stk_test_open_store (db);
  gboolean ok;

  stk_stmt_faults_arm (nth);
  ok = box->call (store, error);
  stk_stmt_faults_disarm ();
  return ok;
}

static void
sweep_read (const char *template,
            ReadCall    call,
            const char *what)
{
  g_autofree char *work = g_build_filename (tmpdir, "work.db", NULL);
  ReadCallBox box = { call };
  guint failed;

  failed = stk_stmt_faults_sweep (template, work, every_table, STK_ERROR, STK_ERROR_IO,
                                  read_run, &box);
  cr_assert_geq (failed, 1, "%s: no call failed", what);
}

/* ---- lists ---- */

static gboolean
list_of (StkStore      *store,
         StkPagerKind   kind,
         const char    *sort,
         gboolean       descending,
         const char    *search,
         guint64        expect,
         GError       **error)
{
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (kind, sort, descending, search, NULL);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(StkListResult) result = NULL;
  g_autoptr(GArray) rows = NULL;
  guint page = 0;
  gint64 position;

  cr_assert_not_null (query);
  g_array_append_val (numbers, page);
  page = 1;
  g_array_append_val (numbers, page);
  result = stk_store_list (store, query, NULL, numbers, FALSE, NULL, error);
  if (result == NULL)
    return FALSE;
  cr_assert_eq (stk_pager_index_get_count (result->index), expect, "%" G_GUINT64_FORMAT " rows",
                stk_pager_index_get_count (result->index));
  cr_assert_eq (result->pages->len, 2);
  if (expect == 0)
    return TRUE;

  rows = stk_store_fetch (store, query, result->index, expect / 2, 3, error);
  if (rows == NULL)
    return FALSE;
  cr_assert_eq (rows->len, MIN (3, expect - expect / 2));
  position = stk_store_position_of (store, query, result->index,
                                    g_array_index (rows, StkPagerRow, 0).id, error);
  if (position < 0)
    return FALSE;
  cr_assert_eq (position, (gint64) (expect / 2));
  return TRUE;
}

static gint64 n_items, n_sales, n_moves;

static gboolean
list_items (StkStore *store, GError **error)
{
  return list_of (store, STK_PAGER_ITEMS, NULL, FALSE, NULL, (guint64) n_items, error);
}

static gboolean
list_items_by_price (StkStore *store, GError **error)
{
  return list_of (store, STK_PAGER_ITEMS, stk_pager_sort_columns (STK_PAGER_ITEMS)[3], TRUE, NULL,
                  (guint64) n_items, error);
}

static gboolean
search_items (StkStore *store, GError **error)
{
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, "a", NULL);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(StkListResult) result = NULL;
  guint page = 0;

  g_array_append_val (numbers, page);
  result = stk_store_list (store, query, NULL, numbers, FALSE, NULL, error);
  if (result == NULL)
    return FALSE;
  cr_assert_gt (stk_pager_index_get_count (result->index), 0);
  return TRUE;
}

static gboolean
search_codes (StkStore *store, GError **error)
{
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, stk_pager_sort_columns (STK_PAGER_ITEMS)[1], FALSE,
                                                        "A-1", NULL);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(StkListResult) result = NULL;
  guint page = 0;

  g_array_append_val (numbers, page);
  result = stk_store_list (store, query, NULL, numbers, FALSE, NULL, error);
  if (result == NULL)
    return FALSE;
  cr_assert_geq (stk_pager_index_get_count (result->index), 1);
  return TRUE;
}

static gboolean
list_sales (StkStore *store, GError **error)
{
  return list_of (store, STK_PAGER_SALES, NULL, TRUE, NULL, (guint64) n_sales, error);
}

static gboolean
list_moves (StkStore *store, GError **error)
{
  return list_of (store, STK_PAGER_MOVES, NULL, TRUE, NULL, (guint64) n_moves, error);
}

static gboolean
first_page_only (StkStore *store, GError **error)
{
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_SALES, NULL, TRUE, NULL, NULL);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(StkListResult) result = NULL;
  guint page = 0;

  g_array_append_val (numbers, page);
  result = stk_store_list (store, query, NULL, numbers, TRUE, NULL, error);
  if (result == NULL)
    return FALSE;
  cr_assert_gt (((GArray *) g_ptr_array_index (result->pages, 0))->len, 0);
  return TRUE;
}

Test (cov_sqlite_reads, a_list_under_a_read_error_fails_with_it)
{
  g_autofree char *shop = make_big_shop ();

  n_items = stk_test_query (shop, "SELECT count(*) FROM items WHERE archived = 0");
  n_sales = stk_test_query (shop, "SELECT count(*) FROM sales WHERE first_line IS NULL");
  n_moves = stk_test_query (shop, "SELECT count(*) FROM movements");
  sweep_read (shop, list_items, "items");
  sweep_read (shop, list_items_by_price, "items by price");
  sweep_read (shop, search_items, "items search");
  sweep_read (shop, search_codes, "code search");
  sweep_read (shop, list_sales, "sales");
  sweep_read (shop, list_moves, "movements");
  sweep_read (shop, first_page_only, "first page");
}

/* ---- the figures, the check, the backup ---- */

static gboolean
read_stats (StkStore *store, GError **error)
{
  StkStats stats = { 0 };

  if (!stk_store_get_stats (store, &stats, error))
    return FALSE;
  cr_assert_eq (stats.items, 4);
  cr_assert_eq (stats.whole_sales, 3);
  return TRUE;
}

static gboolean
verify (StkStore *store, GError **error)
{
  g_autoptr(GPtrArray) problems = stk_store_verify (store, error);

  if (problems == NULL)
    return FALSE;
  cr_assert_eq (problems->len, 0, "%s", problems->len ? (char *) problems->pdata[0] : "");
  return TRUE;
}

static gboolean
kept_apart (StkStore *store, GError **error)
{
  g_autoptr(GPtrArray) lines = stk_store_codes_kept_apart (store, error);

  if (lines == NULL)
    return FALSE;
  cr_assert_eq (lines->len, 0);
  return TRUE;
}

static gboolean
backup (StkStore *store, GError **error)
{
  g_autofree char *copy = g_build_filename (tmpdir, "copy.db", NULL);
  gboolean ok;

  g_unlink (copy);
  ok = stk_store_backup (store, copy, error);
  cr_assert_eq (g_file_test (copy, G_FILE_TEST_EXISTS), ok, "a backup %s its copy",
                ok ? "without" : "that failed left");
  return ok;
}

/* The stock's value and the margin (format 10): a read error is the read's error,
 * never an inventory without costs or an empty report. */
static gboolean
read_valuation (StkStore *store, GError **error)
{
  g_autoptr(StkValuation) valuation = stk_store_valuation (store, error);

  return valuation != NULL;
}

static gboolean
read_margin (StkStore *store, GError **error)
{
  g_autoptr(StkMarginReport) report = stk_store_margin_report (store, 1, G_MAXINT64, error);

  return report != NULL;
}

Test (cov_sqlite_reads, the_figures_the_check_and_a_backup_under_a_read_error_fail_with_it)
{
  g_autofree char *shop = stk_stmt_faults_make_shop (tmpdir);

  sweep_read (shop, read_stats, "figures");
  sweep_read (shop, verify, "check");
  sweep_read (shop, kept_apart, "codes kept apart");
  sweep_read (shop, backup, "backup");
  sweep_read (shop, read_valuation, "stock value");
  sweep_read (shop, read_margin, "margin");
}

/* ---- maintenance ---- */

static gboolean
generate_rows_run (const char  *db,
                   guint        nth,
                   gpointer     data,
                   GError     **error)
{
  StkWriter *writer = stk_test_open_writer (db);
  gboolean ok;

  stk_bulk_min_rows = G_MAXUINT;
  stk_stmt_faults_arm (nth);
  ok = stk_generate (writer, 3, 6, 5, NULL, NULL, error);
  stk_stmt_faults_disarm ();
  stk_test_close_writer (writer);
  stk_seams_reset ();
  if (!ok)
    {
      gint64 items = stk_test_query (db, "SELECT count(*) FROM items");

      /* The items are one change, the sales another. */
      cr_assert (items == 4 || items == 4 + 3, "statement %u: %" G_GINT64_FORMAT " items", nth,
                 items);
    }
  return ok;
}

static const char *const sales_tables[] = {
  "SELECT * FROM sales ORDER BY id",
  "SELECT * FROM receipt_numbers ORDER BY series, number",
  "SELECT * FROM settings ORDER BY key",
  NULL
};

Test (cov_sqlite_reads, data_generated_row_by_row_under_a_read_error_adds_no_sale)
{
  g_autofree char *shop = stk_stmt_faults_make_shop (tmpdir);
  g_autofree char *work = g_build_filename (tmpdir, "work.db", NULL);
  guint failed;

  failed = stk_stmt_faults_sweep (shop, work, sales_tables, STK_ERROR, STK_ERROR_IO,
                                  generate_rows_run, NULL);
  cr_assert_geq (failed, 5, "only %u calls failed", failed);
}

static const char *template_path;
static guint restored_then_failed;

static gboolean
restore_run (const char  *db,
             guint        nth,
             gpointer     data,
             GError     **error)
{
  const char *backup_path = data;
  StkWriter *writer = stk_test_open_writer (db);
  g_autoptr(StkStore) store = stk_test_open_store (db);
  g_autofree char *safety = NULL;
  gboolean ok;

  stk_stmt_faults_arm (nth);
  ok = stk_restore (writer, store, backup_path, &safety, error);
  stk_stmt_faults_disarm ();
  g_clear_object (&store);
  stk_test_close_writer (writer);
  if (ok)
    cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM items"), 5);
  else if (g_str_has_prefix ((*error)->message, "The backup was restored"))
    {
      g_autofree char *contents = NULL;
      gsize len = 0;

      /* A failure after the copy was committed says so, and the inventory is the
       * backup's, whole. Put back as it was for the sweep's check. */
      cr_assert ((*error)->domain == STK_ERROR && (*error)->code == STK_ERROR_IO);
      cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM items"), 5);
      cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM pragma_integrity_check"
                                        " WHERE integrity_check <> 'ok'"), 0);
      restored_then_failed++;
      cr_assert (g_file_get_contents (template_path, &contents, &len, NULL));
      {
        g_autofree char *wal = g_strconcat (db, "-wal", NULL);
        g_autofree char *shm = g_strconcat (db, "-shm", NULL);

        g_unlink (wal);
        g_unlink (shm);
      }
      cr_assert (g_file_set_contents (db, contents, (gssize) len, NULL));
    }
  if (safety != NULL)
    g_unlink (safety);
  return ok;
}

Test (cov_sqlite_reads, a_restore_under_a_read_error_leaves_the_inventory_as_it_was)
{
  g_autofree char *shop = stk_stmt_faults_make_shop (tmpdir);
  g_autofree char *work = g_build_filename (tmpdir, "work.db", NULL);
  g_autofree char *backup_path = g_build_filename (tmpdir, "backup.db", NULL);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  StkWriter *writer;
  guint failed;

  /* The backup: the shop and one item more. */
  g_assert_cmpint (g_file_test (shop, G_FILE_TEST_EXISTS), ==, TRUE);
  store = stk_test_open_store (shop);
  cr_assert (stk_store_backup (store, backup_path, &error), "%s", error ? error->message : "");
  g_clear_object (&store);
  writer = stk_test_open_writer (backup_path);
  stk_test_submit (writer, stk_op_create_item ("E-5", "extra", 500, 0));
  stk_test_close_writer (writer);

  template_path = shop;
  failed = stk_stmt_faults_sweep (shop, work, every_table, STK_ERROR, STK_ERROR_IO, restore_run,
                                  backup_path);
  cr_assert_geq (failed, 1, "only %u calls failed", failed);
}

static gboolean
checkpoint_run (const char  *db,
                guint        nth,
                gpointer     data,
                GError     **error)
{
  StkWriter *writer = stk_test_open_writer (db);
  gint64 frames = -1, done = -1;
  gboolean ok;

  stk_test_submit (writer, stk_op_create_item ("F-6", "in the log", 600, 0));
  stk_stmt_faults_arm (nth);
  ok = stk_checkpoint (writer, &frames, &done, error);
  stk_stmt_faults_disarm ();
  stk_test_close_writer (writer);
  if (ok)
    cr_assert_eq (frames, done);
  cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM items WHERE code = 'F-6'"), 1,
                "statement %u: the item committed before is lost", nth);
  return ok;
}

Test (cov_sqlite_reads, a_checkpoint_under_a_read_error_loses_nothing)
{
  g_autofree char *shop = stk_stmt_faults_make_shop (tmpdir);
  g_autofree char *work = g_build_filename (tmpdir, "work.db", NULL);
  static const char *const items[] = {
    "SELECT code FROM items WHERE code <> 'F-6' ORDER BY id", NULL
  };

  /* Nothing lost: what the writer committed before is there after (the queries are
   * read after the writer closed, with F-6 committed either way). */
  stk_stmt_faults_sweep (shop, work, items, STK_ERROR, STK_ERROR_IO, checkpoint_run, NULL);
}
