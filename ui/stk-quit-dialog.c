/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-quit-dialog.h"

#include <glib/gi18n.h>

/* At most this many changes are named; the rest are counted. */
#define MAX_NAMED 8

struct _StkQuitDialog
{
  AdwMessageDialog parent_instance;

  StkWriter *writer;
  gboolean   switching;  /* asked before another inventory is opened, not on quitting */
  gboolean   waiting;
  gboolean   responded;

  /* Template widgets */
  GtkLabel  *changes_label;
  GtkLabel  *hint_label;
};

G_DEFINE_FINAL_TYPE (StkQuitDialog, stk_quit_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  RESPONSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
respond (StkQuitDialog         *self,
         StkQuitDialogResponse  response)
{
  if (self->responded)
    return;
  self->responded = TRUE;
  g_signal_emit (self, signals[RESPONSE], 0, (int) response);
}

static void
stk_quit_dialog_update (StkQuitDialog *self)
{
  g_autoptr(GPtrArray) ops = stk_writer_list_pending (self->writer);
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree char *heading = NULL;
  g_autofree char *lose = NULL;
  guint n = ops->len;

  if (n == 0)
    {
      if (self->waiting)
        {
          /* The owner destroys the dialog in its handler: touch nothing after. */
          respond (self, STK_QUIT_DIALOG_SAVED);
          return;
        }
      gtk_label_set_text (self->changes_label, "");
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), _("Every change is saved now."));
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "lose", FALSE);
      return;
    }

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u change is not saved yet",
                                          "%u changes are not saved yet", n),
                             n);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                      g_dngettext (GETTEXT_PACKAGE,
                                   "Another program is using the inventory file, so this "
                                   "change is still waiting to be saved:",
                                   "Another program is using the inventory file, so these "
                                   "changes are still waiting to be saved:",
                                   n));

  for (guint i = 0; i < n && i < MAX_NAMED; i++)
    {
      const char *description = stk_op_get_description (g_ptr_array_index (ops, i));

      if (list->len > 0)
        g_string_append_c (list, '\n');
      /* Translators: one waiting change in a list. */
      g_string_append_printf (list, _("• %s"), description ? description : _("A change"));
    }
  if (n > MAX_NAMED)
    {
      g_string_append_c (list, '\n');
      g_string_append_printf (list, g_dngettext (GETTEXT_PACKAGE, "… and %u more",
                                                 "… and %u more", n - MAX_NAMED),
                              n - MAX_NAMED);
    }
  gtk_label_set_text (self->changes_label, list->str);

  if (self->switching)
    lose = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "_Close and Lose %u Change",
                                         "_Close and Lose %u Changes", n),
                            n);
  else
    lose = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "_Quit and Lose %u Change",
                                         "_Quit and Lose %u Changes", n),
                            n);
  adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "lose", lose);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "lose", TRUE);
}

static void
stk_quit_dialog_pending_cb (StkQuitDialog *self,
                            GParamSpec    *pspec,
                            StkWriter     *writer)
{
  stk_quit_dialog_update (self);
}

/* Every answer has hidden the dialog (hide-on-close): Wait shows it again, waiting;
 * Cancel (and Escape) ends it here; the owner destroys it on the others. */
static void
response_cb (StkQuitDialog *self,
             const char    *response)
{
  if (g_strcmp0 (response, "wait") == 0)
    {
      self->waiting = TRUE;
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "wait", FALSE);
      gtk_label_set_text (self->hint_label,
                          self->switching
                          ? _("Waiting… The other inventory opens as soon as they are saved. "
                              "Press Escape to go back to this inventory instead.")
                          : _("Waiting… Stocktake quits as soon as they are saved. Press Escape "
                              "to go back to the inventory instead."));
      gtk_window_present (GTK_WINDOW (self));
      stk_writer_retry_now (self->writer);
      stk_quit_dialog_update (self);
    }
  else if (g_strcmp0 (response, "lose") == 0)
    respond (self, STK_QUIT_DIALOG_LOSE);
  else if (g_strcmp0 (response, "quit") == 0)
    respond (self, STK_QUIT_DIALOG_QUIT_ANYWAY);
  else
    {
      respond (self, STK_QUIT_DIALOG_CANCEL);
      gtk_window_destroy (GTK_WINDOW (self));
    }
}

static void
stk_quit_dialog_dispose (GObject *object)
{
  StkQuitDialog *self = STK_QUIT_DIALOG (object);

  if (self->writer != NULL)
    g_signal_handlers_disconnect_by_data (self->writer, self);
  g_clear_object (&self->writer);

  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_QUIT_DIALOG);

  G_OBJECT_CLASS (stk_quit_dialog_parent_class)->dispose (object);
}

static void
stk_quit_dialog_class_init (StkQuitDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_quit_dialog_dispose;

  /**
   * StkQuitDialog::decided:
   * @response: a #StkQuitDialogResponse
   * Emitted once. The owner destroys the dialog (CANCEL destroys it by itself).
   */
  signals[RESPONSE] =
    g_signal_new ("decided", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-quit-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkQuitDialog, changes_label);
  gtk_widget_class_bind_template_child (widget_class, StkQuitDialog, hint_label);
  gtk_widget_class_bind_template_callback (widget_class, response_cb);
}

static void
stk_quit_dialog_init (StkQuitDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StkQuitDialog *
stk_quit_dialog_new (GtkWindow *parent,
                     StkWriter *writer)
{
  StkQuitDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STK_IS_WRITER (writer), NULL);

  self = g_object_new (STK_TYPE_QUIT_DIALOG, "transient-for", parent, NULL);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", _("_Cancel"),
                                    "lose", _("_Quit and Lose"),
                                    "wait", _("_Wait"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "lose",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "wait",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "wait");
  self->writer = g_object_ref (writer);
  g_signal_connect_object (writer, "notify::pending",
                           G_CALLBACK (stk_quit_dialog_pending_cb), self,
                           G_CONNECT_SWAPPED);
  stk_quit_dialog_update (self);
  return self;
}

StkQuitDialog *
stk_quit_dialog_new_for_switch (GtkWindow *parent,
                                StkWriter *writer)
{
  StkQuitDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STK_IS_WRITER (writer), NULL);

  self = stk_quit_dialog_new (parent, writer);
  self->switching = TRUE;
  adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "lose",
                                         _("_Close and Lose"));
  gtk_label_set_text (self->hint_label,
                      _("Wait, and the other inventory opens by itself as soon as they are "
                        "saved. Press Escape to go back to this inventory instead."));
  stk_quit_dialog_update (self);
  return self;
}

StkQuitDialog *
stk_quit_dialog_new_backup_failed (GtkWindow  *parent,
                                   const char *message)
{
  StkQuitDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  self = g_object_new (STK_TYPE_QUIT_DIALOG, "transient-for", parent, NULL);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", _("_Cancel"),
                                    "quit", _("_Quit Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "quit",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "cancel");
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self),
                                  _("The automatic backup failed"));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), message);
  gtk_label_set_text (self->changes_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->changes_label), FALSE);
  gtk_label_set_text (self->hint_label,
                      _("Every change is saved in the inventory; only this backup is missing. "
                        "Cancel to go back and choose another backup folder in Preferences."));
  return self;
}
