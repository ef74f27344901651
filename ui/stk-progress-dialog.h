/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* StkProgressDialog: a heading, a progress bar, a detail line and Cancel, modal to its
 * parent while long work runs. Cancel, Escape and closing the window all cancel the
 * GCancellable it was given; the dialog stays until the work has ended and its owner
 * calls stk_progress_dialog_finish(). */

#define STK_TYPE_PROGRESS_DIALOG (stk_progress_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkProgressDialog, stk_progress_dialog, STK, PROGRESS_DIALOG, AdwWindow)

StkProgressDialog *stk_progress_dialog_new          (GtkWindow         *parent,
                                                     const char        *title,
                                                     const char        *heading,
                                                     GCancellable      *cancellable);
/* A known fraction (0 to 1) and the line under the bar. */
void               stk_progress_dialog_set_progress (StkProgressDialog *self,
                                                     double             fraction,
                                                     const char        *detail);
/* No measure: the bar pulses until the next stk_progress_dialog_set_progress(). */
void               stk_progress_dialog_pulse        (StkProgressDialog *self,
                                                     const char        *detail);
/* The work has ended: closing no longer cancels (the parent may be destroying it). */
void               stk_progress_dialog_set_finished (StkProgressDialog *self);
/* The work has ended: the dialog goes. */
void               stk_progress_dialog_finish       (StkProgressDialog *self);

G_END_DECLS
