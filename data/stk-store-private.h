/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its tests): the store's pool of engine connections. */
#ifndef STK_DATA_INTERNAL
#error "stk-store-private.h is private to data/; use the public headers"
#endif

#include <gio/gio.h>

#include "stk-store.h"

G_BEGIN_DECLS

typedef struct _StkEngine     StkEngine;
typedef struct _StkEngineConn StkEngineConn;

/* A read connection of the engine from the pool, and back (the pool keeps it if it is
 * outside any transaction). Any thread. */
StkEngineConn   *stk_store_acquire_conn (StkStore       *self,
                                         GError        **error);
void             stk_store_release_conn (StkStore       *self,
                                         StkEngineConn  *conn);
const StkEngine *stk_store_get_engine   (StkStore       *self);

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
