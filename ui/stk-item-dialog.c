/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-item-dialog.h"

#include <glib/gi18n.h>

#include "stk-a11y.h"

#include "stk-error.h"
#include "stk-flows.h"
#include "stk-format.h"
#include "stk-ops.h"

struct _StkItemDialog
{
  GtkWindow      parent_instance;

  StkWriter     *writer;
  gboolean       destroyed;
  /* Editing: the item as it was, for the undo op. */
  gboolean       editing;
  StkItemInfo    old;
  gboolean       pending;
  StkOp         *pending_op;    /* submitted, not answered yet */
  gboolean       cancel_too_late; /* Cancel came once it was committing */
  char          *new_code;

  /* Template widgets */
  GtkEntry      *code_entry;
  GtkLabel      *code_error;
  GtkEntry      *description_entry;
  GtkEntry      *price_entry;
  GtkLabel      *price_error;
  GtkSpinButton *reorder_spin;
  GtkLabel      *error_label;
  GtkButton     *save_button;
  GtkSpinner    *spinner;
  GtkWidget     *grid;
};

G_DEFINE_FINAL_TYPE (StkItemDialog, stk_item_dialog, GTK_TYPE_WINDOW)

enum {
  SAVED,
  WITHDRAWN,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean stk_item_dialog_close_request (GtkWindow *window);

static void
stk_item_dialog_set_pending (StkItemDialog *self,
                             gboolean       pending)
{
  self->pending = pending;
  gtk_widget_set_sensitive (self->grid, !pending);
  gtk_spinner_set_spinning (self->spinner, pending);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), pending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", !pending);
}

static void
submit_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StkItemDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) undo = NULL;
  g_autofree char *text = NULL;
  StkOp *op = g_task_get_task_data (G_TASK (result));
  gint64 item_id;

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
      stk_item_dialog_set_pending (self, FALSE);
      if (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT))
        {
          stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), error->message);
          gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
        }
      else if (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA))
        stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), error->message);
      else
        {
          gtk_label_set_text (self->error_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
        }
      return;
    }

  if (self->editing)
    {
      item_id = self->old.id;
      undo = stk_op_update_item (self->old.id, self->old.code, self->old.description,
                                 self->old.unit_price_cents, self->old.reorder_level);
      /* Translators: shown after an item was edited; %s is its code */
      text = g_strdup_printf (_("Saved: changes to “%s”"), self->new_code);
    }
  else
    {
      item_id = op != NULL ? stk_op_get_row_id (op) : 0;
      undo = item_id > 0 ? stk_op_delete_item (item_id) : NULL;
      /* Translators: shown after an item was created; %s is its code */
      text = g_strdup_printf (_("Saved: new item “%s”"), self->new_code);
    }

  if (self->cancel_too_late)
    {
      g_free (text);
      /* Translators: Cancel came while the change was being saved; %s describes it */
      text = g_strdup_printf (_("Already saved, could not withdraw: %s"),
                              stk_op_get_description (g_task_get_task_data (G_TASK (result))));
    }
  self->pending = FALSE;
  g_signal_emit (self, signals[SAVED], 0, text, undo, item_id);
  if (!self->destroyed)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
stk_item_dialog_save (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  StkItemDialog *self = STK_ITEM_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) op = NULL;
  g_autofree char *code = NULL;
  g_autofree char *description = NULL;
  g_autofree char *price_text = NULL;
  gint64 price_cents = 0;
  gint64 reorder;
  gboolean ok = TRUE;

  if (self->pending)
    return;

  code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))));
  description = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_entry))));
  price_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->price_entry))));
  gtk_spin_button_update (self->reorder_spin);
  reorder = (gint64) gtk_spin_button_get_value (self->reorder_spin);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

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

  if (!ok)
    {
      if (gtk_widget_get_visible (GTK_WIDGET (self->code_error)))
        gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      return;
    }

  if (self->editing)
    op = stk_op_update_item (self->old.id, code, description, price_cents, reorder);
  else
    op = stk_op_create_item (code, description, price_cents, reorder);

  g_free (self->new_code);
  self->new_code = g_steal_pointer (&code);

  stk_item_dialog_set_pending (self, TRUE);

  /* The op rides along as the result's task data: its row id is the new item's id. */
  g_clear_pointer (&self->pending_op, stk_op_unref);
  self->pending_op = stk_op_ref (op);
  self->cancel_too_late = FALSE;
  stk_writer_submit (self->writer, op, NULL, submit_cb, g_object_ref (self));
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
stk_item_dialog_dispose (GObject *object)
{
  StkItemDialog *self = STK_ITEM_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_ITEM_DIALOG);
  g_clear_object (&self->writer);
  g_clear_pointer (&self->pending_op, stk_op_unref);

  G_OBJECT_CLASS (stk_item_dialog_parent_class)->dispose (object);
}

static void
stk_item_dialog_finalize (GObject *object)
{
  StkItemDialog *self = STK_ITEM_DIALOG (object);

  g_free (self->old.code);
  g_free (self->old.description);
  g_free (self->new_code);

  G_OBJECT_CLASS (stk_item_dialog_parent_class)->finalize (object);
}

static void
stk_item_dialog_class_init (StkItemDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_item_dialog_dispose;
  object_class->finalize = stk_item_dialog_finalize;

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
  GTK_WINDOW_CLASS (klass)->close_request = stk_item_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-item-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, code_entry);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, code_error);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, description_entry);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, price_entry);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, price_error);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, reorder_spin);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, StkItemDialog, grid);
  gtk_widget_class_bind_template_callback (widget_class, code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, price_changed_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, stk_item_dialog_save);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
stk_item_dialog_init (StkItemDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
}

/* Cancel (or Escape, or the window's close button) while the change waits takes it
 * back if it has not started committing; otherwise its true outcome is announced
 * once known. */
static gboolean
stk_item_dialog_close_request (GtkWindow *window)
{
  StkItemDialog *self = (StkItemDialog *) window;

  if (self->pending && self->pending_op != NULL && self->writer != NULL)
    {
      g_autofree char *text = stk_flow_withdraw_waiting (self->writer, self->pending_op);

      if (text != NULL)
        g_signal_emit (self, signals[WITHDRAWN], 0, text);
      else
        self->cancel_too_late = TRUE;
    }
  return GTK_WINDOW_CLASS (stk_item_dialog_parent_class)->close_request (window);
}

static void
stk_item_dialog_destroy_cb (StkItemDialog *self)
{
  self->destroyed = TRUE;
}

StkItemDialog *
stk_item_dialog_new (GtkWindow         *parent,
                     StkWriter         *writer,
                     const StkItemInfo *item)
{
  StkItemDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STK_IS_WRITER (writer), NULL);

  self = g_object_new (STK_TYPE_ITEM_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->writer = g_object_ref (writer);
  g_signal_connect (self, "destroy", G_CALLBACK (stk_item_dialog_destroy_cb), NULL);

  if (item != NULL)
    {
      g_autofree char *price = stk_format_money (item->unit_price_cents);

      self->editing = TRUE;
      self->old.id = item->id;
      self->old.code = g_strdup (item->code);
      self->old.description = g_strdup (item->description ? item->description : "");
      self->old.unit_price_cents = item->unit_price_cents;
      self->old.reorder_level = item->reorder_level;

      gtk_window_set_title (GTK_WINDOW (self), _("Edit Item"));
      gtk_button_set_label (self->save_button, _("_Save"));
      stk_a11y_name_mnemonic_button (self->save_button);
      gtk_editable_set_text (GTK_EDITABLE (self->code_entry), item->code);
      gtk_editable_set_text (GTK_EDITABLE (self->description_entry), self->old.description);
      gtk_editable_set_text (GTK_EDITABLE (self->price_entry), price);
      gtk_spin_button_set_value (self->reorder_spin, (double) item->reorder_level);
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("New Item"));
      gtk_button_set_label (self->save_button, _("_Create"));
      stk_a11y_name_mnemonic_button (self->save_button);
    }

  return self;
}

gboolean
stk_item_dialog_get_pending (StkItemDialog *self)
{
  g_return_val_if_fail (STK_IS_ITEM_DIALOG (self), FALSE);
  return self->pending;
}
