/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lazy list model and its view (ui/stk-table-model.c, ui/stk-table-view.c) on
 * 100 000 items: the number of row objects stays bounded while scrolling and jumping
 * through the list, rows keep their identity (same object, properties updated) across
 * reloads, items-changed describes exactly what changed, sorting and searching go
 * through SQL, and the view's header clicks reach the model. */
#include "config.h"

#include <criterion/criterion.h>

#include <gtk/gtk.h>

#include "stk-db.h"
#include "stk-rows-private.h"
#include "stk-table-model.h"
#include "stk-table-view.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

#define N_ITEMS 100000
#define MAX_ALIVE (32 * STK_TABLE_MODEL_PAGE_SIZE)
#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, 60000)

static sqlite3 *rw;
static StkStore *store;

static const char *const words[] = { "red", "blue", "bolt", "nut", "washer", "steel", "zinc" };

static void reference_reset (void);

static void
exec (const char *sql)
{
  char *message = NULL;

  cr_assert_eq (sqlite3_exec (rw, sql, NULL, NULL, &message), SQLITE_OK, "%s: %s", sql, message);
  reference_reset ();
}

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = NULL;

  gtk_init ();
  stk_test_fixture_setup ();
  rw = stk_db_open (db_path, STK_DB_READ_WRITE, &error);
  cr_assert_not_null (rw, "%s", error ? error->message : "");

  exec ("BEGIN");
  cr_assert_eq (sqlite3_prepare_v2 (rw, "INSERT INTO items (code, description, unit_price_cents,"
                                    " reorder_level, archived, created_at, updated_at)"
                                    " VALUES (?, ?, ?, ?, ?, 1, ?)", -1, &stmt, NULL), SQLITE_OK);
  for (guint n = 0; n < N_ITEMS; n++)
    {
      char code[32], description[64];

      g_snprintf (code, sizeof code, "IT-%06u", (n * 7919) % N_ITEMS);
      g_snprintf (description, sizeof description, "%s %s %u", words[n % G_N_ELEMENTS (words)],
                  words[(n / 7) % G_N_ELEMENTS (words)], n % 100);
      sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, description, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 3, (int) (n % 1000));
      sqlite3_bind_int (stmt, 4, (int) (n % 3));
      sqlite3_bind_int (stmt, 5, n % 50 == 49);
      sqlite3_bind_int (stmt, 6, (int) (n % 500));
      cr_assert_eq (sqlite3_step (stmt), SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  exec ("COMMIT");

  store = stk_test_open_store (db_path);
}

static void
teardown (void)
{
  g_clear_object (&store);
  stk_db_close (rw);
  stk_test_fixture_teardown ();
}

TestSuite (table_model, .init = setup, .fini = teardown, .timeout = 300);

static void
wait_loaded (StkTableModel *model)
{
  gint64 deadline = stk_test_deadline (60000);

  while (stk_table_model_get_loading (model) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  cr_assert_not (stk_table_model_get_loading (model), "the model did not finish loading");
  /* Nothing to let arrive after this: a quick first page of a query that a search
   * replaced was cancelled, and its callback leaves the model alone (test-read-api-ui
   * holds such a read at a gate and checks that). */
}

static gint64
query_int (const char *sql)
{
  gint64 value = 0;

  cr_assert (stk_db_query_int64 (rw, sql, &value, NULL), "%s", sql);
  return value;
}

/* The whole order once (cached until the data changes: reference_reset()). */
static GArray *reference;
static char *reference_order;

static void
reference_reset (void)
{
  g_clear_pointer (&reference, g_array_unref);
  g_clear_pointer (&reference_order, g_free);
}

static gint64
reference_id_at (const char *order,
                 guint       position)
{
  if (g_strcmp0 (order, reference_order) != 0)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT id FROM items WHERE archived = 0 ORDER BY %s",
                                              order);
      sqlite3_stmt *stmt = NULL;

      reference_reset ();
      reference = g_array_new (FALSE, FALSE, sizeof (gint64));
      reference_order = g_strdup (order);
      cr_assert_eq (sqlite3_prepare_v2 (rw, sql, -1, &stmt, NULL), SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (reference, id);
        }
      sqlite3_finalize (stmt);
    }
  cr_assert_lt (position, reference->len);
  return g_array_index (reference, gint64, position);
}

static gint64
id_at (GListModel *model,
       guint       position)
{
  g_autoptr(GObject) row = g_list_model_get_item (model, position);

  cr_assert_not_null (row, "no row at %u", position);
  return stk_row_get_id (row);
}

Test (table_model, row_objects_stay_bounded_while_scrolling_and_jumping)
{
  g_autoptr(StkTableModel) model = stk_table_model_new (store, STK_TABLE_KIND_ITEMS);
  GListModel *list = G_LIST_MODEL (model);
  guint alive_before = stk_rows_get_n_alive ();
  guint max_alive = 0;
  guint n;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  StkTableModelStats stats;

  wait_loaded (model);
  n = g_list_model_get_n_items (list);
  cr_assert_eq (n, query_int ("SELECT count(*) FROM items WHERE archived = 0"));
  cr_assert_eq (n, N_ITEMS - N_ITEMS / 50);

  /* Scroll through everything, like a list widget holding a window of 40 rows. */
  {
    GPtrArray *window = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint p = 0; p < n; p++)
      {
        g_ptr_array_add (window, g_list_model_get_item (list, p));
        if (window->len > 40)
          g_ptr_array_remove_index (window, 0);
        if (p % 997 == 0)
          {
            cr_assert_eq (stk_row_get_id (window->pdata[window->len - 1]),
                          reference_id_at ("code, id", p), "position %u", p);
            max_alive = MAX (max_alive, stk_rows_get_n_alive () - alive_before);
          }
      }
    g_ptr_array_unref (window);
  }
  cr_assert_leq (max_alive, MAX_ALIVE, "%u row objects alive while scrolling", max_alive);

  /* Jumps anywhere: each one page load. */
  for (guint i = 0; i < 300; i++)
    {
      guint p = g_rand_int_range (rand, 0, n);

      cr_assert_eq (id_at (list, p), reference_id_at ("code, id", p), "position %u", p);
      max_alive = MAX (max_alive, stk_rows_get_n_alive () - alive_before);
    }
  cr_assert_leq (max_alive, MAX_ALIVE, "%u row objects alive after jumps", max_alive);
  cr_assert_null (g_list_model_get_item (list, n));

  stk_table_model_get_stats (model, &stats);
  cr_assert_leq (stats.n_rows, MAX_ALIVE);
  cr_assert_gt (stats.page_loads, n / STK_TABLE_MODEL_PAGE_SIZE);
}

/* A list widget's view of the model: refs for positions [0, len), kept in step with
 * items-changed the way GTK does (new items fetched for the added range). */
typedef struct
{
  GListModel *model;
  GPtrArray  *rows;
  guint       window;
  guint       signals;
  guint       changed_positions;
} Mirror;

static void
mirror_items_changed_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         Mirror     *m)
{
  m->signals++;
  m->changed_positions += MAX (removed, added);
  if (position >= m->rows->len)
    return;
  g_ptr_array_remove_range (m->rows, position, MIN (removed, m->rows->len - position));
  for (guint i = 0; i < added && position + i < m->window; i++)
    g_ptr_array_insert (m->rows, position + i, g_list_model_get_item (model, position + i));
  if (m->rows->len > m->window)
    g_ptr_array_set_size (m->rows, m->window);
}

static void
mirror_check (Mirror     *m,
              const char *order)
{
  for (guint p = 0; p < m->rows->len; p += 1)
    {
      g_autoptr(GObject) now = g_list_model_get_item (m->model, p);

      cr_assert_eq (now, m->rows->pdata[p], "position %u: the list's row is not the model's", p);
      if (p % 50 == 0 || p < 3)
        cr_assert_eq (stk_row_get_id (now), reference_id_at (order, p), "position %u", p);
    }
}

static guint notify_count;

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  notify_count++;
}

Test (table_model, reload_keeps_identity_and_reports_exact_changes)
{
  g_autoptr(StkTableModel) model = stk_table_model_new (store, STK_TABLE_KIND_ITEMS);
  g_autoptr(GtkSingleSelection) selection = NULL;
  g_autoptr(GObject) selected = NULL;
  Mirror m = { G_LIST_MODEL (model), g_ptr_array_new_with_free_func (g_object_unref), 600, 0, 0 };
  guint n;
  gint64 id300;
  g_autofree char *sql = NULL;

  wait_loaded (model);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (model)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_selected (selection, 300);
  selected = g_object_ref (gtk_single_selection_get_selected_item (selection));
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  for (guint p = 0; p < m.window; p++)
    g_ptr_array_add (m.rows, g_list_model_get_item (G_LIST_MODEL (model), p));
  g_signal_connect (model, "items-changed", G_CALLBACK (mirror_items_changed_cb), &m);

  /* 1. An edit that keeps the order: no items-changed, same object, notify. */
  id300 = stk_row_get_id (selected);
  g_signal_connect (selected, "notify::unit-price-cents", G_CALLBACK (count_notify_cb), NULL);
  sql = g_strdup_printf ("UPDATE items SET unit_price_cents = 123456 WHERE id = %" G_GINT64_FORMAT, id300);
  exec (sql);
  stk_table_model_reload (model);
  wait_loaded (model);
  cr_assert_eq (m.signals, 0, "%u items-changed for an edit in place", m.signals);
  cr_assert_eq (notify_count, 1);
  cr_assert_eq (stk_item_row_get_unit_price_cents (STK_ITEM_ROW (selected)), 123456);
  cr_assert_eq (gtk_single_selection_get_selected (selection), 300);
  cr_assert_eq (gtk_single_selection_get_selected_item (selection), selected);
  mirror_check (&m, "code, id");

  /* 2. A new item at the end of the order: one insertion at the end. */
  exec ("INSERT INTO items (code, description, created_at, updated_at) VALUES ('ZZ-1', 'new', 1, 1)");
  stk_table_model_reload (model);
  wait_loaded (model);
  cr_assert_eq (m.signals, 1);
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (model)), n + 1);
  cr_assert_eq (gtk_single_selection_get_selected_item (selection), selected);
  mirror_check (&m, "code, id");

  /* 3. An item archived above the window's end: what moved is reported, the rest kept. */
  m.signals = 0;
  m.changed_positions = 0;
  exec ("UPDATE items SET archived = 1 WHERE id = (SELECT id FROM items WHERE archived = 0"
        " ORDER BY code, id LIMIT 1 OFFSET 500)");
  stk_table_model_reload (model);
  wait_loaded (model);
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (model)), n);
  cr_assert_gt (m.signals, 0);
  cr_assert_eq (gtk_single_selection_get_selected_item (selection), selected,
                "the selected row above the change lost its identity");
  mirror_check (&m, "code, id");

  /* 4. A new item at the top: everything in the window moves down one. */
  exec ("INSERT INTO items (code, description, created_at, updated_at) VALUES ('AA-1', 'new', 1, 1)");
  stk_table_model_reload (model);
  wait_loaded (model);
  mirror_check (&m, "code, id");

  g_signal_handlers_disconnect_by_data (model, &m);
  g_ptr_array_unref (m.rows);
}

/* Waits for a frame of @widget's window painted from now on: the list widgets have laid
 * out what the model announced before it. */
static void
wait_frame (GtkWidget *widget)
{
  /* The suite's time limit guards against a window that never paints. */
  gtk_test_widget_wait_for_draw (widget);
}

/* What a list widget relies on at each items-changed: the model's count is the count
 * before the signal minus removed plus added, and every position below it has a row. */
typedef struct
{
  GListModel *model;
  guint       n;        /* the count the signals so far describe */
  guint       signals;
} CountCheck;

static void
count_check_items_changed_cb (GListModel *model,
                              guint       position,
                              guint       removed,
                              guint       added,
                              CountCheck *c)
{
  guint n = g_list_model_get_n_items (model);

  c->signals++;
  cr_assert_leq (position + removed, c->n, "items-changed (%u, %u, %u) past the end (%u)",
                 position, removed, added, c->n);
  cr_assert_eq (n, c->n - removed + added,
                "items-changed (%u, %u, %u) after %u rows: the model says %u", position,
                removed, added, c->n, n);
  c->n = n;
  for (guint p = position; p < position + added; p++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (model, p);

      cr_assert_not_null (row, "no row at %u of %u", p, n);
    }
  if (n > 0)
    {
      g_autoptr(GObject) last = g_list_model_get_item (model, n - 1);

      cr_assert_not_null (last, "no row at the end (%u)", n - 1);
    }
}

static void
add_sale (gint64 item_id,
          guint  n)
{
  g_autofree char *sql =
    g_strdup_printf ("INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at)"
                     " VALUES ('sale-%u', %" G_GINT64_FORMAT ", 1, 100, %u)", n, item_id, 1000 + n);

  exec (sql);
}

/* Regression: a reload whose count grew (or shrank) while rows changed above the old end
 * announced the changes with the new count already in place — a list widget then asked
 * for rows it had no room for and GTK aborted (gtk_list_item_manager_ensure_items). */
Test (table_model, items_changed_keeps_the_count_consistent)
{
  g_autoptr(StkTableModel) sales = NULL;
  g_autoptr(StkTableModel) items = NULL;
  g_autoptr(GtkSingleSelection) selection = NULL;
  GtkWidget *window = gtk_window_new ();
  StkTableView *view = STK_TABLE_VIEW (stk_table_view_new (STK_TABLE_KIND_SALES));
  CountCheck cs = { NULL, 0, 0 };
  CountCheck ci = { NULL, 0, 0 };
  gint64 item_id = query_int ("SELECT min(id) FROM items WHERE archived = 0");
  g_autofree char *receive = NULL;

  receive = g_strdup_printf ("INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                             " VALUES (%" G_GINT64_FORMAT ", 'receive', 50, 50, 1)", item_id);
  exec (receive);
  add_sale (item_id, 1);
  sales = stk_table_model_new (store, STK_TABLE_KIND_SALES);
  items = stk_table_model_new (store, STK_TABLE_KIND_ITEMS);

  /* The real widgets too: a sales list on screen, newest first. */
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  stk_table_view_set_store (view, store);
  gtk_window_present (GTK_WINDOW (window));
  wait_loaded (stk_table_view_get_model (view));

  wait_loaded (sales);
  wait_loaded (items);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (sales)));
  cs.n = g_list_model_get_n_items (G_LIST_MODEL (sales));
  ci.n = g_list_model_get_n_items (G_LIST_MODEL (items));
  cr_assert_eq (cs.n, 1);
  g_signal_connect (sales, "items-changed", G_CALLBACK (count_check_items_changed_cb), &cs);
  g_signal_connect (items, "items-changed", G_CALLBACK (count_check_items_changed_cb), &ci);

  /* Growing: each new sale comes first (position 0 changes) and the list gets longer. */
  for (guint i = 2; i <= 4; i++)
    {
      add_sale (item_id, i);
      stk_table_model_reload (sales);
      stk_table_model_reload (stk_table_view_get_model (view));
      wait_loaded (sales);
      wait_loaded (stk_table_view_get_model (view));
      wait_frame (window);
      cr_assert_eq (cs.n, i);
      cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (stk_table_view_get_model (view))), i);
    }
  cr_assert_gt (cs.signals, 0);

  /* Items: rows above the loaded pages' end archived (shrinks, moves rows up) and new
   * rows at the top (grows, moves rows down), with pages loaded. */
  for (guint p = 0; p < 700; p += 100)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (items), p));
  exec ("UPDATE items SET archived = 1 WHERE id IN (SELECT id FROM items WHERE archived = 0"
        " ORDER BY code, id LIMIT 3 OFFSET 10)");
  stk_table_model_reload (items);
  wait_loaded (items);
  cr_assert_eq (ci.n, query_int ("SELECT count(*) FROM items WHERE archived = 0"));
  exec ("INSERT INTO items (code, description, created_at, updated_at) VALUES"
        " ('AA-1', 'new', 1, 1), ('AA-2', 'new', 1, 1)");
  stk_table_model_reload (items);
  wait_loaded (items);
  cr_assert_eq (ci.n, query_int ("SELECT count(*) FROM items WHERE archived = 0"));
  cr_assert_gt (ci.signals, 1);

  /* Rows deleted by another connection after the count: every position still has a row
   * (placeholders) until the reload, which then shrinks the list consistently. */
  exec ("DELETE FROM items WHERE id IN (SELECT id FROM items WHERE archived = 0"
        " ORDER BY code DESC, id DESC LIMIT 5)");
  {
    guint n = g_list_model_get_n_items (G_LIST_MODEL (items));

    for (guint p = n - 5; p < n; p++)
      {
        g_autoptr(GObject) row = g_list_model_get_item (G_LIST_MODEL (items), p);

        cr_assert_not_null (row, "no row at %u of %u", p, n);
      }
  }
  stk_table_model_reload (items);
  wait_loaded (items);
  cr_assert_eq (ci.n, query_int ("SELECT count(*) FROM items WHERE archived = 0"));

  g_signal_handlers_disconnect_by_data (sales, &cs);
  g_signal_handlers_disconnect_by_data (items, &ci);
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (table_model, sorting_and_searching_in_sql)
{
  g_autoptr(StkTableModel) model = stk_table_model_new (store, STK_TABLE_KIND_ITEMS);
  GListModel *list = G_LIST_MODEL (model);
  const char *const columns[][2] = {
    { "description", "description COLLATE NOCASE" },
    { "on-hand", "on_hand" },
    { "unit-price-cents", "unit_price_cents" },
    { "updated-at", "updated_at" },
  };

  wait_loaded (model);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    for (int descending = 0; descending <= 1; descending++)
      {
        const char *dir = descending ? "DESC" : "ASC";
        g_autofree char *order = g_strdup_printf ("%s %s, id %s", columns[c][1], dir, dir);
        guint n;

        stk_table_model_set_sort (model, columns[c][0], descending);
        wait_loaded (model);
        n = g_list_model_get_n_items (list);
        for (guint p = 0; p < n; p += n / 7)
          cr_assert_eq (id_at (list, p), reference_id_at (order, p), "%s %s at %u", columns[c][0],
                        dir, p);
        cr_assert_eq (id_at (list, n - 1), reference_id_at (order, n - 1));
      }

  stk_table_model_set_sort (model, "code", FALSE);
  stk_table_model_set_search (model, "bolt red");
  wait_loaded (model);
  cr_assert_eq (g_list_model_get_n_items (list),
                query_int ("SELECT count(*) FROM items WHERE archived = 0 AND"
                           " description LIKE '%bolt%' AND description LIKE '%red%'"));
  stk_table_model_set_search (model, "it-0000");
  wait_loaded (model);
  cr_assert_eq (g_list_model_get_n_items (list),
                query_int ("SELECT count(*) FROM items WHERE archived = 0 AND code LIKE 'IT-0000%'"));
  cr_assert_gt (g_list_model_get_n_items (list), 0);
  stk_table_model_set_search (model, "no such thing");
  wait_loaded (model);
  cr_assert_eq (g_list_model_get_n_items (list), 0);
  stk_table_model_set_search (model, NULL);
  wait_loaded (model);
  cr_assert_eq (g_list_model_get_n_items (list), query_int ("SELECT count(*) FROM items WHERE archived = 0"));
  cr_assert_eq (stk_table_model_find_id (model, reference_id_at ("code, id", 77777)), 77777);
}

Test (table_model, view_scrolls_a_bounded_window_and_sorts_by_header)
{
  GtkWidget *window = gtk_window_new ();
  StkTableView *view = STK_TABLE_VIEW (stk_table_view_new (STK_TABLE_KIND_ITEMS));
  StkTableModel *model;
  GtkColumnView *column_view;
  GtkAdjustment *adjustment;
  GListModel *columns;
  g_autoptr(GtkColumnViewColumn) on_hand = NULL;
  guint alive_before = stk_rows_get_n_alive ();
  guint n;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  stk_table_view_set_store (view, store);
  model = stk_table_view_get_model (view);
  gtk_window_present (GTK_WINDOW (window));
  wait_loaded (model);
  wait_frame (window);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));

  column_view = stk_table_view_get_column_view (view);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (column_view));
  for (guint i = 1; i <= 10; i++)
    {
      gtk_adjustment_set_value (adjustment, (gtk_adjustment_get_upper (adjustment) -
                                             gtk_adjustment_get_page_size (adjustment)) * i / 10);
      wait_frame (window);
      cr_assert_leq (stk_rows_get_n_alive () - alive_before, MAX_ALIVE);
    }

  /* Header click → SQL order (GTK's own sorting is never involved). */
  columns = gtk_column_view_get_columns (column_view);
  on_hand = g_list_model_get_item (columns, 2);
  cr_assert_str_eq (gtk_column_view_column_get_title (on_hand), "On Hand");
  gtk_column_view_sort_by_column (column_view, on_hand, GTK_SORT_DESCENDING);
  cr_assert_str_eq (stk_table_model_get_sort_column (model), "on-hand");
  cr_assert (stk_table_model_get_sort_descending (model));
  wait_loaded (model);
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (model)), n);
  cr_assert_eq (id_at (G_LIST_MODEL (model), 0), reference_id_at ("on_hand DESC, id DESC", 0));

  /* Select by id, across a re-sort. */
  stk_table_view_select_id (view, reference_id_at ("on_hand DESC, id DESC", 5000));
  {
    g_autoptr(GObject) row = stk_table_view_dup_selected (view);

    cr_assert_not_null (row);
    cr_assert_eq (stk_row_get_id (row), reference_id_at ("on_hand DESC, id DESC", 5000));
    gtk_column_view_sort_by_column (column_view, on_hand, GTK_SORT_ASCENDING);
    wait_loaded (model);
    wait_frame (window);
    {
      g_autoptr(GObject) again = stk_table_view_dup_selected (view);

      cr_assert_not_null (again, "selection lost across a re-sort");
      cr_assert_eq (stk_row_get_id (again), stk_row_get_id (row));
    }
  }

  /* The empty state for a search without results. */
  stk_table_model_set_search (model, "qqqqqq");
  wait_loaded (model);
  cr_assert (WAIT_UNTIL (!gtk_widget_get_mapped (GTK_WIDGET (column_view))));
  stk_table_model_set_search (model, NULL);
  wait_loaded (model);
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (column_view))));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A new result (search or order) replaces the rows without GTK rebuilding its row
 * widgets: the row objects somebody holds take the new rows at their positions in place
 * (same objects, new contents), a held page past the new end goes with the tail, and at
 * each items-changed the count is what the signals say and every position has a row. */
Test (table_model, new_result_reuses_held_rows_in_place)
{
  g_autoptr(StkTableModel) model = stk_table_model_new (store, STK_TABLE_KIND_ITEMS);
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *list = G_LIST_MODEL (model);
  CountCheck c = { NULL, 0, 0 };
  const char *const searches[] = { "bolt red", "steel", "it-00", "no such thing", "zinc", "",
                                   "washer" };

  wait_loaded (model);
  c.n = g_list_model_get_n_items (list);
  g_signal_connect (model, "items-changed", G_CALLBACK (count_check_items_changed_cb), &c);

  for (guint s = 0; s < G_N_ELEMENTS (searches); s++)
    {
      g_autoptr(StkTableModel) fresh = stk_table_model_new (store, STK_TABLE_KIND_ITEMS);
      guint n_before = g_list_model_get_n_items (list);
      guint n_head = MIN (n_before, 40);
      gboolean deep = n_before > 600;
      guint n;

      g_ptr_array_set_size (held, 0);
      for (guint p = 0; p < n_head; p++)
        g_ptr_array_add (held, g_list_model_get_item (list, p));
      if (deep)
        g_ptr_array_add (held, g_list_model_get_item (list, 600));

      stk_table_model_set_search (model, searches[s]);
      stk_table_model_set_search (fresh, searches[s]);
      wait_loaded (model);
      wait_loaded (fresh);
      n = g_list_model_get_n_items (list);
      cr_assert_eq (n, g_list_model_get_n_items (G_LIST_MODEL (fresh)), "“%s”", searches[s]);
      cr_assert_eq (c.n, n, "“%s”: the signals say %u rows, the model %u", searches[s], c.n, n);

      for (guint p = 0; p < MIN (n_head, n); p++)
        {
          g_autoptr(GObject) row = g_list_model_get_item (list, p);

          cr_assert_eq (row, held->pdata[p], "“%s” at %u: not the held object", searches[s], p);
          cr_assert_eq (stk_row_get_id (row), id_at (G_LIST_MODEL (fresh), p), "“%s” at %u",
                        searches[s], p);
        }
      if (deep && n > 600 && *searches[s] != '\0')
        {
          g_autoptr(GObject) row = g_list_model_get_item (list, 600);

          cr_assert_eq (row, held->pdata[n_head], "“%s” at 600: not the held object", searches[s]);
          cr_assert_eq (stk_row_get_id (row), id_at (G_LIST_MODEL (fresh), 600));
        }
      for (guint p = 0; n > 0 && p < n; p += MAX (n / 7, 1))
        cr_assert_eq (id_at (list, p), id_at (G_LIST_MODEL (fresh), p), "“%s” at %u",
                      searches[s], p);
      if (n > 0)
        cr_assert_eq (id_at (list, n - 1), id_at (G_LIST_MODEL (fresh), n - 1));
    }
  cr_assert_gt (c.signals, 0);
  g_signal_handlers_disconnect_by_data (model, &c);
}
