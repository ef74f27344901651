/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-query.h"

G_BEGIN_DECLS

/* StkChart: revenue per day as bars (a filled line when the days are too narrow for
 * bars), drawn with cairo in the widget's own colours, with a title, money ticks on the
 * y axis and date labels on the x axis spaced so that they never overlap. Hovering a
 * day shows its figures in a tooltip. The accessible description sums the data up in
 * words, since a screen reader cannot read a picture. Property "title" (char*). */
#define STK_TYPE_CHART (stk_chart_get_type ())
G_DECLARE_FINAL_TYPE (StkChart, stk_chart, STK, CHART, GtkWidget)

GtkWidget  *stk_chart_new           (void);
const char *stk_chart_get_title     (StkChart          *self);
void        stk_chart_set_title     (StkChart          *self,
                                     const char        *title);
/* Copies @n_days days, oldest first. */
void        stk_chart_set_days      (StkChart          *self,
                                     const StkDayTotal *days,
                                     guint              n_days);

/* What is drawn, for tests and the accessible description. */
guint       stk_chart_get_n_points  (StkChart          *self);
gint64      stk_chart_get_max_value (StkChart          *self);
gint64      stk_chart_get_total     (StkChart          *self);
/* The top of the y axis (a "nice" value >= the maximum) and the tick step, in cents. */
gint64      stk_chart_get_axis_max  (StkChart          *self);
gint64      stk_chart_get_tick_step (StkChart          *self);
/* The accessible description as set on the widget. */
const char *stk_chart_get_summary   (StkChart          *self);

G_END_DECLS
