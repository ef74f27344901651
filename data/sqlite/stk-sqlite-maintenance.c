/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sqlite-private.h"

#include <glib/gi18n.h>

#include "stk-error.h"
#include "stk-maintenance.h"
#include "stk-maintenance-private.h"
#include "stk-sqlite-bulk-private.h"

/*
 * The SQLite engine's appliers of the maintenance ops: restore (SQLite's online backup
 * API onto the inventory, then an upgrade of an older format), checkpoint (PRAGMA
 * wal_checkpoint) and the chunks of generated sample data.
 */

typedef StkRestorePayload RestoreData;
typedef StkCheckpointPayload CheckpointData;
typedef StkGenPayload GenData;
typedef StkGenItem GenItem;
typedef StkGenSale GenSale;

gboolean
stk_sqlite_apply_restore (StkOp    *op,
                          sqlite3  *db,
                          GError  **error)
{
  RestoreData *d = stk_op_get_payload (op);
  g_autofree char *name = g_filename_display_name (d->backup_path);
  g_autofree char *what = g_strdup_printf (_("Cannot restore “%s”"), name);
  sqlite3_backup *backup;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *src = NULL;
  gboolean wal = FALSE;
  int rc;

  /* The writer has just taken the write lock and let it go (busy: it tries again, then
   * gives up with nothing made: NO_TRANSACTION); only then the safety copy, once,
   * however many attempts it takes. */
  if (d->safety == NULL)
    {
      g_autofree char *safety = stk_backup_default_path (stk_store_get_path (d->store));

      if (!stk_store_backup (d->store, safety, error))
        {
          g_prefix_error (error, _("Nothing was restored: the current inventory could not be "
                                   "backed up first. "));
          return FALSE;
        }
      d->safety = g_steal_pointer (&safety);
    }

  rc = sqlite3_open_v2 (d->backup_path, &src, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    {
      stk_db_set_error (error, NULL, rc, what);
      sqlite3_close_v2 (src);
      return FALSE;
    }

  backup = sqlite3_backup_init (db, "main", src, "main");
  if (backup == NULL)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), what);
      sqlite3_close_v2 (src);
      return FALSE;
    }
  rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);
  sqlite3_close_v2 (src);
  if (rc != SQLITE_DONE)
    {
      /* BUSY comes back as STK_ERROR_BUSY: the writer tries again. Nothing was
       * changed: the copy is one write transaction on the inventory. */
      stk_db_set_error (error, NULL, rc, what);
      return FALSE;
    }

  /* The copied header may say rollback journal: the writer works in WAL mode. */
  rc = sqlite3_prepare_v2 (db, "PRAGMA journal_mode=WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK || !wal)
    {
      /* The copy is committed by now: never "Cannot restore". */
      if (rc != SQLITE_OK)
        stk_db_set_error (error, db, sqlite3_extended_errcode (db), name);
      else
        g_set_error_literal (error, STK_ERROR, STK_ERROR_IO, "");
      g_prefix_error (error, "%s%s",
                      _("The backup was restored, but the inventory could not be switched back "
                        "to write-ahead logging."),
                      rc != SQLITE_OK ? " " : "");
      return FALSE;
    }

  /* An older backup is upgraded to this version's format. */
  if (!stk_schema_migrate (db, STK_SCHEMA_VERSION, error))
    {
      g_prefix_error (error, "%s ", _("The backup was restored, but it could not be upgraded to "
                                      "this version’s format."));
      return FALSE;
    }
  return TRUE;
}

gboolean
stk_sqlite_apply_checkpoint (StkOp    *op,
                             sqlite3  *db,
                             GError  **error)
{
  CheckpointData *d = stk_op_get_payload (op);
  sqlite3_stmt *stmt = NULL;
  int rc;

  d->busy = 0;
  d->log = -1;
  d->checkpointed = -1;

  rc = sqlite3_prepare_v2 (db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      d->busy = sqlite3_column_int64 (stmt, 0);
      d->log = sqlite3_column_int64 (stmt, 1);
      d->checkpointed = sqlite3_column_int64 (stmt, 2);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  /* Busy is a result here, not an error: the writer would retry it for seconds. */
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    {
      d->busy = 1;
      return TRUE;
    }
  if (rc != SQLITE_OK)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db),
                        _("Cannot checkpoint the inventory"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
step_stmt (sqlite3       *db,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot generate data"));
      return FALSE;
    }
  return TRUE;
}

gboolean
stk_sqlite_apply_generate_probe (StkOp    *op,
                                 sqlite3  *db,
                                 GError  **error)
{
  GenData *g = stk_op_get_payload (op);

  return stk_db_query_int64 (db, "SELECT coalesce (max (id), 0) FROM items", &g->base_item,
                             error) &&
         stk_db_query_int64 (db, "SELECT coalesce (max (id), 0) FROM sales", &g->base_sale,
                             error);
}

static gboolean
apply_items (sqlite3  *db,
             GenData  *g,
             GError  **error)
{
  g_autofree char *reason = g_strdup (_("Opening stock"));
  sqlite3_stmt *item;
  sqlite3_stmt *movement;

  item = stk_db_stmt (db,
                      "INSERT INTO items (code, description, unit_price_cents, reorder_level,"
                      " archived, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                      error);
  if (item == NULL)
    return FALSE;
  movement = stk_db_stmt (db,
                          "INSERT INTO movements (item_id, kind, quantity, balance, reason,"
                          " moved_at) VALUES (?1, 'receive', ?2, ?2, ?3, ?4)",
                          error);
  if (movement == NULL)
    return FALSE;

  for (guint i = 0; i < g->n_items; i++)
    {
      const GenItem *it = &g->items[i];
      gint64 id;

      sqlite3_bind_text (item, 1, it->code, -1, SQLITE_STATIC);
      sqlite3_bind_text (item, 2, it->description, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (item, 3, it->price);
      sqlite3_bind_int64 (item, 4, it->reorder);
      sqlite3_bind_int (item, 5, it->archived ? 1 : 0);
      sqlite3_bind_int64 (item, 6, g->opening_at);
      if (!step_stmt (db, item, error))
        return FALSE;
      id = sqlite3_last_insert_rowid (db);
      g->ids[g->first_item + i] = id;

      if (it->stock > 0)
        {
          sqlite3_bind_int64 (movement, 1, id);
          sqlite3_bind_int64 (movement, 2, it->stock);
          sqlite3_bind_text (movement, 3, reason, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (movement, 4, g->opening_at);
          if (!step_stmt (db, movement, error))
            return FALSE;
        }
    }
  sqlite3_clear_bindings (item);
  sqlite3_clear_bindings (movement);
  return TRUE;
}

static gboolean
apply_sales (sqlite3  *db,
             GenData  *g,
             GError  **error)
{
  g_autofree char *reason = g_strdup (_("Restock"));
  sqlite3_stmt *sale;
  sqlite3_stmt *restock;
  char uid[64];

  sale = stk_db_stmt (db,
                      "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5)",
                      error);
  if (sale == NULL)
    return FALSE;
  restock = stk_db_stmt (db,
                         "INSERT INTO movements (item_id, kind, quantity, balance, reason,"
                         " moved_at) VALUES (?1, 'receive', ?2, ?3, ?4, ?5)",
                         error);
  if (restock == NULL)
    return FALSE;

  for (guint i = 0; i < g->n_sales; i++)
    {
      const GenSale *s = &g->sales[i];
      gint64 item_id = g->ids[s->item];

      if (s->restock > 0)
        {
          sqlite3_bind_int64 (restock, 1, item_id);
          sqlite3_bind_int64 (restock, 2, s->restock);
          sqlite3_bind_int64 (restock, 3, s->restock_balance);
          sqlite3_bind_text (restock, 4, reason, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (restock, 5, s->sold_at - 60 * G_USEC_PER_SEC);
          if (!step_stmt (db, restock, error))
            return FALSE;
        }

      g_snprintf (uid, sizeof uid, "gen:%u:%" G_GUINT64_FORMAT, g->seed,
                  (guint64) g->base_sale + g->first_sale + i + 1);
      sqlite3_bind_text (sale, 1, uid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (sale, 2, item_id);
      sqlite3_bind_int64 (sale, 3, s->quantity);
      sqlite3_bind_int64 (sale, 4, g->prices[s->item]);
      sqlite3_bind_int64 (sale, 5, s->sold_at);
      if (!step_stmt (db, sale, error))
        return FALSE;
    }
  sqlite3_clear_bindings (sale);
  sqlite3_clear_bindings (restock);
  return TRUE;
}

/*
 * A chunk op is standalone: the writer runs it alone, in a transaction of its own that
 * it begins, records and commits (or rolls back), with no "SAVEPOINT op" around it:
 * inside one, SQLite's in-memory statement sub-journal would grow with every page the
 * chunk touches and be walked again after each statement (quadratic).
 */
gboolean
stk_sqlite_apply_generate (StkOp    *op,
                           sqlite3  *db,
                           GError  **error)
{
  GenData *g = stk_op_get_payload (op);

  if (stk_sqlite_bulk_generate_wanted (g))
    return stk_sqlite_bulk_generate (g, db, error);
  return g->n_items > 0 ? apply_items (db, g, error) : apply_sales (db, g, error);
}
