/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-store.h"
#include "stk-transfer.h"

G_BEGIN_DECLS

/* A stock count read from a CSV file (`stocktake count import`): the columns `code`
 * (an item's code or one of its barcodes, as the till looks them up; a barcode's pack
 * multiplies the figure) and `counted` (a whole number from 0), in any order, no other
 * column. A code given on several rows adds up (scanning twice adds). Every problem is
 * a "Line N: …" sentence; one problem and nothing is counted. */

typedef struct
{
  gint64   item_id;
  char    *code;               /* the item's code (not the barcode the file gave) */
  char    *description;
  guint    line;               /* where the file first names it */
  gint64   expected;           /* the on-hand when the file was read */
  gint64   counted;
  gint64   variance;           /* counted − expected */
  gint64   average_cost_cents; /* 0: unknown */
  gint64   variance_cost_cents;/* variance × average; 0 when the cost is unknown */
} StkCountItem;

typedef struct
{
  char      *display_name;
  GPtrArray *items;            /* StkCountItem*, in the order the file first names them */
  gint64     with_variance;    /* items whose count differs from the expected */
  gint64     units_over;       /* the sum of the positive variances */
  gint64     units_short;      /* the sum of the negative ones, as a positive number */
  gint64     net_cost_cents;   /* the variances at cost, summed (unknown costs left out) */
  gint64     unknown_cost_items; /* items with a variance and no known cost */
} StkCount;

void      stk_count_free (StkCount *count);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkCount, stk_count_free)

/* Reads and checks @path against @store, and computes the variance report. NULL with
 * @error (STK_ERROR_INVALID_DATA: "“FILE” has N bad rows; nothing was changed.") and
 * the line-numbered sentences in @report's errors when the file is refused; @report
 * may be NULL. */
StkCount *stk_count_read   (StkStore         *store,
                            const char       *path,
                            StkImportReport  *report,
                            GError          **error);

/* The op that records @count: one count movement per item (its counted on-hand, with
 * the reason “Count (import)”), all or none. Its result with stk_import_op_report(). A
 * count sets the on-hand to the counted figure when the op is applied: a sale between
 * stk_count_read() and then is in the on-hand no more. */
StkOp    *stk_count_op_new (const StkCount   *count);

G_END_DECLS
