/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/: the payloads of the maintenance ops (stk-op-payloads.h), filled by
 * stk-maintenance.c and read by an engine's appliers. Engine-free. */
#ifndef STK_DATA_INTERNAL
#error "stk-maintenance-private.h is private to data/; use the public headers"
#endif

#include <glib.h>

#include "stk-store.h"

G_BEGIN_DECLS

/* "restore": the backup to copy over the inventory, and the safety copy the applier
 * makes first (once, however many attempts it takes). */
typedef struct
{
  char     *backup_path;
  StkStore *store;
  char     *safety;   /* the safety copy, once made */
} StkRestorePayload;

/* "checkpoint": filled by the applier (busy: readers kept part of the log). */
typedef struct
{
  gint64 busy;
  gint64 log;
  gint64 checkpointed;
} StkCheckpointPayload;

/* "generate": one chunk of generated items or sales ("generate-probe" fills base_*). */
typedef struct
{
  char    code[40];
  char    description[160];
  gint32  price;
  gint32  stock;
  gint32  reorder;
  gboolean archived;
} StkGenItem;

typedef struct
{
  gint64  sold_at;
  guint32 item;
  gint32  quantity;
  gint32  restock;         /* > 0: receive this many just before the sale */
  gint32  restock_balance; /* the item's on-hand after that receipt */
} StkGenSale;

typedef struct
{
  guint32  seed;
  gint64   opening_at;     /* time of the opening stock */
  gint64   base_item;      /* max(items.id) before: code numbers continue from it */
  gint64   base_sale;      /* max(sales.id) before: uids continue from it */

  /* Per generated item: ids (filled by the writer), prices (for sales). */
  gint64  *ids;
  gint32  *prices;

  /* The chunk the next op applies. */
  StkGenItem *items;
  guint    n_items;
  guint64  first_item;
  StkGenSale *sales;
  guint    n_sales;
  guint64  first_sale;
} StkGenPayload;

G_END_DECLS
