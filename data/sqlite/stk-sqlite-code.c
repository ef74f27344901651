/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-code-private.h"

/* The code key (stk-code.h) inside SQLite: the SQL function stk_code_key(text) that
 * the unique index on items.code_key and the lookups use. */

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
