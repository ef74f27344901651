/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its engine tests): SQLite does not leave data/. Each function
 * takes a read connection (stk_store_acquire()) and may run on any thread. */
#ifndef STK_DATA_INTERNAL
#error "stk-query-private.h is private to data/; use the public headers"
#endif

#include <gio/gio.h>
#include <sqlite3.h>

#include "stk-query.h"

G_BEGIN_DECLS

/* FALSE with STK_ERROR_NOT_FOUND when there is no such item (archived ones are found). */
gboolean     stk_query_item_by_code     (sqlite3      *db,
                                         const char   *code,
                                         StkItemInfo  *out,
                                         GError      **error);
gboolean     stk_query_item_by_id       (sqlite3      *db,
                                         gint64        id,
                                         StkItemInfo  *out,
                                         GError      **error);
/* Codes of active items starting with @prefix (case-insensitive), in order. */
GStrv        stk_query_complete_codes   (sqlite3      *db,
                                         const char   *prefix,
                                         guint         limit,
                                         GError      **error);

/* Voided sales are left out. @now_us <= 0 means now. */
StkReport   *stk_query_report           (sqlite3      *db,
                                         guint         days,
                                         guint         top_limit,
                                         gint64        now_us,
                                         GError      **error);
/* Shared by the engine's reads: a text column as a new string ("" for NULL), and a
 * read's failure as one sentence (an interrupted read is G_IO_ERROR_CANCELLED). */
char        *stk_query_column_dup       (sqlite3_stmt *stmt,
                                         int           col);
void         stk_query_set_read_error   (GError      **error,
                                         sqlite3      *db,
                                         const char   *what);

G_END_DECLS
