/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-seams.h"
#include "stk-store.h"

#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

static int
real_open (const char *path,
           int         flags,
           int         mode)
{
  return g_open (path, flags, mode);
}

static int
real_rename (const char *from,
             const char *to)
{
  return g_rename (from, to);
}

#define REAL_SEAMS { real_open, read, fsync, close, real_rename, flock }

StkSeams stk_seams = REAL_SEAMS;
guint stk_bulk_min_rows = STK_BULK_MIN_ROWS;
guint stk_bulk_index_ratio = STK_BULK_INDEX_RATIO;
StkVerifyFileFunc stk_backup_verify_file = stk_verify_file;

void
stk_seams_reset (void)
{
  StkSeams real = REAL_SEAMS;

  stk_seams = real;
  stk_bulk_min_rows = STK_BULK_MIN_ROWS;
  stk_bulk_index_ratio = STK_BULK_INDEX_RATIO;
  stk_backup_verify_file = stk_verify_file;
}
