/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sqlite-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "stk-barcode.h"
#include "stk-db.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-op-payloads.h"

/*
 * Sales of several lines, returns and barcodes in SQLite (schema 6, stk-schema.c):
 * their appliers and the read of one sale with its lines and returns. A sale is its
 * lines; the first line's id is the sale's id and the further lines name it in
 * first_line. The rules (one time per sale, no return over what was sold, a void of the
 * whole sale, a barcode for one item) are the schema's triggers and keys; the appliers
 * check first what they can say better, naming the line.
 */

/* What a code typed or scanned at the till stands for: a barcode (of one item, with its
 * pack) first, else an item code. */
typedef struct
{
  gint64  item_id;
  gint64  pack;
  gint64  unit_price_cents;
  char   *code;  /* the item's code */
} Resolved;

/* "No item has the code or barcode X": for a number that can only be a mistyped or
 * misread barcode (a GS1 length with a wrong check digit), the sentence says so. */
static void
set_no_such_code (GError     **error,
                  GQuark       domain,
                  int          code,
                  const char  *text)
{
  static const StkBarcodeKind kinds[15] = {
    [8] = STK_BARCODE_EAN8, [12] = STK_BARCODE_UPCA, [13] = STK_BARCODE_EAN13,
    [14] = STK_BARCODE_GTIN14,
  };
  gsize len = strlen (text);
  gboolean digits = len > 0 && len < G_N_ELEMENTS (kinds) && kinds[len] != STK_BARCODE_FREE;

  for (gsize i = 0; digits && i < len; i++)
    digits = g_ascii_isdigit (text[i]);
  if (digits && !stk_barcode_validate (text, NULL, NULL))
    {
      /* Translators: "No item has the code or barcode “4006381333931”; its check digit
       * is wrong for EAN-13 (it should end in 2)." */
      g_set_error (error, domain, code,
                   _("No item has the code or barcode “%s”; its check digit is wrong for %s "
                     "(it should end in %u)."),
                   text, stk_barcode_kind_name (kinds[len]),
                   stk_barcode_check_digit (text, len - 1));
      return;
    }
  g_set_error (error, domain, code, _("No item has the code or barcode “%s”."), text);
}

static gboolean
resolve_code (sqlite3     *db,
              const char  *text,
              Resolved    *out,
              GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = stk_db_stmt (db,
                      "SELECT i.id, b.pack, i.unit_price_cents, i.code FROM barcodes b"
                      " JOIN items i ON i.id = b.item_id WHERE b.key = stk_barcode_key (?1)"
                      " UNION ALL "
                      "SELECT id, 1, unit_price_cents, code FROM items"
                      " WHERE code_key = stk_code_key (?1)"
                      " LIMIT 1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out->item_id = sqlite3_column_int64 (stmt, 0);
      out->pack = sqlite3_column_int64 (stmt, 1);
      out->unit_price_cents = sqlite3_column_int64 (stmt, 2);
      out->code = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
    }
  else if (rc == SQLITE_DONE)
    set_no_such_code (error, STK_ERROR, STK_ERROR_CONSTRAINT, text);
  else
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), text);
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}

gboolean
stk_sqlite_tax_rules (sqlite3         *db,
                      gboolean        *out_included,
                      StkTaxRounding  *out_rounding,
                      GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *out_included = TRUE;
  *out_rounding = STK_TAX_ROUND_LINE;
  stmt = stk_db_stmt (db,
                      "SELECT key, value FROM settings"
                      " WHERE key IN ('prices_include_tax', 'tax_rounding')",
                      error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (key, "prices_include_tax") == 0)
        *out_included = sqlite3_column_int64 (stmt, 1) != 0;
      else if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "receipt") == 0)
        *out_rounding = STK_TAX_ROUND_RECEIPT;
    }
  if (rc != SQLITE_DONE)
    stk_query_set_read_error (error, db, _("Cannot read the shop’s settings"));
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

gboolean
stk_sqlite_item_tax (sqlite3  *db,
                     gint64    item_id,
                     gint64   *out_price_cents,
                     gint64   *out_rate_bp,
                     char    **out_name,
                     GError  **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *out_rate_bp = -1;
  *out_name = NULL;
  stmt = stk_db_stmt (db,
                      "SELECT i.unit_price_cents, t.rate_bp, t.name FROM items i"
                      " LEFT JOIN tax_rates t ON t.id = coalesce (i.tax_rate_id,"
                      "   (SELECT value FROM settings WHERE key = 'default_tax_rate'))"
                      " WHERE i.id = ?1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_price_cents = sqlite3_column_int64 (stmt, 0);
      if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        {
          *out_rate_bp = sqlite3_column_int64 (stmt, 1);
          *out_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
        }
    }
  else if (rc == SQLITE_DONE)
    g_set_error_literal (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("Unknown item."));
  else
    stk_query_set_read_error (error, db, _("Cannot read the item"));
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}

gboolean
stk_sqlite_tax_agrees (gint64   amount_cents,
                       gint64   rate_bp,
                       gboolean included,
                       gint64   tax_cents)
{
  gint64 den = included ? STK_TAX_RATE_MAX_BP + rate_bp : STK_TAX_RATE_MAX_BP;
  /* amount × rate ÷ den, exact in 64 bits: amount = high × den + low. */
  gint64 floor_tax = amount_cents / den * rate_bp + amount_cents % den * rate_bp / den;
  gboolean exact = amount_cents % den * rate_bp % den == 0;

  /* As the schema's sales_tax_check: less than a cent from the exact tax, so the
   * exact tax itself or, when it has a fraction, either cent around it. */
  return tax_cents == floor_tax || (!exact && tax_cents == floor_tax + 1);
}

char *
stk_sqlite_tax_off_message (const char *code,
                            gint64      tax_cents,
                            gint64      amount_cents,
                            gint64      rate_bp,
                            gboolean    included)
{
  g_autofree char *tax = stk_price_format (tax_cents);
  g_autofree char *amount = stk_price_format (amount_cents);
  g_autofree char *rate = stk_tax_rate_format (rate_bp);
  g_autofree char *right = stk_price_format (stk_tax_line (amount_cents, rate_bp, included));

  if (included)
    /* Translators: "The tax 1.00 on “A-1” is not the 22 % included in the line’s 10.00:
     * that is 1.80 (to the cent)." */
    return g_strdup_printf (_("The tax %s on “%s” is not the %s included in the line’s %s: "
                              "that is %s (to the cent)."),
                            tax, code, rate, amount, right);
  /* Translators: "The tax 1.00 on “A-1” is not 22 % of the line’s 10.00: that is 2.20
   * (to the cent)." */
  return g_strdup_printf (_("The tax %s on “%s” is not %s of the line’s %s: that is %s "
                            "(to the cent)."),
                          tax, code, rate, amount, right);
}

gboolean
stk_sqlite_item_fill_tax (sqlite3      *db,
                          StkItemInfo  *info,
                          GError      **error)
{
  g_autofree char *tax_name = NULL;
  StkTaxRounding rounding;
  gboolean taxed;
  gint64 price;

  if (!stk_sqlite_has_tax (db, &taxed, error))
    {
      stk_item_info_clear (info);
      return FALSE;
    }
  if (!taxed)
    return TRUE;
  if (!stk_sqlite_item_tax (db, info->id, &price, &info->tax_rate_bp, &tax_name, error) ||
      !stk_sqlite_tax_rules (db, &info->tax_included, &rounding, error))
    {
      stk_item_info_clear (info);
      return FALSE;
    }
  return TRUE;
}

/* price × quantity − discount, FALSE when it does not fit. */
static gboolean
line_amount (gint64  quantity,
             gint64  price_cents,
             gint64  discount_cents,
             gint64 *out_amount)
{
  guint64 gross = 0;

  if (quantity <= 0 || price_cents < 0 || discount_cents < 0 ||
      !g_uint64_checked_mul (&gross, (guint64) quantity, (guint64) price_cents) ||
      gross > G_MAXINT64 || (guint64) discount_cents > gross)
    return FALSE;
  *out_amount = (gint64) gross - discount_cents;
  return TRUE;
}

gint64
stk_sqlite_insert_sale_line (sqlite3                 *db,
                             const StkSqliteSaleLine *line,
                             GError                 **error)
{
  g_autofree char *item_tax_name = NULL;
  gint64 price = line->unit_price_cents, item_price = 0, amount = 0;
  gint64 rate_bp = line->tax_rate_bp, tax = line->tax_cents;
  const char *tax_name = line->tax_name;
  gboolean included = line->tax_included;
  gint64 cost = 0;
  sqlite3_stmt *stmt;

  if (line->quantity <= 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("A sale of “%s” needs a quantity above zero."), line->code);
      return 0;
    }
  if (line->discount_cents < 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The discount on “%s” is negative."), line->code);
      return 0;
    }
  if (!line->tax_given || price < 0)
    {
      StkTaxRounding rounding;
      g_autoptr(GError) local_error = NULL;
      gint64 item_rate_bp = -1;

      if (!stk_sqlite_item_tax (db, line->item_id, &item_price, &item_rate_bp, &item_tax_name,
                                &local_error))
        {
          if (g_error_matches (local_error, STK_ERROR, STK_ERROR_CONSTRAINT))
            g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("Unknown item code “%s”."),
                         line->code);
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return 0;
        }
      if (!line->tax_given)
        {
          if (!stk_sqlite_tax_rules (db, &included, &rounding, error))
            return 0;
          tax_name = item_tax_name;
          rate_bp = item_rate_bp;
        }
      if (price < 0)
        price = item_price;
    }
  if (!line_amount (line->quantity, price, line->discount_cents, &amount))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The discount on “%s” must be from 0 to the line’s price, and the line’s "
                     "total a number that fits."), line->code);
      return 0;
    }
  if (!line->tax_given || tax < 0)
    tax = rate_bp < 0 ? 0 : stk_tax_line (amount, rate_bp, included);
  else if (rate_bp >= 0 && !stk_sqlite_tax_agrees (amount, rate_bp, included, tax))
    {
      g_autofree char *message = stk_sqlite_tax_off_message (line->code, tax, amount, rate_bp,
                                                             included);

      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA, message);
      return 0;
    }
  else if (rate_bp < 0 && tax != 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The line of “%s” has no tax rate, so it has no tax."), line->code);
      return 0;
    }
  if (!included && tax > G_MAXINT64 - amount)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The total of “%s” with its tax is too large."), line->code);
      return 0;
    }
  /* Its cost of goods: the quantity at the item's average cost now (stk-cost.h). */
  if (!stk_sqlite_line_cost (db, line->item_id, line->code, line->quantity, &cost, error))
    return 0;

  stmt = stk_db_stmt (db,
                      "INSERT INTO sales (uid, item_id, quantity, unit_price_cents, sold_at,"
                      " first_line, discount_cents, note, payment, tax_rate_bp, tax_name,"
                      " tax_included, tax_cents, cost_cents)"
                      " SELECT ?1, id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14"
                      " FROM items WHERE id = ?2",
                      error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, line->uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, line->item_id);
  sqlite3_bind_int64 (stmt, 3, line->quantity);
  sqlite3_bind_int64 (stmt, 4, price);
  sqlite3_bind_int64 (stmt, 5, line->sold_at_us > 0 ? line->sold_at_us : stk_db_now_us ());
  if (line->first_line > 0)
    sqlite3_bind_int64 (stmt, 6, line->first_line);
  else
    sqlite3_bind_null (stmt, 6);
  sqlite3_bind_int64 (stmt, 7, line->discount_cents);
  sqlite3_bind_text (stmt, 8, line->note != NULL ? line->note : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, line->payment != NULL ? line->payment : "", -1, SQLITE_STATIC);
  if (rate_bp >= 0)
    sqlite3_bind_int64 (stmt, 10, rate_bp);
  else
    sqlite3_bind_null (stmt, 10);
  sqlite3_bind_text (stmt, 11, rate_bp >= 0 && tax_name != NULL ? tax_name : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 12, included ? 1 : 0);
  sqlite3_bind_int64 (stmt, 13, tax);
  sqlite3_bind_int64 (stmt, 14, cost);
  if (!stk_sqlite_step_done (stmt, db, line->code, error))
    return 0;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("Unknown item code “%s”."),
                   line->code);
      return 0;
    }
  return sqlite3_last_insert_rowid (db);
}

/* One line of a sale being recorded: what it resolved to and its amounts. */
typedef struct
{
  Resolved  r;
  char     *uid;
  char     *tax_name;
  gint64    quantity;
  gint64    price_cents;
  gint64    amount_cents;
  gint64    rate_bp;
} SellLine;

static void
sell_lines_free (SellLine *lines,
                 guint     n)
{
  for (guint i = 0; i < n; i++)
    {
      g_free (lines[i].r.code);
      g_free (lines[i].uid);
      g_free (lines[i].tax_name);
    }
  g_free (lines);
}

static gboolean
line_failed (GError **error,
             guint    i,
             GError  *line_error)
{
  /* Translators: %u is a line's number in a sale, %s what is wrong with it */
  g_set_error (error, line_error->domain, line_error->code, _("Line %u: %s"), i + 1,
               line_error->message);
  g_error_free (line_error);
  return FALSE;
}

gboolean
stk_sqlite_apply_sell (StkOp    *op,
                       sqlite3  *db,
                       GError  **error)
{
  StkSellPayload *d = stk_op_get_payload (op);
  gint64 sold_at = d->sold_at_us > 0 ? d->sold_at_us : stk_db_now_us ();
  gint64 first_line = 0;
  g_autofree gint64 *amounts = NULL, *rates = NULL, *taxes = NULL;
  SellLine *lines;
  gboolean included;
  StkTaxRounding rounding;

  if (d->n_lines == 0 || d->n_lines > STK_SALE_MAX_LINES)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("A sale has from 1 to %d lines."), STK_SALE_MAX_LINES);
      return FALSE;
    }
  if (!g_utf8_validate (d->payment, -1, NULL) || g_utf8_strlen (d->payment, -1) > 64)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The payment method must be valid text of at most %d characters."), 64);
      return FALSE;
    }
  if (!stk_ops_validate_reason (d->note, error) ||
      !stk_sqlite_tax_rules (db, &included, &rounding, error))
    return FALSE;

  /* First every line resolved and its amount known, then the taxes (rounded per line or
   * over the receipt), then the lines written. */
  lines = g_new0 (SellLine, d->n_lines);
  amounts = g_new0 (gint64, d->n_lines);
  rates = g_new0 (gint64, d->n_lines);
  taxes = g_new0 (gint64, d->n_lines);
  for (guint i = 0; i < d->n_lines; i++)
    {
      const StkSellLine *l = &d->lines[i];
      SellLine *s = &lines[i];
      GError *line_error = NULL;
      gint64 item_price = 0;

      if (l->code[0] == '\0')
        g_set_error (&line_error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The item code is empty."));
      else if (resolve_code (db, l->code, &s->r, &line_error) &&
               stk_sqlite_item_tax (db, s->r.item_id, &item_price, &s->rate_bp, &s->tax_name,
                                    &line_error))
        {
          s->price_cents = l->unit_price_cents >= 0 ? l->unit_price_cents : item_price;
          if (l->quantity <= 0 || l->quantity > G_MAXINT64 / s->r.pack)
            g_set_error (&line_error, STK_ERROR, STK_ERROR_INVALID_DATA,
                         _("A sale of “%s” needs a quantity above zero."), s->r.code);
          else if (s->quantity = l->quantity * s->r.pack,
                   !line_amount (s->quantity, s->price_cents, l->discount_cents, &s->amount_cents))
            g_set_error (&line_error, STK_ERROR, STK_ERROR_INVALID_DATA,
                         _("The discount on “%s” must be from 0 to the line’s price."),
                         s->r.code);
        }
      if (line_error != NULL)
        {
          sell_lines_free (lines, d->n_lines);
          return line_failed (error, i, line_error);
        }
      amounts[i] = s->amount_cents;
      rates[i] = s->rate_bp;
    }
  stk_tax_lines (amounts, rates, d->n_lines, included, rounding, taxes);

  for (guint i = 0; i < d->n_lines; i++)
    {
      SellLine *s = &lines[i];
      GError *line_error = NULL;
      StkSqliteSaleLine line = { 0 };
      gint64 id;

      s->uid = i == 0 ? g_strdup (stk_op_get_id (op))
                      : g_strdup_printf ("%s#%u", stk_op_get_id (op), i + 1);
      line.item_id = s->r.item_id;
      line.code = s->r.code;
      line.uid = s->uid;
      line.first_line = first_line;
      line.quantity = s->quantity;
      line.unit_price_cents = s->price_cents;
      line.discount_cents = d->lines[i].discount_cents;
      line.sold_at_us = sold_at;
      line.note = i == 0 ? d->note : NULL;
      line.payment = i == 0 ? d->payment : NULL;
      line.tax_given = TRUE;
      line.tax_rate_bp = s->rate_bp;
      line.tax_name = s->tax_name;
      line.tax_included = included;
      line.tax_cents = taxes[i];
      id = stk_sqlite_insert_sale_line (db, &line, &line_error);
      if (id == 0)
        {
          sell_lines_free (lines, d->n_lines);
          return line_failed (error, i, line_error);
        }
      if (i == 0)
        first_line = id;
    }
  sell_lines_free (lines, d->n_lines);
  stk_op_set_row_id (op, first_line);
  return TRUE;
}

gboolean
stk_sqlite_apply_return (StkOp    *op,
                         sqlite3  *db,
                         GError  **error)
{
  StkReturnPayload *d = stk_op_get_payload (op);
  gint64 id = stk_sqlite_insert_return (db, d->line_id, d->quantity, d->refund_cents, d->reason,
                                        d->returned_at_us, stk_op_get_id (op), -1, error);

  if (id == 0)
    return FALSE;
  stk_op_set_row_id (op, id);
  return TRUE;
}

/* One return of @quantity from sale line @line_id (refund_cents < 0: proportional, the
 * last return refunding the rest exactly; returned_at_us <= 0: now), as the return op
 * and the returns import record it: its id, or 0 with one sentence. */
gint64
stk_sqlite_insert_return (sqlite3     *db,
                          gint64       line_id,
                          gint64       quantity,
                          gint64       refund_cents,
                          const char  *reason,
                          gint64       returned_at_us,
                          const char  *uid,
                          gint64       tax_cents,
                          GError     **error)
{
  g_autofree char *code = NULL;
  gint64 sold = 0, total = 0, returned = 0, refunded = 0, sold_at = 0;
  gint64 line_tax = 0, returned_tax = 0, line_cost = 0;
  gboolean voided = FALSE;
  gint64 refund = refund_cents;
  gint64 at = returned_at_us > 0 ? returned_at_us : stk_db_now_us ();
  sqlite3_stmt *stmt;
  char id[24];
  int rc;

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, line_id);
  if (!stk_ops_validate_reason (reason, error))
    return 0;
  stmt = stk_db_stmt (db,
                      "SELECT i.code, s.quantity, s.total_cents,"
                      " (SELECT coalesce (sum (quantity), 0) FROM returns WHERE line_id = s.id),"
                      " (SELECT coalesce (sum (refund_cents), 0) FROM returns WHERE line_id = s.id),"
                      " EXISTS (SELECT 1 FROM sale_voids WHERE sale_id = s.id), s.sold_at,"
                      " s.tax_cents,"
                      " (SELECT coalesce (sum (tax_cents), 0) FROM returns WHERE line_id = s.id),"
                      " s.cost_cents"
                      " FROM sales s JOIN items i ON i.id = s.item_id WHERE s.id = ?1",
                      error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, line_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sold = sqlite3_column_int64 (stmt, 1);
      total = sqlite3_column_int64 (stmt, 2);
      returned = sqlite3_column_int64 (stmt, 3);
      refunded = sqlite3_column_int64 (stmt, 4);
      voided = sqlite3_column_int (stmt, 5) != 0;
      sold_at = sqlite3_column_int64 (stmt, 6);
      line_tax = sqlite3_column_int64 (stmt, 7);
      returned_tax = sqlite3_column_int64 (stmt, 8);
      line_cost = sqlite3_column_int64 (stmt, 9);
    }
  else if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot record the return"));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return 0;
  if (rc == SQLITE_DONE)
    {
      /* Translators: %s is the number of a sale's line */
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("Sale line %s does not exist."), id);
      return 0;
    }
  if (voided)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("The sale of “%s” was voided, so nothing of it can be returned."), code);
      return 0;
    }
  if (quantity <= 0 || quantity > sold - returned)
    {
      g_autofree char *left = stk_format_count (sold - returned);

      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "At most %s of “%s” can be returned from this line.",
                                "At most %s of “%s” can be returned from this line.",
                                (gulong) CLAMP (sold - returned, 0, G_MAXLONG)),
                   left, code);
      return 0;
    }
  if (at < sold_at)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("A return of “%s” cannot come before its sale."), code);
      return 0;
    }
  if (refund < 0)
    {
      guint64 product;

      if (quantity == sold - returned)
        refund = total - refunded;
      else if (g_uint64_checked_mul (&product, (guint64) total, (guint64) quantity))
        refund = (gint64) (product / (guint64) sold);
      else
        refund = (gint64) ((double) total * (double) quantity / (double) sold);
      refund = CLAMP (refund, 0, total - refunded);
    }
  else if (refund > total - refunded)
    {
      g_autofree char *most = stk_format_money (total - refunded);

      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("At most %s can be refunded on this line of “%s”."), most, code);
      return 0;
    }

  if (tax_cents < 0)
    tax_cents = stk_tax_return (total, line_tax, refunded, returned_tax, refund);
  else if (tax_cents > refund || tax_cents > line_tax - returned_tax)
    {
      g_autofree char *given = stk_price_format (tax_cents);
      g_autofree char *most = stk_price_format (MIN (refund, line_tax - returned_tax));

      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                   _("The tax %s taken back on this line of “%s” is more than the refund or "
                     "the tax the line has left: at most %s."),
                   given, code, most);
      return 0;
    }

  stmt = stk_db_stmt (db,
                      "INSERT INTO returns (uid, line_id, quantity, refund_cents, reason,"
                      " returned_at, tax_cents, cost_cents) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                      error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, line_id);
  sqlite3_bind_int64 (stmt, 3, quantity);
  sqlite3_bind_int64 (stmt, 4, refund);
  sqlite3_bind_text (stmt, 5, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, at);
  sqlite3_bind_int64 (stmt, 7, tax_cents);
  /* The cost it takes back: its quantity at the unit cost its line was sold at (exact:
   * a line's cost is a multiple of its quantity, and this is at most the line's). */
  sqlite3_bind_int64 (stmt, 8, quantity * (line_cost / sold));
  if (!stk_sqlite_step_done (stmt, db, code, error))
    return 0;
  return sqlite3_last_insert_rowid (db);
}

/* Adds one barcode to @item_id; a barcode another item has is refused naming it, one
 * the item has already is left as it is when its pack is the same. */
static gboolean
insert_barcode (sqlite3           *db,
                gint64             item_id,
                const StkBarcode  *b,
                GError           **error)
{
  g_autofree char *key = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!stk_barcode_validate (b->code, NULL, error))
    return FALSE;
  if (b->pack < 1 || b->pack > STK_BARCODE_MAX_PACK)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The pack of barcode “%s” must be from 1 to %d."), b->code,
                   STK_BARCODE_MAX_PACK);
      return FALSE;
    }
  key = stk_barcode_key (b->code);

  stmt = stk_db_stmt (db,
                      "SELECT b.item_id, i.code, b.code FROM barcodes b JOIN items i ON i.id = b.item_id"
                      " WHERE b.key = ?1",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gboolean same_item = sqlite3_column_int64 (stmt, 0) == item_id;

      if (!same_item)
        g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                     _("Barcode “%s” already belongs to item “%s”."), b->code,
                     (const char *) sqlite3_column_text (stmt, 1));
      else
        g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                     _("Item “%s” has barcode “%s” already (as “%s”)."),
                     (const char *) sqlite3_column_text (stmt, 1), b->code,
                     (const char *) sqlite3_column_text (stmt, 2));
    }
  else if (rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), b->code);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  stmt = stk_db_stmt (db, "INSERT INTO barcodes (key, code, item_id, pack) VALUES (?1, ?2, ?3, ?4)",
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, b->code, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, item_id);
  sqlite3_bind_int64 (stmt, 4, b->pack);
  return stk_sqlite_step_done (stmt, db, b->code, error);
}

gboolean
stk_sqlite_apply_barcodes (StkOp    *op,
                           sqlite3  *db,
                           GError  **error)
{
  StkBarcodePayload *d = stk_op_get_payload (op);
  gint64 item_id = d->item_id;

  if (strcmp (stk_op_get_kind (op), STK_OP_ADD_BARCODE) == 0)
    {
      if (!stk_ops_validate_code (d->code, error))
        return FALSE;
      item_id = stk_sqlite_lookup_item_id (db, d->code, error);
      if (item_id == 0)
        return FALSE;
    }
  else
    {
      sqlite3_stmt *stmt = stk_db_stmt (db, "SELECT 1 FROM items WHERE id = ?1", error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, item_id);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        {
          if (rc == SQLITE_DONE)
            g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("The item no longer exists."));
          else
            stk_db_set_error (error, db, sqlite3_extended_errcode (db),
                              _("Cannot change the barcodes"));
          return FALSE;
        }
      stmt = stk_db_stmt (db, "DELETE FROM barcodes WHERE item_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, item_id);
      if (!stk_sqlite_step_done (stmt, db, _("barcodes"), error))
        return FALSE;
    }

  for (guint i = 0; i < d->barcodes->len; i++)
    if (!insert_barcode (db, item_id, &g_array_index (d->barcodes, StkBarcode, i), error))
      return FALSE;
  stk_op_set_row_id (op, item_id);
  return TRUE;
}

/* ---- reads ---- */

gboolean
stk_sqlite_has_table (sqlite3     *db,
                      const char  *name,
                      gboolean    *out_exists,
                      GError     **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                                    error);
  int rc;

  *out_exists = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Database error"));
  sqlite3_reset (stmt);
  *out_exists = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}


gboolean
stk_sqlite_item_by_scan (sqlite3      *db,
                         const char   *text,
                         StkItemInfo  *out,
                         gint64       *out_pack,
                         GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  gint64 item_id = 0;
  gint64 pack = 1;
  gboolean has_barcodes;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!stk_sqlite_has_table (db, "barcodes", &has_barcodes, error))
    return FALSE;
  if (has_barcodes)
    {
      stmt = stk_db_stmt (db, "SELECT item_id, pack FROM barcodes WHERE key = stk_barcode_key (?1)",
                          error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          item_id = sqlite3_column_int64 (stmt, 0);
          pack = sqlite3_column_int64 (stmt, 1);
        }
      else if (rc != SQLITE_DONE)
        stk_query_set_read_error (error, db, _("Cannot read the item"));
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return FALSE;
    }

  if (out_pack != NULL)
    *out_pack = pack;
  if (item_id != 0 ? stk_query_item_by_id (db, item_id, out, error)
                   : stk_query_item_by_code (db, text, out, &local_error))
    return stk_sqlite_item_fill_tax (db, out, error);
  if (item_id != 0)
    return FALSE;
  if (g_error_matches (local_error, STK_ERROR, STK_ERROR_NOT_FOUND))
    {
      set_no_such_code (error, STK_ERROR, STK_ERROR_NOT_FOUND, text);
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

GArray *
stk_sqlite_item_barcodes (sqlite3  *db,
                          gint64    item_id,
                          GError  **error)
{
  g_autoptr(GArray) barcodes = g_array_new (FALSE, TRUE, sizeof (StkBarcode));
  sqlite3_stmt *stmt;
  gboolean has_barcodes;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  g_array_set_clear_func (barcodes, (GDestroyNotify) stk_barcode_clear);
  if (!stk_sqlite_has_table (db, "barcodes", &has_barcodes, error))
    return NULL;
  if (!has_barcodes)
    return g_steal_pointer (&barcodes);
  stmt = stk_db_stmt (db, "SELECT code, pack FROM barcodes WHERE item_id = ?1 ORDER BY code",
                      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, item_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkBarcode b = { stk_query_column_dup (stmt, 0), (guint) sqlite3_column_int64 (stmt, 1) };

      g_array_append_val (barcodes, b);
    }
  if (rc != SQLITE_DONE)
    stk_query_set_read_error (error, db, _("Cannot read the barcodes"));
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE ? g_steal_pointer (&barcodes) : NULL;
}

StkSaleDetail *
stk_sqlite_read_sale (sqlite3  *db,
                      gint64    id,
                      GError  **error)
{
  g_autoptr(StkSaleDetail) sale = stk_sale_detail_new ();
  gboolean lines, numbered, taxed;
  sqlite3_stmt *stmt;
  gint64 sale_id = 0;
  char id_text[24];
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  if (!stk_sqlite_has_table (db, "returns", &lines, error) ||
      !stk_sqlite_has_table (db, "receipt_numbers", &numbered, error) ||
      !stk_sqlite_has_tax (db, &taxed, error))
    return NULL;

  /* Any line's id finds its sale. */
  stmt = stk_db_stmt (db,
                      lines ? "SELECT coalesce (first_line, id) FROM sales WHERE id = ?1"
                            : "SELECT id FROM sales WHERE id = ?1",
                      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    sale_id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    stk_query_set_read_error (error, db, _("Cannot read the sale"));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        {
          g_snprintf (id_text, sizeof id_text, "%" G_GINT64_FORMAT, id);
          g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("Sale %s does not exist."), id_text);
        }
      return NULL;
    }

#define LINES_SQL(tax) \
  "SELECT s.id, s.uid, s.sold_at, s.note, s.payment," \
  " v.sale_id IS NOT NULL, coalesce (v.reason, '')," \
  " i.code, i.description, s.quantity, s.unit_price_cents, s.discount_cents," \
  " (SELECT coalesce (sum (quantity), 0) FROM returns WHERE line_id = s.id), " tax \
  " FROM sales s JOIN items i ON i.id = s.item_id" \
  " LEFT JOIN sale_voids v ON v.sale_id = s.id" \
  " WHERE s.id = ?1 OR s.first_line = ?1 ORDER BY s.id"
  stmt = stk_db_stmt (db,
                      taxed ? LINES_SQL ("s.total_cents, s.tax_rate_bp, s.tax_name, s.tax_included,"
                                         " s.tax_cents")
                      : lines ? LINES_SQL ("s.quantity * s.unit_price_cents - s.discount_cents,"
                                           " NULL, '', 1, 0")
                        : "SELECT s.id, s.uid, s.sold_at, '', '', v.sale_id IS NOT NULL, '',"
                          " i.code, i.description, s.quantity, s.unit_price_cents, 0, 0,"
                          " s.quantity * s.unit_price_cents, NULL, '', 1, 0"
                          " FROM sales s JOIN items i ON i.id = s.item_id"
                          " LEFT JOIN sale_voids v ON v.sale_id = s.id WHERE s.id = ?1",
                      error);
#undef LINES_SQL
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, sale_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkSaleLine *line = g_new0 (StkSaleLine, 1);

      line->line_id = sqlite3_column_int64 (stmt, 0);
      if (line->line_id == sale_id)
        {
          sale->sale_id = sale_id;
          g_free (sale->uid);
          sale->uid = stk_query_column_dup (stmt, 1);
          sale->sold_at_us = sqlite3_column_int64 (stmt, 2);
          g_free (sale->note);
          sale->note = stk_query_column_dup (stmt, 3);
          g_free (sale->payment);
          sale->payment = stk_query_column_dup (stmt, 4);
          sale->voided = sqlite3_column_int (stmt, 5) != 0;
          g_free (sale->void_reason);
          sale->void_reason = stk_query_column_dup (stmt, 6);
        }
      line->code = stk_query_column_dup (stmt, 7);
      line->description = stk_query_column_dup (stmt, 8);
      line->quantity = sqlite3_column_int64 (stmt, 9);
      line->unit_price_cents = sqlite3_column_int64 (stmt, 10);
      line->discount_cents = sqlite3_column_int64 (stmt, 11);
      line->returned_quantity = sqlite3_column_int64 (stmt, 12);
      line->total_cents = sqlite3_column_int64 (stmt, 13);
      line->tax_rate_bp = sqlite3_column_type (stmt, 14) == SQLITE_NULL
                            ? -1 : sqlite3_column_int64 (stmt, 14);
      line->tax_name = stk_query_column_dup (stmt, 15);
      line->tax_included = sqlite3_column_int (stmt, 16) != 0;
      line->tax_cents = sqlite3_column_int64 (stmt, 17);
      sale->total_cents += line->total_cents;
      g_ptr_array_add (sale->lines, line);
    }
  if (rc != SQLITE_DONE)
    stk_query_set_read_error (error, db, _("Cannot read the sale"));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return NULL;

  if (numbered)
    {
      stmt = stk_db_stmt (db, "SELECT series, number FROM receipt_numbers WHERE sale_id = ?1",
                          error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, sale_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          g_free (sale->receipt);
          sale->receipt = stk_receipt_number_format ((const char *) sqlite3_column_text (stmt, 0),
                                                     sqlite3_column_int64 (stmt, 1));
        }
      else if (rc != SQLITE_DONE)
        stk_query_set_read_error (error, db, _("Cannot read the sale"));
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return NULL;
    }

  if (lines)
    {
#define RETURNS_SQL(series, number, tax, join) \
      "SELECT r.id, r.line_id, i.code, r.quantity, r.refund_cents, r.returned_at," \
      " r.reason, " series ", " number ", " tax \
      " FROM returns r JOIN sales s ON s.id = r.line_id" \
      " JOIN items i ON i.id = s.item_id" join \
      " WHERE s.id = ?1 OR s.first_line = ?1 ORDER BY r.id"
      stmt = stk_db_stmt (db,
                          taxed ? RETURNS_SQL ("n.series", "n.number", "r.tax_cents",
                                               " LEFT JOIN receipt_numbers n"
                                               " ON n.return_id = r.id")
                          : numbered ? RETURNS_SQL ("n.series", "n.number", "0",
                                                    " LEFT JOIN receipt_numbers n"
                                                    " ON n.return_id = r.id")
                                     : RETURNS_SQL ("''", "0", "0", ""),
                          error);
#undef RETURNS_SQL
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, sale_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          StkSaleReturn *ret = g_new0 (StkSaleReturn, 1);

          ret->return_id = sqlite3_column_int64 (stmt, 0);
          ret->line_id = sqlite3_column_int64 (stmt, 1);
          ret->code = stk_query_column_dup (stmt, 2);
          ret->quantity = sqlite3_column_int64 (stmt, 3);
          ret->refund_cents = sqlite3_column_int64 (stmt, 4);
          ret->returned_at_us = sqlite3_column_int64 (stmt, 5);
          ret->reason = stk_query_column_dup (stmt, 6);
          ret->receipt = stk_receipt_number_format ((const char *) sqlite3_column_text (stmt, 7),
                                                    sqlite3_column_int64 (stmt, 8));
          ret->tax_cents = sqlite3_column_int64 (stmt, 9);
          sale->refunded_cents += ret->refund_cents;
          g_ptr_array_add (sale->returns, ret);
        }
      if (rc != SQLITE_DONE)
        stk_query_set_read_error (error, db, _("Cannot read the sale"));
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return NULL;
    }
  return g_steal_pointer (&sale);
}

gboolean
stk_sqlite_shop_settings (sqlite3          *db,
                          StkShopSettings  *out,
                          GError          **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  *out = (StkShopSettings) { FALSE, STK_RECEIPT_SERIES_CONTINUOUS, NULL, TRUE, STK_TAX_ROUND_LINE, 0 };
  out->payment_methods = stk_sqlite_payment_methods (db, error);
  if (out->payment_methods == NULL)
    return FALSE;
  stmt = stk_db_stmt (db,
                      "SELECT key, value FROM settings"
                      " WHERE key IN ('allow_negative_stock', 'receipt_series',"
                      "  'prices_include_tax', 'tax_rounding', 'default_tax_rate')",
                      error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (key, "allow_negative_stock") == 0)
        out->allow_negative_stock = sqlite3_column_int64 (stmt, 1) == 1;
      else if (g_strcmp0 (key, "receipt_series") == 0)
        out->receipt_series = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "yearly") == 0
                                ? STK_RECEIPT_SERIES_YEARLY : STK_RECEIPT_SERIES_CONTINUOUS;
      else if (g_strcmp0 (key, "prices_include_tax") == 0)
        out->prices_include_tax = sqlite3_column_int64 (stmt, 1) != 0;
      else if (g_strcmp0 (key, "tax_rounding") == 0)
        out->tax_rounding = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "receipt") == 0
                              ? STK_TAX_ROUND_RECEIPT : STK_TAX_ROUND_LINE;
      else if (g_strcmp0 (key, "default_tax_rate") == 0)
        out->default_tax_rate = sqlite3_column_int64 (stmt, 1);
    }
  if (rc != SQLITE_DONE)
    stk_query_set_read_error (error, db, _("Cannot read the shop’s settings"));
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

gboolean
stk_sqlite_has_tax (sqlite3   *db,
                    gboolean  *out_taxed,
                    GError   **error)
{
  return stk_sqlite_has_table (db, "tax_rates", out_taxed, error);
}
