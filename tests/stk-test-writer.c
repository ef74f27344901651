/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-test-writer.h"

#include <criterion/criterion.h>

#include "stk-ops.h"
#include "stk-test-fixture.h"

StkWriter *
stk_test_new_writer (guint retry_budget_ms,
                     guint probe_interval_ms)
{
  g_autoptr(GError) error = NULL;
  StkWriter *writer = g_initable_new (STK_TYPE_WRITER, NULL, &error,
                                      "path", db_path,
                                      "retry-budget-ms", retry_budget_ms,
                                      "probe-interval-ms", probe_interval_ms,
                                      "poll-interval-ms", 50,
                                      NULL);

  cr_assert_not_null (writer, "%s", error ? error->message : "");
  return writer;
}

static void
error_free0 (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

StkTestResults *
stk_test_results_new (guint expected)
{
  StkTestResults *r = g_new0 (StkTestResults, 1);

  r->expected = expected;
  r->errors = g_ptr_array_new_with_free_func (error_free0);
  r->order = g_ptr_array_new ();
  return r;
}

void
stk_test_results_free (StkTestResults *results)
{
  g_ptr_array_unref (results->errors);
  g_ptr_array_unref (results->order);
  g_free (results);
}

typedef struct
{
  StkTestResults *results;
  StkOp          *op;
} Call;

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (stk_writer_submit_finish (STK_WRITER (object), result, &error))
    call->results->ok++;
  g_ptr_array_add (call->results->errors, error);
  g_ptr_array_add (call->results->order, call->op);
  if (++call->results->done == call->results->expected)
    call->results->all_done = TRUE;
  g_free (call);
}

void
stk_test_results_submit (StkTestResults *results,
                         StkWriter      *writer,
                         StkOp          *op)
{
  Call *call = g_new0 (Call, 1);

  call->results = results;
  call->op = op;
  stk_writer_submit (writer, op, NULL, submitted_cb, call);
}

StkOp *
stk_test_item_op (guint n)
{
  g_autofree char *code = g_strdup_printf ("ITEM-%04u", n);

  return stk_op_create_item (code, "test item", 100 + n, 2);
}
