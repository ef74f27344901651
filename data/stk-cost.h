/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Cost and margin (schema format 10).
 *
 * Every amount is in whole cents. A receipt carries a unit cost (>= 0); an item has a
 * default cost (for a receipt entered without one) and keeps its average cost, the
 * perpetual weighted average of what its stock cost:
 *
 *   a receipt of q at cost c onto on-hand n at average a:
 *     new average = (n × a + q × c) ÷ (n + q), rounded half up, when n > 0 and a > 0;
 *     new average = c otherwise (no stock, stock below zero, or an unknown average).
 *
 * An average (or a default, or a line's cost) of 0 means "unknown": an inventory from
 * before costs has every item at 0, and the first receipt with a cost sets the average.
 * A receipt without a cost when the item has no default cost records no cost and
 * leaves the average as it is. Sales, adjustments and counts move stock at the current
 * average and leave it as it is; a sale line records its cost of goods when sold,
 * quantity × the average then, so later receipts never change a past margin. A return
 * and a void put their stock back at the cost its line was sold at (a receipt at that
 * unit cost), and a return takes that cost back from the cost of goods sold; a line sold
 * at an unknown cost comes back at the current average.
 *
 * The arithmetic is exact in 128 bits; a result that does not fit in 64 bits is
 * refused with one sentence (STK_ERROR_INVALID_DATA), never wrapped. */

/* The average after a receipt of @quantity (> 0) at @unit_cost_cents (>= 0) onto
 * @on_hand at @average_cents, as above. */
gboolean stk_cost_average   (gint64       on_hand,
                             gint64       average_cents,
                             gint64       quantity,
                             gint64       unit_cost_cents,
                             gint64      *out_average_cents,
                             GError     **error);
/* @quantity × @unit_cost_cents, refused when it does not fit. */
gboolean stk_cost_multiply  (gint64       quantity,
                             gint64       unit_cost_cents,
                             gint64      *out_cents,
                             GError     **error);
/* The margin @margin_cents as a share of @revenue_cents in basis points (hundredths of
 * a percent), rounded half away from zero; 0 when revenue is 0. */
gint64   stk_cost_margin_bp (gint64       margin_cents,
                             gint64       revenue_cents);
/* "25.5 %" in the locale's decimal mark (-12.34 % below zero). */
char    *stk_cost_margin_format (gint64   margin_bp);

/* The stock's value (stk_store_valuation()): every item with stock on hand, at its
 * average cost and at its selling price. Items with stock and an unknown average (0)
 * are counted in unknown_items; their value at cost is 0. */
typedef struct
{
  gint64  item_id;
  char   *code;
  char   *description;
  gint64  on_hand;
  gint64  default_cost_cents;
  gint64  average_cost_cents;
  gint64  unit_price_cents;
  gint64  value_at_cost_cents;  /* on_hand × average */
  gint64  value_at_price_cents; /* on_hand × price */
} StkValuationItem;

typedef struct
{
  GPtrArray *items;              /* StkValuationItem*, by code */
  gint64     units;
  gint64     value_at_cost_cents;
  gint64     value_at_price_cents;
  gint64     unknown_items;
} StkValuation;

void stk_valuation_free (StkValuation *valuation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkValuation, stk_valuation_free)

/* The margin of a period [from, to) (stk_store_margin_report()), per item and in total.
 * Lines sold in the period and not voided count with their revenue net of tax (what the
 * customer paid less the tax in it) and their cost of goods; returns made in the period
 * take back their refund net of tax and their cost. A line sold at an unknown cost (0)
 * and its returns count in revenue but not in the margin: they are counted in
 * unknown_lines and left out of costed_revenue, cost and margin. */
typedef struct
{
  gint64  item_id;
  char   *code;
  char   *description;
  gint64  quantity;              /* sold less returned */
  gint64  revenue_cents;         /* net of tax, every line */
  gint64  costed_revenue_cents;  /* net of tax, the lines with a known cost */
  gint64  cost_cents;            /* cost of goods sold less returned */
  gint64  margin_cents;          /* costed revenue − cost */
  gint64  margin_bp;
  gint64  unknown_lines;
} StkMarginRow;

typedef struct
{
  gint64        from_us;
  gint64        to_us;
  GPtrArray    *items;           /* StkMarginRow*, by code */
  StkMarginRow  total;           /* code and description NULL */
} StkMarginReport;

void stk_margin_row_free    (StkMarginRow    *row);
void stk_margin_report_free (StkMarginReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkMarginReport, stk_margin_report_free)

/* Adds @row's figures to @total (its margin_bp recomputed); FALSE with
 * STK_ERROR_INVALID_DATA when a sum does not fit. */
gboolean stk_margin_row_add (StkMarginRow        *total,
                             const StkMarginRow  *row,
                             GError             **error);

G_END_DECLS
