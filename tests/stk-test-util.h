/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* A fresh temporary folder; removed (with everything in it) by stk_test_rmdir. */
char     *stk_test_mkdtemp        (void);
void      stk_test_rmdir          (const char *path);

/* Spins the thread-default main context until *flag is TRUE or timeout_ms passed. */
gboolean  stk_test_wait_for       (const gboolean *flag,
                                   guint           timeout_ms);
void      stk_test_spin           (guint           ms);

/* Path of a helper program built next to the tests. */
char     *stk_test_helper_path    (const char     *name);

/* One integer from a fresh raw connection to path (read-only). */
gint64    stk_test_query          (const char     *path,
                                   const char     *sql);

/* Contents of a file, for byte-for-byte comparisons. */
GBytes   *stk_test_read_bytes     (const char     *path);

/* Drops root privileges to nobody (65534) in this (forked) test process. */
void      stk_test_drop_privileges (void);

G_END_DECLS
