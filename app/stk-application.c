/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-application.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>

#include "stk-backups.h"
#include "stk-db.h"
#include "stk-error.h"
#include "stk-glib.h"
#include "stk-lock-dialog.h"
#include "stk-locked-dialog.h"
#include "stk-preferences-window.h"
#include "stk-quit-dialog.h"
#include "stk-ops.h"
#include "stk-session.h"
#include "stk-window.h"

/* How long closing waits for queued changes while another program holds the inventory. */
#define CLOSE_TIMEOUT_MS 5000

struct _StkApplication
{
  AdwApplication  parent_instance;

  char           *database_path;
  StkSession     *session;
  char           *open_error;
  guint           sigint_source;
  guint           sigterm_source;
  guint           sigusr1_source;   /* test hook, see stk_application_test_commit_cb */
  guint           test_commits;

  /* Weak pointers: dialogs the application shows. */
  GtkWindow      *startup_dialog;   /* StkLockDialog or StkLockedDialog before the window */
  GtkWindow      *startup_window;   /* the window that startup dialog comes over */
  GtkWindow      *locked_dialog;    /* "Database locked" while working */
  GtkWindow      *quit_dialog;

  StkWriter      *watched_writer;   /* whose "locked" signal brings the dialog */
  gboolean        quit_confirmed;   /* no more asking: the user chose, or a signal came */
  gboolean        lose_pending;     /* the user chose to lose the waiting changes */
  guint           bus_name_id;      /* the inventory's name on the session bus, while editing */
  GCancellable   *show_cancellable; /* Show That Window's call to the other instance */

  /* Opening another inventory (New Inventory…, Open Inventory…) in place of this one. */
  char           *switch_path;      /* the one to open, while a question is asked */
  gboolean        switch_create;    /* New Inventory…: a new file at switch_path */
  gboolean        switch_lose;      /* the user chose to lose this one's waiting changes */
  gboolean        switching;        /* the window closes for the other inventory */
  GtkWindow      *switch_dialog;    /* weak: the question or the error about it */
  GtkNativeDialog *chooser;         /* the file chooser, while it is shown */

  /* Automatic backups: one at the first editing start of each day, one on quitting
   * after changes. Changes are the ops the writer committed (its figures' count) since
   * the last automatic backup began. */
  GCancellable   *backup_cancellable;
  gboolean        backup_running;
  guint64         backup_committed;   /* the count the running backup started at */
  guint64         backed_up_committed; /* the count the last backup made started at */
  gboolean        quit_after_backup;  /* quitting waits for the running backup */
  gboolean        quit_unattended;    /* a signal quits: nobody answers a dialog */
  gboolean        quit_backup_done;   /* no backup is due on quitting any more */
};

G_DEFINE_FINAL_TYPE (StkApplication, stk_application, ADW_TYPE_APPLICATION)

/* ---- The inventory's name on the session bus ----
 *
 * Stocktake is not unique on D-Bus (the inventory's lock decides who writes), but each
 * instance exports org.freedesktop.Application. The instance that edits an inventory
 * also owns a name made from the inventory's path; a second launch on the same
 * inventory that sees that name on its own session bus knows the other window belongs to
 * the same user and session, and offers to show it (Activate presents its window). */
static char *
stk_application_inventory_bus_name (const char *db_path)
{
  g_autofree char *canonical = g_canonicalize_filename (db_path, NULL);
  g_autofree char *real = realpath (canonical, NULL);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                        real ? real : canonical, -1);

  /* A bus name element must not start with a digit. */
  return g_strdup_printf ("%s.Inventory.i%.32s", APP_ID, sum);
}

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void stk_application_open (StkApplication *self);
static void stk_application_open_inventory_action (GSimpleAction *action,
                                                   GVariant      *parameter,
                                                   gpointer       user_data);
static void stk_application_new_inventory_action (GSimpleAction *action,
                                                  GVariant      *parameter,
                                                  gpointer       user_data);
static void stk_application_remember (StkApplication *self);

static void
set_weak (GtkWindow **slot,
          GtkWindow  *window)
{
  if (*slot != NULL)
    g_object_remove_weak_pointer (G_OBJECT (*slot), (gpointer *) slot);
  *slot = window;
  if (window != NULL)
    g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) slot);
}

static StkWriter *
current_writer (StkApplication *self)
{
  return self->session ? stk_session_get_writer (self->session) : NULL;
}

static guint
count_main_windows (StkApplication *self)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (STK_IS_WINDOW (l->data))
      n++;
  return n;
}

/* The window of the inventory, if one is open. */
static StkWindow *
main_window (StkApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (active != NULL && STK_IS_WINDOW (active))
    return STK_WINDOW (active);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (STK_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

/* ---- Automatic backups ---- */

static guint64
committed_count (StkApplication *self)
{
  StkWriter *writer = current_writer (self);
  StkWriterFigures figures;

  if (writer == NULL)
    return 0;
  stk_writer_get_figures (writer, &figures);
  return figures.committed;
}

/* Whether automatic backups are on; the folder and how many to keep. A missing schema
 * (running uninstalled) means the defaults. */
static gboolean
backup_settings (char  **out_folder,
                 guint  *out_keep)
{
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);
  g_autofree char *folder = NULL;
  guint keep = STK_BACKUP_KEEP_DEFAULT;

  if (settings != NULL)
    {
      if (!g_settings_get_boolean (settings, "auto-backup"))
        return FALSE;
      folder = g_settings_get_string (settings, "backup-folder");
      keep = CLAMP (g_settings_get_uint (settings, "backup-keep"), 1, STK_BACKUP_KEEP_MAX);
    }
  *out_folder = stk_backup_resolve_folder (folder);
  *out_keep = keep;
  return TRUE;
}

static void stk_application_backup_done_cb (GObject      *object,
                                            GAsyncResult *result,
                                            gpointer      user_data);

/* Starts an automatic backup in the background: the copy is made from a read snapshot
 * on a thread, so neither the window nor the writer waits for it. */
static void
stk_application_start_backup (StkApplication *self,
                              const char     *folder,
                              guint           keep)
{
  g_assert (!self->backup_running);

  self->backup_running = TRUE;
  self->backup_committed = committed_count (self);
  if (self->backup_cancellable == NULL)
    self->backup_cancellable = g_cancellable_new ();
  stk_backup_auto_async (stk_session_get_store (self->session), folder, keep,
                         self->backup_cancellable, stk_application_backup_done_cb,
                         g_object_ref (self));
}

/* The first editing start of the day makes one, unless one of today is there. */
static void
stk_application_backup_if_due (StkApplication *self)
{
  g_autofree char *folder = NULL;
  guint keep;

  if (self->backup_running || current_writer (self) == NULL || self->quit_confirmed ||
      !backup_settings (&folder, &keep) ||
      !stk_backup_due_today (folder, stk_session_get_path (self->session)))
    return;
  stk_application_start_backup (self, folder, keep);
}

/* Whether quitting must make a backup first: automatic backups are on and the writer
 * committed something since the last one began. */
static gboolean
stk_application_backup_due_on_quit (StkApplication *self,
                                    char          **out_folder,
                                    guint          *out_keep)
{
  if (self->quit_backup_done || current_writer (self) == NULL ||
      committed_count (self) == self->backed_up_committed)
    return FALSE;
  return backup_settings (out_folder, out_keep);
}

static void stk_application_really_quit (StkApplication *self);
static void stk_application_quit_after_backup (StkApplication *self);

static void
stk_application_backup_failed_response_cb (StkApplication *self,
                                           int             response,
                                           StkQuitDialog  *dialog)
{
  if ((StkQuitDialogResponse) response != STK_QUIT_DIALOG_QUIT_ANYWAY)
    return;
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  self->quit_backup_done = TRUE;
  stk_application_really_quit (self);
}

static void
stk_application_backup_done_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(StkApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = stk_backup_auto_finish (STK_STORE (object), result, &error);
  gboolean quitting = self->quit_after_backup;
  StkWindow *window;

  /* Cancelled by whoever no longer wants it (quitting, another inventory opened), who
   * has set the flags below for what comes next. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->backup_running = FALSE;
  self->quit_after_backup = FALSE;

  if (path != NULL)
    {
      g_debug ("Automatic backup: %s", path);
      self->backed_up_committed = self->backup_committed;
      if (quitting)
        stk_application_quit_after_backup (self);
      return;
    }

  if (quitting && self->quit_unattended)
    {
      /* Nobody to ask: say it where a terminal or the journal keeps it, and quit. */
      g_message ("The automatic backup failed: %s", error->message);
      self->quit_backup_done = TRUE;
      stk_application_really_quit (self);
      return;
    }

  window = main_window (self);
  if (quitting && self->backed_up_committed != committed_count (self))
    {
      StkQuitDialog *dialog = stk_quit_dialog_new_backup_failed (GTK_WINDOW (window),
                                                                 error->message);

      g_signal_connect_object (dialog, "decided",
                               G_CALLBACK (stk_application_backup_failed_response_cb), self,
                               G_CONNECT_SWAPPED);
      set_weak (&self->quit_dialog, GTK_WINDOW (dialog));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  if (window != NULL)
    stk_window_show_backup_failed (window, error->message);
  if (quitting)
    stk_application_quit_after_backup (self);
}

/* Quitting, once the user agreed: first the backup of the changes (when due), then
 * really quit. A backup already running is waited for. */
static void
stk_application_quit_after_backup (StkApplication *self)
{
  g_autofree char *folder = NULL;
  guint keep;

  if (self->backup_running)
    {
      self->quit_after_backup = TRUE;
      return;
    }
  if (!stk_application_backup_due_on_quit (self, &folder, &keep))
    {
      stk_application_really_quit (self);
      return;
    }

  {
    StkWindow *window = main_window (self);

    if (window != NULL)
      stk_window_show_message (window, _("Making a backup before quitting…"));
  }
  self->quit_after_backup = TRUE;
  stk_application_start_backup (self, folder, keep);
}

/* Closes every window the normal way (so each one saves its size) and quits. */
static void
stk_application_really_quit (StkApplication *self)
{
  GList *windows;

  self->quit_confirmed = TRUE;

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);

  g_application_quit (G_APPLICATION (self));
}

static void
stk_application_quit_dialog_response_cb (StkApplication *self,
                                         int             response,
                                         StkQuitDialog  *dialog)
{
  switch ((StkQuitDialogResponse) response)
    {
    case STK_QUIT_DIALOG_LOSE:
      self->lose_pending = TRUE;
      G_GNUC_FALLTHROUGH;
    case STK_QUIT_DIALOG_SAVED:
      /* The emission still holds the dialog: it goes after its parent, which must not
       * be left pointing at a window that is gone. */
      gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
      gtk_window_destroy (GTK_WINDOW (dialog));
      stk_application_quit_after_backup (self);
      break;
    case STK_QUIT_DIALOG_QUIT_ANYWAY:
    case STK_QUIT_DIALOG_CANCEL:
    default:
      break;
    }
}

/* TRUE when quitting may go ahead now; otherwise asks (once) and returns FALSE. */
static gboolean
stk_application_confirm_quit (StkApplication *self,
                              GtkWindow      *parent)
{
  StkWriter *writer = current_writer (self);
  StkQuitDialog *dialog;

  if (self->quit_confirmed || writer == NULL || stk_writer_get_pending (writer) == 0)
    return TRUE;

  if (self->quit_dialog != NULL)
    {
      gtk_window_present (self->quit_dialog);
      return FALSE;
    }

  if (parent == NULL)
    parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  dialog = stk_quit_dialog_new (parent, writer);
  g_signal_connect_object (dialog, "decided",
                           G_CALLBACK (stk_application_quit_dialog_response_cb), self,
                           G_CONNECT_SWAPPED);
  set_weak (&self->quit_dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

static void
stk_application_quit_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  StkApplication *self = STK_APPLICATION (user_data);

  if (stk_application_confirm_quit (self, NULL))
    stk_application_quit_after_backup (self);
}

static void
stk_application_about_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  StkApplication *self = STK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *display_path = g_filename_display_name (self->database_path);
  g_autofree char *system_information = NULL;
  AdwAboutWindow *about;

  system_information = g_strdup_printf (_("Inventory: %s"), display_path);

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  adw_about_window_set_application_name (about, _("Stocktake"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_comments (about, _("Keep count of your stock, sales and stock movements"));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_debug_info (about, system_information);
  adw_about_window_set_developer_name (about, _("The Stocktake developers"));
  adw_about_window_set_website (about, "https://github.com/stocktake/stocktake");
  adw_about_window_set_issue_url (about, "https://github.com/stocktake/stocktake/issues");
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  gtk_window_present (GTK_WINDOW (about));
}

static void
stk_application_preferences_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  StkApplication *self = STK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);
  /* The shop's rules are the inventory's of the window it is opened from. */
  StkSession *session = STK_IS_WINDOW (parent) ? stk_window_get_session (STK_WINDOW (parent))
                                               : NULL;
  StkPreferencesWindow *preferences = stk_preferences_window_new_for_session (parent, settings,
                                                                              session);

  /* The till offers the methods as changed. */
  if (session != NULL)
    g_signal_connect_object (preferences, "shop-settings-changed",
                             G_CALLBACK (stk_window_refresh), parent, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (preferences));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = stk_application_quit_action },
  { .name = "about", .activate = stk_application_about_action },
  { .name = "preferences", .activate = stk_application_preferences_action },
  /* The path of the inventory, or "" for a file chooser (the menu's and the keys'). */
  { .name = "open-inventory", .activate = stk_application_open_inventory_action,
    .parameter_type = "s" },
  { .name = "new-inventory", .activate = stk_application_new_inventory_action,
    .parameter_type = "s" },
};

/* Ctrl+C in the terminal or a polite kill: close like app.quit, so queued changes
 * are saved and the write-ahead log is folded back. */
static gboolean
stk_application_signal_cb (gpointer user_data)
{
  StkApplication *self = STK_APPLICATION (user_data);

  /* Nobody can answer a dialog from the terminal: quit, waiting up to
   * CLOSE_TIMEOUT_MS for queued changes; any lost ones are reported on stderr. The
   * automatic backup is made first (a second signal does not wait for it). */
  if (self->quit_unattended)
    {
      g_cancellable_cancel (self->backup_cancellable);
      self->quit_backup_done = TRUE;
      stk_application_really_quit (self);
      return G_SOURCE_CONTINUE;
    }
  self->quit_unattended = TRUE;
  stk_application_quit_after_backup (self);
  return G_SOURCE_CONTINUE;
}

static void
stk_application_test_commit_done_cb (GObject      *object,
                                     GAsyncResult *result,
                                     gpointer      user_data)
{
  g_autofree char *code = user_data;
  g_autoptr(GError) error = NULL;

  if (stk_writer_submit_finish (STK_WRITER (object), result, &error))
    g_message ("Test hook: saved %s", code);
  else
    g_message ("Test hook: could not save %s: %s", code, error->message);
}

/* Test-only hook, on when STOCKTAKE_TEST_HOOKS=1: SIGUSR1 makes the editing session
 * save one item "TEST-<pid>-<n>", so that two-process tests can make a commit happen in the
 * window that holds the lock (no command may write then). */
static gboolean
stk_application_test_commit_cb (gpointer user_data)
{
  StkApplication *self = STK_APPLICATION (user_data);
  StkWriter *writer = current_writer (self);
  g_autofree char *code = NULL;
  g_autoptr(StkOp) op = NULL;

  if (writer == NULL)
    {
      g_message ("Test hook: read-only, nothing saved");
      return G_SOURCE_CONTINUE;
    }
  code = g_strdup_printf ("TEST-%d-%u", (int) getpid (), ++self->test_commits);
  g_message ("Test hook: saving %s", code);
  /* The writer takes its own reference. */
  op = stk_op_create_item (code, "Test item", 100, 0);
  stk_writer_submit (writer, op, NULL, stk_application_test_commit_done_cb, g_strdup (code));
  return G_SOURCE_CONTINUE;
}

static void
stk_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *new_accels[] = { "<Control><Shift>n", NULL };
  StkApplication *self = STK_APPLICATION (application);

  G_APPLICATION_CLASS (stk_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.open-inventory('')",
                                         open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new-inventory('')",
                                         new_accels);

  /* AdwApplication loads style.css from the resources itself. */
  gtk_window_set_default_icon_name (APP_ID);

  self->sigint_source = g_unix_signal_add (SIGINT, stk_application_signal_cb, self);
  self->sigterm_source = g_unix_signal_add (SIGTERM, stk_application_signal_cb, self);
  if (g_strcmp0 (g_getenv ("STOCKTAKE_TEST_HOOKS"), "1") == 0)
    self->sigusr1_source = g_unix_signal_add (SIGUSR1, stk_application_test_commit_cb, self);
}

/* ---- The "Database locked" dialog while working ---- */

/* Close on "Database locked": the user goes on working, so the edit dialogs whose change
 * waits get out of the way; each window's status bar offers to withdraw it. */
static void
stk_application_locked_dismissed_cb (StkApplication  *self,
                                     StkLockedDialog *dialog)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (STK_IS_WINDOW (l->data))
      stk_window_set_aside_waiting (STK_WINDOW (l->data));
}

static void
stk_application_writer_locked_cb (StkApplication *self,
                                  guint           pending,
                                  StkWriter      *writer)
{
  GtkWindow *parent;
  StkLockedDialog *dialog;

  if (self->locked_dialog != NULL)
    {
      gtk_window_present (self->locked_dialog);
      return;
    }

  parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (parent != NULL && !STK_IS_WINDOW (parent))
    parent = gtk_window_get_transient_for (parent);
  dialog = stk_locked_dialog_new (parent, writer);
  set_weak (&self->locked_dialog, GTK_WINDOW (dialog));
  g_signal_connect_object (dialog, "dismissed",
                           G_CALLBACK (stk_application_locked_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Follows the session's writer (there is a new one after Switch to Editing). */
static void
stk_application_watch_writer (StkApplication *self)
{
  StkWriter *writer = current_writer (self);

  if (writer == self->watched_writer)
    return;

  if (self->watched_writer != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_writer, self);
  g_set_object (&self->watched_writer, writer);

  g_clear_handle_id (&self->bus_name_id, g_bus_unown_name);
  if (writer != NULL && g_application_get_dbus_connection (G_APPLICATION (self)) != NULL)
    {
      g_autofree char *name = stk_application_inventory_bus_name (self->database_path);

      self->bus_name_id =
        g_bus_own_name_on_connection (g_application_get_dbus_connection (G_APPLICATION (self)),
                                      name, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                      NULL, NULL, NULL, NULL);
    }
  if (writer != NULL)
    g_signal_connect_object (writer, "locked",
                             G_CALLBACK (stk_application_writer_locked_cb), self,
                             G_CONNECT_SWAPPED);

  /* A new writer counts its commits from 0. */
  self->backed_up_committed = 0;
  if (writer != NULL)
    stk_application_backup_if_due (self);
}

static void
stk_application_session_writer_cb (StkApplication *self,
                                   GParamSpec     *pspec,
                                   StkSession     *session)
{
  stk_application_watch_writer (self);
}

/* Closing the last window with changes still waiting asks first, like app.quit. */
static gboolean
stk_application_window_close_request_cb (StkApplication *self,
                                         GtkWindow      *window)
{
  g_autofree char *folder = NULL;
  guint keep;

  if (self->quit_confirmed || self->switching || count_main_windows (self) > 1)
    return FALSE;
  if (!stk_application_confirm_quit (self, window))
    return TRUE;
  /* A backup to make, or one running: quitting goes on when it is done. */
  if (self->backup_running || stk_application_backup_due_on_quit (self, &folder, &keep))
    {
      stk_application_quit_after_backup (self);
      return TRUE;
    }
  self->quit_confirmed = TRUE;
  return FALSE;
}

static void
stk_application_show_window (StkApplication *self)
{
  StkWindow *window;

  window = stk_window_new (GTK_APPLICATION (self), self->session, self->open_error);
  g_signal_connect_object (window, "close-request",
                           G_CALLBACK (stk_application_window_close_request_cb), self,
                           G_CONNECT_SWAPPED);
  if (self->session != NULL)
    {
      g_signal_connect_object (self->session, "notify::writer",
                               G_CALLBACK (stk_application_session_writer_cb), self,
                               G_CONNECT_SWAPPED);
      stk_application_watch_writer (self);
    }
  gtk_window_present (GTK_WINDOW (window));
}

/* ---- Before the window: lock held, lock file impossible, database busy ---- */

static void
stk_application_close_startup_dialog (StkApplication *self)
{
  GtkWindow *dialog = self->startup_dialog;
  GtkWindow *window = self->startup_window;

  set_weak (&self->startup_dialog, NULL);
  set_weak (&self->startup_window, NULL);
  if (dialog != NULL)
    {
      /* A response's emission may still hold the dialog: it must not be left pointing
       * at a window that is gone. */
      gtk_window_set_transient_for (dialog, NULL);
      gtk_window_destroy (dialog);
    }
  if (window != NULL)
    gtk_window_destroy (window);
}

/* The window the startup question comes over (made once). */
static GtkWindow *
stk_application_startup_window (StkApplication *self)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  GtkWindow *window;

  if (self->startup_window != NULL)
    return self->startup_window;

  builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "ui/stk-startup-window.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "window"));
  base = g_path_get_basename (self->database_path);
  name = g_filename_display_name (base);
  adw_status_page_set_description (ADW_STATUS_PAGE (gtk_builder_get_object (builder,
                                                                            "status_page")),
                                   name);
  gtk_window_set_application (window, GTK_APPLICATION (self));
  set_weak (&self->startup_window, window);
  gtk_window_present (window);
  return window;
}

static void
stk_application_open_read_only (StkApplication *self)
{
  g_autoptr(GError) error = NULL;

  if (!(self->session = stk_session_open (self->database_path, STK_SESSION_MODE_READ_ONLY,
                                          &error)))
    {
      g_message ("Cannot open the inventory read-only: %s", error->message);
      self->open_error = g_strdup (error->message);
    }
  else
    stk_application_remember (self);
  stk_application_show_window (self);
  stk_application_close_startup_dialog (self);
}

static void
stk_application_show_other_done_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  StkApplication *self;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = STK_APPLICATION (user_data);
  g_clear_object (&self->show_cancellable);
  if (reply == NULL)
    {
      /* The other window went meanwhile: ask again, with what is true now. */
      g_debug ("Could not show the other window: %s", error->message);
      if (self->startup_dialog != NULL)
        gtk_window_present (self->startup_dialog);
      return;
    }
  /* The other window is in front: this instance has nothing more to do. */
  stk_application_close_startup_dialog (self);
}

/* Show That Window: the instance that edits @db_path presents its window
 * (org.freedesktop.Application.Activate). At startup (@leaving) this one then quits;
 * from Open Inventory… it keeps its own inventory. */
static void
stk_application_show_other (StkApplication *self,
                            const char     *db_path,
                            gboolean        leaving)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (self));
  g_autofree char *name = stk_application_inventory_bus_name (db_path);
  GVariantBuilder platform;

  g_return_if_fail (bus != NULL);

  g_variant_builder_init (&platform, G_VARIANT_TYPE_VARDICT);
  g_cancellable_cancel (self->show_cancellable);
  g_clear_object (&self->show_cancellable);
  if (leaving)
    {
      g_cancellable_cancel (self->backup_cancellable);
      g_clear_object (&self->backup_cancellable);
    }
  self->show_cancellable = g_cancellable_new ();
  g_dbus_connection_call (bus, name, g_application_get_dbus_object_path (G_APPLICATION (self)),
                          "org.freedesktop.Application", "Activate",
                          g_variant_new ("(a{sv})", &platform), NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, self->show_cancellable,
                          stk_application_show_other_done_cb, self);
}

/* Whether the window that edits the inventory is of this session (its name is on our
 * session bus): then it can be shown. */
static gboolean
stk_application_other_window_is_ours (StkApplication *self,
                                      const char     *db_path)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (self));
  g_autofree char *name = stk_application_inventory_bus_name (db_path);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  if (bus == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
stk_application_lock_dialog_response_cb (StkApplication *self,
                                         const char     *response,
                                         StkLockDialog  *dialog)
{
  /* The dialog has hidden itself; each answer either shows it again or ends it. */
  if (g_strcmp0 (response, STK_LOCK_DIALOG_READ_ONLY) == 0)
    stk_application_open_read_only (self);
  else if (g_strcmp0 (response, STK_LOCK_DIALOG_TRY_AGAIN) == 0)
    stk_application_open (self);
  else if (g_strcmp0 (response, STK_LOCK_DIALOG_SHOW) == 0)
    stk_application_show_other (self, self->database_path, TRUE);
  else
    stk_application_close_startup_dialog (self);
}

static void
stk_application_busy_retry_cb (StkApplication  *self,
                               StkLockedDialog *dialog)
{
  stk_application_open (self);
}

static void
stk_application_busy_quit_cb (StkApplication  *self,
                              StkLockedDialog *dialog)
{
  stk_application_close_startup_dialog (self);
}

static void
stk_application_show_startup_dialog (StkApplication *self,
                                     const GError   *error)
{
  GtkWindow *dialog = self->startup_dialog;
  GtkWindow *parent;

  if (g_error_matches (error, STK_ERROR, STK_ERROR_BUSY))
    {
      if (dialog != NULL && STK_IS_LOCKED_DIALOG (dialog))
        {
          gtk_window_present (dialog);
          return;
        }
      if (dialog != NULL)
        {
          set_weak (&self->startup_dialog, NULL);
          gtk_window_set_transient_for (dialog, NULL);
          gtk_window_destroy (dialog);
        }
      parent = stk_application_startup_window (self);
      dialog = GTK_WINDOW (stk_locked_dialog_new_for_startup (GTK_APPLICATION (self),
                                                              self->database_path, NULL));
      gtk_window_set_transient_for (dialog, parent);
      g_signal_connect_object (dialog, "retry", G_CALLBACK (stk_application_busy_retry_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (dialog, "quit", G_CALLBACK (stk_application_busy_quit_cb),
                               self, G_CONNECT_SWAPPED);
    }
  else
    {
      if (dialog != NULL && STK_IS_LOCK_DIALOG (dialog))
        {
          stk_lock_dialog_set_error (STK_LOCK_DIALOG (dialog), error);
          gtk_window_present (dialog);
          return;
        }
      if (dialog != NULL)
        {
          set_weak (&self->startup_dialog, NULL);
          gtk_window_set_transient_for (dialog, NULL);
          gtk_window_destroy (dialog);
        }
      parent = stk_application_startup_window (self);
      dialog = GTK_WINDOW (stk_lock_dialog_new (parent, self->database_path, error));
      if (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED) &&
          stk_application_other_window_is_ours (self, self->database_path))
        stk_lock_dialog_offer_show (STK_LOCK_DIALOG (dialog));
      g_signal_connect_object (dialog, "response",
                               G_CALLBACK (stk_application_lock_dialog_response_cb), self,
                               G_CONNECT_SWAPPED);
    }

  set_weak (&self->startup_dialog, dialog);
  gtk_window_present (dialog);
}

/* Opens the inventory for editing (taking its lock; the writer creates or upgrades
 * the file), or says why not: another Stocktake edits it, the lock file cannot be
 * created, the database is busy — each with a dialog — or any other failure, which
 * the window shows instead of the inventory. */
static void
stk_application_open (StkApplication *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (self->session == NULL);

  self->session = stk_session_open (self->database_path, STK_SESSION_MODE_EDIT, &error);
  if (self->session == NULL &&
      (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED) ||
       g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY) ||
       g_error_matches (error, STK_ERROR, STK_ERROR_BUSY)))
    {
      /* The dialog says it, in plain words; stderr is no place for it. */
      g_debug ("%s", error->message);
      stk_application_show_startup_dialog (self, error);
      return;
    }
  if (self->session == NULL)
    {
      g_message ("Cannot open the inventory: %s", error->message);
      g_clear_pointer (&self->open_error, g_free);
      self->open_error = g_strdup (error->message);
    }
  else
    stk_application_remember (self);

  stk_application_show_window (self);
  stk_application_close_startup_dialog (self);
}

/* ---- Another inventory in place of this one: New Inventory…, Open Inventory… ----
 *
 * The other inventory is checked first (a file that is not an inventory, or cannot be
 * read, is said in a dialog and this one stays open), then the user is asked about
 * changes still waiting here (as on quitting), then the other one is opened for editing
 * — its lock taken, or the same question as at startup: Open Read-Only, Try Again, Show
 * That Window, Cancel — and only once it is open is this one closed: its window, its
 * writer (every queued change saved, unless the user chose to lose them) and its lock. */

/* The last inventory opened, which the next launch without --database opens. */
static void
stk_application_remember (StkApplication *self)
{
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);
  g_autofree char *absolute = NULL;

  if (settings == NULL)
    return;
  absolute = g_canonicalize_filename (self->database_path, NULL);
  g_settings_set_string (settings, "last-inventory", absolute);
}

static void
stk_application_switch_done (StkApplication *self)
{
  g_clear_pointer (&self->switch_path, g_free);
  self->switch_create = FALSE;
  self->switch_lose = FALSE;
}

static void
stk_application_switch_error (StkApplication *self,
                              const char     *heading,
                              const char     *message)
{
  GtkWindow *parent = GTK_WINDOW (main_window (self));
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  set_weak (&self->switch_dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
  stk_application_switch_done (self);
}

/* Whether @a and @b are the same file (or would be, once made). */
static gboolean
same_inventory (const char *a,
                const char *b)
{
  g_autofree char *ca = g_canonicalize_filename (a, NULL);
  g_autofree char *cb = g_canonicalize_filename (b, NULL);
  g_autofree char *ra = realpath (ca, NULL);
  g_autofree char *rb = realpath (cb, NULL);

  return g_strcmp0 (ra ? ra : ca, rb ? rb : cb) == 0;
}

/* Before anything is closed: @path must be an inventory that can be read (Open), or a
 * place for a new one that holds nothing else (New). */
static gboolean
stk_application_switch_check (const char  *path,
                              gboolean     create,
                              GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  gboolean exists = FALSE;
  GStatBuf st;

  if (!stk_db_check_file (path, &exists, error))
    {
      if (create && exists)
        {
          g_autoptr(GError) why = g_steal_pointer (error);

          g_set_error (error, STK_ERROR, STK_ERROR_NOT_INVENTORY,
                       _("“%s” is already there and is not an inventory: nothing was "
                         "replaced. Choose another name. (%s)"), display, why->message);
        }
      return FALSE;
    }
  if (!create && !exists)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                   _("There is no inventory at “%s”."), display);
      return FALSE;
    }
  if (create && exists && g_stat (path, &st) == 0 && st.st_size > 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("“%s” is already an inventory: nothing was replaced. Open it with "
                     "Open Inventory…, or choose another name for the new one."), display);
      return FALSE;
    }
  if (!create && g_access (path, R_OK) != 0)
    {
      int errsv = errno;

      g_set_error (error, STK_ERROR, STK_ERROR_READ_ONLY,
                   _("“%s” cannot be read: %s"), display, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

static void
stk_application_backup_left_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  StkApplication *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = stk_backup_auto_finish (STK_STORE (object), result, &error);
  StkWindow *window;

  if (path != NULL)
    g_debug ("Automatic backup of the inventory left: %s", path);
  else if ((window = main_window (self)) != NULL)
    stk_window_show_backup_failed (window, error->message);
  else
    g_message ("The automatic backup failed: %s", error->message);
  g_application_release (G_APPLICATION (self));
}

/* The backup of the inventory just closed (@db_path), from a store of its own: the
 * lock is free already, and the copy is made from a read snapshot. The application
 * stays until it is done. */
static void
stk_application_backup_left (StkApplication *self,
                             const char     *db_path,
                             const char     *folder,
                             guint           keep)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = stk_store_new (db_path, &error);

  if (store == NULL)
    {
      g_message ("The automatic backup failed: %s", error->message);
      return;
    }
  g_application_hold (G_APPLICATION (self));
  stk_backup_auto_async (store, folder, keep, NULL, stk_application_backup_left_cb, self);
}

/* The other inventory is open (@session, transfer full): this one's window, writer and
 * lock go, and the other's window comes. */
static void
stk_application_switch_to (StkApplication *self,
                           StkSession     *session)
{
  g_autoptr(StkSession) old = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  guint keep = 0;
  gboolean backup_old;
  GList *windows;

  /* Leaving an inventory after changes backs it up, as quitting does (unless the
   * waiting changes were given up: then nobody waits for anything). */
  backup_old = self->session != NULL && !self->switch_lose &&
               stk_application_backup_due_on_quit (self, &folder, &keep);
  old = g_steal_pointer (&self->session);

  /* No window for a moment: the application must not end meanwhile. */
  g_application_hold (G_APPLICATION (self));
  self->switching = TRUE;
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (const GList *l = windows; l != NULL; l = l->next)
    if (STK_IS_WINDOW (l->data))
      gtk_window_close (GTK_WINDOW (l->data));
  for (const GList *l = windows; l != NULL; l = l->next)
    if (!STK_IS_WINDOW (l->data))
      gtk_window_destroy (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);
  self->switching = FALSE;

  if (self->watched_writer != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_writer, self);
  g_clear_object (&self->watched_writer);
  g_clear_handle_id (&self->bus_name_id, g_bus_unown_name);
  /* A backup of this one still running: the one made on leaving replaces it. */
  g_cancellable_cancel (self->backup_cancellable);
  g_clear_object (&self->backup_cancellable);
  self->backup_running = FALSE;
  self->quit_after_backup = FALSE;

  if (old != NULL)
    {
      g_signal_handlers_disconnect_by_data (old, self);
      /* Waits for queued changes (none are left unless the user chose to lose them),
       * then releases the lock. */
      if (!stk_session_close (old, self->switch_lose ? 0 : CLOSE_TIMEOUT_MS, &error))
        g_message ("Closing the inventory: %s", error->message);
      else if (backup_old)
        stk_application_backup_left (self, stk_session_get_path (old), folder, keep);
    }

  g_free (self->database_path);
  self->database_path = g_strdup (stk_session_get_path (session));
  g_clear_pointer (&self->open_error, g_free);
  self->session = session;
  self->quit_backup_done = FALSE;
  self->lose_pending = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE_PATH]);
  stk_application_remember (self);
  stk_application_switch_done (self);
  stk_application_show_window (self);
  g_application_release (G_APPLICATION (self));
}

static void stk_application_switch_open (StkApplication *self);

static void
stk_application_switch_lock_response_cb (StkApplication *self,
                                         const char     *response,
                                         StkLockDialog  *dialog)
{
  g_autofree char *path = g_strdup (self->switch_path);

  /* The dialog has hidden itself. */
  set_weak (&self->switch_dialog, NULL);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (path == NULL)
    return;

  if (g_strcmp0 (response, STK_LOCK_DIALOG_READ_ONLY) == 0)
    {
      g_autoptr(GError) error = NULL;
      StkSession *session = stk_session_open (path, STK_SESSION_MODE_READ_ONLY, &error);

      if (session == NULL)
        stk_application_switch_error (self, _("Cannot Open the Inventory"), error->message);
      else
        stk_application_switch_to (self, session);
    }
  else if (g_strcmp0 (response, STK_LOCK_DIALOG_TRY_AGAIN) == 0)
    stk_application_switch_open (self);
  else if (g_strcmp0 (response, STK_LOCK_DIALOG_SHOW) == 0)
    {
      stk_application_show_other (self, path, FALSE);
      stk_application_switch_done (self);
    }
  else
    stk_application_switch_done (self);
}

/* Opens switch_path for editing; this inventory stays open until that worked. */
static void
stk_application_switch_open (StkApplication *self)
{
  g_autoptr(GError) error = NULL;
  StkSession *session;
  StkLockDialog *dialog;

  session = stk_session_open (self->switch_path, STK_SESSION_MODE_EDIT, &error);
  if (session != NULL)
    {
      stk_application_switch_to (self, session);
      return;
    }
  if (!g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED) &&
      !g_error_matches (error, STK_ERROR, STK_ERROR_READ_ONLY))
    {
      stk_application_switch_error (self,
                                    self->switch_create ? _("Cannot Create the Inventory")
                                                        : _("Cannot Open the Inventory"),
                                    error->message);
      return;
    }

  /* Held by another Stocktake, or its folder cannot be written: the startup question,
   * over this window, whose Cancel keeps this inventory. */
  g_debug ("%s", error->message);
  dialog = stk_lock_dialog_new (GTK_WINDOW (main_window (self)), self->switch_path, error);
  adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (dialog), STK_LOCK_DIALOG_QUIT,
                                         _("_Cancel"));
  if (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED) &&
      stk_application_other_window_is_ours (self, self->switch_path))
    stk_lock_dialog_offer_show (dialog);
  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (stk_application_switch_lock_response_cb), self,
                           G_CONNECT_SWAPPED);
  set_weak (&self->switch_dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
stk_application_switch_close_response_cb (StkApplication *self,
                                          int             response,
                                          StkQuitDialog  *dialog)
{
  switch ((StkQuitDialogResponse) response)
    {
    case STK_QUIT_DIALOG_LOSE:
      self->switch_lose = TRUE;
      G_GNUC_FALLTHROUGH;
    case STK_QUIT_DIALOG_SAVED:
      set_weak (&self->switch_dialog, NULL);
      gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
      gtk_window_destroy (GTK_WINDOW (dialog));
      if (self->switch_path != NULL)
        stk_application_switch_open (self);
      break;
    case STK_QUIT_DIALOG_QUIT_ANYWAY:
    case STK_QUIT_DIALOG_CANCEL:
    default:
      stk_application_switch_done (self);
      break;
    }
}

/* Opens (or with @create makes) the inventory at @path in place of this one. */
static void
stk_application_switch (StkApplication *self,
                        const char     *path,
                        gboolean        create)
{
  g_autoptr(GError) error = NULL;
  StkWriter *writer = current_writer (self);

  if (self->switch_path != NULL || self->startup_dialog != NULL || self->quit_dialog != NULL)
    {
      /* A question is being asked already. */
      if (self->switch_dialog != NULL)
        gtk_window_present (self->switch_dialog);
      return;
    }
  if (!create && self->session != NULL && same_inventory (path, self->database_path))
    {
      StkWindow *window = main_window (self);

      if (window != NULL)
        gtk_window_present (GTK_WINDOW (window));
      return;
    }

  self->switch_path = g_strdup (path);
  self->switch_create = create;
  if (!stk_application_switch_check (path, create, &error))
    {
      stk_application_switch_error (self,
                                    create ? _("Cannot Create the Inventory")
                                           : _("Cannot Open the Inventory"),
                                    error->message);
      return;
    }

  if (writer != NULL && stk_writer_get_pending (writer) > 0)
    {
      StkQuitDialog *dialog = stk_quit_dialog_new_for_switch (GTK_WINDOW (main_window (self)),
                                                              writer);

      g_signal_connect_object (dialog, "decided",
                               G_CALLBACK (stk_application_switch_close_response_cb), self,
                               G_CONNECT_SWAPPED);
      set_weak (&self->switch_dialog, GTK_WINDOW (dialog));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  stk_application_switch_open (self);
}

static void
stk_application_chooser_response_cb (StkApplication       *self,
                                     int                   response,
                                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  gboolean create = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) ==
                    GTK_FILE_CHOOSER_ACTION_SAVE;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;
  path = g_file_get_path (file);
  if (path == NULL)
    {
      stk_application_switch_error (self,
                                    create ? _("Cannot Create the Inventory")
                                           : _("Cannot Open the Inventory"),
                                    _("Only a file on this computer can be an inventory."));
      return;
    }
  stk_application_switch (self, path, create);
}

static void
stk_application_choose (StkApplication *self,
                        gboolean        create)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) inventories = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autoptr(GFile) folder = NULL;

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (self->chooser);
      return;
    }
  chooser = gtk_file_chooser_native_new (create ? _("New Inventory") : _("Open Inventory"),
                                         GTK_WINDOW (main_window (self)),
                                         create ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         create ? _("_Create") : _("_Open"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (inventories, _("Inventories"));
  gtk_file_filter_add_pattern (inventories, "*.db");
  gtk_file_filter_add_pattern (inventories, "*.sqlite");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), inventories);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), inventories);
  /* Beside this inventory. */
  if (self->database_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self->database_path);

      folder = g_file_new_for_path (dir);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }
  if (create)
    /* Translators: the name a new inventory file is offered; keep the .db */
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("Shop.db"));
  g_signal_connect_object (chooser, "response",
                           G_CALLBACK (stk_application_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
stk_application_open_inventory_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  StkApplication *self = STK_APPLICATION (user_data);
  const char *path = g_variant_get_string (parameter, NULL);

  if (path[0] == '\0')
    stk_application_choose (self, FALSE);
  else
    stk_application_switch (self, path, FALSE);
}

static void
stk_application_new_inventory_action (GSimpleAction *action,
                                      GVariant      *parameter,
                                      gpointer       user_data)
{
  StkApplication *self = STK_APPLICATION (user_data);
  const char *path = g_variant_get_string (parameter, NULL);

  if (path[0] == '\0')
    stk_application_choose (self, TRUE);
  else
    stk_application_switch (self, path, TRUE);
}

static void
stk_application_activate (GApplication *application)
{
  StkApplication *self = STK_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    gtk_window_present (window);
  else if (self->startup_dialog != NULL)
    {
      if (self->startup_window != NULL)
        gtk_window_present (self->startup_window);
      gtk_window_present (self->startup_dialog);
    }
  else if (self->session == NULL && self->open_error == NULL)
    stk_application_open (self);
}

static void
stk_application_shutdown (GApplication *application)
{
  StkApplication *self = STK_APPLICATION (application);

  g_clear_handle_id (&self->sigint_source, g_source_remove);
  g_clear_handle_id (&self->sigterm_source, g_source_remove);
  g_clear_handle_id (&self->sigusr1_source, g_source_remove);
  g_clear_handle_id (&self->bus_name_id, g_bus_unown_name);
  g_cancellable_cancel (self->show_cancellable);
  g_clear_object (&self->show_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);

  if (self->watched_writer != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_writer, self);
  g_clear_object (&self->watched_writer);

  if (self->session != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* Waits for queued changes (not when the user chose to lose them); tells when
       * some could not be saved. Releases the lock last. */
      if (!stk_session_close (self->session, self->lose_pending ? 0 : CLOSE_TIMEOUT_MS,
                              &error))
        g_warning ("%s", error->message);
    }
  g_clear_object (&self->session);

  G_APPLICATION_CLASS (stk_application_parent_class)->shutdown (application);
}

static void
stk_application_finalize (GObject *object)
{
  StkApplication *self = STK_APPLICATION (object);

  set_weak (&self->startup_dialog, NULL);
  set_weak (&self->startup_window, NULL);
  set_weak (&self->locked_dialog, NULL);
  set_weak (&self->quit_dialog, NULL);
  set_weak (&self->switch_dialog, NULL);
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->switch_path, g_free);
  g_clear_object (&self->watched_writer);
  g_clear_object (&self->session);
  g_clear_pointer (&self->database_path, g_free);
  g_clear_pointer (&self->open_error, g_free);

  G_OBJECT_CLASS (stk_application_parent_class)->finalize (object);
}

static void
stk_application_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  StkApplication *self = STK_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_value_set_string (value, self->database_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_application_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  StkApplication *self = STK_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      self->database_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_application_class_init (StkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = stk_application_finalize;
  object_class->get_property = stk_application_get_property;
  object_class->set_property = stk_application_set_property;

  app_class->startup = stk_application_startup;
  app_class->activate = stk_application_activate;
  app_class->shutdown = stk_application_shutdown;

  properties[PROP_DATABASE_PATH] =
    g_param_spec_string ("database-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
stk_application_init (StkApplication *self)
{
}

StkApplication *
stk_application_new (const char *database_path)
{
  g_return_val_if_fail (database_path != NULL, NULL);

  /* Not unique through D-Bus: the inventory's own lock decides who writes. */
  return g_object_new (STK_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "database-path", database_path,
                       NULL);
}

const char *
stk_application_get_database_path (StkApplication *self)
{
  g_return_val_if_fail (STK_IS_APPLICATION (self), NULL);
  return self->database_path;
}
