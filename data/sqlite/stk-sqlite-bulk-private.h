/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The bulk path of imports (stk-sqlite-bulk.c): private to the SQLite engine. */
#ifndef STK_DATA_INTERNAL
#error "stk-sqlite-bulk-private.h is private to data/; use the public headers"
#endif

#include <sqlite3.h>

#include "stk-maintenance-private.h"
#include "stk-transfer-private.h"

G_BEGIN_DECLS

/* Whether the import @d takes the bulk path: a table it knows and at least
 * stk_bulk_min_rows rows (stk-seams.h). */
gboolean stk_sqlite_bulk_wanted (StkImportData  *d);
/* Applies @d set-wise inside the writer's transaction; the same rules, results and
 * sentences as the row path. FALSE: nothing may be kept (the caller rolls back). */
gboolean stk_sqlite_bulk_import (StkImportData  *d,
                                 sqlite3        *db,
                                 GError        **error);

/* The same for a chunk of generated items or sales (stk-maintenance.c): at least
 * stk_bulk_min_rows rows. */
gboolean stk_sqlite_bulk_generate_wanted (const StkGenPayload *g);
gboolean stk_sqlite_bulk_generate        (StkGenPayload       *g,
                                          sqlite3             *db,
                                          GError             **error);

G_END_DECLS
