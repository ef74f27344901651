/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-table-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "stk-columns.h"
#include "stk-expand-model.h"
#include "stk-pager.h"
#include "stk-rows-private.h"

/*
 * The column view never sorts: its model is the lazy StkTableModel (in a
 * GtkSingleSelection), and each sortable column carries a StkProbeSorter that only
 * names the column. When the header state changes, the view asks the column view's
 * sorter to compare two dummies: the first probe it consults is the primary column,
 * and the sign of the answer is the direction (GTK 4.8 has no public getter for
 * either). The model then sorts in SQL.
 *
 * The Sales list shows its model through a StkExpandModel: a sale's lines and returns
 * go under it when it is expanded (the toggle in the first column, Right or plus; Left
 * or minus collapses), and a line's row stands for its sale (selection, activation,
 * the actions of the window).
 */

/* ---- the probe sorter ---- */

#define STK_TYPE_PROBE_SORTER (stk_probe_sorter_get_type ())
G_DECLARE_FINAL_TYPE (StkProbeSorter, stk_probe_sorter, STK, PROBE_SORTER, GtkSorter)

struct _StkProbeSorter
{
  GtkSorter   parent_instance;
  const char *column;   /* static */
};

G_DEFINE_FINAL_TYPE (StkProbeSorter, stk_probe_sorter, GTK_TYPE_SORTER)

static StkProbeSorter *probe_hit;  /* main thread only */

static GtkOrdering
stk_probe_sorter_compare (GtkSorter *sorter,
                          gpointer   item1,
                          gpointer   item2)
{
  if (probe_hit == NULL)
    probe_hit = STK_PROBE_SORTER (sorter);
  return GTK_ORDERING_SMALLER;
}

static GtkSorterOrder
stk_probe_sorter_get_order (GtkSorter *sorter)
{
  return GTK_SORTER_ORDER_PARTIAL;
}

static void
stk_probe_sorter_class_init (StkProbeSorterClass *klass)
{
  GtkSorterClass *sorter_class = GTK_SORTER_CLASS (klass);

  sorter_class->compare = stk_probe_sorter_compare;
  sorter_class->get_order = stk_probe_sorter_get_order;
}

static void
stk_probe_sorter_init (StkProbeSorter *self)
{
}

struct _StkTableView
{
  GtkWidget           parent_instance;

  StkTableKind        kind;
  StkTableModel      *model;
  StkExpandModel     *expand;        /* the Sales list's, over model */
  GCancellable       *cancellable;   /* the window's, for the expanded sales' reads */
  GtkSingleSelection *selection;
  gint64              selected_id;   /* kept across reloads and sorting */
  gboolean            new_query;     /* a new search or order: to the top when it is in */
  gboolean            syncing_sort;
  GObject            *probe_a;
  GObject            *probe_b;

  /* Template widgets */
  GtkStack           *stack;
  GtkScrolledWindow  *scrolled_window;
  GtkColumnView      *column_view;
  GtkLabel           *empty_title;
  GtkLabel           *empty_label;
  AdwStatusPage      *status_page;
};

G_DEFINE_FINAL_TYPE (StkTableView, stk_table_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_KIND,
  PROP_MODEL,
  N_PROPS
};

enum {
  ROW_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- columns: built from the list's StkColumns table (ui/stk-columns.c) ---- */

/* What a column's factory knows: the column, and the detailed notify signals of the
 * properties its cells follow (rows are updated in place, with notify). */
typedef struct
{
  const StkColumn *column;
  char            *notify_value;   /* "notify::<property>" */
  char            *notify_badge;   /* "notify::<badge property>" (or, for the expander,
                                    * of what makes a sale expandable), or NULL */
  StkTableView    *view;           /* owns the column */
  gboolean         expander;       /* the Sales list's first column: [toggle, value] */
} CellSpec;

static void
cell_spec_free (gpointer data)
{
  CellSpec *spec = data;

  g_free (spec->notify_value);
  g_free (spec->notify_badge);
  g_free (spec);
}

/* One cell: the row it shows while bound, and its notify handlers on that row. */
typedef struct
{
  const CellSpec *spec;
  GtkListItem    *list_item;   /* owns this */
  GObject        *row;         /* held by the list item while bound */
  gulong          value_handler;
  gulong          badge_handler;
} Cell;

/* The toggle of a sale that has lines or returns to show; none on a line's row. */
static void
render_expander (Cell *cell)
{
  GtkWidget *toggle = gtk_widget_get_first_child (gtk_list_item_get_child (cell->list_item));
  StkExpandModel *expand = cell->spec->view->expand;
  gboolean expanded;

  if (expand == NULL || !STK_IS_SALE_ROW (cell->row) ||
      !stk_expand_model_can_expand_row (STK_SALE_ROW (cell->row)))
    {
      gtk_widget_set_visible (toggle, FALSE);
      return;
    }
  expanded = stk_expand_model_is_expanded (expand, stk_sale_row_get_id (STK_SALE_ROW (cell->row)));
  gtk_widget_set_visible (toggle, TRUE);
  gtk_button_set_icon_name (GTK_BUTTON (toggle), expanded ? "pan-down-symbolic" : "pan-end-symbolic");
  gtk_widget_set_tooltip_text (toggle, expanded ? _("Hide the sale’s lines (Left)")
                                                : _("Show the sale’s lines (Right)"));
  gtk_accessible_update_state (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_STATE_EXPANDED, expanded, -1);
}

/* A line or a return under its sale: indented, dimmed and struck with a voided sale. */
static void
render_sale_child (Cell      *cell,
                   GtkWidget *label)
{
  const StkColumn *column = cell->spec->column;
  StkSaleChild *row = STK_SALE_CHILD (cell->row);
  GtkWidget *child = gtk_list_item_get_child (cell->list_item);
  g_autofree char *text = stk_sale_child_format (row, column->property);
  gboolean voided = stk_sale_child_get_voided (row);

  if (column->numeric)
    gtk_widget_remove_css_class (label, "sale-child");
  else
    gtk_widget_add_css_class (label, "sale-child");
  if (voided)
    gtk_widget_add_css_class (child, "sale-child-voided");
  else
    gtk_widget_remove_css_class (child, "sale-child-voided");
  if (column->badge != NULL && column->badge->icon_name == NULL)
    {
      if (voided)
        gtk_widget_add_css_class (child, column->badge->css);
      else
        gtk_widget_remove_css_class (child, column->badge->css);
    }
  gtk_label_set_text (GTK_LABEL (label), text);
}

/* The cell's text is the row property's value through the column's formatter. */
static void
render_cell (Cell *cell)
{
  const StkColumn *column = cell->spec->column;
  GtkWidget *child = gtk_list_item_get_child (cell->list_item);
  GtkWidget *label = child;
  g_autofree char *text = NULL;

  if (cell->row == NULL || child == NULL)
    return;
  if (cell->spec->expander)
    {
      label = gtk_widget_get_next_sibling (gtk_widget_get_first_child (child));
      render_expander (cell);
    }
  if (STK_IS_SALE_CHILD (cell->row))
    {
      render_sale_child (cell, label);
      return;
    }
  gtk_widget_remove_css_class (label, "sale-child");
  gtk_widget_remove_css_class (child, "sale-child-voided");
  if (column->badge != NULL && column->badge->icon_name == NULL)
    {
      gboolean on = FALSE;

      /* A style alone (the struck total of a voided sale). */
      g_object_get (cell->row, column->badge->property, &on, NULL);
      if (on)
        gtk_widget_add_css_class (child, column->badge->css);
      else
        gtk_widget_remove_css_class (child, column->badge->css);
    }
  else if (column->badge != NULL)
    {
      GtkWidget *icon = gtk_widget_get_first_child (child);
      GtkWidget *word = gtk_widget_get_next_sibling (icon);
      gboolean on = FALSE;

      label = gtk_widget_get_next_sibling (word);
      g_object_get (cell->row, column->badge->property, &on, NULL);
      gtk_widget_set_visible (icon, on);
      gtk_widget_set_visible (word, on);
      if (on)
        gtk_widget_add_css_class (child, column->badge->css);
      else
        gtk_widget_remove_css_class (child, column->badge->css);
    }
  text = stk_column_format_row (column, cell->row);
  gtk_label_set_text (GTK_LABEL (label), text != NULL ? text : "");
}

/* Every cell bound to a row, in every list (main thread only): a change of how values
 * are written (the currency symbol) renders them again. */
static GHashTable *bound_cells;

static void
cell_free (gpointer data)
{
  if (bound_cells != NULL)
    g_hash_table_remove (bound_cells, data);
  g_free (data);
}

void
stk_table_view_render_again (void)
{
  GHashTableIter iter;
  gpointer cell;

  if (bound_cells == NULL)
    return;
  g_hash_table_iter_init (&iter, bound_cells);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    render_cell (cell);
}

static void
row_notify_cb (GObject    *row,
               GParamSpec *pspec,
               Cell       *cell)
{
  render_cell (cell);
}

static void toggle_position (StkTableView *self,
                             guint         position);

static void
expander_clicked_cb (GtkButton *toggle,
                     Cell      *cell)
{
  guint position = gtk_list_item_get_position (cell->list_item);

  if (position != GTK_INVALID_LIST_POSITION)
    toggle_position (cell->spec->view, position);
}

/* A cell: the value's label; with a badge, a box of [icon, word, value]. */
static void
factory_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  const CellSpec           *spec)
{
  const StkColumn *column = spec->column;
  GtkWidget *label = gtk_label_new (NULL);
  Cell *cell = g_new0 (Cell, 1);

  cell->spec = spec;
  cell->list_item = list_item;
  g_object_set_data_full (G_OBJECT (list_item), "stk-cell", cell, cell_free);
  /* For stk_table_view_select_at(): a cell's widget knows its row's list item. */
  g_object_set_data (G_OBJECT (label), "stk-list-item", list_item);

  if (column->numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_label_set_xalign (GTK_LABEL (label), column->numeric ? 1.0 : 0.0);
  if (column->badge != NULL && column->badge->icon_name != NULL)
    {
      const StkColumnBadge *badge = column->badge;
      GtkWidget *icon = gtk_image_new_from_icon_name (badge->icon_name);
      GtkWidget *word = gtk_label_new (g_dpgettext2 (GETTEXT_PACKAGE, badge->context,
                                                     badge->label));
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(badge->accessible_name), -1);
      gtk_widget_add_css_class (word, badge->label_css);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), icon);
      gtk_box_append (GTK_BOX (box), word);
      gtk_box_append (GTK_BOX (box), label);
      g_object_set_data (G_OBJECT (box), "stk-list-item", list_item);
      gtk_list_item_set_child (list_item, box);
      return;
    }
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (spec->expander)
    {
      GtkWidget *toggle = gtk_button_new_from_icon_name ("pan-end-symbolic");
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

      /* Clicked, not focused: the keyboard works on the rows (Right, Left). */
      gtk_widget_add_css_class (toggle, "flat");
      gtk_widget_add_css_class (toggle, "sale-expander");
      gtk_widget_set_focusable (toggle, FALSE);
      gtk_widget_set_focus_on_click (toggle, FALSE);
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_widget_set_visible (toggle, FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Lines of the sale"), -1);
      g_signal_connect (toggle, "clicked", G_CALLBACK (expander_clicked_cb), cell);
      g_object_set_data (G_OBJECT (toggle), "stk-list-item", list_item);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), toggle);
      gtk_box_append (GTK_BOX (box), label);
      g_object_set_data (G_OBJECT (box), "stk-list-item", list_item);
      gtk_list_item_set_child (list_item, box);
      return;
    }
  gtk_list_item_set_child (list_item, label);
}

static void
factory_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 const CellSpec           *spec)
{
  Cell *cell = g_object_get_data (G_OBJECT (list_item), "stk-cell");

  cell->row = gtk_list_item_get_item (list_item);
  render_cell (cell);
  if (cell->row == NULL)
    return;
  if (bound_cells == NULL)
    bound_cells = g_hash_table_new (NULL, NULL);
  g_hash_table_add (bound_cells, cell);
  if (STK_IS_SALE_CHILD (cell->row))
    return; /* never changes: a new read brings new children */
  cell->value_handler = g_signal_connect (cell->row, spec->notify_value,
                                          G_CALLBACK (row_notify_cb), cell);
  if (spec->notify_badge != NULL)
    cell->badge_handler = g_signal_connect (cell->row, spec->notify_badge,
                                            G_CALLBACK (row_notify_cb), cell);
}

static void
factory_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   const CellSpec           *spec)
{
  Cell *cell = g_object_get_data (G_OBJECT (list_item), "stk-cell");

  if (cell->row != NULL)
    {
      g_clear_signal_handler (&cell->value_handler, cell->row);
      g_clear_signal_handler (&cell->badge_handler, cell->row);
    }
  if (bound_cells != NULL)
    g_hash_table_remove (bound_cells, cell);
  cell->row = NULL;
}

static void
add_columns (StkTableView *self)
{
  const StkColumns *list = stk_columns_for_kind (self->kind);

  for (guint i = 0; i < list->n_columns; i++)
    {
      const StkColumn *column_spec = &list->columns[i];
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      CellSpec *spec = g_new0 (CellSpec, 1);

      spec->column = column_spec;
      spec->view = self;
      spec->expander = self->kind == STK_TABLE_KIND_SALES && i == 0;
      spec->notify_value = g_strconcat ("notify::", column_spec->property, NULL);
      if (column_spec->badge != NULL)
        spec->notify_badge = g_strconcat ("notify::", column_spec->badge->property, NULL);
      else if (spec->expander)
        spec->notify_badge = g_strdup ("notify::returned-quantity");
      g_object_set_data_full (G_OBJECT (factory), "stk-cell-spec", spec, cell_spec_free);
      g_signal_connect (factory, "setup", G_CALLBACK (factory_setup_cb), spec);
      g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), spec);
      g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind_cb), spec);

      column = gtk_column_view_column_new (_(column_spec->title), factory);
      gtk_column_view_column_set_expand (column, column_spec->expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (column_spec->sort != NULL)
        {
          StkProbeSorter *sorter = g_object_new (STK_TYPE_PROBE_SORTER, NULL);

          sorter->column = column_spec->sort;
          gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
          g_object_unref (sorter);
          g_object_set_data (G_OBJECT (column), "stk-sort", (gpointer) column_spec->sort);
        }
      gtk_column_view_append_column (self->column_view, column);
    }
}

/* ---- sorting ---- */

static GtkColumnViewColumn *
find_sort_column (StkTableView *self,
                  const char   *sort)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "stk-sort"), sort) == 0)
        return column; /* the column view holds it */
    }
  return NULL;
}

static void
sync_header_from_model (StkTableView *self)
{
  GtkColumnViewColumn *column;

  if (self->model == NULL)
    return;
  column = find_sort_column (self, stk_table_model_get_sort_column (self->model));
  self->syncing_sort = TRUE;
  gtk_column_view_sort_by_column (self->column_view, column,
                                  stk_table_model_get_sort_descending (self->model)
                                  ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  self->syncing_sort = FALSE;
}

static void
sorter_changed_cb (GtkSorter       *sorter,
                   GtkSorterChange  change,
                   StkTableView    *self)
{
  GtkOrdering order;
  const char *column = NULL;
  gboolean descending = FALSE;

  if (self->syncing_sort || self->model == NULL || self->column_view == NULL)
    return;

  probe_hit = NULL;
  order = gtk_sorter_compare (sorter, self->probe_a, self->probe_b);
  if (probe_hit != NULL)
    {
      column = probe_hit->column;
      descending = order == GTK_ORDERING_LARGER;
    }
  probe_hit = NULL;
  stk_table_model_set_sort (self->model, column, descending);
  if (column == NULL)
    sync_header_from_model (self); /* back to the default order, shown */
}

/* ---- selection, empty state ---- */

static void
scroll_to (StkTableView *self,
           guint         position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      {
        gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
        return;
      }
}

/* A list narrowed to dates or to one item, with nothing there: say so (and that the
 * dates or the item are why). */
static gboolean
update_narrowed_state (StkTableView *self,
                       const char   *search)
{
  gint64 from = G_MININT64, to = G_MAXINT64;
  gint64 item_id;
  const char *title;
  g_autofree char *description = NULL;

  if (self->model == NULL)
    return FALSE;
  stk_table_model_get_range (self->model, &from, &to);
  item_id = stk_table_model_get_item_id (self->model);
  if (item_id == 0 && from == G_MININT64 && to == G_MAXINT64)
    return FALSE;

  if (self->kind == STK_TABLE_KIND_SALES)
    {
      title = _("No Sales");
      description = search != NULL
        ? g_strdup_printf (_("No sales of items whose code starts with “%s” in these dates."),
                           search)
        : g_strdup (_("No sales in these dates. Choose other dates above."));
    }
  else
    {
      title = _("No Stock Moves");
      if (item_id != 0 && from == G_MININT64 && to == G_MAXINT64)
        description = g_strdup (_("This item has no stock moves yet: receive stock, sell or "
                                  "adjust it and its history shows here."));
      else if (item_id != 0)
        description = g_strdup (_("This item has no stock moves in these dates."));
      else if (search != NULL)
        description = g_strdup_printf (_("No stock moves of items whose code starts with “%s” "
                                         "in these dates."), search);
      else
        description = g_strdup (_("No stock moves in these dates. Choose other dates above."));
    }
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  return TRUE;
}

static void
update_empty_state (StkTableView *self)
{
  const char *search = self->model != NULL ? stk_table_model_get_search (self->model) : NULL;
  gboolean none = self->model != NULL &&
                  !stk_table_model_get_loading (self->model) &&
                  g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0;
  gboolean empty = none && search != NULL;

  if (none && update_narrowed_state (self, search))
    {
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }
  if (empty)
    {
      g_autofree char *text = NULL;

      switch (self->kind)
        {
        case STK_TABLE_KIND_SALES:
          text = g_strdup_printf (_("No sales of items whose code starts with “%s”."), search);
          break;
        case STK_TABLE_KIND_MOVES:
          text = g_strdup_printf (_("No stock moves of items whose code starts with “%s”."),
                                  search);
          break;
        case STK_TABLE_KIND_ITEMS:
        default:
          text = g_strdup_printf (_("No items match “%s”."), search);
          break;
        }
      gtk_label_set_text (self->empty_label, text);
    }
  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
selection_changed_cb (StkTableView *self)
{
  GObject *row;

  if (self->model == NULL || stk_table_model_get_loading (self->model))
    return; /* a reload or a new order: keep the id, re-select it when done */
  row = gtk_single_selection_get_selected_item (self->selection);
  if (row != NULL && STK_IS_SALE_CHILD (row))
    self->selected_id = stk_sale_child_get_sale_id (STK_SALE_CHILD (row));
  else
    self->selected_id = row != NULL ? stk_row_get_id (row) : 0;
}

/* The list's position of the model's row at @position. */
static guint
list_position (StkTableView *self,
               guint         position)
{
  if (self->expand == NULL)
    return position;
  return stk_expand_model_position_from_base (self->expand, position);
}

/* The model reuses the row objects on show for a new result (in place, as position
 * slots), so a selected row may now hold another item: re-select the kept id where it
 * is, or clear the selection. A new search or order starts at the top of its result. */
static void
model_loading_cb (StkTableView *self)
{
  gboolean new_query;

  update_empty_state (self);
  if (stk_table_model_get_loading (self->model))
    return;
  new_query = self->new_query;
  self->new_query = FALSE;

  if (self->selected_id != 0)
    {
      GObject *row = gtk_single_selection_get_selected_item (self->selection);

      if (row != NULL && STK_IS_SALE_CHILD (row) &&
          stk_sale_child_get_sale_id (STK_SALE_CHILD (row)) == self->selected_id)
        return;
      if (row != NULL && !STK_IS_SALE_CHILD (row) && stk_row_get_id (row) == self->selected_id)
        return;
      {
        guint position = list_position (self, stk_table_model_find_id (self->model,
                                                                       self->selected_id));

        if (position != GTK_INVALID_LIST_POSITION)
          {
            gtk_single_selection_set_selected (self->selection, position);
            scroll_to (self, position);
            return;
          }
      }
      self->selected_id = 0;
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
    }
  if (new_query && g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    scroll_to (self, 0);
}

static void
model_query_cb (StkTableView *self)
{
  /* (the model starts loading the new result before it notifies) */
  self->new_query = stk_table_model_get_loading (self->model);
  update_empty_state (self);
}

static void
column_view_activate_cb (GtkColumnView *column_view,
                         guint          position,
                         StkTableView  *self)
{
  g_autoptr(GObject) row = NULL;

  if (self->model == NULL)
    return;
  row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  /* A line's row opens its sale. */
  if (row != NULL && STK_IS_SALE_CHILD (row))
    g_set_object (&row, G_OBJECT (stk_sale_child_get_sale (STK_SALE_CHILD (row))));
  if (row != NULL)
    g_signal_emit (self, signals[ROW_ACTIVATED], 0, row);
}

/* ---- keyboard ---- */

/* Moves the focus out of the list, to the next (or previous) focusable widget after
 * it in the window: Tab reaches the action bar instead of walking every row. */
static gboolean
leave_list (StkTableView     *self,
            GtkDirectionType  dir)
{
  gboolean forward = dir == GTK_DIR_TAB_FORWARD;
  GtkWidget *w = GTK_WIDGET (self);
  GtkRoot *root = gtk_widget_get_root (w);

  while (w != NULL && !GTK_IS_ROOT (w))
    {
      for (GtkWidget *s = forward ? gtk_widget_get_next_sibling (w) : gtk_widget_get_prev_sibling (w);
           s != NULL;
           s = forward ? gtk_widget_get_next_sibling (s) : gtk_widget_get_prev_sibling (s))
        if (gtk_widget_get_visible (s) && gtk_widget_child_focus (s, dir))
          return TRUE;
      w = gtk_widget_get_parent (w);
    }
  /* Nothing after the list inside the window's content: wrap the way Tab does. */
  if (root != NULL)
    {
      gtk_root_set_focus (root, NULL);
      return gtk_widget_child_focus (GTK_WIDGET (root), dir);
    }
  return FALSE;
}

/* The row widget showing @position, if there is one. */
static GtkWidget *
row_widget_at (StkTableView *self,
               guint         position)
{
  GtkWidget *list = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));

  for (; list != NULL && !GTK_IS_LIST_VIEW (list); list = gtk_widget_get_next_sibling (list))
    ;
  if (list == NULL)
    return NULL;
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    for (GtkWidget *cell = gtk_widget_get_first_child (row); cell != NULL;
         cell = gtk_widget_get_next_sibling (cell))
      {
        GtkWidget *content = gtk_widget_get_first_child (cell);
        GtkListItem *item = content != NULL ? g_object_get_data (G_OBJECT (content), "stk-list-item")
                                            : NULL;

        if (item != NULL)
          {
            if (gtk_list_item_get_position (item) == position)
              return row;
            break;
          }
      }
  return NULL;
}

/* Selects the row at @position and moves the keyboard focus onto it. */
static void
move_to (StkTableView *self,
         guint         position)
{
  GtkWidget *row;

  gtk_single_selection_set_selected (self->selection, position);
  scroll_to (self, position);
  row = row_widget_at (self, position);
  if (row != NULL)
    gtk_widget_grab_focus (row);
}

static void
toggle_position (StkTableView *self,
                 guint         position)
{
  g_autoptr(GObject) row = NULL;

  if (self->expand == NULL)
    return;
  row = g_list_model_get_item (G_LIST_MODEL (self->expand), position);
  if (row == NULL || !STK_IS_SALE_ROW (row))
    return;
  if (stk_expand_model_is_expanded (self->expand, stk_sale_row_get_id (STK_SALE_ROW (row))))
    {
      guint selected = gtk_single_selection_get_selected (self->selection);

      /* A line of it selected: the sale is, once its lines go. */
      if (selected != GTK_INVALID_LIST_POSITION && selected != position &&
          stk_expand_model_get_sale_position (self->expand, selected) == position)
        gtk_single_selection_set_selected (self->selection, position);
      stk_expand_model_collapse (self->expand, position);
    }
  else
    stk_expand_model_expand (self->expand, position);
}

/* Right / plus expands the selected sale; Left / minus collapses it, and on a line's
 * row goes to its sale. */
static gboolean
expand_key (StkTableView *self,
            guint         keyval)
{
  guint position = gtk_single_selection_get_selected (self->selection);
  g_autoptr(GObject) row = NULL;
  gboolean expand;

  if (self->expand == NULL || position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
    case GDK_KEY_plus:
    case GDK_KEY_KP_Add:
      expand = TRUE;
      break;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      expand = FALSE;
      break;
    default:
      return FALSE;
    }
  row = g_list_model_get_item (G_LIST_MODEL (self->expand), position);
  if (row == NULL)
    return FALSE;
  if (STK_IS_SALE_CHILD (row))
    {
      if (!expand)
        move_to (self, stk_expand_model_get_sale_position (self->expand, position));
      return TRUE;
    }
  if (expand)
    stk_expand_model_expand (self->expand, position);
  else
    stk_expand_model_collapse (self->expand, position);
  return TRUE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                StkTableView          *self)
{
  state &= gtk_accelerator_get_default_mod_mask ();

  if ((keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab) && state == 0)
    return leave_list (self, GTK_DIR_TAB_FORWARD);
  if (keyval == GDK_KEY_ISO_Left_Tab ||
      ((keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab) && state == GDK_SHIFT_MASK))
    return leave_list (self, GTK_DIR_TAB_BACKWARD);
  if (state == 0 || state == GDK_SHIFT_MASK)
    return expand_key (self, keyval);
  return FALSE;
}

/* An expanded or collapsed sale: its toggle shows it. */
static void
expand_toggled_cb (StkExpandModel *expand,
                   StkSaleRow     *sale,
                   gboolean        expanded,
                   StkTableView   *self)
{
  GHashTableIter iter;
  gpointer data;

  if (bound_cells == NULL)
    return;
  g_hash_table_iter_init (&iter, bound_cells);
  while (g_hash_table_iter_next (&iter, &data, NULL))
    {
      Cell *cell = data;

      if (cell->spec->view == self && cell->spec->expander && cell->row == G_OBJECT (sale))
        render_cell (cell);
    }
}

/* ---- GObject ---- */

static void
stk_table_view_constructed (GObject *object)
{
  StkTableView *self = STK_TABLE_VIEW (object);

  G_OBJECT_CLASS (stk_table_view_parent_class)->constructed (object);

  add_columns (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(stk_columns_for_kind (self->kind)->name), -1);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, 0);
}

static void
stk_table_view_map (GtkWidget *widget)
{
  StkTableView *self = STK_TABLE_VIEW (widget);

  GTK_WIDGET_CLASS (stk_table_view_parent_class)->map (widget);

  if (self->model != NULL)
    stk_table_model_start_for_frame (self->model, gtk_widget_get_frame_clock (widget));
}

static void
stk_table_view_dispose (GObject *object)
{
  StkTableView *self = STK_TABLE_VIEW (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->expand != NULL)
    g_signal_handlers_disconnect_by_data (self->expand, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  /* Removing the columns changes the sorter: not a request to re-sort. */
  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_TABLE_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->expand);
  g_clear_object (&self->model);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);

  G_OBJECT_CLASS (stk_table_view_parent_class)->dispose (object);
}

static void
stk_table_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StkTableView *self = STK_TABLE_VIEW (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_table_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  StkTableView *self = STK_TABLE_VIEW (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_table_view_class_init (StkTableViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = stk_table_view_constructed;
  object_class->dispose = stk_table_view_dispose;
  object_class->get_property = stk_table_view_get_property;
  object_class->set_property = stk_table_view_set_property;
  widget_class->map = stk_table_view_map;

  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, STK_TABLE_KIND_ITEMS, STK_TABLE_KIND_MOVES,
                      STK_TABLE_KIND_ITEMS,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, STK_TYPE_TABLE_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ROW_ACTIVATED] =
    g_signal_new ("row-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-table-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StkTableView, stack);
  gtk_widget_class_bind_template_child (widget_class, StkTableView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, StkTableView, column_view);
  gtk_widget_class_bind_template_child (widget_class, StkTableView, empty_title);
  gtk_widget_class_bind_template_child (widget_class, StkTableView, empty_label);
  gtk_widget_class_bind_template_child (widget_class, StkTableView, status_page);
  gtk_widget_class_bind_template_callback (widget_class, column_view_activate_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
stk_table_view_init (StkTableView *self)
{
  g_type_ensure (STK_TYPE_PROBE_SORTER);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->probe_a = g_object_new (G_TYPE_OBJECT, NULL);
  self->probe_b = g_object_new (G_TYPE_OBJECT, NULL);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    /* Before the rows see it: a row would move the focus to the next row. */
    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
  }
}

/* ---- API ---- */

GtkWidget *
stk_table_view_new (StkTableKind kind)
{
  return g_object_new (STK_TYPE_TABLE_VIEW, "kind", kind, NULL);
}

void
stk_table_view_set_store (StkTableView *self,
                          StkStore     *store)
{
  g_return_if_fail (STK_IS_TABLE_VIEW (self));
  g_return_if_fail (store == NULL || STK_IS_STORE (store));

  if (self->expand != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->expand, self);
      g_clear_object (&self->expand);
    }
  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->model, self);
      g_clear_object (&self->model);
    }
  self->selected_id = 0;
  if (store != NULL)
    {
      /* Nothing is read until the list is first shown (stk_table_view_map): a window's
       * hidden lists cost nothing at launch. */
      self->model = stk_table_model_new_deferred (store, self->kind);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        stk_table_model_start_for_frame (self->model, gtk_widget_get_frame_clock (GTK_WIDGET (self)));
      g_signal_connect_swapped (self->model, "notify::loading",
                                G_CALLBACK (model_loading_cb), self);
      g_signal_connect_swapped (self->model, "items-changed",
                                G_CALLBACK (update_empty_state), self);
      g_signal_connect_swapped (self->model, "notify::search",
                                G_CALLBACK (model_query_cb), self);
      g_signal_connect_swapped (self->model, "notify::sort-column",
                                G_CALLBACK (model_query_cb), self);
      g_signal_connect_swapped (self->model, "notify::sort-descending",
                                G_CALLBACK (model_query_cb), self);
      g_signal_connect_swapped (self->model, "notify::item-id",
                                G_CALLBACK (model_query_cb), self);
      g_signal_connect_swapped (self->model, "notify::range-from",
                                G_CALLBACK (model_query_cb), self);
      g_signal_connect_swapped (self->model, "notify::range-to",
                                G_CALLBACK (model_query_cb), self);
      if (self->kind == STK_TABLE_KIND_SALES)
        {
          self->expand = stk_expand_model_new (G_LIST_MODEL (self->model), store);
          stk_expand_model_set_cancellable (self->expand, self->cancellable);
          g_signal_connect (self->expand, "toggled", G_CALLBACK (expand_toggled_cb), self);
        }
    }
  gtk_single_selection_set_model (self->selection,
                                  self->expand != NULL ? G_LIST_MODEL (self->expand)
                                                       : G_LIST_MODEL (self->model));
  sync_header_from_model (self);
  update_empty_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

StkTableModel *
stk_table_view_get_model (StkTableView *self)
{
  g_return_val_if_fail (STK_IS_TABLE_VIEW (self), NULL);

  return self->model;
}

GListModel *
stk_table_view_get_list (StkTableView *self)
{
  g_return_val_if_fail (STK_IS_TABLE_VIEW (self), NULL);

  return gtk_single_selection_get_model (self->selection);
}

StkExpandModel *
stk_table_view_get_expand_model (StkTableView *self)
{
  g_return_val_if_fail (STK_IS_TABLE_VIEW (self), NULL);

  return self->expand;
}

void
stk_table_view_set_cancellable (StkTableView *self,
                                GCancellable *cancellable)
{
  g_return_if_fail (STK_IS_TABLE_VIEW (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_set_object (&self->cancellable, cancellable);
  if (self->expand != NULL)
    stk_expand_model_set_cancellable (self->expand, cancellable);
}

GtkColumnView *
stk_table_view_get_column_view (StkTableView *self)
{
  g_return_val_if_fail (STK_IS_TABLE_VIEW (self), NULL);

  return self->column_view;
}

gpointer
stk_table_view_dup_selected (StkTableView *self)
{
  gpointer row;

  g_return_val_if_fail (STK_IS_TABLE_VIEW (self), NULL);

  row = gtk_single_selection_get_selected_item (self->selection);
  /* A line's row stands for its sale. */
  if (row != NULL && STK_IS_SALE_CHILD (row))
    row = stk_sale_child_get_sale (STK_SALE_CHILD (row));
  return row != NULL ? g_object_ref (row) : NULL;
}

gboolean
stk_table_view_select_at (StkTableView *self,
                          double        x,
                          double        y)
{
  GtkWidget *widget;

  g_return_val_if_fail (STK_IS_TABLE_VIEW (self), FALSE);

  for (widget = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);
       widget != NULL && widget != GTK_WIDGET (self);
       widget = gtk_widget_get_parent (widget))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (widget), "stk-list-item");

      if (item != NULL && gtk_list_item_get_position (item) != GTK_INVALID_LIST_POSITION)
        {
          gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (item));
          return TRUE;
        }
    }
  return FALSE;
}

void
stk_table_view_select_id (StkTableView *self,
                          gint64        id)
{
  guint position;

  g_return_if_fail (STK_IS_TABLE_VIEW (self));

  if (self->model == NULL)
    return;
  self->selected_id = id;
  position = list_position (self, stk_table_model_find_id (self->model, id));
  if (position == GTK_INVALID_LIST_POSITION)
    return; /* maybe once the model has loaded: model_loading_cb tries again */
  gtk_single_selection_set_selected (self->selection, position);
  scroll_to (self, position);
}

/**
 * stk_table_view_focus_results:
 * Moves the keyboard focus into the list, on the selected row or the first one.
 * Returns: FALSE when the list has no row.
 */
gboolean
stk_table_view_focus_results (StkTableView *self)
{
  guint position;

  g_return_val_if_fail (STK_IS_TABLE_VIEW (self), FALSE);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    return FALSE;
  position = gtk_single_selection_get_selected (self->selection);
  if (position == GTK_INVALID_LIST_POSITION)
    {
      position = 0;
      gtk_single_selection_set_selected (self->selection, position);
    }
  scroll_to (self, position);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
  return TRUE;
}
