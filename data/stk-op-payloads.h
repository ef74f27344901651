/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/: what each kind of op carries (stk_op_get_payload()). The builders
 * (stk-ops.c, stk-transfer.c, stk-maintenance.c) fill these; an engine's applier for
 * the kind reads them and decides how to store the change. Engine-free. */
#ifndef STK_DATA_INTERNAL
#error "stk-op-payloads.h is private to data/; use the public headers"
#endif

#include <glib.h>

#include "stk-ops.h"

G_BEGIN_DECLS

/* The kinds of op, with their payloads. */
#define STK_OP_CREATE_ITEM     "create-item"     /* StkItemPayload (item_id unused) */
#define STK_OP_UPDATE_ITEM     "update-item"     /* StkItemPayload */
#define STK_OP_ARCHIVE_ITEM    "archive-item"    /* StkIdPayload (archived TRUE) */
#define STK_OP_UNARCHIVE_ITEM  "unarchive-item"  /* StkIdPayload (archived FALSE) */
#define STK_OP_RECORD_MOVEMENT "record-movement" /* StkMovementPayload */
#define STK_OP_RECORD_SALE     "record-sale"     /* StkSalePayload; the sale's uid is the op id */
#define STK_OP_VOID_SALE       "void-sale"       /* StkIdPayload: the sale */
#define STK_OP_DELETE_ITEM     "delete-item"     /* StkIdPayload: the item */
#define STK_OP_SELL            "sell"            /* StkSellPayload; the sale's uid is the op id */
#define STK_OP_RETURN          "return"          /* StkReturnPayload; the return's uid is the op id */
#define STK_OP_ADD_BARCODE     "add-barcode"     /* StkBarcodePayload (item_id 0, code set) */
#define STK_OP_SET_BARCODES    "set-barcodes"    /* StkBarcodePayload (item_id set) */
#define STK_OP_SET_SETTING     "set-setting"     /* StkSettingPayload */
#define STK_OP_CLOSE_DAY       "close-day"       /* StkCloseDayPayload; the close's uid is the op id */
#define STK_OP_SAVE_TAX_RATE   "save-tax-rate"   /* StkTaxRatePayload (id 0: a new rate) */
#define STK_OP_REMOVE_TAX_RATE "remove-tax-rate" /* StkTaxRatePayload (id) */
#define STK_OP_SET_ITEM_TAX_RATE "set-item-tax-rate" /* StkTaxRatePayload (item_id, id 0: default) */
#define STK_OP_SET_ITEM_COST   "set-item-cost"   /* StkItemCostPayload */
/* The bulk kinds carry their builder's own payload: the parsed rows of an import
 * (stk-transfer.c), a restore's source file, a checkpoint's mode, a chunk of generated
 * items and sales (stk-maintenance.c). */
#define STK_OP_IMPORT_SKUS      "import-skus"
#define STK_OP_IMPORT_SALES     "import-sales"
#define STK_OP_IMPORT_MOVEMENTS "import-movements"
#define STK_OP_IMPORT_RETURNS   "import-returns"
#define STK_OP_IMPORT_TAX_RATES "import-tax-rates"
#define STK_OP_IMPORT_ALL       "import-all"
#define STK_OP_RESTORE          "restore"
#define STK_OP_CHECKPOINT       "checkpoint"
#define STK_OP_GENERATE         "generate"
#define STK_OP_GENERATE_PROBE   "generate-probe" /* reads where generated rows start */

typedef struct
{
  gint64  item_id;
  char   *code;
  char   *description;
  gint64  unit_price_cents;
  gint64  reorder_level;
} StkItemPayload;

typedef struct
{
  gint64   id;
  gboolean archived;
} StkIdPayload;

typedef struct
{
  char            *code;
  StkMovementKind  kind;
  gint64           quantity;
  char            *reason;
  gint64           moved_at_us;
  /* A receipt's unit cost (stk-cost.h): as given with cost_given (< 0 refused), else the
   * item's default cost (none when it has none). */
  gboolean         cost_given;
  gint64           unit_cost_cents;
} StkMovementPayload;

typedef struct
{
  char   *code;
  gint64  quantity;
  gint64  unit_price_cents; /* < 0: the item's price */
  gint64  sold_at_us;
} StkSalePayload;

typedef struct
{
  char   *code;             /* an item code or a barcode */
  gint64  quantity;
  gint64  unit_price_cents; /* < 0: the item's price */
  gint64  discount_cents;
} StkSellLine;

typedef struct
{
  StkSellLine *lines;
  guint        n_lines;
  char        *payment;
  char        *note;
  gint64       sold_at_us;
} StkSellPayload;

typedef struct
{
  gint64  line_id;
  gint64  quantity;
  gint64  refund_cents;     /* < 0: what that quantity was paid */
  char   *reason;
  gint64  returned_at_us;
} StkReturnPayload;

typedef struct
{
  gint64  item_id;
  char   *code;             /* the item's code (add-barcode) */
  GArray *barcodes;         /* StkBarcode */
} StkBarcodePayload;

/* Void of a sale with its reason. */
typedef struct
{
  gint64  sale_id;
  char   *reason;
} StkVoidPayload;

/* Rules every engine checks the same way before it stores a change (stk-ops.c). */
gboolean stk_ops_validate_description (const char  *text,
                                       GError     **error);
gboolean stk_ops_validate_reason      (const char  *text,
                                       GError     **error);

/* One of the shop's rules (the settings table): @key and its value, a number or a
 * text (@text non-NULL). */
typedef struct
{
  char   *key;
  char   *text;
  gint64  number;
} StkSettingPayload;

typedef struct
{
  gint64  counted_cash_cents;
  char   *note;
} StkCloseDayPayload;

/* An item's default cost (stk-cost.h). */
typedef struct
{
  gint64  item_id;
  gint64  default_cost_cents;
} StkItemCostPayload;

/* A tax rate (stk-tax.h): saved, removed, or given to an item. */
typedef struct
{
  gint64  id;
  char   *name;
  gint64  rate_bp;
  gint64  item_id;
} StkTaxRatePayload;

G_END_DECLS
