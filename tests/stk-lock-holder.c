/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Test helper: another program holding the inventory. Opens DB with a plain SQLite
 * connection, takes BEGIN EXCLUSIVE, prints "locked", holds it for SECONDS (or until
 * its standard input is closed when SECONDS is 0), commits and prints "released".
 */
#include "config.h"
#include "stk-sqlite-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib.h>
#include <sqlite3.h>

int
main (int   argc,
      char *argv[])
{
  sqlite3 *db = NULL;
  double seconds;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s DB SECONDS\n", argv[0]);
      return 2;
    }
  seconds = g_ascii_strtod (argv[2], NULL);

  if (sqlite3_open_v2 (argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "PRAGMA busy_timeout = 5000; BEGIN EXCLUSIVE;"
                        " UPDATE settings SET value = value WHERE key = 'allow_negative_stock'",
                    NULL, NULL, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "lock-holder: %s\n", sqlite3_errmsg (db));
      return 1;
    }
  printf ("locked\n");
  fflush (stdout);

  if (seconds > 0)
    g_usleep ((gulong) (seconds * G_USEC_PER_SEC));
  else
    {
      char buf[64];
      while (read (STDIN_FILENO, buf, sizeof buf) > 0)
        ;
    }

  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "lock-holder: %s\n", sqlite3_errmsg (db));
      return 1;
    }
  sqlite3_close (db);
  printf ("released\n");
  fflush (stdout);
  return 0;
}
