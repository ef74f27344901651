/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The list rows (ui/stk-rows.c) and their cells (ui/stk-columns.c), headless: an update
 * notifies exactly the properties whose value changed, once each; the getters and the
 * GObject properties read what the pager row said; a sale total that does not fit is
 * "Too large", never a wrapped figure; every kind of stock move has its word. */
#include "config.h"

#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdlib.h>

#include <glib-object.h>

#include "stk-columns.h"
#include "stk-pager.h"
#include "stk-rows-private.h"

static void
setup (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

TestSuite (cov_rows, .init = setup);

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           GString    *names)
{
  g_string_append_printf (names, "%s ", pspec->name);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char **) a, *(char **) b);
}

/* The properties an update notified, sorted, each followed by a space. */
static char *
update_notifies (GObject           *row,
                 const StkPagerRow *source)
{
  g_autoptr(GString) names = g_string_new (NULL);
  gulong id = g_signal_connect (row, "notify", G_CALLBACK (notify_cb), names);
  g_auto(GStrv) split = NULL;
  GString *sorted = g_string_new (NULL);

  stk_row_update (row, source);
  g_signal_handler_disconnect (row, id);
  split = g_strsplit (g_strstrip (names->str), " ", -1);
  qsort (split, g_strv_length (split), sizeof (char *), compare_strings);
  for (guint i = 0; split[i] != NULL; i++)
    if (split[i][0] != '\0')
      g_string_append_printf (sorted, "%s ", split[i]);
  return g_string_free (sorted, FALSE);
}

/* Every property of @row read through GObject: the int64 and boolean ones are the
 * same figures as @expected lists ("name", value, … NULL). */
static void
assert_properties (GObject    *row,
                   const char *first,
                   ...)
{
  va_list ap;
  guint n = 0;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (row), &n);

  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, pspecs[i]->value_type);
      g_object_get_property (row, pspecs[i]->name, &value);
    }
  va_start (ap, first);
  for (const char *name = first; name != NULL; name = va_arg (ap, const char *))
    {
      gint64 expected = va_arg (ap, gint64);
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (row), name);
      g_auto(GValue) value = G_VALUE_INIT;

      cr_assert_not_null (pspec, "no property %s", name);
      g_value_init (&value, pspec->value_type);
      g_object_get_property (row, name, &value);
      if (G_VALUE_HOLDS_INT64 (&value))
        cr_assert_eq (g_value_get_int64 (&value), expected, "%s", name);
      else
        cr_assert_eq ((gint64) g_value_get_boolean (&value), expected, "%s", name);
    }
  va_end (ap);
}

static const StkPagerRow sale = {
  .id = 7, .item_id = 3, .code = (char *) "BOLT-M6", .description = (char *) "Hex bolt",
  .uid = (char *) "u-1", .quantity = 4, .unit_price_cents = 1250, .at = 1000, .voided = FALSE,
  .total_cents = 5000,
};

static const StkPagerRow move = {
  .id = 9, .item_id = 3, .code = (char *) "BOLT-M6", .kind = (char *) "receive",
  .reason = (char *) "delivery", .quantity = 10, .balance = 12, .at = 2000,
};

Test (cov_rows, sale_row_reads_and_updates_only_what_changed)
{
  g_autoptr(GObject) row = stk_row_new_from_pager (STK_PAGER_SALES, &sale);
  StkSaleRow *s = STK_SALE_ROW (row);
  StkPagerRow changed = sale;
  g_autofree char *none = NULL;
  g_autofree char *all = NULL;
  g_autofree char *code = NULL;
  gint64 total = 0;

  cr_assert_eq (stk_sale_row_get_id (s), 7);
  cr_assert_eq (stk_row_get_id (row), 7);
  cr_assert_eq (stk_sale_row_get_item_id (s), 3);
  cr_assert_str_eq (stk_sale_row_get_code (s), "BOLT-M6");
  cr_assert_str_eq (stk_sale_row_get_description (s), "Hex bolt");
  cr_assert_str_eq (stk_sale_row_get_uid (s), "u-1");
  cr_assert_eq (stk_sale_row_get_quantity (s), 4);
  cr_assert_eq (stk_sale_row_get_unit_price_cents (s), 1250);
  cr_assert_eq (stk_sale_row_get_total_cents (s), 5000);
  cr_assert_eq (stk_sale_row_get_sold_at (s), 1000);
  cr_assert_not (stk_sale_row_get_voided (s));
  g_object_get (row, "code", &code, "total-cents", &total, NULL);
  cr_assert_str_eq (code, "BOLT-M6");
  cr_assert_eq (total, 5000);

  none = update_notifies (row, &sale);
  cr_assert_str_eq (none, "", "the same row notified: %s", none);

  changed.item_id = 4;
  changed.uid = (char *) "u-2";
  changed.code = (char *) "NUT-M6";
  changed.description = (char *) "Hex nut";
  changed.quantity = 5;
  changed.unit_price_cents = 100;
  changed.at = 3000;
  changed.voided = TRUE;
  changed.total_cents = 500;
  all = update_notifies (row, &changed);
  cr_assert_str_eq (all, "code description item item-id quantity sold-at status total-cents "
                         "uid unit-price-cents voided ");
  assert_properties (row, "id", (gint64) 7, "item-id", (gint64) 4, "quantity", (gint64) 5,
                     "unit-price-cents", (gint64) 100, "total-cents", (gint64) 500,
                     "sold-at", (gint64) 3000, "voided", (gint64) TRUE, NULL);
  cr_assert_str_eq (stk_sale_row_get_code (s), "NUT-M6");
  cr_assert_eq (stk_sale_row_get_total_cents (s), 500);
  cr_assert (stk_sale_row_get_voided (s));
}

Test (cov_rows, a_sale_total_that_does_not_fit_is_too_large_never_wrapped)
{
  StkPagerRow huge = sale;
  const StkColumns *list = stk_columns_for_kind (STK_TABLE_KIND_SALES);
  const StkColumn *total_column = NULL;
  g_autoptr(GObject) row = NULL;
  g_autofree char *text = NULL;

  huge.quantity = G_MAXINT64 / 2;
  huge.unit_price_cents = 3;
  huge.total_cents = G_MININT64; /* what the pager gives for a sum that does not fit */
  row = stk_row_new_from_pager (STK_PAGER_SALES, &huge);
  cr_assert_eq (stk_sale_row_get_total_cents (STK_SALE_ROW (row)), G_MININT64);
  for (guint c = 0; c < list->n_columns; c++)
    if (g_strcmp0 (list->columns[c].property, "total-cents") == 0)
      total_column = &list->columns[c];
  cr_assert_not_null (total_column, "the sales list has no total");
  text = stk_column_format_row (total_column, row);
  cr_assert_str_eq (text, "Too large");
}

Test (cov_rows, move_row_reads_and_updates_only_what_changed)
{
  g_autoptr(GObject) row = stk_row_new_from_pager (STK_PAGER_MOVES, &move);
  StkMoveRow *m = STK_MOVE_ROW (row);
  StkPagerRow changed = move;
  g_autofree char *some = NULL;
  g_autofree char *all = NULL;
  g_autofree char *reason = NULL;

  cr_assert_eq (stk_move_row_get_id (m), 9);
  cr_assert_eq (stk_row_get_id (row), 9);
  cr_assert_eq (stk_move_row_get_item_id (m), 3);
  cr_assert_str_eq (stk_move_row_get_code (m), "BOLT-M6");
  cr_assert_str_eq (stk_move_row_get_kind (m), "receive");
  cr_assert_str_eq (stk_move_row_get_reason (m), "delivery");
  cr_assert_eq (stk_move_row_get_quantity (m), 10);
  cr_assert_eq (stk_move_row_get_balance (m), 12);
  cr_assert_eq (stk_move_row_get_moved_at (m), 2000);
  g_object_get (row, "reason", &reason, NULL);
  cr_assert_str_eq (reason, "delivery");

  changed.balance = 11;
  some = update_notifies (row, &changed);
  cr_assert_str_eq (some, "balance ");

  changed.item_id = 5;
  changed.code = (char *) "NUT-M6";
  changed.kind = (char *) "count";
  changed.reason = NULL;
  changed.quantity = -1;
  changed.balance = 0;
  changed.at = 4000;
  all = update_notifies (row, &changed);
  cr_assert_str_eq (all, "balance code item-id kind moved-at quantity reason ");
  assert_properties (row, "id", (gint64) 9, "item-id", (gint64) 5, "quantity", (gint64) -1,
                     "balance", (gint64) 0, "moved-at", (gint64) 4000, NULL);
  cr_assert_null (stk_move_row_get_reason (m));
  cr_assert_eq (stk_move_row_get_quantity (m), -1);
}

Test (cov_rows, item_row_low_stock_and_archived_follow_the_row)
{
  StkPagerRow item = {
    .id = 1, .code = (char *) "A", .description = (char *) "Apple", .on_hand = 10,
    .unit_price_cents = 50, .reorder_level = 5, .updated_at = 1,
  };
  g_autoptr(GObject) row = stk_row_new_from_pager (STK_PAGER_ITEMS, &item);
  StkItemRow *i = STK_ITEM_ROW (row);
  g_autofree char *low = NULL;
  g_autofree char *archived = NULL;

  cr_assert_not (stk_item_row_get_low_stock (i));
  assert_properties (row, "id", (gint64) 1, "on-hand", (gint64) 10,
                     "unit-price-cents", (gint64) 50, "reorder-level", (gint64) 5,
                     "updated-at", (gint64) 1, "archived", (gint64) FALSE,
                     "low-stock", (gint64) FALSE, NULL);
  cr_assert_eq (stk_item_row_get_reorder_level (i), 5);
  cr_assert_eq (stk_item_row_get_updated_at (i), 1);
  cr_assert_not (stk_item_row_get_archived (i));

  item.on_hand = 5;
  low = update_notifies (row, &item);
  cr_assert_str_eq (low, "low-stock on-hand ", "at the reorder level it is low");
  cr_assert (stk_item_row_get_low_stock (i));

  item.archived = TRUE;
  item.reorder_level = 0;
  archived = update_notifies (row, &item);
  cr_assert_str_eq (archived, "archived low-stock reorder-level ",
                    "no reorder level: never low");
  cr_assert (stk_item_row_get_archived (i));
  cr_assert_not (stk_item_row_get_low_stock (i));
}

Test (cov_rows, every_kind_of_stock_move_has_its_word)
{
  static const struct { const char *kind; const char *word; } words[] = {
    { "receive", "Receipt" }, { "sale", "Sale" }, { "adjustment", "Adjustment" },
    { "count", "Count" }, { "something-new", "something-new" },
  };
  const StkColumns *list = stk_columns_for_kind (STK_TABLE_KIND_MOVES);
  const StkColumn *kind_column = NULL;

  for (guint c = 0; c < list->n_columns; c++)
    if (g_strcmp0 (list->columns[c].property, "kind") == 0)
      kind_column = &list->columns[c];
  cr_assert_not_null (kind_column, "the moves list shows no kind");

  for (guint w = 0; w < G_N_ELEMENTS (words); w++)
    {
      StkPagerRow source = move;
      g_autoptr(GObject) row = NULL;
      g_autofree char *text = NULL;

      source.kind = (char *) words[w].kind;
      row = stk_row_new_from_pager (STK_PAGER_MOVES, &source);
      text = stk_column_format_row (kind_column, row);
      cr_assert_str_eq (text, words[w].word);
    }
}

Test (cov_rows, rows_are_counted_while_alive)
{
  guint before = stk_rows_get_n_alive ();
  GObject *row = stk_row_new_from_pager (STK_PAGER_MOVES, &move);

  cr_assert_eq (stk_rows_get_n_alive (), before + 1);
  g_object_unref (row);
  cr_assert_eq (stk_rows_get_n_alive (), before);
}
