/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's import and verify flows, driven through their real dialogs: a bad CSV
 * lists its errors by line number and imports nothing (also past the 50 reported), a
 * good one imports, Cancel in the middle of a large import leaves nothing, a read-only
 * session is refused, Verify reports a sound inventory. */
#include "config.h"

#include <criterion/criterion.h>
#include <gtk/gtk.h>

#include "stk-flows.h"
#include "stk-ops.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

static StkSession *session;
static GtkWindow *window;

/* A flow's end: what it told its caller, and the session it runs on with that
 * session's references before the flow started (a flow holds its session from its
 * start until it has ended, worker included). */
typedef struct
{
  gboolean    called;
  gboolean    changed;
  guint       calls;
  StkSession *session;
  guint       refs;
} Done;

#define DONE_ON(s) { .session = (s), .refs = G_OBJECT (s)->ref_count }

/* Waits until the flow of @done has let go of its session: nothing of it is left to
 * come (no second call, no late dialog). */
static void
wait_flow_gone (Done *done)
{
  cr_assert (stk_test_wait_refs (done->session, done->refs, 60000), "the flow did not end");
}

static void
setup (void)
{
  g_autoptr(GError) error = NULL;

  gtk_init ();
  stk_test_fixture_setup ();
  session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  cr_assert_not_null (session, "%s", error ? error->message : "");
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 800, 600);
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
  stk_test_fixture_teardown ();
}

TestSuite (flows, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers ---- */

static void
done_cb (gboolean changed,
         gpointer user_data)
{
  Done *done = user_data;

  done->called = TRUE;
  done->changed = changed;
  done->calls++;
}

static char *
write_csv (const char *name,
           const char *contents)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  cr_assert (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static gint64
count_items (void)
{
  return stk_test_query (db_path, "SELECT count(*) FROM items");
}

/* The first toplevel whose type is @type_name, other than the test's window. */
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

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
named_label (GtkWindow  *dialog,
             const char *name)
{
  GtkWidget *w = find_named (GTK_WIDGET (dialog), name);

  cr_assert (GTK_IS_LABEL (w), "no label %s", name);
  return gtk_label_get_text (GTK_LABEL (w));
}

/* Texts of the rows of the result dialog's list. */
static GPtrArray *
result_lines (GtkWindow *dialog)
{
  GtkWidget *list = find_named (GTK_WIDGET (dialog), "lines");
  GPtrArray *lines = g_ptr_array_new ();

  cr_assert (GTK_IS_LIST_BOX (list));
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), i);

      if (row == NULL)
        break;
      g_ptr_array_add (lines, (gpointer) gtk_label_get_text (GTK_LABEL (gtk_list_box_row_get_child (row))));
    }
  return lines;
}

static GtkWindow *
wait_result (Done *done)
{
  cr_assert (stk_test_wait_for (&done->called, 60000), "the flow did not end");
  wait_flow_gone (done);
  cr_assert_eq (done->calls, 1);
  return find_toplevel ("StkResultDialog");
}

/* ---- tests ---- */

Test (flows, bad_csv_lists_errors_by_line_and_imports_nothing)
{
  g_autofree char *path = write_csv ("bad.csv",
                                     "code,description,unit_price\n"
                                     "A1,Apples,2.50\n"
                                     "B2,Bread,12.345\n"
                                     "C3,Cherries,1.00\n"
                                     "a1,Apples again,3.00\n");
  Done done = DONE_ON (session);
  GtkWindow *result;
  g_autoptr(GPtrArray) lines = NULL;
  gboolean line3 = FALSE, line5 = FALSE;

  stk_flow_import_path (window, session, STK_TABLE_SKUS, path, done_cb, &done);
  cr_assert_not_null (find_toplevel ("StkProgressDialog"), "no progress dialog while importing");
  result = wait_result (&done);
  cr_assert_not (done.changed);
  cr_assert_null (find_toplevel ("StkProgressDialog"), "the progress dialog stayed open");
  cr_assert_not_null (result, "no result dialog");
  cr_assert_str_eq (named_label (result, "heading"), "Nothing Was Imported");
  cr_assert_not_null (strstr (named_label (result, "body"), "Nothing was imported"),
                      "body: %s", named_label (result, "body"));
  cr_assert_not_null (strstr (named_label (result, "body"), "bad.csv"));

  lines = result_lines (result);
  cr_assert_eq (lines->len, 2, "%u lines", lines->len);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);

      line3 |= g_str_has_prefix (line, "Line 3:");
      line5 |= g_str_has_prefix (line, "Line 5:");
    }
  cr_assert (line3 && line5, "lines: %s / %s", (char *) lines->pdata[0], (char *) lines->pdata[1]);
  cr_assert_eq (count_items (), 0, "something was imported");
}

Test (flows, errors_beyond_fifty_are_counted)
{
  g_autoptr(GString) csv = g_string_new ("code,unit_price\n");
  g_autofree char *path = NULL;
  Done done = DONE_ON (session);
  GtkWindow *result;
  g_autoptr(GPtrArray) lines = NULL;

  for (guint i = 0; i < 130; i++)
    g_string_append_printf (csv, "X%u,-%u\n", i, i + 1);
  path = write_csv ("many.csv", csv->str);

  stk_flow_import_path (window, session, STK_TABLE_SKUS, path, done_cb, &done);
  result = wait_result (&done);
  cr_assert_not_null (result);
  lines = result_lines (result);
  cr_assert_eq (lines->len, 51, "%u lines", lines->len);
  cr_assert (g_str_has_prefix (g_ptr_array_index (lines, 0), "Line 2:"), "%s", (char *) lines->pdata[0]);
  cr_assert_str_eq (g_ptr_array_index (lines, 50), "…and 80 more");
  cr_assert_not_null (strstr (named_label (result, "body"), "130 problems"),
                      "body: %s", named_label (result, "body"));
  cr_assert_eq (count_items (), 0);
}

Test (flows, good_csv_imports)
{
  g_autofree char *path = write_csv ("good.csv",
                                     "code,description,unit_price,reorder_level,on_hand\n"
                                     "A1,Apples,2.50,5,10\n"
                                     "B2,\"Bread, brown\",12.00,0,3\n"
                                     "C3,Cherries,1,2,0\n");
  Done done = DONE_ON (session);
  GtkWindow *result;

  stk_flow_import_path (window, session, STK_TABLE_SKUS, path, done_cb, &done);
  result = wait_result (&done);
  cr_assert (done.changed);
  cr_assert_not_null (result);
  cr_assert_str_eq (named_label (result, "heading"), "Import Complete");
  cr_assert_not_null (strstr (named_label (result, "body"), "Imported 3 items"),
                      "body: %s", named_label (result, "body"));
  cr_assert_eq (count_items (), 3);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'A1'"), 10);
}

Test (flows, cancel_mid_import_imports_nothing)
{
  g_autofree char *path = g_build_filename (tmpdir, "big.csv", NULL);
  FILE *f = fopen (path, "w");
  Done done = DONE_ON (session);
  GtkWindow *progress;
  GtkProgressBar *bar;
  GtkWidget *cancel;
  double seen = 0.0;
  gint64 end;

  /* ~30 MB: far more than one progress step, read in a few seconds at most. */
  cr_assert_not_null (f);
  fputs ("code,description,unit_price,reorder_level,on_hand\n", f);
  for (guint i = 0; i < 600000; i++)
    fprintf (f, "SKU-%07u,A fairly long description of item number %u,%u.%02u,%u,%u\n",
             i, i, i % 500, i % 100, i % 20, i % 50);
  cr_assert_eq (fclose (f), 0);

  stk_flow_import_path (window, session, STK_TABLE_SKUS, path, done_cb, &done);
  progress = find_toplevel ("StkProgressDialog");
  cr_assert_not_null (progress);
  bar = GTK_PROGRESS_BAR (find_named (GTK_WIDGET (progress), "progress"));
  cancel = find_named (GTK_WIDGET (progress), "cancel");
  cr_assert (GTK_IS_BUTTON (cancel));

  /* Wait for the first progress report, then press Cancel. */
  end = stk_test_deadline (30000);
  while (!done.called && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, TRUE);
      seen = gtk_progress_bar_get_fraction (bar);
      if (seen > 0.0)
        break;
    }
  cr_assert_not (done.called, "the import ended before any progress was shown");
  cr_assert (seen > 0.0 && seen < 1.0, "progress %f", seen);
  g_signal_emit_by_name (cancel, "clicked");
  cr_assert_not (gtk_widget_get_sensitive (cancel), "Cancel stays clickable after cancelling");

  cr_assert (stk_test_wait_for (&done.called, 60000), "the cancelled import did not end");
  wait_flow_gone (&done);
  cr_assert_not (done.changed);
  cr_assert_null (find_toplevel ("StkProgressDialog"));
  cr_assert_null (find_toplevel ("StkResultDialog"), "a cancelled import should not show a result");
  cr_assert_eq (count_items (), 0, "a cancelled import left rows behind");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements"), 0);
}

Test (flows, read_only_session_is_refused)
{
  g_autofree char *path = write_csv ("good.csv", "code\nA1\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) reader = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  Done done = { 0 };
  GtkWindow *result;

  cr_assert_not_null (reader, "%s", error ? error->message : "");
  cr_assert (stk_session_get_read_only (reader));
  done = (Done) DONE_ON (reader);

  stk_flow_import_path (window, reader, STK_TABLE_SKUS, path, done_cb, &done);
  result = wait_result (&done);
  cr_assert_not (done.changed);
  cr_assert_null (find_toplevel ("StkProgressDialog"));
  cr_assert_not_null (result);
  cr_assert_str_eq (named_label (result, "heading"), "Cannot Import");
  cr_assert_not_null (strstr (named_label (result, "body"), "read-only"));
  cr_assert_eq (count_items (), 0);
  stk_session_close (reader, 1000, NULL);
}

Test (flows, verify_reports_a_sound_inventory)
{
  Done done = DONE_ON (session);
  GtkWindow *result;

  stk_test_submit (stk_session_get_writer (session), stk_op_create_item ("A1", "Apples", 250, 5));
  stk_flow_verify (window, session, done_cb, &done);
  cr_assert_not_null (find_toplevel ("StkProgressDialog"));
  result = wait_result (&done);
  cr_assert_not (done.changed);
  cr_assert_not_null (result);
  cr_assert_str_eq (named_label (result, "heading"), "No Problems Found");
}

Test (flows, closing_the_window_cancels_the_import)
{
  g_autofree char *path = g_build_filename (tmpdir, "big.csv", NULL);
  FILE *f = fopen (path, "w");
  Done done = DONE_ON (session);
  guint baseline = G_OBJECT (session)->ref_count;
  GtkWindow *progress;
  GtkProgressBar *bar;
  double seen = 0.0;
  gint64 end;

  cr_assert_not_null (f);
  fputs ("code,unit_price\n", f);
  for (guint i = 0; i < 600000; i++)
    fprintf (f, "SKU-%07u,%u.50\n", i, i % 90);
  cr_assert_eq (fclose (f), 0);

  stk_flow_import_path (window, session, STK_TABLE_SKUS, path, done_cb, &done);
  cr_assert_gt (G_OBJECT (session)->ref_count, baseline, "the flow holds the session");
  progress = find_toplevel ("StkProgressDialog");
  cr_assert_not_null (progress);
  bar = GTK_PROGRESS_BAR (find_named (GTK_WIDGET (progress), "progress"));

  /* The import is under way (it has reported progress) when the window goes. */
  end = stk_test_deadline (30000);
  while (!done.called && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, TRUE);
      seen = gtk_progress_bar_get_fraction (bar);
      if (seen > 0.0)
        break;
    }
  cr_assert_not (done.called, "the import ended before any progress was shown");
  cr_assert (seen > 0.0 && seen < 1.0, "progress %f", seen);
  gtk_window_destroy (window);
  window = NULL;

  /* The worker notices and the flow ends: it lets go of the session (a flow holds it
   * from its start until it has ended, worker included). Nobody is told (the window is
   * gone); only then is "not called" worth checking. */
  cr_assert (stk_test_wait_refs (session, baseline, 60000),
             "the import did not end after its window closed");
  cr_assert_not (done.called);
  cr_assert_null (find_toplevel ("StkProgressDialog"));
  cr_assert_null (find_toplevel ("StkResultDialog"));
  cr_assert_eq (count_items (), 0);
}
