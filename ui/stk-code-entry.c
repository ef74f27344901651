/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-code-entry.h"

#include "stk-code.h"
#include "stk-glib.h"

#define LOOKUP_DELAY_MS 150
#define COMPLETION_LIMIT 20

typedef struct
{
  GtkEntry          *entry;  /* not a reference: this struct lives as its data */
  StkStore          *store;
  GtkListStore      *codes;
  GCancellable      *cancellable;
  StkCodeLookupFunc  lookup;
  gpointer           user_data;
  guint              delay_id;
  guint              busy;
} CodeEntry;

typedef struct
{
  char        *text;
  GStrv        codes;
  StkItemInfo  info;
  gboolean     found;
} LookupResult;

static void
lookup_result_free (LookupResult *r)
{
  g_free (r->text);
  g_strfreev (r->codes);
  stk_item_info_clear (&r->info);
  g_free (r);
}

static void
code_entry_free (CodeEntry *ce)
{
  g_cancellable_cancel (ce->cancellable);
  g_clear_handle_id (&ce->delay_id, g_source_remove);
  g_clear_object (&ce->cancellable);
  g_clear_object (&ce->codes);
  g_clear_object (&ce->store);
  g_free (ce);
}

static void
lookup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  StkStore *store = source_object;
  const char *text = task_data;
  LookupResult *r = g_new0 (LookupResult, 1);
  GError *error = NULL;
  sqlite3 *db;

  r->text = g_strdup (text);
  if (!(db = stk_store_acquire (store, &error)))
    {
      lookup_result_free (r);
      g_task_return_error (task, error);
      return;
    }

  r->codes = stk_query_complete_codes (db, text, COMPLETION_LIMIT, NULL);
  r->found = stk_query_item_by_code (db, text, &r->info, NULL);
  stk_store_release (store, db);

  g_task_return_pointer (task, r, (GDestroyNotify) lookup_result_free);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = G_TASK (result);
  g_autoptr(GError) error = NULL;
  LookupResult *r;
  CodeEntry *ce;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return;

  ce = user_data;
  ce->busy--;
  r = g_task_propagate_pointer (task, &error);
  if (r == NULL)
    {
      g_debug ("Cannot look the code up: %s", error->message);
      return;
    }

  /* A newer query is on its way: this answer is stale. */
  if (g_strcmp0 (r->text, gtk_editable_get_text (GTK_EDITABLE (ce->entry))) != 0)
    {
      lookup_result_free (r);
      return;
    }

  gtk_list_store_clear (ce->codes);
  for (guint i = 0; r->codes != NULL && r->codes[i] != NULL; i++)
    {
      /* The exact code typed needs no completion row. */
      if (stk_code_equal (r->codes[i], r->text))
        continue;
      gtk_list_store_insert_with_values (ce->codes, NULL, -1, 0, r->codes[i], -1);
    }
  if (ce->lookup != NULL)
    ce->lookup (ce->entry, r->found ? &r->info : NULL, ce->user_data);
  lookup_result_free (r);
}

static gboolean
delay_cb (gpointer user_data)
{
  CodeEntry *ce = user_data;
  g_autoptr(GTask) task = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (ce->entry));
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  ce->delay_id = 0;

  if (trimmed[0] == '\0')
    {
      gtk_list_store_clear (ce->codes);
      if (ce->lookup != NULL)
        ce->lookup (ce->entry, NULL, ce->user_data);
      return G_SOURCE_REMOVE;
    }

  ce->busy++;
  task = g_task_new (ce->store, ce->cancellable, lookup_cb, ce);
  stk_task_set_source_tag (task, stk_code_entry_setup);
  g_task_set_name (task, "[stocktake] code lookup");
  g_task_set_task_data (task, g_strdup (text), g_free);
  g_task_run_in_thread (task, lookup_thread);
  return G_SOURCE_REMOVE;
}

static void
changed_cb (GtkEditable *editable,
            CodeEntry   *ce)
{
  g_clear_handle_id (&ce->delay_id, g_source_remove);
  ce->delay_id = g_timeout_add (LOOKUP_DELAY_MS, delay_cb, ce);
}

void
stk_code_entry_setup (GtkEntry          *entry,
                      StkStore          *store,
                      StkCodeLookupFunc  lookup,
                      gpointer           user_data)
{
  g_autoptr(GtkEntryCompletion) completion = NULL;
  CodeEntry *ce;

  g_return_if_fail (GTK_IS_ENTRY (entry));
  g_return_if_fail (STK_IS_STORE (store));

  ce = g_new0 (CodeEntry, 1);
  ce->entry = entry;
  ce->store = g_object_ref (store);
  ce->codes = gtk_list_store_new (1, G_TYPE_STRING);
  ce->cancellable = g_cancellable_new ();
  ce->lookup = lookup;
  ce->user_data = user_data;
  g_object_set_data_full (G_OBJECT (entry), "stk-code-entry", ce,
                          (GDestroyNotify) code_entry_free);

  completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (completion, GTK_TREE_MODEL (ce->codes));
  gtk_entry_completion_set_text_column (completion, 0);
  gtk_entry_completion_set_minimum_key_length (completion, 1);
  gtk_entry_completion_set_popup_single_match (completion, TRUE);
  gtk_entry_set_completion (entry, completion);

  g_signal_connect (entry, "changed", G_CALLBACK (changed_cb), ce);

  /* A code given beforehand is looked up at once. */
  if (gtk_editable_get_text (GTK_EDITABLE (entry))[0] != '\0')
    changed_cb (GTK_EDITABLE (entry), ce);
}

gboolean
stk_code_entry_is_busy (GtkEntry *entry)
{
  CodeEntry *ce;

  g_return_val_if_fail (GTK_IS_ENTRY (entry), FALSE);

  ce = g_object_get_data (G_OBJECT (entry), "stk-code-entry");
  return ce != NULL && (ce->busy > 0 || ce->delay_id != 0);
}
