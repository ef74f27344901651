/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The engine interface: what the generic writer (stk-writer.c) and store (stk-store.c)
 * need from a storage engine. Private to data/. An engine implements the contract of
 * data/README.md: it enforces the inventory's rules itself (unique codes, non-negative
 * stock where required, append-only history, exactly-once op ids), owns its
 * connections, and turns each of its errors into an StkError.
 *
 * Every function runs on the thread that owns the connection (the writer thread for
 * the write connection, a reading thread for a read one). An engine is a constant
 * table: stk_engine_for_location() (stk-engine.c, the one place that knows the
 * engines) picks it from the location the user gave.
 */
#ifndef STK_DATA_INTERNAL
#error "stk-engine.h is private to data/; use the public headers"
#endif

#include <gio/gio.h>

#include "stk-op.h"
#include "stk-pager.h"
#include "stk-query.h"
#include "stk-reads.h"
#include "stk-sale.h"
#include "stk-store.h"
#include "stk-transfer-private.h"

G_BEGIN_DECLS

/* An engine's connection (for SQLite, its database handle); opaque to data/ top. */
typedef struct _StkEngineConn StkEngineConn;

typedef enum
{
  STK_ENGINE_RECORD_NEW,       /* the op's id is recorded: apply it */
  STK_ENGINE_RECORD_DUPLICATE, /* applied before: exactly once means not again */
  STK_ENGINE_RECORD_FAILED,
} StkEngineRecord;

typedef struct _StkEngine StkEngine;

struct _StkEngine
{
  const char *name;

  /* The location as the engine will open it (SQLite: the real file, links resolved),
   * or NULL with @error. Every name derived from it (lock, backups) uses this. */
  char          *(*resolve)       (const char      *location,
                                   GError         **error);

  /* ---- the writer's connection ---- */

  /* Opens the one write connection (creating or upgrading the inventory). Busy: the
   * writer retries with backoff, then reports the inventory locked. */
  StkEngineConn *(*open_writer)   (const char      *location,
                                   GError         **error);
  /* Folds the log in when it can (nothing lost when it cannot), then closes. */
  void           (*close_writer)  (StkEngineConn   *conn);

  /* The write transaction: begin takes the write lock (busy: STK_ERROR_BUSY). */
  gboolean       (*begin)         (StkEngineConn   *conn,
                                   GError         **error);
  gboolean       (*commit)        (StkEngineConn   *conn,
                                   GError         **error);
  void           (*rollback)      (StkEngineConn   *conn);

  /* One op inside the batch's transaction: its changes kept or undone alone. */
  gboolean       (*savepoint)     (StkEngineConn   *conn);
  gboolean       (*release)       (StkEngineConn   *conn);
  gboolean       (*rollback_to)   (StkEngineConn   *conn);

  /* Exactly once: the op's id in the same transaction as its changes. */
  StkEngineRecord (*record_op)    (StkEngineConn   *conn,
                                   StkOp           *op,
                                   GError         **error);
  gboolean       (*unrecord_op)   (StkEngineConn   *conn,
                                   StkOp           *op);

  /* Applies @op (picks the engine's applier for its kind; an op's payload,
   * stk-op-payloads.h, says what the change is). FALSE: the op fails; a rule error
   * (STK_ERROR_CONSTRAINT, INVALID_DATA, NOT_FOUND…) fails it alone. */
  gboolean       (*apply)         (StkEngineConn   *conn,
                                   StkOp           *op,
                                   GError         **error);

  /* The connection's last failure as an StkError prefixed with @context; TRUE when
   * it is busy (another writer holds the lock: the writer retries) rather than final. */
  gboolean       (*take_error)    (StkEngineConn   *conn,
                                   const char      *context,
                                   GError         **error);

  /* A counter that changes when another program committed (SQLite: PRAGMA
   * data_version); -1 when unknown. The writer announces STK_CHANGE_EXTERNAL. */
  gint64         (*data_version)  (StkEngineConn   *conn);

  /* Connections open now, for the figures. */
  guint          (*open_count)    (void);

  /* ---- the store's reads ---- */

  /* Checks the location without creating anything (missing: *out_exists FALSE). */
  gboolean       (*check)         (const char      *location,
                                   gboolean        *out_exists,
                                   GError         **error);
  /* @primary: the store's first connection (or a watcher's), which stays open for its
   * life; an engine may give it more memory than the extra ones a busy pool opens. */
  StkEngineConn *(*open_reader)   (const char      *location,
                                   gboolean         primary,
                                   GError         **error);
  void           (*close_reader)  (StkEngineConn   *conn);
  /* Whether a pooled read connection may be kept (it is outside any transaction). */
  gboolean       (*reader_idle)   (StkEngineConn   *conn);
  gboolean       (*begin_read)    (StkEngineConn   *conn,
                                   GError         **error);
  void           (*end_read)      (StkEngineConn   *conn);
  /* Each read below runs on a read connection; the store's reads (stk-reads.c) call
   * them inside begin_read/end_read when they need one snapshot. */
  gboolean       (*read_stats)    (StkEngineConn   *conn,
                                   const char      *location,
                                   StkStats        *stats,
                                   GError         **error);
  /* Whether the inventory has any item, archived or not: one index probe, whatever
   * its size (the window's empty state). */
  gboolean       (*has_items)     (StkEngineConn   *conn,
                                   gboolean        *out_has_items,
                                   GError         **error);
  /* The report of stk-query.h from one snapshot (voided sales left out; @now_us <= 0:
   * now); stops soon after @cancellable is cancelled (then NULL, any error). */
  StkReport     *(*report)        (StkEngineConn   *conn,
                                   guint            days,
                                   guint            top_limit,
                                   gint64           now_us,
                                   GCancellable    *cancellable,
                                   GError         **error);
  gboolean       (*schema_version) (StkEngineConn  *conn,
                                   gint64          *out_version,
                                   GError         **error);
  StkPagerIndex *(*index_build)   (StkEngineConn   *conn,
                                   StkPagerQuery   *query,
                                   StkPagerIndex   *base,
                                   GCancellable    *cancellable,
                                   GError         **error);
  GArray        *(*fetch)         (StkEngineConn   *conn,
                                   StkPagerQuery   *query,
                                   StkPagerIndex   *index,
                                   guint64          offset,
                                   guint            limit,
                                   GError         **error);
  gint64         (*position_of)   (StkEngineConn   *conn,
                                   StkPagerQuery   *query,
                                   StkPagerIndex   *index,
                                   gint64           id,
                                   GError         **error);
  gboolean       (*item_by_code)  (StkEngineConn   *conn,
                                   const char      *code,
                                   StkItemInfo     *out,
                                   GError         **error);
  gboolean       (*item_by_id)    (StkEngineConn   *conn,
                                   gint64           id,
                                   StkItemInfo     *out,
                                   GError         **error);
  /* A code typed or scanned at the till: a barcode (with its pack) first, else an
   * item code; STK_ERROR_NOT_FOUND when neither. */
  gboolean       (*item_by_scan)  (StkEngineConn   *conn,
                                   const char      *text,
                                   StkItemInfo     *out,
                                   gint64          *out_pack,
                                   GError         **error);
  GArray        *(*item_barcodes) (StkEngineConn   *conn,
                                   gint64           item_id,
                                   GError         **error);
  /* The sale that line @id belongs to (any of its lines' ids). */
  StkSaleDetail *(*read_sale)     (StkEngineConn   *conn,
                                   gint64           id,
                                   GError         **error);
  gboolean       (*shop_settings) (StkEngineConn   *conn,
                                   StkShopSettings *out,
                                   GError         **error);
  /* The shop's tax rates (StkTaxRate*), biggest first. */
  GPtrArray     *(*tax_rates)     (StkEngineConn   *conn,
                                   GError         **error);
  /* An item's own tax rate; 0 when it follows the shop's default. */
  gboolean       (*item_tax_rate) (StkEngineConn   *conn,
                                   gint64           item_id,
                                   gint64          *out_rate_id,
                                   GError         **error);
  /* The tax report of [@from_us, @to_us) (stk-tax.h). */
  StkTaxReport  *(*tax_report)    (StkEngineConn   *conn,
                                   gint64           from_us,
                                   gint64           to_us,
                                   GError         **error);
  /* Cost (stk-cost.h): the stock's value; the margin of [@from_us, @to_us). */
  StkValuation  *(*valuation)     (StkEngineConn   *conn,
                                   GError         **error);
  StkMarginReport *(*margin_report) (StkEngineConn *conn,
                                   gint64           from_us,
                                   gint64           to_us,
                                   GError         **error);
  StkDayReport  *(*day_report)    (StkEngineConn   *conn,
                                   gint64           close_id,
                                   GError         **error);
  GArray        *(*day_closes)    (StkEngineConn   *conn,
                                   guint            limit,
                                   GError         **error);
  gboolean       (*day_close_between) (StkEngineConn *conn,
                                   gint64           from_us,
                                   gint64           to_us,
                                   gint64          *out_id,
                                   GError         **error);
  GStrv          (*complete_codes) (StkEngineConn  *conn,
                                   const char      *prefix,
                                   guint            limit,
                                   GError         **error);
  /* Every problem found (sentences), or NULL with @error when the check cannot run. */
  GPtrArray     *(*verify)        (StkEngineConn   *conn,
                                   GError         **error);
  GPtrArray     *(*codes_kept_apart) (StkEngineConn *conn,
                                   GError         **error);
  /* The export (stk-transfer.c): how many rows @table has, then each row in order. */
  gboolean       (*export_count)  (StkEngineConn   *conn,
                                   StkTable         table,
                                   gint64          *out_total,
                                   GError         **error);
  gboolean       (*export_rows)   (StkEngineConn   *conn,
                                   StkTable         table,
                                   StkExportRowFunc emit,
                                   gpointer         user_data,
                                   GError         **error);
  /* A complete, checked copy of the inventory into @temp_path (the store renames it
   * into place, stk-output.h); @name names the copy in messages. */
  gboolean       (*backup)        (StkEngineConn   *conn,
                                   const char      *temp_path,
                                   const char      *name,
                                   GError         **error);
};

/* The SQLite engine (data/sqlite/). */
const StkEngine *stk_engine_sqlite        (void);

/* The engine for @location: a file path is SQLite; a server location (postgresql://,
 * postgres://, a libpq conninfo) is refused with one sentence (STK_ERROR_NOT_SUPPORTED)
 * until an engine for it exists. */
const StkEngine *stk_engine_for_location  (const char  *location,
                                           GError     **error);
/* Whether @location names a server rather than a file. */
gboolean         stk_engine_is_server_location (const char *location);

G_END_DECLS
