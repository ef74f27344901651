/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* GTK 4.8 names a button with a mnemonic twice: its raw label with the underscore
 * ("_Edit…") and then its label widget ("Edit…"). These name it once, as it reads on
 * screen without a trailing ellipsis ("Edit"). Call after the label is set. */
void stk_a11y_name_mnemonic_button  (GtkButton *button);
/* The same for every mnemonic button under @root (@root included). */
void stk_a11y_name_mnemonic_buttons (GtkWidget *root);

G_END_DECLS

G_BEGIN_DECLS

/* Names the GTK-internal button of a GtkDropDown (GTK 4.8 leaves it unnamed) after the
 * drop-down's label. */
void stk_a11y_name_drop_down        (GtkDropDown *drop_down,
                                     const char  *name);
/* Names the unnamed controls GTK 4.8 builds inside a GtkShortcutsWindow: its search
 * entry, the search toggle and the section menu button. */
void stk_a11y_name_shortcuts_window (GtkWidget   *shortcuts_window);

/* Shows @message (or hides it, when NULL) in the error @label under a form @field,
 * marks the field invalid for assistive technologies, with the message as its
 * description, and styles it as an error. */
void stk_a11y_set_field_error       (GtkLabel    *label,
                                     GtkWidget   *field,
                                     const char  *message);

G_END_DECLS
