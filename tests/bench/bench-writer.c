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
 *   stocktake — one shared StkWriter, each client calls stk_writer_submit_sync();
 *   group     — the reference for stocktake, independent of the project's code: a plain
 *               group-commit writer written here (a queue and one thread that commits
 *               whatever is pending in one transaction into a plain table, each client
 *               waiting for its commit), on a file holding only that plain table.
 *
 * Client threads are created (and their connections opened) first and wait at a gate;
 * the clock starts when the gate opens. A client's latency ends when its write has
 * returned; it then waits for the others before exiting, so that thread teardown is
 * not timed. naive, retry and mutex run once; stocktake and group run --rounds times
 * (3), alternating, and their p99 is printed as median and range with the ratio taken
 * round by round.
 *
 * Then a sustained stream of small ops from a few threads through the async API,
 * alternating --rounds times with its reference: the same rows inserted in one
 * transaction on a plain connection into a plain table (id INTEGER PRIMARY KEY, code
 * TEXT UNIQUE COLLATE NOCASE, description TEXT, price INTEGER) — not the project's
 * schema, whose triggers and indexes are part of what is judged. Both files are in
 * write-ahead-log mode with synchronous=FULL.
 *
 * Output: one line per run, the summary lines (median, min–max, ratio), the writer's
 * figures and the goals.
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
  MODE_GROUP,
  N_MODES
} Mode;

static const char *const mode_names[N_MODES] = { "naive", "retry", "mutex", "stocktake",
                                                 "group" };

/* The reference's table: plain, no trigger, no other index. */
#define PLAIN_TABLE_SQL \
  "PRAGMA journal_mode=WAL;" \
  "CREATE TABLE plain_items (id INTEGER PRIMARY KEY, code TEXT UNIQUE COLLATE NOCASE," \
  " description TEXT, price INTEGER);"
#define PLAIN_INSERT_SQL "INSERT INTO plain_items (code, description, price) VALUES (?1, ?2, ?3)"

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
count_rows (const char *path,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
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

/* A fresh file holding only the plain table of the references. */
static char *
create_plain_database (const char *dir,
                       const char *name)
{
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  char *path = g_build_filename (dir, file, NULL);
  sqlite3 *db = NULL;

  if (sqlite3_open (path, &db) != SQLITE_OK ||
      sqlite3_exec (db, PLAIN_TABLE_SQL, NULL, NULL, NULL) != SQLITE_OK)
    {
      g_printerr ("bench-writer: cannot create %s: %s\n", path, sqlite3_errmsg (db));
      exit (1);
    }
  sqlite3_close (db);
  return path;
}

static void
remove_database (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
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

/* ---- the reference: a plain group-commit writer ---- */

typedef struct
{
  const char *code;
  GCond       cond;
  gboolean    done;
  gboolean    ok;
} GroupRequest;

typedef struct
{
  GMutex        lock;
  GCond         cond;      /* the writer waits for requests */
  GQueue        pending;   /* GroupRequest */
  gboolean      stop;
  sqlite3      *db;
  sqlite3_stmt *insert;
  GThread      *thread;
  guint64       batches;
  guint64       max_batch;
  char         *error;
} GroupWriter;

static gpointer
group_writer_thread (gpointer data)
{
  GroupWriter *w = data;

  g_mutex_lock (&w->lock);
  for (;;)
    {
      GQueue batch = G_QUEUE_INIT;
      gboolean ok;

      while (g_queue_is_empty (&w->pending) && !w->stop)
        g_cond_wait (&w->cond, &w->lock);
      if (g_queue_is_empty (&w->pending))
        break;
      batch = w->pending;
      g_queue_init (&w->pending);
      g_mutex_unlock (&w->lock);

      /* Whatever is pending, in one transaction. */
      ok = sqlite3_exec (w->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
      for (GList *l = batch.head; l != NULL; l = l->next)
        {
          GroupRequest *r = l->data;

          sqlite3_bind_text (w->insert, 1, r->code, -1, SQLITE_STATIC);
          sqlite3_bind_text (w->insert, 2, ITEM_DESCRIPTION, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (w->insert, 3, ITEM_PRICE_CENTS);
          r->ok = ok && sqlite3_step (w->insert) == SQLITE_DONE;
          sqlite3_reset (w->insert);
        }
      ok = ok && sqlite3_exec (w->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
      if (!ok && w->error == NULL)
        w->error = g_strdup (sqlite3_errmsg (w->db));
      if (!sqlite3_get_autocommit (w->db))
        sqlite3_exec (w->db, "ROLLBACK", NULL, NULL, NULL);

      g_mutex_lock (&w->lock);
      w->batches++;
      w->max_batch = MAX (w->max_batch, batch.length);
      for (GList *l = batch.head; l != NULL; l = l->next)
        {
          GroupRequest *r = l->data;

          r->ok = r->ok && ok;
          r->done = TRUE;
          g_cond_signal (&r->cond);
        }
      g_queue_clear (&batch);
    }
  g_mutex_unlock (&w->lock);
  return NULL;
}

static GroupWriter *
group_writer_new (const char *path)
{
  GroupWriter *w = g_new0 (GroupWriter, 1);
  char *error = NULL;

  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  g_queue_init (&w->pending);
  w->db = open_plain (path, CLIENT_BUSY_TIMEOUT_MS, &error);
  if (w->db == NULL || sqlite3_prepare_v2 (w->db, PLAIN_INSERT_SQL, -1, &w->insert,
                                           NULL) != SQLITE_OK)
    {
      g_printerr ("bench-writer: group: %s\n", error != NULL ? error : sqlite3_errmsg (w->db));
      exit (1);
    }
  w->thread = g_thread_new ("bench-group", group_writer_thread, w);
  return w;
}

/* Queues one insert and waits for its commit. */
static gboolean
group_writer_submit (GroupWriter *w,
                     const char  *code)
{
  GroupRequest r = { code };
  gboolean ok;

  g_cond_init (&r.cond);
  g_mutex_lock (&w->lock);
  g_queue_push_tail (&w->pending, &r);
  g_cond_signal (&w->cond);
  while (!r.done)
    g_cond_wait (&r.cond, &w->lock);
  ok = r.ok;
  g_mutex_unlock (&w->lock);
  g_cond_clear (&r.cond);
  return ok;
}

static void
group_writer_free (GroupWriter *w)
{
  g_mutex_lock (&w->lock);
  w->stop = TRUE;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
  g_thread_join (w->thread);
  sqlite3_finalize (w->insert);
  sqlite3_close_v2 (w->db);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
  g_free (w->error);
  g_free (w);
}

/* ---- the burst: N clients at once ---- */

typedef struct
{
  Mode               mode;
  const char        *path;
  StkWriter         *writer;     /* stocktake */
  GroupWriter       *group;      /* group */
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
  if (burst->mode != MODE_STOCKTAKE && burst->mode != MODE_GROUP)
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

        case MODE_GROUP:
          c->attempts = 1;
          c->ok = group_writer_submit (burst->group, code);
          if (!c->ok)
            c->error = g_strdup ("the group commit failed");
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
           guint       n_clients,
           guint       round)
{
  g_autofree char *name = g_strdup_printf ("%s-%u", mode_names[mode], round);
  g_autofree char *path = mode == MODE_GROUP ? create_plain_database (dir, name)
                                             : create_database (dir, name);
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
  if (mode == MODE_GROUP)
    burst.group = group_writer_new (path);

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
  if (burst.group != NULL)
    g_clear_pointer (&burst.group, group_writer_free);
  for (guint i = 0; i < n_clients; i++)
    {
      client_close (&clients[i]);
      g_free (clients[i].error);
    }

  qsort (latency, n_clients, sizeof latency[0], compare_gint64);
  r.rows = count_rows (path, mode == MODE_GROUP ? "plain_items" : "items");
  remove_database (path);
  r.wall_ms = (last_us - release_us) / 1000.0;
  r.p50_ms = percentile (latency, n_clients, 50) / 1000.0;
  r.p99_ms = percentile (latency, n_clients, 99) / 1000.0;

  g_print ("mode=%s round=%u clients=%u ok=%u failed=%u rows=%" G_GINT64_FORMAT
           " wall_ms=%.1f p50_ms=%.1f p99_ms=%.1f\n",
           mode_names[mode], round, n_clients, r.ok, r.failed, r.rows, r.wall_ms, r.p50_ms, r.p99_ms);
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

typedef struct
{
  double           ops_per_s;
  guint            ok;
  guint            failed;
  gint64           rows;
  char            *error;
  StkWriterFigures figures;
} SustainedResult;

/* n_ops small ops from n_threads threads through the async API, on a fresh inventory. */
static SustainedResult
run_sustained (const char *dir,
               guint       n_ops,
               guint       n_threads,
               guint       round)
{
  g_autofree char *name = g_strdup_printf ("sustained-%u", round);
  g_autofree char *path = create_database (dir, name);
  g_autofree Submitter *submitters = g_new0 (Submitter, n_threads);
  g_autofree GThread **threads = g_new0 (GThread *, n_threads);
  g_autoptr(GError) error = NULL;
  SustainedResult r = { 0 };
  StkWriter *writer;
  Gate gate;
  gint64 release_us;
  gint64 last_us;

  writer = stk_writer_new (path, &error);
  if (writer == NULL)
    {
      g_printerr ("bench-writer: cannot start the writer: %s\n", error->message);
      exit (1);
    }
  gate_init (&gate, n_threads);
  for (guint t = 0; t < n_threads; t++)
    {
      guint share = n_ops / n_threads;
      guint extra = n_ops % n_threads;

      submitters[t].writer = writer;
      submitters[t].gate = &gate;
      submitters[t].first = t * share + MIN (t, extra);
      submitters[t].count = share + (t < extra ? 1 : 0);
      threads[t] = g_thread_new ("bench-submit", submitter_thread, &submitters[t]);
    }
  release_us = gate_open (&gate);
  last_us = release_us;
  for (guint t = 0; t < n_threads; t++)
    {
      g_thread_join (threads[t]);
      last_us = MAX (last_us, submitters[t].finish_us);
      r.ok += submitters[t].ok;
      r.failed += submitters[t].failed;
      if (r.error == NULL)
        r.error = g_steal_pointer (&submitters[t].error);
      g_free (submitters[t].error);
    }
  stk_writer_get_figures (writer, &r.figures);
  if (!stk_writer_close (writer, 5000, &error))
    {
      g_printerr ("bench-writer: closing the writer: %s\n", error->message);
      g_clear_error (&error);
    }
  g_object_unref (writer);
  gate_clear (&gate);
  r.rows = count_rows (path, "items");
  remove_database (path);
  r.ops_per_s = n_ops / ((last_us - release_us) / (double) G_USEC_PER_SEC);
  g_print ("mode=sustained round=%u ops=%u ops_per_s=%.1f\n", round, n_ops, r.ops_per_s);
  fflush (stdout);
  return r;
}

/* The reference: the same rows inserted in one transaction into the plain table. */
static double
run_plain (const char *dir,
           guint       n_ops,
           guint       round)
{
  g_autofree char *name = g_strdup_printf ("plain-%u", round);
  g_autofree char *path = create_plain_database (dir, name);
  char *error = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  gint64 start;
  gint64 end;
  gint64 rows;
  double rows_per_s;
  gboolean ok;

  db = open_plain (path, CLIENT_BUSY_TIMEOUT_MS, &error);
  if (db == NULL)
    {
      g_printerr ("bench-writer: plain: %s\n", error);
      exit (1);
    }

  start = g_get_monotonic_time ();
  ok = sqlite3_prepare_v2 (db, PLAIN_INSERT_SQL, -1, &stmt, NULL) == SQLITE_OK &&
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
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      sqlite3_reset (stmt);
    }
  ok = ok && sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
  end = g_get_monotonic_time ();

  if (!ok)
    {
      g_printerr ("bench-writer: plain inserts failed: %s\n", sqlite3_errmsg (db));
      exit (1);
    }
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);

  rows = count_rows (path, "plain_items");
  remove_database (path);
  if (rows != n_ops)
    {
      g_printerr ("bench-writer: plain: %" G_GINT64_FORMAT " rows instead of %u\n", rows, n_ops);
      exit (1);
    }
  rows_per_s = n_ops / ((end - start) / (double) G_USEC_PER_SEC);
  g_print ("mode=plain round=%u rows=%u rows_per_s=%.1f\n", round, n_ops, rows_per_s);
  fflush (stdout);
  return rows_per_s;
}

/* ---- summaries ---- */

typedef struct
{
  double median;
  double min;
  double max;
} Spread;

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static Spread
spread_of (const double *values,
           guint         n)
{
  g_autofree double *v = g_memdup2 (values, n * sizeof *values);
  Spread s;

  qsort (v, n, sizeof *v, compare_double);
  s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  s.min = v[0];
  s.max = v[n - 1];
  return s;
}

/* ---- main ---- */

/* The machine's load average (1, 5, 15 minutes), printed with the figures: the machine
 * may be shared. */
static void
print_load (const char *when)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return;
  fields = g_strsplit (text, " ", 4);
  if (g_strv_length (fields) >= 3)
    printf ("load average %s: %s %s %s\n", when, fields[0], fields[1], fields[2]);
  fflush (stdout);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *parent = NULL;
  g_autofree double *p99_stk = NULL;
  g_autofree double *p99_group = NULL;
  g_autofree double *p99_ratio = NULL;
  g_autofree double *wall_stk = NULL;
  g_autofree double *ops_stk = NULL;
  g_autofree double *rows_plain = NULL;
  g_autofree double *ops_ratio = NULL;
  BurstResult results[N_MODES] = { 0 };
  StkWriterFigures figures = { 0 };
  Spread s_stk, s_group, s_ratio, s_ops, s_plain, s_ops_ratio, s_wall;
  int clients = 500;
  int sustained_ops = 200000;
  int n_threads = 8;
  int rounds = 3;
  guint stocktake_broken = 0;
  guint sustained_broken = 0;
  gboolean broken = FALSE;
  double vs_retry;
  const GOptionEntry entries[] = {
    { "clients", 0, 0, G_OPTION_ARG_INT, &clients,
      "Clients writing at the same instant (500)", "N" },
    { "sustained-ops", 0, 0, G_OPTION_ARG_INT, &sustained_ops,
      "Small ops in the sustained run (200000)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads,
      "Threads submitting in the sustained run (8)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds,
      "Alternating runs of stocktake and its reference, burst and sustained (3)", "N" },
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
  if (clients < 1 || sustained_ops < 1 || n_threads < 1 || rounds < 1)
    {
      g_printerr ("bench-writer: --clients, --sustained-ops, --threads and --rounds must be "
                  "positive.\n");
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

  print_load ("at start");

  /* The burst: the three ways of the earlier system once each, then stocktake and the
   * plain group-commit writer, alternating. */
  for (guint m = MODE_NAIVE; m < MODE_STOCKTAKE; m++)
    results[m] = run_burst ((Mode) m, dir, (guint) clients, 1);
  p99_stk = g_new0 (double, rounds);
  p99_group = g_new0 (double, rounds);
  p99_ratio = g_new0 (double, rounds);
  wall_stk = g_new0 (double, rounds);
  for (int r = 0; r < rounds; r++)
    {
      BurstResult stk = run_burst (MODE_STOCKTAKE, dir, (guint) clients, (guint) r + 1);
      BurstResult group = run_burst (MODE_GROUP, dir, (guint) clients, (guint) r + 1);

      if (stk.failed != 0 || stk.rows != clients)
        stocktake_broken++;
      if (group.failed != 0 || group.rows != clients)
        g_printerr ("bench-writer: the group-commit reference lost writes (%u failed, %"
                    G_GINT64_FORMAT " rows)\n", group.failed, group.rows);
      p99_stk[r] = stk.p99_ms;
      p99_group[r] = group.p99_ms;
      p99_ratio[r] = stk.p99_ms / MAX (group.p99_ms, 0.001);
      wall_stk[r] = stk.wall_ms;
      results[MODE_STOCKTAKE] = stk;
      results[MODE_GROUP] = group;
    }

  /* Sustained, alternating with the plain-table inserts. */
  ops_stk = g_new0 (double, rounds);
  rows_plain = g_new0 (double, rounds);
  ops_ratio = g_new0 (double, rounds);
  for (int r = 0; r < rounds; r++)
    {
      SustainedResult sus = run_sustained (dir, (guint) sustained_ops, (guint) n_threads,
                                           (guint) r + 1);

      rows_plain[r] = run_plain (dir, (guint) sustained_ops, (guint) r + 1);
      ops_stk[r] = sus.ops_per_s;
      ops_ratio[r] = sus.ops_per_s / rows_plain[r];
      figures = sus.figures;
      if (sus.ok != (guint) sustained_ops || sus.rows != sustained_ops)
        {
          g_printerr ("bench-writer: FAILED: sustained: %u of %d ops succeeded (%u failed%s%s)"
                      " and %" G_GINT64_FORMAT " rows were saved; expected all of them.\n",
                      sus.ok, sustained_ops, sus.failed, sus.error != NULL ? ": " : "",
                      sus.error != NULL ? sus.error : "", sus.rows);
          sustained_broken++;
        }
      g_free (sus.error);
    }

  s_stk = spread_of (p99_stk, rounds);
  s_group = spread_of (p99_group, rounds);
  s_ratio = spread_of (p99_ratio, rounds);
  s_wall = spread_of (wall_stk, rounds);
  s_ops = spread_of (ops_stk, rounds);
  s_plain = spread_of (rows_plain, rounds);
  s_ops_ratio = spread_of (ops_ratio, rounds);

  g_print ("\nsummary over %d alternating rounds: median (min-max)\n", rounds);
  g_print ("burst p99_ms: stocktake %.1f (%.1f-%.1f)  group-commit reference %.1f (%.1f-%.1f)"
           "  ratio %.2f (%.2f-%.2f)\n",
           s_stk.median, s_stk.min, s_stk.max, s_group.median, s_group.min, s_group.max,
           s_ratio.median, s_ratio.min, s_ratio.max);
  g_print ("sustained: stocktake ops_per_s %.0f (%.0f-%.0f)  plain-table rows_per_s %.0f "
           "(%.0f-%.0f)  ratio %.3f (%.3f-%.3f)\n",
           s_ops.median, s_ops.min, s_ops.max, s_plain.median, s_plain.min, s_plain.max,
           s_ops_ratio.median, s_ops_ratio.min, s_ops_ratio.max);
  g_print ("writer (last sustained round) batches=%" G_GUINT64_FORMAT " max_batch=%"
           G_GUINT64_FORMAT " retries=%" G_GUINT64_FORMAT " committed=%" G_GUINT64_FORMAT "\n",
           figures.batches, figures.max_batch, figures.retries, figures.committed);

  vs_retry = results[MODE_RETRY].wall_ms / MAX (s_wall.median, 0.001);
  g_print ("goals: stocktake_vs_retry_wall=%.1f (goal >= 10) p99_ratio=%.2f (goal <= 1.2)"
           " sustained_ratio=%.3f (goal >= 0.25)\n",
           vs_retry, s_ratio.median, s_ops_ratio.median);
  print_load ("at end");

  /* Invariants. */
  if (stocktake_broken > 0)
    {
      g_printerr ("bench-writer: FAILED: stocktake mode lost or failed writes in %u of %d "
                  "rounds; expected none failed and %d rows each.\n",
                  stocktake_broken, rounds, clients);
      broken = TRUE;
    }
  if (sustained_broken > 0)
    broken = TRUE;

  remove_dir (dir);
  return broken ? 1 : 0;
}
