/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its engine tests): SQLite does not leave data/. */
#ifndef STK_DATA_INTERNAL
#error "stk-db-private.h is private to data/; use the public headers"
#endif

#include <glib.h>
#include <sqlite3.h>

#include "stk-db.h"
#include "stk-sql-private.h"

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
