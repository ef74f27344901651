/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Record Sale and Adjust Stock (issue 16): Adjust opens empty with an example, not at
 * an invalid 0; a count starts at the stock the inventory knows; the code completion
 * pops up only with something to suggest; Record Sale takes an earlier date and refuses
 * a future one at its field. Under Xvfb, real dialogs, G_DEBUG=fatal-warnings. */
#include "config.h"

#include <criterion/criterion.h>
#include <gtk/gtk.h>

#include "stk-movement-dialog.h"
#include "stk-ops.h"
#include "stk-sale-dialog.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"
#include "stk-transfer.h"

#define TIMEOUT_MS 20000
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

TestSuite (dialog_leftovers, .init = setup, .fini = teardown, .timeout = 120);

static StkWriter *
writer (void)
{
  return stk_session_get_writer (session);
}

static gint64
query (const char *sql)
{
  return stk_test_query (stk_session_get_path (session), sql);
}

static void
add_item (const char *code,
          gint64      on_hand)
{
  stk_test_submit (writer (), stk_op_create_item (code, "Thing", 250, 0));
  if (on_hand > 0)
    stk_test_submit (writer (), stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, on_hand,
                                                        "", 0));
}

static gpointer
mchild (gpointer    dialog,
        const char *name)
{
  return stk_test_template_child (dialog, STK_TYPE_MOVEMENT_DIALOG, name);
}

static gpointer
schild (gpointer    dialog,
        const char *name)
{
  return stk_test_template_child (dialog, STK_TYPE_SALE_DIALOG, name);
}

static gboolean
is_toplevel (gpointer window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (w == window)
        return TRUE;
    }
  return FALSE;
}

/* --- Adjust Stock ------------------------------------------------------------------- */

Test (dialog_leftovers, adjust_opens_empty_with_an_example_and_refuses_nothing_typed)
{
  StkMovementDialog *dialog;
  GtkSpinButton *spin;
  GtkText *text;

  add_item ("WASHER", 10);
  dialog = stk_movement_dialog_new (NULL, writer (), stk_session_get_store (session),
                                    STK_MOVEMENT_ADJUSTMENT, "WASHER");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (!stk_movement_dialog_get_busy (dialog)));
  spin = mchild (dialog, "quantity_spin");
  text = GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (spin)));

  /* Empty, with an example; not a 0 to be refused. */
  cr_assert_str_eq (gtk_editable_get_text (GTK_EDITABLE (spin)), "");
  cr_assert_str_eq (gtk_text_get_placeholder_text (text), "e.g. -2 or 5");
  cr_assert_str_eq (gtk_window_get_title (GTK_WINDOW (dialog)), "Adjust Stock");

  /* Still empty after leaving the field (the spin button's own update). */
  gtk_spin_button_update (spin);
  cr_assert_str_eq (gtk_editable_get_text (GTK_EDITABLE (spin)), "");

  /* Saving nothing: said at the field, nothing submitted. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (gtk_widget_get_visible (mchild (dialog, "quantity_error")));
  cr_assert_eq (stk_writer_get_pending (writer ()), 0);
  cr_assert_eq (query ("SELECT count(*) FROM movements WHERE kind = 'adjustment'"), 0);

  /* -3 typed: saved. */
  gtk_editable_set_text (GTK_EDITABLE (spin), "-3");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (dialog == NULL || !is_toplevel (dialog)), "the dialog stayed");
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'WASHER'"), 7);
}

Test (dialog_leftovers, a_count_starts_at_the_known_stock_and_receive_at_one)
{
  StkMovementDialog *dialog;
  GtkSpinButton *spin;
  GtkDropDown *kind;
  const char *placeholder;

  add_item ("NUT", 42);
  dialog = stk_movement_dialog_new (NULL, writer (), stk_session_get_store (session),
                                    STK_MOVEMENT_COUNT, "NUT");
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (!stk_movement_dialog_get_busy (dialog)));
  spin = mchild (dialog, "quantity_spin");
  kind = mchild (dialog, "kind_dropdown");
  cr_assert_eq ((gint64) gtk_spin_button_get_value (spin), 42);
  cr_assert_str_eq (gtk_editable_get_text (GTK_EDITABLE (spin)), "42");
  placeholder = gtk_text_get_placeholder_text (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (spin))));
  cr_assert (placeholder == NULL || placeholder[0] == '\0', "%s", placeholder);

  /* To Adjust and back: the change starts empty; the count at the stock again. */
  gtk_drop_down_set_selected (kind, 1);
  gtk_spin_button_set_value (spin, 0);
  cr_assert_str_eq (gtk_editable_get_text (GTK_EDITABLE (spin)), "");
  gtk_drop_down_set_selected (kind, 2);
  cr_assert_eq ((gint64) gtk_spin_button_get_value (spin), 42);
  /* Receive: at least 1. */
  gtk_drop_down_set_selected (kind, 0);
  cr_assert_geq (gtk_spin_button_get_value (spin), 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* --- the code completion ----------------------------------------------------------- */

static GtkWidget *
find_popover (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (GTK_IS_POPOVER (c))
        return c;
      if ((found = find_popover (c)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
popup_shown (GtkEntry *entry)
{
  GtkWidget *popover = find_popover (GTK_WIDGET (entry));

  return popover != NULL && gtk_widget_get_visible (popover);
}

/* Types @text into the focused @entry as a key press would change it, and waits for the
 * lookups and the completion's own delay to be over. */
static void
type_code (StkSaleDialog *dialog,
           GtkEntry      *entry,
           const char    *text)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  gtk_editable_set_position (GTK_EDITABLE (entry), -1);
  cr_assert (WAIT_UNTIL (!stk_sale_dialog_get_busy (dialog)));
  /* The completion's own delay (300 ms in GTK 4.8) and what it shows then. */
  stk_test_spin (400);
  cr_assert (stk_test_drain ());
}

Test (dialog_leftovers, the_completion_pops_up_only_with_something_to_suggest)
{
  StkSaleDialog *dialog;
  GtkEntry *entry;

  add_item ("BOLT-M6", 5);
  add_item ("BOLT-M8", 5);
  dialog = stk_sale_dialog_new (NULL, writer (), stk_session_get_store (session), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  entry = schild (dialog, "code_entry");
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (entry))));
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  cr_assert (WAIT_UNTIL (gtk_widget_has_focus (GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (entry)))) ||
                         gtk_widget_has_focus (GTK_WIDGET (entry))));

  /* Two codes to offer. */
  type_code (dialog, entry, "BOLT");
  type_code (dialog, entry, "BOLT-");
  cr_assert (WAIT_UNTIL (popup_shown (entry)), "no completion for two codes");

  /* The whole code: nothing left to suggest, so no popup (it was an empty box). */
  type_code (dialog, entry, "BOLT-M6");
  cr_assert (WAIT_UNTIL (!popup_shown (entry)), "an empty completion popup shows");

  /* No code starts so. */
  type_code (dialog, entry, "ZZZ");
  cr_assert_not (popup_shown (entry), "an empty completion popup shows");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* --- Record Sale's date ------------------------------------------------------------ */

static StkSaleDialog *
sale_dialog (const char *code)
{
  StkSaleDialog *dialog = stk_sale_dialog_new (NULL, writer (), stk_session_get_store (session),
                                               code);

  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (!stk_sale_dialog_get_busy (dialog)));
  return dialog;
}

Test (dialog_leftovers, a_sale_takes_an_earlier_date_and_refuses_a_future_one)
{
  StkSaleDialog *dialog;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *future = g_date_time_format (tomorrow, "%Y-%m-%d");
  gint64 expected;
  g_autoptr(GError) error = NULL;

  add_item ("TAPE", 10);

  /* Empty means now; the placeholder says so. */
  dialog = sale_dialog ("TAPE");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  cr_assert_str_eq (gtk_editable_get_text (GTK_EDITABLE (schild (dialog, "date_entry"))), "");
  cr_assert (g_str_has_prefix (gtk_entry_get_placeholder_text (schild (dialog, "date_entry")), "Now"));

  /* Tomorrow: refused at the field, nothing submitted. */
  gtk_editable_set_text (GTK_EDITABLE (schild (dialog, "date_entry")), future);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (gtk_widget_get_visible (schild (dialog, "date_error")));
  cr_assert (strstr (gtk_label_get_text (schild (dialog, "date_error")), "future") != NULL);
  cr_assert_eq (stk_writer_get_pending (writer ()), 0);

  /* Not a date: refused, with an example. */
  gtk_editable_set_text (GTK_EDITABLE (schild (dialog, "date_entry")), "last tuesday");
  cr_assert_not (gtk_widget_get_visible (schild (dialog, "date_error")), "the error outlived an edit");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  /* (The tests' locale, C.UTF-8, writes month, day, year.) */
  cr_assert (strstr (gtk_label_get_text (schild (dialog, "date_error")), "MM/DD/YYYY") != NULL,
             "%s", gtk_label_get_text (schild (dialog, "date_error")));
  cr_assert_eq (query ("SELECT count(*) FROM sales"), 0);

  /* An earlier date and time (no seconds): recorded then. */
  gtk_editable_set_text (GTK_EDITABLE (schild (dialog, "date_entry")), "2025-03-14 09:30");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (dialog == NULL || !is_toplevel (dialog)), "the dialog stayed");
  cr_assert (stk_time_parse ("2025-03-14 09:30:00", &expected, &error), "%s", error->message);
  cr_assert_eq (query ("SELECT sold_at FROM sales"), expected);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'TAPE'"), 9);

  /* Typed the locale's way, with a 12-hour time: the same as ISO. */
  dialog = sale_dialog ("TAPE");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_editable_set_text (GTK_EDITABLE (schild (dialog, "date_entry")), "03/15/2025 2:05 PM");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (dialog == NULL || !is_toplevel (dialog)), "the dialog stayed");
  cr_assert (stk_time_parse ("2025-03-15 14:05:00", &expected, &error), "%s", error->message);
  cr_assert_eq (query ("SELECT max(sold_at) FROM sales"), expected);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'TAPE'"), 8);

  /* Left empty: now. */
  dialog = sale_dialog ("TAPE");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (dialog == NULL || !is_toplevel (dialog)), "the dialog stayed");
  cr_assert_geq (query ("SELECT max(sold_at) FROM sales"), g_date_time_to_unix (now) * G_USEC_PER_SEC - 60 * G_USEC_PER_SEC);
}
