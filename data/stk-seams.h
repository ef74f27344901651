/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/types.h>

#include <glib.h>

G_BEGIN_DECLS

/* Test seams, private to data/ and the tests. The few system calls the storage core
 * makes on plain files (outside SQLite, whose I/O tests reach through a VFS) go
 * through these pointers, so that a test can make one of them fail the way a full
 * disk, a vanished folder, a failing disk or a signal would (tests/test-error-paths.c,
 * tests/test-mutants.c). The program never changes them; stk_seams_reset() puts the
 * real calls back. */
typedef struct
{
  int     (*open)    (const char *path, int flags, int mode);   /* g_open */
  ssize_t (*read)    (int fd, void *buf, size_t count);
  int     (*fsync)   (int fd);
  int     (*close)   (int fd);
  int     (*rename)  (const char *from, const char *to);        /* g_rename */
  int     (*flock)   (int fd, int operation);
} StkSeams;

extern StkSeams stk_seams;

/* The bulk path of imports (data/sqlite/stk-sqlite-bulk.c): an import of at least
 * stk_bulk_min_rows rows takes it; its secondary indexes are built again rather than
 * kept up to date when the batch has at least stk_bulk_index_ratio times the table's rows
 * (0: always).
 * Tests set them to force either path; stk_seams_reset() puts the defaults back. */
#define STK_BULK_MIN_ROWS    1000
#define STK_BULK_INDEX_RATIO 2
extern guint stk_bulk_min_rows;
extern guint stk_bulk_index_ratio;

/* The check of a verified backup's copy (stk_store_backup_verified()): stk_verify_file().
 * Tests make it fail; stk_seams_reset() puts it back. */
typedef gboolean (*StkVerifyFileFunc) (const char  *path,
                                       GPtrArray  **problems,
                                       GError     **error);
extern StkVerifyFileFunc stk_backup_verify_file;

void stk_seams_reset (void);

G_END_DECLS
