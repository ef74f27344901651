/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Maintenance: generated data (sound, realistic, deterministic), backup and
 * restore (round trip, safety copy, refusing bad files, upgrading old backups),
 * WAL checkpoint, default backup names. */
#include "config.h"

#include <criterion/criterion.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-maintenance.h"
#include "stk-ops.h"
#include "stk-schema.h"
#include "stk-store.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

TestSuite (maintenance, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

static char *
query_digest (const char *path,
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
      rows++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_strdup_printf ("%u:%s", rows, g_checksum_get_string (sum));
}

static char *
db_digest (const char *path)
{
  g_autofree char *a = query_digest (path, "SELECT * FROM items ORDER BY id");
  g_autofree char *b = query_digest (path, "SELECT * FROM movements ORDER BY id");
  g_autofree char *c = query_digest (path, "SELECT * FROM sales ORDER BY id");
  g_autofree char *d = query_digest (path, "SELECT * FROM applied_ops ORDER BY op_id");

  return g_strjoin ("/", a, b, c, d, NULL);
}

static const char items_sql[] =
  "SELECT code, description, unit_price_cents, reorder_level, archived, on_hand"
  " FROM items ORDER BY code";

static void
assert_sound (StkStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = stk_store_verify (store, &error);

  cr_assert_not_null (problems, "%s", error ? error->message : "");
  cr_assert_eq (problems->len, 0, "%s",
                problems->len > 0 ? (const char *) g_ptr_array_index (problems, 0) : "");
}

static goffset
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (goffset) st.st_size : -1;
}

/* ---- generate ---- */

typedef struct
{
  guint   calls;
  guint64 last;
  guint64 total;
} Progress;

static void
progress_cb (guint64  done,
             guint64  total,
             gpointer user_data)
{
  Progress *p = user_data;

  cr_assert_geq (done, p->last);
  p->last = done;
  p->total = total;
  p->calls++;
}

Test (maintenance, generate_makes_a_sound_realistic_inventory)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0 };
  gint64 days = stk_db_now_us () / G_GINT64_CONSTANT (86400000000);
  gint64 opening;
  gint64 archived;
  gint64 december, other;

  cr_assert (stk_generate (writer, 2000, 5000, 42, progress_cb, &progress, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (progress.last, 7000);
  cr_assert_eq (progress.total, 7000);
  cr_assert_geq (progress.calls, 2);

  store = stk_test_open_store (db_path);
  assert_sound (store);

  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2000);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 5000);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(DISTINCT code) FROM items"), 2000);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements WHERE balance < 0"), 0,
                "stock never goes below zero");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE on_hand < 0"), 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales WHERE uid NOT LIKE 'gen:42:%'"),
                0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales s JOIN items i"
                                         " ON i.id = s.item_id"
                                         " WHERE s.unit_price_cents <> i.unit_price_cents"),
                0, "sales at the item's price");

  /* Codes like HW-000123 or HW-000123-BLU; prices 0.50 … 2,000.00. */
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE NOT ("
                                         " code GLOB '[A-Z][A-Z]-[0-9][0-9][0-9][0-9][0-9][0-9]'"
                                         " OR code GLOB '[A-Z][A-Z]-[0-9][0-9][0-9][0-9][0-9][0-9]-[A-Z][A-Z][A-Z]')"),
                0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE unit_price_cents"
                                         " NOT BETWEEN 50 AND 200000 OR length(description) < 10"),
                0);
  cr_assert_geq (stk_test_query (db_path, "SELECT count(DISTINCT substr(code, 1, 2)) FROM items"),
                 10);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE reorder_level > 50"), 0);

  /* ~90 % with opening stock, ~2 % archived. */
  opening = stk_test_query (db_path, "SELECT count(*) FROM movements WHERE reason = 'Opening stock'");
  cr_assert (opening > 1700 && opening < 1900, "%" G_GINT64_FORMAT, opening);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements WHERE kind = 'receive'"
                                         " AND reason NOT IN ('Opening stock', 'Restock')"),
                0);
  archived = stk_test_query (db_path, "SELECT count(*) FROM items WHERE archived");
  cr_assert (archived >= 15 && archived <= 70, "%" G_GINT64_FORMAT " archived", archived);

  /* The last 365 days, more per day in December, a popular few. */
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"
                                         " WHERE sold_at / 86400000000 NOT BETWEEN "
                                         " (SELECT strftime('%s','now') / 86400 - 365)"
                                         " AND (SELECT strftime('%s','now') / 86400 - 1)"),
                0, "today is day %" G_GINT64_FORMAT, days);
  december = stk_test_query (db_path, "SELECT count(*) FROM sales WHERE"
                                      " strftime('%m', sold_at / 1000000, 'unixepoch') = '12'");
  other = stk_test_query (db_path, "SELECT count(*) FROM sales WHERE"
                                   " strftime('%m', sold_at / 1000000, 'unixepoch') = '11'");
  cr_assert (december * 30 > other * 31 * 1.3, "December %" G_GINT64_FORMAT ", November %"
             G_GINT64_FORMAT, december, other);
  cr_assert_geq (stk_test_query (db_path, "SELECT max(n) FROM (SELECT count(*) AS n FROM sales"
                                          " GROUP BY item_id)"),
                 50, "a best seller");
  stk_test_close_writer (writer);
}

Test (maintenance, generate_is_deterministic)
{
  g_autofree char *other_path = g_build_filename (tmpdir, "other.db", NULL);
  g_autofree char *third_path = g_build_filename (tmpdir, "third.db", NULL);
  StkWriter *a = stk_test_open_writer (db_path);
  StkWriter *b = stk_test_open_writer (other_path);
  StkWriter *c = stk_test_open_writer (third_path);
  g_autofree char *da = NULL;
  g_autofree char *db = NULL;
  g_autofree char *dc = NULL;
  g_autofree char *sa = NULL;
  g_autofree char *sb = NULL;
  static const char sales_sql[] =
    "SELECT s.uid, i.code, s.quantity, s.unit_price_cents, s.sold_at FROM sales s"
    " JOIN items i ON i.id = s.item_id ORDER BY s.id";

  cr_assert (stk_generate (a, 2000, 5000, 7, NULL, NULL, NULL));
  cr_assert (stk_generate (b, 2000, 5000, 7, NULL, NULL, NULL));
  cr_assert (stk_generate (c, 2000, 5000, 8, NULL, NULL, NULL));

  da = query_digest (db_path, items_sql);
  db = query_digest (other_path, items_sql);
  dc = query_digest (third_path, items_sql);
  cr_assert_str_eq (da, db, "same seed, same items");
  cr_assert_str_neq (da, dc, "another seed, other items");
  sa = query_digest (db_path, sales_sql);
  sb = query_digest (other_path, sales_sql);
  cr_assert_str_eq (sa, sb, "same seed, same sales");

  stk_test_close_writer (a);
  stk_test_close_writer (b);
  stk_test_close_writer (c);
}

Test (maintenance, generate_more_into_a_generated_inventory)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;

  cr_assert (stk_generate (writer, 300, 500, 1, NULL, NULL, NULL));
  cr_assert (stk_generate (writer, 300, 500, 1, NULL, NULL, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 600);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 1000);
  store = stk_test_open_store (db_path);
  assert_sound (store);

  cr_assert_not (stk_generate (writer, 0, 10, 1, NULL, NULL, &error));
  stk_test_close_writer (writer);
}

/* ---- backup and restore ---- */

static void
small_inventory (StkWriter *writer)
{
  stk_test_submit (writer, stk_op_create_item ("A-1", "First", 100, 1));
  stk_test_submit (writer, stk_op_create_item ("B-2", "Second", 250, 0));
  stk_test_submit (writer, stk_op_record_movement ("A-1", STK_MOVEMENT_RECEIVE, 10, "Delivery", 0));
  stk_test_submit (writer, stk_op_record_sale ("A-1", 3, -1, 0));
}

Test (maintenance, backup_and_restore_round_trip)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autofree char *backup = g_build_filename (tmpdir, "backup.db", NULL);
  g_autofree char *safety = NULL;
  g_autofree char *at_backup = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *restored = NULL;
  g_autofree char *in_safety = NULL;
  g_autoptr(GError) error = NULL;

  small_inventory (writer);
  store = stk_test_open_store (db_path);
  cr_assert (stk_store_backup (store, backup, &error), "%s", error ? error->message : "");
  at_backup = query_digest (db_path, items_sql);

  /* Changes after the backup. */
  stk_test_submit (writer, stk_op_create_item ("C-3", "Added later", 500, 0));
  stk_test_submit (writer, stk_op_record_sale ("A-1", 2, -1, 0));
  changed = query_digest (db_path, items_sql);
  cr_assert_str_neq (at_backup, changed);

  cr_assert (stk_restore (writer, store, backup, &safety, &error), "%s",
             error ? error->message : "");
  cr_assert_not_null (safety);
  cr_assert (g_file_test (safety, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *dir = g_path_get_dirname (safety);
    cr_assert_str_eq (dir, tmpdir);
  }

  restored = query_digest (db_path, items_sql);
  cr_assert_str_eq (restored, at_backup, "the backup's contents are back");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 1);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'C-3'"), 0);
  in_safety = query_digest (safety, items_sql);
  cr_assert_str_eq (in_safety, changed, "the safety copy holds the data from before the restore");

  /* Everything keeps working: readers see it, the writer writes, still WAL. */
  assert_sound (store);
  stk_test_submit (writer, stk_op_create_item ("D-4", "After the restore", 1, 0));
  stk_test_submit (writer, stk_op_record_sale ("A-1", 1, -1, 0));
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'A-1'"), 6);
  {
    g_autofree char *mode = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    cr_assert_eq (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
    cr_assert_eq (sqlite3_step (stmt), SQLITE_ROW);
    mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    cr_assert_str_eq (mode, "wal");
  }
  stk_test_close_writer (writer);
}

static void
assert_restore_fails (StkWriter  *writer,
                      StkStore   *store,
                      const char *backup,
                      int         code)
{
  g_autofree char *before = db_digest (db_path);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  char *safety = NULL;
  const char *name;

  cr_assert_not (stk_restore (writer, store, backup, &safety, &error), "%s was restored", backup);
  cr_assert_null (safety);
  cr_assert (g_error_matches (error, STK_ERROR, code), "%s: %s (%d)", backup, error->message,
             error->code);
  after = db_digest (db_path);
  cr_assert_str_eq (before, after, "the live inventory is unchanged");

  dir = g_dir_open (tmpdir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    cr_assert (strstr (name, "-backup-") == NULL, "no safety copy for a refused restore: %s", name);
}

Test (maintenance, restore_refuses_bad_files)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autofree char *garbage = g_build_filename (tmpdir, "garbage.db", NULL);
  g_autofree char *foreign = g_build_filename (tmpdir, "foreign.db", NULL);
  g_autofree char *good = g_build_filename (tmpdir, "good.db", NULL);
  g_autofree char *truncated = g_build_filename (tmpdir, "truncated.db", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing.db", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  sqlite3 *db = NULL;
  g_autoptr(GError) error = NULL;

  small_inventory (writer);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *code = g_strdup_printf ("BULK-%03u", i);
      g_autofree char *description = g_strnfill (300, 'x');
      stk_test_submit (writer, stk_op_create_item (code, description, i, 0));
    }
  store = stk_test_open_store (db_path);

  cr_assert (g_file_set_contents (garbage, "this is not a database, just some text\n", -1, NULL));
  assert_restore_fails (writer, store, garbage, STK_ERROR_NOT_INVENTORY);

  cr_assert_eq (sqlite3_open (foreign, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts"
                                  " VALUES ('someone');", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (db);
  assert_restore_fails (writer, store, foreign, STK_ERROR_NOT_INVENTORY);

  cr_assert (stk_store_backup (store, good, &error), "%s", error ? error->message : "");
  cr_assert (g_file_get_contents (good, &contents, &len, NULL));
  cr_assert_gt (len, 8192);
  cr_assert (g_file_set_contents (truncated, contents, (gssize) (len / 2), NULL));
  assert_restore_fails (writer, store, truncated, STK_ERROR_CORRUPT);

  assert_restore_fails (writer, store, missing, STK_ERROR_NOT_FOUND);

  {
    g_autofree char *newer = g_build_filename (tmpdir, "newer.db", NULL);

    cr_assert_eq (sqlite3_open (newer, &db), SQLITE_OK);
    cr_assert_eq (sqlite3_exec (db, "PRAGMA application_id = 1398033236; PRAGMA user_version = 99;"
                                    " CREATE TABLE future (x);", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (db);
    assert_restore_fails (writer, store, newer, STK_ERROR_TOO_NEW);
  }
  assert_restore_fails (writer, store, db_path, STK_ERROR_INVALID_DATA);

  /* A damaged page in the middle: the integrity check finds it. */
  {
    g_autofree char *damaged = g_build_filename (tmpdir, "damaged.db", NULL);
    char *copy = g_memdup2 (contents, len);

    gint64 root = stk_test_query (good, "SELECT rootpage FROM sqlite_schema WHERE name = 'items'");

    gint64 page_size = stk_test_query (good, "PRAGMA page_size");

    cr_assert_gt (root, 1);
    cr_assert_geq (page_size, 512);
    memset (copy + (root - 1) * page_size, 0xA5, 64); /* the items table's page header */
    cr_assert (g_file_set_contents (damaged, copy, (gssize) len, NULL));
    g_free (copy);
    assert_restore_fails (writer, store, damaged, STK_ERROR_CORRUPT);
  }

  /* The good one still restores. */
  {
    g_autofree char *safety = NULL;

    cr_assert (stk_restore (writer, store, good, &safety, &error), "%s",
               error ? error->message : "");
  }
  stk_test_close_writer (writer);
}

Test (maintenance, restore_upgrades_an_older_backup)
{
  g_autofree char *old = g_build_filename (tmpdir, "old.db", NULL);
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autofree char *safety = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  small_inventory (writer);
  store = stk_test_open_store (db_path);

  /* A format-2 inventory: items and movements, no sales yet. */
  cr_assert_eq (sqlite3_open (old, &db), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, 2, &error), "%s", error ? error->message : "");
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO items (code, description, created_at, updated_at)"
                              " VALUES ('OLD-1', 'From an old version', 1, 1);"
                              "INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                              " VALUES (1, 'receive', 4, 4, 1);",
                              NULL, NULL, NULL),
                SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  cr_assert (stk_restore (writer, store, old, &safety, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), STK_SCHEMA_VERSION);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'OLD-1'"), 4);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 1);
  assert_sound (store);
  stk_test_submit (writer, stk_op_record_sale ("OLD-1", 1, -1, 0));
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'OLD-1'"), 3);
  stk_test_close_writer (writer);
}

/* ---- checkpoint ---- */

Test (maintenance, checkpoint_truncates_the_wal)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  gint64 frames = -2;
  gint64 checkpointed = -2;

  small_inventory (writer);
  cr_assert_gt (file_size (wal), 0);

  cr_assert (stk_checkpoint (writer, &frames, &checkpointed, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (file_size (wal), 0);
  cr_assert_geq (frames, 0);
  cr_assert_eq (frames, checkpointed);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2);
  stk_test_close_writer (writer);
}

Test (maintenance, checkpoint_reports_a_busy_reader)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *reader = NULL;
  gint64 frames = -2;

  small_inventory (writer);
  cr_assert_eq (sqlite3_open_v2 (db_path, &reader, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (reader, "BEGIN; SELECT count(*) FROM items;", NULL, NULL, NULL),
                SQLITE_OK);

  cr_assert_not (stk_checkpoint (writer, &frames, NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_BUSY), "%s", error->message);
  cr_assert (strstr (error->message, "another program is reading") != NULL, "%s", error->message);
  cr_assert_gt (file_size (wal), 0);

  sqlite3_exec (reader, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (reader);
  g_clear_error (&error);
  cr_assert (stk_checkpoint (writer, NULL, NULL, &error), "%s", error ? error->message : "");
  cr_assert_eq (file_size (wal), 0);
  stk_test_close_writer (writer);
}

/* ---- backup names ---- */

Test (maintenance, default_backup_path)
{
  g_autofree char *other = stk_backup_default_path ("/srv/data/shop.sqlite");

  /* The name carries the current second: try again if the clock ticks over mid-test. */
  for (guint attempt = 0;; attempt++)
    {
      g_autofree char *first = stk_backup_default_path (db_path);
      g_autofree char *second = NULL;
      g_autofree char *third = NULL;
      g_autofree char *base = g_path_get_basename (first);
      g_autofree char *dir = g_path_get_dirname (first);

      cr_assert (g_regex_match_simple ("^inventory-backup-[0-9]{8}-[0-9]{6}\\.db$", base, 0, 0), "%s",
                 base);
      cr_assert_str_eq (dir, tmpdir);

      cr_assert (g_file_set_contents (first, "x", 1, NULL));
      second = stk_backup_default_path (db_path);
      cr_assert (g_file_set_contents (second, "x", 1, NULL));
      third = stk_backup_default_path (db_path);
      g_unlink (first);
      g_unlink (second);
      if (strncmp (first, third, strlen (first) - 3) != 0 && attempt < 3)
        continue;

      cr_assert (g_str_has_suffix (second, "-2.db"), "%s", second);
      cr_assert_eq (strncmp (first, second, strlen (first) - 3), 0, "%s / %s", first, second);
      cr_assert (g_str_has_suffix (third, "-3.db"), "%s", third);
      break;
    }

  cr_assert (g_str_has_prefix (other, "/srv/data/shop.sqlite-backup-"), "%s", other);
}
