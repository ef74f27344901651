/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-identity.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "stk-error.h"

/* realpath() as a g_free()-able string, or NULL with errno set. */
static char *
real_path (const char *path)
{
  char *real = realpath (path, NULL);
  char *copy;
  int errsv;

  if (real == NULL)
    return NULL;
  copy = g_strdup (real);
  errsv = errno;
  free (real);
  errno = errsv;
  return copy;
}

static void
set_loop_error (GError     **error,
                const char  *path)
{
  g_autofree char *name = g_filename_display_name (path);

  g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
               _("“%s” cannot be opened: its symbolic links lead round in a loop."), name);
}

static void
set_dangling_error (GError     **error,
                    const char  *path)
{
  g_autofree char *name = g_filename_display_name (path);
  g_autofree char *target = g_file_read_link (path, NULL);
  g_autofree char *target_name = target ? g_filename_display_name (target) : NULL;

  if (target_name != NULL)
    g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                 _("“%s” is a symbolic link to “%s”, which does not exist."), name, target_name);
  else
    g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                 _("“%s” is a symbolic link to a file that does not exist."), name);
}

void
stk_identity_set_stat_error (GError     **error,
                             int          errsv,
                             const char  *path)
{
  g_autofree char *name = NULL;

  g_return_if_fail (path != NULL);

  name = g_filename_display_name (path);

  stk_error_set_errno (error, errsv, _("Cannot open “%s”: %s."), name, g_strerror (errsv));
}

char *
stk_identity_blocking_file (const char *dir)
{
  g_autofree char *p = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  p = g_strdup (dir);
  for (;;)
    {
      struct stat st;
      g_autofree char *parent = NULL;

      if (stat (p, &st) == 0)
        return S_ISDIR (st.st_mode) ? NULL : g_steal_pointer (&p);
      if (errno != ENOENT && errno != ENOTDIR)
        return NULL;
      parent = g_path_get_dirname (p);
      if (g_str_equal (parent, p))
        return NULL;
      g_free (p);
      p = g_steal_pointer (&parent);
    }
}

/* A name that does not exist (yet): the folder's real path and the name. */
static char *
resolve_new_name (const char  *path,
                  GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *real_dir = NULL;
  struct stat lst;
  struct stat dir_st;

  /* A symbolic link whose target is missing: creating the file through it would put
   * it wherever the link points, under a name nobody chose here. */
  if (lstat (path, &lst) == 0 && S_ISLNK (lst.st_mode))
    {
      set_dangling_error (error, path);
      return NULL;
    }

  if (!(real_dir = real_path (dir)))
    {
      int errsv = errno;
      g_autofree char *dir_name = g_filename_display_name (dir);

      if (errsv == ELOOP)
        set_loop_error (error, dir);
      else if (errsv == ENOENT || errsv == ENOTDIR)
        {
          g_autofree char *blocking = stk_identity_blocking_file (dir);
          g_autofree char *blocking_name = blocking ? g_filename_display_name (blocking) : NULL;

          if (blocking != NULL)
            g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                         _("The folder “%s” cannot exist: “%s” is a file, not a folder."),
                         dir_name, blocking_name);
          else
            g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                         _("The folder “%s” does not exist."), dir_name);
        }
      else
        stk_identity_set_stat_error (error, errsv, dir);
      return NULL;
    }
  /* realpath() of a relative path asks getcwd(), which answers even when a folder
   * above the current one may not be entered: then the folder cannot be looked at by
   * its real path, which is no reason to call it a file. */
  if (stat (real_dir, &dir_st) != 0)
    {
      stk_identity_set_stat_error (error, errno, real_dir);
      return NULL;
    }
  /* realpath() takes a file too: "inventory.db/new.db" has no folder to be in. */
  if (!S_ISDIR (dir_st.st_mode))
    {
      g_autofree char *dir_name = g_filename_display_name (dir);

      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                   _("“%s” is a file, not a folder."), dir_name);
      return NULL;
    }

  return g_build_filename (real_dir, base, NULL);
}

char *
stk_identity_resolve (const char        *path,
                      StkIdentityFlags   flags,
                      GError           **error)
{
  g_autofree char *real = NULL;
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);

  if (path[0] == '\0')
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                           _("An empty path names no file."));
      return NULL;
    }

  if (stat (path, &st) != 0)
    {
      int errsv = errno;

      if (errsv == ELOOP)
        {
          set_loop_error (error, path);
          return NULL;
        }
      if (errsv == ENOENT || errsv == ENOTDIR)
        return resolve_new_name (path, error);
      stk_identity_set_stat_error (error, errsv, path);
      return NULL;
    }

  if (!(real = real_path (path)))
    {
      int errsv = errno;

      /* It exists but has no path of its own: /dev/stdout on a pipe ("pipe:[…]"). The
       * caller refuses what is not a regular file; keep the name as given. */
      if (errsv == ENOENT && !S_ISREG (st.st_mode))
        return g_canonicalize_filename (path, NULL);
      if (errsv == ELOOP)
        set_loop_error (error, path);
      else
        stk_identity_set_stat_error (error, errsv, path);
      return NULL;
    }

  if (!(flags & STK_IDENTITY_ANY_LINKS) && S_ISREG (st.st_mode) && st.st_nlink > 1)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, STK_ERROR, STK_ERROR_UNSAFE,
                   /* Translators: %u is the number of names (hard links) of the file. */
                   g_dngettext (GETTEXT_PACKAGE,
                                "Stocktake will not open “%s”: the file has %u name (hard "
                                "link), and programs opening it by different names would each "
                                "take their own lock and write-ahead log and could damage it, "
                                "so keep one name or copy the file.",
                                "Stocktake will not open “%s”: the file has %u names (hard "
                                "links), and programs opening it by different names would each "
                                "take their own lock and write-ahead log and could damage it, "
                                "so keep one name or copy the file.",
                                (gulong) st.st_nlink),
                   name, (guint) st.st_nlink);
      return NULL;
    }

  return g_steal_pointer (&real);
}

char *
stk_identity_resolve_lenient (const char *path)
{
  char *real;

  g_return_val_if_fail (path != NULL, NULL);

  real = stk_identity_resolve (path, STK_IDENTITY_ANY_LINKS, NULL);
  return real != NULL ? real : g_strdup (path);
}

gboolean
stk_identity_same_file (const char *a,
                        const char *b)
{
  struct stat sa, sb;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return stat (a, &sa) == 0 && stat (b, &sb) == 0 &&
         sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
