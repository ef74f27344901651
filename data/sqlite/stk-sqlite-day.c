/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sqlite-private.h"

#include <glib/gi18n.h>

#include "stk-day.h"
#include "stk-db.h"
#include "stk-error.h"
#include "stk-op-payloads.h"
#include "stk-query-private.h"
#include "stk-schema-private.h"

/* The close of the day (data/stk-day.h) on SQLite: day_closes and day_close_methods
 * (format 8). */

typedef struct
{
  gint64 id;
  gint64 closed_at;
  gint64 last_sale_id;
  gint64 last_return_id;
} CloseMark;

/* The close before @close_id (the newest when @close_id is 0); all zero, with the
 * beginning of time, when there is none. */
static gboolean
read_previous_close (sqlite3    *db,
                     gint64      close_id,
                     CloseMark  *out,
                     GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *out = (CloseMark) { 0, STK_DAY_BEGINNING_US, 0, 0 };
  stmt = stk_db_stmt (db,
                      "SELECT id, closed_at, last_sale_id, last_return_id FROM day_closes"
                      " WHERE ?1 = 0 OR id < ?1 ORDER BY id DESC LIMIT 1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, close_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out->id = sqlite3_column_int64 (stmt, 0);
      out->closed_at = sqlite3_column_int64 (stmt, 1);
      out->last_sale_id = sqlite3_column_int64 (stmt, 2);
      out->last_return_id = sqlite3_column_int64 (stmt, 3);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot read the closes of the day"));
      return FALSE;
    }
  return TRUE;
}

/* The shop's payment methods as stored (the defaults for an inventory without them). */
static GStrv
read_payment_methods (sqlite3  *db,
                      GError  **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, "SELECT value FROM settings WHERE key = 'payment_methods'",
                                    error);
  GStrv methods = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_TEXT)
    methods = g_strsplit ((const char *) sqlite3_column_text (stmt, 0), "\n", -1);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot read the shop’s settings"));
      return NULL;
    }
  if (methods == NULL || methods[0] == NULL)
    {
      g_strfreev (methods);
      methods = g_strsplit (STK_PAYMENT_METHODS_DEFAULT, "\n", -1);
    }
  return methods;
}

static StkDayMethod *
find_method (GPtrArray  *methods,
             const char *method)
{
  for (guint i = 0; i < methods->len; i++)
    {
      StkDayMethod *m = g_ptr_array_index (methods, i);

      if (g_str_equal (m->method, method))
        return m;
    }
  return NULL;
}

static StkDayMethod *
add_method (GPtrArray  *methods,
            const char *method)
{
  StkDayMethod *m = g_new0 (StkDayMethod, 1);

  m->method = g_strdup (method);
  g_ptr_array_add (methods, m);
  return m;
}

/* Columns 1 to 9 of @stmt (sales, sales_cents, voids, voids_cents, returns,
 * returns_cents, sales_tax_cents, voids_tax_cents, returns_tax_cents) into @m: the
 * figures query's and day_close_methods' order. */
static void
read_method_figures (sqlite3_stmt *stmt,
                     StkDayMethod *m)
{
  m->sales_tax_cents = sqlite3_column_int64 (stmt, 7);
  m->voids_tax_cents = sqlite3_column_int64 (stmt, 8);
  m->returns_tax_cents = sqlite3_column_int64 (stmt, 9);
  m->sales = sqlite3_column_int64 (stmt, 1);
  m->sales_cents = sqlite3_column_int64 (stmt, 2);
  m->voids = sqlite3_column_int64 (stmt, 3);
  m->voids_cents = sqlite3_column_int64 (stmt, 4);
  m->returns = sqlite3_column_int64 (stmt, 5);
  m->returns_cents = sqlite3_column_int64 (stmt, 6);
}

/* Columns 0 to 3 of @stmt (name, rate_bp or NULL, total_cents, tax_cents) added to
 * @taxes: the tax query's and day_close_taxes' order. */
static void
read_tax_part (sqlite3_stmt *stmt,
               GPtrArray    *taxes)
{
  stk_tax_parts_add (taxes, (const char *) sqlite3_column_text (stmt, 0),
                     sqlite3_column_type (stmt, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 1),
                     sqlite3_column_int64 (stmt, 2), sqlite3_column_int64 (stmt, 3));
}

static void
bind_span (sqlite3_stmt    *stmt,
           const CloseMark *prev,
           gint64           last_sale_id,
           gint64           last_return_id,
           gint64           until_us)
{
  sqlite3_bind_int64 (stmt, 1, prev->last_sale_id);
  sqlite3_bind_int64 (stmt, 2, last_sale_id);
  sqlite3_bind_int64 (stmt, 3, prev->last_return_id);
  sqlite3_bind_int64 (stmt, 4, last_return_id);
  sqlite3_bind_int64 (stmt, 5, prev->closed_at);
  sqlite3_bind_int64 (stmt, 6, until_us);
}

static int
compare_other_methods (gconstpointer a,
                       gconstpointer b)
{
  const StkDayMethod *ma = *(StkDayMethod *const *) a;
  const StkDayMethod *mb = *(StkDayMethod *const *) b;

  /* "" (not recorded) last. */
  if ((*ma->method == '\0') != (*mb->method == '\0'))
    return *ma->method == '\0' ? 1 : -1;
  return g_utf8_collate (ma->method, mb->method);
}

/* The figures recorded after @prev up to @last_sale_id, @last_return_id and
 * @until_us, into @report's methods: the shop's list first, in its order, then any
 * other payment recorded. */
static gboolean
compute_figures (sqlite3          *db,
                 const CloseMark  *prev,
                 gint64            last_sale_id,
                 gint64            last_return_id,
                 gint64            until_us,
                 StkDayReport     *report,
                 GError          **error)
{
  g_auto(GStrv) shop = read_payment_methods (db, error);
  g_autoptr(GPtrArray) others = g_ptr_array_new ();
  sqlite3_stmt *stmt;
  gboolean taxed;
  int rc;

  if (shop == NULL)
    return FALSE;
  for (guint i = 0; shop[i] != NULL; i++)
    if (find_method (report->methods, shop[i]) == NULL)
      add_method (report->methods, shop[i]);

  /* The close must not go on past a failed read: SQLite has rolled its transaction
   * back. */
  if (!stk_sqlite_has_tax (db, &taxed, error))
    return FALSE;
  stmt = stk_db_stmt (db,
                      taxed ? STK_DAY_FIGURES_SQL ("?1", "?2", "?3", "?4", "?5", "?6")
                            : STK_DAY_FIGURES_V8_SQL ("?1", "?2", "?3", "?4", "?5", "?6"),
                      error);
  if (stmt == NULL)
    return FALSE;
  bind_span (stmt, prev, last_sale_id, last_return_id, until_us);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *payment = (const char *) sqlite3_column_text (stmt, 0);
      StkDayMethod *m = find_method (report->methods, payment != NULL ? payment : "");

      if (m == NULL)
        {
          m = add_method (report->methods, payment != NULL ? payment : "");
          g_ptr_array_add (others, m);
        }
      read_method_figures (stmt, m);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot add up the day’s sales"));
      return FALSE;
    }

  /* The others after the shop's list, by name. */
  if (others->len > 1)
    {
      guint first = report->methods->len - others->len;

      g_ptr_array_sort (others, compare_other_methods);
      for (guint i = 0; i < others->len; i++)
        report->methods->pdata[first + i] = others->pdata[i];
    }

  if (taxed)
    {
      stmt = stk_db_stmt (db, STK_DAY_TAX_SQL ("?1", "?2", "?3", "?4", "?5", "?6"), error);
      if (stmt == NULL)
        return FALSE;
      bind_span (stmt, prev, last_sale_id, last_return_id, until_us);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        read_tax_part (stmt, report->taxes);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          stk_query_set_read_error (error, db, _("Cannot add up the day’s sales"));
          return FALSE;
        }
    }
  stk_day_report_sum (report);
  return TRUE;
}

static gboolean
read_last_ids (sqlite3  *db,
               gint64   *out_sale,
               gint64   *out_return,
               GError  **error)
{
  return stk_db_query_int64 (db, "SELECT coalesce (max (id), 0) FROM sales", out_sale, error) &&
         stk_db_query_int64 (db, "SELECT coalesce (max (id), 0) FROM returns", out_return, error);
}

gboolean
stk_sqlite_apply_close_day (StkOp    *op,
                            sqlite3  *db,
                            GError  **error)
{
  const StkCloseDayPayload *d = stk_op_get_payload (op);
  g_autoptr(StkDayReport) report = stk_day_report_new ();
  CloseMark prev;
  gint64 last_sale, last_return, now, close_id;
  sqlite3_stmt *stmt;

  if (!read_previous_close (db, 0, &prev, error) ||
      !read_last_ids (db, &last_sale, &last_return, error))
    return FALSE;
  /* Never back in time, even when the clock went back since the close before. */
  now = MAX (stk_db_now_us (), prev.closed_at);
  if (!compute_figures (db, &prev, last_sale, last_return, now, report, error))
    return FALSE;

  stmt = stk_db_stmt (db,
                      "INSERT INTO day_closes (uid, closed_at, last_sale_id, last_return_id,"
                      "  counted_cash_cents, expected_cash_cents, note)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, stk_op_get_id (op), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, last_sale);
  sqlite3_bind_int64 (stmt, 4, last_return);
  sqlite3_bind_int64 (stmt, 5, d->counted_cash_cents);
  sqlite3_bind_int64 (stmt, 6, report->expected_cash_cents);
  sqlite3_bind_text (stmt, 7, d->note, -1, SQLITE_STATIC);
  if (!stk_sqlite_step_done (stmt, db, _("Cannot close the day"), error))
    return FALSE;
  close_id = sqlite3_last_insert_rowid (db);

  stmt = stk_db_stmt (db,
                      "INSERT INTO day_close_methods (close_id, payment, position, sales,"
                      "  sales_cents, voids, voids_cents, returns, returns_cents,"
                      "  sales_tax_cents, voids_tax_cents, returns_tax_cents)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                      error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < report->methods->len; i++)
    {
      const StkDayMethod *m = g_ptr_array_index (report->methods, i);

      sqlite3_bind_int64 (stmt, 1, close_id);
      sqlite3_bind_text (stmt, 2, m->method, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, i);
      sqlite3_bind_int64 (stmt, 4, m->sales);
      sqlite3_bind_int64 (stmt, 5, m->sales_cents);
      sqlite3_bind_int64 (stmt, 6, m->voids);
      sqlite3_bind_int64 (stmt, 7, m->voids_cents);
      sqlite3_bind_int64 (stmt, 8, m->returns);
      sqlite3_bind_int64 (stmt, 9, m->returns_cents);
      sqlite3_bind_int64 (stmt, 10, m->sales_tax_cents);
      sqlite3_bind_int64 (stmt, 11, m->voids_tax_cents);
      sqlite3_bind_int64 (stmt, 12, m->returns_tax_cents);
      if (!stk_sqlite_step_done (stmt, db, _("Cannot close the day"), error))
        return FALSE;
    }

  stmt = stk_db_stmt (db,
                      "INSERT INTO day_close_taxes (close_id, position, name, rate_bp,"
                      "  total_cents, tax_cents) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                      error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < report->taxes->len; i++)
    {
      const StkTaxPart *t = g_ptr_array_index (report->taxes, i);

      sqlite3_bind_int64 (stmt, 1, close_id);
      sqlite3_bind_int64 (stmt, 2, i);
      sqlite3_bind_text (stmt, 3, t->name, -1, SQLITE_STATIC);
      if (t->rate_bp >= 0)
        sqlite3_bind_int64 (stmt, 4, t->rate_bp);
      else
        sqlite3_bind_null (stmt, 4);
      sqlite3_bind_int64 (stmt, 5, t->total_cents);
      sqlite3_bind_int64 (stmt, 6, t->tax_cents);
      if (!stk_sqlite_step_done (stmt, db, _("Cannot close the day"), error))
        return FALSE;
    }
  stk_op_set_row_id (op, close_id);
  return TRUE;
}

static gboolean
has_day_closes (sqlite3   *db,
                gboolean  *out_closes,
                GError   **error)
{
  return stk_sqlite_has_table (db, "day_closes", out_closes, error);
}

StkDayReport *
stk_sqlite_day_report (sqlite3  *db,
                       gint64    close_id,
                       GError  **error)
{
  g_autoptr(StkDayReport) report = stk_day_report_new ();
  gboolean closes;
  gboolean taxed;
  CloseMark prev;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  if (!has_day_closes (db, &closes, error))
    return NULL;
  g_return_val_if_fail (close_id >= 0, NULL);

  if (close_id == 0)
    {
      gint64 last_sale, last_return;

      /* The day not closed yet: what a close would record now. */
      if (closes && !read_previous_close (db, 0, &prev, error))
        return NULL;
      if (!closes)
        prev = (CloseMark) { 0, STK_DAY_BEGINNING_US, 0, 0 };
      if (!read_last_ids (db, &last_sale, &last_return, error))
        return NULL;
      report->from_us = prev.id != 0 ? prev.closed_at : 0;
      report->to_us = MAX (stk_db_now_us (), prev.closed_at);
      if (!compute_figures (db, &prev, last_sale, last_return, report->to_us, report, error))
        return NULL;
      return g_steal_pointer (&report);
    }

  if (!closes)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, close_id);

      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("There is no close %s."), id);
      return NULL;
    }
  if (!read_previous_close (db, close_id, &prev, error))
    return NULL;
  stmt = stk_db_stmt (db,
                      "SELECT closed_at, counted_cash_cents, note FROM day_closes WHERE id = ?1",
                      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, close_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      report->close_id = close_id;
      report->from_us = prev.id != 0 ? prev.closed_at : 0;
      report->to_us = sqlite3_column_int64 (stmt, 0);
      report->counted = TRUE;
      report->counted_cash_cents = sqlite3_column_int64 (stmt, 1);
      g_free (report->note);
      report->note = stk_query_column_dup (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, close_id);

      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("There is no close %s."), id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      stk_query_set_read_error (error, db, _("Cannot read the closes of the day"));
      return NULL;
    }

  if (!stk_sqlite_has_tax (db, &taxed, error))
    return NULL;
  stmt = stk_db_stmt (db,
                      taxed ? "SELECT payment, sales, sales_cents, voids, voids_cents, returns,"
                              "  returns_cents, sales_tax_cents, voids_tax_cents,"
                              "  returns_tax_cents FROM day_close_methods WHERE close_id = ?1"
                              " ORDER BY position"
                            : "SELECT payment, sales, sales_cents, voids, voids_cents, returns,"
                              "  returns_cents, 0, 0, 0 FROM day_close_methods"
                              " WHERE close_id = ?1 ORDER BY position",
                      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, close_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *payment = stk_query_column_dup (stmt, 0);

      read_method_figures (stmt, add_method (report->methods, payment));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot read the closes of the day"));
      return NULL;
    }
  if (taxed)
    {
      stmt = stk_db_stmt (db,
                          "SELECT name, rate_bp, total_cents, tax_cents FROM day_close_taxes"
                          " WHERE close_id = ?1 ORDER BY position",
                          error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, close_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        read_tax_part (stmt, report->taxes);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          stk_query_set_read_error (error, db, _("Cannot read the closes of the day"));
          return NULL;
        }
    }
  stk_day_report_sum (report);
  return g_steal_pointer (&report);
}

gboolean
stk_sqlite_day_close_between (sqlite3  *db,
                              gint64    from_us,
                              gint64    to_us,
                              gint64   *out_id,
                              GError  **error)
{
  sqlite3_stmt *stmt;
  gboolean closes;
  int rc;

  g_return_val_if_fail (out_id != NULL, FALSE);

  *out_id = 0;
  if (!has_day_closes (db, &closes, error))
    return FALSE;
  if (!closes)
    return TRUE;
  stmt = stk_db_stmt (db,
                      "SELECT id FROM day_closes WHERE closed_at >= ?1 AND closed_at < ?2"
                      " ORDER BY id DESC LIMIT 1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from_us);
  sqlite3_bind_int64 (stmt, 2, to_us);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot read the closes of the day"));
      return FALSE;
    }
  return TRUE;
}

GArray *
stk_sqlite_day_closes (sqlite3  *db,
                       guint     limit,
                       GError  **error)
{
  g_autoptr(GArray) closes = g_array_new (FALSE, TRUE, sizeof (StkDayCloseSummary));
  sqlite3_stmt *stmt;
  gboolean has_closes;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  if (!has_day_closes (db, &has_closes, error))
    return NULL;
  if (!has_closes)
    return g_steal_pointer (&closes);
  stmt = stk_db_stmt (db,
                      "SELECT c.id, c.closed_at, c.expected_cash_cents, c.counted_cash_cents,"
                      "  (SELECT coalesce (sum (sales), 0) FROM day_close_methods WHERE close_id = c.id),"
                      "  (SELECT coalesce (stk_sum (sales_cents - voids_cents - returns_cents), 0)"
                      "   FROM day_close_methods WHERE close_id = c.id)"
                      " FROM day_closes c ORDER BY c.id DESC LIMIT ?1",
                      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkDayCloseSummary c = {
        .close_id = sqlite3_column_int64 (stmt, 0),
        .closed_at_us = sqlite3_column_int64 (stmt, 1),
        .expected_cash_cents = sqlite3_column_int64 (stmt, 2),
        .counted_cash_cents = sqlite3_column_int64 (stmt, 3),
        .sales = sqlite3_column_int64 (stmt, 4),
        .net_cents = sqlite3_column_int64 (stmt, 5),
      };

      c.difference_cents = c.counted_cash_cents - c.expected_cash_cents;
      g_array_append_val (closes, c);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_query_set_read_error (error, db, _("Cannot read the closes of the day"));
      return NULL;
    }
  return g_steal_pointer (&closes);
}

GStrv
stk_sqlite_payment_methods (sqlite3  *db,
                            GError  **error)
{
  return read_payment_methods (db, error);
}
