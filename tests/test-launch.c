/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the window reads at launch (issue 15: only the visible view does work; nothing the
 * first frame does grows with the inventory). The lists of the hidden views read nothing
 * until they are first shown; showing one starts it. A list's first page comes before
 * its count-and-anchor scan, which starts only once that page is in. Behaviour only: the
 * times are measured from outside by tests/bench/launch.py. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-session.h"
#include "stk-table-model.h"
#include "stk-table-view.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 60000
#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

/* More than a page, so that the first page is not the whole list. */
#define N_ITEMS (STK_TABLE_MODEL_PAGE_SIZE * 2 + 44)

static GtkApplication *app;
static StkSession *session;

static void
setup (void)
{
  StkWriter *writer;

  stk_test_ui_setup (&app, &session);
  writer = stk_session_get_writer (session);
  cr_assert_not_null (writer);
  for (guint i = 0; i < N_ITEMS; i++)
    {
      g_autofree char *code = g_strdup_printf ("IT-%04u", i);

      stk_test_submit (writer, stk_op_create_item (code, "An item", 100, 0));
    }
  stk_test_submit (writer, stk_op_record_movement ("IT-0001", STK_MOVEMENT_RECEIVE, 5,
                                                   "opening", 0));
  stk_test_submit (writer, stk_op_record_sale ("IT-0001", 2, 100, 0));
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (launch, .init = setup, .fini = teardown, .timeout = 180);

static StkTableModel *
model_of (StkWindow  *window,
          const char *box_name)
{
  GtkWidget *box = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                              STK_TYPE_WINDOW, box_name));
  GtkWidget *view = gtk_widget_get_first_child (box);

  cr_assert (STK_IS_TABLE_VIEW (view), "no list in %s", box_name);
  return stk_table_view_get_model (STK_TABLE_VIEW (view));
}

static guint64
reads_of (StkTableModel *model)
{
  StkTableModelStats stats;

  stk_table_model_get_stats (model, &stats);
  return stats.reads_started;
}

static gboolean
listed (StkTableModel *model,
        guint          n)
{
  return !stk_table_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == n;
}

/* What the list held at the first frame painted once it had rows. */
typedef struct
{
  StkTableModel *model;
  gboolean       painted;
  guint          n_items;
  guint64        scans_started;
} FirstFrame;

static void
first_frame_cb (GdkFrameClock *clock,
                FirstFrame    *first)
{
  StkTableModelStats stats;

  if (first->painted || g_list_model_get_n_items (G_LIST_MODEL (first->model)) == 0)
    return;
  stk_table_model_get_stats (first->model, &stats);
  first->painted = TRUE;
  first->n_items = g_list_model_get_n_items (G_LIST_MODEL (first->model));
  first->scans_started = stats.scans_started;
}

Test (launch, hidden_views_read_nothing_until_first_shown)
{
  FirstFrame first = { 0 };
  gulong frame_handler;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  StkTableModel *items, *sales, *moves;
  AdwViewStack *view_stack;
  StkWindow *window;

  g_settings_set_string (settings, "last-view", "items");
  window = stk_window_new (app, session, NULL);
  gtk_window_present (GTK_WINDOW (window));
  view_stack = ADW_VIEW_STACK (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                              STK_TYPE_WINDOW, "view_stack"));
  items = model_of (window, "items_box");
  sales = model_of (window, "sales_box");
  moves = model_of (window, "moves_box");
  first.model = items;
  frame_handler = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)),
                                    "after-paint", G_CALLBACK (first_frame_cb), &first);

  /* The first page is painted before the scan of the whole list starts. */
  cr_assert (WAIT_UNTIL (first.painted), "no frame was painted with rows");
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), frame_handler);
  cr_assert_eq (first.n_items, STK_TABLE_MODEL_FIRST_ROWS,
                "the first rows painted were %u", first.n_items);
  cr_assert_eq (first.scans_started, 0, "the scan started before the first rows were painted");

  /* The visible list is read to the end (its count and anchors too)... */
  cr_assert (WAIT_UNTIL (listed (items, N_ITEMS)), "the items are not listed (%u, loading %d)",
             g_list_model_get_n_items (G_LIST_MODEL (items)), stk_table_model_get_loading (items));
  cr_assert (stk_table_model_get_started (items));
  cr_assert_gt (reads_of (items), 0);

  /* ...and the hidden ones have asked nothing of the store. */
  cr_assert_not (stk_table_model_get_started (sales), "the hidden Sales list started");
  cr_assert_not (stk_table_model_get_started (moves), "the hidden Stock Moves list started");
  cr_assert_eq (reads_of (sales), 0, "the hidden Sales list read at launch");
  cr_assert_eq (reads_of (moves), 0, "the hidden Stock Moves list read at launch");
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (sales)), 0);

  /* A change reloads what is shown, and still nothing of the hidden lists. */
  stk_test_submit (stk_session_get_writer (session),
                   stk_op_create_item ("IT-NEW", "Another item", 100, 0));
  cr_assert (WAIT_UNTIL (listed (items, N_ITEMS + 1)), "the new item is not listed");
  cr_assert_eq (reads_of (sales), 0, "a change made the hidden Sales list read");
  cr_assert_eq (reads_of (moves), 0, "a change made the hidden Stock Moves list read");

  /* Showing a list starts it, with the data as it is now. */
  adw_view_stack_set_visible_child_name (view_stack, "sales");
  cr_assert (stk_table_model_get_started (sales), "showing Sales did not start its list");
  cr_assert (WAIT_UNTIL (listed (sales, 1)), "the sale is not listed");
  cr_assert_gt (reads_of (sales), 0);
  cr_assert_eq (reads_of (moves), 0, "showing Sales made the Stock Moves list read");

  adw_view_stack_set_visible_child_name (view_stack, "moves");
  cr_assert (WAIT_UNTIL (listed (moves, 2)), "the receipt and the sale's move are not listed");

  gtk_window_destroy (GTK_WINDOW (window));
}

Test (launch, a_window_opened_on_another_view_leaves_items_alone)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  StkTableModel *items, *moves;
  StkWindow *window;

  g_settings_set_string (settings, "last-view", "moves");
  window = stk_window_new (app, session, NULL);
  gtk_window_present (GTK_WINDOW (window));
  items = model_of (window, "items_box");
  moves = model_of (window, "moves_box");

  cr_assert (WAIT_UNTIL (listed (moves, 2)), "the stock moves are not listed");
  cr_assert_eq (reads_of (items), 0, "the hidden Items list read at launch");
  cr_assert_eq (reads_of (model_of (window, "sales_box")), 0,
                "the hidden Sales list read at launch");
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_set_string (settings, "last-view", "items");
}

/* The first page's rows are announced before the scan of the whole list is asked for. */
typedef struct
{
  gboolean seen;
  guint    n_items;
  guint64  scans_started;
} FirstRows;

static void
first_rows_cb (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               FirstRows  *first)
{
  StkTableModelStats stats;

  if (first->seen || g_list_model_get_n_items (model) == 0)
    return;
  stk_table_model_get_stats (STK_TABLE_MODEL (model), &stats);
  first->seen = TRUE;
  first->n_items = g_list_model_get_n_items (model);
  first->scans_started = stats.scans_started;
}

Test (launch, first_page_arrives_before_the_count_scan)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkTableModel) model = NULL;
  StkTableModelStats stats;
  FirstRows first = { 0 };

  model = stk_table_model_new_deferred (store, STK_TABLE_KIND_ITEMS);
  g_signal_connect (model, "items-changed", G_CALLBACK (first_rows_cb), &first);
  cr_assert_eq (reads_of (model), 0, "a deferred model read before it was started");

  stk_table_model_start (model);
  cr_assert (stk_table_model_get_loading (model));
  cr_assert (WAIT_UNTIL (listed (model, N_ITEMS)), "the items are not listed");

  cr_assert (first.seen);
  cr_assert_eq (first.n_items, STK_TABLE_MODEL_FIRST_ROWS,
                "the first rows shown are not the first page alone (%u)", first.n_items);
  cr_assert_eq (first.scans_started, 0,
                "the count-and-anchor scan was asked for before the first page was in");
  stk_table_model_get_stats (model, &stats);
  cr_assert_eq (stats.scans_started, 1);
  cr_assert_eq (stats.refreshes, 1);

  /* A new order: again its first page before its scan. */
  first.seen = FALSE;
  stk_table_model_set_sort (model, "code", TRUE);
  cr_assert (WAIT_UNTIL (listed (model, N_ITEMS)));
  stk_table_model_get_stats (model, &stats);
  cr_assert_eq (stats.scans_started, 2);
}

Test (launch, a_deferred_model_keeps_search_and_order_for_its_start)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkTableModel) model = NULL;
  g_autoptr(GObject) row = NULL;

  model = stk_table_model_new_deferred (store, STK_TABLE_KIND_ITEMS);
  stk_table_model_set_search (model, "IT-000");
  stk_table_model_set_sort (model, "code", TRUE);
  stk_table_model_reload (model);
  cr_assert_eq (reads_of (model), 0, "a deferred model read before it was started");
  cr_assert_not (stk_table_model_get_loading (model));

  stk_table_model_start (model);
  cr_assert (WAIT_UNTIL (listed (model, 10)), "IT-0000..IT-0009 are not listed (%u)",
             g_list_model_get_n_items (G_LIST_MODEL (model)));
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  cr_assert_str_eq (stk_item_row_get_code (STK_ITEM_ROW (row)), "IT-0009");

  /* Starting again does nothing. */
  {
    guint64 reads = reads_of (model);

    stk_table_model_start (model);
    cr_assert_eq (reads_of (model), reads);
  }
}

/* The window's empty state asks only whether there is any item (an index probe), not for
 * the inventory's figures, whose counts and sums scan whole tables. */
static void
has_items_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gint *answer = user_data;
  g_autoptr(GError) error = NULL;
  gboolean has_items = FALSE;

  cr_assert (stk_store_has_items_finish (STK_STORE (object), result, &has_items, &error),
             "%s", error ? error->message : "");
  *answer = has_items ? 1 : 0;
}

static gint
has_items (const char *path)
{
  g_autoptr(StkStore) store = stk_test_open_store (path);
  gint answer = -1;

  stk_store_has_items_async (store, NULL, has_items_cb, &answer);
  cr_assert (WAIT_UNTIL (answer >= 0));
  return answer;
}

Test (launch, has_items_sees_archived_items_and_an_empty_inventory)
{
  g_autofree char *dir = stk_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "empty.db", NULL);
  g_autoptr(StkWriter) writer = stk_test_open_writer (path);

  cr_assert_eq (has_items (path), 0, "an empty inventory has items");
  stk_test_submit (writer, stk_op_create_item ("ONLY-1", "The only item", 100, 0));
  cr_assert_eq (has_items (path), 1);
  stk_test_submit (writer, stk_op_set_archived (stk_test_query (path, "SELECT id FROM items"),
                                                TRUE));
  cr_assert_eq (stk_test_query (path, "SELECT count(*) FROM items WHERE NOT archived"), 0);
  cr_assert_eq (has_items (path), 1, "an inventory of archived items reads as empty");
  stk_test_close_writer (g_steal_pointer (&writer));
  stk_test_rmdir (dir);
}
