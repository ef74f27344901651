/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-test-util.h"

#include <unistd.h>

#include <glib/gstdio.h>

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

gboolean
stk_test_wait_for (const gboolean *flag,
                   guint           timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

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

char *
stk_test_helper_path (const char *name)
{
  const char *dir = g_getenv ("STK_TEST_BUILDDIR");

  return g_build_filename (dir != NULL ? dir : ".", name, NULL);
}

gint64
stk_test_query (const char *path,
                const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

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
