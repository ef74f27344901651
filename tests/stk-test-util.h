/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-op.h"
#include "stk-store.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* A fresh temporary folder; removed (with everything in it) by stk_test_rmdir. */
char     *stk_test_mkdtemp        (void);
void      stk_test_rmdir          (const char *path);

/* Spins the thread-default main context until *flag is TRUE or timeout_ms passed. */
gboolean  stk_test_wait_for       (const gboolean *flag,
                                   guint           timeout_ms);
/* Benchmarks only: runs the main context for @ms, as a user's pause would. A test waits
 * for the event itself (stk_test_wait_for, STK_TEST_WAIT_UNTIL, stk_test_drain,
 * stk_test_writer_barrier). */
void      stk_test_spin           (guint           ms);
/* Runs the default main context until an idle of the lowest priority, added now, has run:
 * by then every source that was ready (idles, answers already queued to this context)
 * has run. The positive event to check an absence against, for what this thread queues;
 * what a worker thread has yet to queue is not covered. FALSE if it did not come within
 * stk_test_deadline (60 s). */
gboolean  stk_test_drain          (void);
/* Runs the default main context until @object's reference count is @refs, or
 * stk_test_deadline (@timeout_ms) passed; whether it is. A GTask (a read, a job, a
 * flow) holds its source object until its callback has run: once the count is back to
 * what it was before, nothing of that work is left to come. */
gboolean  stk_test_wait_refs      (gpointer        object,
                                   guint           refs,
                                   guint           timeout_ms);

/* Path of a helper program built next to the tests. */
char     *stk_test_helper_path    (const char     *name);

/* Another program holding @db_path's write lock: starts the stk-lock-holder helper and
 * returns once it holds SQLite's lock (BEGIN EXCLUSIVE). A helper that cannot start or
 * does not say "locked" ends the test with the reason (g_error). */
GSubprocess *stk_test_hold_database    (const char  *db_path);
/* Lets the holder go and waits for it to exit cleanly (g_error otherwise). */
void         stk_test_release_database (GSubprocess *holder);

/* One integer from the inventory at @path, read past the contract by the engine the
 * tests run on (STK_TEST_ENGINE; SQLite: a fresh raw read-only connection). @sql is
 * plain SQL that every engine answers the same. */
gint64    stk_test_query          (const char     *path,
                                   const char     *sql);
/* Every value of every row @sql gives on the inventory at @path, as text: "TYPE:VALUE|"
 * per column, a line per row (the caller frees it). A query that cannot run ends the
 * test. */
char     *stk_test_query_dump     (const char     *path,
                                   const char     *sql);

/* The engine the tests run on: $STK_TEST_ENGINE, "sqlite" when unset
 * (tests/meson.build runs the contract tests once per engine). */
const char *stk_test_engine       (void);

/* Damages the inventory at @path, the way its engine can, so that every read of an
 * item fails as corrupt while the inventory still opens. */
void      stk_test_damage_items   (const char     *path);

/* Contents of a file, for byte-for-byte comparisons. */
GBytes   *stk_test_read_bytes     (const char     *path);

/* Makes the glibc locale @name (e.g. "it_IT.UTF-8") usable by this process and its
 * children without touching the system: compiles it with localedef (Debian packages
 * "locales" and "libc-bin") into $STK_TEST_BUILDDIR/locales unless it is already there,
 * and points LOCPATH at that folder. Safe when several tests build the same locale at
 * once. FALSE with @error when the locale cannot be made; never skips. */
gboolean  stk_test_ensure_locale  (const char     *name,
                                   GError        **error);

/* Drops root privileges to nobody (65534) in this (forked) test process. */
void      stk_test_drop_privileges (void);

/* Running totals of stk_test_crash_round(). */
typedef struct
{
  guint rounds;
  guint acked;           /* ops the killed writer acknowledged */
  guint lost;            /* acknowledged, but neither recorded nor applied */
  guint doubled;         /* recorded or applied more than once */
  guint half_applied;    /* recorded without its effect, or the other way round */
  guint verify_problems; /* problems stk_store_verify() found after the reopen */
} StkCrashCounts;

/* One round of the kill -9 test on db_path: starts the stk-crash-writer helper,
 * lets it write for a random delay in [min_delay_ms, max_delay_ms), kills it with
 * SIGKILL, reopens the inventory (recovering the WAL) and checks that every
 * acknowledged op is present exactly once and nothing is half-applied. Adds the
 * figures to *counts; *first_problem (if not NULL and still NULL) gets a description
 * of the first problem. FALSE with error set if the round itself could not run. */
gboolean  stk_test_crash_round    (const char     *db_path,
                                   guint           min_delay_ms,
                                   guint           max_delay_ms,
                                   StkCrashCounts *counts,
                                   char          **first_problem,
                                   GError        **error);

/* The check of stk_test_crash_round() after the kill: reopens db_path and checks that
 * every op of @acked (op id → kind) is recorded and applied exactly once, and that
 * nothing is half-applied. Adds to *counts (not to rounds or acked). */
gboolean  stk_test_crash_check    (const char     *db_path,
                                   GHashTable     *acked,
                                   StkCrashCounts *counts,
                                   char          **first_problem,
                                   GError        **error);

/* Open / close / submit, aborting the test with the error's message on failure. */
StkWriter *stk_test_open_writer    (const char     *path);
StkStore  *stk_test_open_store     (const char     *path);
void       stk_test_close_writer   (StkWriter      *writer);
void       stk_test_submit         (StkWriter      *writer,
                                    StkOp          *op);
/* Submits an op that changes nothing and runs the default main context until its
 * callback has run: the writer commits and answers in order, so every op submitted
 * before it has committed and had its callback by then. Aborts the test (g_error) if
 * the answer does not come within stk_test_deadline (60 s). */
void       stk_test_writer_barrier (StkWriter      *writer);

/* An op that holds the writer thread until released, so that ops queued meanwhile
 * form one batch. Init with stk_test_gate_init(), submit stk_test_gate_op(). */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean started;
  gboolean released;
} StkTestGate;

void      stk_test_gate_init       (StkTestGate    *gate);
void      stk_test_gate_clear      (StkTestGate    *gate);
StkOp    *stk_test_gate_op         (StkTestGate    *gate);
void      stk_test_gate_wait_started (StkTestGate  *gate);
void      stk_test_gate_release    (StkTestGate    *gate);

/* The monotonic time @ms milliseconds from now, times STK_TEST_TIME_SCALE (default 1;
 * the sanitizer run sets 4, as it multiplies meson's time limits): a deadline that only
 * guards against a hang, never a speed check. */
gint64    stk_test_deadline (guint ms);

/* A log writer for g_log_set_writer_func (stk_test_critical_writer, &criticals, NULL):
 * criticals are appended to the GString that *user_data points at (one a line, when it
 * is not NULL) instead of being printed; every other message goes to GLib's default
 * writer. */
GLogWriterOutput stk_test_critical_writer (GLogLevelFlags   level,
                                           const GLogField *fields,
                                           gsize            n_fields,
                                           gpointer         user_data);

/* Iterates the default main context until @cond holds or stk_test_deadline (@timeout_ms)
 * passed; the value of @cond at the end. Polls every 2 ms between iterations. */
#define STK_TEST_WAIT_UNTIL(cond, timeout_ms)                                \
  __extension__ ({                                                           \
    gint64 _stk_end = stk_test_deadline (timeout_ms);                        \
    while (!(cond) && g_get_monotonic_time () < _stk_end)                    \
      {                                                                      \
        while (g_main_context_iteration (NULL, FALSE))                       \
          ;                                                                  \
        g_usleep (2000);                                                     \
      }                                                                      \
    (cond);                                                                  \
  })

G_END_DECLS
