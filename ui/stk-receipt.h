/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-day.h"
#include "stk-sale.h"

G_BEGIN_DECLS

/* The receipt of one sale, laid out with Pango and drawn with cairo: the shop's name and
 * address (Preferences, GSettings shop-name and shop-address; either may be empty), the
 * sale's number, date, payment and note, a block per line (description, code,
 * quantity × unit price, discount, the line's total), the Total; the returns with what
 * was refunded and the Net when there are any; a VOIDED banner and its reason when the
 * sale was voided. Money through stk_format_currency(), dates through
 * stk_format_datetime(). */

/* The width of a receipt roll (80 mm) and the width its text takes on it (72 mm), in
 * points. */
#define STK_RECEIPT_ROLL_WIDTH_PT (80.0 * 72.0 / 25.4)
#define STK_RECEIPT_TEXT_WIDTH_PT (72.0 * 72.0 / 25.4)

/* Draws the receipt on @cr from its current origin down, @width_pt wide (in @cr's user
 * units, taken as points), and returns the height it took. Any cairo_t: an image, a
 * PDF page, a recording surface. */
double   stk_receipt_draw       (const StkSaleDetail  *sale,
                                 const char           *shop_name,
                                 const char           *shop_address,
                                 cairo_t              *cr,
                                 double                width_pt);

/* Writes the receipt as a PDF of one page the width of an 80 mm roll and as long as the
 * receipt. Through StkOutput (data/stk-output.h): a temporary file beside @path renamed
 * over it once complete, so a failure (missing or read-only folder, full disk) leaves
 * @path as it was and no other file, and gives one sentence in STK_ERROR. */
gboolean stk_receipt_write_pdf  (const StkSaleDetail  *sale,
                                 const char           *shop_name,
                                 const char           *shop_address,
                                 const char           *path,
                                 GError              **error);

/* The print dialog for the receipt (GtkPrintOperation, run to its end): on a roll the
 * receipt fills the width; on a wider sheet (A4, Letter) it is a column at the top,
 * enlarged a little; a receipt longer than the sheet goes on to more sheets, cut
 * between rows. "Print to File" proposes "Sale-N.pdf". TRUE when printed or cancelled;
 * FALSE with @error when printing failed (the caller shows it). */
gboolean stk_receipt_print      (GtkWindow            *parent,
                                 const StkSaleDetail  *sale,
                                 const char           *shop_name,
                                 const char           *shop_address,
                                 GError              **error);

/* The day's report (the close of the day, data/stk-day.h) drawn the same way, on the same
 * roll: the shop, "Day Report" with the close's number and time (or "Not closed yet"),
 * what it covers (since the close before), by payment method the net with the sales,
 * voids and refunds, the totals, the cash expected in the drawer and, for a close, the
 * cash counted and the difference (short or over), the note. */

/* As stk_receipt_draw(), for @report. */
double   stk_day_report_draw      (const StkDayReport  *report,
                                   const char          *shop_name,
                                   const char          *shop_address,
                                   cairo_t             *cr,
                                   double               width_pt);

/* As stk_receipt_write_pdf(), for @report. */
gboolean stk_day_report_write_pdf (const StkDayReport  *report,
                                   const char          *shop_name,
                                   const char          *shop_address,
                                   const char          *path,
                                   GError             **error);

/* As stk_receipt_print(), for @report; "Print to File" proposes "Day-Report-N.pdf". */
gboolean stk_day_report_print     (GtkWindow           *parent,
                                   const StkDayReport  *report,
                                   const char          *shop_name,
                                   const char          *shop_address,
                                   GError             **error);

/* The difference of the counted cash as the report says it: "None", "€3.50 short",
 * "€2.00 over". */
char    *stk_day_report_format_difference (gint64 difference_cents);

/* Asks where to save a PDF: a modal native Save chooser over @parent titled @title, with
 * the PDF filter and @file_name proposed. On Save, @chosen runs with @owner, the file and
 * its local path (NULL when the file is not local); nothing runs on Cancel. @owner is
 * kept alive until then. */
typedef void (*StkPdfChosenFunc) (GObject    *owner,
                                  GFile      *file,
                                  const char *path);

void     stk_pdf_chooser_show     (GtkWindow           *parent,
                                   const char          *title,
                                   const char          *file_name,
                                   StkPdfChosenFunc     chosen,
                                   GObject             *owner);

G_END_DECLS
