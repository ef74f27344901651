/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-rows.h"
#include "stk-store.h"

G_BEGIN_DECLS

typedef enum
{
  STK_TABLE_KIND_ITEMS, /* active items, StkItemRow */
  STK_TABLE_KIND_SALES, /* newest first by default, StkSaleRow */
  STK_TABLE_KIND_MOVES, /* newest first by default, StkMoveRow */
} StkTableKind;

/* StkTableModel: a lazy GListModel over one table, backed by StkStore's pages (keyset
 * paging from sparse anchors, only a window of rows in memory). Counting, anchors,
 * searching and the reload of the pages on show run on StkStore's worker, from one read
 * snapshot (stk_store_list_async()); the model announces the result with items-changed.
 * Sorting is done by the store.
 *
 * Properties: "store" StkStore* (construct-only), "kind" (construct-only),
 * "search" char*, "sort-column" char* (a row property name, e.g. "code",
 * "on-hand"), "sort-descending" gboolean, "loading" gboolean (TRUE while a count /
 * search / reload is under way — tests wait for it to turn FALSE), "deferred" gboolean
 * (construct-only: the model reads nothing until stk_table_model_start()).
 *
 * A new query reads its first page first (no count: a LIMIT from the start of the
 * order), and only once that is in does the count-and-anchor scan start, at low
 * priority: the rows on show never wait for a scan of the whole table. */
#define STK_TYPE_TABLE_MODEL (stk_table_model_get_type ())
G_DECLARE_FINAL_TYPE (StkTableModel, stk_table_model, STK, TABLE_MODEL, GObject)

StkTableModel *stk_table_model_new          (StkStore      *store,
                                             StkTableKind   kind);
/* A model that reads nothing until stk_table_model_start() (a list that is not shown
 * yet); search and sort set meanwhile are kept for then. */
StkTableModel *stk_table_model_new_deferred (StkStore      *store,
                                             StkTableKind   kind);
/* Starts a deferred model's first read; does nothing on a started model. */
void           stk_table_model_start        (StkTableModel *self);
/* The same for a list being shown on @clock's surface: the first count-and-anchor scan
 * starts after the frame painted once the first page is in, so that a quick scan's
 * result is not laid out before the first rows are on screen. */
void           stk_table_model_start_for_frame (StkTableModel *self,
                                                GdkFrameClock *clock);
gboolean       stk_table_model_get_started  (StkTableModel *self);
StkTableKind   stk_table_model_get_kind     (StkTableModel *self);
/* Items: code prefix or description words ("red bolt" finds items whose
 * description has words starting with "red" and "bolt"); sales/moves: item code prefix. */
void           stk_table_model_set_search   (StkTableModel *self,
                                             const char    *text);
const char    *stk_table_model_get_search   (StkTableModel *self);
/* Stock Moves: the moves of the item @item_id alone (its history); 0 for all. */
void           stk_table_model_set_item_id  (StkTableModel *self,
                                             gint64         item_id);
gint64         stk_table_model_get_item_id  (StkTableModel *self);
/* Sales, Stock Moves: the rows whose time is in [@from_us, @to_us), µs since the epoch;
 * G_MININT64 / G_MAXINT64 for no bound. Combined with the search. */
void           stk_table_model_set_range    (StkTableModel *self,
                                             gint64         from_us,
                                             gint64         to_us);
void           stk_table_model_get_range    (StkTableModel *self,
                                             gint64        *from_us,
                                             gint64        *to_us);
void           stk_table_model_set_sort     (StkTableModel *self,
                                             const char    *column,
                                             gboolean       descending);
/* After a commit (ours or another process's): reloads the count and the loaded pages,
 * keeping row objects whose id is unchanged at their position. */
void           stk_table_model_reload       (StkTableModel *self);
gboolean       stk_table_model_get_loading  (StkTableModel *self);
/* Position of the row with this id in the current order, or GTK_INVALID_LIST_POSITION
 * (may run one SQL count on the caller's thread). */
guint          stk_table_model_find_id      (StkTableModel *self,
                                             gint64         id);

/* Figures for tests and benchmarks. */
typedef struct
{
  guint   n_pages;            /* pages held now */
  guint   n_rows;             /* row objects held now */
  guint64 page_loads;         /* pages fetched on demand (get_item), in all */
  gint64  page_load_us;       /* their total time */
  gint64  max_page_load_us;   /* the slowest since the last reset */
  gint64  last_page_load_us;
  guint64 refreshes;          /* counts / searches / reloads finished */
  gint64  last_refresh_us;    /* time of the last one, on the worker thread */
  gint64  first_page_us;      /* time to the first page after the last query change */
  gsize   index_bytes;        /* anchors or search ids */
  guint64 reads_started;      /* reads asked of the store: lists, pages, positions */
  guint64 scans_started;      /* count-and-anchor scans (or searches) asked for */
} StkTableModelStats;

void           stk_table_model_get_stats    (StkTableModel      *self,
                                             StkTableModelStats *stats);
void           stk_table_model_reset_stats  (StkTableModel      *self);
/* The current sort column and direction. */
const char    *stk_table_model_get_sort_column     (StkTableModel *self);
gboolean       stk_table_model_get_sort_descending (StkTableModel *self);
/* Rows per page (the pager's anchor stride). */
#define STK_TABLE_MODEL_PAGE_SIZE 128
/* Rows announced before the count is in: a screenful of the tallest window (GTK builds a
 * row widget per cell for every row of so short a list before it knows its height, so
 * announcing the whole first page built twice the cells the first frame needs). */
#define STK_TABLE_MODEL_FIRST_ROWS 64

G_END_DECLS
