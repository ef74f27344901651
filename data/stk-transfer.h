/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "stk-store.h"
#include "stk-writer.h"

G_BEGIN_DECLS

/* CSV import and export of the five tables. Column sets are documented in
 * stk-transfer.c and README.md ("CSV formats"); export output is always readable
 * by import. */

typedef enum
{
  STK_TABLE_SKUS,
  STK_TABLE_SALES,
  STK_TABLE_MOVEMENTS,
  STK_TABLE_RETURNS,
  /* The shop's tax rates with its default rate and its two tax rules. */
  STK_TABLE_TAX_RATES,
} StkTable;

#define STK_N_TABLES 5

#define STK_IMPORT_MAX_REPORTED_ERRORS 50

typedef struct
{
  guint64    rows;        /* data rows read */
  guint64    imported;    /* rows applied */
  guint64    duplicates;  /* rows already imported before (same reference): skipped */
  guint64    n_errors;    /* bad rows in all */
  GPtrArray *errors;      /* "Line N: …" sentences, at most STK_IMPORT_MAX_REPORTED_ERRORS */
} StkImportReport;

/* done and total are bytes of input for import, rows for export (total 0 = unknown). */
typedef void (*StkProgressFunc) (guint64  done,
                                 guint64  total,
                                 gpointer user_data);

const char *stk_table_to_string   (StkTable         table);
gboolean    stk_table_from_string (const char      *str,
                                   StkTable        *out_table);

void        stk_import_report_clear (StkImportReport *report);

/* Prices as written in CSV files: "12.50", "12.5", "3", "0.99" (at most two
 * decimals, '.' as the separator, never negative), parsed exactly into cents. */
gboolean    stk_price_parse       (const char      *text,
                                   gint64          *out_cents,
                                   GError         **error);
char       *stk_price_format      (gint64           cents);
/* Dates and times as written in CSV files (and taken by the command line's --at):
 * ISO 8601 — 2026-11-23T10:15:00Z, 2026-11-23T10:15:00+01:00, 2026-11-23 10:15:00 (no
 * zone: local time) or a plain date 2026-11-23 (local midnight) — into microseconds
 * since the epoch. Before 1970 or anything else: STK_ERROR_INVALID_DATA, one sentence. */
gboolean    stk_time_parse        (const char      *text,
                                   gint64          *out_us,
                                   GError         **error);

/* Reads and checks the whole file, then applies every row through @writer in one op:
 * all rows or none. Any bad row (parse, columns, values, unknown SKU, existing SKU
 * code) → FALSE with STK_ERROR_INVALID_DATA (or CONSTRAINT), report->errors filled,
 * nothing imported. Blocking: call it from a worker thread in the GUI. */
gboolean    stk_import_file       (StkWriter        *writer,
                                   StkTable          table,
                                   const char       *path,
                                   StkProgressFunc   progress,
                                   gpointer          user_data,
                                   GCancellable     *cancellable,
                                   StkImportReport  *report,
                                   GError          **error);
/* The same import as an op the caller submits (stk-transfer.c explains): NULL when
 * the file is refused; stk_import_op_report() once the op has completed. */
StkOp      *stk_import_op_new     (StkTable          table,
                                   const char       *path,
                                   StkProgressFunc   progress,
                                   gpointer          user_data,
                                   GCancellable     *cancellable,
                                   StkImportReport  *report,
                                   GError          **error);
void        stk_import_op_report  (StkOp            *op,
                                   gboolean          success,
                                   StkImportReport  *report);

/* Writes through StkOutput (stk-output.h): a temporary file beside @path renamed at
 * the end, so @path is either the complete export or untouched; the inventory, any
 * database and anything but a regular file are refused. Blocking. */
gboolean    stk_export_file       (StkStore         *store,
                                   StkTable          table,
                                   const char       *path,
                                   StkProgressFunc   progress,
                                   gpointer          user_data,
                                   GCancellable     *cancellable,
                                   guint64          *out_rows,
                                   GError          **error);

/* A whole inventory as one folder: tax-rates.csv, skus.csv, movements.csv, sales.csv
 * and returns.csv, all from one snapshot. The folder must not exist or be empty; it is
 * written beside and renamed into place, so it holds all the files or nothing new. */
gboolean    stk_export_all        (StkStore         *store,
                                   const char       *dir,
                                   GCancellable     *cancellable,
                                   guint64          *out_rows,
                                   GError          **error);

/* Imports such a folder in one change: the tax rates with the shop's default and tax
 * rules, the items (their on_hand is not recorded as an opening count), then
 * movements, sales, voids and returns in time order; then every item's on-hand must
 * equal the skus file's on_hand, or nothing is imported. tax-rates.csv and
 * returns.csv may be missing (a folder written before they existed). */
gboolean    stk_import_all        (StkWriter        *writer,
                                   const char       *dir,
                                   GCancellable     *cancellable,
                                   StkImportReport  *report,
                                   GError          **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StkImportReport, stk_import_report_clear)

G_END_DECLS
