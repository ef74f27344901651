/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "stk-barcode.h"
#include "stk-op.h"
#include "stk-tax.h"

G_BEGIN_DECLS

/* The inventory's mutations. Each returns a new StkOp to submit to a StkWriter.
 * Arguments are validated when the op is applied, so a bad one fails with a
 * clear STK_ERROR_INVALID_DATA or STK_ERROR_CONSTRAINT message. */

typedef enum
{
  STK_MOVEMENT_RECEIVE,    /* goods in: quantity > 0 */
  STK_MOVEMENT_SALE,       /* created by a sale only */
  STK_MOVEMENT_ADJUSTMENT, /* signed correction, quantity != 0 */
  STK_MOVEMENT_COUNT,      /* a stock count: quantity is the counted on-hand (>= 0) */
} StkMovementKind;

const char *stk_movement_kind_to_string   (StkMovementKind  kind);
gboolean    stk_movement_kind_from_string (const char      *str,
                                           StkMovementKind *out_kind);

#define STK_CODE_MAX_LENGTH 64
#define STK_DESCRIPTION_MAX_LENGTH 1000

StkOp *stk_op_create_item     (const char      *code,
                               const char      *description,
                               gint64           unit_price_cents,
                               gint64           reorder_level);
StkOp *stk_op_update_item     (gint64           item_id,
                               const char      *code,
                               const char      *description,
                               gint64           unit_price_cents,
                               gint64           reorder_level);
StkOp *stk_op_set_archived    (gint64           item_id,
                               gboolean         archived);
StkOp *stk_op_record_movement (const char      *code,
                               StkMovementKind  kind,
                               gint64           quantity,
                               const char      *reason,
                               gint64           moved_at_us);
/* Cost (stk-cost.h, format 10). A receipt of @quantity (> 0) of @code at
 * @unit_cost_cents each (>= 0; a negative cost is refused with STK_ERROR_INVALID_DATA
 * when applied): the item's average cost moves by it. stk_op_record_movement() of a
 * receipt takes the item's default cost (none when it has none). received_at_us <= 0
 * is now. A cost that makes the average overflow is refused, nothing changed. */
StkOp *stk_op_receive         (const char      *code,
                               gint64           quantity,
                               gint64           unit_cost_cents,
                               const char      *reason,
                               gint64           received_at_us);
/* Item @item_id's default cost: the cost of a receipt recorded without one (>= 0; 0: none,
 * such a receipt's cost is unknown). */
StkOp *stk_op_set_item_cost   (gint64           item_id,
                               gint64           default_cost_cents);
/* unit_price_cents < 0 takes the item's current price; sold_at_us <= 0 is now. */
StkOp *stk_op_record_sale     (const char      *code,
                               gint64           quantity,
                               gint64           unit_price_cents,
                               gint64           sold_at_us);
/* Undo building blocks. Voiding a sale puts its stock back with an adjustment
 * ("Sale voided") and leaves it out of reports: STK_ERROR_NOT_FOUND when there is no
 * such sale, STK_ERROR_CONSTRAINT when it was voided already; the row id is the sale
 * id. Deleting an item is the undo of creating it: only an item with no stock
 * movements and no sales can go (else STK_ERROR_CONSTRAINT; archive it instead). */
StkOp *stk_op_void_sale       (gint64           sale_id);
/* As stk_op_void_sale(), with the reason kept beside the void (at most 1000 characters). */
StkOp *stk_op_void_sale_with_reason (gint64       sale_id,
                                     const char  *reason);
StkOp *stk_op_delete_item     (gint64           item_id);

/* ---- sales of several lines, returns, barcodes ---- */

/* One line of a sale to record. @code is an item's code or one of its barcodes (a
 * barcode's pack multiplies @quantity: a case of 12 scanned twice sells 24);
 * @unit_price_cents < 0 takes the item's price; @discount_cents comes off the line. */
typedef struct
{
  const char *code;
  gint64      quantity;
  gint64      unit_price_cents;
  gint64      discount_cents;
} StkSaleLineSpec;

/* Records one sale of @n_lines lines (1 to STK_SALE_MAX_LINES), all or none: a line
 * that fails (unknown code, not enough stock, a bad quantity) fails the sale, and the
 * error starts with the line's number. The op's id is the sale's exactly-once id; its
 * row id is the sale's id (its first line's). @payment and @note may be NULL;
 * sold_at_us <= 0 is now. */
#define STK_SALE_MAX_LINES 1000
StkOp *stk_op_sell            (const StkSaleLineSpec *lines,
                               guint                  n_lines,
                               const char            *payment,
                               const char            *note,
                               gint64                 sold_at_us);

/* Takes back @quantity of sale line @line_id: the stock comes back, the refund counts as
 * negative revenue. @refund_cents < 0 refunds what that quantity was paid (the line's
 * total × quantity ÷ the line's quantity, in whole cents; the last return of a line
 * refunds the rest exactly). STK_ERROR_NOT_FOUND for no such line, STK_ERROR_CONSTRAINT
 * for more than was sold (over all the line's returns) or a voided sale. The row id is
 * the return's id. returned_at_us <= 0 is now. */
StkOp *stk_op_return_sale_line (gint64      line_id,
                                gint64      quantity,
                                gint64      refund_cents,
                                const char *reason,
                                gint64      returned_at_us);

/* Gives the item @code @barcode (scanning it counts @pack units, 1 to 100000). A
 * barcode belongs to one item: STK_ERROR_CONSTRAINT, naming the item, when another item
 * has it; STK_ERROR_INVALID_DATA for a GS1 number with a wrong check digit. */
StkOp *stk_op_add_barcode     (const char *code,
                               const char *barcode,
                               guint       pack);
/* Replaces every barcode of item @item_id with @barcodes (n_barcodes may be 0). */
StkOp *stk_op_set_barcodes    (gint64            item_id,
                               const StkBarcode *barcodes,
                               guint             n_barcodes);

/* ---- the shop's rules, kept in the inventory (every computer on it follows them) ---- */

/* How receipt numbers run: one sequence for ever, or a new one each year (local time),
 * printed "2026/17". Changing it starts the new way with the next sale; numbers given
 * are never changed. */
typedef enum
{
  STK_RECEIPT_SERIES_CONTINUOUS,
  STK_RECEIPT_SERIES_YEARLY,
} StkReceiptSeries;

StkOp *stk_op_set_receipt_series      (StkReceiptSeries series);
/* Whether stock on hand may go below zero (a sale of more than is counted). */
StkOp *stk_op_set_allow_negative_stock (gboolean        allow);

/* The ways the shop is paid, in the order the till offers them (stk-day.h); @methods
 * must pass stk_payment_methods_check(). */
StkOp *stk_op_set_payment_methods     (const char *const *methods);

/* Closes the day (stk-day.h): records, exactly once, the figures by payment method since
 * the close before and @counted_cash_cents (>= 0), the cash counted in the drawer, with
 * @note (may be NULL). Its row id (stk_op_get_row_id()) is the close's id. */
/* Tax (stk-tax.h, format 9). A rate is saved under @id (0: a new one, its id the op's
 * row id) with @name (stk_tax_name_check(), no other rate of that name ignoring case)
 * and @rate_bp (0 to 10000, 2200 for 22 %); changing a rate changes what items sell at
 * from now on, never a past sale. A rate that items or the shop's default use cannot be
 * removed (STK_ERROR_CONSTRAINT, saying how many use it). */
StkOp *stk_op_save_tax_rate           (gint64             id,
                                       const char        *name,
                                       gint64             rate_bp);
StkOp *stk_op_remove_tax_rate         (gint64             id);
/* The rate items without one of their own sell at: 0 for none. */
StkOp *stk_op_set_default_tax_rate    (gint64             id);
/* Whether prices the shop enters include tax (the default) or have it added. */
StkOp *stk_op_set_prices_include_tax  (gboolean           included);
StkOp *stk_op_set_tax_rounding        (StkTaxRounding     rounding);
/* Item @item_id's own rate: @rate_id, or 0 to follow the shop's default. */
StkOp *stk_op_set_item_tax_rate       (gint64             item_id,
                                       gint64             rate_id);
StkOp *stk_op_close_day               (gint64             counted_cash_cents,
                                       const char        *note);

gboolean stk_ops_validate_code (const char      *code,
                                GError         **error);

G_END_DECLS

#ifdef STK_DATA_INTERNAL
#include "stk-ops-private.h"
#endif
