/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For the SQLite engine's own tests (suite data): the engine's private headers and
 * sqlite3.h, beside the shared helpers. A contract test (suite contract) never
 * includes this (tests/check-layers.sh). */
#include <sqlite3.h>

#include "stk-sqlite-private.h"
#include "stk-test-util.h"
