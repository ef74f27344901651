/* SPDX-License-Identifier: GPL-3.0-or-later */
/* G_LOG_DOMAIN per folder (set in each folder's meson.build): a message says which part
 * of the program wrote it. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "stk-output.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

TestSuite (log_domain, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

typedef struct
{
  char *domain;
  char *message;
} Logged;

/* Keeps the first message whose text starts with @user_data. */
static GLogWriterOutput
keep_writer (GLogLevelFlags   level,
             const GLogField *fields,
             gsize            n_fields,
             gpointer         user_data)
{
  Logged *logged = user_data;
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  if (logged->message == NULL && message != NULL)
    {
      logged->domain = g_strdup (domain);
      logged->message = g_strdup (message);
    }
  return G_LOG_WRITER_HANDLED;
}

Test (log_domain, data_and_tests_log_under_their_own_domain)
{
  g_autofree char *stale = g_build_filename (tmpdir, ".x.csv" STK_OUTPUT_TEMP_MARKER "Abc123",
                                             NULL);
  Logged logged = { 0 };

  g_log_set_writer_func (keep_writer, &logged, NULL);

  cr_assert (g_file_set_contents (stale, "", -1, NULL));
  cr_assert_eq (stk_output_remove_stale (tmpdir), 1);
  cr_assert_not_null (logged.message, "data/ logged nothing");
  cr_assert (g_str_has_prefix (logged.message, "Removed 1 files"), "%s", logged.message);
  cr_assert_str_eq (logged.domain ? logged.domain : "(none)", "Stocktake-Data");

  g_clear_pointer (&logged.domain, g_free);
  g_clear_pointer (&logged.message, g_free);
  g_debug ("from the test");
  cr_assert_str_eq (logged.domain ? logged.domain : "(none)", "Stocktake-Tests");
  g_clear_pointer (&logged.domain, g_free);
  g_clear_pointer (&logged.message, g_free);
}

/* The program's own folder (app/): the default inventory's folder cannot be made. */
Test (log_domain, app_logs_under_its_own_domain)
{
  g_autofree char *blocker = g_build_filename (tmpdir, "data", NULL);
  g_auto(GStrv) env = stk_test_run_environ ();
  g_auto(StkTestRun) run = { 0 };
  const char *const argv[] = { "stats", NULL };

  cr_assert (g_file_set_contents (blocker, "a file where a folder should be", -1, NULL));
  env = g_environ_setenv (env, "XDG_DATA_HOME", blocker, TRUE);
  env = g_environ_setenv (env, "G_MESSAGES_DEBUG", "Stocktake-App", TRUE);
  stk_test_run_argv (&run, env, FALSE, argv);
  /* GLib writes debug messages to stdout. */
  cr_assert (strstr (run.out, "Stocktake-App-DEBUG") != NULL &&
             strstr (run.out, "Cannot create") != NULL, "stdout: %s\nstderr: %s", run.out,
             run.err);
}
