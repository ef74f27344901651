/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-expand-model.h"
#include "stk-table-model.h"

G_BEGIN_DECLS

/* StkTableView: a template widget with a GtkColumnView over a StkTableModel —
 * columns per kind, sorting by clicking a header (sorted in SQL by the model), low
 * stock marked with an icon and text (not colour alone), an empty state when a search
 * finds nothing, selection and scroll kept across reloads.
 *
 * Signal "row-activated" (GObject *row): double-click or Enter on a row. */
#define STK_TYPE_TABLE_VIEW (stk_table_view_get_type ())
G_DECLARE_FINAL_TYPE (StkTableView, stk_table_view, STK, TABLE_VIEW, GtkWidget)

GtkWidget     *stk_table_view_new             (StkTableKind   kind);
void           stk_table_view_set_store       (StkTableView  *self,
                                               StkStore      *store);
StkTableModel *stk_table_view_get_model       (StkTableView  *self);
GtkColumnView *stk_table_view_get_column_view (StkTableView  *self);
/* What the list shows: the model, or for the Sales list its StkExpandModel over it (the
 * sales with the lines of those expanded); positions of the list are positions of this. */
GListModel    *stk_table_view_get_list        (StkTableView  *self);
/* The Sales list's StkExpandModel, or NULL. */
StkExpandModel *stk_table_view_get_expand_model (StkTableView *self);
/* The cancellable of the reads the list starts (the Sales list's expanded sales): the
 * window's. */
void           stk_table_view_set_cancellable (StkTableView  *self,
                                               GCancellable  *cancellable);
/* The selected row (a new reference) or NULL; on a line of a sale, that sale's row. */
gpointer       stk_table_view_dup_selected    (StkTableView  *self);
/* Selects the row at (@x, @y) in the view's coordinates (a right-click); FALSE when
 * there is no row there. */
gboolean       stk_table_view_select_at       (StkTableView  *self,
                                               double         x,
                                               double         y);
/* Selects and scrolls to the row with this id if present. */
void           stk_table_view_select_id       (StkTableView  *self,
                                               gint64         id);

/* Moves the keyboard focus onto the selected row (or selects the first one); FALSE
 * when the list is empty. Tab and Shift+Tab in the list leave it. */
gboolean       stk_table_view_focus_results   (StkTableView  *self);
/* Renders every bound cell of every list again (the currency symbol changed). */
void           stk_table_view_render_again    (void);

G_END_DECLS
