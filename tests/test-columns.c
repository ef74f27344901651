/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The columns of each list are declared once (ui/stk-columns.c): the table must agree
 * with the pager (data/stk-pager.h) — a sortable column sorts by a key the pager
 * accepts, and every key the pager sorts by has its column — and with the row types
 * (ui/stk-rows.h): every property a column shows, badges with, or sorts by exists on
 * the list's row objects, with the type its formatter reads. */
#include "config.h"

#include <criterion/criterion.h>

#include <glib-object.h>

#include "stk-columns.h"
#include "stk-pager.h"
#include "stk-rows-private.h"

static const struct
{
  StkTableKind table;
  StkPagerKind pager;
  const char  *name;
} lists[] = {
  { STK_TABLE_KIND_ITEMS, STK_PAGER_ITEMS, "items" },
  { STK_TABLE_KIND_SALES, STK_PAGER_SALES, "sales" },
  { STK_TABLE_KIND_MOVES, STK_PAGER_MOVES, "moves" },
};

/* The order that breaks ties: the row's id, a pager sort key that no column shows. */
#define TIE_BREAK_KEY "id"

static void
setup (void)
{
  /* A formatter reading the wrong type of value is a critical: make it fail the test. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

TestSuite (columns, .init = setup);

Test (columns, every_sortable_column_sorts_by_a_pager_key)
{
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      const StkColumns *list = stk_columns_for_kind (lists[l].table);
      guint n_sortable = 0;

      cr_assert_not_null (list);
      cr_assert_gt (list->n_columns, 0);
      for (guint c = 0; c < list->n_columns; c++)
        {
          const StkColumn *column = &list->columns[c];

          if (column->sort == NULL)
            continue;
          n_sortable++;
          cr_assert (stk_pager_can_sort (lists[l].pager, column->sort),
                     "%s: column “%s” sorts by “%s”, which the pager does not know",
                     lists[l].name, column->title, column->sort);
          for (guint d = 0; d < c; d++)
            cr_assert_str_neq (list->columns[d].sort ? list->columns[d].sort : "", column->sort,
                               "%s: two columns sort by “%s”", lists[l].name, column->sort);
        }
      cr_assert_gt (n_sortable, 0, "%s: no column can be sorted", lists[l].name);
    }
}

Test (columns, every_pager_key_has_its_column)
{
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      const StkColumns *list = stk_columns_for_kind (lists[l].table);
      const char *const *keys = stk_pager_sort_columns (lists[l].pager);
      gboolean default_shown = FALSE;

      cr_assert_not_null (keys);
      for (guint k = 0; keys[k] != NULL; k++)
        {
          gboolean found = FALSE;

          for (guint c = 0; c < list->n_columns && !found; c++)
            found = g_strcmp0 (list->columns[c].sort, keys[k]) == 0;
          if (k == 0)
            default_shown = found;
          if (g_str_equal (keys[k], TIE_BREAK_KEY))
            continue;
          cr_assert (found, "%s: the pager sorts by “%s” but no column has that sort key",
                     lists[l].name, keys[k]);
        }
      /* The header shows the default order (stk_table_view_set_store). */
      cr_assert (default_shown, "%s: the default order “%s” has no column", lists[l].name,
                 keys[0]);
    }
}

Test (columns, every_property_exists_on_the_row_type)
{
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      const StkColumns *list = stk_columns_for_kind (lists[l].table);
      GType type = list->row_type ();
      g_autoptr(GTypeClass) klass = g_type_class_ref (type);
      const char *const *keys = stk_pager_sort_columns (lists[l].pager);

      cr_assert (g_type_is_a (type, G_TYPE_OBJECT), "%s", lists[l].name);
      for (guint c = 0; c < list->n_columns; c++)
        {
          const StkColumn *column = &list->columns[c];
          GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass),
                                                            column->property);

          cr_assert_not_null (column->title, "%s: column %u has no title", lists[l].name, c);
          cr_assert_not_null (pspec, "%s: column “%s” shows “%s”, not a property of %s",
                              lists[l].name, column->title, column->property,
                              g_type_name (type));
          cr_assert (pspec->flags & G_PARAM_READABLE);
          if (column->format == NULL)
            cr_assert_eq (pspec->value_type, G_TYPE_STRING,
                          "%s: column “%s” has no formatter for a %s", lists[l].name,
                          column->title, g_type_name (pspec->value_type));
          if (column->badge != NULL)
            {
              pspec = g_object_class_find_property (G_OBJECT_CLASS (klass),
                                                    column->badge->property);
              cr_assert_not_null (pspec, "%s: badge “%s” is not a property of %s",
                                  lists[l].name, column->badge->property, g_type_name (type));
              cr_assert_eq (pspec->value_type, G_TYPE_BOOLEAN);
            }
        }
      /* The pager's sort keys are row property names too (stk_pager_sort_columns). */
      for (guint k = 0; keys[k] != NULL; k++)
        cr_assert_not_null (g_object_class_find_property (G_OBJECT_CLASS (klass), keys[k]),
                            "%s: sort key “%s” is not a property of %s", lists[l].name,
                            keys[k], g_type_name (type));
    }
}

/* Every cell of a real row object formats without a critical: each formatter reads the
 * type its property has. */
Test (columns, every_cell_of_a_row_formats)
{
  static const StkPagerKind kinds[] = { STK_PAGER_ITEMS, STK_PAGER_SALES, STK_PAGER_MOVES };
  StkPagerRow source = {
    .id = 7, .item_id = 3, .code = (char *) "BOLT-M6", .description = (char *) "Hex bolt",
    .uid = (char *) "u-1", .kind = (char *) "receive", .reason = (char *) "delivery",
    .receipt = (char *) "2026/12",
    .on_hand = 2, .unit_price_cents = 1250, .reorder_level = 5, .updated_at = 1,
    .quantity = 4, .balance = 6, .at = 1, .archived = FALSE, .voided = TRUE,
  };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      const StkColumns *list = stk_columns_for_kind (lists[l].table);
      g_autoptr(GObject) row = stk_row_new_from_pager (kinds[l], &source);

      cr_assert (G_TYPE_CHECK_INSTANCE_TYPE (row, list->row_type ()), "%s", lists[l].name);
      for (guint c = 0; c < list->n_columns; c++)
        {
          g_autofree char *text = stk_column_format_row (&list->columns[c], row);

          cr_assert_not_null (text, "%s: “%s”", lists[l].name, list->columns[c].title);
        }
    }
}
