/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The file choosers of Restore… (Other File…) and Preferences (the backup folder): each
 * opens one chooser at a time, on the right folder; Cancel changes nothing; a folder
 * chosen is written; a dialog closed with its chooser open takes the chooser with it.
 * Suite 'filechooser' (tests/meson.build): GTK 4.8's chooser leaks below us, so the
 * sanitizer pass leaves these out; they run in the plain pass. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "stk-glib.h"
#include "stk-ops.h"
#include "stk-preferences-window.h"
#include "stk-restore-dialog.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"

#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, 20000)

/* ---- Restore…: Other File… ---- */

static GtkApplication *app;
static StkSession *session;
static char *folder;

static void
restore_setup (void)
{
  stk_test_ui_setup (&app, &session);
  adw_init ();
  /* No backup yet: Other File… is the way to one. */
  folder = g_build_filename (tmpdir, "backups", NULL);
  stk_test_submit (stk_session_get_writer (session), stk_op_create_item ("A-1", "First", 100, 0));
  stk_test_writer_barrier (stk_session_get_writer (session));
}

static void
restore_teardown (void)
{
  stk_test_ui_teardown (&app, &session);
  g_clear_pointer (&folder, g_free);
}

TestSuite (restore_chooser, .init = restore_setup, .fini = restore_teardown, .timeout = 120);

static gpointer
child (gpointer    widget,
       GType       type,
       const char *name)
{
  return stk_test_template_child (widget, type, name);
}

static StkRestoreDialog *
open_restore (void)
{
  StkRestoreDialog *dialog = stk_restore_dialog_new (NULL, session, folder);

  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (stk_restore_dialog_get_loaded (dialog)), "the list never came");
  return dialog;
}

static guint
count_toplevels (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      n += G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w));
    }
  return n;
}

/* Other File…: the chooser (GTK's own dialog here, the portal in the Flatpak) opens over
 * the dialog; Cancel asks nothing, and the button opens a chooser again afterwards. */
Test (restore_chooser, other_file_opens_one_chooser_and_cancel_asks_nothing)
{
  StkRestoreDialog *dialog = open_restore ();
  GtkWindow *chooser;

  g_signal_emit_by_name (child (dialog, STK_TYPE_RESTORE_DIALOG, "other_button"), "clicked");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL),
             "no chooser");
  chooser = stk_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  /* A second click while it is open does not open another. */
  g_signal_emit_by_name (child (dialog, STK_TYPE_RESTORE_DIALOG, "other_button"), "clicked");
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (count_toplevels (GTK_TYPE_FILE_CHOOSER_DIALOG), 1, "one chooser at a time");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL),
             "the chooser stayed");
  cr_assert_null (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG), "Cancel asks nothing");

  /* And the button opens a chooser again afterwards (the old one was let go). */
  g_signal_emit_by_name (child (dialog, STK_TYPE_RESTORE_DIALOG, "other_button"), "clicked");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL));
  gtk_window_destroy (GTK_WINDOW (dialog));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 1, "nothing restored");
}

/* Closed while its chooser is open: the chooser goes with it, and nothing is asked. */
Test (restore_chooser, closing_with_the_chooser_open_takes_the_chooser_away)
{
  StkRestoreDialog *dialog = open_restore ();

  g_signal_emit_by_name (child (dialog, STK_TYPE_RESTORE_DIALOG, "other_button"), "clicked");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL));
  gtk_window_destroy (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL),
             "the chooser outlived its dialog");
  cr_assert_null (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

/* ---- Preferences: the backup folder ---- */

static void
preferences_setup (void)
{
  gtk_init ();
  adw_init ();
}

TestSuite (preferences_chooser, .init = preferences_setup, .timeout = 60);

static char *
make_folder (const char *name)
{
  char *path = g_build_filename (g_get_tmp_dir (), name, NULL);

  cr_assert_eq (g_mkdir_with_parents (path, 0700), 0);
  return path;
}

/* Choose…: the chooser opens on the folder in use; Select writes the key, Cancel leaves
 * it; one chooser at a time; closing Preferences takes an open chooser with it. */
Test (preferences_chooser, the_backup_folder_is_chosen_with_a_chooser)
{
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);
  g_autofree char *tag = g_strdup_printf ("stk-pref-%d", (int) getpid ());
  g_autofree char *first_name = g_strconcat (tag, "-first", NULL);
  g_autofree char *second_name = g_strconcat (tag, "-second", NULL);
  g_autofree char *first = make_folder (first_name);
  g_autofree char *second = make_folder (second_name);
  g_autoptr(GFile) second_file = g_file_new_for_path (second);
  g_autoptr(GFile) current = NULL;
  g_autofree char *current_path = NULL;
  g_autofree char *setting = NULL;
  StkPreferencesWindow *window;
  GtkFileChooser *chooser;

  cr_assert_not_null (settings);
  g_settings_set_string (settings, "backup-folder", first);
  window = stk_preferences_window_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (window));
  cr_assert_null (stk_preferences_window_get_folder_chooser (window));

  g_signal_emit_by_name (child (window, STK_TYPE_PREFERENCES_WINDOW, "backup_folder_button"), "clicked");
  chooser = stk_preferences_window_get_folder_chooser (window);
  cr_assert_not_null (chooser, "Choose… opened no chooser");
  cr_assert_eq (gtk_file_chooser_get_action (chooser), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
  {
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    /* Read once the chooser has gone to its folder. */
    while ((current = gtk_file_chooser_get_current_folder (chooser)) == NULL &&
           g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  cr_assert_not_null (current, "the chooser has no folder");
  current_path = g_file_get_path (current);
  cr_assert_str_eq (current_path, first, "it opens on the folder in use");
  /* A second click shows the same chooser, not another. */
  g_signal_emit_by_name (child (window, STK_TYPE_PREFERENCES_WINDOW, "backup_folder_button"), "clicked");
  cr_assert_eq (stk_preferences_window_get_folder_chooser (window), chooser);

  /* Cancel: the key stays. */
  g_signal_emit_by_name (chooser, "response", GTK_RESPONSE_CANCEL);
  cr_assert_null (stk_preferences_window_get_folder_chooser (window));
  setting = g_settings_get_string (settings, "backup-folder");
  cr_assert_str_eq (setting, first);
  g_clear_pointer (&setting, g_free);

  /* Select another folder: the key and the row follow. */
  g_signal_emit_by_name (child (window, STK_TYPE_PREFERENCES_WINDOW, "backup_folder_button"), "clicked");
  chooser = stk_preferences_window_get_folder_chooser (window);
  cr_assert_not_null (chooser);
  cr_assert (gtk_file_chooser_set_current_folder (chooser, second_file, NULL));
  {
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    g_autoptr(GFile) chosen = NULL;

    /* A folder chooser with nothing selected in it chooses the folder it shows. */
    while (g_get_monotonic_time () < end)
      {
        g_clear_object (&chosen);
        chosen = gtk_file_chooser_get_file (chooser);
        if (chosen != NULL && g_file_equal (chosen, second_file))
          break;
        g_main_context_iteration (NULL, FALSE);
      }
    cr_assert (chosen != NULL && g_file_equal (chosen, second_file), "never in the folder");
  }
  g_signal_emit_by_name (chooser, "response", GTK_RESPONSE_ACCEPT);
  cr_assert_null (stk_preferences_window_get_folder_chooser (window));
  setting = g_settings_get_string (settings, "backup-folder");
  cr_assert_str_eq (setting, second);
  cr_assert_str_eq (adw_action_row_get_subtitle (child (window, STK_TYPE_PREFERENCES_WINDOW, "backup_folder_row")), second);

  /* Closed with the chooser open: the chooser goes too, the key is left alone. */
  g_signal_emit_by_name (child (window, STK_TYPE_PREFERENCES_WINDOW, "backup_folder_button"), "clicked");
  cr_assert_not_null (stk_preferences_window_get_folder_chooser (window));
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_pointer (&setting, g_free);
  setting = g_settings_get_string (settings, "backup-folder");
  cr_assert_str_eq (setting, second);

  g_settings_reset (settings, "backup-folder");
  g_rmdir (first);
  g_rmdir (second);
}
