/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's flows on their less travelled paths (issue 20, branch coverage): an
 * import of rows imported before says how many were skipped; a file that cannot be read
 * says why; a read-only inventory refuses an import even when nobody holds it; an export
 * into a folder that is not there fails and changes nothing; a backup is written, and a
 * backup onto the inventory itself is refused; Verify reports problems. Driven through
 * GTK's own file chooser as tests/test-flow-choosers.c does, under Xvfb. */
#include "config.h"

#include <criterion/criterion.h>
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "stk-flows.h"
#include "stk-ops.h"
#include "stk-result-dialog.h"
#include "stk-session.h"
#include "stk-test-util.h"

static char *tmpdir;
static char *db_path;
static StkSession *session;
static GtkWindow *window;

static GString *messages;   /* every log message, one a line */

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        if (fields[i].length < 0)
          g_string_append (messages, fields[i].value);
        else
          g_string_append_len (messages, fields[i].value, fields[i].length);
        g_string_append_c (messages, '\n');
      }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
setup (void)
{
  g_autoptr(GError) error = NULL;

  /* As main() names the program (GTK's recent files want a name). */
  g_set_prgname ("stocktake");
  messages = g_string_new (NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
  gtk_init ();
  tmpdir = stk_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "inventory.db", NULL);
  session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  cr_assert_not_null (session, "%s", error ? error->message : "");
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_present (window);
}

static void
teardown (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, 0);
      gtk_window_destroy (w);
    }
  window = NULL;
  if (session != NULL)
    stk_session_close (session, 5000, NULL);
  g_clear_object (&session);
  stk_test_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&db_path, g_free);
}

TestSuite (cov_flows, .init = setup, .fini = teardown, .timeout = 120);

typedef struct
{
  gboolean called;
  gboolean changed;
} Done;

static void
done_cb (gboolean changed,
         gpointer user_data)
{
  Done *done = user_data;

  done->called = TRUE;
  done->changed = changed;
}

static GtkWindow *
find_toplevel (const char *type_name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (w), type_name) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static GtkWindow *
wait_chooser (void)
{
  GtkWindow *chooser = NULL;
  gint64 end = stk_test_deadline (30000);

  while ((chooser = find_toplevel ("GtkFileChooserDialog")) == NULL &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  cr_assert_not_null (chooser, "no file chooser");
  /* Until it is mapped, the dialog does not answer for GtkFileChooserNative. */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (chooser));
  return chooser;
}

/* Chooses @folder/@name in the chooser the flow shows; answers Replace when the chooser
 * asks about an existing file. */
static void
choose (const char *folder,
        const char *name)
{
  GtkWindow *chooser = wait_chooser ();
  g_autoptr(GFile) dir = g_file_new_for_path (folder);
  g_autofree char *path = g_build_filename (folder, name, NULL);

  cr_assert (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), dir, NULL));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      GtkWindow *question = NULL;
      gint64 end = stk_test_deadline (30000);

      while ((question = find_toplevel ("GtkMessageDialog")) == NULL &&
             g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, FALSE);
      cr_assert_not_null (question, "the chooser did not ask about replacing %s", name);
      gtk_dialog_response (GTK_DIALOG (question), GTK_RESPONSE_ACCEPT);
    }
}

static const char *
result_label (const char *name)
{
  GtkWindow *result = find_toplevel ("StkResultDialog");
  GObject *label;

  cr_assert_not_null (result, "no result dialog");
  label = gtk_widget_get_template_child (GTK_WIDGET (result), STK_TYPE_RESULT_DIALOG, name);
  cr_assert_not_null (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* Waits for the flow's end and its result dialog. */
static void
wait_result (Done *done)
{
  gint64 end = stk_test_deadline (60000);

  cr_assert (stk_test_wait_for (&done->called, 60000), "the flow did not end");
  while (find_toplevel ("StkResultDialog") == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  cr_assert_not_null (find_toplevel ("StkResultDialog"), "no result dialog");
  cr_assert_null (find_toplevel ("StkProgressDialog"), "the progress dialog stayed");
}

static void
close_result (void)
{
  gtk_window_destroy (find_toplevel ("StkResultDialog"));
}

static char *
write_file (const char *name,
            const char *contents)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  cr_assert (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

/* --- import ---------------------------------------------------------------------------- */

Test (cov_flows, rows_imported_before_are_skipped_and_counted)
{
  g_autofree char *path = write_file ("sales.csv",
                                      "sold_at,sku,quantity,unit_price,reference\n"
                                      "2030-01-02T10:00:00Z,A1,1,2.50,R-1\n"
                                      "2030-01-02T11:00:00Z,A1,2,2.50,R-2\n");
  Done first = { 0 };
  Done again = { 0 };

  stk_test_submit (stk_session_get_writer (session), stk_op_create_item ("A1", "Apples", 250, 0));
  stk_test_submit (stk_session_get_writer (session),
                   stk_op_record_movement ("A1", STK_MOVEMENT_RECEIVE, 10, "delivery", 0));
  stk_flow_import_path (window, session, STK_TABLE_SALES, path, done_cb, &first);
  wait_result (&first);
  cr_assert (first.changed, "“%s”", result_label ("body_label"));
  cr_assert_str_eq (result_label ("heading_label"), "Import Complete");
  close_result ();

  stk_flow_import_path (window, session, STK_TABLE_SALES, path, done_cb, &again);
  wait_result (&again);
  cr_assert (strstr (result_label ("body_label"),
                     "2 rows had been imported before and were skipped.") != NULL,
             "“%s”", result_label ("body_label"));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 2, "imported twice");
}

Test (cov_flows, a_file_that_cannot_be_read_says_why_and_imports_nothing)
{
  g_autofree char *path = g_build_filename (tmpdir, "missing.csv", NULL);
  Done done = { 0 };

  stk_flow_import_path (window, session, STK_TABLE_SKUS, path, done_cb, &done);
  wait_result (&done);
  cr_assert_not (done.changed);
  cr_assert_str_eq (result_label ("heading_label"), "Nothing Was Imported");
  cr_assert (strstr (result_label ("body_label"), "missing.csv") != NULL,
             "“%s”", result_label ("body_label"));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0);
}

Test (cov_flows, a_read_only_inventory_nobody_holds_refuses_an_import)
{
  g_autoptr(GError) error = NULL;
  Done done = { 0 };

  stk_session_close (session, 5000, NULL);
  g_clear_object (&session);
  session = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (session, "%s", error ? error->message : "");
  cr_assert_null (stk_session_get_holder (session));

  stk_flow_import (window, session, STK_TABLE_SKUS, done_cb, &done);
  cr_assert (done.called, "refused, but not at once");
  cr_assert_not (done.changed);
  cr_assert_null (find_toplevel ("GtkFileChooserDialog"), "a chooser for a refused import");
  cr_assert_str_eq (result_label ("heading_label"), "Cannot Import");
  cr_assert_str_eq (result_label ("body_label"),
                    "This inventory is open read-only. Nothing was imported.");
}

/* --- export and backup ----------------------------------------------------------------- */

Test (cov_flows, export_into_a_folder_that_is_not_there_fails_and_says_nothing_changed)
{
  g_autofree char *gone = g_build_filename (tmpdir, "gone", NULL);
  g_autofree char *target = g_build_filename (gone, "items.csv", NULL);
  Done done = { 0 };

  /* The folder is there when chosen, and gone when the export writes. */
  cr_assert_eq (g_mkdir (gone, 0700), 0);
  stk_test_submit (stk_session_get_writer (session), stk_op_create_item ("A1", "Apples", 250, 0));
  stk_flow_export (window, session, STK_TABLE_SKUS, done_cb, &done);
  {
    GtkWindow *chooser = wait_chooser ();
    g_autoptr(GFile) dir = g_file_new_for_path (gone);

    cr_assert (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), dir, NULL));
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "items.csv");
    cr_assert_eq (g_rmdir (gone), 0);
    gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  }
  wait_result (&done);
  cr_assert_not (done.changed);
  cr_assert_str_eq (result_label ("heading_label"), "Export Failed");
  cr_assert (strstr (result_label ("body_label"), "“items.csv” was not changed.") != NULL,
             "“%s”", result_label ("body_label"));
  cr_assert_not (g_file_test (target, G_FILE_TEST_EXISTS));
}

Test (cov_flows, backup_writes_a_copy_that_opens)
{
  g_autofree char *copy = g_build_filename (tmpdir, "copy.db", NULL);
  Done done = { 0 };

  stk_test_submit (stk_session_get_writer (session), stk_op_create_item ("A1", "Apples", 250, 0));
  stk_flow_backup (window, session, done_cb, &done);
  choose (tmpdir, "copy.db");
  wait_result (&done);
  cr_assert (done.changed);
  cr_assert_str_eq (result_label ("heading_label"), "Backup Complete");
  cr_assert (strstr (result_label ("body_label"), copy) != NULL, "“%s”",
             result_label ("body_label"));
  cr_assert_eq (stk_test_query (copy, "SELECT count(*) FROM items WHERE code = 'A1'"), 1);
  /* The backup's chooser has no table to choose: nothing asks it for one. */
  cr_assert (strstr (messages->str, "No choice") == NULL, "%s", messages->str);
}

Test (cov_flows, backup_onto_the_inventory_itself_is_refused_and_loses_nothing)
{
  Done done = { 0 };

  stk_test_submit (stk_session_get_writer (session), stk_op_create_item ("A1", "Apples", 250, 0));
  stk_flow_backup (window, session, done_cb, &done);
  choose (tmpdir, "inventory.db");
  wait_result (&done);
  cr_assert_not (done.changed);
  cr_assert_str_eq (result_label ("heading_label"), "Backup Failed");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'A1'"), 1,
                "the inventory lost its item");
}

/* --- verify ------------------------------------------------------------------------------ */

Test (cov_flows, verify_lists_the_problems_it_finds)
{
  Done done = { 0 };

  stk_test_submit (stk_session_get_writer (session), stk_op_create_item ("A1", "Apples", 250, 0));
  stk_test_submit (stk_session_get_writer (session),
                   stk_op_record_movement ("A1", STK_MOVEMENT_RECEIVE, 10, "delivery", 0));
  /* Another program breaks the rule that stock on hand is the sum of its movements. */
  {
    sqlite3 *db = NULL;

    cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    g_autoptr(GString) sql = g_string_new ("PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE;");
    g_autoptr(GString) recreate = g_string_new (NULL);

    cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
    /* The schema's triggers refuse it: set them aside for this one change. */
    cr_assert_eq (sqlite3_prepare_v2 (db, "SELECT name, sql FROM sqlite_schema WHERE "
                                          "type = 'trigger' AND tbl_name = 'items'",
                                      -1, &stmt, NULL), SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        g_string_append_printf (sql, "DROP TRIGGER \"%s\";", sqlite3_column_text (stmt, 0));
        g_string_append_printf (recreate, "%s;", sqlite3_column_text (stmt, 1));
      }
    sqlite3_finalize (stmt);
    g_string_append (sql, "UPDATE items SET on_hand = 99 WHERE code = 'A1';");
    g_string_append (sql, recreate->str);
    g_string_append (sql, "COMMIT;");
    cr_assert_eq (sqlite3_exec (db, sql->str, NULL, NULL, NULL), SQLITE_OK, "%s",
                  sqlite3_errmsg (db));
    sqlite3_close (db);
  }
  stk_flow_verify (window, session, done_cb, &done);
  wait_result (&done);
  cr_assert_str_eq (result_label ("heading_label"), "Problems Found");
  cr_assert (g_str_has_prefix (result_label ("body_label"), "The check found 1 problem."),
             "“%s”", result_label ("body_label"));
}
