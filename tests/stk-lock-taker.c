/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Test helper: another Stocktake holding an inventory's lock file. Takes the lock
 * with stk_lock_acquire() as WHAT (default "window"), prints "locked" (or the error
 * and exits 75), then holds it until its standard input is closed, and exits.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <glib.h>

#include "stk-error.h"
#include "stk-lock.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  StkLock *lock;
  char buf[64];

  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, "usage: %s DB [WHAT]\n", argv[0]);
      return 2;
    }

  if (!(lock = stk_lock_acquire (argv[1], argc > 2 ? argv[2] : "window", &error)))
    {
      fprintf (stderr, "lock-taker: %s\n", error->message);
      return stk_error_exit_code (error);
    }
  printf ("locked\n");
  fflush (stdout);

  while (read (STDIN_FILENO, buf, sizeof buf) > 0)
    ;

  stk_lock_release (lock);
  return 0;
}
