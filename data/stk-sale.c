/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sale.h"

StkSaleDetail *
stk_sale_detail_new (void)
{
  StkSaleDetail *detail = g_new0 (StkSaleDetail, 1);

  detail->uid = g_strdup ("");
  detail->note = g_strdup ("");
  detail->payment = g_strdup ("");
  detail->void_reason = g_strdup ("");
  detail->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_sale_line_free);
  detail->returns = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_sale_return_free);
  return detail;
}

void
stk_sale_line_free (StkSaleLine *line)
{
  if (line == NULL)
    return;
  g_free (line->code);
  g_free (line->description);
  g_free (line);
}

void
stk_sale_return_free (StkSaleReturn *ret)
{
  if (ret == NULL)
    return;
  g_free (ret->code);
  g_free (ret->reason);
  g_free (ret);
}

void
stk_sale_detail_free (StkSaleDetail *detail)
{
  if (detail == NULL)
    return;
  g_free (detail->uid);
  g_free (detail->note);
  g_free (detail->payment);
  g_free (detail->void_reason);
  g_clear_pointer (&detail->lines, g_ptr_array_unref);
  g_clear_pointer (&detail->returns, g_ptr_array_unref);
  g_free (detail);
}
