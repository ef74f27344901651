/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Restore… (issue 21): the dialog lists the automatic backups of a folder with two,
 * newest first, each with its time and figures; Restore asks first with the
 * inventory's figures against the backup's and says a safety copy is kept, then
 * restores through the checked restore; a damaged backup cannot be chosen; read-only,
 * nothing can be restored. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "stk-backups.h"
#include "stk-ops.h"
#include "stk-restore-dialog.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"

#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, 20000)

static GtkApplication *app;
static StkSession *session;
static char *folder;
static char *older;
static char *newer;

static void
setup (void)
{
  StkWriter *writer;
  g_autoptr(GError) error = NULL;

  stk_test_ui_setup (&app, &session);
  adw_init ();
  folder = g_build_filename (tmpdir, "backups", NULL);
  writer = stk_session_get_writer (session);

  /* Two items and one sale, a backup; a third item and a second sale, a backup. */
  stk_test_submit (writer, stk_op_create_item ("A-1", "First", 100, 0));
  stk_test_submit (writer, stk_op_create_item ("B-2", "Second", 250, 0));
  stk_test_submit (writer, stk_op_record_movement ("A-1", STK_MOVEMENT_RECEIVE, 10, "", 0));
  stk_test_submit (writer, stk_op_record_sale ("A-1", 1, -1, 0));
  stk_test_writer_barrier (writer);
  cr_assert (stk_backup_auto (stk_session_get_store (session), folder, 14, NULL, &older, NULL,
                              &error), "%s", error ? error->message : "");
  stk_test_submit (writer, stk_op_create_item ("C-3", "Third", 500, 0));
  stk_test_submit (writer, stk_op_record_sale ("A-1", 2, -1, 0));
  stk_test_writer_barrier (writer);
  cr_assert (stk_backup_auto (stk_session_get_store (session), folder, 14, NULL, &newer, NULL,
                              &error), "%s", error ? error->message : "");
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
  g_clear_pointer (&folder, g_free);
  g_clear_pointer (&older, g_free);
  g_clear_pointer (&newer, g_free);
}

TestSuite (restore_dialog, .init = setup, .fini = teardown, .timeout = 120);

static gpointer
child (gpointer    widget,
       const char *name)
{
  return stk_test_template_child (widget, STK_TYPE_RESTORE_DIALOG, name);
}

static StkRestoreDialog *
open_dialog (void)
{
  StkRestoreDialog *dialog = stk_restore_dialog_new (NULL, session, folder);

  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (stk_restore_dialog_get_loaded (dialog)), "the list never came");
  return dialog;
}

static AdwActionRow *
row_at (StkRestoreDialog *dialog,
        int               index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (child (dialog, "list_box"), index);

  return row != NULL ? ADW_ACTION_ROW (row) : NULL;
}

Test (restore_dialog, lists_the_backups_newest_first_with_their_figures)
{
  StkRestoreDialog *dialog = open_dialog ();
  AdwActionRow *first = row_at (dialog, 0);
  AdwActionRow *second = row_at (dialog, 1);

  cr_assert_not_null (first);
  cr_assert_not_null (second);
  cr_assert_null (row_at (dialog, 2), "two backups, two rows");
  cr_assert_str_eq (stk_restore_dialog_get_path (dialog, 0), newer);
  cr_assert_str_eq (stk_restore_dialog_get_path (dialog, 1), older);

  cr_assert (g_str_has_prefix (adw_action_row_get_subtitle (first), "3 items · 2 sales · last sale "),
             "%s", adw_action_row_get_subtitle (first));
  cr_assert (g_str_has_prefix (adw_action_row_get_subtitle (second), "2 items · 1 sale · last sale "),
             "%s", adw_action_row_get_subtitle (second));
  /* The title is when it was made. */
  cr_assert (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first)), "20") != NULL);
  cr_assert_str_eq (gtk_stack_get_visible_child_name (child (dialog, "list_stack")), "list");

  /* The newest is chosen; Restore and Other File… can be used. */
  cr_assert_eq (gtk_list_box_get_selected_row (child (dialog, "list_box")),
                GTK_LIST_BOX_ROW (first));
  cr_assert (gtk_widget_get_sensitive (child (dialog, "restore_button")));
  cr_assert (gtk_widget_get_sensitive (child (dialog, "other_button")));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
restored_cb (StkRestoreDialog *dialog,
             const char       *message,
             gpointer          user_data)
{
  char **out = user_data;

  *out = g_strdup (message);
}

Test (restore_dialog, restore_asks_with_both_figures_then_restores_keeping_a_safety_copy)
{
  StkRestoreDialog *dialog = open_dialog ();
  g_autofree char *message = NULL;
  GtkWindow *question;
  const char *body;

  g_signal_connect (dialog, "restored", G_CALLBACK (restored_cb), &message);
  /* The older backup: the one with two items. */
  gtk_list_box_select_row (child (dialog, "list_box"), GTK_LIST_BOX_ROW (row_at (dialog, 1)));
  g_signal_emit_by_name (child (dialog, "restore_button"), "clicked");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL));
  question = stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  cr_assert (WAIT_UNTIL (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (question),
                                                                  "restore")),
             "Restore never became possible");
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (question));
  cr_assert (strstr (body, "The inventory now: 3 items · 2 sales") != NULL, "%s", body);
  cr_assert (strstr (body, ": 2 items · 1 sale · last sale ") != NULL, "%s", body);
  cr_assert (strstr (body, "safety copy") != NULL, "%s", body);
  cr_assert_str_eq (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (question)),
                    "cancel");

  /* Cancel: nothing happens. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "cancel");
  gtk_window_destroy (question);
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 3);

  /* Restore. */
  question = stk_restore_dialog_ask (dialog, older);
  cr_assert_not_null (question);
  cr_assert (WAIT_UNTIL (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (question),
                                                                  "restore")));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "restore");
  gtk_window_destroy (question);
  cr_assert (WAIT_UNTIL (message != NULL), "the restore never ended");
  cr_assert (g_str_has_prefix (message, "Restored “"), "%s", message);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2, "the backup's items");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 1);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_RESTORE_DIALOG) == NULL),
             "the dialog stayed");

  /* The safety copy holds the inventory from before. */
  {
    const char *start = strstr (message, "kept in “");
    g_autofree char *safety = NULL;

    cr_assert_not_null (start, "%s", message);
    start += strlen ("kept in “");
    safety = g_strndup (start, strstr (start, "”") - start);
    cr_assert (g_file_test (safety, G_FILE_TEST_IS_REGULAR), "%s", safety);
    cr_assert_eq (stk_test_query (safety, "SELECT count(*) FROM items"), 3);
  }
}

Test (restore_dialog, a_damaged_backup_is_listed_and_cannot_be_restored)
{
  g_autofree char *damaged = g_build_filename (folder, "inventory-auto-20200101-000000.db", NULL);
  StkRestoreDialog *dialog;
  AdwActionRow *last;

  cr_assert (g_file_set_contents (damaged, "not a database", -1, NULL));
  dialog = open_dialog ();
  last = row_at (dialog, 2);
  cr_assert_not_null (last, "the damaged one is listed");
  cr_assert (g_str_has_prefix (adw_action_row_get_subtitle (last), "Damaged: "), "%s",
             adw_action_row_get_subtitle (last));
  gtk_list_box_select_row (child (dialog, "list_box"), GTK_LIST_BOX_ROW (last));
  cr_assert_not (gtk_widget_get_sensitive (child (dialog, "restore_button")));
  cr_assert_null (stk_restore_dialog_ask (dialog, damaged));
  cr_assert (strstr (gtk_label_get_text (child (dialog, "status_label")),
                     "Nothing was restored.") != NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

Test (restore_dialog, read_only_lists_but_restores_nothing)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) reader = NULL;
  StkRestoreDialog *dialog;

  stk_session_close (session, 5000, NULL);
  g_clear_object (&session);
  reader = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (reader, "%s", error ? error->message : "");
  dialog = stk_restore_dialog_new (NULL, reader, folder);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (stk_restore_dialog_get_loaded (dialog)));
  cr_assert_not_null (row_at (dialog, 1));
  cr_assert_not (gtk_widget_get_sensitive (child (dialog, "restore_button")));
  cr_assert_not (gtk_widget_get_sensitive (child (dialog, "other_button")));
  cr_assert (strstr (gtk_label_get_text (child (dialog, "status_label")), "read-only") != NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  stk_session_close (reader, 5000, NULL);
}

/* A folder with no backups yet: the empty page, and Restore cannot be used. */
Test (restore_dialog, a_folder_without_backups_shows_the_empty_page)
{
  g_autofree char *none = g_build_filename (tmpdir, "no-backups-here", NULL);
  StkRestoreDialog *dialog = stk_restore_dialog_new (NULL, session, none);

  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (stk_restore_dialog_get_loaded (dialog)));
  cr_assert_str_eq (gtk_stack_get_visible_child_name (child (dialog, "list_stack")), "empty");
  cr_assert_null (row_at (dialog, 0));
  cr_assert_null (stk_restore_dialog_get_path (dialog, 0));
  cr_assert_not (gtk_widget_get_sensitive (child (dialog, "restore_button")));
  /* Other File… still works: a backup may be anywhere. */
  cr_assert (gtk_widget_get_sensitive (child (dialog, "other_button")));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A "folder" that is a file: the empty page says why the list cannot be read. */
Test (restore_dialog, an_unreadable_folder_says_why_on_the_empty_page)
{
  g_autofree char *file = g_build_filename (tmpdir, "not-a-folder", NULL);
  StkRestoreDialog *dialog;
  const char *description;

  cr_assert (g_file_set_contents (file, "plain text", -1, NULL));
  dialog = stk_restore_dialog_new (NULL, session, file);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (stk_restore_dialog_get_loaded (dialog)));
  cr_assert_str_eq (gtk_stack_get_visible_child_name (child (dialog, "list_stack")), "empty");
  description = adw_status_page_get_description (child (dialog, "empty_page"));
  cr_assert_not_null (description);
  cr_assert (strstr (description, "Cannot read the backup folder") != NULL, "%s", description);
  cr_assert_not (gtk_widget_get_sensitive (child (dialog, "restore_button")));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Enter on a row (activation) asks, as Restore… does. */
Test (restore_dialog, activating_a_row_asks_about_that_backup)
{
  StkRestoreDialog *dialog = open_dialog ();
  GtkWindow *question;

  g_signal_emit_by_name (child (dialog, "list_box"), "row-activated", row_at (dialog, 1));
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL));
  question = stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  cr_assert_eq (gtk_window_get_transient_for (question), GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (question),
                                                                  "restore")));
  cr_assert (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (question)),
                     ": 2 items · 1 sale · last sale ") != NULL,
             "the older backup's figures: %s",
             adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (question)));
  gtk_window_destroy (question);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 3, "nothing restored");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The question closed before the inventory's figures came: the late answer touches
 * nothing (the dialog and the question are gone). */
Test (restore_dialog, a_question_closed_at_once_is_left_alone_by_the_late_figures)
{
  StkRestoreDialog *dialog = open_dialog ();
  GtkWindow *question = stk_restore_dialog_ask (dialog, older);

  cr_assert_not_null (question);
  gtk_window_destroy (question);
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* The stats read still ends; its callback must find the question gone. */
  stk_test_writer_barrier (stk_session_get_writer (session));
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_RESTORE_DIALOG) == NULL));
  cr_assert_null (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 3);
}

/* The backup vanishes between the question and the restore: nothing is restored, the
 * dialog says so and stays usable. */
Test (restore_dialog, a_backup_gone_before_the_restore_restores_nothing_and_says_so)
{
  StkRestoreDialog *dialog = open_dialog ();
  g_autofree char *message = NULL;
  GtkWindow *question;
  const char *status;

  g_signal_connect (dialog, "restored", G_CALLBACK (restored_cb), &message);
  question = stk_restore_dialog_ask (dialog, older);
  cr_assert_not_null (question);
  cr_assert (WAIT_UNTIL (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (question),
                                                                  "restore")));
  cr_assert_eq (g_unlink (older), 0);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "restore");
  gtk_window_destroy (question);
  cr_assert (WAIT_UNTIL (strstr (gtk_label_get_text (child (dialog, "status_label")),
                                 "Nothing was restored.") != NULL),
             "no failure shown: “%s”", gtk_label_get_text (child (dialog, "status_label")));
  status = gtk_label_get_text (child (dialog, "status_label"));
  cr_assert (strlen (status) > strlen ("Nothing was restored. "), "the reason is given: %s",
             status);
  cr_assert_null (message, "no restored signal");
  cr_assert (gtk_widget_get_sensitive (child (dialog, "list_box")), "the list is usable again");
  cr_assert (gtk_widget_get_sensitive (child (dialog, "restore_button")));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 3, "nothing restored");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 2);
  gtk_window_destroy (GTK_WINDOW (dialog));
}
