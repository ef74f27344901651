/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "stk-writer.h"

G_BEGIN_DECLS

/* Asked when quitting with changes still waiting to be saved: names them (from
 * stk_writer_list_pending()) and offers Wait (the default: quit once they are saved)
 * or Quit and Lose N Changes; Cancel and Escape go back to work. Never quits silently.
 * An AdwMessageDialog over its window; its decision comes as "decided" (int). */
typedef enum
{
  STK_QUIT_DIALOG_CANCEL, /* keep working */
  STK_QUIT_DIALOG_LOSE,   /* quit now; the waiting changes are lost */
  STK_QUIT_DIALOG_SAVED,  /* the user waited and everything was saved: quit */
  STK_QUIT_DIALOG_QUIT_ANYWAY, /* the backup before quitting failed; quit without it */
} StkQuitDialogResponse;

#define STK_TYPE_QUIT_DIALOG (stk_quit_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkQuitDialog, stk_quit_dialog, STK, QUIT_DIALOG, AdwMessageDialog)

StkQuitDialog *stk_quit_dialog_new (GtkWindow *parent,
                                    StkWriter *writer);

/* The same question before another inventory is opened in its place: the waiting
 * changes are this inventory's; "Close and Lose" instead of "Quit and Lose", and
 * STK_QUIT_DIALOG_SAVED / _LOSE mean: go on and open the other one. */
StkQuitDialog *stk_quit_dialog_new_for_switch (GtkWindow *parent,
                                               StkWriter *writer);

/* Asked when the automatic backup made on quitting failed: says why (@message, one
 * sentence) and offers Quit Anyway, or Cancel (and Escape) to go back to work. */
StkQuitDialog *stk_quit_dialog_new_backup_failed (GtkWindow  *parent,
                                                  const char *message);

G_END_DECLS
