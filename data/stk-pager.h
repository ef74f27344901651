/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* StkPager: keyset paging over one table in a given order, for lists of a million
 * rows of which only a window is ever in memory.
 *
 *  - A StkPagerQuery names what is listed: the table (items without the archived
 *    ones, sales, stock movements), the sort column (in SQL, ascending or
 *    descending, ties broken by id) and an optional search.
 *  - stk_pager_index_build() scans the covering index once (run it on a worker
 *    thread): the row count and a sparse anchor — the sort key and id — of every
 *    STK_PAGER_STRIDE-th row. A search is materialised instead as the list of
 *    matching ids in sort order.
 *  - stk_pager_fetch() loads the rows [offset, offset + limit) by seeking from the
 *    nearest anchor: WHERE (key, id) >= (?, ?) ORDER BY key, id LIMIT n — an index
 *    seek, whatever the offset. Without an index it reads from the start.
 *
 * Every function takes a read connection and may run on any thread; queries and
 * indexes are immutable and reference counted. */

#define STK_PAGER_STRIDE 128

typedef enum
{
  STK_PAGER_ITEMS, /* active items; default order code ascending */
  STK_PAGER_SALES, /* default order sold-at descending */
  STK_PAGER_MOVES, /* default order moved-at descending */
} StkPagerKind;

/* One row; the fields that a kind does not have are 0 / NULL. */
typedef struct
{
  gint64    id;
  gint64    item_id;          /* sales, moves */
  char     *code;
  char     *description;
  char     *uid;              /* sales */
  char     *kind;             /* moves */
  char     *reason;           /* moves */
  gint64    on_hand;          /* items */
  gint64    unit_price_cents; /* items, sales */
  gint64    reorder_level;    /* items */
  gint64    updated_at;       /* items, µs */
  gint64    quantity;         /* sales, moves */
  gint64    balance;          /* moves */
  gint64    at;               /* sales: sold_at, moves: moved_at, µs */
  gboolean  archived;         /* items */
  gboolean  voided;           /* sales */
} StkPagerRow;

void stk_pager_row_clear (StkPagerRow *row);

typedef struct _StkPagerQuery StkPagerQuery;
typedef struct _StkPagerIndex StkPagerIndex;

/* The sort columns of a kind (row property names); the first is the default. */
const char * const *stk_pager_sort_columns     (StkPagerKind  kind);
gboolean            stk_pager_can_sort         (StkPagerKind  kind,
                                                const char   *column);
gboolean            stk_pager_default_descending (StkPagerKind kind);

/* @sort_column NULL: the kind's default order. An unknown column is an error
 * (STK_ERROR_INVALID_DATA). @search NULL or blank: everything. */
StkPagerQuery *stk_pager_query_new             (StkPagerKind   kind,
                                                const char    *sort_column,
                                                gboolean       descending,
                                                const char    *search,
                                                GError       **error);
StkPagerQuery *stk_pager_query_ref             (StkPagerQuery *query);
void           stk_pager_query_unref           (StkPagerQuery *query);
StkPagerKind   stk_pager_query_get_kind        (StkPagerQuery *query);
const char    *stk_pager_query_get_sort_column (StkPagerQuery *query);
gboolean       stk_pager_query_get_descending  (StkPagerQuery *query);
/* The normalised search (trimmed), or NULL. */
const char    *stk_pager_query_get_search      (StkPagerQuery *query);

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
/* Whether @base (an index) can order the searches of @query's kind and sort column. */
gboolean       stk_pager_index_can_order       (StkPagerIndex *base,
                                                StkPagerQuery *query);
StkPagerIndex *stk_pager_index_ref             (StkPagerIndex *index);
void           stk_pager_index_unref           (StkPagerIndex *index);
guint64        stk_pager_index_get_count       (StkPagerIndex *index);
guint          stk_pager_index_get_n_anchors   (StkPagerIndex *index);
/* Bytes held by the index (anchors or ids). */
gsize          stk_pager_index_get_size        (StkPagerIndex *index);

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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkPagerQuery, stk_pager_query_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkPagerIndex, stk_pager_index_unref)

G_END_DECLS
