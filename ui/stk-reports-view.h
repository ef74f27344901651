/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-store.h"

G_BEGIN_DECLS

/* StkReportsView: sales per day for the last 30/90/365 days as a chart (StkChart,
 * cairo, axes and labels), top sellers, stock value, items below reorder level.
 * Queries run off the main thread (stk_query_report_async); reload() after commits.
 * While the view is not mapped (another page is shown), set_store() and reload() only
 * mark the report stale: the query runs when the view is mapped again.
 * Closes of the Day lists the newest closes of the day (stk_store_list_day_closes_async,
 * read with each reload) with their net and cash difference; activating one emits
 * "day-close-activated" (gint64 close_id): the window opens its day report. */
#define STK_TYPE_REPORTS_VIEW (stk_reports_view_get_type ())
G_DECLARE_FINAL_TYPE (StkReportsView, stk_reports_view, STK, REPORTS_VIEW, GtkWidget)

GtkWidget *stk_reports_view_new       (void);
void       stk_reports_view_set_store (StkReportsView *self,
                                       StkStore       *store);
void       stk_reports_view_reload    (StkReportsView *self);
/* TRUE while a report query, the read of the closes or of the tax by rate is under way
 * (tests wait for FALSE); property "loading", notified when that changes. */
gboolean   stk_reports_view_get_loading (StkReportsView *self);

G_END_DECLS
