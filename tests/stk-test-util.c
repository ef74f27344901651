/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-sqlite-private.h"
#include "stk-store.h"
#include "stk-writer.h"

char *
stk_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("stocktake-test-XXXXXX", &error);

  g_assert_no_error (error);
  g_chmod (dir, 0755);
  return dir;
}

void
stk_test_rmdir (const char *path)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  if (path == NULL)
    return;
  file = g_file_new_for_path (path);
  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)))
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        stk_test_rmdir (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

gint64
stk_test_deadline (guint ms)
{
  static gsize scale = 0;

  if (g_once_init_enter (&scale))
    {
      const char *env = g_getenv ("STK_TEST_TIME_SCALE");
      gint64 value = env != NULL ? g_ascii_strtoll (env, NULL, 10) : 1;

      g_once_init_leave (&scale, (gsize) CLAMP (value, 1, 100));
    }
  return g_get_monotonic_time () + (gint64) ms * 1000 * (gint64) scale;
}

gboolean
stk_test_wait_for (const gboolean *flag,
                   guint           timeout_ms)
{
  gint64 end = stk_test_deadline (timeout_ms);

  while (!*flag && g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return *flag;
}

void
stk_test_spin (guint ms)
{
  gboolean never = FALSE;

  stk_test_wait_for (&never, ms);
}

static gboolean
drained_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
stk_test_drain (void)
{
  gboolean ran = FALSE;
  guint id = g_idle_add_full (G_PRIORITY_LOW + 1, drained_cb, &ran, NULL);

  if (!stk_test_wait_for (&ran, 60000))
    {
      g_source_remove (id);
      return FALSE;
    }
  return TRUE;
}

gboolean
stk_test_wait_refs (gpointer object,
                    guint    refs,
                    guint    timeout_ms)
{
  gint *count = (gint *) &G_OBJECT (object)->ref_count;

  return STK_TEST_WAIT_UNTIL ((guint) g_atomic_int_get (count) == refs, timeout_ms);
}

char *
stk_test_helper_path (const char *name)
{
  const char *dir = g_getenv ("STK_TEST_BUILDDIR");

  return g_build_filename (dir != NULL ? dir : ".", name, NULL);
}

GSubprocess *
stk_test_hold_database (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *helper = stk_test_helper_path ("stk-lock-holder");
  g_autofree char *line = NULL;
  GDataInputStream *out;
  GSubprocess *proc;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                           &error, helper, db_path, "0", NULL);
  if (proc == NULL)
    g_error ("cannot start %s: %s", helper, error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (g_strcmp0 (line, "locked") != 0)
    g_error ("%s said “%s” instead of “locked”", helper, line != NULL ? line : "(nothing)");
  /* Kept open: the holder says "released" on its way out. */
  g_object_set_data_full (G_OBJECT (proc), "out", out, g_object_unref);
  return proc;
}

void
stk_test_release_database (GSubprocess *holder)
{
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_close (g_subprocess_get_stdin_pipe (holder), NULL, &error) ||
      !g_subprocess_wait_check (holder, NULL, &error))
    g_error ("the lock holder did not end cleanly: %s", error->message);
}

const char *
stk_test_engine (void)
{
  const char *engine = g_getenv ("STK_TEST_ENGINE");

  return engine != NULL && *engine != '\0' ? engine : "sqlite";
}

gint64
stk_test_query (const char *path,
                const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (!g_str_equal (stk_test_engine (), "sqlite"))
    g_error ("stk_test_query: no way to query a %s inventory yet", stk_test_engine ());
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  else
    g_printerr ("stk_test_query: %s: %s\n", sql, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

char *
stk_test_query_dump (const char *path,
                     const char *sql)
{
  GString *s = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("stk_test_query_dump: %s: %s", sql, sqlite3_errmsg (db));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, i);

          g_string_append_printf (s, "%d:%s|", sqlite3_column_type (stmt, i),
                                  text != NULL ? text : "");
        }
      g_string_append_c (s, '\n');
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (s, FALSE);
}

GBytes *
stk_test_read_bytes (const char *path)
{
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return g_bytes_new_take (contents, len);
}

void
stk_test_drop_privileges (void)
{
  if (geteuid () != 0)
    return;
  if (setresgid (65534, 65534, 65534) != 0 || setresuid (65534, 65534, 65534) != 0)
    g_error ("cannot drop privileges");
}

static void
crash_note (char       **first_problem,
            const char  *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
crash_note (char       **first_problem,
            const char  *format,
            ...)
{
  va_list args;

  if (first_problem == NULL || *first_problem != NULL)
    return;
  va_start (args, format);
  *first_problem = g_strdup_vprintf (format, args);
  va_end (args);
}

/* Reads one "ack KIND ID" line into acked; FALSE at the end of the output. */
static gboolean
crash_read_ack (GDataInputStream *out,
                GHashTable       *acked)
{
  g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  g_auto(GStrv) parts = NULL;

  if (line == NULL)
    return FALSE;
  parts = g_strsplit (line, " ", 3);
  if (g_strv_length (parts) == 3 && g_str_equal (parts[0], "ack")
      && g_regex_match_simple ("^[0-9a-f-]{36}$", parts[2], 0, 0))
    g_hash_table_insert (acked, g_strdup (parts[2]), g_strdup (parts[1]));
  return TRUE;
}

/* Number of rows of a one-integer query, or -1. */
static gint64
crash_count (sqlite3    *db,
             const char *sql,
             const char *id)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK
      && (id == NULL || sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT) == SQLITE_OK)
      && sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* Reopens db_path after a crash and checks every acknowledged op of @acked
 * (op id → kind): present exactly once, with its whole effect; nothing half-applied. */
gboolean
stk_test_crash_check (const char      *db_path,
                      GHashTable      *acked,
                      StkCrashCounts  *counts,
                      char           **first_problem,
                      GError         **error)
{
  static const char *const half_queries[] = {
    /* a recorded sale without its sale and movement */
    "SELECT count(*) FROM applied_ops a WHERE kind = 'record-sale'"
    " AND NOT EXISTS (SELECT 1 FROM sales s JOIN movements m ON m.sale_id = s.id"
    "                 WHERE s.uid = a.op_id)",
    /* a sale without its record */
    "SELECT count(*) FROM sales s WHERE NOT EXISTS"
    " (SELECT 1 FROM applied_ops WHERE op_id = s.uid)",
    /* an item the crash writer created, without its record */
    "SELECT count(*) FROM items i WHERE code LIKE 'C-%' AND NOT EXISTS"
    " (SELECT 1 FROM applied_ops WHERE op_id = substr(i.code, 3))",
    /* a recorded movement without its movement (set differences: movements.reason has
     * no index, and a correlated scan per row grows with the square of the rounds) */
    "SELECT count(*) FROM (SELECT 'crash test ' || op_id FROM applied_ops"
    "                      WHERE kind = 'record-movement'"
    "                      EXCEPT SELECT reason FROM movements)",
    /* a crash-test movement without its record */
    "SELECT count(*) FROM (SELECT reason FROM movements WHERE reason LIKE 'crash test %'"
    "                      EXCEPT SELECT 'crash test ' || op_id FROM applied_ops)",
  };
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GHashTable) movement_counts = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                 g_free, NULL);
  GHashTableIter iter;
  gpointer key, value;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  /* Reopen (recovers the WAL), then check. */
  writer = stk_writer_new (db_path, error);
  if (writer == NULL)
    return FALSE;
  store = stk_store_new (db_path, error);
  if (store == NULL)
    return FALSE;
  problems = stk_store_verify (store, error);
  if (problems == NULL)
    return FALSE;
  counts->verify_problems += problems->len;
  if (problems->len > 0)
    crash_note (first_problem, "verify: %s", (char *) g_ptr_array_index (problems, 0));

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot open %s: %s",
                   db_path, sqlite3_errmsg (db));
      sqlite3_close (db);
      return FALSE;
    }

  /* The crash-test movements, counted once by the op id in their reason. */
  if (sqlite3_prepare_v2 (db, "SELECT substr(reason, 12), count(*) FROM movements"
                              " WHERE reason LIKE 'crash test %' GROUP BY reason",
                          -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_hash_table_insert (movement_counts,
                           g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                           GINT_TO_POINTER ((int) sqlite3_column_int64 (stmt, 1)));
  sqlite3_finalize (stmt);

  g_hash_table_iter_init (&iter, acked);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *id = key;
      const char *kind = value;
      gint64 recorded = crash_count (db, "SELECT count(*) FROM applied_ops WHERE op_id = ?1", id);
      gint64 applied;

      if (g_str_equal (kind, "create-item"))
        applied = crash_count (db, "SELECT count(*) FROM items WHERE code = 'C-' || ?1", id);
      else if (g_str_equal (kind, "record-sale"))
        applied = crash_count (db, "SELECT count(*) FROM sales WHERE uid = ?1", id);
      else if (g_str_equal (kind, "record-movement"))
        applied = GPOINTER_TO_INT (g_hash_table_lookup (movement_counts, id));
      else
        applied = -1; /* an op this check does not know: never counted as sound */

      if (recorded == 1 && applied == 1)
        continue;
      if (recorded <= 0 && applied <= 0)
        counts->lost++;
      else if (recorded > 1 || applied > 1)
        counts->doubled++;
      else
        counts->half_applied++;
      crash_note (first_problem, "acknowledged %s %s: recorded %" G_GINT64_FORMAT
                  " times, applied %" G_GINT64_FORMAT " times", kind, id, recorded, applied);
    }

  /* Nothing half-present: every recorded op has its whole effect, and back. */
  for (guint i = 0; i < G_N_ELEMENTS (half_queries); i++)
    {
      gint64 n = crash_count (db, half_queries[i], NULL);

      if (n != 0)
        {
          counts->half_applied += n > 0 ? n : 1;
          crash_note (first_problem, "%" G_GINT64_FORMAT ": %s", n, half_queries[i]);
        }
    }
  sqlite3_close (db);

  return stk_writer_close (writer, 1000, error);
}

gboolean
stk_test_crash_round (const char      *db_path,
                      guint            min_delay_ms,
                      guint            max_delay_ms,
                      StkCrashCounts  *counts,
                      char           **first_problem,
                      GError         **error)
{
  g_autofree char *helper = stk_test_helper_path ("stk-crash-writer");
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GHashTable) acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *line = NULL;
  gint64 deadline;

  g_return_val_if_fail (db_path != NULL, FALSE);
  g_return_val_if_fail (min_delay_ms < max_delay_ms, FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error, helper, db_path, NULL);
  if (proc == NULL)
    return FALSE;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  if (g_strcmp0 (line, "ready") != 0)
    {
      g_subprocess_force_exit (proc);
      g_subprocess_wait (proc, NULL, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the crash writer did not start");
      return FALSE;
    }

  /* Keep reading while it writes, so that a full pipe never holds its clients back:
   * the kill must land in the middle of writes, not on an idle writer. */
  deadline = g_get_monotonic_time ()
             + (gint64) g_random_int_range (min_delay_ms, max_delay_ms) * 1000;
  while (g_get_monotonic_time () < deadline && crash_read_ack (out, acked))
    ;
  g_subprocess_send_signal (proc, SIGKILL);

  /* Everything it printed was acknowledged before the kill. */
  while (crash_read_ack (out, acked))
    ;
  g_subprocess_wait (proc, NULL, NULL);
  counts->rounds++;
  counts->acked += g_hash_table_size (acked);

  return stk_test_crash_check (db_path, acked, counts, first_problem, error);
}

static gboolean
apply_nothing (StkOp    *op,
               gpointer  user_data,
               GError  **error)
{
  return TRUE;
}

static void
barrier_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!stk_writer_submit_finish (STK_WRITER (object), result, &error))
    g_error ("the barrier op failed: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

void
stk_test_writer_barrier (StkWriter *writer)
{
  g_autoptr(StkOp) op = stk_op_new_run ("barrier", STK_CHANGE_NONE, apply_nothing, NULL, NULL);
  gboolean done = FALSE;

  stk_writer_submit (writer, op, NULL, barrier_done_cb, &done);
  if (!stk_test_wait_for (&done, 60000))
    g_error ("the writer did not answer a barrier op");
}

static gboolean
apply_gate (StkOp    *op,
            gpointer  user_data,
            GError  **error)
{
  StkTestGate *gate = user_data;

  g_mutex_lock (&gate->lock);
  gate->started = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
  return TRUE;
}

void
stk_test_gate_init (StkTestGate *gate)
{
  memset (gate, 0, sizeof *gate);
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
}

void
stk_test_gate_clear (StkTestGate *gate)
{
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
}

StkOp *
stk_test_gate_op (StkTestGate *gate)
{
  return stk_op_new_run ("gate", STK_CHANGE_NONE, apply_gate, gate, NULL);
}

void
stk_test_gate_wait_started (StkTestGate *gate)
{
  g_mutex_lock (&gate->lock);
  while (!gate->started)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

void
stk_test_gate_release (StkTestGate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->released = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

StkWriter *
stk_test_open_writer (const char *path)
{
  g_autoptr(GError) error = NULL;
  StkWriter *writer = stk_writer_new (path, &error);

  if (writer == NULL)
    g_error ("cannot open %s for writing: %s", path, error->message);
  return writer;
}

StkStore *
stk_test_open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  StkStore *store = stk_store_new (path, &error);

  if (store == NULL)
    g_error ("cannot open %s for reading: %s", path, error->message);
  return store;
}

void
stk_test_close_writer (StkWriter *writer)
{
  g_autoptr(GError) error = NULL;

  if (!stk_writer_close (writer, 5000, &error))
    g_error ("closing the writer: %s", error->message);
  g_object_unref (writer);
}

/* Submits op (taking it) and waits; any failure ends the test. */
void
stk_test_submit (StkWriter *writer,
                 StkOp     *op)
{
  g_autoptr(GError) error = NULL;

  if (!stk_writer_submit_sync (writer, op, &error))
    g_error ("%s: %s", stk_op_get_description (op), error->message);
  stk_op_unref (op);
}

gboolean
stk_test_ensure_locale (const char  *name,
                        GError     **error)
{
  const char *builddir = g_getenv ("STK_TEST_BUILDDIR");
  g_autofree char *dir = NULL;
  g_autofree char *target = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *source = NULL;
  g_autofree char *source_path = NULL;
  g_autofree char *localedef = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *tmp_target = NULL;
  g_autofree char *err = NULL;
  const char *dot;
  int status = -1;

  g_return_val_if_fail (name != NULL && strchr (name, '.') != NULL, FALSE);

  if (builddir == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "STK_TEST_BUILDDIR is not set (run the tests through meson test)");
      return FALSE;
    }
  dir = g_build_filename (builddir, "locales", NULL);
  target = g_build_filename (dir, name, NULL);
  marker = g_build_filename (target, "LC_MONETARY", NULL);

  if (!g_file_test (marker, G_FILE_TEST_EXISTS))
    {
      dot = strchr (name, '.');
      source = g_strndup (name, dot - name);
      source_path = g_build_filename ("/usr/share/i18n/locales", source, NULL);
      localedef = g_find_program_in_path ("localedef");
      if (localedef == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "localedef not found (Debian package libc-bin)");
          return FALSE;
        }
      if (!g_file_test (source_path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "%s is missing: install Debian's \"locales\" package", source_path);
          return FALSE;
        }
      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       "Cannot create %s: %s", dir, g_strerror (errno));
          return FALSE;
        }

      /* Built beside the target and renamed, so a half-written locale never counts. */
      tmp = g_build_filename (dir, "tmp-XXXXXX", NULL);
      if (g_mkdtemp (tmp) == NULL)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       "Cannot create a folder in %s: %s", dir, g_strerror (errno));
          return FALSE;
        }
      tmp_target = g_build_filename (tmp, name, NULL);
      {
        const char *argv[] = { localedef, "-i", source, "-f", "UTF-8", tmp_target, NULL };

        if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                           NULL, &err, &status, error))
          {
            stk_test_rmdir (tmp);
            return FALSE;
          }
      }
      /* localedef exits 1 for mere warnings; what matters is the compiled locale. */
      if (!g_file_test (tmp_target, G_FILE_TEST_IS_DIR) ||
          (g_rename (tmp_target, target) != 0 && !g_file_test (marker, G_FILE_TEST_EXISTS)))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "localedef -i %s -f UTF-8 %s failed (wait status %d): %s", source,
                       tmp_target, status, err ? err : "");
          stk_test_rmdir (tmp);
          return FALSE;
        }
      stk_test_rmdir (tmp);
    }

  g_setenv ("LOCPATH", dir, TRUE);
  return TRUE;
}

/* SQLite: fills the root pages of the items table and its indexes with 0xff, so every
 * read of an item fails (sqlite_master, on page 1, stays sound, so the store opens). */
static void
damage_items_sqlite (const char *path)
{
  g_autoptr(GArray) roots = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *junk = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  gint64 page_size = 0;
  int fd;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_size", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  page_size = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rootpage FROM sqlite_master"
                                       " WHERE tbl_name = 'items' AND rootpage > 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 root = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (roots, root);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  g_assert_cmpuint (roots->len, >, 1);

  junk = g_malloc (page_size);
  memset (junk, 0xff, page_size);
  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  for (guint i = 0; i < roots->len; i++)
    g_assert_cmpint (pwrite (fd, junk, page_size,
                             (g_array_index (roots, gint64, i) - 1) * page_size), ==, page_size);
  g_assert_cmpint (close (fd), ==, 0);
}

void
stk_test_damage_items (const char *path)
{
  const char *engine = stk_test_engine ();

  if (g_str_equal (engine, "sqlite"))
    damage_items_sqlite (path);
  else
    g_error ("stk_test_damage_items: no way to damage a %s inventory yet", engine);
}

GLogWriterOutput
stk_test_critical_writer (GLogLevelFlags   level,
                          const GLogField *fields,
                          gsize            n_fields,
                          gpointer         user_data)
{
  GString **criticals = user_data;

  if ((level & G_LOG_LEVEL_CRITICAL) && criticals != NULL && *criticals != NULL)
    for (gsize i = 0; i < n_fields; i++)
      if (g_str_equal (fields[i].key, "MESSAGE"))
        {
          if (fields[i].length < 0)
            g_string_append (*criticals, fields[i].value);
          else
            g_string_append_len (*criticals, fields[i].value, fields[i].length);
          g_string_append_c (*criticals, '\n');
          return G_LOG_WRITER_HANDLED;
        }
  return g_log_writer_default (level, fields, n_fields, user_data);
}
