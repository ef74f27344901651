/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* StkOutput: the one way Stocktake writes a file of its own making (a CSV export, a
 * backup, restore's safety copy). Outputs never destroy anything:
 *
 * - the target is checked first, by its real path: refused when it is the inventory,
 *   one of its companions (-wal, -shm, -journal, .lock), any SQLite database or part
 *   of one, or not a regular file (a folder, /dev/full, /dev/stdout, a pipe); a
 *   dangling symbolic link is refused too;
 * - the data goes to a temporary file in the same folder, ".NAME.stocktake-tmp-XXXXXX",
 *   which is then synced, renamed over the target, and the folder synced: the target
 *   is either the old file or the complete new one, never anything in between;
 * - a file replaced keeps its permissions (and its owner, when we may set it);
 * - a temporary file of a write that was killed is removed by the next output into
 *   that folder (each live one is flock()ed by its writer, so only dead ones go), as
 *   are the "NAME.part-XXXXXXXX" (+ "-journal") files that killed backups of earlier
 *   versions left. */

typedef enum
{
  STK_OUTPUT_NONE    = 0,
  /* An existing regular file may be replaced (otherwise: "already exists"). */
  STK_OUTPUT_REPLACE = 1 << 0,
} StkOutputFlags;

/* The marker in the names of temporary files. */
#define STK_OUTPUT_TEMP_MARKER ".stocktake-tmp-"

typedef struct _StkOutput StkOutput;

/* Whether @path may be written as an output of @inventory (NULL: none). */
gboolean     stk_output_check_target   (const char      *path,
                                        const char      *inventory,
                                        StkOutputFlags   flags,
                                        GError         **error);

/* Checks @path, then creates the temporary file beside it with @mode (for a new
 * file; a replaced one keeps its own). */
StkOutput   *stk_output_open           (const char      *path,
                                        const char      *inventory,
                                        StkOutputFlags   flags,
                                        guint            mode,
                                        GError         **error);
/* The temporary file's descriptor (owned by @self) and path: write through either. */
int          stk_output_get_fd         (StkOutput       *self);
const char  *stk_output_get_temp_path  (StkOutput       *self);
/* The target's real path. */
const char  *stk_output_get_path       (StkOutput       *self);

/* Syncs the temporary file, checks the target again, renames it over the target and
 * syncs the folder. On failure the temporary file is removed and the target is as it
 * was. */
gboolean     stk_output_commit         (StkOutput       *self,
                                        GError         **error);
/* Removes the temporary file unless committed, and frees @self. */
void         stk_output_free           (StkOutput       *self);

/* Removes what killed writes left in @folder; returns how many files. */
guint        stk_output_remove_stale   (const char      *folder);

void         stk_output_set_errno_error (GError         **error,
                                         int              errsv,
                                         const char      *display,
                                         const char      *dir);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkOutput, stk_output_free)

G_END_DECLS
