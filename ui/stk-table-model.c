/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-table-model.h"

#include "stk-pager.h"
#include "stk-reads.h"
#include "stk-rows-private.h"

/*
 * A lazy GListModel over StkPager. State on the main thread:
 *
 *  - query + index: what is listed, and its count + anchors (or search ids), read by
 *    StkStore on its worker thread from one snapshot together with the pages on show
 *    (a "refresh", stk_store_list_async()). A new query without a search reads a quick
 *    first page first (LIMIT from the start, no count), and its refresh, a scan of the
 *    whole index, starts only once that page is in, from a low-priority idle (for a
 *    list's first query, after the frame that shows that page): the first rows never
 *    wait for, nor share the machine with, a scan that grows with the table.
 *  - A deferred model (a list not shown yet) reads nothing until stk_table_model_start().
 *  - pages: STK_PAGER_STRIDE row objects each, loaded on demand in get_item() — one
 *    index seek from the nearest anchor — and kept in an LRU of MAX_PAGES. A page whose
 *    rows somebody else still holds (the list widgets, the selection) is not evicted,
 *    so that a reload can update exactly those objects.
 *  - A reload re-runs the refresh for the same query and re-fetches the loaded pages
 *    on the worker; on the main thread a row whose id is unchanged at its position
 *    keeps its object (properties updated in place), and items-changed is emitted
 *    only for the positions that changed and for the count.
 */

#define PAGE_SIZE STK_PAGER_STRIDE
#define MAX_PAGES 24

G_STATIC_ASSERT (PAGE_SIZE == STK_TABLE_MODEL_PAGE_SIZE);

typedef struct
{
  guint      number;
  GPtrArray *rows;   /* GObject* */
  GList      link;   /* in lru, data = this */
} Page;

struct _StkTableModel
{
  GObject        parent_instance;

  StkStore      *store;
  StkTableKind   kind;
  char          *search;
  gint64         item_id;          /* Stock Moves: one item's, or 0 */
  gint64         range_from;       /* [from, to) in µs, or G_MININT64 / G_MAXINT64 */
  gint64         range_to;
  char          *sort_column;
  gboolean       sort_descending;
  gboolean       loading;
  gboolean       deferred;         /* construct-only */
  gboolean       started;          /* stk_table_model_start() ran (or not deferred) */
  guint          scan_idle;        /* the refresh to start after the first page */
  GdkFrameClock *paint_clock;      /* the first scan waits for a frame of this clock */
  gulong         paint_handler;
  guint          paint_timeout;

  StkPagerQuery *query;
  StkPagerIndex *index;            /* of query, or NULL before its refresh */
  guint          n_items;
  guint          generation;       /* bumped for each new query */
  guint          content_generation; /* the query the rows and n_items belong to */
  GCancellable  *cancellable;      /* of the refresh under way */
  GCancellable  *first_cancellable; /* of the quick first page under way */
  gboolean       refreshing;
  gboolean       refresh_again;

  StkPagerIndex *base;             /* items: the list without search in some sort column,
                                    * to order searches with (stk_pager_index_build_with_base) */
  guint          data_generation;  /* bumped by each reload (the data changed) */
  guint          base_data_generation;

  GHashTable    *pages;            /* number → Page* */
  GQueue         lru;              /* head: most recently used */

  StkTableModelStats stats;
  gint64         query_started_us;
};

static void stk_table_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StkTableModel, stk_table_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      stk_table_model_list_model_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_KIND,
  PROP_SEARCH,
  PROP_SORT_COLUMN,
  PROP_SORT_DESCENDING,
  PROP_LOADING,
  PROP_DEFERRED,
  PROP_ITEM_ID,
  PROP_RANGE_FROM,
  PROP_RANGE_TO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void stk_table_model_start_refresh (StkTableModel *self);
static void schedule_scan                 (StkTableModel *self);

/* ---- pages ---- */

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->rows);
  g_free (page);
}

static Page *
page_new (guint   number,
          GArray *rows,
          guint   kind)
{
  Page *page = g_new0 (Page, 1);

  page->number = number;
  page->link.data = page;
  page->rows = g_ptr_array_new_full (rows->len, g_object_unref);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (page->rows,
                     stk_row_new_from_pager (kind, &g_array_index (rows, StkPagerRow, i)));
  return page;
}

static void
clear_pages (StkTableModel *self)
{
  g_queue_init (&self->lru); /* the links are inside the pages */
  g_hash_table_remove_all (self->pages);
}

static void
insert_page (StkTableModel *self,
             Page          *page)
{
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page->number), page);
  page->link.prev = page->link.next = NULL;
  g_queue_push_head_link (&self->lru, &page->link);
}

static gboolean
page_is_held (Page *page)
{
  for (guint i = 0; i < page->rows->len; i++)
    if (g_atomic_int_get (&G_OBJECT (page->rows->pdata[i])->ref_count) > 1)
      return TRUE;
  return FALSE;
}

static void
evict_pages (StkTableModel *self)
{
  GList *l = self->lru.tail;

  while (g_hash_table_size (self->pages) > MAX_PAGES && l != NULL && l != self->lru.head)
    {
      Page *page = l->data;
      GList *prev = l->prev;

      if (!page_is_held (page))
        {
          g_queue_unlink (&self->lru, l);
          g_hash_table_remove (self->pages, GUINT_TO_POINTER (page->number));
        }
      l = prev;
    }
}

static StkPagerKind
pager_kind (StkTableKind kind)
{
  switch (kind)
    {
    case STK_TABLE_KIND_ITEMS:
      return STK_PAGER_ITEMS;
    case STK_TABLE_KIND_SALES:
      return STK_PAGER_SALES;
    case STK_TABLE_KIND_MOVES:
      return STK_PAGER_MOVES;
    default:
      g_return_val_if_reached (STK_PAGER_ITEMS);
    }
}

static Page *
load_page (StkTableModel *self,
           guint          number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  Page *page;

  /* GListModel.get_item() answers now: one index seek on this thread. */
  self->stats.reads_started++;
  rows = stk_store_fetch (self->store, self->query, self->index, (guint64) number * PAGE_SIZE,
                          PAGE_SIZE, &error);
  if (rows == NULL)
    {
      g_warning ("Cannot load rows %u–%u: %s", number * PAGE_SIZE,
                 number * PAGE_SIZE + PAGE_SIZE - 1, error->message);
      rows = g_array_new (FALSE, TRUE, sizeof (StkPagerRow));
    }

  /* Fewer rows than positions: the data changed since the count; placeholders until the
   * reload that the change brings. */
  while (rows->len < PAGE_SIZE && (guint64) number * PAGE_SIZE + rows->len < self->n_items)
    {
      StkPagerRow empty = { 0 };

      g_array_append_val (rows, empty);
    }

  page = page_new (number, rows, pager_kind (self->kind));
  insert_page (self, page);

  elapsed = g_get_monotonic_time () - start;
  self->stats.page_loads++;
  self->stats.page_load_us += elapsed;
  self->stats.last_page_load_us = elapsed;
  self->stats.max_page_load_us = MAX (self->stats.max_page_load_us, elapsed);
  return page;
}

/* ---- GListModel ---- */

static GType
stk_table_model_get_item_type (GListModel *model)
{
  switch (STK_TABLE_MODEL (model)->kind)
    {
    case STK_TABLE_KIND_SALES:
      return STK_TYPE_SALE_ROW;
    case STK_TABLE_KIND_MOVES:
      return STK_TYPE_MOVE_ROW;
    case STK_TABLE_KIND_ITEMS:
    default:
      return STK_TYPE_ITEM_ROW;
    }
}

static guint
stk_table_model_get_n_items (GListModel *model)
{
  return STK_TABLE_MODEL (model)->n_items;
}

static gpointer
stk_table_model_get_item (GListModel *model,
                          guint       position)
{
  StkTableModel *self = STK_TABLE_MODEL (model);
  guint number = position / PAGE_SIZE;
  Page *page;

  if (position >= self->n_items || self->query == NULL)
    return NULL;

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (number));
  if (page == NULL)
    {
      page = load_page (self, number);
      evict_pages (self);
    }
  else if (self->lru.head != &page->link)
    {
      g_queue_unlink (&self->lru, &page->link);
      g_queue_push_head_link (&self->lru, &page->link);
    }

  /* Never NULL below n_items (GTK aborts): a page shorter than the count says — the
   * data changed under it — gets placeholders until the reload that the change brings. */
  while (page->rows->len <= position % PAGE_SIZE)
    {
      StkPagerRow empty = { 0 };

      g_ptr_array_add (page->rows, stk_row_new_from_pager (pager_kind (self->kind), &empty));
    }
  return g_object_ref (page->rows->pdata[position % PAGE_SIZE]);
}

static void
stk_table_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = stk_table_model_get_item_type;
  iface->get_n_items = stk_table_model_get_n_items;
  iface->get_item = stk_table_model_get_item;
}

/* ---- refreshes (on StkStore's worker) ---- */

/* What a callback needs to know of the call; @self is touched only when the call was
 * not cancelled (a cancelled call's model may be gone). */
typedef struct
{
  StkTableModel *self;
  guint          generation;
  guint          data_generation;
} RefreshCall;

static RefreshCall *
refresh_call_new (StkTableModel *self)
{
  RefreshCall *call = g_new0 (RefreshCall, 1);

  call->self = self;
  call->generation = self->generation;
  call->data_generation = self->data_generation;
  return call;
}

static void
set_loading (StkTableModel *self,
             gboolean       loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Announces a new count and the changed runs (start, length pairs in @changed) so that
 * at each emission n_items is what the signals so far say (a list widget asks for the
 * count and the items while it handles one): the rows past the new end go first, the
 * changed rows in [0, common) next, the added rows last. */
static void
announce (StkTableModel *self,
          guint          old_n,
          guint          n_items,
          GArray        *changed)
{
  if (n_items < old_n)
    {
      self->n_items = n_items;
      g_list_model_items_changed (G_LIST_MODEL (self), n_items, old_n - n_items, 0);
    }
  for (guint i = 0; i < changed->len; i += 2)
    {
      guint start = g_array_index (changed, guint, i);
      guint len = g_array_index (changed, guint, i + 1);

      g_list_model_items_changed (G_LIST_MODEL (self), start, len, len);
    }
  if (n_items > old_n)
    {
      self->n_items = n_items;
      g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, n_items - old_n);
    }
}

/* Replaces everything with the fetched pages (a new query). The row objects that
 * somebody holds (a list widget's rows, the selection) serve as position slots: where the
 * new result has a row at their position they take its contents in place (notify per
 * changed property), and only the difference in count is announced, at the tail. So a
 * list widget keeps its row widgets and has no anchor to look for: replacing the rows
 * with items-changed (0, old, new) makes GTK ask for every added item while it looks
 * for its anchor and focus rows among them (thousands of page loads), and removing all
 * then adding all makes it drop and rebuild every row widget. A held page that the
 * result does not cover (the worker did not fetch it) is announced as changed. */
static void
apply_replace (StkTableModel *self,
               StkListResult *r,
               guint          generation,
               guint          n_items)
{
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint)); /* start, length */
  g_autoptr(GHashTable) fetched = g_hash_table_new (NULL, NULL);
  guint old_n = self->n_items;
  guint common = MIN (old_n, n_items);
  GHashTableIter iter;
  gpointer value;
  GList *old_pages = NULL;

  for (guint i = 0; i < r->pages->len; i++)
    g_hash_table_insert (fetched, GUINT_TO_POINTER (g_array_index (r->page_numbers, guint, i)),
                         r->pages->pdata[i]);

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      old_pages = g_list_prepend (old_pages, value);
      g_hash_table_iter_steal (&iter);
    }
  g_queue_init (&self->lru);

  for (GList *l = old_pages; l != NULL; l = l->next)
    {
      Page *page = l->data;
      guint base = page->number * PAGE_SIZE;
      GArray *rows;

      if (base >= common || !page_is_held (page))
        {
          page_free (page); /* nobody sees these objects: new ones on demand */
          continue;
        }
      rows = g_hash_table_lookup (fetched, GUINT_TO_POINTER (page->number));
      if (rows == NULL)
        {
          guint start = base, len = MIN (base + page->rows->len, common) - base;

          g_array_append_val (changed, start);
          g_array_append_val (changed, len);
          page_free (page);
          continue;
        }
      for (guint i = 0; i < rows->len; i++)
        {
          const StkPagerRow *row = &g_array_index (rows, StkPagerRow, i);

          if (i < page->rows->len)
            stk_row_update (page->rows->pdata[i], row);
          else
            g_ptr_array_add (page->rows, stk_row_new_from_pager (pager_kind (self->kind), row));
        }
      /* Rows past the new page's end are past n_items (removed below). */
      if (page->rows->len > rows->len)
        g_ptr_array_set_size (page->rows, rows->len);
      g_hash_table_remove (fetched, GUINT_TO_POINTER (page->number));
      insert_page (self, page);
    }
  g_list_free (old_pages);

  for (guint i = 0; i < r->pages->len; i++)
    {
      guint number = g_array_index (r->page_numbers, guint, i);

      if (g_hash_table_contains (fetched, GUINT_TO_POINTER (number)) &&
          (guint64) number * PAGE_SIZE < n_items)
        insert_page (self, page_new (number, r->pages->pdata[i], pager_kind (self->kind)));
    }
  self->content_generation = generation;

  announce (self, old_n, n_items, changed);
}

/* Same query, new data: keeps each row object whose id is unchanged at its position. */
static void
apply_diff (StkTableModel *self,
            StkListResult *r,
            guint          n_items)
{
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint)); /* run start, length */
  g_autoptr(GHashTable) fetched = g_hash_table_new (NULL, NULL);
  guint old_n = self->n_items;
  guint common = MIN (old_n, n_items);
  GHashTableIter iter;
  gpointer value;
  GList *held = NULL;

  for (guint i = 0; i < r->pages->len; i++)
    g_hash_table_insert (fetched, GUINT_TO_POINTER (g_array_index (r->page_numbers, guint, i)),
                         r->pages->pdata[i]);

  /* Take the loaded pages out; put back updated ones. */
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      held = g_list_prepend (held, value);
      g_hash_table_iter_steal (&iter);
    }
  g_queue_init (&self->lru);

  for (GList *l = held; l != NULL; l = l->next)
    {
      Page *page = l->data;
      GArray *rows = g_hash_table_lookup (fetched, GUINT_TO_POINTER (page->number));
      guint base = page->number * PAGE_SIZE;
      guint run_start = 0, run_len = 0;

      if (rows == NULL || base >= n_items)
        {
          /* Not re-fetched (loaded meanwhile) or past the end: drop it. */
          if (base < common)
            {
              guint start = base, len = MIN (base + page->rows->len, common) - base;

              g_array_append_val (changed, start);
              g_array_append_val (changed, len);
            }
          page_free (page);
          continue;
        }

      for (guint i = 0; i < MAX (rows->len, page->rows->len); i++)
        {
          gboolean same = FALSE;

          if (i < rows->len && i < page->rows->len)
            {
              GObject *object = page->rows->pdata[i];
              const StkPagerRow *row = &g_array_index (rows, StkPagerRow, i);

              if (stk_row_get_id (object) == row->id)
                {
                  stk_row_update (object, row);
                  same = TRUE;
                }
              else
                {
                  g_ptr_array_index (page->rows, i) =
                    stk_row_new_from_pager (pager_kind (self->kind), row);
                  g_object_unref (object);
                }
            }
          else if (i < rows->len)
            g_ptr_array_add (page->rows,
                             stk_row_new_from_pager (pager_kind (self->kind),
                                                     &g_array_index (rows, StkPagerRow, i)));

          if (!same && base + i < common)
            {
              if (run_len > 0 && run_start + run_len == base + i)
                run_len++;
              else
                {
                  if (run_len > 0)
                    {
                      g_array_append_val (changed, run_start);
                      g_array_append_val (changed, run_len);
                    }
                  run_start = base + i;
                  run_len = 1;
                }
            }
        }
      if (run_len > 0)
        {
          g_array_append_val (changed, run_start);
          g_array_append_val (changed, run_len);
        }
      if (page->rows->len > rows->len)
        g_ptr_array_set_size (page->rows, rows->len);
      insert_page (self, page);
    }
  g_list_free (held);

  announce (self, old_n, n_items, changed);
}

static void
first_page_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autofree RefreshCall *call = user_data;
  g_autoptr(StkListResult) r = NULL;
  g_autoptr(GError) error = NULL;
  StkTableModel *self;

  r = stk_store_list_finish (STK_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* superseded, or the model is gone: do not touch it */
  self = call->self;
  if (call->generation == self->generation)
    g_clear_object (&self->first_cancellable);
  if (r == NULL)
    {
      g_warning ("Cannot load the list: %s", error->message);
      if (call->generation == self->generation)
        schedule_scan (self);
      return;
    }
  /* Too late: the full refresh of this query is in already, or a new query started. */
  if (call->generation != self->generation || self->content_generation == call->generation)
    return;
  schedule_scan (self);

  self->stats.first_page_us = g_get_monotonic_time () - self->query_started_us;
  apply_replace (self, r, call->generation,
                 MIN (((GArray *) r->pages->pdata[0])->len, STK_TABLE_MODEL_FIRST_ROWS));
}

static gboolean
scan_idle_cb (gpointer user_data)
{
  StkTableModel *self = user_data;

  self->scan_idle = 0;
  /* A reload may have started the refresh meanwhile, or it may be in already. */
  if (!self->refreshing && self->index == NULL)
    stk_table_model_start_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
stop_waiting_for_paint (StkTableModel *self)
{
  /* The clock's handlers go with its surface (a window closed before its first frame). */
  if (self->paint_clock != NULL && self->paint_handler != 0 &&
      g_signal_handler_is_connected (self->paint_clock, self->paint_handler))
    g_signal_handler_disconnect (self->paint_clock, self->paint_handler);
  self->paint_handler = 0;
  g_clear_handle_id (&self->paint_timeout, g_source_remove);
  g_clear_object (&self->paint_clock);
}

static void
after_paint_cb (GdkFrameClock *clock,
                StkTableModel *self)
{
  stop_waiting_for_paint (self);
  schedule_scan (self);
}

static gboolean
paint_timeout_cb (gpointer user_data)
{
  StkTableModel *self = user_data;

  self->paint_timeout = 0;
  stop_waiting_for_paint (self);
  schedule_scan (self);
  return G_SOURCE_REMOVE;
}

/* The refresh of a new query, once its first page is in (or could not be read). */
static void
schedule_scan (StkTableModel *self)
{
  if (self->paint_clock != NULL)
    {
      /* The first scan after the frame that shows the first rows (a scan of a small
       * table is done in a few ms, and its result would otherwise be laid out before
       * that frame); at the latest after a while, should no frame come. */
      if (self->paint_handler == 0)
        {
          self->paint_handler = g_signal_connect (self->paint_clock, "after-paint",
                                                  G_CALLBACK (after_paint_cb), self);
          self->paint_timeout = g_timeout_add (1000, paint_timeout_cb, self);
          g_source_set_name_by_id (self->paint_timeout, "[stocktake] table model first frame");
        }
      return;
    }
  if (self->scan_idle != 0)
    return;
  /* Below the frame clock's priority: the frame that shows the first page comes first. */
  self->scan_idle = g_idle_add_full (G_PRIORITY_LOW, scan_idle_cb, self, NULL);
  g_source_set_name_by_id (self->scan_idle, "[stocktake] table model scan");
}

static void
keep_base (StkTableModel *self,
           StkPagerIndex *index,
           guint          data_generation)
{
  if (self->kind != STK_TABLE_KIND_ITEMS || data_generation != self->data_generation ||
      !stk_pager_index_can_order (index, self->query))
    return;
  g_clear_pointer (&self->base, stk_pager_index_unref);
  self->base = stk_pager_index_ref (index);
  self->base_data_generation = data_generation;
}

static void
refresh_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree RefreshCall *call = user_data;
  g_autoptr(StkListResult) r = NULL;
  g_autoptr(GError) error = NULL;
  StkTableModel *self;
  guint n_items;

  r = stk_store_list_finish (STK_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* superseded (the newer refresh is under way), or the model is gone */
  self = call->self;

  self->refreshing = FALSE;
  g_clear_object (&self->cancellable);

  if (r == NULL)
    g_warning ("Cannot load the list: %s", error->message);
  else if (call->generation == self->generation)
    {
      g_clear_pointer (&self->index, stk_pager_index_unref);
      self->index = stk_pager_index_ref (r->index);
      n_items = (guint) MIN (stk_pager_index_get_count (r->index), G_MAXUINT - 1);
      self->stats.refreshes++;
      self->stats.last_refresh_us = r->elapsed_us;
      self->stats.index_bytes = stk_pager_index_get_size (r->index);
      keep_base (self, r->base != NULL ? r->base : r->index, call->data_generation);

      if (self->content_generation != call->generation)
        {
          if (self->stats.first_page_us == 0)
            self->stats.first_page_us = g_get_monotonic_time () - self->query_started_us;
          apply_replace (self, r, call->generation, n_items);
        }
      else
        apply_diff (self, r, n_items);
    }

  if (self->refresh_again)
    stk_table_model_start_refresh (self);
  else
    set_loading (self, FALSE);
}

static void
stk_table_model_start_refresh (StkTableModel *self)
{
  g_autoptr(GArray) numbers = NULL;
  StkPagerIndex *base = NULL;

  self->refresh_again = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store == NULL || self->query == NULL)
    {
      self->refreshing = FALSE;
      set_loading (self, FALSE);
      return;
    }

  self->cancellable = g_cancellable_new ();
  self->refreshing = TRUE;
  g_clear_handle_id (&self->scan_idle, g_source_remove);

  numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  if (self->base != NULL && self->base_data_generation == self->data_generation &&
      stk_pager_index_can_order (self->base, self->query))
    base = self->base;

  if (self->content_generation == self->generation)
    {
      /* A reload: the pages loaded now, most recent first. */
      for (GList *l = self->lru.head; l != NULL; l = l->next)
        g_array_append_val (numbers, ((Page *) l->data)->number);
    }
  else
    {
      guint zero = 0;

      /* A new query: its first page, and the pages whose rows are on show (held), which
       * take the new rows in place (apply_replace). */
      g_array_append_val (numbers, zero);
      for (GList *l = self->lru.head; l != NULL; l = l->next)
        {
          Page *page = l->data;

          if (page->number != 0 && page_is_held (page))
            g_array_append_val (numbers, page->number);
        }
    }

  self->stats.reads_started++;
  self->stats.scans_started++;
  stk_store_list_async (self->store, self->query, base, numbers, FALSE, self->cancellable,
                        refresh_done_cb, refresh_call_new (self));
  set_loading (self, TRUE);
}

/* A new query: a quick first page, and the full refresh beside it. */
static void
stk_table_model_restart (StkTableModel *self)
{
  g_autoptr(GError) error = NULL;
  StkPagerQuery *query;

  if (self->store == NULL || !self->started)
    return;

  query = stk_pager_query_new_filtered (pager_kind (self->kind), self->sort_column,
                                        self->sort_descending, self->search, self->item_id,
                                        self->range_from, self->range_to, &error);
  if (query == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  g_clear_pointer (&self->query, stk_pager_query_unref);
  g_clear_pointer (&self->index, stk_pager_index_unref);
  self->query = query;
  self->generation++;
  self->query_started_us = g_get_monotonic_time ();
  self->stats.first_page_us = 0;

  /* Rows of the previous query stay on show until the new ones are in. */
  g_cancellable_cancel (self->first_cancellable);
  g_clear_object (&self->first_cancellable);
  g_clear_handle_id (&self->scan_idle, g_source_remove);
  if (stk_pager_query_get_search (query) == NULL)
    {
      g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
      guint zero = 0;

      /* The first page alone; the refresh (count and anchors) once it is in. A refresh
       * of the previous query under way is of no use now. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->refreshing = FALSE;
      self->refresh_again = FALSE;
      g_array_append_val (numbers, zero);
      set_loading (self, TRUE);
      self->first_cancellable = g_cancellable_new ();
      self->stats.reads_started++;
      stk_store_list_async (self->store, query, NULL, numbers, TRUE, self->first_cancellable,
                            first_page_done_cb, refresh_call_new (self));
      return;
    }

  stk_table_model_start_refresh (self);
}

/* ---- GObject ---- */

static void
stk_table_model_dispose (GObject *object)
{
  StkTableModel *self = STK_TABLE_MODEL (object);

  /* The callbacks of work in flight see the cancellation and leave the model alone. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->first_cancellable);
  g_clear_object (&self->first_cancellable);
  g_clear_handle_id (&self->scan_idle, g_source_remove);
  stop_waiting_for_paint (self);
  clear_pages (self);
  g_clear_pointer (&self->index, stk_pager_index_unref);
  g_clear_pointer (&self->base, stk_pager_index_unref);
  g_clear_pointer (&self->query, stk_pager_query_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (stk_table_model_parent_class)->dispose (object);
}

static void
stk_table_model_finalize (GObject *object)
{
  StkTableModel *self = STK_TABLE_MODEL (object);

  g_hash_table_unref (self->pages);
  g_free (self->search);
  g_free (self->sort_column);

  G_OBJECT_CLASS (stk_table_model_parent_class)->finalize (object);
}

static void
stk_table_model_constructed (GObject *object)
{
  StkTableModel *self = STK_TABLE_MODEL (object);
  StkPagerKind kind = pager_kind (self->kind);

  G_OBJECT_CLASS (stk_table_model_parent_class)->constructed (object);

  self->sort_column = g_strdup (stk_pager_sort_columns (kind)[0]);
  self->sort_descending = stk_pager_default_descending (kind);
  if (!self->deferred)
    stk_table_model_start (self);
}

static void
stk_table_model_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  StkTableModel *self = STK_TABLE_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;
    case PROP_SORT_COLUMN:
      g_value_set_string (value, self->sort_column);
      break;
    case PROP_SORT_DESCENDING:
      g_value_set_boolean (value, self->sort_descending);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_DEFERRED:
      g_value_set_boolean (value, self->deferred);
      break;
    case PROP_ITEM_ID:
      g_value_set_int64 (value, self->item_id);
      break;
    case PROP_RANGE_FROM:
      g_value_set_int64 (value, self->range_from);
      break;
    case PROP_RANGE_TO:
      g_value_set_int64 (value, self->range_to);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_table_model_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  StkTableModel *self = STK_TABLE_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_KIND:
      self->kind = g_value_get_int (value);
      break;
    case PROP_DEFERRED:
      self->deferred = g_value_get_boolean (value);
      break;
    case PROP_SEARCH:
      stk_table_model_set_search (self, g_value_get_string (value));
      break;
    case PROP_SORT_COLUMN:
      stk_table_model_set_sort (self, g_value_get_string (value), self->sort_descending);
      break;
    case PROP_SORT_DESCENDING:
      stk_table_model_set_sort (self, self->sort_column, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_table_model_class_init (StkTableModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = stk_table_model_dispose;
  object_class->finalize = stk_table_model_finalize;
  object_class->constructed = stk_table_model_constructed;
  object_class->get_property = stk_table_model_get_property;
  object_class->set_property = stk_table_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, STK_TABLE_KIND_ITEMS, STK_TABLE_KIND_MOVES,
                      STK_TABLE_KIND_ITEMS,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SORT_COLUMN] =
    g_param_spec_string ("sort-column", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SORT_DESCENDING] =
    g_param_spec_boolean ("sort-descending", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFERRED] =
    g_param_spec_boolean ("deferred", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ITEM_ID] =
    g_param_spec_int64 ("item-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RANGE_FROM] =
    g_param_spec_int64 ("range-from", NULL, NULL, G_MININT64, G_MAXINT64, G_MININT64,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RANGE_TO] =
    g_param_spec_int64 ("range-to", NULL, NULL, G_MININT64, G_MAXINT64, G_MAXINT64,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
stk_table_model_init (StkTableModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  g_queue_init (&self->lru);
  self->range_from = G_MININT64;
  self->range_to = G_MAXINT64;
}

/* ---- API ---- */

StkTableModel *
stk_table_model_new (StkStore     *store,
                     StkTableKind  kind)
{
  g_return_val_if_fail (store == NULL || STK_IS_STORE (store), NULL);

  return g_object_new (STK_TYPE_TABLE_MODEL, "store", store, "kind", kind, NULL);
}

StkTableModel *
stk_table_model_new_deferred (StkStore     *store,
                              StkTableKind  kind)
{
  g_return_val_if_fail (store == NULL || STK_IS_STORE (store), NULL);

  return g_object_new (STK_TYPE_TABLE_MODEL, "store", store, "kind", kind, "deferred", TRUE,
                       NULL);
}

void
stk_table_model_start (StkTableModel *self)
{
  g_return_if_fail (STK_IS_TABLE_MODEL (self));

  if (self->started)
    return;
  self->started = TRUE;
  stk_table_model_restart (self);
}

void
stk_table_model_start_for_frame (StkTableModel *self,
                                 GdkFrameClock *clock)
{
  g_return_if_fail (STK_IS_TABLE_MODEL (self));
  g_return_if_fail (clock == NULL || GDK_IS_FRAME_CLOCK (clock));

  if (self->started)
    return;
  g_set_object (&self->paint_clock, clock);
  stk_table_model_start (self);
  /* Only the first query's scan waits: for the frame after its first page is in (a
   * search reads no first page: nothing to wait for). */
  if (self->paint_handler == 0 && self->first_cancellable == NULL)
    g_clear_object (&self->paint_clock);
}

gboolean
stk_table_model_get_started (StkTableModel *self)
{
  g_return_val_if_fail (STK_IS_TABLE_MODEL (self), FALSE);

  return self->started;
}

StkTableKind
stk_table_model_get_kind (StkTableModel *self)
{
  g_return_val_if_fail (STK_IS_TABLE_MODEL (self), STK_TABLE_KIND_ITEMS);

  return self->kind;
}

void
stk_table_model_set_search (StkTableModel *self,
                            const char    *text)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (STK_IS_TABLE_MODEL (self));

  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*trimmed == '\0')
    g_clear_pointer (&trimmed, g_free);
  if (g_strcmp0 (trimmed, self->search) == 0)
    return;

  g_free (self->search);
  self->search = g_steal_pointer (&trimmed);
  if (self->sort_column != NULL)
    stk_table_model_restart (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}

const char *
stk_table_model_get_search (StkTableModel *self)
{
  g_return_val_if_fail (STK_IS_TABLE_MODEL (self), NULL);

  return self->search;
}

void
stk_table_model_set_item_id (StkTableModel *self,
                             gint64         item_id)
{
  g_return_if_fail (STK_IS_TABLE_MODEL (self));
  g_return_if_fail (item_id == 0 || self->kind == STK_TABLE_KIND_MOVES);

  item_id = MAX (item_id, 0);
  if (item_id == self->item_id)
    return;
  self->item_id = item_id;
  if (self->sort_column != NULL)
    stk_table_model_restart (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM_ID]);
}

gint64
stk_table_model_get_item_id (StkTableModel *self)
{
  g_return_val_if_fail (STK_IS_TABLE_MODEL (self), 0);

  return self->item_id;
}

void
stk_table_model_set_range (StkTableModel *self,
                           gint64         from_us,
                           gint64         to_us)
{
  g_return_if_fail (STK_IS_TABLE_MODEL (self));
  g_return_if_fail (self->kind != STK_TABLE_KIND_ITEMS ||
                    (from_us == G_MININT64 && to_us == G_MAXINT64));

  if (from_us == self->range_from && to_us == self->range_to)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  if (from_us != self->range_from)
    {
      self->range_from = from_us;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RANGE_FROM]);
    }
  if (to_us != self->range_to)
    {
      self->range_to = to_us;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RANGE_TO]);
    }
  if (self->sort_column != NULL)
    stk_table_model_restart (self);
  g_object_thaw_notify (G_OBJECT (self));
}

void
stk_table_model_get_range (StkTableModel *self,
                           gint64        *from_us,
                           gint64        *to_us)
{
  g_return_if_fail (STK_IS_TABLE_MODEL (self));

  if (from_us != NULL)
    *from_us = self->range_from;
  if (to_us != NULL)
    *to_us = self->range_to;
}

void
stk_table_model_set_sort (StkTableModel *self,
                          const char    *column,
                          gboolean       descending)
{
  StkPagerKind kind;

  g_return_if_fail (STK_IS_TABLE_MODEL (self));

  kind = pager_kind (self->kind);
  if (column == NULL)
    {
      column = stk_pager_sort_columns (kind)[0];
      descending = stk_pager_default_descending (kind);
    }
  if (!stk_pager_can_sort (kind, column))
    {
      g_warning ("This list cannot be sorted by “%s”", column);
      return;
    }
  descending = !!descending;
  if (g_strcmp0 (column, self->sort_column) == 0 && descending == self->sort_descending)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (column, self->sort_column) != 0)
    {
      g_free (self->sort_column);
      self->sort_column = g_strdup (column);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_COLUMN]);
    }
  if (descending != self->sort_descending)
    {
      self->sort_descending = descending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_DESCENDING]);
    }
  stk_table_model_restart (self);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
stk_table_model_get_sort_column (StkTableModel *self)
{
  g_return_val_if_fail (STK_IS_TABLE_MODEL (self), NULL);

  return self->sort_column;
}

gboolean
stk_table_model_get_sort_descending (StkTableModel *self)
{
  g_return_val_if_fail (STK_IS_TABLE_MODEL (self), FALSE);

  return self->sort_descending;
}

void
stk_table_model_reload (StkTableModel *self)
{
  g_return_if_fail (STK_IS_TABLE_MODEL (self));

  if (self->query == NULL)
    return;
  self->data_generation++;
  /* A new query's scan yet to start (its first page on show or on its way) reads the
   * data as it is when it starts: nothing to add, and no scan before the first frame. */
  if (!self->refreshing &&
      (self->scan_idle != 0 || self->paint_handler != 0 || self->first_cancellable != NULL))
    return;
  /* Never cancel a refresh half-way for a reload (it would start over forever under a
   * stream of commits): run one more when it is done. */
  if (self->refreshing)
    self->refresh_again = TRUE;
  else
    stk_table_model_start_refresh (self);
}

gboolean
stk_table_model_get_loading (StkTableModel *self)
{
  g_return_val_if_fail (STK_IS_TABLE_MODEL (self), FALSE);

  return self->loading;
}

guint
stk_table_model_find_id (StkTableModel *self,
                         gint64         id)
{
  g_autoptr(GError) error = NULL;
  gint64 position;

  g_return_val_if_fail (STK_IS_TABLE_MODEL (self), GTK_INVALID_LIST_POSITION);

  if (self->query == NULL || self->content_generation != self->generation)
    return GTK_INVALID_LIST_POSITION;

  /* Loaded rows first: no SQL. */
  for (GList *l = self->lru.head; l != NULL; l = l->next)
    {
      Page *page = l->data;

      for (guint i = 0; i < page->rows->len; i++)
        if (stk_row_get_id (page->rows->pdata[i]) == id &&
            page->number * PAGE_SIZE + i < self->n_items) /* a first page: rows not announced */
          return page->number * PAGE_SIZE + i;
    }

  /* The caller needs the answer now (stk_table_view selects the row). */
  self->stats.reads_started++;
  position = stk_store_position_of (self->store, self->query, self->index, id, &error);
  if (error != NULL)
    g_warning ("Cannot find a row: %s", error->message);
  if (position < 0 || position >= self->n_items)
    return GTK_INVALID_LIST_POSITION;
  return (guint) position;
}

void
stk_table_model_get_stats (StkTableModel      *self,
                           StkTableModelStats *stats)
{
  g_return_if_fail (STK_IS_TABLE_MODEL (self));
  g_return_if_fail (stats != NULL);

  *stats = self->stats;
  stats->n_pages = g_hash_table_size (self->pages);
  stats->n_rows = 0;
  for (GList *l = self->lru.head; l != NULL; l = l->next)
    stats->n_rows += ((Page *) l->data)->rows->len;
}

void
stk_table_model_reset_stats (StkTableModel *self)
{
  g_return_if_fail (STK_IS_TABLE_MODEL (self));

  self->stats.max_page_load_us = 0;
  self->stats.last_page_load_us = 0;
}
