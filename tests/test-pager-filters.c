/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 16: the Stock Moves list narrowed to one item (its history) and the Sales and
 * Stock Moves lists narrowed to a time range, in SQL: counts, order, pages past an
 * anchor and positions equal a plain SQL query; the range is an index range on the
 * time column; a stock move shows the receipt number of its sale, void or return. */
#include "config.h"

#include <criterion/criterion.h>

#include "stk-db.h"
#include "stk-error.h"
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

static gint64
count_sql (const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  cr_assert_eq (sqlite3_prepare_v2 (rw, sql, -1, &stmt, NULL), SQLITE_OK, "%s", sql);
  cr_assert_eq (sqlite3_step (stmt), SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* AA-1 and BB-2 receive 1000 each at t=1. Sale 1 (t=100): AA-1 ×2 and a line BB-2 ×1;
 * one AA-1 comes back (t=150). Sale 3 (t=200): BB-2 ×1, voided (t=250). Then 400 one-line
 * sales at t = 1000 + i, of AA-1 for even i and BB-2 for odd i, and a count of BB-2 at
 * t=5000. */
static void
setup (void)
{
  g_autoptr(GError) error = NULL;

  stk_test_fixture_setup ();
  rw = stk_db_open (db_path, STK_DB_READ_WRITE, &error);
  cr_assert_not_null (rw, "%s", error ? error->message : "");
  exec ("BEGIN");
  exec ("INSERT INTO items (code, description, unit_price_cents, created_at, updated_at) VALUES"
        " ('AA-1', 'Anchor bolt', 100, 1, 1), ('BB-2', 'Bracket', 250, 1, 1)");
  exec ("INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at)"
        " SELECT id, 'receive', 1000, 1000, 'Opening stock', 1 FROM items");
  exec ("INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at)"
        " VALUES (1, 's1', 1, 2, 100, 100)");
  exec ("INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at, first_line)"
        " VALUES (2, 's1#2', 2, 1, 250, 100, 1)");
  exec ("INSERT INTO returns (uid, line_id, quantity, refund_cents, returned_at)"
        " VALUES ('r1', 1, 1, 100, 150)");
  exec ("INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at)"
        " VALUES (3, 's3', 2, 1, 250, 200)");
  exec ("INSERT INTO sale_voids (sale_id, voided_at, reason) VALUES (3, 250, 'Wrong item')");
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *sql =
        g_strdup_printf ("INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at)"
                         " VALUES ('p%u', %u, 1, 100, %u)", i, 1 + i % 2, 1000 + i);

      exec (sql);
    }
  exec ("INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at)"
        " SELECT id, 'count', -3, on_hand - 3, 'Shelf count', 5000 FROM items WHERE code = 'BB-2'");
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

TestSuite (pager_filters, .init = setup, .fini = teardown, .timeout = 120);

/* Every row of @query, a page at a time (from the anchors), and its count. */
static GArray *
fetch_all (StkPagerQuery *query,
           guint64       *count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerIndex) index = stk_pager_index_build (ro, query, NULL, &error);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));

  cr_assert_not_null (index, "%s", error ? error->message : "");
  *count = stk_pager_index_get_count (index);
  for (guint64 offset = 0; offset < *count; offset += 100)
    {
      g_autoptr(GArray) page = stk_pager_fetch (ro, query, index, offset, 100, &error);

      cr_assert_not_null (page, "%s", error ? error->message : "");
      cr_assert_eq (page->len, MIN (100, *count - offset));
      for (guint i = 0; i < page->len; i++)
        {
          const StkPagerRow *row = &g_array_index (page, StkPagerRow, i);
          gint64 position = stk_pager_position_of (ro, query, index, row->id, &error);

          cr_assert_eq (position, (gint64) (offset + i), "row %" G_GINT64_FORMAT, row->id);
          g_array_append_val (all, row->id);
        }
    }
  return g_steal_pointer (&all);
}

static void
assert_ids_equal_sql (GArray     *ids,
                      const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  guint i = 0;

  cr_assert_eq (sqlite3_prepare_v2 (rw, sql, -1, &stmt, NULL), SQLITE_OK, "%s", sql);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      cr_assert_lt (i, ids->len, "fewer rows than %s", sql);
      cr_assert_eq (g_array_index (ids, gint64, i), sqlite3_column_int64 (stmt, 0),
                    "row %u differs from %s", i, sql);
      i++;
    }
  sqlite3_finalize (stmt);
  cr_assert_eq (i, ids->len, "more rows than %s", sql);
}

Test (pager_filters, one_items_moves_newest_first_across_anchors)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query =
    stk_pager_query_new_filtered (STK_PAGER_MOVES, NULL, FALSE, NULL, 2, G_MININT64, G_MAXINT64,
                                  &error);
  g_autoptr(GArray) ids = NULL;
  guint64 count;

  cr_assert_not_null (query, "%s", error ? error->message : "");
  cr_assert_eq (stk_pager_query_get_item_id (query), 2);
  ids = fetch_all (query, &count);
  /* receive, line of sale 1, sale 3, its void, 200 sales, the count */
  cr_assert_eq (count, 205);
  cr_assert_eq ((gint64) count, count_sql ("SELECT count (*) FROM movements WHERE item_id = 2"));
  assert_ids_equal_sql (ids, "SELECT id FROM movements WHERE item_id = 2"
                             " ORDER BY moved_at DESC, id DESC");

  /* The other item's moves are not there. */
  cr_assert_eq (stk_pager_position_of (ro, query, NULL,
                                       count_sql ("SELECT min (id) FROM movements WHERE item_id = 1"),
                                       &error), -1);
  cr_assert_null (error);
}

Test (pager_filters, a_moves_receipt_is_its_sales_voids_or_returns)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query =
    stk_pager_query_new_filtered (STK_PAGER_MOVES, "moved-at", FALSE, NULL, 0, G_MININT64, 300,
                                  &error);
  g_autoptr(StkPagerIndex) index = stk_pager_index_build (ro, query, NULL, &error);
  g_autoptr(GArray) rows = NULL;
  struct { const char *kind; gint64 item; gint64 quantity; gint64 balance; const char *receipt; }
    expected[] = {
      { "receive", 1, 1000, 1000, "" },
      { "receive", 2, 1000, 1000, "" },
      { "sale", 1, -2, 998, "1" },   /* sale 1 */
      { "sale", 2, -1, 999, "1" },   /* its second line: the sale's number */
      { "adjustment", 1, 1, 999, "2" }, /* the return: its own number */
      { "sale", 2, -1, 998, "3" },   /* sale 3 */
      { "adjustment", 2, 1, 999, "3" }, /* its void: the sale's number */
    };

  cr_assert_not_null (index, "%s", error ? error->message : "");
  cr_assert_eq (stk_pager_index_get_count (index), G_N_ELEMENTS (expected));
  rows = stk_pager_fetch (ro, query, index, 0, 100, &error);
  cr_assert_not_null (rows, "%s", error ? error->message : "");
  cr_assert_eq (rows->len, G_N_ELEMENTS (expected));
  for (guint i = 0; i < rows->len; i++)
    {
      const StkPagerRow *row = &g_array_index (rows, StkPagerRow, i);

      cr_assert_str_eq (row->kind, expected[i].kind, "row %u", i);
      cr_assert_eq (row->item_id, expected[i].item, "row %u", i);
      cr_assert_eq (row->quantity, expected[i].quantity, "row %u", i);
      cr_assert_eq (row->balance, expected[i].balance, "row %u", i);
      cr_assert_str_eq (row->receipt, expected[i].receipt, "row %u", i);
    }
  cr_assert_str_eq (g_array_index (rows, StkPagerRow, 6).reason, "Sale voided");
}

Test (pager_filters, a_time_range_narrows_sales_and_their_count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query =
    stk_pager_query_new_filtered (STK_PAGER_SALES, NULL, FALSE, NULL, 0, 1100, 1300, &error);
  g_autoptr(GArray) ids = NULL;
  gint64 from, to;
  guint64 count;

  cr_assert_not_null (query, "%s", error ? error->message : "");
  stk_pager_query_get_range (query, &from, &to);
  cr_assert_eq (from, 1100);
  cr_assert_eq (to, 1300);
  ids = fetch_all (query, &count);
  /* From inclusive, to exclusive: t = 1100 … 1299. */
  cr_assert_eq (count, 200);
  assert_ids_equal_sql (ids, "SELECT id FROM sales WHERE first_line IS NULL"
                             " AND sold_at >= 1100 AND sold_at < 1300 ORDER BY sold_at DESC, id DESC");

  /* One bound alone. */
  {
    g_autoptr(StkPagerQuery) before =
      stk_pager_query_new_filtered (STK_PAGER_SALES, "sold-at", FALSE, NULL, 0, G_MININT64, 1000,
                                    &error);
    g_autoptr(GArray) early = fetch_all (before, &count);

    cr_assert_eq (count, 2, "sales 1 and 3");
    cr_assert_eq (g_array_index (early, gint64, 0), 1);
    cr_assert_eq (g_array_index (early, gint64, 1), 3);
  }
}

Test (pager_filters, a_time_range_combines_with_the_search)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) sales =
    stk_pager_query_new_filtered (STK_PAGER_SALES, NULL, FALSE, "bb", 0, 50, 1010, &error);
  g_autoptr(StkPagerQuery) moves =
    stk_pager_query_new_filtered (STK_PAGER_MOVES, NULL, FALSE, "aa", 0, 1000, G_MAXINT64, &error);
  g_autoptr(GArray) ids = NULL;
  guint64 count;

  cr_assert_not_null (sales, "%s", error ? error->message : "");
  ids = fetch_all (sales, &count);
  /* Sale 1 (by its BB-2 line), sale 3, and the BB-2 sales at t = 1001 … 1009 */
  cr_assert_eq (count, 7);
  assert_ids_equal_sql (ids, "SELECT DISTINCT coalesce (first_line, id) AS sale FROM sales"
                             " WHERE item_id = 2 AND sold_at >= 50 AND sold_at < 1010"
                             " ORDER BY sold_at DESC, sale DESC");

  g_clear_pointer (&ids, g_array_unref);
  cr_assert_not_null (moves, "%s", error ? error->message : "");
  ids = fetch_all (moves, &count);
  cr_assert_eq (count, 200);
  assert_ids_equal_sql (ids, "SELECT id FROM movements WHERE item_id = 1 AND moved_at >= 1000"
                             " ORDER BY moved_at DESC, id DESC");
}

Test (pager_filters, an_items_history_in_a_range)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query =
    stk_pager_query_new_filtered (STK_PAGER_MOVES, NULL, FALSE, NULL, 2, 1, 1001, &error);
  g_autoptr(GArray) ids = NULL;
  guint64 count;

  cr_assert_not_null (query, "%s", error ? error->message : "");
  ids = fetch_all (query, &count);
  /* receive, sale 1's line, sale 3, its void (t < 1001; the first BB-2 sale is at 1001) */
  cr_assert_eq (count, 4);
  assert_ids_equal_sql (ids, "SELECT id FROM movements WHERE item_id = 2 AND moved_at >= 1"
                             " AND moved_at < 1001 ORDER BY moved_at DESC, id DESC");
}

Test (pager_filters, filters_a_list_does_not_have_are_refused)
{
  g_autoptr(GError) error = NULL;
  StkPagerQuery *query;

  query = stk_pager_query_new_filtered (STK_PAGER_ITEMS, NULL, FALSE, NULL, 0, 0, 10, &error);
  cr_assert_null (query);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  g_clear_error (&error);
  query = stk_pager_query_new_filtered (STK_PAGER_SALES, NULL, FALSE, NULL, 1, G_MININT64,
                                        G_MAXINT64, &error);
  cr_assert_null (query);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
}

/* The statements the pager runs, as prepared (the unexpanded SQL text). */
static int
trace_cb (unsigned  type,
          void     *context,
          void     *p,
          void     *x)
{
  GPtrArray *sqls = context;

  if (type == SQLITE_TRACE_STMT)
    g_ptr_array_add (sqls, g_strdup (sqlite3_sql (p)));
  return 0;
}

/* The plan of the count-and-anchor scan: a SEARCH of the time column's index, over
 * the range alone (not a SCAN of every row filtered in C or in SQL). */
static void
assert_scan_is_index_range (StkPagerKind  kind,
                            const char   *index_name,
                            const char   *column)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sqls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(StkPagerQuery) query =
    stk_pager_query_new_filtered (kind, NULL, FALSE, NULL, 0, 1100, 1300, &error);
  g_autoptr(StkPagerIndex) index = NULL;
  g_autofree char *range = g_strdup_printf ("%s>? AND %s<?", column, column);
  gboolean seen = FALSE;

  sqlite3_trace_v2 (ro, SQLITE_TRACE_STMT, trace_cb, sqls);
  index = stk_pager_index_build (ro, query, NULL, &error);
  sqlite3_trace_v2 (ro, 0, NULL, NULL);
  cr_assert_not_null (index, "%s", error ? error->message : "");

  for (guint i = 0; i < sqls->len; i++)
    {
      const char *sql = sqls->pdata[i];
      g_autofree char *explain = NULL;
      sqlite3_stmt *stmt = NULL;

      if (!g_str_has_prefix (sql, "SELECT") || strstr (sql, "?7") == NULL)
        continue;
      explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
      cr_assert_eq (sqlite3_prepare_v2 (ro, explain, -1, &stmt, NULL), SQLITE_OK, "%s", sql);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *detail = (const char *) sqlite3_column_text (stmt, 3);

          cr_assert_null (strstr (detail, "SCAN"), "%s: %s", sql, detail);
          if (strstr (detail, index_name) != NULL && strstr (detail, range) != NULL)
            seen = TRUE;
        }
      sqlite3_finalize (stmt);
    }
  cr_assert (seen, "no range on %s", index_name);
}

Test (pager_filters, the_range_is_an_index_range_on_the_time_column)
{
  assert_scan_is_index_range (STK_PAGER_SALES, "sales_firsts", "sold_at");
  assert_scan_is_index_range (STK_PAGER_MOVES, "movements_moved_at", "moved_at");
}

/* An item's history in record order (what the window shows): the index movements_item
 * (item_id, id) gives the order, so no page sorts the item's moves. */
Test (pager_filters, an_items_moves_in_record_order_need_no_sort)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sqls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(StkPagerQuery) query =
    stk_pager_query_new_filtered (STK_PAGER_MOVES, "id", TRUE, NULL, 1, G_MININT64, G_MAXINT64,
                                  &error);
  g_autoptr(GArray) ids = NULL;
  guint64 count;
  guint planned = 0;

  cr_assert_not_null (query, "%s", error ? error->message : "");
  sqlite3_trace_v2 (ro, SQLITE_TRACE_STMT, trace_cb, sqls);
  ids = fetch_all (query, &count);
  sqlite3_trace_v2 (ro, 0, NULL, NULL);
  /* receive, sale 1, its return, 200 sales */
  cr_assert_eq (count, 203);
  assert_ids_equal_sql (ids, "SELECT id FROM movements WHERE item_id = 1 ORDER BY id DESC");

  for (guint i = 0; i < sqls->len; i++)
    {
      const char *sql = sqls->pdata[i];
      g_autofree char *explain = NULL;
      sqlite3_stmt *stmt = NULL;

      if (!g_str_has_prefix (sql, "SELECT") || strstr (sql, "?9") == NULL)
        continue;
      explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
      cr_assert_eq (sqlite3_prepare_v2 (ro, explain, -1, &stmt, NULL), SQLITE_OK, "%s", sql);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *detail = (const char *) sqlite3_column_text (stmt, 3);

          cr_assert_null (strstr (detail, "TEMP B-TREE"), "%s: %s", sql, detail);
          cr_assert_null (strstr (detail, "SCAN m"), "%s: %s", sql, detail);
        }
      sqlite3_finalize (stmt);
      planned++;
    }
  cr_assert_gt (planned, 2, "the scan and the pages");
}
