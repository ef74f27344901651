/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-query: the read side on a large inventory (default 1 000 000 items and
 * 200 000 sales, made by stk_generate()).
 *
 *  1. The upgrade from format 3 to the current one: the generated file is turned back
 *     into a format-3 one (the version-4 and -5 objects dropped), then opened for writing,
 *     which runs the migrations (4: word index rebuilt, six sort indexes, sale_voids;
 *     5: every item's code key) in one transaction.
 *  2. Word searches, as the item list runs them while the user types, for whole words
 *     and prefixes: the number of matches; the first page of 100 rows in id order
 *     (ORDER BY the FTS rowid, LIMIT in the FTS scan); and the first page sorted by
 *     code (every match joined, then sorted).
 *  3. Code completion and the reports of 30 and 365 days.
 *
 * Output: one line per query with p50 / p95 / max over the repetitions. Timings are
 * printed, not asserted; the exit status is 1 only when a query fails or a search
 * finds nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stk-db.h"
#include "stk-maintenance.h"
#include "stk-query.h"
#include "stk-schema.h"
#include "stk-sqlite-private.h"
#include "../stk-test-sqlite.h"
#include "stk-store.h"
#include "stk-writer.h"

#define PAGE_ROWS 100

static guint64 n_skus = 1000000;
static guint64 n_sales = 200000;
static int repeats = 20;
static char *keep_path;

static const char *const searches[] = {
  "notebook", "handle", "lotion", "blue", "premium", "spiral notebook",
  "no*", "not*", "noteb*", "bl*", "han*", "wirel*", "lo*", "xyzzy*",
};

static const GOptionEntry entries[] = {
  { "skus", 0, 0, G_OPTION_ARG_INT64, &n_skus, "Items to generate", "N" },
  { "sales", 0, 0, G_OPTION_ARG_INT64, &n_sales, "Sales to generate", "M" },
  { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Runs of each query", "R" },
  { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep_path, "Write the inventory here and keep it", "PATH" },
  { NULL }
};

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_times (const char *what,
             GArray     *ms,
             gint64      rows)
{
  g_array_sort (ms, cmp_double);
  printf ("  %-44s rows %8" G_GINT64_FORMAT "  p50 %7.2f ms  p95 %7.2f ms  max %7.2f ms\n", what,
          rows, g_array_index (ms, double, ms->len / 2),
          g_array_index (ms, double, MIN (ms->len - 1, (guint) (ms->len * 0.95))),
          g_array_index (ms, double, ms->len - 1));
}

/* Runs sql with ?1 = arg `repeats` times, stepping every row; returns the row count. */
static gint64
time_query (sqlite3    *db,
            const char *label,
            const char *sql,
            const char *arg,
            gboolean   *failed)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  sqlite3_stmt *stmt = NULL;
  gint64 rows = 0;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "%s: %s\n", label, sqlite3_errmsg (db));
      *failed = TRUE;
      return -1;
    }
  for (int r = 0; r < repeats; r++)
    {
      gint64 start = g_get_monotonic_time ();
      double t;
      int rc;

      rows = 0;
      sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        rows = g_str_has_prefix (sql, "SELECT count(") ? sqlite3_column_int64 (stmt, 0) : rows + 1;
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          fprintf (stderr, "%s: %s\n", label, sqlite3_errmsg (db));
          *failed = TRUE;
          break;
        }
      t = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (ms, t);
    }
  sqlite3_finalize (stmt);
  if (ms->len > 0)
    print_times (label, ms, rows);
  return rows;
}

/* Turns a current inventory back into format 3, as an older Stocktake left it. */
static gboolean
downgrade_to_v3 (const char *path)
{
  sqlite3 *db = NULL;
  int rc;

  if (sqlite3_open (path, &db) != SQLITE_OK)
    return FALSE;
  rc = sqlite3_exec (db,
                     "BEGIN;"
                     "DROP TRIGGER items_code_key_insert; DROP TRIGGER items_code_key_update;"
                     "DROP INDEX items_code_key;"
                     "DELETE FROM settings WHERE key = 'code_collisions_notice';"
                     "DROP TRIGGER items_fts_insert; DROP TRIGGER items_fts_delete;"
                     "DROP TRIGGER items_fts_update; DROP TABLE items_fts; DROP VIEW items_active;"
                     "DROP INDEX items_sort_code; DROP INDEX items_sort_description; DROP INDEX items_sort_on_hand;"
                     "DROP INDEX items_sort_price; DROP INDEX items_sort_reorder;"
                     "DROP INDEX items_sort_updated;"
                     "DROP TRIGGER sale_voids_apply; DROP TRIGGER sale_voids_no_update;"
                     "DROP TRIGGER sale_voids_no_delete; DROP TABLE sale_voids;"
                     "ALTER TABLE items DROP COLUMN code_key;"
                     "PRAGMA user_version = 3;"
                     "COMMIT;"
                     "VACUUM;"
                     "PRAGMA wal_checkpoint(TRUNCATE);",
                     NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    fprintf (stderr, "downgrade: %s\n", sqlite3_errmsg (db));
  sqlite3_close (db);
  return rc == SQLITE_OK;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— read-side benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  gboolean failed = FALSE;
  gint64 start;
  sqlite3 *db;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  repeats = MAX (repeats, 1);

  if (keep_path != NULL)
    path = g_strdup (keep_path);
  else
    {
      dir = g_dir_make_tmp ("bench-query-XXXXXX", &error);
      if (dir == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      path = g_build_filename (dir, "inventory.db", NULL);
    }

  printf ("bench-query: SQLite %s, %" G_GUINT64_FORMAT " items, %" G_GUINT64_FORMAT " sales\n",
          sqlite3_libversion (), n_skus, n_sales);
  start = g_get_monotonic_time ();
  if (!(writer = stk_writer_new (path, &error)) ||
      !stk_generate (writer, n_skus, n_sales, 7, NULL, NULL, &error) ||
      !stk_writer_close (writer, 10000, &error))
    {
      fprintf (stderr, "generate: %s\n", error->message);
      return 1;
    }
  g_clear_object (&writer);
  printf ("  generated in %.1f s\n", (g_get_monotonic_time () - start) / 1e6);

  /* 1. The migration. */
  if (!downgrade_to_v3 (path))
    return 1;
  start = g_get_monotonic_time ();
  db = stk_db_open (path, STK_DB_READ_WRITE, &error);
  if (db == NULL)
    {
      fprintf (stderr, "migrate: %s\n", error->message);
      return 1;
    }
  printf ("  upgrade from format 3 to %d: %.2f s\n", STK_SCHEMA_VERSION, (g_get_monotonic_time () - start) / 1e6);
  stk_db_close (db);

  /* 2. Searches. */
  if (!(store = stk_store_new (path, &error)) || !(db = stk_store_acquire (store, &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  /* Warm the caches once, as a window that shows the list has. */
  time_query (db, "warm-up: count(*) FROM items", "SELECT count(*) FROM items WHERE ?1 IS NOT NULL", "x", &failed);

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      const char *m = searches[i];
      g_autofree char *l1 = g_strdup_printf ("“%s” count", m);
      g_autofree char *l2 = g_strdup_printf ("“%s” first page, id order", m);
      g_autofree char *l3 = g_strdup_printf ("“%s” first page, code order", m);
      gint64 n;

      printf ("\n");
      n = time_query (db, l1, "SELECT count(*) FROM items_fts WHERE items_fts MATCH ?1", m, &failed);
      time_query (db, l2,
                  "SELECT i.id, i.code, i.description, i.on_hand, i.unit_price_cents,"
                  " i.reorder_level, i.updated_at FROM items_fts f JOIN items i ON i.id = f.rowid"
                  " WHERE items_fts MATCH ?1 AND i.archived = 0 ORDER BY f.rowid LIMIT 100",
                  m, &failed);
      time_query (db, l3,
                  "SELECT i.id, i.code, i.description, i.on_hand, i.unit_price_cents,"
                  " i.reorder_level, i.updated_at FROM items_fts f JOIN items i ON i.id = f.rowid"
                  " WHERE items_fts MATCH ?1 AND i.archived = 0 ORDER BY i.code, i.id LIMIT 100",
                  m, &failed);
      if (n == 0 && !g_str_has_prefix (m, "xyzzy"))
        {
          fprintf (stderr, "“%s” found nothing\n", m);
          failed = TRUE;
        }
    }

  /* 3. Completion and reports. */
  printf ("\n");
  {
    g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
    guint n = 0;

    for (int r = 0; r < repeats; r++)
      {
        gint64 t0 = g_get_monotonic_time ();
        g_auto(GStrv) codes = stk_query_complete_codes (db, r % 2 ? "of-0012" : "EL-", 10, &error);
        double t = (g_get_monotonic_time () - t0) / 1000.0;

        if (codes == NULL)
          {
            fprintf (stderr, "complete: %s\n", error->message);
            return 1;
          }
        n = g_strv_length (codes);
        g_array_append_val (ms, t);
      }
    print_times ("complete codes (10)", ms, n);
  }
  for (guint days = 30; days <= 365; days = days == 30 ? 365 : 1000)
    {
      g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
      g_autofree char *label = g_strdup_printf ("report, %u days", days);
      gint64 total = 0;

      for (int r = 0; r < MAX (repeats / 4, 1); r++)
        {
          gint64 t0 = g_get_monotonic_time ();
          g_autoptr(StkReport) report = stk_query_report (db, days, 10, 0, &error);
          double t = (g_get_monotonic_time () - t0) / 1000.0;

          if (report == NULL)
            {
              fprintf (stderr, "report: %s\n", error->message);
              return 1;
            }
          total = report->total_quantity;
          g_array_append_val (ms, t);
        }
      print_times (label, ms, total);
    }

  stk_store_release (store, db);
  g_clear_object (&store);
  if (dir != NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
  return failed ? 1 : 0;
}
