/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-store.h"

G_BEGIN_DECLS

/* Read-side results for the window: items, reports. StkStore reads them
 * (stk-reads.h, stk_query_report_async()); the functions that take a connection are
 * data/'s own (stk-query-private.h). */

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
  /* The tax rate it sells at now (its own or the shop's default, stk-tax.h), -1 for no
   * tax, and whether its price includes it (the shop's rule). Filled by the lookups of
   * one item (stk_store_item_by_code(), _by_id(), _by_scan()); -1 from lists. */
  gint64  tax_rate_bp;
  gboolean tax_included;
  /* Its default and average cost (stk-cost.h; 0: unknown, and before format 10), filled
   * by stk_store_item_by_code() and _by_id(); 0 from lists. */
  gint64  default_cost_cents;
  gint64  average_cost_cents;
} StkItemInfo;

void         stk_item_info_clear        (StkItemInfo  *info);
void         stk_item_info_free         (StkItemInfo  *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StkItemInfo, stk_item_info_clear)

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

/* A report (voided sales left out) on a worker thread, from one read snapshot. */
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

