/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its engine tests): SQLite does not leave data/. */
#ifndef STK_DATA_INTERNAL
#error "stk-schema-private.h is private to data/; use the public headers"
#endif

#include <glib.h>
#include <sqlite3.h>

#include "stk-schema.h"

G_BEGIN_DECLS

/* The receipt-number series of a sale or return made at @at_us (microseconds since the
 * epoch), as an SQL expression: '' (one sequence) or, when settings 'receipt_series' is
 * 'yearly', the year of that time in local time. Part of migration 7's text (and of the
 * bulk import's): never change it; a new rule is a new migration. */
#define STK_RECEIPT_SERIES_SQL(at_us) \
  "CASE (SELECT value FROM settings WHERE key = 'receipt_series')" \
  " WHEN 'yearly' THEN strftime ('%Y', (" at_us ") / 1000000, 'unixepoch', 'localtime')" \
  " ELSE '' END"

int      stk_schema_get_version (sqlite3  *db,
                                 GError  **error);
gboolean stk_schema_migrate     (sqlite3  *db,
                                 int       target_version,
                                 GError  **error);

G_END_DECLS
