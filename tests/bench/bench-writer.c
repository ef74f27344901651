/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-writer: the incident of the earlier system, replayed. N clients (500) each
 * submit one new item at the same instant into one SQLite file, four ways, each on a
 * fresh file with the real schema:
 *
 *   naive     — connection per client, busy_timeout 150 ms, check-then-insert in
 *               autocommit, no retry;
 *   retry     — connection per client, busy_timeout 500 ms, the check-then-insert in
 *               BEGIN IMMEDIATE … COMMIT, at most 3 attempts, sleeping 0.1 / 0.2 / 0.4 s
 *               after each failed one;
 *   mutex     — connection per client, busy_timeout 500 ms, one process-wide mutex
 *               held around each client's write;
 *   stocktake — one shared StkWriter, each client calls stk_writer_submit_sync().
 *
 * Client threads are created (and their connections opened) first and wait at a gate;
 * the clock starts when the gate opens. A client's latency ends when its write has
 * returned; it then waits for the others before exiting, so that thread teardown is
 * not timed. Then a sustained stream of small ops from a few threads through the async
 * API, against the same rows inserted raw in one transaction on a plain connection.
 *
 * Output: one line per mode, the sustained line, the writer's figures and the targets.
 * Exit status 1 when an invariant breaks (stocktake: nothing failed, every row there;
 * sustained: every op succeeded, every row there). Timings are reported, not asserted.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stk-db.h"
#include "stk-ops.h"
#include "stk-writer.h"
#include "stk-sqlite-private.h"

#define CLIENT_STACK_SIZE (256 * 1024)
#define NAIVE_BUSY_TIMEOUT_MS 150
#define CLIENT_BUSY_TIMEOUT_MS 500
#define RETRY_ATTEMPTS 3
#define ITEM_DESCRIPTION "Benchmark item"
#define ITEM_PRICE_CENTS 199
#define ITEM_REORDER_LEVEL 5

/* Sleep after each failed attempt of the retry mode, the last one included. */
static const guint retry_sleep_ms[RETRY_ATTEMPTS] = { 100, 200, 400 };

typedef enum
{
  MODE_NAIVE,
  MODE_RETRY,
  MODE_MUTEX,
  MODE_STOCKTAKE,
  N_MODES
} Mode;

static const char *const mode_names[N_MODES] = { "naive", "retry", "mutex", "stocktake" };

/* ---- the start gate ---- */

typedef struct
{
  GMutex   lock;
  GCond    ready_cond; /* the opener waits for everybody to arrive */
  GCond    open_cond;  /* the waiters wait for the gate to open */
  guint    expected;
  guint    arrived;
  gboolean open;
} Gate;

static void
gate_init (Gate  *gate,
           guint  expected)
{
  memset (gate, 0, sizeof *gate);
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->ready_cond);
  g_cond_init (&gate->open_cond);
  gate->expected = expected;
}

static void
gate_clear (Gate *gate)
{
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->ready_cond);
  g_cond_clear (&gate->open_cond);
}

static void
gate_wait (Gate *gate)
{
  g_mutex_lock (&gate->lock);
  if (++gate->arrived == gate->expected)
    g_cond_signal (&gate->ready_cond);
  while (!gate->open)
    g_cond_wait (&gate->open_cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

/* Waits until every waiter has arrived, then lets them all go; returns the release time. */
static gint64
gate_open (Gate *gate)
{
  gint64 t;

  g_mutex_lock (&gate->lock);
  while (gate->arrived < gate->expected)
    g_cond_wait (&gate->ready_cond, &gate->lock);
  t = g_get_monotonic_time ();
  gate->open = TRUE;
  g_cond_broadcast (&gate->open_cond);
  g_mutex_unlock (&gate->lock);
  return t;
}

/* ---- plain SQLite connections (the baselines) ---- */

static sqlite3 *
open_plain (const char  *path,
            int          busy_timeout_ms,
            char       **out_error)
{
  g_autofree char *pragmas = g_strdup_printf ("PRAGMA busy_timeout=%d;"
                                              "PRAGMA synchronous=FULL;"
                                              "PRAGMA foreign_keys=ON;",
                                              busy_timeout_ms);
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, pragmas, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      *out_error = g_strdup_printf ("open: %s",
                                    db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close_v2 (db);
      return NULL;
    }
  return db;
}

static gint64
count_rows (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, "SELECT count(*) FROM items", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
  return n;
}

/* A fresh file holding the real schema, made by the app's own open path. */
static char *
create_database (const char *dir,
                 const char *name)
{
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  db = stk_db_open (path, STK_DB_READ_WRITE, &error);
  if (db == NULL)
    {
      g_printerr ("bench-writer: cannot create %s: %s\n", path, error->message);
      exit (1);
    }
  stk_db_close (db);
  return path;
}

static void
remove_dir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);
      g_unlink (child);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}

/* 500 connections need about 1000 descriptors. */
static void
raise_fd_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
}

/* ---- the burst: N clients at once ---- */

typedef struct
{
  Mode               mode;
  const char        *path;
  StkWriter         *writer;     /* stocktake */
  GMutex             write_lock; /* mutex */
  Gate               gate;
  pthread_barrier_t  done;       /* the clients and the main thread, after the writes */
} Burst;

typedef struct
{
  Burst        *burst;
  guint         index;
  pthread_t     thread;
  sqlite3      *db;
  sqlite3_stmt *check;
  sqlite3_stmt *insert;
  gboolean      ok;
  guint         attempts;
  gint64        finish_us;
  char         *error;    /* the first failure, for the report */
} Client;

typedef struct
{
  guint  ok;
  guint  failed;
  gint64 rows;
  double wall_ms;
  double p50_ms;
  double p99_ms;
} BurstResult;

static void
client_set_error (Client     *c,
                  const char *what)
{
  if (c->error == NULL)
    c->error = g_strdup_printf ("%s: %s (%d)", what, sqlite3_errmsg (c->db),
                                sqlite3_extended_errcode (c->db));
}

static gboolean
client_prepare (Client *c)
{
  int busy_timeout_ms = c->burst->mode == MODE_NAIVE ? NAIVE_BUSY_TIMEOUT_MS
                                                     : CLIENT_BUSY_TIMEOUT_MS;

  c->db = open_plain (c->burst->path, busy_timeout_ms, &c->error);
  if (c->db == NULL)
    return FALSE;
  if (sqlite3_prepare_v2 (c->db, "SELECT 1 FROM items WHERE code = ?1", -1, &c->check,
                          NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (c->db,
                          "INSERT INTO items (code, description, unit_price_cents,"
                          " reorder_level, created_at, updated_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                          -1, &c->insert, NULL) != SQLITE_OK)
    {
      client_set_error (c, "prepare");
      return FALSE;
    }
  return TRUE;
}

static void
client_close (Client *c)
{
  g_clear_pointer (&c->check, sqlite3_finalize);
  g_clear_pointer (&c->insert, sqlite3_finalize);
  g_clear_pointer (&c->db, sqlite3_close_v2);
}

/* SELECT, and INSERT if absent; each statement is reset when done, as any client
 * library does, so in autocommit they are two transactions. */
static gboolean
check_then_insert (Client     *c,
                   const char *code)
{
  gboolean present;
  int rc;

  sqlite3_bind_text (c->check, 1, code, -1, SQLITE_STATIC);
  rc = sqlite3_step (c->check);
  present = (rc == SQLITE_ROW);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    client_set_error (c, "select");
  sqlite3_reset (c->check);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;
  if (present)
    return TRUE;

  sqlite3_bind_text (c->insert, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (c->insert, 2, ITEM_DESCRIPTION, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (c->insert, 3, ITEM_PRICE_CENTS);
  sqlite3_bind_int64 (c->insert, 4, ITEM_REORDER_LEVEL);
  sqlite3_bind_int64 (c->insert, 5, g_get_real_time ());
  rc = sqlite3_step (c->insert);
  if (rc != SQLITE_DONE)
    client_set_error (c, "insert");
  sqlite3_reset (c->insert);
  return rc == SQLITE_DONE;
}

static gboolean
retry_attempt (Client     *c,
               const char *code)
{
  if (sqlite3_exec (c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      client_set_error (c, "begin");
      return FALSE;
    }
  if (check_then_insert (c, code) &&
      sqlite3_exec (c->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  client_set_error (c, "commit");
  if (!sqlite3_get_autocommit (c->db))
    sqlite3_exec (c->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void *
client_thread (void *data)
{
  Client *c = data;
  Burst *burst = c->burst;
  char code[32];
  gboolean ready = TRUE;

  g_snprintf (code, sizeof code, "BENCH-%05u", c->index);
  if (burst->mode != MODE_STOCKTAKE)
    ready = client_prepare (c);

  gate_wait (&burst->gate);

  if (ready)
    {
      switch (burst->mode)
        {
        case MODE_NAIVE:
          c->attempts = 1;
          c->ok = check_then_insert (c, code);
          break;

        case MODE_RETRY:
          for (guint i = 0; i < RETRY_ATTEMPTS && !c->ok; i++)
            {
              c->attempts++;
              c->ok = retry_attempt (c, code);
              if (!c->ok)
                g_usleep (retry_sleep_ms[i] * 1000);
            }
          break;

        case MODE_MUTEX:
          c->attempts = 1;
          g_mutex_lock (&burst->write_lock);
          c->ok = check_then_insert (c, code);
          g_mutex_unlock (&burst->write_lock);
          break;

        case MODE_STOCKTAKE:
          {
            g_autoptr(GError) error = NULL;
            StkOp *op = stk_op_create_item (code, ITEM_DESCRIPTION, ITEM_PRICE_CENTS,
                                            ITEM_REORDER_LEVEL);

            c->attempts = 1;
            c->ok = stk_writer_submit_sync (burst->writer, op, &error);
            if (!c->ok)
              c->error = g_strdup (error->message);
            stk_op_unref (op);
          }
          break;

        case N_MODES:
        default:
          g_assert_not_reached ();
        }
    }

  c->finish_us = g_get_monotonic_time ();

  /* Stay until everybody has finished: a thread's exit (GLib's and libc's per-thread
   * cleanup) is not part of the write, and would steal CPU from clients still waiting. */
  pthread_barrier_wait (&burst->done);
  return NULL;
}

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values. */
static gint64
percentile (const gint64 *sorted,
            guint         n,
            guint         p)
{
  guint rank = (guint) (((guint64) p * n + 99) / 100);

  return sorted[CLAMP (rank, 1, n) - 1];
}

static BurstResult
run_burst (Mode        mode,
           const char *dir,
           guint       n_clients)
{
  g_autofree char *path = create_database (dir, mode_names[mode]);
  g_autofree Client *clients = g_new0 (Client, n_clients);
  g_autofree gint64 *latency = g_new0 (gint64, n_clients);
  g_autofree char *first_error = NULL;
  BurstResult r = { 0 };
  pthread_attr_t attr;
  Burst burst = { 0 };
  gint64 release_us;
  gint64 last_us;
  gint64 last_ok_us;
  guint gave_up = 0;

  burst.mode = mode;
  burst.path = path;
  g_mutex_init (&burst.write_lock);
  gate_init (&burst.gate, n_clients);
  pthread_barrier_init (&burst.done, NULL, n_clients + 1);

  if (mode == MODE_STOCKTAKE)
    {
      g_autoptr(GError) error = NULL;

      burst.writer = stk_writer_new (path, &error);
      if (burst.writer == NULL)
        {
          g_printerr ("bench-writer: cannot start the writer: %s\n", error->message);
          exit (1);
        }
    }

  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, CLIENT_STACK_SIZE);
  for (guint i = 0; i < n_clients; i++)
    {
      int rc;

      clients[i].burst = &burst;
      clients[i].index = i;
      rc = pthread_create (&clients[i].thread, &attr, client_thread, &clients[i]);
      if (rc != 0)
        {
          g_printerr ("bench-writer: cannot start client thread %u: %s\n", i, g_strerror (rc));
          exit (1);
        }
    }
  pthread_attr_destroy (&attr);

  release_us = gate_open (&burst.gate);
  pthread_barrier_wait (&burst.done);

  last_us = last_ok_us = release_us;
  for (guint i = 0; i < n_clients; i++)
    {
      Client *c = &clients[i];

      pthread_join (c->thread, NULL);
      latency[i] = c->finish_us - release_us;
      last_us = MAX (last_us, c->finish_us);
      if (c->ok)
        {
          r.ok++;
          last_ok_us = MAX (last_ok_us, c->finish_us);
        }
      else
        {
          r.failed++;
          if (first_error == NULL)
            first_error = g_strdup (c->error);
          if (c->attempts == RETRY_ATTEMPTS)
            gave_up++;
        }
    }

  if (burst.writer != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!stk_writer_close (burst.writer, 5000, &error))
        g_printerr ("bench-writer: closing the writer: %s\n", error->message);
      g_clear_object (&burst.writer);
    }
  for (guint i = 0; i < n_clients; i++)
    {
      client_close (&clients[i]);
      g_free (clients[i].error);
    }

  qsort (latency, n_clients, sizeof latency[0], compare_gint64);
  r.rows = count_rows (path);
  r.wall_ms = (last_us - release_us) / 1000.0;
  r.p50_ms = percentile (latency, n_clients, 50) / 1000.0;
  r.p99_ms = percentile (latency, n_clients, 99) / 1000.0;

  g_print ("mode=%s clients=%u ok=%u failed=%u rows=%" G_GINT64_FORMAT
           " wall_ms=%.1f p50_ms=%.1f p99_ms=%.1f\n",
           mode_names[mode], n_clients, r.ok, r.failed, r.rows, r.wall_ms, r.p50_ms, r.p99_ms);
  fflush (stdout);

  if (r.failed > 0)
    g_printerr ("bench-writer: %s: %u failed; first error: %s\n",
                mode_names[mode], r.failed, first_error != NULL ? first_error : "?");
  if (mode == MODE_RETRY && gave_up > 0)
    g_printerr ("bench-writer: retry: %u clients gave up after %d attempts; the last "
                "successful client finished at %.1f ms\n",
                gave_up, RETRY_ATTEMPTS, (last_ok_us - release_us) / 1000.0);
  if (r.rows != r.ok)
    g_printerr ("bench-writer: %s: %" G_GINT64_FORMAT " rows but %u clients succeeded\n",
                mode_names[mode], r.rows, r.ok);

  gate_clear (&burst.gate);
  pthread_barrier_destroy (&burst.done);
  g_mutex_clear (&burst.write_lock);
  return r;
}

/* ---- sustained: many small ops, not waiting for each ---- */

typedef struct
{
  StkWriter *writer;
  Gate      *gate;
  guint      first;
  guint      count;
  guint      done;
  guint      ok;
  guint      failed;
  char      *error;
  gint64     finish_us;
} Submitter;

static void
sustained_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Submitter *s = user_data;
  g_autoptr(GError) error = NULL;

  if (stk_writer_submit_finish (STK_WRITER (object), result, &error))
    s->ok++;
  else
    {
      s->failed++;
      if (s->error == NULL)
        s->error = g_strdup (error->message);
    }
  s->done++;
}

static gpointer
submitter_thread (gpointer data)
{
  Submitter *s = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  gate_wait (s->gate);

  for (guint i = s->first; i < s->first + s->count; i++)
    {
      char code[32];
      char description[48];
      StkOp *op;

      g_snprintf (code, sizeof code, "SUST-%07u", i);
      g_snprintf (description, sizeof description, "Sustained item %u", i);
      op = stk_op_create_item (code, description, ITEM_PRICE_CENTS, ITEM_REORDER_LEVEL);
      stk_writer_submit (s->writer, op, NULL, sustained_done_cb, s);
      stk_op_unref (op);
    }
  while (s->done < s->count)
    g_main_context_iteration (context, TRUE);
  s->finish_us = g_get_monotonic_time ();

  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

/* The same rows, inserted raw in one transaction on a plain connection. */
static double
run_raw (const char *dir,
         guint       n_ops)
{
  g_autofree char *path = create_database (dir, "raw");
  char *error = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  gint64 start;
  gint64 end;
  gint64 rows;
  gboolean ok;

  db = open_plain (path, CLIENT_BUSY_TIMEOUT_MS, &error);
  if (db == NULL)
    {
      g_printerr ("bench-writer: raw: %s\n", error);
      exit (1);
    }

  start = g_get_monotonic_time ();
  ok = sqlite3_prepare_v2 (db,
                           "INSERT INTO items (code, description, unit_price_cents,"
                           " reorder_level, created_at, updated_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                           -1, &stmt, NULL) == SQLITE_OK &&
       sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
  for (guint i = 0; ok && i < n_ops; i++)
    {
      char code[32];
      char description[48];

      g_snprintf (code, sizeof code, "SUST-%07u", i);
      g_snprintf (description, sizeof description, "Sustained item %u", i);
      sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, description, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, ITEM_PRICE_CENTS);
      sqlite3_bind_int64 (stmt, 4, ITEM_REORDER_LEVEL);
      sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      sqlite3_reset (stmt);
    }
  ok = ok && sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
  end = g_get_monotonic_time ();

  if (!ok)
    {
      g_printerr ("bench-writer: raw inserts failed: %s\n", sqlite3_errmsg (db));
      exit (1);
    }
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);

  rows = count_rows (path);
  if (rows != n_ops)
    {
      g_printerr ("bench-writer: raw: %" G_GINT64_FORMAT " rows instead of %u\n", rows, n_ops);
      exit (1);
    }
  return n_ops / ((end - start) / (double) G_USEC_PER_SEC);
}

/* ---- main ---- */

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *sustained_path = NULL;
  g_autofree Submitter *submitters = NULL;
  g_autofree GThread **threads = NULL;
  BurstResult results[N_MODES];
  StkWriterFigures figures;
  StkWriter *writer;
  Gate gate;
  int clients = 500;
  int sustained_ops = 200000;
  int n_threads = 8;
  guint sustained_ok = 0;
  guint sustained_failed = 0;
  const char *sustained_error = NULL;
  gint64 release_us;
  gint64 last_us;
  gint64 sustained_rows;
  double ops_per_s;
  double raw_rows_per_s;
  double ratio;
  double vs_retry;
  gboolean broken = FALSE;
  const GOptionEntry entries[] = {
    { "clients", 0, 0, G_OPTION_ARG_INT, &clients,
      "Clients writing at the same instant (500)", "N" },
    { "sustained-ops", 0, 0, G_OPTION_ARG_INT, &sustained_ops,
      "Small ops in the sustained run (200000)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads,
      "Threads submitting in the sustained run (8)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &parent,
      "Folder for the temporary databases (the temporary folder)", "DIR" },
    { NULL }
  };

  context = g_option_context_new ("— the writer benchmark");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-writer: %s\n", error->message);
      return 2;
    }
  if (clients < 1 || sustained_ops < 1 || n_threads < 1)
    {
      g_printerr ("bench-writer: --clients, --sustained-ops and --threads must be positive.\n");
      return 2;
    }

  raise_fd_limit ();

  if (parent != NULL)
    {
      g_autofree char *tmpl = g_build_filename (parent, "stk-bench-XXXXXX", NULL);

      if (g_mkdtemp (tmpl) != NULL)
        dir = g_steal_pointer (&tmpl);
      else
        g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", parent,
                     g_strerror (errno));
    }
  else
    dir = g_dir_make_tmp ("stk-bench-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("bench-writer: cannot make a temporary folder: %s\n", error->message);
      return 1;
    }

  /* The burst, side by side. */
  for (guint m = 0; m < N_MODES; m++)
    results[m] = run_burst ((Mode) m, dir, (guint) clients);

  /* Sustained. */
  sustained_path = create_database (dir, "sustained");
  writer = stk_writer_new (sustained_path, &error);
  if (writer == NULL)
    {
      g_printerr ("bench-writer: cannot start the writer: %s\n", error->message);
      return 1;
    }
  gate_init (&gate, (guint) n_threads);
  submitters = g_new0 (Submitter, n_threads);
  threads = g_new0 (GThread *, n_threads);
  for (int t = 0; t < n_threads; t++)
    {
      guint share = (guint) sustained_ops / (guint) n_threads;
      guint extra = (guint) sustained_ops % (guint) n_threads;

      submitters[t].writer = writer;
      submitters[t].gate = &gate;
      submitters[t].first = (guint) t * share + MIN ((guint) t, extra);
      submitters[t].count = share + ((guint) t < extra ? 1 : 0);
      threads[t] = g_thread_new ("bench-submit", submitter_thread, &submitters[t]);
    }
  release_us = gate_open (&gate);
  last_us = release_us;
  for (int t = 0; t < n_threads; t++)
    {
      g_thread_join (threads[t]);
      last_us = MAX (last_us, submitters[t].finish_us);
      sustained_ok += submitters[t].ok;
      sustained_failed += submitters[t].failed;
      if (sustained_error == NULL)
        sustained_error = submitters[t].error;
    }
  stk_writer_get_figures (writer, &figures);
  if (!stk_writer_close (writer, 5000, &error))
    {
      g_printerr ("bench-writer: closing the writer: %s\n", error->message);
      g_clear_error (&error);
    }
  g_object_unref (writer);
  gate_clear (&gate);
  sustained_rows = count_rows (sustained_path);
  ops_per_s = sustained_ops / ((last_us - release_us) / (double) G_USEC_PER_SEC);

  raw_rows_per_s = run_raw (dir, (guint) sustained_ops);
  ratio = ops_per_s / raw_rows_per_s;

  g_print ("mode=sustained ops=%d ops_per_s=%.1f raw_rows_per_s=%.1f ratio=%.2f\n",
           sustained_ops, ops_per_s, raw_rows_per_s, ratio);
  g_print ("writer batches=%" G_GUINT64_FORMAT " max_batch=%" G_GUINT64_FORMAT
           " retries=%" G_GUINT64_FORMAT " committed=%" G_GUINT64_FORMAT "\n",
           figures.batches, figures.max_batch, figures.retries, figures.committed);

  vs_retry = results[MODE_RETRY].wall_ms / MAX (results[MODE_STOCKTAKE].wall_ms, 0.001);
  g_print ("targets: stocktake_vs_retry_wall=%.1f (goal >= 10) stocktake_p99_ms=%.1f "
           "(goal < 25) sustained_ratio=%.2f (goal >= 0.4)\n",
           vs_retry, results[MODE_STOCKTAKE].p99_ms, ratio);
  fflush (stdout);

  /* Invariants. */
  if (results[MODE_STOCKTAKE].failed != 0 || results[MODE_STOCKTAKE].rows != clients)
    {
      g_printerr ("bench-writer: FAILED: stocktake mode: %u of %d clients failed and %"
                  G_GINT64_FORMAT " rows were saved; expected none failed and %d rows.\n",
                  results[MODE_STOCKTAKE].failed, clients, results[MODE_STOCKTAKE].rows, clients);
      broken = TRUE;
    }
  if (sustained_ok != (guint) sustained_ops || sustained_rows != sustained_ops)
    {
      g_printerr ("bench-writer: FAILED: sustained: %u of %d ops succeeded (%u failed%s%s) and %"
                  G_GINT64_FORMAT " rows were saved; expected all of them.\n",
                  sustained_ok, sustained_ops, sustained_failed,
                  sustained_error != NULL ? ": " : "",
                  sustained_error != NULL ? sustained_error : "", sustained_rows);
      broken = TRUE;
    }

  for (int t = 0; t < n_threads; t++)
    g_free (submitters[t].error);
  remove_dir (dir);
  return broken ? 1 : 0;
}
