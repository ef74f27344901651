/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-test-fixture.h"

#include <sys/wait.h>
#include <unistd.h>

#include "stk-test-util.h"

char *tmpdir;
char *db_path;

/* A fresh location for the engine the tests run on (stk_test_engine()): SQLite, a
 * file in a fresh folder. A server engine will make a fresh database here (and drop it
 * in the teardown); @tmpdir stays, for the files a test writes beside it. */
void
stk_test_fixture_setup_named (const char *db_name)
{
  const char *engine = stk_test_engine ();

  tmpdir = stk_test_mkdtemp ();
  if (g_str_equal (engine, "sqlite"))
    db_path = g_build_filename (tmpdir, db_name, NULL);
  else
    g_error ("STK_TEST_ENGINE=%s: the tests know no such engine (sqlite)", engine);
}

void
stk_test_fixture_setup (void)
{
  stk_test_fixture_setup_named ("inventory.db");
}

void
stk_test_fixture_teardown (void)
{
  if (tmpdir != NULL)
    stk_test_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&db_path, g_free);
}

void
stk_test_run_clear (StkTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

GStrv
stk_test_run_environ (void)
{
  GStrv env = g_get_environ ();

  env = g_environ_unsetenv (env, "DISPLAY");
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  env = g_environ_unsetenv (env, "STOCKTAKE_DATABASE");
  return g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
}

static void
drop_privileges_cb (gpointer user_data)
{
  /* In the child, between fork and exec: the test process itself stays root. */
  if (setresgid (65534, 65534, 65534) != 0 || setresuid (65534, 65534, 65534) != 0)
    _exit (99);
}

int
stk_test_run_argv (StkTestRun         *run,
                   char              **env,
                   gboolean            nobody,
                   const char *const  *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) own_env = env == NULL ? stk_test_run_environ () : NULL;
  const char *exe = g_getenv ("STOCKTAKE_EXE");
  int wait_status = 0;

  if (exe == NULL)
    g_error ("STOCKTAKE_EXE is not set (run the tests through meson test)");
  g_ptr_array_add (args, (char *) exe);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);

  stk_test_run_clear (run);
  if (!g_spawn_sync (tmpdir, (char **) args->pdata, env != NULL ? env : own_env,
                     G_SPAWN_DEFAULT, nobody ? drop_privileges_cb : NULL, NULL, &run->out,
                     &run->err, &wait_status, &error))
    g_error ("cannot run %s: %s", exe, error->message);
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return run->status;
}

/* stocktake [--database DB] ARGS… with the arguments of @ap after @first. */
static int
run_va (StkTestRun  *run,
        gboolean     nobody,
        const char  *db,
        const char  *first,
        va_list      ap)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  if (db != NULL)
    {
      g_ptr_array_add (args, (char *) "--database");
      g_ptr_array_add (args, (char *) db);
    }
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  g_ptr_array_add (args, NULL);
  return stk_test_run_argv (run, NULL, nobody, (const char *const *) args->pdata);
}

int
stk_test_run (StkTestRun *run,
              const char *first,
              ...)
{
  va_list ap;
  int status;

  va_start (ap, first);
  status = run_va (run, FALSE, NULL, first, ap);
  va_end (ap);
  return status;
}

int
stk_test_run_db_as (StkTestRun *run,
                    gboolean    nobody,
                    const char *db,
                    ...)
{
  const char *first;
  va_list ap;
  int status;

  va_start (ap, db);
  first = va_arg (ap, const char *);
  status = run_va (run, nobody, db, first, ap);
  va_end (ap);
  return status;
}
