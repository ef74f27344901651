/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests that kill the mutants a full run of build-aux/mutate.py left alive (issue 20,
 * second round): an op failing with STK_ERROR_FAILED inside a batch fails alone and
 * the batch commits once; a new name below a folder nobody may enter is read-only,
 * not "a file"; an inventory cut by a whole page is refused untouched; an export or a
 * backup onto a folder is refused up front with one sentence, leaving the folder as
 * it was and no temporary file. */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-output.h"
#include "stk-ops.h"
#include "stk-store.h"
#include "stk-transfer.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

TestSuite (survivors2, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

/* ---- writer-rule-error-fails-batch: STK_ERROR_FAILED fails one op, not its batch ---- */

/* No op of the inventory raises STK_ERROR_FAILED itself: an op gets it from
 * stk_db_set_error() for an SQLite error that is not busy, I/O, full disk, damage or a
 * constraint — here SQLITE_ERROR from the checked arithmetic (stk_mul) refusing an
 * amount it cannot compute exactly. It writes first, so its savepoint has something to
 * roll back. */
static gboolean
apply_write_then_overflow (StkOp    *op,
                           sqlite3  *db,
                           gpointer  user_data,
                           GError  **error)
{
  gint64 value = 0;

  if (stk_sqlite_insert_item (db, user_data, "overflow", 100, 0, FALSE, error) == 0)
    return FALSE;
  return stk_db_query_int64 (db, "SELECT stk_mul (9223372036854775807, 2)", &value, error);
}

/* Counts its applications: an op of a batch that commits runs once. */
static gboolean
apply_counted (StkOp    *op,
               sqlite3  *db,
               gpointer  user_data,
               GError  **error)
{
  g_atomic_int_inc ((gint *) user_data);
  return TRUE;
}

typedef struct
{
  guint    done;
  guint    expected;
  gboolean all_done;
  GError  *errors[8];
} Done;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Done *d = user_data;

  stk_writer_submit_finish (STK_WRITER (object), result, &d->errors[d->done]);
  if (++d->done == d->expected)
    d->all_done = TRUE;
}

Test (survivors2, op_failing_with_a_plain_sqlite_error_fails_alone_and_its_batch_commits_once)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  gint counted = 0;
  g_autoptr(StkOp) before = stk_op_create_item ("BEFORE", "", 1, 0);
  g_autoptr(StkOp) bad = stk_sqlite_op_new ("overflow", STK_CHANGE_ITEMS, apply_write_then_overflow,
                                     g_strdup ("BAD"), g_free);
  g_autoptr(StkOp) count = stk_sqlite_op_new ("counted", STK_CHANGE_NONE, apply_counted, &counted, NULL);
  g_autoptr(StkOp) after = stk_op_create_item ("AFTER", "", 2, 0);
  StkWriterFigures f0, f1;
  Done d = { .expected = 5 };
  StkTestGate gate;
  StkOp *gop;

  cr_assert_eq (stk_op_get_flags (bad) & (STK_OP_FLAG_ATOMIC | STK_OP_FLAG_STANDALONE), 0,
                "the op under test runs in a savepoint of the batch");
  stk_test_gate_init (&gate);
  gop = stk_test_gate_op (&gate);
  stk_writer_get_figures (writer, &f0);
  stk_writer_submit (writer, gop, NULL, done_cb, &d);
  stk_test_gate_wait_started (&gate);
  stk_writer_submit (writer, before, NULL, done_cb, &d);
  stk_writer_submit (writer, bad, NULL, done_cb, &d);
  stk_writer_submit (writer, count, NULL, done_cb, &d);
  stk_writer_submit (writer, after, NULL, done_cb, &d);
  stk_test_gate_release (&gate);
  cr_assert (stk_test_wait_for (&d.all_done, 30000));
  stk_writer_get_figures (writer, &f1);

  /* The failing op's own outcome. */
  cr_assert (g_error_matches (d.errors[2], STK_ERROR, STK_ERROR_FAILED), "%s",
             d.errors[2] ? d.errors[2]->message : "no error");
  cr_assert (strstr (d.errors[2]->message, "cannot be computed exactly") != NULL, "%s",
             d.errors[2]->message);
  cr_assert_null (d.errors[1]);
  cr_assert_null (d.errors[3]);
  cr_assert_null (d.errors[4]);

  /* The others committed together, in one transaction, each applied once: the
   * failure was not taken for a fault of the batch, which would roll it all back
   * and run every op again on its own. */
  cr_assert_eq (f1.batches - f0.batches, 2, "the gate, then one batch of four (got %" G_GUINT64_FORMAT ")",
                f1.batches - f0.batches);
  cr_assert_eq (f1.max_batch, 4);
  cr_assert_eq (g_atomic_int_get (&counted), 1, "the op beside it ran once, not %d times",
                g_atomic_int_get (&counted));
  cr_assert_eq (f1.failed - f0.failed, 1);
  stk_test_close_writer (writer);

  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'BAD'"), 0,
                "the failed op's item was rolled back");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM applied_ops WHERE kind = 'overflow'"),
                0, "a failed op leaves no record, so it may be submitted again");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM applied_ops"), 4);
  for (guint i = 0; i < G_N_ELEMENTS (d.errors); i++)
    g_clear_error (&d.errors[i]);
  stk_op_unref (gop);
  stk_test_gate_clear (&gate);
}

/* ---- db-stat-eacces (removed): a folder that may not be looked at ---- */

/* stk_db_check_file() resolves the path (stk-identity.c) before its own stat(), so a
 * folder nobody may enter is reported by the resolution; the one case it got wrong is
 * a new name relative to a current folder whose parent may not be entered: getcwd()
 * still gives the real path, but the folder cannot be looked at by it, and it was
 * called a file. Runs as nobody in a child process, so that the test's own (root)
 * process cleans up. */
static int
check_new_name_from_below_a_closed_folder (const char *sub)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autofree char *expected = NULL;
  gboolean exists = TRUE;

  if (chdir (sub) != 0)
    return 10;
  stk_test_drop_privileges ();
  expected = g_strdup_printf ("Cannot open “%s”: %s.", sub, g_strerror (EACCES));
  if (stk_db_check_file ("new.db", &exists, &error) || exists ||
      !g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY) ||
      g_strcmp0 (error->message, expected) != 0)
    {
      g_printerr ("check_file: %s\n", error ? error->message : "accepted");
      return 11;
    }
  if (stk_output_check_target ("new.csv", NULL, STK_OUTPUT_NONE, &error2) ||
      !g_error_matches (error2, STK_ERROR, STK_ERROR_READ_ONLY) ||
      g_strcmp0 (error2->message, expected) != 0)
    {
      g_printerr ("output: %s\n", error2 ? error2->message : "accepted");
      return 12;
    }
  return 0;
}

Test (survivors2, new_name_below_a_folder_nobody_may_enter_is_read_only_not_a_file)
{
  g_autofree char *secret = g_build_filename (tmpdir, "secret", NULL);
  g_autofree char *sub = g_build_filename (secret, "sub", NULL);
  g_autofree char *new_db = NULL;
  int status = 0;
  pid_t pid;

  if (geteuid () != 0)
    cr_skip_test ("needs root to make a folder that nobody may enter");
  cr_assert_eq (g_mkdir (secret, 0700), 0);
  cr_assert_eq (g_mkdir (sub, 0777), 0);
  cr_assert_eq (g_chmod (sub, 0777), 0);

  pid = fork ();
  cr_assert_geq (pid, 0);
  if (pid == 0)
    _exit (check_new_name_from_below_a_closed_folder (sub));
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0,
             "the child (as nobody) says %d (see its message above)", WEXITSTATUS (status));
  new_db = g_build_filename (sub, "new.db", NULL);
  cr_assert_not (g_file_test (new_db, G_FILE_TEST_EXISTS));
}

/* ---- db-truncated: a file holding fewer pages than its header says ---- */

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

Test (survivors2, inventory_cut_by_one_whole_page_is_refused_untouched)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GBytes) cut = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GError) error3 = NULL;
  g_autoptr(GError) error4 = NULL;
  g_autoptr(StkWriter) refused = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *expected = NULL;
  const guint8 *header;
  guint32 page_size, pages;
  gsize size;
  gboolean exists = FALSE;

  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *code = g_strdup_printf ("CUT-%05u", i);
      stk_test_submit (writer, stk_op_create_item (code, "a description long enough to fill pages",
                                                   i, 1));
    }
  stk_test_close_writer (writer);
  cr_assert_not (g_file_test (wal, G_FILE_TEST_EXISTS), "closing left no write-ahead log");

  whole = stk_test_read_bytes (db_path);
  header = g_bytes_get_data (whole, &size);
  page_size = ((guint32) header[16] << 8) | header[17];
  pages = be32 (header + 28);
  cr_assert_eq (be32 (header + 92), be32 (header + 24), "the header's page count is valid");
  cr_assert_eq ((guint64) size, (guint64) pages * page_size, "a whole file to start with");
  cr_assert_geq (pages, 10, "a file of ten pages or more (%u)", pages);

  /* One whole page short: its size is still a multiple of the page size. */
  cr_assert (g_file_set_contents (db_path, (const char *) header, size - page_size, NULL));
  cut = stk_test_read_bytes (db_path);
  expected = g_strdup_printf ("is truncated: it should hold %u pages but holds %u.", pages,
                              pages - 1);

  cr_assert_not (stk_db_check_file (db_path, &exists, &error));
  cr_assert (exists);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CORRUPT), "%s",
             error ? error->message : "no error");
  cr_assert (g_str_has_suffix (error->message, expected), "%s", error->message);

  refused = stk_writer_new (db_path, &error2);
  cr_assert_null (refused);
  cr_assert (g_error_matches (error2, STK_ERROR, STK_ERROR_CORRUPT));
  cr_assert (g_str_has_suffix (error2->message, expected), "%s", error2->message);

  store = stk_store_new (db_path, &error3);
  cr_assert_null (store);
  cr_assert (g_error_matches (error3, STK_ERROR, STK_ERROR_CORRUPT));

  cr_assert_not (stk_verify_file (db_path, &problems, &error4));
  cr_assert (g_error_matches (error4, STK_ERROR, STK_ERROR_CORRUPT));

  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (cut, after), "the file was changed");
  cr_assert_not (g_file_test (wal, G_FILE_TEST_EXISTS), "a -wal file was created");
  cr_assert_not (g_file_test (shm, G_FILE_TEST_EXISTS), "a -shm file was created");
}

/* ---- output-is-dir: an export or a backup onto a folder ---- */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* The names in @dir, sorted, joined by "|". */
static char *
list_folder (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  cr_assert_not_null (d, "%s can be listed", dir);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **) names->pdata);
}

typedef enum
{
  OUTPUT_EXPORT,
  OUTPUT_BACKUP,
  OUTPUT_BACKUP_REPLACE,
} OutputKind;

static void
assert_folder_refused (OutputKind kind)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autofree char *parent = g_build_filename (tmpdir, "exports", NULL);
  g_autofree char *target = g_build_filename (parent, "out.csv", NULL);
  g_autofree char *inside = g_build_filename (target, "keep.txt", NULL);
  g_autofree char *expected = g_strdup_printf ("Cannot write “%s”: it is a folder.", target);
  g_autofree char *listing = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st0, st1;
  gboolean ok = FALSE;

  stk_test_submit (writer, stk_op_create_item ("ONE", "", 100, 0));
  stk_test_close_writer (writer);
  store = stk_test_open_store (db_path);

  cr_assert_eq (g_mkdir_with_parents (target, 0755), 0);
  cr_assert (g_file_set_contents (inside, "kept\n", -1, NULL));
  cr_assert_eq (g_stat (target, &st0), 0);

  switch (kind)
    {
    case OUTPUT_EXPORT:
      ok = stk_export_file (store, STK_TABLE_SKUS, target, NULL, NULL, NULL, NULL, &error);
      break;
    case OUTPUT_BACKUP:
      ok = stk_store_backup (store, target, &error);
      break;
    case OUTPUT_BACKUP_REPLACE:
      ok = stk_store_backup_full (store, target, STK_OUTPUT_REPLACE, NULL, &error);
      break;
    }

  cr_assert_not (ok);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s (%d)",
             error ? error->message : "no error", error ? error->code : -1);
  cr_assert_str_eq (error->message, expected);

  /* The folder is as it was, and nothing was left beside it. */
  cr_assert_eq (g_stat (target, &st1), 0);
  cr_assert (S_ISDIR (st1.st_mode));
  cr_assert_eq (st1.st_mode, st0.st_mode);
  cr_assert_eq (st1.st_ino, st0.st_ino);
  listing = list_folder (target);
  cr_assert_str_eq (listing, "keep.txt");
  cr_assert (g_file_get_contents (inside, &contents, NULL, NULL));
  cr_assert_str_eq (contents, "kept\n");
  g_clear_pointer (&listing, g_free);
  listing = list_folder (parent);
  cr_assert_str_eq (listing, "out.csv", "no temporary (" STK_OUTPUT_TEMP_MARKER ") file is left");
}

Test (survivors2, export_onto_a_folder_is_refused_up_front)
{
  assert_folder_refused (OUTPUT_EXPORT);
}

Test (survivors2, backup_onto_a_folder_is_refused_up_front)
{
  assert_folder_refused (OUTPUT_BACKUP);
}

Test (survivors2, backup_replacing_a_folder_is_refused_up_front)
{
  assert_folder_refused (OUTPUT_BACKUP_REPLACE);
}
