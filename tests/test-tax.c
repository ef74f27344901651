/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tax (format 9, issue 21): the rounding arithmetic against exact fractions, the shop's
 * rates and rules as ops, the tax each sale line and return stores (and keeps when a
 * rate changes), the schema refusing a tax off by a cent, and the close of the day's
 * tax by payment and by rate, recomputed by verify. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "stk-day.h"
#include "stk-error.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-sale.h"
#include "stk-store.h"
#include "stk-tax.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

/* 128-bit integers (GCC and Clang), for products of amounts and rates that never
 * overflow. */
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

/* |tax × den − amount × rate| < den: within a cent of the exact tax. */
static gboolean
within_a_cent (gint64   amount,
               gint64   rate,
               gboolean included,
               gint64   tax)
{
  Wide den = included ? 10000 + rate : 10000;
  Wide diff = (Wide) tax * den - (Wide) amount * rate;

  return (diff < 0 ? -diff : diff) < den;
}

Test (tax_math, one_line_rounds_half_up)
{
  /* 10.00 at 22 % included: 1000 × 22 / 122 = 180.33 → 180; excluded: 220. */
  cr_assert_eq (stk_tax_line (1000, 2200, TRUE), 180);
  cr_assert_eq (stk_tax_line (1000, 2200, FALSE), 220);
  /* 0.50 at 10 % excluded: exactly 5; 0.05 at 10 %: 0.5 → up to 1; 0.04: 0.4 → 0. */
  cr_assert_eq (stk_tax_line (50, 1000, FALSE), 5);
  cr_assert_eq (stk_tax_line (5, 1000, FALSE), 1);
  cr_assert_eq (stk_tax_line (4, 1000, FALSE), 0);
  /* 1.22 at 22 % included: exactly 0.22. */
  cr_assert_eq (stk_tax_line (122, 2200, TRUE), 22);
  cr_assert_eq (stk_tax_line (999, 0, TRUE), 0);
  cr_assert_eq (stk_tax_line (999, 10000, FALSE), 999);
  cr_assert_eq (stk_tax_line (1000, 10000, TRUE), 500);
  /* The biggest amounts do not overflow. */
  cr_assert_eq (stk_tax_line (G_MAXINT64 / 2, 10000, FALSE), G_MAXINT64 / 2);
  for (gint64 amount = 0; amount < 3000; amount += 7)
    for (gint64 rate = 0; rate <= 10000; rate += 137)
      {
        gint64 in = stk_tax_line (amount, rate, TRUE);
        gint64 ex = stk_tax_line (amount, rate, FALSE);

        cr_assert (within_a_cent (amount, rate, TRUE, in));
        cr_assert (within_a_cent (amount, rate, FALSE, ex));
        /* Half up: 2 × |error| ≤ den. */
        cr_assert ((2 * ((Wide) in * (10000 + rate) - (Wide) amount * rate)) <= 10000 + rate &&
                   (2 * ((Wide) amount * rate - (Wide) in * (10000 + rate))) < 10000 + rate);
      }
}

Test (tax_math, per_receipt_rounds_each_rate_once_and_shares_it)
{
  /* Three lines of 0.05 at 10 % excluded: 0.5 cent each. Per line: 1 + 1 + 1 = 3;
   * per receipt: round (1.5) = 2, shared by the first two lines. */
  gint64 amounts[] = { 5, 5, 5, 1000 };
  gint64 rates[] = { 1000, 1000, 1000, 2200 };
  gint64 taxes[4];

  stk_tax_lines (amounts, rates, 4, FALSE, STK_TAX_ROUND_LINE, taxes);
  cr_assert_eq (taxes[0] + taxes[1] + taxes[2], 3);
  cr_assert_eq (taxes[3], 220);
  stk_tax_lines (amounts, rates, 4, FALSE, STK_TAX_ROUND_RECEIPT, taxes);
  cr_assert_eq (taxes[0] + taxes[1] + taxes[2], 2);
  cr_assert_eq (taxes[0], 1);
  cr_assert_eq (taxes[1], 1);
  cr_assert_eq (taxes[2], 0);
  cr_assert_eq (taxes[3], 220);
}

Test (tax_math, per_receipt_holds_its_promises_on_random_receipts)
{
  GRand *rand = g_rand_new_with_seed (21);

  for (int round = 0; round < 2000; round++)
    {
      guint n = g_rand_int_range (rand, 1, 12);
      gint64 amounts[12], rates[12], taxes[12];
      gboolean included = g_rand_boolean (rand);
      static const gint64 choice[] = { -1, 0, 400, 550, 1000, 2200 };

      for (guint i = 0; i < n; i++)
        {
          amounts[i] = g_rand_int_range (rand, 0, 100000);
          rates[i] = choice[g_rand_int_range (rand, 0, G_N_ELEMENTS (choice))];
        }
      stk_tax_lines (amounts, rates, n, included, STK_TAX_ROUND_RECEIPT, taxes);
      for (guint k = 0; k < G_N_ELEMENTS (choice); k++)
        {
          Wide exact = 0;
          gint64 sum = 0, den = included ? 10000 + choice[k] : 10000;

          for (guint i = 0; i < n; i++)
            if (rates[i] == choice[k])
              {
                if (choice[k] < 0)
                  cr_assert_eq (taxes[i], 0);
                else
                  cr_assert (within_a_cent (amounts[i], rates[i], included, taxes[i]),
                             "line %u: %" G_GINT64_FORMAT " at %" G_GINT64_FORMAT, i,
                             amounts[i], rates[i]);
                exact += (Wide) amounts[i] * MAX (choice[k], 0);
                sum += taxes[i];
              }
          /* The rate's tax is the receipt's amount at that rate, rounded once. */
          if (choice[k] >= 0)
            cr_assert_eq (sum, (gint64) ((2 * exact + den) / (2 * den)));
        }
    }
  g_rand_free (rand);
}

Test (tax_math, a_return_takes_back_its_share_and_the_last_the_rest)
{
  /* A line of 3 × 3.33 = 9.99 with 1.80 of tax (22 % included). */
  gint64 total = 999, tax = stk_tax_line (999, 2200, TRUE);

  cr_assert_eq (tax, 180);
  /* One of three back (3.33): 3.33 × 180 / 9.99 = 60. */
  cr_assert_eq (stk_tax_return (total, tax, 0, 0, 333), 60);
  /* The rest of the line: exactly what is left, whatever the proportion says. */
  cr_assert_eq (stk_tax_return (total, tax, 333, 60, 666), 120);
  cr_assert_eq (stk_tax_return (total, tax, 0, 0, 999), 180);
  cr_assert_eq (stk_tax_return (total, 0, 0, 0, 999), 0);
  cr_assert_eq (stk_tax_return (total, tax, 900, 180, 99), 0);
  /* Three returns of a third of a 0.03 line with 0.01 of tax: a third of a cent rounds
   * to nothing twice, and the last takes back the cent. */
  cr_assert_eq (stk_tax_return (3, 1, 0, 0, 1), 0);
  cr_assert_eq (stk_tax_return (3, 1, 1, 0, 1), 0);
  cr_assert_eq (stk_tax_return (3, 1, 2, 0, 1), 1);
}

Test (tax_math, rates_parse_and_format)
{
  gint64 bp = -1;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = stk_tax_rate_format (2200);
  g_autofree char *b = stk_tax_rate_format (550);
  g_autofree char *c = stk_tax_rate_format (0);
  g_autofree char *d = stk_tax_rate_format (1025);

  cr_assert_str_eq (a, "22 %");
  cr_assert_str_eq (b, "5.5 %");
  cr_assert_str_eq (c, "0 %");
  cr_assert_str_eq (d, "10.25 %");
  cr_assert (stk_tax_rate_parse ("22", &bp, NULL));
  cr_assert_eq (bp, 2200);
  cr_assert (stk_tax_rate_parse (" 5.5 % ", &bp, NULL));
  cr_assert_eq (bp, 550);
  cr_assert (stk_tax_rate_parse ("100%", &bp, NULL));
  cr_assert_eq (bp, 10000);
  cr_assert_not (stk_tax_rate_parse ("100.01", &bp, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  cr_assert (strstr (error->message, "100") != NULL, "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (stk_tax_rate_parse ("150", &bp, &error));
  g_clear_error (&error);
  cr_assert_not (stk_tax_rate_parse ("-4", &bp, &error));
  cr_assert (strstr (error->message, "negative") != NULL, "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (stk_tax_rate_parse ("22.125", &bp, &error));
  g_clear_error (&error);
  cr_assert_not (stk_tax_rate_parse ("VAT", &bp, &error));
  g_clear_error (&error);
  cr_assert_not (stk_tax_rate_parse ("", &bp, &error));
  g_clear_error (&error);
  cr_assert (stk_tax_name_check ("VAT 22 %", NULL));
  cr_assert_not (stk_tax_name_check (" VAT", NULL));
  cr_assert_not (stk_tax_name_check ("", NULL));
  cr_assert_not (stk_tax_name_check ("a\tb", NULL));
}

/* ---- in the inventory ---- */

TestSuite (tax, .init = setup, .fini = teardown);

static gint64
submit_ok (StkOp *op)
{
  g_autoptr(GError) error = NULL;

  cr_assert (stk_writer_submit_sync (writer, op, &error), "%s: %s", stk_op_get_description (op),
             error ? error->message : "");
  return stk_op_get_row_id (op);
}

static GError *
submit_fails (StkOp *op)
{
  GError *error = NULL;

  cr_assert_not (stk_writer_submit_sync (writer, op, &error), "%s succeeded",
                 stk_op_get_description (op));
  return error;
}

static gint64
count (const char *sql)
{
  return stk_test_query (db_path, sql);
}

static void
item (const char *code,
      gint64      price_cents)
{
  g_autoptr(StkOp) op = stk_op_create_item (code, "thing", price_cents, 0);
  g_autoptr(StkOp) in = stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, 1000, "in", 0);

  submit_ok (op);
  submit_ok (in);
}

static gint64
add_rate (const char *name,
          gint64      bp)
{
  g_autoptr(StkOp) op = stk_op_save_tax_rate (0, name, bp);

  return submit_ok (op);
}

static void
give_rate (const char *code,
           gint64      rate_id)
{
  g_autoptr(GError) error = NULL;
  StkItemInfo info = { 0 };
  g_autoptr(StkOp) op = NULL;

  cr_assert (stk_store_item_by_code (store, code, &info, &error), "%s", error ? error->message : "");
  op = stk_op_set_item_tax_rate (info.id, rate_id);
  submit_ok (op);
  stk_item_info_clear (&info);
}

static void
submit_setting (StkOp *op)
{
  g_autoptr(StkOp) owned = op;

  submit_ok (owned);
}

/* Sells the lines (code, quantity) at the items' prices, paid by @payment. */
static gint64
sell (const char *payment,
      guint       n,
      ...)
{
  StkSaleLineSpec lines[8];
  g_autoptr(StkOp) op = NULL;
  va_list ap;

  va_start (ap, n);
  for (guint i = 0; i < n; i++)
    {
      lines[i] = (StkSaleLineSpec) { .unit_price_cents = -1 };
      lines[i].code = va_arg (ap, const char *);
      lines[i].quantity = va_arg (ap, gint64);
    }
  va_end (ap);
  op = stk_op_sell (lines, n, payment, NULL, 0);
  return submit_ok (op);
}

static StkSaleDetail *
read_sale (gint64 id)
{
  g_autoptr(GError) error = NULL;
  StkSaleDetail *sale = stk_store_read_sale (store, id, &error);

  cr_assert_not_null (sale, "%s", error ? error->message : "");
  return sale;
}

static void
assert_no_problems (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = stk_store_verify (store, &error);

  cr_assert_not_null (problems, "%s", error ? error->message : "");
  for (guint i = 0; i < problems->len; i++)
    cr_log_error ("%s", (char *) g_ptr_array_index (problems, i));
  cr_assert_eq (problems->len, 0);
}

Test (tax, rates_are_the_shops_and_refuse_bad_input_and_removal_in_use)
{
  g_autoptr(GPtrArray) rates = NULL;
  g_autoptr(GError) error = NULL;
  gint64 vat, reduced;

  vat = add_rate ("VAT 22", 2200);
  reduced = add_rate ("Reduced", 1000);
  cr_assert_gt (vat, 0);

  /* Bad input changes nothing. */
  {
    g_autoptr(StkOp) over = stk_op_save_tax_rate (0, "Luxury", 10001);
    g_autoptr(StkOp) twice = stk_op_save_tax_rate (0, "vat 22", 400);
    g_autoptr(StkOp) blank = stk_op_save_tax_rate (0, " ", 400);
    g_autoptr(StkOp) negative = stk_op_save_tax_rate (reduced, "Reduced", -1);

    error = submit_fails (over);
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
    cr_assert (strstr (error->message, "100") != NULL, "%s", error->message);
    g_clear_error (&error);
    error = submit_fails (twice);
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error->message);
    g_clear_error (&error);
    error = submit_fails (blank);
    g_clear_error (&error);
    error = submit_fails (negative);
    g_clear_error (&error);
  }
  cr_assert_eq (count ("SELECT count (*) FROM tax_rates"), 2);
  cr_assert_eq (count ("SELECT rate_bp FROM tax_rates WHERE name = 'Reduced'"), 1000);

  /* Rename and re-rate. */
  {
    g_autoptr(StkOp) op = stk_op_save_tax_rate (reduced, "Reduced 10", 1000);

    cr_assert_eq (submit_ok (op), reduced);
  }

  item ("MUG", 1000);
  give_rate ("MUG", reduced);
  submit_setting (stk_op_set_default_tax_rate (vat));

  rates = stk_store_list_tax_rates (store, &error);
  cr_assert_not_null (rates, "%s", error ? error->message : "");
  cr_assert_eq (rates->len, 2);
  cr_assert_str_eq (((StkTaxRate *) rates->pdata[0])->name, "VAT 22");
  cr_assert_eq (((StkTaxRate *) rates->pdata[0])->items, 0);
  cr_assert_str_eq (((StkTaxRate *) rates->pdata[1])->name, "Reduced 10");
  cr_assert_eq (((StkTaxRate *) rates->pdata[1])->items, 1);

  /* In use by an item, or the default: stays, with the reason. */
  {
    g_autoptr(StkOp) by_item = stk_op_remove_tax_rate (reduced);
    g_autoptr(StkOp) by_default = stk_op_remove_tax_rate (vat);
    g_autoptr(StkOp) unknown = stk_op_set_default_tax_rate (vat + reduced + 100);

    error = submit_fails (by_item);
    cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error->message);
    cr_assert (strstr (error->message, "1 item") != NULL, "%s", error->message);
    g_clear_error (&error);
    error = submit_fails (by_default);
    cr_assert (strstr (error->message, "default") != NULL, "%s", error->message);
    g_clear_error (&error);
    error = submit_fails (unknown);
    g_clear_error (&error);
  }
  cr_assert_eq (count ("SELECT count (*) FROM tax_rates"), 2);

  /* Free again: it goes. */
  give_rate ("MUG", 0);
  {
    g_autoptr(StkOp) op = stk_op_remove_tax_rate (reduced);

    submit_ok (op);
  }
  cr_assert_eq (count ("SELECT count (*) FROM tax_rates"), 1);
}

Test (tax, each_line_keeps_its_rate_and_a_later_change_changes_no_sale)
{
  g_autoptr(StkSaleDetail) sale = NULL;
  g_autoptr(StkSaleDetail) again = NULL;
  g_autoptr(GPtrArray) parts = NULL;
  gint64 vat, food, id;
  StkShopSettings settings = { 0 };

  vat = add_rate ("VAT", 2200);
  food = add_rate ("Food", 1000);
  item ("MUG", 1250);     /* default rate: VAT */
  item ("BREAD", 330);    /* its own: Food */
  item ("STAMP", 100);    /* none: the default is set after it is sold */
  give_rate ("BREAD", food);

  id = sell ("cash", 1, "STAMP", (gint64) 3);
  sale = read_sale (id);
  cr_assert_eq (((StkSaleLine *) sale->lines->pdata[0])->tax_rate_bp, -1);
  cr_assert_eq (((StkSaleLine *) sale->lines->pdata[0])->tax_cents, 0);
  g_clear_pointer (&sale, stk_sale_detail_free);

  submit_setting (stk_op_set_default_tax_rate (vat));
  id = sell ("card", 2, "MUG", (gint64) 2, "BREAD", (gint64) 3);
  sale = read_sale (id);
  {
    StkSaleLine *mug = sale->lines->pdata[0];
    StkSaleLine *bread = sale->lines->pdata[1];

    cr_assert_str_eq (mug->tax_name, "VAT");
    cr_assert_eq (mug->tax_rate_bp, 2200);
    cr_assert (mug->tax_included);
    cr_assert_eq (mug->total_cents, 2500);
    cr_assert_eq (mug->tax_cents, stk_tax_line (2500, 2200, TRUE));
    cr_assert_eq (mug->tax_cents, 451);
    cr_assert_str_eq (bread->tax_name, "Food");
    cr_assert_eq (bread->total_cents, 990);
    cr_assert_eq (bread->tax_cents, 90);
    cr_assert_eq (sale->total_cents, 3490);
  }
  parts = stk_sale_detail_tax_parts (sale);
  cr_assert_eq (parts->len, 2);
  cr_assert_eq (((StkTaxPart *) parts->pdata[0])->total_cents + ((StkTaxPart *) parts->pdata[1])->total_cents,
                sale->total_cents);

  /* The rate changes: the sale does not. */
  {
    g_autoptr(StkOp) op = stk_op_save_tax_rate (vat, "VAT new", 2500);

    submit_ok (op);
  }
  again = read_sale (id);
  cr_assert_str_eq (((StkSaleLine *) again->lines->pdata[0])->tax_name, "VAT");
  cr_assert_eq (((StkSaleLine *) again->lines->pdata[0])->tax_cents, 451);

  /* Prices without tax: the tax is added to what the customer pays. */
  submit_setting (stk_op_set_prices_include_tax (FALSE));
  cr_assert (stk_store_get_shop_settings (store, &settings, NULL));
  cr_assert_not (settings.prices_include_tax);
  stk_shop_settings_clear (&settings);
  g_clear_pointer (&sale, stk_sale_detail_free);
  sale = read_sale (sell ("cash", 1, "MUG", (gint64) 1));
  {
    StkSaleLine *mug = sale->lines->pdata[0];

    cr_assert_not (mug->tax_included);
    cr_assert_eq (mug->tax_rate_bp, 2500);
    cr_assert_eq (mug->tax_cents, 313);            /* 12.50 × 25 % = 3.125 → 3.13 */
    cr_assert_eq (mug->total_cents, 1250 + 313);
    cr_assert_eq (sale->total_cents, 1563);
  }
  assert_no_problems ();

  /* Revenue is what the customers paid: the tax added to a price counts. */
  {
    g_autoptr(GError) error = NULL;
    sqlite3 *db = stk_store_acquire (store, &error);
    g_autoptr(StkReport) report = NULL;

    cr_assert_not_null (db, "%s", error ? error->message : "");
    report = stk_query_report (db, 7, 10, 0, &error);
    cr_assert_not_null (report, "%s", error ? error->message : "");
    cr_assert_eq (report->total_revenue_cents, 300 + 3490 + 1563);
    stk_store_release (store, db);
  }
}

Test (tax, per_receipt_rounding_is_what_the_sale_stores)
{
  g_autoptr(StkSaleDetail) sale = NULL;
  gint64 ten = add_rate ("Ten", 1000);

  submit_setting (stk_op_set_default_tax_rate (ten));
  submit_setting (stk_op_set_prices_include_tax (FALSE));
  item ("PIN", 5);   /* 0.5 cent of tax each */
  item ("CLIP", 5);
  item ("TACK", 5);
  submit_setting (stk_op_set_tax_rounding (STK_TAX_ROUND_RECEIPT));
  sale = read_sale (sell ("cash", 3, "PIN", (gint64) 1, "CLIP", (gint64) 1, "TACK", (gint64) 1));
  cr_assert_eq (((StkSaleLine *) sale->lines->pdata[0])->tax_cents +
                ((StkSaleLine *) sale->lines->pdata[1])->tax_cents +
                ((StkSaleLine *) sale->lines->pdata[2])->tax_cents, 2);
  cr_assert_eq (sale->total_cents, 17);
  g_clear_pointer (&sale, stk_sale_detail_free);

  submit_setting (stk_op_set_tax_rounding (STK_TAX_ROUND_LINE));
  sale = read_sale (sell ("cash", 3, "PIN", (gint64) 1, "CLIP", (gint64) 1, "TACK", (gint64) 1));
  cr_assert_eq (sale->total_cents, 18);
  assert_no_problems ();
}

Test (tax, the_schema_refuses_a_tax_off_by_a_cent)
{
  sqlite3 *db = NULL;

  add_rate ("VAT", 2200);
  item ("MUG", 1000);
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  /* 180 is right for 10.00 at 22 % included; 182 is not, nor is tax without a rate. */
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at,"
                              " tax_rate_bp, tax_name, tax_cents) VALUES ('x', 1, 1, 1000, 1, 2200,"
                              " 'VAT', 182)",
                              NULL, NULL, NULL), SQLITE_CONSTRAINT);
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at,"
                              " tax_cents) VALUES ('y', 1, 1, 1000, 1, 5)",
                              NULL, NULL, NULL), SQLITE_CONSTRAINT);
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at,"
                              " tax_rate_bp, tax_name, tax_cents) VALUES ('z', 1, 1, 1000, 1, 2200,"
                              " 'VAT', 181)",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  /* A return cannot take back more tax than its line had. */
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO returns (uid, line_id, quantity, refund_cents, returned_at,"
                              " tax_cents) SELECT 'r', id, 1, 1000, 2, 182 FROM sales WHERE uid = 'z'",
                              NULL, NULL, NULL), SQLITE_CONSTRAINT);
  cr_assert_eq (sqlite3_exec (db, "DELETE FROM tax_rates", NULL, NULL, NULL), SQLITE_OK,
                "%s", sqlite3_errmsg (db));
  sqlite3_close (db);
}

Test (tax, returns_take_back_tax_and_the_close_keeps_it_by_payment_and_rate)
{
  g_autoptr(StkSaleDetail) sale = NULL;
  g_autoptr(StkDayReport) open_day = NULL;
  g_autoptr(StkDayReport) closed = NULL;
  g_autoptr(GError) error = NULL;
  gint64 vat, food, id, close_id;
  StkTaxPart *p;

  vat = add_rate ("VAT", 2200);
  food = add_rate ("Food", 1000);
  submit_setting (stk_op_set_default_tax_rate (vat));
  item ("MUG", 333);
  item ("BREAD", 550);
  item ("STAMP", 100);
  give_rate ("BREAD", food);

  id = sell ("cash", 2, "MUG", (gint64) 3, "BREAD", (gint64) 2);   /* 9.99 (1.80) + 11.00 (1.00) */
  sale = read_sale (id);
  cr_assert_eq (((StkSaleLine *) sale->lines->pdata[0])->tax_cents, 180);
  cr_assert_eq (((StkSaleLine *) sale->lines->pdata[1])->tax_cents, 100);

  /* One mug back (3.33, 0.60 of tax), then the other two (the rest: 1.20). */
  {
    g_autoptr(StkOp) one = stk_op_return_sale_line (id, 1, -1, "chipped", 0);
    g_autoptr(StkOp) rest = stk_op_return_sale_line (id, 2, -1, "chipped", 0);

    submit_ok (one);
    cr_assert_eq (count ("SELECT tax_cents FROM returns ORDER BY id DESC LIMIT 1"), 60);
    submit_ok (rest);
    cr_assert_eq (count ("SELECT tax_cents FROM returns ORDER BY id DESC LIMIT 1"), 120);
  }
  /* A card sale at VAT, voided; a cash sale with no... every item is taxed now. */
  {
    gint64 voided = sell ("card", 1, "MUG", (gint64) 1);
    g_autoptr(StkOp) op = stk_op_void_sale (voided);

    submit_ok (op);
  }

  open_day = stk_store_get_day_report (store, 0, &error);
  cr_assert_not_null (open_day, "%s", error ? error->message : "");
  /* Net: 9.99 + 11.00 − 9.99 (returns) = 11.00, tax 1.00, all Food. */
  cr_assert_eq (open_day->net_cents, 1100);
  cr_assert_eq (open_day->tax_cents, 100);
  for (guint i = 0; i < open_day->methods->len; i++)
    {
      StkDayMethod *m = open_day->methods->pdata[i];

      if (g_str_equal (m->method, "cash"))
        {
          cr_assert_eq (m->sales_tax_cents, 280);
          cr_assert_eq (m->returns_tax_cents, 180);
          cr_assert_eq (m->tax_cents, 100);
        }
      else if (g_str_equal (m->method, "card"))
        {
          cr_assert_eq (m->sales_tax_cents, stk_tax_line (333, 2200, TRUE));
          cr_assert_eq (m->voids_tax_cents, m->sales_tax_cents);
          cr_assert_eq (m->tax_cents, 0);
        }
    }
  cr_assert_eq (open_day->taxes->len, 2);
  p = open_day->taxes->pdata[0];
  cr_assert_str_eq (p->name, "VAT");
  cr_assert_eq (p->rate_bp, 2200);
  cr_assert_eq (p->total_cents, 0);
  cr_assert_eq (p->tax_cents, 0);
  p = open_day->taxes->pdata[1];
  cr_assert_str_eq (p->name, "Food");
  cr_assert_eq (p->total_cents, 1100);
  cr_assert_eq (p->tax_cents, 100);

  {
    g_autoptr(StkOp) op = stk_op_close_day (1100, NULL);

    close_id = submit_ok (op);
  }
  closed = stk_store_get_day_report (store, close_id, &error);
  cr_assert_not_null (closed, "%s", error ? error->message : "");
  cr_assert_eq (closed->tax_cents, open_day->tax_cents);
  cr_assert_eq (closed->taxes->len, open_day->taxes->len);
  for (guint i = 0; i < closed->taxes->len; i++)
    {
      StkTaxPart *a = closed->taxes->pdata[i], *b = open_day->taxes->pdata[i];

      cr_assert_str_eq (a->name, b->name);
      cr_assert_eq (a->rate_bp, b->rate_bp);
      cr_assert_eq (a->total_cents, b->total_cents);
      cr_assert_eq (a->tax_cents, b->tax_cents);
    }
  cr_assert_eq (count ("SELECT count (*) FROM day_close_taxes"), 2);
  assert_no_problems ();

  /* The close's tax rows cannot be changed. */
  {
    sqlite3 *db = NULL;

    cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
    cr_assert_eq (sqlite3_exec (db, "UPDATE day_close_taxes SET tax_cents = 0", NULL, NULL, NULL),
                  SQLITE_CONSTRAINT);
    cr_assert_eq (sqlite3_exec (db, "DELETE FROM day_close_taxes", NULL, NULL, NULL),
                  SQLITE_CONSTRAINT);
    sqlite3_close (db);
  }
}

Test (tax, an_older_inventory_upgrades_with_its_sales_untaxed)
{
  sqlite3 *db = NULL;
  g_autoptr(StkDayReport) report = NULL;
  g_autoptr(StkSaleDetail) sale = NULL;
  gint64 id;

  item ("MUG", 800);
  id = sell ("cash", 1, "MUG", (gint64) 2);
  {
    g_autoptr(StkOp) op = stk_op_close_day (1600, NULL);

    submit_ok (op);
  }
  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, STK_TEST_DOWNGRADE_TO_9_SQL, NULL, NULL, NULL), SQLITE_OK, "%s",
                sqlite3_errmsg (db));
  cr_assert_eq (sqlite3_exec (db, STK_TEST_DOWNGRADE_TO_8_SQL "PRAGMA user_version = 8;",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  /* Read as format 8: no tax anywhere, figures as they were. */
  store = stk_test_open_store (db_path);
  report = stk_store_get_day_report (store, 1, NULL);
  cr_assert_not_null (report);
  cr_assert_eq (report->net_cents, 1600);
  cr_assert_eq (report->taxes->len, 0);
  g_clear_pointer (&report, stk_day_report_free);
  sale = read_sale (id);
  cr_assert_eq (sale->total_cents, 1600);
  cr_assert_eq (((StkSaleLine *) sale->lines->pdata[0])->tax_rate_bp, -1);
  g_clear_pointer (&sale, stk_sale_detail_free);
  g_clear_object (&store);

  /* Upgraded: the same, the close still verifies, and new sales are taxed. */
  writer = stk_test_open_writer (db_path);
  store = stk_test_open_store (db_path);
  cr_assert_eq (count ("PRAGMA user_version"), STK_SCHEMA_VERSION);
  cr_assert_eq (count ("SELECT count (*) FROM sales WHERE tax_rate_bp IS NULL AND tax_cents = 0"
                       " AND total_cents = 1600"), 1);
  report = stk_store_get_day_report (store, 1, NULL);
  cr_assert_eq (report->net_cents, 1600);
  cr_assert_eq (report->tax_cents, 0);
  assert_no_problems ();
  submit_setting (stk_op_set_default_tax_rate (add_rate ("VAT", 2200)));
  sale = read_sale (sell ("cash", 1, "MUG", (gint64) 1));
  cr_assert_eq (((StkSaleLine *) sale->lines->pdata[0])->tax_cents, 144);
  assert_no_problems ();
}
