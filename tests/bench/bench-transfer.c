/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-transfer: the bulk write paths through the writer (issue 14: the writer owns
 * their transactions, and they must be no slower for it). Per round:
 *
 *  1. generate N items and M sales into a new inventory (stk_generate),
 *  2. export it whole to a folder (stk_export_all: skus, movements and sales),
 *  3. import skus.csv into a new inventory (stk_import_file: one op of the writer),
 *  4. import the whole folder into another new inventory (stk_import_all: one op).
 *
 * Output: per step the best and median seconds over the rounds, rows per second (of
 * the best) and the best CPU seconds of the process (all threads: on a shared machine
 * the steadier figure for comparing two builds). Timings are printed, not asserted; exit status 1 only when a step
 * fails or an import does not bring every row.
 *
 *   bench-transfer [--skus N] [--sales M] [--rounds R]   (default 100 000, 200 000, 3)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "stk-maintenance.h"
#include "stk-store.h"
#include "stk-transfer.h"
#include "stk-writer.h"

static gint64 n_skus = 100000;
static gint64 n_sales = 200000;
static gint rounds = 3;

static const GOptionEntry entries[] = {
  { "skus", 0, 0, G_OPTION_ARG_INT64, &n_skus, "Items to generate", "N" },
  { "sales", 0, 0, G_OPTION_ARG_INT64, &n_sales, "Sales to generate", "M" },
  { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds", "R" },
  { NULL }
};

enum { STEP_GENERATE, STEP_EXPORT, STEP_IMPORT_SKUS, STEP_IMPORT_ALL, N_STEPS };
static const char *const step_names[] = {
  "generate", "export all", "import skus", "import all",
};

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static gboolean
check_imported (int                     step,
                const StkImportReport  *report,
                guint64                 expected)
{
  if (report->imported == expected)
    return TRUE;
  fprintf (stderr, "bench-transfer: %s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
           " rows imported\n", step_names[step], report->imported, expected);
  return FALSE;
}

static double
cpu_now (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double cpu_seconds[N_STEPS];
static double cpu_start;

#define STEP_BEGIN() (cpu_start = cpu_now (), g_get_monotonic_time ())
#define STEP_END(step, start)                                       \
  (cpu_seconds[step] = cpu_now () - cpu_start,                      \
   seconds[step] = (g_get_monotonic_time () - (start)) / 1e6)

/* One round: the seconds of each step in @seconds, the rows of each in @rows. */
static gboolean
run_round (double  *seconds,
           guint64 *rows)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-transfer-XXXXXX", &error);
  g_autofree char *source = NULL;
  g_autofree char *target1 = NULL;
  g_autofree char *target2 = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *skus = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_auto(StkImportReport) report = { 0 };
  g_auto(StkImportReport) report_all = { 0 };
  guint64 n = 0;
  gboolean ok = FALSE;
  gint64 start;

  if (dir == NULL)
    goto out;
  source = g_build_filename (dir, "source.db", NULL);
  target1 = g_build_filename (dir, "target1.db", NULL);
  target2 = g_build_filename (dir, "target2.db", NULL);
  folder = g_build_filename (dir, "all", NULL);
  skus = g_build_filename (folder, "skus.csv", NULL);

  start = STEP_BEGIN ();
  if (!(writer = stk_writer_new (source, &error)) ||
      !stk_generate (writer, (guint64) n_skus, (guint64) n_sales, 7, NULL, NULL, &error) ||
      !stk_writer_close (writer, 10000, &error))
    goto out;
  STEP_END (STEP_GENERATE, start);
  rows[STEP_GENERATE] = (guint64) (n_skus + n_sales);
  g_clear_object (&writer);

  start = STEP_BEGIN ();
  if (!(store = stk_store_new (source, &error)) ||
      !stk_export_all (store, folder, NULL, &n, &error))
    goto out;
  STEP_END (STEP_EXPORT, start);
  rows[STEP_EXPORT] = n;
  rows[STEP_IMPORT_ALL] = n;
  rows[STEP_IMPORT_SKUS] = (guint64) n_skus;
  g_clear_object (&store);

  if (!(writer = stk_writer_new (target1, &error)))
    goto out;
  start = STEP_BEGIN ();
  if (!stk_import_file (writer, STK_TABLE_SKUS, skus, NULL, NULL, NULL, &report, &error))
    goto out;
  STEP_END (STEP_IMPORT_SKUS, start);
  if (!check_imported (STEP_IMPORT_SKUS, &report, rows[STEP_IMPORT_SKUS]) ||
      !stk_writer_close (writer, 10000, &error))
    goto out;
  g_clear_object (&writer);

  if (!(writer = stk_writer_new (target2, &error)))
    goto out;
  start = STEP_BEGIN ();
  if (!stk_import_all (writer, folder, NULL, &report_all, &error))
    goto out;
  STEP_END (STEP_IMPORT_ALL, start);
  if (!check_imported (STEP_IMPORT_ALL, &report_all, rows[STEP_IMPORT_ALL]) ||
      !stk_writer_close (writer, 10000, &error))
    goto out;
  ok = TRUE;

out:
  if (error != NULL)
    fprintf (stderr, "bench-transfer: %s\n", error->message);
  else if (report_all.errors != NULL && report_all.errors->len > 0)
    fprintf (stderr, "bench-transfer: %s\n", (char *) g_ptr_array_index (report_all.errors, 0));
  g_clear_object (&writer);
  g_clear_object (&store);
  if (dir != NULL)
    {
      remove_dir (folder);
      remove_dir (dir);
    }
  return ok;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— bulk write benchmark");
  g_autoptr(GError) error = NULL;
  GArray *times[N_STEPS] = { NULL };
  double best_cpu[N_STEPS];
  guint64 rows[N_STEPS] = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (n_skus < 1 || n_sales < 0 || rounds < 1)
    {
      fprintf (stderr, "--skus must be at least 1, --rounds at least 1\n");
      return 2;
    }

  printf ("bench-transfer: %" G_GINT64_FORMAT " items, %" G_GINT64_FORMAT " sales, %d rounds\n",
          n_skus, n_sales, rounds);
  for (guint s = 0; s < N_STEPS; s++)
    {
      times[s] = g_array_new (FALSE, FALSE, sizeof (double));
      best_cpu[s] = G_MAXDOUBLE;
    }

  for (int r = 0; r < rounds; r++)
    {
      double seconds[N_STEPS] = { 0 };

      if (!run_round (seconds, rows))
        return 1;
      for (guint s = 0; s < N_STEPS; s++)
        {
          g_array_append_val (times[s], seconds[s]);
          best_cpu[s] = MIN (best_cpu[s], cpu_seconds[s]);
        }
    }

  for (guint s = 0; s < N_STEPS; s++)
    {
      double best, median;

      g_array_sort (times[s], compare_double);
      best = g_array_index (times[s], double, 0);
      median = g_array_index (times[s], double, times[s]->len / 2);
      printf ("  %-12s rows=%-7" G_GUINT64_FORMAT " best=%.3f s  median=%.3f s  rows_per_s=%.0f"
              "  cpu=%.3f s\n",
              step_names[s], rows[s], best, median, best > 0 ? rows[s] / best : 0.0, best_cpu[s]);
      g_array_unref (times[s]);
    }
  return 0;
}
