/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Money never wraps or saturates: stock value, revenue and on-hand totals are exact
 * up to the largest 64-bit figure, and beyond it every figure fails with one
 * sentence instead of printing a saturated or inexact number. */
#include "config.h"

#include <criterion/criterion.h>

#include <string.h>

#include <sqlite3.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-query.h"
#include "stk-store.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

TestSuite (money, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown, .timeout = 60);

/* The example: 922337203685477.58 each. */
#define BIG_PRICE G_GINT64_CONSTANT (92233720368547758)

static void
add_item (StkWriter  *writer,
          const char *code,
          gint64      price,
          gint64      stock)
{
  stk_test_submit (writer, stk_op_create_item (code, "", price, 0));
  if (stock > 0)
    stk_test_submit (writer, stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, stock, NULL, 0));
}

static void
assert_too_large (const GError *error)
{
  cr_assert_not_null (error, "an overflowing figure was given without an error");
  cr_assert (strstr (error->message, "cannot be computed exactly") != NULL, "%s",
             error->message);
}

Test (money, stock_value_exact_at_the_largest_figure)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  StkStats stats = { 0 };

  /* 3 × 3074457345618258602 + 1 × 1 = 9223372036854775807 = G_MAXINT64 exactly. */
  add_item (writer, "A", G_GINT64_CONSTANT (3074457345618258602), 3);
  add_item (writer, "B", 1, 1);
  stk_test_close_writer (g_steal_pointer (&writer));

  store = stk_test_open_store (db_path);
  cr_assert (stk_store_get_stats (store, &stats, &error), "%s", error ? error->message : "");
  cr_assert_eq (stats.stock_value_cents, G_MAXINT64);
  cr_assert_eq (stats.total_on_hand, 4);

  db = stk_store_acquire (store, &error);
  cr_assert_not_null (db);
  {
    g_autoptr(StkReport) report = stk_query_report (db, 7, 10, 0, &error);
    cr_assert_not_null (report, "%s", error ? error->message : "");
    cr_assert_eq (report->stock_value_cents, G_MAXINT64);
  }
  stk_store_release (store, db);
}

Test (money, stock_value_over_the_largest_figure_is_an_error)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  sqlite3 *db;
  StkStats stats = { 0 };

  /* The case: each product fits, their sum does not. */
  add_item (writer, "A", BIG_PRICE, 60);
  add_item (writer, "B", BIG_PRICE, 60);
  stk_test_close_writer (g_steal_pointer (&writer));

  store = stk_test_open_store (db_path);
  cr_assert_not (stk_store_get_stats (store, &stats, &error));
  assert_too_large (error);
  cr_assert_neq (stats.stock_value_cents, G_MAXINT64);

  db = stk_store_acquire (store, &error2);
  cr_assert_not_null (db);
  {
    g_autoptr(GError) error3 = NULL;
    g_autoptr(StkReport) report = stk_query_report (db, 7, 10, 0, &error3);
    cr_assert_null (report, "the report gave a stock value of %lld",
                    report ? (long long) report->stock_value_cents : 0LL);
    assert_too_large (error3);
  }
  stk_store_release (store, db);
}

Test (money, one_product_over_the_largest_figure_is_an_error)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  StkStats stats = { 0 };

  /* One item whose on-hand × price alone is past 2^63 (SQLite would give a REAL). */
  add_item (writer, "A", BIG_PRICE, G_GINT64_CONSTANT (1000000));
  stk_test_close_writer (g_steal_pointer (&writer));

  store = stk_test_open_store (db_path);
  cr_assert_not (stk_store_get_stats (store, &stats, &error));
  assert_too_large (error);
}

Test (money, revenue_over_the_largest_figure_is_an_error)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  add_item (writer, "A", BIG_PRICE, 200);
  stk_test_submit (writer, stk_op_record_sale ("A", 60, -1, 0));
  stk_test_submit (writer, stk_op_record_sale ("A", 60, -1, 0));
  stk_test_close_writer (g_steal_pointer (&writer));

  store = stk_test_open_store (db_path);
  db = stk_store_acquire (store, &error);
  cr_assert_not_null (db);
  {
    g_autoptr(GError) error2 = NULL;
    g_autoptr(StkReport) report = stk_query_report (db, 7, 10, 0, &error2);
    cr_assert_null (report, "the report gave revenue %lld",
                    report ? (long long) report->total_revenue_cents : 0LL);
    assert_too_large (error2);
  }
  stk_store_release (store, db);
}

Test (money, revenue_exact_at_the_largest_figure)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  /* 100 × 92233720368547758 = 9223372036854775800; the stock left is worth 0. */
  add_item (writer, "A", BIG_PRICE, 100);
  stk_test_submit (writer, stk_op_record_sale ("A", 50, -1, 0));
  stk_test_submit (writer, stk_op_record_sale ("A", 50, -1, 0));
  stk_test_close_writer (g_steal_pointer (&writer));

  store = stk_test_open_store (db_path);
  db = stk_store_acquire (store, &error);
  cr_assert_not_null (db);
  {
    g_autoptr(StkReport) report = stk_query_report (db, 7, 10, 0, &error);
    cr_assert_not_null (report, "%s", error ? error->message : "");
    cr_assert_eq (report->total_revenue_cents, G_GINT64_CONSTANT (9223372036854775800));
    cr_assert_eq (report->total_quantity, 100);
    cr_assert_gt (report->top_sellers->len, 0);
  }
  stk_store_release (store, db);
}
