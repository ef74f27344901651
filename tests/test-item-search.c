/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The items search of the till (stk_store_search_items(), data/stk-reads.h): what the
 * Items list's search finds — words starting the words of a description, in any order,
 * case and accents aside, or a code prefix — active items only, each once, in code
 * order, at most the limit asked for; blank text finds nothing; the async answer equals
 * the sync one, and a cancelled call says so. Through the contract only. */
#include "config.h"

#include <string.h>

#include <criterion/criterion.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

#define WAIT_MS 60000

static void
setup (void)
{
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_auto(StkItemInfo) old = { 0 };
  g_autoptr(GError) error = NULL;

  stk_test_fixture_setup ();
  writer = stk_test_open_writer (db_path);
  stk_test_submit (writer, stk_op_create_item ("BOLT-2", "Bolt, red, M8", 35, 0));
  stk_test_submit (writer, stk_op_create_item ("BOLT-1", "Red bolt M6", 30, 0));
  stk_test_submit (writer, stk_op_record_movement ("BOLT-1", STK_MOVEMENT_RECEIVE, 7, "", 0));
  stk_test_submit (writer, stk_op_create_item ("NUT-1", "Red nut", 5, 0));
  stk_test_submit (writer, stk_op_create_item ("CAFE-1", "Café CRÈME, 250 g", 499, 0));
  stk_test_submit (writer, stk_op_create_item ("OLD-1", "Red bolt, old stock", 20, 0));
  stk_test_submit (writer, stk_op_create_item ("BLUE-1", "Blue boltless hinge", 120, 0));
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *code = g_strdup_printf ("W-%02u", i);
      g_autofree char *description = g_strdup_printf ("Washer %u mm", i + 1);

      stk_test_submit (writer, stk_op_create_item (code, description, 2, 0));
    }
  stk_test_writer_barrier (writer);
  store = stk_test_open_store (db_path);
  cr_assert (stk_store_item_by_code (store, "OLD-1", &old, &error), "%s",
             error ? error->message : "");
  stk_test_submit (writer, stk_op_set_archived (old.id, TRUE));
  stk_test_close_writer (g_steal_pointer (&writer));
}

TestSuite (item_search, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 300);

/* The codes @text finds, comma-separated. */
static char *
search (const char *text,
        guint       limit)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = stk_store_search_items (store, text, limit, NULL, &error);
  g_autoptr(GString) codes = g_string_new (NULL);

  cr_assert_not_null (items, "%s: %s", text, error ? error->message : "");
  for (guint i = 0; i < items->len; i++)
    {
      const StkItemInfo *info = items->pdata[i];

      cr_assert_not (info->archived, "%s: archived %s", text, info->code);
      g_string_append_printf (codes, "%s%s", i > 0 ? "," : "", info->code);
    }
  return g_string_free (g_steal_pointer (&codes), FALSE);
}

#define cr_assert_finds(text, limit, expected)                                 \
  do {                                                                         \
    g_autofree char *_found = search ((text), (limit));                        \
    cr_assert_str_eq (_found, (expected), "“%s” found “%s”, not “%s”", (text), \
                      _found, (expected));                                     \
  } while (0)

Test (item_search, words_in_any_order_and_prefixes_of_words)
{
  cr_assert_finds ("red bolt", 8, "BOLT-1,BOLT-2");
  cr_assert_finds ("bolt red", 8, "BOLT-1,BOLT-2");
  cr_assert_finds ("  Bol  re ", 8, "BOLT-1,BOLT-2");
  /* Every word must match: "red" is not in the hinge's description. */
  cr_assert_finds ("bolt", 8, "BLUE-1,BOLT-1,BOLT-2");
  cr_assert_finds ("m8 bolt", 8, "BOLT-2");
  /* A word is matched at its start only. */
  cr_assert_finds ("olt", 8, "");
}

Test (item_search, case_and_accents_do_not_matter)
{
  cr_assert_finds ("CAFE creme", 8, "CAFE-1");
  cr_assert_finds ("café", 8, "CAFE-1");
  cr_assert_finds ("crème 250", 8, "CAFE-1");
}

Test (item_search, a_code_prefix_finds_its_items_once)
{
  cr_assert_finds ("nut", 8, "NUT-1");
  cr_assert_finds ("NUT-", 8, "NUT-1");
  /* Codes W-10 and W-11, and the words "w…" and "1…": Washer 1, 10, 11 and 12 mm. */
  cr_assert_finds ("W-1", 8, "W-00,W-09,W-10,W-11");
  /* "bolt-" is also the word "bolt", which starts "boltless". */
  cr_assert_finds ("bolt-", 8, "BLUE-1,BOLT-1,BOLT-2");
}

Test (item_search, archived_items_are_never_found)
{
  cr_assert_finds ("old", 8, "");
  cr_assert_finds ("OLD-1", 8, "");
  cr_assert_finds ("red", 8, "BOLT-1,BOLT-2,NUT-1");
}

Test (item_search, at_most_the_limit_in_code_order)
{
  cr_assert_finds ("washer", 3, "W-00,W-01,W-02");
  cr_assert_finds ("washer", 8, "W-00,W-01,W-02,W-03,W-04,W-05,W-06,W-07");
  cr_assert_finds ("washer", 100, "W-00,W-01,W-02,W-03,W-04,W-05,W-06,W-07,W-08,W-09,W-10,W-11");
  cr_assert_finds ("washer", 0, "");
}

Test (item_search, blank_text_finds_nothing)
{
  cr_assert_finds ("", 8, "");
  cr_assert_finds ("   ", 8, "");
}

Test (item_search, an_item_comes_with_its_price_and_stock)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = stk_store_search_items (store, "m6", 8, NULL, &error);
  const StkItemInfo *info;

  cr_assert_not_null (items, "%s", error ? error->message : "");
  cr_assert_eq (items->len, 1);
  info = items->pdata[0];
  cr_assert_str_eq (info->code, "BOLT-1");
  cr_assert_str_eq (info->description, "Red bolt M6");
  cr_assert_eq (info->unit_price_cents, 30);
  cr_assert_eq (info->on_hand, 7);
  cr_assert_gt (info->id, 0);
}

typedef struct
{
  gboolean   done;
  GPtrArray *items;
  GError    *error;
} Outcome;

static void
searched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Outcome *o = user_data;

  o->items = stk_store_search_items_finish (STK_STORE (object), result, &o->error);
  o->done = TRUE;
}

Test (item_search, the_async_answer_equals_the_sync_one_and_cancel_says_so)
{
  g_autoptr(StkStore) store = stk_test_open_store (db_path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) sync = NULL;
  Outcome o = { 0 };

  stk_store_search_items_async (store, "red", 8, NULL, searched_cb, &o);
  cr_assert (stk_test_wait_for (&o.done, WAIT_MS), "the search never called back");
  cr_assert_not_null (o.items, "%s", o.error ? o.error->message : "");
  sync = stk_store_search_items (store, "red", 8, NULL, NULL);
  cr_assert_not_null (sync);
  cr_assert_eq (o.items->len, sync->len);
  for (guint i = 0; i < sync->len; i++)
    cr_assert_eq (((StkItemInfo *) o.items->pdata[i])->id, ((StkItemInfo *) sync->pdata[i])->id);
  g_clear_pointer (&o.items, g_ptr_array_unref);

  memset (&o, 0, sizeof o);
  stk_store_search_items_async (store, "red", 8, cancellable, searched_cb, &o);
  g_cancellable_cancel (cancellable);
  cr_assert (stk_test_wait_for (&o.done, WAIT_MS), "the search never called back");
  cr_assert_null (o.items);
  cr_assert (g_error_matches (o.error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_clear_error (&o.error);
  /* The store is let go by the call. */
  cr_assert (stk_test_wait_refs (store, 1, WAIT_MS));
}
