/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-code-entry.h"

#include "stk-code.h"
#include "stk-error.h"
#include "stk-reads.h"

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

/* One answer on its way: the text it is for. @ce is touched only when the call was not
 * cancelled (a cancelled call's entry may be gone). */
typedef struct
{
  CodeEntry *ce;
  char      *text;
} Call;

static Call *
call_new (CodeEntry  *ce,
          const char *text)
{
  Call *call = g_new0 (Call, 1);

  call->ce = ce;
  call->text = g_strdup (text);
  return call;
}

static void
call_free (Call *call)
{
  g_free (call->text);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

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

/* A newer query is on its way: this answer is stale. */
static gboolean
is_stale (Call *call)
{
  return g_strcmp0 (call->text, gtk_editable_get_text (GTK_EDITABLE (call->ce->entry))) != 0;
}

/* The completion pops up (after its own delay) with the rows of the text typed before,
 * which this text's answer may then remove: with nothing left to suggest, the popup
 * would stay open, empty. GtkEntryCompletion has no call to close it: its popup is a
 * GtkPopover on the entry, closed here as a click outside it would. */
static void
hide_popup (CodeEntry *ce)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (ce->entry)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child) && gtk_widget_get_visible (child))
      gtk_popover_popdown (GTK_POPOVER (child));
}

static void
complete_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) codes = NULL;
  CodeEntry *ce;

  codes = stk_store_complete_codes_finish (STK_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  ce = call->ce;
  ce->busy--;
  if (codes == NULL)
    {
      g_debug ("Cannot complete the code: %s", error->message);
      return;
    }
  if (is_stale (call))
    return;

  gtk_list_store_clear (ce->codes);
  for (guint i = 0; codes[i] != NULL; i++)
    {
      /* The exact code typed needs no completion row. */
      if (stk_code_equal (codes[i], call->text))
        continue;
      gtk_list_store_insert_with_values (ce->codes, NULL, -1, 0, codes[i], -1);
    }
  if (gtk_tree_model_iter_n_children (GTK_TREE_MODEL (ce->codes), NULL) == 0)
    hide_popup (ce);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(StkItemInfo) info = { 0 };
  gboolean found;
  CodeEntry *ce;

  found = stk_store_item_by_code_finish (STK_STORE (object), result, &info, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  ce = call->ce;
  ce->busy--;
  /* An item that cannot be read is shown as not found, like a missing one. */
  if (!found && !g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND))
    g_debug ("Cannot look the code up: %s", error->message);
  if (is_stale (call))
    return;

  if (ce->lookup != NULL)
    ce->lookup (ce->entry, found ? &info : NULL, ce->user_data);
}

static gboolean
delay_cb (gpointer user_data)
{
  CodeEntry *ce = user_data;
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

  /* Completion and lookup of the text as typed (as before: untrimmed); the completion
   * rows come first, then the item the code names. */
  ce->busy += 2;
  stk_store_complete_codes_async (ce->store, text, COMPLETION_LIMIT, ce->cancellable,
                                  complete_cb, call_new (ce, text));
  stk_store_item_by_code_async (ce->store, text, ce->cancellable, lookup_cb,
                                call_new (ce, text));
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
