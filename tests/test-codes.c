/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include <glib/gstdio.h>

#include "stk-code.h"
#include "stk-error.h"
#include "stk-ops.h"
#include "stk-pager.h"
#include "stk-query.h"
#include "stk-schema.h"
#include "stk-store.h"
#include "stk-transfer.h"
#include "stk-writer.h"
#include "stk-test-sqlite.h"

/* One rule for "the same code" (issue 13): uniqueness in the inventory, the CSV
 * duplicate check, lookups, search and completion all use stk_code_key(). */

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

TestSuite (codes, .init = setup, .fini = teardown, .timeout = 120);

static char *
path_in (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static char *
write_csv (const char *name,
           const char *contents)
{
  char *path = path_in (name);

  cr_assert (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static gboolean
import_skus (StkWriter   *writer,
             const char  *path,
             GError     **error)
{
  g_auto(StkImportReport) report = { 0 };

  return stk_import_file (writer, STK_TABLE_SKUS, path, NULL, NULL, NULL, &report, error);
}

static guint64
export_skus (const char *db_path,
             const char *csv_path)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GError) error = NULL;
  guint64 rows = 0;

  cr_assert (stk_export_file (store, STK_TABLE_SKUS, csv_path, NULL, NULL, NULL, &rows, &error),
             "%s", error ? error->message : "");
  return rows;
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  cr_assert (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Exports @db_path's skus, imports them into a new inventory and checks that the
 * import succeeds and the new inventory exports the same bytes. */
static void
assert_round_trip (const char *db_path,
                   const char *tag,
                   guint64     expected_rows)
{
  g_autofree char *csv = path_in ("round-trip.csv");
  g_autofree char *csv2 = path_in ("round-trip-2.csv");
  g_autofree char *name = g_strdup_printf ("copy-%s.db", tag);
  g_autofree char *copy = path_in (name);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr(GError) error = NULL;
  StkWriter *writer;
  gboolean ok;

  cr_assert_eq (export_skus (db_path, csv), expected_rows);
  writer = stk_test_open_writer (copy);
  ok = import_skus (writer, csv, &error);
  stk_test_close_writer (writer);
  cr_assert (ok, "%s: export → import into a new inventory failed: %s", tag,
             error ? error->message : "");
  cr_assert_eq (export_skus (copy, csv2), expected_rows);
  a = read_text (csv);
  b = read_text (csv2);
  cr_assert_str_eq (a, b, "%s: the new inventory's export differs", tag);
}

static gint64
find_id (StkStore   *store,
         const char *code)
{
  g_auto(StkItemInfo) info = { 0 };
  sqlite3 *db = stk_store_acquire (store, NULL);
  gboolean found;

  cr_assert_not_null (db);
  found = stk_query_item_by_code (db, code, &info, NULL);
  stk_store_release (store, db);
  return found ? info.id : 0;
}

/* The example: é1, É1, ß, SS, İ imported one file at a time used to succeed
 * (the database folded ASCII only), and the export then failed to import with
 * "appears twice" (the CSV check folded all of Unicode). */
Test (codes, five_codes_one_file_at_a_time_round_trip)
{
  const char *codes[] = { "é1", "É1", "ß", "SS", "İ", ("e\xcc\x81" "1") /* é1 decomposed */ };
  const gboolean taken[] = { TRUE, FALSE, TRUE, FALSE, TRUE, FALSE };
  g_autofree char *db_path = path_in ("five.db");
  g_autoptr(StkStore) store = NULL;
  StkWriter *writer = stk_test_open_writer (db_path);
  gboolean accepted[G_N_ELEMENTS (codes)];
  guint64 n_accepted = 0;

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *name = g_strdup_printf ("one-%u.csv", i);
      g_autofree char *text = g_strdup_printf ("code,description\n%s,item %u\n", codes[i], i);
      g_autofree char *csv = write_csv (name, text);
      g_autoptr(GError) error = NULL;
      accepted[i] = import_skus (writer, csv, &error);
      n_accepted += accepted[i];
    }
  stk_test_close_writer (writer);

  /* Whatever was taken comes back (this failed with "appears twice"). */
  assert_round_trip (db_path, "five", n_accepted);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    cr_assert_eq (accepted[i], taken[i], "import of “%s”: %s", codes[i],
                  accepted[i] ? "accepted, but an item with the same code exists" : "refused");

  /* Every spelling finds its item. */
  store = stk_test_open_store (db_path);
  cr_assert_neq (find_id (store, "é1"), 0);
  cr_assert_eq (find_id (store, "É1"), find_id (store, "é1"));
  cr_assert_eq (find_id (store, "e\xcc\x81" "1"), find_id (store, "é1"));
  cr_assert_eq (find_id (store, "ss"), find_id (store, "ß"));
  cr_assert_eq (find_id (store, "ẞ"), find_id (store, "ß"));
  cr_assert_eq (find_id (store, "i\xcc\x87"), find_id (store, "İ"));
  cr_assert_neq (find_id (store, "İ"), 0);
}

/* The in-file check and the inventory agree: a file holding two spellings of one
 * code is refused, and so is one naming an existing item in another spelling. */
Test (codes, csv_and_inventory_agree)
{
  g_autofree char *db_path = path_in ("agree.db");
  g_autofree char *twice = write_csv ("twice.csv", "code\nﾃｽﾄ\nテスト\n");
  g_autofree char *first = write_csv ("first.csv", "code\nＡＢＣ-1\n");
  g_autofree char *again = write_csv ("again.csv", "code\nabc-1\n");
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  StkWriter *writer = stk_test_open_writer (db_path);

  cr_assert_not (import_skus (writer, twice, &e1));
  cr_assert (import_skus (writer, first, NULL));
  cr_assert_not (import_skus (writer, again, &e2), "abc-1 and ＡＢＣ-1 are one code");
  stk_test_close_writer (writer);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 1);
}

/* An inventory written by the previous version (schema 4) with items that are the
 * same under the new rule: the upgrade keeps every item, reports the ones kept apart,
 * and the inventory opens and verifies clean. A read-only look before the upgrade
 * (what the read-only window does; it cannot migrate) works with the new rule. */
Test (codes, migration_keeps_and_reports_collisions)
{
  g_autofree char *db_path = path_in ("old.db");
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_auto(GStrv) completions = NULL;
  g_autoptr(GError) error = NULL;
  StkStats stats;
  sqlite3 *db = NULL;
  StkWriter *writer;

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, 4, &error), "%s", error ? error->message : "");
  cr_assert_eq (sqlite3_exec (db,
                              "PRAGMA journal_mode=WAL;"
                              "INSERT INTO items (code, description, created_at, updated_at) VALUES"
                              " ('é1', 'first', 1, 1), ('É1', 'second', 1, 1), ('ß', 'sharp', 1, 1),"
                              " ('SS', 'double', 1, 1), ('ẞ', 'capital sharp', 1, 1),"
                              " ('İ', 'dotted', 1, 1), ('plain', 'ascii', 1, 1);"
                              "INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                              " VALUES (2, 'receive', 5, 5, 1), (4, 'receive', 7, 7, 1);",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), 4);

  /* Read-only, format 4: lookups, completion and search follow the new rule. */
  store = stk_test_open_store (db_path);
  cr_assert_eq (find_id (store, "É1"), 1);
  cr_assert_eq (find_id (store, "ss"), 3);
  db = stk_store_acquire (store, NULL);
  completions = stk_query_complete_codes (db, "PL", 10, &error);
  cr_assert_not_null (completions, "%s", error ? error->message : "");
  cr_assert_eq (g_strv_length (completions), 1);
  {
    g_autoptr(StkPagerQuery) q = stk_pager_query_new (STK_PAGER_MOVES, NULL, FALSE, "ss", NULL);
    g_autoptr(StkPagerIndex) index = stk_pager_index_build (db, q, NULL, &error);

    cr_assert_not_null (index, "%s", error ? error->message : "");
  }
  stk_store_release (store, db);
  g_clear_object (&store);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), 4, "a reader migrated");

  /* The upgrade. */
  writer = stk_test_open_writer (db_path);
  stk_test_close_writer (writer);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), STK_SCHEMA_VERSION);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 7, "items lost or merged");
  cr_assert_eq (stk_test_query (db_path, "SELECT sum(on_hand) FROM items"), 12);
  cr_assert_eq (stk_test_query (db_path, "SELECT value FROM settings"
                                         " WHERE key = 'code_collisions_notice'"), 3);

  store = stk_test_open_store (db_path);
  cr_assert (stk_store_get_stats (store, &stats, NULL));
  cr_assert_eq (stats.codes_kept_apart, 3);
  kept = stk_store_codes_kept_apart (store, &error);
  cr_assert_not_null (kept, "%s", error ? error->message : "");
  cr_assert_eq (kept->len, 3);
  cr_assert (strstr (g_ptr_array_index (kept, 0), "É1") != NULL &&
             strstr (g_ptr_array_index (kept, 0), "é1") != NULL,
             "%s", (const char *) g_ptr_array_index (kept, 0));
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems, "%s", error ? error->message : "");
  cr_assert_eq (problems->len, 0, "%s",
                problems->len ? (const char *) g_ptr_array_index (problems, 0) : "");
  /* The first of each group answers to every spelling; the others keep their items. */
  cr_assert_eq (find_id (store, "É1"), 1);
  cr_assert_eq (find_id (store, "SS"), 3);
  g_clear_object (&store);

  /* Still writable: a new code is taken, a new spelling of a kept code is not, and
   * renaming a kept-apart item to a free code gives it an ordinary key. */
  writer = stk_test_open_writer (db_path);
  stk_test_submit (writer, stk_op_create_item ("new-1", "", 0, 0));
  {
    g_autoptr(StkOp) taken = stk_op_create_item ("ｓｓ", "", 0, 0);

    cr_assert_not (stk_writer_submit_sync (writer, taken, NULL));
  }
  stk_test_submit (writer, stk_op_update_item (4, "SS-2", "double", 0, 0));
  stk_test_close_writer (writer);
  store = stk_test_open_store (db_path);
  cr_assert (stk_store_get_stats (store, &stats, NULL));
  cr_assert_eq (stats.codes_kept_apart, 2);
  cr_assert_eq (find_id (store, "ss-2"), 4);
}

/* ---- property: random Unicode inventories ---- */

static const char *const pieces[] = {
  "a", "B", "z", "Q", "0", "7", "-", ".", "_",
  "é", "É", "e\xcc\x81", "E\xcc\x81", "\xcc\x88", "o\xcc\x88", "Ö",
  "ß", "ẞ", "SS", "ss", "s", "S",
  "İ", "i\xcc\x87", "i", "I",
  "Σ", "σ", "ς", "Ω", "ω", "ά", "Ά",
  "Ａ", "ａ", "ｂ", "１", "ﬁ", "ﬀ",
};

static char *
random_code (GRand *rand)
{
  GString *s = g_string_new (NULL);
  guint n = (guint) g_rand_int_range (rand, 1, 6);

  for (guint i = 0; i < n; i++)
    g_string_append (s, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
  /* A code cannot start with a lone combining mark in a CSV-safe way of thinking,
   * nor with what a spreadsheet reads as a formula: prefix a letter. */
  if ((guchar) s->str[0] == 0xcc || s->str[0] == '-')
    g_string_prepend (s, "k");
  return g_string_free (s, FALSE);
}

static char *
case_variant (GRand      *rand,
              const char *code)
{
  switch (g_rand_int_range (rand, 0, 4))
    {
    case 0:
      return g_utf8_strup (code, -1);
    case 1:
      return g_utf8_strdown (code, -1);
    case 2:
      return g_utf8_normalize (code, -1, G_NORMALIZE_NFD);
    default:
      return g_utf8_normalize (code, -1, G_NORMALIZE_NFKC);
    }
}

Test (codes, random_unicode_inventories_round_trip, .timeout = 600)
{
  const char *env = g_getenv ("STK_TEST_SEED");
  guint32 seed = env != NULL ? (guint32) g_ascii_strtoull (env, NULL, 10)
                             : (guint32) g_get_real_time ();
  const guint n_inventories = 3;
  const guint n_codes = 300;

  cr_log_info ("test-codes: random inventories with seed %u (STK_TEST_SEED=%u to repeat)",
              seed, seed);
  for (guint inv = 0; inv < n_inventories; inv++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed + inv);
      g_autofree char *name = g_strdup_printf ("random-%u.db", inv);
      g_autofree char *tag = g_strdup_printf ("seed %u, inventory %u", seed, inv);
      g_autofree char *db_path = path_in (name);
      g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(StkStore) store = NULL;
      StkWriter *writer = stk_test_open_writer (db_path);
      guint64 taken = 0;

      /* One item at a time, as the window and the CLI add them: whatever the
       * inventory takes must survive the round trip. */
      for (guint i = 0; i < n_codes; i++)
        {
          g_autofree char *code = random_code (rand);
          StkOp *op = stk_op_create_item (code, "random", 0, 0);

          if (stk_writer_submit_sync (writer, op, NULL))
            {
              taken++;
              g_ptr_array_add (codes, g_steal_pointer (&code));
            }
          stk_op_unref (op);
        }
      stk_test_close_writer (writer);
      cr_assert_gt (taken, n_codes / 4, "%s: only %lu codes taken", tag, (gulong) taken);

      assert_round_trip (db_path, tag, taken);

      store = stk_test_open_store (db_path);
      for (guint i = 0; i < codes->len; i++)
        {
          const char *code = g_ptr_array_index (codes, i);
          g_autofree char *variant = case_variant (rand, code);
          gint64 id = find_id (store, code);

          cr_assert_neq (id, 0, "%s: “%s” not found", tag, code);
          cr_assert_eq (find_id (store, variant), id, "%s: “%s” does not find “%s”", tag,
                        variant, code);
          g_array_append_val (ids, id);
        }
    }
}
