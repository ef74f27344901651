/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-columns.h"

#include <glib/gi18n.h>

#include "stk-format.h"
#include "stk-rows.h"

/* ---- formatters: one per kind of value, never per column ---- */

static char *
format_count (const GValue *value)
{
  return stk_format_count (g_value_get_int64 (value));
}

static char *
format_money (const GValue *value)
{
  return stk_format_currency (g_value_get_int64 (value));
}

/* A sale's total is G_MININT64 when quantity × price does not fit (ui/stk-rows.h). */
static char *
format_total (const GValue *value)
{
  if (g_value_get_int64 (value) == G_MININT64)
    return g_strdup (_("Too large"));
  return format_money (value);
}

static char *
format_datetime (const GValue *value)
{
  return stk_format_datetime_short (g_value_get_int64 (value));
}

static char *
format_sale_status (const GValue *value)
{
  switch (g_value_get_int (value))
    {
    case STK_SALE_STATUS_VOIDED:
      return g_strdup (C_("sale", "Voided"));
    case STK_SALE_STATUS_RETURNED:
      return g_strdup (C_("sale", "Returned"));
    case STK_SALE_STATUS_PARTLY_RETURNED:
      return g_strdup (C_("sale", "Partly returned"));
    default:
      return g_strdup ("");
    }
}

/* A sale's number: its id, as the receipt writes it (no grouping). */
static char *
format_number (const GValue *value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, g_value_get_int64 (value));
}

/* A quantity over a sale's lines is G_MININT64 when it does not fit. */
static char *
format_sale_count (const GValue *value)
{
  if (g_value_get_int64 (value) == G_MININT64)
    return g_strdup (_("Too large"));
  return format_count (value);
}

static char *
format_move_kind (const GValue *value)
{
  const char *kind = g_value_get_string (value);

  if (g_strcmp0 (kind, "receive") == 0)
    return g_strdup (C_("stock move", "Receipt"));
  if (g_strcmp0 (kind, "sale") == 0)
    return g_strdup (C_("stock move", "Sale"));
  if (g_strcmp0 (kind, "adjustment") == 0)
    return g_strdup (C_("stock move", "Adjustment"));
  if (g_strcmp0 (kind, "count") == 0)
    return g_strdup (C_("stock move", "Count"));
  return g_strdup (kind);
}

/* ---- the lists ---- */

static const StkColumnBadge low_stock = {
  "low-stock", "dialog-warning-symbolic", "stock level", NC_("stock level", "Low"),
  N_("Low stock"), "low-stock-label", "low-stock",
};

/* A voided sale keeps its figure, struck through (the Status column says "Voided"). */
static const StkColumnBadge voided_total = {
  "voided", NULL, NULL, NULL, NULL, NULL, "voided-total",
};

/* title, property, sort key, expand, numeric, format, badge */
static const StkColumn item_columns[] = {
  { N_("Code"), "code", "code", FALSE, FALSE, NULL, NULL },
  { N_("Description"), "description", "description", TRUE, FALSE, NULL, NULL },
  { N_("On Hand"), "on-hand", "on-hand", FALSE, TRUE, format_count, &low_stock },
  { N_("Price"), "unit-price-cents", "unit-price-cents", FALSE, TRUE, format_money, NULL },
  /* Translators: a column title over small numbers; the line break keeps the column
   * narrow (GTK cannot wrap a column title), so that Description gets the width. */
  { N_("Reorder\nLevel"), "reorder-level", "reorder-level", FALSE, TRUE, format_count, NULL },
  { N_("Last Change"), "updated-at", "updated-at", FALSE, FALSE, format_datetime, NULL },
};

static const StkColumn sale_columns[] = {
  { N_("Sale"), "id", "id", FALSE, TRUE, format_number, NULL },
  { N_("Sold"), "sold-at", "sold-at", FALSE, FALSE, format_datetime, NULL },
  { N_("Code"), "code", NULL, FALSE, FALSE, NULL, NULL },
  { N_("Item"), "item", NULL, TRUE, FALSE, NULL, NULL },
  { N_("Quantity"), "quantity", NULL, FALSE, TRUE, format_sale_count, NULL },
  { N_("Total"), "total-cents", NULL, FALSE, TRUE, format_total, &voided_total },
  { N_("Status"), "status", NULL, FALSE, FALSE, format_sale_status, NULL },
};

static const StkColumn move_columns[] = {
  { N_("Date"), "moved-at", "moved-at", FALSE, FALSE, format_datetime, NULL },
  { N_("Code"), "code", NULL, FALSE, FALSE, NULL, NULL },
  { N_("Kind"), "kind", NULL, FALSE, FALSE, format_move_kind, NULL },
  { N_("Quantity"), "quantity", NULL, FALSE, TRUE, format_count, NULL },
  { N_("Balance"), "balance", NULL, FALSE, TRUE, format_count, NULL },
  { N_("Reason"), "reason", NULL, TRUE, FALSE, NULL, NULL },
  /* Translators: the column of a stock move's receipt number (of its sale or return) */
  { N_("Receipt"), "receipt", NULL, FALSE, TRUE, NULL, NULL },
};

static const StkColumns lists[] = {
  [STK_TABLE_KIND_ITEMS] = {
    N_("Items"), stk_item_row_get_type, item_columns, G_N_ELEMENTS (item_columns),
  },
  [STK_TABLE_KIND_SALES] = {
    N_("Sales"), stk_sale_row_get_type, sale_columns, G_N_ELEMENTS (sale_columns),
  },
  [STK_TABLE_KIND_MOVES] = {
    N_("Stock Moves"), stk_move_row_get_type, move_columns, G_N_ELEMENTS (move_columns),
  },
};

const StkColumns *
stk_columns_for_kind (StkTableKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (lists), NULL);

  return &lists[kind];
}

char *
stk_column_format (const StkColumn *column,
                   const GValue    *value)
{
  g_return_val_if_fail (column != NULL, NULL);
  g_return_val_if_fail (G_IS_VALUE (value), NULL);

  if (column->format != NULL)
    return column->format (value);
  return g_value_dup_string (value);
}

char *
stk_column_format_row (const StkColumn *column,
                       GObject         *row)
{
  g_auto(GValue) value = G_VALUE_INIT;
  GParamSpec *pspec;

  g_return_val_if_fail (column != NULL, NULL);
  g_return_val_if_fail (G_IS_OBJECT (row), NULL);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (row), column->property);
  g_return_val_if_fail (pspec != NULL, NULL);
  g_value_init (&value, pspec->value_type);
  g_object_get_property (row, column->property, &value);
  return stk_column_format (column, &value);
}
