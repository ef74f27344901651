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

/* SQL that turns a format-10 inventory back into format 9, as Stocktake left it before
 * costs (the triggers and columns migration 10 added, and returns_apply and
 * sale_voids_apply as migrations 6 and 4 wrote them). */
#define STK_TEST_DOWNGRADE_TO_9_SQL \
  "DROP TRIGGER movements_cost_check; DROP TRIGGER movements_cost;" \
  "DROP TRIGGER returns_cost_check; DROP TRIGGER returns_apply; DROP TRIGGER sale_voids_apply;" \
  "ALTER TABLE items DROP COLUMN default_cost_cents;" \
  "ALTER TABLE items DROP COLUMN average_cost_cents;" \
  "ALTER TABLE movements DROP COLUMN unit_cost_cents;" \
  "ALTER TABLE sales DROP COLUMN cost_cents; ALTER TABLE returns DROP COLUMN cost_cents;" \
  "CREATE TRIGGER returns_apply AFTER INSERT ON returns BEGIN" \
  "  INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at, reference)" \
  "  SELECT s.item_id, 'adjustment', NEW.quantity, i.on_hand + NEW.quantity, 'Sale returned'," \
  "         NEW.returned_at, 'return:' || NEW.uid" \
  "  FROM sales s JOIN items i ON i.id = s.item_id WHERE s.id = NEW.line_id;" \
  "END;" \
  "CREATE TRIGGER sale_voids_apply AFTER INSERT ON sale_voids BEGIN" \
  "  INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at, reference)" \
  "  SELECT s.item_id, 'adjustment', s.quantity, i.on_hand + s.quantity, 'Sale voided'," \
  "         NEW.voided_at, 'void:' || s.uid" \
  "  FROM sales s JOIN items i ON i.id = s.item_id WHERE s.id = NEW.sale_id;" \
  "END;"

/* SQL that turns a format-9 inventory back into format 8, as Stocktake left it before
 * tax (the triggers, columns and tables migration 9 added, and returns_check as
 * migration 6 wrote it). A format-10 inventory runs STK_TEST_DOWNGRADE_TO_9_SQL first,
 * in a statement of its own (together they are longer than the 4095 bytes a string
 * literal may have under -Wpedantic). */
#define STK_TEST_DOWNGRADE_TO_8_SQL \
  "DROP TRIGGER sales_tax_check; DROP TRIGGER returns_check;" \
  "DROP TRIGGER items_tax_rate_insert; DROP TRIGGER items_tax_rate_update;" \
  "DROP TRIGGER tax_rates_no_delete_used; DROP TRIGGER settings_default_tax_rate;" \
  "DROP TABLE day_close_taxes; DROP INDEX items_tax_rate;" \
  "ALTER TABLE items DROP COLUMN tax_rate_id;" \
  "ALTER TABLE sales DROP COLUMN total_cents; ALTER TABLE sales DROP COLUMN tax_cents;" \
  "ALTER TABLE sales DROP COLUMN tax_included; ALTER TABLE sales DROP COLUMN tax_name;" \
  "ALTER TABLE sales DROP COLUMN tax_rate_bp; ALTER TABLE returns DROP COLUMN tax_cents;" \
  "ALTER TABLE day_close_methods DROP COLUMN sales_tax_cents;" \
  "ALTER TABLE day_close_methods DROP COLUMN voids_tax_cents;" \
  "ALTER TABLE day_close_methods DROP COLUMN returns_tax_cents;" \
  "DROP TABLE tax_rates;" \
  "DELETE FROM settings WHERE key IN ('prices_include_tax', 'tax_rounding', 'default_tax_rate');" \
  "CREATE TRIGGER returns_check BEFORE INSERT ON returns BEGIN SELECT CASE" \
  "  WHEN NOT EXISTS (SELECT 1 FROM sales WHERE id = NEW.line_id)" \
  "    THEN RAISE (ABORT, 'unknown sale line')" \
  "  WHEN EXISTS (SELECT 1 FROM sale_voids WHERE sale_id = NEW.line_id)" \
  "    THEN RAISE (ABORT, 'a voided sale cannot be returned')" \
  "  WHEN NEW.returned_at < (SELECT sold_at FROM sales WHERE id = NEW.line_id)" \
  "    THEN RAISE (ABORT, 'a return cannot come before its sale')" \
  "  WHEN NEW.quantity + (SELECT coalesce (sum (quantity), 0) FROM returns" \
  "                       WHERE line_id = NEW.line_id)" \
  "       > (SELECT quantity FROM sales WHERE id = NEW.line_id)" \
  "    THEN RAISE (ABORT, 'more returned than sold on this line')" \
  "  WHEN NEW.refund_cents + (SELECT coalesce (sum (refund_cents), 0) FROM returns" \
  "                           WHERE line_id = NEW.line_id)" \
  "       > (SELECT quantity * unit_price_cents - discount_cents FROM sales" \
  "          WHERE id = NEW.line_id)" \
  "    THEN RAISE (ABORT, 'more refunded than paid on this line')" \
  "  END; END;"
