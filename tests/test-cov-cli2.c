/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The newer commands' refusals and rarer forms, run for real: `settings` negative-stock
 * and receipt-series (set, shown, a bad value or a lone setting refused), `report` with
 * options its kind does not take (--date, --close, --pdf, --from, --to), a bad --close,
 * an unknown kind, a day never closed, the tax and margin reports with only --from or
 * only --to, `close-day` with a negative (Unicode minus) count or a note too long,
 * `receive` with no code, a bad quantity or a bad --at, `item-tax ITEM default`, bad
 * `sell --price`/`return`/`item-cost` input, every command without an inventory (1, no
 * file made); and the rarer outputs: the reports of an empty inventory, an unknown cost
 * and two tax rates (valuation, margin, tax, in words and JSON), a taxed day closed
 * with cash over and the open day after it. Each refusal says one sentence, exits 2 or
 * 65 and changes nothing. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "stk-ops.h"
#include "stk-test-cli.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"
#include "stk-writer.h"

TestSuite (cov_cli2, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 120);

static void
make_inventory (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_submit (writer, stk_op_create_item ("A", "Apple juice", 250, 0));
  stk_test_submit (writer, stk_op_create_item ("B", "Bread", 100, 0));
  stk_test_submit (writer, stk_op_record_movement ("A", STK_MOVEMENT_RECEIVE, 100, "in", 0));
  stk_test_close_writer (writer);
}

/* What a refusal must leave as it was: the items, the movements, the settings, the
 * closes and the rates. */
static char *
state (void)
{
  g_autofree char *items = stk_test_query_dump (db_path,
                                                "SELECT code, description, unit_price_cents,"
                                                " tax_rate_id FROM items ORDER BY code");
  g_autofree char *moves = stk_test_query_dump (db_path,
                                                "SELECT count (*), total (quantity) FROM movements");
  g_autofree char *settings = stk_test_query_dump (db_path,
                                                   "SELECT key, value FROM settings ORDER BY key");
  g_autofree char *closes = stk_test_query_dump (db_path, "SELECT count (*) FROM day_closes");
  g_autofree char *rates = stk_test_query_dump (db_path, "SELECT name, rate_bp FROM tax_rates"
                                                         " ORDER BY name");

  return g_strconcat (items, moves, settings, closes, rates, NULL);
}

#define run_ok(run, ...)                                                               \
  do {                                                                                 \
    stk_test_run_db ((run), db_path, __VA_ARGS__, NULL);                               \
    stk_test_assert_status ((run), 0);                                                 \
  } while (0)

/* Refused with @status and a message holding @sentence, changing nothing. */
#define run_refused(run, status, sentence, ...)                                        \
  do {                                                                                 \
    g_autofree char *before_ = state ();                                               \
    g_autofree char *after_ = NULL;                                                    \
    stk_test_run_db ((run), db_path, __VA_ARGS__, NULL);                               \
    stk_test_assert_status ((run), (status));                                          \
    cr_assert (strstr ((run)->err, (sentence)) != NULL, "stderr: %s", (run)->err);   \
    cr_assert (g_str_has_prefix ((run)->err, "stocktake: "), "%s", (run)->err);       \
    cr_assert_str_eq ((run)->out, "", "nothing on stdout");                           \
    after_ = state ();                                                                 \
    cr_assert_str_eq (after_, before_, "nothing changed");                             \
  } while (0)

static gint64
setting (const char *key)
{
  g_autofree char *sql = g_strdup_printf ("SELECT value FROM settings WHERE key = '%s'", key);

  return stk_test_query (db_path, sql);
}

Test (cov_cli2, settings_negative_stock_and_receipt_series)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_ok (&run, "settings", "negative-stock", "allow");
  cr_assert_str_eq (run.out, "Changed negative-stock to allow.\n");
  run_ok (&run, "settings");
  cr_assert (strstr (run.out, "allowed (negative-stock allow)") != NULL, "%s", run.out);
  /* Selling more than there is now goes through. */
  run_ok (&run, "sell", "B=3");
  cr_assert_eq (stk_test_query (db_path, "SELECT total (quantity) FROM movements"
                                         " WHERE item_id = (SELECT id FROM items WHERE code = 'B')"),
                -3);

  run_ok (&run, "settings", "negative-stock", "refuse");
  run_ok (&run, "settings");
  cr_assert (strstr (run.out, "(negative-stock refuse)") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "allowed (negative-stock allow)") == NULL, "%s", run.out);

  run_ok (&run, "settings", "receipt-series", "yearly");
  run_ok (&run, "settings");
  cr_assert (strstr (run.out, "(receipt-series yearly)") != NULL, "%s", run.out);
  run_ok (&run, "settings", "receipt-series", "continuous");
  run_ok (&run, "settings");
  cr_assert (strstr (run.out, "(receipt-series continuous)") != NULL, "%s", run.out);

  run_refused (&run, 2, "“maybe” is not allow or refuse.", "settings", "negative-stock", "maybe");
  run_refused (&run, 2, "“daily” is not a way receipt numbers run (continuous or yearly).",
               "settings", "receipt-series", "daily");
  run_refused (&run, 2, "Give a setting and its value, or nothing to see them.", "settings",
               "negative-stock");
  run_refused (&run, 2, "Unexpected argument “now”.", "settings", "negative-stock", "allow",
               "now");
}

Test (cov_cli2, report_options_each_kind_refuses)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_refused (&run, 2, "The list of closes takes only --json.", "report", "closes", "--date",
               "2026-01-01");
  run_refused (&run, 2, "The list of closes takes only --json.", "report", "closes", "--from",
               "2026-01-01");
  run_refused (&run, 2, "The tax report takes only --from, --to and --json.", "report", "tax",
               "--close", "1");
  run_refused (&run, 2, "The tax report takes only --from, --to and --json.", "report", "tax",
               "--pdf", "out.pdf");
  run_refused (&run, 2, "--from and --to are for the tax and margin reports.", "report", "day",
               "--from", "2026-01-01");
  run_refused (&run, 2, "--from and --to are for the tax and margin reports.", "report", "day",
               "--to", "2026-01-01");
  run_refused (&run, 2, "“week” is not a report (day, closes, tax, margin, valuation).",
               "report", "week");
  run_refused (&run, 2, "Give --date or --close, not both.", "report", "day", "--date",
               "2026-01-01", "--close", "1");
  run_refused (&run, 2, "--close: “abc” is not a close’s number.", "report", "day", "--close",
               "abc");
  run_refused (&run, 2, "--close: “0” is not a close’s number.", "report", "day", "--close", "0");
  run_refused (&run, 2, "--date: “yesterday” is not a date like 2026-12-31.", "report", "day",
               "--date", "yesterday");
  run_refused (&run, 65, "No day was closed on 2001-02-03.", "report", "day", "--date",
               "2001-02-03");

  /* Valuation is of now, margin of a period: neither takes a day or a close. */
  run_refused (&run, 2, "The valuation takes only --json.", "report", "valuation", "--date", "2026-01-01");
  run_refused (&run, 2, "The valuation takes only --json.", "report", "valuation", "--close", "1");
  run_refused (&run, 2, "The valuation takes only --json.", "report", "valuation", "--pdf", "v.pdf");
  run_refused (&run, 2, "The valuation takes only --json.", "report", "valuation", "--to", "2026-01-01");
  run_refused (&run, 2, "The margin report takes only --from, --to and --json.", "report",
               "margin", "--date", "2026-01-01");
  run_refused (&run, 2, "The margin report takes only --from, --to and --json.", "report",
               "margin", "--close", "2");
  run_refused (&run, 2, "The margin report takes only --from, --to and --json.", "report",
               "margin", "--pdf", "m.pdf");
}

Test (cov_cli2, report_period_with_one_end)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  /* Only --from: to the end of that month. */
  run_ok (&run, "report", "tax", "--json", "--from", "2026-02-10");
  cr_assert (strstr (run.out, "2026-02-10") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "2026-03-01") != NULL, "%s", run.out);
  /* Only --to: from the first of that month. */
  run_ok (&run, "report", "tax", "--json", "--to", "2026-02-10");
  cr_assert (strstr (run.out, "2026-02-01") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "2026-02-11") != NULL, "%s", run.out);

  run_ok (&run, "report", "margin", "--from", "2026-02-10");
  cr_assert (strstr (run.out, "2026-02-10") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "2026-02-28") != NULL, "%s", run.out);
  run_ok (&run, "report", "margin", "--to", "2026-02-10");
  cr_assert (strstr (run.out, "2026-02-01") != NULL, "%s", run.out);
}

Test (cov_cli2, close_day_refusals)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GString) note = g_string_new (NULL);

  make_inventory ();
  run_refused (&run, 65, "The counted cash cannot be negative", "close-day", "--counted-cash",
               "−5.00");
  run_refused (&run, 65, "The counted cash cannot be negative", "close-day", "--counted-cash",
               "  -1");
  for (guint i = 0; i < 1001; i++)
    g_string_append (note, "è");
  run_refused (&run, 65, "The note is longer than 1000 characters.", "close-day",
               "--counted-cash", "0", "--note", note->str);
  cr_assert_eq (stk_test_query (db_path, "SELECT count (*) FROM day_closes"), 0);

  /* 1000 characters are fine. */
  g_string_truncate (note, 2000);
  run_ok (&run, "close-day", "--counted-cash", "0", "--note", note->str);
  cr_assert_eq (stk_test_query (db_path, "SELECT count (*) FROM day_closes"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT length (note) FROM day_closes"), 1000);
}

Test (cov_cli2, receive_refusals)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_refused (&run, 65, "Give what was received as CODE or CODE=QTY", "receive", "=5");
  run_refused (&run, 65, "Give what was received as CODE or CODE=QTY", "receive", "A=x");
  run_refused (&run, 65, "Give what was received as CODE or CODE=QTY", "receive", "A=");
  run_refused (&run, 2, "--at: ", "receive", "A=2", "--at", "not a time");

  /* A bare code receives one. */
  run_ok (&run, "receive", "B");
  cr_assert_eq (stk_test_query (db_path, "SELECT total (quantity) FROM movements"
                                         " WHERE item_id = (SELECT id FROM items WHERE code = 'B')"),
                1);
}

Test (cov_cli2, item_tax_back_to_default)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_ok (&run, "tax-rates", "add", "VAT", "22");
  run_ok (&run, "tax-rates", "add", "Low", "4");
  run_ok (&run, "item-tax", "A", "Low");
  cr_assert_eq (stk_test_query (db_path, "SELECT tax_rate_id = (SELECT id FROM tax_rates"
                                         " WHERE name = 'Low') FROM items WHERE code = 'A'"), 1);
  run_ok (&run, "item-tax", "A", "default");
  cr_assert (strstr (run.out, "now follows the shop’s default tax rate") != NULL, "%s", run.out);
  cr_assert_eq (stk_test_query (db_path, "SELECT coalesce (tax_rate_id, 0) FROM items"
                                         " WHERE code = 'A'"), 0);

  /* A rate named "Default" is that rate, not the shop's default. */
  run_ok (&run, "tax-rates", "add", "Default", "10");
  run_ok (&run, "item-tax", "A", "default");
  cr_assert_eq (stk_test_query (db_path, "SELECT tax_rate_id = (SELECT id FROM tax_rates"
                                         " WHERE name = 'Default') FROM items WHERE code = 'A'"),
                1);
  cr_assert_eq (setting ("default_tax_rate"), 0);
}

Test (cov_cli2, sale_return_and_item_cost_refusals)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_refused (&run, 2, "--price expects CODE=PRICE, such as “A-1=12.50”, not “=5”.", "sell",
               "A=1", "--price", "=5");
  run_refused (&run, 2, "--price expects CODE=PRICE, such as “A-1=12.50”, not “A”.", "sell",
               "A=1", "--price", "A");
  run_refused (&run, 2, "--at: ", "sell", "A=1", "--at", "soon");
  run_refused (&run, 2, "Give the sale line as LINE or LINE=QTY, whole numbers from 1, not “x”.",
               "return", "x");
  run_refused (&run, 2, "not “1=0”.", "return", "1=0");
  run_refused (&run, 2, "not “0”.", "return", "0");
  run_refused (&run, 2, "not “=2”.", "return", "=2");
  /* A line that is not there. */
  stk_test_run_db (&run, db_path, "return", "99", NULL);
  cr_assert_neq (run.status, 0);
  stk_test_assert_one_sentence_error (&run);
  run_refused (&run, 65, "NOPE", "item-cost", "NOPE");
  run_refused (&run, 65, "NOPE", "item-cost", "NOPE", "1.00");

  /* The sale still goes through with a good price. */
  run_ok (&run, "sell", "A=1", "--price", "A=2.00");
  cr_assert_eq (stk_test_query (db_path, "SELECT count (*) FROM sales"), 1);
}

/* An inventory with no item: every report says so in words, and the JSON forms are
 * empty lists. */
Test (cov_cli2, reports_of_an_empty_inventory)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_close_writer (stk_test_open_writer (db_path));
  run_ok (&run, "report", "valuation");
  cr_assert_str_eq (run.out, "No item has stock on hand.\n");
  run_ok (&run, "report", "margin", "--from", "2026-02-01", "--to", "2026-02-28");
  cr_assert_str_eq (run.out, "Margin from 2026-02-01 to 2026-02-28\n"
                    "Revenue without tax; sales by the day they were sold (voided ones left out), "
                    "returns by the day they were made.\n\n"
                    "Nothing was sold nor returned in this period.\n");
  run_ok (&run, "report", "closes", "--json");
  cr_assert (g_str_has_suffix (run.out, "[]\n}\n"), "%s", run.out);
  run_ok (&run, "report", "margin", "--json", "--from", "2026-02-01", "--to", "2026-02-28");
  cr_assert (strstr (run.out, "[],\n  \"total\": {") != NULL, "%s", run.out);

  run_ok (&run, "settings", "prices-include-tax", "no");
  run_ok (&run, "settings", "tax-rounding", "receipt");
  run_ok (&run, "tax-rates", "--json");
  cr_assert (strstr (run.out, "\"prices_include_tax\": false,\n  \"tax_rounding\": \"receipt\"\n")
             != NULL, "%s", run.out);
}

/* Costs known for one item and not for the other, both sold, under two tax rates:
 * the valuation and the margin say which are unknown, the tax report lists both rates. */
Test (cov_cli2, reports_with_an_unknown_cost_and_two_rates)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_ok (&run, "receive", "B=10", "--cost", "0.40");
  run_ok (&run, "tax-rates", "add", "VAT", "22");
  run_ok (&run, "tax-rates", "add", "Low", "4");
  run_ok (&run, "item-tax", "A", "VAT");
  run_ok (&run, "item-tax", "B", "Low");
  run_ok (&run, "sell", "A=2", "B=1");

  run_ok (&run, "report", "valuation");
  cr_assert (strstr (run.out, "\n1 item with stock has no known cost: it counts as 0 at cost.\n")
             != NULL, "%s", run.out);
  run_ok (&run, "report", "valuation", "--json");
  cr_assert (strstr (run.out, "\"unknown_cost_items\": 1\n") != NULL, "%s", run.out);

  run_ok (&run, "report", "margin");
  cr_assert (strstr (run.out, "\nA ") != NULL && strstr (run.out, "\nB ") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "1 sale line had no known cost: its revenue (4.10) is left out of"
                              " the margin.") != NULL, "%s", run.out);
  run_ok (&run, "report", "margin", "--json");
  cr_assert (strstr (run.out, "\"code\": \"A\"") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "},\n    {\"code\": \"B\"") != NULL, "%s", run.out);

  run_ok (&run, "report", "tax", "--json");
  cr_assert (strstr (run.out, "\n    {\"name\": \"VAT\", \"rate_bp\": 2200, \"sales_cents\": 500,"
                             " \"sales_tax_cents\": 90,") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "},\n    {\"name\": \"Low\", \"rate_bp\": 400, \"sales_cents\": 100,"
                             " \"sales_tax_cents\": 4,") != NULL, "%s", run.out);

  /* "-5" is an option to any other command: refused, nothing sold. */
  run_refused (&run, 2, "-5", "sell", "A=1", "-5");
}

/* A taxed day closed with more cash than expected: "over", in the close, the day
 * report and the list of closes. */
Test (cov_cli2, a_taxed_day_closed_with_cash_over)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_ok (&run, "tax-rates", "add", "VAT", "22");
  run_ok (&run, "item-tax", "A", "VAT");
  run_ok (&run, "sell", "A=1", "--payment", "cash");
  run_ok (&run, "report", "day");
  cr_assert (strstr (run.out, "Cash expected in the drawer: 2.50\n") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "VAT") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "0.45") != NULL, "the day's tax: %s", run.out);

  run_ok (&run, "close-day", "--counted-cash", "3.00");
  cr_assert (strstr (run.out, "Difference: 0.50 over\n") != NULL, "%s", run.out);
  cr_assert_eq (stk_test_query (db_path, "SELECT counted_cash_cents FROM day_closes"), 300);
  run_ok (&run, "report", "day", "--close", "1");
  cr_assert (strstr (run.out, "Difference: 0.50 over\n") != NULL, "%s", run.out);
  run_ok (&run, "report", "closes");
  cr_assert (strstr (run.out, "0.50") != NULL, "%s", run.out);

  /* After the close, a sale under two rates: the open day runs from the close. */
  run_ok (&run, "tax-rates", "add", "Low", "4");
  run_ok (&run, "item-tax", "B", "Low");
  run_ok (&run, "receive", "B=5");
  run_ok (&run, "sell", "A=1", "B=1", "--payment", "card");
  run_ok (&run, "report", "day");
  cr_assert (strstr (run.out, "The day is not closed yet: what was recorded since ") != NULL, "%s",
             run.out);
  run_ok (&run, "report", "day", "--json");
  cr_assert (strstr (run.out, "\"close\": null,\n  \"from\": \"") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "{\"name\": \"VAT\"") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "},\n    {\"name\": \"Low\"") != NULL, "%s", run.out);
}

/* No inventory at the path: each of the newer commands says so in one sentence, exits
 * 1 and makes no file. */
Test (cov_cli2, no_inventory_is_said_and_none_is_made)
{
  static const char *const commands[][5] = {
    { "report", "valuation" }, { "report", "margin" }, { "report", "tax" },
    { "report", "day" }, { "report", "closes" }, { "tax-rates" },
    { "tax-rates", "add", "X", "5" }, { "settings" }, { "settings", "negative-stock", "allow" },
    { "settings", "default-tax-rate", "none" }, { "item-cost", "A" }, { "item-cost", "A", "1.00" },
    { "item-tax", "A" }, { "item-tax", "A", "default" }, { "close-day", "--counted-cash", "1" },
    { "return", "1" }, { "sell", "A" }, { "receive", "A=1" },
  };

  cr_assert_not (g_file_test (db_path, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(StkTestRun) run = { 0 };

      stk_test_run_db (&run, db_path, commands[i][0], commands[i][1], commands[i][2],
                       commands[i][3], commands[i][4], NULL);
      cr_assert_eq (run.status, 1, "%s %s: exit status %d\n%s", commands[i][0],
                    commands[i][1] ? commands[i][1] : "", run.status, run.err);
      stk_test_assert_one_sentence_error (&run);
      cr_assert (strstr (run.err, "There is no inventory at") != NULL, "%s", run.err);
      cr_assert_str_eq (run.out, "");
      cr_assert_not (g_file_test (db_path, G_FILE_TEST_EXISTS), "%s made the inventory",
                     commands[i][0]);
    }
}
