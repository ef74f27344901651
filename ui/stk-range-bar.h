/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-table-model.h"

G_BEGIN_DECLS

/* StkRangeBar: above the Sales or Stock Moves list, the dates it shows — All, Today,
 * Last 7 Days, This Month, or the whole days From … To typed as YYYY-MM-DD (local time),
 * checked as they are typed — and, for Stock Moves, the banner "History of CODE" with
 * Show All while the list shows one item's moves. Each list has its own bar and keeps
 * its own dates, as it keeps its own search. */

typedef enum
{
  STK_RANGE_ALL,
  STK_RANGE_TODAY,
  STK_RANGE_LAST_7_DAYS,
  STK_RANGE_THIS_MONTH,
  STK_RANGE_OTHER,
} StkRangePreset;

#define STK_TYPE_RANGE_BAR (stk_range_bar_get_type ())
G_DECLARE_FINAL_TYPE (StkRangeBar, stk_range_bar, STK, RANGE_BAR, GtkWidget)

GtkWidget      *stk_range_bar_new        (void);
void            stk_range_bar_set_model  (StkRangeBar    *self,
                                          StkTableModel  *model);
/* Stock Moves: the moves of @item_id alone, with "History of @code"; 0 for every item. */
void            stk_range_bar_set_item   (StkRangeBar    *self,
                                          gint64          item_id,
                                          const char     *code);
void            stk_range_bar_set_preset (StkRangeBar    *self,
                                          StkRangePreset  preset);
StkRangePreset  stk_range_bar_get_preset (StkRangeBar    *self);

/* The local day @text names, "YYYY-MM-DD" (four-digit year), as [start, end) in µs
 * since the epoch; FALSE when it is not one. */
gboolean        stk_range_parse_day      (const char     *text,
                                          gint64         *start_us,
                                          gint64         *end_us);

G_END_DECLS
