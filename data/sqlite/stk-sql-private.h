/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its engine tests): SQLite does not leave data/. */
#ifndef STK_DATA_INTERNAL
#error "stk-sql-private.h is private to data/; use the public headers"
#endif

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Statements, transactions and their errors on one open SQLite connection. Below
 * stk-db (files, opening, the statement cache) and stk-schema (migrations), which both
 * use it; it knows nothing of either, so the dependencies go one way:
 * stk-db → stk-schema → stk-sql, and stk-db → stk-sql. stk-db-private.h includes this header. */

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

G_END_DECLS
