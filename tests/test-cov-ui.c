/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the settled dialogs say and do on their less travelled paths (issue 20, branch
 * coverage): Quit with more waiting changes than it names and after they are all saved,
 * "Database locked" through its states and Escape, the lock dialog for a command and for
 * a folder Stocktake may not write, the progress dialog's cancel and its figures, the
 * result dialog's cut-short list, and the sale and movement dialogs' field errors. Built
 * for real on a temporary inventory, under Xvfb (see tests/meson.build), with the
 * stk-lock-holder and stk-lock-taker helpers. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-chart.h"
#include "stk-columns.h"
#include "stk-edit-dialog.h"
#include "stk-error.h"
#include "stk-flows.h"
#include "stk-item-dialog.h"
#include "stk-lock-dialog.h"
#include "stk-lock-test-util.h"
#include "stk-locked-dialog.h"
#include "stk-movement-dialog.h"
#include "stk-notice.h"
#include "stk-ops.h"
#include "stk-progress-dialog.h"
#include "stk-quit-dialog.h"
#include "stk-reports-view.h"
#include "stk-result-dialog.h"
#include "stk-sale-dialog.h"
#include "stk-session.h"
#include "stk-table-view.h"
#include "stk-test-util.h"

#define TIMEOUT_MS 20000

#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

static char *tmpdir;
static char *db_path;
static GtkApplication *app;
static StkSession *session;

static void
setup (void)
{
  g_autoptr(GError) error = NULL;

  /* Locked after 300 ms; probes rarely, so that only what the test does decides. */
  g_setenv ("STOCKTAKE_RETRY_BUDGET_MS", "300", TRUE);
  g_setenv ("STOCKTAKE_PROBE_INTERVAL_MS", "60000", TRUE);
  gtk_init ();
  tmpdir = stk_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "inventory.db", NULL);
  app = gtk_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  cr_assert (g_application_register (G_APPLICATION (app), NULL, &error));
  session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  cr_assert_not_null (session, "open: %s", error ? error->message : "");
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
  if (session != NULL)
    stk_session_close (session, 0, NULL);
  g_clear_object (&session);
  g_clear_object (&app);
  stk_test_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&db_path, g_free);
}

TestSuite (cov_ui, .init = setup, .fini = teardown, .timeout = 120);

/* --- helpers ----------------------------------------------------------------------- */

static StkWriter *
writer (void)
{
  return stk_session_get_writer (session);
}

static gpointer
child (gpointer    widget,
       GType       type,
       const char *name)
{
  GObject *c = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  cr_assert_not_null (c, "no template child %s", name);
  return c;
}

static const char *
label_text (gpointer    widget,
            GType       type,
            const char *name)
{
  return gtk_label_get_text (GTK_LABEL (child (widget, type, name)));
}

static gboolean
is_toplevel (gpointer window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (w == window)
        return TRUE;
    }
  return FALSE;
}

static GSubprocess *
hold_database (void)
{
  return stk_test_hold_database (db_path);
}

static void
release_database (GSubprocess *proc)
{
  stk_test_release_database (proc);
  stk_writer_retry_now (writer ());
}

static StkWriterState
state (void)
{
  return stk_writer_get_state (writer ());
}

static gboolean
writer_locked (void)
{
  return state () == STK_WRITER_STATE_LOCKED;
}

typedef struct
{
  guint done;
  guint failed;
} Submitted;

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Submitted *s = user_data;
  g_autoptr(GError) error = NULL;

  if (!stk_writer_submit_finish (STK_WRITER (object), result, &error))
    s->failed++;
  s->done++;
}

static void
submit_items (guint      n,
              Submitted *s)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *code = g_strdup_printf ("WAIT-%u", i + 1);
      g_autoptr(StkOp) op = stk_op_create_item (code, "Waiting", 100, 0);

      stk_writer_submit (writer (), op, NULL, submitted_cb, s);
    }
}

typedef struct
{
  guint n;
  int   last;
} Responses;

static void
response_cb (GtkWindow *dialog,
             int        response,
             Responses *r)
{
  r->n++;
  r->last = response;
}

static void
count_cb (GtkWindow *dialog,
          guint     *n)
{
  (*n)++;
}

/* --- Quit with waiting changes ------------------------------------------------------- */

Test (cov_ui, quit_names_eight_waiting_changes_counts_the_rest_and_says_when_all_are_saved)
{
  g_autoptr(GSubprocess) holder = hold_database ();
  Submitted s = { 0 };
  Responses r = { 0 };
  StkQuitDialog *dialog;
  const char *changes;
  guint bullets = 0;

  submit_items (10, &s);
  cr_assert (WAIT_UNTIL (writer_locked () && stk_writer_get_pending (writer ()) == 10));

  dialog = stk_quit_dialog_new (NULL, writer ());
  g_signal_connect (dialog, "decided", G_CALLBACK (response_cb), &r);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert_str_eq (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)),
                    "10 changes are not saved yet");
  cr_assert_str_eq (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), "wait");
  cr_assert_str_eq (adw_message_dialog_get_close_response (ADW_MESSAGE_DIALOG (dialog)), "cancel");
  changes = label_text (dialog, STK_TYPE_QUIT_DIALOG, "changes_label");
  for (const char *p = changes; (p = strstr (p, "•")) != NULL; p++)
    bullets++;
  cr_assert_eq (bullets, 8, "not eight named: “%s”", changes);
  cr_assert (strstr (changes, "… and 2 more") != NULL, "“%s”", changes);
  cr_assert_str_eq (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "lose"),
                    "_Quit and Lose 10 Changes");

  /* Saved while the user reads, without choosing Wait: it says so and does not quit. */
  release_database (holder);
  cr_assert (WAIT_UNTIL (s.done == 10));
  cr_assert_eq (s.failed, 0);
  cr_assert (WAIT_UNTIL (strcmp (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                                 "Every change is saved now.") == 0),
             "“%s”", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  cr_assert_not (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "lose"),
                 "Quit and Lose offered with nothing to lose");
  cr_assert_eq (r.n, 0, "answered by itself");

  /* Escape: one answer, Cancel, however often it is pressed. */
  gtk_window_close (GTK_WINDOW (dialog));
  cr_assert_eq (r.n, 1);
  cr_assert_eq (r.last, STK_QUIT_DIALOG_CANCEL);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code LIKE 'WAIT-%'"),
                10);
}

/* --- "Database locked" --------------------------------------------------------------- */

static const char *
locked_body (StkLockedDialog *dialog)
{
  return adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
}

Test (cov_ui, database_locked_says_what_waits_retries_and_goes_once_saved)
{
  g_autoptr(GSubprocess) holder = hold_database ();
  g_autoptr(GCancellable) withdraw = g_cancellable_new ();
  g_autoptr(StkOp) first = stk_op_create_item ("LOCKED-1", "Waiting", 100, 0);
  StkLockedDialog *dialog;
  Submitted s = { 0 };
  guint dismissed = 0;

  /* As the application opens it: when the writer says it is locked. */
  stk_writer_submit (writer (), first, withdraw, submitted_cb, &s);
  cr_assert (WAIT_UNTIL (writer_locked ()));
  dialog = stk_locked_dialog_new (NULL, writer ());
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert_eq (stk_locked_dialog_get_writer (dialog), writer ());
  /* One body, one paragraph each: why, what waits, what happens now. */
  cr_assert (strstr (locked_body (dialog), "“inventory.db”") != NULL);
  cr_assert (strstr (locked_body (dialog), "\n\n1 change is waiting.") != NULL,
             "“%s”", locked_body (dialog));
  cr_assert (strstr (locked_body (dialog), "\n\nStocktake keeps trying every few seconds") != NULL,
             "“%s”", locked_body (dialog));
  cr_assert_str_eq (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), "retry");

  /* The change is withdrawn: nothing is left to wait for, the dialog goes. (Before any
   * Retry: a cancel that comes while the writer is trying is not withdrawn, see the
   * report of issue 20.) */
  g_cancellable_cancel (withdraw);
  cr_assert (WAIT_UNTIL (s.done == 1));
  cr_assert_eq (s.failed, 1);
  cr_assert (WAIT_UNTIL (dialog == NULL || !is_toplevel (dialog)),
             "“Database locked” stayed with nothing waiting");

  /* Another change waits. Retry while still held: it says it is trying, and the change
   * still waits. (Whether it then says "Still locked" depends on the writer announcing
   * a failed attempt, which it does not always do: see the report of issue 20.) */
  submit_items (1, &s);
  stk_writer_retry_now (writer ());
  cr_assert (WAIT_UNTIL (writer_locked () && stk_writer_get_pending (writer ()) == 1));
  dialog = stk_locked_dialog_new (NULL, writer ());
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "retry");
  cr_assert (g_str_has_suffix (locked_body (dialog), "\n\nTrying again…"), "%s", locked_body (dialog));
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (dialog)), "Retry took the dialog away");
  cr_assert (WAIT_UNTIL (writer_locked ()));
  cr_assert_eq (stk_writer_get_pending (writer ()), 1);

  /* Escape sets the dialog aside, the change still waits. */
  g_signal_connect (dialog, "dismissed", G_CALLBACK (count_cb), &dismissed);
  gtk_window_close (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (dialog == NULL || !is_toplevel (dialog)));
  cr_assert_eq (dismissed, 1);
  cr_assert_eq (stk_writer_get_pending (writer ()), 1);

  /* The other program lets go: saved, and a dialog shown meanwhile goes by itself. */
  dialog = stk_locked_dialog_new (NULL, writer ());
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  release_database (holder);
  cr_assert (WAIT_UNTIL (s.done == 2));
  cr_assert_eq (s.failed, 1);
  cr_assert (WAIT_UNTIL (dialog == NULL || !is_toplevel (dialog)),
             "“Database locked” stayed after the change was saved");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'LOCKED-1'"),
                0, "the withdrawn change was saved");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'WAIT-1'"), 1);
}

Test (cov_ui, database_busy_at_start_says_nothing_changed_and_escape_quits)
{
  StkLockedDialog *dialog = stk_locked_dialog_new_for_startup (app, db_path, NULL);
  guint quit = 0;
  guint retry = 0;

  g_signal_connect (dialog, "quit", G_CALLBACK (count_cb), &quit);
  g_signal_connect (dialog, "retry", G_CALLBACK (count_cb), &retry);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert_null (stk_locked_dialog_get_writer (dialog));
  cr_assert (strstr (locked_body (dialog), "\n\nNothing has been changed.\n\n") != NULL,
             "%s", locked_body (dialog));
  cr_assert_str_eq (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "close"),
                    "_Quit");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "retry");
  cr_assert_eq (retry, 1);
  /* Escape is Quit; the application closes the dialog. */
  gtk_window_close (GTK_WINDOW (dialog));
  cr_assert_eq (quit, 1);
  cr_assert (is_toplevel (dialog));
}

/* --- the lock dialog ---------------------------------------------------------------- */

typedef struct
{
  guint n;
  char  id[32];
} LockResponses;

static void
lock_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  LockResponses    *r)
{
  r->n++;
  g_strlcpy (r->id, response, sizeof r->id);
}

/* The window the lock dialog comes over. */
static GtkWindow *
lock_parent (void)
{
  GtkWindow *parent = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_application (parent, app);
  gtk_window_present (parent);
  return parent;
}

Test (cov_ui, lock_held_by_a_command_names_the_command)
{
  g_autoptr(GSubprocess) taker = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) other = NULL;
  StkLockDialog *dialog;
  LockResponses r = { 0 };

  stk_session_close (session, 5000, NULL);
  g_clear_object (&session);
  taker = stk_lock_taker_start (db_path, "import");
  other = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  cr_assert_null (other);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);

  dialog = stk_lock_dialog_new (lock_parent (), db_path, error);
  g_signal_connect (dialog, "response", G_CALLBACK (lock_response_cb), &r);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert_str_eq (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)),
                    "This inventory is being changed by a Stocktake command");
  cr_assert (g_str_has_prefix (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                               "“inventory.db” is being changed by the command “import”. "),
             "“%s”", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  /* Who holds it is behind Details. */
  cr_assert (strstr (stk_lock_dialog_get_details (dialog), "(process ") != NULL);

  /* Escape is Quit; the dialog hides, the application destroys it. */
  gtk_window_close (GTK_WINDOW (dialog));
  cr_assert_eq (r.n, 1);
  cr_assert_str_eq (r.id, STK_LOCK_DIALOG_QUIT);
  cr_assert (is_toplevel (dialog));
  stk_lock_taker_stop (taker);
}

Test (cov_ui, lock_file_that_cannot_be_made_offers_read_only_with_the_reason)
{
  g_autoptr(GError) error = g_error_new_literal (STK_ERROR, STK_ERROR_READ_ONLY,
                                                 "The folder is read-only for you.");
  StkLockDialog *dialog = stk_lock_dialog_new (lock_parent (), db_path, error);
  LockResponses r = { 0 };

  g_signal_connect (dialog, "response", G_CALLBACK (lock_response_cb), &r);
  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert_str_eq (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)),
                    "This inventory cannot be changed from here");
  cr_assert_str_eq (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                    "The folder is read-only for you. You can still open it read-only and "
                    "look at everything in it.");
  cr_assert_str_eq (stk_lock_dialog_get_details (dialog), "");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), STK_LOCK_DIALOG_READ_ONLY);
  cr_assert_eq (r.n, 1);
  cr_assert_str_eq (r.id, STK_LOCK_DIALOG_READ_ONLY);
}

/* --- progress and results ------------------------------------------------------------- */

Test (cov_ui, closing_a_running_progress_dialog_cancels_and_keeps_saying_so)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  StkProgressDialog *dialog = stk_progress_dialog_new (NULL, "Import", "Importing items",
                                                       cancellable);
  GtkProgressBar *bar = child (dialog, STK_TYPE_PROGRESS_DIALOG, "progress_bar");

  gtk_window_present (GTK_WINDOW (dialog));
  cr_assert_str_eq (label_text (dialog, STK_TYPE_PROGRESS_DIALOG, "detail_label"), "Starting…");
  stk_progress_dialog_pulse (dialog, "Reading the file…");
  stk_progress_dialog_pulse (dialog, "Still reading…");
  cr_assert_str_eq (label_text (dialog, STK_TYPE_PROGRESS_DIALOG, "detail_label"),
                    "Still reading…");
  stk_progress_dialog_set_progress (dialog, 1.5, "All rows");
  cr_assert_float_eq (gtk_progress_bar_get_fraction (bar), 1.0, 1e-9, "not clamped");
  stk_progress_dialog_set_progress (dialog, -0.5, "No rows");
  cr_assert_float_eq (gtk_progress_bar_get_fraction (bar), 0.0, 1e-9, "not clamped");

  /* Closing while the work runs cancels it; the dialog waits for the work to stop. */
  gtk_window_close (GTK_WINDOW (dialog));
  cr_assert (g_cancellable_is_cancelled (cancellable));
  cr_assert (is_toplevel (dialog), "closed before the work stopped");
  cr_assert_str_eq (label_text (dialog, STK_TYPE_PROGRESS_DIALOG, "detail_label"), "Cancelling…");
  cr_assert_not (gtk_widget_get_sensitive (child (dialog, STK_TYPE_PROGRESS_DIALOG,
                                                  "cancel_button")));
  /* Late progress does not hide that it is cancelling. */
  stk_progress_dialog_set_progress (dialog, 0.5, "Half");
  stk_progress_dialog_pulse (dialog, "Pulse");
  cr_assert_str_eq (label_text (dialog, STK_TYPE_PROGRESS_DIALOG, "detail_label"), "Cancelling…");

  /* Once the work has stopped, closing closes. */
  stk_progress_dialog_set_finished (dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  cr_assert (WAIT_UNTIL (!is_toplevel (dialog)));
}

static guint
count_labels (GtkWidget  *widget,
              const char *needle)
{
  guint n = 0;

  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    n++;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    n += count_labels (c, needle);
  return n;
}

Test (cov_ui, result_dialog_lists_the_lines_and_counts_the_rest)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  StkResultDialog *error_dialog;
  StkResultDialog *warning;
  StkResultDialog *ok;

  g_ptr_array_add (lines, (gpointer) "Line 2: the price is not a number.");
  g_ptr_array_add (lines, (gpointer) "Line 3: the code is empty.");
  error_dialog = stk_result_dialog_show (NULL, STK_RESULT_ERROR, "Import", "Nothing imported",
                                         "2 rows are wrong.", lines, 1234);
  cr_assert_eq (count_labels (GTK_WIDGET (error_dialog), "Line "), 2);
  cr_assert_eq (count_labels (GTK_WIDGET (error_dialog), "…and 1,234 more")
                + count_labels (GTK_WIDGET (error_dialog), "…and 1234 more"), 1,
                "the rest is not counted");
  cr_assert (gtk_widget_has_css_class (child (error_dialog, STK_TYPE_RESULT_DIALOG, "icon"),
                                       "error"));

  warning = stk_result_dialog_show (NULL, STK_RESULT_WARNING, "Import", "Imported",
                                    "Some codes were kept apart.", lines, 0);
  cr_assert_eq (count_labels (GTK_WIDGET (warning), "more"), 0);
  cr_assert (gtk_widget_has_css_class (child (warning, STK_TYPE_RESULT_DIALOG, "icon"),
                                       "warning"));

  ok = stk_result_dialog_show (NULL, STK_RESULT_OK, "Verify", "Sound", "No problems.", NULL, 0);
  cr_assert_not (gtk_widget_get_visible (child (ok, STK_TYPE_RESULT_DIALOG, "lines_scroller")));
  cr_assert (gtk_widget_has_css_class (child (ok, STK_TYPE_RESULT_DIALOG, "icon"), "success"));
}

/* Issue 16: both are libadwaita windows over their window: modal, transient for it, a
 * header bar with the title and no window buttons, a default button with the focus, and
 * Escape closes the result (the progress dialog's Escape is the test above). */
static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_escape_closing (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger =
            gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          g_autofree char *action =
            gtk_shortcut_action_to_string (gtk_shortcut_get_action (shortcut));

          if (g_str_equal (trigger, "Escape") && g_str_equal (action, "action(window.close)"))
            return TRUE;
        }
    }
  return FALSE;
}

static void
assert_adw_dialog (GtkWindow  *dialog,
                   GtkWindow  *parent,
                   const char *title,
                   GtkWidget  *default_button)
{
  AdwHeaderBar *bar = ADW_HEADER_BAR (find_type (GTK_WIDGET (dialog), ADW_TYPE_HEADER_BAR));
  AdwWindowTitle *window_title;

  cr_assert (ADW_IS_WINDOW (dialog));
  cr_assert (gtk_window_get_modal (dialog));
  cr_assert_eq (gtk_window_get_transient_for (dialog), parent);
  cr_assert_str_eq (gtk_window_get_title (dialog), title);
  cr_assert_not_null (bar, "no header bar");
  cr_assert_not (adw_header_bar_get_show_end_title_buttons (bar));
  cr_assert_not (adw_header_bar_get_show_start_title_buttons (bar));
  window_title = ADW_WINDOW_TITLE (adw_header_bar_get_title_widget (bar));
  cr_assert_str_eq (adw_window_title_get_title (window_title), title);
  cr_assert_eq (gtk_window_get_default_widget (dialog), default_button);
  cr_assert_eq (gtk_window_get_focus (dialog), default_button);
}

Test (cov_ui, result_and_progress_dialogs_open_over_their_window)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GtkWindow *parent = GTK_WINDOW (gtk_window_new ());
  StkResultDialog *result;
  StkProgressDialog *progress;

  gtk_window_present (parent);
  progress = stk_progress_dialog_new (parent, "Import", "Importing items", cancellable);
  gtk_window_present (GTK_WINDOW (progress));
  assert_adw_dialog (GTK_WINDOW (progress), parent, "Import",
                     child (progress, STK_TYPE_PROGRESS_DIALOG, "cancel_button"));
  stk_progress_dialog_finish (progress);

  result = stk_result_dialog_show (parent, STK_RESULT_OK, "Verify", "Sound", "No problems.",
                                   NULL, 0);
  g_object_ref (result);
  assert_adw_dialog (GTK_WINDOW (result), parent, "Verify",
                     child (result, STK_TYPE_RESULT_DIALOG, "close_button"));
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (result)));
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (result))));
  /* Escape is bound to window.close in the dialog's shortcuts; that action closes it. */
  cr_assert (has_escape_closing (GTK_WIDGET (result)), "Escape does not close the dialog");
  cr_assert (gtk_widget_activate_action (GTK_WIDGET (result), "window.close", NULL));
  cr_assert (WAIT_UNTIL (!is_toplevel (result)), "the result dialog stayed");
  g_object_unref (result);
  gtk_window_destroy (parent);
}

/* --- the sale and movement dialogs' field errors --------------------------------------- */

static StkStore *
open_store (void)
{
  StkStore *store = stk_session_get_store (session);

  cr_assert_not_null (store);
  return g_object_ref (store);
}

Test (cov_ui, sale_with_a_bad_price_and_no_code_is_refused_at_both_fields)
{
  g_autoptr(StkStore) store = open_store ();
  StkSaleDialog *dialog = stk_sale_dialog_new (NULL, writer (), store, NULL);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, STK_TYPE_SALE_DIALOG, "price_entry")),
                         "twelve");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (gtk_widget_get_visible (child (dialog, STK_TYPE_SALE_DIALOG, "code_error")));
  cr_assert (gtk_widget_get_visible (child (dialog, STK_TYPE_SALE_DIALOG, "price_error")));
  cr_assert (is_toplevel (dialog));
  cr_assert_eq (stk_writer_get_pending (writer ()), 0, "submitted anyway");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sales"), 0);
}

Test (cov_ui, adjustment_of_zero_and_no_code_is_refused_at_both_fields)
{
  g_autoptr(StkStore) store = open_store ();
  StkMovementDialog *dialog = stk_movement_dialog_new (NULL, writer (), store,
                                                       STK_MOVEMENT_ADJUSTMENT, NULL);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_spin_button_set_value (child (dialog, STK_TYPE_MOVEMENT_DIALOG, "quantity_spin"), 0);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (gtk_widget_get_visible (child (dialog, STK_TYPE_MOVEMENT_DIALOG, "code_error")));
  cr_assert (gtk_widget_get_visible (child (dialog, STK_TYPE_MOVEMENT_DIALOG, "quantity_error")));
  cr_assert_eq (stk_writer_get_pending (writer ()), 0, "submitted anyway");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements"), 0);
}

Test (cov_ui, a_count_records_the_counted_stock)
{
  g_autoptr(StkStore) store = open_store ();
  StkMovementDialog *dialog;

  stk_test_submit (writer (), stk_op_create_item ("C-1", "Counted", 100, 0));
  dialog = stk_movement_dialog_new (NULL, writer (), store, STK_MOVEMENT_COUNT, "C-1");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_spin_button_set_value (child (dialog, STK_TYPE_MOVEMENT_DIALOG, "quantity_spin"), 7);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (dialog == NULL || !is_toplevel (dialog)), "the dialog stayed");
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'C-1'"), 7);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements WHERE kind = 'count'"),
                1);
}

/* --- an edit dialog's change that fails late ---------------------------------------------- */

static void
text_cb (GtkWindow *dialog,
         const char *text,
         char      **out)
{
  g_free (*out);
  *out = g_strdup (text);
}

Test (cov_ui, a_set_aside_change_that_fails_says_what_was_not_saved)
{
  g_autoptr(GSubprocess) holder = NULL;
  g_autofree char *failed = NULL;
  StkItemDialog *dialog;

  stk_test_submit (writer (), stk_op_create_item ("DUP-1", "First", 100, 0));
  holder = hold_database ();
  dialog = stk_item_dialog_new (NULL, writer (), NULL);
  g_object_ref (dialog);
  g_signal_connect (dialog, "failed", G_CALLBACK (text_cb), &failed);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, STK_TYPE_ITEM_DIALOG, "code_entry")),
                         "DUP-1");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (writer_locked ()));

  /* Set aside (what Close on "Database locked" does), then the duplicate is refused. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  release_database (holder);
  cr_assert (WAIT_UNTIL (failed != NULL), "nobody was told the change failed");
  cr_assert (g_str_has_prefix (failed, "Not saved: "), "“%s”", failed);
  cr_assert (strstr (failed, "DUP-1") != NULL, "“%s”", failed);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'DUP-1'"), 1);
  g_object_unref (dialog);
}

Test (cov_ui, a_change_lost_when_the_inventory_closes_is_said_in_the_dialog)
{
  g_autoptr(GSubprocess) holder = hold_database ();
  StkItemDialog *dialog = stk_item_dialog_new (NULL, writer (), NULL);
  GtkWidget *error_label;

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, STK_TYPE_ITEM_DIALOG, "code_entry")),
                         "LOST-1");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (writer_locked ()));
  cr_assert_not (gtk_widget_is_sensitive (child (dialog, STK_TYPE_ITEM_DIALOG, "grid")));

  /* The inventory closes without waiting: the change is lost, and the dialog says so. */
  cr_assert_not (stk_session_close (session, 0, NULL));
  error_label = child (dialog, STK_TYPE_ITEM_DIALOG, "error_label");
  cr_assert (WAIT_UNTIL (gtk_widget_get_visible (error_label)), "the dialog says nothing");
  cr_assert (strlen (gtk_label_get_text (GTK_LABEL (error_label))) > 0);
  cr_assert (gtk_widget_is_sensitive (child (dialog, STK_TYPE_ITEM_DIALOG, "grid")),
             "the fields stay disabled");
  cr_assert (is_toplevel (dialog), "the dialog closed with its change lost");
  g_clear_object (&session);
  cr_assert (g_output_stream_close (g_subprocess_get_stdin_pipe (holder), NULL, NULL));
  cr_assert (g_subprocess_wait_check (holder, NULL, NULL));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'LOST-1'"), 0);
}

/* --- programmers' mistakes --------------------------------------------------------------- */

static GString *criticals;

/* Each call: a critical naming the check, and the documented failure value. */
#define REFUSED(call, failure)                                                            \
  G_STMT_START {                                                                         \
    gsize _before = criticals->len;                                                      \
    cr_assert ((call) == (failure), "%s did not return its failure value", #call);       \
    cr_assert_gt (criticals->len, _before, "%s: no critical", #call);                    \
  } G_STMT_END

#define REFUSED_VOID(call)                                                                \
  G_STMT_START {                                                                         \
    gsize _before = criticals->len;                                                      \
    call;                                                                                \
    cr_assert_gt (criticals->len, _before, "%s: no critical", #call);                    \
  } G_STMT_END

static void
never_done_cb (gboolean changed,
               gpointer user_data)
{
  cr_assert_fail ("a refused flow ran");
}

Test (cov_ui, public_entry_points_refuse_bad_arguments_without_a_crash)
{
  g_autoptr(GtkWidget) not_a_window = g_object_ref_sink (gtk_label_new ("not a window"));
  g_autoptr(GObject) not_a_writer = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = g_error_new_literal (STK_ERROR, STK_ERROR_LOCKED, "held");
  g_autoptr(StkStore) store = open_store ();
  GtkWindow *bad_parent = (GtkWindow *) not_a_window;
  StkWriter *bad_writer = (StkWriter *) not_a_writer;
  gpointer wrong = not_a_window;   /* a widget of the wrong type for every method below */
  GValue unset = G_VALUE_INIT;

  criticals = g_string_new (NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL);

  /* Constructors. */
  REFUSED (stk_quit_dialog_new (bad_parent, writer ()), NULL);
  REFUSED (stk_quit_dialog_new (NULL, bad_writer), NULL);
  REFUSED (stk_locked_dialog_new (bad_parent, writer ()), NULL);
  REFUSED (stk_locked_dialog_new (NULL, NULL), NULL);
  REFUSED (stk_locked_dialog_new_for_startup (NULL, db_path, NULL), NULL);
  REFUSED (stk_locked_dialog_new_for_startup (app, NULL, NULL), NULL);
  REFUSED (stk_lock_dialog_new (NULL, db_path, error), NULL);
  REFUSED (stk_lock_dialog_new (bad_parent, db_path, error), NULL);
  REFUSED (stk_lock_dialog_new (lock_parent (), NULL, error), NULL);
  REFUSED (stk_lock_dialog_new (lock_parent (), db_path, NULL), NULL);
  REFUSED (stk_progress_dialog_new (bad_parent, "t", "h", cancellable), NULL);
  REFUSED (stk_progress_dialog_new (NULL, "t", "h", NULL), NULL);
  REFUSED (stk_result_dialog_show (bad_parent, STK_RESULT_OK, "t", "h", "b", NULL, 0), NULL);
  REFUSED (stk_result_dialog_show (NULL, (StkResultKind) 7, "t", "h", "b", NULL, 0), NULL);
  REFUSED (stk_item_dialog_new (bad_parent, writer (), NULL), NULL);
  REFUSED (stk_item_dialog_new (NULL, bad_writer, NULL), NULL);
  REFUSED (stk_sale_dialog_new (bad_parent, writer (), store, NULL), NULL);
  REFUSED (stk_sale_dialog_new (NULL, bad_writer, store, NULL), NULL);
  REFUSED (stk_sale_dialog_new (NULL, writer (), NULL, NULL), NULL);
  REFUSED (stk_movement_dialog_new (bad_parent, writer (), store, STK_MOVEMENT_RECEIVE, NULL),
           NULL);
  REFUSED (stk_movement_dialog_new (NULL, bad_writer, store, STK_MOVEMENT_RECEIVE, NULL), NULL);
  REFUSED (stk_movement_dialog_new (NULL, writer (), NULL, STK_MOVEMENT_RECEIVE, NULL), NULL);
  REFUSED (stk_movement_dialog_new (NULL, writer (), store, STK_MOVEMENT_SALE, NULL), NULL);

  /* Methods, given a widget of another type. */
  REFUSED_VOID (stk_lock_dialog_set_error (wrong, error));
  REFUSED (stk_locked_dialog_get_writer (wrong), NULL);
  REFUSED_VOID (stk_progress_dialog_set_progress (wrong, 0.5, "x"));
  REFUSED_VOID (stk_progress_dialog_pulse (wrong, "x"));
  REFUSED_VOID (stk_progress_dialog_set_finished (wrong));
  REFUSED_VOID (stk_progress_dialog_finish (wrong));
  REFUSED (stk_item_dialog_get_pending (wrong), FALSE);
  REFUSED (stk_sale_dialog_get_pending (wrong), FALSE);
  REFUSED (stk_sale_dialog_get_busy (wrong), FALSE);
  REFUSED (stk_movement_dialog_get_pending (wrong), FALSE);
  REFUSED (stk_movement_dialog_get_busy (wrong), FALSE);
  REFUSED (stk_edit_dialog_get_writer (wrong), NULL);
  REFUSED (stk_edit_dialog_get_pending (wrong), FALSE);
  REFUSED (stk_edit_dialog_get_save_button (wrong), NULL);
  REFUSED_VOID (stk_edit_dialog_hide_error (wrong));
  REFUSED (stk_edit_dialog_get_busy (wrong), FALSE);
  REFUSED (stk_chart_get_title (wrong), NULL);
  REFUSED_VOID (stk_chart_set_title (wrong, "t"));
  REFUSED_VOID (stk_chart_set_days (wrong, NULL, 0));
  REFUSED (stk_chart_get_n_points (wrong), 0);
  REFUSED (stk_chart_get_max_value (wrong), 0);
  REFUSED (stk_chart_get_total (wrong), 0);
  REFUSED (stk_chart_get_axis_max (wrong), 0);
  REFUSED (stk_chart_get_tick_step (wrong), 0);
  REFUSED (stk_chart_get_summary (wrong), NULL);
  REFUSED_VOID (stk_notice_show (wrong, "t", NULL));
  REFUSED_VOID (stk_notice_dismiss (wrong));
  REFUSED (stk_notice_get_text (wrong), NULL);
  REFUSED (stk_notice_get_can_undo (wrong), FALSE);
  REFUSED (stk_notice_undo (wrong), FALSE);
  REFUSED_VOID (stk_notice_set_timeout (wrong, 1));
  REFUSED_VOID (stk_reports_view_set_store (wrong, store));
  REFUSED_VOID (stk_reports_view_reload (wrong));
  REFUSED (stk_reports_view_get_loading (wrong), FALSE);
  REFUSED_VOID (stk_table_view_set_store (wrong, store));
  REFUSED (stk_table_view_get_model (wrong), NULL);
  REFUSED (stk_table_view_get_column_view (wrong), NULL);
  REFUSED (stk_table_view_dup_selected (wrong), NULL);
  REFUSED_VOID (stk_table_view_select_id (wrong, 1));
  {
    g_autoptr(GtkWidget) chart = g_object_ref_sink (stk_chart_new ());
    g_autoptr(GtkWidget) notice = g_object_ref_sink (stk_notice_new ());
    g_autoptr(GtkWidget) view = g_object_ref_sink (stk_reports_view_new ());
    g_autoptr(GtkWidget) table = g_object_ref_sink (stk_table_view_new (STK_TABLE_KIND_ITEMS));

    REFUSED_VOID (stk_chart_set_days (STK_CHART (chart), NULL, 3));
    REFUSED_VOID (stk_notice_show (STK_NOTICE (notice), NULL, NULL));
    REFUSED_VOID (stk_reports_view_set_store (STK_REPORTS_VIEW (view), (StkStore *) bad_writer));
    REFUSED_VOID (stk_table_view_set_store (STK_TABLE_VIEW (table), (StkStore *) bad_writer));
  }

  /* Flows. */
  REFUSED_VOID (stk_flow_import (bad_parent, session, STK_TABLE_SKUS, never_done_cb, NULL));
  REFUSED_VOID (stk_flow_import (NULL, NULL, STK_TABLE_SKUS, never_done_cb, NULL));
  REFUSED_VOID (stk_flow_export (bad_parent, session, STK_TABLE_SKUS, never_done_cb, NULL));
  REFUSED_VOID (stk_flow_backup (bad_parent, session, never_done_cb, NULL));
  REFUSED_VOID (stk_flow_verify (bad_parent, session, never_done_cb, NULL));
  REFUSED_VOID (stk_flow_import_path (bad_parent, session, STK_TABLE_SKUS, "x.csv",
                                      never_done_cb, NULL));
  REFUSED (stk_flow_withdraw_waiting (bad_writer, NULL), NULL);

  /* Columns. */
  REFUSED (stk_columns_for_kind ((StkTableKind) 9), NULL);
  REFUSED (stk_column_format (NULL, &unset), NULL);
  REFUSED (stk_column_format (&stk_columns_for_kind (STK_TABLE_KIND_ITEMS)->columns[0], &unset),
           NULL);
  REFUSED (stk_column_format_row (NULL, not_a_writer), NULL);

  g_string_free (criticals, TRUE);
}
