/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-op.h"

G_BEGIN_DECLS

/* StkNotice: the short "Saved: <what>" notice at the bottom of the window (a
 * GtkRevealer meant for a GtkOverlay), with an Undo button when an undo op is given.
 * It hides itself after a few seconds; the undo op is dropped then.
 *
 * Property "can-undo" gboolean: an undo op is offered right now.
 * Signal "undo" (StkOp *undo_op): the Undo button was clicked (or stk_notice_undo()). */
#define STK_TYPE_NOTICE (stk_notice_get_type ())
G_DECLARE_FINAL_TYPE (StkNotice, stk_notice, STK, NOTICE, GtkWidget)

GtkWidget  *stk_notice_new         (void);
/* Shows @text; @undo_op (may be NULL) is kept until the notice hides. */
void        stk_notice_show        (StkNotice  *self,
                                    const char *text,
                                    StkOp      *undo_op);
void        stk_notice_dismiss     (StkNotice  *self);
const char *stk_notice_get_text    (StkNotice  *self);
gboolean    stk_notice_get_can_undo (StkNotice *self);
/* Emits "undo" with the op (and hides) if one is offered; FALSE otherwise. */
gboolean    stk_notice_undo        (StkNotice  *self);
/* How long the notice stays, in ms (tests shorten or lengthen it). */
void        stk_notice_set_timeout (StkNotice  *self,
                                    guint       timeout_ms);

G_END_DECLS
