/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The inventory file: creation, migrations from every earlier version, the rules the
 * schema enforces in SQL, and files that are not ours, left untouched. */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-ops.h"
#include "stk-schema.h"
#include "stk-store.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

TestSuite (schema, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown);

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  cr_assert_eq (sqlite3_open (path, &db), SQLITE_OK);
  sqlite3_exec (db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
  return db;
}

static int
raw_exec (sqlite3    *db,
          const char *sql)
{
  return sqlite3_exec (db, sql, NULL, NULL, NULL);
}

Test (schema, new_file_is_created_0600_in_wal_at_latest_version)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = stk_db_open (db_path, STK_DB_READ_WRITE, &error);
  struct stat st;

  cr_assert_not_null (db, "%s", error ? error->message : "");
  cr_assert_eq (stk_schema_get_version (db, NULL), STK_SCHEMA_VERSION);
  stk_db_close (db);

  cr_assert_eq (g_stat (db_path, &st), 0);
  cr_assert_eq (st.st_mode & 0777, 0600, "mode is %o", st.st_mode & 0777);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA application_id"), STK_SCHEMA_APPLICATION_ID);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
}

Test (schema, connection_settings)
{
  sqlite3 *db = stk_db_open (db_path, STK_DB_READ_WRITE, NULL);
  gint64 v = 0;

  cr_assert_not_null (db);
  stk_db_query_int64 (db, "PRAGMA foreign_keys", &v, NULL);
  cr_assert_eq (v, 1);
  stk_db_query_int64 (db, "PRAGMA synchronous", &v, NULL);
  cr_assert_eq (v, 2, "synchronous must be FULL");
  stk_db_query_int64 (db, "PRAGMA temp_store", &v, NULL);
  cr_assert_eq (v, 2, "temp_store must be MEMORY");
  stk_db_close (db);
}

/* Builds a file at an older version with data that version could hold. */
static void
make_old_inventory (int version)
{
  sqlite3 *db = raw_open (db_path);

  cr_assert (stk_schema_migrate (db, version, NULL));
  cr_assert_eq (stk_schema_get_version (db, NULL), version);
  if (version >= 1)
    cr_assert_eq (raw_exec (db, "INSERT INTO items (code, description, unit_price_cents, created_at, updated_at)"
                                " VALUES ('OLD-1', 'from v1', 150, 1, 1), ('old-2', 'second', 0, 1, 1)"), SQLITE_OK,
                  "%s", sqlite3_errmsg (db));
  if (version >= 2)
    cr_assert_eq (raw_exec (db, "INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                                " VALUES (1, 'receive', 7, 7, 2)"), SQLITE_OK, "%s", sqlite3_errmsg (db));
  if (version >= 3)
    cr_assert_eq (raw_exec (db, "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at)"
                                " VALUES ('v3-sale', 1, 3, 150, 3)"), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);
}

static void
check_migrated (int from_version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = stk_writer_new (db_path, &error);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(StkOp) sale = NULL;

  cr_assert_not_null (writer, "from v%d: %s", from_version, error ? error->message : "");
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), STK_SCHEMA_VERSION);

  if (from_version >= 1)
    {
      cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2);
      cr_assert_eq (stk_test_query (db_path, "SELECT unit_price_cents FROM items WHERE code = 'OLD-1'"), 150);
    }
  if (from_version >= 1)
    {
      /* Version 4's word index holds the items that were there before. */
      cr_assert_eq (stk_test_query (db_path, "SELECT rowid FROM items_fts WHERE items_fts MATCH 'second'"),
                    stk_test_query (db_path, "SELECT id FROM items WHERE code = 'old-2'"));
      cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'old'"), 2);
    }
  if (from_version >= 2)
    {
      gint64 before = from_version >= 3 ? 4 : 7;

      cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'OLD-1'"), before);
      sale = stk_op_record_sale ("old-1", 2, -1, 0);
      cr_assert (stk_writer_submit_sync (writer, sale, &error), "%s", error ? error->message : "");
      cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'OLD-1'"), before - 2);
      cr_assert_eq (stk_test_query (db_path, "SELECT min(unit_price_cents) FROM sales"), 150);
    }
  if (from_version >= 3)
    {
      /* A sale recorded before version 4 can be voided. */
      g_autoptr(StkOp) undo = stk_op_void_sale (stk_test_query (db_path, "SELECT id FROM sales WHERE uid = 'v3-sale'"));

      cr_assert (stk_writer_submit_sync (writer, undo, &error), "%s", error ? error->message : "");
      cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'OLD-1'"), 5);
    }
  {
    sqlite3 *db = raw_open (db_path);

    cr_assert_eq (raw_exec (db, "INSERT INTO items_fts (items_fts) VALUES ('integrity-check')"), SQLITE_OK,
                  "from v%d: %s", from_version, sqlite3_errmsg (db));
    sqlite3_close (db);
  }
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
                                         " AND name IN ('items_sort_code', 'items_sort_description', 'items_sort_on_hand',"
                                         " 'items_sort_price', 'items_sort_reorder', 'items_sort_updated')"), 6);

  store = stk_store_new (db_path, &error);
  cr_assert_not_null (store);
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems);
  cr_assert_eq (problems->len, 0, "from v%d: %s", from_version,
                problems->len ? (char *) g_ptr_array_index (problems, 0) : "");
}

Test (schema, migrates_from_empty_file)
{
  g_file_set_contents (db_path, "", 0, NULL);
  check_migrated (0);
}

Test (schema, migrates_from_v1)
{
  make_old_inventory (1);
  check_migrated (1);
}

Test (schema, migrates_from_v2)
{
  make_old_inventory (2);
  check_migrated (2);
}

Test (schema, migrates_from_v3)
{
  make_old_inventory (3);
  check_migrated (3);
}

Test (schema, failed_migration_from_v3_leaves_v3)
{
  sqlite3 *db;
  g_autoptr(GError) error = NULL;

  make_old_inventory (3);
  /* Make migration 4 fail after the word index was built: sale_voids exists. */
  db = raw_open (db_path);
  cr_assert_eq (raw_exec (db, "CREATE TABLE sale_voids (x)"), SQLITE_OK);
  sqlite3_close (db);

  cr_assert_null (stk_db_open (db_path, STK_DB_READ_WRITE, &error));
  cr_assert_not_null (error);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), 3, "one transaction: all or nothing");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'items_fts%'"
                                         " OR name LIKE 'items_sort_%' OR name = 'items_active'"), 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 1);
}

Test (schema, failed_migration_leaves_old_version)
{
  sqlite3 *db;
  g_autoptr(GError) error = NULL;

  make_old_inventory (2);
  /* Make migration 3 impossible: a table it wants to create already exists. */
  db = raw_open (db_path);
  cr_assert_eq (raw_exec (db, "CREATE TABLE sales (x)"), SQLITE_OK);
  sqlite3_close (db);

  cr_assert_null (stk_db_open (db_path, STK_DB_READ_WRITE, &error));
  cr_assert_not_null (error);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), 2, "one transaction: all or nothing");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sqlite_schema WHERE name = 'applied_ops'"), 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2);
}

/* ---- rules enforced in SQL, whoever writes ---- */

static sqlite3 *
rules_db (void)
{
  sqlite3 *db;

  stk_db_close (stk_db_open (db_path, STK_DB_READ_WRITE, NULL));
  db = raw_open (db_path);
  cr_assert_eq (raw_exec (db, "INSERT INTO items (code, created_at, updated_at) VALUES ('A-1', 0, 0);"
                              "INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                              " VALUES (1, 'receive', 10, 10, 0);"), SQLITE_OK, "%s", sqlite3_errmsg (db));
  return db;
}

static void
assert_rejected (sqlite3    *db,
                 const char *sql)
{
  int rc = raw_exec (db, sql);

  cr_assert_eq (rc & 0xff, SQLITE_CONSTRAINT, "accepted: %s (rc %d)", sql, rc);
}

Test (schema, rules_are_enforced_in_sql)
{
  sqlite3 *db = rules_db ();

  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE id = 1"), 10);

  assert_rejected (db, "INSERT INTO items (code, created_at, updated_at) VALUES ('a-1', 0, 0)");
  assert_rejected (db, "INSERT INTO items (code, created_at, updated_at) VALUES ('', 0, 0)");
  assert_rejected (db, "INSERT INTO items (code, created_at, updated_at) VALUES (' padded ', 0, 0)");
  assert_rejected (db, "INSERT INTO items (code, unit_price_cents, created_at, updated_at) VALUES ('B', -1, 0, 0)");
  assert_rejected (db, "INSERT INTO items (code, unit_price_cents, created_at, updated_at) VALUES ('B', 'cheap', 0, 0)");
  assert_rejected (db, "INSERT INTO items (code, reorder_level, created_at, updated_at) VALUES ('B', -5, 0, 0)");
  assert_rejected (db, "INSERT INTO items (code, on_hand, created_at, updated_at) VALUES ('B', 5, 0, 0)");
  assert_rejected (db, "UPDATE items SET on_hand = 99 WHERE id = 1");
  assert_rejected (db, "INSERT INTO movements (item_id, kind, quantity, balance, moved_at) VALUES (1, 'receive', 5, 99, 0)");
  assert_rejected (db, "INSERT INTO movements (item_id, kind, quantity, balance, moved_at) VALUES (1, 'receive', -5, 5, 0)");
  assert_rejected (db, "INSERT INTO movements (item_id, kind, quantity, balance, moved_at) VALUES (1, 'adjustment', -11, -1, 0)");
  assert_rejected (db, "INSERT INTO movements (item_id, kind, quantity, balance, moved_at) VALUES (1, 'sale', -1, 9, 0)");
  assert_rejected (db, "INSERT INTO movements (item_id, kind, quantity, balance, moved_at) VALUES (1, 'theft', -1, 9, 0)");
  assert_rejected (db, "INSERT INTO movements (item_id, kind, quantity, balance, moved_at) VALUES (42, 'receive', 1, 1, 0)");
  assert_rejected (db, "UPDATE movements SET quantity = 20");
  assert_rejected (db, "DELETE FROM movements");
  assert_rejected (db, "DELETE FROM items WHERE id = 1");
  assert_rejected (db, "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at) VALUES ('s1', 1, 0, 100, 0)");
  assert_rejected (db, "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at) VALUES ('s1', 1, 11, 100, 0)");

  /* What is allowed keeps the invariant. */
  cr_assert_eq (raw_exec (db, "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at) VALUES ('s1', 1, 4, 100, 0)"), SQLITE_OK);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE id = 1"), 6);
  assert_rejected (db, "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at) VALUES ('s1', 1, 1, 100, 0)");
  assert_rejected (db, "UPDATE sales SET quantity = 1");
  assert_rejected (db, "DELETE FROM sales");
  assert_rejected (db, "INSERT INTO applied_ops (op_id, kind, applied_at) VALUES (NULL, 'x', 0)");
  cr_assert_eq (raw_exec (db, "UPDATE settings SET value = 1 WHERE key = 'allow_negative_stock'"), SQLITE_OK);
  cr_assert_eq (raw_exec (db, "INSERT INTO movements (item_id, kind, quantity, balance, moved_at) VALUES (1, 'adjustment', -8, -2, 0)"), SQLITE_OK,
                "negative stock allowed by the setting");
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE id = 1"), -2);
  sqlite3_close (db);
}

/* Random ops through the writer, many of them failing: on-hand always equals the
 * sum of movements and the verifier finds nothing. */
Test (schema, on_hand_equals_sum_of_movements_under_random_ops)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = stk_writer_new (db_path, &error);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  GRand *rand = g_rand_new_with_seed (42);
  guint ok = 0, failed = 0;

  cr_assert_not_null (writer);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *code = g_strdup_printf ("R-%u", i);
      g_autoptr(StkOp) op = stk_op_create_item (code, "random", 100 * i, i);
      cr_assert (stk_writer_submit_sync (writer, op, NULL));
    }
  for (guint i = 0; i < 600; i++)
    {
      g_autofree char *code = g_strdup_printf ("R-%d", g_rand_int_range (rand, 0, 11));
      g_autoptr(StkOp) op = NULL;
      gint64 q = g_rand_int_range (rand, -20, 30);

      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
          op = stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, q, "in", 0);
          break;
        case 1:
          op = stk_op_record_movement (code, STK_MOVEMENT_ADJUSTMENT, q, "fix", 0);
          break;
        case 2:
          op = stk_op_record_movement (code, STK_MOVEMENT_COUNT, q, "count", 0);
          break;
        default:
          op = stk_op_record_sale (code, q, -1, 0);
          break;
        }
      if (stk_writer_submit_sync (writer, op, NULL))
        ok++;
      else
        failed++;
    }
  g_rand_free (rand);
  cr_assert_gt (ok, 100);
  cr_assert_gt (failed, 100, "the mix must include refused ops");

  cr_assert_eq (stk_test_query (db_path,
                                "SELECT count(*) FROM items i WHERE on_hand <>"
                                " (SELECT coalesce(sum(quantity), 0) FROM movements WHERE item_id = i.id)"), 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE on_hand < 0"), 0);
  store = stk_store_new (db_path, &error);
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems);
  cr_assert_eq (problems->len, 0);
}

Test (schema, verify_reports_each_problem)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  sqlite3 *db = rules_db ();

  /* Someone bypasses the rules with triggers dropped: the verifier must see it. */
  cr_assert_eq (raw_exec (db, "DROP TRIGGER items_on_hand_guard; UPDATE items SET on_hand = 3 WHERE id = 1;"
                              "PRAGMA foreign_keys = OFF;"
                              "INSERT INTO movements (item_id, kind, quantity, balance, moved_at) VALUES (1, 'receive', 1, 4, 0);"
                              "DROP TRIGGER movements_check;"
                              "INSERT INTO movements (item_id, kind, quantity, balance, moved_at) VALUES (77, 'receive', 1, 1, 0);"),
                SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  store = stk_store_new (db_path, &error);
  cr_assert_not_null (store);
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems);
  cr_assert_geq (problems->len, 3);
  {
    g_autofree char *all = NULL;
    g_ptr_array_add (problems, NULL);
    all = g_strjoinv ("\n", (char **) problems->pdata);
    cr_assert (strstr (all, "A-1") != NULL, "%s", all);
    cr_assert (strstr (all, "missing row") != NULL, "%s", all);
  }
}

/* ---- files that are not ours are refused and left byte-for-byte unchanged ---- */

static void
assert_refused_untouched (int expected_code)
{
  g_autoptr(GBytes) before = stk_test_read_bytes (db_path);
  g_autoptr(GBytes) after = NULL;
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GError) error3 = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  cr_assert_not_null (before);
  writer = stk_writer_new (db_path, &error);
  cr_assert_null (writer);
  cr_assert (g_error_matches (error, STK_ERROR, expected_code), "got %s (%d)",
             error ? error->message : "no error", error ? error->code : -1);
  cr_assert (strchr (error->message, '\n') == NULL, "one sentence");

  store = stk_store_new (db_path, &error2);
  cr_assert_null (store);
  cr_assert (g_error_matches (error2, STK_ERROR, expected_code));

  cr_assert_not (stk_verify_file (db_path, &problems, &error3));
  cr_assert (g_error_matches (error3, STK_ERROR, expected_code));

  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after), "the file was changed");
  cr_assert_not (g_file_test (wal, G_FILE_TEST_EXISTS), "a -wal file was created");
  cr_assert_not (g_file_test (shm, G_FILE_TEST_EXISTS), "a -shm file was created");
}

Test (schema, garbage_file_refused)
{
  g_autofree guint8 *junk = g_malloc (8192);

  for (guint i = 0; i < 8192; i++)
    junk[i] = (guint8) g_random_int ();
  g_file_set_contents (db_path, (char *) junk, 8192, NULL);
  assert_refused_untouched (STK_ERROR_NOT_INVENTORY);
}

Test (schema, text_file_refused)
{
  g_file_set_contents (db_path, "code,description\nA,B\n", -1, NULL);
  assert_refused_untouched (STK_ERROR_NOT_INVENTORY);
}

Test (schema, foreign_sqlite_refused)
{
  sqlite3 *db = raw_open (db_path);

  cr_assert_eq (raw_exec (db, "CREATE TABLE notes (x); INSERT INTO notes VALUES ('mine')"), SQLITE_OK);
  sqlite3_close (db);
  assert_refused_untouched (STK_ERROR_NOT_INVENTORY);
}

Test (schema, foreign_application_id_refused)
{
  sqlite3 *db = raw_open (db_path);

  cr_assert_eq (raw_exec (db, "PRAGMA application_id = 1234; CREATE TABLE t (x)"), SQLITE_OK);
  sqlite3_close (db);
  assert_refused_untouched (STK_ERROR_NOT_INVENTORY);
}

static void
make_real_inventory (guint n_items)
{
  g_autoptr(StkWriter) writer = stk_writer_new (db_path, NULL);

  cr_assert_not_null (writer);
  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *code = g_strdup_printf ("REAL-%05u", i);
      g_autoptr(StkOp) op = stk_op_create_item (code, "a description long enough to fill pages with text", i, 1);
      stk_writer_submit_sync (writer, op, NULL);
    }
  cr_assert (stk_writer_close (writer, 1000, NULL));
}

Test (schema, truncated_file_refused)
{
  g_autoptr(GBytes) whole = NULL;

  make_real_inventory (2000);
  whole = stk_test_read_bytes (db_path);
  cr_assert_gt (g_bytes_get_size (whole), 8 * 4096);
  g_file_set_contents (db_path, g_bytes_get_data (whole, NULL), g_bytes_get_size (whole) / 2, NULL);
  assert_refused_untouched (STK_ERROR_CORRUPT);
}

Test (schema, torn_file_refused)
{
  g_autoptr(GBytes) whole = NULL;

  make_real_inventory (2000);
  whole = stk_test_read_bytes (db_path);
  g_file_set_contents (db_path, g_bytes_get_data (whole, NULL), g_bytes_get_size (whole) - 100, NULL);
  assert_refused_untouched (STK_ERROR_CORRUPT);
}

Test (schema, newer_version_refused)
{
  sqlite3 *db;

  make_real_inventory (3);
  db = raw_open (db_path);
  cr_assert_eq (raw_exec (db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99"), SQLITE_OK);
  sqlite3_close (db);
  assert_refused_untouched (STK_ERROR_TOO_NEW);
}

Test (schema, folder_is_not_an_inventory)
{
  g_autoptr(GError) error = NULL;

  cr_assert_eq (g_mkdir (db_path, 0700), 0);
  cr_assert_null (stk_writer_new (db_path, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_INVENTORY));
}

Test (schema, missing_folder_is_reported_and_not_created)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (tmpdir, "no", "such", "inventory.db", NULL);
  g_autofree char *parent = g_build_filename (tmpdir, "no", NULL);

  cr_assert_null (stk_writer_new (missing, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  cr_assert (strstr (error->message, "does not exist") != NULL, "%s", error->message);
  cr_assert_not (g_file_test (parent, G_FILE_TEST_EXISTS));
}

Test (schema, read_only_folder_is_reported)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ro = g_build_filename (tmpdir, "ro", NULL);
  g_autofree char *path = g_build_filename (ro, "inventory.db", NULL);

  cr_assert_eq (g_mkdir (ro, 0755), 0); /* owned by root: read-only for nobody */
  stk_test_drop_privileges ();
  cr_assert_null (stk_writer_new (path, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);
  cr_assert (strstr (error->message, "read-only") != NULL, "%s", error->message);
}

Test (schema, read_only_file_is_reported)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(StkStore) store = NULL;

  make_real_inventory (5);
  before = stk_test_read_bytes (db_path);
  cr_assert_eq (chown (tmpdir, 65534, 65534), 0);
  cr_assert_eq (g_chmod (db_path, 0444), 0);
  stk_test_drop_privileges ();
  cr_assert_null (stk_writer_new (db_path, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);
  /* Readers still work on a read-only file. */
  store = stk_store_new (db_path, NULL);
  cr_assert_not_null (store);
  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after));
}
