/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-backups.h"
#include "stk-error.h"
#include "stk-glib.h"
#include "stk-identity.h"
#include "stk-maintenance.h"

/* ---- the import's policy ---- */

static const char *const companions[] = { "-wal", "-shm", "-journal", ".lock" };

static gboolean
is_sqlite_file (const char *path)
{
  static const char magic[16] = "SQLite format 3";
  char head[sizeof magic];
  gssize n;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    return FALSE;
  n = read (fd, head, sizeof head);
  close (fd);
  return n == (gssize) sizeof head && memcmp (head, magic, sizeof magic) == 0;
}

gboolean
stk_input_check (const char  *path,
                 gboolean     folder,
                 GError     **error)
{
  g_autofree char *name = NULL;
  struct stat st;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = g_filename_display_name (path);
  if (stat (path, &st) != 0)
    {
      int errsv = errno;

      if (errsv != ENOENT && errsv != ENOTDIR && errsv != ELOOP)
        {
          stk_identity_set_stat_error (error, errsv, path);
          return FALSE;
        }
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                   folder ? _("Cannot read “%s”: there is no such folder.")
                          : _("Cannot read “%s”: there is no such file."),
                   name);
      return FALSE;
    }

  if (folder && !S_ISDIR (st.st_mode))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("“%s” is not a folder: import all reads skus.csv, movements.csv and "
                     "sales.csv from a folder that export all wrote."),
                   name);
      return FALSE;
    }
  if (!folder && S_ISDIR (st.st_mode))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Cannot read “%s”: it is a folder, not a file."), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
stk_import_check_source (const char  *path,
                         gboolean     folder,
                         const char  *inventory,
                         GError     **error)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!stk_input_check (path, folder, error))
    return FALSE;
  if (folder)
    return TRUE;

  name = g_filename_display_name (path);
  if (inventory != NULL)
    {
      g_autofree char *real = stk_identity_resolve_lenient (path);
      g_autofree char *inv = stk_identity_resolve_lenient (inventory);

      if (g_str_equal (real, inv) || stk_identity_same_file (real, inv))
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("Cannot read “%s”: it is the inventory itself, not a CSV file."),
                       name);
          return FALSE;
        }
      for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
        {
          g_autofree char *companion = g_strconcat (inv, companions[i], NULL);

          if (g_str_equal (real, companion) || stk_identity_same_file (real, companion))
            {
              g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("Cannot read “%s”: it belongs to the inventory (its write-ahead "
                             "log, shared memory, journal or lock file), not a CSV file."),
                           name);
              return FALSE;
            }
        }
    }

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && is_sqlite_file (path))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Cannot read “%s”: it is an SQLite database (an inventory or a backup), "
                     "not a CSV file."),
                   name);
      return FALSE;
    }
  return TRUE;
}

/* ---- jobs ---- */

typedef enum
{
  JOB_IMPORT,
  JOB_IMPORT_ALL,
  JOB_EXPORT,
  JOB_EXPORT_ALL,
  JOB_BACKUP,
  JOB_VERIFY,
  JOB_GENERATE,
  JOB_RESTORE,
  JOB_BACKUP_LIST,
} JobKind;

typedef struct
{
  JobKind          kind;
  StkWriter       *writer;
  StkStore        *store;
  StkTable         table;
  char            *path;
  char            *folder;
  StkOutputFlags   flags;
  guint64          n_skus;
  guint64          n_sales;
  guint32          seed;

  /* Progress: written by the worker, delivered on @context. */
  GMutex           lock;
  guint64          done;
  guint64          total;
  gboolean         scheduled;
  gboolean         finished;
  StkProgressFunc  progress;
  gpointer         progress_data;
  GMainContext    *context;
  GCancellable    *cancellable;

  /* Outcome, written by the worker before the task returns. */
  StkImportReport  report;
  guint64          rows;
  char            *safety;
} Job;

static Job *
job_ref (Job *job)
{
  return g_atomic_rc_box_acquire (job);
}

static void
job_clear (Job *job)
{
  g_clear_object (&job->writer);
  g_clear_object (&job->store);
  g_clear_pointer (&job->path, g_free);
  g_clear_pointer (&job->folder, g_free);
  g_clear_pointer (&job->safety, g_free);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_object (&job->cancellable);
  stk_import_report_clear (&job->report);
  g_mutex_clear (&job->lock);
}

static void
job_unref (Job *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify) job_clear);
}

/* On the caller's context. */
static gboolean
job_progress_cb (gpointer user_data)
{
  Job *job = user_data;
  guint64 done, total;
  gboolean finished;

  g_mutex_lock (&job->lock);
  done = job->done;
  total = job->total;
  finished = job->finished;
  job->scheduled = FALSE;
  g_mutex_unlock (&job->lock);

  /* After the callback, or once the caller cancelled, its data may be gone. */
  if (!finished && !g_cancellable_is_cancelled (job->cancellable))
    job->progress (done, total, job->progress_data);
  return G_SOURCE_REMOVE;
}

/* On the worker thread: keeps the latest figures and, unless a delivery is already
 * waiting, schedules one STK_JOB_PROGRESS_INTERVAL_MS later on the caller's context. */
static void
job_worker_progress (guint64  done,
                     guint64  total,
                     gpointer user_data)
{
  Job *job = user_data;
  gboolean schedule;

  if (job->progress == NULL)
    return;

  g_mutex_lock (&job->lock);
  job->done = done;
  job->total = total;
  schedule = !job->scheduled && !job->finished;
  job->scheduled = TRUE;
  g_mutex_unlock (&job->lock);

  if (schedule)
    {
      g_autoptr(GSource) source = g_timeout_source_new (STK_JOB_PROGRESS_INTERVAL_MS);

      g_source_set_callback (source, job_progress_cb, job_ref (job), (GDestroyNotify) job_unref);
      g_source_set_name (source, "[stocktake] job progress");
      g_source_attach (source, job->context);
    }
}

static void
job_worker_finished (Job *job)
{
  g_mutex_lock (&job->lock);
  job->finished = TRUE;
  g_mutex_unlock (&job->lock);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  GPtrArray *problems = NULL;
  gboolean ok = FALSE;

  if (job->kind != JOB_IMPORT && job->kind != JOB_EXPORT && job->kind != JOB_GENERATE)
    job_worker_progress (0, 0, job);

  switch (job->kind)
    {
    case JOB_IMPORT:
      ok = stk_import_check_source (job->path, FALSE, stk_writer_get_path (job->writer),
                                    &error) &&
           stk_import_file (job->writer, job->table, job->path, job_worker_progress, job,
                            cancellable, &job->report, &error);
      break;

    case JOB_IMPORT_ALL:
      ok = stk_import_check_source (job->path, TRUE, stk_writer_get_path (job->writer),
                                    &error) &&
           stk_import_all (job->writer, job->path, cancellable, &job->report, &error);
      break;

    case JOB_EXPORT:
      ok = stk_export_file (job->store, job->table, job->path, job_worker_progress, job,
                            cancellable, &job->rows, &error);
      break;

    case JOB_EXPORT_ALL:
      ok = stk_export_all (job->store, job->path, cancellable, &job->rows, &error);
      break;

    case JOB_BACKUP:
      ok = stk_store_backup_full (job->store, job->path, job->flags, cancellable, &error);
      break;

    case JOB_VERIFY:
      /* stk_store_verify() cannot stop half-way; it changes nothing, so a cancel
       * simply makes its outcome unwanted. */
      if (!g_cancellable_set_error_if_cancelled (cancellable, &error) &&
          (problems = stk_store_verify (job->store, &error)) != NULL &&
          g_cancellable_set_error_if_cancelled (cancellable, &error))
        g_clear_pointer (&problems, g_ptr_array_unref);
      job_worker_finished (job);
      if (problems != NULL)
        g_task_return_pointer (task, problems, (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_error (task, error);
      return;

    case JOB_GENERATE:
      ok = !g_cancellable_set_error_if_cancelled (cancellable, &error) &&
           stk_generate (job->writer, job->n_skus, job->n_sales, job->seed,
                         job_worker_progress, job, &error);
      break;

    case JOB_RESTORE:
      ok = !g_cancellable_set_error_if_cancelled (cancellable, &error) &&
           stk_restore (job->writer, job->store, job->path, &job->safety, &error);
      break;

    case JOB_BACKUP_LIST:
      {
        GPtrArray *entries = stk_backup_list (job->folder, job->path, &error);

        job_worker_finished (job);
        if (entries != NULL)
          g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
        else
          g_task_return_error (task, error);
        return;
      }

    default:
      g_assert_not_reached ();
    }

  job_worker_finished (job);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
job_start (gpointer             source_object,
           Job                 *job,
           gpointer             source_tag,
           const char          *name,
           GCancellable        *cancellable,
           StkProgressFunc      progress,
           gpointer             progress_data,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_mutex_init (&job->lock);
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  /* Every job has one, so that the progress can ask it and the caller's callback can
   * ask the result (stk_job_was_cancelled()). */
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();

  task = g_task_new (source_object, job->cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  /* The outcome is the work's own: a cancel that came too late must not hide a commit. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify) job_unref);
  g_task_run_in_thread (task, job_thread);
}

static Job *
job_new (JobKind kind)
{
  Job *job = g_atomic_rc_box_new0 (Job);

  job->kind = kind;
  return job;
}

static gboolean
job_finish_boolean (gpointer       source_object,
                    GAsyncResult  *result,
                    gpointer       source_tag,
                    Job          **out_job,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source_object), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_job = g_task_get_task_data (G_TASK (result));
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Moves the job's report into @report (if not NULL). */
static void
take_report (Job             *job,
             StkImportReport *report)
{
  if (report == NULL)
    return;
  stk_import_report_clear (report);
  *report = job->report;
  memset (&job->report, 0, sizeof job->report);
}

gboolean
stk_job_was_cancelled (GAsyncResult *result)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result)));
}

/* ---- import ---- */

void
stk_import_file_async (StkWriter           *writer,
                       StkTable             table,
                       const char          *path,
                       GCancellable        *cancellable,
                       StkProgressFunc      progress,
                       gpointer             progress_data,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Job *job;

  g_return_if_fail (STK_IS_WRITER (writer));
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = job_new (JOB_IMPORT);
  job->writer = g_object_ref (writer);
  job->table = table;
  job->path = g_strdup (path);
  job_start (writer, job, STK_FUNC_TAG (stk_import_file_async), "[stocktake] import", cancellable,
             progress, progress_data, callback, user_data);
}

gboolean
stk_import_file_finish (StkWriter        *writer,
                        GAsyncResult     *result,
                        StkImportReport  *report,
                        GError          **error)
{
  Job *job = NULL;
  gboolean ok;

  ok = job_finish_boolean (writer, result, STK_FUNC_TAG (stk_import_file_async), &job, error);
  if (job != NULL)
    take_report (job, report);
  return ok;
}

void
stk_import_all_async (StkWriter           *writer,
                      const char          *dir,
                      GCancellable        *cancellable,
                      StkProgressFunc      progress,
                      gpointer             progress_data,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  Job *job;

  g_return_if_fail (STK_IS_WRITER (writer));
  g_return_if_fail (dir != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = job_new (JOB_IMPORT_ALL);
  job->writer = g_object_ref (writer);
  job->path = g_strdup (dir);
  job_start (writer, job, STK_FUNC_TAG (stk_import_all_async), "[stocktake] import all", cancellable,
             progress, progress_data, callback, user_data);
}

gboolean
stk_import_all_finish (StkWriter        *writer,
                       GAsyncResult     *result,
                       StkImportReport  *report,
                       GError          **error)
{
  Job *job = NULL;
  gboolean ok;

  ok = job_finish_boolean (writer, result, STK_FUNC_TAG (stk_import_all_async), &job, error);
  if (job != NULL)
    take_report (job, report);
  return ok;
}

/* ---- export ---- */

void
stk_export_file_async (StkStore            *store,
                       StkTable             table,
                       const char          *path,
                       GCancellable        *cancellable,
                       StkProgressFunc      progress,
                       gpointer             progress_data,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Job *job;

  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = job_new (JOB_EXPORT);
  job->store = g_object_ref (store);
  job->table = table;
  job->path = g_strdup (path);
  job_start (store, job, STK_FUNC_TAG (stk_export_file_async), "[stocktake] export", cancellable,
             progress, progress_data, callback, user_data);
}

gboolean
stk_export_file_finish (StkStore      *store,
                        GAsyncResult  *result,
                        guint64       *out_rows,
                        GError       **error)
{
  Job *job = NULL;
  gboolean ok;

  ok = job_finish_boolean (store, result, STK_FUNC_TAG (stk_export_file_async), &job, error);
  if (out_rows != NULL)
    *out_rows = ok ? job->rows : 0;
  return ok;
}

void
stk_export_all_async (StkStore            *store,
                      const char          *dir,
                      GCancellable        *cancellable,
                      StkProgressFunc      progress,
                      gpointer             progress_data,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  Job *job;

  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (dir != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = job_new (JOB_EXPORT_ALL);
  job->store = g_object_ref (store);
  job->path = g_strdup (dir);
  job_start (store, job, STK_FUNC_TAG (stk_export_all_async), "[stocktake] export all", cancellable,
             progress, progress_data, callback, user_data);
}

gboolean
stk_export_all_finish (StkStore      *store,
                       GAsyncResult  *result,
                       guint64       *out_rows,
                       GError       **error)
{
  Job *job = NULL;
  gboolean ok;

  ok = job_finish_boolean (store, result, STK_FUNC_TAG (stk_export_all_async), &job, error);
  if (out_rows != NULL)
    *out_rows = ok ? job->rows : 0;
  return ok;
}

/* ---- backup, verify ---- */

void
stk_store_backup_async (StkStore            *store,
                        const char          *dest_path,
                        StkOutputFlags       flags,
                        GCancellable        *cancellable,
                        StkProgressFunc      progress,
                        gpointer             progress_data,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  Job *job;

  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (dest_path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = job_new (JOB_BACKUP);
  job->store = g_object_ref (store);
  job->path = g_strdup (dest_path);
  job->flags = flags;
  job_start (store, job, STK_FUNC_TAG (stk_store_backup_async), "[stocktake] backup", cancellable,
             progress, progress_data, callback, user_data);
}

gboolean
stk_store_backup_finish (StkStore      *store,
                         GAsyncResult  *result,
                         GError       **error)
{
  Job *job = NULL;

  return job_finish_boolean (store, result, STK_FUNC_TAG (stk_store_backup_async), &job, error);
}

void
stk_store_verify_async (StkStore            *store,
                        GCancellable        *cancellable,
                        StkProgressFunc      progress,
                        gpointer             progress_data,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  Job *job;

  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = job_new (JOB_VERIFY);
  job->store = g_object_ref (store);
  job_start (store, job, STK_FUNC_TAG (stk_store_verify_async), "[stocktake] verify", cancellable,
             progress, progress_data, callback, user_data);
}

GPtrArray *
stk_store_verify_finish (StkStore      *store,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == stk_store_verify_async, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- generate ---- */

void
stk_generate_async (StkWriter           *writer,
                    guint64              n_skus,
                    guint64              n_sales,
                    guint32              seed,
                    GCancellable        *cancellable,
                    StkProgressFunc      progress,
                    gpointer             progress_data,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  Job *job;

  g_return_if_fail (STK_IS_WRITER (writer));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = job_new (JOB_GENERATE);
  job->writer = g_object_ref (writer);
  job->n_skus = n_skus;
  job->n_sales = n_sales;
  job->seed = seed;
  job_start (writer, job, STK_FUNC_TAG (stk_generate_async), "[stocktake] generate", cancellable,
             progress, progress_data, callback, user_data);
}

gboolean
stk_generate_finish (StkWriter     *writer,
                     GAsyncResult  *result,
                     GError       **error)
{
  Job *job = NULL;

  return job_finish_boolean (writer, result, STK_FUNC_TAG (stk_generate_async), &job, error);
}

/* ---- restore ---- */

void
stk_restore_async (StkWriter           *writer,
                   StkStore            *store,
                   const char          *backup_path,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  Job *job;

  g_return_if_fail (STK_IS_WRITER (writer));
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (backup_path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = job_new (JOB_RESTORE);
  job->writer = g_object_ref (writer);
  job->store = g_object_ref (store);
  job->path = g_strdup (backup_path);
  job_start (writer, job, STK_FUNC_TAG (stk_restore_async), "[stocktake] restore", cancellable,
             NULL, NULL, callback, user_data);
}

gboolean
stk_restore_finish (StkWriter     *writer,
                    GAsyncResult  *result,
                    char         **out_safety_copy,
                    GError       **error)
{
  Job *job = NULL;

  if (!job_finish_boolean (writer, result, STK_FUNC_TAG (stk_restore_async), &job, error))
    return FALSE;
  if (out_safety_copy != NULL)
    *out_safety_copy = g_steal_pointer (&job->safety);
  return TRUE;
}

/* ---- the automatic backups' list ---- */

void
stk_backup_list_async (const char          *folder,
                       const char          *db_path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Job *job;

  g_return_if_fail (folder != NULL);
  g_return_if_fail (db_path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = job_new (JOB_BACKUP_LIST);
  job->folder = g_strdup (folder);
  job->path = g_strdup (db_path);
  job_start (NULL, job, STK_FUNC_TAG (stk_backup_list_async), "[stocktake] backup list",
             cancellable, NULL, NULL, callback, user_data);
}

GPtrArray *
stk_backup_list_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        STK_FUNC_TAG (stk_backup_list_async), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
