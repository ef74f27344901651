/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-csv.h"

#include <glib/gi18n.h>
#include <string.h>

#include "stk-error.h"

/*
 * RFC 4180 reader and writer.
 *
 * Reader
 * ======
 *
 * The reader pulls the input through a fixed STK_CSV_BUFFER_SIZE buffer, so
 * its memory use does not depend on the size of the file: at most one record
 * (bounded by STK_CSV_MAX_RECORD_BYTES) is held at a time.
 *
 * Line ends: outside quotes, LF, CRLF *and a lone CR* each end a record (like
 * Python's csv module and "universal newlines"), so files from old Mac
 * programs read correctly instead of turning into one giant record. Inside a
 * quoted field every CR and LF is kept verbatim as data. For the line counter
 * CRLF is one physical line end, and so is each lone CR and each lone LF, in
 * or out of quotes.
 *
 * A line with nothing at all on it (outside quotes) is not a record; it is
 * skipped but still counted. A line holding only spaces is a record with one
 * field of spaces, and a line holding "" is a record with one empty field.
 *
 * Strictness: a quote inside an unquoted field, or anything but a separator,
 * a line end or a second quote after a closing quote, makes the record bad.
 * So do invalid UTF-8 and NUL bytes. To find the end of a bad record the
 * reader keeps parsing with the same grammar (a quote at the start of a field
 * still opens a quoted field, which may span lines; a stray quote elsewhere is
 * treated as data), so the record ends at the next line end that is outside
 * quotes. The record's fields are dropped and STK_CSV_BAD_RECORD is returned;
 * the next call carries on with the following record.
 *
 * Once STK_CSV_FATAL has been returned every later call returns it again,
 * with a copy of the same error.
 */

#define STK_CSV_BUFFER_SIZE (64 * 1024)
#define STK_CSV_WRITER_FLUSH_SIZE (64 * 1024)

typedef enum
{
  STATE_RECORD_START,    /* before the first byte of a record (skipping empty lines) */
  STATE_FIELD_START,     /* right after a separator, or at the first byte of a record */
  STATE_UNQUOTED,        /* inside an unquoted field */
  STATE_QUOTED,          /* inside a quoted field */
  STATE_QUOTE_IN_QUOTED, /* just read a quote inside a quoted field: closing or doubled */
} ParseState;

struct _StkCsvReader
{
  GInputStream *stream;
  GCancellable *cancellable;

  guint8  *buf;
  gsize    buf_len; /* valid bytes in buf */
  gsize    buf_pos; /* next byte to parse */
  guint64  offset;  /* bytes consumed from the stream and parsed */

  guint    line;        /* physical line of the next byte to parse, 1-based */
  guint    record_line; /* line on which the last record (good or bad) started */
  guint64  record_start; /* offset of the current record's first byte */

  /* The record being parsed */
  GString   *field;
  GPtrArray *fields;
  GError    *bad_error; /* the first problem found in this record */
  guint      n_fields;  /* fields finished so far, including ones of a bad record */
  guint      field_has_nul : 1;

  guint      bom_checked : 1;
  guint      eof : 1;
  guint      after_cr : 1; /* the last record ended in CR: a following LF belongs to it */

  GError    *fatal_error;
};

struct _StkCsvWriter
{
  GOutputStream *stream;
  GString       *buffer;
  guint          closed : 1;
};

/**
 * stk_csv_reader_new:
 * @stream: the input, positioned at the start of the CSV text
 *
 * Creates a reader. It takes a reference on @stream but never closes it: the
 * caller closes the stream (or lets its last unref do so) when done.
 *
 * Returns: (transfer full): a new reader; free it with stk_csv_reader_free()
 */
StkCsvReader *
stk_csv_reader_new (GInputStream *stream)
{
  StkCsvReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_new0 (StkCsvReader, 1);
  self->stream = g_object_ref (stream);
  self->buf = g_malloc (STK_CSV_BUFFER_SIZE);
  self->line = 1;
  self->field = g_string_sized_new (256);

  return self;
}

/**
 * stk_csv_reader_free:
 * @self: (nullable): a reader
 *
 * Frees the reader and drops its reference on the stream. The stream is not
 * closed by the reader.
 */
void
stk_csv_reader_free (StkCsvReader *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->stream);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->buf, g_free);
  g_string_free (self->field, TRUE);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_error (&self->bad_error);
  g_clear_error (&self->fatal_error);
  g_free (self);
}

/**
 * stk_csv_reader_set_cancellable:
 * @self: a reader
 * @cancellable: (nullable): a cancellable for the reads from the stream
 *
 * Sets the cancellable used by later stk_csv_reader_next() calls. Cancelling
 * it makes the next read from the stream fail, which is STK_CSV_FATAL with a
 * G_IO_ERROR_CANCELLED error.
 */
void
stk_csv_reader_set_cancellable (StkCsvReader *self,
                                GCancellable *cancellable)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_set_object (&self->cancellable, cancellable);
}

/**
 * stk_csv_reader_get_line:
 * @self: a reader
 *
 * Returns: the 1-based physical line on which the record last returned by
 *   stk_csv_reader_next() started, whether it was good or bad; for
 *   STK_CSV_FATAL, the line of the record being read (or the current line
 *   if no record had started). 0 before the first record.
 */
guint
stk_csv_reader_get_line (StkCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->record_line;
}

/**
 * stk_csv_reader_get_offset:
 * @self: a reader
 *
 * Returns: the number of bytes of the stream parsed so far (including a
 *   byte-order mark), for progress reporting
 */
guint64
stk_csv_reader_get_offset (StkCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->offset;
}

/* Reads more input after the unparsed bytes. Returns the number of bytes
 * read, 0 at the end of the stream, or -1 with @error set. */
static gssize
reader_fill (StkCsvReader  *self,
             GError       **error)
{
  gssize n;

  if (self->eof)
    return 0;

  if (self->buf_pos > 0)
    {
      memmove (self->buf, self->buf + self->buf_pos, self->buf_len - self->buf_pos);
      self->buf_len -= self->buf_pos;
      self->buf_pos = 0;
    }

  g_assert (self->buf_len < STK_CSV_BUFFER_SIZE);

  n = g_input_stream_read (self->stream,
                           self->buf + self->buf_len,
                           STK_CSV_BUFFER_SIZE - self->buf_len,
                           self->cancellable,
                           error);
  if (n < 0)
    return -1;
  if (n == 0)
    self->eof = TRUE;

  self->buf_len += n;

  return n;
}

static void
reader_reset_record (StkCsvReader *self)
{
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_error (&self->bad_error);
  g_string_truncate (self->field, 0);
  self->n_fields = 0;
  self->field_has_nul = FALSE;
}

/* Takes @fatal, keeps a copy for later calls and hands it to @error. */
static StkCsvStatus
reader_fail (StkCsvReader  *self,
             GError        *fatal,
             GError       **error)
{
  reader_reset_record (self);
  g_clear_error (&self->fatal_error);
  self->fatal_error = g_error_copy (fatal);
  g_propagate_error (error, fatal);

  return STK_CSV_FATAL;
}

static StkCsvStatus
reader_fail_read (StkCsvReader  *self,
                  GError        *read_error,
                  gboolean       in_record,
                  GError       **error)
{
  if (!in_record)
    self->record_line = self->line;

  g_prefix_error (&read_error, _("Line %u: could not read the file: "), self->record_line);

  return reader_fail (self, read_error, error);
}

/* Remembers the first problem of the current record. */
static void
reader_mark_bad (StkCsvReader *self,
                 const char   *format,
                 ...) G_GNUC_PRINTF (2, 3);

static void
reader_mark_bad (StkCsvReader *self,
                 const char   *format,
                 ...)
{
  va_list args;

  if (self->bad_error != NULL)
    return;

  va_start (args, format);
  self->bad_error = g_error_new_valist (STK_ERROR, STK_ERROR_INVALID_DATA, format, args);
  va_end (args);
}

/* Finishes the field in self->field. Returns FALSE with @fatal set when the
 * record has too many fields. */
static gboolean
reader_end_field (StkCsvReader  *self,
                  GError       **fatal)
{
  self->n_fields++;

  if (self->n_fields > STK_CSV_MAX_FIELDS)
    {
      g_set_error (fatal, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Line %u: too many fields (over %u) — is this a CSV file?"),
                   self->record_line, (guint) STK_CSV_MAX_FIELDS);
      return FALSE;
    }

  if (self->field_has_nul)
    reader_mark_bad (self, _("Line %u: field %u contains a NUL byte."),
                     self->record_line, self->n_fields);
  else if (self->bad_error == NULL
           && !g_utf8_validate_len (self->field->str, self->field->len, NULL))
    reader_mark_bad (self, _("Line %u: invalid UTF-8 in field %u."),
                     self->record_line, self->n_fields);

  if (self->bad_error == NULL)
    g_ptr_array_add (self->fields, g_strndup (self->field->str, self->field->len));

  g_string_truncate (self->field, 0);
  self->field_has_nul = FALSE;

  return TRUE;
}

/* Appends one byte of field content (never a structural byte). */
static inline void
reader_append_byte (StkCsvReader *self,
                    guint8        c)
{
  if (G_UNLIKELY (c == '\0'))
    self->field_has_nul = TRUE;
  g_string_append_c (self->field, (char) c);
}

/* Length of the run of plain content bytes at the start of [p, end): bytes
 * that need no decision in the current state. */
static inline gsize
scan_plain (const guint8 *p,
            const guint8 *end,
            gboolean      quoted)
{
  const guint8 *q = p;

  if (quoted)
    {
      while (q < end && *q != '"' && *q != '\r' && *q != '\n' && *q != '\0')
        q++;
    }
  else
    {
      while (q < end && *q != ',' && *q != '"' && *q != '\r' && *q != '\n' && *q != '\0')
        q++;
    }

  return q - p;
}

/* The record ended on line end byte @c (outside quotes). */
static void
reader_end_line (StkCsvReader *self,
                 guint8        c)
{
  self->line++;

  if (c == '\r')
    {
      /* Take the LF of a CRLF now if it is already buffered, so that the
       * offset is exact; otherwise the next call swallows it. */
      if (self->buf_pos < self->buf_len)
        {
          if (self->buf[self->buf_pos] == '\n')
            {
              self->buf_pos++;
              self->offset++;
            }
        }
      else
        self->after_cr = TRUE;
    }
}

/**
 * stk_csv_reader_next:
 * @self: a reader
 * @out_fields: (out) (transfer full): the record's fields
 * @error: return location for a #GError
 *
 * Reads the next record. For STK_CSV_RECORD, *@out_fields is set to a new
 * array of UTF-8 strings (free func g_free()) that the caller unrefs; for any
 * other status it is set to %NULL.
 *
 * STK_CSV_BAD_RECORD sets @error (STK_ERROR_INVALID_DATA, with the line
 * number) and the next call carries on after that record. STK_CSV_FATAL sets
 * @error: STK_ERROR_INVALID_DATA for an unclosed quote or input over the
 * limits, or the stream's own error (a G_IO_ERROR, e.g. G_IO_ERROR_CANCELLED)
 * prefixed with the line. The reader does not check the number of fields.
 *
 * Returns: the status
 */
StkCsvStatus
stk_csv_reader_next (StkCsvReader  *self,
                     GPtrArray    **out_fields,
                     GError       **error)
{
  ParseState state = STATE_RECORD_START;
  gboolean prev_cr = FALSE; /* inside quotes: the last byte was a CR */
  GError *local_error = NULL;

  g_return_val_if_fail (self != NULL, STK_CSV_FATAL);
  g_return_val_if_fail (out_fields != NULL, STK_CSV_FATAL);
  g_return_val_if_fail (error == NULL || *error == NULL, STK_CSV_FATAL);

  *out_fields = NULL;

  if (self->fatal_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->fatal_error));
      return STK_CSV_FATAL;
    }

  reader_reset_record (self);

  if (!self->bom_checked)
    {
      while (self->buf_len - self->buf_pos < 3 && !self->eof)
        {
          if (reader_fill (self, &local_error) < 0)
            return reader_fail_read (self, local_error, FALSE, error);
        }

      if (self->buf_len - self->buf_pos >= 3
          && memcmp (self->buf + self->buf_pos, "\xEF\xBB\xBF", 3) == 0)
        {
          self->buf_pos += 3;
          self->offset += 3;
        }

      self->bom_checked = TRUE;
    }

  for (;;)
    {
      guint8 c;

      if (state != STATE_RECORD_START)
        {
          if (G_UNLIKELY (self->field->len > STK_CSV_MAX_FIELD_BYTES))
            {
              g_set_error (&local_error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("Line %u: field too long (over %u bytes) — is this a CSV file?"),
                           self->record_line, (guint) STK_CSV_MAX_FIELD_BYTES);
              return reader_fail (self, local_error, error);
            }

          if (G_UNLIKELY (self->offset - self->record_start > STK_CSV_MAX_RECORD_BYTES))
            {
              g_set_error (&local_error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("Line %u: record too long (over %u bytes) — is this a CSV file?"),
                           self->record_line, (guint) STK_CSV_MAX_RECORD_BYTES);
              return reader_fail (self, local_error, error);
            }
        }

      if (self->buf_pos == self->buf_len)
        {
          gssize n = reader_fill (self, &local_error);

          if (n < 0)
            return reader_fail_read (self, local_error, state != STATE_RECORD_START, error);
          if (n == 0)
            break;
        }

      /* Fast path: copy a run of ordinary content bytes in one go. */
      if (state == STATE_UNQUOTED || state == STATE_QUOTED)
        {
          gsize run = scan_plain (self->buf + self->buf_pos,
                                  self->buf + self->buf_len,
                                  state == STATE_QUOTED);

          if (run > 0)
            {
              g_string_append_len (self->field, (const char *) self->buf + self->buf_pos, run);
              self->buf_pos += run;
              self->offset += run;
              prev_cr = FALSE;
              continue;
            }
        }

      c = self->buf[self->buf_pos++];
      self->offset++;

      switch (state)
        {
        case STATE_RECORD_START:
          if (c == '\n' && self->after_cr)
            {
              /* The LF of a CRLF that ended the previous line */
              self->after_cr = FALSE;
              continue;
            }
          self->after_cr = FALSE;

          if (c == '\r' || c == '\n')
            {
              /* An empty line: not a record */
              reader_end_line (self, c);
              continue;
            }

          self->record_line = self->line;
          self->record_start = self->offset - 1;
          self->fields = g_ptr_array_new_with_free_func (g_free);
          G_GNUC_FALLTHROUGH;

        case STATE_FIELD_START:
          if (c == '"')
            {
              state = STATE_QUOTED;
              prev_cr = FALSE;
              break;
            }
          state = STATE_UNQUOTED;
          G_GNUC_FALLTHROUGH;

        case STATE_UNQUOTED:
          if (c == ',')
            {
              if (!reader_end_field (self, &local_error))
                return reader_fail (self, local_error, error);
              state = STATE_FIELD_START;
            }
          else if (c == '\r' || c == '\n')
            {
              if (!reader_end_field (self, &local_error))
                return reader_fail (self, local_error, error);
              reader_end_line (self, c);
              goto record_done;
            }
          else
            {
              if (c == '"')
                reader_mark_bad (self,
                                 _("Line %u: unexpected quote character inside unquoted field %u."),
                                 self->record_line, self->n_fields + 1);
              reader_append_byte (self, c);
            }
          break;

        case STATE_QUOTED:
          if (c == '"')
            {
              state = STATE_QUOTE_IN_QUOTED;
            }
          else
            {
              if (c == '\r' || (c == '\n' && !prev_cr))
                self->line++;
              reader_append_byte (self, c);
            }
          prev_cr = (c == '\r');
          break;

        case STATE_QUOTE_IN_QUOTED:
          if (c == '"')
            {
              /* A doubled quote stands for one quote */
              reader_append_byte (self, c);
              state = STATE_QUOTED;
              prev_cr = FALSE;
            }
          else if (c == ',')
            {
              if (!reader_end_field (self, &local_error))
                return reader_fail (self, local_error, error);
              state = STATE_FIELD_START;
            }
          else if (c == '\r' || c == '\n')
            {
              if (!reader_end_field (self, &local_error))
                return reader_fail (self, local_error, error);
              reader_end_line (self, c);
              goto record_done;
            }
          else
            {
              reader_mark_bad (self,
                               _("Line %u: unexpected text after the closing quote of field %u."),
                               self->record_line, self->n_fields + 1);
              reader_append_byte (self, c);
              state = STATE_UNQUOTED;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  /* End of the stream */
  switch (state)
    {
    case STATE_RECORD_START:
      return STK_CSV_EOF;

    case STATE_QUOTED:
      g_set_error (&local_error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Line %u: a quoted field is never closed."), self->record_line);
      return reader_fail (self, local_error, error);

    case STATE_FIELD_START:     /* after a trailing comma: one more empty field */
    case STATE_UNQUOTED:
    case STATE_QUOTE_IN_QUOTED:
      if (!reader_end_field (self, &local_error))
        return reader_fail (self, local_error, error);
      break;

    default:
      g_assert_not_reached ();
    }

record_done:
  if (self->bad_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->bad_error));
      reader_reset_record (self);
      return STK_CSV_BAD_RECORD;
    }

  *out_fields = g_steal_pointer (&self->fields);

  return STK_CSV_RECORD;
}

/**
 * stk_csv_append_field:
 * @line: the line being built
 * @value: (nullable): the field's value, UTF-8
 *
 * Appends @value as one CSV field (without a separator). The field is quoted
 * only when it has to be: when it contains a comma, a quote, CR or LF, or
 * starts or ends with a space or tab; quotes inside are doubled. %NULL is
 * written as an empty field.
 */
void
stk_csv_append_field (GString    *line,
                      const char *value)
{
  gsize len;
  gboolean needs_quotes;

  g_return_if_fail (line != NULL);

  if (value == NULL || value[0] == '\0')
    return;

  len = strlen (value);
  needs_quotes = strpbrk (value, ",\"\r\n") != NULL
                 || value[0] == ' ' || value[0] == '\t'
                 || value[len - 1] == ' ' || value[len - 1] == '\t';

  if (!needs_quotes)
    {
      g_string_append_len (line, value, len);
      return;
    }

  g_string_append_c (line, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

/**
 * stk_csv_writer_new:
 * @stream: where to write
 *
 * Creates a writer that writes UTF-8 CSV without a byte-order mark, with CRLF
 * line ends. It takes a reference on @stream; stk_csv_writer_close() closes
 * it.
 *
 * Returns: (transfer full): a new writer; free it with stk_csv_writer_free()
 */
StkCsvWriter *
stk_csv_writer_new (GOutputStream *stream)
{
  StkCsvWriter *self;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);

  self = g_new0 (StkCsvWriter, 1);
  self->stream = g_object_ref (stream);
  self->buffer = g_string_sized_new (STK_CSV_WRITER_FLUSH_SIZE + 4096);

  return self;
}

/**
 * stk_csv_writer_free:
 * @self: (nullable): a writer
 *
 * Frees the writer and drops its reference on the stream. Rows still in the
 * buffer are discarded: call stk_csv_writer_close() first to keep them.
 */
void
stk_csv_writer_free (StkCsvWriter *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->stream);
  g_string_free (self->buffer, TRUE);
  g_free (self);
}

static gboolean
writer_flush (StkCsvWriter  *self,
              GCancellable  *cancellable,
              GError       **error)
{
  gsize written = 0;
  gboolean ok;

  if (self->buffer->len == 0)
    return TRUE;

  ok = g_output_stream_write_all (self->stream,
                                  self->buffer->str,
                                  self->buffer->len,
                                  &written,
                                  cancellable,
                                  error);

  /* On failure keep what was not written, so a retry does not duplicate. */
  g_string_erase (self->buffer, 0, written);

  return ok;
}

static gboolean
writer_check_open (StkCsvWriter  *self,
                   GError       **error)
{
  if (self->closed)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                           _("The CSV file has already been closed."));
      return FALSE;
    }

  return TRUE;
}

/**
 * stk_csv_writer_write_row:
 * @self: a writer
 * @fields: (array length=n_fields): the values, UTF-8; %NULL entries are empty
 * @n_fields: the number of values, at least 1
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Writes one record, terminated by CRLF. Rows are buffered and written to
 * the stream in blocks of about 64 KiB, so a write error may be reported by
 * a later call or by stk_csv_writer_close().
 *
 * A row made of a single empty value is written as `""` so that it is not
 * mistaken for an empty line when read back.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
stk_csv_writer_write_row (StkCsvWriter        *self,
                          const char   *const *fields,
                          guint                n_fields,
                          GCancellable        *cancellable,
                          GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);
  g_return_val_if_fail (n_fields > 0, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!writer_check_open (self, error))
    return FALSE;

  if (n_fields == 1 && (fields[0] == NULL || fields[0][0] == '\0'))
    {
      g_string_append (self->buffer, "\"\"");
    }
  else
    {
      for (guint i = 0; i < n_fields; i++)
        {
          if (i > 0)
            g_string_append_c (self->buffer, ',');
          stk_csv_append_field (self->buffer, fields[i]);
        }
    }
  g_string_append (self->buffer, "\r\n");

  if (self->buffer->len >= STK_CSV_WRITER_FLUSH_SIZE)
    return writer_flush (self, cancellable, error);

  return TRUE;
}

/**
 * stk_csv_writer_close:
 * @self: a writer
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Writes the buffered rows and closes the stream. The stream is closed even
 * when the last write fails; the first error is returned. Closing again does
 * nothing and returns %TRUE.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
stk_csv_writer_close (StkCsvWriter  *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GError) flush_error = NULL;
  gboolean closed_ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->closed)
    return TRUE;

  self->closed = TRUE;

  if (!writer_flush (self, cancellable, &flush_error))
    {
      /* Still release the file; the write error is the one that matters. */
      g_output_stream_close (self->stream, cancellable, NULL);
      g_propagate_error (error, g_steal_pointer (&flush_error));
      return FALSE;
    }

  closed_ok = g_output_stream_close (self->stream, cancellable, error);

  return closed_ok;
}
