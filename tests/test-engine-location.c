/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Picking the engine by location (issue 14, the storage seam; issue 19): a file path is
 * an SQLite inventory; a PostgreSQL location (URI or libpq conninfo) is refused with one
 * sentence by the CLI, StkSession, StkStore and StkWriter alike, and nothing is created:
 * no file named after the location, no lock, nothing in the folder. */
#include "config.h"

#include <criterion/criterion.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-location.h"
#include "stk-session.h"
#include "stk-store.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"

#define SENTENCE "This Stocktake cannot open server inventories yet"

static const char *const server_locations[] = {
  "postgresql://x/y",
  "postgres://user@host:5432/shop",
  "POSTGRESQL://host/db",
  "host=localhost dbname=shop",
  "dbname=shop",
  "  host = db.example port=5432",
};

TestSuite (engine_location, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown);

/* Nothing at all appeared in the test's folder (the CLI runs in it). */
static void
assert_folder_empty (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;

  cr_assert_not_null (dir);
  name = g_dir_read_name (dir);
  cr_assert_null (name, "a file “%s” was created", name);
}

Test (engine_location, cli_refuses_server_locations)
{
  for (guint i = 0; i < G_N_ELEMENTS (server_locations); i++)
    {
      g_auto(StkTestRun) run = { 0 };

      stk_test_run_db (&run, server_locations[i], "stats", NULL);
      cr_assert_neq (run.status, 0, "%s: exit %d", server_locations[i], run.status);
      cr_assert_not_null (strstr (run.err, SENTENCE), "%s: %s", server_locations[i], run.err);
      /* One sentence, on one line. */
      cr_assert_eq (strchr (run.err, '\n'), run.err + strlen (run.err) - 1, "%s", run.err);
      cr_assert_str_empty (run.out);
      assert_folder_empty ();
    }
}

Test (engine_location, cli_refuses_server_location_from_environment)
{
  g_auto(StkTestRun) run = { 0 };
  g_auto(GStrv) env = g_environ_setenv (stk_test_run_environ (), "STOCKTAKE_DATABASE",
                                        "postgresql://till@server/shop", TRUE);
  const char *const argv[] = { "generate", "--skus", "3", NULL };

  stk_test_run_argv (&run, env, FALSE, argv);
  cr_assert_neq (run.status, 0);
  cr_assert_not_null (strstr (run.err, SENTENCE), "%s", run.err);
  assert_folder_empty ();
}

Test (engine_location, a_password_is_not_repeated)
{
  g_auto(StkTestRun) run = { 0 };

  stk_test_run_db (&run, "postgresql://till:s3cret@server/shop", "stats", NULL);
  cr_assert_not_null (strstr (run.err, SENTENCE), "%s", run.err);
  cr_assert_null (strstr (run.err, "s3cret"), "%s", run.err);
}

Test (engine_location, session_store_and_writer_refuse_server_locations)
{
  for (guint i = 0; i < G_N_ELEMENTS (server_locations); i++)
    {
      for (int mode = STK_SESSION_MODE_EDIT; mode <= STK_SESSION_MODE_READ_ONLY; mode++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(StkSession) session = stk_session_open (server_locations[i],
                                                            (StkSessionMode) mode, &error);

          cr_assert_null (session);
          cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_SUPPORTED), "%s",
                     error != NULL ? error->message : "(none)");
          cr_assert_not_null (strstr (error->message, SENTENCE), "%s", error->message);
        }
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(StkStore) store = stk_store_new (server_locations[i], &error);

        cr_assert_null (store);
        cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_SUPPORTED));
      }
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(StkWriter) writer = stk_writer_new (server_locations[i], &error);

        cr_assert_null (writer);
        cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_SUPPORTED));
      }
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *resolved = stk_location_resolve (server_locations[i], &error);

        cr_assert_null (resolved);
        cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_SUPPORTED));
      }
    }
}

/* What is not a server location stays a file: names with "=" or "://" further in, or
 * a word other than a libpq keyword before "=". */
Test (engine_location, files_stay_files)
{
  static const char *const files[] = {
    "inventory.db", "shop=main.db", "notakey=1", "backup of host=x.db", "postgresql.db", "dbname",
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (tmpdir, files[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *resolved = stk_location_resolve (path, &error);

      cr_assert_not_null (resolved, "%s: %s", files[i], error != NULL ? error->message : "");
    }
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StkSession) session = NULL;
      g_autofree char *cwd = g_get_current_dir ();

      cr_assert_eq (g_chdir (tmpdir), 0);
      session = stk_session_open (files[i], STK_SESSION_MODE_EDIT, &error);
      cr_assert_eq (g_chdir (cwd), 0);
      cr_assert_not_null (session, "%s: %s", files[i], error != NULL ? error->message : "");
      cr_assert (stk_session_close (session, 5000, NULL));
    }
}
