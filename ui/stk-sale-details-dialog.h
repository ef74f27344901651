/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "stk-sale.h"
#include "stk-store.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* StkSaleDetailsDialog: one sale as the Sales list's row opens it (Enter or a
 * double-click): its lines (code, description, quantity, price, discount, total,
 * returned), its returns under the line they belong to, the totals net of refunds, the
 * payment and note, and whether and why it was voided. Return… (a line, a quantity up
 * to what is left, a reason; the refund shown before confirming), Void Sale… (with a
 * reason; not once the sale has a return or is voided, the button's tooltip says why),
 * Print Receipt… and Save as PDF…. Errors are shown in the dialog.
 *
 * Signal "notice" (const char *text): a change was saved (the window shows it).
 * Actions "sale.return", "sale.void", "sale.print", "sale.save-pdf". Template
 * children (for tests): status_label, error_label, lines_grid, returns_grid,
 * totals_grid, return_button, void_button. */
#define STK_TYPE_SALE_DETAILS_DIALOG (stk_sale_details_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkSaleDetailsDialog, stk_sale_details_dialog, STK, SALE_DETAILS_DIALOG,
                      AdwWindow)

/* What to do once the sale is read (the Sales list's row actions). */
typedef enum
{
  STK_SALE_DETAILS_SHOW,
  STK_SALE_DETAILS_RETURN,
  STK_SALE_DETAILS_VOID,
  STK_SALE_DETAILS_PRINT,
} StkSaleDetailsStart;

/* @writer NULL: read-only (no Return, no Void). @settings (may be NULL): the shop's
 * name and address for the receipt. */
StkSaleDetailsDialog *stk_sale_details_dialog_new        (GtkWindow            *parent,
                                                          StkWriter            *writer,
                                                          StkStore             *store,
                                                          GSettings            *settings,
                                                          gint64                sale_id,
                                                          StkSaleDetailsStart   start);
/* Read-only on / off while open (the window's state). */
void                  stk_sale_details_dialog_set_writer (StkSaleDetailsDialog *self,
                                                          StkWriter            *writer);
gint64                stk_sale_details_dialog_get_sale_id (StkSaleDetailsDialog *self);
/* The sale as last read, or NULL before the first read ends. */
const StkSaleDetail  *stk_sale_details_dialog_get_sale   (StkSaleDetailsDialog *self);
/* TRUE while a read or a change is under way (tests wait for FALSE). */
gboolean              stk_sale_details_dialog_get_busy   (StkSaleDetailsDialog *self);

/* What Return… and Void Sale… confirm, and Save as PDF… after its file chooser (the
 * seams the tests drive). Return and void submit and answer later (the sale is read
 * again; an error shows in the dialog); FALSE with the sentence when refused at once. */
gboolean              stk_sale_details_dialog_return_line (StkSaleDetailsDialog *self,
                                                           gint64                line_id,
                                                           gint64                quantity,
                                                           const char           *reason,
                                                           GError              **error);
gboolean              stk_sale_details_dialog_void       (StkSaleDetailsDialog *self,
                                                          const char           *reason,
                                                          GError              **error);
gboolean              stk_sale_details_dialog_save_pdf   (StkSaleDetailsDialog *self,
                                                          const char           *path);
/* The refund a return of @quantity from @line would give (what the writer computes:
 * proportional; the last return refunds the rest exactly), -1 when over what is left. */
gint64                stk_sale_details_refund_for        (const StkSaleDetail  *sale,
                                                          const StkSaleLine    *line,
                                                          gint64                quantity);

G_END_DECLS
