/* SPDX-License-Identifier: GPL-3.0-or-later */
/* StkSession on the SQLite engine: what only SQLite's file locking and write-ahead log
 * can show (moved from test-session.c, which runs once per engine). */
#include "config.h"

#include <criterion/criterion.h>

#include "stk-error.h"
#include "stk-lock.h"
#include "stk-ops.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static void
setup (void)
{
  StkWriter *writer;

  stk_test_fixture_setup ();
  /* An existing inventory, as the second window finds it. */
  writer = stk_test_open_writer (db_path);
  stk_test_close_writer (writer);
}

TestSuite (session, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 60);

Test (session, busy_database_at_open_is_busy_not_locked)
{
  g_autofree char *helper = stk_test_helper_path ("stk-lock-holder");
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = NULL;

  /* An old inventory (format 1 marker) must be upgraded while another program holds
   * the database: the writer cannot get it within its budget. */
  {
    sqlite3 *db = NULL;
    cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
    cr_assert_eq (sqlite3_exec (db, "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (db);
  }
  holder = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, helper, db_path, "0", NULL);
  cr_assert_not_null (holder);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (holder));
  line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  cr_assert_str_eq (line, "locked");

  g_setenv ("STOCKTAKE_RETRY_BUDGET_MS", "300", TRUE);
  session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  g_unsetenv ("STOCKTAKE_RETRY_BUDGET_MS");
  cr_assert_null (session);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_BUSY), "%s (%d)", error->message,
             error->code);
  cr_assert (!stk_lock_is_held (db_path), "a failed open kept the lock");

  g_output_stream_close (g_subprocess_get_stdin_pipe (holder), NULL, NULL);
  g_subprocess_wait (holder, NULL, NULL);
}

/* Another program opens the inventory, writes and closes its connection while a session
 * edits it. The session's connections must keep their shared lock on the database file
 * (opening the store must not drop it), or that program, believing it closes the last
 * connection, deletes the write-ahead log the session's writer keeps writing to: its
 * commits would then be invisible to every other process until it closes. */
Test (session, commits_stay_visible_after_another_program_closes_its_connection)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *helper = stk_test_helper_path ("stk-lock-holder");
  g_autofree char *line = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *seen_err = NULL;
  StkStore *store;
  sqlite3 *reader;
  int wait_status = 0;
  const char *argv[] = { "sqlite3", db_path, "SELECT count(*) FROM items WHERE code = 'SEEN-1';",
                         NULL };

  cr_assert_not_null (session, "%s", error ? error->message : "");
  /* A read connection in use, as the window's lists have. */
  store = stk_session_get_store (session);
  reader = stk_store_acquire (store, &error);
  cr_assert_not_null (reader, "%s", error ? error->message : "");
  stk_store_release (store, reader);

  holder = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                             &error, helper, db_path, "0", NULL);
  cr_assert_not_null (holder, "%s", error ? error->message : "");
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (holder));
  line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  cr_assert_str_eq (line ? line : "", "locked");
  cr_assert (g_output_stream_close (g_subprocess_get_stdin_pipe (holder), NULL, NULL));
  cr_assert (g_subprocess_wait_check (holder, NULL, NULL));

  stk_test_submit (stk_session_get_writer (session),
                   stk_op_create_item ("SEEN-1", "Seen by others", 100, 0));

  /* Another process (the sqlite3 program) sees the commit at once. */
  cr_assert (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                           &seen, &seen_err, &wait_status, &error),
             "cannot run sqlite3: %s", error ? error->message : "");
  cr_assert (g_spawn_check_wait_status (wait_status, NULL), "sqlite3: %s", seen_err);
  cr_assert_str_eq (g_strstrip (seen), "1",
                    "another process does not see the session's commit (sees %s)", seen);

  cr_assert (stk_session_close (session, 1000, &error), "%s", error ? error->message : "");
}
