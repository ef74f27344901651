/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 16: an item's history and the dates of Sales and Stock Moves, in the window.
 * Show History (Ctrl+H, the Edit Item dialog) shows Stock Moves narrowed to the item,
 * newest first, its count in the status line, "History of CODE" with Show All, which
 * brings every move back; an item with no moves says so on a status page; read-only
 * too. The dates: Today, Last 7 Days, All narrow the Sales list and its count, with the
 * search; a typed date that is not one is refused beside the field, a right one
 * applies; each list keeps its own dates. Built for real on a temporary inventory under
 * Xvfb; waits on events, never on time. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-format.h"
#include "stk-item-dialog.h"
#include "stk-ops.h"
#include "stk-range-bar.h"
#include "stk-rows.h"
#include "stk-session.h"
#include "stk-table-view.h"
#include "stk-test-fixture.h"
#include "stk-test-keys.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 60000
#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)
#define DAY_US (G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC)

static GtkApplication *app;
static StkSession *session;
static gint64 now_us;

/* AA-1 and BB-2 receive 10 each, CC-3 none. Sales: AA-1 ×1 now, BB-2 ×2 three days ago,
 * AA-1 ×3 forty days ago; BB-2 is adjusted by −1 now. */
static void
setup (void)
{
  StkWriter *writer;
  StkSaleLineSpec aa = { "AA-1", 1, -1, 0 };
  StkSaleLineSpec bb = { "BB-2", 2, -1, 0 };
  StkSaleLineSpec old = { "AA-1", 3, -1, 0 };

  stk_test_ui_setup (&app, &session);
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/stocktake/Stocktake/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  now_us = g_get_real_time ();
  writer = stk_session_get_writer (session);
  stk_test_submit (writer, stk_op_create_item ("AA-1", "Anchor bolt", 100, 0));
  stk_test_submit (writer, stk_op_create_item ("BB-2", "Bracket", 250, 0));
  stk_test_submit (writer, stk_op_create_item ("CC-3", "Cable tie", 10, 0));
  stk_test_submit (writer, stk_op_record_movement ("AA-1", STK_MOVEMENT_RECEIVE, 10, "Delivery",
                                                   now_us - 50 * DAY_US));
  stk_test_submit (writer, stk_op_record_movement ("BB-2", STK_MOVEMENT_RECEIVE, 10, "Delivery",
                                                   now_us - 50 * DAY_US));
  stk_test_submit (writer, stk_op_sell (&old, 1, "cash", "", now_us - 40 * DAY_US));
  stk_test_submit (writer, stk_op_sell (&bb, 1, "cash", "", now_us - 3 * DAY_US));
  stk_test_submit (writer, stk_op_sell (&aa, 1, "cash", "", now_us));
  stk_test_submit (writer, stk_op_record_movement ("BB-2", STK_MOVEMENT_ADJUSTMENT, -1, "Broken",
                                                   now_us));
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (history_ui, .init = setup, .fini = teardown, .timeout = 180);

static gint64
query (const char *sql)
{
  return stk_test_query (db_path, sql);
}

static StkTableView *
view_in (StkWindow  *window,
         const char *box_name)
{
  GtkBox *box = stk_test_template_child (window, STK_TYPE_WINDOW, box_name);

  return STK_TABLE_VIEW (gtk_widget_get_first_child (GTK_WIDGET (box)));
}

static StkTableModel *
model_in (StkWindow  *window,
          const char *box_name)
{
  return stk_table_view_get_model (view_in (window, box_name));
}

static guint
n_rows (StkTableModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (model));
}

static StkRangeBar *
range_bar (StkWindow  *window,
           const char *name)
{
  return stk_test_template_child (window, STK_TYPE_WINDOW, name);
}

static gpointer
bar_child (StkRangeBar *bar,
           const char  *name)
{
  return stk_test_template_child (bar, STK_TYPE_RANGE_BAR, name);
}

static const char *
count_text (StkWindow *window)
{
  GtkLabel *label = stk_test_template_child (window, STK_TYPE_WINDOW, "count_label");

  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : "";
}

static gint64
item_id (const char *code)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM items WHERE code = '%s'", code);

  return query (sql);
}

/* The window on the Items list, loaded, @code selected. */
static StkWindow *
open_items (StkSession *with,
            const char *code)
{
  StkWindow *window = stk_window_new (app, with, NULL);
  StkTableModel *items;

  gtk_window_present (GTK_WINDOW (window));
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "items"));
  items = model_in (window, "items_box");
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (items) && n_rows (items) == 3));
  stk_table_view_select_id (view_in (window, "items_box"), item_id (code));
  return window;
}

/* Stock Moves shows @code's history: its moves alone, newest first, counted. */
static void
assert_history_of (StkWindow  *window,
                   const char *code)
{
  AdwViewStack *stack = stk_test_template_child (window, STK_TYPE_WINDOW, "view_stack");
  StkTableModel *moves = model_in (window, "moves_box");
  StkRangeBar *bar = range_bar (window, "moves_range");
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM movements m JOIN items i"
                                          " ON i.id = m.item_id WHERE i.code = '%s'", code);
  g_autofree char *banner = g_strdup_printf ("History of %s", code);
  gint64 expected = query (sql);
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT " stock moves", expected);
  gint64 previous_at = G_MAXINT64;

  cr_assert_str_eq (adw_view_stack_get_visible_child_name (stack), "moves");
  cr_assert_eq (stk_table_model_get_item_id (moves), item_id (code));
  /* Newest recorded first: the order of the balances and of the index of the item's
   * moves (item_id, id). */
  cr_assert_str_eq (stk_table_model_get_sort_column (moves), "id");
  cr_assert (stk_table_model_get_sort_descending (moves));
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (moves) && n_rows (moves) == expected),
             "%u moves listed, %" G_GINT64_FORMAT " expected", n_rows (moves), expected);
  for (guint i = 0; i < n_rows (moves); i++)
    {
      g_autoptr(StkMoveRow) row = g_list_model_get_item (G_LIST_MODEL (moves), i);

      cr_assert_str_eq (stk_move_row_get_code (row), code);
      cr_assert_leq (stk_move_row_get_moved_at (row), previous_at, "not newest first");
      previous_at = stk_move_row_get_moved_at (row);
    }
  cr_assert (WAIT_UNTIL (g_strcmp0 (count_text (window), count) == 0),
             "the status line says “%s”", count_text (window));
  cr_assert (gtk_revealer_get_reveal_child (bar_child (bar, "item_revealer")));
  cr_assert_str_eq (gtk_label_get_text (bar_child (bar, "item_label")), banner);
}

Test (history_ui, show_history_lists_the_items_moves_and_show_all_lists_every_move)
{
  StkWindow *window = open_items (session, "BB-2");
  StkTableModel *moves = model_in (window, "moves_box");
  StkRangeBar *bar = range_bar (window, "moves_range");
  g_autoptr(StkMoveRow) newest = NULL;
  gint64 all = query ("SELECT count (*) FROM movements");

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.item-history", NULL));
  assert_history_of (window, "BB-2");
  /* BB-2: the adjustment now, its sale of 2 three days ago, the receipt. */
  cr_assert_eq (n_rows (moves), 3);
  newest = g_list_model_get_item (G_LIST_MODEL (moves), 0);
  cr_assert_str_eq (stk_move_row_get_kind (newest), "adjustment");
  cr_assert_eq (stk_move_row_get_quantity (newest), -1);
  cr_assert_eq (stk_move_row_get_balance (newest), 7);
  cr_assert_str_eq (stk_move_row_get_reason (newest), "Broken");
  {
    g_autoptr(StkMoveRow) sale = g_list_model_get_item (G_LIST_MODEL (moves), 1);
    g_autofree char *receipt = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                query ("SELECT r.number FROM receipt_numbers r"
                                                       " JOIN sales s ON s.id = r.sale_id"
                                                       " WHERE s.item_id = 2"));

    cr_assert_str_eq (stk_move_row_get_kind (sale), "sale");
    cr_assert_str_eq (stk_move_row_get_receipt (sale), receipt);
  }

  /* Show All: the filter goes, every item's moves come back. */
  g_signal_emit_by_name (bar_child (bar, "show_all_button"), "clicked");
  cr_assert_eq (stk_table_model_get_item_id (moves), 0);
  cr_assert_str_eq (stk_table_model_get_sort_column (moves), "moved-at");
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (moves) && n_rows (moves) == all));
  cr_assert_not (gtk_revealer_get_reveal_child (bar_child (bar, "item_revealer")));
  cr_assert (WAIT_UNTIL (g_str_has_prefix (count_text (window), "6 stock moves")),
             "the status line says “%s”", count_text (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (history_ui, ctrl_h_shows_the_selected_items_history)
{
  StkWindow *window = open_items (session, "AA-1");

  gtk_widget_grab_focus (GTK_WIDGET (stk_table_view_get_column_view (view_in (window, "items_box"))));
  stk_test_keys (GTK_WINDOW (window), "ctrl+h");
  cr_assert (WAIT_UNTIL (stk_table_model_get_item_id (model_in (window, "moves_box")) ==
                         item_id ("AA-1")));
  assert_history_of (window, "AA-1");
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (history_ui, the_edit_item_dialog_shows_the_history)
{
  StkWindow *window = open_items (session, "AA-1");
  StkItemDialog *dialog;

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-item", NULL));
  dialog = STK_ITEM_DIALOG (stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG));
  cr_assert_not_null (dialog);
  cr_assert (gtk_widget_get_visible (stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG,
                                                              "history_button")));
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.history", NULL));
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG) == NULL),
             "the dialog stays open");
  assert_history_of (window, "AA-1");
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (history_ui, an_item_with_no_moves_says_so)
{
  StkWindow *window = open_items (session, "CC-3");
  StkTableView *moves = view_in (window, "moves_box");
  GtkStack *stack = stk_test_template_child (moves, STK_TYPE_TABLE_VIEW, "stack");
  AdwStatusPage *page = stk_test_template_child (moves, STK_TYPE_TABLE_VIEW, "status_page");

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.item-history", NULL));
  assert_history_of (window, "CC-3");
  cr_assert (WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "none") == 0));
  cr_assert_str_eq (adw_status_page_get_title (page), "No Stock Moves");
  cr_assert (g_str_has_prefix (adw_status_page_get_description (page), "This item has no stock moves"));
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (history_ui, the_history_is_there_read_only)
{
  g_autoptr(StkSession) reader = NULL;
  g_autoptr(GError) error = NULL;
  StkWindow *window;

  reader = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (reader, "%s", error ? error->message : "");
  cr_assert (stk_session_get_read_only (reader));
  window = open_items (reader, "BB-2");
  cr_assert (WAIT_UNTIL (gtk_widget_activate_action (GTK_WIDGET (window), "win.item-history", NULL) &&
                         stk_table_model_get_item_id (model_in (window, "moves_box")) > 0));
  assert_history_of (window, "BB-2");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The window on the Sales list, all three sales loaded. */
static StkWindow *
open_sales (void)
{
  StkWindow *window = stk_window_new (app, session, NULL);
  StkTableModel *sales;

  gtk_window_present (GTK_WINDOW (window));
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "sales"));
  sales = model_in (window, "sales_box");
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (sales) && n_rows (sales) == 3));
  return window;
}

static void
assert_sales (StkWindow  *window,
              guint       n,
              const char *count)
{
  StkTableModel *sales = model_in (window, "sales_box");

  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (sales) && n_rows (sales) == n),
             "%u sales listed, %u expected", n_rows (sales), n);
  cr_assert (WAIT_UNTIL (g_strcmp0 (count_text (window), count) == 0),
             "the status line says “%s”, not “%s”", count_text (window), count);
}

Test (history_ui, presets_narrow_the_sales_and_their_count)
{
  StkWindow *window = open_sales ();
  StkRangeBar *bar = range_bar (window, "sales_range");
  StkTableModel *moves = model_in (window, "moves_box");
  gint64 from, to;

  stk_range_bar_set_preset (bar, STK_RANGE_TODAY);
  assert_sales (window, 1, "1 sale");
  stk_range_bar_set_preset (bar, STK_RANGE_LAST_7_DAYS);
  assert_sales (window, 2, "2 sales");
  /* With the search: only AA-1's sale of the week. */
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-search", NULL));
  gtk_editable_set_text (stk_test_template_child (window, STK_TYPE_WINDOW, "search_entry"), "aa");
  assert_sales (window, 1, "1 sale");
  gtk_editable_set_text (stk_test_template_child (window, STK_TYPE_WINDOW, "search_entry"), "");
  assert_sales (window, 2, "2 sales");
  stk_range_bar_set_preset (bar, STK_RANGE_ALL);
  assert_sales (window, 3, "3 sales");
  cr_assert_str_eq (gtk_editable_get_text (bar_child (bar, "from_entry")), "");

  /* Each list its own dates: Stock Moves was never narrowed. */
  stk_range_bar_set_preset (bar, STK_RANGE_TODAY);
  assert_sales (window, 1, "1 sale");
  stk_table_model_get_range (moves, &from, &to);
  cr_assert_eq (from, G_MININT64);
  cr_assert_eq (to, G_MAXINT64);
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (history_ui, typed_dates_are_checked_and_applied)
{
  StkWindow *window = open_sales ();
  StkRangeBar *bar = range_bar (window, "sales_range");
  GtkEditable *from = bar_child (bar, "from_entry");
  GtkEditable *to = bar_child (bar, "to_entry");
  GtkLabel *error = bar_child (bar, "error_label");
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (now_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) week_ago = g_date_time_add_days (now, -7);
  g_autoptr(GDateTime) month_ago = g_date_time_add_days (now, -45);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *from_text = g_date_time_format (week_ago, "%Y-%m-%d");
  g_autofree char *old_text = g_date_time_format (month_ago, "%Y-%m-%d");
  /* The tests' locale (C.UTF-8) writes month, day, year. */
  g_autofree char *today_local = g_date_time_format (now, "%m/%d/%Y");
  gint64 start, end, iso_start, iso_end;

  /* The locale's format is shown in the field. */
  cr_assert_str_eq (gtk_entry_get_placeholder_text (GTK_ENTRY (from)), "MM/DD/YYYY");

  /* Days that do not exist, and a day first where the locale puts the month first, are
   * not dates; said on Enter. Typed the locale's way or ISO, the same day. */
  cr_assert_not (stk_range_parse_day ("31/12/2026", NULL, NULL));
  cr_assert_not (stk_range_parse_day ("2026-02-30", NULL, NULL));
  cr_assert (stk_range_parse_day (today, &iso_start, &iso_end));
  cr_assert (stk_range_parse_day (today_local, &start, &end));
  cr_assert (start <= now_us && now_us < end);
  cr_assert (start == iso_start && end == iso_end);
  gtk_editable_set_text (from, "31/12/2026");
  cr_assert_not (gtk_widget_get_visible (GTK_WIDGET (error)), "a complaint while typing");
  g_signal_emit_by_name (from, "activate");
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (error)));
  cr_assert (g_str_has_prefix (gtk_label_get_text (error), "Type a date as MM/DD/YYYY, such as "),
             "%s", gtk_label_get_text (error));
  cr_assert (gtk_widget_has_css_class (GTK_WIDGET (from), "error"));
  assert_sales (window, 3, "3 sales");

  /* A right date applies at once and the complaint goes. */
  gtk_editable_set_text (from, from_text);
  cr_assert_not (gtk_widget_get_visible (GTK_WIDGET (error)));
  cr_assert_not (gtk_widget_has_css_class (GTK_WIDGET (from), "error"));
  assert_sales (window, 2, "2 sales");
  cr_assert_eq (stk_range_bar_get_preset (bar), STK_RANGE_OTHER);

  /* The last day before the first: refused. */
  gtk_editable_set_text (to, old_text);
  g_signal_emit_by_name (to, "activate");
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (error)));
  assert_sales (window, 2, "2 sales");

  /* Emptied to type another: nothing changes until Enter. */
  gtk_editable_set_text (to, "");
  gtk_editable_set_text (from, "");
  assert_sales (window, 2, "2 sales");
  g_signal_emit_by_name (from, "activate");
  cr_assert_not (gtk_widget_get_visible (GTK_WIDGET (error)));
  assert_sales (window, 3, "3 sales");
  cr_assert_eq (stk_range_bar_get_preset (bar), STK_RANGE_ALL);
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (history_ui, an_empty_range_says_so)
{
  StkWindow *window = open_sales ();
  StkRangeBar *bar = range_bar (window, "sales_range");
  StkTableView *sales = view_in (window, "sales_box");
  GtkStack *stack = stk_test_template_child (sales, STK_TYPE_TABLE_VIEW, "stack");
  AdwStatusPage *page = stk_test_template_child (sales, STK_TYPE_TABLE_VIEW, "status_page");

  gtk_editable_set_text (bar_child (bar, "from_entry"), "2001-01-01");
  gtk_editable_set_text (bar_child (bar, "to_entry"), "2001-01-31");
  assert_sales (window, 0, "0 sales");
  cr_assert (WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "none") == 0));
  cr_assert_str_eq (adw_status_page_get_title (page), "No Sales");
  gtk_window_destroy (GTK_WINDOW (window));
}
