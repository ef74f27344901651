/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its engine tests): SQLite does not leave data/. */
#ifndef STK_DATA_INTERNAL
#error "stk-schema-private.h is private to data/; use the public headers"
#endif

#include <glib.h>
#include <sqlite3.h>

#include "stk-schema.h"

G_BEGIN_DECLS

/* The receipt-number series of a sale or return made at @at_us (microseconds since the
 * epoch), as an SQL expression: '' (one sequence) or, when settings 'receipt_series' is
 * 'yearly', the year of that time in local time. Part of migration 7's text (and of the
 * bulk import's): never change it; a new rule is a new migration. */
#define STK_RECEIPT_SERIES_SQL(at_us) \
  "CASE (SELECT value FROM settings WHERE key = 'receipt_series')" \
  " WHEN 'yearly' THEN strftime ('%Y', (" at_us ") / 1000000, 'unixepoch', 'localtime')" \
  " ELSE '' END"

/* The payment methods an inventory starts with (STK_PAYMENT_METHODS_DEFAULT), as an
 * SQL expression. Part of migration 8's text: never change it. */
#define STK_PAYMENT_METHODS_DEFAULT_SQL "'cash' || char (10) || 'card' || char (10) || 'other'"

/* The figures of a close by payment (payment, sales, sales_cents, voids, voids_cents,
 * returns, returns_cents, sales_tax_cents, voids_tax_cents, returns_tax_cents): the
 * sales lines with ids in (PS, LS], the returns with ids in (PR, LR], the voids made in
 * (PA, LA]; each SQL expressions. A return or a void counts under its sale's payment
 * (its first line's). Amounts are what the customer paid, tax included (total_cents). */
#define STK_DAY_FIGURES_SQL(ps, ls, pr, lr, pa, la) \
  STK_DAY_FIGURES_SQL_OF (ps, ls, pr, lr, pa, la, "l.total_cents", "l.tax_cents", "r.tax_cents")
/* The same before format 9 (no tax). */
#define STK_DAY_FIGURES_V8_SQL(ps, ls, pr, lr, pa, la) \
  STK_DAY_FIGURES_SQL_OF (ps, ls, pr, lr, pa, la, \
                          "(stk_mul (l.quantity, l.unit_price_cents) - l.discount_cents)", "0", "0")
#define STK_DAY_FIGURES_SQL_OF(ps, ls, pr, lr, pa, la, total, tax, rtax) \
  "SELECT payment, sum (n_sales) AS sales, stk_sum (sales_cents) AS sales_cents," \
  " sum (n_voids) AS voids, stk_sum (voids_cents) AS voids_cents," \
  " sum (n_returns) AS returns, stk_sum (returns_cents) AS returns_cents," \
  " stk_sum (sales_tax) AS sales_tax_cents, stk_sum (voids_tax) AS voids_tax_cents," \
  " stk_sum (returns_tax) AS returns_tax_cents FROM (" \
  " SELECT f.payment AS payment, l.first_line IS NULL AS n_sales," \
  "   " total " AS sales_cents, 0 AS n_voids, 0 AS voids_cents, 0 AS n_returns," \
  "   0 AS returns_cents, " tax " AS sales_tax, 0 AS voids_tax, 0 AS returns_tax" \
  "  FROM sales l JOIN sales f ON f.id = coalesce (l.first_line, l.id)" \
  "  WHERE l.id > (" ps ") AND l.id <= (" ls ")" \
  " UNION ALL" \
  " SELECT f.payment, 0, 0, l.first_line IS NULL, " total ", 0, 0, 0, " tax ", 0" \
  "  FROM sale_voids v JOIN sales l ON l.id = v.sale_id" \
  "  JOIN sales f ON f.id = coalesce (l.first_line, l.id)" \
  "  WHERE v.voided_at > (" pa ") AND v.voided_at <= (" la ")" \
  " UNION ALL" \
  " SELECT f.payment, 0, 0, 0, 0, 1, r.refund_cents, 0, 0, " rtax \
  "  FROM returns r JOIN sales l ON l.id = r.line_id" \
  "  JOIN sales f ON f.id = coalesce (l.first_line, l.id)" \
  "  WHERE r.id > (" pr ") AND r.id <= (" lr ")" \
  ") GROUP BY payment"

/* The same span's figures by tax rate (name, rate_bp (NULL: no tax), total_cents,
 * tax_cents): sales − voids − returns, tax included, biggest rate first. */
#define STK_DAY_TAX_SQL(ps, ls, pr, lr, pa, la) \
  "SELECT name, rate, stk_sum (total) AS total_cents, stk_sum (tax) AS tax_cents FROM (" \
  " SELECT l.tax_name AS name, l.tax_rate_bp AS rate, l.total_cents AS total," \
  "   l.tax_cents AS tax FROM sales l WHERE l.id > (" ps ") AND l.id <= (" ls ")" \
  " UNION ALL" \
  " SELECT l.tax_name, l.tax_rate_bp, -l.total_cents, -l.tax_cents" \
  "  FROM sale_voids v JOIN sales l ON l.id = v.sale_id" \
  "  WHERE v.voided_at > (" pa ")" \
  "   AND v.voided_at <= (" la ")" \
  " UNION ALL" \
  " SELECT l.tax_name, l.tax_rate_bp, -r.refund_cents, -r.tax_cents" \
  "  FROM returns r JOIN sales l ON l.id = r.line_id" \
  "  WHERE r.id > (" pr ") AND r.id <= (" lr ")" \
  ") GROUP BY name, rate ORDER BY rate IS NULL, rate DESC, name"

/* Before any close: the time a first close's voids start after. */
#define STK_DAY_BEGINNING_US G_GINT64_CONSTANT (-9223372036854775807)
#define STK_DAY_BEGINNING_US_SQL "(-9223372036854775807)"

int      stk_schema_get_version (sqlite3  *db,
                                 GError  **error);
gboolean stk_schema_migrate     (sqlite3  *db,
                                 int       target_version,
                                 GError  **error);

G_END_DECLS
