/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-ops.h"

#include <glib/gi18n.h>

#include "stk-code.h"
#include "stk-db.h"
#include "stk-error.h"
#include "stk-format.h"

static const char *const movement_kinds[] = { "receive", "sale", "adjustment", "count" };

const char *
stk_movement_kind_to_string (StkMovementKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (movement_kinds), NULL);
  return movement_kinds[kind];
}

gboolean
stk_movement_kind_from_string (const char      *str,
                               StkMovementKind *out_kind)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (movement_kinds); i++)
    {
      if (g_ascii_strcasecmp (str, movement_kinds[i]) == 0)
        {
          *out_kind = (StkMovementKind) i;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
stk_ops_validate_code (const char  *code,
                       GError     **error)
{
  if (code == NULL || *code == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The item code is empty."));
      return FALSE;
    }
  if (!g_utf8_validate (code, -1, NULL))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The item code is not valid UTF-8."));
      return FALSE;
    }
  if (g_utf8_strlen (code, -1) > STK_CODE_MAX_LENGTH)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The item code “%s” is longer than %d characters."), code,
                   STK_CODE_MAX_LENGTH);
      return FALSE;
    }
  if (g_unichar_isspace (g_utf8_get_char (code)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_find_prev_char (code, code + strlen (code)))))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The item code “%s” starts or ends with a space."), code);
      return FALSE;
    }
  for (const char *p = code; *p; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("The item code contains a control character."));
          return FALSE;
        }
    }
  return TRUE;
}

typedef enum
{
  TEXT_DESCRIPTION,
  TEXT_REASON,
} TextKind;

static gboolean
validate_text (const char  *text,
               TextKind     kind,
               GError     **error)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           kind == TEXT_DESCRIPTION ? _("The description is not valid UTF-8.")
                                                    : _("The reason is not valid UTF-8."));
      return FALSE;
    }
  if (g_utf8_strlen (text, -1) > STK_DESCRIPTION_MAX_LENGTH)
    {
      if (kind == TEXT_DESCRIPTION)
        g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                     _("The description is longer than %d characters."),
                     STK_DESCRIPTION_MAX_LENGTH);
      else
        g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                     _("The reason is longer than %d characters."), STK_DESCRIPTION_MAX_LENGTH);
      return FALSE;
    }
  return TRUE;
}

/* Turns SQLite's error for a failed statement into one clear sentence. */
static void
set_statement_error (GError     **error,
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
  else if ((rc & 0xff) == SQLITE_CONSTRAINT)
    g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                 _("The change to “%s” breaks an inventory rule: %s."), code, msg);
  else
    stk_db_set_error (error, db, rc, code);
}

static gboolean
step_done (sqlite3_stmt  *stmt,
           sqlite3       *db,
           const char    *code,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    set_statement_error (error, db, code);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

gint64
stk_ops_lookup_item_id (sqlite3     *db,
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
stk_ops_insert_item (sqlite3     *db,
                     const char  *code,
                     const char  *description,
                     gint64       unit_price_cents,
                     gint64       reorder_level,
                     gboolean     archived,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 now = stk_db_now_us ();

  if (!stk_ops_validate_code (code, error) || !validate_text (description, TEXT_DESCRIPTION, error))
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
  if (!step_done (stmt, db, code, error))
    return 0;
  return sqlite3_last_insert_rowid (db);
}

gint64
stk_ops_insert_movement (sqlite3         *db,
                         gint64           item_id,
                         const char      *code,
                         StkMovementKind  kind,
                         gint64           quantity,
                         const char      *reason,
                         gint64           moved_at_us,
                         const char      *reference,
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
  if (!validate_text (reason, TEXT_REASON, error))
    return 0;

  /* For a count, quantity is the counted on-hand: the movement is the difference. */
  stmt = stk_db_stmt (db,
                      "INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at,"
                      " reference)"
                      " SELECT id, ?2,"
                      "  CASE WHEN ?2 = 'count' THEN ?3 - on_hand ELSE ?3 END,"
                      "  CASE WHEN ?2 = 'count' THEN ?3 ELSE on_hand + ?3 END,"
                      "  ?4, ?5, ?6 FROM items WHERE id = ?1",
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
  if (!step_done (stmt, db, code, error))
    return 0;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("Unknown item code “%s”."), code);
      return 0;
    }
  return sqlite3_last_insert_rowid (db);
}

gint64
stk_ops_insert_sale (sqlite3     *db,
                     gint64       item_id,
                     const char  *code,
                     gint64       quantity,
                     gint64       unit_price_cents,
                     gint64       sold_at_us,
                     const char  *uid,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 sale_id;

  if (quantity <= 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("A sale of “%s” needs a quantity above zero."), code);
      return 0;
    }

  stmt = stk_db_stmt (db,
                      "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at)"
                      " SELECT ?1, id, ?3, CASE WHEN ?4 < 0 THEN unit_price_cents ELSE ?4 END, ?5"
                      " FROM items WHERE id = ?2",
                      error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, item_id);
  sqlite3_bind_int64 (stmt, 3, quantity);
  sqlite3_bind_int64 (stmt, 4, unit_price_cents);
  sqlite3_bind_int64 (stmt, 5, sold_at_us > 0 ? sold_at_us : stk_db_now_us ());
  if (!step_done (stmt, db, code, error))
    return 0;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("Unknown item code “%s”."), code);
      return 0;
    }
  sale_id = sqlite3_last_insert_rowid (db);
  return sale_id;
}

/* ---- ops ---- */

typedef struct
{
  gint64          item_id;
  char           *code;
  char           *text; /* description or reason */
  gint64          a;    /* price or quantity */
  gint64          b;    /* reorder level, price, time or archived */
  gint64          c;
  StkMovementKind kind;
} OpData;

static void
op_data_free (gpointer data)
{
  OpData *d = data;

  g_free (d->code);
  g_free (d->text);
  g_free (d);
}

static char *
strip_dup (const char *s)
{
  return s != NULL ? g_strstrip (g_strdup (s)) : g_strdup ("");
}

/* Descriptions are built only when someone asks (e.g. "quit and lose these changes?"). */
static char *
describe_create_item (StkOp    *op,
                      gpointer  user_data)
{
  OpData *d = user_data;

  return g_strdup_printf (_("New item “%s”"), d->code);
}

static char *
describe_update_item (StkOp    *op,
                      gpointer  user_data)
{
  OpData *d = user_data;

  return g_strdup_printf (_("Changes to item “%s”"), d->code);
}

static char *
describe_record_movement (StkOp    *op,
                          gpointer  user_data)
{
  OpData *d = user_data;

  switch (d->kind)
    {
    case STK_MOVEMENT_RECEIVE:
      {
        g_autofree char *quantity = stk_format_count (d->a);

        /* Translators: a quantity × an item code */
        return g_strdup_printf (_("Receipt of %s × “%s”"), quantity, d->code);
      }
    case STK_MOVEMENT_COUNT:
      return g_strdup_printf (_("Stock count of “%s”"), d->code);
    case STK_MOVEMENT_ADJUSTMENT:
    case STK_MOVEMENT_SALE:
    default:
      return g_strdup_printf (_("Stock adjustment of “%s”"), d->code);
    }
}

static char *
describe_record_sale (StkOp    *op,
                      gpointer  user_data)
{
  OpData *d = user_data;
  g_autofree char *quantity = stk_format_count (d->a);

  /* Translators: a quantity × an item code */
  return g_strdup_printf (_("Sale of %s × “%s”"), quantity, d->code);
}

static gboolean
apply_create_item (StkOp    *op,
                   sqlite3  *db,
                   gpointer  user_data,
                   GError  **error)
{
  OpData *d = user_data;
  gint64 id = stk_ops_insert_item (db, d->code, d->text, d->a, d->b, FALSE, error);

  if (id == 0)
    return FALSE;
  stk_op_set_row_id (op, id);
  return TRUE;
}

StkOp *
stk_op_create_item (const char *code,
                    const char *description,
                    gint64      unit_price_cents,
                    gint64      reorder_level)
{
  OpData *d = g_new0 (OpData, 1);
  StkOp *op;

  d->code = strip_dup (code);
  d->text = strip_dup (description);
  d->a = unit_price_cents;
  d->b = reorder_level;
  op = stk_op_new ("create-item", STK_CHANGE_ITEMS, apply_create_item, d, op_data_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_describe_func (op, describe_create_item);
  return op;
}

static gboolean
apply_update_item (StkOp    *op,
                   sqlite3  *db,
                   gpointer  user_data,
                   GError  **error)
{
  OpData *d = user_data;
  sqlite3_stmt *stmt;

  if (!stk_ops_validate_code (d->code, error) || !validate_text (d->text, TEXT_DESCRIPTION, error))
    return FALSE;
  if (d->a < 0 || d->b < 0)
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
  sqlite3_bind_text (stmt, 3, d->text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, d->a);
  sqlite3_bind_int64 (stmt, 5, d->b);
  sqlite3_bind_int64 (stmt, 6, stk_db_now_us ());
  if (!step_done (stmt, db, d->code, error))
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

StkOp *
stk_op_update_item (gint64      item_id,
                    const char *code,
                    const char *description,
                    gint64      unit_price_cents,
                    gint64      reorder_level)
{
  OpData *d = g_new0 (OpData, 1);
  StkOp *op;

  d->item_id = item_id;
  d->code = strip_dup (code);
  d->text = strip_dup (description);
  d->a = unit_price_cents;
  d->b = reorder_level;
  op = stk_op_new ("update-item", STK_CHANGE_ITEMS, apply_update_item, d, op_data_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_describe_func (op, describe_update_item);
  return op;
}

static gboolean
apply_set_archived (StkOp    *op,
                    sqlite3  *db,
                    gpointer  user_data,
                    GError  **error)
{
  OpData *d = user_data;
  sqlite3_stmt *stmt;
  g_autofree char *id_str = g_strdup_printf ("#%" G_GINT64_FORMAT, d->item_id);

  stmt = stk_db_stmt (db, "UPDATE items SET archived = ?2, updated_at = ?3 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->item_id);
  sqlite3_bind_int (stmt, 2, d->b ? 1 : 0);
  sqlite3_bind_int64 (stmt, 3, stk_db_now_us ());
  if (!step_done (stmt, db, id_str, error))
    return FALSE;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("The item no longer exists."));
      return FALSE;
    }
  stk_op_set_row_id (op, d->item_id);
  return TRUE;
}

StkOp *
stk_op_set_archived (gint64   item_id,
                     gboolean archived)
{
  OpData *d = g_new0 (OpData, 1);
  StkOp *op;

  d->item_id = item_id;
  d->b = !!archived;
  op = stk_op_new (archived ? "archive-item" : "unarchive-item", STK_CHANGE_ITEMS,
                   apply_set_archived, d, op_data_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_description (op, archived ? _("Archive an item") : _("Restore an archived item"));
  return op;
}

static gboolean
apply_record_movement (StkOp    *op,
                       sqlite3  *db,
                       gpointer  user_data,
                       GError  **error)
{
  OpData *d = user_data;
  gint64 item_id;
  gint64 id;

  if (!stk_ops_validate_code (d->code, error))
    return FALSE;
  item_id = stk_ops_lookup_item_id (db, d->code, error);
  if (item_id == 0)
    return FALSE;
  id = stk_ops_insert_movement (db, item_id, d->code, d->kind, d->a, d->text, d->b, NULL, error);
  if (id == 0)
    return FALSE;
  stk_op_set_row_id (op, id);
  return TRUE;
}

StkOp *
stk_op_record_movement (const char      *code,
                        StkMovementKind  kind,
                        gint64           quantity,
                        const char      *reason,
                        gint64           moved_at_us)
{
  OpData *d = g_new0 (OpData, 1);
  StkOp *op;

  d->code = strip_dup (code);
  d->kind = kind;
  d->a = quantity;
  d->text = strip_dup (reason);
  d->b = moved_at_us;
  op = stk_op_new ("record-movement", STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS,
                   apply_record_movement, d, op_data_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_describe_func (op, describe_record_movement);
  return op;
}

static gboolean
apply_record_sale (StkOp    *op,
                   sqlite3  *db,
                   gpointer  user_data,
                   GError  **error)
{
  OpData *d = user_data;
  gint64 item_id;
  gint64 id;

  if (!stk_ops_validate_code (d->code, error))
    return FALSE;
  item_id = stk_ops_lookup_item_id (db, d->code, error);
  if (item_id == 0)
    return FALSE;
  id = stk_ops_insert_sale (db, item_id, d->code, d->a, d->b, d->c, stk_op_get_id (op), error);
  if (id == 0)
    return FALSE;
  stk_op_set_row_id (op, id);
  return TRUE;
}

StkOp *
stk_op_record_sale (const char *code,
                    gint64      quantity,
                    gint64      unit_price_cents,
                    gint64      sold_at_us)
{
  OpData *d = g_new0 (OpData, 1);
  StkOp *op;

  d->code = strip_dup (code);
  d->a = quantity;
  d->b = unit_price_cents;
  d->c = sold_at_us;
  op = stk_op_new ("record-sale", STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES,
                   apply_record_sale, d, op_data_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_describe_func (op, describe_record_sale);
  return op;
}

/* ---- undo building blocks ---- */

static char *
describe_void_sale (StkOp    *op,
                    gpointer  user_data)
{
  OpData *d = user_data;
  char id[24];

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, d->item_id);
  /* Translators: %s is the sale's number */
  return g_strdup_printf (_("Voiding of sale %s"), id);
}

static gboolean
apply_void_sale (StkOp    *op,
                 sqlite3  *db,
                 gpointer  user_data,
                 GError  **error)
{
  OpData *d = user_data;
  g_autofree char *code = NULL;
  sqlite3_stmt *stmt;
  gboolean voided = FALSE;
  int rc;

  stmt = stk_db_stmt (db,
                      "SELECT i.code, EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)"
                      " FROM sales s JOIN items i ON i.id = s.item_id WHERE s.id = ?1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->item_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      voided = sqlite3_column_int (stmt, 1) != 0;
    }
  else if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot void the sale"));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      char id[24];

      g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, d->item_id);
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

  stmt = stk_db_stmt (db, "INSERT INTO sale_voids (sale_id, voided_at) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->item_id);
  sqlite3_bind_int64 (stmt, 2, stk_db_now_us ());
  if (!step_done (stmt, db, code, error))
    return FALSE;
  stk_op_set_row_id (op, d->item_id);
  return TRUE;
}

StkOp *
stk_op_void_sale (gint64 sale_id)
{
  OpData *d = g_new0 (OpData, 1);
  StkOp *op;

  d->item_id = sale_id; /* the sale's id */
  op = stk_op_new ("void-sale", STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES,
                   apply_void_sale, d, op_data_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_describe_func (op, describe_void_sale);
  return op;
}

static char *
describe_delete_item (StkOp    *op,
                      gpointer  user_data)
{
  OpData *d = user_data;
  char id[24];

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, d->item_id);
  /* Translators: %s is the item's number */
  return g_strdup_printf (_("Removal of item %s"), id);
}

static gboolean
apply_delete_item (StkOp    *op,
                   sqlite3  *db,
                   gpointer  user_data,
                   GError  **error)
{
  OpData *d = user_data;
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
  sqlite3_bind_int64 (stmt, 1, d->item_id);
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

  stmt = stk_db_stmt (db, "DELETE FROM items WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->item_id);
  if (!step_done (stmt, db, code, error))
    return FALSE;
  stk_op_set_row_id (op, d->item_id);
  return TRUE;
}

StkOp *
stk_op_delete_item (gint64 item_id)
{
  OpData *d = g_new0 (OpData, 1);
  StkOp *op;

  d->item_id = item_id;
  op = stk_op_new ("delete-item", STK_CHANGE_ITEMS, apply_delete_item, d, op_data_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_describe_func (op, describe_delete_item);
  return op;
}
