/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tax on sale lines (schema format 9).
 *
 * The shop defines its rates once (a name and a rate, e.g. "VAT 22 %" at 22 %); each
 * item has one, or follows the shop's default rate, or none. A rate is kept in basis
 * points: hundredths of a percent, 2200 for 22 %, 550 for 5.5 %, 0 to 10000.
 *
 * The shop enters prices with tax included (the default, usual in European shops) or
 * excluded. A sale line stores, when it is sold, its rate's name and rate, whether its
 * price included the tax, and its tax in cents; changing a rate later never changes a
 * sale. With tax included the line's total is its price × quantity − discount, and the
 * tax is part of it; with tax excluded the tax is added to that. Either way the line's
 * total = its taxable amount + its tax, so the parts of a receipt add up to its total.
 *
 * Rounding is to the nearest cent, half a cent up, either per line (each line's tax
 * rounded) or per receipt (the tax of each rate on the receipt rounded once, then shared
 * among that rate's lines by largest remainder so that each line's tax is within a cent
 * of its exact tax and the lines add up to the receipt's). A return takes back tax in
 * proportion to what it refunds of its line, the last return of a line the rest. */

#define STK_TAX_RATE_MAX_BP        10000
#define STK_TAX_NAME_MAX_CHARS     64
#define STK_TAX_RATES_MAX          50

typedef enum
{
  STK_TAX_ROUND_LINE = 0,
  STK_TAX_ROUND_RECEIPT = 1,
} StkTaxRounding;

/* One rate of the shop's (stk_store_list_tax_rates()). */
typedef struct
{
  gint64  id;
  char   *name;
  gint64  rate_bp;
  gint64  items;     /* items that have this rate as their own */
} StkTaxRate;

void     stk_tax_rate_free      (StkTaxRate *rate);

/* "22 %", "5.5 %", "0 %" in the user's locale's decimal mark. */
char    *stk_tax_rate_format    (gint64       rate_bp);
/* "22", "22 %", "22%", "5.5", "5,5 %" (the locale's or a plain dot) into basis points;
 * at most two decimals, 0 to 100 %. STK_ERROR_INVALID_DATA with one sentence. */
gboolean stk_tax_rate_parse     (const char  *text,
                                 gint64      *out_bp,
                                 GError     **error);
/* Whether @name can name a rate: 1 to STK_TAX_NAME_MAX_CHARS characters, no space at
 * either end, no control character. STK_ERROR_INVALID_DATA with one sentence. */
gboolean stk_tax_name_check     (const char  *name,
                                 GError     **error);

/* The tax in a line of @amount_cents (>= 0: price × quantity − discount) at @rate_bp,
 * rounded half up: with @included, the part of the amount that is tax
 * (amount × rate ÷ (10000 + rate)); without, the tax to add (amount × rate ÷ 10000).
 * Never overflows (128-bit arithmetic). */
gint64   stk_tax_line           (gint64       amount_cents,
                                 gint64       rate_bp,
                                 gboolean     included);

/* The taxes of @n lines sold together: amounts[i] (>= 0) at rates_bp[i] (< 0: no tax)
 * into taxes[i], rounded per line or per receipt (see above). */
void     stk_tax_lines          (const gint64 *amounts_cents,
                                 const gint64 *rates_bp,
                                 guint         n,
                                 gboolean      included,
                                 StkTaxRounding rounding,
                                 gint64       *taxes_cents);

/* The tax a return of @refund_cents takes back from a line whose total was
 * @line_total_cents with @line_tax_cents of tax, after returns that refunded
 * @refunded_cents and took back @returned_tax_cents: proportional, rounded half up, and
 * the rest exactly when this return refunds the rest of the line. */
gint64   stk_tax_return         (gint64       line_total_cents,
                                 gint64       line_tax_cents,
                                 gint64       refunded_cents,
                                 gint64       returned_tax_cents,
                                 gint64       refund_cents);

/* One rate's part of a receipt, a report or a day: totals (tax included) and the tax
 * in them; the taxable amount is total − tax. rate_bp < 0 is "no tax". */
typedef struct
{
  char   *name;
  gint64  rate_bp;
  gint64  total_cents;
  gint64  tax_cents;
} StkTaxPart;

void     stk_tax_part_free      (StkTaxPart *part);
/* Adds @total_cents and @tax_cents to the part of @parts (StkTaxPart*) with @name and
 * @rate_bp, appending one when there is none; parts stay in the order first seen. */
void     stk_tax_parts_add      (GPtrArray   *parts,
                                 const char  *name,
                                 gint64       rate_bp,
                                 gint64       total_cents,
                                 gint64       tax_cents);
/* Whether @parts (StkTaxPart*) name any tax at all (a part with a rate). */
gboolean stk_tax_parts_any      (GPtrArray   *parts);

/* The tax report (stk_store_tax_report()): for a period [from, to), per rate, the
 * taxable amount and the tax.
 *
 * The rule: sales count by the time they were sold. A line sold in the period counts
 * in "sales" with its total (tax included) and its tax; a line of a voided sale sold in
 * the period counts in "sales" and again in "voids" (whenever it was voided), so that
 * voiding takes it off the period it was sold in, not the one it was voided in. A
 * return counts by the time it was made: in the period it was made in, under its
 * line's rate, with what it refunded and the tax it took back. Net = sales − voids −
 * returns; the net taxable amount = net total − net tax. A line is under the name and
 * rate it was sold at (changing a rate later never moves a sale); lines without tax
 * (and every line of an inventory before format 9) are under rate_bp −1, name "".
 * Amounts are integer cents. */
typedef struct
{
  char   *name;                /* as the lines were sold with; "" for no tax */
  gint64  rate_bp;             /* -1: no tax */
  gint64  sales_cents;         /* totals of the lines sold, tax included */
  gint64  sales_tax_cents;     /* the tax in them */
  gint64  voids_cents;         /* of those, voided */
  gint64  voids_tax_cents;
  gint64  returns_cents;       /* refunded by the returns made in the period */
  gint64  returns_tax_cents;   /* the tax they took back */
  gint64  net_cents;           /* sales − voids − returns */
  gint64  net_tax_cents;       /* the tax in net_cents */
  gint64  net_taxable_cents;   /* net_cents − net_tax_cents */
} StkTaxReportRate;

typedef struct
{
  gint64            from_us;   /* the period, [from_us, to_us) */
  gint64            to_us;
  GPtrArray        *rates;     /* StkTaxReportRate*: the biggest rate first, then by
                                * name; "no tax" last */
  StkTaxReportRate  total;     /* the sums over @rates (name "", rate_bp -1) */
} StkTaxReport;

StkTaxReport *stk_tax_report_new       (gint64               from_us,
                                        gint64               to_us);
void          stk_tax_report_free      (StkTaxReport        *report);
/* Appends a rate's sales, voids and returns (its net figures are computed by
 * stk_tax_report_sum()). */
StkTaxReportRate *stk_tax_report_add   (StkTaxReport        *report,
                                        const char          *name,
                                        gint64               rate_bp);
/* Each rate's net figures, and the totals. */
void          stk_tax_report_sum       (StkTaxReport        *report);
/* Whether the period has a line with a tax rate (sold, voided or returned in it). */
gboolean      stk_tax_report_any       (const StkTaxReport  *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkTaxReport, stk_tax_report_free)

G_END_DECLS
