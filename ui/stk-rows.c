/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-rows.h"
#include "stk-rows-private.h"

#include <glib/gi18n.h>

#include "stk-format.h"

/* Row objects of the lazy table models: plain value holders. The model creates them for
 * the rows of loaded pages only and updates them in place (notify per changed property). */

/* ---- StkItemRow ---- */

struct _StkItemRow
{
  GObject parent_instance;

  gint64 id;
  char *code;
  char *description;
  gint64 on_hand;
  gint64 unit_price_cents;
  gint64 reorder_level;
  gint64 updated_at;
  gboolean archived;
  gboolean low_stock;
};

G_DEFINE_FINAL_TYPE (StkItemRow, stk_item_row, G_TYPE_OBJECT)

enum {
  ITEM_ROW_PROP_0,
  ITEM_ROW_PROP_ID,
  ITEM_ROW_PROP_CODE,
  ITEM_ROW_PROP_DESCRIPTION,
  ITEM_ROW_PROP_ON_HAND,
  ITEM_ROW_PROP_UNIT_PRICE_CENTS,
  ITEM_ROW_PROP_REORDER_LEVEL,
  ITEM_ROW_PROP_UPDATED_AT,
  ITEM_ROW_PROP_ARCHIVED,
  ITEM_ROW_PROP_LOW_STOCK,
  ITEM_ROW_N_PROPS
};

static GParamSpec *item_properties[ITEM_ROW_N_PROPS];

static void
stk_item_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  StkItemRow *self = (StkItemRow *) object;

  switch (prop_id)
    {
    case ITEM_ROW_PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case ITEM_ROW_PROP_CODE:
      g_value_set_string (value, self->code);
      break;

    case ITEM_ROW_PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case ITEM_ROW_PROP_ON_HAND:
      g_value_set_int64 (value, self->on_hand);
      break;

    case ITEM_ROW_PROP_UNIT_PRICE_CENTS:
      g_value_set_int64 (value, self->unit_price_cents);
      break;

    case ITEM_ROW_PROP_REORDER_LEVEL:
      g_value_set_int64 (value, self->reorder_level);
      break;

    case ITEM_ROW_PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;

    case ITEM_ROW_PROP_ARCHIVED:
      g_value_set_boolean (value, self->archived);
      break;

    case ITEM_ROW_PROP_LOW_STOCK:
      g_value_set_boolean (value, self->low_stock);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_item_row_finalize (GObject *object)
{
  StkItemRow *self = (StkItemRow *) object;

  g_free (self->code);
  g_free (self->description);

  G_OBJECT_CLASS (stk_item_row_parent_class)->finalize (object);
}

static void
stk_item_row_class_init (StkItemRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = stk_item_row_get_property;
  object_class->finalize = stk_item_row_finalize;

  item_properties[ITEM_ROW_PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_ROW_PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_ROW_PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_ROW_PROP_ON_HAND] =
    g_param_spec_int64 ("on-hand", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_ROW_PROP_UNIT_PRICE_CENTS] =
    g_param_spec_int64 ("unit-price-cents", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_ROW_PROP_REORDER_LEVEL] =
    g_param_spec_int64 ("reorder-level", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_ROW_PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_ROW_PROP_ARCHIVED] =
    g_param_spec_boolean ("archived", NULL, NULL, FALSE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_ROW_PROP_LOW_STOCK] =
    g_param_spec_boolean ("low-stock", NULL, NULL, FALSE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, ITEM_ROW_N_PROPS, item_properties);
}

static void
stk_item_row_init (StkItemRow *self)
{
}

gint64
stk_item_row_get_id (StkItemRow *self)
{
  g_return_val_if_fail (STK_IS_ITEM_ROW (self), 0);

  return self->id;
}

const char *
stk_item_row_get_code (StkItemRow *self)
{
  g_return_val_if_fail (STK_IS_ITEM_ROW (self), NULL);

  return self->code;
}

const char *
stk_item_row_get_description (StkItemRow *self)
{
  g_return_val_if_fail (STK_IS_ITEM_ROW (self), NULL);

  return self->description;
}

gint64
stk_item_row_get_on_hand (StkItemRow *self)
{
  g_return_val_if_fail (STK_IS_ITEM_ROW (self), 0);

  return self->on_hand;
}

gint64
stk_item_row_get_unit_price_cents (StkItemRow *self)
{
  g_return_val_if_fail (STK_IS_ITEM_ROW (self), 0);

  return self->unit_price_cents;
}

gint64
stk_item_row_get_reorder_level (StkItemRow *self)
{
  g_return_val_if_fail (STK_IS_ITEM_ROW (self), 0);

  return self->reorder_level;
}

gint64
stk_item_row_get_updated_at (StkItemRow *self)
{
  g_return_val_if_fail (STK_IS_ITEM_ROW (self), 0);

  return self->updated_at;
}

gboolean
stk_item_row_get_archived (StkItemRow *self)
{
  g_return_val_if_fail (STK_IS_ITEM_ROW (self), 0);

  return self->archived;
}

gboolean
stk_item_row_get_low_stock (StkItemRow *self)
{
  g_return_val_if_fail (STK_IS_ITEM_ROW (self), 0);

  return self->low_stock;
}

/* ---- StkSaleRow ---- */

struct _StkSaleRow
{
  GObject parent_instance;

  gint64 id;
  gint64 item_id;
  char *uid;
  char *code;
  char *description;
  gint64 quantity;
  gint64 unit_price_cents;
  gint64 total_cents;
  gint64 sold_at;
  gboolean voided;
  gint64 n_more_lines;
  gint64 returned_quantity;
  char *item;
  int status;
};

G_DEFINE_FINAL_TYPE (StkSaleRow, stk_sale_row, G_TYPE_OBJECT)

enum {
  SALE_ROW_PROP_0,
  SALE_ROW_PROP_ID,
  SALE_ROW_PROP_ITEM_ID,
  SALE_ROW_PROP_UID,
  SALE_ROW_PROP_CODE,
  SALE_ROW_PROP_DESCRIPTION,
  SALE_ROW_PROP_QUANTITY,
  SALE_ROW_PROP_UNIT_PRICE_CENTS,
  SALE_ROW_PROP_TOTAL_CENTS,
  SALE_ROW_PROP_SOLD_AT,
  SALE_ROW_PROP_VOIDED,
  SALE_ROW_PROP_N_MORE_LINES,
  SALE_ROW_PROP_RETURNED_QUANTITY,
  SALE_ROW_PROP_ITEM,
  SALE_ROW_PROP_STATUS,
  SALE_ROW_N_PROPS
};

static GParamSpec *sale_properties[SALE_ROW_N_PROPS];

static void
stk_sale_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  StkSaleRow *self = (StkSaleRow *) object;

  switch (prop_id)
    {
    case SALE_ROW_PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case SALE_ROW_PROP_ITEM_ID:
      g_value_set_int64 (value, self->item_id);
      break;

    case SALE_ROW_PROP_UID:
      g_value_set_string (value, self->uid);
      break;

    case SALE_ROW_PROP_CODE:
      g_value_set_string (value, self->code);
      break;

    case SALE_ROW_PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case SALE_ROW_PROP_QUANTITY:
      g_value_set_int64 (value, self->quantity);
      break;

    case SALE_ROW_PROP_UNIT_PRICE_CENTS:
      g_value_set_int64 (value, self->unit_price_cents);
      break;

    case SALE_ROW_PROP_TOTAL_CENTS:
      g_value_set_int64 (value, self->total_cents);
      break;

    case SALE_ROW_PROP_SOLD_AT:
      g_value_set_int64 (value, self->sold_at);
      break;

    case SALE_ROW_PROP_VOIDED:
      g_value_set_boolean (value, self->voided);
      break;

    case SALE_ROW_PROP_N_MORE_LINES:
      g_value_set_int64 (value, self->n_more_lines);
      break;

    case SALE_ROW_PROP_RETURNED_QUANTITY:
      g_value_set_int64 (value, self->returned_quantity);
      break;

    case SALE_ROW_PROP_ITEM:
      g_value_set_string (value, self->item);
      break;

    case SALE_ROW_PROP_STATUS:
      g_value_set_int (value, self->status);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_sale_row_finalize (GObject *object)
{
  StkSaleRow *self = (StkSaleRow *) object;

  g_free (self->uid);
  g_free (self->code);
  g_free (self->description);
  g_free (self->item);

  G_OBJECT_CLASS (stk_sale_row_parent_class)->finalize (object);
}

static void
stk_sale_row_class_init (StkSaleRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = stk_sale_row_get_property;
  object_class->finalize = stk_sale_row_finalize;

  sale_properties[SALE_ROW_PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_ITEM_ID] =
    g_param_spec_int64 ("item-id", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_UID] =
    g_param_spec_string ("uid", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_QUANTITY] =
    g_param_spec_int64 ("quantity", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_UNIT_PRICE_CENTS] =
    g_param_spec_int64 ("unit-price-cents", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_TOTAL_CENTS] =
    g_param_spec_int64 ("total-cents", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_SOLD_AT] =
    g_param_spec_int64 ("sold-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_VOIDED] =
    g_param_spec_boolean ("voided", NULL, NULL, FALSE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_N_MORE_LINES] =
    g_param_spec_int64 ("n-more-lines", NULL, NULL, 0, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_RETURNED_QUANTITY] =
    g_param_spec_int64 ("returned-quantity", NULL, NULL, 0, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_ITEM] =
    g_param_spec_string ("item", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  sale_properties[SALE_ROW_PROP_STATUS] =
    g_param_spec_int ("status", NULL, NULL, STK_SALE_STATUS_NONE, STK_SALE_STATUS_VOIDED,
                      STK_SALE_STATUS_NONE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, SALE_ROW_N_PROPS, sale_properties);
}

static void
stk_sale_row_init (StkSaleRow *self)
{
}

gint64
stk_sale_row_get_id (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), 0);

  return self->id;
}

gint64
stk_sale_row_get_item_id (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), 0);

  return self->item_id;
}

const char *
stk_sale_row_get_uid (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), NULL);

  return self->uid;
}

const char *
stk_sale_row_get_code (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), NULL);

  return self->code;
}

const char *
stk_sale_row_get_description (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), NULL);

  return self->description;
}

gint64
stk_sale_row_get_quantity (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), 0);

  return self->quantity;
}

gint64
stk_sale_row_get_unit_price_cents (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), 0);

  return self->unit_price_cents;
}

gint64
stk_sale_row_get_total_cents (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), 0);

  return self->total_cents;
}

gint64
stk_sale_row_get_sold_at (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), 0);

  return self->sold_at;
}

gboolean
stk_sale_row_get_voided (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), 0);

  return self->voided;
}

gint64
stk_sale_row_get_n_more_lines (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), 0);

  return self->n_more_lines;
}

gint64
stk_sale_row_get_returned_quantity (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), 0);

  return self->returned_quantity;
}

const char *
stk_sale_row_get_item (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), NULL);

  return self->item;
}

StkSaleStatus
stk_sale_row_get_status (StkSaleRow *self)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (self), STK_SALE_STATUS_NONE);

  return self->status;
}

/* ---- StkMoveRow ---- */

struct _StkMoveRow
{
  GObject parent_instance;

  gint64 id;
  gint64 item_id;
  char *code;
  char *kind;
  char *reason;
  char *receipt;
  gint64 quantity;
  gint64 balance;
  gint64 moved_at;
};

G_DEFINE_FINAL_TYPE (StkMoveRow, stk_move_row, G_TYPE_OBJECT)

enum {
  MOVE_ROW_PROP_0,
  MOVE_ROW_PROP_ID,
  MOVE_ROW_PROP_ITEM_ID,
  MOVE_ROW_PROP_CODE,
  MOVE_ROW_PROP_KIND,
  MOVE_ROW_PROP_REASON,
  MOVE_ROW_PROP_QUANTITY,
  MOVE_ROW_PROP_BALANCE,
  MOVE_ROW_PROP_MOVED_AT,
  MOVE_ROW_PROP_RECEIPT,
  MOVE_ROW_N_PROPS
};

static GParamSpec *move_properties[MOVE_ROW_N_PROPS];

static void
stk_move_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  StkMoveRow *self = (StkMoveRow *) object;

  switch (prop_id)
    {
    case MOVE_ROW_PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case MOVE_ROW_PROP_ITEM_ID:
      g_value_set_int64 (value, self->item_id);
      break;

    case MOVE_ROW_PROP_CODE:
      g_value_set_string (value, self->code);
      break;

    case MOVE_ROW_PROP_KIND:
      g_value_set_string (value, self->kind);
      break;

    case MOVE_ROW_PROP_REASON:
      g_value_set_string (value, self->reason);
      break;

    case MOVE_ROW_PROP_QUANTITY:
      g_value_set_int64 (value, self->quantity);
      break;

    case MOVE_ROW_PROP_BALANCE:
      g_value_set_int64 (value, self->balance);
      break;

    case MOVE_ROW_PROP_MOVED_AT:
      g_value_set_int64 (value, self->moved_at);
      break;

    case MOVE_ROW_PROP_RECEIPT:
      g_value_set_string (value, self->receipt);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_move_row_finalize (GObject *object)
{
  StkMoveRow *self = (StkMoveRow *) object;

  g_free (self->code);
  g_free (self->kind);
  g_free (self->reason);
  g_free (self->receipt);

  G_OBJECT_CLASS (stk_move_row_parent_class)->finalize (object);
}

static void
stk_move_row_class_init (StkMoveRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = stk_move_row_get_property;
  object_class->finalize = stk_move_row_finalize;

  move_properties[MOVE_ROW_PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  move_properties[MOVE_ROW_PROP_ITEM_ID] =
    g_param_spec_int64 ("item-id", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  move_properties[MOVE_ROW_PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  move_properties[MOVE_ROW_PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  move_properties[MOVE_ROW_PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  move_properties[MOVE_ROW_PROP_QUANTITY] =
    g_param_spec_int64 ("quantity", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  move_properties[MOVE_ROW_PROP_BALANCE] =
    g_param_spec_int64 ("balance", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  move_properties[MOVE_ROW_PROP_MOVED_AT] =
    g_param_spec_int64 ("moved-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  move_properties[MOVE_ROW_PROP_RECEIPT] =
    g_param_spec_string ("receipt", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, MOVE_ROW_N_PROPS, move_properties);
}

static void
stk_move_row_init (StkMoveRow *self)
{
}

gint64
stk_move_row_get_id (StkMoveRow *self)
{
  g_return_val_if_fail (STK_IS_MOVE_ROW (self), 0);

  return self->id;
}

gint64
stk_move_row_get_item_id (StkMoveRow *self)
{
  g_return_val_if_fail (STK_IS_MOVE_ROW (self), 0);

  return self->item_id;
}

const char *
stk_move_row_get_code (StkMoveRow *self)
{
  g_return_val_if_fail (STK_IS_MOVE_ROW (self), NULL);

  return self->code;
}

const char *
stk_move_row_get_kind (StkMoveRow *self)
{
  g_return_val_if_fail (STK_IS_MOVE_ROW (self), NULL);

  return self->kind;
}

const char *
stk_move_row_get_reason (StkMoveRow *self)
{
  g_return_val_if_fail (STK_IS_MOVE_ROW (self), NULL);

  return self->reason;
}

const char *
stk_move_row_get_receipt (StkMoveRow *self)
{
  g_return_val_if_fail (STK_IS_MOVE_ROW (self), NULL);

  return self->receipt;
}

gint64
stk_move_row_get_quantity (StkMoveRow *self)
{
  g_return_val_if_fail (STK_IS_MOVE_ROW (self), 0);

  return self->quantity;
}

gint64
stk_move_row_get_balance (StkMoveRow *self)
{
  g_return_val_if_fail (STK_IS_MOVE_ROW (self), 0);

  return self->balance;
}

gint64
stk_move_row_get_moved_at (StkMoveRow *self)
{
  g_return_val_if_fail (STK_IS_MOVE_ROW (self), 0);

  return self->moved_at;
}

/* ---- for the models ---- */

static gint n_alive;

#define UPDATE_INT(self, field, value, props, prop)                                   \
  G_STMT_START {                                                                   \
    if ((self)->field != (value))                                                  \
      {                                                                            \
        (self)->field = (value);                                                   \
        if (notify)                                                                \
          g_object_notify_by_pspec (G_OBJECT (self), props[prop]);                 \
      }                                                                            \
  } G_STMT_END

#define UPDATE_STR(self, field, value, props, prop)                                   \
  G_STMT_START {                                                                   \
    if (g_strcmp0 ((self)->field, (value)) != 0)                                   \
      {                                                                            \
        g_free ((self)->field);                                                    \
        (self)->field = g_strdup (value);                                          \
        if (notify)                                                                \
          g_object_notify_by_pspec (G_OBJECT (self), props[prop]);                 \
      }                                                                            \
  } G_STMT_END

static void
item_row_update (StkItemRow        *self,
                 const StkPagerRow *row,
                 gboolean           notify)
{
  gboolean low = row->reorder_level > 0 && row->on_hand <= row->reorder_level;

  self->id = row->id;
  UPDATE_STR (self, code, row->code, item_properties, ITEM_ROW_PROP_CODE);
  UPDATE_STR (self, description, row->description, item_properties, ITEM_ROW_PROP_DESCRIPTION);
  UPDATE_INT (self, on_hand, row->on_hand, item_properties, ITEM_ROW_PROP_ON_HAND);
  UPDATE_INT (self, unit_price_cents, row->unit_price_cents, item_properties,
              ITEM_ROW_PROP_UNIT_PRICE_CENTS);
  UPDATE_INT (self, reorder_level, row->reorder_level, item_properties,
              ITEM_ROW_PROP_REORDER_LEVEL);
  UPDATE_INT (self, updated_at, row->updated_at, item_properties, ITEM_ROW_PROP_UPDATED_AT);
  UPDATE_INT (self, archived, row->archived, item_properties, ITEM_ROW_PROP_ARCHIVED);
  UPDATE_INT (self, low_stock, low, item_properties, ITEM_ROW_PROP_LOW_STOCK);
}

static void
sale_row_update (StkSaleRow        *self,
                 const StkPagerRow *row,
                 gboolean           notify)
{
  g_autofree char *item = NULL;
  int status = STK_SALE_STATUS_NONE;

  /* Notified: a row object reused in place for another sale (a new order) shows its
   * number, and the sale's expanded lines under it go (ui/stk-expand-model.c). */
  UPDATE_INT (self, id, row->id, sale_properties, SALE_ROW_PROP_ID);
  UPDATE_INT (self, item_id, row->item_id, sale_properties, SALE_ROW_PROP_ITEM_ID);
  UPDATE_STR (self, uid, row->uid, sale_properties, SALE_ROW_PROP_UID);
  UPDATE_STR (self, code, row->code, sale_properties, SALE_ROW_PROP_CODE);
  UPDATE_STR (self, description, row->description, sale_properties, SALE_ROW_PROP_DESCRIPTION);
  UPDATE_INT (self, quantity, row->quantity, sale_properties, SALE_ROW_PROP_QUANTITY);
  UPDATE_INT (self, unit_price_cents, row->unit_price_cents, sale_properties,
              SALE_ROW_PROP_UNIT_PRICE_CENTS);
  /* The pager's net total over the lines; G_MININT64: it does not fit (never wraps;
   * shown as "too large"). */
  UPDATE_INT (self, total_cents, row->total_cents, sale_properties, SALE_ROW_PROP_TOTAL_CENTS);
  UPDATE_INT (self, sold_at, row->at, sale_properties, SALE_ROW_PROP_SOLD_AT);
  UPDATE_INT (self, voided, row->voided, sale_properties, SALE_ROW_PROP_VOIDED);
  UPDATE_INT (self, n_more_lines, row->n_more_lines, sale_properties,
              SALE_ROW_PROP_N_MORE_LINES);
  UPDATE_INT (self, returned_quantity, row->returned_quantity, sale_properties,
              SALE_ROW_PROP_RETURNED_QUANTITY);

  /* The first line's item, and how many more (the Sales list's Item column). */
  if (row->n_more_lines > 0)
    {
      g_autofree char *more = stk_format_count (row->n_more_lines);

      /* Translators: the first item of a sale, then how many other lines it has */
      item = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %s more", "%s and %s more",
                                           row->n_more_lines > 1000000 ? 1000000ul : (gulong) row->n_more_lines),
                              row->description != NULL ? row->description : "", more);
    }
  else
    item = g_strdup (row->description != NULL ? row->description : "");
  UPDATE_STR (self, item, item, sale_properties, SALE_ROW_PROP_ITEM);

  if (row->voided)
    status = STK_SALE_STATUS_VOIDED;
  else if (row->returned_quantity > 0 && row->quantity != G_MININT64 &&
           row->returned_quantity >= row->quantity)
    status = STK_SALE_STATUS_RETURNED;
  else if (row->returned_quantity > 0)
    status = STK_SALE_STATUS_PARTLY_RETURNED;
  UPDATE_INT (self, status, status, sale_properties, SALE_ROW_PROP_STATUS);
}

static void
move_row_update (StkMoveRow        *self,
                 const StkPagerRow *row,
                 gboolean           notify)
{
  self->id = row->id;
  UPDATE_INT (self, item_id, row->item_id, move_properties, MOVE_ROW_PROP_ITEM_ID);
  UPDATE_STR (self, code, row->code, move_properties, MOVE_ROW_PROP_CODE);
  UPDATE_STR (self, kind, row->kind, move_properties, MOVE_ROW_PROP_KIND);
  UPDATE_STR (self, reason, row->reason, move_properties, MOVE_ROW_PROP_REASON);
  UPDATE_INT (self, quantity, row->quantity, move_properties, MOVE_ROW_PROP_QUANTITY);
  UPDATE_INT (self, balance, row->balance, move_properties, MOVE_ROW_PROP_BALANCE);
  UPDATE_INT (self, moved_at, row->at, move_properties, MOVE_ROW_PROP_MOVED_AT);
  UPDATE_STR (self, receipt, row->receipt != NULL ? row->receipt : "", move_properties,
              MOVE_ROW_PROP_RECEIPT);
}

static void
row_weak_notify_cb (gpointer  data,
                    GObject  *where_the_object_was)
{
  g_atomic_int_add (&n_alive, -1);
}

GObject *
stk_row_new_from_pager (StkPagerKind       kind,
                        const StkPagerRow *row)
{
  GObject *object = NULL;

  g_return_val_if_fail (row != NULL, NULL);

  switch (kind)
    {
    case STK_PAGER_ITEMS:
      object = g_object_new (STK_TYPE_ITEM_ROW, NULL);
      item_row_update (STK_ITEM_ROW (object), row, FALSE);
      break;
    case STK_PAGER_SALES:
      object = g_object_new (STK_TYPE_SALE_ROW, NULL);
      sale_row_update (STK_SALE_ROW (object), row, FALSE);
      break;
    case STK_PAGER_MOVES:
      object = g_object_new (STK_TYPE_MOVE_ROW, NULL);
      move_row_update (STK_MOVE_ROW (object), row, FALSE);
      break;
    default:
      g_return_val_if_reached (NULL);
    }
  g_atomic_int_inc (&n_alive);
  g_object_weak_ref (object, row_weak_notify_cb, NULL);
  return object;
}

void
stk_row_update (GObject           *object,
                const StkPagerRow *row)
{
  g_return_if_fail (row != NULL);

  g_object_freeze_notify (object);
  if (STK_IS_ITEM_ROW (object))
    item_row_update (STK_ITEM_ROW (object), row, TRUE);
  else if (STK_IS_SALE_ROW (object))
    sale_row_update (STK_SALE_ROW (object), row, TRUE);
  else if (STK_IS_MOVE_ROW (object))
    move_row_update (STK_MOVE_ROW (object), row, TRUE);
  else
    g_critical ("%s: not a row object", G_STRFUNC);
  g_object_thaw_notify (object);
}

gint64
stk_row_get_id (GObject *object)
{
  if (STK_IS_ITEM_ROW (object))
    return STK_ITEM_ROW (object)->id;
  if (STK_IS_SALE_ROW (object))
    return STK_SALE_ROW (object)->id;
  if (STK_IS_MOVE_ROW (object))
    return STK_MOVE_ROW (object)->id;
  g_return_val_if_reached (0);
}

guint
stk_rows_get_n_alive (void)
{
  return (guint) g_atomic_int_get (&n_alive);
}
