/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* StkPager: keyset paging over one table in a given order, for lists of a million
 * rows of which only a window is ever in memory.
 *
 *  - A StkPagerQuery names what is listed: the table (items without the archived
 *    ones, sales, stock movements), the sort column (in SQL, ascending or
 *    descending, ties broken by id) and an optional search.
 *  - An index (StkPagerIndex) comes from one scan of the covering index: the row
 *    count and a sparse anchor — the sort key and id — of every STK_PAGER_STRIDE-th
 *    row. A search is materialised instead as the list of matching ids in sort order.
 *  - A page, rows [offset, offset + limit), is read by seeking from the nearest
 *    anchor: WHERE (key, id) >= (?, ?) ORDER BY key, id LIMIT n — an index seek,
 *    whatever the offset. Without an index it reads from the start.
 *
 * Queries and indexes are immutable and reference counted, and may go to any thread.
 * Building an index, fetching and positions read through StkStore (stk-reads.h: one
 * read snapshot per refresh, on data/'s worker threads); the functions that take a
 * connection are data/'s own (stk-pager-private.h). */

#define STK_PAGER_STRIDE 128

typedef enum
{
  STK_PAGER_ITEMS, /* active items; default order code ascending */
  STK_PAGER_SALES, /* one row per sale (its first line: id, item, price, uid); default
                    * order sold-at descending */
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
  char     *receipt;          /* moves: the receipt number of its sale, void or return
                               * ("123", "2026/123"), or "" */
  gint64    on_hand;          /* items */
  gint64    unit_price_cents; /* items, sales */
  gint64    reorder_level;    /* items */
  gint64    updated_at;       /* items, µs */
  gint64    quantity;         /* sales: over the sale's lines (G_MININT64: too large);
                               * moves */
  gint64    balance;          /* moves */
  gint64    total_cents;      /* sales: Σ lines' quantity × price − discount − Σ refunds;
                               * G_MININT64 when it does not fit */
  gint64    n_more_lines;     /* sales: lines after the first */
  gint64    returned_quantity;/* sales: over all the lines' returns */
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

/* As stk_pager_query_new(), narrowed to the rows of one item (@item_id > 0; Stock
 * Moves only) and to the rows whose time (sold-at, moved-at) is in [@from_us, @to_us)
 * (G_MININT64 / G_MAXINT64: no bound; Sales and Stock Moves only) — in SQL, a range on
 * the time column's index. An unsupported filter is an error (STK_ERROR_INVALID_DATA). */
StkPagerQuery *stk_pager_query_new_filtered    (StkPagerKind   kind,
                                                const char    *sort_column,
                                                gboolean       descending,
                                                const char    *search,
                                                gint64         item_id,
                                                gint64         from_us,
                                                gint64         to_us,
                                                GError       **error);
/* 0 when not narrowed to an item. */
gint64         stk_pager_query_get_item_id     (StkPagerQuery *query);
void           stk_pager_query_get_range       (StkPagerQuery *query,
                                                gint64        *from_us,
                                                gint64        *to_us);

/* Whether @base (an index) can order the searches of @query's kind and sort column. */
gboolean       stk_pager_index_can_order       (StkPagerIndex *base,
                                                StkPagerQuery *query);
StkPagerIndex *stk_pager_index_ref             (StkPagerIndex *index);
void           stk_pager_index_unref           (StkPagerIndex *index);
guint64        stk_pager_index_get_count       (StkPagerIndex *index);
guint          stk_pager_index_get_n_anchors   (StkPagerIndex *index);
/* Bytes held by the index (anchors or ids). */
gsize          stk_pager_index_get_size        (StkPagerIndex *index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkPagerQuery, stk_pager_query_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkPagerIndex, stk_pager_index_unref)

G_END_DECLS

