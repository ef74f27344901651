/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The closes of the day made before, in the Reports view (ui/stk-reports-view.c,
 * "Closes of the Day"): listed newest first with their net and cash difference (short in
 * the error colour, none in the success one); activating one opens the Close the Day
 * dialog on that close, its figures as recorded (not the open day's), with Print… and
 * Save as PDF… and nothing to type; none made: the empty text; a close recorded while
 * the view is shown appears after the window's refresh; read-only lists and opens them
 * too. The real window on a temporary inventory under Xvfb; waits on events, never on
 * time. The expected texts are written out (C.UTF-8), not made with stk_format_*(). */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-close-day-dialog.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-reports-view.h"
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
  stk_test_submit (writer, stk_op_record_movement ("AA-1", STK_MOVEMENT_RECEIVE, 50, "", 0));
  stk_test_submit (writer, stk_op_record_movement ("BB-2", STK_MOVEMENT_RECEIVE, 50, "", 0));
  stk_test_submit (writer, stk_op_record_movement ("CC-3", STK_MOVEMENT_RECEIVE, 50, "", 0));
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (past_closes, .init = setup, .fini = teardown, .timeout = 180);

/* ---- helpers ---- */

static void
sell (const char *code,
      gint64      quantity,
      const char *payment)
{
  StkSaleLineSpec lines[] = { { code, quantity, -1, 0 } };
  g_autoptr(StkOp) op = stk_op_sell (lines, G_N_ELEMENTS (lines), payment, "", 0);

  stk_test_submit (stk_session_get_writer (session), stk_op_ref (op));
  cr_assert_gt (stk_op_get_row_id (op), 0);
}

static gint64
close_day (gint64      counted_cents,
           const char *note)
{
  g_autoptr(StkOp) op = stk_op_close_day (counted_cents, note);

  stk_test_submit (stk_session_get_writer (session), stk_op_ref (op));
  cr_assert_gt (stk_op_get_row_id (op), 0);
  return stk_op_get_row_id (op);
}

/* Close 1: cash AA-1 ×2 (2.00), 1.50 counted: 0.50 short. Close 2: cash BB-2 ×1
 * (2.50) and card CC-3 ×3 (0.30), net 2.80, 3.00 counted: 0.50 over. */
static void
close_two_days (void)
{
  sell ("AA-1", 2, "cash");
  cr_assert_eq (close_day (150, "Till short"), 1);
  sell ("BB-2", 1, "cash");
  sell ("CC-3", 3, "card");
  cr_assert_eq (close_day (300, ""), 2);
}

static StkWindow *
open_window (StkSession *s)
{
  StkWindow *window = stk_window_new (app, s, NULL);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static StkReportsView *
reports_view (StkWindow *window)
{
  GtkBox *box = stk_test_template_child (window, STK_TYPE_WINDOW, "reports_box");
  GtkWidget *view = gtk_widget_get_first_child (GTK_WIDGET (box));

  cr_assert (STK_IS_REPORTS_VIEW (view));
  return STK_REPORTS_VIEW (view);
}

static GtkListBox *
closes_list (StkReportsView *view)
{
  return stk_test_template_child (view, STK_TYPE_REPORTS_VIEW, "closes_list");
}

/* Shows the Reports view and waits for the report and the closes to be read. */
static StkReportsView *
show_reports (StkWindow *window)
{
  StkReportsView *view = reports_view (window);

  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "reports"));
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (view)) &&
                         !stk_reports_view_get_loading (view) &&
                         gtk_widget_get_visible (stk_test_template_child (view, STK_TYPE_REPORTS_VIEW,
                                                                          "closes_box"))));
  return view;
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

/* The rows of Closes of the Day, in order (the placeholder is not one). */
static GPtrArray *
rows (StkReportsView *view)
{
  GPtrArray *out = g_ptr_array_new ();

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (closes_list (view))); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (ADW_IS_ACTION_ROW (c))
      g_ptr_array_add (out, c);
  return out;
}

static guint
n_rows (StkReportsView *view)
{
  g_autoptr(GPtrArray) all = rows (view);

  return all->len;
}

static GtkLabel *
row_label (GtkWidget  *row,
           const char *name)
{
  GtkWidget *label = find_named (row, name);

  cr_assert (GTK_IS_LABEL (label), "no label %s in the row", name);
  return GTK_LABEL (label);
}

/* A row as "title|subtitle|net|difference". */
static char *
row_text (GtkWidget *row)
{
  return g_strdup_printf ("%s|%s|%s|%s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                          adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                          gtk_label_get_text (row_label (row, "close-net")),
                          gtk_label_get_text (row_label (row, "close-difference")));
}

static char *
closed_at (gint64 close_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT closed_at FROM day_closes WHERE id = %"
                                          G_GINT64_FORMAT, close_id);

  return stk_format_datetime (stk_test_query (db_path, sql));
}

static gpointer
dialog_child (StkCloseDayDialog *dialog,
              const char        *name)
{
  return stk_test_template_child (dialog, STK_TYPE_CLOSE_DAY_DIALOG, name);
}

/* The figures grid's row @row as "cell|cell|…". */
static char *
grid_row (StkCloseDayDialog *dialog,
          int                row)
{
  GtkGrid *grid = dialog_child (dialog, "methods_grid");
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

/* Activates the row of close @close_id as a click or Enter does; the dialog it opens,
 * once read. */
static StkCloseDayDialog *
activate_close (StkReportsView *view,
                gint64          close_id)
{
  g_autoptr(GPtrArray) all = rows (view);
  g_autofree char *title = g_strdup_printf ("Close No. %" G_GINT64_FORMAT, close_id);
  StkCloseDayDialog *dialog;
  GtkWidget *row = NULL;

  for (guint i = 0; i < all->len && row == NULL; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (all, i)), title) == 0)
      row = g_ptr_array_index (all, i);
  cr_assert_not_null (row, "no row %s", title);
  cr_assert (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_CLOSE_DAY_DIALOG));
  cr_assert (gtk_widget_activate (row));
  dialog = STK_CLOSE_DAY_DIALOG (stk_test_find_toplevel (STK_TYPE_CLOSE_DAY_DIALOG));
  cr_assert_not_null (dialog, "activating %s opened no dialog", title);
  cr_assert (WAIT_UNTIL (!stk_close_day_dialog_get_busy (dialog) &&
                         stk_close_day_dialog_get_report (dialog) != NULL));
  return dialog;
}

/* ---- tests ---- */

Test (past_closes, two_closes_are_listed_newest_first_with_their_figures)
{
  StkWindow *window;
  StkReportsView *view;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *first = NULL, *second = NULL;
  g_autofree char *want_first = NULL, *want_second = NULL;
  g_autofree char *when1 = NULL, *when2 = NULL;
  GtkWidget *placeholder;
  GtkLabel *short_label, *over_label;

  close_two_days ();
  when1 = closed_at (1);
  when2 = closed_at (2);
  window = open_window (session);
  view = show_reports (window);

  all = rows (view);
  cr_assert_eq (all->len, 2);
  first = row_text (g_ptr_array_index (all, 0));
  second = row_text (g_ptr_array_index (all, 1));
  want_first = g_strdup_printf ("Close No. 2|%s|2.80|0.50 over", when2);
  want_second = g_strdup_printf ("Close No. 1|%s|2.00|0.50 short", when1);
  cr_assert_str_eq (first, want_first);
  cr_assert_str_eq (second, want_second);

  /* Short in the error colour, as the dialog shows it; over not. */
  short_label = row_label (g_ptr_array_index (all, 1), "close-difference");
  over_label = row_label (g_ptr_array_index (all, 0), "close-difference");
  cr_assert (gtk_widget_has_css_class (GTK_WIDGET (short_label), "error"));
  cr_assert_not (gtk_widget_has_css_class (GTK_WIDGET (over_label), "error"));
  cr_assert_not (gtk_widget_has_css_class (GTK_WIDGET (over_label), "success"));
  /* The figures in tabular digits. */
  cr_assert (gtk_widget_has_css_class (GTK_WIDGET (short_label), "numeric"));
  cr_assert (gtk_widget_has_css_class (GTK_WIDGET (row_label (g_ptr_array_index (all, 0), "close-net")),
                                       "numeric"));

  /* No empty text beside the rows. */
  placeholder = find_named (GTK_WIDGET (closes_list (view)), "day-closes-empty");
  cr_assert_not_null (placeholder);
  cr_assert_not (gtk_widget_get_mapped (placeholder));

  /* A refresh that finds the same closes keeps the rows (and the focus on one). */
  gtk_widget_grab_focus (g_ptr_array_index (all, 1));
  stk_reports_view_reload (view);
  cr_assert (stk_reports_view_get_loading (view));
  cr_assert (WAIT_UNTIL (!stk_reports_view_get_loading (view)));
  {
    g_autoptr(GPtrArray) again = rows (view);

    cr_assert_eq (again->len, 2);
    cr_assert_eq (g_ptr_array_index (again, 0), g_ptr_array_index (all, 0));
    cr_assert_eq (g_ptr_array_index (again, 1), g_ptr_array_index (all, 1));
    cr_assert (gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (view))) == g_ptr_array_index (again, 1));
  }
}

Test (past_closes, activating_a_close_opens_its_day_report_not_the_open_day)
{
  StkWindow *window;
  StkReportsView *view;
  StkCloseDayDialog *dialog;
  const StkDayReport *report;
  g_autofree char *cash = NULL, *total = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "close-1.pdf", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  close_two_days ();
  /* The open day has figures of its own, which the dialog must not show. */
  sell ("BB-2", 4, "cash");
  window = open_window (session);
  view = show_reports (window);

  dialog = activate_close (view, 1);
  report = stk_close_day_dialog_get_report (dialog);
  cr_assert_eq (report->close_id, 1);
  cr_assert_eq (stk_close_day_dialog_get_close_id (dialog), 1);
  cr_assert_eq (gtk_window_get_transient_for (GTK_WINDOW (dialog)), GTK_WINDOW (window));
  cr_assert_str_eq (adw_window_title_get_title (dialog_child (dialog, "window_title")), "Close No. 1");

  /* Close 1's figures: one cash sale of 2.00, 1.50 counted, 0.50 short, its note. */
  cash = grid_row (dialog, 1);
  total = grid_row (dialog, 4);
  cr_assert_str_eq (cash, "Cash|1|2.00|0.00|0.00|2.00");
  cr_assert_str_eq (total, "Total|1|2.00|0.00|0.00|2.00");
  cr_assert_str_eq (gtk_label_get_text (dialog_child (dialog, "expected_label")), "2.00");
  cr_assert_str_eq (gtk_label_get_text (dialog_child (dialog, "counted_label")), "1.50");
  cr_assert_str_eq (gtk_label_get_text (dialog_child (dialog, "difference_label")), "0.50 short");
  cr_assert (gtk_widget_has_css_class (dialog_child (dialog, "difference_label"), "error"));
  cr_assert_str_eq (adw_action_row_get_subtitle (dialog_child (dialog, "note_value_row")), "Till short");
  cr_assert (gtk_widget_get_visible (dialog_child (dialog, "note_group")));

  /* As recorded: nothing to type, no close; Print… and Save as PDF…. */
  cr_assert_not (gtk_widget_get_visible (dialog_child (dialog, "counted_row")));
  cr_assert_not (gtk_widget_get_visible (dialog_child (dialog, "note_row")));
  cr_assert (gtk_widget_get_visible (dialog_child (dialog, "counted_value_row")));
  cr_assert_not (gtk_widget_get_visible (dialog_child (dialog, "close_button")));
  cr_assert (gtk_widget_get_visible (dialog_child (dialog, "print_button")));
  cr_assert (gtk_widget_is_sensitive (dialog_child (dialog, "print_button")));
  cr_assert (gtk_widget_get_visible (dialog_child (dialog, "save_button")));
  cr_assert (gtk_widget_is_sensitive (dialog_child (dialog, "save_button")));
  {
    g_autoptr(GError) error = NULL;

    cr_assert_not (stk_close_day_dialog_close_day (dialog, &error));
  }

  /* The PDF is close 1's report. */
  cr_assert (stk_close_day_dialog_save_pdf (dialog, path));
  cr_assert (g_file_get_contents (path, &contents, &length, NULL));
  cr_assert (g_str_has_prefix (contents, "%PDF"));
  cr_assert_not_null (memmem (contents, length, "/Title (Day Report 1)",
                              strlen ("/Title (Day Report 1)")));

  /* Nothing was recorded by looking. */
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert_eq (stk_test_query (db_path, "SELECT count (*) FROM day_closes"), 2);

  /* Closed, the other close opens with its own figures. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  cr_assert (stk_test_drain ());
  dialog = activate_close (view, 2);
  g_clear_pointer (&total, g_free);
  total = grid_row (dialog, 4);
  cr_assert_str_eq (total, "Total|2|2.80|0.00|0.00|2.80");
  cr_assert_str_eq (gtk_label_get_text (dialog_child (dialog, "difference_label")), "0.50 over");
  cr_assert_not (gtk_widget_get_visible (dialog_child (dialog, "note_value_row")));
  /* Without a note, no empty group is left under the drawer. */
  cr_assert_not (gtk_widget_get_visible (dialog_child (dialog, "note_group")));
}

Test (past_closes, with_none_the_empty_text_shows)
{
  StkWindow *window;
  StkReportsView *view;
  GtkWidget *placeholder;

  sell ("AA-1", 1, "cash");
  window = open_window (session);
  view = show_reports (window);

  cr_assert_eq (n_rows (view), 0);
  placeholder = find_named (GTK_WIDGET (closes_list (view)), "day-closes-empty");
  cr_assert (GTK_IS_LABEL (placeholder));
  cr_assert_str_eq (gtk_label_get_text (GTK_LABEL (placeholder)), "No day has been closed yet");
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (placeholder)));
  cr_assert_not (gtk_widget_get_visible (stk_test_template_child (view, STK_TYPE_REPORTS_VIEW,
                                                                  "closes_error_label")));
}

Test (past_closes, a_close_recorded_while_shown_appears_after_the_refresh)
{
  StkWindow *window;
  StkReportsView *view;
  StkCloseDayDialog *dialog;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *first = NULL;
  g_autofree char *want = NULL;
  g_autofree char *when = NULL;
  GtkWidget *placeholder;

  sell ("AA-1", 3, "cash");
  window = open_window (session);
  view = show_reports (window);
  cr_assert_eq (n_rows (view), 0);

  /* Closed from the window (Close the Day…) while the Reports view is shown. */
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-day", NULL));
  dialog = STK_CLOSE_DAY_DIALOG (stk_test_find_toplevel (STK_TYPE_CLOSE_DAY_DIALOG));
  cr_assert_not_null (dialog);
  cr_assert (WAIT_UNTIL (!stk_close_day_dialog_get_busy (dialog) &&
                         stk_close_day_dialog_get_report (dialog) != NULL));
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "counted_entry")), "3");
  cr_assert (stk_close_day_dialog_close_day (dialog, &error), "%s", error ? error->message : "");
  cr_assert (WAIT_UNTIL (stk_close_day_dialog_get_close_id (dialog) > 0 &&
                         !stk_close_day_dialog_get_busy (dialog)));

  /* The commit refreshes the window: the close is listed, the empty text gone. */
  cr_assert (WAIT_UNTIL (n_rows (view) == 1 && !stk_reports_view_get_loading (view)));
  all = rows (view);
  first = row_text (g_ptr_array_index (all, 0));
  when = closed_at (1);
  want = g_strdup_printf ("Close No. 1|%s|3.00|None", when);
  cr_assert_str_eq (first, want);
  cr_assert (gtk_widget_has_css_class (GTK_WIDGET (row_label (g_ptr_array_index (all, 0),
                                                               "close-difference")), "success"));
  placeholder = find_named (GTK_WIDGET (closes_list (view)), "day-closes-empty");
  cr_assert (WAIT_UNTIL (!gtk_widget_get_mapped (placeholder)));
}

Test (past_closes, read_only_lists_and_opens_the_closes)
{
  g_autoptr(StkSession) reader = NULL;
  g_autoptr(GError) error = NULL;
  StkWindow *window;
  StkReportsView *view;
  StkCloseDayDialog *dialog;

  close_two_days ();
  reader = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (reader, "%s", error ? error->message : "");
  window = open_window (reader);
  view = show_reports (window);
  cr_assert_eq (n_rows (view), 2);

  dialog = activate_close (view, 2);
  cr_assert_eq (stk_close_day_dialog_get_report (dialog)->close_id, 2);
  cr_assert_str_eq (gtk_label_get_text (dialog_child (dialog, "counted_label")), "3.00");
  cr_assert (gtk_widget_is_sensitive (dialog_child (dialog, "save_button")));
  cr_assert_not (gtk_widget_get_visible (dialog_child (dialog, "close_button")));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  cr_assert (stk_test_drain ());
}
