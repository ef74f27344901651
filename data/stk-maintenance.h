/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-transfer.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* "inventory-backup-20261123-121500.db" beside @db_path (the database's own base name). */
char     *stk_backup_default_path (const char       *db_path);

/* Verifies @backup_path (a Stocktake inventory, integrity ok, not newer), backs the
 * current inventory up to a timestamped safety copy (its path in @out_safety_copy),
 * then replaces the inventory's contents with the backup's through the writer's
 * connection (SQLite backup API, one transaction) and upgrades it if it is older. */
gboolean  stk_restore             (StkWriter        *writer,
                                   StkStore         *store,
                                   const char       *backup_path,
                                   char            **out_safety_copy,
                                   GError          **error);

/* PRAGMA wal_checkpoint(TRUNCATE) on the writer's connection, as a writer op: while
 * another program holds the write lock it is retried like any change, and the command
 * line's writer gives up with STK_ERROR_LOCKED. FALSE with STK_ERROR_BUSY when a reader
 * kept it from finishing. */
gboolean  stk_checkpoint          (StkWriter        *writer,
                                   gint64           *out_wal_frames,
                                   gint64           *out_checkpointed,
                                   GError          **error);

/* Realistic synthetic data: n_skus items with prices, reorder levels and opening stock,
 * and n_sales sales spread over the last year. Deterministic for a given seed. Written
 * in chunks, each one writer op in a transaction of its own (recorded: applied once);
 * a chunk that fails leaves the chunks before it in place. */
gboolean  stk_generate            (StkWriter        *writer,
                                   guint64           n_skus,
                                   guint64           n_sales,
                                   guint32           seed,
                                   StkProgressFunc   progress,
                                   gpointer          user_data,
                                   GError          **error);

G_END_DECLS
