/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Sales view (issue 17, issue 16 problem 6): a sale of several lines is one row
 * ("and 2 more", its total over the lines); a partial return shows the net total and
 * "Partly returned"; a return over what is left is refused; Void Sale… with a reason
 * voids every line and puts the stock back, and the row says Voided with its total
 * struck; a sale with returns cannot be voided; the receipt is saved as a PDF and a
 * failure to write it is shown in the dialog. Built for real on a temporary inventory
 * under Xvfb; waits on events, never on time. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "stk-columns.h"
#include "stk-format.h"
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
  StkWriter *writer;

  stk_test_ui_setup (&app, &session);
  /* The application's style sheet, as AdwApplication loads it (the struck total, the
   * banner's height). */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/stocktake/Stocktake/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
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

TestSuite (sales_view, .init = setup, .fini = teardown, .timeout = 180);

static gint64
query (const char *sql)
{
  return stk_test_query (db_path, sql);
}

/* AA-1 ×2 at 1.00, BB-2 ×1 at 2.50 less 0.50, CC-3 ×3 at 0.10: 4.30. Its id. */
static gint64
sell_three_lines (void)
{
  StkSaleLineSpec lines[] = {
    { "AA-1", 2, -1, 0 },
    { "BB-2", 1, -1, 50 },
    { "CC-3", 3, -1, 0 },
  };
  g_autoptr(StkOp) op = stk_op_sell (lines, G_N_ELEMENTS (lines), "card", "", 0);

  stk_test_submit (stk_session_get_writer (session), stk_op_ref (op));
  cr_assert_gt (stk_op_get_row_id (op), 0);
  return stk_op_get_row_id (op);
}

static StkTableView *
sales_view (StkWindow *window)
{
  GtkBox *box = stk_test_template_child (window, STK_TYPE_WINDOW, "sales_box");

  return STK_TABLE_VIEW (gtk_widget_get_first_child (GTK_WIDGET (box)));
}

static StkTableModel *
sales_model (StkWindow *window)
{
  return stk_table_view_get_model (sales_view (window));
}

/* The window on the Sales view, its list loaded with @n rows, @sale_id selected. */
static StkWindow *
open_sales (guint  n,
            gint64 sale_id)
{
  StkWindow *window = stk_window_new (app, session, NULL);

  gtk_window_present (GTK_WINDOW (window));
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "sales"));
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (sales_model (window)) &&
                         g_list_model_get_n_items (G_LIST_MODEL (sales_model (window))) == n),
             "the Sales list has %u rows, not %u",
             g_list_model_get_n_items (G_LIST_MODEL (sales_model (window))), n);
  stk_table_view_select_id (sales_view (window), sale_id);
  return window;
}

static StkSaleRow *
row_of (StkWindow *window,
        gint64     sale_id)
{
  GListModel *model = G_LIST_MODEL (sales_model (window));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(StkSaleRow) row = g_list_model_get_item (model, i);

      if (stk_sale_row_get_id (row) == sale_id)
        return row; /* the model holds it */
    }
  return NULL;
}

/* The text the Sales list shows in the column of @property for @row. */
static char *
cell_text (StkSaleRow *row,
           const char *property)
{
  const StkColumns *list = stk_columns_for_kind (STK_TABLE_KIND_SALES);

  for (guint c = 0; c < list->n_columns; c++)
    if (g_strcmp0 (list->columns[c].property, property) == 0)
      return stk_column_format_row (&list->columns[c], G_OBJECT (row));
  cr_assert_fail ("the Sales list has no column for %s", property);
  return NULL;
}

/* Whether @action is enabled in @window, as a button bound to it sees it. */
static gboolean
action_enabled (StkWindow  *window,
                const char *action,
                gboolean    expected)
{
  GtkWidget *bar = stk_test_template_child (window, STK_TYPE_WINDOW, "header_bar");
  GtkWidget *probe = gtk_button_new ();
  gboolean enabled;

  gtk_actionable_set_action_name (GTK_ACTIONABLE (probe), action);
  adw_header_bar_pack_end (ADW_HEADER_BAR (bar), probe);
  WAIT_UNTIL (gtk_widget_get_sensitive (probe) == expected);
  enabled = gtk_widget_get_sensitive (probe);
  adw_header_bar_remove (ADW_HEADER_BAR (bar), probe);
  return enabled;
}

static StkSaleDetailsDialog *
open_details (StkWindow  *window,
              const char *action)
{
  StkSaleDetailsDialog *dialog;

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  dialog = STK_SALE_DETAILS_DIALOG (stk_test_find_toplevel (STK_TYPE_SALE_DETAILS_DIALOG));
  cr_assert_not_null (dialog, "%s opened no sale", action);
  cr_assert (WAIT_UNTIL (!stk_sale_details_dialog_get_busy (dialog) &&
                         stk_sale_details_dialog_get_sale (dialog) != NULL));
  return dialog;
}

static const StkSaleLine *
line (StkSaleDetailsDialog *dialog,
      guint                 i)
{
  const StkSaleDetail *sale = stk_sale_details_dialog_get_sale (dialog);

  cr_assert_lt (i, sale->lines->len);
  return g_ptr_array_index (sale->lines, i);
}

Test (sales_view, a_sale_of_three_lines_is_one_row_with_its_total)
{
  gint64 id = sell_three_lines ();
  StkWindow *window = open_sales (1, id);
  StkSaleRow *row = row_of (window, id);
  g_autofree char *item = NULL;
  g_autofree char *total = NULL;
  g_autofree char *expected_total = stk_format_currency (430);
  g_autofree char *quantity = NULL;
  g_autofree char *status = NULL;
  StkSaleDetailsDialog *dialog;

  cr_assert_not_null (row);
  item = cell_text (row, "item");
  total = cell_text (row, "total-cents");
  quantity = cell_text (row, "quantity");
  status = cell_text (row, "status");
  cr_assert_str_eq (item, "Anchor bolt and 2 more");
  cr_assert_str_eq (stk_sale_row_get_code (row), "AA-1");
  cr_assert_str_eq (total, expected_total);
  cr_assert_str_eq (quantity, "6");
  cr_assert_str_eq (status, "");

  /* Enter / double-click opens the sale with its three lines. */
  g_signal_emit_by_name (sales_view (window), "row-activated", row);
  dialog = STK_SALE_DETAILS_DIALOG (stk_test_find_toplevel (STK_TYPE_SALE_DETAILS_DIALOG));
  cr_assert_not_null (dialog, "activating the row opened nothing");
  cr_assert (WAIT_UNTIL (stk_sale_details_dialog_get_sale (dialog) != NULL));
  cr_assert_eq (stk_sale_details_dialog_get_sale (dialog)->lines->len, 3);
  cr_assert_str_eq (line (dialog, 2)->code, "CC-3");
  cr_assert_str_eq (stk_sale_details_dialog_get_sale (dialog)->payment, "card");
}

Test (sales_view, a_partial_return_shows_the_net_total_and_no_more_than_is_left_goes_back)
{
  gint64 id = sell_three_lines ();
  StkWindow *window = open_sales (1, id);
  StkSaleRow *row = row_of (window, id);
  StkSaleDetailsDialog *dialog = open_details (window, "win.return-sale");
  g_autoptr(GError) error = NULL;
  g_autofree char *net = stk_format_currency (330);
  g_autofree char *total = NULL;
  g_autofree char *status = NULL;
  AdwMessageDialog *prompt;
  gint64 line_id = line (dialog, 0)->line_id;

  /* win.return-sale opened the Return… prompt, the refund shown before confirming. */
  prompt = ADW_MESSAGE_DIALOG (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  cr_assert_not_null (prompt, "Return… asked nothing");
  cr_assert_eq (stk_sale_details_refund_for (stk_sale_details_dialog_get_sale (dialog),
                                             line (dialog, 0), 1), 100);
  cr_assert_eq (stk_sale_details_refund_for (stk_sale_details_dialog_get_sale (dialog),
                                             line (dialog, 0), 3), -1);
  gtk_window_destroy (GTK_WINDOW (prompt));

  cr_assert (stk_sale_details_dialog_return_line (dialog, line_id, 1, "damaged", &error),
             "%s", error ? error->message : "");
  cr_assert (WAIT_UNTIL (query ("SELECT count(*) FROM returns") == 1));
  cr_assert_eq (query ("SELECT refund_cents FROM returns"), 100);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'AA-1'"), 9);

  /* The row follows: net of the refund, partly returned. */
  cr_assert (WAIT_UNTIL (stk_sale_row_get_total_cents (row) == 330));
  total = cell_text (row, "total-cents");
  status = cell_text (row, "status");
  cr_assert_str_eq (total, net);
  cr_assert_str_eq (status, "Partly returned");

  /* One of two is left on that line: two more is refused, nothing recorded. */
  cr_assert (WAIT_UNTIL (!stk_sale_details_dialog_get_busy (dialog) &&
                         line (dialog, 0)->returned_quantity == 1));
  cr_assert_not (stk_sale_details_dialog_return_line (dialog, line_id, 2, "", &error));
  cr_assert_not_null (error);
  cr_assert (strstr (error->message, "At most 1") != NULL, "%s", error->message);
  cr_assert_eq (query ("SELECT count(*) FROM returns"), 1);

  /* A sale with a return cannot be voided: the button says why, the action is off. */
  cr_assert_not (gtk_widget_is_sensitive (stk_test_template_child (dialog, STK_TYPE_SALE_DETAILS_DIALOG,
                                                          "void_button")));
  cr_assert (strstr (gtk_widget_get_tooltip_text (stk_test_template_child (dialog, STK_TYPE_SALE_DETAILS_DIALOG,
                                                                  "void_button")),
                     "returns") != NULL);
  g_clear_error (&error);
  cr_assert_not (stk_sale_details_dialog_void (dialog, "oops", &error));
  cr_assert_eq (query ("SELECT count(*) FROM sale_voids"), 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  cr_assert_not (action_enabled (window, "win.void-sale", FALSE));
  cr_assert (action_enabled (window, "win.return-sale", TRUE));
}

Test (sales_view, void_sale_with_a_reason_voids_every_line_and_the_row_says_voided)
{
  gint64 id = sell_three_lines ();
  StkWindow *window = open_sales (1, id);
  StkSaleRow *row = row_of (window, id);
  StkSaleDetailsDialog *dialog = open_details (window, "win.void-sale");
  AdwMessageDialog *prompt;
  GtkEditable *reason;
  g_autofree char *status = NULL;
  g_autofree char *total = NULL;
  g_autofree char *expected_total = stk_format_currency (430);

  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'CC-3'"), 7);
  /* win.void-sale (Delete in the list) asks for a reason first. */
  prompt = ADW_MESSAGE_DIALOG (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  cr_assert_not_null (prompt, "Void Sale… asked nothing");
  reason = g_object_get_data (G_OBJECT (prompt), "stk-reason");
  cr_assert_not_null (reason);
  gtk_editable_set_text (reason, "Rung up twice");
  adw_message_dialog_response (prompt, "void");

  cr_assert (WAIT_UNTIL (query ("SELECT count(*) FROM sale_voids") == 3));
  cr_assert_eq (query ("SELECT count(*) FROM sale_voids WHERE reason = 'Rung up twice'"), 3);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'AA-1'"), 10);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'BB-2'"), 10);
  cr_assert_eq (query ("SELECT on_hand FROM items WHERE code = 'CC-3'"), 10);

  cr_assert (WAIT_UNTIL (stk_sale_row_get_voided (row)));
  status = cell_text (row, "status");
  total = cell_text (row, "total-cents");
  cr_assert_str_eq (status, "Voided");
  /* The figure stays (struck through by the column's style), not read as money. */
  cr_assert_str_eq (total, expected_total);

  cr_assert (WAIT_UNTIL (!stk_sale_details_dialog_get_busy (dialog) &&
                         stk_sale_details_dialog_get_sale (dialog)->voided));
  cr_assert_str_eq (stk_sale_details_dialog_get_sale (dialog)->void_reason, "Rung up twice");
  {
    GtkLabel *label = stk_test_template_child (dialog, STK_TYPE_SALE_DETAILS_DIALOG, "status_label");

    cr_assert (gtk_widget_get_visible (GTK_WIDGET (label)));
    cr_assert (strstr (gtk_label_get_text (label), "Rung up twice") != NULL);
  }
  cr_assert_not (gtk_widget_is_sensitive (stk_test_template_child (dialog, STK_TYPE_SALE_DETAILS_DIALOG,
                                                          "return_button")));
  gtk_window_destroy (GTK_WINDOW (dialog));
  cr_assert_not (action_enabled (window, "win.void-sale", FALSE));
  cr_assert_not (action_enabled (window, "win.return-sale", FALSE));
  /* Delete in the Sales list never archives an item. */
  cr_assert_not (action_enabled (window, "win.archive-item", FALSE));
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE archived"), 0);
}

Test (sales_view, save_as_pdf_writes_the_receipt_and_an_error_stays_in_the_dialog)
{
  gint64 id = sell_three_lines ();
  StkWindow *window = open_sales (1, id);
  StkSaleDetailsDialog *dialog = open_details (window, "win.sale-details");
  g_autofree char *path = g_build_filename (tmpdir, "receipt.pdf", NULL);
  g_autofree char *bad = g_build_filename (tmpdir, "no-such-folder", "receipt.pdf", NULL);
  g_autofree char *contents = NULL;
  GtkLabel *error_label = stk_test_template_child (dialog, STK_TYPE_SALE_DETAILS_DIALOG, "error_label");
  gsize length = 0;

  cr_assert (stk_sale_details_dialog_save_pdf (dialog, path));
  cr_assert (g_file_get_contents (path, &contents, &length, NULL));
  cr_assert_gt (length, 100);
  cr_assert (g_str_has_prefix (contents, "%PDF"));
  cr_assert_not (gtk_widget_get_visible (GTK_WIDGET (error_label)));

  cr_assert_not (stk_sale_details_dialog_save_pdf (dialog, bad));
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  cr_assert_gt (strlen (gtk_label_get_text (error_label)), 0);
  cr_assert_not (g_file_test (bad, G_FILE_TEST_EXISTS));
}

Test (sales_view, read_only_offers_no_return_and_no_void)
{
  gint64 id = sell_three_lines ();
  g_autoptr(StkSession) reader = NULL;
  g_autoptr(GError) error = NULL;
  StkWindow *window;
  StkSaleDetailsDialog *dialog;

  reader = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (reader, "%s", error ? error->message : "");
  window = stk_window_new (app, reader, NULL);
  gtk_window_present (GTK_WINDOW (window));
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "sales"));
  cr_assert (WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (sales_model (window))) == 1));
  stk_table_view_select_id (sales_view (window), id);
  cr_assert_not (action_enabled (window, "win.void-sale", FALSE));
  cr_assert_not (action_enabled (window, "win.return-sale", FALSE));
  cr_assert (action_enabled (window, "win.sale-details", TRUE));
  dialog = open_details (window, "win.sale-details");
  cr_assert_not (gtk_widget_is_sensitive (stk_test_template_child (dialog, STK_TYPE_SALE_DETAILS_DIALOG,
                                                          "void_button")));
  cr_assert_not (gtk_widget_is_sensitive (stk_test_template_child (dialog, STK_TYPE_SALE_DETAILS_DIALOG,
                                                          "return_button")));
  cr_assert_not (stk_sale_details_dialog_void (dialog, "", &error));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
finalized_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

Test (sales_view, closing_the_sale_while_its_void_is_saved_loses_nothing)
{
  gint64 id = sell_three_lines ();
  StkWindow *window = open_sales (1, id);
  StkSaleRow *row = row_of (window, id);
  StkSaleDetailsDialog *dialog = open_details (window, "win.sale-details");
  g_autoptr(GError) error = NULL;
  gboolean finalized = FALSE;

  g_object_weak_ref (G_OBJECT (dialog), finalized_cb, &finalized);
  cr_assert (stk_sale_details_dialog_void (dialog, "closed at once", &error), "%s",
             error ? error->message : "");
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* The answer comes to a closed dialog: it touches no widget (criticals are fatal
   * here) and lets go of it. */
  cr_assert (WAIT_UNTIL (finalized));
  cr_assert_eq (query ("SELECT count(*) FROM sale_voids WHERE reason = 'closed at once'"), 3);
  cr_assert (WAIT_UNTIL (stk_sale_row_get_voided (row)));
}

/* ---- Issue 17: a sale's lines and returns under it, expanded in place ---- */

static StkExpandModel *
sales_list (StkWindow *window)
{
  StkExpandModel *expand = stk_table_view_get_expand_model (sales_view (window));

  cr_assert_not_null (expand, "the Sales list has no expansion");
  cr_assert_eq (G_LIST_MODEL (expand), stk_table_view_get_list (sales_view (window)));
  return expand;
}

static guint
n_rows (StkWindow *window)
{
  return g_list_model_get_n_items (G_LIST_MODEL (sales_list (window)));
}

static GObject *
list_item (StkWindow *window,
           guint      position)
{
  GObject *object = g_list_model_get_item (G_LIST_MODEL (sales_list (window)), position);

  cr_assert_not_null (object, "no row %u", position);
  g_object_unref (object); /* the list holds it */
  return object;
}

static gboolean
is_line_of_kind (StkWindow        *window,
                 guint             position,
                 StkSaleChildKind  kind)
{
  GObject *object;

  if (position >= n_rows (window))
    return FALSE;
  object = list_item (window, position);
  return STK_IS_SALE_CHILD (object) && stk_sale_child_get_kind (STK_SALE_CHILD (object)) == kind;
}

/* The texts the list shows on the row at @position, "|"-separated in column order. */
static void
collect_texts (GtkWidget *widget,
               guint      position,
               gboolean   inside,
               GString   *out)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (widget), "stk-list-item");

  if (item != NULL)
    inside = gtk_list_item_get_position (item) == position;
  if (inside && GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_string_append_printf (out, "%s|", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, position, inside, out);
}

static char *
row_texts (StkWindow *window,
           guint      position)
{
  GString *out = g_string_new ("|");

  collect_texts (GTK_WIDGET (stk_table_view_get_column_view (sales_view (window))), position,
                 FALSE, out);
  return g_string_free (out, FALSE);
}

static gboolean
row_shows (StkWindow  *window,
           guint       position,
           const char *text)
{
  g_autofree char *texts = row_texts (window, position);

  return strstr (texts, text) != NULL;
}

/* The visible expander toggle of the row at @position. */
static GtkWidget *
find_toggle (GtkWidget *widget,
             guint      position)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (widget), "stk-list-item");

  if (GTK_IS_BUTTON (widget) && gtk_widget_has_css_class (widget, "sale-expander") &&
      item != NULL && gtk_list_item_get_position (item) == position &&
      gtk_widget_get_visible (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_toggle (child, position);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkSingleSelection *
sales_selection (StkWindow *window)
{
  return GTK_SINGLE_SELECTION (gtk_column_view_get_model (stk_table_view_get_column_view (sales_view (window))));
}

Test (sales_view, right_expands_the_sale_with_its_lines_and_return_and_left_collapses)
{
  gint64 id = sell_three_lines ();
  g_autoptr(StkOp) ret = stk_op_return_sale_line (id, 1, -1, "damaged", 0);
  g_autofree char *line_total = stk_format_currency (200);
  g_autofree char *bracket_total = stk_format_currency (200);
  g_autofree char *refund = NULL;
  g_autofree char *returned = NULL;
  StkWindow *window;
  GtkWidget *toggle;

  stk_test_submit (stk_session_get_writer (session), stk_op_ref (ret));
  window = open_sales (1, id);
  cr_assert_eq (n_rows (window), 1);
  cr_assert (WAIT_UNTIL (find_toggle (GTK_WIDGET (sales_view (window)), 0) != NULL),
             "the sale of three lines has no expander");
  toggle = find_toggle (GTK_WIDGET (sales_view (window)), 0);
  cr_assert_str_eq (gtk_button_get_icon_name (GTK_BUTTON (toggle)), "pan-end-symbolic");
  cr_assert_not_null (gtk_widget_get_tooltip_text (toggle));

  /* Right on the selected sale: its three lines and its return under it. */
  cr_assert (stk_table_view_focus_results (sales_view (window)));
  stk_test_keys (GTK_WINDOW (window), "Right");
  cr_assert (WAIT_UNTIL (n_rows (window) == 5 && is_line_of_kind (window, 4, STK_SALE_CHILD_RETURN)),
             "Right gave %u rows", n_rows (window));
  cr_assert (stk_expand_model_is_expanded (sales_list (window), id));
  cr_assert (is_line_of_kind (window, 1, STK_SALE_CHILD_LINE));
  cr_assert (is_line_of_kind (window, 3, STK_SALE_CHILD_LINE));
  cr_assert_str_eq (gtk_button_get_icon_name (GTK_BUTTON (toggle)), "pan-down-symbolic");

  /* Each line shows its figures: code, description, quantity, unit price, discount,
   * total, in the list's currency; the return its quantity, item, refund and reason. */
  cr_assert (WAIT_UNTIL (row_shows (window, 1, "|AA-1|") && row_shows (window, 1, "|2|") &&
                         row_shows (window, 1, line_total)));
  {
    g_autofree char *price = stk_format_currency (250);
    g_autofree char *discount = stk_format_currency (50);
    g_autofree char *text = g_strdup_printf ("Bracket · %s each, %s off", price, discount);

    cr_assert (WAIT_UNTIL (row_shows (window, 2, text) && row_shows (window, 2, "|BB-2|") &&
                           row_shows (window, 2, bracket_total)),
               "the Bracket line shows %s", row_texts (window, 2));
  }
  refund = stk_format_currency (100);
  returned = g_strconcat ("Returned 1 × Anchor bolt — −", refund, NULL);
  cr_assert (WAIT_UNTIL (row_shows (window, 4, returned) && row_shows (window, 4, "|damaged|")),
             "the return shows %s", row_texts (window, 4));

  /* A line's row acts on its sale: the actions stay, the details are the sale's. */
  gtk_single_selection_set_selected (sales_selection (window), 2);
  {
    g_autoptr(GObject) selected = stk_table_view_dup_selected (sales_view (window));

    cr_assert (STK_IS_SALE_ROW (selected));
    cr_assert_eq (stk_sale_row_get_id (STK_SALE_ROW (selected)), id);
  }
  cr_assert (action_enabled (window, "win.return-sale", TRUE));
  cr_assert (action_enabled (window, "win.print-receipt", TRUE));

  /* Left on a line goes to its sale; Left again collapses it. */
  cr_assert (stk_table_view_focus_results (sales_view (window)));
  stk_test_keys (GTK_WINDOW (window), "Left");
  cr_assert (WAIT_UNTIL (gtk_single_selection_get_selected (sales_selection (window)) == 0));
  cr_assert_eq (n_rows (window), 5);
  /* The keyboard focus went there too: Down goes to the first line, not past the one
   * left. */
  stk_test_keys (GTK_WINDOW (window), "Down");
  cr_assert (WAIT_UNTIL (gtk_single_selection_get_selected (sales_selection (window)) == 1),
             "Down went to %u", gtk_single_selection_get_selected (sales_selection (window)));
  stk_test_keys (GTK_WINDOW (window), "Up");
  cr_assert (WAIT_UNTIL (gtk_single_selection_get_selected (sales_selection (window)) == 0));
  stk_test_keys (GTK_WINDOW (window), "Left");
  cr_assert (WAIT_UNTIL (n_rows (window) == 1), "Left left %u rows", n_rows (window));
  cr_assert_str_eq (gtk_button_get_icon_name (GTK_BUTTON (toggle)), "pan-end-symbolic");

  /* plus and minus do the same; a click on the toggle too. */
  stk_test_keys (GTK_WINDOW (window), "plus");
  cr_assert (WAIT_UNTIL (n_rows (window) == 5 && is_line_of_kind (window, 1, STK_SALE_CHILD_LINE)));
  stk_test_keys (GTK_WINDOW (window), "minus");
  cr_assert (WAIT_UNTIL (n_rows (window) == 1));
  g_signal_emit_by_name (toggle, "clicked");
  cr_assert (WAIT_UNTIL (n_rows (window) == 5));
  /* Collapsed by its toggle while a line is selected: the sale is selected. */
  gtk_single_selection_set_selected (sales_selection (window), 3);
  g_signal_emit_by_name (toggle, "clicked");
  cr_assert (WAIT_UNTIL (n_rows (window) == 1));
  cr_assert_eq (gtk_single_selection_get_selected (sales_selection (window)), 0);
}

Test (sales_view, an_expanded_sale_follows_its_return_and_void_and_enter_on_a_line_opens_it)
{
  gint64 id = sell_three_lines ();
  g_autoptr(StkOp) ret = stk_op_return_sale_line (id + 1, 1, -1, "wrong size", 0);
  StkWindow *window = open_sales (1, id);
  StkSaleRow *row = row_of (window, id);
  StkSaleDetailsDialog *dialog;

  cr_assert (WAIT_UNTIL (find_toggle (GTK_WIDGET (sales_view (window)), 0) != NULL));
  cr_assert (stk_expand_model_expand (sales_list (window), 0));
  cr_assert (WAIT_UNTIL (n_rows (window) == 4 && is_line_of_kind (window, 3, STK_SALE_CHILD_LINE)));

  /* A return made elsewhere: the expanded sale reads its lines again. */
  stk_test_submit (stk_session_get_writer (session), stk_op_ref (ret));
  cr_assert (WAIT_UNTIL (n_rows (window) == 5 && is_line_of_kind (window, 4, STK_SALE_CHILD_RETURN)),
             "the return did not show under its sale (%u rows)", n_rows (window));
  cr_assert (WAIT_UNTIL (row_shows (window, 4, "|wrong size|")));
  cr_assert_eq (stk_sale_row_get_status (row), STK_SALE_STATUS_PARTLY_RETURNED);

  /* A newer sale comes in above it: the expanded sale keeps its lines, a row lower. */
  {
    StkSaleLineSpec one[] = { { "CC-3", 1, -1, 0 } };

    stk_test_submit (stk_session_get_writer (session),
                     stk_op_sell (one, G_N_ELEMENTS (one), "cash", "", 0));
  }
  cr_assert (WAIT_UNTIL (!stk_table_model_get_loading (sales_model (window)) &&
                         g_list_model_get_n_items (G_LIST_MODEL (sales_model (window))) == 2 &&
                         n_rows (window) == 6));
  cr_assert (stk_expand_model_is_expanded (sales_list (window), id));
  cr_assert_eq (stk_sale_row_get_id (STK_SALE_ROW (list_item (window, 1))), id);
  cr_assert (is_line_of_kind (window, 5, STK_SALE_CHILD_RETURN));

  /* Enter (activation) on a line's row opens its sale. */
  gtk_single_selection_set_selected (sales_selection (window), 3);
  g_signal_emit_by_name (stk_table_view_get_column_view (sales_view (window)), "activate", 3);
  dialog = STK_SALE_DETAILS_DIALOG (stk_test_find_toplevel (STK_TYPE_SALE_DETAILS_DIALOG));
  cr_assert_not_null (dialog, "activating a line opened nothing");
  cr_assert (WAIT_UNTIL (stk_sale_details_dialog_get_sale (dialog) != NULL));
  cr_assert_eq (stk_sale_details_dialog_get_sale (dialog)->sale_id, id);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

Test (sales_view, a_voided_sale_s_lines_show_struck_and_a_one_line_sale_has_no_expander)
{
  gint64 id = sell_three_lines ();
  StkSaleLineSpec one[] = { { "CC-3", 1, -1, 0 } };
  g_autoptr(StkOp) single = stk_op_sell (one, G_N_ELEMENTS (one), "cash", "", 0);
  StkWindow *window;

  stk_test_submit (stk_session_get_writer (session), stk_op_void_sale_with_reason (id, "test"));
  stk_test_submit (stk_session_get_writer (session), stk_op_ref (single));
  window = open_sales (2, id);
  /* Newest first: the single line at 0 has nothing to expand. */
  cr_assert (WAIT_UNTIL (find_toggle (GTK_WIDGET (sales_view (window)), 1) != NULL));
  cr_assert_null (find_toggle (GTK_WIDGET (sales_view (window)), 0));
  cr_assert_not (stk_expand_model_expand (sales_list (window), 0));

  cr_assert (stk_expand_model_expand (sales_list (window), 1));
  cr_assert (WAIT_UNTIL (n_rows (window) == 5 && is_line_of_kind (window, 4, STK_SALE_CHILD_LINE)));
  cr_assert (stk_sale_child_get_voided (STK_SALE_CHILD (list_item (window, 2))));
  {
    g_autofree char *total = stk_format_currency (200);

    cr_assert (WAIT_UNTIL (row_shows (window, 3, "|AA-1|") || row_shows (window, 2, total)));
  }
}
