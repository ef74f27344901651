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

static void
sql_code_key (sqlite3_context  *ctx,
              int               argc,
              sqlite3_value   **argv)
{
  const char *code;

  (void) argc;
  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }
  code = (const char *) sqlite3_value_text (argv[0]);
  if (code == NULL)
    {
      sqlite3_result_error_nomem (ctx);
      return;
    }
  sqlite3_result_text (ctx, stk_code_key (code), -1, g_free);
}

static int
register_on (sqlite3     *db,
             char       **errmsg,
             const void  *api)
{
  (void) errmsg;
  (void) api;
  return sqlite3_create_function_v2 (db, "stk_code_key", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                     NULL, sql_code_key, NULL, NULL, NULL);
}

void
stk_code_register (sqlite3 *db)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      sqlite3_auto_extension ((void (*) (void)) register_on);
      g_once_init_leave (&once, 1);
    }
  if (db != NULL)
    register_on (db, NULL, NULL);
}

gboolean
stk_code_db_has_key (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gboolean has = FALSE;

  g_return_val_if_fail (db != NULL, FALSE);

  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM pragma_table_info('items') WHERE name = 'code_key'",
                          -1, &stmt, NULL) == SQLITE_OK)
    has = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return has;
}
