/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Row objects of the lazy table models. Only the rows of loaded pages exist; a row
 * keeps its identity (same object) across reloads while its id stays at its position,
 * and its properties are updated in place (notify), so selection and scroll stay. */

/* Properties: "id" gint64, "code", "description" char*, "on-hand", "unit-price-cents",
 * "reorder-level", "updated-at" (µs) gint64, "archived", "low-stock" gboolean
 * (reorder_level > 0 && on_hand <= reorder_level). */
#define STK_TYPE_ITEM_ROW (stk_item_row_get_type ())
G_DECLARE_FINAL_TYPE (StkItemRow, stk_item_row, STK, ITEM_ROW, GObject)
gint64      stk_item_row_get_id               (StkItemRow *self);
const char *stk_item_row_get_code             (StkItemRow *self);
const char *stk_item_row_get_description      (StkItemRow *self);
gint64      stk_item_row_get_on_hand          (StkItemRow *self);
gint64      stk_item_row_get_unit_price_cents (StkItemRow *self);
gint64      stk_item_row_get_reorder_level    (StkItemRow *self);
gint64      stk_item_row_get_updated_at       (StkItemRow *self);
gboolean    stk_item_row_get_archived         (StkItemRow *self);
gboolean    stk_item_row_get_low_stock        (StkItemRow *self);

typedef enum
{
  STK_SALE_STATUS_NONE,
  STK_SALE_STATUS_PARTLY_RETURNED,
  STK_SALE_STATUS_RETURNED,
  STK_SALE_STATUS_VOIDED,
} StkSaleStatus;

/* One sale (its first line's id, uid, item and price). Properties: "id", "item-id"
 * gint64, "uid", "code", "description" char*, "quantity" (over the lines),
 * "unit-price-cents" (first line), "total-cents" (net of refunds), "sold-at" (µs),
 * "n-more-lines", "returned-quantity" gint64, "voided" gboolean, "item" char* (the
 * first line's description and "and N more"), "status" int (StkSaleStatus). */
#define STK_TYPE_SALE_ROW (stk_sale_row_get_type ())
G_DECLARE_FINAL_TYPE (StkSaleRow, stk_sale_row, STK, SALE_ROW, GObject)
gint64      stk_sale_row_get_id               (StkSaleRow *self);
gint64      stk_sale_row_get_item_id          (StkSaleRow *self);
const char *stk_sale_row_get_code             (StkSaleRow *self);
gint64      stk_sale_row_get_quantity         (StkSaleRow *self);
gint64      stk_sale_row_get_unit_price_cents (StkSaleRow *self);
gint64      stk_sale_row_get_sold_at          (StkSaleRow *self);
gboolean    stk_sale_row_get_voided           (StkSaleRow *self);
const char *stk_sale_row_get_uid              (StkSaleRow *self);
const char *stk_sale_row_get_description      (StkSaleRow *self);
/* Σ lines − refunds; G_MININT64 when it does not fit in 64 bits. */
gint64      stk_sale_row_get_total_cents      (StkSaleRow *self);
gint64      stk_sale_row_get_n_more_lines     (StkSaleRow *self);
gint64      stk_sale_row_get_returned_quantity (StkSaleRow *self);
const char *stk_sale_row_get_item             (StkSaleRow *self);
StkSaleStatus stk_sale_row_get_status         (StkSaleRow *self);

/* Properties: "id", "item-id" gint64, "code", "kind", "reason", "receipt" (of its
 * sale, void or return; "" for none) char*, "quantity", "balance", "moved-at" (µs)
 * gint64. */
#define STK_TYPE_MOVE_ROW (stk_move_row_get_type ())
G_DECLARE_FINAL_TYPE (StkMoveRow, stk_move_row, STK, MOVE_ROW, GObject)
gint64      stk_move_row_get_id               (StkMoveRow *self);
gint64      stk_move_row_get_item_id          (StkMoveRow *self);
const char *stk_move_row_get_code             (StkMoveRow *self);
const char *stk_move_row_get_kind             (StkMoveRow *self);
gint64      stk_move_row_get_quantity         (StkMoveRow *self);
gint64      stk_move_row_get_balance          (StkMoveRow *self);
const char *stk_move_row_get_reason           (StkMoveRow *self);
const char *stk_move_row_get_receipt          (StkMoveRow *self);
gint64      stk_move_row_get_moved_at         (StkMoveRow *self);

G_END_DECLS
