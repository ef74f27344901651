/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-item-dialog.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "stk-a11y.h"

#include "stk-barcode.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-tax.h"

struct _StkItemDialog
{
  StkEditDialog  parent_instance;

  /* Editing: the item as it was, for the undo op. */
  gboolean       editing;
  StkItemInfo    old;
  char          *new_code;
  /* Creating: where to look up a code that is taken (an archived item's?). */
  StkStore      *store;
  GCancellable  *cancellable;
  /* The archived item being restored instead of created (0: none). */
  gint64         restoring_id;
  char          *restoring_code;
  /* Barcodes: as loaded (or last saved), as parsed for the save under way; the item
   * a save created when its barcodes then failed (a second Save updates it). */
  char          *old_barcodes;
  GArray        *new_barcodes;
  gboolean       barcodes_pending;
  gboolean       barcodes_edited;
  gint64         created_id;
  /* This save's follow-ups already asked for (the barcodes, then the tax rate). */
  gboolean       barcodes_asked;
  gboolean       tax_asked;
  /* Tax rate: the shop's rates and default as read (tax_loaded once the item's own rate
   * is read too), the rate id of each entry of the field (0: the shop's default), the
   * item's own rate as loaded, the one being saved. */
  GPtrArray     *tax_rates;
  gint64         default_tax_rate;
  GArray        *tax_ids;
  gint64         old_tax_rate;
  gboolean       tax_loaded;
  gboolean       tax_pending;
  /* Default cost (stk-cost.h; 0: none): as loaded (cost_loaded once read, at once for a
   * new item), the one this save asks for, and its op asked for / under way. */
  gint64         old_cost;
  gint64         new_cost;
  gboolean       cost_loaded;
  gboolean       cost_asked;
  gboolean       cost_pending;
  /* A new item's opening stock (0: none), received once after the item and its cost
   * (opening_done: received; undoing the creation then archives the item). */
  gint64         opening;
  gboolean       opening_asked;
  gboolean       opening_pending;
  gboolean       opening_done;

  /* Template widgets */
  GtkEntry      *code_entry;
  GtkLabel      *code_error;
  GtkEntry      *description_entry;
  GtkEntry      *price_entry;
  GtkLabel      *price_error;
  GtkSpinButton *reorder_spin;
  GtkEntry      *barcodes_entry;
  GtkLabel      *barcodes_error;
  GtkWidget     *history_button;
  GtkLabel      *tax_label;
  GtkDropDown   *tax_dropdown;
  GtkStringList *tax_model;
  GtkLabel      *tax_error;
  GtkEntry      *cost_entry;
  GtkLabel      *cost_error;
  GtkWidget     *opening_label;
  GtkEntry      *opening_entry;
  GtkLabel      *opening_error;
  GtkLabel      *average_label;
};

G_DEFINE_FINAL_TYPE (StkItemDialog, stk_item_dialog, STK_TYPE_EDIT_DIALOG)

static void
restore_response_cb (AdwMessageDialog *question,
                     const char       *response,
                     StkItemDialog    *self)
{
  /* The question closes itself. */
  if (g_strcmp0 (response, "restore") == 0 && self->restoring_id > 0)
    {
      g_autoptr(StkOp) op = stk_op_set_archived (self->restoring_id, FALSE);

      stk_edit_dialog_submit (STK_EDIT_DIALOG (self), op);
      return;
    }
  self->restoring_id = 0;
  gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
}

/* The code is taken: when an archived item has it, offer to bring that item back
 * (with its stock and history) instead of a dead end. */
static void
taken_code_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(StkItemDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  StkItemInfo info = { 0 };
  GtkWidget *question;

  if (!stk_store_item_by_code_finish (STK_STORE (object), result, &info, &error))
    return;
  if (g_cancellable_is_cancelled (self->cancellable) || !info.archived)
    {
      g_free (info.code);
      g_free (info.description);
      return;
    }

  self->restoring_id = info.id;
  g_free (self->restoring_code);
  self->restoring_code = g_strdup (info.code);
  stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry),
                            _("An archived item has this code."));
  question = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (question),
                                     /* Translators: %s is an item code */
                                     _("Restore the Archived Item “%s”?"), info.code);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (question),
                                  /* Translators: %s is an item's description */
                                  _("“%s” was archived. Restoring brings it back "
                                    "with its stock and its history."),
                                  info.description && info.description[0]
                                    ? info.description : info.code);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (question),
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (question), "restore",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (question), "restore");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (question), "cancel");
  gtk_window_set_modal (GTK_WINDOW (question), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (question), TRUE);
  stk_a11y_name_mnemonic_buttons (question);
  g_signal_connect_object (question, "response", G_CALLBACK (restore_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (question));
  g_free (info.code);
  g_free (info.description);
}

/* The writer's refusal: a duplicate or invalid code goes under the code field. */
static gboolean
stk_item_dialog_show_error (StkEditDialog *dialog,
                            const GError  *error)
{
  StkItemDialog *self = STK_ITEM_DIALOG (dialog);

  self->restoring_id = 0;
  if (self->opening_pending)
    {
      /* The item (its barcodes, tax rate and cost) is saved; its opening stock is not. */
      self->opening_pending = FALSE;
      stk_a11y_set_field_error (self->opening_error, GTK_WIDGET (self->opening_entry),
                                error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->opening_entry));
      return TRUE;
    }
  if (self->cost_pending)
    {
      /* The item (its barcodes, its tax rate) are saved; its default cost is not. */
      self->cost_pending = FALSE;
      stk_a11y_set_field_error (self->cost_error, GTK_WIDGET (self->cost_entry),
                                error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->cost_entry));
      return TRUE;
    }
  if (self->tax_pending)
    {
      /* The item (and its barcodes) are saved; its tax rate is not. */
      self->tax_pending = FALSE;
      stk_a11y_set_field_error (self->tax_error, GTK_WIDGET (self->tax_dropdown),
                                error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->tax_dropdown));
      return TRUE;
    }
  if (self->barcodes_pending)
    {
      /* The item is saved; its barcodes are not (one taken by another item?). */
      self->barcodes_pending = FALSE;
      stk_a11y_set_field_error (self->barcodes_error, GTK_WIDGET (self->barcodes_entry),
                                error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->barcodes_entry));
      return TRUE;
    }
  if (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT) && !self->editing &&
      self->store != NULL && self->new_code != NULL)
    stk_store_item_by_code_async (self->store, self->new_code, self->cancellable,
                                  taken_code_cb, g_object_ref (self));
  if (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT))
    {
      stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      return TRUE;
    }
  if (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA))
    {
      stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), error->message);
      return TRUE;
    }
  return FALSE;
}

static char *
stk_item_dialog_saved (StkEditDialog  *dialog,
                       StkOp          *op,
                       StkOp         **undo,
                       gint64         *item_id)
{
  StkItemDialog *self = STK_ITEM_DIALOG (dialog);

  if (self->restoring_id > 0)
    {
      *item_id = self->restoring_id;
      *undo = stk_op_set_archived (self->restoring_id, TRUE);
      /* Translators: shown after an archived item was restored; %s is its code */
      return g_strdup_printf (_("Saved: “%s” restored"), self->restoring_code);
    }
  self->barcodes_pending = FALSE;
  self->tax_pending = FALSE;
  if (self->cost_pending)
    self->old_cost = self->new_cost;
  self->cost_pending = FALSE;
  if (self->opening_pending)
    self->opening_done = TRUE;
  self->opening_pending = FALSE;
  if (self->created_id > 0 && self->opening_done)
    {
      g_autofree char *count = stk_format_count (self->opening);

      /* Its opening receipt stays in the history: undone, the item is archived. */
      *item_id = self->created_id;
      *undo = stk_op_set_archived (self->created_id, TRUE);
      /* Translators: shown after an item was created with stock; %s is its code, then
       * the quantity */
      return g_strdup_printf (_("Saved: new item “%s”, %s in stock"), self->new_code, count);
    }
  if (self->created_id > 0)
    {
      *item_id = self->created_id;
      *undo = stk_op_delete_item (self->created_id);
      return g_strdup_printf (_("Saved: new item “%s”"), self->new_code);
    }
  if (self->editing)
    {
      *item_id = self->old.id;
      *undo = stk_op_update_item (self->old.id, self->old.code, self->old.description,
                                  self->old.unit_price_cents, self->old.reorder_level);
      /* Translators: shown after an item was edited; %s is its code */
      return g_strdup_printf (_("Saved: changes to “%s”"), self->new_code);
    }
  *item_id = op != NULL ? stk_op_get_row_id (op) : 0;
  *undo = *item_id > 0 ? stk_op_delete_item (*item_id) : NULL;
  /* Translators: shown after an item was created; %s is its code */
  return g_strdup_printf (_("Saved: new item “%s”"), self->new_code);
}

static StkOp *
stk_item_dialog_build_op (StkEditDialog *dialog)
{
  StkItemDialog *self = STK_ITEM_DIALOG (dialog);
  g_autoptr(GError) error = NULL;
  StkOp *op;
  g_autofree char *code = NULL;
  g_autofree char *description = NULL;
  g_autofree char *price_text = NULL;
  g_autofree char *cost_text = NULL;
  g_autofree char *opening_text = NULL;
  gint64 price_cents = 0;
  gint64 cost_cents = 0;
  gint64 opening = 0;
  gint64 reorder;
  gboolean ok = TRUE;

  code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))));
  description = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_entry))));
  price_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->price_entry))));
  gtk_spin_button_update (self->reorder_spin);
  reorder = (gint64) gtk_spin_button_get_value (self->reorder_spin);

  if (code[0] == '\0')
    {
      stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), _("Enter a code for the item."));
      ok = FALSE;
    }
  else if (!stk_ops_validate_code (code, &error))
    {
      stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), error->message);
      g_clear_error (&error);
      ok = FALSE;
    }

  if (price_text[0] != '\0' && !stk_parse_money (price_text, &price_cents, &error))
    {
      stk_a11y_set_field_error (self->price_error, GTK_WIDGET (self->price_entry), error->message);
      g_clear_error (&error);
      if (ok)
        gtk_widget_grab_focus (GTK_WIDGET (self->price_entry));
      ok = FALSE;
    }

  /* The default cost: empty is none (0). */
  cost_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->cost_entry))));
  if (cost_text[0] != '\0' && !stk_parse_money (cost_text, &cost_cents, &error))
    {
      /* (A cost, not a price: said so.) */
      if (cost_text[0] == '-')
        {
          g_clear_error (&error);
          g_set_error_literal (&error, STK_ERROR, STK_ERROR_INVALID_DATA,
                               _("A cost cannot be negative."));
        }
      stk_a11y_set_field_error (self->cost_error, GTK_WIDGET (self->cost_entry), error->message);
      g_clear_error (&error);
      if (ok)
        gtk_widget_grab_focus (GTK_WIDGET (self->cost_entry));
      ok = FALSE;
    }

  /* A new item's opening stock: empty is none; a whole number, not negative. */
  opening_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->opening_entry))));
  if (!self->editing && !self->opening_done && opening_text[0] != '\0')
    {
      if (!stk_parse_count (opening_text, &opening, &error) || opening < 0)
        {
          if (error == NULL)
            g_set_error_literal (&error, STK_ERROR, STK_ERROR_INVALID_DATA,
                                 _("The opening stock cannot be negative."));
          stk_a11y_set_field_error (self->opening_error, GTK_WIDGET (self->opening_entry),
                                    error->message);
          g_clear_error (&error);
          if (ok)
            gtk_widget_grab_focus (GTK_WIDGET (self->opening_entry));
          ok = FALSE;
        }
    }

  /* Each barcode checked here (a wrong check digit is said under the field). */
  g_clear_pointer (&self->new_barcodes, g_array_unref);
  self->new_barcodes = stk_barcode_parse_list (gtk_editable_get_text (GTK_EDITABLE (self->barcodes_entry)),
                                               &error);
  if (self->new_barcodes == NULL)
    {
      stk_a11y_set_field_error (self->barcodes_error, GTK_WIDGET (self->barcodes_entry),
                                error->message);
      g_clear_error (&error);
      if (ok)
        gtk_widget_grab_focus (GTK_WIDGET (self->barcodes_entry));
      ok = FALSE;
    }

  if (!ok)
    {
      if (gtk_widget_get_visible (GTK_WIDGET (self->code_error)))
        gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      return NULL;
    }

  if (self->created_id > 0)
    op = stk_op_update_item (self->created_id, code, description, price_cents, reorder);
  else if (self->editing)
    op = stk_op_update_item (self->old.id, code, description, price_cents, reorder);
  else
    op = stk_op_create_item (code, description, price_cents, reorder);

  g_free (self->new_code);
  self->new_code = g_steal_pointer (&code);
  self->barcodes_asked = FALSE;
  self->tax_asked = FALSE;
  self->cost_asked = FALSE;
  self->new_cost = cost_cents;
  self->opening_asked = FALSE;
  if (!self->opening_done)
    self->opening = opening;
  return op;
}

/* The item the follow-ups are for: the one edited, or the one @op created. */
static gint64
follow_up_item_id (StkItemDialog *self,
                   StkOp         *op)
{
  if (self->created_id > 0)
    return self->created_id;
  if (self->editing)
    return self->old.id;
  return self->created_id = stk_op_get_row_id (op);
}

/* The barcodes, after the item's op (a second op, stk_op_set_barcodes(): the item op
 * alone is exactly-once; a barcode op that fails leaves the item saved and the dialog
 * open with the error at the field). Only when they changed. */
static StkOp *
barcodes_follow_up (StkItemDialog *self,
                    StkOp         *op)
{
  g_autofree char *now = NULL;
  gint64 item_id;

  if (self->new_barcodes == NULL)
    return NULL;
  now = stk_barcode_format_list ((StkBarcode *) (gpointer) self->new_barcodes->data,
                                 self->new_barcodes->len);
  if (g_strcmp0 (now, self->old_barcodes != NULL ? self->old_barcodes : "") == 0)
    return NULL;
  item_id = follow_up_item_id (self, op);
  if (item_id <= 0)
    return NULL;
  self->barcodes_pending = TRUE;
  g_free (self->old_barcodes);
  self->old_barcodes = g_steal_pointer (&now);
  return stk_op_set_barcodes (item_id, (StkBarcode *) (gpointer) self->new_barcodes->data,
                              self->new_barcodes->len);
}

/* The tax rate, after the item's op and its barcodes (stk_op_set_item_tax_rate()), only
 * when the choice changed; failing, it leaves the item saved and the dialog open with
 * the error at the field. */
static StkOp *
tax_follow_up (StkItemDialog *self,
               StkOp         *op)
{
  guint selected;
  gint64 rate_id;
  gint64 item_id;

  if (!self->tax_loaded)
    return NULL;
  selected = gtk_drop_down_get_selected (self->tax_dropdown);
  if (selected >= self->tax_ids->len)
    return NULL;
  rate_id = g_array_index (self->tax_ids, gint64, selected);
  if (rate_id == self->old_tax_rate)
    return NULL;
  item_id = follow_up_item_id (self, op);
  if (item_id <= 0)
    return NULL;
  self->barcodes_pending = FALSE;
  self->tax_pending = TRUE;
  return stk_op_set_item_tax_rate (item_id, rate_id);
}

/* The default cost, last (stk_op_set_item_cost()), only when it changed; failing, it
 * leaves the item saved and the dialog open with the error at the field. */
static StkOp *
cost_follow_up (StkItemDialog *self,
                StkOp         *op)
{
  gint64 item_id;

  if (!self->cost_loaded || self->new_cost == self->old_cost)
    return NULL;
  item_id = follow_up_item_id (self, op);
  if (item_id <= 0)
    return NULL;
  self->barcodes_pending = FALSE;
  self->tax_pending = FALSE;
  self->cost_pending = TRUE;
  return stk_op_set_item_cost (item_id, self->new_cost);
}

/* A new item's opening stock, after its cost (a receipt takes the default cost), once:
 * failing, it leaves the item saved and the dialog open with the error at the field. */
static StkOp *
opening_follow_up (StkItemDialog *self,
                   StkOp         *op)
{
  if (self->editing || self->opening_done || self->opening <= 0 ||
      follow_up_item_id (self, op) <= 0)
    return NULL;
  self->barcodes_pending = FALSE;
  self->tax_pending = FALSE;
  if (self->cost_pending)
    self->old_cost = self->new_cost;
  self->cost_pending = FALSE;
  self->opening_pending = TRUE;
  return stk_op_record_movement (self->new_code, STK_MOVEMENT_RECEIVE, self->opening,
                                 _("Opening stock"), 0);
}

static StkOp *
stk_item_dialog_follow_up (StkEditDialog *dialog,
                           StkOp         *op)
{
  StkItemDialog *self = STK_ITEM_DIALOG (dialog);
  StkOp *next;

  if (self->restoring_id > 0)
    return NULL;
  if (!self->barcodes_asked)
    {
      self->barcodes_asked = TRUE;
      next = barcodes_follow_up (self, op);
      if (next != NULL)
        return next;
    }
  if (!self->tax_asked)
    {
      self->tax_asked = TRUE;
      next = tax_follow_up (self, op);
      if (next != NULL)
        return next;
    }
  if (!self->cost_asked)
    {
      self->cost_asked = TRUE;
      next = cost_follow_up (self, op);
      if (next != NULL)
        return next;
    }
  if (!self->opening_asked)
    {
      self->opening_asked = TRUE;
      next = opening_follow_up (self, op);
      if (next != NULL)
        return next;
    }
  return NULL;
}

/* ---- The Tax rate field: the shop's default, then each rate ---- */

static char *
tax_rate_label (const StkTaxRate *rate)
{
  g_autofree char *bp = stk_tax_rate_format (rate->rate_bp);

  /* Translators: a tax rate in a list: its name, then its rate ("VAT — 22 %") */
  return g_strdup_printf (_("%s — %s"), rate->name, bp);
}

static void
fill_tax (StkItemDialog *self)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *default_label = NULL;
  guint selected = 0;

  g_array_set_size (self->tax_ids, 0);
  g_array_append_val (self->tax_ids, (gint64) { 0 });
  g_ptr_array_add (labels, NULL);
  for (guint i = 0; i < self->tax_rates->len; i++)
    {
      const StkTaxRate *rate = g_ptr_array_index (self->tax_rates, i);
      char *label = tax_rate_label (rate);

      if (rate->id == self->default_tax_rate)
        /* Translators: the first choice of an item's Tax rate: the shop's default rate,
         * e.g. "Shop default (VAT — 22 %)" */
        default_label = g_strdup_printf (_("Shop default (%s)"), label);
      if (rate->id == self->old_tax_rate)
        selected = i + 1;
      g_array_append_val (self->tax_ids, rate->id);
      g_ptr_array_add (labels, label);
    }
  labels->pdata[0] = default_label != NULL ? g_steal_pointer (&default_label)
                                           : g_strdup (_("Shop default (none)"));
  g_ptr_array_add (labels, NULL);
  gtk_string_list_splice (self->tax_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->tax_model)),
                          (const char *const *) labels->pdata);
  gtk_drop_down_set_selected (self->tax_dropdown, selected);
  self->tax_loaded = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->tax_dropdown), TRUE);
}

static gboolean
tax_read_failed (StkItemDialog *self,
                 GError        *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    return TRUE;
  if (error != NULL)
    {
      stk_a11y_set_field_error (self->tax_error, GTK_WIDGET (self->tax_dropdown),
                                error->message);
      return TRUE;
    }
  return FALSE;
}

static void
tax_item_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(StkItemDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 rate_id = stk_store_get_item_tax_rate_finish (STK_STORE (object), result, &error);

  if (tax_read_failed (self, error))
    return;
  self->old_tax_rate = rate_id;
  fill_tax (self);
}

static void
tax_shop_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(StkItemDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(StkShopSettings) shop = { 0, };

  stk_store_get_shop_settings_finish (STK_STORE (object), result, &shop, &error);
  if (tax_read_failed (self, error))
    return;
  self->default_tax_rate = shop.default_tax_rate;
  if (self->editing)
    stk_store_get_item_tax_rate_async (STK_STORE (object), self->old.id, self->cancellable,
                                       tax_item_cb, g_object_ref (self));
  else
    fill_tax (self);
}

static void
tax_rates_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StkItemDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rates = stk_store_list_tax_rates_finish (STK_STORE (object), result,
                                                                &error);

  if (tax_read_failed (self, error))
    return;
  g_clear_pointer (&self->tax_rates, g_ptr_array_unref);
  self->tax_rates = g_steal_pointer (&rates);
  stk_store_get_shop_settings_async (STK_STORE (object), self->cancellable, tax_shop_cb,
                                     g_object_ref (self));
}

static void
tax_changed_cb (StkItemDialog *self)
{
  stk_a11y_set_field_error (self->tax_error, GTK_WIDGET (self->tax_dropdown), NULL);
}

static void
barcodes_changed_cb (StkItemDialog *self,
                     GtkEditable   *editable)
{
  self->barcodes_edited = TRUE;
  stk_a11y_set_field_error (self->barcodes_error, GTK_WIDGET (self->barcodes_entry), NULL);
}

static void
barcodes_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(StkItemDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) barcodes = stk_store_item_barcodes_finish (STK_STORE (object), result, &error);

  if (barcodes == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      if (barcodes == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        stk_a11y_set_field_error (self->barcodes_error, GTK_WIDGET (self->barcodes_entry),
                                  error->message);
      return;
    }
  g_free (self->old_barcodes);
  self->old_barcodes = stk_barcode_format_list ((StkBarcode *) (gpointer) barcodes->data,
                                                barcodes->len);
  /* Not over what the user typed meanwhile. */
  if (!self->barcodes_edited)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->barcodes_entry), self->old_barcodes);
      self->barcodes_edited = FALSE;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->barcodes_entry), TRUE);
}

/* Editing: the item's default and average cost, read by id (a list's row has none). */
static void
costs_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(StkItemDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(StkItemInfo) info = { 0 };
  g_autofree char *average = NULL;
  g_autofree char *text = NULL;

  if (!stk_store_item_by_id_finish (STK_STORE (object), result, &info, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_cancellable_is_cancelled (self->cancellable))
        stk_a11y_set_field_error (self->cost_error, GTK_WIDGET (self->cost_entry),
                                  error->message);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->old_cost = info.default_cost_cents;
  self->cost_loaded = TRUE;
  if (info.default_cost_cents > 0)
    {
      g_autofree char *cost = stk_format_money (info.default_cost_cents);

      gtk_editable_set_text (GTK_EDITABLE (self->cost_entry), cost);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->cost_entry), TRUE);

  if (info.average_cost_cents > 0)
    {
      average = stk_format_money (info.average_cost_cents);
      /* Translators: under an item's Default cost: what its stock cost on average */
      text = g_strdup_printf (_("Average cost: %s"), average);
    }
  else
    text = g_strdup (_("Average cost: unknown (no receipt with a cost yet)"));
  gtk_label_set_text (self->average_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->average_label), TRUE);
}

static void
cost_changed_cb (StkItemDialog *self,
                 GtkEditable   *editable)
{
  stk_a11y_set_field_error (self->cost_error, GTK_WIDGET (self->cost_entry), NULL);
}

static void
opening_changed_cb (StkItemDialog *self,
                    GtkEditable   *editable)
{
  stk_a11y_set_field_error (self->opening_error, GTK_WIDGET (self->opening_entry), NULL);
}

static void
code_changed_cb (StkItemDialog *self,
                 GtkEditable   *editable)
{
  stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), NULL);
}

static void
price_changed_cb (StkItemDialog *self,
                  GtkEditable   *editable)
{
  stk_a11y_set_field_error (self->price_error, GTK_WIDGET (self->price_entry), NULL);
}

static void
stk_item_dialog_finalize (GObject *object)
{
  StkItemDialog *self = STK_ITEM_DIALOG (object);

  g_free (self->old.code);
  g_free (self->old.description);
  g_free (self->new_code);
  g_free (self->restoring_code);
  g_free (self->old_barcodes);
  g_clear_pointer (&self->new_barcodes, g_array_unref);
  g_clear_pointer (&self->tax_rates, g_ptr_array_unref);
  g_clear_pointer (&self->tax_ids, g_array_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (stk_item_dialog_parent_class)->finalize (object);
}

static void
stk_item_dialog_dispose (GObject *object)
{
  StkItemDialog *self = STK_ITEM_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (stk_item_dialog_parent_class)->dispose (object);
}

/* The item's history in the window: Stock Moves narrowed to it; the dialog closes. */
static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  StkItemDialog *self = STK_ITEM_DIALOG (widget);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (!self->editing || parent == NULL)
    return;
  gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-item-history", "(xs)",
                              self->old.id, self->old.code);
  gtk_window_close (GTK_WINDOW (self));
}

static void
stk_item_dialog_class_init (StkItemDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  StkEditDialogClass *edit_class = STK_EDIT_DIALOG_CLASS (klass);

  object_class->dispose = stk_item_dialog_dispose;
  object_class->finalize = stk_item_dialog_finalize;

  edit_class->build_op = stk_item_dialog_build_op;
  edit_class->saved = stk_item_dialog_saved;
  edit_class->show_error = stk_item_dialog_show_error;
  edit_class->follow_up = stk_item_dialog_follow_up;

  stk_edit_dialog_class_set_template (widget_class, RESOURCE_PREFIX "ui/stk-item-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, code_entry);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, code_error);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, description_entry);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, price_entry);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, price_error);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, reorder_spin);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, barcodes_entry);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, barcodes_error);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, tax_label);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, tax_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, tax_model);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, tax_error);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, history_button);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, cost_entry);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, cost_error);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, opening_label);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, opening_entry);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, opening_error);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, average_label);
  gtk_widget_class_bind_template_callback (widget_class, cost_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, opening_changed_cb);
  gtk_widget_class_install_action (widget_class, "dialog.history", NULL, history_action);
  gtk_widget_class_bind_template_callback (widget_class, barcodes_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, tax_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, price_changed_cb);
}

static void
stk_item_dialog_init (StkItemDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->tax_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_widget_init_template (GTK_WIDGET (self));
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
  stk_a11y_name_drop_down (self->tax_dropdown, _("Tax rate"));
}

StkItemDialog *
stk_item_dialog_new (GtkWindow         *parent,
                     StkWriter         *writer,
                     const StkItemInfo *item)
{
  StkItemDialog *self;
  GtkButton *save_button;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STK_IS_WRITER (writer), NULL);

  self = g_object_new (STK_TYPE_ITEM_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       "writer", writer,
                       NULL);
  save_button = stk_edit_dialog_get_save_button (STK_EDIT_DIALOG (self));

  if (item != NULL)
    {
      g_autofree char *price = stk_format_money (item->unit_price_cents);

      self->editing = TRUE;
      self->old.id = item->id;
      self->old.code = g_strdup (item->code);
      self->old.description = g_strdup (item->description ? item->description : "");
      self->old.unit_price_cents = item->unit_price_cents;
      self->old.reorder_level = item->reorder_level;
      /* Its costs are read with the store (stk_item_dialog_set_store()). */
      gtk_widget_set_sensitive (GTK_WIDGET (self->cost_entry), FALSE);

      gtk_window_set_title (GTK_WINDOW (self), _("Edit Item"));
      gtk_widget_set_visible (self->history_button, TRUE);
      gtk_button_set_label (save_button, _("_Save"));
      stk_a11y_name_mnemonic_button (save_button);
      gtk_editable_set_text (GTK_EDITABLE (self->code_entry), item->code);
      gtk_editable_set_text (GTK_EDITABLE (self->description_entry), self->old.description);
      gtk_editable_set_text (GTK_EDITABLE (self->price_entry), price);
      gtk_spin_button_set_value (self->reorder_spin, (double) item->reorder_level);
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("New Item"));
      self->cost_loaded = TRUE;
      gtk_widget_set_visible (self->opening_label, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->opening_entry), TRUE);
      gtk_button_set_label (save_button, _("_Create"));
      stk_a11y_name_mnemonic_button (save_button);
    }

  return self;
}

gboolean
stk_item_dialog_get_pending (StkItemDialog *self)
{
  g_return_val_if_fail (STK_IS_ITEM_DIALOG (self), FALSE);
  return stk_edit_dialog_get_pending (STK_EDIT_DIALOG (self));
}

/**
 * stk_item_dialog_set_store:
 * Where a new item's code that is taken is looked up: an archived item with it is
 * offered for restore.
 */
void
stk_item_dialog_set_store (StkItemDialog *self,
                           StkStore      *store)
{
  g_return_if_fail (STK_IS_ITEM_DIALOG (self));
  g_return_if_fail (store == NULL || STK_IS_STORE (store));
  g_set_object (&self->store, store);
  /* Editing: the item's barcodes are read (the field waits for them). */
  if (self->editing && store != NULL && self->old_barcodes == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->barcodes_entry), FALSE);
      stk_store_item_barcodes_async (store, self->old.id, self->cancellable, barcodes_loaded_cb,
                                     g_object_ref (self));
    }
  /* Editing: its default and average cost are read (the field waits for them). */
  if (self->editing && store != NULL && !self->cost_loaded)
    stk_store_item_by_id_async (store, self->old.id, self->cancellable, costs_loaded_cb,
                                g_object_ref (self));

  /* The Tax rate field shows with a store: the rates, the shop's default and (editing)
   * the item's own rate are read; it is off until they are. */
  gtk_widget_set_visible (GTK_WIDGET (self->tax_label), store != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->tax_dropdown), store != NULL);
  if (store != NULL && !self->tax_loaded && self->tax_rates == NULL)
    stk_store_list_tax_rates_async (store, self->cancellable, tax_rates_cb, g_object_ref (self));
}
