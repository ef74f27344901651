/* SPDX-License-Identifier: GPL-3.0-or-later */
/* New Inventory… and Open Inventory… (app/stk-application.c compiled into the test, run
 * with g_application_run(), the file choosers left out: the actions take the path), the
 * paths test-open-inventory leaves: a second Open or New while the question about
 * waiting changes is asked (the one question, nothing opened), Close and Lose (the
 * other inventory opens at once, the change is not saved), and New Inventory… on an
 * empty file (made into the inventory). Under Xvfb, with the stk-lock-holder helper. */
#include "config.h"


#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "stk-application.h"
#include "stk-db.h"
#include "stk-glib.h"
#include "stk-item-dialog.h"
#include "stk-lock.h"
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


static char *tmpdir;
static char *db_path;      /* the inventory the application starts on */
static char *other_path;   /* another inventory */
static char *backups;      /* the automatic backups' folder */
static StkApplication *app;
static GSubprocess *holder;
static gboolean script_done;

static void
setup (void)
{
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

TestSuite (cov_app2, .init = setup, .fini = teardown, .timeout = 120);

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

static gboolean
writer_locked (StkWriter *writer)
{
  StkWriterState state = stk_writer_get_state (writer);

  return state == STK_WRITER_STATE_LOCKED || state == STK_WRITER_STATE_PROBING;
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

Test (cov_app2, a_second_open_while_asking_asks_nothing_more_and_lose_switches_at_once)
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

Test (cov_app2, new_inventory_on_an_empty_file_makes_it_the_inventory)
{
  make_inventory (db_path, NULL);
  cr_assert_eq (run_app (new_on_empty_file_script), 0);
}
