/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The dialog that comes before the main window when the inventory cannot be opened
 * for editing: its lock is held by another Stocktake (STK_ERROR_LOCKED) or the lock
 * file cannot be created (STK_ERROR_READ_ONLY). Says so in plain words and offers
 * Open Read-Only, Quit (the default) and Try Again, answered by "response". */
typedef enum
{
  STK_LOCK_DIALOG_QUIT,
  STK_LOCK_DIALOG_READ_ONLY,
  STK_LOCK_DIALOG_TRY_AGAIN,
} StkLockDialogResponse;

#define STK_TYPE_LOCK_DIALOG (stk_lock_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkLockDialog, stk_lock_dialog, STK, LOCK_DIALOG, GtkWindow)

StkLockDialog *stk_lock_dialog_new        (GtkApplication *application,
                                           const char     *db_path,
                                           const GError   *error);
/* Shows a new reason (after Try Again failed again). */
void           stk_lock_dialog_set_error  (StkLockDialog  *self,
                                           const GError   *error);

G_END_DECLS
