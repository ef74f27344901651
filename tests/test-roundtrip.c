/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Round trips are exact: text cells that a spreadsheet would run as formulas are
 * exported neutralised (a leading apostrophe) and come back byte for byte. */
#include "config.h"

#include <criterion/criterion.h>

#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-transfer.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

TestSuite (roundtrip, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

static char *
path_in (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
import_ok (const char *db,
           StkTable    table,
           const char *path)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db);
  g_auto(StkImportReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = stk_import_file (writer, table, path, NULL, NULL, NULL, &report, &error);

  cr_assert (ok, "%s (%s)", error ? error->message : "",
             report.errors != NULL && report.errors->len > 0
               ? (const char *) g_ptr_array_index (report.errors, 0) : "");
  stk_test_close_writer (g_steal_pointer (&writer));
}

static void
export_ok (const char *db,
           StkTable    table,
           const char *path)
{
  g_autoptr(StkStore) store = stk_test_open_store (db);
  g_autoptr(GError) error = NULL;
  guint64 rows = 0;

  cr_assert (stk_export_file (store, table, path, NULL, NULL, NULL, &rows, &error), "%s",
             error ? error->message : "");
}

static char *
read_text (const char *path)
{
  char *contents = NULL;

  cr_assert (g_file_get_contents (path, &contents, NULL, NULL), "cannot read %s", path);
  return contents;
}

/* Every dangerous first character, an apostrophe already there, and a plain value. */
static const char *const dangerous[] = {
  "=HYPERLINK(http://x)", "=cmd|' /C calc'!A0", "+1+2", "-3-4", "@SUM(A1)",
  "\tTab", "\rCR", "'quoted", "''twice", "'=already", "plain", "a=b",
};

static gint64
count_text (const char *path,
            const char *sql,
            const char *value)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gint64 n;

  cr_assert_eq (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_text (st, 1, value, -1, SQLITE_STATIC);
  cr_assert_eq (sqlite3_step (st), SQLITE_ROW);
  n = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return n;
}

/* No cell of an exported file starts with a character a spreadsheet reads as a formula. */
static void
assert_no_formula_cells (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

  for (guint l = 1; lines[l] != NULL && lines[l][0] != '\0'; l++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[l], ",", -1);

      for (guint c = 0; cells[c] != NULL; c++)
        {
          const char *v = cells[c][0] == '"' ? cells[c] + 1 : cells[c];

          /* Only the quantity column may start with '-', and it is a number. */
          if (v[0] == '-' && strspn (v + 1, "0123456789") == strlen (v + 1))
            continue;
          cr_assert (v[0] == '\0' || strchr ("=+-@\t\r", v[0]) == NULL,
                     "exported cell starts with a formula character: %s", cells[c]);
        }
    }
}

Test (roundtrip, formula_cells_neutralised_and_restored)
{
  g_autofree char *db0 = path_in ("zero.db"); /* items only: no on-hand to move */
  g_autofree char *db1 = path_in ("one.db");
  g_autofree char *db2 = path_in ("two.db");
  g_autofree char *in_skus = path_in ("in-skus.csv");
  g_autofree char *in_moves = path_in ("in-moves.csv");
  g_autoptr(GString) skus = g_string_new ("code,description,unit_price\r\n");
  g_autoptr(GString) moves = g_string_new ("moved_at,sku,kind,quantity,reason,reference\r\n");
  StkTable ids[] = { STK_TABLE_SKUS, STK_TABLE_MOVEMENTS };

  /* The stored values are dangerous[]; codes start with the same characters. In the
   * input file an apostrophe typed first is doubled, as export writes it. */
  for (guint i = 0; i < G_N_ELEMENTS (dangerous); i++)
    {
      const char *d = dangerous[i];
      gboolean blank = d[0] == '\t' || d[0] == '\r';
      g_autofree char *code = g_strdup_printf ("%cC%u", blank ? 'X' : d[0], i);
      const char *cmark = code[0] == '\'' ? "'" : "";
      const char *dmark = d[0] == '\'' || blank ? "'" : "";

      g_string_append_printf (skus, "%s%s,\"%s%s\",1.00\r\n", cmark, code, dmark, d);
      g_string_append_printf (moves, "2026-01-02T10:%02u:00Z,%s%s,receive,5,\"%s%s\",%sR%u\r\n",
                              i, cmark, code, dmark, d, blank ? "" : d[0] == '\'' ? "''" : d, i);
      g_string_append_printf (moves, "2026-01-03T10:%02u:00Z,%s%s,adjustment,-2,\"%s%s\",\r\n",
                              i, cmark, code, dmark, d);
    }
  cr_assert (g_file_set_contents (in_skus, skus->str, -1, NULL));
  cr_assert (g_file_set_contents (in_moves, moves->str, -1, NULL));
  import_ok (db0, STK_TABLE_SKUS, in_skus);
  import_ok (db1, STK_TABLE_SKUS, in_skus);
  import_ok (db1, STK_TABLE_MOVEMENTS, in_moves);

  for (guint i = 0; i < G_N_ELEMENTS (dangerous); i++)
    {
      cr_assert_eq (count_text (db1, "SELECT count(*) FROM items WHERE description = ?1",
                                dangerous[i]), 1, "description %u not stored exactly", i);
      cr_assert_eq (count_text (db1, "SELECT count(*) FROM movements WHERE reason = ?1",
                                dangerous[i]), 2, "reason %u not stored exactly", i);
    }

  for (guint t = 0; t < G_N_ELEMENTS (ids); t++)
    {
      g_autofree char *name1 = g_strdup_printf ("out1-%u.csv", t);
      g_autofree char *name2 = g_strdup_printf ("out2-%u.csv", t);
      g_autofree char *out1 = path_in (name1);
      g_autofree char *out2 = path_in (name2);
      g_autofree char *text1 = NULL;
      g_autofree char *text2 = NULL;

      /* skus from the inventory without stock, so that the round trip does not
       * depend on how on_hand moves (tested below). */
      export_ok (t == 0 ? db0 : db1, ids[t], out1);
      text1 = read_text (out1);
      assert_no_formula_cells (text1);
      cr_assert (strstr (text1, "'=cmd|' /C calc'!A0") != NULL, "%s", text1);
      cr_assert (strstr (text1, "'''twice") != NULL,
                 "an apostrophe already there is escaped too: %s", text1);
      if (ids[t] == STK_TABLE_MOVEMENTS)
        cr_assert (strstr (text1, ",adjustment,-2,") != NULL, "negative quantity stays a number");
      import_ok (db2, ids[t], out1);
      export_ok (db2, ids[t], out2);
      text2 = read_text (out2);
      cr_assert_str_eq (text1, text2, "export → import → export is not byte-exact");
    }
  for (guint i = 0; i < G_N_ELEMENTS (dangerous); i++)
    cr_assert_eq (count_text (db2, "SELECT count(*) FROM movements WHERE reason = ?1",
                              dangerous[i]), 2, "reason %u not restored exactly", i);
}

/* ---- whole inventories ---- */

/* SHA-256 over every value of every row of @sql, with the row count. */
static char *
digest (const char *path,
        const char *sql)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint rows = 0;

  cr_assert_eq (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), SQLITE_OK, "%s: %s", sql,
                sqlite3_errmsg (db));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const guchar *text = sqlite3_column_text (stmt, i);

          if (text != NULL)
            g_checksum_update (sum, text, sqlite3_column_bytes (stmt, i));
          g_checksum_update (sum, (const guchar *) "\x1f", 1);
        }
      g_checksum_update (sum, (const guchar *) "\x1e", 1);
      rows++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_strdup_printf ("%u:%s", rows, g_checksum_get_string (sum));
}

/* Every figure the issue names: on-hand, stock value, sales, history. */
static const char *const figures[] = {
  "SELECT code, description, unit_price_cents, reorder_level, archived, on_hand"
  " FROM items ORDER BY code",
  "SELECT sum (on_hand), sum (max (on_hand, 0) * unit_price_cents) FROM items",
  "SELECT s.uid, i.code, s.quantity, s.unit_price_cents, s.sold_at FROM sales s"
  " JOIN items i ON i.id = s.item_id ORDER BY s.uid",
  "SELECT count (*), sum (quantity), sum (quantity * unit_price_cents) FROM sales",
  "SELECT i.code, m.kind, m.quantity, m.balance, m.reason, m.moved_at,"
  " NULL FROM movements m"
  " JOIN items i ON i.id = m.item_id ORDER BY m.moved_at, i.code, m.kind, m.quantity",
};

static void
assert_same_figures (const char *a,
                     const char *b,
                     guint       seed)
{
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      g_autofree char *da = digest (a, figures[i]);
      g_autofree char *db = digest (b, figures[i]);

      cr_assert_str_eq (da, db, "seed %u: differs after the move: %s", seed, figures[i]);
    }
}

/* A random inventory: items, then receipts, adjustments, counts and sales at
 * increasing times (one second apart), never below zero. Movements get references,
 * so that the history compares row for row. */
static void
fill_random (const char *path,
             guint       seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(StkWriter) writer = stk_test_open_writer (path);
  guint n_items = (guint) g_rand_int_range (rand, 1, 12);
  gint64 *stock = g_new0 (gint64, n_items);
  gint64 t = G_GINT64_CONSTANT (1767225600) * G_USEC_PER_SEC; /* 2026-01-01 */
  guint n_events = (guint) g_rand_int_range (rand, 0, 80);

  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *code = g_strdup_printf ("%sI%02u", i % 3 == 0 ? "=" : "", i);
      g_autofree char *desc = g_strdup_printf ("%sitem %u", i % 4 == 1 ? "-" : "", i);

      stk_test_submit (writer, stk_op_create_item (code, desc, g_rand_int_range (rand, 0, 100000),
                                                   g_rand_int_range (rand, 0, 20)));
    }
  for (guint e = 0; e < n_events; e++)
    {
      guint i = (guint) g_rand_int_range (rand, 0, (gint32) n_items);
      g_autofree char *code = g_strdup_printf ("%sI%02u", i % 3 == 0 ? "=" : "", i);
      int what = g_rand_int_range (rand, 0, 10);

      t += G_USEC_PER_SEC;
      if (what < 4 || stock[i] == 0)
        {
          gint64 q = g_rand_int_range (rand, 1, 50);
          stk_test_submit (writer, stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, q,
                                                           "+delivery", t));
          stock[i] += q;
        }
      else if (what < 7)
        {
          gint64 q = g_rand_int_range (rand, 1, (gint32) stock[i] + 1);
          stk_test_submit (writer, stk_op_record_sale (code, q, what == 6 ? 123 : -1, t));
          stock[i] -= q;
        }
      else if (what < 9)
        {
          gint64 q = -g_rand_int_range (rand, 1, (gint32) stock[i] + 1);
          stk_test_submit (writer, stk_op_record_movement (code, STK_MOVEMENT_ADJUSTMENT, q,
                                                           "@broken", t));
          stock[i] += q;
        }
      else
        {
          gint64 q = g_rand_int_range (rand, 0, 60);
          stk_test_submit (writer, stk_op_record_movement (code, STK_MOVEMENT_COUNT, q,
                                                           "count", t));
          stock[i] = q;
        }
    }
  if (n_items > 2)
    stk_test_submit (writer, stk_op_set_archived (2, TRUE));
  g_free (stock);
  stk_test_close_writer (g_steal_pointer (&writer));
}

Test (roundtrip, whole_inventory_moves_exactly)
{
  for (guint seed = 1; seed <= 40; seed++)
    {
      g_autofree char *name1 = g_strdup_printf ("src-%u.db", seed);
      g_autofree char *name2 = g_strdup_printf ("dst-%u.db", seed);
      g_autofree char *dname = g_strdup_printf ("all-%u", seed);
      g_autofree char *src = path_in (name1);
      g_autofree char *dst = path_in (name2);
      g_autofree char *dir = path_in (dname);
      g_autoptr(GError) error = NULL;
      g_auto(StkImportReport) report = { 0 };
      guint64 rows = 0;

      fill_random (src, seed);
      {
        g_autoptr(StkStore) store = stk_test_open_store (src);
        cr_assert (stk_export_all (store, dir, NULL, &rows, &error), "%s", error ? error->message : "");
      }
      {
        g_autoptr(StkWriter) writer = stk_test_open_writer (dst);
        gboolean ok = stk_import_all (writer, dir, NULL, &report, &error);

        cr_assert (ok, "seed %u: %s (%s)", seed, error ? error->message : "",
                   report.errors && report.errors->len
                     ? (const char *) g_ptr_array_index (report.errors, 0) : "");
        stk_test_close_writer (g_steal_pointer (&writer));
      }
      assert_same_figures (src, dst, seed);
    }
}

/* The path: skus (on_hand), then movements, then sales as separate files.
 * It used to double the stock with verify saying OK; now it is refused, nothing of
 * the refused file is imported, and the stock stays the skus file's on_hand. */
Test (roundtrip, separate_files_never_double)
{
  g_autofree char *src = path_in ("src.db");
  g_autofree char *dst = path_in ("dst.db");
  g_autofree char *dir = path_in ("all");
  g_autofree char *skus = g_build_filename (dir, "skus.csv", NULL);
  g_autofree char *moves = g_build_filename (dir, "movements.csv", NULL);
  g_autofree char *sales = g_build_filename (dir, "sales.csv", NULL);
  g_autoptr(GError) error = NULL;
  const char *on_hand = "SELECT sum (on_hand), sum (on_hand * unit_price_cents) FROM items";

  fill_random (src, 7);
  {
    g_autoptr(StkStore) store = stk_test_open_store (src);
    cr_assert (stk_export_all (store, dir, NULL, NULL, &error), "%s", error ? error->message : "");
  }
  cr_assert_gt (stk_test_query (src, "SELECT sum (on_hand) FROM items"), 0);
  import_ok (dst, STK_TABLE_SKUS, skus);
  {
    g_autofree char *a = digest (src, on_hand);
    g_autofree char *b = digest (dst, on_hand);
    cr_assert_str_eq (a, b, "skus alone: on-hand and stock value as exported");
  }
  for (guint t = 0; t < 2; t++)
    {
      g_autoptr(StkWriter) writer = stk_test_open_writer (dst);
      g_auto(StkImportReport) report = { 0 };
      g_autoptr(GError) error2 = NULL;
      gboolean ok = stk_import_file (writer, t == 0 ? STK_TABLE_MOVEMENTS : STK_TABLE_SALES,
                                     t == 0 ? moves : sales, NULL, NULL, NULL, &report, &error2);

      stk_test_close_writer (g_steal_pointer (&writer));
      cr_assert_not (ok, "history older than the opening count was imported on top of it");
      cr_assert (report.errors->len > 0 &&
                 strstr (g_ptr_array_index (report.errors, 0), "count the stock twice") != NULL,
                 "%s", report.errors->len ? (char *) g_ptr_array_index (report.errors, 0) : "");
      {
        g_autofree char *a = digest (src, on_hand);
        g_autofree char *b = digest (dst, on_hand);
        cr_assert_str_eq (a, b, "the refused import changed the stock");
      }
    }
}

/* import all is all or nothing: a skus on_hand that the history does not give is
 * refused, with its line, and the target inventory stays empty. */
Test (roundtrip, import_all_refuses_inconsistent_on_hand)
{
  g_autofree char *src = path_in ("src.db");
  g_autofree char *dst = path_in ("dst.db");
  g_autofree char *dir = path_in ("all");
  g_autofree char *skus = g_build_filename (dir, "skus.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_auto(StkImportReport) report = { 0 };

  {
    g_autoptr(StkWriter) w = stk_test_open_writer (src);
    stk_test_submit (w, stk_op_create_item ("A", "", 100, 0));
    stk_test_submit (w, stk_op_record_movement ("A", STK_MOVEMENT_RECEIVE, 172, NULL,
                                                G_GINT64_CONSTANT (1767225600000000)));
    stk_test_close_writer (g_steal_pointer (&w));
  }
  {
    g_autoptr(StkStore) store = stk_test_open_store (src);
    cr_assert (stk_export_all (store, dir, NULL, NULL, &error), "%s", error ? error->message : "");
    /* A second export into the same, now full, folder is refused. */
    cr_assert_not (stk_export_all (store, dir, NULL, NULL, &error));
    g_clear_error (&error);
  }
  text = read_text (skus);
  cr_assert (strstr (text, "A,,1.00,0,0,172,,,\r\n") != NULL, "%s", text);
  cr_assert (g_file_set_contents (skus, "code,description,unit_price,reorder_level,archived,on_hand\r\n"
                                        "A,,1.00,0,0,344\r\n", -1, NULL));
  writer = stk_test_open_writer (dst);
  cr_assert_not (stk_import_all (writer, dir, NULL, &report, &error));
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert (report.errors->len == 1 &&
             strstr (g_ptr_array_index (report.errors, 0), "Line 2: The on_hand of “A” is 344, but its movements and sales give 172") != NULL,
             "%s", report.errors->len ? (char *) g_ptr_array_index (report.errors, 0) : "");
  cr_assert_eq (stk_test_query (dst, "SELECT count (*) FROM items"), 0);
  cr_assert_eq (stk_test_query (dst, "SELECT count (*) FROM movements"), 0);
}
