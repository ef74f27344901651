/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The long operations and the automatic backups (data/stk-jobs.c, data/stk-backups.c,
 * data/stk-store.c) on the paths the other suites leave out (issue 20, branch coverage
 * of data/): a restore in the background, with and without the safety copy's name,
 * cancelled first or of a backup that is not there; a generate and a check cancelled
 * first; the backups' list in the background; the names that are and are not automatic
 * backups; backup folders that cannot be made or read; a backup file that is not
 * there or cannot be read; and the bad arguments of these entry points. */
#include "config.h"

#include <unistd.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "stk-backups.h"
#include "stk-error.h"
#include "stk-jobs.h"
#include "stk-ops.h"
#include "stk-transfer.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

#define WAIT_MS 60000

/* A cancellable of the caller's own type (GCancellable is derivable). */
#define TEST_TYPE_CANCELLABLE (test_cancellable_get_type ())
G_DECLARE_FINAL_TYPE (TestCancellable, test_cancellable, TEST, CANCELLABLE, GCancellable)

struct _TestCancellable
{
  GCancellable parent_instance;
};

G_DEFINE_FINAL_TYPE (TestCancellable, test_cancellable, G_TYPE_CANCELLABLE)

static void
test_cancellable_class_init (TestCancellableClass *klass)
{
}

static void
test_cancellable_init (TestCancellable *self)
{
}

static void
setup (void)
{
  StkWriter *writer;

  stk_test_fixture_setup ();
  writer = stk_test_open_writer (db_path);
  stk_test_submit (writer, stk_op_create_item ("J-1", "Jar", 120, 0));
  stk_test_close_writer (writer);
}

TestSuite (cov_jobs, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 120);

typedef struct
{
  GAsyncResult *result;
  guint         calls;
} Answer;

static void
answer_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Answer *a = user_data;

  a->calls++;
  g_set_object (&a->result, result);
}

static GAsyncResult *
wait_answer (Answer *a)
{
  cr_assert (STK_TEST_WAIT_UNTIL (a->calls > 0, WAIT_MS), "no answer");
  cr_assert (stk_test_drain ());
  cr_assert_eq (a->calls, 1, "answered %u times", a->calls);
  return a->result;
}

static void
answer_clear (Answer *a)
{
  g_clear_object (&a->result);
  a->calls = 0;
}

static GString *criticals;

#define REFUSED(call, failure, check)                                                     \
  G_STMT_START {                                                                         \
    gsize _before = criticals->len;                                                      \
    cr_assert_eq ((call), (failure), "%s did not return its failure value", #call);      \
    cr_assert_gt (criticals->len, _before, "%s: no critical", #call);                    \
    cr_assert (strstr (criticals->str + _before, check) != NULL,                         \
               "%s: the critical does not name %s: %s", #call, check,                    \
               criticals->str + _before);                                                \
  } G_STMT_END

#define REFUSED_VOID(call, check)                                                         \
  G_STMT_START {                                                                         \
    gsize _before = criticals->len;                                                      \
    call;                                                                                \
    cr_assert_gt (criticals->len, _before, "%s: no critical", #call);                    \
    cr_assert (strstr (criticals->str + _before, check) != NULL,                         \
               "%s: the critical does not name %s: %s", #call, check,                    \
               criticals->str + _before);                                                \
  } G_STMT_END

static void
criticals_start (void)
{
  criticals = g_string_new (NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL);
}

static void
criticals_stop (void)
{
  g_string_free (criticals, TRUE);
  criticals = NULL;
}

static gint64
n_items (void)
{
  return stk_test_query (db_path, "SELECT count(*) FROM items");
}

/* A backup of the inventory as it is now, then one more item in the inventory. */
static char *
backup_then_add (StkWriter *writer,
                 StkStore  *store)
{
  g_autoptr(GError) error = NULL;
  char *backup = g_build_filename (tmpdir, "before.db", NULL);

  cr_assert (stk_store_backup_full (store, backup, STK_OUTPUT_NONE, NULL, &error), "%s",
             error ? error->message : "");
  stk_test_submit (writer, stk_op_create_item ("J-2", "Jug", 300, 0));
  cr_assert_eq (n_items (), 2);
  return backup;
}

/* ---- restore ------------------------------------------------------------------------ */

Test (cov_jobs, a_restore_in_the_background_puts_the_backup_back_and_names_its_safety_copy)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_object_new (TEST_TYPE_CANCELLABLE, NULL);
  g_autofree char *backup = backup_then_add (writer, store);
  g_autofree char *safety = NULL;
  g_autoptr(GError) error = NULL;
  Answer a = { 0 };

  stk_restore_async (writer, store, backup, cancellable, answer_cb, &a);
  cr_assert (stk_restore_finish (writer, wait_answer (&a), &safety, &error), "%s",
             error ? error->message : "");
  answer_clear (&a);
  cr_assert_eq (n_items (), 1, "the backup's one item");
  cr_assert_not_null (safety);
  cr_assert (g_file_test (safety, G_FILE_TEST_IS_REGULAR), "%s", safety);
  cr_assert_eq (stk_test_query (safety, "SELECT count(*) FROM items"), 2,
                "the safety copy is the inventory as it was");

  /* Again, nobody asking for the safety copy's name. */
  stk_test_submit (writer, stk_op_create_item ("J-3", "Jam", 300, 0));
  stk_restore_async (writer, store, backup, NULL, answer_cb, &a);
  cr_assert (stk_restore_finish (writer, wait_answer (&a), NULL, &error), "%s",
             error ? error->message : "");
  answer_clear (&a);
  cr_assert_eq (n_items (), 1);
  cr_assert (stk_test_wait_refs (writer, 1, WAIT_MS), "the restore still holds the writer");
}

Test (cov_jobs, a_restore_cancelled_first_restores_nothing)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *backup = backup_then_add (writer, store);
  g_autofree char *safety = NULL;
  g_autoptr(GError) error = NULL;
  Answer a = { 0 };

  g_cancellable_cancel (cancellable);
  stk_restore_async (writer, store, backup, cancellable, answer_cb, &a);
  cr_assert_not (stk_restore_finish (writer, wait_answer (&a), &safety, &error));
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s", error->message);
  cr_assert (stk_job_was_cancelled (a.result));
  answer_clear (&a);
  cr_assert_null (safety, "no safety copy named");
  cr_assert_eq (n_items (), 2, "the inventory as it was");
}

Test (cov_jobs, a_restore_of_a_backup_that_is_not_there_changes_nothing)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autofree char *missing = g_build_filename (tmpdir, "missing.db", NULL);
  g_autofree char *safety = NULL;
  g_autoptr(GError) error = NULL;
  Answer a = { 0 };

  stk_restore_async (writer, store, missing, NULL, answer_cb, &a);
  cr_assert_not (stk_restore_finish (writer, wait_answer (&a), &safety, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  cr_assert_not (stk_job_was_cancelled (a.result));
  answer_clear (&a);
  cr_assert_null (safety);
  cr_assert_eq (n_items (), 1);
}

/* ---- generate and verify cancelled first ---------------------------------------------- */

Test (cov_jobs, a_generate_and_a_check_cancelled_first_do_nothing)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_object_new (TEST_TYPE_CANCELLABLE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  Answer a = { 0 };

  g_cancellable_cancel (cancellable);
  stk_generate_async (writer, 50, 50, 7, cancellable, NULL, NULL, answer_cb, &a);
  cr_assert_not (stk_generate_finish (writer, wait_answer (&a), &error));
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s", error->message);
  g_clear_error (&error);
  answer_clear (&a);
  cr_assert_eq (n_items (), 1, "nothing generated");

  stk_store_verify_async (store, cancellable, NULL, NULL, answer_cb, &a);
  problems = stk_store_verify_finish (store, wait_answer (&a), &error);
  cr_assert_null (problems);
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s", error->message);
  answer_clear (&a);
}

Test (cov_jobs, a_check_with_a_cancellable_of_the_caller_s_own_type_finds_nothing_wrong)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_object_new (TEST_TYPE_CANCELLABLE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  Answer a = { 0 };

  stk_store_verify_async (store, cancellable, NULL, NULL, answer_cb, &a);
  problems = stk_store_verify_finish (store, wait_answer (&a), &error);
  cr_assert_not_null (problems, "%s", error ? error->message : "");
  cr_assert_eq (problems->len, 0);
  answer_clear (&a);
}

/* ---- exports that have nowhere to go --------------------------------------------------- */

Test (cov_jobs, an_export_in_the_background_that_fails_counts_no_row)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_object_new (TEST_TYPE_CANCELLABLE, NULL);
  g_autofree char *nowhere = g_build_filename (tmpdir, "no-such-folder", "items.csv", NULL);
  g_autofree char *file = g_build_filename (tmpdir, "plain-file", NULL);
  g_autofree char *under_file = g_build_filename (file, "all", NULL);
  g_autoptr(GError) error = NULL;
  guint64 rows = 99;
  Answer a = { 0 };

  stk_export_file_async (store, STK_TABLE_SKUS, nowhere, cancellable, NULL, NULL, answer_cb, &a);
  cr_assert_not (stk_export_file_finish (store, wait_answer (&a), &rows, &error));
  cr_assert_eq (error->domain, STK_ERROR, "%s", error->message);
  cr_assert_eq (rows, 0, "a failed export counts no row");
  cr_assert_not (g_file_test (nowhere, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  answer_clear (&a);

  cr_assert (g_file_set_contents (file, "not a folder\n", -1, NULL));
  rows = 99;
  stk_export_all_async (store, under_file, cancellable, NULL, NULL, answer_cb, &a);
  cr_assert_not (stk_export_all_finish (store, wait_answer (&a), &rows, &error));
  cr_assert_eq (error->domain, STK_ERROR, "%s", error->message);
  cr_assert_eq (rows, 0, "a failed export counts no row");
  answer_clear (&a);
  {
    g_autofree char *contents = NULL;

    cr_assert (g_file_get_contents (file, &contents, NULL, NULL));
    cr_assert_str_eq (contents, "not a folder\n", "the file in the way is untouched");
  }
}

Test (cov_jobs, an_import_of_everything_takes_a_cancellable_of_the_caller_s_own_type)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_object_new (TEST_TYPE_CANCELLABLE, NULL);
  g_autofree char *dir = g_build_filename (tmpdir, "all", NULL);
  g_autofree char *other = g_build_filename (tmpdir, "other.db", NULL);
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  StkImportReport report = { 0 };
  guint64 rows = 0;
  Answer a = { 0 };

  stk_export_all_async (store, dir, cancellable, NULL, NULL, answer_cb, &a);
  cr_assert (stk_export_all_finish (store, wait_answer (&a), &rows, &error), "%s",
             error ? error->message : "");
  cr_assert_gt (rows, 0);
  answer_clear (&a);

  writer = stk_test_open_writer (other);
  stk_import_all_async (writer, dir, cancellable, NULL, NULL, answer_cb, &a);
  cr_assert (stk_import_all_finish (writer, wait_answer (&a), &report, &error), "%s",
             error ? error->message : "");
  answer_clear (&a);
  cr_assert_eq (report.imported, 1, "the one item");
  stk_import_report_clear (&report);
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (stk_test_query (other, "SELECT count(*) FROM items WHERE code = 'J-1'"), 1);
}

/* ---- the automatic backups' list -------------------------------------------------------- */

static char *
auto_backup (StkStore   *store,
             const char *folder)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) pruned = NULL;
  char *path = NULL;

  cr_assert (stk_backup_auto (store, folder, 5, NULL, &path, &pruned, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (g_strv_length (pruned), 0);
  return path;
}

Test (cov_jobs, the_backups_list_in_the_background_is_newest_first_and_only_backups)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_object_new (TEST_TYPE_CANCELLABLE, NULL);
  g_autofree char *folder = g_build_filename (tmpdir, "backups", NULL);
  g_autofree char *made = auto_backup (store, folder);
  g_autofree char *made_name = g_path_get_basename (made);
  g_autofree char *second = NULL;
  g_autofree char *a_folder = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  StkBackupEntry *e0, *e1;
  char *dot;
  Answer a = { 0 };

  /* The same second's second backup ("-2"), and a folder named like a third. */
  second = g_strdup (made);
  dot = strrchr (second, '.');
  *dot = '\0';
  a_folder = g_strconcat (second, "-3.db", NULL);
  {
    g_autofree char *tmp = g_strconcat (second, "-2.db", NULL);

    g_free (second);
    second = g_steal_pointer (&tmp);
  }
  {
    g_autofree char *contents = NULL;
    gsize len = 0;

    cr_assert (g_file_get_contents (made, &contents, &len, NULL));
    cr_assert (g_file_set_contents (second, contents, len, NULL));
  }
  cr_assert_eq (g_mkdir (a_folder, 0700), 0);

  stk_backup_list_async (folder, db_path, cancellable, answer_cb, &a);
  entries = stk_backup_list_finish (wait_answer (&a), &error);
  cr_assert_not_null (entries, "%s", error ? error->message : "");
  answer_clear (&a);
  cr_assert_eq (entries->len, 2, "two backups; the folder is not one");
  e0 = g_ptr_array_index (entries, 0);
  e1 = g_ptr_array_index (entries, 1);
  cr_assert_str_eq (e0->path, second, "the second of the same second first");
  cr_assert_str_eq (e1->path, made);
  cr_assert_eq (e0->made_us, e1->made_us);
  cr_assert_not (e0->damaged);
  cr_assert_eq (e0->items, 1);
  cr_assert_eq (e1->items, 1);
  cr_assert_not (stk_backup_due_today (folder, db_path), "%s was made today", made_name);
}

Test (cov_jobs, a_backup_folder_that_is_a_file_cannot_be_listed_or_made)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autofree char *file = g_build_filename (tmpdir, "backups", NULL);
  g_autofree char *under = g_build_filename (file, "deeper", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  Answer a = { 0 };

  cr_assert (g_file_set_contents (file, "a file\n", -1, NULL));

  entries = stk_backup_list (file, db_path, &error);
  cr_assert_null (entries);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
  expected = g_strdup_printf ("Cannot read the backup folder “%s”: ", file);
  cr_assert (g_str_has_prefix (error->message, expected), "%s", error->message);
  g_clear_error (&error);
  cr_assert (stk_backup_due_today (file, db_path), "an unreadable folder: the backup says why");

  stk_backup_list_async (file, db_path, NULL, answer_cb, &a);
  cr_assert_null (stk_backup_list_finish (wait_answer (&a), &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
  g_clear_error (&error);
  answer_clear (&a);

  /* A folder under a file cannot be made. */
  cr_assert_not (stk_backup_auto (store, under, 3, NULL, &path, NULL, &error));
  cr_assert_null (path);
  cr_assert_eq (error->domain, STK_ERROR);
  g_free (expected);
  expected = g_strdup_printf ("Cannot create the backup folder “%s”: ", under);
  cr_assert (g_str_has_prefix (error->message, expected), "%s", error->message);
  g_clear_error (&error);

  stk_backup_auto_async (store, under, 3, NULL, answer_cb, &a);
  cr_assert_null (stk_backup_auto_finish (store, wait_answer (&a), &error));
  cr_assert (g_str_has_prefix (error->message, expected), "%s", error->message);
  answer_clear (&a);
  {
    g_autofree char *contents = NULL;

    cr_assert (g_file_get_contents (file, &contents, NULL, NULL));
    cr_assert_str_eq (contents, "a file\n", "the file in the way is untouched");
  }
}

Test (cov_jobs, an_automatic_backup_in_the_background_is_made_and_verified)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_object_new (TEST_TYPE_CANCELLABLE, NULL);
  g_autofree char *folder = g_build_filename (tmpdir, "auto", NULL);
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GError) error = NULL;
  Answer a = { 0 };

  stk_backup_auto_async (store, folder, 2, cancellable, answer_cb, &a);
  path = stk_backup_auto_finish (store, wait_answer (&a), &error);
  cr_assert_not_null (path, "%s", error ? error->message : "");
  answer_clear (&a);
  base = g_path_get_basename (path);
  cr_assert (stk_backup_parse_name (base, "inventory", NULL, NULL), "%s", base);
  cr_assert_eq (stk_test_query (path, "SELECT count(*) FROM items"), 1);

  /* Without asking for the new file's name, keeping one: the first one goes. */
  cr_assert (stk_backup_auto (store, folder, 1, NULL, NULL, NULL, &error), "%s",
             error ? error->message : "");
  cr_assert_not (g_file_test (path, G_FILE_TEST_EXISTS), "pruned");
}

Test (cov_jobs, a_backup_folder_nobody_may_read_is_a_clear_error)
{
  g_autofree char *folder = g_build_filename (tmpdir, "closed", NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  if (geteuid () != 0)
    cr_skip_test ("needs root to make a folder that nobody may read");
  cr_assert_eq (g_chmod (tmpdir, 0755), 0);
  cr_assert_eq (g_mkdir (folder, 0300), 0);
  stk_test_drop_privileges ();

  entries = stk_backup_list (folder, db_path, &error);
  cr_assert_null (entries);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);
  cr_assert (g_str_has_prefix (error->message, "Cannot read the backup folder"), "%s",
             error->message);
  cr_assert (stk_backup_due_today (folder, db_path), "an unreadable folder: the backup says why");
}

Test (cov_jobs, a_folder_of_older_backups_only_is_due_today)
{
  g_autofree char *folder = g_build_filename (tmpdir, "old", NULL);
  g_autofree char *old = g_build_filename (folder, "inventory-auto-20200101-000000.db", NULL);
  g_autofree char *other = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  cr_assert_eq (g_mkdir (folder, 0700), 0);
  cr_assert (g_file_set_contents (old, "", -1, NULL));
  /* Today's backup of another inventory does not count. */
  other = g_strdup_printf ("%s/shop-auto-%s.db", folder, stamp);
  cr_assert (g_file_set_contents (other, "", -1, NULL));
  cr_assert (stk_backup_due_today (folder, db_path));
}

Test (cov_jobs, the_import_policy_checks_without_an_error_or_an_inventory)
{
  g_autofree char *copy = g_build_filename (tmpdir, "copy.db", NULL);
  g_autofree char *csv = g_build_filename (tmpdir, "skus.csv", NULL);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(StkStore) store = stk_test_open_store (db_path);

    cr_assert (stk_store_backup_full (store, copy, STK_OUTPUT_NONE, NULL, &error), "%s",
               error ? error->message : "");
  }
  cr_assert (g_file_set_contents (csv, "code\nA\n", -1, NULL));

  /* A database is never a CSV file, whatever the inventory. */
  cr_assert_not (stk_import_check_source (copy, FALSE, NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert (strstr (error->message, "it is an SQLite database") != NULL, "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (stk_import_check_source (copy, FALSE, NULL, NULL));
  cr_assert (stk_import_check_source (csv, FALSE, NULL, NULL));
  cr_assert (stk_input_check (csv, FALSE, NULL));
  cr_assert_not (stk_input_check (tmpdir, FALSE, NULL), "a folder is not a file");
}

Test (cov_jobs, finishing_a_job_with_an_error_already_set_is_refused_and_keeps_it)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autofree char *out = g_build_filename (tmpdir, "items.csv", NULL);
  g_autofree char *folder = g_build_filename (tmpdir, "backups", NULL);
  g_autoptr(GError) set = g_error_new_literal (STK_ERROR, STK_ERROR_FAILED, "already set");
  guint64 rows = 5;
  Answer a = { 0 };

  criticals_start ();
  stk_export_file_async (store, STK_TABLE_SKUS, out, NULL, NULL, NULL, answer_cb, &a);
  REFUSED (stk_export_file_finish (store, wait_answer (&a), &rows, &set), FALSE, "*error == NULL");
  cr_assert_eq (rows, 0, "a refused finish counts no row");
  answer_clear (&a);
  stk_store_verify_async (store, NULL, NULL, NULL, answer_cb, &a);
  REFUSED (stk_store_verify_finish (store, wait_answer (&a), &set), NULL, "*error == NULL");
  answer_clear (&a);
  stk_backup_list_async (folder, db_path, NULL, answer_cb, &a);
  REFUSED (stk_backup_list_finish (wait_answer (&a), &set), NULL, "*error == NULL");
  answer_clear (&a);
  cr_assert_str_eq (set->message, "already set", "the error set before is kept");
  criticals_stop ();
}

/* ---- names, folders, files ------------------------------------------------------------- */

Test (cov_jobs, only_names_of_the_inventory_s_automatic_backups_are_backups)
{
  static const struct
  {
    const char *name;
    gboolean    is_backup;
    guint       n;
  } names[] = {
    { "shop-auto-20260102-030405.db", TRUE, 1 },
    { "shop-auto-20260102-030405-2.db", TRUE, 2 },
    { "shop-auto-20260102-030405-123456789.db", TRUE, 123456789 },
    { "shop-auto-20260102-030405-1234567890.db", FALSE, 0 },  /* ten digits */
    { "shop-auto-20260102-030405-1.db", FALSE, 0 },           /* no "-1" */
    { "shop-auto-20260102-030405-02.db", FALSE, 0 },          /* no leading zero */
    { "shop-auto-20260102-030405-.db", FALSE, 0 },
    { "shop-auto-20260102-030405x2.db", FALSE, 0 },
    { "shop-auto-20260102-030405-2x.db", FALSE, 0 },
    { "shop-auto-2026010-0304050.db", FALSE, 0 },
    { "shop-auto-20260102x030405.db", FALSE, 0 },
    { "shop-auto-20260102-03040x.db", FALSE, 0 },
    { "shop-auto-2026010x-030405.db", FALSE, 0 },
    { "shop-auto-20260102-0304.db", FALSE, 0 },               /* too short */
    { "shop-auto-20261302-030405.db", FALSE, 0 },             /* month 13 */
    { "shop-auto-20260102-030405.csv", FALSE, 0 },
    { "shop-manual-20260102-030405.db", FALSE, 0 },
    { "other-auto-20260102-030405.db", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gint64 made = -1;
      guint n = 0;

      cr_assert_eq (stk_backup_parse_name (names[i].name, "shop", &made, &n), names[i].is_backup,
                    "%s", names[i].name);
      if (names[i].is_backup)
        {
          g_autoptr(GDateTime) when = g_date_time_new_local (2026, 1, 2, 3, 4, 5);

          cr_assert_eq (n, names[i].n, "%s", names[i].name);
          cr_assert_eq (made, g_date_time_to_unix (when) * G_USEC_PER_SEC, "%s", names[i].name);
        }
      else
        {
          cr_assert_eq (made, -1, "%s: nothing filled", names[i].name);
          cr_assert_eq (n, 0, "%s: nothing filled", names[i].name);
        }
    }
  /* Nobody asking for the time or the number. */
  cr_assert (stk_backup_parse_name ("shop-auto-20260102-030405-7.db", "shop", NULL, NULL));
}

Test (cov_jobs, the_backup_folder_setting_names_a_folder)
{
  g_autofree char *def = stk_backup_default_folder ();
  g_autofree char *unset = stk_backup_resolve_folder (NULL);
  g_autofree char *empty = stk_backup_resolve_folder ("");
  g_autofree char *home = stk_backup_resolve_folder ("~/Backups/shop");
  g_autofree char *home_expected = g_build_filename (g_get_home_dir (), "Backups/shop", NULL);
  g_autofree char *plain = stk_backup_resolve_folder ("/srv/backups");
  g_autofree char *tilde_user = stk_backup_resolve_folder ("~other/backups");

  cr_assert_str_eq (unset, def);
  cr_assert_str_eq (empty, def);
  cr_assert_str_eq (home, home_expected);
  cr_assert_str_eq (plain, "/srv/backups");
  cr_assert_str_eq (tilde_user, "~other/backups", "only \"~/\" is the home folder");
}

Test (cov_jobs, a_backup_file_that_is_not_there_or_not_readable_is_listed_damaged)
{
  g_autofree char *missing = g_build_filename (tmpdir, "missing.db", NULL);
  g_autofree char *copy = g_build_filename (tmpdir, "copy.db", NULL);
  g_autoptr(StkBackupEntry) gone = NULL;
  g_autoptr(StkBackupEntry) damaged = NULL;

  gone = stk_backup_read (missing);
  cr_assert_str_eq (gone->path, missing);
  cr_assert (gone->damaged);
  cr_assert_not_null (gone->problem);
  cr_assert_eq (gone->size, 0);
  cr_assert_eq (gone->made_us, 0, "no file, no time");
  cr_assert_not (g_file_test (missing, G_FILE_TEST_EXISTS), "nothing was created");

  /* An inventory that opens but whose items cannot be read. */
  {
    g_autoptr(StkStore) store = stk_test_open_store (db_path);
    g_autoptr(GError) error = NULL;

    cr_assert (stk_store_backup_full (store, copy, STK_OUTPUT_NONE, NULL, &error), "%s",
               error ? error->message : "");
  }
  stk_test_damage_items (copy);
  damaged = stk_backup_read (copy);
  cr_assert (damaged->damaged);
  cr_assert_not_null (damaged->problem);
  cr_assert_gt (damaged->size, 0);
  cr_assert_gt (damaged->made_us, 0, "the file's time");
  cr_assert_eq (damaged->items, 0, "no figures");

  stk_backup_entry_free (NULL);
}

/* ---- bad arguments -------------------------------------------------------------------- */

Test (cov_jobs, the_jobs_and_backups_refuse_bad_arguments_without_doing_anything)
{
  g_autoptr(GBytes) before = stk_test_read_bytes (db_path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GObject) not_a_cancellable = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) not_a_task = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkStore) other = stk_test_open_store (db_path);
  g_autoptr(GTask) foreign = g_task_new (other, NULL, NULL, NULL);
  g_autoptr(GTask) sourceless = g_task_new (NULL, NULL, NULL, NULL);
  g_autoptr(GTask) own = g_task_new (store, NULL, NULL, NULL);
  g_autoptr(GError) set = g_error_new_literal (STK_ERROR, STK_ERROR_FAILED, "already set");
  g_autofree char *folder = g_build_filename (tmpdir, "backups", NULL);
  g_autofree char *backup = g_build_filename (tmpdir, "b.db", NULL);
  GCancellable *bad = (GCancellable *) not_a_cancellable;
  StkWriter *writer = NULL;
  char *path = NULL;
  gint64 made = -1;
  Answer a = { 0 };

  criticals = g_string_new (NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL);

  /* The jobs. */
  REFUSED (stk_input_check (db_path, FALSE, &set), FALSE, "*error == NULL");
  REFUSED (stk_import_check_source (db_path, FALSE, NULL, &set), FALSE, "*error == NULL");
  REFUSED (stk_job_was_cancelled ((GAsyncResult *) not_a_task), FALSE, "G_IS_TASK");
  REFUSED (stk_store_verify_finish (store, G_ASYNC_RESULT (foreign), NULL), NULL,
           "g_task_is_valid");
  REFUSED (stk_store_verify_finish (store, G_ASYNC_RESULT (own), NULL), NULL, "source_tag");
  REFUSED (stk_store_backup_finish (store, G_ASYNC_RESULT (own), NULL), FALSE, "source_tag");
  REFUSED_VOID (stk_restore_async (NULL, store, backup, NULL, answer_cb, &a), "STK_IS_WRITER");
  writer = stk_test_open_writer (db_path);
  REFUSED_VOID (stk_restore_async (writer, NULL, backup, NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_restore_async (writer, store, NULL, NULL, answer_cb, &a),
                "backup_path != NULL");
  REFUSED_VOID (stk_restore_async (writer, store, backup, bad, answer_cb, &a),
                "G_IS_CANCELLABLE");
  REFUSED (stk_import_all_finish (writer, G_ASYNC_RESULT (foreign), NULL, NULL), FALSE,
           "g_task_is_valid");
  REFUSED_VOID (stk_backup_list_async (NULL, db_path, NULL, answer_cb, &a), "folder != NULL");
  REFUSED_VOID (stk_backup_list_async (folder, NULL, NULL, answer_cb, &a), "db_path != NULL");
  REFUSED_VOID (stk_backup_list_async (folder, db_path, bad, answer_cb, &a), "G_IS_CANCELLABLE");
  REFUSED (stk_backup_list_finish (G_ASYNC_RESULT (foreign), NULL), NULL, "g_task_is_valid");
  REFUSED (stk_backup_list_finish (G_ASYNC_RESULT (sourceless), NULL), NULL, "source_tag");

  /* The backups. */
  REFUSED (stk_backup_inventory_base (NULL), NULL, "db_path != NULL");
  REFUSED (stk_backup_parse_name (NULL, "shop", &made, NULL), FALSE, "name != NULL");
  REFUSED (stk_backup_parse_name ("shop-auto-20260102-030405.db", NULL, &made, NULL), FALSE,
           "base != NULL");
  cr_assert_eq (made, -1, "a refused call fills nothing");
  REFUSED (stk_backup_auto (NULL, folder, 3, NULL, &path, NULL, NULL), FALSE, "STK_IS_STORE");
  REFUSED (stk_backup_auto (store, NULL, 3, NULL, &path, NULL, NULL), FALSE, "folder != NULL");
  REFUSED (stk_backup_auto (store, "", 3, NULL, &path, NULL, NULL), FALSE, "folder != NULL");
  REFUSED (stk_backup_auto (store, folder, 0, NULL, &path, NULL, NULL), FALSE, "keep >= 1");
  REFUSED (stk_backup_auto (store, folder, 3, bad, &path, NULL, NULL), FALSE, "G_IS_CANCELLABLE");
  REFUSED (stk_backup_auto (store, folder, 3, NULL, &path, NULL, &set), FALSE, "*error == NULL");
  cr_assert_null (path, "a refused backup names no file");
  REFUSED_VOID (stk_backup_auto_async (NULL, folder, 3, NULL, answer_cb, &a), "STK_IS_STORE");
  REFUSED_VOID (stk_backup_auto_async (store, NULL, 3, NULL, answer_cb, &a), "folder != NULL");
  REFUSED_VOID (stk_backup_auto_async (store, "", 3, NULL, answer_cb, &a), "folder != NULL");
  REFUSED_VOID (stk_backup_auto_async (store, folder, 0, NULL, answer_cb, &a), "keep >= 1");
  REFUSED_VOID (stk_backup_auto_async (store, folder, 3, bad, answer_cb, &a), "G_IS_CANCELLABLE");
  REFUSED (stk_backup_auto_finish (NULL, G_ASYNC_RESULT (own), NULL), NULL, "STK_IS_STORE");
  REFUSED (stk_backup_auto_finish (store, G_ASYNC_RESULT (foreign), NULL), NULL,
           "g_task_is_valid");
  REFUSED (stk_backup_auto_finish (store, G_ASYNC_RESULT (own), &set), NULL, "*error == NULL");
  REFUSED (stk_backup_read (NULL), NULL, "path != NULL");
  REFUSED (stk_backup_list (NULL, db_path, NULL), NULL, "folder != NULL");
  REFUSED (stk_backup_list (folder, NULL, NULL), NULL, "db_path != NULL");
  REFUSED (stk_backup_list (folder, db_path, &set), NULL, "*error == NULL");
  REFUSED (stk_backup_due_today (NULL, db_path), TRUE, "folder != NULL");
  REFUSED (stk_backup_due_today (folder, NULL), TRUE, "db_path != NULL");

  /* The store's verified backup. */
  REFUSED (stk_store_backup_verified (NULL, backup, NULL, NULL), FALSE, "STK_IS_STORE");
  REFUSED (stk_store_backup_verified (store, NULL, NULL, NULL), FALSE, "dest_path != NULL");
  REFUSED (stk_store_backup_verified (store, backup, bad, NULL), FALSE, "G_IS_CANCELLABLE");
  REFUSED (stk_store_backup_verified (store, backup, NULL, &set), FALSE, "*error == NULL");

  cr_assert (stk_test_drain ());
  cr_assert_eq (a.calls, 0, "a refused call answered");
  cr_assert_not (g_file_test (folder, G_FILE_TEST_EXISTS), "no backup folder was made");
  cr_assert_not (g_file_test (backup, G_FILE_TEST_EXISTS), "no backup was written");
  cr_assert_eq (stk_writer_get_pending (writer), 0, "nothing was queued");
  stk_test_close_writer (writer);
  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after), "the inventory is byte-for-byte unchanged");
  g_string_free (criticals, TRUE);
  criticals = NULL;
}
