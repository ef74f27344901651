/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Preferences (issue 16): the currency symbol row writes the currency-symbol key and
 * follows it; without the schema it says so and cannot be edited. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>

#include "stk-glib.h"
#include "stk-preferences-window.h"

static void
setup (void)
{
  gtk_init ();
  adw_init ();
}

TestSuite (preferences, .init = setup, .timeout = 60);

static gpointer
child (gpointer    window,
       const char *name)
{
  GObject *c = gtk_widget_get_template_child (GTK_WIDGET (window), STK_TYPE_PREFERENCES_WINDOW,
                                              name);

  cr_assert_not_null (c, "no template child %s", name);
  return c;
}

Test (preferences, the_currency_row_writes_and_follows_the_setting)
{
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);
  StkPreferencesWindow *window;
  GtkEditable *row;
  g_autofree char *symbol = NULL;

  cr_assert_not_null (settings, "the schema is not installed (GSETTINGS_SCHEMA_DIR)");
  g_settings_set_string (settings, "currency-symbol", "");
  window = stk_preferences_window_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (window));
  row = GTK_EDITABLE (child (window, "currency_row"));
  cr_assert_str_eq (gtk_editable_get_text (row), "");
  cr_assert (gtk_widget_get_sensitive (GTK_WIDGET (row)));

  gtk_editable_set_text (row, "CHF");
  symbol = g_settings_get_string (settings, "currency-symbol");
  cr_assert_str_eq (symbol, "CHF");

  g_settings_set_string (settings, "currency-symbol", "£");
  cr_assert_str_eq (gtk_editable_get_text (row), "£");

  /* The group says where the symbol comes from when the row is empty (the C locale of
   * the tests has none). */
  cr_assert (strstr (adw_preferences_group_get_description (child (window, "money_group")),
                     "language and region settings have none") != NULL, "%s",
             adw_preferences_group_get_description (child (window, "money_group")));
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (preferences, without_the_schema_the_row_says_so_and_cannot_be_edited)
{
  StkPreferencesWindow *window = stk_preferences_window_new (NULL, NULL);
  const char *description;

  gtk_window_present (GTK_WINDOW (window));
  cr_assert_not (gtk_widget_get_sensitive (GTK_WIDGET (child (window, "currency_row"))));
  description = adw_preferences_group_get_description (child (window, "money_group"));
  cr_assert (strstr (description, "not installed") != NULL, "%s", description);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Issue 21: the Backups group writes and follows auto-backup, backup-folder (shown
 * resolved: empty is the default folder) and backup-keep (1..365). */
Test (preferences, the_backups_group_writes_and_follows_its_settings)
{
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);
  g_autofree char *default_folder = NULL;
  StkPreferencesWindow *window;
  GtkSwitch *on;
  GtkAdjustment *keep;
  AdwActionRow *folder_row;

  cr_assert_not_null (settings, "the schema is not installed (GSETTINGS_SCHEMA_DIR)");
  cr_assert (g_settings_get_boolean (settings, "auto-backup"), "on by default");
  cr_assert_eq (g_settings_get_uint (settings, "backup-keep"), 14);
  window = stk_preferences_window_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (window));
  on = child (window, "auto_backup_switch");
  keep = child (window, "backup_keep_adjustment");
  folder_row = child (window, "backup_folder_row");

  cr_assert (gtk_switch_get_active (on));
  cr_assert_float_eq (gtk_adjustment_get_value (keep), 14.0, 1e-9);
  cr_assert_float_eq (gtk_adjustment_get_lower (keep), 1.0, 1e-9);
  cr_assert_float_eq (gtk_adjustment_get_upper (keep), 365.0, 1e-9);
  default_folder = g_build_filename (g_get_user_data_dir (), "stocktake", "backups", NULL);
  cr_assert_str_eq (adw_action_row_get_subtitle (folder_row), default_folder);

  /* The widgets write the keys. */
  gtk_switch_set_active (on, FALSE);
  cr_assert_not (g_settings_get_boolean (settings, "auto-backup"));
  cr_assert_not (gtk_widget_get_sensitive (GTK_WIDGET (folder_row)), "no folder while off");
  cr_assert_not (gtk_widget_get_sensitive (child (window, "backup_keep_row")));
  gtk_switch_set_active (on, TRUE);
  cr_assert (gtk_widget_get_sensitive (GTK_WIDGET (folder_row)));
  gtk_adjustment_set_value (keep, 30);
  cr_assert_eq (g_settings_get_uint (settings, "backup-keep"), 30);
  gtk_adjustment_set_value (keep, 1000);
  cr_assert_eq (g_settings_get_uint (settings, "backup-keep"), 365, "clamped to the range");

  /* The keys move the widgets. */
  g_settings_set_uint (settings, "backup-keep", 7);
  cr_assert_float_eq (gtk_adjustment_get_value (keep), 7.0, 1e-9);
  g_settings_set_string (settings, "backup-folder", "/media/usb/backups");
  cr_assert_str_eq (adw_action_row_get_subtitle (folder_row), "/media/usb/backups");

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "backup-folder");
  g_settings_reset (settings, "backup-keep");
  g_settings_reset (settings, "auto-backup");
}

Test (preferences, without_the_schema_the_backups_group_cannot_be_edited)
{
  StkPreferencesWindow *window = stk_preferences_window_new (NULL, NULL);

  cr_assert_not (gtk_widget_get_sensitive (child (window, "backups_group")));
  cr_assert (strstr (adw_preferences_group_get_description (child (window, "backups_group")),
                     "schema is not installed") != NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}
