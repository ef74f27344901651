/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-stmt-faults.h"

#include <sqlite3.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-faultvfs.h"
#include "stk-test-util.h"

/* Accessed with __atomic builtins: the writer and the store's readers count from their
 * own threads. */
static gint  armed;
static guint armed_nth;
static guint counted;
static gint  armed_reached;
static GCancellable *armed_cancellable;

#define LOAD(p) __atomic_load_n ((p), __ATOMIC_SEQ_CST)
#define STORE(p, v) __atomic_store_n ((p), (v), __ATOMIC_SEQ_CST)
#define INC(p) __atomic_add_fetch ((p), 1, __ATOMIC_SEQ_CST)

static int
trace_cb (unsigned  type,
          void     *user_data,
          void     *p,
          void     *x)
{
  sqlite3_stmt *stmt = p;

  (void) user_data;
  (void) x;
  if (type != SQLITE_TRACE_STMT || !LOAD (&armed))
    return 0;
  /* The writer's probe for other programs' commits answers "unknown" when it cannot
   * read (stk-engine.h, data_version): by design, no error to report. */
  if (g_str_has_prefix ((const char *) x, "PRAGMA data_version"))
    return 0;
  if (INC (&counted) == LOAD (&armed_nth))
    {
      if (g_getenv ("STK_STMT_FAULTS_DEBUG") != NULL)
        g_printerr ("statement %u: %s\n", LOAD (&armed_nth), (const char *) x);
      /* Called as the statement starts, before it holds any page: what the connection
       * caches and has not changed is dropped, so the statement reads from disk. */
      if (armed_cancellable != NULL)
        g_cancellable_cancel (armed_cancellable);
      else
        {
          sqlite3_db_release_memory (sqlite3_db_handle (stmt));
          stk_faultvfs_arm (STK_FAULT_READ, 1, SQLITE_IOERR_READ);
        }
      STORE (&armed_reached, 1);
    }
  return 0;
}

static int
hook_connection (sqlite3                     *db,
                 char                       **err,
                 const sqlite3_api_routines  *api)
{
  (void) err;
  (void) api;
  sqlite3_trace_v2 (db, SQLITE_TRACE_STMT, trace_cb, NULL);
  return SQLITE_OK;
}

void
stk_stmt_faults_install (void)
{
  static gsize once = 0;

  stk_faultvfs_register ();
  if (g_once_init_enter (&once))
    {
      sqlite3_auto_extension ((void (*) (void)) hook_connection);
      g_once_init_leave (&once, 1);
    }
  stk_stmt_faults_disarm ();
}

void
stk_stmt_faults_arm (guint nth)
{
  g_return_if_fail (nth >= 1);

  STORE (&armed, 0);
  stk_faultvfs_disarm ();
  STORE (&counted, 0);
  STORE (&armed_reached, 0);
  STORE (&armed_nth, nth);
  STORE (&armed, 1);
}

void
stk_stmt_faults_arm_cancel (guint         nth,
                            GCancellable *cancellable)
{
  g_return_if_fail (G_IS_CANCELLABLE (cancellable));

  stk_stmt_faults_disarm ();
  armed_cancellable = g_object_ref (cancellable);
  stk_stmt_faults_arm (nth);
}

void
stk_stmt_faults_disarm (void)
{
  STORE (&armed, 0);
  stk_faultvfs_disarm ();
  g_clear_object (&armed_cancellable);
}

gboolean
stk_stmt_faults_reached (void)
{
  return LOAD (&armed_reached) != 0;
}

guint
stk_stmt_faults_count (void)
{
  return LOAD (&counted);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  if (!g_file_get_contents (from, &contents, &len, &error) ||
      !g_file_set_contents (to, contents, (gssize) len, &error))
    g_error ("%s", error->message);
}

static void
remove_inventory (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", ".lock" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);

      g_unlink (name);
    }
}

static char *
dump (const char        *db,
      const char *const *queries)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; queries[i] != NULL; i++)
    {
      g_autofree char *part = stk_test_query_dump (db, queries[i]);

      g_string_append_printf (s, "== %s\n%s", queries[i], part);
    }
  return g_string_free (s, FALSE);
}

guint
stk_stmt_faults_sweep (const char        *template,
                       const char        *work,
                       const char *const *queries,
                       GQuark             domain,
                       int                code,
                       StkStmtFaultsRun   run,
                       gpointer           data)
{
  g_autofree char *template_wal = g_strconcat (template, "-wal", NULL);
  guint failed = 0;
  guint nth;

  g_assert (!g_file_test (template_wal, G_FILE_TEST_EXISTS));
  for (nth = 1; nth < 10000; nth++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      gboolean ok, reached;
      guint64 fired;

      remove_inventory (work);
      copy_file (template, work);
      before = dump (work, queries);
      ok = run (work, nth, data, &error);
      reached = stk_stmt_faults_reached ();
      fired = stk_faultvfs_fired ();
      stk_stmt_faults_disarm ();
      if (!reached)
        {
          if (!ok)
            g_error ("statement %u never came, yet the call failed: %s", nth, error->message);
          break;
        }
      if (fired > 0 && ok)
        g_error ("statement %u: a read failed, yet the call succeeded", nth);
      if (ok)
        continue;
      after = dump (work, queries);
      if (g_strcmp0 (after, before) != 0)
        g_error ("statement %u: the call failed (%s) but changed the inventory:\n%s\n----\n%s",
                 nth, error->message, before, after);
      if (!g_error_matches (error, domain, code))
        g_error ("statement %u: %s (%s %d), not %s %d", nth, error->message,
                 g_quark_to_string (error->domain), error->code, g_quark_to_string (domain),
                 code);
      if (error->message[0] == '\0')
        g_error ("statement %u: an error without a message", nth);
      failed++;
    }
  g_assert (nth < 10000);
  remove_inventory (work);
  return failed;
}
