/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-faultvfs.h"
#include "stk-sqlite-private.h"

#include <string.h>

/*
 * Every sqlite3_file this VFS opens is a FaultFile: our io_methods in front, the real
 * (default VFS) file right behind it in the same allocation. Each method forwards to
 * the real file; the counted ones (read, write, sync, lock, truncate, file size) first
 * ask fault_check() whether this call is the one that must fail.
 */

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;
} FaultFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;

/* Accessed with __atomic builtins: GLib 2.74 has no 64-bit atomics. */
static guint64 calls[STK_FAULT_N_KINDS];
static guint64 calls_any;
static guint64 fired;
static gint    armed;
static gint    armed_kind;
static gint    armed_sticky;
static gint    armed_code;
static guint64 armed_nth;

#define LOAD(p) __atomic_load_n ((p), __ATOMIC_SEQ_CST)
#define STORE(p, v) __atomic_store_n ((p), (v), __ATOMIC_SEQ_CST)
#define INC(p) __atomic_add_fetch ((p), 1, __ATOMIC_SEQ_CST)

static int
fault_check (StkFaultKind kind)
{
  guint64 n_kind = INC (&calls[kind]);
  guint64 n_any = INC (&calls_any);
  guint64 n;
  guint64 nth;
  int akind;

  if (!LOAD (&armed))
    return SQLITE_OK;
  akind = LOAD (&armed_kind);
  if (akind == STK_FAULT_ANY)
    n = n_any;
  else if (akind == (int) kind)
    n = n_kind;
  else
    return SQLITE_OK;
  nth = LOAD (&armed_nth);
  if (n == nth || (LOAD (&armed_sticky) && n > nth))
    {
      INC (&fired);
      return LOAD (&armed_code);
    }
  return SQLITE_OK;
}

static void
arm (StkFaultKind kind,
     guint64      nth,
     int          error_code,
     gboolean     sticky)
{
  g_return_if_fail (kind <= STK_FAULT_ANY);
  g_return_if_fail (nth >= 1);
  g_return_if_fail (error_code != SQLITE_OK);

  STORE (&armed, 0);
  for (guint i = 0; i < STK_FAULT_N_KINDS; i++)
    STORE (&calls[i], 0);
  STORE (&calls_any, 0);
  STORE (&fired, 0);
  STORE (&armed_kind, (gint) kind);
  STORE (&armed_nth, nth);
  STORE (&armed_code, error_code);
  STORE (&armed_sticky, sticky ? 1 : 0);
  STORE (&armed, 1);
}

void
stk_faultvfs_arm (StkFaultKind kind,
                  guint64      nth,
                  int          error_code)
{
  arm (kind, nth, error_code, FALSE);
}

void
stk_faultvfs_arm_sticky (StkFaultKind kind,
                         guint64      nth,
                         int          error_code)
{
  arm (kind, nth, error_code, TRUE);
}

void
stk_faultvfs_disarm (void)
{
  STORE (&armed, 0);
}

guint64
stk_faultvfs_fired (void)
{
  return LOAD (&fired);
}

guint64
stk_faultvfs_calls (StkFaultKind kind)
{
  g_return_val_if_fail (kind <= STK_FAULT_ANY, 0);

  if (kind == STK_FAULT_ANY)
    return LOAD (&calls_any);
  return LOAD (&calls[kind]);
}

const char *
stk_fault_kind_to_string (StkFaultKind kind)
{
  switch (kind)
    {
    case STK_FAULT_READ:
      return "read";
    case STK_FAULT_WRITE:
      return "write";
    case STK_FAULT_SYNC:
      return "sync";
    case STK_FAULT_LOCK:
      return "lock";
    case STK_FAULT_TRUNCATE:
      return "truncate";
    case STK_FAULT_FILE_SIZE:
      return "file-size";
    case STK_FAULT_SHM_LOCK:
      return "shm-lock";
    case STK_FAULT_ANY:
      return "any";
    default:
      return "unknown";
    }
}

/* ---- io methods ---- */

#define REAL(f) (((FaultFile *) (f))->real)

static int
fault_close (sqlite3_file *file)
{
  sqlite3_file *real = REAL (file);
  int rc = SQLITE_OK;

  if (real->pMethods != NULL)
    rc = real->pMethods->xClose (real);
  file->pMethods = NULL;
  return rc;
}

static int
fault_read (sqlite3_file *file,
            void         *buf,
            int           amount,
            sqlite3_int64 offset)
{
  int rc = fault_check (STK_FAULT_READ);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xRead (REAL (file), buf, amount, offset);
}

static int
fault_write (sqlite3_file *file,
             const void   *buf,
             int           amount,
             sqlite3_int64 offset)
{
  int rc = fault_check (STK_FAULT_WRITE);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xWrite (REAL (file), buf, amount, offset);
}

static int
fault_truncate (sqlite3_file  *file,
                sqlite3_int64  size)
{
  int rc = fault_check (STK_FAULT_TRUNCATE);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xTruncate (REAL (file), size);
}

static int
fault_sync (sqlite3_file *file,
            int           flags)
{
  int rc = fault_check (STK_FAULT_SYNC);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xSync (REAL (file), flags);
}

static int
fault_file_size (sqlite3_file  *file,
                 sqlite3_int64 *size)
{
  int rc = fault_check (STK_FAULT_FILE_SIZE);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xFileSize (REAL (file), size);
}

static int
fault_lock (sqlite3_file *file,
            int           level)
{
  int rc = fault_check (STK_FAULT_LOCK);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xLock (REAL (file), level);
}

static int
fault_unlock (sqlite3_file *file,
              int           level)
{
  return REAL (file)->pMethods->xUnlock (REAL (file), level);
}

static int
fault_check_reserved_lock (sqlite3_file *file,
                           int          *out)
{
  return REAL (file)->pMethods->xCheckReservedLock (REAL (file), out);
}

static int
fault_file_control (sqlite3_file *file,
                    int           op,
                    void         *arg)
{
  return REAL (file)->pMethods->xFileControl (REAL (file), op, arg);
}

static int
fault_sector_size (sqlite3_file *file)
{
  return REAL (file)->pMethods->xSectorSize (REAL (file));
}

static int
fault_device_characteristics (sqlite3_file *file)
{
  return REAL (file)->pMethods->xDeviceCharacteristics (REAL (file));
}

static int
fault_shm_map (sqlite3_file  *file,
               int            region,
               int            size,
               int            extend,
               void volatile **out)
{
  sqlite3_file *real = REAL (file);

  if (real->pMethods->iVersion < 2 || real->pMethods->xShmMap == NULL)
    return SQLITE_IOERR_SHMMAP;
  return real->pMethods->xShmMap (real, region, size, extend, out);
}

static int
fault_shm_lock (sqlite3_file *file,
                int           offset,
                int           n,
                int           flags)
{
  sqlite3_file *real = REAL (file);

  if (real->pMethods->iVersion < 2 || real->pMethods->xShmLock == NULL)
    return SQLITE_IOERR_SHMLOCK;
  /* Exclusive locks only: another writer holds the write lock, never a reader's. */
  if ((flags & SQLITE_SHM_LOCK) && (flags & SQLITE_SHM_EXCLUSIVE))
    {
      int rc = fault_check (STK_FAULT_SHM_LOCK);

      if (rc != SQLITE_OK)
        return rc;
    }
  return real->pMethods->xShmLock (real, offset, n, flags);
}

static void
fault_shm_barrier (sqlite3_file *file)
{
  sqlite3_file *real = REAL (file);

  if (real->pMethods->iVersion >= 2 && real->pMethods->xShmBarrier != NULL)
    real->pMethods->xShmBarrier (real);
}

static int
fault_shm_unmap (sqlite3_file *file,
                 int           delete_flag)
{
  sqlite3_file *real = REAL (file);

  if (real->pMethods->iVersion < 2 || real->pMethods->xShmUnmap == NULL)
    return SQLITE_OK;
  return real->pMethods->xShmUnmap (real, delete_flag);
}

static int
fault_fetch (sqlite3_file   *file,
             sqlite3_int64   offset,
             int             amount,
             void          **out)
{
  sqlite3_file *real = REAL (file);

  if (real->pMethods->iVersion < 3 || real->pMethods->xFetch == NULL)
    {
      *out = NULL;
      return SQLITE_OK;
    }
  return real->pMethods->xFetch (real, offset, amount, out);
}

static int
fault_unfetch (sqlite3_file  *file,
               sqlite3_int64  offset,
               void          *p)
{
  sqlite3_file *real = REAL (file);

  if (real->pMethods->iVersion < 3 || real->pMethods->xUnfetch == NULL)
    return SQLITE_OK;
  return real->pMethods->xUnfetch (real, offset, p);
}

static const sqlite3_io_methods fault_io_methods = {
  .iVersion = 3,
  .xClose = fault_close,
  .xRead = fault_read,
  .xWrite = fault_write,
  .xTruncate = fault_truncate,
  .xSync = fault_sync,
  .xFileSize = fault_file_size,
  .xLock = fault_lock,
  .xUnlock = fault_unlock,
  .xCheckReservedLock = fault_check_reserved_lock,
  .xFileControl = fault_file_control,
  .xSectorSize = fault_sector_size,
  .xDeviceCharacteristics = fault_device_characteristics,
  .xShmMap = fault_shm_map,
  .xShmLock = fault_shm_lock,
  .xShmBarrier = fault_shm_barrier,
  .xShmUnmap = fault_shm_unmap,
  .xFetch = fault_fetch,
  .xUnfetch = fault_unfetch,
};

/* ---- vfs methods ---- */

static int
fault_open (sqlite3_vfs  *vfs,
            const char   *name,
            sqlite3_file *file,
            int           flags,
            int          *out_flags)
{
  FaultFile *f = (FaultFile *) file;
  int rc;

  f->real = (sqlite3_file *) (f + 1);
  memset (f->real, 0, real_vfs->szOsFile);
  rc = real_vfs->xOpen (real_vfs, name, f->real, flags, out_flags);
  /* pMethods must be valid (or NULL) whether the open worked or not. */
  file->pMethods = f->real->pMethods != NULL ? &fault_io_methods : NULL;
  return rc;
}

static int
fault_delete (sqlite3_vfs *vfs,
              const char  *name,
              int          sync_dir)
{
  return real_vfs->xDelete (real_vfs, name, sync_dir);
}

static int
fault_access (sqlite3_vfs *vfs,
              const char  *name,
              int          flags,
              int         *out)
{
  return real_vfs->xAccess (real_vfs, name, flags, out);
}

static int
fault_full_pathname (sqlite3_vfs *vfs,
                     const char  *name,
                     int          n_out,
                     char        *out)
{
  return real_vfs->xFullPathname (real_vfs, name, n_out, out);
}

static void *
fault_dl_open (sqlite3_vfs *vfs,
               const char  *name)
{
  return real_vfs->xDlOpen (real_vfs, name);
}

static void
fault_dl_error (sqlite3_vfs *vfs,
                int          n,
                char        *msg)
{
  real_vfs->xDlError (real_vfs, n, msg);
}

static void (*fault_dl_sym (sqlite3_vfs *vfs,
                            void        *handle,
                            const char  *symbol)) (void)
{
  return real_vfs->xDlSym (real_vfs, handle, symbol);
}

static void
fault_dl_close (sqlite3_vfs *vfs,
                void        *handle)
{
  real_vfs->xDlClose (real_vfs, handle);
}

static int
fault_randomness (sqlite3_vfs *vfs,
                  int          n,
                  char        *out)
{
  return real_vfs->xRandomness (real_vfs, n, out);
}

static int
fault_sleep (sqlite3_vfs *vfs,
             int          us)
{
  return real_vfs->xSleep (real_vfs, us);
}

static int
fault_current_time (sqlite3_vfs *vfs,
                    double      *out)
{
  return real_vfs->xCurrentTime (real_vfs, out);
}

static int
fault_get_last_error (sqlite3_vfs *vfs,
                      int          n,
                      char        *out)
{
  return real_vfs->xGetLastError != NULL ? real_vfs->xGetLastError (real_vfs, n, out) : 0;
}

static int
fault_current_time_int64 (sqlite3_vfs   *vfs,
                          sqlite3_int64 *out)
{
  return real_vfs->xCurrentTimeInt64 (real_vfs, out);
}

void
stk_faultvfs_register (void)
{
  static gsize registered;

  if (!g_once_init_enter (&registered))
    return;

  real_vfs = sqlite3_vfs_find (NULL);
  g_assert (real_vfs != NULL);
  g_assert (real_vfs->iVersion >= 2);

  fault_vfs.iVersion = 2;
  fault_vfs.szOsFile = (int) sizeof (FaultFile) + real_vfs->szOsFile;
  fault_vfs.mxPathname = real_vfs->mxPathname;
  fault_vfs.zName = "stk-fault";
  fault_vfs.xOpen = fault_open;
  fault_vfs.xDelete = fault_delete;
  fault_vfs.xAccess = fault_access;
  fault_vfs.xFullPathname = fault_full_pathname;
  fault_vfs.xDlOpen = fault_dl_open;
  fault_vfs.xDlError = fault_dl_error;
  fault_vfs.xDlSym = fault_dl_sym;
  fault_vfs.xDlClose = fault_dl_close;
  fault_vfs.xRandomness = fault_randomness;
  fault_vfs.xSleep = fault_sleep;
  fault_vfs.xCurrentTime = fault_current_time;
  fault_vfs.xGetLastError = fault_get_last_error;
  fault_vfs.xCurrentTimeInt64 = fault_current_time_int64;

  if (sqlite3_vfs_register (&fault_vfs, 1) != SQLITE_OK)
    g_error ("cannot register the stk-fault VFS");

  g_once_init_leave (&registered, 1);
}
