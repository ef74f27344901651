/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The storage core's untaken branches in the files nobody else is changing (issue 20,
 * branch coverage): outputs that would overwrite the inventory through a hard link, its
 * write-ahead log, or another database's log or journal; CSV sources that are the
 * inventory or its log by another name; paths that loop or are too long; money typed
 * with any kind of space in a locale that groups with spaces; and every public entry
 * point refusing a programmer's bad argument with a critical and its documented failure
 * value, never a crash. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <locale.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "stk-code.h"
#include "stk-csv.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-identity.h"
#include "stk-jobs.h"
#include "stk-lock.h"
#include "stk-op.h"
#include "stk-ops.h"
#include "stk-output.h"
#include "stk-seams.h"
#include "stk-session.h"
#include "stk-test-util.h"

static char *tmpdir;
static char *db_path;
static GString *criticals;   /* the criticals logged, one a line */

static void
setup (void)
{
  StkWriter *writer;

  tmpdir = stk_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "inventory.db", NULL);
  writer = stk_test_open_writer (db_path);
  stk_test_close_writer (writer);
  criticals = g_string_new (NULL);
}

static void
teardown (void)
{
  stk_test_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&db_path, g_free);
  if (criticals != NULL)
    g_string_free (criticals, TRUE);
  criticals = NULL;
}

TestSuite (cov_data, .init = setup, .fini = teardown, .timeout = 60);

static char *
in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* --- outputs that would destroy a database ------------------------------------------ */

Test (cov_data, an_output_that_is_the_inventory_by_a_hard_link_is_refused)
{
  g_autofree char *alias = in_tmp ("report.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = stk_test_read_bytes (db_path);
  g_autoptr(GBytes) after = NULL;

  cr_assert_eq (link (db_path, alias), 0, "%s", g_strerror (errno));
  cr_assert_not (stk_output_check_target (alias, db_path, STK_OUTPUT_REPLACE, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_UNSAFE), "%s", error->message);
  cr_assert (strstr (error->message, "it is the inventory itself") != NULL, "%s",
             error->message);
  after = stk_test_read_bytes (db_path);
  cr_assert (g_bytes_equal (before, after));
}

Test (cov_data, an_output_that_is_the_inventory_log_by_a_hard_link_is_refused)
{
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *alias = in_tmp ("notes.txt");
  g_autoptr(GError) error = NULL;
  StkWriter *writer = stk_test_open_writer (db_path);

  /* While the inventory is open its write-ahead log exists. */
  stk_test_submit (writer, stk_op_create_item ("A1", "Apples", 250, 0));
  cr_assert (g_file_test (wal, G_FILE_TEST_IS_REGULAR), "no write-ahead log while open");
  cr_assert_eq (link (wal, alias), 0, "%s", g_strerror (errno));
  cr_assert_not (stk_output_check_target (alias, db_path, STK_OUTPUT_REPLACE, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_UNSAFE), "%s", error->message);
  cr_assert (strstr (error->message, "it belongs to the inventory") != NULL, "%s",
             error->message);

  /* A CSV source by that name is refused the same way, and the inventory by a link. */
  g_clear_error (&error);
  cr_assert_not (stk_import_check_source (alias, FALSE, db_path, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert (strstr (error->message, "it belongs to the inventory") != NULL, "%s",
             error->message);
  stk_test_close_writer (writer);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 1);
}

Test (cov_data, a_csv_source_that_is_the_inventory_by_a_hard_link_is_refused)
{
  g_autofree char *alias = in_tmp ("items.csv");
  g_autoptr(GError) error = NULL;

  cr_assert_eq (link (db_path, alias), 0, "%s", g_strerror (errno));
  cr_assert_not (stk_import_check_source (alias, FALSE, db_path, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert (strstr (error->message, "it is the inventory itself, not a CSV file") != NULL,
             "%s", error->message);
}

Test (cov_data, a_write_ahead_log_or_a_journal_is_never_overwritten)
{
  static const guint8 heads[][8] = {
    { 0x37, 0x7f, 0x06, 0x82, 0, 0x2d, 0xe2, 0x18 },   /* write-ahead log, little-endian */
    { 0x37, 0x7f, 0x06, 0x83, 0, 0x2d, 0xe2, 0x18 },   /* write-ahead log, big-endian */
    { 0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7 }, /* rollback journal */
  };

  for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
    {
      g_autofree char *name = g_strdup_printf ("old-%u.log", i);
      g_autofree char *path = in_tmp (name);
      g_autoptr(GError) error = NULL;
      g_autoptr(StkOutput) output = NULL;
      g_autofree char *contents = NULL;
      gsize length = 0;

      cr_assert (g_file_set_contents (path, (const char *) heads[i], sizeof heads[i], NULL));
      output = stk_output_open (path, db_path, STK_OUTPUT_REPLACE, 0644, &error);
      cr_assert_null (output, "%s was opened for writing", name);
      cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_UNSAFE), "%s", error->message);
      cr_assert (strstr (error->message, "never overwrites a database") != NULL, "%s",
                 error->message);
      cr_assert (g_file_get_contents (path, &contents, &length, NULL));
      cr_assert_eq (length, sizeof heads[i], "%s changed", name);
      cr_assert_eq (memcmp (contents, heads[i], length), 0, "%s changed", name);
    }
}

/* --- inputs that cannot be looked at ----------------------------------------------------- */

Test (cov_data, a_source_that_loops_is_not_there)
{
  g_autofree char *a = in_tmp ("a.csv");
  g_autofree char *b = in_tmp ("b.csv");
  g_autoptr(GError) error = NULL;

  cr_assert_eq (symlink (b, a), 0);
  cr_assert_eq (symlink (a, b), 0);
  cr_assert_not (stk_input_check (a, FALSE, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  cr_assert (strstr (error->message, "there is no such file") != NULL, "%s", error->message);
}

Test (cov_data, a_source_name_too_long_says_why)
{
  g_autofree char *long_name = g_strnfill (300, 'x');
  g_autofree char *path = in_tmp (long_name);
  g_autoptr(GError) error = NULL;

  cr_assert_not (stk_input_check (path, FALSE, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
  cr_assert (strstr (error->message, g_strerror (ENAMETOOLONG)) != NULL, "%s", error->message);
}

/* --- money typed with spaces ---------------------------------------------------------------- */

Test (cov_data, money_grouped_with_any_kind_of_space_reads_in_french)
{
  static const char *const typed[] = {
    "1 234,50",            /* the space bar */
    "1\u00a0234,50",       /* no-break space */
    "1\u202f234,50",       /* narrow no-break space, what glibc's fr_FR writes */
  };
  g_autoptr(GError) error = NULL;

  cr_assert (stk_test_ensure_locale ("fr_FR.UTF-8", &error), "%s",
             error ? error->message : "");
  cr_assert_not_null (setlocale (LC_ALL, "fr_FR.UTF-8"));
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      gint64 cents = 0;
      g_autoptr(GError) parse_error = NULL;

      cr_assert (stk_parse_money (typed[i], &cents, &parse_error), "“%s”: %s", typed[i],
                 parse_error ? parse_error->message : "");
      cr_assert_eq (cents, 123450, "“%s” read as %" G_GINT64_FORMAT, typed[i], cents);
    }
  /* A space where no group can end is still an error. */
  {
    gint64 cents = 0;
    g_autoptr(GError) parse_error = NULL;

    cr_assert_not (stk_parse_money ("12 34,50", &cents, &parse_error));
    cr_assert_not_null (parse_error);
  }
  setlocale (LC_ALL, "C.UTF-8");
}

/* --- programmers' mistakes ------------------------------------------------------------------- */

/* Each call: a critical naming the check, and the documented failure value. */
#define REFUSED(call, failure)                                                            \
  G_STMT_START {                                                                         \
    gsize _before = criticals->len;                                                      \
    cr_assert_eq ((call), (failure), "%s did not return its failure value", #call);      \
    cr_assert_gt (criticals->len, _before, "%s: no critical", #call);                    \
  } G_STMT_END

#define REFUSED_VOID(call)                                                                \
  G_STMT_START {                                                                         \
    gsize _before = criticals->len;                                                      \
    call;                                                                                \
    cr_assert_gt (criticals->len, _before, "%s: no critical", #call);                    \
  } G_STMT_END

static void
never_called_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  cr_assert_fail ("a refused call answered");
}

Test (cov_data, public_entry_points_refuse_bad_arguments_without_a_crash)
{
  g_autoptr(GError) set = g_error_new_literal (STK_ERROR, STK_ERROR_FAILED, "already set");
  g_autoptr(GObject) not_a_cancellable = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GTask) foreign = NULL;
  GCancellable *bad = (GCancellable *) not_a_cancellable;
  guint writer_refs, store_refs;

  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL);
  writer = stk_test_open_writer (db_path);
  store = stk_test_open_store (db_path);
  writer_refs = G_OBJECT (writer)->ref_count;
  store_refs = G_OBJECT (store)->ref_count;

  /* data/stk-jobs.h */
  REFUSED (stk_input_check (NULL, FALSE, NULL), FALSE);
  REFUSED (stk_input_check (db_path, FALSE, &set), FALSE);
  REFUSED (stk_import_check_source (NULL, FALSE, NULL, NULL), FALSE);
  REFUSED (stk_import_check_source (db_path, FALSE, NULL, &set), FALSE);
  REFUSED_VOID (stk_import_file_async (NULL, STK_TABLE_SKUS, "x.csv", NULL, NULL, NULL,
                                       never_called_cb, NULL));
  REFUSED_VOID (stk_import_file_async (writer, STK_TABLE_SKUS, NULL, NULL, NULL, NULL,
                                       never_called_cb, NULL));
  REFUSED_VOID (stk_import_file_async (writer, STK_TABLE_SKUS, "x.csv", bad, NULL, NULL,
                                       never_called_cb, NULL));
  REFUSED_VOID (stk_import_all_async (NULL, tmpdir, NULL, NULL, NULL, never_called_cb, NULL));
  REFUSED_VOID (stk_import_all_async (writer, NULL, NULL, NULL, NULL, never_called_cb, NULL));
  REFUSED_VOID (stk_import_all_async (writer, tmpdir, bad, NULL, NULL, never_called_cb, NULL));
  REFUSED_VOID (stk_export_file_async (NULL, STK_TABLE_SKUS, "x.csv", NULL, NULL, NULL,
                                       never_called_cb, NULL));
  REFUSED_VOID (stk_export_file_async (store, STK_TABLE_SKUS, NULL, NULL, NULL, NULL,
                                       never_called_cb, NULL));
  REFUSED_VOID (stk_export_file_async (store, STK_TABLE_SKUS, "x.csv", bad, NULL, NULL,
                                       never_called_cb, NULL));
  REFUSED_VOID (stk_export_all_async (NULL, tmpdir, NULL, NULL, NULL, never_called_cb, NULL));
  REFUSED_VOID (stk_export_all_async (store, NULL, NULL, NULL, NULL, never_called_cb, NULL));
  REFUSED_VOID (stk_export_all_async (store, tmpdir, bad, NULL, NULL, never_called_cb, NULL));
  REFUSED_VOID (stk_store_backup_async (NULL, "b.db", STK_OUTPUT_NONE, NULL, NULL, NULL,
                                        never_called_cb, NULL));
  REFUSED_VOID (stk_store_backup_async (store, NULL, STK_OUTPUT_NONE, NULL, NULL, NULL,
                                        never_called_cb, NULL));
  REFUSED_VOID (stk_store_backup_async (store, "b.db", STK_OUTPUT_NONE, bad, NULL, NULL,
                                        never_called_cb, NULL));
  REFUSED_VOID (stk_store_verify_async (NULL, NULL, NULL, NULL, never_called_cb, NULL));
  REFUSED_VOID (stk_store_verify_async (store, bad, NULL, NULL, never_called_cb, NULL));
  REFUSED_VOID (stk_generate_async (NULL, 1, 1, 1, NULL, NULL, NULL, never_called_cb, NULL));
  REFUSED_VOID (stk_generate_async (writer, 1, 1, 1, bad, NULL, NULL, never_called_cb, NULL));
  foreign = g_task_new (store, NULL, NULL, NULL);
  REFUSED (stk_job_was_cancelled (NULL), FALSE);
  REFUSED (stk_import_file_finish (writer, G_ASYNC_RESULT (foreign), NULL, NULL), FALSE);
  REFUSED (stk_export_file_finish (store, G_ASYNC_RESULT (foreign), NULL, NULL), FALSE);
  REFUSED (stk_store_backup_finish (store, G_ASYNC_RESULT (foreign), NULL), FALSE);
  REFUSED (stk_store_verify_finish (store, G_ASYNC_RESULT (foreign), NULL), NULL);

  /* data/stk-op.h */
  REFUSED (stk_op_new (NULL, STK_CHANGE_NONE, NULL, NULL), NULL);
  REFUSED (stk_op_new_run (NULL, STK_CHANGE_NONE, NULL, NULL, NULL), NULL);
  REFUSED (stk_op_get_payload (NULL), NULL);
  REFUSED (stk_op_ref (NULL), NULL);
  REFUSED_VOID (stk_op_unref (NULL));
  REFUSED (stk_op_get_id (NULL), NULL);
  REFUSED_VOID (stk_op_set_id (NULL, "id"));
  REFUSED (stk_op_get_kind (NULL), NULL);
  REFUSED (stk_op_get_description (NULL), NULL);
  REFUSED_VOID (stk_op_set_description (NULL, "d"));
  REFUSED_VOID (stk_op_set_describe_func (NULL, NULL));
  REFUSED (stk_op_get_flags (NULL), 0);
  REFUSED_VOID (stk_op_set_flags (NULL, 0));
  REFUSED (stk_op_get_changes (NULL), 0);
  REFUSED (stk_op_get_data (NULL), NULL);
  REFUSED (stk_op_get_row_id (NULL), 0);
  REFUSED_VOID (stk_op_set_row_id (NULL, 1));
  REFUSED (stk_op_get_duplicate (NULL), FALSE);
  REFUSED_VOID (stk_op_set_duplicate (NULL, TRUE));
  {
    g_autoptr(StkOp) op = stk_op_create_item ("Z1", "Zed", 1, 0);

    REFUSED_VOID (stk_op_set_id (op, ""));
    REFUSED_VOID (stk_op_set_id (op, NULL));
  }

  /* data/stk-session.h */
  REFUSED (stk_session_open (NULL, STK_SESSION_MODE_EDIT, NULL), NULL);
  REFUSED (stk_session_open (db_path, STK_SESSION_MODE_EDIT, &set), NULL);
  REFUSED (stk_session_get_path (NULL), NULL);
  REFUSED (stk_session_get_read_only (NULL), TRUE);
  REFUSED (stk_session_get_writer (NULL), NULL);
  REFUSED (stk_session_get_store (NULL), NULL);
  REFUSED (stk_session_get_can_edit (NULL), FALSE);
  REFUSED (stk_session_get_holder (NULL), NULL);
  REFUSED (stk_session_switch_to_editing (NULL, NULL), FALSE);
  REFUSED (stk_session_close (NULL, 0, NULL), FALSE);

  /* data/stk-csv.h, stk-output.h, stk-identity.h, stk-lock.h */
  REFUSED (stk_csv_reader_new (NULL), NULL);
  REFUSED (stk_csv_writer_new (NULL), NULL);
  REFUSED_VOID (stk_csv_append_field (NULL, "x"));
  REFUSED (stk_output_check_target (NULL, NULL, STK_OUTPUT_NONE, NULL), FALSE);
  REFUSED (stk_output_open (NULL, NULL, STK_OUTPUT_NONE, 0644, NULL), NULL);
  REFUSED (stk_output_get_fd (NULL), -1);
  REFUSED (stk_output_get_path (NULL), NULL);
  REFUSED (stk_output_get_temp_path (NULL), NULL);
  REFUSED (stk_output_commit (NULL, NULL), FALSE);
  REFUSED (stk_output_remove_stale (NULL), 0);
  REFUSED (stk_identity_resolve (NULL, STK_IDENTITY_INVENTORY, NULL), NULL);
  REFUSED (stk_identity_blocking_file (NULL), NULL);
  REFUSED_VOID (stk_identity_set_stat_error (NULL, ENOENT, NULL));
  REFUSED (stk_lock_path_for (NULL), NULL);
  REFUSED (stk_lock_acquire (NULL, "window", NULL), NULL);
  REFUSED (stk_lock_is_held (NULL), FALSE);
  REFUSED (stk_lock_read_holder (NULL), NULL);
  REFUSED (stk_lock_get_path (NULL), NULL);

  /* data/stk-format.h */
  REFUSED (stk_parse_money (NULL, NULL, NULL), FALSE);
  REFUSED (stk_parse_count (NULL, NULL, NULL), FALSE);

  /* A refused async call must not answer later either: one that went ahead would have
   * its answer queued here, or its job would hold the writer or the store until its
   * callback had run (the store's other reference is @foreign's). */
  cr_assert (stk_test_drain ());
  cr_assert (stk_test_wait_refs (writer, writer_refs, 60000), "a refused call holds the writer");
  cr_assert (stk_test_wait_refs (store, store_refs + 1, 60000), "a refused call holds the store");
  stk_test_close_writer (g_steal_pointer (&writer));
}

/* --- the lock file: who holds it, and files that are not ours to write ---------------- */

Test (cov_data, the_holder_is_described_with_what_is_known)
{
  StkLockHolder host_only = { .host = (char *) "box" };
  StkLockHolder user_only = { .user = (char *) "alice" };
  StkLockHolder pid_only = { .pid = 12 };
  StkLockHolder nothing = { 0 };
  StkLockHolder long_ago = { .user = (char *) "bob", .host = (char *) "till" };
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  g_autofree char *e = NULL;

  long_ago.since = g_date_time_new_utc (2001, 2, 3, 4, 5, 6);
  a = stk_lock_holder_describe (&host_only);
  b = stk_lock_holder_describe (&user_only);
  c = stk_lock_holder_describe (&pid_only);
  d = stk_lock_holder_describe (&nothing);
  e = stk_lock_holder_describe (&long_ago);
  cr_assert_str_eq (a, "on host “box”");
  cr_assert_str_eq (b, "alice");
  cr_assert_str_eq (c, "(process 12)");
  cr_assert_str_eq (d, "");
  /* Not today: the date is said, not only the time. */
  cr_assert (g_str_has_prefix (e, "bob on host “till”, since "), "%s", e);
  cr_assert (strstr (e, "01") != NULL, "no date in “%s”", e);
  g_date_time_unref (long_ago.since);
}

static char *
lock_path (void)
{
  return stk_lock_path_for (db_path);
}

Test (cov_data, a_lock_file_that_is_not_holder_text_names_nobody_and_is_left_as_it_was)
{
  g_autofree char *path = lock_path ();
  g_autofree char *big = g_strnfill (5000, 'x');
  static const char odd[] = "no equals sign here\n=\nhost=\nuser=\xff\xfe\n";
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  StkLock *lock;

  cr_assert (g_file_set_contents (path, odd, -1, NULL));
  cr_assert_null (stk_lock_read_holder (db_path), "a holder read from junk");
  cr_assert (g_file_set_contents (path, big, -1, NULL));
  cr_assert_null (stk_lock_read_holder (db_path), "a holder read from 5000 bytes");

  /* Taking the lock keeps a file that is not holder text as it is. */
  cr_assert (g_file_set_contents (path, odd, -1, NULL));
  lock = stk_lock_acquire (db_path, "import", &error);
  cr_assert_not_null (lock, "%s", error ? error->message : "");
  cr_assert (g_file_get_contents (path, &contents, NULL, NULL));
  cr_assert_str_eq (contents, odd, "the lock file's contents were rewritten");
  stk_lock_release (lock);
}

Test (cov_data, a_lock_file_with_another_name_is_refused_and_not_written)
{
  g_autofree char *path = lock_path ();
  g_autofree char *other = in_tmp ("someone-elses.txt");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_set_contents (other, "host=box\n", -1, NULL));
  cr_assert_eq (link (other, path), 0, "%s", g_strerror (errno));
  cr_assert_null (stk_lock_acquire (db_path, "window", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_UNSAFE), "%s", error->message);
  cr_assert (strstr (error->message, "hard links") != NULL, "%s", error->message);
  cr_assert (g_file_get_contents (other, &contents, NULL, NULL));
  cr_assert_str_eq (contents, "host=box\n");
}

Test (cov_data, a_lock_file_that_is_a_pipe_is_refused)
{
  g_autofree char *path = lock_path ();
  g_autoptr(GError) error = NULL;

  cr_assert_eq (mkfifo (path, 0600), 0, "%s", g_strerror (errno));
  cr_assert_null (stk_lock_read_holder (db_path));
  cr_assert_null (stk_lock_acquire (db_path, "window", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_UNSAFE), "%s", error->message);
  cr_assert (strstr (error->message, "it is not a regular file") != NULL, "%s", error->message);
}

/* Holds the inventory's lock from this process (another open file, so flock conflicts)
 * with @text as the holder. */
static int
hold_lock_with (const char *text)
{
  g_autofree char *path = lock_path ();
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  cr_assert_geq (fd, 0, "%s", g_strerror (errno));
  cr_assert_eq (flock (fd, LOCK_EX | LOCK_NB), 0);
  cr_assert_eq (write (fd, text, strlen (text)), (ssize_t) strlen (text));
  return fd;
}

Test (cov_data, a_held_lock_names_the_command_or_says_only_another_program)
{
  g_autoptr(GError) anonymous = NULL;
  g_autoptr(GError) command = NULL;
  int fd;

  fd = hold_lock_with ("what=\n");
  cr_assert_null (stk_lock_acquire (db_path, "window", &anonymous));
  cr_assert (g_error_matches (anonymous, STK_ERROR, STK_ERROR_LOCKED), "%s", anonymous->message);
  cr_assert_str_eq (anonymous->message,
                    "The inventory “inventory.db” is open for editing in another Stocktake "
                    "program.");
  close (fd);
  {
    g_autofree char *path = lock_path ();

    g_unlink (path);
  }

  fd = hold_lock_with ("user=alice\nwhat=import\n");
  cr_assert_null (stk_lock_acquire (db_path, "window", &command));
  cr_assert_str_eq (command->message,
                    "The inventory “inventory.db” is being changed by the Stocktake command "
                    "“import”: alice.");
  close (fd);
}

static int flock_calls;

static int
failing_flock (int fd,
               int operation)
{
  /* Interrupted once, then a failure that is not "held". */
  if (flock_calls++ == 0)
    {
      errno = EINTR;
      return -1;
    }
  errno = ENOLCK;
  return -1;
}

Test (cov_data, a_lock_that_cannot_be_taken_says_why)
{
  g_autoptr(GError) error = NULL;

  stk_seams.flock = failing_flock;
  cr_assert_null (stk_lock_acquire (db_path, "window", &error));
  stk_seams_reset ();
  cr_assert_eq (flock_calls, 2, "EINTR was not retried");
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
  cr_assert (strstr (error->message, "Cannot lock the file “inventory.db.lock”") != NULL, "%s",
             error->message);
  cr_assert (strstr (error->message, g_strerror (ENOLCK)) != NULL, "%s", error->message);
}

/* --- the session ---------------------------------------------------------------------------- */

Test (cov_data, session_reads_through_properties_and_switching_twice_or_closed_is_said)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = NULL;
  g_autofree char *path = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  gboolean read_only = TRUE;
  gboolean can_edit = FALSE;
  g_autofree char *holder = NULL;

  /* A probe interval alone, and a budget that is not a number (ignored). */
  g_setenv ("STOCKTAKE_PROBE_INTERVAL_MS", "50", TRUE);
  g_setenv ("STOCKTAKE_RETRY_BUDGET_MS", "soon", TRUE);
  session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  g_unsetenv ("STOCKTAKE_PROBE_INTERVAL_MS");
  g_unsetenv ("STOCKTAKE_RETRY_BUDGET_MS");
  cr_assert_not_null (session, "%s", error ? error->message : "");
  g_object_get (session, "path", &path, "read-only", &read_only, "writer", &writer,
                "store", &store, "can-edit", &can_edit, "holder", &holder, NULL);
  cr_assert (g_str_has_suffix (path, "inventory.db"));
  cr_assert_not (read_only);
  cr_assert_eq (writer, stk_session_get_writer (session));
  cr_assert_eq (store, stk_session_get_store (session));
  cr_assert_null (holder);

  /* Already editing: switching is nothing to do. */
  cr_assert (stk_session_switch_to_editing (session, &error));
  cr_assert (stk_session_close (session, 5000, &error), "%s", error ? error->message : "");
  cr_assert_not (stk_session_switch_to_editing (session, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CLOSED), "%s", error->message);
  cr_assert_str_eq (error->message, "The inventory is closed.");
}

/* --- figures typed wrong --------------------------------------------------------------------- */

static const char *
money_error (const char *text)
{
  static char message[256];
  g_autoptr(GError) error = NULL;
  gint64 cents = -1;

  if (stk_parse_money (text, &cents, &error))
    return "(accepted)";
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert_eq (cents, -1, "“%s”: a refused price was stored", text);
  g_strlcpy (message, error->message, sizeof message);
  return message;
}

Test (cov_data, badly_grouped_or_huge_figures_are_refused_with_the_reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) zeros = g_string_new ("0");
  gint64 value = 0;

  cr_assert (stk_test_ensure_locale ("en_US.UTF-8", &error), "%s", error ? error->message : "");
  cr_assert_not_null (setlocale (LC_ALL, "en_US.UTF-8"));

  cr_assert_str_eq (money_error ("1,234.50"), "(accepted)");
  cr_assert_str_eq (money_error ("1,,234.50"), "Not a price: write it like 1,234.50");
  cr_assert_str_eq (money_error ("1,234,"), "Not a price: write it like 1,234.50");
  cr_assert_str_eq (money_error ("12,34"), "Not a price: write it like 1,234.50");
  cr_assert_str_eq (money_error ("1234,567"), "Not a price: write it like 1,234.50");
  for (guint i = 0; i < 70; i++)
    g_string_append (zeros, ",000");
  cr_assert_str_eq (money_error (zeros->str), "Not a price: write it like 1,234.50");
  /* Too many digits; digits that fit until the cents are added; a fraction too long. */
  cr_assert_str_eq (money_error ("123456789012345678901234"), "The price is too large");
  cr_assert_str_eq (money_error ("1844674407370955161"), "The price is too large");
  cr_assert_str_eq (money_error ("92233720368547758.08"), "The price is too large");

  cr_assert (stk_parse_count ("-9,223,372,036,854,775,808", &value, NULL));
  cr_assert_eq (value, G_MININT64);
  g_clear_error (&error);
  cr_assert_not (stk_parse_count ("9,223,372,036,854,775,808", &value, &error));
  cr_assert_str_eq (error->message, "The number is too large");
  setlocale (LC_ALL, "C.UTF-8");
}

Test (cov_data, a_time_beyond_the_calendar_is_a_dash)
{
  g_autofree char *date = stk_format_date (G_MAXINT64);
  g_autofree char *datetime = stk_format_datetime (G_MININT64);

  cr_assert_str_eq (date, "—");
  cr_assert_str_eq (datetime, "—");
}

/* --- the CSV reader and writer, misused -------------------------------------------------------- */

Test (cov_data, csv_entry_points_refuse_bad_arguments_without_a_crash)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data ("a,b\n", 4, NULL);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GObject) not_a_stream = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GError) set = g_error_new_literal (STK_ERROR, STK_ERROR_FAILED, "already set");
  g_autoptr(StkCsvReader) reader = stk_csv_reader_new (in);
  g_autoptr(StkCsvWriter) writer = stk_csv_writer_new (out);
  GCancellable *bad = (GCancellable *) not_a_stream;
  g_autoptr(GPtrArray) fields = NULL;
  const char *row[] = { "a" };

  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL);

  REFUSED (stk_csv_reader_new ((GInputStream *) not_a_stream), NULL);
  REFUSED_VOID (stk_csv_reader_set_cancellable (NULL, NULL));
  REFUSED_VOID (stk_csv_reader_set_cancellable (reader, bad));
  REFUSED (stk_csv_reader_get_line (NULL), 0);
  REFUSED (stk_csv_reader_get_offset (NULL), 0);
  REFUSED (stk_csv_reader_next (NULL, &fields, NULL), STK_CSV_FATAL);
  REFUSED (stk_csv_reader_next (reader, NULL, NULL), STK_CSV_FATAL);
  REFUSED (stk_csv_reader_next (reader, &fields, &set), STK_CSV_FATAL);
  REFUSED (stk_csv_writer_new ((GOutputStream *) not_a_stream), NULL);
  REFUSED (stk_csv_writer_write_row (NULL, row, 1, NULL, NULL), FALSE);
  REFUSED (stk_csv_writer_write_row (writer, NULL, 1, NULL, NULL), FALSE);
  REFUSED (stk_csv_writer_write_row (writer, row, 0, NULL, NULL), FALSE);
  REFUSED (stk_csv_writer_write_row (writer, row, 1, bad, NULL), FALSE);
  REFUSED (stk_csv_writer_write_row (writer, row, 1, NULL, &set), FALSE);
  REFUSED (stk_csv_writer_close (NULL, NULL, NULL), FALSE);
  REFUSED (stk_csv_writer_close (writer, bad, NULL), FALSE);
  REFUSED (stk_csv_writer_close (writer, NULL, &set), FALSE);

  /* And the reader still reads, the writer still writes, after all that. */
  cr_assert_eq (stk_csv_reader_next (reader, &fields, NULL), STK_CSV_RECORD);
  cr_assert_eq (fields->len, 2);
  cr_assert (stk_csv_writer_write_row (writer, row, 1, NULL, NULL));
  cr_assert (stk_csv_writer_close (writer, NULL, NULL));
  cr_assert_eq (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)), 3);

  /* Others: codes, identities, the jobs' checks given an error already set. */
  REFUSED (stk_code_key (NULL), NULL);
  REFUSED (stk_identity_resolve_lenient (NULL), NULL);
  REFUSED (stk_identity_same_file (NULL, db_path), FALSE);
  REFUSED (stk_parse_money ("1", NULL, &set), FALSE);
  REFUSED (stk_parse_count ("1", NULL, &set), FALSE);
  REFUSED (stk_output_check_target (db_path, NULL, STK_OUTPUT_NONE, &set), FALSE);
}

/* --- what killed writes left, and nothing else ----------------------------------------------- */

Test (cov_data, stale_outputs_go_and_everything_else_stays)
{
  g_autofree char *dir = in_tmp ("folder");
  static const char *const gone[] = {
    ".items.csv.stocktake-tmp-abc123",          /* a killed export */
    ".items.csv.stocktake-tmp-abc123-wal",      /* its log, once it is gone */
    "backup.db.part-0123abcd",                  /* an older version's killed backup, empty */
    "backup.db.part-0123abcd-journal",
  };
  static const char *const stay[] = {
    ".items.csv.stocktake-tmp-abc123-foo",      /* not a companion suffix */
    ".items.csv.stocktake-tmp-ab!123",          /* not the random part */
    ".stocktake-tmp-abc123",                    /* no name before the marker */
    "backup.db.part-0123ABCD",                  /* upper case: not ours */
    "notes.part-0123abcd",                      /* not empty and not a database */
    ".held.csv.stocktake-tmp-zzz999",           /* a write still under way */
    ".held.csv.stocktake-tmp-zzz999-journal",   /* its journal */
  };
  g_autofree char *held = NULL;
  g_autofree char *folder_named = NULL;
  g_autofree char *link_named = NULL;
  int fd;

  cr_assert_eq (g_mkdir (dir, 0700), 0);
  for (guint i = 0; i < G_N_ELEMENTS (gone); i++)
    {
      g_autofree char *p = g_build_filename (dir, gone[i], NULL);
      cr_assert (g_file_set_contents (p, "", 0, NULL));
    }
  for (guint i = 0; i < G_N_ELEMENTS (stay); i++)
    {
      g_autofree char *p = g_build_filename (dir, stay[i], NULL);
      cr_assert (g_file_set_contents (p, "keep me", -1, NULL));
    }
  held = g_build_filename (dir, ".held.csv.stocktake-tmp-zzz999", NULL);
  fd = g_open (held, O_RDONLY | O_CLOEXEC, 0);
  cr_assert_geq (fd, 0);
  cr_assert_eq (flock (fd, LOCK_EX), 0);
  folder_named = g_build_filename (dir, ".dir.stocktake-tmp-fff000", NULL);
  cr_assert_eq (g_mkdir (folder_named, 0700), 0);
  link_named = g_build_filename (dir, ".link.stocktake-tmp-eee000", NULL);
  cr_assert_eq (symlink (db_path, link_named), 0);

  cr_assert_eq (stk_output_remove_stale (dir), G_N_ELEMENTS (gone));
  for (guint i = 0; i < G_N_ELEMENTS (gone); i++)
    {
      g_autofree char *p = g_build_filename (dir, gone[i], NULL);
      cr_assert_not (g_file_test (p, G_FILE_TEST_EXISTS), "%s stayed", gone[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (stay); i++)
    {
      g_autofree char *p = g_build_filename (dir, stay[i], NULL);
      cr_assert (g_file_test (p, G_FILE_TEST_IS_REGULAR), "%s was removed", stay[i]);
    }
  cr_assert (g_file_test (folder_named, G_FILE_TEST_IS_DIR));
  cr_assert (g_file_test (link_named, G_FILE_TEST_IS_SYMLINK));
  cr_assert (g_file_test (db_path, G_FILE_TEST_IS_REGULAR), "the link's target went");
  close (fd);
  {
    g_autofree char *missing = in_tmp ("no-such-folder");

    cr_assert_eq (stk_output_remove_stale (missing), 0);
  }
}

/* --- names that are not plain files ------------------------------------------------------------ */

Test (cov_data, a_pipe_named_by_proc_keeps_its_name_and_a_looping_folder_is_said)
{
  g_autofree char *loop = in_tmp ("loop");
  g_autofree char *inside = g_build_filename (loop, "new.db", NULL);
  g_autofree char *pipe_name = NULL;
  g_autofree char *resolved = NULL;
  g_autoptr(GError) error = NULL;
  int fds[2];

  /* What "stocktake export items /dev/stdout | …" gives: a name with no real path. */
  cr_assert_eq (pipe (fds), 0);
  pipe_name = g_strdup_printf ("/proc/self/fd/%d", fds[1]);
  resolved = stk_identity_resolve (pipe_name, STK_IDENTITY_ANY_LINKS, &error);
  cr_assert_not_null (resolved, "%s", error ? error->message : "");
  cr_assert_str_eq (resolved, pipe_name);
  close (fds[0]);
  close (fds[1]);

  /* A new file in a folder whose links loop. */
  cr_assert_eq (symlink (loop, loop), 0);
  cr_assert_null (stk_identity_resolve (inside, STK_IDENTITY_INVENTORY, &error));
  cr_assert_not_null (error);
  cr_assert (strstr (error->message, "its symbolic links lead round in a loop") != NULL, "%s",
             error->message);
}

Test (cov_data, a_holder_known_only_by_the_time_is_said_so)
{
  StkLockHolder today = { .since = g_date_time_new_now_local () };
  g_autofree char *text = stk_lock_holder_describe (&today);
  g_autofree char *hhmm = g_date_time_format (today.since, "%H:%M");
  g_autofree char *expected = g_strdup_printf ("since %s", hhmm);

  cr_assert_str_eq (text, expected);
  g_date_time_unref (today.since);
}

static void
notify_holder_cb (GObject    *object,
                  GParamSpec *pspec,
                  gboolean   *seen)
{
  *seen = TRUE;
}

Test (cov_data, a_read_only_session_names_a_holder_it_cannot_read_another_stocktake_program)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = NULL;
  gboolean seen = FALSE;
  gint64 end;
  int fd;

  session = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (session, "%s", error ? error->message : "");
  g_signal_connect (session, "notify::holder", G_CALLBACK (notify_holder_cb), &seen);

  /* Another program holds the lock, and its lock file says nothing. */
  fd = hold_lock_with ("");
  end = stk_test_deadline (30000);
  while (g_strcmp0 (stk_session_get_holder (session), "another Stocktake program") != 0 &&
         g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);   /* polling the main context, not a guess at the timing */
  cr_assert_str_eq (stk_session_get_holder (session) ? stk_session_get_holder (session) : "(none)",
                    "another Stocktake program");
  cr_assert (seen);
  cr_assert_not (stk_session_get_can_edit (session));
  close (fd);
  cr_assert (stk_session_close (session, 0, NULL));
}

/* --- jobs cancelled before they run, or refused inside -------------------------------------------- */

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 end = stk_test_deadline (30000);

  while (*slot == NULL && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);   /* polling the main context, not a guess at the timing */
  cr_assert_not_null (*slot, "the job never answered");
  return *slot;
}

Test (cov_data, jobs_cancelled_before_they_run_change_nothing_and_say_cancelled)
{
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GAsyncResult) generated = NULL;
  g_autoptr(GAsyncResult) verified = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *problems;

  g_cancellable_cancel (cancelled);
  stk_generate_async (writer, 10, 10, 7, cancelled, NULL, NULL, result_cb, &generated);
  cr_assert_not (stk_generate_finish (writer, wait_result (&generated), &error));
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s", error->message);
  cr_assert (stk_job_was_cancelled (generated));
  g_clear_error (&error);

  stk_store_verify_async (store, cancelled, NULL, NULL, result_cb, &verified);
  problems = stk_store_verify_finish (store, wait_result (&verified), &error);
  cr_assert_null (problems);
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s", error->message);

  stk_test_close_writer (writer);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0, "generated anyway");
}

Test (cov_data, an_import_job_of_the_inventory_itself_is_refused_inside_the_job)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autofree char *out_dir = in_tmp ("out");
  g_autoptr(GAsyncResult) imported = NULL;
  g_autoptr(GAsyncResult) exported = NULL;
  g_autoptr(GError) error = NULL;
  StkImportReport report = { 0 };

  stk_import_file_async (writer, STK_TABLE_SKUS, db_path, NULL, NULL, NULL, result_cb, &imported);
  cr_assert_not (stk_import_file_finish (writer, wait_result (&imported), &report, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert (strstr (error->message, "it is the inventory itself") != NULL, "%s", error->message);
  cr_assert_eq (report.imported, 0);
  stk_import_report_clear (&report);

  /* export all, not asking how many rows: fine. */
  cr_assert_eq (g_mkdir (out_dir, 0700), 0);
  stk_export_all_async (store, out_dir, NULL, NULL, NULL, result_cb, &exported);
  g_clear_error (&error);
  cr_assert (stk_export_all_finish (store, wait_result (&exported), NULL, &error), "%s",
             error ? error->message : "");
  stk_test_close_writer (writer);
}
