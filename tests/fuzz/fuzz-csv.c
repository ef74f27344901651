/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the CSV reader: the input is read as a CSV file through
 * StkCsvReader until EOF or FATAL. Every good record is written back with
 * stk_csv_append_field() the way StkCsvWriter writes a row (a lone empty field as
 * `""`), after a header line as in every export, and read again: it must come back
 * the same, field for field, byte for byte.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stk-csv.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check (gboolean    condition,
       const char *what)
{
  if (!condition)
    {
      g_printerr ("fuzz-csv: %s\n", what);
      abort ();
    }
}

static void
round_trip (GPtrArray *fields)
{
  g_autoptr(GString) text = g_string_new ("h\r\n");
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(StkCsvReader) reader = NULL;
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  gsize line_start = text->len;

  if (fields->len == 1 && ((char *) g_ptr_array_index (fields, 0))[0] == '\0')
    g_string_append (text, "\"\"");
  else
    {
      for (guint i = 0; i < fields->len; i++)
        {
          if (i > 0)
            g_string_append_c (text, ',');
          stk_csv_append_field (text, g_ptr_array_index (fields, i));
        }
    }
  /* Quoting may make a record that was just under the limit go over it. */
  if (text->len - line_start > STK_CSV_MAX_RECORD_BYTES)
    return;
  g_string_append (text, "\r\n");

  stream = g_memory_input_stream_new_from_data (text->str, text->len, NULL);
  reader = stk_csv_reader_new (stream);
  check (stk_csv_reader_next (reader, &header, &error) == STK_CSV_RECORD, "header lost");
  check (stk_csv_reader_next (reader, &again, &error) == STK_CSV_RECORD,
         error ? error->message : "a written record does not read back");
  check (again->len == fields->len, "a written record reads back with another number of fields");
  for (guint i = 0; i < fields->len; i++)
    check (strcmp (g_ptr_array_index (again, i), g_ptr_array_index (fields, i)) == 0,
           "a written field reads back different");
  check (stk_csv_reader_next (reader, &after, &error) == STK_CSV_EOF,
         "a written record reads back as more than one");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (data, size, NULL);
  g_autoptr(StkCsvReader) reader = stk_csv_reader_new (stream);
  guint last_line = 0;

  for (;;)
    {
      g_autoptr(GPtrArray) fields = NULL;
      g_autoptr(GError) error = NULL;
      StkCsvStatus status = stk_csv_reader_next (reader, &fields, &error);

      if (status == STK_CSV_EOF)
        {
          check (error == NULL && fields == NULL, "EOF with an error or fields");
          break;
        }
      if (status == STK_CSV_FATAL)
        {
          g_autoptr(GPtrArray) fields2 = NULL;
          g_autoptr(GError) error2 = NULL;

          check (error != NULL && fields == NULL, "FATAL without an error");
          check (stk_csv_reader_next (reader, &fields2, &error2) == STK_CSV_FATAL && error2 != NULL,
                 "FATAL does not stick");
          break;
        }

      check (stk_csv_reader_get_line (reader) > last_line, "line numbers do not go forward");
      last_line = stk_csv_reader_get_line (reader);
      check (stk_csv_reader_get_offset (reader) <= size, "offset past the end of the input");

      if (status == STK_CSV_BAD_RECORD)
        {
          check (error != NULL && fields == NULL, "BAD_RECORD without an error");
          continue;
        }

      check (status == STK_CSV_RECORD && error == NULL && fields != NULL && fields->len > 0,
             "RECORD without fields");
      for (guint i = 0; i < fields->len; i++)
        check (g_utf8_validate (g_ptr_array_index (fields, i), -1, NULL), "a field is not UTF-8");
      round_trip (fields);
    }

  return 0;
}
