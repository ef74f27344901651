/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* A test-only SQLite VFS, "stk-fault", that wraps the default VFS and can make the
 * Nth call of one kind of file operation fail with a chosen error code. Registered
 * as the default VFS, so every connection the code under test opens goes through it
 * (the writer's, the store's, backups, restores). Counters are process-wide and
 * atomic: the writer calls in from its own thread. */

typedef enum
{
  STK_FAULT_READ,      /* xRead */
  STK_FAULT_WRITE,     /* xWrite */
  STK_FAULT_SYNC,      /* xSync */
  STK_FAULT_LOCK,      /* xLock */
  STK_FAULT_TRUNCATE,  /* xTruncate */
  STK_FAULT_FILE_SIZE, /* xFileSize */
  STK_FAULT_SHM_LOCK,  /* xShmLock taking an exclusive lock (never a shared one, never an
                        * unlock): in WAL mode this, not xLock, is where another writer
                        * makes us wait */
  STK_FAULT_ANY,       /* any of the above, counted together (arm only) */
  STK_FAULT_N_KINDS = STK_FAULT_ANY,
} StkFaultKind;

/* Registers the VFS as the default (once per process). */
void        stk_faultvfs_register   (void);

/* From now on, the @nth call (1-based) of @kind fails with @error_code: SQLITE_IOERR_WRITE,
 * SQLITE_IOERR_READ, SQLITE_IOERR_FSYNC, SQLITE_FULL, SQLITE_BUSY (xLock, xShmLock)… once. */
void        stk_faultvfs_arm        (StkFaultKind kind,
                                     guint64      nth,
                                     int          error_code);
/* The same, but every call of @kind from the @nth on fails until disarmed (a disk that
 * stays full). */
void        stk_faultvfs_arm_sticky (StkFaultKind kind,
                                     guint64      nth,
                                     int          error_code);
void        stk_faultvfs_disarm     (void);

/* How many faults were injected since the last arm (0: the Nth call never came). */
guint64     stk_faultvfs_fired      (void);
/* Calls of @kind counted since the last arm (all kinds for STK_FAULT_ANY). */
guint64     stk_faultvfs_calls      (StkFaultKind kind);

const char *stk_fault_kind_to_string (StkFaultKind kind);

G_END_DECLS
