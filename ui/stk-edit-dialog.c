/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-edit-dialog.h"

#include <glib/gi18n.h>

#include "stk-a11y.h"
#include "stk-flows.h"
#include "stk-format.h"
#include "stk-glib.h"

typedef struct
{
  StkWriter         *writer;
  gboolean           destroyed;
  gboolean           pending;
  StkOp             *pending_op;       /* submitted, not answered yet */
  gboolean           cancel_too_late;  /* Cancel came once it was committing */
  StkOp             *first_op;         /* committed; a follow_up() op is pending */
  /* stk_edit_dialog_setup_code(): template children, until the template is disposed */
  GtkEntry          *code_entry;
  GtkLabel          *code_error;
  GtkLabel          *item_label;
  StkCodeLookupFunc  looked_up;
  /* The code field holds the focus (a code being typed is not "unknown" yet), and the
   * last lookup found nothing: said when the focus leaves the field. */
  GtkEventController *code_focus;
  gboolean           code_unknown;
  GtkWindow         *parent;           /* the transient parent followed, not a reference */
  /* The field that had the focus when the change was submitted (weak). */
  GtkWidget         *focus_before;
} StkEditDialogPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (StkEditDialog, stk_edit_dialog, GTK_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_WRITER,
  N_PROPS
};

enum {
  SAVED,
  WITHDRAWN,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The children every edit dialog's template has (stk_edit_dialog_class_set_template). */
static const char *const parts[] = { "grid", "spinner", "error_label", "save_button" };

static GtkWidget *
part (StkEditDialog *self,
      const char    *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), G_OBJECT_TYPE (self),
                                                    name));
}

static void
set_pending (StkEditDialog *self,
             gboolean       pending)
{
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);

  priv->pending = pending;
  /* The fields go insensitive while the change waits: the focused one first lets go
   * of the focus, so its text hears the focus-out (else its cursor blink later finds
   * it unfocused: "GtkText - did not receive a focus-out event"); it gets it back
   * when the change fails. */
  if (pending)
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

      g_set_weak_pointer (&priv->focus_before, focus);
      if (focus != NULL)
        gtk_window_set_focus (GTK_WINDOW (self), NULL);
    }
  gtk_widget_set_sensitive (part (self, "grid"), !pending);
  gtk_spinner_set_spinning (GTK_SPINNER (part (self, "spinner")), pending);
  gtk_widget_set_visible (part (self, "spinner"), pending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", !pending);
  if (!pending && priv->focus_before != NULL)
    {
      if (gtk_root_get_focus (GTK_ROOT (self)) == NULL)
        gtk_widget_grab_focus (priv->focus_before);
      g_clear_weak_pointer (&priv->focus_before);
    }
}

/* Destroyed, or taken off the screen for good by gtk_window_destroy() — which, while the
 * pending submit still holds the dialog (set aside, see stk_window_set_aside_waiting),
 * does not dispose it, so "destroy" has not been emitted yet. */
static gboolean
is_gone (StkEditDialog *self)
{
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);
  GListModel *toplevels;

  if (priv->destroyed)
    return TRUE;
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (w == G_OBJECT (self))
        return FALSE;
    }
  return TRUE;
}

static void
close_unless_destroyed (StkEditDialog *self)
{
  if (is_gone (self))
    return;
  /* The focused field first lets go of the focus, so it hears its focus-out before
   * it goes (else GTK warns "GtkText - did not receive a focus-out event"). */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
submit_failed (StkEditDialog *self,
               StkOp         *op,
               const GError  *error)
{
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);
  StkEditDialogClass *klass = STK_EDIT_DIALOG_GET_CLASS (self);
  GtkWidget *error_label;

  /* Withdrawn: whoever withdrew it has told the user. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      priv->pending = FALSE;
      close_unless_destroyed (self);
      return;
    }
  /* Closed while pending: there is no field left to show the error at. */
  if (is_gone (self))
    {
      g_autofree char *failed = NULL;

      /* Translators: a change whose dialog is closed failed: description, error */
      failed = g_strdup_printf (_("Not saved: %s: %s"), stk_op_get_description (op),
                                error->message);
      priv->pending = FALSE;
      g_signal_emit (self, signals[FAILED], 0, failed);
      return;
    }
  set_pending (self, FALSE);
  if (klass->show_error != NULL && klass->show_error (self, error))
    return;
  error_label = part (self, "error_label");
  gtk_label_set_text (GTK_LABEL (error_label), error->message);
  gtk_widget_set_visible (error_label, TRUE);
}

static void
submit_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StkEditDialog) self = user_data;
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) undo = NULL;
  g_autofree char *text = NULL;
  /* The op rides along as the result's task data: its row id is the new row's id. */
  StkOp *op = g_task_get_task_data (G_TASK (result));
  gint64 item_id = 0;

  g_clear_pointer (&priv->pending_op, stk_op_unref);
  if (!stk_writer_submit_finish (STK_WRITER (object), result, &error))
    {
      g_clear_pointer (&priv->first_op, stk_op_unref);
      submit_failed (self, op, error);
      return;
    }

  /* More changes that go with the first (an item's barcodes and tax rate after the
   * item): each is submitted after the one before, and the first is announced once all
   * are saved. */
  if (STK_EDIT_DIALOG_GET_CLASS (self)->follow_up != NULL && !priv->cancel_too_late)
    {
      StkOp *next = STK_EDIT_DIALOG_GET_CLASS (self)->follow_up (self, priv->first_op != NULL
                                                                         ? priv->first_op : op);

      if (next != NULL)
        {
          if (priv->first_op == NULL)
            priv->first_op = stk_op_ref (op);
          priv->pending_op = next;
          stk_writer_submit (priv->writer, next, NULL, submit_cb, g_object_ref (self));
          return;
        }
    }
  if (priv->first_op != NULL)
    op = priv->first_op;

  text = STK_EDIT_DIALOG_GET_CLASS (self)->saved (self, op, &undo, &item_id);
  if (priv->cancel_too_late)
    {
      g_free (text);
      /* Translators: Cancel came while the change was being saved; %s describes it */
      text = g_strdup_printf (_("Already saved, could not withdraw: %s"),
                              stk_op_get_description (op));
    }
  priv->pending = FALSE;
  g_signal_emit (self, signals[SAVED], 0, text, undo, item_id);
  g_clear_pointer (&priv->first_op, stk_op_unref);
  close_unless_destroyed (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  StkEditDialog *self = STK_EDIT_DIALOG (widget);
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);
  g_autoptr(StkOp) op = NULL;

  if (priv->pending)
    return;
  stk_edit_dialog_hide_error (self);
  op = STK_EDIT_DIALOG_GET_CLASS (self)->build_op (self);
  if (op == NULL)
    return;
  stk_edit_dialog_submit (self, op);
}

/**
 * stk_edit_dialog_submit:
 * Submits @op as the dialog's change (a subclass's other answer to the same request,
 * e.g. restoring an archived item): it waits, is withdrawn and announced like a save.
 */
void
stk_edit_dialog_submit (StkEditDialog *self,
                        StkOp         *op)
{
  StkEditDialogPrivate *priv;

  g_return_if_fail (STK_IS_EDIT_DIALOG (self));
  g_return_if_fail (op != NULL);
  priv = stk_edit_dialog_get_instance_private (self);
  if (priv->pending)
    return;

  stk_edit_dialog_hide_error (self);
  set_pending (self, TRUE);
  g_clear_pointer (&priv->pending_op, stk_op_unref);
  priv->pending_op = stk_op_ref (op);
  priv->cancel_too_late = FALSE;
  stk_writer_submit (priv->writer, op, NULL, submit_cb, g_object_ref (self));
}

/* Cancel (or Escape, or the window's close button) while the change waits takes it
 * back if it has not started committing; otherwise its true outcome is announced
 * once known. */
static gboolean
stk_edit_dialog_close_request (GtkWindow *window)
{
  StkEditDialog *self = STK_EDIT_DIALOG (window);
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);

  if (priv->pending && priv->pending_op != NULL && priv->writer != NULL)
    {
      g_autofree char *text = stk_flow_withdraw_waiting (priv->writer, priv->pending_op);

      if (text != NULL)
        g_signal_emit (self, signals[WITHDRAWN], 0, text);
      else
        priv->cancel_too_late = TRUE;
    }
  return GTK_WINDOW_CLASS (stk_edit_dialog_parent_class)->close_request (window);
}

/* A dialog whose change waits outlives its parent (the pending submit holds it): it lets
 * go of the parent when the parent goes, or GTK would reach the freed parent when the
 * dialog is finalized. After GTK's own handler, which destroys the dialog with it. */
static void
parent_destroy_cb (StkEditDialog *self,
                   GtkWindow     *parent)
{
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);

  if (gtk_window_get_transient_for (GTK_WINDOW (self)) == parent)
    gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
  if (priv->parent == parent)
    {
      g_signal_handlers_disconnect_by_func (parent, STK_FUNC_TAG (parent_destroy_cb), self);
      priv->parent = NULL;
    }
}

static void
transient_for_cb (StkEditDialog *self)
{
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent == priv->parent)
    return;
  if (priv->parent != NULL)
    g_signal_handlers_disconnect_by_func (priv->parent, STK_FUNC_TAG (parent_destroy_cb), self);
  priv->parent = parent;
  if (parent != NULL)
    g_signal_connect_object (parent, "destroy", G_CALLBACK (parent_destroy_cb), self,
                             G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

static void
destroy_cb (StkEditDialog *self)
{
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);

  priv->destroyed = TRUE;
}

/* Enter in a number field submits the dialog, like Enter in a text field: GTK 4.8's
 * GtkSpinButton only takes the typed value. */
static void
spin_activate_cb (GtkText       *text,
                  StkEditDialog *self)
{
  GtkWidget *spin = gtk_widget_get_ancestor (GTK_WIDGET (text), GTK_TYPE_SPIN_BUTTON);

  if (spin != NULL)
    gtk_spin_button_update (GTK_SPIN_BUTTON (spin));
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.save", NULL);
}

static void
hook_spin_buttons (StkEditDialog *self,
                   GtkWidget     *widget)
{
  if (GTK_IS_SPIN_BUTTON (widget))
    {
      GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (widget));

      if (GTK_IS_TEXT (text))
        g_signal_connect_object (text, "activate", G_CALLBACK (spin_activate_cb), self,
                                 G_CONNECT_AFTER);
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    hook_spin_buttons (self, c);
}

static void
stk_edit_dialog_constructed (GObject *object)
{
  G_OBJECT_CLASS (stk_edit_dialog_parent_class)->constructed (object);

  /* The subclass's template is built by now (its instance init ran). */
  hook_spin_buttons (STK_EDIT_DIALOG (object), GTK_WIDGET (object));
}

static void
stk_edit_dialog_dispose (GObject *object)
{
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (STK_EDIT_DIALOG (object));

  priv->code_entry = NULL;
  priv->code_error = NULL;
  priv->item_label = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (object), G_OBJECT_TYPE (object));
  g_clear_weak_pointer (&priv->focus_before);
  g_clear_object (&priv->writer);
  g_clear_pointer (&priv->pending_op, stk_op_unref);
  g_clear_pointer (&priv->first_op, stk_op_unref);

  G_OBJECT_CLASS (stk_edit_dialog_parent_class)->dispose (object);
}

static void
stk_edit_dialog_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (STK_EDIT_DIALOG (object));

  switch (prop_id)
    {
    case PROP_WRITER:
      g_value_set_object (value, priv->writer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_edit_dialog_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (STK_EDIT_DIALOG (object));

  switch (prop_id)
    {
    case PROP_WRITER:
      priv->writer = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_edit_dialog_class_init (StkEditDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = stk_edit_dialog_constructed;
  object_class->dispose = stk_edit_dialog_dispose;
  object_class->get_property = stk_edit_dialog_get_property;
  object_class->set_property = stk_edit_dialog_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = stk_edit_dialog_close_request;

  properties[PROP_WRITER] =
    g_param_spec_object ("writer", NULL, NULL, STK_TYPE_WRITER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
stk_edit_dialog_init (StkEditDialog *self)
{
  g_signal_connect (self, "destroy", G_CALLBACK (destroy_cb), NULL);
  g_signal_connect (self, "notify::transient-for", G_CALLBACK (transient_for_cb), NULL);
}

void
stk_edit_dialog_class_set_template (GtkWidgetClass *widget_class,
                                    const char     *resource_path)
{
  g_return_if_fail (g_type_is_a (G_TYPE_FROM_CLASS (widget_class), STK_TYPE_EDIT_DIALOG));
  g_return_if_fail (resource_path != NULL);

  gtk_widget_class_set_template_from_resource (widget_class, resource_path);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    gtk_widget_class_bind_template_child_full (widget_class, parts[i], FALSE, 0);
}

StkWriter *
stk_edit_dialog_get_writer (StkEditDialog *self)
{
  StkEditDialogPrivate *priv;

  g_return_val_if_fail (STK_IS_EDIT_DIALOG (self), NULL);

  priv = stk_edit_dialog_get_instance_private (self);
  return priv->writer;
}

gboolean
stk_edit_dialog_get_pending (StkEditDialog *self)
{
  StkEditDialogPrivate *priv;

  g_return_val_if_fail (STK_IS_EDIT_DIALOG (self), FALSE);

  priv = stk_edit_dialog_get_instance_private (self);
  return priv->pending;
}

GtkButton *
stk_edit_dialog_get_save_button (StkEditDialog *self)
{
  g_return_val_if_fail (STK_IS_EDIT_DIALOG (self), NULL);

  return GTK_BUTTON (part (self, "save_button"));
}

void
stk_edit_dialog_hide_error (StkEditDialog *self)
{
  g_return_if_fail (STK_IS_EDIT_DIALOG (self));

  gtk_widget_set_visible (part (self, "error_label"), FALSE);
}

static void
say_code_unknown (StkEditDialog *self)
{
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);

  stk_a11y_set_field_error (priv->code_error, GTK_WIDGET (priv->code_entry),
                            _("There is no item with this code."));
}

static void
code_focus_leave_cb (StkEditDialog *self)
{
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);

  /* The dialog closing takes the focus away too: nothing to say then. */
  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || priv->code_entry == NULL ||
      gtk_widget_in_destruction (GTK_WIDGET (priv->code_entry)) ||
      gtk_widget_get_root (GTK_WIDGET (priv->code_entry)) == NULL)
    return;
  if (priv->code_unknown &&
      gtk_editable_get_text (GTK_EDITABLE (priv->code_entry))[0] != '\0' &&
      !stk_code_entry_is_busy (priv->code_entry))
    say_code_unknown (self);
}

static void
lookup_cb (GtkEntry          *entry,
           const StkItemInfo *info,
           gpointer           user_data)
{
  StkEditDialog *self = STK_EDIT_DIALOG (user_data);
  StkEditDialogPrivate *priv = stk_edit_dialog_get_instance_private (self);
  g_autofree char *text = NULL;
  g_autofree char *on_hand = NULL;

  if (info == NULL)
    {
      gtk_label_set_text (priv->item_label, "");
      priv->code_unknown = gtk_editable_get_text (GTK_EDITABLE (entry))[0] != '\0';
      /* While the code is being typed it is only a beginning: no red until the field
       * is left (or the change is saved). */
      if (priv->code_unknown &&
          !gtk_event_controller_focus_contains_focus (GTK_EVENT_CONTROLLER_FOCUS (priv->code_focus)))
        say_code_unknown (self);
    }
  else
    {
      priv->code_unknown = FALSE;
      stk_a11y_set_field_error (priv->code_error, GTK_WIDGET (entry), NULL);
      on_hand = stk_format_count (info->on_hand);
      /* Translators: under the code: the item's description and its stock */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s — %s in stock",
                                           "%s — %s in stock",
                                           (gulong) MIN (ABS (info->on_hand), G_MAXLONG)),
                              info->description && info->description[0] ? info->description
                                                                        : info->code,
                              on_hand);
      gtk_label_set_text (priv->item_label, text);
    }
  priv->looked_up (entry, info, self);
}

gboolean
stk_edit_dialog_code_is_unknown (StkEditDialog *self)
{
  StkEditDialogPrivate *priv;

  g_return_val_if_fail (STK_IS_EDIT_DIALOG (self), FALSE);

  priv = stk_edit_dialog_get_instance_private (self);
  if (priv->code_entry == NULL || !priv->code_unknown ||
      stk_code_entry_is_busy (priv->code_entry) ||
      gtk_editable_get_text (GTK_EDITABLE (priv->code_entry))[0] == '\0')
    return FALSE;
  say_code_unknown (self);
  return TRUE;
}

void
stk_edit_dialog_setup_code (StkEditDialog     *self,
                            StkStore          *store,
                            GtkEntry          *code_entry,
                            GtkLabel          *code_error,
                            GtkLabel          *item_label,
                            const char        *code,
                            GtkWidget         *focus,
                            StkCodeLookupFunc  looked_up)
{
  StkEditDialogPrivate *priv;

  g_return_if_fail (STK_IS_EDIT_DIALOG (self));
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (GTK_IS_ENTRY (code_entry));
  g_return_if_fail (GTK_IS_LABEL (code_error));
  g_return_if_fail (GTK_IS_LABEL (item_label));
  g_return_if_fail (looked_up != NULL);

  priv = stk_edit_dialog_get_instance_private (self);
  priv->code_entry = code_entry;
  priv->code_error = code_error;
  priv->item_label = item_label;
  priv->looked_up = looked_up;
  priv->code_focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (priv->code_focus, "leave", G_CALLBACK (code_focus_leave_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (code_entry), priv->code_focus);
  if (code != NULL)
    gtk_editable_set_text (GTK_EDITABLE (code_entry), code);
  stk_code_entry_setup (code_entry, store, lookup_cb, self);
  if (code != NULL && focus != NULL)
    gtk_widget_grab_focus (focus);
}

gboolean
stk_edit_dialog_get_busy (StkEditDialog *self)
{
  StkEditDialogPrivate *priv;

  g_return_val_if_fail (STK_IS_EDIT_DIALOG (self), FALSE);

  priv = stk_edit_dialog_get_instance_private (self);
  return priv->code_entry != NULL && stk_code_entry_is_busy (priv->code_entry);
}
