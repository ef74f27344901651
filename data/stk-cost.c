/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-cost.h"

#include <glib/gi18n.h>

#include "stk-error.h"

/* 128-bit integers (GCC and Clang); __extension__ keeps -Wpedantic quiet. */
__extension__ typedef __int128 StkInt128;

static gboolean
too_large (GError **error)
{
  g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("The cost is too large to be computed exactly (over "
                         "92,233,720,368,547,758.07)."));
  return FALSE;
}

gboolean
stk_cost_average (gint64   on_hand,
                  gint64   average_cents,
                  gint64   quantity,
                  gint64   unit_cost_cents,
                  gint64  *out_average_cents,
                  GError **error)
{
  StkInt128 num, den, avg, rest;

  g_return_val_if_fail (quantity > 0, FALSE);
  g_return_val_if_fail (unit_cost_cents >= 0 && average_cents >= 0, FALSE);
  g_return_val_if_fail (out_average_cents != NULL, FALSE);

  if (on_hand <= 0 || average_cents == 0)
    {
      *out_average_cents = unit_cost_cents;
      return TRUE;
    }
  num = (StkInt128) on_hand * average_cents + (StkInt128) quantity * unit_cost_cents;
  den = (StkInt128) on_hand + quantity;
  /* Half up: the quotient, and one more when twice the rest reaches den. Both products
   * are below 2^126, so num fits (below 2^127); den and the rest are below 2^64. */
  avg = num / den;
  rest = num % den;
  if (2 * rest >= den)
    avg++;
  if (avg > G_MAXINT64)
    return too_large (error);
  *out_average_cents = (gint64) avg;
  return TRUE;
}

gboolean
stk_cost_multiply (gint64   quantity,
                   gint64   unit_cost_cents,
                   gint64  *out_cents,
                   GError **error)
{
  gint64 r;

  g_return_val_if_fail (out_cents != NULL, FALSE);

  if (__builtin_mul_overflow (quantity, unit_cost_cents, &r))
    return too_large (error);
  *out_cents = r;
  return TRUE;
}

gint64
stk_cost_margin_bp (gint64 margin_cents,
                    gint64 revenue_cents)
{
  StkInt128 num, den, q;
  gboolean negative;

  if (revenue_cents == 0)
    return 0;
  num = (StkInt128) margin_cents * 10000;
  den = revenue_cents;
  negative = (num < 0) != (den < 0);
  if (num < 0)
    num = -num;
  if (den < 0)
    den = -den;
  q = (2 * num + den) / (2 * den);
  if (q > G_MAXINT64)
    q = G_MAXINT64;
  return negative ? -(gint64) q : (gint64) q;
}

char *
stk_cost_margin_format (gint64 margin_bp)
{
  g_autofree char *number = NULL;

  /* %.2f follows LC_NUMERIC: the user's decimal mark; bp ÷ 100 prints exactly for every
   * margin below 2^50 basis points. */
  number = g_strdup_printf ("%.2f", (double) margin_bp / 100.0);
  /* Translators: a margin as a percentage, %s is its number ("25.50 %"); write it the
   * way your language writes a percentage */
  return g_strdup_printf (C_("margin", "%s %%"), number);
}

void
stk_valuation_free (StkValuation *valuation)
{
  if (valuation == NULL)
    return;
  g_clear_pointer (&valuation->items, g_ptr_array_unref);
  g_free (valuation);
}

void
stk_margin_row_free (StkMarginRow *row)
{
  if (row == NULL)
    return;
  g_free (row->code);
  g_free (row->description);
  g_free (row);
}

void
stk_margin_report_free (StkMarginReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->items, g_ptr_array_unref);
  g_free (report);
}

gboolean
stk_margin_row_add (StkMarginRow        *total,
                    const StkMarginRow  *row,
                    GError             **error)
{
  StkMarginRow sum = *total;

  g_return_val_if_fail (total != NULL && row != NULL, FALSE);

  if (__builtin_add_overflow (sum.quantity, row->quantity, &sum.quantity) ||
      __builtin_add_overflow (sum.revenue_cents, row->revenue_cents, &sum.revenue_cents) ||
      __builtin_add_overflow (sum.costed_revenue_cents, row->costed_revenue_cents,
                              &sum.costed_revenue_cents) ||
      __builtin_add_overflow (sum.cost_cents, row->cost_cents, &sum.cost_cents) ||
      __builtin_add_overflow (sum.unknown_lines, row->unknown_lines, &sum.unknown_lines) ||
      __builtin_sub_overflow (sum.costed_revenue_cents, sum.cost_cents, &sum.margin_cents))
    return too_large (error);
  sum.margin_bp = stk_cost_margin_bp (sum.margin_cents, sum.costed_revenue_cents);
  *total = sum;
  return TRUE;
}
