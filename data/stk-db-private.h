/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its engine tests): SQLite does not leave data/. */
#ifndef STK_DATA_INTERNAL
#error "stk-db-private.h is private to data/; use the public headers"
#endif

#include <glib.h>
#include <sqlite3.h>

#include "stk-db.h"

G_BEGIN_DECLS

/* Low-level connection helpers shared by the writer and the readers.
 * Every connection the program opens goes through stk_db_open(). */

typedef enum
{
  STK_DB_READ_ONLY,  /* SQLITE_OPEN_READONLY; never creates, never migrates */
  STK_DB_READ_WRITE, /* creates a missing file (mode 0600), sets WAL, migrates */
} StkDbMode;

/* Busy timeouts in milliseconds: short, because the writer does its own backoff. */
#define STK_DB_WRITER_BUSY_TIMEOUT_MS 5
#define STK_DB_READER_BUSY_TIMEOUT_MS 100

sqlite3    *stk_db_open              (const char  *path,
                                      StkDbMode    mode,
                                      GError     **error);
void        stk_db_close             (sqlite3     *db);

gboolean    stk_db_exec              (sqlite3     *db,
                                      const char  *sql,
                                      GError     **error);
/* The one way to open, commit and end a transaction. A failure is a GError with
 * the code stk_db_error_code_for_rc() gives (STK_ERROR_BUSY when another connection
 * holds the write lock, so a caller can retry). stk_db_rollback() leaves the
 * connection outside any transaction whatever happened before; it never fails in a way
 * a caller could act on (SQLite rolls back by itself when a statement's error ended the
 * transaction), so it returns nothing. A read transaction pins one snapshot. */
typedef enum
{
  STK_TXN_READ,  /* BEGIN: a deferred transaction, for reading one snapshot */
  STK_TXN_WRITE, /* BEGIN IMMEDIATE: takes the write lock now or fails with BUSY */
} StkTxnKind;

gboolean    stk_db_begin             (sqlite3     *db,
                                      StkTxnKind   kind,
                                      GError     **error);
gboolean    stk_db_commit            (sqlite3     *db,
                                      GError     **error);
void        stk_db_rollback          (sqlite3     *db);
/* Ends a read transaction (a COMMIT that writes nothing); harmless outside one. */
void        stk_db_end_read          (sqlite3     *db);

gboolean    stk_db_query_int64       (sqlite3     *db,
                                      const char  *sql,
                                      gint64      *out_value,
                                      GError     **error);
void        stk_db_set_error         (GError     **error,
                                      sqlite3     *db,
                                      int          rc,
                                      const char  *what);
int         stk_db_error_code_for_rc (int          rc);
gint64      stk_db_data_version      (sqlite3     *db);

/* A prepared statement cached per connection (sql must be a static string). It comes
 * back reset, with bindings cleared; reset it when done so it holds no snapshot. */
sqlite3_stmt *stk_db_stmt            (sqlite3     *db,
                                      const char  *sql,
                                      GError     **error);

/* Registers stk_mul(a, b) and the aggregate stk_sum(x) on @db: integer product and
 * sum that fail with "the amount is over …" instead of overflowing into an inexact
 * or saturated figure (stk_db_checked_add()'s sentence). stk_db_open() does this for
 * every connection. */
void        stk_db_register_functions (sqlite3     *db);

G_END_DECLS
