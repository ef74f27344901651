/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-scan: the till's data path on a large inventory (default 1 000 000 items and
 * 2 000 000 barcodes, issue 17).
 *
 *  1. The inventory. Made once and kept in ~/.cache/stocktake-bench/scan-N.db (as the
 *     launch benchmark keeps its inventories; --fresh makes one in a temporary folder
 *     instead, --cache DIR elsewhere). A shortcut, not the program's path: the file is
 *     created and migrated by StkWriter, then the rows are put in by raw SQL in one
 *     transaction — N items, two barcodes each (a UPC-A and an EAN-13 for a case of 6,
 *     with their GS1 check digits), their keys computed in C by stk_barcode_key() and
 *     checked again by the schema's trigger, and an opening stock of the first 5 000
 *     items as receive movements (the schema's triggers keep on-hand). What is timed
 *     below does not depend on how the rows got there; only the writer's bulk path is
 *     skipped, to keep the set-up at seconds, not minutes.
 *  2. Scans: --scans (10 000) random barcodes, each in one of the spellings a scanner
 *     sends (UPC-A as 12, 13 or 14 digits, EAN-13 as 13 or 14), looked up through
 *     stk_store_item_by_scan() — the read that a scan does before its line appears in
 *     the sale (the data part of "a scan adds its line"; the widget's part is not
 *     here). Right after each, the baseline independent of the project's code: a point
 *     lookup of the same key, precomputed, in a plain SQLite table
 *     (key TEXT PRIMARY KEY, item_id) of all the barcodes' keys, in a file of its own.
 *     p50 / p95 / p99 / max of both and their ratio; the goal is p99 < 16 ms.
 *  3. A sale of 50 lines (codes and barcodes, a case among them) through
 *     stk_op_sell() and StkWriter, --sales (20) times: the time from submit to commit,
 *     and, from the writer's figures (StkWriterFigures.batches / .committed), that each
 *     sale was one op committed in exactly one transaction — asserted: exit status 1
 *     otherwise. One more sale before them warms the writer up, untimed. Each run adds these sales to the kept inventory (a few units of stock
 *     each; the first 5 000 items start with 1 000 000 each).
 *
 * Timings are printed, not asserted. Exit status 1 when a lookup fails, finds the
 * wrong item or pack, or a sale is not one transaction.
 *
 * `meson test -C _build --benchmark scan -v`; the smoke test runs --items 20000
 * --scans 2000 --sales 3 --fresh.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stk-barcode.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-store.h"
#include "stk-writer.h"

#define STOCKED_ITEMS 5000
#define SALE_LINES    50

static gint64 n_items = 1000000;
static int n_scans = 10000;
static int n_sales = 20;
static gboolean fresh;
static char *cache_dir;

static const GOptionEntry entries[] = {
  { "items", 0, 0, G_OPTION_ARG_INT64, &n_items, "Items of the inventory (two barcodes each)", "N" },
  { "scans", 0, 0, G_OPTION_ARG_INT, &n_scans, "Random barcodes looked up (10000)", "K" },
  { "sales", 0, 0, G_OPTION_ARG_INT, &n_sales, "Sales of 50 lines committed (20)", "S" },
  { "cache", 0, 0, G_OPTION_ARG_FILENAME, &cache_dir,
    "Keep the inventory in DIR (default ~/.cache/stocktake-bench)", "DIR" },
  { "fresh", 0, 0, G_OPTION_ARG_NONE, &fresh, "Make the inventory in a temporary folder", NULL },
  { NULL }
};

/* The barcodes of item @i (1-based): a UPC-A "1" + 10 digits of i + check, and an
 * EAN-13 "40" + 10 digits of i + check (pack 6). */
static void
upc_a_of (gint64 i,
          char   out[13])
{
  g_snprintf (out, 13, "1%010" G_GINT64_FORMAT, i);
  out[11] = (char) ('0' + stk_barcode_check_digit (out, 11));
  out[12] = '\0';
}

static void
ean_13_of (gint64 i,
           char   out[14])
{
  g_snprintf (out, 14, "40%010" G_GINT64_FORMAT, i);
  out[12] = (char) ('0' + stk_barcode_check_digit (out, 12));
  out[13] = '\0';
}

static gboolean
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      fprintf (stderr, "bench-scan: %s: %s\n", sql, message);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    fprintf (stderr, "bench-scan: %s: %s\n", sql, sqlite3_errmsg (db));
  return stmt;
}

static gboolean
step_done (sqlite3      *db,
           sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fprintf (stderr, "bench-scan: %s\n", sqlite3_errmsg (db));
      return FALSE;
    }
  return TRUE;
}

/* The inventory and the baseline's table, by raw SQL (see the top of the file). */
static gboolean
build (const char *path,
       const char *baseline_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree char *tmp = g_strconcat (path, ".part", NULL);
  g_autofree char *tmp_base = g_strconcat (baseline_path, ".part", NULL);
  sqlite3 *db = NULL;
  sqlite3 *base = NULL;
  sqlite3_stmt *item = NULL, *barcode = NULL, *movement = NULL, *key = NULL;
  gint64 now = g_get_real_time ();
  gboolean ok;

  g_unlink (tmp);
  g_unlink (tmp_base);
  /* Created and migrated to the current format by the writer; this also registers the
   * SQL functions (stk_code_key, stk_barcode_key) on every connection opened after. */
  if (!(writer = stk_writer_new (tmp, &error)) || !stk_writer_close (writer, 10000, &error))
    {
      fprintf (stderr, "bench-scan: %s\n", error->message);
      return FALSE;
    }
  g_clear_object (&writer);

  if (sqlite3_open (tmp, &db) != SQLITE_OK || sqlite3_open (tmp_base, &base) != SQLITE_OK)
    return FALSE;
  ok = exec (db, "PRAGMA synchronous = OFF; PRAGMA cache_size = -200000; BEGIN") &&
       exec (base, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;"
                   "CREATE TABLE k (key TEXT PRIMARY KEY, item_id INTEGER NOT NULL); BEGIN") &&
       (item = prepare (db, "INSERT INTO items (id, code, description, unit_price_cents,"
                            " reorder_level, created_at, updated_at)"
                            " VALUES (?1, ?2, ?3, ?4, 0, ?5, ?5)")) &&
       (barcode = prepare (db, "INSERT INTO barcodes (key, code, item_id, pack)"
                               " VALUES (?1, ?2, ?3, ?4)")) &&
       (movement = prepare (db, "INSERT INTO movements (item_id, kind, quantity, balance,"
                                " reason, moved_at) VALUES (?1, 'receive', 1000000, 1000000,"
                                " 'Opening stock', ?2)")) &&
       (key = prepare (base, "INSERT INTO k (key, item_id) VALUES (?1, ?2)"));

  for (gint64 i = 1; ok && i <= n_items; i++)
    {
      char code[32], description[64], upc[13], ean[14];
      const char *codes[2] = { upc, ean };

      g_snprintf (code, sizeof code, "SCAN-%07" G_GINT64_FORMAT, i);
      g_snprintf (description, sizeof description, "Scanned thing number %" G_GINT64_FORMAT, i);
      upc_a_of (i, upc);
      ean_13_of (i, ean);
      sqlite3_bind_int64 (item, 1, i);
      sqlite3_bind_text (item, 2, code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (item, 3, description, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (item, 4, 100 + i % 5000);
      sqlite3_bind_int64 (item, 5, now);
      ok = step_done (db, item);
      for (guint b = 0; ok && b < 2; b++)
        {
          g_autofree char *k = stk_barcode_key (codes[b]);

          sqlite3_bind_text (barcode, 1, k, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (barcode, 2, codes[b], -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (barcode, 3, i);
          sqlite3_bind_int64 (barcode, 4, b == 0 ? 1 : 6);
          sqlite3_bind_text (key, 1, k, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (key, 2, i);
          ok = step_done (db, barcode) && step_done (base, key);
        }
      if (ok && i <= STOCKED_ITEMS)
        {
          sqlite3_bind_int64 (movement, 1, i);
          sqlite3_bind_int64 (movement, 2, now);
          ok = step_done (db, movement);
        }
    }
  sqlite3_finalize (item);
  sqlite3_finalize (barcode);
  sqlite3_finalize (movement);
  sqlite3_finalize (key);
  ok = ok && exec (db, "COMMIT; PRAGMA wal_checkpoint (TRUNCATE); ANALYZE") &&
       exec (base, "COMMIT; PRAGMA wal_checkpoint (TRUNCATE)");
  sqlite3_close (db);
  sqlite3_close (base);
  if (!ok)
    return FALSE;
  if (g_rename (tmp, path) != 0 || g_rename (tmp_base, baseline_path) != 0)
    {
      fprintf (stderr, "bench-scan: cannot rename into %s\n", path);
      return FALSE;
    }
  printf ("bench-scan: made %" G_GINT64_FORMAT " items, %" G_GINT64_FORMAT
          " barcodes and the baseline table in %.1f s\n",
          n_items, 2 * n_items, g_timer_elapsed (timer, NULL));
  return TRUE;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
at (GArray *sorted,
    double  fraction)
{
  guint i = (guint) (sorted->len * fraction);

  return g_array_index (sorted, double, MIN (i, sorted->len - 1));
}

static void
print_times (const char *what,
             GArray     *ms)
{
  g_array_sort (ms, cmp_double);
  printf ("  %-34s p50 %7.3f ms  p95 %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", what,
          at (ms, 0.50), at (ms, 0.95), at (ms, 0.99), g_array_index (ms, double, ms->len - 1));
}

/* One random barcode of item @i in one of the spellings a scanner sends. */
static void
random_spelling (GRand  *rand,
                 gint64  i,
                 char    out[16],
                 gint64 *out_pack)
{
  char upc[13], ean[14];

  upc_a_of (i, upc);
  ean_13_of (i, ean);
  switch (g_rand_int_range (rand, 0, 5))
    {
    case 0: g_snprintf (out, 16, "%s", upc); *out_pack = 1; break;
    case 1: g_snprintf (out, 16, "0%s", upc); *out_pack = 1; break;
    case 2: g_snprintf (out, 16, "00%s", upc); *out_pack = 1; break;
    case 3: g_snprintf (out, 16, "%s", ean); *out_pack = 6; break;
    default: g_snprintf (out, 16, "0%s", ean); *out_pack = 6; break;
    }
}

static gboolean
bench_scans (const char *path,
             const char *baseline_path,
             GRand      *rand)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GArray) ours = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) base_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) packs = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3 *base = NULL;
  sqlite3_stmt *lookup = NULL;
  gboolean ok = TRUE;
  double p99_ours, p99_base, p50_ours, p50_base;

  if (!(store = stk_store_new (path, &error)))
    {
      fprintf (stderr, "bench-scan: %s\n", error->message);
      return FALSE;
    }
  if (sqlite3_open_v2 (baseline_path, &base, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      !(lookup = prepare (base, "SELECT item_id FROM k WHERE key = ?1")))
    return FALSE;

  /* The scans and the baseline's keys, drawn and computed before any timing. */
  for (int s = 0; s < n_scans; s++)
    {
      char text[16];
      gint64 item = g_rand_int_range (rand, 1, (gint32) MIN (n_items, G_MAXINT32 - 1) + 1);
      gint64 pack = 1;

      random_spelling (rand, item, text, &pack);
      g_ptr_array_add (texts, g_strdup (text));
      g_ptr_array_add (keys, stk_barcode_key (text));
      g_array_append_val (expected, item);
      g_array_append_val (packs, pack);
    }

  /* A few of each to warm the page cache and the connections, untimed. */
  for (int s = 0; s < MIN (n_scans, 200); s++)
    {
      g_auto(StkItemInfo) info = { 0 };
      gint64 pack = 0;

      stk_store_item_by_scan (store, g_ptr_array_index (texts, s), &info, &pack, NULL);
    }

  for (int s = 0; ok && s < n_scans; s++)
    {
      g_auto(StkItemInfo) info = { 0 };
      gint64 pack = 0, found = 0;
      gint64 t0, t1, t2;
      double ms;

      t0 = g_get_monotonic_time ();
      ok = stk_store_item_by_scan (store, g_ptr_array_index (texts, s), &info, &pack, &error);
      t1 = g_get_monotonic_time ();
      sqlite3_bind_text (lookup, 1, g_ptr_array_index (keys, s), -1, SQLITE_STATIC);
      if (sqlite3_step (lookup) == SQLITE_ROW)
        found = sqlite3_column_int64 (lookup, 0);
      sqlite3_reset (lookup);
      t2 = g_get_monotonic_time ();

      if (!ok)
        fprintf (stderr, "bench-scan: scan of %s: %s\n", (char *) g_ptr_array_index (texts, s),
                 error->message);
      else if (info.id != g_array_index (expected, gint64, s) ||
               pack != g_array_index (packs, gint64, s) ||
               found != g_array_index (expected, gint64, s))
        {
          fprintf (stderr, "bench-scan: %s found item %" G_GINT64_FORMAT " pack %" G_GINT64_FORMAT
                   " (baseline %" G_GINT64_FORMAT "), not %" G_GINT64_FORMAT "\n",
                   (char *) g_ptr_array_index (texts, s), info.id, pack, found,
                   g_array_index (expected, gint64, s));
          ok = FALSE;
        }
      ms = (double) (t1 - t0) / 1000.0;
      g_array_append_val (ours, ms);
      ms = (double) (t2 - t1) / 1000.0;
      g_array_append_val (base_ms, ms);
    }
  sqlite3_finalize (lookup);
  sqlite3_close (base);
  if (!ok)
    return FALSE;

  printf ("Scans: %d random barcodes (UPC-A as 12/13/14 digits, EAN-13 as 13/14)\n", n_scans);
  print_times ("stk_store_item_by_scan", ours);
  print_times ("baseline: key TEXT PRIMARY KEY", base_ms);
  p50_ours = at (ours, 0.50);
  p99_ours = at (ours, 0.99);
  p50_base = at (base_ms, 0.50);
  p99_base = at (base_ms, 0.99);
  printf ("  ratio to the baseline: p50 %.1f×, p99 %.1f×; goal p99 < 16 ms: %s\n",
          p50_base > 0 ? p50_ours / p50_base : 0.0, p99_base > 0 ? p99_ours / p99_base : 0.0,
          p99_ours < 16.0 ? "met" : "NOT met");
  return TRUE;
}

static gboolean
bench_sales (const char *path,
             GRand      *rand)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  gboolean ok = TRUE;
  gint64 stocked = MIN (n_items, STOCKED_ITEMS);

  if (!(writer = stk_writer_new (path, &error)))
    {
      fprintf (stderr, "bench-scan: %s\n", error->message);
      return FALSE;
    }

  /* Sale -1 warms the writer's connection and the pages up, untimed (but checked). */
  for (int s = -1; ok && s < n_sales; s++)
    {
      g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(StkOp) op = NULL;
      StkSaleLineSpec lines[SALE_LINES];
      StkWriterFigures before, after;
      gint64 t0;
      double t;

      for (guint l = 0; l < SALE_LINES; l++)
        {
          gint64 item = g_rand_int_range (rand, 1, (gint32) stocked + 1);
          char text[16];
          gint64 pack;

          /* One line in five by item code, the others by a barcode (a case of 6 among them). */
          if (l % 5 == 0)
            g_snprintf (text, sizeof text, "SCAN-%07" G_GINT64_FORMAT, item);
          else
            random_spelling (rand, item, text, &pack);
          g_ptr_array_add (codes, g_strdup (text));
          lines[l] = (StkSaleLineSpec) { g_ptr_array_index (codes, l), 1, -1, 0 };
        }
      op = stk_op_sell (lines, SALE_LINES, "card", NULL, 0);

      stk_writer_get_figures (writer, &before);
      t0 = g_get_monotonic_time ();
      ok = stk_writer_submit_sync (writer, op, &error);
      t = (double) (g_get_monotonic_time () - t0) / 1000.0;
      stk_writer_get_figures (writer, &after);
      if (!ok)
        {
          fprintf (stderr, "bench-scan: sale %d: %s\n", s + 1, error->message);
          break;
        }
      if (after.batches - before.batches != 1 || after.committed - before.committed != 1)
        {
          fprintf (stderr, "bench-scan: a sale of %d lines took %" G_GUINT64_FORMAT
                   " transactions for %" G_GUINT64_FORMAT " ops, not one\n", SALE_LINES,
                   after.batches - before.batches, after.committed - before.committed);
          ok = FALSE;
        }
      if (s >= 0)
        g_array_append_val (ms, t);
    }
  if (!stk_writer_close (writer, 10000, ok ? &error : NULL) && ok)
    {
      fprintf (stderr, "bench-scan: %s\n", error->message);
      ok = FALSE;
    }
  if (ms->len > 0)
    {
      g_autofree char *label = g_strdup_printf ("sale of %d lines, submit to commit", SALE_LINES);

      printf ("Sales: %u, each one op in one transaction (writer figures): %s\n", ms->len,
              ok ? "yes" : "NO");
      print_times (label, ms);
    }
  return ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— barcode scans and sales");
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *baseline_path = NULL;
  g_autofree char *name = NULL;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-scan: %s\n", error->message);
      return 2;
    }
  if (n_items < 1 || n_items > 99999999 || n_scans < 1 || n_sales < 0)
    {
      fprintf (stderr, "bench-scan: --items from 1 to 99999999, --scans ≥ 1, --sales ≥ 0\n");
      return 2;
    }

  if (fresh)
    dir = g_dir_make_tmp ("bench-scan-XXXXXX", NULL);
  else
    dir = cache_dir != NULL ? g_strdup (cache_dir)
                            : g_build_filename (g_get_user_cache_dir (), "stocktake-bench", NULL);
  if (dir == NULL || g_mkdir_with_parents (dir, 0700) != 0)
    {
      fprintf (stderr, "bench-scan: no folder for the inventory\n");
      return 1;
    }
  name = g_strdup_printf ("scan-%" G_GINT64_FORMAT ".db", n_items);
  path = g_build_filename (dir, name, NULL);
  g_free (name);
  name = g_strdup_printf ("scan-%" G_GINT64_FORMAT "-baseline.db", n_items);
  baseline_path = g_build_filename (dir, name, NULL);

  printf ("bench-scan: SQLite %s, %" G_GINT64_FORMAT " items, %" G_GINT64_FORMAT
          " barcodes, in %s\n", sqlite3_libversion (), n_items, 2 * n_items, path);
  ok = (g_file_test (path, G_FILE_TEST_EXISTS) && g_file_test (baseline_path, G_FILE_TEST_EXISTS)) ||
       build (path, baseline_path);
  ok = ok && bench_scans (path, baseline_path, rand);
  ok = ok && bench_sales (path, rand);

  if (fresh)
    {
      const char *suffixes[] = { "", "-wal", "-shm", ".lock" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *a = g_strconcat (path, suffixes[i], NULL);
          g_autofree char *b = g_strconcat (baseline_path, suffixes[i], NULL);

          g_unlink (a);
          g_unlink (b);
        }
      g_rmdir (dir);
    }
  return ok ? 0 : 1;
}
