/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-edit-dialog.h"
#include "stk-op.h"
#include "stk-query.h"
#include "stk-reads.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* StkItemDialog: create or edit an item (modal, transient for @parent). Code required
 * and checked inline; a duplicate code reported by the writer (STK_ERROR_CONSTRAINT)
 * is shown under the code field and the dialog stays open; the price is parsed in the
 * user's locale into integer cents. The op goes through stk_writer_submit(); while it
 * is pending a spinner turns and the fields are insensitive — nothing blocks.
 *
 * An StkEditDialog (ui/stk-edit-dialog.h): its signal "saved" (const char *text,
 * StkOp *undo_op, gint64 item_id), "withdrawn" and "failed". "saved": the change was
 * committed; @text is the "Saved: …" line, @undo_op reverses it. The dialog closes.
 * Template children (for tests): code_entry, code_error, description_entry,
 * price_entry, price_error, reorder_spin, barcodes_entry, barcodes_error, error_label,
 * save_button, spinner.
 *
 * Barcodes: space-separated, each BARCODE or BARCODE*PACK (stk_barcode_parse_list());
 * a wrong check digit is said under the field. Editing, they are read from the store
 * (stk_item_dialog_set_store()). Saved by a second op after the item's, only when they
 * changed; if it fails the item is saved, the dialog stays open with the error under
 * the field, and Save again updates that item. Undo undoes the item's op only.
 *
 * Tax rate (with a store; stk-tax.h): "Shop default (…)" first, then the shop's rates;
 * editing, the item's own rate is read (stk_store_get_item_tax_rate_async()). Saved by
 * stk_op_set_item_tax_rate() after the item's op and its barcodes, only when the choice
 * changed; a refusal shows under the field (template children tax_dropdown, tax_error).
 * Action "dialog.save". */
#define STK_TYPE_ITEM_DIALOG (stk_item_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkItemDialog, stk_item_dialog, STK, ITEM_DIALOG, StkEditDialog)

/* @item NULL: a new item. */
StkItemDialog *stk_item_dialog_new         (GtkWindow         *parent,
                                            StkWriter         *writer,
                                            const StkItemInfo *item);
gboolean       stk_item_dialog_get_pending (StkItemDialog     *self);
/* With a store, creating an item whose code an archived item has offers to restore
 * that item (a question dialog, "Restore") instead of the "already exists" error; an
 * item being edited has its barcodes read. */
void           stk_item_dialog_set_store   (StkItemDialog     *self,
                                            StkStore          *store);

G_END_DECLS
