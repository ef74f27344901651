/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-code-entry.h"
#include "stk-op.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* StkEditDialog: the base of the dialogs that make one change (item, sale, stock
 * movement). It owns the change's life: the action "dialog.save" asks the subclass for
 * the op, submits it through stk_writer_submit() and keeps it while it waits (spinner,
 * fields insensitive, save disabled); Cancel, Escape or the close button withdraw it
 * if it has not started committing; the answer closes the dialog or shows the error.
 *
 * Signals:
 *  "saved" (const char *text, StkOp *undo_op, gint64 item_id): committed; @text is the
 *    "Saved: …" line (or "Already saved, could not withdraw: …" after a late Cancel),
 *    @undo_op reverses it (may be NULL). The dialog closes.
 *  "withdrawn" (const char *text): the waiting change was withdrawn; the text says so.
 *  "failed" (const char *text): the change failed after the dialog was closed.
 *
 * A subclass's template (set with stk_edit_dialog_class_set_template()) has the
 * children "grid" (the fields), "spinner", "error_label" and "save_button"; the base
 * disposes the template. */
#define STK_TYPE_EDIT_DIALOG (stk_edit_dialog_get_type ())
G_DECLARE_DERIVABLE_TYPE (StkEditDialog, stk_edit_dialog, STK, EDIT_DIALOG, GtkWindow)

struct _StkEditDialogClass
{
  GtkWindowClass parent_class;

  /* Reads and checks the fields. Returns the op to submit, or NULL after showing what
   * is wrong at the fields. */
  StkOp  *(*build_op)   (StkEditDialog *self);
  /* @op was committed: returns the "Saved: …" text and sets the undo op (or NULL) and
   * the item to select (or 0). */
  char   *(*saved)      (StkEditDialog *self,
                         StkOp         *op,
                         StkOp        **undo,
                         gint64        *item_id);
  /* Optional: shows @error at a field and returns TRUE; FALSE: the base shows it under
   * the fields. */
  gboolean (*show_error) (StkEditDialog *self,
                          const GError  *error);
  /* Optional: @op was committed; returns a second op to submit before the dialog says
   * saved and closes (transfer full), or NULL. Once that one is committed it is called
   * again (with the same first @op) for a third, and so on until it returns NULL. If
   * one fails, its error is shown (show_error) and the dialog stays open: the subclass
   * must make a second Save build an op that is right now that @op is in (an update,
   * not a create again). */
  StkOp  *(*follow_up)  (StkEditDialog *self,
                         StkOp         *op);

  gpointer padding[7];
};

/* For a subclass's class_init: its template, with the children the base uses. */
void       stk_edit_dialog_class_set_template (GtkWidgetClass *widget_class,
                                               const char     *resource_path);

StkWriter *stk_edit_dialog_get_writer         (StkEditDialog  *self);
/* Submits @op as the dialog's change, like Save does with the op build_op() gives. */
void       stk_edit_dialog_submit             (StkEditDialog  *self,
                                               StkOp          *op);
/* TRUE while the change waits for the writer's answer. */
gboolean   stk_edit_dialog_get_pending        (StkEditDialog  *self);
GtkButton *stk_edit_dialog_get_save_button    (StkEditDialog  *self);
/* Hides the error under the fields (the user is correcting them). */
void       stk_edit_dialog_hide_error         (StkEditDialog  *self);
/* The code field's last lookup found no item (and none is on its way): says so under
 * the field (a code being typed is not called unknown until the field is left) and
 * returns TRUE. */
gboolean   stk_edit_dialog_code_is_unknown    (StkEditDialog  *self);
/* For a dialog that names its item by code (sale, movement): @code_entry gets
 * completion and a lookup (stk_code_entry_setup()); after each lookup the item's
 * description and stock show in @item_label — or, for a code that names no item, the
 * error in @code_error — then @looked_up is called (@info NULL: no such item). With
 * @code, the entry starts with it and @focus gets the focus. */
void       stk_edit_dialog_setup_code         (StkEditDialog     *self,
                                               StkStore          *store,
                                               GtkEntry          *code_entry,
                                               GtkLabel          *code_error,
                                               GtkLabel          *item_label,
                                               const char        *code,
                                               GtkWidget         *focus,
                                               StkCodeLookupFunc  looked_up);
/* TRUE while the code is being looked up (tests wait for FALSE). */
gboolean   stk_edit_dialog_get_busy           (StkEditDialog     *self);

G_END_DECLS
