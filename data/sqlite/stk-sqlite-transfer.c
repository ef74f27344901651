/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sqlite-private.h"

#include <glib/gi18n.h>

#include "stk-error.h"
#include "stk-transfer-private.h"
#include "stk-sqlite-bulk-private.h"

/*
 * The SQLite engine's side of imports and exports: the appliers of the import ops
 * (phase 2 of an import, on the writer thread; phase 1, reading and checking the file,
 * is stk-transfer.c's) and the export's SELECTs.
 */

typedef StkImportRow Row;
typedef StkImportData ImportData;
typedef StkImportAll ImportAll;


static const char sql_savepoint[] = "SAVEPOINT row";
static const char sql_release[] = "RELEASE row";
static const char sql_rollback_to[] = "ROLLBACK TO row";
static const char sql_sale_exists[] = "SELECT 1 FROM sales WHERE uid = ?1";
static const char sql_movement_exists[] = "SELECT 1 FROM movements WHERE reference = ?1";

static gboolean
exec_cached (sqlite3     *db,
             const char  *sql,
             GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
key_exists (sqlite3     *db,
            const char  *sql,
            const char  *key,
            gboolean    *out_exists,
            GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      return FALSE;
    }
  *out_exists = (rc == SQLITE_ROW);
  return TRUE;
}

/* Item ids by code; the codes are interned in the string chunk, so the cache is
 * keyed by pointer. 0 marks a code known to be missing. */
static gint64
lookup_item (sqlite3     *db,
             GHashTable  *cache,
             const char  *code,
             GError     **error)
{
  gpointer value;
  gint64 id;

  if (g_hash_table_lookup_extended (cache, code, NULL, &value))
    {
      id = *(gint64 *) value;
      if (id == 0)
        g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("Unknown item code “%s”."), code);
      return id;
    }

  id = stk_sqlite_lookup_item_id (db, code, error);
  if (id == 0 && error != NULL && *error != NULL && (*error)->code != STK_ERROR_CONSTRAINT)
    return 0; /* a database error: do not cache */
  g_hash_table_insert (cache, (gpointer) code, g_memdup2 (&id, sizeof id));
  return id;
}

/* The row path's and the bulk path's sentence for a row dated before a count. */
char *
stk_sqlite_counted_after_message (const char *code,
                                  gint64      counted,
                                  gint64      count_at)
{
  char when[40];
  /* The number goes in as text: a format macro inside _() would cut the sentence short
   * for translators (xgettext stops at it). */
  g_autofree char *quantity = g_strdup_printf ("%" G_GINT64_FORMAT, counted);

  stk_transfer_format_time (count_at, when, sizeof when);
  return g_strdup_printf (_("“%s” was counted at %s on %s, after this row's "
                            "time, so that count already includes it and importing it would "
                            "count the stock twice (import a whole inventory with “import all”, "
                            "or skus without on_hand)."),
                          code, quantity, when);
}

/* A stock count already in the inventory and dated after @time_us counted the
 * stock that this older history moved: applying the history as well would count it
 * twice (a skus file's on_hand is such a count: importing skus, then the movements
 * and sales that led to that on_hand, doubled the stock). Refused, with the count. */
static gboolean
check_not_before_count (sqlite3     *db,
                        gint64       item_id,
                        const Row   *row,
                        GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db,
                                    "SELECT moved_at, balance FROM movements"
                                    " WHERE item_id = ?1 AND kind = 'count' AND moved_at > ?2"
                                    " ORDER BY moved_at DESC LIMIT 1",
                                    error);
  char *msg;
  gint64 count_at, counted;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item_id);
  sqlite3_bind_int64 (stmt, 2, row->time_us);
  rc = sqlite3_step (stmt);
  count_at = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  counted = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 1) : 0;
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      return FALSE;
    }
  g_set_error_literal (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                       msg = stk_sqlite_counted_after_message (row->code, counted, count_at));
  g_free (msg);
  return FALSE;
}

static gboolean
apply_row (ImportData  *d,
           sqlite3     *db,
           GHashTable  *cache,
           const Row   *row,
           gint64       now,
           gboolean    *out_duplicate,
           GError     **error)
{
  gboolean exists = FALSE;
  gint64 id;

  *out_duplicate = FALSE;

  switch (d->table)
    {
    case STK_TABLE_SKUS:
      id = stk_sqlite_insert_item (db, row->code, row->text, row->price, row->reorder_level,
                                row->archived, error);
      if (id == 0)
        return FALSE;
      if (row->quantity > 0 && !d->no_opening &&
          stk_sqlite_insert_movement (db, id, row->code, STK_MOVEMENT_COUNT, row->quantity,
                                   _("Opening stock (import)"), now, NULL, error) == 0)
        return FALSE;
      return TRUE;

    case STK_TABLE_SALES:
      if (!key_exists (db, sql_sale_exists, row->key, &exists, error))
        return FALSE;
      if (exists)
        {
          *out_duplicate = TRUE;
          return TRUE;
        }
      if ((id = lookup_item (db, cache, row->code, error)) == 0 ||
          !check_not_before_count (db, id, row, error))
        return FALSE;
      return stk_sqlite_insert_sale (db, id, row->code, row->quantity, row->price, row->time_us,
                                  row->key, error) != 0;

    case STK_TABLE_MOVEMENTS:
      if (!key_exists (db, sql_movement_exists, row->key, &exists, error))
        return FALSE;
      if (exists)
        {
          *out_duplicate = TRUE;
          return TRUE;
        }
      if ((id = lookup_item (db, cache, row->code, error)) == 0 ||
          !check_not_before_count (db, id, row, error))
        return FALSE;
      return stk_sqlite_insert_movement (db, id, row->code, (StkMovementKind) row->kind,
                                      row->quantity, row->text, row->time_us, row->key,
                                      error) != 0;

    default:
      g_assert_not_reached ();
    }
}

/* A row's own problem, reported with its line; anything else stops the import. */
static gboolean
is_row_error (const GError *error)
{
  return error->domain == STK_ERROR &&
         (error->code == STK_ERROR_CONSTRAINT || error->code == STK_ERROR_INVALID_DATA ||
          error->code == STK_ERROR_NOT_FOUND);
}

/* One row in its own savepoint: FALSE only for a problem that stops the import (the
 * row's own problems are added to d's errors). */
static gboolean
apply_one (ImportData  *d,
           sqlite3     *db,
           GHashTable  *cache,
           const Row   *row,
           gint64       now,
           GError     **error)
{
  g_autoptr(GError) row_error = NULL;
  gboolean duplicate = FALSE;

  if (!exec_cached (db, sql_savepoint, error))
    return FALSE;

  if (apply_row (d, db, cache, row, now, &duplicate, &row_error))
    {
      if (!exec_cached (db, sql_release, error))
        return FALSE;
      if (duplicate)
        d->duplicates++;
      else
        d->imported++;
      return TRUE;
    }

  /* Not the row's fault (I/O error, full disk, busy): stop with that error. SQLite
   * may have rolled the whole transaction back already, and then "ROLLBACK TO
   * row" would fail with "no such savepoint" and hide the real cause. */
  if (!is_row_error (row_error))
    {
      g_propagate_error (error, g_steal_pointer (&row_error));
      return FALSE;
    }
  if (!exec_cached (db, sql_rollback_to, error) || !exec_cached (db, sql_release, error))
    return FALSE;
  stk_import_add_line_error (d, row->line, row_error->message);
  return TRUE;
}

static gboolean
apply_rows (ImportData  *d,
            sqlite3     *db,
            GError     **error)
{
  g_autoptr(GHashTable) cache = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  gint64 now = stk_db_now_us ();

  for (guint i = 0; i < d->rows->len; i++)
    {
      const Row *row = &g_array_index (d->rows, Row, i);

      if (i % STK_IMPORT_CANCEL_CHECK_ROWS == 0 && g_cancellable_is_cancelled (d->cancellable))
        {
          stk_import_set_cancelled_error (error);
          return FALSE;
        }
      if (!apply_one (d, db, cache, row, now, error))
        return FALSE;
    }

  if (d->n_errors > 0)
    {
      stk_import_set_summary_error (d, STK_ERROR_CONSTRAINT, error);
      return FALSE;
    }
  return TRUE;
}

/*
 * The import op is standalone: the writer runs it alone, in a write transaction of its
 * own that it begins, records in applied_ops (an op applied before is not applied
 * again) and commits or rolls back, with no "SAVEPOINT op" around it. With an outer
 * savepoint open, SQLite keeps every page the op touched in its in-memory statement
 * sub-journal (temp_store=MEMORY) and walks that list again at the end of each
 * statement, so a file of many rows would take quadratic time. Here each row's own
 * "SAVEPOINT row" is the outermost one and is released (or rolled back) at once,
 * which keeps the sub-journal small. Any failure here rolls the whole import back.
 */

gboolean
stk_sqlite_apply_import (StkOp    *op,
                         sqlite3  *db,
                         GError  **error)
{
  ImportData *d = stk_op_get_payload (op);

  /* The writer may run an op again after a busy attempt: start afresh. */
  d->imported = 0;
  d->duplicates = 0;
  d->n_errors = 0;
  g_ptr_array_set_size (d->errors, 0);

  if (stk_sqlite_bulk_wanted (d))
    return stk_sqlite_bulk_import (d, db, error);
  return apply_rows (d, db, error);
}

/* Items first (their on_hand is not counted), then the movements and the sales in
 * the order of their times (a movement before a sale at the same instant), then
 * every item's on-hand must be the on_hand of the skus file: exact, or nothing. */
gboolean
stk_sqlite_apply_import_all (StkOp    *op,
                             sqlite3  *db,
                             GError  **error)
{
  ImportAll *a = stk_op_get_payload (op);
  ImportData *skus = a->d[STK_TABLE_SKUS];
  ImportData *moves = a->d[STK_TABLE_MOVEMENTS];
  ImportData *sales = a->d[STK_TABLE_SALES];
  g_autoptr(GHashTable) cache = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  gint64 now = stk_db_now_us ();
  sqlite3_stmt *stmt;
  guint i = 0, j = 0, n = 0;

  for (guint t = 0; t < 3; t++)
    {
      a->d[t]->imported = 0;
      a->d[t]->duplicates = 0;
      a->d[t]->n_errors = 0;
      g_ptr_array_set_size (a->d[t]->errors, 0);
    }

  /* Standalone, like apply_import(): the writer's transaction, no savepoint around. */
  for (guint k = 0; k < skus->rows->len; k++)
    if (!apply_one (skus, db, cache, &g_array_index (skus->rows, Row, k), now, error))
      return FALSE;
  if (!stk_import_all_fail_with_errors (a, error))
    return FALSE;

  while (i < moves->rows->len || j < sales->rows->len)
    {
      const Row *m = i < moves->rows->len ? &g_array_index (moves->rows, Row, i) : NULL;
      const Row *s = j < sales->rows->len ? &g_array_index (sales->rows, Row, j) : NULL;
      gboolean ok;

      if (n++ % STK_IMPORT_CANCEL_CHECK_ROWS == 0 && g_cancellable_is_cancelled (skus->cancellable))
        {
          stk_import_set_cancelled_error (error);
          return FALSE;
        }
      if (m != NULL && (s == NULL || m->time_us <= s->time_us))
        ok = apply_one (moves, db, cache, m, now, error), i++;
      else
        ok = apply_one (sales, db, cache, s, now, error), j++;
      if (!ok)
        return FALSE;
    }
  if (!stk_import_all_fail_with_errors (a, error))
    return FALSE;

  stmt = stk_db_stmt (db, "SELECT on_hand FROM items WHERE code = ?1", error);
  if (stmt == NULL)
    return FALSE;
  for (guint k = 0; k < skus->rows->len; k++)
    {
      const Row *row = &g_array_index (skus->rows, Row, k);
      gint64 on_hand = 0;
      int rc;

      sqlite3_bind_text (stmt, 1, row->code, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        on_hand = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
          return FALSE;
        }
      if (on_hand != row->quantity)
        {
          g_autofree char *stated = g_strdup_printf ("%" G_GINT64_FORMAT, row->quantity);
          g_autofree char *computed = g_strdup_printf ("%" G_GINT64_FORMAT, on_hand);
          g_autofree char *msg = g_strdup_printf (
            _("The on_hand of “%s” is %s, but its movements and sales give %s."),
            row->code, stated, computed);
          stk_import_add_line_error (skus, row->line, msg);
        }
    }
  return stk_import_all_fail_with_errors (a, error);
}

/* ---- export ---- */

/* A voided sale and the adjustment that put its stock back (reference "void:" and the
 * sale's uid) cancel out: both are left out, so that importing the files elsewhere
 * gives the same stock and the same sales figures. */
#define NOT_VOIDED_SALE " NOT EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)"
#define NOT_VOID_MOVEMENT                                                              \
  " (m.reference IS NULL OR m.reference NOT LIKE 'void:%' OR NOT EXISTS"               \
  "  (SELECT 1 FROM sales s JOIN sale_voids v ON v.sale_id = s.id"                     \
  "   WHERE s.uid = substr (m.reference, 6)))"

static const char *const export_count_sql[] = {
  "SELECT count(*) FROM items",
  "SELECT count(*) FROM sales s WHERE" NOT_VOIDED_SALE,
  "SELECT count(*) FROM movements m WHERE m.kind <> 'sale' AND" NOT_VOID_MOVEMENT,
};

static const char *const export_sql[] = {
  "SELECT code, description, unit_price_cents, reorder_level, archived, on_hand"
  " FROM items ORDER BY code",
  "SELECT s.sold_at, i.code, s.quantity, s.unit_price_cents, s.uid"
  " FROM sales s JOIN items i ON i.id = s.item_id WHERE" NOT_VOIDED_SALE
  " ORDER BY s.sold_at, s.id",
  "SELECT m.moved_at, i.code, m.kind,"
  "  CASE m.kind WHEN 'count' THEN m.balance ELSE m.quantity END,"
  "  m.reason, coalesce (m.reference, 'M' || m.id)"
  " FROM movements m JOIN items i ON i.id = m.item_id"
  " WHERE m.kind <> 'sale' AND" NOT_VOID_MOVEMENT " ORDER BY m.moved_at, m.id",
};

static const char *
column_text (sqlite3_stmt *stmt,
             int           i)
{
  const char *text = (const char *) sqlite3_column_text (stmt, i);
  return text != NULL ? text : "";
}

gboolean
stk_sqlite_export_count (StkEngineConn  *conn,
                         StkTable        table,
                         gint64         *out_total,
                         GError        **error)
{
  g_return_val_if_fail ((guint) table < G_N_ELEMENTS (export_sql), FALSE);
  return stk_db_query_int64 ((sqlite3 *) conn, export_count_sql[table], out_total, error);
}

gboolean
stk_sqlite_export_rows (StkEngineConn     *conn,
                        StkTable           table,
                        StkExportRowFunc   emit,
                        gpointer           user_data,
                        GError           **error)
{
  sqlite3 *db = (sqlite3 *) conn;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail ((guint) table < G_N_ELEMENTS (export_sql), FALSE);

  if (sqlite3_prepare_v2 (db, export_sql[table], -1, &stmt, NULL) != SQLITE_OK)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot export"));
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkExportRow row = { 0 };

      switch (table)
        {
        case STK_TABLE_SKUS:
          row.code = column_text (stmt, 0);
          row.text = column_text (stmt, 1);
          row.price_cents = sqlite3_column_int64 (stmt, 2);
          row.reorder_level = sqlite3_column_int64 (stmt, 3);
          row.archived = sqlite3_column_int (stmt, 4) != 0;
          row.on_hand = sqlite3_column_int64 (stmt, 5);
          break;
        case STK_TABLE_SALES:
          row.time_us = sqlite3_column_int64 (stmt, 0);
          row.code = column_text (stmt, 1);
          row.quantity = sqlite3_column_int64 (stmt, 2);
          row.price_cents = sqlite3_column_int64 (stmt, 3);
          row.reference = column_text (stmt, 4);
          break;
        case STK_TABLE_MOVEMENTS:
          row.time_us = sqlite3_column_int64 (stmt, 0);
          row.code = column_text (stmt, 1);
          row.kind = column_text (stmt, 2);
          row.quantity = sqlite3_column_int64 (stmt, 3);
          row.text = column_text (stmt, 4);
          row.reference = column_text (stmt, 5);
          break;
        default:
          g_assert_not_reached ();
        }
      if (!emit (&row, user_data, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot export"));
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}
