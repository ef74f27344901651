/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tax by Rate in the Reports view (ui/stk-reports-view.c): for the view's period, a row
 * per rate (its name and rate, the taxable amount, the tax, the total), the lines sold
 * without tax in a row of their own, a total; voided sales left out; hidden when nothing
 * taxed was sold in the period, shown after the window's refresh when a taxed sale is
 * made. The real window on a temporary inventory under Xvfb; waits on events, never on
 * time. The expected texts are written out (C.UTF-8), the tax checked against
 * stk_tax_line() first. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-ops.h"
#include "stk-reports-view.h"
#include "stk-session.h"
#include "stk-tax.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 60000
#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

static GtkApplication *app;
static StkSession *session;
static gint64 vat22, vat10;

static gint64
submit (StkOp *op)
{
  g_autoptr(StkOp) owned = op;

  stk_test_submit (stk_session_get_writer (session), stk_op_ref (owned));
  cr_assert_gt (stk_op_get_row_id (owned), 0, "%s", stk_op_get_description (owned));
  return stk_op_get_row_id (owned);
}

/* AA 12.20 at its own "VAT 22" (22 %), BB 11.00 at the shop's default (10 %)
 * once set, CC 5.00 (no tax until then). */
static void
setup (void)
{
  gint64 aa;

  stk_test_ui_setup (&app, &session);
  aa = submit (stk_op_create_item ("AA", "Anchor", 1220, 0));
  submit (stk_op_create_item ("BB", "Bracket", 1100, 0));
  submit (stk_op_create_item ("CC", "Cable", 500, 0));
  submit (stk_op_record_movement ("AA", STK_MOVEMENT_RECEIVE, 50, "", 0));
  submit (stk_op_record_movement ("BB", STK_MOVEMENT_RECEIVE, 50, "", 0));
  submit (stk_op_record_movement ("CC", STK_MOVEMENT_RECEIVE, 50, "", 0));
  vat22 = submit (stk_op_save_tax_rate (0, "VAT 22", 2200));
  vat10 = submit (stk_op_save_tax_rate (0, "Food & <b>drink</b>", 1000));
  submit (stk_op_set_item_tax_rate (aa, vat22));
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (tax_by_rate, .init = setup, .fini = teardown, .timeout = 180);

/* ---- helpers ---- */

static gint64
sell (const char *code,
      gint64      quantity)
{
  StkSaleLineSpec lines[] = { { code, quantity, -1, 0 } };

  return submit (stk_op_sell (lines, G_N_ELEMENTS (lines), "cash", "", 0));
}

static StkWindow *
open_window (void)
{
  StkWindow *window = stk_window_new (app, session, NULL);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gpointer
view_child (StkReportsView *view,
            const char     *name)
{
  return stk_test_template_child (view, STK_TYPE_REPORTS_VIEW, name);
}

static gboolean
loading (StkReportsView *view)
{
  gboolean busy = TRUE;

  g_object_get (view, "loading", &busy, NULL);
  return busy;
}

/* Shows the Reports view and waits for everything in it to be read. */
static StkReportsView *
show_reports (StkWindow *window)
{
  GtkBox *box = stk_test_template_child (window, STK_TYPE_WINDOW, "reports_box");
  GtkWidget *view = gtk_widget_get_first_child (GTK_WIDGET (box));

  cr_assert (STK_IS_REPORTS_VIEW (view));
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "reports"));
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (view) && !loading (STK_REPORTS_VIEW (view)) &&
                         gtk_widget_get_visible (view_child (STK_REPORTS_VIEW (view), "closes_box"))));
  return STK_REPORTS_VIEW (view);
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

static const char *
label_in (GtkWidget  *row,
          const char *name)
{
  GtkWidget *label = find_named (row, name);

  cr_assert (GTK_IS_LABEL (label), "no label %s in the row", name);
  cr_assert (gtk_widget_has_css_class (label, "numeric"));
  return gtk_label_get_text (GTK_LABEL (label));
}

/* The rows of Tax by Rate as "title|subtitle|taxable|tax|total", one a line. */
static char *
tax_rows (StkReportsView *view)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (GtkWidget *c = gtk_widget_get_first_child (view_child (view, "tax_list")); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      const char *subtitle;

      cr_assert (ADW_IS_ACTION_ROW (c));
      subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (c));
      g_string_append_printf (text, "%s|%s|%s|%s|%s\n",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)),
                              subtitle != NULL ? subtitle : "",
                              label_in (c, "tax-taxable"), label_in (c, "tax-tax"),
                              label_in (c, "tax-amount"));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ---- tests ---- */

Test (tax_by_rate, a_row_per_rate_with_taxable_tax_and_total)
{
  StkWindow *window;
  StkReportsView *view;
  g_autofree char *rows = NULL;

  /* The tax in each line, as the sale computes it: 24.40 at 22 % included is 4.40;
   * 11.00 at 10 %, 1.00. */
  cr_assert_eq (stk_tax_line (2 * 1220, 2200, TRUE), 440);
  cr_assert_eq (stk_tax_line (1100, 1000, TRUE), 100);

  sell ("CC", 1);
  stk_test_submit (stk_session_get_writer (session), stk_op_set_default_tax_rate (vat10));
  sell ("AA", 2);
  sell ("BB", 1);
  /* Voided: off the figures. */
  submit (stk_op_void_sale (sell ("AA", 1)));

  window = open_window ();
  view = show_reports (window);
  cr_assert (gtk_widget_get_visible (view_child (view, "tax_box")));
  cr_assert_not (gtk_widget_get_visible (view_child (view, "tax_error_label")));
  cr_assert_str_eq (gtk_label_get_text (GTK_LABEL (view_child (view, "tax_caption"))),
                    "Last 90 days: sales with their voids by the day they were sold, returns by "
                    "the day they were made.");
  rows = tax_rows (view);
  cr_assert_str_eq (rows,
                    "VAT 22|22 %|20.00|4.40|24.40\n"
                    "Food & <b>drink</b>|10 %|10.00|1.00|11.00\n"
                    "No tax||5.00|0.00|5.00\n"
                    "Total||35.00|5.40|40.40\n");

  /* Another period: read again, the same sales (all of today). */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (view_child (view, "range30_button")), TRUE);
  cr_assert (WAIT_UNTIL (!loading (view)));
  cr_assert_str_eq (gtk_label_get_text (GTK_LABEL (view_child (view, "tax_caption"))),
                    "Last 30 days: sales with their voids by the day they were sold, returns by "
                    "the day they were made.");
  g_clear_pointer (&rows, g_free);
  rows = tax_rows (view);
  cr_assert (g_str_has_prefix (rows, "VAT 22|22 %|20.00|4.40|24.40\n"), "%s", rows);
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (tax_by_rate, hidden_until_something_taxed_is_sold)
{
  StkWindow *window;
  StkReportsView *view;
  g_autofree char *rows = NULL;

  /* No rate set on CC, no default: nothing taxed. */
  sell ("CC", 2);
  window = open_window ();
  view = show_reports (window);
  cr_assert_not (gtk_widget_get_visible (view_child (view, "tax_box")));

  /* A taxed sale while shown: the window's refresh shows the section. */
  sell ("AA", 1);
  cr_assert (WAIT_UNTIL (gtk_widget_get_visible (view_child (view, "tax_box")) && !loading (view)));
  rows = tax_rows (view);
  cr_assert_str_eq (rows,
                    "VAT 22|22 %|10.00|2.20|12.20\n"
                    "No tax||10.00|0.00|10.00\n"
                    "Total||20.00|2.20|22.20\n");
  gtk_window_destroy (GTK_WINDOW (window));
}
