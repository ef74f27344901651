/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-output.h"
#include "stk-store.h"
#include "stk-transfer.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* The long operations, asynchronous (in the style of Epiphany's history service): each
 * *_async runs the blocking function named beside it on a worker thread of data/, so
 * that no front end starts a thread of its own, and *_finish gives its outcome. The
 * rules, for every one of them:
 *
 * - @callback runs once, on the thread-default main context of the thread that called
 *   *_async (GIO's rule), also after a cancel: a caller whose @user_data may be gone by
 *   then (a window that cancelled in its dispose) asks stk_job_was_cancelled() first.
 * - @progress (may be NULL) runs on that same context, never on the worker thread; at
 *   most once every STK_JOB_PROGRESS_INTERVAL_MS with the latest figures (the ones in
 *   between are dropped); never once @cancellable is cancelled, and never after
 *   @callback: @progress_data needs to live only until one of the two. Import and
 *   generate report bytes read / rows written, export rows (total 0 = unknown); import
 *   all, export all, backup and verify have no measure and report (0, 0) once, when the
 *   work starts.
 * - Cancelling stops the work where the blocking function can stop, and then nothing
 *   was changed or written. A cancel that came after the work had committed cannot
 *   undo it: *_finish reports what really happened (an import that committed returns
 *   TRUE), so the caller never hides a change. Generate cannot stop once started.
 * - The policy is the command line's: the same checks of the file named, the same
 *   refusals with the same sentences (stk_import_check_source(), StkOutput). */

#define STK_JOB_PROGRESS_INTERVAL_MS 50

/* Whether the GCancellable given to the *_async call that made @result was cancelled.
 * Safe to call in any callback: the result holds its own reference to it. */
gboolean   stk_job_was_cancelled        (GAsyncResult        *result);

/* What every front end checks before it reads an input the user named: @path must
 * exist (STK_ERROR_NOT_FOUND: "there is no such file/folder") and be a folder when
 * @folder, a file otherwise (STK_ERROR_INVALID_DATA). */
gboolean   stk_input_check              (const char          *path,
                                         gboolean             folder,
                                         GError             **error);

/* What every front end checks before an import reads @path, a CSV file (@folder FALSE)
 * or the folder of an export all (@folder TRUE): stk_input_check(); then a file that is
 * the inventory @inventory itself, one of its companions (-wal, -shm, -journal, .lock)
 * or any SQLite database is refused with one sentence (STK_ERROR_INVALID_DATA). */
gboolean   stk_import_check_source      (const char          *path,
                                         gboolean             folder,
                                         const char          *inventory,
                                         GError             **error);

/* stk_import_file() after stk_import_check_source(). @report of _finish (may be NULL)
 * gets the import's report, also when it failed (bad rows by line). */
void       stk_import_file_async        (StkWriter           *writer,
                                         StkTable             table,
                                         const char          *path,
                                         GCancellable        *cancellable,
                                         StkProgressFunc      progress,
                                         gpointer             progress_data,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean   stk_import_file_finish       (StkWriter           *writer,
                                         GAsyncResult        *result,
                                         StkImportReport     *report,
                                         GError             **error);

/* stk_import_all() after stk_import_check_source (…, TRUE, …). */
void       stk_import_all_async         (StkWriter           *writer,
                                         const char          *dir,
                                         GCancellable        *cancellable,
                                         StkProgressFunc      progress,
                                         gpointer             progress_data,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean   stk_import_all_finish        (StkWriter           *writer,
                                         GAsyncResult        *result,
                                         StkImportReport     *report,
                                         GError             **error);

/* stk_export_file(). */
void       stk_export_file_async        (StkStore            *store,
                                         StkTable             table,
                                         const char          *path,
                                         GCancellable        *cancellable,
                                         StkProgressFunc      progress,
                                         gpointer             progress_data,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean   stk_export_file_finish       (StkStore            *store,
                                         GAsyncResult        *result,
                                         guint64             *out_rows,
                                         GError             **error);

/* stk_export_all(). */
void       stk_export_all_async         (StkStore            *store,
                                         const char          *dir,
                                         GCancellable        *cancellable,
                                         StkProgressFunc      progress,
                                         gpointer             progress_data,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean   stk_export_all_finish        (StkStore            *store,
                                         GAsyncResult        *result,
                                         guint64             *out_rows,
                                         GError             **error);

/* stk_store_backup_full(). STK_OUTPUT_REPLACE only when the user has agreed to replace
 * an existing file (a file chooser's question); the command line never replaces one. */
void       stk_store_backup_async       (StkStore            *store,
                                         const char          *dest_path,
                                         StkOutputFlags       flags,
                                         GCancellable        *cancellable,
                                         StkProgressFunc      progress,
                                         gpointer             progress_data,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean   stk_store_backup_finish      (StkStore            *store,
                                         GAsyncResult        *result,
                                         GError             **error);

/* stk_store_verify(): the problems found (empty when none), or NULL with @error. A
 * cancelled check gives G_IO_ERROR_CANCELLED. */
void       stk_store_verify_async       (StkStore            *store,
                                         GCancellable        *cancellable,
                                         StkProgressFunc      progress,
                                         gpointer             progress_data,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GPtrArray *stk_store_verify_finish      (StkStore            *store,
                                         GAsyncResult        *result,
                                         GError             **error);

/* stk_generate(): cancelled only before it starts. */
void       stk_generate_async           (StkWriter           *writer,
                                         guint64              n_skus,
                                         guint64              n_sales,
                                         guint32              seed,
                                         GCancellable        *cancellable,
                                         StkProgressFunc      progress,
                                         gpointer             progress_data,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean   stk_generate_finish          (StkWriter           *writer,
                                         GAsyncResult        *result,
                                         GError             **error);

/* stk_restore(): cancelled only before it starts. @out_safety_copy of _finish (may be
 * NULL) gets the safety copy's path. */
void       stk_restore_async            (StkWriter           *writer,
                                         StkStore            *store,
                                         const char          *backup_path,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean   stk_restore_finish           (StkWriter           *writer,
                                         GAsyncResult        *result,
                                         char               **out_safety_copy,
                                         GError             **error);

/* stk_backup_list() (it opens every backup to read its figures): the entries
 * (StkBackupEntry*), or NULL with @error. */
void       stk_backup_list_async        (const char          *folder,
                                         const char          *db_path,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GPtrArray *stk_backup_list_finish       (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
