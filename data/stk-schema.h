/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* "STKT" in big-endian: PRAGMA application_id of every Stocktake inventory. */
#define STK_SCHEMA_APPLICATION_ID 0x53544b54
#define STK_SCHEMA_VERSION 5

int      stk_schema_get_version (sqlite3  *db,
                                 GError  **error);
gboolean stk_schema_migrate     (sqlite3  *db,
                                 int       target_version,
                                 GError  **error);

G_END_DECLS
