/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its engine tests): SQLite does not leave data/. */
#ifndef STK_DATA_INTERNAL
#error "stk-code-private.h is private to data/; use the public headers"
#endif

#include <glib.h>
#include <sqlite3.h>

#include "stk-code.h"

G_BEGIN_DECLS

/* Registers the SQL function stk_code_key(text) on @db, and once for the process on
 * every connection opened after (sqlite3_auto_extension). */
void      stk_code_register     (sqlite3       *db);

/* Whether @db's items carry the stored key (schema 5); a read-only connection to an
 * older inventory computes the key instead. FALSE with @error when the schema cannot be
 * read (never taken for an older inventory). */
gboolean  stk_code_db_has_key   (sqlite3       *db,
                                 gboolean      *out_has,
                                 GError       **error);

G_END_DECLS
