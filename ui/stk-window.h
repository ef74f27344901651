/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "stk-session.h"
#include "stk-store.h"
#include "stk-writer.h"

G_BEGIN_DECLS

#define STK_TYPE_WINDOW (stk_window_get_type ())
G_DECLARE_FINAL_TYPE (StkWindow, stk_window, STK, WINDOW, AdwApplicationWindow)

/* The main window. With @session it shows the inventory's summary (or the "no items
 * yet" page); with @session NULL and @error_message it shows why the inventory could
 * not be opened. */
StkWindow  *stk_window_new               (GtkApplication *application,
                                          StkSession     *session,
                                          const char     *error_message);
StkSession *stk_window_get_session       (StkWindow      *self);
const char *stk_window_get_path          (StkWindow      *self);
const char *stk_window_get_error_message (StkWindow      *self);
/* The edit dialogs whose change waits for a locked inventory get out of the way (the
 * change keeps waiting; the window's status bar offers to withdraw it). */
void        stk_window_set_aside_waiting (StkWindow      *self);
void        stk_window_refresh           (StkWindow      *self);
/* A short notice at the bottom of the window. */
void        stk_window_show_message      (StkWindow      *self,
                                          const char     *text);
/* An automatic backup failed (@message: why, one sentence): a notice that stays until
 * dismissed, with a button to Preferences. */
void        stk_window_show_backup_failed (StkWindow     *self,
                                           const char    *message);

G_END_DECLS
