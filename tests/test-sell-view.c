/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Sell view, the till (issue 17): scans typed faster than they are looked up all
 * land in order, a pack barcode counts its pack, a shortage shows on its line before
 * Complete Sale and the writer's "Line N" error keeps the basket, a completed sale takes
 * the stock and gives the scan field back, an unknown barcode is attached to an item and
 * then scans, and read-only turns the till off. Words typed find items as the Items
 * search does: after a pause they are offered under the field (Down/Up choose, Enter or
 * a click adds, Escape closes), and Enter on words that name no code adds the one item
 * they find or offers the several. In the real window, with real key presses from the X
 * server where the keyboard matters (tests/stk-test-keys.c). */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-item-dialog.h"
#include "stk-notice.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-sale.h"
#include "stk-sell-view.h"
#include "stk-session.h"
#include "stk-table-view.h"
#include "stk-test-fixture.h"
#include "stk-test-keys.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 60000
#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

/* Valid EAN-13 / UPC-A numbers (right check digits). */
#define MUG_BARCODE   "4006381333931"
#define SPOON_BARCODE "036000291452"
#define CASE_BARCODE  "5901234123457"
#define NEW_BARCODE   "9780201379624"

static GtkApplication *app;
static StkSession *session;

static void
setup (void)
{
  StkWriter *writer;

  stk_test_ui_setup (&app, &session);
  writer = stk_session_get_writer (session);
  stk_test_submit (writer, stk_op_create_item ("MUG", "Blue mug", 450, 0));
  stk_test_submit (writer, stk_op_record_movement ("MUG", STK_MOVEMENT_RECEIVE, 30, "", 0));
  stk_test_submit (writer, stk_op_create_item ("SPOON", "Tea spoon", 120, 0));
  stk_test_submit (writer, stk_op_record_movement ("SPOON", STK_MOVEMENT_RECEIVE, 3, "", 0));
  stk_test_submit (writer, stk_op_add_barcode ("MUG", MUG_BARCODE, 1));
  stk_test_submit (writer, stk_op_add_barcode ("MUG", CASE_BARCODE, 6));
  stk_test_submit (writer, stk_op_add_barcode ("SPOON", SPOON_BARCODE, 1));
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (sell_view, .init = setup, .fini = teardown, .timeout = 180);

static gint64
query (const char *sql)
{
  return stk_test_query (db_path, sql);
}

static gpointer
child (gpointer    widget,
       GType       type,
       const char *name)
{
  GObject *c = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  cr_assert_not_null (c, "no template child %s", name);
  return c;
}

static gpointer
sell_child (StkSellView *view,
            const char  *name)
{
  return child (view, STK_TYPE_SELL_VIEW, name);
}

static StkSellView *
sell_view_of (StkWindow *window)
{
  GtkWidget *box = child (window, STK_TYPE_WINDOW, "sell_box");

  return STK_SELL_VIEW (gtk_widget_get_first_child (box));
}

static StkSellView *
open_till (StkSession  *s,
           StkWindow  **out_window)
{
  StkWindow *window = stk_window_new (app, s, NULL);
  StkSellView *view;

  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  /* Alt+5, like the other views' Alt+1…4. */
  stk_test_keys (GTK_WINDOW (window), "alt+5");
  cr_assert (WAIT_UNTIL (g_strcmp0 (adw_view_stack_get_visible_child_name (
                           child (window, STK_TYPE_WINDOW, "view_stack")), "sell") == 0));
  view = sell_view_of (window);
  cr_assert_not_null (view);
  if (out_window != NULL)
    *out_window = window;
  return view;
}

static gboolean
scan_has_focus (StkWindow   *window,
                StkSellView *view)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  GtkWidget *entry = sell_child (view, "scan_entry");

  return focus != NULL && (focus == entry || gtk_widget_is_ancestor (focus, entry));
}

static guint
n_lines (StkSellView *view)
{
  return g_list_model_get_n_items (stk_sell_view_get_lines (view));
}

static StkBasketLine *
line_at (StkSellView *view,
         guint        i)
{
  g_autoptr(StkBasketLine) line = g_list_model_get_item (stk_sell_view_get_lines (view), i);

  cr_assert_not_null (line, "no line %u", i + 1);
  return line;  /* the basket keeps it */
}

/* The row widget of line @i: its visible note (shortage or error). */
static const char *
line_note (StkSellView *view,
           guint        i)
{
  GtkListBox *list = sell_child (view, "lines_list");
  GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, (int) i));
  GtkWidget *w;

  cr_assert_not_null (row);
  /* row > box > names box > code, description, note */
  w = gtk_widget_get_first_child (gtk_widget_get_first_child (gtk_widget_get_first_child (row)));
  w = gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (w));
  cr_assert (GTK_IS_LABEL (w));
  return gtk_widget_get_visible (w) ? gtk_label_get_text (GTK_LABEL (w)) : NULL;
}

static GtkSpinButton *
line_quantity (StkSellView *view,
               guint        i)
{
  GtkListBox *list = sell_child (view, "lines_list");
  GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, (int) i));
  GtkWidget *box = gtk_widget_get_first_child (row);

  for (GtkWidget *w = gtk_widget_get_first_child (box); w; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_SPIN_BUTTON (w))
      return GTK_SPIN_BUTTON (w);
  cr_assert_fail ("line %u has no quantity field", i + 1);
  return NULL;
}

/* What a keyboard-wedge scanner does: each code and Enter, typed by the X server a few
 * milliseconds apart, while this thread does not run the main loop at all. */
static void
scanner_types (StkWindow  *window,
               const char *text)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { "xdotool", "type", "--delay", "2", text, NULL };

  stk_test_keys (GTK_WINDOW (window), "");
  cr_assert (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                           NULL, &status, &error) &&
             g_spawn_check_wait_status (status, &error), "xdotool: %s", error->message);
}

/* Text + Enter into the scan field, without the main loop running in between. */
static void
scan (StkSellView *view,
      const char  *text)
{
  GtkWidget *entry = sell_child (view, "scan_entry");

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "activate");
}

static gboolean
settled (StkSellView *view)
{
  return !stk_sell_view_get_busy (view);
}

Test (sell_view, two_scans_back_to_back_both_land_in_order)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);

  cr_assert (WAIT_UNTIL (scan_has_focus (window, view)), "the scan field has no focus");
  /* Two scans and a code before any lookup can answer. */
  scan (view, SPOON_BARCODE);
  scan (view, "MUG");
  scan (view, SPOON_BARCODE);
  cr_assert_str_eq (gtk_editable_get_text (GTK_EDITABLE (sell_child (view, "scan_entry"))), "");
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert_eq (n_lines (view), 2);
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 0)), "SPOON");
  cr_assert_eq (stk_basket_line_get_quantity (line_at (view, 0)), 2,
                "the same item again adds to its line");
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 1)), "MUG");
  cr_assert_eq (stk_basket_line_get_quantity (line_at (view, 1)), 1);
  /* 2 × 1.20 + 4.50 */
  cr_assert_eq (stk_sell_view_get_total (view), 690);
  cr_assert_str_eq (gtk_label_get_text (sell_child (view, "total_label")), "6.90");
}

Test (sell_view, a_scanner_typing_at_full_speed_loses_no_scan)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);

  cr_assert (WAIT_UNTIL (scan_has_focus (window, view)));
  scanner_types (window, MUG_BARCODE "\n" SPOON_BARCODE "\n" MUG_BARCODE "\n");
  cr_assert (WAIT_UNTIL (n_lines (view) == 2 && settled (view) &&
                         stk_basket_line_get_quantity (line_at (view, 0)) == 2),
             "%u lines, scan field “%s”, unknown “%s”", n_lines (view),
             gtk_editable_get_text (GTK_EDITABLE (sell_child (view, "scan_entry"))),
             gtk_label_get_text (sell_child (view, "unknown_label")));
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 0)), "MUG");
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 1)), "SPOON");
  cr_assert_eq (stk_basket_line_get_quantity (line_at (view, 1)), 1);
  cr_assert (scan_has_focus (window, view), "the focus left the scan field between scans");
}

Test (sell_view, a_pack_barcode_counts_its_pack)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);

  scan (view, CASE_BARCODE);
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert_eq (n_lines (view), 1);
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 0)), "MUG");
  cr_assert_eq (stk_basket_line_get_quantity (line_at (view, 0)), 6);
  scan (view, CASE_BARCODE);
  scan (view, MUG_BARCODE);
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert_eq (n_lines (view), 1);
  cr_assert_eq (stk_basket_line_get_quantity (line_at (view, 0)), 13);
  cr_assert_eq ((gint64) gtk_spin_button_get_value (line_quantity (view, 0)), 13);
  cr_assert_eq (stk_sell_view_get_total (view), 13 * 450);
}

Test (sell_view, a_shortage_shows_on_its_line_and_the_failed_sale_keeps_the_basket)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);
  gint64 sales_before = query ("SELECT count(*) FROM sales");

  scan (view, "MUG");
  scan (view, "SPOON");
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert_null (line_note (view, 1));
  /* SPOON has 3: 5 is short, said on the line before anything is submitted. */
  gtk_spin_button_set_value (line_quantity (view, 1), 5);
  cr_assert (stk_basket_line_get_short (line_at (view, 1)));
  cr_assert_not_null (line_note (view, 1));
  cr_assert_str_eq (line_note (view, 1), "Only 3 in stock.");
  cr_assert (gtk_widget_has_css_class (GTK_WIDGET (line_quantity (view, 1)), "error"));
  cr_assert_null (line_note (view, 0), "the MUG line is fine: %s", line_note (view, 0));

  /* Complete Sale anyway: the writer refuses, naming line 2; nothing is lost. */
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (view), "sell.complete", NULL));
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert (gtk_widget_get_visible (sell_child (view, "error_label")));
  cr_assert (g_str_has_prefix (gtk_label_get_text (sell_child (view, "error_label")), "Line 2:"),
             "%s", gtk_label_get_text (sell_child (view, "error_label")));
  cr_assert (g_str_has_prefix (line_note (view, 1), "Line 2:"), "%s", line_note (view, 1));
  cr_assert_eq (n_lines (view), 2);
  cr_assert_eq (stk_basket_line_get_quantity (line_at (view, 1)), 5);
  cr_assert_eq (query ("SELECT count(*) FROM sales"), sales_before);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'MUG'"), 30);

  /* Back to what is there: the note goes. */
  gtk_spin_button_set_value (line_quantity (view, 1), 3);
  cr_assert_null (line_note (view, 1));
}

Test (sell_view, ctrl_enter_completes_the_sale_and_gives_the_scan_field_back)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);
  StkNotice *notice = child (window, STK_TYPE_WINDOW, "notice");
  gint64 sale_id;

  stk_notice_set_timeout (notice, 600000);
  scan (view, CASE_BARCODE);
  scan (view, SPOON_BARCODE);
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 2));
  /* The user was in a line's quantity field: Ctrl+Enter from there. */
  gtk_widget_grab_focus (GTK_WIDGET (line_quantity (view, 1)));
  cr_assert (WAIT_UNTIL (gtk_widget_has_focus (gtk_root_get_focus (GTK_ROOT (window))) &&
                         gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                                 GTK_WIDGET (line_quantity (view, 1)))));
  stk_test_keys (GTK_WINDOW (window), "ctrl+Return");
  cr_assert (WAIT_UNTIL (n_lines (view) == 0 && settled (view)));
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'MUG'"), 24);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'SPOON'"), 2);
  /* One sale of two lines. */
  cr_assert_eq (query ("SELECT count(*) FROM sales WHERE first_line IS NULL"), 1);
  cr_assert_eq (query ("SELECT count(*) FROM sales"), 2);
  sale_id = query ("SELECT id FROM sales WHERE first_line IS NULL");
  cr_assert_eq (stk_sell_view_get_last_sale (view), sale_id);
  cr_assert (WAIT_UNTIL (scan_has_focus (window, view)));
  cr_assert (gtk_revealer_get_reveal_child (sell_child (view, "receipt_revealer")));
  cr_assert (gtk_widget_get_sensitive (sell_child (view, "print_button")));
  cr_assert_str_eq (gtk_label_get_text (sell_child (view, "total_label")), "0.00");

  /* The notice's Undo voids the sale ("Undone") and the stock comes back. */
  cr_assert (g_str_has_prefix (stk_notice_get_text (notice), "Saved: sale"), "%s",
             stk_notice_get_text (notice));
  cr_assert (stk_notice_get_can_undo (notice));
  cr_assert (stk_notice_undo (notice));
  cr_assert (WAIT_UNTIL (query ("SELECT on_hand FROM items WHERE code = 'MUG'") == 30));
  cr_assert_eq (query ("SELECT count(*) FROM sale_voids WHERE reason = 'Undone'"
                       " AND sale_id = (SELECT id FROM sales WHERE first_line IS NULL)"), 1);
}

Test (sell_view, delete_removes_the_selected_line)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);
  GtkListBox *list = sell_child (view, "lines_list");

  scan (view, "MUG");
  scan (view, "SPOON");
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 2));
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
  gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0)));
  stk_test_keys (GTK_WINDOW (window), "Delete");
  cr_assert (WAIT_UNTIL (n_lines (view) == 1));
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 0)), "SPOON");
  cr_assert (WAIT_UNTIL (scan_has_focus (window, view)));
}

Test (sell_view, an_unknown_barcode_is_attached_to_an_item_and_then_scans)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);
  GtkRevealer *unknown = sell_child (view, "unknown_revealer");

  scan (view, NEW_BARCODE);
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert_eq (n_lines (view), 0);
  cr_assert (gtk_revealer_get_reveal_child (unknown));
  cr_assert (strstr (gtk_label_get_text (sell_child (view, "unknown_label")), NEW_BARCODE) != NULL);

  /* Attach it to SPOON: the barcode is saved and the scan lands in the basket. */
  gtk_editable_set_text (GTK_EDITABLE (sell_child (view, "attach_entry")), "SPOON");
  g_signal_emit_by_name (sell_child (view, "attach_button"), "clicked");
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 1),
             "%u lines, busy %d, attach error “%s”, error “%s”", n_lines (view),
             stk_sell_view_get_busy (view),
             gtk_label_get_text (sell_child (view, "attach_error")),
             gtk_label_get_text (sell_child (view, "error_label")));
  cr_assert_eq (query ("SELECT count(*) FROM barcodes WHERE code = '" NEW_BARCODE "'"
                       " AND item_id = (SELECT id FROM items WHERE code = 'SPOON')"), 1);
  cr_assert_not (gtk_revealer_get_reveal_child (unknown));
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 0)), "SPOON");

  /* Scanned again, it is SPOON's. */
  scan (view, NEW_BARCODE);
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert_eq (n_lines (view), 1);
  cr_assert_eq (stk_basket_line_get_quantity (line_at (view, 0)), 2);
  cr_assert_not (gtk_revealer_get_reveal_child (unknown));
}

Test (sell_view, attaching_to_an_unknown_item_says_so_and_keeps_the_offer)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);

  scan (view, NEW_BARCODE);
  cr_assert (WAIT_UNTIL (settled (view)));
  gtk_editable_set_text (GTK_EDITABLE (sell_child (view, "attach_entry")), "NOPE");
  g_signal_emit_by_name (sell_child (view, "attach_entry"), "activate");
  cr_assert (WAIT_UNTIL (settled (view) &&
                         gtk_widget_get_visible (sell_child (view, "attach_error"))));
  cr_assert (gtk_revealer_get_reveal_child (sell_child (view, "unknown_revealer")));
  cr_assert_eq (query ("SELECT count(*) FROM barcodes WHERE code = '" NEW_BARCODE "'"), 0);
  cr_assert_eq (n_lines (view), 0);
}

Test (sell_view, read_only_disables_complete_sale_and_the_scan_field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) ro = NULL;
  StkWindow *window;
  StkSellView *view;

  /* Our editing session holds the lock: this one can only read. */
  ro = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (ro, "%s", error ? error->message : "");
  cr_assert (stk_session_get_read_only (ro));
  view = open_till (ro, &window);

  cr_assert_null (stk_sell_view_get_writer (view));
  cr_assert_not (gtk_widget_get_sensitive (sell_child (view, "scan_entry")));
  cr_assert_not (gtk_widget_get_sensitive (sell_child (view, "complete_button")));
  cr_assert (gtk_widget_get_visible (sell_child (view, "read_only_label")));
  cr_assert (g_str_has_prefix (gtk_label_get_text (sell_child (view, "read_only_label")),
                               "Read-only"));
  /* Activating it anyway does nothing, and neither does Enter in the field. */
  scan (view, "MUG");
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert_eq (n_lines (view), 0);
  cr_assert_not (gtk_widget_activate_action (GTK_WIDGET (view), "sell.complete", NULL) &&
                 query ("SELECT count(*) FROM sales") > 0);
  cr_assert_eq (query ("SELECT count(*) FROM sales"), 0);
}

Test (sell_view, an_unknown_code_becomes_a_new_item_that_lands_in_the_basket)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);
  GtkWindow *dialog;
  GtkWidget *code;

  scan (view, "TEA-1");
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert (gtk_revealer_get_reveal_child (sell_child (view, "unknown_revealer")));
  g_signal_emit_by_name (sell_child (view, "create_button"), "clicked");
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG)) != NULL));
  /* The New Item dialog starts with the scanned code. */
  code = child (dialog, STK_TYPE_ITEM_DIALOG, "code_entry");
  cr_assert_str_eq (gtk_editable_get_text (GTK_EDITABLE (code)), "TEA-1");
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, STK_TYPE_ITEM_DIALOG, "description_entry")),
                         "Green tea");
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, STK_TYPE_ITEM_DIALOG, "price_entry")),
                         "2.50");
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG) == NULL));
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE code = 'TEA-1'"), 1);
  /* The scan lands: a line for the new item, short (nothing received yet). */
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 1));
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 0)), "TEA-1");
  cr_assert_eq (stk_basket_line_get_unit_price (line_at (view, 0)), 250);
  cr_assert (stk_basket_line_get_short (line_at (view, 0)));
  cr_assert_str_eq (line_note (view, 0), "None in stock.");
  cr_assert_not (gtk_revealer_get_reveal_child (sell_child (view, "unknown_revealer")));

  /* Created under another code, the scanned one becomes its barcode. */
  scan (view, NEW_BARCODE);
  cr_assert (WAIT_UNTIL (settled (view)));
  g_signal_emit_by_name (sell_child (view, "create_button"), "clicked");
  cr_assert (WAIT_UNTIL ((dialog = stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG)) != NULL));
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, STK_TYPE_ITEM_DIALOG, "code_entry")),
                         "BOOK-1");
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 2));
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 1)), "BOOK-1");
  cr_assert_eq (query ("SELECT count(*) FROM barcodes WHERE code = '" NEW_BARCODE "'"
                       " AND item_id = (SELECT id FROM items WHERE code = 'BOOK-1')"), 1);
}

/* ---- words of a description ---- */

static void
add_teapot (void)
{
  StkWriter *writer = stk_session_get_writer (session);

  stk_test_submit (writer, stk_op_create_item ("TEAPOT", "Tea pot, white", 1500, 0));
  stk_test_submit (writer, stk_op_record_movement ("TEAPOT", STK_MOVEMENT_RECEIVE, 2, "", 0));
  stk_test_submit (writer, stk_op_create_item ("OLDTEA", "Tea spoon, old model", 100, 0));
  stk_test_writer_barrier (writer);
  stk_test_submit (writer, stk_op_set_archived (query ("SELECT id FROM items WHERE code = 'OLDTEA'"),
                                                TRUE));
  stk_test_writer_barrier (writer);
}

static gboolean
suggestions_shown (StkSellView *view)
{
  return gtk_widget_get_visible (sell_child (view, "suggest_popover"));
}

static guint
n_suggestions (StkSellView *view)
{
  guint n = 0;

  for (GtkWidget *w = gtk_widget_get_first_child (sell_child (view, "suggest_list")); w;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_LIST_BOX_ROW (w))
      n++;
  return n;
}

/* The texts of suggestion @i's labels, joined by "|". */
static char *
suggestion_text (StkSellView *view,
                 guint        i)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (sell_child (view, "suggest_list"), (int) i);
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *box;

  cr_assert_not_null (row, "no suggestion %u", i + 1);
  box = gtk_list_box_row_get_child (row);
  for (GtkWidget *w = gtk_widget_get_first_child (box); w; w = gtk_widget_get_next_sibling (w))
    {
      if (GTK_IS_LABEL (w))
        g_string_append_printf (text, "%s%s", text->len ? "|" : "", gtk_label_get_text (GTK_LABEL (w)));
      else
        for (GtkWidget *l = gtk_widget_get_first_child (w); l; l = gtk_widget_get_next_sibling (l))
          g_string_append_printf (text, "%s%s", text->len ? "|" : "",
                                  gtk_label_get_text (GTK_LABEL (l)));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
scan_text (StkSellView *view)
{
  return gtk_editable_get_text (GTK_EDITABLE (sell_child (view, "scan_entry")));
}

Test (sell_view, typed_words_are_offered_after_a_pause_and_down_enter_adds_one)
{
  StkWindow *window;
  StkSellView *view;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  add_teapot ();
  view = open_till (session, &window);
  cr_assert (WAIT_UNTIL (scan_has_focus (window, view)));
  /* Typed (not Entered): after the pause, what "tea" finds — words of descriptions and
   * code prefixes, the archived OLDTEA not among them. */
  gtk_editable_set_text (GTK_EDITABLE (sell_child (view, "scan_entry")), "tea");
  cr_assert_not (suggestions_shown (view), "shown before the pause");
  cr_assert (WAIT_UNTIL (suggestions_shown (view) && n_suggestions (view) == 2),
             "%u suggestions", n_suggestions (view));
  first = suggestion_text (view, 0);
  second = suggestion_text (view, 1);
  cr_assert_str_eq (first, "SPOON|Tea spoon|3 on hand|1.20");
  cr_assert_str_eq (second, "TEAPOT|Tea pot, white|2 on hand|15.00");
  cr_assert_null (gtk_list_box_get_selected_row (sell_child (view, "suggest_list")),
                  "nothing is chosen before Down");
  cr_assert (scan_has_focus (window, view), "the suggestions took the focus");

  /* Down, Down, Up: the first; Enter adds it, as a scan of its code would. */
  stk_test_keys (GTK_WINDOW (window), "Down Down Up");
  cr_assert_eq (gtk_list_box_row_get_index (
                  gtk_list_box_get_selected_row (sell_child (view, "suggest_list"))), 0);
  cr_assert (scan_has_focus (window, view));
  stk_test_keys (GTK_WINDOW (window), "Return");
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 1));
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 0)), "SPOON");
  cr_assert_eq (stk_basket_line_get_quantity (line_at (view, 0)), 1);
  cr_assert_not (suggestions_shown (view));
  cr_assert_str_eq (scan_text (view), "");
  cr_assert (scan_has_focus (window, view), "the field lost the focus after the add");

  /* Again, by a click on the second: TEAPOT. */
  gtk_editable_set_text (GTK_EDITABLE (sell_child (view, "scan_entry")), "pot whi");
  cr_assert (WAIT_UNTIL (suggestions_shown (view) && n_suggestions (view) == 1));
  g_signal_emit_by_name (sell_child (view, "suggest_list"), "row-activated",
                         gtk_list_box_get_row_at_index (sell_child (view, "suggest_list"), 0));
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 2));
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 1)), "TEAPOT");
  cr_assert_not (suggestions_shown (view));
  cr_assert (scan_has_focus (window, view));

  /* Escape closes them and keeps the text and the focus; nothing is added. */
  gtk_editable_set_text (GTK_EDITABLE (sell_child (view, "scan_entry")), "spoon");
  cr_assert (WAIT_UNTIL (suggestions_shown (view) && n_suggestions (view) == 1));
  stk_test_keys (GTK_WINDOW (window), "Down Escape");
  cr_assert_not (suggestions_shown (view));
  cr_assert_str_eq (scan_text (view), "spoon");
  cr_assert (scan_has_focus (window, view));
  cr_assert (stk_test_drain ());
  cr_assert_eq (n_lines (view), 2);
  cr_assert_eq (stk_basket_line_get_quantity (line_at (view, 0)), 1);
}

Test (sell_view, the_suggestions_follow_the_text)
{
  StkWindow *window;
  StkSellView *view;
  g_autofree char *mug = NULL;
  g_autofree char *pot = NULL;

  add_teapot ();
  view = open_till (session, &window);
  gtk_editable_set_text (GTK_EDITABLE (sell_child (view, "scan_entry")), "blue");
  cr_assert (WAIT_UNTIL (suggestions_shown (view) && n_suggestions (view) == 1));
  mug = suggestion_text (view, 0);
  cr_assert (g_str_has_prefix (mug, "MUG|"), "%s", mug);
  /* Typed on: the shown ones stay, none chosen, until the new words' answer. */
  stk_test_keys (GTK_WINDOW (window), "Down");
  cr_assert_not_null (gtk_list_box_get_selected_row (sell_child (view, "suggest_list")));
  gtk_editable_set_text (GTK_EDITABLE (sell_child (view, "scan_entry")), "pot");
  cr_assert_null (gtk_list_box_get_selected_row (sell_child (view, "suggest_list")));
  cr_assert (WAIT_UNTIL (suggestions_shown (view) &&
                         g_str_has_prefix (pot = (g_free (pot), suggestion_text (view, 0)),
                                           "TEAPOT|")),
             "%s", pot);
  cr_assert_eq (n_suggestions (view), 1);
  /* Words that find nothing: the list goes once their answer is in. */
  gtk_editable_set_text (GTK_EDITABLE (sell_child (view, "scan_entry")), "pot zebra");
  cr_assert (WAIT_UNTIL (!suggestions_shown (view)));
  /* Emptied: nothing to offer. */
  gtk_editable_set_text (GTK_EDITABLE (sell_child (view, "scan_entry")), "tea");
  cr_assert (WAIT_UNTIL (suggestions_shown (view)));
  gtk_editable_set_text (GTK_EDITABLE (sell_child (view, "scan_entry")), "");
  cr_assert_not (suggestions_shown (view));
  cr_assert (stk_test_drain ());
  cr_assert_eq (n_lines (view), 0);
}

Test (sell_view, enter_on_words_that_find_one_item_adds_it)
{
  StkWindow *window;
  StkSellView *view;

  add_teapot ();
  view = open_till (session, &window);
  /* Not a code nor a barcode; "mug blue" finds only MUG (any order, any case). */
  scan (view, "mug BLUE");
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert_eq (n_lines (view), 1);
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 0)), "MUG");
  cr_assert_not (gtk_revealer_get_reveal_child (sell_child (view, "unknown_revealer")));
  cr_assert_str_eq (scan_text (view), "");
  /* A code still goes first: "SPOON" is SPOON's code, though "spoon" is in TEA's words. */
  scan (view, "spoon");
  scan (view, "mug");
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert_eq (n_lines (view), 2);
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 1)), "SPOON");
  cr_assert_eq (stk_basket_line_get_quantity (line_at (view, 0)), 2);
  cr_assert_not (suggestions_shown (view));
}

Test (sell_view, enter_on_words_that_find_several_offers_them_and_adds_nothing)
{
  StkWindow *window;
  StkSellView *view;

  add_teapot ();
  view = open_till (session, &window);
  cr_assert (WAIT_UNTIL (scan_has_focus (window, view)));
  scan (view, "tea");
  cr_assert (WAIT_UNTIL (settled (view) && suggestions_shown (view)));
  cr_assert_eq (n_lines (view), 0, "added without a choice");
  cr_assert_eq (n_suggestions (view), 2);
  cr_assert_str_eq (scan_text (view), "tea");
  cr_assert_not (gtk_revealer_get_reveal_child (sell_child (view, "unknown_revealer")));
  cr_assert (scan_has_focus (window, view));
  /* The user chooses the second. */
  stk_test_keys (GTK_WINDOW (window), "Down Down Return");
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 1));
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 0)), "TEAPOT");

  /* Words that find nothing: the unknown-code offer, as before. */
  scan (view, "zebra");
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert (gtk_revealer_get_reveal_child (sell_child (view, "unknown_revealer")));
  cr_assert (strstr (gtk_label_get_text (sell_child (view, "unknown_label")), "zebra") != NULL);
  cr_assert_not (suggestions_shown (view));
  cr_assert_eq (n_lines (view), 1);
}

Test (sell_view, scans_and_words_entered_back_to_back_land_in_order)
{
  StkWindow *window;
  StkSellView *view;

  add_teapot ();
  view = open_till (session, &window);
  cr_assert (WAIT_UNTIL (scan_has_focus (window, view)));
  /* Before any lookup answers: a barcode, words finding one item, an unknown barcode,
   * a barcode. */
  scan (view, SPOON_BARCODE);
  scan (view, "white pot");
  scan (view, NEW_BARCODE);
  scan (view, MUG_BARCODE);
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert_eq (n_lines (view), 3);
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 0)), "SPOON");
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 1)), "TEAPOT");
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 2)), "MUG");
  cr_assert (gtk_revealer_get_reveal_child (sell_child (view, "unknown_revealer")));

  /* A scanner at full speed: no suggestion ever shows, every scan lands. */
  scanner_types (window, MUG_BARCODE "\n" SPOON_BARCODE "\n" CASE_BARCODE "\n");
  cr_assert (WAIT_UNTIL (settled (view) &&
                         stk_basket_line_get_quantity (line_at (view, 2)) == 8),
             "MUG ×%" G_GINT64_FORMAT, stk_basket_line_get_quantity (line_at (view, 2)));
  cr_assert_eq (stk_basket_line_get_quantity (line_at (view, 0)), 2);
  cr_assert (stk_test_drain ());
  cr_assert_not (suggestions_shown (view));
  cr_assert_str_eq (scan_text (view), "");
  cr_assert (scan_has_focus (window, view));
}

/* The selector of how the sale is paid: its labels, joined with commas. */
static char *
payment_labels (StkSellView *view)
{
  GListModel *model = gtk_drop_down_get_model (sell_child (view, "payment_dropdown"));
  g_autoptr(GString) labels = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      g_string_append_printf (labels, "%s%s", i > 0 ? "," : "",
                              gtk_string_object_get_string (item));
    }
  return g_string_free (g_steal_pointer (&labels), FALSE);
}

static gboolean
payment_labels_are (StkSellView *view,
                    const char  *expected)
{
  g_autofree char *labels = payment_labels (view);

  return g_str_equal (labels, expected);
}

/* The shop's payment methods: a sale completed with "card" chosen records "card", and
 * the next sale starts with the first method again. */
Test (sell_view, a_sale_paid_by_card_records_card)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);
  GtkDropDown *payment = sell_child (view, "payment_dropdown");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSaleDetail) sale = NULL;

  cr_assert (WAIT_UNTIL (payment_labels_are (view, "Cash,Card,Other")));
  cr_assert_eq (gtk_drop_down_get_selected (payment), 0);
  cr_assert_str_eq (stk_sell_view_get_payment (view), "cash");
  cr_assert (gtk_widget_get_sensitive (GTK_WIDGET (payment)));

  gtk_drop_down_set_selected (payment, 1);
  cr_assert_str_eq (stk_sell_view_get_payment (view), "card");
  scan (view, MUG_BARCODE);
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 1));
  /* A choice leaves the scan field the focus for the next scan. */
  cr_assert (WAIT_UNTIL (scan_has_focus (window, view)));
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (view), "sell.complete", NULL));
  cr_assert (WAIT_UNTIL (n_lines (view) == 0 && settled (view)));
  cr_assert_gt (stk_sell_view_get_last_sale (view), 0);

  sale = stk_store_read_sale (stk_session_get_store (session),
                              stk_sell_view_get_last_sale (view), &error);
  cr_assert_not_null (sale, "%s", error ? error->message : "");
  cr_assert_str_eq (sale->payment, "card");
  /* The next sale starts with the first method. */
  cr_assert_eq (gtk_drop_down_get_selected (payment), 0);
  cr_assert_str_eq (stk_sell_view_get_payment (view), "cash");
}

/* The selector offers the shop's own methods, in its order, and follows a change. */
Test (sell_view, the_selector_offers_the_shops_methods)
{
  const char *methods[] = { "Voucher", "card", NULL };
  const char *after[] = { "card", "Bank transfer", NULL };
  StkWindow *window;
  StkSellView *view;
  GtkDropDown *payment;

  stk_test_submit (stk_session_get_writer (session), stk_op_set_payment_methods (methods));
  view = open_till (session, &window);
  payment = sell_child (view, "payment_dropdown");
  cr_assert (WAIT_UNTIL (payment_labels_are (view, "Voucher,Card")));
  gtk_drop_down_set_selected (payment, 1);

  /* Changed (in Preferences): the window refreshes; "card" stays chosen. */
  stk_test_submit (stk_session_get_writer (session), stk_op_set_payment_methods (after));
  stk_window_refresh (window);
  cr_assert (WAIT_UNTIL (payment_labels_are (view, "Card,Bank transfer")));
  cr_assert_str_eq (stk_sell_view_get_payment (view), "card");
}

/* Tab reaches the selector from the scan field; the till still scans afterwards. */
Test (sell_view, tab_reaches_the_payment_selector)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);
  GtkWidget *payment = sell_child (view, "payment_dropdown");
  gboolean reached = FALSE;

  cr_assert (WAIT_UNTIL (payment_labels_are (view, "Cash,Card,Other")));
  scan (view, MUG_BARCODE);
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 1));
  stk_sell_view_focus_scan (view);
  cr_assert (WAIT_UNTIL (scan_has_focus (window, view)));
  for (guint i = 0; i < 12 && !reached; i++)
    {
      GtkWidget *focus;

      stk_test_keys (GTK_WINDOW (window), "Tab");
      focus = gtk_root_get_focus (GTK_ROOT (window));
      reached = focus != NULL && gtk_widget_is_ancestor (focus, payment);
    }
  cr_assert (reached, "Tab never reached the payment selector");
}

/* The widget of line @i's row of @type after @after (NULL: the first). */
static GtkWidget *
line_widget (StkSellView *view,
             guint        i,
             GType        type,
             GtkWidget   *after)
{
  GtkListBox *list = sell_child (view, "lines_list");
  GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, (int) i));
  GtkWidget *w;

  cr_assert_not_null (row, "no line row %u", i + 1);
  w = after != NULL ? gtk_widget_get_next_sibling (after)
                    : gtk_widget_get_first_child (gtk_widget_get_first_child (row));
  for (; w != NULL; w = gtk_widget_get_next_sibling (w))
    if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
      return w;
  return NULL;
}

static GtkEditable *
line_price (StkSellView *view,
            guint        i)
{
  GtkWidget *entry = line_widget (view, i, GTK_TYPE_ENTRY, NULL);

  cr_assert_not_null (entry, "line %u has no price field", i + 1);
  return GTK_EDITABLE (entry);
}

/* The line's total: the label after its price field. */
static const char *
line_total_text (StkSellView *view,
                 guint        i)
{
  GtkWidget *label = line_widget (view, i, GTK_TYPE_LABEL, GTK_WIDGET (line_price (view, i)));

  cr_assert_not_null (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

static const char *
view_error (StkSellView *view)
{
  GtkLabel *label = sell_child (view, "error_label");

  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : NULL;
}

/* A price typed on a line: not an amount, the line says so, its total is "—" and
 * Complete Sale names the line and sells nothing; mended, the sale is at that price. */
Test (sell_view, a_line_s_price_is_edited_and_a_bad_one_sells_nothing)
{
  StkWindow *window;
  StkSellView *view = open_till (session, &window);
  g_autofree char *mug_at_3 = stk_format_currency (300);
  g_autofree char *total = stk_format_currency (300 + 120);

  scan (view, "MUG");
  scan (view, "SPOON");
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 2));

  gtk_editable_set_text (line_price (view, 0), "abc");
  cr_assert_str_eq (line_note (view, 0), "The price is not an amount.");
  cr_assert_str_eq (line_total_text (view, 0), "—");
  cr_assert (gtk_widget_has_css_class (GTK_WIDGET (line_price (view, 0)), "error"));
  gtk_widget_activate_action (GTK_WIDGET (view), "sell.complete", NULL);
  cr_assert_str_eq (view_error (view), "Line 1: the price is not an amount.");
  cr_assert (WAIT_UNTIL (gtk_widget_has_focus (GTK_WIDGET (line_price (view, 0))) ||
                         gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                                 GTK_WIDGET (line_price (view, 0)))),
             "the focus is not on the price to mend");
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert_eq (query ("SELECT count(*) FROM sales"), 0, "nothing sold");

  /* Mended: 3.00 a mug. */
  gtk_editable_set_text (line_price (view, 0), "3.00");
  cr_assert_null (line_note (view, 0));
  cr_assert_not (gtk_widget_has_css_class (GTK_WIDGET (line_price (view, 0)), "error"));
  cr_assert_eq (stk_basket_line_get_unit_price (line_at (view, 0)), 300);
  cr_assert_str_eq (line_total_text (view, 0), mug_at_3);
  cr_assert_eq (stk_sell_view_get_total (view), 420);
  cr_assert_str_eq (gtk_label_get_text (sell_child (view, "total_label")), total);
  gtk_widget_activate_action (GTK_WIDGET (view), "sell.complete", NULL);
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 0), "the sale never ended");
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert_eq (query ("SELECT s.unit_price_cents FROM sales s JOIN items i ON i.id = s.item_id "
                       "WHERE i.code = 'MUG'"), 300);
}

/* The row's remove button takes its line away; the other stays. */
Test (sell_view, the_remove_button_takes_its_line_away)
{
  StkSellView *view = open_till (session, NULL);
  GtkWidget *remove;

  scan (view, "MUG");
  scan (view, "SPOON");
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 2));
  remove = line_widget (view, 1, GTK_TYPE_BUTTON, NULL);
  cr_assert_not_null (remove, "no remove button");
  g_signal_emit_by_name (remove, "clicked");
  cr_assert (WAIT_UNTIL (n_lines (view) == 1));
  cr_assert_str_eq (stk_basket_line_get_code (line_at (view, 0)), "MUG");
  cr_assert_eq (stk_sell_view_get_total (view), 450);
}

/* A scan that would take a line over 1 000 000 units is refused with a sentence, and
 * the line keeps its quantity. */
Test (sell_view, a_scan_past_a_million_on_one_line_is_refused)
{
  StkSellView *view = open_till (session, NULL);
  StkBasketLine *line;

  scan (view, "MUG");
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 1));
  line = line_at (view, 0);
  stk_basket_line_set_quantity (line, 999998);
  scan (view, CASE_BARCODE);
  cr_assert (WAIT_UNTIL (settled (view)));
  cr_assert_str_eq (view_error (view), "That quantity is too large for one line.");
  cr_assert_eq (stk_basket_line_get_quantity (line), 999998);
  cr_assert_eq (n_lines (view), 1);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* A basket line's properties: quantity and unit price read and written through
 * GObject, each change notified once; "short" follows the stock. */
Test (sell_view, a_basket_line_s_properties_notify_their_changes)
{
  StkSellView *view = open_till (session, NULL);
  StkBasketLine *line;
  gint64 quantity = 0, price = 0;
  gboolean is_short = TRUE;
  guint notified = 0;

  scan (view, "SPOON");
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 1));
  line = line_at (view, 0);
  cr_assert_str_eq (stk_basket_line_get_description (line), "Tea spoon");
  cr_assert_eq (stk_basket_line_get_on_hand (line), 3);
  g_signal_connect (line, "notify", G_CALLBACK (count_notify_cb), &notified);
  g_object_get (line, "quantity", &quantity, "unit-price", &price, "short", &is_short, NULL);
  cr_assert_eq (quantity, 1);
  cr_assert_eq (price, 120);
  cr_assert_not (is_short);

  g_object_set (line, "quantity", (gint64) 4, NULL);
  cr_assert_eq (stk_basket_line_get_quantity (line), 4);
  g_object_get (line, "short", &is_short, NULL);
  cr_assert (is_short, "4 spoons with 3 in stock");
  g_object_set (line, "unit-price", (gint64) 99, NULL);
  cr_assert_eq (stk_basket_line_get_unit_price (line), 99);
  cr_assert_eq (stk_basket_line_get_total (line), 4 * 99);
  notified = 0;
  g_object_set (line, "unit-price", (gint64) 99, "quantity", (gint64) 4, NULL);
  cr_assert_eq (notified, 0, "setting the same values notifies nothing");
}

/* Prices with the tax added: the till's total includes it and says how much was added
 * (4.50 at 22 %: 0.99, computed here). */
Test (sell_view, with_tax_added_the_total_includes_it_and_says_so)
{
  StkWriter *writer = stk_session_get_writer (session);
  g_autoptr(StkOp) rate = stk_op_save_tax_rate (0, "VAT", 2200);
  g_autofree char *added = stk_format_currency (99);
  g_autofree char *expected_tax = g_strdup_printf ("Including %s of tax added to the prices", added);
  g_autofree char *expected_total = stk_format_currency (450 + 99);
  StkSellView *view;
  GtkLabel *tax;

  stk_test_submit (writer, stk_op_ref (rate));
  stk_test_submit (writer, stk_op_set_item_tax_rate (query ("SELECT id FROM items WHERE code = 'MUG'"),
                                                     stk_op_get_row_id (rate)));
  stk_test_submit (writer, stk_op_set_prices_include_tax (FALSE));
  stk_test_writer_barrier (writer);
  view = open_till (session, NULL);
  scan (view, "MUG");
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 1));
  tax = sell_child (view, "tax_label");
  cr_assert (WAIT_UNTIL (gtk_widget_get_visible (GTK_WIDGET (tax)) &&
                         g_str_equal (gtk_label_get_text (tax), expected_tax)),
             "“%s”", gtk_label_get_text (tax));
  cr_assert_str_eq (gtk_label_get_text (sell_child (view, "total_label")), expected_total);
  gtk_widget_activate_action (GTK_WIDGET (view), "sell.complete", NULL);
  cr_assert (WAIT_UNTIL (settled (view) && n_lines (view) == 0));
  stk_test_writer_barrier (writer);
  cr_assert_eq (query ("SELECT total_cents FROM sales"), 549, "the customer paid the tax too");
}
