/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-restore-dialog.h"

#include <glib/gi18n.h>

#include "stk-backups.h"
#include "stk-format.h"
#include "stk-glib.h"
#include "stk-jobs.h"
#include "stk-maintenance.h"
#include "stk-reads.h"

struct _StkRestoreDialog
{
  AdwWindow             parent_instance;

  StkSession           *session;
  char                 *folder;
  GPtrArray            *entries;     /* StkBackupEntry*, as the rows show them */
  GCancellable         *cancellable; /* cancelled in dispose */
  GtkFileChooserNative *chooser;
  gboolean              loaded;
  gboolean              restoring;
  char                 *restoring_path;
  gboolean              gone;        /* disposed */

  /* Template widgets */
  GtkButton            *restore_button;
  GtkButton            *other_button;
  GtkLabel             *description_label;
  GtkStack             *list_stack;
  GtkListBox           *list_box;
  AdwStatusPage        *empty_page;
  GtkLabel             *status_label;
};

G_DEFINE_FINAL_TYPE (StkRestoreDialog, stk_restore_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_RESTORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
can_restore (StkRestoreDialog *self)
{
  return !self->restoring && stk_session_get_writer (self->session) != NULL;
}

static void
show_status (StkRestoreDialog *self,
             const char       *text)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
}

static StkBackupEntry *
selected_entry (StkRestoreDialog *self)
{
  GtkListBoxRow *row;
  int index;

  if (self->gone || self->entries == NULL)
    return NULL;
  row = gtk_list_box_get_selected_row (self->list_box);
  if (row == NULL)
    return NULL;
  index = gtk_list_box_row_get_index (row);
  if (index < 0 || (guint) index >= self->entries->len)
    return NULL;
  return g_ptr_array_index (self->entries, index);
}

static void
update_buttons (StkRestoreDialog *self)
{
  StkBackupEntry *entry = selected_entry (self);

  if (self->gone)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->restore_button),
                            can_restore (self) && entry != NULL && !entry->damaged);
  gtk_widget_set_sensitive (GTK_WIDGET (self->other_button), can_restore (self));
}

/* "12 items · 340 sales · last sale 06/12/2026 17:45" */
static char *
figures_text (gint64 items,
              gint64 sales,
              gint64 last_sale_us)
{
  g_autofree char *n_items = stk_format_count (items);
  g_autofree char *n_sales = stk_format_count (sales);
  g_autofree char *items_text = NULL;
  g_autofree char *sales_text = NULL;
  g_autofree char *last = NULL;

  /* Translators: %s is a number of items, already formatted */
  items_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s item", "%s items",
                                             (gulong) MIN (items, G_MAXINT32)), n_items);
  /* Translators: %s is a number of sales, already formatted */
  sales_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s sale", "%s sales",
                                             (gulong) MIN (sales, G_MAXINT32)), n_sales);
  if (last_sale_us > 0)
    {
      g_autofree char *when = stk_format_datetime (last_sale_us);

      /* Translators: %s is the date and time of the newest sale */
      last = g_strdup_printf (_("last sale %s"), when);
    }
  else
    last = g_strdup (_("no sale"));
  /* Translators: items · sales · last sale */
  return g_strdup_printf (_("%s · %s · %s"), items_text, sales_text, last);
}

static GtkWidget *
make_row (StkBackupEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = stk_format_datetime (entry->made_us);
  g_autofree char *title = g_markup_escape_text (when, -1);
  g_autofree char *subtitle = NULL;

  if (entry->damaged)
    {
      /* Translators: %s says what is wrong with a backup file, one sentence */
      g_autofree char *text = g_strdup_printf (_("Damaged: %s"), entry->problem);

      subtitle = g_markup_escape_text (text, -1);
      gtk_widget_add_css_class (row, "error");
    }
  else
    {
      g_autofree char *text = figures_text (entry->items, entry->sales, entry->last_sale_us);

      subtitle = g_markup_escape_text (text, -1);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (row, entry->path);
  return row;
}

/* ---- the list, read by data/'s worker ---- */

static void
list_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = stk_backup_list_finish (result, &error);
  StkRestoreDialog *self;

  /* The dialog may be gone (its dispose cancels): asked before self is touched. */
  if (stk_job_was_cancelled (result))
    return;
  self = STK_RESTORE_DIALOG (user_data);

  self->loaded = TRUE;
  if (entries == NULL)
    {
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
      update_buttons (self);
      return;
    }

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  self->entries = g_steal_pointer (&entries);
  for (guint i = 0; i < self->entries->len; i++)
    gtk_list_box_append (self->list_box, make_row (g_ptr_array_index (self->entries, i)));
  gtk_stack_set_visible_child_name (self->list_stack, self->entries->len > 0 ? "list" : "empty");
  if (self->entries->len > 0)
    {
      GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->list_box, 0);

      /* The newest is chosen, and the keyboard starts on it (Enter: Restore…). */
      gtk_list_box_select_row (self->list_box, first);
      gtk_widget_grab_focus (GTK_WIDGET (first));
    }
  update_buttons (self);
}

static void
load_list (StkRestoreDialog *self)
{
  stk_backup_list_async (self->folder, stk_session_get_path (self->session), self->cancellable,
                         list_done_cb, self);
}

/* ---- restoring ---- */

static void
restore_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  /* The reference start_restore() took. */
  g_autoptr(StkRestoreDialog) self = STK_RESTORE_DIALOG (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *safety_path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *safety = NULL;
  g_autofree char *message = NULL;

  /* The restore is not cancelled with the dialog: it happened, or it did not (the
   * dialog cannot be closed meanwhile). */
  gboolean ok = stk_restore_finish (STK_WRITER (object), result, &safety_path, &error);

  self->restoring = FALSE;
  if (self->gone)
    return;
  if (!ok)
    {
      g_autofree char *text = g_strdup_printf (_("Nothing was restored. %s"), error->message);

      show_status (self, text);
      gtk_widget_set_sensitive (GTK_WIDGET (self->list_box), TRUE);
      update_buttons (self);
      return;
    }

  name = g_filename_display_name (self->restoring_path);
  safety = safety_path != NULL ? g_filename_display_name (safety_path) : g_strdup ("");
  /* Translators: the first %s is the backup restored, the second the safety copy */
  message = g_strdup_printf (_("Restored “%s”. The inventory as it was is kept in “%s”."),
                             name, safety);
  g_signal_emit (self, signals[SIGNAL_RESTORED], 0, message);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_restore (StkRestoreDialog *self,
               const char       *path)
{
  if (!can_restore (self))
    return;
  self->restoring = TRUE;
  update_buttons (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->list_box), FALSE);
  show_status (self, _("Restoring…"));

  g_free (self->restoring_path);
  self->restoring_path = g_strdup (path);
  /* Not cancelled with the dialog, which lives (a reference) until the restore is over. */
  stk_restore_async (stk_session_get_writer (self->session),
                     stk_session_get_store (self->session), path, NULL, restore_done_cb,
                     g_object_ref (self));
}

static void
question_response_cb (AdwMessageDialog *question,
                      const char       *response,
                      gpointer          user_data)
{
  StkRestoreDialog *self = STK_RESTORE_DIALOG (user_data);
  const char *path = g_object_get_data (G_OBJECT (question), "path");

  if (g_strcmp0 (response, "restore") == 0)
    start_restore (self, path);
}

typedef struct
{
  StkRestoreDialog *self;  /* a reference */
  AdwMessageDialog *question;
  StkBackupEntry   *backup;
} AskData;

static void
ask_data_free (gpointer data)
{
  AskData *a = data;

  g_object_unref (a->self);
  g_clear_weak_pointer (&a->question);
  stk_backup_entry_free (a->backup);
  g_free (a);
}

/* The inventory's figures now, against the backup's. */
static void
current_stats_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  AskData *a = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *now = NULL;
  g_autofree char *then = NULL;
  g_autofree char *made = NULL;
  g_autofree char *body = NULL;
  StkStats stats;

  if (a->question == NULL)
    {
      ask_data_free (a);
      return;
    }

  if (stk_store_get_stats_finish (STK_STORE (object), result, &stats, &error))
    now = figures_text (stats.items, stats.whole_sales, stats.last_sale_us);
  else
    now = g_strdup (error->message);
  then = figures_text (a->backup->items, a->backup->sales, a->backup->last_sale_us);
  made = stk_format_datetime (a->backup->made_us);
  body = g_strdup_printf (_("The inventory now: %s.\n"
                            "The backup of %s: %s.\n\n"
                            "Everything in the inventory is replaced by the backup’s contents; "
                            "what changed since the backup is no longer in it. A safety copy of "
                            "the inventory as it is now is kept beside it first."),
                          now, made, then);
  adw_message_dialog_set_body (a->question, body);
  adw_message_dialog_set_response_enabled (a->question, "restore", TRUE);
  ask_data_free (a);
}

GtkWindow *
stk_restore_dialog_ask (StkRestoreDialog *self,
                        const char       *path)
{
  AdwMessageDialog *question;
  StkBackupEntry *backup;
  AskData *a;

  g_return_val_if_fail (STK_IS_RESTORE_DIALOG (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  /* Read again: the file chosen by hand has not been read yet, and a listed one may
   * have changed since. */
  backup = stk_backup_read (path);
  if (backup->damaged)
    {
      g_autofree char *text = g_strdup_printf (_("Nothing was restored. %s"), backup->problem);

      show_status (self, text);
      stk_backup_entry_free (backup);
      return NULL;
    }

  question = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                         _("Replace the Inventory with This "
                                                           "Backup?"),
                                                         NULL));
  adw_message_dialog_add_responses (question,
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (question, "restore", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (question, "cancel");
  adw_message_dialog_set_close_response (question, "cancel");
  /* Enabled once the inventory's own figures are there to compare. */
  adw_message_dialog_set_response_enabled (question, "restore", FALSE);
  g_object_set_data_full (G_OBJECT (question), "path", g_strdup (path), g_free);
  g_signal_connect_object (question, "response", G_CALLBACK (question_response_cb), self, 0);

  a = g_new0 (AskData, 1);
  a->self = g_object_ref (self);
  g_set_weak_pointer (&a->question, question);
  a->backup = backup;
  stk_store_get_stats_async (stk_session_get_store (self->session), self->cancellable,
                             current_stats_cb, a);
  gtk_window_present (GTK_WINDOW (question));
  return GTK_WINDOW (question);
}

static void
restore_clicked_cb (StkRestoreDialog *self,
                    GtkButton        *button)
{
  StkBackupEntry *entry = selected_entry (self);

  if (entry != NULL && !entry->damaged && can_restore (self))
    stk_restore_dialog_ask (self, entry->path);
}

static void
row_selected_cb (StkRestoreDialog *self,
                 GtkListBoxRow    *row,
                 GtkListBox       *box)
{
  update_buttons (self);
}

static void
row_activated_cb (StkRestoreDialog *self,
                  GtkListBoxRow    *row,
                  GtkListBox       *box)
{
  /* The row activated is the one asked about, selected or not. */
  gtk_list_box_select_row (box, row);
  restore_clicked_cb (self, NULL);
}

static void
chooser_response_cb (StkRestoreDialog *self,
                     int               response,
                     GtkNativeDialog  *chooser)
{
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      path = file != NULL ? g_file_get_path (file) : NULL;
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
  if (path != NULL)
    stk_restore_dialog_ask (self, path);
}

static void
other_clicked_cb (StkRestoreDialog *self,
                  GtkButton        *button)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (!can_restore (self) || self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Restore a Backup"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Stocktake inventories and backups"));
  gtk_file_filter_add_suffix (filter, "db");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  if (g_file_test (self->folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) folder = g_file_new_for_path (self->folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- object ---- */

/* Not while a restore runs: its outcome is shown here. */
static gboolean
stk_restore_dialog_close_request (GtkWindow *window)
{
  StkRestoreDialog *self = STK_RESTORE_DIALOG (window);

  if (self->restoring)
    return TRUE;
  return GTK_WINDOW_CLASS (stk_restore_dialog_parent_class)->close_request (window);
}

static void
stk_restore_dialog_dispose (GObject *object)
{
  StkRestoreDialog *self = STK_RESTORE_DIALOG (object);

  self->gone = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_RESTORE_DIALOG);

  G_OBJECT_CLASS (stk_restore_dialog_parent_class)->dispose (object);
}

static void
stk_restore_dialog_finalize (GObject *object)
{
  StkRestoreDialog *self = STK_RESTORE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->restoring_path, g_free);
  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (stk_restore_dialog_parent_class)->finalize (object);
}

static void
stk_restore_dialog_class_init (StkRestoreDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_restore_dialog_dispose;
  object_class->finalize = stk_restore_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = stk_restore_dialog_close_request;

  /**
   * StkRestoreDialog::restored:
   * @message: one sentence: what was restored, where the safety copy is
   */
  signals[SIGNAL_RESTORED] =
    g_signal_new ("restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-restore-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkRestoreDialog, restore_button);
  gtk_widget_class_bind_template_child (widget_class, StkRestoreDialog, other_button);
  gtk_widget_class_bind_template_child (widget_class, StkRestoreDialog, description_label);
  gtk_widget_class_bind_template_child (widget_class, StkRestoreDialog, list_stack);
  gtk_widget_class_bind_template_child (widget_class, StkRestoreDialog, list_box);
  gtk_widget_class_bind_template_child (widget_class, StkRestoreDialog, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StkRestoreDialog, status_label);
  gtk_widget_class_bind_template_callback (widget_class, restore_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, other_clicked_cb);
}

static void
stk_restore_dialog_init (StkRestoreDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

StkRestoreDialog *
stk_restore_dialog_new (GtkWindow  *parent,
                        StkSession *session,
                        const char *folder)
{
  StkRestoreDialog *self;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  g_autofree char *folder_name = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STK_IS_SESSION (session), NULL);
  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (STK_TYPE_RESTORE_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->folder = g_strdup (folder);

  base = g_path_get_basename (stk_session_get_path (session));
  name = g_filename_display_name (base);
  folder_name = g_filename_display_name (folder);
  /* Translators: the first %s is the inventory's file name, the second a folder */
  description = g_strdup_printf (_("The automatic backups of “%s” in “%s”, newest first. "
                                   "Choose one to put the inventory back as it was then."),
                                 name, folder_name);
  gtk_label_set_text (self->description_label, description);
  if (stk_session_get_writer (session) == NULL)
    show_status (self, _("The inventory is open read-only: switch to editing to restore a "
                         "backup."));

  gtk_stack_set_visible_child_name (self->list_stack, "loading");
  update_buttons (self);
  load_list (self);
  return self;
}

gboolean
stk_restore_dialog_get_loaded (StkRestoreDialog *self)
{
  g_return_val_if_fail (STK_IS_RESTORE_DIALOG (self), FALSE);
  return self->loaded;
}

const char *
stk_restore_dialog_get_path (StkRestoreDialog *self,
                             guint             index)
{
  g_return_val_if_fail (STK_IS_RESTORE_DIALOG (self), NULL);

  if (self->entries == NULL || index >= self->entries->len)
    return NULL;
  return ((StkBackupEntry *) g_ptr_array_index (self->entries, index))->path;
}
