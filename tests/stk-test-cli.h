/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Running the stocktake program in tests, and the checks its runs share: exit status,
 * the one-sentence error, files beside the inventory. */
#pragma once

#include <criterion/criterion.h>
#include <glib.h>

#include "stk-test-fixture.h"

G_BEGIN_DECLS

typedef struct
{
  const char *database_env;  /* STOCKTAKE_DATABASE, or NULL for unset */
  const char *display;       /* DISPLAY, or NULL for unset */
  gboolean    unprivileged;  /* run as nobody (65534) */
} StkTestCliOptions;

/* stocktake ARGS… (no --database); @args is NULL-terminated by this call. */
void      stk_test_cli_run_argv   (StkTestRun              *run,
                                   const StkTestCliOptions *options,
                                   GPtrArray               *args);
int       stk_test_cli_run_plain  (StkTestRun              *run,
                                   const StkTestCliOptions *options,
                                   const char              *first,
                                   ...) G_GNUC_NULL_TERMINATED;

#define stk_test_assert_status(run, expected)                                          \
  cr_assert_eq ((run)->status, (expected), "exit status %d, expected %d\nstdout: %s\nstderr: %s", \
                (run)->status, (expected), (run)->out, (run)->err)

/* One line on stderr: "stocktake: <one sentence>." */
void      stk_test_assert_one_sentence_error (const StkTestRun *run);
gboolean  stk_test_contains_ci    (const char *haystack,
                                   const char *needle);
char     *stk_test_path_in_tmp    (const char *name);
/* Writes @contents (@len bytes, or up to the NUL if -1) to @path, mode 0644. */
void      stk_test_write_file     (const char *path,
                                   const char *contents,
                                   gssize      len);
/* A real inventory with @skus items and @sales sales, made by the program (seed 7). */
void      stk_test_generate       (const char *db,
                                   guint       skus,
                                   guint       sales);
/* No -wal, -shm or -journal file beside @db. */
void      stk_test_assert_no_wal_files (const char *db);

G_END_DECLS
