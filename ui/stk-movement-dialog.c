/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-movement-dialog.h"

#include <glib/gi18n.h>

#include "stk-a11y.h"

#include "stk-code-entry.h"
#include "stk-error.h"
#include "stk-flows.h"
#include "stk-format.h"

/* Positions in the kind drop-down. */
enum {
  KIND_RECEIVE,
  KIND_ADJUSTMENT,
  KIND_COUNT,
};

struct _StkMovementDialog
{
  GtkWindow      parent_instance;

  StkWriter     *writer;
  gboolean       destroyed;
  gboolean       pending;
  StkOp         *pending_op;    /* submitted, not answered yet */
  gboolean       cancel_too_late; /* Cancel came once it was committing */
  /* From the last lookup of the code: the stock before a count, for its undo. */
  gboolean       item_known;
  gint64         item_id;
  gint64         on_hand;
  char          *saved_code;
  guint          saved_kind;
  gint64         saved_quantity;
  char          *saved_reason;

  /* Template widgets */
  GtkDropDown   *kind_dropdown;
  GtkEntry      *code_entry;
  GtkLabel      *code_error;
  GtkLabel      *item_label;
  GtkLabel      *quantity_label;
  GtkSpinButton *quantity_spin;
  GtkLabel      *quantity_error;
  GtkEntry      *reason_entry;
  GtkLabel      *error_label;
  GtkButton     *save_button;
  GtkSpinner    *spinner;
  GtkWidget     *grid;
};

G_DEFINE_FINAL_TYPE (StkMovementDialog, stk_movement_dialog, GTK_TYPE_WINDOW)

enum {
  SAVED,
  WITHDRAWN,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean stk_movement_dialog_close_request (GtkWindow *window);

static void
stk_movement_dialog_set_pending (StkMovementDialog *self,
                                 gboolean           pending)
{
  self->pending = pending;
  gtk_widget_set_sensitive (self->grid, !pending);
  gtk_spinner_set_spinning (self->spinner, pending);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), pending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", !pending);
}

static void
kind_changed_cb (StkMovementDialog *self)
{
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  GtkAdjustment *adj = gtk_spin_button_get_adjustment (self->quantity_spin);
  const char *label;
  const char *title;

  switch (kind)
    {
    case KIND_ADJUSTMENT:
      title = _("Adjust Stock");
      label = _("C_hange by");
      gtk_adjustment_set_lower (adj, -1e9);
      break;
    case KIND_COUNT:
      title = _("Count Stock");
      label = _("C_ounted");
      gtk_adjustment_set_lower (adj, 0);
      break;
    case KIND_RECEIVE:
    default:
      title = _("Receive Stock");
      label = _("_Quantity");
      gtk_adjustment_set_lower (adj, 1);
      break;
    }
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text_with_mnemonic (self->quantity_label, label);
  stk_a11y_set_field_error (self->quantity_error, GTK_WIDGET (self->quantity_spin), NULL);
}

static void
lookup_cb (GtkEntry          *entry,
           const StkItemInfo *info,
           gpointer           user_data)
{
  StkMovementDialog *self = STK_MOVEMENT_DIALOG (user_data);
  g_autofree char *text = NULL;
  g_autofree char *on_hand = NULL;

  self->item_known = info != NULL;
  if (info == NULL)
    {
      gtk_label_set_text (self->item_label, "");
      if (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))[0] != '\0')
        stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry),
                         _("There is no item with this code."));
      return;
    }

  self->item_id = info->id;
  self->on_hand = info->on_hand;
  stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), NULL);
  on_hand = stk_format_count (info->on_hand);
  /* Translators: under the code: the item's description and its stock */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s — %s in stock", "%s — %s in stock",
                                       (gulong) MIN (ABS (info->on_hand), G_MAXLONG)),
                          info->description && info->description[0] ? info->description : info->code,
                          on_hand);
  gtk_label_set_text (self->item_label, text);
}

static void
submit_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StkMovementDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) undo = NULL;
  g_autofree char *text = NULL;
  g_autofree char *undo_reason = NULL;
  g_autofree char *quantity = NULL;
  gint64 inverse = 0;

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
      stk_movement_dialog_set_pending (self, FALSE);
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  switch (self->saved_kind)
    {
    case KIND_ADJUSTMENT:
      inverse = -self->saved_quantity;
      quantity = stk_format_count (self->saved_quantity);
      /* Translators: after a stock adjustment: signed quantity (“+5”), item code */
      text = g_strdup_printf (_("Saved: adjustment of %s%s to “%s”"),
                              self->saved_quantity > 0 ? "+" : "", quantity, self->saved_code);
      break;
    case KIND_COUNT:
      inverse = self->on_hand - self->saved_quantity;
      /* Translators: shown after a stock count: item code, counted quantity */
      quantity = stk_format_count (self->saved_quantity);
      text = g_strdup_printf (_("Saved: “%s” counted at %s"), self->saved_code, quantity);
      break;
    case KIND_RECEIVE:
    default:
      inverse = -self->saved_quantity;
      /* Translators: shown after goods were received: quantity × item code */
      quantity = stk_format_count (self->saved_quantity);
      text = g_strdup_printf (_("Saved: received %s × “%s”"), quantity, self->saved_code);
      break;
    }

  if (inverse != 0)
    {
      /* Translators: the reason recorded for the movement that undoes another */
      undo_reason = g_strdup_printf (_("Undo: %s"), self->saved_reason[0] ? self->saved_reason
                                                                       : _("correction"));
      undo = stk_op_record_movement (self->saved_code, STK_MOVEMENT_ADJUSTMENT, inverse,
                                     undo_reason, 0);
    }

  if (self->cancel_too_late)
    {
      g_free (text);
      /* Translators: Cancel came while the change was being saved; %s describes it */
      text = g_strdup_printf (_("Already saved, could not withdraw: %s"),
                              stk_op_get_description (g_task_get_task_data (G_TASK (result))));
    }
  self->pending = FALSE;
  g_signal_emit (self, signals[SAVED], 0, text, undo, self->item_known ? self->item_id : 0);
  if (!self->destroyed)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
stk_movement_dialog_save (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  StkMovementDialog *self = STK_MOVEMENT_DIALOG (widget);
  static const StkMovementKind kinds[] = {
    STK_MOVEMENT_RECEIVE, STK_MOVEMENT_ADJUSTMENT, STK_MOVEMENT_COUNT
  };
  g_autoptr(StkOp) op = NULL;
  g_autofree char *code = NULL;
  g_autofree char *reason = NULL;
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  gint64 quantity;
  gboolean ok = TRUE;

  if (self->pending)
    return;
  if (kind > KIND_COUNT)
    kind = KIND_RECEIVE;

  code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))));
  reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_entry))));
  gtk_spin_button_update (self->quantity_spin);
  quantity = (gint64) gtk_spin_button_get_value (self->quantity_spin);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  if (code[0] == '\0')
    {
      stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), _("Enter the item’s code."));
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      ok = FALSE;
    }
  if (kind == KIND_ADJUSTMENT && quantity == 0)
    {
      stk_a11y_set_field_error (self->quantity_error, GTK_WIDGET (self->quantity_spin),
                       _("An adjustment changes the stock: enter a quantity other than 0."));
      if (ok)
        gtk_widget_grab_focus (GTK_WIDGET (self->quantity_spin));
      ok = FALSE;
    }
  if (!ok)
    return;

  op = stk_op_record_movement (code, kinds[kind], quantity, reason, 0);
  g_free (self->saved_code);
  self->saved_code = g_steal_pointer (&code);
  g_free (self->saved_reason);
  self->saved_reason = g_steal_pointer (&reason);
  self->saved_kind = kind;
  self->saved_quantity = quantity;

  stk_movement_dialog_set_pending (self, TRUE);
  g_clear_pointer (&self->pending_op, stk_op_unref);
  self->pending_op = stk_op_ref (op);
  self->cancel_too_late = FALSE;
  stk_writer_submit (self->writer, op, NULL, submit_cb, g_object_ref (self));
}

static void
code_changed_cb (StkMovementDialog *self,
                 GtkEditable       *editable)
{
  stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

/* Cancel (or Escape, or the window's close button) while the change waits takes it
 * back if it has not started committing; otherwise its true outcome is announced
 * once known. */
static gboolean
stk_movement_dialog_close_request (GtkWindow *window)
{
  StkMovementDialog *self = (StkMovementDialog *) window;

  if (self->pending && self->pending_op != NULL && self->writer != NULL)
    {
      g_autofree char *text = stk_flow_withdraw_waiting (self->writer, self->pending_op);

      if (text != NULL)
        g_signal_emit (self, signals[WITHDRAWN], 0, text);
      else
        self->cancel_too_late = TRUE;
    }
  return GTK_WINDOW_CLASS (stk_movement_dialog_parent_class)->close_request (window);
}

static void
stk_movement_dialog_destroy_cb (StkMovementDialog *self)
{
  self->destroyed = TRUE;
}

static void
stk_movement_dialog_dispose (GObject *object)
{
  StkMovementDialog *self = STK_MOVEMENT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_MOVEMENT_DIALOG);
  g_clear_object (&self->writer);
  g_clear_pointer (&self->pending_op, stk_op_unref);

  G_OBJECT_CLASS (stk_movement_dialog_parent_class)->dispose (object);
}

static void
stk_movement_dialog_finalize (GObject *object)
{
  StkMovementDialog *self = STK_MOVEMENT_DIALOG (object);

  g_free (self->saved_code);
  g_free (self->saved_reason);

  G_OBJECT_CLASS (stk_movement_dialog_parent_class)->finalize (object);
}

static void
stk_movement_dialog_class_init (StkMovementDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_movement_dialog_dispose;
  object_class->finalize = stk_movement_dialog_finalize;

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
  GTK_WINDOW_CLASS (klass)->close_request = stk_movement_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-movement-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, code_entry);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, code_error);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, item_label);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, quantity_label);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, quantity_spin);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, quantity_error);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, grid);
  gtk_widget_class_bind_template_callback (widget_class, code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, kind_changed_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, stk_movement_dialog_save);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
stk_movement_dialog_init (StkMovementDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
  stk_a11y_name_drop_down (self->kind_dropdown, _("Kind"));
  kind_changed_cb (self);
}

StkMovementDialog *
stk_movement_dialog_new (GtkWindow       *parent,
                         StkWriter       *writer,
                         StkStore        *store,
                         StkMovementKind  kind,
                         const char      *code)
{
  StkMovementDialog *self;
  guint position;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STK_IS_WRITER (writer), NULL);
  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (kind != STK_MOVEMENT_SALE, NULL);

  self = g_object_new (STK_TYPE_MOVEMENT_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->writer = g_object_ref (writer);
  g_signal_connect (self, "destroy", G_CALLBACK (stk_movement_dialog_destroy_cb), NULL);

  position = kind == STK_MOVEMENT_ADJUSTMENT ? KIND_ADJUSTMENT
           : kind == STK_MOVEMENT_COUNT ? KIND_COUNT : KIND_RECEIVE;
  gtk_drop_down_set_selected (self->kind_dropdown, position);
  kind_changed_cb (self);
  if (kind == STK_MOVEMENT_ADJUSTMENT)
    gtk_spin_button_set_value (self->quantity_spin, 0);

  if (code != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->code_entry), code);
  stk_code_entry_setup (self->code_entry, store, lookup_cb, self);
  if (code != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->quantity_spin));

  return self;
}

gboolean
stk_movement_dialog_get_pending (StkMovementDialog *self)
{
  g_return_val_if_fail (STK_IS_MOVEMENT_DIALOG (self), FALSE);
  return self->pending;
}

gboolean
stk_movement_dialog_get_busy (StkMovementDialog *self)
{
  g_return_val_if_fail (STK_IS_MOVEMENT_DIALOG (self), FALSE);
  return self->code_entry != NULL && stk_code_entry_is_busy (self->code_entry);
}
