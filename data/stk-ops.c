/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-ops.h"

#include <glib/gi18n.h>

#include "stk-barcode.h"
#include "stk-code.h"
#include "stk-day.h"
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
stk_op_receive (const char *code,
                gint64      quantity,
                gint64      unit_cost_cents,
                const char *reason,
                gint64      received_at_us)
{
  StkOp *op = stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, quantity, reason,
                                      received_at_us);
  StkMovementPayload *d = stk_op_get_payload (op);

  d->cost_given = TRUE;
  d->unit_cost_cents = unit_cost_cents;
  return op;
}

StkOp *
stk_op_set_item_cost (gint64 item_id,
                      gint64 default_cost_cents)
{
  StkItemCostPayload *d = g_new0 (StkItemCostPayload, 1);
  StkOp *op;

  d->item_id = item_id;
  d->default_cost_cents = default_cost_cents;
  op = stk_op_new (STK_OP_SET_ITEM_COST, STK_CHANGE_ITEMS, d, g_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_description (op, _("Change an item’s cost"));
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

static void
void_payload_free (gpointer data)
{
  StkVoidPayload *d = data;

  g_free (d->reason);
  g_free (d);
}

static char *
describe_void_sale (StkOp    *op,
                    gpointer  user_data)
{
  StkVoidPayload *d = user_data;
  char id[24];

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, d->sale_id);
  /* Translators: %s is the sale's number */
  return g_strdup_printf (_("Voiding of sale %s"), id);
}

StkOp *
stk_op_void_sale_with_reason (gint64      sale_id,
                              const char *reason)
{
  StkVoidPayload *d = g_new0 (StkVoidPayload, 1);
  StkOp *op;

  d->sale_id = sale_id;
  d->reason = strip_dup (reason);
  op = stk_op_new (STK_OP_VOID_SALE, STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES,
                   d, void_payload_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_describe_func (op, describe_void_sale);
  return op;
}

StkOp *
stk_op_void_sale (gint64 sale_id)
{
  return stk_op_void_sale_with_reason (sale_id, NULL);
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

  /* Its barcodes go first, then the item: two statements, so not ATOMIC. */
  stk_op_set_flags (op, STK_OP_FLAG_NONE);

  stk_op_set_describe_func (op, describe_delete_item);
  return op;
}

/* ---- sales of several lines, returns, barcodes ---- */

static void
sell_payload_free (gpointer data)
{
  StkSellPayload *d = data;

  for (guint i = 0; i < d->n_lines; i++)
    g_free (d->lines[i].code);
  g_free (d->lines);
  g_free (d->payment);
  g_free (d->note);
  g_free (d);
}

static char *
describe_sell (StkOp    *op,
               gpointer  user_data)
{
  StkSellPayload *d = user_data;
  g_autofree char *quantity = NULL;

  if (d->n_lines == 1)
    {
      quantity = stk_format_count (d->lines[0].quantity);
      /* Translators: a quantity × an item code */
      return g_strdup_printf (_("Sale of %s × “%s”"), quantity, d->lines[0].code);
    }
  quantity = stk_format_count (d->n_lines);
  /* Translators: %s is a number of lines, at least 2 */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sale of %s line", "Sale of %s lines",
                                       d->n_lines),
                          quantity);
}

StkOp *
stk_op_sell (const StkSaleLineSpec *lines,
             guint                  n_lines,
             const char            *payment,
             const char            *note,
             gint64                 sold_at_us)
{
  StkSellPayload *d;
  StkOp *op;

  g_return_val_if_fail (lines != NULL || n_lines == 0, NULL);

  d = g_new0 (StkSellPayload, 1);
  d->n_lines = n_lines;
  d->lines = g_new0 (StkSellLine, MAX (n_lines, 1));
  for (guint i = 0; i < n_lines; i++)
    {
      d->lines[i].code = strip_dup (lines[i].code);
      d->lines[i].quantity = lines[i].quantity;
      d->lines[i].unit_price_cents = lines[i].unit_price_cents;
      d->lines[i].discount_cents = lines[i].discount_cents;
    }
  d->payment = strip_dup (payment);
  d->note = strip_dup (note);
  d->sold_at_us = sold_at_us;
  /* One statement per line: not ATOMIC, the writer's savepoint makes it all or none. */
  op = stk_op_new (STK_OP_SELL, STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES,
                   d, sell_payload_free);
  stk_op_set_describe_func (op, describe_sell);
  return op;
}

static void
return_payload_free (gpointer data)
{
  StkReturnPayload *d = data;

  g_free (d->reason);
  g_free (d);
}

static char *
describe_return (StkOp    *op,
                 gpointer  user_data)
{
  StkReturnPayload *d = user_data;
  g_autofree char *quantity = stk_format_count (d->quantity);
  char id[24];

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, d->line_id);
  /* Translators: a quantity, then the number of a sale's line */
  return g_strdup_printf (_("Return of %s from sale line %s"), quantity, id);
}

StkOp *
stk_op_return_sale_line (gint64      line_id,
                         gint64      quantity,
                         gint64      refund_cents,
                         const char *reason,
                         gint64      returned_at_us)
{
  StkReturnPayload *d = g_new0 (StkReturnPayload, 1);
  StkOp *op;

  d->line_id = line_id;
  d->quantity = quantity;
  d->refund_cents = refund_cents;
  d->reason = strip_dup (reason);
  d->returned_at_us = returned_at_us;
  op = stk_op_new (STK_OP_RETURN, STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES,
                   d, return_payload_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_describe_func (op, describe_return);
  return op;
}

static void
barcode_payload_free (gpointer data)
{
  StkBarcodePayload *d = data;

  g_free (d->code);
  g_clear_pointer (&d->barcodes, g_array_unref);
  g_free (d);
}

static void
barcode_clear (gpointer data)
{
  stk_barcode_clear (data);
}

static StkBarcodePayload *
barcode_payload_new (void)
{
  StkBarcodePayload *d = g_new0 (StkBarcodePayload, 1);

  d->barcodes = g_array_new (FALSE, TRUE, sizeof (StkBarcode));
  g_array_set_clear_func (d->barcodes, barcode_clear);
  return d;
}

static void
barcode_payload_add (StkBarcodePayload *d,
                     const char        *code,
                     guint              pack)
{
  StkBarcode b = { strip_dup (code), pack };

  g_array_append_val (d->barcodes, b);
}

StkOp *
stk_op_add_barcode (const char *code,
                    const char *barcode,
                    guint       pack)
{
  StkBarcodePayload *d = barcode_payload_new ();
  StkOp *op;

  d->code = strip_dup (code);
  barcode_payload_add (d, barcode != NULL ? barcode : "", pack);
  op = stk_op_new (STK_OP_ADD_BARCODE, STK_CHANGE_ITEMS, d, barcode_payload_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_description (op, _("Add a barcode"));
  return op;
}

StkOp *
stk_op_set_barcodes (gint64            item_id,
                     const StkBarcode *barcodes,
                     guint             n_barcodes)
{
  const StkBarcode *b = barcodes;
  StkBarcodePayload *d;
  StkOp *op;

  g_return_val_if_fail (barcodes != NULL || n_barcodes == 0, NULL);

  d = barcode_payload_new ();
  d->item_id = item_id;
  for (guint i = 0; i < n_barcodes; i++)
    barcode_payload_add (d, b[i].code != NULL ? b[i].code : "", b[i].pack);
  /* A delete and inserts: not ATOMIC (the writer's savepoint keeps the old set on failure). */
  op = stk_op_new (STK_OP_SET_BARCODES, STK_CHANGE_ITEMS, d, barcode_payload_free);
  stk_op_set_description (op, _("Change an item’s barcodes"));
  return op;
}

/* ---- the shop's rules ---- */

static void
setting_payload_free (gpointer data)
{
  StkSettingPayload *d = data;

  g_free (d->key);
  g_free (d->text);
  g_free (d);
}

static StkOp *
setting_op_new (const char *key,
                const char *text,
                gint64      number,
                const char *description)
{
  StkSettingPayload *d = g_new0 (StkSettingPayload, 1);
  StkOp *op;

  d->key = g_strdup (key);
  d->text = g_strdup (text);
  d->number = number;
  op = stk_op_new (STK_OP_SET_SETTING, STK_CHANGE_NONE, d, setting_payload_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_description (op, description);
  return op;
}

StkOp *
stk_op_set_receipt_series (StkReceiptSeries series)
{
  g_return_val_if_fail (series == STK_RECEIPT_SERIES_CONTINUOUS ||
                        series == STK_RECEIPT_SERIES_YEARLY, NULL);

  return setting_op_new ("receipt_series",
                         series == STK_RECEIPT_SERIES_YEARLY ? "yearly" : "continuous", 0,
                         _("Change how receipt numbers run"));
}

StkOp *
stk_op_set_allow_negative_stock (gboolean allow)
{
  return setting_op_new ("allow_negative_stock", NULL, allow ? 1 : 0,
                         allow ? _("Allow stock below zero") : _("Refuse stock below zero"));
}

StkOp *
stk_op_set_payment_methods (const char *const *methods)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (stk_payment_methods_check (methods, NULL), NULL);

  text = g_strjoinv ("\n", (char **) methods);
  return setting_op_new ("payment_methods", text, 0, _("Change the payment methods"));
}

StkOp *
stk_op_set_default_tax_rate (gint64 id)
{
  g_return_val_if_fail (id >= 0, NULL);

  return setting_op_new ("default_tax_rate", NULL, id, _("Change the default tax rate"));
}

StkOp *
stk_op_set_prices_include_tax (gboolean included)
{
  return setting_op_new ("prices_include_tax", NULL, included ? 1 : 0,
                         included ? _("Enter prices with tax included")
                                  : _("Enter prices without tax"));
}

StkOp *
stk_op_set_tax_rounding (StkTaxRounding rounding)
{
  g_return_val_if_fail (rounding == STK_TAX_ROUND_LINE || rounding == STK_TAX_ROUND_RECEIPT, NULL);

  return setting_op_new ("tax_rounding", rounding == STK_TAX_ROUND_RECEIPT ? "receipt" : "line", 0,
                         _("Change how tax is rounded"));
}

static void
tax_rate_payload_free (gpointer data)
{
  StkTaxRatePayload *d = data;

  g_free (d->name);
  g_free (d);
}

static StkOp *
tax_rate_op_new (const char  *kind,
                 StkChangeFlags change,
                 gint64       id,
                 const char  *name,
                 gint64       rate_bp,
                 gint64       item_id,
                 const char  *description)
{
  StkTaxRatePayload *d = g_new0 (StkTaxRatePayload, 1);
  StkOp *op;

  d->id = id;
  d->name = g_strdup (name != NULL ? name : "");
  d->rate_bp = rate_bp;
  d->item_id = item_id;
  op = stk_op_new (kind, change, d, tax_rate_payload_free);
  stk_op_set_flags (op, STK_OP_FLAG_ATOMIC);
  stk_op_set_description (op, description);
  return op;
}

StkOp *
stk_op_save_tax_rate (gint64      id,
                      const char *name,
                      gint64      rate_bp)
{
  g_return_val_if_fail (id >= 0, NULL);

  /* Checked when applied, so that a bad name or rate fails with its sentence. */
  return tax_rate_op_new (STK_OP_SAVE_TAX_RATE, STK_CHANGE_NONE, id, name, rate_bp, 0,
                          id == 0 ? _("Add a tax rate") : _("Change a tax rate"));
}

StkOp *
stk_op_remove_tax_rate (gint64 id)
{
  g_return_val_if_fail (id > 0, NULL);

  return tax_rate_op_new (STK_OP_REMOVE_TAX_RATE, STK_CHANGE_NONE, id, NULL, 0, 0,
                          _("Remove a tax rate"));
}

StkOp *
stk_op_set_item_tax_rate (gint64 item_id,
                          gint64 rate_id)
{
  g_return_val_if_fail (rate_id >= 0, NULL);

  return tax_rate_op_new (STK_OP_SET_ITEM_TAX_RATE, STK_CHANGE_ITEMS, rate_id, NULL, 0, item_id,
                          _("Change an item’s tax rate"));
}

static void
close_day_payload_free (gpointer data)
{
  StkCloseDayPayload *d = data;

  g_free (d->note);
  g_free (d);
}

StkOp *
stk_op_close_day (gint64      counted_cash_cents,
                  const char *note)
{
  StkCloseDayPayload *d;
  StkOp *op;

  g_return_val_if_fail (counted_cash_cents >= 0, NULL);

  d = g_new0 (StkCloseDayPayload, 1);
  d->counted_cash_cents = counted_cash_cents;
  d->note = strip_dup (note);
  op = stk_op_new (STK_OP_CLOSE_DAY, STK_CHANGE_SALES, d, close_day_payload_free);
  stk_op_set_description (op, _("Close the day"));
  return op;
}
