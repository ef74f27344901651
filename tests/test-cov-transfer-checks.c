/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Imports and exports (data/stk-transfer.c) on the paths the other suites leave out
 * (issue 20, branch coverage of data/): every check of a returns, tax rates and sales
 * line that refuses the file with the line's sentence, nothing imported; exports and
 * imports that the caller cancelled or that have nowhere to go; bad arguments. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-tax.h"
#include "stk-transfer.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

static void
setup (void)
{
  StkWriter *writer;

  stk_test_fixture_setup ();
  writer = stk_test_open_writer (db_path);
  stk_test_submit (writer, stk_op_create_item ("T-1", "Tea", 300, 0));
  stk_test_submit (writer, stk_op_record_movement ("T-1", STK_MOVEMENT_RECEIVE, 10, NULL, 0));
  stk_test_close_writer (writer);
}

TestSuite (cov_transfer, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 120);

static char *
write_csv (const char *name,
           const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  cr_assert (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static gint64
count_rows (void)
{
  return stk_test_query (db_path, "SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM"
                         " movements) + (SELECT count(*) FROM returns) + (SELECT count(*) FROM"
                         " tax_rates)");
}

/* An import of @header and the one data line @line into @table is refused: FALSE with
 * STK_ERROR_INVALID_DATA, one error "Line 2: " + a sentence containing @expected, and
 * nothing imported. */
static void
assert_line_refused (StkWriter  *writer,
                     StkTable    table,
                     const char *header,
                     const char *line,
                     const char *expected)
{
  g_autofree char *text = g_strdup_printf ("%s\n%s\n", header, line);
  g_autofree char *path = write_csv ("in.csv", text);
  g_autoptr(GError) error = NULL;
  StkImportReport report = { 0 };
  gint64 before = count_rows ();
  const char *first;

  cr_assert_not (stk_import_file (writer, table, path, NULL, NULL, NULL, &report, &error),
                 "%s: imported", line);
  cr_assert_not_null (error, "%s: no error", line);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s: %s", line,
             error->message);
  cr_assert_eq (report.rows, 1, "%s", line);
  cr_assert_eq (report.imported, 0, "%s", line);
  cr_assert_eq (report.n_errors, 1, "%s", line);
  cr_assert_eq (report.errors->len, 1, "%s", line);
  first = g_ptr_array_index (report.errors, 0);
  cr_assert (g_str_has_prefix (first, "Line 2: "), "%s: %s", line, first);
  cr_assert (strstr (first, expected) != NULL, "%s: “%s” does not say “%s”", line, first,
             expected);
  cr_assert_eq (count_rows (), before, "%s: something was imported", line);
  stk_import_report_clear (&report);
}

#define RETURNS "returned_at,sale,line,quantity,refund,reason,reference,tax"

Test (cov_transfer, every_bad_returns_line_is_refused_with_its_sentence)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autofree char *long_reason = g_strnfill (STK_DESCRIPTION_MAX_LENGTH + 1, 'r');
  g_autofree char *with_long = g_strdup_printf ("2026-01-02,S1,1,1,1.00,%s,,", long_reason);

  assert_line_refused (writer, STK_TABLE_RETURNS, RETURNS, ",S1,1,1,,,,",
                       "The returned_at is empty.");
  assert_line_refused (writer, STK_TABLE_RETURNS, RETURNS, "yesterday,S1,1,1,,,,", "yesterday");
  assert_line_refused (writer, STK_TABLE_RETURNS, RETURNS, "2026-01-02,,1,1,,,,",
                       "The sale is empty.");
  assert_line_refused (writer, STK_TABLE_RETURNS, RETURNS, "2026-01-02,S1,,1,,,,",
                       "The line is empty.");
  assert_line_refused (writer, STK_TABLE_RETURNS, RETURNS, "2026-01-02,S1,first,1,,,,", "line");
  assert_line_refused (writer, STK_TABLE_RETURNS, RETURNS, "2026-01-02,S1,1,,,,,",
                       "The quantity is empty.");
  assert_line_refused (writer, STK_TABLE_RETURNS, RETURNS, "2026-01-02,S1,1,0,,,,", "quantity");
  assert_line_refused (writer, STK_TABLE_RETURNS, RETURNS, "2026-01-02,S1,1,1,lots,,,", "lots");
  assert_line_refused (writer, STK_TABLE_RETURNS, RETURNS, with_long,
                       "The reason is longer than 1000 characters.");
  assert_line_refused (writer, STK_TABLE_RETURNS, RETURNS, "2026-01-02,S1,1,1,1.00,,,some",
                       "some");
  stk_test_close_writer (g_steal_pointer (&writer));
}

#define TAX_RATES "name,rate,default,prices_include_tax,tax_rounding"

Test (cov_transfer, every_bad_tax_rates_line_is_refused_with_its_sentence)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autofree char *long_name = g_strnfill (STK_TAX_NAME_MAX_CHARS + 1, 'n');
  g_autofree char *with_long = g_strdup_printf ("%s,20,,,", long_name);

  assert_line_refused (writer, STK_TABLE_TAX_RATES, TAX_RATES, ",20,,,", "The name is empty.");
  assert_line_refused (writer, STK_TABLE_TAX_RATES, TAX_RATES, with_long,
                       "A tax rate’s name has at most 64 characters.");
  assert_line_refused (writer, STK_TABLE_TAX_RATES, TAX_RATES, "VAT,,,,", "The rate is empty.");
  assert_line_refused (writer, STK_TABLE_TAX_RATES, TAX_RATES, "VAT,twenty,,,",
                       "A tax rate is a percentage with at most two decimals");
  assert_line_refused (writer, STK_TABLE_TAX_RATES, TAX_RATES, "VAT,20,perhaps,,", "perhaps");
  assert_line_refused (writer, STK_TABLE_TAX_RATES, TAX_RATES, "VAT,20,,sometimes,",
                       "sometimes");
  assert_line_refused (writer, STK_TABLE_TAX_RATES, TAX_RATES, "VAT,20,,,cent",
                       "The tax_rounding “cent” is not line or receipt.");
  stk_test_close_writer (g_steal_pointer (&writer));
}

#define SALES "sold_at,sku,quantity,unit_price,reference,sale,discount,payment,note,voided," \
  "void_reason"
#define SALES_TAX SALES ",tax_name,tax_rate,tax_included,tax"

Test (cov_transfer, every_bad_sales_line_is_refused_with_its_sentence)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autofree char *long_payment = g_strnfill (65, 'p');
  g_autofree char *long_note = g_strnfill (STK_DESCRIPTION_MAX_LENGTH + 1, 'n');
  g_autofree char *with_payment = g_strdup_printf ("2026-01-02,T-1,1,3.00,,,,%s,,,",
                                                   long_payment);
  g_autofree char *with_note = g_strdup_printf ("2026-01-02,T-1,1,3.00,,,,,%s,,", long_note);
  g_autofree char *with_void_reason = g_strdup_printf ("2026-01-02,T-1,1,3.00,,,,,,2026-01-03,%s",
                                                       long_note);

  assert_line_refused (writer, STK_TABLE_SALES, SALES, "2026-01-02,T-1,1,3.00,,,much,,,,",
                       "much");
  assert_line_refused (writer, STK_TABLE_SALES, SALES, "2026-01-02,T-1,1,3.00,,,4.00,,,,",
                       "The discount 4.00 is more than the line’s price.");
  assert_line_refused (writer, STK_TABLE_SALES, SALES, with_payment,
                       "The payment is longer than 64 characters.");
  assert_line_refused (writer, STK_TABLE_SALES, SALES, with_note,
                       "The note is longer than 1000 characters.");
  assert_line_refused (writer, STK_TABLE_SALES, SALES, with_void_reason,
                       "The void reason is longer than 1000 characters.");
  assert_line_refused (writer, STK_TABLE_SALES, SALES, "2026-01-02,T-1,1,3.00,,,,,,never,",
                       "never");
  /* Tax columns without the rate's. */
  assert_line_refused (writer, STK_TABLE_SALES, SALES ",tax", "2026-01-02,T-1,1,3.00,,,,,,,,0.50",
                       "The tax of a line needs its rate");
  assert_line_refused (writer, STK_TABLE_SALES, SALES_TAX,
                       "2026-01-02,T-1,1,3.00,,,,,,,,VAT,,,",
                       "A line without a tax_rate has no tax_name and no tax.");
  assert_line_refused (writer, STK_TABLE_SALES, SALES_TAX,
                       "2026-01-02,T-1,1,3.00,,,,,,,,,,,0.50",
                       "A line without a tax_rate has no tax_name and no tax.");
  assert_line_refused (writer, STK_TABLE_SALES, SALES_TAX,
                       "2026-01-02,T-1,1,3.00,,,,,,,,VAT,20,maybe,",
                       "maybe");
  assert_line_refused (writer, STK_TABLE_SALES, SALES_TAX,
                       "2026-01-02,T-1,1,3.00,,,,,,,,VAT,20,,much",
                       "much");
  assert_line_refused (writer, STK_TABLE_SALES, SALES_TAX,
                       "2026-01-02,T-1,1,3.00,,,,,,,,VAT,lots,,",
                       "A tax rate is a percentage with at most two decimals");
  stk_test_close_writer (g_steal_pointer (&writer));
}

/* An import of @text into @table is refused with the one error @expected (whole, with
 * its line), nothing imported. */
static void
assert_file_refused (StkWriter  *writer,
                     StkTable    table,
                     const char *text,
                     const char *expected)
{
  g_autofree char *path = write_csv ("in.csv", text);
  g_autoptr(GError) error = NULL;
  StkImportReport report = { 0 };
  gint64 before = count_rows ();

  cr_assert_not (stk_import_file (writer, table, path, NULL, NULL, NULL, &report, &error),
                 "%s: imported", text);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert_eq (report.n_errors, 1, "%s", text);
  cr_assert_str_eq (g_ptr_array_index (report.errors, 0), expected);
  cr_assert_eq (report.imported, 0);
  cr_assert_eq (count_rows (), before, "%s: something was imported", text);
  stk_import_report_clear (&report);
}

Test (cov_transfer, the_lines_of_one_sale_share_its_payment_note_and_void)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);

  assert_file_refused (writer, STK_TABLE_SALES,
                       SALES "\n2026-01-02,T-1,1,3.00,,S1,,Cash,a,,\n"
                       "2026-01-02,T-1,1,3.00,,S1,,Card,a,,\n",
                       "Line 3: The payment “Card” differs from “Cash” on line 2: the rows of "
                       "sale “S1” share one.");
  assert_file_refused (writer, STK_TABLE_SALES,
                       SALES "\n2026-01-02,T-1,1,3.00,,S1,,Cash,a,,\n"
                       "2026-01-02,T-1,1,3.00,,S1,,Cash,b,,\n",
                       "Line 3: The note “b” differs from “a” on line 2: the rows of sale “S1” "
                       "share one.");
  assert_file_refused (writer, STK_TABLE_SALES,
                       SALES "\n2026-01-02,T-1,1,3.00,,S1,,,,2026-01-03,\n"
                       "2026-01-02,T-1,1,3.00,,S1,,,,2026-01-04,\n",
                       "Line 3: The voided “2026-01-04” differs from “2026-01-03” on line 2: the "
                       "rows of sale “S1” share one.");
  /* A bad first line still counts as line 1 of its sale: the next one is its line 2. */
  assert_file_refused (writer, STK_TABLE_SALES,
                       SALES "\n2026-01-02,T-1,none,3.00,,S1,,,,,\n"
                       "2026-01-02,T-1,1,3.00,S1#2,S1,,,,,\n",
                       "Line 2: The quantity “none” is not a whole number.");
  assert_file_refused (writer, STK_TABLE_SALES,
                       SALES "\n2026-01-02,T-1,1,3.00,,S1,,,,,\n"
                       "2026-01-02,T-1,1,3.00,S1#3,S1,,,,,\n",
                       "Line 3: The reference “S1#3” should be “S1#2” or empty: that is line 2 "
                       "of sale “S1”.");
  stk_test_close_writer (g_steal_pointer (&writer));
}

/* ---- exports and imports of everything ------------------------------------------------ */

Test (cov_transfer, an_export_of_everything_into_a_folder_that_holds_files_overwrites_nothing)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autofree char *dir = g_build_filename (tmpdir, "full", NULL);
  g_autofree char *mine = g_build_filename (dir, "skus.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint64 rows = 7;

  cr_assert_eq (g_mkdir (dir, 0700), 0);
  cr_assert (g_file_set_contents (mine, "mine\n", -1, NULL));
  cr_assert_not (stk_export_all (store, dir, NULL, &rows, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_FAILED), "%s", error->message);
  cr_assert (strstr (error->message, "is not empty") != NULL, "%s", error->message);
  cr_assert_eq (rows, 7, "a failed export counts nothing");
  cr_assert (g_file_get_contents (mine, &contents, NULL, NULL));
  cr_assert_str_eq (contents, "mine\n", "the file in the folder is untouched");
  /* Nothing is left beside it either. */
  listing = g_dir_open (tmpdir, 0, NULL);
  cr_assert_not_null (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    cr_assert_null (strstr (name, ".part-"), "%s was left", name);
}

Test (cov_transfer, an_import_of_everything_without_a_report_still_imports)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autofree char *dir = g_build_filename (tmpdir, "all", NULL);
  g_autofree char *other = g_build_filename (tmpdir, "other.db", NULL);
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  guint64 rows = 0;

  cr_assert (stk_export_all (store, dir, NULL, &rows, &error), "%s", error ? error->message : "");
  writer = stk_test_open_writer (other);
  cr_assert (stk_import_all (writer, dir, NULL, NULL, &error), "%s", error ? error->message : "");
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (stk_test_query (other, "SELECT count(*) FROM items WHERE code = 'T-1'"), 1);
  cr_assert_eq (stk_test_query (other, "SELECT coalesce(sum(quantity), 0) FROM movements"), 10);
  stk_import_report_clear (NULL);
}

Test (cov_transfer, prices_and_times_out_of_their_range_are_refused)
{
  g_autoptr(GError) error = NULL;
  gint64 cents = -3, us = -3;

  cr_assert_not (stk_price_parse ("1.234", &cents, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert_str_eq (error->message, "The price “1.234” has more than two decimals.");
  g_clear_error (&error);
  cr_assert_not (stk_price_parse ("1.234x", &cents, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  g_clear_error (&error);
  cr_assert_eq (cents, -3, "a refused price fills nothing");

  cr_assert_not (stk_time_parse ("1969-12-31T23:59:59Z", &us, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (stk_time_parse ("0001-01-01T00:00:00Z", &us, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  g_clear_error (&error);
  cr_assert_eq (us, -3, "a refused time fills nothing");
  /* 0 stands for "now" in the ops (sold_at_us <= 0): the first second is refused too. */
  cr_assert_not (stk_time_parse ("1970-01-01T00:00:00Z", &us, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  g_clear_error (&error);
  cr_assert (stk_time_parse ("1970-01-01T00:00:01Z", &us, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (us, G_USEC_PER_SEC);
}

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

Test (cov_transfer, imports_refuse_bad_arguments_and_import_nothing)
{
  g_autofree char *path = write_csv ("skus.csv", "code,description\nT-9,Toast\n");
  g_autofree char *dir = g_build_filename (tmpdir, "all", NULL);
  g_autoptr(GObject) not_a_cancellable = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GError) set = g_error_new_literal (STK_ERROR, STK_ERROR_FAILED, "already set");
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkOp) op = NULL;
  GCancellable *bad = (GCancellable *) not_a_cancellable;
  StkImportReport report = { 0 };
  gint64 cents = -3, us = -3;
  gint64 before = count_rows ();

  criticals = g_string_new (NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL);

  REFUSED (stk_import_file (NULL, STK_TABLE_SKUS, path, NULL, NULL, NULL, &report, NULL), FALSE,
           "STK_IS_WRITER");
  REFUSED (stk_import_file (writer, (StkTable) 99, path, NULL, NULL, NULL, &report, NULL), FALSE,
           "G_N_ELEMENTS");
  REFUSED (stk_import_file (writer, STK_TABLE_SKUS, NULL, NULL, NULL, NULL, &report, NULL), FALSE,
           "path != NULL");
  REFUSED (stk_import_file (writer, STK_TABLE_SKUS, path, NULL, NULL, bad, &report, NULL), FALSE,
           "G_IS_CANCELLABLE");
  REFUSED (stk_import_file (writer, STK_TABLE_SKUS, path, NULL, NULL, NULL, &report, &set), FALSE,
           "*error == NULL");
  REFUSED (stk_import_op_new ((StkTable) 99, path, NULL, NULL, NULL, &report, NULL), NULL,
           "G_N_ELEMENTS");
  REFUSED (stk_import_op_new (STK_TABLE_SKUS, NULL, NULL, NULL, NULL, &report, NULL), NULL,
           "path != NULL");
  REFUSED (stk_import_op_new (STK_TABLE_SKUS, path, NULL, NULL, bad, &report, NULL), NULL,
           "G_IS_CANCELLABLE");
  REFUSED (stk_import_op_new (STK_TABLE_SKUS, path, NULL, NULL, NULL, &report, &set), NULL,
           "*error == NULL");
  op = stk_import_op_new (STK_TABLE_SKUS, path, NULL, NULL, NULL, NULL, NULL);
  cr_assert_not_null (op);
  REFUSED_VOID (stk_import_op_report (NULL, TRUE, &report), "op != NULL");
  REFUSED_VOID (stk_import_op_report (op, TRUE, NULL), "report != NULL");
  REFUSED (stk_import_all (NULL, dir, NULL, &report, NULL), FALSE, "STK_IS_WRITER");
  REFUSED (stk_import_all (writer, NULL, NULL, &report, NULL), FALSE, "dir != NULL");
  REFUSED (stk_import_all (writer, dir, NULL, &report, &set), FALSE, "*error == NULL");
  REFUSED (stk_time_parse (NULL, &us, NULL), FALSE, "text != NULL");
  REFUSED (stk_time_parse ("2026-01-01", NULL, NULL), FALSE, "out_us != NULL");
  cr_assert_eq (us, -3);
  cr_assert_eq (cents, -3);
  cr_assert_eq (report.rows, 0, "a refused import reads nothing");
  cr_assert_null (report.errors);

  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (count_rows (), before, "nothing was imported");
  g_string_free (criticals, TRUE);
  criticals = NULL;
}
