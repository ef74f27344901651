/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "stk-session.h"

G_BEGIN_DECLS

/* The fixture of the window tests: GTK, the shared temporary inventory
 * (stk-test-fixture.h), a registered GtkApplication in *@app and a session editing
 * db_path in *@session. A failure to set it up aborts the test. */
void stk_test_ui_setup    (GtkApplication **app,
                           StkSession     **session);
/* Destroys every window, closes the session, frees both and removes the inventory. */
void stk_test_ui_teardown (GtkApplication **app,
                           StkSession     **session);

/* The template child @name of @widget (of template type @type); a missing one ends the
 * test. */
gpointer   stk_test_template_child (gpointer    widget,
                                    GType       type,
                                    const char *name);
/* The first visible toplevel window of @type, or NULL. */
GtkWindow *stk_test_find_toplevel  (GType       type);

G_END_DECLS
