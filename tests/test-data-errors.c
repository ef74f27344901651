/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The storage core's error branches that no other test takes: every kind of bad CSV
 * field (each reported by line, nothing imported, the writer goes on), every rule an
 * op checks (one clear STK_ERROR, the inventory unchanged, the next op applies), a
 * failing read under every read path (stats, verify, reports, look-ups, export: an
 * STK_ERROR_IO and, for export, no file left behind), and files that are not a sound
 * inventory handed to verify and restore. */
#include "config.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/file.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-code.h"
#include "stk-csv.h"
#include "stk-db.h"
#include "stk-error.h"
#include "stk-faultvfs.h"
#include "stk-identity.h"
#include "stk-maintenance.h"
#include "stk-ops.h"
#include "stk-output.h"
#include "stk-pager.h"
#include "stk-query.h"
#include "stk-schema.h"
#include "stk-seams.h"
#include "stk-store.h"
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
  stk_seams_reset ();
  stk_faultvfs_disarm ();
  stk_test_fixture_teardown ();
}

TestSuite (data_errors, .init = setup, .fini = teardown, .timeout = 120);

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
report_dump (const StkImportReport *report)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; report->errors != NULL && i < report->errors->len; i++)
    g_string_append_printf (s, "%s\n", (const char *) g_ptr_array_index (report->errors, i));
  return g_string_free (s, FALSE);
}

/* The report holds exactly "Line N: <expected>". */
static gboolean
report_has_exact (const StkImportReport *report,
                  guint                  line,
                  const char            *expected)
{
  g_autofree char *want = g_strdup_printf ("Line %u: %s", line, expected);

  for (guint i = 0; report->errors != NULL && i < report->errors->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (report->errors, i), want) == 0)
        return TRUE;
    }
  return FALSE;
}

/* SHA-256 over every row of every table of the inventory, for "nothing changed". */
static char *
db_digest (const char *path)
{
  static const char *const sql[] = {
    "SELECT * FROM items ORDER BY id",
    "SELECT * FROM movements ORDER BY id",
    "SELECT * FROM sales ORDER BY id",
  };
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3 *db = NULL;

  cr_assert_eq (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  for (guint q = 0; q < G_N_ELEMENTS (sql); q++)
    {
      sqlite3_stmt *stmt = NULL;

      cr_assert_eq (sqlite3_prepare_v2 (db, sql[q], -1, &stmt, NULL), SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int i = 0; i < sqlite3_column_count (stmt); i++)
            {
              const unsigned char *text = sqlite3_column_text (stmt, i);

              g_checksum_update (sum, text != NULL ? text : (const guchar *) "<null>", -1);
              g_checksum_update (sum, (const guchar *) "\x1f", 1);
            }
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return g_strdup (g_checksum_get_string (sum));
}

/* Imports @csv into @table; it must be refused as INVALID_DATA with every line of
 * @expected (pairs of line number and exact sentence, ended by 0) reported and
 * nothing else, and must leave the inventory as it was. */
static void
import_refused (StkWriter  *writer,
                StkTable    table,
                const char *csv,
                ...)
{
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file ("in.csv", csv);
  g_autofree char *before = db_digest (db_path);
  g_autofree char *after = NULL;
  g_autofree char *dump = NULL;
  g_autofree char *summary = NULL;
  gboolean header = FALSE;
  guint n = 0;
  va_list ap;

  cr_assert_not (stk_import_file (writer, table, path, NULL, NULL, NULL, &report, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s",
             error ? error->message : "no error");
  dump = report_dump (&report);
  va_start (ap, csv);
  for (guint line = va_arg (ap, guint); line != 0; line = va_arg (ap, guint))
    {
      const char *expected = va_arg (ap, const char *);

      cr_assert (report_has_exact (&report, line, expected), "want line %u: %s\ngot:\n%s", line,
                 expected, dump);
      header |= line == 1;
      n++;
    }
  va_end (ap);
  cr_assert_eq (report.n_errors, n, "%s", dump);
  cr_assert_eq (report.imported, 0);
  if (header)
    summary = g_strdup ("The column names in the first row of “in.csv” are wrong; nothing was "
                        "imported.");
  else if (n == 1)
    summary = g_strdup ("“in.csv” has 1 bad row; nothing was imported.");
  else
    summary = g_strdup_printf ("“in.csv” has %u bad rows; nothing was imported.", n);
  cr_assert_str_eq (error->message, summary);
  after = db_digest (db_path);
  cr_assert_str_eq (before, after, "nothing may be imported");
}

static void
import_ok (StkWriter  *writer,
           StkTable    table,
           const char *csv,
           guint64     rows)
{
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file ("ok.csv", csv);

  if (!stk_import_file (writer, table, path, NULL, NULL, NULL, &report, &error))
    {
      g_autofree char *dump = report_dump (&report);

      cr_assert_fail ("%s\n%s", error->message, dump);
    }
  cr_assert_eq (report.imported, rows);
}

static void
submit_fails (StkWriter  *writer,
              StkOp      *op,
              int         code,
              const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = db_digest (db_path);
  g_autofree char *after = NULL;

  cr_assert_not (stk_writer_submit_sync (writer, op, &error), "%s must fail", message);
  stk_op_unref (op);
  cr_assert (g_error_matches (error, STK_ERROR, code), "%s (code %d, want %d)",
             error ? error->message : "no error", error ? error->code : -1, code);
  cr_assert_str_eq (error->message, message);
  after = db_digest (db_path);
  cr_assert_str_eq (before, after, "a refused op changes nothing");
}

/* ---- CSV fields of every kind ---- */

Test (data_errors, price_text_that_is_not_a_price)
{
  static const struct { const char *text; const char *message; } bad[] = {
    { "-1", "The price “-1” is negative." },
    { "-0.50", "The price “-0.50” is negative." },
    { "92233720368547758.07", "The price “92233720368547758.07” is too large." },
    { "99999999999999999999", "The price “99999999999999999999” is too large." },
    { "12.", "“12.” is not a price like 12.50." },
    { ".5", "“.5” is not a price like 12.50." },
    { "1.234", "The price “1.234” has more than two decimals." },
    { "1.2x", "“1.2x” is not a price like 12.50." },
    { "1,50", "“1,50” is not a price like 12.50." },
    { "", "“” is not a price like 12.50." },
    { "-", "“-” is not a price like 12.50." },
  };
  gint64 cents = 0;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      cents = 777;
      cr_assert_not (stk_price_parse (bad[i].text, &cents, &error), "%s", bad[i].text);
      cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
      cr_assert_str_eq (error->message, bad[i].message);
      cr_assert_eq (cents, 777, "a refused price leaves the output alone");
    }
  cr_assert (stk_price_parse ("1.5", &cents, NULL));
  cr_assert_eq (cents, 150);
  cr_assert (stk_price_parse ("92233720368547757.99", &cents, NULL));
  cr_assert_eq (cents, G_GINT64_CONSTANT (9223372036854775799));
}

Test (data_errors, price_format_of_negative_and_extreme_amounts)
{
  g_autofree char *neg = stk_price_format (-5);
  g_autofree char *min = stk_price_format (G_MININT64);
  g_autofree char *max = stk_price_format (G_MAXINT64);

  cr_assert_str_eq (neg, "-0.05");
  cr_assert_str_eq (min, "-92233720368547758.08");
  cr_assert_str_eq (max, "92233720368547758.07");
}

Test (data_errors, table_names_refused)
{
  StkTable table = STK_TABLE_SALES;

  cr_assert_not (stk_table_from_string (NULL, &table));
  cr_assert_not (stk_table_from_string ("sku", &table));
  cr_assert_not (stk_table_from_string ("", &table));
  cr_assert_eq (table, STK_TABLE_SALES, "a refused name leaves the output alone");
  cr_assert (stk_table_from_string ("MOVEMENTS", &table));
  cr_assert_eq (table, STK_TABLE_MOVEMENTS);
}

Test (data_errors, every_bad_sku_field)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GString) long_description = g_string_new (NULL);
  g_autoptr(GString) csv = g_string_new (NULL);

  for (guint i = 0; i < STK_DESCRIPTION_MAX_LENGTH + 1; i++)
    g_string_append (long_description, "é");
  g_string_append (csv, "code,description,unit_price,reorder_level,archived,on_hand\n");
  g_string_append (csv, "R-1,x,1.00,lots,0,1\n");                      /* 2 */
  g_string_append (csv, "R-2,x,1.00,-1,0,1\n");                        /* 3 */
  g_string_append (csv, "R-3,x,1.00,1000000000001,0,1\n");             /* 4 */
  g_string_append (csv, "A-1,x,1.00,0,maybe,1\n");                     /* 5 */
  g_string_append (csv, "H-1,x,1.00,0,no,1000000000001\n");            /* 6 */
  g_string_append_printf (csv, "D-1,%s,1.00,0,0,1\n", long_description->str); /* 7 */
  g_string_append (csv, "'=SUM(A1),x,1.00,0,0,1\n");                   /* 8: fine, unprotected */
  g_string_append (csv, "\" lead\",x,1.00,0,0,1\n");                   /* 9: stripped, fine */
  g_string_append (csv, "P-1,x,-2.00,0,0,1\n");                        /* 10 */
  g_string_append (csv, "L-1,x,1.00,0,yes,99999999999999999999\n");    /* 11 */

  import_refused (writer, STK_TABLE_SKUS, csv->str,
                  2, "The reorder_level “lots” is not a whole number.",
                  3, "The reorder_level cannot be negative (-1).",
                  4, "The reorder_level “1000000000001” is too large.",
                  5, "“maybe” is not 0, 1, true, false, yes or no.",
                  6, "The on_hand “1000000000001” is too large.",
                  7, "The description is longer than 1000 characters.",
                  10, "The price “-2.00” is negative.",
                  11, "The on_hand “99999999999999999999” is not a whole number.",
                  0);

  /* The writer goes on: the good rows alone import, with the protected code as text. */
  import_ok (writer, STK_TABLE_SKUS,
             "code,description,unit_price,reorder_level,archived,on_hand\n"
             "'=SUM(A1),x,1.00,0,TRUE,1\n"
             "\" lead\",x,1.00,0,False,2\n", 2);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = '=SUM(A1)' AND archived"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'lead'"), 2);
  stk_test_close_writer (writer);
}

Test (data_errors, header_with_a_nameless_column)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  import_refused (writer, STK_TABLE_SKUS, "code, ,on_hand\nA,x,1\n",
                  1, "Column 2 has no name; the columns of a skus file are code, description, "
                     "unit_price, reorder_level, archived, on_hand, barcodes, tax_rate, unit_cost.",
                  0);
  import_refused (writer, STK_TABLE_MOVEMENTS, "moved_at,sku,quantity,colour\n",
                  1, "Unknown column “colour”; the columns of a movements file are moved_at, "
                     "sku, kind, quantity, reason, reference, unit_cost.",
                  1, "The required column “kind” is missing.",
                  0);
  stk_test_close_writer (writer);
}

Test (data_errors, every_bad_sale_field)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_submit (writer, stk_op_create_item ("A", "", 100, 0));
  stk_test_submit (writer, stk_op_record_movement ("A", STK_MOVEMENT_RECEIVE, 10, "", 0));
  import_refused (writer, STK_TABLE_SALES,
                  "sold_at,sku,quantity,unit_price,reference\n"
                  "2026-01-01T10:00:00Z,,1,,\n"                      /* 2 */
                  "2026-01-01T10:00:00Z,A,,,\n"                      /* 3 */
                  "2026-01-01T10:00:00Z,A,1000000000001,,\n"         /* 4 */
                  "2026-01-01T10:00:00Z,A,1,abc,\n"                  /* 5 */
                  "2026-13-01T10:00:00Z,A,1,,\n"                     /* 6 */
                  "2026-01-01T10:00:00Z,\"A\x01\",1,,\n"             /* 7 */
                  "2026-01-01T10:00:00Z,A,one,,\n",                  /* 8 */
                  2, "The sku is empty.",
                  3, "The quantity is empty.",
                  4, "The quantity “1000000000001” is too large.",
                  5, "“abc” is not a price like 12.50.",
                  6, "“2026-13-01T10:00:00Z” is not a date and time like 2026-11-23T10:15:00Z.",
                  7, "The item code contains a control character.",
                  8, "The quantity “one” is not a whole number.",
                  0);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 10);

  /* The writer goes on. */
  import_ok (writer, STK_TABLE_SALES, "sold_at,sku,quantity\n2026-01-01,A,3\n", 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 7);
  stk_test_close_writer (writer);
}

Test (data_errors, every_bad_movement_field)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GString) long_reason = g_string_new (NULL);
  g_autoptr(GString) csv = g_string_new ("moved_at,sku,kind,quantity,reason\n");

  for (guint i = 0; i < STK_DESCRIPTION_MAX_LENGTH + 1; i++)
    g_string_append_c (long_reason, 'r');
  stk_test_submit (writer, stk_op_create_item ("A", "", 100, 0));
  g_string_append (csv, ",A,receive,1,\n");                          /* 2 */
  g_string_append (csv, "noon,A,receive,1,\n");                      /* 3 */
  g_string_append (csv, "2026-01-01,,receive,1,\n");                 /* 4 */
  g_string_append (csv, "2026-01-01,A,,1,\n");                       /* 5 */
  g_string_append (csv, "2026-01-01,A,receive,,\n");                 /* 6 */
  g_string_append (csv, "2026-01-01,A,adjustment,-1000000000001,\n");/* 7 */
  g_string_append_printf (csv, "2026-01-01,A,receive,1,%s\n", long_reason->str); /* 8 */
  g_string_append (csv, "1970-01-01T00:00:00Z,A,count,1,\n");       /* 9 */

  import_refused (writer, STK_TABLE_MOVEMENTS, csv->str,
                  2, "The moved_at is empty.",
                  3, "“noon” is not a date and time like 2026-11-23T10:15:00Z.",
                  4, "The sku is empty.",
                  5, "The kind “” is not receive, adjustment or count.",
                  6, "The quantity is empty.",
                  7, "The quantity cannot be negative (-1000000000001).",
                  8, "The reason is longer than 1000 characters.",
                  9, "The date “1970-01-01T00:00:00Z” is before 1970.",
                  0);

  import_ok (writer, STK_TABLE_MOVEMENTS,
             "moved_at,sku,kind,quantity,reason\n2026-01-01,A,COUNT,4,stocktake\n", 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 4);
  stk_test_close_writer (writer);
}

/* ---- rules every op checks ---- */

Test (data_errors, create_item_rules)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GString) long_code = g_string_new (NULL);
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autofree char *long_code_message = NULL;

  for (guint i = 0; i < STK_CODE_MAX_LENGTH + 1; i++)
    g_string_append (long_code, "ü");
  for (guint i = 0; i < STK_DESCRIPTION_MAX_LENGTH + 1; i++)
    g_string_append_c (long_text, 'd');
  long_code_message = g_strdup_printf ("The item code “%s” is longer than %d characters.",
                                       long_code->str, STK_CODE_MAX_LENGTH);

  stk_test_submit (writer, stk_op_create_item ("A", "first", 100, 0));
  submit_fails (writer, stk_op_create_item ("", "x", 1, 0), STK_ERROR_INVALID_DATA,
                "The item code is empty.");
  submit_fails (writer, stk_op_create_item ("B\xff", "x", 1, 0), STK_ERROR_INVALID_DATA,
                "The item code is not valid UTF-8.");
  submit_fails (writer, stk_op_create_item (long_code->str, "x", 1, 0), STK_ERROR_INVALID_DATA,
                long_code_message);
  submit_fails (writer, stk_op_create_item ("B\tC", "x", 1, 0), STK_ERROR_INVALID_DATA,
                "The item code contains a control character.");
  submit_fails (writer, stk_op_create_item ("B", "bad \xc3", 1, 0), STK_ERROR_INVALID_DATA,
                "The description is not valid UTF-8.");
  submit_fails (writer, stk_op_create_item ("B", long_text->str, 1, 0), STK_ERROR_INVALID_DATA,
                "The description is longer than 1000 characters.");
  submit_fails (writer, stk_op_create_item ("B", "x", -1, 0), STK_ERROR_INVALID_DATA,
                "The price of “B” is negative.");
  submit_fails (writer, stk_op_create_item ("B", "x", 1, -1), STK_ERROR_INVALID_DATA,
                "The reorder level of “B” is negative.");
  submit_fails (writer, stk_op_create_item ("a", "x", 1, 0), STK_ERROR_CONSTRAINT,
                "An item with code “a” already exists.");

  /* The writer goes on. */
  stk_test_submit (writer, stk_op_create_item ("B", "x", 1, 0));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2);
  stk_test_close_writer (writer);
}

Test (data_errors, code_with_spaces_inside_the_op)
{
  g_autoptr(GError) error = NULL;

  /* Ops strip their input; the check itself is a public entry point. */
  cr_assert_not (stk_ops_validate_code (" A", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  cr_assert_str_eq (error->message, "The item code “ A” starts or ends with a space.");
  g_clear_error (&error);
  cr_assert_not (stk_ops_validate_code ("A\xc2\xa0", &error));
  cr_assert_str_eq (error->message, "The item code “A\xc2\xa0” starts or ends with a space.");
  g_clear_error (&error);
  cr_assert_not (stk_ops_validate_code (NULL, &error));
  cr_assert_str_eq (error->message, "The item code is empty.");
  cr_assert (stk_ops_validate_code ("A B", NULL));
}

Test (data_errors, movement_sale_and_update_rules)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GString) long_text = g_string_new (NULL);

  for (guint i = 0; i < STK_DESCRIPTION_MAX_LENGTH + 1; i++)
    g_string_append_c (long_text, 'r');
  stk_test_submit (writer, stk_op_create_item ("A", "", 100, 0));
  stk_test_submit (writer, stk_op_record_movement ("A", STK_MOVEMENT_RECEIVE, 2, "", 0));

  submit_fails (writer, stk_op_record_movement ("A", STK_MOVEMENT_RECEIVE, 1, long_text->str, 0),
                STK_ERROR_INVALID_DATA, "The reason is longer than 1000 characters.");
  submit_fails (writer, stk_op_record_movement ("A", STK_MOVEMENT_RECEIVE, 1, "\xfe", 0),
                STK_ERROR_INVALID_DATA, "The reason is not valid UTF-8.");
  submit_fails (writer, stk_op_record_movement ("A", STK_MOVEMENT_SALE, 1, "", 0),
                STK_ERROR_INVALID_DATA,
                "Sales of “A” are recorded as sales, not as stock movements.");
  submit_fails (writer, stk_op_record_movement ("NOPE", STK_MOVEMENT_RECEIVE, 1, "", 0),
                STK_ERROR_CONSTRAINT, "Unknown item code “NOPE”.");
  submit_fails (writer, stk_op_record_movement ("", STK_MOVEMENT_RECEIVE, 1, "", 0),
                STK_ERROR_INVALID_DATA, "The item code is empty.");
  submit_fails (writer, stk_op_record_movement ("A", STK_MOVEMENT_ADJUSTMENT, -3, "", 0),
                STK_ERROR_CONSTRAINT, "Not enough stock of “A”: on hand would go below zero.");
  submit_fails (writer, stk_op_record_sale ("A", 0, -1, 0), STK_ERROR_INVALID_DATA,
                "A sale of “A” needs a quantity above zero.");
  submit_fails (writer, stk_op_record_sale ("", 1, -1, 0), STK_ERROR_INVALID_DATA,
                "The item code is empty.");
  submit_fails (writer, stk_op_record_sale ("NOPE", 1, -1, 0), STK_ERROR_CONSTRAINT,
                "Unknown item code “NOPE”.");
  submit_fails (writer, stk_op_update_item (999, "Z", "", 1, 0), STK_ERROR_NOT_FOUND,
                "The item “Z” no longer exists.");
  submit_fails (writer, stk_op_update_item (1, "Z", "", -1, 0), STK_ERROR_INVALID_DATA,
                "The price and reorder level of “Z” cannot be negative.");
  submit_fails (writer, stk_op_update_item (1, "Z", "", 1, -1), STK_ERROR_INVALID_DATA,
                "The price and reorder level of “Z” cannot be negative.");
  submit_fails (writer, stk_op_update_item (1, "", "", 1, 0), STK_ERROR_INVALID_DATA,
                "The item code is empty.");
  submit_fails (writer, stk_op_set_archived (999, TRUE), STK_ERROR_NOT_FOUND,
                "The item no longer exists.");

  /* The writer goes on. */
  stk_test_submit (writer, stk_op_record_sale ("A", 2, -1, 0));
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 0);
  stk_test_close_writer (writer);
}

Test (data_errors, movement_kind_names)
{
  StkMovementKind kind = STK_MOVEMENT_COUNT;

  cr_assert_not (stk_movement_kind_from_string (NULL, &kind));
  cr_assert_not (stk_movement_kind_from_string ("theft", &kind));
  cr_assert_eq (kind, STK_MOVEMENT_COUNT);
  cr_assert (stk_movement_kind_from_string ("Receive", &kind));
  cr_assert_eq (kind, STK_MOVEMENT_RECEIVE);
}

/* ---- a failing read under every read path ---- */

#define MAX_N 3000

/* An inventory spread over many pages: 400 items with long descriptions, movements
 * and sales, the writer closed (WAL checkpointed). */
static void
fill_inventory (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GString) csv = g_string_new ("code,description,unit_price,reorder_level,on_hand\n");
  g_autoptr(GString) sales = g_string_new ("sold_at,sku,quantity,unit_price\n");

  for (guint i = 0; i < 400; i++)
    g_string_append_printf (csv, "ITEM-%03u,%s %u %s,%u.%02u,%u,%u\n", i,
                            "A description long enough to spread the items over pages", i,
                            "and their index too", i, i % 100, i % 7, 50 + i);
  for (guint i = 0; i < 200; i++)
    g_string_append_printf (sales, "2027-01-%02uT10:00:00Z,ITEM-%03u,%u,%u.00\n",
                            1 + i % 28, (i * 7) % 400, 1 + i % 3, 1 + i % 9);
  import_ok (writer, STK_TABLE_SKUS, csv->str, 400);
  import_ok (writer, STK_TABLE_SALES, sales->str, 200);
  stk_test_close_writer (writer);
}

/* One read path: its result as text (to compare runs), or NULL with @error set. */
typedef char *(*ReadPath) (StkStore    *store,
                           const char  *dest,
                           GError     **error);

static char *
read_stats (StkStore    *store,
            const char  *dest,
            GError     **error)
{
  StkStats s = { 0 };

  if (!stk_store_get_stats (store, &s, error))
    return NULL;
  return g_strdup_printf ("%d %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                          " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                          s.schema_version, s.items, s.archived_items, s.movements, s.sales,
                          s.total_on_hand, s.stock_value_cents);
}

static char *
lines_join (GPtrArray *lines)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (s, "%s\n", (const char *) g_ptr_array_index (lines, i));
  return g_string_free (s, FALSE);
}

static char *
read_verify (StkStore    *store,
             const char  *dest,
             GError     **error)
{
  g_autoptr(GPtrArray) problems = stk_store_verify (store, error);

  return problems != NULL ? lines_join (problems) : NULL;
}

static char *
read_verify_file (StkStore    *store,
                  const char  *dest,
                  GError     **error)
{
  g_autoptr(GPtrArray) problems = NULL;

  if (!stk_verify_file (stk_store_get_path (store), &problems, error))
    return NULL;
  return lines_join (problems);
}

static char *
read_report (StkStore    *store,
             const char  *dest,
             GError     **error)
{
  sqlite3 *db = stk_store_acquire (store, error);
  g_autoptr(StkReport) report = NULL;
  GString *s;

  if (db == NULL)
    return NULL;
  /* 2027-02-01T00:00:00Z: the sales above are within the 40 days before. */
  report = stk_query_report (db, 40, 5, G_GINT64_CONSTANT (1801440000000000), error);
  stk_store_release (store, db);
  if (report == NULL)
    return NULL;
  s = g_string_new (NULL);
  g_string_append_printf (s, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                          report->total_quantity, report->total_revenue_cents,
                          report->stock_value_cents);
  for (guint i = 0; i < report->top_sellers->len; i++)
    {
      StkTopSeller *t = g_ptr_array_index (report->top_sellers, i);

      g_string_append_printf (s, " %s=%" G_GINT64_FORMAT, t->code, t->quantity);
    }
  return g_string_free (s, FALSE);
}

static char *
read_lookups (StkStore    *store,
              const char  *dest,
              GError     **error)
{
  sqlite3 *db = stk_store_acquire (store, error);
  g_auto(StkItemInfo) by_code = { 0 };
  g_auto(StkItemInfo) by_id = { 0 };
  g_auto(GStrv) codes = NULL;
  g_autofree char *joined = NULL;
  gboolean ok;

  if (db == NULL)
    return NULL;
  ok = stk_query_item_by_code (db, "item-399", &by_code, error) &&
       stk_query_item_by_id (db, 17, &by_id, error) &&
       (codes = stk_query_complete_codes (db, "ITEM-39", 20, error)) != NULL;
  stk_store_release (store, db);
  if (!ok)
    return NULL;
  joined = g_strjoinv (",", codes);
  return g_strdup_printf ("%s %" G_GINT64_FORMAT " %s %s", by_code.code, by_code.on_hand,
                          by_id.code, joined);
}

/* The pager of a list: an index (sorted, with a search, and re-sorted from a base), one
 * page of rows and where a row stands. */
static gboolean
pager_digest (sqlite3        *db,
              StkPagerKind    kind,
              const char     *sort,
              gboolean        descending,
              const char     *search,
              gint64          find_id,
              GString        *out,
              GError        **error)
{
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (kind, sort, descending, search, error);
  g_autoptr(StkPagerIndex) index = NULL;
  g_autoptr(GArray) rows = NULL;
  gint64 position;

  if (query == NULL)
    return FALSE;
  if (!(index = stk_pager_index_build (db, query, NULL, error)))
    return FALSE;
  if (!(rows = stk_pager_fetch (db, query, index, 3, 5, error)))
    return FALSE;
  position = stk_pager_position_of (db, query, index, find_id, error);
  if (position < -1 || (position == -1 && error != NULL && *error != NULL))
    return FALSE;
  g_string_append_printf (out, "[%d %s %" G_GUINT64_FORMAT " @%" G_GINT64_FORMAT, kind,
                          sort ? sort : "-", stk_pager_index_get_count (index), position);
  for (guint i = 0; i < rows->len; i++)
    g_string_append_printf (out, " %" G_GINT64_FORMAT,
                            g_array_index (rows, StkPagerRow, i).id);
  g_string_append (out, "]");
  g_array_set_clear_func (rows, (GDestroyNotify) stk_pager_row_clear);
  return TRUE;
}

static char *
read_pager (StkStore    *store,
            const char  *dest,
            GError     **error)
{
  sqlite3 *db = stk_store_acquire (store, error);
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean ok;

  if (db == NULL)
    return NULL;
  ok = pager_digest (db, STK_PAGER_ITEMS, "description", TRUE, NULL, 120, out, error) &&
       pager_digest (db, STK_PAGER_ITEMS, "on-hand", FALSE, "pages 12", 13, out, error) &&
       pager_digest (db, STK_PAGER_SALES, NULL, FALSE, NULL, 50, out, error) &&
       pager_digest (db, STK_PAGER_MOVES, "id", TRUE, "ITEM-01", 20, out, error);
  stk_store_release (store, db);
  return ok ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* Nothing but the inventory's own files (and the CSV it was filled from) may be left in
 * the folder. */
static void
assert_no_leftovers (const char *dest)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;

  cr_assert_not (g_file_test (dest, G_FILE_TEST_EXISTS), "%s was left behind", dest);
  while ((name = g_dir_read_name (dir)) != NULL)
    cr_assert (g_str_has_prefix (name, "inventory.db") || g_str_equal (name, "ok.csv"),
               "“%s” was left behind", name);
}

static char *
read_export (StkStore    *store,
             const char  *dest,
             GError     **error)
{
  guint64 rows = 0;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *digest = NULL;

  if (!stk_export_file (store, STK_TABLE_SALES, dest, NULL, NULL, NULL, &rows, error))
    {
      assert_no_leftovers (dest);
      return NULL;
    }
  bytes = stk_test_read_bytes (dest);
  digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_unlink (dest);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " %s", rows, digest);
}

static char *
read_export_all (StkStore    *store,
                 const char  *dest,
                 GError     **error)
{
  guint64 rows = 0;
  g_autofree char *skus = g_build_filename (dest, "skus.csv", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *digest = NULL;

  if (!stk_export_all (store, dest, NULL, &rows, error))
    {
      assert_no_leftovers (dest);
      return NULL;
    }
  bytes = stk_test_read_bytes (skus);
  digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  stk_test_rmdir (dest);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " %s", rows, digest);
}

static char *
read_backup (StkStore    *store,
             const char  *dest,
             GError     **error)
{
  if (!stk_store_backup (store, dest, error))
    {
      assert_no_leftovers (dest);
      return NULL;
    }
  return g_strdup ("backed up"); /* checked by check_backup(), once the fault is disarmed */
}

static void
check_backup (const char *dest)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *original = NULL;

  cr_assert (stk_verify_file (dest, &problems, &error), "%s", error ? error->message : "");
  cr_assert_eq (problems->len, 0, "the backup verifies clean");
  copy = db_digest (dest);
  original = db_digest (db_path);
  cr_assert_str_eq (copy, original, "the backup holds the whole inventory");
  g_unlink (dest);
}

/* For N = 1, 2, … the Nth read of the inventory fails (a fresh store each time, so
 * nothing comes from a cache): the call must fail with STK_ERROR_IO and SQLite's
 * sentence, leave nothing behind, and the same store must then give the right answer
 * (its connection was not left in a transaction). Stops at the first N the run no
 * longer reaches. */
static void
sweep_read_faults (ReadPath    run,
                   const char *dest_name,
                   void      (*check) (const char *dest))
{
  g_autofree char *dest = dest_name ? g_build_filename (tmpdir, dest_name, NULL) : NULL;
  g_autofree char *baseline = NULL;
  g_autofree char *before = NULL;
  guint failures = 0;
  guint64 n;

  fill_inventory ();
  before = db_digest (db_path);
  {
    g_autoptr(StkStore) store = stk_test_open_store (db_path);
    g_autoptr(GError) error = NULL;

    baseline = run (store, dest, &error);
    cr_assert_not_null (baseline, "%s", error ? error->message : "");
    if (check != NULL)
      check (dest);
  }

  for (n = 1; n < MAX_N; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StkStore) store = NULL;
      g_autofree char *result = NULL;
      g_autofree char *again = NULL;
      guint64 fired;

      stk_faultvfs_arm (STK_FAULT_READ, n, SQLITE_IOERR_READ);
      store = stk_store_new (db_path, &error);
      if (store != NULL)
        result = run (store, dest, &error);
      fired = stk_faultvfs_fired ();
      stk_faultvfs_disarm ();
      if (result != NULL && check != NULL)
        check (dest);

      if (fired == 0)
        {
          cr_assert_not_null (result, "N=%" G_GUINT64_FORMAT ": %s", n,
                              error ? error->message : "");
          cr_assert_str_eq (result, baseline);
          break;
        }
      if (result != NULL)
        {
          /* SQLite read the page again or did not need it: the answer must be right. */
          cr_assert_str_eq (result, baseline, "N=%" G_GUINT64_FORMAT, n);
          continue;
        }
      failures++;
      cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "N=%" G_GUINT64_FORMAT ": %s (%s %d)",
                 n, error ? error->message : "no error",
                 error ? g_quark_to_string (error->domain) : "", error ? error->code : 0);
      cr_assert (g_str_has_suffix (error->message, ": disk I/O error"), "N=%" G_GUINT64_FORMAT ": %s",
                 n, error->message);
      if (store == NULL)
        continue;
      g_clear_error (&error);
      again = run (store, dest, &error);
      cr_assert_not_null (again, "N=%" G_GUINT64_FORMAT ": after the fault: %s", n,
                          error ? error->message : "");
      cr_assert_str_eq (again, baseline, "N=%" G_GUINT64_FORMAT, n);
      if (check != NULL)
        check (dest);
    }
  cr_assert_lt (n, MAX_N, "the run never got past the faults");
  cr_assert_gt (failures, 0, "no read fault was ever reported");
  {
    g_autofree char *after = db_digest (db_path);

    cr_assert_str_eq (before, after, "a read path changed the inventory");
  }
}

Test (data_errors, read_fault_under_stats) { sweep_read_faults (read_stats, NULL, NULL); }
Test (data_errors, read_fault_under_verify) { sweep_read_faults (read_verify, NULL, NULL); }
Test (data_errors, read_fault_under_verify_file) { sweep_read_faults (read_verify_file, NULL, NULL); }
Test (data_errors, read_fault_under_report) { sweep_read_faults (read_report, NULL, NULL); }
Test (data_errors, read_fault_under_lookups) { sweep_read_faults (read_lookups, NULL, NULL); }
Test (data_errors, read_fault_under_export) { sweep_read_faults (read_export, "sales.csv", NULL); }
Test (data_errors, read_fault_under_export_all) { sweep_read_faults (read_export_all, "all", NULL); }
Test (data_errors, read_fault_under_pager) { sweep_read_faults (read_pager, NULL, NULL); }
Test (data_errors, read_fault_under_backup) { sweep_read_faults (read_backup, "copy.db", check_backup); }

/* ---- damaged inventories: verify names every problem, restore refuses them ---- */

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;

  cr_assert_eq (sqlite3_open (path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql, msg);
  sqlite3_close (db);
}

static gboolean
problems_have (GPtrArray  *problems,
               const char *sentence)
{
  for (guint i = 0; i < problems->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (problems, i), sentence))
        return TRUE;
    }
  return FALSE;
}

/* A sound inventory: A (5 on hand), B, C (2 on hand, one sale of 1). */
static void
small_inventory (const char *path)
{
  StkWriter *writer = stk_test_open_writer (path);

  stk_test_submit (writer, stk_op_create_item ("A", "", 100, 0));
  stk_test_submit (writer, stk_op_create_item ("B", "", 100, 0));
  stk_test_submit (writer, stk_op_create_item ("C", "", 100, 0));
  stk_test_submit (writer, stk_op_record_movement ("A", STK_MOVEMENT_RECEIVE, 5, "", 0));
  stk_test_submit (writer, stk_op_record_movement ("C", STK_MOVEMENT_RECEIVE, 3, "", 0));
  stk_test_submit (writer, stk_op_record_sale ("C", 1, -1, 0));
  stk_test_close_writer (writer);
}

Test (data_errors, verify_names_every_kind_of_damage)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dump = NULL;
  gint64 sale_id, sale_movement;

  small_inventory (db_path);
  sale_id = stk_test_query (db_path, "SELECT id FROM sales");
  sale_movement = stk_test_query (db_path, "SELECT id FROM movements WHERE sale_id IS NOT NULL");
  /* What no op can do: the guards dropped, the rows edited by hand. */
  raw_exec (db_path,
            "PRAGMA foreign_keys = OFF;"
            "DROP TRIGGER items_on_hand_guard;"
            "DROP TRIGGER movements_no_update;"
            "DROP TRIGGER movements_no_delete;"
            "UPDATE items SET on_hand = 99 WHERE code = 'A';"
            "UPDATE items SET code_key = 'zzz' WHERE code = 'B';"
            "DELETE FROM movements WHERE sale_id IS NOT NULL;"
            "INSERT INTO sale_voids (sale_id, voided_at) VALUES (4242, 1);");

  cr_assert (stk_verify_file (db_path, &problems, &error), "%s", error ? error->message : "");
  dump = lines_join (problems);
  cr_assert (problems_have (problems, "Row 4242 of sale_voids refers to a missing row of sales."),
             "%s", dump);
  cr_assert (problems_have (problems, "Item 2 (“B”) has a code key out of step with its code."),
             "%s", dump);
  cr_assert (problems_have (problems,
                            "Item “A” shows 99 on hand, but its stock movements add up to 5."),
             "%s", dump);
  cr_assert (problems_have (problems,
                            "Item “C” shows 2 on hand, but its stock movements add up to 3."),
             "%s", dump);
  {
    g_autofree char *sale = g_strdup_printf ("Sale %" G_GINT64_FORMAT
                                             " of 1 units has no matching stock movement ().",
                                             sale_id);

    cr_assert (problems_have (problems, sale), "%s", dump);
  }
  cr_assert_eq (problems->len, 5, "%s", dump);
  cr_assert_gt (sale_movement, 0);
}

Test (data_errors, verify_a_foreign_or_newer_file)
{
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dump = NULL;
  g_autofree char *newer = g_strdup_printf ("The inventory is at format %d, newer than %d.",
                                            STK_SCHEMA_VERSION + 1, STK_SCHEMA_VERSION);

  small_inventory (db_path);
  store = stk_test_open_store (db_path);
  raw_exec (db_path, "PRAGMA application_id = 1234;");
  {
    g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d;", STK_SCHEMA_VERSION + 1);

    raw_exec (db_path, sql);
  }
  /* The store was opened before: its check sees the file as it is now. */
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems, "%s", error ? error->message : "");
  dump = lines_join (problems);
  cr_assert (problems_have (problems, "The file is not marked as a Stocktake inventory."), "%s",
             dump);
  cr_assert (problems_have (problems, newer), "%s", dump);
  cr_assert_eq (problems->len, 2, "%s", dump);
}

Test (data_errors, restore_refuses_the_inventory_itself_and_damaged_backups)
{
  g_autofree char *damaged = g_build_filename (tmpdir, "damaged.db", NULL);
  g_autofree char *damaged1 = g_build_filename (tmpdir, "damaged1.db", NULL);
  g_autofree char *before = NULL;
  StkWriter *writer;
  g_autoptr(StkStore) store = NULL;

  small_inventory (damaged);
  raw_exec (damaged, "PRAGMA foreign_keys = OFF; DROP TRIGGER items_on_hand_guard;"
                     "UPDATE items SET on_hand = 7 WHERE code IN ('A', 'C');");
  small_inventory (damaged1);
  raw_exec (damaged1, "DROP TRIGGER items_on_hand_guard; UPDATE items SET on_hand = 7 WHERE code = 'A';");

  writer = stk_test_open_writer (db_path);
  store = stk_test_open_store (db_path);
  stk_test_submit (writer, stk_op_create_item ("KEEP", "", 1, 0));
  before = db_digest (db_path);
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *safety = NULL;
    g_autofree char *want = g_strdup_printf ("Cannot restore “%s”: it is the inventory itself, "
                                             "not a backup.", db_path);

    cr_assert_not (stk_restore (writer, store, db_path, &safety, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
    cr_assert_str_eq (error->message, want);
    cr_assert_null (safety);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *safety = NULL;
    g_autofree char *want = g_strdup_printf ("Cannot restore “%s”: it is damaged (2 problems found; "
                                             "“stocktake --database FILE verify” lists them).",
                                             damaged);

    cr_assert_not (stk_restore (writer, store, damaged, &safety, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CORRUPT), "%s", error->message);
    cr_assert_str_eq (error->message, want);
    cr_assert_null (safety);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *want = g_strdup_printf ("Cannot restore “%s”: it is damaged (1 problem found; "
                                             "“stocktake --database FILE verify” lists it).",
                                             damaged1);

    cr_assert_not (stk_restore (writer, store, damaged1, NULL, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CORRUPT), "%s", error->message);
    cr_assert_str_eq (error->message, want);
  }
  {
    g_autofree char *after = db_digest (db_path);
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    cr_assert_str_eq (before, after, "a refused restore changes nothing");
    while ((name = g_dir_read_name (dir)) != NULL)
      cr_assert (g_str_has_prefix (name, "inventory.db") || g_str_has_prefix (name, "damaged"),
                 "a refused restore leaves no safety copy (%s)", name);
  }
  /* The writer goes on. */
  stk_test_submit (writer, stk_op_create_item ("AFTER", "", 1, 0));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2);
  stk_test_close_writer (writer);
}

Test (data_errors, generate_refusals)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *before = NULL;
  static const struct { guint64 skus, sales; const char *message; } bad[] = {
    { 0, 1, "Sales can only be generated together with SKUs." },
    { G_MAXUINT64, 0, NULL },
    { 1, G_MAXUINT64, NULL },
  };

  stk_test_submit (writer, stk_op_create_item ("KEEP", "", 1, 0));
  before = db_digest (db_path);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;

      cr_assert_not (stk_generate (writer, bad[i].skus, bad[i].sales, 1, NULL, NULL, &error));
      cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
      if (bad[i].message != NULL)
        cr_assert_str_eq (error->message, bad[i].message);
      else
        cr_assert (g_str_has_prefix (error->message, "Too much to generate: at most ") &&
                   strstr (error->message, " SKUs and ") != NULL &&
                   g_str_has_suffix (error->message, " sales."), "%s", error->message);
      after = db_digest (db_path);
      cr_assert_str_eq (before, after, "a refused generate changes nothing");
    }
  /* Nothing at all is nothing; the writer goes on. */
  {
    g_autoptr(GError) error = NULL;

    cr_assert (stk_generate (writer, 0, 0, 1, NULL, NULL, &error), "%s", error ? error->message : "");
    cr_assert (stk_generate (writer, 3, 5, 1, NULL, NULL, &error), "%s", error ? error->message : "");
  }
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 4);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 5);
  stk_test_close_writer (writer);
}

/* ---- SQLite's result codes as one sentence ---- */

Test (data_errors, every_sqlite_code_maps_to_its_error)
{
  static const struct { int rc; int code; } map[] = {
    { SQLITE_BUSY, STK_ERROR_BUSY },
    { SQLITE_BUSY_SNAPSHOT, STK_ERROR_BUSY },
    { SQLITE_LOCKED, STK_ERROR_BUSY },
    { SQLITE_READONLY, STK_ERROR_READ_ONLY },
    { SQLITE_READONLY_DBMOVED, STK_ERROR_READ_ONLY },
    { SQLITE_PERM, STK_ERROR_READ_ONLY },
    { SQLITE_AUTH, STK_ERROR_READ_ONLY },
    { SQLITE_CONSTRAINT_UNIQUE, STK_ERROR_CONSTRAINT },
    { SQLITE_CORRUPT, STK_ERROR_CORRUPT },
    { SQLITE_NOTADB, STK_ERROR_NOT_INVENTORY },
    { SQLITE_FULL, STK_ERROR_NO_SPACE },
    { SQLITE_IOERR_READ, STK_ERROR_IO },
    { SQLITE_CANTOPEN, STK_ERROR_IO },
    { SQLITE_PROTOCOL, STK_ERROR_IO },
    { SQLITE_NOTFOUND, STK_ERROR_NOT_FOUND },
    { SQLITE_ERROR, STK_ERROR_FAILED },
    { SQLITE_MISMATCH, STK_ERROR_FAILED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    cr_assert_eq (stk_db_error_code_for_rc (map[i].rc), map[i].code, "rc %d", map[i].rc);
}

Test (data_errors, sqlite_errors_become_one_sentence)
{
  static const struct { int rc; int code; const char *message; } cases[] = {
    { SQLITE_FULL, STK_ERROR_NO_SPACE, "Saving: the disk is full. Free some space and try again." },
    { SQLITE_BUSY, STK_ERROR_BUSY, "Saving: the inventory is in use by another program." },
    { SQLITE_READONLY, STK_ERROR_READ_ONLY,
      "Saving: the inventory file or its folder is read-only." },
    { SQLITE_CORRUPT, STK_ERROR_CORRUPT,
      "Saving: the inventory file is damaged (database disk image is malformed)." },
    { SQLITE_IOERR_WRITE, STK_ERROR_IO, "Saving: disk I/O error" },
    { SQLITE_NOTADB, STK_ERROR_NOT_INVENTORY, "Saving: file is not a database" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      stk_db_set_error (&error, NULL, cases[i].rc, "Saving");
      cr_assert (g_error_matches (error, STK_ERROR, cases[i].code), "rc %d", cases[i].rc);
      cr_assert_str_eq (error->message, cases[i].message);
    }
  /* Without a place for the error, nothing happens. */
  stk_db_set_error (NULL, NULL, SQLITE_FULL, "Saving");
}

Test (data_errors, checked_money_arithmetic)
{
  g_autoptr(GError) error = NULL;
  gint64 sum = 42;
  sqlite3 *db = NULL;

  cr_assert (stk_db_checked_add (G_MAXINT64 - 1, 1, &sum, NULL));
  cr_assert_eq (sum, G_MAXINT64);
  sum = 42;
  cr_assert_not (stk_db_checked_add (G_MAXINT64, 1, &sum, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  cr_assert_str_eq (error->message, "the amount is over 92,233,720,368,547,758.07 and cannot be "
                                    "computed exactly");
  cr_assert_eq (sum, 42, "a refused sum leaves the output as it was");
  g_clear_error (&error);
  cr_assert_not (stk_db_checked_add (G_MININT64, -1, &sum, &error));
  cr_assert_eq (sum, 42);

  /* The SQL functions: NULL in, NULL out; no rows sum to 0; overflow is an error. */
  cr_assert_eq (sqlite3_open (":memory:", &db), SQLITE_OK);
  stk_db_register_functions (db);
  {
    static const struct { const char *sql; const char *value; } ok[] = {
      { "SELECT stk_mul (NULL, 3)", NULL },
      { "SELECT stk_mul (3, NULL)", NULL },
      { "SELECT stk_mul (-3, 4)", "-12" },
      { "SELECT stk_sum (x) FROM (SELECT 1 AS x WHERE 0)", "0" },
      { "SELECT stk_sum (x) FROM (SELECT NULL AS x UNION ALL SELECT 5)", "5" },
    };
    static const char *const too_large[] = {
      "SELECT stk_mul (9223372036854775807, 2)",
      ("SELECT stk_sum (x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1"
       " UNION ALL SELECT 2)"),
      "SELECT stk_sum (x) FROM (SELECT 1.5 AS x)",
    };

    for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
      {
        sqlite3_stmt *stmt = NULL;
        const char *value;

        cr_assert_eq (sqlite3_prepare_v2 (db, ok[i].sql, -1, &stmt, NULL), SQLITE_OK);
        cr_assert_eq (sqlite3_step (stmt), SQLITE_ROW, "%s: %s", ok[i].sql, sqlite3_errmsg (db));
        value = (const char *) sqlite3_column_text (stmt, 0);
        cr_assert_str_eq (value ? value : "(null)", ok[i].value ? ok[i].value : "(null)", "%s",
                          ok[i].sql);
        sqlite3_finalize (stmt);
      }
    for (guint i = 0; i < G_N_ELEMENTS (too_large); i++)
      {
        sqlite3_stmt *stmt = NULL;

        cr_assert_eq (sqlite3_prepare_v2 (db, too_large[i], -1, &stmt, NULL), SQLITE_OK);
        cr_assert_eq (sqlite3_step (stmt), SQLITE_ERROR, "%s", too_large[i]);
        cr_assert_str_eq (sqlite3_errmsg (db), "the amount is over 92,233,720,368,547,758.07 and "
                                               "cannot be computed exactly");
        sqlite3_finalize (stmt);
      }
  }
  sqlite3_close (db);
}

/* ---- a whole inventory: export all and import all refusals ---- */

static char *
make_folder (const char *name,
             const char *skus,
             const char *movements,
             const char *sales)
{
  char *dir = g_build_filename (tmpdir, name, NULL);
  const char *contents[] = { skus, movements, sales };
  const char *files[] = { "skus.csv", "movements.csv", "sales.csv" };

  cr_assert_eq (g_mkdir (dir, 0755), 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      if (contents[i] != NULL)
        cr_assert (g_file_set_contents (path, contents[i], -1, NULL));
    }
  return dir;
}

static void
import_all_refused (StkWriter    *writer,
                    const char   *dir,
                    GCancellable *cancellable,
                    GQuark        domain,
                    int           code,
                    const char   *message,
                    const char   *report_line)
{
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *before = db_digest (db_path);
  g_autofree char *after = NULL;
  g_autofree char *dump = NULL;

  cr_assert_not (stk_import_all (writer, dir, cancellable, &report, &error));
  cr_assert (g_error_matches (error, domain, code), "%s (%s %d)", error ? error->message : "",
             error ? g_quark_to_string (error->domain) : "", error ? error->code : 0);
  cr_assert_str_eq (error->message, message);
  dump = report_dump (&report);
  cr_assert_eq (report.imported, 0);
  if (report_line != NULL)
    {
      cr_assert_eq (report.errors->len, 1, "%s", dump);
      cr_assert_str_eq (g_ptr_array_index (report.errors, 0), report_line);
    }
  after = db_digest (db_path);
  cr_assert_str_eq (before, after, "a refused import all changes nothing");
}

Test (data_errors, import_all_refusals)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autofree char *wrong_on_hand =
    make_folder ("wrong", "code,on_hand\nA,5\nB,0\n",
                 "moved_at,sku,kind,quantity\n2026-01-01,A,receive,3\n",
                 "sold_at,sku,quantity\n");
  g_autofree char *unknown_sku =
    make_folder ("unknown", "code,on_hand\nA,2\n",
                 "moved_at,sku,kind,quantity\n2026-01-01,A,receive,3\n",
                 "sold_at,sku,quantity\n2026-01-02,A,1\n2026-01-03,NOPE,1\n");
  g_autofree char *bad_row =
    make_folder ("bad", "code,on_hand\nA,0\n",
                 "moved_at,sku,kind,quantity\n2026-01-01,A,receive,x\n",
                 "sold_at,sku,quantity\n");
  g_autofree char *missing =
    make_folder ("missing", "code,on_hand\nA,0\n", "moved_at,sku,kind,quantity\n", NULL);
  g_autofree char *good =
    make_folder ("good", "code,on_hand\nA,2\nB,0\n",
                 "moved_at,sku,kind,quantity\n2026-01-01,A,receive,3\n",
                 "sold_at,sku,quantity\n2026-01-02,A,1\n");
  g_autofree char *missing_sales = g_build_filename (missing, "sales.csv", NULL);
  g_autofree char *not_found = g_strdup_printf ("Cannot import “%s”: the file does not exist.",
                                                missing_sales);

  stk_test_submit (writer, stk_op_create_item ("EXISTING", "", 1, 0));
  import_all_refused (writer, wrong_on_hand, NULL, STK_ERROR, STK_ERROR_CONSTRAINT,
                      "“skus.csv” has 1 bad row; nothing was imported.",
                      "skus.csv: Line 2: The on_hand of “A” is 5, but its movements and sales give 3.");
  import_all_refused (writer, unknown_sku, NULL, STK_ERROR, STK_ERROR_CONSTRAINT,
                      "“sales.csv” has 1 bad row; nothing was imported.",
                      "sales.csv: Line 3: Unknown item code “NOPE”.");
  import_all_refused (writer, bad_row, NULL, STK_ERROR, STK_ERROR_INVALID_DATA,
                      "“movements.csv” has 1 bad row; nothing was imported.",
                      "movements.csv: Line 2: The quantity “x” is not a whole number.");
  import_all_refused (writer, missing, NULL, STK_ERROR, STK_ERROR_NOT_FOUND, not_found, NULL);
  g_cancellable_cancel (cancelled);
  import_all_refused (writer, good, cancelled, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                      "The import was cancelled; nothing was imported.", NULL);

  /* The writer goes on: the good folder imports, with the history that gives its on_hand. */
  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;

    cr_assert (stk_import_all (writer, good, NULL, &report, &error), "%s",
               error ? error->message : "");
    cr_assert_eq (report.imported, 4);
  }
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'A'"), 2);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 3);
  stk_test_close_writer (writer);
}

Test (data_errors, export_all_refusals)
{
  g_autoptr(StkStore) store = NULL;
  g_autofree char *file = write_file ("a-file", "keep me\n");
  g_autofree char *full = make_folder ("full", "mine\n", NULL, NULL);
  g_autofree char *orphan = g_build_filename (tmpdir, "no-such-folder", "all", NULL);
  g_autofree char *full_skus = g_build_filename (full, "skus.csv", NULL);

  small_inventory (db_path);
  store = stk_test_open_store (db_path);
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *want = g_strdup_printf ("“%s” is a file, not a folder: export all writes a "
                                             "new folder.", file);

    cr_assert_not (stk_export_all (store, file, NULL, NULL, &error));
    /* An output in the way (exit 1), like a folder named as an export's file. */
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
    cr_assert_str_eq (error->message, want);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *want = g_strdup_printf ("The folder “%s” is not empty: export all writes a "
                                             "new or empty folder.", full);
    g_autofree char *kept = NULL;

    cr_assert_not (stk_export_all (store, full, NULL, NULL, &error));
    /* Refused like a backup onto an existing file (exit 1): nothing is overwritten. */
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_FAILED), "%s", error->message);
    cr_assert_str_eq (error->message, want);
    cr_assert (g_file_get_contents (full_skus, &kept, NULL, NULL));
    cr_assert_str_eq (kept, "mine\n", "the folder keeps what it held");
  }
  {
    g_autoptr(GError) error = NULL;

    cr_assert_not (stk_export_all (store, orphan, NULL, NULL, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s (%d)", error->message,
               error->code);
    cr_assert_not (g_file_test (orphan, G_FILE_TEST_EXISTS));
  }
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      cr_assert_null (strstr (name, ".part-"), "“%s” was left behind", name);
  }
}

/* ---- what killed writes left, and what must never be taken for it ---- */

static const guint8 wal_magic[] = { 0x37, 0x7f, 0x06, 0x83, 0, 0, 0, 0 };
static const guint8 journal_magic[] = { 0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7 };

static void
put (const char *dir,
     const char *name,
     const void *contents,
     gssize      len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  cr_assert (g_file_set_contents (path, contents, len, NULL), "%s", path);
}

Test (data_errors, remove_stale_takes_only_dead_temporaries)
{
  g_autofree char *dir = g_build_filename (tmpdir, "out", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-folder", NULL);
  g_autofree char *held_path = NULL;
  g_autofree char *subdir = NULL;
  g_autofree char *link = NULL;
  static const char *const dead[] = {
    ".report.csv.stocktake-tmp-AbC123",          /* a killed export */
    ".backup.db.stocktake-tmp-Zz9Yy8-journal",   /* a log whose main file is gone */
    ".backup.db.stocktake-tmp-Zz9Yy8-wal",
    "old.db.part-0123abcd",                      /* an earlier version's, empty */
    "old2.db.part-89abcdef",                     /* an earlier version's, a database */
    "old3.db.part-00000000-journal",             /* its journal, the main file gone */
  };
  static const char *const kept[] = {
    "report.csv.stocktake-tmp-AbC123",           /* no leading dot */
    ".stocktake-tmp-AbC123",                     /* no main name */
    ".report.csv.stocktake-tmp-AbC12!",          /* not the random part */
    ".report.csv.stocktake-tmp-AbC",             /* too short */
    ".report.csv.stocktake-tmp-AbC123-foo",      /* not a companion */
    "old.db.part-0123ABCD",                      /* not ours: upper case */
    "old.db.part-0123abcd-wal",                  /* earlier versions had no WAL */
    ".part-0123abcd",                            /* no main name */
    "notes.part-0123abcd",                       /* an earlier name, but the user's text */
    ".held.csv.stocktake-tmp-Held01",            /* a write in progress holds it */
    ".held.csv.stocktake-tmp-Held01-journal",    /* and its companion stays with it */
    "report.csv",
  };
  int held_fd;

  cr_assert_eq (g_mkdir (dir, 0700), 0);
  put (dir, dead[0], "half an export", -1);
  put (dir, dead[1], (const char *) journal_magic, sizeof journal_magic);
  put (dir, dead[2], (const char *) wal_magic, sizeof wal_magic);
  put (dir, dead[3], "", 0);
  put (dir, dead[4], "SQLite format 3", 16);
  put (dir, dead[5], (const char *) journal_magic, sizeof journal_magic);
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    put (dir, kept[i], "keep me", -1);
  /* A folder and a symbolic link with a dead temporary's name are not files to remove. */
  subdir = g_build_filename (dir, ".d.csv.stocktake-tmp-Dir001", NULL);
  cr_assert_eq (g_mkdir (subdir, 0700), 0);
  link = g_build_filename (dir, ".l.csv.stocktake-tmp-Lnk001", NULL);
  cr_assert_eq (symlink ("report.csv", link), 0);

  held_path = g_build_filename (dir, ".held.csv.stocktake-tmp-Held01", NULL);
  held_fd = g_open (held_path, O_RDONLY | O_CLOEXEC, 0);
  cr_assert_geq (held_fd, 0);
  cr_assert_eq (flock (held_fd, LOCK_EX), 0);

  cr_assert_eq (stk_output_remove_stale (missing), 0);
  cr_assert_eq (stk_output_remove_stale (dir), G_N_ELEMENTS (dead));
  for (guint i = 0; i < G_N_ELEMENTS (dead); i++)
    {
      g_autofree char *path = g_build_filename (dir, dead[i], NULL);

      cr_assert_not (g_file_test (path, G_FILE_TEST_EXISTS), "%s was not removed", dead[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_autofree char *path = g_build_filename (dir, kept[i], NULL);
      g_autofree char *contents = NULL;

      cr_assert (g_file_get_contents (path, &contents, NULL, NULL), "%s was removed", kept[i]);
      cr_assert_str_eq (contents, "keep me");
    }
  cr_assert (g_file_test (subdir, G_FILE_TEST_IS_DIR));
  cr_assert (g_file_test (link, G_FILE_TEST_IS_SYMLINK));

  /* Once the write lets go, its file is dead too, and its companion with it. */
  close (held_fd);
  cr_assert_eq (stk_output_remove_stale (dir), 2);
  cr_assert_not (g_file_test (held_path, G_FILE_TEST_EXISTS));
  cr_assert_eq (stk_output_remove_stale (dir), 0);
}

Test (data_errors, output_refuses_logs_journals_and_other_databases_companions)
{
  g_autofree char *wal = g_build_filename (tmpdir, "looks-like-a-log", NULL);
  g_autofree char *other_db = g_build_filename (tmpdir, "other.db", NULL);
  g_autofree char *other_wal = g_build_filename (tmpdir, "other.db-wal", NULL);
  g_autofree char *other_lock = g_build_filename (tmpdir, "other.db.lock", NULL);
  g_autofree char *text_wal = g_build_filename (tmpdir, "notes.txt-wal", NULL);
  g_autofree char *journal = g_build_filename (tmpdir, "looks-like-a-journal", NULL);
  g_autofree char *wal82 = g_build_filename (tmpdir, "looks-like-a-log-82", NULL);
  g_autofree char *notes = g_build_filename (tmpdir, "notes.txt", NULL);
  static const guint8 wal82_magic[] = { 0x37, 0x7f, 0x06, 0x82 };

  cr_assert (g_file_set_contents (wal, (const char *) wal_magic, sizeof wal_magic, NULL));
  cr_assert (g_file_set_contents (wal82, (const char *) wal82_magic, sizeof wal82_magic, NULL));
  cr_assert (g_file_set_contents (journal, (const char *) journal_magic, sizeof journal_magic,
                                  NULL));
  cr_assert (g_file_set_contents (other_db, "SQLite format 3", 16, NULL));
  cr_assert (g_file_set_contents (notes, "text", -1, NULL));

  {
    const char *databases[] = { wal, wal82, journal };

    for (guint i = 0; i < G_N_ELEMENTS (databases); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *want = g_strdup_printf ("Cannot write “%s”: it is an SQLite database (an "
                                                 "inventory, a backup or another program’s), and "
                                                 "Stocktake never overwrites a database.",
                                                 databases[i]);

        cr_assert_not (stk_output_check_target (databases[i], db_path, STK_OUTPUT_REPLACE, &error));
        cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_UNSAFE), "%s", error->message);
        cr_assert_str_eq (error->message, want);
      }
  }
  {
    const char *companions[] = { other_wal, other_lock };

    for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *want = g_strdup_printf ("Cannot write “%s”: it belongs to the SQLite "
                                                 "database “%s”.", companions[i], other_db);

        /* Whether or not it exists yet. */
        cr_assert_not (stk_output_check_target (companions[i], db_path, STK_OUTPUT_NONE, &error));
        cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_UNSAFE), "%s", error->message);
        cr_assert_str_eq (error->message, want);
      }
  }
  /* The same suffix after a file that is no database is an ordinary name. */
  cr_assert (stk_output_check_target (text_wal, db_path, STK_OUTPUT_NONE, NULL));
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *want = g_strdup_printf ("Cannot write “%s”: a file with that name already "
                                             "exists.", notes);

    cr_assert_not (stk_output_check_target (notes, db_path, STK_OUTPUT_NONE, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_FAILED), "%s", error->message);
    cr_assert_str_eq (error->message, want);
    cr_assert (stk_output_check_target (notes, db_path, STK_OUTPUT_REPLACE, NULL));
  }
}

/* ---- names and codes at their edges ---- */

Test (data_errors, identity_of_names_that_lead_nowhere)
{
  g_autofree char *loop_a = g_build_filename (tmpdir, "loop-a", NULL);
  g_autofree char *loop_b = g_build_filename (tmpdir, "loop-b", NULL);
  g_autofree char *in_loop = g_build_filename (loop_a, "x.db", NULL);
  g_autofree char *missing_dir = g_build_filename (tmpdir, "missing", NULL);
  g_autofree char *in_missing = g_build_filename (missing_dir, "x.db", NULL);
  g_autofree char *file = write_file ("plain", "x");
  g_autofree char *other = write_file ("other", "x");
  g_autofree char *in_file = g_build_filename (file, "x.db", NULL);
  g_autofree char *hard = g_build_filename (tmpdir, "hard", NULL);

  cr_assert_eq (symlink ("loop-b", loop_a), 0);
  cr_assert_eq (symlink ("loop-a", loop_b), 0);
  cr_assert_eq (link (file, hard), 0);
  {
    g_autoptr(GError) error = NULL;

    cr_assert_null (stk_identity_resolve ("", STK_IDENTITY_ANY_LINKS, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND));
    cr_assert_str_eq (error->message, "An empty path names no file.");
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *want = g_strdup_printf ("“%s” cannot be opened: its symbolic links lead "
                                             "round in a loop.", in_loop);

    cr_assert_null (stk_identity_resolve (in_loop, STK_IDENTITY_ANY_LINKS, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND) ||
               g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
    cr_assert_str_eq (error->message, want);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *want = g_strdup_printf ("The folder “%s” does not exist.", missing_dir);

    cr_assert_null (stk_identity_resolve (in_missing, STK_IDENTITY_ANY_LINKS, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
    cr_assert_str_eq (error->message, want);
  }
  {
    g_autoptr(StkStore) store = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *want = g_strdup_printf ("“%s” is a file, not a folder.", file);

    /* A file is no folder to put a file into: the export says so and leaves the file. */
    small_inventory (db_path);
    store = stk_test_open_store (db_path);
    cr_assert_not (stk_export_file (store, STK_TABLE_SKUS, in_file, NULL, NULL, NULL, NULL,
                                    &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
    cr_assert_str_eq (error->message, want);
    {
      g_autofree char *contents = NULL;

      cr_assert (g_file_get_contents (file, &contents, NULL, NULL));
      cr_assert_str_eq (contents, "x");
    }
  }
  /* The same file under two names; two files with the same contents; a missing name. */
  cr_assert (stk_identity_same_file (file, hard));
  cr_assert_not (stk_identity_same_file (file, other));
  cr_assert_not (stk_identity_same_file (file, in_missing));
  cr_assert_not (stk_identity_same_file (in_missing, file));
}

Test (data_errors, code_keys_at_their_edges)
{
  g_autofree char *invalid = stk_code_key ("AB\xff");
  g_autofree char *wide = stk_code_key ("\xef\xbc\xa1" "b");   /* FULLWIDTH A, b */
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean has_key = TRUE;

  /* Bytes that are not UTF-8 are their own key: never equal to a valid code's. */
  cr_assert_str_eq (invalid, "AB\xff");
  cr_assert_str_eq (wide, "ab");
  cr_assert (stk_code_equal ("\xef\xbc\xa1" "B", "ab"));
  cr_assert (stk_code_equal ("ab", "\xef\xbc\xa1" "B"));
  cr_assert_not (stk_code_equal ("AB\xff", "ab"));
  cr_assert_eq (stk_code_hash ("\xef\xbc\xa1" "B"), stk_code_hash ("AB"));

  /* In SQL, NULL has no key; an old inventory without the column has no keys. */
  cr_assert_eq (sqlite3_open (":memory:", &db), SQLITE_OK);
  stk_code_register (db);
  cr_assert_eq (sqlite3_prepare_v2 (db, "SELECT stk_code_key (NULL) IS NULL, stk_code_key ('Ab')",
                                    -1, &stmt, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_step (stmt), SQLITE_ROW);
  cr_assert_eq (sqlite3_column_int (stmt, 0), 1);
  cr_assert_str_eq ((const char *) sqlite3_column_text (stmt, 1), "ab");
  sqlite3_finalize (stmt);
  cr_assert (stk_code_db_has_key (db, &has_key, NULL));
  cr_assert_not (has_key, "no items table: no key");
  cr_assert_eq (sqlite3_exec (db, "CREATE TABLE items (id INTEGER PRIMARY KEY, code TEXT)", NULL,
                              NULL, NULL), SQLITE_OK);
  cr_assert (stk_code_db_has_key (db, &has_key, NULL));
  cr_assert_not (has_key);
  cr_assert_eq (sqlite3_exec (db, "ALTER TABLE items ADD COLUMN code_key TEXT", NULL, NULL, NULL),
                SQLITE_OK);
  cr_assert (stk_code_db_has_key (db, &has_key, NULL));
  cr_assert (has_key);
  sqlite3_close (db);
}

Test (data_errors, default_backup_names)
{
  static const struct { const char *db; const char *prefix; } cases[] = {
    { "inventory.db", "inventory-backup-" },
    { "shop", "shop-backup-" },
    { ".db", ".db-backup-" },
    { "stock.sqlite", "stock.sqlite-backup-" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (tmpdir, cases[i].db, NULL);
      g_autofree char *backup = stk_backup_default_path (path);
      g_autofree char *base = g_path_get_basename (backup);
      g_autofree char *dir = g_path_get_dirname (backup);

      cr_assert_str_eq (dir, tmpdir, "beside the inventory");
      cr_assert (g_str_has_prefix (base, cases[i].prefix), "%s → %s", cases[i].db, base);
      cr_assert (g_str_has_suffix (base, ".db"), "%s → %s", cases[i].db, base);
    }
}

/* ---- files that are not there, or not yet whole ---- */

Test (data_errors, verify_file_of_nothing_and_of_a_live_log)
{
  g_autofree char *missing = g_build_filename (tmpdir, "missing.db", NULL);
  g_autofree char *empty = write_file ("empty.db", "");

  {
    g_autoptr(GPtrArray) problems = NULL;
    g_autoptr(GError) error = NULL;

    g_autofree char *want = g_strdup_printf ("“%s” is empty or missing, not a Stocktake "
                                             "inventory.", missing);

    cr_assert_not (stk_verify_file (missing, &problems, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_INVENTORY), "%s", error->message);
    cr_assert_str_eq (error->message, want);
    cr_assert_null (problems);
  }
  {
    g_autoptr(GPtrArray) problems = NULL;
    g_autoptr(GError) error = NULL;

    g_autofree char *want = g_strdup_printf ("“%s” is empty or missing, not a Stocktake "
                                             "inventory.", empty);

    cr_assert_not (stk_verify_file (empty, &problems, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_INVENTORY), "%s", error->message);
    cr_assert_str_eq (error->message, want);
    cr_assert_null (problems);
  }
  /* An inventory whose writer is still open: its log holds the latest changes, and
   * verify reads them without writing anything. */
  {
    StkWriter *writer = stk_test_open_writer (db_path);
    g_autoptr(GPtrArray) problems = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
    GStatBuf before, after;

    stk_test_submit (writer, stk_op_create_item ("LIVE", "", 1, 0));
    cr_assert_eq (g_stat (wal, &before), 0);
    cr_assert_gt (before.st_size, 0, "the change is in the log");
    cr_assert (stk_verify_file (db_path, &problems, &error), "%s", error ? error->message : "");
    cr_assert_eq (problems->len, 0);
    cr_assert_eq (g_stat (wal, &after), 0);
    cr_assert_eq (before.st_size, after.st_size);
    cr_assert_eq (before.st_mtime, after.st_mtime);
    stk_test_close_writer (writer);
  }
}

Test (data_errors, cancelled_backup_leaves_nothing)
{
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dest = g_build_filename (tmpdir, "copy.db", NULL);

  small_inventory (db_path);
  store = stk_test_open_store (db_path);
  g_cancellable_cancel (cancellable);
  cr_assert_not (stk_store_backup_full (store, dest, STK_OUTPUT_NONE, cancellable, &error));
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s", error->message);
  assert_no_leftovers (dest);
}

Test (data_errors, renaming_onto_another_items_code)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  gint64 b_id;

  stk_test_submit (writer, stk_op_create_item ("A", "", 1, 0));
  stk_test_submit (writer, stk_op_create_item ("B", "", 1, 0));
  b_id = stk_test_query (db_path, "SELECT id FROM items WHERE code = 'B'");
  submit_fails (writer, stk_op_update_item (b_id, "a", "", 1, 0), STK_ERROR_CONSTRAINT,
                "An item with code “a” already exists.");
  submit_fails (writer, stk_op_update_item (b_id, "B", "\xff", 1, 0), STK_ERROR_INVALID_DATA,
                "The description is not valid UTF-8.");
  /* The writer goes on: a rename to a free code, and to a variant of its own. */
  stk_test_submit (writer, stk_op_update_item (b_id, "C", "", 1, 0));
  stk_test_submit (writer, stk_op_update_item (b_id, "c", "", 1, 0));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'c'"), 1);
  stk_test_close_writer (writer);
}

/* ---- headers that do not add up: refused, and left as they are ---- */

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

/* Both the check of a file to read (verify) and opening it for writing refuse @path
 * with @code and @message, and the file keeps every byte. */
static void
refused_untouched (const char *path,
                   int         code,
                   const char *message)
{
  g_autoptr(GBytes) before = stk_test_read_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  {
    g_autoptr(GPtrArray) problems = NULL;
    g_autoptr(GError) error = NULL;

    cr_assert_not (stk_verify_file (path, &problems, &error), "%s", message);
    cr_assert (g_error_matches (error, STK_ERROR, code), "%s (%d)", error->message, error->code);
    cr_assert_str_eq (error->message, message);
  }
  {
    g_autoptr(StkWriter) writer = NULL;
    g_autoptr(GError) error = NULL;

    writer = stk_writer_new (path, &error);
    cr_assert_null (writer, "%s", message);
    cr_assert (g_error_matches (error, STK_ERROR, code), "%s (%d)", error->message, error->code);
    cr_assert_str_eq (error->message, message);
  }
  after = stk_test_read_bytes (path);
  cr_assert (g_bytes_equal (before, after), "%s was changed", path);
  cr_assert_not (g_file_test (wal, G_FILE_TEST_EXISTS), "a log was created beside %s", path);
}

Test (data_errors, headers_that_do_not_add_up)
{
  g_autoptr(GBytes) good = NULL;
  gsize len;
  const guint8 *data;
  guint32 page_size;

  small_inventory (db_path);
  good = stk_test_read_bytes (db_path);
  data = g_bytes_get_data (good, &len);
  page_size = ((guint32) data[16] << 8) | data[17];
  cr_assert_eq (len % page_size, 0);

  {
    /* The magic string and little else. */
    g_autofree char *path = g_build_filename (tmpdir, "stub.db", NULL);
    g_autofree char *want = g_strdup_printf ("“%s” is damaged or truncated: its size does not "
                                             "match its pages.", path);

    cr_assert (g_file_set_contents (path, (const char *) data, 40, NULL));
    refused_untouched (path, STK_ERROR_CORRUPT, want);
  }
  {
    static const guint16 bad_sizes[] = { 256, 1000, 3 };

    for (guint i = 0; i < G_N_ELEMENTS (bad_sizes); i++)
      {
        g_autofree char *path = g_build_filename (tmpdir, "size.db", NULL);
        g_autofree guint8 *copy = g_memdup2 (data, len);
        g_autofree char *want = g_strdup_printf ("“%s” is damaged or truncated: its size does not "
                                                 "match its pages.", path);

        copy[16] = (guint8) (bad_sizes[i] >> 8);
        copy[17] = (guint8) bad_sizes[i];
        cr_assert (g_file_set_contents (path, (const char *) copy, (gssize) len, NULL));
        refused_untouched (path, STK_ERROR_CORRUPT, want);
        g_unlink (path);
      }
  }
  {
    /* Pages of 64 KiB (stored as 1) in a file that is not whole such pages. */
    g_autofree char *path = g_build_filename (tmpdir, "big-pages.db", NULL);
    g_autofree guint8 *copy = g_memdup2 (data, len);
    g_autofree char *want = g_strdup_printf ("“%s” is damaged or truncated: its size does not "
                                             "match its pages.", path);

    cr_assert_neq (len % 65536, 0);
    copy[16] = 0;
    copy[17] = 1;
    cr_assert (g_file_set_contents (path, (const char *) copy, (gssize) len, NULL));
    refused_untouched (path, STK_ERROR_CORRUPT, want);
  }
  {
    /* Whole pages, but fewer than the header counts. */
    g_autofree char *path = g_build_filename (tmpdir, "short.db", NULL);
    g_autofree guint8 *copy = g_memdup2 (data, len);
    guint32 pages = (guint32) (len / page_size);
    g_autofree char *want = g_strdup_printf ("“%s” is truncated: it should hold %u pages but holds "
                                             "%u.", path, pages + 5, pages);

    memcpy (copy + 92, copy + 24, 4); /* the page count is valid */
    put_be32 (copy + 28, pages + 5);
    cr_assert (g_file_set_contents (path, (const char *) copy, (gssize) len, NULL));
    refused_untouched (path, STK_ERROR_CORRUPT, want);
  }
  {
    /* The same count, but not valid for this change counter: SQLite ignores it. */
    g_autofree char *path = g_build_filename (tmpdir, "stale-count.db", NULL);
    g_autofree guint8 *copy = g_memdup2 (data, len);
    g_autoptr(GPtrArray) problems = NULL;
    g_autoptr(GError) error = NULL;

    put_be32 (copy + 28, (guint32) (len / page_size) + 5);
    put_be32 (copy + 92, ((guint32) data[24] << 24 | (guint32) data[25] << 16 |
                          (guint32) data[26] << 8 | data[27]) + 1);
    cr_assert (g_file_set_contents (path, (const char *) copy, (gssize) len, NULL));
    cr_assert (stk_verify_file (path, &problems, &error), "%s", error ? error->message : "");
    cr_assert_eq (problems->len, 0);
  }
}

/* ---- a restore whose safety copy cannot be written ---- */

static guint fsync_failures;

static int
fsync_disk_full (int fd)
{
  (void) fd;
  fsync_failures++;
  errno = ENOSPC;
  return -1;
}

Test (data_errors, restore_without_room_for_the_safety_copy_changes_nothing)
{
  g_autofree char *backup = g_build_filename (tmpdir, "backup.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *safety = NULL;
  StkWriter *writer;

  small_inventory (backup);
  writer = stk_test_open_writer (db_path);
  store = stk_test_open_store (db_path);
  stk_test_submit (writer, stk_op_create_item ("MINE", "", 1, 0));
  before = db_digest (db_path);

  stk_seams.fsync = fsync_disk_full;
  cr_assert_not (stk_restore (writer, store, backup, &safety, &error));
  stk_seams_reset ();
  cr_assert_eq (fsync_failures, 1);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NO_SPACE), "%s (%d)", error->message,
             error->code);
  cr_assert (g_str_has_prefix (error->message, "Nothing was restored: the current inventory could "
                                                "not be backed up first. Cannot write “") &&
             g_str_has_suffix (error->message, "”: the disk is full."), "%s", error->message);
  cr_assert_null (safety);
  after = db_digest (db_path);
  cr_assert_str_eq (before, after, "the inventory is as it was");
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      cr_assert (g_str_has_prefix (name, "inventory.db") || g_str_has_prefix (name, "backup.db"),
                 "“%s” was left behind", name);
  }

  /* The writer goes on, and with room the same restore works. */
  g_clear_error (&error);
  cr_assert (stk_restore (writer, store, backup, &safety, &error), "%s",
             error ? error->message : "");
  cr_assert_not_null (safety);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'MINE'"), 0);
  cr_assert_eq (stk_test_query (safety, "SELECT count(*) FROM items WHERE code = 'MINE'"), 1);
  stk_test_submit (writer, stk_op_create_item ("AFTER", "", 1, 0));
  stk_test_close_writer (writer);
}

/* ---- code completion: every prefix means itself ---- */

static char *
complete (sqlite3    *db,
          const char *prefix,
          guint       limit)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) codes = stk_query_complete_codes (db, prefix, limit, &error);

  cr_assert_not_null (codes, "%s", error ? error->message : "");
  return g_strjoinv (",", codes);
}

Test (data_errors, completion_of_wildcards_and_of_nothing)
{
  sqlite3 *old = NULL;
  g_autoptr(StkStore) store = NULL;
  sqlite3 *db;

  /* An inventory of format 4 (read-only: no code keys) matches with LIKE: its wildcards
   * in a prefix are plain characters. */
  cr_assert_eq (sqlite3_open (":memory:", &old), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (old,
                              "CREATE TABLE items (id INTEGER PRIMARY KEY,"
                              " code TEXT NOT NULL COLLATE NOCASE, archived INTEGER NOT NULL);"
                              "INSERT INTO items (code, archived) VALUES ('A_1', 0), ('AB1', 0),"
                              " ('A%2', 0), ('a\\3', 0), ('A_old', 1), ('Ax', 0);",
                              NULL, NULL, NULL), SQLITE_OK);
  {
    g_autofree char *underscore = complete (old, "A_", 10);
    g_autofree char *percent = complete (old, "a%", 10);
    g_autofree char *backslash = complete (old, "A\\", 10);
    g_autofree char *all = complete (old, "a", 10);
    g_autofree char *none = complete (old, "a", 0);

    cr_assert_str_eq (underscore, "A_1");
    cr_assert_str_eq (percent, "A%2");
    cr_assert_str_eq (backslash, "a\\3");
    cr_assert_str_eq (all, "A%2,a\\3,A_1,AB1,Ax"); /* in NOCASE order */
    cr_assert_str_eq (none, "");
  }
  sqlite3_close (old);

  /* The current format: an empty prefix completes to every active code. */
  small_inventory (db_path);
  store = stk_test_open_store (db_path);
  db = stk_store_acquire (store, NULL);
  cr_assert_not_null (db);
  {
    g_autofree char *all = complete (db, "", 10);
    g_autofree char *two = complete (db, "", 2);
    g_autofree char *none = complete (db, "", 0);
    g_autofree char *wild = complete (db, "%", 10);

    cr_assert_str_eq (all, "A,B,C");
    cr_assert_str_eq (two, "A,B");
    cr_assert_str_eq (none, "");
    cr_assert_str_eq (wild, "");
  }
  stk_store_release (store, db);
}

/* ---- an upgrade that would keep rows pointing nowhere ---- */

static sqlite3 *
inventory_at_format_4 (const char *path)
{
  sqlite3 *db = NULL;
  g_autoptr(GError) error = NULL;

  cr_assert_eq (sqlite3_open (path, &db), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, 4, &error), "%s", error ? error->message : "");
  cr_assert_eq (stk_schema_get_version (db, NULL), 4);
  return db;
}

Test (data_errors, upgrade_refuses_rows_that_point_nowhere)
{
  static const struct { const char *damage; const char *message; } cases[] = {
    { "DELETE FROM items WHERE code = 'GONE';",
      "Cannot upgrade the inventory: 1 row refers to missing rows." },
    { "DELETE FROM items;",
      "Cannot upgrade the inventory: 2 rows refer to missing rows." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("v4-%u.db", i);
      g_autofree char *path = g_build_filename (tmpdir, name, NULL);
      sqlite3 *db = inventory_at_format_4 (path);
      g_autoptr(GError) error = NULL;
      char *msg = NULL;
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      cr_assert_eq (sqlite3_exec (db,
                                  "INSERT INTO items (code, created_at, updated_at)"
                                  " VALUES ('KEEP', 0, 0), ('GONE', 0, 0);"
                                  "INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                                  " VALUES (1, 'receive', 3, 3, 1), (2, 'receive', 2, 2, 1);"
                                  "PRAGMA foreign_keys = OFF;",
                                  NULL, NULL, &msg), SQLITE_OK, "%s", msg);
      cr_assert_eq (sqlite3_exec (db, cases[i].damage, NULL, NULL, &msg), SQLITE_OK, "%s", msg);
      before = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                stk_test_query (path, "SELECT count(*) FROM items"),
                                stk_test_query (path, "SELECT count(*) FROM movements"));

      cr_assert_not (stk_schema_migrate (db, STK_SCHEMA_VERSION, &error));
      cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CORRUPT), "%s", error->message);
      cr_assert_str_eq (error->message, cases[i].message);
      cr_assert (sqlite3_get_autocommit (db), "no transaction is left open");
      cr_assert_eq (stk_schema_get_version (db, NULL), 4, "one transaction: all or nothing");
      cr_assert_eq (stk_test_query (path, "SELECT count(*) FROM pragma_table_info('items')"
                                          " WHERE name = 'code_key'"), 0);
      after = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                               stk_test_query (path, "SELECT count(*) FROM items"),
                               stk_test_query (path, "SELECT count(*) FROM movements"));
      cr_assert_str_eq (before, after);
      /* Already there: nothing to do. */
      cr_assert (stk_schema_migrate (db, 3, NULL));
      sqlite3_close (db);
    }
}

Test (data_errors, upgrade_waits_for_no_one)
{
  g_autofree char *path = g_build_filename (tmpdir, "v4.db", NULL);
  sqlite3 *db = inventory_at_format_4 (path);
  sqlite3 *other = NULL;
  g_autoptr(GError) error = NULL;

  /* Another connection holds the write lock; this one does not wait. */
  cr_assert_eq (sqlite3_open (path, &other), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_busy_timeout (db, 0);
  cr_assert_not (stk_schema_migrate (db, STK_SCHEMA_VERSION, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_BUSY), "%s", error->message);
  cr_assert_str_eq (error->message, "Cannot upgrade the inventory: the inventory is in use by "
                                    "another program.");
  cr_assert_eq (stk_schema_get_version (db, NULL), 4);
  /* Once it lets go, the upgrade goes through. */
  cr_assert_eq (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (other);
  g_clear_error (&error);
  cr_assert (stk_schema_migrate (db, STK_SCHEMA_VERSION, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (stk_schema_get_version (db, NULL), STK_SCHEMA_VERSION);
  sqlite3_close (db);
}

/* ---- CSV that is not CSV ---- */

Test (data_errors, broken_csv_structure_is_reported_and_nothing_imported)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(GString) wide = g_string_new ("code\nA\n");

  /* A header that is not text. */
  import_refused (writer, STK_TABLE_SKUS, "code,\xff\xfe\nA,x\n",
                  1, "invalid UTF-8 in field 2.", 0);
  /* A quote opened on line 3 and never closed: the rest of the file is one field. */
  import_refused (writer, STK_TABLE_SKUS, "code,description\nA,x\nB,\"open\nC,y\n",
                  3, "a quoted field is never closed.", 0);
  /* Far more fields than any table has: not a CSV file of ours. */
  for (guint i = 0; i <= STK_CSV_MAX_FIELDS; i++)
    g_string_append (wide, ",");
  g_string_append (wide, "\n");
  {
    g_auto(StkImportReport) report = { 0 };
    g_autoptr(GError) error = NULL;
    g_autofree char *path = write_file ("wide.csv", wide->str);
    g_autofree char *dump = NULL;

    cr_assert_not (stk_import_file (writer, STK_TABLE_SKUS, path, NULL, NULL, NULL, &report,
                                    &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
    dump = report_dump (&report);
    cr_assert_eq (report.n_errors, 1, "%s", dump);
    cr_assert (g_str_has_prefix (g_ptr_array_index (report.errors, 0), "Line 3: too many fields"),
               "%s", dump);
  }
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0);
  /* The writer goes on. */
  import_ok (writer, STK_TABLE_SKUS, "code\nA\n", 1);
  stk_test_close_writer (writer);
}

/* ---- write paths test-faults does not sweep: import all and generate ---- */

typedef struct
{
  const char *name;
  /* Runs the path against @writer; @dir holds its input. */
  gboolean  (*exercise) (StkWriter *writer, const char *dir, GError **error);
  /* After a reopen: the inventory holds all of the change (@ok) or none of it. */
  void      (*check)    (const char *db, gboolean ok);
} WritePath;

static gboolean
import_all_exercise (StkWriter   *writer,
                     const char  *dir,
                     GError     **error)
{
  g_auto(StkImportReport) report = { 0 };

  return stk_import_all (writer, dir, NULL, &report, error);
}

static void
import_all_check (const char *db,
                  gboolean    ok)
{
  cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM items WHERE code LIKE 'N-%'"), ok ? 30 : 0,
                "import all is all or nothing");
  cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM sales"), ok ? 30 : 0);
  cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM movements"), ok ? 90 : 0); /* 2 receipts and a sale each */
}

static gboolean
generate_exercise (StkWriter   *writer,
                   const char  *dir,
                   GError     **error)
{
  return stk_generate (writer, 25, 40, 7, NULL, NULL, error);
}

static void
generate_check (const char *db,
                gboolean    ok)
{
  gint64 items = stk_test_query (db, "SELECT count(*) FROM items WHERE code NOT IN ('PRIOR', 'AFTER')");
  gint64 sales = stk_test_query (db, "SELECT count(*) FROM sales");

  cr_assert (items == 0 || items == 25, "the items are one change: %" G_GINT64_FORMAT, items);
  cr_assert (sales == 0 || sales == 40, "the sales are one change: %" G_GINT64_FORMAT, sales);
  cr_assert (sales == 0 || items == 25);
  if (ok)
    cr_assert (items == 25 && sales == 40);
}

/* The input of import all: 30 items, each received twice and sold once. */
static char *
import_all_folder (void)
{
  g_autoptr(GString) skus = g_string_new ("code,description,unit_price,on_hand\n");
  g_autoptr(GString) moves = g_string_new ("moved_at,sku,kind,quantity,reason\n");
  g_autoptr(GString) sales = g_string_new ("sold_at,sku,quantity,unit_price\n");

  for (guint i = 0; i < 30; i++)
    {
      g_string_append_printf (skus, "N-%02u,New item %u,%u.50,%u\n", i, i, i + 1, 4 + i);
      g_string_append_printf (moves, "2026-01-01T08:00:00Z,N-%02u,receive,3,first\n", i);
      g_string_append_printf (moves, "2026-01-02T08:00:00Z,N-%02u,receive,%u,second\n", i, 2 + i);
      g_string_append_printf (sales, "2026-01-03T08:00:00Z,N-%02u,1,%u.50\n", i, i + 1);
    }
  return make_folder ("all-in", skus->str, moves->str, sales->str);
}

static guint
sweep_write_path (const WritePath *path,
                  const char      *input,
                  StkFaultKind     kind,
                  int              code)
{
  guint injected = 0;
  guint64 n;

  for (n = 1; n < MAX_N; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%s-%" G_GUINT64_FORMAT ".db", path->name,
                                               stk_fault_kind_to_string (kind), n);
      g_autofree char *db = g_build_filename (tmpdir, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(StkStore) store = NULL;
      g_autoptr(GPtrArray) problems = NULL;
      StkWriter *writer;
      gboolean ok;
      guint64 fired;

      writer = stk_test_open_writer (db);
      stk_test_submit (writer, stk_op_create_item ("PRIOR", "", 1, 0));
      stk_faultvfs_arm (kind, n, code);
      ok = path->exercise (writer, input, &error);
      fired = stk_faultvfs_fired ();
      stk_faultvfs_disarm ();
      if (!ok)
        {
          cr_assert (fired > 0, "%s failed with no fault: %s", path->name, error->message);
          cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO) ||
                     g_error_matches (error, STK_ERROR, STK_ERROR_NO_SPACE),
                     "%s, %s #%" G_GUINT64_FORMAT ": %s (%s %d)", path->name,
                     stk_fault_kind_to_string (kind), n, error->message,
                     g_quark_to_string (error->domain), error->code);
          cr_assert (error->message[0] != '\0');
        }
      /* The writer goes on. */
      stk_test_submit (writer, stk_op_create_item ("AFTER", "", 1, 0));
      stk_test_close_writer (writer);

      /* Reopened: sound, with all of the change or none of it. */
      store = stk_test_open_store (db);
      problems = stk_store_verify (store, &error);
      cr_assert_not_null (problems, "%s", error ? error->message : "");
      cr_assert_eq (problems->len, 0, "%s, %s #%" G_GUINT64_FORMAT ": %s", path->name,
                    stk_fault_kind_to_string (kind), n,
                    problems->len ? (char *) g_ptr_array_index (problems, 0) : "");
      path->check (db, ok);
      cr_assert_eq (stk_test_query (db, "SELECT count(*) FROM items WHERE code IN ('PRIOR', 'AFTER')"), 2);
      g_clear_object (&store);
      {
        g_autofree char *wal = g_strconcat (db, "-wal", NULL);
        g_autofree char *shm = g_strconcat (db, "-shm", NULL);
        g_autofree char *lock = g_strconcat (db, ".lock", NULL);

        g_unlink (db);
        g_unlink (wal);
        g_unlink (shm);
        g_unlink (lock);
      }
      if (fired == 0)
        break;
      injected++;
    }
  cr_assert_lt (n, MAX_N, "%s: the fault was still reached after %d runs", path->name, MAX_N);
  cr_assert_gt (injected, 0, "%s: no %s fault was ever reached", path->name,
                stk_fault_kind_to_string (kind));
  return injected;
}

static const WritePath import_all_path = { "import-all", import_all_exercise, import_all_check };
static const WritePath generate_path = { "generate", generate_exercise, generate_check };

Test (data_errors, write_faults_under_import_all, .timeout = 600)
{
  g_autofree char *input = import_all_folder ();

  sweep_write_path (&import_all_path, input, STK_FAULT_WRITE, SQLITE_IOERR_WRITE);
  sweep_write_path (&import_all_path, input, STK_FAULT_SYNC, SQLITE_IOERR_FSYNC);
  sweep_write_path (&import_all_path, input, STK_FAULT_WRITE, SQLITE_FULL);
}

Test (data_errors, write_faults_under_generate, .timeout = 600)
{
  sweep_write_path (&generate_path, NULL, STK_FAULT_WRITE, SQLITE_IOERR_WRITE);
  sweep_write_path (&generate_path, NULL, STK_FAULT_SYNC, SQLITE_IOERR_FSYNC);
  sweep_write_path (&generate_path, NULL, STK_FAULT_WRITE, SQLITE_FULL);
}

/* ---- the store's readers: pooled only when idle, never more than a few ---- */

Test (data_errors, store_pools_only_idle_readers)
{
  g_autoptr(StkStore) store = NULL;
  sqlite3 *dbs[7] = { NULL };
  guint open_before;

  small_inventory (db_path);
  open_before = stk_db_get_open_count ();
  store = stk_test_open_store (db_path);

  /* Seven readers at once: each its own connection. */
  for (guint i = 0; i < G_N_ELEMENTS (dbs); i++)
    {
      g_autoptr(GError) error = NULL;

      dbs[i] = stk_store_acquire (store, &error);
      cr_assert_not_null (dbs[i], "%s", error ? error->message : "");
      for (guint j = 0; j < i; j++)
        cr_assert_neq (dbs[i], dbs[j]);
    }
  cr_assert_eq (stk_db_get_open_count (), open_before + G_N_ELEMENTS (dbs));
  /* One is given back inside a transaction: it is closed, never handed out again. */
  cr_assert_eq (sqlite3_exec (dbs[0], "BEGIN; SELECT count(*) FROM items;", NULL, NULL, NULL),
                SQLITE_OK);
  cr_assert_not (sqlite3_get_autocommit (dbs[0]));
  for (guint i = 0; i < G_N_ELEMENTS (dbs); i++)
    stk_store_release (store, dbs[i]);
  stk_store_release (store, NULL);

  /* At most four stay open for the next readers, all outside any transaction. */
  cr_assert_eq (stk_db_get_open_count (), open_before + 4);
  for (guint i = 0; i < 4; i++)
    {
      dbs[i] = stk_store_acquire (store, NULL);
      cr_assert_not_null (dbs[i]);
      cr_assert (sqlite3_get_autocommit (dbs[i]), "a pooled reader is idle");
    }
  for (guint i = 0; i < 4; i++)
    stk_store_release (store, dbs[i]);
  g_clear_object (&store);
  cr_assert_eq (stk_db_get_open_count (), open_before, "the store closes its readers");
}

/* ---- a file cut short by a killed checkpoint: its log holds the rest ---- */

static void
copy_bytes (const char *from,
            const char *to,
            gsize       max)
{
  g_autoptr(GBytes) bytes = stk_test_read_bytes (from);
  gsize len = MIN (g_bytes_get_size (bytes), max);

  cr_assert (g_file_set_contents (to, g_bytes_get_data (bytes, NULL), (gssize) len, NULL));
}

Test (data_errors, short_file_whose_log_holds_the_rest)
{
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *saved_db = g_build_filename (tmpdir, "saved.db", NULL);
  g_autofree char *saved_wal = g_build_filename (tmpdir, "saved.db-wal", NULL);
  sqlite3 *db = NULL;
  gint64 file_pages, db_pages, page_size;
  guint8 count[4];

  small_inventory (db_path);
  page_size = stk_test_query (db_path, "PRAGMA page_size");
  {
    GStatBuf st;

    cr_assert_eq (g_stat (db_path, &st), 0);
    file_pages = st.st_size / page_size;
  }
  /* A writer that never checkpoints: every new page is only in the log. */
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, "PRAGMA wal_autocheckpoint = 0;"
                                  "CREATE TABLE filler (x BLOB);"
                                  "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                                  " WHERE i < 200) INSERT INTO filler SELECT randomblob (900) FROM n;",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  {
    sqlite3_stmt *stmt = NULL;

    cr_assert_eq (sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt, NULL), SQLITE_OK);
    cr_assert_eq (sqlite3_step (stmt), SQLITE_ROW);
    db_pages = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
  }
  cr_assert_gt (db_pages, file_pages + 10);
  /* The state a kill -9 during a checkpoint leaves: page 1 (the header) written with
   * the new page count, the pages after it not yet. */
  copy_bytes (db_path, saved_db, G_MAXSIZE);
  copy_bytes (wal, saved_wal, G_MAXSIZE);
  sqlite3_close (db);
  {
    g_autoptr(GBytes) bytes = stk_test_read_bytes (saved_db);
    g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

    cr_assert_eq ((gint64) g_bytes_get_size (bytes), file_pages * page_size);
    put_be32 (count, (guint32) db_pages);
    memcpy (data + 28, count, 4);
    memcpy (data + 92, data + 24, 4);
    cr_assert (g_file_set_contents (saved_db, (const char *) data, (gssize) g_bytes_get_size (bytes),
                                    NULL));
  }

  /* With its log: not damage. The check leaves both files as they are. */
  {
    g_autoptr(GBytes) before = stk_test_read_bytes (saved_db);
    g_autoptr(GBytes) after = NULL;
    g_autoptr(GError) error = NULL;
    gboolean exists = FALSE;

    cr_assert (stk_db_check_file (saved_db, &exists, &error), "%s", error ? error->message : "");
    cr_assert (exists);
    after = stk_test_read_bytes (saved_db);
    cr_assert (g_bytes_equal (before, after));
  }
  /* With a log whose header checksum is wrong, SQLite ignores the log: truncated. */
  {
    g_autoptr(GBytes) bytes = stk_test_read_bytes (saved_wal);
    g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    g_autoptr(GError) error = NULL;
    g_autofree char *want = g_strdup_printf ("“%s” is truncated: it should hold %u pages but holds "
                                             "%u.", saved_db, (guint) db_pages, (guint) file_pages);
    gboolean exists = FALSE;

    data[24] ^= 0xff;
    cr_assert (g_file_set_contents (saved_wal, (const char *) data,
                                    (gssize) g_bytes_get_size (bytes), NULL));
    cr_assert_not (stk_db_check_file (saved_db, &exists, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CORRUPT), "%s", error->message);
    cr_assert_str_eq (error->message, want);
  }
  /* Without its log at all: truncated. */
  {
    g_autoptr(GError) error = NULL;
    gboolean exists = FALSE;

    g_unlink (saved_wal);
    cr_assert_not (stk_db_check_file (saved_db, &exists, &error));
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CORRUPT), "%s", error->message);
  }
}
