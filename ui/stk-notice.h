/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "stk-op.h"

G_BEGIN_DECLS

/* StkNotice: the short "Saved: <what>" notice at the bottom of its child, an AdwToast
 * in an AdwToastOverlay that wraps the child (property "child"), with an Undo button
 * when an undo op is given. It hides itself after a few seconds; the undo op is dropped
 * then. Only the child is covered: what is laid out beside StkNotice never is.
 *
 * Property "can-undo" gboolean: an undo op is offered right now.
 * Signal "undo" (StkOp *undo_op): the Undo button was clicked (or stk_notice_undo()). */
#define STK_TYPE_NOTICE (stk_notice_get_type ())
G_DECLARE_FINAL_TYPE (StkNotice, stk_notice, STK, NOTICE, GtkWidget)

GtkWidget  *stk_notice_new         (void);
GtkWidget  *stk_notice_get_child   (StkNotice  *self);
void        stk_notice_set_child   (StkNotice  *self,
                                    GtkWidget  *child);
/* The toast shown now, or NULL. */
AdwToast   *stk_notice_get_toast   (StkNotice  *self);
/* Shows @text; @undo_op (may be NULL) is kept until the notice hides. */
void        stk_notice_show        (StkNotice  *self,
                                    const char *text,
                                    StkOp      *undo_op);
/* Shows @text, a problem the user must see: it stays until dismissed (or replaced),
 * with a button @button_label (mnemonic) that activates @action_name. */
void        stk_notice_show_problem (StkNotice  *self,
                                     const char *text,
                                     const char *button_label,
                                     const char *action_name);
void        stk_notice_dismiss     (StkNotice  *self);
const char *stk_notice_get_text    (StkNotice  *self);
gboolean    stk_notice_get_can_undo (StkNotice *self);
/* Emits "undo" with the op (and hides) if one is offered; FALSE otherwise. */
gboolean    stk_notice_undo        (StkNotice  *self);
/* How long the notice stays, in ms, rounded up to whole seconds (tests lengthen it). */
void        stk_notice_set_timeout (StkNotice  *self,
                                    guint       timeout_ms);

G_END_DECLS
