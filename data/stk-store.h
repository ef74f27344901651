/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-output.h"

G_BEGIN_DECLS

/* StkStore: the read side. A small pool of SQLITE_OPEN_READONLY connections that
 * never wait for the writer (WAL readers see the last commit). Thread-safe. */

typedef struct
{
  int     schema_version;
  gint64  items;
  gint64  archived_items;
  gint64  movements;
  gint64  sales;             /* sale lines */
  gint64  whole_sales;       /* sales (of one line or several) */
  gint64  last_sale_us;      /* the newest sale's time, µs since 1970 (0: no sale) */
  gint64  returns;           /* returns of sale lines (format 6 on) */
  gint64  barcodes;          /* (format 6 on) */
  gint64  applied_ops;
  gint64  codes_kept_apart;  /* items whose code another item's equals under stk_code_key() */
  gint64  total_on_hand;
  gint64  stock_value_cents; /* at selling price */
  gint64  stock_cost_cents;  /* at average cost (stk-cost.h; 0 before format 10) */
  gint64  page_size;
  gint64  page_count;
  gint64  freelist_count;
  goffset file_size;
  goffset wal_size;
} StkStats;

#define STK_TYPE_STORE (stk_store_get_type ())
G_DECLARE_FINAL_TYPE (StkStore, stk_store, STK, STORE, GObject)

StkStore   *stk_store_new        (const char  *path,
                                  GError     **error);
const char *stk_store_get_path   (StkStore    *self);

gboolean    stk_store_get_stats  (StkStore    *self,
                                  StkStats    *stats,
                                  GError     **error);
GPtrArray  *stk_store_codes_kept_apart (StkStore  *self,
                                       GError   **error);
GPtrArray  *stk_store_verify     (StkStore    *self,
                                  GError     **error);
gboolean    stk_store_backup     (StkStore    *self,
                                  const char  *dest_path,
                                  GError     **error);
gboolean    stk_store_backup_full (StkStore       *self,
                                   const char     *dest_path,
                                   StkOutputFlags  flags,
                                   GCancellable   *cancellable,
                                   GError        **error);

/* stk_store_backup_full() that also checks the copy with stk_verify_file() (a
 * Stocktake inventory, integrity ok) while it is still under its temporary name: a copy
 * that fails is removed, and @dest_path is only ever a verified backup. */
gboolean    stk_store_backup_verified (StkStore       *self,
                                       const char     *dest_path,
                                       GCancellable   *cancellable,
                                       GError        **error);

/* Checks a database file without changing it (no -wal/-shm created): it must be a
 * readable Stocktake inventory whose integrity check passes. */
gboolean    stk_verify_file      (const char  *path,
                                  GPtrArray  **problems,
                                  GError     **error);

G_END_DECLS

#ifdef STK_DATA_INTERNAL
#include "stk-store-private.h"
#endif
