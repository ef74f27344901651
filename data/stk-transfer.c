/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-barcode.h"
#include "stk-code.h"
#include "stk-csv.h"
#include "stk-db.h"
#include "stk-error.h"
#include "stk-output.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-engine.h"
#include "stk-op-payloads.h"
#include "stk-store-private.h"
#include "stk-tax.h"
#include "stk-transfer-private.h"

/*
 * CSV formats
 * ===========
 *
 * Every file is UTF-8 (a byte-order mark is allowed), RFC 4180 (fields with
 * commas, quotes or line breaks are quoted, quotes doubled), LF or CRLF line
 * ends. The first row names the columns: names are case-insensitive and may
 * come in any order. A column that is not listed below is an error naming it,
 * and so is a missing required column or a column named twice. Every row must
 * have as many fields as the header. Values are trimmed of surrounding spaces.
 * Export writes exactly the columns below, in this order, with CRLF line ends,
 * and its output can always be imported again.
 *
 * Dates and times (sold_at, moved_at, voided, returned_at) are ISO 8601: 2026-11-23T10:15:00Z,
 * 2026-11-23T10:15:00+01:00, 2026-11-23T10:15:00.250Z, 2026-11-23 10:15:00
 * (no zone: local time) or a plain date 2026-11-23 (local midnight). Export
 * writes UTC, 2026-11-23T09:15:00Z, with microseconds only when they are not
 * zero (2026-11-23T09:15:00.123456Z).
 *
 * Prices and money (unit_price, discount, refund) are decimals with '.' and at most
 * two decimals: 12.5, 12.50, 0.99, 3. They are never negative. Export writes 12.50.
 *
 * skus:      code           required; 1–64 characters, unique (ignoring case)
 *            description    optional; up to 1000 characters
 *            unit_price     optional; empty is 0.00
 *            reorder_level  optional; integer >= 0, empty is 0
 *            archived       optional; 0, 1, true, false, yes or no; empty is 0
 *            on_hand        optional; integer >= 0: the stock on hand when the file
 *                           was written. Imported alone, it is recorded as an opening
 *                           stock count ("Opening stock (import)"); 0 or empty: none.
 *                           By "import all", it is not recorded but checked: the
 *                           history must give exactly this on-hand.
 *            barcodes       optional; the item's barcodes separated by spaces, each
 *                           BARCODE or BARCODE*PACK (scanning it counts PACK units,
 *                           1–100000): "4006381333931 12345670*12" (stk-barcode.h).
 *                           A GS1 number (8, 12, 13 or 14 digits) needs its right
 *                           check digit.
 *            tax_rate       optional; the name of the item's own tax rate (compared
 *                           ignoring case), which the inventory must have; empty: the
 *                           shop's default rate (format 9)
 *            unit_cost      optional; the item's default cost (format 10); empty or
 *                           0: none. A file that gives one takes the row path
 *   A code that already exists in the inventory, or that appears twice in the
 *   file, is an error; so is a barcode listed twice in the file (two spellings of
 *   one GS1 number are the same barcode) or one that another item already has.
 *   Export: code,description,unit_price,reorder_level,archived,on_hand,barcodes,tax_rate,
 *   unit_cost, ordered by code, the barcodes of an item ordered by their key.
 *
 * sales:     sold_at        required
 *            sku            required; an existing item code (units, not a barcode)
 *            quantity       required; integer > 0
 *            unit_price     optional; empty is the item's current price
 *            reference      optional; the line's unique id (see below)
 *            sale           optional; the rows with the same sale are the lines of ONE
 *                           sale, in file order, and the value is that sale's unique
 *                           id; empty: the row is a sale of its own (as before this
 *                           column), whose id is its reference or key
 *            discount       optional; money off the line, at most quantity ×
 *                           unit_price; empty is 0.00
 *            payment        optional; the sale's payment method (up to 64 characters)
 *            note           optional; the sale's note (up to 1000 characters)
 *            voided         optional; when the sale was voided (not before sold_at);
 *                           empty: not voided
 *            void_reason    optional; why it was voided (needs voided)
 *            tax_name       optional; the line's tax rate's name when it was sold
 *            tax_rate       optional; the line's rate, a percentage (22, 5.5); empty:
 *                           no tax. With this column the file says each line's tax;
 *                           without it, each line sells at its item's rate now
 *            tax_included   optional; 1 or 0: the price included the tax; empty: the
 *                           shop's rule when imported
 *            tax            optional; the line's tax (money); empty: the rate of the
 *                           line's amount, rounded per line. A cent or more from that
 *                           exact tax is an error (the schema's sales_tax_check)
 *            cost           optional and not read: the line's cost of goods as export
 *                           writes it; import computes it (quantity × the item's
 *                           average cost then, stk-cost.h)
 *   The lines of one sale share sold_at; its rows give payment, note, voided and
 *   void_reason once or repeat the same value (other rows leave them empty): a
 *   different time or value is an error naming the line. Line N of sale S has the
 *   id S for N = 1 and S#N after (as a sale made at the till); a reference given
 *   with a sale must be that id. A sale is imported whole or not at all: a line
 *   that fails (unknown SKU, not enough stock) fails its sale, and so the file.
 *   A voided sale is imported with its void (the stock comes back with the
 *   "Sale voided" adjustment at the voided time, the reason is kept).
 *   Export: sold_at,sku,quantity,unit_price,reference,sale,discount,payment,note,
 *   voided,void_reason,tax_name,tax_rate,tax_included,tax,cost, ordered by time (a sale's lines together, in order), with
 *   reference = the line's id and sale = the sale's id on every line; payment, note,
 *   voided and void_reason repeated on every line of their sale; discount empty when
 *   0.00. Voided sales are exported too, with their void.
 *
 * movements: moved_at       required
 *            sku            required; an existing item code
 *            kind           required; receive, adjustment or count (sales are
 *                           imported as sales, not as movements)
 *            quantity       required; receive: > 0; adjustment: not 0 (signed);
 *                           count: >= 0, the counted stock on hand
 *            reason         optional; up to 1000 characters
 *            reference      optional; the movement's unique id (see below)
 *            unit_cost      optional; a receipt's unit cost (format 10), which moves
 *                           the item's average; empty: no cost; a file without the
 *                           column receives at each item's default cost
 *   Export: moved_at,sku,kind,quantity,reason,reference,unit_cost for receipts,
 *   adjustments and counts (sales are in the sales export), ordered by time;
 *   a count's quantity is the counted stock; reference is the stored one, or
 *   M<number> for a movement recorded without one. The adjustments that a void or
 *   a return made are left out: the sales and returns files carry the void and the
 *   return, which make them again on import.
 *
 * returns:   returned_at    required; not before the sale
 *            sale           required; the id of the sale (its sale column in sales)
 *            line           required; the number of the returned line in that sale,
 *                           1 for its first line (integer >= 1)
 *            quantity       required; integer > 0
 *            refund         optional; money paid back; empty: what that quantity was
 *                           paid (line total × quantity ÷ line quantity, whole cents;
 *                           the return that takes the line's last units refunds the
 *                           rest exactly)
 *            reason         optional; up to 1000 characters
 *            reference      optional; the return's unique id (see below)
 *            tax            optional; the tax taken back; empty: in proportion to the
 *                           refund (the line's last return the rest); never more than
 *                           the refund or the line's tax left
 *   An unknown sale or line, a voided sale, more returned than the line sold or
 *   more refunded than it was paid (over all its returns: those in the inventory
 *   and those above in the file) are errors naming the line. The stock comes back
 *   with an adjustment ("Sale returned"). Export: returned_at,sale,line,quantity,
 *   refund,reason,reference,tax, ordered by time.
 *
 * tax-rates: name           required; the rate's name: 1–64 characters, no space at
 *                           either end, unique in the file (ignoring case)
 *            rate           required; a percentage from 0 to 100 with at most two
 *                           decimals, written as the sales file writes a line's rate
 *                           (22, 5.5)
 *            default        optional; 1 (true, yes) for the shop's default rate, the
 *                           rate of items without one of their own: one row at most;
 *                           empty or 0: not the default
 *            prices_include_tax  optional; 1 or 0: the shop's prices include the tax,
 *                           or the tax is added to them; empty: the shop's rule stays
 *            tax_rounding   optional; line or receipt: each line's tax rounded, or
 *                           each rate's tax on a receipt rounded once; empty: stays
 *   A name the inventory has already (ignoring case) keeps its rate when the file's is
 *   the same (the row counts as already present); a different rate is an error naming
 *   the line, since changing it would change the tax of every item that has it. A new
 *   name adds a rate (a shop has at most 50). The row marked default makes its rate
 *   the shop's default; with no row marked, the default stays as it is.
 *   The two rules are the shop's, not a rate's: every row repeats them or leaves them
 *   empty (a different value is an error naming the line). They are columns of this
 *   file rather than a file of their own because this is the simplest thing that
 *   comes back whole: one more header-and-rows file like every other (no key/value
 *   file to learn), and "import tax-rates" of this one file brings a shop's whole tax
 *   setup. A shop without rates writes no rows and so no rules; they then change
 *   nothing, every sale line being without tax (and each line keeps its own
 *   tax_included in the sales file anyway).
 *   Export: name,rate,default,prices_include_tax,tax_rounding, the biggest rate
 *   first, then by name, the shop's rules on every row.
 *
 * Text cells (code, description, sku, reason, reference, barcodes, sale, payment,
 * note, void_reason, tax_name, the skus' tax_rate, the tax-rates' name) that start with =, +,
 * -, @, a tab, a carriage return or an apostrophe are exported with one more
 * apostrophe in front ('=1+2, '-5 mm, ''quoted), so that a spreadsheet shows
 * them as text and never runs them as formulas. Import takes off one leading
 * apostrophe when the next character is one of these, so export then import
 * gives back every text byte for byte. Numbers (a negative adjustment) are
 * written as they are.
 *
 * Exactly once: each sales, movements and returns row has a key, its reference
 * (a sales row with a sale: its line id) or, when it has none, "csv:" + the
 * SHA-256 of the row's normalised values + ":" + how many times that same row
 * occurred so far in the file. A row whose key is already in the inventory was
 * imported before: it is skipped and counted as a duplicate, so importing the same
 * file twice changes nothing the second time. A sale is looked up by its id (its
 * first line's key): when it is there, all its rows are duplicates, its void too.
 * Two rows of one file with the same key are an error.
 *
 * Never twice: a sales, movements or returns row dated before a stock count of its item
 * that is already in the inventory is refused (that count already includes it).
 * This is what importing skus (on_hand as an opening count), then the movements
 * and sales that led to that on_hand, runs into: it used to double the stock.
 *
 * Whole inventory: "export all FOLDER" writes tax-rates.csv, skus.csv, movements.csv,
 * sales.csv and returns.csv from one snapshot into a new or empty FOLDER (written
 * beside it and renamed into place). "import all FOLDER" applies them in one change:
 * the tax rates first (so that skus.csv can name them), with the shop's default rate
 * and its two tax rules, then the items with their barcodes and own rates, then
 * movements, sales, voids (at their voided time) and returns in time order (at one
 * instant: a movement, a sale, a void, a return), and then every item's on-hand must
 * be its on_hand in skus.csv, or nothing is imported. A folder without tax-rates.csv
 * or returns.csv (written before they existed) imports too: the rates that skus.csv
 * names must then be in the inventory already. On-hand, stock value, sales with their
 * lines and tax, discounts, payments, notes, voids and returns, barcodes, the tax
 * rates, the default rate and the tax rules, and the history (kinds, quantities,
 * balances, reasons, times) come out the same, and exporting the copy writes the same
 * files.
 *
 * Import is all or nothing: the whole file is read and checked first, then
 * every row is applied in one change; any bad row (and any row the inventory
 * refuses: unknown SKU, existing code, not enough stock) means nothing is
 * imported, and every problem is reported with its line number.
 */

#define PROGRESS_STEP_BYTES (64 * 1024)
#define EXPORT_PROGRESS_ROWS 4096
#define APPLY_CANCEL_CHECK_ROWS 1024
#define MAX_QUANTITY G_GINT64_CONSTANT (1000000000000) /* 10^12: sums cannot overflow */

static const char *const table_names[] = { "skus", "sales", "movements", "returns",
                                           "tax-rates" };
G_STATIC_ASSERT (G_N_ELEMENTS (table_names) == STK_N_TABLES);

const char *
stk_table_to_string (StkTable table)
{
  g_return_val_if_fail ((guint) table < G_N_ELEMENTS (table_names), NULL);
  return table_names[table];
}

gboolean
stk_table_from_string (const char *str,
                       StkTable   *out_table)
{
  g_return_val_if_fail (out_table != NULL, FALSE);

  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (table_names); i++)
    {
      if (g_ascii_strcasecmp (str, table_names[i]) == 0)
        {
          *out_table = (StkTable) i;
          return TRUE;
        }
    }
  return FALSE;
}

void
stk_import_report_clear (StkImportReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->errors, g_ptr_array_unref);
  memset (report, 0, sizeof *report);
}

/* ---- values ---- */

gboolean
stk_price_parse (const char  *text,
                 gint64      *out_cents,
                 GError     **error)
{
  const char *p = text;
  gint64 units = 0;
  gint64 cents = 0;
  guint n_int = 0;
  guint n_dec = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_cents != NULL, FALSE);

  if (*p == '-' && g_ascii_isdigit (p[1]))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The price “%s” is negative."), text);
      return FALSE;
    }

  for (; g_ascii_isdigit (*p); p++, n_int++)
    {
      /* units * 100 + 99 must fit in a gint64. */
      if (units > ((G_MAXINT64 - 99) / 100 - (*p - '0')) / 10)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("The price “%s” is too large."), text);
          return FALSE;
        }
      units = units * 10 + (*p - '0');
    }

  if (*p == '.' && n_int > 0)
    {
      for (p++; g_ascii_isdigit (*p); p++, n_dec++)
        {
          if (n_dec < 2)
            cents = cents * 10 + (*p - '0');
        }
      if (n_dec == 1)
        cents *= 10;
      if (n_dec > 2 && *p == '\0')
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("The price “%s” has more than two decimals."), text);
          return FALSE;
        }
      if (n_dec == 0)
        p = text; /* "12." is not a price */
    }

  if (n_int == 0 || *p != '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("“%s” is not a price like 12.50."), text);
      return FALSE;
    }

  *out_cents = units * 100 + cents;
  return TRUE;
}

char *
stk_price_format (gint64 cents)
{
  guint64 abs_cents = cents < 0 ? (guint64) 0 - (guint64) cents : (guint64) cents;

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%02u", cents < 0 ? "-" : "",
                          abs_cents / 100, (guint) (abs_cents % 100));
}

static gboolean
parse_integer (const char  *text,
               const char  *what,
               gint64       min,
               gint64       max,
               gint64      *out_value,
               GError     **error)
{
  gint64 v = 0;

  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &v, NULL))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   /* Translators: the first %s is a column name, like “quantity” */
                   _("The %s “%s” is not a whole number."), what, text);
      return FALSE;
    }
  if (v < min)
    {
      if (min == 1)
        g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                     _("The %s must be above zero, not %s."), what, text);
      else
        g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                     _("The %s cannot be negative (%s)."), what, text);
      return FALSE;
    }
  if (v > max)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The %s “%s” is too large."), what, text);
      return FALSE;
    }
  *out_value = v;
  return TRUE;
}

static gboolean
parse_boolean (const char  *text,
               gboolean    *out_value,
               GError     **error)
{
  static const char *const yes[] = { "1", "true", "yes" };
  static const char *const no[] = { "0", "false", "no", "" };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      if (g_ascii_strcasecmp (text, yes[i]) == 0)
        {
          *out_value = TRUE;
          return TRUE;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    {
      if (g_ascii_strcasecmp (text, no[i]) == 0)
        {
          *out_value = FALSE;
          return TRUE;
        }
    }
  g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
               _("“%s” is not 0, 1, true, false, yes or no."), text);
  return FALSE;
}

static gboolean
is_plain_date (const char *text)
{
  static const char pattern[] = "dddd-dd-dd";

  for (guint i = 0; i < sizeof pattern - 1; i++)
    {
      if (pattern[i] == 'd' ? !g_ascii_isdigit (text[i]) : text[i] != pattern[i])
        return FALSE;
    }
  return text[sizeof pattern - 1] == '\0';
}

static gboolean
parse_time (const char  *text,
            GTimeZone   *local,
            gint64      *out_us,
            GError     **error)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *midnight = NULL;
  gint64 us;

  if (is_plain_date (text))
    midnight = g_strconcat (text, "T00:00:00", NULL);
  dt = g_date_time_new_from_iso8601 (midnight != NULL ? midnight : text, local);
  if (dt == NULL)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("“%s” is not a date and time like 2026-11-23T10:15:00Z."), text);
      return FALSE;
    }
  us = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  if (us <= 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The date “%s” is before 1970."), text);
      return FALSE;
    }
  *out_us = us;
  return TRUE;
}

gboolean
stk_time_parse (const char  *text,
                gint64      *out_us,
                GError     **error)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_us != NULL, FALSE);

  return parse_time (text, local, out_us, error);
}

/* A tax rate as the CSV files write it, whatever the locale: "22", "5.5", "0.25". */
char *
stk_transfer_format_rate (gint64 rate_bp)
{
  char *text = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", rate_bp / 100, (int) (rate_bp % 100));
  gsize len = strlen (text);

  while (text[len - 1] == '0')
    text[--len] = '\0';
  if (text[len - 1] == '.')
    text[--len] = '\0';
  return text;
}

/* Writes @us (microseconds since the epoch) as UTC ISO 8601 into @buf. */
void
stk_transfer_format_time (gint64  us,
                          char   *buf,
                          gsize   size)
{
  const gint64 usec_per_day = G_GINT64_CONSTANT (86400000000);
  gint64 days = us / usec_per_day;
  gint64 rem = us % usec_per_day;
  gint64 z, era, doe, yoe, y, doy, mp, d, m;
  gint64 secs;
  int frac;

  if (rem < 0)
    {
      rem += usec_per_day;
      days--;
    }
  secs = rem / G_USEC_PER_SEC;
  frac = (int) (rem % G_USEC_PER_SEC);

  /* Civil date from days since 1970-01-01 (H. Hinnant's algorithm). */
  z = days + 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);

  if (frac != 0)
    g_snprintf (buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", (int) y, (int) m, (int) d,
                (int) (secs / 3600), (int) (secs / 60 % 60), (int) (secs % 60), frac);
  else
    g_snprintf (buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int) y, (int) m, (int) d,
                (int) (secs / 3600), (int) (secs / 60 % 60), (int) (secs % 60));
}

static gboolean
check_text_length (const char  *text,
                   const char  *what,
                   GError     **error)
{
  if (text != NULL && g_utf8_strlen (text, -1) > STK_DESCRIPTION_MAX_LENGTH)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The %s is longer than %d characters."), what, STK_DESCRIPTION_MAX_LENGTH);
      return FALSE;
    }
  return TRUE;
}

/* ---- columns ---- */

typedef enum
{
  COL_CODE,
  COL_DESCRIPTION,
  COL_UNIT_PRICE,
  COL_REORDER_LEVEL,
  COL_ARCHIVED,
  COL_ON_HAND,
  COL_TIME,
  COL_SKU,
  COL_KIND,
  COL_QUANTITY,
  COL_REASON,
  COL_REFERENCE,
  COL_BARCODES,
  COL_SALE,
  COL_DISCOUNT,
  COL_PAYMENT,
  COL_NOTE,
  COL_VOIDED,
  COL_VOID_REASON,
  COL_LINE,
  COL_REFUND,
  COL_TAX_NAME,
  COL_TAX_RATE,
  COL_TAX_INCLUDED,
  COL_TAX,
  COL_NAME,
  COL_RATE,
  COL_DEFAULT,
  COL_PRICES_INCLUDE_TAX,
  COL_TAX_ROUNDING,
  COL_UNIT_COST,
  COL_COST,
  N_COLUMNS,
} Column;

typedef struct
{
  const char *name;
  Column      column;
  gboolean    required;
} ColumnSpec;

/* A unit cost (format 10) as prices are written; a negative one is refused. */
static gboolean
parse_cost (const char  *text,
            gint64      *out_cents,
            GError     **error)
{
  if (text[0] == '-')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The unit_cost “%s” is negative."), text);
      return FALSE;
    }
  return stk_price_parse (text, out_cents, error);
}

static const ColumnSpec sku_columns[] = {
  { "code", COL_CODE, TRUE },
  { "description", COL_DESCRIPTION, FALSE },
  { "unit_price", COL_UNIT_PRICE, FALSE },
  { "reorder_level", COL_REORDER_LEVEL, FALSE },
  { "archived", COL_ARCHIVED, FALSE },
  { "on_hand", COL_ON_HAND, FALSE },
  { "barcodes", COL_BARCODES, FALSE },
  { "tax_rate", COL_TAX_RATE, FALSE },
  { "unit_cost", COL_UNIT_COST, FALSE },
  { NULL },
};

static const ColumnSpec sale_columns[] = {
  { "sold_at", COL_TIME, TRUE },
  { "sku", COL_SKU, TRUE },
  { "quantity", COL_QUANTITY, TRUE },
  { "unit_price", COL_UNIT_PRICE, FALSE },
  { "reference", COL_REFERENCE, FALSE },
  { "sale", COL_SALE, FALSE },
  { "discount", COL_DISCOUNT, FALSE },
  { "payment", COL_PAYMENT, FALSE },
  { "note", COL_NOTE, FALSE },
  { "voided", COL_VOIDED, FALSE },
  { "void_reason", COL_VOID_REASON, FALSE },
  { "tax_name", COL_TAX_NAME, FALSE },
  { "tax_rate", COL_TAX_RATE, FALSE },
  { "tax_included", COL_TAX_INCLUDED, FALSE },
  { "tax", COL_TAX, FALSE },
  { "cost", COL_COST, FALSE },
  { NULL },
};

static const ColumnSpec movement_columns[] = {
  { "moved_at", COL_TIME, TRUE },
  { "sku", COL_SKU, TRUE },
  { "kind", COL_KIND, TRUE },
  { "quantity", COL_QUANTITY, TRUE },
  { "reason", COL_REASON, FALSE },
  { "reference", COL_REFERENCE, FALSE },
  { "unit_cost", COL_UNIT_COST, FALSE },
  { NULL },
};

static const ColumnSpec return_columns[] = {
  { "returned_at", COL_TIME, TRUE },
  { "sale", COL_SALE, TRUE },
  { "line", COL_LINE, TRUE },
  { "quantity", COL_QUANTITY, TRUE },
  { "refund", COL_REFUND, FALSE },
  { "reason", COL_REASON, FALSE },
  { "reference", COL_REFERENCE, FALSE },
  { "tax", COL_TAX, FALSE },
  { NULL },
};

static const ColumnSpec tax_rate_columns[] = {
  { "name", COL_NAME, TRUE },
  { "rate", COL_RATE, TRUE },
  { "default", COL_DEFAULT, FALSE },
  { "prices_include_tax", COL_PRICES_INCLUDE_TAX, FALSE },
  { "tax_rounding", COL_TAX_ROUNDING, FALSE },
  { NULL },
};

static const ColumnSpec *
table_columns (StkTable table)
{
  switch (table)
    {
    case STK_TABLE_TAX_RATES:
      return tax_rate_columns;
    case STK_TABLE_SKUS:
      return sku_columns;
    case STK_TABLE_SALES:
      return sale_columns;
    case STK_TABLE_MOVEMENTS:
      return movement_columns;
    case STK_TABLE_RETURNS:
      return return_columns;
    default:
      g_return_val_if_reached (NULL);
    }
}

static char *
column_list (StkTable table)
{
  const ColumnSpec *specs = table_columns (table);
  GString *s = g_string_new (NULL);

  for (guint i = 0; specs[i].name != NULL; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", specs[i].name);
  return g_string_free (s, FALSE);
}

/* ---- import ---- */

typedef StkImportRow Row;
typedef StkImportData ImportData;


static void
import_data_free (gpointer data)
{
  ImportData *d = data;

  g_free (d->display_name);
  g_clear_pointer (&d->rows, g_array_unref);
  g_clear_pointer (&d->strings, g_string_chunk_free);
  g_clear_object (&d->cancellable);
  g_clear_pointer (&d->errors, g_ptr_array_unref);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportData, import_data_free)

void
stk_import_add_error_literal (ImportData *d,
                              const char *message)
{
  d->n_errors++;
  if (d->errors->len < STK_IMPORT_MAX_REPORTED_ERRORS)
    g_ptr_array_add (d->errors, g_strdup (message));
}

void
stk_import_add_line_error (ImportData *d,
                           guint       line,
                           const char *message)
{
  d->n_errors++;
  if (d->errors->len < STK_IMPORT_MAX_REPORTED_ERRORS)
    g_ptr_array_add (d->errors, g_strdup_printf (_("Line %u: %s"), line, message));
}

void
stk_import_set_summary_error (ImportData  *d,
                              int          code,
                              GError     **error)
{
  g_autofree char *n_errors = NULL;

  if (d->bad_header)
    {
      g_set_error (error, STK_ERROR, code,
                   _("The column names in the first row of “%s” are wrong; nothing was "
                     "imported."),
                   d->display_name);
      return;
    }
  n_errors = stk_format_count ((gint64) MIN (d->n_errors, G_MAXINT64));
  g_set_error (error, STK_ERROR, code,
               g_dngettext (GETTEXT_PACKAGE,
                            "“%s” has %s bad row; nothing was imported.",
                            "“%s” has %s bad rows; nothing was imported.",
                            (gulong) MIN (d->n_errors, G_MAXULONG)),
               d->display_name, n_errors);
}

/* What the rows of one sale (the same value in the sale column) must agree on. */
typedef struct
{
  guint        first_line;
  guint        n_lines;
  gint64       time_us;     /* -1 until a row with a good time */
  guint        time_line;
  const char  *time_text;
  const char  *values[3];  /* payment, note, void_reason: the first non-empty one */
  guint        lines[3];   /* where it was first given */
  gint64       voided_us;
  const char  *voided_text;
  guint        voided_line;
} SaleGroup;

typedef struct
{
  ImportData  *d;
  GTimeZone   *local;
  int          index[N_COLUMNS]; /* field index of each column, or -1 */
  guint        n_fields;
  GHashTable  *seen_codes;  /* skus: code (compared by stk_code_key) → first line */
  GHashTable  *seen_keys;   /* sales, movements: key → first line */
  GHashTable  *occurrences; /* normalised row digest → times seen */
  GHashTable  *sales;       /* sales: the sale column's value → SaleGroup */
  GHashTable  *barcodes;    /* skus: stk_barcode_key → first line */
  GHashTable  *names;       /* tax-rates: the name in ASCII lower case (the inventory's
                             * NOCASE) → first line */
  guint        default_line; /* tax-rates: the row marked default, 0: none yet */
  const char  *rules[2];    /* tax-rates: prices_include_tax, tax_rounding as first given */
  guint        rule_lines[2];
  GChecksum   *checksum;
  GString     *normalised;
} Parser;

static void
parser_clear (Parser *p)
{
  g_clear_pointer (&p->local, g_time_zone_unref);
  g_clear_pointer (&p->seen_codes, g_hash_table_unref);
  g_clear_pointer (&p->seen_keys, g_hash_table_unref);
  g_clear_pointer (&p->occurrences, g_hash_table_unref);
  g_clear_pointer (&p->sales, g_hash_table_unref);
  g_clear_pointer (&p->barcodes, g_hash_table_unref);
  g_clear_pointer (&p->names, g_hash_table_unref);
  g_clear_pointer (&p->checksum, g_checksum_free);
  if (p->normalised != NULL)
    g_string_free (g_steal_pointer (&p->normalised), TRUE);
}

/* Reads the header row. FALSE when the file cannot be imported (errors added). */
static gboolean
parse_header (Parser    *p,
              GPtrArray *fields,
              guint      line)
{
  const ColumnSpec *specs = table_columns (p->d->table);
  guint errors_before = (guint) p->d->n_errors;

  for (guint c = 0; c < N_COLUMNS; c++)
    p->index[c] = -1;
  p->n_fields = fields->len;

  for (guint i = 0; i < fields->len; i++)
    {
      char *name = g_strstrip ((char *) g_ptr_array_index (fields, i));
      const ColumnSpec *spec = NULL;

      for (guint s = 0; specs[s].name != NULL; s++)
        {
          if (g_ascii_strcasecmp (name, specs[s].name) == 0)
            spec = &specs[s];
        }

      if (spec == NULL)
        {
          g_autofree char *expected = column_list (p->d->table);
          g_autofree char *msg = NULL;

          if (*name == '\0')
            msg = g_strdup_printf (_("Column %u has no name; the columns of a %s file are %s."),
                                   i + 1, table_names[p->d->table], expected);
          else
            msg = g_strdup_printf (_("Unknown column “%s”; the columns of a %s file are %s."),
                                   name, table_names[p->d->table], expected);
          stk_import_add_line_error (p->d, line, msg);
        }
      else if (p->index[spec->column] >= 0)
        {
          g_autofree char *msg = g_strdup_printf (_("The column “%s” appears twice."), spec->name);
          stk_import_add_line_error (p->d, line, msg);
        }
      else
        p->index[spec->column] = (int) i;
    }

  for (guint s = 0; specs[s].name != NULL; s++)
    {
      if (specs[s].required && p->index[specs[s].column] < 0)
        {
          g_autofree char *msg = g_strdup_printf (_("The required column “%s” is missing."),
                                                  specs[s].name);
          stk_import_add_line_error (p->d, line, msg);
        }
    }

  return p->d->n_errors == errors_before;
}

/* Spreadsheet formula injection: a text cell that starts with = + - @, a tab, a
 * carriage return or an apostrophe is exported with one more apostrophe in front
 * ('=SUM(A1) and ''quoted), so that no spreadsheet runs it as a formula; import
 * takes that apostrophe off again, so the round trip is exact. */
static gboolean
needs_protection (const char *text)
{
  return text[0] != '\0' && strchr ("=+-@\t\r'", text[0]) != NULL;
}

static gboolean
is_text_column (Column column)
{
  return column == COL_CODE || column == COL_DESCRIPTION || column == COL_SKU ||
         column == COL_REASON || column == COL_REFERENCE || column == COL_BARCODES ||
         column == COL_SALE || column == COL_PAYMENT || column == COL_NOTE ||
         column == COL_VOID_REASON || column == COL_TAX_NAME || column == COL_NAME ||
         /* skus: a rate's name; sales: a number, never protected */
         column == COL_TAX_RATE;
}

static const char *
text_unprotect (Column      column,
                const char *text)
{
  if (is_text_column (column) && text[0] == '\'' && needs_protection (text + 1))
    return text + 1;
  return text;
}

static const char *
protect_text (GString    *buf,
              const char *text)
{
  if (!needs_protection (text))
    return text;
  g_string_assign (buf, "'");
  g_string_append (buf, text);
  return buf->str;
}

static const char *
field (Parser    *p,
       GPtrArray *fields,
       Column     column)
{
  int i = p->index[column];

  if (i < 0)
    return "";
  return text_unprotect (column, g_strstrip ((char *) g_ptr_array_index (fields, i)));
}

static const char *
keep (Parser     *p,
      const char *text)
{
  return *text != '\0' ? g_string_chunk_insert (p->d->strings, text) : NULL;
}

static gboolean
parse_code (const char  *code,
            const char  *column,
            GError     **error)
{
  if (*code == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The %s is empty."), column);
      return FALSE;
    }
  return stk_ops_validate_code (code, error);
}

static gboolean
parse_sku_row (Parser     *p,
               GPtrArray  *fields,
               Row        *row,
               GError    **error)
{
  const char *code = field (p, fields, COL_CODE);
  const char *description = field (p, fields, COL_DESCRIPTION);
  const char *price = field (p, fields, COL_UNIT_PRICE);
  const char *reorder = field (p, fields, COL_REORDER_LEVEL);
  const char *on_hand = field (p, fields, COL_ON_HAND);
  const char *barcodes;
  gboolean archived = FALSE;
  gpointer first_line;

  if (!parse_code (code, "code", error) ||
      !check_text_length (description, _("description"), error))
    return FALSE;
  row->price = 0;
  if (*price != '\0' && !stk_price_parse (price, &row->price, error))
    return FALSE;
  row->reorder_level = 0;
  if (*reorder != '\0' &&
      !parse_integer (reorder, "reorder_level", 0, MAX_QUANTITY, &row->reorder_level, error))
    return FALSE;
  if (!parse_boolean (field (p, fields, COL_ARCHIVED), &archived, error))
    return FALSE;
  row->archived = archived ? 1 : 0;
  row->quantity = 0;
  if (*on_hand != '\0' &&
      !parse_integer (on_hand, "on_hand", 0, MAX_QUANTITY, &row->quantity, error))
    return FALSE;

  first_line = g_hash_table_lookup (p->seen_codes, code);
  if (first_line != NULL)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The code “%s” appears twice in the file (first on line %u)."), code,
                   GPOINTER_TO_UINT (first_line));
      return FALSE;
    }

  barcodes = field (p, fields, COL_BARCODES);
  if (*barcodes != '\0')
    {
      g_autoptr(GArray) list = stk_barcode_parse_list (barcodes, error);

      if (list == NULL)
        return FALSE;
      for (guint i = 0; i < list->len; i++)
        {
          const StkBarcode *b = &g_array_index (list, StkBarcode, i);
          g_autofree char *key = stk_barcode_key (b->code);

          first_line = g_hash_table_lookup (p->barcodes, key);
          if (first_line != NULL)
            {
              g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("The barcode “%s” appears twice in the file (first on line %u)."),
                           b->code, GPOINTER_TO_UINT (first_line));
              return FALSE;
            }
        }
      for (guint i = 0; i < list->len; i++)
        g_hash_table_insert (p->barcodes,
                             stk_barcode_key (g_array_index (list, StkBarcode, i).code),
                             GUINT_TO_POINTER (row->line));
      row->barcodes = keep (p, barcodes);
      p->d->extended = p->d->extended || list->len > 0;
    }

  /* The item's own tax rate, by its name (the inventory must have it); empty: the
   * shop's default. */
  {
    const char *tax_rate = field (p, fields, COL_TAX_RATE);

    if (*tax_rate != '\0')
      {
        if (!stk_tax_name_check (tax_rate, error))
          return FALSE;
        row->tax_name = g_string_chunk_insert_const (p->d->strings, tax_rate);
        p->d->extended = TRUE;
      }
  }

  /* The item's default cost (format 10); empty: none. The bulk path does not stage it. */
  {
    const char *unit_cost = field (p, fields, COL_UNIT_COST);

    row->cost = 0;
    if (*unit_cost != '\0')
      {
        if (!parse_cost (unit_cost, &row->cost, error))
          return FALSE;
        p->d->extended = p->d->extended || row->cost > 0;
      }
  }

  row->code = g_string_chunk_insert (p->d->strings, code);
  row->text = keep (p, description);
  g_hash_table_insert (p->seen_codes, (gpointer) row->code, GUINT_TO_POINTER (row->line));
  return TRUE;
}

/* The row's key: its reference, or a digest of its normalised values and how
 * many times the same values occurred before in the file. */
static gboolean
assign_key (Parser      *p,
            Row         *row,
            const char  *reference,
            GError     **error)
{
  gpointer first_line;
  char *key;

  if (*reference != '\0')
    key = g_string_chunk_insert (p->d->strings, reference);
  else
    {
      g_autofree char *folded = g_utf8_casefold (row->code != NULL ? row->code : "", -1);
      const char *digest;
      guint n;

      g_string_truncate (p->normalised, 0);
      if (p->d->table == STK_TABLE_RETURNS)
        g_string_append_printf (p->normalised,
                                "returns\x1f%" G_GINT64_FORMAT "\x1f%s\x1f%u\x1f%" G_GINT64_FORMAT
                                "\x1f%" G_GINT64_FORMAT "\x1f%s",
                                row->time_us, row->sale, row->sale_line, row->quantity,
                                row->discount, row->text != NULL ? row->text : "");
      else if (p->d->table == STK_TABLE_SALES)
        {
          g_string_append_printf (p->normalised,
                                  "sales\x1f%" G_GINT64_FORMAT "\x1f%s\x1f%" G_GINT64_FORMAT "\x1f",
                                  row->time_us, folded, row->quantity);
          if (row->price >= 0)
            g_string_append_printf (p->normalised, "%" G_GINT64_FORMAT, row->price);
        }
      else
        g_string_append_printf (p->normalised,
                                "movements\x1f%" G_GINT64_FORMAT "\x1f%s\x1f%" G_GINT64_FORMAT
                                "\x1f%s\x1f%s",
                                row->time_us, folded, row->quantity,
                                stk_movement_kind_to_string (row->kind),
                                row->text != NULL ? row->text : "");

      g_checksum_reset (p->checksum);
      g_checksum_update (p->checksum, (const guchar *) p->normalised->str,
                         (gssize) p->normalised->len);
      digest = g_checksum_get_string (p->checksum);
      n = GPOINTER_TO_UINT (g_hash_table_lookup (p->occurrences, digest)) + 1;
      g_hash_table_replace (p->occurrences, g_strdup (digest), GUINT_TO_POINTER (n));

      g_string_printf (p->normalised, "csv:%s:%u", digest, n);
      key = g_string_chunk_insert (p->d->strings, p->normalised->str);
    }

  first_line = g_hash_table_lookup (p->seen_keys, key);
  if (first_line != NULL)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The reference “%s” appears twice in the file (first on line %u)."), key,
                   GPOINTER_TO_UINT (first_line));
      return FALSE;
    }
  g_hash_table_insert (p->seen_keys, key, GUINT_TO_POINTER (row->line));
  row->key = key;
  return TRUE;
}

/* One of a sale's own values (payment, note, void_reason; @slot), which its rows must
 * agree on or leave empty. */
static gboolean
agree (SaleGroup   *g,
       guint        slot,
       const char  *column,
       const char  *sale,
       Parser      *p,
       const char  *value,
       guint        line,
       GError     **error)
{
  if (*value == '\0')
    return TRUE;
  if (g->values[slot] == NULL)
    {
      g->values[slot] = g_string_chunk_insert (p->d->strings, value);
      g->lines[slot] = line;
      return TRUE;
    }
  if (strcmp (g->values[slot], value) == 0)
    return TRUE;
  g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
               /* Translators: the first %s is a column (payment, note, void_reason) */
               _("The %s “%s” differs from “%s” on line %u: the rows of sale “%s” share one."),
               column, value, g->values[slot], g->lines[slot], sale);
  return FALSE;
}

static gboolean
seen_key (Parser      *p,
          const char  *key,
          guint        line,
          GError     **error)
{
  gpointer first_line = g_hash_table_lookup (p->seen_keys, key);

  if (first_line != NULL)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The reference “%s” appears twice in the file (first on line %u)."), key,
                   GPOINTER_TO_UINT (first_line));
      return FALSE;
    }
  g_hash_table_insert (p->seen_keys, (gpointer) key, GUINT_TO_POINTER (line));
  return TRUE;
}

/* Makes @row the next line of sale @sale (its number in the file's order, and its id:
 * the sale's id for line 1, "sale#N" after). A row with a bad time (time_us < 0) still
 * counts as a line, so that the rows after it are named by their right number. */
static gboolean
join_sale (Parser      *p,
           const char  *sale,
           const char  *sold_at,
           Row         *row,
           GError     **error)
{
  SaleGroup *g = NULL;
  gpointer stored = NULL;

  if (!g_hash_table_lookup_extended (p->sales, sale, &stored, (gpointer *) &g))
    {
      g = g_new0 (SaleGroup, 1);
      g->first_line = row->line;
      g->time_us = -1;
      stored = g_string_chunk_insert (p->d->strings, sale);
      g_hash_table_insert (p->sales, stored, g);
    }
  row->sale = stored;
  row->sale_line = ++g->n_lines;
  if (row->sale_line == 1)
    row->key = row->sale;
  else
    {
      g_autofree char *key = g_strdup_printf ("%s#%u", sale, row->sale_line);

      row->key = g_string_chunk_insert (p->d->strings, key);
      p->d->extended = TRUE;
    }
  if (row->time_us < 0)
    return TRUE;
  if (g->time_us < 0)
    {
      g->time_us = row->time_us;
      g->time_line = row->line;
      g->time_text = g_string_chunk_insert (p->d->strings, sold_at);
      return TRUE;
    }
  if (row->time_us != g->time_us)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The lines of sale “%s” share one time: this row has %s, line %u "
                     "has %s."),
                   sale, sold_at, g->time_line, g->time_text);
      return FALSE;
    }
  return TRUE;
}

/* The tax columns of a sales row (format 9). With a tax_rate column the file says each
 * line's tax: an empty tax_rate is a line without tax (no tax_name, no tax), else the
 * rate, its name, whether the price included it (empty: the shop's rule when imported)
 * and the tax (empty: the rate of the line's amount, rounded per line; else it must be
 * within a cent of it, which the inventory checks). Without a tax_rate column (a file
 * written before tax), the line sells at its item's rate now. */
static gboolean
parse_sale_tax (Parser      *p,
                GPtrArray   *fields,
                Row         *row,
                GError     **error)
{
  const char *name = field (p, fields, COL_TAX_NAME);
  const char *rate = field (p, fields, COL_TAX_RATE);
  const char *included = field (p, fields, COL_TAX_INCLUDED);
  const char *tax = field (p, fields, COL_TAX);
  gboolean included_value = TRUE;

  row->tax_given = p->index[COL_TAX_RATE] >= 0;
  row->tax_rate_bp = -1;
  row->tax_cents = -1;
  row->tax_included = -1;
  if (!row->tax_given)
    {
      if (*name != '\0' || *tax != '\0' || *included != '\0')
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("The tax of a line needs its rate: a tax_rate column, empty for a "
                         "line without tax."));
          return FALSE;
        }
      return TRUE;
    }

  if (*included != '\0')
    {
      if (!parse_boolean (included, &included_value, error))
        return FALSE;
      row->tax_included = included_value ? 1 : 0;
    }
  if (*tax != '\0' && !stk_price_parse (tax, &row->tax_cents, error))
    return FALSE;
  if (*rate == '\0')
    {
      if (*name != '\0' || row->tax_cents > 0)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("A line without a tax_rate has no tax_name and no tax."));
          return FALSE;
        }
      row->tax_cents = 0;
      return TRUE;
    }
  if (!stk_tax_rate_parse (rate, &row->tax_rate_bp, error) ||
      (*name != '\0' && !stk_tax_name_check (name, error)))
    return FALSE;
  row->tax_name = keep (p, name);
  return TRUE;
}

/* The sales columns of schema 6: the sale a row is a line of, its discount, and the
 * sale's payment, note and void. */
static gboolean
parse_sale_extras (Parser      *p,
                   GPtrArray   *fields,
                   const char  *sold_at,
                   Row         *row,
                   GError     **error)
{
  const char *sale = field (p, fields, COL_SALE);
  const char *reference = field (p, fields, COL_REFERENCE);
  const char *discount = field (p, fields, COL_DISCOUNT);
  const char *payment = field (p, fields, COL_PAYMENT);
  const char *note = field (p, fields, COL_NOTE);
  const char *voided = field (p, fields, COL_VOIDED);
  const char *void_reason = field (p, fields, COL_VOID_REASON);
  SaleGroup *g = NULL;
  guint64 gross = 0;

  /* First the line's place in its sale, whatever else is wrong with the row. */
  if (*sale != '\0')
    {
      if (!join_sale (p, sale, sold_at, row, error))
        return FALSE;
      g = g_hash_table_lookup (p->sales, sale);
    }

  row->discount = 0;
  if (*discount != '\0')
    {
      if (!stk_price_parse (discount, &row->discount, error))
        return FALSE;
      if (row->price >= 0 && row->discount > 0 &&
          g_uint64_checked_mul (&gross, (guint64) row->price, (guint64) row->quantity) &&
          (guint64) row->discount > gross)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("The discount %s is more than the line’s price."), discount);
          return FALSE;
        }
    }
  if (g_utf8_strlen (payment, -1) > 64)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The payment is longer than %d characters."), 64);
      return FALSE;
    }
  if (!check_text_length (note, _("note"), error) ||
      !check_text_length (void_reason, _("void reason"), error))
    return FALSE;
  row->voided_us = 0;
  if (*voided != '\0' && !parse_time (voided, p->local, &row->voided_us, error))
    return FALSE;
  if (*void_reason != '\0' && *voided == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("A void_reason needs the time the sale was voided (voided)."));
      return FALSE;
    }
  if (row->voided_us != 0 && row->voided_us < row->time_us)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The sale cannot be voided (%s) before it was made (%s)."), voided,
                   sold_at);
      return FALSE;
    }
  if (row->discount > 0 || *payment != '\0' || *note != '\0' || row->voided_us != 0)
    p->d->extended = TRUE;
  if (!parse_sale_tax (p, fields, row, error))
    return FALSE;

  if (g == NULL)
    {
      /* A sale of its own, as before the sale column. */
      row->payment = keep (p, payment);
      row->note = keep (p, note);
      row->void_reason = keep (p, void_reason);
      row->sale_line = 1;
      if (!assign_key (p, row, reference, error))
        return FALSE;
      row->sale = row->key;
      return TRUE;
    }

  if (*reference != '\0' && strcmp (reference, row->key) != 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The reference “%s” should be “%s” or empty: that is line %u of sale “%s”."),
                   reference, row->key, row->sale_line, sale);
      return FALSE;
    }
  if (!agree (g, 0, "payment", sale, p, payment, row->line, error) ||
      !agree (g, 1, "note", sale, p, note, row->line, error) ||
      !agree (g, 2, "void_reason", sale, p, void_reason, row->line, error))
    return FALSE;
  if (row->voided_us != 0)
    {
      if (g->voided_us != 0 && g->voided_us != row->voided_us)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("The voided “%s” differs from “%s” on line %u: the rows of sale “%s” "
                         "share one."),
                       voided, g->voided_text, g->voided_line, sale);
          return FALSE;
        }
      if (g->voided_us == 0)
        {
          g->voided_us = row->voided_us;
          g->voided_text = g_string_chunk_insert (p->d->strings, voided);
          g->voided_line = row->line;
        }
    }
  return seen_key (p, row->key, row->line, error);
}

/* After a sales file without errors: each row links to the next line of its sale, and
 * each sale's first row carries what its rows agreed on. */
static void
finish_sales (Parser *p)
{
  g_autoptr(GHashTable) last = g_hash_table_new (g_str_hash, g_str_equal);
  GArray *rows = p->d->rows;

  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      gpointer prev;
      SaleGroup *g;

      if (g_hash_table_lookup_extended (last, row->sale, NULL, &prev))
        g_array_index (rows, Row, GPOINTER_TO_UINT (prev)).next = i + 1;
      g_hash_table_insert (last, (gpointer) row->sale, GUINT_TO_POINTER (i));
      if (row->sale_line != 1 || (g = g_hash_table_lookup (p->sales, row->sale)) == NULL)
        continue;
      row->payment = g->values[0];
      row->note = g->values[1];
      row->void_reason = g->values[2];
      row->voided_us = g->voided_us;
    }
}

static gboolean
parse_return_row (Parser     *p,
                  GPtrArray  *fields,
                  Row        *row,
                  GError    **error)
{
  const char *returned_at = field (p, fields, COL_TIME);
  const char *sale = field (p, fields, COL_SALE);
  const char *line = field (p, fields, COL_LINE);
  const char *quantity = field (p, fields, COL_QUANTITY);
  const char *refund = field (p, fields, COL_REFUND);
  const char *reason = field (p, fields, COL_REASON);
  gint64 n = 0;

  if (*returned_at == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The %s is empty."), "returned_at");
      return FALSE;
    }
  if (!parse_time (returned_at, p->local, &row->time_us, error))
    return FALSE;
  if (*sale == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The %s is empty."), "sale");
      return FALSE;
    }
  if (*line == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The %s is empty."), "line");
      return FALSE;
    }
  if (!parse_integer (line, "line", 1, 100000, &n, error))
    return FALSE;
  row->sale_line = (guint) n;
  if (*quantity == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The %s is empty."), "quantity");
      return FALSE;
    }
  if (!parse_integer (quantity, "quantity", 1, MAX_QUANTITY, &row->quantity, error))
    return FALSE;
  row->discount = -1;
  if (*refund != '\0' && !stk_price_parse (refund, &row->discount, error))
    return FALSE;
  if (!check_text_length (reason, _("reason"), error))
    return FALSE;
  row->tax_cents = -1;
  if (*field (p, fields, COL_TAX) != '\0' &&
      !stk_price_parse (field (p, fields, COL_TAX), &row->tax_cents, error))
    return FALSE;
  row->price = -1;
  row->text = keep (p, reason);
  row->sale = g_string_chunk_insert_const (p->d->strings, sale);
  return assign_key (p, row, field (p, fields, COL_REFERENCE), error);
}

static gboolean
parse_sale_row (Parser     *p,
                GPtrArray  *fields,
                Row        *row,
                GError    **error)
{
  const char *sold_at = field (p, fields, COL_TIME);
  const char *sku = field (p, fields, COL_SKU);
  const char *quantity = field (p, fields, COL_QUANTITY);
  const char *price = field (p, fields, COL_UNIT_PRICE);

  const char *sale = field (p, fields, COL_SALE);
  gboolean ok = TRUE;

  if (*sold_at == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The %s is empty."), "sold_at");
      ok = FALSE;
    }
  else if (!parse_time (sold_at, p->local, &row->time_us, error) ||
           !parse_code (sku, "sku", error))
    ok = FALSE;
  else if (*quantity == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The %s is empty."), "quantity");
      ok = FALSE;
    }
  else if (!parse_integer (quantity, "quantity", 1, MAX_QUANTITY, &row->quantity, error))
    ok = FALSE;
  else
    {
      row->price = -1;
      if (*price != '\0' && !stk_price_parse (price, &row->price, error))
        ok = FALSE;
    }
  if (!ok)
    {
      /* Still a line of its sale: the rows after it keep their numbers. */
      if (*sale != '\0')
        {
          row->time_us = -1;
          join_sale (p, sale, sold_at, row, NULL);
        }
      return FALSE;
    }
  row->code = g_string_chunk_insert_const (p->d->strings, sku);
  return parse_sale_extras (p, fields, sold_at, row, error);
}

static gboolean
parse_movement_row (Parser     *p,
                    GPtrArray  *fields,
                    Row        *row,
                    GError    **error)
{
  const char *moved_at = field (p, fields, COL_TIME);
  const char *sku = field (p, fields, COL_SKU);
  const char *kind_text = field (p, fields, COL_KIND);
  const char *quantity = field (p, fields, COL_QUANTITY);
  const char *reason = field (p, fields, COL_REASON);
  StkMovementKind kind;
  gint64 q = 0;

  if (*moved_at == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The %s is empty."), "moved_at");
      return FALSE;
    }
  if (!parse_time (moved_at, p->local, &row->time_us, error) ||
      !parse_code (sku, "sku", error))
    return FALSE;
  if (!stk_movement_kind_from_string (kind_text, &kind))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The kind “%s” is not receive, adjustment or count."), kind_text);
      return FALSE;
    }
  if (kind == STK_MOVEMENT_SALE)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Sales cannot be imported as stock movements: import them as sales."));
      return FALSE;
    }
  if (*quantity == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The %s is empty."), "quantity");
      return FALSE;
    }
  if (!parse_integer (quantity, "quantity", -MAX_QUANTITY, MAX_QUANTITY, &q, error))
    return FALSE;
  switch (kind)
    {
    case STK_MOVEMENT_RECEIVE:
      if (q <= 0)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("A receipt needs a quantity above zero, not %s."), quantity);
          return FALSE;
        }
      break;
    case STK_MOVEMENT_ADJUSTMENT:
      if (q == 0)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("An adjustment needs a quantity other than zero."));
          return FALSE;
        }
      break;
    case STK_MOVEMENT_COUNT:
      if (q < 0)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("A stock count cannot be below zero (%s)."), quantity);
          return FALSE;
        }
      break;
    case STK_MOVEMENT_SALE:
    default:
      g_assert_not_reached ();
    }
  if (!check_text_length (reason, _("reason"), error))
    return FALSE;

  /* A receipt's unit cost (format 10): as the file says it; an empty one is no cost;
   * a file without the column (written before costs) takes the item's default. */
  row->cost = p->index[COL_UNIT_COST] >= 0 ? STK_IMPORT_COST_NONE : STK_IMPORT_COST_DEFAULT;
  {
    const char *unit_cost = field (p, fields, COL_UNIT_COST);

    if (*unit_cost != '\0' && kind != STK_MOVEMENT_RECEIVE)
      {
        g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                     _("Only a receipt has a unit_cost, not a %s."), kind_text);
        return FALSE;
      }
    if (*unit_cost != '\0' && !parse_cost (unit_cost, &row->cost, error))
      return FALSE;
  }

  row->kind = (guint8) kind;
  row->quantity = q;
  row->price = -1;
  row->text = keep (p, reason);
  row->code = g_string_chunk_insert_const (p->d->strings, sku);
  return assign_key (p, row, field (p, fields, COL_REFERENCE), error);
}

/* One of the shop's rules on a tax-rates row (@slot 0: prices_include_tax, 1:
 * tax_rounding): every row repeats it or leaves it empty. */
static gboolean
agree_rule (Parser      *p,
            guint        slot,
            const char  *column,
            const char  *value,
            guint        line,
            GError     **error)
{
  if (*value == '\0')
    return TRUE;
  if (p->rules[slot] == NULL)
    {
      p->rules[slot] = g_string_chunk_insert (p->d->strings, value);
      p->rule_lines[slot] = line;
      return TRUE;
    }
  if (g_ascii_strcasecmp (p->rules[slot], value) == 0)
    return TRUE;
  g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
               /* Translators: the first %s is a column (prices_include_tax, tax_rounding) */
               _("The %s “%s” differs from “%s” on line %u: it is the shop’s rule, which "
                 "every row repeats or leaves empty."),
               column, value, p->rules[slot], p->rule_lines[slot]);
  return FALSE;
}

static gboolean
parse_tax_rate_row (Parser     *p,
                    GPtrArray  *fields,
                    Row        *row,
                    GError    **error)
{
  const char *name = field (p, fields, COL_NAME);
  const char *rate = field (p, fields, COL_RATE);
  const char *included = field (p, fields, COL_PRICES_INCLUDE_TAX);
  const char *rounding = field (p, fields, COL_TAX_ROUNDING);
  g_autofree char *key = NULL;
  gboolean is_default = FALSE;
  gboolean value = FALSE;
  gpointer first_line;

  if (*name == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The %s is empty."), "name");
      return FALSE;
    }
  if (!stk_tax_name_check (name, error))
    return FALSE;
  if (*rate == '\0')
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The %s is empty."), "rate");
      return FALSE;
    }
  if (!stk_tax_rate_parse (rate, &row->tax_rate_bp, error) ||
      !parse_boolean (field (p, fields, COL_DEFAULT), &is_default, error))
    return FALSE;
  if (*included != '\0' && !parse_boolean (included, &value, error))
    return FALSE;
  if (*rounding != '\0' && g_ascii_strcasecmp (rounding, "line") != 0 &&
      g_ascii_strcasecmp (rounding, "receipt") != 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The tax_rounding “%s” is not line or receipt."), rounding);
      return FALSE;
    }

  key = g_ascii_strdown (name, -1);
  first_line = g_hash_table_lookup (p->names, key);
  if (first_line != NULL)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The tax rate “%s” appears twice in the file (first on line %u)."), name,
                   GPOINTER_TO_UINT (first_line));
      return FALSE;
    }
  if (is_default && p->default_line != 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The shop has one default rate, and line %u is already marked "
                     "default."),
                   p->default_line);
      return FALSE;
    }
  if (!agree_rule (p, 0, "prices_include_tax", *included == '\0' ? "" : value ? "1" : "0",
                   row->line, error) ||
      !agree_rule (p, 1, "tax_rounding", rounding, row->line, error))
    return FALSE;

  g_hash_table_insert (p->names, g_steal_pointer (&key), GUINT_TO_POINTER (row->line));
  if (is_default)
    p->default_line = row->line;
  row->tax_name = g_string_chunk_insert (p->d->strings, name);
  row->tax_default = is_default ? 1 : 0;
  if (p->rules[0] != NULL)
    p->d->prices_include_tax = p->rules[0][0] == '1' ? 1 : 0;
  if (p->rules[1] != NULL)
    p->d->tax_rounding = g_ascii_strcasecmp (p->rules[1], "receipt") == 0
                           ? STK_TAX_ROUND_RECEIPT : STK_TAX_ROUND_LINE;
  return TRUE;
}

static gboolean
parse_row (Parser     *p,
           GPtrArray  *fields,
           Row        *row,
           GError    **error)
{
  if (fields->len != p->n_fields)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The row has %u field, but the header has %u.",
                                "The row has %u fields, but the header has %u.",
                                fields->len),
                   fields->len, p->n_fields);
      return FALSE;
    }

  switch (p->d->table)
    {
    case STK_TABLE_TAX_RATES:
      return parse_tax_rate_row (p, fields, row, error);
    case STK_TABLE_SKUS:
      return parse_sku_row (p, fields, row, error);
    case STK_TABLE_SALES:
      return parse_sale_row (p, fields, row, error);
    case STK_TABLE_MOVEMENTS:
      return parse_movement_row (p, fields, row, error);
    case STK_TABLE_RETURNS:
      return parse_return_row (p, fields, row, error);
    default:
      g_assert_not_reached ();
    }
}

static void
set_open_error (GError     **error,
                int          errsv,
                const char  *path)
{
  g_autofree char *name = g_filename_display_name (path);
  StkError code = stk_error_code_from_errno (errsv);

  if (errsv == EISDIR)
    g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                 _("Cannot import “%s”: it is a folder, not a CSV file."), name);
  else if (code == STK_ERROR_NOT_FOUND)
    g_set_error (error, STK_ERROR, code, _("Cannot import “%s”: the file does not exist."), name);
  else if (code == STK_ERROR_READ_ONLY)
    g_set_error (error, STK_ERROR, code,
                 _("Cannot import “%s”: you are not allowed to read it."), name);
  else
    g_set_error (error, STK_ERROR, code, _("Cannot import “%s”: %s."), name, g_strerror (errsv));
}

void
stk_import_set_cancelled_error (GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
               _("The import was cancelled; nothing was imported."));
}

/* Phase 1: reads and checks the whole file into d->rows. FALSE with @error set
 * when the file cannot be read or was cancelled; bad rows only add errors. */
static gboolean
read_file (ImportData       *d,
           const char       *path,
           StkProgressFunc   progress,
           gpointer          user_data,
           GCancellable     *cancellable,
           guint64          *out_rows,
           GError          **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(StkCsvReader) reader = NULL;
  Parser p = { 0 };
  gboolean have_header = FALSE;
  gboolean ok = TRUE;
  guint64 last_progress = 0;
  guint64 size;
  struct stat st;
  int fd;

  *out_rows = 0;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_open_error (error, errno, path);
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || S_ISDIR (st.st_mode))
    {
      int errsv = errno;

      if (errsv == 0 || S_ISDIR (st.st_mode))
        errsv = EISDIR;
      close (fd);
      set_open_error (error, errsv, path);
      return FALSE;
    }
  size = (guint64) st.st_size;
  stream = g_unix_input_stream_new (fd, TRUE);
  reader = stk_csv_reader_new (stream);
  stk_csv_reader_set_cancellable (reader, cancellable);

  p.d = d;
  p.local = g_time_zone_new_local ();
  if (d->table == STK_TABLE_SKUS)
    {
      p.seen_codes = g_hash_table_new (stk_code_hash, stk_code_equal);
      p.barcodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  else if (d->table == STK_TABLE_TAX_RATES)
    p.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  else
    {
      p.seen_keys = g_hash_table_new (g_str_hash, g_str_equal);
      p.occurrences = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      p.checksum = g_checksum_new (G_CHECKSUM_SHA256);
      p.normalised = g_string_new (NULL);
      p.sales = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
    }

  if (progress != NULL)
    progress (0, size, user_data);

  if (g_cancellable_is_cancelled (cancellable))
    {
      stk_import_set_cancelled_error (error);
      parser_clear (&p);
      return FALSE;
    }

  for (;;)
    {
      g_autoptr(GPtrArray) fields = NULL;
      g_autoptr(GError) local_error = NULL;
      StkCsvStatus status = stk_csv_reader_next (reader, &fields, &local_error);
      guint64 offset = stk_csv_reader_get_offset (reader);
      guint line = stk_csv_reader_get_line (reader);

      if (offset - last_progress >= PROGRESS_STEP_BYTES)
        {
          last_progress = offset;
          if (g_cancellable_is_cancelled (cancellable))
            {
              stk_import_set_cancelled_error (error);
              ok = FALSE;
              break;
            }
          if (progress != NULL)
            progress (offset, size, user_data);
        }

      if (status == STK_CSV_EOF)
        break;

      if (status == STK_CSV_FATAL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              stk_import_set_cancelled_error (error);
              ok = FALSE;
            }
          else if (local_error->domain == G_IO_ERROR)
            {
              g_autofree char *name = g_filename_display_name (path);
              g_set_error (error, STK_ERROR, STK_ERROR_IO, _("Cannot import “%s”: %s"), name,
                           local_error->message);
              ok = FALSE;
            }
          else
            stk_import_add_error_literal (d, local_error->message);
          break;
        }

      if (!have_header)
        {
          have_header = TRUE;
          if (status == STK_CSV_BAD_RECORD)
            {
              stk_import_add_error_literal (d, local_error->message);
              d->bad_header = TRUE;
              break;
            }
          if (!parse_header (&p, fields, line))
            {
              d->bad_header = TRUE;
              break;
            }
          continue;
        }

      (*out_rows)++;
      if (status == STK_CSV_BAD_RECORD)
        {
          stk_import_add_error_literal (d, local_error->message);
          continue;
        }

      {
        Row row = { 0 };

        row.line = line;
        if (parse_row (&p, fields, &row, &local_error))
          {
            if (d->n_errors == 0)
              g_array_append_val (d->rows, row);
          }
        else
          stk_import_add_line_error (d, line, local_error->message);
      }
    }

  if (ok && !have_header && d->n_errors == 0)
    {
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("“%s” is empty: a CSV file starts with a row of column names."), name);
      ok = FALSE;
    }

  if (ok && d->n_errors == 0 && d->table == STK_TABLE_SALES)
    finish_sales (&p);

  if (ok && progress != NULL)
    progress (size, size, user_data);

  parser_clear (&p);
  return ok;
}


static char *
describe_import (StkTable    table,
                 guint       n,
                 const char *name)
{
  g_autofree char *count = stk_format_count (n);

  switch (table)
    {
    case STK_TABLE_TAX_RATES:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Import of %s tax rate from %s",
                                           "Import of %s tax rates from %s", n),
                              count, name);
    case STK_TABLE_SKUS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Import of %s SKU from %s",
                                           "Import of %s SKUs from %s", n),
                              count, name);
    case STK_TABLE_SALES:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Import of %s sale from %s",
                                           "Import of %s sales from %s", n),
                              count, name);
    case STK_TABLE_MOVEMENTS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Import of %s stock movement from %s",
                                           "Import of %s stock movements from %s", n),
                              count, name);
    case STK_TABLE_RETURNS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Import of %s return from %s",
                                           "Import of %s returns from %s", n),
                              count, name);
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
fill_report (StkImportReport *report,
             ImportData      *d,
             guint64          rows,
             gboolean         success)
{
  if (report == NULL)
    return;
  report->rows = rows;
  report->imported = success ? d->imported : 0;
  report->duplicates = d->duplicates;
  report->n_errors = d->n_errors;
  g_clear_pointer (&report->errors, g_ptr_array_unref);
  report->errors = g_ptr_array_ref (d->errors);
}

/* An empty import of @table named @display_name (taken), its strings in chunks of
 * @chunk bytes; the shop's tax rules not read yet. */
static ImportData *
import_data_alloc (StkTable  table,
                   char     *display_name,
                   gsize     chunk)
{
  ImportData *d = g_new0 (ImportData, 1);

  d->table = table;
  d->display_name = display_name;
  d->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  d->strings = g_string_chunk_new (chunk);
  d->errors = g_ptr_array_new_with_free_func (g_free);
  d->prices_include_tax = -1;
  d->tax_rounding = -1;
  return d;
}

/**
 * stk_import_op_new:
 * Reads and checks the whole file, and returns the op that applies it, for a caller
 * that submits it to the writer itself. Its id may be set (stk_op_set_id()) to one
 * kept from an earlier attempt: an import already applied under that id is not
 * applied again (stk_op_get_duplicate()). Returns NULL, with @error and @report
 * filled, when the file is refused (nothing to submit). stk_import_op_report()
 * gives the report once the op has completed.
 */
StkOp *
stk_import_op_new (StkTable          table,
                   const char       *path,
                   StkProgressFunc   progress,
                   gpointer          user_data,
                   GCancellable     *cancellable,
                   StkImportReport  *report,
                   GError          **error)
{
  g_autoptr(StkOp) op = NULL;
  g_autofree char *description = NULL;
  ImportData *d;
  guint64 rows = 0;
  static const char *const kinds[] = {
    STK_OP_IMPORT_SKUS, STK_OP_IMPORT_SALES, STK_OP_IMPORT_MOVEMENTS, STK_OP_IMPORT_RETURNS,
    STK_OP_IMPORT_TAX_RATES
  };
  static const StkChangeFlags changes[] = {
    STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS,
    STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES,
    STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS,
    STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES,
    /* Like the tax rate ops: the items' rows do not change, only what they sell at. */
    STK_CHANGE_NONE,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == STK_N_TABLES);
  G_STATIC_ASSERT (G_N_ELEMENTS (changes) == STK_N_TABLES);
  g_return_val_if_fail ((guint) table < G_N_ELEMENTS (table_names), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (report != NULL)
    {
      stk_import_report_clear (report);
      report->errors = g_ptr_array_new_with_free_func (g_free);
    }

  d = import_data_alloc (table, g_filename_display_basename (path), 64 * 1024);
  if (cancellable != NULL)
    d->cancellable = g_object_ref (cancellable);
  op = stk_op_new (kinds[table], changes[table], d, import_data_free);
  stk_op_set_flags (op, STK_OP_FLAG_STANDALONE);

  if (!read_file (d, path, progress, user_data, cancellable, &rows, error))
    {
      fill_report (report, d, rows, FALSE);
      return NULL;
    }
  d->rows_read = rows;
  if (d->n_errors > 0)
    {
      fill_report (report, d, rows, FALSE);
      stk_import_set_summary_error (d, STK_ERROR_INVALID_DATA, error);
      return NULL;
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      fill_report (report, d, rows, FALSE);
      stk_import_set_cancelled_error (error);
      return NULL;
    }

  description = describe_import (table, d->rows->len, d->display_name);
  stk_op_set_description (op, description);
  return g_steal_pointer (&op);
}

/**
 * stk_import_op_report:
 * @op: an op from stk_import_op_new(), completed
 * @success: whether the writer applied it (its submit succeeded)
 *
 * Fills @report: what was imported, or every problem found. An op that was a duplicate
 * (applied before under the same id) imported nothing now: all its rows count as
 * duplicates.
 */
void
stk_import_op_report (StkOp           *op,
                      gboolean         success,
                      StkImportReport *report)
{
  ImportData *d;

  g_return_if_fail (op != NULL);
  g_return_if_fail (report != NULL);

  d = stk_op_get_data (op);
  if (report->errors == NULL)
    report->errors = g_ptr_array_new_with_free_func (g_free);
  fill_report (report, d, d->rows_read, success);
  if (success && stk_op_get_duplicate (op))
    {
      report->imported = 0;
      report->duplicates = d->rows->len;
    }
}

/**
 * stk_import_data_new:
 * An import of stock movements built in memory rather than read from a file: the
 * caller fills the returned payload's rows (strings in its string chunk) and gives it
 * back to stk_import_op_new_for_data(). The op is the movements import's: one
 * transaction, all rows or none, each row's problem reported with its line.
 */
StkImportData *
stk_import_data_new (StkTable    table,
                     const char *display_name)
{
  g_return_val_if_fail ((guint) table < G_N_ELEMENTS (table_names), NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  return import_data_alloc (table, g_strdup (display_name), 4 * 1024);
}

StkOp *
stk_import_op_new_for_data (StkImportData *d,
                            const char    *description)
{
  static const char *const kinds[] = {
    STK_OP_IMPORT_SKUS, STK_OP_IMPORT_SALES, STK_OP_IMPORT_MOVEMENTS, STK_OP_IMPORT_RETURNS,
    STK_OP_IMPORT_TAX_RATES
  };
  StkOp *op;

  g_return_val_if_fail (d != NULL, NULL);
  g_return_val_if_fail (d->table == STK_TABLE_MOVEMENTS, NULL);

  d->rows_read = d->rows->len;
  op = stk_op_new (kinds[d->table], STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS, d,
                   import_data_free);
  stk_op_set_flags (op, STK_OP_FLAG_STANDALONE);
  if (description != NULL)
    stk_op_set_description (op, description);
  return op;
}

gboolean
stk_import_file (StkWriter        *writer,
                 StkTable          table,
                 const char       *path,
                 StkProgressFunc   progress,
                 gpointer          user_data,
                 GCancellable     *cancellable,
                 StkImportReport  *report,
                 GError          **error)
{
  g_autoptr(StkOp) op = NULL;
  gboolean ok;

  g_return_val_if_fail (STK_IS_WRITER (writer), FALSE);
  g_return_val_if_fail ((guint) table < G_N_ELEMENTS (table_names), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  op = stk_import_op_new (table, path, progress, user_data, cancellable, report, error);
  if (op == NULL)
    return FALSE;
  ok = stk_writer_submit_sync (writer, op, error);
  if (report != NULL)
    stk_import_op_report (op, ok, report);
  return ok;
}

/* ---- export ---- */

static const char *const export_headers[][16] = {
  { "code", "description", "unit_price", "reorder_level", "archived", "on_hand", "barcodes",
    "tax_rate", "unit_cost" },
  { "sold_at", "sku", "quantity", "unit_price", "reference", "sale", "discount", "payment",
    "note", "voided", "void_reason", "tax_name", "tax_rate", "tax_included", "tax", "cost" },
  { "moved_at", "sku", "kind", "quantity", "reason", "reference", "unit_cost" },
  { "returned_at", "sale", "line", "quantity", "refund", "reason", "reference", "tax" },
  { "name", "rate", "default", "prices_include_tax", "tax_rounding" },
};
static const guint export_n_columns[] = { 9, 16, 7, 8, 5 };
G_STATIC_ASSERT (G_N_ELEMENTS (export_n_columns) == STK_N_TABLES);


/* Turns a GIO write error into an StkError (cancellation stays as it is). */
static void
propagate_write_error (GError     **error,
                       GError      *local_error,
                       const char  *path)
{
  g_autofree char *name = NULL;

  if (local_error->domain != G_IO_ERROR ||
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, local_error);
      return;
    }
  name = g_filename_display_name (path);
  if (local_error->code == G_IO_ERROR_NO_SPACE)
    g_set_error (error, STK_ERROR, STK_ERROR_NO_SPACE,
                 _("Cannot export to “%s”: the disk is full."), name);
  else
    g_set_error (error, STK_ERROR, STK_ERROR_IO, _("Cannot export to “%s”: %s"), name,
                 local_error->message);
  g_error_free (local_error);
}



typedef struct
{
  StkTable          table;
  StkCsvWriter     *csv;
  StkProgressFunc   progress;
  gpointer          user_data;
  GCancellable     *cancellable;
  gint64            total;
  guint64           done;
} ExportRun;

/* The engine's barcodes of one item (code US pack, RS between them) as the CSV field
 * that stk_barcode_parse_list() reads back. */
static char *
barcodes_field (const char *raw)
{
  g_autoptr(GArray) list = NULL;
  g_auto(GStrv) records = NULL;

  if (raw == NULL || *raw == '\0')
    return g_strdup ("");
  list = g_array_new (FALSE, TRUE, sizeof (StkBarcode));
  g_array_set_clear_func (list, (GDestroyNotify) stk_barcode_clear);
  records = g_strsplit (raw, "\x1e", -1);
  for (guint i = 0; records[i] != NULL; i++)
    {
      char *sep = strchr (records[i], '\x1f');
      StkBarcode b = { NULL, 1 };

      if (sep != NULL)
        {
          *sep = '\0';
          b.pack = (guint) g_ascii_strtoull (sep + 1, NULL, 10);
        }
      b.code = g_strdup (records[i]);
      g_array_append_val (list, b);
    }
  return stk_barcode_format_list ((const StkBarcode *) (gpointer) list->data, list->len);
}

/* One row from the engine (stk-transfer-private.h) into the CSV file. */
static gboolean
emit_row (const StkExportRow  *row,
          gpointer             user_data,
          GError             **error)
{
  ExportRun *run = user_data;
  g_autoptr(GString) t1 = g_string_new (NULL);
  g_autoptr(GString) t2 = g_string_new (NULL);
  g_autoptr(GString) t3 = g_string_new (NULL);
  g_autoptr(GString) t4 = g_string_new (NULL);
  g_autoptr(GString) t5 = g_string_new (NULL);
  g_autoptr(GString) t6 = g_string_new (NULL);
  g_autoptr(GString) t7 = g_string_new (NULL);
  char time_buf[40], void_buf[40];
  char n1[24], n2[24], n3[24];
  g_autofree char *price = NULL;
  g_autofree char *discount = NULL;
  g_autofree char *barcodes = NULL;
  g_autofree char *tax = NULL;
  g_autofree char *tax_rate = NULL;
  g_autofree char *cost = NULL;
  const char *fields[16];

  switch (run->table)
    {
    case STK_TABLE_TAX_RATES:
      tax_rate = stk_transfer_format_rate (row->tax_rate_bp);
      fields[0] = protect_text (t1, row->tax_name);
      fields[1] = tax_rate;
      fields[2] = row->tax_default ? "1" : "0";
      fields[3] = row->tax_included ? "1" : "0";
      fields[4] = row->tax_rounding;
      break;
    case STK_TABLE_SKUS:
      price = stk_price_format (row->price_cents);
      g_snprintf (n1, sizeof n1, "%" G_GINT64_FORMAT, row->reorder_level);
      g_snprintf (n2, sizeof n2, "%d", row->archived ? 1 : 0);
      g_snprintf (n3, sizeof n3, "%" G_GINT64_FORMAT, row->on_hand);
      fields[0] = protect_text (t1, row->code);
      fields[1] = protect_text (t2, row->text);
      fields[2] = price;
      fields[3] = n1;
      fields[4] = n2;
      fields[5] = n3;
      barcodes = barcodes_field (row->barcodes);
      fields[6] = protect_text (t3, barcodes);
      fields[7] = protect_text (t4, row->tax_name);
      cost = row->cost_cents > 0 ? stk_price_format (row->cost_cents) : g_strdup ("");
      fields[8] = cost;
      break;
    case STK_TABLE_SALES:
      stk_transfer_format_time (row->time_us, time_buf, sizeof time_buf);
      g_snprintf (n1, sizeof n1, "%" G_GINT64_FORMAT, row->quantity);
      price = stk_price_format (row->price_cents);
      discount = row->discount_cents != 0 ? stk_price_format (row->discount_cents) : g_strdup ("");
      void_buf[0] = '\0';
      if (row->voided_us != 0)
        stk_transfer_format_time (row->voided_us, void_buf, sizeof void_buf);
      fields[0] = time_buf;
      fields[1] = protect_text (t1, row->code);
      fields[2] = n1;
      fields[3] = price;
      fields[4] = protect_text (t2, row->reference);
      fields[5] = protect_text (t3, row->sale);
      fields[6] = discount;
      fields[7] = protect_text (t4, row->payment);
      fields[8] = protect_text (t5, row->note);
      fields[9] = void_buf;
      fields[10] = row->voided_us != 0 ? protect_text (t6, row->void_reason) : "";
      tax_rate = row->tax_rate_bp >= 0 ? stk_transfer_format_rate (row->tax_rate_bp) : g_strdup ("");
      tax = stk_price_format (row->tax_cents);
      fields[11] = row->tax_rate_bp >= 0 ? protect_text (t7, row->tax_name) : "";
      fields[12] = tax_rate;
      fields[13] = row->tax_included ? "1" : "0";
      fields[14] = tax;
      cost = stk_price_format (row->cost_cents);
      fields[15] = cost;
      break;
    case STK_TABLE_RETURNS:
      stk_transfer_format_time (row->time_us, time_buf, sizeof time_buf);
      g_snprintf (n1, sizeof n1, "%" G_GINT64_FORMAT, row->sale_line);
      g_snprintf (n2, sizeof n2, "%" G_GINT64_FORMAT, row->quantity);
      price = stk_price_format (row->price_cents);
      fields[0] = time_buf;
      fields[1] = protect_text (t1, row->sale);
      fields[2] = n1;
      fields[3] = n2;
      fields[4] = price;
      fields[5] = protect_text (t2, row->text);
      fields[6] = protect_text (t3, row->reference);
      tax = stk_price_format (row->tax_cents);
      fields[7] = tax;
      break;
    case STK_TABLE_MOVEMENTS:
      stk_transfer_format_time (row->time_us, time_buf, sizeof time_buf);
      g_snprintf (n1, sizeof n1, "%" G_GINT64_FORMAT, row->quantity);
      fields[0] = time_buf;
      fields[1] = protect_text (t1, row->code);
      fields[2] = row->kind;
      fields[3] = n1;
      fields[4] = protect_text (t2, row->text);
      fields[5] = protect_text (t3, row->reference);
      cost = row->cost_cents >= 0 ? stk_price_format (row->cost_cents) : g_strdup ("");
      fields[6] = cost;
      break;
    default:
      g_assert_not_reached ();
    }

  if (!stk_csv_writer_write_row (run->csv, fields, export_n_columns[run->table],
                                 run->cancellable, error))
    return FALSE;
  run->done++;
  if (run->done % EXPORT_PROGRESS_ROWS == 0)
    {
      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return FALSE;
      if (run->progress != NULL)
        run->progress (run->done, (guint64) MAX (run->total, (gint64) run->done),
                       run->user_data);
    }
  return TRUE;
}

/* The rows of @table, as the engine reads them on @conn (inside a read snapshot). */
static gboolean
write_rows (const StkEngine  *engine,
            StkEngineConn    *conn,
            StkTable          table,
            StkCsvWriter     *csv,
            StkProgressFunc   progress,
            gpointer          user_data,
            GCancellable     *cancellable,
            guint64          *out_rows,
            GError          **error)
{
  ExportRun run = { table, csv, progress, user_data, cancellable, 0, 0 };

  if (!engine->export_count (conn, table, &run.total, error))
    return FALSE;
  if (!stk_csv_writer_write_row (csv, export_headers[table], export_n_columns[table],
                                 cancellable, error))
    return FALSE;
  if (progress != NULL)
    progress (0, (guint64) run.total, user_data);

  if (!engine->export_rows (conn, table, emit_row, &run, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (progress != NULL)
    progress (run.done, run.done, user_data);
  *out_rows = run.done;
  return TRUE;
}

/* With @held (already in a read snapshot), rows come from that snapshot. */
static gboolean
export_file (StkStore         *store,
             StkEngineConn    *held,
             StkTable          table,
             const char       *path,
             StkProgressFunc   progress,
             gpointer          user_data,
             GCancellable     *cancellable,
             guint64          *out_rows,
             GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(StkCsvWriter) csv = NULL;
  g_autoptr(StkOutput) output = NULL;
  const StkEngine *engine = stk_store_get_engine (store);
  StkEngineConn *conn = NULL;
  guint64 rows = 0;
  gboolean ok;

  g_return_val_if_fail (STK_IS_STORE (store), FALSE);
  g_return_val_if_fail ((guint) table < G_N_ELEMENTS (table_names), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Never the inventory, a database, a device or a pipe; an existing CSV file is
   * replaced whole, keeping its permissions, or left as it was (stk-output.h). */
  if (!(output = stk_output_open (path, stk_store_get_path (store), STK_OUTPUT_REPLACE, 0644,
                                  error)))
    return FALSE;

  stream = g_unix_output_stream_new (stk_output_get_fd (output), FALSE);
  csv = stk_csv_writer_new (stream);

  if (held != NULL)
    ok = write_rows (engine, held, table, csv, progress, user_data, cancellable, &rows,
                     &local_error);
  else if ((ok = (conn = stk_store_acquire_conn (store, &local_error)) != NULL))
    {
      /* One read snapshot: every row from the same one. */
      ok = engine->begin_read (conn, &local_error) &&
           write_rows (engine, conn, table, csv, progress, user_data, cancellable, &rows,
                       &local_error);
      engine->end_read (conn);
      stk_store_release_conn (store, conn);
    }

  if (ok && !stk_csv_writer_close (csv, cancellable, &local_error))
    ok = FALSE;
  if (ok && !stk_output_commit (output, &local_error))
    ok = FALSE;

  if (!ok)
    {
      propagate_write_error (error, g_steal_pointer (&local_error), path);
      return FALSE;
    }

  if (out_rows != NULL)
    *out_rows = rows;
  return TRUE;
}

gboolean
stk_export_file (StkStore         *store,
                 StkTable          table,
                 const char       *path,
                 StkProgressFunc   progress,
                 gpointer          user_data,
                 GCancellable     *cancellable,
                 guint64          *out_rows,
                 GError          **error)
{
  g_return_val_if_fail (STK_IS_STORE (store), FALSE);

  return export_file (store, NULL, table, path, progress, user_data, cancellable, out_rows,
                      error);
}

/* ---- whole inventory ---- */

/* In the order import all reads them: the rates before the items that name them. */
static const StkTable all_tables[] = { STK_TABLE_TAX_RATES, STK_TABLE_SKUS, STK_TABLE_MOVEMENTS,
                                       STK_TABLE_SALES, STK_TABLE_RETURNS };
G_STATIC_ASSERT (G_N_ELEMENTS (all_tables) == STK_N_TABLES);

static char *
all_file (const char *dir,
          StkTable    table)
{
  g_autofree char *name = g_strconcat (table_names[table], ".csv", NULL);

  return g_build_filename (dir, name, NULL);
}

static void
remove_folder (const char *dir)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_tables); i++)
    {
      g_autofree char *path = all_file (dir, all_tables[i]);
      g_unlink (path);
    }
  g_rmdir (dir);
}

gboolean
stk_export_all (StkStore      *store,
                const char    *dir,
                GCancellable  *cancellable,
                guint64       *out_rows,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *parent = NULL;
  const StkEngine *engine = stk_store_get_engine (store);
  StkEngineConn *conn;
  guint64 total = 0;
  gboolean ok = TRUE;
  int fd;

  g_return_val_if_fail (STK_IS_STORE (store), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_file_test (dir, G_FILE_TEST_EXISTS) && !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      /* An output of the wrong kind, like a folder named as an export's file. */
      g_set_error (error, STK_ERROR, STK_ERROR_IO,
                   _("“%s” is a file, not a folder: export all writes a new folder."), dir);
      return FALSE;
    }

  /* The files are written into a new folder beside @dir, which then takes its place:
   * @dir holds either all the files of one snapshot, or what it held before. */
  tmp = g_strconcat (dir, ".part-XXXXXX", NULL);
  if (g_mkdtemp_full (tmp, 0755) == NULL)
    {
      int errsv = errno;

      parent = g_path_get_dirname (dir);
      stk_output_set_errno_error (error, errsv, dir, parent);
      return FALSE;
    }

  conn = stk_store_acquire_conn (store, &local_error);
  if (conn == NULL)
    ok = FALSE;
  else
    {
      ok = engine->begin_read (conn, &local_error);
      for (guint i = 0; ok && i < G_N_ELEMENTS (all_tables); i++)
        {
          g_autofree char *path = all_file (tmp, all_tables[i]);
          guint64 rows = 0;

          ok = export_file (store, conn, all_tables[i], path, NULL, NULL, cancellable, &rows,
                            &local_error);
          total += rows;
        }
      engine->end_read (conn);
      stk_store_release_conn (store, conn);
    }

  if (ok && g_rename (tmp, dir) != 0)
    {
      int errsv = errno;

      if (errsv == ENOTEMPTY || errsv == EEXIST)
        /* Refused like a backup onto an existing file: nothing is overwritten. */
        g_set_error (&local_error, STK_ERROR, STK_ERROR_FAILED,
                     _("The folder “%s” is not empty: export all writes a new or empty folder."),
                     dir);
      else
        {
          g_autofree char *where = g_path_get_dirname (dir);

          stk_output_set_errno_error (&local_error, errsv, dir, where);
        }
      ok = FALSE;
    }
  if (!ok)
    {
      remove_folder (tmp);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  parent = g_path_get_dirname (dir);
  fd = g_open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  if (out_rows != NULL)
    *out_rows = total;
  return TRUE;
}

typedef StkImportAll ImportAll;

static void
import_all_free (gpointer data)
{
  ImportAll *a = data;

  for (guint i = 0; i < STK_N_TABLES; i++)
    g_clear_pointer (&a->d[i], import_data_free);
  g_free (a);
}

gboolean
stk_import_all_fail_with_errors (ImportAll  *a,
                                 GError    **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_tables); i++)
    {
      ImportData *d = a->d[all_tables[i]];

      if (d->n_errors > 0)
        {
          stk_import_set_summary_error (d, STK_ERROR_CONSTRAINT, error);
          return FALSE;
        }
    }
  return TRUE;
}


static void
fill_all_report (StkImportReport *report,
                 ImportAll       *a,
                 guint64          rows,
                 gboolean         success)
{
  if (report == NULL)
    return;
  report->rows = rows;
  report->imported = 0;
  report->duplicates = 0;
  report->n_errors = 0;
  g_ptr_array_set_size (report->errors, 0);
  for (guint i = 0; i < G_N_ELEMENTS (all_tables); i++)
    {
      ImportData *d = a->d[all_tables[i]];

      /* A file that could not be read ends the reading: those after it have none. */
      if (d == NULL)
        continue;
      report->imported += success ? d->imported : 0;
      report->duplicates += d->duplicates;
      report->n_errors += d->n_errors;
      for (guint e = 0; e < d->errors->len; e++)
        g_ptr_array_add (report->errors,
                         g_strdup_printf ("%s: %s", d->display_name,
                                          (const char *) g_ptr_array_index (d->errors, e)));
    }
}

gboolean
stk_import_all (StkWriter        *writer,
                const char       *dir,
                GCancellable     *cancellable,
                StkImportReport  *report,
                GError          **error)
{
  g_autoptr(StkOp) op = NULL;
  g_autofree char *description = NULL;
  g_autofree char *name = NULL;
  ImportAll *a;
  guint64 rows = 0;

  g_return_val_if_fail (STK_IS_WRITER (writer), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (report != NULL)
    {
      stk_import_report_clear (report);
      report->errors = g_ptr_array_new_with_free_func (g_free);
    }

  a = g_new0 (ImportAll, 1);
  op = stk_op_new (STK_OP_IMPORT_ALL,
                   STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES,
                   a, import_all_free);
  stk_op_set_flags (op, STK_OP_FLAG_STANDALONE);

  /* All the files first: a file that cannot be read or has bad rows stops the reading,
   * and the report is then made from all of them (the ones not read yet being empty). */
  for (guint i = 0; i < G_N_ELEMENTS (all_tables); i++)
    {
      g_autofree char *path = all_file (dir, all_tables[i]);
      ImportData *d = g_new0 (ImportData, 1);

      a->d[all_tables[i]] = d;
      d->table = all_tables[i];
      d->no_opening = TRUE;
      d->display_name = g_filename_display_basename (path);
      d->rows = g_array_new (FALSE, FALSE, sizeof (Row));
      d->strings = g_string_chunk_new (64 * 1024);
      d->errors = g_ptr_array_new_with_free_func (g_free);
      d->prices_include_tax = -1;
      d->tax_rounding = -1;
      if (cancellable != NULL)
        d->cancellable = g_object_ref (cancellable);
    }

  for (guint i = 0; i < G_N_ELEMENTS (all_tables); i++)
    {
      g_autofree char *path = all_file (dir, all_tables[i]);
      ImportData *d = a->d[all_tables[i]];
      guint64 n = 0;

      /* A folder written before returns or tax rates were exported has no returns.csv
       * or tax-rates.csv. */
      if ((all_tables[i] == STK_TABLE_RETURNS || all_tables[i] == STK_TABLE_TAX_RATES) &&
          !g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      if (!read_file (d, path, NULL, NULL, cancellable, &n, error))
        {
          fill_all_report (report, a, rows, FALSE);
          return FALSE;
        }
      rows += n;
      if (d->n_errors > 0)
        {
          fill_all_report (report, a, rows, FALSE);
          stk_import_set_summary_error (d, STK_ERROR_INVALID_DATA, error);
          return FALSE;
        }
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      fill_all_report (report, a, rows, FALSE);
      stk_import_set_cancelled_error (error);
      return FALSE;
    }

  name = g_filename_display_basename (dir);
  description = g_strdup_printf (_("Import of a whole inventory from %s"), name);
  stk_op_set_description (op, description);

  if (!stk_writer_submit_sync (writer, op, error))
    {
      fill_all_report (report, a, rows, FALSE);
      return FALSE;
    }
  fill_all_report (report, a, rows, TRUE);
  return TRUE;
}
