/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Item searches of the list (data/sqlite/stk-pager.c) on generated data, for many
 * different words drawn from the descriptions (whole words, prefixes of one letter and
 * more, pairs, code prefixes): the ids a search lists, in order, equal a plain SQL
 * ORDER BY over the same word and code matches — ordered through the whole list's index
 * (in either direction, so that ranks above 2048 need both radix passes) and without
 * it — for several sort columns both ways. */
#include "config.h"

#include <criterion/criterion.h>

#include <string.h>

#include <glib/gstdio.h>

#include "stk-code.h"
#include "stk-db.h"
#include "stk-maintenance.h"
#include "stk-pager.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"
#include "stk-writer.h"

#define N_ITEMS 6000

static sqlite3 *ro;

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  sqlite3 *rw;

  stk_test_fixture_setup ();
  writer = stk_writer_new (db_path, &error);
  cr_assert_not_null (writer, "%s", error ? error->message : "");
  cr_assert (stk_generate (writer, N_ITEMS, 0, 5, NULL, NULL, &error), "%s",
             error ? error->message : "");
  cr_assert (stk_writer_close (writer, 10000, &error), "%s", error ? error->message : "");
  g_clear_object (&writer);

  /* Some archived items: listed by no search. */
  rw = stk_db_open (db_path, STK_DB_READ_WRITE, &error);
  cr_assert_not_null (rw, "%s", error ? error->message : "");
  cr_assert_eq (sqlite3_exec (rw, "UPDATE items SET archived = 1 WHERE id % 13 = 0", NULL, NULL,
                              NULL), SQLITE_OK, "%s", sqlite3_errmsg (rw));
  /* Codes whose key is not their ASCII lower case (full-width letters, a ligature), one
   * of them archived, and an archived ASCII code. */
  cr_assert_eq (sqlite3_exec (rw,
                              "INSERT INTO items (code, description, archived, created_at, updated_at) VALUES"
                              " ('ＴＸ-ＷＩＤＥ-1', 'Full-width code', 0, 1, 1),"
                              " ('ＴＸ-ＷＩＤＥ-2', 'Full-width code, archived', 1, 1, 1),"
                              " ('ﬁx-1', 'Ligature code', 0, 1, 1),"
                              " ('TX-ARCHIVED', 'Archived code', 1, 1, 1)",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (rw));
  stk_db_close (rw);

  ro = stk_db_open (db_path, STK_DB_READ_ONLY, &error);
  cr_assert_not_null (ro, "%s", error ? error->message : "");
}

static void
teardown (void)
{
  stk_db_close (ro);
  stk_test_fixture_teardown ();
}

TestSuite (pager_search, .init = setup, .fini = teardown, .timeout = 300);

/* Lower-case runs of alphanumerics. */
static void
split_words (const char *text,
             GPtrArray  *out)
{
  const char *p = text;

  while (*p)
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

/* Whole words, their prefixes (one letter and more) and pairs of one description. */
static GPtrArray *
draw_searches (guint n)
{
  GPtrArray *searches = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) descriptions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  sqlite3_stmt *stmt = NULL;

  cr_assert_eq (sqlite3_prepare_v2 (ro, "SELECT description FROM items WHERE id % 7 = 1", -1,
                                    &stmt, NULL), SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (descriptions, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  cr_assert_gt (descriptions->len, 100);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
      const char *word;
      glong len;

      split_words (descriptions->pdata[g_rand_int_range (rand, 0, descriptions->len)], words);
      cr_assert_gt (words->len, 0);
      word = words->pdata[g_rand_int_range (rand, 0, words->len)];
      len = g_utf8_strlen (word, -1);
      switch (i % 4)
        {
        case 0:
          g_ptr_array_add (searches, g_strdup (word));
          break;
        case 1:
          g_ptr_array_add (searches, g_utf8_substring (word, 0, g_rand_int_range (rand, 1, (gint32) len + 1)));
          break;
        case 2:
          if (words->len > 1)
            {
              guint a = g_rand_int_range (rand, 0, words->len - 1);

              g_ptr_array_add (searches, g_strdup_printf ("%s %s", (char *) words->pdata[a],
                                                          (char *) words->pdata[a + 1]));
            }
          else
            g_ptr_array_add (searches, g_strdup (word));
          break;
        default:
          g_ptr_array_add (searches, g_utf8_strup (word, -1)); /* any case */
          break;
        }
    }
  /* Code prefixes, and words that are code prefixes too ("el", "gr"). */
  g_ptr_array_add (searches, g_strdup ("EL-"));
  g_ptr_array_add (searches, g_strdup ("gr-0001"));
  g_ptr_array_add (searches, g_strdup ("g"));
  g_ptr_array_add (searches, g_strdup ("s"));
  g_ptr_array_add (searches, g_strdup ("el"));
  g_ptr_array_add (searches, g_strdup ("tx"));
  g_ptr_array_add (searches, g_strdup ("TX-W"));
  g_ptr_array_add (searches, g_strdup ("ＴＸ"));   /* a non-ASCII search */
  g_ptr_array_add (searches, g_strdup ("fi"));
  return searches;
}

/* The FTS expression of the search, as the list builds it: each word a prefix. */
static char *
fts_expression (const char *search)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) match = g_string_new ("description : (");

  split_words (search, words);
  if (words->len == 0)
    return NULL;
  for (guint w = 0; w < words->len; w++)
    g_string_append_printf (match, "%s\"%s\"*", w ? " AND " : "", (char *) words->pdata[w]);
  g_string_append_c (match, ')');
  return g_string_free (g_steal_pointer (&match), FALSE);
}

static const char *
column_expr (const char *column)
{
  if (g_str_equal (column, "code"))
    return "code COLLATE NOCASE";
  if (g_str_equal (column, "description"))
    return "description COLLATE NOCASE";
  if (g_str_equal (column, "on-hand"))
    return "on_hand";
  if (g_str_equal (column, "unit-price-cents"))
    return "unit_price_cents";
  return "id";
}

/* The active items matching the words or whose code key starts with the search's key,
 * in the column's order, by SQL alone. */
static GArray *
reference_ids (const char *search,
               const char *column,
               gboolean    descending)
{
  g_autofree char *match = fts_expression (search);
  g_autofree char *trimmed = g_strstrip (g_strdup (search));
  g_autofree char *prefix = stk_code_key (trimmed);
  const char *dir = descending ? "DESC" : "ASC";
  g_autofree char *sql = g_strdup_printf (
    "SELECT id FROM items WHERE archived = 0 AND (%s substr(code_key, 1, length(?2)) = ?2)"
    " ORDER BY %s %s, id %s",
    match != NULL ? "id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?1) OR" : "",
    column_expr (column), dir, dir);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;

  cr_assert_eq (sqlite3_prepare_v2 (ro, sql, -1, &stmt, NULL), SQLITE_OK, "%s: %s", sql,
                sqlite3_errmsg (ro));
  if (match != NULL)
    sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, prefix, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  return ids;
}

/* Every id the index lists, in order, read page by page. */
static void
assert_lists (StkPagerQuery *query,
              StkPagerIndex *index,
              GArray        *expected,
              const char    *what)
{
  g_autoptr(GError) error = NULL;
  guint64 count = stk_pager_index_get_count (index);

  cr_assert_eq (count, expected->len, "%s: %" G_GUINT64_FORMAT " listed, %u expected", what,
                count, expected->len);
  for (guint64 offset = 0; offset < count; offset += 1000)
    {
      g_autoptr(GArray) rows = stk_pager_fetch (ro, query, index, offset, 1000, &error);

      cr_assert_not_null (rows, "%s: %s", what, error ? error->message : "");
      for (guint i = 0; i < rows->len; i++)
        cr_assert_eq (g_array_index (rows, StkPagerRow, i).id,
                      g_array_index (expected, gint64, offset + i),
                      "%s: position %" G_GUINT64_FORMAT " differs", what, offset + i);
    }
}

Test (pager_search, many_words_list_what_sql_orders)
{
  static const char *const columns[] = { "code", "description", "on-hand", "unit-price-cents" };
  g_autoptr(GPtrArray) searches = draw_searches (60);
  guint big = 0;

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    for (int descending = 0; descending <= 1; descending++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(StkPagerQuery) all_asc =
          stk_pager_query_new (STK_PAGER_ITEMS, columns[c], FALSE, NULL, &error);
        g_autoptr(StkPagerQuery) all_desc =
          stk_pager_query_new (STK_PAGER_ITEMS, columns[c], TRUE, NULL, &error);
        g_autoptr(StkPagerIndex) base_asc = stk_pager_index_build (ro, all_asc, NULL, &error);
        g_autoptr(StkPagerIndex) base_desc = stk_pager_index_build (ro, all_desc, NULL, &error);

        cr_assert_not_null (base_asc, "%s", error ? error->message : "");
        cr_assert_not_null (base_desc, "%s", error ? error->message : "");
        for (guint s = 0; s < searches->len; s++)
          {
            const char *search = searches->pdata[s];
            g_autoptr(StkPagerQuery) query =
              stk_pager_query_new (STK_PAGER_ITEMS, columns[c], descending, search, &error);
            g_autoptr(GArray) expected = reference_ids (search, columns[c], descending);
            g_autofree char *what = g_strdup_printf ("“%s” by %s%s", search, columns[c],
                                                     descending ? " descending" : "");
            g_autoptr(StkPagerIndex) plain = stk_pager_index_build (ro, query, NULL, &error);
            g_autoptr(StkPagerIndex) by_asc = stk_pager_index_build_with_base (ro, query, base_asc, NULL, &error);
            g_autoptr(StkPagerIndex) by_desc = stk_pager_index_build_with_base (ro, query, base_desc, NULL, &error);

            cr_assert_not_null (plain, "%s: %s", what, error ? error->message : "");
            cr_assert_not_null (by_asc, "%s: %s", what, error ? error->message : "");
            cr_assert_not_null (by_desc, "%s: %s", what, error ? error->message : "");
            assert_lists (query, plain, expected, what);
            assert_lists (query, by_asc, expected, what);
            assert_lists (query, by_desc, expected, what);
            if (expected->len > 2048)
              big++;
          }
      }
  cr_assert_gt (big, 0, "some search lists more than 2048 items (two radix passes)");
}

/* The reference is not vacuous: a full-width code is found by its ASCII prefix, a
 * ligature by its letters, and no archived code is. */
Test (pager_search, code_prefixes_find_active_codes_by_their_key)
{
  static const struct { const char *search; const char *code; gboolean listed; } cases[] = {
    { "tx-w", "ＴＸ-ＷＩＤＥ-1", TRUE },
    { "tx-w", "ＴＸ-ＷＩＤＥ-2", FALSE },
    { "tx", "TX-ARCHIVED", FALSE },
    { "fi", "ﬁx-1", TRUE },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StkPagerQuery) all = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, &error);
      g_autoptr(StkPagerQuery) query =
        stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, cases[c].search, &error);
      g_autoptr(StkPagerIndex) base = stk_pager_index_build (ro, all, NULL, &error);
      g_autoptr(StkPagerIndex) index = stk_pager_index_build_with_base (ro, query, base, NULL, &error);
      g_autoptr(GArray) rows = NULL;
      gboolean found = FALSE;

      cr_assert_not_null (index, "%s", error ? error->message : "");
      rows = stk_pager_fetch (ro, query, index, 0, (guint) stk_pager_index_get_count (index), &error);
      cr_assert_not_null (rows, "%s", error ? error->message : "");
      for (guint i = 0; i < rows->len; i++)
        found = found || g_str_equal (g_array_index (rows, StkPagerRow, i).code, cases[c].code);
      cr_assert_eq (found, cases[c].listed, "“%s” %s %s", cases[c].search,
                    cases[c].listed ? "does not list" : "lists", cases[c].code);
    }
}
