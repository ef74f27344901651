/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-store.h"
#include "stk-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-code-private.h"
#include "stk-db-private.h"
#include "stk-error.h"
#include "stk-identity.h"
#include "stk-schema.h"

#define MAX_IDLE_READERS 4
/* Page cache of each read connection, in KiB (SQLite's default for the writer is set in
 * stk-db.c). Reads are index seeks of a page of rows, and the one-pass scans (count and
 * anchors, positions) do not reuse what they read: a small cache keeps the resident
 * memory down (up to MAX_IDLE_READERS + busy connections each fill theirs) and the OS
 * file cache serves the rest. */
#define READER_CACHE_KIB 2048

struct _StkStore
{
  GObject    parent_instance;

  char      *path;
  GMutex     lock;
  GPtrArray *idle; /* sqlite3*, read-only */

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

sqlite3 *
stk_store_acquire (StkStore  *self,
                   GError   **error)
{
  sqlite3 *db = NULL;

  g_return_val_if_fail (STK_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->idle->len > 0)
    db = g_ptr_array_steal_index_fast (self->idle, self->idle->len - 1);
  g_mutex_unlock (&self->lock);

  if (db == NULL)
    {
      db = stk_db_open (self->path, STK_DB_READ_ONLY, error);
      if (db != NULL)
        {
          g_autofree char *pragma = g_strdup_printf ("PRAGMA cache_size=-%d", READER_CACHE_KIB);

          /* Not fatal: the connection works with the default cache. */
          stk_db_exec (db, pragma, NULL);
        }
    }
  return db;
}

void
stk_store_release (StkStore *self,
                   sqlite3  *db)
{
  g_return_if_fail (STK_IS_STORE (self));

  if (db == NULL)
    return;

  g_mutex_lock (&self->lock);
  if (self->idle->len < MAX_IDLE_READERS && sqlite3_get_autocommit (db))
    {
      g_ptr_array_add (self->idle, db);
      db = NULL;
    }
  g_mutex_unlock (&self->lock);

  stk_db_close (db);
}

const char *
stk_store_get_path (StkStore *self)
{
  g_return_val_if_fail (STK_IS_STORE (self), NULL);
  return self->path;
}

static goffset
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (goffset) st.st_size : 0;
}

gboolean
stk_store_read_stats (StkStore  *self,
                      sqlite3   *db,
                      StkStats  *stats,
                      GError   **error)
{
  g_autofree char *wal = NULL;
  gint64 version = 0;
  gboolean ok;

  g_return_val_if_fail (STK_IS_STORE (self), FALSE);
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  memset (stats, 0, sizeof *stats);

  /* One read transaction, so all counts come from the same snapshot. */
  if (!stk_db_begin (db, STK_TXN_READ, error))
    return FALSE;
  ok = stk_db_query_int64 (db, "PRAGMA user_version", &version, error) &&
       stk_db_query_int64 (db, "SELECT count(*) FROM items", &stats->items, error) &&
       stk_db_query_int64 (db, "SELECT count(*) FROM items WHERE archived", &stats->archived_items, error) &&
       stk_db_query_int64 (db, "SELECT count(*) FROM movements", &stats->movements, error) &&
       stk_db_query_int64 (db, "SELECT count(*) FROM sales", &stats->sales, error) &&
       stk_db_query_int64 (db, "SELECT count(*) FROM applied_ops", &stats->applied_ops, error) &&
       (!stk_code_db_has_key (db) ||
        stk_db_query_int64 (db, "SELECT count(*) FROM items WHERE instr (code_key, char (1)) > 0",
                            &stats->codes_kept_apart, error)) &&
       stk_db_query_int64 (db, "SELECT stk_sum (on_hand) FROM items", &stats->total_on_hand, error) &&
       stk_db_query_int64 (db, "SELECT stk_sum (stk_mul (max (on_hand, 0), unit_price_cents)) FROM items",
                           &stats->stock_value_cents, error) &&
       stk_db_query_int64 (db, "PRAGMA page_size", &stats->page_size, error) &&
       stk_db_query_int64 (db, "PRAGMA page_count", &stats->page_count, error) &&
       stk_db_query_int64 (db, "PRAGMA freelist_count", &stats->freelist_count, error);
  stk_db_end_read (db);

  stats->schema_version = (int) version;
  wal = g_strconcat (self->path, "-wal", NULL);
  stats->file_size = file_size (self->path);
  stats->wal_size = file_size (wal);
  return ok;
}

gboolean
stk_store_get_stats (StkStore  *self,
                     StkStats  *stats,
                     GError   **error)
{
  sqlite3 *db;
  gboolean ok;

  g_return_val_if_fail (STK_IS_STORE (self), FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  memset (stats, 0, sizeof *stats);
  if (!(db = stk_store_acquire (self, error)))
    return FALSE;
  ok = stk_store_read_stats (self, db, stats, error);
  stk_store_release (self, db);
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

/* PRAGMA integrity_check reports a page it could not read as a row ("Page 16: unable
 * to get the page. error code=266") instead of failing. A code other than corruption
 * means reading failed while checking (an I/O error), not damage in the file. Returns
 * that code, or SQLITE_OK. */
static int
integrity_row_read_error (const char *row)
{
  static const char marker[] = "unable to get the page. error code=";
  const char *p = row;

  while (p != NULL && (p = strstr (p, marker)) != NULL)
    {
      int rc;

      p += sizeof marker - 1;
      rc = (int) g_ascii_strtoll (p, NULL, 10);
      if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB)
        return rc;
    }
  return SQLITE_OK;
}

static gboolean
collect_rows (sqlite3     *db,
              const char  *sql,
              GPtrArray   *problems,
              const char  *format,
              GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot verify the inventory"));
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *a = (const char *) sqlite3_column_text (stmt, 0);
      const char *b = (const char *) sqlite3_column_text (stmt, 1);
      const char *c = (const char *) sqlite3_column_text (stmt, 2);

      if (format == NULL)
        {
          int read_rc = integrity_row_read_error (a);

          if (read_rc != SQLITE_OK)
            {
              sqlite3_finalize (stmt);
              stk_db_set_error (error, NULL, read_rc, _("Cannot verify the inventory"));
              return FALSE;
            }
          if (g_strcmp0 (a, "ok") != 0)
            g_ptr_array_add (problems, g_strdup_printf (_("Integrity: %s"), a));
        }
      else
        {
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
          g_ptr_array_add (problems, g_strdup_printf (format, a ? a : "", b ? b : "", c ? c : ""));
#pragma GCC diagnostic pop
G_GNUC_END_IGNORE_DEPRECATIONS
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
        {
          g_ptr_array_add (problems, g_strdup_printf (_("Integrity: %s"), sqlite3_errmsg (db)));
          return TRUE;
        }
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot verify the inventory"));
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
verify_db (sqlite3  *db,
           GError  **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  gint64 version = 0;
  gint64 app_id = 0;

  if (!stk_db_query_int64 (db, "PRAGMA application_id", &app_id, error) ||
      !stk_db_query_int64 (db, "PRAGMA user_version", &version, error))
    return NULL;
  if ((guint32) app_id != STK_SCHEMA_APPLICATION_ID)
    g_ptr_array_add (problems, g_strdup (_("The file is not marked as a Stocktake inventory.")));
  /* An older format is sound (opening it for writing upgrades it); a newer one is
   * refused before this point by stk_db_check_file(). */
  if (version > STK_SCHEMA_VERSION)
    g_ptr_array_add (problems, g_strdup_printf (_("The inventory is at format %d, newer than %d."),
                                                (int) version, STK_SCHEMA_VERSION));

  if (!collect_rows (db, "PRAGMA integrity_check(1000)", problems, NULL, error))
    return NULL;
  if (version != STK_SCHEMA_VERSION)
    {
      /* The stock checks below need this version's tables. */
      if (!collect_rows (db, "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check",
                         problems, _("Row %2$s of %1$s refers to a missing row of %3$s."), error))
        return NULL;
      return g_steal_pointer (&problems);
    }

  if (!collect_rows (db, "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check",
                     problems, _("Row %2$s of %1$s refers to a missing row of %3$s."), error) ||
      !collect_rows (db,
                     "SELECT id, code FROM items WHERE code_key IS NULL OR"
                     " (code_key IS NOT stk_code_key (code) AND"
                     "  code_key IS NOT stk_code_key (code) || char (1) || id)",
                     problems, _("Item %s (“%s”) has a code key out of step with its code."),
                     error) ||
      !collect_rows (db,
                     "SELECT i.code, i.on_hand, coalesce (s.total, 0) FROM items i"
                     " LEFT JOIN (SELECT item_id, sum(quantity) AS total FROM movements"
                     "            GROUP BY item_id) s ON s.item_id = i.id"
                     " WHERE i.on_hand IS NOT coalesce (s.total, 0)",
                     problems,
                     _("Item “%s” shows %s on hand, but its stock movements add up to %s."),
                     error) ||
      !collect_rows (db,
                     "SELECT id, item_id, balance FROM ("
                     "  SELECT id, item_id, balance, sum(quantity) OVER"
                     "   (PARTITION BY item_id ORDER BY id) AS running FROM movements)"
                     " WHERE balance IS NOT running",
                     problems,
                     _("Stock movement %s of item %s records a balance of %s that does not "
                       "follow from the movements before it."),
                     error) ||
      !collect_rows (db,
                     "SELECT s.id, s.quantity, m.quantity FROM sales s"
                     " LEFT JOIN movements m ON m.sale_id = s.id"
                     " WHERE m.id IS NULL OR m.quantity IS NOT -s.quantity",
                     problems, _("Sale %s of %s units has no matching stock movement (%s)."),
                     error) ||
      !collect_rows (db,
                     "SELECT v.sale_id, s.quantity, m.quantity FROM sale_voids v"
                     " JOIN sales s ON s.id = v.sale_id"
                     " LEFT JOIN movements m ON m.reference = 'void:' || s.uid"
                     " WHERE m.id IS NULL OR m.quantity IS NOT s.quantity"
                     "  OR m.item_id IS NOT s.item_id",
                     problems,
                     _("Voided sale %s of %s units has no stock movement putting them back (%s)."),
                     error))
    return NULL;

  return g_steal_pointer (&problems);
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
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db;
  gboolean ok = TRUE;

  g_return_val_if_fail (STK_IS_STORE (self), NULL);

  if (!(db = stk_store_acquire (self, error)))
    return NULL;
  if (stk_code_db_has_key (db))
    ok = collect_rows (db,
                       "SELECT k.code, k.id, coalesce (o.code, '?') FROM items k"
                       " LEFT JOIN items o"
                       "  ON o.code_key = substr (k.code_key, 1, instr (k.code_key, char (1)) - 1)"
                       " WHERE instr (k.code_key, char (1)) > 0 ORDER BY k.id",
                       lines,
                       _("Item “%s” (%s) has the same code as “%s” under the current rule; both "
                         "were kept. Rename one of them to tell them apart."),
                       error);
  stk_store_release (self, db);
  return ok ? g_steal_pointer (&lines) : NULL;
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
  sqlite3 *db;

  g_return_val_if_fail (STK_IS_STORE (self), NULL);

  if (!(db = stk_store_acquire (self, error)))
    return NULL;
  if (!stk_db_begin (db, STK_TXN_READ, error))
    {
      stk_store_release (self, db);
      return NULL;
    }
  problems = verify_db (db, error);
  stk_db_end_read (db);
  stk_store_release (self, db);
  return problems;
}

gboolean
stk_verify_file (const char  *given_path,
                 GPtrArray  **problems,
                 GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;
  gboolean exists = FALSE;
  sqlite3 *db = NULL;
  int rc;

  g_return_val_if_fail (given_path != NULL, FALSE);
  g_return_val_if_fail (problems != NULL, FALSE);

  /* A file read as it is (a backup): other names of it do no harm. */
  if (!(path = stk_identity_resolve (given_path, STK_IDENTITY_ANY_LINKS, error)))
    return FALSE;
  wal = g_strconcat (path, "-wal", NULL);

  if (!stk_db_check_file (path, &exists, error))
    return FALSE;
  if (!exists || file_size (path) == 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_INVENTORY,
                   _("“%s” is empty or missing, not a Stocktake inventory."), path);
      return FALSE;
    }

  /* immutable=1 reads without locks and creates no -wal/-shm; only safe when the
   * file has no write-ahead log of its own. */
  escaped = g_uri_escape_string (path, "/", FALSE);
  uri = g_strdup_printf ("file:%s?%s", escaped, file_size (wal) > 0 ? "mode=ro" : "immutable=1");
  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc != SQLITE_OK)
    {
      stk_db_set_error (error, db, rc, path);
      sqlite3_close_v2 (db);
      return FALSE;
    }
  *problems = verify_db (db, error);
  sqlite3_close_v2 (db);
  return *problems != NULL;
}

/**
 * stk_store_backup_full:
 * Copies the inventory with SQLite's online backup API from a read snapshot, so it
 * works while another process writes. The copy goes through StkOutput
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
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StkOutput) output = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  sqlite3_backup *backup;
  sqlite3 *src = NULL;
  sqlite3 *dest = NULL;
  int rc;

  g_return_val_if_fail (STK_IS_STORE (self), FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A backup holds the whole inventory: private to its owner, like the inventory. */
  if (!(output = stk_output_open (dest_path, self->path, flags, 0600, error)))
    return FALSE;

  if (!(src = stk_store_acquire (self, &local_error)))
    goto fail;

  /* SQLite writes the temporary file (StkOutput keeps its descriptor open, holding
   * only an flock(), until the connection is closed). */
  rc = sqlite3_open_v2 (stk_output_get_temp_path (output), &dest, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    {
      stk_db_set_error (&local_error, dest, rc, dest_path);
      goto fail;
    }

  backup = sqlite3_backup_init (dest, "main", src, "main");
  if (backup == NULL)
    {
      stk_db_set_error (&local_error, dest, sqlite3_extended_errcode (dest), dest_path);
      goto fail;
    }
  do
    rc = sqlite3_backup_step (backup, -1);
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      stk_db_set_error (&local_error, dest, rc, dest_path);
      goto fail;
    }

  /* A backup is one self-contained file: no write-ahead log. */
  if (!stk_db_exec (dest, "PRAGMA journal_mode=DELETE", &local_error) ||
      !collect_rows (dest, "PRAGMA quick_check", problems, NULL, &local_error))
    goto fail;
  if (problems->len != 0)
    {
      g_set_error (&local_error, STK_ERROR, STK_ERROR_CORRUPT,
                   _("The backup copy failed its integrity check; nothing was written."));
      goto fail;
    }
  sqlite3_close_v2 (g_steal_pointer (&dest));
  stk_store_release (self, g_steal_pointer (&src));

  if (g_cancellable_set_error_if_cancelled (cancellable, &local_error) ||
      !stk_output_commit (output, &local_error))
    goto fail;
  return TRUE;

fail:
  if (dest != NULL)
    sqlite3_close_v2 (dest);
  if (src != NULL)
    stk_store_release (self, src);
  /* Freeing the output removes the temporary file and any journal SQLite left. */
  g_clear_pointer (&output, stk_output_free);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
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
  sqlite3 *db;

  /* Every connection and every name derived from the path (-wal, outputs' checks)
   * uses the real file's path. */
  if (!(real = stk_identity_resolve (self->path, STK_IDENTITY_INVENTORY, error)))
    return FALSE;
  g_free (self->path);
  self->path = g_steal_pointer (&real);

  if (!(db = stk_db_open (self->path, STK_DB_READ_ONLY, error)))
    return FALSE;
  stk_store_release (self, db);
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
  self->idle = g_ptr_array_new_with_free_func ((GDestroyNotify) stk_db_close);
}

StkStore *
stk_store_new (const char  *path,
               GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_initable_new (STK_TYPE_STORE, NULL, error, "path", path, NULL);
}
