/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-cost.h"
#include "stk-day.h"
#include "stk-ops.h"
#include "stk-pager.h"
#include "stk-query.h"
#include "stk-sale.h"
#include "stk-store.h"

G_BEGIN_DECLS

/* The read API of StkStore: what the window and the command line read, without a
 * connection in sight. The rules:
 *
 *  - Every *_async() runs on a worker thread of data/ (a GTask) with a read connection
 *    from the store's pool, and calls back on the thread-default main context of the
 *    caller. Everything one call reads comes from ONE read snapshot (a read transaction):
 *    a change committed meanwhile is either wholly in the result or not at all.
 *  - Cancelled before its callback runs, a call's *_finish() gives G_IO_ERROR_CANCELLED,
 *    whatever the worker found; so a callback calls *_finish() first and, on
 *    G_IO_ERROR_CANCELLED, returns without touching the object that cancelled it (which
 *    may be gone). The store is kept alive by the call.
 *  - A failure (a removed or damaged file, a full disk) is a GError of STK_ERROR, never
 *    a partial result.
 *  - The synchronous variants read on the caller's thread: for the command line, the
 *    tests, and the few answers a GTK model needs at once (a page asked for by
 *    GListModel.get_item()).
 */

/* ---- lists (StkPager) ---- */

typedef struct
{
  StkPagerIndex *index;        /* of the query; NULL with first_page_only */
  StkPagerIndex *base;         /* items search: the index of the whole list that ordered
                                * it (the one given, or one built in the same snapshot);
                                * NULL otherwise */
  GArray        *page_numbers; /* guint: the pages asked for, in that order */
  GPtrArray     *pages;        /* one GArray of StkPagerRow per page number */
  gint64         elapsed_us;   /* on the worker, from the connection to the last row */
} StkListResult;

void            stk_list_result_free      (StkListResult        *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkListResult, stk_list_result_free)

/* One refresh of a list: the index of @query (count and anchors, or the search's ids)
 * and the pages @page_numbers (STK_PAGER_STRIDE rows each, guint), all from one read
 * snapshot. @base: an index that can order @query's searches
 * (stk_pager_index_can_order()), or NULL — then an items search builds one first, in
 * the same snapshot, and returns it. @first_page_only: no index; the pages are read from
 * the start (OFFSET), for the rows to show before the count is in. */
void            stk_store_list_async      (StkStore             *store,
                                           StkPagerQuery        *query,
                                           StkPagerIndex        *base,
                                           GArray               *page_numbers,
                                           gboolean              first_page_only,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
StkListResult  *stk_store_list_finish     (StkStore             *store,
                                           GAsyncResult         *result,
                                           GError              **error);
/* The same on the caller's thread. */
StkListResult  *stk_store_list            (StkStore             *store,
                                           StkPagerQuery        *query,
                                           StkPagerIndex        *base,
                                           GArray               *page_numbers,
                                           gboolean              first_page_only,
                                           GCancellable         *cancellable,
                                           GError              **error);

/* Rows [offset, offset + limit) of @query (see stk_pager_fetch() in data/): a GArray of
 * StkPagerRow, shorter at the end. @index NULL: from the start. */
GArray         *stk_store_fetch           (StkStore             *store,
                                           StkPagerQuery        *query,
                                           StkPagerIndex        *index,
                                           guint64               offset,
                                           guint                 limit,
                                           GError              **error);

/* Position of the row @id in @query's order, -1 when it is not listed (-1 with @error
 * set when the read failed). */
gint64          stk_store_position_of     (StkStore             *store,
                                           StkPagerQuery        *query,
                                           StkPagerIndex        *index,
                                           gint64                id,
                                           GError              **error);
void            stk_store_position_of_async  (StkStore          *store,
                                              StkPagerQuery     *query,
                                              StkPagerIndex     *index,
                                              gint64             id,
                                              GCancellable      *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer           user_data);
gint64          stk_store_position_of_finish (StkStore          *store,
                                              GAsyncResult      *result,
                                              GError           **error);

/* ---- items ---- */

/* FALSE with STK_ERROR_NOT_FOUND when there is no such item (archived ones are found). */
gboolean        stk_store_item_by_code    (StkStore             *store,
                                           const char           *code,
                                           StkItemInfo          *out,
                                           GError              **error);
gboolean        stk_store_item_by_id      (StkStore             *store,
                                           gint64                id,
                                           StkItemInfo          *out,
                                           GError              **error);
/* Codes of active items starting with @prefix (case-insensitive), in order. */
GStrv           stk_store_complete_codes  (StkStore             *store,
                                           const char           *prefix,
                                           guint                 limit,
                                           GError              **error);

void            stk_store_item_by_code_async   (StkStore            *store,
                                                const char          *code,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        stk_store_item_by_code_finish  (StkStore            *store,
                                                GAsyncResult        *result,
                                                StkItemInfo         *out,
                                                GError             **error);
void            stk_store_item_by_id_async     (StkStore            *store,
                                                gint64               id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        stk_store_item_by_id_finish    (StkStore            *store,
                                                GAsyncResult        *result,
                                                StkItemInfo         *out,
                                                GError             **error);
void            stk_store_complete_codes_async (StkStore            *store,
                                                const char          *prefix,
                                                guint                limit,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GStrv           stk_store_complete_codes_finish (StkStore           *store,
                                                 GAsyncResult       *result,
                                                 GError            **error);

/* The first @limit active items that the Items list's search finds for @text (a code
 * prefix, or words starting the words of the description, in any order, case and
 * accents aside), in code order, from one read snapshot: a GPtrArray of StkItemInfo*
 * (freed with it), empty when nothing matches or @text is blank. */
GPtrArray      *stk_store_search_items          (StkStore           *store,
                                                 const char         *text,
                                                 guint               limit,
                                                 GCancellable       *cancellable,
                                                 GError            **error);
void            stk_store_search_items_async    (StkStore           *store,
                                                 const char         *text,
                                                 guint               limit,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
GPtrArray      *stk_store_search_items_finish   (StkStore           *store,
                                                 GAsyncResult       *result,
                                                 GError            **error);

/* ---- the inventory ---- */

/* stk_store_get_stats() on a worker thread. */
void            stk_store_get_stats_async  (StkStore            *store,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean        stk_store_get_stats_finish (StkStore            *store,
                                            GAsyncResult        *result,
                                            StkStats            *stats,
                                            GError             **error);

/* Whether the inventory has any item (archived ones too), on a worker thread: one index
 * probe, whatever the inventory's size — what a window needs to choose its empty state,
 * without the full scans of the figures. */
void            stk_store_has_items_async  (StkStore            *store,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean        stk_store_has_items_finish (StkStore            *store,
                                            GAsyncResult        *result,
                                            gboolean            *out_has_items,
                                            GError             **error);

/* The format (schema version) of the inventory as it is on disk; older than
 * STK_SCHEMA_VERSION until a writer has opened it. */
gboolean        stk_store_get_schema_version (StkStore          *store,
                                              int               *out_version,
                                              GError           **error);

/* ---- the till and sales ---- */

/* What a code typed or scanned at the till stands for: a barcode (of one item) first,
 * else an item code; *out_pack is what one scan counts (the barcode's pack, 1 for a
 * code). FALSE with STK_ERROR_NOT_FOUND when neither. */
gboolean        stk_store_item_by_scan          (StkStore            *store,
                                                 const char          *text,
                                                 StkItemInfo         *out,
                                                 gint64              *out_pack,
                                                 GError             **error);
void            stk_store_item_by_scan_async    (StkStore            *store,
                                                 const char          *text,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        stk_store_item_by_scan_finish   (StkStore            *store,
                                                 GAsyncResult        *result,
                                                 StkItemInfo         *out,
                                                 gint64              *out_pack,
                                                 GError             **error);
/* The barcodes of item @item_id: a GArray of StkBarcode (stk-barcode.h), by code. */
GArray         *stk_store_item_barcodes         (StkStore            *store,
                                                 gint64               item_id,
                                                 GError             **error);
void            stk_store_item_barcodes_async   (StkStore            *store,
                                                 gint64               item_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GArray         *stk_store_item_barcodes_finish  (StkStore            *store,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* The shop's rules kept in the inventory (stk_op_set_receipt_series(),
 * stk_op_set_allow_negative_stock(), stk_op_set_payment_methods()); an inventory older
 * than a rule reads its default. Cleared with stk_shop_settings_clear(). */
typedef struct
{
  gboolean          allow_negative_stock;
  StkReceiptSeries  receipt_series;
  GStrv             payment_methods;  /* the till's, in order (stk-day.h); never empty */
  gboolean          prices_include_tax;  /* stk-tax.h; TRUE before format 9 */
  StkTaxRounding    tax_rounding;
  gint64            default_tax_rate;    /* a rate's id; 0: none */
} StkShopSettings;

void            stk_shop_settings_clear         (StkShopSettings     *settings);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StkShopSettings, stk_shop_settings_clear)

gboolean        stk_store_get_shop_settings     (StkStore            *store,
                                                 StkShopSettings     *out,
                                                 GError             **error);
void            stk_store_get_shop_settings_async  (StkStore            *store,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean        stk_store_get_shop_settings_finish (StkStore            *store,
                                                    GAsyncResult        *result,
                                                    StkShopSettings     *out,
                                                    GError             **error);
/* The shop's tax rates (StkTaxRate*, stk-tax.h), biggest rate first, each with the
 * number of items that have it as their own; empty before format 9. */
GPtrArray      *stk_store_list_tax_rates        (StkStore            *store,
                                                 GError             **error);
void            stk_store_list_tax_rates_async  (StkStore            *store,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GPtrArray      *stk_store_list_tax_rates_finish (StkStore            *store,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* The tax report of [@from_us, @to_us) (StkTaxReport, stk-tax.h, which says what
 * counts in a period): per rate, sales, voids and returns, the net taxable amount and
 * the net tax. Every line is untaxed before format 9. */
StkTaxReport   *stk_store_tax_report            (StkStore            *store,
                                                 gint64               from_us,
                                                 gint64               to_us,
                                                 GError             **error);
void            stk_store_tax_report_async      (StkStore            *store,
                                                 gint64               from_us,
                                                 gint64               to_us,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
StkTaxReport   *stk_store_tax_report_finish     (StkStore            *store,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* Cost (stk-cost.h, format 10): the stock's value at average cost and at selling price,
 * per item with stock and in total; the margin of [@from_us, @to_us), per item and in
 * total. STK_ERROR_FAILED before format 10 (a read-only inventory not upgraded yet). */
StkValuation   *stk_store_valuation             (StkStore            *store,
                                                 GError             **error);
void            stk_store_valuation_async       (StkStore            *store,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
StkValuation   *stk_store_valuation_finish      (StkStore            *store,
                                                 GAsyncResult        *result,
                                                 GError             **error);
StkMarginReport *stk_store_margin_report        (StkStore            *store,
                                                 gint64               from_us,
                                                 gint64               to_us,
                                                 GError             **error);
void            stk_store_margin_report_async   (StkStore            *store,
                                                 gint64               from_us,
                                                 gint64               to_us,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
StkMarginReport *stk_store_margin_report_finish (StkStore            *store,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* Item @item_id's own tax rate (a rate's id), 0 when it follows the shop's default;
 * STK_ERROR_NOT_FOUND when there is no such item. */
gboolean        stk_store_get_item_tax_rate     (StkStore            *store,
                                                 gint64               item_id,
                                                 gint64              *out_rate_id,
                                                 GError             **error);
void            stk_store_get_item_tax_rate_async  (StkStore            *store,
                                                    gint64               item_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* -1 with @error on failure. */
gint64          stk_store_get_item_tax_rate_finish (StkStore            *store,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* The sale that @id is a line of (a sale's id is its first line's), with its lines and
 * returns; STK_ERROR_NOT_FOUND when there is no such line. */
StkSaleDetail  *stk_store_read_sale             (StkStore            *store,
                                                 gint64               id,
                                                 GError             **error);
void            stk_store_read_sale_async       (StkStore            *store,
                                                 gint64               id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
StkSaleDetail  *stk_store_read_sale_finish      (StkStore            *store,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* The close of the day (stk-day.h): @close_id's report, or the day not closed yet's
 * (everything recorded since the last close, until now) when @close_id is 0.
 * STK_ERROR_NOT_FOUND for a close that does not exist. */
StkDayReport   *stk_store_get_day_report        (StkStore            *store,
                                                 gint64               close_id,
                                                 GError             **error);
void            stk_store_get_day_report_async  (StkStore            *store,
                                                 gint64               close_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
StkDayReport   *stk_store_get_day_report_finish (StkStore            *store,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* The closes made, newest first, at most @limit of them (StkDayCloseSummary; empty for
 * an inventory without closes). */
GArray         *stk_store_list_day_closes        (StkStore            *store,
                                                  guint                limit,
                                                  GError             **error);
void            stk_store_list_day_closes_async  (StkStore            *store,
                                                  guint                limit,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GArray         *stk_store_list_day_closes_finish (StkStore            *store,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/* The last close made on the local date @year-@month-@day in @out_id (0: none). */
gboolean        stk_store_find_day_close        (StkStore            *store,
                                                 int                  year,
                                                 int                  month,
                                                 int                  day,
                                                 gint64              *out_id,
                                                 GError             **error);

G_END_DECLS
