/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sales of several lines, barcodes and returns (schema 6): the ops, the rules the schema
 * keeps, the read of one sale, the reports' net figures, and the upgrade of an inventory
 * whose sales were one item each. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "stk-barcode.h"
#include "stk-error.h"
#include "stk-ops.h"
#include "stk-query.h"
#include "stk-reads.h"
#include "stk-schema.h"
#include "stk-store.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static StkWriter *writer;
static StkStore *store;

static void
setup (void)
{
  stk_test_fixture_setup ();
  writer = stk_test_open_writer (db_path);
  store = stk_test_open_store (db_path);
}

static void
teardown (void)
{
  g_clear_object (&store);
  if (writer != NULL)
    stk_test_close_writer (g_steal_pointer (&writer));
  stk_test_fixture_teardown ();
}

TestSuite (sell, .init = setup, .fini = teardown);

static void
submit_ok (StkOp *op)
{
  g_autoptr(GError) error = NULL;

  cr_assert (stk_writer_submit_sync (writer, op, &error), "%s: %s", stk_op_get_description (op),
             error ? error->message : "");
}

/* Submits @op and returns its error (the caller frees it); asserts it failed. */
static GError *
submit_fails (StkOp *op)
{
  GError *error = NULL;

  cr_assert_not (stk_writer_submit_sync (writer, op, &error), "%s succeeded",
                 stk_op_get_description (op));
  cr_assert_not_null (error);
  return error;
}

static gint64
item (const char *code,
      gint64      price,
      gint64      stock)
{
  g_autoptr(StkOp) op = stk_op_create_item (code, "thing", price, 0);

  submit_ok (op);
  if (stock > 0)
    {
      g_autoptr(StkOp) in = stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, stock, "in", 0);

      submit_ok (in);
    }
  return stk_op_get_row_id (op);
}

static gint64
on_hand (const char *code)
{
  g_auto(StkItemInfo) info = { 0 };
  g_autoptr(GError) error = NULL;

  cr_assert (stk_store_item_by_code (store, code, &info, &error), "%s", error ? error->message : "");
  return info.on_hand;
}

static gint64
count (const char *sql)
{
  return stk_test_query (db_path, sql);
}

/* Stock on hand equals the sum of every item's movements, and verify finds nothing. */
static void
assert_consistent (void)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  cr_assert_eq (count ("SELECT count (*) FROM items i WHERE on_hand <>"
                       " (SELECT coalesce (sum (quantity), 0) FROM movements WHERE item_id = i.id)"),
                0);
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems, "%s", error ? error->message : "");
  cr_assert_eq (problems->len, 0, "%s", problems->len ? (char *) problems->pdata[0] : "");
}

Test (sell, a_sale_of_several_lines_is_one_sale_with_one_id)
{
  StkSaleLineSpec lines[] = {
    { "MUG", 1, -1, 0 },
    { "SPOON", 2, 150, 50 },
    { "MUG", 1, -1, 0 },
  };
  g_autoptr(StkOp) op = NULL;
  g_autoptr(StkSaleDetail) sale = NULL;
  g_autoptr(GError) error = NULL;
  StkSaleLine *l;

  item ("MUG", 800, 5);
  item ("SPOON", 200, 5);
  op = stk_op_sell (lines, G_N_ELEMENTS (lines), "card", "gift wrap", 0);
  submit_ok (op);

  cr_assert_eq (on_hand ("MUG"), 3);
  cr_assert_eq (on_hand ("SPOON"), 3);
  cr_assert_eq (count ("SELECT count (*) FROM sales"), 3);
  cr_assert_eq (count ("SELECT count (*) FROM sales WHERE first_line IS NULL"), 1);

  sale = stk_store_read_sale (store, stk_op_get_row_id (op), &error);
  cr_assert_not_null (sale, "%s", error ? error->message : "");
  cr_assert_eq (sale->sale_id, stk_op_get_row_id (op));
  cr_assert_str_eq (sale->uid, stk_op_get_id (op));
  cr_assert_str_eq (sale->payment, "card");
  cr_assert_str_eq (sale->note, "gift wrap");
  cr_assert_eq (sale->lines->len, 3);
  l = sale->lines->pdata[1];
  cr_assert_str_eq (l->code, "SPOON");
  cr_assert_eq (l->quantity, 2);
  cr_assert_eq (l->unit_price_cents, 150);
  cr_assert_eq (l->discount_cents, 50);
  cr_assert_eq (l->total_cents, 250);
  cr_assert_eq (sale->total_cents, 800 + 250 + 800);

  /* Any line's id reads the same sale. */
  {
    g_autoptr(StkSaleDetail) again = stk_store_read_sale (store, l->line_id, &error);

    cr_assert_not_null (again, "%s", error ? error->message : "");
    cr_assert_eq (again->sale_id, sale->sale_id);
  }
  assert_consistent ();
}

Test (sell, a_shortage_on_any_line_fails_the_whole_sale_naming_the_line)
{
  StkSaleLineSpec lines[] = {
    { "A", 1, -1, 0 },
    { "B", 1, -1, 0 },
    { "C", 4, -1, 0 },
  };
  g_autoptr(StkOp) op = NULL;
  g_autoptr(GError) error = NULL;

  item ("A", 100, 5);
  item ("B", 100, 5);
  item ("C", 100, 3);
  op = stk_op_sell (lines, G_N_ELEMENTS (lines), NULL, NULL, 0);
  error = submit_fails (op);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error->message);
  cr_assert (g_str_has_prefix (error->message, "Line 3: "), "%s", error->message);
  cr_assert (strstr (error->message, "“C”") != NULL, "%s", error->message);
  cr_assert_eq (count ("SELECT count (*) FROM sales"), 0, "half a sale was kept");
  cr_assert_eq (on_hand ("A"), 5);
  cr_assert_eq (on_hand ("B"), 5);

  /* An unknown code and a bad quantity are named the same way. */
  {
    StkSaleLineSpec unknown[] = { { "A", 1, -1, 0 }, { "NOPE", 1, -1, 0 } };
    StkSaleLineSpec zero[] = { { "A", 0, -1, 0 } };
    StkSaleLineSpec too_much_off[] = { { "A", 2, -1, 201 } };
    g_autoptr(StkOp) o1 = stk_op_sell (unknown, 2, NULL, NULL, 0);
    g_autoptr(StkOp) o2 = stk_op_sell (zero, 1, NULL, NULL, 0);
    g_autoptr(StkOp) o3 = stk_op_sell (too_much_off, 1, NULL, NULL, 0);
    g_autoptr(StkOp) o4 = stk_op_sell (NULL, 0, NULL, NULL, 0);
    g_autoptr(GError) e1 = submit_fails (o1);
    g_autoptr(GError) e2 = submit_fails (o2);
    g_autoptr(GError) e3 = submit_fails (o3);
    g_autoptr(GError) e4 = submit_fails (o4);

    cr_assert (g_str_has_prefix (e1->message, "Line 2: ") && strstr (e1->message, "NOPE"), "%s",
               e1->message);
    cr_assert (g_str_has_prefix (e2->message, "Line 1: "), "%s", e2->message);
    cr_assert (g_error_matches (e3, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", e3->message);
    cr_assert (g_error_matches (e4, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", e4->message);
  }
  cr_assert_eq (count ("SELECT count (*) FROM sales"), 0);
  assert_consistent ();
}

Test (sell, a_replayed_sale_is_applied_once)
{
  StkSaleLineSpec lines[] = { { "A", 1, -1, 0 }, { "B", 2, -1, 0 } };
  g_autoptr(StkOp) op = NULL;
  g_autoptr(StkOp) again = NULL;

  item ("A", 100, 5);
  item ("B", 100, 5);
  op = stk_op_sell (lines, 2, NULL, NULL, 0);
  submit_ok (op);
  again = stk_op_sell (lines, 2, NULL, NULL, 0);
  stk_op_set_id (again, stk_op_get_id (op));
  submit_ok (again);
  cr_assert (stk_op_get_duplicate (again));
  cr_assert_eq (count ("SELECT count (*) FROM sales"), 2);
  cr_assert_eq (on_hand ("B"), 3);
}

Test (sell, a_barcode_finds_its_item_however_it_is_spelt_and_counts_its_pack)
{
  g_autoptr(StkOp) unit = stk_op_add_barcode ("COLA", "036000291452", 1);
  g_autoptr(StkOp) pack = stk_op_add_barcode ("COLA", "4006381333931", 12);
  g_auto(StkItemInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 n = 0;

  item ("COLA", 120, 30);
  submit_ok (unit);
  submit_ok (pack);

  /* The UPC-A with the zero an EAN-13 scanner puts in front is the same number. */
  cr_assert (stk_store_item_by_scan (store, "0036000291452", &info, &n, &error), "%s",
             error ? error->message : "");
  cr_assert_str_eq (info.code, "COLA");
  cr_assert_eq (n, 1);
  stk_item_info_clear (&info);
  cr_assert (stk_store_item_by_scan (store, "4006381333931", &info, &n, &error));
  cr_assert_eq (n, 12);
  stk_item_info_clear (&info);
  /* An item code is found too, counting one. */
  cr_assert (stk_store_item_by_scan (store, "cola", &info, &n, &error));
  cr_assert_eq (n, 1);
  stk_item_info_clear (&info);
  cr_assert_not (stk_store_item_by_scan (store, "4006381333948", &info, &n, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND));
  g_clear_error (&error);

  {
    StkSaleLineSpec lines[] = { { "4006381333931", 2, -1, 0 }, { "0036000291452", 1, -1, 0 } };
    g_autoptr(StkOp) op = stk_op_sell (lines, 2, NULL, NULL, 0);

    submit_ok (op);
  }
  cr_assert_eq (on_hand ("COLA"), 30 - 24 - 1);
  cr_assert_eq (count ("SELECT sum (quantity) FROM sales"), 25);
}

Test (sell, a_barcode_belongs_to_one_item_and_a_wrong_check_digit_is_refused)
{
  g_autoptr(StkOp) first = stk_op_add_barcode ("A", "4006381333931", 1);
  g_autoptr(StkOp) other = stk_op_add_barcode ("B", "4006381333931", 1);
  g_autoptr(StkOp) wrong = stk_op_add_barcode ("B", "4006381333932", 1);
  g_autoptr(StkOp) free_code = stk_op_add_barcode ("B", "SHELF-7", 1);
  g_autoptr(StkOp) bad_pack = stk_op_add_barcode ("B", "SHELF-8", 0);
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;

  item ("A", 100, 0);
  item ("B", 100, 0);
  submit_ok (first);
  e1 = submit_fails (other);
  cr_assert (g_error_matches (e1, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", e1->message);
  cr_assert (strstr (e1->message, "“A”") != NULL, "%s", e1->message);
  e2 = submit_fails (wrong);
  cr_assert (g_error_matches (e2, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", e2->message);
  cr_assert (strstr (e2->message, "check digit") != NULL, "%s", e2->message);
  submit_ok (free_code);
  e3 = submit_fails (bad_pack);
  cr_assert (g_error_matches (e3, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", e3->message);
  cr_assert_eq (count ("SELECT count (*) FROM barcodes"), 2);

  /* Replacing an item's barcodes is one op: a bad one keeps the old set. */
  {
    StkBarcode set[] = { { (char *) "SHELF-9", 6 }, { (char *) "4006381333931", 1 } };
    StkBarcode mine[] = { { (char *) "SHELF-9", 6 } };
    g_autoptr(StkOp) steal = stk_op_set_barcodes (2, set, 2);
    g_autoptr(StkOp) ok = stk_op_set_barcodes (2, mine, 1);
    g_autoptr(GError) e4 = submit_fails (steal);
    g_autoptr(GArray) have = NULL;

    cr_assert_eq (count ("SELECT count (*) FROM barcodes WHERE code = 'SHELF-7'"), 1);
    submit_ok (ok);
    have = stk_store_item_barcodes (store, 2, &e4);
    cr_assert_not_null (have);
    cr_assert_eq (have->len, 1);
    cr_assert_str_eq (g_array_index (have, StkBarcode, 0).code, "SHELF-9");
    cr_assert_eq (g_array_index (have, StkBarcode, 0).pack, 6);
  }
}

Test (sell, returns_put_stock_back_never_more_than_sold_and_refund_exactly)
{
  StkSaleLineSpec lines[] = { { "A", 3, 100, 1 }, { "B", 1, -1, 0 } };
  g_autoptr(StkOp) op = NULL;
  g_autoptr(StkSaleDetail) sale = NULL;
  g_autoptr(GError) error = NULL;
  StkSaleLine *a;
  gint64 refunded = 0;

  item ("A", 100, 10);
  item ("B", 500, 10);
  op = stk_op_sell (lines, 2, NULL, NULL, 0);
  submit_ok (op);
  sale = stk_store_read_sale (store, stk_op_get_row_id (op), &error);
  cr_assert_not_null (sale);
  a = sale->lines->pdata[0];
  cr_assert_eq (a->total_cents, 299);

  /* Three returns of one each: 99 + 99 + the rest, 101 — the line's 299 exactly. */
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(StkOp) ret = stk_op_return_sale_line (a->line_id, 1, -1, "broken", 0);

      submit_ok (ret);
      cr_assert_eq (on_hand ("A"), 7 + i + 1);
    }
  refunded = count ("SELECT sum (refund_cents) FROM returns");
  cr_assert_eq (refunded, 299);
  {
    g_autoptr(StkOp) over = stk_op_return_sale_line (a->line_id, 1, -1, NULL, 0);
    g_autoptr(GError) e = submit_fails (over);

    cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", e->message);
  }
  {
    g_autoptr(StkOp) none = stk_op_return_sale_line (999, 1, -1, NULL, 0);
    g_autoptr(GError) e = submit_fails (none);

    cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", e->message);
  }
  {
    StkSaleLine *b = sale->lines->pdata[1];
    g_autoptr(StkOp) too_much = stk_op_return_sale_line (b->line_id, 1, 501, NULL, 0);
    g_autoptr(GError) e = submit_fails (too_much);

    cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", e->message);
  }
  /* A sale with returns cannot be voided; the rest of it is returned instead. */
  {
    g_autoptr(StkOp) v = stk_op_void_sale_with_reason (sale->sale_id, "wrong");
    g_autoptr(GError) e = submit_fails (v);

    cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", e->message);
  }
  {
    g_autoptr(StkSaleDetail) after = stk_store_read_sale (store, sale->sale_id, &error);

    cr_assert_not_null (after);
    cr_assert_eq (after->returns->len, 3);
    cr_assert_eq (after->refunded_cents, 299);
    cr_assert_eq (((StkSaleLine *) after->lines->pdata[0])->returned_quantity, 3);
  }
  assert_consistent ();
}

Test (sell, voiding_a_sale_voids_every_line_with_its_reason_and_no_return_after)
{
  StkSaleLineSpec lines[] = { { "A", 2, -1, 0 }, { "B", 1, -1, 0 } };
  g_autoptr(StkOp) op = NULL;
  g_autoptr(StkOp) v = NULL;
  g_autoptr(StkSaleDetail) sale = NULL;
  g_autoptr(GError) error = NULL;
  gint64 second;

  item ("A", 100, 5);
  item ("B", 100, 5);
  op = stk_op_sell (lines, 2, NULL, NULL, 0);
  submit_ok (op);
  second = count ("SELECT max (id) FROM sales");

  /* A further line is not a sale of its own. */
  {
    g_autoptr(StkOp) half = stk_op_void_sale (second);
    g_autoptr(GError) e = submit_fails (half);

    cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", e->message);
  }
  v = stk_op_void_sale_with_reason (stk_op_get_row_id (op), "rang up twice");
  submit_ok (v);
  cr_assert_eq (on_hand ("A"), 5);
  cr_assert_eq (on_hand ("B"), 5);
  cr_assert_eq (count ("SELECT count (*) FROM sale_voids WHERE reason = 'rang up twice'"), 2);
  sale = stk_store_read_sale (store, second, &error);
  cr_assert_not_null (sale);
  cr_assert (sale->voided);
  cr_assert_str_eq (sale->void_reason, "rang up twice");
  {
    g_autoptr(StkOp) ret = stk_op_return_sale_line (second, 1, -1, NULL, 0);
    g_autoptr(GError) e = submit_fails (ret);

    cr_assert (g_error_matches (e, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", e->message);
  }
  assert_consistent ();
}

Test (sell, the_report_counts_discounts_and_returns)
{
  StkSaleLineSpec lines[] = { { "A", 4, 100, 40 }, { "B", 1, 1000, 0 } };
  g_autoptr(StkOp) op = NULL;
  g_autoptr(StkSaleDetail) sale = NULL;
  g_autoptr(StkReport) report = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  item ("A", 100, 10);
  item ("B", 1000, 10);
  op = stk_op_sell (lines, 2, NULL, NULL, 0);
  submit_ok (op);
  sale = stk_store_read_sale (store, stk_op_get_row_id (op), &error);
  {
    g_autoptr(StkOp) ret = stk_op_return_sale_line (((StkSaleLine *) sale->lines->pdata[1])->line_id,
                                                    1, -1, NULL, 0);

    submit_ok (ret);
  }
  db = stk_store_acquire (store, &error);
  cr_assert_not_null (db);
  report = stk_query_report (db, 7, 10, 0, &error);
  stk_store_release (store, db);
  cr_assert_not_null (report, "%s", error ? error->message : "");
  cr_assert_eq (report->total_revenue_cents, 360);
  cr_assert_eq (report->total_quantity, 4);
  cr_assert_eq (report->top_sellers->len, 2);
}

Test (sell, an_inventory_of_one_item_sales_upgrades_with_ids_totals_and_voids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSaleDetail) sale = NULL;
  sqlite3 *db = NULL;

  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));
  g_assert_true (g_remove (db_path) == 0);

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, 5, &error), "%s", error ? error->message : "");
  cr_assert_eq (sqlite3_exec (db,
                              "PRAGMA journal_mode=WAL;"
                              "INSERT INTO items (code, created_at, updated_at) VALUES ('A', 1, 1);"
                              "INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                              " VALUES (1, 'receive', 10, 10, 1);"
                              "INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at)"
                              " VALUES (7, 'u7', 1, 2, 150, 5), (9, 'u9', 1, 3, 100, 6);"
                              "INSERT INTO sale_voids (sale_id, voided_at) VALUES (9, 7);",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  writer = stk_test_open_writer (db_path);
  store = stk_test_open_store (db_path);
  cr_assert_eq (count ("PRAGMA user_version"), STK_SCHEMA_VERSION);
  sale = stk_store_read_sale (store, 7, &error);
  cr_assert_not_null (sale, "%s", error ? error->message : "");
  cr_assert_str_eq (sale->uid, "u7");
  cr_assert_eq (sale->lines->len, 1);
  cr_assert_eq (sale->total_cents, 300);
  cr_assert_not (sale->voided);
  g_clear_pointer (&sale, stk_sale_detail_free);
  sale = stk_store_read_sale (store, 9, &error);
  cr_assert_not_null (sale);
  cr_assert (sale->voided);
  cr_assert_eq (on_hand ("A"), 8);
  /* A sale made after the upgrade gets a new number, and old ones can be returned. */
  {
    g_autoptr(StkOp) ret = stk_op_return_sale_line (7, 1, -1, NULL, 0);

    submit_ok (ret);
    cr_assert_eq (count ("SELECT refund_cents FROM returns"), 150);
  }
  assert_consistent ();
}

Test (sell, removing_a_new_item_takes_its_barcodes_and_frees_them)
{
  g_autoptr(StkOp) add = stk_op_add_barcode ("NEW", "4006381333931", 6);
  g_autoptr(StkOp) del = NULL;
  g_autoptr(StkOp) again = stk_op_add_barcode ("OTHER", "4006381333931", 1);
  gint64 id;

  id = item ("NEW", 100, 0);
  item ("OTHER", 100, 0);
  submit_ok (add);
  del = stk_op_delete_item (id);
  submit_ok (del);
  cr_assert_eq (count ("SELECT count (*) FROM items WHERE code = 'NEW'"), 0);
  cr_assert_eq (count ("SELECT count (*) FROM barcodes"), 0);
  submit_ok (again);
  cr_assert_eq (count ("SELECT item_id FROM barcodes"), 2);
}

/* Runs @sql on a connection of its own, as another program would (no applier in the way;
 * the key functions registered as on every connection); returns SQLite's code. */
static int
raw (const char *sql)
{
  sqlite3 *db = NULL;
  int rc;

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  stk_code_register (db);
  sqlite3_busy_timeout (db, 5000);
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_close (db);
  return rc & 0xff;
}

Test (sell, the_schema_itself_keeps_the_rules_of_lines_returns_voids_and_barcodes)
{
  StkSaleLineSpec lines[] = { { "A", 2, 100, 0 }, { "B", 1, 100, 0 } };
  g_autoptr(StkOp) op = NULL;
  gint64 first, second;
  g_autofree char *sql = NULL;

  item ("A", 100, 10);
  item ("B", 100, 10);
  op = stk_op_sell (lines, 2, NULL, NULL, 1000);
  submit_ok (op);
  first = stk_op_get_row_id (op);
  second = count ("SELECT max (id) FROM sales");

  /* A further line: only of a first line, at its time, without note or payment. */
#define LINE(first_line, at, note) \
  g_strdup_printf ("INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at," \
                   " first_line, note) VALUES ('x%d', 1, 1, 1, %d, %" G_GINT64_FORMAT ", '%s')", \
                   __LINE__, at, (gint64) (first_line), note)
  sql = LINE (second, 1000, "");
  cr_assert_eq (raw (sql), SQLITE_CONSTRAINT, "a line of a further line");
  g_free (sql);
  sql = LINE (first, 1001, "");
  cr_assert_eq (raw (sql), SQLITE_CONSTRAINT, "a line at another time");
  g_free (sql);
  sql = LINE (first, 1000, "n");
  cr_assert_eq (raw (sql), SQLITE_CONSTRAINT, "a note on a further line");
  g_free (sql);
  sql = LINE (first, 1000, "");
  cr_assert_eq (raw (sql), SQLITE_OK, "a proper further line");
  g_free (sql);
#undef LINE
  cr_assert_eq (raw ("UPDATE sales SET discount_cents = 1"), SQLITE_CONSTRAINT);
  cr_assert_eq (count ("SELECT count (*) FROM sales WHERE discount_cents > 0"), 0);

  /* Returns: the whole line, never more, never before the sale. */
  sql = g_strdup_printf ("INSERT INTO returns (uid, line_id, quantity, refund_cents, returned_at)"
                         " VALUES ('r1', %" G_GINT64_FORMAT ", 1, 0, 999)", first);
  cr_assert_eq (raw (sql), SQLITE_CONSTRAINT, "a return before its sale");
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO returns (uid, line_id, quantity, refund_cents, returned_at)"
                         " VALUES ('r2', %" G_GINT64_FORMAT ", 2, 201, 2000)", first);
  cr_assert_eq (raw (sql), SQLITE_CONSTRAINT, "a refund above what was paid");
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO returns (uid, line_id, quantity, refund_cents, returned_at)"
                         " VALUES ('r3', %" G_GINT64_FORMAT ", 2, 200, 2000)", first);
  cr_assert_eq (raw (sql), SQLITE_OK, "the whole line back");
  cr_assert_eq (on_hand ("A"), 10 - 2 + 2 - 1);
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO returns (uid, line_id, quantity, refund_cents, returned_at)"
                         " VALUES ('r4', %" G_GINT64_FORMAT ", 1, 0, 2000)", first);
  cr_assert_eq (raw (sql), SQLITE_CONSTRAINT, "more back than sold");
  cr_assert_eq (raw ("DELETE FROM returns"), SQLITE_CONSTRAINT);
  cr_assert_eq (raw ("UPDATE returns SET quantity = 1"), SQLITE_CONSTRAINT);

  /* Voids: not of a further line alone; not of a sale with returns. */
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO sale_voids (sale_id, voided_at) VALUES (%" G_GINT64_FORMAT ", 3000)",
                         second);
  cr_assert_eq (raw (sql), SQLITE_CONSTRAINT, "a further line voided alone");
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO sale_voids (sale_id, voided_at) VALUES (%" G_GINT64_FORMAT ", 3000)",
                         first);
  cr_assert_eq (raw (sql), SQLITE_CONSTRAINT, "a sale with returns voided");
  cr_assert_eq (count ("SELECT count (*) FROM sale_voids"), 0);

  /* Barcodes: the key is the code's; one item each; not changed in place. */
  cr_assert_eq (raw ("INSERT INTO barcodes (key, code, item_id) VALUES ('x', '4006381333931', 1)"),
                SQLITE_CONSTRAINT, "a key that is not the code's");
  cr_assert_eq (raw ("INSERT INTO barcodes (key, code, item_id)"
                     " VALUES (stk_barcode_key ('036000291452'), '036000291452', 1)"), SQLITE_OK);
  cr_assert_eq (raw ("INSERT INTO barcodes (key, code, item_id)"
                     " VALUES (stk_barcode_key ('0036000291452'), '0036000291452', 2)"),
                SQLITE_CONSTRAINT, "the same number for a second item");
  cr_assert_eq (raw ("UPDATE barcodes SET item_id = 2"), SQLITE_CONSTRAINT);
}

Test (sell, a_void_of_a_sale_brings_every_line_along)
{
  StkSaleLineSpec lines[] = { { "A", 1, -1, 0 }, { "B", 2, -1, 0 }, { "A", 3, -1, 0 } };
  g_autoptr(StkOp) op = NULL;
  g_autofree char *sql = NULL;

  item ("A", 100, 10);
  item ("B", 100, 10);
  op = stk_op_sell (lines, 3, NULL, NULL, 0);
  submit_ok (op);
  sql = g_strdup_printf ("INSERT INTO sale_voids (sale_id, voided_at, reason)"
                         " VALUES (%" G_GINT64_FORMAT ", 5, 'why')", stk_op_get_row_id (op));
  cr_assert_eq (raw (sql), SQLITE_OK);
  cr_assert_eq (count ("SELECT count (*) FROM sale_voids WHERE reason = 'why'"), 3);
  cr_assert_eq (on_hand ("A"), 10);
  cr_assert_eq (on_hand ("B"), 10);
  assert_consistent ();
}
