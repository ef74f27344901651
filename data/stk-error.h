/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STK_ERROR (stk_error_quark ())

/**
 * StkError:
 * @STK_ERROR_FAILED: anything not covered below
 * @STK_ERROR_BUSY: another connection holds the database for a moment; try again
 * @STK_ERROR_LOCKED: the database stayed locked past the writer's retry budget
 * @STK_ERROR_READ_ONLY: the file, its folder or the connection is read-only
 * @STK_ERROR_CONSTRAINT: the change breaks a rule (duplicate code, unknown SKU, …)
 * @STK_ERROR_CORRUPT: the file is damaged or truncated
 * @STK_ERROR_NOT_INVENTORY: the file is not a Stocktake inventory (not SQLite, or foreign)
 * @STK_ERROR_TOO_NEW: the inventory was written by a newer Stocktake
 * @STK_ERROR_NOT_FOUND: the inventory, item or file does not exist
 * @STK_ERROR_INVALID_DATA: bad input data (CSV rows, arguments)
 * @STK_ERROR_NO_SPACE: the disk is full
 * @STK_ERROR_IO: the operating system reported an I/O error
 * @STK_ERROR_CLOSED: the writer was closed before the change could be applied
 * @STK_ERROR_UNSAFE: doing it would risk the inventory or another file: an inventory
 *   with several names (hard links), a lock file that is not ours, an output that
 *   would overwrite a database, a device or a pipe
 * @STK_ERROR_NOT_SUPPORTED: this build cannot do it (a server inventory before its
 *   engine exists)
 */
typedef enum
{
  STK_ERROR_FAILED,
  STK_ERROR_BUSY,
  STK_ERROR_LOCKED,
  STK_ERROR_READ_ONLY,
  STK_ERROR_CONSTRAINT,
  STK_ERROR_CORRUPT,
  STK_ERROR_NOT_INVENTORY,
  STK_ERROR_TOO_NEW,
  STK_ERROR_NOT_FOUND,
  STK_ERROR_INVALID_DATA,
  STK_ERROR_NO_SPACE,
  STK_ERROR_IO,
  STK_ERROR_CLOSED,
  STK_ERROR_UNSAFE,
  STK_ERROR_NOT_SUPPORTED,
} StkError;

GQuark stk_error_quark (void);

/* Process exit code for a command-line failure: 65 for bad input data or a
 * foreign/damaged file, 75 for busy/locked, 1 otherwise. */
int stk_error_exit_code (const GError *error);

/* The one mapping of a failed system call's errno to an StkError code:
 * STK_ERROR_NOT_FOUND for ENOENT and ENOTDIR, STK_ERROR_READ_ONLY for EACCES, EPERM and
 * EROFS, STK_ERROR_NO_SPACE for ENOSPC and EDQUOT, STK_ERROR_IO for anything else.
 * Callers pick the sentence; the code always comes from here. */
StkError stk_error_code_from_errno (int errsv);

/* g_set_error() in STK_ERROR with the code stk_error_code_from_errno (@errsv) gives. */
void     stk_error_set_errno       (GError      **error,
                                    int           errsv,
                                    const char   *format,
                                    ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
