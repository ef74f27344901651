/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-reads.h"

#include <glib/gi18n.h>

#include "stk-engine.h"
#include "stk-error.h"
#include "stk-glib.h"
#include "stk-store-private.h"

/*
 * The read API of StkStore (stk-reads.h). One mechanism for all of it: a read is a
 * function of a connection (ReadFunc) that returns a new result, or NULL with an error;
 * run_read() lends it a connection from the pool on the caller's thread (the sync
 * variants), read_async() does the same on a GTask worker thread. The worker threads of
 * the read side are all here.
 */

typedef gpointer (*ReadFunc) (StkStore      *store,
                              StkEngineConn *db,
                              gpointer       args,
                              GCancellable  *cancellable,
                              GError       **error);

static gpointer
run_read (StkStore      *store,
          ReadFunc       func,
          gpointer       args,
          GCancellable  *cancellable,
          GError       **error)
{
  GError *local_error = NULL;
  const StkEngine *engine = stk_store_get_engine (store);
  gpointer result;
  StkEngineConn *db;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!(db = stk_store_acquire_conn (store, error)))
    return NULL;
  result = func (store, db, args, cancellable, &local_error);
  /* Whatever the function did, the connection goes back outside any transaction. */
  engine->end_read (db);
  stk_store_release_conn (store, db);

  if (result == NULL && local_error == NULL)
    g_set_error (&local_error, STK_ERROR, STK_ERROR_FAILED, _("Cannot read the inventory."));
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return result;
}

typedef struct
{
  ReadFunc       func;
  gpointer       args;
  GDestroyNotify args_free;
  GDestroyNotify result_free;
} ReadTask;

static void
read_task_free (ReadTask *rt)
{
  if (rt->args_free != NULL)
    g_clear_pointer (&rt->args, rt->args_free);
  g_free (rt);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadTask *rt = task_data;
  GError *error = NULL;
  gpointer result;

  result = run_read (STK_STORE (source_object), rt->func, rt->args, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, rt->result_free);
}

static void
read_async (StkStore            *store,
            gpointer             source_tag,
            const char          *name,
            ReadFunc             func,
            gpointer             args,
            GDestroyNotify       args_free,
            GDestroyNotify       result_free,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  ReadTask *rt = g_new0 (ReadTask, 1);

  rt->func = func;
  rt->args = args;
  rt->args_free = args_free;
  rt->result_free = result_free;
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  g_task_set_task_data (task, rt, (GDestroyNotify) read_task_free);
  /* A cancelled task still waits for its worker (it holds a connection), but the
   * caller's *_finish() says G_IO_ERROR_CANCELLED (GTask checks the cancellable). */
  g_task_run_in_thread (task, read_thread);
}

static gpointer
read_finish (StkStore      *store,
             GAsyncResult  *result,
             gpointer       source_tag,
             GError       **error)
{
  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- lists ---- */

void
stk_list_result_free (StkListResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->index, stk_pager_index_unref);
  g_clear_pointer (&result->base, stk_pager_index_unref);
  g_clear_pointer (&result->page_numbers, g_array_unref);
  g_clear_pointer (&result->pages, g_ptr_array_unref);
  g_free (result);
}

typedef struct
{
  StkPagerQuery *query;
  StkPagerIndex *base;
  GArray        *page_numbers;
  gboolean       first_page_only;
} ListArgs;

static void
list_args_free (ListArgs *args)
{
  g_clear_pointer (&args->query, stk_pager_query_unref);
  g_clear_pointer (&args->base, stk_pager_index_unref);
  g_clear_pointer (&args->page_numbers, g_array_unref);
  g_free (args);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ListArgs, list_args_free)

static ListArgs *
list_args_new (StkPagerQuery *query,
               StkPagerIndex *base,
               GArray        *page_numbers,
               gboolean       first_page_only)
{
  ListArgs *args = g_new0 (ListArgs, 1);

  args->query = stk_pager_query_ref (query);
  args->base = base != NULL ? stk_pager_index_ref (base) : NULL;
  args->page_numbers = g_array_sized_new (FALSE, FALSE, sizeof (guint),
                                          page_numbers != NULL ? page_numbers->len : 0);
  if (page_numbers != NULL)
    g_array_append_vals (args->page_numbers, page_numbers->data, page_numbers->len);
  args->first_page_only = first_page_only;
  return args;
}

static gpointer
list_read (StkStore      *store,
           StkEngineConn *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  ListArgs *args = data;
  g_autoptr(StkListResult) result = g_new0 (StkListResult, 1);
  gint64 start = g_get_monotonic_time ();

  result->page_numbers = g_array_ref (args->page_numbers);
  result->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  /* One read transaction: the count, anchors and pages from one snapshot. */
  if (!engine->begin_read (db, error))
    return NULL;

  if (!args->first_page_only)
    {
      if (args->base != NULL)
        result->base = stk_pager_index_ref (args->base);
      else if (stk_pager_query_get_search (args->query) != NULL &&
               stk_pager_query_get_kind (args->query) == STK_PAGER_ITEMS)
        {
          /* Once per sort column and data change: the order of the whole list, which
           * then orders every search without SQL sorting. */
          g_autoptr(StkPagerQuery) all =
            stk_pager_query_new (STK_PAGER_ITEMS, stk_pager_query_get_sort_column (args->query),
                                 stk_pager_query_get_descending (args->query), NULL, NULL);

          if (!(result->base = engine->index_build (db, all, NULL, cancellable, error)))
            return NULL;
        }
      result->index = engine->index_build (db, args->query, result->base, cancellable, error);
      if (result->index == NULL)
        return NULL;
    }
  stk_store_run_read_hook (store, 0);

  for (guint i = 0; i < args->page_numbers->len; i++)
    {
      guint number = g_array_index (args->page_numbers, guint, i);
      GArray *rows;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      rows = engine->fetch (db, args->query, result->index, (guint64) number * STK_PAGER_STRIDE,
                            STK_PAGER_STRIDE, error);
      if (rows == NULL)
        return NULL;
      g_ptr_array_add (result->pages, rows);
      stk_store_run_read_hook (store, i + 1);
    }

  result->elapsed_us = g_get_monotonic_time () - start;
  return g_steal_pointer (&result);
}

void
stk_store_list_async (StkStore            *store,
                      StkPagerQuery       *query,
                      StkPagerIndex       *base,
                      GArray              *page_numbers,
                      gboolean             first_page_only,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (query != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_list_async), "[stocktake] list",
              list_read, list_args_new (query, base, page_numbers, first_page_only),
              (GDestroyNotify) list_args_free, (GDestroyNotify) stk_list_result_free,
              cancellable, callback, user_data);
}

StkListResult *
stk_store_list_finish (StkStore      *store,
                       GAsyncResult  *result,
                       GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_store_list_async), error);
}

StkListResult *
stk_store_list (StkStore       *store,
                StkPagerQuery  *query,
                StkPagerIndex  *base,
                GArray         *page_numbers,
                gboolean        first_page_only,
                GCancellable   *cancellable,
                GError        **error)
{
  g_autoptr(ListArgs) args = NULL;

  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  args = list_args_new (query, base, page_numbers, first_page_only);
  return run_read (store, list_read, args, cancellable, error);
}

typedef struct
{
  StkPagerQuery *query;
  StkPagerIndex *index;
  guint64        offset;
  guint          limit;
  gint64         id;
} PageArgs;

static gpointer
fetch_read (StkStore      *store,
            StkEngineConn *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  PageArgs *args = data;

  return engine->fetch (db, args->query, args->index, args->offset, args->limit, error);
}

GArray *
stk_store_fetch (StkStore       *store,
                 StkPagerQuery  *query,
                 StkPagerIndex  *index,
                 guint64         offset,
                 guint           limit,
                 GError        **error)
{
  PageArgs args = { query, index, offset, limit, 0 };

  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  return run_read (store, fetch_read, &args, NULL, error);
}

static void
page_args_free (PageArgs *args)
{
  g_clear_pointer (&args->query, stk_pager_query_unref);
  g_clear_pointer (&args->index, stk_pager_index_unref);
  g_free (args);
}

static gpointer
position_read (StkStore      *store,
               StkEngineConn *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  PageArgs *args = data;
  GError *local_error = NULL;
  gint64 position;

  position = engine->position_of (db, args->query, args->index, args->id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_memdup2 (&position, sizeof position);
}

gint64
stk_store_position_of (StkStore       *store,
                       StkPagerQuery  *query,
                       StkPagerIndex  *index,
                       gint64          id,
                       GError        **error)
{
  PageArgs args = { query, index, 0, 0, id };
  g_autofree gint64 *position = NULL;

  g_return_val_if_fail (STK_IS_STORE (store), -1);
  g_return_val_if_fail (query != NULL, -1);

  position = run_read (store, position_read, &args, NULL, error);
  return position != NULL ? *position : -1;
}

void
stk_store_position_of_async (StkStore            *store,
                             StkPagerQuery       *query,
                             StkPagerIndex       *index,
                             gint64               id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  PageArgs *args;

  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (query != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  args = g_new0 (PageArgs, 1);
  args->query = stk_pager_query_ref (query);
  args->index = index != NULL ? stk_pager_index_ref (index) : NULL;
  args->id = id;
  read_async (store, STK_FUNC_TAG (stk_store_position_of_async), "[stocktake] position",
              position_read, args, (GDestroyNotify) page_args_free, g_free,
              cancellable, callback, user_data);
}

gint64
stk_store_position_of_finish (StkStore      *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_autofree gint64 *position = read_finish (store, result, STK_FUNC_TAG (stk_store_position_of_async), error);

  return position != NULL ? *position : -1;
}

/* ---- items ---- */

typedef struct
{
  char   *text;
  gint64  id;
  guint   limit;
} ItemArgs;

static void
item_args_free (ItemArgs *args)
{
  g_free (args->text);
  g_free (args);
}

static ItemArgs *
item_args_new (const char *text,
               gint64      id,
               guint       limit)
{
  ItemArgs *args = g_new0 (ItemArgs, 1);

  args->text = g_strdup (text);
  args->id = id;
  args->limit = limit;
  return args;
}

static gpointer
item_by_code_read (StkStore      *store,
                   StkEngineConn *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  ItemArgs *args = data;
  StkItemInfo *info = g_new0 (StkItemInfo, 1);

  if (!engine->item_by_code (db, args->text, info, error))
    {
      stk_item_info_free (info);
      return NULL;
    }
  return info;
}

static gpointer
item_by_id_read (StkStore      *store,
                 StkEngineConn *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  ItemArgs *args = data;
  StkItemInfo *info = g_new0 (StkItemInfo, 1);

  if (!engine->item_by_id (db, args->id, info, error))
    {
      stk_item_info_free (info);
      return NULL;
    }
  return info;
}

static gpointer
complete_codes_read (StkStore      *store,
                     StkEngineConn *db,
                     gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  ItemArgs *args = data;

  return engine->complete_codes (db, args->text, args->limit, error);
}

/* Moves a result's fields into *out (which the caller clears). */
static gboolean
take_item (StkItemInfo *info,
           StkItemInfo *out)
{
  if (info == NULL)
    return FALSE;
  if (out != NULL)
    *out = *info;
  else
    stk_item_info_clear (info);
  g_free (info);
  return TRUE;
}

gboolean
stk_store_item_by_code (StkStore     *store,
                        const char   *code,
                        StkItemInfo  *out,
                        GError      **error)
{
  ItemArgs args = { (char *) code, 0, 0 };

  g_return_val_if_fail (STK_IS_STORE (store), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  return take_item (run_read (store, item_by_code_read, &args, NULL, error), out);
}

gboolean
stk_store_item_by_id (StkStore     *store,
                      gint64        id,
                      StkItemInfo  *out,
                      GError      **error)
{
  ItemArgs args = { NULL, id, 0 };

  g_return_val_if_fail (STK_IS_STORE (store), FALSE);

  return take_item (run_read (store, item_by_id_read, &args, NULL, error), out);
}

GStrv
stk_store_complete_codes (StkStore    *store,
                          const char  *prefix,
                          guint        limit,
                          GError     **error)
{
  ItemArgs args = { (char *) prefix, 0, limit };

  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (prefix != NULL, NULL);

  return run_read (store, complete_codes_read, &args, NULL, error);
}

void
stk_store_item_by_code_async (StkStore            *store,
                              const char          *code,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (code != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_item_by_code_async), "[stocktake] item by code",
              item_by_code_read, item_args_new (code, 0, 0), (GDestroyNotify) item_args_free,
              (GDestroyNotify) stk_item_info_free, cancellable, callback, user_data);
}

gboolean
stk_store_item_by_code_finish (StkStore      *store,
                               GAsyncResult  *result,
                               StkItemInfo   *out,
                               GError       **error)
{
  return take_item (read_finish (store, result, STK_FUNC_TAG (stk_store_item_by_code_async), error), out);
}

void
stk_store_item_by_id_async (StkStore            *store,
                            gint64               id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_item_by_id_async), "[stocktake] item by id",
              item_by_id_read, item_args_new (NULL, id, 0), (GDestroyNotify) item_args_free,
              (GDestroyNotify) stk_item_info_free, cancellable, callback, user_data);
}

gboolean
stk_store_item_by_id_finish (StkStore      *store,
                             GAsyncResult  *result,
                             StkItemInfo   *out,
                             GError       **error)
{
  return take_item (read_finish (store, result, STK_FUNC_TAG (stk_store_item_by_id_async), error), out);
}

void
stk_store_complete_codes_async (StkStore            *store,
                                const char          *prefix,
                                guint                limit,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (prefix != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_complete_codes_async), "[stocktake] complete codes",
              complete_codes_read, item_args_new (prefix, 0, limit),
              (GDestroyNotify) item_args_free, (GDestroyNotify) g_strfreev,
              cancellable, callback, user_data);
}

GStrv
stk_store_complete_codes_finish (StkStore      *store,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_store_complete_codes_async), error);
}

typedef struct
{
  StkPagerQuery *query;
  guint          limit;
} SearchArgs;

static void
search_args_free (SearchArgs *args)
{
  g_clear_pointer (&args->query, stk_pager_query_unref);
  g_free (args);
}

/* The items search of the list (the engine's index and fetch, one snapshot), its first
 * @limit rows as StkItemInfo. */
static gpointer
search_items_read (StkStore      *store,
                   StkEngineConn *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  SearchArgs *args = data;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_item_info_free);
  g_autoptr(StkPagerIndex) index = NULL;
  g_autoptr(GArray) rows = NULL;

  /* A blank text searches for nothing (the query would list everything). */
  if (args->query == NULL || args->limit == 0)
    return g_steal_pointer (&items);
  if (!engine->begin_read (db, error))
    return NULL;
  index = engine->index_build (db, args->query, NULL, cancellable, error);
  if (index == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  rows = engine->fetch (db, args->query, index, 0, args->limit, error);
  if (rows == NULL)
    return NULL;
  for (guint i = 0; i < rows->len; i++)
    {
      StkPagerRow *row = &g_array_index (rows, StkPagerRow, i);
      StkItemInfo *info = g_new0 (StkItemInfo, 1);

      info->id = row->id;
      info->code = g_steal_pointer (&row->code);
      info->description = g_steal_pointer (&row->description);
      info->on_hand = row->on_hand;
      info->unit_price_cents = row->unit_price_cents;
      info->reorder_level = row->reorder_level;
      info->archived = row->archived;
      info->updated_at_us = row->updated_at;
      g_ptr_array_add (items, info);
    }
  return g_steal_pointer (&items);
}

static SearchArgs *
search_args_new (const char *text,
                 guint       limit)
{
  SearchArgs *args = g_new0 (SearchArgs, 1);

  args->query = stk_pager_query_new (STK_PAGER_ITEMS, NULL, FALSE, text, NULL);
  if (args->query != NULL && stk_pager_query_get_search (args->query) == NULL)
    g_clear_pointer (&args->query, stk_pager_query_unref);
  args->limit = limit;
  return args;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SearchArgs, search_args_free)

GPtrArray *
stk_store_search_items (StkStore      *store,
                        const char    *text,
                        guint          limit,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(SearchArgs) args = NULL;

  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  args = search_args_new (text, limit);
  return run_read (store, search_items_read, args, cancellable, error);
}

void
stk_store_search_items_async (StkStore            *store,
                              const char          *text,
                              guint                limit,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (text != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_search_items_async), "[stocktake] search items",
              search_items_read, search_args_new (text, limit),
              (GDestroyNotify) search_args_free, (GDestroyNotify) g_ptr_array_unref,
              cancellable, callback, user_data);
}

GPtrArray *
stk_store_search_items_finish (StkStore      *store,
                               GAsyncResult  *result,
                               GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_store_search_items_async), error);
}

/* ---- the inventory ---- */

static gpointer
stats_read (StkStore      *store,
            StkEngineConn *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  g_autofree StkStats *stats = g_new0 (StkStats, 1);

  if (!engine->read_stats (db, stk_store_get_path (store), stats, error))
    return NULL;
  return g_steal_pointer (&stats);
}

void
stk_store_get_stats_async (StkStore            *store,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_get_stats_async), "[stocktake] inventory figures",
              stats_read, NULL, NULL, g_free, cancellable, callback, user_data);
}

gboolean
stk_store_get_stats_finish (StkStore      *store,
                            GAsyncResult  *result,
                            StkStats      *stats,
                            GError       **error)
{
  g_autofree StkStats *read = read_finish (store, result, STK_FUNC_TAG (stk_store_get_stats_async), error);

  if (read == NULL)
    return FALSE;
  if (stats != NULL)
    *stats = *read;
  return TRUE;
}

static gpointer
has_items_read (StkStore      *store,
                StkEngineConn *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  gboolean has_items = FALSE;

  if (!engine->has_items (db, &has_items, error))
    return NULL;
  return g_memdup2 (&has_items, sizeof has_items);
}

void
stk_store_has_items_async (StkStore            *store,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_has_items_async), "[stocktake] any item",
              has_items_read, NULL, NULL, g_free, cancellable, callback, user_data);
}

gboolean
stk_store_has_items_finish (StkStore      *store,
                            GAsyncResult  *result,
                            gboolean      *out_has_items,
                            GError       **error)
{
  g_autofree gboolean *read = read_finish (store, result, STK_FUNC_TAG (stk_store_has_items_async),
                                           error);

  if (read == NULL)
    return FALSE;
  if (out_has_items != NULL)
    *out_has_items = *read;
  return TRUE;
}

static gpointer
schema_version_read (StkStore      *store,
                     StkEngineConn *db,
                     gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  gint64 version = 0;

  if (!engine->schema_version (db, &version, error))
    return NULL;
  return g_memdup2 (&version, sizeof version);
}

gboolean
stk_store_get_schema_version (StkStore  *store,
                              int       *out_version,
                              GError   **error)
{
  g_autofree gint64 *version = NULL;

  g_return_val_if_fail (STK_IS_STORE (store), FALSE);

  if (!(version = run_read (store, schema_version_read, NULL, NULL, error)))
    return FALSE;
  if (out_version != NULL)
    *out_version = (int) *version;
  return TRUE;
}

/* ---- reports ---- */

void
stk_item_info_clear (StkItemInfo *info)
{
  if (info == NULL)
    return;
  g_clear_pointer (&info->code, g_free);
  g_clear_pointer (&info->description, g_free);
}

void
stk_item_info_free (StkItemInfo *info)
{
  if (info == NULL)
    return;
  stk_item_info_clear (info);
  g_free (info);
}

void
stk_report_free (StkReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->per_day, g_array_unref);
  g_clear_pointer (&report->top_sellers, g_ptr_array_unref);
  g_clear_pointer (&report->below_reorder, g_ptr_array_unref);
  g_free (report);
}

typedef struct
{
  guint days;
  guint top_limit;
} ReportArgs;

static gpointer
report_read (StkStore      *store,
             StkEngineConn *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  ReportArgs *args = data;
  StkReport *report = engine->report (db, args->days, args->top_limit, 0, cancellable, error);

  /* A report cut short by the cancel is no report, whatever the engine said. */
  if (g_cancellable_is_cancelled (cancellable))
    {
      stk_report_free (report);
      g_clear_error (error);
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return NULL;
    }
  return report;
}

void
stk_query_report_async (StkStore            *store,
                        guint                days,
                        guint                top_limit,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  ReportArgs *args;

  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  args = g_new0 (ReportArgs, 1);
  args->days = days;
  args->top_limit = top_limit;
  read_async (store, STK_FUNC_TAG (stk_query_report_async), "[stocktake] report",
              report_read, args, g_free, (GDestroyNotify) stk_report_free, cancellable,
              callback, user_data);
}

StkReport *
stk_query_report_finish (StkStore      *store,
                         GAsyncResult  *result,
                         GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_query_report_async), error);
}

/* ---- the till and sales ---- */

typedef struct
{
  StkItemInfo info;
  gint64      pack;
} ScanResult;

static void
scan_result_free (ScanResult *result)
{
  stk_item_info_clear (&result->info);
  g_free (result);
}

static gpointer
item_by_scan_read (StkStore      *store,
                   StkEngineConn *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  ItemArgs *args = data;
  ScanResult *result = g_new0 (ScanResult, 1);

  if (!engine->item_by_scan (db, args->text, &result->info, &result->pack, error))
    {
      scan_result_free (result);
      return NULL;
    }
  return result;
}

static gboolean
take_scan (ScanResult  *result,
           StkItemInfo *out,
           gint64      *out_pack)
{
  if (result == NULL)
    return FALSE;
  if (out_pack != NULL)
    *out_pack = result->pack;
  take_item (g_memdup2 (&result->info, sizeof result->info), out);
  g_free (result);
  return TRUE;
}

gboolean
stk_store_item_by_scan (StkStore     *store,
                        const char   *text,
                        StkItemInfo  *out,
                        gint64       *out_pack,
                        GError      **error)
{
  ItemArgs args = { (char *) text, 0, 0 };

  g_return_val_if_fail (STK_IS_STORE (store), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  return take_scan (run_read (store, item_by_scan_read, &args, NULL, error), out, out_pack);
}

void
stk_store_item_by_scan_async (StkStore            *store,
                              const char          *text,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (text != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_item_by_scan_async), "[stocktake] item by scan",
              item_by_scan_read, item_args_new (text, 0, 0), (GDestroyNotify) item_args_free,
              (GDestroyNotify) scan_result_free, cancellable, callback, user_data);
}

gboolean
stk_store_item_by_scan_finish (StkStore      *store,
                               GAsyncResult  *result,
                               StkItemInfo   *out,
                               gint64        *out_pack,
                               GError       **error)
{
  return take_scan (read_finish (store, result, STK_FUNC_TAG (stk_store_item_by_scan_async), error),
                    out, out_pack);
}

static gpointer
item_barcodes_read (StkStore      *store,
                    StkEngineConn *db,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  ItemArgs *args = data;

  return engine->item_barcodes (db, args->id, error);
}

GArray *
stk_store_item_barcodes (StkStore  *store,
                         gint64     item_id,
                         GError   **error)
{
  ItemArgs args = { NULL, item_id, 0 };

  g_return_val_if_fail (STK_IS_STORE (store), NULL);

  return run_read (store, item_barcodes_read, &args, NULL, error);
}

void
stk_store_item_barcodes_async (StkStore            *store,
                               gint64               item_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_item_barcodes_async), "[stocktake] item barcodes",
              item_barcodes_read, item_args_new (NULL, item_id, 0), (GDestroyNotify) item_args_free,
              (GDestroyNotify) g_array_unref, cancellable, callback, user_data);
}

GArray *
stk_store_item_barcodes_finish (StkStore      *store,
                                GAsyncResult  *result,
                                GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_store_item_barcodes_async), error);
}

static gpointer
read_sale_read (StkStore      *store,
                StkEngineConn *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  ItemArgs *args = data;

  return engine->read_sale (db, args->id, error);
}

StkSaleDetail *
stk_store_read_sale (StkStore  *store,
                     gint64     id,
                     GError   **error)
{
  ItemArgs args = { NULL, id, 0 };

  g_return_val_if_fail (STK_IS_STORE (store), NULL);

  return run_read (store, read_sale_read, &args, NULL, error);
}

void
stk_store_read_sale_async (StkStore            *store,
                           gint64               id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_read_sale_async), "[stocktake] read sale",
              read_sale_read, item_args_new (NULL, id, 0), (GDestroyNotify) item_args_free,
              (GDestroyNotify) stk_sale_detail_free, cancellable, callback, user_data);
}

StkSaleDetail *
stk_store_read_sale_finish (StkStore      *store,
                            GAsyncResult  *result,
                            GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_store_read_sale_async), error);
}

static gpointer
shop_settings_read (StkStore      *store,
                    StkEngineConn *db,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  g_autofree StkShopSettings *settings = g_new0 (StkShopSettings, 1);

  if (!engine->shop_settings (db, settings, error))
    {
      stk_shop_settings_clear (settings);
      return NULL;
    }
  return g_steal_pointer (&settings);
}

void
stk_shop_settings_clear (StkShopSettings *settings)
{
  g_return_if_fail (settings != NULL);

  g_clear_pointer (&settings->payment_methods, g_strfreev);
}

static void
shop_settings_free (StkShopSettings *settings)
{
  stk_shop_settings_clear (settings);
  g_free (settings);
}

static gboolean
take_shop_settings (StkShopSettings *settings,
                    StkShopSettings *out)
{
  if (settings == NULL)
    return FALSE;
  if (out != NULL)
    {
      *out = *settings;
      settings->payment_methods = NULL;
    }
  shop_settings_free (settings);
  return TRUE;
}

gboolean
stk_store_get_shop_settings (StkStore         *store,
                             StkShopSettings  *out,
                             GError          **error)
{
  g_return_val_if_fail (STK_IS_STORE (store), FALSE);

  return take_shop_settings (run_read (store, shop_settings_read, NULL, NULL, error), out);
}

void
stk_store_get_shop_settings_async (StkStore            *store,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_get_shop_settings_async), "[stocktake] shop settings",
              shop_settings_read, NULL, NULL, (GDestroyNotify) shop_settings_free, cancellable,
              callback, user_data);
}

gboolean
stk_store_get_shop_settings_finish (StkStore         *store,
                                    GAsyncResult     *result,
                                    StkShopSettings  *out,
                                    GError          **error)
{
  return take_shop_settings (read_finish (store, result,
                                          STK_FUNC_TAG (stk_store_get_shop_settings_async), error),
                             out);
}

/* ---- the close of the day ---- */

static gpointer
day_report_read (StkStore      *store,
                 StkEngineConn *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  const gint64 *close_id = data;

  return engine->day_report (db, *close_id, error);
}

static gint64 *
close_id_new (gint64 close_id)
{
  return g_memdup2 (&close_id, sizeof close_id);
}

StkDayReport *
stk_store_get_day_report (StkStore  *store,
                          gint64     close_id,
                          GError   **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (close_id >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  id = close_id_new (close_id);
  return run_read (store, day_report_read, id, NULL, error);
}

void
stk_store_get_day_report_async (StkStore            *store,
                                gint64               close_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (close_id >= 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_get_day_report_async), "[stocktake] day report",
              day_report_read, close_id_new (close_id), g_free,
              (GDestroyNotify) stk_day_report_free, cancellable, callback, user_data);
}

StkDayReport *
stk_store_get_day_report_finish (StkStore      *store,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_store_get_day_report_async), error);
}

typedef struct
{
  gint64 from_us;
  gint64 to_us;
} DayRange;

static gpointer
day_close_read (StkStore      *store,
                StkEngineConn *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  const DayRange *range = data;
  gint64 id = 0;

  if (!engine->day_close_between (db, range->from_us, range->to_us, &id, error))
    return NULL;
  return close_id_new (id);
}

gboolean
stk_store_find_day_close (StkStore  *store,
                          int        year,
                          int        month,
                          int        day,
                          gint64    *out_id,
                          GError   **error)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autofree gint64 *id = NULL;
  DayRange range;

  g_return_val_if_fail (STK_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_id = 0;
  start = g_date_time_new_local (year, month, day, 0, 0, 0);
  if (start == NULL)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("%04d-%02d-%02d is not a date."), year, month, day);
      return FALSE;
    }
  end = g_date_time_add_days (start, 1);
  range.from_us = g_date_time_to_unix (start) * G_USEC_PER_SEC;
  range.to_us = g_date_time_to_unix (end) * G_USEC_PER_SEC;
  id = run_read (store, day_close_read, &range, NULL, error);
  if (id == NULL)
    return FALSE;
  *out_id = *id;
  return TRUE;
}

static gpointer
day_closes_read (StkStore      *store,
                 StkEngineConn *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  const StkEngine *engine = stk_store_get_engine (store);
  const guint *limit = data;

  return engine->day_closes (db, *limit, error);
}

GArray *
stk_store_list_day_closes (StkStore  *store,
                           guint      limit,
                           GError   **error)
{
  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return run_read (store, day_closes_read, &limit, NULL, error);
}

void
stk_store_list_day_closes_async (StkStore            *store,
                                 guint                limit,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_list_day_closes_async), "[stocktake] day closes",
              day_closes_read, g_memdup2 (&limit, sizeof limit), g_free,
              (GDestroyNotify) g_array_unref, cancellable, callback, user_data);
}

GArray *
stk_store_list_day_closes_finish (StkStore      *store,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_store_list_day_closes_async), error);
}

/* ---- tax ---- */

static gpointer
tax_rates_read (StkStore      *store,
                StkEngineConn *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  return stk_store_get_engine (store)->tax_rates (db, error);
}

GPtrArray *
stk_store_list_tax_rates (StkStore  *store,
                          GError   **error)
{
  g_return_val_if_fail (STK_IS_STORE (store), NULL);

  return run_read (store, tax_rates_read, NULL, NULL, error);
}

void
stk_store_list_tax_rates_async (StkStore            *store,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_list_tax_rates_async), "[stocktake] tax rates",
              tax_rates_read, NULL, NULL, (GDestroyNotify) g_ptr_array_unref, cancellable,
              callback, user_data);
}

GPtrArray *
stk_store_list_tax_rates_finish (StkStore      *store,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_store_list_tax_rates_async), error);
}

typedef struct
{
  gint64 from_us;
  gint64 to_us;
} TaxReportArgs;

static gpointer
tax_report_read (StkStore      *store,
                 StkEngineConn *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  const TaxReportArgs *args = data;

  return stk_store_get_engine (store)->tax_report (db, args->from_us, args->to_us, error);
}

StkTaxReport *
stk_store_tax_report (StkStore  *store,
                      gint64     from_us,
                      gint64     to_us,
                      GError   **error)
{
  TaxReportArgs args = { from_us, to_us };

  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (from_us <= to_us, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return run_read (store, tax_report_read, &args, NULL, error);
}

void
stk_store_tax_report_async (StkStore            *store,
                            gint64               from_us,
                            gint64               to_us,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  TaxReportArgs args = { from_us, to_us };

  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (from_us <= to_us);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_tax_report_async), "[stocktake] tax report",
              tax_report_read, g_memdup2 (&args, sizeof args), g_free,
              (GDestroyNotify) stk_tax_report_free, cancellable, callback, user_data);
}

StkTaxReport *
stk_store_tax_report_finish (StkStore      *store,
                             GAsyncResult  *result,
                             GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_store_tax_report_async), error);
}

static gpointer
valuation_read (StkStore      *store,
                StkEngineConn *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  return stk_store_get_engine (store)->valuation (db, error);
}

StkValuation *
stk_store_valuation (StkStore  *store,
                     GError   **error)
{
  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return run_read (store, valuation_read, NULL, NULL, error);
}

void
stk_store_valuation_async (StkStore            *store,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_valuation_async), "[stocktake] valuation",
              valuation_read, NULL, NULL, (GDestroyNotify) stk_valuation_free, cancellable,
              callback, user_data);
}

StkValuation *
stk_store_valuation_finish (StkStore      *store,
                            GAsyncResult  *result,
                            GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_store_valuation_async), error);
}

static gpointer
margin_report_read (StkStore      *store,
                    StkEngineConn *db,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  const TaxReportArgs *args = data;

  return stk_store_get_engine (store)->margin_report (db, args->from_us, args->to_us, error);
}

StkMarginReport *
stk_store_margin_report (StkStore  *store,
                         gint64     from_us,
                         gint64     to_us,
                         GError   **error)
{
  TaxReportArgs args = { from_us, to_us };

  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (from_us <= to_us, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return run_read (store, margin_report_read, &args, NULL, error);
}

void
stk_store_margin_report_async (StkStore            *store,
                               gint64               from_us,
                               gint64               to_us,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  TaxReportArgs args = { from_us, to_us };

  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (from_us <= to_us);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_margin_report_async), "[stocktake] margin report",
              margin_report_read, g_memdup2 (&args, sizeof args), g_free,
              (GDestroyNotify) stk_margin_report_free, cancellable, callback, user_data);
}

StkMarginReport *
stk_store_margin_report_finish (StkStore      *store,
                                GAsyncResult  *result,
                                GError       **error)
{
  return read_finish (store, result, STK_FUNC_TAG (stk_store_margin_report_async), error);
}

static gpointer
item_tax_rate_read (StkStore      *store,
                    StkEngineConn *db,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  const ItemArgs *args = data;
  gint64 rate_id = 0;

  if (!stk_store_get_engine (store)->item_tax_rate (db, args->id, &rate_id, error))
    return NULL;
  return g_memdup2 (&rate_id, sizeof rate_id);
}

gboolean
stk_store_get_item_tax_rate (StkStore  *store,
                             gint64     item_id,
                             gint64    *out_rate_id,
                             GError   **error)
{
  ItemArgs args = { NULL, item_id, 0 };
  g_autofree gint64 *rate_id = NULL;

  g_return_val_if_fail (STK_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_rate_id != NULL, FALSE);

  rate_id = run_read (store, item_tax_rate_read, &args, NULL, error);
  *out_rate_id = rate_id != NULL ? *rate_id : 0;
  return rate_id != NULL;
}

void
stk_store_get_item_tax_rate_async (StkStore            *store,
                                   gint64               item_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_async (store, STK_FUNC_TAG (stk_store_get_item_tax_rate_async), "[stocktake] item tax rate",
              item_tax_rate_read, item_args_new (NULL, item_id, 0), (GDestroyNotify) item_args_free,
              g_free, cancellable, callback, user_data);
}

gint64
stk_store_get_item_tax_rate_finish (StkStore      *store,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_autofree gint64 *rate_id = read_finish (store, result,
                                            STK_FUNC_TAG (stk_store_get_item_tax_rate_async), error);

  return rate_id != NULL ? *rate_id : -1;
}
