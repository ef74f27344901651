/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-receipt.h"
#include "stk-receipt-private.h"

#include <errno.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "stk-day.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-output.h"
#include "stk-tax.h"

/* Space around the text on the PDF's roll page, in points. */
#define ROLL_MARGIN_X ((STK_RECEIPT_ROLL_WIDTH_PT - STK_RECEIPT_TEXT_WIDTH_PT) / 2.0)
#define ROLL_MARGIN_Y (5.0 * 72.0 / 25.4)
/* On a sheet wider than this the receipt is a column this wide, enlarged by PRINT_SCALE. */
#define PRINT_COLUMN_MAX_PT (90.0 * 72.0 / 25.4)
#define PRINT_SCALE 1.25

#define FONT_BODY   "Sans 9"
#define FONT_SMALL  "Sans 8"
#define FONT_BOLD   "Sans Bold 9"
#define FONT_TOTAL  "Sans Bold 11"
#define FONT_SHOP   "Sans Bold 13"
#define FONT_BANNER "Sans Bold 15"

/* Room between a row's left text and its right-aligned amount, the indent of a line's
 * details, the gap above a row that opens a block. */
#define GAP_PT     6.0
#define INDENT_PT  8.0
#define RULE_PT    9.0
#define BANNER_PAD 4.0

typedef enum
{
  ROW_TEXT,
  ROW_RULE,
  ROW_SPACE,
  ROW_BANNER,
} RowKind;

typedef struct
{
  RowKind      kind;
  PangoLayout *left;
  PangoLayout *right;
  double       indent;
  double       y;
  double       height;
} Row;

typedef struct
{
  PangoContext *context;
  double        width;
  double        height;
  GPtrArray    *rows;
} Receipt;

static void
row_free (Row *row)
{
  g_clear_object (&row->left);
  g_clear_object (&row->right);
  g_free (row);
}

static void
receipt_free (Receipt *self)
{
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->context);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Receipt, receipt_free)

/* Metrics that do not depend on the target, so the receipt is laid out the same on a
 * PDF, a printer and an image. */
static void
setup_context (PangoContext *context)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
}

static PangoLayout *
new_layout (Receipt    *self,
            const char *text,
            const char *font,
            double      width)
{
  PangoLayout *layout = pango_layout_new (self->context);
  PangoFontDescription *desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  if (width > 0)
    pango_layout_set_width (layout, pango_units_from_double (width));
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return pango_units_to_double (logical.height);
}

static double
layout_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return pango_units_to_double (logical.width);
}

static Row *
add_row (Receipt *self,
         RowKind  kind,
         double   height)
{
  Row *row = g_new0 (Row, 1);

  row->kind = kind;
  row->y = self->height;
  row->height = height;
  self->height += height;
  g_ptr_array_add (self->rows, row);
  return row;
}

static void
add_space (Receipt *self,
           double   height)
{
  add_row (self, ROW_SPACE, height);
}

static void
add_rule (Receipt *self)
{
  add_row (self, ROW_RULE, RULE_PT);
}

/* A paragraph the whole width (less @indent), wrapped. */
static void
add_text (Receipt        *self,
          const char     *text,
          const char     *font,
          PangoAlignment  alignment,
          double          indent)
{
  PangoLayout *layout = new_layout (self, text, font, self->width - indent);
  Row *row;

  pango_layout_set_alignment (layout, alignment);
  row = add_row (self, ROW_TEXT, layout_height (layout));
  row->left = layout;
  row->indent = indent;
}

/* @left wrapped in what @right, right-aligned and never wrapped, leaves. */
static void
add_pair (Receipt    *self,
          const char *left,
          const char *left_font,
          const char *right,
          const char *right_font,
          double      indent)
{
  PangoLayout *r = new_layout (self, right, right_font, -1);
  double right_width = layout_width (r);
  double left_width = MAX (self->width - indent - right_width - GAP_PT, self->width / 3.0);
  PangoLayout *l = new_layout (self, left, left_font, left_width);
  Row *row = add_row (self, ROW_TEXT, MAX (layout_height (l), layout_height (r)));

  row->left = l;
  row->right = r;
  row->indent = indent;
}

static void
add_banner (Receipt    *self,
            const char *text)
{
  PangoLayout *layout = new_layout (self, text, FONT_BANNER, self->width - 2 * BANNER_PAD);
  Row *row;

  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  row = add_row (self, ROW_BANNER, layout_height (layout) + 2 * BANNER_PAD);
  row->left = layout;
}

/* "VAT (22 %)", or "No tax". */
static char *
tax_part_label (const char *name,
                gint64      rate_bp)
{
  g_autofree char *rate = NULL;

  if (rate_bp < 0)
    /* Translators: on a receipt or day report, what was sold without tax */
    return g_strdup (_("No tax"));
  rate = stk_tax_rate_format (rate_bp);
  if (name == NULL || name[0] == '\0')
    return g_steal_pointer (&rate);
  /* Translators: a tax rate on a receipt: its name, then its rate ("VAT (22 %)") */
  return g_strdup_printf (_("%s (%s)"), name, rate);
}

/* The tax breakdown: per rate its tax, then the taxable amount and the total it was
 * taken from; what was sold without tax; the total tax. Nothing when no part has a
 * rate. */
static void
add_tax_parts (Receipt   *self,
               GPtrArray *parts)
{
  gint64 tax = 0;
  guint rated = 0;

  if (!stk_tax_parts_any (parts))
    return;
  add_rule (self);
  /* Translators: on a receipt or day report, the heading of the tax breakdown */
  add_text (self, _("Tax"), FONT_BOLD, PANGO_ALIGN_LEFT, 0);
  for (guint i = 0; i < parts->len; i++)
    {
      const StkTaxPart *part = g_ptr_array_index (parts, i);
      g_autofree char *label = tax_part_label (part->name, part->rate_bp);
      g_autofree char *total = stk_format_currency (part->total_cents);

      add_space (self, 2);
      if (part->rate_bp < 0)
        {
          add_pair (self, label, FONT_BODY, total, FONT_BODY, 0);
          continue;
        }
      {
        g_autofree char *amount = stk_format_currency (part->tax_cents);
        g_autofree char *taxable = stk_format_currency (part->total_cents - part->tax_cents);

        add_pair (self, label, FONT_BODY, amount, FONT_BODY, 0);
        /* Translators: on a receipt, the amount a rate's tax was taken on (the amount follows) */
        add_pair (self, _("Taxable"), FONT_SMALL, taxable, FONT_SMALL, INDENT_PT);
        /* Translators: on a receipt, a rate's taxable amount with its tax (the amount follows) */
        add_pair (self, _("With tax"), FONT_SMALL, total, FONT_SMALL, INDENT_PT);
        tax += part->tax_cents;
        rated++;
      }
    }
  if (rated > 1)
    {
      g_autofree char *amount = stk_format_currency (tax);

      add_space (self, 2);
      /* Translators: on a receipt, the sum of the taxes of every rate (the amount follows) */
      add_pair (self, _("Total tax"), FONT_BOLD, amount, FONT_BOLD, 0);
    }
}

static char *
sale_number (gint64 sale_id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, sale_id);
}

/* An empty sheet @width wide, headed by the shop's name and address (either may be
 * empty) and a rule when there is either. */
static Receipt *
receipt_start (const char   *shop_name,
               const char   *shop_address,
               PangoContext *context,
               double        width)
{
  Receipt *self = g_new0 (Receipt, 1);
  g_autofree char *stripped_address = NULL;

  self->context = g_object_ref (context);
  self->width = MAX (width, 36.0);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);

  /* The shop. */
  if (shop_name != NULL && shop_name[0] != '\0')
    add_text (self, shop_name, FONT_SHOP, PANGO_ALIGN_CENTER, 0);
  if (shop_address != NULL)
    stripped_address = g_strstrip (g_strdup (shop_address));
  if (stripped_address != NULL && stripped_address[0] != '\0')
    add_text (self, stripped_address, FONT_BODY, PANGO_ALIGN_CENTER, 0);
  if (self->rows->len > 0)
    add_rule (self);
  return self;
}

static Receipt *
receipt_new (const StkSaleDetail *sale,
             const char          *shop_name,
             const char          *shop_address,
             PangoContext        *context,
             double               width)
{
  Receipt *self = receipt_start (shop_name, shop_address, context, width);
  g_autofree char *number = sale_number (sale->sale_id);
  g_autofree char *sale_text = NULL;
  g_autofree char *when = stk_format_datetime (sale->sold_at_us);
  g_autofree char *total = stk_format_currency (sale->total_cents);

  /* The sale. */
  if (sale->receipt != NULL && sale->receipt[0] != '\0')
    {
      /* Translators: the heading of a receipt; %s is its number ("123", "2026/123") */
      g_autofree char *receipt_text = g_strdup_printf (_("Receipt No. %s"), sale->receipt);

      /* Translators: on a receipt, under its number; %s is the sale's number */
      sale_text = g_strdup_printf (_("Sale %s"), number);
      add_pair (self, receipt_text, FONT_BOLD, when, FONT_BODY, 0);
      add_text (self, sale_text, FONT_SMALL, PANGO_ALIGN_LEFT, 0);
    }
  else
    {
      /* Translators: the heading of a receipt; %s is the sale's number */
      sale_text = g_strdup_printf (_("Sale %s"), number);
      add_pair (self, sale_text, FONT_BOLD, when, FONT_BODY, 0);
    }
  if (sale->payment != NULL && sale->payment[0] != '\0')
    {
      /* Translators: on a receipt; %s is how the sale was paid ("Cash", "Card") */
      g_autofree char *text = g_strdup_printf (_("Payment: %s"),
                                               stk_payment_method_label (sale->payment));

      add_text (self, text, FONT_BODY, PANGO_ALIGN_LEFT, 0);
    }
  if (sale->note != NULL && sale->note[0] != '\0')
    {
      /* Translators: on a receipt; %s is the sale's note */
      g_autofree char *text = g_strdup_printf (_("Note: %s"), sale->note);

      add_text (self, text, FONT_BODY, PANGO_ALIGN_LEFT, 0);
    }
  if (sale->voided)
    {
      add_space (self, 4);
      /* Translators: the banner across a receipt of a sale that was voided */
      add_banner (self, _("VOIDED"));
      if (sale->void_reason != NULL && sale->void_reason[0] != '\0')
        {
          /* Translators: on a receipt, under VOIDED; %s is why the sale was voided */
          g_autofree char *text = g_strdup_printf (_("Reason: %s"), sale->void_reason);

          add_space (self, 2);
          add_text (self, text, FONT_BODY, PANGO_ALIGN_CENTER, 0);
        }
    }
  add_rule (self);

  /* The lines. */
  for (guint i = 0; i < sale->lines->len; i++)
    {
      const StkSaleLine *line = g_ptr_array_index (sale->lines, i);
      const char *description = line->description != NULL && line->description[0] != '\0'
                                  ? line->description : line->code;
      g_autofree char *line_total = stk_format_currency (line->total_cents);
      g_autofree char *quantity = stk_format_count (line->quantity);
      g_autofree char *unit = stk_format_currency (line->unit_price_cents);
      g_autofree char *times = NULL;
      g_autofree char *details = NULL;

      if (i > 0)
        add_space (self, 3);
      add_pair (self, description, FONT_BODY, line_total, FONT_BODY, 0);
      /* Translators: on a receipt, a line's quantity and unit price: "2 × €3.50" */
      times = g_strdup_printf (_("%s × %s"), quantity, unit);
      /* Translators: on a receipt, a line's code, then its quantity × unit price */
      details = g_strdup_printf (_("%s · %s"), line->code, times);
      add_text (self, details, FONT_SMALL, PANGO_ALIGN_LEFT, INDENT_PT);
      if (line->discount_cents != 0)
        {
          g_autofree char *discount = stk_format_currency (-line->discount_cents);

          /* Translators: on a receipt, the discount of a line (the amount follows) */
          add_pair (self, _("Discount"), FONT_SMALL, discount, FONT_SMALL, INDENT_PT);
        }
      if (line->tax_rate_bp >= 0 && !line->tax_included)
        {
          /* Prices without tax: the tax added to the line, which its total includes. */
          g_autofree char *label = tax_part_label (line->tax_name, line->tax_rate_bp);
          g_autofree char *amount = stk_format_currency (line->tax_cents);
          /* Translators: on a receipt, tax added to a line's price ("+ €4.40") */
          g_autofree char *added = g_strdup_printf (_("+ %s"), amount);

          add_pair (self, label, FONT_SMALL, added, FONT_SMALL, INDENT_PT);
        }
      if (line->returned_quantity > 0)
        {
          g_autofree char *returned = stk_format_count (line->returned_quantity);
          /* Translators: on a receipt, how many of a line came back; %s is a number */
          g_autofree char *text = g_strdup_printf (ngettext ("%s returned", "%s returned",
                                                             (gulong) line->returned_quantity),
                                                   returned);

          add_text (self, text, FONT_SMALL, PANGO_ALIGN_LEFT, INDENT_PT);
        }
    }
  add_rule (self);
  /* Translators: on a receipt, the sum of the lines (the amount follows) */
  add_pair (self, _("Total"), FONT_TOTAL, total, FONT_TOTAL, 0);
  {
    g_autoptr(GPtrArray) parts = stk_sale_detail_tax_parts (sale);

    add_tax_parts (self, parts);
  }

  /* The returns. */
  if (sale->returns->len > 0)
    {
      g_autofree char *refunded = stk_format_currency (-sale->refunded_cents);
      g_autofree char *net = stk_format_currency (sale->total_cents - sale->refunded_cents);

      add_rule (self);
      /* Translators: on a receipt, the heading of the items that came back */
      add_text (self, _("Returns"), FONT_BOLD, PANGO_ALIGN_LEFT, 0);
      for (guint i = 0; i < sale->returns->len; i++)
        {
          const StkSaleReturn *ret = g_ptr_array_index (sale->returns, i);
          g_autofree char *quantity = stk_format_count (ret->quantity);
          g_autofree char *refund = stk_format_currency (-ret->refund_cents);
          g_autofree char *returned_at = stk_format_datetime (ret->returned_at_us);
          g_autofree char *what = NULL;

          add_space (self, 2);
          /* Translators: on a receipt, a return: its quantity, then the item's code */
          what = g_strdup_printf (_("%s × %s"), quantity, ret->code);
          add_pair (self, what, FONT_BODY, refund, FONT_BODY, 0);
          if (ret->receipt != NULL && ret->receipt[0] != '\0')
            {
              /* Translators: on a receipt, a return's own receipt number ("No. 124") */
              g_autofree char *text = g_strdup_printf (_("No. %s"), ret->receipt);

              add_text (self, text, FONT_SMALL, PANGO_ALIGN_LEFT, INDENT_PT);
            }
          if (ret->reason != NULL && ret->reason[0] != '\0')
            {
              /* Translators: on a receipt, when an item came back and why */
              g_autofree char *text = g_strdup_printf (_("%s, %s"), returned_at, ret->reason);

              add_text (self, text, FONT_SMALL, PANGO_ALIGN_LEFT, INDENT_PT);
            }
          else
            add_text (self, returned_at, FONT_SMALL, PANGO_ALIGN_LEFT, INDENT_PT);
        }
      add_rule (self);
      /* Translators: on a receipt, the sum refunded for returns (the amount follows) */
      add_pair (self, _("Refunded"), FONT_BODY, refunded, FONT_BODY, 0);
      /* Translators: on a receipt, the total less the refunds (the amount follows) */
      add_pair (self, _("Net"), FONT_TOTAL, net, FONT_TOTAL, 0);
    }
  return self;
}

/* ---- the day report ---- */

static char *
close_number (gint64 close_id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, close_id);
}

/* An amount taken off: "−€5.00", or "€0.00". */
static char *
currency_minus (gint64 cents)
{
  return stk_format_currency (cents > 0 ? -cents : 0);
}

/* What the counted cash says against the expected: "none", "€3.50 short", "€2.00 over". */
char *
stk_day_report_format_difference (gint64 difference_cents)
{
  g_autofree char *amount = stk_format_currency (ABS (difference_cents));

  if (difference_cents == 0)
    /* Translators: the difference between the cash counted and expected, when there is none */
    return g_strdup (C_("difference", "None"));
  if (difference_cents < 0)
    /* Translators: the cash counted is less than expected by %s ("€3.50 short") */
    return g_strdup_printf (_("%s short"), amount);
  /* Translators: the cash counted is more than expected by %s ("€2.00 over") */
  return g_strdup_printf (_("%s over"), amount);
}

static Receipt *
day_sheet_new (const StkDayReport *report,
               const char         *shop_name,
               const char         *shop_address,
               PangoContext       *context,
               double              width)
{
  Receipt *self = receipt_start (shop_name, shop_address, context, width);
  g_autofree char *when = stk_format_datetime (report->to_us);
  g_autofree char *since = NULL;

  /* The close. */
  /* Translators: the heading of the printed report of a close of the day */
  add_pair (self, _("Day Report"), FONT_BOLD, when, FONT_BODY, 0);
  if (report->close_id != 0)
    {
      g_autofree char *number = close_number (report->close_id);
      /* Translators: on the day report, under its heading; %s is the close's number */
      g_autofree char *text = g_strdup_printf (_("Close No. %s"), number);

      add_text (self, text, FONT_SMALL, PANGO_ALIGN_LEFT, 0);
    }
  else
    /* Translators: on the day report of the day not closed yet */
    add_text (self, _("Not closed yet"), FONT_SMALL, PANGO_ALIGN_LEFT, 0);
  if (report->from_us != 0)
    {
      g_autofree char *from = stk_format_datetime (report->from_us);

      /* Translators: on the day report: what it covers; %s is the time of the close before */
      since = g_strdup_printf (_("Since %s"), from);
    }
  else
    /* Translators: on the day report of the first close */
    since = g_strdup (_("Since the inventory began"));
  add_text (self, since, FONT_BODY, PANGO_ALIGN_LEFT, 0);
  add_rule (self);

  /* By payment method. */
  for (guint i = 0; i < report->methods->len; i++)
    {
      const StkDayMethod *m = g_ptr_array_index (report->methods, i);
      g_autofree char *net = stk_format_currency (m->net_cents);
      g_autofree char *sales = stk_format_count (m->sales);
      g_autofree char *sales_cents = stk_format_currency (m->sales_cents);
      g_autofree char *sales_text = NULL;

      if (i > 0)
        add_space (self, 3);
      add_pair (self, stk_payment_method_label (m->method), FONT_BOLD, net, FONT_BOLD, 0);
      /* Translators: on the day report, how many sales were paid one way (the amount follows) */
      sales_text = g_strdup_printf (ngettext ("%s sale", "%s sales", (gulong) CLAMP (m->sales, 0, G_MAXLONG)),
                                    sales);
      add_pair (self, sales_text, FONT_SMALL, sales_cents, FONT_SMALL, INDENT_PT);
      if (m->voids > 0)
        {
          g_autofree char *voids = stk_format_count (m->voids);
          g_autofree char *amount = currency_minus (m->voids_cents);
          /* Translators: on the day report, how many sales were voided (the amount follows) */
          g_autofree char *text = g_strdup_printf (ngettext ("%s voided", "%s voided",
                                                             (gulong) CLAMP (m->voids, 0, G_MAXLONG)),
                                                   voids);

          add_pair (self, text, FONT_SMALL, amount, FONT_SMALL, INDENT_PT);
        }
      if (m->sales_tax_cents != 0 || m->voids_tax_cents != 0 || m->returns_tax_cents != 0)
        {
          g_autofree char *tax = stk_format_currency (m->tax_cents);

          /* Translators: on the day report, the tax in a payment method's net (the amount follows) */
          add_pair (self, _("Of which tax"), FONT_SMALL, tax, FONT_SMALL, INDENT_PT);
        }
      if (m->returns > 0)
        {
          g_autofree char *returns = stk_format_count (m->returns);
          g_autofree char *amount = currency_minus (m->returns_cents);
          /* Translators: on the day report, how many returns were refunded (the amount follows) */
          g_autofree char *text = g_strdup_printf (ngettext ("%s return refunded",
                                                             "%s returns refunded",
                                                             (gulong) CLAMP (m->returns, 0, G_MAXLONG)),
                                                   returns);

          add_pair (self, text, FONT_SMALL, amount, FONT_SMALL, INDENT_PT);
        }
    }
  add_rule (self);

  /* The totals. */
  {
    g_autofree char *sales = stk_format_currency (report->sales_cents);
    g_autofree char *voids = currency_minus (report->voids_cents);
    g_autofree char *refunded = currency_minus (report->returns_cents);
    g_autofree char *net = stk_format_currency (report->net_cents);

    /* Translators: on the day report, the sum of the sales (the amount follows) */
    add_pair (self, _("Sales"), FONT_BODY, sales, FONT_BODY, 0);
    /* Translators: on the day report, the sum of the voided sales (the amount follows) */
    add_pair (self, _("Voids"), FONT_BODY, voids, FONT_BODY, 0);
    add_pair (self, _("Refunded"), FONT_BODY, refunded, FONT_BODY, 0);
    add_pair (self, _("Net"), FONT_TOTAL, net, FONT_TOTAL, 0);
  }
  add_tax_parts (self, report->taxes);
  add_rule (self);

  /* The drawer. */
  {
    g_autofree char *expected = stk_format_currency (report->expected_cash_cents);

    /* Translators: on the day report, the cash the drawer should hold (the amount follows) */
    add_pair (self, _("Cash expected"), FONT_BODY, expected, FONT_BODY, 0);
  }
  if (report->counted)
    {
      g_autofree char *counted = stk_format_currency (report->counted_cash_cents);
      g_autofree char *difference = stk_day_report_format_difference (report->difference_cents);

      /* Translators: on the day report, the cash found in the drawer (the amount follows) */
      add_pair (self, _("Cash counted"), FONT_BODY, counted, FONT_BODY, 0);
      /* Translators: on the day report, counted less expected (the amount follows) */
      add_pair (self, _("Difference"), FONT_TOTAL, difference, FONT_TOTAL, 0);
    }
  if (report->note != NULL && report->note[0] != '\0')
    {
      /* Translators: on the day report; %s is the note given at the close */
      g_autofree char *text = g_strdup_printf (_("Note: %s"), report->note);

      add_space (self, 4);
      add_text (self, text, FONT_BODY, PANGO_ALIGN_LEFT, 0);
    }
  return self;
}

/* What a sheet shows: a sale's receipt or a day report. */
typedef struct
{
  const StkSaleDetail *sale;
  const StkDayReport  *report;
} Subject;

static Receipt *
subject_lay_out (const Subject *subject,
                 const char    *shop_name,
                 const char    *shop_address,
                 PangoContext  *context,
                 double         width)
{
  if (subject->report != NULL)
    return day_sheet_new (subject->report, shop_name, shop_address, context, width);
  return receipt_new (subject->sale, shop_name, shop_address, context, width);
}

/* Draws the rows that start in [@from, @to) with the row at @from at the top. */
static void
receipt_draw_range (Receipt *self,
                    cairo_t *cr,
                    double   from,
                    double   to)
{
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint i = 0; i < self->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (self->rows, i);
      double y = row->y - from;

      if (row->y < from || row->y >= to)
        continue;
      switch (row->kind)
        {
        case ROW_SPACE:
          break;
        case ROW_RULE:
          {
            static const double dash[] = { 2.0, 2.0 };

            cairo_save (cr);
            cairo_set_line_width (cr, 0.6);
            cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
            cairo_move_to (cr, 0, y + row->height / 2.0);
            cairo_line_to (cr, self->width, y + row->height / 2.0);
            cairo_stroke (cr);
            cairo_restore (cr);
          }
          break;
        case ROW_BANNER:
          cairo_save (cr);
          cairo_set_line_width (cr, 1.5);
          cairo_rectangle (cr, 0.75, y + 0.75, self->width - 1.5, row->height - 1.5);
          cairo_stroke (cr);
          cairo_restore (cr);
          cairo_move_to (cr, BANNER_PAD, y + BANNER_PAD);
          pango_cairo_show_layout (cr, row->left);
          break;
        case ROW_TEXT:
          if (row->left != NULL)
            {
              cairo_move_to (cr, row->indent, y);
              pango_cairo_show_layout (cr, row->left);
            }
          if (row->right != NULL)
            {
              cairo_move_to (cr, self->width - layout_width (row->right), y);
              pango_cairo_show_layout (cr, row->right);
            }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  cairo_restore (cr);
}

/* A context of its own, in points (72 units an inch), not tied to any surface. */
static PangoContext *
new_point_context (void)
{
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());

  pango_cairo_context_set_resolution (context, 72.0);
  setup_context (context);
  return context;
}

static Receipt *
receipt_new_in_points (const Subject *subject,
                       const char    *shop_name,
                       const char    *shop_address,
                       double         width)
{
  PangoContext *context = new_point_context ();
  Receipt *receipt = subject_lay_out (subject, shop_name, shop_address, context, width);

  g_object_unref (context);
  return receipt;
}

double
stk_receipt_draw (const StkSaleDetail *sale,
                  const char          *shop_name,
                  const char          *shop_address,
                  cairo_t             *cr,
                  double               width_pt)
{
  const Subject subject = { sale, NULL };
  g_autoptr(Receipt) receipt = NULL;

  g_return_val_if_fail (sale != NULL, 0.0);
  g_return_val_if_fail (cr != NULL, 0.0);
  g_return_val_if_fail (width_pt > 0, 0.0);

  receipt = receipt_new_in_points (&subject, shop_name, shop_address, width_pt);
  receipt_draw_range (receipt, cr, 0, G_MAXDOUBLE);
  return receipt->height;
}

double
stk_day_report_draw (const StkDayReport *report,
                     const char         *shop_name,
                     const char         *shop_address,
                     cairo_t            *cr,
                     double              width_pt)
{
  const Subject subject = { NULL, report };
  g_autoptr(Receipt) receipt = NULL;

  g_return_val_if_fail (report != NULL, 0.0);
  g_return_val_if_fail (cr != NULL, 0.0);
  g_return_val_if_fail (width_pt > 0, 0.0);

  receipt = receipt_new_in_points (&subject, shop_name, shop_address, width_pt);
  receipt_draw_range (receipt, cr, 0, G_MAXDOUBLE);
  return receipt->height;
}

static GStrv
subject_get_rows (const Subject *subject,
                  const char    *shop_name,
                  const char    *shop_address,
                  double         width_pt)
{
  g_autoptr(Receipt) receipt = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  receipt = receipt_new_in_points (subject, shop_name, shop_address, width_pt);
  for (guint i = 0; i < receipt->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (receipt->rows, i);

      if (row->kind == ROW_SPACE)
        continue;
      if (row->kind == ROW_RULE)
        g_strv_builder_add (builder, "---");
      else if (row->right != NULL)
        {
          g_autofree char *text = g_strdup_printf ("%s\t%s", pango_layout_get_text (row->left),
                                                   pango_layout_get_text (row->right));

          g_strv_builder_add (builder, text);
        }
      else
        g_strv_builder_add (builder, pango_layout_get_text (row->left));
    }
  return g_strv_builder_end (builder);
}

GStrv
stk_receipt_get_rows (const StkSaleDetail *sale,
                      const char          *shop_name,
                      const char          *shop_address,
                      double               width_pt)
{
  const Subject subject = { sale, NULL };

  g_return_val_if_fail (sale != NULL, NULL);

  return subject_get_rows (&subject, shop_name, shop_address, width_pt);
}

GStrv
stk_day_report_get_rows (const StkDayReport *report,
                         const char         *shop_name,
                         const char         *shop_address,
                         double              width_pt)
{
  const Subject subject = { NULL, report };

  g_return_val_if_fail (report != NULL, NULL);

  return subject_get_rows (&subject, shop_name, shop_address, width_pt);
}

/* ---- PDF ---- */

typedef struct
{
  int fd;
  int errsv;
} PdfSink;

static cairo_status_t
pdf_write (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  PdfSink *sink = closure;

  while (length > 0)
    {
      ssize_t n = write (sink->fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          sink->errsv = n < 0 ? errno : EIO;
          return CAIRO_STATUS_WRITE_ERROR;
        }
      data += n;
      length -= (unsigned int) n;
    }
  return CAIRO_STATUS_SUCCESS;
}

/* The title a sheet's PDF and print job carry: "Sale 41", "Day Report 3". */
static char *
subject_title (const Subject *subject)
{
  if (subject->report != NULL)
    {
      g_autofree char *number = NULL;

      if (subject->report->close_id == 0)
        return g_strdup (_("Day Report"));
      number = close_number (subject->report->close_id);
      /* Translators: the title of a day report's PDF; %s is the close's number */
      return g_strdup_printf (_("Day Report %s"), number);
    }
  {
    g_autofree char *number = sale_number (subject->sale->sale_id);

    return g_strdup_printf (_("Sale %s"), number);
  }
}

/* The file name "Print to File" proposes, without ".pdf": "Sale-41", "Day-Report-3". */
static char *
subject_basename (const Subject *subject)
{
  if (subject->report != NULL)
    return subject->report->close_id != 0
             ? g_strdup_printf ("Day-Report-%" G_GINT64_FORMAT, subject->report->close_id)
             : g_strdup ("Day-Report");
  return g_strdup_printf ("Sale-%" G_GINT64_FORMAT, subject->sale->sale_id);
}

static gboolean
subject_write_pdf (const Subject  *subject,
                   const char     *shop_name,
                   const char     *shop_address,
                   const char     *path,
                   GError        **error)
{
  g_autoptr(StkOutput) output = NULL;
  g_autoptr(Receipt) receipt = NULL;
  g_autofree char *title = NULL;
  PdfSink sink = { -1, 0 };
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  if (!(output = stk_output_open (path, NULL, STK_OUTPUT_REPLACE, 0644, error)))
    return FALSE;
  sink.fd = stk_output_get_fd (output);

  receipt = receipt_new_in_points (subject, shop_name, shop_address, STK_RECEIPT_TEXT_WIDTH_PT);

  surface = cairo_pdf_surface_create_for_stream (pdf_write, &sink, STK_RECEIPT_ROLL_WIDTH_PT,
                                                 receipt->height + 2 * ROLL_MARGIN_Y);
  title = subject_title (subject);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Stocktake");
  cr = cairo_create (surface);
  cairo_translate (cr, ROLL_MARGIN_X, ROLL_MARGIN_Y);
  receipt_draw_range (receipt, cr, 0, G_MAXDOUBLE);
  cairo_show_page (cr);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *dir = g_path_get_dirname (stk_output_get_path (output));

      if (sink.errsv != 0)
        stk_output_set_errno_error (error, sink.errsv, path, dir);
      else
        {
          g_autofree char *name = g_filename_display_name (path);

          /* Translators: the first %s is a file name, the second what went wrong */
          g_set_error (error, STK_ERROR, STK_ERROR_IO, _("Cannot write “%s”: %s."), name,
                       cairo_status_to_string (status));
        }
      return FALSE;
    }
  return stk_output_commit (output, error);
}

gboolean
stk_receipt_write_pdf (const StkSaleDetail  *sale,
                       const char           *shop_name,
                       const char           *shop_address,
                       const char           *path,
                       GError              **error)
{
  const Subject subject = { sale, NULL };

  g_return_val_if_fail (sale != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return subject_write_pdf (&subject, shop_name, shop_address, path, error);
}

gboolean
stk_day_report_write_pdf (const StkDayReport  *report,
                          const char          *shop_name,
                          const char          *shop_address,
                          const char          *path,
                          GError             **error)
{
  const Subject subject = { NULL, report };

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return subject_write_pdf (&subject, shop_name, shop_address, path, error);
}

/* ---- printing ---- */

typedef struct
{
  StkSaleDetail *sale;        /* one of the two */
  StkDayReport  *report;
  char          *shop_name;
  char          *shop_address;
  Receipt       *receipt;
  GArray        *breaks;      /* double: where each page starts, in receipt units */
  double         scale;
  double         x;
  double         page_height; /* in receipt units */
} PrintJob;

static void
print_job_free (PrintJob *job)
{
  g_clear_pointer (&job->sale, stk_sale_detail_free);
  g_clear_pointer (&job->report, stk_day_report_free);
  g_free (job->shop_name);
  g_free (job->shop_address);
  g_clear_pointer (&job->receipt, receipt_free);
  g_clear_pointer (&job->breaks, g_array_unref);
  g_free (job);
}

/* Lays the job out on a sheet @page_width × @page_height (points) with @pango: a roll
 * gets the whole width; a sheet a receipt-wide column, centred and a little larger. The
 * pages each start at a row: a row is never cut in two (one taller than a page gets a
 * page of its own). Returns how many pages. */
static int
print_job_lay_out (PrintJob     *job,
                   PangoContext *pango,
                   double        page_width,
                   double        page_height)
{
  const Subject subject = { job->sale, job->report };
  double width;
  double start = 0;

  if (page_width > PRINT_COLUMN_MAX_PT * PRINT_SCALE)
    {
      job->scale = PRINT_SCALE;
      width = PRINT_COLUMN_MAX_PT;
    }
  else
    {
      job->scale = 1.0;
      width = page_width;
    }
  job->x = (page_width - width * job->scale) / 2.0;
  job->page_height = page_height / job->scale;

  g_clear_pointer (&job->receipt, receipt_free);
  job->receipt = subject_lay_out (&subject, job->shop_name, job->shop_address, pango, width);

  g_array_set_size (job->breaks, 0);
  g_array_append_val (job->breaks, start);
  for (guint i = 0; i < job->receipt->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (job->receipt->rows, i);

      if (row->y + row->height - start > job->page_height && row->y > start)
        {
          /* A page does not open with the space between two blocks. */
          start = row->kind == ROW_SPACE ? row->y + row->height : row->y;
          g_array_append_val (job->breaks, start);
        }
    }
  return (int) job->breaks->len;
}

static void
print_job_draw_page (PrintJob *job,
                     cairo_t  *cr,
                     int       page_nr)
{
  double from;
  double to;

  if (job->receipt == NULL || page_nr < 0 || (guint) page_nr >= job->breaks->len)
    return;
  from = g_array_index (job->breaks, double, page_nr);
  to = (guint) page_nr + 1 < job->breaks->len ? g_array_index (job->breaks, double, page_nr + 1)
                                              : G_MAXDOUBLE;
  cairo_save (cr);
  cairo_translate (cr, job->x, 0);
  cairo_scale (cr, job->scale, job->scale);
  receipt_draw_range (job->receipt, cr, from, to);
  cairo_restore (cr);
}

static PrintJob *
print_job_new (const Subject *subject,
               const char    *shop_name,
               const char    *shop_address)
{
  PrintJob *job = g_new0 (PrintJob, 1);

  if (subject->report != NULL)
    job->report = stk_day_report_copy (subject->report);
  else
    job->sale = stk_sale_detail_copy (subject->sale);
  job->shop_name = g_strdup (shop_name);
  job->shop_address = g_strdup (shop_address);
  job->breaks = g_array_new (FALSE, FALSE, sizeof (double));
  return job;
}

int
stk_receipt_draw_sheet (const StkSaleDetail *sale,
                        const char          *shop_name,
                        const char          *shop_address,
                        cairo_t             *cr,
                        double               page_width,
                        double               page_height,
                        int                  page_nr)
{
  const Subject subject = { sale, NULL };
  PrintJob *job;
  PangoContext *context;
  int n_pages;

  g_return_val_if_fail (sale != NULL, 0);
  g_return_val_if_fail (cr != NULL, 0);

  job = print_job_new (&subject, shop_name, shop_address);
  context = new_point_context ();
  n_pages = print_job_lay_out (job, context, page_width, page_height);
  g_object_unref (context);
  print_job_draw_page (job, cr, page_nr);
  print_job_free (job);
  return n_pages;
}

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                gpointer           user_data)
{
  PrintJob *job = user_data;
  PangoContext *pango = gtk_print_context_create_pango_context (context);
  int n_pages;

  setup_context (pango);
  n_pages = print_job_lay_out (job, pango, gtk_print_context_get_width (context),
                               gtk_print_context_get_height (context));
  g_object_unref (pango);
  gtk_print_operation_set_n_pages (operation, n_pages);
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              gpointer           user_data)
{
  print_job_draw_page (user_data, gtk_print_context_get_cairo_context (context), page_nr);
}

static GtkPrintOperation *
subject_print_operation_new (const Subject *subject,
                             const char    *shop_name,
                             const char    *shop_address)
{
  GtkPrintOperation *operation;
  g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new ();
  g_autofree char *basename = subject_basename (subject);
  g_autofree char *filename = g_strconcat (basename, ".pdf", NULL);
  g_autofree char *job_name = subject_title (subject);
  PrintJob *job = print_job_new (subject, shop_name, shop_address);

  /* The file name "Print to File" proposes (the dialog adds ".pdf"). */
  gtk_print_settings_set (settings, GTK_PRINT_SETTINGS_OUTPUT_BASENAME, basename);

  operation = gtk_print_operation_new ();
  gtk_print_operation_set_print_settings (operation, settings);
  gtk_print_operation_set_job_name (operation, job_name);
  gtk_print_operation_set_export_filename (operation, filename);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), job);
  g_object_set_data_full (G_OBJECT (operation), "stk-receipt-job", job,
                          (GDestroyNotify) print_job_free);
  return operation;
}

GtkPrintOperation *
stk_receipt_print_operation_new (const StkSaleDetail *sale,
                                 const char          *shop_name,
                                 const char          *shop_address)
{
  const Subject subject = { sale, NULL };

  g_return_val_if_fail (sale != NULL, NULL);

  return subject_print_operation_new (&subject, shop_name, shop_address);
}

GtkPrintOperation *
stk_day_report_print_operation_new (const StkDayReport *report,
                                    const char         *shop_name,
                                    const char         *shop_address)
{
  const Subject subject = { NULL, report };

  g_return_val_if_fail (report != NULL, NULL);

  return subject_print_operation_new (&subject, shop_name, shop_address);
}

static gboolean
run_print_dialog (GtkWindow          *parent,
                  GtkPrintOperation  *operation,
                  GError            **error)
{
  GtkPrintOperationResult result;

  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent,
                                    error);
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}

gboolean
stk_receipt_print (GtkWindow            *parent,
                   const StkSaleDetail  *sale,
                   const char           *shop_name,
                   const char           *shop_address,
                   GError              **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), FALSE);
  g_return_val_if_fail (sale != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  operation = stk_receipt_print_operation_new (sale, shop_name, shop_address);
  return run_print_dialog (parent, operation, error);
}

gboolean
stk_day_report_print (GtkWindow           *parent,
                      const StkDayReport  *report,
                      const char          *shop_name,
                      const char          *shop_address,
                      GError             **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), FALSE);
  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  operation = stk_day_report_print_operation_new (report, shop_name, shop_address);
  return run_print_dialog (parent, operation, error);
}

typedef struct
{
  StkPdfChosenFunc  chosen;
  GObject          *owner;
} PdfChooser;

static void
pdf_chooser_response_cb (GtkNativeDialog *chooser,
                         int              response,
                         gpointer         user_data)
{
  PdfChooser *pc = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (file != NULL)
        pc->chosen (pc->owner, file, path);
    }
  g_object_unref (pc->owner);
  g_free (pc);
  g_object_unref (chooser);
}

void
stk_pdf_chooser_show (GtkWindow        *parent,
                      const char       *title,
                      const char       *file_name,
                      StkPdfChosenFunc  chosen,
                      GObject          *owner)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;
  PdfChooser *pc;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (title != NULL && file_name != NULL && chosen != NULL);
  g_return_if_fail (G_IS_OBJECT (owner));

  chooser = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file_name);
  pc = g_new0 (PdfChooser, 1);
  pc->chosen = chosen;
  pc->owner = g_object_ref (owner);
  g_signal_connect (chooser, "response", G_CALLBACK (pdf_chooser_response_cb), pc);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
