/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdarg.h>

#include <glib.h>

G_BEGIN_DECLS

/* The fixture most suites share: a fresh folder @tmpdir and the location @db_path of an
 * inventory (not created) for the engine the tests run on ($STK_TEST_ENGINE, default
 * sqlite: a file in @tmpdir). A suite that needs nothing else names them as its
 * .init and .fini; one with more to do calls them from its own setup and teardown.
 * Only the suites that use the fixture include this header (the names are short). */
extern char *tmpdir;
extern char *db_path;

/* db_path = tmpdir/inventory.db */
void  stk_test_fixture_setup       (void);
/* db_path = tmpdir/@db_name */
void  stk_test_fixture_setup_named (const char *db_name);
/* Removes tmpdir with everything in it and frees both names. */
void  stk_test_fixture_teardown    (void);

/* One run of the built stocktake program ($STOCKTAKE_EXE), in tmpdir. */
typedef struct
{
  int   status;  /* exit code, or -1 when killed by a signal */
  char *out;
  char *err;
} StkTestRun;

void  stk_test_run_clear           (StkTestRun  *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StkTestRun, stk_test_run_clear)

/* The environment of a run: no display (commands never need one), no
 * STOCKTAKE_DATABASE, LC_ALL=C.UTF-8. */
GStrv stk_test_run_environ         (void);

/* stocktake ARGV (NULL-terminated, without the program) in @env (NULL:
 * stk_test_run_environ()), as nobody (65534) when @nobody; the test process itself stays
 * who it is. Fills @run (freeing what it held) and returns the exit status. A program
 * that cannot be started aborts the test. */
int   stk_test_run_argv            (StkTestRun         *run,
                                    char              **env,
                                    gboolean            nobody,
                                    const char *const  *argv);
/* stocktake ARGS… */
int   stk_test_run                 (StkTestRun         *run,
                                    const char         *first,
                                    ...) G_GNUC_NULL_TERMINATED;
/* stocktake --database DB ARGS…, as nobody when @nobody. */
int   stk_test_run_db_as           (StkTestRun         *run,
                                    gboolean            nobody,
                                    const char         *db,
                                    ...) G_GNUC_NULL_TERMINATED;
/* stocktake --database DB ARGS… */
#define stk_test_run_db(run, db, ...) stk_test_run_db_as ((run), FALSE, (db), __VA_ARGS__)

G_END_DECLS
