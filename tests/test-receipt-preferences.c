/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Preferences for receipts (issue 17): the shop's name and its address of several lines,
 * each row writing its GSettings key and following it; without the schema they say so
 * and cannot be edited. */
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

TestSuite (receipt_preferences, .init = setup, .timeout = 60);

static gpointer
child (gpointer    window,
       const char *name)
{
  GObject *c = gtk_widget_get_template_child (GTK_WIDGET (window), STK_TYPE_PREFERENCES_WINDOW,
                                              name);

  cr_assert_not_null (c, "no template child %s", name);
  return c;
}

static GSettings *
fresh_settings (void)
{
  GSettings *settings = stk_settings_new_if_installed (APP_ID);

  cr_assert_not_null (settings, "the schema is not installed (GSETTINGS_SCHEMA_DIR)");
  g_settings_reset (settings, "shop-name");
  g_settings_reset (settings, "shop-address");
  return settings;
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

Test (receipt_preferences, the_keys_are_empty_by_default)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autofree char *name = g_settings_get_string (settings, "shop-name");
  g_autofree char *address = g_settings_get_string (settings, "shop-address");

  cr_assert_str_eq (name, "");
  cr_assert_str_eq (address, "");
}

Test (receipt_preferences, the_shop_name_row_writes_and_follows_the_setting)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  StkPreferencesWindow *window = stk_preferences_window_new (NULL, settings);
  GtkEditable *row;
  g_autofree char *name = NULL;

  gtk_window_present (GTK_WINDOW (window));
  row = GTK_EDITABLE (child (window, "shop_name_row"));
  cr_assert_str_eq (gtk_editable_get_text (row), "");
  cr_assert (gtk_widget_is_sensitive (GTK_WIDGET (row)));

  gtk_editable_set_text (row, "Corner Shop");
  name = g_settings_get_string (settings, "shop-name");
  cr_assert_str_eq (name, "Corner Shop");

  g_settings_set_string (settings, "shop-name", "Rossi & Figli");
  cr_assert_str_eq (gtk_editable_get_text (row), "Rossi & Figli");
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (receipt_preferences, the_address_keeps_its_lines_both_ways)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  StkPreferencesWindow *window;
  GtkTextBuffer *buffer;
  GtkTextView *view;
  g_autofree char *address = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *shown = NULL;

  g_settings_set_string (settings, "shop-address", "Via Roma 1\n00100 Roma");
  window = stk_preferences_window_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (window));
  view = child (window, "address_view");
  buffer = gtk_text_view_get_buffer (view);
  cr_assert_eq (buffer, child (window, "address_buffer"));
  shown = buffer_text (buffer);
  cr_assert_str_eq (shown, "Via Roma 1\n00100 Roma");
  cr_assert (gtk_widget_is_sensitive (GTK_WIDGET (view)));
  cr_assert (gtk_text_view_get_editable (view));

  /* Typed at the end, a new line and all. */
  {
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_place_cursor (buffer, &end);
    gtk_text_buffer_insert_interactive_at_cursor (buffer, "\nItalia, UE", -1, TRUE);
  }
  address = g_settings_get_string (settings, "shop-address");
  cr_assert_str_eq (address, "Via Roma 1\n00100 Roma\nItalia, UE");

  g_settings_set_string (settings, "shop-address", "1 High Street\nSpringfield");
  typed = buffer_text (buffer);
  cr_assert_str_eq (typed, "1 High Street\nSpringfield");

  /* The label names the text view, and its mnemonic reaches it. */
  {
    GtkWidget *label = gtk_widget_get_prev_sibling (GTK_WIDGET (view));
    GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (view), ADW_TYPE_PREFERENCES_ROW);

    cr_assert (GTK_IS_LABEL (label));
    cr_assert_str_eq (gtk_label_get_text (GTK_LABEL (label)), "Address");
    cr_assert_eq (gtk_label_get_mnemonic_widget (GTK_LABEL (label)), GTK_WIDGET (view));
    cr_assert_not_null (row);
    cr_assert_str_eq (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "Address");
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

Test (receipt_preferences, without_the_schema_the_receipt_rows_say_so_and_cannot_be_edited)
{
  StkPreferencesWindow *window = stk_preferences_window_new (NULL, NULL);
  const char *description;

  gtk_window_present (GTK_WINDOW (window));
  cr_assert_not (gtk_widget_is_sensitive (GTK_WIDGET (child (window, "shop_name_row"))));
  cr_assert_not (gtk_widget_is_sensitive (GTK_WIDGET (child (window, "address_view"))));
  description = adw_preferences_group_get_description (child (window, "receipts_group"));
  cr_assert (strstr (description, "not installed") != NULL, "%s", description);
  gtk_window_destroy (GTK_WINDOW (window));
}
