/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-stmt-faults.h"

#include <sqlite3.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-faultvfs.h"
#include "stk-ops.h"
#include "stk-writer.h"
#include "stk-test-util.h"

/* Accessed with __atomic builtins: the writer and the store's readers count from their
 * own threads. */
static gint  armed;
static guint armed_nth;
static guint counted;
static gint  armed_reached;
static gint  pending;
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
  guint n;

  (void) user_data;
  (void) x;
  if (type != SQLITE_TRACE_STMT || !LOAD (&armed))
    return 0;
  /* The writer's probe for other programs' commits answers "unknown" when it cannot
   * read (stk-engine.h, data_version): by design, no error to report; nor is a list's
   * bounding of its connection's cache (stk-sqlite-engine.c, "not fatal"). Neither is
   * counted, and a read error armed before them waits for the next statement. */
  if (g_str_has_prefix ((const char *) x, "PRAGMA data_version") ||
      g_str_has_prefix ((const char *) x, "PRAGMA cache_size"))
    {
      if (LOAD (&armed_reached) && armed_cancellable == NULL && stk_faultvfs_fired () == 0)
        {
          stk_faultvfs_disarm ();
          STORE (&pending, 1);
        }
      return 0;
    }
  if (LOAD (&pending))
    {
      STORE (&pending, 0);
      sqlite3_db_release_memory (sqlite3_db_handle (stmt));
      stk_faultvfs_arm (STK_FAULT_READ, 1, SQLITE_IOERR_READ);
    }
  /* Only the statements the engine runs, not the trigger programs they start ("--
   * TRIGGER name"): the engine sees the statement fail either way. Nor BEGIN, which
   * reads nothing (the read error would land in whatever comes next, even in the
   * preparing of a statement above). */
  if (g_str_has_prefix ((const char *) x, "--") || g_str_has_prefix ((const char *) x, "BEGIN"))
    return 0;
  n = INC (&counted);
  if (g_getenv ("STK_STMT_FAULTS_DEBUG") != NULL)
    g_printerr ("statement %u%s: %s\n", n, n == LOAD (&armed_nth) ? " (armed)" : "",
                (const char *) x);
  if (n == LOAD (&armed_nth))
    {
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
  STORE (&pending, 0);
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

  for (nth = 1; nth < 10000; nth++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      gboolean ok, reached;
      guint64 fired;

      remove_inventory (work);
      copy_file (template, work);
      if (g_file_test (template_wal, G_FILE_TEST_EXISTS))
        {
          g_autofree char *work_wal = g_strconcat (work, "-wal", NULL);

          copy_file (template_wal, work_wal);
        }
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
      if (g_strcmp0 (after, before) != 0 && g_getenv ("STK_STMT_FAULTS_KEEP") != NULL)
        {
          g_autofree char *wal = g_strconcat (work, "-wal", NULL);
          g_autofree char *keep_wal = g_strconcat (g_getenv ("STK_STMT_FAULTS_KEEP"), "-wal", NULL);

          copy_file (work, g_getenv ("STK_STMT_FAULTS_KEEP"));
          if (g_file_test (wal, G_FILE_TEST_EXISTS))
            copy_file (wal, keep_wal);
        }
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

#define HOUR_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

char *
stk_stmt_faults_make_shop (const char *dir)
{
  static const StkSaleLineSpec first[] = { { "A-1", 2, -1, 0 }, { "B-2", 1, 500, 50 } };
  static const StkSaleLineSpec second[] = { { "C-3", 1, -1, 0 } };
  static const StkSaleLineSpec third[] = { { "A-1", 1, -1, 0 } };
  static const char *const methods[] = { "Cash", "Card", NULL };
  char *db = g_build_filename (dir, "shop.db", NULL);
  gint64 now = g_get_real_time ();
  StkWriter *writer;

  if (g_file_test (db, G_FILE_TEST_EXISTS))
    return db;
  writer = stk_test_open_writer (db);

  stk_test_submit (writer, stk_op_create_item ("A-1", "bolt", 100, 5));
  stk_test_submit (writer, stk_op_create_item ("B-2", "nut", 200, 0));
  stk_test_submit (writer, stk_op_create_item ("C-3", "washer", 300, 0));
  stk_test_submit (writer, stk_op_create_item ("D-4", "spare", 400, 0));
  stk_test_submit (writer, stk_op_record_movement ("A-1", STK_MOVEMENT_RECEIVE, 50, "in",
                                                          now - 4 * HOUR_US));
  stk_test_submit (writer, stk_op_record_movement ("B-2", STK_MOVEMENT_RECEIVE, 30, "in",
                                                          now - 4 * HOUR_US));
  stk_test_submit (writer, stk_op_record_movement ("C-3", STK_MOVEMENT_RECEIVE, 20, "in",
                                                          now - 4 * HOUR_US));
  stk_test_submit (writer, stk_op_save_tax_rate (0, "Standard", 2200));
  stk_test_submit (writer, stk_op_save_tax_rate (0, "Reduced", 1000));
  stk_test_submit (writer, stk_op_save_tax_rate (0, "Unused", 400));
  stk_test_submit (writer, stk_op_set_default_tax_rate (1));
  stk_test_submit (writer, stk_op_set_item_tax_rate (2, 2));
  stk_test_submit (writer, stk_op_add_barcode ("A-1", "CASE-A1", 6));
  stk_test_submit (writer, stk_op_set_payment_methods (methods));
  stk_test_submit (writer, stk_op_set_receipt_series (STK_RECEIPT_SERIES_YEARLY));
  stk_test_submit (writer, stk_op_sell (first, G_N_ELEMENTS (first), "Card", "first",
                                        now - 3 * HOUR_US));
  stk_test_submit (writer, stk_op_sell (second, G_N_ELEMENTS (second), "Cash", NULL,
                                        now - 3 * HOUR_US + 1));
  stk_test_submit (writer, stk_op_return_sale_line (1, 1, -1, "broken", now - 2 * HOUR_US));
  stk_test_submit (writer, stk_op_close_day (1234, "first close"));
  stk_test_submit (writer, stk_op_sell (third, G_N_ELEMENTS (third), "Cash", NULL, 0));
  stk_test_close_writer (writer);
  return db;
}

