/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "stk-pager.h"
#include "stk-rows.h"

G_BEGIN_DECLS

/* For the table models: a row object from a pager row, and an in-place update that
 * notifies only the properties whose value changed. */
GObject *stk_row_new_from_pager (StkPagerKind       kind,
                                 const StkPagerRow *row);
void     stk_row_update         (GObject           *object,
                                 const StkPagerRow *row);
gint64   stk_row_get_id         (GObject           *object);
/* Number of row objects alive, process-wide (for tests and benchmarks). */
guint    stk_rows_get_n_alive   (void);

G_END_DECLS
