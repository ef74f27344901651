/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-op.h"
#include "stk-store.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* StkSellView: the till (issue 17). A scan field that keeps the focus between scans;
 * each Enter queues what was typed and the queue is looked up in order, one at a time,
 * with stk_store_item_by_scan_async() (a barcode first, else an item code), so scans
 * typed faster than the lookups answer all land, in the order scanned. Scanning an item
 * already in the basket adds one more of its pack (a case barcode of 12: 12 more) to
 * that line's quantity; a new item adds a line. Each line: code, description, quantity
 * and unit price (editable), the line's total, the stock on hand, a shortage said on
 * the line (quantity above the stock, unless "allow-negative-stock"), a remove button.
 * The running total in the locale's currency.
 *
 * Complete Sale (action "sell.complete", Ctrl+Enter) submits one stk_op_sell() with
 * the view's writer; on success the basket clears, the focus goes back to the scan
 * field, "saved" is emitted with an undo op (stk_op_void_sale_with_reason (id,
 * "Undone")) and a bar offers Print Receipt for that sale. On failure the error
 * (it names the line) shows under the basket, which is kept.
 *
 * A code that names nothing offers to attach it as a barcode to an item (by code) or to
 * create an item with it (the New Item dialog, its code prefilled); either way the scan
 * is then looked up again and lands in the basket.
 *
 * How the sale is paid: a selector beside Complete Sale offers the shop's payment
 * methods (stk_store_get_shop_settings(), labelled with stk_payment_method_label()),
 * the first chosen; read with the store and again by stk_sell_view_reload_shop_settings()
 * (the window: when the view is shown or refreshed). Complete Sale records the one
 * chosen; after a sale it is the first again. Tab reaches it; a click on it or a choice
 * leaves the focus in the scan field.
 *
 * Without a writer (read-only) the scan field and Complete Sale are off and the reason
 * shows.
 *
 * Signals:
 *  "saved" (const char *text, StkOp *undo_op, gint64 item_id): a change was committed
 *    (a sale, a barcode attached, an item created); the window shows the notice.
 *  "notice" (const char *text): something to tell in the window's notice. */
#define STK_TYPE_SELL_VIEW (stk_sell_view_get_type ())
G_DECLARE_FINAL_TYPE (StkSellView, stk_sell_view, STK, SELL_VIEW, GtkWidget)

GtkWidget  *stk_sell_view_new            (void);
void        stk_sell_view_set_store      (StkSellView *self,
                                          StkStore    *store);
/* NULL: nothing can be written (read-only); @reason says why (may be NULL). */
void        stk_sell_view_set_writer     (StkSellView *self,
                                          StkWriter   *writer,
                                          const char  *reason);
StkWriter  *stk_sell_view_get_writer     (StkSellView *self);
void        stk_sell_view_set_allow_negative_stock (StkSellView *self,
                                                    gboolean     allow);
/* The basket: a GListModel of StkBasketLine. */
GListModel *stk_sell_view_get_lines      (StkSellView *self);
/* TRUE while scans wait for their lookup or the sale is being submitted (tests wait
 * for FALSE); property "busy". */
gboolean    stk_sell_view_get_busy       (StkSellView *self);
/* The basket's total in cents. */
gint64      stk_sell_view_get_total      (StkSellView *self);
/* Gives the scan field the focus. */
void        stk_sell_view_focus_scan     (StkSellView *self);
/* Reads the shop's payment methods and allow-negative-stock again. */
void        stk_sell_view_reload_shop_settings (StkSellView *self);
/* The payment method chosen, as stored ("cash", …), or NULL before the first read. */
const char *stk_sell_view_get_payment    (StkSellView *self);
/* The id of the last sale completed here (0: none yet). */
gint64      stk_sell_view_get_last_sale  (StkSellView *self);

/* One line of the basket. */
#define STK_TYPE_BASKET_LINE (stk_basket_line_get_type ())
G_DECLARE_FINAL_TYPE (StkBasketLine, stk_basket_line, STK, BASKET_LINE, GObject)

const char *stk_basket_line_get_code        (StkBasketLine *self);
const char *stk_basket_line_get_description (StkBasketLine *self);
gint64      stk_basket_line_get_quantity    (StkBasketLine *self);
void        stk_basket_line_set_quantity    (StkBasketLine *self,
                                           gint64       quantity);
gint64      stk_basket_line_get_unit_price  (StkBasketLine *self);
void        stk_basket_line_set_unit_price  (StkBasketLine *self,
                                           gint64       cents);
gint64      stk_basket_line_get_on_hand     (StkBasketLine *self);
/* quantity × unit price (G_MAXINT64 when it does not fit). */
gint64      stk_basket_line_get_total       (StkBasketLine *self);
/* The quantity is more than the stock (and the inventory does not allow negative
 * stock); property "short". */
gboolean    stk_basket_line_get_short       (StkBasketLine *self);

G_END_DECLS
