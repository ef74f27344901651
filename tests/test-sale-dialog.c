/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Record Sale before anything is submitted (issue 16, problem 8): a code being typed is
 * not called unknown until the field is left, the total shows at the price that will
 * be used, and a quantity above the stock is said under the quantity, pointing to
 * Receive Stock. */
#include "config.h"

#include <criterion/criterion.h>
#include <gtk/gtk.h>

#include "stk-edit-dialog.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-sale-dialog.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"

#define TIMEOUT_MS 20000
#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

static GtkApplication *app;
static StkSession *session;

static void
setup (void)
{
  StkWriter *writer;

  stk_test_ui_setup (&app, &session);
  writer = stk_session_get_writer (session);
  stk_test_submit (writer, stk_op_create_item ("MUG", "Blue mug", 450, 2));
  stk_test_submit (writer, stk_op_record_movement ("MUG", STK_MOVEMENT_RECEIVE, 3, "", 0));
  stk_test_submit (writer, stk_op_create_item ("SPOON", "Tea spoon", 120, 0));
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (sale_dialog, .init = setup, .fini = teardown, .timeout = 120);

static gpointer
child (gpointer    dialog,
       const char *name)
{
  GObject *c = gtk_widget_get_template_child (GTK_WIDGET (dialog), STK_TYPE_SALE_DIALOG, name);

  cr_assert_not_null (c, "no template child %s", name);
  return c;
}

static StkSaleDialog *
open_dialog (void)
{
  StkSaleDialog *dialog = stk_sale_dialog_new (NULL, stk_session_get_writer (session),
                                               stk_session_get_store (session), NULL);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  return dialog;
}

static gboolean
shown (gpointer dialog,
       const char *name)
{
  return gtk_widget_get_visible (GTK_WIDGET (child (dialog, name)));
}

static const char *
text_of (gpointer    dialog,
         const char *name)
{
  return gtk_label_get_text (GTK_LABEL (child (dialog, name)));
}

static void
type_code (StkSaleDialog *dialog,
           const char    *code)
{
  GtkWidget *entry = child (dialog, "code_entry");

  gtk_widget_grab_focus (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), code);
  WAIT_UNTIL (!stk_sale_dialog_get_busy (dialog));
}

Test (sale_dialog, a_code_being_typed_is_not_called_unknown_until_the_field_is_left)
{
  StkSaleDialog *dialog = open_dialog ();

  type_code (dialog, "MU");
  cr_assert_not (shown (dialog, "code_error"), "red while typing: %s",
                 text_of (dialog, "code_error"));
  /* Leaving the field says it. */
  gtk_widget_grab_focus (GTK_WIDGET (child (dialog, "quantity_spin")));
  WAIT_UNTIL (shown (dialog, "code_error"));
  cr_assert_str_eq (text_of (dialog, "code_error"), "There is no item with this code.");
  /* Typing the rest of the code takes it back. */
  type_code (dialog, "MUG");
  cr_assert_not (shown (dialog, "code_error"));
  cr_assert (strstr (text_of (dialog, "item_label"), "Blue mug") != NULL, "%s",
             text_of (dialog, "item_label"));
}

Test (sale_dialog, saving_an_unknown_code_says_so_at_the_field_and_submits_nothing)
{
  StkSaleDialog *dialog = open_dialog ();

  type_code (dialog, "NOPE");
  cr_assert_not (shown (dialog, "code_error"));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (shown (dialog, "code_error"));
  cr_assert_str_eq (text_of (dialog, "code_error"), "There is no item with this code.");
  cr_assert_not (stk_sale_dialog_get_pending (dialog), "submitted anyway");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 0);
}

Test (sale_dialog, the_total_follows_quantity_and_price)
{
  StkSaleDialog *dialog = open_dialog ();
  GtkSpinButton *quantity = child (dialog, "quantity_spin");

  cr_assert_str_eq (text_of (dialog, "total_label"), "—");
  type_code (dialog, "MUG");
  cr_assert_str_eq (text_of (dialog, "total_label"), "4.50");
  gtk_spin_button_set_value (quantity, 3);
  cr_assert_str_eq (text_of (dialog, "total_label"), "13.50");
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "price_entry")), "4");
  cr_assert_str_eq (text_of (dialog, "total_label"), "12.00");
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "price_entry")), "four");
  cr_assert_str_eq (text_of (dialog, "total_label"), "—");
  /* With a currency, the total carries it (after the amount: the C locale has no rule). */
  stk_format_set_currency_symbol ("CHF");
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "price_entry")), "");
  cr_assert_str_eq (text_of (dialog, "total_label"), "13.50\u00a0CHF");
  stk_format_set_currency_symbol (NULL);
}

Test (sale_dialog, a_quantity_above_the_stock_is_said_before_saving)
{
  StkSaleDialog *dialog = open_dialog ();
  GtkSpinButton *quantity = child (dialog, "quantity_spin");

  type_code (dialog, "MUG");
  gtk_spin_button_set_value (quantity, 3);
  cr_assert_not (shown (dialog, "stock_note"), "%s", text_of (dialog, "stock_note"));
  gtk_spin_button_set_value (quantity, 4);
  cr_assert (shown (dialog, "stock_note"));
  cr_assert_str_eq (text_of (dialog, "stock_note"),
                    "Only 3 in stock. Receive stock first (Ctrl+Shift+R).");
  gtk_spin_button_set_value (quantity, 2);
  cr_assert_not (shown (dialog, "stock_note"));
  /* As typed, before the spin button takes the text. */
  gtk_editable_set_text (GTK_EDITABLE (quantity), "9");
  cr_assert (shown (dialog, "stock_note"));
  cr_assert_str_eq (text_of (dialog, "total_label"), "40.50");
  gtk_spin_button_set_value (quantity, 2);

  /* An item never received. */
  type_code (dialog, "SPOON");
  cr_assert (shown (dialog, "stock_note"));
  cr_assert_str_eq (text_of (dialog, "stock_note"),
                    "None in stock. Receive stock first (Ctrl+Shift+R).");
}
