/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "stk-day.h"
#include "stk-store.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* StkCloseDayDialog: Close the Day (the cash-up), from the window's menu. It reads the
 * day not closed yet (everything recorded since the last close) and shows its figures
 * by payment method (sales, voids, refunds, net) and the cash expected in the drawer;
 * the user types the cash counted (a negative or unreadable amount is refused under the
 * field) and may add a note; the difference follows as they type. Close the Day… asks
 * first, since a close is never undone, then records it (stk_op_close_day()). Once
 * recorded, the dialog shows the close as read back by its number, with Print… and Save
 * as PDF… (the day report of ui/stk-receipt.h); stk_close_day_dialog_new_for_close()
 * opens it so on a close made before (the Reports view's Closes of the Day). A failure (the inventory locked by
 * another program, read-only) is shown in the dialog; what was typed stays, to try
 * again.
 *
 * Signal "notice" (const char *text): the day was closed, or a report saved (the window
 * shows it). Actions "close-day.close", "close-day.print", "close-day.save-pdf".
 * Template children (for tests): status_label, error_label, methods_grid,
 * expected_label, counted_entry, count_error, difference_label, counted_label,
 * note_group, note_row, close_button, print_button, save_button. */
#define STK_TYPE_CLOSE_DAY_DIALOG (stk_close_day_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkCloseDayDialog, stk_close_day_dialog, STK, CLOSE_DAY_DIALOG, AdwWindow)

/* @writer NULL: read-only (the figures, no close). @settings (may be NULL): the shop's
 * name and address for the report. */
StkCloseDayDialog  *stk_close_day_dialog_new        (GtkWindow          *parent,
                                                     StkWriter          *writer,
                                                     StkStore           *store,
                                                     GSettings          *settings);
/* The day report of the close @close_id (> 0), recorded before: its figures as kept,
 * Print… and Save as PDF…, nothing to type (it only reads: read-only too). */
StkCloseDayDialog  *stk_close_day_dialog_new_for_close (GtkWindow       *parent,
                                                        StkStore        *store,
                                                        GSettings       *settings,
                                                        gint64           close_id);
/* Read-only on / off while open (the window's state). */
void                stk_close_day_dialog_set_writer (StkCloseDayDialog  *self,
                                                     StkWriter          *writer);
/* The report as last read (the open day, then the recorded close), or NULL before the
 * first read ends. */
const StkDayReport *stk_close_day_dialog_get_report (StkCloseDayDialog  *self);
/* The close recorded here (or the one opened), 0 until then. */
gint64              stk_close_day_dialog_get_close_id (StkCloseDayDialog *self);
/* TRUE while a read or the close is under way (tests wait for FALSE). */
gboolean            stk_close_day_dialog_get_busy   (StkCloseDayDialog  *self);

/* What the confirmation of Close the Day… does, and Save as PDF… after its file chooser
 * (the seams the tests drive). The close submits the counted cash and note typed and
 * answers later (the close is read back; an error shows in the dialog); FALSE with the
 * sentence when refused at once (the count unreadable or negative, read-only, not read
 * yet, already closed). */
gboolean            stk_close_day_dialog_close_day  (StkCloseDayDialog  *self,
                                                     GError            **error);
gboolean            stk_close_day_dialog_save_pdf   (StkCloseDayDialog  *self,
                                                     const char         *path);

G_END_DECLS
