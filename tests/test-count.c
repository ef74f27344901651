/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `stocktake count import FILE.csv [--apply] [--json]`, run for real: the variance report
 * against figures worked out here (two receipts at two costs, a sale, a count file with
 * an over, a short, an equal, a code given twice, a barcode and a case), nothing changed
 * without --apply, one count movement per item with it, and every bad file refused with
 * line-numbered sentences and status 65, changing nothing. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-lock-test-util.h"
#include "stk-ops.h"
#include "stk-test-cli.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"
#include "stk-transfer.h"
#include "stk-writer.h"

TestSuite (cli_count, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 120);

/* A: 10 at 2.00 and 10 at 3.00, 4 sold; B: 5 at 1.00, barcode 12345670 (one) and
 * BCASE (a case of 6); C: 4 of unknown cost; D: 6 at 1.00; E: archived. */
#define A_RECEIVED   20
#define A_SOLD       4
#define A_AVERAGE    ((10 * 200 + 10 * 300) / 20)
#define B_AVERAGE    100
#define D_AVERAGE    100

static void
make_inventory (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_submit (writer, stk_op_create_item ("A", "Apples", 500, 0));
  stk_test_submit (writer, stk_op_create_item ("B", "Bread", 300, 0));
  stk_test_submit (writer, stk_op_create_item ("C", "Cheese", 900, 0));
  stk_test_submit (writer, stk_op_create_item ("D", "Dates", 400, 0));
  stk_test_submit (writer, stk_op_create_item ("E", "Eggs", 250, 0));
  stk_test_submit (writer, stk_op_receive ("A", 10, 200, NULL, 0));
  stk_test_submit (writer, stk_op_receive ("A", 10, 300, NULL, 0));
  stk_test_submit (writer, stk_op_record_sale ("A", A_SOLD, -1, 0));
  stk_test_submit (writer, stk_op_receive ("B", 5, B_AVERAGE, NULL, 0));
  stk_test_submit (writer, stk_op_add_barcode ("B", "12345670", 1));
  stk_test_submit (writer, stk_op_add_barcode ("B", "BCASE", 6));
  stk_test_submit (writer, stk_op_record_movement ("C", STK_MOVEMENT_RECEIVE, 4, NULL, 0));
  stk_test_submit (writer, stk_op_receive ("D", 6, D_AVERAGE, NULL, 0));
  stk_test_submit (writer, stk_op_set_archived (5, TRUE));
  stk_test_close_writer (writer);
}

/* Everything a count may change. */
static char *
state (void)
{
  return stk_test_query_dump (db_path,
                              "SELECT 'item', code, on_hand, average_cost_cents, archived"
                              " FROM items UNION ALL"
                              " SELECT 'movement', item_id, kind, quantity, balance || ' ' || reason"
                              " FROM movements ORDER BY 1, 2, 3, 4, 5");
}

static char *
write_csv (const char *name,
           const char *contents)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  stk_test_write_file (path, contents, -1);
  return path;
}

/* A line of @out that starts with @label and ends with @value (the columns between
 * them are spaces). */
static gboolean
has_line (const char *out,
          const char *label,
          const char *value)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], label) && g_str_has_suffix (lines[i], value))
      {
        const char *p = lines[i] + strlen (label);
        const char *end = lines[i] + strlen (lines[i]) - strlen (value);

        while (p < end && *p == ' ')
          p++;
        if (p == end)
          return TRUE;
      }
  return FALSE;
}

/* Over: C counted 7 of 4; short: A counted 10 + 5 (twice, the second time in lower
 * case) of 16; equal: D 6 of 6 (with spaces around); B by its barcode (2) and its case
 * (1 × 6): 8 of 5. */
static const char count_file[] =
  "code,counted\r\n"
  "A,10\r\n"
  "12345670,2\r\n"
  "C,7\r\n"
  "a,5\r\n"
  " D , 6 \r\n"
  "BCASE,1\r\n";

Test (cli_count, report_without_apply_changes_nothing)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *csv = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *want = NULL;
  gint64 a_expected = A_RECEIVED - A_SOLD, a_counted = 10 + 5;
  gint64 b_expected = 5, b_counted = 2 + 6;
  gint64 c_expected = 4, c_counted = 7;
  gint64 a_var = a_counted - a_expected, b_var = b_counted - b_expected;
  gint64 c_var = c_counted - c_expected;
  gint64 net = a_var * A_AVERAGE + b_var * B_AVERAGE;

  make_inventory ();
  csv = write_csv ("count.csv", count_file);
  before = state ();

  stk_test_run_db (&run, db_path, "count", "import", csv, "--json", NULL);
  stk_test_assert_status (&run, 0);
  want = g_strdup_printf ("{\"code\": \"A\", \"description\": \"Apples\", \"expected\": %"
                          G_GINT64_FORMAT ", \"counted\": %" G_GINT64_FORMAT
                          ", \"variance\": %" G_GINT64_FORMAT ", \"average_cost_cents\": %d"
                          ", \"variance_cost_cents\": %" G_GINT64_FORMAT "}",
                          a_expected, a_counted, a_var, A_AVERAGE, a_var * A_AVERAGE);
  cr_assert (strstr (run.out, want) != NULL, "want %s in\n%s", want, run.out);
  g_free (want);
  want = g_strdup_printf ("{\"code\": \"B\", \"description\": \"Bread\", \"expected\": %"
                          G_GINT64_FORMAT ", \"counted\": %" G_GINT64_FORMAT
                          ", \"variance\": %" G_GINT64_FORMAT ", \"average_cost_cents\": %d"
                          ", \"variance_cost_cents\": %" G_GINT64_FORMAT "}",
                          b_expected, b_counted, b_var, B_AVERAGE, b_var * B_AVERAGE);
  cr_assert (strstr (run.out, want) != NULL, "want %s in\n%s", want, run.out);
  g_free (want);
  want = g_strdup_printf ("{\"code\": \"C\", \"description\": \"Cheese\", \"expected\": %"
                          G_GINT64_FORMAT ", \"counted\": %" G_GINT64_FORMAT
                          ", \"variance\": %" G_GINT64_FORMAT ", \"average_cost_cents\": null"
                          ", \"variance_cost_cents\": null}",
                          c_expected, c_counted, c_var);
  cr_assert (strstr (run.out, want) != NULL, "want %s in\n%s", want, run.out);
  cr_assert (strstr (run.out, "{\"code\": \"D\", \"description\": \"Dates\", \"expected\": 6, "
                              "\"counted\": 6, \"variance\": 0, \"average_cost_cents\": 100, "
                              "\"variance_cost_cents\": 0}") != NULL, "%s", run.out);
  g_free (want);
  want = g_strdup_printf ("\"items_counted\": 4,\n  \"items_with_variance\": 3,\n"
                          "  \"units_over\": %" G_GINT64_FORMAT ",\n  \"units_short\": %"
                          G_GINT64_FORMAT ",\n  \"net_variance_cost_cents\": %" G_GINT64_FORMAT
                          ",\n  \"unknown_cost_items\": 1,\n  \"applied\": false\n}\n",
                          b_var + c_var, -a_var, net);
  cr_assert (strstr (run.out, want) != NULL, "want %s in\n%s", want, run.out);
  /* In the file's order, B once (named first by its barcode). */
  cr_assert (strstr (run.out, "\"A\"") < strstr (run.out, "\"B\"") &&
             strstr (run.out, "\"B\"") < strstr (run.out, "\"C\"") &&
             strstr (strstr (run.out, "\"B\"") + 1, "\"B\"") == NULL, "%s", run.out);
  cr_assert (strstr (run.err, "Nothing was changed") != NULL, "%s", run.err);

  stk_test_run_db (&run, db_path, "count", "import", csv, NULL);
  stk_test_assert_status (&run, 0);
  {
    g_autoptr(GRegex) spaces = g_regex_new (" +", 0, 0, NULL);
    g_autofree char *squeezed = g_regex_replace_literal (spaces, run.out, -1, 0, " ", 0, NULL);

    cr_assert (strstr (squeezed, "\nA Apples 16 15 −1 −2.50\nB Bread 5 8 +3 +3.00\n"
                                 "C Cheese 4 7 +3 unknown\nD Dates 6 6 0 0.00\n") != NULL,
               "%s", run.out);
  }
  cr_assert (has_line (run.out, "Net variance at cost:", "+0.50"), "%s", run.out);
  cr_assert (has_line (run.out, "Units short:", "1"), "%s", run.out);
  cr_assert (has_line (run.out, "Units over:", "6"), "%s", run.out);
  cr_assert (has_line (run.out, "Items with a variance:", "3"), "%s", run.out);
  cr_assert (g_str_has_suffix (run.out, "Nothing was changed: add --apply to record these "
                                        "counts.\n"), "%s", run.out);

  after = state ();
  cr_assert_str_eq (after, before);
}

Test (cli_count, apply_records_one_count_per_item)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *csv = NULL;
  g_autofree char *counts = NULL;
  gint64 movements;

  make_inventory ();
  csv = write_csv ("count.csv", count_file);
  movements = stk_test_query (db_path, "SELECT count(*) FROM movements");

  stk_test_run_db (&run, db_path, "count", "import", csv, "--apply", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (has_line (run.out, "Net variance at cost:", "+0.50"), "%s", run.out);
  cr_assert (strstr (run.out, "Recorded the counts of 4 items.\n") != NULL, "%s", run.out);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements"), movements + 4);
  counts = stk_test_query_dump (db_path,
                                "SELECT i.code, m.quantity, m.balance, m.reason FROM movements m"
                                " JOIN items i ON i.id = m.item_id WHERE m.kind = 'count'"
                                " ORDER BY i.code");
  /* The equal count is recorded too: a count is a fact. */
  cr_assert_str_eq (counts, "3:A|1:-1|1:15|3:Count (import)|\n3:B|1:3|1:8|3:Count (import)|\n"
                            "3:C|1:3|1:7|3:Count (import)|\n3:D|1:0|1:6|3:Count (import)|\n");
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'A'"), 15);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'B'"), 8);
  stk_test_run_db (&run, db_path, "verify", NULL);
  stk_test_assert_status (&run, 0);
}

typedef struct
{
  const char *contents;
  const char *sentence;
} BadFile;

Test (cli_count, bad_files_change_nothing)
{
  static const BadFile cases[] = {
    { "code,counted\nA,1\nNOPE,2\n", "Line 3: No item has the code or barcode “NOPE”." },
    { "code,counted\nE,1\n", "Line 2: The item “E” is archived: restore it before counting it." },
    { "code,counted\nA,1.5\n", "Line 2: The count “1.5” is not a whole number." },
    { "code,counted\nA,x\n", "Line 2: The count “x” is not a whole number." },
    { "code,counted\nA,-2\n", "Line 2: The count cannot be negative (-2)." },
    { "code,counted\nA,\n", "Line 2: The count is empty." },
    { "code,counted\n,3\n", "Line 2: The code is empty." },
    { "counted\n3\n", "Line 1: The required column “code” is missing." },
    { "code\nA\n", "Line 1: The required column “counted” is missing." },
    { "code,counted,note\nA,1,x\n",
      "Line 1: Unknown column “note”; the columns of a count file are code and counted." },
    { "code,counted,code\n", "Line 1: The column “code” appears twice." },
    { "code,counted\nA,1,2\n", "Line 2: The row has 3 fields, but the header has 2." },
    { "code,counted\nA,1\n\"B,2\n", "Line 3: a quoted field is never closed." },
    { "code,counted\nA,10000000000000\n", "Line 2: The count “10000000000000” is too large." },
  };
  g_autofree char *before = NULL;

  make_inventory ();
  before = state ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint apply = 0; apply < 2; apply++)
      {
        g_auto(StkTestRun) run = { 0 };
        g_autofree char *csv = write_csv ("bad.csv", cases[i].contents);
        g_autofree char *after = NULL;

        stk_test_run_db (&run, db_path, "count", "import", csv, apply ? "--apply" : "--json",
                         NULL);
        stk_test_assert_status (&run, 65);
        cr_assert (g_str_has_prefix (run.err, cases[i].sentence), "case %u: %s", i, run.err);
        cr_assert (strstr (run.err, "\nstocktake: ") != NULL &&
                   strstr (run.err, "nothing was changed.\n") != NULL, "case %u: %s", i, run.err);
        cr_assert_str_eq (run.out, "", "case %u", i);
        after = state ();
        cr_assert_str_eq (after, before, "case %u", i);
      }
}

Test (cli_count, many_bad_rows_are_told_up_to_the_limit)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GString) contents = g_string_new ("code,counted\n");
  g_autofree char *csv = NULL;

  make_inventory ();
  for (guint i = 0; i < STK_IMPORT_MAX_REPORTED_ERRORS + 7; i++)
    g_string_append (contents, "A,?\n");
  csv = write_csv ("bad.csv", contents->str);
  stk_test_run_db (&run, db_path, "count", "import", csv, "--apply", NULL);
  stk_test_assert_status (&run, 65);
  cr_assert (strstr (run.err, "Line 51: The count “?” is not a whole number.\n") != NULL, "%s",
             run.err);
  cr_assert (strstr (run.err, "Line 52:") == NULL, "%s", run.err);
  cr_assert (strstr (run.err, "… and 7 more bad rows.\n") != NULL, "%s", run.err);
  cr_assert (strstr (run.err, "has 57 bad rows; nothing was changed.") != NULL, "%s", run.err);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements WHERE kind = 'count'"),
                0);
}

Test (cli_count, a_header_alone_counts_nothing)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *csv = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  make_inventory ();
  csv = write_csv ("empty.csv", "counted,code\n");
  before = state ();
  stk_test_run_db (&run, db_path, "count", "import", csv, NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (has_line (run.out, "Items counted:", "0"), "%s", run.out);
  stk_test_run_db (&run, db_path, "count", "import", csv, "--apply", "--json", NULL);
  stk_test_assert_status (&run, 0);
  cr_assert (strstr (run.out, "\"items_counted\": 0,") != NULL, "%s", run.out);
  after = state ();
  cr_assert_str_eq (after, before);

  /* No header at all is not a count file. */
  g_free (csv);
  csv = write_csv ("nothing.csv", "");
  stk_test_run_db (&run, db_path, "count", "import", csv, NULL);
  stk_test_assert_status (&run, 65);
  stk_test_assert_one_sentence_error (&run);
}

Test (cli_count, a_held_lock_refuses_apply_not_the_report)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GSubprocess) window = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  make_inventory ();
  csv = write_csv ("count.csv", count_file);
  before = state ();
  window = stk_lock_taker_start (db_path, "window");
  stk_test_run_db (&run, db_path, "count", "import", csv, "--apply", NULL);
  stk_test_assert_status (&run, 75);
  stk_test_assert_one_sentence_error (&run);
  stk_test_run_db (&run, db_path, "count", "import", csv, NULL);
  stk_test_assert_status (&run, 0);
  stk_lock_taker_stop (window);
  after = state ();
  cr_assert_str_eq (after, before);
}

/* Whether user nobody may run the program under test (every folder above it open to
 * others: not so in a private scratch tree). */
static gboolean
nobody_can_run_stocktake (void)
{
  const char *exe = g_getenv ("STOCKTAKE_EXE");
  g_autofree char *dir = exe != NULL ? g_path_get_dirname (exe) : NULL;

  while (dir != NULL && strcmp (dir, "/") != 0 && strcmp (dir, ".") != 0)
    {
      GStatBuf st;
      char *parent;

      if (g_stat (dir, &st) != 0 || (st.st_mode & S_IXOTH) == 0)
        return FALSE;
      parent = g_path_get_dirname (dir);
      g_free (dir);
      dir = parent;
    }
  return exe != NULL;
}

Test (cli_count, a_read_only_inventory_reports_but_refuses_apply)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *folder = g_build_filename (tmpdir, "media", NULL);
  g_autofree char *db = g_build_filename (folder, "inventory.db", NULL);
  g_autofree char *lock = g_strconcat (db, ".lock", NULL);
  g_autofree char *csv = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  if (geteuid () != 0)
    cr_skip_test ("needs root to prepare a folder that nobody can write");
  if (!nobody_can_run_stocktake ())
    cr_skip_test ("user nobody cannot run %s", g_getenv ("STOCKTAKE_EXE"));
  cr_assert_eq (g_mkdir (folder, 0755), 0);
  cr_assert_eq (stk_test_run_db (&run, db, "generate", "--skus", "3", NULL), 0, "%s", run.err);
  g_unlink (lock);
  g_chmod (db, 0644);
  cr_assert_eq (g_chmod (folder, 0555), 0);
  g_chmod (tmpdir, 0777);
  csv = write_csv ("count.csv", "code,counted\n");
  before = stk_test_read_bytes (db);

  cr_assert_eq (stk_test_run_db_as (&run, TRUE, db, "count", "import", csv, NULL), 0, "%s",
                run.err);
  cr_assert_eq (stk_test_run_db_as (&run, TRUE, db, "count", "import", csv, "--apply", NULL), 1,
                "%s", run.err);
  cr_assert (strstr (run.err, "read-only") != NULL, "%s", run.err);
  stk_test_assert_one_sentence_error (&run);
  after = stk_test_read_bytes (db);
  cr_assert (g_bytes_equal (before, after), "the inventory changed");
}
