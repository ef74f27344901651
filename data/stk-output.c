/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-identity.h"
#include "stk-seams.h"

/* The longest part of the target's name kept in a temporary file's name, so that
 * ".NAME.stocktake-tmp-XXXXXX-journal" stays within NAME_MAX (255). */
#define MAX_NAME_PREFIX 200
#define TEMP_RANDOM_LEN 6
#define TEMP_ATTEMPTS   100

/* What SQLite appends to a database's name for its other files. */
static const char * const companions[] = { "-wal", "-shm", "-journal", ".lock" };

struct _StkOutput
{
  char           *path;       /* the target's real path */
  char           *display;    /* the target as given, for messages */
  char           *inventory;  /* or NULL */
  char           *temp;
  StkOutputFlags  flags;
  int             fd;
  gboolean        committed;
};

/* ---- what a file is ---- */

typedef enum
{
  CONTENT_OTHER,
  CONTENT_SQLITE,     /* a database, its write-ahead log or its rollback journal */
  CONTENT_UNREADABLE,
} Content;

static Content
file_content (const char *path)
{
  static const guint8 journal_magic[8] = { 0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7 };
  guint8 head[16] = { 0 };
  ssize_t n;
  int fd;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    return errno == ENOENT ? CONTENT_OTHER : CONTENT_UNREADABLE;
  do
    n = pread (fd, head, sizeof head, 0);
  while (n < 0 && errno == EINTR);
  close (fd);
  if (n < 0)
    return CONTENT_UNREADABLE;

  if (n == 16 && memcmp (head, "SQLite format 3", 16) == 0)
    return CONTENT_SQLITE;
  if (n >= 4 && head[0] == 0x37 && head[1] == 0x7f && head[2] == 0x06 &&
      (head[3] == 0x82 || head[3] == 0x83))
    return CONTENT_SQLITE;  /* a write-ahead log */
  if (n >= 8 && memcmp (head, journal_magic, 8) == 0)
    return CONTENT_SQLITE;  /* a rollback journal */
  return CONTENT_OTHER;
}

static gboolean
same_inode (const struct stat *st,
            const char        *path)
{
  struct stat other;

  return stat (path, &other) == 0 && other.st_dev == st->st_dev && other.st_ino == st->st_ino;
}

/**
 * stk_output_set_errno_error:
 * @error: the error to set
 * @errsv: the errno of a failed write, create or rename
 * @display: the path as the user gave it
 * @dir: the folder it is written in
 *
 * One sentence for a write that failed with @errsv (missing folder, read-only
 * folder, full disk, anything else), with the error code a caller can act on.
 */
void
stk_output_set_errno_error (GError     **error,
                            int          errsv,
                            const char  *display,
                            const char  *dir)
{
  g_autofree char *name = g_filename_display_name (display);
  g_autofree char *dir_name = g_filename_display_name (dir);
  StkError code = stk_error_code_from_errno (errsv);

  if (code == STK_ERROR_NOT_FOUND)
    {
      g_autofree char *blocking = stk_identity_blocking_file (dir);
      g_autofree char *blocking_name = blocking ? g_filename_display_name (blocking) : NULL;

      if (blocking != NULL)
        g_set_error (error, STK_ERROR, code,
                     _("Cannot write “%s”: “%s” is a file, not a folder."), name,
                     blocking_name);
      else
        g_set_error (error, STK_ERROR, code,
                     _("Cannot write “%s”: the folder “%s” does not exist."), name, dir_name);
    }
  else if (code == STK_ERROR_READ_ONLY)
    g_set_error (error, STK_ERROR, code,
                 _("Cannot write “%s”: the folder “%s” is read-only."), name, dir_name);
  else if (code == STK_ERROR_NO_SPACE)
    g_set_error (error, STK_ERROR, code, _("Cannot write “%s”: the disk is full."), name);
  else
    g_set_error (error, STK_ERROR, code, _("Cannot write “%s”: %s."), name, g_strerror (errsv));
}

/* The checks, on the target's real path @real (@display: as given). */
static gboolean
check_real_target (const char      *real,
                   const char      *display,
                   const char      *inventory,
                   StkOutputFlags   flags,
                   struct stat     *out_st,
                   gboolean        *out_exists,
                   GError         **error)
{
  g_autofree char *name = g_filename_display_name (display);
  struct stat st;
  gboolean exists;

  if (stat (real, &st) == 0)
    exists = TRUE;
  else if (errno == ENOENT)
    exists = FALSE;
  else
    {
      int errsv = errno;
      g_autofree char *dir = g_path_get_dirname (real);

      stk_output_set_errno_error (error, errsv, display, dir);
      return FALSE;
    }

  if (exists && S_ISDIR (st.st_mode))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_IO, _("Cannot write “%s”: it is a folder."), name);
      return FALSE;
    }
  if (exists && !S_ISREG (st.st_mode))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_UNSAFE,
                   _("Cannot write “%s”: it is not a regular file but a device, a pipe or a "
                     "socket, and Stocktake writes only to regular files."),
                   name);
      return FALSE;
    }

  if (inventory != NULL)
    {
      g_autofree char *inv = stk_identity_resolve_lenient (inventory);

      if (g_str_equal (real, inv) || (exists && same_inode (&st, inv)))
        {
          g_set_error (error, STK_ERROR, STK_ERROR_UNSAFE,
                       _("Cannot write “%s”: it is the inventory itself."), name);
          return FALSE;
        }
      for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
        {
          g_autofree char *companion = g_strconcat (inv, companions[i], NULL);

          if (g_str_equal (real, companion) || (exists && same_inode (&st, companion)))
            {
              g_set_error (error, STK_ERROR, STK_ERROR_UNSAFE,
                           _("Cannot write “%s”: it belongs to the inventory (its write-ahead "
                             "log, shared memory, journal or lock file)."),
                           name);
              return FALSE;
            }
        }
    }

  /* Another database's companion, whether or not it exists yet. */
  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    if (g_str_has_suffix (real, companions[i]))
      {
        g_autofree char *base = g_strndup (real, strlen (real) - strlen (companions[i]));

        if (file_content (base) == CONTENT_SQLITE)
          {
            g_autofree char *base_name = g_filename_display_name (base);

            g_set_error (error, STK_ERROR, STK_ERROR_UNSAFE,
                         _("Cannot write “%s”: it belongs to the SQLite database “%s”."), name,
                         base_name);
            return FALSE;
          }
      }

  if (exists && !(flags & STK_OUTPUT_REPLACE))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_FAILED,
                   _("Cannot write “%s”: a file with that name already exists."), name);
      return FALSE;
    }

  if (exists)
    switch (file_content (real))
      {
      case CONTENT_SQLITE:
        g_set_error (error, STK_ERROR, STK_ERROR_UNSAFE,
                     _("Cannot write “%s”: it is an SQLite database (an inventory, a backup or "
                       "another program’s), and Stocktake never overwrites a database."),
                     name);
        return FALSE;
      case CONTENT_UNREADABLE:
        g_set_error (error, STK_ERROR, STK_ERROR_UNSAFE,
                     _("Cannot write “%s”: it cannot be read to make sure it is not a "
                       "database."),
                     name);
        return FALSE;
      case CONTENT_OTHER:
      default:
        break;
      }

  if (out_st != NULL)
    *out_st = st;
  if (out_exists != NULL)
    *out_exists = exists;
  return TRUE;
}

gboolean
stk_output_check_target (const char      *path,
                         const char      *inventory,
                         StkOutputFlags   flags,
                         GError         **error)
{
  g_autofree char *real = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(real = stk_identity_resolve (path, STK_IDENTITY_ANY_LINKS, error)))
    return FALSE;
  return check_real_target (real, path, inventory, flags, NULL, NULL, error);
}

/* ---- the temporary file ---- */

static char *
temp_name (const char *base)
{
  static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  char random[TEMP_RANDOM_LEN + 1];
  int prefix = (int) MIN (strlen (base), MAX_NAME_PREFIX);

  for (guint i = 0; i < TEMP_RANDOM_LEN; i++)
    random[i] = chars[g_random_int_range (0, sizeof chars - 1)];
  random[TEMP_RANDOM_LEN] = '\0';
  return g_strdup_printf (".%.*s" STK_OUTPUT_TEMP_MARKER "%s", prefix, base, random);
}

/* Creates the temporary file and holds an flock() on it for its whole life: that is
 * how stk_output_remove_stale() tells a live one from one a killed write left. */
static int
create_temp (const char  *dir,
             const char  *base,
             guint        mode,
             const char  *display,
             char       **out_temp,
             GError     **error)
{
  for (guint attempt = 0; attempt < TEMP_ATTEMPTS; attempt++)
    {
      g_autofree char *name = temp_name (base);
      g_autofree char *temp = g_build_filename (dir, name, NULL);
      struct stat a, b;
      int fd;

      fd = g_open (temp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, mode);
      if (fd < 0)
        {
          if (errno == EEXIST)
            continue;
          stk_output_set_errno_error (error, errno, display, dir);
          return -1;
        }
      while (flock (fd, LOCK_EX) != 0 && errno == EINTR)
        ;
      /* A cleaner may have taken it for a dead one between open and flock. */
      if (fstat (fd, &a) != 0 || lstat (temp, &b) != 0 ||
          a.st_dev != b.st_dev || a.st_ino != b.st_ino)
        {
          close (fd);
          continue;
        }
      *out_temp = g_steal_pointer (&temp);
      return fd;
    }

  stk_output_set_errno_error (error, EEXIST, display, dir);
  return -1;
}

static void
remove_temp_files (const char *temp)
{
  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *companion = NULL;

      if (g_str_equal (companions[i], ".lock"))
        continue;
      companion = g_strconcat (temp, companions[i], NULL);
      g_unlink (companion);
    }
  g_unlink (temp);
}

StkOutput *
stk_output_open (const char      *path,
                 const char      *inventory,
                 StkOutputFlags   flags,
                 guint            mode,
                 GError         **error)
{
  g_autoptr(StkOutput) self = NULL;
  g_autofree char *real = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  struct stat st;
  gboolean exists = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(real = stk_identity_resolve (path, STK_IDENTITY_ANY_LINKS, error)) ||
      !check_real_target (real, path, inventory, flags, &st, &exists, error))
    return NULL;

  dir = g_path_get_dirname (real);
  base = g_path_get_basename (real);
  stk_output_remove_stale (dir);

  self = g_new0 (StkOutput, 1);
  self->fd = -1;
  self->path = g_steal_pointer (&real);
  self->display = g_strdup (path);
  self->inventory = g_strdup (inventory);
  self->flags = flags;

  if ((self->fd = create_temp (dir, base, mode, path, &self->temp, error)) < 0)
    return NULL;

  if (exists)
    {
      /* The replacement keeps the permissions of the file it replaces (and its owner
       * and group, where we may set them: as root, or our own group). */
      if ((st.st_uid != getuid () || st.st_gid != getgid ()) &&
          fchown (self->fd, st.st_uid, st.st_gid) != 0)
        g_debug ("Cannot keep the owner of %s: %s", self->path, g_strerror (errno));
      if (fchmod (self->fd, st.st_mode & 0777) != 0)
        {
          stk_output_set_errno_error (error, errno, path, dir);
          return NULL;
        }
    }

  return g_steal_pointer (&self);
}

int
stk_output_get_fd (StkOutput *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->fd;
}

const char *
stk_output_get_temp_path (StkOutput *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->temp;
}

const char *
stk_output_get_path (StkOutput *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

static int
rename_no_replace (const char *from,
                   const char *to)
{
#ifdef RENAME_NOREPLACE
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS)
    return -1;
#endif
  /* The file system cannot refuse for us: the target was checked just before. */
  return rename (from, to);
}

gboolean
stk_output_commit (StkOutput  *self,
                   GError    **error)
{
  g_autofree char *dir = NULL;
  int dir_fd;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->committed && self->fd >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dir = g_path_get_dirname (self->path);

  if (stk_seams.fsync (self->fd) != 0)
    {
      stk_output_set_errno_error (error, errno, self->display, dir);
      return FALSE;
    }

  /* close() is where some file systems (NFS) report a failed write, so its result
   * counts; a duplicate descriptor keeps the temp's flock (shared by both) until the
   * end, so no cleaner takes the temp for a dead one in between. */
  {
    int lock_fd = dup (self->fd);
    int rc_close;

    if (lock_fd < 0)
      {
        stk_output_set_errno_error (error, errno, self->display, dir);
        return FALSE;
      }
    rc_close = stk_seams.close (self->fd);
    self->fd = lock_fd;
    if (rc_close != 0)
      {
        stk_output_set_errno_error (error, errno, self->display, dir);
        return FALSE;
      }
  }

  /* The target may have changed while the data was written. */
  if (!check_real_target (self->path, self->display, self->inventory, self->flags, NULL, NULL,
                          error))
    return FALSE;

  if (self->flags & STK_OUTPUT_REPLACE)
    rc = stk_seams.rename (self->temp, self->path);
  else
    rc = rename_no_replace (self->temp, self->path);
  if (rc != 0)
    {
      int errsv = errno;
      g_autofree char *name = g_filename_display_name (self->display);

      if (errsv == EEXIST)
        g_set_error (error, STK_ERROR, STK_ERROR_FAILED,
                     _("Cannot write “%s”: a file with that name already exists."), name);
      else
        stk_output_set_errno_error (error, errsv, self->display, dir);
      return FALSE;
    }
  self->committed = TRUE;

  /* The rename itself, on disk. */
  dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd < 0 || fsync (dir_fd) != 0)
    g_debug ("Cannot sync the folder %s: %s", dir, g_strerror (errno));
  if (dir_fd >= 0)
    close (dir_fd);

  close (self->fd);
  self->fd = -1;
  return TRUE;
}

void
stk_output_free (StkOutput *self)
{
  if (self == NULL)
    return;

  /* Removed while still locked, so no cleaner ever sees it unlocked. */
  if (!self->committed && self->temp != NULL)
    remove_temp_files (self->temp);
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->path);
  g_free (self->display);
  g_free (self->inventory);
  g_free (self->temp);
  g_free (self);
}

/* ---- what killed writes left ---- */

/* ".NAME.stocktake-tmp-XXXXXX" (+ a SQLite companion suffix): the length of the main
 * file's name in *out_main_len. */
static gboolean
is_temp_name (const char *name,
              gsize      *out_main_len)
{
  const char *marker;
  const char *rest;

  if (name[0] != '.' || !(marker = g_strrstr (name, STK_OUTPUT_TEMP_MARKER)) || marker == name)
    return FALSE;
  rest = marker + strlen (STK_OUTPUT_TEMP_MARKER);
  for (guint i = 0; i < TEMP_RANDOM_LEN; i++)
    if (!g_ascii_isalnum (rest[i]))
      return FALSE;
  rest += TEMP_RANDOM_LEN;
  if (rest[0] != '\0' && !g_str_equal (rest, "-journal") && !g_str_equal (rest, "-wal") &&
      !g_str_equal (rest, "-shm"))
    return FALSE;
  *out_main_len = rest - name;
  return TRUE;
}

/* "NAME.part-xxxxxxxx" (+ "-journal"): a backup of an earlier version, killed. */
static gboolean
is_legacy_part_name (const char *name,
                     gsize      *out_main_len)
{
  const char *part = g_strrstr (name, ".part-");
  const char *rest;

  if (part == NULL || part == name)
    return FALSE;
  rest = part + strlen (".part-");
  for (guint i = 0; i < 8; i++)
    if (!g_ascii_isxdigit (rest[i]) || g_ascii_isupper (rest[i]))
      return FALSE;
  rest += 8;
  if (rest[0] != '\0' && !g_str_equal (rest, "-journal"))
    return FALSE;
  *out_main_len = rest - name;
  return TRUE;
}

/* Removes @path if it is a regular file nobody holds an flock() on. */
static gboolean
remove_if_unlocked (const char *path,
                    gboolean    legacy)
{
  struct stat st, now;
  gboolean removed = FALSE;
  int fd;

  fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) &&
      (!legacy || st.st_size == 0 || file_content (path) == CONTENT_SQLITE) &&
      flock (fd, LOCK_EX | LOCK_NB) == 0 &&
      lstat (path, &now) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino)
    removed = g_unlink (path) == 0;
  close (fd);
  return removed;
}

guint
stk_output_remove_stale (const char *folder)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) companions_left = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint removed = 0;

  g_return_val_if_fail (folder != NULL, 0);

  if (!(dir = g_dir_open (folder, 0, NULL)))
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gsize main_len = 0;
      gboolean legacy = FALSE;
      g_autofree char *path = NULL;

      if (!is_temp_name (name, &main_len))
        {
          if (!is_legacy_part_name (name, &main_len))
            continue;
          legacy = TRUE;
        }
      if (name[main_len] != '\0')
        {
          /* A journal or log: it goes once its main file is gone. */
          g_ptr_array_add (companions_left, g_strdup (name));
          continue;
        }
      path = g_build_filename (folder, name, NULL);
      if (remove_if_unlocked (path, legacy))
        removed++;
    }

  for (guint i = 0; i < companions_left->len; i++)
    {
      const char *companion = g_ptr_array_index (companions_left, i);
      g_autofree char *path = g_build_filename (folder, companion, NULL);
      g_autofree char *main_path = NULL;
      gsize main_len = 0;
      struct stat st;

      if (!is_temp_name (companion, &main_len))
        is_legacy_part_name (companion, &main_len);
      main_path = g_strdup_printf ("%s/%.*s", folder, (int) main_len, companion);
      if (lstat (main_path, &st) != 0 && errno == ENOENT &&
          lstat (path, &st) == 0 && S_ISREG (st.st_mode) && g_unlink (path) == 0)
        removed++;
    }

  if (removed > 0)
    g_debug ("Removed %u files that interrupted writes left in %s", removed, folder);
  return removed;
}
