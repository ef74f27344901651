/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-rows.h"
#include "stk-sale.h"
#include "stk-store.h"

G_BEGIN_DECLS

/* StkSaleChild: a row under an expanded sale in the Sales list — one of its lines, one
 * of its returns, the placeholder while they are read, or the error of that read. It
 * belongs to one sale (the actions on it act on that sale) and never changes: a new
 * read of the sale brings new children. */
typedef enum
{
  STK_SALE_CHILD_LOADING,
  STK_SALE_CHILD_ERROR,
  STK_SALE_CHILD_LINE,
  STK_SALE_CHILD_RETURN,
} StkSaleChildKind;

#define STK_TYPE_SALE_CHILD (stk_sale_child_get_type ())
G_DECLARE_FINAL_TYPE (StkSaleChild, stk_sale_child, STK, SALE_CHILD, GObject)

StkSaleChildKind stk_sale_child_get_kind    (StkSaleChild *self);
gint64           stk_sale_child_get_sale_id (StkSaleChild *self);
/* The sale's row object (the one the list shows above this child). */
StkSaleRow      *stk_sale_child_get_sale    (StkSaleChild *self);
gboolean         stk_sale_child_get_voided  (StkSaleChild *self);
/* The text of the Sales list's column showing @property ("id", "sold-at", "code",
 * "item", "quantity", "total-cents", "status") for this child, transfer full. */
char            *stk_sale_child_format      (StkSaleChild *self,
                                             const char   *property);

/* StkExpandModel: the Sales list with the lines and returns of the sales the user
 * expanded, flattened under each (a GListModel of StkSaleRow and StkSaleChild).
 *
 * Sparse: it keeps only the expanded sales (a sorted array of their base positions with
 * their children), so it costs nothing per sale of the base model and reads no base item
 * but the ones it is asked for — the Sales list stays lazy over a million sales. A
 * position maps to (sale, child) by a binary search over the expanded sales. The base
 * model's items-changed is translated (with the children of the sales in the changed
 * range); an expanded sale that is still at its position with the same id keeps its
 * expansion, others are collapsed, and so is a sale whose row object takes another
 * sale's contents in place. A change of an expanded sale (voided, returned) reads its
 * lines again.
 *
 * Properties: "base" GListModel* (construct-only), "store" StkStore* (construct-only,
 * may be NULL: then nothing is read, and stk_expand_model_set_detail() fills a sale in),
 * "cancellable" GCancellable* (the reads'), "n-expanded" guint (read-only).
 * Signal "toggled" (StkSaleRow *sale, gboolean expanded). */
#define STK_TYPE_EXPAND_MODEL (stk_expand_model_get_type ())
G_DECLARE_FINAL_TYPE (StkExpandModel, stk_expand_model, STK, EXPAND_MODEL, GObject)

StkExpandModel *stk_expand_model_new               (GListModel     *base,
                                                    StkStore       *store);
GListModel     *stk_expand_model_get_base          (StkExpandModel *self);
void            stk_expand_model_set_cancellable   (StkExpandModel *self,
                                                    GCancellable   *cancellable);
/* Whether @sale has anything to show under it: more than one line, or returns. */
gboolean        stk_expand_model_can_expand_row    (StkSaleRow     *sale);
/* Expands the sale at @position (a position of this model): inserts a placeholder
 * under it and reads its lines and returns. FALSE when @position is not a sale that
 * can be expanded, or when it is expanded already. */
gboolean        stk_expand_model_expand            (StkExpandModel *self,
                                                    guint           position);
/* Collapses the sale at @position, or the sale of the child at @position. Returns the
 * sale's position (after the collapse), or GTK_INVALID_LIST_POSITION when there was
 * nothing expanded there. */
guint           stk_expand_model_collapse          (StkExpandModel *self,
                                                    guint           position);
void            stk_expand_model_collapse_all      (StkExpandModel *self);
gboolean        stk_expand_model_is_expanded       (StkExpandModel *self,
                                                    gint64          sale_id);
guint           stk_expand_model_get_n_expanded    (StkExpandModel *self);
/* This model's position of the base model's item at @base_position. */
guint           stk_expand_model_position_from_base (StkExpandModel *self,
                                                     guint           base_position);
/* The position of the sale that the item at @position is or belongs to, or
 * GTK_INVALID_LIST_POSITION past the end. */
guint           stk_expand_model_get_sale_position (StkExpandModel *self,
                                                    guint           position);
/* Fills the expanded sale @sale_id with @detail's lines and returns (what the read
 * does); FALSE when that sale is not expanded. */
gboolean        stk_expand_model_set_detail        (StkExpandModel      *self,
                                                    const StkSaleDetail *detail);
/* Shows @error under the expanded sale @sale_id instead of its lines. */
gboolean        stk_expand_model_set_error         (StkExpandModel *self,
                                                    gint64          sale_id,
                                                    const GError   *error);

G_END_DECLS
