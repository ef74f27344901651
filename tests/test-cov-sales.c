/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every write of the till, the close of the day and tax when the disk fails a read at
 * any one of its statements (issue 20, branch coverage of data/sqlite/stk-sqlite-sales.c,
 * stk-sqlite-day.c, stk-sqlite-tax.c): a sale of several lines by code and by barcode,
 * a void, a return, the close of the day, saving, removing and choosing tax rates,
 * barcodes, the shop's rules, items and movements. Each fails with the I/O error and
 * leaves every table as it was, or — when the armed statement never comes — succeeds. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "stk-error.h"
#include "stk-faultvfs.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-sale.h"
#include "stk-day.h"
#include "stk-tax.h"
#include "stk-stmt-faults.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static void
setup (void)
{
  stk_stmt_faults_install ();
  stk_test_fixture_setup ();
}

static void
teardown (void)
{
  stk_stmt_faults_disarm ();
  stk_test_fixture_teardown ();
}

TestSuite (cov_sales, .init = setup, .fini = teardown, .timeout = 600);

/* Every table of the inventory, the record of applied ops included. */
static const char *const every_table[] = {
  "SELECT * FROM items ORDER BY id",
  "SELECT * FROM movements ORDER BY id",
  "SELECT * FROM sales ORDER BY id",
  "SELECT * FROM sale_voids ORDER BY sale_id",
  "SELECT * FROM returns ORDER BY id",
  "SELECT * FROM barcodes ORDER BY 1",
  "SELECT * FROM settings ORDER BY key",
  "SELECT * FROM receipt_numbers ORDER BY series, number",
  "SELECT * FROM tax_rates ORDER BY id",
  "SELECT * FROM day_closes ORDER BY id",
  "SELECT * FROM day_close_methods ORDER BY 1, 2",
  "SELECT * FROM day_close_taxes ORDER BY 1, 2",
  "SELECT * FROM applied_ops ORDER BY 1",
  NULL
};

static char *
make_template (void)
{
  return stk_stmt_faults_make_shop (tmpdir);
}

typedef StkOp *(*MakeOp) (void);

/* A function pointer carried as data (ISO C converts no function pointer to void *). */
typedef struct
{
  MakeOp make;
} OpCall;

static gboolean
op_run (const char  *db,
        guint        nth,
        gpointer     data,
        GError     **error)
{
  const OpCall *call = data;
  StkOp *op = call->make ();
  StkWriter *writer = stk_test_open_writer (db);
  gboolean ok;

  stk_stmt_faults_arm (nth);
  ok = stk_writer_submit_sync (writer, op, error);
  stk_stmt_faults_disarm ();
  stk_op_unref (op);
  stk_test_close_writer (writer);
  return ok;
}

static void
sweep (MakeOp      make,
       const char *what)
{
  g_autofree char *template = make_template ();
  g_autofree char *work = g_build_filename (tmpdir, "work.db", NULL);
  OpCall call = { make };
  guint failed;

  failed = stk_stmt_faults_sweep (template, work, every_table, STK_ERROR, STK_ERROR_IO, op_run,
                                  &call);
  cr_assert_geq (failed, 1, "%s: no call failed", what);
}

/* ---- the till ---- */

static StkOp *
make_sell (void)
{
  static const StkSaleLineSpec lines[] = {
    { "CASE-A1", 1, -1, 0 },   /* a case of 6, by its barcode */
    { "b-2", 2, 500, 50 },     /* another case of the code, its own price and a discount */
    { "C-3", 1, -1, 0 },
  };

  return stk_op_sell (lines, G_N_ELEMENTS (lines), "Cash", "a note", 0);
}

Test (cov_sales, a_sale_of_several_lines_under_a_read_error_records_nothing)
{
  sweep (make_sell, "sell");
}

static StkOp *
make_void (void)
{
  return stk_op_void_sale_with_reason (3, "wrong item");
}

Test (cov_sales, a_void_under_a_read_error_voids_nothing)
{
  sweep (make_void, "void");
}

static StkOp *
make_return (void)
{
  return stk_op_return_sale_line (2, 1, -1, "faulty", 0);
}

Test (cov_sales, a_return_under_a_read_error_takes_nothing_back)
{
  sweep (make_return, "return");
}

static StkOp *
make_record_sale (void)
{
  return stk_op_record_sale ("C-3", 2, -1, 0);
}

Test (cov_sales, a_single_sale_under_a_read_error_records_nothing)
{
  sweep (make_record_sale, "record sale");
}

static StkOp *
make_barcodes (void)
{
  static const StkBarcode codes[] = { { (char *) "CASE-A1", 12 }, { (char *) "BOX-A1", 3 } };

  return stk_op_set_barcodes (1, codes, G_N_ELEMENTS (codes));
}

Test (cov_sales, barcodes_under_a_read_error_stay_as_they_were)
{
  sweep (make_barcodes, "set barcodes");
}

static StkOp *
make_add_barcode (void)
{
  return stk_op_add_barcode ("B-2", "CASE-B2", 10);
}

Test (cov_sales, a_barcode_added_under_a_read_error_is_not_added)
{
  sweep (make_add_barcode, "add barcode");
}

/* ---- the close of the day ---- */

static StkOp *
make_close_day (void)
{
  return stk_op_close_day (5000, "second close");
}

Test (cov_sales, a_close_of_the_day_under_a_read_error_closes_nothing)
{
  sweep (make_close_day, "close day");
}

/* ---- tax ---- */

static StkOp *
make_new_rate (void)
{
  return stk_op_save_tax_rate (0, "Super", 400 + 1);
}

static StkOp *
make_changed_rate (void)
{
  return stk_op_save_tax_rate (2, "Reduced more", 500);
}

static StkOp *
make_remove_rate (void)
{
  return stk_op_remove_tax_rate (3);
}

static StkOp *
make_default_rate (void)
{
  return stk_op_set_default_tax_rate (2);
}

static StkOp *
make_item_rate (void)
{
  return stk_op_set_item_tax_rate (3, 3);
}

static StkOp *
make_prices_exclude_tax (void)
{
  return stk_op_set_prices_include_tax (FALSE);
}

static StkOp *
make_rounding (void)
{
  return stk_op_set_tax_rounding (STK_TAX_ROUND_RECEIPT);
}

Test (cov_sales, tax_rates_changed_under_a_read_error_stay_as_they_were)
{
  sweep (make_new_rate, "new rate");
  sweep (make_changed_rate, "changed rate");
  sweep (make_remove_rate, "removed rate");
  sweep (make_default_rate, "default rate");
  sweep (make_item_rate, "item's rate");
  sweep (make_prices_exclude_tax, "prices exclude tax");
  sweep (make_rounding, "rounding");
}

/* ---- the shop's rules, items, movements ---- */

static StkOp *
make_methods (void)
{
  static const char *const methods[] = { "Card", "Cash", "Voucher", NULL };

  return stk_op_set_payment_methods (methods);
}

static StkOp *
make_series (void)
{
  return stk_op_set_receipt_series (STK_RECEIPT_SERIES_CONTINUOUS);
}

static StkOp *
make_negative (void)
{
  return stk_op_set_allow_negative_stock (TRUE);
}

Test (cov_sales, the_shop_s_rules_changed_under_a_read_error_stay_as_they_were)
{
  sweep (make_methods, "payment methods");
  sweep (make_series, "receipt series");
  sweep (make_negative, "negative stock");
}

static StkOp *
make_update_item (void)
{
  return stk_op_update_item (1, "A-1x", "bolt, longer", 110, 2);
}

static StkOp *
make_delete_item (void)
{
  return stk_op_delete_item (4);
}

static StkOp *
make_count (void)
{
  return stk_op_record_movement ("B-2", STK_MOVEMENT_COUNT, 7, "counted", 0);
}

Test (cov_sales, items_and_movements_under_a_read_error_stay_as_they_were)
{
  sweep (make_update_item, "update item");
  sweep (make_delete_item, "delete item");
  sweep (make_count, "count");
}

/* ---- reads ---- */

/* A read of the till, the close or tax: TRUE with what it read checked, FALSE with
 * @error. */
typedef gboolean (*ReadCall) (StkStore  *store,
                              GError   **error);

typedef struct
{
  ReadCall call;
} ReadCallBox;

static gboolean
read_run (const char  *db,
          guint        nth,
          gpointer     data,
          GError     **error)
{
  const ReadCallBox *box = data;
  g_autoptr(StkStore) store = stk_test_open_store (db);
  gboolean ok;

  stk_stmt_faults_arm (nth);
  ok = box->call (store, error);
  stk_stmt_faults_disarm ();
  return ok;
}

static void
sweep_read (ReadCall    call,
            const char *what)
{
  g_autofree char *template = make_template ();
  g_autofree char *work = g_build_filename (tmpdir, "work.db", NULL);
  static const char *const nothing[] = { "SELECT count(*) FROM applied_ops", NULL };
  ReadCallBox box = { call };
  guint failed;

  failed = stk_stmt_faults_sweep (template, work, nothing, STK_ERROR, STK_ERROR_IO, read_run,
                                  &box);
  cr_assert_geq (failed, 1, "%s: no call failed", what);
}

static gboolean
read_sale (StkStore  *store,
           GError   **error)
{
  g_autoptr(StkSaleDetail) sale = stk_store_read_sale (store, 2, error);

  if (sale == NULL)
    return FALSE;
  cr_assert_eq (sale->sale_id, 1);
  cr_assert_eq (sale->lines->len, 2);
  cr_assert_eq (sale->returns->len, 1);
  cr_assert_str_eq (sale->payment, "Card");
  cr_assert_str_eq (sale->note, "first");
  cr_assert (g_str_has_suffix (sale->receipt, "/1"), "%s", sale->receipt);
  cr_assert_str_eq (((StkSaleLine *) g_ptr_array_index (sale->lines, 1))->tax_name, "Reduced");
  return TRUE;
}

static gboolean
read_scan (StkStore  *store,
           GError   **error)
{
  g_auto(StkItemInfo) info = { 0 };
  gint64 pack = 0;

  if (!stk_store_item_by_scan (store, "case-a1", &info, &pack, error))
    return FALSE;
  cr_assert_eq (info.id, 1);
  cr_assert_eq (pack, 6);
  return TRUE;
}

static gboolean
read_scan_code (StkStore  *store,
                GError   **error)
{
  g_auto(StkItemInfo) info = { 0 };
  gint64 pack = 0;

  if (!stk_store_item_by_scan (store, "b-2", &info, &pack, error))
    return FALSE;
  cr_assert_eq (info.id, 2);
  cr_assert_eq (pack, 1);
  cr_assert_eq (info.tax_rate_bp, 1000);
  return TRUE;
}

static gboolean
read_barcodes (StkStore  *store,
               GError   **error)
{
  g_autoptr(GArray) codes = stk_store_item_barcodes (store, 1, error);

  if (codes == NULL)
    return FALSE;
  cr_assert_eq (codes->len, 1);
  return TRUE;
}

static gboolean
read_settings (StkStore  *store,
               GError   **error)
{
  g_auto(StkShopSettings) settings = { 0 };

  if (!stk_store_get_shop_settings (store, &settings, error))
    return FALSE;
  cr_assert_eq (settings.receipt_series, STK_RECEIPT_SERIES_YEARLY);
  cr_assert_eq (settings.default_tax_rate, 1);
  cr_assert_str_eq (settings.payment_methods[1], "Card");
  return TRUE;
}

static gboolean
read_day_report (StkStore  *store,
                 GError   **error)
{
  g_autoptr(StkDayReport) report = stk_store_get_day_report (store, 0, error);

  if (report == NULL)
    return FALSE;
  cr_assert_eq (report->sales, 1);
  return TRUE;
}

static gboolean
read_closed_day (StkStore  *store,
                 GError   **error)
{
  g_autoptr(StkDayReport) report = stk_store_get_day_report (store, 1, error);

  if (report == NULL)
    return FALSE;
  cr_assert_eq (report->close_id, 1);
  cr_assert_eq (report->sales, 2);
  return TRUE;
}

static gboolean
read_closes (StkStore  *store,
             GError   **error)
{
  g_autoptr(GArray) closes = stk_store_list_day_closes (store, 10, error);

  if (closes == NULL)
    return FALSE;
  cr_assert_eq (closes->len, 1);
  return TRUE;
}

static gboolean
read_find_close (StkStore  *store,
                 GError   **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gint64 id = -1;

  if (!stk_store_find_day_close (store, g_date_time_get_year (now),
                                 g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), &id, error))
    return FALSE;
  cr_assert_geq (id, 0);
  return TRUE;
}

static gboolean
read_rates (StkStore  *store,
            GError   **error)
{
  g_autoptr(GPtrArray) rates = stk_store_list_tax_rates (store, error);

  if (rates == NULL)
    return FALSE;
  cr_assert_eq (rates->len, 3);
  return TRUE;
}

static gboolean
read_tax_report (StkStore  *store,
                 GError   **error)
{
  g_autoptr(StkTaxReport) report = stk_store_tax_report (store, 0, G_MAXINT64, error);

  return report != NULL;
}

static gboolean
read_item_rate (StkStore  *store,
                GError   **error)
{
  gint64 rate = -1;

  if (!stk_store_get_item_tax_rate (store, 2, &rate, error))
    return FALSE;
  cr_assert_eq (rate, 2);
  return TRUE;
}

Test (cov_sales, a_read_of_the_till_under_a_read_error_fails_with_it)
{
  sweep_read (read_sale, "read sale");
  sweep_read (read_scan, "scan a barcode");
  sweep_read (read_scan_code, "scan a code");
  sweep_read (read_barcodes, "barcodes");
  sweep_read (read_settings, "shop settings");
}

Test (cov_sales, a_read_of_the_close_under_a_read_error_fails_with_it)
{
  sweep_read (read_day_report, "day report");
  sweep_read (read_closed_day, "closed day");
  sweep_read (read_closes, "closes");
  sweep_read (read_find_close, "find close");
}

Test (cov_sales, a_read_of_tax_under_a_read_error_fails_with_it)
{
  sweep_read (read_rates, "tax rates");
  sweep_read (read_tax_report, "tax report");
  sweep_read (read_item_rate, "item's rate");
}
