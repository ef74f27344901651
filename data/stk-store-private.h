/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its engine tests): SQLite does not leave data/. */
#ifndef STK_DATA_INTERNAL
#error "stk-store-private.h is private to data/; use the public headers"
#endif

#include <gio/gio.h>
#include <sqlite3.h>

#include "stk-store.h"

G_BEGIN_DECLS

/* A read-only connection from the pool, and back (the pool keeps it if it is outside
 * any transaction). */
sqlite3    *stk_store_acquire    (StkStore    *self,
                                  GError     **error);
void        stk_store_release    (StkStore    *self,
                                  sqlite3     *db);

/* stk_store_get_stats() on a connection of the pool. */
gboolean    stk_store_read_stats (StkStore    *self,
                                  sqlite3     *db,
                                  StkStats    *stats,
                                  GError     **error);

/* Tests only: @hook runs on the reading thread inside each list read of
 * stk-reads.h, within its read transaction: step 0 once the index is built, step n
 * once the n-th page asked for is read. NULL removes it. */
typedef void (*StkStoreReadHook) (StkStore *store,
                                  guint     step,
                                  gpointer  user_data);

void        stk_store_set_read_hook (StkStore         *self,
                                     StkStoreReadHook  hook,
                                     gpointer          user_data);
void        stk_store_run_read_hook (StkStore         *self,
                                     guint             step);

G_END_DECLS
