/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 15: the resident memory of a window does not grow with the inventory. A list's
 * count-and-anchor scan reads every page of an index once; on the store's primary read
 * connection (the one with the larger page cache) it runs in a small cache, so that one
 * scan of a large table does not leave megabytes of pages resident, and the connection's
 * own cache size is back afterwards. */
#include "config.h"

#include <criterion/criterion.h>


#include "stk-db.h"
#include "stk-engine.h"
#include "stk-pager.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

/* Enough that the scanned index is several times the bound (2 MiB). */
#define N_ITEMS 200000
#define BOUND_BYTES (3 * 1024 * 1024)

TestSuite (reader_cache, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 300);

static void
fill (void)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *rw = stk_db_open (db_path, STK_DB_READ_WRITE, &error);
  sqlite3_stmt *stmt = NULL;

  cr_assert_not_null (rw, "%s", error ? error->message : "");
  cr_assert_eq (sqlite3_exec (rw, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_prepare_v2 (rw, "INSERT INTO items (code, description, created_at,"
                                    " updated_at) VALUES (?, ?, 1, 1)", -1, &stmt, NULL),
                SQLITE_OK);
  for (guint n = 0; n < N_ITEMS; n++)
    {
      char code[32], description[64];

      g_snprintf (code, sizeof code, "ITEM-%08u-LONGER-CODE", (n * 7919) % N_ITEMS);
      g_snprintf (description, sizeof description, "item %u", n);
      sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, description, -1, SQLITE_TRANSIENT);
      cr_assert_eq (sqlite3_step (stmt), SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  cr_assert_eq (sqlite3_exec (rw, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  stk_db_close (rw);
}

static gint64
cache_size (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  cr_assert_eq (sqlite3_prepare_v2 (db, "PRAGMA cache_size", -1, &stmt, NULL), SQLITE_OK);
  cr_assert_eq (sqlite3_step (stmt), SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

Test (reader_cache, a_scan_on_the_primary_connection_stays_in_a_small_cache)
{
  const StkEngine *engine = stk_engine_sqlite ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) query = NULL;
  g_autoptr(StkPagerIndex) index = NULL;
  StkEngineConn *conn;
  gint64 before;
  int used = 0, highwater = 0;

  fill ();
  conn = engine->open_reader (db_path, TRUE, &error);
  cr_assert_not_null (conn, "%s", error ? error->message : "");
  before = cache_size ((sqlite3 *) conn);
  cr_assert (before < -4096 || before > 1024, "the primary connection's cache is small already"
             " (%" G_GINT64_FORMAT "): nothing to check", before);

  query = stk_pager_query_new (STK_PAGER_ITEMS, "code", FALSE, NULL, &error);
  cr_assert_not_null (query);
  cr_assert (engine->begin_read (conn, &error), "%s", error ? error->message : "");
  index = engine->index_build (conn, query, NULL, NULL, &error);
  engine->end_read (conn);
  cr_assert_not_null (index, "%s", error ? error->message : "");
  cr_assert_eq (stk_pager_index_get_count (index), N_ITEMS);

  cr_assert_eq (sqlite3_db_status ((sqlite3 *) conn, SQLITE_DBSTATUS_CACHE_USED, &used,
                                   &highwater, FALSE), SQLITE_OK);
  cr_assert_leq (used, BOUND_BYTES, "one scan left %d KiB of pages in the cache", used / 1024);
  cr_assert_eq (cache_size ((sqlite3 *) conn), before, "the cache size was not put back");
  engine->close_reader (conn);
}
