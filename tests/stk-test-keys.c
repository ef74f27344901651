/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-test-keys.h"

#include <gdk/x11/gdkx.h>

static void
run_xdotool (const char **argv,
             const char  *what)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("xdotool %s: %s", what, error->message);
}

void
stk_test_keys (GtkWindow  *window,
               const char *keys)
{
  g_autofree char *xid = NULL;
  g_auto(GStrv) key_list = NULL;
  GdkDisplay *display;
  GdkSurface *surface;
  gint64 deadline;

  g_return_if_fail (GTK_IS_WINDOW (window));

  /* Mapped and drawn first: a key for a window not shown yet is lost. */
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  display = gtk_widget_get_display (GTK_WIDGET (window));
  surface = gtk_native_get_surface (GTK_NATIVE (window));
  if (!GDK_IS_X11_SURFACE (surface))
    g_error ("the key tests need an X11 display (xvfb-run)");
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));

  run_xdotool ((const char *[]) { "xdotool", "windowfocus", "--sync", xid, NULL }, keys);
  /* GTK has seen the focus arrive (its FocusIn): keys sent before may go astray. */
  deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  while (!gtk_window_is_active (window) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  if (!gtk_window_is_active (window))
    g_error ("the window did not get the keyboard focus for %s", keys);

  /* One key at a time, each after GTK took the one before: a key's effect (a focus
   * move, a dialog) is in place before the next key comes. */
  key_list = g_strsplit (keys, " ", -1);
  for (guint i = 0; key_list[i] != NULL; i++)
    {
      if (key_list[i][0] == '\0')
        continue;
      run_xdotool ((const char *[]) { "xdotool", "key", key_list[i], NULL }, keys);
      gdk_display_sync (display);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}
