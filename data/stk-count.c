/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-count.h"

#include <string.h>

#include <glib/gi18n.h>

#include "stk-cost.h"
#include "stk-csv.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-op-private.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-transfer-private.h"

/* The largest count of one item, as the other CSV files take quantities: sums of
 * such figures cannot overflow. */
#define MAX_COUNTED G_GINT64_CONSTANT (1000000000000)

static void
count_item_free (gpointer data)
{
  StkCountItem *item = data;

  g_free (item->code);
  g_free (item->description);
  g_free (item);
}

void
stk_count_free (StkCount *count)
{
  if (count == NULL)
    return;
  g_free (count->display_name);
  g_clear_pointer (&count->items, g_ptr_array_unref);
  g_free (count);
}

typedef struct
{
  StkCount    *count;
  GHashTable  *by_id;     /* item id → StkCountItem* (in count->items) */
  GHashTable  *scans;     /* text as the file gives it → ScanResult* */
  GPtrArray   *errors;    /* "Line N: …" */
  guint64      n_errors;
  int          code_col;
  int          counted_col;
  guint        n_fields;
} Reader;

typedef struct
{
  gint64 item_id;
  gint64 pack;
} ScanResult;

static void
add_error (Reader     *r,
           guint       line,
           const char *message)
{
  r->n_errors++;
  if (r->errors->len < STK_IMPORT_MAX_REPORTED_ERRORS)
    g_ptr_array_add (r->errors, line > 0 ? g_strdup_printf (_("Line %u: %s"), line, message)
                                         : g_strdup (message));
}

static gboolean
parse_header (Reader    *r,
              GPtrArray *fields,
              guint      line)
{
  guint64 before = r->n_errors;

  r->code_col = r->counted_col = -1;
  r->n_fields = fields->len;
  for (guint i = 0; i < fields->len; i++)
    {
      char *name = g_strstrip ((char *) g_ptr_array_index (fields, i));
      int *col = NULL;

      if (g_ascii_strcasecmp (name, "code") == 0)
        col = &r->code_col;
      else if (g_ascii_strcasecmp (name, "counted") == 0)
        col = &r->counted_col;

      if (col == NULL)
        {
          g_autofree char *msg = NULL;

          if (*name == '\0')
            msg = g_strdup_printf (_("Column %u has no name; the columns of a count file are "
                                     "code and counted."),
                                   i + 1);
          else
            msg = g_strdup_printf (_("Unknown column “%s”; the columns of a count file are "
                                     "code and counted."),
                                   name);
          add_error (r, line, msg);
        }
      else if (*col >= 0)
        {
          g_autofree char *msg = g_strdup_printf (_("The column “%s” appears twice."), name);
          add_error (r, line, msg);
        }
      else
        *col = (int) i;
    }
  if (r->code_col < 0)
    add_error (r, line, _("The required column “code” is missing."));
  if (r->counted_col < 0)
    add_error (r, line, _("The required column “counted” is missing."));
  return r->n_errors == before;
}

/* The item @text stands for, looked up once per distinct text. FALSE with a
 * sentence for the file's line when there is none (or it is archived). */
static gboolean
lookup (Reader      *r,
        StkStore    *store,
        const char  *text,
        ScanResult  *out,
        GError     **error)
{
  g_auto(StkItemInfo) info = { 0, };
  ScanResult *found = g_hash_table_lookup (r->scans, text);
  g_autoptr(GError) local_error = NULL;

  if (found != NULL)
    {
      *out = *found;
      return TRUE;
    }
  if (!stk_store_item_by_scan (store, text, &info, &out->pack, &local_error))
    {
      if (g_error_matches (local_error, STK_ERROR, STK_ERROR_NOT_FOUND))
        g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                     _("No item has the code or barcode “%s”."), text);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (info.archived)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("The item “%s” is archived: restore it before counting it."), info.code);
      return FALSE;
    }
  out->item_id = info.id;
  g_hash_table_insert (r->scans, g_strdup (text), g_memdup2 (out, sizeof *out));
  return TRUE;
}

static gboolean
parse_counted (const char  *text,
               gint64      *out_value,
               GError     **error)
{
  gint64 v = 0;

  if (text[0] == '\0')
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The count is empty."));
      return FALSE;
    }
  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &v, NULL))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The count “%s” is not a whole number."), text);
      return FALSE;
    }
  if (v < 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The count cannot be negative (%s)."), text);
      return FALSE;
    }
  if (v > MAX_COUNTED)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The count “%s” is too large."), text);
      return FALSE;
    }
  *out_value = v;
  return TRUE;
}

/* One data row: FALSE (with @error, the row's problem, or a read failure that stops
 * everything when not STK_ERROR_INVALID_DATA, _NOT_FOUND or _CONSTRAINT). */
static gboolean
read_row (Reader     *r,
          StkStore   *store,
          GPtrArray  *fields,
          guint       line,
          GError    **error)
{
  const char *code, *counted_text;
  ScanResult scan = { 0, };
  StkCountItem *item;
  gint64 counted = 0;

  if (fields->len != r->n_fields)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The row has %u field, but the header has %u.",
                                "The row has %u fields, but the header has %u.",
                                fields->len),
                   fields->len, r->n_fields);
      return FALSE;
    }
  /* Values are trimmed of surrounding spaces, as in the other CSV files. */
  code = g_strstrip ((char *) g_ptr_array_index (fields, (guint) r->code_col));
  counted_text = g_strstrip ((char *) g_ptr_array_index (fields, (guint) r->counted_col));
  if (code[0] == '\0')
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The code is empty."));
      return FALSE;
    }
  if (!parse_counted (counted_text, &counted, error) ||
      !lookup (r, store, code, &scan, error))
    return FALSE;
  if (counted > MAX_COUNTED / scan.pack)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The count “%s” is too large."), counted_text);
      return FALSE;
    }
  counted *= scan.pack;

  item = g_hash_table_lookup (r->by_id, &scan.item_id);
  if (item == NULL)
    {
      item = g_new0 (StkCountItem, 1);
      item->item_id = scan.item_id;
      item->line = line;
      g_ptr_array_add (r->count->items, item);
      g_hash_table_insert (r->by_id, &item->item_id, item);
    }
  /* Scanning twice adds. */
  if (item->counted > MAX_COUNTED - counted)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The counts of “%s” add up to more than %s."), code, "1000000000000");
      return FALSE;
    }
  item->counted += counted;
  return TRUE;
}

static gboolean
is_row_error (const GError *error)
{
  return error->domain == STK_ERROR &&
         (error->code == STK_ERROR_INVALID_DATA || error->code == STK_ERROR_NOT_FOUND ||
          error->code == STK_ERROR_CONSTRAINT);
}

/* Each item's expected figure and cost, read now, and the totals. */
static gboolean
compute (StkCount  *count,
         StkStore  *store,
         GError   **error)
{
  for (guint i = 0; i < count->items->len; i++)
    {
      StkCountItem *item = g_ptr_array_index (count->items, i);
      g_auto(StkItemInfo) info = { 0, };

      if (!stk_store_item_by_id (store, item->item_id, &info, error))
        return FALSE;
      item->code = g_strdup (info.code);
      item->description = g_strdup (info.description);
      item->expected = info.on_hand;
      item->variance = item->counted - item->expected;
      item->average_cost_cents = MAX (info.average_cost_cents, 0);
      if (item->variance == 0)
        continue;
      count->with_variance++;
      if (item->variance > 0)
        count->units_over += item->variance;
      else
        count->units_short -= item->variance;
      if (item->average_cost_cents == 0)
        {
          count->unknown_cost_items++;
          continue;
        }
      if (!stk_cost_multiply (item->variance, item->average_cost_cents,
                              &item->variance_cost_cents, error))
        return FALSE;
      if (item->variance_cost_cents > 0
          ? count->net_cost_cents > G_MAXINT64 - item->variance_cost_cents
          : count->net_cost_cents < G_MININT64 - item->variance_cost_cents)
        {
          g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                               _("The variance at cost is too large to be computed exactly."));
          return FALSE;
        }
      count->net_cost_cents += item->variance_cost_cents;
    }
  return TRUE;
}

StkCount *
stk_count_read (StkStore         *store,
                const char       *path,
                StkImportReport  *report,
                GError          **error)
{
  g_autoptr(StkCount) count = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(StkCsvReader) reader = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(GHashTable) scans = NULL;
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  gboolean have_header = FALSE, bad_header = FALSE;
  guint64 rows = 0;
  Reader r = { 0, };

  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (report != NULL)
    {
      stk_import_report_clear (report);
      report->errors = g_ptr_array_new_with_free_func (g_free);
    }

  count = g_new0 (StkCount, 1);
  count->display_name = g_filename_display_basename (path);
  count->items = g_ptr_array_new_with_free_func (count_item_free);
  by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  scans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r.count = count;
  r.by_id = by_id;
  r.scans = scans;
  r.errors = errors;

  file = g_file_new_for_path (path);
  if (!(stream = g_file_read (file, NULL, &local_error)))
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, STK_ERROR,
                   g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                   ? STK_ERROR_NOT_FOUND : STK_ERROR_IO,
                   _("Cannot read “%s”: %s"), name, local_error->message);
      return NULL;
    }
  reader = stk_csv_reader_new (G_INPUT_STREAM (stream));

  for (;;)
    {
      g_autoptr(GPtrArray) fields = NULL;
      g_autoptr(GError) row_error = NULL;
      StkCsvStatus status = stk_csv_reader_next (reader, &fields, &row_error);
      guint line = stk_csv_reader_get_line (reader);

      if (status == STK_CSV_EOF)
        break;
      if (status == STK_CSV_FATAL)
        {
          if (row_error->domain == G_IO_ERROR)
            {
              g_autofree char *name = g_filename_display_name (path);

              g_set_error (error, STK_ERROR, STK_ERROR_IO, _("Cannot read “%s”: %s"), name,
                           row_error->message);
              return NULL;
            }
          add_error (&r, 0, row_error->message);
          break;
        }
      if (!have_header)
        {
          have_header = TRUE;
          if (status == STK_CSV_BAD_RECORD)
            add_error (&r, 0, row_error->message);
          else
            parse_header (&r, fields, line);
          if (r.n_errors > 0)
            {
              bad_header = TRUE;
              break;
            }
          continue;
        }
      rows++;
      if (status == STK_CSV_BAD_RECORD)
        {
          add_error (&r, 0, row_error->message);
          continue;
        }
      if (!read_row (&r, store, fields, line, &row_error))
        {
          if (!is_row_error (row_error))
            {
              g_propagate_error (error, g_steal_pointer (&row_error));
              return NULL;
            }
          add_error (&r, line, row_error->message);
        }
    }

  if (report != NULL)
    {
      report->rows = rows;
      report->n_errors = r.n_errors;
      g_ptr_array_extend_and_steal (report->errors, g_steal_pointer (&errors));
    }
  if (!have_header && r.n_errors == 0)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("“%s” is empty: a CSV file starts with a row of column names."), name);
      return NULL;
    }
  if (bad_header)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The column names in the first row of “%s” are wrong; nothing was "
                     "changed."),
                   count->display_name);
      return NULL;
    }
  if (r.n_errors > 0)
    {
      g_autofree char *n = stk_format_count ((gint64) MIN (r.n_errors, G_MAXINT64));

      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   g_dngettext (GETTEXT_PACKAGE,
                                "“%s” has %s bad row; nothing was changed.",
                                "“%s” has %s bad rows; nothing was changed.",
                                (gulong) MIN (r.n_errors, G_MAXULONG)),
                   count->display_name, n);
      return NULL;
    }
  if (!compute (count, store, error))
    return NULL;
  return g_steal_pointer (&count);
}

StkOp *
stk_count_op_new (const StkCount *count)
{
  StkImportData *d;
  gint64 now = g_get_real_time ();
  const char *reason;
  g_autofree char *n = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (count != NULL, NULL);

  d = stk_import_data_new (STK_TABLE_MOVEMENTS, count->display_name);
  reason = g_string_chunk_insert_const (d->strings, _("Count (import)"));
  for (guint i = 0; i < count->items->len; i++)
    {
      const StkCountItem *item = g_ptr_array_index (count->items, i);
      StkImportRow row = { 0, };

      row.code = g_string_chunk_insert_const (d->strings, item->code);
      row.text = reason;
      row.kind = STK_MOVEMENT_COUNT;
      row.quantity = item->counted;
      row.time_us = now;
      row.line = item->line;
      row.cost = STK_IMPORT_COST_NONE;
      g_array_append_val (d->rows, row);
    }
  n = stk_format_count (count->items->len);
  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Count of %s item from %s",
                                              "Count of %s items from %s",
                                              count->items->len),
                                 n, count->display_name);
  return stk_import_op_new_for_data (d, description);
}
