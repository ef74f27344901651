/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For the SQLite engine's own tests (suite data): the engine's private headers and
 * sqlite3.h, beside the shared helpers. A contract test (suite contract) never
 * includes this (tests/check-layers.sh). */
#include <sqlite3.h>

#include "stk-sqlite-private.h"
#include "stk-test-util.h"
#include "stk-engine.h"
#include "stk-store-private.h"

/* A read connection of @store's pool as the sqlite3 it is (the store's engine must be
 * SQLite's), for the engine's own tests and benchmarks. Here, not in the engine: the
 * engine never reaches back into the store that calls it. */
static inline sqlite3 *
stk_store_acquire (StkStore  *store,
                   GError   **error)
{
  g_return_val_if_fail (stk_store_get_engine (store) == stk_engine_sqlite (), NULL);
  return (sqlite3 *) stk_store_acquire_conn (store, error);
}

static inline void
stk_store_release (StkStore *store,
                   sqlite3  *db)
{
  stk_store_release_conn (store, (StkEngineConn *) db);
}
