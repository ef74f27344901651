/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-store.h"
#include "stk-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-engine.h"
#include "stk-error.h"
#include "stk-seams.h"

#define MAX_IDLE_READERS 4

struct _StkStore
{
  GObject    parent_instance;

  char      *path;
  const StkEngine *engine;
  GMutex     lock;
  GPtrArray *idle; /* StkEngineConn*, read-only */

  StkStoreReadHook read_hook; /* tests only */
  gpointer         read_hook_data;
};

static void stk_store_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StkStore, stk_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      stk_store_initable_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/*
 * The store over the engine (stk-engine.h): a pool of the engine's read connections,
 * and the reads that are not lists (stats, verify, backup). What a read does is the
 * engine's; how connections are lent and given back is the store's.
 */

StkEngineConn *
stk_store_acquire_conn (StkStore  *self,
                        GError   **error)
{
  StkEngineConn *conn = NULL;

  g_return_val_if_fail (STK_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->idle->len > 0)
    conn = g_ptr_array_steal_index_fast (self->idle, self->idle->len - 1);
  g_mutex_unlock (&self->lock);

  if (conn == NULL)
    conn = self->engine->open_reader (self->path, FALSE, error);
  return conn;
}

void
stk_store_release_conn (StkStore      *self,
                        StkEngineConn *conn)
{
  g_return_if_fail (STK_IS_STORE (self));

  if (conn == NULL)
    return;

  g_mutex_lock (&self->lock);
  if (self->idle->len < MAX_IDLE_READERS && self->engine->reader_idle (conn))
    {
      g_ptr_array_add (self->idle, conn);
      conn = NULL;
    }
  g_mutex_unlock (&self->lock);

  if (conn != NULL)
    self->engine->close_reader (conn);
}

const StkEngine *
stk_store_get_engine (StkStore *self)
{
  g_return_val_if_fail (STK_IS_STORE (self), NULL);
  return self->engine;
}

const char *
stk_store_get_path (StkStore *self)
{
  g_return_val_if_fail (STK_IS_STORE (self), NULL);
  return self->path;
}

gboolean
stk_store_get_stats (StkStore  *self,
                     StkStats  *stats,
                     GError   **error)
{
  StkEngineConn *conn;
  gboolean ok;

  g_return_val_if_fail (STK_IS_STORE (self), FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  memset (stats, 0, sizeof *stats);
  if (!(conn = stk_store_acquire_conn (self, error)))
    return FALSE;
  ok = self->engine->read_stats (conn, self->path, stats, error);
  stk_store_release_conn (self, conn);
  return ok;
}

void
stk_store_set_read_hook (StkStore         *self,
                         StkStoreReadHook  hook,
                         gpointer          user_data)
{
  g_return_if_fail (STK_IS_STORE (self));

  g_mutex_lock (&self->lock);
  self->read_hook = hook;
  self->read_hook_data = user_data;
  g_mutex_unlock (&self->lock);
}

void
stk_store_run_read_hook (StkStore *self,
                         guint     step)
{
  StkStoreReadHook hook;
  gpointer data;

  g_mutex_lock (&self->lock);
  hook = self->read_hook;
  data = self->read_hook_data;
  g_mutex_unlock (&self->lock);
  if (hook != NULL)
    hook (self, step, data);
}






/**
 * stk_store_codes_kept_apart:
 * Items that an older version let in under codes that the current rule calls the same
 * (see data/stk-code.h), kept apart by the upgrade to schema 5.
 * Returns: (transfer full): one sentence per such item; empty when there are none.
 */
GPtrArray *
stk_store_codes_kept_apart (StkStore  *self,
                            GError   **error)
{
  StkEngineConn *conn;
  GPtrArray *lines;

  g_return_val_if_fail (STK_IS_STORE (self), NULL);

  if (!(conn = stk_store_acquire_conn (self, error)))
    return NULL;
  lines = self->engine->codes_kept_apart (conn, error);
  stk_store_release_conn (self, conn);
  return lines;
}

/**
 * stk_store_verify:
 * Returns: (transfer full): every problem found, as sentences; empty when the
 * inventory is sound. NULL with @error set when the check itself could not run.
 */
GPtrArray *
stk_store_verify (StkStore  *self,
                  GError   **error)
{
  GPtrArray *problems;
  StkEngineConn *conn;

  g_return_val_if_fail (STK_IS_STORE (self), NULL);

  if (!(conn = stk_store_acquire_conn (self, error)))
    return NULL;
  if (!self->engine->begin_read (conn, error))
    {
      stk_store_release_conn (self, conn);
      return NULL;
    }
  problems = self->engine->verify (conn, error);
  self->engine->end_read (conn);
  stk_store_release_conn (self, conn);
  return problems;
}

/* The copy must open as a Stocktake inventory and pass its integrity check. */
static gboolean
verify_copy (const char  *temp_path,
             const char  *dest_path,
             GError     **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_filename_display_name (dest_path);

  if (!stk_backup_verify_file (temp_path, &problems, &local_error))
    {
      g_set_error (error, STK_ERROR, local_error->code,
                   _("The backup “%s” did not pass its check, so it was not kept: %s"), name,
                   local_error->message);
      return FALSE;
    }
  if (problems->len > 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CORRUPT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The backup “%s” did not pass its check (%u problem found), so "
                                "it was not kept.",
                                "The backup “%s” did not pass its check (%u problems found), so "
                                "it was not kept.",
                                problems->len),
                   name, problems->len);
      return FALSE;
    }
  return TRUE;
}

/* The copy of stk_store_backup_full() and stk_store_backup_verified(): with @verify,
 * the temporary file must pass stk_backup_verify_file (stk_verify_file()) before it
 * takes its name. */
static gboolean
backup_copy (StkStore        *self,
             const char      *dest_path,
             StkOutputFlags   flags,
             gboolean         verify,
             GCancellable    *cancellable,
             GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StkOutput) output = NULL;
  StkEngineConn *conn;
  gboolean ok;

  /* A backup holds the whole inventory: private to its owner, like the inventory. */
  if (!(output = stk_output_open (dest_path, self->path, flags, 0600, error)))
    return FALSE;

  if ((conn = stk_store_acquire_conn (self, &local_error)) != NULL)
    {
      ok = self->engine->backup (conn, stk_output_get_temp_path (output), dest_path,
                                 &local_error);
      stk_store_release_conn (self, conn);
      if (ok && verify)
        ok = verify_copy (stk_output_get_temp_path (output), dest_path, &local_error);
      if (ok && !g_cancellable_set_error_if_cancelled (cancellable, &local_error) &&
          stk_output_commit (output, &local_error))
        return TRUE;
    }

  /* Freeing the output removes the temporary file and any journal the engine left. */
  g_clear_pointer (&output, stk_output_free);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/**
 * stk_store_backup_full:
 * Copies the inventory from a read snapshot (the engine's copy: SQLite's online backup
 * API), so it works while another process writes. The copy goes through StkOutput
 * (stk-output.h): a temporary file beside @dest_path, checked, synced and then
 * renamed, so @dest_path is either a complete, verified backup or as it was. The
 * inventory, its companions, any other database and anything but a regular file are
 * refused; an existing file only with STK_OUTPUT_REPLACE. @cancellable is checked
 * before the rename.
 */
gboolean
stk_store_backup_full (StkStore        *self,
                       const char      *dest_path,
                       StkOutputFlags   flags,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_return_val_if_fail (STK_IS_STORE (self), FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return backup_copy (self, dest_path, flags, FALSE, cancellable, error);
}

/**
 * stk_store_backup_verified:
 * stk_store_backup_full() to a new file, whose copy is also opened as a Stocktake
 * inventory and checked whole (stk_verify_file()) before it is renamed into place.
 */
gboolean
stk_store_backup_verified (StkStore      *self,
                           const char    *dest_path,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_return_val_if_fail (STK_IS_STORE (self), FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return backup_copy (self, dest_path, STK_OUTPUT_NONE, TRUE, cancellable, error);
}

/**
 * stk_store_backup:
 * stk_store_backup_full() to a new file: an existing @dest_path is never overwritten.
 */
gboolean
stk_store_backup (StkStore    *self,
                  const char  *dest_path,
                  GError     **error)
{
  return stk_store_backup_full (self, dest_path, STK_OUTPUT_NONE, NULL, error);
}

static gboolean
stk_store_initable_init (GInitable     *initable,
                         GCancellable  *cancellable,
                         GError       **error)
{
  StkStore *self = STK_STORE (initable);
  g_autofree char *real = NULL;
  StkEngineConn *conn;

  /* The engine for the location; every connection and every name derived from it
   * (-wal, outputs' checks) uses the location as the engine resolves it. */
  if (!(self->engine = stk_engine_for_location (self->path, error)) ||
      !(real = self->engine->resolve (self->path, error)))
    return FALSE;
  g_free (self->path);
  self->path = g_steal_pointer (&real);

  if (!(conn = self->engine->open_reader (self->path, TRUE, error)))
    return FALSE;
  stk_store_release_conn (self, conn);
  return TRUE;
}

static void
stk_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = stk_store_initable_init;
}

static void
stk_store_finalize (GObject *object)
{
  StkStore *self = STK_STORE (object);

  if (self->idle != NULL)
    for (guint i = 0; i < self->idle->len; i++)
      self->engine->close_reader (g_ptr_array_index (self->idle, i));
  g_clear_pointer (&self->idle, g_ptr_array_unref);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (stk_store_parent_class)->finalize (object);
}

static void
stk_store_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  StkStore *self = STK_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_store_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  StkStore *self = STK_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_store_class_init (StkStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = stk_store_finalize;
  object_class->get_property = stk_store_get_property;
  object_class->set_property = stk_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
stk_store_init (StkStore *self)
{
  g_mutex_init (&self->lock);
  self->idle = g_ptr_array_new ();
}

StkStore *
stk_store_new (const char  *path,
               GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_initable_new (STK_TYPE_STORE, NULL, error, "path", path, NULL);
}
