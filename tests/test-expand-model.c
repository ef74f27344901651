/* SPDX-License-Identifier: GPL-3.0-or-later */
/* StkExpandModel (issue 17: a sale's lines under it in the Sales list) over a GListStore
 * of sale rows, with no inventory: expanding inserts the placeholder and then exactly
 * the lines and returns under the sale; collapsing removes them; the base model's
 * changes move the expansions with their sales, drop those whose sale left, keep those
 * whose sale is still there. A mirror list replays every items-changed the model emits
 * and is compared with the model item by item after each step, so an emission that
 * does not match the content fails. */
#include "config.h"

#include <criterion/criterion.h>
#include <gtk/gtk.h>

#include "stk-expand-model.h"
#include "stk-format.h"
#include "stk-rows-private.h"

typedef struct
{
  GListStore     *base;
  StkExpandModel *model;
  GListStore     *mirror;
  guint           n_signals;
  guint           n_toggled;
} Fixture;

static Fixture f;

/* A sale row: @id, @more lines after the first, @returned items back. */
static GObject *
sale (gint64 id,
      gint64 more,
      gint64 returned)
{
  StkPagerRow row = { 0 };

  row.id = id;
  row.item_id = 1;
  row.code = (char *) "AA-1";
  row.description = (char *) "Anchor bolt";
  row.uid = (char *) "uid";
  row.quantity = 1 + more;
  row.unit_price_cents = 100;
  row.total_cents = 100 * (1 + more);
  row.n_more_lines = more;
  row.returned_quantity = returned;
  row.at = 1700000000000000;
  return stk_row_new_from_pager (STK_PAGER_SALES, &row);
}

static void
model_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint mirror_n = g_list_model_get_n_items (G_LIST_MODEL (f.mirror));

  f.n_signals++;
  cr_assert_leq (position + removed, mirror_n, "removes past the end: %u+%u of %u",
                 position, removed, mirror_n);
  cr_assert_eq (mirror_n - removed + added, g_list_model_get_n_items (model),
                "the count (%u) is not what the signal says (%u - %u + %u)",
                g_list_model_get_n_items (model), mirror_n, removed, added);
  for (guint i = 0; i < added; i++)
    g_ptr_array_add (items, g_list_model_get_item (model, position + i));
  g_list_store_splice (f.mirror, position, removed, items->pdata, added);
}

static void
toggled_cb (StkExpandModel *model,
            StkSaleRow     *row,
            gboolean        expanded,
            gpointer        data)
{
  f.n_toggled++;
}

/* The model holds what its signals said. */
static void
assert_consistent (void)
{
  GListModel *model = G_LIST_MODEL (f.model);
  guint n = g_list_model_get_n_items (model);

  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.mirror)), n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) a = g_list_model_get_item (model, i);
      g_autoptr(GObject) b = g_list_model_get_item (G_LIST_MODEL (f.mirror), i);

      cr_assert_eq (a, b, "item %u differs from what the signals said", i);
    }
  {
    g_autoptr(GObject) past = g_list_model_get_item (model, n);

    cr_assert_null (past);
  }
}

static void
setup (void)
{
  f = (Fixture) { 0 };
  f.base = g_list_store_new (G_TYPE_OBJECT);
  /* 10 sales, newest first; 108 has 3 lines, 105 has a return, 103 has 2 lines. */
  for (gint64 id = 109; id >= 100; id--)
    {
      g_autoptr(GObject) row = sale (id, id == 108 ? 2 : id == 103 ? 1 : 0, id == 105 ? 1 : 0);

      g_list_store_append (f.base, row);
    }
  f.model = stk_expand_model_new (G_LIST_MODEL (f.base), NULL);
  f.mirror = g_list_store_new (G_TYPE_OBJECT);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (f.model)); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (f.model), i);

      g_list_store_append (f.mirror, item);
    }
  g_signal_connect (f.model, "items-changed", G_CALLBACK (model_changed_cb), NULL);
  g_signal_connect (f.model, "toggled", G_CALLBACK (toggled_cb), NULL);
}

static void
teardown (void)
{
  g_clear_object (&f.model);
  g_clear_object (&f.base);
  g_clear_object (&f.mirror);
}

TestSuite (expand_model, .init = setup, .fini = teardown, .timeout = 60);

/* Lines: AA-1 ×2 at 1.00, BB-2 ×1 at 2.50 less 0.50, CC-3 ×3 at 0.10; one return of
 * one AA-1 (1.00, "damaged"). */
static StkSaleDetail *
detail_of (gint64 sale_id,
           guint  n_lines,
           guint  n_returns)
{
  StkSaleDetail *detail = stk_sale_detail_new ();
  static const struct { const char *code, *description; gint64 q, price, discount; } lines[] = {
    { "AA-1", "Anchor bolt", 2, 100, 0 },
    { "BB-2", "Bracket", 1, 250, 50 },
    { "CC-3", "Cable tie", 3, 10, 0 },
  };

  detail->sale_id = sale_id;
  for (guint i = 0; i < n_lines && i < G_N_ELEMENTS (lines); i++)
    {
      StkSaleLine *line = g_new0 (StkSaleLine, 1);

      line->line_id = sale_id + i;
      line->tax_rate_bp = -1;
      line->code = g_strdup (lines[i].code);
      line->description = g_strdup (lines[i].description);
      line->quantity = lines[i].q;
      line->unit_price_cents = lines[i].price;
      line->discount_cents = lines[i].discount;
      line->total_cents = lines[i].q * lines[i].price - lines[i].discount;
      g_ptr_array_add (detail->lines, line);
    }
  for (guint i = 0; i < n_returns; i++)
    {
      StkSaleReturn *ret = g_new0 (StkSaleReturn, 1);

      ret->return_id = 1 + i;
      ret->line_id = sale_id;
      ret->code = g_strdup ("AA-1");
      ret->quantity = 1;
      ret->refund_cents = 100;
      ret->returned_at_us = 1700000000000000;
      ret->reason = g_strdup ("damaged");
      g_ptr_array_add (detail->returns, ret);
    }
  return detail;
}

static GObject *
item (guint position)
{
  GObject *object = g_list_model_get_item (G_LIST_MODEL (f.model), position);

  cr_assert_not_null (object, "no item at %u", position);
  g_object_unref (object); /* the model, the base or an entry holds it */
  return object;
}

static gint64
sale_id_at (guint position)
{
  GObject *object = item (position);

  cr_assert (STK_IS_SALE_ROW (object), "item %u is a %s, not a sale", position,
             G_OBJECT_TYPE_NAME (object));
  return stk_sale_row_get_id (STK_SALE_ROW (object));
}

static StkSaleChild *
child_at (guint position)
{
  GObject *object = item (position);

  cr_assert (STK_IS_SALE_CHILD (object), "item %u is a %s, not a line", position,
             G_OBJECT_TYPE_NAME (object));
  return STK_SALE_CHILD (object);
}

static char *
text_of (guint       position,
         const char *property)
{
  return stk_sale_child_format (child_at (position), property);
}

Test (expand_model, expanding_inserts_the_placeholder_then_exactly_the_lines_and_returns)
{
  g_autoptr(StkSaleDetail) detail = detail_of (108, 3, 1);
  g_autofree char *item1 = NULL;
  g_autofree char *item2 = NULL;
  g_autofree char *total2 = NULL;
  g_autofree char *ret = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *expected_total = stk_format_currency (200);
  g_autofree char *quantity = NULL;

  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 10);
  /* 109 has one line and no return: nothing to show. */
  cr_assert_not (stk_expand_model_expand (f.model, 0));
  cr_assert_eq (f.n_signals, 0);

  cr_assert (stk_expand_model_expand (f.model, 1));
  cr_assert_eq (f.n_toggled, 1);
  cr_assert_not (stk_expand_model_expand (f.model, 1), "expanded twice");
  cr_assert (stk_expand_model_is_expanded (f.model, 108));
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 11);
  cr_assert_eq (stk_sale_child_get_kind (child_at (2)), STK_SALE_CHILD_LOADING);
  cr_assert_eq (sale_id_at (3), 107);
  assert_consistent ();

  cr_assert (stk_expand_model_set_detail (f.model, detail));
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 14);
  cr_assert_eq (sale_id_at (1), 108);
  cr_assert_eq (stk_sale_child_get_kind (child_at (2)), STK_SALE_CHILD_LINE);
  cr_assert_eq (stk_sale_child_get_kind (child_at (4)), STK_SALE_CHILD_LINE);
  cr_assert_eq (stk_sale_child_get_kind (child_at (5)), STK_SALE_CHILD_RETURN);
  cr_assert_eq (stk_sale_child_get_sale_id (child_at (5)), 108);
  cr_assert_eq (stk_sale_child_get_sale (child_at (3)), STK_SALE_ROW (item (1)));
  cr_assert_eq (sale_id_at (6), 107);
  cr_assert_eq (sale_id_at (13), 100);
  assert_consistent ();

  /* The figures of each line, in the list's currency. */
  item1 = text_of (2, "item");
  cr_assert (strstr (item1, "Anchor bolt") != NULL, "%s", item1);
  item2 = text_of (3, "item");
  cr_assert (strstr (item2, "Bracket") != NULL && strstr (item2, "off") != NULL, "%s", item2);
  total2 = text_of (2, "total-cents");
  cr_assert_str_eq (total2, expected_total);
  quantity = text_of (4, "quantity");
  cr_assert_str_eq (quantity, "3");
  ret = text_of (5, "item");
  cr_assert (g_str_has_prefix (ret, "Returned 1 × Anchor bolt — −"), "%s", ret);
  reason = text_of (5, "status");
  cr_assert_str_eq (reason, "damaged");

  /* The positions map both ways. */
  cr_assert_eq (stk_expand_model_position_from_base (f.model, 1), 1);
  cr_assert_eq (stk_expand_model_position_from_base (f.model, 2), 6);
  cr_assert_eq (stk_expand_model_get_sale_position (f.model, 4), 1);
  cr_assert_eq (stk_expand_model_get_sale_position (f.model, 6), 6);
  cr_assert_eq (stk_expand_model_get_sale_position (f.model, 14), GTK_INVALID_LIST_POSITION);
}

Test (expand_model, several_sales_expand_and_collapse_in_any_order)
{
  g_autoptr(StkSaleDetail) d108 = detail_of (108, 3, 0);
  g_autoptr(StkSaleDetail) d103 = detail_of (103, 2, 0);
  g_autoptr(StkSaleDetail) d105 = detail_of (105, 1, 1);

  /* Last first: 103 at 6, then 108 at 1 (before it), then 105 at 4 + 3 = 7. */
  cr_assert (stk_expand_model_expand (f.model, 6));
  cr_assert (stk_expand_model_set_detail (f.model, d103));
  cr_assert (stk_expand_model_expand (f.model, 1));
  cr_assert (stk_expand_model_set_detail (f.model, d108));
  assert_consistent ();
  cr_assert_eq (sale_id_at (7), 105);
  cr_assert (stk_expand_model_expand (f.model, 7));
  cr_assert (stk_expand_model_set_detail (f.model, d105));
  assert_consistent ();
  cr_assert_eq (stk_expand_model_get_n_expanded (f.model), 3);
  /* 10 sales + 3 + 2 + 2 children. */
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 17);
  cr_assert_eq (sale_id_at (10), 104);
  cr_assert_eq (sale_id_at (11), 103);
  cr_assert_eq (stk_expand_model_position_from_base (f.model, 6), 11);

  /* Collapsing from a line's row closes its sale, and says where the sale is. */
  cr_assert_eq (stk_expand_model_collapse (f.model, 9), 7);
  assert_consistent ();
  cr_assert_not (stk_expand_model_is_expanded (f.model, 105));
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 15);
  cr_assert_eq (stk_expand_model_collapse (f.model, 8), GTK_INVALID_LIST_POSITION);
  cr_assert_eq (stk_expand_model_collapse (f.model, 1), 1);
  assert_consistent ();
  cr_assert_eq (sale_id_at (6), 103);
  cr_assert_eq (stk_sale_child_get_sale_id (child_at (7)), 103);
  stk_expand_model_collapse_all (f.model);
  assert_consistent ();
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 10);
  cr_assert_eq (stk_expand_model_get_n_expanded (f.model), 0);
}

Test (expand_model, base_changes_move_keep_or_drop_the_expansions)
{
  g_autoptr(StkSaleDetail) d108 = detail_of (108, 3, 0);
  g_autoptr(StkSaleDetail) d103 = detail_of (103, 2, 0);
  g_autoptr(GObject) newer = sale (110, 0, 0);
  g_autoptr(GObject) other = sale (99, 4, 0);

  cr_assert (stk_expand_model_expand (f.model, 1));
  cr_assert (stk_expand_model_set_detail (f.model, d108));
  cr_assert (stk_expand_model_expand (f.model, 9));
  cr_assert (stk_expand_model_set_detail (f.model, d103));
  assert_consistent ();

  /* A new sale at the top: both move down with their lines. */
  g_list_store_insert (f.base, 0, newer);
  assert_consistent ();
  cr_assert_eq (sale_id_at (2), 108);
  cr_assert_eq (stk_sale_child_get_sale_id (child_at (3)), 108);
  cr_assert_eq (sale_id_at (10), 103);
  cr_assert_eq (stk_expand_model_get_n_expanded (f.model), 2);

  /* A change of rows that leaves 108 where it was (the same sale): kept. */
  {
    g_autoptr(GObject) s109 = g_list_model_get_item (G_LIST_MODEL (f.base), 1);
    g_autoptr(GObject) s108 = g_list_model_get_item (G_LIST_MODEL (f.base), 2);
    gpointer again[] = { s109, s108 };

    g_list_store_splice (f.base, 1, 2, again, 2);
  }
  assert_consistent ();
  cr_assert (stk_expand_model_is_expanded (f.model, 108));
  cr_assert_eq (stk_sale_child_get_sale_id (child_at (3)), 108);

  /* Another sale where 103 was: its expansion goes, the other stays. */
  {
    guint base_position = 7;
    g_autoptr(GObject) was = g_list_model_get_item (G_LIST_MODEL (f.base), base_position);

    cr_assert_eq (stk_sale_row_get_id (STK_SALE_ROW (was)), 103);
    g_list_store_splice (f.base, base_position, 1, (gpointer *) &other, 1);
  }
  assert_consistent ();
  cr_assert_not (stk_expand_model_is_expanded (f.model, 103));
  cr_assert (stk_expand_model_is_expanded (f.model, 108));
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 14);

  /* The sale itself removed: its lines go with it. */
  g_list_store_remove (f.base, 2);
  assert_consistent ();
  cr_assert_eq (stk_expand_model_get_n_expanded (f.model), 0);
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 10);

  /* Everything replaced (a new search). */
  cr_assert (stk_expand_model_expand (f.model, stk_expand_model_position_from_base (f.model, 6)));
  assert_consistent ();
  g_list_store_remove_all (f.base);
  assert_consistent ();
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 0);
}

Test (expand_model, a_row_that_takes_another_sale_in_place_collapses_and_a_change_rereads)
{
  g_autoptr(StkSaleDetail) d108 = detail_of (108, 3, 0);
  g_autoptr(StkSaleDetail) again = detail_of (108, 3, 1);
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "disk on fire");
  GObject *row = item (1);
  StkPagerRow update = { 0 };
  g_autofree char *text = NULL;

  cr_assert (stk_expand_model_expand (f.model, 1));
  cr_assert (stk_expand_model_set_detail (f.model, d108));
  assert_consistent ();

  /* The sale gets a return (a reload updates its row in place): its lines are read
   * again; the new answer replaces the old lines. */
  update.id = 108;
  update.code = (char *) "AA-1";
  update.description = (char *) "Anchor bolt";
  update.uid = (char *) "uid";
  update.n_more_lines = 2;
  update.returned_quantity = 1;
  update.total_cents = 200;
  stk_row_update (row, &update);
  cr_assert (stk_expand_model_is_expanded (f.model, 108));
  cr_assert (stk_expand_model_set_detail (f.model, again));
  assert_consistent ();
  cr_assert_eq (stk_sale_child_get_kind (child_at (5)), STK_SALE_CHILD_RETURN);

  /* An error shows on the row. */
  cr_assert (stk_expand_model_set_error (f.model, 108, error));
  assert_consistent ();
  cr_assert_eq (stk_sale_child_get_kind (child_at (2)), STK_SALE_CHILD_ERROR);
  text = text_of (2, "item");
  cr_assert (strstr (text, "disk on fire") != NULL, "%s", text);
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 11);

  /* The row object takes another sale's contents (a new order reuses it in place):
   * the lines of the old sale must not stay under it. */
  update.id = 42;
  stk_row_update (row, &update);
  assert_consistent ();
  cr_assert_not (stk_expand_model_is_expanded (f.model, 108));
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 10);
  cr_assert_not (stk_expand_model_set_detail (f.model, d108), "filled a collapsed sale");
}

/* A reload after a sale was recorded: every loaded row changes (the ids move down by
 * one), announced as one changed run; the expanded sales are found again a row lower
 * and keep their lines. One that moved too far, or left, is collapsed. */
Test (expand_model, a_changed_run_that_moves_an_expanded_sale_keeps_it)
{
  g_autoptr(StkSaleDetail) d108 = detail_of (108, 3, 0);
  g_autoptr(StkSaleDetail) d103 = detail_of (103, 2, 0);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f.base));

  cr_assert (stk_expand_model_expand (f.model, 1));
  cr_assert (stk_expand_model_set_detail (f.model, d108));
  cr_assert (stk_expand_model_expand (f.model, 9));
  cr_assert (stk_expand_model_set_detail (f.model, d103));
  assert_consistent ();

  /* 110 on top; the last row (100) goes past the page: the same count. */
  g_ptr_array_add (rows, sale (110, 0, 0));
  for (guint i = 0; i + 1 < n; i++)
    g_ptr_array_add (rows, g_list_model_get_item (G_LIST_MODEL (f.base), i));
  g_list_store_splice (f.base, 0, n, rows->pdata, rows->len);
  assert_consistent ();
  cr_assert_eq (stk_expand_model_get_n_expanded (f.model), 2);
  cr_assert_eq (sale_id_at (2), 108);
  cr_assert_eq (stk_sale_child_get_sale_id (child_at (3)), 108);
  cr_assert_eq (stk_sale_child_get_sale_id (child_at (5)), 108);
  cr_assert_eq (sale_id_at (10), 103);
  cr_assert_eq (stk_sale_child_get_sale_id (child_at (11)), 103);
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (f.model)), 15);

  /* A run without 103 in it any more: collapsed; 108 stays. */
  {
    g_autoptr(GObject) a = sale (201, 0, 0);
    g_autoptr(GObject) b = sale (202, 0, 0);
    gpointer fresh[] = { a, b };

    g_list_store_splice (f.base, 6, 3, fresh, 2);
  }
  assert_consistent ();
  cr_assert_not (stk_expand_model_is_expanded (f.model, 103));
  cr_assert (stk_expand_model_is_expanded (f.model, 108));

  /* The changed run first, the row added at its end next (as StkTableModel announces
   * a reload that added a sale): 108 is found again in the second signal. */
  {
    g_autoptr(GObject) s108 = g_list_model_get_item (G_LIST_MODEL (f.base), 2);
    g_autoptr(GObject) a = sale (300, 0, 0);
    g_autoptr(GObject) b = sale (301, 0, 0);

    cr_assert_eq (stk_sale_row_get_id (STK_SALE_ROW (s108)), 108);
    g_list_store_splice (f.base, 2, 1, (gpointer *) &a, 1);
    assert_consistent ();
    cr_assert_not (stk_expand_model_is_expanded (f.model, 108));
    g_list_store_insert (f.base, 3, s108);
    assert_consistent ();
    cr_assert (stk_expand_model_is_expanded (f.model, 108));
    cr_assert_eq (sale_id_at (3), 108);
    cr_assert_eq (stk_sale_child_get_sale_id (child_at (4)), 108);

    /* Once the turn is over, a sale that left stays collapsed. */
    g_list_store_splice (f.base, 3, 1, (gpointer *) &b, 1);
    assert_consistent ();
    while (g_main_context_iteration (NULL, FALSE))
      ;
    g_list_store_insert (f.base, 4, s108);
    assert_consistent ();
    cr_assert_not (stk_expand_model_is_expanded (f.model, 108));
  }
}
