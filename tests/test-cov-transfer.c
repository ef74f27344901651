/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Imports by the row path and exports when the disk fails a read at any one of their
 * statements (issue 20, branch coverage of data/sqlite/stk-sqlite-transfer.c and of the
 * engine's reads): each table imported row by row — items with barcodes and a rate of
 * their own, sales of several lines with tax, discounts and voids, movements, returns,
 * tax rates —, a whole folder imported into an empty inventory, each table and the
 * whole inventory exported. An import that fails leaves every table as it was; an
 * export that fails leaves no file behind. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "stk-error.h"
#include "stk-faultvfs.h"
#include "stk-ops.h"
#include "stk-seams.h"
#include "stk-stmt-faults.h"
#include "stk-transfer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static void
setup (void)
{
  stk_stmt_faults_install ();
  stk_test_fixture_setup ();
  stk_seams_reset ();
  /* The row path, whatever the batch. */
  stk_bulk_min_rows = G_MAXUINT;
}

static void
teardown (void)
{
  stk_stmt_faults_disarm ();
  stk_seams_reset ();
  stk_test_fixture_teardown ();
}

TestSuite (cov_transfer, .init = setup, .fini = teardown, .timeout = 600);

static const char *const every_table[] = {
  "SELECT * FROM items ORDER BY id",
  "SELECT * FROM movements ORDER BY id",
  "SELECT * FROM sales ORDER BY id",
  "SELECT * FROM sale_voids ORDER BY sale_id",
  "SELECT * FROM returns ORDER BY id",
  "SELECT * FROM barcodes ORDER BY 1",
  "SELECT * FROM settings ORDER BY key",
  "SELECT * FROM receipt_numbers ORDER BY series, number",
  "SELECT * FROM tax_rates ORDER BY id",
  "SELECT * FROM day_closes ORDER BY id",
  "SELECT * FROM applied_ops ORDER BY 1",
  "SELECT rowid FROM items_fts WHERE items_fts MATCH 'new OR bolt' ORDER BY rowid",
  NULL
};

static char *
write_file (const char *name,
            const char *contents)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_set_contents (path, contents, -1, &error), "%s",
             error ? error->message : "");
  return path;
}

/* ---- imports, row by row ---- */

typedef struct
{
  StkTable    table;
  const char *file;
  guint64     imported;
} ImportCall;

static gboolean
import_run (const char  *db,
            guint        nth,
            gpointer     data,
            GError     **error)
{
  ImportCall *call = data;
  g_auto(StkImportReport) report = { 0 };
  StkWriter *writer = stk_test_open_writer (db);
  gboolean ok;

  stk_stmt_faults_arm (nth);
  ok = stk_import_file (writer, call->table, call->file, NULL, NULL, NULL, &report, error);
  stk_stmt_faults_disarm ();
  stk_test_close_writer (writer);
  if (ok)
    cr_assert_eq (report.imported, call->imported, "%" G_GUINT64_FORMAT " imported",
                  report.imported);
  else if (report.errors != NULL && report.errors->len > 0)
    cr_assert_fail ("statement %u: a read error taken for a bad row: %s", nth,
                    (char *) g_ptr_array_index (report.errors, 0));
  return ok;
}

static void
sweep_import (const char *template,
              StkTable    table,
              const char *csv,
              guint64     imported)
{
  g_autofree char *work = g_build_filename (tmpdir, "work.db", NULL);
  g_autofree char *file = write_file ("rows.csv", csv);
  ImportCall call = { table, file, imported };
  guint failed;

  failed = stk_stmt_faults_sweep (template, work, every_table, STK_ERROR, STK_ERROR_IO,
                                  import_run, &call);
  cr_assert_geq (failed, 5, "only %u calls failed", failed);
}

static const char skus_csv[] =
  "code,description,unit_price,reorder_level,archived,on_hand,barcodes,tax_rate\n"
  "N-1,new one,1.00,0,0,5,BOX-N1,Reduced\n"
  "N-2,new two,2.00,1,1,3,,\n";

static const char sales_csv[] =
  "sold_at,sku,quantity,unit_price,reference,sale,discount,payment,note,voided,void_reason,"
  "tax_name,tax_rate,tax_included,tax\n"
  "2030-01-01T10:00:00Z,A-1,2,1.00,S9,S9,,Card,hi,,,Standard,22,1,0.36\n"
  "2030-01-01T10:00:00Z,B-2,1,2.00,S9#2,S9,0.10,Card,hi,,,Reduced,10,1,0.17\n"
  "2030-01-02T10:00:00Z,C-3,1,3.00,S10,S10,,Cash,,2030-01-02T11:00:00Z,oops,,,,\n";

static const char movements_csv[] =
  "moved_at,sku,kind,quantity,reason,reference\n"
  "2030-01-03T10:00:00Z,A-1,receive,5,in,MV1\n"
  "2030-01-04T10:00:00Z,B-2,adjustment,-1,lost,MV2\n"
  "2030-01-05T10:00:00Z,C-3,count,9,counted,MV3\n";

static const char returns_csv[] =
  "returned_at,sale,line,quantity,refund,reason,reference,tax\n"
  "2030-02-01T10:00:00Z,S9,1,1,1.00,bad,RT1,0.18\n"
  "2030-02-01T11:00:00Z,S9,2,1,,,RT2,\n";

static const char rates_csv[] =
  "name,rate,default,prices_include_tax,tax_rounding\n"
  "Standard,22,1,1,line\n"
  "Reduced,10,0,1,line\n"
  "Super,4.5,0,1,line\n";

Test (cov_transfer, items_imported_row_by_row_under_a_read_error_import_nothing)
{
  g_autofree char *shop = stk_stmt_faults_make_shop (tmpdir);

  sweep_import (shop, STK_TABLE_SKUS, skus_csv, 2);
}

Test (cov_transfer, sales_imported_row_by_row_under_a_read_error_import_nothing)
{
  g_autofree char *shop = stk_stmt_faults_make_shop (tmpdir);

  sweep_import (shop, STK_TABLE_SALES, sales_csv, 3);
}

Test (cov_transfer, movements_imported_under_a_read_error_import_nothing)
{
  g_autofree char *shop = stk_stmt_faults_make_shop (tmpdir);

  sweep_import (shop, STK_TABLE_MOVEMENTS, movements_csv, 3);
}

Test (cov_transfer, tax_rates_imported_under_a_read_error_import_nothing)
{
  g_autofree char *shop = stk_stmt_faults_make_shop (tmpdir);

  sweep_import (shop, STK_TABLE_TAX_RATES, rates_csv, 1);
}

Test (cov_transfer, returns_imported_under_a_read_error_import_nothing)
{
  g_autofree char *shop = stk_stmt_faults_make_shop (tmpdir);
  g_autofree char *sales = write_file ("sales.csv", sales_csv);
  g_autofree char *template = g_build_filename (tmpdir, "with-sales.db", NULL);
  g_autofree char *contents = NULL;
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  StkWriter *writer;
  gsize len = 0;

  cr_assert (g_file_get_contents (shop, &contents, &len, NULL));
  cr_assert (g_file_set_contents (template, contents, (gssize) len, NULL));
  writer = stk_test_open_writer (template);
  cr_assert (stk_import_file (writer, STK_TABLE_SALES, sales, NULL, NULL, NULL, &report, &error),
             "%s", error ? error->message : "");
  stk_test_close_writer (writer);
  sweep_import (template, STK_TABLE_RETURNS, returns_csv, 2);
}

/* ---- a whole folder into an empty inventory ---- */

static gboolean
import_all_run (const char  *db,
                guint        nth,
                gpointer     data,
                GError     **error)
{
  const char *dir = data;
  g_auto(StkImportReport) report = { 0 };
  StkWriter *writer = stk_test_open_writer (db);
  gboolean ok;

  stk_stmt_faults_arm (nth);
  ok = stk_import_all (writer, dir, NULL, &report, error);
  stk_stmt_faults_disarm ();
  stk_test_close_writer (writer);
  if (ok)
    cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM sales"), 4);
  return ok;
}

Test (cov_transfer, a_folder_imported_under_a_read_error_imports_nothing)
{
  g_autofree char *shop = stk_stmt_faults_make_shop (tmpdir);
  g_autofree char *dir = g_build_filename (tmpdir, "all", NULL);
  g_autofree char *empty = g_build_filename (tmpdir, "empty.db", NULL);
  g_autofree char *work = g_build_filename (tmpdir, "work.db", NULL);
  g_autoptr(StkStore) store = stk_test_open_store (shop);
  g_autoptr(GError) error = NULL;
  guint64 rows = 0;
  guint failed;

  cr_assert (stk_export_all (store, dir, NULL, &rows, &error), "%s", error ? error->message : "");
  g_clear_object (&store);
  stk_test_close_writer (stk_test_open_writer (empty));
  failed = stk_stmt_faults_sweep (empty, work, every_table, STK_ERROR, STK_ERROR_IO,
                                  import_all_run, dir);
  cr_assert_geq (failed, 10, "only %u calls failed", failed);
}

/* ---- exports ---- */

typedef struct
{
  StkTable    table;     /* -1: the whole inventory as a folder */
  guint64     rows;
} ExportCall;

static gboolean
export_run (const char  *db,
            guint        nth,
            gpointer     data,
            GError     **error)
{
  ExportCall *call = data;
  g_autoptr(StkStore) store = stk_test_open_store (db);
  g_autofree char *out = g_build_filename (tmpdir, "out", NULL);
  guint64 rows = 0;
  gboolean ok;

  stk_test_rmdir (out);
  g_unlink (out);
  stk_stmt_faults_arm (nth);
  if ((int) call->table < 0)
    ok = stk_export_all (store, out, NULL, &rows, error);
  else
    ok = stk_export_file (store, call->table, out, NULL, NULL, NULL, &rows, error);
  stk_stmt_faults_disarm ();
  if (ok)
    cr_assert_eq (rows, call->rows, "%" G_GUINT64_FORMAT " rows", rows);
  else
    {
      g_autoptr(GDir) left = g_dir_open (tmpdir, 0, NULL);
      const char *name;

      cr_assert_not (g_file_test (out, G_FILE_TEST_EXISTS), "statement %u: a failed export left"
                     " its file", nth);
      /* Nor a temporary file beside it. */
      while ((name = g_dir_read_name (left)) != NULL)
        cr_assert (!g_str_has_prefix (name, "out") && !g_str_has_prefix (name, ".out"),
                   "statement %u: %s left behind", nth, name);
    }
  return ok;
}

Test (cov_transfer, an_export_under_a_read_error_leaves_no_file)
{
  g_autofree char *shop = stk_stmt_faults_make_shop (tmpdir);
  g_autofree char *work = g_build_filename (tmpdir, "work.db", NULL);
  static const ExportCall calls[] = {
    { STK_TABLE_SKUS, 4 }, { STK_TABLE_SALES, 4 }, { STK_TABLE_MOVEMENTS, 3 },
    { STK_TABLE_RETURNS, 1 }, { STK_TABLE_TAX_RATES, 3 }, { (StkTable) -1, 4 + 4 + 3 + 1 + 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      guint failed = stk_stmt_faults_sweep (shop, work, every_table, STK_ERROR, STK_ERROR_IO,
                                            export_run, (gpointer) &calls[i]);

      cr_assert_geq (failed, 1, "export %u: no call failed", i);
    }
}
