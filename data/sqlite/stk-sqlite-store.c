/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sqlite-private.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "stk-code-private.h"
#include "stk-db-private.h"
#include "stk-error.h"
#include "stk-identity.h"
#include "stk-schema.h"

/*
 * The store's reads that are SQLite's own: the figures (PRAGMAs, file sizes), verify
 * (integrity_check and the stock rules), the online backup, and verifying a backup
 * file. StkStore (stk-store.c) calls them through the engine interface.
 */

#define DB(conn) ((sqlite3 *) (conn))

static goffset
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (goffset) st.st_size : 0;
}

gboolean
stk_sqlite_read_stats (StkEngineConn  *conn,
                       const char     *location,
                       StkStats       *stats,
                       GError        **error)
{
  sqlite3 *db = DB (conn);
  g_autofree char *wal = NULL;
  gint64 version = 0;
  gboolean has_key = FALSE;
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  memset (stats, 0, sizeof *stats);

  /* One read transaction, so all counts come from the same snapshot. */
  if (!stk_db_begin (db, STK_TXN_READ, error))
    return FALSE;
  ok = stk_db_query_int64 (db, "PRAGMA user_version", &version, error) &&
       stk_db_query_int64 (db, "SELECT count(*) FROM items", &stats->items, error) &&
       /* Returns and barcodes came with format 6. */
       (version < 6 ||
        (stk_db_query_int64 (db, "SELECT count(*) FROM returns", &stats->returns, error) &&
         stk_db_query_int64 (db, "SELECT count(*) FROM barcodes", &stats->barcodes, error))) &&
       stk_db_query_int64 (db, "SELECT count(*) FROM items WHERE archived", &stats->archived_items, error) &&
       stk_db_query_int64 (db, "SELECT count(*) FROM movements", &stats->movements, error) &&
       stk_db_query_int64 (db, "SELECT count(*) FROM sales", &stats->sales, error) &&
       /* A further line of a sale names its first line (format 6 on). */
       stk_db_query_int64 (db, version < 6 ? "SELECT count(*) FROM sales"
                                           : "SELECT count(*) FROM sales WHERE first_line IS NULL",
                           &stats->whole_sales, error) &&
       stk_db_query_int64 (db, "SELECT coalesce (max (sold_at), 0) FROM sales",
                           &stats->last_sale_us, error) &&
       stk_db_query_int64 (db, "SELECT count(*) FROM applied_ops", &stats->applied_ops, error) &&
       stk_code_db_has_key (db, &has_key, error) &&
       (!has_key ||
        stk_db_query_int64 (db, "SELECT count(*) FROM items WHERE instr (code_key, char (1)) > 0",
                            &stats->codes_kept_apart, error)) &&
       stk_db_query_int64 (db, "SELECT stk_sum (on_hand) FROM items", &stats->total_on_hand, error) &&
       stk_db_query_int64 (db, "SELECT stk_sum (stk_mul (max (on_hand, 0), unit_price_cents)) FROM items",
                           &stats->stock_value_cents, error) &&
       (version < 10 ||
        stk_db_query_int64 (db, "SELECT stk_sum (stk_mul (max (on_hand, 0), average_cost_cents))"
                                " FROM items", &stats->stock_cost_cents, error)) &&
       stk_db_query_int64 (db, "PRAGMA page_size", &stats->page_size, error) &&
       stk_db_query_int64 (db, "PRAGMA page_count", &stats->page_count, error) &&
       stk_db_query_int64 (db, "PRAGMA freelist_count", &stats->freelist_count, error);
  stk_db_end_read (db);

  stats->schema_version = (int) version;
  wal = g_strconcat (location, "-wal", NULL);
  stats->file_size = file_size (location);
  stats->wal_size = file_size (wal);
  return ok;
}

gboolean
stk_sqlite_has_items (StkEngineConn  *conn,
                      gboolean       *out_has_items,
                      GError        **error)
{
  sqlite3 *db = DB (conn);
  gint64 any = 0;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (out_has_items != NULL, FALSE);

  /* Not count(*): that scans the smallest index, a cost that grows with the table. */
  if (!stk_db_query_int64 (db, "SELECT EXISTS (SELECT 1 FROM items)", &any, error))
    return FALSE;
  *out_has_items = any != 0;
  return TRUE;
}

/* PRAGMA integrity_check reports a page it could not read as a row ("Page 16: unable
 * to get the page. error code=266") instead of failing. A code other than corruption
 * means reading failed while checking (an I/O error), not damage in the file. Returns
 * that code, or SQLITE_OK. */
static int
integrity_row_read_error (const char *row)
{
  static const char marker[] = "unable to get the page. error code=";
  const char *p = row;

  while (p != NULL && (p = strstr (p, marker)) != NULL)
    {
      int rc;

      p += sizeof marker - 1;
      rc = (int) g_ascii_strtoll (p, NULL, 10);
      if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB)
        return rc;
    }
  return SQLITE_OK;
}

static gboolean
collect_rows (sqlite3     *db,
              const char  *sql,
              GPtrArray   *problems,
              const char  *format,
              GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot verify the inventory"));
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *a = (const char *) sqlite3_column_text (stmt, 0);
      const char *b = (const char *) sqlite3_column_text (stmt, 1);
      const char *c = (const char *) sqlite3_column_text (stmt, 2);

      if (format == NULL)
        {
          int read_rc = integrity_row_read_error (a);

          if (read_rc != SQLITE_OK)
            {
              sqlite3_finalize (stmt);
              stk_db_set_error (error, NULL, read_rc, _("Cannot verify the inventory"));
              return FALSE;
            }
          if (g_strcmp0 (a, "ok") != 0)
            g_ptr_array_add (problems, g_strdup_printf (_("Integrity: %s"), a));
        }
      else
        {
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
          g_ptr_array_add (problems, g_strdup_printf (format, a ? a : "", b ? b : "", c ? c : ""));
#pragma GCC diagnostic pop
G_GNUC_END_IGNORE_DEPRECATIONS
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
        {
          g_ptr_array_add (problems, g_strdup_printf (_("Integrity: %s"), sqlite3_errmsg (db)));
          return TRUE;
        }
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot verify the inventory"));
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
verify_db (sqlite3  *db,
           GError  **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  gint64 version = 0;
  gint64 app_id = 0;

  if (!stk_db_query_int64 (db, "PRAGMA application_id", &app_id, error) ||
      !stk_db_query_int64 (db, "PRAGMA user_version", &version, error))
    return NULL;
  if ((guint32) app_id != STK_SCHEMA_APPLICATION_ID)
    g_ptr_array_add (problems, g_strdup (_("The file is not marked as a Stocktake inventory.")));
  /* An older format is sound (opening it for writing upgrades it); a newer one is
   * refused before this point by stk_db_check_file(). */
  if (version > STK_SCHEMA_VERSION)
    g_ptr_array_add (problems, g_strdup_printf (_("The inventory is at format %d, newer than %d."),
                                                (int) version, STK_SCHEMA_VERSION));

  if (!collect_rows (db, "PRAGMA integrity_check(1000)", problems, NULL, error))
    return NULL;
  if (version != STK_SCHEMA_VERSION)
    {
      /* The stock checks below need this version's tables. */
      if (!collect_rows (db, "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check",
                         problems, _("Row %2$s of %1$s refers to a missing row of %3$s."), error))
        return NULL;
      return g_steal_pointer (&problems);
    }

  if (!collect_rows (db, "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check",
                     problems, _("Row %2$s of %1$s refers to a missing row of %3$s."), error) ||
      !collect_rows (db,
                     "SELECT id, code FROM items WHERE code_key IS NULL OR"
                     " (code_key IS NOT stk_code_key (code) AND"
                     "  code_key IS NOT stk_code_key (code) || char (1) || id)",
                     problems, _("Item %s (“%s”) has a code key out of step with its code."),
                     error) ||
      !collect_rows (db,
                     "SELECT i.code, i.on_hand, coalesce (s.total, 0) FROM items i"
                     " LEFT JOIN (SELECT item_id, sum(quantity) AS total FROM movements"
                     "            GROUP BY item_id) s ON s.item_id = i.id"
                     " WHERE i.on_hand IS NOT coalesce (s.total, 0)",
                     problems,
                     _("Item “%s” shows %s on hand, but its stock movements add up to %s."),
                     error) ||
      !collect_rows (db,
                     "SELECT id, item_id, balance FROM ("
                     "  SELECT id, item_id, balance, sum(quantity) OVER"
                     "   (PARTITION BY item_id ORDER BY id) AS running FROM movements)"
                     " WHERE balance IS NOT running",
                     problems,
                     _("Stock movement %s of item %s records a balance of %s that does not "
                       "follow from the movements before it."),
                     error) ||
      !collect_rows (db,
                     "SELECT s.id, s.quantity, m.quantity FROM sales s"
                     " LEFT JOIN movements m ON m.sale_id = s.id"
                     " WHERE m.id IS NULL OR m.quantity IS NOT -s.quantity",
                     problems, _("Sale %s of %s units has no matching stock movement (%s)."),
                     error) ||
      !collect_rows (db,
                     "SELECT v.sale_id, s.quantity, m.quantity FROM sale_voids v"
                     " JOIN sales s ON s.id = v.sale_id"
                     " LEFT JOIN movements m ON m.reference = 'void:' || s.uid"
                     " WHERE m.id IS NULL OR m.quantity IS NOT s.quantity"
                     "  OR m.item_id IS NOT s.item_id",
                     problems,
                     _("Voided sale %s of %s units has no stock movement putting them back (%s)."),
                     error) ||
      !collect_rows (db,
                     "SELECT r.id, r.quantity, m.quantity FROM returns r"
                     " JOIN sales s ON s.id = r.line_id"
                     " LEFT JOIN movements m ON m.reference = 'return:' || r.uid"
                     " WHERE m.id IS NULL OR m.quantity IS NOT r.quantity"
                     "  OR m.item_id IS NOT s.item_id",
                     problems,
                     _("Return %s of %s units has no stock movement putting them back (%s)."),
                     error) ||
      !collect_rows (db,
                     "SELECT s.id, s.quantity, r.total FROM sales s"
                     " JOIN (SELECT line_id, sum (quantity) AS total FROM returns"
                     "       GROUP BY line_id) r ON r.line_id = s.id"
                     " WHERE r.total > s.quantity",
                     problems,
                     _("Sale line %s sold %s units, but its returns take back %s."),
                     error) ||
      !collect_rows (db,
                     "SELECT s.id, s.total_cents, r.total"
                     " FROM sales s"
                     " JOIN (SELECT line_id, sum (refund_cents) AS total FROM returns"
                     "       GROUP BY line_id) r ON r.line_id = s.id"
                     " WHERE r.total > s.total_cents",
                     problems,
                     _("Sale line %s was paid %s cents, but its returns refund %s."),
                     error) ||
      !collect_rows (db,
                     "SELECT s.id, s.tax_cents, r.tax FROM sales s"
                     " JOIN (SELECT line_id, sum (tax_cents) AS tax FROM returns"
                     "       GROUP BY line_id) r ON r.line_id = s.id"
                     " WHERE r.tax > s.tax_cents",
                     problems,
                     _("Sale line %s had %s cents of tax, but its returns take back %s."),
                     error) ||
      !collect_rows (db,
                     "SELECT id, tax_cents, coalesce (tax_rate_bp, 0) FROM sales"
                     " WHERE CASE WHEN tax_rate_bp IS NULL THEN tax_cents <> 0"
                     "  ELSE abs (tax_cents * (CASE WHEN tax_included THEN 10000 + tax_rate_bp"
                     "   ELSE 10000 END) - (quantity * unit_price_cents - discount_cents)"
                     "   * tax_rate_bp) >= CASE WHEN tax_included THEN 10000 + tax_rate_bp"
                     "   ELSE 10000 END END",
                     problems,
                     /* Translators: a sale line's number, its tax in cents, its rate in
                      * hundredths of a percent */
                     _("Sale line %s records %s cents of tax, which is not its rate (%s "
                       "hundredths of a percent) of its amount."),
                     error) ||
      !collect_rows (db,
                     "SELECT code, item_id FROM barcodes WHERE key IS NOT stk_barcode_key (code)",
                     problems,
                     _("Barcode “%s” of item %s has a key out of step with its code."),
                     error) ||
      !collect_rows (db,
                     "SELECT id FROM sales s WHERE first_line IS NULL AND NOT EXISTS"
                     " (SELECT 1 FROM receipt_numbers WHERE sale_id = s.id)",
                     problems, _("Sale %s has no receipt number."), error) ||
      !collect_rows (db,
                     "SELECT id FROM returns r WHERE NOT EXISTS"
                     " (SELECT 1 FROM receipt_numbers WHERE return_id = r.id)",
                     problems, _("Return %s has no receipt number."), error) ||
      !collect_rows (db,
                     "SELECT count (*), max (number) FROM receipt_numbers WHERE series = ''"
                     " HAVING count (*) <> max (number)",
                     problems,
                     _("There are %s receipt numbers, but they run up to %s: some are missing."),
                     error) ||
      !collect_rows (db,
                     "SELECT series, count (*), max (number) FROM receipt_numbers"
                     " WHERE series <> '' GROUP BY series HAVING count (*) <> max (number)",
                     problems,
                     /* Translators: %1$s is a year's series of receipt numbers ("2026") */
                     _("There are %2$s receipt numbers of %1$s, but they run up to %3$s: some "
                       "are missing."),
                     error) ||
      !collect_rows (db,
                     "WITH c AS (SELECT id, closed_at, last_sale_id, last_return_id,"
                     "   coalesce (lag (closed_at) OVER w, " STK_DAY_BEGINNING_US_SQL ") AS pa,"
                     "   coalesce (lag (last_sale_id) OVER w, 0) AS ps,"
                     "   coalesce (lag (last_return_id) OVER w, 0) AS pr"
                     "   FROM day_closes WINDOW w AS (ORDER BY id))"
                     " SELECT c.id, m.payment, m.sales_cents - m.voids_cents - m.returns_cents"
                     " FROM c JOIN day_close_methods m ON m.close_id = c.id"
                     " WHERE (m.sales, m.sales_cents, m.voids, m.voids_cents, m.returns, m.returns_cents,"
                     "  m.sales_tax_cents, m.voids_tax_cents, m.returns_tax_cents)"
                     "  IS NOT (SELECT coalesce (sum (f.sales), 0), coalesce (sum (f.sales_cents), 0),"
                     "   coalesce (sum (f.voids), 0), coalesce (sum (f.voids_cents), 0),"
                     "   coalesce (sum (f.returns), 0), coalesce (sum (f.returns_cents), 0),"
                     "   coalesce (sum (f.sales_tax_cents), 0), coalesce (sum (f.voids_tax_cents), 0),"
                     "   coalesce (sum (f.returns_tax_cents), 0) FROM ("
                     STK_DAY_FIGURES_SQL ("c.ps", "c.last_sale_id", "c.pr", "c.last_return_id",
                                          "c.pa", "c.closed_at")
                     "  ) f WHERE f.payment = m.payment)",
                     problems,
                     /* Translators: the number of a close of the day, a payment method, the
                      * net cents recorded for it */
                     _("Close %1$s recorded a net of %3$s cents for “%2$s”, but the sales, "
                       "voids and returns it covers add up to other figures."),
                     error) ||
      !collect_rows (db,
                     "SELECT c.id, c.expected_cash_cents, coalesce (sum (m.sales_cents"
                     "  - m.voids_cents - m.returns_cents), 0) FROM day_closes c"
                     " LEFT JOIN day_close_methods m ON m.close_id = c.id AND lower (m.payment) = 'cash'"
                     " GROUP BY c.id HAVING c.expected_cash_cents IS NOT coalesce (sum (m.sales_cents"
                     "  - m.voids_cents - m.returns_cents), 0)",
                     problems,
                     _("Close %s expected %s cents of cash, but its cash figures add up to %s."),
                     error) ||
      !collect_rows (db,
                     "WITH c AS (SELECT id, closed_at, last_sale_id, last_return_id,"
                     "   coalesce (lag (closed_at) OVER w, " STK_DAY_BEGINNING_US_SQL ") AS pa,"
                     "   coalesce (lag (last_sale_id) OVER w, 0) AS ps,"
                     "   coalesce (lag (last_return_id) OVER w, 0) AS pr"
                     "   FROM day_closes WINDOW w AS (ORDER BY id))"
                     " SELECT c.id, (SELECT count (*) FROM day_close_taxes WHERE close_id = c.id)"
                     " FROM c WHERE (SELECT count (*) FROM day_close_taxes WHERE close_id = c.id)"
                     "  IS NOT (SELECT count (*) FROM ("
                     STK_DAY_TAX_SQL ("c.ps", "c.last_sale_id", "c.pr", "c.last_return_id",
                                      "c.pa", "c.closed_at")
                     "  ))"
                     " OR EXISTS (SELECT 1 FROM day_close_taxes t WHERE t.close_id = c.id"
                     "  AND (t.total_cents, t.tax_cents) IS NOT (SELECT f.total_cents, f.tax_cents"
                     "   FROM (" STK_DAY_TAX_SQL ("c.ps", "c.last_sale_id", "c.pr",
                                                 "c.last_return_id", "c.pa", "c.closed_at")
                     "   ) f WHERE f.name = t.name AND f.rate IS t.rate_bp))",
                     problems,
                     _("Close %s recorded its tax by rate in %s rows, but the sales, voids and "
                       "returns it covers add up to other figures."),
                     error) ||
      !stk_sqlite_verify_costs (db, problems, error))
    return NULL;

  return g_steal_pointer (&problems);
}

GPtrArray *
stk_sqlite_verify (StkEngineConn  *conn,
                   GError        **error)
{
  return verify_db (DB (conn), error);
}

GPtrArray *
stk_sqlite_codes_kept_apart (StkEngineConn  *conn,
                             GError        **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = DB (conn);
  gboolean has_key = FALSE;
  gboolean ok;

  ok = stk_code_db_has_key (db, &has_key, error);
  if (ok && has_key)
    ok = collect_rows (db,
                       "SELECT k.code, k.id, coalesce (o.code, '?') FROM items k"
                       " LEFT JOIN items o"
                       "  ON o.code_key = substr (k.code_key, 1, instr (k.code_key, char (1)) - 1)"
                       " WHERE instr (k.code_key, char (1)) > 0 ORDER BY k.id",
                       lines,
                       _("Item “%s” (%s) has the same code as “%s” under the current rule; both "
                         "were kept. Rename one of them to tell them apart."),
                       error);
  return ok ? g_steal_pointer (&lines) : NULL;
}

gboolean
stk_verify_file (const char  *given_path,
                 GPtrArray  **problems,
                 GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;
  gboolean exists = FALSE;
  sqlite3 *db = NULL;
  int rc;

  g_return_val_if_fail (given_path != NULL, FALSE);
  g_return_val_if_fail (problems != NULL, FALSE);

  /* A file read as it is (a backup): other names of it do no harm. */
  if (!(path = stk_identity_resolve (given_path, STK_IDENTITY_ANY_LINKS, error)))
    return FALSE;
  wal = g_strconcat (path, "-wal", NULL);

  if (!stk_db_check_file (path, &exists, error))
    return FALSE;
  if (!exists || file_size (path) == 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_INVENTORY,
                   _("“%s” is empty or missing, not a Stocktake inventory."), path);
      return FALSE;
    }

  /* immutable=1 reads without locks and creates no -wal/-shm; only safe when the
   * file has no write-ahead log of its own. */
  escaped = g_uri_escape_string (path, "/", FALSE);
  uri = g_strdup_printf ("file:%s?%s", escaped, file_size (wal) > 0 ? "mode=ro" : "immutable=1");
  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc != SQLITE_OK)
    {
      stk_db_set_error (error, db, rc, path);
      sqlite3_close_v2 (db);
      return FALSE;
    }
  *problems = verify_db (db, error);
  sqlite3_close_v2 (db);
  return *problems != NULL;
}

/* The copy for stk_store_backup_full(): SQLite's online backup API from the read
 * snapshot of @conn into @temp_path, without a log, checked. */
gboolean
stk_sqlite_backup (StkEngineConn  *conn,
                   const char     *temp_path,
                   const char     *dest_path,
                   GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  sqlite3_backup *backup;
  sqlite3 *src = DB (conn);
  sqlite3 *dest = NULL;
  int rc;

  /* SQLite writes the temporary file (StkOutput keeps its descriptor open, holding
   * only an flock(), until the connection is closed). */
  rc = sqlite3_open_v2 (temp_path, &dest, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    {
      stk_db_set_error (&local_error, dest, rc, dest_path);
      goto fail;
    }

  backup = sqlite3_backup_init (dest, "main", src, "main");
  if (backup == NULL)
    {
      stk_db_set_error (&local_error, dest, sqlite3_extended_errcode (dest), dest_path);
      goto fail;
    }
  do
    rc = sqlite3_backup_step (backup, -1);
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      stk_db_set_error (&local_error, dest, rc, dest_path);
      goto fail;
    }

  /* A backup is one self-contained file: no write-ahead log. */
  if (!stk_db_exec (dest, "PRAGMA journal_mode=DELETE", &local_error) ||
      !collect_rows (dest, "PRAGMA quick_check", problems, NULL, &local_error))
    goto fail;
  if (problems->len != 0)
    {
      g_set_error (&local_error, STK_ERROR, STK_ERROR_CORRUPT,
                   _("The backup copy failed its integrity check; nothing was written."));
      goto fail;
    }
  sqlite3_close_v2 (g_steal_pointer (&dest));
  return TRUE;

fail:
  if (dest != NULL)
    sqlite3_close_v2 (dest);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}
