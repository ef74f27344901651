/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The floor of tests/bench/launch.py: the least a GTK 4 program does to show a table,
 * 50 static rows of three columns in a GtkColumnView. No program that shows rows in a
 * GtkColumnView opens faster on this machine. */
#include "config.h"

#include <gtk/gtk.h>

#define N_ROWS 50

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
  g_auto(GStrv) fields = g_strsplit (gtk_string_object_get_string (string), "|", 3);
  guint column = GPOINTER_TO_UINT (user_data);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      g_strv_length (fields) > column ? fields[column] : "");
}

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  static const char * const titles[] = { "Code", "Description", "On Hand" };
  GtkStringList *list = gtk_string_list_new (NULL);
  GtkWidget *window = gtk_application_window_new (GTK_APPLICATION (app));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view;

  for (guint i = 0; i < N_ROWS; i++)
    {
      g_autofree char *text = g_strdup_printf ("ITEM-%07u|A description of item %u|%u",
                                               i, i, i % 97);

      gtk_string_list_append (list, text);
    }
  view = gtk_column_view_new (GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (list))));
  for (guint c = 0; c < G_N_ELEMENTS (titles); c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GUINT_TO_POINTER (c));
      column = gtk_column_view_column_new (titles[c], factory);
      gtk_column_view_column_set_expand (column, c == 1);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (view), column);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_window_set_title (GTK_WINDOW (window), "launch-floor");
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;

  app = gtk_application_new ("io.github.stocktake.LaunchFloor", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
