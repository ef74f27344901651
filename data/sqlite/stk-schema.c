/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-schema.h"
#include "stk-sqlite-private.h"

#include <glib/gi18n.h>

#include "stk-code.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-schema-private.h"
#include "stk-sql-private.h"

/*
 * The inventory schema, as a list of migrations. Migration N brings a database at
 * user_version N-1 to N; opening an older file runs the missing ones in one
 * transaction. Never edit a migration that has shipped: add a new one.
 *
 * Invariant enforced in SQL: items.on_hand equals the sum of the item's movements.
 *  - a new item starts at on_hand 0;
 *  - every movement carries the balance after it, and a trigger refuses a movement
 *    whose balance is not the item's on_hand plus its quantity;
 *  - after a movement, a trigger sets on_hand to that balance;
 *  - on_hand can only be set to the latest movement's balance;
 *  - movements and sales cannot be updated or deleted (corrections are new movements).
 * By induction on_hand = sum(quantity), and the check costs one index lookup.
 */

/* Each migration is one to MIGRATION_PARTS lists of statements, run in order (ISO C
 * promises string literals of 4095 bytes only). */
#define MIGRATION_PARTS 3
static const char *const migrations[][MIGRATION_PARTS] = {
  /* 0 → 1: items */
  {
    "CREATE TABLE items ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL COLLATE NOCASE"
    "    CHECK (length(code) BETWEEN 1 AND 64 AND code = trim(code)),"
    "  description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 1000),"
    "  unit_price_cents INTEGER NOT NULL DEFAULT 0 CHECK (unit_price_cents >= 0),"
    "  reorder_level INTEGER NOT NULL DEFAULT 0 CHECK (reorder_level >= 0),"
    "  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE UNIQUE INDEX items_code ON items (code);"
    "PRAGMA application_id = 1398033236;"
  },

  /* 1 → 2: stock movements and the on-hand invariant */
  {
    "ALTER TABLE items ADD COLUMN on_hand INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE movements ("
    "  id INTEGER PRIMARY KEY,"
    "  item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE RESTRICT,"
    "  kind TEXT NOT NULL CHECK (kind IN ('receive', 'sale', 'adjustment', 'count')),"
    "  quantity INTEGER NOT NULL,"
    "  balance INTEGER NOT NULL,"
    "  reason TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),"
    "  moved_at INTEGER NOT NULL,"
    "  reference TEXT UNIQUE,"
    "  CHECK (CASE kind WHEN 'receive' THEN quantity > 0"
    "                   WHEN 'sale' THEN quantity < 0"
    "                   WHEN 'adjustment' THEN quantity <> 0"
    "                   ELSE 1 END)"
    ") STRICT;"
    "CREATE INDEX movements_item ON movements (item_id, id);"
    "CREATE INDEX movements_moved_at ON movements (moved_at);"
    "CREATE TRIGGER items_new_without_stock BEFORE INSERT ON items WHEN NEW.on_hand <> 0 "
    "BEGIN SELECT RAISE (ABORT, 'a new item starts with no stock: record a movement'); END;"
    "CREATE TRIGGER movements_check BEFORE INSERT ON movements BEGIN SELECT CASE"
    "  WHEN NOT EXISTS (SELECT 1 FROM items WHERE id = NEW.item_id)"
    "    THEN RAISE (ABORT, 'unknown item')"
    "  WHEN NEW.balance IS NOT (SELECT on_hand FROM items WHERE id = NEW.item_id) + NEW.quantity"
    "    THEN RAISE (ABORT, 'a movement''s balance must be the item''s on-hand plus its quantity')"
    "  WHEN NEW.balance < 0"
    "    THEN RAISE (ABORT, 'not enough stock: on-hand would go below zero')"
    "  END; END;"
    "CREATE TRIGGER movements_apply AFTER INSERT ON movements "
    "BEGIN UPDATE items SET on_hand = NEW.balance WHERE id = NEW.item_id; END;"
    "CREATE TRIGGER items_on_hand_guard BEFORE UPDATE OF on_hand ON items"
    "  WHEN NEW.on_hand IS NOT coalesce ((SELECT balance FROM movements WHERE item_id = NEW.id"
    "                                     ORDER BY id DESC LIMIT 1), 0) "
    "BEGIN SELECT RAISE (ABORT, 'on-hand stock changes only through stock movements'); END;"
    "CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements "
    "BEGIN SELECT RAISE (ABORT, 'stock movements cannot be changed: record a correcting movement'); END;"
    "CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements "
    "BEGIN SELECT RAISE (ABORT, 'stock movements cannot be deleted: record a correcting movement'); END;"
  },

  /* 2 → 3: sales, settings, and the exactly-once record of applied operations */
  {
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value ANY) STRICT, WITHOUT ROWID;"
    "INSERT INTO settings (key, value) VALUES ('allow_negative_stock', 0);"
    "CREATE TABLE sales ("
    "  id INTEGER PRIMARY KEY,"
    "  uid TEXT NOT NULL UNIQUE,"
    "  item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE RESTRICT,"
    "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
    "  unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),"
    "  sold_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX sales_sold_at ON sales (sold_at);"
    "CREATE INDEX sales_item ON sales (item_id, sold_at);"
    "ALTER TABLE movements ADD COLUMN sale_id INTEGER REFERENCES sales (id);"
    "CREATE UNIQUE INDEX movements_sale ON movements (sale_id) WHERE sale_id IS NOT NULL;"
    "DROP TRIGGER movements_check;"
    "CREATE TRIGGER movements_check BEFORE INSERT ON movements BEGIN SELECT CASE"
    "  WHEN NOT EXISTS (SELECT 1 FROM items WHERE id = NEW.item_id)"
    "    THEN RAISE (ABORT, 'unknown item')"
    "  WHEN (NEW.kind = 'sale') IS NOT (NEW.sale_id IS NOT NULL)"
    "    THEN RAISE (ABORT, 'a sale movement belongs to exactly one sale')"
    "  WHEN NEW.balance IS NOT (SELECT on_hand FROM items WHERE id = NEW.item_id) + NEW.quantity"
    "    THEN RAISE (ABORT, 'a movement''s balance must be the item''s on-hand plus its quantity')"
    "  WHEN NEW.balance < 0 AND (SELECT value FROM settings WHERE key = 'allow_negative_stock') IS NOT 1"
    "    THEN RAISE (ABORT, 'not enough stock: on-hand would go below zero')"
    "  END; END;"
    "CREATE TRIGGER sales_movement AFTER INSERT ON sales BEGIN"
    "  INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at, sale_id)"
    "  SELECT NEW.item_id, 'sale', -NEW.quantity, on_hand - NEW.quantity, '', NEW.sold_at, NEW.id"
    "  FROM items WHERE id = NEW.item_id;"
    "END;"
    "CREATE TRIGGER sales_no_update BEFORE UPDATE ON sales "
    "BEGIN SELECT RAISE (ABORT, 'sales cannot be changed'); END;"
    "CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales "
    "BEGIN SELECT RAISE (ABORT, 'sales cannot be deleted'); END;"
    "CREATE TABLE applied_ops ("
    "  op_id TEXT PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  applied_at INTEGER NOT NULL"
    ") STRICT, WITHOUT ROWID;"
  },

  /* 3 → 4: word search, sort indexes for keyset paging, voided sales.
   * Each sort index is (key, id, archived): pages seek on (key, id), and a scan of the
   * active items in sort order reads the index alone (0.07 s instead of 12 s for a
   * million items when archived had to be read from the table).
   * items_fts indexes the active items only (external content: the view items_active),
   * kept in step by triggers, so that a word search's match set is its result and the
   * size of the match set is the count: archiving takes an item out of the index,
   * un-archiving puts it back; an update that changes neither code, description nor
   * archived (on-hand, price) leaves the index alone.
   * Voiding a sale puts its stock back with an adjustment whose reference is "void:" and
   * the sale's uid, so the balance chain stays valid and a sale is voided
   * once at most (sale_voids' key and the unique reference both say so). */
  {
    "CREATE VIEW items_active AS SELECT id, code, description FROM items WHERE archived = 0;"
    "CREATE VIRTUAL TABLE items_fts USING fts5 (code, description,"
    "  content='items_active', content_rowid='id',"
    "  tokenize='unicode61 remove_diacritics 2', prefix='2 3');"
    "INSERT INTO items_fts (items_fts) VALUES ('rebuild');"
    "CREATE TRIGGER items_fts_insert AFTER INSERT ON items WHEN NEW.archived = 0 BEGIN"
    "  INSERT INTO items_fts (rowid, code, description) VALUES (NEW.id, NEW.code, NEW.description);"
    "END;"
    "CREATE TRIGGER items_fts_delete AFTER DELETE ON items WHEN OLD.archived = 0 BEGIN"
    "  INSERT INTO items_fts (items_fts, rowid, code, description)"
    "  VALUES ('delete', OLD.id, OLD.code, OLD.description);"
    "END;"
    "CREATE TRIGGER items_fts_update AFTER UPDATE OF code, description, archived ON items"
    "  WHEN OLD.archived = 0 OR NEW.archived = 0 BEGIN"
    "  INSERT INTO items_fts (items_fts, rowid, code, description)"
    "  SELECT 'delete', OLD.id, OLD.code, OLD.description WHERE OLD.archived = 0;"
    "  INSERT INTO items_fts (rowid, code, description)"
    "  SELECT NEW.id, NEW.code, NEW.description WHERE NEW.archived = 0;"
    "END;"
    "CREATE INDEX items_sort_code ON items (code, id, archived);"
    "CREATE INDEX items_sort_description ON items (description COLLATE NOCASE, id, archived);"
    "CREATE INDEX items_sort_on_hand ON items (on_hand, id, archived);"
    "CREATE INDEX items_sort_price ON items (unit_price_cents, id, archived);"
    "CREATE INDEX items_sort_reorder ON items (reorder_level, id, archived);"
    "CREATE INDEX items_sort_updated ON items (updated_at, id, archived);"
    "CREATE TABLE sale_voids ("
    "  sale_id INTEGER PRIMARY KEY REFERENCES sales (id),"
    "  voided_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TRIGGER sale_voids_apply AFTER INSERT ON sale_voids BEGIN"
    "  INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at, reference)"
    "  SELECT s.item_id, 'adjustment', s.quantity, i.on_hand + s.quantity, 'Sale voided',"
    "         NEW.voided_at, 'void:' || s.uid"
    "  FROM sales s JOIN items i ON i.id = s.item_id WHERE s.id = NEW.sale_id;"
    "END;"
    "CREATE TRIGGER sale_voids_no_update BEFORE UPDATE ON sale_voids "
    "BEGIN SELECT RAISE (ABORT, 'a voided sale stays voided'); END;"
    "CREATE TRIGGER sale_voids_no_delete BEFORE DELETE ON sale_voids "
    "BEGIN SELECT RAISE (ABORT, 'a voided sale stays voided'); END;"
  },

  /* 4 → 5: one rule for "the same code" (data/stk-code.c). items_code (NOCASE) folds
   * ASCII only; code_key holds stk_code_key (code), unique. Items that an older version
   * let in as different codes but that the new rule calls the same are kept apart: the
   * later ones (by id) get their key suffixed with U+0001 and their id, which no typed
   * code folds to, and are counted once in settings 'code_collisions_notice' (shown once
   * by whoever opens the inventory next) while verify and stats count them live.
   * The triggers keep the key in step; renaming an item to a variant of its own code
   * keeps its kept-apart key. */
  {
    "ALTER TABLE items ADD COLUMN code_key TEXT;"
    "UPDATE items SET code_key = stk_code_key (code);"
    "CREATE INDEX items_code_key_migrating ON items (code_key, id);"
    "UPDATE items SET code_key = code_key || char (1) || id"
    "  WHERE EXISTS (SELECT 1 FROM items o WHERE o.code_key = items.code_key AND o.id < items.id);"
    "DROP INDEX items_code_key_migrating;"
    "CREATE UNIQUE INDEX items_code_key ON items (code_key);"
    "INSERT INTO settings (key, value)"
    "  SELECT 'code_collisions_notice', n FROM"
    "    (SELECT count (*) AS n FROM items WHERE instr (code_key, char (1)) > 0) WHERE n > 0;"
    "CREATE TRIGGER items_code_key_insert AFTER INSERT ON items BEGIN"
    "  UPDATE items SET code_key = stk_code_key (NEW.code) WHERE id = NEW.id;"
    "END;"
    "CREATE TRIGGER items_code_key_update AFTER UPDATE OF code ON items"
    "  WHEN stk_code_key (NEW.code) IS NOT stk_code_key (OLD.code) BEGIN"
    "  UPDATE items SET code_key = stk_code_key (NEW.code) WHERE id = NEW.id;"
    "END;"
  },

  /* 5 → 6: sales of several lines, returns, barcodes, a reason for a void.
   * A sale is its lines: the first line's id is the sale's id and its first_line is
   * NULL; each further line names that first line (so sales made before had no change
   * to make: they are one-line sales with their ids, uids and voids as they were). The
   * sale's time, note and payment are the first line's; a further line has the same
   * time and no note or payment of its own. A further line's uid is the sale's uid, "#"
   * and its line number, so the whole sale has one exactly-once id.
   * Voiding a sale voids every line (a void of the first line brings the others along,
   * and a further line cannot be voided alone); a sale with a return cannot be voided,
   * and a voided one cannot be returned.
   * A return undoes part of one line: its stock comes back with an adjustment whose
   * reference is "return:" and the return's uid; the quantities and refunds of a
   * line's returns never add up to more than the line sold or was paid.
   * A barcode belongs to one item; key is stk_barcode_key (code), the same for every
   * spelling of one number (a UPC-A with or without its leading zero, a UPC-E). */
  {
    "ALTER TABLE sales ADD COLUMN first_line INTEGER REFERENCES sales (id);"
    "ALTER TABLE sales ADD COLUMN discount_cents INTEGER NOT NULL DEFAULT 0"
    "  CHECK (discount_cents >= 0 AND discount_cents <= quantity * unit_price_cents);"
    "ALTER TABLE sales ADD COLUMN note TEXT NOT NULL DEFAULT '' CHECK (length (note) <= 1000);"
    "ALTER TABLE sales ADD COLUMN payment TEXT NOT NULL DEFAULT '' CHECK (length (payment) <= 64);"
    "CREATE INDEX sales_lines ON sales (first_line, id) WHERE first_line IS NOT NULL;"
    /* The Sales list pages sales (first lines) in time order: their own index, so its
     * count-and-anchor scan reads no table row. */
    "CREATE INDEX sales_firsts ON sales (sold_at, id) WHERE first_line IS NULL;"
    "CREATE TRIGGER sales_line_check BEFORE INSERT ON sales WHEN NEW.first_line IS NOT NULL "
    "BEGIN SELECT CASE"
    "  WHEN NOT EXISTS (SELECT 1 FROM sales WHERE id = NEW.first_line AND first_line IS NULL)"
    "    THEN RAISE (ABORT, 'a further line belongs to the first line of a sale')"
    "  WHEN (SELECT sold_at FROM sales WHERE id = NEW.first_line) IS NOT NEW.sold_at"
    "    THEN RAISE (ABORT, 'the lines of a sale share its time')"
    "  WHEN NEW.note <> '' OR NEW.payment <> ''"
    "    THEN RAISE (ABORT, 'a sale''s note and payment are on its first line')"
    "  WHEN EXISTS (SELECT 1 FROM sale_voids WHERE sale_id = NEW.first_line)"
    "    THEN RAISE (ABORT, 'a voided sale gets no new lines')"
    "  END; END;",
    /* … returns, and voids of whole sales … */
    "ALTER TABLE sale_voids ADD COLUMN reason TEXT NOT NULL DEFAULT ''"
    "  CHECK (length (reason) <= 1000);"
    "CREATE TABLE returns ("
    "  id INTEGER PRIMARY KEY,"
    "  uid TEXT NOT NULL UNIQUE,"
    "  line_id INTEGER NOT NULL REFERENCES sales (id),"
    "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
    "  refund_cents INTEGER NOT NULL CHECK (refund_cents >= 0),"
    "  reason TEXT NOT NULL DEFAULT '' CHECK (length (reason) <= 1000),"
    "  returned_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX returns_line ON returns (line_id);"
    "CREATE INDEX returns_returned_at ON returns (returned_at);"
    "CREATE TRIGGER returns_check BEFORE INSERT ON returns BEGIN SELECT CASE"
    "  WHEN NOT EXISTS (SELECT 1 FROM sales WHERE id = NEW.line_id)"
    "    THEN RAISE (ABORT, 'unknown sale line')"
    "  WHEN EXISTS (SELECT 1 FROM sale_voids WHERE sale_id = NEW.line_id)"
    "    THEN RAISE (ABORT, 'a voided sale cannot be returned')"
    "  WHEN NEW.returned_at < (SELECT sold_at FROM sales WHERE id = NEW.line_id)"
    "    THEN RAISE (ABORT, 'a return cannot come before its sale')"
    "  WHEN NEW.quantity + (SELECT coalesce (sum (quantity), 0) FROM returns"
    "                       WHERE line_id = NEW.line_id)"
    "       > (SELECT quantity FROM sales WHERE id = NEW.line_id)"
    "    THEN RAISE (ABORT, 'more returned than sold on this line')"
    "  WHEN NEW.refund_cents + (SELECT coalesce (sum (refund_cents), 0) FROM returns"
    "                           WHERE line_id = NEW.line_id)"
    "       > (SELECT quantity * unit_price_cents - discount_cents FROM sales"
    "          WHERE id = NEW.line_id)"
    "    THEN RAISE (ABORT, 'more refunded than paid on this line')"
    "  END; END;"
    "CREATE TRIGGER returns_apply AFTER INSERT ON returns BEGIN"
    "  INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at, reference)"
    "  SELECT s.item_id, 'adjustment', NEW.quantity, i.on_hand + NEW.quantity, 'Sale returned',"
    "         NEW.returned_at, 'return:' || NEW.uid"
    "  FROM sales s JOIN items i ON i.id = s.item_id WHERE s.id = NEW.line_id;"
    "END;"
    "CREATE TRIGGER returns_no_update BEFORE UPDATE ON returns "
    "BEGIN SELECT RAISE (ABORT, 'returns cannot be changed'); END;"
    "CREATE TRIGGER returns_no_delete BEFORE DELETE ON returns "
    "BEGIN SELECT RAISE (ABORT, 'returns cannot be deleted'); END;"
    "CREATE TRIGGER sale_voids_check BEFORE INSERT ON sale_voids BEGIN SELECT CASE"
    "  WHEN EXISTS (SELECT 1 FROM returns WHERE line_id = NEW.sale_id)"
    "    THEN RAISE (ABORT, 'a sale with returns cannot be voided')"
    "  WHEN (SELECT first_line FROM sales WHERE id = NEW.sale_id) IS NOT NULL"
    "       AND NOT EXISTS (SELECT 1 FROM sale_voids v JOIN sales s ON v.sale_id = s.first_line"
    "                       WHERE s.id = NEW.sale_id)"
    "    THEN RAISE (ABORT, 'a sale is voided whole, from its first line')"
    "  END; END;"
    "CREATE TRIGGER sale_voids_lines AFTER INSERT ON sale_voids BEGIN"
    "  INSERT INTO sale_voids (sale_id, voided_at, reason)"
    "  SELECT id, NEW.voided_at, NEW.reason FROM sales WHERE first_line = NEW.sale_id;"
    "END;",
    /* … barcodes. */
    "CREATE TABLE barcodes ("
    "  key TEXT PRIMARY KEY,"
    "  code TEXT NOT NULL CHECK (length (code) BETWEEN 1 AND 64 AND code = trim (code)),"
    "  item_id INTEGER NOT NULL REFERENCES items (id),"
    "  pack INTEGER NOT NULL DEFAULT 1 CHECK (pack BETWEEN 1 AND 100000)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX barcodes_item ON barcodes (item_id);"
    "CREATE TRIGGER barcodes_key BEFORE INSERT ON barcodes"
    "  WHEN NEW.key IS NOT stk_barcode_key (NEW.code) "
    "BEGIN SELECT RAISE (ABORT, 'a barcode''s key is stk_barcode_key of its code'); END;"
    "CREATE TRIGGER barcodes_no_update BEFORE UPDATE ON barcodes "
    "BEGIN SELECT RAISE (ABORT, 'a barcode is removed and added, not changed'); END;"
  },

  /* 6 → 7: receipt numbers. Every sale (its first line) and every return gets the next
   * number of its series, in the transaction that records it: no gap (a sale that rolls
   * back takes its number with it) and never twice (numbers are never changed nor
   * deleted; a void keeps its sale's number). The series is '' (one sequence for ever)
   * or, with settings 'receipt_series' = 'yearly', the year of the sale's local time.
   * Sales and returns made before get numbers in the order they happened. */
  {
    "INSERT INTO settings (key, value) VALUES ('receipt_series', 'continuous');"
    "CREATE TABLE receipt_numbers ("
    "  series TEXT NOT NULL,"
    "  number INTEGER NOT NULL CHECK (number > 0),"
    "  sale_id INTEGER UNIQUE REFERENCES sales (id),"
    "  return_id INTEGER UNIQUE REFERENCES returns (id),"
    "  CHECK ((sale_id IS NULL) <> (return_id IS NULL)),"
    "  PRIMARY KEY (series, number)"
    ") STRICT, WITHOUT ROWID;"
    "INSERT INTO receipt_numbers (series, number, sale_id, return_id)"
    "  SELECT '', row_number () OVER (ORDER BY at, kind, id), sale_id, return_id FROM ("
    "    SELECT sold_at AS at, 0 AS kind, id, id AS sale_id, NULL AS return_id"
    "      FROM sales WHERE first_line IS NULL"
    "    UNION ALL"
    "    SELECT returned_at, 1, id, NULL, id FROM returns);"
    "CREATE TRIGGER receipt_numbers_check BEFORE INSERT ON receipt_numbers"
    "  WHEN NEW.number IS NOT (SELECT coalesce (max (number), 0) + 1 FROM receipt_numbers"
    "                          WHERE series = NEW.series) "
    "BEGIN SELECT RAISE (ABORT, 'receipt numbers follow each other without a gap'); END;"
    "CREATE TRIGGER receipt_numbers_no_update BEFORE UPDATE ON receipt_numbers "
    "BEGIN SELECT RAISE (ABORT, 'receipt numbers cannot be changed'); END;"
    "CREATE TRIGGER receipt_numbers_no_delete BEFORE DELETE ON receipt_numbers "
    "BEGIN SELECT RAISE (ABORT, 'receipt numbers cannot be deleted'); END;"
    "CREATE TRIGGER sales_receipt AFTER INSERT ON sales WHEN NEW.first_line IS NULL BEGIN"
    "  INSERT INTO receipt_numbers (series, number, sale_id)"
    "  SELECT series, (SELECT coalesce (max (number), 0) + 1 FROM receipt_numbers r"
    "                  WHERE r.series = x.series), NEW.id"
    "  FROM (SELECT " STK_RECEIPT_SERIES_SQL ("NEW.sold_at") " AS series) AS x;"
    "END;"
    "CREATE TRIGGER returns_receipt AFTER INSERT ON returns BEGIN"
    "  INSERT INTO receipt_numbers (series, number, return_id)"
    "  SELECT series, (SELECT coalesce (max (number), 0) + 1 FROM receipt_numbers r"
    "                  WHERE r.series = x.series), NEW.id"
    "  FROM (SELECT " STK_RECEIPT_SERIES_SQL ("NEW.returned_at") " AS series) AS x;"
    "END;"
  },

  /* 7 → 8: the shop's payment methods and the close of the day (data/stk-day.h).
   * settings 'payment_methods' is the list the till offers, one per line. A close
   * covers the sales and returns recorded after the close before it (by id: the order
   * they were recorded in) up to last_sale_id and last_return_id, and the voids made
   * between the two closes' times; day_close_methods keeps its figures per payment, as
   * they were then. Closes follow each other (never back in time, never covering less)
   * and are never changed nor removed. */
  {
    "INSERT INTO settings (key, value) VALUES ('payment_methods', "
    STK_PAYMENT_METHODS_DEFAULT_SQL ");"
    "CREATE TABLE day_closes ("
    "  id INTEGER PRIMARY KEY,"
    "  uid TEXT NOT NULL UNIQUE,"
    "  closed_at INTEGER NOT NULL,"
    "  last_sale_id INTEGER NOT NULL CHECK (last_sale_id >= 0),"
    "  last_return_id INTEGER NOT NULL CHECK (last_return_id >= 0),"
    "  counted_cash_cents INTEGER NOT NULL CHECK (counted_cash_cents >= 0),"
    "  expected_cash_cents INTEGER NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '' CHECK (length (note) <= 1000)"
    ") STRICT;"
    "CREATE INDEX day_closes_closed_at ON day_closes (closed_at);"
    "CREATE TABLE day_close_methods ("
    "  close_id INTEGER NOT NULL REFERENCES day_closes (id),"
    "  payment TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"
    "  sales INTEGER NOT NULL CHECK (sales >= 0),"
    "  sales_cents INTEGER NOT NULL CHECK (sales_cents >= 0),"
    "  voids INTEGER NOT NULL CHECK (voids >= 0),"
    "  voids_cents INTEGER NOT NULL CHECK (voids_cents >= 0),"
    "  returns INTEGER NOT NULL CHECK (returns >= 0),"
    "  returns_cents INTEGER NOT NULL CHECK (returns_cents >= 0),"
    "  PRIMARY KEY (close_id, payment)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TRIGGER day_closes_check BEFORE INSERT ON day_closes BEGIN SELECT CASE"
    "  WHEN NEW.closed_at < (SELECT max (closed_at) FROM day_closes)"
    "    THEN RAISE (ABORT, 'a day cannot be closed before the close before it')"
    "  WHEN NEW.last_sale_id < (SELECT max (last_sale_id) FROM day_closes)"
    "    OR NEW.last_return_id < (SELECT max (last_return_id) FROM day_closes)"
    "    THEN RAISE (ABORT, 'a close covers what the close before it covered')"
    "  WHEN NEW.last_sale_id > (SELECT coalesce (max (id), 0) FROM sales)"
    "    OR NEW.last_return_id > (SELECT coalesce (max (id), 0) FROM returns)"
    "    THEN RAISE (ABORT, 'a close covers only what was recorded')"
    "  END; END;"
    "CREATE TRIGGER day_close_methods_check BEFORE INSERT ON day_close_methods"
    "  WHEN NEW.close_id IS NOT (SELECT max (id) FROM day_closes) "
    "BEGIN SELECT RAISE (ABORT, 'a close''s figures are written with it'); END;"
    "CREATE TRIGGER day_closes_no_update BEFORE UPDATE ON day_closes "
    "BEGIN SELECT RAISE (ABORT, 'a closed day cannot be changed'); END;"
    "CREATE TRIGGER day_closes_no_delete BEFORE DELETE ON day_closes "
    "BEGIN SELECT RAISE (ABORT, 'a closed day cannot be reopened'); END;"
    "CREATE TRIGGER day_close_methods_no_update BEFORE UPDATE ON day_close_methods "
    "BEGIN SELECT RAISE (ABORT, 'a closed day cannot be changed'); END;"
    "CREATE TRIGGER day_close_methods_no_delete BEFORE DELETE ON day_close_methods "
    "BEGIN SELECT RAISE (ABORT, 'a closed day cannot be reopened'); END;"
  },

  /* 8 → 9: tax (data/stk-tax.h). The shop's rates; an item's own rate (NULL: the
   * shop's default rate, settings 'default_tax_rate', 0 for none); whether prices
   * include tax and how tax is rounded. A sale line keeps the name and rate it was sold
   * at (tax_rate_bp NULL: no tax), whether its price included the tax, and its tax,
   * within a cent of the exact tax of its amount; total_cents is what the customer paid
   * for the line, tax included either way. A return takes back tax_cents of its line's
   * tax, never more than the line had. A close keeps the tax per payment method and
   * per rate (the closes before: all without tax). */
  {
    "CREATE TABLE tax_rates ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE"
    "    CHECK (length (name) BETWEEN 1 AND 64 AND name = trim (name)),"
    "  rate_bp INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000)"
    ") STRICT;"
    "INSERT INTO settings (key, value) VALUES ('prices_include_tax', 1),"
    "  ('tax_rounding', 'line'), ('default_tax_rate', 0);"
    "ALTER TABLE items ADD COLUMN tax_rate_id INTEGER;"
    "CREATE INDEX items_tax_rate ON items (tax_rate_id) WHERE tax_rate_id IS NOT NULL;"
    "CREATE TRIGGER items_tax_rate_insert BEFORE INSERT ON items"
    "  WHEN NEW.tax_rate_id IS NOT NULL"
    "   AND NOT EXISTS (SELECT 1 FROM tax_rates WHERE id = NEW.tax_rate_id) "
    "BEGIN SELECT RAISE (ABORT, 'unknown tax rate'); END;"
    "CREATE TRIGGER items_tax_rate_update BEFORE UPDATE OF tax_rate_id ON items"
    "  WHEN NEW.tax_rate_id IS NOT NULL"
    "   AND NOT EXISTS (SELECT 1 FROM tax_rates WHERE id = NEW.tax_rate_id) "
    "BEGIN SELECT RAISE (ABORT, 'unknown tax rate'); END;"
    "CREATE TRIGGER tax_rates_no_delete_used BEFORE DELETE ON tax_rates"
    "  WHEN EXISTS (SELECT 1 FROM items WHERE tax_rate_id = OLD.id)"
    "    OR (SELECT value FROM settings WHERE key = 'default_tax_rate') = OLD.id "
    "BEGIN SELECT RAISE (ABORT, 'a tax rate in use cannot be removed'); END;"
    "CREATE TRIGGER settings_default_tax_rate BEFORE UPDATE OF value ON settings"
    "  WHEN NEW.key = 'default_tax_rate' AND NEW.value IS NOT 0"
    "   AND NOT EXISTS (SELECT 1 FROM tax_rates WHERE id = NEW.value) "
    "BEGIN SELECT RAISE (ABORT, 'unknown tax rate'); END;"
    "ALTER TABLE sales ADD COLUMN tax_rate_bp INTEGER"
    "  CHECK (tax_rate_bp BETWEEN 0 AND 10000);"
    "ALTER TABLE sales ADD COLUMN tax_name TEXT NOT NULL DEFAULT ''"
    "  CHECK (length (tax_name) <= 64);"
    "ALTER TABLE sales ADD COLUMN tax_included INTEGER NOT NULL DEFAULT 1"
    "  CHECK (tax_included IN (0, 1));"
    "ALTER TABLE sales ADD COLUMN tax_cents INTEGER NOT NULL DEFAULT 0 CHECK (tax_cents >= 0);"
    "ALTER TABLE sales ADD COLUMN total_cents INTEGER AS (quantity * unit_price_cents"
    "  - discount_cents + CASE WHEN tax_included THEN 0 ELSE tax_cents END) VIRTUAL;",
    "ALTER TABLE returns ADD COLUMN tax_cents INTEGER NOT NULL DEFAULT 0 CHECK (tax_cents >= 0);"
    "CREATE TRIGGER sales_tax_check BEFORE INSERT ON sales BEGIN SELECT CASE"
    "  WHEN NEW.tax_rate_bp IS NULL AND (NEW.tax_cents <> 0 OR NEW.tax_name <> '')"
    "    THEN RAISE (ABORT, 'a line without a tax rate has no tax')"
    "  WHEN NEW.tax_rate_bp IS NOT NULL AND abs (NEW.tax_cents * (CASE WHEN NEW.tax_included"
    "         THEN 10000 + NEW.tax_rate_bp ELSE 10000 END)"
    "       - (NEW.quantity * NEW.unit_price_cents - NEW.discount_cents) * NEW.tax_rate_bp)"
    "       >= CASE WHEN NEW.tax_included THEN 10000 + NEW.tax_rate_bp ELSE 10000 END"
    "    THEN RAISE (ABORT, 'a line''s tax is its rate of its amount, to the cent')"
    "  END; END;"
    "DROP TRIGGER returns_check;"
    "CREATE TRIGGER returns_check BEFORE INSERT ON returns BEGIN SELECT CASE"
    "  WHEN NOT EXISTS (SELECT 1 FROM sales WHERE id = NEW.line_id)"
    "    THEN RAISE (ABORT, 'unknown sale line')"
    "  WHEN EXISTS (SELECT 1 FROM sale_voids WHERE sale_id = NEW.line_id)"
    "    THEN RAISE (ABORT, 'a voided sale cannot be returned')"
    "  WHEN NEW.returned_at < (SELECT sold_at FROM sales WHERE id = NEW.line_id)"
    "    THEN RAISE (ABORT, 'a return cannot come before its sale')"
    "  WHEN NEW.quantity + (SELECT coalesce (sum (quantity), 0) FROM returns"
    "                       WHERE line_id = NEW.line_id)"
    "       > (SELECT s.quantity FROM sales s WHERE s.id = NEW.line_id)"
    "    THEN RAISE (ABORT, 'more returned than sold on this line')"
    "  WHEN NEW.refund_cents + (SELECT coalesce (sum (refund_cents), 0) FROM returns"
    "                           WHERE line_id = NEW.line_id)"
    "       > (SELECT total_cents FROM sales WHERE id = NEW.line_id)"
    "    THEN RAISE (ABORT, 'more refunded than paid on this line')"
    "  WHEN NEW.tax_cents > NEW.refund_cents"
    "    OR NEW.tax_cents + (SELECT coalesce (sum (tax_cents), 0) FROM returns"
    "                        WHERE line_id = NEW.line_id)"
    "       > (SELECT tax_cents FROM sales WHERE id = NEW.line_id)"
    "    THEN RAISE (ABORT, 'more tax taken back than the line had')"
    "  END; END;",
    "ALTER TABLE day_close_methods ADD COLUMN sales_tax_cents INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE day_close_methods ADD COLUMN voids_tax_cents INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE day_close_methods ADD COLUMN returns_tax_cents INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE day_close_taxes ("
    "  close_id INTEGER NOT NULL REFERENCES day_closes (id),"
    "  position INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  rate_bp INTEGER,"
    "  total_cents INTEGER NOT NULL,"
    "  tax_cents INTEGER NOT NULL,"
    "  PRIMARY KEY (close_id, position)"
    ") STRICT, WITHOUT ROWID;"
    /* Closes made before: everything they covered was sold without tax. */
    "INSERT INTO day_close_taxes (close_id, position, name, rate_bp, total_cents, tax_cents)"
    "  SELECT close_id, 0, '', NULL, sum (sales_cents - voids_cents - returns_cents), 0"
    "  FROM day_close_methods GROUP BY close_id HAVING sum (sales + voids + returns) > 0;"
    "CREATE TRIGGER day_close_taxes_check BEFORE INSERT ON day_close_taxes"
    "  WHEN NEW.close_id IS NOT (SELECT max (id) FROM day_closes) "
    "BEGIN SELECT RAISE (ABORT, 'a close''s figures are written with it'); END;"
    "CREATE TRIGGER day_close_taxes_no_update BEFORE UPDATE ON day_close_taxes "
    "BEGIN SELECT RAISE (ABORT, 'a closed day cannot be changed'); END;"
    "CREATE TRIGGER day_close_taxes_no_delete BEFORE DELETE ON day_close_taxes "
    "BEGIN SELECT RAISE (ABORT, 'a closed day cannot be reopened'); END;"
  },

  /* 9 → 10: cost and margin (data/stk-cost.h). An item's default cost (for a receipt
   * entered without one) and its average cost; 0 is "unknown", which every item starts
   * at. A movement that brings stock in at a cost of its own (a receipt; the stock a
   * return or a void puts back, at the unit cost its line was sold at) carries that
   * unit_cost_cents, and movements_cost moves the item's average by it
   * (stk_cost_average(), registered on every connection: exact, an overflow refused);
   * every other movement (NULL: a sale, an adjustment, a count, a receipt recorded
   * before costs or without one) moves stock at the average and leaves it. A sale line
   * keeps its cost of goods when sold, quantity × the average then (so a multiple of
   * its quantity), and a return takes back its quantity at that unit cost. Costs are
   * never negative, and sales, returns and movements stay append-only. */
  {
    "ALTER TABLE items ADD COLUMN default_cost_cents INTEGER NOT NULL DEFAULT 0"
    "  CHECK (default_cost_cents >= 0);"
    "ALTER TABLE items ADD COLUMN average_cost_cents INTEGER NOT NULL DEFAULT 0"
    "  CHECK (average_cost_cents >= 0);"
    "ALTER TABLE movements ADD COLUMN unit_cost_cents INTEGER CHECK (unit_cost_cents >= 0);"
    "ALTER TABLE sales ADD COLUMN cost_cents INTEGER NOT NULL DEFAULT 0"
    "  CHECK (cost_cents >= 0 AND cost_cents % quantity = 0);"
    "ALTER TABLE returns ADD COLUMN cost_cents INTEGER NOT NULL DEFAULT 0"
    "  CHECK (cost_cents >= 0);"
    "CREATE TRIGGER movements_cost_check BEFORE INSERT ON movements"
    "  WHEN NEW.unit_cost_cents IS NOT NULL AND (NEW.quantity <= 0 OR NEW.kind NOT IN"
    "       ('receive', 'adjustment') OR (NEW.kind = 'adjustment' AND NEW.reference IS NULL)) "
    "BEGIN SELECT RAISE (ABORT, 'only stock received or put back has a cost of its own'); END;"
    "CREATE TRIGGER movements_cost AFTER INSERT ON movements"
    "  WHEN NEW.unit_cost_cents IS NOT NULL BEGIN"
    "  UPDATE items SET average_cost_cents = stk_cost_average (NEW.balance - NEW.quantity,"
    "    average_cost_cents, NEW.quantity, NEW.unit_cost_cents) WHERE id = NEW.item_id;"
    "END;"
    "CREATE TRIGGER returns_cost_check BEFORE INSERT ON returns"
    "  WHEN NEW.cost_cents IS NOT NEW.quantity * (SELECT cost_cents / quantity FROM sales"
    "                                             WHERE id = NEW.line_id) "
    "BEGIN SELECT RAISE (ABORT, 'a return takes back its line''s unit cost'); END;"
    "DROP TRIGGER returns_apply;"
    "CREATE TRIGGER returns_apply AFTER INSERT ON returns BEGIN"
    "  INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at, reference,"
    "                         unit_cost_cents)"
    "  SELECT s.item_id, 'adjustment', NEW.quantity, i.on_hand + NEW.quantity,"
    "         'Sale returned', NEW.returned_at, 'return:' || NEW.uid,"
    "         nullif (s.cost_cents / s.quantity, 0)"
    "  FROM sales s JOIN items i ON i.id = s.item_id WHERE s.id = NEW.line_id;"
    "END;"
    "DROP TRIGGER sale_voids_apply;"
    "CREATE TRIGGER sale_voids_apply AFTER INSERT ON sale_voids BEGIN"
    "  INSERT INTO movements (item_id, kind, quantity, balance, reason, moved_at, reference,"
    "                         unit_cost_cents)"
    "  SELECT s.item_id, 'adjustment', s.quantity, i.on_hand + s.quantity,"
    "         'Sale voided', NEW.voided_at, 'void:' || s.uid,"
    "         nullif (s.cost_cents / s.quantity, 0)"
    "  FROM sales s JOIN items i ON i.id = s.item_id WHERE s.id = NEW.sale_id;"
    "END;"
  },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == STK_SCHEMA_VERSION);

int
stk_schema_get_version (sqlite3  *db,
                        GError  **error)
{
  gint64 v = 0;

  if (!stk_db_query_int64 (db, "PRAGMA user_version", &v, error))
    return -1;
  return (int) v;
}

gboolean
stk_schema_migrate (sqlite3  *db,
                    int       target_version,
                    GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  int version;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (target_version >= 0 && target_version <= STK_SCHEMA_VERSION, FALSE);

  stk_code_register (db);
  version = stk_schema_get_version (db, error);
  if (version < 0)
    return FALSE;
  if (version >= target_version)
    return TRUE;

  if (!stk_db_begin (db, STK_TXN_WRITE, &local_error))
    {
      /* Said as every failure of the upgrade is (the connection keeps SQLite's code). */
      g_clear_error (&local_error);
      stk_db_set_error (error, db, sqlite3_extended_errcode (db),
                        _("Cannot upgrade the inventory"));
      return FALSE;
    }

  /* Another process may have migrated while we waited for the lock. */
  version = stk_schema_get_version (db, &local_error);
  if (local_error == NULL && version < 4 && target_version >= 4 &&
      !sqlite3_compileoption_used ("ENABLE_FTS5"))
    g_set_error (&local_error, STK_ERROR, STK_ERROR_FAILED,
                 _("Cannot upgrade the inventory: this SQLite library (%s) has no full-text "
                   "search (FTS5)."),
                 sqlite3_libversion ());
  for (int v = version; local_error == NULL && v >= 0 && v < target_version; v++)
    {
      for (guint part = 0; local_error == NULL && part < MIGRATION_PARTS; part++)
        {
          const char *sql = migrations[v][part];

          if (sql != NULL && sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
            stk_db_set_error (&local_error, db, sqlite3_extended_errcode (db),
                              _("Cannot upgrade the inventory"));
        }
    }

  if (local_error == NULL && version < target_version)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", target_version);
      gint64 fk_problems = 0;

      if (stk_db_exec (db, sql, &local_error) &&
          stk_db_query_int64 (db, "SELECT count(*) FROM pragma_foreign_key_check", &fk_problems,
                              &local_error) &&
          fk_problems != 0)
        {
          g_autofree char *problems = stk_format_count (fk_problems);

          g_set_error (&local_error, STK_ERROR, STK_ERROR_CORRUPT,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "Cannot upgrade the inventory: %s row refers to missing "
                                    "rows.",
                                    "Cannot upgrade the inventory: %s rows refer to missing "
                                    "rows.",
                                    (gulong) CLAMP (fk_problems, 0, G_MAXLONG)),
                       problems);
        }
    }

  if (local_error == NULL && !stk_db_commit (db, &local_error))
    {
      g_clear_error (&local_error);
      stk_db_set_error (&local_error, db, sqlite3_extended_errcode (db),
                        _("Cannot upgrade the inventory"));
    }

  if (local_error != NULL)
    {
      stk_db_rollback (db);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}
