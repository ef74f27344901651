/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sale.h"

char *
stk_receipt_number_format (const char *series,
                           gint64      number)
{
  if (number <= 0)
    return g_strdup ("");
  if (series == NULL || *series == '\0')
    return g_strdup_printf ("%" G_GINT64_FORMAT, number);
  return g_strdup_printf ("%s/%" G_GINT64_FORMAT, series, number);
}

StkSaleDetail *
stk_sale_detail_new (void)
{
  StkSaleDetail *detail = g_new0 (StkSaleDetail, 1);

  detail->uid = g_strdup ("");
  detail->receipt = g_strdup ("");
  detail->note = g_strdup ("");
  detail->payment = g_strdup ("");
  detail->void_reason = g_strdup ("");
  detail->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_sale_line_free);
  detail->returns = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_sale_return_free);
  return detail;
}

/* A deep copy, for work that outlives the reader's (a print job). */
StkSaleDetail *
stk_sale_detail_copy (const StkSaleDetail *detail)
{
  StkSaleDetail *copy;

  g_return_val_if_fail (detail != NULL, NULL);

  copy = stk_sale_detail_new ();
  copy->sale_id = detail->sale_id;
  g_free (copy->uid);
  copy->uid = g_strdup (detail->uid);
  g_free (copy->receipt);
  copy->receipt = g_strdup (detail->receipt);
  copy->sold_at_us = detail->sold_at_us;
  g_free (copy->note);
  copy->note = g_strdup (detail->note);
  g_free (copy->payment);
  copy->payment = g_strdup (detail->payment);
  copy->voided = detail->voided;
  g_free (copy->void_reason);
  copy->void_reason = g_strdup (detail->void_reason);
  copy->total_cents = detail->total_cents;
  copy->refunded_cents = detail->refunded_cents;
  for (guint i = 0; i < detail->lines->len; i++)
    {
      const StkSaleLine *line = g_ptr_array_index (detail->lines, i);
      StkSaleLine *c = g_memdup2 (line, sizeof *line);

      c->code = g_strdup (line->code);
      c->description = g_strdup (line->description);
      c->tax_name = g_strdup (line->tax_name);
      g_ptr_array_add (copy->lines, c);
    }
  for (guint i = 0; i < detail->returns->len; i++)
    {
      const StkSaleReturn *ret = g_ptr_array_index (detail->returns, i);
      StkSaleReturn *c = g_memdup2 (ret, sizeof *ret);

      c->code = g_strdup (ret->code);
      c->reason = g_strdup (ret->reason);
      c->receipt = g_strdup (ret->receipt);
      g_ptr_array_add (copy->returns, c);
    }
  return copy;
}

void
stk_sale_line_free (StkSaleLine *line)
{
  if (line == NULL)
    return;
  g_free (line->code);
  g_free (line->description);
  g_free (line->tax_name);
  g_free (line);
}

void
stk_sale_return_free (StkSaleReturn *ret)
{
  if (ret == NULL)
    return;
  g_free (ret->code);
  g_free (ret->reason);
  g_free (ret->receipt);
  g_free (ret);
}

void
stk_sale_detail_free (StkSaleDetail *detail)
{
  if (detail == NULL)
    return;
  g_free (detail->uid);
  g_free (detail->receipt);
  g_free (detail->note);
  g_free (detail->payment);
  g_free (detail->void_reason);
  g_clear_pointer (&detail->lines, g_ptr_array_unref);
  g_clear_pointer (&detail->returns, g_ptr_array_unref);
  g_free (detail);
}

GPtrArray *
stk_sale_detail_tax_parts (const StkSaleDetail *detail)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_tax_part_free);

  g_return_val_if_fail (detail != NULL, parts);

  for (guint i = 0; i < detail->lines->len; i++)
    {
      const StkSaleLine *line = g_ptr_array_index (detail->lines, i);

      stk_tax_parts_add (parts, line->tax_rate_bp >= 0 ? line->tax_name : "", line->tax_rate_bp,
                         line->total_cents, line->tax_cents);
    }
  return parts;
}
