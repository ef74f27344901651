/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window and its dialogs, built for real on a temporary inventory and driven
 * through their actions and widgets (run under Xvfb, see tests/meson.build). */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-flows.h"
#include "stk-format.h"
#include "stk-item-dialog.h"
#include "stk-movement-dialog.h"
#include "stk-notice.h"
#include "stk-reports-view.h"
#include "stk-ops.h"
#include "stk-rows.h"
#include "stk-sale-dialog.h"
#include "stk-session.h"
#include "stk-table-view.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"
#include "stk-window.h"

/* Generous: a deadline only against a hang (the sanitizer build on a loaded machine
 * took more than 10 s to load the sample data); the tests assert what happens. */
#define TIMEOUT_MS 60000

/* Spins the main context until @cond holds or TIMEOUT_MS passed; evaluates to @cond. */
#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

static GtkApplication *app;
static StkSession *session;

static void
setup (void)
{
  stk_test_ui_setup (&app, &session);
  cr_assert_not (stk_session_get_read_only (session));
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (window, .init = setup, .fini = teardown, .timeout = 120);

/* --- helpers ----------------------------------------------------------------------- */

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
          const char *description,
          gint64      price_cents,
          gint64      stock)
{
  stk_test_submit (writer (), stk_op_create_item (code, description, price_cents, 0));
  if (stock > 0)
    stk_test_submit (writer (), stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, stock,
                                                        "opening", 0));
}

static void
set_text (gpointer    widget,
          GType       type,
          const char *name,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (stk_test_template_child (widget, type, name)), text);
}

/* The first toplevel of @type, or NULL. */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return w;
    }
  return NULL;
}

/* A visible label under @widget whose text contains @needle. */
static GtkLabel *
find_label (GtkWidget  *widget,
            const char *needle)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    return GTK_LABEL (widget);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkLabel *found = find_label (c, needle);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkLabel *
find_label_anywhere (const char *needle)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);
      GtkLabel *found = find_label (w, needle);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  gboolean  saved;
  char     *text;
  StkOp    *undo;
  gint64    item_id;
} Saved;

static void
saved_cb (GtkWindow  *dialog,
          const char *text,
          StkOp      *undo,
          gint64      item_id,
          Saved      *saved)
{
  saved->saved = TRUE;
  saved->text = g_strdup (text);
  saved->undo = undo ? stk_op_ref (undo) : NULL;
  saved->item_id = item_id;
}

static void
saved_clear (Saved *saved)
{
  g_clear_pointer (&saved->text, g_free);
  g_clear_pointer (&saved->undo, stk_op_unref);
}

static StkWindow *
new_window (StkSession *s)
{
  StkWindow *window = stk_window_new (app, s, NULL);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* Whether @action is enabled in @window, seen the way a button sees it: a GtkButton
 * with that action name is insensitive while the action is disabled. */
static gboolean
action_enabled (StkWindow  *window,
                const char *action,
                const char *string_target)
{
  AdwHeaderBar *bar = stk_test_template_child (window, STK_TYPE_WINDOW, "header_bar");
  GtkWidget *probe = gtk_button_new ();
  gboolean enabled;

  gtk_actionable_set_action_name (GTK_ACTIONABLE (probe), action);
  if (string_target != NULL)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (probe), "s", string_target);
  /* GTK tells the button the action's state as it is parented (its action muxer's
   * parent is set then): nothing to wait for. */
  adw_header_bar_pack_end (bar, probe);
  enabled = gtk_widget_get_sensitive (probe);
  adw_header_bar_remove (bar, probe);
  return enabled;
}

static StkTableModel *
items_model (StkWindow *window)
{
  GtkBox *box = stk_test_template_child (window, STK_TYPE_WINDOW, "items_box");
  GtkWidget *view = gtk_widget_get_first_child (GTK_WIDGET (box));

  cr_assert (STK_IS_TABLE_VIEW (view));
  return stk_table_view_get_model (STK_TABLE_VIEW (view));
}

static StkTableView *
items_view (StkWindow *window)
{
  GtkBox *box = stk_test_template_child (window, STK_TYPE_WINDOW, "items_box");

  return STK_TABLE_VIEW (gtk_widget_get_first_child (GTK_WIDGET (box)));
}

/* --- dialogs ----------------------------------------------------------------------- */

Test (window, item_dialog_creates_item_and_undo_deletes_it)
{
  StkItemDialog *dialog = stk_item_dialog_new (NULL, writer (), NULL);
  Saved saved = { 0 };

  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &saved);
  gtk_window_present (GTK_WINDOW (dialog));
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "code_entry", "BOLT-M6");
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "description_entry", "Hex bolt M6");
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "price_entry", "12.50");
  gtk_spin_button_set_value (stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG, "reorder_spin"), 5);

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  cr_assert (WAIT_UNTIL (saved.saved), "the item was not saved");

  cr_assert_eq (query ("SELECT count(*) FROM items WHERE code = 'BOLT-M6'"), 1);
  cr_assert_eq (query ("SELECT unit_price_cents FROM items WHERE code = 'BOLT-M6'"), 1250);
  cr_assert_eq (query ("SELECT reorder_level FROM items WHERE code = 'BOLT-M6'"), 5);
  cr_assert_eq (saved.item_id, query ("SELECT id FROM items WHERE code = 'BOLT-M6'"));
  cr_assert_not_null (strstr (saved.text, "BOLT-M6"), "%s", saved.text);
  cr_assert_null (find_toplevel (STK_TYPE_ITEM_DIALOG), "the dialog stayed open");

  cr_assert_not_null (saved.undo);
  stk_test_submit (writer (), stk_op_ref (saved.undo));
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE code = 'BOLT-M6'"), 0);
  saved_clear (&saved);
}

Test (window, duplicate_code_is_shown_at_the_field_and_nothing_saved)
{
  StkItemDialog *dialog;
  GtkLabel *code_error;
  Saved saved = { 0 };

  add_item ("BOLT-M6", "Hex bolt", 100, 0);

  dialog = stk_item_dialog_new (NULL, writer (), NULL);
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &saved);
  gtk_window_present (GTK_WINDOW (dialog));
  /* Codes are unique ignoring case. */
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "code_entry", "bolt-m6");
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "description_entry", "Another");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (stk_item_dialog_get_pending (dialog), "the save did not go to the writer");

  code_error = stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG, "code_error");
  cr_assert (WAIT_UNTIL (!stk_item_dialog_get_pending (dialog)));
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (code_error)), "no error under the code field");
  cr_assert_gt (strlen (gtk_label_get_text (code_error)), 0);
  cr_assert (gtk_widget_has_css_class (stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG, "code_entry"),
                                       "error"));
  cr_assert_not (saved.saved);
  cr_assert_eq (find_toplevel (STK_TYPE_ITEM_DIALOG), GTK_WINDOW (dialog), "the dialog closed");
  cr_assert_eq (query ("SELECT count(*) FROM items"), 1);
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE description = 'Another'"), 0);

  /* Typing a new code clears the error; saving then works. */
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "code_entry", "BOLT-M8");
  cr_assert_not (gtk_widget_get_visible (GTK_WIDGET (code_error)));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (saved.saved));
  cr_assert_eq (query ("SELECT count(*) FROM items"), 2);
  saved_clear (&saved);
}

Test (window, bad_price_and_empty_code_are_refused_inline)
{
  StkItemDialog *dialog = stk_item_dialog_new (NULL, writer (), NULL);
  StkWriterFigures before;
  StkWriterFigures after;

  gtk_window_present (GTK_WINDOW (dialog));
  stk_writer_get_figures (writer (), &before);
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "price_entry", "12.345");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);

  cr_assert (gtk_widget_get_visible (stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG, "code_error")));
  cr_assert (gtk_widget_get_visible (stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG, "price_error")));
  cr_assert_not (stk_item_dialog_get_pending (dialog));
  stk_writer_get_figures (writer (), &after);
  cr_assert_eq (after.submitted, before.submitted, "an invalid item was submitted");
}

Test (window, edit_dialog_changes_the_item_and_undo_restores_it)
{
  StkItemInfo info = { 0 };
  StkItemDialog *dialog;
  Saved saved = { 0 };

  add_item ("NUT-M6", "Nut", 25, 0);
  info.id = query ("SELECT id FROM items WHERE code = 'NUT-M6'");
  info.code = (char *) "NUT-M6";
  info.description = (char *) "Nut";
  info.unit_price_cents = 25;

  dialog = stk_item_dialog_new (NULL, writer (), &info);
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &saved);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert_str_eq (gtk_editable_get_text (stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG,
                                                           "price_entry")), "0.25");
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "description_entry", "Hex nut M6");
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "price_entry", "0.30");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (saved.saved));

  cr_assert_eq (query ("SELECT unit_price_cents FROM items WHERE code = 'NUT-M6'"), 30);
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE description = 'Hex nut M6'"), 1);

  stk_test_submit (writer (), stk_op_ref (saved.undo));
  cr_assert_eq (query ("SELECT unit_price_cents FROM items WHERE code = 'NUT-M6'"), 25);
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE description = 'Nut'"), 1);
  saved_clear (&saved);
}

Test (window, sale_dialog_lowers_on_hand_and_undo_restores_it)
{
  StkSaleDialog *dialog;
  GtkEditable *price;
  Saved saved = { 0 };

  add_item ("WASHER", "Washer", 199, 10);

  dialog = stk_sale_dialog_new (NULL, writer (), stk_session_get_store (session), NULL);
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &saved);
  gtk_window_present (GTK_WINDOW (dialog));
  set_text (dialog, STK_TYPE_SALE_DIALOG, "code_entry", "WASHER");
  price = stk_test_template_child (dialog, STK_TYPE_SALE_DIALOG, "price_entry");

  /* The price defaults to the item's, looked up off the main thread. */
  cr_assert (WAIT_UNTIL (!stk_sale_dialog_get_busy (dialog) && gtk_editable_get_text (price)[0]));
  cr_assert_str_eq (gtk_editable_get_text (price), "1.99");
  gtk_spin_button_set_value (stk_test_template_child (dialog, STK_TYPE_SALE_DIALOG, "quantity_spin"), 3);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (saved.saved));

  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'WASHER'"), 7);
  cr_assert_eq (query ("SELECT count(*) FROM sales"), 1);
  cr_assert_eq (query ("SELECT unit_price_cents FROM sales"), 199);

  cr_assert_not_null (saved.undo);
  stk_test_submit (writer (), stk_op_ref (saved.undo));
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'WASHER'"), 10);
  saved_clear (&saved);
}

Test (window, sale_dialog_reports_an_unknown_code)
{
  StkSaleDialog *dialog;
  GtkWidget *code_error;

  add_item ("WASHER", "Washer", 199, 10);
  dialog = stk_sale_dialog_new (NULL, writer (), stk_session_get_store (session), "NOPE");
  gtk_window_present (GTK_WINDOW (dialog));
  code_error = stk_test_template_child (dialog, STK_TYPE_SALE_DIALOG, "code_error");
  cr_assert (WAIT_UNTIL (!stk_sale_dialog_get_busy (dialog) && gtk_widget_get_visible (code_error)));
}

/* Records a movement through the dialog: @kind_index in the kind drop-down (0 receipt,
 * 1 adjustment, 2 count) for @code; waits for "saved". */
static void
record_movement (StkMovementKind kind,
                 guint           kind_index,
                 const char     *code,
                 double          quantity,
                 const char     *reason,
                 Saved          *saved)
{
  StkMovementDialog *dialog;

  dialog = stk_movement_dialog_new (NULL, writer (), stk_session_get_store (session), kind, code);
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), saved);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_drop_down_set_selected (stk_test_template_child (dialog, STK_TYPE_MOVEMENT_DIALOG, "kind_dropdown"),
                              kind_index);
  cr_assert (WAIT_UNTIL (!stk_movement_dialog_get_busy (dialog)), "the item lookup did not end");
  cr_assert_not (gtk_widget_get_visible (stk_test_template_child (dialog, STK_TYPE_MOVEMENT_DIALOG,
                                                         "code_error")),
                 "%s was not found", code);
  gtk_spin_button_set_value (stk_test_template_child (dialog, STK_TYPE_MOVEMENT_DIALOG, "quantity_spin"),
                             quantity);
  set_text (dialog, STK_TYPE_MOVEMENT_DIALOG, "reason_entry", reason);
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  cr_assert (WAIT_UNTIL (saved->saved), "the %s was not saved", reason);
  cr_assert (WAIT_UNTIL (find_toplevel (STK_TYPE_MOVEMENT_DIALOG) == NULL), "the dialog stayed open");
}

Test (window, movement_dialog_receives_adjusts_and_counts)
{
  Saved saved = { 0 };

  add_item ("WASHER", "Washer", 199, 10);

  /* Receipt: +5, with its reason; undo takes it back. */
  record_movement (STK_MOVEMENT_RECEIVE, 0, "WASHER", 5, "delivery 4711", &saved);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'WASHER'"), 15);
  cr_assert_eq (query ("SELECT quantity FROM movements WHERE reason = 'delivery 4711' "
                       "AND kind = 'receive'"), 5);
  cr_assert_not_null (saved.undo);
  stk_test_submit (writer (), stk_op_ref (saved.undo));
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'WASHER'"), 10);
  saved_clear (&saved);
  saved.saved = FALSE;

  /* Adjustment: a change by −3. */
  record_movement (STK_MOVEMENT_ADJUSTMENT, 1, "WASHER", -3, "damaged", &saved);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'WASHER'"), 7);
  cr_assert_eq (query ("SELECT quantity FROM movements WHERE reason = 'damaged'"), -3);
  saved_clear (&saved);
  saved.saved = FALSE;

  /* Count: the counted quantity becomes the stock, whatever it was. */
  record_movement (STK_MOVEMENT_ADJUSTMENT, 2, "WASHER", 4, "yearly count", &saved);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'WASHER'"), 4);
  cr_assert_eq (query ("SELECT balance FROM movements WHERE reason = 'yearly count'"), 4);
  cr_assert_not_null (saved.undo);
  stk_test_submit (writer (), stk_op_ref (saved.undo));
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'WASHER'"), 7);
  saved_clear (&saved);
}

Test (window, movement_dialog_refuses_an_unknown_code)
{
  StkMovementDialog *dialog;
  GtkWidget *code_error;
  Saved saved = { 0 };

  add_item ("WASHER", "Washer", 199, 10);
  dialog = stk_movement_dialog_new (NULL, writer (), stk_session_get_store (session),
                                    STK_MOVEMENT_RECEIVE, "NOPE");
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &saved);
  gtk_window_present (GTK_WINDOW (dialog));
  code_error = stk_test_template_child (dialog, STK_TYPE_MOVEMENT_DIALOG, "code_error");
  cr_assert (WAIT_UNTIL (!stk_movement_dialog_get_busy (dialog) && gtk_widget_get_visible (code_error)),
             "no error for an unknown code");
  gtk_spin_button_set_value (stk_test_template_child (dialog, STK_TYPE_MOVEMENT_DIALOG, "quantity_spin"), 2);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (!stk_movement_dialog_get_pending (dialog)));
  /* Had the save submitted anything, it would be committed and answered by now. */
  stk_test_writer_barrier (writer ());

  /* Refused at the field; the dialog stays open and nothing was written. */
  cr_assert (gtk_widget_get_visible (code_error));
  cr_assert_gt (strlen (gtk_label_get_text (GTK_LABEL (code_error))), 0);
  cr_assert_not (saved.saved);
  cr_assert_eq (find_toplevel (STK_TYPE_MOVEMENT_DIALOG), GTK_WINDOW (dialog));
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'WASHER'"), 10);
  cr_assert_eq (query ("SELECT count(*) FROM movements WHERE kind = 'receive' AND quantity = 2"), 0);
}

/* --- the window -------------------------------------------------------------------- */

Test (window, new_item_through_the_window_then_undo)
{
  StkWindow *window;
  StkNotice *notice;
  GtkWindow *dialog;

  add_item ("A-1", "First", 100, 5);
  window = new_window (session);
  notice = stk_test_template_child (window, STK_TYPE_WINDOW, "notice");
  cr_assert (action_enabled (window, "win.new-item", NULL));
  cr_assert (action_enabled (window, "win.import", "skus"));
  cr_assert_not (action_enabled (window, "win.undo", NULL), "nothing to undo yet");
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (items_model (window)) &&
                         g_list_model_get_n_items (G_LIST_MODEL (items_model (window))) == 1));

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-item", NULL));
  dialog = find_toplevel (STK_TYPE_ITEM_DIALOG);
  cr_assert_not_null (dialog, "win.new-item showed no dialog");
  cr_assert_eq (gtk_window_get_transient_for (dialog), GTK_WINDOW (window));
  cr_assert (gtk_window_get_modal (dialog));
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "code_entry", "B-2");
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "price_entry", "3");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);

  /* The notice says what was saved; the list grows after the session's "changed". */
  cr_assert (WAIT_UNTIL (stk_notice_get_text (notice) != NULL));
  cr_assert_not_null (strstr (stk_notice_get_text (notice), "B-2"));
  cr_assert (stk_notice_get_can_undo (notice));
  cr_assert (action_enabled (window, "win.undo", NULL));
  cr_assert (WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (items_model (window))) == 2));
  cr_assert_eq (query ("SELECT unit_price_cents FROM items WHERE code = 'B-2'"), 300);

  /* Ctrl+Z's action. */
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  cr_assert (WAIT_UNTIL (query ("SELECT count(*) FROM items WHERE code = 'B-2'") == 0));
  cr_assert (WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (items_model (window))) == 1));
}

Test (window, edit_selected_item_and_sale_through_the_window)
{
  StkWindow *window;
  GtkWindow *dialog;
  StkTableView *view;
  g_autoptr(GObject) selected = NULL;

  add_item ("A-1", "First", 100, 5);
  add_item ("B-2", "Second", 250, 8);
  window = new_window (session);
  view = items_view (window);
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (items_model (window)) &&
                         g_list_model_get_n_items (G_LIST_MODEL (items_model (window))) == 2));

  stk_table_view_select_id (view, query ("SELECT id FROM items WHERE code = 'B-2'"));
  selected = stk_table_view_dup_selected (view);
  cr_assert_not_null (selected, "select_id selected nothing");
  cr_assert_str_eq (stk_item_row_get_code (STK_ITEM_ROW (selected)), "B-2");

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-item", NULL));
  dialog = find_toplevel (STK_TYPE_ITEM_DIALOG);
  cr_assert_not_null (dialog);
  cr_assert_str_eq (gtk_editable_get_text (stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG,
                                                           "code_entry")), "B-2");
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "description_entry", "Second, edited");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (query ("SELECT count(*) FROM items WHERE description = 'Second, edited'") == 1));
  cr_assert (WAIT_UNTIL (find_toplevel (STK_TYPE_ITEM_DIALOG) == NULL));

  /* Record Sale starts with the selected item's code. */
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.record-sale", NULL));
  dialog = find_toplevel (STK_TYPE_SALE_DIALOG);
  cr_assert_not_null (dialog);
  cr_assert_str_eq (gtk_editable_get_text (stk_test_template_child (dialog, STK_TYPE_SALE_DIALOG,
                                                           "code_entry")), "B-2");
  gtk_spin_button_set_value (stk_test_template_child (dialog, STK_TYPE_SALE_DIALOG, "quantity_spin"), 2);
  cr_assert (WAIT_UNTIL (!stk_sale_dialog_get_busy (STK_SALE_DIALOG (dialog))));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (query ("SELECT on_hand FROM items WHERE code = 'B-2'") == 6));
  /* The row in the list follows (the session's "changed" reloads it in place). */
  cr_assert (WAIT_UNTIL (stk_item_row_get_on_hand (STK_ITEM_ROW (selected)) == 6));
}

Test (window, search_narrows_the_list)
{
  StkWindow *window;
  GtkEditable *search;
  StkTableModel *model;

  add_item ("BOLT-M6", "Hex bolt", 100, 0);
  add_item ("BOLT-M8", "Hex bolt large", 100, 0);
  add_item ("NUT-M6", "Hex nut", 100, 0);
  add_item ("WASHER", "Flat washer", 100, 0);
  window = new_window (session);
  model = items_model (window);
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (model) &&
                         g_list_model_get_n_items (G_LIST_MODEL (model)) == 4));

  search = stk_test_template_child (window, STK_TYPE_WINDOW, "search_entry");
  gtk_editable_set_text (search, "bolt");
  cr_assert (WAIT_UNTIL (g_strcmp0 (stk_table_model_get_search (model), "bolt") == 0 &&
                         !stk_table_model_get_loading (model) &&
                         g_list_model_get_n_items (G_LIST_MODEL (model)) == 2));
  gtk_editable_set_text (search, "washer");
  cr_assert (WAIT_UNTIL (g_strcmp0 (stk_table_model_get_search (model), "washer") == 0 &&
                         !stk_table_model_get_loading (model) &&
                         g_list_model_get_n_items (G_LIST_MODEL (model)) == 1));
  gtk_editable_set_text (search, "");
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (model) &&
                         g_list_model_get_n_items (G_LIST_MODEL (model)) == 4));
}

Test (window, read_only_session_disables_every_edit_action)
{
  static const char *edit_actions[] = {
    "win.new-item", "win.edit-item", "win.archive-item", "win.record-sale", "win.receive",
    "win.adjust", "win.load-sample", "win.undo",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) ro = NULL;
  StkWindow *window;
  gint64 items_before;

  add_item ("A-1", "First", 100, 5);
  items_before = query ("SELECT count(*) FROM items");

  /* Our EDIT session holds the lock: this one can only read. */
  ro = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (ro, "%s", error ? error->message : "");
  cr_assert (stk_session_get_read_only (ro));
  window = new_window (ro);
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (items_model (window)) &&
                         g_list_model_get_n_items (G_LIST_MODEL (items_model (window))) == 1));
  stk_table_view_select_id (items_view (window), query ("SELECT id FROM items"));

  cr_assert_not_null (strstr (gtk_window_get_title (GTK_WINDOW (window)), "(read-only)"));
  cr_assert (gtk_revealer_get_reveal_child (stk_test_template_child (window, STK_TYPE_WINDOW,
                                                            "banner_revealer")));
  /* Buttons follow their action's enabled state. */
  cr_assert (WAIT_UNTIL (!gtk_widget_get_sensitive (stk_test_template_child (window, STK_TYPE_WINDOW,
                                                                    "new_item_button"))));

  for (guint i = 0; i < G_N_ELEMENTS (edit_actions); i++)
    cr_assert_not (action_enabled (window, edit_actions[i], NULL),
                   "%s is enabled while read-only", edit_actions[i]);
  cr_assert_not (action_enabled (window, "win.import", "skus"));
  /* Reading is still fine. */
  cr_assert (action_enabled (window, "win.export", "skus"));
  cr_assert (action_enabled (window, "win.backup", NULL));
  /* The lock is held by our editing session: no Switch to Editing yet. */
  cr_assert_not (action_enabled (window, "win.switch-to-editing", NULL));
  cr_assert_eq (query ("SELECT count(*) FROM items"), items_before);
}

typedef struct
{
  gboolean done;
  gboolean changed;
} FlowResult;

static void
flow_done_cb (gboolean changed,
              gpointer user_data)
{
  FlowResult *r = user_data;

  r->done = TRUE;
  r->changed = changed;
}

Test (window, bad_csv_shows_its_errors_and_imports_nothing)
{
  g_autofree char *csv = g_build_filename (tmpdir, "bad.csv", NULL);
  FlowResult result = { 0 };
  StkWindow *window;

  add_item ("A-1", "First", 100, 5);
  cr_assert (g_file_set_contents (csv,
                                  "code,description,unit_price\n"
                                  "NEW-1,Fine,1.00\n"
                                  "NEW-2,Bad price,abc\n"
                                  "A-1,Exists already,2.00\n", -1, NULL));
  window = new_window (session);

  stk_flow_import_path (GTK_WINDOW (window), session, STK_TABLE_SKUS, csv, flow_done_cb, &result);
  /* The errors are listed with their line numbers. */
  cr_assert (WAIT_UNTIL (find_label_anywhere ("3") != NULL && find_label_anywhere ("Line") != NULL),
             "no error list with line numbers");
  cr_assert_eq (query ("SELECT count(*) FROM items"), 1);
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE code LIKE 'NEW-%'"), 0);
  if (result.done)
    cr_assert_not (result.changed);
}

Test (window, load_sample_data_fills_an_empty_inventory)
{
  StkWindow *window;
  GtkStack *main_stack;
  StkNotice *notice;
  gint64 active;

  window = new_window (session);
  main_stack = stk_test_template_child (window, STK_TYPE_WINDOW, "main_stack");
  notice = stk_test_template_child (window, STK_TYPE_WINDOW, "notice");
  cr_assert (WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (main_stack), "empty") == 0),
             "no empty state on an empty inventory");
  cr_assert (action_enabled (window, "win.load-sample", NULL));

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.load-sample", NULL));
  /* Once only: the action is off while the data is written. */
  cr_assert_not (action_enabled (window, "win.load-sample", NULL));
  cr_assert (WAIT_UNTIL (stk_notice_get_text (notice) != NULL), "no notice after loading");
  cr_assert_not_null (strstr (stk_notice_get_text (notice), "sample"), "%s",
                      stk_notice_get_text (notice));
  cr_assert_eq (query ("SELECT count(*) FROM items"), 60);
  cr_assert_gt (query ("SELECT count(*) FROM sales"), 0);
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE on_hand < 0"), 0);
  /* The window leaves the empty state and lists the items. */
  cr_assert (WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (main_stack), "views") == 0));
  /* The list shows the items not archived (the sample archives a few). */
  active = query ("SELECT count(*) FROM items WHERE archived = 0");
  cr_assert_gt (active, 0);
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (items_model (window)) &&
                         g_list_model_get_n_items (G_LIST_MODEL (items_model (window))) == active),
             "%u items listed, loading %d", g_list_model_get_n_items (G_LIST_MODEL (items_model (window))),
             stk_table_model_get_loading (items_model (window)));
  cr_assert (action_enabled (window, "win.load-sample", NULL));
}

static StkReportsView *
reports_view (StkWindow *window)
{
  GtkBox *box = stk_test_template_child (window, STK_TYPE_WINDOW, "reports_box");
  GtkWidget *view = gtk_widget_get_first_child (GTK_WIDGET (box));

  cr_assert (STK_IS_REPORTS_VIEW (view));
  return STK_REPORTS_VIEW (view);
}

static guint
report_days (StkWindow *window)
{
  guint days = 0;

  g_object_get (reports_view (window), "days", &days, NULL);
  return days;
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

Test (window, size_view_and_report_period_are_remembered)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *last_view = NULL;
  StkWindow *window;
  AdwViewStack *view_stack;
  GtkWidget *range365;
  int width = 0;
  int height = 0;

  add_item ("A-1", "First", 100, 5);
  g_settings_set_int (settings, "window-width", 1100);
  g_settings_set_int (settings, "window-height", 700);
  g_settings_set_string (settings, "last-view", "reports");
  g_settings_set_uint (settings, "report-days", 30);

  /* A new window starts as the settings say. */
  window = new_window (session);
  view_stack = stk_test_template_child (window, STK_TYPE_WINDOW, "view_stack");
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  cr_assert_eq (width, 1100, "width %d", width);
  cr_assert_eq (height, 700);
  cr_assert_str_eq (adw_view_stack_get_visible_child_name (view_stack), "reports");
  cr_assert_eq (report_days (window), 30);
  range365 = find_named (GTK_WIDGET (window), "range-30");
  cr_assert (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (range365)),
             "the 30 days button is not the active one");

  /* Changes are written back: the period at once, the view when it changes, the size
   * when the window closes. */
  range365 = find_named (GTK_WIDGET (window), "range-365");
  cr_assert (GTK_IS_TOGGLE_BUTTON (range365));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (range365), TRUE);
  cr_assert_eq (g_settings_get_uint (settings, "report-days"), 365);
  adw_view_stack_set_visible_child_name (view_stack, "sales");
  last_view = g_settings_get_string (settings, "last-view");
  cr_assert_str_eq (last_view, "sales");
  gtk_window_set_default_size (GTK_WINDOW (window), 1180, 760);
  gtk_window_close (GTK_WINDOW (window));
  cr_assert (WAIT_UNTIL (find_toplevel (STK_TYPE_WINDOW) == NULL), "the window did not close");
  cr_assert_eq (g_settings_get_int (settings, "window-width"), 1180);
  cr_assert_eq (g_settings_get_int (settings, "window-height"), 760);

  /* ...and the next window comes back that way. */
  window = new_window (session);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  cr_assert_eq (width, 1180);
  cr_assert_eq (height, 760);
  cr_assert_str_eq (adw_view_stack_get_visible_child_name (stk_test_template_child (window, STK_TYPE_WINDOW,
                                                                           "view_stack")), "sales");
  cr_assert_eq (report_days (window), 365);
}

/* A new currency symbol (Preferences) shows in the lists at once, not only in rows drawn
 * from then on. */
Test (window, a_new_currency_symbol_shows_in_the_lists_at_once)
{
  StkWindow *window;

  stk_test_submit (writer (), stk_op_create_item ("MUG", "Blue mug", 450, 0));
  window = new_window (session);
  cr_assert (WAIT_UNTIL (find_label (GTK_WIDGET (window), "4.50") != NULL), "no price shown");
  cr_assert_null (find_label (GTK_WIDGET (window), "CHF"));

  stk_format_set_currency_symbol ("CHF");
  stk_table_view_render_again ();
  cr_assert_not_null (find_label (GTK_WIDGET (window), "4.50\u00a0CHF"),
                      "the price was not written again");
  stk_format_set_currency_symbol (NULL);
  stk_table_view_render_again ();
  cr_assert_null (find_label (GTK_WIDGET (window), "CHF"));
}

/* The status line says how many rows the visible list holds, as searched (issue 16: no
 * item count). */
Test (window, the_status_line_counts_the_visible_list)
{
  StkWindow *window;
  GtkLabel *count;

  stk_test_submit (writer (), stk_op_create_item ("MUG", "Blue mug", 450, 0));
  stk_test_submit (writer (), stk_op_create_item ("CUP", "Red cup", 300, 0));
  stk_test_submit (writer (), stk_op_record_movement ("MUG", STK_MOVEMENT_RECEIVE, 5, "", 0));
  stk_test_submit (writer (), stk_op_record_sale ("MUG", 1, 450, 0));
  window = new_window (session);
  count = stk_test_template_child (window, STK_TYPE_WINDOW, "count_label");
  cr_assert (WAIT_UNTIL (gtk_widget_get_visible (GTK_WIDGET (count)) &&
                         g_str_equal (gtk_label_get_text (count), "2 items")),
             "“%s”", gtk_label_get_text (count));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "sales");
  cr_assert (WAIT_UNTIL (g_str_equal (gtk_label_get_text (count), "1 sale")),
             "“%s”", gtk_label_get_text (count));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "moves");
  cr_assert (WAIT_UNTIL (g_str_equal (gtk_label_get_text (count), "2 stock moves")),
             "“%s”", gtk_label_get_text (count));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "reports");
  cr_assert (WAIT_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (count))));

  /* A new item counts at once. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "items");
  stk_test_submit (writer (), stk_op_create_item ("PLATE", "White plate", 500, 0));
  cr_assert (WAIT_UNTIL (g_str_equal (gtk_label_get_text (count), "3 items")),
             "“%s”", gtk_label_get_text (count));
}
