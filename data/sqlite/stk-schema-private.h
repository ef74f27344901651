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

int      stk_schema_get_version (sqlite3  *db,
                                 GError  **error);
gboolean stk_schema_migrate     (sqlite3  *db,
                                 int       target_version,
                                 GError  **error);

G_END_DECLS
