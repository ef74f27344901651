/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Preferences (Ctrl+,): the currency symbol shown with amounts, kept in GSettings
 * (io.github.stocktake.Stocktake currency-symbol; empty: the locale's); the shop's name
 * and address printed on receipts (shop-name, shop-address: several lines); automatic
 * backups (auto-backup, backup-folder chosen with a folder chooser, backup-keep). With
 * @settings NULL (the schema is not installed) the rows say so and cannot be edited. */
#define STK_TYPE_PREFERENCES_WINDOW (stk_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (StkPreferencesWindow, stk_preferences_window, STK, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

StkPreferencesWindow *stk_preferences_window_new (GtkWindow *parent,
                                                  GSettings *settings);
/* The folder chooser the Backups group's Choose… button opened, or NULL. */
GtkFileChooser       *stk_preferences_window_get_folder_chooser (StkPreferencesWindow *self);

G_END_DECLS
