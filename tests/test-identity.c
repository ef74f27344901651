/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One inventory = one file: every name of it resolves to the real file before a
 * companion name is derived; a file with several hard links is refused; the lock file
 * never follows a link, never blocks on a pipe, never loses a file it did not create. */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-identity.h"
#include "stk-lock.h"
#include "stk-ops.h"
#include "stk-store.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"
#include "stk-writer.h"

static void
setup (void)
{
  stk_test_fixture_setup_named ("inv.db");
}

TestSuite (identity, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 60);

static void
make_inventory (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_submit (writer, stk_op_create_item ("A-1", "one", 100, 0));
  stk_test_close_writer (writer);
}

static char *
in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

Test (identity, every_name_resolves_to_the_real_file)
{
  g_autofree char *link = in_tmp ("link.db");
  g_autofree char *sub = in_tmp ("sub");
  g_autofree char *dotted = g_build_filename (tmpdir, "sub", "..", "inv.db", NULL);
  g_autofree char *new_name = g_build_filename (tmpdir, "sub", "..", "new.db", NULL);
  g_autofree char *expected_new = in_tmp ("new.db");
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  g_autoptr(GError) error = NULL;

  make_inventory ();
  cr_assert_eq (symlink (db_path, link), 0);
  cr_assert_eq (g_mkdir (sub, 0700), 0);

  a = stk_identity_resolve (link, STK_IDENTITY_INVENTORY, &error);
  cr_assert_str_eq (a, db_path);
  b = stk_identity_resolve (dotted, STK_IDENTITY_INVENTORY, &error);
  cr_assert_str_eq (b, db_path);
  c = stk_identity_resolve (new_name, STK_IDENTITY_INVENTORY, &error);
  cr_assert_str_eq (c, expected_new);
}

Test (identity, a_symlink_takes_the_targets_lock)
{
  g_autofree char *link = in_tmp ("link.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLock) first = NULL;
  g_autoptr(StkLock) second = NULL;

  make_inventory ();
  cr_assert_eq (symlink (db_path, link), 0);
  first = stk_lock_acquire (db_path, "test", &error);
  cr_assert_not_null (first, "%s", error ? error->message : "");
  second = stk_lock_acquire (link, "test", &error);
  cr_assert_null (second, "a second lock through the symbolic link");
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);
}

Test (identity, hard_links_are_refused_everywhere)
{
  g_autofree char *hl = in_tmp ("hl.db");
  g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkLock) lock = NULL;

  make_inventory ();
  cr_assert_eq (link (db_path, hl), 0);

  writer = stk_writer_new (hl, &e1);
  cr_assert_null (writer);
  cr_assert (g_error_matches (e1, STK_ERROR, STK_ERROR_UNSAFE), "%s", e1->message);
  cr_assert (strstr (e1->message, "hard link") != NULL, "%s", e1->message);
  store = stk_store_new (db_path, &e2);
  cr_assert_null (store);
  cr_assert (g_error_matches (e2, STK_ERROR, STK_ERROR_UNSAFE), "%s", e2->message);
  lock = stk_lock_acquire (hl, "test", &e3);
  cr_assert_null (lock);
  cr_assert (g_error_matches (e3, STK_ERROR, STK_ERROR_UNSAFE), "%s", e3->message);
}

Test (identity, dangling_links_and_loops_get_one_sentence)
{
  g_autofree char *dangling = in_tmp ("dangling.db");
  g_autofree char *loop_a = in_tmp ("a.db");
  g_autofree char *loop_b = in_tmp ("b.db");
  g_autoptr(GError) e1 = NULL, e2 = NULL;
  g_autoptr(StkWriter) w1 = NULL, w2 = NULL;

  cr_assert_eq (symlink ("gone.db", dangling), 0);
  cr_assert_eq (symlink (loop_b, loop_a), 0);
  cr_assert_eq (symlink (loop_a, loop_b), 0);

  w1 = stk_writer_new (dangling, &e1);
  cr_assert_null (w1);
  cr_assert (g_error_matches (e1, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", e1->message);
  cr_assert (strstr (e1->message, "symbolic link") != NULL, "%s", e1->message);
  w2 = stk_writer_new (loop_a, &e2);
  cr_assert_null (w2);
  cr_assert (strstr (e2->message, "loop") != NULL, "%s", e2->message);
}

Test (identity, lock_file_symlink_and_pipe_are_refused)
{
  g_autofree char *lock = g_strconcat (db_path, ".lock", NULL);
  g_autofree char *victim = in_tmp ("victim");
  g_autofree char *contents = NULL;
  g_autoptr(GError) e1 = NULL, e2 = NULL;
  g_autoptr(StkLock) l1 = NULL, l2 = NULL;

  make_inventory ();
  g_unlink (lock);
  cr_assert (g_file_set_contents (victim, "keep me", -1, NULL));
  cr_assert_eq (symlink (victim, lock), 0);
  l1 = stk_lock_acquire (db_path, "test", &e1);
  cr_assert_null (l1);
  cr_assert (g_error_matches (e1, STK_ERROR, STK_ERROR_UNSAFE), "%s", e1->message);
  cr_assert (g_file_get_contents (victim, &contents, NULL, NULL));
  cr_assert_str_eq (contents, "keep me");

  /* A pipe: neither the acquire nor the probes may block on it. */
  g_unlink (lock);
  cr_assert_eq (mkfifo (lock, 0600), 0);
  l2 = stk_lock_acquire (db_path, "test", &e2);
  cr_assert_null (l2);
  cr_assert (g_error_matches (e2, STK_ERROR, STK_ERROR_UNSAFE), "%s", e2->message);
  cr_assert_not (stk_lock_is_held (db_path));
  cr_assert_null (stk_lock_read_holder (db_path));
}

Test (identity, a_lock_file_we_did_not_create_keeps_its_contents)
{
  g_autofree char *lock = g_strconcat (db_path, ".lock", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLock) held = NULL;
  struct stat st;

  make_inventory ();
  g_unlink (lock);
  cr_assert (g_file_set_contents (lock, "not holder text at all", -1, NULL));
  held = stk_lock_acquire (db_path, "test", &error);
  cr_assert_not_null (held, "%s", error ? error->message : "");
  cr_assert (g_file_get_contents (lock, &contents, NULL, NULL));
  cr_assert_str_eq (contents, "not holder text at all");
  g_clear_pointer (&held, stk_lock_release);

  /* One we create is private and carries the holder. */
  g_unlink (lock);
  held = stk_lock_acquire (db_path, "test", &error);
  cr_assert_not_null (held);
  cr_assert_eq (stat (lock, &st), 0);
  cr_assert_eq (st.st_mode & 0777, 0600, "mode %o", st.st_mode & 0777);
  g_clear_pointer (&contents, g_free);
  cr_assert (g_file_get_contents (lock, &contents, NULL, NULL));
  cr_assert (strstr (contents, "what=test") != NULL, "%s", contents);
}
