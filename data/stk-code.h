/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

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

G_END_DECLS

