/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The edges of data/stk-tax.c that the tax tests leave out (issue 20, branch coverage):
 * a rate written with a Unicode minus, with only a percent sign, parsed without keeping
 * the figure; names too long, empty, not text, padded with a non-breaking space; the
 * parts of a receipt by name and rate with a nameless part and "no tax" given as any
 * negative rate; a report's rates added without a name; freeing nothing; and a
 * programmer's bad argument at each entry point, refused with a critical. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "stk-error.h"
#include "stk-tax.h"
#include "stk-test-util.h"

static GString *criticals;

static void
setup (void)
{
  criticals = g_string_new (NULL);
}

static void
teardown (void)
{
  g_string_free (criticals, TRUE);
  criticals = NULL;
}

TestSuite (cov_tax, .init = setup, .fini = teardown, .timeout = 60);

static void
assert_refused_rate (const char *text,
                     const char *sentence)
{
  g_autoptr(GError) error = NULL;
  gint64 bp = 1234;

  cr_assert_not (stk_tax_rate_parse (text, &bp, &error), "“%s” was taken", text);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "“%s”", text);
  cr_assert_str_eq (error->message, sentence, "“%s”", text);
  cr_assert_eq (bp, 1234, "“%s”: the figure was written on a failure", text);
}

Test (cov_tax, rates_parse_to_the_basis_point_or_say_what_is_wrong)
{
  gint64 bp = -1;

  assert_refused_rate ("\xe2\x88\x92" "5", "A tax rate cannot be negative.");
  assert_refused_rate ("-0", "A tax rate cannot be negative.");
  assert_refused_rate (" % ", "Enter a tax rate.");
  assert_refused_rate ("", "Enter a tax rate.");
  assert_refused_rate ("100.01", "A tax rate cannot be above 100 %.");
  assert_refused_rate ("5.555", "A tax rate is a percentage with at most two decimals, such "
                                "as 22 or 5.5.");
  assert_refused_rate ("five", "A tax rate is a percentage with at most two decimals, such "
                               "as 22 or 5.5.");

  cr_assert (stk_tax_rate_parse (" 5.5 % ", &bp, NULL));
  cr_assert_eq (bp, 550);
  cr_assert (stk_tax_rate_parse ("100%", &bp, NULL));
  cr_assert_eq (bp, 10000);
  /* Only whether it is a rate. */
  cr_assert (stk_tax_rate_parse ("22", NULL, NULL));
  cr_assert_not (stk_tax_rate_parse ("x", NULL, NULL));
}

static void
assert_refused_name (const char *name,
                     const char *start)
{
  g_autoptr(GError) error = NULL;

  cr_assert_not (stk_tax_name_check (name, &error), "“%s” was taken", name ? name : "(null)");
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  cr_assert (g_str_has_prefix (error->message, start), "%s", error->message);
}

Test (cov_tax, names_are_short_text_without_spaces_at_either_end)
{
  g_autofree char *long_name = g_strnfill (STK_TAX_NAME_MAX_CHARS + 1, 'x');
  g_autofree char *longest = g_strnfill (STK_TAX_NAME_MAX_CHARS, 'x');
  g_autoptr(GString) wide = g_string_new (NULL);

  assert_refused_name (NULL, "A tax rate’s name must be valid text.");
  assert_refused_name ("VAT\xff", "A tax rate’s name must be valid text.");
  assert_refused_name ("", "A tax rate needs a name.");
  assert_refused_name (long_name, "A tax rate’s name has at most 64 characters.");
  assert_refused_name ("VAT\xc2\xa0", "A tax rate’s name cannot start or end with a space.");
  assert_refused_name ("\tVAT", "A tax rate’s name cannot start or end with a space.");

  cr_assert (stk_tax_name_check (longest, NULL));
  /* Characters, not bytes: 64 two-byte letters are a name. */
  for (guint i = 0; i < STK_TAX_NAME_MAX_CHARS; i++)
    g_string_append (wide, "\xc3\xa9");
  cr_assert (stk_tax_name_check (wide->str, NULL));
  cr_assert (stk_tax_name_check ("IVA 22 %", NULL));
}

Test (cov_tax, receipt_parts_group_by_name_and_rate_in_the_order_first_seen)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_tax_part_free);
  StkTaxPart *p;

  cr_assert_not (stk_tax_parts_any (NULL));
  cr_assert_not (stk_tax_parts_any (parts));
  stk_tax_parts_add (parts, NULL, -7, 100, 0);         /* no tax, any negative rate */
  stk_tax_parts_add (parts, "", -1, 50, 0);            /* the same part */
  cr_assert_eq (parts->len, 1);
  cr_assert_not (stk_tax_parts_any (parts));
  stk_tax_parts_add (parts, "VAT", 2200, 122, 22);
  stk_tax_parts_add (parts, "VAT", 1000, 110, 10);     /* same name, another rate */
  stk_tax_parts_add (parts, "Other", 2200, 122, 22);   /* same rate, another name */
  stk_tax_parts_add (parts, "VAT", 2200, 244, 44);
  cr_assert (stk_tax_parts_any (parts));
  cr_assert_eq (parts->len, 4);
  p = g_ptr_array_index (parts, 0);
  cr_assert_str_eq (p->name, "");
  cr_assert_eq (p->rate_bp, -1);
  cr_assert_eq (p->total_cents, 150);
  p = g_ptr_array_index (parts, 1);
  cr_assert_str_eq (p->name, "VAT");
  cr_assert_eq (p->rate_bp, 2200);
  cr_assert_eq (p->total_cents, 366);
  cr_assert_eq (p->tax_cents, 66);
  p = g_ptr_array_index (parts, 3);
  cr_assert_str_eq (p->name, "Other");

  /* Freeing nothing is nothing. */
  stk_tax_part_free (NULL);
  stk_tax_rate_free (NULL);
  stk_tax_report_free (NULL);
}

Test (cov_tax, a_report_s_rates_sum_into_its_total)
{
  g_autoptr(StkTaxReport) report = stk_tax_report_new (10, 20);
  StkTaxReportRate *none = stk_tax_report_add (report, NULL, -5);
  StkTaxReportRate *vat;

  cr_assert_str_eq (none->name, "");
  cr_assert_eq (none->rate_bp, -1);
  none->sales_cents = 500;
  stk_tax_report_sum (report);
  cr_assert_not (stk_tax_report_any (report));
  vat = stk_tax_report_add (report, "VAT", 2200);
  vat->sales_cents = 1220;
  vat->sales_tax_cents = 220;
  vat->voids_cents = 122;
  vat->voids_tax_cents = 22;
  vat->returns_cents = 61;
  vat->returns_tax_cents = 11;
  stk_tax_report_sum (report);
  cr_assert (stk_tax_report_any (report));
  cr_assert_eq (vat->net_cents, 1220 - 122 - 61);
  cr_assert_eq (vat->net_tax_cents, 220 - 22 - 11);
  cr_assert_eq (vat->net_taxable_cents, vat->net_cents - vat->net_tax_cents);
  cr_assert_eq (report->total.sales_cents, 1720);
  cr_assert_eq (report->total.net_cents, 1720 - 122 - 61);
  cr_assert_eq (report->total.net_tax_cents, 187);
}

/* ---- a programmer's bad argument ---- */

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

Test (cov_tax, bad_arguments_are_refused_with_a_critical)
{
  g_autoptr(GError) set = g_error_new_literal (STK_ERROR, STK_ERROR_FAILED, "set");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  gint64 amounts[] = { 100 };
  gint64 rates[] = { 2200 };
  gint64 taxes[] = { -1 };
  gint64 bp = 7;

  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL);

  REFUSED (stk_tax_rate_parse (NULL, &bp, NULL), FALSE, "text != NULL");
  REFUSED (stk_tax_rate_parse ("5", &bp, &set), FALSE, "*error == NULL");
  cr_assert_eq (bp, 7);
  REFUSED (stk_tax_name_check ("VAT", &set), FALSE, "*error == NULL");
  REFUSED (stk_tax_line (-1, 2200, TRUE), 0, "amount_cents >= 0");
  REFUSED (stk_tax_line (100, -1, TRUE), 0, "rate_bp >= 0");
  REFUSED (stk_tax_line (100, 10001, TRUE), 0, "rate_bp <= STK_TAX_RATE_MAX_BP");
  REFUSED_VOID (stk_tax_lines (NULL, rates, 1, TRUE, STK_TAX_ROUND_LINE, taxes), "amounts_cents");
  REFUSED_VOID (stk_tax_lines (amounts, NULL, 1, TRUE, STK_TAX_ROUND_LINE, taxes), "rates_bp");
  REFUSED_VOID (stk_tax_lines (amounts, rates, 1, TRUE, STK_TAX_ROUND_LINE, NULL), "taxes_cents");
  cr_assert_eq (taxes[0], -1, "a refused call wrote a tax");
  REFUSED (stk_tax_return (-1, 0, 0, 0, 0), 0, "line_total_cents >= 0");
  REFUSED (stk_tax_return (100, -1, 0, 0, 0), 0, "line_tax_cents >= 0");
  REFUSED (stk_tax_return (100, 10, 0, 0, -1), 0, "refund_cents >= 0");
  REFUSED_VOID (stk_tax_parts_add (NULL, "VAT", 2200, 1, 1), "parts != NULL");
  REFUSED (stk_tax_report_add (NULL, "VAT", 2200), NULL, "report != NULL");
  REFUSED_VOID (stk_tax_report_sum (NULL), "report != NULL");
  REFUSED (stk_tax_report_any (NULL), FALSE, "report != NULL");
  cr_assert_eq (parts->len, 0);

  /* Nothing to do is no critical. */
  {
    gsize before = criticals->len;

    stk_tax_lines (NULL, NULL, 0, TRUE, STK_TAX_ROUND_RECEIPT, NULL);
    cr_assert_eq (criticals->len, before);
  }
}
