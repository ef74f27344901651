/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Real key presses for the GUI tests: the X server's (XTEST, through xdotool) on the
 * display the test runs on, after giving @window the keyboard focus. @keys is in
 * xdotool's words, e.g. "shift+Tab Return", "ctrl+shift+s", "alt+2". Returns once
 * xdotool has sent them and GTK took each; the caller then waits on what they do.
 * One display, one keyboard: run such tests one at a time (--jobs=1, as meson does). */
void stk_test_keys (GtkWindow  *window,
                    const char *keys);

G_END_DECLS
