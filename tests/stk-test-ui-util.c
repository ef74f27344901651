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
