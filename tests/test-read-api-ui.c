/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The UI's side of StkStore's read API (data/stk-reads.h): a table model disposed while
 * its reads are under way on the store's worker gets nothing from them — neither the
 * quick first page nor the full refresh touches it — and the reads still end (the store
 * is let go once they have). A new model reads its first page alone; the full refresh
 * (count and anchors) starts only once that page is in. */
#include "config.h"

#include <criterion/criterion.h>

#include <gtk/gtk.h>

#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-table-model.h"
#include "stk-test-util.h"

#define N_ITEMS 300
#define WAIT_MS 60000

static char *tmpdir;
static char *db_path;

static void
setup (void)
{
  g_autoptr(StkWriter) writer = NULL;

  gtk_init ();
  tmpdir = stk_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "inventory.db", NULL);
  writer = stk_test_open_writer (db_path);
  for (guint i = 0; i < N_ITEMS; i++)
    {
      g_autofree char *code = g_strdup_printf ("IT-%04u", i);

      stk_test_submit (writer, stk_op_create_item (code, "An item", 100, 0));
    }
  stk_test_close_writer (g_steal_pointer (&writer));
}

static void
teardown (void)
{
  stk_test_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&db_path, g_free);
}

TestSuite (read_api_ui, .init = setup, .fini = teardown, .timeout = 120);

/* The last reference to the store may go on a worker thread (GTask drops its own there):
 * the notification wakes the main context wherever it runs. */
static void
store_gone_cb (gpointer  data,
               GObject  *where_the_object_was)
{
  g_atomic_int_set ((gint *) data, TRUE);
  g_main_context_wakeup (NULL);
}

static void
wait_store_gone (const gint *gone)
{
  /* The suite's time limit guards against a hang. */
  while (!g_atomic_int_get (gone))
    g_main_context_iteration (NULL, TRUE);
}

/* Holds the reads of the store at their first step: the n-th read to arrive (from 0)
 * waits while allowed <= n < hold_below. */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  guint    waiting;   /* reads arrived */
  guint    allowed;
  guint    hold_below;
} Gate;

static void
gate_init (Gate  *gate,
           guint  allowed,
           guint  hold_below)
{
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
  gate->waiting = 0;
  gate->allowed = allowed;
  gate->hold_below = hold_below;
}

static void
gate_clear (Gate *gate)
{
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
}

static void
gate_hook (StkStore *store,
           guint     step,
           gpointer  user_data)
{
  Gate *gate = user_data;
  guint ticket;

  if (step != 0)
    return;
  g_mutex_lock (&gate->lock);
  ticket = gate->waiting++;
  g_cond_broadcast (&gate->cond);
  while (ticket >= gate->allowed && ticket < gate->hold_below)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static guint
gate_arrived (Gate *gate)
{
  guint n;

  g_mutex_lock (&gate->lock);
  n = gate->waiting;
  g_mutex_unlock (&gate->lock);
  return n;
}

static void
gate_allow (Gate  *gate,
            guint  allowed)
{
  g_mutex_lock (&gate->lock);
  gate->allowed = allowed;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

Test (read_api_ui, a_model_disposed_mid_read_gets_nothing_from_it)
{
  StkStore *store = stk_test_open_store (db_path);
  gint store_gone = FALSE;
  StkTableModel *model;
  Gate gate;

  gate_init (&gate, 0, G_MAXUINT);
  g_object_weak_ref (G_OBJECT (store), store_gone_cb, &store_gone);
  stk_store_set_read_hook (store, gate_hook, &gate);

  /* A new model starts one read: the quick first page... */
  model = stk_table_model_new (store, STK_TABLE_KIND_ITEMS);
  g_object_unref (store);
  cr_assert (stk_table_model_get_loading (model));
  cr_assert (STK_TEST_WAIT_UNTIL (gate_arrived (&gate) == 1, WAIT_MS),
             "the first page is not under way");
  /* Whatever the model queued on this thread has run (the first page is held): it asked
   * the store for nothing else. */
  cr_assert (stk_test_drain ());
  {
    StkTableModelStats stats;

    stk_table_model_get_stats (model, &stats);
    cr_assert_eq (stats.reads_started, 1, "another read started before the first page was in");
    cr_assert_eq (stats.scans_started, 0, "a scan started before the first page was in");
  }
  cr_assert_eq (gate_arrived (&gate), 1, "another read started before the first page was in");

  /* ...and once it is in, the full refresh (held at the gate). */
  gate_allow (&gate, 1);
  cr_assert (STK_TEST_WAIT_UNTIL (gate_arrived (&gate) == 2, WAIT_MS),
             "the refresh did not start after the first page");
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (model)), STK_TABLE_MODEL_FIRST_ROWS,
                "the first page is not shown");

  /* The window goes: the model is disposed (its refresh cancelled), the read runs on. */
  g_object_run_dispose (G_OBJECT (model));
  gate_allow (&gate, G_MAXUINT);

  /* The reads over and called back: nothing else holds the store. */
  wait_store_gone (&store_gone);

  /* The refresh's callback left the model as dispose left it: the first page's count
   * (not the table's), still "loading". */
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (model)), STK_TABLE_MODEL_FIRST_ROWS,
                "a read called back into a disposed model");
  cr_assert (stk_table_model_get_loading (model), "a read called back into a disposed model");
  cr_assert_eq (gate_arrived (&gate), 2, "a disposed model started another read");

  g_object_unref (model);
  gate_clear (&gate);
}

/* A later query (a new order) reads its first page on the worker too: a model disposed
 * while that read may still be on its way gets nothing from it (its rows stay as they
 * were), and nothing holds the store once every read is back. No gate here: which reads
 * of the old order are still running when the order changes depends on the machine. */
Test (read_api_ui, a_model_disposed_mid_first_page_gets_nothing_from_it)
{
  StkStore *store = stk_test_open_store (db_path);
  gint store_gone = FALSE;
  StkTableModel *model;
  g_autoptr(GObject) first = NULL;

  g_object_weak_ref (G_OBJECT (store), store_gone_cb, &store_gone);

  /* The first query, read to the end. */
  model = stk_table_model_new (store, STK_TABLE_KIND_ITEMS);
  g_object_unref (store);
  cr_assert (STK_TEST_WAIT_UNTIL (!stk_table_model_get_loading (model), WAIT_MS));
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (model)), N_ITEMS);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);

  /* A new order, and the model gone before its first page can be in. */
  stk_table_model_set_sort (model, "code", TRUE);
  cr_assert (stk_table_model_get_loading (model));
  g_object_run_dispose (G_OBJECT (model));
  wait_store_gone (&store_gone);
  cr_assert_str_eq (stk_item_row_get_code (STK_ITEM_ROW (first)), "IT-0000",
                    "a read called back into a disposed model");
  g_object_unref (model);
}

/* ---- a new order while a read of the old one is still running ---- */

/* The code of the row at @position. */
static char *
code_at (StkTableModel *model,
         guint          position)
{
  g_autoptr(GObject) row = g_list_model_get_item (G_LIST_MODEL (model), position);

  cr_assert_not_null (row, "no row at %u", position);
  return g_strdup (stk_item_row_get_code (STK_ITEM_ROW (row)));
}

/* The model shows the whole table in descending code order, and is done loading. */
static void
assert_new_order (StkTableModel *model,
                  guint          n_items,
                  const char    *first,
                  const char    *last)
{
  g_autofree char *top = NULL;
  g_autofree char *bottom = NULL;

  cr_assert_not (stk_table_model_get_loading (model), "the list stays loading");
  cr_assert_eq (g_list_model_get_n_items (G_LIST_MODEL (model)), n_items);
  top = code_at (model, 0);
  bottom = code_at (model, n_items - 1);
  cr_assert_str_eq (top, first, "the list is not in the new order");
  cr_assert_str_eq (bottom, last, "the list is not in the new order");
}

/* The read of the old order held at the gate is read @held (from 0): the new order is
 * asked for meanwhile, and comes in whole and done while that read is still held; once
 * the old read ends, its callback changes nothing and starts no other read. */
static void
sort_while_old_read_held (const char *search,
                          guint       held,
                          guint       n_items,
                          const char *first,
                          const char *last)
{
  StkStore *store = stk_test_open_store (db_path);
  StkTableModel *model;
  guint arrived;
  Gate gate;

  gate_init (&gate, held, held + 1);
  stk_store_set_read_hook (store, gate_hook, &gate);
  model = stk_table_model_new_deferred (store, STK_TABLE_KIND_ITEMS);
  stk_table_model_set_search (model, search);
  stk_table_model_start (model);
  cr_assert (STK_TEST_WAIT_UNTIL (gate_arrived (&gate) == held + 1, WAIT_MS),
             "the read of the old order did not reach the gate");
  cr_assert (stk_table_model_get_loading (model));

  stk_table_model_set_sort (model, "code", TRUE);
  cr_assert (STK_TEST_WAIT_UNTIL (!stk_table_model_get_loading (model), WAIT_MS),
             "the list stays loading while a read of the old order is held");
  assert_new_order (model, n_items, first, last);
  arrived = gate_arrived (&gate);

  /* The old read goes on and ends; its callback has run once the store is back to the
   * test's reference and the model's (each read's task holds it until then). */
  gate_allow (&gate, G_MAXUINT);
  cr_assert (stk_test_wait_refs (store, 2, WAIT_MS),
             "a read of the old order did not end");
  assert_new_order (model, n_items, first, last);
  cr_assert_eq (gate_arrived (&gate), arrived, "the old read's end started another read");

  stk_store_set_read_hook (store, NULL, NULL);
  g_object_unref (model);
  g_object_unref (store);
  gate_clear (&gate);
}

Test (read_api_ui, a_new_order_while_the_old_first_page_is_held_comes_in_and_loads)
{
  /* Read 0: the first page of the old order. */
  sort_while_old_read_held (NULL, 0, N_ITEMS, "IT-0299", "IT-0000");
}

Test (read_api_ui, a_new_order_while_the_old_scan_is_held_comes_in_and_loads)
{
  /* Read 0: the first page of the old order, in; read 1: its count-and-anchor scan. */
  sort_while_old_read_held (NULL, 1, N_ITEMS, "IT-0299", "IT-0000");
}

Test (read_api_ui, a_new_order_while_the_old_search_is_held_comes_in_and_loads)
{
  /* A search reads no quick first page: read 0 is the search in the old order. */
  sort_while_old_read_held ("IT-01", 0, 100, "IT-0199", "IT-0100");
}
