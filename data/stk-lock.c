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
#include "stk-identity.h"
#include "stk-output.h"
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
  g_autofree char *real = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);

  /* Beside the real file: every name of the inventory shares one lock. */
  real = stk_identity_resolve_lenient (db_path);
  return g_strconcat (real, ".lock", NULL);
}

/* The lock file never follows a symbolic link (it would write wherever the link
 * points), never blocks on a pipe, and is never handed to a child process. */
#define LOCK_OPEN_FLAGS (O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK)

/* Holder text is short; anything longer is not a lock file of ours. */
#define MAX_HOLDER_SIZE 4096

static StkLockHolder *parse_holder (const char *contents);

/* Opens @path for reading only if it is a regular file; -1 otherwise. */
static int
open_regular_readonly (const char *path)
{
  struct stat st;
  int fd = g_open (path, O_RDONLY | LOCK_OPEN_FLAGS, 0);

  if (fd < 0)
    return -1;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* The holder text in @fd, or NULL when it is empty, too long or not holder text. */
static char *
read_holder_text (int       fd,
                  gboolean *out_empty)
{
  char buf[MAX_HOLDER_SIZE + 1];
  ssize_t n;

  do
    n = pread (fd, buf, sizeof buf, 0);
  while (n < 0 && errno == EINTR);
  if (out_empty != NULL)
    *out_empty = (n == 0);
  if (n <= 0 || n > MAX_HOLDER_SIZE)
    return NULL;
  return g_strndup (buf, n);
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
  int fd;

  g_return_val_if_fail (db_path != NULL, NULL);

  path = stk_lock_path_for (db_path);
  if ((fd = open_regular_readonly (path)) < 0)
    return NULL;
  contents = read_holder_text (fd, NULL);
  close (fd);
  return contents != NULL ? parse_holder (contents) : NULL;
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

  /* For messages only: failing to write it changes nothing about the lock. Written
   * first, then cut to its length, so that a reader never sees an empty file. */
  if (pwrite (fd, contents, len, 0) != (ssize_t) len || ftruncate (fd, len) != 0)
    g_debug ("Cannot write the lock holder: %s", g_strerror (errno));
}

/* Whether the holder text may be rewritten in a lock file we did not create: only
 * when it is empty or already holder text. Any other file keeps its contents (it is
 * locked all the same). */
static gboolean
may_rewrite (int fd)
{
  g_autofree char *contents = NULL;
  g_autoptr(StkLockHolder) holder = NULL;
  gboolean empty = FALSE;

  contents = read_holder_text (fd, &empty);
  if (empty)
    return TRUE;
  return contents != NULL && (holder = parse_holder (contents)) != NULL;
}

static void
set_unsafe_lock_error (GError     **error,
                       const char  *path,
                       const char  *why)
{
  g_autofree char *name = display_name (path);

  g_set_error (error, STK_ERROR, STK_ERROR_UNSAFE,
               /* Translators: the second %s says what the file is, e.g. "it is a symbolic link". */
               _("Stocktake will not use “%s” as the inventory’s lock file: %s; remove it and "
                 "try again."),
               name, why);
}

/* Opens the lock file, creating it (mode 0600) if it is missing. Refuses anything but
 * a regular file with one name. */
static int
open_lock_file (const char  *path,
                gboolean    *out_created,
                gboolean    *out_writable,
                int         *out_errno,
                GError     **error)
{
  struct stat st;
  int fd = -1;

  *out_created = FALSE;
  *out_writable = TRUE;
  *out_errno = 0;

  /* A file removed between the two opens is simply created on the next round. */
  for (guint attempt = 0; fd < 0 && attempt < 10; attempt++)
    {
      fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | LOCK_OPEN_FLAGS, 0600);
      if (fd >= 0)
        {
          *out_created = TRUE;
          break;
        }
      if (errno != EEXIST)
        {
          *out_errno = errno;
          return -1;
        }
      fd = g_open (path, O_RDWR | LOCK_OPEN_FLAGS, 0);
      if (fd < 0 && stk_error_code_from_errno (errno) == STK_ERROR_READ_ONLY)
        {
          /* Another user's lock file: a read-only descriptor locks just as well. */
          fd = g_open (path, O_RDONLY | LOCK_OPEN_FLAGS, 0);
          *out_writable = FALSE;
        }
      if (fd < 0 && errno == ENOENT)
        {
          *out_writable = TRUE;
          continue;
        }
      if (fd < 0)
        {
          int errsv = errno;

          if (errsv == ELOOP)
            set_unsafe_lock_error (error, path, _("it is a symbolic link"));
          else if (errsv == EISDIR || errsv == ENXIO)
            set_unsafe_lock_error (error, path, _("it is not a regular file"));
          else
            *out_errno = errsv;
          return -1;
        }
    }
  if (fd < 0)
    {
      *out_errno = EEXIST;
      return -1;
    }

  if (fstat (fd, &st) != 0)
    {
      *out_errno = errno;
      close (fd);
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    {
      set_unsafe_lock_error (error, path, _("it is not a regular file"));
      close (fd);
      return -1;
    }
  if (st.st_nlink > 1)
    {
      /* Its other name may be anyone's file: writing the holder would change it. */
      set_unsafe_lock_error (error, path, _("the file has other names (hard links)"));
      close (fd);
      return -1;
    }
  return fd;
}

StkLock *
stk_lock_acquire (const char  *db_path,
                  const char  *what,
                  GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *real = NULL;
  gboolean writable = TRUE;
  gboolean created = FALSE;
  GError *open_error = NULL;
  StkLock *lock;
  int saved_errno;
  int fd;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* One lock per file, whatever name it was reached by. */
  if (!(real = stk_identity_resolve (db_path, STK_IDENTITY_INVENTORY, error)))
    return NULL;
  db_path = real;
  path = g_strconcat (real, ".lock", NULL);

  fd = open_lock_file (path, &created, &writable, &saved_errno, &open_error);
  if (open_error != NULL)
    {
      g_propagate_error (error, open_error);
      return NULL;
    }
  if (fd < 0)
    {
      g_autofree char *dir = g_path_get_dirname (db_path);
      g_autofree char *dir_name = g_filename_display_name (dir);

      StkError code = stk_error_code_from_errno (saved_errno);

      name = display_name (path);
      if (code == STK_ERROR_NOT_FOUND)
        g_set_error (error, STK_ERROR, code,
                     _("Cannot open the inventory: the folder “%s” does not exist."),
                     dir_name);
      else if (code == STK_ERROR_READ_ONLY)
        g_set_error (error, STK_ERROR, code,
                     _("Cannot create the lock file “%s” in the folder “%s”: the folder is "
                       "read-only for you. The inventory can only be opened read-only."),
                     name, dir_name);
      else
        g_set_error (error, STK_ERROR, code,
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
          stk_error_set_errno (error, saved_errno, _("Cannot lock the file “%s”: %s."), name,
                               g_strerror (saved_errno));
        }
      close (fd);
      return NULL;
    }

  /* Only now, holding the lock: the holder text of a file we did not create is
   * rewritten only when it is holder text (or empty). */
  if (writable && (created || may_rewrite (fd)))
    write_holder (fd, what);

  /* The inventory's one writer removes what killed outputs (backups, restore's safety
   * copies, which go beside the inventory) left in its folder. */
  {
    g_autofree char *dir = g_path_get_dirname (real);
    stk_output_remove_stale (dir);
  }

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
  if ((fd = open_regular_readonly (path)) < 0)
    return FALSE;

  /* A shared probe: fails only while someone holds it exclusively. */
  if (flock (fd, LOCK_SH | LOCK_NB) != 0)
    held = (errno == EWOULDBLOCK);
  close (fd);
  return held;
}
