/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sqlite-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-op-payloads.h"

/*
 * The SQLite engine's appliers: how each kind of op (a value, stk-op-payloads.h) is
 * stored in SQLite. The builders in stk-ops.c, stk-transfer.c and stk-maintenance.c
 * hold no SQL; the writer asks the engine (stk-engine.h) to apply an op, and the
 * engine picks the applier for its kind here.
 */

/* Turns SQLite's error for a failed statement into one clear sentence. */
void
stk_sqlite_set_statement_error (GError     **error,
                                sqlite3     *db,
                                const char  *code)
{
  int rc = sqlite3_extended_errcode (db);
  const char *msg = sqlite3_errmsg (db);

  if (rc == SQLITE_CONSTRAINT_UNIQUE && strstr (msg, "items.code") != NULL)
    g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                 _("An item with code “%s” already exists."), code);
  else if ((rc & 0xff) == SQLITE_CONSTRAINT && strstr (msg, "below zero") != NULL)
    g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                 _("Not enough stock of “%s”: on hand would go below zero."), code);
  else if ((rc & 0xff) == SQLITE_CONSTRAINT && strstr (msg, "unknown item") != NULL)
    g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("Unknown item code “%s”."), code);
  else if (rc == SQLITE_CONSTRAINT_UNIQUE && strstr (msg, "reference") != NULL)
    g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                 _("A stock movement with this reference was already recorded."));
  else if ((rc & 0xff) == SQLITE_CONSTRAINT && strstr (msg, "more returned than sold") != NULL)
    g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                 _("More of “%s” would be returned than that sale line sold."), code);
  else if ((rc & 0xff) == SQLITE_CONSTRAINT && strstr (msg, "barcodes.key") != NULL)
    g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                 _("Barcode “%s” already belongs to an item."), code);
  else if ((rc & 0xff) == SQLITE_CONSTRAINT)
    g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                 _("The change to “%s” breaks an inventory rule: %s."), code, msg);
  else
    stk_db_set_error (error, db, rc, code);
}

gboolean
stk_sqlite_step_done (sqlite3_stmt  *stmt,
                      sqlite3       *db,
                      const char    *code,
                      GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    stk_sqlite_set_statement_error (error, db, code);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

gint64
stk_sqlite_lookup_item_id (sqlite3     *db,
                           const char  *code,
                           GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, "SELECT id FROM items WHERE code_key = stk_code_key (?1)",
                                    error);
  gint64 id = 0;
  int rc;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("Unknown item code “%s”."), code);
  else
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), code);
  sqlite3_reset (stmt);
  return id;
}

gint64
stk_sqlite_insert_item (sqlite3     *db,
                        const char  *code,
                        const char  *description,
                        gint64       unit_price_cents,
                        gint64       reorder_level,
                        gboolean     archived,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 now = stk_db_now_us ();

  if (!stk_ops_validate_code (code, error) || !stk_ops_validate_description (description, error))
    return 0;
  if (unit_price_cents < 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The price of “%s” is negative."), code);
      return 0;
    }
  if (reorder_level < 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The reorder level of “%s” is negative."), code);
      return 0;
    }

  stmt = stk_db_stmt (db,
                      "INSERT INTO items (code, description, unit_price_cents, reorder_level,"
                      " archived, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                      error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, description != NULL ? description : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, unit_price_cents);
  sqlite3_bind_int64 (stmt, 4, reorder_level);
  sqlite3_bind_int (stmt, 5, archived ? 1 : 0);
  sqlite3_bind_int64 (stmt, 6, now);
  if (!stk_sqlite_step_done (stmt, db, code, error))
    return 0;
  return sqlite3_last_insert_rowid (db);
}

gint64
stk_sqlite_insert_movement (sqlite3         *db,
                            gint64           item_id,
                            const char      *code,
                            StkMovementKind  kind,
                            gint64           quantity,
                            const char      *reason,
                            gint64           moved_at_us,
                            const char      *reference,
                            gint64           unit_cost_cents,
                            GError         **error)
{
  sqlite3_stmt *stmt;

  switch (kind)
    {
    case STK_MOVEMENT_RECEIVE:
      if (quantity <= 0)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("A receipt of “%s” needs a quantity above zero."), code);
          return 0;
        }
      break;
    case STK_MOVEMENT_ADJUSTMENT:
      if (quantity == 0)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("An adjustment of “%s” needs a quantity other than zero."), code);
          return 0;
        }
      break;
    case STK_MOVEMENT_COUNT:
      if (quantity < 0)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("A stock count of “%s” cannot be below zero."), code);
          return 0;
        }
      break;
    case STK_MOVEMENT_SALE:
    default:
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Sales of “%s” are recorded as sales, not as stock movements."), code);
      return 0;
    }
  if (!stk_ops_validate_reason (reason, error))
    return 0;
  if (unit_cost_cents >= 0 && kind != STK_MOVEMENT_RECEIVE)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Only a receipt of “%s” has a cost of its own."), code);
      return 0;
    }

  /* For a count, quantity is the counted on-hand: the movement is the difference. */
  stmt = stk_db_stmt (db,
                      "INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at,"
                      " reference, unit_cost_cents)"
                      " SELECT id, ?2,"
                      "  CASE WHEN ?2 = 'count' THEN ?3 - on_hand ELSE ?3 END,"
                      "  CASE WHEN ?2 = 'count' THEN ?3 ELSE on_hand + ?3 END,"
                      "  ?4, ?5, ?6, ?7 FROM items WHERE id = ?1",
                      error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, item_id);
  sqlite3_bind_text (stmt, 2, stk_movement_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, quantity);
  sqlite3_bind_text (stmt, 4, reason != NULL ? reason : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, moved_at_us > 0 ? moved_at_us : stk_db_now_us ());
  if (reference != NULL)
    sqlite3_bind_text (stmt, 6, reference, -1, SQLITE_STATIC);
  if (unit_cost_cents >= 0)
    sqlite3_bind_int64 (stmt, 7, unit_cost_cents);
  if (!stk_sqlite_step_done (stmt, db, code, error))
    return 0;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("Unknown item code “%s”."), code);
      return 0;
    }
  return sqlite3_last_insert_rowid (db);
}

gint64
stk_sqlite_insert_sale (sqlite3     *db,
                        gint64       item_id,
                        const char  *code,
                        gint64       quantity,
                        gint64       unit_price_cents,
                        gint64       sold_at_us,
                        const char  *uid,
                        GError     **error)
{
  StkSqliteSaleLine line = {
    .item_id = item_id, .code = code, .uid = uid, .quantity = quantity,
    .unit_price_cents = unit_price_cents, .sold_at_us = sold_at_us,
  };

  return stk_sqlite_insert_sale_line (db, &line, error);
}


/* ---- the appliers: one per kind of op (stk-op-payloads.h) ---- */

static gboolean
apply_create_item (StkOp    *op,
                   sqlite3  *db,
                   GError  **error)
{
  StkItemPayload *d = stk_op_get_payload (op);
  gint64 id = stk_sqlite_insert_item (db, d->code, d->description, d->unit_price_cents, d->reorder_level, FALSE, error);

  if (id == 0)
    return FALSE;
  stk_op_set_row_id (op, id);
  return TRUE;
}

static gboolean
apply_update_item (StkOp    *op,
                   sqlite3  *db,
                   GError  **error)
{
  StkItemPayload *d = stk_op_get_payload (op);
  sqlite3_stmt *stmt;

  if (!stk_ops_validate_code (d->code, error) || !stk_ops_validate_description (d->description, error))
    return FALSE;
  if (d->unit_price_cents < 0 || d->reorder_level < 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The price and reorder level of “%s” cannot be negative."), d->code);
      return FALSE;
    }
  stmt = stk_db_stmt (db,
                      "UPDATE items SET code = ?2, description = ?3, unit_price_cents = ?4,"
                      " reorder_level = ?5, updated_at = ?6 WHERE id = ?1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->item_id);
  sqlite3_bind_text (stmt, 2, d->code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, d->description, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, d->unit_price_cents);
  sqlite3_bind_int64 (stmt, 5, d->reorder_level);
  sqlite3_bind_int64 (stmt, 6, stk_db_now_us ());
  if (!stk_sqlite_step_done (stmt, db, d->code, error))
    return FALSE;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                   _("The item “%s” no longer exists."), d->code);
      return FALSE;
    }
  stk_op_set_row_id (op, d->item_id);
  return TRUE;
}

static gboolean
apply_set_archived (StkOp    *op,
                    sqlite3  *db,
                    GError  **error)
{
  StkIdPayload *d = stk_op_get_payload (op);
  sqlite3_stmt *stmt;
  g_autofree char *id_str = g_strdup_printf ("#%" G_GINT64_FORMAT, d->id);

  stmt = stk_db_stmt (db, "UPDATE items SET archived = ?2, updated_at = ?3 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->id);
  sqlite3_bind_int (stmt, 2, d->archived ? 1 : 0);
  sqlite3_bind_int64 (stmt, 3, stk_db_now_us ());
  if (!stk_sqlite_step_done (stmt, db, id_str, error))
    return FALSE;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("The item no longer exists."));
      return FALSE;
    }
  stk_op_set_row_id (op, d->id);
  return TRUE;
}

static gboolean
apply_record_movement (StkOp    *op,
                       sqlite3  *db,
                       GError  **error)
{
  StkMovementPayload *d = stk_op_get_payload (op);
  gint64 item_id;
  gint64 cost = -1;
  gint64 id;

  if (!stk_ops_validate_code (d->code, error))
    return FALSE;
  item_id = stk_sqlite_lookup_item_id (db, d->code, error);
  if (item_id == 0)
    return FALSE;
  if (d->kind == STK_MOVEMENT_RECEIVE &&
      !stk_sqlite_receipt_cost (db, item_id, d->code, d->quantity, d->cost_given,
                                d->unit_cost_cents, &cost, error))
    return FALSE;
  if (d->kind != STK_MOVEMENT_RECEIVE && d->cost_given)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Only a receipt of “%s” has a cost of its own."), d->code);
      return FALSE;
    }
  id = stk_sqlite_insert_movement (db, item_id, d->code, d->kind, d->quantity, d->reason,
                                 d->moved_at_us, NULL, cost, error);
  if (id == 0)
    return FALSE;
  stk_op_set_row_id (op, id);
  return TRUE;
}

static gboolean
apply_record_sale (StkOp    *op,
                   sqlite3  *db,
                   GError  **error)
{
  StkSalePayload *d = stk_op_get_payload (op);
  gint64 item_id;
  gint64 id;

  if (!stk_ops_validate_code (d->code, error))
    return FALSE;
  item_id = stk_sqlite_lookup_item_id (db, d->code, error);
  if (item_id == 0)
    return FALSE;
  id = stk_sqlite_insert_sale (db, item_id, d->code, d->quantity, d->unit_price_cents,
                               d->sold_at_us, stk_op_get_id (op), error);
  if (id == 0)
    return FALSE;
  stk_op_set_row_id (op, id);
  return TRUE;
}

static gboolean
apply_void_sale (StkOp    *op,
                 sqlite3  *db,
                 GError  **error)
{
  StkVoidPayload *d = stk_op_get_payload (op);
  g_autofree char *code = NULL;
  sqlite3_stmt *stmt;
  gboolean voided = FALSE;
  gboolean returned = FALSE;
  int rc;

  if (!stk_ops_validate_reason (d->reason, error))
    return FALSE;
  /* A sale's id is its first line's; a further line is not a sale of its own. */
  stmt = stk_db_stmt (db,
                      "SELECT i.code, EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id),"
                      " EXISTS (SELECT 1 FROM returns r JOIN sales l ON l.id = r.line_id"
                      "         WHERE l.id = s.id OR l.first_line = s.id)"
                      " FROM sales s JOIN items i ON i.id = s.item_id"
                      " WHERE s.id = ?1 AND s.first_line IS NULL",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->sale_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      voided = sqlite3_column_int (stmt, 1) != 0;
      returned = sqlite3_column_int (stmt, 2) != 0;
    }
  else if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot void the sale"));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      char id[24];

      g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, d->sale_id);
      /* Translators: %s is the sale's number */
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("Sale %s does not exist."), id);
      return FALSE;
    }
  if (voided)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("The sale of “%s” was voided already."), code);
      return FALSE;
    }

  if (returned)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("The sale of “%s” has returns, so it cannot be voided; return the rest "
                     "of it instead."),
                   code);
      return FALSE;
    }

  stmt = stk_db_stmt (db, "INSERT INTO sale_voids (sale_id, voided_at, reason) VALUES (?1, ?2, ?3)",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->sale_id);
  sqlite3_bind_int64 (stmt, 2, stk_db_now_us ());
  sqlite3_bind_text (stmt, 3, d->reason, -1, SQLITE_STATIC);
  if (!stk_sqlite_step_done (stmt, db, code, error))
    return FALSE;
  stk_op_set_row_id (op, d->sale_id);
  return TRUE;
}

static gboolean
apply_delete_item (StkOp    *op,
                   sqlite3  *db,
                   GError  **error)
{
  StkIdPayload *d = stk_op_get_payload (op);
  g_autofree char *code = NULL;
  sqlite3_stmt *stmt;
  gboolean has_history = FALSE;
  int rc;

  stmt = stk_db_stmt (db,
                      "SELECT code, EXISTS (SELECT 1 FROM movements WHERE item_id = ?1)"
                      "          OR EXISTS (SELECT 1 FROM sales WHERE item_id = ?1)"
                      " FROM items WHERE id = ?1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      has_history = sqlite3_column_int (stmt, 1) != 0;
    }
  else if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot remove the item"));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("The item no longer exists."));
      return FALSE;
    }
  if (has_history)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("The item “%s” has stock movements or sales, so it cannot be removed; "
                     "archive it instead."),
                   code);
      return FALSE;
    }

  stmt = stk_db_stmt (db, "DELETE FROM barcodes WHERE item_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->id);
  if (!stk_sqlite_step_done (stmt, db, code, error))
    return FALSE;
  stmt = stk_db_stmt (db, "DELETE FROM items WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->id);
  if (!stk_sqlite_step_done (stmt, db, code, error))
    return FALSE;
  stk_op_set_row_id (op, d->id);
  return TRUE;
}

/* A setting is one row of settings; an inventory older than the setting refuses it
 * (format 7 brought receipt_series). */
static gboolean
apply_set_setting (StkOp    *op,
                   sqlite3  *db,
                   GError  **error)
{
  const StkSettingPayload *d = stk_op_get_payload (op);
  sqlite3_stmt *stmt = stk_db_stmt (db, "UPDATE settings SET value = ?2 WHERE key = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, d->key, -1, SQLITE_STATIC);
  if (d->text != NULL)
    sqlite3_bind_text (stmt, 2, d->text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 2, d->number);
  if (!stk_sqlite_step_done (stmt, db, _("Cannot change the setting"), error))
    return FALSE;
  if (sqlite3_changes (db) != 1)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_FAILED,
                   _("Cannot change the setting: the inventory has no setting “%s”."), d->key);
      return FALSE;
    }
  return TRUE;
}

typedef gboolean (*Applier) (StkOp    *op,
                             sqlite3  *db,
                             GError  **error);

static const struct
{
  const char *kind;
  Applier     apply;
} appliers[] = {
  { STK_OP_CREATE_ITEM, apply_create_item },
  { STK_OP_UPDATE_ITEM, apply_update_item },
  { STK_OP_ARCHIVE_ITEM, apply_set_archived },
  { STK_OP_UNARCHIVE_ITEM, apply_set_archived },
  { STK_OP_RECORD_MOVEMENT, apply_record_movement },
  { STK_OP_RECORD_SALE, apply_record_sale },
  { STK_OP_VOID_SALE, apply_void_sale },
  { STK_OP_DELETE_ITEM, apply_delete_item },
  { STK_OP_SELL, stk_sqlite_apply_sell },
  { STK_OP_RETURN, stk_sqlite_apply_return },
  { STK_OP_ADD_BARCODE, stk_sqlite_apply_barcodes },
  { STK_OP_SET_BARCODES, stk_sqlite_apply_barcodes },
  { STK_OP_SET_SETTING, apply_set_setting },
  { STK_OP_CLOSE_DAY, stk_sqlite_apply_close_day },
  { STK_OP_SAVE_TAX_RATE, stk_sqlite_apply_tax },
  { STK_OP_REMOVE_TAX_RATE, stk_sqlite_apply_tax },
  { STK_OP_SET_ITEM_TAX_RATE, stk_sqlite_apply_tax },
  { STK_OP_SET_ITEM_COST, stk_sqlite_apply_item_cost },
  { STK_OP_IMPORT_SKUS, stk_sqlite_apply_import },
  { STK_OP_IMPORT_SALES, stk_sqlite_apply_import },
  { STK_OP_IMPORT_MOVEMENTS, stk_sqlite_apply_import },
  { STK_OP_IMPORT_RETURNS, stk_sqlite_apply_import },
  { STK_OP_IMPORT_TAX_RATES, stk_sqlite_apply_import },
  { STK_OP_IMPORT_ALL, stk_sqlite_apply_import_all },
  { STK_OP_RESTORE, stk_sqlite_apply_restore },
  { STK_OP_CHECKPOINT, stk_sqlite_apply_checkpoint },
  { STK_OP_GENERATE, stk_sqlite_apply_generate },
  { STK_OP_GENERATE_PROBE, stk_sqlite_apply_generate_probe },
};

/**
 * stk_sqlite_apply_op:
 * Applies @op on @db: the engine's own closure when the op carries one (engine tests,
 * stk_sqlite_op_new()), else the applier for its kind. An op of a kind this engine
 * does not know fails alone, with one sentence.
 */
gboolean
stk_sqlite_apply_op (sqlite3  *db,
                     StkOp    *op,
                     GError  **error)
{
  StkOpHook hook = stk_op_get_hook (op);
  const char *kind;

  if (hook != NULL)
    return ((StkSqliteApplyFunc) hook) (op, db, stk_op_get_payload (op), error);

  kind = stk_op_get_kind (op);
  for (guint i = 0; i < G_N_ELEMENTS (appliers); i++)
    if (strcmp (appliers[i].kind, kind) == 0)
      return appliers[i].apply (op, db, error);

  g_set_error (error, STK_ERROR, STK_ERROR_FAILED,
               _("This inventory cannot apply a change of kind “%s”."), kind);
  return FALSE;
}

StkOp *
stk_sqlite_op_new (const char         *kind,
                   StkChangeFlags      changes,
                   StkSqliteApplyFunc  apply,
                   gpointer            user_data,
                   GDestroyNotify      destroy)
{
  StkOp *op;

  g_return_val_if_fail (apply != NULL, NULL);

  op = stk_op_new (kind, changes, user_data, destroy);
  stk_op_set_hook (op, (StkOpHook) apply);
  return op;
}
