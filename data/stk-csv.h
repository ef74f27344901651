/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* RFC 4180 CSV, UTF-8 with or without a byte-order mark, LF or CRLF line ends.
 * Pure GLib/GIO: no SQLite, no GTK. */

/* Limits that protect the reader from binary or garbage input: going over any
 * of them is STK_CSV_FATAL. A field may be exactly STK_CSV_MAX_FIELD_BYTES
 * long (decoded, without quotes); a record's size counts its raw bytes from
 * its first byte up to (not including) its line end. */
#define STK_CSV_MAX_FIELD_BYTES  65536
#define STK_CSV_MAX_RECORD_BYTES (1024 * 1024)
#define STK_CSV_MAX_FIELDS       1000

typedef struct _StkCsvReader StkCsvReader;
typedef struct _StkCsvWriter StkCsvWriter;

typedef enum
{
  STK_CSV_RECORD,     /* a record was read into the fields array */
  STK_CSV_EOF,        /* no more records; error is not set */
  STK_CSV_BAD_RECORD, /* this record is bad (error set, with its line); reading may go on */
  STK_CSV_FATAL,      /* the rest of the input cannot be read (error set) */
} StkCsvStatus;

StkCsvReader *stk_csv_reader_new        (GInputStream  *stream);
StkCsvStatus  stk_csv_reader_next       (StkCsvReader  *self,
                                         GPtrArray    **out_fields,
                                         GError       **error);
void          stk_csv_reader_set_cancellable (StkCsvReader *self,
                                              GCancellable *cancellable);
guint         stk_csv_reader_get_line   (StkCsvReader  *self);
guint64       stk_csv_reader_get_offset (StkCsvReader  *self);
void          stk_csv_reader_free       (StkCsvReader  *self);

StkCsvWriter *stk_csv_writer_new        (GOutputStream *stream);
gboolean      stk_csv_writer_write_row  (StkCsvWriter  *self,
                                         const char   *const *fields,
                                         guint          n_fields,
                                         GCancellable  *cancellable,
                                         GError       **error);
gboolean      stk_csv_writer_close      (StkCsvWriter  *self,
                                         GCancellable  *cancellable,
                                         GError       **error);
void          stk_csv_writer_free       (StkCsvWriter  *self);

void          stk_csv_append_field      (GString       *line,
                                         const char    *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkCsvReader, stk_csv_reader_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkCsvWriter, stk_csv_writer_free)

G_END_DECLS
