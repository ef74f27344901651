/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The eager reference of tests/bench/launch.py: a GtkListView over a GtkStringList of
 * N rows ("Item 0000001 — a description"), all built in memory before the window is
 * shown, the way a program without a lazy model would list an inventory.
 *   launch-eager [N]   (default 1000000) */
#include "config.h"

#include <stdlib.h>

#include <gtk/gtk.h>

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (string));
}

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  guint n = GPOINTER_TO_UINT (user_data);
  GtkStringList *list = gtk_string_list_new (NULL);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *window = gtk_application_window_new (GTK_APPLICATION (app));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view;

  for (guint i = 0; i < n; i++)
    {
      char text[64];

      g_snprintf (text, sizeof text, "ITEM-%07u — a description of item %u", i, i);
      gtk_string_list_append (list, text);
    }
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (list))),
                            factory);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_window_set_title (GTK_WINDOW (window), "launch-eager");
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  guint n = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 1000000;

  app = gtk_application_new ("io.github.stocktake.LaunchEager", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), GUINT_TO_POINTER (n));
  return g_application_run (G_APPLICATION (app), 1, argv);
}
