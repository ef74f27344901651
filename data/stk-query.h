/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "stk-store.h"

G_BEGIN_DECLS

/* Read-side queries for the window: lookups, completion and reports. Each takes a
 * read connection (stk_store_acquire()) and may run on any thread. */

typedef struct
{
  gint64  id;
  char   *code;
  char   *description;
  gint64  on_hand;
  gint64  unit_price_cents;
  gint64  reorder_level;
  gboolean archived;
  gint64  updated_at_us;
} StkItemInfo;

void         stk_item_info_clear        (StkItemInfo  *info);
void         stk_item_info_free         (StkItemInfo  *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StkItemInfo, stk_item_info_clear)

/* FALSE with STK_ERROR_NOT_FOUND when there is no such item (archived ones are found). */
gboolean     stk_query_item_by_code     (sqlite3      *db,
                                         const char   *code,
                                         StkItemInfo  *out,
                                         GError      **error);
gboolean     stk_query_item_by_id       (sqlite3      *db,
                                         gint64        id,
                                         StkItemInfo  *out,
                                         GError      **error);
/* Codes of active items starting with @prefix (case-insensitive), in order. */
GStrv        stk_query_complete_codes   (sqlite3      *db,
                                         const char   *prefix,
                                         guint         limit,
                                         GError      **error);

typedef struct
{
  gint64 day_start_us;   /* local midnight */
  gint64 quantity;
  gint64 revenue_cents;
} StkDayTotal;

typedef struct
{
  gint64  item_id;
  char   *code;
  char   *description;
  gint64  quantity;
  gint64  revenue_cents;
} StkTopSeller;

typedef struct
{
  guint      days;
  GArray    *per_day;          /* StkDayTotal, exactly @days entries, oldest first, zero-filled */
  GPtrArray *top_sellers;      /* StkTopSeller*, best first */
  gint64     stock_value_cents;/* sum of on_hand * unit_price_cents of active items (on_hand < 0 counts as 0) */
  gint64     total_quantity;
  gint64     total_revenue_cents;
  gint64     below_reorder_count; /* active items with reorder_level > 0 && on_hand <= reorder_level */
  GPtrArray *below_reorder;    /* StkItemInfo*, first 100, lowest on-hand/reorder first */
} StkReport;

void         stk_report_free            (StkReport    *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkReport, stk_report_free)

/* Voided sales are left out. @now_us <= 0 means now. */
StkReport   *stk_query_report           (sqlite3      *db,
                                         guint         days,
                                         guint         top_limit,
                                         gint64        now_us,
                                         GError      **error);
/* The same on a worker thread with a connection from @store. */
void         stk_query_report_async     (StkStore            *store,
                                         guint                days,
                                         guint                top_limit,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
StkReport   *stk_query_report_finish    (StkStore            *store,
                                         GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
