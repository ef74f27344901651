/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sale-dialog.h"

#include <glib/gi18n.h>

#include "stk-a11y.h"

#include "stk-code-entry.h"
#include "stk-error.h"
#include "stk-flows.h"
#include "stk-format.h"
#include "stk-ops.h"

struct _StkSaleDialog
{
  GtkWindow      parent_instance;

  StkWriter     *writer;
  gboolean       destroyed;
  gboolean       pending;
  StkOp         *pending_op;    /* submitted, not answered yet */
  gboolean       cancel_too_late; /* Cancel came once it was committing */
  /* The price field was typed into: the looked-up price does not overwrite it. */
  gboolean       price_edited;
  gboolean       setting_price;
  gboolean       item_known;
  char          *sold_code;
  gint64         sold_quantity;

  /* Template widgets */
  GtkEntry      *code_entry;
  GtkLabel      *code_error;
  GtkLabel      *item_label;
  GtkSpinButton *quantity_spin;
  GtkEntry      *price_entry;
  GtkLabel      *price_error;
  GtkLabel      *error_label;
  GtkButton     *save_button;
  GtkSpinner    *spinner;
  GtkWidget     *grid;
};

G_DEFINE_FINAL_TYPE (StkSaleDialog, stk_sale_dialog, GTK_TYPE_WINDOW)

enum {
  SAVED,
  WITHDRAWN,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean stk_sale_dialog_close_request (GtkWindow *window);

static void
stk_sale_dialog_set_pending (StkSaleDialog *self,
                             gboolean       pending)
{
  self->pending = pending;
  gtk_widget_set_sensitive (self->grid, !pending);
  gtk_spinner_set_spinning (self->spinner, pending);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), pending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", !pending);
}

static void
lookup_cb (GtkEntry          *entry,
           const StkItemInfo *info,
           gpointer           user_data)
{
  StkSaleDialog *self = STK_SALE_DIALOG (user_data);
  g_autofree char *text = NULL;
  g_autofree char *on_hand = NULL;

  self->item_known = info != NULL;

  if (info == NULL)
    {
      const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_entry));

      gtk_label_set_text (self->item_label, "");
      if (code[0] != '\0')
        stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry),
                         _("There is no item with this code."));
      return;
    }

  stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), NULL);
  /* Translators: under the code in the sale dialog: the item's description and stock */
  on_hand = stk_format_count (info->on_hand);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s — %s in stock", "%s — %s in stock",
                                       (gulong) MIN (ABS (info->on_hand), G_MAXLONG)),
                          info->description && info->description[0] ? info->description : info->code,
                          on_hand);
  gtk_label_set_text (self->item_label, text);

  if (!self->price_edited)
    {
      g_autofree char *price = stk_format_money (info->unit_price_cents);

      self->setting_price = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->price_entry), price);
      self->setting_price = FALSE;
    }
}

static void
submit_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StkSaleDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) undo = NULL;
  g_autofree char *text = NULL;
  g_autofree char *quantity = NULL;
  StkOp *op = g_task_get_task_data (G_TASK (result));
  gint64 sale_id;

  g_clear_pointer (&self->pending_op, stk_op_unref);
  if (!stk_writer_submit_finish (STK_WRITER (object), result, &error))
    {
      /* Withdrawn: whoever withdrew it has told the user. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->pending = FALSE;
          if (!self->destroyed)
            gtk_window_destroy (GTK_WINDOW (self));
          return;
        }
      /* Closed while pending: there is no field left to show the error at. */
      if (self->destroyed)
        {
          g_autofree char *failed = NULL;
          StkOp *failed_op = g_task_get_task_data (G_TASK (result));

          /* Translators: a change whose dialog is closed failed: description, error */
          failed = g_strdup_printf (_("Not saved: %s: %s"), stk_op_get_description (failed_op),
                                    error->message);
          self->pending = FALSE;
          g_signal_emit (self, signals[FAILED], 0, failed);
          return;
        }
      stk_sale_dialog_set_pending (self, FALSE);
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  sale_id = stk_op_get_row_id (op);
  undo = sale_id > 0 ? stk_op_void_sale (sale_id) : NULL;
  /* Translators: shown after a sale was recorded: quantity × item code */
  quantity = stk_format_count (self->sold_quantity);
  text = g_strdup_printf (_("Saved: sale of %s × “%s”"), quantity, self->sold_code);

  if (self->cancel_too_late)
    {
      g_free (text);
      /* Translators: Cancel came while the change was being saved; %s describes it */
      text = g_strdup_printf (_("Already saved, could not withdraw: %s"),
                              stk_op_get_description (g_task_get_task_data (G_TASK (result))));
    }
  self->pending = FALSE;
  g_signal_emit (self, signals[SAVED], 0, text, undo, (gint64) 0);
  if (!self->destroyed)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
stk_sale_dialog_save (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  StkSaleDialog *self = STK_SALE_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) op = NULL;
  g_autofree char *code = NULL;
  g_autofree char *price_text = NULL;
  gint64 price_cents = -1;
  gint64 quantity;
  gboolean ok = TRUE;

  if (self->pending)
    return;

  code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))));
  price_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->price_entry))));
  gtk_spin_button_update (self->quantity_spin);
  quantity = (gint64) gtk_spin_button_get_value (self->quantity_spin);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  if (code[0] == '\0')
    {
      stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry),
                       _("Enter the code of the item sold."));
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
  if (!ok)
    return;

  op = stk_op_record_sale (code, quantity, price_cents, 0);
  g_free (self->sold_code);
  self->sold_code = g_steal_pointer (&code);
  self->sold_quantity = quantity;

  stk_sale_dialog_set_pending (self, TRUE);
  g_clear_pointer (&self->pending_op, stk_op_unref);
  self->pending_op = stk_op_ref (op);
  self->cancel_too_late = FALSE;
  stk_writer_submit (self->writer, op, NULL, submit_cb, g_object_ref (self));
}

static void
code_changed_cb (StkSaleDialog *self,
                 GtkEditable   *editable)
{
  stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
price_changed_cb (StkSaleDialog *self,
                  GtkEditable   *editable)
{
  if (!self->setting_price)
    self->price_edited = gtk_editable_get_text (editable)[0] != '\0';
  stk_a11y_set_field_error (self->price_error, GTK_WIDGET (self->price_entry), NULL);
}

/* Cancel (or Escape, or the window's close button) while the change waits takes it
 * back if it has not started committing; otherwise its true outcome is announced
 * once known. */
static gboolean
stk_sale_dialog_close_request (GtkWindow *window)
{
  StkSaleDialog *self = (StkSaleDialog *) window;

  if (self->pending && self->pending_op != NULL && self->writer != NULL)
    {
      g_autofree char *text = stk_flow_withdraw_waiting (self->writer, self->pending_op);

      if (text != NULL)
        g_signal_emit (self, signals[WITHDRAWN], 0, text);
      else
        self->cancel_too_late = TRUE;
    }
  return GTK_WINDOW_CLASS (stk_sale_dialog_parent_class)->close_request (window);
}

static void
stk_sale_dialog_destroy_cb (StkSaleDialog *self)
{
  self->destroyed = TRUE;
}

static void
stk_sale_dialog_dispose (GObject *object)
{
  StkSaleDialog *self = STK_SALE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_SALE_DIALOG);
  g_clear_object (&self->writer);
  g_clear_pointer (&self->pending_op, stk_op_unref);

  G_OBJECT_CLASS (stk_sale_dialog_parent_class)->dispose (object);
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

  object_class->dispose = stk_sale_dialog_dispose;
  object_class->finalize = stk_sale_dialog_finalize;

  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, STK_TYPE_OP | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_INT64);

  /* The waiting change was withdrawn (Cancel in time); the text says so. */
  signals[WITHDRAWN] =
    g_signal_new ("withdrawn", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The change failed after the dialog was closed; the text says what and why. */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  GTK_WINDOW_CLASS (klass)->close_request = stk_sale_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-sale-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, code_entry);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, code_error);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, item_label);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, quantity_spin);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, price_entry);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, price_error);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDialog, grid);
  gtk_widget_class_bind_template_callback (widget_class, code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, price_changed_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, stk_sale_dialog_save);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
stk_sale_dialog_init (StkSaleDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
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
                       NULL);
  self->writer = g_object_ref (writer);
  g_signal_connect (self, "destroy", G_CALLBACK (stk_sale_dialog_destroy_cb), NULL);

  if (code != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->code_entry), code);
  stk_code_entry_setup (self->code_entry, store, lookup_cb, self);
  if (code != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->quantity_spin));

  return self;
}

gboolean
stk_sale_dialog_get_pending (StkSaleDialog *self)
{
  g_return_val_if_fail (STK_IS_SALE_DIALOG (self), FALSE);
  return self->pending;
}

gboolean
stk_sale_dialog_get_busy (StkSaleDialog *self)
{
  g_return_val_if_fail (STK_IS_SALE_DIALOG (self), FALSE);
  return self->code_entry != NULL && stk_code_entry_is_busy (self->code_entry);
}
