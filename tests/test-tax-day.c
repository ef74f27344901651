/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A shop's day with tax, through the window (issue 21, "Done when"): the morning's
 * automatic backup; at the till, lines at two tax rates, the till's total and tax as
 * the sale records them; the receipt printed (exported as the print dialog would) with
 * a breakdown this test recomputes from the lines with its own arithmetic; Close the Day
 * with a cash difference, its tax by rate; then the automatic backup restored through
 * Restore…, which takes the day back. Built for real on a temporary inventory under
 * Xvfb; waits on events, never on time. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "stk-backups.h"
#include "stk-close-day-dialog.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-receipt.h"
#include "stk-receipt-private.h"
#include "stk-restore-dialog.h"
#include "stk-sale.h"
#include "stk-sell-view.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-keys.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 60000
#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

static GtkApplication *app;
static StkSession *session;
static char *folder;

static void
setup (void)
{
  StkWriter *writer;
  g_autoptr(StkOp) vat = NULL;
  g_autoptr(StkOp) food = NULL;
  g_auto(StkItemInfo) bread = { 0 };

  stk_test_ui_setup (&app, &session);
  adw_init ();
  g_setenv ("TZ", "UTC", TRUE);
  stk_format_set_currency_symbol (NULL);
  folder = g_build_filename (tmpdir, "backups", NULL);
  writer = stk_session_get_writer (session);

  /* VAT 22 % for everything, Food 10 % for the bread; prices include tax. */
  vat = stk_op_save_tax_rate (0, "VAT", 2200);
  food = stk_op_save_tax_rate (0, "Food", 1000);
  stk_test_submit (writer, stk_op_ref (vat));
  stk_test_submit (writer, stk_op_ref (food));
  stk_test_submit (writer, stk_op_set_default_tax_rate (stk_op_get_row_id (vat)));
  stk_test_submit (writer, stk_op_create_item ("MUG", "Blue mug", 1250, 0));
  stk_test_submit (writer, stk_op_create_item ("BREAD", "Loaf", 330, 0));
  stk_test_submit (writer, stk_op_record_movement ("MUG", STK_MOVEMENT_RECEIVE, 20, "", 0));
  stk_test_submit (writer, stk_op_record_movement ("BREAD", STK_MOVEMENT_RECEIVE, 20, "", 0));
  stk_test_writer_barrier (writer);
  cr_assert (stk_store_item_by_code (stk_session_get_store (session), "BREAD", &bread, NULL));
  stk_test_submit (writer, stk_op_set_item_tax_rate (bread.id, stk_op_get_row_id (food)));
  stk_test_writer_barrier (writer);
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
  g_clear_pointer (&folder, g_free);
}

TestSuite (tax_day, .init = setup, .fini = teardown, .timeout = 240);

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
  return stk_test_template_child (widget, type, name);
}

/* The tax in @amount at @rate_bp, prices including it, to the nearest cent, half up:
 * this test's own arithmetic, for comparing with what the app computed. */
static gint64
tax_in (gint64 amount,
        gint64 rate_bp)
{
  gint64 den = 10000 + rate_bp;

  return (2 * amount * rate_bp + den) / (2 * den);
}

/* One rate's figures recomputed from the sale's lines. */
typedef struct
{
  const char *name;
  gint64      rate_bp;
  gint64      total;
  gint64      tax;
} Expected;

static void
recompute (const StkSaleDetail *sale,
           Expected            *rates,
           guint                n_rates)
{
  for (guint i = 0; i < sale->lines->len; i++)
    {
      const StkSaleLine *line = g_ptr_array_index (sale->lines, i);
      gint64 amount = line->quantity * line->unit_price_cents - line->discount_cents;

      for (guint r = 0; r < n_rates; r++)
        if (g_str_equal (rates[r].name, line->tax_name))
          {
            rates[r].total += amount;
            rates[r].tax += tax_in (amount, rates[r].rate_bp);
          }
    }
}

static void
restored_cb (StkRestoreDialog *dialog,
             const char       *message,
             gpointer          user_data)
{
  char **out = user_data;

  *out = g_strdup (message);
}

static gboolean
strv_has (char *const *rows,
          const char  *row)
{
  return g_strv_contains ((const char *const *) rows, row);
}

Test (tax_day, two_rates_at_the_till_the_receipt_the_close_and_the_morning_backup_restored)
{
  StkWindow *window;
  StkSellView *view;
  StkCloseDayDialog *dialog;
  StkRestoreDialog *restore;
  AdwMessageDialog *prompt;
  GtkWindow *question;
  g_autoptr(StkSaleDetail) sale = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *morning = NULL;
  g_autofree char *message = NULL;
  g_autofree char *pdf = g_build_filename (tmpdir, "receipt.pdf", NULL);
  g_auto(GStrv) rows = NULL;
  g_autofree char *joined = NULL;
  Expected rates[] = { { "VAT", 2200, 0, 0 }, { "Food", 1000, 0, 0 } };
  gint64 total = 0, tax = 0;

  /* The morning's automatic backup (what the app makes at the first start of a day). */
  cr_assert (stk_backup_auto (stk_session_get_store (session), folder, 14, NULL, &morning, NULL,
                              &error), "%s", error ? error->message : "");

  /* The till: two mugs and a loaf, paid cash. */
  window = stk_window_new (app, session, NULL);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  stk_test_keys (GTK_WINDOW (window), "alt+5");
  cr_assert (WAIT_UNTIL (g_strcmp0 (adw_view_stack_get_visible_child_name (
                           child (window, STK_TYPE_WINDOW, "view_stack")), "sell") == 0));
  view = STK_SELL_VIEW (gtk_widget_get_first_child (child (window, STK_TYPE_WINDOW, "sell_box")));
  {
    GtkWidget *entry = child (view, STK_TYPE_SELL_VIEW, "scan_entry");
    const char *codes[] = { "MUG", "MUG", "BREAD" };

    for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
      {
        gtk_editable_set_text (GTK_EDITABLE (entry), codes[i]);
        g_signal_emit_by_name (entry, "activate");
      }
  }
  cr_assert (WAIT_UNTIL (!stk_sell_view_get_busy (view) &&
                         g_list_model_get_n_items (stk_sell_view_get_lines (view)) >= 2));

  /* What the till says before the sale: 2 × 12.50 + 3.30, of which 4.51 + 0.30 tax
   * (recomputed here per line, as the shop rounds). */
  {
    GListModel *lines = stk_sell_view_get_lines (view);
    g_autofree char *want_total = NULL;
    g_autofree char *want_tax = NULL;
    g_autofree char *tax_text = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (lines); i++)
      {
        g_autoptr(StkBasketLine) line = g_list_model_get_item (lines, i);
        gint64 amount = stk_basket_line_get_total (line);

        total += amount;
        tax += tax_in (amount, g_str_equal (stk_basket_line_get_code (line), "BREAD") ? 1000 : 2200);
      }
    cr_assert_eq (total, 2830);
    want_total = stk_format_currency (total);
    want_tax = stk_format_currency (tax);
    tax_text = g_strdup_printf ("Of which tax %s", want_tax);
    cr_assert (WAIT_UNTIL (g_strcmp0 (gtk_label_get_text (child (view, STK_TYPE_SELL_VIEW,
                                                                 "tax_label")), tax_text) == 0),
               "the till says “%s”", gtk_label_get_text (child (view, STK_TYPE_SELL_VIEW, "tax_label")));
    cr_assert_str_eq (gtk_label_get_text (child (view, STK_TYPE_SELL_VIEW, "total_label")), want_total);
  }
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (view), "sell.complete", NULL));
  cr_assert (WAIT_UNTIL (g_list_model_get_n_items (stk_sell_view_get_lines (view)) == 0 &&
                         !stk_sell_view_get_busy (view)));
  cr_assert_gt (stk_sell_view_get_last_sale (view), 0);

  /* The sale as recorded: each line kept its rate; the sale's tax is the till's. */
  sale = stk_store_read_sale (stk_session_get_store (session), stk_sell_view_get_last_sale (view),
                              &error);
  cr_assert_not_null (sale, "%s", error ? error->message : "");
  cr_assert_eq (sale->total_cents, total);
  recompute (sale, rates, G_N_ELEMENTS (rates));
  cr_assert_eq (rates[0].total + rates[1].total, total);
  cr_assert_eq (rates[0].tax + rates[1].tax, tax);
  cr_assert_eq (query ("SELECT sum (tax_cents) FROM sales"), tax);

  /* The receipt, printed as the print dialog does (to a PDF here), and its rows: the
   * breakdown by rate is the recomputed one, its parts add up to the total. */
  {
    g_autoptr(GtkPrintOperation) operation = stk_receipt_print_operation_new (sale, "Corner Shop", "");
    g_autofree char *contents = NULL;
    gsize length = 0;

    gtk_print_operation_set_export_filename (operation, pdf);
    cr_assert_eq (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL,
                                           &error),
                  GTK_PRINT_OPERATION_RESULT_APPLY, "%s", error ? error->message : "");
    cr_assert (g_file_get_contents (pdf, &contents, &length, NULL));
    cr_assert (length > 1000 && memcmp (contents, "%PDF-", 5) == 0);
  }
  rows = stk_receipt_get_rows (sale, "Corner Shop", "", STK_RECEIPT_TEXT_WIDTH_PT);
  joined = g_strjoinv ("\n", rows);
  {
    g_autofree char *total_row = NULL;
    g_autofree char *tax_row = NULL;
    g_autofree char *money = stk_format_money (total);
    g_autofree char *all_tax = stk_format_money (tax);

    total_row = g_strdup_printf ("Total\t%s", money);
    tax_row = g_strdup_printf ("Total tax\t%s", all_tax);
    cr_assert (strv_has (rows, total_row), "%s", joined);
    cr_assert (strv_has (rows, tax_row), "%s", joined);
    for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
      {
        g_autofree char *amount = stk_format_money (rates[r].tax);
        g_autofree char *taxable = stk_format_money (rates[r].total - rates[r].tax);
        g_autofree char *with = stk_format_money (rates[r].total);
        g_autofree char *rate = g_strdup_printf ("%s (%" G_GINT64_FORMAT " %%)\t%s", rates[r].name,
                                                 rates[r].rate_bp / 100, amount);
        g_autofree char *taxable_row = g_strdup_printf ("Taxable\t%s", taxable);
        g_autofree char *with_row = g_strdup_printf ("With tax\t%s", with);

        cr_assert (strv_has (rows, rate), "no “%s” in\n%s", rate, joined);
        cr_assert (strv_has (rows, taxable_row), "no “%s” in\n%s", taxable_row, joined);
        cr_assert (strv_has (rows, with_row), "no “%s” in\n%s", with_row, joined);
      }
  }

  /* Close the Day: 28.00 counted of 28.30 expected, 0.30 short; the tax by rate. */
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-day", NULL));
  dialog = STK_CLOSE_DAY_DIALOG (stk_test_find_toplevel (STK_TYPE_CLOSE_DAY_DIALOG));
  cr_assert_not_null (dialog);
  cr_assert (WAIT_UNTIL (!stk_close_day_dialog_get_busy (dialog) &&
                         stk_close_day_dialog_get_report (dialog) != NULL));
  cr_assert (gtk_widget_get_visible (child (dialog, STK_TYPE_CLOSE_DAY_DIALOG, "taxes_box")));
  {
    GtkGrid *grid = child (dialog, STK_TYPE_CLOSE_DAY_DIALOG, "taxes_grid");

    for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
      {
        g_autofree char *label = g_strdup_printf ("%s (%" G_GINT64_FORMAT " %%)", rates[r].name,
                                                  rates[r].rate_bp / 100);
        g_autofree char *amount = stk_format_currency (rates[r].tax);

        /* Rows after the header, biggest rate first. */
        cr_assert_str_eq (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, 0, (int) r + 1))),
                          label);
        cr_assert_str_eq (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, 2, (int) r + 1))),
                          amount);
      }
  }
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, STK_TYPE_CLOSE_DAY_DIALOG, "counted_entry")),
                         "28.00");
  {
    g_autofree char *short_by = stk_day_report_format_difference (-30);

    cr_assert_str_eq (gtk_label_get_text (child (dialog, STK_TYPE_CLOSE_DAY_DIALOG,
                                                 "difference_label")), short_by);
  }
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (dialog), "close-day.close", NULL));
  prompt = ADW_MESSAGE_DIALOG (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  cr_assert_not_null (prompt);
  adw_message_dialog_response (prompt, "close");
  gtk_window_destroy (GTK_WINDOW (prompt));
  cr_assert (WAIT_UNTIL (stk_close_day_dialog_get_close_id (dialog) > 0 &&
                         !stk_close_day_dialog_get_busy (dialog)));
  cr_assert_eq (query ("SELECT counted_cash_cents - expected_cash_cents FROM day_closes"), -30);
  cr_assert_eq (query ("SELECT sum (tax_cents) FROM day_close_taxes"), tax);
  cr_assert_eq (query ("SELECT tax_cents FROM day_close_taxes WHERE name = 'Food'"), rates[1].tax);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Restore… the morning's backup: the day's sale and close go, the rates stay. */
  restore = stk_restore_dialog_new (GTK_WINDOW (window), session, folder);
  gtk_window_present (GTK_WINDOW (restore));
  cr_assert (WAIT_UNTIL (stk_restore_dialog_get_loaded (restore)), "the list never came");
  cr_assert_str_eq (stk_restore_dialog_get_path (restore, 0), morning);
  g_signal_connect (restore, "restored", G_CALLBACK (restored_cb), &message);
  question = stk_restore_dialog_ask (restore, morning);
  cr_assert_not_null (question);
  cr_assert (WAIT_UNTIL (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (question),
                                                                  "restore")));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "restore");
  gtk_window_destroy (question);
  cr_assert (WAIT_UNTIL (message != NULL), "the restore never ended");
  cr_assert (g_str_has_prefix (message, "Restored “"), "%s", message);
  cr_assert_eq (query ("SELECT count (*) FROM sales"), 0);
  cr_assert_eq (query ("SELECT count (*) FROM day_closes"), 0);
  cr_assert_eq (query ("SELECT count (*) FROM tax_rates"), 2);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'MUG'"), 20);
}
