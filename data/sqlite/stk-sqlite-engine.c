/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-engine.h"

#include <glib/gi18n.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-identity.h"
#include "stk-sqlite-private.h"
#include "stk-pager-private.h"
#include "stk-query-private.h"

/*
 * The SQLite engine behind the engine interface (stk-engine.h): one file per
 * inventory, WAL mode, the write lock is SQLite's (BEGIN IMMEDIATE), exactly-once is
 * the applied_ops table, and another program's commits show in PRAGMA data_version.
 * A connection is a sqlite3 *.
 */

#define DB(conn) ((sqlite3 *) (conn))

/* Page cache of each extra read connection, in KiB (SQLite's default for the writer is set in
 * stk-db.c). Reads are index seeks of a page of rows, and the one-pass scans (count and
 * anchors, positions) do not reuse what they read: a small cache keeps the resident
 * memory down (up to the store's idle readers + busy connections each fill theirs) and
 * the OS file cache serves the rest. */
#define READER_CACHE_KIB 2048

static char *
sqlite_resolve (const char  *location,
                GError     **error)
{
  return stk_identity_resolve (location, STK_IDENTITY_INVENTORY, error);
}

static StkEngineConn *
sqlite_open_writer (const char  *location,
                    GError     **error)
{
  return (StkEngineConn *) stk_db_open (location, STK_DB_READ_WRITE, error);
}

static void
sqlite_close_writer (StkEngineConn *conn)
{
  g_autoptr(GError) error = NULL;

  /* Leave a small, fully checkpointed file behind. When it cannot finish (another
   * program reads or writes the inventory), the log simply stays and is folded in by
   * the next checkpoint or the last connection to close: nothing is lost. */
  if (!stk_db_exec (DB (conn), "PRAGMA wal_checkpoint(TRUNCATE)", &error))
    g_debug ("Checkpoint on close: %s", error->message);
  stk_db_close (DB (conn));
}

static gboolean
sqlite_begin (StkEngineConn  *conn,
              GError        **error)
{
  return stk_db_begin (DB (conn), STK_TXN_WRITE, error);
}

static gboolean
sqlite_commit (StkEngineConn  *conn,
               GError        **error)
{
  return stk_db_commit (DB (conn), error);
}

static void
sqlite_rollback (StkEngineConn *conn)
{
  stk_db_rollback (DB (conn));
}

static gboolean
exec_cached (sqlite3    *db,
             const char *sql)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, sql, NULL);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

static gboolean
sqlite_savepoint (StkEngineConn *conn)
{
  return exec_cached (DB (conn), "SAVEPOINT op");
}

static gboolean
sqlite_release (StkEngineConn *conn)
{
  return exec_cached (DB (conn), "RELEASE op");
}

static gboolean
sqlite_rollback_to (StkEngineConn *conn)
{
  return exec_cached (DB (conn), "ROLLBACK TO op") && exec_cached (DB (conn), "RELEASE op");
}

static StkEngineRecord
sqlite_record_op (StkEngineConn  *conn,
                  StkOp          *op,
                  GError        **error)
{
  sqlite3 *db = DB (conn);
  sqlite3_stmt *stmt = stk_db_stmt (db,
                                    "INSERT INTO applied_ops (op_id, kind, applied_at)"
                                    " VALUES (?1, ?2, ?3) ON CONFLICT (op_id) DO NOTHING",
                                    error);
  int rc;

  if (stmt == NULL)
    return STK_ENGINE_RECORD_FAILED;
  sqlite3_bind_text (stmt, 1, stk_op_get_id (op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, stk_op_get_kind (op), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, stk_db_now_us ());
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot save changes"));
      return STK_ENGINE_RECORD_FAILED;
    }
  return sqlite3_changes (db) == 0 ? STK_ENGINE_RECORD_DUPLICATE : STK_ENGINE_RECORD_NEW;
}

static gboolean
sqlite_unrecord_op (StkEngineConn *conn,
                    StkOp         *op)
{
  sqlite3 *db = DB (conn);
  sqlite3_stmt *stmt = stk_db_stmt (db, "DELETE FROM applied_ops WHERE op_id = ?1", NULL);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, stk_op_get_id (op), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
sqlite_apply (StkEngineConn  *conn,
              StkOp          *op,
              GError        **error)
{
  return stk_sqlite_apply_op (DB (conn), op, error);
}

static gboolean
sqlite_take_error (StkEngineConn  *conn,
                   const char     *context,
                   GError        **error)
{
  int rc = sqlite3_extended_errcode (DB (conn));

  stk_db_set_error (error, DB (conn), rc, context);
  return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

static gint64
sqlite_data_version (StkEngineConn *conn)
{
  return stk_db_data_version (DB (conn));
}

static StkEngineConn *
sqlite_open_reader (const char  *location,
                    gboolean     primary,
                    GError     **error)
{
  sqlite3 *db = stk_db_open (location, STK_DB_READ_ONLY, error);

  /* The primary connection keeps stk_db_open()'s cache (the store's first, pooled
   * for its life: it serves most reads, exports included); extra ones get a small one. */
  if (db != NULL && !primary)
    {
      g_autofree char *pragma = g_strdup_printf ("PRAGMA cache_size=-%d", READER_CACHE_KIB);

      /* Not fatal: the connection works with the default cache. */
      stk_db_exec (db, pragma, NULL);
    }
  return (StkEngineConn *) db;
}

static void
sqlite_close_reader (StkEngineConn *conn)
{
  stk_db_close (DB (conn));
}

static gboolean
sqlite_reader_idle (StkEngineConn *conn)
{
  return sqlite3_get_autocommit (DB (conn)) != 0;
}

static gboolean
sqlite_begin_read (StkEngineConn  *conn,
                   GError        **error)
{
  return stk_db_begin (DB (conn), STK_TXN_READ, error);
}

static void
sqlite_end_read (StkEngineConn *conn)
{
  stk_db_end_read (DB (conn));
}

static gboolean
sqlite_schema_version (StkEngineConn  *conn,
                       gint64         *out_version,
                       GError        **error)
{
  return stk_db_query_int64 (DB (conn), "PRAGMA user_version", out_version, error);
}

static StkPagerIndex *
sqlite_index_build (StkEngineConn  *conn,
                    StkPagerQuery  *query,
                    StkPagerIndex  *base,
                    GCancellable   *cancellable,
                    GError        **error)
{
  sqlite3 *db = DB (conn);
  gint64 cache_size = 0;
  StkPagerIndex *index;
  gboolean bounded;

  /* A count-and-anchor scan (or a search) reads each page of the index once: in the
   * primary connection's larger cache it would only fill the resident memory with pages
   * never read again (16 MiB after one scan of a million items). It runs in a small
   * cache; what was cached before stays, within that bound. */
  bounded = stk_db_query_int64 (db, "PRAGMA cache_size", &cache_size, NULL) &&
            (cache_size < -READER_CACHE_KIB || cache_size > READER_CACHE_KIB / 4) &&
            stk_db_exec (db, "PRAGMA cache_size=-" G_STRINGIFY (READER_CACHE_KIB), NULL);
  index = stk_pager_index_build_with_base (db, query, base, cancellable, error);
  if (bounded)
    {
      g_autofree char *pragma = g_strdup_printf ("PRAGMA cache_size=%" G_GINT64_FORMAT,
                                                 cache_size);

      stk_db_exec (db, pragma, NULL);
    }
  return index;
}

static GArray *
sqlite_fetch (StkEngineConn  *conn,
              StkPagerQuery  *query,
              StkPagerIndex  *index,
              guint64         offset,
              guint           limit,
              GError        **error)
{
  return stk_pager_fetch (DB (conn), query, index, offset, limit, error);
}

static gint64
sqlite_position_of (StkEngineConn  *conn,
                    StkPagerQuery  *query,
                    StkPagerIndex  *index,
                    gint64          id,
                    GError        **error)
{
  return stk_pager_position_of (DB (conn), query, index, id, error);
}

static gboolean
sqlite_item_by_code (StkEngineConn  *conn,
                     const char     *code,
                     StkItemInfo    *out,
                     GError        **error)
{
  return stk_query_item_by_code (DB (conn), code, out, error) &&
         stk_sqlite_item_fill_tax (DB (conn), out, error) &&
         stk_sqlite_item_fill_cost (DB (conn), out, error);
}

static gboolean
sqlite_item_by_id (StkEngineConn  *conn,
                   gint64          id,
                   StkItemInfo    *out,
                   GError        **error)
{
  return stk_query_item_by_id (DB (conn), id, out, error) &&
         stk_sqlite_item_fill_tax (DB (conn), out, error) &&
         stk_sqlite_item_fill_cost (DB (conn), out, error);
}

static gboolean
sqlite_item_by_scan (StkEngineConn  *conn,
                     const char     *text,
                     StkItemInfo    *out,
                     gint64         *out_pack,
                     GError        **error)
{
  return stk_sqlite_item_by_scan (DB (conn), text, out, out_pack, error);
}

static GArray *
sqlite_item_barcodes (StkEngineConn  *conn,
                      gint64          item_id,
                      GError        **error)
{
  return stk_sqlite_item_barcodes (DB (conn), item_id, error);
}

static StkDayReport *
sqlite_day_report (StkEngineConn  *conn,
                   gint64          close_id,
                   GError        **error)
{
  return stk_sqlite_day_report (DB (conn), close_id, error);
}

static GArray *
sqlite_day_closes (StkEngineConn  *conn,
                   guint           limit,
                   GError        **error)
{
  return stk_sqlite_day_closes (DB (conn), limit, error);
}

static gboolean
sqlite_day_close_between (StkEngineConn  *conn,
                          gint64          from_us,
                          gint64          to_us,
                          gint64         *out_id,
                          GError        **error)
{
  return stk_sqlite_day_close_between (DB (conn), from_us, to_us, out_id, error);
}

static GPtrArray *
sqlite_tax_rates (StkEngineConn  *conn,
                  GError        **error)
{
  return stk_sqlite_tax_rates (DB (conn), error);
}

static StkValuation *
sqlite_valuation (StkEngineConn  *conn,
                  GError        **error)
{
  return stk_sqlite_valuation (DB (conn), error);
}

static StkMarginReport *
sqlite_margin_report (StkEngineConn  *conn,
                      gint64          from_us,
                      gint64          to_us,
                      GError        **error)
{
  return stk_sqlite_margin_report (DB (conn), from_us, to_us, error);
}

static StkTaxReport *
sqlite_tax_report (StkEngineConn  *conn,
                   gint64          from_us,
                   gint64          to_us,
                   GError        **error)
{
  return stk_sqlite_tax_report (DB (conn), from_us, to_us, error);
}

static gboolean
sqlite_item_tax_rate (StkEngineConn  *conn,
                      gint64          item_id,
                      gint64         *out_rate_id,
                      GError        **error)
{
  return stk_sqlite_item_tax_rate (DB (conn), item_id, out_rate_id, error);
}

static gboolean
sqlite_shop_settings (StkEngineConn    *conn,
                      StkShopSettings  *out,
                      GError          **error)
{
  return stk_sqlite_shop_settings (DB (conn), out, error);
}

static StkSaleDetail *
sqlite_read_sale (StkEngineConn  *conn,
                  gint64          id,
                  GError        **error)
{
  return stk_sqlite_read_sale (DB (conn), id, error);
}

static GStrv
sqlite_complete_codes (StkEngineConn  *conn,
                       const char     *prefix,
                       guint           limit,
                       GError        **error)
{
  return stk_query_complete_codes (DB (conn), prefix, limit, error);
}

static int
report_cancelled_cb (void *user_data)
{
  return g_cancellable_is_cancelled (G_CANCELLABLE (user_data)) ? 1 : 0;
}

static StkReport *
sqlite_report (StkEngineConn  *conn,
               guint           days,
               guint           top_limit,
               gint64          now_us,
               GCancellable   *cancellable,
               GError        **error)
{
  sqlite3 *db = DB (conn);
  StkReport *report;

  /* A cancelled report stops within a few thousand SQLite steps. */
  if (cancellable != NULL)
    sqlite3_progress_handler (db, 1000, report_cancelled_cb, cancellable);
  report = stk_query_report (db, days, top_limit, now_us, error);
  sqlite3_progress_handler (db, 0, NULL, NULL);
  return report;
}

static const StkEngine sqlite_engine = {
  .name = "sqlite",
  .resolve = sqlite_resolve,
  .open_writer = sqlite_open_writer,
  .close_writer = sqlite_close_writer,
  .begin = sqlite_begin,
  .commit = sqlite_commit,
  .rollback = sqlite_rollback,
  .savepoint = sqlite_savepoint,
  .release = sqlite_release,
  .rollback_to = sqlite_rollback_to,
  .record_op = sqlite_record_op,
  .unrecord_op = sqlite_unrecord_op,
  .apply = sqlite_apply,
  .take_error = sqlite_take_error,
  .data_version = sqlite_data_version,
  .open_count = stk_db_get_open_count,
  .check = stk_db_check_file,
  .open_reader = sqlite_open_reader,
  .close_reader = sqlite_close_reader,
  .reader_idle = sqlite_reader_idle,
  .begin_read = sqlite_begin_read,
  .end_read = sqlite_end_read,
  .read_stats = stk_sqlite_read_stats,
  .has_items = stk_sqlite_has_items,
  .report = sqlite_report,
  .schema_version = sqlite_schema_version,
  .index_build = sqlite_index_build,
  .fetch = sqlite_fetch,
  .position_of = sqlite_position_of,
  .item_by_code = sqlite_item_by_code,
  .item_by_id = sqlite_item_by_id,
  .item_by_scan = sqlite_item_by_scan,
  .item_barcodes = sqlite_item_barcodes,
  .read_sale = sqlite_read_sale,
  .shop_settings = sqlite_shop_settings,
  .tax_rates = sqlite_tax_rates,
  .item_tax_rate = sqlite_item_tax_rate,
  .tax_report = sqlite_tax_report,
  .valuation = sqlite_valuation,
  .margin_report = sqlite_margin_report,
  .day_report = sqlite_day_report,
  .day_closes = sqlite_day_closes,
  .day_close_between = sqlite_day_close_between,
  .complete_codes = sqlite_complete_codes,
  .verify = stk_sqlite_verify,
  .codes_kept_apart = stk_sqlite_codes_kept_apart,
  .backup = stk_sqlite_backup,
  .export_count = stk_sqlite_export_count,
  .export_rows = stk_sqlite_export_rows,
};

const StkEngine *
stk_engine_sqlite (void)
{
  return &sqlite_engine;
}
