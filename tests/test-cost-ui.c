/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cost and margin in the windows (format 10). Receive Stock's Unit cost: two receipts
 * through the dialog at two costs move the item's average as the test computes it, the
 * average shows as a hint; a negative cost or one that is not an amount is said under
 * the field and nothing is sent. The item dialog's Default cost: saved after the item
 * (edited and new), the average shown; a receipt without a cost then takes it. The
 * Reports view: the stock's value at cost beside the one at selling price, and the
 * period's revenue net of tax, cost of goods sold, margin and margin %, against figures
 * the test computes from what it sold; the lines of unknown cost are counted. Under
 * Xvfb, fatal warnings; waits on events. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>

#include "stk-cost.h"
#include "stk-format.h"
#include "stk-item-dialog.h"
#include "stk-movement-dialog.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-reports-view.h"
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

TestSuite (cost_ui, .init = setup, .fini = teardown, .timeout = 120);

static StkWriter *
writer (void)
{
  return stk_session_get_writer (session);
}

static StkStore *
store (void)
{
  return stk_session_get_store (session);
}

typedef struct
{
  gboolean saved;
  gboolean closed;
} Outcome;

static void
saved_cb (GtkWindow  *dialog,
          const char *text,
          StkOp      *undo,
          gint64      item_id,
          Outcome    *outcome)
{
  outcome->saved = TRUE;
}

static void
destroy_cb (GtkWindow *dialog,
            Outcome   *outcome)
{
  outcome->closed = TRUE;
}

/* The item @code as the inventory has it now. */
static void
read_item (const char  *code,
           StkItemInfo *info)
{
  g_autoptr(GError) error = NULL;

  stk_test_writer_barrier (writer ());
  cr_assert (stk_store_item_by_code (store (), code, info, &error), "%s",
             error ? error->message : "");
}

/* The weighted average, computed here: (n × a + q × c) ÷ (n + q), half up. */
static gint64
expected_average (gint64 n,
                  gint64 a,
                  gint64 q,
                  gint64 c)
{
  if (n <= 0 || a <= 0)
    return c;
  return (2 * (n * a + q * c) + (n + q)) / (2 * (n + q));
}

static gpointer
movement_child (gpointer    dialog,
                const char *name)
{
  return stk_test_template_child (dialog, STK_TYPE_MOVEMENT_DIALOG, name);
}

static gpointer
item_child (gpointer    dialog,
            const char *name)
{
  return stk_test_template_child (dialog, STK_TYPE_ITEM_DIALOG, name);
}

/* Receive Stock for @code, its lookup done. */
static StkMovementDialog *
open_receive (const char *code,
              Outcome    *outcome)
{
  StkMovementDialog *dialog = stk_movement_dialog_new (NULL, writer (), store (),
                                                       STK_MOVEMENT_RECEIVE, code);

  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), outcome);
  g_signal_connect (dialog, "destroy", G_CALLBACK (destroy_cb), outcome);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (!stk_movement_dialog_get_busy (dialog)), "the lookup did not end");
  cr_assert (gtk_widget_get_visible (movement_child (dialog, "cost_entry")));
  return dialog;
}

static void
receive (const char *code,
         gint64      quantity,
         const char *cost_text)
{
  Outcome outcome = { 0 };
  StkMovementDialog *dialog = open_receive (code, &outcome);

  gtk_spin_button_set_value (movement_child (dialog, "quantity_spin"), (double) quantity);
  gtk_editable_set_text (movement_child (dialog, "cost_entry"), cost_text);
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  cr_assert (WAIT_UNTIL (outcome.closed), "the receipt at %s was not saved", cost_text);
  cr_assert (outcome.saved);
}

Test (cost_ui, two_receipts_at_two_costs_give_their_average)
{
  g_autofree char *cost1 = stk_format_money (200);
  g_autofree char *cost2 = stk_format_money (300);
  g_autofree char *hint = NULL;
  g_autofree char *shown = NULL;
  g_auto(StkItemInfo) info = { 0 };
  Outcome outcome = { 0 };
  StkMovementDialog *dialog;
  gint64 average;

  stk_test_submit (writer (), stk_op_create_item ("BOLT", "Bolt", 500, 0));

  receive ("BOLT", 10, cost1);
  read_item ("BOLT", &info);
  cr_assert_eq (info.on_hand, 10);
  cr_assert_eq (info.average_cost_cents, expected_average (0, 0, 10, 200));
  cr_assert_eq (stk_test_query (db_path, "SELECT unit_cost_cents FROM movements "
                                         "WHERE kind = 'receive'"), 200);
  stk_item_info_clear (&info);

  /* The second: the hint says the average now, then the new one is computed. */
  dialog = open_receive ("BOLT", &outcome);
  shown = stk_format_money (200);
  hint = g_strdup_printf ("Average cost now: %s", shown);
  cr_assert (gtk_widget_get_visible (movement_child (dialog, "cost_hint")));
  cr_assert_str_eq (gtk_label_get_text (movement_child (dialog, "cost_hint")), hint);
  gtk_window_destroy (GTK_WINDOW (dialog));
  receive ("BOLT", 10, cost2);

  average = expected_average (10, 200, 10, 300);
  cr_assert_eq (average, 250);
  read_item ("BOLT", &info);
  cr_assert_eq (info.on_hand, 20);
  cr_assert_eq (info.average_cost_cents, average);
}

Test (cost_ui, a_negative_cost_is_refused_and_nothing_sent)
{
  const char *bad[] = { "-1.00", "abc" };
  gint64 before;

  stk_test_submit (writer (), stk_op_create_item ("BOLT", "Bolt", 500, 0));
  before = stk_test_query (db_path, "SELECT count(*) FROM movements");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      Outcome outcome = { 0 };
      StkMovementDialog *dialog = open_receive ("BOLT", &outcome);
      GtkWidget *cost_error = movement_child (dialog, "cost_error");

      gtk_spin_button_set_value (movement_child (dialog, "quantity_spin"), 5);
      gtk_editable_set_text (movement_child (dialog, "cost_entry"), bad[i]);
      cr_assert_not (gtk_widget_get_visible (cost_error));
      gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
      cr_assert (gtk_widget_get_visible (cost_error), "no error for “%s”", bad[i]);
      cr_assert_str_neq (gtk_label_get_text (GTK_LABEL (cost_error)), "");
      if (bad[i][0] == '-')
        cr_assert_str_eq (gtk_label_get_text (GTK_LABEL (cost_error)), "A cost cannot be negative.");
      cr_assert_not (stk_movement_dialog_get_pending (dialog));
      stk_test_drain ();
      stk_test_writer_barrier (writer ());
      cr_assert_not (outcome.saved);
      cr_assert_not (outcome.closed);
      cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements"), before,
                    "“%s” sent a movement", bad[i]);
      /* Typing clears it. */
      gtk_editable_set_text (movement_child (dialog, "cost_entry"), "1");
      cr_assert_not (gtk_widget_get_visible (cost_error));
      gtk_window_destroy (GTK_WINDOW (dialog));
    }

  /* Empty: the item's default (none here), a receipt of unknown cost. */
  receive ("BOLT", 5, "");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements "
                                         "WHERE kind = 'receive' AND unit_cost_cents IS NULL"), 1);
}

/* The item dialog editing @code, its costs read. */
static StkItemDialog *
open_edit (const char *code,
           Outcome    *outcome)
{
  g_auto(StkItemInfo) info = { 0 };
  StkItemDialog *dialog;

  read_item (code, &info);
  dialog = stk_item_dialog_new (NULL, writer (), &info);
  stk_item_dialog_set_store (dialog, store ());
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), outcome);
  g_signal_connect (dialog, "destroy", G_CALLBACK (destroy_cb), outcome);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (gtk_widget_get_sensitive (item_child (dialog, "cost_entry")) &&
                         gtk_widget_get_sensitive (item_child (dialog, "tax_dropdown"))));
  return dialog;
}

Test (cost_ui, the_item_dialog_saves_the_default_cost)
{
  g_autofree char *cost = stk_format_money (150);
  g_autofree char *average = NULL;
  g_autofree char *average_text = NULL;
  g_auto(StkItemInfo) info = { 0 };
  Outcome edited = { 0 }, created = { 0 }, again = { 0 };
  StkItemDialog *dialog;

  stk_test_submit (writer (), stk_op_create_item ("NUT", "Nut", 100, 0));

  /* Editing: none yet, no average. */
  dialog = open_edit ("NUT", &edited);
  cr_assert_str_eq (gtk_editable_get_text (item_child (dialog, "cost_entry")), "");
  cr_assert (gtk_widget_get_visible (item_child (dialog, "average_label")));
  cr_assert_str_eq (gtk_label_get_text (item_child (dialog, "average_label")),
                    "Average cost: unknown (no receipt with a cost yet)");
  gtk_editable_set_text (item_child (dialog, "cost_entry"), cost);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (edited.closed));
  cr_assert (edited.saved);
  read_item ("NUT", &info);
  cr_assert_eq (info.default_cost_cents, 150);
  stk_item_info_clear (&info);

  /* A receipt without a cost takes it: the average is the default. */
  stk_test_submit (writer (), stk_op_record_movement ("NUT", STK_MOVEMENT_RECEIVE, 10, "in", 0));
  dialog = open_edit ("NUT", &again);
  cr_assert_str_eq (gtk_editable_get_text (item_child (dialog, "cost_entry")), cost);
  average = stk_format_money (150);
  average_text = g_strdup_printf ("Average cost: %s", average);
  cr_assert_str_eq (gtk_label_get_text (item_child (dialog, "average_label")), average_text);
  /* A refused cost is said under the field and nothing is sent. */
  gtk_editable_set_text (item_child (dialog, "cost_entry"), "-2");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (gtk_widget_get_visible (item_child (dialog, "cost_error")));
  cr_assert_str_eq (gtk_label_get_text (item_child (dialog, "cost_error")),
                    "A cost cannot be negative.");
  cr_assert_not (stk_item_dialog_get_pending (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  read_item ("NUT", &info);
  cr_assert_eq (info.default_cost_cents, 150);
  cr_assert_eq (info.average_cost_cents, 150);
  stk_item_info_clear (&info);

  /* A new item with a default cost: set after the create op, on the item it made. */
  dialog = stk_item_dialog_new (NULL, writer (), NULL);
  stk_item_dialog_set_store (dialog, store ());
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &created);
  g_signal_connect (dialog, "destroy", G_CALLBACK (destroy_cb), &created);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (gtk_widget_get_sensitive (item_child (dialog, "tax_dropdown"))));
  cr_assert_not (gtk_widget_get_visible (item_child (dialog, "average_label")));
  gtk_editable_set_text (item_child (dialog, "code_entry"), "WASHER");
  gtk_editable_set_text (item_child (dialog, "cost_entry"), "0.40");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (created.closed));
  cr_assert (created.saved);
  read_item ("WASHER", &info);
  cr_assert_eq (info.default_cost_cents, 40);
}

/* ---- a new item's opening stock (issue 16) ---- */

typedef struct
{
  gboolean saved;
  gboolean closed;
  char    *text;
  char    *undo_kind;
} Created;

static void
created_saved_cb (GtkWindow  *dialog,
                  const char *text,
                  StkOp      *undo,
                  gint64      item_id,
                  Created    *created)
{
  created->saved = TRUE;
  g_free (created->text);
  created->text = g_strdup (text);
  g_free (created->undo_kind);
  created->undo_kind = undo != NULL ? g_strdup (stk_op_get_kind (undo)) : NULL;
}

static void
created_destroy_cb (GtkWindow *dialog,
                    Created   *created)
{
  created->closed = TRUE;
}

static StkItemDialog *
open_new_item (Created *created)
{
  StkItemDialog *dialog = stk_item_dialog_new (NULL, writer (), NULL);

  stk_item_dialog_set_store (dialog, store ());
  g_signal_connect (dialog, "saved", G_CALLBACK (created_saved_cb), created);
  g_signal_connect (dialog, "destroy", G_CALLBACK (created_destroy_cb), created);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (gtk_widget_get_sensitive (item_child (dialog, "tax_dropdown"))));
  return dialog;
}

static gint64
movements_of (const char *code)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM movements WHERE item_id = "
                                          "(SELECT id FROM items WHERE code = '%s')", code);

  return stk_test_query (db_path, sql);
}

Test (cost_ui, a_new_item_takes_its_opening_stock_at_its_cost)
{
  g_auto(StkItemInfo) info = { 0 };
  Created bolt = { 0 }, plain = { 0 }, refused = { 0 };
  Outcome edited = { 0 };
  StkItemDialog *dialog;
  g_autofree char *dump = NULL;

  /* Code, price, cost and 24 in stock: the item, then one receipt at its cost. */
  dialog = open_new_item (&bolt);
  cr_assert (gtk_widget_get_visible (item_child (dialog, "opening_entry")));
  gtk_editable_set_text (item_child (dialog, "code_entry"), "BOLT");
  gtk_editable_set_text (item_child (dialog, "price_entry"), "1.00");
  gtk_editable_set_text (item_child (dialog, "cost_entry"), "0.40");
  gtk_editable_set_text (item_child (dialog, "opening_entry"), "24");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (bolt.closed));
  cr_assert (bolt.saved);
  cr_assert_str_eq (bolt.text, "Saved: new item “BOLT”, 24 in stock");
  read_item ("BOLT", &info);
  cr_assert_eq (info.on_hand, 24);
  cr_assert_eq (info.default_cost_cents, 40);
  cr_assert_eq (info.average_cost_cents, 40);
  stk_item_info_clear (&info);
  dump = stk_test_query_dump (db_path, "SELECT kind, quantity, reason, unit_cost_cents "
                                       "FROM movements ORDER BY id");
  cr_assert_str_eq (dump, "3:receive|1:24|3:Opening stock|1:40|\n");
  /* Its receipt stays in the history: undoing the creation archives the item. */
  cr_assert_str_eq (bolt.undo_kind, "archive-item");

  /* Editing an item: no opening stock (Receive Stock is for that). */
  dialog = open_edit ("BOLT", &edited);
  cr_assert_not (gtk_widget_get_visible (item_child (dialog, "opening_entry")));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Empty is none: no receipt, and undoing removes the item. */
  dialog = open_new_item (&plain);
  gtk_editable_set_text (item_child (dialog, "code_entry"), "NUT");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (plain.closed));
  cr_assert_str_eq (plain.text, "Saved: new item “NUT”");
  cr_assert_str_eq (plain.undo_kind, "delete-item");
  cr_assert_eq (movements_of ("NUT"), 0);

  /* Negative or not a number: said under the field, nothing sent. */
  dialog = open_new_item (&refused);
  gtk_editable_set_text (item_child (dialog, "code_entry"), "PIN");
  gtk_editable_set_text (item_child (dialog, "opening_entry"), "-3");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (gtk_widget_get_visible (item_child (dialog, "opening_error")));
  cr_assert_str_eq (gtk_label_get_text (item_child (dialog, "opening_error")),
                    "The opening stock cannot be negative.");
  cr_assert_not (stk_item_dialog_get_pending (dialog));
  gtk_editable_set_text (item_child (dialog, "opening_entry"), "2.5");
  cr_assert_not (gtk_widget_get_visible (item_child (dialog, "opening_error")),
                 "the error outlived an edit");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (gtk_widget_get_visible (item_child (dialog, "opening_error")));
  stk_test_writer_barrier (writer ());
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'PIN'"), 0);

  /* Corrected: the item and its stock, once. */
  gtk_editable_set_text (item_child (dialog, "opening_entry"), "5");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (refused.closed));
  cr_assert_str_eq (refused.text, "Saved: new item “PIN”, 5 in stock");
  cr_assert_eq (movements_of ("PIN"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'PIN'"), 5);

  g_free (bolt.text);
  g_free (bolt.undo_kind);
  g_free (plain.text);
  g_free (plain.undo_kind);
  g_free (refused.text);
  g_free (refused.undo_kind);
}

/* ---- the Reports view ---- */

static const char *
label_text (StkReportsView *view,
            const char     *name)
{
  return gtk_label_get_text (stk_test_template_child (view, STK_TYPE_REPORTS_VIEW, name));
}

Test (cost_ui, the_reports_view_shows_value_at_cost_and_margin)
{
  GtkWindow *window;
  StkReportsView *view;
  Outcome outcome = { 0 };
  StkItemDialog *dialog;
  gint64 bolt_average, value_at_cost, revenue, costed_revenue, cost, margin, margin_bp;
  g_autofree char *want_value = NULL;
  g_autofree char *want_revenue = NULL;
  g_autofree char *want_cost = NULL;
  g_autofree char *want_margin = NULL;
  g_autofree char *want_percent = NULL;

  stk_test_submit (writer (), stk_op_create_item ("BOLT", "Bolt", 500, 0));
  stk_test_submit (writer (), stk_op_create_item ("NUT", "Nut", 100, 0));
  stk_test_submit (writer (), stk_op_create_item ("WIDGET", "Widget", 300, 0));

  /* BOLT: 10 at 2.00 and 10 at 3.00, through the dialog. */
  receive ("BOLT", 10, "2.00");
  receive ("BOLT", 10, "3.00");
  bolt_average = expected_average (10, 200, 10, 300);
  /* NUT: a default cost of 1.50 set in the item dialog, then a receipt without one. */
  dialog = open_edit ("NUT", &outcome);
  gtk_editable_set_text (item_child (dialog, "cost_entry"), "1.50");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (outcome.closed));
  receive ("NUT", 10, "");
  /* WIDGET: no cost at all. */
  receive ("WIDGET", 5, "");

  /* Sales now, at the items' prices (no tax in this inventory). */
  stk_test_submit (writer (), stk_op_record_sale ("BOLT", 4, -1, 0));
  stk_test_submit (writer (), stk_op_record_sale ("NUT", 2, -1, 0));
  stk_test_submit (writer (), stk_op_record_sale ("WIDGET", 1, -1, 0));
  stk_test_writer_barrier (writer ());

  /* What the view must show, computed here. */
  value_at_cost = 16 * bolt_average + 8 * 150 + 4 * 0;
  revenue = 4 * 500 + 2 * 100 + 1 * 300;
  costed_revenue = 4 * 500 + 2 * 100;
  cost = 4 * bolt_average + 2 * 150;
  margin = costed_revenue - cost;
  margin_bp = (margin * 10000 * 2 + costed_revenue) / (2 * costed_revenue);
  cr_assert_eq (value_at_cost, 5200);
  cr_assert_eq (margin, 900);
  cr_assert_eq (margin_bp, 4091);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 800, 600);
  view = STK_REPORTS_VIEW (stk_reports_view_new ());
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);
  stk_reports_view_set_store (view, store ());
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (view))));
  cr_assert (WAIT_UNTIL (!stk_reports_view_get_loading (view) &&
                         gtk_widget_get_visible (stk_test_template_child (view, STK_TYPE_REPORTS_VIEW,
                                                                          "margin_box"))));

  want_value = stk_format_currency (value_at_cost);
  want_revenue = stk_format_currency (revenue);
  want_cost = stk_format_currency (cost);
  want_margin = stk_format_currency (margin);
  want_percent = stk_cost_margin_format (margin_bp);
  cr_assert_str_eq (label_text (view, "stock_cost_label"), want_value);
  cr_assert_str_eq (label_text (view, "stock_cost_note"),
                    "1 item in stock of unknown cost, not counted");
  cr_assert_str_eq (label_text (view, "margin_revenue_label"), want_revenue);
  cr_assert_str_eq (label_text (view, "margin_cost_label"), want_cost);
  cr_assert_str_eq (label_text (view, "margin_amount_label"), want_margin);
  cr_assert_str_eq (label_text (view, "margin_percent_label"), want_percent);
  cr_assert_str_eq (label_text (view, "margin_unknown_label"),
                    "1 line of unknown cost left out of the margin (its revenue is counted above).");

  /* A new receipt at cost: a reload shows the new value. */
  stk_test_submit (writer (), stk_op_receive ("WIDGET", 1, 1000, "in", 0));
  stk_reports_view_reload (view);
  cr_assert (WAIT_UNTIL (!stk_reports_view_get_loading (view)));
  g_clear_pointer (&want_value, g_free);
  /* WIDGET's average: 4 on hand at an unknown average, so the new cost. */
  want_value = stk_format_currency (value_at_cost + 5 * expected_average (4, 0, 1, 1000));
  cr_assert_str_eq (label_text (view, "stock_cost_label"), want_value);
  cr_assert_not (gtk_widget_get_visible (stk_test_template_child (view, STK_TYPE_REPORTS_VIEW,
                                                                  "stock_cost_note")));
  gtk_window_destroy (window);
}
