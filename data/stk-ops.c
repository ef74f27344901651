/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-ops.h"

#include <glib/gi18n.h>

#include "stk-code.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-op-payloads.h"

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

gboolean
stk_ops_validate_description (const char  *text,
                              GError     **error)
{
  return validate_text (text, TEXT_DESCRIPTION, error);
}

gboolean
stk_ops_validate_reason (const char  *text,
                         GError     **error)
{
  return validate_text (text, TEXT_REASON, error);
}

/* ---- ops: values (kind + payload, stk-op-payloads.h); the engine applies them ---- */

static void
item_payload_free (gpointer data)
{
  StkItemPayload *d = data;

  g_free (d->code);
  g_free (d->description);
  g_free (d);
}

static void
movement_payload_free (gpointer data)
{
  StkMovementPayload *d = data;

  g_free (d->code);
  g_free (d->reason);
  g_free (d);
}

static void
sale_payload_free (gpointer data)
{
  StkSalePayload *d = data;

  g_free (d->code);
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
  StkItemPayload *d = user_data;

  return g_strdup_printf (_("New item “%s”"), d->code);
}

static char *
describe_update_item (StkOp    *op,
                      gpointer  user_data)
{
  StkItemPayload *d = user_data;

  return g_strdup_printf (_("Changes to item “%s”"), d->code);
}

static char *
describe_record_movement (StkOp    *op,
                          gpointer  user_data)
{
  StkMovementPayload *d = user_data;

  switch (d->kind)
    {
    case STK_MOVEMENT_RECEIVE:
      {
        g_autofree char *quantity = stk_format_count (d->quantity);

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
  StkSalePayload *d = user_data;
  g_autofree char *quantity = stk_format_count (d->quantity);

  /* Translators: a quantity × an item code */
  return g_strdup_printf (_("Sale of %s × “%s”"), quantity, d->code);
}

static StkOp *
item_op (const char *kind,
         gint64      item_id,
         const char *code,
         const char *description,
         gint64      unit_price_cents,
         gint64      reorder_level)
{
  StkItemPayload *d = g_new0 (StkItemPayload, 1);
  StkOp *op;

  d->item_id = item_id;
  d->code = strip_dup (code);
  d->description = strip_dup (description);
  d->unit_price_cents = unit_price_cents;
  d->reorder_level = reorder_level;
  op = stk_op_new (kind, STK_CHANGE_ITEMS, d, item_payload_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  return op;
}

StkOp *
stk_op_create_item (const char *code,
                    const char *description,
                    gint64      unit_price_cents,
                    gint64      reorder_level)
{
  StkOp *op = item_op (STK_OP_CREATE_ITEM, 0, code, description, unit_price_cents,
                       reorder_level);

  stk_op_set_describe_func (op, describe_create_item);
  return op;
}

StkOp *
stk_op_update_item (gint64      item_id,
                    const char *code,
                    const char *description,
                    gint64      unit_price_cents,
                    gint64      reorder_level)
{
  StkOp *op = item_op (STK_OP_UPDATE_ITEM, item_id, code, description, unit_price_cents,
                       reorder_level);

  stk_op_set_describe_func (op, describe_update_item);
  return op;
}

static StkOp *
id_op (const char     *kind,
       StkChangeFlags  changes,
       gint64          id,
       gboolean        archived)
{
  StkIdPayload *d = g_new0 (StkIdPayload, 1);
  StkOp *op;

  d->id = id;
  d->archived = !!archived;
  op = stk_op_new (kind, changes, d, g_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  return op;
}

StkOp *
stk_op_set_archived (gint64   item_id,
                     gboolean archived)
{
  StkOp *op = id_op (archived ? STK_OP_ARCHIVE_ITEM : STK_OP_UNARCHIVE_ITEM, STK_CHANGE_ITEMS,
                     item_id, archived);

  stk_op_set_description (op, archived ? _("Archive an item") : _("Restore an archived item"));
  return op;
}

StkOp *
stk_op_record_movement (const char      *code,
                        StkMovementKind  kind,
                        gint64           quantity,
                        const char      *reason,
                        gint64           moved_at_us)
{
  StkMovementPayload *d = g_new0 (StkMovementPayload, 1);
  StkOp *op;

  d->code = strip_dup (code);
  d->kind = kind;
  d->quantity = quantity;
  d->reason = strip_dup (reason);
  d->moved_at_us = moved_at_us;
  op = stk_op_new (STK_OP_RECORD_MOVEMENT, STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS,
                   d, movement_payload_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_describe_func (op, describe_record_movement);
  return op;
}

StkOp *
stk_op_record_sale (const char *code,
                    gint64      quantity,
                    gint64      unit_price_cents,
                    gint64      sold_at_us)
{
  StkSalePayload *d = g_new0 (StkSalePayload, 1);
  StkOp *op;

  d->code = strip_dup (code);
  d->quantity = quantity;
  d->unit_price_cents = unit_price_cents;
  d->sold_at_us = sold_at_us;
  op = stk_op_new (STK_OP_RECORD_SALE, STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES,
                   d, sale_payload_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_describe_func (op, describe_record_sale);
  return op;
}

/* ---- undo building blocks ---- */

static char *
describe_void_sale (StkOp    *op,
                    gpointer  user_data)
{
  StkIdPayload *d = user_data;
  char id[24];

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, d->id);
  /* Translators: %s is the sale's number */
  return g_strdup_printf (_("Voiding of sale %s"), id);
}

StkOp *
stk_op_void_sale (gint64 sale_id)
{
  StkOp *op = id_op (STK_OP_VOID_SALE,
                     STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES, sale_id, FALSE);

  stk_op_set_describe_func (op, describe_void_sale);
  return op;
}

static char *
describe_delete_item (StkOp    *op,
                      gpointer  user_data)
{
  StkIdPayload *d = user_data;
  char id[24];

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, d->id);
  /* Translators: %s is the item's number */
  return g_strdup_printf (_("Removal of item %s"), id);
}

StkOp *
stk_op_delete_item (gint64 item_id)
{
  StkOp *op = id_op (STK_OP_DELETE_ITEM, STK_CHANGE_ITEMS, item_id, FALSE);

  stk_op_set_describe_func (op, describe_delete_item);
  return op;
}
