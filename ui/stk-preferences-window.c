/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-preferences-window.h"

#include <glib/gi18n.h>
#include <langinfo.h>

#include "stk-backups.h"

struct _StkPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwPreferencesGroup  *money_group;
  AdwEntryRow          *currency_row;
  AdwPreferencesGroup  *receipts_group;
  AdwEntryRow          *shop_name_row;
  GtkTextView          *address_view;
  GtkTextBuffer        *address_buffer;
  AdwPreferencesGroup  *backups_group;
  GtkSwitch            *auto_backup_switch;
  AdwActionRow         *backup_folder_row;
  GtkButton            *backup_folder_button;
  AdwActionRow         *backup_keep_row;
  GtkAdjustment        *backup_keep_adjustment;
  GtkFileChooserNative *folder_chooser;
};

G_DEFINE_FINAL_TYPE (StkPreferencesWindow, stk_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The symbol of LC_MONETARY, as the group's description names it. */
static char *
locale_currency_symbol (void)
{
  const char *symbol = nl_langinfo (CURRENCY_SYMBOL);
  g_autofree char *utf8 = NULL;

  if (symbol == NULL || symbol[0] == '\0')
    return NULL;
  if (!g_utf8_validate (symbol, -1, NULL))
    symbol = utf8 = g_locale_to_utf8 (symbol, -1, NULL, NULL, NULL);
  return g_strdup (symbol);
}

/* The folder row shows where backups go: the chosen folder, or the default one. */
static void
update_backup_folder (StkPreferencesWindow *self)
{
  g_autofree char *setting = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *display = NULL;

  if (self->settings != NULL)
    setting = g_settings_get_string (self->settings, "backup-folder");
  folder = stk_backup_resolve_folder (setting);
  display = g_filename_display_name (folder);
  adw_action_row_set_subtitle (self->backup_folder_row, display);
}

static void
backup_folder_changed_cb (StkPreferencesWindow *self,
                          const char           *key,
                          GSettings            *settings)
{
  update_backup_folder (self);
}

static void
folder_chooser_response_cb (StkPreferencesWindow *self,
                            int                   response,
                            GtkNativeDialog      *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT && self->settings != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      /* A folder of the file chooser portal (in the Flatpak) has a path too. */
      if (path != NULL)
        g_settings_set_string (self->settings, "backup-folder", path);
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->folder_chooser);
}

static void
choose_folder_clicked_cb (StkPreferencesWindow *self,
                          GtkButton            *button)
{
  g_autofree char *setting = NULL;
  g_autofree char *folder = NULL;

  if (self->folder_chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->folder_chooser));
      return;
    }
  self->folder_chooser = gtk_file_chooser_native_new (_("Choose the Backup Folder"),
                                                      GTK_WINDOW (self),
                                                      GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                      _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->folder_chooser), TRUE);
  if (self->settings != NULL)
    setting = g_settings_get_string (self->settings, "backup-folder");
  folder = stk_backup_resolve_folder (setting);
  if (g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) current = g_file_new_for_path (folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->folder_chooser), current,
                                           NULL);
    }
  g_signal_connect_object (self->folder_chooser, "response",
                           G_CALLBACK (folder_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->folder_chooser));
}

/* The folder chooser, made by the Choose… button (NULL when none is open). */
GtkFileChooser *
stk_preferences_window_get_folder_chooser (StkPreferencesWindow *self)
{
  g_return_val_if_fail (STK_IS_PREFERENCES_WINDOW (self), NULL);

  return self->folder_chooser ? GTK_FILE_CHOOSER (self->folder_chooser) : NULL;
}

static void
stk_preferences_window_dispose (GObject *object)
{
  StkPreferencesWindow *self = STK_PREFERENCES_WINDOW (object);

  if (self->folder_chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->folder_chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->folder_chooser));
      g_clear_object (&self->folder_chooser);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (stk_preferences_window_parent_class)->dispose (object);
}

static void
stk_preferences_window_class_init (StkPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, money_group);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, currency_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, receipts_group);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, shop_name_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, address_view);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, address_buffer);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, backups_group);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, auto_backup_switch);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, backup_folder_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, backup_folder_button);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, backup_keep_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow,
                                        backup_keep_adjustment);
  gtk_widget_class_bind_template_callback (widget_class, choose_folder_clicked_cb);
}

static void
stk_preferences_window_init (StkPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StkPreferencesWindow *
stk_preferences_window_new (GtkWindow *parent,
                            GSettings *settings)
{
  StkPreferencesWindow *self;
  g_autofree char *symbol = locale_currency_symbol ();
  g_autofree char *description = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (STK_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);

  if (settings == NULL)
    {
      description = g_strdup (_("Preferences cannot be kept: Stocktake’s settings schema is "
                                "not installed."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->currency_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->receipts_group), FALSE);
      adw_preferences_group_set_description (self->receipts_group, description);
      gtk_widget_set_sensitive (GTK_WIDGET (self->backups_group), FALSE);
      adw_preferences_group_set_description (self->backups_group, description);
    }
  else
    {
      self->settings = g_object_ref (settings);
      g_settings_bind (settings, "currency-symbol", self->currency_row, "text",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "shop-name", self->shop_name_row, "text",
                       G_SETTINGS_BIND_DEFAULT);
      /* The address as typed, newlines and all. */
      g_settings_bind (settings, "shop-address", self->address_buffer, "text",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "auto-backup", self->auto_backup_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "backup-keep", self->backup_keep_adjustment, "value",
                       G_SETTINGS_BIND_DEFAULT);
      /* Where and how many only matter while backups are on. */
      g_settings_bind (settings, "auto-backup", self->backup_folder_row, "sensitive",
                       G_SETTINGS_BIND_GET);
      g_settings_bind (settings, "auto-backup", self->backup_keep_row, "sensitive",
                       G_SETTINGS_BIND_GET);
      g_signal_connect_object (settings, "changed::backup-folder",
                               G_CALLBACK (backup_folder_changed_cb), self, G_CONNECT_SWAPPED);
      if (symbol != NULL)
        /* Translators: %s is the currency symbol of the language and region settings */
        description = g_strdup_printf (_("Shown with every amount. Leave it empty to use the "
                                         "one of your language and region settings (“%s”)."),
                                       symbol);
      else
        description = g_strdup (_("Shown with every amount. Your language and region "
                                  "settings have none, so amounts show without one unless "
                                  "you type it here."));
    }
  adw_preferences_group_set_description (self->money_group, description);
  update_backup_folder (self);
  return self;
}
