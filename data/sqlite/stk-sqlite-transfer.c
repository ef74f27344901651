/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sqlite-private.h"

#include <glib/gi18n.h>

#include "stk-barcode.h"
#include "stk-error.h"
#include "stk-transfer-private.h"
#include "stk-sqlite-bulk-private.h"

/*
 * The SQLite engine's side of imports and exports: the appliers of the import ops
 * (phase 2 of an import, on the writer thread; phase 1, reading and checking the file,
 * is stk-transfer.c's) and the export's SELECTs.
 */

typedef StkImportRow Row;
typedef StkImportData ImportData;
typedef StkImportAll ImportAll;


static const char sql_savepoint[] = "SAVEPOINT row";
static const char sql_release[] = "RELEASE row";
static const char sql_rollback_to[] = "ROLLBACK TO row";
static const char sql_sale_exists[] = "SELECT 1 FROM sales WHERE uid = ?1";
static const char sql_movement_exists[] = "SELECT 1 FROM movements WHERE reference = ?1";
static const char sql_return_exists[] = "SELECT 1 FROM returns WHERE uid = ?1";

static gboolean
exec_cached (sqlite3     *db,
             const char  *sql,
             GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
key_exists (sqlite3     *db,
            const char  *sql,
            const char  *key,
            gboolean    *out_exists,
            GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      return FALSE;
    }
  *out_exists = (rc == SQLITE_ROW);
  return TRUE;
}

/* Steps @stmt (prepared by stk_db_stmt()) to its end. */
static gboolean
exec_cached_stmt (sqlite3       *db,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      return FALSE;
    }
  return TRUE;
}

/* A discount on a line at the item's current price (empty unit_price): not more than
 * the line's price. */
static gboolean
check_discount (sqlite3     *db,
                gint64       item_id,
                const Row   *row,
                GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, "SELECT unit_price_cents FROM items WHERE id = ?1", error);
  gint64 price = row->price;
  guint64 gross = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (price < 0)
    {
      sqlite3_bind_int64 (stmt, 1, item_id);
      rc = sqlite3_step (stmt);
      price = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
          return FALSE;
        }
    }
  if (g_uint64_checked_mul (&gross, (guint64) MAX (price, 0), (guint64) row->quantity) &&
      (guint64) row->discount > gross)
    {
      g_autofree char *off = stk_price_format (row->discount);
      g_autofree char *most = stk_price_format ((gint64) gross);

      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The discount %s on “%s” is more than the line’s price %s."), off,
                   row->code, most);
      return FALSE;
    }
  return TRUE;
}

/* Item ids by code; the codes are interned in the string chunk, so the cache is
 * keyed by pointer. 0 marks a code known to be missing. */
static gint64
lookup_item (sqlite3     *db,
             GHashTable  *cache,
             const char  *code,
             GError     **error)
{
  gpointer value;
  gint64 id;

  if (g_hash_table_lookup_extended (cache, code, NULL, &value))
    {
      id = *(gint64 *) value;
      if (id == 0)
        g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("Unknown item code “%s”."), code);
      return id;
    }

  id = stk_sqlite_lookup_item_id (db, code, error);
  if (id == 0 && error != NULL && *error != NULL && (*error)->code != STK_ERROR_CONSTRAINT)
    return 0; /* a database error: do not cache */
  g_hash_table_insert (cache, (gpointer) code, g_memdup2 (&id, sizeof id));
  return id;
}

/* The row path's and the bulk path's sentence for a row dated before a count. */
char *
stk_sqlite_counted_after_message (const char *code,
                                  gint64      counted,
                                  gint64      count_at)
{
  char when[40];
  /* The number goes in as text: a format macro inside _() would cut the sentence short
   * for translators (xgettext stops at it). */
  g_autofree char *quantity = g_strdup_printf ("%" G_GINT64_FORMAT, counted);

  stk_transfer_format_time (count_at, when, sizeof when);
  return g_strdup_printf (_("“%s” was counted at %s on %s, after this row's "
                            "time, so that count already includes it and importing it would "
                            "count the stock twice (import a whole inventory with “import all”, "
                            "or skus without on_hand)."),
                          code, quantity, when);
}

/* A stock count already in the inventory and dated after @time_us counted the
 * stock that this older history moved: applying the history as well would count it
 * twice (a skus file's on_hand is such a count: importing skus, then the movements
 * and sales that led to that on_hand, doubled the stock). Refused, with the count. */
static gboolean
check_not_before_count (sqlite3     *db,
                        gint64       item_id,
                        const Row   *row,
                        GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db,
                                    "SELECT moved_at, balance FROM movements"
                                    " WHERE item_id = ?1 AND kind = 'count' AND moved_at > ?2"
                                    " ORDER BY moved_at DESC LIMIT 1",
                                    error);
  char *msg;
  gint64 count_at, counted;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item_id);
  sqlite3_bind_int64 (stmt, 2, row->time_us);
  rc = sqlite3_step (stmt);
  count_at = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  counted = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 1) : 0;
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      return FALSE;
    }
  g_set_error_literal (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                       msg = stk_sqlite_counted_after_message (row->code, counted, count_at));
  g_free (msg);
  return FALSE;
}

/* The barcodes field of a new item's row (checked when the file was read): a barcode
 * another item has already is the row's problem. */
static gboolean
insert_barcodes (sqlite3     *db,
                 gint64       item_id,
                 const char  *field,
                 GError     **error)
{
  g_autoptr(GArray) list = stk_barcode_parse_list (field, error);

  if (list == NULL)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      const StkBarcode *b = &g_array_index (list, StkBarcode, i);
      g_autofree char *key = stk_barcode_key (b->code);
      sqlite3_stmt *stmt = stk_db_stmt (db,
                                        "SELECT i.code FROM barcodes b JOIN items i"
                                        " ON i.id = b.item_id WHERE b.key = ?1",
                                        error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                     _("Barcode “%s” already belongs to item “%s”."), b->code,
                     (const char *) sqlite3_column_text (stmt, 0));
      else if (rc != SQLITE_DONE)
        stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return FALSE;

      stmt = stk_db_stmt (db,
                          "INSERT INTO barcodes (key, code, item_id, pack) VALUES (?1, ?2, ?3, ?4)",
                          error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, b->code, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, item_id);
      sqlite3_bind_int64 (stmt, 4, b->pack);
      if (!exec_cached_stmt (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* The default cost (format 10) of an item just inserted. */
static gboolean
set_item_default_cost (sqlite3  *db,
                       gint64    item_id,
                       gint64    cost_cents,
                       GError  **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, "UPDATE items SET default_cost_cents = ?2 WHERE id = ?1",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item_id);
  sqlite3_bind_int64 (stmt, 2, cost_cents);
  return exec_cached_stmt (db, stmt, error);
}

/* The own tax rate of an item just inserted, by the rate's name (ignoring case, as the
 * names are unique): a name the inventory has no rate of is the row's problem. */
static gboolean
set_item_tax_rate (sqlite3     *db,
                   gint64       item_id,
                   const char  *name,
                   GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db,
                                    "UPDATE items SET tax_rate_id ="
                                    " (SELECT id FROM tax_rates WHERE name = ?2)"
                                    " WHERE id = ?1"
                                    " AND EXISTS (SELECT 1 FROM tax_rates WHERE name = ?2)",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  if (!exec_cached_stmt (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("There is no tax rate named “%s”: add it first, or list it in "
                     "tax-rates.csv."),
                   name);
      return FALSE;
    }
  return TRUE;
}

/* A tax-rates row: the rate by its name (ignoring case, as the names are unique), added
 * when the inventory has none of that name, kept when it has one at the same rate (a
 * duplicate), refused when at another; then made the default when the row says so. */
static gboolean
apply_tax_rate (sqlite3     *db,
                const Row   *row,
                gboolean    *out_duplicate,
                GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, "SELECT id, rate_bp FROM tax_rates WHERE name = ?1",
                                    error);
  gint64 id = 0, rate_bp = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row->tax_name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      rate_bp = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      return FALSE;
    }
  if (id != 0 && rate_bp != row->tax_rate_bp)
    {
      g_autofree char *has = stk_tax_rate_format (rate_bp);
      g_autofree char *said = stk_tax_rate_format (row->tax_rate_bp);

      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("The inventory has the tax rate “%s” at %s, not %s: an import never "
                     "changes a rate (change it with tax-rates set, or correct the file)."),
                   row->tax_name, has, said);
      return FALSE;
    }
  if (id != 0)
    *out_duplicate = TRUE;
  else
    {
      gint64 n = 0;

      if (!stk_db_query_int64 (db, "SELECT count (*) FROM tax_rates", &n, error))
        return FALSE;
      if (n >= STK_TAX_RATES_MAX)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                       _("A shop has at most %d tax rates."), STK_TAX_RATES_MAX);
          return FALSE;
        }
      stmt = stk_db_stmt (db, "INSERT INTO tax_rates (name, rate_bp) VALUES (?1, ?2)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, row->tax_name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, row->tax_rate_bp);
      if (!exec_cached_stmt (db, stmt, error))
        return FALSE;
      id = sqlite3_last_insert_rowid (db);
    }
  if (!row->tax_default)
    return TRUE;
  stmt = stk_db_stmt (db, "UPDATE settings SET value = ?1 WHERE key = 'default_tax_rate'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return exec_cached_stmt (db, stmt, error);
}

/* The shop's tax rules that a tax-rates file gives (after its rows, all applied). */
static gboolean
apply_tax_rules (const ImportData  *d,
                 sqlite3           *db,
                 GError           **error)
{
  sqlite3_stmt *stmt;

  if (d->prices_include_tax >= 0)
    {
      stmt = stk_db_stmt (db, "UPDATE settings SET value = ?1 WHERE key = 'prices_include_tax'",
                          error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, d->prices_include_tax);
      if (!exec_cached_stmt (db, stmt, error))
        return FALSE;
    }
  if (d->tax_rounding >= 0)
    {
      stmt = stk_db_stmt (db, "UPDATE settings SET value = ?1 WHERE key = 'tax_rounding'", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, d->tax_rounding == STK_TAX_ROUND_RECEIPT ? "receipt" : "line",
                         -1, SQLITE_STATIC);
      if (!exec_cached_stmt (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* The void of a sale just inserted (@row its first line), with its time and reason. */
static gboolean
insert_void (sqlite3     *db,
             const Row   *row,
             GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db,
                                    "INSERT INTO sale_voids (sale_id, voided_at, reason)"
                                    " VALUES (?1, ?2, ?3)",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row->sale_id);
  sqlite3_bind_int64 (stmt, 2, row->voided_us);
  sqlite3_bind_text (stmt, 3, row->void_reason != NULL ? row->void_reason : "", -1,
                     SQLITE_STATIC);
  return exec_cached_stmt (db, stmt, error);
}

/* Every line of the sale that @first opens (its rows linked by next); *out_row is the
 * row a problem belongs to. */
static gboolean
apply_sale (ImportData   *d,
            sqlite3      *db,
            GHashTable   *cache,
            Row          *first,
            gboolean      with_void,
            Row         **out_row,
            guint        *out_n,
            gboolean     *out_duplicate,
            GError      **error)
{
  gboolean exists = FALSE;
  gboolean included = TRUE;
  StkTaxRounding rounding;
  guint n = 0;

  first->sale_id = 0;
  for (Row *r = first; r != NULL; r = r->next > 0 ? &g_array_index (d->rows, Row, r->next - 1) : NULL)
    n++;
  *out_n = n;
  *out_row = first;
  if (!key_exists (db, sql_sale_exists, first->key, &exists, error))
    return FALSE;
  if (exists)
    {
      *out_duplicate = TRUE;
      return TRUE;
    }
  /* A line whose file leaves tax_included empty: the shop's rule now. */
  if (!stk_sqlite_tax_rules (db, &included, &rounding, error))
    return FALSE;
  for (Row *r = first; r != NULL; r = r->next > 0 ? &g_array_index (d->rows, Row, r->next - 1) : NULL)
    {
      StkSqliteSaleLine line = { 0 };
      gint64 item_id, id;

      *out_row = r;
      if ((item_id = lookup_item (db, cache, r->code, error)) == 0 ||
          !check_not_before_count (db, item_id, r, error))
        return FALSE;
      if (r->discount > 0 && !check_discount (db, item_id, r, error))
        return FALSE;
      line.item_id = item_id;
      line.code = r->code;
      line.uid = r->key;
      line.first_line = first->sale_id;
      line.quantity = r->quantity;
      line.unit_price_cents = r->price;
      line.discount_cents = r->discount;
      line.sold_at_us = r->time_us;
      line.note = r == first ? r->note : NULL;
      line.payment = r == first ? r->payment : NULL;
      line.tax_given = r->tax_given;
      line.tax_rate_bp = r->tax_rate_bp;
      line.tax_name = r->tax_name;
      line.tax_included = r->tax_included < 0 ? included : r->tax_included != 0;
      line.tax_cents = r->tax_cents;
      if ((id = stk_sqlite_insert_sale_line (db, &line, error)) == 0)
        return FALSE;
      if (r == first)
        first->sale_id = id;
    }
  *out_row = first;
  return !with_void || first->voided_us == 0 || insert_void (db, first, error);
}

/* The sale line a returns row names: its sale's uid and its number in that sale. */
static gint64
find_sale_line (sqlite3     *db,
                const Row   *row,
                gint64      *out_item_id,
                char       **out_code,
                GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db,
                                    "SELECT l.id, l.item_id, i.code FROM sales f"
                                    " JOIN sales l ON l.id = f.id OR l.first_line = f.id"
                                    " JOIN items i ON i.id = l.item_id"
                                    " WHERE f.uid = ?1 AND f.first_line IS NULL"
                                    " ORDER BY l.id LIMIT 1 OFFSET ?2",
                                    error);
  gint64 id = 0;
  int rc;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, row->sale, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (gint64) row->sale_line - 1);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      *out_item_id = sqlite3_column_int64 (stmt, 1);
      *out_code = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  else if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return id;

  {
    gboolean known = FALSE;

    if (!key_exists (db, "SELECT 1 FROM sales WHERE uid = ?1 AND first_line IS NULL", row->sale,
                     &known, error))
      return 0;
    if (known)
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("The sale “%s” has no line %u."),
                   row->sale, row->sale_line);
    else
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("Unknown sale “%s”."), row->sale);
  }
  return 0;
}

static gboolean
apply_return (sqlite3     *db,
              const Row   *row,
              gboolean    *out_duplicate,
              GError     **error)
{
  g_autofree char *code = NULL;
  gboolean exists = FALSE;
  gint64 item_id = 0, line_id;
  Row named;

  if (!key_exists (db, sql_return_exists, row->key, &exists, error))
    return FALSE;
  if (exists)
    {
      *out_duplicate = TRUE;
      return TRUE;
    }
  if ((line_id = find_sale_line (db, row, &item_id, &code, error)) == 0)
    return FALSE;
  named = *row;
  named.code = code;
  if (!check_not_before_count (db, item_id, &named, error))
    return FALSE;
  return stk_sqlite_insert_return (db, line_id, row->quantity, row->discount,
                                   row->text != NULL ? row->text : "", row->time_us, row->key,
                                   row->tax_cents, error) != 0;
}

static gboolean
apply_row (ImportData  *d,
           sqlite3     *db,
           GHashTable  *cache,
           Row         *row,
           gint64       now,
           gboolean     with_void,
           Row        **out_row,
           guint       *out_n,
           gboolean    *out_duplicate,
           GError     **error)
{
  gboolean exists = FALSE;
  gint64 id, cost;

  *out_duplicate = FALSE;
  *out_row = row;
  *out_n = 1;

  switch (d->table)
    {
    case STK_TABLE_TAX_RATES:
      return apply_tax_rate (db, row, out_duplicate, error);
    case STK_TABLE_SKUS:
      id = stk_sqlite_insert_item (db, row->code, row->text, row->price, row->reorder_level,
                                row->archived, error);
      if (id == 0)
        return FALSE;
      if (row->tax_name != NULL && !set_item_tax_rate (db, id, row->tax_name, error))
        return FALSE;
      if (row->cost > 0 && !set_item_default_cost (db, id, row->cost, error))
        return FALSE;
      if (row->quantity > 0 && !d->no_opening &&
          stk_sqlite_insert_movement (db, id, row->code, STK_MOVEMENT_COUNT, row->quantity,
                                   _("Opening stock (import)"), now, NULL, -1, error) == 0)
        return FALSE;
      return row->barcodes == NULL || insert_barcodes (db, id, row->barcodes, error);

    case STK_TABLE_SALES:
      return apply_sale (d, db, cache, row, with_void, out_row, out_n, out_duplicate, error);

    case STK_TABLE_MOVEMENTS:
      if (!key_exists (db, sql_movement_exists, row->key, &exists, error))
        return FALSE;
      if (exists)
        {
          *out_duplicate = TRUE;
          return TRUE;
        }
      if ((id = lookup_item (db, cache, row->code, error)) == 0 ||
          !check_not_before_count (db, id, row, error))
        return FALSE;
      /* A receipt's cost (format 10): as the file says, none, or the item's default. */
      cost = row->cost;
      if (row->kind == STK_MOVEMENT_RECEIVE && row->cost == STK_IMPORT_COST_DEFAULT &&
          !stk_sqlite_receipt_cost (db, id, row->code, row->quantity, FALSE, 0, &cost, error))
        return FALSE;
      if (row->kind == STK_MOVEMENT_RECEIVE && row->cost >= 0 &&
          !stk_sqlite_receipt_cost (db, id, row->code, row->quantity, TRUE, row->cost, &cost,
                                    error))
        return FALSE;
      return stk_sqlite_insert_movement (db, id, row->code, (StkMovementKind) row->kind,
                                      row->quantity, row->text, row->time_us, row->key,
                                      row->kind == STK_MOVEMENT_RECEIVE ? cost : -1,
                                      error) != 0;

    case STK_TABLE_RETURNS:
      return apply_return (db, row, out_duplicate, error);

    default:
      g_assert_not_reached ();
    }
}

/* A row's own problem, reported with its line; anything else stops the import. */
static gboolean
is_row_error (const GError *error)
{
  return error->domain == STK_ERROR &&
         (error->code == STK_ERROR_CONSTRAINT || error->code == STK_ERROR_INVALID_DATA ||
          error->code == STK_ERROR_NOT_FOUND);
}

/* What apply_one() does with a row. */
typedef enum
{
  APPLY_ROW,         /* the row (a sale with all its lines and its void) */
  APPLY_ROW_NO_VOID, /* a sale without its void ("import all" applies it at its time) */
  APPLY_VOID,        /* the void of a sale that APPLY_ROW_NO_VOID inserted */
} ApplyMode;

/* One row in its own savepoint: FALSE only for a problem that stops the import (the
 * row's own problems are added to d's errors). A sale is applied with all its lines
 * (all or none) and counted once per line. */
static gboolean
apply_one (ImportData  *d,
           sqlite3     *db,
           GHashTable  *cache,
           Row         *row,
           gint64       now,
           ApplyMode    mode,
           GError     **error)
{
  g_autoptr(GError) row_error = NULL;
  gboolean duplicate = FALSE;
  Row *bad = row;
  guint n = 1;
  gboolean ok;

  if (mode == APPLY_VOID && row->sale_id == 0)
    return TRUE; /* a duplicate: its void came with it, or not */
  if (!exec_cached (db, sql_savepoint, error))
    return FALSE;

  if (mode == APPLY_VOID)
    ok = insert_void (db, row, &row_error);
  else
    ok = apply_row (d, db, cache, row, now, mode == APPLY_ROW, &bad, &n, &duplicate, &row_error);
  if (ok)
    {
      if (!exec_cached (db, sql_release, error))
        return FALSE;
      if (mode == APPLY_VOID)
        ;
      else if (duplicate)
        d->duplicates += n;
      else
        d->imported += n;
      return TRUE;
    }

  /* Not the row's fault (I/O error, full disk, busy): stop with that error. SQLite
   * may have rolled the whole transaction back already, and then "ROLLBACK TO
   * row" would fail with "no such savepoint" and hide the real cause. */
  if (!is_row_error (row_error))
    {
      g_propagate_error (error, g_steal_pointer (&row_error));
      return FALSE;
    }
  if (!exec_cached (db, sql_rollback_to, error) || !exec_cached (db, sql_release, error))
    return FALSE;
  row->sale_id = 0;
  stk_import_add_line_error (d, bad->line, row_error->message);
  return TRUE;
}

/* A sales row that is a further line of a sale: applied with its first line. */
static gboolean
is_further_line (ImportData *d,
                 const Row  *row)
{
  return d->table == STK_TABLE_SALES && row->sale_line > 1;
}

static gboolean
apply_rows (ImportData  *d,
            sqlite3     *db,
            GError     **error)
{
  g_autoptr(GHashTable) cache = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  gint64 now = stk_db_now_us ();

  for (guint i = 0; i < d->rows->len; i++)
    {
      Row *row = &g_array_index (d->rows, Row, i);

      if (i % STK_IMPORT_CANCEL_CHECK_ROWS == 0 && g_cancellable_is_cancelled (d->cancellable))
        {
          stk_import_set_cancelled_error (error);
          return FALSE;
        }
      if (is_further_line (d, row))
        continue;
      if (!apply_one (d, db, cache, row, now, APPLY_ROW, error))
        return FALSE;
    }

  if (d->n_errors > 0)
    {
      stk_import_set_summary_error (d, STK_ERROR_CONSTRAINT, error);
      return FALSE;
    }
  return d->table != STK_TABLE_TAX_RATES || apply_tax_rules (d, db, error);
}

/*
 * The import op is standalone: the writer runs it alone, in a write transaction of its
 * own that it begins, records in applied_ops (an op applied before is not applied
 * again) and commits or rolls back, with no "SAVEPOINT op" around it. With an outer
 * savepoint open, SQLite keeps every page the op touched in its in-memory statement
 * sub-journal (temp_store=MEMORY) and walks that list again at the end of each
 * statement, so a file of many rows would take quadratic time. Here each row's own
 * "SAVEPOINT row" is the outermost one and is released (or rolled back) at once,
 * which keeps the sub-journal small. Any failure here rolls the whole import back.
 */

gboolean
stk_sqlite_apply_import (StkOp    *op,
                         sqlite3  *db,
                         GError  **error)
{
  ImportData *d = stk_op_get_payload (op);

  /* The writer may run an op again after a busy attempt: start afresh. */
  d->imported = 0;
  d->duplicates = 0;
  d->n_errors = 0;
  g_ptr_array_set_size (d->errors, 0);

  if (stk_sqlite_bulk_wanted (d))
    return stk_sqlite_bulk_import (d, db, error);
  return apply_rows (d, db, error);
}

static int
compare_voids (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  GArray *rows = user_data;
  guint ia = *(const guint *) a, ib = *(const guint *) b;
  gint64 ta = g_array_index (rows, Row, ia).voided_us;
  gint64 tb = g_array_index (rows, Row, ib).voided_us;

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return ia < ib ? -1 : ia > ib;
}

/* The tax rates first, with the shop's default and rules (the items name them), then
 * the items (their on_hand is not counted), then the movements, the sales, their
 * voids and the returns in the order of their times (at the same instant: a movement,
 * a sale, a void, a return), then every item's on-hand must be the on_hand of the skus
 * file: exact, or nothing. */
gboolean
stk_sqlite_apply_import_all (StkOp    *op,
                             sqlite3  *db,
                             GError  **error)
{
  ImportAll *a = stk_op_get_payload (op);
  ImportData *skus = a->d[STK_TABLE_SKUS];
  ImportData *rates = a->d[STK_TABLE_TAX_RATES];
  ImportData *streams[] = { a->d[STK_TABLE_MOVEMENTS], a->d[STK_TABLE_SALES],
                            a->d[STK_TABLE_SALES], a->d[STK_TABLE_RETURNS] };
  g_autoptr(GArray) voids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) cache = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  gint64 now = stk_db_now_us ();
  sqlite3_stmt *stmt;
  guint pos[4] = { 0 };
  guint n = 0;

  for (guint t = 0; t < STK_N_TABLES; t++)
    {
      a->d[t]->imported = 0;
      a->d[t]->duplicates = 0;
      a->d[t]->n_errors = 0;
      g_ptr_array_set_size (a->d[t]->errors, 0);
    }
  for (guint k = 0; k < streams[1]->rows->len; k++)
    {
      Row *row = &g_array_index (streams[1]->rows, Row, k);

      row->sale_id = 0;
      if (row->sale_line == 1 && row->voided_us != 0)
        g_array_append_val (voids, k);
    }
  g_array_sort_with_data (voids, compare_voids, streams[1]->rows);

  /* Standalone, like apply_import(): the writer's transaction, no savepoint around. */
  for (guint k = 0; k < rates->rows->len; k++)
    if (!apply_one (rates, db, cache, &g_array_index (rates->rows, Row, k), now, APPLY_ROW, error))
      return FALSE;
  if (!stk_import_all_fail_with_errors (a, error) || !apply_tax_rules (rates, db, error))
    return FALSE;
  for (guint k = 0; k < skus->rows->len; k++)
    if (!apply_one (skus, db, cache, &g_array_index (skus->rows, Row, k), now, APPLY_ROW, error))
      return FALSE;
  if (!stk_import_all_fail_with_errors (a, error))
    return FALSE;

  for (;;)
    {
      Row *next[4] = { NULL };
      guint pick = G_N_ELEMENTS (next);
      gint64 best = G_MAXINT64;

      for (guint t = 0; t < G_N_ELEMENTS (next); t++)
        {
          GArray *rows = streams[t]->rows;
          gint64 at;

          if (t == 1)
            while (pos[1] < rows->len && is_further_line (streams[1],
                                                          &g_array_index (rows, Row, pos[1])))
              pos[1]++;
          if (t == 2)
            next[t] = pos[2] < voids->len
                        ? &g_array_index (rows, Row, g_array_index (voids, guint, pos[2]))
                        : NULL;
          else
            next[t] = pos[t] < rows->len ? &g_array_index (rows, Row, pos[t]) : NULL;
          if (next[t] == NULL)
            continue;
          at = t == 2 ? next[t]->voided_us : next[t]->time_us;
          if (pick == G_N_ELEMENTS (next) || at < best)
            {
              pick = t;
              best = at;
            }
        }
      if (pick == G_N_ELEMENTS (next))
        break;

      if (n++ % STK_IMPORT_CANCEL_CHECK_ROWS == 0 && g_cancellable_is_cancelled (skus->cancellable))
        {
          stk_import_set_cancelled_error (error);
          return FALSE;
        }
      if (!apply_one (streams[pick], db, cache, next[pick], now,
                      pick == 2 ? APPLY_VOID : pick == 1 ? APPLY_ROW_NO_VOID : APPLY_ROW, error))
        return FALSE;
      pos[pick]++;
    }
  if (!stk_import_all_fail_with_errors (a, error))
    return FALSE;

  stmt = stk_db_stmt (db, "SELECT on_hand FROM items WHERE code = ?1", error);
  if (stmt == NULL)
    return FALSE;
  for (guint k = 0; k < skus->rows->len; k++)
    {
      const Row *row = &g_array_index (skus->rows, Row, k);
      gint64 on_hand = 0;
      int rc;

      sqlite3_bind_text (stmt, 1, row->code, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        on_hand = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
          return FALSE;
        }
      if (on_hand != row->quantity)
        {
          g_autofree char *stated = g_strdup_printf ("%" G_GINT64_FORMAT, row->quantity);
          g_autofree char *computed = g_strdup_printf ("%" G_GINT64_FORMAT, on_hand);
          g_autofree char *msg = g_strdup_printf (
            _("The on_hand of “%s” is %s, but its movements and sales give %s."),
            row->code, stated, computed);
          stk_import_add_line_error (skus, row->line, msg);
        }
    }
  return stk_import_all_fail_with_errors (a, error);
}

/* ---- export ---- */

/* The adjustments that a void (reference "void:" and the sale line's uid) and a return
 * (reference "return:" and the return's uid) made are left out of the movements: the
 * sales file carries the void and the returns file the return, and importing them makes
 * those adjustments again. */
#define NOT_VOID_MOVEMENT                                                              \
  " (m.reference IS NULL OR m.reference NOT LIKE 'void:%' OR NOT EXISTS"               \
  "  (SELECT 1 FROM sales s JOIN sale_voids v ON v.sale_id = s.id"                     \
  "   WHERE s.uid = substr (m.reference, 6)))"                                         \
  " AND (m.reference IS NULL OR m.reference NOT LIKE 'return:%' OR NOT EXISTS"         \
  "  (SELECT 1 FROM returns r WHERE r.uid = substr (m.reference, 8)))"

static const char *const export_count_sql[] = {
  "SELECT count(*) FROM items",
  "SELECT count(*) FROM sales",
  "SELECT count(*) FROM movements m WHERE m.kind <> 'sale' AND" NOT_VOID_MOVEMENT,
  "SELECT count(*) FROM returns",
  "SELECT count(*) FROM tax_rates",
};

static const char *const export_sql[] = {
  "SELECT code, description, unit_price_cents, reorder_level, archived, on_hand,"
  " (SELECT group_concat (b.code || char (31) || b.pack, char (30)) FROM"
  "   (SELECT code, pack FROM barcodes WHERE item_id = items.id ORDER BY key) b),"
  " (SELECT name FROM tax_rates WHERE id = items.tax_rate_id), default_cost_cents"
  " FROM items ORDER BY code",
  "SELECT s.sold_at, i.code, s.quantity, s.unit_price_cents, s.uid, f.uid, s.discount_cents,"
  " f.payment, f.note, v.voided_at, v.reason,"
  " s.tax_name, coalesce (s.tax_rate_bp, -1), s.tax_included, s.tax_cents, s.cost_cents"
  " FROM sales s JOIN items i ON i.id = s.item_id"
  " JOIN sales f ON f.id = coalesce (s.first_line, s.id)"
  " LEFT JOIN sale_voids v ON v.sale_id = f.id"
  " ORDER BY s.sold_at, s.id",
  "SELECT m.moved_at, i.code, m.kind,"
  "  CASE m.kind WHEN 'count' THEN m.balance ELSE m.quantity END,"
  "  m.reason, coalesce (m.reference, 'M' || m.id), coalesce (m.unit_cost_cents, -1)"
  " FROM movements m JOIN items i ON i.id = m.item_id"
  " WHERE m.kind <> 'sale' AND" NOT_VOID_MOVEMENT " ORDER BY m.moved_at, m.id",
  "SELECT r.returned_at, f.uid,"
  "  CASE WHEN s.first_line IS NULL THEN 1 ELSE 1 +"
  "   (SELECT count(*) FROM sales l WHERE l.first_line = s.first_line AND l.id <= s.id) END,"
  "  r.quantity, r.refund_cents, r.reason, r.uid, r.tax_cents"
  " FROM returns r JOIN sales s ON s.id = r.line_id"
  " JOIN sales f ON f.id = coalesce (s.first_line, s.id)"
  " ORDER BY r.returned_at, r.id",
  "SELECT t.name, t.rate_bp,"
  " t.id = (SELECT value FROM settings WHERE key = 'default_tax_rate'),"
  " coalesce ((SELECT value FROM settings WHERE key = 'prices_include_tax'), 1),"
  " coalesce ((SELECT value FROM settings WHERE key = 'tax_rounding'), 'line')"
  " FROM tax_rates t ORDER BY t.rate_bp DESC, t.name",
};

static const char *
column_text (sqlite3_stmt *stmt,
             int           i)
{
  const char *text = (const char *) sqlite3_column_text (stmt, i);
  return text != NULL ? text : "";
}

gboolean
stk_sqlite_export_count (StkEngineConn  *conn,
                         StkTable        table,
                         gint64         *out_total,
                         GError        **error)
{
  g_return_val_if_fail ((guint) table < G_N_ELEMENTS (export_sql), FALSE);
  return stk_db_query_int64 ((sqlite3 *) conn, export_count_sql[table], out_total, error);
}

gboolean
stk_sqlite_export_rows (StkEngineConn     *conn,
                        StkTable           table,
                        StkExportRowFunc   emit,
                        gpointer           user_data,
                        GError           **error)
{
  sqlite3 *db = (sqlite3 *) conn;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail ((guint) table < G_N_ELEMENTS (export_sql), FALSE);

  if (sqlite3_prepare_v2 (db, export_sql[table], -1, &stmt, NULL) != SQLITE_OK)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot export"));
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkExportRow row = { 0 };

      switch (table)
        {
        case STK_TABLE_TAX_RATES:
          row.tax_name = column_text (stmt, 0);
          row.tax_rate_bp = sqlite3_column_int64 (stmt, 1);
          row.tax_default = sqlite3_column_int (stmt, 2) != 0;
          row.tax_included = sqlite3_column_int (stmt, 3) != 0;
          row.tax_rounding = g_strcmp0 (column_text (stmt, 4), "receipt") == 0 ? "receipt" : "line";
          break;
        case STK_TABLE_SKUS:
          row.code = column_text (stmt, 0);
          row.text = column_text (stmt, 1);
          row.price_cents = sqlite3_column_int64 (stmt, 2);
          row.reorder_level = sqlite3_column_int64 (stmt, 3);
          row.archived = sqlite3_column_int (stmt, 4) != 0;
          row.on_hand = sqlite3_column_int64 (stmt, 5);
          row.barcodes = column_text (stmt, 6);
          row.tax_name = column_text (stmt, 7);
          row.cost_cents = sqlite3_column_int64 (stmt, 8);
          break;
        case STK_TABLE_SALES:
          row.time_us = sqlite3_column_int64 (stmt, 0);
          row.code = column_text (stmt, 1);
          row.quantity = sqlite3_column_int64 (stmt, 2);
          row.price_cents = sqlite3_column_int64 (stmt, 3);
          row.reference = column_text (stmt, 4);
          row.sale = column_text (stmt, 5);
          row.discount_cents = sqlite3_column_int64 (stmt, 6);
          row.payment = column_text (stmt, 7);
          row.note = column_text (stmt, 8);
          row.voided_us = sqlite3_column_int64 (stmt, 9);
          row.void_reason = column_text (stmt, 10);
          row.tax_name = column_text (stmt, 11);
          row.tax_rate_bp = sqlite3_column_int64 (stmt, 12);
          row.tax_included = sqlite3_column_int (stmt, 13) != 0;
          row.tax_cents = sqlite3_column_int64 (stmt, 14);
          row.cost_cents = sqlite3_column_int64 (stmt, 15);
          break;
        case STK_TABLE_MOVEMENTS:
          row.time_us = sqlite3_column_int64 (stmt, 0);
          row.code = column_text (stmt, 1);
          row.kind = column_text (stmt, 2);
          row.quantity = sqlite3_column_int64 (stmt, 3);
          row.text = column_text (stmt, 4);
          row.reference = column_text (stmt, 5);
          row.cost_cents = sqlite3_column_int64 (stmt, 6);
          break;
        case STK_TABLE_RETURNS:
          row.time_us = sqlite3_column_int64 (stmt, 0);
          row.sale = column_text (stmt, 1);
          row.sale_line = sqlite3_column_int64 (stmt, 2);
          row.quantity = sqlite3_column_int64 (stmt, 3);
          row.price_cents = sqlite3_column_int64 (stmt, 4);
          row.text = column_text (stmt, 5);
          row.reference = column_text (stmt, 6);
          row.tax_cents = sqlite3_column_int64 (stmt, 7);
          break;
        default:
          g_assert_not_reached ();
        }
      if (!emit (&row, user_data, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot export"));
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}
