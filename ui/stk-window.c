/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-window.h"

#include <string.h>

#include <glib/gi18n.h>

#include "stk-a11y.h"
#include "stk-backups.h"

#include "stk-flows.h"
#include "stk-format.h"
#include "stk-glib.h"
#include "stk-item-dialog.h"
#include "stk-jobs.h"
#include "stk-maintenance.h"
#include "stk-movement-dialog.h"
#include "stk-notice.h"
#include "stk-range-bar.h"
#include "stk-op.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-restore-dialog.h"
#include "stk-reports-view.h"
#include "stk-rows.h"
#include "stk-sale-details-dialog.h"
#include "stk-close-day-dialog.h"
#include "stk-sale-dialog.h"
#include "stk-sell-view.h"
#include "stk-table-view.h"

/* Sample data for an empty inventory: small, so it loads in a moment. */
#define SAMPLE_ITEMS 60
#define SAMPLE_SALES 900

/* The actions that change the inventory: enabled only with a writer (not read-only).
 * stk_window_update_actions() is the one place that decides. */
static const char * const edit_actions[] = {
  "win.new-item",
  "win.edit-item",
  "win.archive-item",
  "win.record-sale",
  "win.receive",
  "win.adjust",
  "win.import",
  "win.load-sample",
  "win.undo",
  "win.redo",
  "win.withdraw-last",
  "win.void-sale",
  "win.return-sale",
  "win.close-day",
};

/* One step of the window's undo history (kept for the window's lifetime). An archive
 * is undone and redone any number of times (its ops are made afresh each time); any
 * other change carries the one undo op its dialog gave. */
typedef struct
{
  char   *what;         /* what was done, for the notices */
  StkOp  *undo;         /* NULL for an archive step */
  gint64  archived_id;  /* > 0: an archive step of this item */
} HistoryStep;

static void
history_step_free (gpointer data)
{
  HistoryStep *step = data;

  g_free (step->what);
  g_clear_pointer (&step->undo, stk_op_unref);
  g_free (step);
}

struct _StkWindow
{
  GtkApplicationWindow  parent_instance;

  StkSession           *session;
  char                 *path;
  char                 *error_message;
  StkWriter            *writer;     /* follows the session's "writer" */
  StkStore             *store;
  GSettings            *settings;
  char                 *banner_error;

  /* Cancelled in dispose: a task finishing later must not touch the window. */
  GCancellable         *cancellable;
  guint                 refreshing : 1;
  guint                 refresh_again : 1;
  guint                 loading_sample : 1;
  gint64                select_after_load;

  /* Undo history: the last element is the most recent. */
  GPtrArray            *undo_stack;
  GPtrArray            *redo_stack;
  guint                 history_busy : 1;
  guint                 empty : 1;
  /* The list whose search the entry's text is (each view keeps its own). */
  StkTableView         *search_view;

  StkTableView         *items_view;
  StkTableView         *sales_view;
  StkTableView         *moves_view;
  StkReportsView       *reports_view;
  StkSaleDetailsDialog *sale_details;  /* the one open (until hidden or destroyed) */
  StkCloseDayDialog    *close_day;     /* the one open (until hidden or destroyed) */
  StkSellView          *sell_view;

  /* Template widgets */
  AdwViewSwitcherTitle *view_switcher;
  AdwViewSwitcherBar   *switcher_bar;
  GtkStack             *action_stack;
  GtkWidget            *items_action_bar;
  GtkWidget            *sales_action_bar;
  GtkWidget            *moves_action_bar;
  AdwHeaderBar         *header_bar;
  GtkSearchEntry       *search_entry;
  GtkButton            *new_item_button;
  GtkRevealer          *banner_revealer;
  GtkLabel             *banner_label;
  GtkButton            *switch_button;
  GtkStack             *main_stack;
  AdwViewStack         *view_stack;
  GtkBox               *items_box;
  GtkBox               *sales_box;
  GtkBox               *moves_box;
  StkRangeBar          *sales_range;   /* the dates of the Sales list */
  StkRangeBar          *moves_range;   /* … of Stock Moves, and the item it shows */
  GtkBox               *reports_box;
  GtkBox               *sell_box;
  GtkLabel             *empty_path_label;
  GtkLabel             *error_label;
  StkNotice            *notice;
  GtkWidget            *status_separator;
  GtkWidget            *status_box;
  GtkImage             *status_icon;
  GtkLabel             *status_label;
  GtkWidget            *withdraw_button;
  GtkLabel             *path_label;
  GtkLabel             *count_label;
};

G_DEFINE_FINAL_TYPE (StkWindow, stk_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void stk_window_update_actions (StkWindow *self);
static void stk_window_push_history   (StkWindow  *self,
                                       const char *what,
                                       StkOp      *undo_op,
                                       gint64      archived_id);

static gboolean
stk_window_can_write (StkWindow *self)
{
  return self->session != NULL && self->writer != NULL &&
         !stk_session_get_read_only (self->session);
}

static StkTableView *
stk_window_get_visible_table (StkWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  if (g_strcmp0 (name, "items") == 0)
    return self->items_view;
  if (g_strcmp0 (name, "sales") == 0)
    return self->sales_view;
  if (g_strcmp0 (name, "moves") == 0)
    return self->moves_view;
  return NULL;
}

static StkItemRow *
stk_window_dup_selected_item (StkWindow *self)
{
  gpointer row;

  if (self->items_view == NULL)
    return NULL;
  row = stk_table_view_dup_selected (self->items_view);
  if (row != NULL && !STK_IS_ITEM_ROW (row))
    g_clear_object (&row);
  return row;
}

/* The sale selected in the Sales list, while that list is shown. */
static StkSaleRow *
stk_window_dup_selected_sale (StkWindow *self)
{
  gpointer row;

  if (self->sales_view == NULL || stk_window_get_visible_table (self) != self->sales_view)
    return NULL;
  row = stk_table_view_dup_selected (self->sales_view);
  if (row != NULL && !STK_IS_SALE_ROW (row))
    g_clear_object (&row);
  return row;
}

/* The code of the item the user is looking at, to start a dialog with. */
static char *
stk_window_dup_selected_code (StkWindow *self)
{
  StkTableView *view = stk_window_get_visible_table (self);
  g_autoptr(GObject) row = NULL;

  if (view == NULL)
    return NULL;
  row = stk_table_view_dup_selected (view);
  if (row == NULL)
    return NULL;
  if (STK_IS_ITEM_ROW (row))
    return g_strdup (stk_item_row_get_code (STK_ITEM_ROW (row)));
  if (STK_IS_SALE_ROW (row))
    return g_strdup (stk_sale_row_get_code (STK_SALE_ROW (row)));
  if (STK_IS_MOVE_ROW (row))
    return g_strdup (stk_move_row_get_code (STK_MOVE_ROW (row)));
  return NULL;
}

/* ---------------------------------------------------------------------------------- */
/* Figures (empty state)                                                             */

/* The view switcher (in the header bar, or in the bottom bar when the window is too
 * narrow for it there) and the action bar of the view shown: only while the views show
 * (not the welcome page nor the error page). */
static void
stk_window_update_chrome (StkWindow *self)
{
  gboolean views = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "views") == 0;
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  adw_view_switcher_title_set_view_switcher_enabled (self->view_switcher, views);
  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    views &&
                                    adw_view_switcher_title_get_title_visible (self->view_switcher));
  if (name != NULL && gtk_stack_get_child_by_name (self->action_stack, name) != NULL)
    gtk_stack_set_visible_child_name (self->action_stack, name);
  /* Reports and Sell have no action bar. */
  gtk_widget_set_visible (GTK_WIDGET (self->action_stack),
                          views && name != NULL &&
                          gtk_stack_get_child_by_name (self->action_stack, name) != NULL);
}

static void
switcher_title_visible_cb (StkWindow *self)
{
  stk_window_update_chrome (self);
}

static void
stk_window_show_error (StkWindow  *self,
                       const char *message)
{
  g_assert (STK_IS_WINDOW (self));

  gtk_label_set_text (self->error_label, message);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
  stk_window_update_chrome (self);
  gtk_widget_set_visible (GTK_WIDGET (self->search_entry), FALSE);
  gtk_widget_set_visible (self->status_separator, FALSE);
  gtk_widget_set_visible (self->status_box, FALSE);
}

static void
stk_window_show_stats (StkWindow *self,
                       gboolean   has_items)
{
  gboolean empty = !has_items;

  g_assert (STK_IS_WINDOW (self));

  self->empty = empty;
  gtk_stack_set_visible_child_name (self->main_stack, empty ? "empty" : "views");
  stk_window_update_chrome (self);
  gtk_widget_set_visible (GTK_WIDGET (self->search_entry),
                          !empty && stk_window_get_visible_table (self) != NULL);
}

static void
stk_window_get_stats_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean has_items = FALSE;
  StkWindow *self;
  gboolean ok;

  ok = stk_store_has_items_finish (STK_STORE (object), result, &has_items, &error);
  /* The window may be gone: it cancelled the read in dispose. Do not touch it then. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = STK_WINDOW (user_data);
  self->refreshing = FALSE;

  if (!ok)
    {
      g_debug ("Cannot read the inventory’s figures: %s", error->message);
      stk_window_show_error (self, error->message);
      return;
    }

  stk_window_show_stats (self, has_items);

  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      stk_window_refresh (self);
    }
}

static void
stk_window_refresh_stats (StkWindow *self)
{
  if (self->store == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }
  self->refreshing = TRUE;

  /* Only whether there is any item (the empty state): not the figures, whose scans
   * grow with the inventory and would run at launch and after every change. */
  stk_store_has_items_async (self->store, self->cancellable, stk_window_get_stats_cb, self);
}

/**
 * stk_window_refresh:
 * Reloads the lists (keeping selection and scroll), the reports and the figures that
 * decide the empty state; the slow parts run off the main thread.
 */
void
stk_window_refresh (StkWindow *self)
{
  g_return_if_fail (STK_IS_WINDOW (self));

  if (self->store == NULL)
    return;

  if (self->items_view != NULL)
    {
      stk_table_model_reload (stk_table_view_get_model (self->items_view));
      stk_table_model_reload (stk_table_view_get_model (self->sales_view));
      stk_table_model_reload (stk_table_view_get_model (self->moves_view));
    }
  if (self->reports_view != NULL)
    stk_reports_view_reload (self->reports_view);
  /* The shop's payment methods may have changed (Preferences, another computer). */
  if (self->sell_view != NULL)
    stk_sell_view_reload_shop_settings (self->sell_view);
  stk_window_refresh_stats (self);
}

/* ---------------------------------------------------------------------------------- */
/* Status, banner, title, actions                                                   */

static void
stk_window_update_status (StkWindow *self)
{
  g_autofree char *text = NULL;
  const char *icon_name;

  g_assert (STK_IS_WINDOW (self));

  if (self->session == NULL)
    return;

  if (self->writer == NULL)
    {
      text = g_strdup (_("Read-only"));
      icon_name = "changes-prevent-symbolic";
    }
  else
    {
      StkWriterState state = stk_writer_get_state (self->writer);
      guint pending = stk_writer_get_pending (self->writer);

      switch (state)
        {
        case STK_WRITER_STATE_LOCKED:
        case STK_WRITER_STATE_PROBING:
          /* Translators: the inventory is held by another program; changes are queued. */
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "Database locked — %u change waiting",
                                               "Database locked — %u changes waiting",
                                               pending),
                                  pending);
          icon_name = "changes-prevent-symbolic";
          break;

        case STK_WRITER_STATE_READY:
        case STK_WRITER_STATE_RETRYING:
        case STK_WRITER_STATE_CLOSED:
        default:
          if (pending > 0 || self->loading_sample)
            {
              text = g_strdup (_("Saving…"));
              icon_name = "emblem-synchronizing-symbolic";
            }
          else
            {
              text = g_strdup (_("All changes saved"));
              icon_name = "emblem-ok-symbolic";
            }
          break;
        }
    }

  gtk_label_set_text (self->status_label, text);
  gtk_image_set_from_icon_name (self->status_icon, icon_name);
}

/* The inventory's name as the user knows it: its file's, without the .db. */
static char *
stk_window_inventory_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *display = g_filename_display_name (base);
  char *dot = strrchr (display, '.');

  if (dot != NULL && dot != display &&
      (g_ascii_strcasecmp (dot, ".db") == 0 || g_ascii_strcasecmp (dot, ".sqlite") == 0))
    *dot = '\0';
  return g_steal_pointer (&display);
}

static void
stk_window_update_banner (StkWindow *self)
{
  g_autofree char *text = NULL;
  gboolean read_only;
  gboolean can_edit;
  const char *holder;

  if (self->session == NULL)
    {
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      return;
    }

  read_only = stk_session_get_read_only (self->session);
  can_edit = stk_session_get_can_edit (self->session);
  holder = stk_session_get_holder (self->session);

  {
    g_autofree char *name = stk_window_inventory_name (stk_session_get_path (self->session));
    g_autofree char *title = NULL;
    const char *app_title = read_only ? _("Stocktake (read-only)") : _("Stocktake");

    /* Translators: the window's title: "Stocktake" or "Stocktake (read-only)", then
     * the inventory's name */
    title = g_strdup_printf (_("%s — %s"), app_title, name);
    gtk_window_set_title (GTK_WINDOW (self), title);
    /* The header bar shows them where the view switcher does not fit. */
    adw_view_switcher_title_set_title (self->view_switcher, app_title);
    adw_view_switcher_title_set_subtitle (self->view_switcher, name);
  }

  if (!read_only)
    {
      g_clear_pointer (&self->banner_error, g_free);
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      return;
    }

  if (self->banner_error != NULL)
    text = g_strdup_printf (_("Could not switch to editing: %s"), self->banner_error);
  else if (can_edit)
    text = g_strdup (_("Read-only. The other Stocktake window has closed this inventory: "
                       "you can edit it here now."));
  else if (holder != NULL && holder[0] != '\0')
    /* Translators: %s names who edits the inventory, e.g. "alice on host “box”, since 14:03 (process 12)" */
    text = g_strdup_printf (_("Read-only. This inventory is open for editing in another "
                              "Stocktake window — %s. You can look, but not change anything."),
                            holder);
  else
    text = g_strdup (_("Read-only. Another Stocktake program is editing this inventory, or "
                       "its folder cannot be written. You can look, but not change anything."));

  gtk_label_set_text (self->banner_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->switch_button), can_edit);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

/* The one place that decides which actions are enabled. */
static void
stk_window_update_actions (StkWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(StkItemRow) item = NULL;
  gboolean can_write = stk_window_can_write (self);
  gboolean has_session = self->session != NULL;
  gboolean read_only = has_session && stk_session_get_read_only (self->session);

  item = stk_window_dup_selected_item (self);

  for (guint i = 0; i < G_N_ELEMENTS (edit_actions); i++)
    gtk_widget_action_set_enabled (widget, edit_actions[i], can_write);
  /* An item's history is a read: read-only too. */
  gtk_widget_action_set_enabled (widget, "win.item-history",
                                 item != NULL && self->items_view != NULL &&
                                 stk_window_get_visible_table (self) == self->items_view);

  if (can_write)
    {
      /* Only the Items view acts on an item: never a sale's or a movement's item. */
      gboolean in_items = self->items_view != NULL &&
                          stk_window_get_visible_table (self) == self->items_view;

      gtk_widget_action_set_enabled (widget, "win.edit-item", in_items && item != NULL);
      gtk_widget_action_set_enabled (widget, "win.archive-item", in_items && item != NULL);
      gtk_widget_action_set_enabled (widget, "win.load-sample", !self->loading_sample);
      gtk_widget_action_set_enabled (widget, "win.undo",
                                     self->undo_stack->len > 0 && !self->history_busy);
      gtk_widget_action_set_enabled (widget, "win.redo",
                                     self->redo_stack->len > 0 && !self->history_busy);
    }
  /* A change waits for a locked inventory: it can be withdrawn. */
  {
    gboolean waiting = FALSE;

    if (can_write)
      {
        StkWriterState state = stk_writer_get_state (self->writer);

        waiting = (state == STK_WRITER_STATE_LOCKED || state == STK_WRITER_STATE_PROBING) &&
                  stk_writer_get_pending (self->writer) > 0;
      }
    gtk_widget_action_set_enabled (widget, "win.withdraw-last", waiting);
    gtk_widget_set_visible (self->withdraw_button, waiting);
  }

  /* The Sales list's row actions: on the sale selected there, the edits only with a
   * writer (a details dialog left open follows, read-only or not). */
  {
    g_autoptr(StkSaleRow) sale = stk_window_dup_selected_sale (self);

    gtk_widget_action_set_enabled (widget, "win.sale-details", sale != NULL);
    gtk_widget_action_set_enabled (widget, "win.print-receipt", sale != NULL);
    gtk_widget_action_set_enabled (widget, "win.void-sale",
                                   can_write && sale != NULL && !stk_sale_row_get_voided (sale) &&
                                   stk_sale_row_get_returned_quantity (sale) == 0);
    gtk_widget_action_set_enabled (widget, "win.return-sale",
                                   can_write && sale != NULL && !stk_sale_row_get_voided (sale) &&
                                   stk_sale_row_get_status (sale) != STK_SALE_STATUS_RETURNED);
    if (self->sale_details != NULL)
      stk_sale_details_dialog_set_writer (self->sale_details, can_write ? self->writer : NULL);
  }
  /* Close the Day… left open follows too (win.close-day is an edit action). */
  if (self->close_day != NULL)
    stk_close_day_dialog_set_writer (self->close_day, can_write ? self->writer : NULL);
  /* The till sells only with a writer; read-only, it says why. */
  if (self->sell_view != NULL)
    stk_sell_view_set_writer (self->sell_view, can_write ? self->writer : NULL,
                              read_only ? _("Read-only: no sale can be recorded here. See the "
                                            "banner above.")
                                        : NULL);

  gtk_widget_action_set_enabled (widget, "win.export", has_session);
  gtk_widget_action_set_enabled (widget, "win.backup", has_session);
  /* Read-only, the dialog lists the backups but cannot restore one. */
  gtk_widget_action_set_enabled (widget, "win.restore", has_session);
  gtk_widget_action_set_enabled (widget, "win.verify", has_session);
  gtk_widget_action_set_enabled (widget, "win.refresh", has_session);
  gtk_widget_action_set_enabled (widget, "win.focus-search", has_session);
  gtk_widget_action_set_enabled (widget, "win.switch-to-editing",
                                 read_only && stk_session_get_can_edit (self->session));
}

static void
stk_window_writer_notify_cb (StkWindow  *self,
                             GParamSpec *pspec,
                             StkWriter  *writer)
{
  stk_window_update_status (self);
  stk_window_update_actions (self);
}

static void
stk_window_set_writer (StkWindow *self,
                       StkWriter *writer)
{
  if (self->writer == writer)
    return;

  if (self->writer != NULL)
    g_signal_handlers_disconnect_by_data (self->writer, self);
  g_set_object (&self->writer, writer);
  if (self->writer != NULL)
    {
      g_signal_connect_object (self->writer, "notify::state",
                               G_CALLBACK (stk_window_writer_notify_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->writer, "notify::pending",
                               G_CALLBACK (stk_window_writer_notify_cb), self,
                               G_CONNECT_SWAPPED);
    }
}

static void
stk_window_session_state_cb (StkWindow  *self,
                             GParamSpec *pspec,
                             StkSession *session)
{
  stk_window_set_writer (self, stk_session_get_writer (session));
  stk_window_update_actions (self);
  stk_window_update_banner (self);
  stk_window_update_status (self);
}

static void
stk_window_session_changed_cb (StkWindow  *self,
                               guint       changes,
                               StkSession *session)
{
  if (changes & (STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES | STK_CHANGE_EXTERNAL))
    stk_window_refresh (self);
}

/* ---------------------------------------------------------------------------------- */
/* Saved notice and undo                                                             */

static void
stk_window_select_pending (StkWindow *self)
{
  StkTableModel *model;

  if (self->select_after_load <= 0 || self->items_view == NULL)
    return;
  model = stk_table_view_get_model (self->items_view);
  if (stk_table_model_get_loading (model))
    return;
  stk_table_view_select_id (self->items_view, self->select_after_load);
  self->select_after_load = 0;
}

static void
stk_window_items_loading_cb (StkWindow     *self,
                             GParamSpec    *pspec,
                             StkTableModel *model)
{
  stk_window_select_pending (self);
}

static void
stk_window_saved_cb (StkWindow  *self,
                     const char *text,
                     StkOp      *undo_op,
                     gint64      item_id,
                     GtkWindow  *dialog)
{
  stk_notice_show (self->notice, text, stk_window_can_write (self) ? undo_op : NULL);
  if (undo_op != NULL)
    stk_window_push_history (self, text, undo_op, 0);
  if (item_id > 0)
    {
      /* Selected once the reload that follows the commit has found it. */
      self->select_after_load = item_id;
      stk_window_select_pending (self);
    }
}

typedef struct
{
  StkWindow   *window;
  HistoryStep *step;
  gboolean     redo;
} HistoryRun;

static void
stk_window_history_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  HistoryRun *run = user_data;
  g_autoptr(StkWindow) self = run->window;
  HistoryStep *step = run->step;
  gboolean redo = run->redo;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_free (run);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      history_step_free (step);
      return;
    }
  self->history_busy = FALSE;

  if (!stk_writer_submit_finish (STK_WRITER (object), result, &error))
    {
      text = g_strdup_printf (redo ? _("Could not redo: %s") : _("Could not undo: %s"),
                              error->message);
      /* An archive step can be tried again; a spent undo op cannot. */
      if (step->archived_id > 0)
        g_ptr_array_add (redo ? self->redo_stack : self->undo_stack, step);
      else
        history_step_free (step);
    }
  else
    {
      /* Translators: %s says what was undone or redone, e.g. "Saved: new item “A1”" */
      text = g_strdup_printf (redo ? _("Redone: %s") : _("Undone: %s"), step->what);
      /* Only an archive step can be redone: its ops are made afresh. */
      if (step->archived_id > 0)
        g_ptr_array_add (redo ? self->undo_stack : self->redo_stack, step);
      else
        history_step_free (step);
    }
  stk_notice_show (self->notice, text, NULL);
  stk_window_update_actions (self);
}

/* Takes the last step of the undo (or redo) history and runs it through the writer. */
static gboolean
stk_window_run_history (StkWindow *self,
                        gboolean   redo)
{
  GPtrArray *stack = redo ? self->redo_stack : self->undo_stack;
  HistoryStep *step;
  HistoryRun *run;
  g_autoptr(StkOp) op = NULL;

  if (!stk_window_can_write (self) || self->history_busy || stack->len == 0)
    return FALSE;

  step = g_ptr_array_steal_index (stack, stack->len - 1);
  if (step->archived_id > 0)
    op = stk_op_set_archived (step->archived_id, redo);
  else
    op = stk_op_ref (step->undo);

  run = g_new0 (HistoryRun, 1);
  run->window = g_object_ref (self);
  run->step = step;
  run->redo = redo;
  self->history_busy = TRUE;
  stk_notice_dismiss (self->notice);
  stk_window_update_actions (self);
  stk_writer_submit (self->writer, op, NULL, stk_window_history_cb, run);
  return TRUE;
}

/* A change was saved: it goes on top of the undo history, and the redo history is
 * dropped (it redoes from another past). */
static void
stk_window_push_history (StkWindow  *self,
                         const char *what,
                         StkOp      *undo_op,
                         gint64      archived_id)
{
  HistoryStep *step = g_new0 (HistoryStep, 1);

  step->what = g_strdup (what);
  step->undo = undo_op != NULL ? stk_op_ref (undo_op) : NULL;
  step->archived_id = archived_id;
  g_ptr_array_add (self->undo_stack, step);
  g_ptr_array_set_size (self->redo_stack, 0);
  stk_window_update_actions (self);
}

/* The notice's Undo button undoes its own change: the last step of the history. */
static void
notice_undo_cb (StkWindow *self,
                StkOp     *undo_op,
                StkNotice *notice)
{
  stk_window_run_history (self, FALSE);
}

static void
notice_can_undo_cb (StkWindow *self)
{
  stk_window_update_actions (self);
}

/* ---------------------------------------------------------------------------------- */
/* Actions                                                                           */

static void
stk_window_dialog_notice_cb (StkWindow  *self,
                             const char *text,
                             GtkWindow  *dialog)
{
  stk_notice_show (self->notice, text, NULL);
}

static gboolean
dialog_is_waiting (GtkWindow *w)
{
  if (STK_IS_ITEM_DIALOG (w))
    return stk_item_dialog_get_pending (STK_ITEM_DIALOG (w));
  if (STK_IS_SALE_DIALOG (w))
    return stk_sale_dialog_get_pending (STK_SALE_DIALOG (w));
  if (STK_IS_MOVEMENT_DIALOG (w))
    return stk_movement_dialog_get_pending (STK_MOVEMENT_DIALOG (w));
  return FALSE;
}

void
stk_window_set_aside_waiting (StkWindow *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (STK_IS_WINDOW (self));

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (w) == GTK_WINDOW (self) && dialog_is_waiting (w))
        g_ptr_array_add (waiting, g_object_ref (w));
    }
  /* Destroyed, not closed: closing would withdraw. The dialog object lives on until
   * its change is answered, and still announces the outcome here. */
  for (guint i = 0; i < waiting->len; i++)
    gtk_window_destroy (g_ptr_array_index (waiting, i));
  stk_window_update_actions (self);
}

static void
withdraw_last_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  g_autoptr(GPtrArray) ops = NULL;
  g_autofree char *text = NULL;
  StkOp *op;

  if (!stk_window_can_write (self))
    return;
  ops = stk_writer_list_pending (self->writer);
  if (ops->len == 0)
    return;
  op = g_ptr_array_index (ops, ops->len - 1);
  if (stk_writer_withdraw (self->writer, op) == STK_WITHDRAW_WITHDRAWN)
    /* Translators: the user withdrew a waiting change; %s describes it */
    text = g_strdup_printf (_("Change withdrawn, not saved: %s"), stk_op_get_description (op));
  else
    /* Translators: too late to withdraw; %s describes the change */
    text = g_strdup_printf (_("Could not withdraw, it is being saved: %s"),
                            stk_op_get_description (op));
  stk_notice_show (self->notice, text, NULL);
  stk_window_update_actions (self);
}

static void
stk_window_present_dialog (StkWindow *self,
                           GtkWindow *dialog)
{
  g_signal_connect_object (dialog, "saved", G_CALLBACK (stk_window_saved_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "withdrawn", G_CALLBACK (stk_window_dialog_notice_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "failed", G_CALLBACK (stk_window_dialog_notice_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (dialog);
}

static void
new_item_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  StkItemDialog *dialog = stk_item_dialog_new (GTK_WINDOW (self), self->writer, NULL);

  stk_item_dialog_set_store (dialog, self->store);
  stk_window_present_dialog (self, GTK_WINDOW (dialog));
}

static void
edit_item_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  g_autoptr(StkItemRow) row = stk_window_dup_selected_item (self);
  StkItemInfo info = { 0 };
  StkItemDialog *dialog;

  if (row == NULL)
    return;

  info.id = stk_item_row_get_id (row);
  info.code = (char *) stk_item_row_get_code (row);
  info.description = (char *) stk_item_row_get_description (row);
  info.on_hand = stk_item_row_get_on_hand (row);
  info.unit_price_cents = stk_item_row_get_unit_price_cents (row);
  info.reorder_level = stk_item_row_get_reorder_level (row);
  dialog = stk_item_dialog_new (GTK_WINDOW (self), self->writer, &info);
  /* Its barcodes are read from the store. */
  stk_item_dialog_set_store (dialog, self->store);
  stk_window_present_dialog (self, GTK_WINDOW (dialog));
}

/* Stock Moves narrowed to one item, newest first, with "History of CODE — Show All". */
static void
stk_window_show_item_history (StkWindow  *self,
                              gint64      item_id,
                              const char *code)
{
  StkTableModel *model;

  if (self->moves_view == NULL || item_id <= 0)
    return;
  model = stk_table_view_get_model (self->moves_view);
  /* The item's whole history: not only what a search typed there before would match. */
  stk_table_model_set_search (model, NULL);
  stk_range_bar_set_item (self->moves_range, item_id, code);
  adw_view_stack_set_visible_child_name (self->view_stack, "moves");
  gtk_widget_grab_focus (GTK_WIDGET (stk_table_view_get_column_view (self->moves_view)));
}

static void
item_history_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);

  if (param != NULL)
    {
      const char *code = NULL;
      gint64 id = 0;

      g_variant_get (param, "(x&s)", &id, &code);
      stk_window_show_item_history (self, id, code);
    }
  else
    {
      g_autoptr(StkItemRow) row = stk_window_dup_selected_item (self);

      if (row != NULL)
        stk_window_show_item_history (self, stk_item_row_get_id (row),
                                      stk_item_row_get_code (row));
    }
}

typedef struct
{
  StkWindow *window;
  gint64     item_id;
  char      *code;
} ArchiveData;

static void
archive_data_free (ArchiveData *data)
{
  g_clear_object (&data->window);
  g_free (data->code);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArchiveData, archive_data_free)

static void
archive_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ArchiveData) data = user_data;
  StkWindow *self = data->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) undo = NULL;
  g_autofree char *text = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (!stk_writer_submit_finish (STK_WRITER (object), result, &error))
    {
      text = g_strdup_printf (_("Could not archive “%s”: %s"), data->code, error->message);
      stk_notice_show (self->notice, text, NULL);
      return;
    }

  undo = stk_op_set_archived (data->item_id, FALSE);
  /* Translators: shown after an item was archived; %s is its code */
  text = g_strdup_printf (_("Saved: “%s” archived"), data->code);
  stk_notice_show (self->notice, text, stk_window_can_write (self) ? undo : NULL);
  stk_window_push_history (self, text, NULL, data->item_id);
}

static void
archive_item_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  g_autoptr(StkItemRow) row = stk_window_dup_selected_item (self);
  g_autoptr(StkOp) op = NULL;
  ArchiveData *data;

  /* Only the item the Items view shows selected: never from another view. */
  if (row == NULL || stk_window_get_visible_table (self) != self->items_view)
    return;

  data = g_new0 (ArchiveData, 1);
  data->window = g_object_ref (self);
  data->item_id = stk_item_row_get_id (row);
  data->code = g_strdup (stk_item_row_get_code (row));
  op = stk_op_set_archived (data->item_id, TRUE);
  stk_writer_submit (self->writer, op, NULL, archive_done_cb, data);
}

static void
record_sale_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  g_autofree char *code = stk_window_dup_selected_code (self);

  stk_window_present_dialog (self, GTK_WINDOW (stk_sale_dialog_new (GTK_WINDOW (self),
                                                                    self->writer, self->store,
                                                                    code)));
}

static void
sale_details_notice_cb (StkWindow  *self,
                        const char *text)
{
  stk_notice_show (self->notice, text, NULL);
}

static void
sale_details_destroy_cb (StkWindow *self,
                         GtkWidget *dialog)
{
  if (self->sale_details == (gpointer) dialog)
    self->sale_details = NULL;
}

/* The selected sale's details dialog, doing @start once the sale is read (one such
 * dialog at a time: another sale replaces it). */
static void
stk_window_open_sale (StkWindow           *self,
                      StkSaleDetailsStart  start)
{
  g_autoptr(StkSaleRow) sale = stk_window_dup_selected_sale (self);
  StkSaleDetailsDialog *dialog;

  if (sale == NULL || self->store == NULL)
    return;
  if (self->sale_details != NULL)
    gtk_window_destroy (GTK_WINDOW (self->sale_details));
  dialog = stk_sale_details_dialog_new (GTK_WINDOW (self),
                                        stk_window_can_write (self) ? self->writer : NULL,
                                        self->store, self->settings,
                                        stk_sale_row_get_id (sale), start);
  self->sale_details = dialog;
  /* Closed: hidden at once, disposed once a change it waits for is answered. */
  g_signal_connect_object (dialog, "hide", G_CALLBACK (sale_details_destroy_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (sale_details_destroy_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "notice", G_CALLBACK (sale_details_notice_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_day_destroy_cb (StkWindow *self,
                      GtkWidget *dialog)
{
  if (self->close_day == (gpointer) dialog)
    self->close_day = NULL;
}

/* Close the Day…: one such dialog at a time (asked again, the open one comes up). */
static void
close_day_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  StkCloseDayDialog *dialog;

  if (!stk_window_can_write (self) || self->store == NULL)
    return;
  if (self->close_day != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->close_day));
      return;
    }
  dialog = stk_close_day_dialog_new (GTK_WINDOW (self), self->writer, self->store, self->settings);
  self->close_day = dialog;
  /* Closed: hidden at once, disposed once the close it waits for is answered. */
  g_signal_connect_object (dialog, "hide", G_CALLBACK (close_day_destroy_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (close_day_destroy_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "notice", G_CALLBACK (sale_details_notice_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A close of the day activated in the Reports view: its day report, as recorded (the
 * Close the Day dialog opened on it; it only reads, read-only too). */
static void
stk_window_day_close_activated_cb (StkWindow      *self,
                                   gint64          close_id,
                                   StkReportsView *view)
{
  StkCloseDayDialog *dialog;

  if (self->store == NULL || close_id <= 0)
    return;
  dialog = stk_close_day_dialog_new_for_close (GTK_WINDOW (self), self->store, self->settings,
                                               close_id);
  g_signal_connect_object (dialog, "notice", G_CALLBACK (sale_details_notice_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sale_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);

  if (g_str_equal (action_name, "win.void-sale"))
    stk_window_open_sale (self, STK_SALE_DETAILS_VOID);
  else if (g_str_equal (action_name, "win.return-sale"))
    stk_window_open_sale (self, STK_SALE_DETAILS_RETURN);
  else if (g_str_equal (action_name, "win.print-receipt"))
    stk_window_open_sale (self, STK_SALE_DETAILS_PRINT);
  else
    stk_window_open_sale (self, STK_SALE_DETAILS_SHOW);
}

static void
movement_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  g_autofree char *code = stk_window_dup_selected_code (self);
  StkMovementKind kind = g_str_equal (action_name, "win.receive") ? STK_MOVEMENT_RECEIVE
                                                                 : STK_MOVEMENT_ADJUSTMENT;

  stk_window_present_dialog (self, GTK_WINDOW (stk_movement_dialog_new (GTK_WINDOW (self),
                                                                        self->writer,
                                                                        self->store, kind,
                                                                        code)));
}

static gboolean
parse_table (GVariant *param,
             StkTable *out_table)
{
  if (param == NULL || !g_variant_is_of_type (param, G_VARIANT_TYPE_STRING))
    return FALSE;
  return stk_table_from_string (g_variant_get_string (param, NULL), out_table);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  StkTable table;

  if (parse_table (param, &table))
    stk_flow_import (GTK_WINDOW (self), self->session, table, NULL, NULL);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  StkTable table;

  if (parse_table (param, &table))
    stk_flow_export (GTK_WINDOW (self), self->session, table, NULL, NULL);
}

static void
backup_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);

  stk_flow_backup (GTK_WINDOW (self), self->session, NULL, NULL);
}

static void
restore_restored_cb (StkWindow        *self,
                     const char       *message,
                     StkRestoreDialog *dialog)
{
  stk_notice_show (self->notice, message, NULL);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  g_autofree char *setting = NULL;
  g_autofree char *folder = NULL;
  StkRestoreDialog *dialog;

  if (self->session == NULL)
    return;
  if (self->settings != NULL)
    setting = g_settings_get_string (self->settings, "backup-folder");
  folder = stk_backup_resolve_folder (setting);
  dialog = stk_restore_dialog_new (GTK_WINDOW (self), self->session, folder);
  g_signal_connect_object (dialog, "restored", G_CALLBACK (restore_restored_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);

  stk_flow_verify (GTK_WINDOW (self), self->session, NULL, NULL);
}

/* The data layer's job, on this thread: the window may be gone by then (its dispose
 * cancels self->cancellable), so the result is asked before self is touched. */
static void
load_sample_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  StkWindow *self;
  gboolean ok;

  ok = stk_generate_finish (STK_WRITER (object), result, &error);
  if (stk_job_was_cancelled (result))
    return;

  self = STK_WINDOW (user_data);
  self->loading_sample = FALSE;
  if (!ok)
    text = g_strdup_printf (_("Could not load the sample data: %s"), error->message);
  else
    text = g_strdup (_("Saved: sample data loaded"));
  stk_notice_show (self->notice, text, NULL);
  stk_window_update_actions (self);
  stk_window_update_status (self);
  stk_window_refresh (self);
}

static void
load_sample_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);

  if (self->loading_sample)
    return;
  self->loading_sample = TRUE;
  stk_window_update_actions (self);
  stk_window_update_status (self);

  /* Through the writer, on the data layer's worker thread, never the main loop. */
  stk_generate_async (self->writer, SAMPLE_ITEMS, SAMPLE_SALES, (guint32) g_random_int (),
                      self->cancellable, NULL, NULL, load_sample_cb, self);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  stk_window_run_history (STK_WINDOW (widget), g_str_equal (action_name, "win.redo"));
}

static void
show_view_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  const char *name = g_variant_get_string (param, NULL);

  if (!adw_view_switcher_title_get_view_switcher_enabled (self->view_switcher))
    return;
  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

static void
switch_to_editing_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->banner_error, g_free);
  if (!stk_session_switch_to_editing (self->session, &error))
    self->banner_error = g_strdup (error->message);
  /* Success is announced through notify::read-only / notify::writer. */
  stk_window_session_state_cb (self, NULL, self->session);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  StkWindow *self = STK_WINDOW (widget);

  if (gtk_widget_get_visible (GTK_WIDGET (self->search_entry)))
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  stk_window_refresh (STK_WINDOW (widget));
}

/* ---------------------------------------------------------------------------------- */
/* Search and views                                                                  */

/* The entry's text becomes the search of the list it belongs to (each view keeps
 * its own search). */
static void
stk_window_apply_search (StkWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  StkTableModel *model;

  if (self->search_view == NULL)
    return;
  model = stk_table_view_get_model (self->search_view);
  if (g_strcmp0 (stk_table_model_get_search (model) ? stk_table_model_get_search (model) : "",
                 text) != 0)
    stk_table_model_set_search (model, text);
}

static void
search_changed_cb (StkWindow      *self,
                   GtkSearchEntry *entry)
{
  stk_window_apply_search (self);
}

/* Down in the search field goes into the results. */
static gboolean
search_key_pressed_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       StkWindow             *self)
{
  if ((keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down) ||
      (state & gtk_accelerator_get_default_mod_mask ()) != 0 || self->search_view == NULL)
    return FALSE;
  /* The results are those of the text as typed, not of the delayed search. */
  stk_window_apply_search (self);
  return stk_table_view_focus_results (self->search_view);
}

/* "20 000 items" / "1 sale" / "3 stock moves": how many rows the visible list holds (as
 * searched), once its count is in; nothing for Reports or while the count is on its way. */
static void
stk_window_update_count (StkWindow *self)
{
  StkTableView *view = stk_window_get_visible_table (self);
  StkTableModel *model = view != NULL ? stk_table_view_get_model (view) : NULL;
  g_autofree char *number = NULL;
  g_autofree char *text = NULL;
  guint n;

  if (model == NULL || self->empty || stk_table_model_get_loading (model))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->count_label), FALSE);
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  number = stk_format_count (n);
  if (view == self->items_view)
    /* Translators: the number of rows of the Items list, in the status line */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s item", "%s items", n), number);
  else if (view == self->sales_view)
    /* Translators: the number of rows of the Sales list, in the status line */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s sale", "%s sales", n), number);
  else
    /* Translators: the number of rows of the Stock Moves list, in the status line */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s stock move", "%s stock moves", n),
                            number);
  gtk_label_set_text (self->count_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), TRUE);
}

static void
view_changed_cb (StkWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);
  StkTableView *view = stk_window_get_visible_table (self);
  const char *placeholder = NULL;

  if (name == NULL)
    return;

  stk_window_update_chrome (self);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-view", name);

  /* The text typed so far belongs to the list it was typed for. */
  stk_window_apply_search (self);
  self->search_view = view;
  if (view != NULL)
    {
      const char *search = stk_table_model_get_search (stk_table_view_get_model (view));

      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                     search ? search : "") != 0)
        gtk_editable_set_text (GTK_EDITABLE (self->search_entry), search ? search : "");
    }
  /* Reports has no list to search: no search field there. */
  gtk_widget_set_visible (GTK_WIDGET (self->search_entry), view != NULL && !self->empty);
  if (view == self->items_view)
    placeholder = _("Search items");
  else if (view == self->sales_view)
    placeholder = _("Search sales by code");
  else if (view == self->moves_view)
    placeholder = _("Search moves by code");
  else
    /* Reports: the entry is off; it must not name a list that is not shown. */
    placeholder = _("Search");
  g_object_set (self->search_entry, "placeholder-text", placeholder, NULL);
  stk_window_update_actions (self);
  stk_window_update_count (self);
  /* At the till the scan field has the focus. */
  if (self->sell_view != NULL && g_str_equal (name, "sell"))
    {
      stk_sell_view_reload_shop_settings (self->sell_view);
      stk_sell_view_focus_scan (self->sell_view);
    }
}

static void
items_selection_changed_cb (StkWindow *self)
{
  stk_window_update_actions (self);
}

static void
items_row_activated_cb (StkWindow    *self,
                        GObject      *row,
                        StkTableView *view)
{
  if (stk_window_can_write (self))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.edit-item", NULL);
}

static void
sales_row_activated_cb (StkWindow    *self,
                        GObject      *row,
                        StkTableView *view)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.sale-details", NULL);
}

/* A row's menu: the Sales list's (the sale's actions) or the Items list's. */
static GMenuModel *
row_menu_model (StkWindow    *self,
                StkTableView *view)
{
  GMenu *model = g_menu_new ();
  g_autoptr(GMenu) middle = g_menu_new ();
  g_autoptr(GMenu) edits = g_menu_new ();

  if (view == self->sales_view)
    {
      g_menu_append (model, _("_Details"), "win.sale-details");
      g_menu_append (model, _("_Print Receipt…"), "win.print-receipt");
      g_menu_append (edits, _("_Return…"), "win.return-sale");
      g_menu_append (edits, _("_Void Sale…"), "win.void-sale");
      g_menu_append_section (model, NULL, G_MENU_MODEL (edits));
      return G_MENU_MODEL (model);
    }
  g_menu_append (model, _("_Edit…"), "win.edit-item");
  g_menu_append (model, _("Show _History"), "win.item-history");
  g_menu_append (middle, _("_Receive Stock…"), "win.receive");
  g_menu_append (middle, _("_Adjust…"), "win.adjust");
  g_menu_append (middle, _("Record _Sale…"), "win.record-sale");
  g_menu_append_section (model, NULL, G_MENU_MODEL (middle));
  g_menu_append (edits, _("Ar_chive"), "win.archive-item");
  g_menu_append_section (model, NULL, G_MENU_MODEL (edits));
  return G_MENU_MODEL (model);
}

/* Opens @view's row menu pointing at @at (in @view's coordinates), for the selected row. */
static void
popup_row_menu (StkWindow          *self,
                StkTableView       *view,
                const GdkRectangle *at)
{
  g_autoptr(GMenuModel) model = row_menu_model (self, view);
  GtkWidget *menu;

  stk_window_update_actions (self);
  menu = gtk_popover_menu_new_from_model (model);
  gtk_widget_set_parent (menu, GTK_WIDGET (view));
  gtk_popover_set_pointing_to (GTK_POPOVER (menu), at);
  gtk_popover_set_has_arrow (GTK_POPOVER (menu), FALSE);
  gtk_widget_set_halign (menu, GTK_ALIGN_START);
  g_signal_connect (menu, "closed", G_CALLBACK (gtk_widget_unparent), NULL);
  gtk_popover_popup (GTK_POPOVER (menu));
}

/* A right-click on a row selects it and offers its actions. */
static void
row_context_menu_cb (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     StkWindow       *self)
{
  StkTableView *view = STK_TABLE_VIEW (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)));

  if (!stk_table_view_select_at (view, x, y))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_row_menu (self, view, &(GdkRectangle) { (int) x, (int) y, 1, 1 });
}

/* The Menu key or Shift+F10 on a list: the selected row's menu, under the row that has
 * the keyboard focus (else at the list's top), as a right-click there would open it. */
static gboolean
row_menu_key_cb (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  StkWindow *self = STK_WINDOW (user_data);
  StkTableView *view = STK_TABLE_VIEW (widget);
  g_autoptr(GObject) row = stk_table_view_dup_selected (view);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GdkRectangle at = { 12, 12, 1, 1 };
  graphene_rect_t bounds;

  if (row == NULL)
    return FALSE;
  if (focus != NULL && focus != widget && gtk_widget_is_ancestor (focus, widget) &&
      gtk_widget_compute_bounds (focus, widget, &bounds))
    {
      at.x = (int) bounds.origin.x + 12;
      at.y = (int) (bounds.origin.y + bounds.size.height);
    }
  popup_row_menu (self, view, &at);
  return TRUE;
}

static void
add_row_menu (StkWindow    *self,
              StkTableView *view)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_F10, GDK_SHIFT_MASK),
                                                   gtk_keyval_trigger_new (GDK_KEY_Menu, 0)),
                      gtk_callback_action_new (row_menu_key_cb, self, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (view), shortcuts);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (row_context_menu_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (view), GTK_EVENT_CONTROLLER (click));
}

/* The Sales list's rows: Enter or a double-click opens the sale; Delete voids it
 * (asking why: never archives an item); a right-click offers the row's actions. */
static void
stk_window_add_sales_actions (StkWindow *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkSelectionModel *selection;

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                                                   gtk_keyval_trigger_new (GDK_KEY_KP_Delete, 0)),
                      gtk_named_action_new ("win.void-sale")));
  gtk_widget_add_controller (GTK_WIDGET (self->sales_view), shortcuts);
  add_row_menu (self, self->sales_view);

  g_signal_connect_object (self->sales_view, "row-activated",
                           G_CALLBACK (sales_row_activated_cb), self, G_CONNECT_SWAPPED);
  /* A reload updates the selected sale in place (voided, returned): no selection change. */
  g_signal_connect_object (stk_table_view_get_model (self->sales_view), "notify::loading",
                           G_CALLBACK (items_selection_changed_cb), self, G_CONNECT_SWAPPED);
  selection = gtk_column_view_get_model (stk_table_view_get_column_view (self->sales_view));
  if (selection != NULL)
    {
      g_signal_connect_object (selection, "selection-changed",
                               G_CALLBACK (items_selection_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (selection, "items-changed",
                               G_CALLBACK (items_selection_changed_cb), self, G_CONNECT_SWAPPED);
    }
}

static void
stk_window_add_views (StkWindow *self)
{
  GtkColumnView *column_view;
  GtkSelectionModel *selection;

  self->items_view = STK_TABLE_VIEW (stk_table_view_new (STK_TABLE_KIND_ITEMS));
  self->sales_view = STK_TABLE_VIEW (stk_table_view_new (STK_TABLE_KIND_SALES));
  self->moves_view = STK_TABLE_VIEW (stk_table_view_new (STK_TABLE_KIND_MOVES));
  self->reports_view = STK_REPORTS_VIEW (stk_reports_view_new ());
  self->sell_view = STK_SELL_VIEW (stk_sell_view_new ());

  gtk_widget_set_vexpand (GTK_WIDGET (self->items_view), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->sales_view), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->moves_view), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->reports_view), TRUE);

  gtk_box_prepend (self->items_box, GTK_WIDGET (self->items_view));
  gtk_box_prepend (self->sales_box, GTK_WIDGET (self->sales_view));
  gtk_box_prepend (self->moves_box, GTK_WIDGET (self->moves_view));

  gtk_box_append (self->reports_box, GTK_WIDGET (self->reports_view));
  gtk_widget_set_vexpand (GTK_WIDGET (self->sell_view), TRUE);
  gtk_box_append (self->sell_box, GTK_WIDGET (self->sell_view));
  /* The till's sales and barcodes go into the notice and the undo history like the
   * dialogs' changes. */
  g_signal_connect_object (self->sell_view, "saved", G_CALLBACK (stk_window_saved_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sell_view, "notice", G_CALLBACK (stk_window_dialog_notice_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reports_view, "day-close-activated",
                           G_CALLBACK (stk_window_day_close_activated_cb), self,
                           G_CONNECT_SWAPPED);

  /* The report's period (30/90/365 days) is remembered, like the last view. */
  if (self->settings != NULL)
    g_settings_bind (self->settings, "report-days", self->reports_view, "days",
                     G_SETTINGS_BIND_DEFAULT);

  stk_table_view_set_store (self->items_view, self->store);
  stk_table_view_set_cancellable (self->sales_view, self->cancellable);
  stk_table_view_set_store (self->sales_view, self->store);
  stk_table_view_set_store (self->moves_view, self->store);
  stk_range_bar_set_model (self->sales_range, stk_table_view_get_model (self->sales_view));
  stk_range_bar_set_model (self->moves_range, stk_table_view_get_model (self->moves_view));
  stk_reports_view_set_store (self->reports_view, self->store);
  stk_sell_view_set_store (self->sell_view, self->store);

  /* The visible list's row count in the status line follows its model. */
  {
    StkTableView *views[] = { self->items_view, self->sales_view, self->moves_view };

    for (guint i = 0; i < G_N_ELEMENTS (views); i++)
      {
        StkTableModel *model = stk_table_view_get_model (views[i]);

        g_signal_connect_object (model, "items-changed", G_CALLBACK (stk_window_update_count),
                                 self, G_CONNECT_SWAPPED);
        g_signal_connect_object (model, "notify::loading", G_CALLBACK (stk_window_update_count),
                                 self, G_CONNECT_SWAPPED);
      }
  }

  /* Delete archives only from the Items list itself (never from a field, nor from
   * the Sales or Stock Moves list). */
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();

    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
      gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                                                     gtk_keyval_trigger_new (GDK_KEY_KP_Delete, 0)),
                        gtk_named_action_new ("win.archive-item")));
    gtk_widget_add_controller (GTK_WIDGET (self->items_view), shortcuts);
  }
  /* A right-click on an item, or the Menu key, offers its actions, its history among them. */
  add_row_menu (self, self->items_view);

  g_signal_connect_object (self->items_view, "row-activated",
                           G_CALLBACK (items_row_activated_cb), self, G_CONNECT_SWAPPED);
  stk_window_add_sales_actions (self);
  g_signal_connect_object (stk_table_view_get_model (self->items_view), "notify::loading",
                           G_CALLBACK (stk_window_items_loading_cb), self, G_CONNECT_SWAPPED);

  column_view = stk_table_view_get_column_view (self->items_view);
  selection = gtk_column_view_get_model (column_view);
  if (selection != NULL)
    g_signal_connect_object (selection, "selection-changed",
                             G_CALLBACK (items_selection_changed_cb), self, G_CONNECT_SWAPPED);
  /* Also when an item's row is refreshed in place or the list changes under it. */
  g_signal_connect_object (selection, "items-changed",
                           G_CALLBACK (items_selection_changed_cb), self, G_CONNECT_SWAPPED);
}

/* ---------------------------------------------------------------------------------- */
/* Settings                                                                          */

static GSettings *
stk_window_load_settings (void)
{
  GSettings *settings = stk_settings_new_if_installed (APP_ID);

  /* Running uninstalled without GSETTINGS_SCHEMA_DIR: do without, rather than abort. */
  if (settings == NULL)
    g_debug ("GSettings schema %s is not installed; the window size will not be kept", APP_ID);
  return settings;
}

static void
stk_window_restore_settings (StkWindow *self)
{
  g_autofree char *view = NULL;
  int width;
  int height;

  if (self->settings == NULL)
    return;

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  view = g_settings_get_string (self->settings, "last-view");
  if (adw_view_stack_get_child_by_name (self->view_stack, view) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, view);
}

static void
stk_window_save_size (StkWindow *self)
{
  int width = 0;
  int height = 0;

  if (self->settings == NULL)
    return;

  /* The default size follows the user's resizing, and is the unmaximized size. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static void
stk_window_realize (GtkWidget *widget)
{
  GtkShortcutsWindow *overlay;

  GTK_WIDGET_CLASS (stk_window_parent_class)->realize (widget);

  /* GtkApplication loads gtk/help-overlay.ui once the window belongs to it. */
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (widget));
  if (overlay != NULL)
    stk_a11y_name_shortcuts_window (GTK_WIDGET (overlay));
}

static gboolean
stk_window_close_request (GtkWindow *window)
{
  StkWindow *self = STK_WINDOW (window);

  stk_window_save_size (self);

  return GTK_WINDOW_CLASS (stk_window_parent_class)->close_request (window);
}

/* ---------------------------------------------------------------------------------- */
/* GObject                                                                           */

static void
stk_window_constructed (GObject *object)
{
  StkWindow *self = STK_WINDOW (object);
  g_autofree char *display_path = NULL;

  G_OBJECT_CLASS (stk_window_parent_class)->constructed (object);

  if (self->session != NULL)
    {
      self->path = g_strdup (stk_session_get_path (self->session));
      g_set_object (&self->store, stk_session_get_store (self->session));
    }

  self->settings = stk_window_load_settings ();

  display_path = self->path ? g_filename_display_name (self->path) : g_strdup ("");
  gtk_label_set_text (self->path_label, display_path);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->path_label), display_path);
  gtk_label_set_text (self->empty_path_label, display_path);

  if (self->error_message != NULL || self->session == NULL || self->store == NULL)
    {
      stk_window_restore_settings (self);
      stk_window_show_error (self, self->error_message ? self->error_message
                                                       : _("The inventory could not be opened."));
      stk_window_update_actions (self);
      return;
    }

  stk_window_add_views (self);
  stk_window_restore_settings (self);

  g_signal_connect_object (self->session, "changed",
                           G_CALLBACK (stk_window_session_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::read-only",
                           G_CALLBACK (stk_window_session_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::writer",
                           G_CALLBACK (stk_window_session_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::can-edit",
                           G_CALLBACK (stk_window_session_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::holder",
                           G_CALLBACK (stk_window_session_state_cb), self,
                           G_CONNECT_SWAPPED);

  stk_window_session_state_cb (self, NULL, self->session);
  view_changed_cb (self);
  stk_window_refresh_stats (self);
}

static void
stk_window_dispose (GObject *object)
{
  StkWindow *self = STK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);

  if (self->writer != NULL)
    g_signal_handlers_disconnect_by_data (self->writer, self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_WINDOW);
  self->search_view = NULL;
  self->items_view = NULL;
  self->sales_view = NULL;
  self->moves_view = NULL;
  self->reports_view = NULL;
  self->sell_view = NULL;

  g_clear_object (&self->writer);
  g_clear_object (&self->store);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (stk_window_parent_class)->dispose (object);
}

static void
stk_window_finalize (GObject *object)
{
  StkWindow *self = STK_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->banner_error, g_free);

  G_OBJECT_CLASS (stk_window_parent_class)->finalize (object);
}

static void
stk_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  StkWindow *self = STK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  StkWindow *self = STK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_ERROR_MESSAGE:
      self->error_message = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_window_class_init (StkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = stk_window_constructed;
  object_class->dispose = stk_window_dispose;
  object_class->finalize = stk_window_finalize;
  object_class->get_property = stk_window_get_property;
  object_class->set_property = stk_window_set_property;

  window_class->close_request = stk_window_close_request;
  widget_class->realize = stk_window_realize;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STK_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* libadwaita's styles and types, also where no AdwApplication runs (the tests). */
  adw_init ();
  g_type_ensure (STK_TYPE_NOTICE);
  g_type_ensure (STK_TYPE_RANGE_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "ui/stk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StkWindow, view_switcher);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, action_stack);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, items_action_bar);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, sales_action_bar);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, moves_action_bar);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, new_item_button);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, switch_button);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, items_box);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, sales_box);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, moves_box);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, sales_range);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, moves_range);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, reports_box);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, sell_box);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, empty_path_label);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, notice);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, status_separator);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, status_box);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, withdraw_button);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, path_label);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, count_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, switcher_title_visible_cb);
  gtk_widget_class_bind_template_callback (widget_class, notice_undo_cb);
  gtk_widget_class_bind_template_callback (widget_class, notice_can_undo_cb);

  gtk_widget_class_install_action (widget_class, "win.new-item", NULL, new_item_action);
  gtk_widget_class_install_action (widget_class, "win.edit-item", NULL, edit_item_action);
  gtk_widget_class_install_action (widget_class, "win.item-history", NULL, item_history_action);
  gtk_widget_class_install_action (widget_class, "win.show-item-history", "(xs)",
                                   item_history_action);
  gtk_widget_class_install_action (widget_class, "win.archive-item", NULL, archive_item_action);
  gtk_widget_class_install_action (widget_class, "win.record-sale", NULL, record_sale_action);
  gtk_widget_class_install_action (widget_class, "win.receive", NULL, movement_action);
  gtk_widget_class_install_action (widget_class, "win.adjust", NULL, movement_action);
  gtk_widget_class_install_action (widget_class, "win.import", "s", import_action);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.backup", NULL, backup_action);
  gtk_widget_class_install_action (widget_class, "win.verify", NULL, verify_action);
  gtk_widget_class_install_action (widget_class, "win.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "win.load-sample", NULL, load_sample_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.withdraw-last", NULL, withdraw_last_action);
  gtk_widget_class_install_action (widget_class, "win.switch-to-editing", NULL,
                                   switch_to_editing_action);
  gtk_widget_class_install_action (widget_class, "win.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.sale-details", NULL, sale_action);
  gtk_widget_class_install_action (widget_class, "win.void-sale", NULL, sale_action);
  gtk_widget_class_install_action (widget_class, "win.return-sale", NULL, sale_action);
  gtk_widget_class_install_action (widget_class, "win.print-receipt", NULL, sale_action);
  gtk_widget_class_install_action (widget_class, "win.close-day", NULL, close_day_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK,
                                       "win.item-history", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.redo", NULL);
  /* The changes of a shop day, from anywhere in the window (listed in the shortcuts
   * window, Ctrl+?). Shift+Ctrl+letter: Ctrl+S, Ctrl+R keep their GNOME meanings. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.record-sale", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.receive", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_J, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.adjust", NULL);
  /* Ctrl+Shift+D would be GTK's inspector: E, the end of the day. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_E, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.close-day", NULL);
  /* The views, like the tabs of GNOME's own apps. */
  {
    static const char * const views[] = { "items", "sales", "moves", "reports", "sell" };

    for (guint i = 0; i < G_N_ELEMENTS (views); i++)
      {
        gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                             "win.show-view", "s", views[i]);
        gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1 + i, GDK_ALT_MASK,
                                             "win.show-view", "s", views[i]);
      }
  }
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
stk_window_init (StkWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->undo_stack = g_ptr_array_new_with_free_func (history_step_free);
  self->redo_stack = g_ptr_array_new_with_free_func (history_step_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    /* Before the text sees Down. */
    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  }
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
}

StkWindow *
stk_window_new (GtkApplication *application,
                StkSession     *session,
                const char     *error_message)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (!session || STK_IS_SESSION (session), NULL);

  return g_object_new (STK_TYPE_WINDOW,
                       "application", application,
                       "session", session,
                       "error-message", error_message,
                       NULL);
}

StkSession *
stk_window_get_session (StkWindow *self)
{
  g_return_val_if_fail (STK_IS_WINDOW (self), NULL);
  return self->session;
}

const char *
stk_window_get_path (StkWindow *self)
{
  g_return_val_if_fail (STK_IS_WINDOW (self), NULL);
  return self->path;
}

const char *
stk_window_get_error_message (StkWindow *self)
{
  g_return_val_if_fail (STK_IS_WINDOW (self), NULL);
  return self->error_message;
}

void
stk_window_show_message (StkWindow  *self,
                         const char *text)
{
  g_return_if_fail (STK_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  stk_notice_show (self->notice, text, NULL);
}

void
stk_window_show_backup_failed (StkWindow  *self,
                               const char *message)
{
  g_autofree char *text = NULL;

  g_return_if_fail (STK_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  /* Translators: %s says why, in one sentence. */
  text = g_strdup_printf (_("The automatic backup failed. %s"), message);
  stk_notice_show_problem (self->notice, text, _("_Preferences"), "app.preferences");
}
