/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "stk-session.h"

G_BEGIN_DECLS

/* Restore… : the inventory's automatic backups in @folder, newest first, each with
 * when it was made and its figures (items, sales, last sale; a damaged one says so and
 * cannot be chosen). Restore asks first, naming what is replaced — the inventory's
 * figures now against the backup's — and that a safety copy is kept, then restores
 * through stk_restore() (the backup is checked first) in a thread. Other File… does the
 * same for a file chosen by hand. Read-only: nothing can be restored. Modal to @parent.
 *
 * Signal "restored" (const char *message): the restore is done; @message, one
 * sentence, says from what and where the safety copy is. The dialog closes itself. */
#define STK_TYPE_RESTORE_DIALOG (stk_restore_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkRestoreDialog, stk_restore_dialog, STK, RESTORE_DIALOG, AdwWindow)

StkRestoreDialog *stk_restore_dialog_new        (GtkWindow        *parent,
                                                 StkSession       *session,
                                                 const char       *folder);
/* Whether the list has been read (tests). */
gboolean          stk_restore_dialog_get_loaded (StkRestoreDialog *self);
/* The backup the list shows in row @index (newest first), or NULL. */
const char       *stk_restore_dialog_get_path   (StkRestoreDialog *self,
                                                 guint             index);
/* Asks about restoring @path (what Restore and Other File… lead to); the question is
 * an AdwMessageDialog over the dialog, returned (tests answer it). */
GtkWindow        *stk_restore_dialog_ask        (StkRestoreDialog *self,
                                                 const char       *path);

G_END_DECLS
