/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Preferences, the shop's rules kept in the inventory: Allow Stock Below Zero, Receipt
 * Numbers and the Payment Methods each send one op through the session's writer and the
 * inventory changes (read back with stk_store_get_shop_settings()); a method the check
 * refuses (a duplicate, an empty one) shows the check's sentence and sends nothing;
 * read-only turns the groups off and says why; without an inventory they are hidden. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>

#include "stk-day.h"
#include "stk-glib.h"
#include "stk-ops.h"
#include "stk-preferences-window.h"
#include "stk-reads.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"

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

TestSuite (shop_preferences, .init = setup, .fini = teardown, .timeout = 120);

static gpointer
child (gpointer    window,
       const char *name)
{
  return stk_test_template_child (window, STK_TYPE_PREFERENCES_WINDOW, name);
}

/* The inventory's rules, read now through a connection of the session's store. */
static StkShopSettings
read_shop (StkSession *s)
{
  g_autoptr(GError) error = NULL;
  StkShopSettings shop = { 0, };

  cr_assert (stk_store_get_shop_settings (stk_session_get_store (s), &shop, &error), "%s",
             error ? error->message : "");
  return shop;
}

static char *
read_methods (StkSession *s)
{
  StkShopSettings shop = read_shop (s);
  char *joined = g_strjoinv (",", shop.payment_methods);

  stk_shop_settings_clear (&shop);
  return joined;
}

static gboolean
methods_are (StkSession *s,
             const char *expected)
{
  g_autofree char *methods = read_methods (s);

  return g_str_equal (methods, expected);
}

static GtkListBox *
method_list (StkPreferencesWindow *window)
{
  return GTK_LIST_BOX (gtk_widget_get_parent (child (window, "payment_add_row")));
}

/* The rows of the methods, above the row that adds one. */
static guint
n_method_rows (StkPreferencesWindow *window)
{
  GtkListBox *list = method_list (window);
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, (int) n) != NULL)
    n++;
  return n - 1;
}

/* The rows' titles, joined with commas: what the window shows. */
static char *
row_titles (StkPreferencesWindow *window)
{
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  guint n = n_method_rows (window);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (titles, (gpointer) adw_preferences_row_get_title (
                       ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (method_list (window),
                                                                           (int) i))));
  g_ptr_array_add (titles, NULL);
  return g_strjoinv (",", (char **) titles->pdata);
}

static gboolean
rows_are (StkPreferencesWindow *window,
          const char           *expected)
{
  g_autofree char *titles = row_titles (window);

  return g_str_equal (titles, expected);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *tooltip)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, tooltip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The button of method row @i with @tooltip ("Move Up", "Move Down", "Remove"). */
static GtkWidget *
row_button (StkPreferencesWindow *window,
            guint                 i,
            const char           *tooltip)
{
  GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (method_list (window), (int) i));
  GtkWidget *button;

  cr_assert_not_null (row, "no method row %u", i);
  button = find_button (row, tooltip);
  cr_assert_not_null (button, "row %u has no %s button", i, tooltip);
  return button;
}

static StkPreferencesWindow *
open_preferences (StkSession *s)
{
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);
  StkPreferencesWindow *window = stk_preferences_window_new_for_session (NULL, settings, s);

  gtk_window_present (GTK_WINDOW (window));
  /* The rows follow the inventory once its rules are read. */
  cr_assert (WAIT_UNTIL (n_method_rows (window) > 0));
  return window;
}

static const char *
error_text (StkPreferencesWindow *window,
            const char           *name)
{
  GtkLabel *label = child (window, name);

  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : NULL;
}

Test (shop_preferences, the_switch_and_the_combo_change_the_inventory)
{
  StkPreferencesWindow *window = open_preferences (session);
  GtkSwitch *negative = child (window, "negative_stock_switch");
  AdwComboRow *series = child (window, "receipt_series_row");
  StkShopSettings shop = read_shop (session);
  const char *description;

  /* The group says where the rules live. */
  cr_assert (gtk_widget_get_visible (child (window, "shop_group")));
  cr_assert (gtk_widget_get_sensitive (child (window, "shop_group")));
  description = adw_preferences_group_get_description (child (window, "shop_group"));
  cr_assert (g_str_has_prefix (description, "Kept in this inventory: every computer using it "
                                            "follows them"), "%s", description);

  /* What the inventory says, shown. */
  cr_assert_not (shop.allow_negative_stock);
  cr_assert_eq (shop.receipt_series, STK_RECEIPT_SERIES_CONTINUOUS);
  stk_shop_settings_clear (&shop);
  cr_assert_not (gtk_switch_get_active (negative));
  cr_assert_eq (adw_combo_row_get_selected (series), 0);

  gtk_switch_set_active (negative, TRUE);
  cr_assert (WAIT_UNTIL (({ StkShopSettings s = read_shop (session);
                            gboolean allow = s.allow_negative_stock;
                            stk_shop_settings_clear (&s); allow; })));

  adw_combo_row_set_selected (series, 1);
  cr_assert (WAIT_UNTIL (({ StkShopSettings s = read_shop (session);
                            gboolean yearly = s.receipt_series == STK_RECEIPT_SERIES_YEARLY;
                            stk_shop_settings_clear (&s); yearly; })));

  gtk_switch_set_active (negative, FALSE);
  cr_assert (WAIT_UNTIL (({ StkShopSettings s = read_shop (session);
                            gboolean allow = s.allow_negative_stock;
                            stk_shop_settings_clear (&s); !allow; })));
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert_null (error_text (window, "shop_error"));

  /* A window opened now shows what was kept. */
  gtk_window_destroy (GTK_WINDOW (window));
  window = open_preferences (session);
  cr_assert_not (gtk_switch_get_active (child (window, "negative_stock_switch")));
  cr_assert_eq (adw_combo_row_get_selected (child (window, "receipt_series_row")), 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (shop_preferences, methods_are_added_moved_and_removed)
{
  StkPreferencesWindow *window = open_preferences (session);
  GtkEditable *add = child (window, "payment_add_row");

  cr_assert (methods_are (session, "cash,card,other"));
  cr_assert (rows_are (window, "Cash,Card,Other"));
  /* The first cannot go up, the last cannot go down. */
  cr_assert_not (gtk_widget_get_sensitive (row_button (window, 0, "Move Up")));
  cr_assert (gtk_widget_get_sensitive (row_button (window, 0, "Move Down")));
  cr_assert_not (gtk_widget_get_sensitive (row_button (window, 2, "Move Down")));

  /* Enter in the row adds what was typed (the spaces around it do not count). */
  gtk_editable_set_text (add, " Voucher ");
  g_signal_emit_by_name (add, "entry-activated");
  cr_assert (WAIT_UNTIL (methods_are (session, "cash,card,other,Voucher")));
  cr_assert (WAIT_UNTIL (rows_are (window, "Cash,Card,Other,Voucher")));
  cr_assert_str_eq (gtk_editable_get_text (add), "");

  /* The Add button does the same. */
  gtk_editable_set_text (add, "Bank transfer");
  g_signal_emit_by_name (child (window, "payment_add_button"), "clicked");
  cr_assert (WAIT_UNTIL (rows_are (window, "Cash,Card,Other,Voucher,Bank transfer")));
  cr_assert (WAIT_UNTIL (methods_are (session, "cash,card,other,Voucher,Bank transfer")));

  g_signal_emit_by_name (row_button (window, 3, "Move Up"), "clicked");
  cr_assert (WAIT_UNTIL (rows_are (window, "Cash,Card,Voucher,Other,Bank transfer")));
  cr_assert (WAIT_UNTIL (methods_are (session, "cash,card,Voucher,other,Bank transfer")));

  g_signal_emit_by_name (row_button (window, 0, "Move Down"), "clicked");
  cr_assert (WAIT_UNTIL (rows_are (window, "Card,Cash,Voucher,Other,Bank transfer")));
  cr_assert (WAIT_UNTIL (methods_are (session, "card,cash,Voucher,other,Bank transfer")));

  g_signal_emit_by_name (row_button (window, 4, "Remove"), "clicked");
  cr_assert (WAIT_UNTIL (rows_are (window, "Card,Cash,Voucher,Other")));
  cr_assert (WAIT_UNTIL (methods_are (session, "card,cash,Voucher,other")));
  cr_assert_null (error_text (window, "payment_error"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A change shows at once and the next builds on it, before the first is answered. */
Test (shop_preferences, changes_back_to_back_all_land)
{
  StkPreferencesWindow *window = open_preferences (session);
  GtkSwitch *negative = child (window, "negative_stock_switch");

  g_signal_emit_by_name (row_button (window, 0, "Move Down"), "clicked");
  cr_assert (rows_are (window, "Card,Cash,Other"));
  g_signal_emit_by_name (row_button (window, 1, "Move Down"), "clicked");
  cr_assert (rows_are (window, "Card,Other,Cash"));
  gtk_switch_set_active (negative, TRUE);
  gtk_switch_set_active (negative, FALSE);
  gtk_switch_set_active (negative, TRUE);
  cr_assert (WAIT_UNTIL (methods_are (session, "card,other,cash")));
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert (WAIT_UNTIL (({ StkShopSettings s = read_shop (session);
                            gboolean allow = s.allow_negative_stock;
                            stk_shop_settings_clear (&s); allow; })));
  /* After the reads, the rows still say so. */
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert (WAIT_UNTIL (rows_are (window, "Card,Other,Cash")));
  cr_assert (gtk_switch_get_active (negative));
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (shop_preferences, the_last_method_cannot_be_removed)
{
  const char *only[] = { "cash", NULL };
  StkPreferencesWindow *window;

  stk_test_submit (stk_session_get_writer (session), stk_op_set_payment_methods (only));
  window = open_preferences (session);
  cr_assert (rows_are (window, "Cash"));
  cr_assert_not (gtk_widget_get_sensitive (row_button (window, 0, "Remove")));
  cr_assert_not (gtk_widget_get_sensitive (row_button (window, 0, "Move Up")));
  cr_assert_not (gtk_widget_get_sensitive (row_button (window, 0, "Move Down")));
  /* Clicked anyway: nothing is sent. */
  g_signal_emit_by_name (row_button (window, 0, "Remove"), "clicked");
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert (methods_are (session, "cash"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The sentence the data layer's check gives for @methods. */
static char *
check_sentence (const char *const *methods)
{
  g_autoptr(GError) error = NULL;

  cr_assert_not (stk_payment_methods_check (methods, &error));
  return g_strdup (error->message);
}

Test (shop_preferences, an_invalid_method_shows_the_check_sentence_and_changes_nothing)
{
  StkPreferencesWindow *window = open_preferences (session);
  GtkEditable *add = child (window, "payment_add_row");
  const char *duplicate[] = { "cash", "card", "other", "Card", NULL };
  const char *empty[] = { "cash", "card", "other", "", NULL };
  g_autofree char *duplicate_sentence = check_sentence (duplicate);
  g_autofree char *empty_sentence = check_sentence (empty);

  /* "Card" is "card" ignoring case. */
  gtk_editable_set_text (add, "Card");
  g_signal_emit_by_name (add, "entry-activated");
  cr_assert_str_eq (error_text (window, "payment_error"), duplicate_sentence);
  cr_assert (gtk_widget_has_css_class (GTK_WIDGET (add), "error"));
  /* What was typed stays to be corrected. */
  cr_assert_str_eq (gtk_editable_get_text (add), "Card");
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert (methods_are (session, "cash,card,other"));
  cr_assert (rows_are (window, "Cash,Card,Other"));

  /* Typing again takes the sentence away. */
  gtk_editable_set_text (add, "  ");
  cr_assert_null (error_text (window, "payment_error"));
  cr_assert_not (gtk_widget_has_css_class (GTK_WIDGET (add), "error"));

  /* Nothing but spaces is an empty method. */
  g_signal_emit_by_name (child (window, "payment_add_button"), "clicked");
  cr_assert_str_eq (error_text (window, "payment_error"), empty_sentence);
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert (methods_are (session, "cash,card,other"));
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (shop_preferences, read_only_turns_the_groups_off_and_says_why)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) ro = NULL;
  StkPreferencesWindow *window;
  const char *description;

  /* Our editing session holds the lock: this one can only read. */
  ro = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (ro, "%s", error ? error->message : "");
  cr_assert (stk_session_get_read_only (ro));
  window = open_preferences (ro);

  /* Shown as the inventory has them, but off. */
  cr_assert (rows_are (window, "Cash,Card,Other"));
  cr_assert (gtk_widget_get_visible (child (window, "shop_group")));
  cr_assert_not (gtk_widget_get_sensitive (child (window, "shop_group")));
  cr_assert_not (gtk_widget_get_sensitive (child (window, "payment_group")));
  cr_assert_not (gtk_widget_is_sensitive (child (window, "negative_stock_switch")));
  cr_assert_not (gtk_widget_is_sensitive (child (window, "payment_add_row")));
  description = adw_preferences_group_get_description (child (window, "shop_group"));
  cr_assert (strstr (description, "Read-only") != NULL, "%s", description);
  description = adw_preferences_group_get_description (child (window, "payment_group"));
  cr_assert (strstr (description, "Read-only") != NULL, "%s", description);
  /* The GSettings groups are not the inventory's: they stay on. */
  cr_assert (gtk_widget_get_sensitive (child (window, "backups_group")));
  gtk_window_destroy (GTK_WINDOW (window));
  stk_test_drain ();
  cr_assert (stk_session_close (ro, 5000, NULL));
}

Test (shop_preferences, without_an_inventory_the_groups_are_hidden)
{
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);
  StkPreferencesWindow *window = stk_preferences_window_new (NULL, settings);

  gtk_window_present (GTK_WINDOW (window));
  cr_assert_not (gtk_widget_get_visible (child (window, "shop_group")));
  cr_assert_not (gtk_widget_get_visible (child (window, "payment_group")));
  cr_assert (gtk_widget_get_visible (child (window, "money_group")));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Read-only, the window follows what the editing instance changes (the session's
 * watcher reports it as an outside change); once that instance is gone and this one
 * switches to editing, the groups come on. */
Test (shop_preferences, read_only_follows_the_editor_then_turns_on_when_switched_to_editing)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) ro = NULL;
  StkPreferencesWindow *window;
  const char *description;

  ro = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (ro, "%s", error ? error->message : "");
  window = open_preferences (ro);
  cr_assert_not (gtk_switch_get_active (child (window, "negative_stock_switch")));
  cr_assert (rows_are (window, "Cash,Card,Other"));

  /* The editing instance changes two rules. */
  stk_test_submit (stk_session_get_writer (session), stk_op_set_allow_negative_stock (TRUE));
  {
    const char *const methods[] = { "cash", "card", "voucher", NULL };

    stk_test_submit (stk_session_get_writer (session), stk_op_set_payment_methods (methods));
  }
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert (WAIT_UNTIL (gtk_switch_get_active (child (window, "negative_stock_switch"))),
             "the read-only window did not follow the editor's change");
  cr_assert (WAIT_UNTIL (rows_are (window, "Cash,Card,voucher")), "%s",
             row_titles (window));
  cr_assert_not (gtk_widget_get_sensitive (child (window, "shop_group")), "still read-only");

  /* The editor goes; this one edits. */
  cr_assert (stk_session_close (session, 5000, NULL));
  g_clear_object (&session);
  cr_assert (WAIT_UNTIL (stk_session_get_can_edit (ro)), "the lock never came free");
  cr_assert (stk_session_switch_to_editing (ro, &error), "%s", error ? error->message : "");
  cr_assert (WAIT_UNTIL (gtk_widget_get_sensitive (child (window, "shop_group"))),
             "the groups stayed off after switching to editing");
  cr_assert (gtk_widget_get_sensitive (child (window, "payment_group")));
  description = adw_preferences_group_get_description (child (window, "shop_group"));
  cr_assert_null (strstr (description, "Read-only"), "%s", description);

  /* And its changes land. */
  gtk_switch_set_active (child (window, "negative_stock_switch"), FALSE);
  cr_assert (WAIT_UNTIL (({ StkShopSettings s = read_shop (ro);
                            gboolean allow = s.allow_negative_stock;
                            stk_shop_settings_clear (&s); !allow; })));
  gtk_window_destroy (GTK_WINDOW (window));
  stk_test_drain ();
  cr_assert (stk_session_close (ro, 5000, NULL));
}

static GtkWidget *
focus_of (StkPreferencesWindow *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

/* Keyboard: the focus follows the method its button moves, lands on the row when the
 * same button there cannot be used (the last cannot go down), and stays at the place of
 * a removed method. */
Test (shop_preferences, the_keyboard_focus_follows_the_method_moved)
{
  StkPreferencesWindow *window = open_preferences (session);

  cr_assert (WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (window))), "the window never came up");
  gtk_widget_grab_focus (row_button (window, 0, "Move Down"));
  cr_assert (gtk_widget_has_focus (row_button (window, 0, "Move Down")));
  g_signal_emit_by_name (row_button (window, 0, "Move Down"), "clicked");
  cr_assert (WAIT_UNTIL (rows_are (window, "Card,Cash,Other")));
  cr_assert (WAIT_UNTIL (focus_of (window) == row_button (window, 1, "Move Down")),
             "the focus did not follow Cash to its new row");

  /* Down again: Cash is last, its Move Down is off, so the row takes the focus. */
  g_signal_emit_by_name (row_button (window, 1, "Move Down"), "clicked");
  cr_assert (WAIT_UNTIL (rows_are (window, "Card,Other,Cash")));
  cr_assert (WAIT_UNTIL (focus_of (window) ==
                         GTK_WIDGET (gtk_list_box_get_row_at_index (method_list (window), 2))),
             "the focus is not on Cash's row");

  /* Remove the middle one: the focus is on the Remove of the one that took its place. */
  gtk_widget_grab_focus (row_button (window, 1, "Remove"));
  g_signal_emit_by_name (row_button (window, 1, "Remove"), "clicked");
  cr_assert (WAIT_UNTIL (rows_are (window, "Card,Cash")));
  cr_assert (WAIT_UNTIL (focus_of (window) == row_button (window, 1, "Remove")),
             "the focus is not where the removed method was");
  cr_assert (WAIT_UNTIL (methods_are (session, "card,cash")));
  gtk_window_destroy (GTK_WINDOW (window));
}
