/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* StkResultDialog: the outcome of a long operation: an icon, a heading, a sentence or
 * two and, when there are any, the lines (errors, problems) in a scrolled list. */

typedef enum
{
  STK_RESULT_OK,
  STK_RESULT_WARNING,
  STK_RESULT_ERROR,
} StkResultKind;

#define STK_TYPE_RESULT_DIALOG (stk_result_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StkResultDialog, stk_result_dialog, STK, RESULT_DIALOG, AdwWindow)

/* Shows the dialog, modal to @parent. @lines may be NULL; @more is how many further
 * lines exist beyond those shown ("…and N more"). */
StkResultDialog *stk_result_dialog_show (GtkWindow     *parent,
                                         StkResultKind  kind,
                                         const char    *title,
                                         const char    *heading,
                                         const char    *body,
                                         GPtrArray     *lines,
                                         guint64        more);

G_END_DECLS
