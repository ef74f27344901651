/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* One rule for "the same code": two codes are the same when their keys are equal.
 * The key is NFKC, then Unicode case folding, then NFKC again (folding can undo a
 * composition), so "é1" (either spelling) and "É1", "ß" and "SS", fullwidth and
 * ASCII letters, and the Greek sigmas name one item. The key is stored in
 * items.code_key (unique) and compared everywhere a code is looked up. */
char     *stk_code_key          (const char    *code);
guint     stk_code_hash         (gconstpointer  code);
gboolean  stk_code_equal        (gconstpointer  a,
                                 gconstpointer  b);

/* Registers the SQL function stk_code_key(text) on @db, and once for the process on
 * every connection opened after (sqlite3_auto_extension). */
void      stk_code_register     (sqlite3       *db);

/* Whether @db's items carry the stored key (schema 5); a read-only connection to an
 * older inventory computes the key instead. */
gboolean  stk_code_db_has_key   (sqlite3       *db);

G_END_DECLS
