/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-crash: the kill -9 soak. Runs N rounds (500) of the crash test on one
 * inventory: the stk-crash-writer helper writes from four threads through StkWriter,
 * it is killed with SIGKILL 100-600 ms in, the inventory is reopened (recovering the
 * WAL) and every op it acknowledged must be there exactly once, nothing half-applied,
 * and stk_store_verify() must find nothing. The inventory keeps growing from round to
 * round, so later rounds also recover a larger file.
 *
 * Output: a progress line every 50 rounds, then
 *   rounds=N acked=N lost=N doubled=N half_applied=N verify_problems=N
 * Exit status 1 if anything was lost, doubled, half-applied or found by verify, or a
 * round acknowledged nothing or could not run.
 *
 * The helper is found through STK_TEST_BUILDDIR (set by meson), or else in the folder
 * above this program's.
 */
#include "config.h"

#include <stdio.h>

#include <glib/gstdio.h>

#include "stk-test-util.h"

#define PROGRESS_EVERY 50

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *first_problem = NULL;
  StkCrashCounts counts = { 0 };
  int rounds = 500;
  int min_ms = 100;
  int max_ms = 600;
  guint empty_rounds = 0;
  gboolean failed = FALSE;
  gint64 t0;
  const GOptionEntry entries[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds,
      "Rounds of write, kill -9, reopen and check (500)", "N" },
    { "min-ms", 0, 0, G_OPTION_ARG_INT, &min_ms,
      "Shortest time before the kill, in milliseconds (100)", "MS" },
    { "max-ms", 0, 0, G_OPTION_ARG_INT, &max_ms,
      "Longest time before the kill, in milliseconds (600)", "MS" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &parent,
      "Folder for the temporary inventory (the temporary folder)", "DIR" },
    { NULL }
  };

  context = g_option_context_new ("— the kill -9 soak");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-crash: %s\n", error->message);
      return 2;
    }
  if (rounds < 1 || min_ms < 1 || max_ms <= min_ms)
    {
      g_printerr ("bench-crash: --rounds and --min-ms must be positive and --max-ms above --min-ms.\n");
      return 2;
    }

  if (g_getenv ("STK_TEST_BUILDDIR") == NULL)
    {
      g_autofree char *self_dir = g_path_get_dirname (argv[0]);
      g_autofree char *tests_dir = g_build_filename (self_dir, "..", NULL);

      g_setenv ("STK_TEST_BUILDDIR", tests_dir, TRUE);
    }

  if (parent != NULL)
    {
      g_autofree char *tmpl = g_build_filename (parent, "stk-crash-XXXXXX", NULL);

      dir = g_mkdtemp (tmpl) != NULL ? g_steal_pointer (&tmpl) : NULL;
      if (dir == NULL)
        {
          g_printerr ("bench-crash: cannot create a folder in %s.\n", parent);
          return 1;
        }
    }
  else
    dir = stk_test_mkdtemp ();
  db_path = g_build_filename (dir, "inventory.db", NULL);

  t0 = g_get_monotonic_time ();
  for (int round = 1; round <= rounds; round++)
    {
      guint acked_before = counts.acked;

      if (!stk_test_crash_round (db_path, min_ms, max_ms, &counts, &first_problem, &error))
        {
          g_printerr ("bench-crash: round %d: %s\n", round, error->message);
          failed = TRUE;
          break;
        }
      if (counts.acked == acked_before)
        empty_rounds++;

      if (round % PROGRESS_EVERY == 0 || round == rounds)
        {
          GStatBuf st;

          printf ("round %d/%d: acked=%u lost=%u doubled=%u half_applied=%u verify_problems=%u"
                  " file=%.1f MiB elapsed=%.1f s\n",
                  round, rounds, counts.acked, counts.lost, counts.doubled,
                  counts.half_applied, counts.verify_problems,
                  g_stat (db_path, &st) == 0 ? st.st_size / 1048576.0 : 0.0,
                  (g_get_monotonic_time () - t0) / 1e6);
          fflush (stdout);
        }
    }

  printf ("rounds=%u acked=%u lost=%u doubled=%u half_applied=%u verify_problems=%u\n",
          counts.rounds, counts.acked, counts.lost, counts.doubled,
          counts.half_applied, counts.verify_problems);
  if (first_problem != NULL)
    g_printerr ("bench-crash: first problem: %s\n", first_problem);
  if (empty_rounds > 0)
    g_printerr ("bench-crash: %u rounds acknowledged nothing.\n", empty_rounds);

  stk_test_rmdir (dir);

  if (failed || empty_rounds > 0
      || counts.lost + counts.doubled + counts.half_applied + counts.verify_problems > 0)
    return 1;
  return 0;
}
