/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One inventory = one file. Whatever path names it (a symbolic link, "..", a relative
 * path), every name derived from it — the lock file, SQLite's -wal and -shm — is
 * derived from the real file's path, so that two programs reaching the same file by
 * two names still share one lock and one write-ahead log. A hard link cannot be
 * resolved that way (both names are equally real), so an inventory with more than one
 * name is refused: SQLite lists "multiple links to a database file" among the ways to
 * corrupt it (https://www.sqlite.org/howtocorrupt.html, section 2.4). */

typedef enum
{
  /* An inventory: refused when the file has more than one hard link. */
  STK_IDENTITY_INVENTORY  = 0,
  /* Any other file (a backup to read, an output): links are allowed. */
  STK_IDENTITY_ANY_LINKS  = 1 << 0,
} StkIdentityFlags;

/* The real path of @path: for an existing file, its realpath(); for a name that does
 * not exist yet, its folder's realpath() and the name. Fails with one sentence:
 * STK_ERROR_NOT_FOUND for a missing folder, a dangling symbolic link or a loop of links,
 * STK_ERROR_UNSAFE for an inventory with several hard links (unless
 * STK_IDENTITY_ANY_LINKS). Anything that exists is accepted whatever its type: the
 * caller says what it makes of a folder or a device. */
char     *stk_identity_resolve         (const char        *path,
                                        StkIdentityFlags   flags,
                                        GError           **error);

/* The same, without an error: a copy of @path when it cannot be resolved. For probes and
 * messages that have no way to report a failure. */
char     *stk_identity_resolve_lenient (const char        *path);

/* For a folder @dir that cannot be reached (ENOENT or ENOTDIR): the nearest part of
 * its path that exists but is not a folder (a file standing where a folder should be),
 * or NULL when a part is simply missing. For the messages: "“x” is a file, not a
 * folder" says more than "the folder “x/y” does not exist". */
char     *stk_identity_blocking_file   (const char        *dir);

/* The error for a stat() of @path that failed with @errsv (not ENOENT, ENOTDIR or
 * ELOOP, which the callers tell apart), with the code stk_error_code_from_errno() gives
 * (STK_ERROR_READ_ONLY when it may not be looked at), as "Cannot open “path”: reason." */
void      stk_identity_set_stat_error  (GError           **error,
                                        int                errsv,
                                        const char        *path);

/* Whether @a and @b are the same file (device and inode), both existing. */
gboolean  stk_identity_same_file       (const char        *a,
                                        const char        *b);

G_END_DECLS
