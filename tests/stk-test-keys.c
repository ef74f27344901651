/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-test-keys.h"

#include <gdk/x11/gdkx.h>

void
stk_test_keys (GtkWindow  *window,
               const char *keys)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xid = NULL;
  g_auto(GStrv) key_list = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  GdkSurface *surface;
  int status = 0;

  g_return_if_fail (GTK_IS_WINDOW (window));

  /* Mapped and drawn first: a key for a window not shown yet is lost. */
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  surface = gtk_native_get_surface (GTK_NATIVE (window));
  if (!GDK_IS_X11_SURFACE (surface))
    g_error ("the key tests need an X11 display (xvfb-run)");
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));

  key_list = g_strsplit (keys, " ", -1);
  g_ptr_array_add (argv, (char *) "xdotool");
  g_ptr_array_add (argv, (char *) "windowfocus");
  g_ptr_array_add (argv, (char *) "--sync");
  g_ptr_array_add (argv, xid);
  g_ptr_array_add (argv, (char *) "key");
  g_ptr_array_add (argv, (char *) "--delay");
  g_ptr_array_add (argv, (char *) "30");
  for (guint i = 0; key_list[i] != NULL; i++)
    if (key_list[i][0] != '\0')
      g_ptr_array_add (argv, key_list[i]);
  g_ptr_array_add (argv, NULL);

  gdk_display_sync (gtk_widget_get_display (GTK_WIDGET (window)));
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("xdotool %s: %s", keys, error->message);
}
