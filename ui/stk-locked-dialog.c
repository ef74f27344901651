/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-locked-dialog.h"

#include <glib/gi18n.h>

struct _StkLockedDialog
{
  AdwMessageDialog parent_instance;

  StkWriter *writer;   /* NULL at startup */
  gboolean   retried;
  gboolean   watching; /* closes itself once the writer is READY */

  char      *cause;
  char      *pending;
  char      *state;
};

G_DEFINE_FINAL_TYPE (StkLockedDialog, stk_locked_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* The body: why, what waits, what happens now — one paragraph each. */
static void
set_part (StkLockedDialog  *self,
          char            **part,
          const char       *text)
{
  g_autoptr(GString) body = g_string_new (NULL);

  g_free (*part);
  *part = g_strdup (text);
  if (self->cause && self->cause[0])
    g_string_append (body, self->cause);
  if (self->pending && self->pending[0])
    g_string_append_printf (body, "%s%s", body->len ? "\n\n" : "", self->pending);
  if (self->state && self->state[0])
    g_string_append_printf (body, "%s%s", body->len ? "\n\n" : "", self->state);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body->str);
}

enum {
  RETRY,
  QUIT,
  DISMISSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_cause (StkLockedDialog *self,
           const char      *db_path)
{
  g_autofree char *base = g_path_get_basename (db_path);
  g_autofree char *name = g_filename_display_name (base);
  g_autofree char *cause = NULL;

  cause = g_strdup_printf (_("Another program is using the inventory file “%s”, so "
                             "Stocktake cannot save to it right now."),
                           name);
  set_part (self, &self->cause, cause);
}

static void
stk_locked_dialog_update (StkLockedDialog *self)
{
  g_autofree char *pending_text = NULL;
  StkWriterState state;
  guint pending;

  g_assert (self->writer != NULL);

  state = stk_writer_get_state (self->writer);
  pending = stk_writer_get_pending (self->writer);

  if (self->watching && (state == STK_WRITER_STATE_READY || state == STK_WRITER_STATE_CLOSED))
    {
      /* The lock cleared and the waiting changes are saved: nothing left to say. */
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (pending == 0)
    pending_text = g_strdup (_("No changes are waiting."));
  else
    pending_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u change is waiting. It is safe: it will "
                                                 "be saved as soon as the file is free.",
                                                 "%u changes are waiting. They are safe: they "
                                                 "will be saved, in order, as soon as the file "
                                                 "is free.",
                                                 pending),
                                    pending);
  set_part (self, &self->pending, pending_text);

  switch (state)
    {
    case STK_WRITER_STATE_PROBING:
    case STK_WRITER_STATE_RETRYING:
      set_part (self, &self->state, _("Trying again…"));
      break;
    case STK_WRITER_STATE_LOCKED:
      set_part (self, &self->state,
                          self->retried
                          ? _("Still locked. Stocktake keeps trying every few seconds; you can "
                              "close this and go on working.")
                          : _("Stocktake keeps trying every few seconds; you can close this "
                              "and go on working."));
      break;
    case STK_WRITER_STATE_READY:
    case STK_WRITER_STATE_CLOSED:
    default:
      break;
    }
}

static void
stk_locked_dialog_writer_notify_cb (StkLockedDialog *self,
                                    GParamSpec      *pspec,
                                    StkWriter       *writer)
{
  stk_locked_dialog_update (self);
}

/* Every answer has hidden the dialog (hide-on-close); Retry shows it again. */
static void
response_cb (StkLockedDialog *self,
             const char      *response)
{
  if (g_strcmp0 (response, "retry") == 0)
    {
      self->retried = TRUE;
      if (self->writer != NULL)
        {
          set_part (self, &self->state, _("Trying again…"));
          gtk_window_present (GTK_WINDOW (self));
          stk_writer_retry_now (self->writer);
        }
      else
        {
          gtk_window_present (GTK_WINDOW (self));
          g_signal_emit (self, signals[RETRY], 0);
        }
    }
  else if (self->writer != NULL)
    {
      /* Close (or Escape): the user goes on working while the changes wait. */
      g_signal_emit (self, signals[DISMISSED], 0);
      gtk_window_destroy (GTK_WINDOW (self));
    }
  else
    g_signal_emit (self, signals[QUIT], 0);
}

static void
stk_locked_dialog_dispose (GObject *object)
{
  StkLockedDialog *self = STK_LOCKED_DIALOG (object);

  if (self->writer != NULL)
    g_signal_handlers_disconnect_by_data (self->writer, self);
  g_clear_object (&self->writer);

  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_LOCKED_DIALOG);

  G_OBJECT_CLASS (stk_locked_dialog_parent_class)->dispose (object);
}

static void
stk_locked_dialog_finalize (GObject *object)
{
  StkLockedDialog *self = STK_LOCKED_DIALOG (object);

  g_free (self->cause);
  g_free (self->pending);
  g_free (self->state);

  G_OBJECT_CLASS (stk_locked_dialog_parent_class)->finalize (object);
}

static void
stk_locked_dialog_class_init (StkLockedDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_locked_dialog_dispose;
  object_class->finalize = stk_locked_dialog_finalize;

  /* Startup mode only (no writer): the user asked to try opening again / to quit. */
  signals[RETRY] =
    g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  signals[QUIT] =
    g_signal_new ("quit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  /* With a writer: the user closed the dialog to go on working while changes wait. */
  signals[DISMISSED] =
    g_signal_new ("dismissed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-locked-dialog.ui");
  gtk_widget_class_bind_template_callback (widget_class, response_cb);
}

static void
stk_locked_dialog_init (StkLockedDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StkLockedDialog *
stk_locked_dialog_new (GtkWindow *parent,
                       StkWriter *writer)
{
  StkLockedDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STK_IS_WRITER (writer), NULL);

  self = g_object_new (STK_TYPE_LOCKED_DIALOG,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->writer = g_object_ref (writer);
  set_cause (self, stk_writer_get_path (writer));
  g_signal_connect_object (writer, "notify::state",
                           G_CALLBACK (stk_locked_dialog_writer_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (writer, "notify::pending",
                           G_CALLBACK (stk_locked_dialog_writer_notify_cb), self,
                           G_CONNECT_SWAPPED);
  stk_locked_dialog_update (self);
  self->watching = TRUE;
  return self;
}

StkLockedDialog *
stk_locked_dialog_new_for_startup (GtkApplication *application,
                                   const char     *db_path,
                                   const char     *message)
{
  StkLockedDialog *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (STK_TYPE_LOCKED_DIALOG, "application", application, NULL);
  set_cause (self, db_path);
  set_part (self, &self->pending, message ? message : _("Nothing has been changed."));
  set_part (self, &self->state, _("Close the other program, then choose Retry."));
  adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "close", _("_Quit"));
  return self;
}

StkWriter *
stk_locked_dialog_get_writer (StkLockedDialog *self)
{
  g_return_val_if_fail (STK_IS_LOCKED_DIALOG (self), NULL);
  return self->writer;
}
