/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-query.h"
#include "stk-store.h"

G_BEGIN_DECLS

/* Item-code entry helpers shared by the sale and movement dialogs: completion from
 * stk_store_complete_codes_async() and a debounced lookup of the typed code with
 * stk_store_item_by_code_async() (StkStore reads on its worker threads). */

/* Called on the main context after the typed code was looked up: @info is the item
 * (NULL when no such item, or the entry is empty). */
typedef void (*StkCodeLookupFunc) (GtkEntry          *entry,
                                   const StkItemInfo *info,
                                   gpointer           user_data);

/* Attaches completion and lookup to @entry (kept alive with it; work in flight is
 * cancelled when the entry is destroyed). */
void     stk_code_entry_setup    (GtkEntry          *entry,
                                  StkStore          *store,
                                  StkCodeLookupFunc  lookup,
                                  gpointer           user_data);
/* TRUE while a completion or lookup query is under way (tests wait for FALSE). */
gboolean stk_code_entry_is_busy  (GtkEntry          *entry);

G_END_DECLS
