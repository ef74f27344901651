/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-error.h"
#include "stk-seams.h"

struct _StkLock
{
  char *path;
  int   fd;
};

/* A probe (stk_lock_is_held) holds the lock for microseconds: an acquire that meets
 * one tries again a few times before saying "held". */
#define ACQUIRE_ATTEMPTS 5
#define ACQUIRE_PAUSE_US 2000

char *
stk_lock_path_for (const char *db_path)
{
  g_return_val_if_fail (db_path != NULL, NULL);

  return g_strconcat (db_path, ".lock", NULL);
}

static char *
display_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  return g_filename_display_name (base);
}

void
stk_lock_holder_free (StkLockHolder *holder)
{
  if (holder == NULL)
    return;
  g_free (holder->host);
  g_free (holder->user);
  g_clear_pointer (&holder->since, g_date_time_unref);
  g_free (holder->what);
  g_free (holder);
}

static void
replace_str (char       **field,
             const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static StkLockHolder *
parse_holder (const char *contents)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  g_autoptr(StkLockHolder) holder = g_new0 (StkLockHolder, 1);
  gboolean any = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *eq = strchr (lines[i], '=');
      g_autofree char *key = NULL;
      const char *value;

      if (eq == NULL)
        continue;
      key = g_strndup (lines[i], eq - lines[i]);
      value = eq + 1;
      if (!g_utf8_validate (value, -1, NULL) || value[0] == '\0')
        continue;

      if (g_str_equal (key, "host"))
        replace_str (&holder->host, value);
      else if (g_str_equal (key, "user"))
        replace_str (&holder->user, value);
      else if (g_str_equal (key, "pid"))
        holder->pid = g_ascii_strtoll (value, NULL, 10);
      else if (g_str_equal (key, "since"))
        {
          g_clear_pointer (&holder->since, g_date_time_unref);
          holder->since = g_date_time_new_from_iso8601 (value, NULL);
        }
      else if (g_str_equal (key, "what"))
        replace_str (&holder->what, value);
      else
        continue;
      any = TRUE;
    }

  return any ? g_steal_pointer (&holder) : NULL;
}

StkLockHolder *
stk_lock_read_holder (const char *db_path)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (db_path != NULL, NULL);

  path = stk_lock_path_for (db_path);
  if (!g_file_get_contents (path, &contents, &length, NULL) || length == 0)
    return NULL;
  return parse_holder (contents);
}

static char *
format_since (GDateTime *since)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (since);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    /* Translators: a time of day today, strftime format. */
    return g_date_time_format (local, C_("lock since", "%H:%M"));
  /* Translators: a date and time, strftime format. */
  return g_date_time_format (local, C_("lock since", "%x %H:%M"));
}

char *
stk_lock_holder_describe (const StkLockHolder *holder)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (holder != NULL, NULL);

  if (holder->user != NULL && holder->host != NULL)
    /* Translators: "alice on host “box”". */
    g_string_append_printf (text, _("%s on host “%s”"), holder->user, holder->host);
  else if (holder->host != NULL)
    g_string_append_printf (text, _("on host “%s”"), holder->host);
  else if (holder->user != NULL)
    g_string_append (text, holder->user);

  if (holder->since != NULL)
    {
      g_autofree char *since = format_since (holder->since);

      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: "since 14:03". */
      g_string_append_printf (text, _("since %s"), since);
    }
  if (holder->pid > 0)
    {
      char pid[24];

      if (text->len > 0)
        g_string_append (text, " ");
      g_snprintf (pid, sizeof pid, "%" G_GINT64_FORMAT, holder->pid);
      /* Translators: %s is a process id, for the curious. */
      g_string_append_printf (text, _("(process %s)"), pid);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_locked_error (GError     **error,
                  const char  *db_path)
{
  g_autoptr(StkLockHolder) holder = stk_lock_read_holder (db_path);
  g_autofree char *name = display_name (db_path);
  g_autofree char *who = holder ? stk_lock_holder_describe (holder) : NULL;

  if (holder == NULL || who[0] == '\0')
    g_set_error (error, STK_ERROR, STK_ERROR_LOCKED,
                 _("The inventory “%s” is open for editing in another Stocktake program."),
                 name);
  else if (holder->what == NULL || g_str_equal (holder->what, "window"))
    g_set_error (error, STK_ERROR, STK_ERROR_LOCKED,
                 /* Translators: the second %s is e.g. "alice on host “box”, since 14:03 (process 12)". */
                 _("The inventory “%s” is open for editing in another Stocktake window: %s."),
                 name, who);
  else
    g_set_error (error, STK_ERROR, STK_ERROR_LOCKED,
                 /* Translators: the second %s is a command name (import, restore…). */
                 _("The inventory “%s” is being changed by the Stocktake command “%s”: %s."),
                 name, holder->what, who);
}

static void
write_holder (int         fd,
              const char *what)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *since = g_date_time_format_iso8601 (now);
  g_autofree char *contents = NULL;
  gsize len;

  contents = g_strdup_printf ("host=%s\nuser=%s\npid=%ld\nsince=%s\nwhat=%s\n",
                              g_get_host_name (), g_get_user_name (), (long) getpid (),
                              since, what ? what : "window");
  len = strlen (contents);

  /* For messages only: failing to write it changes nothing about the lock. */
  if (ftruncate (fd, 0) != 0 || pwrite (fd, contents, len, 0) != (ssize_t) len)
    g_debug ("Cannot write the lock holder: %s", g_strerror (errno));
}

StkLock *
stk_lock_acquire (const char  *db_path,
                  const char  *what,
                  GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  gboolean writable = TRUE;
  StkLock *lock;
  int saved_errno;
  int fd;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = stk_lock_path_for (db_path);

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
  saved_errno = errno;
  if (fd < 0 && (saved_errno == EACCES || saved_errno == EPERM || saved_errno == EROFS) &&
      g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* Another user's lock file: a read-only descriptor locks just as well. */
      fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
      saved_errno = fd < 0 ? errno : 0;
      writable = FALSE;
    }
  if (fd < 0)
    {
      g_autofree char *dir = g_path_get_dirname (db_path);
      g_autofree char *dir_name = g_filename_display_name (dir);

      name = display_name (path);
      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                     _("Cannot open the inventory: the folder “%s” does not exist."),
                     dir_name);
      else if (saved_errno == EACCES || saved_errno == EPERM || saved_errno == EROFS)
        g_set_error (error, STK_ERROR, STK_ERROR_READ_ONLY,
                     _("Cannot create the lock file “%s” in the folder “%s”: the folder is "
                       "read-only for you. The inventory can only be opened read-only."),
                     name, dir_name);
      else
        g_set_error (error, STK_ERROR, STK_ERROR_IO,
                     _("Cannot create the lock file “%s”: %s."), name,
                     g_strerror (saved_errno));
      return NULL;
    }

  for (guint attempt = 0;; attempt++)
    {
      if (stk_seams.flock (fd, LOCK_EX | LOCK_NB) == 0)
        break;
      if (errno == EINTR)
        continue;
      if (errno == EWOULDBLOCK && attempt + 1 < ACQUIRE_ATTEMPTS)
        {
          g_usleep (ACQUIRE_PAUSE_US);
          continue;
        }
      if (errno == EWOULDBLOCK)
        set_locked_error (error, db_path);
      else
        {
          saved_errno = errno;
          name = display_name (path);
          g_set_error (error, STK_ERROR, STK_ERROR_IO,
                       _("Cannot lock the file “%s”: %s."), name, g_strerror (saved_errno));
        }
      close (fd);
      return NULL;
    }

  if (writable)
    write_holder (fd, what);

  lock = g_new0 (StkLock, 1);
  lock->path = g_steal_pointer (&path);
  lock->fd = fd;
  return lock;
}

void
stk_lock_release (StkLock *lock)
{
  if (lock == NULL)
    return;

  /* Closing the descriptor releases the flock. The holder is left in the file: it is
   * only read while the lock is held, and removing the file would race with a new
   * holder locking the same name. */
  if (lock->fd >= 0)
    close (lock->fd);
  g_free (lock->path);
  g_free (lock);
}

const char *
stk_lock_get_path (StkLock *lock)
{
  g_return_val_if_fail (lock != NULL, NULL);
  return lock->path;
}

gboolean
stk_lock_is_held (const char *db_path)
{
  g_autofree char *path = NULL;
  gboolean held = FALSE;
  int fd;

  g_return_val_if_fail (db_path != NULL, FALSE);

  path = stk_lock_path_for (db_path);
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    return FALSE;

  /* A shared probe: fails only while someone holds it exclusively. */
  if (flock (fd, LOCK_SH | LOCK_NB) != 0)
    held = (errno == EWOULDBLOCK);
  close (fd);
  return held;
}
