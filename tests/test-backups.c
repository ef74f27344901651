/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Automatic backups (data/stk-backups.h): their names, verified copies, pruning that
 * keeps exactly the newest N of this inventory's and touches nothing else, failures
 * that leave nothing behind, the list with each backup's own figures. */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-backups.h"
#include "stk-error.h"
#include "stk-ops.h"
#include "stk-seams.h"
#include "stk-store.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

static char *folder;

static void
setup (void)
{
  stk_test_fixture_setup ();
  folder = g_build_filename (tmpdir, "backups", NULL);
}

static void
teardown (void)
{
  stk_seams_reset ();
  g_clear_pointer (&folder, g_free);
  stk_test_fixture_teardown ();
}

TestSuite (backups, .init = setup, .fini = teardown, .timeout = 60);

/* Two items, one receipt, two sales (the newest at @last_sale_us). */
static StkStore *
small_inventory (gint64 last_sale_us)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_submit (writer, stk_op_create_item ("A-1", "First", 100, 1));
  stk_test_submit (writer, stk_op_create_item ("B-2", "Second", 250, 0));
  stk_test_submit (writer, stk_op_record_movement ("A-1", STK_MOVEMENT_RECEIVE, 10, "Delivery", 0));
  stk_test_submit (writer, stk_op_record_sale ("A-1", 3, -1, last_sale_us - G_USEC_PER_SEC * 60));
  stk_test_submit (writer, stk_op_record_sale ("A-1", 1, -1, last_sale_us));
  stk_test_close_writer (writer);
  return stk_test_open_store (db_path);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The names in @dir, sorted, one string ("a b c"). */
static char *
folder_names (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  if (d == NULL)
    return g_strdup ("");
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, (gpointer) name);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
touch (const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  cr_assert (g_file_set_contents (path, "not a database", -1, NULL));
}

static char *
auto_name (int day,
           const char *tail)
{
  return g_strdup_printf ("inventory-auto-202611%02d-101500%s.db", day, tail);
}

Test (backups, names_are_parsed_exactly)
{
  gint64 made_us = 0;
  guint n = 0;
  g_autoptr(GDateTime) when = NULL;

  cr_assert (stk_backup_parse_name ("inventory-auto-20261123-121500.db", "inventory", &made_us, &n));
  cr_assert_eq (n, 1);
  when = g_date_time_new_from_unix_local (made_us / G_USEC_PER_SEC);
  cr_assert_eq (g_date_time_get_year (when), 2026);
  cr_assert_eq (g_date_time_get_month (when), 11);
  cr_assert_eq (g_date_time_get_day_of_month (when), 23);
  cr_assert_eq (g_date_time_get_hour (when), 12);
  cr_assert_eq (g_date_time_get_minute (when), 15);
  cr_assert (stk_backup_parse_name ("inventory-auto-20261123-121500-3.db", "inventory", NULL, &n));
  cr_assert_eq (n, 3);

  cr_assert_not (stk_backup_parse_name ("inventory-auto-20261123-121500.db", "invent", NULL, NULL));
  cr_assert_not (stk_backup_parse_name ("shop-auto-20261123-121500.db", "inventory", NULL, NULL));
  cr_assert_not (stk_backup_parse_name ("inventory-backup-20261123-121500.db", "inventory", NULL, NULL));
  cr_assert_not (stk_backup_parse_name ("inventory-auto-20261123-121500.db.txt", "inventory", NULL, NULL));
  cr_assert_not (stk_backup_parse_name ("inventory-auto-20261123-1215.db", "inventory", NULL, NULL));
  cr_assert_not (stk_backup_parse_name ("inventory-auto-2026112x-121500.db", "inventory", NULL, NULL));
  cr_assert_not (stk_backup_parse_name ("inventory-auto-20261323-121500.db", "inventory", NULL, NULL));
  cr_assert_not (stk_backup_parse_name ("inventory-auto-20261123-121500-1.db", "inventory", NULL, NULL));
  cr_assert_not (stk_backup_parse_name ("inventory-auto-20261123-121500-02.db", "inventory", NULL, NULL));
  cr_assert_not (stk_backup_parse_name ("inventory-auto-20261123-121500-.db", "inventory", NULL, NULL));
  cr_assert_not (stk_backup_parse_name ("inventory-auto-20261123-121500x.db", "inventory", NULL, NULL));

  {
    g_autofree char *base = stk_backup_inventory_base ("/some/where/shop.db");

    cr_assert_str_eq (base, "shop");
  }
}

Test (backups, auto_makes_a_verified_backup_in_a_new_folder)
{
  g_autoptr(StkStore) store = small_inventory (g_get_real_time ());
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) pruned = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *nested = g_build_filename (folder, "deeper", NULL);
  GStatBuf st;

  g_free (folder);
  folder = g_steal_pointer (&nested);
  cr_assert_not (g_file_test (folder, G_FILE_TEST_EXISTS));
  cr_assert (stk_backup_due_today (folder, db_path));

  cr_assert (stk_backup_auto (store, folder, 14, NULL, &path, &pruned, &error), "%s",
             error ? error->message : "");
  cr_assert_not_null (path);
  cr_assert_eq (g_strv_length (pruned), 0);
  name = g_path_get_basename (path);
  cr_assert (stk_backup_parse_name (name, "inventory", NULL, NULL), "%s", name);
  {
    g_autofree char *dir = g_path_get_dirname (path);

    cr_assert_str_eq (dir, folder);
  }
  cr_assert (stk_verify_file (path, &problems, &error));
  cr_assert_eq (problems->len, 0);
  cr_assert_eq (stk_test_query (path, "SELECT count(*) FROM items"), 2);
  cr_assert_eq (g_stat (path, &st), 0);
  cr_assert_eq (st.st_mode & 0777, 0600, "private like the inventory");
  cr_assert_eq (g_stat (folder, &st), 0);
  cr_assert_eq (st.st_mode & 0777, 0700);

  /* Only the backup: no temporary file, no journal. */
  {
    g_autofree char *names = folder_names (folder);

    cr_assert_str_eq (names, name);
  }
  cr_assert_not (stk_backup_due_today (folder, db_path), "made today");

  /* A second one in the same second gets a name of its own. */
  {
    g_autofree char *again = NULL;

    cr_assert (stk_backup_auto (store, folder, 14, NULL, &again, NULL, &error), "%s",
               error ? error->message : "");
    cr_assert_str_neq (again, path);
    cr_assert (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  }
}

Test (backups, pruning_keeps_exactly_the_newest_and_nothing_foreign)
{
  g_autoptr(StkStore) store = small_inventory (g_get_real_time ());
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *made = NULL;
  g_auto(GStrv) pruned = NULL;
  g_autofree char *names = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *subdir = NULL;
  const char *foreign[] = {
    "inventory-backup-20261101-101500.db",     /* a manual backup */
    "shop-auto-20261101-101500.db",            /* another inventory's */
    "inventory-auto-20261101-101500.db.txt",
    "inventory-auto-2026.db",
    "notes.txt",
  };

  cr_assert_eq (g_mkdir (folder, 0700), 0);
  /* Six older automatic backups, days 1..6 (the 3rd twice in one second). */
  for (int day = 1; day <= 6; day++)
    {
      g_autofree char *name = auto_name (day, "");

      touch (name);
    }
  {
    g_autofree char *name = auto_name (3, "-2");

    touch (name);
  }
  for (guint i = 0; i < G_N_ELEMENTS (foreign); i++)
    touch (foreign[i]);
  /* A folder and a link of a matching name are not files to remove. */
  {
    g_autofree char *dir_name = auto_name (2, "-5");
    g_autofree char *link_name = auto_name (1, "-7");
    g_autofree char *link = g_build_filename (folder, link_name, NULL);

    subdir = g_build_filename (folder, dir_name, NULL);
    cr_assert_eq (g_mkdir (subdir, 0700), 0);
    cr_assert_eq (symlink (db_path, link), 0);
  }

  cr_assert (stk_backup_auto (store, folder, 4, NULL, &path, &pruned, &error), "%s",
             error ? error->message : "");
  made = g_path_get_basename (path);

  /* Kept: the new one and the three newest others (days 6, 5, 4). */
  {
    g_autofree char *d4 = auto_name (4, "");
    g_autofree char *d5 = auto_name (5, "");
    g_autofree char *d6 = auto_name (6, "");
    g_autofree char *d1l = auto_name (1, "-7");
    g_autofree char *d2d = auto_name (2, "-5");
    g_autoptr(GPtrArray) all = g_ptr_array_new ();

    g_ptr_array_add (all, d1l);
    g_ptr_array_add (all, d2d);
    g_ptr_array_add (all, d4);
    g_ptr_array_add (all, d5);
    g_ptr_array_add (all, d6);
    g_ptr_array_add (all, made);
    for (guint i = 0; i < G_N_ELEMENTS (foreign); i++)
      g_ptr_array_add (all, (gpointer) foreign[i]);
    g_ptr_array_sort (all, compare_names);
    g_ptr_array_add (all, NULL);
    expected = g_strjoinv (" ", (char **) all->pdata);
  }
  names = folder_names (folder);
  cr_assert_str_eq (names, expected);

  /* What went: days 1, 2, 3 and 3-2, newest first. */
  cr_assert_eq (g_strv_length (pruned), 4);
  {
    g_autofree char *first = g_path_get_basename (pruned[0]);
    g_autofree char *want = auto_name (3, "-2");

    cr_assert_str_eq (first, want);
  }

  /* keep 1: only the new one stays, even when older ones exist. */
  g_clear_pointer (&pruned, g_strfreev);
  {
    g_autofree char *latest = NULL;
    g_autoptr(GPtrArray) list = NULL;

    cr_assert (stk_backup_auto (store, folder, 1, NULL, &latest, &pruned, &error), "%s",
               error ? error->message : "");
    cr_assert_eq (g_strv_length (pruned), 4);
    cr_assert (g_file_test (latest, G_FILE_TEST_IS_REGULAR));
    list = stk_backup_list (folder, db_path, &error);
    cr_assert_not_null (list, "%s", error ? error->message : "");
    cr_assert_eq (list->len, 1);
    cr_assert_str_eq (((StkBackupEntry *) list->pdata[0])->path, latest);
  }
  for (guint i = 0; i < G_N_ELEMENTS (foreign); i++)
    {
      g_autofree char *p = g_build_filename (folder, foreign[i], NULL);

      cr_assert (g_file_test (p, G_FILE_TEST_IS_REGULAR), "%s is still there", foreign[i]);
    }
  cr_assert (g_file_test (subdir, G_FILE_TEST_IS_DIR));
}

static gboolean
failing_verify (const char  *path,
                GPtrArray  **problems,
                GError     **error)
{
  cr_assert (g_file_test (path, G_FILE_TEST_IS_REGULAR), "the copy is checked where it was made");
  *problems = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (*problems, g_strdup ("row 1 missing from index"));
  return TRUE;
}

static gboolean
foreign_verify (const char  *path,
                GPtrArray  **problems,
                GError     **error)
{
  (void) path;
  (void) problems;
  g_set_error (error, STK_ERROR, STK_ERROR_NOT_INVENTORY, "not a Stocktake inventory");
  return FALSE;
}

Test (backups, a_copy_that_fails_its_check_leaves_nothing)
{
  g_autoptr(StkStore) store = small_inventory (g_get_real_time ());
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *old = auto_name (1, "");

  cr_assert_eq (g_mkdir (folder, 0700), 0);
  touch (old);

  stk_backup_verify_file = failing_verify;
  cr_assert_not (stk_backup_auto (store, folder, 1, NULL, &path, NULL, &error));
  cr_assert_null (path);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CORRUPT), "%s", error->message);
  cr_assert (strstr (error->message, "did not pass its check") != NULL, "%s", error->message);
  {
    g_autofree char *names = folder_names (folder);

    cr_assert_str_eq (names, old, "nothing new, and nothing pruned");
  }

  g_clear_error (&error);
  stk_backup_verify_file = foreign_verify;
  cr_assert_not (stk_backup_auto (store, folder, 1, NULL, &path, NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_INVENTORY), "%s", error->message);
  {
    g_autofree char *names = folder_names (folder);

    cr_assert_str_eq (names, old);
  }
}

static int
enospc_fsync (int fd)
{
  (void) fd;
  errno = ENOSPC;
  return -1;
}

Test (backups, a_full_disk_leaves_nothing)
{
  g_autoptr(StkStore) store = small_inventory (g_get_real_time ());
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;

  stk_seams.fsync = enospc_fsync;
  cr_assert_not (stk_backup_auto (store, folder, 14, NULL, NULL, NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NO_SPACE), "%s", error->message);
  cr_assert (strstr (error->message, "the disk is full") != NULL, "%s", error->message);
  names = folder_names (folder);
  cr_assert_str_eq (names, "");
}

Test (backups, a_read_only_folder_is_a_clear_error)
{
  g_autoptr(StkStore) store = small_inventory (g_get_real_time ());
  g_autoptr(GError) error = NULL;
  g_autofree char *inside = NULL;

  if (geteuid () != 0)
    cr_skip_test ("needs root to make a folder that nobody may write");
  cr_assert_eq (g_chmod (tmpdir, 0755), 0);
  cr_assert_eq (g_mkdir (folder, 0555), 0);
  inside = g_build_filename (folder, "more", NULL);
  stk_test_drop_privileges ();

  cr_assert_not (stk_backup_auto (store, folder, 14, NULL, NULL, NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);
  cr_assert (strstr (error->message, "read-only") != NULL, "%s", error->message);
  {
    g_autofree char *names = folder_names (folder);

    cr_assert_str_eq (names, "");
  }

  /* A folder to create in a read-only one. */
  g_clear_error (&error);
  cr_assert_not (stk_backup_auto (store, inside, 14, NULL, NULL, NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);
  cr_assert (g_str_has_prefix (error->message, "Cannot create the backup folder"), "%s",
             error->message);
}

Test (backups, list_reads_each_backups_own_figures)
{
  gint64 sale_us = (g_get_real_time () / G_USEC_PER_SEC - 3600) * G_USEC_PER_SEC;
  g_autoptr(StkStore) store = small_inventory (sale_us);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *damaged = auto_name (1, "");
  StkBackupEntry *e;

  cr_assert (stk_backup_auto (store, folder, 14, NULL, &first, NULL, &error), "%s",
             error ? error->message : "");

  /* One more item and sale, then a second backup. */
  {
    StkWriter *writer = stk_test_open_writer (db_path);

    stk_test_submit (writer, stk_op_create_item ("C-3", "Third", 500, 0));
    stk_test_submit (writer, stk_op_record_movement ("C-3", STK_MOVEMENT_RECEIVE, 5, "", 0));
    stk_test_submit (writer, stk_op_record_sale ("C-3", 1, -1, sale_us + G_USEC_PER_SEC));
    stk_test_close_writer (writer);
  }
  cr_assert (stk_backup_auto (store, folder, 14, NULL, &second, NULL, &error), "%s",
             error ? error->message : "");
  touch (damaged);

  list = stk_backup_list (folder, db_path, &error);
  cr_assert_not_null (list, "%s", error ? error->message : "");
  cr_assert_eq (list->len, 3, "the damaged one is listed too");

  e = list->pdata[0];
  cr_assert_str_eq (e->path, second);
  cr_assert_not (e->damaged, "%s", e->problem);
  cr_assert_eq (e->items, 3);
  cr_assert_eq (e->sales, 3);
  cr_assert_eq (e->last_sale_us, sale_us + G_USEC_PER_SEC);
  cr_assert_gt (e->size, 0);

  e = list->pdata[1];
  cr_assert_str_eq (e->path, first);
  cr_assert_not (e->damaged, "%s", e->problem);
  cr_assert_eq (e->items, 2);
  cr_assert_eq (e->sales, 2);
  cr_assert_eq (e->last_sale_us, sale_us);
  cr_assert_geq (((StkBackupEntry *) list->pdata[0])->made_us, e->made_us);

  e = list->pdata[2];
  cr_assert (g_str_has_suffix (e->path, damaged));
  cr_assert (e->damaged);
  cr_assert_not_null (e->problem);
  cr_assert_eq (e->items, 0);

  /* Reading them changed nothing in the folder. */
  {
    g_autofree char *names = folder_names (folder);

    cr_assert_null (strstr (names, "-wal"), "%s", names);
    cr_assert_null (strstr (names, "-shm"), "%s", names);
  }

  /* A missing folder holds none; another inventory has none here. */
  {
    g_autofree char *missing = g_build_filename (tmpdir, "nowhere", NULL);
    g_autoptr(GPtrArray) none = stk_backup_list (missing, db_path, &error);
    g_autoptr(GPtrArray) other = stk_backup_list (folder, "/else/where/shop.db", &error);

    cr_assert_not_null (none);
    cr_assert_eq (none->len, 0);
    cr_assert_not_null (other);
    cr_assert_eq (other->len, 0);
  }
}
