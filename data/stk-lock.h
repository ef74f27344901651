/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* StkLock: who may write an inventory. An exclusive, non-blocking flock() on
 * "<inventory>.lock" beside the database (never on the database: SQLite's fcntl
 * locks stay untouched). The kernel drops the lock when its holder exits or dies, so
 * there is never a stale lock to break. The holder writes who it is into the file
 * (host, user, process id, since when, what) for messages only — liveness is the
 * flock itself, never the pid (pids repeat across Flatpak sandboxes). Shared by the
 * window, the command line and a Flatpak because it is a file. */

typedef struct _StkLock StkLock;

typedef struct
{
  char      *host;
  char      *user;
  gint64     pid;
  GDateTime *since;   /* NULL when unknown */
  char      *what;    /* "window", "import", … or NULL */
} StkLockHolder;

/* The lock file's path for @db_path. */
char          *stk_lock_path_for       (const char     *db_path);

/* Takes the lock. @what says who takes it ("window", a command name). Fails with
 * STK_ERROR_LOCKED (message names the holder) when it is held, STK_ERROR_READ_ONLY
 * when the lock file cannot be created (read-only folder, permissions),
 * STK_ERROR_NOT_FOUND when the folder does not exist. */
StkLock       *stk_lock_acquire        (const char     *db_path,
                                        const char     *what,
                                        GError        **error);
/* Releases the lock (the file stays: removing it would race with a new holder). */
void           stk_lock_release        (StkLock        *lock);
const char    *stk_lock_get_path       (StkLock        *lock);

/* Whether someone holds the lock now (a quick probe; the answer may change at once).
 * FALSE when there is no lock file. */
gboolean       stk_lock_is_held        (const char     *db_path);

/* Who holds the lock according to the lock file, or NULL when it cannot be read. */
StkLockHolder *stk_lock_read_holder    (const char     *db_path);
void           stk_lock_holder_free    (StkLockHolder  *holder);
/* Plain words: "alice on host “box”, since 14:03 (process 1234)". */
char          *stk_lock_holder_describe (const StkLockHolder *holder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkLock, stk_lock_release)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkLockHolder, stk_lock_holder_free)

G_END_DECLS
