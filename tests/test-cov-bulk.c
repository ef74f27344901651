/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bulk path of imports and of generated data (data/sqlite/stk-sqlite-bulk.c) when
 * the disk fails a read at any one of its statements, or the user cancels as any one of
 * them starts (issue 20, branch coverage): the import fails with the I/O error or the
 * cancel, and the inventory is as it was — its rows, its word search and its schema,
 * with every trigger and index the bulk path suspends back in place. Also the rules the
 * bulk path keeps set-wise that tests/test-bulk.c leaves out: a line's tax that does not
 * add up, stock allowed below zero, a file of duplicates only. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "stk-error.h"
#include "stk-faultvfs.h"
#include "stk-maintenance.h"
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
}

static void
teardown (void)
{
  stk_stmt_faults_disarm ();
  stk_seams_reset ();
  stk_test_fixture_teardown ();
}

TestSuite (cov_bulk, .init = setup, .fini = teardown, .timeout = 600);

/* What a failed import must leave as it was. */
static const char *const inventory_queries[] = {
  "SELECT id, code, code_key, description, unit_price_cents, reorder_level, archived, on_hand,"
  " tax_rate_id FROM items ORDER BY id",
  "SELECT id, item_id, kind, quantity, balance, reason, moved_at, reference, sale_id"
  " FROM movements ORDER BY id",
  "SELECT * FROM sales ORDER BY id",
  "SELECT * FROM receipt_numbers ORDER BY series, number",
  "SELECT key, value FROM settings ORDER BY key",
  "SELECT rowid FROM items_fts WHERE items_fts MATCH 'bolt OR nut OR washer' ORDER BY rowid",
  "SELECT * FROM items_fts_config ORDER BY k",
  "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
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

/* The bulk path for any batch; @rebuild: its indexes dropped and built again. */
static void
use_bulk (gboolean rebuild)
{
  stk_bulk_min_rows = 1;
  stk_bulk_index_ratio = rebuild ? 0 : G_MAXUINT;
}

/* An inventory of three items with stock, two sales with references and a tax rate,
 * made by the row path and closed: the template every call starts from. */
static char *
make_template (const char *name)
{
  static const char skus[] =
    "code,description,unit_price,reorder_level,archived,on_hand\n"
    "A-1,bolt,1.00,0,0,50\n"
    "B-2,nut,2.00,1,0,30\n"
    "C-3,washer,3.00,0,0,20\n";
  static const char sales[] =
    "sold_at,sku,quantity,unit_price,reference\n"
    "2030-01-01T10:00:00Z,A-1,1,1.00,R-1\n"
    "2030-01-02T10:00:00Z,B-2,2,,R-2\n";
  g_autofree char *skus_file = write_file ("template-skus.csv", skus);
  g_autofree char *sales_file = write_file ("template-sales.csv", sales);
  char *db = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(StkImportReport) r1 = { 0 };
  g_auto(StkImportReport) r2 = { 0 };
  StkWriter *writer;

  stk_bulk_min_rows = G_MAXUINT;
  writer = stk_test_open_writer (db);
  cr_assert (stk_import_file (writer, STK_TABLE_SKUS, skus_file, NULL, NULL, NULL, &r1, &error),
             "%s", error ? error->message : "");
  cr_assert (stk_import_file (writer, STK_TABLE_SALES, sales_file, NULL, NULL, NULL, &r2, &error),
             "%s", error ? error->message : "");
  stk_test_submit (writer, stk_op_save_tax_rate (0, "Standard", 2200));
  stk_test_submit (writer, stk_op_set_default_tax_rate (1));
  stk_test_close_writer (writer);
  stk_seams_reset ();
  return db;
}

typedef struct
{
  StkTable    table;
  const char *file;
  gboolean    rebuild;
  gboolean    cancel;
  guint64     expect_imported;
} ImportCall;

static gboolean
import_run (const char  *db,
            guint        nth,
            gpointer     data,
            GError     **error)
{
  ImportCall *call = data;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(StkImportReport) report = { 0 };
  StkWriter *writer;
  gboolean ok;

  use_bulk (call->rebuild);
  writer = stk_test_open_writer (db);
  if (call->cancel)
    stk_stmt_faults_arm_cancel (nth, cancellable);
  else
    stk_stmt_faults_arm (nth);
  ok = stk_import_file (writer, call->table, call->file, NULL, NULL, cancellable, &report, error);
  stk_stmt_faults_disarm ();
  stk_test_close_writer (writer);
  stk_seams_reset ();
  if (ok)
    cr_assert_eq (report.imported, call->expect_imported);
  else
    cr_assert_eq (report.imported, 0, "statement %u: a failed import counts no row", nth);
  return ok;
}

static const char new_skus[] =
  "code,description,unit_price,reorder_level,archived,on_hand\n"
  "N-1,bolt long,1.50,0,0,5\n"
  "N-2,nut small,0.50,2,0,0\n"
  "N-3,washer old,0.10,0,yes,7\n"
  "N-4,bolt short,1.20,0,0,12\n";

/* Sales of the template's items: one imported before (R-1, a duplicate), one at the
 * item's price, one with its tax given, one computed from the shop's rate. */
static const char new_sales[] =
  "sold_at,sku,quantity,unit_price,reference,tax_name,tax_rate,tax_included,tax\n"
  "2030-01-01T10:00:00Z,A-1,1,1.00,R-1,,,,\n"
  "2030-02-01T10:00:00Z,a-1,3,,R-10,,,,\n"
  "2030-02-02T10:00:00Z,B-2,2,2.00,R-11,Reduced,10,yes,0.36\n"
  "2030-02-03T10:00:00Z,C-3,4,3.00,R-12,,,,\n"
  "2030-02-04T10:00:00Z,A-1,2,1.00,R-13,,,,\n";

static void
sweep_import (StkTable     table,
              const char  *csv,
              guint64      expect_imported,
              gboolean     cancel)
{
  g_autofree char *template = make_template ("template.db");
  g_autofree char *work = g_build_filename (tmpdir, "work.db", NULL);
  g_autofree char *file = write_file ("batch.csv", csv);

  for (gboolean rebuild = FALSE; rebuild <= TRUE; rebuild++)
    {
      ImportCall call = { table, file, rebuild, cancel, expect_imported };
      guint failed;

      failed = stk_stmt_faults_sweep (template, work, inventory_queries,
                                      cancel ? G_IO_ERROR : STK_ERROR,
                                      cancel ? G_IO_ERROR_CANCELLED : STK_ERROR_IO,
                                      import_run, &call);
      /* Each of the statements that read the inventory, at the least: staging, the
       * rule passes, the inserts, the triggers and indexes put back. */
      cr_assert_geq (failed, 10, "only %u calls failed", failed);
    }
}

Test (cov_bulk, a_read_error_at_any_statement_of_an_import_of_items_imports_nothing)
{
  sweep_import (STK_TABLE_SKUS, new_skus, 4, FALSE);
}

Test (cov_bulk, a_read_error_at_any_statement_of_an_import_of_sales_imports_nothing)
{
  sweep_import (STK_TABLE_SALES, new_sales, 4, FALSE);
}

Test (cov_bulk, a_cancel_at_any_statement_of_an_import_of_items_imports_nothing)
{
  sweep_import (STK_TABLE_SKUS, new_skus, 4, TRUE);
}

Test (cov_bulk, a_cancel_at_any_statement_of_an_import_of_sales_imports_nothing)
{
  sweep_import (STK_TABLE_SALES, new_sales, 4, TRUE);
}

/* ---- generated data ---- */

static gboolean
generate_run (const char  *db,
              guint        nth,
              gpointer     data,
              GError     **error)
{
  gboolean rebuild = GPOINTER_TO_INT (data);
  StkWriter *writer;
  gboolean ok;

  use_bulk (rebuild);
  writer = stk_test_open_writer (db);
  stk_stmt_faults_arm (nth);
  ok = stk_generate (writer, 6, 25, 7, NULL, NULL, error);
  stk_stmt_faults_disarm ();
  stk_test_close_writer (writer);
  stk_seams_reset ();
  if (ok)
    {
      cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM items"), 3 + 6);
      cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM sales"), 2 + 25);
    }
  else
    {
      /* The items are one change, the sales another (tests/test-data-errors.c): all of
       * the items or none of them, and each item's on-hand its last movement's balance. */
      gint64 items = stk_test_query (db, "SELECT count(*) FROM items");

      cr_assert (items == 3 || items == 3 + 6, "statement %u: %" G_GINT64_FORMAT " items", nth,
                 items);
      cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM items i WHERE on_hand IS NOT"
                                        " coalesce ((SELECT balance FROM movements m"
                                        "  WHERE m.item_id = i.id ORDER BY id DESC LIMIT 1), 0)"),
                    0, "statement %u", nth);
    }
  return ok;
}

/* What a failed generation leaves as it was: the items may have gone in as a change of
 * their own before the sales failed. */
static const char *const sales_queries[] = {
  "SELECT * FROM sales ORDER BY id",
  "SELECT * FROM receipt_numbers ORDER BY series, number",
  "SELECT key, value FROM settings ORDER BY key",
  "SELECT * FROM items_fts_config ORDER BY k",
  "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
  NULL
};

Test (cov_bulk, a_read_error_at_any_statement_of_generated_data_adds_nothing)
{
  g_autofree char *template = make_template ("template.db");
  g_autofree char *work = g_build_filename (tmpdir, "work.db", NULL);

  for (int rebuild = FALSE; rebuild <= TRUE; rebuild++)
    {
      guint failed = stk_stmt_faults_sweep (template, work, sales_queries, STK_ERROR,
                                            STK_ERROR_IO, generate_run,
                                            GINT_TO_POINTER (rebuild));

      cr_assert_geq (failed, 10, "only %u calls failed", failed);
    }
}

/* ---- the rules, set-wise ---- */

/* Imports @csv into a copy of the template by the bulk path; the report and error. */
static gboolean
bulk_import (const char       *db,
             StkTable          table,
             const char       *csv,
             StkImportReport  *report,
             GError          **error)
{
  g_autofree char *file = write_file ("rule.csv", csv);
  StkWriter *writer;
  gboolean ok;

  use_bulk (FALSE);
  writer = stk_test_open_writer (db);
  ok = stk_import_file (writer, table, file, NULL, NULL, NULL, report, error);
  stk_test_close_writer (writer);
  stk_seams_reset ();
  return ok;
}

static char *
dump (const char *db)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; inventory_queries[i] != NULL; i++)
    {
      g_autofree char *part = stk_test_query_dump (db, inventory_queries[i]);

      g_string_append (s, part);
    }
  return g_string_free (s, FALSE);
}

Test (cov_bulk, a_file_of_sales_imported_before_imports_nothing_and_counts_them)
{
  g_autofree char *db = make_template ("template.db");
  g_autofree char *before = dump (db);
  g_autofree char *after = NULL;
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;

  /* The template's two sales, by their references. */
  cr_assert (bulk_import (db, STK_TABLE_SALES,
                          "sold_at,sku,quantity,unit_price,reference\n"
                          "2030-01-01T10:00:00Z,A-1,1,1.00,R-1\n"
                          "2030-01-02T10:00:00Z,B-2,2,,R-2\n",
                          &report, &error), "%s", error ? error->message : "");
  cr_assert_eq (report.imported, 0);
  cr_assert_eq (report.duplicates, 2);
  after = dump (db);
  cr_assert_str_eq (after, before);
}

Test (cov_bulk, stock_allowed_below_zero_takes_every_sale)
{
  g_autofree char *db = make_template ("template.db");
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  StkWriter *writer = stk_test_open_writer (db);

  stk_test_submit (writer, stk_op_set_allow_negative_stock (TRUE));
  stk_test_close_writer (writer);
  /* C-3 has 20: 15 and 15 more take it to −10. */
  cr_assert (bulk_import (db, STK_TABLE_SALES,
                          "sold_at,sku,quantity,reference\n"
                          "2030-03-01T10:00:00Z,C-3,15,N-1\n"
                          "2030-03-02T10:00:00Z,c-3,15,N-2\n",
                          &report, &error), "%s", error ? error->message : "");
  cr_assert_eq (report.imported, 2);
  cr_assert_eq (stk_test_query (db, "SELECT on_hand FROM items WHERE code = 'C-3'"), -10);
  cr_assert_eq (stk_test_query (db, "SELECT balance FROM movements ORDER BY id DESC LIMIT 1"), -10);
}

Test (cov_bulk, a_tax_that_does_not_add_up_names_its_line_and_imports_nothing)
{
  g_autofree char *db = make_template ("template.db");
  g_autofree char *before = dump (db);
  g_autofree char *after = NULL;
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;

  /* 2 × 2.00 at 10 % included is 0.36 of tax, not 0.50; line 3's 0 % has none. */
  cr_assert_not (bulk_import (db, STK_TABLE_SALES,
                              "sold_at,sku,quantity,unit_price,reference,tax_name,tax_rate,"
                              "tax_included,tax\n"
                              "2030-02-02T10:00:00Z,B-2,2,2.00,T-1,Reduced,10,yes,0.50\n"
                              "2030-02-02T11:00:00Z,A-1,1,1.00,T-2,,0,yes,0.00\n",
                              &report, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error->message);
  cr_assert_eq (report.n_errors, 1);
  cr_assert (g_str_has_prefix (g_ptr_array_index (report.errors, 0), "Line 2: "), "%s",
             (char *) g_ptr_array_index (report.errors, 0));
  cr_assert (strstr (g_ptr_array_index (report.errors, 0), "0.36") != NULL, "%s",
             (char *) g_ptr_array_index (report.errors, 0));
  after = dump (db);
  cr_assert_str_eq (after, before);
}

Test (cov_bulk, items_with_a_code_alone_have_no_description)
{
  g_autofree char *db = make_template ("template.db");
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;

  cr_assert (bulk_import (db, STK_TABLE_SKUS, "code\nZ-1\nZ-2\n", &report, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (report.imported, 2);
  cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM items WHERE code LIKE 'Z-%'"
                                    " AND description = '' AND on_hand = 0"), 2);
  /* No opening count for items without stock. */
  cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM movements m JOIN items i"
                                    " ON i.id = m.item_id WHERE i.code LIKE 'Z-%'"), 0);
}
