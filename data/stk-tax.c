/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-tax.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "stk-error.h"
#include "stk-format.h"

void
stk_tax_rate_free (StkTaxRate *rate)
{
  if (rate == NULL)
    return;
  g_free (rate->name);
  g_free (rate);
}

char *
stk_tax_rate_format (gint64 rate_bp)
{
  g_autofree char *number = NULL;

  /* %.2f follows LC_NUMERIC: the user's decimal mark. bp / 100 has at most two
   * decimals, exact in a double for every rate up to 100 %. */
  number = g_strdup_printf ("%.2f", (double) rate_bp / 100.0);
  if (rate_bp % 100 == 0)
    number[strlen (number) - 3] = '\0';
  else if (rate_bp % 10 == 0)
    number[strlen (number) - 1] = '\0';
  /* Translators: a tax rate, %s is its number ("22 %"); write it the way your language
   * writes a percentage */
  return g_strdup_printf (C_("tax rate", "%s %%"), number);
}

gboolean
stk_tax_rate_parse (const char  *text,
                    gint64      *out_bp,
                    GError     **error)
{
  g_autofree char *s = NULL;
  gint64 bp = 0;
  gsize len;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  s = g_strstrip (g_strdup (text));
  len = strlen (s);
  if (len > 0 && s[len - 1] == '%')
    {
      s[len - 1] = '\0';
      g_strchomp (s);
    }
  if (s[0] == '\0')
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("Enter a tax rate."));
      return FALSE;
    }
  if (s[0] == '-' || g_str_has_prefix (s, "\xe2\x88\x92"))
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("A tax rate cannot be negative."));
      return FALSE;
    }
  if (!stk_parse_money (s, &bp, NULL))
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("A tax rate is a percentage with at most two decimals, "
                             "such as 22 or 5.5."));
      return FALSE;
    }
  if (bp > STK_TAX_RATE_MAX_BP)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("A tax rate cannot be above 100 %."));
      return FALSE;
    }
  if (out_bp != NULL)
    *out_bp = bp;
  return TRUE;
}

gboolean
stk_tax_name_check (const char  *name,
                    GError     **error)
{
  glong chars;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("A tax rate’s name must be valid text."));
      return FALSE;
    }
  chars = g_utf8_strlen (name, -1);
  if (chars == 0)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("A tax rate needs a name."));
      return FALSE;
    }
  if (chars > STK_TAX_NAME_MAX_CHARS)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("A tax rate’s name has at most %d characters."), STK_TAX_NAME_MAX_CHARS);
      return FALSE;
    }
  if (g_unichar_isspace (g_utf8_get_char (name)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (name + strlen (name)))))
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("A tax rate’s name cannot start or end with a space."));
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                             _("A tax rate’s name cannot hold a line break or a tab."));
        return FALSE;
      }
  return TRUE;
}

/* 128-bit integers (GCC and Clang); __extension__ keeps -Wpedantic quiet. */
__extension__ typedef __int128 StkInt128;

/* num ÷ den rounded half up, num >= 0, den > 0. */
static gint64
div_round (StkInt128 num,
           StkInt128 den)
{
  return (gint64) ((2 * num + den) / (2 * den));
}

static StkInt128
tax_denominator (gint64   rate_bp,
                 gboolean included)
{
  return included ? (StkInt128) STK_TAX_RATE_MAX_BP + rate_bp : STK_TAX_RATE_MAX_BP;
}

gint64
stk_tax_line (gint64   amount_cents,
              gint64   rate_bp,
              gboolean included)
{
  g_return_val_if_fail (amount_cents >= 0, 0);
  g_return_val_if_fail (rate_bp >= 0 && rate_bp <= STK_TAX_RATE_MAX_BP, 0);

  return div_round ((StkInt128) amount_cents * rate_bp, tax_denominator (rate_bp, included));
}

void
stk_tax_lines (const gint64   *amounts_cents,
               const gint64   *rates_bp,
               guint           n,
               gboolean        included,
               StkTaxRounding  rounding,
               gint64         *taxes_cents)
{
  g_autofree gboolean *done = NULL;

  g_return_if_fail (n == 0 || (amounts_cents != NULL && rates_bp != NULL && taxes_cents != NULL));

  for (guint i = 0; i < n; i++)
    taxes_cents[i] = rates_bp[i] < 0 ? 0 : stk_tax_line (amounts_cents[i], rates_bp[i], included);
  if (rounding != STK_TAX_ROUND_RECEIPT)
    return;

  /* Per receipt: for each rate, the rounded tax of the rate's whole amount, each line
   * first getting the floor of its exact tax, the cents left going to the largest
   * remainders (the first line of equal remainders first). */
  done = g_new0 (gboolean, n);
  for (guint i = 0; i < n; i++)
    {
      StkInt128 den, sum = 0;
      gint64 total, given = 0;

      if (done[i] || rates_bp[i] < 0)
        continue;
      den = tax_denominator (rates_bp[i], included);
      for (guint j = i; j < n; j++)
        if (!done[j] && rates_bp[j] == rates_bp[i])
          {
            StkInt128 exact = (StkInt128) amounts_cents[j] * rates_bp[j];

            sum += exact;
            taxes_cents[j] = (gint64) (exact / den);
            given += taxes_cents[j];
          }
      total = div_round (sum, den);
      while (given < total)
        {
          StkInt128 best = -1;
          guint best_j = i;

          for (guint j = i; j < n; j++)
            if (!done[j] && rates_bp[j] == rates_bp[i])
              {
                StkInt128 rest = (StkInt128) amounts_cents[j] * rates_bp[j] - (StkInt128) taxes_cents[j] * den;

                /* A line already raised has rest < 0 and is not raised twice. */
                if (rest > best)
                  {
                    best = rest;
                    best_j = j;
                  }
              }
          taxes_cents[best_j]++;
          given++;
        }
      for (guint j = i; j < n; j++)
        if (rates_bp[j] == rates_bp[i])
          done[j] = TRUE;
    }
}

gint64
stk_tax_return (gint64 line_total_cents,
                gint64 line_tax_cents,
                gint64 refunded_cents,
                gint64 returned_tax_cents,
                gint64 refund_cents)
{
  gint64 left = line_tax_cents - returned_tax_cents;
  gint64 tax;

  g_return_val_if_fail (line_total_cents >= 0 && line_tax_cents >= 0 && refund_cents >= 0, 0);

  if (left <= 0)
    return 0;
  if (refunded_cents + refund_cents >= line_total_cents)
    return left;
  tax = div_round ((StkInt128) refund_cents * line_tax_cents, line_total_cents);
  return MIN (tax, left);
}

void
stk_tax_part_free (StkTaxPart *part)
{
  if (part == NULL)
    return;
  g_free (part->name);
  g_free (part);
}

void
stk_tax_parts_add (GPtrArray  *parts,
                   const char *name,
                   gint64      rate_bp,
                   gint64      total_cents,
                   gint64      tax_cents)
{
  StkTaxPart *part = NULL;

  g_return_if_fail (parts != NULL);

  if (name == NULL)
    name = "";
  if (rate_bp < 0)
    rate_bp = -1;
  for (guint i = 0; i < parts->len && part == NULL; i++)
    {
      StkTaxPart *p = g_ptr_array_index (parts, i);

      if (p->rate_bp == rate_bp && g_str_equal (p->name, name))
        part = p;
    }
  if (part == NULL)
    {
      part = g_new0 (StkTaxPart, 1);
      part->name = g_strdup (name);
      part->rate_bp = rate_bp;
      g_ptr_array_add (parts, part);
    }
  part->total_cents += total_cents;
  part->tax_cents += tax_cents;
}

gboolean
stk_tax_parts_any (GPtrArray *parts)
{
  for (guint i = 0; parts != NULL && i < parts->len; i++)
    if (((StkTaxPart *) g_ptr_array_index (parts, i))->rate_bp >= 0)
      return TRUE;
  return FALSE;
}

static void
tax_report_rate_free (StkTaxReportRate *rate)
{
  if (rate == NULL)
    return;
  g_free (rate->name);
  g_free (rate);
}

StkTaxReport *
stk_tax_report_new (gint64 from_us,
                    gint64 to_us)
{
  StkTaxReport *report = g_new0 (StkTaxReport, 1);

  report->from_us = from_us;
  report->to_us = to_us;
  report->rates = g_ptr_array_new_with_free_func ((GDestroyNotify) tax_report_rate_free);
  report->total.name = g_strdup ("");
  report->total.rate_bp = -1;
  return report;
}

void
stk_tax_report_free (StkTaxReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->rates, g_ptr_array_unref);
  g_free (report->total.name);
  g_free (report);
}

StkTaxReportRate *
stk_tax_report_add (StkTaxReport *report,
                    const char   *name,
                    gint64        rate_bp)
{
  StkTaxReportRate *rate;

  g_return_val_if_fail (report != NULL, NULL);

  rate = g_new0 (StkTaxReportRate, 1);
  rate->name = g_strdup (name != NULL ? name : "");
  rate->rate_bp = rate_bp < 0 ? -1 : rate_bp;
  g_ptr_array_add (report->rates, rate);
  return rate;
}

static void
tax_report_rate_net (StkTaxReportRate *r)
{
  r->net_cents = r->sales_cents - r->voids_cents - r->returns_cents;
  r->net_tax_cents = r->sales_tax_cents - r->voids_tax_cents - r->returns_tax_cents;
  r->net_taxable_cents = r->net_cents - r->net_tax_cents;
}

void
stk_tax_report_sum (StkTaxReport *report)
{
  StkTaxReportRate *t;

  g_return_if_fail (report != NULL);

  t = &report->total;
  t->sales_cents = t->sales_tax_cents = 0;
  t->voids_cents = t->voids_tax_cents = 0;
  t->returns_cents = t->returns_tax_cents = 0;
  for (guint i = 0; i < report->rates->len; i++)
    {
      StkTaxReportRate *r = g_ptr_array_index (report->rates, i);

      tax_report_rate_net (r);
      t->sales_cents += r->sales_cents;
      t->sales_tax_cents += r->sales_tax_cents;
      t->voids_cents += r->voids_cents;
      t->voids_tax_cents += r->voids_tax_cents;
      t->returns_cents += r->returns_cents;
      t->returns_tax_cents += r->returns_tax_cents;
    }
  tax_report_rate_net (t);
}

gboolean
stk_tax_report_any (const StkTaxReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  for (guint i = 0; i < report->rates->len; i++)
    if (((StkTaxReportRate *) g_ptr_array_index (report->rates, i))->rate_bp >= 0)
      return TRUE;
  return FALSE;
}
