/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-db.h"
#include "stk-sqlite-private.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-code.h"
#include "stk-cost.h"
#include "stk-error.h"
#include "stk-identity.h"
#include "stk-schema.h"
#include "stk-seams.h"

#define SQLITE_HEADER_SIZE 100

static gint open_count;

/* The files this process has open through stk_db_open(), by device and inode: the
 * kernel drops ALL of a process's fcntl locks on a file as soon as it closes ANY
 * descriptor of that file, so stk_db_check_file() must not open and close a file
 * SQLite holds here. Without its shared lock, another process closing its last
 * connection would take the file for itself and delete the write-ahead log our
 * connection still writes to: commits nobody else sees, and worse. */
typedef struct
{
  dev_t dev;
  ino_t ino;
  guint count;   /* connections */
} OpenFile;

static GMutex open_files_lock;
static GHashTable *open_files;   /* OpenFile* (as key) → itself, owned */
static GHashTable *db_files;     /* sqlite3* → OpenFile* */

static guint
open_file_hash (gconstpointer key)
{
  const OpenFile *f = key;
  gint64 ino = (gint64) f->ino;

  return g_int64_hash (&ino) ^ (guint) f->dev;
}

static gboolean
open_file_equal (gconstpointer a,
                 gconstpointer b)
{
  const OpenFile *fa = a, *fb = b;

  return fa->dev == fb->dev && fa->ino == fb->ino;
}

static void
note_file_open (sqlite3    *db,
                const char *path)
{
  struct stat st;
  OpenFile key = { 0 };
  OpenFile *file;

  if (g_stat (path, &st) != 0)
    return;
  key.dev = st.st_dev;
  key.ino = st.st_ino;

  g_mutex_lock (&open_files_lock);
  if (open_files == NULL)
    {
      open_files = g_hash_table_new_full (open_file_hash, open_file_equal, NULL, g_free);
      db_files = g_hash_table_new (NULL, NULL);
    }
  if ((file = g_hash_table_lookup (open_files, &key)) == NULL)
    {
      file = g_memdup2 (&key, sizeof key);
      g_hash_table_add (open_files, file);
    }
  file->count++;
  g_hash_table_insert (db_files, db, file);
  g_mutex_unlock (&open_files_lock);
}

/* After sqlite3_close_v2(): SQLite holds no lock of this connection any more. */
static void
note_file_closed (sqlite3 *db)
{
  OpenFile *file;

  g_mutex_lock (&open_files_lock);
  if (db_files != NULL && (file = g_hash_table_lookup (db_files, db)) != NULL)
    {
      g_hash_table_remove (db_files, db);
      if (--file->count == 0)
        g_hash_table_remove (open_files, file);
    }
  g_mutex_unlock (&open_files_lock);
}

static gboolean
file_is_open_here (const struct stat *st)
{
  OpenFile key = { st->st_dev, st->st_ino, 0 };
  gboolean open;

  g_mutex_lock (&open_files_lock);
  open = open_files != NULL && g_hash_table_contains (open_files, &key);
  g_mutex_unlock (&open_files_lock);
  return open;
}

/* Per-connection statement caches: sqlite3* → (static sql string → sqlite3_stmt*). */
static GMutex stmt_cache_lock;
static GHashTable *stmt_caches;
static gint stmt_cache_generation;

typedef struct
{
  sqlite3    *db;
  GHashTable *cache;
  gint        generation;
} LastCache;

static GPrivate last_cache = G_PRIVATE_INIT (g_free);

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

sqlite3_stmt *
stk_db_stmt (sqlite3     *db,
             const char  *sql,
             GError     **error)
{
  GHashTable *cache;
  sqlite3_stmt *stmt;

  LastCache *last = g_private_get (&last_cache);
  gint generation = g_atomic_int_get (&stmt_cache_generation);

  /* Fast path: this thread asked for this connection's cache last time, and no
   * connection has been closed since (a closed connection's address may come back).
   * A connection is used by one thread at a time, so its own cache needs no lock;
   * the lock guards the table of caches, which every thread may change. */
  if (last != NULL && last->db == db && last->generation == generation)
    cache = last->cache;
  else
    {
      g_mutex_lock (&stmt_cache_lock);
      if (stmt_caches == NULL)
        stmt_caches = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);
      cache = g_hash_table_lookup (stmt_caches, db);
      if (cache == NULL)
        {
          cache = g_hash_table_new_full (NULL, NULL, NULL, finalize_stmt);
          g_hash_table_insert (stmt_caches, db, cache);
        }
      g_mutex_unlock (&stmt_cache_lock);
      if (last == NULL)
        {
          last = g_new0 (LastCache, 1);
          g_private_set (&last_cache, last);
        }
      last->db = db;
      last->cache = cache;
      last->generation = generation;
    }
  stmt = g_hash_table_lookup (cache, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Database error"));
      sqlite3_finalize (stmt);
      return NULL;
    }

  g_hash_table_insert (cache, (gpointer) sql, stmt);
  return stmt;
}

static void
drop_stmt_cache (sqlite3 *db)
{
  g_mutex_lock (&stmt_cache_lock);
  g_atomic_int_inc (&stmt_cache_generation);
  if (stmt_caches != NULL)
    g_hash_table_remove (stmt_caches, db);
  g_mutex_unlock (&stmt_cache_lock);
}

/* ---- checked money arithmetic ----
 *
 * SQLite turns an integer product that overflows into an inexact floating-point
 * number, and reading that back as an integer saturates at 9223372036854775807:
 * a stock value or revenue that is silently wrong. Every money figure is computed
 * with stk_mul() and stk_sum() instead, which fail with one sentence rather than
 * give a figure that is not exact. */

#define STK_AMOUNT_TOO_LARGE \
  N_("the amount is over 92,233,720,368,547,758.07 and cannot be computed exactly")

static void
sql_checked_mul (sqlite3_context *ctx,
                 int              argc,
                 sqlite3_value  **argv)
{
  gint64 a, b, r;

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL || sqlite3_value_type (argv[1]) == SQLITE_NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }
  a = sqlite3_value_int64 (argv[0]);
  b = sqlite3_value_int64 (argv[1]);
  if (__builtin_mul_overflow (a, b, &r))
    {
      sqlite3_result_error (ctx, _(STK_AMOUNT_TOO_LARGE), -1);
      return;
    }
  sqlite3_result_int64 (ctx, r);
}

typedef struct
{
  gint64   sum;
  gboolean overflow;
} CheckedSum;

static void
sql_checked_sum_step (sqlite3_context *ctx,
                      int              argc,
                      sqlite3_value  **argv)
{
  CheckedSum *acc = sqlite3_aggregate_context (ctx, sizeof (CheckedSum));

  if (acc == NULL)
    {
      sqlite3_result_error_nomem (ctx);
      return;
    }
  if (sqlite3_value_type (argv[0]) == SQLITE_NULL || acc->overflow)
    return;
  if (sqlite3_value_type (argv[0]) != SQLITE_INTEGER ||
      __builtin_add_overflow (acc->sum, sqlite3_value_int64 (argv[0]), &acc->sum))
    acc->overflow = TRUE;
}

static void
sql_checked_sum_final (sqlite3_context *ctx)
{
  CheckedSum *acc = sqlite3_aggregate_context (ctx, 0);

  if (acc != NULL && acc->overflow)
    sqlite3_result_error (ctx, _(STK_AMOUNT_TOO_LARGE), -1);
  else
    sqlite3_result_int64 (ctx, acc != NULL ? acc->sum : 0);
}

/* stk_cost_average (on_hand, average, quantity, unit_cost): the average cost after a
 * receipt (stk-cost.h), the trigger movements_cost's arithmetic; an overflow is an error. */
static void
sql_cost_average (sqlite3_context *ctx,
                  int              argc,
                  sqlite3_value  **argv)
{
  g_autoptr(GError) error = NULL;
  gint64 on_hand, average, quantity, cost, result = 0;

  for (int i = 0; i < argc; i++)
    if (sqlite3_value_type (argv[i]) != SQLITE_INTEGER)
      {
        sqlite3_result_error (ctx, "stk_cost_average takes four integers", -1);
        return;
      }
  on_hand = sqlite3_value_int64 (argv[0]);
  average = sqlite3_value_int64 (argv[1]);
  quantity = sqlite3_value_int64 (argv[2]);
  cost = sqlite3_value_int64 (argv[3]);
  if (quantity <= 0 || average < 0 || cost < 0)
    {
      sqlite3_result_error (ctx, "stk_cost_average: a receipt of stock at a cost of zero or more", -1);
      return;
    }
  if (!stk_cost_average (on_hand, average, quantity, cost, &result, &error))
    {
      sqlite3_result_error (ctx, error->message, -1);
      return;
    }
  sqlite3_result_int64 (ctx, result);
}

void
stk_db_register_functions (sqlite3 *db)
{
  g_return_if_fail (db != NULL);

  sqlite3_create_function_v2 (db, "stk_mul", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                              sql_checked_mul, NULL, NULL, NULL);
  sqlite3_create_function_v2 (db, "stk_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                              NULL, sql_checked_sum_step, sql_checked_sum_final, NULL);
  sqlite3_create_function_v2 (db, "stk_cost_average", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                              NULL, sql_cost_average, NULL, NULL, NULL);
}

gboolean
stk_db_checked_add (gint64   a,
                    gint64   b,
                    gint64  *out_sum,
                    GError **error)
{
  gint64 sum;

  /* A refused sum leaves *out_sum as it was, not wrapped round. */
  if (__builtin_add_overflow (a, b, &sum))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, "%s", _(STK_AMOUNT_TOO_LARGE));
      return FALSE;
    }
  *out_sum = sum;
  return TRUE;
}

gint64
stk_db_data_version (sqlite3 *db)
{
  gint64 v = -1;

  if (!stk_db_query_int64 (db, "PRAGMA data_version", &v, NULL))
    return -1;
  return v;
}

gint64
stk_db_now_us (void)
{
  return g_get_real_time ();
}

char *
stk_db_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "stocktake", "inventory.db", NULL);
}

guint
stk_db_get_open_count (void)
{
  return (guint) g_atomic_int_get (&open_count);
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
file_nonempty (const char *path)
{
  struct stat st;

  return g_stat (path, &st) == 0 && st.st_size > 0;
}

/* Does the database hold any schema at all? Asked with immutable=1, which never
 * takes a lock and never creates a -wal or -shm file. */
static gboolean
schema_is_empty_immutable (const char  *path,
                           gboolean    *out_empty,
                           GError     **error)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  g_autofree char *uri = g_strdup_printf ("file:%s?immutable=1", escaped);
  sqlite3 *db = NULL;
  gint64 n = 0;
  int rc;

  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "SELECT 1", NULL, NULL, NULL);
  if (rc == SQLITE_OK && !stk_db_query_int64 (db, "SELECT count(*) FROM sqlite_schema", &n, NULL))
    rc = sqlite3_errcode (db);
  if (rc != SQLITE_OK)
    {
      int code = stk_db_error_code_for_rc (rc);
      if (code == STK_ERROR_NOT_INVENTORY || code == STK_ERROR_CORRUPT || code == STK_ERROR_FAILED)
        g_set_error (error, STK_ERROR, STK_ERROR_CORRUPT,
                     _("“%s” is damaged and cannot be read as an inventory."), path);
      else
        stk_db_set_error (error, db, rc, path);
      sqlite3_close_v2 (db);
      return FALSE;
    }
  sqlite3_close_v2 (db);
  *out_empty = (n == 0);
  return TRUE;
}

/* The write-ahead log's checksum (SQLite's walChecksumBytes): 32-bit words in the
 * byte order the log's magic number names, two running sums. */
static void
wal_checksum (gboolean      big_endian,
              const guint8 *data,
              gsize         len,
              guint32      *s0,
              guint32      *s1)
{
  for (gsize i = 0; i + 8 <= len; i += 8)
    {
      guint32 x0, x1;

      if (big_endian)
        {
          x0 = read_be32 (data + i);
          x1 = read_be32 (data + i + 4);
        }
      else
        {
          x0 = GUINT32_FROM_LE (*(const guint32 *) (gconstpointer) (data + i));
          x1 = GUINT32_FROM_LE (*(const guint32 *) (gconstpointer) (data + i + 4));
        }
      *s0 += x0 + *s1;
      *s1 += x1 + *s0;
    }
}

/*
 * After a kill -9 in the middle of a checkpoint (or of the automatic checkpoint of a
 * big import) the inventory file can be shorter than its header says: the pages still
 * missing are in the write-ahead log, which SQLite replays on the next open. TRUE when
 * the log's committed frames (valid salts and checksums, up to the last commit) hold
 * every page of the committed database beyond the file's @file_pages.
 */
static gboolean
wal_covers_missing_pages (const char *wal_path,
                          guint32     page_size,
                          guint64     file_pages)
{
  g_autofree guint8 *frame = NULL;
  g_autoptr(GHashTable) pages = NULL;
  g_autoptr(GHashTable) committed = NULL;
  guint8 hdr[32];
  guint32 s0 = 0, s1 = 0, salt1, salt2, magic;
  guint64 db_pages = 0;
  gboolean big_endian;
  gsize frame_size;
  int fd;

  fd = g_open (wal_path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  if (read (fd, hdr, sizeof hdr) != (ssize_t) sizeof hdr)
    goto no;
  magic = read_be32 (hdr);
  if ((magic & 0xfffffffe) != 0x377f0682 || read_be32 (hdr + 8) != page_size)
    goto no;
  big_endian = (magic & 1) != 0;
  wal_checksum (big_endian, hdr, 24, &s0, &s1);
  if (s0 != read_be32 (hdr + 24) || s1 != read_be32 (hdr + 28))
    goto no;
  salt1 = read_be32 (hdr + 16);
  salt2 = read_be32 (hdr + 20);

  frame_size = 24 + (gsize) page_size;
  frame = g_malloc (frame_size);
  pages = g_hash_table_new (NULL, NULL);
  committed = g_hash_table_new (NULL, NULL);
  while (read (fd, frame, frame_size) == (ssize_t) frame_size)
    {
      guint32 pgno = read_be32 (frame);
      guint32 commit = read_be32 (frame + 4);

      if (pgno == 0 || read_be32 (frame + 8) != salt1 || read_be32 (frame + 12) != salt2)
        break;
      wal_checksum (big_endian, frame, 8, &s0, &s1);
      wal_checksum (big_endian, frame + 24, page_size, &s0, &s1);
      if (s0 != read_be32 (frame + 16) || s1 != read_be32 (frame + 20))
        break;
      g_hash_table_add (pages, GUINT_TO_POINTER (pgno));
      if (commit != 0)
        {
          /* Everything up to here is committed. */
          GHashTableIter iter;
          gpointer key;

          g_hash_table_iter_init (&iter, pages);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            g_hash_table_add (committed, key);
          db_pages = commit;
        }
    }
  close (fd);

  if (db_pages == 0)
    return FALSE;
  for (guint64 p = file_pages + 1; p <= db_pages; p++)
    if (!g_hash_table_contains (committed, GUINT_TO_POINTER ((guint) p)))
      return FALSE;
  return TRUE;

no:
  close (fd);
  return FALSE;
}

/* When unsure: does SQLite itself, reading the write-ahead log, find the file sound? */
static gboolean
sqlite_reads_it_sound (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0 &&
         sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
  return ok;
}

/* A main file shorter than its pages: damage, unless the write-ahead log holds the rest. */
static gboolean
short_file_is_recoverable (const char *path,
                           const char *wal_path,
                           guint32     page_size,
                           goffset     size)
{
  if (!file_nonempty (wal_path))
    return FALSE;
  if (size % page_size == 0 &&
      wal_covers_missing_pages (wal_path, page_size, (guint64) size / page_size))
    return TRUE;
  return sqlite_reads_it_sound (path);
}

/*
 * Looks at a database file without letting SQLite touch it, so that a file that is
 * not ours — not SQLite, another program's database, a newer Stocktake's, or a
 * truncated copy — is rejected byte-for-byte unchanged, with no -wal/-shm created.
 */
gboolean
stk_db_check_file (const char  *given_path,
                   gboolean    *out_exists,
                   GError     **error)
{
  guint8 header[SQLITE_HEADER_SIZE];
  g_autofree char *path = NULL;
  g_autofree char *wal_path = NULL;
  struct stat st;
  guint32 page_size;
  guint32 app_id;
  guint32 version;
  ssize_t n;
  int fd;

  g_return_val_if_fail (given_path != NULL, FALSE);

  *out_exists = FALSE;

  /* The real file, before its -wal is named (a symbolic link's own name has none). */
  if (!(path = stk_identity_resolve (given_path, STK_IDENTITY_ANY_LINKS, error)))
    return FALSE;

  /* stk_identity_resolve() has just looked at it: this fails only when the file or a
   * folder above it changed since, and then with the same sentence. */
  if (g_stat (path, &st) != 0)
    {
      int errsv = errno;
      if (errsv == ENOENT)
        return TRUE;
      stk_identity_set_stat_error (error, errsv, path);
      return FALSE;
    }
  *out_exists = TRUE;

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_INVENTORY,
                   _("“%s” is not a file, so it cannot be an inventory."), path);
      return FALSE;
    }

  wal_path = g_strconcat (path, "-wal", NULL);

  if (st.st_size == 0)
    return TRUE; /* a new, empty inventory (or one whose first commit is in its WAL) */

  /* Checked when it was first opened, and open now: reading it here would drop the
   * open connections' locks (see open_files). */
  if (file_is_open_here (&st))
    return TRUE;

  fd = stk_seams.open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;
      stk_error_set_errno (error, errsv, _("Cannot read “%s”: %s."), path, g_strerror (errsv));
      return FALSE;
    }
  n = stk_seams.read (fd, header, sizeof header);
  if (n < 0)
    {
      int errsv = errno;
      close (fd);
      stk_error_set_errno (error, errsv, _("Cannot read “%s”: %s."), path, g_strerror (errsv));
      return FALSE;
    }
  close (fd);

  if (n < 16 || memcmp (header, "SQLite format 3", 16) != 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_INVENTORY,
                   _("“%s” is not a Stocktake inventory (it is not an SQLite database)."), path);
      return FALSE;
    }

  page_size = ((guint32) header[16] << 8) | header[17];
  if (page_size == 1)
    page_size = 65536;
  if (n < SQLITE_HEADER_SIZE || page_size < 512 || (page_size & (page_size - 1)) != 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CORRUPT,
                   _("“%s” is damaged or truncated: its size does not match its pages."), path);
      return FALSE;
    }
  if ((st.st_size < (goffset) page_size || st.st_size % page_size != 0) &&
      !short_file_is_recoverable (path, wal_path, page_size, st.st_size))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CORRUPT,
                   _("“%s” is damaged or truncated: its size does not match its pages."), path);
      return FALSE;
    }

  /* The in-header page count is valid when "version-valid-for" equals the change counter. */
  if (read_be32 (header + 92) == read_be32 (header + 24) &&
      (guint64) st.st_size < (guint64) read_be32 (header + 28) * page_size &&
      !short_file_is_recoverable (path, wal_path, page_size, st.st_size))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CORRUPT,
                   _("“%s” is truncated: it should hold %u pages but holds %u."), path,
                   read_be32 (header + 28), (guint) (st.st_size / page_size));
      return FALSE;
    }

  version = read_be32 (header + 60);
  app_id = read_be32 (header + 68);

  if (app_id != 0 && app_id != STK_SCHEMA_APPLICATION_ID)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_INVENTORY,
                   _("“%s” is an SQLite database of another program, not a Stocktake inventory."),
                   path);
      return FALSE;
    }

  if (app_id == STK_SCHEMA_APPLICATION_ID && version > STK_SCHEMA_VERSION)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_TOO_NEW,
                   _("“%s” was written by a newer version of Stocktake (format %u; this version "
                     "reads up to %u). Update Stocktake to open it."),
                   path, version, (guint) STK_SCHEMA_VERSION);
      return FALSE;
    }

  if (app_id == 0 && !file_nonempty (wal_path))
    {
      gboolean empty = FALSE;

      if (!schema_is_empty_immutable (path, &empty, error))
        return FALSE;
      if (!empty)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_NOT_INVENTORY,
                       _("“%s” is an SQLite database of another program, not a Stocktake "
                         "inventory."),
                       path);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_identity (sqlite3     *db,
                const char  *path,
                gboolean    *out_blank,
                GError     **error)
{
  gint64 app_id = 0;
  gint64 version = 0;
  gint64 n_schema = 0;

  if (!stk_db_query_int64 (db, "PRAGMA application_id", &app_id, error) ||
      !stk_db_query_int64 (db, "PRAGMA user_version", &version, error) ||
      !stk_db_query_int64 (db, "SELECT count(*) FROM sqlite_schema", &n_schema, error))
    return FALSE;

  *out_blank = (app_id == 0 && version == 0 && n_schema == 0);
  if (*out_blank)
    return TRUE;

  if ((guint32) app_id != STK_SCHEMA_APPLICATION_ID)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_INVENTORY,
                   _("“%s” is an SQLite database of another program, not a Stocktake inventory."),
                   path);
      return FALSE;
    }
  if (version > STK_SCHEMA_VERSION)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_TOO_NEW,
                   _("“%s” was written by a newer version of Stocktake (format %d; this version "
                     "reads up to %d). Update Stocktake to open it."),
                   path, (int) version, STK_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

static gboolean
create_empty_file (const char  *path,
                   GError     **error)
{
  int fd = stk_seams.open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int errsv = errno;
      g_autofree char *dir = g_path_get_dirname (path);
      StkError code = stk_error_code_from_errno (errsv);

      if (errsv == EEXIST)
        return TRUE;
      if (code == STK_ERROR_NOT_FOUND)
        g_set_error (error, STK_ERROR, code,
                     _("Cannot create the inventory: the folder “%s” does not exist."), dir);
      else if (code == STK_ERROR_READ_ONLY)
        g_set_error (error, STK_ERROR, code,
                     _("Cannot create the inventory: the folder “%s” is read-only."), dir);
      else if (code == STK_ERROR_NO_SPACE)
        g_set_error (error, STK_ERROR, code,
                     _("Cannot create the inventory in “%s”: the disk is full."), dir);
      else
        g_set_error (error, STK_ERROR, code,
                     _("Cannot create the inventory “%s”: %s."), path, g_strerror (errsv));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
apply_pragmas (sqlite3     *db,
               StkDbMode    mode,
               const char  *path,
               GError     **error)
{
  sqlite3_busy_timeout (db, mode == STK_DB_READ_WRITE ? STK_DB_WRITER_BUSY_TIMEOUT_MS
                                                     : STK_DB_READER_BUSY_TIMEOUT_MS);

  if (mode == STK_DB_READ_WRITE)
    {
      sqlite3_stmt *stmt = NULL;
      gboolean wal = FALSE;
      int rc;

      rc = sqlite3_prepare_v2 (db, "PRAGMA journal_mode=WAL", -1, &stmt, NULL);
      if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
          rc = SQLITE_OK;
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_OK)
        {
          stk_db_set_error (error, db, sqlite3_extended_errcode (db), path);
          return FALSE;
        }
      if (!wal)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_READ_ONLY,
                       _("Cannot open “%s” for writing: its write-ahead log cannot be created "
                         "(is the folder read-only?)."),
                       path);
          return FALSE;
        }
    }

  /* cache_size, measured on importing 1M sales into a 1M-item inventory (issue 15; the
   * machine shared, load 6-10): 16 MiB 166 s wall, 39.3 s user, 8.2 s sys, 311 MB peak;
   * 64 MiB 84 s, 36.2 s, 6.2 s, 406 MB; 256 MiB 59 s, 33.2 s, 2.3 s, 552 MB. 64 MiB
   * takes most of the gain; the pages are only taken when a change needs them. Read
   * connections (a pool of them) keep 16 MiB each. */
  if (!stk_db_exec (db,
                    mode == STK_DB_READ_WRITE ? "PRAGMA cache_size=-65536"
                                              : "PRAGMA cache_size=-16384",
                    error))
    return FALSE;
  return stk_db_exec (db,
                      "PRAGMA foreign_keys=ON;"
                      "PRAGMA synchronous=FULL;"
                      "PRAGMA temp_store=MEMORY;"
                      "PRAGMA journal_size_limit=67108864;",
                      error);
}

/* Private read copies (see readable_uri): sqlite3* → its temporary folder. */
static GHashTable *private_dirs;

static void
remove_private_dir (const char *dir)
{
  static const char *const names[] = { "inventory.db", "inventory.db-wal", "inventory.db-shm",
                                       "inventory.db-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *file = g_build_filename (dir, names[i], NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
}

static gboolean
copy_file (const char  *from,
           const char  *to,
           GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  return g_file_get_contents (from, &contents, &len, error) &&
         g_file_set_contents_full (to, contents, len, G_FILE_SET_CONTENTS_NONE, 0600, error);
}

/* SQLite's URI for a file name (absolute or not), with @query. */
static char *
file_uri (const char *path,
          const char *query)
{
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *escaped = g_uri_escape_string (abs, "/", FALSE);

  return g_strdup_printf ("file:%s?%s", escaped, query);
}

/*
 * How a reader opens @path when SQLite could not create its -shm file there (a
 * read-only folder or mount): *out_uri NULL when the folder is writable or the -shm
 * exists (the ordinary open works). Without a write-ahead log, immutable=1: nothing
 * can be writing there (no writer can create its log), and SQLite then needs no lock
 * and no -shm. With a log but no -shm (SQLite 3.40 cannot read that, even with
 * mode=ro), the reader works on a private copy of both files in a temporary folder.
 */
static gboolean
readable_uri (const char  *path,
              const char  *dir,
              char       **out_uri,
              char       **out_private_dir,
              GError     **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *tmpdir = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *copy_wal = NULL;

  *out_uri = NULL;
  *out_private_dir = NULL;
  if (access (dir, W_OK) == 0 || g_file_test (shm, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!file_nonempty (wal))
    {
      *out_uri = file_uri (path, "mode=ro&immutable=1");
      return TRUE;
    }

  tmpdir = g_dir_make_tmp ("stocktake-ro-XXXXXX", error);
  if (tmpdir == NULL)
    return FALSE;
  copy = g_build_filename (tmpdir, "inventory.db", NULL);
  copy_wal = g_strconcat (copy, "-wal", NULL);
  if (copy_file (path, copy, error) && copy_file (wal, copy_wal, error))
    {
      *out_uri = file_uri (copy, "mode=ro");
      *out_private_dir = g_steal_pointer (&tmpdir);
      return TRUE;
    }
  remove_private_dir (tmpdir);
  return FALSE;
}

static gsize sqlite_configured;

sqlite3 *
stk_db_open (const char  *given_path,
             StkDbMode    mode,
             GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  sqlite3 *db = NULL;
  gboolean exists = FALSE;
  gboolean blank = FALSE;
  int flags;
  int rc;

  g_return_val_if_fail (given_path != NULL, NULL);

  /* SQLite's memory statistics take a process-wide mutex around every allocation,
   * and nothing reads them. They can only be turned off before SQLite initializes. */
  if (g_once_init_enter (&sqlite_configured))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      stk_code_register (NULL);
      g_once_init_leave (&sqlite_configured, 1);
    }

  /* One file, one name: SQLite derives -wal and -shm from the name it is given. */
  if (!(path = stk_identity_resolve (given_path, STK_IDENTITY_INVENTORY, error)))
    return NULL;

  dir = g_path_get_dirname (path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                   _("The folder “%s” does not exist."), dir);
      return NULL;
    }

  if (!stk_db_check_file (path, &exists, error))
    return NULL;

  if (!exists)
    {
      if (mode == STK_DB_READ_ONLY)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                       _("There is no inventory at “%s”."), path);
          return NULL;
        }
      if (!create_empty_file (path, error))
        return NULL;
    }
  else if (mode == STK_DB_READ_WRITE && access (dir, W_OK) != 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_READ_ONLY,
                   _("The folder “%s” is read-only, so the inventory cannot be changed."), dir);
      return NULL;
    }

  flags = SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX;
  flags |= mode == STK_DB_READ_WRITE ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;

  if (mode == STK_DB_READ_ONLY)
    {
      /* On a read-only folder or mount SQLite cannot create the -shm file a WAL
       * database needs even for reading; see readable_uri(). */
      g_autofree char *uri = NULL;
      g_autofree char *private_dir = NULL;

      if (!readable_uri (path, dir, &uri, &private_dir, error))
        return NULL;
      if (uri != NULL)
        {
          flags |= SQLITE_OPEN_URI;
          rc = sqlite3_open_v2 (uri, &db, flags, NULL);
          if (private_dir != NULL)
            {
              g_mutex_lock (&open_files_lock);
              if (private_dirs == NULL)
                private_dirs = g_hash_table_new_full (NULL, NULL, NULL, g_free);
              g_hash_table_insert (private_dirs, db, g_steal_pointer (&private_dir));
              g_mutex_unlock (&open_files_lock);
            }
          goto opened;
        }
    }

  rc = sqlite3_open_v2 (path, &db, flags, NULL);
opened:
  if (rc != SQLITE_OK)
    {
      stk_db_set_error (error, db, rc, path);
      sqlite3_close_v2 (db);
      return NULL;
    }
  g_atomic_int_inc (&open_count);
  note_file_open (db, path);
  sqlite3_extended_result_codes (db, 1);
  stk_code_register (db);
  stk_db_register_functions (db);

  if (mode == STK_DB_READ_WRITE && sqlite3_db_readonly (db, "main") == 1)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_READ_ONLY,
                   _("The inventory file “%s” is read-only."), path);
      goto fail;
    }

  if (!apply_pragmas (db, mode, path, error) || !check_identity (db, path, &blank, error))
    goto fail;

  if (blank && mode == STK_DB_READ_ONLY)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                   _("“%s” holds no inventory yet."), path);
      goto fail;
    }

  if (mode == STK_DB_READ_WRITE && !stk_schema_migrate (db, STK_SCHEMA_VERSION, error))
    goto fail;

  return db;

fail:
  /* A file refused here (another program's, a newer format, one that could not be
   * upgraded) is left as it was: closing the last connection would otherwise fold its
   * write-ahead log into it. */
  if (db != NULL)
    sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *) NULL);
  stk_db_close (db);
  return NULL;
}

void
stk_db_close (sqlite3 *db)
{
  if (db == NULL)
    return;
  drop_stmt_cache (db);
  sqlite3_close_v2 (db);
  note_file_closed (db);
  {
    g_autofree char *private_dir = NULL;

    g_mutex_lock (&open_files_lock);
    if (private_dirs != NULL)
      g_hash_table_steal_extended (private_dirs, db, NULL, (gpointer *) &private_dir);
    g_mutex_unlock (&open_files_lock);
    if (private_dir != NULL)
      remove_private_dir (private_dir);
  }
  g_atomic_int_add (&open_count, -1);
}
