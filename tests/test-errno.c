/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-identity.h"
#include "stk-lock.h"
#include "stk-output.h"
#include "stk-seams.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"
#include "stk-transfer.h"

/* One errno → StkError mapping (data/stk-error.c), and every place that turns a failed
 * system call into an error still says the same sentence with the code it gives. */

static int fake_errno;

static void
teardown (void)
{
  stk_seams_reset ();
  stk_test_fixture_teardown ();
}

TestSuite (errno_map, .init = stk_test_fixture_setup, .fini = teardown, .timeout = 60);

static int
failing_open (const char *path,
              int         flags,
              int         mode)
{
  errno = fake_errno;
  return -1;
}

static ssize_t
failing_read (int     fd,
              void   *buf,
              size_t  count)
{
  errno = fake_errno;
  return -1;
}

static void
assert_error (GError     *error,
              StkError    code,
              const char *message)
{
  cr_assert_not_null (error, "no error for “%s”", message);
  cr_assert (error->domain == STK_ERROR, "%s", error->message);
  cr_assert_eq (error->code, (int) code, "code %d for “%s”", error->code, error->message);
  cr_assert_str_eq (error->message, message);
}

Test (errno_map, each_errno_maps_to_one_code)
{
  static const struct { int errsv; StkError code; } cases[] = {
    { ENOENT, STK_ERROR_NOT_FOUND },
    { ENOTDIR, STK_ERROR_NOT_FOUND },
    { EACCES, STK_ERROR_READ_ONLY },
    { EPERM, STK_ERROR_READ_ONLY },
    { EROFS, STK_ERROR_READ_ONLY },
    { ENOSPC, STK_ERROR_NO_SPACE },
    { EDQUOT, STK_ERROR_NO_SPACE },
    { EIO, STK_ERROR_IO },
    { EISDIR, STK_ERROR_IO },
    { EEXIST, STK_ERROR_IO },
    { ELOOP, STK_ERROR_IO },
    { 0, STK_ERROR_IO },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    cr_assert_eq (stk_error_code_from_errno (cases[i].errsv), cases[i].code, "%s",
                  g_strerror (cases[i].errsv));
}

Test (errno_map, set_errno_formats_the_sentence_with_the_mapped_code)
{
  g_autoptr(GError) error = NULL;

  stk_error_set_errno (&error, EROFS, "Cannot do “%s”: %s.", "it", g_strerror (EROFS));
  assert_error (error, STK_ERROR_READ_ONLY, "Cannot do “it”: Read-only file system.");

  stk_error_set_errno (NULL, EIO, "ignored %d", 1);
}

/* stk_output_set_errno_error(): exports, backups, restores. */
Test (errno_map, output_sentences)
{
  g_autofree char *missing = g_build_filename (tmpdir, "missing", NULL);
  g_autofree char *file = g_build_filename (tmpdir, "file", NULL);
  g_autofree char *under_file = g_build_filename (file, "sub", NULL);
  g_autofree char *msg = NULL;
  static const int read_only[] = { EACCES, EPERM, EROFS };
  static const int full[] = { ENOSPC, EDQUOT };

  cr_assert (g_file_set_contents (file, "x", 1, NULL));
  {
    g_autoptr(GError) error = NULL;

    stk_output_set_errno_error (&error, ENOENT, "out.csv", missing);
    msg = g_strdup_printf ("Cannot write “out.csv”: the folder “%s” does not exist.", missing);
    assert_error (error, STK_ERROR_NOT_FOUND, msg);
    g_clear_pointer (&msg, g_free);
  }
  {
    g_autoptr(GError) error = NULL;

    stk_output_set_errno_error (&error, ENOTDIR, "out.csv", under_file);
    msg = g_strdup_printf ("Cannot write “out.csv”: “%s” is a file, not a folder.", file);
    assert_error (error, STK_ERROR_NOT_FOUND, msg);
    g_clear_pointer (&msg, g_free);
  }
  for (guint i = 0; i < G_N_ELEMENTS (read_only); i++)
    {
      g_autoptr(GError) error = NULL;

      stk_output_set_errno_error (&error, read_only[i], "out.csv", tmpdir);
      msg = g_strdup_printf ("Cannot write “out.csv”: the folder “%s” is read-only.", tmpdir);
      assert_error (error, STK_ERROR_READ_ONLY, msg);
      g_clear_pointer (&msg, g_free);
    }
  for (guint i = 0; i < G_N_ELEMENTS (full); i++)
    {
      g_autoptr(GError) error = NULL;

      stk_output_set_errno_error (&error, full[i], "out.csv", tmpdir);
      assert_error (error, STK_ERROR_NO_SPACE, "Cannot write “out.csv”: the disk is full.");
    }
  {
    g_autoptr(GError) error = NULL;

    stk_output_set_errno_error (&error, EIO, "out.csv", tmpdir);
    assert_error (error, STK_ERROR_IO, "Cannot write “out.csv”: Input/output error.");
  }
}

/* stk_identity_set_stat_error(): a path that cannot be looked at. */
Test (errno_map, stat_sentences)
{
  g_autoptr(GError) denied = NULL;
  g_autoptr(GError) read_only = NULL;
  g_autoptr(GError) failed = NULL;

  stk_identity_set_stat_error (&denied, EACCES, "/x/inventory.db");
  /* Before the one mapping, this said STK_ERROR_IO for EROFS. */
  stk_identity_set_stat_error (&read_only, EROFS, "/x/inventory.db");
  assert_error (read_only, STK_ERROR_READ_ONLY,
                "Cannot open “/x/inventory.db”: Read-only file system.");
  assert_error (denied, STK_ERROR_READ_ONLY, "Cannot open “/x/inventory.db”: Permission denied.");
  stk_identity_set_stat_error (&failed, EIO, "/x/inventory.db");
  assert_error (failed, STK_ERROR_IO, "Cannot open “/x/inventory.db”: Input/output error.");
}

/* stk_db_open() creating a new inventory file. */
Test (errno_map, create_inventory_sentences)
{
  static const struct { int errsv; StkError code; const char *before, *after; } cases[] = {
    { ENOENT, STK_ERROR_NOT_FOUND, "Cannot create the inventory: the folder “", "” does not exist." },
    { EACCES, STK_ERROR_READ_ONLY, "Cannot create the inventory: the folder “", "” is read-only." },
    { EPERM, STK_ERROR_READ_ONLY, "Cannot create the inventory: the folder “", "” is read-only." },
    { EROFS, STK_ERROR_READ_ONLY, "Cannot create the inventory: the folder “", "” is read-only." },
    { ENOSPC, STK_ERROR_NO_SPACE, "Cannot create the inventory in “", "”: the disk is full." },
    { EDQUOT, STK_ERROR_NO_SPACE, "Cannot create the inventory in “", "”: the disk is full." },
  };

  stk_seams.open = failing_open;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *msg = g_strconcat (cases[i].before, tmpdir, cases[i].after, NULL);

      fake_errno = cases[i].errsv;
      cr_assert_null (stk_db_open (db_path, STK_DB_READ_WRITE, &error));
      assert_error (error, cases[i].code, msg);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *msg = g_strdup_printf ("Cannot create the inventory “%s”: Input/output error.",
                                            db_path);

    fake_errno = EIO;
    cr_assert_null (stk_db_open (db_path, STK_DB_READ_WRITE, &error));
    assert_error (error, STK_ERROR_IO, msg);
  }
  cr_assert_not (g_file_test (db_path, G_FILE_TEST_EXISTS), "nothing was created");
}

/* stk_db_check_file() reading the header of an existing file. */
Test (errno_map, check_file_sentences)
{
  g_autofree char *denied_msg = g_strdup_printf ("Cannot read “%s”: Permission denied.", db_path);
  g_autofree char *io_msg = g_strdup_printf ("Cannot read “%s”: Input/output error.", db_path);
  g_autoptr(GError) denied = NULL;
  g_autofree char *not_permitted_msg = g_strdup_printf ("Cannot read “%s”: Operation not "
                                                        "permitted.", db_path);
  g_autoptr(GError) not_permitted = NULL;
  g_autoptr(GError) failed = NULL;
  gboolean exists = FALSE;
  char junk[200];

  memset (junk, 'j', sizeof junk);
  cr_assert (g_file_set_contents (db_path, junk, sizeof junk, NULL));

  stk_seams.open = failing_open;
  fake_errno = EACCES;
  cr_assert_not (stk_db_check_file (db_path, &exists, &denied));
  assert_error (denied, STK_ERROR_READ_ONLY, denied_msg);

  /* Before the one mapping, this path said STK_ERROR_IO for EPERM. */
  fake_errno = EPERM;
  cr_assert_not (stk_db_check_file (db_path, &exists, &not_permitted));
  assert_error (not_permitted, STK_ERROR_READ_ONLY, not_permitted_msg);

  stk_seams_reset ();
  stk_seams.read = failing_read;
  fake_errno = EIO;
  cr_assert_not (stk_db_check_file (db_path, &exists, &failed));
  assert_error (failed, STK_ERROR_IO, io_msg);
}

/* The lock file in a folder this user may not write to (run as nobody). */
Test (errno_map, lock_file_in_read_only_folder)
{
  g_autofree char *folder = g_build_filename (tmpdir, "shared", NULL);
  g_autofree char *inventory = g_build_filename (folder, "inventory.db", NULL);
  g_autofree char *msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLock) lock = NULL;

  if (geteuid () != 0)
    cr_skip_test ("needs root to prepare what nobody may write or read");

  cr_assert_eq (g_mkdir (folder, 0755), 0);
  stk_test_drop_privileges ();

  lock = stk_lock_acquire (inventory, "test", &error);
  cr_assert_null (lock);
  msg = g_strdup_printf ("Cannot create the lock file “inventory.db.lock” in the folder “%s”: "
                         "the folder is read-only for you. The inventory can only be opened "
                         "read-only.",
                         folder);
  assert_error (error, STK_ERROR_READ_ONLY, msg);
}

/* Import: a file that is missing, a folder, a file this user may not read. */
Test (errno_map, import_open_sentences)
{
  g_autofree char *folder = g_build_filename (tmpdir, "mine", NULL);
  g_autofree char *inventory = g_build_filename (folder, "inventory.db", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing.csv", NULL);
  g_autofree char *secret = g_build_filename (tmpdir, "secret.csv", NULL);
  g_autofree char *missing_msg = g_strdup_printf ("Cannot import “%s”: the file does not exist.",
                                                  missing);
  g_autofree char *folder_msg = g_strdup_printf ("Cannot import “%s”: it is a folder, not a CSV "
                                                 "file.", folder);
  g_autofree char *secret_msg = g_strdup_printf ("Cannot import “%s”: you are not allowed to "
                                                 "read it.", secret);
  g_autoptr(GError) missing_error = NULL;
  g_autoptr(GError) folder_error = NULL;
  g_autoptr(GError) secret_error = NULL;
  StkImportReport report = { 0 };
  StkWriter *writer;

  if (geteuid () != 0)
    cr_skip_test ("needs root to prepare what nobody may write or read");

  cr_assert_eq (g_mkdir (folder, 0755), 0);
  cr_assert_eq (chown (folder, 65534, 65534), 0);
  cr_assert (g_file_set_contents (secret, "code,description\n", -1, NULL));
  cr_assert_eq (g_chmod (secret, 0600), 0);
  stk_test_drop_privileges ();

  writer = stk_test_open_writer (inventory);
  cr_assert_not (stk_import_file (writer, STK_TABLE_SKUS, missing, NULL, NULL, NULL, &report,
                                  &missing_error));
  assert_error (missing_error, STK_ERROR_NOT_FOUND, missing_msg);
  cr_assert_not (stk_import_file (writer, STK_TABLE_SKUS, folder, NULL, NULL, NULL, &report,
                                  &folder_error));
  assert_error (folder_error, STK_ERROR_INVALID_DATA, folder_msg);
  cr_assert_not (stk_import_file (writer, STK_TABLE_SKUS, secret, NULL, NULL, NULL, &report,
                                  &secret_error));
  assert_error (secret_error, STK_ERROR_READ_ONLY, secret_msg);
  stk_test_close_writer (writer);
  stk_import_report_clear (&report);
}
