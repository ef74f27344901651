/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A disk that fails a read in the middle of a transaction, at a chosen SQL statement
 * (tests of the SQLite engine only; uses tests/stk-faultvfs.c).
 *
 * stk_stmt_faults_install() registers the fault VFS and a hook on every connection
 * opened after it (sqlite3_auto_extension) that counts the statements the engine starts
 * (SQLITE_TRACE_STMT: each statement, not the trigger programs it runs), in every
 * connection of the process; not the writer's probe for other programs' commits (PRAGMA
 * data_version), which answers "unknown" when it cannot read, by design, nor a list's
 * bounding of its cache (PRAGMA cache_size), "not fatal" by design. Once armed with @nth, when the @nth statement starts its
 * connection drops the clean pages it caches (as a small cache under memory pressure
 * does) and the next read from disk fails with SQLITE_IOERR_READ: that statement's if
 * it reads any page of the file, else the first one after it that does.
 *
 * A sweep arms 1, 2, 3, … around one call of the code under test, until the armed
 * statement no longer comes (stk_stmt_faults_reached() FALSE). */
void     stk_stmt_faults_install (void);
void     stk_stmt_faults_arm     (guint nth);
/* Instead of a read error, @cancellable is cancelled when the @nth statement starts (a
 * user's Cancel at that very moment); the hook keeps a reference until disarmed. */
void     stk_stmt_faults_arm_cancel (guint         nth,
                                     GCancellable *cancellable);
void     stk_stmt_faults_disarm  (void);
/* Whether the armed statement came (the fault was armed in the VFS). */
gboolean stk_stmt_faults_reached (void);
/* Statements counted since the last arm. */
guint    stk_stmt_faults_count   (void);

/* One call of the code under test on the inventory at @db with the fault armed at @nth:
 * opens what it needs, calls stk_stmt_faults_arm (@nth) right before the call and
 * stk_stmt_faults_disarm () right after, closes; the call's result. */
typedef gboolean (*StkStmtFaultsRun) (const char  *db,
                                      guint        nth,
                                      gpointer     data,
                                      GError     **error);

/* The sweep: for @nth = 1, 2, …, a copy of the inventory @template (nothing writing to
 * it; its log copied too) at @work, its rows by @queries (NULL-terminated, plain SQL) noted,
 * then @run. Until the armed statement no longer comes (then the call must succeed).
 * Each call that fails must fail with @domain and @code (STK_ERROR_IO for a read error,
 * G_IO_ERROR_CANCELLED for a cancel) and leave every row of @queries as it was; a call
 * during which a read failed must fail (no read error swallowed). The number of calls
 * that failed (the caller checks it). */
guint    stk_stmt_faults_sweep   (const char        *template,
                                  const char        *work,
                                  const char *const *queries,
                                  GQuark             domain,
                                  int                code,
                                  StkStmtFaultsRun   run,
                                  gpointer           data);

/* A shop to sweep over, made once in @dir (shop.db, closed; its path): items A-1 (50
 * in stock, a barcode CASE-A1 for 6), B-2 (30, its own rate "Reduced" 10 %), C-3 (20)
 * and D-4 (none, no history), the rates "Standard" 22 % (the default), "Reduced" and
 * "Unused" 4 %, payment methods Cash and Card, yearly receipt numbers; sale 1 (lines 1
 * and 2, Card, note "first") with line 1 partly returned, sale 3 (Cash), both closed by
 * close 1, then sale 4 (Cash) after it. */
char    *stk_stmt_faults_make_shop (const char *dir);

G_END_DECLS
