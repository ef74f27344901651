/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-code-private.h"

#include <glib/gi18n.h>

#include "stk-barcode.h"
#include "stk-db-private.h"
#include "stk-sql-private.h"

/* The code key (stk-code.h) and the barcode key (stk-barcode.h) inside SQLite: the
 * SQL functions stk_code_key(text) and stk_barcode_key(text) that the unique indexes on
 * items.code_key and barcodes.key, their triggers and the lookups use. */

static void
sql_key (sqlite3_context  *ctx,
         sqlite3_value   **argv,
         char           *(*key) (const char *))
{
  const char *code;

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
  sqlite3_result_text (ctx, key (code), -1, g_free);
}

static void
sql_code_key (sqlite3_context  *ctx,
              int               argc,
              sqlite3_value   **argv)
{
  (void) argc;
  sql_key (ctx, argv, stk_code_key);
}

static void
sql_barcode_key (sqlite3_context  *ctx,
                 int               argc,
                 sqlite3_value   **argv)
{
  (void) argc;
  sql_key (ctx, argv, stk_barcode_key);
}

static int
register_on (sqlite3     *db,
             char       **errmsg,
             const void  *api)
{
  int rc;

  (void) errmsg;
  (void) api;
  rc = sqlite3_create_function_v2 (db, "stk_code_key", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                   NULL, sql_code_key, NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_create_function_v2 (db, "stk_barcode_key", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                     NULL, sql_barcode_key, NULL, NULL, NULL);
  /* The checked arithmetic too (stk_mul, stk_sum): the checks of a close's figures run
   * on every connection that verifies, a backup's read-only one among them. */
  if (rc == SQLITE_OK)
    stk_db_register_functions (db);
  return rc;
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
stk_code_db_has_key (sqlite3   *db,
                     gboolean  *out_has,
                     GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (out_has != NULL, FALSE);

  *out_has = FALSE;
  rc = sqlite3_prepare_v2 (db, "SELECT 1 FROM pragma_table_info('items') WHERE name = 'code_key'",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Database error"));
  sqlite3_finalize (stmt);
  *out_has = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}
