/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Round trips are exact: text cells that a spreadsheet would run as formulas are
 * exported neutralised (a leading apostrophe) and come back byte for byte. */
#include "config.h"

#include <criterion/criterion.h>

#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stk-error.h"
#include "stk-transfer.h"
#include "stk-test-util.h"

static char *tmpdir;

static void
setup (void)
{
  tmpdir = stk_test_mkdtemp ();
}

static void
teardown (void)
{
  stk_test_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

TestSuite (roundtrip, .init = setup, .fini = teardown, .timeout = 60);

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
count_text (const char *db_path,
            const char *sql,
            const char *value)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gint64 n;

  cr_assert_eq (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
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
