/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `stocktake sell` and `stocktake receipt`, run for real (issue 17): one sale of several
 * lines by code and barcode, a pack, prices and time given, a bad line named and
 * nothing written, the held lock, the receipt as a PDF while the inventory is held, a
 * missing sale and a missing folder; `stocktake return` of a line `sell` numbered; `stats` counting returns and barcodes and `verify`
 * finding returns and barcodes out of step (the file corrupted by raw SQL). SQLite only:
 * the corruptions are raw connections to the file. */
#include "config.h"

#include <criterion/criterion.h>
#include <sqlite3.h>
#include <string.h>

#include <glib/gstdio.h>

#include "stk-ops.h"
#include "stk-lock-test-util.h"
#include "stk-test-cli.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"
#include "stk-writer.h"

TestSuite (cli_sell, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

/* Item A: 2.50, 100 in stock, UPC-A 012345678905; item B: 1.00, 50 in stock, EAN-13
 * 4006381333931 for a case of 6. */
#define UPC_A  "012345678905"
#define UPC_A_AS_EAN13 "0012345678905"
#define EAN_13 "4006381333931"
#define EAN_13_WRONG_CHECK "4006381333932"

static void
make_inventory (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_submit (writer, stk_op_create_item ("A", "Apple juice", 250, 0));
  stk_test_submit (writer, stk_op_create_item ("B", "Bread", 100, 0));
  stk_test_submit (writer, stk_op_record_movement ("A", STK_MOVEMENT_RECEIVE, 100, "in", 0));
  stk_test_submit (writer, stk_op_record_movement ("B", STK_MOVEMENT_RECEIVE, 50, "in", 0));
  stk_test_submit (writer, stk_op_add_barcode ("A", UPC_A, 1));
  stk_test_submit (writer, stk_op_add_barcode ("B", EAN_13, 6));
  stk_test_close_writer (writer);
}

static gint64
query (const char *sql)
{
  return stk_test_query (db_path, sql);
}

static gint64
on_hand (const char *code)
{
  g_autofree char *sql = g_strdup_printf ("SELECT on_hand FROM items WHERE code = '%s'", code);

  return query (sql);
}

/* What a failed sale must leave as it was. */
typedef struct
{
  gint64 sales, movements, applied_ops, on_hand;
} Counts;

static Counts
counts (void)
{
  return (Counts) {
    query ("SELECT count(*) FROM sales"),
    query ("SELECT count(*) FROM movements"),
    query ("SELECT count(*) FROM applied_ops"),
    query ("SELECT sum (on_hand) FROM items"),
  };
}

static void
assert_unchanged (const Counts *before)
{
  Counts now = counts ();

  cr_assert_eq (now.sales, before->sales, "sales %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT,
                before->sales, now.sales);
  cr_assert_eq (now.movements, before->movements);
  cr_assert_eq (now.applied_ops, before->applied_ops);
  cr_assert_eq (now.on_hand, before->on_hand);
}

/* The sale id printed by a successful sell: "Recorded sale N: …". */
static gint64
printed_sale_id (const StkTestRun *run)
{
  const char *p = strstr (run->out, "Recorded sale ");

  cr_assert_not_null (p, "stdout: %s", run->out);
  return g_ascii_strtoll (p + strlen ("Recorded sale "), NULL, 10);
}

static void
assert_bad_line (const StkTestRun *run,
                 const char       *line,
                 const char       *words)
{
  stk_test_assert_status (run, 65);
  stk_test_assert_one_sentence_error (run);
  cr_assert (g_str_has_prefix (run->err, line), "the line is not named first: %s", run->err);
  cr_assert (strstr (run->err, words) != NULL, "no “%s” in: %s", words, run->err);
  cr_assert_str_empty (run->out);
}

static void
sqlite_exec (const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    cr_assert (FALSE, "%s: %s", sql, message);
  sqlite3_free (message);
  sqlite3_close (db);
}

/* ---- sell ---- */

Test (cli_sell, one_sale_of_lines_by_code_and_barcode_with_a_pack)
{
  g_auto(StkTestRun) run = { 0 };
  gint64 sale_id;

  make_inventory ();
  /* A by code ×2, B by its case barcode ×2 (12 units), A by its UPC-A typed as an
   * EAN-13 (1), the case code case-folded. */
  stk_test_run_db (&run, db_path, "sell", "a=2", EAN_13 "=2", UPC_A_AS_EAN13,
                   "--payment", "card", "--note", "till 1", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_str_empty (run.err);
  /* 2 × 2.50 + 12 × 1.00 + 1 × 2.50 */
  cr_assert (strstr (run.out, "3 lines, total 19.50.") != NULL, "%s", run.out);

  sale_id = printed_sale_id (&run);
  cr_assert_eq (query ("SELECT count(*) FROM sales"), 3);
  cr_assert_eq (query ("SELECT min (id) FROM sales"), sale_id);
  cr_assert_eq (query ("SELECT count(*) FROM sales WHERE first_line IS NULL"), 1);
  cr_assert_eq (query ("SELECT sum (quantity) FROM sales s JOIN items i ON i.id = s.item_id"
                       " WHERE i.code = 'B'"), 12);
  cr_assert_eq (query ("SELECT sum (quantity) FROM sales s JOIN items i ON i.id = s.item_id"
                       " WHERE i.code = 'A'"), 3);
  cr_assert_eq (query ("SELECT count(*) FROM sales WHERE payment = 'card' AND note = 'till 1'"
                       " AND first_line IS NULL"), 1);
  cr_assert_eq (on_hand ("A"), 97);
  cr_assert_eq (on_hand ("B"), 38);

  /* One sale, so one exactly-once op. */
  cr_assert_eq (query ("SELECT count(*) FROM applied_ops"), 7);

  stk_test_run_db (&run, db_path, "verify", NULL);
  stk_test_assert_status (&run, 0);
}

Test (cli_sell, prices_and_the_time_given)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 ("2026-11-23T10:15:00Z", NULL);

  make_inventory ();
  stk_test_run_db (&run, db_path, "sell", "A=2", "B", EAN_13, "--price", "a=1.25",
                   "--price=" EAN_13 "=0.50", "--at", "2026-11-23T10:15:00Z", NULL);
  stk_test_assert_status (&run, 0);
  /* 2 × 1.25 + 1 × 1.00 (B by its code keeps its price) + 6 × 0.50 */
  cr_assert (strstr (run.out, "total 6.50.") != NULL, "%s", run.out);
  cr_assert_eq (query ("SELECT unit_price_cents FROM sales WHERE quantity = 2"), 125);
  cr_assert_eq (query ("SELECT unit_price_cents FROM sales WHERE quantity = 6"), 50);
  cr_assert_eq (query ("SELECT unit_price_cents FROM sales WHERE quantity = 1"), 100);
  cr_assert_eq (query ("SELECT count(*) FROM sales WHERE sold_at = "
                       "(SELECT sold_at FROM sales WHERE first_line IS NULL)"), 3);
  cr_assert_eq (query ("SELECT min (sold_at) FROM sales"),
                g_date_time_to_unix (at) * G_USEC_PER_SEC);
}

Test (cli_sell, bad_options_are_usage_errors_and_write_nothing)
{
  const char *cases[][5] = {
    { "sell" },
    { "sell", "A", "--price", "A" },
    { "sell", "A", "--price", "A=-1" },
    { "sell", "A", "--price", "A=1.234" },
    { "sell", "A", "--price", "B=1.00" },
    { "sell", "A", "--at", "yesterday" },
    { "sell", "A", "--payment", "a", "--payment" },
  };
  Counts before;

  make_inventory ();
  before = counts ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(StkTestRun) run = { 0 };
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();

      g_ptr_array_add (argv, (gpointer) "--database");
      g_ptr_array_add (argv, db_path);
      for (guint j = 0; j < G_N_ELEMENTS (cases[i]) && cases[i][j] != NULL; j++)
        g_ptr_array_add (argv, (gpointer) cases[i][j]);
      g_ptr_array_add (argv, NULL);
      stk_test_run_argv (&run, NULL, FALSE, (const char *const *) argv->pdata);
      cr_assert_eq (run.status, 2, "case %u: status %d\n%s", i, run.status, run.err);
      cr_assert (g_str_has_prefix (run.err, "stocktake: "), "case %u: %s", i, run.err);
      assert_unchanged (&before);
    }
}

Test (cli_sell, a_shortage_names_its_line_and_writes_nothing)
{
  g_auto(StkTestRun) run = { 0 };
  Counts before;

  make_inventory ();
  before = counts ();
  /* The first line alone would go through. */
  stk_test_run_db (&run, db_path, "sell", "A", "B=51", NULL);
  assert_bad_line (&run, "stocktake: Line 2: ", "“B”");
  cr_assert (stk_test_contains_ci (run.err, "not enough stock"), "%s", run.err);
  assert_unchanged (&before);

  /* A case of 6 × 9 = 54 is more than the 50 in stock. */
  stk_test_run_db (&run, db_path, "sell", "A", "A", EAN_13 "=9", NULL);
  assert_bad_line (&run, "stocktake: Line 3: ", "“B”");
  assert_unchanged (&before);
}

Test (cli_sell, an_unknown_code_or_a_bad_quantity_names_its_line)
{
  g_auto(StkTestRun) run = { 0 };
  Counts before;

  make_inventory ();
  before = counts ();
  stk_test_run_db (&run, db_path, "sell", "A", "NOPE", NULL);
  assert_bad_line (&run, "stocktake: Line 2: ", "No item has the code or barcode “NOPE”.");
  assert_unchanged (&before);

  stk_test_run_db (&run, db_path, "sell", "A=x", NULL);
  assert_bad_line (&run, "stocktake: Line 1: ", "“A=x”");
  stk_test_run_db (&run, db_path, "sell", "A", "B=0", NULL);
  assert_bad_line (&run, "stocktake: Line 2: ", "“B=0”");
  stk_test_run_db (&run, db_path, "sell", "A=", NULL);
  assert_bad_line (&run, "stocktake: Line 1: ", "“A=”");
  assert_unchanged (&before);
}

/* A barcode typed with a wrong check digit is just a code no item has; the sentence
 * says what is wrong with it, so the cashier knows to look at the digits. */
Test (cli_sell, a_barcode_with_a_wrong_check_digit_says_so)
{
  g_auto(StkTestRun) run = { 0 };
  Counts before;

  make_inventory ();
  before = counts ();
  stk_test_run_db (&run, db_path, "sell", "A", EAN_13_WRONG_CHECK, NULL);
  assert_bad_line (&run, "stocktake: Line 2: ",
                   "No item has the code or barcode “" EAN_13_WRONG_CHECK "”; its check digit "
                   "is wrong for EAN-13 (it should end in 1).");
  assert_unchanged (&before);
}

Test (cli_sell, a_held_inventory_exits_75_and_a_receipt_still_works)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GSubprocess) window = NULL;
  g_autofree char *pdf = g_build_filename (tmpdir, "held.pdf", NULL);
  g_autofree char *id = NULL;
  Counts before;

  make_inventory ();
  stk_test_run_db (&run, db_path, "sell", "A", NULL);
  stk_test_assert_status (&run, 0);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, printed_sale_id (&run));
  before = counts ();

  window = stk_lock_taker_start (db_path, "window");
  stk_test_run_db (&run, db_path, "sell", "A", "B", NULL);
  stk_test_assert_status (&run, 75);
  stk_test_assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "is open for editing in another Stocktake window: ") != NULL,
             "%s", run.err);
  assert_unchanged (&before);

  /* A read: not held up by the lock. */
  stk_test_run_db (&run, db_path, "receipt", id, pdf, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  stk_lock_taker_stop (window);

  stk_test_run_db (&run, db_path, "sell", "A", "B", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_eq (counts ().sales, before.sales + 2);
}

/* ---- return ---- */

Test (cli_sell, a_return_by_the_line_number_sell_prints)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *line_2 = NULL;
  g_autofree char *arg = NULL;
  gint64 sale_id;
  Counts before;

  make_inventory ();
  stk_test_run_db (&run, db_path, "sell", "A=2", EAN_13, NULL);
  stk_test_assert_status (&run, 0);
  sale_id = printed_sale_id (&run);
  /* Every line with its number: "  line N: 6 × B at 1.00 = 6.00". */
  line_2 = g_strdup_printf ("  line %" G_GINT64_FORMAT ": 6 × B at 1.00 = 6.00\n",
                            query ("SELECT max (id) FROM sales"));
  cr_assert (strstr (run.out, line_2) != NULL, "no “%s” in:\n%s", line_2, run.out);
  cr_assert_eq (on_hand ("B"), 44);

  arg = g_strdup_printf ("%" G_GINT64_FORMAT "=4", query ("SELECT max (id) FROM sales"));
  stk_test_run_db (&run, db_path, "return", arg, "--reason", "torn", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, ": 4 of “B” back in stock, refund 4.00.") != NULL, "%s", run.out);
  cr_assert_eq (on_hand ("B"), 48);
  cr_assert_eq (query ("SELECT count(*) FROM returns WHERE reason = 'torn' AND quantity = 4"), 1);

  /* 3 more of the 2 left, a line that does not exist: bad input, nothing written. */
  before = counts ();
  stk_test_run_db (&run, db_path, "return", arg, NULL);
  stk_test_assert_status (&run, 65);
  stk_test_assert_one_sentence_error (&run);
  stk_test_run_db (&run, db_path, "return", "999", NULL);
  stk_test_assert_status (&run, 65);
  cr_assert_str_eq (run.err, "stocktake: Sale line 999 does not exist.\n");
  stk_test_run_db (&run, db_path, "return", "1=x", NULL);
  stk_test_assert_status (&run, 2);
  assert_unchanged (&before);
  cr_assert_eq (query ("SELECT count(*) FROM returns"), 1);

  /* The sale's first line by the sale's number. */
  arg = (g_free (arg), g_strdup_printf ("%" G_GINT64_FORMAT, sale_id));
  stk_test_run_db (&run, db_path, "return", arg, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_eq (on_hand ("A"), 99);

  stk_test_run_db (&run, db_path, "verify", NULL);
  stk_test_assert_status (&run, 0);
}

/* ---- receipt ---- */

Test (cli_sell, a_receipt_is_a_pdf)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *pdf = g_build_filename (tmpdir, "sale.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *id = NULL;
  g_autofree char *any_line = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  make_inventory ();
  stk_test_run_db (&run, db_path, "sell", "A=2", EAN_13, "--payment", "cash", NULL);
  stk_test_assert_status (&run, 0);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, printed_sale_id (&run));

  stk_test_run_db (&run, db_path, "receipt", id, pdf, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_str_empty (run.err);
  cr_assert (strstr (run.out, pdf) != NULL, "%s", run.out);
  cr_assert (g_file_get_contents (pdf, &contents, &len, &error), "%s",
             error ? error->message : "");
  cr_assert_gt (len, 1000);
  cr_assert (memcmp (contents, "%PDF", 4) == 0);
  g_clear_pointer (&contents, g_free);

  /* Any line's id finds its sale; an existing file is replaced. */
  any_line = g_strdup_printf ("%" G_GINT64_FORMAT, query ("SELECT max (id) FROM sales"));
  stk_test_run_db (&run, db_path, "receipt", any_line, pdf, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_file_get_contents (pdf, &contents, &len, NULL));
  cr_assert (memcmp (contents, "%PDF", 4) == 0);
}

Test (cli_sell, the_receipt_of_a_missing_sale_exits_65)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *pdf = g_build_filename (tmpdir, "none.pdf", NULL);

  make_inventory ();
  stk_test_run_db (&run, db_path, "receipt", "999", pdf, NULL);
  stk_test_assert_status (&run, 65);
  stk_test_assert_one_sentence_error (&run);
  cr_assert_str_eq (run.err, "stocktake: Sale 999 does not exist.\n");
  cr_assert_not (g_file_test (pdf, G_FILE_TEST_EXISTS));

  /* Not a number at all: a usage error. */
  stk_test_run_db (&run, db_path, "receipt", "x1", pdf, NULL);
  stk_test_assert_status (&run, 2);
  cr_assert_not (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

/* ---- the day report as a PDF ---- */

static gboolean
pdf_has (const char *path,
         const char *text)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;
  /* A PDF holds NULs. */
  return len > 4 && memcmp (contents, "%PDF", 4) == 0 &&
         memmem (contents, len, text, strlen (text)) != NULL;
}

Test (cli_sell, report_day_and_close_day_write_the_day_report_as_a_pdf)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *open_pdf = g_build_filename (tmpdir, "open.pdf", NULL);
  g_autofree char *close_pdf = g_build_filename (tmpdir, "close.pdf", NULL);
  g_autofree char *again_pdf = g_build_filename (tmpdir, "again.pdf", NULL);
  g_autofree char *bad_pdf = g_build_filename (tmpdir, "missing", "day.pdf", NULL);
  g_autofree char *text_only = NULL;

  make_inventory ();
  stk_test_run_db (&run, db_path, "sell", "A=2", "--payment", "cash", NULL);
  stk_test_assert_status (&run, 0);
  stk_test_run_db (&run, db_path, "sell", "B", "--payment", "card", NULL);
  stk_test_assert_status (&run, 0);

  /* The day not closed yet: the text as without --pdf, then the file named. */
  stk_test_run_db (&run, db_path, "report", "day", NULL);
  stk_test_assert_status (&run, 0);
  text_only = g_strdup (run.out);
  stk_test_run_db (&run, db_path, "report", "day", "--pdf", open_pdf, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert_str_empty (run.err);
  cr_assert (g_str_has_prefix (run.out, text_only), "%s", run.out);
  cr_assert (strstr (run.out, open_pdf) != NULL, "%s", run.out);
  cr_assert (pdf_has (open_pdf, "/Title (Day Report)"));

  /* The close writes its report; JSON stays JSON alone. */
  stk_test_run_db (&run, db_path, "close-day", "--counted-cash", "4.00", "--json",
                   "--pdf", close_pdf, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_str_has_suffix (run.out, "}\n"), "%s", run.out);
  cr_assert (strstr (run.out, "\"difference_cents\": -100") != NULL, "%s", run.out);
  cr_assert (pdf_has (close_pdf, "/Title (Day Report 1)"));
  cr_assert_eq (query ("SELECT count (*) FROM day_closes"), 1);

  /* A close's report again, by number. */
  stk_test_run_db (&run, db_path, "report", "day", "--close", "1", "--pdf", again_pdf, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (pdf_has (again_pdf, "/Title (Day Report 1)"));

  /* A folder that is not there: one sentence, no file. */
  stk_test_run_db (&run, db_path, "report", "day", "--close", "1", "--pdf", bad_pdf, NULL);
  cr_assert_neq (run.status, 0);
  stk_test_assert_one_sentence_error (&run);
  cr_assert_not (g_file_test (bad_pdf, G_FILE_TEST_EXISTS));
}

Test (cli_sell, a_receipt_into_a_missing_folder_leaves_no_file)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GDir) dir = NULL;
  g_autofree char *missing = g_build_filename (tmpdir, "missing", NULL);
  g_autofree char *pdf = g_build_filename (missing, "sale.pdf", NULL);
  g_autofree char *export_csv = g_build_filename (missing, "sales.csv", NULL);
  g_auto(StkTestRun) export_run = { 0 };
  const char *name;
  g_autofree char *id = NULL;

  make_inventory ();
  stk_test_run_db (&run, db_path, "sell", "A", NULL);
  stk_test_assert_status (&run, 0);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, printed_sale_id (&run));

  stk_test_run_db (&run, db_path, "receipt", id, pdf, NULL);
  /* The same status as an export into that folder. */
  stk_test_run_db (&export_run, db_path, "export", "sales", export_csv, NULL);
  cr_assert_neq (export_run.status, 0);
  stk_test_assert_status (&run, export_run.status);
  stk_test_assert_one_sentence_error (&run);
  cr_assert (strstr (run.err, "missing") != NULL, "the folder is not named: %s", run.err);
  cr_assert_not (g_file_test (missing, G_FILE_TEST_EXISTS));

  /* Nothing beside the inventory but its own files. */
  dir = g_dir_open (tmpdir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    cr_assert (g_str_has_prefix (name, "inventory.db"), "left behind: %s", name);
}

/* ---- stats, verify, help ---- */

Test (cli_sell, stats_count_returns_and_barcodes)
{
  g_auto(StkTestRun) run = { 0 };
  StkWriter *writer;
  gint64 line;

  make_inventory ();
  stk_test_run_db (&run, db_path, "sell", "A=3", NULL);
  stk_test_assert_status (&run, 0);
  line = printed_sale_id (&run);
  writer = stk_test_open_writer (db_path);
  stk_test_submit (writer, stk_op_return_sale_line (line, 1, -1, "broken", 0));
  stk_test_submit (writer, stk_op_return_sale_line (line, 1, -1, "", 0));
  stk_test_close_writer (writer);

  stk_test_run_db (&run, db_path, "stats", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (g_regex_match_simple ("^Returns: +2$", run.out, G_REGEX_MULTILINE, 0), "%s", run.out);
  cr_assert (g_regex_match_simple ("^Barcodes: +2$", run.out, G_REGEX_MULTILINE, 0), "%s", run.out);

  stk_test_run_db (&run, db_path, "stats", "--json", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "\"returns\": 2,") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "\"barcodes\": 2,") != NULL, "%s", run.out);

  stk_test_run_db (&run, db_path, "verify", NULL);
  stk_test_assert_status (&run, 0);
}

/* A sale of 3 of A and a return of 2 of them, the file then changed behind the
 * program's back (its rules dropped first); verify must say what is wrong. */
static void
sale_with_return (void)
{
  g_auto(StkTestRun) run = { 0 };
  StkWriter *writer;
  gint64 line;

  make_inventory ();
  stk_test_run_db (&run, db_path, "sell", "A=3", NULL);
  stk_test_assert_status (&run, 0);
  line = printed_sale_id (&run);
  writer = stk_test_open_writer (db_path);
  stk_test_submit (writer, stk_op_return_sale_line (line, 2, -1, "", 0));
  stk_test_close_writer (writer);
}

static void
assert_verify_finds (const char *problem)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_run_db (&run, db_path, "verify", NULL);
  stk_test_assert_status (&run, 1);
  cr_assert (strstr (run.out, problem) != NULL, "no “%s” in:\n%s", problem, run.out);
}

Test (cli_sell, verify_finds_a_return_without_its_movement)
{
  sale_with_return ();
  /* The movement goes; the item's stock is put right so only the return is wrong. */
  sqlite_exec ("DROP TRIGGER IF EXISTS movements_no_delete;"
               "DROP TRIGGER IF EXISTS movements_no_update;"
               "DROP TRIGGER IF EXISTS items_on_hand_guard;"
               "DELETE FROM movements WHERE reference LIKE 'return:%';"
               "UPDATE items SET on_hand = on_hand - 2 WHERE code = 'A';");
  assert_verify_finds ("Return 1 of 2 units has no stock movement putting them back ().");
}

Test (cli_sell, verify_finds_a_return_whose_movement_differs)
{
  sale_with_return ();
  sqlite_exec ("DROP TRIGGER IF EXISTS movements_no_update;"
               "DROP TRIGGER IF EXISTS items_on_hand_guard;"
               "UPDATE movements SET quantity = 1, balance = balance - 1"
               " WHERE reference LIKE 'return:%';"
               "UPDATE items SET on_hand = on_hand - 1 WHERE code = 'A';");
  assert_verify_finds ("Return 1 of 2 units has no stock movement putting them back (1).");
}

Test (cli_sell, verify_finds_a_line_returned_over_its_quantity)
{
  sale_with_return ();
  /* A second return of 2 of the 3 sold, with its movement, past the rule. */
  sqlite_exec ("DROP TRIGGER returns_check;"
               "INSERT INTO returns (uid, line_id, quantity, refund_cents, returned_at)"
               " SELECT 'again', line_id, 2, 0, returned_at FROM returns;");
  assert_verify_finds ("Sale line 1 sold 3 units, but its returns take back 4.");
}

Test (cli_sell, verify_finds_a_line_refunded_over_its_price)
{
  sale_with_return ();
  sqlite_exec ("DROP TRIGGER returns_check;"
               "INSERT INTO returns (uid, line_id, quantity, refund_cents, returned_at)"
               " SELECT 'again', line_id, 1, 500, returned_at FROM returns;");
  assert_verify_finds ("Sale line 1 was paid 750 cents, but its returns refund 1000.");
}

Test (cli_sell, verify_finds_a_barcode_key_out_of_step)
{
  make_inventory ();
  sqlite_exec ("DROP TRIGGER barcodes_key;"
               "INSERT INTO barcodes (key, code, item_id, pack)"
               " SELECT '96385074', '96385074x', id, 1 FROM items WHERE code = 'A';");
  assert_verify_finds ("Barcode “96385074x” of item 1 has a key out of step with its code.");
}

Test (cli_sell, help_shows_sell_and_receipt)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_cli_run_plain (&run, NULL, "--help", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "  sell CODE[=QTY]… [OPTIONS] ") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "  receipt SALE FILE.pdf ") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "  return LINE[=QTY] [--reason R] ") != NULL, "%s", run.out);

  stk_test_cli_run_plain (&run, NULL, "sell", "--help", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "--price CODE=PRICE") != NULL && strstr (run.out, "--at TIME") != NULL &&
             strstr (run.out, "--payment P") != NULL && strstr (run.out, "--note N") != NULL,
             "%s", run.out);

  stk_test_cli_run_plain (&run, NULL, "receipt", "--help", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "FILE.pdf") != NULL, "%s", run.out);
  cr_assert (!g_file_test (db_path, G_FILE_TEST_EXISTS));
}
