/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its engine tests): SQLite does not leave data/. */
#ifndef STK_DATA_INTERNAL
#error "stk-ops-private.h is private to data/; use the public headers"
#endif

#include <sqlite3.h>

#include "stk-ops.h"

G_BEGIN_DECLS

/* Helpers for apply functions (tests and import code use them too). */
gint64 stk_ops_lookup_item_id (sqlite3         *db,
                               const char      *code,
                               GError         **error);

/* Building blocks shared by the ops above and by CSV import: each runs one
 * statement on @db (the writer's connection) and maps SQLite's constraint errors
 * to clear messages. reference / uid may be NULL (then the op id is not kept). */
gint64 stk_ops_insert_item     (sqlite3         *db,
                                const char      *code,
                                const char      *description,
                                gint64           unit_price_cents,
                                gint64           reorder_level,
                                gboolean         archived,
                                GError         **error);
gint64 stk_ops_insert_movement (sqlite3         *db,
                                gint64           item_id,
                                const char      *code,
                                StkMovementKind  kind,
                                gint64           quantity,
                                const char      *reason,
                                gint64           moved_at_us,
                                const char      *reference,
                                GError         **error);
gint64 stk_ops_insert_sale     (sqlite3         *db,
                                gint64           item_id,
                                const char      *code,
                                gint64           quantity,
                                gint64           unit_price_cents,
                                gint64           sold_at_us,
                                const char      *uid,
                                GError         **error);
G_END_DECLS
