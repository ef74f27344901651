/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-query.h"
#include "stk-query-private.h"
#include "stk-sqlite-private.h"

#include <glib/gi18n.h>

#include "stk-code-private.h"
#include "stk-db-private.h"
#include "stk-error.h"
#include "stk-glib.h"

/* Reports cover at most ten years of days. */
#define MAX_REPORT_DAYS 3660
#define BELOW_REORDER_LIMIT 100

static void
top_seller_free (gpointer data)
{
  StkTopSeller *t = data;

  g_free (t->code);
  g_free (t->description);
  g_free (t);
}

char *
stk_query_column_dup (sqlite3_stmt *stmt,
                      int           col)
{
  const char *s = (const char *) sqlite3_column_text (stmt, col);

  return g_strdup (s != NULL ? s : "");
}

#define ITEM_COLUMNS \
  "id, code, description, on_hand, unit_price_cents, reorder_level, archived, updated_at"

static void
read_item (sqlite3_stmt *stmt,
           StkItemInfo  *out)
{
  out->id = sqlite3_column_int64 (stmt, 0);
  out->code = stk_query_column_dup (stmt, 1);
  out->description = stk_query_column_dup (stmt, 2);
  out->on_hand = sqlite3_column_int64 (stmt, 3);
  out->unit_price_cents = sqlite3_column_int64 (stmt, 4);
  out->reorder_level = sqlite3_column_int64 (stmt, 5);
  out->archived = sqlite3_column_int (stmt, 6) != 0;
  out->updated_at_us = sqlite3_column_int64 (stmt, 7);
  out->tax_rate_bp = -1;
  out->tax_included = TRUE;
  out->default_cost_cents = 0;
  out->average_cost_cents = 0;
}

void
stk_query_set_read_error (GError     **error,
                          sqlite3     *db,
                          const char  *what)
{
  int rc = sqlite3_extended_errcode (db);

  if (rc == SQLITE_INTERRUPT)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
  else
    stk_db_set_error (error, db, rc, what);
}

/* Steps a statement expected to give one item row; resets it. */
static gboolean
query_one_item (sqlite3       *db,
                sqlite3_stmt  *stmt,
                const char    *not_found,
                StkItemInfo   *out,
                GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    read_item (stmt, out);
  else if (rc == SQLITE_DONE)
    g_set_error_literal (error, STK_ERROR, STK_ERROR_NOT_FOUND, not_found);
  else
    stk_query_set_read_error (error, db, _("Cannot read the item"));
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}

gboolean
stk_query_item_by_code (sqlite3      *db,
                        const char   *code,
                        StkItemInfo  *out,
                        GError      **error)
{
  g_autofree char *msg = NULL;
  sqlite3_stmt *stmt;
  gboolean has_key;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!stk_code_db_has_key (db, &has_key, error))
    return FALSE;
  /* The same code by stk_code_key(); a read-only look at a schema 4 inventory
   * (not migrated) computes the key of every row. */
  stmt = stk_db_stmt (db,
                      has_key
                        ? "SELECT " ITEM_COLUMNS " FROM items WHERE code_key = stk_code_key (?1)"
                        : "SELECT " ITEM_COLUMNS " FROM items"
                          " WHERE stk_code_key (code) = stk_code_key (?1) ORDER BY id LIMIT 1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  msg = g_strdup_printf (_("There is no item with code “%s”."), code);
  return query_one_item (db, stmt, msg, out, error);
}

gboolean
stk_query_item_by_id (sqlite3      *db,
                      gint64        id,
                      StkItemInfo  *out,
                      GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  stmt = stk_db_stmt (db, "SELECT " ITEM_COLUMNS " FROM items WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return query_one_item (db, stmt, _("The item no longer exists."), out, error);
}

/* A LIKE pattern matching what starts with @prefix: bound as a whole, so that SQLite
 * turns it into a range on the NOCASE index items_code (schema 4, read-only). */
static char *
like_prefix_pattern (const char *prefix)
{
  GString *s = g_string_sized_new (strlen (prefix) + 2);

  for (const char *p = prefix; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '%');
  return g_string_free (s, FALSE);
}

GStrv
stk_query_complete_codes (sqlite3      *db,
                          const char   *prefix,
                          guint         limit,
                          GError      **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *pattern = NULL;
  g_autofree char *high = NULL;
  sqlite3_stmt *stmt;
  gboolean has_key;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (prefix != NULL, NULL);

  if (limit == 0)
    return g_strv_builder_end (builder);

  if (!stk_code_db_has_key (db, &has_key, error))
    return NULL;
  if (has_key)
    {
      gsize len;

      /* Keys starting with the prefix's key: a range on the binary index items_code_key,
       * the upper bound being the key with its last byte raised (UTF-8 has no 0xff). */
      stmt = stk_db_stmt (db,
                          "SELECT code FROM items WHERE code_key >= ?1 AND code_key < ?3"
                          " AND archived = 0 ORDER BY code LIMIT ?2",
                          error);
      if (stmt == NULL)
        return NULL;
      pattern = stk_code_key (prefix);
      high = g_strdup (pattern);
      len = strlen (high);
      if (len > 0)
        high[len - 1] = (char) (((guchar) high[len - 1]) + 1);
      else
        g_clear_pointer (&high, g_free);
      sqlite3_bind_text (stmt, 3, high != NULL ? high : "\xf4\x90", -1, SQLITE_STATIC);
    }
  else
    {
      stmt = stk_db_stmt (db,
                          "SELECT code FROM items WHERE code LIKE ?1 ESCAPE '\\' AND archived = 0"
                          " ORDER BY code LIMIT ?2",
                          error);
      if (stmt == NULL)
        return NULL;
      pattern = like_prefix_pattern (prefix);
    }
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot complete the item code"));
      return NULL;
    }
  return g_strv_builder_end (builder);
}

/* ---- report ---- */

static gint64
local_midnight_us (gint64 t_us,
                   int    day_offset)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (t_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) shifted = NULL;
  int y, m, d;

  g_date_time_get_ymd (local, &y, &m, &d);
  /* Shift the calendar date, then take that day's midnight: days are 23 or 25 hours
   * long around daylight saving changes. */
  midnight = g_date_time_new_local (y, m, d, 0, 0, 0);
  shifted = g_date_time_add_days (midnight, day_offset);
  g_date_time_get_ymd (shifted, &y, &m, &d);
  g_clear_pointer (&midnight, g_date_time_unref);
  midnight = g_date_time_new_local (y, m, d, 0, 0, 0);
  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

/* The sales figures of [?1, ?2): each line not voided (its quantity, and its total:
 * what the customer paid, quantity × price − discount and the tax when it was added
 * to the price) and each return in that time (less its quantity and its refund), by
 * item. TOTAL is the line's total: total_cents from format 9 (tax), the product before. */
#define NET_SALES_ROWS_OF(total) \
  " SELECT s.item_id, s.quantity AS q, " total " AS r" \
  " FROM sales s WHERE s.sold_at >= ?1 AND s.sold_at < ?2" \
  " AND NOT EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)" \
  " UNION ALL" \
  " SELECT s.item_id, -r.quantity, -r.refund_cents FROM returns r JOIN sales s ON s.id = r.line_id" \
  " WHERE r.returned_at >= ?1 AND r.returned_at < ?2"
#define NET_SALES_ROWS NET_SALES_ROWS_OF ("s.total_cents")
#define NET_SALES_ROWS_V8 NET_SALES_ROWS_OF ("stk_mul (s.quantity, s.unit_price_cents) - s.discount_cents")

static gboolean
report_per_day (sqlite3    *db,
                StkReport  *report,
                gint64      now_us,
                GError    **error)
{
  sqlite3_stmt *stmt;
  gboolean taxed;

  if (!stk_sqlite_has_tax (db, &taxed, error))
    return FALSE;
  stmt = stk_db_stmt (db,
                      taxed ? "SELECT stk_sum (q), stk_sum (r) FROM (" NET_SALES_ROWS ")"
                            : "SELECT stk_sum (q), stk_sum (r) FROM (" NET_SALES_ROWS_V8 ")",
                      error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < report->days; i++)
    {
      StkDayTotal day = { 0 };
      int offset = -(int) (report->days - 1 - i);
      gint64 end_us = local_midnight_us (now_us, offset + 1);
      int rc;

      day.day_start_us = local_midnight_us (now_us, offset);
      sqlite3_bind_int64 (stmt, 1, day.day_start_us);
      sqlite3_bind_int64 (stmt, 2, end_us);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          day.quantity = sqlite3_column_int64 (stmt, 0);
          day.revenue_cents = sqlite3_column_int64 (stmt, 1);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        {
          stk_query_set_read_error (error, db, _("Cannot read the sales"));
          return FALSE;
        }
      if (!stk_db_checked_add (report->total_quantity, day.quantity, &report->total_quantity,
                               error) ||
          !stk_db_checked_add (report->total_revenue_cents, day.revenue_cents,
                               &report->total_revenue_cents, error))
        return FALSE;
      g_array_append_val (report->per_day, day);
    }
  return TRUE;
}

static gboolean
report_top_sellers (sqlite3    *db,
                    StkReport  *report,
                    gint64      from_us,
                    gint64      to_us,
                    guint       top_limit,
                    GError    **error)
{
  sqlite3_stmt *stmt;
  gboolean taxed;
  int rc;

  if (top_limit == 0)
    return TRUE;

#define TOP_SELLERS_SQL(rows) \
  "SELECT t.item_id, i.code, i.description, t.quantity, t.revenue FROM" \
  " (SELECT item_id, stk_sum (q) AS quantity, stk_sum (r) AS revenue FROM (" \
  rows \
  ") GROUP BY item_id) t" \
  " JOIN items i ON i.id = t.item_id" \
  " ORDER BY t.quantity DESC, t.revenue DESC, i.code LIMIT ?3"
  if (!stk_sqlite_has_tax (db, &taxed, error))
    return FALSE;
  stmt = stk_db_stmt (db,
                      taxed ? TOP_SELLERS_SQL (NET_SALES_ROWS) : TOP_SELLERS_SQL (NET_SALES_ROWS_V8),
                      error);
#undef TOP_SELLERS_SQL
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from_us);
  sqlite3_bind_int64 (stmt, 2, to_us);
  sqlite3_bind_int64 (stmt, 3, top_limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkTopSeller *t = g_new0 (StkTopSeller, 1);

      t->item_id = sqlite3_column_int64 (stmt, 0);
      t->code = stk_query_column_dup (stmt, 1);
      t->description = stk_query_column_dup (stmt, 2);
      t->quantity = sqlite3_column_int64 (stmt, 3);
      t->revenue_cents = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (report->top_sellers, t);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot read the top sellers"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
report_stock (sqlite3    *db,
              StkReport  *report,
              GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = stk_db_stmt (db,
                      "SELECT stk_sum (stk_mul (max (on_hand, 0), unit_price_cents)),"
                      "       count (*) FILTER (WHERE reorder_level > 0 AND on_hand <= reorder_level)"
                      " FROM items WHERE archived = 0",
                      error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      report->stock_value_cents = sqlite3_column_int64 (stmt, 0);
      report->below_reorder_count = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      stk_query_set_read_error (error, db, _("Cannot read the stock value"));
      return FALSE;
    }

  /* "+reorder_level" keeps SQLite off items_sort_reorder: reorder_level > 0 holds for
   * most items, and a scan is ~20 times faster than an index walk with a table lookup
   * per row (0.3 s instead of 7 s on a million items). */
  stmt = stk_db_stmt (db,
                      "SELECT " ITEM_COLUMNS " FROM items"
                      " WHERE archived = 0 AND +reorder_level > 0 AND on_hand <= reorder_level"
                      " ORDER BY CAST (on_hand AS REAL) / reorder_level, on_hand, code LIMIT ?1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, BELOW_REORDER_LIMIT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkItemInfo *info = g_new0 (StkItemInfo, 1);

      read_item (stmt, info);
      g_ptr_array_add (report->below_reorder, info);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot read the items below their reorder level"));
      return FALSE;
    }
  return TRUE;
}

StkReport *
stk_query_report (sqlite3      *db,
                  guint         days,
                  guint         top_limit,
                  gint64        now_us,
                  GError      **error)
{
  g_autoptr(StkReport) report = NULL;
  gboolean own_transaction;
  gboolean ok;

  g_return_val_if_fail (db != NULL, NULL);

  if (days == 0 || days > MAX_REPORT_DAYS)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("A report covers 1 to %d days, not %u."), MAX_REPORT_DAYS, days);
      return NULL;
    }
  if (now_us <= 0)
    now_us = stk_db_now_us ();

  report = g_new0 (StkReport, 1);
  report->days = days;
  report->per_day = g_array_sized_new (FALSE, TRUE, sizeof (StkDayTotal), days);
  report->top_sellers = g_ptr_array_new_with_free_func (top_seller_free);
  report->below_reorder = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_item_info_free);

  /* One read transaction: every figure comes from the same snapshot. */
  own_transaction = sqlite3_get_autocommit (db);
  if (own_transaction && !stk_db_begin (db, STK_TXN_READ, error))
    return NULL;
  ok = report_per_day (db, report, now_us, error) &&
       report_top_sellers (db, report, local_midnight_us (now_us, -(int) (days - 1)),
                           local_midnight_us (now_us, 1), top_limit, error) &&
       report_stock (db, report, error);
  if (own_transaction)
    stk_db_end_read (db);
  if (!ok)
    return NULL;
  return g_steal_pointer (&report);
}

/* ---- async ---- */

