/* SPDX-License-Identifier: GPL-3.0-or-later */
/* StkSession: editing takes the lock; read-only sees other processes' commits and
 * learns when the editor goes away; Switch to Editing in place. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "stk-error.h"
#include "stk-lock.h"
#include "stk-lock-test-util.h"
#include "stk-ops.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

static void
setup (void)
{
  StkWriter *writer;

  stk_test_fixture_setup ();
  /* An existing inventory, as the second window finds it. */
  writer = stk_test_open_writer (db_path);
  stk_test_close_writer (writer);
}

TestSuite (session, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 60);

typedef struct
{
  gboolean fired;
  guint    changes;
  guint    count;
} Changed;

static void
changed_cb (StkSession *session,
            guint       changes,
            Changed    *changed)
{
  changed->fired = TRUE;
  changed->changes |= changes;
  changed->count++;
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gboolean   *flag)
{
  *flag = TRUE;
}

/* Proof that the read-only session's watcher has run: it rereads who holds the lock
 * on every lock poll, so the test rewrites the holder's words in the lock file (in
 * place: the holder's flock stays on the same file) and waits for "holder" to say
 * them. Each poll also compares data_version and the lock; after @rounds marks seen,
 * the watcher has done at least @rounds - 1 full rounds since the first. A negative
 * check made after this knows the watcher had its chance, without guessing a time. */
static void
holder_notify_cb (GObject    *object,
                  GParamSpec *pspec,
                  gboolean   *seen)
{
  const char *holder = stk_session_get_holder (STK_SESSION (object));

  if (holder != NULL && strstr (holder, "watcher-mark") != NULL)
    *seen = TRUE;
}

static void
wait_watcher_rounds (StkSession *session,
                     guint       rounds)
{
  g_autofree char *lock_path = stk_lock_path_for (db_path);

  for (guint i = 0; i < rounds; i++)
    {
      g_autofree char *text = g_strdup_printf ("host=test\nuser=watcher-mark-%u\nwhat=window\n", i);
      gboolean seen = FALSE;
      gulong id;
      int fd;

      id = g_signal_connect (session, "notify::holder", G_CALLBACK (holder_notify_cb), &seen);
      fd = open (lock_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
      cr_assert_geq (fd, 0, "cannot write %s", lock_path);
      cr_assert_eq (write (fd, text, strlen (text)), (ssize_t) strlen (text));
      cr_assert_eq (close (fd), 0);
      cr_assert (stk_test_wait_for (&seen, 30000), "the watcher did not poll the lock (round %u)", i);
      g_signal_handler_disconnect (session, id);
    }
}

Test (session, edit_takes_the_lock_and_commits)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  Changed changed = { 0 };

  cr_assert_not_null (session, "%s", error ? error->message : "");
  cr_assert (!stk_session_get_read_only (session));
  cr_assert_not_null (stk_session_get_writer (session));
  cr_assert_not_null (stk_session_get_store (session));
  cr_assert (!stk_session_get_can_edit (session));
  cr_assert (stk_lock_is_held (db_path));

  g_signal_connect (session, "changed", G_CALLBACK (changed_cb), &changed);
  stk_test_submit (stk_session_get_writer (session),
                   stk_op_create_item ("A-1", "Apples", 100, 0));
  cr_assert (stk_test_wait_for (&changed.fired, 5000), "no \"changed\" after a commit");
  cr_assert (changed.changes & STK_CHANGE_ITEMS);
  cr_assert (!(changed.changes & STK_CHANGE_EXTERNAL));

  cr_assert (stk_session_close (session, 1000, &error));
  cr_assert (!stk_lock_is_held (db_path), "closing did not release the lock");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 1);
}

Test (session, edit_fails_locked_while_another_process_holds_it)
{
  g_autoptr(GSubprocess) taker = stk_lock_taker_start (db_path, "window");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);

  cr_assert_null (session);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);
  cr_assert (strstr (error->message, g_subprocess_get_identifier (taker)) != NULL,
             "the holder is not named: %s", error->message);
  stk_lock_taker_stop (taker);
}

/* How soon the commit is seen (goal: within a second) is a figure of
 * tests/bench/bench-latency.c. */
Test (session, read_only_sees_external_commits)
{
  g_autoptr(GSubprocess) taker = stk_lock_taker_start (db_path, "window");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = NULL;
  StkWriter *other;
  Changed changed = { 0 };

  session = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (session, "%s", error ? error->message : "");
  cr_assert (stk_session_get_read_only (session));
  cr_assert_null (stk_session_get_writer (session));
  cr_assert (!stk_session_get_can_edit (session));
  cr_assert_not_null (stk_session_get_holder (session));
  cr_assert (strstr (stk_session_get_holder (session),
                     g_subprocess_get_identifier (taker)) != NULL,
             "holder: %s", stk_session_get_holder (session));

  g_signal_connect (session, "changed", G_CALLBACK (changed_cb), &changed);
  wait_watcher_rounds (session, 3);
  cr_assert (!changed.fired, "\"changed\" without a commit");

  /* The editor (its own connection) commits. */
  other = stk_test_open_writer (db_path);
  stk_test_submit (other, stk_op_create_item ("B-1", "Bread", 250, 0));
  cr_assert (stk_test_wait_for (&changed.fired, 30000),
             "the read-only session did not see the commit");
  cr_assert_eq (changed.changes & (STK_CHANGE_EXTERNAL | STK_CHANGE_ALL),
                STK_CHANGE_EXTERNAL | STK_CHANGE_ALL);

  stk_test_close_writer (other);
  stk_lock_taker_stop (taker);
  cr_assert (stk_session_close (session, 1000, NULL));
}

/* How soon can-edit turns TRUE (goal: within 2 s) is a figure of
 * tests/bench/bench-latency.c; here only that it does, with a generous deadline. */
#define CAN_EDIT_DEADLINE_MS 30000

/* Watches can-edit from before the holder goes away: g_subprocess_wait() and the
 * lock taker's stop may run the main context, and with it the watcher's update. */
typedef struct
{
  StkSession *session;
  gboolean    notified;
  gboolean    off_thread;
  GThread    *owner;
  gulong      id;
} CanEditWatch;

static void
can_edit_notify_cb (GObject      *object,
                    GParamSpec   *pspec,
                    CanEditWatch *watch)
{
  watch->notified = TRUE;
  if (g_thread_self () != watch->owner)
    watch->off_thread = TRUE;
}

static void
can_edit_watch_start (CanEditWatch *watch,
                      StkSession   *session)
{
  watch->session = session;
  watch->notified = FALSE;
  watch->off_thread = FALSE;
  watch->owner = g_thread_self ();
  watch->id = g_signal_connect (session, "notify::can-edit", G_CALLBACK (can_edit_notify_cb),
                                watch);
}

static void
wait_can_edit (CanEditWatch *watch,
               guint         timeout_ms)
{
  StkSession *session = watch->session;
  gint64 deadline = stk_test_deadline (timeout_ms);

  while (!stk_session_get_can_edit (session) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_signal_handler_disconnect (session, watch->id);
  cr_assert (stk_session_get_can_edit (session),
             "can-edit did not turn TRUE within %u ms", timeout_ms);
  cr_assert (watch->notified, "can-edit changed without a notification");
  /* The watcher thread only reports; the session changes on its owner's thread. */
  cr_assert_not (watch->off_thread, "can-edit was notified on another thread");
}

Test (session, can_edit_after_the_editor_closes_then_switch)
{
  g_autoptr(GSubprocess) taker = stk_lock_taker_start (db_path, "window");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = NULL;
  gboolean writer_notified = FALSE;
  gboolean read_only_notified = FALSE;
  Changed changed = { 0 };
  CanEditWatch watch;

  session = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (session);
  wait_watcher_rounds (session, 3);
  cr_assert (!stk_session_get_can_edit (session), "can-edit while the lock is held");

  can_edit_watch_start (&watch, session);
  stk_lock_taker_stop (taker);
  wait_can_edit (&watch, CAN_EDIT_DEADLINE_MS);
  cr_assert_null (stk_session_get_holder (session));

  g_signal_connect (session, "notify::writer", G_CALLBACK (notify_cb), &writer_notified);
  g_signal_connect (session, "notify::read-only", G_CALLBACK (notify_cb), &read_only_notified);
  cr_assert (stk_session_switch_to_editing (session, &error), "%s",
             error ? error->message : "");
  cr_assert (writer_notified && read_only_notified);
  cr_assert (!stk_session_get_read_only (session));
  cr_assert (!stk_session_get_can_edit (session));
  cr_assert_not_null (stk_session_get_writer (session));
  cr_assert (stk_lock_is_held (db_path));

  /* Editing works in place, and others are kept out now. */
  g_signal_connect (session, "changed", G_CALLBACK (changed_cb), &changed);
  stk_test_submit (stk_session_get_writer (session),
                   stk_op_create_item ("C-1", "Cheese", 900, 0));
  cr_assert (stk_test_wait_for (&changed.fired, 5000));
  {
    g_autoptr(GError) lock_error = NULL;
    cr_assert_null (stk_lock_acquire (db_path, "import", &lock_error));
    cr_assert (g_error_matches (lock_error, STK_ERROR, STK_ERROR_LOCKED));
  }
  cr_assert (stk_session_close (session, 2000, &error));
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'C-1'"), 1);
}

Test (session, can_edit_after_the_editor_is_killed)
{
  g_autoptr(GSubprocess) taker = stk_lock_taker_start (db_path, "window");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = NULL;
  CanEditWatch watch;

  session = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (session);
  cr_assert (!stk_session_get_can_edit (session), "can-edit while the lock is held");
  can_edit_watch_start (&watch, session);
  g_subprocess_send_signal (taker, SIGKILL);
  g_subprocess_wait (taker, NULL, NULL);
  wait_can_edit (&watch, CAN_EDIT_DEADLINE_MS);
  cr_assert (stk_session_switch_to_editing (session, &error), "%s",
             error ? error->message : "");
}

Test (session, switch_fails_locked_while_held)
{
  g_autoptr(GSubprocess) taker = stk_lock_taker_start (db_path, "window");
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSession) session = NULL;

  session = stk_session_open (db_path, STK_SESSION_MODE_READ_ONLY, &error);
  cr_assert_not_null (session);
  cr_assert (!stk_session_switch_to_editing (session, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);
  cr_assert (stk_session_get_read_only (session));
  cr_assert_null (stk_session_get_writer (session));
  stk_lock_taker_stop (taker);
}
