/* SPDX-License-Identifier: GPL-3.0-or-later */
/* New Inventory… and Open Inventory… (issue 16), with app/stk-application.c compiled
 * into the test and run with g_application_run(): the file choosers are the only thing
 * left out — app.open-inventory and app.new-inventory take the path they would give —
 * so the rest runs for real: the check of the other file before anything is closed,
 * the question about changes still waiting, the lock of the other inventory (held by
 * another process: Open Read-Only, Cancel), the close of this one (its lock released),
 * the new window and the inventory remembered for the next launch; a second Open or New
 * while the question about waiting changes is asked (still one question), Close and
 * Lose, New Inventory… on an empty file. Under Xvfb, with the stk-lock-holder and
 * stk-lock-taker helpers. */
#include "config.h"

#include <signal.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "stk-application.h"
#include "stk-backups.h"
#include "stk-db.h"
#include "stk-glib.h"
#include "stk-item-dialog.h"
#include "stk-lock.h"
#include "stk-lock-dialog.h"
#include "stk-lock-test-util.h"
#include "stk-locked-dialog.h"
#include "stk-ops.h"
#include "stk-quit-dialog.h"
#include "stk-session.h"
#include "stk-test-util.h"
#include "stk-test-ui-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 20000

#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

#define GARBAGE "This is a shopping list, not an inventory.\nmilk\nbread\n"

static char *tmpdir;
static char *db_path;      /* the inventory the application starts on */
static char *other_path;   /* another inventory */
static char *backups;      /* the automatic backups' folder */
static StkApplication *app;
static gboolean script_done;
static GSubprocess *holder; /* another program holding db_path (stk-lock-holder) */

static void
setup (void)
{
  /* Locked after 300 ms; probes rarely, so that only what the test does decides. */
  g_setenv ("STOCKTAKE_RETRY_BUDGET_MS", "300", TRUE);
  g_setenv ("STOCKTAKE_PROBE_INTERVAL_MS", "60000", TRUE);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  tmpdir = stk_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "inventory.db", NULL);
  other_path = g_build_filename (tmpdir, "Corner Shop.db", NULL);
  backups = g_build_filename (tmpdir, "backups", NULL);
  {
    g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);

    cr_assert_not_null (settings, "the schema is not installed for the test");
    g_settings_set_string (settings, "backup-folder", backups);
    g_settings_set_string (settings, "last-inventory", "");
  }
}

static void
teardown (void)
{
  if (holder != NULL)
    {
      stk_test_release_database (holder);
      g_clear_object (&holder);
    }
  g_clear_object (&app);
  stk_test_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&db_path, g_free);
  g_clear_pointer (&other_path, g_free);
  g_clear_pointer (&backups, g_free);
}

TestSuite (open_inventory, .init = setup, .fini = teardown, .timeout = 120);

/* --- helpers ----------------------------------------------------------------------- */

typedef void (*Script) (void);

static void
script_idle (gpointer data)
{
  ((Script) (guintptr) data) ();
  script_done = TRUE;
  /* Done: quit (nothing waits any more, so without asking). */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_application_release (G_APPLICATION (app));
}

static int
run_app (Script script)
{
  char *argv[] = { (char *) "stocktake", NULL };
  int status;

  app = stk_application_new (db_path);
  g_application_hold (G_APPLICATION (app));
  g_idle_add_once (script_idle, STK_FUNC_TAG (script));
  status = g_application_run (G_APPLICATION (app), 1, argv);
  cr_assert (script_done, "the application quit before the script was done");
  return status;
}

static const char *
window_path (StkWindow *window)
{
  StkSession *session = window ? stk_window_get_session (window) : NULL;

  return session ? stk_session_get_path (session) : NULL;
}

/* The window of @path, once it has come. */
static StkWindow *
wait_window_of (const char *path)
{
  cr_assert (WAIT_UNTIL (g_strcmp0 (window_path (STK_WINDOW (stk_test_find_toplevel (STK_TYPE_WINDOW))),
                                    path) == 0),
             "no window of %s (now %s)", path,
             window_path (STK_WINDOW (stk_test_find_toplevel (STK_TYPE_WINDOW))));
  return STK_WINDOW (stk_test_find_toplevel (STK_TYPE_WINDOW));
}

static void
activate (const char *action,
          const char *path)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), action, g_variant_new_string (path));
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

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  cr_assert (stk_writer_submit_finish (STK_WRITER (object), result, &error), "%s",
             error ? error->message : "");
  *(gboolean *) user_data = TRUE;
}

/* An inventory at @path (with the item @code unless NULL), made and closed before the
 * run. */
static void
make_inventory (const char *path,
                const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = stk_session_open (path, STK_SESSION_MODE_EDIT, &error);

  cr_assert_not_null (session, "%s", error ? error->message : "");
  if (code != NULL)
    {
      g_autoptr(StkOp) op = stk_op_create_item (code, "An item", 100, 0);
      gboolean done = FALSE;

      stk_writer_submit (stk_session_get_writer (session), op, NULL, submitted_cb, &done);
      cr_assert (WAIT_UNTIL (done), "the item was never saved");
    }
  cr_assert (stk_session_close (session, 5000, &error), "%s", error ? error->message : "");
}

static gint64
count_items (const char *path,
             const char *code)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM items WHERE code = '%s'", code);

  return stk_test_query (path, sql);
}

/* Whether another program could take @path's lock now (it is free). */
static gboolean
lock_free (const char *path)
{
  g_autoptr(GError) error = NULL;
  StkLock *lock = stk_lock_acquire (path, "test", &error);

  if (lock == NULL)
    return FALSE;
  stk_lock_release (lock);
  return TRUE;
}

/* The error dialog about the other file: its heading and body, then closed. */
static char *
take_error_dialog (const char *heading)
{
  GtkWindow *dialog;
  char *body;

  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL),
             "no error dialog");
  dialog = stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  cr_assert_str_eq (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), heading);
  cr_assert (STK_IS_WINDOW (gtk_window_get_transient_for (dialog)), "not over the window");
  body = g_strdup (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  /* As its Close button does: the response, then closed. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_close (dialog);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL));
  return body;
}

/* New Item through @window: saved in its inventory. */
static void
save_new_item (StkWindow  *window,
               const char *code)
{
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-item", NULL);
  dialog = stk_test_find_toplevel (STK_TYPE_ITEM_DIALOG);
  cr_assert_not_null (dialog, "no New Item dialog: the window is not editable");
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, STK_TYPE_ITEM_DIALOG, "code_entry")), code);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
}

static char *
last_inventory (void)
{
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);

  cr_assert_not_null (settings, "the schema is not installed for the test");
  return g_settings_get_string (settings, "last-inventory");
}

/* How many automatic backups of @path there are. */
static guint
count_backups (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = stk_backup_list (backups, path, &error);

  cr_assert_not_null (list, "%s", error ? error->message : "");
  return list->len;
}

/* How many items coded @code the newest automatic backup of @path has; -1: none. */
static gint64
newest_backup_items (const char *path,
                     const char *code)
{
  g_autoptr(GPtrArray) list = stk_backup_list (backups, path, NULL);

  if (list == NULL || list->len == 0)
    return -1;
  return count_items (((StkBackupEntry *) g_ptr_array_index (list, 0))->path, code);
}

/* --- Open Inventory… --------------------------------------------------------------- */

static void
open_other_script (void)
{
  StkWindow *window = wait_window_of (db_path);
  g_autofree char *last = NULL;

  cr_assert_str_eq (gtk_window_get_title (GTK_WINDOW (window)), "Stocktake — inventory",
                    "%s", gtk_window_get_title (GTK_WINDOW (window)));
  cr_assert_not (lock_free (db_path));
  /* The first editing start of the day made a backup. */
  cr_assert (WAIT_UNTIL (count_backups (db_path) == 1), "no backup at the start");

  /* A change here: leaving the inventory backs it up with it, as quitting would. */
  save_new_item (window, "BEFORE-OPEN");
  cr_assert (WAIT_UNTIL (count_items (db_path, "BEFORE-OPEN") == 1));

  /* The same inventory again: nothing happens, the same window. */
  activate ("open-inventory", db_path);
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (STK_WINDOW (stk_test_find_toplevel (STK_TYPE_WINDOW)), window);

  activate ("open-inventory", other_path);
  window = wait_window_of (other_path);
  cr_assert_not (stk_session_get_read_only (stk_window_get_session (window)));
  cr_assert_str_eq (stk_application_get_database_path (app), other_path);
  /* The window says which inventory it is. */
  cr_assert_str_eq (gtk_window_get_title (GTK_WINDOW (window)), "Stocktake — Corner Shop");
  /* The old one is closed: its lock is free for anyone; the new one is held. */
  cr_assert (lock_free (db_path), "the first inventory's lock was kept");
  cr_assert_not (lock_free (other_path), "the other inventory's lock is not held");
  /* Remembered for the next launch. */
  last = last_inventory ();
  cr_assert_str_eq (last, other_path);

  /* It is the other one that is edited now. */
  save_new_item (window, "AFTER-OPEN");
  cr_assert (WAIT_UNTIL (count_items (other_path, "AFTER-OPEN") == 1));
  cr_assert_eq (count_items (db_path, "AFTER-OPEN"), 0);
  cr_assert_eq (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), 1);

  /* The one left was backed up with its change. */
  cr_assert (WAIT_UNTIL (newest_backup_items (db_path, "BEFORE-OPEN") == 1),
             "no backup of the inventory left, with its change");
}

Test (open_inventory, open_another_releases_the_first_and_holds_the_other)
{
  make_inventory (db_path, NULL);
  make_inventory (other_path, "OTHER-1");
  cr_assert_eq (run_app (open_other_script), 0);
  cr_assert (lock_free (other_path), "the lock outlived the application");
  cr_assert_eq (count_items (other_path, "OTHER-1"), 1);
}

/* A file that is not an inventory, or is not there, or cannot be read: said, and this
 * inventory stays open and editable. */
static void
open_garbage_script (void)
{
  StkWindow *window = wait_window_of (db_path);
  g_autofree char *missing = g_build_filename (tmpdir, "nowhere.db", NULL);
  g_autofree char *unreadable = g_build_filename (tmpdir, "secret.db", NULL);
  g_autofree char *body = NULL;
  g_autofree char *contents = NULL;

  activate ("open-inventory", other_path);
  body = take_error_dialog ("Cannot Open the Inventory");
  cr_assert (strstr (body, "Corner Shop.db") != NULL, "%s", body);
  cr_assert_eq (STK_WINDOW (stk_test_find_toplevel (STK_TYPE_WINDOW)), window);
  cr_assert_str_eq (window_path (window), db_path);
  cr_assert_not (lock_free (db_path), "the inventory was closed for a file it cannot open");
  cr_assert (lock_free (other_path));
  g_clear_pointer (&body, g_free);

  /* Not there: not made either. */
  activate ("open-inventory", missing);
  body = take_error_dialog ("Cannot Open the Inventory");
  cr_assert (strstr (body, "There is no inventory") != NULL, "%s", body);
  cr_assert_not (g_file_test (missing, G_FILE_TEST_EXISTS), "Open made a file");
  g_clear_pointer (&body, g_free);

  /* Cannot be read (as root every file can: skipped then). */
  make_inventory (unreadable, NULL);
  cr_assert_eq (g_chmod (unreadable, 0), 0);
  if (g_access (unreadable, R_OK) != 0)
    {
      activate ("open-inventory", unreadable);
      g_free (take_error_dialog ("Cannot Open the Inventory"));
      cr_assert_str_eq (window_path (window), db_path);
    }
  g_chmod (unreadable, 0600);

  /* Still open, still editable. */
  cr_assert_not (stk_session_get_read_only (stk_window_get_session (window)));
  save_new_item (window, "STILL-HERE");
  cr_assert (WAIT_UNTIL (count_items (db_path, "STILL-HERE") == 1));

  /* The garbage is untouched, with no -wal or -shm beside it. */
  cr_assert (g_file_get_contents (other_path, &contents, NULL, NULL));
  cr_assert_str_eq (contents, GARBAGE);
}

Test (open_inventory, open_garbage_says_so_and_keeps_the_inventory)
{
  g_autofree char *wal = NULL;

  make_inventory (db_path, NULL);
  cr_assert (g_file_set_contents (other_path, GARBAGE, -1, NULL));
  cr_assert_eq (run_app (open_garbage_script), 0);
  wal = g_strconcat (other_path, "-wal", NULL);
  cr_assert_not (g_file_test (wal, G_FILE_TEST_EXISTS));
}

/* --- New Inventory… ---------------------------------------------------------------- */

static void
new_script (void)
{
  StkWindow *window = wait_window_of (db_path);
  g_autofree char *new_path = g_build_filename (tmpdir, "New Shop.db", NULL);
  g_autofree char *garbage = g_build_filename (tmpdir, "notes.db", NULL);
  g_autofree char *body = NULL;
  gboolean exists = FALSE;
  g_autoptr(GError) error = NULL;

  /* An inventory is there already: not replaced. */
  activate ("new-inventory", other_path);
  body = take_error_dialog ("Cannot Create the Inventory");
  cr_assert (strstr (body, "already an inventory") != NULL, "%s", body);
  cr_assert_eq (count_items (other_path, "OTHER-1"), 1, "the inventory was replaced");
  g_clear_pointer (&body, g_free);

  /* A file that is not an inventory: refused, untouched. */
  cr_assert (g_file_set_contents (garbage, GARBAGE, -1, NULL));
  activate ("new-inventory", garbage);
  body = take_error_dialog ("Cannot Create the Inventory");
  cr_assert (strstr (body, "is not an inventory") != NULL, "%s", body);
  g_clear_pointer (&body, g_free);
  cr_assert_str_eq (window_path (window), db_path);
  cr_assert_not (lock_free (db_path));

  /* A new name: made, empty, and open for editing. */
  activate ("new-inventory", new_path);
  window = wait_window_of (new_path);
  cr_assert (stk_db_check_file (new_path, &exists, &error), "%s", error->message);
  cr_assert (exists);
  cr_assert_eq (stk_test_query (new_path, "SELECT count(*) FROM items"), 0);
  cr_assert_not (stk_session_get_read_only (stk_window_get_session (window)));
  cr_assert (lock_free (db_path), "the first inventory's lock was kept");
  cr_assert_not (lock_free (new_path));
  /* An empty inventory: the welcome page. */
  cr_assert (WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (child (window, STK_TYPE_WINDOW, "main_stack")),
                                    "empty") == 0));
  save_new_item (window, "FIRST");
  cr_assert (WAIT_UNTIL (count_items (new_path, "FIRST") == 1));
}

Test (open_inventory, new_makes_an_empty_inventory_and_replaces_nothing)
{
  g_autofree char *garbage = NULL;
  g_autofree char *contents = NULL;

  make_inventory (db_path, NULL);
  make_inventory (other_path, "OTHER-1");
  cr_assert_eq (run_app (new_script), 0);
  garbage = g_build_filename (tmpdir, "notes.db", NULL);
  cr_assert (g_file_get_contents (garbage, &contents, NULL, NULL));
  cr_assert_str_eq (contents, GARBAGE);
}

/* --- from the page that says why the inventory cannot be opened --------------------- */

static void
from_error_page_script (void)
{
  StkWindow *window;
  GtkWidget *page;

  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_WINDOW) != NULL), "no window");
  window = STK_WINDOW (stk_test_find_toplevel (STK_TYPE_WINDOW));
  cr_assert_null (stk_window_get_session (window));
  cr_assert_not_null (stk_window_get_error_message (window));
  /* The page offers both, and they can be used. */
  page = gtk_stack_get_visible_child (child (window, STK_TYPE_WINDOW, "main_stack"));
  cr_assert_str_eq (gtk_stack_get_visible_child_name (child (window, STK_TYPE_WINDOW, "main_stack")),
                    "error");
  cr_assert (gtk_widget_is_ancestor (child (window, STK_TYPE_WINDOW, "error_label"), page));
  cr_assert (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "open-inventory"));
  cr_assert (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "new-inventory"));

  activate ("open-inventory", other_path);
  window = wait_window_of (other_path);
  cr_assert_null (stk_window_get_error_message (window));
  cr_assert_not (stk_session_get_read_only (stk_window_get_session (window)));
  cr_assert_eq (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), 1);
}

Test (open_inventory, the_error_page_opens_another)
{
  g_autofree char *contents = NULL;

  cr_assert (g_file_set_contents (db_path, GARBAGE, -1, NULL));
  make_inventory (other_path, "OTHER-1");
  cr_assert_eq (run_app (from_error_page_script), 0);
  cr_assert (g_file_get_contents (db_path, &contents, NULL, NULL));
  cr_assert_str_eq (contents, GARBAGE);
}

/* --- held by another process ------------------------------------------------------- */

static GSubprocess *taker;

static GtkWindow *
wait_lock_dialog (StkWindow *window)
{
  GtkWindow *dialog;

  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCK_DIALOG) != NULL), "no lock dialog");
  dialog = stk_test_find_toplevel (STK_TYPE_LOCK_DIALOG);
  cr_assert_eq (gtk_window_get_transient_for (dialog), GTK_WINDOW (window));
  cr_assert_str_eq (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)),
                    STK_LOCK_DIALOG_READ_ONLY);
  /* Escape keeps this inventory, and says so. */
  cr_assert_str_eq (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog),
                                                           STK_LOCK_DIALOG_QUIT), "_Cancel");
  return dialog;
}

static void
locked_script (void)
{
  StkWindow *window = wait_window_of (db_path);
  GtkWindow *dialog;

  /* Cancel: nothing changes. */
  activate ("open-inventory", other_path);
  dialog = wait_lock_dialog (window);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), STK_LOCK_DIALOG_QUIT);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCK_DIALOG) == NULL));
  cr_assert_eq (STK_WINDOW (stk_test_find_toplevel (STK_TYPE_WINDOW)), window);
  cr_assert_str_eq (window_path (window), db_path);
  cr_assert_not (stk_session_get_read_only (stk_window_get_session (window)));
  cr_assert_not (lock_free (db_path));

  /* Open Read-Only: the other one, read-only; this one closed. */
  activate ("open-inventory", other_path);
  dialog = wait_lock_dialog (window);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), STK_LOCK_DIALOG_READ_ONLY);
  window = wait_window_of (other_path);
  cr_assert (stk_session_get_read_only (stk_window_get_session (window)));
  cr_assert_null (stk_session_get_writer (stk_window_get_session (window)));
  cr_assert_str_eq (gtk_window_get_title (GTK_WINDOW (window)),
                    "Stocktake (read-only) — Corner Shop");
  cr_assert (lock_free (db_path), "the first inventory's lock was kept");
  cr_assert (stk_lock_is_held (other_path), "the other program's lock is gone");
}

Test (open_inventory, held_by_another_program_offers_read_only)
{
  make_inventory (db_path, NULL);
  make_inventory (other_path, "OTHER-1");
  taker = stk_lock_taker_start (other_path, "window");
  cr_assert_eq (run_app (locked_script), 0);
  stk_lock_taker_stop (taker);
  g_clear_object (&taker);
}

/* --- changes still waiting ---------------------------------------------------------- */


static gboolean
writer_locked (StkWriter *writer)
{
  StkWriterState state = stk_writer_get_state (writer);

  return state == STK_WRITER_STATE_LOCKED || state == STK_WRITER_STATE_PROBING;
}

static void
pending_script (void)
{
  StkWindow *window = wait_window_of (db_path);
  StkWriter *writer = stk_session_get_writer (stk_window_get_session (window));
  GtkWindow *quit;
  GtkWindow *locked;

  /* Another program holds the database: the change waits. */
  holder = stk_test_hold_database (db_path);
  save_new_item (window, "WAITING-1");
  cr_assert (WAIT_UNTIL (writer_locked (writer)), "the writer never waited");
  cr_assert_eq (stk_writer_get_pending (writer), 1);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) != NULL));
  locked = stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG);
  gtk_window_destroy (locked);

  /* Open…: asked first; Cancel keeps everything. */
  activate ("open-inventory", other_path);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) != NULL), "not asked");
  quit = stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG);
  cr_assert_eq (gtk_window_get_transient_for (quit), GTK_WINDOW (window));
  cr_assert_str_eq (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (quit), "lose"),
                    "_Close and Lose 1 Change");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (quit), "cancel");
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) == NULL));
  cr_assert_str_eq (window_path (window), db_path);
  cr_assert_eq (stk_writer_get_pending (writer), 1);

  /* Again, and Wait: once the other program lets go the change is saved, and only
   * then the other inventory opens. */
  activate ("open-inventory", other_path);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) != NULL), "not asked");
  quit = stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (quit), "wait");
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_str_eq (window_path (STK_WINDOW (stk_test_find_toplevel (STK_TYPE_WINDOW))), db_path,
                    "switched while the change was waiting");
  stk_test_release_database (holder);
  g_clear_object (&holder);
  window = wait_window_of (other_path);
  cr_assert_eq (count_items (db_path, "WAITING-1"), 1, "the waiting change was dropped");
  cr_assert (lock_free (db_path));
}

Test (open_inventory, waiting_changes_are_asked_about_and_saved_first)
{
  make_inventory (db_path, NULL);
  make_inventory (other_path, "OTHER-1");
  cr_assert_eq (run_app (pending_script), 0);
  if (holder != NULL)
    {
      stk_test_release_database (holder);
      g_clear_object (&holder);
    }
}

/* --- the next launch ------------------------------------------------------------------ */

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* The real program started without --database, with settings of its own in a key file
 * (GSETTINGS_BACKEND=keyfile) that name @last as the inventory opened last; returns once
 * it holds the lock of @expected, then ends it as a polite kill would. */
static void
launch_expecting (const char *last,
                  const char *expected)
{
  g_autofree char *config = g_build_filename (tmpdir, "config", NULL);
  g_autofree char *data = g_build_filename (tmpdir, "data", NULL);
  g_autofree char *settings_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  g_autoptr(GVariant) value = g_variant_ref_sink (g_variant_new_string (last));
  g_autofree char *quoted = g_variant_print (value, FALSE);
  g_autofree char *contents = g_strdup_printf ("[io/github/stocktake/Stocktake]\n"
                                               "last-inventory=%s\n", quoted);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  gboolean exited = FALSE;

  cr_assert_eq (g_mkdir_with_parents (settings_dir, 0700), 0);
  cr_assert (g_file_set_contents (keyfile, contents, -1, NULL));
  g_subprocess_launcher_unsetenv (launcher, "STOCKTAKE_DATABASE");
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("STOCKTAKE_EXE"), NULL);
  cr_assert_not_null (proc, "%s", error ? error->message : "");
  g_subprocess_wait_async (proc, NULL, exited_cb, &exited);
  cr_assert (WAIT_UNTIL (stk_lock_is_held (expected) || exited),
             "the window never took %s", expected);
  cr_assert_not (exited, "the program ended instead of opening %s", expected);
  g_subprocess_send_signal (proc, SIGTERM);
  cr_assert (WAIT_UNTIL (exited), "the window did not end");
  cr_assert (g_subprocess_get_if_exited (proc) && g_subprocess_get_exit_status (proc) == 0,
             "the window did not end cleanly");
}

Test (open_inventory, a_launch_without_arguments_opens_the_one_opened_last)
{
  g_autofree char *default_path = NULL;
  g_autofree char *missing = g_build_filename (tmpdir, "gone.db", NULL);

  make_inventory (other_path, "OTHER-1");
  default_path = g_build_filename (tmpdir, "data", "stocktake", "inventory.db", NULL);

  /* Remembered and still there: that one, and the default is not even made. */
  launch_expecting (other_path, other_path);
  cr_assert_not (g_file_test (default_path, G_FILE_TEST_EXISTS), "the default was made");

  /* Remembered but gone: the default, and nothing made where it was. */
  launch_expecting (missing, default_path);
  cr_assert_not (g_file_test (missing, G_FILE_TEST_EXISTS));
}

/* How many toplevels of @type are shown. */
static guint
count_toplevels (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
  guint n = 0;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      n++;
  return n;
}

/* --- asked about waiting changes: one question; Close and Lose ----------------------- */

static void
asked_twice_then_lose_script (void)
{
  StkWindow *window = wait_window_of (db_path);
  StkWriter *writer = stk_session_get_writer (stk_window_get_session (window));
  g_autofree char *new_path = g_build_filename (tmpdir, "New Shop.db", NULL);
  GtkWindow *quit;

  /* Another program holds the database: the change waits. */
  holder = stk_test_hold_database (db_path);
  save_new_item (window, "WAITING-1");
  cr_assert (WAIT_UNTIL (writer_locked (writer)), "the writer never waited");
  cr_assert_eq (stk_writer_get_pending (writer), 1);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG) != NULL));
  gtk_window_destroy (stk_test_find_toplevel (STK_TYPE_LOCKED_DIALOG));

  activate ("open-inventory", other_path);
  cr_assert (WAIT_UNTIL (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG) != NULL), "not asked");
  quit = stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG);

  /* Asked already: another Open or New asks nothing more and opens nothing. */
  activate ("open-inventory", other_path);
  activate ("new-inventory", new_path);
  cr_assert (WAIT_UNTIL (TRUE));
  cr_assert_eq (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG), quit);
  cr_assert_eq (count_toplevels (STK_TYPE_QUIT_DIALOG), 1);
  cr_assert_not (g_file_test (new_path, G_FILE_TEST_EXISTS), "New made a file while asking");
  cr_assert_str_eq (window_path (window), db_path);

  /* Close and Lose: the other opens at once, with the other program still holding
   * this one, and the change is gone. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (quit), "lose");
  window = wait_window_of (other_path);
  cr_assert_not (stk_session_get_read_only (stk_window_get_session (window)));
  cr_assert_eq (stk_test_find_toplevel (STK_TYPE_QUIT_DIALOG), NULL);
  stk_test_release_database (holder);
  g_clear_object (&holder);
  cr_assert_eq (count_items (db_path, "WAITING-1"), 0, "the lost change was saved");
  cr_assert (lock_free (db_path));
  cr_assert_not (lock_free (other_path));
}

Test (open_inventory, a_second_open_while_asking_asks_nothing_more_and_lose_switches_at_once)
{
  make_inventory (db_path, NULL);
  make_inventory (other_path, "OTHER-1");
  cr_assert_eq (run_app (asked_twice_then_lose_script), 0);
}

/* --- New Inventory… on an empty file --------------------------------------------------- */

static void
new_on_empty_file_script (void)
{
  g_autofree char *empty = g_build_filename (tmpdir, "empty.db", NULL);
  StkWindow *window = wait_window_of (db_path);
  gboolean exists = FALSE;
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_set_contents (empty, "", 0, NULL));
  activate ("new-inventory", empty);
  window = wait_window_of (empty);
  cr_assert (stk_db_check_file (empty, &exists, &error), "%s", error ? error->message : "");
  cr_assert (exists);
  cr_assert_not (stk_session_get_read_only (stk_window_get_session (window)));
  cr_assert_eq (stk_test_query (empty, "SELECT count(*) FROM items"), 0);
  cr_assert (lock_free (db_path));
}

Test (open_inventory, new_inventory_on_an_empty_file_makes_it_the_inventory)
{
  make_inventory (db_path, NULL);
  cr_assert_eq (run_app (new_on_empty_file_script), 0);
}
