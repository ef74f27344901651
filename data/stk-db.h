/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The inventory file as the front ends see it: where it lives, whether it is there and
 * how many connections this process holds. The connection helpers themselves (every
 * SQLite type) are data/'s own: stk-db-private.h. */

guint       stk_db_get_open_count    (void);

gboolean    stk_db_check_file        (const char  *path,
                                      gboolean    *out_exists,
                                      GError     **error);

gint64      stk_db_now_us            (void);

char       *stk_db_default_path      (void);

/* *out_sum = a + b, or FALSE with “the amount is over …” instead of an overflow. */
gboolean    stk_db_checked_add        (gint64       a,
                                       gint64       b,
                                       gint64      *out_sum,
                                       GError     **error);

G_END_DECLS

