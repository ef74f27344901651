/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cancel means cancel, in the window: while another program holds the inventory, Cancel
 * in the item, sale and movement dialogs withdraws the waiting change and the window
 * says so; Close on "Database locked" sets the waiting dialog aside and the status bar
 * offers to withdraw the change; Cancel once it is saved says it was saved. Run under
 * Xvfb (see tests/meson.build), with the stk-lock-holder helper. */
#include "config.h"

#include <criterion/criterion.h>
#include <gtk/gtk.h>

#include "stk-item-dialog.h"
#include "stk-locked-dialog.h"
#include "stk-movement-dialog.h"
#include "stk-notice.h"
#include "stk-ops.h"
#include "stk-sale-dialog.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 20000

#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

static GtkApplication *app;
static StkSession *session;

static void
setup (void)
{
  /* Locked after 300 ms; probes rarely, so that only what the test does decides. */
  g_setenv ("STOCKTAKE_RETRY_BUDGET_MS", "300", TRUE);
  g_setenv ("STOCKTAKE_PROBE_INTERVAL_MS", "60000", TRUE);
  stk_test_ui_setup (&app, &session);
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (cancel_ui, .init = setup, .fini = teardown, .timeout = 120);

static StkWriter *
writer (void)
{
  return stk_session_get_writer (session);
}

static gint64
count_items (const char *code)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM items WHERE code = '%s'", code);

  return stk_test_query (db_path, sql);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return w;
    }
  return NULL;
}

static void
set_text (gpointer    widget,
          GType       type,
          const char *name,
          const char *text)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  cr_assert_not_null (child, "no template child %s", name);
  gtk_editable_set_text (GTK_EDITABLE (child), text);
}

static const char *
notice_text (StkWindow *window)
{
  StkNotice *notice = (StkNotice *) gtk_widget_get_template_child (GTK_WIDGET (window), STK_TYPE_WINDOW, "notice");
  const char *text = stk_notice_get_text (notice);

  return text != NULL ? text : "";
}

static GSubprocess *
hold_lock (void)
{
  return stk_test_hold_database (db_path);
}

static void
release_lock (GSubprocess *proc)
{
  stk_test_release_database (proc);
  /* The writer probes once a minute here: have it try now. */
  stk_writer_retry_now (writer ());
}

static gboolean
writer_locked (void)
{
  StkWriterState state = stk_writer_get_state (writer ());

  return state == STK_WRITER_STATE_LOCKED || state == STK_WRITER_STATE_PROBING;
}

/* After the release: anything still queued commits before this one. */
static void
drain (void)
{
  stk_test_submit (writer (), stk_op_create_item ("SENTINEL", "after", 1, 0));
}

static StkWindow *
new_window (void)
{
  StkWindow *window = stk_window_new (app, session, NULL);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* Opens the dialog of @action, fills it with @fill, saves it while the inventory is
 * locked and waits for the writer to give up: the dialog waits with its spinner. */
static GtkWindow *
save_while_locked (StkWindow  *window,
                   const char *action,
                   GType       type,
                   void      (*fill) (GtkWindow *dialog))
{
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), action, NULL);
  dialog = find_toplevel (type);
  cr_assert_not_null (dialog);
  fill (dialog);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (writer_locked ()));
  cr_assert_not_null (find_toplevel (type), "the dialog waits");
  return dialog;
}

static void
fill_item (GtkWindow *dialog)
{
  set_text (dialog, STK_TYPE_ITEM_DIALOG, "code_entry", "NEW-1");
}

static void
fill_sale (GtkWindow *dialog)
{
  set_text (dialog, STK_TYPE_SALE_DIALOG, "code_entry", "OLD-1");
}

static void
fill_movement (GtkWindow *dialog)
{
  set_text (dialog, STK_TYPE_MOVEMENT_DIALOG, "code_entry", "OLD-1");
}

static void
cancel_withdraws (const char *action,
                  GType       type,
                  void      (*fill) (GtkWindow *dialog),
                  const char *sql_count)
{
  StkWindow *window;
  g_autoptr(GSubprocess) holder = NULL;
  GtkWindow *dialog;
  gint64 before;

  stk_test_submit (writer (), stk_op_create_item ("OLD-1", "Old", 250, 0));
  stk_test_submit (writer (), stk_op_record_movement ("OLD-1", STK_MOVEMENT_RECEIVE, 10, "", 0));
  before = stk_test_query (db_path, sql_count);
  window = new_window ();
  holder = hold_lock ();
  dialog = save_while_locked (window, action, type, fill);

  gtk_window_close (dialog); /* what Cancel and Escape do */
  cr_assert (WAIT_UNTIL (find_toplevel (type) == NULL), "Cancel closes the dialog");
  cr_assert (WAIT_UNTIL (strstr (notice_text (window), "Change withdrawn") != NULL),
             "the window says the change was withdrawn: “%s”", notice_text (window));
  cr_assert_eq (stk_writer_get_pending (writer ()), 0);

  release_lock (holder);
  drain ();
  cr_assert_eq (stk_test_query (db_path, sql_count), before,
                "the cancelled change is not saved after the release");
  cr_assert_eq (count_items ("SENTINEL"), 1);
  cr_assert (strstr (notice_text (window), "Saved") == NULL, "no late “Saved” notice");
}

Test (cancel_ui, item_dialog_cancel_while_locked_withdraws_the_change)
{
  cancel_withdraws ("win.new-item", STK_TYPE_ITEM_DIALOG, fill_item,
                    "SELECT count(*) FROM items WHERE code = 'NEW-1'");
}

Test (cancel_ui, sale_dialog_cancel_while_locked_withdraws_the_change)
{
  cancel_withdraws ("win.record-sale", STK_TYPE_SALE_DIALOG, fill_sale,
                    "SELECT count(*) FROM sales");
}

Test (cancel_ui, movement_dialog_cancel_while_locked_withdraws_the_change)
{
  cancel_withdraws ("win.receive", STK_TYPE_MOVEMENT_DIALOG, fill_movement,
                    "SELECT count(*) FROM movements");
}

static void
dismissed_cb (StkLockedDialog *dialog,
              StkWindow       *window)
{
  stk_window_set_aside_waiting (window);
}

/* The application's wiring (app/stk-application.c): Close sets waiting dialogs aside. */
static StkLockedDialog *
locked_dialog (StkWindow *window)
{
  StkLockedDialog *dialog = stk_locked_dialog_new (GTK_WINDOW (window), writer ());

  g_signal_connect (dialog, "dismissed", G_CALLBACK (dismissed_cb), window);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static GtkWidget *
withdraw_button (StkWindow *window)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), STK_TYPE_WINDOW, "withdraw_button"));
}

Test (cancel_ui, close_on_database_locked_lets_the_user_work_and_withdraw_from_the_window)
{
  StkWindow *window = new_window ();
  g_autoptr(GSubprocess) holder = hold_lock ();
  StkLockedDialog *locked;

  save_while_locked (window, "win.new-item", STK_TYPE_ITEM_DIALOG, fill_item);
  locked = locked_dialog (window);
  /* Over the window, with Retry as the default. */
  cr_assert_eq (gtk_window_get_transient_for (GTK_WINDOW (locked)), GTK_WINDOW (window));
  cr_assert_str_eq (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (locked)), "retry");
  cr_assert_str_eq (adw_message_dialog_get_close_response (ADW_MESSAGE_DIALOG (locked)), "close");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (locked), "close");
  cr_assert (WAIT_UNTIL (find_toplevel (STK_TYPE_LOCKED_DIALOG) == NULL));
  cr_assert (WAIT_UNTIL (find_toplevel (STK_TYPE_ITEM_DIALOG) == NULL),
             "the waiting dialog gets out of the way");
  cr_assert_eq (stk_writer_get_pending (writer ()), 1, "the change still waits");
  cr_assert (gtk_widget_get_visible (withdraw_button (window)));
  cr_assert (gtk_widget_is_sensitive (withdraw_button (window)), "Withdraw is enabled");
  cr_assert (gtk_widget_is_sensitive (GTK_WIDGET (window)));
  cr_assert_null (find_toplevel (STK_TYPE_ITEM_DIALOG), "nothing modal is left");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.withdraw-last", NULL);
  cr_assert (WAIT_UNTIL (strstr (notice_text (window), "Change withdrawn") != NULL),
             "“%s”", notice_text (window));
  cr_assert (WAIT_UNTIL (!gtk_widget_get_visible (withdraw_button (window))),
             "nothing waits: Withdraw goes");
  release_lock (holder);
  drain ();
  cr_assert_eq (count_items ("NEW-1"), 0);
}

Test (cancel_ui, set_aside_change_is_saved_once_the_lock_goes_and_the_window_says_so)
{
  StkWindow *window = new_window ();
  g_autoptr(GSubprocess) holder = hold_lock ();

  save_while_locked (window, "win.new-item", STK_TYPE_ITEM_DIALOG, fill_item);
  stk_window_set_aside_waiting (window);
  cr_assert (WAIT_UNTIL (find_toplevel (STK_TYPE_ITEM_DIALOG) == NULL));
  release_lock (holder);
  cr_assert (WAIT_UNTIL (strstr (notice_text (window), "Saved: new item “NEW-1”") != NULL),
             "“%s”", notice_text (window));
  cr_assert_eq (count_items ("NEW-1"), 1);
  cr_assert (WAIT_UNTIL (!gtk_widget_get_visible (withdraw_button (window))));
}

Test (cancel_ui, cancel_after_the_change_was_saved_says_it_was_saved)
{
  StkWindow *window = new_window ();
  GtkWindow *dialog;
  gint64 end = stk_test_deadline (TIMEOUT_MS);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-item", NULL);
  dialog = find_toplevel (STK_TYPE_ITEM_DIALOG);
  fill_item (dialog);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  /* Committed, but the answer has not reached the main loop (not iterated). */
  while (count_items ("NEW-1") == 0 && g_get_monotonic_time () < end)
    g_usleep (1000);
  cr_assert_eq (count_items ("NEW-1"), 1);
  gtk_window_close (dialog);
  cr_assert (WAIT_UNTIL (strstr (notice_text (window), "Already saved") != NULL),
             "“%s”", notice_text (window));
  cr_assert_eq (count_items ("NEW-1"), 1);
}
