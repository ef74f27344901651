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
 *  3. Many different searches (--words, 200) as the Items list runs them: the query
 *     words are drawn from the generated descriptions' own vocabulary (whole words,
 *     prefixes of 2 letters or more, and pairs of words of one description); each is
 *     timed through stk_store_list() — the index of the search (count and order) and
 *     its first page, as StkTableModel asks for them, ordered by the kept index of the
 *     whole list — and, right after it, through the eager reference independent of the
 *     project's code: every item (code order) held in memory as one casefolded string
 *     and filtered by a substring test of each word. That is the floor of an eager list
 *     (a GListStore under a GtkFilterListModel does the same plus a GObject and a filter
 *     call per row, and holds every row in memory). A plain SQLite LIKE scan is timed on
 *     every tenth word. p50 / p95 / max of each, the same for the searches whose words
 *     all have 2 letters or more, and the slowest words.
 *  4. Code completion and the reports of 30 and 365 days.
 *
 * Output: one line per query with p50 / p95 / max over the repetitions. Timings are
 * printed, not asserted; the exit status is 1 only when a query fails or a search
 * finds nothing.
 *
 * --inventory PATH uses an existing inventory as it is (nothing generated, no upgrade
 * timed): the same searches on a file made once, e.g. by `stocktake generate`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stk-db.h"
#include "stk-reads.h"
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
static int n_words = 200;
static char *keep_path;
static char *inventory_path;
static char *only_search;

static const char *const fixed_searches[] = {
  "notebook", "handle", "lotion", "blue", "premium", "spiral notebook",
  "no*", "not*", "noteb*", "bl*", "han*", "wirel*", "lo*", "xyzzy*",
};

static const GOptionEntry entries[] = {
  { "skus", 0, 0, G_OPTION_ARG_INT64, &n_skus, "Items to generate", "N" },
  { "sales", 0, 0, G_OPTION_ARG_INT64, &n_sales, "Sales to generate", "M" },
  { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Runs of each query", "R" },
  { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep_path, "Write the inventory here and keep it", "PATH" },
  { "inventory", 0, 0, G_OPTION_ARG_FILENAME, &inventory_path,
    "Search this existing inventory (nothing generated, no upgrade)", "PATH" },
  { "words", 0, 0, G_OPTION_ARG_INT, &n_words, "Different searches of the list (200)", "N" },
  { "search", 0, 0, G_OPTION_ARG_STRING, &only_search,
    "Only this search of the list, --repeats times (for profiling)", "TEXT" },
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
  rc = sqlite3_exec (db, "BEGIN;" STK_TEST_DOWNGRADE_TO_9_SQL, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db,
                     STK_TEST_DOWNGRADE_TO_8_SQL
                     /* schema 8: closes of the day, payment methods */
                     "DROP TABLE day_close_methods; DROP TABLE day_closes;"
                     "DELETE FROM settings WHERE key = 'payment_methods';"
                     /* schema 7: receipt numbers */
                     "DROP TABLE receipt_numbers;"
                     "DELETE FROM settings WHERE key = 'receipt_series';"
                     /* schema 6: returns, barcodes, sale lines (sales rebuilt as in v3) */
                     "DROP TABLE returns; DROP TABLE barcodes;"
                     "DROP TRIGGER sale_voids_check; DROP TRIGGER sale_voids_lines;"
                     "DROP TRIGGER sale_voids_apply; DROP TRIGGER sale_voids_no_update;"
                     "DROP TRIGGER sale_voids_no_delete; DROP TABLE sale_voids;"
                     "CREATE TABLE sales_v3 ("
                     "  id INTEGER PRIMARY KEY,"
                     "  uid TEXT NOT NULL UNIQUE,"
                     "  item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE RESTRICT,"
                     "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
                     "  unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),"
                     "  sold_at INTEGER NOT NULL"
                     ") STRICT;"
                     "INSERT INTO sales_v3 SELECT id, uid, item_id, quantity, unit_price_cents, sold_at"
                     "  FROM sales;"
                     "DROP TABLE sales; ALTER TABLE sales_v3 RENAME TO sales;"
                     "CREATE INDEX sales_sold_at ON sales (sold_at);"
                     "CREATE INDEX sales_item ON sales (item_id, sold_at);"
                     "CREATE TRIGGER sales_movement AFTER INSERT ON sales BEGIN"
                     "  INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at, sale_id)"
                     "  SELECT NEW.item_id, 'sale', -NEW.quantity, on_hand - NEW.quantity, '', NEW.sold_at, NEW.id"
                     "  FROM items WHERE id = NEW.item_id;"
                     "END;"
                     "CREATE TRIGGER sales_no_update BEFORE UPDATE ON sales "
                     "BEGIN SELECT RAISE (ABORT, 'sales cannot be changed'); END;"
                     "CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales "
                     "BEGIN SELECT RAISE (ABORT, 'sales cannot be deleted'); END;"
                     "DROP TRIGGER items_code_key_insert; DROP TRIGGER items_code_key_update;"
                     "DROP INDEX items_code_key;"
                     "DELETE FROM settings WHERE key = 'code_collisions_notice';"
                     "DROP TRIGGER items_fts_insert; DROP TRIGGER items_fts_delete;"
                     "DROP TRIGGER items_fts_update; DROP TABLE items_fts; DROP VIEW items_active;"
                     "DROP INDEX items_sort_code; DROP INDEX items_sort_description; DROP INDEX items_sort_on_hand;"
                     "DROP INDEX items_sort_price; DROP INDEX items_sort_reorder;"
                     "DROP INDEX items_sort_updated;"
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

/* ---- many searches, as the Items list runs them ---- */

typedef struct
{
  char *code;
  char *folded;  /* casefolded code and description, for the eager filter */
} EagerRow;

/* Lower-case words of @text as make_fts_match() splits them (runs of alphanumerics). */
static void
split_words (const char *text,
             GPtrArray  *out)
{
  const char *p = text;

  while (p != NULL && *p)
    {
      const char *start;

      while (*p && !g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p && g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p > start)
        {
          g_autofree char *w = g_strndup (start, p - start);

          g_ptr_array_add (out, g_utf8_strdown (w, -1));
        }
    }
}

/* @n searches drawn from the vocabulary of @descriptions. */
static GPtrArray *
draw_searches (GPtrArray *descriptions,
               guint      n)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) vocabulary = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *searches = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint i = 0; i < descriptions->len; i++)
    {
      g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);

      split_words (descriptions->pdata[i], words);
      for (guint w = 0; w < words->len; w++)
        if (!g_hash_table_contains (seen, words->pdata[w]))
          {
            g_hash_table_add (seen, g_strdup (words->pdata[w]));
            g_ptr_array_add (vocabulary, g_strdup (words->pdata[w]));
          }
    }
  printf ("  vocabulary: %u different words in %u sampled descriptions\n", vocabulary->len,
          descriptions->len);
  if (vocabulary->len == 0)
    return searches;

  for (guint i = 0; i < n; i++)
    {
      guint kind = g_rand_int_range (rand, 0, 10);
      const char *word = vocabulary->pdata[g_rand_int_range (rand, 0, vocabulary->len)];
      glong len = g_utf8_strlen (word, -1);

      if (kind < 5 || (kind < 8 && len < 3))
        g_ptr_array_add (searches, g_strdup (word));                  /* a whole word */
      else if (kind < 8)
        {
          glong cut = g_rand_int_range (rand, 2, (gint32) len);        /* a prefix, 2+ */

          g_ptr_array_add (searches, g_utf8_substring (word, 0, cut));
        }
      else
        {
          /* Two words of one description, the second maybe cut as while typing. */
          g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
          const char *d = descriptions->pdata[g_rand_int_range (rand, 0, descriptions->len)];

          split_words (d, words);
          if (words->len < 2)
            g_ptr_array_add (searches, g_strdup (word));
          else
            {
              guint a = g_rand_int_range (rand, 0, words->len - 1);
              const char *second = words->pdata[a + 1];
              glong l2 = g_utf8_strlen (second, -1);
              g_autofree char *cut = g_utf8_substring (second, 0,
                                                       l2 > 2 ? g_rand_int_range (rand, 2, (gint32) l2 + 1) : l2);

              g_ptr_array_add (searches, g_strdup_printf ("%s %s", (char *) words->pdata[a], cut));
            }
        }
    }
  return searches;
}

/* The eager list: every active item, in code order, held in memory. */
static GArray *
load_eager (sqlite3 *db)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (EagerRow));
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT code, description FROM items WHERE archived = 0"
                              " ORDER BY code COLLATE NOCASE, id", -1, &stmt, NULL) != SQLITE_OK)
    return rows;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 0);
      const char *description = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *both = g_strconcat (code, " ", description != NULL ? description : "", NULL);
      EagerRow r = { g_strdup (code), g_utf8_casefold (both, -1) };

      g_array_append_val (rows, r);
    }
  sqlite3_finalize (stmt);
  return rows;
}

/* The eager filter: every row holding each word of @search; returns the count, the
 * first page (the shown rows) kept as a model would. */
static guint
eager_filter (GArray     *rows,
              const char *search,
              GPtrArray  *matches)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *folded = g_utf8_casefold (search, -1);
  guint n = 0;

  g_ptr_array_set_size (matches, 0);
  split_words (folded, words);
  for (guint i = 0; i < rows->len; i++)
    {
      EagerRow *r = &g_array_index (rows, EagerRow, i);
      gboolean all = TRUE;

      for (guint w = 0; w < words->len && all; w++)
        all = strstr (r->folded, words->pdata[w]) != NULL;
      if (all)
        {
          g_ptr_array_add (matches, r);
          n++;
        }
    }
  return n;
}

/* A plain SQLite scan: count and first page of the LIKE matches, in code order. */
static gint64
like_scan (sqlite3    *db,
           const char *search,
           gboolean   *failed)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) where = g_string_new ("archived = 0");
  sqlite3_stmt *stmt = NULL;
  g_autofree char *count_sql = NULL;
  g_autofree char *page_sql = NULL;
  gint64 count = -1;

  split_words (search, words);
  for (guint w = 0; w < words->len; w++)
    g_string_append_printf (where, " AND description LIKE '%%%s%%'", (char *) words->pdata[w]);
  count_sql = g_strdup_printf ("SELECT count(*) FROM items WHERE %s", where->str);
  page_sql = g_strdup_printf ("SELECT id, code, description FROM items WHERE %s"
                              " ORDER BY code COLLATE NOCASE, id LIMIT %d", where->str, STK_PAGER_STRIDE);
  if (sqlite3_prepare_v2 (db, count_sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (count >= 0 && sqlite3_prepare_v2 (db, page_sql, -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      ;
  sqlite3_finalize (stmt);
  if (count < 0)
    {
      fprintf (stderr, "LIKE scan of “%s”: %s\n", search, sqlite3_errmsg (db));
      *failed = TRUE;
    }
  return count;
}

/* The length of the search's shortest word (one letter: a prefix the word index has no
 * prefix index for). */
static glong
shortest_word (const char *search)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  glong shortest = G_MAXLONG;

  split_words (search, words);
  for (guint w = 0; w < words->len; w++)
    shortest = MIN (shortest, g_utf8_strlen (words->pdata[w], -1));
  return words->len > 0 ? shortest : 0;
}

typedef struct
{
  const char *search;
  double      ms;
  guint64     count;
} Timed;

static int
cmp_timed (gconstpointer a,
           gconstpointer b)
{
  double x = ((const Timed *) a)->ms, y = ((const Timed *) b)->ms;

  return x < y ? 1 : x > y ? -1 : 0;
}

static void
print_spread (const char *what,
              GArray     *ms)
{
  if (ms->len == 0)
    return;
  g_array_sort (ms, cmp_double);
  printf ("  %-52s n %4u  p50 %8.2f ms  p95 %8.2f ms  max %8.2f ms\n", what, ms->len,
          g_array_index (ms, double, ms->len / 2),
          g_array_index (ms, double, MIN (ms->len - 1, (guint) (ms->len * 0.95))),
          g_array_index (ms, double, ms->len - 1));
}

/* Section 3. */
static void
many_searches (StkStore *store,
               sqlite3  *db,
               gboolean *failed)
{
  g_autoptr(GPtrArray) descriptions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) searches = NULL;
  g_autoptr(GArray) eager = NULL;
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) ms_project = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ms_eager = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ms_like = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ms_project_tenth = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ms_project_long = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ms_eager_long = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) timed = g_array_new (FALSE, FALSE, sizeof (Timed));
  g_autoptr(GPtrArray) matches = g_ptr_array_new ();
  g_autoptr(StkPagerQuery) all = NULL;
  g_autoptr(StkListResult) whole = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = NULL;
  guint zero = 0;
  gint64 t0;

  /* The vocabulary: 2000 descriptions spread over the table. */
  if (sqlite3_prepare_v2 (db, "SELECT description FROM items WHERE archived = 0 AND"
                              " id % (1 + (SELECT max(id) FROM items) / 2000) = 0", -1, &stmt,
                          NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (descriptions, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (only_search != NULL)
    {
      searches = g_ptr_array_new_with_free_func (g_free);
      for (int r = 0; r < repeats; r++)
        g_ptr_array_add (searches, g_strdup (only_search));
    }
  else
    searches = draw_searches (descriptions, (guint) MAX (n_words, 1));

  /* The list without search, as the window shows it first: its index is kept and
   * orders every search (StkTableModel's base). */
  g_array_append_val (numbers, zero);
  all = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, &error);
  t0 = g_get_monotonic_time ();
  whole = stk_store_list (store, all, NULL, numbers, FALSE, NULL, &error);
  if (whole == NULL)
    {
      fprintf (stderr, "list: %s\n", error->message);
      *failed = TRUE;
      return;
    }
  printf ("  the whole list's index (once, the base of searches): %.1f ms, %" G_GUINT64_FORMAT
          " items\n", (g_get_monotonic_time () - t0) / 1000.0, stk_pager_index_get_count (whole->index));

  t0 = g_get_monotonic_time ();
  eager = load_eager (db);
  printf ("  the eager list loaded in memory (once): %.1f s, %u rows\n",
          (g_get_monotonic_time () - t0) / 1e6, eager->len);

  for (guint i = 0; i < searches->len; i++)
    {
      const char *search = searches->pdata[i];
      g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, search, &error);
      g_autoptr(StkListResult) r = NULL;
      Timed t = { search };
      double ms;

      t0 = g_get_monotonic_time ();
      r = stk_store_list (store, query, whole->index, numbers, FALSE, NULL, &error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      if (r == NULL)
        {
          fprintf (stderr, "search “%s”: %s\n", search, error->message);
          g_clear_error (&error);
          *failed = TRUE;
          continue;
        }
      t.ms = ms;
      t.count = stk_pager_index_get_count (r->index);
      g_array_append_val (ms_project, ms);
      g_array_append_val (timed, t);
      if (shortest_word (search) >= 2)
        g_array_append_val (ms_project_long, ms);

      t0 = g_get_monotonic_time ();
      eager_filter (eager, search, matches);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (ms_eager, ms);
      if (shortest_word (search) >= 2)
        g_array_append_val (ms_eager_long, ms);

      if (i % 10 == 0)
        {
          g_array_append_val (ms_project_tenth, t.ms);
          t0 = g_get_monotonic_time ();
          like_scan (db, search, failed);
          ms = (g_get_monotonic_time () - t0) / 1000.0;
          g_array_append_val (ms_like, ms);
        }
    }

  printf ("\n  %u different searches (words, prefixes, pairs), result in the model:\n", searches->len);
  print_spread ("stocktake: search index + first page (stk_store_list)", ms_project);
  print_spread ("eager floor: strstr over every row in memory", ms_eager);
  print_spread ("stocktake, every word 2+ letters", ms_project_long);
  print_spread ("eager floor, every word 2+ letters", ms_eager_long);
  print_spread ("stocktake, every tenth search", ms_project_tenth);
  print_spread ("plain SQLite LIKE scan (count + first page), same", ms_like);
  g_array_sort (timed, cmp_timed);
  printf ("  slowest:");
  for (guint i = 0; i < MIN (timed->len, 8); i++)
    printf ("%s “%s” %.1f ms (%" G_GUINT64_FORMAT ")", i ? "," : "",
            g_array_index (timed, Timed, i).search, g_array_index (timed, Timed, i).ms,
            g_array_index (timed, Timed, i).count);
  printf ("\n");

  for (guint i = 0; i < eager->len; i++)
    {
      g_free (g_array_index (eager, EagerRow, i).code);
      g_free (g_array_index (eager, EagerRow, i).folded);
    }
}

/* The machine's load average (1, 5, 15 minutes), printed with the figures: the machine
 * may be shared. */
static void
print_load (const char *when)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return;
  fields = g_strsplit (text, " ", 4);
  if (g_strv_length (fields) >= 3)
    printf ("load average %s: %s %s %s\n", when, fields[0], fields[1], fields[2]);
  fflush (stdout);
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

  if (inventory_path != NULL)
    path = g_strdup (inventory_path);
  else if (keep_path != NULL)
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

  if (inventory_path != NULL)
    printf ("bench-query: SQLite %s, the inventory %s\n", sqlite3_libversion (), inventory_path);
  else
    printf ("bench-query: SQLite %s, %" G_GUINT64_FORMAT " items, %" G_GUINT64_FORMAT " sales\n",
            sqlite3_libversion (), n_skus, n_sales);
  print_load ("at start");
  start = g_get_monotonic_time ();
  if (inventory_path == NULL)
    {
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
    }

  /* 2. Searches. */
  if (!(store = stk_store_new (path, &error)) || !(db = stk_store_acquire (store, &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  /* Warm the caches once, as a window that shows the list has. */
  time_query (db, "warm-up: count(*) FROM items", "SELECT count(*) FROM items WHERE ?1 IS NOT NULL", "x", &failed);

  for (guint i = 0; only_search == NULL && i < G_N_ELEMENTS (fixed_searches); i++)
    {
      const char *m = fixed_searches[i];
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

  /* 3. Many searches, as the list runs them, against the eager reference. */
  printf ("\n");
  many_searches (store, db, &failed);

  /* 4. Completion and reports. */
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

  print_load ("at end");
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
