/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "stk-writer.h"

G_BEGIN_DECLS

/* "Database locked" (an AdwMessageDialog over its window; Retry is the default, Escape
 * is Close): another program holds the inventory file past the writer's retry budget. Says so in plain words with how many changes are waiting (safe, queued in
 * order); Retry makes an attempt now (stk_writer_retry_now()), Close keeps waiting in
 * the background. Closes itself once the writer is READY again.
 *
 * Without a writer (the database was busy while opening), Retry emits "retry" and the
 * second button reads Quit and emits "quit"; the owner decides what follows. */
#define STK_TYPE_LOCKED_DIALOG (stk_locked_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkLockedDialog, stk_locked_dialog, STK, LOCKED_DIALOG, AdwMessageDialog)

StkLockedDialog *stk_locked_dialog_new             (GtkWindow      *parent,
                                                    StkWriter      *writer);
StkLockedDialog *stk_locked_dialog_new_for_startup (GtkApplication *application,
                                                    const char     *db_path,
                                                    const char     *message);
StkWriter       *stk_locked_dialog_get_writer      (StkLockedDialog *self);

G_END_DECLS
