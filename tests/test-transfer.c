/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV import and export: round trips of the three tables, tricky CSV, bad rows
 * reported by line with nothing imported, exactly-once re-import, clear errors for
 * missing files and folders, atomic export, cancellation, price parsing. */
#include "config.h"

#include <criterion/criterion.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-store.h"
#include "stk-transfer.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

TestSuite (transfer, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

/* ---- helpers ---- */

static char *
write_file (const char *name,
            const char *contents,
            gssize      len)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_set_contents (path, contents, len, &error), "%s",
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

/* SHA-256 over every value of every row that @sql returns, for comparisons. */
static char *
query_digest (const char *path,
              const char *sql)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint rows = 0;
  char *result;

  cr_assert_eq (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), SQLITE_OK, "%s: %s", sql,
                sqlite3_errmsg (db));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const guchar *text = sqlite3_column_text (stmt, i);
          int type = sqlite3_column_type (stmt, i);

          g_checksum_update (sum, (const guchar *) &type, sizeof type);
          if (text != NULL)
            g_checksum_update (sum, text, sqlite3_column_bytes (stmt, i));
          g_checksum_update (sum, (const guchar *) "\x1f", 1);
        }
      g_checksum_update (sum, (const guchar *) "\x1e", 1);
      rows++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  result = g_strdup_printf ("%u:%s", rows, g_checksum_get_string (sum));
  return result;
}

/* Every row of every table. */
static char *
db_digest (const char *path)
{
  g_autofree char *a = query_digest (path, "SELECT * FROM items ORDER BY id");
  g_autofree char *b = query_digest (path, "SELECT * FROM movements ORDER BY id");
  g_autofree char *c = query_digest (path, "SELECT * FROM sales ORDER BY id");
  g_autofree char *d = query_digest (path, "SELECT * FROM applied_ops ORDER BY op_id");
  g_autofree char *e = query_digest (path, "SELECT * FROM settings ORDER BY key");

  return g_strjoin ("/", a, b, c, d, e, NULL);
}

static char *
query_text (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  cr_assert_eq (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), SQLITE_OK, "%s: %s", sql,
                sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gboolean
import (StkWriter        *writer,
        StkTable          table,
        const char       *path,
        StkImportReport  *report,
        GError          **error)
{
  return stk_import_file (writer, table, path, NULL, NULL, NULL, report, error);
}

static void
import_ok (StkWriter  *writer,
           StkTable    table,
           const char *path,
           guint64     expected_rows)
{
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;

  cr_assert (import (writer, table, path, &report, &error), "%s (%s)",
             error ? error->message : "",
             report.errors != NULL && report.errors->len > 0
               ? (const char *) g_ptr_array_index (report.errors, 0) : "");
  cr_assert_eq (report.rows, expected_rows);
  cr_assert_eq (report.imported + report.duplicates, expected_rows);
  cr_assert_eq (report.n_errors, 0);
}

static void
export_ok (StkStore   *store,
           StkTable    table,
           const char *path,
           guint64     expected_rows)
{
  g_autoptr(GError) error = NULL;
  guint64 rows = 0;

  cr_assert (stk_export_file (store, table, path, NULL, NULL, NULL, &rows, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (rows, expected_rows, "%s: %lu rows", stk_table_to_string (table), (gulong) rows);
}

static gboolean
report_has (const StkImportReport *report,
            const char            *prefix,
            const char            *part)
{
  for (guint i = 0; report->errors != NULL && i < report->errors->len; i++)
    {
      const char *msg = g_ptr_array_index (report->errors, i);

      if (g_str_has_prefix (msg, prefix) && (part == NULL || strstr (msg, part) != NULL))
        return TRUE;
    }
  return FALSE;
}

static char *
report_dump (const StkImportReport *report)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; report->errors != NULL && i < report->errors->len; i++)
    g_string_append_printf (s, "\n  %s", (const char *) g_ptr_array_index (report->errors, i));
  return g_string_free (s, FALSE);
}

static gint64
utc_us (int y, int mo, int d, int h, int mi, int s)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, s);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

/* A small inventory with every kind of row and awkward text. */
static void
fill_inventory (StkWriter *writer)
{
  stk_test_submit (writer, stk_op_create_item ("X-1", "Plain item", 1250, 5));
  stk_test_submit (writer, stk_op_create_item ("Y-2", "Comma, \"quoted\" and\nnew line", 99, 0));
  stk_test_submit (writer, stk_op_create_item ("ÄPFEL-1", "Äpfel „Boskoop“ – 1 kg, ½ price", 349, 10));
  stk_test_submit (writer, stk_op_create_item ("Z-9", "To be archived", 0, 0));

  stk_test_submit (writer, stk_op_record_movement ("X-1", STK_MOVEMENT_RECEIVE, 100, "Delivery #1",
                                          utc_us (2026, 1, 10, 8, 0, 0)));
  stk_test_submit (writer, stk_op_record_movement ("X-1", STK_MOVEMENT_ADJUSTMENT, -3, "Broken, 3 units",
                                          utc_us (2026, 1, 11, 9, 30, 0)));
  stk_test_submit (writer, stk_op_record_movement ("Y-2", STK_MOVEMENT_RECEIVE, 10, "",
                                          utc_us (2026, 1, 12, 10, 0, 0)));
  stk_test_submit (writer, stk_op_record_movement ("Y-2", STK_MOVEMENT_COUNT, 8, "Year-end count",
                                          utc_us (2026, 1, 13, 10, 0, 0)));
  stk_test_submit (writer, stk_op_record_movement ("ÄPFEL-1", STK_MOVEMENT_RECEIVE, 5, "Äpfel geliefert",
                                          utc_us (2026, 1, 14, 7, 0, 0)));
  stk_test_submit (writer, stk_op_record_sale ("X-1", 5, -1, utc_us (2026, 2, 1, 12, 0, 0)));
  stk_test_submit (writer, stk_op_record_sale ("X-1", 2, 1000, utc_us (2026, 2, 2, 12, 0, 0) + 123456));
  stk_test_submit (writer, stk_op_record_sale ("Y-2", 1, 120, utc_us (2026, 2, 3, 12, 0, 0) + 1));
  stk_test_submit (writer, stk_op_record_sale ("Äpfel-1", 1, -1, utc_us (2026, 2, 4, 18, 45, 30)));
}

/* ---- prices ---- */

Test (transfer, price_parsing)
{
  static const struct
  {
    const char *text;
    gint64      cents;
  } valid[] = {
    { "0", 0 },          { "3", 300 },         { "12.5", 1250 },  { "12.50", 1250 },
    { "0.99", 99 },      { "0.05", 5 },        { "0.5", 50 },     { "007.10", 710 },
    { "1234567.89", 123456789 },               { "92233720368547757.99", G_GINT64_CONSTANT (9223372036854775799) },
  };
  static const char *const invalid[] = {
    "12.345", "abc", "-1", "-0.50", "1e3", "1,50", "12.", ".5", "+3", " 1", "1 ", "1.2.3",
    "", "0x10", "12.3a", "99999999999999999999", "92233720368547758", "922337203685477580", "١٢", "1.000",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 cents = -1;

      cr_assert (stk_price_parse (valid[i].text, &cents, &error), "“%s”: %s", valid[i].text,
                 error ? error->message : "");
      cr_assert_eq (cents, valid[i].cents, "“%s” → %" G_GINT64_FORMAT, valid[i].text, cents);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 cents = -7;

      cr_assert_not (stk_price_parse (invalid[i], &cents, &error), "“%s” was accepted as %"
                     G_GINT64_FORMAT, invalid[i], cents);
      cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
      cr_assert_eq (cents, -7, "no value is stored for “%s”", invalid[i]);
    }

  {
    g_autoptr(GError) error = NULL;
    gint64 cents;

    cr_assert_not (stk_price_parse ("12.345", &cents, &error));
    cr_assert_str_eq (error->message, "The price “12.345” has more than two decimals.");
    g_clear_error (&error);
    cr_assert_not (stk_price_parse ("-1", &cents, &error));
    cr_assert_str_eq (error->message, "The price “-1” is negative.");
  }

  {
    g_autofree char *a = stk_price_format (1250);
    g_autofree char *b = stk_price_format (5);
    g_autofree char *c = stk_price_format (0);
    g_autofree char *d = stk_price_format (200000);

    cr_assert_str_eq (a, "12.50");
    cr_assert_str_eq (b, "0.05");
    cr_assert_str_eq (c, "0.00");
    cr_assert_str_eq (d, "2000.00");
  }
}

Test (transfer, table_names)
{
  StkTable t = STK_TABLE_SKUS;

  cr_assert (stk_table_from_string ("Sales", &t));
  cr_assert_eq (t, STK_TABLE_SALES);
  cr_assert (stk_table_from_string ("movements", &t));
  cr_assert_eq (t, STK_TABLE_MOVEMENTS);
  cr_assert_not (stk_table_from_string ("items", &t));
  cr_assert_str_eq (stk_table_to_string (STK_TABLE_SKUS), "skus");
}

/* ---- round trips ---- */

Test (transfer, round_trip_of_all_three_tables)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autofree char *copy_path = g_build_filename (tmpdir, "copy.db", NULL);
  g_autofree char *skus = g_build_filename (tmpdir, "skus.csv", NULL);
  g_autofree char *sales = g_build_filename (tmpdir, "sales.csv", NULL);
  g_autofree char *movements = g_build_filename (tmpdir, "movements.csv", NULL);
  g_autofree char *sales2 = g_build_filename (tmpdir, "sales2.csv", NULL);
  g_autofree char *skus2 = g_build_filename (tmpdir, "skus2.csv", NULL);
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  StkWriter *copy;
  g_autoptr(StkStore) copy_store = NULL;
  static const char *const compare[] = {
    "SELECT code, description, unit_price_cents, reorder_level, archived FROM items ORDER BY code",
    "SELECT s.uid, i.code, s.quantity, s.unit_price_cents, s.sold_at FROM sales s"
    " JOIN items i ON i.id = s.item_id ORDER BY s.uid",
    "SELECT i.code, m.kind, CASE m.kind WHEN 'count' THEN m.balance ELSE m.quantity END,"
    " m.reason, m.moved_at FROM movements m JOIN items i ON i.id = m.item_id"
    " WHERE m.kind <> 'sale' AND m.reason <> 'Opening stock (import)' ORDER BY m.moved_at",
  };

  fill_inventory (writer);
  stk_test_submit (writer, stk_op_set_archived (4, TRUE));
  store = stk_test_open_store (db_path);

  export_ok (store, STK_TABLE_SKUS, skus, 4);
  export_ok (store, STK_TABLE_SALES, sales, 4);
  export_ok (store, STK_TABLE_MOVEMENTS, movements, 5);

  text = read_text (sales);
  cr_assert (strstr (text, "sold_at,sku,quantity,unit_price,reference,sale,discount,payment,note,"
                           "voided,void_reason,tax_name,tax_rate,tax_included,tax,cost\r\n"
                           "2026-02-01T12:00:00Z,X-1,5,12.50,") == text, "%s", text);
  cr_assert (strstr (text, "\r\n2026-02-02T12:00:00.123456Z,X-1,2,10.00,") != NULL, "%s", text);
  cr_assert (strstr (text, "\r\n2026-02-03T12:00:00.000001Z,Y-2,1,1.20,") != NULL, "%s", text);
  g_clear_pointer (&text, g_free);
  text = read_text (skus);
  cr_assert_str_eq (text,
                    "code,description,unit_price,reorder_level,archived,on_hand,barcodes,"
                    "tax_rate,unit_cost\r\n"
                    "X-1,Plain item,12.50,5,0,90,,,\r\n"
                    "Y-2,\"Comma, \"\"quoted\"\" and\nnew line\",0.99,0,0,7,,,\r\n"
                    "Z-9,To be archived,0.00,0,1,0,,,\r\n"
                    "ÄPFEL-1,"
                    "\"Äpfel „Boskoop“ – 1 kg, ½ price\",3.49,10,0,4,,,\r\n");
  g_clear_pointer (&text, g_free);
  text = read_text (movements);
  cr_assert (strstr (text, "2026-01-13T10:00:00Z,Y-2,count,8,Year-end count,M4,\r\n") != NULL,
             "a count exports the counted stock: %s", text);
  cr_assert (strstr (text, "2026-01-11T09:30:00Z,X-1,adjustment,-3,\"Broken, 3 units\",M2,\r\n")
             != NULL, "%s", text);

  /* Into a fresh inventory, the three files at once (skus.csv, movements.csv and
   * sales.csv of tmpdir): importing them one by one would count the stock twice,
   * as the SKUs' on_hand already includes the movements and sales. */
  copy = stk_test_open_writer (copy_path);
  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;

    cr_assert (stk_import_all (copy, tmpdir, NULL, &report, &error), "%s",
               error ? error->message : "");
    cr_assert_eq (report.imported, 4 + 5 + 4);
  }

  for (guint i = 0; i < G_N_ELEMENTS (compare); i++)
    {
      g_autofree char *a = query_digest (db_path, compare[i]);
      g_autofree char *b = query_digest (copy_path, compare[i]);

      cr_assert_str_eq (a, b, "rows differ: %s", compare[i]);
      cr_assert (!g_str_has_prefix (a, "0:"), "%s returned rows", compare[i]);
    }
  cr_assert_eq (stk_test_query (copy_path,
                                "SELECT count(*) FROM movements WHERE reason = 'Opening stock (import)'"
                                " AND kind = 'count'"),
                0, "the history gives the on-hand: no opening counts");
  {
    g_autofree char *a = query_digest (db_path, "SELECT code, on_hand FROM items ORDER BY code");
    g_autofree char *b = query_digest (copy_path, "SELECT code, on_hand FROM items ORDER BY code");
    cr_assert_str_eq (a, b, "on-hand differs after the move");
  }

  /* The copy's sales export is the same file. */
  copy_store = stk_test_open_store (copy_path);
  export_ok (copy_store, STK_TABLE_SALES, sales2, 4);
  g_clear_pointer (&text, g_free);
  text = read_text (sales);
  text2 = read_text (sales2);
  cr_assert_str_eq (text, text2);

  /* And a SKUs-only copy reproduces the SKUs file, on-hand included. */
  {
    g_autofree char *only_path = g_build_filename (tmpdir, "only.db", NULL);
    StkWriter *only = stk_test_open_writer (only_path);
    g_autoptr(StkStore) only_store = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    import_ok (only, STK_TABLE_SKUS, skus, 4);
    only_store = stk_test_open_store (only_path);
    export_ok (only_store, STK_TABLE_SKUS, skus2, 4);
    a = read_text (skus);
    b = read_text (skus2);
    cr_assert_str_eq (a, b);
    stk_test_close_writer (only);
  }

  stk_test_close_writer (copy);
  stk_test_close_writer (writer);
}

Test (transfer, tricky_csv_values)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  /* BOM, CRLF, columns in another order and case, quoted commas, quotes and line
   * breaks, non-ASCII, spaces around values, a last line without a line end. */
  static const char csv[] =
    "\xEF\xBB\xBF" "On_Hand, Unit_Price ,CODE,Description,archived\r\n"
    "3,12.5,A-1,\"Bolts, nuts and \"\"washers\"\"\",no\r\n"
    "0,0.99,Ü-2,\"Zwei\r\nZeilen\",YES\r\n"
    ",,C-3,,\r\n"
    " 7 , 3 , 日本-4 , Tee 緑茶 ,0";
  g_autofree char *path = write_file ("tricky.csv", csv, sizeof csv - 1);
  g_autofree char *desc = NULL;
  g_autofree char *desc2 = NULL;
  g_autofree char *desc4 = NULL;

  import_ok (writer, STK_TABLE_SKUS, path, 4);

  desc = query_text (db_path, "SELECT description FROM items WHERE code = 'A-1'");
  cr_assert_str_eq (desc, "Bolts, nuts and \"washers\"");
  desc2 = query_text (db_path, "SELECT description FROM items WHERE code = 'Ü-2'");
  cr_assert_str_eq (desc2, "Zwei\r\nZeilen");
  desc4 = query_text (db_path, "SELECT description FROM items WHERE code = '日本-4'");
  cr_assert_str_eq (desc4, "Tee 緑茶");
  cr_assert_eq (stk_test_query (db_path, "SELECT unit_price_cents FROM items WHERE code = 'A-1'"),
                1250);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'A-1'"), 3);
  cr_assert_eq (stk_test_query (db_path, "SELECT archived FROM items WHERE code = 'Ü-2'"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT unit_price_cents + on_hand + archived FROM items"
                                         " WHERE code = 'C-3'"),
                0);
  cr_assert_eq (stk_test_query (db_path, "SELECT unit_price_cents FROM items WHERE code = '日本-4'"),
                300);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = '日本-4'"), 7);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements"), 2,
                "opening counts only where on_hand > 0");
  stk_test_close_writer (writer);
}

Test (transfer, date_formats)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  static const char csv[] =
    "sold_at,sku,quantity,reference\n"
    "2026-11-23T10:15:00Z,A,1,r1\n"
    "2026-11-23T10:15:00+01:00,A,1,r2\n"
    "2026-11-23 10:15:00,A,1,r3\n"
    "2026-11-23,A,1,r4\n"
    "2026-11-23T10:15:00.25Z,A,1,r5\n";
  g_autofree char *path = NULL;

  g_setenv ("TZ", "Europe/Berlin", TRUE);
  tzset ();
  path = write_file ("sales.csv", csv, -1);
  stk_test_submit (writer, stk_op_create_item ("A", "", 100, 0));
  stk_test_submit (writer, stk_op_record_movement ("A", STK_MOVEMENT_RECEIVE, 10, "", 0));
  import_ok (writer, STK_TABLE_SALES, path, 5);

  cr_assert_eq (stk_test_query (db_path, "SELECT sold_at FROM sales WHERE uid = 'r1'"),
                utc_us (2026, 11, 23, 10, 15, 0));
  cr_assert_eq (stk_test_query (db_path, "SELECT sold_at FROM sales WHERE uid = 'r2'"),
                utc_us (2026, 11, 23, 9, 15, 0));
  cr_assert_eq (stk_test_query (db_path, "SELECT sold_at FROM sales WHERE uid = 'r3'"),
                utc_us (2026, 11, 23, 9, 15, 0), "no zone: local time (CET)");
  cr_assert_eq (stk_test_query (db_path, "SELECT sold_at FROM sales WHERE uid = 'r4'"),
                utc_us (2026, 11, 22, 23, 0, 0), "a plain date: local midnight");
  cr_assert_eq (stk_test_query (db_path, "SELECT sold_at FROM sales WHERE uid = 'r5'"),
                utc_us (2026, 11, 23, 10, 15, 0) + 250000);
  cr_assert_eq (stk_test_query (db_path, "SELECT sum(unit_price_cents) FROM sales"), 500,
                "an empty unit_price is the item's price");
  stk_test_close_writer (writer);
}

/* ---- bad input ---- */

Test (transfer, bad_rows_are_reported_by_line_and_nothing_is_imported)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dump = NULL;
  static const char csv[] =
    "code,description,unit_price,on_hand\n"     /* 1 */
    "OK-1,Fine,1.00,0\n"                        /* 2 */
    "BAD-PRICE,x,12.345,0\n"                    /* 3 */
    "BAD-ABC,x,abc,0\n"                         /* 4 */
    "NEG-QTY,x,1.00,-5\n"                       /* 5 */
    "BAD-UTF,\xff\xfe,1.00,0\n"                 /* 6 */
    "FIELDS,x,1.00\n"                           /* 7 */
    "DUP-1,first,1.00,0\n"                      /* 8 */
    "\"multi\nline\",x,1.00,0\n"                /* 9-10: a code with a line break */
    "dup-1,second,1.00,0\n"                     /* 11 */
    ",no code,1.00,0\n"                         /* 12 */
    "OK-2,Fine too,2,1\n";                      /* 13 */

  stk_test_submit (writer, stk_op_create_item ("EXISTING", "already here", 100, 0));
  before = db_digest (db_path);
  path = write_file ("bad.csv", csv, sizeof csv - 1);

  cr_assert_not (import (writer, STK_TABLE_SKUS, path, &report, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert_str_eq (error->message, "“bad.csv” has 8 bad rows; nothing was imported.");
  dump = report_dump (&report);
  cr_assert_eq (report.rows, 11, "%lu", (gulong) report.rows);
  cr_assert_eq (report.n_errors, 8, "%s", dump);
  cr_assert_eq (report.errors->len, 8);
  cr_assert_eq (report.imported, 0);
  cr_assert (report_has (&report, "Line 3: ", "12.345"), "%s", dump);
  cr_assert (report_has (&report, "Line 4: ", "abc"), "%s", dump);
  cr_assert (report_has (&report, "Line 5: ", "on_hand"), "%s", dump);
  cr_assert (report_has (&report, "Line 6: ", "UTF-8"), "%s", dump);
  cr_assert (report_has (&report, "Line 7: ", "3 fields"), "%s", dump);
  cr_assert (report_has (&report, "Line 9: ", "control character"), "%s", dump);
  cr_assert (report_has (&report, "Line 11: ", "first on line 8"), "%s", dump);
  cr_assert (report_has (&report, "Line 12: ", "empty"), "%s", dump);

  after = db_digest (db_path);
  cr_assert_str_eq (before, after, "the inventory is unchanged");
  stk_test_close_writer (writer);
}

Test (transfer, rows_refused_by_the_inventory_fail_the_whole_import)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_auto(StkImportReport) report = { 0 };
  g_auto(StkImportReport) report2 = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *skus = NULL;
  g_autofree char *sales = NULL;
  g_autofree char *dump = NULL;

  stk_test_submit (writer, stk_op_create_item ("EXISTING", "already here", 100, 0));
  stk_test_submit (writer, stk_op_record_movement ("EXISTING", STK_MOVEMENT_RECEIVE, 3, "", 0));
  before = db_digest (db_path);

  skus = write_file ("skus.csv",
                     "code,on_hand\n"
                     "NEW-1,5\n"
                     "existing,1\n"
                     "NEW-2,0\n", -1);
  cr_assert_not (import (writer, STK_TABLE_SKUS, skus, &report, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error->message);
  dump = report_dump (&report);
  cr_assert_eq (report.n_errors, 1, "%s", dump);
  cr_assert (report_has (&report, "Line 3: ", "already exists"), "%s", dump);
  cr_assert_eq (report.imported, 0);

  sales = write_file ("sales.csv",
                      "sold_at,sku,quantity\n"
                      "2026-01-01T10:00:00Z,EXISTING,1\n"
                      "2026-01-01T11:00:00Z,NOPE,1\n"
                      "2026-01-01T12:00:00Z,EXISTING,5\n"
                      "2026-01-01T13:00:00Z,NOPE,2\n"
                      "2026-01-01T14:00:00Z,EXISTING,1\n", -1);
  cr_assert_not (import (writer, STK_TABLE_SALES, sales, &report2, &error2));
  cr_assert (g_error_matches (error2, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error2->message);
  g_free (dump);
  dump = report_dump (&report2);
  cr_assert_eq (report2.n_errors, 3, "%s", dump);
  cr_assert (report_has (&report2, "Line 3: ", "Unknown item code “NOPE”"), "%s", dump);
  cr_assert (report_has (&report2, "Line 4: ", "Not enough stock"), "%s", dump);
  cr_assert (report_has (&report2, "Line 5: ", "NOPE"), "%s", dump);

  after = db_digest (db_path);
  cr_assert_str_eq (before, after, "the inventory is unchanged");
  stk_test_close_writer (writer);
}

Test (transfer, bad_header)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *unknown = write_file ("unknown.csv", "code,colour\nA,red\n", -1);
  g_autofree char *missing = write_file ("missing.csv", "description,unit_price\nx,1\n", -1);
  g_autofree char *twice = write_file ("twice.csv", "sku,sold_at,quantity,SKU\n", -1);
  g_autofree char *empty = write_file ("empty.csv", "", 0);
  g_autofree char *header_only = write_file ("header.csv", "code\r\n", -1);

  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;

    cr_assert_not (import (writer, STK_TABLE_SKUS, unknown, &report, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
    cr_assert (report_has (&report, "Line 1: ", "Unknown column “colour”"));
  }
  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;

    cr_assert_not (import (writer, STK_TABLE_SKUS, missing, &report, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
    cr_assert (report_has (&report, "Line 1: ", "required column “code” is missing"));
  }
  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;

    cr_assert_not (import (writer, STK_TABLE_SALES, twice, &report, &error));
    cr_assert (report_has (&report, "Line 1: ", "“sku” appears twice"));
  }
  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;

    cr_assert_not (import (writer, STK_TABLE_SKUS, empty, &report, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
    cr_assert (strstr (error->message, "empty") != NULL, "%s", error->message);
  }
  import_ok (writer, STK_TABLE_SKUS, header_only, 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0);
  stk_test_close_writer (writer);
}

Test (transfer, bad_sales_and_movements_values)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_auto(StkImportReport) report = { 0 };
  g_auto(StkImportReport) report2 = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autofree char *sales = write_file ("sales.csv",
                                       "sold_at,sku,quantity,unit_price,reference\n"
                                       "yesterday,A,1,,\n"                     /* 2 */
                                       "2026-01-01T10:00:00Z,A,0,,\n"          /* 3 */
                                       "2026-01-01T10:00:00Z,A,-2,,\n"         /* 4 */
                                       "2026-01-01T10:00:00Z,A,1,1.001,\n"     /* 5 */
                                       "2026-01-01T10:00:00Z,A,1,,ref-1\n"     /* 6 */
                                       "2026-01-01T11:00:00Z,A,2,,ref-1\n"     /* 7 */
                                       "1969-12-31T00:00:00Z,A,1,,\n"          /* 8 */
                                       ",A,1,,\n",                             /* 9 */
                                       -1);
  g_autofree char *movements = write_file ("movements.csv",
                                           "moved_at,sku,kind,quantity,reason\n"
                                           "2026-01-01,A,sale,1,\n"            /* 2 */
                                           "2026-01-01,A,receive,0,\n"         /* 3 */
                                           "2026-01-01,A,adjustment,0,\n"      /* 4 */
                                           "2026-01-01,A,count,-1,\n"          /* 5 */
                                           "2026-01-01,A,theft,1,\n"           /* 6 */
                                           "2026-01-01,A,count,1.5,\n"         /* 7 */
                                           "2026-01-01,A,adjustment,-2,ok\n",  /* 8 */
                                           -1);
  g_autofree char *dump = NULL;

  stk_test_submit (writer, stk_op_create_item ("A", "", 100, 0));

  cr_assert_not (import (writer, STK_TABLE_SALES, sales, &report, &error));
  dump = report_dump (&report);
  cr_assert_eq (report.n_errors, 7, "%s", dump);
  cr_assert (report_has (&report, "Line 2: ", "yesterday"), "%s", dump);
  cr_assert (report_has (&report, "Line 3: ", "above zero"), "%s", dump);
  cr_assert (report_has (&report, "Line 4: ", "above zero"), "%s", dump);
  cr_assert (report_has (&report, "Line 5: ", "two decimals"), "%s", dump);
  cr_assert (report_has (&report, "Line 7: ", "“ref-1” appears twice in the file (first on line 6)"),
             "%s", dump);
  cr_assert (report_has (&report, "Line 8: ", "before 1970"), "%s", dump);
  cr_assert (report_has (&report, "Line 9: ", "sold_at is empty"), "%s", dump);

  cr_assert_not (import (writer, STK_TABLE_MOVEMENTS, movements, &report2, &error2));
  g_free (dump);
  dump = report_dump (&report2);
  cr_assert_eq (report2.n_errors, 6, "%s", dump);
  cr_assert (report_has (&report2, "Line 2: ", "import them as sales"), "%s", dump);
  cr_assert (report_has (&report2, "Line 3: ", "above zero"), "%s", dump);
  cr_assert (report_has (&report2, "Line 4: ", "other than zero"), "%s", dump);
  cr_assert (report_has (&report2, "Line 5: ", "below zero"), "%s", dump);
  cr_assert (report_has (&report2, "Line 6: ", "“theft”"), "%s", dump);
  cr_assert (report_has (&report2, "Line 7: ", "whole number"), "%s", dump);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements"), 0);
  stk_test_close_writer (writer);
}

Test (transfer, error_messages_are_capped_but_counted)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new ("code,unit_price\n");
  g_autofree char *path = NULL;

  for (guint i = 0; i < 120; i++)
    g_string_append_printf (csv, "C-%u,%s\n", i, i % 2 ? "bad" : "1.00");
  path = write_file ("many.csv", csv->str, (gssize) csv->len);
  cr_assert_not (import (writer, STK_TABLE_SKUS, path, &report, &error));
  cr_assert_eq (report.n_errors, 60);
  cr_assert_eq (report.errors->len, STK_IMPORT_MAX_REPORTED_ERRORS);
  cr_assert (g_str_has_prefix (g_ptr_array_index (report.errors, 0), "Line 3: "));
  cr_assert_str_eq (error->message, "“many.csv” has 60 bad rows; nothing was imported.");
  stk_test_close_writer (writer);
}

/* ---- exactly once ---- */

Test (transfer, importing_the_same_sales_twice_adds_nothing)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *uid = NULL;
  /* No references: keys come from the rows. Two identical rows are two sales. */
  static const char csv[] =
    "sold_at,sku,quantity,unit_price\n"
    "2026-03-01T09:00:00Z,A,1,\n"
    "2026-03-01T09:00:00Z,A,1,\n"
    "2026-03-01T09:00:00Z,a,2,\n"
    "2026-03-01T09:00:00Z,A,1,0.50\n";

  stk_test_submit (writer, stk_op_create_item ("A", "", 100, 0));
  stk_test_submit (writer, stk_op_record_movement ("A", STK_MOVEMENT_RECEIVE, 100, "", 0));
  path = write_file ("sales.csv", csv, -1);

  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;

    cr_assert (import (writer, STK_TABLE_SALES, path, &report, &error), "%s",
               error ? error->message : "");
    cr_assert_eq (report.imported, 4);
    cr_assert_eq (report.duplicates, 0);
  }
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 4);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales WHERE uid LIKE 'csv:%:2'"), 1,
                "the repeated row is occurrence 2");
  uid = query_text (db_path, "SELECT uid FROM sales ORDER BY id LIMIT 1");
  cr_assert (g_regex_match_simple ("^csv:[0-9a-f]{64}:1$", uid, 0, 0), "%s", uid);
  before = db_digest (db_path);

  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;

    cr_assert (import (writer, STK_TABLE_SALES, path, &report, &error), "%s",
               error ? error->message : "");
    cr_assert_eq (report.rows, 4);
    cr_assert_eq (report.imported, 0);
    cr_assert_eq (report.duplicates, 4);
    cr_assert_eq (report.n_errors, 0);
  }
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 4);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 95);

  /* Only the import's own applied_ops record is new: the data are unchanged. */
  after = db_digest (db_path);
  cr_assert_str_neq (before, after);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM applied_ops WHERE kind = 'import-sales'"),
                2);
  stk_test_close_writer (writer);
}

Test (transfer, movements_with_references_are_imported_once)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *path = write_file ("movements.csv",
                                      "moved_at,sku,kind,quantity,reason,reference\n"
                                      "2026-01-01,A,receive,10,Delivery,D-1\n"
                                      "2026-01-02,A,adjustment,-1,Broken,\n"
                                      "2026-01-03,A,count,4,Count,C-1\n",
                                      -1);
  g_autofree char *extended = write_file ("movements2.csv",
                                          "moved_at,sku,kind,quantity,reason,reference\n"
                                          "2026-01-01,A,receive,10,Delivery,D-1\n"
                                          "2026-01-02,A,adjustment,-1,Broken,\n"
                                          "2026-01-03,A,count,4,Count,C-1\n"
                                          "2026-01-04,A,receive,6,Delivery,D-2\n",
                                          -1);

  stk_test_submit (writer, stk_op_create_item ("A", "", 100, 0));
  import_ok (writer, STK_TABLE_MOVEMENTS, path, 3);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 4);
  cr_assert_eq (stk_test_query (db_path, "SELECT quantity FROM movements WHERE reference = 'C-1'"), -5,
                "a count records the difference");

  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;

    cr_assert (import (writer, STK_TABLE_MOVEMENTS, extended, &report, &error));
    cr_assert_eq (report.imported, 1);
    cr_assert_eq (report.duplicates, 3);
  }
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 10);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements"), 4);
  stk_test_close_writer (writer);
}

/* ---- files and folders ---- */

Test (transfer, missing_file_and_folder)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autofree char *missing = g_build_filename (tmpdir, "nope.csv", NULL);
  g_autofree char *no_dir = g_build_filename (tmpdir, "no-such-folder", "out.csv", NULL);
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GError) error3 = NULL;

  cr_assert_not (import (writer, STK_TABLE_SKUS, missing, &report, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  cr_assert (strstr (error->message, "nope.csv”: the file does not exist.") != NULL, "%s",
             error->message);

  cr_assert_not (stk_export_file (store, STK_TABLE_SKUS, no_dir, NULL, NULL, NULL, NULL, &error2));
  cr_assert (g_error_matches (error2, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error2->message);
  cr_assert (strstr (error2->message, "does not exist") != NULL, "%s", error2->message);

  cr_assert_not (import (writer, STK_TABLE_SKUS, tmpdir, NULL, &error3));
  cr_assert (g_error_matches (error3, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error3->message);
  stk_test_close_writer (writer);
}

Test (transfer, unreadable_file_and_read_only_folder)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autofree char *secret = write_file ("secret.csv", "code\nA\n", -1);
  g_autofree char *ro = g_build_filename (tmpdir, "ro", NULL);
  g_autofree char *out = g_build_filename (ro, "out.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  cr_assert_eq (g_chmod (secret, 0600), 0);
  cr_assert_eq (g_mkdir (ro, 0755), 0); /* root's: read-only for nobody */
  cr_assert_eq (chown (tmpdir, 65534, 65534), 0);
  stk_test_drop_privileges ();

  cr_assert_not (import (writer, STK_TABLE_SKUS, secret, NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);

  cr_assert_not (stk_export_file (store, STK_TABLE_SKUS, out, NULL, NULL, NULL, NULL, &error2));
  cr_assert (g_error_matches (error2, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error2->message);
  cr_assert (strstr (error2->message, "read-only") != NULL, "%s", error2->message);
  stk_test_close_writer (writer);
}

static guint
count_part_files (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    n += strstr (name, ".part-") != NULL || strstr (name, ".stocktake-tmp-") != NULL;
  return n;
}

static void
cancel_at_first_progress (guint64  done,
                          guint64  total,
                          gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

Test (transfer, export_replaces_an_existing_file_only_on_success)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *out = write_file ("out.csv", "old contents\n", -1);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new ("code,description,reorder_level\n");
  g_autofree char *in = NULL;
  guint64 rows = 0;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (csv, "I-%05u,a description long enough to fill the buffer,%u\n", i,
                            i % 9);
  in = write_file ("in.csv", csv->str, (gssize) csv->len);
  import_ok (writer, STK_TABLE_SKUS, in, 5000);
  store = stk_test_open_store (db_path);

  cr_assert_not (stk_export_file (store, STK_TABLE_SKUS, out, cancel_at_first_progress,
                                  cancellable, cancellable, &rows, &error));
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s", error->message);
  text = read_text (out);
  cr_assert_str_eq (text, "old contents\n");
  cr_assert_eq (count_part_files (), 0, "the temporary file is removed");

  export_ok (store, STK_TABLE_SKUS, out, 5000);
  g_clear_pointer (&text, g_free);
  text = read_text (out);
  cr_assert (g_str_has_prefix (text, "code,description,unit_price,reorder_level,archived,on_hand,"
                                     "barcodes,tax_rate,unit_cost\r\nI-00000,"));
  cr_assert_eq (count_part_files (), 0);
  stk_test_close_writer (writer);
}

typedef struct
{
  GCancellable *cancellable;
  guint         calls;
  guint64       last;
  guint64       total;
} Progress;

static void
progress_cb (guint64  done,
             guint64  total,
             gpointer user_data)
{
  Progress *p = user_data;

  cr_assert_geq (done, p->last, "progress never goes back");
  p->last = done;
  p->total = total;
  p->calls++;
  if (p->cancellable != NULL && done > 0)
    g_cancellable_cancel (p->cancellable);
}

Test (transfer, cancelled_import_imports_nothing)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GString) csv = g_string_new ("code,description,on_hand\n");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  Progress progress = { 0 };
  Progress full = { 0 };

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (csv, "SKU-%06u,Item number %u,%u\n", i, i, i % 7);
  path = write_file ("big.csv", csv->str, (gssize) csv->len);
  before = db_digest (db_path);

  /* Cancelled while reading. */
  progress.cancellable = cancellable;
  cr_assert_not (stk_import_file (writer, STK_TABLE_SKUS, path, progress_cb, &progress,
                                  cancellable, &report, &error));
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s", error->message);
  cr_assert_eq (report.imported, 0);

  /* Cancelled before starting. */
  g_cancellable_cancel (cancelled);
  cr_assert_not (stk_import_file (writer, STK_TABLE_SKUS, path, NULL, NULL, cancelled, NULL,
                                  &error2));
  cr_assert (g_error_matches (error2, G_IO_ERROR, G_IO_ERROR_CANCELLED));

  after = db_digest (db_path);
  cr_assert_str_eq (before, after);

  /* Not cancelled: progress reaches the file size. */
  cr_assert (stk_import_file (writer, STK_TABLE_SKUS, path, progress_cb, &full, NULL, NULL, NULL));
  cr_assert_eq (full.last, csv->len);
  cr_assert_eq (full.total, csv->len);
  cr_assert_geq (full.calls, 3);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 20000);
  cr_assert_eq (stk_test_query (db_path, "SELECT sum(on_hand) FROM items"),
                stk_test_query (db_path, "SELECT sum(quantity) FROM movements"));
  stk_test_close_writer (writer);
}
