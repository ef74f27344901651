/* SPDX-License-Identifier: GPL-3.0-or-later */
/* I/O faults injected under every write path through a test-only SQLite VFS
 * (stk-faultvfs.c): for a single op, a group-commit batch, a CSV import, a schema
 * migration, a backup, a restore and a checkpoint, the Nth read, write or sync fails,
 * for N = 1, 2, 3 … until a run no longer reaches the fault. After every run the
 * caller got a clear error or success, the writer still works, and after a reopen the
 * inventory verifies clean with every op applied completely or not at all and every
 * op acknowledged before the fault present exactly once. */
#include "config.h"

#include <criterion/criterion.h>

#include <glib/gstdio.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-faultvfs.h"
#include "stk-maintenance.h"
#include "stk-ops.h"
#include "stk-schema.h"
#include "stk-store.h"
#include "stk-transfer.h"
#include "stk-writer.h"
#include "stk-test-sqlite.h"

/* No path here comes near it; reaching it would mean the fault is never out of reach. */
#define MAX_N 2000

static char *tmpdir;
static char *template_path; /* an empty, current inventory without a WAL */
static char *backup_path;   /* a backup holding R-1…R-3, for the restore path */

static void
make_template (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;

  template_path = g_build_filename (tmpdir, "template.db", NULL);
  writer = stk_writer_new (template_path, &error);
  cr_assert_not_null (writer, "%s", error ? error->message : "");
  cr_assert (stk_writer_close (writer, 1000, &error), "%s", error ? error->message : "");
}

static void
setup (void)
{
  stk_faultvfs_register ();
  stk_faultvfs_disarm ();
  tmpdir = stk_test_mkdtemp ();
  make_template ();
}

static void
teardown (void)
{
  stk_faultvfs_disarm ();
  stk_test_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&template_path, g_free);
  g_clear_pointer (&backup_path, g_free);
}

TestSuite (faults, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers ---- */

/* The figures the README cites. Criterion's --tap swallows a test's output, so they
 * also go to test-faults-figures.txt in the tests' build folder (appended, one line
 * per path and kind, with the time of the run). */
static void
stk_fault_note (const char *format,
                ...) G_GNUC_PRINTF (1, 2);

static void
stk_fault_note (const char *format,
                ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  fputs (line, stderr);

  {
    const char *dir = g_getenv ("STK_TEST_BUILDDIR");
    g_autofree char *path = g_build_filename (dir != NULL ? dir : ".",
                                              "test-faults-figures.txt", NULL);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *stamp = g_date_time_format_iso8601 (now);
    FILE *file = fopen (path, "a");

    if (file != NULL)
      {
        fprintf (file, "%s %s", stamp, line);
        fclose (file);
      }
  }
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) src = g_file_new_for_path (from);
  g_autoptr(GFile) dest = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_copy (src, dest, G_FILE_COPY_NONE, NULL, NULL, NULL, &error),
             "%s", error ? error->message : "");
}

static gint64
query (const char *path,
       const char *format,
       ...) G_GNUC_PRINTF (2, 3);

static gint64
query (const char *path,
       const char *format,
       ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return stk_test_query (path, sql);
}

static StkWriter *
open_writer (const char *path)
{
  g_autoptr(GError) error = NULL;
  StkWriter *writer = stk_writer_new (path, &error);

  cr_assert_not_null (writer, "cannot open %s: %s", path, error ? error->message : "");
  return writer;
}

static void
close_writer (StkWriter **writer)
{
  g_autoptr(GError) error = NULL;

  if (*writer == NULL)
    return;
  cr_assert (stk_writer_close (*writer, 2000, &error), "%s", error ? error->message : "");
  g_clear_object (writer);
}

/* Creates an item and returns the op's id: an acknowledged op. */
static char *
create_item (StkWriter  *writer,
             const char *code)
{
  g_autoptr(StkOp) op = stk_op_create_item (code, "fault test", 250, 1);
  g_autoptr(GError) error = NULL;

  cr_assert (stk_writer_submit_sync (writer, op, &error), "create %s: %s", code,
             error ? error->message : "");
  return g_strdup (stk_op_get_id (op));
}

#define BATCH_OPS 4

/* Everything one run of one path needs. */
typedef struct
{
  char       *dir;
  char       *db_path;
  StkWriter  *writer;
  StkStore   *store;
  GPtrArray  *prior_ids;  /* ops acknowledged before the fault */
  char       *op_id;      /* the op under test, when it has one */
  char       *dest_path;  /* backup */
  char       *csv_path;   /* import */
  char       *safety;     /* restore */
  gint64      schema_objects_before;
  /* batch */
  StkTestGate gate;
  gboolean    gate_inited;
  StkOp      *ops[BATCH_OPS + 1]; /* [0] is the gate */
  GError     *errors[BATCH_OPS + 1];
  gboolean    done[BATCH_OPS + 1];
  guint       n_done;
  gboolean    all_done;
} Run;

typedef struct
{
  const char *name;
  void      (*prepare) (Run     *run);
  gboolean  (*exercise) (Run     *run,
                         GError **error);
  /* After the fault, disarmed, before the reopen: path-specific checks. */
  void      (*check_after) (Run      *run,
                            gboolean  ok);
  /* After the reopen: path-specific checks of the contents. */
  void      (*check_reopened) (Run      *run,
                               gboolean  ok);
} FaultPath;

/* Two acknowledged ops, then a writer opened afresh: its page cache is cold, so the op
 * under test reads the file (as the first op after starting the program does). */
static void
prepare_writer_with_prior (Run *run)
{
  copy_file (template_path, run->db_path);
  run->writer = open_writer (run->db_path);
  g_ptr_array_add (run->prior_ids, create_item (run->writer, "P-1"));
  g_ptr_array_add (run->prior_ids, create_item (run->writer, "P-2"));
  close_writer (&run->writer);
  run->writer = open_writer (run->db_path);
}

static void
check_prior (Run *run)
{
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM items WHERE code LIKE 'P-%%'"),
                (gint64) run->prior_ids->len, "an op acknowledged before the fault is missing");
  for (guint i = 0; i < run->prior_ids->len; i++)
    cr_assert_eq (query (run->db_path, "SELECT count(*) FROM applied_ops WHERE op_id = '%s'",
                         (const char *) g_ptr_array_index (run->prior_ids, i)), 1,
                  "an acknowledged op is not recorded exactly once");
}

/* ---- single op ---- */

static gboolean
single_exercise (Run     *run,
                 GError **error)
{
  g_autoptr(StkOp) op = stk_op_create_item ("X-1", "the op under the fault", 990, 0);

  run->op_id = g_strdup (stk_op_get_id (op));
  return stk_writer_submit_sync (run->writer, op, error);
}

static void
single_check (Run      *run,
              gboolean  ok)
{
  check_prior (run);
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM items WHERE code = 'X-1'"), ok ? 1 : 0,
                "the op %s but its item is %s", ok ? "succeeded" : "failed",
                ok ? "missing" : "there");
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM applied_ops WHERE op_id = '%s'",
                       run->op_id), ok ? 1 : 0);
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM items"), 2 + (ok ? 1 : 0) + 1);
}

/* ---- group-commit batch ---- */

static void
batch_submitted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Run *run = g_object_get_data (object, "stk-fault-run");
  guint i = GPOINTER_TO_UINT (user_data);

  stk_writer_submit_finish (STK_WRITER (object), result, &run->errors[i]);
  run->done[i] = TRUE;
  if (++run->n_done == G_N_ELEMENTS (run->ops))
    run->all_done = TRUE;
}

static void
batch_prepare (Run *run)
{
  prepare_writer_with_prior (run);
  g_object_set_data (G_OBJECT (run->writer), "stk-fault-run", run);
  stk_test_gate_init (&run->gate);
  run->gate_inited = TRUE;
  run->ops[0] = stk_test_gate_op (&run->gate);
  stk_writer_submit (run->writer, run->ops[0], NULL, batch_submitted_cb, GUINT_TO_POINTER (0));
  stk_test_gate_wait_started (&run->gate);
  for (guint i = 1; i <= BATCH_OPS; i++)
    {
      g_autofree char *code = g_strdup_printf ("B-%u", i);

      run->ops[i] = stk_op_create_item (code, "batched", 100 * i, 0);
      stk_writer_submit (run->writer, run->ops[i], NULL, batch_submitted_cb, GUINT_TO_POINTER (i));
    }
  cr_assert_eq (stk_writer_get_pending (run->writer), BATCH_OPS + 1);
}

static gboolean
batch_exercise (Run     *run,
                GError **error)
{
  stk_test_gate_release (&run->gate);
  cr_assert (stk_test_wait_for (&run->all_done, 20000), "the batch never completed");
  for (guint i = 0; i < G_N_ELEMENTS (run->ops); i++)
    if (run->errors[i] != NULL)
      {
        g_propagate_error (error, g_error_copy (run->errors[i]));
        return FALSE;
      }
  return TRUE;
}

static void
batch_check (Run      *run,
             gboolean  ok)
{
  guint applied = 0;

  check_prior (run);
  for (guint i = 0; i < G_N_ELEMENTS (run->ops); i++)
    {
      gboolean op_ok = run->errors[i] == NULL;

      if (!op_ok)
        cr_assert_eq (run->errors[i]->domain, STK_ERROR, "op %u: %s", i, run->errors[i]->message);
      cr_assert_eq (query (run->db_path, "SELECT count(*) FROM applied_ops WHERE op_id = '%s'",
                           stk_op_get_id (run->ops[i])), op_ok ? 1 : 0,
                    "op %u %s but is recorded %s", i, op_ok ? "succeeded" : "failed",
                    op_ok ? "not exactly once" : "anyway");
      if (i > 0)
        {
          cr_assert_eq (query (run->db_path, "SELECT count(*) FROM items WHERE code = 'B-%u'", i),
                        op_ok ? 1 : 0, "op B-%u %s but its item is %s", i,
                        op_ok ? "succeeded" : "failed", op_ok ? "missing" : "there");
          applied += op_ok;
        }
    }
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM items"), 2 + applied + 1);
}

/* ---- CSV import ---- */

#define CSV_ROWS 5

static void
import_prepare (Run *run)
{
  g_autoptr(GString) csv = g_string_new ("code,description,unit_price,reorder_level\n");
  g_autoptr(GError) error = NULL;

  prepare_writer_with_prior (run);
  for (guint i = 1; i <= CSV_ROWS; i++)
    g_string_append_printf (csv, "I-%u,Imported %u,%u.25,%u\n", i, i, i, i % 3);
  run->csv_path = g_build_filename (run->dir, "skus.csv", NULL);
  cr_assert (g_file_set_contents (run->csv_path, csv->str, (gssize) csv->len, &error));
}

static gboolean
import_exercise (Run     *run,
                 GError **error)
{
  g_auto(StkImportReport) report = { 0 };

  return stk_import_file (run->writer, STK_TABLE_SKUS, run->csv_path, NULL, NULL, NULL,
                          &report, error);
}

static void
import_check (Run      *run,
              gboolean  ok)
{
  check_prior (run);
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM items WHERE code LIKE 'I-%%'"),
                ok ? CSV_ROWS : 0, "an import must be all rows or none");
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM items"),
                2 + (ok ? CSV_ROWS : 0) + 1);
}

/* ---- migration from version 2 ---- */

static void
migrate_prepare (Run *run)
{
  sqlite3 *db = NULL;

  cr_assert_eq (sqlite3_open_v2 (run->db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                 NULL), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, 2, NULL));
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO items (code, description, unit_price_cents,"
                              " created_at, updated_at)"
                              " VALUES ('OLD-1', 'from v2', 150, 1, 1),"
                              "        ('old-2', 'second', 0, 1, 1);"
                              "INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                              " VALUES (1, 'receive', 7, 7, 2);",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  cr_assert_eq (sqlite3_close (db), SQLITE_OK);
  run->schema_objects_before = query (run->db_path, "SELECT count(*) FROM sqlite_schema");
}

static gboolean
migrate_exercise (Run     *run,
                  GError **error)
{
  run->writer = stk_writer_new (run->db_path, error);
  return run->writer != NULL;
}

static void
migrate_check_after (Run      *run,
                     gboolean  ok)
{
  gint64 version = query (run->db_path, "PRAGMA user_version");
  gint64 objects = query (run->db_path, "SELECT count(*) FROM sqlite_schema");
  gint64 objects_v3 = query (template_path, "SELECT count(*) FROM sqlite_schema");

  cr_assert (version == 2 || version == STK_SCHEMA_VERSION, "half-migrated: version %d",
             (int) version);
  if (ok)
    cr_assert_eq (version, STK_SCHEMA_VERSION);
  else if (version == STK_SCHEMA_VERSION)
    stk_fault_note ("migration: the open failed, but the upgrade had been committed\n");
  cr_assert_eq (objects, version == 2 ? run->schema_objects_before : objects_v3,
                "version %d with %d schema objects: the upgrade is not all or nothing",
                (int) version, (int) objects);
}

static void
migrate_check (Run      *run,
               gboolean  ok)
{
  cr_assert_eq (query (run->db_path, "PRAGMA user_version"), STK_SCHEMA_VERSION);
  cr_assert_eq (query (run->db_path,
                       "SELECT count(*) FROM items WHERE code IN ('OLD-1', 'old-2')"), 2);
  cr_assert_eq (query (run->db_path, "SELECT on_hand FROM items WHERE code = 'OLD-1'"), 7);
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM movements"), 1);
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM items"), 2 + (ok ? 1 : 0));
}

/* ---- backup ---- */

static void
backup_prepare (Run *run)
{
  g_autoptr(GError) error = NULL;

  prepare_writer_with_prior (run);
  run->store = stk_store_new (run->db_path, &error);
  cr_assert_not_null (run->store, "%s", error ? error->message : "");
  run->dest_path = g_build_filename (run->dir, "backup.db", NULL);
}

static gboolean
backup_exercise (Run     *run,
                 GError **error)
{
  return stk_store_backup (run->store, run->dest_path, error);
}

static void
backup_check_after (Run      *run,
                    gboolean  ok)
{
  g_autoptr(GDir) dir = g_dir_open (run->dir, 0, NULL);
  const char *name;

  cr_assert_eq (g_file_test (run->dest_path, G_FILE_TEST_EXISTS), ok,
                "the backup %s but its file %s", ok ? "succeeded" : "failed",
                ok ? "is missing" : "exists");
  while ((name = g_dir_read_name (dir)) != NULL)
    cr_assert (strstr (name, ".part-") == NULL && strstr (name, ".stocktake-tmp-") == NULL,
               "a partial backup was left behind: %s", name);
  if (ok)
    {
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(GError) error = NULL;

      cr_assert (stk_verify_file (run->dest_path, &problems, &error), "%s",
                 error ? error->message : "");
      cr_assert_eq (problems->len, 0, "the backup: %s",
                    problems->len ? (char *) g_ptr_array_index (problems, 0) : "");
      cr_assert_eq (query (run->dest_path, "SELECT count(*) FROM items"), 2);
    }
}

static void
backup_check (Run      *run,
              gboolean  ok)
{
  check_prior (run);
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM items"), 2 + 1);
}

/* ---- restore ---- */

/* Once per test: a backup holding R-1…R-3. */
static void
make_restore_backup (void)
{
  g_autofree char *src = g_build_filename (tmpdir, "restore-src.db", NULL);
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) error = NULL;

  copy_file (template_path, src);
  writer = open_writer (src);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *code = g_strdup_printf ("R-%u", i);
      g_free (create_item (writer, code));
    }
  store = stk_store_new (src, &error);
  cr_assert_not_null (store);
  backup_path = g_build_filename (tmpdir, "restore-me.db", NULL);
  cr_assert (stk_store_backup (store, backup_path, &error), "%s", error ? error->message : "");
  close_writer (&writer);
}

static void
restore_prepare (Run *run)
{
  g_autoptr(GError) error = NULL;

  prepare_writer_with_prior (run);
  run->store = stk_store_new (run->db_path, &error);
  cr_assert_not_null (run->store, "%s", error ? error->message : "");
}

static gboolean
restore_exercise (Run     *run,
                  GError **error)
{
  return stk_restore (run->writer, run->store, backup_path, &run->safety, error);
}

static void
restore_check (Run      *run,
               gboolean  ok)
{
  gint64 p = query (run->db_path, "SELECT count(*) FROM items WHERE code LIKE 'P-%%'");
  gint64 r = query (run->db_path, "SELECT count(*) FROM items WHERE code LIKE 'R-%%'");
  gint64 after = query (run->db_path, "SELECT count(*) FROM items WHERE code = 'AFTER'");

  cr_assert ((p == 2 && r == 0) || (p == 0 && r == 3),
             "restore is not all or nothing: %d current items, %d restored ones", (int) p, (int) r);
  if (ok)
    cr_assert_eq (r, 3, "the restore succeeded but the backup's items are missing");
  else if (r == 3)
    stk_fault_note ("restore: reported failed, but the backup had been restored\n");
  if (p == 2)
    check_prior (run);
  cr_assert_eq (after, 1);
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM items"), p + r + 1);
  if (run->safety != NULL)
    cr_assert_eq (query (run->safety, "SELECT count(*) FROM items WHERE code LIKE 'P-%%'"), 2);
}

/* ---- checkpoint ---- */

/* A third acknowledged op, so the write-ahead log holds frames to copy back. */
static void
checkpoint_prepare (Run *run)
{
  prepare_writer_with_prior (run);
  g_ptr_array_add (run->prior_ids, create_item (run->writer, "P-3"));
}

static gboolean
checkpoint_exercise (Run     *run,
                     GError **error)
{
  return stk_checkpoint (run->writer, NULL, NULL, error);
}

static void
checkpoint_check (Run      *run,
                  gboolean  ok)
{
  check_prior (run);
  cr_assert_eq (query (run->db_path, "SELECT count(*) FROM items"), 3 + 1);
}

static const FaultPath single_path = {
  "single op", prepare_writer_with_prior, single_exercise, NULL, single_check,
};
static const FaultPath batch_path = {
  "batch", batch_prepare, batch_exercise, NULL, batch_check,
};
static const FaultPath import_path = {
  "import", import_prepare, import_exercise, NULL, import_check,
};
static const FaultPath migrate_path = {
  "migration", migrate_prepare, migrate_exercise, migrate_check_after, migrate_check,
};
static const FaultPath backup_path_ = {
  "backup", backup_prepare, backup_exercise, backup_check_after, backup_check,
};
static const FaultPath restore_path = {
  "restore", restore_prepare, restore_exercise, NULL, restore_check,
};
static const FaultPath checkpoint_path = {
  "checkpoint", checkpoint_prepare, checkpoint_exercise, NULL, checkpoint_check,
};

/* ---- the loop ---- */

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->dir, g_free);
  g_clear_pointer (&run->db_path, g_free);
  g_clear_pointer (&run->prior_ids, g_ptr_array_unref);
  g_clear_pointer (&run->op_id, g_free);
  g_clear_pointer (&run->dest_path, g_free);
  g_clear_pointer (&run->csv_path, g_free);
  g_clear_pointer (&run->safety, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (run->ops); i++)
    {
      g_clear_pointer (&run->ops[i], stk_op_unref);
      g_clear_error (&run->errors[i]);
    }
  if (run->gate_inited)
    stk_test_gate_clear (&run->gate);
}

/* One run: prepare, fault the nth call of kind, check. TRUE when the fault fired. */
static gboolean
run_once (const FaultPath *path,
          StkFaultKind     kind,
          int              code,
          guint64          nth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  Run run = { 0 };
  gboolean ok;
  gboolean fired;

  run.dir = g_strdup_printf ("%s/%s-%s-%" G_GUINT64_FORMAT, tmpdir, path->name,
                             stk_fault_kind_to_string (kind), nth);
  cr_assert_eq (g_mkdir (run.dir, 0700), 0);
  run.db_path = g_build_filename (run.dir, "inventory.db", NULL);
  run.prior_ids = g_ptr_array_new_with_free_func (g_free);
  path->prepare (&run);

  stk_faultvfs_arm (kind, nth, code);
  ok = path->exercise (&run, &error);
  stk_faultvfs_disarm ();
  fired = stk_faultvfs_fired () > 0;

  /* A clear error, or success. */
  if (ok)
    cr_assert_null (error, "%s: success with an error set", path->name);
  else
    {
      cr_assert_not_null (error, "%s: failed without an error", path->name);
      cr_assert (fired, "%s failed, with no fault injected: %s", path->name, error->message);
      cr_assert_eq (error->domain, STK_ERROR, "%s: %s", path->name, error->message);
      cr_assert (error->code == STK_ERROR_IO || error->code == STK_ERROR_NO_SPACE,
                 "%s, %s fault #%" G_GUINT64_FORMAT ": unexpected error %d: %s", path->name,
                 stk_fault_kind_to_string (kind), nth, error->code, error->message);
      cr_assert (error->message[0] != '\0');
    }
  g_clear_error (&error);

  if (path->check_after != NULL)
    path->check_after (&run, ok);

  /* The writer survived: it takes the next op. */
  if (run.writer != NULL)
    g_free (create_item (run.writer, "AFTER"));
  close_writer (&run.writer);
  g_clear_object (&run.store);

  /* Reopen: sound, and every op applied completely or not at all. */
  writer = open_writer (run.db_path);
  store = stk_store_new (run.db_path, &error);
  cr_assert_not_null (store, "%s", error ? error->message : "");
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems, "%s", error ? error->message : "");
  cr_assert_eq (problems->len, 0, "%s, %s fault #%" G_GUINT64_FORMAT ": %s", path->name,
                stk_fault_kind_to_string (kind), nth,
                problems->len ? (char *) g_ptr_array_index (problems, 0) : "");
  path->check_reopened (&run, ok);
  close_writer (&writer);
  g_clear_object (&store);

  stk_test_rmdir (run.dir);
  run_clear (&run);
  return fired;
}

static guint
run_path_kind (const FaultPath *path,
               StkFaultKind     kind,
               int              code)
{
  guint64 nth;
  guint injected = 0;
  gint64 start = g_get_monotonic_time ();

  for (nth = 1; nth <= MAX_N; nth++)
    {
      if (!run_once (path, kind, code, nth))
        break;
      injected++;
    }
  cr_assert_leq (nth, MAX_N, "%s: the %s fault was still reached after %d runs", path->name,
                 stk_fault_kind_to_string (kind), MAX_N);
  cr_assert_gt (injected, 0, "%s: no %s fault was ever reached", path->name,
                stk_fault_kind_to_string (kind));
  stk_fault_note ("faults injected: %-10s %-5s %4u (%.1f s)\n", path->name,
                  stk_fault_kind_to_string (kind), injected,
                  (g_get_monotonic_time () - start) / 1e6);
  return injected;
}

static void
run_path (const FaultPath *path)
{
  guint total = 0;

  total += run_path_kind (path, STK_FAULT_WRITE, SQLITE_IOERR_WRITE);
  total += run_path_kind (path, STK_FAULT_SYNC, SQLITE_IOERR_FSYNC);
  total += run_path_kind (path, STK_FAULT_READ, SQLITE_IOERR_READ);
  stk_fault_note ("faults injected: %-10s total %4u\n", path->name, total);
}

Test (faults, single_op)
{
  run_path (&single_path);
}

Test (faults, group_commit_batch)
{
  run_path (&batch_path);
}

Test (faults, csv_import)
{
  run_path (&import_path);
}

Test (faults, migration_from_v2)
{
  run_path (&migrate_path);
}

Test (faults, backup)
{
  run_path (&backup_path_);
}

Test (faults, restore)
{
  make_restore_backup ();
  run_path (&restore_path);
}

Test (faults, checkpoint)
{
  run_path (&checkpoint_path);
}

/* ---- a full disk, a lock held elsewhere ---- */

static void
collect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;
  guint i = run->n_done;

  stk_writer_submit_finish (STK_WRITER (object), result, &run->errors[i]);
  run->done[i] = TRUE;
  run->n_done++;
  run->all_done = TRUE;
}

Test (faults, disk_full_fails_ops_and_the_writer_survives)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GError) alone_error = NULL;
  g_autoptr(StkOp) alone = stk_op_create_item ("S-1", "no room", 1, 0);
  Run run = { 0 };
  StkWriterFigures figures;

  run.dir = g_strdup (tmpdir);
  run.db_path = g_build_filename (tmpdir, "full.db", NULL);
  run.prior_ids = g_ptr_array_new_with_free_func (g_free);
  batch_prepare (&run);

  /* From the first write on, the disk stays full: the batch, then its ops one by one,
   * then one more op all fail with "the disk is full". */
  stk_faultvfs_arm_sticky (STK_FAULT_WRITE, 1, SQLITE_FULL);
  cr_assert_not (batch_exercise (&run, &error));
  cr_assert_not (stk_writer_submit_sync (run.writer, alone, &alone_error));
  stk_faultvfs_disarm ();
  cr_assert_geq (stk_faultvfs_fired (), 1 + BATCH_OPS + 1);
  for (guint i = 0; i < G_N_ELEMENTS (run.ops); i++)
    cr_assert (g_error_matches (run.errors[i], STK_ERROR, STK_ERROR_NO_SPACE), "op %u: %s", i,
               run.errors[i] ? run.errors[i]->message : "succeeded");
  cr_assert (g_error_matches (alone_error, STK_ERROR, STK_ERROR_NO_SPACE), "%s",
             alone_error->message);
  cr_assert_not_null (strstr (alone_error->message, "disk is full"), "%s", alone_error->message);

  /* Space again: the writer is still there, ready, and takes the next op. */
  g_free (create_item (run.writer, "AFTER"));
  stk_writer_get_figures (run.writer, &figures);
  cr_assert_eq (figures.state, STK_WRITER_STATE_READY);
  cr_assert_eq (figures.failed, 1 + BATCH_OPS + 1);
  close_writer (&run.writer);

  cr_assert_eq (query (run.db_path, "SELECT count(*) FROM items"), 2 + 1);
  cr_assert_eq (query (run.db_path,
                       "SELECT count(*) FROM items WHERE code LIKE 'B-%%' OR code = 'S-1'"), 0);
  check_prior (&run);
  store = stk_store_new (run.db_path, &error);
  cr_assert_not_null (store);
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems);
  cr_assert_eq (problems->len, 0, "%s",
                problems->len ? (char *) g_ptr_array_index (problems, 0) : "");
  run_clear (&run);
}

Test (faults, write_lock_held_elsewhere_then_released)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) op = stk_op_create_item ("L-1", "waited for the lock", 1, 0);
  g_autoptr(StkWriter) writer = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "locked.db", NULL);
  StkWriterFigures figures = { 0 };
  Run run = { 0 };

  copy_file (template_path, path);
  writer = g_initable_new (STK_TYPE_WRITER, NULL, &error,
                           "path", path,
                           "retry-budget-ms", 100,
                           "probe-interval-ms", 50,
                           "poll-interval-ms", 50,
                           NULL);
  cr_assert_not_null (writer, "%s", error ? error->message : "");
  g_free (create_item (writer, "P-1"));

  /* Every write lock the writer asks for is busy, as if another program held the database:
   * the op waits in the queue (retrying, then locked), and commits once it is free. */
  stk_faultvfs_arm_sticky (STK_FAULT_SHM_LOCK, 1, SQLITE_BUSY);
  stk_writer_submit (writer, op, NULL, collect_cb, &run);
  STK_TEST_WAIT_UNTIL ((stk_writer_get_figures (writer, &figures), figures.lock_episodes > 0),
                       30000);
  cr_assert_gt (figures.lock_episodes, 0, "the writer never reported the lock");
  cr_assert_gt (figures.retries, 0);
  cr_assert_not (run.all_done, "the op finished while the database was locked");
  cr_assert_gt (stk_faultvfs_fired (), 0);
  stk_faultvfs_disarm ();
  stk_writer_retry_now (writer);
  cr_assert (stk_test_wait_for (&run.all_done, 5000));
  cr_assert_null (run.errors[0], "%s", run.errors[0] ? run.errors[0]->message : "");
  close_writer (&writer);

  cr_assert_eq (query (path, "SELECT count(*) FROM items WHERE code = 'L-1'"), 1);
  cr_assert_eq (query (path, "SELECT count(*) FROM applied_ops WHERE op_id = '%s'",
                       stk_op_get_id (op)), 1);
  run_clear (&run);
}
