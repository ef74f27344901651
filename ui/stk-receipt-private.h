/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "stk-receipt.h"

G_BEGIN_DECLS

/* For the tests: the receipt's rows as laid out at @width_pt, one string a row, top to
 * bottom: the left text, then a tab and the right-aligned text when the row has one;
 * "---" for a rule. Newlines inside a text (an address) stay. */
GStrv              stk_receipt_get_rows           (const StkSaleDetail *sale,
                                                   const char          *shop_name,
                                                   const char          *shop_address,
                                                   double               width_pt);

/* The print operation stk_receipt_print() runs (with its own copy of @sale), to run it
 * with GTK_PRINT_OPERATION_ACTION_EXPORT. */
GtkPrintOperation *stk_receipt_print_operation_new (const StkSaleDetail *sale,
                                                   const char          *shop_name,
                                                   const char          *shop_address);

/* Draws page @page_nr of the receipt as the print operation does on a sheet
 * @page_width × @page_height points (its printable area), with metrics in points;
 * returns how many pages the receipt takes on that sheet. */
int                stk_receipt_draw_sheet         (const StkSaleDetail *sale,
                                                   const char          *shop_name,
                                                   const char          *shop_address,
                                                   cairo_t             *cr,
                                                   double               page_width,
                                                   double               page_height,
                                                   int                  page_nr);

/* As stk_receipt_get_rows() and stk_receipt_print_operation_new(), for a day report. */
GStrv              stk_day_report_get_rows            (const StkDayReport *report,
                                                       const char         *shop_name,
                                                       const char         *shop_address,
                                                       double              width_pt);
GtkPrintOperation *stk_day_report_print_operation_new (const StkDayReport *report,
                                                       const char         *shop_name,
                                                       const char         *shop_address);

G_END_DECLS
