/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-backups.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-glib.h"
#include "stk-identity.h"

#define AUTO_INFIX "-auto-"
#define STAMP_LEN  15 /* YYYYMMDD-HHMMSS */

void
stk_backup_entry_free (StkBackupEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->path);
  g_free (entry->problem);
  g_free (entry);
}

char *
stk_backup_inventory_base (const char *db_path)
{
  g_autofree char *real = NULL;
  char *base;
  gsize len;

  g_return_val_if_fail (db_path != NULL, NULL);

  real = stk_identity_resolve_lenient (db_path);
  base = g_path_get_basename (real);
  len = strlen (base);
  if (g_str_has_suffix (base, ".db") && len > 3)
    base[len - 3] = '\0';
  return base;
}

char *
stk_backup_default_folder (void)
{
  return g_build_filename (g_get_user_data_dir (), "stocktake", "backups", NULL);
}

char *
stk_backup_resolve_folder (const char *setting)
{
  if (setting == NULL || *setting == '\0')
    return stk_backup_default_folder ();
  if (g_str_has_prefix (setting, "~/"))
    return g_build_filename (g_get_home_dir (), setting + 2, NULL);
  return g_strdup (setting);
}

static gboolean
all_digits (const char *s,
            gsize       n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

gboolean
stk_backup_parse_name (const char *name,
                       const char *base,
                       gint64     *out_made_us,
                       guint      *out_n)
{
  g_autoptr(GDateTime) when = NULL;
  const char *p;
  const char *end;
  guint64 n = 1;
  int f[6];

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (base != NULL, FALSE);

  if (!g_str_has_prefix (name, base) || !g_str_has_suffix (name, ".db"))
    return FALSE;
  p = name + strlen (base);
  if (!g_str_has_prefix (p, AUTO_INFIX))
    return FALSE;
  p += strlen (AUTO_INFIX);
  end = name + strlen (name) - 3;
  if (end - p < STAMP_LEN || !all_digits (p, 8) || p[8] != '-' || !all_digits (p + 9, 6))
    return FALSE;

  /* An optional "-N" (N ≥ 2, no leading zero) before ".db". */
  if (end - p > STAMP_LEN)
    {
      const char *q = p + STAMP_LEN;
      gsize digits = end - q - 1;

      if (q[0] != '-' || digits == 0 || digits > 9 || q[1] == '0' || !all_digits (q + 1, digits))
        return FALSE;
      n = g_ascii_strtoull (q + 1, NULL, 10);
      if (n < 2)
        return FALSE;
    }

  sscanf (p, "%4d%2d%2d-%2d%2d%2d", &f[0], &f[1], &f[2], &f[3], &f[4], &f[5]);
  when = g_date_time_new_local (f[0], f[1], f[2], f[3], f[4], f[5]);
  if (when == NULL)
    return FALSE;

  if (out_made_us != NULL)
    *out_made_us = g_date_time_to_unix (when) * G_USEC_PER_SEC;
  if (out_n != NULL)
    *out_n = (guint) n;
  return TRUE;
}

typedef struct
{
  char   *name;
  gint64  made_us;
  guint   n;
} Found;

static void
found_free (gpointer data)
{
  Found *found = data;

  g_free (found->name);
  g_free (found);
}

/* Newest first: by time, then by same-second number. */
static int
found_compare (gconstpointer a,
               gconstpointer b)
{
  const Found *x = *(Found * const *) a;
  const Found *y = *(Found * const *) b;

  if (x->made_us != y->made_us)
    return x->made_us > y->made_us ? -1 : 1;
  if (x->n != y->n)
    return x->n > y->n ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* The regular files in @folder named as @base's automatic backups, newest first. NULL
 * with @error when the folder cannot be read; empty when it does not exist. */
static GPtrArray *
find_backups (const char  *folder,
              const char  *base,
              GError     **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (found_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!(dir = g_dir_open (folder, 0, &local_error)))
    {
      g_autofree char *display = g_filename_display_name (folder);

      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&found);
      g_set_error (error, STK_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ACCES) ||
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_PERM)
                   ? STK_ERROR_READ_ONLY : STK_ERROR_IO,
                   _("Cannot read the backup folder “%s”: %s"), display,
                   local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;
      Found *f;
      gint64 made_us;
      guint n;

      if (!stk_backup_parse_name (name, base, &made_us, &n))
        continue;
      /* Only plain files: never a folder, a link or a device of a matching name. */
      path = g_build_filename (folder, name, NULL);
      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      f = g_new0 (Found, 1);
      f->name = g_strdup (name);
      f->made_us = made_us;
      f->n = n;
      g_ptr_array_add (found, f);
    }
  g_ptr_array_sort (found, found_compare);
  return g_steal_pointer (&found);
}

/* A new name for a backup made now: the first free one of the second. */
static char *
new_backup_path (const char *folder,
                 const char *base)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  for (guint n = 1;; n++)
    {
      g_autofree char *name = NULL;
      char *path;

      if (n == 1)
        name = g_strdup_printf ("%s" AUTO_INFIX "%s.db", base, stamp);
      else
        name = g_strdup_printf ("%s" AUTO_INFIX "%s-%u.db", base, stamp, n);
      path = g_build_filename (folder, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK))
        return path;
      g_free (path);
    }
}

static gboolean
ensure_folder (const char  *folder,
               GError     **error)
{
  g_autofree char *display = g_filename_display_name (folder);

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int errsv = errno;
      StkError code = stk_error_code_from_errno (errsv);

      if (code == STK_ERROR_READ_ONLY)
        g_set_error (error, STK_ERROR, code,
                     _("Cannot create the backup folder “%s”: its parent folder is read-only."),
                     display);
      else if (code == STK_ERROR_NO_SPACE)
        g_set_error (error, STK_ERROR, code,
                     _("Cannot create the backup folder “%s”: the disk is full."), display);
      else
        g_set_error (error, STK_ERROR, code, _("Cannot create the backup folder “%s”: %s."),
                     display, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

gboolean
stk_backup_auto (StkStore      *store,
                 const char    *folder,
                 guint          keep,
                 GCancellable  *cancellable,
                 char         **out_path,
                 GStrv         *out_pruned,
                 GError       **error)
{
  g_autoptr(GStrvBuilder) pruned = g_strv_builder_new ();
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;
  g_autofree char *made_name = NULL;
  guint kept = 1; /* the new one */

  g_return_val_if_fail (STK_IS_STORE (store), FALSE);
  g_return_val_if_fail (folder != NULL && *folder != '\0', FALSE);
  g_return_val_if_fail (keep >= 1, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ensure_folder (folder, error))
    return FALSE;

  base = stk_backup_inventory_base (stk_store_get_path (store));
  path = new_backup_path (folder, base);
  if (!stk_store_backup_verified (store, path, cancellable, error))
    return FALSE;
  made_name = g_path_get_basename (path);

  /* Pruning: this inventory's automatic backups only, the new one always kept. A file
   * that cannot be removed stays; the backup was made all the same. */
  if ((found = find_backups (folder, base, NULL)) != NULL)
    for (guint i = 0; i < found->len; i++)
      {
        Found *f = g_ptr_array_index (found, i);
        g_autofree char *old = NULL;

        if (strcmp (f->name, made_name) == 0)
          continue;
        if (kept < keep)
          {
            kept++;
            continue;
          }
        old = g_build_filename (folder, f->name, NULL);
        if (g_unlink (old) == 0)
          g_strv_builder_add (pruned, old);
        else
          g_debug ("Cannot remove the old backup %s: %s", old, g_strerror (errno));
      }

  if (out_path != NULL)
    *out_path = g_steal_pointer (&path);
  if (out_pruned != NULL)
    *out_pruned = g_strv_builder_end (pruned);
  return TRUE;
}

typedef struct
{
  char  *folder;
  guint  keep;
} AutoData;

static void
auto_data_free (gpointer data)
{
  AutoData *d = data;

  g_free (d->folder);
  g_free (d);
}

static void
auto_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  AutoData *d = task_data;
  GError *error = NULL;
  char *path = NULL;

  if (stk_backup_auto (STK_STORE (source_object), d->folder, d->keep, cancellable, &path, NULL,
                       &error))
    g_task_return_pointer (task, path, g_free);
  else
    g_task_return_error (task, error);
}

void
stk_backup_auto_async (StkStore            *store,
                       const char          *folder,
                       guint                keep,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AutoData *d;

  g_return_if_fail (STK_IS_STORE (store));
  g_return_if_fail (folder != NULL && *folder != '\0');
  g_return_if_fail (keep >= 1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (store, cancellable, callback, user_data);
  stk_task_set_source_tag (task, stk_backup_auto_async);
  d = g_new0 (AutoData, 1);
  d->folder = g_strdup (folder);
  d->keep = keep;
  g_task_set_task_data (task, d, auto_data_free);
  g_task_run_in_thread (task, auto_thread);
}

char *
stk_backup_auto_finish (StkStore      *store,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Fills @entry's figures from its file, opened read-only (a backup has no write-ahead
 * log, so nothing is created beside it). */
static void
read_figures (StkBackupEntry *entry)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StkStore) store = NULL;
  StkStats stats;
  GStatBuf st;

  if (g_stat (entry->path, &st) == 0)
    {
      entry->size = st.st_size;
      if (entry->made_us == 0)
        entry->made_us = (gint64) st.st_mtime * G_USEC_PER_SEC;
    }

  if ((store = stk_store_new (entry->path, &local_error)) != NULL &&
      stk_store_get_stats (store, &stats, &local_error))
    {
      entry->items = stats.items;
      entry->sales = stats.whole_sales;
      entry->last_sale_us = stats.last_sale_us;
    }
  else
    {
      entry->damaged = TRUE;
      entry->problem = g_strdup (local_error->message);
    }
}

static StkBackupEntry *
read_entry (const char *folder,
            Found      *f)
{
  StkBackupEntry *entry = g_new0 (StkBackupEntry, 1);

  entry->path = g_build_filename (folder, f->name, NULL);
  entry->made_us = f->made_us;
  read_figures (entry);
  return entry;
}

StkBackupEntry *
stk_backup_read (const char *path)
{
  StkBackupEntry *entry;

  g_return_val_if_fail (path != NULL, NULL);

  entry = g_new0 (StkBackupEntry, 1);
  entry->path = g_strdup (path);
  read_figures (entry);
  return entry;
}

GPtrArray *
stk_backup_list (const char  *folder,
                 const char  *db_path,
                 GError     **error)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *base = NULL;
  GPtrArray *entries;

  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  base = stk_backup_inventory_base (db_path);
  if (!(found = find_backups (folder, base, error)))
    return NULL;

  entries = g_ptr_array_new_full (found->len, (GDestroyNotify) stk_backup_entry_free);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (entries, read_entry (folder, g_ptr_array_index (found, i)));
  return entries;
}

gboolean
stk_backup_due_today (const char *folder,
                      const char *db_path)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *base = NULL;
  g_autofree char *today = NULL;

  g_return_val_if_fail (folder != NULL, TRUE);
  g_return_val_if_fail (db_path != NULL, TRUE);

  base = stk_backup_inventory_base (db_path);
  /* A folder that cannot be read: the backup will say why. */
  if (!(found = find_backups (folder, base, NULL)))
    return TRUE;

  now = g_date_time_new_now_local ();
  today = g_date_time_format (now, "%Y%m%d");
  for (guint i = 0; i < found->len; i++)
    {
      Found *f = g_ptr_array_index (found, i);

      if (strncmp (f->name + strlen (base) + strlen (AUTO_INFIX), today, 8) == 0)
        return FALSE;
    }
  return TRUE;
}
