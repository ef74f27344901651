/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-test-ui-util.h"

#include "stk-test-fixture.h"

void
stk_test_ui_setup (GtkApplication **app,
                   StkSession     **session)
{
  g_autoptr(GError) error = NULL;

  gtk_init ();
  stk_test_fixture_setup ();

  *app = gtk_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (*app), NULL, &error))
    g_error ("register: %s", error->message);

  *session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  if (*session == NULL)
    g_error ("open: %s", error->message);
}

void
stk_test_ui_teardown (GtkApplication **app,
                      StkSession     **session)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, 0);
      gtk_window_destroy (w);
    }
  if (*session != NULL)
    stk_session_close (*session, 5000, NULL);
  g_clear_object (session);
  g_clear_object (app);
  stk_test_fixture_teardown ();
}

gpointer
stk_test_template_child (gpointer    widget,
                         GType       type,
                         const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  if (child == NULL)
    g_error ("no template child %s", name);
  return child;
}

GtkWindow *
stk_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}
