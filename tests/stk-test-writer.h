/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A writer on the fixture's inventory, and the results of ops submitted to it without
 * waiting, collected in completion order. */
#pragma once

#include <glib.h>

#include "stk-op.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* A writer on db_path (stk-test-fixture.h) that polls every 50 ms; asserts it opens. */
StkWriter *stk_test_new_writer (guint retry_budget_ms,
                                guint probe_interval_ms);

typedef struct
{
  guint      expected;
  guint      done;
  guint      ok;
  gboolean   all_done;
  GPtrArray *errors; /* GError* or NULL, in completion order */
  GPtrArray *order;  /* StkOp*, in completion order */
} StkTestResults;

StkTestResults *stk_test_results_new    (guint           expected);
void            stk_test_results_free   (StkTestResults *results);
/* Submits @op (the caller keeps its reference for as long as @results may list it). */
void            stk_test_results_submit (StkTestResults *results,
                                         StkWriter      *writer,
                                         StkOp          *op);

/* A new item ITEM-nnnn, "test item", price 100 + @n, reorder level 2. */
StkOp          *stk_test_item_op        (guint           n);

G_END_DECLS
