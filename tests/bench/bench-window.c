/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-window: the Items list on a large inventory, with the real widgets (a window
 * with a StkTableView) under a display (Xvfb), two ways, each in its own process:
 *
 *   lazy  — StkTableModel: keyset pages from SQLite, a window of rows in memory;
 *   store — a plain GListStore holding one StkItemRow per item, loaded at start, with
 *           a GtkFilterListModel + GtkCustomFilter for the search.
 *
 * Figures: time from showing the window to the first rows in the model and painted; for jumps to the
 * middle and the end of the list, the page load time (lazy) and the time to the next
 * painted frame; a word search (p50/p95 over 20 words taken from the data, until the
 * result is there); resident memory (VmRSS, VmHWM). Then the ratios store / lazy.
 *
 *   bench-window [--database PATH | --skus N]     (default: generate 1 000 000 items)
 *
 * Timings are reported, not asserted; exit status 1 only when something breaks (no
 * rows, a wrong count).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "stk-maintenance.h"
#include "stk-pager.h"
#include "stk-sqlite-private.h"
#include "../stk-test-sqlite.h"
#include "stk-rows-private.h"
#include "stk-table-model.h"
#include "stk-table-view.h"
#include "stk-writer.h"

#define N_SEARCHES 20

static gint64 paints;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  paints++;
}

static void
iterate (void)
{
  g_main_context_iteration (NULL, TRUE);
}

static void
wait_paints (guint n)
{
  gint64 target = paints + n;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (paints < target && g_get_monotonic_time () < deadline)
    iterate ();
}

/* Until the window is quiet: everything pending handled and one more frame painted. */
static void
settle (GtkWidget *window)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (g_main_context_pending (NULL) && g_get_monotonic_time () < deadline)
    iterate ();
  gtk_widget_queue_draw (window);
  wait_paints (1);
  while (g_main_context_pending (NULL) && g_get_monotonic_time () < deadline)
    iterate ();
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
read_memory (gint64 *rss_kb,
             gint64 *hwm_kb)
{
  g_autofree char *status = NULL;

  *rss_kb = *hwm_kb = 0;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  for (char *line = status; line != NULL && *line; line = strchr (line, '\n'))
    {
      if (*line == '\n')
        line++;
      if (g_str_has_prefix (line, "VmRSS:"))
        *rss_kb = g_ascii_strtoll (line + 6, NULL, 10);
      else if (g_str_has_prefix (line, "VmHWM:"))
        *hwm_kb = g_ascii_strtoll (line + 6, NULL, 10);
    }
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (double *values,
            guint   n,
            double  p)
{
  guint i;

  qsort (values, n, sizeof *values, compare_double);
  i = (guint) (p * (n - 1) + 0.5);
  return values[MIN (i, n - 1)];
}

/* Words from the data: the first word of the descriptions of items spread over the
 * table (deterministic). */
static GPtrArray *
pick_words (StkStore *store)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = stk_store_acquire (store, NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert (db != NULL);
  sqlite3_prepare_v2 (db, "SELECT description FROM items WHERE id % 49999 = 7 LIMIT 200", -1,
                      &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW && words->len < N_SEARCHES)
    {
      g_auto(GStrv) parts = g_strsplit ((const char *) sqlite3_column_text (stmt, 0), " ", 2);
      char *word = g_ascii_strdown (parts[0], -1);
      gboolean seen = FALSE;

      for (guint i = 0; i < words->len; i++)
        seen = seen || g_str_equal (words->pdata[i], word);
      if (seen || strlen (word) < 3)
        g_free (word);
      else
        g_ptr_array_add (words, word);
    }
  sqlite3_finalize (stmt);
  stk_store_release (store, db);
  return words;
}

typedef struct
{
  GtkWidget     *window;
  GtkColumnView *column_view;
  GtkAdjustment *adjustment;
} Shell;

static void
shell_init (Shell     *shell,
            GtkWidget *child)
{
  shell->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (shell->window), 1200, 760);
  gtk_window_set_child (GTK_WINDOW (shell->window), child);
}

static void
shell_connect_clock (Shell *shell)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (shell->window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

static void
jump (Shell  *shell,
      double  fraction,
      double *frame_ms)
{
  gint64 start = g_get_monotonic_time ();
  double upper = gtk_adjustment_get_upper (shell->adjustment);
  double page = gtk_adjustment_get_page_size (shell->adjustment);

  gtk_adjustment_set_value (shell->adjustment, (upper - page) * fraction);
  wait_paints (1);
  *frame_ms = ms_since (start);
  wait_paints (2); /* settle */
}

/* ---- lazy ---- */

static gboolean
model_has_rows (StkTableModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (model)) > 0;
}

static int
run_lazy (StkStore *store,
          guint64   expected)
{
  StkTableView *view = STK_TABLE_VIEW (stk_table_view_new (STK_TABLE_KIND_ITEMS));
  g_autoptr(GPtrArray) words = pick_words (store);
  StkTableModel *model;
  StkTableModelStats stats;
  Shell shell;
  gint64 start;
  double first_ms, first_page_ms, ready_ms, middle_frame, end_frame, middle_load, end_load;
  double search_ms[N_SEARCHES], search_paint_ms[N_SEARCHES], search_worker_ms[N_SEARCHES];
  gint64 rss, hwm;

  shell_init (&shell, GTK_WIDGET (view));
  shell.column_view = stk_table_view_get_column_view (view);
  shell.adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (shell.column_view));

  start = g_get_monotonic_time ();
  stk_table_view_set_store (view, store);
  model = stk_table_view_get_model (view);
  gtk_window_present (GTK_WINDOW (shell.window));
  shell_connect_clock (&shell);
  while (!model_has_rows (model))
    iterate ();
  first_page_ms = ms_since (start);
  wait_paints (1);
  first_ms = ms_since (start);

  while (stk_table_model_get_loading (model))
    iterate ();
  ready_ms = ms_since (start);
  wait_paints (2);
  if (g_list_model_get_n_items (G_LIST_MODEL (model)) != expected)
    {
      g_printerr ("lazy: %u rows, expected %" G_GUINT64_FORMAT "\n",
                  g_list_model_get_n_items (G_LIST_MODEL (model)), expected);
      return 1;
    }

  stk_table_model_reset_stats (model);
  jump (&shell, 0.5, &middle_frame);
  stk_table_model_get_stats (model, &stats);
  middle_load = stats.max_page_load_us / 1000.0;
  stk_table_model_reset_stats (model);
  jump (&shell, 1.0, &end_frame);
  stk_table_model_get_stats (model, &stats);
  end_load = stats.max_page_load_us / 1000.0;

  /* Each search from a settled window (the previous result painted), as when typing
   * after the debounce: until the result is in the list model (count and first rows),
   * and until it is painted. */
  for (guint i = 0; i < words->len; i++)
    {
      gint64 t;

      settle (shell.window);
      t = g_get_monotonic_time ();
      stk_table_model_set_search (model, words->pdata[i]);
      while (stk_table_model_get_loading (model))
        iterate ();
      search_ms[i] = ms_since (t);
      stk_table_model_get_stats (model, &stats);
      search_worker_ms[i] = stats.last_refresh_us / 1000.0;
      wait_paints (1);
      search_paint_ms[i] = ms_since (t);
      if (g_list_model_get_n_items (G_LIST_MODEL (model)) == 0)
        {
          g_printerr ("lazy: no result for “%s”\n", (char *) words->pdata[i]);
          return 1;
        }
    }
  wait_paints (2);
  stk_table_model_get_stats (model, &stats);
  read_memory (&rss, &hwm);

  printf ("first_page_ms=%.1f\nfirst_rows_ms=%.1f\nready_ms=%.1f\nmiddle_load_ms=%.2f\n"
          "end_load_ms=%.2f\nmiddle_frame_ms=%.1f\nend_frame_ms=%.1f\n"
          "search_worker_p95_ms=%.1f\nsearch_p50_ms=%.1f\nsearch_p95_ms=%.1f\n"
          "search_paint_p50_ms=%.1f\nsearch_paint_p95_ms=%.1f\n"
          "rss_mb=%.1f\nhwm_mb=%.1f\nrow_objects=%u\n",
          first_page_ms, first_ms, ready_ms, middle_load, end_load, middle_frame, end_frame,
          percentile (search_worker_ms, words->len, 0.95),
          percentile (search_ms, words->len, 0.5), percentile (search_ms, words->len, 0.95),
          percentile (search_paint_ms, words->len, 0.5),
          percentile (search_paint_ms, words->len, 0.95),
          rss / 1024.0, hwm / 1024.0, stk_rows_get_n_alive ());
  gtk_window_destroy (GTK_WINDOW (shell.window));
  return 0;
}

/* ---- store ---- */

static const char *search_word;

static gboolean
filter_match (gpointer item,
              gpointer user_data)
{
  StkItemRow *row = item;
  const char *d = stk_item_row_get_description (row);
  gsize len = strlen (search_word);

  if (g_ascii_strncasecmp (stk_item_row_get_code (row), search_word, len) == 0)
    return TRUE;
  for (const char *p = d; *p; p++)
    if ((p == d || !g_ascii_isalnum (p[-1])) && g_ascii_strncasecmp (p, search_word, len) == 0)
      return TRUE;
  return FALSE;
}

static int
run_store (StkStore *store,
           guint64   expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) words = pick_words (store);
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, NULL);
  GListStore *list = g_list_store_new (STK_TYPE_ITEM_ROW);
  GtkCustomFilter *filter = gtk_custom_filter_new (filter_match, NULL, NULL);
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *column_view;
  Shell shell;
  gint64 start;
  double first_ms, middle_frame, end_frame;
  double search_ms[N_SEARCHES], search_paint_ms[N_SEARCHES];
  gint64 rss, hwm;
  static const char *const titles[] = { "Code", "Description", "On Hand", "Price",
                                        "Reorder Level", "Last Change" };

  /* The same columns as the lazy view: a StkTableView's column factories on our model. */
  {
    StkTableView *donor = STK_TABLE_VIEW (stk_table_view_new (STK_TABLE_KIND_ITEMS));
    GListModel *columns;

    g_object_ref_sink (donor);
    column_view = gtk_column_view_new (NULL);
    columns = gtk_column_view_get_columns (stk_table_view_get_column_view (donor));
    for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
      {
        g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, i);
        GtkColumnViewColumn *copy =
          gtk_column_view_column_new (titles[i], g_object_ref (gtk_column_view_column_get_factory (c)));

        gtk_column_view_column_set_expand (copy, gtk_column_view_column_get_expand (c));
        gtk_column_view_append_column (GTK_COLUMN_VIEW (column_view), copy);
        g_object_unref (copy);
      }
    g_object_unref (donor);
  }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), column_view);
  shell_init (&shell, scrolled);
  shell.column_view = GTK_COLUMN_VIEW (column_view);
  shell.adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (column_view));

  start = g_get_monotonic_time ();
  {
    sqlite3 *db = stk_store_acquire (store, &error);
    g_autoptr(GArray) rows = stk_pager_fetch (db, query, NULL, 0, G_MAXUINT, &error);
    g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);

    stk_store_release (store, db);
    g_assert (rows != NULL);
    for (guint i = 0; i < rows->len; i++)
      g_ptr_array_add (objects, stk_row_new_from_pager (STK_PAGER_ITEMS,
                                                        &g_array_index (rows, StkPagerRow, i)));
    g_list_store_splice (list, 0, 0, objects->pdata, objects->len);
  }
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (list), NULL);
  selection = gtk_single_selection_new (G_LIST_MODEL (filtered));
  gtk_column_view_set_model (GTK_COLUMN_VIEW (column_view), GTK_SELECTION_MODEL (selection));
  gtk_window_present (GTK_WINDOW (shell.window));
  shell_connect_clock (&shell);
  wait_paints (1);
  first_ms = ms_since (start);
  wait_paints (2);
  if (g_list_model_get_n_items (G_LIST_MODEL (list)) != expected)
    {
      g_printerr ("store: %u rows, expected %" G_GUINT64_FORMAT "\n",
                  g_list_model_get_n_items (G_LIST_MODEL (list)), expected);
      return 1;
    }

  jump (&shell, 0.5, &middle_frame);
  jump (&shell, 1.0, &end_frame);

  search_word = words->pdata[0];
  gtk_filter_list_model_set_filter (filtered, GTK_FILTER (filter));
  for (guint i = 0; i < words->len; i++)
    {
      gint64 t;

      settle (shell.window);
      t = g_get_monotonic_time ();
      search_word = words->pdata[i];
      gtk_filter_changed (GTK_FILTER (filter), GTK_FILTER_CHANGE_DIFFERENT);
      search_ms[i] = ms_since (t);
      wait_paints (1);
      search_paint_ms[i] = ms_since (t);
      if (g_list_model_get_n_items (G_LIST_MODEL (filtered)) == 0)
        {
          g_printerr ("store: no result for “%s”\n", search_word);
          return 1;
        }
    }
  wait_paints (2);
  read_memory (&rss, &hwm);

  printf ("first_page_ms=%.1f\nfirst_rows_ms=%.1f\nready_ms=%.1f\nmiddle_load_ms=0\n"
          "end_load_ms=0\nmiddle_frame_ms=%.1f\nend_frame_ms=%.1f\nsearch_worker_p95_ms=0\n"
          "search_p50_ms=%.1f\nsearch_p95_ms=%.1f\n"
          "search_paint_p50_ms=%.1f\nsearch_paint_p95_ms=%.1f\n"
          "rss_mb=%.1f\nhwm_mb=%.1f\nrow_objects=%u\n",
          first_ms, first_ms, first_ms, middle_frame, end_frame,
          percentile (search_ms, words->len, 0.5), percentile (search_ms, words->len, 0.95),
          percentile (search_paint_ms, words->len, 0.5),
          percentile (search_paint_ms, words->len, 0.95),
          rss / 1024.0, hwm / 1024.0, stk_rows_get_n_alive ());
  return 0;
}

/* ---- the parent: data, both children, the table ---- */

static GHashTable *
run_child (const char *self_path,
           const char *mode,
           const char *db_path)
{
  const char *argv[] = { self_path, "--mode", mode, "--database", db_path, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *figures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status = 0;
  g_auto(GStrv) lines = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, &out,
                     NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("%s: %s\n", mode, error->message);
      g_hash_table_unref (figures);
      return NULL;
    }
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq = strchr (lines[i], '=');

      if (eq != NULL)
        g_hash_table_insert (figures, g_strndup (lines[i], eq - lines[i]), g_strdup (eq + 1));
    }
  return figures;
}

static double
figure (GHashTable *figures,
        const char *key)
{
  const char *v = g_hash_table_lookup (figures, key);

  return v != NULL ? g_ascii_strtod (v, NULL) : 0.0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *tmpdir = NULL;
  gint64 n_skus = 1000000;
  GOptionEntry entries[] = {
    { "mode", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &mode, NULL, NULL },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "An existing inventory", "PATH" },
    { "skus", 0, 0, G_OPTION_ARG_INT64, &n_skus, "Items to generate (default 1000000)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(StkStore) store = NULL;
  GHashTable *lazy, *plain;
  guint64 expected;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (mode != NULL)
    {
      sqlite3 *db;
      gint64 count = 0;

      gtk_init ();
      store = stk_store_new (db_path, &error);
      g_assert_no_error (error);
      db = stk_store_acquire (store, &error);
      g_assert (db != NULL);
      {
        sqlite3_stmt *stmt = NULL;

        sqlite3_prepare_v2 (db, "SELECT count(*) FROM items WHERE archived = 0", -1, &stmt, NULL);
        sqlite3_step (stmt);
        count = sqlite3_column_int64 (stmt, 0);
        sqlite3_finalize (stmt);
      }
      stk_store_release (store, db);
      expected = (guint64) count;
      return g_str_equal (mode, "lazy") ? run_lazy (store, expected) : run_store (store, expected);
    }

  if (db_path == NULL)
    {
      g_autoptr(StkWriter) writer = NULL;
      gint64 start = g_get_monotonic_time ();

      tmpdir = g_dir_make_tmp ("bench-window-XXXXXX", &error);
      g_assert_no_error (error);
      db_path = g_build_filename (tmpdir, "inventory.db", NULL);
      writer = stk_writer_new (db_path, &error);
      g_assert_no_error (error);
      if (!stk_generate (writer, (guint64) n_skus, 0, 1, NULL, NULL, &error))
        {
          g_printerr ("generate: %s\n", error->message);
          return 1;
        }
      stk_writer_close (writer, 60000, NULL);
      printf ("generated %" G_GINT64_FORMAT " items in %.1f s\n", n_skus,
              (g_get_monotonic_time () - start) / 1e6);
    }

  lazy = run_child (argv[0], "lazy", db_path);
  plain = run_child (argv[0], "store", db_path);
  if (tmpdir != NULL)
    {
      g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

      g_unlink (db_path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (tmpdir);
    }
  if (lazy == NULL || plain == NULL)
    return 1;

  {
    static const struct { const char *key; const char *label; const char *goal; } rows[] = {
      { "first_page_ms", "first rows in the model after show (ms)", "" },
      { "first_rows_ms", "first rows painted after show (ms)", "< 300" },
      { "ready_ms", "count + anchors ready / all loaded (ms)", "" },
      { "middle_load_ms", "page load, jump to middle (ms)", "< 16" },
      { "end_load_ms", "page load, jump to end (ms)", "< 16" },
      { "middle_frame_ms", "jump to middle, next frame (ms)", "" },
      { "end_frame_ms", "jump to end, next frame (ms)", "" },
      { "search_worker_p95_ms", "word search, SQL on the worker p95 (ms)", "" },
      { "search_p50_ms", "word search, result in the model p50 (ms)", "" },
      { "search_p95_ms", "word search, result in the model p95 (ms)", "< 50" },
      { "search_paint_p50_ms", "word search, result painted p50 (ms)", "" },
      { "search_paint_p95_ms", "word search, result painted p95 (ms)", "" },
      { "rss_mb", "resident memory VmRSS (MB)", "< 150" },
      { "hwm_mb", "peak resident VmHWM (MB)", "" },
      { "row_objects", "row objects alive", "" },
    };

    printf ("%-42s %12s %12s %10s %8s\n", "figure", "lazy", "GListStore", "ratio", "goal");
    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      {
        double a = figure (lazy, rows[i].key), b = figure (plain, rows[i].key);

        if (a > 0)
          printf ("%-42s %12.2f %12.2f %9.1fx %8s\n", rows[i].label, a, b, b / a, rows[i].goal);
        else
          printf ("%-42s %12.2f %12.2f %10s %8s\n", rows[i].label, a, b, "-", rows[i].goal);
      }
  }
  g_hash_table_unref (lazy);
  g_hash_table_unref (plain);
  return 0;
}
