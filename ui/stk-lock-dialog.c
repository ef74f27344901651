/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-lock-dialog.h"

#include <glib/gi18n.h>

#include "stk-error.h"
#include "stk-lock.h"

struct _StkLockDialog
{
  AdwMessageDialog  parent_instance;

  char             *db_path;

  /* Template widgets */
  GtkExpander      *details_expander;
  GtkLabel         *details_label;
};

G_DEFINE_FINAL_TYPE (StkLockDialog, stk_lock_dialog, ADW_TYPE_MESSAGE_DIALOG)

void
stk_lock_dialog_set_error (StkLockDialog *self,
                           const GError  *error)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (STK_IS_LOCK_DIALOG (self));
  g_return_if_fail (error != NULL);

  base = g_path_get_basename (self->db_path);
  name = g_filename_display_name (base);

  if (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED))
    {
      g_autoptr(StkLockHolder) holder = stk_lock_read_holder (self->db_path);
      g_autofree char *who = holder ? stk_lock_holder_describe (holder) : NULL;
      gboolean command = holder && holder->what && !g_str_equal (holder->what, "window");

      if (command)
        {
          adw_message_dialog_set_heading (dialog,
                                          _("This inventory is being changed by a Stocktake command"));
          adw_message_dialog_format_body (dialog,
                                          /* Translators: "“shop.db” is being changed by the command “import”. …" */
                                          _("“%s” is being changed by the command “%s”. Try "
                                            "again once it has finished, or open it read-only "
                                            "to look at it meanwhile."),
                                          name, holder->what);
        }
      else
        {
          adw_message_dialog_set_heading (dialog,
                                          _("This inventory is open in another Stocktake window"));
          adw_message_dialog_format_body (dialog,
                                          _("Only one window can change “%s” at a time. Opened "
                                            "read-only, this window shows the other one’s "
                                            "changes as they are saved, and offers to switch to "
                                            "editing as soon as the other one closes."),
                                          name);
        }
      if (who != NULL && who[0] != '\0')
        {
          g_autofree char *details = NULL;

          /* Translators: %s is e.g. "alice on host “box”, since 14:03 (process 12)". */
          details = g_strdup_printf (_("Opened for editing: %s."), who);
          gtk_label_set_text (self->details_label, details);
        }
      else
        gtk_label_set_text (self->details_label, "");
    }
  else
    {
      adw_message_dialog_set_heading (dialog, _("This inventory cannot be changed from here"));
      adw_message_dialog_format_body (dialog, "%s %s", error->message,
                                      _("You can still open it read-only and look at "
                                        "everything in it."));
      gtk_label_set_text (self->details_label, "");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->details_expander),
                          gtk_label_get_text (self->details_label)[0] != '\0');
}

void
stk_lock_dialog_offer_show (StkLockDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);

  g_return_if_fail (STK_IS_LOCK_DIALOG (self));

  if (adw_message_dialog_has_response (dialog, STK_LOCK_DIALOG_SHOW))
    return;
  adw_message_dialog_add_response (dialog, STK_LOCK_DIALOG_SHOW, _("_Show That Window"));
  adw_message_dialog_set_response_appearance (dialog, STK_LOCK_DIALOG_SHOW,
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_appearance (dialog, STK_LOCK_DIALOG_READ_ONLY,
                                              ADW_RESPONSE_DEFAULT);
  adw_message_dialog_set_default_response (dialog, STK_LOCK_DIALOG_SHOW);
}

const char *
stk_lock_dialog_get_details (StkLockDialog *self)
{
  g_return_val_if_fail (STK_IS_LOCK_DIALOG (self), NULL);
  return gtk_label_get_text (self->details_label);
}

static void
stk_lock_dialog_finalize (GObject *object)
{
  StkLockDialog *self = STK_LOCK_DIALOG (object);

  g_clear_pointer (&self->db_path, g_free);

  G_OBJECT_CLASS (stk_lock_dialog_parent_class)->finalize (object);
}

static void
stk_lock_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STK_TYPE_LOCK_DIALOG);

  G_OBJECT_CLASS (stk_lock_dialog_parent_class)->dispose (object);
}

static void
stk_lock_dialog_class_init (StkLockDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_lock_dialog_dispose;
  object_class->finalize = stk_lock_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-lock-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkLockDialog, details_expander);
  gtk_widget_class_bind_template_child (widget_class, StkLockDialog, details_label);
}

static void
stk_lock_dialog_init (StkLockDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StkLockDialog *
stk_lock_dialog_new (GtkWindow    *parent,
                     const char   *db_path,
                     const GError *error)
{
  StkLockDialog *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (error != NULL, NULL);

  self = g_object_new (STK_TYPE_LOCK_DIALOG, "transient-for", parent, NULL);
  self->db_path = g_strdup (db_path);
  stk_lock_dialog_set_error (self, error);
  return self;
}
