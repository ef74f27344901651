/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tax in the CSV files (format 9): skus carry the item's own rate's name, sales each
 * line's tax_name, tax_rate, tax_included and tax, returns their tax. "export all" then
 * "import all" into a fresh inventory gives back every line's tax exactly (receipt
 * rounding included) and the same files, tax-rates.csv bringing the shop's rates, its
 * default and its two rules into a fresh inventory (a folder without it still imports,
 * with the inventory's own rates); bad tax-rates rows (a rate above 100 or negative, a
 * name twice, two defaults, rules that disagree, a name the inventory has at another
 * rate, a broken CSV row) name their line and import nothing; a tax off by a cent, an
 * unknown rate name or a return taking back too much tax name their line and import
 * nothing; files without the tax columns still import, each line at its item's rate
 * now, the bulk path computing in SQL exactly what stk_tax_line() computes. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-seams.h"
#include "stk-store.h"
#include "stk-tax.h"
#include "stk-transfer.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static void
setup (void)
{
  stk_test_fixture_setup ();
  stk_bulk_min_rows = G_MAXUINT;
}

static void
teardown (void)
{
  stk_bulk_min_rows = 1000;
  stk_test_fixture_teardown ();
}

TestSuite (transfer_tax, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers ---- */

/* Asserts that @text (freed here) is @expected. */
#define assert_text(text, ...) \
  do { \
    g_autofree char *text_ = (text); \
    cr_assert_str_eq (text_, __VA_ARGS__); \
  } while (0)

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

static char *
read_text (const char *path)
{
  char *contents = NULL;

  cr_assert (g_file_get_contents (path, &contents, NULL, NULL), "cannot read %s", path);
  return contents;
}

static gint64
utc_us (int y, int mo, int d, int h, int mi, int s)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, s);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static gint64
submit (StkWriter *writer,
        StkOp     *op)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  cr_assert (stk_writer_submit_sync (writer, op, &error), "%s: %s", stk_op_get_description (op),
             error ? error->message : "");
  id = stk_op_get_row_id (op);
  stk_op_unref (op);
  return id;
}

static char *
report_text (const StkImportReport *report)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; report->errors != NULL && i < report->errors->len; i++)
    g_string_append_printf (s, "%s\n", (const char *) g_ptr_array_index (report->errors, i));
  return g_string_free (s, FALSE);
}

/* Imports @contents as a @table file into @db: whether it was imported, the report's
 * problems (one a line) in @out_said. */
static gboolean
import_text (const char  *db,
             StkTable     table,
             const char  *contents,
             char       **out_said)
{
  g_autofree char *path = write_file ("in.csv", contents);
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  StkWriter *writer = stk_test_open_writer (db);
  gboolean ok = stk_import_file (writer, table, path, NULL, NULL, NULL, &report, &error);

  stk_test_close_writer (writer);
  *out_said = report_text (&report);
  if (!ok && report.errors->len == 0)
    {
      g_free (*out_said);
      *out_said = g_strdup (error->message);
    }
  return ok;
}

static gint64
add_rate (StkWriter  *writer,
          const char *name,
          gint64      rate_bp)
{
  return submit (writer, stk_op_save_tax_rate (0, name, rate_bp));
}

/* The rows of @sql, "value|value|" a line (NULL as ""). */
static char *
dump (const char *path,
      const char *sql)
{
  GString *s = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  cr_assert_eq (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), SQLITE_OK, "%s: %s", sql,
                sqlite3_errmsg (db));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, i);

          g_string_append_printf (s, "%s|", text != NULL ? text : "");
        }
      g_string_append_c (s, '\n');
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (s, FALSE);
}

static gint64
item_id (const char *db,
         const char *code)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM items WHERE code = '%s'", code);

  return stk_test_query (db, sql);
}

/* The tax of every sale line and return, and every item's own rate: what must come
 * back whole. */
static const char *const compare_sql[] = {
  "SELECT s.uid, i.code, s.quantity, s.unit_price_cents, s.discount_cents,"
  " coalesce (s.tax_rate_bp, 'none'), s.tax_name, s.tax_included, s.tax_cents, s.total_cents"
  " FROM sales s JOIN items i ON i.id = s.item_id ORDER BY s.uid",
  "SELECT r.uid, r.quantity, r.refund_cents, r.tax_cents FROM returns r ORDER BY r.uid",
  ("SELECT i.code, coalesce (t.name, '(default)') FROM items i"
   " LEFT JOIN tax_rates t ON t.id = i.tax_rate_id ORDER BY i.code"),
};

/* An inventory whose sales have every kind of tax: none (sold before the shop had a
 * rate), the default rate and an item's own, prices with tax included and excluded,
 * rounded per line and per receipt (a line a cent off its own rounding), discounts,
 * returns in part and of the rest, with a refund of their own. */
static void
fill_taxed (StkWriter *writer)
{
  const StkSaleLineSpec untaxed[] = { { "A-1", 2, -1, 0 } };
  const StkSaleLineSpec mixed[] = { { "A-1", 3, -1, 25 }, { "B-2", 1, -1, 0 }, { "C-3", 7, -1, 0 } };
  const StkSaleLineSpec receipt[] = { { "B-2", 1, -1, 0 }, { "B-2", 1, -1, 0 }, { "B-2", 1, -1, 0 },
                                      { "A-1", 1, 199, 0 } };
  const StkSaleLineSpec excluded[] = { { "A-1", 4, -1, 10 }, { "B-2", 3, -1, 0 } };
  gint64 vat, reduced, zero, sale;

  submit (writer, stk_op_create_item ("A-1", "Apple", 250, 0));
  submit (writer, stk_op_create_item ("B-2", "Book", 100, 0));
  submit (writer, stk_op_create_item ("C-3", "=Cheap", 33, 0));
  submit (writer, stk_op_record_movement ("A-1", STK_MOVEMENT_RECEIVE, 100, "in",
                                          utc_us (2026, 1, 2, 8, 0, 0)));
  submit (writer, stk_op_record_movement ("B-2", STK_MOVEMENT_RECEIVE, 100, "in",
                                          utc_us (2026, 1, 2, 8, 0, 0)));
  submit (writer, stk_op_record_movement ("C-3", STK_MOVEMENT_RECEIVE, 100, "in",
                                          utc_us (2026, 1, 2, 8, 0, 0)));
  submit (writer, stk_op_sell (untaxed, 1, "cash", NULL, utc_us (2026, 2, 1, 9, 0, 0)));

  vat = add_rate (writer, "VAT", 2200);
  reduced = add_rate (writer, "Reduced, 5.5", 550);
  zero = add_rate (writer, "Zero", 0);
  submit (writer, stk_op_set_default_tax_rate (vat));
  submit (writer, stk_op_set_item_tax_rate (item_id (db_path, "B-2"), reduced));
  submit (writer, stk_op_set_item_tax_rate (item_id (db_path, "C-3"), zero));
  sale = submit (writer, stk_op_sell (mixed, G_N_ELEMENTS (mixed), "card", NULL,
                                      utc_us (2026, 2, 2, 9, 0, 0)));
  submit (writer, stk_op_set_tax_rounding (STK_TAX_ROUND_RECEIPT));
  submit (writer, stk_op_sell (receipt, G_N_ELEMENTS (receipt), "cash", NULL,
                               utc_us (2026, 2, 3, 9, 0, 0)));
  submit (writer, stk_op_set_prices_include_tax (FALSE));
  submit (writer, stk_op_set_tax_rounding (STK_TAX_ROUND_LINE));
  submit (writer, stk_op_sell (excluded, G_N_ELEMENTS (excluded), "card", "excl.",
                               utc_us (2026, 2, 4, 9, 0, 0)));
  /* Returns of the mixed sale: one of three apples, then the rest with a refund of its
   * own; the book whole. */
  submit (writer, stk_op_return_sale_line (sale, 1, -1, "", utc_us (2026, 2, 5, 9, 0, 0)));
  submit (writer, stk_op_return_sale_line (sale, 2, 400, "the rest",
                                           utc_us (2026, 2, 5, 10, 0, 0)));
  submit (writer, stk_op_return_sale_line (sale + 1, 1, -1, "",
                                           utc_us (2026, 2, 5, 11, 0, 0)));
  /* A rate changed after its sales: the sales keep theirs. */
  submit (writer, stk_op_save_tax_rate (vat, "VAT", 2000));
}

static void
remove_in (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  cr_assert_eq (g_unlink (path), 0, "cannot remove %s", path);
}

static void
export_all_ok (const char *db,
               const char *dir)
{
  g_autoptr(StkStore) store = stk_test_open_store (db);
  g_autoptr(GError) error = NULL;

  cr_assert (stk_export_all (store, dir, NULL, NULL, &error), "%s", error ? error->message : "");
}

/* ---- the bulk path's SQL ---- */

Test (transfer_tax, the_sql_tax_of_a_line_is_stk_tax_line_and_a_given_tax_is_checked_to_the_cent)
{
  static const gint64 rates[] = { 0, 1, 5, 99, 100, 400, 550, 1000, 2000, 2200, 2500, 9999, 10000 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261207);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint checked = 0;

  cr_assert_eq (sqlite3_open (":memory:", &db), SQLITE_OK);
  cr_assert_eq (sqlite3_prepare_v2 (db,
                                    "SELECT " STK_SQLITE_TAX_LINE_SQL ("?1", "?2", "?3"),
                                    -1, &stmt, NULL),
                SQLITE_OK, "%s", sqlite3_errmsg (db));
  for (guint k = 0; k < G_N_ELEMENTS (rates) + 200; k++)
    {
      gint64 rate = k < G_N_ELEMENTS (rates) ? rates[k] : g_rand_int_range (rand, 0, 10001);

      for (int included = 0; included <= 1; included++)
        for (guint j = 0; j < 1200; j++)
          {
            /* Every small amount (each rounding case), then ever larger ones up to the
             * biggest a line can have (G_MAXINT64 / 2). */
            gint64 amount = j < 1000 ? (gint64) j
                            : j < 1100 ? (gint64) g_rand_int_range (rand, 0, G_MAXINT32)
                            : (gint64) (g_rand_double (rand) * (double) (G_MAXINT64 / 2));
            gint64 want = stk_tax_line (amount, rate, included);

            sqlite3_bind_int64 (stmt, 1, amount);
            sqlite3_bind_int64 (stmt, 2, rate);
            sqlite3_bind_int64 (stmt, 3, included ? 10000 + rate : 10000);
            cr_assert_eq (sqlite3_step (stmt), SQLITE_ROW);
            cr_assert_eq (sqlite3_column_type (stmt, 0), SQLITE_INTEGER,
                          "an integer, never a float: %" G_GINT64_FORMAT, amount);
            cr_assert_eq (sqlite3_column_int64 (stmt, 0), want,
                          "amount %" G_GINT64_FORMAT " at %" G_GINT64_FORMAT " bp, included %d:"
                          " SQL %" G_GINT64_FORMAT ", C %" G_GINT64_FORMAT,
                          amount, rate, included, (gint64) sqlite3_column_int64 (stmt, 0), want);
            sqlite3_reset (stmt);
            checked++;
            /* The check of a given tax: within a cent of the exact one, as the schema's
             * sales_tax_check (computed here where it fits in 64 bits). */
            for (gint64 t = MAX (want - 2, 0); j < 1000 && t <= want + 2; t++)
              {
                gint64 d = included ? 10000 + rate : 10000;
                gint64 diff = t * d - amount * rate;

                cr_assert_eq (stk_sqlite_tax_agrees (amount, rate, included, t), ABS (diff) < d,
                              "tax %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " at %" G_GINT64_FORMAT,
                              t, amount, rate);
              }
          }
    }
  cr_assert_gt (checked, 400000);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* ---- export all, import all ---- */

Test (transfer_tax, export_all_then_import_all_gives_back_every_lines_tax)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *dir = g_build_filename (tmpdir, "out", NULL);
  g_autofree char *dir2 = g_build_filename (tmpdir, "again", NULL);
  g_autofree char *copy_path = g_build_filename (tmpdir, "copy.db", NULL);
  static const char *const files[] = { "skus.csv", "movements.csv", "sales.csv", "returns.csv" };
  StkWriter *copy;

  fill_taxed (writer);
  stk_test_close_writer (writer);

  /* The receipt's rounding gave one book a cent more than its own rounding would:
   * only the tax in the file can give that back. */
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales WHERE tax_rate_bp = 550"
                                         " AND unit_price_cents = 100 AND tax_cents = 6"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales WHERE tax_rate_bp = 550"
                                         " AND unit_price_cents = 100 AND tax_cents = 5"), 3);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales WHERE tax_rate_bp IS NULL"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales WHERE tax_included = 0"), 2);
  cr_assert_gt (stk_test_query (db_path, "SELECT count(*) FROM returns WHERE tax_cents > 0"), 1);

  export_all_ok (db_path, dir);
  /* A folder written before tax-rates.csv: the fresh inventory's own rates. */
  remove_in (dir, "tax-rates.csv");
  {
    g_autofree char *p = g_build_filename (dir, "sales.csv", NULL);
    g_autofree char *sales = read_text (p);
    g_autofree char *q = g_build_filename (dir, "skus.csv", NULL);
    g_autofree char *skus = read_text (q);
    g_autofree char *r = g_build_filename (dir, "returns.csv", NULL);
    g_autofree char *returns = read_text (r);

    cr_assert (strstr (sales, ",tax_name,tax_rate,tax_included,tax,cost\r\n") != NULL, "%s", sales);
    /* 3 × 2.50 − 0.25 = 7.25 with 22 % in it: 1.31 */
    cr_assert (strstr (sales, ",0.25,card,,,,VAT,22,1,1.31,0.00\r\n") != NULL, "%s", sales);
    cr_assert (strstr (sales, ",\"Reduced, 5.5\",5.5,1,0.06,0.00\r\n") != NULL, "%s", sales);
    cr_assert (strstr (sales, ",Zero,0,1,0.00,0.00\r\n") != NULL, "%s", sales);
    /* tax excluded: 4 × 2.50 − 0.10 = 9.90, + 22 %: 2.18 */
    cr_assert (strstr (sales, ",excl.,,,VAT,22,0,2.18,0.00\r\n") != NULL, "%s", sales);
    /* before the shop had a rate */
    cr_assert (strstr (sales, ",cash,,,,,,1,0.00,0.00\r\n") != NULL, "%s", sales);
    cr_assert (strstr (skus, "code,description,unit_price,reorder_level,archived,on_hand,"
                             "barcodes,tax_rate,unit_cost\r\n") != NULL, "%s", skus);
    cr_assert (strstr (skus, "\r\nA-1,Apple,2.50,0,0,") != NULL && strstr (skus, ",,,\r\nB-2,") != NULL,
               "A-1 follows the default: %s", skus);
    cr_assert (strstr (skus, ",\"Reduced, 5.5\",\r\n") != NULL, "%s", skus);
    cr_assert (strstr (skus, ",Zero,\r\n") != NULL, "%s", skus);
    cr_assert (strstr (returns, ",reference,tax\r\n") != NULL, "%s", returns);
  }

  /* The rates are the shop's, not the files': the fresh inventory has its own, at other
   * rates even, and every line still comes back with the tax it was sold at. */
  copy = stk_test_open_writer (copy_path);
  add_rate (copy, "vat", 1000);
  add_rate (copy, "Reduced, 5.5", 400);
  add_rate (copy, "ZERO", 0);
  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;
    gboolean ok = stk_import_all (copy, dir, NULL, &report, &error);
    g_autofree char *said = report_text (&report);

    cr_assert (ok, "%s\n%s", error ? error->message : "", said);
  }
  stk_test_close_writer (copy);

  for (guint i = 0; i < G_N_ELEMENTS (compare_sql); i++)
    {
      g_autofree char *a = dump (db_path, compare_sql[i]);
      g_autofree char *b = dump (copy_path, compare_sql[i]);

      if (i == 2)
        {
          /* The item's rate by the copy's own spelling of the name. */
          cr_assert (strstr (b, "C-3|ZERO|") != NULL, "%s", b);
          continue;
        }
      cr_assert_str_eq (b, a, "rows differ: %s", compare_sql[i]);
      cr_assert_str_neq (a, "", "%s returned rows", compare_sql[i]);
    }

  /* The copy exports the same files, but for the rates' names as the copy spells them
   * (and its own tax-rates.csv). */
  export_all_ok (copy_path, dir2);
  for (guint i = 1; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *p1 = g_build_filename (dir, files[i], NULL);
      g_autofree char *p2 = g_build_filename (dir2, files[i], NULL);
      g_autofree char *t1 = read_text (p1);
      g_autofree char *t2 = read_text (p2);

      cr_assert_str_eq (t2, t1, "%s differs", files[i]);
    }
}

Test (transfer_tax, import_all_of_an_item_rate_the_inventory_lacks_imports_nothing)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *dir = g_build_filename (tmpdir, "out", NULL);
  g_autofree char *copy_path = g_build_filename (tmpdir, "copy.db", NULL);
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;
  StkWriter *copy;

  fill_taxed (writer);
  stk_test_close_writer (writer);
  export_all_ok (db_path, dir);
  remove_in (dir, "tax-rates.csv");

  copy = stk_test_open_writer (copy_path);
  add_rate (copy, "Zero", 0);
  cr_assert_not (stk_import_all (copy, dir, NULL, &report, &error));
  said = report_text (&report);
  cr_assert (strstr (said, "skus.csv: Line 3: There is no tax rate named “Reduced, 5.5”") != NULL,
             "%s", said);
  stk_test_close_writer (copy);
  cr_assert_eq (stk_test_query (copy_path, "SELECT count(*) FROM items"), 0);
  cr_assert_eq (stk_test_query (copy_path, "SELECT count(*) FROM sales"), 0);
}

/* ---- tax-rates.csv ---- */

/* The shop's rates, its default's name and its two rules: what tax-rates.csv carries. */
static char *
tax_setup (const char *db)
{
  g_autofree char *rates = dump (db, "SELECT name, rate_bp FROM tax_rates ORDER BY name");
  g_autofree char *rules = dump (db, "SELECT key, value FROM settings WHERE key IN"
                                     " ('prices_include_tax', 'tax_rounding') ORDER BY key");
  g_autofree char *def = dump (db, "SELECT coalesce ((SELECT name FROM tax_rates"
                                   " WHERE id = s.value), 'none') FROM settings s"
                                   " WHERE key = 'default_tax_rate'");

  return g_strconcat (rates, rules, "default ", def, NULL);
}

static const char *const all_files[] = { "tax-rates.csv", "skus.csv", "movements.csv",
                                         "sales.csv", "returns.csv" };

/* The case: a shop with rates, a default, prices without tax, per-receipt
 * rounding, items with their own rates, taxed sales and returns. Into an inventory that
 * has no rate at all, import all brings everything back, and the copy exports the same
 * five files byte for byte. */
Test (transfer_tax, import_all_into_a_fresh_inventory_brings_the_rates_default_and_rules)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *dir = g_build_filename (tmpdir, "out", NULL);
  g_autofree char *dir2 = g_build_filename (tmpdir, "again", NULL);
  g_autofree char *copy_path = g_build_filename (tmpdir, "copy.db", NULL);
  g_autofree char *rates_csv = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  fill_taxed (writer);
  submit (writer, stk_op_set_tax_rounding (STK_TAX_ROUND_RECEIPT));
  stk_test_close_writer (writer);
  assert_text (tax_setup (db_path),
               "Reduced, 5.5|550|\nVAT|2000|\nZero|0|\n"
               "prices_include_tax|0|\ntax_rounding|receipt|\ndefault VAT|\n");

  export_all_ok (db_path, dir);
  rates_csv = g_build_filename (dir, "tax-rates.csv", NULL);
  assert_text (read_text (rates_csv),
               "name,rate,default,prices_include_tax,tax_rounding\r\n"
               "VAT,20,1,0,receipt\r\n"
               "\"Reduced, 5.5\",5.5,0,0,receipt\r\n"
               "Zero,0,0,0,receipt\r\n");

  {
    StkWriter *copy = stk_test_open_writer (copy_path);
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;
    gboolean ok;
    g_autofree char *said = NULL;

    before = tax_setup (copy_path);
    cr_assert_str_eq (before, "prices_include_tax|1|\ntax_rounding|line|\ndefault none|\n");
    ok = stk_import_all (copy, dir, NULL, &report, &error);
    said = report_text (&report);
    cr_assert (ok, "%s\n%s", error ? error->message : "", said);
    stk_test_close_writer (copy);
  }
  after = tax_setup (copy_path);
  {
    g_autofree char *want = tax_setup (db_path);

    cr_assert_str_eq (after, want);
  }
  for (guint i = 0; i < G_N_ELEMENTS (compare_sql); i++)
    {
      g_autofree char *a = dump (db_path, compare_sql[i]);
      g_autofree char *b = dump (copy_path, compare_sql[i]);

      cr_assert_str_neq (a, "", "%s returned rows", compare_sql[i]);
      cr_assert_str_eq (b, a, "rows differ: %s", compare_sql[i]);
    }
  /* Items with a rate of their own, and one following the default. */
  assert_text (dump (copy_path, compare_sql[2]), "A-1|(default)|\nB-2|Reduced, 5.5|\nC-3|Zero|\n");

  export_all_ok (copy_path, dir2);
  for (guint i = 0; i < G_N_ELEMENTS (all_files); i++)
    {
      g_autofree char *p1 = g_build_filename (dir, all_files[i], NULL);
      g_autofree char *p2 = g_build_filename (dir2, all_files[i], NULL);
      g_autofree char *t1 = read_text (p1);
      g_autofree char *t2 = read_text (p2);

      cr_assert_str_eq (t2, t1, "%s differs", all_files[i]);
    }

  /* The same file as one table into the copy: every rate already there at its rate. */
  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;
    StkWriter *copy = stk_test_open_writer (copy_path);

    cr_assert (stk_import_file (copy, STK_TABLE_TAX_RATES, rates_csv, NULL, NULL, NULL, &report,
                                &error), "%s", error ? error->message : "");
    stk_test_close_writer (copy);
    cr_assert_eq (report.imported, 0);
    cr_assert_eq (report.duplicates, 3);
  }
  assert_text (tax_setup (copy_path), after);
}

/* One table: rates added by name, one kept (the same rate, another spelling), the
 * default set only by a row marked so, the rules only when given. */
Test (transfer_tax, a_tax_rates_file_adds_rates_and_sets_only_what_it_says)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *said = NULL;
  gint64 food = add_rate (writer, "Food", 1000);

  submit (writer, stk_op_set_default_tax_rate (food));
  stk_test_close_writer (writer);

  /* No default marked, no rules: the default and the rules stay. */
  cr_assert (import_text (db_path, STK_TABLE_TAX_RATES,
                          "name,rate\r\nVAT,22 %\r\nFOOD,10\r\n'=odd,0.25\r\n", &said),
             "%s", said);
  assert_text (tax_setup (db_path),
               "=odd|25|\nFood|1000|\nVAT|2200|\n"
               "prices_include_tax|1|\ntax_rounding|line|\ndefault Food|\n");

  /* A default marked (on a rate there already), the rules given on one row, repeated or
   * left empty on the others (any case, any spelling of a boolean). */
  g_clear_pointer (&said, g_free);
  cr_assert (import_text (db_path, STK_TABLE_TAX_RATES,
                          "Name,Rate,Default,Prices_Include_Tax,Tax_Rounding\r\n"
                          "Super,4,no,,\r\n"
                          "vat,22,yes,false,Receipt\r\n"
                          "Food,10,0,0,\r\n", &said),
             "%s", said);
  assert_text (tax_setup (db_path),
               "=odd|25|\nFood|1000|\nSuper|400|\nVAT|2200|\n"
               "prices_include_tax|0|\ntax_rounding|receipt|\ndefault VAT|\n");
}

/* Each bad tax-rates.csv: its line, with the file's name, and nothing of the folder
 * imported (no rate, no item, no sale, the default and the rules as they were). */
Test (transfer_tax, bad_tax_rates_in_import_all_name_their_line_and_import_nothing)
{
  static const struct { const char *file, *said; } cases[] = {
    { "name,rate\r\nVAT,101\r\n",
      "tax-rates.csv: Line 2: A tax rate cannot be above 100 %.\n" },
    { "name,rate\r\nVAT,22\r\nMinus,-5\r\n",
      "tax-rates.csv: Line 3: A tax rate cannot be negative.\n" },
    { "name,rate\r\nVAT,22\r\nFood,10\r\nvat,22\r\n",
      "tax-rates.csv: Line 4: The tax rate “vat” appears twice in the file (first on line 2).\n" },
    { "name,rate,default\r\nVAT,22,1\r\nFood,10,0\r\nZero,0,1\r\n",
      "tax-rates.csv: Line 4: The shop has one default rate, and line 2 is already marked "
      "default.\n" },
    { "name,rate\r\nVAT,22\r\n\"Food,10\r\n",
      "tax-rates.csv: Line 3: a quoted field is never closed.\n" },
    { "name,rate\r\nVAT,22,1\r\n",
      "tax-rates.csv: Line 2: The row has 3 fields, but the header has 2.\n" },
    { "name,rate,prices_include_tax,tax_rounding\r\nVAT,22,0,line\r\nFood,10,,\r\nZero,0,1,\r\n",
      "tax-rates.csv: Line 4: The prices_include_tax “1” differs from “0” on line 2: it is the "
      "shop’s rule, which every row repeats or leaves empty.\n" },
    { "name,rate,tax_rounding\r\nVAT,22,sometimes\r\n",
      "tax-rates.csv: Line 2: The tax_rounding “sometimes” is not line or receipt.\n" },
    { "name,rate\r\nVAT,\r\n", "tax-rates.csv: Line 2: The rate is empty.\n" },
    { "rate\r\n22\r\n", "tax-rates.csv: Line 1: The required column “name” is missing.\n" },
    /* Read well, refused by the inventory: a name it has at another rate. */
    { "name,rate\r\nVAT,22\r\nOld,7\r\n",
      "tax-rates.csv: Line 3: The inventory has the tax rate “Old” at 8 %, not 7 %: an import "
      "never changes a rate (change it with tax-rates set, or correct the file).\n" },
  };
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *dir = g_build_filename (tmpdir, "out", NULL);
  g_autofree char *rates_csv = g_build_filename (dir, "tax-rates.csv", NULL);

  fill_taxed (writer);
  stk_test_close_writer (writer);
  export_all_ok (db_path, dir);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("copy-%u.db", i);
      g_autofree char *copy_path = g_build_filename (tmpdir, name, NULL);
      StkWriter *copy = stk_test_open_writer (copy_path);
      g_auto(StkImportReport) report = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *before = NULL;
      g_autofree char *said = NULL;
      gboolean ok;

      add_rate (copy, "Old", 800);
      before = tax_setup (copy_path);
      cr_assert (g_file_set_contents (rates_csv, cases[i].file, -1, NULL));
      ok = stk_import_all (copy, dir, NULL, &report, &error);
      stk_test_close_writer (copy);
      said = report_text (&report);
      cr_assert_not (ok, "case %u imported", i);
      cr_assert_str_eq (said, cases[i].said, "case %u", i);
      cr_assert_eq (stk_test_query (copy_path, "SELECT count(*) FROM items"), 0, "case %u", i);
      cr_assert_eq (stk_test_query (copy_path, "SELECT count(*) FROM sales"), 0, "case %u", i);
      assert_text (tax_setup (copy_path), before);
    }
}

/* ---- skus ---- */

Test (transfer_tax, skus_give_items_their_rate_by_name)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *said = NULL;

  add_rate (writer, "VAT", 2200);
  add_rate (writer, "Food", 1000);
  stk_test_close_writer (writer);

  /* An unknown name: its line, and nothing imported. */
  cr_assert_not (import_text (db_path, STK_TABLE_SKUS,
                              "code,tax_rate\r\nA-1,food\r\nB-2,Books\r\nC-3,\r\n", &said));
  cr_assert (strstr (said, "Line 3: There is no tax rate named “Books”") != NULL, "%s", said);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0);

  /* A name that cannot be a rate's, read with the file. */
  g_clear_pointer (&said, g_free);
  cr_assert_not (import_text (db_path, STK_TABLE_SKUS,
                              "code,tax_rate\r\nA-1,\"\x01\"\r\n", &said));
  cr_assert (strstr (said, "Line 2: ") != NULL, "%s", said);

  g_clear_pointer (&said, g_free);
  cr_assert (import_text (db_path, STK_TABLE_SKUS,
                          "code,tax_rate\r\nA-1,food\r\nB-2,VAT\r\nC-3,\r\n", &said), "%s", said);
  assert_text (dump (db_path,
                                         "SELECT i.code, coalesce (t.name, '-') FROM items i"
                                         " LEFT JOIN tax_rates t ON t.id = i.tax_rate_id"
                                         " ORDER BY i.code"),
                    "A-1|Food|\nB-2|VAT|\nC-3|-|\n");
}

/* ---- sales ---- */

/* The same sales file through the row path and the bulk path: the same lines, the same
 * tax, or the same problems. */
static void
import_both_ways (const char *skus,
                  const char *sales,
                  gboolean    included,
                  gboolean    expect_ok,
                  char      **out_said,
                  char      **out_lines)
{
  char *said[2] = { NULL, NULL };
  char *lines[2] = { NULL, NULL };

  for (guint way = 0; way < 2; way++)
    {
      static guint n_runs;
      g_autofree char *db = g_strdup_printf ("%s/way%u-%u.db", tmpdir, way, n_runs++);
      StkWriter *writer = stk_test_open_writer (db);
      gint64 vat = add_rate (writer, "VAT", 2200);
      g_autofree char *skus_said = NULL;

      add_rate (writer, "Reduced", 550);
      submit (writer, stk_op_set_default_tax_rate (vat));
      submit (writer, stk_op_set_prices_include_tax (included));
      /* The stock is not what this is about. */
      submit (writer, stk_op_set_allow_negative_stock (TRUE));
      stk_test_close_writer (writer);
      stk_bulk_min_rows = G_MAXUINT;
      cr_assert (import_text (db, STK_TABLE_SKUS, skus, &skus_said), "%s", skus_said);

      stk_bulk_min_rows = way == 0 ? G_MAXUINT : 1;
      cr_assert_eq (import_text (db, STK_TABLE_SALES, sales, &said[way]), expect_ok,
                    "way %u: %s", way, said[way]);
      lines[way] = dump (db, "SELECT s.uid, i.code, s.unit_price_cents,"
                                            " coalesce (s.tax_rate_bp, '-'), s.tax_name,"
                                            " s.tax_included, s.tax_cents, s.total_cents"
                                            " FROM sales s JOIN items i ON i.id = s.item_id"
                                            " ORDER BY s.id");
    }
  stk_bulk_min_rows = G_MAXUINT;
  cr_assert_str_eq (said[1], said[0], "the bulk path says what the row path says");
  cr_assert_str_eq (lines[1], lines[0], "the bulk path stores what the row path stores");
  *out_said = said[0];
  *out_lines = lines[0];
  g_free (said[1]);
  g_free (lines[1]);
}

static const char skus_file[] =
  "code,unit_price,tax_rate\r\n"
  "A-1,2.50,\r\n"
  "B-2,0.99,Reduced\r\n"
  "C-3,1234567.89,\r\n";

Test (transfer_tax, a_file_without_tax_columns_sells_at_each_items_rate_now)
{
  static const char sales[] =
    "sold_at,sku,quantity,unit_price,reference\r\n"
    "2026-02-01T09:00:00Z,A-1,3,,R1\r\n"
    "2026-02-01T09:01:00Z,B-2,7,,R2\r\n"
    "2026-02-01T09:02:00Z,C-3,9,,R3\r\n"
    "2026-02-01T09:03:00Z,A-1,1,0.05,R4\r\n";

  for (int included = 1; included >= 0; included--)
    {
      g_autofree char *said = NULL;
      g_autofree char *lines = NULL;
      g_autoptr(GString) want = g_string_new (NULL);
      const struct { const char *uid, *code; gint64 price, quantity, rate; const char *name; } l[] = {
        { "R1", "A-1", 250, 3, 2200, "VAT" }, { "R2", "B-2", 99, 7, 550, "Reduced" },
        { "R3", "C-3", 123456789, 9, 2200, "VAT" }, { "R4", "A-1", 5, 1, 2200, "VAT" },
      };

      import_both_ways (skus_file, sales, included, TRUE, &said, &lines);
      for (guint i = 0; i < G_N_ELEMENTS (l); i++)
        {
          gint64 amount = l[i].price * l[i].quantity;
          gint64 tax = stk_tax_line (amount, l[i].rate, included);

          g_string_append_printf (want, "%s|%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%s|%d|%"
                                  G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|\n",
                                  l[i].uid, l[i].code, l[i].price, l[i].rate, l[i].name, included,
                                  tax, amount + (included ? 0 : tax));
        }
      cr_assert_str_eq (lines, want->str);
    }
}

Test (transfer_tax, a_file_with_tax_columns_keeps_its_tax)
{
  /* R1: no tax; R2: 5.5 % of 0.99 × 7 included, per the file a cent up (receipt
   * rounding); R3: excluded, the tax left to compute; R4: included left to the shop's
   * rule (excluded here), a name the shop does not have. */
  static const char sales[] =
    "sold_at,sku,quantity,unit_price,reference,tax_name,tax_rate,tax_included,tax\r\n"
    "2026-02-01T09:00:00Z,A-1,3,,R1,,,1,0.00\r\n"
    "2026-02-01T09:01:00Z,B-2,7,,R2,Reduced,5.5,1,0.37\r\n"
    "2026-02-01T09:02:00Z,A-1,2,1.00,R3,Old VAT,20,0,\r\n"
    "2026-02-01T09:03:00Z,A-1,1,,R4,Special,10%,,0.25\r\n";
  g_autofree char *said = NULL;
  g_autofree char *lines = NULL;

  import_both_ways (skus_file, sales, FALSE, TRUE, &said, &lines);
  cr_assert_str_eq (lines,
                    "R1|A-1|250|-||1|0|750|\n"
                    "R2|B-2|99|550|Reduced|1|37|693|\n"
                    "R3|A-1|100|2000|Old VAT|0|40|240|\n"
                    "R4|A-1|250|1000|Special|0|25|275|\n");
}

Test (transfer_tax, a_tax_off_by_a_cent_names_its_line_and_imports_nothing)
{
  /* 3 × 2.50 = 7.50 with 22 % in it: 1.35 (1.352…); 1.36 is within a cent, 1.37 not.
   * Excluded, 2 × 1.01 at 20 %: 0.40 (0.404); 0.41 within a cent, 0.38 not. */
  static const char sales[] =
    "sold_at,sku,quantity,unit_price,reference,tax_name,tax_rate,tax_included,tax\r\n"
    "2026-02-01T09:00:00Z,A-1,3,,R1,VAT,22,1,1.36\r\n"
    "2026-02-01T09:01:00Z,A-1,3,,R2,VAT,22,1,1.37\r\n"
    "2026-02-01T09:02:00Z,A-1,2,1.01,R3,VAT,20,0,0.41\r\n"
    "2026-02-01T09:03:00Z,A-1,2,1.01,R4,VAT,20,0,0.38\r\n";
  g_autofree char *said = NULL;
  g_autofree char *lines = NULL;

  import_both_ways (skus_file, sales, TRUE, FALSE, &said, &lines);
  cr_assert_str_eq (said,
                    "Line 3: The tax 1.37 on “A-1” is not the 22 % included in the line’s 7.50:"
                    " that is 1.35 (to the cent).\n"
                    "Line 5: The tax 0.38 on “A-1” is not 20 % of the line’s 2.02: that is 0.40"
                    " (to the cent).\n");
  cr_assert_str_eq (lines, "");
}

Test (transfer_tax, bad_tax_cells_name_their_line)
{
  static const struct { const char *file, *said; } cases[] = {
    { "sold_at,sku,quantity,tax\r\n2026-02-01,A-1,1,0.10\r\n",
      "Line 2: The tax of a line needs its rate: a tax_rate column, empty for a line without tax.\n" },
    { "sold_at,sku,quantity,tax_name,tax_rate,tax\r\n2026-02-01,A-1,1,VAT,,0.10\r\n",
      "Line 2: A line without a tax_rate has no tax_name and no tax.\n" },
    { "sold_at,sku,quantity,tax_rate\r\n2026-02-01,A-1,1,101\r\n",
      "Line 2: A tax rate cannot be above 100 %.\n" },
    { "sold_at,sku,quantity,tax_rate\r\n2026-02-01,A-1,1,-5\r\n",
      "Line 2: A tax rate cannot be negative.\n" },
    { "sold_at,sku,quantity,tax_rate,tax_included\r\n2026-02-01,A-1,1,22,maybe\r\n",
      "Line 2: “maybe” is not 0, 1, true, false, yes or no.\n" },
    { "sold_at,sku,quantity,tax_rate,tax\r\n2026-02-01,A-1,1,22,-0.10\r\n",
      "Line 2: The price “-0.10” is negative.\n" },
  };
  g_autofree char *skus_said = NULL;

  cr_assert (import_text (db_path, STK_TABLE_SKUS, "code,unit_price,on_hand\r\nA-1,1.00,5\r\n",
                          &skus_said), "%s", skus_said);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *said = NULL;

      cr_assert_not (import_text (db_path, STK_TABLE_SALES, cases[i].file, &said), "case %u", i);
      cr_assert_str_eq (said, cases[i].said, "case %u", i);
    }
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 0);
}

/* ---- returns ---- */

Test (transfer_tax, returns_carry_their_tax)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  const StkSaleLineSpec lines[] = { { "A-1", 4, -1, 0 } };
  g_autofree char *said = NULL;
  gint64 vat = add_rate (writer, "VAT", 2200);

  submit (writer, stk_op_set_default_tax_rate (vat));
  submit (writer, stk_op_create_item ("A-1", "", 250, 0));
  submit (writer, stk_op_record_movement ("A-1", STK_MOVEMENT_RECEIVE, 10, "",
                                          utc_us (2026, 1, 1, 8, 0, 0)));
  submit (writer, stk_op_sell (lines, 1, NULL, NULL, utc_us (2026, 2, 1, 9, 0, 0)));
  stk_test_close_writer (writer);
  /* 10.00 with 22 % in it: 1.80 of tax. */
  cr_assert_eq (stk_test_query (db_path, "SELECT tax_cents FROM sales"), 180);
  {
    g_autofree char *uid = dump (db_path, "SELECT uid FROM sales");
    g_autofree char *file = NULL;
    g_autofree char *bad = NULL;

    uid[strlen (uid) - 2] = '\0'; /* "UID|\n" */
    /* More tax than the refund: its line, nothing imported. */
    bad = g_strdup_printf ("returned_at,sale,line,quantity,refund,tax\r\n"
                           "2026-02-02,%s,1,1,2.50,0.40\r\n"
                           "2026-02-02,%s,1,1,0.10,0.20\r\n", uid, uid);
    cr_assert_not (import_text (db_path, STK_TABLE_RETURNS, bad, &said));
    cr_assert (strstr (said, "Line 3: The tax 0.20 taken back on this line of “A-1” is more than"
                             " the refund or the tax the line has left: at most 0.10.") != NULL,
               "%s", said);
    cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM returns"), 0);

    /* The tax as the file says it, or in proportion when empty, or none; a file
     * without the column as before. */
    file = g_strdup_printf ("returned_at,sale,line,quantity,refund,reference,tax\r\n"
                            "2026-02-02,%s,1,1,2.50,T1,0.40\r\n"
                            "2026-02-02,%s,1,1,2.50,T2,\r\n"
                            "2026-02-02,%s,1,1,1.00,T3,0.00\r\n", uid, uid, uid);
    g_clear_pointer (&said, g_free);
    cr_assert (import_text (db_path, STK_TABLE_RETURNS, file, &said), "%s", said);
    g_clear_pointer (&file, g_free);
    file = g_strdup_printf ("returned_at,sale,line,quantity,reference\r\n"
                            "2026-02-03,%s,1,1,T4\r\n", uid);
    g_clear_pointer (&said, g_free);
    cr_assert (import_text (db_path, STK_TABLE_RETURNS, file, &said), "%s", said);
  }
  /* T2: 2.50 of 10.00 after 2.50 refunded with 0.40 taken back: 1.80 × 2.50 / 10.00 =
   * 0.45; T4, the rest: 1.80 − 0.85 = 0.95 of the 4.00 left. */
  assert_text (dump (db_path, "SELECT uid, refund_cents, tax_cents"
                                                  " FROM returns ORDER BY id"),
                    "T1|250|40|\nT2|250|45|\nT3|100|0|\nT4|400|95|\n");
}
