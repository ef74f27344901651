/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Starts the stk-lock-taker helper on @db_path (as @what) and waits until it holds
 * the lock. Closing its stdin (stk_lock_taker_stop) or killing it releases it. */
GSubprocess *stk_lock_taker_start (const char  *db_path,
                                   const char  *what);
void         stk_lock_taker_stop  (GSubprocess *taker);

G_END_DECLS
