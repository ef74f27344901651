/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its engine tests): SQLite does not leave data/. Each function
 * takes a read connection and may run on any thread. */
#ifndef STK_DATA_INTERNAL
#error "stk-pager-private.h is private to data/; use the public headers"
#endif

#include <gio/gio.h>
#include <sqlite3.h>

#include "stk-pager.h"

G_BEGIN_DECLS

/* The count and anchors (or a search's ids) of @query: one scan of the covering index,
 * so off the main thread. */
StkPagerIndex *stk_pager_index_build           (sqlite3       *db,
                                                StkPagerQuery *query,
                                                GCancellable  *cancellable,
                                                GError       **error);
/* As stk_pager_index_build(); for an item search, @base — the index of the list
 * without search in the same sort column (either direction), built on the same data —
 * orders the matches without sorting them in SQL. @base may be NULL, or older than the
 * data: then the matches' sort keys are read and sorted (slower, same result; a
 * changed key may be ordered by its old value until @base is rebuilt). */
StkPagerIndex *stk_pager_index_build_with_base (sqlite3       *db,
                                                StkPagerQuery *query,
                                                StkPagerIndex *base,
                                                GCancellable  *cancellable,
                                                GError       **error);
/* Rows [offset, offset + limit) in the query's order: a GArray of StkPagerRow
 * (clear func set), shorter at the end. @index NULL: from the start, with OFFSET
 * (meant for the first page, before the index is ready). @index must have been built
 * for @query. */
GArray        *stk_pager_fetch                 (sqlite3       *db,
                                                StkPagerQuery *query,
                                                StkPagerIndex *index,
                                                guint64        offset,
                                                guint          limit,
                                                GError       **error);

/* Position of the row @id in the query's order, or -1 when it is not listed. */
gint64         stk_pager_position_of           (sqlite3       *db,
                                                StkPagerQuery *query,
                                                StkPagerIndex *index,
                                                gint64         id,
                                                GError       **error);

G_END_DECLS
