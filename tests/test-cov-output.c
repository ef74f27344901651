/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outputs (data/stk-output.c) on the paths the other suites leave out (issue 20, branch
 * coverage of data/): a target of a long name; a replaced file's owner and permissions
 * kept; a target that appeared while the data was written; what the cleaner of killed
 * writes leaves alone; and the bad arguments of outputs. */
#include "config.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-output.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

TestSuite (cov_output, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

static void
write_all (StkOutput  *output,
           const char *text)
{
  cr_assert_eq (write (stk_output_get_fd (output), text, strlen (text)), (ssize_t) strlen (text));
}

static char *
contents_of (const char *path)
{
  char *contents = NULL;

  cr_assert (g_file_get_contents (path, &contents, NULL, NULL), "%s", path);
  return contents;
}

Test (cov_output, a_target_of_a_long_name_gets_a_temporary_file_of_a_shorter_one)
{
  g_autofree char *name = g_strnfill (240, 'x');
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autofree char *temp_base = NULL;
  g_autofree char *expected_prefix = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  StkOutput *output;

  output = stk_output_open (path, NULL, STK_OUTPUT_NONE, 0644, &error);
  cr_assert_not_null (output, "%s", error ? error->message : "");
  temp_base = g_path_get_basename (stk_output_get_temp_path (output));
  /* "." + the first 200 characters of the name + the marker + 6 random ones. */
  cr_assert_eq (strlen (temp_base), 1 + 200 + strlen (STK_OUTPUT_TEMP_MARKER) + 6, "%s",
                temp_base);
  expected_prefix = g_strconcat (".", name, NULL);
  expected_prefix[1 + 200] = '\0';
  cr_assert (g_str_has_prefix (temp_base, expected_prefix));
  write_all (output, "long\n");
  cr_assert (stk_output_commit (output, &error), "%s", error ? error->message : "");
  stk_output_free (output);
  contents = contents_of (path);
  cr_assert_str_eq (contents, "long\n");
}

Test (cov_output, a_replaced_file_keeps_its_owner_and_permissions)
{
  g_autofree char *path = g_build_filename (tmpdir, "theirs.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  StkOutput *output;
  GStatBuf st;

  if (geteuid () != 0)
    cr_skip_test ("needs root to give a file to another user");
  cr_assert (g_file_set_contents (path, "old\n", -1, NULL));
  cr_assert_eq (chown (path, 65534, 65534), 0);
  cr_assert_eq (chmod (path, 0640), 0);

  output = stk_output_open (path, NULL, STK_OUTPUT_REPLACE, 0600, &error);
  cr_assert_not_null (output, "%s", error ? error->message : "");
  write_all (output, "new\n");
  cr_assert (stk_output_commit (output, &error), "%s", error ? error->message : "");
  stk_output_free (output);

  contents = contents_of (path);
  cr_assert_str_eq (contents, "new\n");
  cr_assert_eq (g_stat (path, &st), 0);
  cr_assert_eq (st.st_uid, 65534, "the owner is kept");
  cr_assert_eq (st.st_gid, 65534, "the group is kept");
  cr_assert_eq (st.st_mode & 0777, 0640, "the permissions are kept");
}

Test (cov_output, a_target_that_appeared_while_writing_is_not_replaced)
{
  g_autofree char *path = g_build_filename (tmpdir, "new.csv", NULL);
  g_autofree char *temp = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  StkOutput *output;

  output = stk_output_open (path, NULL, STK_OUTPUT_NONE, 0644, &error);
  cr_assert_not_null (output, "%s", error ? error->message : "");
  temp = g_strdup (stk_output_get_temp_path (output));
  write_all (output, "ours\n");
  /* Someone else's file takes the name meanwhile. */
  cr_assert (g_file_set_contents (path, "theirs\n", -1, NULL));
  cr_assert_not (stk_output_commit (output, &error));
  cr_assert_eq (error->domain, STK_ERROR, "%s", error->message);
  cr_assert (strstr (error->message, "new.csv") != NULL, "%s", error->message);
  stk_output_free (output);

  contents = contents_of (path);
  cr_assert_str_eq (contents, "theirs\n", "their file is untouched");
  cr_assert_not (g_file_test (temp, G_FILE_TEST_EXISTS), "the temporary file is gone");
}

Test (cov_output, the_cleaner_leaves_alone_what_is_not_a_dead_temporary_file)
{
  g_autofree char *dir = g_build_filename (tmpdir, "out", NULL);
  g_autofree char *temp_dir = g_build_filename (dir, ".a.csv" STK_OUTPUT_TEMP_MARKER "Abc123", NULL);
  g_autofree char *live = g_build_filename (dir, ".b.db" STK_OUTPUT_TEMP_MARKER "Def456", NULL);
  g_autofree char *live_journal = g_strconcat (live, "-journal", NULL);
  g_autofree char *dir_wal = g_build_filename (dir, ".c.db" STK_OUTPUT_TEMP_MARKER "Ghi789-wal",
                                               NULL);
  g_autofree char *legacy_text = g_build_filename (dir, "d.db.part-0123abcd", NULL);
  g_autofree char *dead_shm = g_build_filename (dir, ".e.db" STK_OUTPUT_TEMP_MARKER "Jkl012-shm",
                                                NULL);
  const char *kept[] = { temp_dir, live, live_journal, dir_wal, legacy_text };
  int fd;

  cr_assert_eq (g_mkdir_with_parents (dir, 0700), 0);
  cr_assert_eq (g_mkdir (temp_dir, 0700), 0);
  cr_assert (g_file_set_contents (live, "being written", -1, NULL));
  cr_assert (g_file_set_contents (live_journal, "its journal", -1, NULL));
  cr_assert_eq (g_mkdir (dir_wal, 0700), 0);
  cr_assert (g_file_set_contents (legacy_text, "not a database", -1, NULL));
  cr_assert (g_file_set_contents (dead_shm, "", -1, NULL));
  /* A write in progress holds its temporary file's lock. */
  fd = g_open (live, O_RDONLY, 0);
  cr_assert_geq (fd, 0);
  cr_assert_eq (flock (fd, LOCK_EX), 0);

  cr_assert_eq (stk_output_remove_stale (dir), 1, "only the dead write's shared memory");
  cr_assert_not (g_file_test (dead_shm, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    cr_assert (g_file_test (kept[i], G_FILE_TEST_EXISTS), "%s was removed", kept[i]);
  close (fd);
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

Test (cov_output, outputs_refuse_bad_arguments)
{
  g_autofree char *path = g_build_filename (tmpdir, "out.csv", NULL);
  g_autofree char *other = g_build_filename (tmpdir, "other.csv", NULL);
  g_autoptr(GError) set = g_error_new_literal (STK_ERROR, STK_ERROR_FAILED, "already set");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  StkOutput *output;

  criticals = g_string_new (NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL);

  REFUSED (stk_output_open (other, NULL, STK_OUTPUT_NONE, 0644, &set), NULL, "*error == NULL");
  cr_assert_not (g_file_test (other, G_FILE_TEST_EXISTS));
  REFUSED (stk_output_get_path (NULL), NULL, "self != NULL");

  output = stk_output_open (path, NULL, STK_OUTPUT_NONE, 0644, &error);
  cr_assert_not_null (output, "%s", error ? error->message : "");
  cr_assert_str_eq (stk_output_get_path (output), path);
  write_all (output, "once\n");
  REFUSED (stk_output_commit (output, &set), FALSE, "*error == NULL");
  cr_assert_not (g_file_test (path, G_FILE_TEST_EXISTS), "a refused commit renames nothing");
  cr_assert (stk_output_commit (output, &error), "%s", error ? error->message : "");
  REFUSED (stk_output_commit (output, NULL), FALSE, "committed");
  stk_output_free (output);
  stk_output_free (NULL);
  contents = contents_of (path);
  cr_assert_str_eq (contents, "once\n");
  g_string_free (criticals, TRUE);
  criticals = NULL;
}
