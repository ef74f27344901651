/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Nothing is lost by a slip (issue 16, problems 1 and 2): Delete in the Sales or Stock
 * Moves view, Shift+Tab Shift+Tab Enter from the search field, the Saved notice over
 * the action bar; archiving undone at any time, and an archived item's code offered
 * for restore. Real key presses (tests/stk-test-keys.c) into the real window. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-item-dialog.h"
#include "stk-notice.h"
#include "stk-ops.h"
#include "stk-rows.h"
#include "stk-sale-details-dialog.h"
#include "stk-session.h"
#include "stk-table-view.h"
#include "stk-test-fixture.h"
#include "stk-test-keys.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 60000
#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

static GtkApplication *app;
static StkSession *session;

static void
setup (void)
{
  stk_test_ui_setup (&app, &session);
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (slips, .init = setup, .fini = teardown, .timeout = 180);

static StkWriter *
writer (void)
{
  return stk_session_get_writer (session);
}

static gint64
query (const char *sql)
{
  return stk_test_query (db_path, sql);
}

static void
add_item (const char *code,
          gint64      stock)
{
  stk_test_submit (writer (), stk_op_create_item (code, "Thing", 100, 0));
  if (stock > 0)
    stk_test_submit (writer (), stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, stock,
                                                        "opening", 0));
}

/* Every change submitted before this one is committed once it returns (the writer
 * commits in order): the point after which a slip's change would be seen. */
static void
writer_barrier (void)
{
  static int n;
  g_autofree char *code = g_strdup_printf ("ZZ-BARRIER-%d", n++);

  stk_test_submit (writer (), stk_op_create_item (code, "", 0, 0));
}

/* A visible toplevel other than @window (a dialog). */
static gboolean
other_window_shown (StkWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (w != GTK_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return TRUE;
    }
  return FALSE;
}

static StkTableView *
view_in (StkWindow  *window,
         const char *box)
{
  return STK_TABLE_VIEW (gtk_widget_get_first_child (stk_test_template_child (window, STK_TYPE_WINDOW,
                                                                     box)));
}

static gboolean
loaded (StkTableView *view,
        guint         n)
{
  StkTableModel *model = stk_table_view_get_model (view);

  return !stk_table_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == n;
}

static StkWindow *
open_window (guint n_items)
{
  StkWindow *window = stk_window_new (app, session, NULL);

  gtk_window_present (GTK_WINDOW (window));
  cr_assert (WAIT_UNTIL (loaded (view_in (window, "items_box"), n_items)));
  return window;
}

static gint64
archived (void)
{
  return query ("SELECT count(*) FROM items WHERE archived <> 0");
}

/* --- problem 1 -------------------------------------------------------------------- */

Test (slips, delete_in_sales_or_moves_archives_nothing)
{
  StkWindow *window;
  AdwViewStack *views;
  StkTableView *sales;
  StkTableView *moves;

  add_item ("A-1", 5);
  add_item ("B-1", 5);
  stk_test_submit (writer (), stk_op_record_sale ("A-1", 1, -1, 0));
  window = open_window (2);
  views = stk_test_template_child (window, STK_TYPE_WINDOW, "view_stack");
  /* An item was selected in Items before: the user then looks at a sale. */
  stk_table_view_select_id (view_in (window, "items_box"),
                            query ("SELECT id FROM items WHERE code = 'B-1'"));

  adw_view_stack_set_visible_child_name (views, "sales");
  sales = view_in (window, "sales_box");
  cr_assert (WAIT_UNTIL (loaded (sales, 1)));
  cr_assert (stk_table_view_focus_results (sales));
  /* Delete in Sales asks to void the sale, with a reason (issue 17): Escape, nothing. */
  stk_test_keys (GTK_WINDOW (window), "Delete");
  {
    GtkWindow *prompt = NULL;
    GtkWindow *details;

    cr_assert (WAIT_UNTIL ((prompt = stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL),
               "Delete in Sales asked nothing");
    stk_test_keys (prompt, "Escape");
    cr_assert (WAIT_UNTIL (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL));
    details = stk_test_find_toplevel (STK_TYPE_SALE_DETAILS_DIALOG);
    cr_assert_not_null (details);
    gtk_window_destroy (details);
  }
  /* The action itself, however it is reached, does nothing outside Items. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.archive-item", NULL);

  adw_view_stack_set_visible_child_name (views, "moves");
  moves = view_in (window, "moves_box");
  cr_assert (WAIT_UNTIL (loaded (moves, 3)));
  cr_assert (stk_table_view_focus_results (moves));
  stk_test_keys (GTK_WINDOW (window), "Delete");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.archive-item", NULL);

  /* Keys after the Deletes, then a change after those: all earlier ones are in. */
  stk_test_keys (GTK_WINDOW (window), "alt+1");
  cr_assert (WAIT_UNTIL (g_strcmp0 (adw_view_stack_get_visible_child_name (views), "items") == 0));
  writer_barrier ();
  cr_assert_eq (archived (), 0, "Delete in Sales or Stock Moves archived an item");
  cr_assert_eq (query ("SELECT count(*) FROM sale_voids"), 0, "Escape voided the sale");
}

Test (slips, shift_tab_twice_and_enter_from_search_archives_nothing)
{
  StkWindow *window;
  GtkWidget *search;
  GtkWidget *focus;

  add_item ("A-1", 5);
  add_item ("B-1", 5);
  window = open_window (2);
  stk_table_view_select_id (view_in (window, "items_box"),
                            query ("SELECT id FROM items WHERE code = 'B-1'"));
  search = stk_test_template_child (window, STK_TYPE_WINDOW, "search_entry");
  gtk_widget_grab_focus (search);
  cr_assert (WAIT_UNTIL ((focus = gtk_root_get_focus (GTK_ROOT (window))) != NULL &&
                         gtk_widget_is_ancestor (focus, search)));

  /* Back past New Item, out of the header bar: to the last control of the window. */
  stk_test_keys (GTK_WINDOW (window), "shift+Tab shift+Tab");
  cr_assert (WAIT_UNTIL ((focus = gtk_root_get_focus (GTK_ROOT (window))) != NULL &&
                         gtk_widget_get_ancestor (focus, ADW_TYPE_HEADER_BAR) == NULL));
  stk_test_keys (GTK_WINDOW (window), "Return");
  /* A button's click comes with the key's release: a key after it, once seen, says
   * the click (if any) happened — or a (modal) dialog the click opened shows. */
  stk_test_keys (GTK_WINDOW (window), "ctrl+f");
  cr_assert (WAIT_UNTIL (((focus = gtk_root_get_focus (GTK_ROOT (window))) != NULL &&
                          gtk_widget_is_ancestor (focus, search)) ||
                         other_window_shown (window)));
  /* A dialog Enter opened is closed unsaved (Escape's path). */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint j = g_list_model_get_n_items (toplevels); j > 0; j--)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, j - 1);

        if (w != GTK_WINDOW (window))
          gtk_window_close (w);
      }
  }
  writer_barrier ();
  cr_assert_eq (archived (), 0, "Shift+Tab Shift+Tab Enter from the search field archived");
  cr_assert_eq (query ("SELECT count(*) FROM items"), 3);
}

Test (slips, archive_is_undone_long_after_the_notice_and_redone)
{
  StkWindow *window;
  StkNotice *notice;
  StkTableView *items;

  add_item ("A-1", 5);
  add_item ("B-1", 5);
  window = open_window (2);
  notice = stk_test_template_child (window, STK_TYPE_WINDOW, "notice");
  items = view_in (window, "items_box");
  stk_table_view_select_id (items, query ("SELECT id FROM items WHERE code = 'B-1'"));
  cr_assert (stk_table_view_focus_results (items));

  /* Delete in the Items list: archived at once, nothing asked. */
  stk_test_keys (GTK_WINDOW (window), "Delete");
  cr_assert (WAIT_UNTIL (archived () == 1));
  cr_assert (WAIT_UNTIL (stk_notice_get_text (notice) != NULL));
  /* The notice goes; the archive can still be undone (Ctrl+Z), any time later. */
  stk_notice_dismiss (notice);
  cr_assert (WAIT_UNTIL (loaded (items, 1)));
  stk_test_keys (GTK_WINDOW (window), "ctrl+z");
  cr_assert (WAIT_UNTIL (archived () == 0), "Ctrl+Z after the notice did not undo the archive");
  cr_assert (WAIT_UNTIL (loaded (items, 2)));

  /* Redo, undo again: a history, not a one-shot. */
  stk_test_keys (GTK_WINDOW (window), "ctrl+shift+z");
  cr_assert (WAIT_UNTIL (archived () == 1), "Ctrl+Shift+Z did not redo the archive");
  cr_assert (WAIT_UNTIL (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL) &&
                         archived () == 0));
}

Test (slips, undo_history_goes_back_several_changes)
{
  StkWindow *window;
  StkNotice *notice;
  StkTableView *items;
  GtkWindow *dialog;

  add_item ("A-1", 5);
  window = open_window (1);
  notice = stk_test_template_child (window, STK_TYPE_WINDOW, "notice");
  items = view_in (window, "items_box");

  /* A new item through the dialog, then archive it, then archive A-1. */
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-item", NULL));
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG)) != NULL));
  gtk_editable_set_text (stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG, "code_entry"), "N-1");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (query ("SELECT count(*) FROM items WHERE code = 'N-1'") == 1));
  cr_assert (WAIT_UNTIL (loaded (items, 2)));
  stk_table_view_select_id (items, query ("SELECT id FROM items WHERE code = 'A-1'"));
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.archive-item", NULL));
  cr_assert (WAIT_UNTIL (archived () == 1));
  stk_notice_dismiss (notice);

  /* Ctrl+Z twice: A-1 back, then N-1 gone. */
  stk_test_keys (GTK_WINDOW (window), "ctrl+z");
  cr_assert (WAIT_UNTIL (archived () == 0));
  stk_test_keys (GTK_WINDOW (window), "ctrl+z");
  cr_assert (WAIT_UNTIL (query ("SELECT count(*) FROM items WHERE code = 'N-1'") == 0),
             "the second Ctrl+Z did not undo the new item");
}

Test (slips, an_archived_code_is_offered_for_restore)
{
  StkWindow *window;
  GtkWindow *dialog;
  GtkWindow *question;
  StkNotice *notice;

  add_item ("A-1", 7);
  stk_test_submit (writer (), stk_op_set_archived (query ("SELECT id FROM items"), TRUE));
  add_item ("B-1", 0);
  window = open_window (1);
  notice = stk_test_template_child (window, STK_TYPE_WINDOW, "notice");

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-item", NULL));
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG)) != NULL));
  gtk_editable_set_text (stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG, "code_entry"), "A-1");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL ((question = stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL),
             "no offer to restore the archived item");
  cr_assert_eq (gtk_window_get_transient_for (question), dialog);
  cr_assert_str_eq (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (question)),
                    "restore");
  cr_assert_str_eq (adw_message_dialog_get_close_response (ADW_MESSAGE_DIALOG (question)),
                    "cancel");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "restore");

  cr_assert (WAIT_UNTIL (archived () == 0), "the archived item was not restored");
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE code = 'A-1'"), 1);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'A-1'"), 7, "its stock came back");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG) == NULL));
  cr_assert (WAIT_UNTIL (stk_notice_get_text (notice) != NULL &&
                         strstr (stk_notice_get_text (notice), "restored") != NULL));
  /* The restore is a step of the history too. */
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  cr_assert (WAIT_UNTIL (archived () == 1));
}

/* --- problem 2 -------------------------------------------------------------------- */

static gboolean
picks (GtkWidget *window,
       GtkWidget *target)
{
  graphene_rect_t b;
  GtkWidget *hit;

  if (!gtk_widget_compute_bounds (target, window, &b))
    return FALSE;
  hit = gtk_widget_pick (window, b.origin.x + b.size.width / 2, b.origin.y + b.size.height / 2,
                         GTK_PICK_DEFAULT);
  return hit == target || (hit != NULL && gtk_widget_is_ancestor (hit, target));
}

static void
check_buttons (GtkWidget *window,
               GtkWidget *widget,
               GtkWidget *notice_box,
               guint     *n)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget))
    {
      graphene_rect_t b;
      graphene_rect_t nb;

      cr_assert (gtk_widget_compute_bounds (widget, window, &b));
      cr_assert (gtk_widget_compute_bounds (notice_box, window, &nb));
      cr_assert_not (graphene_rect_intersection (&b, &nb, NULL),
                     "the notice covers the button “%s”",
                     gtk_button_get_label (GTK_BUTTON (widget)));
      cr_assert (picks (window, widget), "a click on “%s” does not reach it",
                 gtk_button_get_label (GTK_BUTTON (widget)));
      (*n)++;
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    check_buttons (window, c, notice_box, n);
}

/* The toast widget (css name "toast") inside @widget, once shown whole (its slide-in
 * over: inside @widget's bounds), or NULL. */
static GtkWidget *find_toast_in (GtkWidget *widget, GtkWidget *notice);

static GtkWidget *
find_toast (GtkWidget *notice)
{
  return find_toast_in (notice, notice);
}

static GtkWidget *
find_toast_in (GtkWidget *widget,
               GtkWidget *notice)
{
  graphene_rect_t t;
  graphene_rect_t nb;

  if (g_str_equal (gtk_widget_get_css_name (widget), "toast") && gtk_widget_get_mapped (widget) &&
      gtk_widget_compute_bounds (widget, notice, &t) &&
      gtk_widget_compute_bounds (notice, notice, &nb) &&
      graphene_rect_contains_rect (&nb, &t))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_toast_in (c, notice);

      if (found != NULL)
        return found;
    }
  return NULL;
}

Test (slips, the_notice_never_covers_the_action_bar)
{
  StkWindow *window;
  StkNotice *notice;
  AdwViewStack *views;
  GtkWidget *toast = NULL;
  const char *bars[] = { "items_action_bar", "sales_action_bar", "moves_action_bar" };
  const char *names[] = { "items", "sales", "moves" };

  add_item ("A-1", 5);
  window = open_window (1);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  stk_table_view_select_id (view_in (window, "items_box"), query ("SELECT id FROM items"));
  notice = stk_test_template_child (window, STK_TYPE_WINDOW, "notice");
  views = stk_test_template_child (window, STK_TYPE_WINDOW, "view_stack");
  stk_notice_set_timeout (notice, 600000);
  stk_notice_show (notice, "Saved: a rather long notice about “A-1” and what became of it",
                   NULL);
  /* The notice is an AdwToast, shown by the toast overlay that wraps the views. */
  cr_assert_not_null (stk_notice_get_toast (notice));
  cr_assert (WAIT_UNTIL ((toast = find_toast (GTK_WIDGET (notice))) != NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bars); i++)
    {
      GtkWidget *bar = stk_test_template_child (window, STK_TYPE_WINDOW, bars[i]);
      guint n = 0;

      adw_view_stack_set_visible_child_name (views, names[i]);
      cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (bar)), "no action bar in %s", names[i]);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
      cr_assert (WAIT_UNTIL ((toast = find_toast (GTK_WIDGET (notice))) != NULL));
      check_buttons (GTK_WIDGET (window), bar, toast, &n);
      cr_assert_gt (n, 0, "no action bar button in %s", names[i]);
    }

  /* A click on Record Sale… while the notice shows opens the dialog. */
  adw_view_stack_set_visible_child_name (views, "items");
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.record-sale", NULL));
}
