/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-edit-dialog.h"
#include "stk-op.h"
#include "stk-store.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* StkSaleDialog: record a sale (modal, transient for @parent): the item's code with
 * completion, the quantity, and the unit price, which defaults to the item's price
 * (looked up off the main thread) until the user types one. Submitted through
 * stk_writer_submit(); a spinner turns while pending.
 *
 * An StkEditDialog (ui/stk-edit-dialog.h): its signal "saved" (const char *text,
 * StkOp *undo_op, gint64 item_id), "withdrawn" and "failed". "saved": committed; the
 * undo op voids the sale. Template children (for tests): code_entry, code_error,
 * item_label, quantity_spin, price_entry, price_error, error_label, save_button.
 * Action "dialog.save". */
#define STK_TYPE_SALE_DIALOG (stk_sale_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkSaleDialog, stk_sale_dialog, STK, SALE_DIALOG, StkEditDialog)

/* @code (may be NULL): the item to start with. */
StkSaleDialog *stk_sale_dialog_new         (GtkWindow     *parent,
                                            StkWriter     *writer,
                                            StkStore      *store,
                                            const char    *code);
gboolean       stk_sale_dialog_get_pending (StkSaleDialog *self);
/* TRUE while the code is being looked up (tests wait for FALSE). */
gboolean       stk_sale_dialog_get_busy    (StkSaleDialog *self);

G_END_DECLS
