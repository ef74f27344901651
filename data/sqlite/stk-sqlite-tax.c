/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sqlite-private.h"

#include <glib/gi18n.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-op-payloads.h"

/* Tax rates on SQLite (format 9, stk-schema.c): their appliers and reads. The schema
 * keeps the rules (names unique ignoring case, 0 to 100 %, a rate in use stays); the
 * appliers check first what they can say better. */

/* Whether rate @id exists; STK_ERROR_NOT_FOUND when not. */
static gboolean
rate_exists (sqlite3  *db,
             gint64    id,
             GError  **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, "SELECT 1 FROM tax_rates WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                         _("That tax rate does not exist (any more)."));
  else if (rc != SQLITE_ROW)
    stk_query_set_read_error (error, db, _("Cannot read the tax rates"));
  return rc == SQLITE_ROW;
}

static gboolean
apply_save_tax_rate (StkOp    *op,
                     sqlite3  *db,
                     GError  **error)
{
  const StkTaxRatePayload *d = stk_op_get_payload (op);
  sqlite3_stmt *stmt;
  gint64 other = 0;
  int rc;

  if (!stk_tax_name_check (d->name, error))
    return FALSE;
  if (d->rate_bp < 0 || d->rate_bp > STK_TAX_RATE_MAX_BP)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           d->rate_bp < 0 ? _("A tax rate cannot be negative.")
                                          : _("A tax rate cannot be above 100 %."));
      return FALSE;
    }
  if (d->id != 0 && !rate_exists (db, d->id, error))
    return FALSE;

  stmt = stk_db_stmt (db, "SELECT id FROM tax_rates WHERE name = ?1 AND id IS NOT ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, d->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, d->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    other = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot read the tax rates"));
      return FALSE;
    }
  if (other != 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("There is already a tax rate named “%s”."), d->name);
      return FALSE;
    }
  if (d->id == 0)
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
    }

  stmt = stk_db_stmt (db,
                      d->id == 0 ? "INSERT INTO tax_rates (name, rate_bp) VALUES (?1, ?2)"
                                 : "UPDATE tax_rates SET name = ?1, rate_bp = ?2 WHERE id = ?3",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, d->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, d->rate_bp);
  if (d->id != 0)
    sqlite3_bind_int64 (stmt, 3, d->id);
  if (!stk_sqlite_step_done (stmt, db, _("Cannot save the tax rate"), error))
    return FALSE;
  stk_op_set_row_id (op, d->id != 0 ? d->id : sqlite3_last_insert_rowid (db));
  return TRUE;
}

static gboolean
apply_remove_tax_rate (StkOp    *op,
                       sqlite3  *db,
                       GError  **error)
{
  const StkTaxRatePayload *d = stk_op_get_payload (op);
  sqlite3_stmt *stmt;
  gint64 items = 0, is_default = 0;
  int rc;

  if (!rate_exists (db, d->id, error))
    return FALSE;
  stmt = stk_db_stmt (db,
                      "SELECT (SELECT count (*) FROM items WHERE tax_rate_id = ?1),"
                      " (SELECT value FROM settings WHERE key = 'default_tax_rate') = ?1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      items = sqlite3_column_int64 (stmt, 0);
      is_default = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      stk_query_set_read_error (error, db, _("Cannot read the tax rates"));
      return FALSE;
    }
  if (is_default)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                           _("This is the shop’s default tax rate: choose another default "
                             "before removing it."));
      return FALSE;
    }
  if (items > 0)
    {
      g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, items);

      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s item has this tax rate: give it another before removing it.",
                                "%s items have this tax rate: give them another before removing it.",
                                (gulong) CLAMP (items, 0, G_MAXLONG)),
                   n);
      return FALSE;
    }
  stmt = stk_db_stmt (db, "DELETE FROM tax_rates WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->id);
  if (!stk_sqlite_step_done (stmt, db, _("Cannot remove the tax rate"), error))
    return FALSE;
  stk_op_set_row_id (op, d->id);
  return TRUE;
}

static gboolean
apply_set_item_tax_rate (StkOp    *op,
                         sqlite3  *db,
                         GError  **error)
{
  const StkTaxRatePayload *d = stk_op_get_payload (op);
  sqlite3_stmt *stmt;

  if (d->id != 0 && !rate_exists (db, d->id, error))
    return FALSE;
  stmt = stk_db_stmt (db,
                      "UPDATE items SET tax_rate_id = ?2, updated_at = ?3 WHERE id = ?1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->item_id);
  if (d->id != 0)
    sqlite3_bind_int64 (stmt, 2, d->id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int64 (stmt, 3, stk_db_now_us ());
  if (!stk_sqlite_step_done (stmt, db, _("Cannot change the item’s tax rate"), error))
    return FALSE;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                           _("That item does not exist (any more)."));
      return FALSE;
    }
  stk_op_set_row_id (op, d->item_id);
  return TRUE;
}

gboolean
stk_sqlite_apply_tax (StkOp    *op,
                      sqlite3  *db,
                      GError  **error)
{
  const char *kind = stk_op_get_kind (op);

  if (g_str_equal (kind, STK_OP_SAVE_TAX_RATE))
    return apply_save_tax_rate (op, db, error);
  if (g_str_equal (kind, STK_OP_REMOVE_TAX_RATE))
    return apply_remove_tax_rate (op, db, error);
  return apply_set_item_tax_rate (op, db, error);
}

GPtrArray *
stk_sqlite_tax_rates (sqlite3  *db,
                      GError  **error)
{
  g_autoptr(GPtrArray) rates = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_tax_rate_free);
  sqlite3_stmt *stmt;
  gboolean taxed;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  if (!stk_sqlite_has_tax (db, &taxed, error))
    return NULL;
  if (!taxed)
    return g_steal_pointer (&rates);
  stmt = stk_db_stmt (db,
                      "SELECT t.id, t.name, t.rate_bp,"
                      " (SELECT count (*) FROM items WHERE tax_rate_id = t.id)"
                      " FROM tax_rates t ORDER BY t.rate_bp DESC, t.name",
                      error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkTaxRate *rate = g_new0 (StkTaxRate, 1);

      rate->id = sqlite3_column_int64 (stmt, 0);
      rate->name = stk_query_column_dup (stmt, 1);
      rate->rate_bp = sqlite3_column_int64 (stmt, 2);
      rate->items = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (rates, rate);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot read the tax rates"));
      return NULL;
    }
  return g_steal_pointer (&rates);
}

gboolean
stk_sqlite_item_tax_rate (sqlite3  *db,
                          gint64    item_id,
                          gint64   *out_rate_id,
                          GError  **error)
{
  sqlite3_stmt *stmt;
  gboolean taxed;
  int rc;

  *out_rate_id = 0;
  if (!stk_sqlite_has_tax (db, &taxed, error))
    return FALSE;
  if (!taxed)
    return TRUE;
  stmt = stk_db_stmt (db, "SELECT coalesce (tax_rate_id, 0) FROM items WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_rate_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                         _("That item does not exist (any more)."));
  else if (rc != SQLITE_ROW)
    stk_query_set_read_error (error, db, _("Cannot read the item"));
  return rc == SQLITE_ROW;
}

/* The figures of [?1, ?2) by rate (name, rate_bp or NULL, sales, sales tax, voids,
 * voids tax, returns, returns tax): the lines sold in it (voided or not), those of
 * them voided, the returns made in it; TOTAL is a line's total, TAX its tax, RTAX a
 * return's tax, NAME and RATE the line's rate. */
#define TAX_REPORT_SQL_OF(name, rate, total, tax, returns) \
  "SELECT name, rate, stk_sum (s), stk_sum (st), stk_sum (v), stk_sum (vt)," \
  " stk_sum (r), stk_sum (rt) FROM (" \
  " SELECT " name " AS name, " rate " AS rate, " total " AS s, " tax " AS st," \
  "   CASE WHEN v.sale_id IS NULL THEN 0 ELSE " total " END AS v," \
  "   CASE WHEN v.sale_id IS NULL THEN 0 ELSE " tax " END AS vt, 0 AS r, 0 AS rt" \
  "  FROM sales l LEFT JOIN sale_voids v ON v.sale_id = l.id" \
  "  WHERE l.sold_at >= ?1 AND l.sold_at < ?2" \
  returns \
  ") GROUP BY name, rate ORDER BY rate IS NULL, rate DESC, name"
#define TAX_REPORT_RETURNS_SQL(name, rate, rtax) \
  " UNION ALL" \
  " SELECT " name ", " rate ", 0, 0, 0, 0, r.refund_cents, " rtax \
  "  FROM returns r JOIN sales l ON l.id = r.line_id" \
  "  WHERE r.returned_at >= ?1 AND r.returned_at < ?2"
/* Format 9. */
#define TAX_REPORT_SQL \
  TAX_REPORT_SQL_OF ("l.tax_name", "l.tax_rate_bp", "l.total_cents", "l.tax_cents", \
                     TAX_REPORT_RETURNS_SQL ("l.tax_name", "l.tax_rate_bp", "r.tax_cents"))
/* Before format 9: no tax; with returns and discounts (format 6 on). */
#define TAX_REPORT_UNTAXED_SQL \
  TAX_REPORT_SQL_OF ("''", "NULL", "(stk_mul (l.quantity, l.unit_price_cents) - l.discount_cents)", \
                     "0", TAX_REPORT_RETURNS_SQL ("''", "NULL", "0"))
/* … and before returns. */
#define TAX_REPORT_OLDEST_SQL \
  TAX_REPORT_SQL_OF ("''", "NULL", "stk_mul (l.quantity, l.unit_price_cents)", "0", "")

StkTaxReport *
stk_sqlite_tax_report (sqlite3  *db,
                       gint64    from_us,
                       gint64    to_us,
                       GError  **error)
{
  g_autoptr(StkTaxReport) report = NULL;
  sqlite3_stmt *stmt;
  gboolean taxed, returns;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  if (!stk_sqlite_has_tax (db, &taxed, error) ||
      !stk_sqlite_has_table (db, "returns", &returns, error))
    return NULL;
  report = stk_tax_report_new (from_us, to_us);
  stmt = stk_db_stmt (db,
                      taxed ? TAX_REPORT_SQL
                      : returns ? TAX_REPORT_UNTAXED_SQL
                      : TAX_REPORT_OLDEST_SQL,
                      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from_us);
  sqlite3_bind_int64 (stmt, 2, to_us);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkTaxReportRate *rate =
        stk_tax_report_add (report, (const char *) sqlite3_column_text (stmt, 0),
                            sqlite3_column_type (stmt, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 1));

      rate->sales_cents = sqlite3_column_int64 (stmt, 2);
      rate->sales_tax_cents = sqlite3_column_int64 (stmt, 3);
      rate->voids_cents = sqlite3_column_int64 (stmt, 4);
      rate->voids_tax_cents = sqlite3_column_int64 (stmt, 5);
      rate->returns_cents = sqlite3_column_int64 (stmt, 6);
      rate->returns_tax_cents = sqlite3_column_int64 (stmt, 7);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot add up the tax"));
      return NULL;
    }
  stk_tax_report_sum (report);
  return g_steal_pointer (&report);
}
