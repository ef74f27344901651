/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Close the Day (the cash-up, ui/stk-close-day-dialog.c): the dialog shows the figures
 * of the day by payment method (cash and card sales, a return) and the cash expected;
 * a negative or unreadable count is refused under the field and nothing is recorded;
 * a count closes the day (after the confirmation) as one close with its difference,
 * read back with Print… and Save as PDF…; the PDF's report says the figures; with the
 * inventory locked by another program the close waits, withdrawn it keeps what was typed
 * and can be tried again; read-only offers no close. Built for real on a temporary inventory under Xvfb; waits on events,
 * never on time. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "stk-close-day-dialog.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-receipt.h"
#include "stk-receipt-private.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
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
  StkWriter *writer;

  stk_test_ui_setup (&app, &session);
  writer = stk_session_get_writer (session);
  stk_test_submit (writer, stk_op_create_item ("AA-1", "Anchor bolt", 100, 0));
  stk_test_submit (writer, stk_op_create_item ("BB-2", "Bracket", 250, 0));
  stk_test_submit (writer, stk_op_create_item ("CC-3", "Cable tie", 10, 0));
  stk_test_submit (writer, stk_op_record_movement ("AA-1", STK_MOVEMENT_RECEIVE, 10, "", 0));
  stk_test_submit (writer, stk_op_record_movement ("BB-2", STK_MOVEMENT_RECEIVE, 10, "", 0));
  stk_test_submit (writer, stk_op_record_movement ("CC-3", STK_MOVEMENT_RECEIVE, 10, "", 0));
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (close_day, .init = setup, .fini = teardown, .timeout = 180);

static gint64
query (const char *sql)
{
  return stk_test_query (db_path, sql);
}

static gint64
sell (const char *code,
      gint64      quantity,
      const char *payment)
{
  StkSaleLineSpec lines[] = { { code, quantity, -1, 0 } };
  g_autoptr(StkOp) op = stk_op_sell (lines, G_N_ELEMENTS (lines), payment, "", 0);

  stk_test_submit (stk_session_get_writer (session), stk_op_ref (op));
  cr_assert_gt (stk_op_get_row_id (op), 0);
  return stk_op_get_row_id (op);
}

/* Cash: AA-1 ×2 (2.00), one of them returned (−1.00), BB-2 ×1 (2.50); card: CC-3 ×3
 * (0.30). Cash expected 3.50. */
static void
sell_the_day (void)
{
  gint64 first = sell ("AA-1", 2, "cash");

  sell ("BB-2", 1, "cash");
  sell ("CC-3", 3, "card");
  /* A sale's first line has the sale's number. */
  stk_test_submit (stk_session_get_writer (session),
                   stk_op_return_sale_line (first, 1, -1, "damaged", 0));
}

static gpointer
child (StkCloseDayDialog *dialog,
       const char        *name)
{
  return stk_test_template_child (dialog, STK_TYPE_CLOSE_DAY_DIALOG, name);
}

static StkCloseDayDialog *
open_dialog (StkWindow *window)
{
  StkCloseDayDialog *dialog;

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-day", NULL));
  dialog = STK_CLOSE_DAY_DIALOG (stk_test_find_toplevel (STK_TYPE_CLOSE_DAY_DIALOG));
  cr_assert_not_null (dialog, "win.close-day opened no dialog");
  cr_assert (WAIT_UNTIL (!stk_close_day_dialog_get_busy (dialog) &&
                         stk_close_day_dialog_get_report (dialog) != NULL));
  return dialog;
}

static StkWindow *
open_window (StkSession *s)
{
  StkWindow *window = stk_window_new (app, s, NULL);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* The figures grid's row @row as "cell|cell|…". */
static char *
grid_row (StkCloseDayDialog *dialog,
          int                row)
{
  GtkGrid *grid = child (dialog, "methods_grid");
  g_autoptr(GString) text = g_string_new (NULL);

  for (int c = 0; c < 6; c++)
    {
      GtkWidget *cell = gtk_grid_get_child_at (grid, c, row);

      cr_assert_not_null (cell, "no cell at %d, %d", c, row);
      if (c > 0)
        g_string_append_c (text, '|');
      g_string_append (text, gtk_label_get_text (GTK_LABEL (cell)));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* "label|count|amount|voided|refunded|net" as the dialog shows it. */
static char *
expected_row (const char *label,
              int         sales,
              gint64      sales_cents,
              gint64      refunded_cents,
              gint64      net_cents)
{
  g_autofree char *amount = stk_format_currency (sales_cents);
  g_autofree char *voided = stk_format_currency (0);
  g_autofree char *refunded = stk_format_currency (refunded_cents > 0 ? -refunded_cents : 0);
  g_autofree char *net = stk_format_currency (net_cents);

  return g_strdup_printf ("%s|%d|%s|%s|%s|%s", label, sales, amount, voided, refunded, net);
}

static void
type_count (StkCloseDayDialog *dialog,
            const char        *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "counted_entry")), text);
}

static gboolean
close_enabled (StkCloseDayDialog *dialog)
{
  return gtk_widget_is_sensitive (GTK_WIDGET (child (dialog, "close_button")));
}

static gboolean
strv_has (char *const *rows,
          const char  *row)
{
  return g_strv_contains ((const char *const *) rows, row);
}

Test (close_day, the_dialog_shows_the_day_by_payment_and_the_cash_expected)
{
  StkWindow *window;
  StkCloseDayDialog *dialog;
  g_autofree char *cash = NULL, *card = NULL, *other = NULL, *total = NULL;
  g_autofree char *want_cash = expected_row ("Cash", 2, 450, 100, 350);
  g_autofree char *want_card = expected_row ("Card", 1, 30, 0, 30);
  g_autofree char *want_other = expected_row ("Other", 0, 0, 0, 0);
  g_autofree char *want_total = expected_row ("Total", 3, 480, 100, 380);
  g_autofree char *expected = stk_format_currency (350);

  sell_the_day ();
  window = open_window (session);
  dialog = open_dialog (window);

  cash = grid_row (dialog, 1);
  card = grid_row (dialog, 2);
  other = grid_row (dialog, 3);
  total = grid_row (dialog, 4);
  cr_assert_str_eq (cash, want_cash);
  cr_assert_str_eq (card, want_card);
  cr_assert_str_eq (other, want_other);
  cr_assert_str_eq (total, want_total);
  cr_assert_str_eq (gtk_label_get_text (child (dialog, "expected_label")), expected);
  /* Nothing counted yet: no difference, no close. */
  cr_assert_str_eq (gtk_label_get_text (child (dialog, "difference_label")), "—");
  cr_assert_not (close_enabled (dialog));
  cr_assert_not (gtk_widget_get_visible (child (dialog, "count_error")));
  cr_assert_not (gtk_widget_get_visible (child (dialog, "print_button")));

  /* The difference follows the count as it is typed. */
  type_count (dialog, "4");
  {
    g_autofree char *over = stk_day_report_format_difference (50);

    cr_assert_str_eq (gtk_label_get_text (child (dialog, "difference_label")), over);
  }
  type_count (dialog, "3.50");
  cr_assert (close_enabled (dialog));
  cr_assert_str_eq (gtk_label_get_text (child (dialog, "difference_label")), "None");
  cr_assert_eq (query ("SELECT count (*) FROM day_closes"), 0);
}

Test (close_day, a_negative_or_unreadable_count_is_refused_and_nothing_is_recorded)
{
  StkWindow *window;
  StkCloseDayDialog *dialog;
  GtkLabel *count_error;
  g_autoptr(GError) error = NULL;

  sell_the_day ();
  window = open_window (session);
  dialog = open_dialog (window);
  count_error = child (dialog, "count_error");

  type_count (dialog, "-5");
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (count_error)));
  cr_assert (strstr (gtk_label_get_text (count_error), "negative") != NULL, "%s",
             gtk_label_get_text (count_error));
  cr_assert_not (close_enabled (dialog));
  cr_assert_str_eq (gtk_label_get_text (child (dialog, "difference_label")), "—");
  cr_assert_not (stk_close_day_dialog_close_day (dialog, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  g_clear_error (&error);
  /* The action too does nothing: no confirmation comes up. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "close-day.close", NULL);
  cr_assert (stk_test_drain ());
  cr_assert_null (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  type_count (dialog, "−2.00");
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (count_error)));
  cr_assert_not (close_enabled (dialog));

  type_count (dialog, "twelve");
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (count_error)));
  cr_assert_not (close_enabled (dialog));
  cr_assert_not (stk_close_day_dialog_close_day (dialog, &error));
  g_clear_error (&error);

  /* Mended, the error goes. */
  type_count (dialog, "3.50");
  cr_assert_not (gtk_widget_get_visible (GTK_WIDGET (count_error)));
  cr_assert (close_enabled (dialog));

  cr_assert (stk_test_drain ());
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert_eq (query ("SELECT count (*) FROM day_closes"), 0);
  cr_assert_eq (stk_close_day_dialog_get_close_id (dialog), 0);
}

Test (close_day, a_count_closes_the_day_once_with_its_difference_and_the_pdf_says_so)
{
  StkWindow *window;
  StkCloseDayDialog *dialog;
  AdwMessageDialog *prompt;
  const StkDayReport *report;
  g_autofree char *path = g_build_filename (tmpdir, "day.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *cash_net = stk_format_currency (350);
  g_autofree char *counted = stk_format_currency (300);
  g_autofree char *expected = stk_format_currency (350);
  g_autofree char *short_by = stk_day_report_format_difference (-50);
  g_autofree char *row_cash = g_strdup_printf ("Cash\t%s", cash_net);
  g_autofree char *row_expected = g_strdup_printf ("Cash expected\t%s", expected);
  g_autofree char *row_counted = g_strdup_printf ("Cash counted\t%s", counted);
  g_autofree char *row_difference = g_strdup_printf ("Difference\t%s", short_by);
  g_autofree char *row_refunds = NULL;
  g_auto(GStrv) rows = NULL;
  gsize length = 0;

  sell_the_day ();
  window = open_window (session);
  dialog = open_dialog (window);
  type_count (dialog, "3");
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "note_row")), "Drawer short");
  cr_assert_str_eq (gtk_label_get_text (child (dialog, "difference_label")), short_by);

  /* Close the Day… asks first; Cancel records nothing. */
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (dialog), "close-day.close", NULL));
  prompt = ADW_MESSAGE_DIALOG (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  cr_assert_not_null (prompt);
  cr_assert_eq (adw_message_dialog_get_response_appearance (prompt, "close"),
                ADW_RESPONSE_DESTRUCTIVE);
  cr_assert_str_eq (adw_message_dialog_get_default_response (prompt), "cancel");
  adw_message_dialog_response (prompt, "cancel");
  gtk_window_destroy (GTK_WINDOW (prompt));
  cr_assert (stk_test_drain ());
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert_eq (query ("SELECT count (*) FROM day_closes"), 0);

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (dialog), "close-day.close", NULL));
  prompt = ADW_MESSAGE_DIALOG (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  cr_assert_not_null (prompt);
  adw_message_dialog_response (prompt, "close");
  gtk_window_destroy (GTK_WINDOW (prompt));
  cr_assert (WAIT_UNTIL (stk_close_day_dialog_get_close_id (dialog) > 0 &&
                         !stk_close_day_dialog_get_busy (dialog)));
  report = stk_close_day_dialog_get_report (dialog);
  cr_assert_eq (report->close_id, stk_close_day_dialog_get_close_id (dialog));

  /* One close, with the count, the cash expected and the note. */
  cr_assert_eq (query ("SELECT count (*) FROM day_closes"), 1);
  cr_assert_eq (query ("SELECT counted_cash_cents FROM day_closes"), 300);
  cr_assert_eq (query ("SELECT expected_cash_cents FROM day_closes"), 350);
  cr_assert_eq (query ("SELECT note = 'Drawer short' FROM day_closes"), 1);
  cr_assert (report->counted);
  cr_assert_eq (report->difference_cents, -50);

  /* The dialog shows the close: its count and difference, Print… and Save as PDF…. */
  cr_assert_not (gtk_widget_get_visible (child (dialog, "close_button")));
  cr_assert (gtk_widget_get_visible (child (dialog, "print_button")));
  cr_assert (gtk_widget_get_visible (child (dialog, "save_button")));
  cr_assert (gtk_widget_is_sensitive (child (dialog, "save_button")));
  cr_assert_str_eq (gtk_label_get_text (child (dialog, "counted_label")), counted);
  cr_assert_str_eq (gtk_label_get_text (child (dialog, "difference_label")), short_by);
  cr_assert_not (gtk_widget_get_visible (child (dialog, "error_label")));

  /* The PDF. */
  cr_assert (stk_close_day_dialog_save_pdf (dialog, path));
  cr_assert (g_file_get_contents (path, &contents, &length, NULL));
  cr_assert_gt (length, 1000);
  cr_assert (g_str_has_prefix (contents, "%PDF"));
  /* Its title, in the document's information (contents hold NULs: memmem). */
  cr_assert_not_null (memmem (contents, length, "/Title (Day Report 1)",
                              strlen ("/Title (Day Report 1)")));
  /* What it draws (the rows of the same layout). */
  rows = stk_day_report_get_rows (report, "Corner Shop", "", STK_RECEIPT_TEXT_WIDTH_PT);
  {
    g_autofree char *refunded = stk_format_currency (-100);
    g_autofree char *joined = g_strjoinv ("\n", rows);

    row_refunds = g_strdup_printf ("1 return refunded\t%s", refunded);
    cr_assert_str_eq (rows[0], "Corner Shop");
    cr_assert (strv_has (rows, "Close No. 1"), "%s", joined);
    cr_assert (strv_has (rows, "Since the inventory began"), "%s", joined);
    cr_assert (strv_has (rows, row_cash), "%s", joined);
    cr_assert (strv_has (rows, row_refunds), "%s", joined);
    cr_assert (strv_has (rows, row_expected), "%s", joined);
    cr_assert (strv_has (rows, row_counted), "%s", joined);
    cr_assert (strv_has (rows, row_difference), "%s", joined);
    cr_assert (strv_has (rows, "Note: Drawer short"), "%s", joined);
  }

  /* A second close is not made from this dialog. */
  {
    g_autoptr(GError) error = NULL;

    cr_assert_not (stk_close_day_dialog_close_day (dialog, &error));
    cr_assert_eq (query ("SELECT count (*) FROM day_closes"), 1);
  }
}

Test (close_day, a_failed_save_stays_in_the_dialog)
{
  StkWindow *window;
  StkCloseDayDialog *dialog;
  g_autofree char *bad = g_build_filename (tmpdir, "no-such-folder", "day.pdf", NULL);
  g_autoptr(GError) error = NULL;

  sell_the_day ();
  window = open_window (session);
  dialog = open_dialog (window);
  type_count (dialog, "3.50");
  cr_assert (stk_close_day_dialog_close_day (dialog, &error));
  cr_assert (WAIT_UNTIL (stk_close_day_dialog_get_close_id (dialog) > 0 &&
                         !stk_close_day_dialog_get_busy (dialog)));
  cr_assert_str_eq (gtk_label_get_text (child (dialog, "difference_label")), "None");
  cr_assert_not (stk_close_day_dialog_save_pdf (dialog, bad));
  cr_assert (gtk_widget_get_visible (child (dialog, "error_label")));
  cr_assert_not (g_file_test (bad, G_FILE_TEST_EXISTS));
}

/* Another program holds the inventory: the close waits; withdrawn from the window it
 * says nothing was closed and keeps what was typed; once the lock goes, it closes. */
Test (close_day, a_locked_inventory_loses_nothing_and_the_close_can_be_tried_again)
{
  StkWriter *writer = stk_session_get_writer (session);
  StkWindow *window;
  StkCloseDayDialog *dialog;
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(GError) error = NULL;
  GtkLabel *error_label;

  sell_the_day ();
  window = open_window (session);
  dialog = open_dialog (window);
  error_label = child (dialog, "error_label");
  type_count (dialog, "3.25");
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "note_row")), "Till 2");

  holder = stk_test_hold_database (db_path);
  cr_assert (stk_close_day_dialog_close_day (dialog, &error));
  cr_assert (WAIT_UNTIL (stk_writer_get_state (writer) == STK_WRITER_STATE_LOCKED ||
                         stk_writer_get_state (writer) == STK_WRITER_STATE_PROBING));
  cr_assert (stk_close_day_dialog_get_busy (dialog), "the close waits");
  cr_assert_not (close_enabled (dialog));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.withdraw-last", NULL);
  cr_assert (WAIT_UNTIL (!stk_close_day_dialog_get_busy (dialog)));
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  cr_assert (strstr (gtk_label_get_text (error_label), "withdrawn") != NULL, "%s",
             gtk_label_get_text (error_label));
  cr_assert_eq (stk_close_day_dialog_get_close_id (dialog), 0);
  cr_assert_str_eq (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "counted_entry"))), "3.25");
  cr_assert_str_eq (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "note_row"))), "Till 2");
  cr_assert (close_enabled (dialog), "the close can be tried again");

  stk_test_release_database (holder);
  stk_writer_retry_now (writer);
  cr_assert (stk_close_day_dialog_close_day (dialog, &error));
  cr_assert (WAIT_UNTIL (stk_close_day_dialog_get_close_id (dialog) > 0 &&
                         !stk_close_day_dialog_get_busy (dialog)));
  cr_assert_not (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  cr_assert_eq (query ("SELECT count (*) FROM day_closes"), 1);
  cr_assert_eq (query ("SELECT counted_cash_cents FROM day_closes"), 325);
  cr_assert_eq (query ("SELECT note = 'Till 2' FROM day_closes"), 1);
}

Test (close_day, read_only_offers_no_close)
{
  g_autoptr(StkSession) reader = NULL;
  g_autoptr(GError) error = NULL;
  StkWindow *window;
  GtkWidget *probe;
  GtkWidget *bar;

  reader = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (reader, "%s", error ? error->message : "");
  window = open_window (reader);
  bar = stk_test_template_child (window, STK_TYPE_WINDOW, "header_bar");
  probe = gtk_button_new ();
  gtk_actionable_set_action_name (GTK_ACTIONABLE (probe), "win.close-day");
  adw_header_bar_pack_end (ADW_HEADER_BAR (bar), probe);
  cr_assert (stk_test_drain ());
  cr_assert_not (gtk_widget_get_sensitive (probe));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-day", NULL);
  cr_assert (stk_test_drain ());
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_CLOSE_DAY_DIALOG));
  adw_header_bar_remove (ADW_HEADER_BAR (bar), probe);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The row of the figures grid whose first cell says @label, or -1. */
static int
row_of (GtkGrid    *grid,
        const char *label)
{
  for (int r = 1; gtk_grid_get_child_at (grid, 0, r) != NULL; r++)
    if (g_str_equal (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, 0, r))), label))
      return r;
  return -1;
}

/* A void is told by its tooltip (how many sales); what sold without tax has its own
 * "No tax" row beside the rate's; a note over 1000 characters is refused, nothing closed. */
Test (close_day, voids_are_counted_untaxed_sales_have_their_row_and_a_long_note_is_refused)
{
  StkWriter *writer = stk_session_get_writer (session);
  g_autoptr(StkOp) rate = stk_op_save_tax_rate (0, "VAT", 2200);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) note = g_string_new (NULL);
  StkCloseDayDialog *dialog;
  StkWindow *window;
  GtkGrid *methods;
  GtkGrid *taxes;
  GtkWidget *voided;
  gint64 voided_sale;
  int card;

  stk_test_submit (writer, stk_op_ref (rate));
  stk_test_submit (writer, stk_op_set_item_tax_rate (
                     stk_test_query (db_path, "SELECT id FROM items WHERE code = 'AA-1'"),
                     stk_op_get_row_id (rate)));
  sell ("AA-1", 1, "cash");
  sell ("BB-2", 1, "cash");
  voided_sale = sell ("CC-3", 2, "card");
  sell ("CC-3", 1, "card");
  stk_test_submit (writer, stk_op_void_sale_with_reason (voided_sale, "wrong till"));

  window = open_window (session);
  dialog = open_dialog (window);
  methods = child (dialog, "methods_grid");
  card = row_of (methods, "Card");
  cr_assert_geq (card, 1, "no Card row");
  voided = gtk_grid_get_child_at (methods, 3, card);
  cr_assert_str_eq (gtk_widget_get_tooltip_text (voided), "1 sale voided");
  cr_assert_null (gtk_widget_get_tooltip_text (gtk_grid_get_child_at (methods, 3,
                                                                       row_of (methods, "Cash"))),
                  "nothing voided in cash, no tooltip");

  taxes = child (dialog, "taxes_grid");
  cr_assert (gtk_widget_get_visible (child (dialog, "taxes_box")));
  cr_assert_geq (row_of (taxes, "No tax"), 1, "no row for what sold without tax");
  cr_assert_geq (row_of (taxes, "VAT (22 %)"), 1, "no row for the rate");

  /* A note of 1001 characters. */
  type_count (dialog, "3.50");
  for (int i = 0; i < 1001; i++)
    g_string_append_c (note, 'n');
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "note_row")), note->str);
  cr_assert_not (stk_close_day_dialog_close_day (dialog, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s",
             error ? error->message : "no error");
  cr_assert_str_eq (error->message, "The note is longer than 1000 characters.");
  g_clear_error (&error);
  /* 1000 is fine. */
  g_string_truncate (note, 1000);
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "note_row")), note->str);
  stk_test_writer_barrier (writer);
  cr_assert_eq (query ("SELECT count (*) FROM day_closes"), 0, "the refused close left nothing");
  cr_assert (stk_close_day_dialog_close_day (dialog, &error), "%s", error ? error->message : "");
  cr_assert (WAIT_UNTIL (stk_close_day_dialog_get_close_id (dialog) > 0));
  cr_assert_eq (query ("SELECT length (note) FROM day_closes"), 1000);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A second close's report: what it covers starts at the first close ("Since …"); a
 * method with a void and tax says both; its print operation proposes the close's name
 * and exports one page; drawn on a recording surface it has a height. */
Test (close_day, a_second_close_says_since_when_with_voids_and_tax_and_prints)
{
  StkWriter *writer = stk_session_get_writer (session);
  g_autoptr(StkOp) rate = stk_op_save_tax_rate (0, "VAT", 2200);
  g_autoptr(StkOp) second = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "second.pdf", NULL);
  g_autofree char *since = NULL;
  g_autofree char *first_at = NULL;
  g_autofree char *voided_row = NULL;
  g_autofree char *tax_row = NULL;
  g_autofree char *tax = stk_format_currency (18);
  g_autofree char *minus = stk_format_currency (-20);
  g_autofree char *export_name = NULL;
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rows = NULL;
  g_autofree char *joined = NULL;
  StkCloseDayDialog *dialog;
  const StkDayReport *report;
  gint64 voided_sale;
  int pages = 0;

  stk_test_submit (writer, stk_op_ref (rate));
  stk_test_submit (writer, stk_op_set_item_tax_rate (
                     query ("SELECT id FROM items WHERE code = 'AA-1'"), stk_op_get_row_id (rate)));
  sell ("BB-2", 1, "cash");
  stk_test_submit (writer, stk_op_close_day (250, "first"));
  /* The second day: 1.00 taxed at 22 % included (0.18 of it tax), a card sale voided. */
  sell ("AA-1", 1, "cash");
  voided_sale = sell ("CC-3", 2, "card");
  stk_test_submit (writer, stk_op_void_sale_with_reason (voided_sale, "wrong till"));
  second = stk_op_close_day (100, "");
  stk_test_submit (writer, stk_op_ref (second));
  cr_assert_gt (stk_op_get_row_id (second), 0);

  dialog = stk_close_day_dialog_new_for_close (NULL, stk_session_get_store (session), NULL,
                                               stk_op_get_row_id (second));
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (!stk_close_day_dialog_get_busy (dialog) &&
                         stk_close_day_dialog_get_report (dialog) != NULL));
  report = stk_close_day_dialog_get_report (dialog);
  cr_assert_neq (report->from_us, 0, "the second close starts at the first");
  first_at = stk_format_datetime (report->from_us);
  since = g_strdup_printf ("Since %s", first_at);
  voided_row = g_strdup_printf ("1 voided\t%s", minus);
  tax_row = g_strdup_printf ("Of which tax\t%s", tax);

  rows = stk_day_report_get_rows (report, "Corner Shop", "", STK_RECEIPT_TEXT_WIDTH_PT);
  joined = g_strjoinv ("\n", rows);
  cr_assert (strv_has (rows, "Close No. 2"), "%s", joined);
  cr_assert (strv_has (rows, since), "%s", joined);
  cr_assert (strv_has (rows, voided_row), "%s", joined);
  cr_assert (strv_has (rows, tax_row), "%s", joined);

  operation = stk_day_report_print_operation_new (report, "Corner Shop", "");
  g_object_get (operation, "export-filename", &export_name, NULL);
  cr_assert_str_eq (export_name, "Day-Report-2.pdf");
  gtk_print_operation_set_export_filename (operation, path);
  cr_assert_eq (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL,
                                         &error),
                GTK_PRINT_OPERATION_RESULT_APPLY, "%s", error ? error->message : "");
  g_object_get (operation, "n-pages", &pages, NULL);
  cr_assert_eq (pages, 1);
  cr_assert (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  {
    cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *cr = cairo_create (surface);
    double height = stk_day_report_draw (report, "Corner Shop", "", cr,
                                         STK_RECEIPT_TEXT_WIDTH_PT);

    cr_assert_gt (height, 100.0, "nothing drawn: %g", height);
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }
  gtk_window_destroy (GTK_WINDOW (dialog));
}
