/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sale details dialog on its own (issue 20's branches): the totals show the tax of
 * each rate with its name and rate, the refund and the net, the payment and the note; a
 * sale that is not there says so; a line fully returned cannot be returned again and
 * the Return button says why once everything is back; the seams refuse what the
 * buttons would refuse (a voided sale, a line of another sale, more than is left). */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>

#include "stk-error.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-sale-details-dialog.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"

#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, 20000)

static GtkApplication *app;
static StkSession *session;

static StkWriter *
writer (void)
{
  return stk_session_get_writer (session);
}

/* Submits @op and gives its row id. */
static gint64
submit_id (StkOp *op)
{
  gint64 id;

  stk_op_ref (op);
  stk_test_submit (writer (), op);
  id = stk_op_get_row_id (op);
  stk_op_unref (op);
  cr_assert_gt (id, 0);
  return id;
}

static void
setup (void)
{
  gint64 vat;
  gint64 item;

  stk_test_ui_setup (&app, &session);
  adw_init ();
  vat = submit_id (stk_op_save_tax_rate (0, "VAT", 2200));
  item = submit_id (stk_op_create_item ("MUG", "Mug", 1220, 0));
  stk_test_submit (writer (), stk_op_set_item_tax_rate (item, vat));
  stk_test_submit (writer (), stk_op_create_item ("BAG", "Bag", 500, 0));
  stk_test_submit (writer (), stk_op_record_movement ("MUG", STK_MOVEMENT_RECEIVE, 10, "", 0));
  stk_test_submit (writer (), stk_op_record_movement ("BAG", STK_MOVEMENT_RECEIVE, 10, "", 0));
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (sale_details, .init = setup, .fini = teardown, .timeout = 120);

static gpointer
child (gpointer    widget,
       const char *name)
{
  return stk_test_template_child (widget, STK_TYPE_SALE_DETAILS_DIALOG, name);
}

/* MUG×2 (taxed at 22 %, included) and BAG×1 (no tax), paid by card, with a note. */
static gint64
sell_two_lines (void)
{
  StkSaleLineSpec lines[] = {
    { .code = "MUG", .quantity = 2, .unit_price_cents = -1, .discount_cents = 0 },
    { .code = "BAG", .quantity = 1, .unit_price_cents = -1, .discount_cents = 0 },
  };

  return submit_id (stk_op_sell (lines, G_N_ELEMENTS (lines), "card", "gift wrap", 0));
}

static StkSaleDetailsDialog *
open_sale (gint64      sale_id,
           StkWriter  *w)
{
  StkSaleDetailsDialog *dialog = stk_sale_details_dialog_new (NULL, w,
                                                              stk_session_get_store (session),
                                                              NULL, sale_id,
                                                              STK_SALE_DETAILS_SHOW);

  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (!stk_sale_details_dialog_get_busy (dialog)), "the read never ended");
  return dialog;
}

/* The totals grid's rows, "label=value" joined with "|". */
static char *
totals (StkSaleDetailsDialog *dialog)
{
  GtkGrid *grid = child (dialog, "totals_grid");
  GString *out = g_string_new (NULL);

  for (int r = 0; gtk_grid_get_child_at (grid, 0, r) != NULL; r++)
    {
      GtkWidget *label = gtk_grid_get_child_at (grid, 0, r);
      GtkWidget *value = gtk_grid_get_child_at (grid, 1, r);

      g_string_append_printf (out, "%s%s=%s", r > 0 ? "|" : "",
                              gtk_label_get_text (GTK_LABEL (label)),
                              value != NULL ? gtk_label_get_text (GTK_LABEL (value)) : "");
    }
  return g_string_free (out, FALSE);
}

static char *
money (gint64 cents)
{
  return stk_format_currency (cents);
}

Test (sale_details, the_totals_show_tax_by_rate_the_refund_the_net_payment_and_note)
{
  gint64 sale_id = sell_two_lines ();
  StkSaleDetailsDialog *dialog = open_sale (sale_id, writer ());
  const StkSaleDetail *sale = stk_sale_details_dialog_get_sale (dialog);
  const StkSaleLine *mug;
  g_autofree char *shown = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *total = money (2940);
  g_autofree char *tax = money (440);
  g_autofree char *refund = NULL;
  g_autofree char *net = NULL;
  g_autoptr(GError) error = NULL;

  cr_assert_not_null (sale);
  cr_assert_eq (sale->lines->len, 2);
  mug = g_ptr_array_index (sale->lines, 0);
  cr_assert_str_eq (mug->code, "MUG");
  /* 2 × 12.20 with 22 % included: 24.40 × 22 / 122 = 4.40 (computed here, by hand). */
  cr_assert_eq (mug->tax_cents, 440);
  shown = totals (dialog);
  expected = g_strdup_printf ("Total=%s|Tax: VAT (22 %%)=%s|Payment=Card|Note=gift wrap",
                              total, tax);
  cr_assert_str_eq (shown, expected);

  /* One mug back: a refund of 12.20, the net 29.40 − 12.20. */
  cr_assert (stk_sale_details_dialog_return_line (dialog, mug->line_id, 1, "chipped", &error),
             "%s", error ? error->message : "");
  cr_assert (WAIT_UNTIL (!stk_sale_details_dialog_get_busy (dialog) &&
                         stk_sale_details_dialog_get_sale (dialog)->refunded_cents == 1220));
  g_clear_pointer (&shown, g_free);
  g_clear_pointer (&expected, g_free);
  shown = totals (dialog);
  refund = money (-1220);
  net = money (2940 - 1220);
  expected = g_strdup_printf ("Total=%s|Tax: VAT (22 %%)=%s|Refunded=%s|Net=%s|Payment=Card|"
                              "Note=gift wrap", total, tax, refund, net);
  cr_assert_str_eq (shown, expected);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

Test (sale_details, a_sale_that_is_not_there_says_so_and_offers_nothing)
{
  StkSaleDetailsDialog *dialog = open_sale (987654, writer ());
  GtkLabel *error_label = child (dialog, "error_label");

  cr_assert_null (stk_sale_details_dialog_get_sale (dialog));
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (error_label)), "no error shown");
  cr_assert (strlen (gtk_label_get_text (error_label)) > 0);
  cr_assert_not (gtk_widget_get_sensitive (child (dialog, "return_button")));
  cr_assert_not (gtk_widget_get_sensitive (child (dialog, "void_button")));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

Test (sale_details, everything_returned_leaves_nothing_to_return_and_says_why)
{
  gint64 sale_id = sell_two_lines ();
  StkSaleDetailsDialog *dialog = open_sale (sale_id, writer ());
  const StkSaleDetail *sale = stk_sale_details_dialog_get_sale (dialog);
  gint64 mug = ((const StkSaleLine *) g_ptr_array_index (sale->lines, 0))->line_id;
  gint64 bag = ((const StkSaleLine *) g_ptr_array_index (sale->lines, 1))->line_id;
  g_autoptr(GError) error = NULL;
  const char *why;

  /* Not a line of this sale. */
  cr_assert_not (stk_sale_details_dialog_return_line (dialog, bag + 1000, 1, "", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error ? error->message : "no error");
  g_clear_error (&error);
  /* More than was sold. */
  cr_assert_not (stk_sale_details_dialog_return_line (dialog, mug, 3, "", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error ? error->message : "no error");
  g_clear_error (&error);

  cr_assert (stk_sale_details_dialog_return_line (dialog, mug, 2, "", &error), "%s",
             error ? error->message : "");
  cr_assert (WAIT_UNTIL (!stk_sale_details_dialog_get_busy (dialog) &&
                         stk_sale_details_dialog_get_sale (dialog)->refunded_cents == 2440));
  /* The mugs are all back: that line cannot be returned again, and says so. */
  cr_assert_not (stk_sale_details_dialog_return_line (dialog, mug, 1, "", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error ? error->message : "no error");
  cr_assert (strstr (error->message, "Everything of “MUG” on this sale has been returned") != NULL,
             "%s", error->message);
  g_clear_error (&error);

  cr_assert (stk_sale_details_dialog_return_line (dialog, bag, 1, "", &error), "%s",
             error ? error->message : "");
  cr_assert (WAIT_UNTIL (!stk_sale_details_dialog_get_busy (dialog) &&
                         stk_sale_details_dialog_get_sale (dialog)->refunded_cents == 2940));
  cr_assert_not (gtk_widget_get_sensitive (child (dialog, "return_button")));
  why = gtk_widget_get_tooltip_text (child (dialog, "return_button"));
  cr_assert_not_null (why);
  cr_assert (strstr (why, "Everything on this sale has been returned.") != NULL, "%s", why);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM returns"), 2);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

Test (sale_details, a_voided_sale_cannot_be_returned_or_voided_again)
{
  gint64 sale_id = sell_two_lines ();
  StkSaleDetailsDialog *dialog = open_sale (sale_id, writer ());
  gint64 mug = ((const StkSaleLine *)
                g_ptr_array_index (stk_sale_details_dialog_get_sale (dialog)->lines, 0))->line_id;
  g_autoptr(GError) error = NULL;

  cr_assert (stk_sale_details_dialog_void (dialog, "rung up twice", &error), "%s",
             error ? error->message : "");
  cr_assert (WAIT_UNTIL (!stk_sale_details_dialog_get_busy (dialog) &&
                         stk_sale_details_dialog_get_sale (dialog)->voided));
  cr_assert_not (stk_sale_details_dialog_return_line (dialog, mug, 1, "", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error ? error->message : "no error");
  cr_assert (strstr (error->message, "A voided sale cannot be returned.") != NULL, "%s",
             error->message);
  g_clear_error (&error);
  cr_assert_not (stk_sale_details_dialog_void (dialog, "again", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error ? error->message : "no error");
  g_clear_error (&error);
  /* Voided once: a row for each of its two lines, not more. */
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sale_voids"), 2);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM returns"), 0);
  /* The totals are struck through, each of them. */
  cr_assert (gtk_widget_has_css_class (gtk_grid_get_child_at (child (dialog, "totals_grid"), 1, 0),
                                       "voided-total"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

Test (sale_details, read_only_refuses_returns_and_says_why)
{
  gint64 sale_id = sell_two_lines ();
  StkSaleDetailsDialog *dialog = open_sale (sale_id, NULL);
  gint64 mug = ((const StkSaleLine *)
                g_ptr_array_index (stk_sale_details_dialog_get_sale (dialog)->lines, 0))->line_id;
  g_autoptr(GError) error = NULL;

  cr_assert_not (stk_sale_details_dialog_return_line (dialog, mug, 1, "", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error ? error->message : "no error");
  g_clear_error (&error);
  cr_assert_not (stk_sale_details_dialog_void (dialog, "x", &error));
  cr_assert_not_null (error);
  cr_assert_not (gtk_widget_get_sensitive (child (dialog, "return_button")));

  /* Editing again: Return comes on. */
  stk_sale_details_dialog_set_writer (dialog, writer ());
  cr_assert (WAIT_UNTIL (gtk_widget_get_sensitive (child (dialog, "return_button"))));
  cr_assert_eq (stk_sale_details_dialog_get_sale_id (dialog), sale_id);
  gtk_window_destroy (GTK_WINDOW (dialog));
}
