/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Sales list pages sales, not lines (issue 17): a sale of several lines is one row
 * with its first line's item, the quantity over its lines, how many more lines, the net
 * total (lines − discounts − refunds) and the quantity returned; paging, positions and
 * the code search (which also finds a sale by its further lines, once) work on sales. */
#include "config.h"

#include <criterion/criterion.h>

#include "stk-db.h"
#include "stk-pager.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static sqlite3 *rw;
static sqlite3 *ro;

static void
exec (const char *sql)
{
  char *message = NULL;

  cr_assert_eq (sqlite3_exec (rw, sql, NULL, NULL, &message), SQLITE_OK, "%s: %s", sql, message);
}

/* Sale 1 (t=100): AA-1 ×2 at 1.00, BB-2 ×1 at 2.50 less 0.50, CC-3 ×3 at 0.10 — lines
 * 1, 2, 3; one AA-1 came back for 1.00. Sale 4 (t=200): BB-2 ×1 at 2.50, voided.
 * Then 300 one-line sales of AA-1 (t=300…), for paging past an anchor. */
static void
setup (void)
{
  g_autoptr(GError) error = NULL;

  stk_test_fixture_setup ();
  rw = stk_db_open (db_path, STK_DB_READ_WRITE, &error);
  cr_assert_not_null (rw, "%s", error ? error->message : "");
  exec ("BEGIN");
  exec ("INSERT INTO items (code, description, unit_price_cents, created_at, updated_at) VALUES"
        " ('AA-1', 'Anchor bolt', 100, 1, 1), ('BB-2', 'Bracket', 250, 1, 1),"
        " ('CC-3', 'Cable tie', 10, 1, 1)");
  exec ("INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
        " SELECT id, 'receive', 1000, 1000, 1 FROM items");
  exec ("INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at)"
        " VALUES (1, 's1', 1, 2, 100, 100)");
  exec ("INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at, first_line,"
        " discount_cents) VALUES (2, 's1#2', 2, 1, 250, 100, 1, 50), (3, 's1#3', 3, 3, 10, 100, 1, 0)");
  exec ("INSERT INTO returns (uid, line_id, quantity, refund_cents, returned_at)"
        " VALUES ('r1', 1, 1, 100, 150)");
  exec ("INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at)"
        " VALUES (4, 's4', 2, 1, 250, 200)");
  exec ("INSERT INTO sale_voids (sale_id, voided_at, reason) VALUES (4, 250, 'Wrong item')");
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *sql =
        g_strdup_printf ("INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at)"
                         " VALUES ('p%u', 1, 1, 100, %u)", i, 300 + i);

      exec (sql);
    }
  exec ("COMMIT");
  ro = stk_db_open (db_path, STK_DB_READ_ONLY, &error);
  cr_assert_not_null (ro, "%s", error ? error->message : "");
}

static void
teardown (void)
{
  stk_db_close (ro);
  stk_db_close (rw);
  stk_test_fixture_teardown ();
}

TestSuite (pager_sales, .init = setup, .fini = teardown, .timeout = 120);

static const StkPagerRow *
find_row (GArray *rows,
          gint64  id)
{
  for (guint i = 0; i < rows->len; i++)
    if (g_array_index (rows, StkPagerRow, i).id == id)
      return &g_array_index (rows, StkPagerRow, i);
  return NULL;
}

Test (pager_sales, a_sale_of_three_lines_is_one_row_with_its_totals)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_SALES, NULL, FALSE, NULL, &error);
  g_autoptr(StkPagerIndex) index = stk_pager_index_build (ro, query, NULL, &error);
  g_autoptr(GArray) rows = NULL;
  const StkPagerRow *sale, *voided;

  cr_assert_not_null (index, "%s", error ? error->message : "");
  cr_assert_eq (stk_pager_index_get_count (index), 302, "lines listed as sales");
  rows = stk_pager_fetch (ro, query, index, 0, 1000, &error);
  cr_assert_not_null (rows, "%s", error ? error->message : "");
  cr_assert_eq (rows->len, 302);
  cr_assert_null (find_row (rows, 2), "a further line is listed");
  cr_assert_null (find_row (rows, 3), "a further line is listed");

  sale = find_row (rows, 1);
  cr_assert_not_null (sale);
  cr_assert_str_eq (sale->code, "AA-1");
  cr_assert_str_eq (sale->description, "Anchor bolt");
  cr_assert_str_eq (sale->uid, "s1");
  cr_assert_eq (sale->quantity, 6);
  cr_assert_eq (sale->n_more_lines, 2);
  /* 200 + (250 − 50) + 30 − 100 refunded */
  cr_assert_eq (sale->total_cents, 330);
  cr_assert_eq (sale->returned_quantity, 1);
  cr_assert_not (sale->voided);

  voided = find_row (rows, 4);
  cr_assert_not_null (voided);
  cr_assert (voided->voided);
  cr_assert_eq (voided->n_more_lines, 0);
  cr_assert_eq (voided->total_cents, 250);
  cr_assert_eq (voided->returned_quantity, 0);

  /* Newest first; the two oldest are the voided sale, then the sale of three lines. */
  cr_assert_eq (g_array_index (rows, StkPagerRow, 300).id, 4);
  cr_assert_eq (g_array_index (rows, StkPagerRow, 301).id, 1);
}

Test (pager_sales, pages_and_positions_count_sales_not_lines)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_SALES, "sold-at", FALSE, NULL, &error);
  g_autoptr(StkPagerIndex) index = stk_pager_index_build (ro, query, NULL, &error);
  g_autoptr(GArray) page = NULL;

  cr_assert_not_null (index, "%s", error ? error->message : "");
  cr_assert_eq (stk_pager_index_get_n_anchors (index), 3);
  cr_assert_eq (stk_pager_position_of (ro, query, index, 1, &error), 0);
  cr_assert_eq (stk_pager_position_of (ro, query, index, 4, &error), 1);
  /* A further line is not a row of its own. */
  cr_assert_eq (stk_pager_position_of (ro, query, index, 3, &error), -1);
  cr_assert_null (error);

  /* Past the second anchor: the sale there is the 259th one-line sale (t = 300 + 257). */
  page = stk_pager_fetch (ro, query, index, 259, 5, &error);
  cr_assert_eq (page->len, 5);
  cr_assert_eq (g_array_index (page, StkPagerRow, 0).at, 300 + 257);
  cr_assert_eq (stk_pager_position_of (ro, query, index, g_array_index (page, StkPagerRow, 0).id,
                                       &error), 259);
}

Test (pager_sales, the_code_search_finds_a_sale_by_any_of_its_lines_once)
{
  struct { const char *search; guint64 count; gint64 first; } cases[] = {
    { "cc-3", 1, 1 },   /* only on the third line */
    { "BB", 2, 4 },     /* the voided sale, and the second line of sale 1 */
    { "aa-1", 301, 0 }, /* sale 1 once, though its line 1 is AA-1 */
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StkPagerQuery) query =
        stk_pager_query_new (STK_PAGER_SALES, NULL, FALSE, cases[c].search, &error);
      g_autoptr(StkPagerIndex) index = stk_pager_index_build (ro, query, NULL, &error);
      g_autoptr(GArray) rows = NULL;

      cr_assert_not_null (index, "%s", error ? error->message : "");
      cr_assert_eq (stk_pager_index_get_count (index), cases[c].count, "%s: %" G_GUINT64_FORMAT,
                    cases[c].search, stk_pager_index_get_count (index));
      rows = stk_pager_fetch (ro, query, index, 0, 1000, &error);
      cr_assert_eq (rows->len, cases[c].count);
      if (cases[c].first > 0)
        cr_assert_eq (g_array_index (rows, StkPagerRow, 0).id, cases[c].first);
      cr_assert_not_null (find_row (rows, 1), "%s: sale 1 not found", cases[c].search);
      cr_assert_eq (find_row (rows, 1)->quantity, 6);
      cr_assert_eq (stk_pager_position_of (ro, query, index, 1, &error), (gint64) cases[c].count - 1);
    }
}

Test (pager_sales, a_total_that_does_not_fit_is_too_large_not_an_error)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_SALES, NULL, FALSE, NULL, &error);
  g_autoptr(GArray) rows = NULL;

  exec ("UPDATE settings SET value = 1 WHERE key = 'allow_negative_stock'");
  exec ("INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at)"
        " VALUES (1000, 'huge', 3, 4611686018427387903, 3, 5000)");
  exec ("INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at, first_line)"
        " VALUES (1001, 'big', 1, 4611686018427387903, 1, 6000, NULL),"
        " (1002, 'big#2', 2, 4611686018427387903, 1, 6000, 1001)");
  rows = stk_pager_fetch (ro, query, NULL, 0, 2, &error);
  cr_assert_not_null (rows, "%s", error ? error->message : "");
  cr_assert_eq (g_array_index (rows, StkPagerRow, 0).id, 1001);
  cr_assert_eq (g_array_index (rows, StkPagerRow, 0).total_cents, G_MININT64);
  cr_assert_eq (g_array_index (rows, StkPagerRow, 0).quantity, G_MININT64);
  cr_assert_eq (g_array_index (rows, StkPagerRow, 1).id, 1000);
  cr_assert_eq (g_array_index (rows, StkPagerRow, 1).total_cents, G_MININT64);
}

/* An inventory from before sales had lines (schema 5), opened read-only (only a writer
 * migrates): still one row per sale, its total and no further lines. */
Test (pager_sales_before_lines, a_read_only_schema_5_inventory_lists_its_sales,
      .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_SALES, NULL, FALSE, NULL, &error);
  g_autoptr(StkPagerQuery) search = stk_pager_query_new (STK_PAGER_SALES, NULL, FALSE, "old", &error);
  g_autoptr(StkPagerIndex) index = NULL;
  g_autoptr(StkPagerIndex) search_index = NULL;
  g_autoptr(GArray) rows = NULL;
  sqlite3 *db = NULL;
  sqlite3 *old;

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, 5, &error), "%s", error ? error->message : "");
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO items (code, description, unit_price_cents, created_at,"
                              " updated_at) VALUES ('OLD-1', 'from v5', 150, 1, 1);"
                              "INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                              " VALUES (1, 'receive', 7, 7, 2);"
                              "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at)"
                              " VALUES ('v5-sale', 1, 3, 150, 3), ('v5-other', 1, 1, 150, 4);"
                              "INSERT INTO sale_voids (sale_id, voided_at) VALUES (2, 5);",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  old = stk_db_open (db_path, STK_DB_READ_ONLY, &error);
  cr_assert_not_null (old, "%s", error ? error->message : "");
  cr_assert_eq (stk_schema_get_version (old, NULL), 5);
  index = stk_pager_index_build (old, query, NULL, &error);
  cr_assert_not_null (index, "%s", error ? error->message : "");
  cr_assert_eq (stk_pager_index_get_count (index), 2);
  rows = stk_pager_fetch (old, query, index, 0, 10, &error);
  cr_assert_not_null (rows, "%s", error ? error->message : "");
  cr_assert_eq (rows->len, 2);
  cr_assert_eq (g_array_index (rows, StkPagerRow, 0).id, 2);
  cr_assert (g_array_index (rows, StkPagerRow, 0).voided);
  cr_assert_eq (g_array_index (rows, StkPagerRow, 1).total_cents, 450);
  cr_assert_eq (g_array_index (rows, StkPagerRow, 1).quantity, 3);
  cr_assert_eq (g_array_index (rows, StkPagerRow, 1).n_more_lines, 0);
  cr_assert_eq (stk_pager_position_of (old, query, index, 1, &error), 1);
  search_index = stk_pager_index_build (old, search, NULL, &error);
  cr_assert_not_null (search_index, "%s", error ? error->message : "");
  cr_assert_eq (stk_pager_index_get_count (search_index), 2);
  stk_db_close (old);
}

/* A sale whose prices were without tax: its row's total is what the customer paid,
 * the tax added. */
Test (pager_sales, the_total_includes_tax_added_to_prices)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_SALES, NULL, FALSE, NULL, &error);
  g_autoptr(StkPagerIndex) index = NULL;
  g_autoptr(GArray) rows = NULL;

  /* 2 × 10.00 at 22 % added: 24.40. */
  exec ("INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at, tax_rate_bp,"
        " tax_name, tax_included, tax_cents) VALUES (1000, 'tx', 1, 2, 1000, 900, 2200, 'VAT', 0, 440)");
  index = stk_pager_index_build (ro, query, NULL, &error);
  cr_assert_not_null (index, "%s", error ? error->message : "");
  rows = stk_pager_fetch (ro, query, index, 0, 1000, &error);
  cr_assert_not_null (rows, "%s", error ? error->message : "");
  cr_assert_eq (find_row (rows, 1000)->total_cents, 2440);
  cr_assert_eq (find_row (rows, 1)->total_cents, 330);
}

/* An inventory from before tax (format 8), read as it is: its sales list as before. */
Test (pager_sales, an_inventory_before_tax_lists_its_sales)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_SALES, NULL, FALSE, NULL, &error);
  g_autoptr(StkPagerIndex) index = NULL;
  g_autoptr(GArray) rows = NULL;

  exec (STK_TEST_DOWNGRADE_TO_9_SQL);
  exec (STK_TEST_DOWNGRADE_TO_8_SQL "PRAGMA user_version = 8;");
  index = stk_pager_index_build (ro, query, NULL, &error);
  cr_assert_not_null (index, "%s", error ? error->message : "");
  rows = stk_pager_fetch (ro, query, index, 0, 1000, &error);
  cr_assert_not_null (rows, "%s", error ? error->message : "");
  cr_assert_eq (rows->len, 302);
  cr_assert_eq (find_row (rows, 1)->total_cents, 330);
  cr_assert_eq (find_row (rows, 4)->total_cents, 250);
}
