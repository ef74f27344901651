/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cost commands, run for real: `receive CODE=QTY --cost PRICE` moving the average,
 * `item-cost` (shown and set), `report valuation` and `report margin` (text and --json),
 * `stats --json` with the stock at cost, `verify`, and bad input (a negative or
 * unreadable cost, a bad quantity, an unknown item, --from after --to) refused with 65
 * and one sentence, changing nothing. The expected figures are worked out here. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "stk-ops.h"
#include "stk-test-cli.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"
#include "stk-writer.h"

TestSuite (cli_cost, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 120);

static void
make_inventory (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_submit (writer, stk_op_create_item ("A", "Apples", 500, 0));
  stk_test_submit (writer, stk_op_create_item ("B", "Bread", 300, 0));
  stk_test_close_writer (writer);
}

/* Everything the cost commands may change, to show a refusal changed nothing. */
static char *
state (void)
{
  return stk_test_query_dump (db_path,
                              "SELECT code, on_hand, default_cost_cents, average_cost_cents,"
                              " (SELECT count (*) FROM movements), (SELECT count (*) FROM sales)"
                              " FROM items ORDER BY code");
}

#define run_ok(run, ...)                                                               \
  do {                                                                                 \
    stk_test_run_db ((run), db_path, __VA_ARGS__, NULL);                               \
    stk_test_assert_status ((run), 0);                                                 \
  } while (0)

#define run_refused(run, sentence, ...)                                                \
  do {                                                                                 \
    g_autofree char *before_ = state ();                                               \
    g_autofree char *after_ = NULL;                                                    \
    stk_test_run_db ((run), db_path, __VA_ARGS__, NULL);                               \
    stk_test_assert_status ((run), 65);                                                \
    cr_assert (strstr ((run)->err, (sentence)) != NULL, "stderr: %s", (run)->err);   \
    cr_assert (g_str_has_prefix ((run)->err, "stocktake: "), "%s", (run)->err);       \
    after_ = state ();                                                                 \
    cr_assert_str_eq (after_, before_);                                                \
  } while (0)

/* receive 10 at 2.00 and 10 at 3.00: 2.50; sell 4 (cost 10.00); receive 4 at 4.00:
 * (16·250 + 4·400) / 20 = 2.80; return 1 of the sale: in at 2.50,
 * (20·280 + 250) / 21 = 278.57 → 2.79. Margin: revenue 4 × 5.00 − 5.00 = 15.00, cost
 * 10.00 − 2.50 = 7.50, margin 7.50 (50 %). Valuation: A 21 at 2.79 = 58.59 and at 5.00 =
 * 105.00; B 2 of unknown cost (0) and at 3.00 = 6.00. */
Test (cli_cost, receive_sell_return_and_the_reports)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_ok (&run, "receive", "A=10", "--cost", "2.00");
  cr_assert (strstr (run.out, "“A”: 10 on hand, average cost 2.00, default cost none.") != NULL,
             "%s", run.out);
  run_ok (&run, "receive", "A=10", "--cost", "3");
  cr_assert (strstr (run.out, "20 on hand, average cost 2.50") != NULL, "%s", run.out);
  run_ok (&run, "sell", "A=4");
  run_ok (&run, "receive", "A=4", "--cost", "4.00", "--reason", "delivery");
  cr_assert (strstr (run.out, "20 on hand, average cost 2.80") != NULL, "%s", run.out);
  cr_assert_eq (stk_test_query (db_path, "SELECT cost_cents FROM sales"), 1000);
  run_ok (&run, "return", "1=1");
  run_ok (&run, "item-cost", "A");
  cr_assert_str_eq (run.out, "“A”: 21 on hand, average cost 2.79, default cost none.\n");
  /* B: no cost known. */
  run_ok (&run, "receive", "B=2");
  cr_assert (strstr (run.out, "average cost unknown") != NULL, "%s", run.out);

  run_ok (&run, "report", "valuation", "--json");
  cr_assert (strstr (run.out,
                     "{\"code\": \"A\", \"description\": \"Apples\", \"on_hand\": 21,"
                     " \"default_cost_cents\": 0, \"average_cost_cents\": 279,"
                     " \"unit_price_cents\": 500, \"value_at_cost_cents\": 5859,"
                     " \"value_at_price_cents\": 10500}") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "\"units\": 23,\n  \"value_at_cost_cents\": 5859,\n"
                              "  \"value_at_price_cents\": 11100,\n"
                              "  \"unknown_cost_items\": 1\n}") != NULL, "%s", run.out);
  run_ok (&run, "report", "valuation");
  cr_assert (g_regex_match_simple ("^Total +23 +58\\.59 +111\\.00$", run.out,
                                   G_REGEX_MULTILINE, 0), "%s", run.out);
  cr_assert (strstr (run.out, "1 item with stock has no known cost") != NULL, "%s", run.out);

  run_ok (&run, "report", "margin", "--json", "--from", "2000-01-01", "--to", "2999-12-31");
  cr_assert (strstr (run.out,
                     "\"total\": {\"quantity\": 3, \"revenue_cents\": 1500,"
                     " \"costed_revenue_cents\": 1500, \"cost_cents\": 750,"
                     " \"margin_cents\": 750, \"margin_bp\": 5000,"
                     " \"unknown_cost_lines\": 0}") != NULL, "%s", run.out);
  run_ok (&run, "report", "margin");
  cr_assert (g_regex_match_simple ("^A +3 +15\\.00 +7\\.50 +7\\.50 +50\\.00 %$", run.out,
                                   G_REGEX_MULTILINE, 0), "%s", run.out);

  run_ok (&run, "stats", "--json");
  cr_assert (strstr (run.out, "\"stock_cost_cents\": 5859,\n  \"stock_cost\": \"58.59\"") != NULL,
             "%s", run.out);
  run_ok (&run, "verify");
}

Test (cli_cost, the_default_cost_serves_a_receipt_without_one)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_ok (&run, "item-cost", "B", "1.20");
  cr_assert_str_eq (run.out, "“B”: 0 on hand, average cost unknown, default cost 1.20.\n");
  run_ok (&run, "receive", "B=5");
  cr_assert (strstr (run.out, "5 on hand, average cost 1.20, default cost 1.20.") != NULL,
             "%s", run.out);
  /* (5·120 + 5·150) / 10 = 135. */
  run_ok (&run, "receive", "B=5", "--cost", "1.50");
  cr_assert (strstr (run.out, "10 on hand, average cost 1.35") != NULL, "%s", run.out);
  run_ok (&run, "item-cost", "B", "0");
  cr_assert (strstr (run.out, "default cost none") != NULL, "%s", run.out);
}

Test (cli_cost, bad_input_is_refused_with_65_and_changes_nothing)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_ok (&run, "receive", "A=3", "--cost", "2.00");
  run_refused (&run, "The cost “-1.00” is negative.", "receive", "A=1", "--cost", "-1.00");
  run_refused (&run, "The cost “abc”", "receive", "A=1", "--cost", "abc");
  run_refused (&run, "Unknown item code “NOPE”", "receive", "NOPE=1", "--cost", "1");
  run_refused (&run, "CODE=QTY", "receive", "A=0", "--cost", "1");
  run_refused (&run, "CODE=QTY", "receive", "A=-2");
  run_refused (&run, "The cost “-2” is negative.", "item-cost", "A", "--", "-2");
  run_refused (&run, "The cost “x1”", "item-cost", "A", "x1");
  run_refused (&run, "There is no item with code “NOPE”", "item-cost", "NOPE", "2");
  run_refused (&run, "comes after", "report", "margin", "--from", "2026-12-31", "--to",
               "2026-12-01");
  /* A usage error (2) for the options a report does not take. */
  stk_test_run_db (&run, db_path, "report", "valuation", "--from", "2026-12-01", NULL);
  stk_test_assert_status (&run, 2);
}
