/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a barcode looks like. A code of 8, 12, 13 or 14 digits looks like a GS1 number and
 * must carry the right check digit; anything else is a free code (a shop's own label). */
typedef enum
{
  STK_BARCODE_FREE,
  STK_BARCODE_EAN8,
  STK_BARCODE_UPCE,
  STK_BARCODE_UPCA,
  STK_BARCODE_EAN13,
  STK_BARCODE_GTIN14,
} StkBarcodeKind;

/* The longest barcode, in bytes, and the largest pack quantity one scan may stand for. */
#define STK_BARCODE_MAX_LEN  64
#define STK_BARCODE_MAX_PACK 100000

/* One barcode of an item: scanning @code counts as @pack units. */
typedef struct
{
  char  *code;
  guint  pack;
} StkBarcode;

const char     *stk_barcode_kind_name    (StkBarcodeKind  kind);
/* The GS1 check digit (0–9) of the @n_digits ASCII digits at @digits (no check digit). */
guint           stk_barcode_check_digit  (const char     *digits,
                                          gsize           n_digits);
/* The UPC-A number (12 digits + NUL into @upca) a UPC-E code of 8 digits stands for, or
 * FALSE if @upce is not 8 digits with number system 0 or 1. */
gboolean        stk_barcode_expand_upce  (const char     *upce,
                                          char            upca[13]);
/* Checks one barcode: its kind in @out_kind, or FALSE with STK_ERROR_INVALID_DATA and one
 * sentence naming the barcode (empty, too long, spaces or '*' inside, a wrong check digit). */
gboolean        stk_barcode_validate     (const char     *code,
                                          StkBarcodeKind *out_kind,
                                          GError        **error);

/* The key two spellings of one number share, so a scan finds the barcode however the
 * scanner sends it: a GS1 number as its 14-digit GTIN (a UPC-E expanded to its UPC-A
 * first, then zeros in front), any other code as stk_code_key() of it. Never NULL. */
char           *stk_barcode_key          (const char     *code);

void            stk_barcode_clear        (StkBarcode     *barcode);
/* Parses a CSV "barcodes" field: barcodes separated by spaces, each BARCODE or
 * BARCODE*PACK. Returns an array of StkBarcode (empty for an empty field), or NULL with
 * STK_ERROR_INVALID_DATA. A barcode listed twice in one field is an error. */
GArray         *stk_barcode_parse_list   (const char     *field,
                                          GError        **error);
/* The field stk_barcode_parse_list() reads back: "*PACK" only where the pack is not 1. */
char           *stk_barcode_format_list  (const StkBarcode *barcodes,
                                          guint             n_barcodes);

G_END_DECLS
