/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-preferences-window.h"

#include <glib/gi18n.h>
#include <langinfo.h>

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

static void
stk_preferences_window_dispose (GObject *object)
{
  StkPreferencesWindow *self = STK_PREFERENCES_WINDOW (object);

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
  return self;
}
