/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for opening a file as an inventory: the input is written to
 * inventory.db in a private folder and checked with stk_db_check_file(). A file it
 * refuses must be left byte for byte as it was, with no -wal or -shm beside it. A file
 * it accepts goes through stk_verify_file() (which must not change it either),
 * StkStore (open, stats, verify) and, on a copy, StkWriter (open, which migrates, and
 * close). None of it may crash, leak or hang, whatever the bytes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-store.h"
#include "stk-writer.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static char *dir;
static char *db_path;
static char *copy_path;

static void
check (gboolean    condition,
       const char *what)
{
  if (!condition)
    {
      g_printerr ("fuzz-open: %s\n", what);
      abort ();
    }
}

static void
remove_db (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

static gboolean
has_side_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  return g_file_test (wal, G_FILE_TEST_EXISTS) || g_file_test (shm, G_FILE_TEST_EXISTS);
}

static gboolean
unchanged (const char    *path,
           const uint8_t *data,
           size_t         size)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  return g_file_get_contents (path, &contents, &len, NULL)
         && len == size && (size == 0 || memcmp (contents, data, size) == 0);
}

static void
cleanup (void)
{
  if (dir == NULL)
    return;
  remove_db (db_path);
  remove_db (copy_path);
  g_rmdir (dir);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  gboolean exists = FALSE;

  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("stocktake-fuzz-open-XXXXXX", NULL);
      check (dir != NULL, "cannot create a temporary folder");
      db_path = g_build_filename (dir, "inventory.db", NULL);
      copy_path = g_build_filename (dir, "copy.db", NULL);
      atexit (cleanup);
    }

  remove_db (db_path);
  remove_db (copy_path);
  check (g_file_set_contents (db_path, (const char *) data, size, NULL), "cannot write the input");

  if (!stk_db_check_file (db_path, &exists, &error))
    {
      check (error != NULL, "refused without an error");
      check (unchanged (db_path, data, size), "a refused file was changed");
      check (!has_side_files (db_path), "a refused file got a -wal or -shm");
      goto out;
    }
  check (exists, "an existing file reported missing");

  if (stk_verify_file (db_path, &problems, &error))
    check (problems != NULL, "verified without a list of problems");
  else
    check (error != NULL, "verify failed without an error");
  g_clear_error (&error);
  g_clear_pointer (&problems, g_ptr_array_unref);
  check (unchanged (db_path, data, size), "stk_verify_file changed the file");
  check (!has_side_files (db_path), "stk_verify_file created a -wal or -shm");

  {
    g_autoptr(StkStore) store = stk_store_new (db_path, &error);

    if (store != NULL)
      {
        StkStats stats;

        if (!stk_store_get_stats (store, &stats, &error))
          check (error != NULL, "stats failed without an error");
        g_clear_error (&error);
        problems = stk_store_verify (store, &error);
        check (problems != NULL || error != NULL, "verify failed without an error");
      }
    else
      check (error != NULL, "the store failed without an error");
    g_clear_error (&error);
  }

  {
    g_autoptr(StkWriter) writer = NULL;

    check (g_file_set_contents (copy_path, (const char *) data, size, NULL), "cannot write the copy");
    writer = stk_writer_new (copy_path, &error);
    if (writer != NULL)
      stk_writer_close (writer, 1000, NULL);
    else
      check (error != NULL, "the writer failed without an error");
  }

out:
  remove_db (db_path);
  remove_db (copy_path);
  return 0;
}
