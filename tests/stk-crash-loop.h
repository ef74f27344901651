/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Running totals of stk_crash_cli_loop(). */
typedef struct
{
  guint rounds;
  guint kills;            /* commands killed with SIGKILL before they finished */
  guint refused;          /* next start refused to open the inventory */
  guint lost;             /* an acknowledged change (or a finished round's state) gone */
  guint verify_problems;  /* `stocktake verify` did not answer 0 and "OK" */
} StkCliCrashCounts;

/* @rounds rounds on an inventory in @dir: run the real stocktake (@exe) with one of
 * checkpoint, import, generate, backup, restore, kill -9 it at a random instant, then
 * start it again (`verify`) and compare what is there with what was acknowledged. */
gboolean  stk_crash_cli_loop  (const char         *exe,
                               const char         *dir,
                               guint               rounds,
                               StkCliCrashCounts  *counts,
                               char              **first_problem,
                               GError            **error);

G_END_DECLS
