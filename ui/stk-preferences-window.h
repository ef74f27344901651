/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "stk-session.h"

G_BEGIN_DECLS

/* Preferences (Ctrl+,): the currency symbol shown with amounts, kept in GSettings
 * (io.github.stocktake.Stocktake currency-symbol; empty: the locale's); the shop's name
 * and address printed on receipts (shop-name, shop-address: several lines); automatic
 * backups (auto-backup, backup-folder chosen with a folder chooser, backup-keep). With
 * @settings NULL (the schema is not installed) the rows say so and cannot be edited.
 *
 * With a @session, the shop's rules kept in that inventory (stk_store_get_shop_settings()):
 * Allow Stock Below Zero, Receipt Numbers (one sequence or one a year) and the Payment
 * Methods in the till's order (add, move up or down, remove but the last). The rows are
 * read when the window opens and again after each change, which is one op through the
 * session's writer; a list stk_payment_methods_check() refuses shows its sentence and
 * sends nothing. Read-only sessions make the groups insensitive (bound to "read-only")
 * and their descriptions say why; without a session the groups are hidden.
 *
 * The Tax page (format 9, stk-tax.h), kept in the inventory like the rules: Prices
 * Include Tax, Round Tax (per line or per receipt), the Default Tax Rate (None or a
 * rate) and the rates, each a row with its rate and how many items have it, opened to
 * edit its name and rate (Apply saves both) or Remove it (a rate in use is refused with
 * the inventory's sentence). A new rate's name and rate are checked as they are typed
 * (stk_tax_name_check(), stk_tax_rate_parse()): the sentence shows under the rows and
 * Add stays off. Template children (for tests): tax_page, tax_group,
 * tax_included_switch, tax_rounding_row, default_tax_row, tax_error, tax_rates_group,
 * tax_add_name_row, tax_add_rate_row, tax_add_button, tax_rates_error; a rate's row is
 * an AdwExpanderRow above tax_add_name_row whose data "stk-name-entry",
 * "stk-rate-entry" (AdwEntryRow) and "stk-error-label" are its fields.
 *
 * Signals:
 *  "shop-settings-changed" (): a rule was changed here (the window reads them again). */
#define STK_TYPE_PREFERENCES_WINDOW (stk_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (StkPreferencesWindow, stk_preferences_window, STK, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

StkPreferencesWindow *stk_preferences_window_new (GtkWindow *parent,
                                                  GSettings *settings);
StkPreferencesWindow *stk_preferences_window_new_for_session (GtkWindow  *parent,
                                                              GSettings  *settings,
                                                              StkSession *session);
/* The folder chooser the Backups group's Choose… button opened, or NULL. */
GtkFileChooser       *stk_preferences_window_get_folder_chooser (StkPreferencesWindow *self);

G_END_DECLS
