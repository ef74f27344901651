/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-session.h"
#include "stk-transfer.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* Window-level maintenance and transfer flows, each modal to @parent and never
 * blocking the main loop: a GtkFileChooserNative (the portal inside a Flatpak), then
 * StkProgressDialog (a progress bar and Cancel) while the work runs through data/'s
 * asynchronous API (stk-jobs.h: its worker threads, the command line's policy), then
 * StkResultDialog with the outcome (errors listed with their line numbers; nothing
 * half-imported). @done (may be NULL) runs on the main context when the flow ends,
 * with TRUE if something was changed/written. */
typedef void (*StkFlowDone) (gboolean changed,
                             gpointer user_data);

/* Import needs a writer (the action is disabled while read-only). */
void stk_flow_import        (GtkWindow   *parent,
                             StkSession  *session,
                             StkTable     table,
                             StkFlowDone  done,
                             gpointer     user_data);
void stk_flow_export        (GtkWindow   *parent,
                             StkSession  *session,
                             StkTable     table,
                             StkFlowDone  done,
                             gpointer     user_data);
void stk_flow_backup        (GtkWindow   *parent,
                             StkSession  *session,
                             StkFlowDone  done,
                             gpointer     user_data);
void stk_flow_verify        (GtkWindow   *parent,
                             StkSession  *session,
                             StkFlowDone  done,
                             gpointer     user_data);
/* Same as import, but with a path instead of a file chooser (tests, drag and drop). */
void stk_flow_import_path   (GtkWindow   *parent,
                             StkSession  *session,
                             StkTable     table,
                             const char  *path,
                             StkFlowDone  done,
                             gpointer     user_data);

/* Cancel in an edit dialog while its change waits (Database locked): takes @op back
 * from @writer if it has not started committing. Returns the notice to show ("Change
 * withdrawn, not saved: …"), or NULL when it was too late and the change's own outcome
 * will be announced. */
char *stk_flow_withdraw_waiting (StkWriter *writer,
                                 StkOp     *op);

G_END_DECLS
