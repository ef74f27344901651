/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-test-cli.h"

#include <stdarg.h>
#include <string.h>

#include <glib/gstdio.h>

void
stk_test_cli_run_argv (StkTestRun              *run,
                       const StkTestCliOptions *options,
                       GPtrArray               *args)
{
  /* No display at all, unless the test asks for a fake one: the CLI never needs GTK. */
  g_auto(GStrv) env = stk_test_run_environ ();

  if (options != NULL && options->database_env != NULL)
    env = g_environ_setenv (env, "STOCKTAKE_DATABASE", options->database_env, TRUE);
  if (options != NULL && options->display != NULL)
    {
      env = g_environ_setenv (env, "DISPLAY", options->display, TRUE);
      env = g_environ_setenv (env, "WAYLAND_DISPLAY", "no-such-wayland-display", TRUE);
    }
  g_ptr_array_add (args, NULL);
  stk_test_run_argv (run, env, options != NULL && options->unprivileged,
                     (const char *const *) args->pdata);
}

int
stk_test_cli_run_plain (StkTestRun              *run,
                        const StkTestCliOptions *options,
                        const char              *first,
                        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, g_strdup (arg));
  va_end (ap);
  stk_test_cli_run_argv (run, options, args);
  return run->status;
}

void
stk_test_assert_one_sentence_error (const StkTestRun *run)
{
  const char *err = run->err;
  gsize len = strlen (err);

  cr_assert (g_str_has_prefix (err, "stocktake: "), "stderr: %s", err);
  cr_assert (len > 2 && err[len - 1] == '\n', "stderr: %s", err);
  cr_assert_null (strchr (err, '\n') != err + len - 1 ? err : NULL,
                  "more than one line on stderr: %s", err);
  cr_assert (err[len - 2] == '.', "stderr does not end a sentence: %s", err);
}

gboolean
stk_test_contains_ci (const char *haystack,
                      const char *needle)
{
  g_autofree char *h = g_utf8_casefold (haystack, -1);
  g_autofree char *n = g_utf8_casefold (needle, -1);

  return strstr (h, n) != NULL;
}

char *
stk_test_path_in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

void
stk_test_write_file (const char *path,
                     const char *contents,
                     gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, len, &error);
  cr_assert_null (error, "%s", error ? error->message : "");
  g_chmod (path, 0644);
}

void
stk_test_generate (const char *db,
                   guint       skus,
                   guint       sales)
{
  g_auto(StkTestRun) run = { 0 };
  g_autofree char *n_skus = g_strdup_printf ("%u", skus);
  g_autofree char *n_sales = g_strdup_printf ("%u", sales);

  stk_test_run_db (&run, db, "generate", "--skus", n_skus, "--sales", n_sales, "--seed", "7", NULL);
  stk_test_assert_status (&run, 0);
}

void
stk_test_assert_no_wal_files (const char *db)
{
  const char *suffixes[] = { "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      cr_assert (!g_file_test (path, G_FILE_TEST_EXISTS), "%s appeared", path);
    }
}
