/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One policy per operation for the window and the command line. For import, import
 * all, export, export all and backup, each bad target (the inventory itself, its
 * write-ahead log, a folder, a device node, a name in a missing folder) is refused through
 * the window's path (data/'s async API, called as ui/stk-flows.c calls it) and through
 * the stocktake program with the same error: the same exit code for the error's code
 * and the same sentence. Nothing changes on disk either way. */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-jobs.h"
#include "stk-ops.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"


static void
setup (void)
{
  stk_test_fixture_setup ();
}

static void
teardown (void)
{
  stk_test_fixture_teardown ();
}

TestSuite (policy, .init = setup, .fini = teardown, .timeout = 300);

typedef enum
{
  OP_IMPORT,
  OP_IMPORT_ALL,
  OP_EXPORT,
  OP_EXPORT_ALL,
  OP_BACKUP,
  N_OPS,
} Op;

static const char *const op_names[] = { "import", "import all", "export", "export all", "backup" };

/* ---- the window's path ---- */

typedef struct
{
  Op        op;
  gboolean  finished;
  gboolean  ok;
  GError   *error;
} Outcome;

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Outcome *o = user_data;

  switch (o->op)
    {
    case OP_IMPORT:
      o->ok = stk_import_file_finish (STK_WRITER (object), result, NULL, &o->error);
      break;
    case OP_IMPORT_ALL:
      o->ok = stk_import_all_finish (STK_WRITER (object), result, NULL, &o->error);
      break;
    case OP_EXPORT:
      o->ok = stk_export_file_finish (STK_STORE (object), result, NULL, &o->error);
      break;
    case OP_EXPORT_ALL:
      o->ok = stk_export_all_finish (STK_STORE (object), result, NULL, &o->error);
      break;
    case OP_BACKUP:
    case N_OPS:
    default:
      o->ok = stk_store_backup_finish (STK_STORE (object), result, &o->error);
      break;
    }
  o->finished = TRUE;
}

/* The error of @op on @target as the window meets it. */
static GError *
window_error (StkWriter  *writer,
              StkStore   *store,
              Op          op,
              const char *target)
{
  Outcome o = { .op = op };

  switch (op)
    {
    case OP_IMPORT:
      stk_import_file_async (writer, STK_TABLE_SKUS, target, NULL, NULL, NULL, job_done_cb, &o);
      break;
    case OP_IMPORT_ALL:
      stk_import_all_async (writer, target, NULL, NULL, NULL, job_done_cb, &o);
      break;
    case OP_EXPORT:
      stk_export_file_async (store, STK_TABLE_SKUS, target, NULL, NULL, NULL, job_done_cb, &o);
      break;
    case OP_EXPORT_ALL:
      stk_export_all_async (store, target, NULL, NULL, NULL, job_done_cb, &o);
      break;
    case OP_BACKUP:
    case N_OPS:
    default:
      /* As the backup flow calls it: the file chooser has asked about replacing. */
      stk_store_backup_async (store, target, STK_OUTPUT_REPLACE, NULL, NULL, NULL, job_done_cb, &o);
      break;
    }
  cr_assert (stk_test_wait_for (&o.finished, 60000), "%s of %s did not end", op_names[op], target);
  cr_assert_not (o.ok, "the window's %s of %s succeeded", op_names[op], target);
  cr_assert_not_null (o.error);
  return o.error;
}

/* ---- the command line ---- */

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_cli (Run        *run,
         Op          op,
         const char *target)
{
  const char *exe = g_getenv ("STOCKTAKE_EXE");
  const char *argv[8] = { exe, "--database", db_path };
  guint n = 3;
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  cr_assert_not_null (exe, "STOCKTAKE_EXE is not set");
  switch (op)
    {
    case OP_IMPORT:
      argv[n++] = "import";
      argv[n++] = "skus";
      break;
    case OP_IMPORT_ALL:
      argv[n++] = "import";
      argv[n++] = "all";
      break;
    case OP_EXPORT:
      argv[n++] = "export";
      argv[n++] = "skus";
      break;
    case OP_EXPORT_ALL:
      argv[n++] = "export";
      argv[n++] = "all";
      break;
    case OP_BACKUP:
    case N_OPS:
    default:
      argv[n++] = "backup";
      break;
    }
  argv[n++] = target;
  argv[n] = NULL;

  env = g_environ_unsetenv (env, "DISPLAY");
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  env = g_environ_unsetenv (env, "STOCKTAKE_DATABASE");
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);

  run_clear (run);
  g_spawn_sync (tmpdir, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &run->out, &run->err,
                &wait_status, &error);
  cr_assert_null (error, "cannot run %s: %s", exe, error ? error->message : "");
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

/* What the command line prints for @error: its message as one sentence. */
static char *
cli_line (const GError *error)
{
  gsize len = strlen (error->message);
  gboolean stop = (len > 0 && strchr (".!?", error->message[len - 1]) != NULL) ||
                  g_str_has_suffix (error->message, "…");

  return g_strdup_printf ("stocktake: %s%s\n", error->message, stop ? "" : ".");
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  cr_assert_not_null (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

Test (policy, the_window_and_the_command_line_refuse_the_same_targets_alike)
{
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *folder = g_build_filename (tmpdir, "folder", NULL);
  g_autofree char *inside = g_build_filename (folder, "notes.txt", NULL);
  g_autofree char *in_missing = g_build_filename (tmpdir, "missing", "x.csv", NULL);
  g_autofree char *device = g_build_filename (tmpdir, "null", NULL);
  const char *targets[] = { db_path, wal, folder, device, in_missing };
  const char *target_names[] = { "the inventory", "its -wal", "a folder", "a device",
                                 "a missing folder" };
  GError *errors[N_OPS][G_N_ELEMENTS (targets)] = { { NULL } };
  g_autoptr(StkStore) store = NULL;
  StkWriter *writer;
  g_autoptr(GBytes) notes = NULL;
  guint entries;
  gboolean had_lock;
  guint compared = 0;

  cr_assert_eq (g_mkdir (folder, 0755), 0);
  cr_assert (g_file_set_contents (inside, "mine\n", -1, NULL));
  /* A device of its own, like /dev/null (1, 3), in the test's folder: a test must
   * never risk the system's /dev/null. */
  if (mknod (device, S_IFCHR | 0666, makedev (1, 3)) != 0)
    cr_skip_test ("cannot make a device node here: %s", g_strerror (errno));
  notes = stk_test_read_bytes (inside);

  writer = stk_test_open_writer (db_path);
  store = stk_test_open_store (db_path);
  stk_test_submit (writer, stk_op_create_item ("A1", "Apples", 250, 5));
  cr_assert (g_file_test (wal, G_FILE_TEST_IS_REGULAR), "no write-ahead log");
  entries = count_entries (tmpdir);
  {
    g_autofree char *lock = g_strconcat (db_path, ".lock", NULL);

    had_lock = g_file_test (lock, G_FILE_TEST_EXISTS);
  }

  /* The window's path, with the window's writer and store. */
  for (Op op = 0; op < N_OPS; op++)
    for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
      errors[op][t] = window_error (writer, store, op, targets[t]);
  /* The command line needs the inventory's lock; the store keeps the -wal there. */
  stk_test_close_writer (writer);
  cr_assert (g_file_test (wal, G_FILE_TEST_IS_REGULAR), "no write-ahead log");

  for (Op op = 0; op < N_OPS; op++)
    for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
      {
        g_auto(Run) run = { 0 };
        g_autofree char *expected = cli_line (errors[op][t]);
        int status = stk_error_exit_code (errors[op][t]);

        run_cli (&run, op, targets[t]);
        cr_expect_str_eq (run.err, expected, "%s to %s: the window said\n  %s(%s %d)\nthe command line\n  %s",
                          op_names[op], target_names[t], expected,
                          g_quark_to_string (errors[op][t]->domain), errors[op][t]->code, run.err);
        cr_expect_eq (run.status, status, "%s to %s: exit %d, the window's error means %d",
                      op_names[op], target_names[t], run.status, status);
        cr_expect_str_empty (run.out, "%s to %s: %s", op_names[op], target_names[t], run.out);
        compared++;
      }
  cr_assert_eq (compared, N_OPS * G_N_ELEMENTS (targets));

  /* Nothing changed or appeared on either path. */
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 1);
  {
    g_autofree char *lock = g_strconcat (db_path, ".lock", NULL);

    /* The inventory's lock file stays after the writer has gone (stk-lock.h). */
    cr_assert_eq (count_entries (tmpdir), entries + (g_file_test (lock, G_FILE_TEST_EXISTS) && !had_lock),
                  "files appeared or went");
  }
  cr_assert_eq (count_entries (folder), 1);
  {
    g_autoptr(GBytes) after = stk_test_read_bytes (inside);

    cr_assert (g_bytes_equal (notes, after));
  }

  for (Op op = 0; op < N_OPS; op++)
    for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
      g_clear_error (&errors[op][t]);
}
