/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The question that comes when the inventory cannot be opened for editing: its lock is
 * held by another Stocktake (STK_ERROR_LOCKED) or the lock file cannot be created
 * (STK_ERROR_READ_ONLY). An AdwMessageDialog over its window, in plain words; who holds
 * the lock (user, host, process) is behind a Details disclosure, closed at first.
 *
 * Responses (AdwMessageDialog::response): STK_LOCK_DIALOG_QUIT ("quit", also Escape),
 * STK_LOCK_DIALOG_TRY_AGAIN, STK_LOCK_DIALOG_READ_ONLY (the default) and, once offered
 * with stk_lock_dialog_offer_show(), STK_LOCK_DIALOG_SHOW ("Show That Window", then the
 * default). A response hides the dialog (hide-on-close); its owner destroys it. */
#define STK_LOCK_DIALOG_QUIT      "quit"
#define STK_LOCK_DIALOG_TRY_AGAIN "try-again"
#define STK_LOCK_DIALOG_READ_ONLY "read-only"
#define STK_LOCK_DIALOG_SHOW      "show"

#define STK_TYPE_LOCK_DIALOG (stk_lock_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkLockDialog, stk_lock_dialog, STK, LOCK_DIALOG, AdwMessageDialog)

StkLockDialog *stk_lock_dialog_new        (GtkWindow      *parent,
                                           const char     *db_path,
                                           const GError   *error);
/* Shows a new reason (after Try Again failed again). */
void           stk_lock_dialog_set_error  (StkLockDialog  *self,
                                           const GError   *error);
/* Offers "Show That Window": the holder is a window of this user's session. */
void           stk_lock_dialog_offer_show (StkLockDialog  *self);
/* The holder's details (user, host, process), as the disclosure shows them. */
const char    *stk_lock_dialog_get_details (StkLockDialog *self);

G_END_DECLS
