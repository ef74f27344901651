/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The read API of StkStore (data/stk-reads.h): one refresh reads one snapshot (a change
 * the writer commits between its pages is not seen half-way); a call cancelled before
 * its callback says G_IO_ERROR_CANCELLED, keeps the store alive and needs nothing of
 * the object that started it; a damaged or removed inventory comes back as a GError;
 * the async answers equal the sync ones. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-glib.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

#define N_ITEMS 300
#define WAIT_MS 60000

static void
setup (void)
{
  g_autoptr(StkWriter) writer = NULL;

  stk_test_fixture_setup ();
  writer = stk_test_open_writer (db_path);
  for (guint i = 0; i < N_ITEMS; i++)
    {
      g_autofree char *code = g_strdup_printf ("IT-%04u", i);
      g_autofree char *description = g_strdup_printf ("Item %u", i);

      stk_test_submit (writer, stk_op_create_item (code, description, 100 + i, 0));
    }
  stk_test_close_writer (g_steal_pointer (&writer));
}

TestSuite (read_api, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 300);

static StkPagerQuery *
items_query (void)
{
  g_autoptr(GError) error = NULL;
  StkPagerQuery *query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, NULL, &error);

  cr_assert_not_null (query, "%s", error ? error->message : "");
  return query;
}

static GArray *
page_numbers (guint first,
              guint n)
{
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = first; i < first + n; i++)
    g_array_append_val (numbers, i);
  return numbers;
}

static const StkPagerRow *
row_at (StkListResult *result,
        guint          page,
        guint          i)
{
  GArray *rows = result->pages->pdata[page];

  cr_assert_lt (i, rows->len);
  return &g_array_index (rows, StkPagerRow, i);
}

/* One call's outcome, filled in by the callbacks below on the main thread. */
typedef struct
{
  gboolean       done;
  GError        *error;
  StkListResult *list;
  GObject       *owner;          /* weak: what a window or model would be */
  gboolean       owner_touched;
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_clear_error (&o->error);
  g_clear_pointer (&o->list, stk_list_result_free);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Outcome *o = user_data;

  o->list = stk_store_list_finish (STK_STORE (object), result, &o->error);
  o->done = TRUE;
  /* The rule of stk-reads.h: after G_IO_ERROR_CANCELLED, leave the caller alone. */
  if (g_error_matches (o->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  o->owner_touched = TRUE;
  if (o->owner != NULL)
    g_object_set_data (o->owner, "answered", GINT_TO_POINTER (1));
}

static void
wait_done (Outcome *o)
{
  cr_assert (stk_test_wait_for (&o->done, WAIT_MS), "the read never called back");
}

/* ---- one snapshot per refresh ---- */

typedef struct
{
  StkWriter *writer;
  gint64     changed_id;
  guint      step;       /* when to write */
  gint       writes;     /* done on the reading thread */
} WriteBetween;

static void
write_between_pages_hook (StkStore *store,
                          guint     step,
                          gpointer  user_data)
{
  WriteBetween *w = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) edit = NULL;
  g_autoptr(StkOp) add = NULL;

  if (step != w->step || g_atomic_int_get (&w->writes) > 0)
    return;
  /* Committed (and acknowledged) before the next page is read: an item of page 1 gets
   * a new description, and a new item sorts into page 1. */
  edit = stk_op_update_item (w->changed_id, "IT-0130", "CHANGED", 230, 0);
  add = stk_op_create_item ("IT-0129a", "New between", 1, 0);
  if (!stk_writer_submit_sync (w->writer, edit, &error) ||
      !stk_writer_submit_sync (w->writer, add, &error))
    g_error ("write between pages: %s", error->message);
  g_atomic_int_inc (&w->writes);
}

static void
assert_pages_before_the_write (StkListResult *result)
{
  cr_assert_not_null (result->index);
  cr_assert_eq (stk_pager_index_get_count (result->index), N_ITEMS,
                "the count comes from the snapshot before the write");
  cr_assert_eq (result->pages->len, 3);
  cr_assert_eq (result->page_numbers->len, 3);
  for (guint page = 0; page < 3; page++)
    {
      GArray *rows = result->pages->pdata[page];

      cr_assert_eq (rows->len, page < 2 ? STK_PAGER_STRIDE : N_ITEMS - 2 * STK_PAGER_STRIDE);
      for (guint i = 0; i < rows->len; i++)
        {
          guint n = page * STK_PAGER_STRIDE + i;
          g_autofree char *code = g_strdup_printf ("IT-%04u", n);
          g_autofree char *description = g_strdup_printf ("Item %u", n);
          const StkPagerRow *row = row_at (result, page, i);

          cr_assert_str_eq (row->code, code, "page %u row %u: a write showed up half-way", page, i);
          cr_assert_str_eq (row->description, description,
                            "page %u row %u: a write showed up half-way", page, i);
        }
    }
}

Test (read_api, one_refresh_reads_one_snapshot)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkPagerQuery) query = items_query ();
  g_autoptr(GArray) numbers = page_numbers (0, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(StkListResult) after = NULL;
  g_auto(StkItemInfo) changed = { 0 };
  WriteBetween w = { 0 };
  Outcome o = { 0 };
  gboolean saw_new = FALSE;

  cr_assert (stk_store_item_by_code (store, "IT-0130", &changed, &error), "%s",
             error ? error->message : "");
  w.writer = stk_test_open_writer (db_path);
  w.changed_id = changed.id;

  /* Async, the write after the first page. */
  w.step = 1;
  stk_store_set_read_hook (store, write_between_pages_hook, &w);
  stk_store_list_async (store, query, NULL, numbers, FALSE, NULL, list_cb, &o);
  wait_done (&o);
  stk_store_set_read_hook (store, NULL, NULL);
  cr_assert_null (o.error, "%s", o.error->message);
  cr_assert_eq (g_atomic_int_get (&w.writes), 1, "the writer did not write between the pages");
  assert_pages_before_the_write (o.list);

  /* The next refresh sees both changes: they were committed. */
  after = stk_store_list (store, query, NULL, numbers, FALSE, NULL, &error);
  cr_assert_not_null (after, "%s", error ? error->message : "");
  cr_assert_eq (stk_pager_index_get_count (after->index), N_ITEMS + 1);
  for (guint i = 0; i < ((GArray *) after->pages->pdata[1])->len; i++)
    {
      const StkPagerRow *row = row_at (after, 1, i);

      saw_new |= g_strcmp0 (row->code, "IT-0129a") == 0;
      if (row->id == changed.id)
        cr_assert_str_eq (row->description, "CHANGED");
    }
  cr_assert (saw_new);

  stk_test_close_writer (w.writer);
  outcome_clear (&o);
}

Test (read_api, sync_list_reads_one_snapshot_too)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkPagerQuery) query = items_query ();
  g_autoptr(GArray) numbers = page_numbers (0, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(StkListResult) result = NULL;
  g_auto(StkItemInfo) changed = { 0 };
  WriteBetween w = { 0 };

  cr_assert (stk_store_item_by_code (store, "IT-0130", &changed, &error));
  w.writer = stk_test_open_writer (db_path);
  w.changed_id = changed.id;
  /* This time the write comes right after the count and anchors. */
  w.step = 0;
  stk_store_set_read_hook (store, write_between_pages_hook, &w);
  result = stk_store_list (store, query, NULL, numbers, FALSE, NULL, &error);
  stk_store_set_read_hook (store, NULL, NULL);
  cr_assert_not_null (result, "%s", error ? error->message : "");
  cr_assert_eq (g_atomic_int_get (&w.writes), 1);
  assert_pages_before_the_write (result);
  stk_test_close_writer (w.writer);
}

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

/* ---- cancellation ---- */

typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean started;
  gboolean released;
} Gate;

static void
gate_hook (StkStore *store,
           guint     step,
           gpointer  user_data)
{
  Gate *gate = user_data;

  if (step != 0)
    return;
  g_mutex_lock (&gate->lock);
  gate->started = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static void
gate_wait_started (Gate *gate)
{
  gint64 end = stk_test_deadline (WAIT_MS);

  g_mutex_lock (&gate->lock);
  while (!gate->started)
    if (!g_cond_wait_until (&gate->cond, &gate->lock, end))
      break;
  g_mutex_unlock (&gate->lock);
  cr_assert (gate->started, "the read never started");
}

static void
gate_release (Gate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->released = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

Test (read_api, cancelled_before_completion_says_cancelled_and_leaves_the_caller_alone)
{
  StkStore *store = stk_test_open_store (db_path);
  g_autoptr(StkPagerQuery) query = items_query ();
  g_autoptr(GArray) numbers = page_numbers (0, 2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);
  gint store_gone = FALSE;
  Gate gate = { 0 };
  Outcome o = { 0 };

  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  o.owner = owner;
  g_object_add_weak_pointer (owner, (gpointer *) &o.owner);
  g_object_weak_ref (G_OBJECT (store), store_gone_cb, &store_gone);

  stk_store_set_read_hook (store, gate_hook, &gate);
  stk_store_list_async (store, query, NULL, numbers, FALSE, cancellable, list_cb, &o);
  /* The caller lets go of the store: the call keeps it. */
  g_object_unref (store);
  gate_wait_started (&gate);

  /* As a window does when it closes: cancel, then go away, while the read runs on. */
  g_cancellable_cancel (cancellable);
  g_object_unref (owner);
  cr_assert_null (o.owner, "the owner is finalized before the callback");
  gate_release (&gate);

  wait_done (&o);
  cr_assert (g_error_matches (o.error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "got %s",
             o.error ? o.error->message : "a result");
  cr_assert_null (o.list);
  cr_assert_not (o.owner_touched);

  /* Once the call is over the store goes too (nothing else holds it). */
  wait_store_gone (&store_gone);

  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
  outcome_clear (&o);
}

/* Every async read of the API, each with a cancellable cancelled before the call. */
static void
any_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Outcome *o = user_data;
  StkStore *store = STK_STORE (object);
  g_auto(StkItemInfo) info = { 0 };
  g_auto(GStrv) codes = NULL;
  StkStats stats;

  if (g_task_get_source_tag (G_TASK (result)) == STK_FUNC_TAG (stk_store_list_async))
    o->list = stk_store_list_finish (store, result, &o->error);
  else if (g_task_get_source_tag (G_TASK (result)) == STK_FUNC_TAG (stk_store_position_of_async))
    stk_store_position_of_finish (store, result, &o->error);
  else if (g_task_get_source_tag (G_TASK (result)) == STK_FUNC_TAG (stk_store_item_by_code_async))
    stk_store_item_by_code_finish (store, result, &info, &o->error);
  else if (g_task_get_source_tag (G_TASK (result)) == STK_FUNC_TAG (stk_store_item_by_id_async))
    stk_store_item_by_id_finish (store, result, &info, &o->error);
  else if (g_task_get_source_tag (G_TASK (result)) == STK_FUNC_TAG (stk_store_complete_codes_async))
    codes = stk_store_complete_codes_finish (store, result, &o->error);
  else if (g_task_get_source_tag (G_TASK (result)) == STK_FUNC_TAG (stk_store_get_stats_async))
    stk_store_get_stats_finish (store, result, &stats, &o->error);
  else
    g_error ("unknown call");
  o->done = TRUE;
}

Test (read_api, every_async_read_cancelled_beforehand_says_cancelled)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkPagerQuery) query = items_query ();
  g_autoptr(GArray) numbers = page_numbers (0, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  for (guint which = 0; which < 6; which++)
    {
      Outcome o = { 0 };

      switch (which)
        {
        case 0:
          stk_store_list_async (store, query, NULL, numbers, FALSE, cancellable, any_cb, &o);
          break;
        case 1:
          stk_store_position_of_async (store, query, NULL, 1, cancellable, any_cb, &o);
          break;
        case 2:
          stk_store_item_by_code_async (store, "IT-0001", cancellable, any_cb, &o);
          break;
        case 3:
          stk_store_item_by_id_async (store, 1, cancellable, any_cb, &o);
          break;
        case 4:
          stk_store_complete_codes_async (store, "IT", 5, cancellable, any_cb, &o);
          break;
        default:
          stk_store_get_stats_async (store, cancellable, any_cb, &o);
          break;
        }
      wait_done (&o);
      cr_assert (g_error_matches (o.error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "call %u: %s",
                 which, o.error ? o.error->message : "a result");
      cr_assert_null (o.list);
      outcome_clear (&o);
    }
}

/* ---- the answers ---- */

static void
item_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  StkItemInfo *info = user_data;
  g_autoptr(GError) error = NULL;

  cr_assert (stk_store_item_by_code_finish (STK_STORE (object), result, info, &error), "%s",
             error ? error->message : "");
}

typedef struct
{
  gboolean  done;
  gint64    position;
  GStrv     codes;
  StkStats  stats;
  gboolean  found;
  GError   *error;
} Answers;

static void
position_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Answers *a = user_data;

  a->position = stk_store_position_of_finish (STK_STORE (object), result, &a->error);
  a->done = TRUE;
}

static void
codes_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Answers *a = user_data;

  a->codes = stk_store_complete_codes_finish (STK_STORE (object), result, &a->error);
  a->done = TRUE;
}

static void
stats_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Answers *a = user_data;

  a->found = stk_store_get_stats_finish (STK_STORE (object), result, &a->stats, &a->error);
  a->done = TRUE;
}

static void
missing_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Answers *a = user_data;
  g_auto(StkItemInfo) info = { 0 };

  a->found = stk_store_item_by_code_finish (STK_STORE (object), result, &info, &a->error);
  a->done = TRUE;
}

Test (read_api, async_answers_equal_the_sync_ones)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkPagerQuery) query = items_query ();
  g_autoptr(GError) error = NULL;
  g_auto(StkItemInfo) by_code = { 0 };
  g_auto(StkItemInfo) by_id = { 0 };
  g_auto(StkItemInfo) async_info = { 0 };
  g_auto(GStrv) codes = NULL;
  StkStats stats;
  Answers a = { 0 };
  int version = 0;

  cr_assert (stk_store_item_by_code (store, "it-0042", &by_code, &error), "%s",
             error ? error->message : "");
  cr_assert_str_eq (by_code.code, "IT-0042");
  cr_assert_str_eq (by_code.description, "Item 42");
  cr_assert_eq (by_code.unit_price_cents, 142);
  cr_assert (stk_store_item_by_id (store, by_code.id, &by_id, &error));
  cr_assert_str_eq (by_id.code, "IT-0042");

  stk_store_item_by_code_async (store, "IT-0042", NULL, item_cb, &async_info);
  while (async_info.code == NULL)
    g_main_context_iteration (NULL, TRUE);
  cr_assert_eq (async_info.id, by_code.id);

  cr_assert_eq (stk_store_position_of (store, query, NULL, by_code.id, &error), 42);
  stk_store_position_of_async (store, query, NULL, by_code.id, NULL, position_cb, &a);
  cr_assert (stk_test_wait_for (&a.done, WAIT_MS));
  cr_assert_null (a.error);
  cr_assert_eq (a.position, 42);
  a.done = FALSE;
  cr_assert_eq (stk_store_position_of (store, query, NULL, 999999, &error), -1);
  cr_assert_null (error, "not listed is not an error");

  codes = stk_store_complete_codes (store, "it-001", 5, &error);
  cr_assert_not_null (codes);
  cr_assert_eq (g_strv_length (codes), 5);
  cr_assert_str_eq (codes[0], "IT-0010");
  stk_store_complete_codes_async (store, "it-001", 5, NULL, codes_cb, &a);
  cr_assert (stk_test_wait_for (&a.done, WAIT_MS));
  cr_assert (g_strv_equal ((const char * const *) codes, (const char * const *) a.codes));
  g_clear_pointer (&a.codes, g_strfreev);
  a.done = FALSE;

  cr_assert (stk_store_get_stats (store, &stats, &error));
  stk_store_get_stats_async (store, NULL, stats_cb, &a);
  cr_assert (stk_test_wait_for (&a.done, WAIT_MS));
  cr_assert (a.found, "%s", a.error ? a.error->message : "");
  cr_assert_eq (a.stats.items, N_ITEMS);
  cr_assert_eq (a.stats.items, stats.items);
  cr_assert_eq (a.stats.schema_version, stats.schema_version);
  a.done = FALSE;

  cr_assert (stk_store_get_schema_version (store, &version, &error));
  cr_assert_eq (version, stats.schema_version);
  cr_assert_gt (version, 0);

  /* Not there: STK_ERROR_NOT_FOUND, sync and async. */
  cr_assert_not (stk_store_item_by_code (store, "NOPE", NULL, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND));
  g_clear_error (&error);
  stk_store_item_by_code_async (store, "NOPE", NULL, missing_cb, &a);
  cr_assert (stk_test_wait_for (&a.done, WAIT_MS));
  cr_assert_not (a.found);
  cr_assert (g_error_matches (a.error, STK_ERROR, STK_ERROR_NOT_FOUND));
  g_clear_error (&a.error);
}

Test (read_api, first_page_only_reads_rows_without_an_index)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkPagerQuery) query = items_query ();
  g_autoptr(GArray) numbers = page_numbers (0, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(StkListResult) result = NULL;

  result = stk_store_list (store, query, NULL, numbers, TRUE, NULL, &error);
  cr_assert_not_null (result, "%s", error ? error->message : "");
  cr_assert_null (result->index);
  cr_assert_eq (result->pages->len, 1);
  cr_assert_eq (((GArray *) result->pages->pdata[0])->len, STK_PAGER_STRIDE);
  cr_assert_str_eq (row_at (result, 0, 0)->code, "IT-0000");
}

Test (read_api, an_items_search_builds_its_base_in_the_same_snapshot)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(StkPagerQuery) search = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, "IT-01",
                                                         &error);
  g_autoptr(GArray) numbers = page_numbers (0, 1);
  g_autoptr(StkListResult) first = NULL;
  g_autoptr(StkListResult) again = NULL;

  first = stk_store_list (store, search, NULL, numbers, FALSE, NULL, &error);
  cr_assert_not_null (first, "%s", error ? error->message : "");
  cr_assert_not_null (first->base, "the search was ordered by a base index");
  cr_assert_eq (stk_pager_index_get_count (first->base), N_ITEMS);
  cr_assert_eq (stk_pager_index_get_count (first->index), 100);
  cr_assert_str_eq (row_at (first, 0, 0)->code, "IT-0100");

  /* Given back, the base is used as it is. */
  again = stk_store_list (store, search, first->base, numbers, FALSE, NULL, &error);
  cr_assert_not_null (again, "%s", error ? error->message : "");
  cr_assert_eq (again->base, first->base);
  cr_assert_eq (stk_pager_index_get_count (again->index), 100);
}

/* ---- errors ---- */

static void
assert_read_error (const GError *error,
                   const char   *what)
{
  cr_assert_not_null (error, "%s: no error", what);
  cr_assert_eq (error->domain, STK_ERROR, "%s: %s", what, error->message);
  cr_assert_neq (error->code, STK_ERROR_NOT_FOUND, "%s: %s", what, error->message);
  cr_assert_gt (strlen (error->message), 0);
}

Test (read_api, a_damaged_inventory_comes_back_as_an_error)
{
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkPagerQuery) query = items_query ();
  g_autoptr(GArray) numbers = page_numbers (0, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  g_auto(StkItemInfo) info = { 0 };
  Outcome o = { 0 };
  Answers a = { 0 };

  stk_test_damage_items (db_path);
  store = stk_test_open_store (db_path);

  stk_store_list_async (store, query, NULL, numbers, FALSE, NULL, list_cb, &o);
  wait_done (&o);
  cr_assert_null (o.list);
  assert_read_error (o.error, "list");
  cr_assert_eq (o.error->code, STK_ERROR_CORRUPT, "%s", o.error->message);

  stk_store_get_stats_async (store, NULL, stats_cb, &a);
  cr_assert (stk_test_wait_for (&a.done, WAIT_MS));
  cr_assert_not (a.found);
  assert_read_error (a.error, "stats");
  g_clear_error (&a.error);

  rows = stk_store_fetch (store, query, NULL, 0, 10, &error);
  cr_assert_null (rows);
  assert_read_error (error, "fetch");
  g_clear_error (&error);

  cr_assert_not (stk_store_item_by_code (store, "IT-0001", &info, &error));
  assert_read_error (error, "item");
  outcome_clear (&o);
}

/* The inventory is removed while a read holds the store's only connection: the next
 * read needs a new one, and says why it cannot have it. */
typedef struct
{
  const char *path;
  Answers     answers;
  gboolean    sync_failed;
  GError     *sync_error;
  gboolean    ran;
  GMutex      lock;
  GCond       cond;
  gboolean    async_done;
} RemoveDuring;

static void
removed_stats_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RemoveDuring *r = user_data;

  stats_cb (object, result, &r->answers);
  g_mutex_lock (&r->lock);
  r->async_done = TRUE;
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
}

static void
remove_during_hook (StkStore *store,
                    guint     step,
                    gpointer  user_data)
{
  RemoveDuring *r = user_data;
  g_autofree char *wal = g_strconcat (r->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (r->path, "-shm", NULL);
  gint64 end = stk_test_deadline (WAIT_MS);
  int version = 0;

  if (step != 0 || r->ran)
    return;
  r->ran = TRUE;
  g_unlink (r->path);
  g_unlink (wal);
  g_unlink (shm);
  r->sync_failed = !stk_store_get_schema_version (store, &version, &r->sync_error);
  /* The async one calls back on the main thread (the test's, waiting for the list);
   * this read keeps the pool's connection until it has. */
  stk_store_get_stats_async (store, NULL, removed_stats_cb, r);
  g_mutex_lock (&r->lock);
  while (!r->async_done)
    if (!g_cond_wait_until (&r->cond, &r->lock, end))
      break;
  g_mutex_unlock (&r->lock);
}

Test (read_api, a_removed_inventory_comes_back_as_an_error)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(StkPagerQuery) query = items_query ();
  g_autoptr(GArray) numbers = page_numbers (0, 1);
  RemoveDuring r = { 0 };
  Outcome o = { 0 };

  r.path = db_path;
  g_mutex_init (&r.lock);
  g_cond_init (&r.cond);
  stk_store_set_read_hook (store, remove_during_hook, &r);
  stk_store_list_async (store, query, NULL, numbers, FALSE, NULL, list_cb, &o);
  wait_done (&o);
  cr_assert (stk_test_wait_for (&r.answers.done, WAIT_MS));
  stk_store_set_read_hook (store, NULL, NULL);

  cr_assert (r.ran);
  /* The read under way had its file open: it finishes. */
  cr_assert_null (o.error, "%s", o.error ? o.error->message : "");
  cr_assert_not_null (o.list);

  cr_assert (r.sync_failed);
  cr_assert (g_error_matches (r.sync_error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s",
             r.sync_error ? r.sync_error->message : "no error");
  cr_assert_not (r.answers.found);
  cr_assert (g_error_matches (r.answers.error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s",
             r.answers.error ? r.answers.error->message : "no error");
  g_clear_error (&r.sync_error);
  g_clear_error (&r.answers.error);
  g_mutex_clear (&r.lock);
  g_cond_clear (&r.cond);
  outcome_clear (&o);
}
