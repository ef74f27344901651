/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sqlite-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-maintenance-private.h"
#include "stk-seams.h"
#include "stk-schema-private.h"
#include "stk-transfer-private.h"
#include "stk-sqlite-bulk-private.h"

/*
 * The bulk path of imports (issue 15). The row path (stk-sqlite-transfer.c) applies a
 * file row by row, each row in its own savepoint, and the schema's triggers do the
 * work once per row: the code key, the full-text index, the sale's movement, the
 * on-hand check and update, six sort indexes. For a batch of many rows that costs 40×
 * what SQLite needs to store the same rows. Here, the same rules, set-wise:
 *
 *  1. the checked rows go into a TEMP staging table (one prepared INSERT);
 *  2. each rule is one SQL pass over the staging table: a code already in the
 *     inventory (same code-key rule as the unique index), a key already imported
 *     (exactly-once: a duplicate, skipped and counted), an unknown item, a row dated
 *     before a stock count, stock that would go below zero (the running sum per item
 *     over the batch, in file order). The problems are reported with their lines and
 *     the very sentences of the row path, in line order; then nothing is imported;
 *  3. with the triggers that would do the same work per row suspended (dropped, their
 *     SQL kept, and created again from it), the rows go in with one INSERT … SELECT
 *     per table, the balances computed by window functions, the on-hand set once per
 *     item, the full-text index filled by one INSERT … SELECT;
 *  4. when the batch is large next to the table (STK_BULK_INDEX_RATIO), the
 *     secondary indexes are dropped before and built again after the inserts:
 *     building one sorts once, keeping one up to date does a B-tree descent per row.
 *
 * All of it runs inside the writer's transaction of the (standalone) import op: a
 * failure anywhere, a rule, a full disk, a cancel, rolls back the rows, the suspended
 * triggers and indexes and the staging table alike, and the file is as before.
 */

#define CANCEL_CHECK(d, error) CANCEL_CHECK_ON ((d)->cancellable, error)
#define CANCEL_CHECK_ON(cancellable, error)                                            \
  G_STMT_START {                                                                       \
    if (g_cancellable_is_cancelled (cancellable))                                      \
      {                                                                                \
        stk_import_set_cancelled_error (error);                                        \
        return FALSE;                                                                  \
      }                                                                                \
  } G_STMT_END

typedef struct
{
  guint  line;
  char  *message;
} LineError;

static int
compare_line_errors (gconstpointer a,
                     gconstpointer b)
{
  const LineError *x = a, *y = b;

  return x->line < y->line ? -1 : x->line > y->line;
}

static void
line_error_clear (gpointer p)
{
  g_free (((LineError *) p)->message);
}

static void
add_error (GArray     *errors,
           guint       line,
           char       *message)
{
  LineError e = { line, message };

  g_array_append_val (errors, e);
}

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (sqlite3     *db,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

/* Steps @stmt to its end and finalizes it. */
static gboolean
run (sqlite3       *db,
     sqlite3_stmt  *stmt,
     GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
query_int64 (sqlite3     *db,
             const char  *sql,
             gint64      *out,
             GError     **error)
{
  return stk_db_query_int64 (db, sql, out, error);
}

/* ---- suspending triggers and indexes ---- */

/* Drops the named triggers and indexes that exist, keeping their SQL in @saved (in
 * order) so that resume() creates them again exactly as they were. */
static gboolean
suspend (sqlite3            *db,
         const char *const  *names,
         GPtrArray          *saved,
         GError            **error)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      sqlite3_stmt *stmt = prepare (db, "SELECT type, sql FROM main.sqlite_schema WHERE name = ?1"
                                        " AND type IN ('trigger', 'index') AND sql IS NOT NULL",
                                    error);
      g_autofree char *drop = NULL;
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, names[i], -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          drop = g_strdup_printf ("DROP %s main.\"%s\"",
                                  strcmp ((const char *) sqlite3_column_text (stmt, 0),
                                          "trigger") == 0 ? "TRIGGER" : "INDEX",
                                  names[i]);
          g_ptr_array_add (saved, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
        }
      else if (rc != SQLITE_DONE)
        stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      sqlite3_finalize (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return FALSE;
      if (drop != NULL && !exec (db, drop, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
resume (sqlite3    *db,
        GPtrArray  *saved,
        GError    **error)
{
  for (guint i = 0; i < saved->len; i++)
    if (!exec (db, g_ptr_array_index (saved, i), error))
      return FALSE;
  g_ptr_array_set_size (saved, 0);
  return TRUE;
}

/* Whether the batch of @n rows is large next to @table (at least stk_bulk_index_ratio
 * times its rows): then its indexes are built again rather than kept up to date row by
 * row. Measured (100 000 skus, issue 15): into 10 000 items, building again took 0.6×
 * as long as keeping up to date; into 100 000 items, 1.2× as long. */
static gboolean
batch_is_large (sqlite3     *db,
                const char  *table,
                guint64      n,
                gboolean    *out_large,
                GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce (max (id), 0) FROM main.%s", table);
  gint64 rows = 0;

  /* max (id) reads one page and is close to the row count (rows are never deleted,
   * except items without history). */
  if (!query_int64 (db, sql, &rows, error))
    return FALSE;
  *out_large = (guint64) rows * stk_bulk_index_ratio <= n;
  return TRUE;
}

static gboolean
add_errors (StkImportData  *d,
            GArray         *errors,
            GError        **error)
{
  if (errors->len == 0)
    return TRUE;
  g_array_sort (errors, compare_line_errors);
  for (guint i = 0; i < errors->len; i++)
    {
      LineError *e = &g_array_index (errors, LineError, i);

      stk_import_add_line_error (d, e->line, e->message);
    }
  stk_import_set_summary_error (d, STK_ERROR_CONSTRAINT, error);
  return FALSE;
}

/* ---- skus ---- */

/* Per row, the schema's triggers would: set the code key, put the item into the
 * full-text index, refuse a new item with stock, and check and apply the opening
 * count's movement. */
static const char *const skus_triggers[] = {
  "items_new_without_stock", "items_code_key_insert", "items_fts_insert",
  "movements_check", "movements_apply", NULL
};
static const char *const items_indexes[] = {
  "items_sort_code", "items_sort_description", "items_sort_on_hand", "items_sort_price",
  "items_sort_reorder", "items_sort_updated", "items_code", "items_code_key", NULL
};

static sqlite3_stmt *
create_skus_stage (sqlite3  *db,
                   GError  **error)
{
  if (!exec (db,
             "CREATE TEMP TABLE stk_bulk_skus ("
             "  line INTEGER PRIMARY KEY, code TEXT NOT NULL, code_key TEXT NOT NULL,"
             "  description TEXT NOT NULL, price INTEGER NOT NULL, reorder INTEGER NOT NULL,"
             "  archived INTEGER NOT NULL, quantity INTEGER NOT NULL)",
             error))
    return NULL;
  return prepare (db,
                  "INSERT INTO temp.stk_bulk_skus VALUES (?1, ?2, stk_code_key (?2), ?3, ?4, ?5,"
                  " ?6, ?7)",
                  error);
}

static gboolean
step_insert (sqlite3       *db,
             sqlite3_stmt  *stmt,
             GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  return TRUE;
}

static gboolean
stage_skus (StkImportData  *d,
            sqlite3        *db,
            GError        **error)
{
  sqlite3_stmt *stmt = create_skus_stage (db, error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < d->rows->len; i++)
    {
      const StkImportRow *row = &g_array_index (d->rows, StkImportRow, i);

      sqlite3_bind_int64 (stmt, 1, row->line);
      sqlite3_bind_text (stmt, 2, row->code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, row->text != NULL ? row->text : "", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, row->price);
      sqlite3_bind_int64 (stmt, 5, row->reorder_level);
      sqlite3_bind_int (stmt, 6, row->archived);
      sqlite3_bind_int64 (stmt, 7, d->no_opening ? 0 : row->quantity);
      if (!step_insert (db, stmt, error))
        return FALSE;
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
check_skus (StkImportData  *d,
            sqlite3        *db,
            GError        **error)
{
  g_autoptr(GArray) errors = g_array_new (FALSE, FALSE, sizeof (LineError));
  sqlite3_stmt *stmt;
  int rc;

  g_array_set_clear_func (errors, line_error_clear);

  /* A code already in the inventory: the same code key (items_code_key) or the same
   * code ignoring ASCII case (items_code), as the unique indexes say. */
  stmt = prepare (db,
                  "SELECT s.line, s.code FROM temp.stk_bulk_skus s"
                  " WHERE EXISTS (SELECT 1 FROM main.items i WHERE i.code_key = s.code_key)"
                  "    OR EXISTS (SELECT 1 FROM main.items i WHERE i.code = s.code)",
                  error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    add_error (errors, (guint) sqlite3_column_int64 (stmt, 0),
               g_strdup_printf (_("An item with code “%s” already exists."),
                                (const char *) sqlite3_column_text (stmt, 1)));
  if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  return add_errors (d, errors, error);
}

/* Inserts the @n rows of temp.stk_bulk_skus as items, each with its opening movement
 * of @kind (count or receive) at @moved_at when its quantity is above zero, the way the
 * row path and the schema's triggers would; @out_base: max(items.id) before. */
static gboolean
insert_items (sqlite3       *db,
              guint          n,
              const char    *kind,
              const char    *reason,
              gint64         created_at,
              gint64         moved_at,
              GCancellable  *cancellable,
              gint64        *out_base,
              GError       **error)
{
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);
  gint64 base = 0, last = 0;
  gboolean large = FALSE;
  sqlite3_stmt *stmt;

  if (!query_int64 (db, "SELECT coalesce (max (id), 0) FROM main.items", &base, error) ||
      !batch_is_large (db, "items", n, &large, error) ||
      !suspend (db, skus_triggers, saved, error) ||
      (large && !suspend (db, items_indexes, saved, error)))
    return FALSE;
  CANCEL_CHECK_ON (cancellable, error);

  /* In file order, so that the ids are those the row path gives. on_hand is the
   * opening movement's balance (items_new_without_stock is suspended for this). */
  stmt = prepare (db,
                  "INSERT INTO main.items (code, code_key, description, unit_price_cents,"
                  " reorder_level, archived, on_hand, created_at, updated_at)"
                  " SELECT code, code_key, description, price, reorder, archived, quantity, ?1, ?1"
                  " FROM temp.stk_bulk_skus ORDER BY line",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, created_at);
  if (!run (db, stmt, error))
    return FALSE;
  CANCEL_CHECK_ON (cancellable, error);

  /* Each row took the next id (no AUTOINCREMENT, inserted in order): the i-th row by
   * line is base + i. Checked, else the ids are found by code. */
  if (!query_int64 (db, "SELECT coalesce (max (id), 0) FROM main.items", &last, error))
    return FALSE;
  if (last == base + (gint64) n)
    stmt = prepare (db,
                    "INSERT INTO main.movements (item_id, kind, quantity, balance, reason, moved_at)"
                    " SELECT id, ?4, quantity, quantity, ?1, ?2 FROM"
                    "  (SELECT ?3 + row_number () OVER (ORDER BY line) AS id, quantity"
                    "   FROM temp.stk_bulk_skus)"
                    " WHERE quantity > 0 ORDER BY id",
                    error);
  else
    stmt = prepare (db,
                    "INSERT INTO main.movements (item_id, kind, quantity, balance, reason, moved_at)"
                    " SELECT i.id, ?4, s.quantity, s.quantity, ?1, ?2"
                    " FROM temp.stk_bulk_skus s JOIN main.items i ON i.code = s.code"
                    " WHERE s.quantity > 0 AND i.id > ?3 ORDER BY s.line",
                    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, moved_at);
  sqlite3_bind_int64 (stmt, 3, base);
  sqlite3_bind_text (stmt, 4, kind, -1, SQLITE_STATIC);
  if (!run (db, stmt, error))
    return FALSE;
  CANCEL_CHECK_ON (cancellable, error);

  /* The full-text index, as items_fts_insert would have filled it. FTS5 writes its
   * pending terms out as a new segment, to be merged later, each time they reach
   * 'hashsize' bytes (1 MiB unless set): 64 MiB for the batch makes fewer, larger
   * segments (a million items: 0.6× the time), then the setting is put back as it was
   * (no row in items_fts_config: the default). */
  if (!exec (db, "INSERT INTO main.items_fts (items_fts, rank) VALUES ('hashsize', 67108864)",
             error))
    return FALSE;
  stmt = prepare (db,
                  "INSERT INTO main.items_fts (rowid, code, description)"
                  " SELECT id, code, description FROM main.items WHERE id > ?1 AND archived = 0",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, base);
  if (!run (db, stmt, error) ||
      !exec (db, "INSERT INTO main.items_fts (items_fts, rank) VALUES ('hashsize', 1048576)",
             error) ||
      !exec (db, "DELETE FROM main.items_fts_config WHERE k = 'hashsize'", error))
    return FALSE;
  CANCEL_CHECK_ON (cancellable, error);

  if (!resume (db, saved, error))
    return FALSE;
  if (out_base != NULL)
    *out_base = last == base + (gint64) n ? base : -1;
  return TRUE;
}

static gboolean
insert_skus (StkImportData  *d,
             sqlite3        *db,
             GError        **error)
{
  g_autofree char *reason = g_strdup (_("Opening stock (import)"));
  gint64 now = stk_db_now_us ();

  if (!insert_items (db, d->rows->len, "count", reason, now, now, d->cancellable, NULL, error))
    return FALSE;
  d->imported = d->rows->len;
  return TRUE;
}

/* ---- sales ---- */

static const char *const sales_triggers[] = {
  "sales_movement", "sales_receipt", "movements_check", "movements_apply",
  "items_on_hand_guard", NULL
};
/* Kept up to date when a sale's item changes its on-hand; built again when the batch
 * touches many items. */
static const char *const on_hand_indexes[] = { "items_sort_on_hand", NULL };
static const char *const sales_indexes[] = {
  "sales_sold_at", "sales_item", "movements_item", "movements_moved_at", "movements_sale",
  NULL
};

/* Each sale after @base its receipt number (sales_receipt's work), in the order of the
 * ids, after the last one of its series (receipt_numbers_check still checks each).
 * SQLite reads the whole SELECT before inserting, as it reads the table it inserts into. */
static gboolean
number_sales (sqlite3  *db,
              gint64    base,
              GError  **error)
{
  sqlite3_stmt *stmt =
    prepare (db,
             "INSERT INTO main.receipt_numbers (series, number, sale_id)"
             " SELECT series, (SELECT coalesce (max (number), 0) FROM main.receipt_numbers r"
             "                 WHERE r.series = x.series)"
             "  + row_number () OVER (PARTITION BY series ORDER BY id), id"
             " FROM (SELECT id, " STK_RECEIPT_SERIES_SQL ("sold_at") " AS series"
             "       FROM main.sales WHERE id > ?1 AND first_line IS NULL) AS x"
             " ORDER BY id",
             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, base);
  return run (db, stmt, error);
}

static gboolean
stage_sales (StkImportData  *d,
             sqlite3        *db,
             GError        **error)
{
  sqlite3_stmt *stmt;

  /* state: 0 to import, 1 imported before (a duplicate), 2 refused. The tax as the
   * file gives it (tax_given; rate NULL: no tax; included NULL: the shop's rule; tax
   * NULL: computed), else resolved from the item by check_sales(). */
  if (!exec (db,
             "CREATE TEMP TABLE stk_bulk_sales ("
             "  line INTEGER PRIMARY KEY, code TEXT NOT NULL, uid TEXT NOT NULL,"
             "  quantity INTEGER NOT NULL, price INTEGER NOT NULL, sold_at INTEGER NOT NULL,"
             "  item_id INTEGER, state INTEGER NOT NULL DEFAULT 0,"
             "  tax_given INTEGER NOT NULL, rate INTEGER, tax_name TEXT NOT NULL DEFAULT '',"
             "  included INTEGER, tax INTEGER)",
             error))
    return FALSE;
  stmt = prepare (db,
                  "INSERT INTO temp.stk_bulk_sales (line, code, uid, quantity, price, sold_at,"
                  " tax_given, rate, tax_name, included, tax)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                  error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < d->rows->len; i++)
    {
      const StkImportRow *row = &g_array_index (d->rows, StkImportRow, i);
      int rc;

      sqlite3_bind_int64 (stmt, 1, row->line);
      sqlite3_bind_text (stmt, 2, row->code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, row->key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, row->quantity);
      sqlite3_bind_int64 (stmt, 5, row->price);
      sqlite3_bind_int64 (stmt, 6, row->time_us);
      sqlite3_bind_int (stmt, 7, row->tax_given ? 1 : 0);
      if (row->tax_given && row->tax_rate_bp >= 0)
        sqlite3_bind_int64 (stmt, 8, row->tax_rate_bp);
      else
        sqlite3_bind_null (stmt, 8);
      sqlite3_bind_text (stmt, 9,
                         row->tax_given && row->tax_rate_bp >= 0 && row->tax_name != NULL
                           ? row->tax_name : "",
                         -1, SQLITE_STATIC);
      if (row->tax_given && row->tax_included >= 0)
        sqlite3_bind_int (stmt, 10, row->tax_included);
      else
        sqlite3_bind_null (stmt, 10);
      if (row->tax_given && row->tax_cents >= 0)
        sqlite3_bind_int64 (stmt, 11, row->tax_cents);
      else
        sqlite3_bind_null (stmt, 11);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

/* Rows of @sql (line, code, …) each make an error from @make. */
typedef char *(*MakeMessage) (sqlite3_stmt *stmt);

static gboolean
collect (sqlite3      *db,
         const char   *sql,
         MakeMessage   make,
         GArray       *errors,
         GError      **error)
{
  sqlite3_stmt *stmt = prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    add_error (errors, (guint) sqlite3_column_int64 (stmt, 0), make (stmt));
  if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static char *
unknown_message (sqlite3_stmt *stmt)
{
  return g_strdup_printf (_("Unknown item code “%s”."),
                          (const char *) sqlite3_column_text (stmt, 1));
}

static char *
counted_message (sqlite3_stmt *stmt)
{
  return stk_sqlite_counted_after_message ((const char *) sqlite3_column_text (stmt, 1),
                                           sqlite3_column_int64 (stmt, 3),
                                           sqlite3_column_int64 (stmt, 2));
}

static char *
stock_message (sqlite3_stmt *stmt)
{
  return g_strdup_printf (_("Not enough stock of “%s”: on hand would go below zero."),
                          (const char *) sqlite3_column_text (stmt, 1));
}

/* The stock rule, as the row path applies it: in file order, a sale that would take
 * its item below zero is refused and the next ones go on from the stock before it.
 * Sales only take stock away, so an item's balance is lowest after its last sale: only
 * an item whose sales add up to more than its stock can go below zero (one pass over
 * the items); only those items' rows are then walked, in C. */
static gboolean
check_sales_stock (sqlite3  *db,
                   GArray   *errors,
                   GError  **error)
{
  sqlite3_stmt *stmt;
  gint64 allow_negative = 0;
  gint64 item = 0, balance = 0;
  int rc;

  if (!query_int64 (db,
                    "SELECT coalesce ((SELECT value IS 1 FROM main.settings"
                    " WHERE key = 'allow_negative_stock'), 0)",
                    &allow_negative, error))
    return FALSE;
  if (allow_negative)
    return TRUE;

  stmt = prepare (db,
                  "SELECT s.line, s.code, s.item_id, s.quantity, b.on_hand"
                  " FROM temp.stk_bulk_items b JOIN temp.stk_bulk_sales s ON s.item_id = b.item_id"
                  " WHERE b.total > b.on_hand AND s.state = 0 ORDER BY s.item_id, s.line",
                  error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 2);
      gint64 quantity = sqlite3_column_int64 (stmt, 3);

      if (id != item)
        {
          item = id;
          balance = sqlite3_column_int64 (stmt, 4);
        }
      if (balance - quantity < 0)
        add_error (errors, (guint) sqlite3_column_int64 (stmt, 0), stock_message (stmt));
      else
        balance -= quantity;
    }
  if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

/* Each line's tax, as stk_sqlite_insert_sale_line() gives it: the file's, checked to
 * the cent with the same sentence, or the item's rate now at the shop's rule, rounded
 * per line, in SQL (STK_SQLITE_TAX_LINE_SQL, exact). A line refused here is left out of
 * the stock rule, as the row path never inserts it. */
static gboolean
resolve_sales_tax (sqlite3  *db,
                   GArray   *errors,
                   GError  **error)
{
  g_autoptr(GArray) refused = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  if (!exec (db,
             "UPDATE temp.stk_bulk_sales SET"
             " price = CASE WHEN stk_bulk_sales.price < 0 THEN b.price"
             "  ELSE stk_bulk_sales.price END,"
             " rate = CASE WHEN tax_given THEN stk_bulk_sales.rate ELSE b.rate END,"
             " tax_name = CASE WHEN tax_given THEN tax_name ELSE coalesce (b.rate_name, '') END,"
             " included = coalesce (included, (SELECT value IS NOT 0 FROM main.settings"
             "                                  WHERE key = 'prices_include_tax'), 1)"
             " FROM temp.stk_bulk_items AS b"
             " WHERE stk_bulk_sales.state = 0 AND b.item_id = stk_bulk_sales.item_id",
             error) ||
      !exec (db,
             "UPDATE temp.stk_bulk_sales SET tax = CASE WHEN rate IS NULL THEN 0 ELSE "
             STK_SQLITE_TAX_LINE_SQL ("quantity * price", "rate",
                                      "CASE WHEN included THEN 10000 + rate ELSE 10000 END")
             " END WHERE state = 0 AND tax IS NULL",
             error))
    return FALSE;

  stmt = prepare (db,
                  "SELECT line, code, tax, quantity * price, rate, included"
                  " FROM temp.stk_bulk_sales"
                  " WHERE state = 0 AND tax_given AND rate IS NOT NULL ORDER BY line",
                  error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 line = sqlite3_column_int64 (stmt, 0);
      gint64 tax = sqlite3_column_int64 (stmt, 2);
      gint64 amount = sqlite3_column_int64 (stmt, 3);
      gint64 rate = sqlite3_column_int64 (stmt, 4);
      gboolean included = sqlite3_column_int (stmt, 5) != 0;

      if (stk_sqlite_tax_agrees (amount, rate, included, tax))
        continue;
      add_error (errors, (guint) line,
                 stk_sqlite_tax_off_message ((const char *) sqlite3_column_text (stmt, 1), tax,
                                             amount, rate, included));
      g_array_append_val (refused, line);
    }
  if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot import"));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  if (refused->len == 0)
    return TRUE;

  stmt = prepare (db, "UPDATE temp.stk_bulk_sales SET state = 2 WHERE line = ?1", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < refused->len; i++)
    {
      sqlite3_bind_int64 (stmt, 1, g_array_index (refused, gint64, i));
      if (!step_insert (db, stmt, error))
        return FALSE;
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
check_sales (StkImportData  *d,
             sqlite3        *db,
             GError        **error)
{
  g_autoptr(GArray) errors = g_array_new (FALSE, FALSE, sizeof (LineError));
  gint64 duplicates = 0;

  g_array_set_clear_func (errors, line_error_clear);

  /* Exactly once: a sale whose uid is in the inventory was imported before. */
  if (!exec (db,
             "UPDATE temp.stk_bulk_sales SET state = 1"
             " WHERE EXISTS (SELECT 1 FROM main.sales WHERE uid = stk_bulk_sales.uid)",
             error) ||
      !query_int64 (db, "SELECT count(*) FROM temp.stk_bulk_sales WHERE state = 1", &duplicates,
                    error))
    return FALSE;
  d->duplicates = (guint64) duplicates;
  CANCEL_CHECK (d, error);

  /* The items, by the code-key rule (stk_sqlite_lookup_item_id()). */
  if (!exec (db,
             "UPDATE temp.stk_bulk_sales SET item_id ="
             " (SELECT id FROM main.items WHERE code_key = stk_code_key (stk_bulk_sales.code))"
             " WHERE state = 0",
             error) ||
      !collect (db,
                "SELECT line, code FROM temp.stk_bulk_sales WHERE state = 0 AND item_id IS NULL",
                unknown_message, errors, error) ||
      !exec (db, "UPDATE temp.stk_bulk_sales SET state = 2 WHERE state = 0 AND item_id IS NULL",
             error))
    return FALSE;
  CANCEL_CHECK (d, error);

  /* What the rules need of each item, read once per item and in the order of the ids
   * (the pages of items and movements in turn, not at random): its stock, its price,
   * its latest stock count. */
  if (!exec (db,
             "CREATE TEMP TABLE stk_bulk_items ("
             "  item_id INTEGER PRIMARY KEY, on_hand INTEGER, price INTEGER, count_at INTEGER,"
             "  total INTEGER NOT NULL DEFAULT 0, rate INTEGER, rate_name TEXT)",
             error) ||
      !exec (db,
             "INSERT INTO temp.stk_bulk_items (item_id, on_hand, price, rate, rate_name)"
             " SELECT i.id, i.on_hand, i.unit_price_cents, t.rate_bp, t.name FROM"
             "  (SELECT DISTINCT item_id FROM temp.stk_bulk_sales WHERE state = 0"
             "   ORDER BY item_id) AS s"
             " JOIN main.items i ON i.id = s.item_id"
             " LEFT JOIN main.tax_rates t ON t.id = coalesce (i.tax_rate_id,"
             "  (SELECT value FROM main.settings WHERE key = 'default_tax_rate'))"
             " ORDER BY i.id",
             error) ||
      !exec (db,
             "UPDATE temp.stk_bulk_items SET count_at ="
             " (SELECT max (moved_at) FROM main.movements m"
             "  WHERE m.item_id = stk_bulk_items.item_id AND m.kind = 'count')",
             error))
    return FALSE;
  CANCEL_CHECK (d, error);

  /* Never twice: a sale dated before a stock count of its item. The latest count of
   * the item is the one the row path names (the latest after the row's time). */
  if (!collect (db,
                "SELECT s.line, s.code, b.count_at,"
                " (SELECT balance FROM main.movements m WHERE m.item_id = s.item_id"
                "  AND m.kind = 'count' AND m.moved_at = b.count_at ORDER BY m.id DESC LIMIT 1)"
                " FROM temp.stk_bulk_sales s JOIN temp.stk_bulk_items b ON b.item_id = s.item_id"
                " WHERE s.state = 0 AND b.count_at > s.sold_at",
                counted_message, errors, error) ||
      !exec (db,
             "UPDATE temp.stk_bulk_sales SET state = 2 WHERE state = 0 AND sold_at <"
             " (SELECT count_at FROM temp.stk_bulk_items b WHERE b.item_id = stk_bulk_sales.item_id)",
             error))
    return FALSE;
  CANCEL_CHECK (d, error);

  if (!resolve_sales_tax (db, errors, error))
    return FALSE;
  CANCEL_CHECK (d, error);

  /* Each item's total over the rows kept. */
  if (!exec (db,
             "UPDATE temp.stk_bulk_items SET total = t.total"
             " FROM (SELECT item_id, sum (quantity) AS total FROM temp.stk_bulk_sales"
             "       WHERE state = 0 GROUP BY item_id) AS t"
             " WHERE stk_bulk_items.item_id = t.item_id",
             error) ||
      !check_sales_stock (db, errors, error))
    return FALSE;
  return add_errors (d, errors, error);
}

static gboolean
insert_sales (StkImportData  *d,
              sqlite3        *db,
              GError        **error)
{
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);
  gint64 base = 0, last = 0, n = 0, n_items = 0;
  gboolean large = FALSE, many_items = FALSE;
  sqlite3_stmt *stmt;

  if (!query_int64 (db, "SELECT count(*) FROM temp.stk_bulk_sales WHERE state = 0", &n, error))
    return FALSE;
  d->imported = (guint64) n;
  if (n == 0)
    return TRUE;
  /* Items whose every row was a duplicate or refused: nothing to change. */
  if (!exec (db, "DELETE FROM temp.stk_bulk_items WHERE total = 0", error) ||
      !query_int64 (db, "SELECT count(*) FROM temp.stk_bulk_items", &n_items, error))
    return FALSE;
  if (!query_int64 (db, "SELECT coalesce (max (id), 0) FROM main.sales", &base, error) ||
      !batch_is_large (db, "sales", (guint64) n, &large, error) ||
      !batch_is_large (db, "items", (guint64) n_items, &many_items, error) ||
      !suspend (db, sales_triggers, saved, error) ||
      (large && !suspend (db, sales_indexes, saved, error)) ||
      (many_items && !suspend (db, on_hand_indexes, saved, error)))
    return FALSE;
  CANCEL_CHECK (d, error);

  if (!exec (db,
             "INSERT INTO main.sales (uid, item_id, quantity, unit_price_cents, sold_at,"
             " tax_rate_bp, tax_name, tax_included, tax_cents, cost_cents)"
             " SELECT s.uid, s.item_id, s.quantity,"
             "  CASE WHEN s.price < 0 THEN b.price ELSE s.price END, s.sold_at,"
             "  s.rate, CASE WHEN s.rate IS NULL THEN '' ELSE s.tax_name END, s.included, s.tax,"
             /* The line's cost of goods (stk-cost.h): a sales file brings no receipt, so
              * the average is the same for every line of the batch. */
             "  stk_mul (s.quantity, (SELECT average_cost_cents FROM main.items"
             "                        WHERE id = s.item_id))"
             " FROM temp.stk_bulk_sales s JOIN temp.stk_bulk_items b ON b.item_id = s.item_id"
             " WHERE s.state = 0 ORDER BY s.line",
             error) ||
      !query_int64 (db, "SELECT coalesce (max (id), 0) FROM main.sales", &last, error))
    return FALSE;
  CANCEL_CHECK (d, error);

  /* Each sale's movement (sales_movement's work): the running balance per item, in
   * file order. The sale's id is base + its rank when every sale took the next id
   * (checked), else it is found by uid. */
  if (last == base + n)
    stmt = prepare (db,
                    "INSERT INTO main.movements (item_id, kind, quantity, balance, reason,"
                    " moved_at, sale_id)"
                    " SELECT s.item_id, 'sale', -s.quantity,"
                    "  b.on_hand - sum (s.quantity) OVER (PARTITION BY s.item_id ORDER BY s.line"
                    "   ROWS UNBOUNDED PRECEDING),"
                    "  '', s.sold_at, ?1 + row_number () OVER (ORDER BY s.line)"
                    " FROM temp.stk_bulk_sales s JOIN temp.stk_bulk_items b ON b.item_id = s.item_id"
                    " WHERE s.state = 0 ORDER BY s.line",
                    error);
  else
    stmt = prepare (db,
                    "INSERT INTO main.movements (item_id, kind, quantity, balance, reason,"
                    " moved_at, sale_id)"
                    " SELECT s.item_id, 'sale', -s.quantity,"
                    "  b.on_hand - sum (s.quantity) OVER (PARTITION BY s.item_id ORDER BY s.line"
                    "   ROWS UNBOUNDED PRECEDING),"
                    "  '', s.sold_at, (SELECT id FROM main.sales WHERE uid = s.uid AND ?1 >= 0)"
                    " FROM temp.stk_bulk_sales s JOIN temp.stk_bulk_items b ON b.item_id = s.item_id"
                    " WHERE s.state = 0 ORDER BY s.line",
                    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, base);
  if (!run (db, stmt, error))
    return FALSE;
  CANCEL_CHECK (d, error);

  if (!number_sales (db, base, error))
    return FALSE;
  CANCEL_CHECK (d, error);

  /* The on-hand, once per item and in the order of the ids: the last movement's
   * balance (movements_apply's work). */
  if (!exec (db,
             "UPDATE main.items SET on_hand = b.on_hand - b.total"
             " FROM temp.stk_bulk_items AS b WHERE items.id = b.item_id",
             error))
    return FALSE;
  CANCEL_CHECK (d, error);

  return resume (db, saved, error);
}

/* ---- the entry point ---- */

gboolean
stk_sqlite_bulk_wanted (StkImportData *d)
{
  /* Barcodes, an item's own tax rate, sales of several lines, discounts, payments,
   * notes and voids take the row path (data/README.md); a sale line's tax, given or
   * computed, does not. */
  return (d->table == STK_TABLE_SKUS || d->table == STK_TABLE_SALES) && !d->extended &&
         d->rows->len >= stk_bulk_min_rows;
}

gboolean
stk_sqlite_bulk_import (StkImportData  *d,
                        sqlite3        *db,
                        GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (stk_sqlite_bulk_wanted (d), FALSE);

  CANCEL_CHECK (d, error);
  switch (d->table)
    {
    case STK_TABLE_SKUS:
      ok = stage_skus (d, db, error) && check_skus (d, db, error) && insert_skus (d, db, error) &&
           exec (db, "DROP TABLE temp.stk_bulk_skus", error);
      break;
    case STK_TABLE_SALES:
      ok = stage_sales (d, db, error) && check_sales (d, db, error) &&
           insert_sales (d, db, error) && exec (db, "DROP TABLE temp.stk_bulk_sales", error) &&
           exec (db, "DROP TABLE temp.stk_bulk_items", error);
      break;
    case STK_TABLE_MOVEMENTS:
    case STK_TABLE_RETURNS:
    case STK_TABLE_TAX_RATES:
    default:
      g_return_val_if_reached (FALSE);
    }
  return ok;
}

/* ---- generate ---- */

/*
 * A chunk of generated items or sales (stk-maintenance.c) takes the same path: staged,
 * then inserted set-wise with the same triggers suspended. The generator keeps the
 * rules itself (unique codes, never below zero); what the row path's triggers would
 * have refused is checked here once per chunk.
 */

gboolean
stk_sqlite_bulk_generate_wanted (const StkGenPayload *g)
{
  return (g->n_items > 0 ? g->n_items : g->n_sales) >= stk_bulk_min_rows;
}

static gboolean
generate_items (StkGenPayload  *g,
                sqlite3        *db,
                GError        **error)
{
  g_autofree char *reason = g_strdup (_("Opening stock"));
  sqlite3_stmt *stmt = create_skus_stage (db, error);
  gint64 base = 0;

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < g->n_items; i++)
    {
      const StkGenItem *it = &g->items[i];

      sqlite3_bind_int64 (stmt, 1, i + 1);
      sqlite3_bind_text (stmt, 2, it->code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, it->description, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, it->price);
      sqlite3_bind_int64 (stmt, 5, it->reorder);
      sqlite3_bind_int (stmt, 6, it->archived ? 1 : 0);
      sqlite3_bind_int64 (stmt, 7, MAX (it->stock, 0));
      if (!step_insert (db, stmt, error))
        return FALSE;
    }
  sqlite3_finalize (stmt);

  /* A code the inventory has already: the unique indexes would refuse it. */
  {
    gint64 clashes = 0;

    if (!query_int64 (db,
                      "SELECT count(*) FROM temp.stk_bulk_skus s"
                      " WHERE EXISTS (SELECT 1 FROM main.items i WHERE i.code_key = s.code_key)"
                      "    OR EXISTS (SELECT 1 FROM main.items i WHERE i.code = s.code)",
                      &clashes, error))
      return FALSE;
    if (clashes > 0)
      {
        g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                     _("Cannot generate data: a generated code is in the inventory already."));
        return FALSE;
      }
  }

  if (!insert_items (db, g->n_items, "receive", reason, g->opening_at, g->opening_at, NULL,
                     &base, error))
    return FALSE;

  if (base >= 0)
    for (guint i = 0; i < g->n_items; i++)
      g->ids[g->first_item + i] = base + i + 1;
  else
    {
      guint i = 0;
      int rc;

      stmt = prepare (db,
                      "SELECT i.id FROM temp.stk_bulk_skus s JOIN main.items i"
                      " ON i.code_key = s.code_key ORDER BY s.line",
                      error);
      if (stmt == NULL)
        return FALSE;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && i < g->n_items)
        g->ids[g->first_item + i++] = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      if (i != g->n_items)
        {
          stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot generate data"));
          return FALSE;
        }
    }
  return exec (db, "DROP TABLE temp.stk_bulk_skus", error);
}

static gboolean
generate_sales (StkGenPayload  *g,
                sqlite3        *db,
                GError        **error)
{
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *reason = g_strdup (_("Restock"));
  gint64 base = 0, last = 0, first_movement = 0, below = 0;
  gboolean large = FALSE;
  sqlite3_stmt *stmt;
  char uid[64];
  int rc;

  if (!exec (db,
             "CREATE TEMP TABLE stk_bulk_gen ("
             "  seq INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, uid TEXT NOT NULL,"
             "  quantity INTEGER NOT NULL, price INTEGER NOT NULL, sold_at INTEGER NOT NULL,"
             "  restock INTEGER NOT NULL)",
             error))
    return FALSE;
  stmt = prepare (db, "INSERT INTO temp.stk_bulk_gen VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < g->n_sales; i++)
    {
      const StkGenSale *sale = &g->sales[i];

      g_snprintf (uid, sizeof uid, "gen:%u:%" G_GUINT64_FORMAT, g->seed,
                  (guint64) g->base_sale + g->first_sale + i + 1);
      sqlite3_bind_int64 (stmt, 1, i + 1);
      sqlite3_bind_int64 (stmt, 2, g->ids[sale->item]);
      sqlite3_bind_text (stmt, 3, uid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, sale->quantity);
      sqlite3_bind_int64 (stmt, 5, g->prices[sale->item]);
      sqlite3_bind_int64 (stmt, 6, sale->sold_at);
      sqlite3_bind_int64 (stmt, 7, MAX (sale->restock, 0));
      if (!step_insert (db, stmt, error))
        return FALSE;
    }
  sqlite3_finalize (stmt);

  if (!query_int64 (db, "SELECT coalesce (max (id), 0) FROM main.sales", &base, error) ||
      !query_int64 (db, "SELECT coalesce (max (id), 0) FROM main.movements", &first_movement,
                    error) ||
      !batch_is_large (db, "sales", g->n_sales, &large, error) ||
      !suspend (db, sales_triggers, saved, error) ||
      (large && !suspend (db, sales_indexes, saved, error)))
    return FALSE;

  if (!exec (db,
             "INSERT INTO main.sales (uid, item_id, quantity, unit_price_cents, sold_at)"
             " SELECT uid, item_id, quantity, price, sold_at FROM temp.stk_bulk_gen ORDER BY seq",
             error) ||
      !query_int64 (db, "SELECT coalesce (max (id), 0) FROM main.sales", &last, error) ||
      !number_sales (db, base, error))
    return FALSE;

  /* The restock just before a sale, then the sale's movement, each with the item's
   * running balance (movements_check and movements_apply's work). */
  stmt = prepare (db,
                  "INSERT INTO main.movements (item_id, kind, quantity, balance, reason, moved_at,"
                  " sale_id)"
                  " SELECT m.item_id, m.kind, m.quantity,"
                  "  i.on_hand + sum (m.quantity) OVER (PARTITION BY m.item_id ORDER BY m.seq, m.sub"
                  "   ROWS UNBOUNDED PRECEDING),"
                  "  m.reason, m.moved_at, m.sale_id"
                  " FROM (SELECT seq, 0 AS sub, item_id, 'receive' AS kind, restock AS quantity,"
                  "        ?1 AS reason, sold_at - 60000000 AS moved_at, NULL AS sale_id"
                  "       FROM temp.stk_bulk_gen WHERE restock > 0"
                  "       UNION ALL"
                  "       SELECT seq, 1, item_id, 'sale', -quantity, '', sold_at,"
                  "        CASE WHEN ?3 THEN ?2 + seq"
                  "             ELSE (SELECT id FROM main.sales WHERE uid = g.uid) END"
                  "       FROM temp.stk_bulk_gen g) AS m"
                  " JOIN main.items i ON i.id = m.item_id ORDER BY m.seq, m.sub",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, base);
  sqlite3_bind_int (stmt, 3, last == base + (gint64) g->n_sales);
  if (!run (db, stmt, error))
    return FALSE;

  if (!exec (db,
             "UPDATE main.items SET on_hand = on_hand + t.total"
             " FROM (SELECT item_id, sum (restock) - sum (quantity) AS total FROM temp.stk_bulk_gen"
             "       GROUP BY item_id) AS t"
             " WHERE items.id = t.item_id",
             error))
    return FALSE;

  /* What movements_check would have refused: a balance below zero. */
  stmt = prepare (db,
                  "SELECT EXISTS (SELECT 1 FROM main.movements WHERE id > ?1 AND balance < 0)"
                  " AND (SELECT value FROM main.settings WHERE key = 'allow_negative_stock')"
                  " IS NOT 1",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, first_movement);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    below = sqlite3_column_int64 (stmt, 0);
  else
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot generate data"));
  sqlite3_finalize (stmt);
  /* A check that could not run is no pass: an I/O error has rolled the transaction
   * back, and what follows would run outside it. */
  if (rc != SQLITE_ROW)
    return FALSE;
  if (below)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("Cannot generate data: the stock of an item would go below zero."));
      return FALSE;
    }

  return resume (db, saved, error) && exec (db, "DROP TABLE temp.stk_bulk_gen", error);
}

gboolean
stk_sqlite_bulk_generate (StkGenPayload  *g,
                          sqlite3        *db,
                          GError        **error)
{
  g_return_val_if_fail (stk_sqlite_bulk_generate_wanted (g), FALSE);

  return g->n_items > 0 ? generate_items (g, db, error) : generate_sales (g, db, error);
}
