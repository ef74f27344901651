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
