/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sale-dialog.h"

#include <glib/gi18n.h>

#include "stk-a11y.h"

#include "stk-code-entry.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-tax.h"
#include "stk-transfer.h"

struct _StkSaleDialog
{
  StkEditDialog  parent_instance;

  /* The price field was typed into: the looked-up price does not overwrite it. */
  gboolean       price_edited;
  gboolean       setting_price;
  gboolean       item_known;
  gint64         on_hand;
  gint64         item_price_cents;
  char          *sold_code;
  gint64         sold_quantity;
  /* The item's tax rate now (stk-tax.h; -1: none) and whether its price includes it. */
  gint64         tax_rate_bp;
  gboolean       tax_included;

  /* Template widgets */
  GtkEntry      *code_entry;
  GtkLabel      *code_error;
  GtkLabel      *item_label;
  GtkSpinButton *quantity_spin;
  GtkEntry      *price_entry;
  GtkLabel      *price_error;
  GtkLabel      *stock_note;
  GtkLabel      *total_label;
  GtkEntry      *date_entry;
  GtkLabel      *date_error;
};

G_DEFINE_FINAL_TYPE (StkSaleDialog, stk_sale_dialog, STK_TYPE_EDIT_DIALOG)

/* What the sale comes to and whether the shelf has it, before anything is submitted:
 * the total at the typed (or the item's) price, and a note when the quantity is more
 * than the stock the lookup found. */
static void
update_summary (StkSaleDialog *self)
{
  const char *quantity_text = gtk_editable_get_text (GTK_EDITABLE (self->quantity_spin));
  gint64 quantity = 0;
  const char *price_text = gtk_editable_get_text (GTK_EDITABLE (self->price_entry));
  gint64 price = -1;
  gint64 total;

  /* The quantity as typed so far (the spin button takes it only when the field is
   * left), else its value. */
  if (!stk_parse_count (quantity_text, &quantity, NULL) || quantity < 1)
    quantity = (gint64) gtk_spin_button_get_value (self->quantity_spin);

  if (self->price_edited)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (price_text));

      if (!stk_parse_money (trimmed, &price, NULL))
        price = -1;
    }
  else if (self->item_known)
    price = self->item_price_cents;

  if (price < 0)
    gtk_label_set_text (self->total_label, "—");
  else if (!__builtin_mul_overflow (quantity, price, &total) && total <= G_MAXINT64 / 2)
    {
      /* The tax as the sale will record it (data/stk-tax.h): in the price, or added. */
      gint64 tax = self->item_known && self->tax_rate_bp >= 0
                     ? stk_tax_line (total, self->tax_rate_bp, self->tax_included) : -1;
      g_autofree char *text = NULL;

      if (tax < 0)
        text = stk_format_currency (total);
      else
        {
          g_autofree char *amount = stk_format_currency (tax);
          g_autofree char *sum = stk_format_currency (self->tax_included ? total : total + tax);

          text = self->tax_included
                   /* Translators: a sale's total and the tax in it: "€25.00 (of which tax €4.51)" */
                   ? g_strdup_printf (_("%s (of which tax %s)"), sum, amount)
                   /* Translators: a sale's total and the tax added to its price:
                    * "€24.40 (tax €4.40 added)" */
                   : g_strdup_printf (_("%s (tax %s added)"), sum, amount);
        }
      gtk_label_set_text (self->total_label, text);
    }
  else
    gtk_label_set_text (self->total_label, _("Too large"));

  if (self->item_known && quantity > self->on_hand)
    {
      g_autofree char *note = NULL;

      if (self->on_hand <= 0)
        note = g_strdup (_("None in stock. Receive stock first (Ctrl+Shift+R)."));
      else
        {
          g_autofree char *on_hand = stk_format_count (self->on_hand);

          /* Translators: under the quantity of a sale: the stock the item has */
          note = g_strdup_printf (_("Only %s in stock. Receive stock first (Ctrl+Shift+R)."),
                                  on_hand);
        }
      gtk_label_set_text (self->stock_note, note);
      gtk_widget_set_visible (GTK_WIDGET (self->stock_note), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->stock_note), FALSE);
}

static void
quantity_changed_cb (StkSaleDialog *self)
{
  update_summary (self);
}

static void
lookup_cb (GtkEntry          *entry,
           const StkItemInfo *info,
           gpointer           user_data)
{
  StkSaleDialog *self = STK_SALE_DIALOG (user_data);

  self->item_known = info != NULL;
  if (info != NULL)
    {
      self->on_hand = info->on_hand;
      self->item_price_cents = info->unit_price_cents;
      self->tax_rate_bp = info->tax_rate_bp;
      self->tax_included = info->tax_included;
    }
  if (info != NULL && !self->price_edited)
    {
      g_autofree char *price = stk_format_money (info->unit_price_cents);

      self->setting_price = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->price_entry), price);
      self->setting_price = FALSE;
    }
  update_summary (self);
}

static char *
stk_sale_dialog_saved (StkEditDialog  *dialog,
                       StkOp          *op,
                       StkOp         **undo,
                       gint64         *item_id)
{
  StkSaleDialog *self = STK_SALE_DIALOG (dialog);
  g_autofree char *quantity = NULL;
  gint64 sale_id = stk_op_get_row_id (op);

  *undo = sale_id > 0 ? stk_op_void_sale (sale_id) : NULL;
  *item_id = 0;
  /* Translators: shown after a sale was recorded: quantity × item code */
  quantity = stk_format_count (self->sold_quantity);
  return g_strdup_printf (_("Saved: sale of %s × “%s”"), quantity, self->sold_code);
}

/* When the sale was made, as typed: empty is now (*out_us = 0); a date (its first
 * moment) or a date and time, the locale's way or ISO (stk_parse_local_datetime()), or
 * as `stocktake sell --at` takes them. An earlier date is a sale recorded late; a future
 * one is refused. */
static gboolean
parse_sold_at (const char  *text,
               gint64      *out_us,
               GError     **error)
{
  *out_us = 0;
  if (text[0] == '\0')
    return TRUE;
  if (!stk_parse_local_datetime (text, out_us) && !stk_time_parse (text, out_us, NULL))
    {
      g_autofree char *pattern = stk_format_date_pattern ();
      g_autofree char *example = stk_format_datetime_short (g_get_real_time ());

      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   /* Translators: the first %s is the pattern a date is typed in
                    * ("DD/MM/YYYY", from the locale), the second now typed with the time */
                   _("Write the date as %s, or with the time as %s."), pattern, example);
      return FALSE;
    }
  if (*out_us > g_get_real_time ())
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("A sale cannot be in the future. Leave the date empty for a sale made now."));
      return FALSE;
    }
  return TRUE;
}

static StkOp *
stk_sale_dialog_build_op (StkEditDialog *dialog)
{
  StkSaleDialog *self = STK_SALE_DIALOG (dialog);
  g_autoptr(GError) error = NULL;
  StkOp *op;
  g_autofree char *code = NULL;
  g_autofree char *price_text = NULL;
  g_autofree char *date_text = NULL;
  gint64 price_cents = -1;
  gint64 sold_at_us = 0;
  gint64 quantity;
  gboolean ok = TRUE;

  code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))));
  price_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->price_entry))));
  date_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->date_entry))));
  gtk_spin_button_update (self->quantity_spin);
  quantity = (gint64) gtk_spin_button_get_value (self->quantity_spin);

  if (code[0] == '\0')
    {
      stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry),
                       _("Enter the code of the item sold."));
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      ok = FALSE;
    }
  else if (stk_edit_dialog_code_is_unknown (dialog))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      ok = FALSE;
    }
  /* An empty price takes the item's current price. */
  if (price_text[0] != '\0' && !stk_parse_money (price_text, &price_cents, &error))
    {
      stk_a11y_set_field_error (self->price_error, GTK_WIDGET (self->price_entry), error->message);
      if (ok)
        gtk_widget_grab_focus (GTK_WIDGET (self->price_entry));
      ok = FALSE;
    }
  g_clear_error (&error);
  if (!parse_sold_at (date_text, &sold_at_us, &error))
    {
      stk_a11y_set_field_error (self->date_error, GTK_WIDGET (self->date_entry), error->message);
      if (ok)
        gtk_widget_grab_focus (GTK_WIDGET (self->date_entry));
      ok = FALSE;
    }
  if (!ok)
    return NULL;

  op = stk_op_record_sale (code, quantity, price_cents, sold_at_us);
  g_free (self->sold_code);
  self->sold_code = g_steal_pointer (&code);
  self->sold_quantity = quantity;
  return op;
}

static void
code_changed_cb (StkSaleDialog *self,
                 GtkEditable   *editable)
{
  stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), NULL);
  stk_edit_dialog_hide_error (STK_EDIT_DIALOG (self));
}

static void
price_changed_cb (StkSaleDialog *self,
                  GtkEditable   *editable)
{
  if (!self->setting_price)
    self->price_edited = gtk_editable_get_text (editable)[0] != '\0';
  stk_a11y_set_field_error (self->price_error, GTK_WIDGET (self->price_entry), NULL);
  update_summary (self);
}

static void
date_changed_cb (StkSaleDialog *self,
                 GtkEditable   *editable)
{
  stk_a11y_set_field_error (self->date_error, GTK_WIDGET (self->date_entry), NULL);
}

static void
stk_sale_dialog_finalize (GObject *object)
{
  StkSaleDialog *self = STK_SALE_DIALOG (object);

  g_free (self->sold_code);

  G_OBJECT_CLASS (stk_sale_dialog_parent_class)->finalize (object);
}

static void
stk_sale_dialog_class_init (StkSaleDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  StkEditDialogClass *edit_class = STK_EDIT_DIALOG_CLASS (klass);

  object_class->finalize = stk_sale_dialog_finalize;

  edit_class->build_op = stk_sale_dialog_build_op;
  edit_class->saved = stk_sale_dialog_saved;

  stk_edit_dialog_class_set_template (widget_class, RESOURCE_PREFIX "ui/stk-sale-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, code_entry);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, code_error);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, item_label);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, quantity_spin);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, price_entry);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, price_error);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, stock_note);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, total_label);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, date_entry);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, date_error);
  gtk_widget_class_bind_template_callback (widget_class, code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, price_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, date_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, quantity_changed_cb);
}

static void
stk_sale_dialog_init (StkSaleDialog *self)
{
  g_autofree char *example = stk_format_datetime_short (g_get_real_time ());
  g_autofree char *placeholder = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
  /* Translators: the placeholder of Record Sale's date field; %s is now, typed the
   * locale's way with the time ("07/12/2026 14:30") */
  placeholder = g_strdup_printf (_("Now (or e.g. %s)"), example);
  gtk_entry_set_placeholder_text (self->date_entry, placeholder);
}

StkSaleDialog *
stk_sale_dialog_new (GtkWindow  *parent,
                     StkWriter  *writer,
                     StkStore   *store,
                     const char *code)
{
  StkSaleDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STK_IS_WRITER (writer), NULL);
  g_return_val_if_fail (STK_IS_STORE (store), NULL);

  self = g_object_new (STK_TYPE_SALE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       "writer", writer,
                       NULL);

  stk_edit_dialog_setup_code (STK_EDIT_DIALOG (self), store, self->code_entry, self->code_error,
                              self->item_label, code, GTK_WIDGET (self->quantity_spin),
                              lookup_cb);

  return self;
}

gboolean
stk_sale_dialog_get_pending (StkSaleDialog *self)
{
  g_return_val_if_fail (STK_IS_SALE_DIALOG (self), FALSE);
  return stk_edit_dialog_get_pending (STK_EDIT_DIALOG (self));
}

gboolean
stk_sale_dialog_get_busy (StkSaleDialog *self)
{
  g_return_val_if_fail (STK_IS_SALE_DIALOG (self), FALSE);
  return stk_edit_dialog_get_busy (STK_EDIT_DIALOG (self));
}
