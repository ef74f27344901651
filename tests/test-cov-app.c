/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's life cycle inside the GtkApplication (app/stk-application.c, compiled into
 * this test): g_application_run() for real, with a script run from the main loop that
 * drives the dialogs the user sees — the window, About, a second activation, quitting
 * with changes still waiting (cancel, wait, lose), "Database locked" while working,
 * another Stocktake holding the inventory at start (quit, try again, read-only, then
 * Switch to Editing), a busy database at start, an inventory that cannot be opened,
 * SIGTERM and the SIGUSR1 test hook. What is on disk is checked after the run returns.
 * Run under Xvfb (see tests/meson.build), with the stk-lock-holder and stk-lock-taker
 * helpers. */
#include "config.h"

#include <signal.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <sqlite3.h>

#include "stk-application.h"
#include "stk-backups.h"
#include "stk-glib.h"
#include "stk-item-dialog.h"
#include "stk-lock.h"
#include "stk-lock-dialog.h"
#include "stk-lock-test-util.h"
#include "stk-locked-dialog.h"
#include "stk-notice.h"
#include "stk-ops.h"
#include "stk-quit-dialog.h"
#include "stk-schema.h"
#include "stk-session.h"
#include "stk-test-sqlite.h"
#include "stk-test-util.h"
#include "stk-test-ui-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 20000

#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

static char *tmpdir;
static char *db_path;
static StkApplication *app;
static GString *messages;   /* every log message of the run, one a line */
static GString *stderr_messages;   /* those the default writer prints (message and worse) */
static gboolean script_done;

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  g_autofree char *message = NULL;
  GLogWriterOutput out;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      message = fields[i].length < 0 ? g_strdup (fields[i].value)
                                     : g_strndup (fields[i].value, fields[i].length);
  if (message != NULL)
    {
      g_string_append (messages, message);
      g_string_append_c (messages, '\n');
      if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING |
                   G_LOG_LEVEL_MESSAGE))
        {
          g_string_append (stderr_messages, message);
          g_string_append_c (stderr_messages, '\n');
        }
    }
  out = g_log_writer_default (level, fields, n_fields, user_data);
  /* Every critical aborts, as G_DEBUG=fatal-criticals would (the read-only banner's
   * one-pixel measuring critical of GTK 4.8 is gone: resources/style.css). */
  if (level & G_LOG_LEVEL_CRITICAL)
    G_BREAKPOINT ();
  return out;
}

static void
setup (void)
{
  /* Locked after 300 ms; probes rarely, so that only what the test does decides. */
  g_setenv ("STOCKTAKE_RETRY_BUDGET_MS", "300", TRUE);
  g_setenv ("STOCKTAKE_PROBE_INTERVAL_MS", "60000", TRUE);
  messages = g_string_new (NULL);
  stderr_messages = g_string_new (NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  tmpdir = stk_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "inventory.db", NULL);
}

static void
teardown (void)
{
  g_clear_object (&app);
  stk_test_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&db_path, g_free);
}

TestSuite (cov_app, .init = setup, .fini = teardown, .timeout = 120);

/* --- helpers ----------------------------------------------------------------------- */

typedef void (*Script) (void);

static void
script_idle (gpointer data)
{
  ((Script) (guintptr) data) ();
  script_done = TRUE;
  g_application_release (G_APPLICATION (app));
}

/* Runs the application on db_path as main() does, with @script run from its main loop;
 * returns g_application_run()'s status once the application has quit. */
static int
run_app (Script script)
{
  char *argv[] = { (char *) "stocktake", NULL };
  int status;

  app = stk_application_new (db_path);
  /* Held until the script is done, whatever windows come and go meanwhile. */
  g_application_hold (G_APPLICATION (app));
  g_idle_add_once (script_idle, STK_FUNC_TAG (script));
  status = g_application_run (G_APPLICATION (app), 1, argv);
  cr_assert (script_done, "the application quit before the script was done");
  return status;
}

static guint
count_toplevels (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        n++;
    }
  return n;
}

static StkWindow *
wait_window (void)
{
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_WINDOW) != NULL), "no window");
  return STK_WINDOW (stk_test_find_toplevel (STK_TYPE_WINDOW));
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

static StkWriter *
window_writer (StkWindow *window)
{
  StkSession *session = stk_window_get_session (window);

  return session ? stk_session_get_writer (session) : NULL;
}

static gint64
count_items (const char *code)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM items WHERE code = '%s'", code);

  return stk_test_query (db_path, sql);
}

/* Another program holding the database (SQLite's write lock): stk-lock-holder. */
static GSubprocess *
hold_database (void)
{
  return stk_test_hold_database (db_path);
}

static void
release_database (GSubprocess *proc)
{
  stk_test_release_database (proc);
}

/* An inventory with the current format, made and closed before the application runs. */
static void
make_inventory (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);

  cr_assert_not_null (session, "%s", error ? error->message : "");
  cr_assert (stk_session_close (session, 5000, &error), "%s", error ? error->message : "");
}

static gboolean
writer_locked (StkWriter *writer)
{
  StkWriterState state = stk_writer_get_state (writer);

  return state == STK_WRITER_STATE_LOCKED || state == STK_WRITER_STATE_PROBING;
}

/* New Item through the window, saved while the database is held: the change waits. */
static void
save_new_item_while_held (StkWindow  *window,
                          const char *code)
{
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-item", NULL);
  dialog = stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG);
  cr_assert_not_null (dialog);
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, STK_TYPE_ITEM_DIALOG, "code_entry")), code);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (writer_locked (window_writer (window))), "the writer never waited");
  cr_assert_eq (stk_writer_get_pending (window_writer (window)), 1);
}

/* --- the window, About, a second activation, a plain quit -------------------------- */

static void
plain_script (void)
{
  StkWindow *window = wait_window ();
  GtkWindow *about;

  cr_assert_not_null (stk_window_get_session (window));
  cr_assert_not (stk_session_get_read_only (stk_window_get_session (window)));
  cr_assert_null (stk_window_get_error_message (window));
  cr_assert (stk_lock_is_held (db_path), "the window holds the inventory's lock");
  cr_assert_str_eq (stk_application_get_database_path (app), db_path);

  /* Running the program again (activate): the same window, no second one. */
  g_application_activate (G_APPLICATION (app));
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (count_toplevels (STK_TYPE_WINDOW), 1);

  /* About (an AdwAboutWindow over the window) names the inventory. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW) != NULL));
  about = stk_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  cr_assert_eq (gtk_window_get_transient_for (about), GTK_WINDOW (window));
  cr_assert (strstr (adw_about_window_get_debug_info (ADW_ABOUT_WINDOW (about)),
                     "inventory.db") != NULL);
  gtk_window_destroy (about);

  /* Nothing waits: Quit quits at once, without asking. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG));
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL),
             "Quit left a window open");
}

Test (cov_app, window_opens_about_names_the_inventory_and_quit_releases_the_lock)
{
  cr_assert_eq (run_app (plain_script), 0);
  cr_assert_not (stk_lock_is_held (db_path), "the lock outlived the application");
  cr_assert (g_file_test (db_path, G_FILE_TEST_IS_REGULAR), "the inventory was created");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 0);
}

/* --- quitting with changes still waiting -------------------------------------------- */

static GSubprocess *holder;

static void
quit_cancel_then_wait_script (void)
{
  StkWindow *window = wait_window ();
  GtkWindow *quit;
  GtkWindow *locked;

  holder = hold_database ();
  save_new_item_while_held (window, "WAIT-1");

  /* The application says the inventory is locked, over the window. */
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) != NULL),
             "no “Database locked” dialog");
  locked = stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG);
  cr_assert_eq (gtk_window_get_transient_for (locked), GTK_WINDOW (window));

  /* Quit asks, once, however often it is chosen. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) != NULL), "Quit did not ask");
  quit = stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG);
  cr_assert_str_eq (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (quit)),
                    "1 change is not saved yet");
  cr_assert (strstr (label_text (quit, STK_TYPE_QUIT_DIALOG, "changes_label"), "WAIT-1") != NULL,
             "“%s”", label_text (quit, STK_TYPE_QUIT_DIALOG, "changes_label"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (count_toplevels (STK_TYPE_QUIT_DIALOG), 1, "a second quit dialog");

  /* Escape: back to work, nothing lost, the window stays. */
  gtk_window_close (quit);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) == NULL));
  cr_assert_not_null (stk_test_find_toplevel (STK_TYPE_WINDOW));
  cr_assert_eq (stk_writer_get_pending (window_writer (window)), 1);

  /* Closing the last window asks the same. */
  gtk_window_close (GTK_WINDOW (window));
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) != NULL),
             "closing the last window with a change waiting did not ask");
  cr_assert_not_null (stk_test_find_toplevel (STK_TYPE_WINDOW), "the window closed anyway");
  quit = stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG);

  /* Wait, and the other program lets go: saved, and Stocktake quits by itself. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (quit), "wait");
  release_database (holder);
  g_clear_object (&holder);
  stk_writer_retry_now (window_writer (window));
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL),
             "the application did not quit once the change was saved");
}

Test (cov_app, quit_with_a_waiting_change_asks_cancel_keeps_it_wait_saves_it)
{
  cr_assert_eq (run_app (quit_cancel_then_wait_script), 0);
  cr_assert_eq (count_items ("WAIT-1"), 1, "the change waited for was lost");
  cr_assert_not (stk_lock_is_held (db_path));
}

static void
quit_lose_script (void)
{
  StkWindow *window = wait_window ();
  GtkWindow *quit;

  holder = hold_database ();
  save_new_item_while_held (window, "LOSE-1");
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) != NULL));
  quit = stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG);
  cr_assert_str_eq (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (quit), "lose"),
                    "_Quit and Lose 1 Change");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (quit), "lose");
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL),
             "Quit and Lose left a window open");
}

Test (cov_app, quit_and_lose_quits_at_once_and_says_what_was_lost)
{
  cr_assert_eq (run_app (quit_lose_script), 0);
  /* Quit at once (no waiting), with the database still held: the change is lost, and
   * said so. */
  cr_assert_not (stk_lock_is_held (db_path));
  release_database (holder);
  g_clear_object (&holder);
  cr_assert_eq (count_items ("LOSE-1"), 0, "a change the user chose to lose was saved");
  cr_assert (strstr (messages->str, "1 change could not be saved") != NULL,
             "nothing said about the lost change: %s", messages->str);
}

/* --- "Database locked" while working ------------------------------------------------- */

static void
locked_close_script (void)
{
  StkWindow *window = wait_window ();
  GtkWindow *locked;

  holder = hold_database ();
  save_new_item_while_held (window, "ASIDE-1");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) != NULL));
  locked = stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG);
  cr_assert_not_null (stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG), "the item dialog waits");

  /* Close: the waiting dialog gets out of the way, the change still waits. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (locked), "close");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) == NULL));
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG) == NULL),
             "the item dialog stayed after Close on “Database locked”");
  cr_assert_eq (stk_writer_get_pending (window_writer (window)), 1);

  release_database (holder);
  g_clear_object (&holder);
  stk_writer_retry_now (window_writer (window));
  cr_assert (WAIT_UNTIL (stk_writer_get_pending (window_writer (window)) == 0));
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG), "asked with nothing waiting");
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL));
}

Test (cov_app, close_on_database_locked_sets_the_waiting_dialog_aside)
{
  cr_assert_eq (run_app (locked_close_script), 0);
  cr_assert_eq (count_items ("ASIDE-1"), 1);
}

/* --- another Stocktake holds the inventory at start ---------------------------------- */

static GSubprocess *taker;

static GtkWindow *
wait_lock_dialog (void)
{
  GtkWindow *dialog;
  GtkWindow *parent;
  GtkExpander *details;

  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCK_DIALOG) != NULL), "no lock dialog");
  dialog = stk_test_find_toplevel (STK_TYPE_LOCK_DIALOG);
  cr_assert_str_eq (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)),
                    "This inventory is open in another Stocktake window");
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_WINDOW), "a window before the user chose");

  /* Over a window of the application, not alone at a corner of the screen. */
  parent = gtk_window_get_transient_for (dialog);
  cr_assert_not_null (parent, "the lock dialog is transient for no window");
  cr_assert (gtk_window_get_modal (dialog));
  cr_assert_eq (gtk_window_get_application (parent), GTK_APPLICATION (app));
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (parent))));
  /* A default answer (Enter) and an answer for Escape. */
  cr_assert_str_eq (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)),
                    STK_LOCK_DIALOG_READ_ONLY);
  cr_assert_str_eq (adw_message_dialog_get_close_response (ADW_MESSAGE_DIALOG (dialog)),
                    STK_LOCK_DIALOG_QUIT);
  /* Plain words; who holds it (user, host, process) behind Details, closed at first. */
  details = GTK_EXPANDER (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog)));
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (details)));
  cr_assert_not (gtk_expander_get_expanded (details), "the details show at first");
  cr_assert_null (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "process"));
  cr_assert (strstr (stk_lock_dialog_get_details (STK_LOCK_DIALOG (dialog)), g_get_user_name ()),
             "%s", stk_lock_dialog_get_details (STK_LOCK_DIALOG (dialog)));
  cr_assert (strstr (stk_lock_dialog_get_details (STK_LOCK_DIALOG (dialog)), "(process "));
  /* Nothing about it on stderr: the dialog says it. */
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog))));
  cr_assert_null (strstr (stderr_messages->str, "open for editing"), "%s", stderr_messages->str);
  cr_assert_null (strstr (stderr_messages->str, "AdwMessageDialog"), "%s", stderr_messages->str);
  return dialog;
}

static void
lock_quit_script (void)
{
  GtkWindow *dialog = wait_lock_dialog ();

  /* Running the program again shows the same dialog. */
  g_application_activate (G_APPLICATION (app));
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (count_toplevels (STK_TYPE_LOCK_DIALOG), 1);

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), STK_LOCK_DIALOG_QUIT);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCK_DIALOG) == NULL));
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_WINDOW));
}

Test (cov_app, inventory_held_by_another_window_quit_leaves_it_alone)
{
  make_inventory ();
  taker = stk_lock_taker_start (db_path, "window");
  cr_assert_eq (run_app (lock_quit_script), 0);
  cr_assert (stk_lock_is_held (db_path), "the other program's lock is gone");
  stk_lock_taker_stop (taker);
  g_clear_object (&taker);
}

static void
lock_try_again_read_only_switch_script (void)
{
  GtkWindow *dialog = wait_lock_dialog ();
  StkWindow *window;
  StkSession *session;
  GtkWindow *quit;

  /* Try Again while it is still held: the same dialog says so again. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), STK_LOCK_DIALOG_TRY_AGAIN);
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (count_toplevels (STK_TYPE_LOCK_DIALOG), 1);
  cr_assert_eq (stk_test_find_toplevel (STK_TYPE_LOCK_DIALOG), dialog, "a new dialog instead of the same");
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_WINDOW));

  /* Open Read-Only: the window, read-only; the dialog goes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), STK_LOCK_DIALOG_READ_ONLY);
  window = wait_window ();
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCK_DIALOG) == NULL));
  session = stk_window_get_session (window);
  cr_assert_not_null (session);
  cr_assert (stk_session_get_read_only (session));
  cr_assert_null (stk_session_get_writer (session));

  /* The SIGUSR1 hook saves nothing read-only, and says so. */
  raise (SIGUSR1);
  cr_assert (WAIT_UNTIL (strstr (messages->str, "Test hook: read-only, nothing saved") != NULL));

  /* The other window closes: Switch to Editing; the application follows the new writer
   * (its "Database locked" dialog and Quit's question). */
  stk_lock_taker_stop (taker);
  g_clear_object (&taker);
  cr_assert (WAIT_UNTIL (stk_session_get_can_edit (session)),
             "the session never saw the lock go");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.switch-to-editing", NULL);
  cr_assert (WAIT_UNTIL (stk_session_get_writer (session) != NULL), "still read-only");
  cr_assert_not (stk_session_get_read_only (session));

  holder = hold_database ();
  save_new_item_while_held (window, "SWITCH-1");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) != NULL),
             "no “Database locked” for the writer after Switch to Editing");
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) != NULL),
             "Quit did not ask about the new writer's waiting change");
  quit = stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (quit), "wait");
  release_database (holder);
  g_clear_object (&holder);
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL));
}

Test (cov_app, inventory_held_by_another_window_try_again_read_only_then_switch_to_editing)
{
  make_inventory ();
  g_setenv ("STOCKTAKE_TEST_HOOKS", "1", TRUE);
  taker = stk_lock_taker_start (db_path, "window");
  cr_assert_eq (run_app (lock_try_again_read_only_switch_script), 0);
  cr_assert_eq (count_items ("SWITCH-1"), 1);
  cr_assert_not (stk_lock_is_held (db_path));
}

static void
lock_read_only_fails_script (void)
{
  GtkWindow *dialog = wait_lock_dialog ();
  StkWindow *window;

  /* Meanwhile the file stopped being an inventory. */
  cr_assert (g_file_set_contents (db_path, "not an inventory\n", -1, NULL));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), STK_LOCK_DIALOG_READ_ONLY);
  window = wait_window ();
  cr_assert_null (stk_window_get_session (window));
  cr_assert_not_null (stk_window_get_error_message (window), "the window shows no reason");
  cr_assert (strstr (messages->str, "Cannot open the inventory read-only") != NULL,
             "%s", messages->str);

  /* Running the program again: the same window, no new attempt. */
  g_application_activate (G_APPLICATION (app));
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (count_toplevels (STK_TYPE_WINDOW), 1);
  gtk_window_close (GTK_WINDOW (window));
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL));
}

Test (cov_app, read_only_open_that_fails_shows_the_reason_in_the_window)
{
  make_inventory ();
  taker = stk_lock_taker_start (db_path, "window");
  cr_assert_eq (run_app (lock_read_only_fails_script), 0);
  stk_lock_taker_stop (taker);
  g_clear_object (&taker);
  /* The file is left as it was found. */
  {
    g_autofree char *text = NULL;

    cr_assert (g_file_get_contents (db_path, &text, NULL, NULL));
    cr_assert_str_eq (text, "not an inventory\n");
  }
}

/* --- a busy database at start --------------------------------------------------------- */

/* An inventory of format 3, which the window upgrades on opening: while another program
 * holds the database, the writer cannot get it within its budget. */
static void
make_old_inventory (void)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %d",
                                          STK_SCHEMA_APPLICATION_ID);

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, sql, NULL, NULL, NULL), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, 3, &error), "%s", error ? error->message : "");
  cr_assert_eq (sqlite3_close (db), SQLITE_OK);
}

static void
busy_retry_script (void)
{
  GtkWindow *dialog;
  StkWindow *window;

  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) != NULL), "no busy dialog");
  dialog = stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG);
  cr_assert (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                     "inventory.db") != NULL);
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_WINDOW));
  g_application_activate (G_APPLICATION (app));
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (count_toplevels (STK_TYPE_LOCKED_DIALOG), 1);

  /* Try Again while still busy: the same dialog. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "retry");
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG), dialog);
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_WINDOW));

  /* The other program lets go: Try Again opens the window, editing. */
  release_database (holder);
  g_clear_object (&holder);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "retry");
  window = wait_window ();
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) == NULL));
  cr_assert_not_null (window_writer (window));
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL));
}

Test (cov_app, busy_database_at_start_try_again_opens_once_it_is_free)
{
  make_old_inventory ();
  holder = hold_database ();
  cr_assert_eq (run_app (busy_retry_script), 0);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), STK_SCHEMA_VERSION,
                "not upgraded");
}

static void
busy_quit_script (void)
{
  GtkWindow *dialog;

  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) != NULL), "no busy dialog");
  dialog = stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) == NULL));
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_WINDOW));
}

Test (cov_app, busy_database_at_start_quit_changes_nothing)
{
  make_old_inventory ();
  holder = hold_database ();
  cr_assert_eq (run_app (busy_quit_script), 0);
  release_database (holder);
  g_clear_object (&holder);
  cr_assert_eq (stk_test_query (db_path, "PRAGMA user_version"), 3, "changed anyway");
  cr_assert_not (stk_lock_is_held (db_path));
}

/* --- an inventory that cannot be opened ------------------------------------------------ */

static void
unopenable_script (void)
{
  StkWindow *window = wait_window ();

  cr_assert_null (stk_window_get_session (window));
  cr_assert_not_null (stk_window_get_error_message (window));
  cr_assert (strstr (messages->str, "Cannot open the inventory: ") != NULL, "%s", messages->str);
  g_application_activate (G_APPLICATION (app));
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (count_toplevels (STK_TYPE_WINDOW), 1);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL));
}

Test (cov_app, a_file_that_is_no_inventory_shows_the_reason_and_is_left_alone)
{
  g_autofree char *text = NULL;

  cr_assert (g_file_set_contents (db_path, "not an inventory\n", -1, NULL));
  cr_assert_eq (run_app (unopenable_script), 0);
  cr_assert (g_file_get_contents (db_path, &text, NULL, NULL));
  cr_assert_str_eq (text, "not an inventory\n");
}

/* --- signals ------------------------------------------------------------------------- */

static void
sigterm_script (void)
{
  StkWindow *window = wait_window ();
  g_autofree char *code = g_strdup_printf ("TEST-%d-1", (int) getpid ());

  (void) window;
  raise (SIGUSR1);
  cr_assert (WAIT_UNTIL (strstr (messages->str, "Test hook: saved") != NULL),
             "%s", messages->str);
  cr_assert_eq (count_items (code), 1);

  /* A polite kill closes like Quit, even with a second window open. */
  gtk_window_present (GTK_WINDOW (stk_window_new (GTK_APPLICATION (app),
                                                  stk_window_get_session (window), NULL)));
  cr_assert (WAIT_UNTIL (count_toplevels (STK_TYPE_WINDOW) == 2));
  raise (SIGTERM);
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL),
             "SIGTERM left a window open");
}

Test (cov_app, sigterm_closes_every_window_and_the_test_hook_saves_on_sigusr1)
{
  g_setenv ("STOCKTAKE_TEST_HOOKS", "1", TRUE);
  cr_assert_eq (run_app (sigterm_script), 0);
  cr_assert_not (stk_lock_is_held (db_path));
}

/* --- two windows ----------------------------------------------------------------------- */

static void
two_windows_script (void)
{
  StkWindow *first = wait_window ();
  StkWindow *second;

  holder = hold_database ();
  save_new_item_while_held (first, "TWO-1");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) != NULL));
  gtk_window_destroy (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG));
  second = stk_window_new (GTK_APPLICATION (app), stk_window_get_session (first), NULL);
  gtk_window_present (GTK_WINDOW (second));
  cr_assert (WAIT_UNTIL (count_toplevels (STK_TYPE_WINDOW) == 2));

  /* One of two windows closes without asking: the other still holds the change. */
  gtk_window_close (GTK_WINDOW (first));
  cr_assert (WAIT_UNTIL (count_toplevels (STK_TYPE_WINDOW) == 1));
  cr_assert_null (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG));

  release_database (holder);
  g_clear_object (&holder);
  stk_writer_retry_now (window_writer (second));
  cr_assert (WAIT_UNTIL (stk_writer_get_pending (window_writer (second)) == 0));
  gtk_window_close (GTK_WINDOW (second));
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL));
}

Test (cov_app, closing_one_of_two_windows_does_not_ask)
{
  cr_assert_eq (run_app (two_windows_script), 0);
  cr_assert_eq (count_items ("TWO-1"), 1);
}

/* --- a set-aside change that is refused ------------------------------------------------ */

static const char *
notice_text (StkWindow *window)
{
  StkNotice *notice = child (window, STK_TYPE_WINDOW, "notice");
  const char *text = stk_notice_get_text (notice);

  return text != NULL ? text : "";
}

static void
set_aside_refused_script (void)
{
  StkWindow *window = wait_window ();

  stk_test_submit (window_writer (window), stk_op_create_item ("DUP-1", "First", 100, 0));
  holder = hold_database ();
  save_new_item_while_held (window, "DUP-1");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) != NULL));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG)), "close");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG) == NULL));

  /* The other program lets go; the code is taken: the window says the change was not
   * saved, and why. */
  release_database (holder);
  g_clear_object (&holder);
  stk_writer_retry_now (window_writer (window));
  cr_assert (WAIT_UNTIL (g_str_has_prefix (notice_text (window), "Not saved: ")),
             "the window did not say the change was refused: “%s”", notice_text (window));
  cr_assert (strstr (notice_text (window), "DUP-1") != NULL, "“%s”", notice_text (window));
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL));
}

Test (cov_app, a_set_aside_change_that_is_refused_is_announced_in_the_window)
{
  cr_assert_eq (run_app (set_aside_refused_script), 0);
  cr_assert_eq (count_items ("DUP-1"), 1);
}

/* --- automatic backups (issue 21) ---------------------------------------------------- */

static char *backup_folder;

static guint
count_backups (void)
{
  g_autoptr(GPtrArray) list = stk_backup_list (backup_folder, db_path, NULL);

  return list != NULL ? list->len : 0;
}

/* The automatic-backup settings of this run (the memory backend: in-process). */
static void
set_backup_settings (gboolean    on,
                     const char *folder)
{
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);

  cr_assert_not_null (settings);
  g_settings_set_boolean (settings, "auto-backup", on);
  g_settings_set_string (settings, "backup-folder", folder);
  g_settings_set_uint (settings, "backup-keep", 14);
}

/* New Item through the window, saved. */
static void
save_new_item (StkWindow  *window,
               const char *code)
{
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-item", NULL);
  dialog = stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG);
  cr_assert_not_null (dialog);
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, STK_TYPE_ITEM_DIALOG, "code_entry")), code);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  stk_test_writer_barrier (window_writer (window));
}

static void
backup_day_script (void)
{
  wait_window ();
  /* The first start of the day makes one, in the background. */
  cr_assert (WAIT_UNTIL (count_backups () == 1), "no backup at the first start of the day");
  /* No change: quitting makes none. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL));
}

static void
backup_changes_script (void)
{
  StkWindow *window = wait_window ();

  /* One of today is there: none at this start. */
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (count_backups (), 1);
  save_new_item (window, "BACKED-1");
  /* A change: quitting makes one first, then quits. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL),
             "Quit left a window open");
}

Test (cov_app, automatic_backups_on_the_first_start_of_the_day_and_on_quit_after_changes)
{
  g_autoptr(GPtrArray) list = NULL;
  StkBackupEntry *newest;

  backup_folder = g_build_filename (tmpdir, "backups", NULL);
  set_backup_settings (TRUE, backup_folder);
  make_inventory ();

  cr_assert_eq (run_app (backup_day_script), 0);
  cr_assert_eq (count_backups (), 1, "a quit without changes made a backup");
  g_clear_object (&app);

  cr_assert_eq (run_app (backup_changes_script), 0);
  list = stk_backup_list (backup_folder, db_path, NULL);
  cr_assert_eq (list->len, 2, "quitting after a change made no backup");
  newest = list->pdata[0];
  cr_assert_not (newest->damaged, "%s", newest->problem);
  cr_assert_eq (newest->items, 1, "the backup on quitting holds the change");
  cr_assert_eq (((StkBackupEntry *) list->pdata[1])->items, 0);
  g_clear_pointer (&backup_folder, g_free);
}

static void
backup_off_script (void)
{
  StkWindow *window = wait_window ();

  save_new_item (window, "NOT-BACKED");
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL));
}

Test (cov_app, automatic_backups_switched_off_make_none)
{
  backup_folder = g_build_filename (tmpdir, "backups", NULL);
  set_backup_settings (FALSE, backup_folder);
  make_inventory ();
  cr_assert_eq (run_app (backup_off_script), 0);
  cr_assert_not (g_file_test (backup_folder, G_FILE_TEST_EXISTS));
  set_backup_settings (TRUE, "");
  g_clear_pointer (&backup_folder, g_free);
}

static void
backup_fails_script (void)
{
  StkWindow *window = wait_window ();
  StkNotice *notice = child (window, STK_TYPE_WINDOW, "notice");
  GtkWindow *quit;

  /* The start-of-day backup fails: the window says so, and stays saying so. */
  cr_assert (WAIT_UNTIL (stk_notice_get_text (notice) != NULL &&
                         g_str_has_prefix (stk_notice_get_text (notice),
                                           "The automatic backup failed. Cannot create the "
                                           "backup folder")),
             "the failure was not shown: “%s”", stk_notice_get_text (notice));
  cr_assert_str_eq (adw_toast_get_action_name (stk_notice_get_toast (notice)), "app.preferences");
  cr_assert_eq (adw_toast_get_timeout (stk_notice_get_toast (notice)), 0);

  save_new_item (window, "CHANGED-1");
  /* Quitting after the change: the backup fails again; the quit dialog says so. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) != NULL),
             "the failed backup on quitting was not shown");
  quit = stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG);
  cr_assert_str_eq (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (quit)),
                    "The automatic backup failed");
  cr_assert (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (quit)),
                     "Cannot create the backup folder") != NULL);
  cr_assert_not_null (stk_test_find_toplevel (STK_TYPE_WINDOW), "quit without asking");

  /* Cancel: back to work. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (quit), "cancel");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) == NULL));
  cr_assert_not_null (stk_test_find_toplevel (STK_TYPE_WINDOW));

  /* Quit again, then Quit Anyway. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) != NULL));
  quit = stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG);
  cr_assert_str_eq (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (quit), "quit"),
                    "_Quit Anyway");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (quit), "quit");
  cr_assert (WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL),
             "Quit Anyway left a window open");
}

Test (cov_app, a_failed_automatic_backup_is_shown_and_quitting_offers_quit_anyway)
{
  g_autofree char *file = g_build_filename (tmpdir, "a-file", NULL);

  cr_assert (g_file_set_contents (file, "x", -1, NULL));
  backup_folder = g_build_filename (file, "backups", NULL);
  set_backup_settings (TRUE, backup_folder);
  make_inventory ();
  cr_assert_eq (run_app (backup_fails_script), 0);
  cr_assert_eq (count_items ("CHANGED-1"), 1, "the change is saved all the same");
  set_backup_settings (TRUE, "");
  g_clear_pointer (&backup_folder, g_free);
}
