/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-lock-dialog.h"

#include <glib/gi18n.h>

#include "stk-error.h"
#include "stk-lock.h"

struct _StkLockDialog
{
  GtkWindow  parent_instance;

  char      *db_path;

  /* Template widgets */
  GtkLabel  *heading_label;
  GtkLabel  *body_label;
  GtkLabel  *hint_label;
  GtkWidget *quit_button;
  GtkWidget *read_only_button;
  GtkWidget *try_again_button;
};

G_DEFINE_FINAL_TYPE (StkLockDialog, stk_lock_dialog, GTK_TYPE_WINDOW)

enum {
  RESPONSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
respond (StkLockDialog         *self,
         StkLockDialogResponse  response)
{
  g_signal_emit (self, signals[RESPONSE], 0, (int) response);
}

static void
quit_clicked_cb (StkLockDialog *self)
{
  respond (self, STK_LOCK_DIALOG_QUIT);
}

static void
read_only_clicked_cb (StkLockDialog *self)
{
  respond (self, STK_LOCK_DIALOG_READ_ONLY);
}

static void
try_again_clicked_cb (StkLockDialog *self)
{
  respond (self, STK_LOCK_DIALOG_TRY_AGAIN);
}

static gboolean
stk_lock_dialog_close_request (GtkWindow *window)
{
  /* Escape or the window manager's close button: the same as Quit. The owner
   * destroys the dialog. */
  respond (STK_LOCK_DIALOG (window), STK_LOCK_DIALOG_QUIT);
  return TRUE;
}

void
stk_lock_dialog_set_error (StkLockDialog *self,
                           const GError  *error)
{
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
      g_autofree char *body = NULL;
      gboolean command = holder && holder->what && !g_str_equal (holder->what, "window");

      if (command)
        {
          gtk_label_set_text (self->heading_label,
                              _("This inventory is being changed by a Stocktake command"));
          body = (who && who[0])
            /* Translators: "“shop.db” is being changed by the command “import” — alice on host “box”, since 14:03 (process 12)." */
            ? g_strdup_printf (_("“%s” is being changed by the command “%s” — %s."),
                               name, holder->what, who)
            : g_strdup_printf (_("“%s” is being changed by the command “%s”."),
                               name, holder->what);
        }
      else
        {
          gtk_label_set_text (self->heading_label,
                              _("This inventory is open in another Stocktake window"));
          body = (who && who[0])
            /* Translators: "“shop.db” is open for editing in another Stocktake window — alice on host “box”, since 14:03 (process 12)." */
            ? g_strdup_printf (_("“%s” is open for editing in another Stocktake window — %s."),
                               name, who)
            : g_strdup_printf (_("“%s” is open for editing in another Stocktake window."),
                               name);
        }
      gtk_label_set_text (self->body_label, body);
      gtk_label_set_text (self->hint_label,
                          _("Only one window can change an inventory at a time. Opened "
                            "read-only, this window shows the other one’s changes as they are "
                            "saved, and offers to switch to editing as soon as the other one "
                            "closes."));
    }
  else
    {
      gtk_label_set_text (self->heading_label, _("This inventory cannot be changed from here"));
      gtk_label_set_text (self->body_label, error->message);
      gtk_label_set_text (self->hint_label,
                          _("You can still open it read-only and look at everything in it."));
    }
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
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = stk_lock_dialog_dispose;
  object_class->finalize = stk_lock_dialog_finalize;
  window_class->close_request = stk_lock_dialog_close_request;

  /**
   * StkLockDialog::response:
   * @response: a #StkLockDialogResponse
   */
  signals[RESPONSE] =
    g_signal_new ("response", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-lock-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkLockDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, StkLockDialog, body_label);
  gtk_widget_class_bind_template_child (widget_class, StkLockDialog, hint_label);
  gtk_widget_class_bind_template_child (widget_class, StkLockDialog, quit_button);
  gtk_widget_class_bind_template_child (widget_class, StkLockDialog, read_only_button);
  gtk_widget_class_bind_template_child (widget_class, StkLockDialog, try_again_button);
  gtk_widget_class_bind_template_callback (widget_class, quit_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, read_only_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, try_again_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
stk_lock_dialog_init (StkLockDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StkLockDialog *
stk_lock_dialog_new (GtkApplication *application,
                     const char     *db_path,
                     const GError   *error)
{
  StkLockDialog *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (error != NULL, NULL);

  self = g_object_new (STK_TYPE_LOCK_DIALOG, "application", application, NULL);
  self->db_path = g_strdup (db_path);
  stk_lock_dialog_set_error (self, error);
  gtk_widget_grab_focus (self->quit_button);
  return self;
}
