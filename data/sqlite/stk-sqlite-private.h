/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The SQLite engine's own functions (data/sqlite/): private to the engine and its
 * engine tests; data/ top never includes this (tests/check-layers.sh). */
#ifndef STK_DATA_INTERNAL
#error "stk-sqlite-private.h is private to data/; use the public headers"
#endif

#include <glib-object.h>
#include <sqlite3.h>

#include "stk-cost.h"
#include "stk-tax.h"

#include "stk-engine.h"
#include "stk-op-private.h"
#include "stk-ops.h"
#include "stk-day.h"
#include "stk-sale.h"

/* The engine's other headers: one include gives an engine file (or an engine test)
 * all of SQLite's side. */
#include "stk-code-private.h"
#include "stk-db-private.h"
#include "stk-pager-private.h"
#include "stk-query-private.h"
#include "stk-schema-private.h"

G_BEGIN_DECLS

/**
 * StkSqliteApplyFunc:
 * Runs on the writer thread, inside a SAVEPOINT of the batch transaction (a
 * standalone op: inside a transaction of its own, or none; see StkOpFlags). Return
 * FALSE with @error set to fail this op alone; every change it made is rolled back.
 * Must not keep @db, and never begins, commits or rolls back a transaction (only a
 * NO_TRANSACTION op may run one of its own, through stk_db_begin(): restore upgrading
 * an older backup).
 */
typedef gboolean (*StkSqliteApplyFunc) (StkOp    *op,
                                        sqlite3  *db,
                                        gpointer  user_data,
                                        GError  **error);

/* An op that carries the engine's own closure instead of a payload (engine tests). */
StkOp    *stk_sqlite_op_new              (const char          *kind,
                                          StkChangeFlags       changes,
                                          StkSqliteApplyFunc   apply,
                                          gpointer             user_data,
                                          GDestroyNotify       destroy);

/* Applies @op: picks the applier for its kind. */
gboolean  stk_sqlite_apply_op            (sqlite3             *db,
                                          StkOp               *op,
                                          GError             **error);

/* The appliers of the bulk kinds. */
gboolean  stk_sqlite_apply_import        (StkOp               *op,
                                          sqlite3             *db,
                                          GError             **error);
gboolean  stk_sqlite_apply_import_all    (StkOp               *op,
                                          sqlite3             *db,
                                          GError             **error);
gboolean  stk_sqlite_apply_restore       (StkOp               *op,
                                          sqlite3             *db,
                                          GError             **error);
gboolean  stk_sqlite_apply_checkpoint    (StkOp               *op,
                                          sqlite3             *db,
                                          GError             **error);
gboolean  stk_sqlite_apply_generate      (StkOp               *op,
                                          sqlite3             *db,
                                          GError             **error);
gboolean  stk_sqlite_apply_generate_probe (StkOp              *op,
                                          sqlite3             *db,
                                          GError             **error);

/* Building blocks shared by the appliers. */
/* "“CODE” was counted at N on TIME, after this row's time, …" (imports). */
char     *stk_sqlite_counted_after_message (const char       *code,
                                            gint64            counted,
                                            gint64            count_at);
void      stk_sqlite_set_statement_error (GError             **error,
                                          sqlite3             *db,
                                          const char          *code);
/* Steps @stmt once and resets it; a failure is said as stk_sqlite_set_statement_error()
 * says it, naming @code. */
gboolean  stk_sqlite_step_done           (sqlite3_stmt        *stmt,
                                          sqlite3             *db,
                                          const char          *code,
                                          GError             **error);
gint64    stk_sqlite_lookup_item_id      (sqlite3             *db,
                                          const char          *code,
                                          GError             **error);
gint64    stk_sqlite_insert_item         (sqlite3             *db,
                                          const char          *code,
                                          const char          *description,
                                          gint64               unit_price_cents,
                                          gint64               reorder_level,
                                          gboolean             archived,
                                          GError             **error);
gint64    stk_sqlite_insert_movement     (sqlite3             *db,
                                          gint64               item_id,
                                          const char          *code,
                                          StkMovementKind      kind,
                                          gint64               quantity,
                                          const char          *reason,
                                          gint64               moved_at_us,
                                          const char          *reference,
                                          gint64               unit_cost_cents,
                                          GError             **error);
gint64    stk_sqlite_insert_sale         (sqlite3             *db,
                                          gint64               item_id,
                                          const char          *code,
                                          gint64               quantity,
                                          gint64               unit_price_cents,
                                          gint64               sold_at_us,
                                          const char          *uid,
                                          GError             **error);

/* One line of a sale to insert (stk-sqlite-sales.c): first_line 0 opens a sale;
 * unit_price_cents < 0 takes the item's price; sold_at_us <= 0 is now. */
typedef struct
{
  gint64      item_id;
  const char *code;        /* for messages */
  const char *uid;
  gint64      first_line;
  gint64      quantity;
  gint64      unit_price_cents;
  gint64      discount_cents;
  gint64      sold_at_us;
  const char *note;
  const char *payment;
  /* The line's tax (format 9): with tax_given, as said here (the import of a sale
   * exported with its tax; tax_cents < 0: the rate of the line's amount, rounded per
   * line; a tax more than a cent off is refused with a sentence); without, the item's
   * rate now at the shop's rules, rounded per line. tax_rate_bp < 0: no tax.
   * unit_price_cents < 0 takes the item's price either way. */
  gboolean    tax_given;
  gint64      tax_rate_bp;
  const char *tax_name;
  gboolean    tax_included;
  gint64      tax_cents;
} StkSqliteSaleLine;

/* Cost (stk-cost.h, format 10; stk-sqlite-cost.c). */
/* Whether @db keeps costs (format 10). FALSE with @error when the schema cannot be
 * read: never taken for an older inventory (see stk_sqlite_has_table()). */
gboolean   stk_sqlite_has_cost           (sqlite3                 *db,
                                          gboolean                *out_has,
                                          GError                 **error);
/* Fills @info's default and average cost (nothing before format 10); on failure @info
 * is cleared. */
gboolean   stk_sqlite_item_fill_cost     (sqlite3                 *db,
                                          StkItemInfo             *info,
                                          GError                 **error);
gboolean   stk_sqlite_apply_item_cost    (StkOp                   *op,
                                          sqlite3                 *db,
                                          GError                 **error);
/* The unit cost a receipt of @quantity of item @item_id records into @out_cost (< 0:
 * none): @cost as given (a negative one refused), else the item's default cost (none
 * when 0). Refuses a cost that would make the average overflow. */
gboolean   stk_sqlite_receipt_cost       (sqlite3                 *db,
                                          gint64                   item_id,
                                          const char              *code,
                                          gint64                   quantity,
                                          gboolean                 given,
                                          gint64                   cost,
                                          gint64                  *out_cost,
                                          GError                 **error);
/* A sale line's cost of goods: @quantity × item @item_id's average cost now (0 before
 * format 10); an overflow refused naming @code. */
gboolean   stk_sqlite_line_cost          (sqlite3                 *db,
                                          gint64                   item_id,
                                          const char              *code,
                                          gint64                   quantity,
                                          gint64                  *out_cost,
                                          GError                 **error);
StkValuation    *stk_sqlite_valuation     (sqlite3                *db,
                                           GError                **error);
StkMarginReport *stk_sqlite_margin_report (sqlite3                *db,
                                           gint64                  from_us,
                                           gint64                  to_us,
                                           GError                **error);
/* verify's part: every item's average and every line's and return's cost recomputed
 * from the history, each difference a sentence added to @problems. */
gboolean   stk_sqlite_verify_costs       (sqlite3                 *db,
                                          GPtrArray               *problems,
                                          GError                 **error);
gboolean   stk_sqlite_apply_tax          (StkOp                   *op,
                                          sqlite3                 *db,
                                          GError                 **error);
/* The shop's rates (StkTaxRate*), biggest first; none before format 9. */
GPtrArray *stk_sqlite_tax_rates          (sqlite3                 *db,
                                          GError                 **error);
/* Item @item_id's own rate, 0 when it follows the shop's default. */
gboolean   stk_sqlite_item_tax_rate      (sqlite3                 *db,
                                          gint64                   item_id,
                                          gint64                  *out_rate_id,
                                          GError                 **error);
/* The tax report of [@from_us, @to_us) (stk-tax.h); every line untaxed before
 * format 9. */
StkTaxReport *stk_sqlite_tax_report      (sqlite3                 *db,
                                          gint64                   from_us,
                                          gint64                   to_us,
                                          GError                 **error);
/* Whether @db has table @name (an inventory older than it has not); whether it records
 * tax (format 9: tax_rates and the tax columns). FALSE with @error when the schema
 * cannot be read: never taken for an older inventory (a read would give a wrong answer;
 * in a write, the I/O error has rolled the writer's transaction back and nothing may go
 * on). */
gboolean  stk_sqlite_has_table           (sqlite3                 *db,
                                          const char              *name,
                                          gboolean                *out_exists,
                                          GError                 **error);
gboolean  stk_sqlite_has_tax             (sqlite3                 *db,
                                          gboolean                *out_taxed,
                                          GError                 **error);
/* Fills @info's tax_rate_bp and tax_included: what a sale of it would record now
 * (nothing before format 9). On failure @info is cleared. */
gboolean  stk_sqlite_item_fill_tax       (sqlite3                 *db,
                                          StkItemInfo             *info,
                                          GError                 **error);
/* The shop's tax rules now (settings; stk-tax.h). */
gboolean  stk_sqlite_tax_rules           (sqlite3                 *db,
                                          gboolean                *out_included,
                                          StkTaxRounding          *out_rounding,
                                          GError                 **error);
/* What item @item_id sells at now: its price and its tax rate (its own, else the shop's
 * default; *out_rate_bp = -1 and *out_name = NULL for none). FALSE with
 * STK_ERROR_CONSTRAINT when there is no such item. */
gboolean  stk_sqlite_item_tax            (sqlite3                 *db,
                                          gint64                   item_id,
                                          gint64                  *out_price_cents,
                                          gint64                  *out_rate_bp,
                                          char                   **out_name,
                                          GError                 **error);

/* Whether @tax_cents is within a cent of the tax of @amount_cents at @rate_bp, as the
 * schema's sales_tax_check wants it, and the sentence of a line's tax that is not. */
gboolean  stk_sqlite_tax_agrees          (gint64                   amount_cents,
                                          gint64                   rate_bp,
                                          gboolean                 included,
                                          gint64                   tax_cents);
char     *stk_sqlite_tax_off_message     (const char              *code,
                                          gint64                   tax_cents,
                                          gint64                   amount_cents,
                                          gint64                   rate_bp,
                                          gboolean                 included);
/* The SQL of stk_tax_line() (rounded half up, exact in 64 bits for any amount that
 * fits): @a the amount, @r the rate (basis points), @d 10000 + @r with tax included,
 * else 10000. Each argument is evaluated more than once: give plain columns. */
#define STK_SQLITE_TAX_LINE_SQL(a, r, d) \
  "((" a ") / (" d ") * (" r ") + (2 * ((" a ") % (" d ")) * (" r ") + (" d ")) / (2 * (" d ")))"
gint64    stk_sqlite_insert_sale_line    (sqlite3                 *db,
                                          const StkSqliteSaleLine *line,
                                          GError                 **error);
gboolean  stk_sqlite_apply_sell          (StkOp               *op,
                                          sqlite3             *db,
                                          GError             **error);
gboolean  stk_sqlite_apply_return        (StkOp               *op,
                                          sqlite3             *db,
                                          GError             **error);
/* A return of a sale line, as the return op records it (stk-sqlite-sales.c): the
 * return's id, or 0. refund_cents < 0: proportional. */
gint64    stk_sqlite_insert_return       (sqlite3             *db,
                                          gint64               line_id,
                                          gint64               quantity,
                                          gint64               refund_cents,
                                          const char          *reason,
                                          gint64               returned_at_us,
                                          const char          *uid,
                                          gint64               tax_cents,
                                          GError             **error);
gboolean  stk_sqlite_apply_barcodes      (StkOp               *op,
                                          sqlite3             *db,
                                          GError             **error);

/* The reads of sales and barcodes (stk-sqlite-sales.c). */
gboolean       stk_sqlite_item_by_scan  (sqlite3      *db,
                                         const char   *text,
                                         StkItemInfo  *out,
                                         gint64       *out_pack,
                                         GError      **error);
GArray        *stk_sqlite_item_barcodes (sqlite3      *db,
                                         gint64        item_id,
                                         GError      **error);
/* The close of the day (stk-sqlite-day.c). */
gboolean       stk_sqlite_apply_close_day (StkOp          *op,
                                           sqlite3        *db,
                                           GError        **error);
/* @close_id's report, or the day not closed yet's when 0. */
StkDayReport  *stk_sqlite_day_report      (sqlite3        *db,
                                           gint64          close_id,
                                           GError        **error);
/* The closes, newest first (StkDayCloseSummary), at most @limit. */
GArray        *stk_sqlite_day_closes      (sqlite3        *db,
                                           guint           limit,
                                           GError        **error);
/* The newest close made in [@from_us, @to_us) in @out_id (0: none). */
gboolean       stk_sqlite_day_close_between (sqlite3      *db,
                                           gint64          from_us,
                                           gint64          to_us,
                                           gint64         *out_id,
                                           GError        **error);
GStrv          stk_sqlite_payment_methods (sqlite3        *db,
                                           GError        **error);
gboolean       stk_sqlite_shop_settings (sqlite3         *db,
                                         StkShopSettings *out,
                                         GError         **error);
StkSaleDetail *stk_sqlite_read_sale     (sqlite3      *db,
                                         gint64        id,
                                         GError      **error);

/* The store's SQLite side (stk-sqlite-store.c): its engine functions. */
gboolean   stk_sqlite_read_stats       (StkEngineConn  *conn,
                                        const char     *location,
                                        StkStats       *stats,
                                        GError        **error);
gboolean   stk_sqlite_has_items        (StkEngineConn  *conn,
                                        gboolean       *out_has_items,
                                        GError        **error);
GPtrArray *stk_sqlite_verify           (StkEngineConn  *conn,
                                        GError        **error);
GPtrArray *stk_sqlite_codes_kept_apart (StkEngineConn  *conn,
                                        GError        **error);
gboolean   stk_sqlite_backup           (StkEngineConn  *conn,
                                        const char     *temp_path,
                                        const char     *dest_path,
                                        GError        **error);

/* The export's reads (stk-sqlite-transfer.c). */
gboolean   stk_sqlite_export_count     (StkEngineConn     *conn,
                                        StkTable           table,
                                        gint64            *out_total,
                                        GError           **error);
gboolean   stk_sqlite_export_rows      (StkEngineConn     *conn,
                                        StkTable           table,
                                        StkExportRowFunc   emit,
                                        gpointer           user_data,
                                        GError           **error);

G_END_DECLS
