/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include <criterion/criterion.h>
#include <gio/gio.h>

/* Criterion's cr_assert*() macros expand to declarations after statements,
 * so the project's -Wdeclaration-after-statement would flag every assertion.
 * The code in this file itself follows the rule. */
#pragma GCC diagnostic ignored "-Wdeclaration-after-statement"

#include "stk-csv.h"
#include "stk-error.h"

/* ------------------------------------------------------------------------ */
/* A GInputStream that hands out its data in chunks of at most max_chunk
 * bytes, can repeat its data many times without holding it all in memory,
 * and can fail at a given offset. */

#define TEST_TYPE_CHUNK_STREAM (test_chunk_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestChunkStream, test_chunk_stream, TEST, CHUNK_STREAM, GInputStream)

struct _TestChunkStream
{
  GInputStream parent_instance;

  GBytes  *data;
  guint64  repeat;
  guint64  pos;
  gsize    max_chunk;
  gint64   fail_at; /* -1: never fail */
};

G_DEFINE_FINAL_TYPE (TestChunkStream, test_chunk_stream, G_TYPE_INPUT_STREAM)

static gssize
test_chunk_stream_read (GInputStream  *stream,
                        void          *buffer,
                        gsize          count,
                        GCancellable  *cancellable,
                        GError       **error)
{
  TestChunkStream *self = TEST_CHUNK_STREAM (stream);
  gsize len;
  const guint8 *data = g_bytes_get_data (self->data, &len);
  guint64 total = (guint64) len * self->repeat;
  gsize n = 0;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;

  if (self->fail_at >= 0 && self->pos >= (guint64) self->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Simulated read failure");
      return -1;
    }

  count = MIN (count, self->max_chunk);
  if (self->fail_at >= 0)
    count = MIN (count, (guint64) self->fail_at - self->pos);

  while (n < count && self->pos < total)
    {
      gsize at = self->pos % len;
      gsize take = MIN (count - n, len - at);

      take = MIN (take, total - self->pos);
      memcpy ((guint8 *) buffer + n, data + at, take);
      n += take;
      self->pos += take;
    }

  return n;
}

static void
test_chunk_stream_finalize (GObject *object)
{
  TestChunkStream *self = TEST_CHUNK_STREAM (object);

  g_clear_pointer (&self->data, g_bytes_unref);

  G_OBJECT_CLASS (test_chunk_stream_parent_class)->finalize (object);
}

static void
test_chunk_stream_class_init (TestChunkStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_chunk_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = test_chunk_stream_read;
}

static void
test_chunk_stream_init (TestChunkStream *self)
{
  self->repeat = 1;
  self->max_chunk = G_MAXSIZE;
  self->fail_at = -1;
}

static GInputStream *
chunk_stream_new (const char *data,
                  gsize       len,
                  gsize       max_chunk)
{
  TestChunkStream *self = g_object_new (TEST_TYPE_CHUNK_STREAM, NULL);

  self->data = g_bytes_new (data, len);
  self->max_chunk = max_chunk;

  return G_INPUT_STREAM (self);
}

/* ------------------------------------------------------------------------ */
/* A GOutputStream that accepts `capacity` bytes, then fails with ENOSPC. */

#define TEST_TYPE_FULL_STREAM (test_full_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestFullStream, test_full_stream, TEST, FULL_STREAM, GOutputStream)

struct _TestFullStream
{
  GOutputStream parent_instance;

  gsize capacity;
  gsize written;
};

G_DEFINE_FINAL_TYPE (TestFullStream, test_full_stream, G_TYPE_OUTPUT_STREAM)

static gssize
test_full_stream_write (GOutputStream  *stream,
                        const void     *buffer,
                        gsize           count,
                        GCancellable   *cancellable,
                        GError        **error)
{
  TestFullStream *self = TEST_FULL_STREAM (stream);
  gsize n;

  if (self->written >= self->capacity)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "No space left on device (simulated)");
      return -1;
    }

  n = MIN (count, self->capacity - self->written);
  self->written += n;

  return n;
}

static void
test_full_stream_class_init (TestFullStreamClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = test_full_stream_write;
}

static void
test_full_stream_init (TestFullStream *self)
{
}

static GOutputStream *
full_stream_new (gsize capacity)
{
  TestFullStream *self = g_object_new (TEST_TYPE_FULL_STREAM, NULL);

  self->capacity = capacity;

  return G_OUTPUT_STREAM (self);
}

/* ------------------------------------------------------------------------ */
/* Helpers */

static GInputStream *
memory_stream (const char *data,
               gsize       len)
{
  return g_memory_input_stream_new_from_data (g_memdup2 (data, len), len, g_free);
}

/* Shows a field with CR, LF, NUL and backslash escaped. */
static void
append_shown (GString    *out,
              const char *field)
{
  g_string_append_c (out, '[');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '\r')
        g_string_append (out, "\\r");
      else if (*p == '\n')
        g_string_append (out, "\\n");
      else if (*p == '\\')
        g_string_append (out, "\\\\");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, ']');
}

/* Reads everything and describes it, one line per result:
 *   R<line> [field] [field]…     a record
 *   B<line> <message>            a bad record
 *   F<line> <message>            a fatal error (the last line)
 *   EOF @<offset>                the end (the last line)
 */
static char *
describe_reader (StkCsvReader *reader)
{
  GString *out = g_string_new (NULL);

  for (guint guard = 0; guard < 1000000; guard++)
    {
      g_autoptr(GPtrArray) fields = NULL;
      g_autoptr(GError) error = NULL;
      StkCsvStatus status = stk_csv_reader_next (reader, &fields, &error);
      guint line = stk_csv_reader_get_line (reader);

      switch (status)
        {
        case STK_CSV_RECORD:
          cr_assert_null (error);
          cr_assert_not_null (fields);
          cr_assert_gt (fields->len, 0);
          g_string_append_printf (out, "R%u", line);
          for (guint i = 0; i < fields->len; i++)
            {
              g_string_append_c (out, ' ');
              append_shown (out, g_ptr_array_index (fields, i));
            }
          g_string_append_c (out, '\n');
          break;

        case STK_CSV_BAD_RECORD:
          cr_assert_null (fields);
          cr_assert_not_null (error);
          cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
          g_string_append_printf (out, "B%u %s\n", line, error->message);
          break;

        case STK_CSV_FATAL:
          cr_assert_null (fields);
          cr_assert_not_null (error);
          g_string_append_printf (out, "F%u %s\n", line, error->message);
          return g_string_free (out, FALSE);

        case STK_CSV_EOF:
          cr_assert_null (fields);
          cr_assert_null (error);
          g_string_append_printf (out, "EOF @%" G_GUINT64_FORMAT "\n",
                                  stk_csv_reader_get_offset (reader));
          return g_string_free (out, FALSE);

        default:
          cr_assert_fail ("unknown status %d", (int) status);
        }
    }

  cr_assert_fail ("the reader never stopped");
  return NULL;
}

static char *
describe_stream (GInputStream *stream)
{
  g_autoptr(StkCsvReader) reader = stk_csv_reader_new (stream);

  return describe_reader (reader);
}

static char *
describe_chunked (const char *data,
                  gsize       len,
                  gsize       max_chunk)
{
  g_autoptr(GInputStream) stream = chunk_stream_new (data, len, max_chunk);

  return describe_stream (stream);
}

/* Checks the reader's results for @data, read in one chunk (from a
 * GMemoryInputStream) and in chunks of 1, 2, 3 and 7 bytes. */
static void
check_csv_len (const char *data,
               gsize       len,
               const char *expected)
{
  static const gsize chunks[] = { 1, 2, 3, 7 };
  g_autoptr(GInputStream) stream = memory_stream (data, len);
  g_autofree char *whole = describe_stream (stream);

  cr_assert_str_eq (whole, expected);

  for (guint i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      g_autofree char *chunked = describe_chunked (data, len, chunks[i]);

      cr_assert_str_eq (chunked, expected, "different result with %zu-byte chunks", chunks[i]);
    }
}

#define check_csv(literal, expected) check_csv_len ((literal), sizeof (literal) - 1, (expected))

/* Like cr_assert_str_eq(), but the message shows only the start of the
 * strings: Criterion takes minutes to format a failure with megabytes. */
#define assert_big_str_eq(actual, expected)                                         \
  cr_assert (g_strcmp0 ((actual), (expected)) == 0, "got \"%.300s\", expected \"%.300s\"", \
             (actual), (expected))

static GBytes *
write_rows (GPtrArray *rows)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(StkCsvWriter) writer = stk_csv_writer_new (out);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *row = g_ptr_array_index (rows, i);

      cr_assert (stk_csv_writer_write_row (writer, (const char *const *) row->pdata, row->len,
                                           NULL, &error),
                 "%s", error ? error->message : "");
    }
  cr_assert (stk_csv_writer_close (writer, NULL, &error), "%s", error ? error->message : "");
  cr_assert (g_output_stream_is_closed (out));

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* Reads @stream and checks it yields exactly @rows. */
static void
check_reads_back (GInputStream *stream,
                  GPtrArray    *rows)
{
  g_autoptr(StkCsvReader) reader = stk_csv_reader_new (stream);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) extra = NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *row = g_ptr_array_index (rows, i);
      g_autoptr(GPtrArray) fields = NULL;
      StkCsvStatus status = stk_csv_reader_next (reader, &fields, &error);

      cr_assert_eq (status, STK_CSV_RECORD, "row %u: status %d: %s", i, status,
                    error ? error->message : "");
      cr_assert_eq (fields->len, row->len, "row %u: %u fields, expected %u", i, fields->len,
                    row->len);
      for (guint j = 0; j < row->len; j++)
        {
          const char *want = g_ptr_array_index (row, j);

          cr_assert (g_strcmp0 (g_ptr_array_index (fields, j), want ? want : "") == 0,
                     "row %u field %u differs: got \"%.100s\", expected \"%.100s\"", i, j,
                     (const char *) g_ptr_array_index (fields, j), want ? want : "");
        }
    }

  cr_assert_eq (stk_csv_reader_next (reader, &extra, &error), STK_CSV_EOF);
  cr_assert_null (error);
  cr_assert_null (extra);
}

static GPtrArray *
row_new (const char *first,
         ...)
{
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    g_ptr_array_add (row, g_strdup (s));
  va_end (args);

  return row;
}

static GPtrArray *
rows_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
}

static char *
repeat_string (const char *unit,
               guint       times)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (s, unit);

  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Reader: good input */

Test (reader, simple_records)
{
  check_csv ("a,b,c\n1,2,3\n",
             "R1 [a] [b] [c]\n"
             "R2 [1] [2] [3]\n"
             "EOF @12\n");
  check_csv ("single\n", "R1 [single]\nEOF @7\n");
  check_csv ("  spaced , kept  \n", "R1 [  spaced ] [ kept  ]\nEOF @18\n");
}

Test (reader, fields_are_owned_strings)
{
  g_autoptr(GInputStream) stream = memory_stream ("x,y\n", 4);
  g_autoptr(StkCsvReader) reader = stk_csv_reader_new (stream);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;

  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_RECORD);
  cr_assert_eq (fields->len, 2);
  /* Removing an element must free it with g_free (ASan/valgrind check this)
   * and the strings must not alias the reader's buffers. */
  g_ptr_array_remove_index (fields, 0);
  cr_assert_str_eq (g_ptr_array_index (fields, 0), "y");
}

Test (reader, crlf_and_lf)
{
  check_csv ("a,b\r\nc,d\r\n",
             "R1 [a] [b]\n"
             "R2 [c] [d]\n"
             "EOF @10\n");
  check_csv ("a\r\nb\nc\r\nd",
             "R1 [a]\n"
             "R2 [b]\n"
             "R3 [c]\n"
             "R4 [d]\n"
             "EOF @9\n");
}

Test (reader, lone_cr_ends_a_record)
{
  /* Documented choice: a lone CR outside quotes is a line end. */
  check_csv ("a,b\rc\r\nd\n",
             "R1 [a] [b]\n"
             "R2 [c]\n"
             "R3 [d]\n"
             "EOF @9\n");
  check_csv ("a\r\r\rb\r",
             "R1 [a]\n"
             "R4 [b]\n"
             "EOF @6\n");
}

Test (reader, bom_stripped)
{
  check_csv ("\xEF\xBB\xBFname,qty\r\nCaffè 咖啡,3\r\n",
             "R1 [name] [qty]\n"
             "R2 [Caffè 咖啡] [3]\n"
             "EOF @30\n");
  check_csv ("\xEF\xBB\xBF", "EOF @3\n");
  check_csv ("\xEF\xBB\xBF\"q\"", "R1 [q]\nEOF @6\n");
  /* Only a leading BOM is special; later it is just a character (U+FEFF). */
  check_csv ("a\n\xEF\xBB\xBF" "b\n", "R1 [a]\nR2 [\xEF\xBB\xBF" "b]\nEOF @7\n");
  /* Half a BOM is not a BOM: it is invalid UTF-8. */
  check_csv ("\xEF\xBBx\n", "B1 Line 1: invalid UTF-8 in field 1.\nEOF @4\n");
}

Test (reader, quoted_commas_and_quotes)
{
  check_csv ("\"a,b\",\"say \"\"hi\"\"\",\"\"\"\",\"\"\n",
             "R1 [a,b] [say \"hi\"] [\"] []\n"
             "EOF @27\n");
  check_csv ("\"\"\"\"\"\"\n", "R1 [\"\"]\nEOF @7\n");
  check_csv ("\" lead\",\"trail \"\n", "R1 [ lead] [trail ]\nEOF @17\n");
}

Test (reader, quoted_newlines_keep_line_count)
{
  check_csv ("id,note\n"
             "1,\"line one\nline two\r\nline three\"\n"
             "2,x\n",
             "R1 [id] [note]\n"
             "R2 [1] [line one\\nline two\\r\\nline three]\n"
             "R5 [2] [x]\n"
             "EOF @46\n");
  check_csv ("\"a\rb\"\r\nc\r\n",
             "R1 [a\\rb]\n"
             "R3 [c]\n"
             "EOF @10\n");
  check_csv ("\"\n\n\n\",x\n\"\r\n\r\n\"\ny\n",
             "R1 [\\n\\n\\n] [x]\n"
             "R5 [\\r\\n\\r\\n]\n"
             "R8 [y]\n"
             "EOF @17\n");
}

Test (reader, empty_lines_skipped)
{
  check_csv ("\n\na,b\n\r\n\nc\n\n",
             "R3 [a] [b]\n"
             "R6 [c]\n"
             "EOF @12\n");
  check_csv ("\n\r\n\r\n", "EOF @5\n");
  check_csv ("", "EOF @0\n");
}

Test (reader, last_record_without_newline)
{
  check_csv ("a,b\nc,d", "R1 [a] [b]\nR2 [c] [d]\nEOF @7\n");
  check_csv ("a,\"b\"", "R1 [a] [b]\nEOF @5\n");
  check_csv ("\"x\ny\"", "R1 [x\\ny]\nEOF @5\n");
  check_csv ("a,", "R1 [a] []\nEOF @2\n");
}

Test (reader, empty_fields_and_trailing_comma)
{
  check_csv ("a,,b\n"
             ",\n"
             ",,\n"
             "a,b,\n"
             "\"\"\n"
             " \n"
             "\"\",\"\"\n",
             "R1 [a] [] [b]\n"
             "R2 [] []\n"
             "R3 [] [] []\n"
             "R4 [a] [b] []\n"
             "R5 []\n"
             "R6 [ ]\n"
             "R7 [] []\n"
             "EOF @26\n");
}

Test (reader, line_and_offset_after_each_record)
{
  static const char data[] = "a\r\n\"b\nc\"\r\n\r\nd";
  g_autoptr(GInputStream) stream = memory_stream (data, sizeof data - 1);
  g_autoptr(StkCsvReader) reader = stk_csv_reader_new (stream);
  static const guint lines[] = { 1, 2, 5 };
  static const guint64 offsets[] = { 3, 10, 13 };

  cr_assert_eq (stk_csv_reader_get_line (reader), 0);
  cr_assert_eq (stk_csv_reader_get_offset (reader), 0);

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(GPtrArray) fields = NULL;
      g_autoptr(GError) error = NULL;

      cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_RECORD);
      cr_assert_eq (stk_csv_reader_get_line (reader), lines[i], "record %u", i);
      cr_assert_eq (stk_csv_reader_get_offset (reader), offsets[i], "record %u: offset %"
                    G_GUINT64_FORMAT, i, stk_csv_reader_get_offset (reader));
    }
}

/* ------------------------------------------------------------------------ */
/* Reader: bad input */

Test (reader, invalid_utf8_is_a_bad_record)
{
  check_csv ("a,b\nx,\xff\xfe,z\ny,z\n",
             "R1 [a] [b]\n"
             "B2 Line 2: invalid UTF-8 in field 2.\n"
             "R3 [y] [z]\n"
             "EOF @15\n");
  /* A multi-byte sequence cut short by the separator; an overlong '/';
   * a Latin-1 file. */
  check_csv ("caf\xc3,x\n\xc0\xaf\nCaf\xe9\nok\n",
             "B1 Line 1: invalid UTF-8 in field 1.\n"
             "B2 Line 2: invalid UTF-8 in field 1.\n"
             "B3 Line 3: invalid UTF-8 in field 1.\n"
             "R4 [ok]\n"
             "EOF @18\n");
  /* In a multi-line quoted field: the bad record ends after the quotes
   * close, and the line count stays right. */
  check_csv ("1,\"bad \xff\nstill\",3\nnext\n",
             "B1 Line 1: invalid UTF-8 in field 2.\n"
             "R3 [next]\n"
             "EOF @23\n");
  /* The first problem of a record is reported. */
  check_csv ("\xff,\xff\n", "B1 Line 1: invalid UTF-8 in field 1.\nEOF @4\n");
}

Test (reader, stray_quote_is_a_bad_record)
{
  check_csv ("a,b\"c,d\ne,f\n",
             "B1 Line 1: unexpected quote character inside unquoted field 2.\n"
             "R2 [e] [f]\n"
             "EOF @12\n");
  check_csv (" \"x\"\nok\n",
             "B1 Line 1: unexpected quote character inside unquoted field 1.\n"
             "R2 [ok]\n"
             "EOF @8\n");
  /* The rest of a bad record is still parsed by the grammar: a quoted field
   * after the stray quote may span lines, and the record ends after it. */
  check_csv ("a\"b,\"multi\nline\",c\nnext\n",
             "B1 Line 1: unexpected quote character inside unquoted field 1.\n"
             "R3 [next]\n"
             "EOF @24\n");
}

Test (reader, text_after_closing_quote_is_a_bad_record)
{
  check_csv ("\"ab\"c,d\ne\n",
             "B1 Line 1: unexpected text after the closing quote of field 1.\n"
             "R2 [e]\n"
             "EOF @10\n");
  check_csv ("x,\"a\" ,b\r\ny\r\n",
             "B1 Line 1: unexpected text after the closing quote of field 2.\n"
             "R2 [y]\n"
             "EOF @13\n");
}

Test (reader, unterminated_quote_is_fatal)
{
  static const char data[] = "a,b\nc,\"open\nmore\n";
  g_autoptr(GInputStream) stream = memory_stream (data, sizeof data - 1);
  g_autoptr(StkCsvReader) reader = stk_csv_reader_new (stream);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;

  check_csv ("a,b\nc,\"open\nmore\n",
             "R1 [a] [b]\n"
             "F2 Line 2: a quoted field is never closed.\n");
  check_csv ("\"", "F1 Line 1: a quoted field is never closed.\n");

  /* Once fatal, always fatal. */
  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_RECORD);
  g_clear_pointer (&fields, g_ptr_array_unref);
  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_FATAL);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  g_clear_error (&error);
  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_FATAL);
  cr_assert_null (fields);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  cr_assert_str_eq (error->message, "Line 2: a quoted field is never closed.");
}

Test (reader, nul_byte_is_a_bad_record)
{
  check_csv ("a,b\0c\nd\n",
             "B1 Line 1: field 2 contains a NUL byte.\n"
             "R2 [d]\n"
             "EOF @8\n");
  check_csv ("\"x\0\"\n\0\nd",
             "B1 Line 1: field 1 contains a NUL byte.\n"
             "B2 Line 2: field 1 contains a NUL byte.\n"
             "R3 [d]\n"
             "EOF @8\n");
}

Test (reader, field_length_limit)
{
  g_autofree char *max = repeat_string ("x", STK_CSV_MAX_FIELD_BYTES);
  g_autofree char *quotes = repeat_string ("\"\"", STK_CSV_MAX_FIELD_BYTES);
  g_autofree char *ok = g_strdup_printf ("%s,\"%s\"\nend\n", max, quotes);
  g_autofree char *over = g_strdup_printf ("first\n%sx\nnever\n", max);
  g_autofree char *over_quoted = g_strdup_printf ("\"%s\"\"\"\n", quotes);
  g_autoptr(GInputStream) ok_stream = memory_stream (ok, strlen (ok));
  g_autoptr(StkCsvReader) reader = stk_csv_reader_new (ok_stream);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *over_result = NULL;
  g_autofree char *over_quoted_result = NULL;

  /* Exactly at the limit is fine (decoded size counts, not quoted size). */
  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_RECORD);
  cr_assert_eq (fields->len, 2);
  cr_assert_eq (strlen (g_ptr_array_index (fields, 0)), STK_CSV_MAX_FIELD_BYTES);
  cr_assert_eq (strlen (g_ptr_array_index (fields, 1)), STK_CSV_MAX_FIELD_BYTES);
  cr_assert_eq (strspn (g_ptr_array_index (fields, 1), "\""), STK_CSV_MAX_FIELD_BYTES);

  over_result = describe_chunked (over, strlen (over), 4096);
  assert_big_str_eq (over_result,
                    "R1 [first]\n"
                    "F2 Line 2: field too long (over 65536 bytes) — is this a CSV file?\n");
  over_quoted_result = describe_chunked (over_quoted, strlen (over_quoted), 1);
  assert_big_str_eq (over_quoted_result,
                    "F1 Line 1: field too long (over 65536 bytes) — is this a CSV file?\n");
}

Test (reader, record_limits)
{
  g_autofree char *field = repeat_string ("y", 60000);
  GString *big = g_string_new (NULL);
  g_autofree char *big_result = NULL;
  g_autofree char *many = NULL;
  g_autofree char *too_many = NULL;
  g_autofree char *many_result = NULL;
  g_autofree char *too_many_result = NULL;
  g_autofree char *binary = NULL;
  g_autofree char *binary_result = NULL;
  gsize binary_len = 3 * 1024 * 1024;

  /* 18 fields of 60000 bytes: about 1.03 MiB on one line */
  for (guint i = 0; i < 18; i++)
    g_string_append_printf (big, "%s%s", i ? "," : "", field);
  g_string_append (big, "\n");
  big_result = describe_chunked (big->str, big->len, 65536);
  g_string_free (big, TRUE);
  assert_big_str_eq (big_result,
                    "F1 Line 1: record too long (over 1048576 bytes) — is this a CSV file?\n");

  /* 1000 fields are fine, 1001 are not */
  many = repeat_string (",", STK_CSV_MAX_FIELDS - 1);
  many_result = describe_chunked (many, strlen (many), 65536);
  cr_assert (g_str_has_prefix (many_result, "R1 [] []"));
  cr_assert (g_str_has_suffix (many_result, "EOF @999\n"));
  cr_assert_eq (strlen (many_result), strlen ("R1\nEOF @999\n") + 3 * STK_CSV_MAX_FIELDS);

  too_many = repeat_string (",", STK_CSV_MAX_FIELDS);
  too_many_result = describe_chunked (too_many, strlen (too_many), 65536);
  assert_big_str_eq (too_many_result,
                    "F1 Line 1: too many fields (over 1000) — is this a CSV file?\n");

  /* Binary junk without line ends stops early instead of eating memory */
  binary = g_malloc (binary_len);
  for (gsize i = 0; i < binary_len; i++)
    binary[i] = (char) (0x80 | (i * 7919 % 127));
  binary_result = describe_chunked (binary, binary_len, 65536);
  cr_assert (g_str_has_prefix (binary_result, "F1 Line 1: field too long"), "%s", binary_result);
}

Test (reader, read_error_is_fatal)
{
  static const char data[] = "a,b\nc,d\n";
  g_autoptr(GInputStream) stream = chunk_stream_new (data, sizeof data - 1, 1);
  g_autoptr(GInputStream) stream0 = chunk_stream_new (data, sizeof data - 1, 1);
  g_autoptr(StkCsvReader) reader = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *result = NULL;

  TEST_CHUNK_STREAM (stream)->fail_at = 6;
  TEST_CHUNK_STREAM (stream0)->fail_at = 0;

  reader = stk_csv_reader_new (stream);
  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_RECORD);
  g_clear_pointer (&fields, g_ptr_array_unref);
  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_FATAL);
  cr_assert_null (fields);
  /* The GIO error is kept, with the line in front */
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED));
  cr_assert_str_eq (error->message, "Line 2: could not read the file: Simulated read failure");
  cr_assert_eq (stk_csv_reader_get_line (reader), 2);
  g_clear_error (&error);
  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_FATAL);
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED));

  result = describe_stream (stream0);
  cr_assert_str_eq (result, "F1 Line 1: could not read the file: Simulated read failure\n");
}

Test (reader, cancellable)
{
  /* Delivered in 2-byte chunks ("aa" "aa" "\nb" "\n"), so the second record
   * needs another read from the stream. */
  g_autoptr(GInputStream) stream = chunk_stream_new ("aaaa\nb\n", 7, 2);
  g_autoptr(StkCsvReader) reader = stk_csv_reader_new (stream);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;

  stk_csv_reader_set_cancellable (reader, cancellable);
  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_RECORD);
  cr_assert_str_eq (g_ptr_array_index (fields, 0), "aaaa");
  g_clear_pointer (&fields, g_ptr_array_unref);

  g_cancellable_cancel (cancellable);
  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_FATAL);
  cr_assert_null (fields);
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  cr_assert (g_str_has_prefix (error->message, "Line 2: could not read the file: "), "%s",
             error->message);
}

Test (reader, free_does_not_close_the_stream)
{
  g_autoptr(GInputStream) stream = memory_stream ("a\n", 2);
  StkCsvReader *reader = stk_csv_reader_new (stream);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;

  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_RECORD);
  stk_csv_reader_free (reader);
  stk_csv_reader_free (NULL);
  cr_assert_not (g_input_stream_is_closed (stream));
  /* The caller still owns a working stream */
  cr_assert (g_input_stream_close (stream, NULL, &error));
}

/* ------------------------------------------------------------------------ */
/* Reader: chunking and size */

static const struct
{
  const char *data;
  gsize len;
} corpus[] = {
#define C(s) { s, sizeof (s) - 1 }
  C ("a,b,c\n1,2,3\n"),
  C ("\xEF\xBB\xBF\"x\r\ny\",\"a\"\"b\"\r\n\r\nlast,"),
  C ("\r\n\r\r\n\"\r\"\r\"\n\"\n\"\r\n\""),
  C ("ok\nx,\xe5\x92\x96\xe5\x95\xa1\xe5\n\"ab\"c\na\"b\n\"\0\"\n\"unterminated\n"),
  C ("Caffè 咖啡,\"咖\"\"啡\"\n\xEF\xBB"),
  C ("a,\"\n\n\"\"\n\",b\r\r\n"),
#undef C
};

Test (reader, one_byte_chunks_match_one_chunk)
{
  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autoptr(GInputStream) whole_stream = memory_stream (corpus[i].data, corpus[i].len);
      g_autofree char *whole = describe_stream (whole_stream);
      g_autofree char *bytewise = describe_chunked (corpus[i].data, corpus[i].len, 1);

      cr_assert_str_eq (bytewise, whole, "corpus entry %u", i);
      cr_assert (g_str_has_prefix (whole, "R") || g_str_has_prefix (whole, "B"),
                 "corpus entry %u yields records: %s", i, whole);
    }
}

Test (reader, one_byte_chunks_across_buffer_boundaries)
{
  /* A field that straddles the 64 KiB buffer, a CR|LF split across it and a
   * quote pair split across it, read whole and byte by byte. */
  GString *s = g_string_new (NULL);
  g_autofree char *whole = NULL;
  g_autofree char *bytewise = NULL;
  g_autofree char *chunky = NULL;
  g_autofree char *eof = NULL;

  g_string_append (s, "head\r\n");
  while (s->len < 65536 - 3)
    g_string_append (s, "abc,\"d\"\"e\",f\r\n");
  g_string_append (s, "tail\r\n");
  {
    g_autoptr(GInputStream) stream = memory_stream (s->str, s->len);

    whole = describe_stream (stream);
  }
  bytewise = describe_chunked (s->str, s->len, 1);
  chunky = describe_chunked (s->str, s->len, 65535);
  cr_assert_str_eq (bytewise, whole);
  cr_assert_str_eq (chunky, whole);
  cr_assert (g_str_has_prefix (whole, "R1 [head]\nR2 [abc] [d\"e] [f]\n"));
  cr_assert (strstr (whole, "\nB") == NULL && strstr (whole, "\nF") == NULL);
  eof = g_strdup_printf ("\nEOF @%zu\n", s->len);
  cr_assert (g_str_has_suffix (whole, eof), "%s", eof);
  g_string_free (s, TRUE);
}

static long
max_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

Test (reader, streams_in_constant_memory, .timeout = 120)
{
  static const char line[] =
    "SKU-000123,\"Widget, large\",\"He said \"\"hi\"\"\",42,3.50,Caffè 咖啡,,end\r\n";
  const guint64 repeat = 400000; /* about 30 MB */
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(StkCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  guint64 records = 0;
  long before;
  long after;
  StkCsvStatus status;

  stream = chunk_stream_new (line, sizeof line - 1, G_MAXSIZE);
  TEST_CHUNK_STREAM (stream)->repeat = repeat;
  reader = stk_csv_reader_new (stream);
  before = max_rss_kib ();

  for (;;)
    {
      g_autoptr(GPtrArray) fields = NULL;

      status = stk_csv_reader_next (reader, &fields, &error);
      if (status != STK_CSV_RECORD)
        break;
      cr_assert_eq (fields->len, 8);
      records++;
    }

  after = max_rss_kib ();
  cr_assert_eq (status, STK_CSV_EOF, "%s", error ? error->message : "");
  cr_assert_eq (records, repeat);
  cr_assert_eq (stk_csv_reader_get_offset (reader), repeat * (sizeof line - 1));
  cr_assert_eq (stk_csv_reader_get_line (reader), repeat);
#if !defined(__SANITIZE_ADDRESS__)
  /* ASan's quarantine keeps freed memory around, so only check without it. The margin
   * is wide: a reader that kept what it read would grow by the whole input (about
   * 30 MB); streaming grows by far less than half of it. The figure itself is printed
   * by tests/bench/bench-csv.c. */
  cr_assert_lt ((guint64) (after - before) * 1024, repeat * (sizeof line - 1) / 2,
                "peak RSS grew by %ld KiB reading %" G_GUINT64_FORMAT " KiB", after - before,
                repeat * (sizeof line - 1) / 1024);
#else
  (void) before;
  (void) after;
#endif
}

/* ------------------------------------------------------------------------ */
/* Writer */

Test (writer, append_field_quotes_only_when_needed)
{
  static const struct
  {
    const char *value;
    const char *expected;
  } cases[] = {
    { NULL, "" },
    { "", "" },
    { "plain", "plain" },
    { "Caffè 咖啡", "Caffè 咖啡" },
    { "in side", "in side" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "\"", "\"\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "cr\ronly", "\"cr\ronly\"" },
    { "crlf\r\n", "\"crlf\r\n\"" },
    { " lead", "\" lead\"" },
    { "trail ", "\"trail \"" },
    { "\ttab", "\"\ttab\"" },
    { " ", "\" \"" },
    { "it's", "it's" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) line = g_string_new ("pre|");

      stk_csv_append_field (line, cases[i].value);
      cr_assert_str_eq (line->str + 4, cases[i].expected, "case %u", i);
      cr_assert (g_str_has_prefix (line->str, "pre|"));
    }
}

Test (writer, write_row_exact_bytes)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(StkCsvWriter) writer = stk_csv_writer_new (out);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *row1[] = { "name", "qty" };
  const char *row2[] = { "Caffè, 咖啡", NULL, "" };
  const char *row3[] = { "" };
  const char *row4[] = { NULL };
  const char *row5[] = { "", "" };
  static const char expected[] =
    "name,qty\r\n"
    "\"Caffè, 咖啡\",,\r\n"
    "\"\"\r\n"
    "\"\"\r\n"
    ",\r\n";
  gsize len;
  const char *data;

  cr_assert (stk_csv_writer_write_row (writer, row1, G_N_ELEMENTS (row1), NULL, &error));
  cr_assert (stk_csv_writer_write_row (writer, row2, G_N_ELEMENTS (row2), NULL, &error));
  cr_assert (stk_csv_writer_write_row (writer, row3, G_N_ELEMENTS (row3), NULL, &error));
  cr_assert (stk_csv_writer_write_row (writer, row4, G_N_ELEMENTS (row4), NULL, &error));
  cr_assert (stk_csv_writer_write_row (writer, row5, G_N_ELEMENTS (row5), NULL, &error));
  cr_assert (stk_csv_writer_close (writer, NULL, &error));
  cr_assert (g_output_stream_is_closed (out));
  /* Closing twice is harmless */
  cr_assert (stk_csv_writer_close (writer, NULL, &error));
  cr_assert_null (error);

  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  data = g_bytes_get_data (bytes, &len);
  cr_assert_eq (len, sizeof expected - 1);
  cr_assert (memcmp (data, expected, len) == 0, "got: %.*s", (int) len, data);
  /* No BOM */
  cr_assert (data[0] == 'n');

  {
    g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (bytes);
    g_autofree char *result = describe_stream (in);

    cr_assert_str_eq (result,
                      "R1 [name] [qty]\n"
                      "R2 [Caffè, 咖啡] [] []\n"
                      "R3 []\n"
                      "R4 []\n"
                      "R5 [] []\n"
                      "EOF @41\n");
  }
}

Test (writer, buffers_then_flushes_beyond_64k)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(StkCsvWriter) writer = stk_csv_writer_new (out);
  GMemoryOutputStream *mem = G_MEMORY_OUTPUT_STREAM (out);
  g_autoptr(GError) error = NULL;
  g_autofree char *kib = repeat_string ("z", 1022); /* 1 KiB per row with CRLF */
  const char *row[] = { kib };
  gsize total = 0;

  /* Under 64 KiB nothing reaches the stream yet */
  for (guint i = 0; i < 63; i++)
    {
      cr_assert (stk_csv_writer_write_row (writer, row, 1, NULL, &error));
      total += 1024;
    }
  cr_assert_eq (g_memory_output_stream_get_data_size (mem), 0);

  /* Crossing 64 KiB flushes everything buffered */
  cr_assert (stk_csv_writer_write_row (writer, row, 1, NULL, &error));
  total += 1024;
  cr_assert_eq (g_memory_output_stream_get_data_size (mem), total);

  cr_assert (stk_csv_writer_write_row (writer, row, 1, NULL, &error));
  total += 1024;
  cr_assert_eq (g_memory_output_stream_get_data_size (mem), total - 1024);

  cr_assert (stk_csv_writer_close (writer, NULL, &error));
  cr_assert_eq (g_memory_output_stream_get_data_size (mem), total);
}

Test (writer, write_error_propagates)
{
  g_autoptr(GOutputStream) out = full_stream_new (1000);
  g_autoptr(StkCsvWriter) writer = stk_csv_writer_new (out);
  g_autoptr(GError) error = NULL;
  g_autofree char *kib = repeat_string ("z", 1022);
  const char *row[] = { kib };
  guint i;

  for (i = 0; i < 1000; i++)
    {
      if (!stk_csv_writer_write_row (writer, row, 1, NULL, &error))
        break;
      cr_assert_null (error);
    }

  /* Fails on the first flush, after 64 KiB */
  cr_assert_eq (i, 63);
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE));
  cr_assert_str_eq (error->message, "No space left on device (simulated)");
  g_clear_error (&error);

  /* Close reports the failure to write the rest, and still closes */
  cr_assert_not (stk_csv_writer_close (writer, NULL, &error));
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE));
  cr_assert (g_output_stream_is_closed (out));
  cr_assert_eq (TEST_FULL_STREAM (out)->written, 1000);
}

Test (writer, close_error_propagates)
{
  g_autoptr(GOutputStream) out = full_stream_new (4);
  g_autoptr(StkCsvWriter) writer = stk_csv_writer_new (out);
  g_autoptr(GError) error = NULL;
  const char *row[] = { "more", "than", "four" };

  cr_assert (stk_csv_writer_write_row (writer, row, 3, NULL, &error));
  cr_assert_not (stk_csv_writer_close (writer, NULL, &error));
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE));
}

Test (writer, closed_stream_errors)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(StkCsvWriter) writer = stk_csv_writer_new (out);
  g_autoptr(GError) error = NULL;
  const char *row[] = { "a", "b" };

  cr_assert (g_output_stream_close (out, NULL, NULL));
  cr_assert (stk_csv_writer_write_row (writer, row, 2, NULL, &error)); /* only buffered */
  cr_assert_not (stk_csv_writer_close (writer, NULL, &error));
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED));
  g_clear_error (&error);

  /* Writing after the writer is closed is an error too */
  cr_assert_not (stk_csv_writer_write_row (writer, row, 2, NULL, &error));
  cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED));
}

Test (writer, free_is_null_safe_and_drops_its_ref)
{
  GOutputStream *out = g_memory_output_stream_new_resizable ();
  StkCsvWriter *writer = stk_csv_writer_new (out);
  GWeakRef weak;

  g_weak_ref_init (&weak, out);
  g_object_unref (out);
  {
    g_autoptr(GObject) alive = g_weak_ref_get (&weak);

    cr_assert_not_null (alive, "the writer must hold a reference");
  }
  stk_csv_writer_free (writer);
  stk_csv_writer_free (NULL);
  {
    g_autoptr(GObject) gone = g_weak_ref_get (&weak);

    cr_assert_null (gone, "the writer must drop its reference");
  }
  g_weak_ref_clear (&weak);
}

/* ------------------------------------------------------------------------ */
/* Round trips */

static const char *const tricky[] = {
  "",
  "plain",
  "\"",
  "\"\"",
  "say \"hi\"",
  ",",
  "a,b,c",
  "\r\n",
  "line one\r\nline two",
  "lf\nonly",
  "cr\ronly",
  "\n\n",
  " leading",
  "trailing ",
  "  ",
  "\ttab\t",
  "Caffè 咖啡",
  "😀 emoji, \"quoted\"\n",
  ("\xEF\xBB\xBF" "bom-like start"), /* starts with a BOM */
  "=SUM(A1:A2)",
};

Test (roundtrip, tricky_values)
{
  g_autoptr(GPtrArray) rows = rows_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *max_x = repeat_string ("x", STK_CSV_MAX_FIELD_BYTES);
  g_autofree char *max_quotes = repeat_string ("\"", STK_CSV_MAX_FIELD_BYTES);
  g_autofree char *cjk = repeat_string ("咖", STK_CSV_MAX_FIELD_BYTES / 3);
  g_autofree char *max_cjk = g_strconcat (cjk, "x", NULL);
  g_autofree char *max_lines = repeat_string ("\r\n", STK_CSV_MAX_FIELD_BYTES / 2);
  GPtrArray *all;

  cr_assert_eq (strlen (max_cjk), STK_CSV_MAX_FIELD_BYTES);

  /* Each value alone, and each value between others */
  for (guint i = 0; i < G_N_ELEMENTS (tricky); i++)
    {
      g_ptr_array_add (rows, row_new (tricky[i], NULL));
      g_ptr_array_add (rows, row_new ("before", tricky[i], "after", NULL));
      g_ptr_array_add (rows, row_new (tricky[i], tricky[i], NULL));
    }

  /* All of them in one row */
  all = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (tricky); i++)
    g_ptr_array_add (all, g_strdup (tricky[i]));
  g_ptr_array_add (rows, all);

  /* Fields at the size limit */
  g_ptr_array_add (rows, row_new (max_x, NULL));
  g_ptr_array_add (rows, row_new (max_quotes, "", max_cjk, NULL));
  g_ptr_array_add (rows, row_new ("", max_lines, NULL));
  g_ptr_array_add (rows, row_new ("last", NULL));

  bytes = write_rows (rows);

  {
    g_autoptr(GInputStream) whole = g_memory_input_stream_new_from_bytes (bytes);

    check_reads_back (whole, rows);
  }
  {
    gsize len;
    const char *data = g_bytes_get_data (bytes, &len);
    g_autoptr(GInputStream) bytewise = chunk_stream_new (data, len, 1);

    check_reads_back (bytewise, rows);
  }
}

Test (roundtrip, random_rows_random_chunks)
{
  static const char *const atoms[] = {
    "a", "Z", "0", " ", ",", "\"", "\r", "\n", "\r\n", "\t", "è", "咖啡", "😀", "''", ";",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (4180);
  g_autoptr(GPtrArray) rows = rows_new ();
  g_autoptr(GBytes) bytes = NULL;
  gsize len;
  const char *data;

  for (guint r = 0; r < 2000; r++)
    {
      GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
      guint n_fields = g_rand_int_range (rand, 1, 12);

      for (guint f = 0; f < n_fields; f++)
        {
          GString *value = g_string_new (NULL);
          guint n_atoms = g_rand_int_range (rand, 0, 9);

          for (guint a = 0; a < n_atoms; a++)
            g_string_append (value, atoms[g_rand_int_range (rand, 0, G_N_ELEMENTS (atoms))]);
          g_ptr_array_add (row, g_string_free (value, FALSE));
        }
      g_ptr_array_add (rows, row);
    }

  bytes = write_rows (rows);
  data = g_bytes_get_data (bytes, &len);
  cr_assert_gt (len, 65536, "the writer flushed at least once");

  for (guint round = 0; round < 6; round++)
    {
      gsize chunk = round == 0 ? 1 : (gsize) g_rand_int_range (rand, 2, 9000);
      g_autoptr(GInputStream) stream = chunk_stream_new (data, len, chunk);

      check_reads_back (stream, rows);
    }
}
