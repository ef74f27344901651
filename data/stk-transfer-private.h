/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/: an import's payload (its parsed, checked rows), which the import
 * ops carry (stk-op-payloads.h) and an engine's import applier reads, and the helpers
 * both sides use to report what went wrong. Engine-free. */
#ifndef STK_DATA_INTERNAL
#error "stk-transfer-private.h is private to data/; use the public headers"
#endif

#include <gio/gio.h>

#include "stk-transfer.h"

G_BEGIN_DECLS

/* How often an applier looks at the import's cancellable, in rows. */
#define STK_IMPORT_CANCEL_CHECK_ROWS 1024

/* One data row, checked. Strings live in StkImportData.strings. */
typedef struct
{
  const char *code;     /* code or sku */
  const char *text;     /* description or reason; NULL when empty */
  const char *key;      /* sales: the line's uid; movement or return reference */
  const char *sale;     /* sales: the sale's uid (its first line's key); returns: the sale */
  const char *payment;  /* sales: the sale's, on its first line only; NULL when empty */
  const char *note;     /* sales: the sale's, on its first line only; NULL when empty */
  const char *void_reason; /* sales: on the first line of a voided sale */
  const char *barcodes; /* skus: the barcodes field, checked; NULL when empty */
  gint64      discount; /* sales: cents off the line; returns: refund cents, -1 proportional */
  gint64      voided_us; /* sales, first line: when the sale was voided; 0: not voided */
  gint64      sale_id;  /* sales, first line: the id the applier gave it; 0: not inserted */
  union
  {
    gint64    time_us;  /* sales, movements */
    gint64    reorder_level; /* skus */
  };
  gint64      quantity; /* skus: opening on-hand */
  gint64      price;    /* cents; -1: the item's current price */
  guint       line;
  guint       sale_line; /* sales: the line's number in its sale (1 = the sale's first
                          * row); returns: the returned line's number */
  guint       next;     /* sales: index + 1 in rows of the sale's next line; 0: none */
  /* Tax (format 9). skus: tax_name is the item's own rate's name (NULL: the shop's
   * default). sales: with tax_given (the file has a tax_rate column), the line's rate
   * (tax_rate_bp, -1: no tax) and tax_name as the file says them, tax_included 1 or 0
   * (-1: the shop's rule) and tax_cents (-1: the rate of the line's amount, rounded per
   * line); without, the item's rate now. returns: tax_cents taken back, -1 in
   * proportion. tax-rates: tax_name and tax_rate_bp are the rate's, tax_default 1 for
   * the row that is the shop's default rate. */
  const char *tax_name;
  gint64      tax_rate_bp;
  gint64      tax_cents;
  guint8      kind;     /* StkMovementKind */
  guint8      archived;
  guint8      tax_given;
  gint8       tax_included;
  guint8      tax_default;
  /* Cost (format 10). skus: the default cost (0: none); movements: a receipt's unit
   * cost, STK_IMPORT_COST_NONE (the file's unit_cost is empty: no cost) or
   * STK_IMPORT_COST_DEFAULT (the file has no unit_cost column: the item's default). */
  gint64      cost;
} StkImportRow;

#define STK_IMPORT_COST_NONE    (-1)
#define STK_IMPORT_COST_DEFAULT (-2)

typedef struct
{
  StkTable      table;
  char         *display_name;
  GArray       *rows;     /* StkImportRow */
  GStringChunk *strings;
  GCancellable *cancellable;

  /* Results, written by whichever thread works on the rows. */
  guint64       imported;
  guint64       duplicates;
  guint64       n_errors;
  GPtrArray    *errors;
  gboolean      bad_header;
  gboolean      no_opening; /* skus of "import all": on_hand is checked, not counted */
  guint64       rows_read; /* rows in the file */
  gboolean      extended; /* a row uses what the bulk path does not take (barcodes,
                           * several lines, discounts, payment, note, voids) */
  /* tax-rates: the shop's rules as the file gives them: prices_include_tax 1 or 0,
   * tax_rounding STK_TAX_ROUND_LINE or _RECEIPT; -1: the file does not say. */
  gint8         prices_include_tax;
  gint8         tax_rounding;
} StkImportData;

/* The payload of "import-all": the files, by StkTable (tax-rates.csv and returns.csv
 * may be absent: then their StkImportData have no rows). */
typedef struct
{
  StkImportData *d[STK_N_TABLES];
} StkImportAll;

/* An import built in memory (stk-count.c): an empty payload for @table (its rows and
 * strings for the caller to fill), and the op that applies it; the op owns @d. Only
 * STK_TABLE_MOVEMENTS for now. stk_import_op_report() reads its result. */
StkImportData *stk_import_data_new        (StkTable        table,
                                           const char     *display_name);
StkOp         *stk_import_op_new_for_data (StkImportData  *d,
                                           const char     *description);

/* A row's problem (with its line) or the file's, counted and kept for the report. */
void     stk_import_add_line_error       (StkImportData  *d,
                                          guint           line,
                                          const char     *message);
void     stk_import_add_error_literal    (StkImportData  *d,
                                          const char     *message);
/* "“FILE” has N bad rows; nothing was imported." (or the bad header). */
void     stk_import_set_summary_error    (StkImportData  *d,
                                          int             code,
                                          GError        **error);
void     stk_import_set_cancelled_error  (GError        **error);
/* FALSE with the first file's summary error when any of the files has errors. */
gboolean stk_import_all_fail_with_errors (StkImportAll   *a,
                                          GError        **error);
/* A tax rate as the CSV files write it: "22", "5.5" (a dot, whatever the locale). */
char    *stk_transfer_format_rate        (gint64          rate_bp);
/* A time as the CSV files write it. */
void     stk_transfer_format_time        (gint64          us,
                                          char           *buf,
                                          gsize           size);

/* A row an engine gives the export (engine-free fields; which ones count depends on
 * the table: skus: code, text (description), price_cents, reorder_level, archived,
 * on_hand, barcodes (code US pack, records separated by RS, ordered by key);
 * sales: time_us, code, quantity, price_cents, reference (the line's uid), sale (the
 * sale's uid), discount_cents, payment, note, voided_us (0: not voided), void_reason;
 * movements: time_us, code, kind, quantity (a count: the balance), text (reason),
 * reference; returns: time_us, sale, sale_line, quantity, price_cents (the refund),
 * text (reason), reference (the uid); tax-rates: tax_name, tax_rate_bp, tax_default,
 * and the shop's rules on every row, tax_included (prices_include_tax) and
 * tax_rounding ("line" or "receipt")). The movements that voids and returns made are
 * left out (importing the void or the return makes them again). */
typedef struct
{
  gint64      time_us;
  const char *code;
  const char *text;
  const char *kind;
  const char *reference;
  const char *sale;
  const char *payment;
  const char *note;
  const char *void_reason;
  const char *barcodes;
  gint64      discount_cents;
  gint64      voided_us;
  gint64      sale_line;
  gint64      quantity;
  gint64      price_cents;
  gint64      reorder_level;
  gint64      on_hand;
  gboolean    archived;
  /* skus: tax_name, the item's own rate's name ("": the default); sales: the line's
   * tax_name, tax_rate_bp (-1: no tax), tax_included and tax_cents; returns: tax_cents. */
  const char *tax_name;
  gint64      tax_rate_bp;
  gint64      tax_cents;
  gboolean    tax_included;
  gboolean    tax_default;
  const char *tax_rounding;
  /* Cost (format 10): skus: the default cost; movements: a receipt's unit cost (-1:
   * none); sales: the line's cost of goods. */
  gint64      cost_cents;
} StkExportRow;

/* Called for each row, in order; FALSE (with @error) stops the export. */
typedef gboolean (*StkExportRowFunc) (const StkExportRow  *row,
                                      gpointer             user_data,
                                      GError             **error);

G_END_DECLS
