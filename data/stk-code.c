/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-code.h"

#include <string.h>

static gboolean
is_plain_ascii (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s >= 0x80)
      return FALSE;
  return TRUE;
}

char *
stk_code_key (const char *code)
{
  g_autofree char *nfkc = NULL;
  g_autofree char *folded = NULL;

  g_return_val_if_fail (code != NULL, NULL);

  /* ASCII is its own NFKC, and its case folding is ASCII lower case. */
  if (is_plain_ascii (code))
    return g_ascii_strdown (code, -1);
  if (!g_utf8_validate (code, -1, NULL))
    return g_strdup (code);
  nfkc = g_utf8_normalize (code, -1, G_NORMALIZE_NFKC);
  folded = g_utf8_casefold (nfkc, -1);
  return g_utf8_normalize (folded, -1, G_NORMALIZE_NFKC);
}

/* djb over the key's bytes; an ASCII code's key is its ASCII lower case, hashed
 * without a copy. */
guint
stk_code_hash (gconstpointer code)
{
  g_autofree char *key = NULL;
  const char *s = code;
  guint32 h = 5381;

  if (is_plain_ascii (code))
    {
      for (; *s != '\0'; s++)
        h = (h << 5) + h + (guchar) g_ascii_tolower (*s);
      return h;
    }
  key = stk_code_key (code);
  for (s = key; *s != '\0'; s++)
    h = (h << 5) + h + (guchar) *s;
  return h;
}

gboolean
stk_code_equal (gconstpointer a,
                gconstpointer b)
{
  g_autofree char *ka = NULL;
  g_autofree char *kb = NULL;

  if (is_plain_ascii (a) && is_plain_ascii (b))
    return g_ascii_strcasecmp (a, b) == 0;
  ka = stk_code_key (a);
  kb = stk_code_key (b);
  return strcmp (ka, kb) == 0;
}
