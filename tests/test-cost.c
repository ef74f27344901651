/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cost and margin (format 10, issue 18): the average's arithmetic against exact
 * fractions, receipts at a cost and the default cost as ops, the cost of goods each sale
 * line keeps (whatever later receipts do to the average), returns and voids, the
 * valuation and margin reads, the schema refusing a negative cost, bad input changing
 * nothing, verify recomputing every average and line, and an older inventory upgrading
 * with every cost unknown. Every expected figure is computed here, independently. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "stk-cost.h"
#include "stk-error.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-sale.h"
#include "stk-store.h"
#include "stk-transfer.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

__extension__ typedef __int128 Wide;

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

/* ---- the arithmetic ---- */

/* The weighted average by its definition: (n·a + q·c) / (n + q) to the nearest cent,
 * half up, checked as |2·(avg·den − num)| ≤ den with the half going up. */
static gboolean
is_rounded_average (gint64 n,
                    gint64 a,
                    gint64 q,
                    gint64 c,
                    gint64 avg)
{
  Wide num = (Wide) n * a + (Wide) q * c;
  Wide den = (Wide) n + q;
  Wide diff = 2 * ((Wide) avg * den - num);

  return diff <= den && diff > -den;
}

Test (cost_math, the_average_is_the_weighted_average_rounded_half_up)
{
  gint64 avg = -1;

  /* 10 at 2.00 onto 10 at 3.00: 2.50 exactly. */
  cr_assert (stk_cost_average (10, 300, 10, 200, &avg, NULL));
  cr_assert_eq (avg, 250);
  /* 1 at 0.01 onto 1 at 0.02: 1.5 cents → 2 (half up). */
  cr_assert (stk_cost_average (1, 2, 1, 1, &avg, NULL));
  cr_assert_eq (avg, 2);
  /* 2 at 0.01 onto 1 at 0.02: 4/3 → 1. */
  cr_assert (stk_cost_average (1, 2, 2, 1, &avg, NULL));
  cr_assert_eq (avg, 1);
  /* No stock, stock below zero, or an unknown average: the receipt's cost. */
  cr_assert (stk_cost_average (0, 300, 5, 123, &avg, NULL));
  cr_assert_eq (avg, 123);
  cr_assert (stk_cost_average (-4, 300, 5, 123, &avg, NULL));
  cr_assert_eq (avg, 123);
  cr_assert (stk_cost_average (40, 0, 5, 123, &avg, NULL));
  cr_assert_eq (avg, 123);
  /* Free goods lower a known average. */
  cr_assert (stk_cost_average (10, 100, 10, 0, &avg, NULL));
  cr_assert_eq (avg, 50);

  for (gint64 n = 1; n < 60; n += 7)
    for (gint64 a = 1; a < 2000; a += 131)
      for (gint64 q = 1; q < 60; q += 5)
        for (gint64 c = 0; c < 2000; c += 97)
          {
            cr_assert (stk_cost_average (n, a, q, c, &avg, NULL));
            cr_assert (is_rounded_average (n, a, q, c, avg), "%" G_GINT64_FORMAT, avg);
          }
  /* Huge figures are exact (128 bits), never wrapped; a weighted average is never above
   * its largest cost, so it always fits. */
  cr_assert (stk_cost_average (G_MAXINT64 / 2, G_MAXINT64 / 4, G_MAXINT64 / 2, G_MAXINT64 / 4,
                               &avg, NULL));
  cr_assert_eq (avg, G_MAXINT64 / 4);
  cr_assert (stk_cost_average (3, G_MAXINT64, 1, G_MAXINT64, &avg, NULL));
  cr_assert_eq (avg, G_MAXINT64);
  /* The largest of all: (n·MAX + n·(MAX − 1)) ÷ 2n = MAX − ½ → MAX (half up). */
  cr_assert (stk_cost_average (G_MAXINT64, G_MAXINT64, G_MAXINT64, G_MAXINT64 - 1, &avg, NULL));
  cr_assert_eq (avg, G_MAXINT64);
  cr_assert (stk_cost_average (G_MAXINT64, G_MAXINT64 - 1, G_MAXINT64, G_MAXINT64 - 2, &avg,
                               NULL));
  cr_assert_eq (avg, G_MAXINT64 - 1);
}

Test (cost_math, products_and_sums_that_do_not_fit_are_refused)
{
  g_autoptr(GError) error = NULL;
  StkMarginRow total = { 0 }, row = { 0 };
  gint64 out = 42;

  cr_assert (stk_cost_multiply (4, 250, &out, NULL));
  cr_assert_eq (out, 1000);
  cr_assert_not (stk_cost_multiply (G_MAXINT64 / 2 + 1, 2, &out, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  cr_assert (strstr (error->message, "too large") != NULL, "%s", error->message);
  g_clear_error (&error);

  row.revenue_cents = row.costed_revenue_cents = G_MAXINT64;
  cr_assert (stk_margin_row_add (&total, &row, NULL));
  cr_assert_eq (total.margin_cents, G_MAXINT64);
  cr_assert_not (stk_margin_row_add (&total, &row, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  /* The total refused is left as it was. */
  cr_assert_eq (total.revenue_cents, G_MAXINT64);
}

Test (cost_math, margin_percent_rounds_half_away_from_zero)
{
  cr_assert_eq (stk_cost_margin_bp (500, 1000), 5000);
  cr_assert_eq (stk_cost_margin_bp (1, 3), 3333);
  cr_assert_eq (stk_cost_margin_bp (2, 3), 6667);
  cr_assert_eq (stk_cost_margin_bp (-2, 3), -6667);
  cr_assert_eq (stk_cost_margin_bp (1, 20000), 1); /* 0.5 bp → 1 */
  cr_assert_eq (stk_cost_margin_bp (7, 0), 0);
}

/* ---- in the inventory ---- */

TestSuite (cost, .init = setup, .fini = teardown);

static gint64
submit_ok (StkOp *op)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = stk_writer_submit_sync (writer, op, &error);
  gint64 id = stk_op_get_row_id (op);

  cr_assert (ok, "%s: %s", stk_op_get_description (op), error ? error->message : "");
  stk_op_unref (op);
  return id;
}

static GError *
submit_fails (StkOp *op)
{
  GError *error = NULL;
  gboolean ok = stk_writer_submit_sync (writer, op, &error);

  cr_assert_not (ok, "%s succeeded", stk_op_get_description (op));
  stk_op_unref (op);
  return error;
}

static gint64
count (const char *sql)
{
  return stk_test_query (db_path, sql);
}

static StkItemInfo
item_info (const char *code)
{
  g_autoptr(GError) error = NULL;
  StkItemInfo info = { 0 };

  cr_assert (stk_store_item_by_code (store, code, &info, &error), "%s",
             error ? error->message : "");
  return info;
}

static gint64
average_of (const char *code)
{
  StkItemInfo info = item_info (code);
  gint64 avg = info.average_cost_cents;

  stk_item_info_clear (&info);
  return avg;
}

static gint64
sell_one (const char *code,
          gint64      quantity)
{
  StkSaleLineSpec line = { .code = code, .quantity = quantity, .unit_price_cents = -1 };

  return submit_ok (stk_op_sell (&line, 1, "cash", NULL, 0));
}

static gint64
line_cost (gint64 line_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT cost_cents FROM sales WHERE id = %"
                                          G_GINT64_FORMAT, line_id);

  return count (sql);
}

static void
assert_no_problems (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = stk_store_verify (store, &error);

  cr_assert_not_null (problems, "%s", error ? error->message : "");
  cr_assert_eq (problems->len, 0, "%s", problems->len ? (char *) problems->pdata[0] : "");
}

/* A dump of what the cost ops may touch, to show that a refused op changed nothing. */
static char *
dump (void)
{
  return stk_test_query_dump (db_path,
                              "SELECT group_concat (x, '|') FROM ("
                              " SELECT id || ',' || on_hand || ',' || default_cost_cents || ','"
                              "  || average_cost_cents AS x FROM items"
                              " UNION ALL SELECT 'm' || count (*) FROM movements"
                              " UNION ALL SELECT 's' || count (*) FROM sales)");
}

/* The walk-through of the brief, every figure worked out by hand:
 *   receive 10 at 2.00, 10 at 3.00: average (10·200 + 10·300) / 20 = 250;
 *   sell 4 at 5.00: the line's cost 4 × 250 = 1000, 16 left;
 *   receive 4 at 4.00: (16·250 + 4·400) / 20 = 5600 / 20 = 280; the line keeps 1000;
 *   return 1 of the line: cost back 1 × 250, stock in at 250: (16+4)·280 + 250 = 5850
 *   over 21 = 278.57 → 279;
 *   sell 3 more (3 × 279 = 837), void it: in at 279 onto 18 at 279 → 279.
 *   Margin: revenue 4 × 500 − 500 (the return's refund) = 1500 (no tax); cost 1000 −
 *   250 = 750; margin 750, 50 %. */
Test (cost, receipts_move_the_average_and_lines_keep_their_cost)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkMarginReport) margin = NULL;
  g_autoptr(StkValuation) valuation = NULL;
  gint64 line, second;

  submit_ok (stk_op_create_item ("A-1", "apples", 500, 0));
  cr_assert_eq (average_of ("A-1"), 0);
  submit_ok (stk_op_receive ("A-1", 10, 200, "in", 0));
  cr_assert_eq (average_of ("A-1"), 200);
  submit_ok (stk_op_receive ("A-1", 10, 300, "in", 0));
  cr_assert_eq (average_of ("A-1"), 250);

  line = sell_one ("A-1", 4);
  cr_assert_eq (line_cost (line), 1000);
  cr_assert_eq (average_of ("A-1"), 250, "a sale leaves the average");

  submit_ok (stk_op_receive ("A-1", 4, 400, "in", 0));
  cr_assert_eq (average_of ("A-1"), 280);
  cr_assert_eq (line_cost (line), 1000, "a later receipt never changes a line's cost");

  /* Adjustments and counts move stock at the average, leaving it. */
  submit_ok (stk_op_record_movement ("A-1", STK_MOVEMENT_ADJUSTMENT, -2, "broken", 0));
  submit_ok (stk_op_record_movement ("A-1", STK_MOVEMENT_COUNT, 20, "shelf", 0));
  cr_assert_eq (average_of ("A-1"), 280);

  submit_ok (stk_op_return_sale_line (line, 1, -1, "bruised", 0));
  cr_assert_eq (count ("SELECT cost_cents FROM returns"), 250);
  cr_assert_eq (average_of ("A-1"), 279);

  second = sell_one ("A-1", 3);
  cr_assert_eq (line_cost (second), 837);
  submit_ok (stk_op_void_sale (second));
  cr_assert_eq (average_of ("A-1"), 279);

  margin = stk_store_margin_report (store, 0, G_MAXINT64, &error);
  cr_assert_not_null (margin, "%s", error ? error->message : "");
  cr_assert_eq (margin->items->len, 1);
  cr_assert_eq (margin->total.quantity, 3);
  cr_assert_eq (margin->total.revenue_cents, 1500);
  cr_assert_eq (margin->total.costed_revenue_cents, 1500);
  cr_assert_eq (margin->total.cost_cents, 750);
  cr_assert_eq (margin->total.margin_cents, 750);
  cr_assert_eq (margin->total.margin_bp, 5000);
  cr_assert_eq (margin->total.unknown_lines, 0);

  /* On hand 21 at 2.79 and at 5.00. */
  valuation = stk_store_valuation (store, &error);
  cr_assert_not_null (valuation, "%s", error ? error->message : "");
  cr_assert_eq (valuation->items->len, 1);
  cr_assert_eq (valuation->units, 21);
  cr_assert_eq (valuation->value_at_cost_cents, 21 * 279);
  cr_assert_eq (valuation->value_at_price_cents, 21 * 500);
  cr_assert_eq (valuation->unknown_items, 0);
  {
    StkStats stats;

    cr_assert (stk_store_get_stats (store, &stats, NULL));
    cr_assert_eq (stats.stock_cost_cents, 21 * 279);
    cr_assert_eq (stats.stock_value_cents, 21 * 500);
  }
  assert_no_problems ();
}

Test (cost, the_default_cost_serves_receipts_without_one)
{
  StkItemInfo info;
  gint64 id;

  id = submit_ok (stk_op_create_item ("B", "bread", 300, 0));
  /* No default: a receipt without a cost records none and leaves the average unknown. */
  submit_ok (stk_op_record_movement ("B", STK_MOVEMENT_RECEIVE, 5, "in", 0));
  cr_assert_eq (count ("SELECT count (*) FROM movements WHERE unit_cost_cents IS NULL"), 1);
  cr_assert_eq (average_of ("B"), 0);

  submit_ok (stk_op_set_item_cost (id, 120));
  info = item_info ("B");
  cr_assert_eq (info.default_cost_cents, 120);
  stk_item_info_clear (&info);
  /* An unknown average takes the first known cost: 120. Then 5 more at 120 with 5 at
   * 180: (10·120 + 5·180) / 15 = 140. */
  submit_ok (stk_op_record_movement ("B", STK_MOVEMENT_RECEIVE, 5, "in", 0));
  cr_assert_eq (average_of ("B"), 120);
  submit_ok (stk_op_receive ("B", 5, 180, "in", 0));
  cr_assert_eq (average_of ("B"), 140);
  cr_assert_eq (count ("SELECT count (*) FROM movements WHERE unit_cost_cents = 120"), 1);
  assert_no_problems ();
}

Test (cost, bad_input_changes_nothing)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 id;

  id = submit_ok (stk_op_create_item ("C", "cheese", 900, 0));
  submit_ok (stk_op_receive ("C", 3, 400, "in", 0));
  before = dump ();

  error = submit_fails (stk_op_receive ("C", 1, -1, "in", 0));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert (strstr (error->message, "negative") != NULL, "%s", error->message);
  g_clear_error (&error);

  error = submit_fails (stk_op_set_item_cost (id, -5));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  g_clear_error (&error);

  error = submit_fails (stk_op_receive ("NOPE", 1, 100, "in", 0));
  cr_assert (strstr (error->message, "NOPE") != NULL, "%s", error->message);
  g_clear_error (&error);

  error = submit_fails (stk_op_set_item_cost (id + 100, 5));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  g_clear_error (&error);

  error = submit_fails (stk_op_receive ("C", 0, 100, "in", 0));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  g_clear_error (&error);

  after = dump ();
  cr_assert_str_eq (after, before);
  assert_no_problems ();
}

Test (cost, a_line_cost_that_would_overflow_fails_the_sale)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  StkSaleLineSpec line = { .code = "D", .quantity = 3, .unit_price_cents = 1 };

  submit_ok (stk_op_create_item ("D", "diamond", 1, 0));
  submit_ok (stk_op_receive ("D", 5, G_MAXINT64 / 2, "in", 0));
  before = dump ();
  error = submit_fails (stk_op_sell (&line, 1, NULL, NULL, 0));
  cr_assert (strstr (error->message, "too large") != NULL, "%s", error->message);
  after = dump ();
  cr_assert_str_eq (after, before);
  /* Two fit exactly. */
  line.quantity = 2;
  submit_ok (stk_op_sell (&line, 1, NULL, NULL, 0));
  cr_assert_eq (count ("SELECT cost_cents = 2 * (9223372036854775807 / 2) FROM sales"), 1);
}

Test (cost, the_schema_refuses_what_breaks_the_rules)
{
  sqlite3 *db = NULL;

  submit_ok (stk_op_create_item ("E", "egg", 50, 0));
  submit_ok (stk_op_receive ("E", 10, 20, "in", 0));
  sell_one ("E", 2);
  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  stk_code_register (db);
  /* A negative cost on a receipt, an item, a line or a return. */
  cr_assert_neq (sqlite3_exec (db, "INSERT INTO movements (item_id, kind, quantity, balance,"
                                   " moved_at, unit_cost_cents) VALUES (1, 'receive', 1, 9, 0, -1)",
                               NULL, NULL, NULL), SQLITE_OK);
  cr_assert (strstr (sqlite3_errmsg (db), "CHECK") != NULL, "%s", sqlite3_errmsg (db));
  cr_assert_neq (sqlite3_exec (db, "UPDATE items SET default_cost_cents = -1", NULL, NULL, NULL),
                 SQLITE_OK);
  cr_assert_neq (sqlite3_exec (db, "UPDATE items SET average_cost_cents = -1", NULL, NULL, NULL),
                 SQLITE_OK);
  /* A cost on a sale's movement or an adjustment of one's own. */
  cr_assert_neq (sqlite3_exec (db, "INSERT INTO movements (item_id, kind, quantity, balance,"
                                   " moved_at, unit_cost_cents) VALUES (1, 'adjustment', 1, 9, 0, 5)",
                               NULL, NULL, NULL), SQLITE_OK);
  cr_assert (strstr (sqlite3_errmsg (db), "cost of its own") != NULL, "%s", sqlite3_errmsg (db));
  /* A line's cost not a multiple of its quantity; lines and returns stay as they are. */
  cr_assert_neq (sqlite3_exec (db, "INSERT INTO sales (uid, item_id, quantity, unit_price_cents,"
                                   " sold_at, cost_cents) VALUES ('x', 1, 2, 50, 1, 41)",
                               NULL, NULL, NULL), SQLITE_OK);
  cr_assert_neq (sqlite3_exec (db, "UPDATE sales SET cost_cents = 0", NULL, NULL, NULL), SQLITE_OK);
  /* A return at another unit cost than its line's (20 here). */
  cr_assert_neq (sqlite3_exec (db, "INSERT INTO returns (uid, line_id, quantity, refund_cents,"
                                   " returned_at, cost_cents) VALUES ('r', 1, 1, 0,"
                                   " (SELECT sold_at FROM sales), 19)",
                               NULL, NULL, NULL), SQLITE_OK);
  cr_assert (strstr (sqlite3_errmsg (db), "unit cost") != NULL, "%s", sqlite3_errmsg (db));
  /* A receipt with its cost moves the average as stk_cost_average() says:
   * (8·20 + 2·35) / 10 = 23. */
  cr_assert_eq (sqlite3_exec (db, "INSERT INTO movements (item_id, kind, quantity, balance,"
                                  " moved_at, unit_cost_cents) VALUES (1, 'receive', 2, 10, 0, 35)",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);
  cr_assert_eq (count ("SELECT average_cost_cents FROM items"), 23);
}

Test (cost, verify_recomputes_averages_and_line_costs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  sqlite3 *db = NULL;

  submit_ok (stk_op_create_item ("F", "fig", 100, 0));
  submit_ok (stk_op_receive ("F", 4, 30, "in", 0));
  submit_ok (stk_op_receive ("F", 4, 50, "in", 0));
  sell_one ("F", 2);
  assert_no_problems ();
  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));

  /* Another program's edits that the schema cannot see: the average and a line's cost. */
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, "UPDATE items SET average_cost_cents = 41;"
                                  "DROP TRIGGER sales_no_update;"
                                  "UPDATE sales SET cost_cents = 82;",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  store = stk_test_open_store (db_path);
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems, "%s", error ? error->message : "");
  cr_assert_eq (problems->len, 2);
  cr_assert_str_eq (problems->pdata[0],
                    "Sale line 1 records a cost of 82 cents, but its item’s average cost then "
                    "gives 80.");
  cr_assert_str_eq (problems->pdata[1],
                    "Item “F” has an average cost of 41 cents, but its receipts give 40.");
}

Test (cost, margin_leaves_out_unknown_costs_and_counts_them_and_nets_tax)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkMarginReport) margin = NULL;
  g_autoptr(StkValuation) valuation = NULL;
  gint64 rate, g_id, first;
  StkItemInfo info;

  /* G sells at 10 % tax added, known cost 6.00; H has no cost. */
  rate = submit_ok (stk_op_save_tax_rate (0, "Ten", 1000));
  submit_ok (stk_op_set_prices_include_tax (FALSE));
  g_id = submit_ok (stk_op_create_item ("G", "grapes", 1000, 0));
  submit_ok (stk_op_set_item_tax_rate (g_id, rate));
  submit_ok (stk_op_create_item ("H", "honey", 700, 0));
  submit_ok (stk_op_receive ("G", 10, 600, "in", 0));
  submit_ok (stk_op_record_movement ("H", STK_MOVEMENT_RECEIVE, 10, "in", 0));

  first = sell_one ("G", 3);    /* 30.00 + 3.00 tax; cost 18.00 */
  sell_one ("H", 2);            /* 14.00, cost unknown */
  sell_one ("H", 1);            /* 7.00, cost unknown */
  /* Return 1 of G: refund 11.00 with 1.00 of tax, cost 6.00 back. */
  submit_ok (stk_op_return_sale_line (first, 1, -1, NULL, 0));

  margin = stk_store_margin_report (store, 0, G_MAXINT64, &error);
  cr_assert_not_null (margin, "%s", error ? error->message : "");
  cr_assert_eq (margin->items->len, 2);
  {
    const StkMarginRow *g = margin->items->pdata[0], *h = margin->items->pdata[1];

    cr_assert_str_eq (g->code, "G");
    cr_assert_eq (g->quantity, 2);
    cr_assert_eq (g->revenue_cents, 3000 - 1000);
    cr_assert_eq (g->cost_cents, 1800 - 600);
    cr_assert_eq (g->margin_cents, 800);
    cr_assert_eq (g->margin_bp, 4000);
    cr_assert_str_eq (h->code, "H");
    cr_assert_eq (h->revenue_cents, 2100);
    cr_assert_eq (h->costed_revenue_cents, 0);
    cr_assert_eq (h->cost_cents, 0);
    cr_assert_eq (h->unknown_lines, 2);
  }
  cr_assert_eq (margin->total.revenue_cents, 4100);
  cr_assert_eq (margin->total.costed_revenue_cents, 2000);
  cr_assert_eq (margin->total.margin_cents, 800);
  cr_assert_eq (margin->total.margin_bp, 4000);
  cr_assert_eq (margin->total.unknown_lines, 2);

  /* The period: nothing before now-ish. */
  g_clear_pointer (&margin, stk_margin_report_free);
  margin = stk_store_margin_report (store, 0, 1, &error);
  cr_assert_eq (margin->items->len, 0);
  cr_assert_eq (margin->total.revenue_cents, 0);

  valuation = stk_store_valuation (store, &error);
  /* G: 10 − 3 + 1 at 6.00 (the return came back at its line's 6.00); H: 10 − 3. */
  cr_assert_eq (valuation->units, 8 + 7);
  cr_assert_eq (valuation->value_at_cost_cents, 8 * 600);
  cr_assert_eq (valuation->value_at_price_cents, 8 * 1000 + 7 * 700);
  cr_assert_eq (valuation->unknown_items, 1);
  info = item_info ("H");
  cr_assert_eq (info.average_cost_cents, 0);
  stk_item_info_clear (&info);
  assert_no_problems ();
}

Test (cost, an_older_inventory_upgrades_with_every_cost_unknown)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkMarginReport) margin = NULL;
  sqlite3 *db = NULL;
  gint64 line;

  submit_ok (stk_op_create_item ("K", "kiwi", 200, 0));
  submit_ok (stk_op_receive ("K", 10, 90, "in", 0));
  line = sell_one ("K", 2);
  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, STK_TEST_DOWNGRADE_TO_9_SQL "PRAGMA user_version = 9;",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  /* Read as format 9: the reads say the costs are not there yet. */
  store = stk_test_open_store (db_path);
  cr_assert_null (stk_store_valuation (store, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_FAILED));
  g_clear_error (&error);
  g_clear_object (&store);

  writer = stk_test_open_writer (db_path);
  store = stk_test_open_store (db_path);
  cr_assert_eq (count ("PRAGMA user_version"), STK_SCHEMA_VERSION);
  cr_assert_eq (average_of ("K"), 0);
  cr_assert_eq (line_cost (line), 0);
  assert_no_problems ();
  margin = stk_store_margin_report (store, 0, G_MAXINT64, &error);
  cr_assert_eq (margin->total.unknown_lines, 1);
  cr_assert_eq (margin->total.revenue_cents, 400);
  cr_assert_eq (margin->total.cost_cents, 0);
  /* The next receipt with a cost sets the average; the old line stays unknown; a return
   * of it comes back at the average. */
  submit_ok (stk_op_receive ("K", 2, 110, "in", 0));
  cr_assert_eq (average_of ("K"), 110);
  submit_ok (stk_op_return_sale_line (line, 1, -1, NULL, 0));
  cr_assert_eq (average_of ("K"), 110);
  cr_assert_eq (count ("SELECT cost_cents FROM returns"), 0);
  assert_no_problems ();
}

/* ---- CSV ---- */

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "%s", path);
  return text;
}

static char *
write_in_tmp (const char *name,
              const char *contents)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  cr_assert (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

/* Imports @contents as a @table file through the writer: whether it went in, and the
 * report's first problem (or the error) in @out_said. */
static gboolean
import_text (StkTable     table,
             const char  *contents,
             char       **out_said)
{
  g_autofree char *path = write_in_tmp ("in.csv", contents);
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = stk_import_file (writer, table, path, NULL, NULL, NULL, &report, &error);

  *out_said = g_strdup (report.errors != NULL && report.errors->len > 0
                        ? (const char *) report.errors->pdata[0]
                        : error != NULL ? error->message : "");
  return ok;
}

/* The items' costs and every line's and return's cost, to compare two inventories. */
static char *
costs_of (const char *path)
{
  return stk_test_query_dump (path,
                              "SELECT 'i', code, on_hand, default_cost_cents, average_cost_cents"
                              " FROM items UNION ALL"
                              " SELECT 's', uid, quantity, cost_cents, 0 FROM sales UNION ALL"
                              " SELECT 'r', uid, quantity, cost_cents, 0 FROM returns"
                              " ORDER BY 1, 2");
}

/* Export all, import all into a fresh inventory, export again: the same five files
 * byte for byte, the same averages, line costs and margin. */
Test (cost, export_all_then_import_all_gives_back_every_cost)
{
  g_autofree char *dir = g_build_filename (tmpdir, "all", NULL);
  g_autofree char *dir2 = g_build_filename (tmpdir, "again", NULL);
  g_autofree char *copy_path = g_build_filename (tmpdir, "copy.db", NULL);
  g_autofree char *skus = NULL;
  g_autofree char *movements = NULL;
  g_autofree char *sales = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr(GError) error = NULL;
  static const char *const files[] = { "tax-rates.csv", "skus.csv", "movements.csv",
                                       "sales.csv", "returns.csv" };
  gint64 id, line, gone;

  id = submit_ok (stk_op_create_item ("A-1", "apples", 500, 0));
  submit_ok (stk_op_set_item_cost (id, 150));
  submit_ok (stk_op_create_item ("N", "no cost", 100, 0));
  submit_ok (stk_op_receive ("A-1", 10, 200, "in", G_GINT64_CONSTANT (1767225600000000)));
  submit_ok (stk_op_receive ("A-1", 10, 301, "in", G_GINT64_CONSTANT (1767225660000000)));
  submit_ok (stk_op_record_movement ("N", STK_MOVEMENT_RECEIVE, 5, "in", 0));
  line = sell_one ("A-1", 4);
  gone = sell_one ("A-1", 3);
  submit_ok (stk_op_void_sale (gone));
  submit_ok (stk_op_record_movement ("A-1", STK_MOVEMENT_RECEIVE, 4, "default", 0));
  submit_ok (stk_op_return_sale_line (line, 1, -1, NULL, 0));
  sell_one ("N", 1);
  submit_ok (stk_op_record_movement ("A-1", STK_MOVEMENT_COUNT, 18, "count", 0));
  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));

  store = stk_test_open_store (db_path);
  cr_assert (stk_export_all (store, dir, NULL, NULL, &error), "%s", error ? error->message : "");
  skus = read_file (dir, "skus.csv");
  movements = read_file (dir, "movements.csv");
  sales = read_file (dir, "sales.csv");
  /* The default cost; a receipt's cost, or none; each line's cost: 4 × 2.51 = 10.04. */
  cr_assert (strstr (skus, ",tax_rate,unit_cost\r\nA-1,apples,5.00,0,0,") != NULL, "%s", skus);
  cr_assert (strstr (skus, ",1.50\r\nN,") != NULL, "%s", skus);
  cr_assert (strstr (movements, ",reference,unit_cost\r\n") != NULL, "%s", movements);
  cr_assert (strstr (movements, ",A-1,receive,10,in,M1,2.00\r\n") != NULL, "%s", movements);
  cr_assert (strstr (movements, ",N,receive,5,in,M3,\r\n") != NULL, "%s", movements);
  cr_assert (strstr (movements, ",A-1,receive,4,default,") != NULL &&
             strstr (movements, ",1.50\r\n") != NULL, "%s", movements);
  cr_assert (strstr (sales, ",tax,cost\r\n") != NULL, "%s", sales);
  cr_assert (strstr (sales, ",0.00,10.04\r\n") != NULL, "%s", sales);
  g_clear_object (&store);

  writer = stk_test_open_writer (copy_path);
  {
    g_auto(StkImportReport) report = { 0 };

    cr_assert (stk_import_all (writer, dir, NULL, &report, &error), "%s",
               error ? error->message : "");
  }
  stk_test_close_writer (g_steal_pointer (&writer));
  a = costs_of (db_path);
  b = costs_of (copy_path);
  cr_assert_str_eq (b, a);

  store = stk_test_open_store (copy_path);
  cr_assert (stk_export_all (store, dir2, NULL, NULL, &error), "%s", error ? error->message : "");
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *one = read_file (dir, files[i]);
      g_autofree char *two = read_file (dir2, files[i]);

      cr_assert_str_eq (two, one, "%s differs", files[i]);
    }
  {
    g_autoptr(StkMarginReport) m = stk_store_margin_report (store, 0, G_MAXINT64, &error);

    cr_assert_not_null (m);
    /* 4 at 5.00 − 1 returned; cost 4 × 251 − 251; N's line of unknown cost. */
    cr_assert_eq (m->total.cost_cents, 3 * 251);
    cr_assert_eq (m->total.costed_revenue_cents, 1500);
    cr_assert_eq (m->total.unknown_lines, 1);
  }
  assert_no_problems ();
}

Test (cost, csv_costs_refused_with_their_line_change_nothing)
{
  g_autofree char *said = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  submit_ok (stk_op_create_item ("A", "a", 100, 0));
  submit_ok (stk_op_receive ("A", 2, 50, "in", 0));
  before = dump ();

  cr_assert_not (import_text (STK_TABLE_SKUS, "code,unit_cost\nB,1.00\nC,-1.00\n", &said));
  cr_assert (strstr (said, "Line 3") != NULL && strstr (said, "negative") != NULL, "%s", said);
  g_clear_pointer (&said, g_free);
  cr_assert_not (import_text (STK_TABLE_MOVEMENTS,
                              "moved_at,sku,kind,quantity,unit_cost\n"
                              "2026-01-01T00:00:00Z,A,receive,1,1.00\n"
                              "2026-01-01T00:00:00Z,A,adjustment,1,1.00\n", &said));
  cr_assert (strstr (said, "Line 3") != NULL && strstr (said, "Only a receipt has a unit_cost") != NULL,
             "%s", said);
  g_clear_pointer (&said, g_free);
  cr_assert_not (import_text (STK_TABLE_MOVEMENTS,
                              "moved_at,sku,kind,quantity,unit_cost\n"
                              "2026-01-01T00:00:00Z,A,receive,1,x\n", &said));
  cr_assert (strstr (said, "Line 2") != NULL, "%s", said);
  g_clear_pointer (&said, g_free);
  after = dump ();
  cr_assert_str_eq (after, before);

  /* Good files: a default cost; a receipt at a cost, one without (empty: none), and a
   * file without the column (the item's default). (2·50 + 2·80) / 4 = 65; then 4 more at
   * the default 1.00: (4·65 + 4·100) / 8 = 82.5 → 83. */
  cr_assert (import_text (STK_TABLE_SKUS, "code,unit_cost\nB,1.00\n", &said), "%s", said);
  g_clear_pointer (&said, g_free);
  cr_assert_eq (count ("SELECT default_cost_cents FROM items WHERE code = 'B'"), 100);
  submit_ok (stk_op_set_item_cost (1, 100));
  cr_assert (import_text (STK_TABLE_MOVEMENTS,
                          "moved_at,sku,kind,quantity,unit_cost\n"
                          "2026-01-01T00:00:00Z,A,receive,2,0.80\n"
                          "2026-01-02T00:00:00Z,A,receive,3,\n", &said), "%s", said);
  g_clear_pointer (&said, g_free);
  cr_assert_eq (average_of ("A"), 65);
  cr_assert (import_text (STK_TABLE_MOVEMENTS,
                          "moved_at,sku,kind,quantity\n"
                          "2026-01-03T00:00:00Z,A,receive,4\n", &said), "%s", said);
  g_clear_pointer (&said, g_free);
  /* on hand 7 at 65, 4 at 100: (7·65 + 400) / 11 = 77.7 → 78. */
  cr_assert_eq (average_of ("A"), 78);
  assert_no_problems ();
}

/* A skus file of 1000 rows or more with default costs goes the row path (the bulk
 * path's staged table has no cost); without costs it goes the bulk path; sale lines
 * imported by the bulk path get quantity × average as the row path does. */
Test (cost, large_imports_keep_costs)
{
  g_autoptr(GString) skus = g_string_new ("code,unit_cost,on_hand\n");
  g_autoptr(GString) sales = g_string_new ("sold_at,sku,quantity\n");
  g_autofree char *said = NULL;

  for (int i = 0; i < 1200; i++)
    g_string_append_printf (skus, "K%04d,%d.%02d,5000\n", i, i / 100, i % 100);
  cr_assert (import_text (STK_TABLE_SKUS, skus->str, &said), "%s", said);
  g_clear_pointer (&said, g_free);
  cr_assert_eq (count ("SELECT count (*) FROM items WHERE default_cost_cents = "
                       " CAST (substr (code, 2) AS INTEGER)"), 1200);
  submit_ok (stk_op_receive ("K0007", 10, 70, "in", 0));
  submit_ok (stk_op_receive ("K0009", 10, 33, "in", 0));
  for (int i = 0; i < 1100; i++)
    g_string_append_printf (sales, "2030-01-01T00:00:%02dZ,K%04d,%d\n", i % 60,
                            i % 2 == 0 ? 7 : 9, 1 + i % 3);
  cr_assert (import_text (STK_TABLE_SALES, sales->str, &said), "%s", said);
  cr_assert_eq (count ("SELECT count (*) FROM sales s JOIN items i ON i.id = s.item_id"
                       " WHERE s.cost_cents = s.quantity * i.average_cost_cents"), 1100);
  {
    gint64 units = 0;

    for (int i = 0; i < 1100; i += 2)
      units += 1 + i % 3;
    /* K0007: 50 opening (unknown cost) + 10 at 0.70: the first known cost sets it. */
    cr_assert_eq (count ("SELECT sum (cost_cents) FROM sales WHERE item_id ="
                         " (SELECT id FROM items WHERE code = 'K0007')"), 70 * units);
  }
  assert_no_problems ();
}
