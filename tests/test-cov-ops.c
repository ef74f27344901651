/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ops (data/stk-ops.c) on the paths the other suites leave out (issue 20, branch
 * coverage of data/): the sentence each op says it is (the undo notice's and the
 * pending list's), barcodes without a code, an item's barcodes all taken away, and the
 * bad arguments the op constructors refuse. */
#include "config.h"

#include <criterion/criterion.h>

#include "stk-day.h"
#include "stk-error.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-tax.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

static gint64 item_id;

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  StkWriter *writer;
  StkOp *op;

  stk_test_fixture_setup ();
  writer = stk_test_open_writer (db_path);
  op = stk_op_create_item ("O-1", "Oil", 700, 0);
  cr_assert (stk_writer_submit_sync (writer, op, &error), "%s", error ? error->message : "");
  item_id = stk_op_get_row_id (op);
  stk_op_unref (op);
  stk_test_submit (writer, stk_op_add_barcode ("O-1", "OIL-CASE", 6));
  stk_test_close_writer (writer);
}

TestSuite (cov_ops, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 60);

static void
assert_description (StkOp      *op,
                    const char *expected)
{
  cr_assert_not_null (op);
  cr_assert_str_eq (stk_op_get_description (op), expected);
  stk_op_unref (op);
}

Test (cov_ops, each_op_says_what_it_is)
{
  StkSaleLineSpec one[] = { { "O-1", 2, -1, 0 } };
  StkSaleLineSpec three[] = { { "O-1", 1, -1, 0 }, { "O-1", 1, -1, 0 }, { "O-1", 1, -1, 0 } };

  assert_description (stk_op_record_movement ("O-1", STK_MOVEMENT_RECEIVE, 12, NULL, 0),
                      "Receipt of 12 × “O-1”");
  assert_description (stk_op_record_movement ("O-1", STK_MOVEMENT_COUNT, 4, NULL, 0),
                      "Stock count of “O-1”");
  assert_description (stk_op_record_movement ("O-1", STK_MOVEMENT_ADJUSTMENT, -1, "broken", 0),
                      "Stock adjustment of “O-1”");
  assert_description (stk_op_sell (one, G_N_ELEMENTS (one), NULL, NULL, 0), "Sale of 2 × “O-1”");
  assert_description (stk_op_sell (three, G_N_ELEMENTS (three), "Card", "a note", 0),
                      "Sale of 3 lines");
  assert_description (stk_op_set_receipt_series (STK_RECEIPT_SERIES_YEARLY),
                      "Change how receipt numbers run");
  assert_description (stk_op_set_receipt_series (STK_RECEIPT_SERIES_CONTINUOUS),
                      "Change how receipt numbers run");
  assert_description (stk_op_set_allow_negative_stock (TRUE), "Allow stock below zero");
  assert_description (stk_op_set_allow_negative_stock (FALSE), "Refuse stock below zero");
  assert_description (stk_op_add_barcode ("O-1", "OIL-1", 1), "Add a barcode");
  assert_description (stk_op_set_barcodes (item_id, NULL, 0), "Change an item’s barcodes");
}

Test (cov_ops, a_barcode_without_a_code_is_refused_and_changes_nothing)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(GError) error = NULL;
  StkBarcode blank[] = { { NULL, 1 } };
  StkOp *op;

  op = stk_op_add_barcode ("O-1", NULL, 3);
  cr_assert_not (stk_writer_submit_sync (writer, op, &error));
  stk_op_unref (op);
  cr_assert_eq (error->domain, STK_ERROR, "%s", error->message);
  cr_assert_eq (error->code, STK_ERROR_INVALID_DATA, "%s", error->message);
  g_clear_error (&error);

  op = stk_op_set_barcodes (item_id, blank, G_N_ELEMENTS (blank));
  cr_assert_not (stk_writer_submit_sync (writer, op, &error));
  stk_op_unref (op);
  cr_assert_eq (error->domain, STK_ERROR, "%s", error->message);
  cr_assert_eq (error->code, STK_ERROR_INVALID_DATA, "%s", error->message);

  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM barcodes"), 1,
                "the item keeps its one barcode");
}

Test (cov_ops, no_barcodes_takes_every_barcode_of_the_item_away)
{
  g_autoptr(StkWriter) writer = stk_test_open_writer (db_path);
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GArray) barcodes = NULL;
  g_autoptr(GError) error = NULL;

  stk_test_submit (writer, stk_op_set_barcodes (item_id, NULL, 0));
  stk_test_close_writer (g_steal_pointer (&writer));
  store = stk_test_open_store (db_path);
  barcodes = stk_store_item_barcodes (store, item_id, &error);
  cr_assert_not_null (barcodes, "%s", error ? error->message : "");
  cr_assert_eq (barcodes->len, 0);
}

static GString *criticals;

#define REFUSED(call, check)                                                              \
  G_STMT_START {                                                                         \
    gsize _before = criticals->len;                                                      \
    cr_assert_null ((call), "%s made an op", #call);                                     \
    cr_assert_gt (criticals->len, _before, "%s: no critical", #call);                    \
    cr_assert (strstr (criticals->str + _before, check) != NULL,                         \
               "%s: the critical does not name %s: %s", #call, check,                    \
               criticals->str + _before);                                                \
  } G_STMT_END

Test (cov_ops, the_op_constructors_refuse_bad_arguments)
{
  const char *const no_methods[] = { NULL };
  const char *const twice[] = { "Cash", "Cash", NULL };
  const char *const cash[] = { "Cash", NULL };
  StkOp *op;

  criticals = g_string_new (NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL);

  REFUSED (stk_op_sell (NULL, 2, NULL, NULL, 0), "lines != NULL");
  REFUSED (stk_op_set_barcodes (item_id, NULL, 2), "barcodes != NULL");
  REFUSED (stk_op_set_receipt_series ((StkReceiptSeries) 7), "STK_RECEIPT_SERIES_YEARLY");
  REFUSED (stk_op_set_payment_methods (no_methods), "stk_payment_methods_check");
  REFUSED (stk_op_set_payment_methods (twice), "stk_payment_methods_check");
  REFUSED (stk_op_set_default_tax_rate (-1), "id >= 0");
  REFUSED (stk_op_set_tax_rounding ((StkTaxRounding) 7), "STK_TAX_ROUND_RECEIPT");
  REFUSED (stk_op_save_tax_rate (-1, "VAT", 2000), "id >= 0");
  REFUSED (stk_op_remove_tax_rate (0), "id > 0");
  REFUSED (stk_op_set_item_tax_rate (item_id, -1), "rate_id >= 0");
  REFUSED (stk_op_close_day (-1, NULL), "counted_cash_cents >= 0");

  /* The same constructors with good arguments make their op. */
  op = stk_op_set_payment_methods (cash);
  cr_assert_not_null (op);
  stk_op_unref (op);
  op = stk_op_set_default_tax_rate (0);
  cr_assert_not_null (op);
  stk_op_unref (op);
  op = stk_op_close_day (0, NULL);
  cr_assert_not_null (op);
  stk_op_unref (op);
  /* A sale of no line is an op (the writer refuses it, test-sell.c). */
  op = stk_op_sell (NULL, 0, NULL, NULL, 0);
  cr_assert_not_null (op);
  stk_op_unref (op);
  g_string_free (criticals, TRUE);
  criticals = NULL;
}
