/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Error paths of the storage core no other test takes (issue 20, branch coverage of
 * data/): the file pre-check of an inventory cut short whose write-ahead log holds (or
 * does not hold) the rest; outputs over files that look like a write-ahead log, that
 * nobody may read, or that belong to another user, and a commit that runs out of file
 * descriptors; lock files that are folders or whose name is too long; CSV sources that
 * only start like a database; what killed writes left; an output whose links loop. Each
 * asserts the code and the sentence the user gets, and that nothing was changed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-jobs.h"
#include "stk-lock.h"
#include "stk-ops.h"
#include "stk-output.h"
#include "stk-seams.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static void
setup (void)
{
  stk_seams_reset ();
  stk_test_fixture_setup ();
}

static void
teardown (void)
{
  stk_seams_reset ();
  stk_test_fixture_teardown ();
}

TestSuite (cov_data2, .init = setup, .fini = teardown, .timeout = 60);

static char *
in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static guint
leftovers (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    n += strstr (name, STK_OUTPUT_TEMP_MARKER) != NULL;
  return n;
}

/* ---- an inventory cut short, and its write-ahead log -------------------------------- */

static void
copy_file (const char *from,
           const char *to,
           gsize       max_len)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  cr_assert (g_file_get_contents (from, &contents, &len, NULL));
  cr_assert (g_file_set_contents (to, contents, MIN (len, max_len), NULL));
}

typedef struct
{
  char  *main_path;  /* the cut-short copy */
  char  *wal_path;
  gint64 pages;      /* the pages the whole file holds */
  gint64 kept;       /* the pages the copy holds */
} CutShort;

/* The state a crash leaves when a checkpoint grew the main file's header but not yet
 * its tail: the main file holds the first @kept pages of the grown inventory (its
 * header counting all of them) and the write-ahead log still holds every page written
 * since the last checkpoint. */
static void
make_cut_short (CutShort *cs)
{
  g_autofree char *wal_copy = in_tmp ("log-copy");
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  sqlite3 *raw = NULL;
  gint64 page_size;

  stk_test_close_writer (stk_test_open_writer (db_path));
  cs->kept = stk_test_query (db_path, "PRAGMA page_count");
  page_size = stk_test_query (db_path, "PRAGMA page_size");

  cr_assert_eq (sqlite3_open (db_path, &raw), SQLITE_OK);
  /* One transaction: one commit frame, the log's last. */
  cr_assert_eq (sqlite3_exec (raw, "PRAGMA wal_autocheckpoint = 0; BEGIN;"
                              " CREATE TABLE filler (b BLOB);"
                              " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                              "   WHERE i < 40) INSERT INTO filler SELECT randomblob (3000) FROM n;"
                              " COMMIT;",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (raw));
  copy_file (wal, wal_copy, G_MAXSIZE);
  cr_assert_eq (sqlite3_exec (raw, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (raw);
  cs->pages = stk_test_query (db_path, "PRAGMA page_count");
  cr_assert_gt (cs->pages, cs->kept + 5);

  cs->main_path = in_tmp ("cut.db");
  cs->wal_path = g_strconcat (cs->main_path, "-wal", NULL);
  copy_file (db_path, cs->main_path, (gsize) (cs->kept * page_size));
  copy_file (wal_copy, cs->wal_path, G_MAXSIZE);
}

static void
cut_short_clear (CutShort *cs)
{
  g_free (cs->main_path);
  g_free (cs->wal_path);
}

/* Rewrites @len bytes at @offset of @path. */
static void
poke (const char *path,
      goffset     offset,
      const void *bytes,
      gsize       len)
{
  int fd = g_open (path, O_WRONLY, 0);

  cr_assert_geq (fd, 0);
  cr_assert_eq (pwrite (fd, bytes, len, offset), (ssize_t) len);
  close (fd);
}

static void
refused_as_truncated (CutShort *cs)
{
  g_autoptr(GBytes) main_before = stk_test_read_bytes (cs->main_path);
  g_autoptr(GBytes) wal_before = stk_test_read_bytes (cs->wal_path);
  g_autoptr(GBytes) main_after = NULL;
  g_autoptr(GBytes) wal_after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("is truncated: it should hold %" G_GINT64_FORMAT
                                               " pages but holds %" G_GINT64_FORMAT ".",
                                               cs->pages, cs->kept);
  gboolean exists = FALSE;

  cr_assert_not (stk_db_check_file (cs->main_path, &exists, &error));
  cr_assert (exists);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CORRUPT), "%s", error->message);
  cr_assert (strstr (error->message, expected) != NULL, "%s", error->message);
  main_after = stk_test_read_bytes (cs->main_path);
  wal_after = stk_test_read_bytes (cs->wal_path);
  cr_assert (g_bytes_equal (main_before, main_after), "the file is byte-for-byte unchanged");
  cr_assert (g_bytes_equal (wal_before, wal_after), "its log is byte-for-byte unchanged");
}

Test (cov_data2, an_inventory_cut_short_whose_log_holds_the_rest_opens_whole)
{
  CutShort cs = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean exists = FALSE;
  sqlite3 *db;
  gint64 n = 0;

  make_cut_short (&cs);
  cr_assert (stk_db_check_file (cs.main_path, &exists, &error), "%s", error ? error->message : "");
  cr_assert (exists);
  db = stk_db_open (cs.main_path, STK_DB_READ_WRITE, &error);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  cr_assert (stk_db_query_int64 (db, "SELECT count(*) FROM filler", &n, &error));
  cr_assert_eq (n, 40, "every row the log held is there");
  stk_db_close (db);
  cut_short_clear (&cs);
}

Test (cov_data2, an_inventory_cut_short_whose_log_lost_a_page_is_refused_untouched)
{
  CutShort cs = { 0 };
  gint64 page_size;
  guint8 junk[8] = { 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef };

  make_cut_short (&cs);
  page_size = stk_test_query (db_path, "PRAGMA page_size");
  /* The last frame (the commit): its checksum no longer matches, so nothing of the
   * log is committed, and SQLite itself finds the pages missing. */
  {
    GStatBuf st;

    cr_assert_eq (g_stat (cs.wal_path, &st), 0);
    poke (cs.wal_path, st.st_size - page_size / 2, junk, sizeof junk);
  }
  refused_as_truncated (&cs);
  cut_short_clear (&cs);
}

Test (cov_data2, an_inventory_cut_short_with_a_log_that_does_not_fit_it_is_refused_untouched)
{
  static const struct
  {
    goffset     offset;
    guint8      bytes[4];
    const char *what;
  } damages[] = {
    { 0, { 0x00, 0x00, 0x00, 0x00 }, "not a write-ahead log (magic)" },
    { 8, { 0x00, 0x00, 0x02, 0x00 }, "a log of another page size" },
    { 24, { 0x01, 0x02, 0x03, 0x04 }, "a log whose header checksum is wrong" },
    { 32 + 8, { 0x55, 0x55, 0x55, 0x55 }, "a first frame of another checkpoint (salt)" },
    { 32, { 0x00, 0x00, 0x00, 0x00 }, "a first frame of page 0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (damages); i++)
    {
      CutShort cs = { 0 };

      cr_log_info ("case %u: %s", i, damages[i].what);
      stk_test_fixture_teardown ();
      stk_test_fixture_setup ();
      make_cut_short (&cs);
      poke (cs.wal_path, damages[i].offset, damages[i].bytes, 4);
      refused_as_truncated (&cs);
      cut_short_clear (&cs);
    }
}

Test (cov_data2, an_inventory_cut_mid_page_whose_log_holds_the_rest_is_read_sound)
{
  CutShort cs = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean exists = FALSE;
  FILE *f;

  /* Not whole pages, so the log's frames are not counted: SQLite reads the file with
   * its log and finds it sound. */
  make_cut_short (&cs);
  f = fopen (cs.main_path, "ab");
  cr_assert_not_null (f);
  fputs ("a torn tail", f);
  fclose (f);
  cr_assert (stk_db_check_file (cs.main_path, &exists, &error), "%s", error ? error->message : "");
  cr_assert (exists);
  cut_short_clear (&cs);
}

Test (cov_data2, an_inventory_cut_mid_page_whose_log_is_damaged_is_refused_untouched)
{
  CutShort cs = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  gboolean exists = FALSE;
  FILE *f;

  make_cut_short (&cs);
  poke (cs.wal_path, 0, "\0\0\0\0", 4);
  f = fopen (cs.main_path, "ab");
  cr_assert_not_null (f);
  fputs ("a torn tail", f);
  fclose (f);
  before = stk_test_read_bytes (cs.main_path);
  cr_assert_not (stk_db_check_file (cs.main_path, &exists, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CORRUPT), "%s", error->message);
  cr_assert (strstr (error->message, "its size does not match its pages") != NULL, "%s",
             error->message);
  after = stk_test_read_bytes (cs.main_path);
  cr_assert (g_bytes_equal (before, after));
  cut_short_clear (&cs);
}

/* ---- outputs ------------------------------------------------------------------------ */

Test (cov_data2, a_target_that_is_a_log_of_either_byte_order_is_never_overwritten)
{
  static const struct
  {
    guint8   head[8];
    gsize    len;
    gboolean is_log;
  } heads[] = {
    { { 0x37, 0x7f, 0x06, 0x82, 0, 0, 0, 0 }, 8, TRUE },
    { { 0x37, 0x7f, 0x06, 0x83, 0, 0, 0, 0 }, 8, TRUE },
    { { 0x37, 0x7f, 0x06, 0x84, 0, 0, 0, 0 }, 8, FALSE },
    { { 0x37, 0x7f, 0x07, 0x82, 0, 0, 0, 0 }, 8, FALSE },
    { { 0x37, 0x7e, 0x06, 0x82, 0, 0, 0, 0 }, 8, FALSE },
    { { 0x36, 0x7f, 0x06, 0x82, 0, 0, 0, 0 }, 8, FALSE },
    { { 0x37, 0x7f, 0x06, 0, 0, 0, 0, 0 }, 3, FALSE },
  };
  g_autofree char *out = in_tmp ("report.csv");

  for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      cr_assert (g_file_set_contents (out, (const char *) heads[i].head, heads[i].len, NULL));
      ok = stk_output_check_target (out, db_path, STK_OUTPUT_REPLACE, &error);
      if (heads[i].is_log)
        {
          cr_assert_not (ok, "case %u", i);
          cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_UNSAFE), "%s", error->message);
          cr_assert (strstr (error->message, "Stocktake never overwrites a database") != NULL,
                     "%s", error->message);
        }
      else
        cr_assert (ok, "case %u: %s", i, error ? error->message : "");
    }
}

Test (cov_data2, a_target_nobody_may_read_is_never_overwritten)
{
  g_autofree char *out = in_tmp ("secret.csv");
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  if (geteuid () != 0)
    cr_skip_test ("needs root to leave a file that nobody may read");
  cr_assert (g_file_set_contents (out, "private\n", -1, NULL));
  cr_assert_eq (chown (out, 65534, 65534), 0);
  cr_assert_eq (g_chmod (out, 0200), 0);      /* nobody may write it, not read it */
  cr_assert_eq (g_chmod (tmpdir, 0777), 0);
  stk_test_drop_privileges ();

  cr_assert_null (stk_output_open (out, NULL, STK_OUTPUT_REPLACE, 0644, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_UNSAFE), "%s", error->message);
  {
    g_autofree char *expected = g_strdup_printf ("Cannot write “%s”: it cannot be read to make "
                                                 "sure it is not a database.", out);

    cr_assert_str_eq (error->message, expected);
  }
  cr_assert_eq (leftovers (), 0);
  cr_assert_eq (g_chmod (out, 0600), 0);
  cr_assert (g_file_get_contents (out, &after, NULL, NULL));
  cr_assert_str_eq (after, "private\n");
}

Test (cov_data2, a_replaced_file_keeps_its_owner_and_its_permissions)
{
  g_autofree char *out = in_tmp ("shared.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOutput) output = NULL;
  g_autofree char *after = NULL;
  GStatBuf st;

  if (geteuid () != 0)
    cr_skip_test ("needs root to replace another user's file");
  cr_assert (g_file_set_contents (out, "old\n", -1, NULL));
  cr_assert_eq (chown (out, 65534, 65534), 0);
  cr_assert_eq (g_chmod (out, 0640), 0);

  output = stk_output_open (out, NULL, STK_OUTPUT_REPLACE, 0600, &error);
  cr_assert_not_null (output, "%s", error ? error->message : "");
  cr_assert_eq (write (stk_output_get_fd (output), "new\n", 4), 4);
  cr_assert (stk_output_commit (output, &error), "%s", error ? error->message : "");
  cr_assert (g_file_get_contents (out, &after, NULL, NULL));
  cr_assert_str_eq (after, "new\n");
  cr_assert_eq (g_stat (out, &st), 0);
  cr_assert_eq (st.st_uid, 65534, "the owner is kept");
  cr_assert_eq (st.st_gid, 65534, "the group is kept");
  cr_assert_eq (st.st_mode & 0777, 0640, "the permissions are kept, not the new file's 0600");
}

/* The commit's dup() finds no descriptor free: the limit drops to the lowest free
 * one right after the sync. */
static struct rlimit saved_nofile;

static int
fsync_then_no_descriptors (int fd)
{
  struct rlimit limit;
  int lowest = dup (0);

  close (lowest);
  cr_assert_eq (getrlimit (RLIMIT_NOFILE, &limit), 0);
  saved_nofile = limit;
  limit.rlim_cur = (rlim_t) lowest;
  cr_assert_eq (setrlimit (RLIMIT_NOFILE, &limit), 0);
  return fsync (fd);
}

Test (cov_data2, a_commit_with_no_descriptor_left_fails_and_keeps_the_old_file)
{
  g_autofree char *out = in_tmp ("items.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOutput) output = NULL;
  g_autofree char *after = NULL;
  gboolean ok;

  cr_assert (g_file_set_contents (out, "old\n", -1, NULL));
  output = stk_output_open (out, NULL, STK_OUTPUT_REPLACE, 0644, &error);
  cr_assert_not_null (output, "%s", error ? error->message : "");
  cr_assert_eq (write (stk_output_get_fd (output), "new\n", 4), 4);
  stk_seams.fsync = fsync_then_no_descriptors;
  ok = stk_output_commit (output, &error);
  cr_assert_eq (setrlimit (RLIMIT_NOFILE, &saved_nofile), 0);
  cr_assert_not (ok);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
  {
    g_autofree char *expected = g_strdup_printf ("Cannot write “%s”: Too many open files.", out);

    cr_assert_str_eq (error->message, expected);
  }
  g_clear_pointer (&output, stk_output_free);
  cr_assert (g_file_get_contents (out, &after, NULL, NULL));
  cr_assert_str_eq (after, "old\n", "the old file is untouched");
  cr_assert_eq (leftovers (), 0, "no temporary file is left behind");
}

/* ---- the lock ----------------------------------------------------------------------- */

Test (cov_data2, a_lock_file_that_is_a_folder_is_refused_and_left)
{
  g_autofree char *lock_path = stk_lock_path_for (db_path);
  g_autoptr(GError) error = NULL;

  cr_assert_eq (g_mkdir (lock_path, 0700), 0);
  cr_assert_null (stk_lock_acquire (db_path, "window", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_UNSAFE), "%s", error->message);
  cr_assert (strstr (error->message, "it is not a regular file") != NULL, "%s", error->message);
  cr_assert (g_file_test (lock_path, G_FILE_TEST_IS_DIR), "the folder is left as it was");
  cr_assert_not (stk_lock_is_held (db_path), "a folder holds nothing");
  cr_assert_null (stk_lock_read_holder (db_path), "a folder names no holder");
  cr_assert (!g_file_test (db_path, G_FILE_TEST_EXISTS), "no inventory was made");
}

Test (cov_data2, a_lock_whose_name_is_too_long_says_why)
{
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *lock_base = NULL;

  /* The inventory's own name fits (252 bytes); its lock file's does not. */
  base = g_strnfill (249, 'n');
  path = g_strconcat (tmpdir, "/", base, ".db", NULL);
  lock_path = stk_lock_path_for (path);
  lock_base = g_path_get_basename (lock_path);
  cr_assert_gt (strlen (lock_base), 255);

  cr_assert_null (stk_lock_acquire (path, "window", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
  cr_assert (g_str_has_prefix (error->message, "Cannot create the lock file “"), "%s",
             error->message);
  cr_assert (g_str_has_suffix (error->message, "”: File name too long."), "%s", error->message);
  cr_assert (!g_file_test (path, G_FILE_TEST_EXISTS), "no inventory was made");
}

/* ---- CSV sources -------------------------------------------------------------------- */

Test (cov_data2, a_source_that_only_starts_like_a_database_is_read_as_csv)
{
  g_autofree char *short_one = in_tmp ("short.csv");
  g_autofree char *near_one = in_tmp ("near.csv");
  g_autofree char *database = in_tmp ("real.csv");
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_set_contents (short_one, "SQLit", -1, NULL));
  cr_assert (g_file_set_contents (near_one, "SQLite format 4\nmore", -1, NULL));
  cr_assert (stk_import_check_source (short_one, FALSE, db_path, &error), "%s", error ? error->message : "");
  cr_assert (stk_import_check_source (near_one, FALSE, db_path, &error), "%s", error ? error->message : "");

  stk_test_close_writer (stk_test_open_writer (db_path));
  copy_file (db_path, database, G_MAXSIZE);
  cr_assert_not (stk_import_check_source (database, FALSE, db_path, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert (strstr (error->message, "it is an SQLite database") != NULL, "%s", error->message);
}

Test (cov_data2, a_source_in_a_folder_nobody_may_enter_says_why)
{
  g_autofree char *secret = in_tmp ("secret");
  g_autofree char *path = g_build_filename (secret, "items.csv", NULL);
  g_autoptr(GError) error = NULL;

  if (geteuid () != 0)
    cr_skip_test ("needs root to make a folder that nobody may enter");
  cr_assert_eq (g_mkdir (secret, 0700), 0);
  cr_assert (g_file_set_contents (path, "code\n", -1, NULL));
  stk_test_drop_privileges ();
  cr_assert_not (stk_input_check (path, FALSE, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY), "%s", error->message);
  cr_assert (strstr (error->message, "Permission denied") != NULL ||
             strstr (error->message, "permission") != NULL, "%s", error->message);
}

/* ---- what killed writes left ------------------------------------------------------- */

Test (cov_data2, stale_companions_and_killed_backups_go_look_alikes_stay)
{
  g_autofree char *dir = in_tmp ("folder");
  static const char *const gone[] = {
    ".a.csv.stocktake-tmp-abc123-shm",   /* shared memory of a killed write, main gone */
    "c.db.part-89abcdef",                /* an older version's killed backup, a database */
  };
  static const char *const stay[] = {
    "b.db.part-0123abcg",                /* not hexadecimal: not ours */
    "d.db.part-0123abcd-wal",            /* a legacy part has a journal, never a log */
  };
  g_autofree char *folder_companion = g_build_filename (dir, ".e.csv.stocktake-tmp-abc123-wal",
                                                        NULL);
  static const char sqlite_head[] = "SQLite format 3";

  cr_assert_eq (g_mkdir (dir, 0700), 0);
  for (guint i = 0; i < G_N_ELEMENTS (gone); i++)
    {
      g_autofree char *p = g_build_filename (dir, gone[i], NULL);

      cr_assert (g_file_set_contents (p, sqlite_head, sizeof sqlite_head, NULL));
    }
  for (guint i = 0; i < G_N_ELEMENTS (stay); i++)
    {
      g_autofree char *p = g_build_filename (dir, stay[i], NULL);

      cr_assert (g_file_set_contents (p, "keep me", -1, NULL));
    }
  cr_assert_eq (g_mkdir (folder_companion, 0700), 0);

  cr_assert_eq (stk_output_remove_stale (dir), G_N_ELEMENTS (gone));
  for (guint i = 0; i < G_N_ELEMENTS (gone); i++)
    {
      g_autofree char *p = g_build_filename (dir, gone[i], NULL);

      cr_assert_not (g_file_test (p, G_FILE_TEST_EXISTS), "%s stayed", gone[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (stay); i++)
    {
      g_autofree char *p = g_build_filename (dir, stay[i], NULL);
      g_autofree char *contents = NULL;

      cr_assert (g_file_get_contents (p, &contents, NULL, NULL), "%s went", stay[i]);
      cr_assert_str_eq (contents, "keep me");
    }
  cr_assert (g_file_test (folder_companion, G_FILE_TEST_IS_DIR), "a folder is never removed");
}

Test (cov_data2, an_output_whose_links_loop_is_refused_and_nothing_is_written)
{
  g_autofree char *loop = in_tmp ("report.csv");
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  struct stat st;

  cr_assert_eq (symlink (loop, loop), 0);
  cr_assert_not (stk_output_check_target (loop, db_path, STK_OUTPUT_REPLACE, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  expected = g_strdup_printf ("“%s” cannot be opened: its symbolic links lead round in a loop.",
                              loop);
  cr_assert_str_eq (error->message, expected);
  cr_assert_eq (lstat (loop, &st), 0);
  cr_assert (S_ISLNK (st.st_mode), "the link is left as it was");
  cr_assert_eq (leftovers (), 0);
}
