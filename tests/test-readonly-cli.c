/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Read-only folders and media: the readers (stats, verify, export, backup, and the
 * store the read-only window reads through) work on a folder nobody may write, with
 * or without a write-ahead log left there; writers refuse with one sentence. Runs
 * as root and drops to nobody (65534) for the reading side. */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-store.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

TestSuite (cli, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown, .timeout = 120);

/* A root-owned 0555 folder holding a root-owned 0644 inventory, with a committed
 * change still in its write-ahead log when @with_wal (and no -shm). */
static char *
prepare (gboolean with_wal)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *folder = g_build_filename (tmpdir, "media", NULL);
  g_autofree char *db = g_build_filename (folder, "inventory.db", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  g_autofree char *lock = g_strconcat (db, ".lock", NULL);

  cr_assert_eq (g_mkdir (folder, 0755), 0);
  cr_assert_eq (stk_test_run_db (&run, db, "generate", "--skus", "12", "--sales", "30", NULL), 0,
                "%s", run.err);
  if (with_wal)
    {
      sqlite3 *raw = NULL;

      /* A connection that never checkpoints, closed by a crash: its log stays. */
      cr_assert_eq (sqlite3_open (db, &raw), SQLITE_OK);
      cr_assert_eq (sqlite3_exec (raw, "PRAGMA wal_autocheckpoint=0;"
                                       "UPDATE items SET description = 'only in the log'"
                                       " WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
      cr_assert_eq (sqlite3_db_config (raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL), SQLITE_OK);
      sqlite3_close (raw);
      g_unlink (shm);
    }
  g_unlink (lock);
  g_chmod (db, 0644);
  if (with_wal)
    {
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      cr_assert (g_file_test (wal, G_FILE_TEST_EXISTS), "no write-ahead log was left");
      g_chmod (wal, 0644);
    }
  cr_assert_eq (g_chmod (folder, 0555), 0);
  return g_steal_pointer (&db);
}

static void
readers_work (gboolean with_wal)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *db = NULL;
  g_autofree char *csv = g_build_filename (tmpdir, "out.csv", NULL);
  g_autofree char *backup = g_build_filename (tmpdir, "copy.db", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) before = NULL;

  if (geteuid () != 0)
    cr_skip_test ("needs root to prepare a folder that nobody can write");
  db = prepare (with_wal);
  before = stk_test_read_bytes (db);
  g_chmod (tmpdir, 0777); /* nobody writes the export and the backup here */

  cr_assert_eq (stk_test_run_db_as (&run, TRUE, db, "stats", NULL), 0, "stats: %s", run.err);
  cr_assert_eq (stk_test_run_db_as (&run, TRUE, db, "verify", NULL), 0, "verify: %s", run.err);
  cr_assert_eq (stk_test_run_db_as (&run, TRUE, db, "export", "skus", csv, NULL),
                0, "export: %s", run.err);
  cr_assert (g_file_get_contents (csv, &contents, NULL, NULL));
  if (with_wal)
    cr_assert (strstr (contents, "only in the log") != NULL, "the log's change was not read");
  cr_assert_eq (stk_test_run_db_as (&run, TRUE, db, "backup", backup, NULL),
                0, "backup: %s", run.err);
  cr_assert_eq (stk_test_query (backup, "SELECT count(*) FROM items"), 12);

  /* Writers refuse with one sentence, and nothing changed. */
  cr_assert_eq (stk_test_run_db_as (&run, TRUE, db, "generate", "--skus", "1", NULL),
                1, "%s", run.err);
  cr_assert (strstr (run.err, "read-only") != NULL &&
             strchr (run.err, '\n') == run.err + strlen (run.err) - 1, "%s", run.err);
  {
    g_autoptr(GBytes) after = stk_test_read_bytes (db);
    cr_assert (g_bytes_equal (before, after), "the inventory changed");
  }
}

Test (cli, readers_work_on_a_read_only_folder)
{
  readers_work (FALSE);
}

Test (cli, readers_work_on_a_read_only_folder_with_a_write_ahead_log)
{
  readers_work (TRUE);
}

/* The store the read-only window reads through, in this (forked) test process. */
Test (cli, store_opens_on_a_read_only_folder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autofree char *db = NULL;

  if (geteuid () != 0)
    cr_skip_test ("needs root to prepare a folder that nobody can write");
  db = prepare (TRUE);
  stk_test_drop_privileges ();
  store = stk_store_new (db, &error);
  cr_assert_not_null (store, "%s", error ? error->message : "");
}
