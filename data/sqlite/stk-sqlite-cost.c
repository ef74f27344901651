/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sqlite-private.h"

#include <glib/gi18n.h>

#include "stk-cost.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-op-payloads.h"

/*
 * Cost and margin on SQLite (format 10, data/stk-cost.h): the default cost op, the
 * cost a receipt and a sale line record, the valuation and margin reads, and verify's
 * recomputation of every average and every line's cost from the history. The average
 * itself moves in the trigger movements_cost (stk-schema.c), with stk_cost_average().
 */

gboolean
stk_sqlite_has_cost (sqlite3   *db,
                     gboolean  *out_has,
                     GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *out_has = FALSE;
  rc = sqlite3_prepare_v2 (db, "SELECT 1 FROM pragma_table_info ('items')"
                               " WHERE name = 'average_cost_cents'",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Database error"));
  sqlite3_finalize (stmt);
  *out_has = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean item_costs (sqlite3     *db,
                            gint64       item_id,
                            const char  *code,
                            gint64      *out_on_hand,
                            gint64      *out_default,
                            gint64      *out_average,
                            GError     **error);

gboolean
stk_sqlite_item_fill_cost (sqlite3      *db,
                           StkItemInfo  *info,
                           GError      **error)
{
  gint64 on_hand = 0;
  gboolean has_cost;

  if (!stk_sqlite_has_cost (db, &has_cost, error))
    {
      stk_item_info_clear (info);
      return FALSE;
    }
  if (!has_cost)
    return TRUE;
  if (!item_costs (db, info->id, info->code, &on_hand, &info->default_cost_cents,
                   &info->average_cost_cents, error))
    {
      stk_item_info_clear (info);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_negative_cost (GError     **error,
                   const char  *code)
{
  g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
               _("The cost of “%s” is negative."), code);
  return FALSE;
}

/* Names @code in an overflow error of stk-cost.c. */
static gboolean
name_in_error (GError     **error,
               GError      *local_error,
               const char  *code)
{
  g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, "“%s”: %s", code,
               local_error->message);
  g_error_free (local_error);
  return FALSE;
}

gboolean
stk_sqlite_apply_item_cost (StkOp    *op,
                            sqlite3  *db,
                            GError  **error)
{
  const StkItemCostPayload *d = stk_op_get_payload (op);
  sqlite3_stmt *stmt;

  if (d->default_cost_cents < 0)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("An item’s default cost cannot be negative."));
      return FALSE;
    }
  stmt = stk_db_stmt (db,
                      "UPDATE items SET default_cost_cents = ?2, updated_at = ?3 WHERE id = ?1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->item_id);
  sqlite3_bind_int64 (stmt, 2, d->default_cost_cents);
  sqlite3_bind_int64 (stmt, 3, stk_db_now_us ());
  if (!stk_sqlite_step_done (stmt, db, _("Cannot change the item’s cost"), error))
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

/* Item @item_id's on-hand, default and average cost. */
static gboolean
item_costs (sqlite3     *db,
            gint64       item_id,
            const char  *code,
            gint64      *out_on_hand,
            gint64      *out_default,
            gint64      *out_average,
            GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db,
                                    "SELECT on_hand, default_cost_cents, average_cost_cents"
                                    " FROM items WHERE id = ?1",
                                    error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_on_hand = sqlite3_column_int64 (stmt, 0);
      *out_default = sqlite3_column_int64 (stmt, 1);
      *out_average = sqlite3_column_int64 (stmt, 2);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("Unknown item code “%s”."), code);
  else
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), code);
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}

gboolean
stk_sqlite_receipt_cost (sqlite3     *db,
                         gint64       item_id,
                         const char  *code,
                         gint64       quantity,
                         gboolean     given,
                         gint64       cost,
                         gint64      *out_cost,
                         GError     **error)
{
  GError *local_error = NULL;
  gint64 on_hand = 0, default_cost = 0, average = 0, after = 0;

  *out_cost = -1;
  if (given && cost < 0)
    return set_negative_cost (error, code);
  if (quantity <= 0)
    return TRUE; /* insert_movement refuses it with its sentence */
  if (!item_costs (db, item_id, code, &on_hand, &default_cost, &average, error))
    return FALSE;
  if (!given)
    {
      if (default_cost == 0)
        return TRUE;
      cost = default_cost;
    }
  /* The trigger computes the same; refused here first with the item named. */
  if (!stk_cost_average (on_hand, average, quantity, cost, &after, &local_error))
    return name_in_error (error, local_error, code);
  *out_cost = cost;
  return TRUE;
}

gboolean
stk_sqlite_line_cost (sqlite3     *db,
                      gint64       item_id,
                      const char  *code,
                      gint64       quantity,
                      gint64      *out_cost,
                      GError     **error)
{
  GError *local_error = NULL;
  gint64 on_hand = 0, default_cost = 0, average = 0;

  *out_cost = 0;
  if (!item_costs (db, item_id, code, &on_hand, &default_cost, &average, error))
    return FALSE;
  if (!stk_cost_multiply (quantity, average, out_cost, &local_error))
    return name_in_error (error, local_error, code);
  return TRUE;
}

/* The reports' precondition: a schema with costs (format 10); an error when the schema
 * cannot be read or has none yet. */
static gboolean
require_costs (sqlite3  *db,
               GError  **error)
{
  gboolean has_cost;

  if (!stk_sqlite_has_cost (db, &has_cost, error))
    return FALSE;
  if (!has_cost)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_FAILED,
                           _("This inventory has no costs yet: open it for editing once to "
                             "upgrade it."));
      return FALSE;
    }
  return TRUE;
}

static void
valuation_item_free (StkValuationItem *item)
{
  g_free (item->code);
  g_free (item->description);
  g_free (item);
}

static gboolean
too_large (GError **error)
{
  g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("The cost is too large to be computed exactly (over "
                         "92,233,720,368,547,758.07)."));
  return FALSE;
}

StkValuation *
stk_sqlite_valuation (sqlite3  *db,
                      GError  **error)
{
  g_autoptr(StkValuation) v = g_new0 (StkValuation, 1);
  sqlite3_stmt *stmt;
  int rc;

  if (!require_costs (db, error))
    return NULL;
  v->items = g_ptr_array_new_with_free_func ((GDestroyNotify) valuation_item_free);
  stmt = stk_db_stmt (db,
                      "SELECT id, code, description, on_hand, default_cost_cents,"
                      " average_cost_cents, unit_price_cents, stk_mul (on_hand, average_cost_cents),"
                      " stk_mul (on_hand, unit_price_cents)"
                      " FROM items WHERE on_hand > 0 ORDER BY code, id",
                      error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkValuationItem *it = g_new0 (StkValuationItem, 1);

      it->item_id = sqlite3_column_int64 (stmt, 0);
      it->code = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      it->description = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      it->on_hand = sqlite3_column_int64 (stmt, 3);
      it->default_cost_cents = sqlite3_column_int64 (stmt, 4);
      it->average_cost_cents = sqlite3_column_int64 (stmt, 5);
      it->unit_price_cents = sqlite3_column_int64 (stmt, 6);
      it->value_at_cost_cents = sqlite3_column_int64 (stmt, 7);
      it->value_at_price_cents = sqlite3_column_int64 (stmt, 8);
      g_ptr_array_add (v->items, it);
      if (it->average_cost_cents == 0)
        v->unknown_items++;
      if (__builtin_add_overflow (v->units, it->on_hand, &v->units) ||
          __builtin_add_overflow (v->value_at_cost_cents, it->value_at_cost_cents,
                                  &v->value_at_cost_cents) ||
          __builtin_add_overflow (v->value_at_price_cents, it->value_at_price_cents,
                                  &v->value_at_price_cents))
        {
          sqlite3_reset (stmt);
          too_large (error);
          return NULL;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot add up the stock’s value"));
      return NULL;
    }
  return g_steal_pointer (&v);
}

/* Lines sold in [?1, ?2) and not voided, and returns made then: per item, quantity,
 * revenue net of tax, that of the lines with a known cost, cost, lines of unknown cost. */
#define MARGIN_SQL \
  "SELECT i.id, i.code, i.description, stk_sum (x.qty), stk_sum (x.rev)," \
  "  stk_sum (CASE WHEN x.known THEN x.rev ELSE 0 END), stk_sum (x.cost)," \
  "  sum (CASE WHEN x.known THEN 0 ELSE x.line END)" \
  " FROM (SELECT s.item_id, s.quantity AS qty, s.total_cents - s.tax_cents AS rev," \
  "         s.cost_cents AS cost, s.cost_cents > 0 AS known, 1 AS line" \
  "       FROM sales s WHERE s.sold_at >= ?1 AND s.sold_at < ?2" \
  "        AND NOT EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)" \
  "       UNION ALL" \
  "       SELECT s.item_id, -r.quantity, r.tax_cents - r.refund_cents, -r.cost_cents," \
  "         s.cost_cents > 0, 0" \
  "       FROM returns r JOIN sales s ON s.id = r.line_id" \
  "       WHERE r.returned_at >= ?1 AND r.returned_at < ?2) x" \
  " JOIN items i ON i.id = x.item_id GROUP BY i.id ORDER BY i.code, i.id"

StkMarginReport *
stk_sqlite_margin_report (sqlite3  *db,
                          gint64    from_us,
                          gint64    to_us,
                          GError  **error)
{
  g_autoptr(StkMarginReport) report = g_new0 (StkMarginReport, 1);
  sqlite3_stmt *stmt;
  int rc;

  if (!require_costs (db, error))
    return NULL;
  report->from_us = from_us;
  report->to_us = to_us;
  report->items = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_margin_row_free);
  stmt = stk_db_stmt (db, MARGIN_SQL, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from_us);
  sqlite3_bind_int64 (stmt, 2, to_us);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkMarginRow *row = g_new0 (StkMarginRow, 1);
      g_autoptr(GError) local_error = NULL;

      row->item_id = sqlite3_column_int64 (stmt, 0);
      row->code = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->description = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->quantity = sqlite3_column_int64 (stmt, 3);
      row->revenue_cents = sqlite3_column_int64 (stmt, 4);
      row->costed_revenue_cents = sqlite3_column_int64 (stmt, 5);
      row->cost_cents = sqlite3_column_int64 (stmt, 6);
      row->unknown_lines = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (report->items, row);
      if (__builtin_sub_overflow (row->costed_revenue_cents, row->cost_cents,
                                  &row->margin_cents) ||
          !stk_margin_row_add (&report->total, row, &local_error))
        {
          sqlite3_reset (stmt);
          too_large (error);
          return NULL;
        }
      row->margin_bp = stk_cost_margin_bp (row->margin_cents, row->costed_revenue_cents);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot add up the margin"));
      return NULL;
    }
  return g_steal_pointer (&report);
}

static char *
num (gint64 n)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, n);
}

static gboolean
verify_fail (sqlite3  *db,
             GError  **error)
{
  stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot verify the inventory"));
  return FALSE;
}

gboolean
stk_sqlite_verify_costs (sqlite3    *db,
                         GPtrArray  *problems,
                         GError    **error)
{
  g_autoptr(GHashTable) averages = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                          g_free, g_free);
  sqlite3_stmt *stmt = NULL;
  gint64 item = 0, average = 0;
  gboolean broken = FALSE; /* the item's average overflowed: reported once */
  int rc;
  gboolean has_cost;

  if (!stk_sqlite_has_cost (db, &has_cost, error))
    return FALSE;
  if (!has_cost)
    return TRUE;

  /* The history in order, per item: what brings stock in at a cost moves the average;
   * each sale line's cost is its quantity at the average then. */
  if (sqlite3_prepare_v2 (db,
                          "SELECT m.item_id, m.id, m.quantity, m.balance, m.unit_cost_cents,"
                          " s.id, s.quantity, s.cost_cents FROM movements m"
                          " LEFT JOIN sales s ON s.id = m.sale_id"
                          " WHERE m.unit_cost_cents IS NOT NULL OR m.sale_id IS NOT NULL"
                          " UNION ALL SELECT id, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
                          " FROM items ORDER BY 1, 2 NULLS LAST",
                          -1, &stmt, NULL) != SQLITE_OK)
    return verify_fail (db, error);
  for (;;)
    {
      gint64 item_id;

      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        break;
      item_id = sqlite3_column_int64 (stmt, 0);
      if (item_id != item)
        {
          item = item_id;
          average = 0;
          broken = FALSE;
        }
      if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
        {
          /* The item's last row: its average as the history gives it. */
          gint64 *key = g_new (gint64, 1), *value = g_new (gint64, 1);

          *key = item_id;
          *value = broken ? -1 : average;
          g_hash_table_replace (averages, key, value);
          continue;
        }
      if (broken)
        continue;
      if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        {
          gint64 quantity = sqlite3_column_int64 (stmt, 2);
          gint64 cost = sqlite3_column_int64 (stmt, 4);

          if (quantity <= 0 || cost < 0 ||
              !stk_cost_average (sqlite3_column_int64 (stmt, 3) - quantity, average, quantity,
                                 cost, &average, NULL))
            broken = TRUE;
        }
      else
        {
          gint64 expected = 0;
          gint64 recorded = sqlite3_column_int64 (stmt, 7);

          if (!stk_cost_multiply (sqlite3_column_int64 (stmt, 6), average, &expected, NULL))
            broken = TRUE;
          else if (expected != recorded)
            {
              g_autofree char *line = num (sqlite3_column_int64 (stmt, 5));
              g_autofree char *r = num (recorded), *e = num (expected);

              /* Translators: a sale line's number, two amounts in cents */
              g_ptr_array_add (problems,
                               g_strdup_printf (_("Sale line %s records a cost of %s cents, but "
                                                  "its item’s average cost then gives %s."),
                                                line, r, e));
            }
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return verify_fail (db, error);

  if (sqlite3_prepare_v2 (db, "SELECT id, code, average_cost_cents FROM items ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return verify_fail (db, error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gint64 recorded = sqlite3_column_int64 (stmt, 2);
      const gint64 *expected = g_hash_table_lookup (averages, &id);
      const char *code = (const char *) sqlite3_column_text (stmt, 1);

      if (expected != NULL && *expected < 0)
        g_ptr_array_add (problems,
                         g_strdup_printf (_("The average cost of “%s” cannot be computed from "
                                            "its receipts: it is too large."), code));
      else if (recorded != (expected != NULL ? *expected : 0))
        {
          g_autofree char *r = num (recorded), *e = num (expected != NULL ? *expected : 0);

          g_ptr_array_add (problems,
                           g_strdup_printf (_("Item “%s” has an average cost of %s cents, but "
                                              "its receipts give %s."),
                                            code, r, e));
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return verify_fail (db, error);

  if (sqlite3_prepare_v2 (db,
                          "SELECT r.id, r.cost_cents, r.quantity * (s.cost_cents / s.quantity)"
                          " FROM returns r JOIN sales s ON s.id = r.line_id"
                          " WHERE r.cost_cents IS NOT r.quantity * (s.cost_cents / s.quantity)"
                          " ORDER BY r.id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return verify_fail (db, error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *id = num (sqlite3_column_int64 (stmt, 0));
      g_autofree char *r = num (sqlite3_column_int64 (stmt, 1));
      g_autofree char *e = num (sqlite3_column_int64 (stmt, 2));

      g_ptr_array_add (problems,
                       g_strdup_printf (_("Return %s takes back a cost of %s cents, but its "
                                          "line’s unit cost gives %s."),
                                        id, r, e));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return verify_fail (db, error);
  return TRUE;
}
