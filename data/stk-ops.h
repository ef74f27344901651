/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "stk-op.h"

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
StkOp *stk_op_delete_item     (gint64           item_id);

gboolean stk_ops_validate_code (const char      *code,
                                GError         **error);

G_END_DECLS

#ifdef STK_DATA_INTERNAL
#include "stk-ops-private.h"
#endif
