/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tax commands, run for real: `settings` with prices-include-tax, tax-rounding and
 * default-tax-rate (shown and changed, bad values refused with 2 or 65 and nothing
 * changed), `tax-rates` (the list, --json, add, set, remove: a rate above 100 or
 * negative, a bad or taken name, a rate in use refused with 65 and the sentence, nothing
 * changed), `item-tax` (shown, given a rate, back to the default, unknown item or rate:
 * 65), a held inventory (75), the CSV tax columns through `export` and `import`, an old
 * sales file without them, the rates and rules through `export all` and `import all`
 * (tax-rates.csv) and `export`/`import tax-rates`, and --help listing the commands. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include <glib/gstdio.h>

#include "stk-ops.h"
#include "stk-lock-test-util.h"
#include "stk-test-cli.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"
#include "stk-writer.h"

TestSuite (cli_tax, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 120);

/* Asserts that @text (freed here) is @expected. */
#define assert_text(text, ...) \
  do { \
    g_autofree char *text_ = (text); \
    cr_assert_str_eq (text_, __VA_ARGS__); \
  } while (0)

static void
make_inventory (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_submit (writer, stk_op_create_item ("A", "Apple juice", 250, 0));
  stk_test_submit (writer, stk_op_create_item ("B", "Bread", 100, 0));
  stk_test_submit (writer, stk_op_record_movement ("A", STK_MOVEMENT_RECEIVE, 100, "in", 0));
  stk_test_submit (writer, stk_op_record_movement ("B", STK_MOVEMENT_RECEIVE, 50, "in", 0));
  stk_test_close_writer (writer);
}

static gint64
query (const char *sql)
{
  return stk_test_query (db_path, sql);
}

/* The rates as "name|rate|" lines, by name, and the default's name. */
static char *
rates (void)
{
  g_autofree char *dump = stk_test_query_dump (db_path,
                                               "SELECT name, rate_bp FROM tax_rates ORDER BY name");
  g_autofree char *def = stk_test_query_dump (db_path,
                                              "SELECT coalesce ((SELECT name FROM tax_rates"
                                              " WHERE id = s.value), 'none') FROM settings s"
                                              " WHERE key = 'default_tax_rate'");

  return g_strconcat (dump, "default ", def, NULL);
}

#define run_ok(run, ...)                                                               \
  do {                                                                                 \
    stk_test_run_db ((run), db_path, __VA_ARGS__, NULL);                               \
    stk_test_assert_status ((run), 0);                                                 \
  } while (0)

/* Refused with @status and one sentence holding @sentence, changing no rate. */
#define run_refused(run, status, sentence, ...)                                        \
  do {                                                                                 \
    g_autofree char *before_ = rates ();                                               \
    g_autofree char *after_ = NULL;                                                    \
    stk_test_run_db ((run), db_path, __VA_ARGS__, NULL);                               \
    stk_test_assert_status ((run), (status));                                          \
    cr_assert (strstr ((run)->err, (sentence)) != NULL, "stderr: %s", (run)->err);   \
    cr_assert (g_str_has_prefix ((run)->err, "stocktake: "), "%s", (run)->err);       \
    after_ = rates ();                                                                 \
    cr_assert_str_eq (after_, before_, "nothing changed");                             \
  } while (0)

Test (cli_tax, settings_show_and_change_the_tax_rules)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_ok (&run, "settings");
  cr_assert (strstr (run.out, "Prices: tax included (prices-include-tax yes)\n") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "Tax rounding: per line (tax-rounding line)\n") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "Default tax rate: none (default-tax-rate none)\n") != NULL, "%s",
             run.out);

  run_ok (&run, "settings", "prices-include-tax", "no");
  cr_assert_str_eq (run.out, "Changed prices-include-tax to no.\n");
  run_ok (&run, "settings", "tax-rounding", "receipt");
  run_ok (&run, "tax-rates", "add", "VAT 22", "22");
  run_ok (&run, "settings", "default-tax-rate", "vat 22");
  cr_assert_eq (query ("SELECT value FROM settings WHERE key = 'prices_include_tax'"), 0);
  cr_assert_eq (query ("SELECT value = 'receipt' FROM settings WHERE key = 'tax_rounding'"), 1);
  cr_assert_eq (query ("SELECT value = (SELECT id FROM tax_rates) FROM settings"
                       " WHERE key = 'default_tax_rate'"), 1);

  run_ok (&run, "settings");
  cr_assert (strstr (run.out, "Prices: tax added (prices-include-tax no)\n") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "Tax rounding: per receipt (tax-rounding receipt)\n") != NULL, "%s",
             run.out);
  cr_assert (strstr (run.out, "Default tax rate: VAT 22 (22 %) (default-tax-rate \"VAT 22\")\n")
             != NULL, "%s", run.out);

  /* Bad values: usage errors; an unknown rate: bad input. Nothing changes. */
  run_refused (&run, 2, "“maybe” is not yes or no.", "settings", "prices-include-tax", "maybe");
  run_refused (&run, 2, "“cent” is not a way tax is rounded (line or receipt).", "settings",
               "tax-rounding", "cent");
  run_refused (&run, 65, "There is no tax rate named “VAT 10”", "settings", "default-tax-rate",
               "VAT 10");
  run_refused (&run, 2, "default-tax-rate)", "settings", "tax", "yes");
  cr_assert_eq (query ("SELECT value FROM settings WHERE key = 'prices_include_tax'"), 0);
  cr_assert_eq (query ("SELECT value = 'receipt' FROM settings WHERE key = 'tax_rounding'"), 1);

  run_ok (&run, "settings", "prices-include-tax", "yes");
  run_ok (&run, "settings", "tax-rounding", "line");
  run_ok (&run, "settings", "default-tax-rate", "none");
  cr_assert_eq (query ("SELECT value FROM settings WHERE key = 'default_tax_rate'"), 0);
  cr_assert_eq (query ("SELECT value FROM settings WHERE key = 'prices_include_tax'"), 1);
  cr_assert_eq (query ("SELECT value = 'line' FROM settings WHERE key = 'tax_rounding'"), 1);
}

Test (cli_tax, tax_rates_are_listed_added_changed_and_removed)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_ok (&run, "tax-rates");
  cr_assert (strstr (run.out, "The shop has no tax rates") != NULL, "%s", run.out);
  run_ok (&run, "tax-rates", "--json");
  cr_assert_str_eq (run.out, "{\n  \"rates\": [],\n  \"prices_include_tax\": true,\n"
                             "  \"tax_rounding\": \"line\"\n}\n");

  run_ok (&run, "tax-rates", "add", "VAT", "22");
  cr_assert_str_eq (run.out, "Added the tax rate “VAT” at 22 %.\n");
  run_ok (&run, "tax-rates", "add", "Reduced", "5.5");
  run_ok (&run, "tax-rates", "add", "Ten", "10%");
  run_ok (&run, "tax-rates", "add", "Zero", "0");
  assert_text (rates (), "3:Reduced|1:550|\n3:Ten|1:1000|\n3:VAT|1:2200|\n3:Zero|1:0|\n"
                              "default 3:none|\n");

  /* Refused, with the sentence, exit 65, nothing changed. */
  run_refused (&run, 65, "A tax rate cannot be above 100 %.", "tax-rates", "add", "Big", "100.5");
  run_refused (&run, 65, "A tax rate cannot be negative.", "tax-rates", "add", "Minus", "-5");
  run_refused (&run, 65, "A tax rate is a percentage with at most two decimals", "tax-rates",
               "add", "Odd", "5.555");
  run_refused (&run, 65, "There is already a tax rate named “vat”.", "tax-rates", "add", "vat", "4");
  run_refused (&run, 65, "There is no tax rate named “Nope”", "tax-rates", "set", "Nope", "X", "4");
  run_refused (&run, 65, "A tax rate cannot be above 100 %.", "tax-rates", "set", "Ten", "Ten", "101");
  /* Usage: the wrong number of words, an unknown subcommand, --json with a change. */
  run_refused (&run, 2, "tax-rates add NAME RATE", "tax-rates", "add", "VAT");
  run_refused (&run, 2, "tax-rates set NAME NEW-NAME RATE", "tax-rates", "set", "VAT", "22");
  run_refused (&run, 2, "tax-rates remove NAME", "tax-rates", "remove");
  run_refused (&run, 2, "“drop” is not add, set or remove.", "tax-rates", "drop", "VAT");
  run_refused (&run, 2, "--json goes with the list", "tax-rates", "--json", "add", "X", "1");

  run_ok (&run, "tax-rates", "set", "ten", "Ten percent", "10.25");
  cr_assert_str_eq (run.out, "Changed the tax rate “ten” to “Ten percent” at 10.25 %.\n");
  run_ok (&run, "settings", "default-tax-rate", "VAT");
  run_ok (&run, "item-tax", "A", "Reduced");
  run_ok (&run, "item-tax", "B", "Reduced");

  run_ok (&run, "tax-rates");
  cr_assert_str_eq (run.out,
                    "Name         Default     Rate  Items\n"
                    "VAT          default     22 %      0\n"
                    "Ten percent           10.25 %      0\n"
                    "Reduced                 5.5 %      2\n"
                    "Zero                      0 %      0\n",
                    "%s", run.out);
  run_ok (&run, "tax-rates", "--json");
  cr_assert_str_eq (run.out,
                    "{\n  \"rates\": [\n"
                    "    {\"name\": \"VAT\", \"rate\": \"22\", \"rate_bp\": 2200, \"items\": 0, \"default\": true},\n"
                    "    {\"name\": \"Ten percent\", \"rate\": \"10.25\", \"rate_bp\": 1025, \"items\": 0, \"default\": false},\n"
                    "    {\"name\": \"Reduced\", \"rate\": \"5.5\", \"rate_bp\": 550, \"items\": 2, \"default\": false},\n"
                    "    {\"name\": \"Zero\", \"rate\": \"0\", \"rate_bp\": 0, \"items\": 0, \"default\": false}\n"
                    "  ],\n  \"prices_include_tax\": true,\n  \"tax_rounding\": \"line\"\n}\n");

  /* In use: by items, by the shop's default. */
  run_refused (&run, 65, "2 items have this tax rate: give them another before removing it.",
               "tax-rates", "remove", "Reduced");
  run_refused (&run, 65, "This is the shop’s default tax rate", "tax-rates", "remove", "VAT");
  run_refused (&run, 65, "There is no tax rate named “Nope”", "tax-rates", "remove", "Nope");

  run_ok (&run, "tax-rates", "remove", "zero");
  cr_assert_str_eq (run.out, "Removed the tax rate “zero”.\n");
  assert_text (rates (), "3:Reduced|1:550|\n3:Ten percent|1:1025|\n3:VAT|1:2200|\n"
                              "default 3:VAT|\n");
}

Test (cli_tax, item_tax_shows_and_gives_an_items_rate)
{
  g_auto(StkTestRun) run = { 0 };

  make_inventory ();
  run_ok (&run, "item-tax", "A");
  cr_assert_str_eq (run.out, "“A” sells without tax: it follows the shop’s default rate, and there"
                             " is none.\n");
  run_ok (&run, "tax-rates", "add", "VAT", "22");
  run_ok (&run, "tax-rates", "add", "Food", "4");
  run_ok (&run, "settings", "default-tax-rate", "VAT");
  run_ok (&run, "item-tax", "A");
  cr_assert_str_eq (run.out, "“A” sells at the shop’s default tax rate “VAT” (22 %).\n");

  run_ok (&run, "item-tax", "a", "food");
  cr_assert_str_eq (run.out, "“A” now sells at the tax rate “food”.\n");
  run_ok (&run, "item-tax", "A");
  cr_assert_str_eq (run.out, "“A” sells at its own tax rate “Food” (4 %).\n");
  cr_assert_eq (query ("SELECT tax_rate_id = (SELECT id FROM tax_rates WHERE name = 'Food')"
                       " FROM items WHERE code = 'A'"), 1);

  /* A sale now takes the item's rate: 2 × 2.50 with 4 % in it. */
  run_ok (&run, "sell", "A=2");
  cr_assert_eq (query ("SELECT tax_cents FROM sales"), 19);

  run_refused (&run, 65, "There is no tax rate named “Books”", "item-tax", "A", "Books");
  run_refused (&run, 65, "stocktake: ", "item-tax", "Z-9", "Food");
  run_refused (&run, 2, "Missing arguments", "item-tax");
  run_refused (&run, 2, "Unexpected argument", "item-tax", "A", "Food", "x");

  run_ok (&run, "item-tax", "A", "default");
  cr_assert_str_eq (run.out, "“A” now follows the shop’s default tax rate.\n");
  cr_assert_eq (query ("SELECT tax_rate_id IS NULL FROM items WHERE code = 'A'"), 1);
}

Test (cli_tax, a_held_inventory_exits_75_and_changes_nothing)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GSubprocess) window = NULL;

  make_inventory ();
  run_ok (&run, "tax-rates", "add", "VAT", "22");
  window = stk_lock_taker_start (db_path, "window");
  run_refused (&run, 75, "stocktake: ", "tax-rates", "add", "Food", "4");
  run_refused (&run, 75, "stocktake: ", "tax-rates", "remove", "VAT");
  run_refused (&run, 75, "stocktake: ", "settings", "default-tax-rate", "VAT");
  run_refused (&run, 75, "stocktake: ", "item-tax", "A", "VAT");
  /* Reads are not held up. */
  run_ok (&run, "tax-rates");
  run_ok (&run, "item-tax", "A");
  stk_lock_taker_stop (window);
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE tax_rate_id IS NOT NULL"), 0);
}

Test (cli_tax, csv_files_carry_the_tax)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *skus = stk_test_path_in_tmp ("skus.csv");
  g_autofree char *sales = stk_test_path_in_tmp ("sales.csv");
  g_autofree char *returns = stk_test_path_in_tmp ("returns.csv");
  g_autofree char *old = stk_test_path_in_tmp ("old.csv");
  g_autofree char *text = NULL;
  g_autofree char *copy = stk_test_path_in_tmp ("copy.db");
  g_autofree char *dir = stk_test_path_in_tmp ("all");

  make_inventory ();
  run_ok (&run, "tax-rates", "add", "VAT", "22");
  run_ok (&run, "tax-rates", "add", "Food", "5.5");
  run_ok (&run, "settings", "default-tax-rate", "VAT");
  run_ok (&run, "item-tax", "B", "Food");
  run_ok (&run, "sell", "A=3", "B=2");
  run_ok (&run, "return", "1");

  run_ok (&run, "export", "skus", skus);
  cr_assert (g_file_get_contents (skus, &text, NULL, NULL));
  cr_assert (strstr (text, ",barcodes,tax_rate,unit_cost\r\nA,Apple juice,2.50,0,0,98,,,\r\nB,Bread,1.00,0,0,48,,Food,\r\n")
             != NULL, "%s", text);
  g_clear_pointer (&text, g_free);
  run_ok (&run, "export", "sales", sales);
  cr_assert (g_file_get_contents (sales, &text, NULL, NULL));
  /* 7.50 with 22 % in it: 1.35; 2.00 with 5.5 %: 0.10 */
  cr_assert (strstr (text, ",void_reason,tax_name,tax_rate,tax_included,tax,cost\r\n") != NULL, "%s", text);
  cr_assert (strstr (text, ",,,,,VAT,22,1,1.35,0.00\r\n") != NULL, "%s", text);
  cr_assert (strstr (text, ",,,,,Food,5.5,1,0.10,0.00\r\n") != NULL, "%s", text);
  g_clear_pointer (&text, g_free);
  run_ok (&run, "export", "returns", returns);
  cr_assert (g_file_get_contents (returns, &text, NULL, NULL));
  /* one of three: 2.50 refunded, 0.45 of tax */
  cr_assert (strstr (text, ",reference,tax\r\n") != NULL && strstr (text, ",1,1,2.50,,") != NULL &&
             g_str_has_suffix (text, ",0.45\r\n"), "%s", text);

  /* Into a copy that has the rates (named its own way) but at other rates, from a
   * folder written before tax-rates.csv: the sales keep the tax they were sold with. A
   * rate the copy lacks: its line, nothing. */
  stk_test_close_writer (stk_test_open_writer (copy));
  stk_test_run_db (&run, copy, "tax-rates", "add", "vat", "10", NULL);
  stk_test_assert_status (&run, 0);
  stk_test_run_db (&run, db_path, "export", "all", dir, NULL);
  stk_test_assert_status (&run, 0);
  {
    g_autofree char *rates_csv = g_build_filename (dir, "tax-rates.csv", NULL);

    cr_assert_eq (g_unlink (rates_csv), 0);
  }
  stk_test_run_db (&run, copy, "import", "all", dir, NULL);
  stk_test_assert_status (&run, 65);
  cr_assert (strstr (run.err, "Line 3: There is no tax rate named “Food”") != NULL, "%s", run.err);
  cr_assert_eq (stk_test_query (copy, "SELECT count(*) FROM items"), 0);
  stk_test_run_db (&run, copy, "tax-rates", "add", "food", "1", NULL);
  stk_test_assert_status (&run, 0);
  stk_test_run_db (&run, copy, "import", "all", dir, NULL);
  stk_test_assert_status (&run, 0);
  {
    static const char sql[] = "SELECT s.tax_rate_bp, s.tax_name, s.tax_included, s.tax_cents,"
                              " (SELECT group_concat (tax_cents) FROM returns r WHERE r.line_id = s.id)"
                              " FROM sales s ORDER BY s.id";
    g_autofree char *a = stk_test_query_dump (db_path, sql);
    g_autofree char *b = stk_test_query_dump (copy, sql);

    cr_assert_str_eq (b, a);
    cr_assert_str_eq (a, "1:2200|3:VAT|1:1|1:135|3:45|\n1:550|3:Food|1:1|1:10|5:|\n");
  }

  /* A sales file of before tax: each line at its item's rate now (the copy's default:
   * 10 %). */
  stk_test_run_db (&run, copy, "settings", "default-tax-rate", "VAT", NULL);
  stk_test_assert_status (&run, 0);
  stk_test_write_file (old, "sold_at,sku,quantity,unit_price\r\n2099-03-02T10:00:00Z,A,4,\r\n", -1);
  stk_test_run_db (&run, copy, "import", "sales", old, NULL);
  stk_test_assert_status (&run, 0);
  /* 10.00 with 10 % in it: 0.91 */
  assert_text (stk_test_query_dump (copy, "SELECT tax_rate_bp, tax_name, tax_cents FROM sales"
                                               " ORDER BY id DESC LIMIT 1"),
                    "1:1000|3:vat|1:91|\n");

  /* A tax off by a cent or more: the line, nothing imported. */
  stk_test_write_file (old, "sold_at,sku,quantity,tax_name,tax_rate,tax_included,tax\r\n"
                            "2099-03-02T11:00:00Z,A,1,VAT,22,1,0.45\r\n"
                            "2099-03-02T11:00:00Z,A,1,VAT,22,1,0.47\r\n", -1);
  stk_test_run_db (&run, copy, "import", "sales", old, NULL);
  stk_test_assert_status (&run, 65);
  cr_assert (strstr (run.err, "Line 3: The tax 0.47 on “A” is not the 22 % included in the line’s"
                              " 2.50: that is 0.45 (to the cent).") != NULL, "%s", run.err);
  cr_assert_eq (stk_test_query (copy, "SELECT count(*) FROM sales"), 3);
}

/* export all writes tax-rates.csv (the rates, the default, the rules), import all into a
 * fresh inventory brings them back with everything else, and exporting the copy writes
 * the same files; export and import tax-rates carry the one table. */
Test (cli_tax, export_all_and_import_all_carry_the_rates_and_rules)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *dir = stk_test_path_in_tmp ("all");
  g_autofree char *again = stk_test_path_in_tmp ("again");
  g_autofree char *copy = stk_test_path_in_tmp ("copy.db");
  g_autofree char *third = stk_test_path_in_tmp ("third.db");
  g_autofree char *one = stk_test_path_in_tmp ("rates.csv");
  static const char *const files[] = { "tax-rates.csv", "skus.csv", "movements.csv", "sales.csv",
                                       "returns.csv" };
  static const char sql[] = "SELECT s.tax_rate_bp, s.tax_name, s.tax_included, s.tax_cents,"
                            " (SELECT group_concat (tax_cents) FROM returns r WHERE r.line_id = s.id)"
                            " FROM sales s ORDER BY s.id";
  static const char rules[] = "SELECT key, value FROM settings WHERE key IN"
                              " ('prices_include_tax', 'tax_rounding') ORDER BY key";

  make_inventory ();
  run_ok (&run, "tax-rates", "add", "VAT", "22");
  run_ok (&run, "tax-rates", "add", "Food", "5.5");
  run_ok (&run, "settings", "default-tax-rate", "VAT");
  run_ok (&run, "settings", "prices-include-tax", "no");
  run_ok (&run, "settings", "tax-rounding", "receipt");
  run_ok (&run, "item-tax", "B", "Food");
  run_ok (&run, "sell", "A=3", "B=2", "B=1");
  run_ok (&run, "return", "1");

  run_ok (&run, "export", "all", dir);
  cr_assert (strstr (run.out, "Exported 10 rows to ") != NULL, "%s", run.out);
  {
    g_autofree char *path = g_build_filename (dir, "tax-rates.csv", NULL);
    g_autofree char *text = NULL;

    cr_assert (g_file_get_contents (path, &text, NULL, NULL));
    cr_assert_str_eq (text, "name,rate,default,prices_include_tax,tax_rounding\r\n"
                            "VAT,22,1,0,receipt\r\n"
                            "Food,5.5,0,0,receipt\r\n");
  }

  stk_test_run_db (&run, copy, "import", "all", dir, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_str_eq (run.out, "Imported 10 rows (0 already present)\n");
  {
    g_autofree char *a = stk_test_query_dump (db_path, sql);
    g_autofree char *b = stk_test_query_dump (copy, sql);
    g_autofree char *ra = stk_test_query_dump (db_path, rules);
    g_autofree char *rb = stk_test_query_dump (copy, rules);

    cr_assert_str_eq (b, a);
    cr_assert_str_eq (rb, ra);
    cr_assert_str_eq (rb, "3:prices_include_tax|1:0|\n3:tax_rounding|3:receipt|\n");
  }
  stk_test_run_db (&run, copy, "tax-rates", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_regex_match_simple ("VAT +default +22 % +0\n", run.out, 0, 0), "%s", run.out);
  cr_assert (g_regex_match_simple ("Food +5.5 % +1\n", run.out, 0, 0), "%s", run.out);

  stk_test_run_db (&run, copy, "export", "all", again, NULL);
  stk_test_assert_status (&run, 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *p1 = g_build_filename (dir, files[i], NULL);
      g_autofree char *p2 = g_build_filename (again, files[i], NULL);
      g_autofree char *t1 = NULL;
      g_autofree char *t2 = NULL;

      cr_assert (g_file_get_contents (p1, &t1, NULL, NULL));
      cr_assert (g_file_get_contents (p2, &t2, NULL, NULL));
      cr_assert_str_eq (t2, t1, "%s differs", files[i]);
    }

  /* The one table: the same file, imported twice (the second time all present). */
  stk_test_run_db (&run, copy, "export", "tax-rates", one, NULL);
  stk_test_assert_status (&run, 0);
  {
    g_autofree char *said = g_strdup_printf ("Exported 2 rows to %s\n", one);

    cr_assert_str_eq (run.out, said);
  }
  stk_test_close_writer (stk_test_open_writer (third));
  for (guint i = 0; i < 2; i++)
    {
      stk_test_run_db (&run, third, "import", "tax-rates", one, NULL);
      stk_test_assert_status (&run, 0);
      cr_assert_str_eq (run.out, i == 0 ? "Imported 2 rows (0 already present)\n"
                                        : "Imported 0 rows (2 already present)\n");
    }
  stk_test_run_db (&run, third, "settings", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "(prices-include-tax no)") != NULL &&
             strstr (run.out, "(tax-rounding receipt)") != NULL &&
             strstr (run.out, "(default-tax-rate \"VAT\")") != NULL, "%s", run.out);

  /* A name the inventory has at another rate: the line, exit 65, nothing imported. */
  stk_test_write_file (one, "name,rate\r\nNew,7\r\nfood,6\r\n", -1);
  stk_test_run_db (&run, third, "import", "tax-rates", one, NULL);
  stk_test_assert_status (&run, 65);
  cr_assert (strstr (run.err, "Line 3: The inventory has the tax rate “food” at 5.5 %, not 6 %")
             != NULL, "%s", run.err);
  cr_assert_eq (stk_test_query (third, "SELECT count(*) FROM tax_rates"), 2);
}

Test (cli_tax, help_lists_the_tax_commands)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_run (&run, "--help", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "  tax-rates [--json] | add NAME RATE | set NAME NEW-NAME RATE | remove NAME")
             != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "  item-tax CODE [NAME|default]") != NULL, "%s", run.out);
  stk_test_run (&run, "settings", "--help", NULL);
  cr_assert (strstr (run.out, "prices-include-tax yes") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "default-tax-rate NAME") != NULL, "%s", run.out);
  stk_test_run (&run, "tax-rates", "--help", NULL);
  cr_assert (strstr (run.out, "remove NAME") != NULL, "%s", run.out);
}
