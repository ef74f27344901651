/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The kill -9 loop over the real stocktake program: each round runs one write path
 * (checkpoint, import, generate, backup or restore) and kills it with SIGKILL at a
 * random instant (or lets it finish). The next start must open the inventory without
 * help, `verify` must be clean, and nothing acknowledged may be missing:
 *  - checkpoint and backup change no data: the inventory's fingerprint is unchanged;
 *  - import adds its rows all at once: before or after, and after once acknowledged;
 *  - generate adds in chunks: never fewer rows than before, all of them once
 *    acknowledged;
 *  - restore: the old contents or the backup's, the backup's once acknowledged.
 */
#include "config.h"

#include "stk-crash-loop.h"
#include "stk-sqlite-private.h"

#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <sqlite3.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

typedef struct
{
  gint64 items;
  gint64 sales;
  gint64 movements;
  gint64 quantity;
} Fingerprint;

static gboolean
fingerprint (const char  *db_path,
             Fingerprint *f)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM sales),"
                              " (SELECT count(*) FROM movements),"
                              " (SELECT coalesce(sum(quantity), 0) FROM movements)",
                          -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      f->items = sqlite3_column_int64 (stmt, 0);
      f->sales = sqlite3_column_int64 (stmt, 1);
      f->movements = sqlite3_column_int64 (stmt, 2);
      f->quantity = sqlite3_column_int64 (stmt, 3);
      ok = TRUE;
    }
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
  return ok;
}

static gboolean
same (const Fingerprint *a,
      const Fingerprint *b)
{
  return a->items == b->items && a->sales == b->sales && a->movements == b->movements &&
         a->quantity == b->quantity;
}

typedef struct
{
  gboolean done;
  gboolean timed_out;
} Wait;

static void
exited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *w = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  w->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  Wait *w = user_data;

  w->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs exe ARGS; kills it after kill_after_ms unless it finished. Its exit status, or
 * -1 when it was killed. */
static int
run_killed (const char  *exe,
            const char  *db_path,
            const char **args,
            guint        kill_after_ms,
            GError     **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  GSource *timeout;
  Wait w = { FALSE, FALSE };

  g_ptr_array_add (argv, (char *) exe);
  g_ptr_array_add (argv, (char *) "--database");
  g_ptr_array_add (argv, (char *) db_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_main_context_push_thread_default (context);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            error);
  if (proc == NULL)
    {
      g_main_context_pop_thread_default (context);
      return -2;
    }
  g_subprocess_wait_async (proc, NULL, exited_cb, &w);
  timeout = g_timeout_source_new (kill_after_ms);
  g_source_set_callback (timeout, timeout_cb, &w, NULL);
  g_source_attach (timeout, context);
  while (!w.done && !w.timed_out)
    g_main_context_iteration (context, TRUE);
  if (!w.done)
    {
      g_subprocess_send_signal (proc, SIGKILL);
      while (!w.done)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timeout);
  g_source_unref (timeout);
  g_main_context_pop_thread_default (context);

  if (g_subprocess_get_if_signaled (proc))
    return -1;
  return g_subprocess_get_exit_status (proc);
}

/* stocktake --database DB verify: 0 and "OK", else a note. 65 is a refused open. */
static int
verify (const char  *exe,
        const char  *db_path,
        char       **out)
{
  const char *argv[] = { exe, "--database", db_path, "verify", NULL };
  g_autofree char *err = NULL;
  int status = 0;

  *out = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err,
                     &status, NULL))
    return -2;
  if (err != NULL && *err != '\0')
    {
      g_autofree char *both = g_strconcat (*out != NULL ? *out : "", err, NULL);
      g_free (*out);
      *out = g_steal_pointer (&both);
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
note (char       **first_problem,
      const char  *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
note (char       **first_problem,
      const char  *format,
      ...)
{
  va_list ap;

  if (first_problem == NULL || *first_problem != NULL)
    return;
  va_start (ap, format);
  *first_problem = g_strdup_vprintf (format, ap);
  va_end (ap);
}

static void
write_skus (const char *path,
            guint       round,
            guint       n)
{
  g_autoptr(GString) csv = g_string_new ("code,description,unit_price,reorder_level,archived,on_hand\n");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "CR-%05u-%04u,crash loop item,1.25,1,0,3\n", round, i);
  g_file_set_contents (path, csv->str, csv->len, NULL);
}

gboolean
stk_crash_cli_loop (const char         *exe,
                    const char         *dir,
                    guint               rounds,
                    StkCliCrashCounts  *counts,
                    char              **first_problem,
                    GError            **error)
{
  enum { CHECKPOINT, IMPORT, GENERATE, BACKUP, RESTORE, N_KINDS };
  static const char *const names[] = { "checkpoint", "import", "generate", "backup", "restore" };
  g_autofree char *db_path = g_build_filename (dir, "inventory.db", NULL);
  g_autofree char *restore_src = g_build_filename (dir, "restore-source.db", NULL);
  g_autofree char *csv = g_build_filename (dir, "skus.csv", NULL);
  Fingerprint prev = { 0 }, now = { 0 }, source = { 0 };
  /* How long each write path took when it last finished: the kill lands anywhere in
   * that span (and now and then just after it), so every instant gets its turn. */
  gint64 took_us[5] = { 200000, 200000, 200000, 200000, 200000 };
  gint64 start;
  g_autofree char *out = NULL;

  /* A restore source, and an inventory with enough pages for long checkpoints. */
  {
    const char *gen[] = { "generate", "--skus", "300", "--sales", "2000", "--seed", "7", NULL };
    const char *gen2[] = { "generate", "--skus", "2000", "--sales", "20000", "--seed", "1", NULL };

    if (run_killed (exe, restore_src, gen, 600000, error) != 0 ||
        run_killed (exe, db_path, gen2, 600000, error) != 0 ||
        !fingerprint (restore_src, &source) || !fingerprint (db_path, &prev))
      {
        if (error != NULL && *error == NULL)
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot prepare the inventories");
        return FALSE;
      }
  }

  for (guint round = 0; round < rounds; round++)
    {
      /* Checkpoints twice as often: their window (the page writes) is the shortest. */
      gint32 pick = g_random_int_range (0, N_KINDS + 1);
      guint kind = pick == N_KINDS ? CHECKPOINT : (guint) pick;
      gint64 span;
      g_autofree char *seed = g_strdup_printf ("%u", 100 + round);
      g_autofree char *backup = g_strdup_printf ("%s/backup-%u.db", dir, round);
      const char *args[8] = { NULL };
      guint n_import = 500;
      gboolean within = TRUE;
      int status;
      int v;

      switch (kind)
        {
        case CHECKPOINT:
          /* First a killed generate, so that the log holds pages to move. */
          {
            const char *gen[] = { "generate", "--skus", "500", "--sales", "5000", "--seed",
                                  seed, NULL };
            run_killed (exe, db_path, gen, g_random_int_range (100, 1500), NULL);
            if (!fingerprint (db_path, &prev))
              {
                counts->refused++;
                note (first_problem, "round %u: unreadable after a killed generate", round);
                continue;
              }
          }
          args[0] = "checkpoint";
          break;
        case IMPORT:
          write_skus (csv, round, n_import);
          args[0] = "import"; args[1] = "skus"; args[2] = csv;
          break;
        case GENERATE:
          args[0] = "generate"; args[1] = "--skus"; args[2] = "200"; args[3] = "--sales";
          args[4] = "2000"; args[5] = "--seed"; args[6] = seed;
          break;
        case BACKUP:
          args[0] = "backup"; args[1] = backup;
          break;
        default:
          args[0] = "restore"; args[1] = restore_src;
          break;
        }

      start = g_get_monotonic_time ();
      /* A checkpoint moves pages at the very end of its short life: aim at its second half. */
      span = took_us[kind] * 6 / 5000 + 1;
      if (kind == CHECKPOINT)
        status = run_killed (exe, db_path, args,
                             (guint) (span / 2 + g_random_int_range (0, (gint32) span / 2 + 1)),
                             error);
      else
        status = run_killed (exe, db_path, args, 1 + (guint) g_random_int_range (0, (gint32) span),
                             error);
      if (status == -2)
        return FALSE;
      if (status >= 0)
        took_us[kind] = g_get_monotonic_time () - start;
      counts->rounds++;
      if (status == -1)
        counts->kills++;

      g_clear_pointer (&out, g_free);
      v = verify (exe, db_path, &out);
      if (v == 65 || (v == 1 && out != NULL && strstr (out, "cannot") != NULL))
        {
          counts->refused++;
          note (first_problem, "round %u (%s, exit %d): the next start refused: %s", round,
                names[kind], status, out);
          return TRUE; /* nothing more to learn from a refused inventory */
        }
      if (v != 0)
        {
          counts->verify_problems++;
          note (first_problem, "round %u (%s, exit %d): verify exit %d: %s", round,
                names[kind], status, v, out);
        }
      if (!fingerprint (db_path, &now))
        {
          counts->refused++;
          note (first_problem, "round %u (%s): SQLite cannot read it", round, names[kind]);
          return TRUE;
        }

      switch (kind)
        {
        case CHECKPOINT:
        case BACKUP:
          within = same (&now, &prev);
          break;
        case IMPORT:
          within = status == 0 ? now.items == prev.items + n_import
                               : (same (&now, &prev) || now.items == prev.items + n_import);
          break;
        case GENERATE:
          within = status == 0 ? now.items == prev.items + 200 && now.sales == prev.sales + 2000
                               : now.items >= prev.items && now.sales >= prev.sales;
          break;
        default:
          within = status == 0 ? same (&now, &source)
                               : same (&now, &prev) || same (&now, &source);
          break;
        }
      if (!within)
        {
          counts->lost++;
          note (first_problem, "round %u (%s, exit %d): items %" G_GINT64_FORMAT " → %"
                G_GINT64_FORMAT ", sales %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT
                ", movements %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT,
                round, names[kind], status, prev.items, now.items, prev.sales, now.sales,
                prev.movements, now.movements);
        }
      if (kind == BACKUP)
        g_unlink (backup);
      /* A restore replaced the inventory: start again from the richer contents now and
       * then, so that checkpoints keep having pages to move. */
      prev = now;
    }
  return TRUE;
}
