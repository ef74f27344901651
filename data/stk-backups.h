/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-store.h"

G_BEGIN_DECLS

/* Automatic backups: verified copies of an inventory, made on a schedule into a folder,
 * of which the newest few are kept. Each is named
 *
 *   <inventory base>-auto-YYYYMMDD-HHMMSS.db      (local time; "-2.db", "-3.db"… when
 *                                                  two are made in the same second)
 *
 * where the inventory base is the inventory's own file name without ".db"
 * (stk_backup_inventory_base()). Only files named so are ever listed or pruned: nothing
 * else in the folder is touched. Two inventories of the same name in different folders
 * that share a backup folder share these names too; give them folders of their own. */

/* How many automatic backups are kept by default, and at most. */
#define STK_BACKUP_KEEP_DEFAULT 14
#define STK_BACKUP_KEEP_MAX     365

typedef struct
{
  char    *path;
  gint64   made_us;       /* when it was made (from its name, local time), µs since 1970 */
  goffset  size;
  /* Read from the file itself, read-only. A file that cannot be read as an inventory is
   * listed with @damaged and @problem (one sentence) and no figures. */
  gboolean damaged;
  char    *problem;
  gint64   items;
  gint64   sales;         /* sales, not lines */
  gint64   last_sale_us;  /* 0: no sale */
} StkBackupEntry;

void       stk_backup_entry_free    (StkBackupEntry  *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkBackupEntry, stk_backup_entry_free)

/* The inventory's real file name without its folder and ".db": "inventory" for
 * "/home/me/inventory.db". */
char      *stk_backup_inventory_base (const char     *db_path);

/* The folder automatic backups go to when the user chose none:
 * $XDG_DATA_HOME/stocktake/backups. */
char      *stk_backup_default_folder (void);

/* The folder of the "backup-folder" setting @setting: itself when set ("~/" is the
 * home folder), stk_backup_default_folder() when NULL or empty. */
char      *stk_backup_resolve_folder (const char     *setting);

/* Whether @name (a file name, no folder) is one of @base's automatic backups; its time
 * (local) in @out_made_us and its same-second number (1 for none) in @out_n. */
gboolean   stk_backup_parse_name    (const char      *name,
                                     const char      *base,
                                     gint64          *out_made_us,
                                     guint           *out_n);

/* Makes an automatic backup of @store's inventory in @folder (created when missing),
 * verified before it takes its name (stk_store_backup_verified()), then removes this
 * inventory's older automatic backups so that @keep are left, the new one among them
 * (never a file of another name, never the new one). The new file's path in @out_path,
 * the removed ones' in @out_pruned (NULL-terminated; may be empty). On failure nothing
 * is left in @folder and @error says why (STK_ERROR_READ_ONLY, STK_ERROR_NO_SPACE, …). */
gboolean   stk_backup_auto          (StkStore        *store,
                                     const char      *folder,
                                     guint            keep,
                                     GCancellable    *cancellable,
                                     char           **out_path,
                                     GStrv           *out_pruned,
                                     GError         **error);

/* stk_backup_auto() in a thread (the store's read connection copies while the writer
 * goes on writing). */
void       stk_backup_auto_async    (StkStore            *store,
                                     const char          *folder,
                                     guint                keep,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* The new backup's path, or NULL with @error. */
char      *stk_backup_auto_finish   (StkStore            *store,
                                     GAsyncResult        *result,
                                     GError             **error);

/* The automatic backups of the inventory at @db_path in @folder, newest first
 * (StkBackupEntry*, with their figures). A missing folder holds none; a folder that
 * cannot be read is an error. */
GPtrArray *stk_backup_list          (const char      *folder,
                                     const char      *db_path,
                                     GError         **error);

/* One file's entry, read-only, as stk_backup_list() reads it: any backup (a file
 * chosen by hand too: its time is then the file's modification time). */
StkBackupEntry *stk_backup_read     (const char      *path);

/* Whether no automatic backup of @db_path made today (local date) is in @folder. */
gboolean   stk_backup_due_today     (const char      *folder,
                                     const char      *db_path);

G_END_DECLS
