/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's reads (data/stk-reads.c) on the paths the other suites leave out (issue 20,
 * branch coverage of data/): every asynchronous read answering once with the same result
 * as its synchronous twin, whatever cancellable the caller gives (none, GIO's own, one of
 * the caller's own type); every one cut by a cancel saying so; what is not there, out
 * arguments nobody asked for, a date that is not one, a damaged inventory; and the bad
 * arguments of the reads that tests/test-cov-contracts.c does not call. */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "stk-day.h"
#include "stk-error.h"
#include "stk-output.h"
#include "stk-ops.h"
#include "stk-pager.h"
#include "stk-reads.h"
#include "stk-sale.h"
#include "stk-tax.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"
#include "stk-test-util.h"

#define WAIT_MS 60000

/* A cancellable of the caller's own type: GCancellable is derivable, and the reads take
 * any GCancellable. */
#define TEST_TYPE_CANCELLABLE (test_cancellable_get_type ())
G_DECLARE_FINAL_TYPE (TestCancellable, test_cancellable, TEST, CANCELLABLE, GCancellable)

struct _TestCancellable
{
  GCancellable parent_instance;
};

G_DEFINE_FINAL_TYPE (TestCancellable, test_cancellable, G_TYPE_CANCELLABLE)

static void
test_cancellable_class_init (TestCancellableClass *klass)
{
}

static void
test_cancellable_init (TestCancellable *self)
{
}

/* The inventory every test starts from: item R-1 (a barcode, its own tax rate), item
 * R-2, one sale of both, a close of the day, then a second sale after it. */
static gint64 item_id, item2_id, sale_id, close_id, rate_id;

static gint64
submit_row (StkWriter *writer,
            StkOp     *op)
{
  g_autoptr(GError) error = NULL;
  gint64 row;

  if (!stk_writer_submit_sync (writer, op, &error))
    g_error ("%s: %s", stk_op_get_description (op), error->message);
  row = stk_op_get_row_id (op);
  stk_op_unref (op);
  return row;
}

static void
setup (void)
{
  StkSaleLineSpec lines[] = { { "R-1", 2, -1, 0 }, { "R-2", 1, 400, 50 } };
  StkWriter *writer;

  stk_test_fixture_setup ();
  writer = stk_test_open_writer (db_path);
  stk_test_submit (writer, stk_op_set_allow_negative_stock (TRUE));
  item_id = submit_row (writer, stk_op_create_item ("R-1", "Red pen", 250, 5));
  item2_id = submit_row (writer, stk_op_create_item ("R-2", "Ruler", 400, 0));
  stk_test_submit (writer, stk_op_add_barcode ("R-1", "CASE-R1", 12));
  rate_id = submit_row (writer, stk_op_save_tax_rate (0, "Standard", 2000));
  stk_test_submit (writer, stk_op_set_item_tax_rate (item_id, rate_id));
  sale_id = submit_row (writer, stk_op_sell (lines, G_N_ELEMENTS (lines), "Cash", NULL, 0));
  close_id = submit_row (writer, stk_op_close_day (900, NULL));
  stk_test_submit (writer, stk_op_sell (lines, 1, "Cash", NULL, 0));
  stk_test_close_writer (writer);
  cr_assert_gt (item_id, 0);
  cr_assert_gt (rate_id, 0);
  cr_assert_gt (sale_id, 0);
  cr_assert_gt (close_id, 0);
}

TestSuite (cov_reads, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 120);

/* ---- answers ------------------------------------------------------------------------ */

typedef struct
{
  GAsyncResult *result;
  guint         calls;
} Answer;

static void
answer_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Answer *a = user_data;

  a->calls++;
  g_set_object (&a->result, result);
}

/* The one answer of an async read (its result, owned by @a). */
static GAsyncResult *
wait_answer (Answer *a)
{
  cr_assert (STK_TEST_WAIT_UNTIL (a->calls > 0, WAIT_MS), "no answer");
  /* Once, and nothing more queued after it. */
  cr_assert (stk_test_drain ());
  cr_assert_eq (a->calls, 1, "answered %u times", a->calls);
  return a->result;
}

static void
answer_clear (Answer *a)
{
  g_clear_object (&a->result);
  a->calls = 0;
}

static void
assert_cancelled (GError     *error,
                  const char *what)
{
  cr_assert_not_null (error, "%s: no error", what);
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s: %s", what,
             error->message);
}

/* ---- every async read, and its sync twin --------------------------------------------- */

static void
run_every_async_read (StkStore     *store,
                      GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, NULL);
  g_autoptr(StkListResult) list = NULL;
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  guint zero = 0;
  Answer a = { 0 };

  g_array_append_val (numbers, zero);

  /* items */
  {
    g_auto(StkItemInfo) info = { 0 };

    stk_store_item_by_id_async (store, item2_id, cancellable, answer_cb, &a);
    cr_assert (stk_store_item_by_id_finish (store, wait_answer (&a), &info, &error), "%s",
               error ? error->message : "");
    cr_assert_str_eq (info.code, "R-2");
    cr_assert_eq (info.unit_price_cents, 400);
    answer_clear (&a);
  }
  {
    g_auto(GStrv) codes = NULL;

    stk_store_complete_codes_async (store, "r", 10, cancellable, answer_cb, &a);
    codes = stk_store_complete_codes_finish (store, wait_answer (&a), &error);
    cr_assert_not_null (codes, "%s", error ? error->message : "");
    cr_assert_eq (g_strv_length (codes), 2);
    cr_assert_str_eq (codes[0], "R-1");
    cr_assert_str_eq (codes[1], "R-2");
    answer_clear (&a);
  }
  {
    g_autoptr(GPtrArray) found = NULL;
    StkItemInfo *first;

    stk_store_search_items_async (store, "ruler", 5, cancellable, answer_cb, &a);
    found = stk_store_search_items_finish (store, wait_answer (&a), &error);
    cr_assert_not_null (found, "%s", error ? error->message : "");
    cr_assert_eq (found->len, 1);
    first = g_ptr_array_index (found, 0);
    cr_assert_str_eq (first->code, "R-2");
    cr_assert_eq (first->id, item2_id);
    answer_clear (&a);
  }

  /* the inventory */
  {
    StkStats stats = { 0 }, sync = { 0 };

    stk_store_get_stats_async (store, cancellable, answer_cb, &a);
    cr_assert (stk_store_get_stats_finish (store, wait_answer (&a), &stats, &error), "%s",
               error ? error->message : "");
    cr_assert (stk_store_get_stats (store, &sync, &error), "%s", error ? error->message : "");
    cr_assert_eq (stats.items, 2);
    cr_assert_eq (stats.items, sync.items);
    answer_clear (&a);
  }
  {
    gboolean has = FALSE;

    stk_store_has_items_async (store, cancellable, answer_cb, &a);
    cr_assert (stk_store_has_items_finish (store, wait_answer (&a), &has, &error), "%s",
               error ? error->message : "");
    cr_assert (has);
    answer_clear (&a);
    /* Nobody asked for the answer: still a success. */
    stk_store_has_items_async (store, cancellable, answer_cb, &a);
    cr_assert (stk_store_has_items_finish (store, wait_answer (&a), NULL, &error), "%s",
               error ? error->message : "");
    answer_clear (&a);
  }
  {
    g_autoptr(StkReport) report = NULL;

    stk_query_report_async (store, 30, 5, cancellable, answer_cb, &a);
    report = stk_query_report_finish (store, wait_answer (&a), &error);
    cr_assert_not_null (report, "%s", error ? error->message : "");
    cr_assert_not_null (report->top_sellers);
    cr_assert_geq (report->top_sellers->len, 1);
    answer_clear (&a);
  }

  /* lists */
  stk_store_list_async (store, query, NULL, numbers, FALSE, cancellable, answer_cb, &a);
  list = stk_store_list_finish (store, wait_answer (&a), &error);
  cr_assert_not_null (list, "%s", error ? error->message : "");
  cr_assert_eq (stk_pager_index_get_count (list->index), 2);
  cr_assert_eq (list->pages->len, 1);
  cr_assert_eq (((GArray *) g_ptr_array_index (list->pages, 0))->len, 2);
  answer_clear (&a);
  /* With the list's index: the position in that order. */
  stk_store_position_of_async (store, query, list->index, item2_id, cancellable, answer_cb, &a);
  cr_assert_eq (stk_store_position_of_finish (store, wait_answer (&a), &error), 1, "%s",
                error ? error->message : "");
  answer_clear (&a);

  /* the till and sales */
  {
    g_auto(StkItemInfo) info = { 0 };
    gint64 pack = 0;

    stk_store_item_by_scan_async (store, "CASE-R1", cancellable, answer_cb, &a);
    cr_assert (stk_store_item_by_scan_finish (store, wait_answer (&a), &info, &pack, &error),
               "%s", error ? error->message : "");
    cr_assert_str_eq (info.code, "R-1");
    cr_assert_eq (pack, 12);
    answer_clear (&a);
  }
  {
    g_autoptr(GArray) barcodes = NULL;

    stk_store_item_barcodes_async (store, item_id, cancellable, answer_cb, &a);
    barcodes = stk_store_item_barcodes_finish (store, wait_answer (&a), &error);
    cr_assert_not_null (barcodes, "%s", error ? error->message : "");
    cr_assert_eq (barcodes->len, 1);
    cr_assert_str_eq (g_array_index (barcodes, StkBarcode, 0).code, "CASE-R1");
    cr_assert_eq (g_array_index (barcodes, StkBarcode, 0).pack, 12);
    answer_clear (&a);
  }
  {
    g_autoptr(StkSaleDetail) sale = NULL;

    stk_store_read_sale_async (store, sale_id, cancellable, answer_cb, &a);
    sale = stk_store_read_sale_finish (store, wait_answer (&a), &error);
    cr_assert_not_null (sale, "%s", error ? error->message : "");
    cr_assert_eq (sale->sale_id, sale_id);
    cr_assert_eq (sale->lines->len, 2);
    cr_assert_eq (sale->total_cents, 2 * 250 + 400 - 50);
    cr_assert_str_eq (sale->payment, "Cash");
    answer_clear (&a);
  }
  {
    g_auto(StkShopSettings) settings = { 0 };

    stk_store_get_shop_settings_async (store, cancellable, answer_cb, &a);
    cr_assert (stk_store_get_shop_settings_finish (store, wait_answer (&a), &settings, &error),
               "%s", error ? error->message : "");
    cr_assert (settings.allow_negative_stock);
    cr_assert_not_null (settings.payment_methods);
    answer_clear (&a);
    /* Nobody asked for the settings: still a success, nothing leaks. */
    stk_store_get_shop_settings_async (store, cancellable, answer_cb, &a);
    cr_assert (stk_store_get_shop_settings_finish (store, wait_answer (&a), NULL, &error),
               "%s", error ? error->message : "");
    answer_clear (&a);
  }

  /* the close of the day */
  {
    g_autoptr(StkDayReport) report = NULL;

    stk_store_get_day_report_async (store, close_id, cancellable, answer_cb, &a);
    report = stk_store_get_day_report_finish (store, wait_answer (&a), &error);
    cr_assert_not_null (report, "%s", error ? error->message : "");
    cr_assert_eq (report->close_id, close_id);
    cr_assert_eq (report->sales, 1);
    cr_assert_eq (report->net_cents, 2 * 250 + 400 - 50);
    answer_clear (&a);
  }
  {
    g_autoptr(GArray) closes = NULL;

    stk_store_list_day_closes_async (store, 10, cancellable, answer_cb, &a);
    closes = stk_store_list_day_closes_finish (store, wait_answer (&a), &error);
    cr_assert_not_null (closes, "%s", error ? error->message : "");
    cr_assert_eq (closes->len, 1);
    cr_assert_eq (g_array_index (closes, StkDayCloseSummary, 0).close_id, close_id);
    cr_assert_eq (g_array_index (closes, StkDayCloseSummary, 0).counted_cash_cents, 900);
    answer_clear (&a);
  }

  /* tax */
  {
    g_autoptr(GPtrArray) rates = NULL;
    StkTaxRate *rate;

    stk_store_list_tax_rates_async (store, cancellable, answer_cb, &a);
    rates = stk_store_list_tax_rates_finish (store, wait_answer (&a), &error);
    cr_assert_not_null (rates, "%s", error ? error->message : "");
    cr_assert_eq (rates->len, 1);
    rate = g_ptr_array_index (rates, 0);
    cr_assert_str_eq (rate->name, "Standard");
    cr_assert_eq (rate->rate_bp, 2000);
    cr_assert_eq (rate->items, 1);
    answer_clear (&a);
  }
  {
    g_autoptr(StkTaxReport) report = NULL;
    g_autoptr(StkTaxReport) sync = NULL;
    gint64 now = g_get_real_time ();

    stk_store_tax_report_async (store, 0, now + G_USEC_PER_SEC, cancellable, answer_cb, &a);
    report = stk_store_tax_report_finish (store, wait_answer (&a), &error);
    cr_assert_not_null (report, "%s", error ? error->message : "");
    sync = stk_store_tax_report (store, 0, now + G_USEC_PER_SEC, &error);
    cr_assert_not_null (sync, "%s", error ? error->message : "");
    cr_assert_eq (report->rates->len, sync->rates->len);
    cr_assert_eq (report->total.sales_cents, sync->total.sales_cents);
    /* Two sales: 2 × 250 + 350, then 2 × 250. */
    cr_assert_eq (report->total.sales_cents, 2 * 250 + 350 + 2 * 250);
    answer_clear (&a);
  }
  stk_store_get_item_tax_rate_async (store, item_id, cancellable, answer_cb, &a);
  cr_assert_eq (stk_store_get_item_tax_rate_finish (store, wait_answer (&a), &error), rate_id,
                "%s", error ? error->message : "");
  answer_clear (&a);
  stk_store_get_item_tax_rate_async (store, item2_id, cancellable, answer_cb, &a);
  cr_assert_eq (stk_store_get_item_tax_rate_finish (store, wait_answer (&a), &error), 0,
                "the shop's default: %s", error ? error->message : "");
  answer_clear (&a);
}

Test (cov_reads, every_async_read_answers_once_without_a_cancellable)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);

  run_every_async_read (store, NULL);
  cr_assert (stk_test_wait_refs (store, 1, WAIT_MS), "a read still holds the store");
}

Test (cov_reads, every_async_read_answers_once_with_gio_s_cancellable)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  run_every_async_read (store, cancellable);
  cr_assert_not (g_cancellable_is_cancelled (cancellable));
  cr_assert (stk_test_wait_refs (store, 1, WAIT_MS), "a read still holds the store");
}

Test (cov_reads, every_async_read_takes_a_cancellable_of_the_caller_s_own_type)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_object_new (TEST_TYPE_CANCELLABLE, NULL);

  run_every_async_read (store, cancellable);
  cr_assert (stk_test_wait_refs (store, 1, WAIT_MS), "a read still holds the store");
}

/* ---- cancelled ------------------------------------------------------------------------ */

Test (cov_reads, every_async_read_cancelled_first_says_cancelled_and_fills_nothing)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_object_new (TEST_TYPE_CANCELLABLE, NULL);
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, NULL);
  g_auto(StkItemInfo) info = { 0 };
  g_auto(StkShopSettings) settings = { 0 };
  StkStats stats = { .items = 77 };
  gboolean has = 7;
  gint64 pack = -5;
  Answer a = { 0 };

  g_cancellable_cancel (cancellable);

#define CANCELLED_POINTER(start, finish, what)                                             \
  G_STMT_START {                                                                         \
    g_autoptr(GError) _error = NULL;                                                     \
    start;                                                                               \
    cr_assert_null (finish (store, wait_answer (&a), &_error), "%s answered", what);     \
    assert_cancelled (_error, what);                                                     \
    answer_clear (&a);                                                                   \
  } G_STMT_END

  CANCELLED_POINTER (stk_store_complete_codes_async (store, "R", 5, cancellable, answer_cb, &a),
                     stk_store_complete_codes_finish, "complete codes");
  CANCELLED_POINTER (stk_store_search_items_async (store, "ruler", 5, cancellable, answer_cb, &a),
                     stk_store_search_items_finish, "search items");
  CANCELLED_POINTER (stk_query_report_async (store, 30, 5, cancellable, answer_cb, &a),
                     stk_query_report_finish, "report");
  CANCELLED_POINTER (stk_store_list_async (store, query, NULL, NULL, FALSE, cancellable,
                                           answer_cb, &a),
                     stk_store_list_finish, "list");
  CANCELLED_POINTER (stk_store_item_barcodes_async (store, item_id, cancellable, answer_cb, &a),
                     stk_store_item_barcodes_finish, "barcodes");
  CANCELLED_POINTER (stk_store_read_sale_async (store, sale_id, cancellable, answer_cb, &a),
                     stk_store_read_sale_finish, "sale");
  CANCELLED_POINTER (stk_store_get_day_report_async (store, 0, cancellable, answer_cb, &a),
                     stk_store_get_day_report_finish, "day report");
  CANCELLED_POINTER (stk_store_list_day_closes_async (store, 5, cancellable, answer_cb, &a),
                     stk_store_list_day_closes_finish, "day closes");
  CANCELLED_POINTER (stk_store_list_tax_rates_async (store, cancellable, answer_cb, &a),
                     stk_store_list_tax_rates_finish, "tax rates");
  CANCELLED_POINTER (stk_store_tax_report_async (store, 0, 1, cancellable, answer_cb, &a),
                     stk_store_tax_report_finish, "tax report");
#undef CANCELLED_POINTER

  {
    g_autoptr(GError) error = NULL;

    stk_store_item_by_code_async (store, "R-1", cancellable, answer_cb, &a);
    cr_assert_not (stk_store_item_by_code_finish (store, wait_answer (&a), &info, &error));
    assert_cancelled (error, "item by code");
    g_clear_error (&error);
    answer_clear (&a);
    stk_store_item_by_id_async (store, item_id, cancellable, answer_cb, &a);
    cr_assert_not (stk_store_item_by_id_finish (store, wait_answer (&a), &info, &error));
    assert_cancelled (error, "item by id");
    g_clear_error (&error);
    answer_clear (&a);
    stk_store_item_by_scan_async (store, "CASE-R1", cancellable, answer_cb, &a);
    cr_assert_not (stk_store_item_by_scan_finish (store, wait_answer (&a), &info, &pack, &error));
    assert_cancelled (error, "scan");
    g_clear_error (&error);
    answer_clear (&a);
    cr_assert_null (info.code, "a cancelled read fills nothing");
    cr_assert_eq (pack, -5, "a cancelled scan counts nothing");

    stk_store_get_stats_async (store, cancellable, answer_cb, &a);
    cr_assert_not (stk_store_get_stats_finish (store, wait_answer (&a), &stats, &error));
    assert_cancelled (error, "stats");
    g_clear_error (&error);
    answer_clear (&a);
    cr_assert_eq (stats.items, 77, "a cancelled read fills nothing");
    stk_store_has_items_async (store, cancellable, answer_cb, &a);
    cr_assert_not (stk_store_has_items_finish (store, wait_answer (&a), &has, &error));
    assert_cancelled (error, "has items");
    g_clear_error (&error);
    answer_clear (&a);
    cr_assert_eq (has, 7, "a cancelled read fills nothing");
    stk_store_get_shop_settings_async (store, cancellable, answer_cb, &a);
    cr_assert_not (stk_store_get_shop_settings_finish (store, wait_answer (&a), &settings,
                                                       &error));
    assert_cancelled (error, "shop settings");
    g_clear_error (&error);
    answer_clear (&a);
    cr_assert_null (settings.payment_methods, "a cancelled read fills nothing");
    stk_store_position_of_async (store, query, NULL, item_id, cancellable, answer_cb, &a);
    cr_assert_eq (stk_store_position_of_finish (store, wait_answer (&a), &error), -1);
    assert_cancelled (error, "position");
    g_clear_error (&error);
    answer_clear (&a);
    stk_store_get_item_tax_rate_async (store, item_id, cancellable, answer_cb, &a);
    cr_assert_eq (stk_store_get_item_tax_rate_finish (store, wait_answer (&a), &error), -1);
    assert_cancelled (error, "item tax rate");
    answer_clear (&a);
  }
  cr_assert (stk_test_wait_refs (store, 1, WAIT_MS), "a read still holds the store");
}

Test (cov_reads, the_sync_reads_that_take_a_cancellable_honour_it_before_reading)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(StkListResult) list = NULL;

  g_cancellable_cancel (cancellable);
  found = stk_store_search_items (store, "ruler", 5, cancellable, &error);
  cr_assert_null (found);
  assert_cancelled (error, "search items");
  g_clear_error (&error);
  list = stk_store_list (store, query, NULL, NULL, FALSE, cancellable, &error);
  cr_assert_null (list);
  assert_cancelled (error, "list");
}

/* ---- what is not there, and what nobody asked for ------------------------------------ */

Test (cov_reads, what_is_not_there_is_not_found)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSaleDetail) sale = NULL;
  g_autoptr(StkDayReport) report = NULL;
  g_auto(StkItemInfo) info = { 0 };
  gint64 pack = -5, rate = -5;
  Answer a = { 0 };

  cr_assert_not (stk_store_item_by_id (store, 9999, &info, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (stk_store_item_by_scan (store, "NO-SUCH-CODE", &info, &pack, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (info.code);
  cr_assert_eq (pack, -5);
  sale = stk_store_read_sale (store, 9999, &error);
  cr_assert_null (sale);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  g_clear_error (&error);
  report = stk_store_get_day_report (store, close_id + 100, &error);
  cr_assert_null (report);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  g_clear_error (&error);

  cr_assert_not (stk_store_get_item_tax_rate (store, 9999, &rate, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  cr_assert_eq (rate, 0, "no rate for an item that is not there");
  g_clear_error (&error);
  stk_store_get_item_tax_rate_async (store, 9999, NULL, answer_cb, &a);
  cr_assert_eq (stk_store_get_item_tax_rate_finish (store, wait_answer (&a), &error), -1);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  g_clear_error (&error);
  answer_clear (&a);
  stk_store_item_by_scan_async (store, "NO-SUCH-CODE", NULL, answer_cb, &a);
  cr_assert_not (stk_store_item_by_scan_finish (store, wait_answer (&a), &info, &pack, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  answer_clear (&a);
}

Test (cov_reads, out_arguments_nobody_asked_for_are_left_out)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, NULL);
  g_autoptr(StkListResult) list = NULL;
  g_auto(StkItemInfo) info = { 0 };
  Answer a = { 0 };

  cr_assert (stk_store_item_by_code (store, "R-1", NULL, &error), "%s",
             error ? error->message : "");
  cr_assert (stk_store_item_by_scan (store, "CASE-R1", NULL, NULL, &error), "%s",
             error ? error->message : "");
  /* The item without the pack. */
  cr_assert (stk_store_item_by_scan (store, "R-2", &info, NULL, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (info.id, item2_id);
  cr_assert (stk_store_get_shop_settings (store, NULL, &error), "%s",
             error ? error->message : "");
  stk_store_item_by_scan_async (store, "CASE-R1", NULL, answer_cb, &a);
  cr_assert (stk_store_item_by_scan_finish (store, wait_answer (&a), NULL, NULL, &error), "%s",
             error ? error->message : "");
  answer_clear (&a);

  /* No page asked for: the count only. */
  list = stk_store_list (store, query, NULL, NULL, FALSE, NULL, &error);
  cr_assert_not_null (list, "%s", error ? error->message : "");
  cr_assert_eq (stk_pager_index_get_count (list->index), 2);
  cr_assert_eq (list->pages->len, 0);
  cr_assert_eq (list->page_numbers->len, 0);

  /* Freeing nothing is nothing. */
  stk_item_info_clear (NULL);
  stk_item_info_free (NULL);
  stk_report_free (NULL);
  stk_list_result_free (NULL);
}

Test (cov_reads, a_blank_search_finds_nothing_without_reading)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) blank = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) one = NULL;

  blank = stk_store_search_items (store, "   ", 10, NULL, &error);
  cr_assert_not_null (blank, "%s", error ? error->message : "");
  cr_assert_eq (blank->len, 0);
  none = stk_store_search_items (store, "R", 0, NULL, &error);
  cr_assert_not_null (none, "%s", error ? error->message : "");
  cr_assert_eq (none->len, 0, "a limit of 0 is no row");
  one = stk_store_search_items (store, "R", 1, NULL, &error);
  cr_assert_not_null (one, "%s", error ? error->message : "");
  cr_assert_eq (one->len, 1, "at most the limit");
}

Test (cov_reads, a_day_that_is_not_a_date_is_refused_and_a_day_without_a_close_has_none)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gint64 id = -1;

  cr_assert_not (stk_store_find_day_close (store, 2026, 2, 30, &id, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert_str_eq (error->message, "2026-02-30 is not a date.");
  cr_assert_eq (id, 0);
  g_clear_error (&error);

  cr_assert (stk_store_find_day_close (store, 2001, 1, 1, &id, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (id, 0, "no close that day");
  cr_assert (stk_store_find_day_close (store, g_date_time_get_year (now),
                                       g_date_time_get_month (now),
                                       g_date_time_get_day_of_month (now), &id, &error),
             "%s", error ? error->message : "");
  /* A close made just before midnight falls on the day before: allow for it. */
  if (id != 0)
    cr_assert_eq (id, close_id);
}

/* ---- a damaged inventory -------------------------------------------------------------- */

static void
assert_damaged (GError     *error,
                const char *what)
{
  cr_assert_not_null (error, "%s: no error", what);
  cr_assert_eq (error->domain, STK_ERROR, "%s: %s", what, error->message);
  cr_assert_eq (error->code, STK_ERROR_CORRUPT, "%s: %s", what, error->message);
}

Test (cov_reads, reads_of_damaged_items_say_the_inventory_is_damaged)
{
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) all = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, NULL);
  g_autoptr(StkPagerQuery) search = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, "ruler",
                                                         NULL);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto(StkItemInfo) info = { 0 };
  guint zero = 0;
  gint64 rate = -5;
  gboolean has = 7;
  Answer a = { 0 };

  g_array_append_val (numbers, zero);
  stk_test_damage_items (db_path);
  store = stk_test_open_store (db_path);

  cr_assert_not (stk_store_item_by_id (store, item_id, &info, &error));
  assert_damaged (error, "item by id");
  g_clear_error (&error);
  cr_assert_null (info.code);
  cr_assert_null (stk_store_search_items (store, "ruler", 5, NULL, &error));
  assert_damaged (error, "search");
  g_clear_error (&error);
  cr_assert_null (stk_store_list (store, search, NULL, numbers, FALSE, NULL, &error));
  assert_damaged (error, "list of a search");
  g_clear_error (&error);
  cr_assert_eq (stk_store_position_of (store, all, NULL, item_id, &error), -1);
  assert_damaged (error, "position");
  g_clear_error (&error);
  cr_assert_not (stk_store_get_item_tax_rate (store, item_id, &rate, &error));
  assert_damaged (error, "item tax rate");
  cr_assert_eq (rate, 0);
  g_clear_error (&error);
  cr_assert_not (stk_store_item_by_scan (store, "R-1", &info, NULL, &error));
  assert_damaged (error, "scan");
  g_clear_error (&error);

  stk_store_has_items_async (store, NULL, answer_cb, &a);
  cr_assert_not (stk_store_has_items_finish (store, wait_answer (&a), &has, &error));
  assert_damaged (error, "has items");
  cr_assert_eq (has, 7, "a failed read fills nothing");
  g_clear_error (&error);
  answer_clear (&a);
  stk_store_position_of_async (store, all, NULL, item_id, NULL, answer_cb, &a);
  cr_assert_eq (stk_store_position_of_finish (store, wait_answer (&a), &error), -1);
  assert_damaged (error, "position (async)");
  answer_clear (&a);
}

/* SQLite: fills the root pages of @table and its indexes with 0xff, so that every read of
 * it fails while the inventory still opens (as stk_test_damage_items() does for items). */
static void
damage_table (const char *path,
              const char *table)
{
  g_autoptr(GArray) roots = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *junk = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  gint64 page_size = 0;
  int fd;

  cr_assert_eq (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_prepare_v2 (db, "PRAGMA page_size", -1, &stmt, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_step (stmt), SQLITE_ROW);
  page_size = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  cr_assert_eq (sqlite3_prepare_v2 (db, "SELECT rootpage FROM sqlite_master"
                                    " WHERE tbl_name = ?1 AND rootpage > 1", -1, &stmt, NULL),
                SQLITE_OK);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 root = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (roots, root);
    }
  sqlite3_finalize (stmt);
  cr_assert_eq (sqlite3_close (db), SQLITE_OK);
  cr_assert_gt (roots->len, 0, "%s has no pages", table);

  junk = g_malloc (page_size);
  memset (junk, 0xff, page_size);
  fd = open (path, O_WRONLY);
  cr_assert_geq (fd, 0);
  for (guint i = 0; i < roots->len; i++)
    cr_assert_eq (pwrite (fd, junk, page_size, (g_array_index (roots, gint64, i) - 1) * page_size),
                  page_size);
  cr_assert_eq (close (fd), 0);
}

Test (cov_reads, reads_of_damaged_settings_and_closes_say_the_inventory_is_damaged)
{
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(StkShopSettings) settings = { 0 };
  gint64 id = -5;
  Answer a = { 0 };

  damage_table (db_path, "settings");
  damage_table (db_path, "day_closes");
  store = stk_test_open_store (db_path);

  cr_assert_not (stk_store_get_shop_settings (store, &settings, &error));
  assert_damaged (error, "shop settings");
  cr_assert_null (settings.payment_methods, "a failed read fills nothing");
  g_clear_error (&error);
  stk_store_get_shop_settings_async (store, NULL, answer_cb, &a);
  cr_assert_not (stk_store_get_shop_settings_finish (store, wait_answer (&a), &settings, &error));
  assert_damaged (error, "shop settings (async)");
  cr_assert_null (settings.payment_methods, "a failed read fills nothing");
  g_clear_error (&error);
  answer_clear (&a);

  cr_assert_not (stk_store_find_day_close (store, 2026, 1, 1, &id, &error));
  assert_damaged (error, "find a close");
  cr_assert_eq (id, 0);
  g_clear_error (&error);
  cr_assert_null (stk_store_list_day_closes (store, 5, &error));
  assert_damaged (error, "list the closes");
  g_clear_error (&error);
  cr_assert_null (stk_store_get_day_report (store, close_id, &error));
  assert_damaged (error, "a close's report");
}

/* Every connection of the store is lent out when its file goes away: what needs a new one
 * says why it cannot have it, and writes nothing. */
Test (cov_reads, a_store_whose_file_went_away_while_its_connection_is_lent_says_so)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
  g_autofree char *backup = g_build_filename (tmpdir, "backup.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kept_apart = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  StkEngineConn *lent;
  StkStats stats = { .items = 77 };

  lent = stk_store_acquire_conn (store, &error);
  cr_assert_not_null (lent, "%s", error ? error->message : "");
  cr_assert_eq (g_unlink (db_path), 0);
  g_unlink (wal);
  g_unlink (shm);

  cr_assert_not (stk_store_get_stats (store, &stats, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  cr_assert_eq (stats.items, 0, "the figures are cleared, not half filled");
  g_clear_error (&error);
  kept_apart = stk_store_codes_kept_apart (store, &error);
  cr_assert_null (kept_apart);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  g_clear_error (&error);
  problems = stk_store_verify (store, &error);
  cr_assert_null (problems);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (stk_store_backup (store, backup, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  cr_assert_not (g_file_test (backup, G_FILE_TEST_EXISTS), "no backup was written");
  cr_assert_not (g_file_test (db_path, G_FILE_TEST_EXISTS), "no inventory was created");
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    cr_assert_not_null (dir);
    while ((name = g_dir_read_name (dir)) != NULL)
      cr_assert_null (strstr (name, STK_OUTPUT_TEMP_MARKER), "%s was left", name);
  }
  stk_store_release_conn (store, lent);
}

Test (cov_reads, the_reads_that_check_the_error_argument_take_none)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GArray) closes = NULL;
  g_autoptr(StkTaxReport) report = NULL;
  gint64 id = -5;

  /* No error asked for: the failure still fails, the success still succeeds. */
  cr_assert_not (stk_store_find_day_close (store, 2026, 13, 1, &id, NULL));
  cr_assert_eq (id, 0);
  closes = stk_store_list_day_closes (store, 5, NULL);
  cr_assert_not_null (closes);
  cr_assert_eq (closes->len, 1);
  report = stk_store_tax_report (store, 0, g_get_real_time () + G_USEC_PER_SEC, NULL);
  cr_assert_not_null (report);
  cr_assert_eq (report->total.sales_cents, 2 * 250 + 350 + 2 * 250);
}

/* ---- bad arguments -------------------------------------------------------------------- */

static GString *criticals;

#define REFUSED(call, failure, check)                                                     \
  G_STMT_START {                                                                         \
    gsize _before = criticals->len;                                                      \
    cr_assert_eq ((call), (failure), "%s did not return its failure value", #call);      \
    cr_assert_gt (criticals->len, _before, "%s: no critical", #call);                    \
    cr_assert (strstr (criticals->str + _before, check) != NULL,                         \
               "%s: the critical does not name %s: %s", #call, check,                    \
               criticals->str + _before);                                                \
  } G_STMT_END

#define REFUSED_VOID(call, check)                                                         \
  G_STMT_START {                                                                         \
    gsize _before = criticals->len;                                                      \
    call;                                                                                \
    cr_assert_gt (criticals->len, _before, "%s: no critical", #call);                    \
    cr_assert (strstr (criticals->str + _before, check) != NULL,                         \
               "%s: the critical does not name %s: %s", #call, check,                    \
               criticals->str + _before);                                                \
  } G_STMT_END

Test (cov_reads, the_reads_refuse_bad_arguments_without_reading_or_answering)
{
  g_autoptr(GBytes) before = stk_test_read_bytes (db_path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GObject) not_a_cancellable = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkStore) other = stk_test_open_store (db_path);
  g_autoptr(GTask) foreign = g_task_new (other, NULL, NULL, NULL);
  g_autoptr(GError) set = g_error_new_literal (STK_ERROR, STK_ERROR_FAILED, "already set");
  GCancellable *bad = (GCancellable *) not_a_cancellable;
  GAsyncResult *res = G_ASYNC_RESULT (foreign);
  g_auto(StkItemInfo) info = { 0 };
  gint64 pack = -5, id = -5, rate = -5;
  Answer a = { 0 };

  criticals = g_string_new (NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL);

  REFUSED (stk_store_search_items (NULL, "r", 5, NULL, NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_store_search_items (store, NULL, 5, NULL, NULL), NULL, "text != NULL");
  REFUSED (stk_store_search_items (store, "r", 5, bad, NULL), NULL, "G_IS_CANCELLABLE");
  REFUSED_VOID (stk_store_search_items_async (NULL, "r", 5, NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_store_search_items_async (store, NULL, 5, NULL, answer_cb, &a),
                "text != NULL");
  REFUSED_VOID (stk_store_search_items_async (store, "r", 5, bad, answer_cb, &a),
                "G_IS_CANCELLABLE");
  REFUSED_VOID (stk_store_has_items_async (NULL, NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_store_has_items_async (store, bad, answer_cb, &a), "G_IS_CANCELLABLE");
  REFUSED_VOID (stk_store_list_async (store, (StkPagerQuery *) NULL, NULL, NULL, FALSE, NULL,
                                      answer_cb, &a), "query != NULL");

  /* A result of another store's is not this store's answer. */
  REFUSED (stk_store_search_items_finish (store, res, NULL), NULL, "g_task_is_valid");

  REFUSED (stk_store_item_by_scan (NULL, "R-1", &info, &pack, NULL), FALSE, "STK_IS_STORE");
  REFUSED (stk_store_item_by_scan (store, NULL, &info, &pack, NULL), FALSE, "text != NULL");
  REFUSED_VOID (stk_store_item_by_scan_async (NULL, "R-1", NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_store_item_by_scan_async (store, NULL, NULL, answer_cb, &a), "text != NULL");
  REFUSED_VOID (stk_store_item_by_scan_async (store, "R-1", bad, answer_cb, &a),
                "G_IS_CANCELLABLE");
  REFUSED (stk_store_item_barcodes (NULL, 1, NULL), NULL, "STK_IS_STORE");
  REFUSED_VOID (stk_store_item_barcodes_async (NULL, 1, NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_store_item_barcodes_async (store, 1, bad, answer_cb, &a), "G_IS_CANCELLABLE");
  REFUSED (stk_store_read_sale (NULL, 1, NULL), NULL, "STK_IS_STORE");
  REFUSED_VOID (stk_store_read_sale_async (NULL, 1, NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_store_read_sale_async (store, 1, bad, answer_cb, &a), "G_IS_CANCELLABLE");
  REFUSED (stk_store_get_shop_settings (NULL, NULL, NULL), FALSE, "STK_IS_STORE");
  REFUSED_VOID (stk_store_get_shop_settings_async (NULL, NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_store_get_shop_settings_async (store, bad, answer_cb, &a),
                "G_IS_CANCELLABLE");
  REFUSED_VOID (stk_shop_settings_clear (NULL), "settings != NULL");

  REFUSED (stk_store_get_day_report (NULL, 0, NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_store_get_day_report (store, -1, NULL), NULL, "close_id >= 0");
  REFUSED (stk_store_get_day_report (store, 0, &set), NULL, "*error == NULL");
  REFUSED_VOID (stk_store_get_day_report_async (NULL, 0, NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_store_get_day_report_async (store, -1, NULL, answer_cb, &a),
                "close_id >= 0");
  REFUSED_VOID (stk_store_get_day_report_async (store, 0, bad, answer_cb, &a),
                "G_IS_CANCELLABLE");
  REFUSED (stk_store_find_day_close (NULL, 2026, 1, 1, &id, NULL), FALSE, "STK_IS_STORE");
  REFUSED (stk_store_find_day_close (store, 2026, 1, 1, NULL, NULL), FALSE, "out_id != NULL");
  REFUSED (stk_store_find_day_close (store, 2026, 1, 1, &id, &set), FALSE, "*error == NULL");
  cr_assert_eq (id, -5, "a refused read fills nothing");
  REFUSED (stk_store_list_day_closes (NULL, 5, NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_store_list_day_closes (store, 5, &set), NULL, "*error == NULL");
  REFUSED_VOID (stk_store_list_day_closes_async (NULL, 5, NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_store_list_day_closes_async (store, 5, bad, answer_cb, &a),
                "G_IS_CANCELLABLE");

  REFUSED (stk_store_list_tax_rates (NULL, NULL), NULL, "STK_IS_STORE");
  REFUSED_VOID (stk_store_list_tax_rates_async (NULL, NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_store_list_tax_rates_async (store, bad, answer_cb, &a), "G_IS_CANCELLABLE");
  REFUSED (stk_store_tax_report (NULL, 0, 1, NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_store_tax_report (store, 2, 1, NULL), NULL, "from_us <= to_us");
  REFUSED (stk_store_tax_report (store, 0, 1, &set), NULL, "*error == NULL");
  REFUSED_VOID (stk_store_tax_report_async (NULL, 0, 1, NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_store_tax_report_async (store, 2, 1, NULL, answer_cb, &a),
                "from_us <= to_us");
  REFUSED_VOID (stk_store_tax_report_async (store, 0, 1, bad, answer_cb, &a),
                "G_IS_CANCELLABLE");
  REFUSED (stk_store_get_item_tax_rate (NULL, 1, &rate, NULL), FALSE, "STK_IS_STORE");
  REFUSED (stk_store_get_item_tax_rate (store, 1, NULL, NULL), FALSE, "out_rate_id != NULL");
  cr_assert_eq (rate, -5, "a refused read fills nothing");
  REFUSED_VOID (stk_store_get_item_tax_rate_async (NULL, 1, NULL, answer_cb, &a),
                "STK_IS_STORE");
  REFUSED_VOID (stk_store_get_item_tax_rate_async (store, 1, bad, answer_cb, &a),
                "G_IS_CANCELLABLE");
  cr_assert_null (info.code, "a refused read fills nothing");
  cr_assert_eq (pack, -5, "a refused read fills nothing");

  /* No refused call answers, none holds the store, nothing was written. */
  cr_assert (stk_test_drain ());
  cr_assert_eq (a.calls, 0, "a refused call answered");
  cr_assert (stk_test_wait_refs (store, 1, WAIT_MS), "a refused read holds the store");
  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after), "the inventory is byte-for-byte unchanged");
  g_string_free (criticals, TRUE);
  criticals = NULL;
}
