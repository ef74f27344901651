/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The file choosers of the import and export flows, as GTK shows them without a portal
 * (the Xvfb test display has none): the table the menu item asked for ("Export Sales…")
 * is the one the chooser shows, and the export then writes that table. GTK 4.8's own
 * chooser ignored the choice made before it was shown and exported the items whatever
 * was asked. */
#include "config.h"

#include <criterion/criterion.h>
#include <gtk/gtk.h>
#include <string.h>

#include "stk-flows.h"
#include "stk-ops.h"
#include "stk-session.h"
#include "stk-test-util.h"

static char *tmpdir;
static char *db_path;
static StkSession *session;
static GtkWindow *window;

static void
setup (void)
{
  g_autoptr(GError) error = NULL;

  /* As the program does (app/main.c): the recent-files list wants a name. */
  g_set_prgname ("stocktake");
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
  if (window != NULL)
    gtk_window_destroy (window);
  window = NULL;
  /* Every flow ended (a flow holds the session until then): only the test's reference. */
  if (session != NULL)
    cr_assert (stk_test_wait_refs (session, 1, 60000), "a flow did not end");
  if (session != NULL)
    stk_session_close (session, 5000, NULL);
  g_clear_object (&session);
  stk_test_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&db_path, g_free);
}

TestSuite (flow_choosers, .init = setup, .fini = teardown, .timeout = 120);

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

static void
fill (void)
{
  StkWriter *writer = stk_session_get_writer (session);

  stk_test_submit (writer, stk_op_create_item ("A1", "Apples", 250, 5));
  stk_test_submit (writer, stk_op_record_movement ("A1", STK_MOVEMENT_RECEIVE, 10, "delivery", 0));
  stk_test_submit (writer, stk_op_record_sale ("A1", 2, 250, 0));
}

static char *
first_line (const char *path)
{
  g_autofree char *contents = NULL;
  char *newline;

  cr_assert (g_file_get_contents (path, &contents, NULL, NULL), "no file %s", path);
  newline = strchr (contents, '\n');
  cr_assert_not_null (newline);
  if (newline > contents && newline[-1] == '\r')
    newline--;
  return g_strndup (contents, newline - contents);
}

Test (flow_choosers, export_writes_the_table_asked_for)
{
  const struct
  {
    StkTable    table;
    const char *id;
    const char *header;
  } cases[] = {
    { STK_TABLE_SALES, "sales",
      "sold_at,sku,quantity,unit_price,reference,sale,discount,payment,note,voided,void_reason,"
      "tax_name,tax_rate,tax_included,tax,cost" },
    { STK_TABLE_MOVEMENTS, "movements", "moved_at,sku,kind,quantity,reason,reference,unit_cost" },
    { STK_TABLE_SKUS, "skus", "code,description,unit_price,reorder_level,archived,on_hand,barcodes,"
      "tax_rate,unit_cost" },
  };

  fill ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.csv", cases[i].id);
      g_autofree char *path = g_build_filename (tmpdir, name, NULL);
      g_autoptr(GFile) folder = g_file_new_for_path (tmpdir);
      g_autofree char *header = NULL;
      GtkWindow *chooser;
      Done done = { 0 };

      stk_flow_export (window, session, cases[i].table, done_cb, &done);
      chooser = wait_chooser ();
      cr_assert_str_eq (gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "table"),
                        cases[i].id, "Export %s shows another table", cases[i].id);

      cr_assert (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
      gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
      cr_assert (stk_test_wait_for (&done.called, 60000), "the export of %s did not end", name);
      cr_assert (done.changed, "the export of %s failed", name);

      header = first_line (path);
      cr_assert_str_eq (header, cases[i].header, "%s holds another table: %s", name, header);

      /* The flow has ended, its chooser gone, once it lets go of the session: the next
       * round's chooser is not this one. */
      cr_assert (stk_test_wait_refs (session, 1, 60000), "the export of %s did not end", name);
      if (find_toplevel ("StkResultDialog") != NULL)
        gtk_window_destroy (find_toplevel ("StkResultDialog"));
    }
}

Test (flow_choosers, import_shows_the_table_asked_for)
{
  Done done = { 0 };
  GtkWindow *chooser;

  stk_flow_import (window, session, STK_TABLE_MOVEMENTS, done_cb, &done);
  chooser = wait_chooser ();
  cr_assert_str_eq (gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "table"), "movements");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  cr_assert (stk_test_wait_for (&done.called, 30000));
  cr_assert_not (done.changed);
}
