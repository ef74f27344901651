/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-session.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-engine.h"
#include "stk-error.h"
#include "stk-lock.h"

/*
 * The watcher (read-only sessions only) is a thread of its own, so that the UI never
 * waits on SQLite or the file system: it keeps one read-only connection, compares
 * PRAGMA data_version every DATA_VERSION_POLL_MS and probes the lock file every
 * LOCK_POLL_MS, and posts what it saw to the owner's main context.
 *
 * Test and tuning knobs (environment): STOCKTAKE_RETRY_BUDGET_MS and
 * STOCKTAKE_PROBE_INTERVAL_MS set the writer's retry budget and probe interval.
 */

#define DATA_VERSION_POLL_MS 250
#define LOCK_POLL_MS 500

struct _StkSession
{
  GObject        parent_instance;

  char          *path;
  const StkEngine *engine;
  StkLock       *lock;
  StkWriter     *writer;
  StkStore      *store;
  GMainContext  *owner_context;
  char          *holder;
  gboolean       read_only;
  gboolean       can_edit;
  gboolean       closed;

  /* The watcher thread; stop and the condition are protected by watch_lock. */
  GThread       *watcher;
  GMutex         watch_lock;
  GCond          watch_cond;
  gboolean       watch_stop;
};

G_DEFINE_FINAL_TYPE (StkSession, stk_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_READ_ONLY,
  PROP_WRITER,
  PROP_STORE,
  PROP_CAN_EDIT,
  PROP_HOLDER,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- Environment knobs ---- */

static gboolean
env_uint (const char *name,
          guint      *out_value)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL || text[0] == '\0' ||
      !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &value, NULL))
    return FALSE;
  *out_value = (guint) value;
  return TRUE;
}

static StkWriter *
open_writer (const char  *path,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  StkWriter *writer;
  guint budget = 0;
  guint probe = 0;

  if (env_uint ("STOCKTAKE_RETRY_BUDGET_MS", &budget) &&
      env_uint ("STOCKTAKE_PROBE_INTERVAL_MS", &probe))
    writer = g_initable_new (STK_TYPE_WRITER, NULL, &local_error, "path", path,
                             "retry-budget-ms", budget, "probe-interval-ms", probe, NULL);
  else if (env_uint ("STOCKTAKE_RETRY_BUDGET_MS", &budget))
    writer = g_initable_new (STK_TYPE_WRITER, NULL, &local_error, "path", path,
                             "retry-budget-ms", budget, NULL);
  else if (env_uint ("STOCKTAKE_PROBE_INTERVAL_MS", &probe))
    writer = g_initable_new (STK_TYPE_WRITER, NULL, &local_error, "path", path,
                             "probe-interval-ms", probe, NULL);
  else
    writer = g_initable_new (STK_TYPE_WRITER, NULL, &local_error, "path", path, NULL);

  if (writer != NULL)
    return writer;

  /* The writer says LOCKED when SQLite stayed busy past its budget (a migration could
   * not get the database): for the session that is BUSY — LOCKED means the lock file. */
  if (g_error_matches (local_error, STK_ERROR, STK_ERROR_LOCKED))
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *name = g_filename_display_name (base);

      g_set_error (error, STK_ERROR, STK_ERROR_BUSY,
                   _("The inventory “%s” is busy: another program is using the file. "
                     "Nothing has been changed."),
                   name);
      return NULL;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* ---- Owner-side updates ---- */

static void
set_can_edit (StkSession *self,
              gboolean    can_edit,
              const char *holder)
{
  if (self->can_edit != can_edit)
    {
      self->can_edit = can_edit;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_EDIT]);
    }
  if (g_strcmp0 (self->holder, holder) != 0)
    {
      g_free (self->holder);
      self->holder = g_strdup (holder);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOLDER]);
    }
}

/* Plain words for the "holder" property, or NULL when nobody holds the lock. */
static char *
describe_holder (const char *path,
                 gboolean    held)
{
  g_autoptr(StkLockHolder) holder = NULL;

  if (!held)
    return NULL;
  holder = stk_lock_read_holder (path);
  if (holder == NULL)
    return g_strdup (_("another Stocktake program"));
  return stk_lock_holder_describe (holder);
}

/* Whether the lock could be taken now: nobody holds it, and the folder lets us create
 * the lock file if it is missing. */
static gboolean
lock_available (const char *path,
                gboolean   *out_held)
{
  g_autofree char *lock_path = stk_lock_path_for (path);
  gboolean held = stk_lock_is_held (path);

  *out_held = held;
  if (held)
    return FALSE;
  {
    GStatBuf st;

    /* A lock file that is a symbolic link, a pipe or a folder is refused by
     * stk_lock_acquire(): offering to edit would only fail. */
    if (g_lstat (lock_path, &st) == 0)
      return S_ISREG (st.st_mode);
  }
  {
    g_autofree char *dir = g_path_get_dirname (path);
    return access (dir, W_OK) == 0;
  }
}

typedef struct
{
  StkSession *self;
  gboolean    external_change;
  gboolean    lock_seen;
  gboolean    can_edit;
  char       *holder;
} WatchUpdate;

static void
watch_update_free (gpointer data)
{
  WatchUpdate *update = data;

  g_object_unref (update->self);
  g_free (update->holder);
  g_free (update);
}

static gboolean
watch_update_cb (gpointer data)
{
  WatchUpdate *update = data;
  StkSession *self = update->self;

  /* Stale news once editing or closed. */
  if (!self->read_only || self->closed)
    return G_SOURCE_REMOVE;

  if (update->lock_seen)
    set_can_edit (self, update->can_edit, update->holder);
  if (update->external_change)
    g_signal_emit (self, signals[CHANGED], 0, (guint) (STK_CHANGE_EXTERNAL | STK_CHANGE_ALL));
  return G_SOURCE_REMOVE;
}

static gpointer
watcher_thread (gpointer data)
{
  StkSession *self = data;
  StkEngineConn *db = NULL;
  gint64 data_version = -1;
  gint64 next_lock_poll = 0;
  gboolean last_can_edit = self->can_edit;

  g_mutex_lock (&self->watch_lock);
  while (!self->watch_stop)
    {
      gint64 now;
      WatchUpdate *update = NULL;

      g_mutex_unlock (&self->watch_lock);

      now = g_get_monotonic_time ();

      if (db == NULL)
        {
          g_autoptr(GError) error = NULL;

          if ((db = self->engine->open_reader (self->path, TRUE, &error)) != NULL)
            data_version = self->engine->data_version (db);
          else
            g_debug ("Watcher cannot open %s: %s", self->path, error->message);
        }
      else
        {
          gint64 v = self->engine->data_version (db);

          if (v >= 0 && data_version >= 0 && v != data_version)
            {
              update = g_new0 (WatchUpdate, 1);
              update->external_change = TRUE;
            }
          if (v >= 0)
            data_version = v;
        }

      if (now >= next_lock_poll)
        {
          gboolean held = FALSE;
          gboolean can_edit = lock_available (self->path, &held);

          next_lock_poll = now + LOCK_POLL_MS * 1000;
          if (can_edit != last_can_edit || held)
            {
              if (update == NULL)
                update = g_new0 (WatchUpdate, 1);
              update->lock_seen = TRUE;
              update->can_edit = can_edit;
              update->holder = describe_holder (self->path, held);
              last_can_edit = can_edit;
            }
        }

      if (update != NULL)
        {
          g_autoptr(GSource) source = g_idle_source_new ();

          /* Always through a source on the owner's context, never a direct call:
           * g_main_context_invoke() would run the update right here, in this thread,
           * whenever the owner's context is also this thread's default and free,
           * and the session's properties would change (and notify) off its thread. */
          update->self = g_object_ref (self);
          g_source_set_priority (source, G_PRIORITY_DEFAULT);
          g_source_set_callback (source, watch_update_cb, update, watch_update_free);
          g_source_set_static_name (source, "[stocktake] session watcher update");
          g_source_attach (source, self->owner_context);
        }

      g_mutex_lock (&self->watch_lock);
      if (!self->watch_stop)
        g_cond_wait_until (&self->watch_cond, &self->watch_lock,
                           g_get_monotonic_time () + DATA_VERSION_POLL_MS * 1000);
    }
  g_mutex_unlock (&self->watch_lock);

  if (db != NULL)
    self->engine->close_reader (db);
  return NULL;
}

static void
start_watcher (StkSession *self)
{
  g_assert (self->watcher == NULL);

  self->watch_stop = FALSE;
  self->watcher = g_thread_new ("stk-session-watch", watcher_thread, self);
}

static void
stop_watcher (StkSession *self)
{
  GThread *thread = g_steal_pointer (&self->watcher);

  if (thread == NULL)
    return;

  g_mutex_lock (&self->watch_lock);
  self->watch_stop = TRUE;
  g_cond_broadcast (&self->watch_cond);
  g_mutex_unlock (&self->watch_lock);
  g_thread_join (thread);
}

static void
stk_session_writer_committed_cb (StkSession *self,
                                 guint       changes,
                                 guint       n_ops,
                                 StkWriter  *writer)
{
  /* Another process's commit seen by the writer: everything may have changed. */
  if (changes & STK_CHANGE_EXTERNAL)
    changes |= STK_CHANGE_ALL;
  g_signal_emit (self, signals[CHANGED], 0, changes);
}

static void
take_writer (StkSession *self,
             StkWriter  *writer)
{
  self->writer = writer;
  g_signal_connect_object (writer, "committed",
                           G_CALLBACK (stk_session_writer_committed_cb), self,
                           G_CONNECT_SWAPPED);
}

/* ---- Public API ---- */

StkSession *
stk_session_open (const char      *path,
                  StkSessionMode   mode,
                  GError         **error)
{
  g_autoptr(StkSession) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (STK_TYPE_SESSION, NULL);
  /* The engine for the location (a server location is refused here, before any lock
   * or file is made); the lock, the writer, the readers and the watcher all name the
   * location as the engine resolves it (SQLite: the real file). */
  if (!(self->engine = stk_engine_for_location (path, error)) ||
      !(self->path = self->engine->resolve (path, error)))
    return NULL;
  self->owner_context = g_main_context_ref_thread_default ();

  if (mode == STK_SESSION_MODE_EDIT)
    {
      StkWriter *writer;

      if (!(self->lock = stk_lock_acquire (self->path, "window", error)))
        return NULL;
      if (!(writer = open_writer (self->path, error)))
        return NULL;
      take_writer (self, writer);
      self->read_only = FALSE;
      if (!(self->store = stk_store_new (self->path, error)))
        return NULL;
    }
  else
    {
      gboolean held = FALSE;

      if (!(self->store = stk_store_new (self->path, error)))
        return NULL;
      self->read_only = TRUE;
      self->can_edit = lock_available (self->path, &held);
      self->holder = describe_holder (self->path, held);
      start_watcher (self);
    }

  return g_steal_pointer (&self);
}

const char *
stk_session_get_path (StkSession *self)
{
  g_return_val_if_fail (STK_IS_SESSION (self), NULL);
  return self->path;
}

gboolean
stk_session_get_read_only (StkSession *self)
{
  g_return_val_if_fail (STK_IS_SESSION (self), TRUE);
  return self->read_only;
}

StkWriter *
stk_session_get_writer (StkSession *self)
{
  g_return_val_if_fail (STK_IS_SESSION (self), NULL);
  return self->writer;
}

StkStore *
stk_session_get_store (StkSession *self)
{
  g_return_val_if_fail (STK_IS_SESSION (self), NULL);
  return self->store;
}

gboolean
stk_session_get_can_edit (StkSession *self)
{
  g_return_val_if_fail (STK_IS_SESSION (self), FALSE);
  return self->can_edit;
}

const char *
stk_session_get_holder (StkSession *self)
{
  g_return_val_if_fail (STK_IS_SESSION (self), NULL);
  return self->holder;
}

gboolean
stk_session_switch_to_editing (StkSession  *self,
                               GError     **error)
{
  g_autoptr(StkLock) lock = NULL;
  StkWriter *writer;

  g_return_val_if_fail (STK_IS_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->closed)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_CLOSED, _("The inventory is closed."));
      return FALSE;
    }
  if (!self->read_only)
    return TRUE;

  if (!(lock = stk_lock_acquire (self->path, "window", error)))
    {
      gboolean held = FALSE;
      g_autofree char *holder = NULL;
      gboolean can_edit = lock_available (self->path, &held);

      holder = describe_holder (self->path, held);
      set_can_edit (self, can_edit, holder);
      return FALSE;
    }
  if (!(writer = open_writer (self->path, error)))
    return FALSE;

  stop_watcher (self);
  self->lock = g_steal_pointer (&lock);
  take_writer (self, writer);
  self->read_only = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  set_can_edit (self, FALSE, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WRITER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
  g_object_thaw_notify (G_OBJECT (self));

  /* Whatever the other instance committed last. */
  g_signal_emit (self, signals[CHANGED], 0, (guint) (STK_CHANGE_EXTERNAL | STK_CHANGE_ALL));
  return TRUE;
}

gboolean
stk_session_close (StkSession  *self,
                   guint        timeout_ms,
                   GError     **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (STK_IS_SESSION (self), FALSE);

  if (self->closed)
    return TRUE;
  self->closed = TRUE;

  stop_watcher (self);

  /* Readers first: the writer's connection, closing last, folds the write-ahead log
   * back into the inventory. Only then may another process take the lock. */
  g_clear_object (&self->store);
  if (self->writer != NULL)
    ok = stk_writer_close (self->writer, timeout_ms, error);
  g_clear_pointer (&self->lock, stk_lock_release);

  return ok;
}

/* ---- GObject ---- */

static void
stk_session_dispose (GObject *object)
{
  StkSession *self = STK_SESSION (object);

  stop_watcher (self);
  if (self->writer != NULL)
    {
      g_autoptr(GError) error = NULL;

      g_signal_handlers_disconnect_by_data (self->writer, self);
      if (!stk_writer_close (self->writer, 5000, &error))
        g_warning ("%s", error->message);
    }
  g_clear_object (&self->store);
  g_clear_object (&self->writer);
  g_clear_pointer (&self->lock, stk_lock_release);

  G_OBJECT_CLASS (stk_session_parent_class)->dispose (object);
}

static void
stk_session_finalize (GObject *object)
{
  StkSession *self = STK_SESSION (object);

  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->holder, g_free);
  g_mutex_clear (&self->watch_lock);
  g_cond_clear (&self->watch_cond);

  G_OBJECT_CLASS (stk_session_parent_class)->finalize (object);
}

static void
stk_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  StkSession *self = STK_SESSION (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;
    case PROP_WRITER:
      g_value_set_object (value, self->writer);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CAN_EDIT:
      g_value_set_boolean (value, self->can_edit);
      break;
    case PROP_HOLDER:
      g_value_set_string (value, self->holder);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_session_class_init (StkSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = stk_session_dispose;
  object_class->finalize = stk_session_finalize;
  object_class->get_property = stk_session_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WRITER] =
    g_param_spec_object ("writer", NULL, NULL, STK_TYPE_WRITER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STK_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_EDIT] =
    g_param_spec_boolean ("can-edit", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOLDER] =
    g_param_spec_string ("holder", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StkSession::changed:
   * @changes: #StkChangeFlags; STK_CHANGE_EXTERNAL | STK_CHANGE_ALL for another
   *   process's commits
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
stk_session_init (StkSession *self)
{
  g_mutex_init (&self->watch_lock);
  g_cond_init (&self->watch_cond);
  self->read_only = TRUE;
}
