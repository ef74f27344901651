/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-crash-cli: the kill -9 soak of the real program. N rounds (300) of
 * tests/stk-crash-loop.c on one inventory: checkpoint, import, generate, backup or
 * restore, killed with SIGKILL at a random instant of its run (or let finish), then
 * `stocktake verify` must open it without help and find nothing, and nothing
 * acknowledged may be missing.
 *
 * Output: rounds=N kills=N refused=N lost=N verify_problems=N
 * Exit status 1 if anything was refused, lost or found by verify.
 * The program is STOCKTAKE_EXE (set by meson).
 */
#include "config.h"

#include <stdio.h>

#include "stk-crash-loop.h"
#include "stk-test-util.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *first_problem = NULL;
  const char *exe = g_getenv ("STOCKTAKE_EXE");
  StkCliCrashCounts counts = { 0 };
  int rounds = 300;
  gboolean ok;
  GOptionEntry entries[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds (300)", "N" },
    { NULL }
  };

  context = g_option_context_new ("— kill -9 soak of the stocktake program");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || rounds < 1 || exe == NULL)
    {
      fprintf (stderr, "bench-crash-cli: %s\n",
               error != NULL ? error->message : "needs --rounds ≥ 1 and STOCKTAKE_EXE");
      return 2;
    }

  dir = stk_test_mkdtemp ();
  ok = stk_crash_cli_loop (exe, dir, (guint) rounds, &counts, &first_problem, &error);
  stk_test_rmdir (dir);
  printf ("rounds=%u kills=%u refused=%u lost=%u verify_problems=%u\n", counts.rounds,
          counts.kills, counts.refused, counts.lost, counts.verify_problems);
  if (first_problem != NULL)
    printf ("first problem: %s\n", first_problem);
  if (!ok)
    {
      fprintf (stderr, "bench-crash-cli: %s\n", error->message);
      return 1;
    }
  return counts.refused + counts.lost + counts.verify_problems == 0 &&
         counts.rounds == (guint) rounds ? 0 : 1;
}
