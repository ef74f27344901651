/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-movement-dialog.h"

#include <glib/gi18n.h>

#include "stk-a11y.h"

#include "stk-code-entry.h"
#include "stk-error.h"
#include "stk-format.h"

/* Positions in the kind drop-down. */
enum {
  KIND_RECEIVE,
  KIND_ADJUSTMENT,
  KIND_COUNT,
};

struct _StkMovementDialog
{
  StkEditDialog  parent_instance;

  /* From the last lookup of the code: the stock before a count, for its undo. */
  gboolean       item_known;
  gint64         item_id;
  gint64         on_hand;
  char          *saved_code;
  guint          saved_kind;
  gint64         saved_quantity;
  char          *saved_reason;
  /* The item's costs from the last lookup (0: unknown, stk-cost.h). */
  gint64         default_cost_cents;
  gint64         average_cost_cents;

  /* Template widgets */
  GtkDropDown   *kind_dropdown;
  GtkEntry      *code_entry;
  GtkLabel      *code_error;
  GtkLabel      *item_label;
  GtkLabel      *quantity_label;
  GtkSpinButton *quantity_spin;
  GtkLabel      *quantity_error;
  GtkLabel      *cost_label;
  GtkEntry      *cost_entry;
  GtkLabel      *cost_error;
  GtkLabel      *cost_hint;
  GtkEntry      *reason_entry;
};

G_DEFINE_FINAL_TYPE (StkMovementDialog, stk_movement_dialog, STK_TYPE_EDIT_DIALOG)

/* GtkSpinButton::output: an adjustment of 0 (none yet) shows as an empty field, with
 * its placeholder, not as a 0 that would be refused. */
static gboolean
quantity_output_cb (GtkSpinButton     *spin,
                    StkMovementDialog *self)
{
  /* (Not while the template is made or taken apart.) */
  if (self->kind_dropdown == NULL ||
      gtk_drop_down_get_selected (self->kind_dropdown) != KIND_ADJUSTMENT ||
      gtk_spin_button_get_value (spin) != 0)
    return FALSE;
  if (gtk_editable_get_text (GTK_EDITABLE (spin))[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (spin), "");
  return TRUE;
}

/* The Unit cost field's hint and placeholder: the item's average and default cost,
 * when the last lookup knew them. */
static void
update_cost_hint (StkMovementDialog *self)
{
  gboolean receive = gtk_drop_down_get_selected (self->kind_dropdown) == KIND_RECEIVE;

  if (self->item_known && self->average_cost_cents > 0)
    {
      g_autofree char *average = stk_format_money (self->average_cost_cents);
      /* Translators: under the Unit cost of a receipt: the item's average cost now */
      g_autofree char *hint = g_strdup_printf (_("Average cost now: %s"), average);

      gtk_label_set_text (self->cost_hint, hint);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->cost_hint),
                          receive && self->item_known && self->average_cost_cents > 0);

  if (self->item_known && self->default_cost_cents > 0)
    {
      g_autofree char *cost = stk_format_money (self->default_cost_cents);
      /* Translators: the empty Unit cost field: the cost a receipt takes without one */
      g_autofree char *placeholder = g_strdup_printf (_("Default: %s"), cost);

      gtk_entry_set_placeholder_text (self->cost_entry, placeholder);
    }
  else
    gtk_entry_set_placeholder_text (self->cost_entry, _("The item’s default cost"));
}

static void
cost_changed_cb (StkMovementDialog *self,
                 GtkEditable       *editable)
{
  stk_a11y_set_field_error (self->cost_error, GTK_WIDGET (self->cost_entry), NULL);
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
  /* Only a receipt has a cost of its own. */
  stk_a11y_set_field_error (self->cost_error, GTK_WIDGET (self->cost_entry), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->cost_label), kind == KIND_RECEIVE);
  gtk_widget_set_visible (GTK_WIDGET (self->cost_entry), kind == KIND_RECEIVE);
  update_cost_hint (self);

  /* A change of 0 means nothing: the field shows it empty, with an example. */
  gtk_text_set_placeholder_text (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->quantity_spin))),
                                 kind == KIND_ADJUSTMENT ? _("e.g. -2 or 5") : NULL);
  /* A count starts at the stock the inventory knows, to be corrected. */
  if (kind == KIND_COUNT && self->item_known)
    gtk_spin_button_set_value (self->quantity_spin, (double) self->on_hand);
  else
    quantity_output_cb (self->quantity_spin, self);
}

static void
lookup_cb (GtkEntry          *entry,
           const StkItemInfo *info,
           gpointer           user_data)
{
  StkMovementDialog *self = STK_MOVEMENT_DIALOG (user_data);

  self->item_known = info != NULL;
  if (info != NULL)
    {
      self->item_id = info->id;
      self->on_hand = info->on_hand;
      self->default_cost_cents = info->default_cost_cents;
      self->average_cost_cents = info->average_cost_cents;
      /* Counting: from the stock the inventory knows of this item. */
      if (gtk_drop_down_get_selected (self->kind_dropdown) == KIND_COUNT)
        gtk_spin_button_set_value (self->quantity_spin, (double) info->on_hand);
    }
  update_cost_hint (self);
}

static char *
stk_movement_dialog_saved (StkEditDialog  *dialog,
                           StkOp          *op,
                           StkOp         **undo,
                           gint64         *item_id)
{
  StkMovementDialog *self = STK_MOVEMENT_DIALOG (dialog);
  char *text;
  g_autofree char *undo_reason = NULL;
  g_autofree char *quantity = NULL;
  gint64 inverse = 0;

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
      *undo = stk_op_record_movement (self->saved_code, STK_MOVEMENT_ADJUSTMENT, inverse,
                                      undo_reason, 0);
    }
  *item_id = self->item_known ? self->item_id : 0;
  return text;
}

static StkOp *
stk_movement_dialog_build_op (StkEditDialog *dialog)
{
  StkMovementDialog *self = STK_MOVEMENT_DIALOG (dialog);
  static const StkMovementKind kinds[] = {
    STK_MOVEMENT_RECEIVE, STK_MOVEMENT_ADJUSTMENT, STK_MOVEMENT_COUNT
  };
  StkOp *op;
  g_autofree char *code = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *cost_text = NULL;
  g_autoptr(GError) error = NULL;
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  gint64 quantity;
  gint64 cost_cents = -1;
  gboolean ok = TRUE;

  if (kind > KIND_COUNT)
    kind = KIND_RECEIVE;

  code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))));
  reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_entry))));
  gtk_spin_button_update (self->quantity_spin);
  quantity = (gint64) gtk_spin_button_get_value (self->quantity_spin);

  if (code[0] == '\0')
    {
      stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), _("Enter the item’s code."));
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      ok = FALSE;
    }
  else if (stk_edit_dialog_code_is_unknown (dialog))
    {
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
  /* A receipt's unit cost: empty takes the item's default (stk_op_record_movement()). */
  cost_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->cost_entry))));
  if (kind == KIND_RECEIVE && cost_text[0] != '\0' &&
      !stk_parse_money (cost_text, &cost_cents, &error))
    {
      /* (A cost, not a price: said so.) */
      if (cost_text[0] == '-')
        {
          g_clear_error (&error);
          g_set_error_literal (&error, STK_ERROR, STK_ERROR_INVALID_DATA,
                               _("A cost cannot be negative."));
        }
      stk_a11y_set_field_error (self->cost_error, GTK_WIDGET (self->cost_entry), error->message);
      if (ok)
        gtk_widget_grab_focus (GTK_WIDGET (self->cost_entry));
      ok = FALSE;
    }
  if (!ok)
    return NULL;

  if (kind == KIND_RECEIVE && cost_cents >= 0)
    op = stk_op_receive (code, quantity, cost_cents, reason, 0);
  else
    op = stk_op_record_movement (code, kinds[kind], quantity, reason, 0);
  g_free (self->saved_code);
  self->saved_code = g_steal_pointer (&code);
  g_free (self->saved_reason);
  self->saved_reason = g_steal_pointer (&reason);
  self->saved_kind = kind;
  self->saved_quantity = quantity;
  return op;
}

static void
code_changed_cb (StkMovementDialog *self,
                 GtkEditable       *editable)
{
  stk_a11y_set_field_error (self->code_error, GTK_WIDGET (self->code_entry), NULL);
  stk_edit_dialog_hide_error (STK_EDIT_DIALOG (self));
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
  StkEditDialogClass *edit_class = STK_EDIT_DIALOG_CLASS (klass);

  object_class->finalize = stk_movement_dialog_finalize;

  edit_class->build_op = stk_movement_dialog_build_op;
  edit_class->saved = stk_movement_dialog_saved;

  stk_edit_dialog_class_set_template (widget_class,
                                      RESOURCE_PREFIX "ui/stk-movement-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, code_entry);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, code_error);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, item_label);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, quantity_label);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, quantity_spin);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, quantity_error);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, cost_label);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, cost_entry);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, cost_error);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, cost_hint);
  gtk_widget_class_bind_template_child (widget_class, StkMovementDialog, reason_entry);
  gtk_widget_class_bind_template_callback (widget_class, cost_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, kind_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, quantity_output_cb);
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
                       "writer", writer,
                       NULL);

  position = kind == STK_MOVEMENT_ADJUSTMENT ? KIND_ADJUSTMENT
           : kind == STK_MOVEMENT_COUNT ? KIND_COUNT : KIND_RECEIVE;
  gtk_drop_down_set_selected (self->kind_dropdown, position);
  kind_changed_cb (self);
  if (kind == STK_MOVEMENT_ADJUSTMENT)
    gtk_spin_button_set_value (self->quantity_spin, 0);   /* shown empty */

  stk_edit_dialog_setup_code (STK_EDIT_DIALOG (self), store, self->code_entry, self->code_error,
                              self->item_label, code, GTK_WIDGET (self->quantity_spin),
                              lookup_cb);

  return self;
}

gboolean
stk_movement_dialog_get_pending (StkMovementDialog *self)
{
  g_return_val_if_fail (STK_IS_MOVEMENT_DIALOG (self), FALSE);
  return stk_edit_dialog_get_pending (STK_EDIT_DIALOG (self));
}

gboolean
stk_movement_dialog_get_busy (StkMovementDialog *self)
{
  g_return_val_if_fail (STK_IS_MOVEMENT_DIALOG (self), FALSE);
  return stk_edit_dialog_get_busy (STK_EDIT_DIALOG (self));
}
