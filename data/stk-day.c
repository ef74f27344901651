/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-day.h"

#include <string.h>

#include <glib/gi18n.h>

#include "stk-error.h"

const char *
stk_payment_method_label (const char *method)
{
  g_return_val_if_fail (method != NULL, NULL);

  if (*method == '\0')
    /* Translators: the payment of a sale that recorded none */
    return C_("payment", "Not recorded");
  if (g_str_equal (method, "cash"))
    return C_("payment", "Cash");
  if (g_str_equal (method, "card"))
    return C_("payment", "Card");
  if (g_str_equal (method, "other"))
    return C_("payment", "Other");
  return method;
}

gboolean
stk_payment_method_is_cash (const char *method)
{
  return method != NULL && g_ascii_strcasecmp (method, "cash") == 0;
}

gboolean
stk_payment_methods_check (const char *const  *methods,
                           GError            **error)
{
  guint n;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n = methods != NULL ? g_strv_length ((char **) methods) : 0;
  if (n == 0)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("The shop needs at least one payment method."));
      return FALSE;
    }
  if (n > STK_PAYMENT_METHODS_MAX)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("A shop has at most %d payment methods."), STK_PAYMENT_METHODS_MAX);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      const char *m = methods[i];
      glong chars;

      if (!g_utf8_validate (m, -1, NULL))
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("Payment method %u is not valid text."), i + 1);
          return FALSE;
        }
      chars = g_utf8_strlen (m, -1);
      if (chars == 0)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("Payment method %u is empty."), i + 1);
          return FALSE;
        }
      if (chars > STK_PAYMENT_METHOD_MAX_CHARS)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("The payment method “%s” is longer than %d characters."),
                       m, STK_PAYMENT_METHOD_MAX_CHARS);
          return FALSE;
        }
      if (g_unichar_isspace (g_utf8_get_char (m)) ||
          g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (m + strlen (m)))))
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("The payment method “%s” begins or ends with a space."), m);
          return FALSE;
        }
      for (const char *p = m; *p != '\0'; p = g_utf8_next_char (p))
        if (g_unichar_iscntrl (g_utf8_get_char (p)))
          {
            g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                         _("Payment method %u has a control character (a line break or a tab)."),
                         i + 1);
            return FALSE;
          }
      for (guint j = 0; j < i; j++)
        {
          g_autofree char *a = g_utf8_casefold (m, -1);
          g_autofree char *b = g_utf8_casefold (methods[j], -1);

          if (g_str_equal (a, b))
            {
              g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("The payment method “%s” is in the list twice."), m);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static void
day_method_free (StkDayMethod *m)
{
  g_free (m->method);
  g_free (m);
}

StkDayReport *
stk_day_report_new (void)
{
  StkDayReport *report = g_new0 (StkDayReport, 1);

  report->methods = g_ptr_array_new_with_free_func ((GDestroyNotify) day_method_free);
  report->taxes = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_tax_part_free);
  report->note = g_strdup ("");
  return report;
}

void
stk_day_report_free (StkDayReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->methods);
  g_ptr_array_unref (report->taxes);
  g_free (report->note);
  g_free (report);
}

StkDayReport *
stk_day_report_copy (const StkDayReport *report)
{
  StkDayReport *copy;
  GPtrArray *methods, *taxes;
  char *note;

  g_return_val_if_fail (report != NULL, NULL);

  copy = stk_day_report_new ();
  methods = copy->methods;
  taxes = copy->taxes;
  note = copy->note;
  *copy = *report;
  copy->methods = methods;
  copy->taxes = taxes;
  for (guint i = 0; i < report->taxes->len; i++)
    {
      const StkTaxPart *t = g_ptr_array_index (report->taxes, i);

      stk_tax_parts_add (copy->taxes, t->name, t->rate_bp, t->total_cents, t->tax_cents);
    }
  g_free (note);
  copy->note = g_strdup (report->note != NULL ? report->note : "");
  for (guint i = 0; i < report->methods->len; i++)
    {
      const StkDayMethod *m = g_ptr_array_index (report->methods, i);
      StkDayMethod *c = g_new (StkDayMethod, 1);

      *c = *m;
      c->method = g_strdup (m->method);
      g_ptr_array_add (copy->methods, c);
    }
  return copy;
}

void
stk_day_report_sum (StkDayReport *report)
{
  g_return_if_fail (report != NULL);

  report->sales = report->sales_cents = report->voids = report->voids_cents = 0;
  report->returns = report->returns_cents = report->net_cents = report->tax_cents = 0;
  report->expected_cash_cents = 0;
  for (guint i = 0; i < report->methods->len; i++)
    {
      StkDayMethod *m = g_ptr_array_index (report->methods, i);

      m->net_cents = m->sales_cents - m->voids_cents - m->returns_cents;
      m->tax_cents = m->sales_tax_cents - m->voids_tax_cents - m->returns_tax_cents;
      report->tax_cents += m->tax_cents;
      report->sales += m->sales;
      report->sales_cents += m->sales_cents;
      report->voids += m->voids;
      report->voids_cents += m->voids_cents;
      report->returns += m->returns;
      report->returns_cents += m->returns_cents;
      report->net_cents += m->net_cents;
      if (stk_payment_method_is_cash (m->method))
        report->expected_cash_cents += m->net_cents;
    }
  report->difference_cents = report->counted ? report->counted_cash_cents - report->expected_cash_cents
                                             : 0;
}
