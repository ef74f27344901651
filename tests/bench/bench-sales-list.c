/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Sales list's pager (issue 17: one row per sale, its totals over its lines): the
 * count-and-anchor scan, a page at the start, middle and end, a position and a code
 * search, on N sales of which a third have three lines (default 300 000 sales). Prints
 * the median of 5 runs of each; no threshold (figures to read, not to pass).
 *   meson test -C _build --benchmark sales-list -v
 *   _build/tests/bench/bench-sales-list --sales 1000000 */
#include "config.h"

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-pager.h"
#include "stk-test-sqlite.h"

static gint64 n_sales = 300000;

static const GOptionEntry options[] = {
  { "sales", 0, 0, G_OPTION_ARG_INT64, &n_sales, "Sales to list", "N" },
  { NULL },
};

static void
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

typedef void (*Run) (sqlite3 *db, gpointer data);

static void
measure (const char *what,
         Run         run,
         sqlite3    *db,
         gpointer    data)
{
  double ms[5];

  for (guint i = 0; i < G_N_ELEMENTS (ms); i++)
    {
      gint64 start = g_get_monotonic_time ();

      run (db, data);
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (ms, G_N_ELEMENTS (ms), sizeof ms[0], compare_double);
  g_print ("%-34s median %8.2f ms  (min %.2f, max %.2f)\n", what, ms[2], ms[0], ms[4]);
}

static StkPagerQuery *query;
static StkPagerIndex *index_;

static void
run_build (sqlite3 *db, gpointer data)
{
  g_autoptr(GError) error = NULL;
  StkPagerIndex *built = stk_pager_index_build (db, data, NULL, &error);

  if (built == NULL)
    g_error ("%s", error->message);
  stk_pager_index_unref (built);
}

static void
run_page (sqlite3 *db, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = stk_pager_fetch (db, query, index_, GPOINTER_TO_SIZE (data), 100, &error);

  if (rows == NULL || rows->len == 0)
    g_error ("no page: %s", error ? error->message : "empty");
}

static void
run_position (sqlite3 *db, gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (stk_pager_position_of (db, query, index_, GPOINTER_TO_SIZE (data), &error) < 0)
    g_error ("no position: %s", error ? error->message : "not listed");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("stk-bench-sales-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(StkPagerQuery) search = NULL;
  sqlite3 *rw, *ro;
  gint64 id = 0;
  guint64 count;

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  path = g_build_filename (dir, "bench.db", NULL);
  rw = stk_db_open (path, STK_DB_READ_WRITE, &error);
  if (rw == NULL)
    g_error ("%s", error->message);

  exec (rw, "BEGIN");
  exec (rw, "UPDATE settings SET value = 1 WHERE key = 'allow_negative_stock'");
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO items (code, description, unit_price_cents,"
                                              " created_at, updated_at) VALUES ('IT-%04u', 'Item %u',"
                                              " %u, 1, 1)", i, i, 100 + i);
      exec (rw, sql);
    }
  for (gint64 s = 0; s < n_sales; s++)
    {
      g_autofree char *sql =
        g_strdup_printf ("INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at)"
                         " VALUES (%" G_GINT64_FORMAT ", 's%" G_GINT64_FORMAT "', %d, 1, 100, %"
                         G_GINT64_FORMAT ")", ++id, s, (int) (s % 1000) + 1, s);
      gint64 first = id;

      exec (rw, sql);
      if (s % 3 == 0)
        for (int l = 2; l <= 3; l++)
          {
            g_autofree char *line =
              g_strdup_printf ("INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents,"
                               " sold_at, first_line) VALUES (%" G_GINT64_FORMAT ", 's%"
                               G_GINT64_FORMAT "#%d', %d, 2, 50, %" G_GINT64_FORMAT ", %"
                               G_GINT64_FORMAT ")", ++id, s, l, (int) ((s + l) % 1000) + 1, s, first);
            exec (rw, line);
          }
    }
  exec (rw, "COMMIT");
  ro = stk_db_open (path, STK_DB_READ_ONLY, &error);
  if (ro == NULL)
    g_error ("%s", error->message);

  query = stk_pager_query_new (STK_PAGER_SALES, NULL, FALSE, NULL, &error);
  index_ = stk_pager_index_build (ro, query, NULL, &error);
  count = stk_pager_index_get_count (index_);
  g_print ("bench-sales-list: SQLite %s, %" G_GUINT64_FORMAT " sales, %" G_GINT64_FORMAT " lines\n",
           sqlite3_libversion (), count, id);

  measure ("count and anchors (scan)", run_build, ro, query);
  measure ("page of 100 at the start", run_page, ro, GSIZE_TO_POINTER (0));
  measure ("page of 100 in the middle", run_page, ro, GSIZE_TO_POINTER (count / 2));
  measure ("page of 100 at the end", run_page, ro, GSIZE_TO_POINTER (count - 100));
  measure ("position of the oldest sale", run_position, ro, GSIZE_TO_POINTER (1));
  search = stk_pager_query_new (STK_PAGER_SALES, NULL, FALSE, "IT-000", &error);
  measure ("search \"IT-000\" (any line)", run_build, ro, search);

  stk_pager_index_unref (index_);
  stk_pager_query_unref (query);
  stk_db_close (ro);
  stk_db_close (rw);
  stk_test_rmdir (dir);
  return 0;
}
