/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-progress-dialog.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "stk-a11y.h"

#define PULSE_INTERVAL_MS 120

struct _StkProgressDialog
{
  AdwWindow       parent_instance;

  GCancellable   *cancellable;
  guint           pulse_id;
  gboolean        finished;

  AdwWindowTitle *window_title;
  GtkLabel       *heading_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *detail_label;
  GtkButton      *cancel_button;
};

G_DEFINE_FINAL_TYPE (StkProgressDialog, stk_progress_dialog, ADW_TYPE_WINDOW)

static void
stk_progress_dialog_stop_pulse (StkProgressDialog *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static void
cancel_clicked_cb (StkProgressDialog *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_label_set_text (self->detail_label, _("Cancelling…"));
}

static gboolean
stk_progress_dialog_close_request (GtkWindow *window)
{
  StkProgressDialog *self = STK_PROGRESS_DIALOG (window);

  if (self->finished)
    return FALSE;
  /* The work is still running: closing means cancelling; the flow closes us. */
  cancel_clicked_cb (self);
  return TRUE;
}

static gboolean
escape_pressed_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  stk_progress_dialog_close_request (GTK_WINDOW (widget));
  return TRUE;
}

static void
stk_progress_dialog_dispose (GObject *object)
{
  StkProgressDialog *self = STK_PROGRESS_DIALOG (object);

  stk_progress_dialog_stop_pulse (self);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_PROGRESS_DIALOG);

  G_OBJECT_CLASS (stk_progress_dialog_parent_class)->dispose (object);
}

static void
stk_progress_dialog_class_init (StkProgressDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = stk_progress_dialog_dispose;
  window_class->close_request = stk_progress_dialog_close_request;

  /* Shown before any window (tests, the command line's flows): libadwaita's types and
   * style first. */
  adw_init ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-progress-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkProgressDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, StkProgressDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, StkProgressDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, StkProgressDialog, detail_label);
  gtk_widget_class_bind_template_child (widget_class, StkProgressDialog, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_pressed_cb, NULL);
}

static void
stk_progress_dialog_init (StkProgressDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
}

StkProgressDialog *
stk_progress_dialog_new (GtkWindow    *parent,
                         const char   *title,
                         const char   *heading,
                         GCancellable *cancellable)
{
  StkProgressDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_CANCELLABLE (cancellable), NULL);

  self = g_object_new (STK_TYPE_PROGRESS_DIALOG,
                       "transient-for", parent,
                       "title", title,
                       NULL);

  self->cancellable = g_object_ref (cancellable);
  adw_window_title_set_title (self->window_title, title);
  gtk_label_set_text (self->heading_label, heading);
  gtk_label_set_text (self->detail_label, _("Starting…"));
  /* Cancel is the only answer: Enter and Escape both reach it. */
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->cancel_button));
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->cancel_button));
  return self;
}

void
stk_progress_dialog_set_progress (StkProgressDialog *self,
                                  double             fraction,
                                  const char        *detail)
{
  g_return_if_fail (STK_IS_PROGRESS_DIALOG (self));

  stk_progress_dialog_stop_pulse (self);
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  if (!g_cancellable_is_cancelled (self->cancellable))
    gtk_label_set_text (self->detail_label, detail);
}

static gboolean
pulse_cb (gpointer user_data)
{
  StkProgressDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

void
stk_progress_dialog_pulse (StkProgressDialog *self,
                           const char        *detail)
{
  g_return_if_fail (STK_IS_PROGRESS_DIALOG (self));

  if (!g_cancellable_is_cancelled (self->cancellable))
    gtk_label_set_text (self->detail_label, detail);
  if (self->pulse_id == 0)
    {
      gtk_progress_bar_set_pulse_step (self->progress_bar, 0.1);
      gtk_progress_bar_pulse (self->progress_bar);
      self->pulse_id = g_timeout_add (PULSE_INTERVAL_MS, pulse_cb, self);
    }
}

void
stk_progress_dialog_set_finished (StkProgressDialog *self)
{
  g_return_if_fail (STK_IS_PROGRESS_DIALOG (self));

  self->finished = TRUE;
  stk_progress_dialog_stop_pulse (self);
}

void
stk_progress_dialog_finish (StkProgressDialog *self)
{
  g_return_if_fail (STK_IS_PROGRESS_DIALOG (self));

  stk_progress_dialog_set_finished (self);
  gtk_window_destroy (GTK_WINDOW (self));
}

