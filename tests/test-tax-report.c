/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tax report (stk_store_tax_report(), data/stk-tax.h): per rate and period, sales by
 * the time they were sold (with their voids, whenever voided), returns by the time they
 * were made; net total, tax and taxable amount; totals; an inventory before format 9
 * (no tax); `stocktake report tax` as text and JSON, its dates and exit statuses. The
 * expected figures are computed from the prices with stk_tax_line() and
 * stk_tax_return(), the rules the sale and the return follow. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <string.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-schema.h"
#include "stk-store.h"
#include "stk-tax.h"
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

TestSuite (tax_report, .init = setup, .fini = teardown);

/* ---- helpers ---- */

static gint64
submit_ok (StkOp *op)
{
  g_autoptr(StkOp) owned = op;
  g_autoptr(GError) error = NULL;

  cr_assert (stk_writer_submit_sync (writer, owned, &error), "%s: %s",
             stk_op_get_description (owned), error ? error->message : "");
  return stk_op_get_row_id (owned);
}

static gint64
item (const char *code,
      gint64      price_cents)
{
  gint64 id = submit_ok (stk_op_create_item (code, "thing", price_cents, 0));

  submit_ok (stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, 1000, "in", 0));
  return id;
}

/* Local midnight of @year-@month-@day, plus @hours. */
static gint64
at (int year,
    int month,
    int day,
    int hours)
{
  g_autoptr(GDateTime) t = g_date_time_new_local (year, month, day, hours, 0, 0);

  return g_date_time_to_unix (t) * G_USEC_PER_SEC;
}

static gint64
sell_at (const char *code,
         gint64      quantity,
         gint64      at_us)
{
  StkSaleLineSpec line = { .code = code, .quantity = quantity, .unit_price_cents = -1 };

  return submit_ok (stk_op_sell (&line, 1, "cash", NULL, at_us));
}

static StkTaxReport *
report_of (gint64 from_us,
           gint64 to_us)
{
  g_autoptr(GError) error = NULL;
  StkTaxReport *report = stk_store_tax_report (store, from_us, to_us, &error);

  cr_assert_not_null (report, "%s", error ? error->message : "");
  return report;
}

typedef struct
{
  gint64 sales, sales_tax, voids, voids_tax, returns, returns_tax;
} Expected;

static void
assert_rate (const StkTaxReportRate *r,
             const char             *name,
             gint64                  rate_bp,
             const Expected         *e)
{
  cr_assert_str_eq (r->name, name);
  cr_assert_eq (r->rate_bp, rate_bp, "%s: rate %" G_GINT64_FORMAT, name, r->rate_bp);
  cr_assert_eq (r->sales_cents, e->sales, "%s: sales %" G_GINT64_FORMAT " ≠ %" G_GINT64_FORMAT,
                name, r->sales_cents, e->sales);
  cr_assert_eq (r->sales_tax_cents, e->sales_tax, "%s: sales tax %" G_GINT64_FORMAT, name,
                r->sales_tax_cents);
  cr_assert_eq (r->voids_cents, e->voids, "%s: voids %" G_GINT64_FORMAT, name, r->voids_cents);
  cr_assert_eq (r->voids_tax_cents, e->voids_tax, "%s: voids tax", name);
  cr_assert_eq (r->returns_cents, e->returns, "%s: returns %" G_GINT64_FORMAT, name,
                r->returns_cents);
  cr_assert_eq (r->returns_tax_cents, e->returns_tax, "%s: returns tax", name);
  cr_assert_eq (r->net_cents, e->sales - e->voids - e->returns, "%s: net", name);
  cr_assert_eq (r->net_tax_cents, e->sales_tax - e->voids_tax - e->returns_tax, "%s: net tax", name);
  cr_assert_eq (r->net_taxable_cents, r->net_cents - r->net_tax_cents, "%s: net taxable", name);
}

/* The shop of the tests, November 2025:
 *   CC (5.00, no tax) ×1 on the 4th, sold before the shop had a default rate;
 *   AA (12.20, its own rate "VAT 22", 22 %) ×3 on the 2nd, one of them returned on the
 *     10th; ×1 on the 5th, voided today; ×1 on October 30th, voided today;
 *   BB (10.55, the shop's default "VAT 5.5", 5.5 %) ×2 on the 3rd, one returned on
 *     December 2nd. */
#define PRICE_A 1220
#define PRICE_B 1055
#define PRICE_C 500

typedef struct
{
  gint64 a3_line, b2_line;
} Shop;

static Shop
make_shop (void)
{
  gint64 a = item ("AA", PRICE_A);
  gint64 vat22, vat55, a1, a_oct;
  Shop shop;

  item ("BB", PRICE_B);
  item ("CC", PRICE_C);
  sell_at ("CC", 1, at (2025, 11, 4, 10));

  vat22 = submit_ok (stk_op_save_tax_rate (0, "VAT 22", 2200));
  vat55 = submit_ok (stk_op_save_tax_rate (0, "VAT 5.5", 550));
  cr_assert_gt (vat22, 0);
  cr_assert_gt (vat55, 0);
  submit_ok (stk_op_set_item_tax_rate (a, vat22));
  submit_ok (stk_op_set_default_tax_rate (vat55));

  shop.a3_line = sell_at ("AA", 3, at (2025, 11, 2, 9));
  shop.b2_line = sell_at ("BB", 2, at (2025, 11, 3, 9));
  a1 = sell_at ("AA", 1, at (2025, 11, 5, 12));
  a_oct = sell_at ("AA", 1, at (2025, 10, 30, 12));
  submit_ok (stk_op_void_sale (a1));
  submit_ok (stk_op_void_sale (a_oct));
  submit_ok (stk_op_return_sale_line (shop.a3_line, 1, -1, "broken", at (2025, 11, 10, 15)));
  submit_ok (stk_op_return_sale_line (shop.b2_line, 1, -1, "", at (2025, 12, 2, 15)));
  return shop;
}

/* ---- the read ---- */

Test (tax_report, per_rate_by_sale_time_with_voids_and_returns)
{
  g_autoptr(StkTaxReport) nov = NULL;
  g_autoptr(StkTaxReport) dec = NULL;
  g_autoptr(StkTaxReport) oct = NULL;
  gint64 a3 = 3 * PRICE_A, a1 = PRICE_A, b2 = 2 * PRICE_B;
  gint64 a3_tax = stk_tax_line (a3, 2200, TRUE);
  gint64 a1_tax = stk_tax_line (a1, 2200, TRUE);
  gint64 b2_tax = stk_tax_line (b2, 550, TRUE);
  /* One of three returned: a third of the line's total, its tax in proportion. */
  gint64 a_refund = a3 / 3;
  gint64 a_refund_tax = stk_tax_return (a3, a3_tax, 0, 0, a_refund);
  gint64 b_refund = b2 / 2;
  gint64 b_refund_tax = stk_tax_return (b2, b2_tax, 0, 0, b_refund);
  Expected e22, e55, enone;

  make_shop ();
  cr_assert_gt (a3_tax, 0);
  cr_assert_gt (a_refund_tax, 0);

  nov = report_of (at (2025, 11, 1, 0), at (2025, 12, 1, 0));
  cr_assert_eq (nov->from_us, at (2025, 11, 1, 0));
  cr_assert_eq (nov->to_us, at (2025, 12, 1, 0));
  cr_assert_eq (nov->rates->len, 3);
  /* The biggest rate first, no tax last. */
  e22 = (Expected) { a3 + a1, a3_tax + a1_tax, a1, a1_tax, a_refund, a_refund_tax };
  assert_rate (g_ptr_array_index (nov->rates, 0), "VAT 22", 2200, &e22);
  e55 = (Expected) { b2, b2_tax, 0, 0, 0, 0 };
  assert_rate (g_ptr_array_index (nov->rates, 1), "VAT 5.5", 550, &e55);
  enone = (Expected) { PRICE_C, 0, 0, 0, 0, 0 };
  assert_rate (g_ptr_array_index (nov->rates, 2), "", -1, &enone);
  assert_rate (&nov->total, "", -1,
               &(Expected) { e22.sales + e55.sales + enone.sales, e22.sales_tax + e55.sales_tax,
                             e22.voids, e22.voids_tax, e22.returns, e22.returns_tax });
  /* The voided sale is wholly off: net = two of AA kept, two BB, one CC. */
  cr_assert_eq (nov->total.net_cents, 2 * PRICE_A + 2 * PRICE_B + PRICE_C);
  cr_assert (stk_tax_report_any (nov));

  /* December: only BB's return (the voids made today count in November, and October). */
  dec = report_of (at (2025, 12, 1, 0), at (2026, 1, 1, 0));
  cr_assert_eq (dec->rates->len, 1);
  assert_rate (g_ptr_array_index (dec->rates, 0), "VAT 5.5", 550,
               &(Expected) { 0, 0, 0, 0, b_refund, b_refund_tax });
  cr_assert_eq (dec->total.net_cents, -b_refund);
  cr_assert_eq (dec->total.net_taxable_cents, -(b_refund - b_refund_tax));
  cr_assert (stk_tax_report_any (dec));

  /* October 30th's sale: sold and voided in October, nothing net. */
  oct = report_of (at (2025, 10, 1, 0), at (2025, 11, 1, 0));
  cr_assert_eq (oct->rates->len, 1);
  assert_rate (g_ptr_array_index (oct->rates, 0), "VAT 22", 2200,
               &(Expected) { a1, a1_tax, a1, a1_tax, 0, 0 });
  cr_assert_eq (oct->total.net_cents, 0);
}

Test (tax_report, the_period_is_half_open_and_empty_periods_are_empty)
{
  g_autoptr(StkTaxReport) before = NULL;
  g_autoptr(StkTaxReport) first = NULL;
  g_autoptr(StkTaxReport) none = NULL;

  make_shop ();
  /* [.., Nov 2 9:00): not AA's sale at 9:00 itself; [9:00, ..): it. */
  before = report_of (at (2025, 11, 2, 0), at (2025, 11, 2, 9));
  cr_assert_eq (before->rates->len, 0);
  cr_assert_not (stk_tax_report_any (before));
  cr_assert_eq (before->total.net_cents, 0);
  first = report_of (at (2025, 11, 2, 9), at (2025, 11, 2, 10));
  cr_assert_eq (first->rates->len, 1);
  cr_assert_eq (((StkTaxReportRate *) g_ptr_array_index (first->rates, 0))->sales_cents, 3 * PRICE_A);

  /* Only the untaxed line: nothing taxed. */
  none = report_of (at (2025, 11, 4, 0), at (2025, 11, 5, 0));
  cr_assert_eq (none->rates->len, 1);
  cr_assert_not (stk_tax_report_any (none));
}

static void
report_ready_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  StkTaxReport **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = stk_store_tax_report_finish (STK_STORE (object), result, &error);
  cr_assert_not_null (*out, "%s", error ? error->message : "");
}

Test (tax_report, async_gives_the_same)
{
  g_autoptr(StkTaxReport) sync = NULL;
  g_autoptr(StkTaxReport) async = NULL;

  make_shop ();
  sync = report_of (at (2025, 11, 1, 0), at (2025, 12, 1, 0));
  stk_store_tax_report_async (store, at (2025, 11, 1, 0), at (2025, 12, 1, 0), NULL,
                              report_ready_cb, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  cr_assert_eq (async->rates->len, sync->rates->len);
  for (guint i = 0; i < sync->rates->len; i++)
    {
      const StkTaxReportRate *s = g_ptr_array_index (sync->rates, i);
      const StkTaxReportRate *a = g_ptr_array_index (async->rates, i);

      cr_assert_str_eq (a->name, s->name);
      cr_assert_eq (a->net_cents, s->net_cents);
      cr_assert_eq (a->net_tax_cents, s->net_tax_cents);
    }
}

Test (tax_report, an_inventory_before_tax_has_every_line_untaxed)
{
  g_autoptr(StkTaxReport) nov = NULL;
  sqlite3 *db = NULL;

  make_shop ();
  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, STK_TEST_DOWNGRADE_TO_9_SQL, NULL, NULL, NULL), SQLITE_OK, "%s",
                sqlite3_errmsg (db));
  cr_assert_eq (sqlite3_exec (db, STK_TEST_DOWNGRADE_TO_8_SQL "PRAGMA user_version = 8;",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  store = stk_test_open_store (db_path);
  nov = report_of (at (2025, 11, 1, 0), at (2025, 12, 1, 0));
  cr_assert_eq (nov->rates->len, 1);
  assert_rate (g_ptr_array_index (nov->rates, 0), "", -1,
               &(Expected) { 4 * PRICE_A + 2 * PRICE_B + PRICE_C, 0, PRICE_A, 0, PRICE_A, 0 });
  cr_assert_not (stk_tax_report_any (nov));
}

/* ---- the command line ---- */

/* "48.80" (C.UTF-8). */
static char *
money (gint64 cents)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%02" G_GINT64_FORMAT, cents / 100, cents % 100);
}

Test (tax_report, report_tax_on_the_command_line)
{
  g_auto(StkTestRun) run = { 0 };
  gint64 a3 = 3 * PRICE_A, b2 = 2 * PRICE_B;
  gint64 a3_tax = stk_tax_line (a3, 2200, TRUE);
  gint64 a1_tax = stk_tax_line (PRICE_A, 2200, TRUE);
  gint64 b2_tax = stk_tax_line (b2, 550, TRUE);
  gint64 a_refund_tax = stk_tax_return (a3, a3_tax, 0, 0, PRICE_A);
  gint64 net22 = a3 - PRICE_A, tax22 = a3_tax - a_refund_tax;
  g_autofree char *json22 = NULL;
  g_autofree char *json55 = NULL;
  g_autofree char *total = NULL;
  g_autofree char *row22 = NULL;

  make_shop ();
  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));

  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "tax", "--from", "2025-11-01",
                                 "--to", "2025-11-30", "--json", NULL), 0, "%s", run.err);
  json22 = g_strdup_printf ("{\"name\": \"VAT 22\", \"rate_bp\": 2200, \"sales_cents\": %" G_GINT64_FORMAT
                            ", \"sales_tax_cents\": %" G_GINT64_FORMAT ", \"voids_cents\": %d"
                            ", \"voids_tax_cents\": %" G_GINT64_FORMAT ", \"returns_cents\": %d"
                            ", \"returns_tax_cents\": %" G_GINT64_FORMAT ", \"net_cents\": %" G_GINT64_FORMAT
                            ", \"net_tax_cents\": %" G_GINT64_FORMAT
                            ", \"net_taxable_cents\": %" G_GINT64_FORMAT "}",
                            a3 + PRICE_A, a3_tax + a1_tax, PRICE_A, a1_tax, PRICE_A, a_refund_tax,
                            net22, tax22, net22 - tax22);
  cr_assert (strstr (run.out, json22) != NULL, "%s\nnot in\n%s", json22, run.out);
  json55 = g_strdup_printf ("{\"name\": \"VAT 5.5\", \"rate_bp\": 550, \"sales_cents\": %" G_GINT64_FORMAT
                            ", \"sales_tax_cents\": %" G_GINT64_FORMAT ",",
                            b2, b2_tax);
  cr_assert (strstr (run.out, json55) != NULL, "%s\nnot in\n%s", json55, run.out);
  cr_assert (strstr (run.out, "{\"name\": null, \"rate_bp\": null, \"sales_cents\": 500, "
                              "\"sales_tax_cents\": 0,") != NULL, "%s", run.out);
  total = g_strdup_printf ("\"total\": {\"sales_cents\": %" G_GINT64_FORMAT ",",
                           a3 + PRICE_A + b2 + PRICE_C);
  cr_assert (strstr (run.out, total) != NULL, "%s\nnot in\n%s", total, run.out);
  cr_assert (strstr (run.out, "\"from\": \"2025-11-01T00:00:00") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "\"to\": \"2025-12-01T00:00:00") != NULL, "%s", run.out);

  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "tax", "--from", "2025-11-01",
                                 "--to", "2025-11-30", NULL), 0, "%s", run.err);
  cr_assert (strstr (run.out, "Tax from 2025-11-01 to 2025-11-30") != NULL, "%s", run.out);
  /* VAT 22: name, rate, sales, voided, returned, net, taxable, tax (spaces squeezed). */
  {
    const char *line = strstr (run.out, "VAT 22  ");
    g_autoptr(GRegex) spaces = g_regex_new (" +", 0, 0, NULL);
    g_autofree char *row = NULL;
    g_autofree char *m_sales = money (a3 + PRICE_A);
    g_autofree char *m_void = money (PRICE_A);
    g_autofree char *m_net = money (net22);
    g_autofree char *m_taxable = money (net22 - tax22);
    g_autofree char *m_tax = money (tax22);
    g_autofree char *expected = NULL;

    cr_assert_not_null (line, "%s", run.out);
    row = g_strndup (line, strcspn (line, "\n"));
    row22 = g_regex_replace_literal (spaces, row, -1, 0, " ", 0, NULL);
    expected = g_strdup_printf ("VAT 22 22 %% %s −%s −%s %s %s %s", m_sales, m_void, m_void, m_net,
                                m_taxable, m_tax);
    cr_assert_str_eq (row22, expected);
  }
  cr_assert (strstr (run.out, "No tax") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "\n\nTotal  ") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "VAT 5.5") != NULL && strstr (run.out, "5.5 %") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "VAT 5.5") > strstr (run.out, "VAT 22"), "%s", run.out);

  /* --from alone: to the end of that month. */
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "tax", "--from", "2025-12-01", "--json",
                                 NULL), 0, "%s", run.err);
  cr_assert (strstr (run.out, "\"to\": \"2026-01-01T00:00:00") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "\"returns_cents\": 1055,") != NULL, "%s", run.out);
  /* Nothing in the period. */
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "tax", "--from", "2024-01-01", "--to",
                                 "2024-01-31", NULL), 0, "%s", run.err);
  cr_assert (strstr (run.out, "Nothing was sold nor returned in this period.") != NULL, "%s", run.out);
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "tax", "--from", "2024-01-01", "--to",
                                 "2024-01-31", "--json", NULL), 0, "%s", run.err);
  cr_assert (strstr (run.out, "\"rates\": [],\n  \"total\": {\"sales_cents\": 0,") != NULL, "%s",
             run.out);
  /* The default, this month: it runs. */
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "tax", NULL), 0, "%s", run.err);

  /* Usage (2) and bad input (65). */
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "tax", "--from", "2025-02-30", NULL), 2);
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "tax", "--to", "November", NULL), 2);
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "tax", "--date", "2025-11-01", NULL), 2);
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "day", "--from", "2025-11-01", NULL), 2);
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "tax", "--from", "2025-12-01", "--to",
                                 "2025-11-30", NULL), 65);
  cr_assert (strstr (run.err, "comes after") != NULL, "%s", run.err);
}
