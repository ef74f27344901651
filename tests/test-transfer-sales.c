/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV of schema 6 (issue 17): sales of several lines with discounts, payment, note and
 * voids with their reason, skus with barcodes, the returns table. "export all" then
 * "import all" gives back every table row by row and the same files byte for byte; each
 * bad input names its line and leaves every table as it was; a file imported twice
 * changes nothing the second time; the CLI takes the returns table. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-store.h"
#include "stk-transfer.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

TestSuite (transfer_sales, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 120);

/* ---- helpers ---- */

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

/* Asserts that stk_test_query_dump (path, sql) is the expected text (then a message). */
#define assert_dump(path, sql, ...) \
  do { \
    g_autofree char *dump_ = stk_test_query_dump (path, sql); \
    cr_assert_str_eq (dump_, __VA_ARGS__); \
  } while (0)

/* Every row of every table, ids included: "unchanged" means this is the same. A file
 * imported again records its op in applied_ops (and nothing else): @with_ops FALSE
 * leaves that table out. */
static char *
snapshot_of (const char *path,
             gboolean    with_ops)
{
  static const char *const tables[] = { "items", "movements", "sales", "sale_voids", "returns",
                                        "barcodes", "applied_ops", "settings" };
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY 1, 2", tables[i]);
      g_autofree char *part = NULL;

      if (!with_ops && strcmp (tables[i], "applied_ops") == 0)
        continue;
      part = stk_test_query_dump (path, sql);
      g_string_append_printf (s, "== %s\n%s", tables[i], part);
    }
  return g_string_free (s, FALSE);
}

#define snapshot(path) snapshot_of ((path), TRUE)

/* The inventory without its surrogate ids (items, sales, returns and movements are
 * named by code and uid) and without the times an import stamps with its own clock. */
static const char *const compare_sql[] = {
  "SELECT code, code_key, description, unit_price_cents, reorder_level, archived, on_hand"
  " FROM items ORDER BY code",
  "SELECT b.key, b.code, i.code, b.pack FROM barcodes b JOIN items i ON i.id = b.item_id"
  " ORDER BY b.key",
  "SELECT s.uid, i.code, s.quantity, s.unit_price_cents, s.sold_at, f.uid, s.discount_cents,"
  " s.note, s.payment FROM sales s JOIN items i ON i.id = s.item_id"
  " LEFT JOIN sales f ON f.id = s.first_line ORDER BY s.uid",
  "SELECT s.uid, v.voided_at, v.reason FROM sale_voids v JOIN sales s ON s.id = v.sale_id"
  " ORDER BY s.uid",
  "SELECT r.uid, s.uid, r.quantity, r.refund_cents, r.reason, r.returned_at FROM returns r"
  " JOIN sales s ON s.id = r.line_id ORDER BY r.uid",
  "SELECT i.code, m.kind, m.quantity, m.balance, m.reason, m.moved_at, s.uid,"
  " CASE WHEN m.reference LIKE 'void:%' OR m.reference LIKE 'return:%' THEN m.reference END"
  " FROM movements m JOIN items i ON i.id = m.item_id LEFT JOIN sales s ON s.id = m.sale_id"
  " ORDER BY m.moved_at, m.id",
};

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

static gint64
line_id (gint64 sale_id,
         guint  n)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM sales WHERE id = %" G_GINT64_FORMAT
                                          " OR first_line = %" G_GINT64_FORMAT
                                          " ORDER BY id LIMIT 1 OFFSET %u",
                                          sale_id, sale_id, n - 1);

  return stk_test_query (db_path, sql);
}

static char *
report_text (const StkImportReport *report)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; report->errors != NULL && i < report->errors->len; i++)
    g_string_append_printf (s, "%s\n", (const char *) g_ptr_array_index (report->errors, i));
  return g_string_free (s, FALSE);
}

static void
import_ok (StkWriter  *writer,
           StkTable    table,
           const char *csv,
           guint64     imported,
           guint64     duplicates)
{
  g_autofree char *path = write_file ("ok.csv", csv);
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;
  gboolean ok = stk_import_file (writer, table, path, NULL, NULL, NULL, &report, &error);

  said = report_text (&report);
  cr_assert (ok, "%s\n%s", error ? error->message : "", said);
  cr_assert_eq (report.imported, imported, "imported %lu", (gulong) report.imported);
  cr_assert_eq (report.duplicates, duplicates, "duplicates %lu", (gulong) report.duplicates);
}

/* Imports @csv, which must be refused with exactly the report @expected ("Line N: …"
 * lines), leaving every table as it was. */
static void
import_refused (StkWriter  *writer,
                StkTable    table,
                const char *csv,
                const char *expected)
{
  g_autofree char *path = write_file ("bad.csv", csv);
  g_autofree char *before = snapshot (db_path);
  g_autofree char *after = NULL;
  g_autofree char *said = NULL;
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;

  cr_assert_not (stk_import_file (writer, table, path, NULL, NULL, NULL, &report, &error),
                 "imported: %s", csv);
  cr_assert_not_null (error);
  cr_assert (strstr (error->message, "nothing was imported") != NULL, "%s", error->message);
  said = report_text (&report);
  cr_assert_str_eq (said, expected);
  cr_assert_eq (report.imported, 0);
  after = snapshot (db_path);
  cr_assert_str_eq (after, before, "the import changed the inventory");
}

/* ---- round trip ---- */

/* An inventory with everything schema 6 has, in time order (a void is stamped now, so
 * the voids come last, as they would in a shop). Returns the multi-line sale's id. */
static gint64
fill_inventory (StkWriter *writer)
{
  const StkSaleLineSpec s1[] = {
    { "A-1", 3, -1, 50 },            /* the item's 2.50, 0.50 off */
    { "B-2", 2, 900, 0 },            /* an own price */
    { "12345670", 1, -1, 0 },        /* a barcode with a pack: 12 of A-1 */
    { "C-3", 4, 100, 25 },
  };
  const StkSaleLineSpec s2[] = { { "A-1", 1, -1, 0 } };
  const StkSaleLineSpec s3[] = { { "B-2", 1, -1, 100 }, { "C-3", 2, -1, 0 } };
  gint64 sale1, sale2, sale3;

  submit (writer, stk_op_create_item ("A-1", "Apple, \"Boskoop\"", 250, 5));
  submit (writer, stk_op_create_item ("B-2", "Bolt\nM8", 1000, 0));
  submit (writer, stk_op_create_item ("C-3", "=cap", 100, 0));
  submit (writer, stk_op_add_barcode ("A-1", "4006381333931", 1));
  submit (writer, stk_op_add_barcode ("A-1", "12345670", 12));
  submit (writer, stk_op_add_barcode ("B-2", "-SHOPB2", 1));
  submit (writer, stk_op_record_movement ("A-1", STK_MOVEMENT_RECEIVE, 100, "in",
                                          utc_us (2026, 1, 2, 8, 0, 0)));
  submit (writer, stk_op_record_movement ("B-2", STK_MOVEMENT_RECEIVE, 50, "",
                                          utc_us (2026, 1, 2, 9, 0, 0)));
  submit (writer, stk_op_record_movement ("C-3", STK_MOVEMENT_RECEIVE, 30, "",
                                          utc_us (2026, 1, 2, 10, 0, 0)));
  sale1 = submit (writer, stk_op_sell (s1, G_N_ELEMENTS (s1), "card",
                                       "Birthday, \"gift\"\nwrap it", utc_us (2026, 2, 1, 12, 0, 0)));
  sale2 = submit (writer, stk_op_sell (s2, 1, "cash", NULL, utc_us (2026, 2, 2, 12, 0, 0)));
  sale3 = submit (writer, stk_op_sell (s3, 2, NULL, "-note", utc_us (2026, 2, 3, 12, 0, 0) + 7));
  submit (writer, stk_op_record_sale ("C-3", 1, -1, utc_us (2026, 2, 4, 12, 0, 0)));
  /* Partial returns: proportional, with a refund of its own, the rest of a line. */
  submit (writer, stk_op_return_sale_line (line_id (sale1, 2), 1, -1, "scratched",
                                           utc_us (2026, 2, 5, 9, 0, 0)));
  submit (writer, stk_op_return_sale_line (line_id (sale1, 1), 1, 100, "",
                                           utc_us (2026, 2, 5, 10, 0, 0)));
  submit (writer, stk_op_return_sale_line (line_id (sale1, 4), 3, -1, "=wrong size",
                                           utc_us (2026, 2, 6, 10, 0, 0)));
  submit (writer, stk_op_return_sale_line (line_id (sale1, 4), 1, -1, "the rest",
                                           utc_us (2026, 2, 6, 11, 0, 0)));
  submit (writer, stk_op_record_movement ("C-3", STK_MOVEMENT_COUNT, 20, "count",
                                          utc_us (2026, 2, 10, 10, 0, 0)));
  submit (writer, stk_op_void_sale_with_reason (sale2, "Rang up twice"));
  submit (writer, stk_op_void_sale_with_reason (sale3, ""));
  return sale1;
}

static void
export_all_ok (const char *db,
               const char *dir)
{
  g_autoptr(StkStore) store = stk_test_open_store (db);
  g_autoptr(GError) error = NULL;

  cr_assert (stk_export_all (store, dir, NULL, NULL, &error), "%s", error ? error->message : "");
}

Test (transfer_sales, export_all_then_import_all_gives_back_every_table)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *dir = g_build_filename (tmpdir, "out", NULL);
  g_autofree char *dir2 = g_build_filename (tmpdir, "again", NULL);
  g_autofree char *copy_path = g_build_filename (tmpdir, "copy.db", NULL);
  static const char *const files[] = { "skus.csv", "movements.csv", "sales.csv", "returns.csv" };
  g_autofree char *sales = NULL;
  g_autofree char *skus = NULL;
  g_autofree char *returns = NULL;
  StkWriter *copy;
  gint64 sale1;

  sale1 = fill_inventory (writer);
  stk_test_close_writer (writer);
  export_all_ok (db_path, dir);

  {
    g_autofree char *p = g_build_filename (dir, "sales.csv", NULL);
    g_autofree char *uid = NULL;
    g_autofree char *sql = g_strdup_printf ("SELECT uid FROM sales WHERE id = %" G_GINT64_FORMAT,
                                            sale1);
    g_autofree char *want = NULL;

    sales = read_text (p);
    uid = stk_test_query_dump (db_path, sql);
    uid[strlen (uid) - 2] = '\0'; /* "3:UID|\n" */
    want = g_strdup_printf ("2026-02-01T12:00:00Z,B-2,2,9.00,%s#2,%s,,card,"
                            "\"Birthday, \"\"gift\"\"\nwrap it\",,,,,1,0.00,0.00\r\n", uid + 2, uid + 2);
    cr_assert (g_str_has_prefix (sales, "sold_at,sku,quantity,unit_price,reference,sale,discount,"
                                        "payment,note,voided,void_reason,tax_name,tax_rate,tax_included,"
                                        "tax,cost\r\n"), "%s", sales);
    cr_assert (strstr (sales, want) != NULL, "line 2 of the sale: %s\nin %s", want, sales);
    cr_assert (strstr (sales, ",A-1,12,2.50,") != NULL, "the pack's 12 units: %s", sales);
    cr_assert (strstr (sales, ",Rang up twice,,,1,0.00,0.00\r\n") != NULL, "the void's reason: %s", sales);
    cr_assert (strstr (sales, ",'-note,") != NULL, "a note is protected like any text: %s",
               sales);
  }
  {
    g_autofree char *p = g_build_filename (dir, "skus.csv", NULL);

    skus = read_text (p);
    cr_assert (strstr (skus, ",12345670*12 4006381333931,,\r\n") != NULL, "%s", skus);
    cr_assert (strstr (skus, ",'-SHOPB2,,\r\n") != NULL, "a barcode is protected like any text: %s",
               skus);
  }
  {
    g_autofree char *p = g_build_filename (dir, "returns.csv", NULL);

    returns = read_text (p);
    cr_assert (g_str_has_prefix (returns, "returned_at,sale,line,quantity,refund,reason,reference,"
                                          "tax\r\n2026-02-05T09:00:00Z,"), "%s", returns);
    /* 2 × 9.00 paid, one of the two back: 9.00; line 4 (4 × 1.00 − 0.25): 2.81 then 0.94. */
    cr_assert (strstr (returns, ",2,1,9.00,scratched,") != NULL, "%s", returns);
    cr_assert (strstr (returns, ",1,1,1.00,,") != NULL, "%s", returns);
    cr_assert (strstr (returns, ",4,3,2.81,'=wrong size,") != NULL, "%s", returns);
    cr_assert (strstr (returns, ",4,1,0.94,the rest,") != NULL, "%s", returns);
  }

  copy = stk_test_open_writer (copy_path);
  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;
    g_autofree char *said = NULL;
    gboolean ok = stk_import_all (copy, dir, NULL, &report, &error);

    said = report_text (&report);
    cr_assert (ok, "%s\n%s", error ? error->message : "", said);
    /* 3 items, 4 movements (3 receipts, the count), 4 + 1 + 2 + 1 sale lines, 4 returns */
    cr_assert_eq (report.imported, 3 + 4 + 8 + 4, "imported %lu", (gulong) report.imported);
  }
  stk_test_close_writer (copy);

  for (guint i = 0; i < G_N_ELEMENTS (compare_sql); i++)
    {
      g_autofree char *a = stk_test_query_dump (db_path, compare_sql[i]);
      g_autofree char *b = stk_test_query_dump (copy_path, compare_sql[i]);

      cr_assert_str_eq (b, a, "rows differ: %s", compare_sql[i]);
      cr_assert_str_neq (a, "", "%s returned rows", compare_sql[i]);
    }
  cr_assert_eq (stk_test_query (copy_path, "SELECT count(*) FROM sale_voids WHERE reason ="
                                           " 'Rang up twice'"), 1);
  cr_assert_eq (stk_test_query (copy_path, "SELECT count(*) FROM sale_voids"), 3,
                "both lines of the second voided sale");

  /* The copy exports the same four files, byte for byte. */
  export_all_ok (copy_path, dir2);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *p1 = g_build_filename (dir, files[i], NULL);
      g_autofree char *p2 = g_build_filename (dir2, files[i], NULL);
      g_autofree char *t1 = read_text (p1);
      g_autofree char *t2 = read_text (p2);

      cr_assert_str_eq (t2, t1, "%s differs", files[i]);
    }
}

/* A folder that "export all" wrote before returns.csv existed still imports. */
Test (transfer_sales, a_folder_without_returns_csv_still_imports)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *dir = g_build_filename (tmpdir, "old", NULL);
  g_autofree char *ret = g_build_filename (dir, "returns.csv", NULL);
  g_autofree char *copy_path = g_build_filename (tmpdir, "copy.db", NULL);
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  StkWriter *copy;

  submit (writer, stk_op_create_item ("A-1", "", 250, 0));
  submit (writer, stk_op_record_movement ("A-1", STK_MOVEMENT_RECEIVE, 10, "", utc_us (2026, 1, 1, 0, 0, 0)));
  submit (writer, stk_op_record_sale ("A-1", 2, -1, utc_us (2026, 1, 2, 0, 0, 0)));
  stk_test_close_writer (writer);
  export_all_ok (db_path, dir);
  cr_assert_eq (g_unlink (ret), 0);

  copy = stk_test_open_writer (copy_path);
  cr_assert (stk_import_all (copy, dir, NULL, &report, &error), "%s", error ? error->message : "");
  cr_assert_eq (report.imported, 3);
  stk_test_close_writer (copy);
  cr_assert_eq (stk_test_query (copy_path, "SELECT on_hand FROM items"), 8);
}

/* ---- sales of several lines, from a file ---- */

static const char base_skus[] =
  "code,description,unit_price,reorder_level,archived,on_hand,barcodes\n"
  "A-1,apple,2.50,0,0,,4006381333931\n"
  "B-2,bolt,1.00,0,0,,12345670*6\n";

static const char base_moves[] =
  "moved_at,sku,kind,quantity\n"
  "2026-03-01T08:00:00Z,A-1,receive,20\n"
  "2026-03-01T08:00:00Z,B-2,receive,20\n";

static const char base_sales[] =
  "sold_at,sku,quantity,unit_price,sale,discount,payment,note,voided,void_reason\n"
  "2026-03-01T10:00:00Z,A-1,3,,S1,0.50,card,,,\n"
  "2026-03-01T10:00:00Z,B-2,2,0.90,S1,,,\"a, note\",,\n"
  "2026-03-01T11:00:00Z,A-1,1,,V1,,,,2026-03-01T11:05:00Z,Rang up twice\n"
  "2026-03-01T11:00:00Z,B-2,1,,V1,,,,,\n";

static const char base_returns[] =
  "returned_at,sale,line,quantity,refund,reason,reference\n"
  "2026-03-02T10:00:00Z,S1,1,1,,too many,R1\n";

static StkWriter *
open_base (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  import_ok (writer, STK_TABLE_SKUS, base_skus, 2, 0);
  import_ok (writer, STK_TABLE_MOVEMENTS, base_moves, 2, 0);
  import_ok (writer, STK_TABLE_SALES, base_sales, 4, 0);
  import_ok (writer, STK_TABLE_RETURNS, base_returns, 1, 0);
  return writer;
}

Test (transfer_sales, a_sale_of_several_lines_is_one_sale)
{
  StkWriter *writer = open_base ();

  stk_test_close_writer (writer);
  assert_dump (db_path,
                                "SELECT s.uid, f.uid, s.quantity, s.unit_price_cents,"
                                " s.discount_cents, s.payment, s.note FROM sales s"
                                " LEFT JOIN sales f ON f.id = s.first_line ORDER BY s.id",
                    "3:S1|5:|1:3|1:250|1:50|3:card|3:a, note|\n"
                    "3:S1#2|3:S1|1:2|1:90|1:0|3:|3:|\n"
                    "3:V1|5:|1:1|1:250|1:0|3:|3:|\n"
                    "3:V1#2|3:V1|1:1|1:100|1:0|3:|3:|\n");
  assert_dump (db_path,
                                "SELECT s.uid, v.voided_at, v.reason FROM sale_voids v"
                                " JOIN sales s ON s.id = v.sale_id ORDER BY s.id",
                    "3:V1|1:1772363100000000|3:Rang up twice|\n"
                    "3:V1#2|1:1772363100000000|3:Rang up twice|\n");
  assert_dump (db_path,
                                "SELECT r.uid, s.uid, r.quantity, r.refund_cents FROM returns r"
                                " JOIN sales s ON s.id = r.line_id",
                    "3:R1|3:S1|1:1|1:233|\n", "one third of 7.00 − 0.50");
  assert_dump (db_path, "SELECT code, on_hand FROM items ORDER BY code",
                    "3:A-1|1:18|\n3:B-2|1:18|\n");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM barcodes"), 2);
}

/* ---- exactly once ---- */

Test (transfer_sales, importing_the_same_files_again_changes_nothing)
{
  StkWriter *writer = open_base ();
  g_autofree char *before = snapshot_of (db_path, FALSE);
  g_autofree char *after = NULL;
  const char *more_returns =
    "returned_at,sale,line,quantity,refund,reason,reference\n"
    "2026-03-02T10:00:00Z,S1,1,1,,too many,R1\n"
    "2026-03-03T10:00:00Z,S1,2,1,0.10,,\n";

  import_ok (writer, STK_TABLE_SALES, base_sales, 0, 4);
  import_ok (writer, STK_TABLE_RETURNS, base_returns, 0, 1);
  after = snapshot_of (db_path, FALSE);
  cr_assert_str_eq (after, before, "a second import changed the inventory");

  /* A return without a reference is keyed by its values: once, too. */
  import_ok (writer, STK_TABLE_RETURNS, more_returns, 1, 1);
  g_free (before);
  before = snapshot_of (db_path, FALSE);
  import_ok (writer, STK_TABLE_RETURNS, more_returns, 0, 2);
  g_free (after);
  after = snapshot_of (db_path, FALSE);
  cr_assert_str_eq (after, before);
  stk_test_close_writer (writer);
}

/* ---- bad input: the line, and nothing changed ---- */

Test (transfer_sales, a_barcode_with_a_wrong_check_digit)
{
  StkWriter *writer = open_base ();

  import_refused (writer, STK_TABLE_SKUS,
                  "code,barcodes\n"
                  "C-3,4006381333948\n"
                  "D-4,5901234123457 4006381333932*2\n",
                  "Line 3: Barcode “4006381333932” looks like a EAN-13 number but its check "
                  "digit is wrong (it should end in 1).\n");
  stk_test_close_writer (writer);
}

Test (transfer_sales, a_barcode_twice_in_the_file_or_of_another_item)
{
  StkWriter *writer = open_base ();

  import_refused (writer, STK_TABLE_SKUS,
                  "code,barcodes\n"
                  "C-3,4006381333948\n"
                  "D-4,5901234123457 04006381333948*2\n",
                  "Line 3: The barcode “04006381333948” appears twice in the file (first on "
                  "line 2).\n");
  import_refused (writer, STK_TABLE_SKUS,
                  "code,barcodes\n"
                  "C-3,4006381333948\n"
                  "D-4,12345670\n",
                  "Line 3: Barcode “12345670” already belongs to item “B-2”.\n");
  stk_test_close_writer (writer);
}

Test (transfer_sales, an_unknown_code_fails_the_whole_sale)
{
  StkWriter *writer = open_base ();

  import_refused (writer, STK_TABLE_SALES,
                  "sold_at,sku,quantity,sale\n"
                  "2026-03-04T10:00:00Z,A-1,1,S2\n"
                  "2026-03-04T10:00:00Z,NOPE,1,S2\n",
                  "Line 3: Unknown item code “NOPE”.\n");
  stk_test_close_writer (writer);
}

Test (transfer_sales, rows_of_one_sale_that_disagree)
{
  StkWriter *writer = open_base ();

  import_refused (writer, STK_TABLE_SALES,
                  "sold_at,sku,quantity,sale\n"
                  "2026-03-04T10:00:00Z,A-1,1,S2\n"
                  "2026-03-04T10:00:01Z,B-2,1,S2\n",
                  "Line 3: The lines of sale “S2” share one time: this row has "
                  "2026-03-04T10:00:01Z, line 2 has 2026-03-04T10:00:00Z.\n");
  import_refused (writer, STK_TABLE_SALES,
                  "sold_at,sku,quantity,sale,payment\n"
                  "2026-03-04T10:00:00Z,A-1,1,S2,card\n"
                  "2026-03-04T10:00:00Z,B-2,1,S2,\n"
                  "2026-03-04T10:00:00Z,B-2,1,S2,cash\n",
                  "Line 4: The payment “cash” differs from “card” on line 2: the rows of sale "
                  "“S2” share one.\n");
  stk_test_close_writer (writer);
}

Test (transfer_sales, bad_discounts_voids_and_references)
{
  StkWriter *writer = open_base ();

  import_refused (writer, STK_TABLE_SALES,
                  "sold_at,sku,quantity,unit_price,sale,discount,reference,voided,void_reason\n"
                  "2026-03-04T10:00:00Z,A-1,2,1.00,S2,2.01,,,\n"
                  "2026-03-04T10:00:00Z,B-2,1,,S2,,S2#3,,\n"
                  "2026-03-04T11:00:00Z,B-2,1,,S3,,,,why\n"
                  "2026-03-04T12:00:00Z,B-2,1,,S4,,,2026-03-04T11:59:59Z,\n",
                  "Line 2: The discount 2.01 is more than the line’s price.\n"
                  "Line 3: The reference “S2#3” should be “S2#2” or empty: that is line 2 of sale "
                  "“S2”.\n"
                  "Line 4: A void_reason needs the time the sale was voided (voided).\n"
                  "Line 5: The sale cannot be voided (2026-03-04T11:59:59Z) before it was made "
                  "(2026-03-04T12:00:00Z).\n");
  /* At the item's price (empty unit_price), known only to the inventory: 2 × 2.50. */
  import_refused (writer, STK_TABLE_SALES,
                  "sold_at,sku,quantity,sale,discount\n"
                  "2026-03-04T10:00:00Z,B-2,1,S2,\n"
                  "2026-03-04T10:00:00Z,A-1,2,S2,5.01\n",
                  "Line 3: The discount 5.01 on “A-1” is more than the line’s price 5.00.\n");
  stk_test_close_writer (writer);
}

Test (transfer_sales, returns_over_what_was_sold)
{
  StkWriter *writer = open_base ();

  /* Line 1 of S1 sold 3, 1 came back already (in the inventory). */
  import_refused (writer, STK_TABLE_RETURNS,
                  "returned_at,sale,line,quantity\n"
                  "2026-03-05T10:00:00Z,S1,1,3\n",
                  "Line 2: At most 2 of “A-1” can be returned from this line.\n");
  /* Line 2 sold 2: 1 and then 2 more in the same file. */
  import_refused (writer, STK_TABLE_RETURNS,
                  "returned_at,sale,line,quantity\n"
                  "2026-03-05T10:00:00Z,S1,2,1\n"
                  "2026-03-05T11:00:00Z,S1,2,2\n",
                  "Line 3: At most 1 of “B-2” can be returned from this line.\n");
  stk_test_close_writer (writer);
}

Test (transfer_sales, returns_of_unknown_or_voided_sales)
{
  StkWriter *writer = open_base ();

  import_refused (writer, STK_TABLE_RETURNS,
                  "returned_at,sale,line,quantity\n"
                  "2026-03-05T10:00:00Z,S1,2,1\n"
                  "2026-03-05T10:00:00Z,NOPE,1,1\n"
                  "2026-03-05T10:00:00Z,S1,3,1\n"
                  "2026-03-05T10:00:00Z,V1,2,1\n"
                  "2026-03-05T10:00:00Z,S1#2,1,1\n",
                  "Line 3: Unknown sale “NOPE”.\n"
                  "Line 4: The sale “S1” has no line 3.\n"
                  "Line 5: The sale of “B-2” was voided, so nothing of it can be returned.\n"
                  "Line 6: Unknown sale “S1#2”.\n");
  stk_test_close_writer (writer);
}

/* ---- the CLI ---- */

Test (transfer_sales, the_cli_imports_and_exports_returns)
{
  StkWriter *writer = open_base ();
  g_autofree char *out = g_build_filename (tmpdir, "returns-out.csv", NULL);
  g_autofree char *copy_path = g_build_filename (tmpdir, "copy.db", NULL);
  g_autofree char *skus = write_file ("skus.csv", base_skus);
  g_autofree char *moves = write_file ("moves.csv", base_moves);
  g_autofree char *sales = write_file ("sales.csv", base_sales);
  g_autofree char *text = NULL;
  g_auto(StkTestRun) run = { 0 };

  stk_test_close_writer (writer);
  stk_test_run_db (&run, db_path, "export", "returns", out, NULL);
  cr_assert_eq (run.status, 0, "%s", run.err);
  text = read_text (out);
  cr_assert_str_eq (text, "returned_at,sale,line,quantity,refund,reason,reference,tax\r\n"
                          "2026-03-02T10:00:00Z,S1,1,1,2.33,too many,R1,0.00\r\n");

  stk_test_run_db (&run, copy_path, "import", "skus", skus, NULL);
  cr_assert_eq (run.status, 0, "%s", run.err);
  stk_test_run_db (&run, copy_path, "import", "movements", moves, NULL);
  cr_assert_eq (run.status, 0, "%s", run.err);
  stk_test_run_db (&run, copy_path, "import", "sales", sales, NULL);
  cr_assert_eq (run.status, 0, "%s", run.err);
  stk_test_run_db (&run, copy_path, "import", "returns", out, NULL);
  cr_assert_eq (run.status, 0, "%s", run.err);
  {
    g_autofree char *want = stk_test_query_dump (db_path, compare_sql[4]);

    assert_dump (copy_path, compare_sql[4], want);
  }
}
