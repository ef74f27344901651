/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sql-private.h"
#include "stk-sqlite-private.h"

#include <glib/gi18n.h>

#include "stk-error.h"

int
stk_db_error_code_for_rc (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return STK_ERROR_BUSY;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return STK_ERROR_READ_ONLY;
    case SQLITE_CONSTRAINT:
      return STK_ERROR_CONSTRAINT;
    case SQLITE_CORRUPT:
      return STK_ERROR_CORRUPT;
    case SQLITE_NOTADB:
      return STK_ERROR_NOT_INVENTORY;
    case SQLITE_FULL:
      return STK_ERROR_NO_SPACE;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return STK_ERROR_IO;
    case SQLITE_NOTFOUND:
      return STK_ERROR_NOT_FOUND;
    default:
      return STK_ERROR_FAILED;
    }
}

void
stk_db_set_error (GError     **error,
                  sqlite3     *db,
                  int          rc,
                  const char  *what)
{
  const char *msg;
  int code = stk_db_error_code_for_rc (rc);

  if (error == NULL)
    return;

  /* An I/O error says so: SQLite's message for the connection may name what failed
   * because of it instead ("vtable constructor failed: items_fts" when a read fails
   * while FTS5 loads its configuration). */
  msg = db != NULL && code != STK_ERROR_IO ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (code)
    {
    case STK_ERROR_NO_SPACE:
      g_set_error (error, STK_ERROR, code,
                   _("%s: the disk is full. Free some space and try again."), what);
      break;
    case STK_ERROR_BUSY:
      g_set_error (error, STK_ERROR, code,
                   _("%s: the inventory is in use by another program."), what);
      break;
    case STK_ERROR_READ_ONLY:
      g_set_error (error, STK_ERROR, code,
                   _("%s: the inventory file or its folder is read-only."), what);
      break;
    case STK_ERROR_CORRUPT:
      g_set_error (error, STK_ERROR, code,
                   _("%s: the inventory file is damaged (%s)."), what, msg);
      break;
    default:
      g_set_error (error, STK_ERROR, code, "%s: %s", what, msg);
      break;
    }
}

gboolean
stk_db_exec (sqlite3     *db,
             const char  *sql,
             GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Database error"));
      return FALSE;
    }
  return TRUE;
}

gboolean
stk_db_begin (sqlite3     *db,
              StkTxnKind   kind,
              GError     **error)
{
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);

  rc = sqlite3_exec (db, kind == STK_TXN_WRITE ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db),
                        _("Could not start a transaction"));
      return FALSE;
    }
  return TRUE;
}

gboolean
stk_db_commit (sqlite3  *db,
               GError  **error)
{
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);

  rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db),
                        _("Could not save the changes"));
      return FALSE;
    }
  return TRUE;
}

void
stk_db_rollback (sqlite3 *db)
{
  g_return_if_fail (db != NULL);

  /* Its result is not looked at, on purpose: ROLLBACK fails only when there is nothing
   * left to roll back (SQLite ended the transaction itself after a statement's error)
   * or the connection is unusable, and then the next BEGIN reports it. */
  if (!sqlite3_get_autocommit (db))
    (void) sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

void
stk_db_end_read (sqlite3 *db)
{
  g_return_if_fail (db != NULL);

  /* A read transaction has nothing to lose: COMMIT only releases the snapshot, and
   * if it cannot (a statement still running), ROLLBACK does. */
  if (!sqlite3_get_autocommit (db) && sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    stk_db_rollback (db);
}

gboolean
stk_db_query_int64 (sqlite3     *db,
                    const char  *sql,
                    gint64      *out_value,
                    GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out_value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *out_value = 0;
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Database error"));
  sqlite3_finalize (stmt);
  return rc == SQLITE_OK;
}
