/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-csv: the CSV reader on a long input generated in memory (N records, 400 000 by
 * default, about 30 MB, quoted fields, doubled quotes, non-ASCII): records per second
 * and how much the peak resident memory grew while reading — the figure the unit test
 * test-csv.c (reader::streams_in_constant_memory) used to hold to 8 MiB; it now checks
 * only that the growth stays far below the input's size.
 *
 * Output:  records=N bytes=N seconds=S records_per_s=N peak_rss_growth_kib=N
 * Exit status 1 if the reader fails or miscounts.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "stk-csv.h"

static const char line[] =
  "SKU-000123,\"Widget, large\",\"He said \"\"hi\"\"\",42,3.50,Caffè 咖啡,,end\r\n";

/* An input stream repeating @line @repeat times without holding it all. */
#define BENCH_TYPE_REPEAT_STREAM (bench_repeat_stream_get_type ())
G_DECLARE_FINAL_TYPE (BenchRepeatStream, bench_repeat_stream, BENCH, REPEAT_STREAM, GInputStream)

struct _BenchRepeatStream
{
  GInputStream parent_instance;
  guint64      repeat;
  guint64      offset;
};

G_DEFINE_FINAL_TYPE (BenchRepeatStream, bench_repeat_stream, G_TYPE_INPUT_STREAM)

static gssize
bench_repeat_stream_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  BenchRepeatStream *self = BENCH_REPEAT_STREAM (stream);
  const gsize len = sizeof line - 1;
  const guint64 total = self->repeat * len;
  gsize n = 0;

  while (n < count && self->offset < total)
    {
      gsize at = self->offset % len;
      gsize chunk = MIN (count - n, len - at);

      memcpy ((char *) buffer + n, line + at, chunk);
      n += chunk;
      self->offset += chunk;
    }
  return (gssize) n;
}

static gboolean
bench_repeat_stream_close (GInputStream  *stream,
                           GCancellable  *cancellable,
                           GError       **error)
{
  return TRUE;
}

static void
bench_repeat_stream_class_init (BenchRepeatStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = bench_repeat_stream_read;
  G_INPUT_STREAM_CLASS (klass)->close_fn = bench_repeat_stream_close;
}

static void
bench_repeat_stream_init (BenchRepeatStream *self)
{
}

static long
max_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(StkCsvReader) reader = NULL;
  gint64 records_wanted = 400000;
  guint64 records = 0;
  BenchRepeatStream *src;
  StkCsvStatus status;
  long before, after;
  gint64 t0, t1;
  const GOptionEntry entries[] = {
    { "records", 0, 0, G_OPTION_ARG_INT64, &records_wanted, "Records to read (400000)", "N" },
    { NULL }
  };

  context = g_option_context_new ("— the CSV reader's speed and memory");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || records_wanted < 1)
    {
      g_printerr ("bench-csv: %s\n", error ? error->message : "--records must be at least 1");
      return 2;
    }

  stream = g_object_new (BENCH_TYPE_REPEAT_STREAM, NULL);
  src = BENCH_REPEAT_STREAM (stream);
  src->repeat = (guint64) records_wanted;

  reader = stk_csv_reader_new (stream);
  before = max_rss_kib ();
  t0 = g_get_monotonic_time ();
  for (;;)
    {
      g_autoptr(GPtrArray) fields = NULL;

      status = stk_csv_reader_next (reader, &fields, &error);
      if (status != STK_CSV_RECORD)
        break;
      if (fields->len != 8)
        {
          g_printerr ("bench-csv: record %" G_GUINT64_FORMAT " has %u fields\n", records + 1,
                      fields->len);
          return 1;
        }
      records++;
    }
  t1 = g_get_monotonic_time ();
  after = max_rss_kib ();

  if (status != STK_CSV_EOF || records != src->repeat)
    {
      g_printerr ("bench-csv: read %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " records: %s\n",
                  records, src->repeat, error ? error->message : "no error");
      return 1;
    }
  printf ("records=%" G_GUINT64_FORMAT " bytes=%" G_GUINT64_FORMAT " seconds=%.2f"
          " records_per_s=%.0f peak_rss_growth_kib=%ld\n",
          records, src->offset, (t1 - t0) / 1e6, records / ((t1 - t0) / 1e6), after - before);
  return 0;
}
