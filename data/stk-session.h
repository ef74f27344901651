/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-op.h"
#include "stk-store.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* StkSession: one open inventory as the UI sees it — the read connections, and, when
 * this process holds the inventory's lock file, the writer. GLib only (no GTK).
 *
 * Editing: holds an exclusive flock on "<inventory>.lock" and a StkWriter.
 * Read-only: no lock, no writer; a watcher on a read connection polls
 * PRAGMA data_version (<= 500 ms) so other processes' commits are announced, and the
 * lock file is polled (<= 1 s) so "can-edit" turns TRUE when the editor goes away.
 *
 * Properties (all read-only, notified on the owner's main context):
 *   "path"        char*      the inventory
 *   "read-only"   gboolean   TRUE without the lock
 *   "writer"      StkWriter* NULL while read-only
 *   "store"       StkStore*
 *   "can-edit"    gboolean   read-only and the lock is free now (Switch to Editing)
 *   "holder"      char*      plain words naming who holds the lock, or NULL
 * Signals (on the owner's main context):
 *   "changed" (guint StkChangeFlags) — own commits (forwarded from the writer's
 *     "committed") and other processes' commits (STK_CHANGE_EXTERNAL | STK_CHANGE_ALL)
 */
typedef enum
{
  STK_SESSION_MODE_EDIT,
  STK_SESSION_MODE_READ_ONLY,
} StkSessionMode;

#define STK_TYPE_SESSION (stk_session_get_type ())
G_DECLARE_FINAL_TYPE (StkSession, stk_session, STK, SESSION, GObject)

/* EDIT fails with STK_ERROR_LOCKED (message names the holder) when the lock is held,
 * STK_ERROR_READ_ONLY when the lock file cannot be created, STK_ERROR_BUSY when the
 * database stays busy past the writer's budget while opening (e.g. a migration). */
StkSession *stk_session_open                  (const char      *path,
                                               StkSessionMode   mode,
                                               GError         **error);
const char *stk_session_get_path              (StkSession      *self);
gboolean    stk_session_get_read_only         (StkSession      *self);
StkWriter  *stk_session_get_writer            (StkSession      *self);
StkStore   *stk_session_get_store             (StkSession      *self);
gboolean    stk_session_get_can_edit          (StkSession      *self);
const char *stk_session_get_holder            (StkSession      *self);
/* Takes the lock and opens the writer in place; "read-only" turns FALSE and
 * "writer" is notified. Fails with STK_ERROR_LOCKED if someone took it first. */
gboolean    stk_session_switch_to_editing     (StkSession      *self,
                                               GError         **error);
/* Closes the writer (bounded wait for queued changes, see stk_writer_close()), the
 * readers and the watcher, then releases the lock. */
gboolean    stk_session_close                 (StkSession      *self,
                                               guint            timeout_ms,
                                               GError         **error);

G_END_DECLS
