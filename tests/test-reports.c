/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Reports page on a temporary inventory with known sales written through a
 * StkWriter: the summary labels, the chart's data, the two lists, switching the
 * range, reloading after new sales, an empty inventory, and dispose mid-query. */
#include "config.h"

#include <criterion/criterion.h>
#include <gtk/gtk.h>

#include "stk-chart.h"
#include "stk-ops.h"
#include "stk-reports-view.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

static StkWriter *writer;
static StkStore *store;
static GtkWindow *window;
static StkReportsView *view;

static void
setup (void)
{
  gtk_init ();
  stk_test_fixture_setup ();
  writer = stk_test_open_writer (db_path);
  store = stk_test_open_store (db_path);
}

static void
teardown (void)
{
  if (window != NULL)
    gtk_window_destroy (window);
  window = NULL;
  view = NULL;
  /* A query still under way holds the store until its callback has run. */
  if (store != NULL)
    cr_assert (stk_test_wait_refs (store, 1, 60000), "a report query did not end");
  g_clear_object (&store);
  if (writer != NULL)
    stk_test_close_writer (g_steal_pointer (&writer));
  stk_test_fixture_teardown ();
}

TestSuite (reports, .init = setup, .fini = teardown, .timeout = 60);

/* ---- helpers ---- */

/* Local noon @days_ago days before today, in µs. */
static gint64
noon_days_ago (int days_ago)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) noon = g_date_time_new_local (g_date_time_get_year (now),
                                                     g_date_time_get_month (now),
                                                     g_date_time_get_day_of_month (now),
                                                     12, 0, 0);
  g_autoptr(GDateTime) then = g_date_time_add_days (noon, -days_ago);

  return g_date_time_to_unix (then) * G_USEC_PER_SEC;
}

static void
create_item (const char *code,
             const char *description,
             gint64      price,
             gint64      reorder,
             gint64      stock)
{
  stk_test_submit (writer, stk_op_create_item (code, description, price, reorder));
  if (stock > 0)
    stk_test_submit (writer, stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, stock, "stock",
                                                     noon_days_ago (200)));
}

typedef struct
{
  const char *code;
  gint64      quantity;
  gint64      price;
  int         days_ago;
} Sale;

/* A1 2.50 (reorder 5, 100 in), B2 10.00 (20 in), C3 1.00 (reorder 10, 2 in). */
static const Sale sales[] = {
  { "A1", 3, 250, 2 },
  { "A1", 2, 250, 10 },
  { "B2", 1, 1000, 40 },
  { "B2", 4, 900, 1 },
  { "A1", 7, 250, 200 },   /* outside 90 days, inside 365 */
};

static void
load_sample (void)
{
  create_item ("A1", "Apples", 250, 5, 100);
  create_item ("B2", "Bread", 1000, 0, 20);
  create_item ("C3", "Cherries", 100, 10, 2);
  for (guint i = 0; i < G_N_ELEMENTS (sales); i++)
    stk_test_submit (writer, stk_op_record_sale (sales[i].code, sales[i].quantity, sales[i].price,
                                                 noon_days_ago (sales[i].days_ago)));
}

static void
expected_totals (guint   days,
                 gint64 *revenue,
                 gint64 *units,
                 gint64 *max_day)
{
  g_autoptr(GHashTable) per_day = g_hash_table_new (g_direct_hash, g_direct_equal);

  *revenue = *units = *max_day = 0;
  for (guint i = 0; i < G_N_ELEMENTS (sales); i++)
    if ((guint) sales[i].days_ago < days)
      {
        gint64 day = GPOINTER_TO_INT (g_hash_table_lookup (per_day, GINT_TO_POINTER (sales[i].days_ago)));

        day += sales[i].quantity * sales[i].price;
        g_hash_table_insert (per_day, GINT_TO_POINTER (sales[i].days_ago), GINT_TO_POINTER ((int) day));
        *max_day = MAX (*max_day, day);
        *revenue += sales[i].quantity * sales[i].price;
        *units += sales[i].quantity;
      }
}

/* On hand × price after the sample: 100 A1, 20 B2 and 2 C3 in, less the sales. */
static gint64
stock_value (void)
{
  gint64 a1 = 100, b2 = 20;

  for (guint i = 0; i < G_N_ELEMENTS (sales); i++)
    {
      if (g_str_equal (sales[i].code, "A1"))
        a1 -= sales[i].quantity;
      else
        b2 -= sales[i].quantity;
    }
  return a1 * 250 + b2 * 1000 + 2 * 100;
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
label_text (const char *name)
{
  GtkWidget *w = find_named (GTK_WIDGET (view), name);

  cr_assert (GTK_IS_LABEL (w), "no label named %s", name);
  return gtk_label_get_text (GTK_LABEL (w));
}

static StkChart *
chart (void)
{
  GtkWidget *w = find_named (GTK_WIDGET (view), "chart");

  cr_assert (STK_IS_CHART (w));
  return STK_CHART (w);
}

static guint
list_rows (const char *name)
{
  GtkWidget *w = find_named (GTK_WIDGET (view), name);

  cr_assert (GTK_IS_COLUMN_VIEW (w), "no column view named %s", name);
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (w))));
}

/* Texts of the labels under @root, in widget order (headers, then rows). */
static void
collect_labels (GtkWidget *root,
                GPtrArray *out)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root))
    g_ptr_array_add (out, (gpointer) gtk_label_get_text (GTK_LABEL (root)));
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_labels (c, out);
}

static int
label_index (const char *list,
             const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_labels (find_named (GTK_WIDGET (view), list), labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (g_ptr_array_index (labels, i), text) == 0)
      return (int) i;
  return -1;
}

static void
wait_loaded (void)
{
  gint64 end = stk_test_deadline (20000);

  while (stk_reports_view_get_loading (view) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  cr_assert_not (stk_reports_view_get_loading (view), "the report did not load within 20 s");
  /* A frame painted from now on: the lists have laid out their rows (the suite's time
   * limit guards against a window that never paints). */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
}

static void
show_view (void)
{
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1100, 900);
  view = STK_REPORTS_VIEW (stk_reports_view_new ());
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);
  stk_reports_view_set_store (view, store);
  cr_assert (stk_reports_view_get_loading (view), "set_store should start loading");
  wait_loaded ();
}

/* The expected texts are written out (C.UTF-8: no grouping, "." for decimals), not
 * made with stk_format_*(): a broken formatter must not agree with itself. The cents
 * are checked against the sample too, so the literal and the sample cannot drift. */
static void
assert_money_label (const char *name,
                    gint64      cents,
                    const char *expected)
{
  g_autofree char *from_cents = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", cents / 100,
                                                 (int) (cents % 100));

  cr_assert_str_eq (from_cents, expected, "the test expects %s for %" G_GINT64_FORMAT " cents",
                    expected, cents);
  cr_assert_str_eq (label_text (name), expected, "%s: %s, expected %s", name, label_text (name),
                    expected);
}

static void
assert_count_label (const char *name,
                    gint64      count,
                    const char *expected)
{
  g_autofree char *from_count = g_strdup_printf ("%" G_GINT64_FORMAT, count);

  cr_assert_str_eq (from_count, expected);
  cr_assert_str_eq (label_text (name), expected, "%s: %s, expected %s", name, label_text (name),
                    expected);
}

/* ---- tests ---- */

Test (reports, totals_chart_and_lists)
{
  gint64 revenue, units, max_day;

  load_sample ();
  show_view ();
  expected_totals (90, &revenue, &units, &max_day);

  assert_money_label ("revenue-value", revenue, "58.50");
  assert_count_label ("units-value", units, "10");
  assert_money_label ("stock-value-value", stock_value (), "372.00");
  assert_count_label ("below-reorder-value", 1, "1");

  cr_assert_eq (stk_chart_get_n_points (chart ()), 90);
  cr_assert_eq (stk_chart_get_total (chart ()), revenue);
  cr_assert_eq (stk_chart_get_max_value (chart ()), max_day);
  cr_assert_geq (stk_chart_get_axis_max (chart ()), max_day);
  cr_assert_eq (stk_chart_get_axis_max (chart ()) % stk_chart_get_tick_step (chart ()), 0);
  cr_assert_leq (stk_chart_get_axis_max (chart ()) / stk_chart_get_tick_step (chart ()), 5);
  cr_assert_not_null (strstr (stk_chart_get_summary (chart ()), "90 days"),
                      "summary: %s", stk_chart_get_summary (chart ()));

  /* Top sellers: B2 (41.00 in 90 days) before A1 (12.50); C3 sold nothing. */
  cr_assert_eq (list_rows ("top-sellers"), 2);
  cr_assert_geq (label_index ("top-sellers", "B2"), 0);
  cr_assert_lt (label_index ("top-sellers", "B2"), label_index ("top-sellers", "A1"));
  cr_assert_lt (label_index ("top-sellers", "C3"), 0);

  cr_assert_eq (list_rows ("below-reorder"), 1);
  cr_assert_geq (label_index ("below-reorder", "C3"), 0);
  cr_assert_geq (label_index ("below-reorder", "Cherries"), 0);
}

Test (reports, range_buttons_change_the_period)
{
  gint64 revenue, units, max_day;
  GtkWidget *button;

  load_sample ();
  show_view ();

  button = find_named (GTK_WIDGET (view), "range-30");
  cr_assert (GTK_IS_TOGGLE_BUTTON (button));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  cr_assert (stk_reports_view_get_loading (view));
  wait_loaded ();
  expected_totals (30, &revenue, &units, &max_day);
  assert_money_label ("revenue-value", revenue, "48.50");
  assert_count_label ("units-value", units, "9");
  cr_assert_eq (stk_chart_get_n_points (chart ()), 30);
  cr_assert_eq (stk_chart_get_total (chart ()), revenue);

  button = find_named (GTK_WIDGET (view), "range-365");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  wait_loaded ();
  expected_totals (365, &revenue, &units, &max_day);
  assert_money_label ("revenue-value", revenue, "76.00");
  assert_count_label ("units-value", units, "17");
  cr_assert_eq (stk_chart_get_n_points (chart ()), 365);
  cr_assert_eq (stk_chart_get_max_value (chart ()), max_day);
  /* The range buttons are exclusive. */
  cr_assert_not (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (find_named (GTK_WIDGET (view), "range-30"))));
}

Test (reports, reload_after_new_sales)
{
  gint64 revenue, units, max_day;
  gint64 before_max;

  load_sample ();
  show_view ();
  expected_totals (90, &revenue, &units, &max_day);
  before_max = stk_chart_get_max_value (chart ());

  /* The last 2 Cherries, and a big Bread day 5 days ago. */
  stk_test_submit (writer, stk_op_record_sale ("C3", 2, 100, noon_days_ago (3)));
  stk_test_submit (writer, stk_op_record_sale ("B2", 10, 1000, noon_days_ago (5)));

  /* Nothing changes until the view reloads. */
  assert_money_label ("revenue-value", revenue, "58.50");

  stk_reports_view_reload (view);
  wait_loaded ();
  assert_money_label ("revenue-value", revenue + 200 + 10000, "160.50");
  assert_count_label ("units-value", units + 12, "22");
  assert_money_label ("stock-value-value", stock_value () - 2 * 100 - 10 * 1000, "270.00");
  cr_assert_eq (stk_chart_get_max_value (chart ()), MAX (before_max, 10000));
  cr_assert_eq (stk_chart_get_total (chart ()), revenue + 10200);
  cr_assert_eq (list_rows ("top-sellers"), 3);
  /* C3 is at 0 now, still below its reorder level. */
  cr_assert_eq (list_rows ("below-reorder"), 1);
}

Test (reports, hidden_view_reloads_when_shown)
{
  gint64 revenue, units, max_day;

  load_sample ();
  show_view ();
  expected_totals (90, &revenue, &units, &max_day);

  /* Hidden: a reload after a new sale only marks the report stale... */
  gtk_widget_set_visible (GTK_WIDGET (view), FALSE);
  stk_test_submit (writer, stk_op_record_sale ("A1", 4, 250, noon_days_ago (6)));
  stk_reports_view_reload (view);
  /* Reported once as failing in a loaded full suite and not reproduced since (96 runs):
   * say what state the view was in if it happens again. */
  cr_assert_not (stk_reports_view_get_loading (view),
                 "a hidden view started a query (view mapped %d, visible %d; window mapped %d)",
                 gtk_widget_get_mapped (GTK_WIDGET (view)), gtk_widget_get_visible (GTK_WIDGET (view)),
                 gtk_widget_get_mapped (GTK_WIDGET (window)));
  /* Whatever the reload queued on the main context has run (no clock): still no query,
   * still the old figures. */
  for (guint i = 0; i < 100000 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  cr_assert_not (stk_reports_view_get_loading (view));
  assert_money_label ("revenue-value", revenue, "58.50");

  /* ...and showing it again runs the query. */
  gtk_widget_set_visible (GTK_WIDGET (view), TRUE);
  cr_assert (stk_reports_view_get_loading (view));
  wait_loaded ();
  assert_money_label ("revenue-value", revenue + 1000, "68.50");
}

Test (reports, empty_inventory)
{
  show_view ();

  assert_money_label ("revenue-value", 0, "0.00");
  assert_count_label ("units-value", 0, "0");
  assert_money_label ("stock-value-value", 0, "0.00");
  assert_count_label ("below-reorder-value", 0, "0");
  cr_assert_eq (stk_chart_get_n_points (chart ()), 90);
  cr_assert_eq (stk_chart_get_max_value (chart ()), 0);
  cr_assert_eq (list_rows ("top-sellers"), 0);
  cr_assert_eq (list_rows ("below-reorder"), 0);
  cr_assert_not_null (strstr (stk_chart_get_summary (chart ()), "No sales"),
                      "summary: %s", stk_chart_get_summary (chart ()));
}

static void
view_gone_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

static void
loading_notify_cb (GObject    *object,
                   GParamSpec *pspec,
                   guint      *ended)
{
  if (!stk_reports_view_get_loading (STK_REPORTS_VIEW (object)))
    (*ended)++;
}

Test (reports, newer_reload_wins_and_dispose_cancels)
{
  gint64 revenue, units, max_day;
  gboolean finalized = FALSE;
  guint ended = 0;
  gulong id;

  load_sample ();
  show_view ();

  /* Several reloads in a row: only the last one's result is shown, and loading
   * ends exactly once. */
  id = g_signal_connect (view, "notify::loading", G_CALLBACK (loading_notify_cb), &ended);
  stk_reports_view_reload (view);
  stk_reports_view_reload (view);
  stk_test_submit (writer, stk_op_record_sale ("A1", 1, 250, noon_days_ago (4)));
  stk_reports_view_reload (view);
  wait_loaded ();
  cr_assert_eq (ended, 1, "loading ended %u times", ended);
  g_signal_handler_disconnect (view, id);
  expected_totals (90, &revenue, &units, &max_day);
  assert_money_label ("revenue-value", revenue + 250, "61.00");

  /* Destroying the view while a query runs must not touch it afterwards: the query
   * keeps the (disposed) view alive until its answer comes, then only lets go. A view
   * touched after dispose hits its cleared template widgets: a critical, fatal in the
   * tests (G_DEBUG=fatal-criticals), and under ASan a use after free. */
  stk_reports_view_reload (view);
  cr_assert (stk_reports_view_get_loading (view));
  g_object_weak_ref (G_OBJECT (view), view_gone_cb, &finalized);
  gtk_window_destroy (window);
  window = NULL;
  cr_assert_not (finalized, "the query under way should hold the view");
  view = NULL;
  cr_assert (stk_test_wait_for (&finalized, 30000),
             "the query's answer never came, or it kept the view");
}
