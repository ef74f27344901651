/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window with the keyboard alone (issue 16, problems 3, 7 and 10): real key presses
 * from the X server (tests/stk-test-keys.c) into the real window and its dialogs. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-item-dialog.h"
#include "stk-movement-dialog.h"
#include "stk-ops.h"
#include "stk-rows.h"
#include "stk-sale-details-dialog.h"
#include "stk-sale-dialog.h"
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

TestSuite (keyboard, .init = setup, .fini = teardown, .timeout = 180);

static gint64
query (const char *sql)
{
  return stk_test_query (db_path, sql);
}

static void
add_item (const char *code,
          gint64      stock)
{
  StkWriter *writer = stk_session_get_writer (session);

  stk_test_submit (writer, stk_op_create_item (code, "Thing", 100, 0));
  if (stock > 0)
    stk_test_submit (writer, stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, stock,
                                                     "opening", 0));
}

static StkTableView *
view_in (StkWindow  *window,
         const char *box)
{
  GtkWidget *b = stk_test_template_child (window, STK_TYPE_WINDOW, box);

  return STK_TABLE_VIEW (gtk_widget_get_first_child (b));
}

static gboolean
loaded (StkTableView *view,
        guint         n)
{
  StkTableModel *model = stk_table_view_get_model (view);

  return !stk_table_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == n;
}

static GtkWidget *
focus_of (gpointer window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

static gboolean
focus_inside (gpointer   window,
              GtkWidget *ancestor)
{
  GtkWidget *focus = focus_of (window);

  return focus != NULL && (focus == ancestor || gtk_widget_is_ancestor (focus, ancestor));
}

static gboolean
focus_in_type (gpointer window,
               GType    type)
{
  GtkWidget *focus = focus_of (window);

  return focus != NULL && gtk_widget_get_ancestor (focus, type) != NULL;
}

static StkWindow *
open_window (guint n_items)
{
  StkWindow *window = stk_window_new (app, session, NULL);

  gtk_window_present (GTK_WINDOW (window));
  cr_assert (WAIT_UNTIL (loaded (view_in (window, "items_box"), n_items)));
  return window;
}

/* --- problem 3: Enter in a Quantity field ------------------------------------------- */

Test (keyboard, enter_in_quantity_submits_receive_stock)
{
  StkWindow *window;
  GtkWindow *dialog;
  GtkWidget *spin;

  add_item ("A-1", 5);
  window = open_window (1);
  stk_table_view_select_id (view_in (window, "items_box"), query ("SELECT id FROM items"));
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.receive", NULL));
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_MOVEMENT_DIALOG)) != NULL));
  cr_assert (WAIT_UNTIL (!stk_edit_dialog_get_busy (STK_EDIT_DIALOG (dialog))));
  spin = stk_test_template_child (dialog, STK_TYPE_MOVEMENT_DIALOG, "quantity_spin");
  gtk_editable_set_text (GTK_EDITABLE (spin), "7");
  gtk_widget_grab_focus (spin);
  cr_assert (WAIT_UNTIL (focus_inside (dialog, spin)));
  stk_test_keys (dialog, "Return");
  cr_assert (WAIT_UNTIL (query ("SELECT on_hand FROM items WHERE code = 'A-1'") == 12),
             "Enter in Quantity did not receive the stock (on hand %" G_GINT64_FORMAT
             ", quantity “%s”, dialog %s, focus in %s, %s)",
             query ("SELECT on_hand FROM items WHERE code = 'A-1'"),
             stk_test_find_toplevel (STK_TYPE_MOVEMENT_DIALOG) ? gtk_editable_get_text (GTK_EDITABLE (spin)) : "-",
             stk_test_find_toplevel (STK_TYPE_MOVEMENT_DIALOG) ? "open" : "closed",
             focus_of (dialog) ? G_OBJECT_TYPE_NAME (gtk_widget_get_parent (focus_of (dialog))) : "none",
             gtk_window_is_active (dialog) ? "active" : "inactive");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_MOVEMENT_DIALOG) == NULL));
}

Test (keyboard, enter_in_quantity_submits_record_sale)
{
  StkWindow *window;
  GtkWindow *dialog;
  GtkWidget *spin;

  add_item ("A-1", 5);
  window = open_window (1);
  stk_table_view_select_id (view_in (window, "items_box"), query ("SELECT id FROM items"));
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.record-sale", NULL));
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_SALE_DIALOG)) != NULL));
  cr_assert (WAIT_UNTIL (!stk_sale_dialog_get_busy (STK_SALE_DIALOG (dialog))));
  spin = stk_test_template_child (dialog, STK_TYPE_SALE_DIALOG, "quantity_spin");
  gtk_editable_set_text (GTK_EDITABLE (spin), "2");
  gtk_widget_grab_focus (spin);
  cr_assert (WAIT_UNTIL (focus_inside (dialog, spin)));
  stk_test_keys (dialog, "Return");
  cr_assert (WAIT_UNTIL (query ("SELECT on_hand FROM items WHERE code = 'A-1'") == 3),
             "Enter in Quantity did not record the sale (on hand %" G_GINT64_FORMAT
             ", quantity “%s”, dialog %s)",
             query ("SELECT on_hand FROM items WHERE code = 'A-1'"),
             stk_test_find_toplevel (STK_TYPE_SALE_DIALOG) ? gtk_editable_get_text (GTK_EDITABLE (spin)) : "-",
             stk_test_find_toplevel (STK_TYPE_SALE_DIALOG) ? "open" : "closed");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_SALE_DIALOG) == NULL));
}

Test (keyboard, enter_in_reorder_level_submits_the_item_dialog)
{
  StkWindow *window;
  GtkWindow *dialog;
  GtkWidget *spin;

  add_item ("A-1", 5);
  window = open_window (1);
  stk_table_view_select_id (view_in (window, "items_box"), query ("SELECT id FROM items"));
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-item", NULL));
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG)) != NULL));
  spin = stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG, "reorder_spin");
  gtk_editable_set_text (GTK_EDITABLE (spin), "4");
  gtk_widget_grab_focus (spin);
  cr_assert (WAIT_UNTIL (focus_inside (dialog, spin)));
  stk_test_keys (dialog, "Return");
  cr_assert (WAIT_UNTIL (query ("SELECT reorder_level FROM items WHERE code = 'A-1'") == 4),
             "Enter in Reorder Level did not save the item");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG) == NULL));
}

/* --- problem 10: Enter from a text field, no GTK warning ---------------------------- */
/* The suite runs with G_DEBUG=fatal-warnings (tests/meson.build): a warning aborts. */

Test (keyboard, enter_in_a_text_field_submits_without_a_warning)
{
  StkWindow *window;
  GtkWindow *dialog;
  GtkWidget *code;
  StkTestGate gate;
  gint64 until;

  add_item ("A-1", 5);
  window = open_window (1);
  /* A quick cursor blink: GTK's warning comes from the blink of a text that lost the
   * focus without hearing it. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink-time", 100, NULL);
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-item", NULL));
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG)) != NULL));
  code = stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG, "code_entry");
  gtk_widget_grab_focus (code);
  cr_assert (WAIT_UNTIL (focus_inside (dialog, code)));

  /* The writer is busy: the change waits, its fields insensitive, for several blinks. */
  stk_test_gate_init (&gate);
  {
    g_autoptr(StkOp) gate_op = stk_test_gate_op (&gate);

    stk_writer_submit (stk_session_get_writer (session), gate_op, NULL, NULL, NULL);
  }
  stk_test_gate_wait_started (&gate);
  stk_test_keys (dialog, "N 9 Return");
  cr_assert (WAIT_UNTIL (stk_item_dialog_get_pending (STK_ITEM_DIALOG (dialog))));
  /* Ten blink periods, against GTK's own timer (not a synchronisation). */
  until = g_get_monotonic_time () + 1000 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  stk_test_gate_release (&gate);

  cr_assert (WAIT_UNTIL (query ("SELECT count(*) FROM items WHERE code = 'N9'") == 1));
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG) == NULL));
  stk_test_gate_clear (&gate);
}

/* --- problem 3: Tab leaves the list; Down enters the results ------------------------- */

Test (keyboard, tab_in_the_list_reaches_the_action_bar)
{
  StkWindow *window;
  StkTableView *items;

  for (int i = 0; i < 40; i++)
    {
      g_autofree char *code = g_strdup_printf ("T-%02d", i);

      add_item (code, 0);
    }
  window = open_window (40);
  items = view_in (window, "items_box");
  cr_assert (stk_table_view_focus_results (items));
  cr_assert (WAIT_UNTIL (focus_inside (window, GTK_WIDGET (items))));
  stk_test_keys (GTK_WINDOW (window), "Tab");
  cr_assert (WAIT_UNTIL (focus_in_type (window, GTK_TYPE_ACTION_BAR)),
             "Tab stayed in the list (focus on a %s)",
             focus_of (window) ? G_OBJECT_TYPE_NAME (focus_of (window)) : "nothing");
  /* And Shift+Tab from the action bar goes back into the list, not past it. */
  stk_test_keys (GTK_WINDOW (window), "shift+Tab");
  cr_assert (WAIT_UNTIL (focus_inside (window, GTK_WIDGET (items))));
  stk_test_keys (GTK_WINDOW (window), "shift+Tab");
  cr_assert (WAIT_UNTIL (!focus_inside (window, GTK_WIDGET (items))),
             "Shift+Tab stayed in the list");
}

Test (keyboard, down_in_the_search_field_enters_the_results)
{
  StkWindow *window;
  StkTableView *items;
  GtkWidget *search;

  add_item ("A-1", 0);
  add_item ("A-2", 0);
  add_item ("B-1", 0);
  window = open_window (3);
  items = view_in (window, "items_box");
  search = stk_test_template_child (window, STK_TYPE_WINDOW, "search_entry");
  gtk_widget_grab_focus (search);
  cr_assert (WAIT_UNTIL (focus_inside (window, search)));
  stk_test_keys (GTK_WINDOW (window), "A Down");
  cr_assert (WAIT_UNTIL (focus_inside (window, GTK_WIDGET (items))),
             "Down left the focus in the search field");
  cr_assert (WAIT_UNTIL (loaded (items, 2)), "search “%s”, %u rows",
             stk_table_model_get_search (stk_table_view_get_model (items)),
             g_list_model_get_n_items (G_LIST_MODEL (stk_table_view_get_model (items))));
  {
    g_autoptr(GObject) row = stk_table_view_dup_selected (items);

    cr_assert_not_null (row, "no result selected");
    cr_assert_str_eq (stk_item_row_get_code (STK_ITEM_ROW (row)), "A-1");
  }
}

/* --- problem 3: shortcuts, listed in the shortcuts window --------------------------- */

Test (keyboard, shortcuts_open_the_dialogs_and_views)
{
  StkWindow *window;
  AdwViewStack *views;
  GtkWindow *dialog;

  add_item ("A-1", 5);
  window = open_window (1);
  views = stk_test_template_child (window, STK_TYPE_WINDOW, "view_stack");

  stk_test_keys (GTK_WINDOW (window), "alt+2");
  cr_assert (WAIT_UNTIL (g_strcmp0 (adw_view_stack_get_visible_child_name (views), "sales") == 0));
  stk_test_keys (GTK_WINDOW (window), "alt+3");
  cr_assert (WAIT_UNTIL (g_strcmp0 (adw_view_stack_get_visible_child_name (views), "moves") == 0));
  stk_test_keys (GTK_WINDOW (window), "alt+4");
  cr_assert (WAIT_UNTIL (g_strcmp0 (adw_view_stack_get_visible_child_name (views), "reports") == 0));
  stk_test_keys (GTK_WINDOW (window), "alt+1");
  cr_assert (WAIT_UNTIL (g_strcmp0 (adw_view_stack_get_visible_child_name (views), "items") == 0));

  stk_test_keys (GTK_WINDOW (window), "ctrl+shift+s");
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_SALE_DIALOG)) != NULL),
             "no shortcut for Record Sale");
  stk_test_keys (dialog, "Escape");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_SALE_DIALOG) == NULL));

  stk_test_keys (GTK_WINDOW (window), "ctrl+shift+r");
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_MOVEMENT_DIALOG)) != NULL),
             "no shortcut for Receive Stock");
  cr_assert_not_null (strstr (gtk_window_get_title (dialog), "Receive"));
  stk_test_keys (dialog, "Escape");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_MOVEMENT_DIALOG) == NULL));

  stk_test_keys (GTK_WINDOW (window), "ctrl+shift+j");
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_MOVEMENT_DIALOG)) != NULL),
             "no shortcut for Adjust");
  stk_test_keys (dialog, "Escape");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_MOVEMENT_DIALOG) == NULL));

  stk_test_keys (GTK_WINDOW (window), "ctrl+n");
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG)) != NULL));
  stk_test_keys (dialog, "Escape");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG) == NULL));
}

/* The row menu a list shows (a GtkPopoverMenu parented to it), if open. */
static GtkPopover *
open_row_menu (StkTableView *view)
{
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (view)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_POPOVER_MENU (c) && gtk_widget_get_visible (c))
      return GTK_POPOVER (c);
  return NULL;
}

static char *
menu_label (GtkPopover *menu,
            guint       section,
            guint       index)
{
  GMenuModel *model = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu));
  g_autoptr(GMenuModel) sub = NULL;
  char *label = NULL;

  if (section > 0)
    {
      sub = g_menu_model_get_item_link (model, (int) section, G_MENU_LINK_SECTION);
      model = sub;
    }
  if (model == NULL || !g_menu_model_get_item_attribute (model, (int) index,
                                                         G_MENU_ATTRIBUTE_LABEL, "s", &label))
    return NULL;
  return label;
}

/* --- the row menu from the keyboard (Menu, Shift+F10), as a right-click opens it ------ */

Test (keyboard, the_menu_key_opens_the_selected_rows_menu)
{
  StkWindow *window;
  StkTableView *items, *sales;
  GtkPopover *menu = NULL;
  GdkRectangle at;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *sale_first = NULL;

  add_item ("A-1", 5);
  add_item ("A-2", 5);
  stk_test_submit (stk_session_get_writer (session), stk_op_record_sale ("A-2", 1, -1, 0));
  window = open_window (2);
  items = view_in (window, "items_box");
  cr_assert (stk_table_view_focus_results (items));
  cr_assert (WAIT_UNTIL (focus_inside (window, GTK_WIDGET (items))));

  stk_test_keys (GTK_WINDOW (window), "Menu");
  cr_assert (WAIT_UNTIL ((menu = open_row_menu (items)) != NULL), "the Menu key opened nothing");
  first = menu_label (menu, 0, 0);
  second = menu_label (menu, 0, 1);
  cr_assert_str_eq (first, "_Edit…");
  cr_assert_str_eq (second, "Show _History");
  /* Under the row that has the focus, not at the list's corner. */
  cr_assert (gtk_popover_get_pointing_to (menu, &at));
  cr_assert_gt (at.y, 20, "the menu points at y=%d", at.y);
  stk_test_keys (GTK_WINDOW (window), "Escape");
  cr_assert (WAIT_UNTIL (open_row_menu (items) == NULL));
  cr_assert (WAIT_UNTIL (focus_inside (window, GTK_WIDGET (items))), "the focus left the list");

  /* Shift+F10 does the same, and the menu's actions work from the keyboard. */
  stk_test_keys (GTK_WINDOW (window), "shift+F10");
  cr_assert (WAIT_UNTIL ((menu = open_row_menu (items)) != NULL), "Shift+F10 opened nothing");
  stk_test_keys (GTK_WINDOW (window), "Escape");
  cr_assert (WAIT_UNTIL (open_row_menu (items) == NULL));

  /* The Sales list: the sale's menu, Details first (Shift+F10 opened Details alone). */
  stk_test_keys (GTK_WINDOW (window), "alt+2");
  sales = view_in (window, "sales_box");
  cr_assert (WAIT_UNTIL (loaded (sales, 1)));
  cr_assert (stk_table_view_focus_results (sales));
  cr_assert (WAIT_UNTIL (focus_inside (window, GTK_WIDGET (sales))));
  stk_test_keys (GTK_WINDOW (window), "shift+F10");
  cr_assert (WAIT_UNTIL ((menu = open_row_menu (sales)) != NULL), "Shift+F10 opened nothing");
  sale_first = menu_label (menu, 0, 0);
  cr_assert_str_eq (sale_first, "_Details");
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_SALE_DETAILS_DIALOG),
                  "Shift+F10 opened the sale instead of its menu");
  stk_test_keys (GTK_WINDOW (window), "Escape");
  cr_assert (WAIT_UNTIL (open_row_menu (sales) == NULL));
}

static void
collect_accels (GtkWidget  *widget,
                GString    *out)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accel = NULL;

      g_object_get (widget, "accelerator", &accel, NULL);
      g_string_append_printf (out, "%s;", accel ? accel : "");
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_accels (c, out);
}

Test (keyboard, the_shortcuts_window_lists_them)
{
  StkWindow *window;
  GtkShortcutsWindow *overlay;
  g_autoptr(GString) accels = g_string_new (";");
  const char *wanted[] = {
    "<Primary><Shift>s", "<Primary><Shift>r", "<Primary><Shift>j", "<Primary>n",
    "<Primary>z", "<Primary><Shift>z", "<Alt>1", "<Alt>2", "<Alt>3", "<Alt>4",
    "Menu <Shift>F10",
  };

  add_item ("A-1", 0);
  window = open_window (1);
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  cr_assert_not_null (overlay, "no shortcuts window");
  collect_accels (GTK_WIDGET (overlay), accels);
  /* Shown for real (Ctrl+?), it lays out without a GTK warning (fatal here). */
  stk_test_keys (GTK_WINDOW (window), "ctrl+question");
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (overlay))), "Ctrl+? shows no shortcuts");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (overlay));
  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    {
      g_autofree char *needle = g_strdup_printf (";%s;", wanted[i]);

      cr_assert_not_null (strstr (accels->str, needle), "%s is not in the shortcuts window: %s",
                          wanted[i], accels->str);
    }
}

/* --- problem 7: one search per view --------------------------------------------------- */

Test (keyboard, each_view_keeps_its_own_search)
{
  StkWindow *window;
  AdwViewStack *views;
  GtkEditable *search;
  StkTableView *items;
  StkTableView *sales;

  add_item ("A-1", 5);
  add_item ("B-1", 5);
  window = open_window (2);
  views = stk_test_template_child (window, STK_TYPE_WINDOW, "view_stack");
  search = stk_test_template_child (window, STK_TYPE_WINDOW, "search_entry");
  items = view_in (window, "items_box");
  sales = view_in (window, "sales_box");

  gtk_widget_grab_focus (GTK_WIDGET (search));
  stk_test_keys (GTK_WINDOW (window), "B");
  cr_assert (WAIT_UNTIL (loaded (items, 1)));

  adw_view_stack_set_visible_child_name (views, "sales");
  cr_assert_str_eq (gtk_editable_get_text (search), "", "the Items search followed into Sales");
  {
    const char *sales_search = stk_table_model_get_search (stk_table_view_get_model (sales));

    cr_assert (sales_search == NULL || sales_search[0] == '\0',
               "Sales is searched with the Items text “%s”", sales_search);
  }

  adw_view_stack_set_visible_child_name (views, "reports");
  cr_assert_not (gtk_widget_get_visible (GTK_WIDGET (search)), "Reports shows the search field");

  adw_view_stack_set_visible_child_name (views, "items");
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (search)));
  cr_assert_str_eq (gtk_editable_get_text (search), "B", "Items lost its search");
  cr_assert (WAIT_UNTIL (loaded (items, 1)));
}
