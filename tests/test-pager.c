/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Keyset paging (data/stk-pager.c): every sort column in both directions, ties
 * included, pages read at any offset equal a plain ORDER BY — before and after inserts,
 * edits and archiving; anchors; positions; search by code prefix and description words;
 * sales and stock moves newest first. */
#include "config.h"

#include <criterion/criterion.h>

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-pager.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

#define N_ITEMS 1000

static sqlite3 *rw;   /* raw read-write connection for the fixture */
static sqlite3 *ro;   /* what the pager reads through */

static const char *const words[] = {
  "Red", "red", "Blue", "bolt", "Bolts", "nut", "washer", "steel", "M8", "zinc", "Ärger", "bold",
};

static void
exec (const char *sql)
{
  char *message = NULL;

  cr_assert_eq (sqlite3_exec (rw, sql, NULL, NULL, &message), SQLITE_OK, "%s: %s", sql, message);
}

static void
insert_item (GRand *rand,
             guint  n)
{
  g_autofree char *code = NULL;
  g_autofree char *description = NULL;
  g_autofree char *sql = NULL;
  gint64 on_hand = g_rand_int_range (rand, 0, 10);
  sqlite3_int64 id;

  /* Codes in mixed case (NOCASE order), descriptions with many ties. */
  code = g_strdup_printf ("%s-%04u", g_rand_boolean (rand) ? "hw" : "HX", n);
  description = g_strdup_printf ("%s %s %s", words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                                 words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                                 g_rand_int_range (rand, 0, 3) == 0 ? "" : "x");
  sql = sqlite3_mprintf ("INSERT INTO items (code, description, unit_price_cents, reorder_level,"
                         " archived, created_at, updated_at) VALUES (%Q, %Q, %d, %d, %d, 1, %d)",
                         code, g_strstrip (description), g_rand_int_range (rand, 0, 20),
                         g_rand_int_range (rand, 0, 6), g_rand_int_range (rand, 0, 20) == 0,
                         g_rand_int_range (rand, 0, 50));
  exec (sql);
  sqlite3_free (g_steal_pointer (&sql));
  id = sqlite3_last_insert_rowid (rw);
  if (on_hand > 0)
    {
      sql = sqlite3_mprintf ("INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                             " VALUES (%lld, 'receive', %lld, %lld, %d)",
                             (long long) id, (long long) on_hand, (long long) on_hand,
                             g_rand_int_range (rand, 0, 30));
      exec (sql);
      sqlite3_free (g_steal_pointer (&sql));
    }
  if (on_hand > 1 && g_rand_int_range (rand, 0, 3) == 0)
    {
      sql = sqlite3_mprintf ("INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at)"
                             " VALUES ('u%u', %lld, 1, 100, %d)", n, (long long) id,
                             g_rand_int_range (rand, 0, 30));
      exec (sql);
      sqlite3_free (g_steal_pointer (&sql));
    }
}

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  stk_test_fixture_setup ();
  rw = stk_db_open (db_path, STK_DB_READ_WRITE, &error);
  cr_assert_not_null (rw, "%s", error ? error->message : "");
  exec ("BEGIN");
  for (guint n = 0; n < N_ITEMS; n++)
    insert_item (rand, n);
  exec ("INSERT INTO sale_voids (sale_id, voided_at) SELECT id, 99 FROM sales WHERE id % 5 = 0");
  exec ("COMMIT");
  ro = stk_db_open (db_path, STK_DB_READ_ONLY, &error);
  cr_assert_not_null (ro, "%s", error ? error->message : "");
}

static void
teardown (void)
{
  stk_db_close (ro);
  stk_db_close (rw);
  stk_test_fixture_teardown ();
}

TestSuite (pager, .init = setup, .fini = teardown, .timeout = 120);

static GArray *
reference_ids (const char *sql)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;

  cr_assert_eq (sqlite3_prepare_v2 (rw, sql, -1, &stmt, NULL), SQLITE_OK, "%s: %s", sql,
                sqlite3_errmsg (rw));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  return ids;
}

static const char *
item_expr (const char *column)
{
  static const char *const map[][2] = {
    { "code", "code COLLATE NOCASE" }, { "description", "description COLLATE NOCASE" },
    { "on-hand", "on_hand" }, { "unit-price-cents", "unit_price_cents" },
    { "reorder-level", "reorder_level" }, { "updated-at", "updated_at" }, { "id", "id" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (map[i][0], column))
      return map[i][1];
  cr_assert_fail ("no reference for column %s", column);
  return NULL;
}

/* Fetches the whole list through the pager in pages of @page at offsets starting at
 * @first, and compares with the reference. */
static void
assert_pages_match (StkPagerQuery *query,
                    StkPagerIndex *index,
                    GArray        *expected,
                    guint          first,
                    guint          page)
{
  g_autoptr(GError) error = NULL;

  cr_assert_eq (stk_pager_index_get_count (index), expected->len, "%s: count %" G_GUINT64_FORMAT
                " expected %u", stk_pager_query_get_sort_column (query),
                stk_pager_index_get_count (index), expected->len);
  for (guint offset = first; offset < expected->len + page; offset += page)
    {
      g_autoptr(GArray) rows = stk_pager_fetch (ro, query, index, offset, page, &error);
      guint want = offset < expected->len ? MIN (page, expected->len - offset) : 0;

      cr_assert_not_null (rows, "%s", error ? error->message : "");
      cr_assert_eq (rows->len, want, "%s %s offset %u: %u rows, expected %u",
                    stk_pager_query_get_sort_column (query),
                    stk_pager_query_get_descending (query) ? "desc" : "asc", offset, rows->len,
                    want);
      for (guint i = 0; i < rows->len; i++)
        cr_assert_eq (g_array_index (rows, StkPagerRow, i).id,
                      g_array_index (expected, gint64, offset + i),
                      "%s %s position %u: id %" G_GINT64_FORMAT " expected %" G_GINT64_FORMAT,
                      stk_pager_query_get_sort_column (query),
                      stk_pager_query_get_descending (query) ? "desc" : "asc", offset + i,
                      g_array_index (rows, StkPagerRow, i).id,
                      g_array_index (expected, gint64, offset + i));
    }
}

static void
check_all_item_orders (void)
{
  const char *const *columns = stk_pager_sort_columns (STK_PAGER_ITEMS);

  for (guint c = 0; columns[c] != NULL; c++)
    for (int descending = 0; descending <= 1; descending++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(StkPagerQuery) query =
          stk_pager_query_new (STK_PAGER_ITEMS, columns[c], descending, NULL, &error);
        g_autoptr(StkPagerIndex) index = NULL;
        g_autofree char *sql = NULL;
        g_autoptr(GArray) expected = NULL;
        const char *dir = descending ? "DESC" : "ASC";

        cr_assert_not_null (query, "%s", error ? error->message : "");
        index = stk_pager_index_build (ro, query, NULL, &error);
        cr_assert_not_null (index, "%s", error ? error->message : "");
        sql = g_strdup_printf ("SELECT id FROM items WHERE archived = 0 ORDER BY %s %s, id %s",
                               item_expr (columns[c]), dir, dir);
        expected = reference_ids (sql);
        cr_assert_gt (expected->len, 2 * STK_PAGER_STRIDE);
        cr_assert_eq (stk_pager_index_get_n_anchors (index),
                      (expected->len + STK_PAGER_STRIDE - 1) / STK_PAGER_STRIDE);

        assert_pages_match (query, index, expected, 0, STK_PAGER_STRIDE);   /* on anchors */
        assert_pages_match (query, index, expected, 77, 50);                /* between them */
        assert_pages_match (query, index, expected, 5, 300);                /* across them */

        /* Positions, from the anchors. */
        for (guint p = 0; p < expected->len; p += 37)
          {
            gint64 id = g_array_index (expected, gint64, p);

            cr_assert_eq (stk_pager_position_of (ro, query, index, id, &error), p,
                          "%s %s: position of %" G_GINT64_FORMAT, columns[c], dir, id);
            cr_assert_eq (stk_pager_position_of (ro, query, NULL, id, &error), p);
          }
      }
}

Test (pager, every_item_order_matches_order_by)
{
  check_all_item_orders ();
}

Test (pager, orders_still_match_after_inserts_edits_and_archiving)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  exec ("BEGIN");
  for (guint n = N_ITEMS; n < N_ITEMS + 200; n++)
    insert_item (rand, n);
  exec ("UPDATE items SET archived = 1 WHERE id % 7 = 0");
  exec ("UPDATE items SET archived = 0 WHERE id % 11 = 0");
  exec ("UPDATE items SET description = 'red ' || description, updated_at = 77 WHERE id % 13 = 0");
  exec ("COMMIT");
  check_all_item_orders ();
}

Test (pager, archived_items_are_not_listed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, &error);
  g_autoptr(StkPagerIndex) index = stk_pager_index_build (ro, query, NULL, &error);
  gint64 archived = stk_test_query (db_path, "SELECT min(id) FROM items WHERE archived = 1");

  cr_assert_gt (archived, 0);
  cr_assert_eq ((gint64) stk_pager_index_get_count (index),
                stk_test_query (db_path, "SELECT count(*) FROM items WHERE archived = 0"));
  cr_assert_eq (stk_pager_position_of (ro, query, index, archived, &error), -1);
  cr_assert_eq (stk_pager_position_of (ro, query, index, 987654321, &error), -1);
  cr_assert_str_eq (stk_pager_query_get_sort_column (query), "code");
}

Test (pager, unknown_sort_column_is_an_error)
{
  g_autoptr(GError) error = NULL;

  cr_assert_null (stk_pager_query_new (STK_PAGER_ITEMS, "low-stock", FALSE, NULL, &error));
  cr_assert_not_null (error);
  cr_assert_not (stk_pager_can_sort (STK_PAGER_SALES, "code"));
  cr_assert (stk_pager_can_sort (STK_PAGER_SALES, "sold-at"));
}

/* The reference for a search: code prefix (ASCII case-insensitive) or every word a
 * prefix of some description word, matched in C over all active items. */
static gboolean
reference_match (const char *code,
                 const char *description,
                 const char *search)
{
  g_auto(GStrv) tokens = g_str_tokenize_and_fold (search, NULL, NULL);
  g_auto(GStrv) desc_tokens = g_str_tokenize_and_fold (description, NULL, NULL);
  gboolean all = tokens[0] != NULL;

  if (g_ascii_strncasecmp (code, search, strlen (search)) == 0)
    return TRUE;
  for (guint t = 0; tokens[t] != NULL; t++)
    {
      gboolean found = FALSE;

      for (guint d = 0; desc_tokens[d] != NULL && !found; d++)
        found = g_str_has_prefix (desc_tokens[d], tokens[t]);
      all = all && found;
    }
  return all;
}

static void
check_search (const char *search,
              const char *column,
              gboolean    descending)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query =
    stk_pager_query_new (STK_PAGER_ITEMS, column, descending, search, &error);
  g_autoptr(StkPagerIndex) index = stk_pager_index_build (ro, query, NULL, &error);
  g_autofree char *sql = g_strdup_printf ("SELECT id, code, description FROM items WHERE archived = 0"
                                          " ORDER BY %s %s, id %s", item_expr (column),
                                          descending ? "DESC" : "ASC", descending ? "DESC" : "ASC");
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;

  cr_assert_not_null (index, "%s: %s", search, error ? error->message : "");
  cr_assert_eq (sqlite3_prepare_v2 (rw, sql, -1, &stmt, NULL), SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    if (reference_match ((const char *) sqlite3_column_text (stmt, 1),
                         (const char *) sqlite3_column_text (stmt, 2), search))
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);

        g_array_append_val (expected, id);
      }
  sqlite3_finalize (stmt);

  assert_pages_match (query, index, expected, 0, STK_PAGER_STRIDE);
  assert_pages_match (query, index, expected, 3, 40);
  if (expected->len > 0)
    cr_assert_eq (stk_pager_position_of (ro, query, index,
                                         g_array_index (expected, gint64, expected->len - 1),
                                         &error), expected->len - 1);

  /* Ordered through the list without search, in either direction: the same pages. */
  for (int base_descending = 0; base_descending <= 1; base_descending++)
    {
      g_autoptr(StkPagerQuery) all =
        stk_pager_query_new (STK_PAGER_ITEMS, column, base_descending, NULL, &error);
      g_autoptr(StkPagerIndex) base = stk_pager_index_build (ro, all, NULL, &error);
      g_autoptr(StkPagerIndex) ordered = NULL;

      cr_assert_not_null (base);
      cr_assert (stk_pager_index_can_order (base, query));
      ordered = stk_pager_index_build_with_base (ro, query, base, NULL, &error);
      cr_assert_not_null (ordered, "%s", error ? error->message : "");
      cr_assert_eq (stk_pager_index_get_count (ordered), expected->len);
      assert_pages_match (query, ordered, expected, 0, STK_PAGER_STRIDE);
    }
}

Test (pager, search_by_description_words_and_code_prefix)
{
  check_search ("red", "code", FALSE);
  check_search ("RED bol", "description", TRUE);
  check_search ("bolt", "on-hand", FALSE);
  check_search ("hw-00", "code", FALSE);      /* code prefix, any case */
  check_search ("HX-012", "unit-price-cents", TRUE);
  check_search ("ärger", "code", FALSE);      /* non-ASCII words */
  check_search ("m8 zinc", "updated-at", TRUE);
  check_search ("nothing-like-this", "code", FALSE);
  check_search ("%", "code", FALSE);          /* LIKE wildcards are literal */
  check_search ("\"", "code", FALSE);         /* no FTS syntax from the user */
}

/* A base older than the data (an item added and one archived since) still gives the
 * right result: the new item is not in it, so the matches are ordered by their keys. */
Test (pager, search_with_an_outdated_base)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) all = stk_pager_query_new (STK_PAGER_ITEMS, "code", FALSE, NULL, &error);
  g_autoptr(StkPagerQuery) other = stk_pager_query_new (STK_PAGER_ITEMS, "on-hand", FALSE, NULL, &error);
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, "code", FALSE, "bolt", &error);
  g_autoptr(StkPagerIndex) base = stk_pager_index_build (ro, all, NULL, &error);
  g_autoptr(StkPagerIndex) other_base = stk_pager_index_build (ro, other, NULL, &error);
  g_autoptr(StkPagerIndex) index = NULL;
  g_autoptr(GArray) expected = NULL;
  gint64 new_id;

  cr_assert_not (stk_pager_index_can_order (other_base, query), "another sort column");
  exec ("INSERT INTO items (code, description, created_at, updated_at) VALUES ('AAA-1', 'bolt new', 1, 1)");
  new_id = sqlite3_last_insert_rowid (rw);
  exec ("UPDATE items SET archived = 1 WHERE id = (SELECT rowid FROM items_fts WHERE items_fts MATCH"
        " 'description : bolt*' ORDER BY rowid LIMIT 1)");
  index = stk_pager_index_build_with_base (ro, query, base, NULL, &error);
  cr_assert_not_null (index, "%s", error ? error->message : "");
  expected = reference_ids ("SELECT id FROM items i WHERE archived = 0 AND id IN (SELECT rowid FROM"
                            " items_fts WHERE items_fts MATCH 'description : bolt*') ORDER BY code, id");
  cr_assert_eq (g_array_index (expected, gint64, 0), new_id, "the new item comes first");
  cr_assert_eq (stk_pager_index_get_count (index), expected->len);
  assert_pages_match (query, index, expected, 0, STK_PAGER_STRIDE);
}

Test (pager, search_with_the_first_page_before_the_index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, "bolt", &error);
  g_autoptr(StkPagerIndex) index = stk_pager_index_build (ro, query, NULL, &error);
  g_autoptr(GArray) without = stk_pager_fetch (ro, query, NULL, 0, 20, &error);
  g_autoptr(GArray) with = stk_pager_fetch (ro, query, index, 0, 20, &error);

  cr_assert_eq (without->len, 20);
  for (guint i = 0; i < 20; i++)
    cr_assert_eq (g_array_index (without, StkPagerRow, i).id, g_array_index (with, StkPagerRow, i).id);
}

Test (pager, sales_and_moves_newest_first)
{
  struct { StkPagerKind kind; const char *ref; const char *ref_search; } cases[] = {
    { STK_PAGER_SALES, "SELECT id FROM sales ORDER BY sold_at DESC, id DESC",
      "SELECT s.id FROM sales s JOIN items i ON i.id = s.item_id WHERE i.code LIKE 'hw-01%'"
      " ORDER BY s.sold_at DESC, s.id DESC" },
    { STK_PAGER_MOVES, "SELECT id FROM movements ORDER BY moved_at DESC, id DESC",
      "SELECT m.id FROM movements m JOIN items i ON i.id = m.item_id WHERE i.code LIKE 'hw-01%'"
      " ORDER BY m.moved_at DESC, m.id DESC" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StkPagerQuery) query = stk_pager_query_new (cases[c].kind, NULL, FALSE, NULL, &error);
      g_autoptr(StkPagerQuery) asc = NULL;
      g_autoptr(StkPagerQuery) search = NULL;
      g_autoptr(StkPagerIndex) index = stk_pager_index_build (ro, query, NULL, &error);
      g_autoptr(StkPagerIndex) asc_index = NULL;
      g_autoptr(StkPagerIndex) search_index = NULL;
      g_autoptr(GArray) expected = reference_ids (cases[c].ref);
      g_autoptr(GArray) expected_search = reference_ids (cases[c].ref_search);
      g_autoptr(GArray) reversed = g_array_new (FALSE, FALSE, sizeof (gint64));

      cr_assert_not_null (index, "%s", error ? error->message : "");
      cr_assert (stk_pager_query_get_descending (query));
      assert_pages_match (query, index, expected, 0, STK_PAGER_STRIDE);
      assert_pages_match (query, index, expected, 11, 100);

      asc = stk_pager_query_new (cases[c].kind, cases[c].kind == STK_PAGER_SALES ? "sold-at" : "moved-at",
                                 FALSE, NULL, &error);
      asc_index = stk_pager_index_build (ro, asc, NULL, &error);
      for (guint i = expected->len; i > 0; i--)
        g_array_append_val (reversed, g_array_index (expected, gint64, i - 1));
      assert_pages_match (asc, asc_index, reversed, 0, 64);

      search = stk_pager_query_new (cases[c].kind, NULL, FALSE, "HW-01", &error);
      search_index = stk_pager_index_build (ro, search, NULL, &error);
      cr_assert_not_null (search_index, "%s", error ? error->message : "");
      cr_assert_gt (expected_search->len, 0);
      assert_pages_match (search, search_index, expected_search, 0, 30);
    }
}

Test (pager, rows_carry_their_values)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) sales = stk_pager_query_new (STK_PAGER_SALES, NULL, FALSE, NULL, &error);
  g_autoptr(StkPagerIndex) index = stk_pager_index_build (ro, sales, NULL, &error);
  g_autoptr(GArray) rows = stk_pager_fetch (ro, sales, index, 0, 1000000, &error);
  guint voided = 0;

  cr_assert_gt (rows->len, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      StkPagerRow *row = &g_array_index (rows, StkPagerRow, i);

      cr_assert_eq (row->voided, row->id % 5 == 0);
      voided += row->voided;
      cr_assert_gt (row->item_id, 0);
      cr_assert (g_str_has_prefix (row->uid, "u"));
      cr_assert_gt (strlen (row->code), 3);
    }
  cr_assert_gt (voided, 0);
}
