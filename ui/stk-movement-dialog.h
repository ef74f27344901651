/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-edit-dialog.h"
#include "stk-op.h"
#include "stk-ops.h"
#include "stk-store.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* StkMovementDialog: a stock receipt, an adjustment (signed) or a stock count, with a
 * reason (modal, transient for @parent). Submitted through stk_writer_submit(); a
 * spinner turns while pending.
 *
 * An StkEditDialog (ui/stk-edit-dialog.h): its signal "saved" (const char *text,
 * StkOp *undo_op, gint64 item_id), "withdrawn" and "failed". "saved": committed; the
 * undo op is the inverse adjustment (NULL for a count that changed nothing).
 * Template children (for tests): kind_dropdown, code_entry, code_error, item_label,
 * quantity_spin, quantity_error, reason_entry, error_label, save_button.
 * Action "dialog.save". */
#define STK_TYPE_MOVEMENT_DIALOG (stk_movement_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkMovementDialog, stk_movement_dialog, STK, MOVEMENT_DIALOG, StkEditDialog)

/* @kind: STK_MOVEMENT_RECEIVE, _ADJUSTMENT or _COUNT; @code may be NULL. */
StkMovementDialog *stk_movement_dialog_new         (GtkWindow         *parent,
                                                    StkWriter         *writer,
                                                    StkStore          *store,
                                                    StkMovementKind    kind,
                                                    const char        *code);
gboolean           stk_movement_dialog_get_pending (StkMovementDialog *self);
gboolean           stk_movement_dialog_get_busy    (StkMovementDialog *self);

G_END_DECLS
