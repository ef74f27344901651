/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "stk-tax.h"

G_BEGIN_DECLS

/* One sale as a customer sees it: its lines, their returns, and the totals. A sale's id
 * is the id of its first line (so the numbers of sales made before sales had several
 * lines did not change); every line has an id of its own, which returns refer to.
 * Amounts are integer cents. Filled by stk_store_read_sale() and its async form; read
 * by the Sales view and by the receipt (print and PDF). */

typedef struct
{
  gint64  line_id;
  char   *code;
  char   *description;
  gint64  quantity;
  gint64  unit_price_cents;
  gint64  discount_cents;     /* off the line, not per unit */
  gint64  total_cents;        /* what the customer paid for the line: quantity × unit
                               * price − discount, and the tax when it was not included */
  gint64  returned_quantity;  /* how many of this line came back, over all its returns */
  gint64  tax_rate_bp;        /* the rate it was sold at (stk-tax.h); -1: no tax */
  char   *tax_name;           /* that rate's name then; NULL or "" with no tax */
  gboolean tax_included;      /* the price included the tax */
  gint64  tax_cents;          /* the tax in total_cents */
} StkSaleLine;

typedef struct
{
  gint64  return_id;
  gint64  line_id;
  char   *code;
  gint64  quantity;
  gint64  refund_cents;
  gint64  returned_at_us;
  char   *reason;
  char   *receipt;            /* its receipt number (stk_receipt_number_format()) */
  gint64  tax_cents;          /* the tax in the refund */
} StkSaleReturn;

typedef struct
{
  gint64     sale_id;
  char      *uid;             /* the sale's exactly-once id */
  char      *receipt;         /* its receipt number (stk_receipt_number_format()); "" in an
                               * inventory older than format 7, read as it is */
  gint64     sold_at_us;
  char      *note;
  char      *payment;         /* "" when not said */
  gboolean   voided;
  char      *void_reason;     /* "" when not voided or no reason given */
  GPtrArray *lines;           /* StkSaleLine, in line order */
  GPtrArray *returns;         /* StkSaleReturn, oldest first */
  gint64     total_cents;     /* sum of the lines' totals */
  gint64     refunded_cents;  /* sum of the returns' refunds */
} StkSaleDetail;

/* A receipt number as shops print it: "123" in the one sequence, "2026/123" in a
 * yearly series. */
char          *stk_receipt_number_format (const char *series,
                                          gint64      number);

StkSaleDetail *stk_sale_detail_new  (void);
StkSaleDetail *stk_sale_detail_copy (const StkSaleDetail *detail);
void           stk_sale_detail_free (StkSaleDetail *detail);
/* The sale's lines by tax rate (StkTaxPart*, stk-tax.h), in the order the rates first
 * appear: each rate's totals and tax, adding up to the sale's total. */
GPtrArray     *stk_sale_detail_tax_parts (const StkSaleDetail *detail);
void           stk_sale_line_free   (StkSaleLine   *line);
void           stk_sale_return_free (StkSaleReturn *ret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkSaleDetail, stk_sale_detail_free)

G_END_DECLS
