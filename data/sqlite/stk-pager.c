/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-pager.h"
#include "stk-sqlite-private.h"
#include "stk-pager-private.h"

#include <string.h>

#include <glib/gi18n.h>

#include "stk-code-private.h"
#include "stk-db-private.h"
#include "stk-error.h"

/*
 * Keyset paging. Every order is (key, id) — ascending or both descending — so that it
 * is total and every position has exactly one row. An anchor is the (key, id) of the
 * row at position k·STRIDE; the rows from position p on are
 *
 *   SELECT … WHERE (key, id) >= (anchor[p / STRIDE]) ORDER BY key, id LIMIT n OFFSET p % STRIDE
 *
 * which SQLite answers with one seek into the index (key, id) — items_sort_* / the
 * rowid-carrying single-column indexes — whatever p is. SQL texts are built once per
 * (kind, column, direction) and interned, so the per-connection statement cache of
 * stk_db_stmt() can keep them prepared.
 */

typedef struct
{
  const char *name;   /* the row property */
  const char *expr;   /* SQL, on the kind's main table */
  gboolean    text;   /* compared with NOCASE */
} SortColumn;

typedef struct
{
  const char       *select;   /* the row's columns */
  const char       *from;     /* with joins */
  const char       *table;    /* the main table alone, for scans */
  const char       *where;    /* always-applied filter */
  const char       *id;
  const SortColumn *columns;  /* first: default */
  guint             n_columns;
  gboolean          default_descending;
  const char       *at;       /* the time column, for date ranges; NULL: none */
  const char       *item;     /* the item column, for one item's rows; NULL: none */
} KindInfo;

static const SortColumn item_columns[] = {
  { "code", "i.code", TRUE },
  { "description", "i.description COLLATE NOCASE", TRUE },
  { "on-hand", "i.on_hand", FALSE },
  { "unit-price-cents", "i.unit_price_cents", FALSE },
  { "reorder-level", "i.reorder_level", FALSE },
  { "updated-at", "i.updated_at", FALSE },
  { "id", "i.id", FALSE },
};

static const SortColumn sale_columns[] = {
  { "sold-at", "s.sold_at", FALSE },
  { "id", "s.id", FALSE },
};

static const SortColumn move_columns[] = {
  { "moved-at", "m.moved_at", FALSE },
  { "id", "m.id", FALSE },
};

/* A sale's lines: the row s (its first line) and the lines that name it. */
#define SALE_LINES(what) \
  "(SELECT " what " FROM sales l WHERE l.id = s.id OR l.first_line = s.id)"

/* The Sales list's columns; GROSS bounds a line's total, TOTAL is what its customer paid. */
#define SALES_COLUMNS(gross, total) \
  "s.id, s.item_id, s.uid, i.code, i.description," \
  " CASE WHEN " SALE_LINES ("total (abs (l.quantity))") " < 4.0e18" \
  "  THEN " SALE_LINES ("sum (l.quantity)") " END," \
  " s.unit_price_cents, s.sold_at, EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)," \
  " (SELECT count(*) FROM sales l WHERE l.first_line = s.id)," \
  " CASE WHEN " SALE_LINES ("total (abs (" gross "))") " < 4.0e18" \
  "  THEN " SALE_LINES ("sum (" total ")") \
  "   - (SELECT coalesce (sum (r.refund_cents), 0) FROM returns r WHERE r.line_id IN " \
  SALE_LINES ("l.id") ") END," \
  " (SELECT coalesce (sum (r.quantity), 0) FROM returns r WHERE r.line_id IN " \
  SALE_LINES ("l.id") ")"

/* A stock move's receipt number ("123", or "2026/123" in a yearly series, as
 * stk_receipt_number_format()), or NULL: a sale's line names its sale (the number is
 * its first line's), a void's reference the voided line's uid, a return's its uid. */
#define RECEIPT_TEXT "CASE r.series WHEN '' THEN r.number ELSE r.series || '/' || r.number END"
#define MOVE_RECEIPT \
  "CASE WHEN m.sale_id IS NOT NULL THEN (SELECT " RECEIPT_TEXT " FROM receipt_numbers r" \
  "  WHERE r.sale_id = (SELECT coalesce (x.first_line, x.id) FROM sales x WHERE x.id = m.sale_id))" \
  " WHEN m.reference GLOB 'void:*' THEN (SELECT " RECEIPT_TEXT " FROM receipt_numbers r" \
  "  WHERE r.sale_id = (SELECT coalesce (x.first_line, x.id) FROM sales x" \
  "                     WHERE x.uid = substr (m.reference, 6)))" \
  " WHEN m.reference GLOB 'return:*' THEN (SELECT " RECEIPT_TEXT " FROM receipt_numbers r" \
  "  WHERE r.return_id = (SELECT x.id FROM returns x WHERE x.uid = substr (m.reference, 8)))" \
  " END"
#define MOVES_COLUMNS(receipt) \
  "m.id, m.item_id, i.code, m.kind, m.reason, m.quantity, m.balance, m.moved_at, " receipt

static const KindInfo kinds[] = {
  [STK_PAGER_ITEMS] = {
    "i.id, i.code, i.description, i.on_hand, i.unit_price_cents, i.reorder_level,"
    " i.updated_at, i.archived",
    "items i", "items i", "i.archived = 0", "i.id",
    item_columns, G_N_ELEMENTS (item_columns), FALSE,
  },
  /* One row per sale (its first line, first_line IS NULL), the item of its first line,
   * and over its lines (s itself and those naming it, by the sales_lines index): the
   * quantity, how many further lines, the net total (Σ quantity × price − discount − Σ
   * refunds) and the quantity returned. A total or quantity that might not fit in 64
   * bits (the inexact float sum of its terms is over 4·10¹⁸, or a product already
   * overflowed to a float) is NULL — "too large" — rather than an error for the page. */
  [STK_PAGER_SALES] = {
    SALES_COLUMNS ("l.quantity * l.unit_price_cents + l.tax_cents", "l.total_cents"),
    "sales s JOIN items i ON i.id = s.item_id", "sales s", "s.first_line IS NULL", "s.id",
    sale_columns, G_N_ELEMENTS (sale_columns), TRUE, "s.sold_at", NULL,
  },
  [STK_PAGER_MOVES] = {
    MOVES_COLUMNS (MOVE_RECEIPT),
    "movements m JOIN items i ON i.id = m.item_id", "movements m", "1", "m.id",
    move_columns, G_N_ELEMENTS (move_columns), TRUE, "m.moved_at", "m.item_id",
  },
};

/* Stock moves on a read-only connection to an inventory from before receipt numbers
 * (schema 6 and older): no receipt. */
static const KindInfo moves_before_receipts = {
  MOVES_COLUMNS ("''"),
  "movements m JOIN items i ON i.id = m.item_id", "movements m", "1", "m.id",
  move_columns, G_N_ELEMENTS (move_columns), TRUE, "m.moved_at", "m.item_id",
};

/* Sales on a read-only connection to an inventory from before tax (schema 6 to 8): a
 * line's total is its quantity × price − discount. */
static const KindInfo sales_before_tax = {
  SALES_COLUMNS ("l.quantity * l.unit_price_cents", "l.quantity * l.unit_price_cents - l.discount_cents"),
  "sales s JOIN items i ON i.id = s.item_id", "sales s", "s.first_line IS NULL", "s.id",
  sale_columns, G_N_ELEMENTS (sale_columns), TRUE, "s.sold_at", NULL,
};

/* Sales on a read-only connection to an inventory from before sales had lines (schema
 * 5 and older, which only a writer migrates): every row is a one-line sale. */
static const KindInfo sales_before_lines = {
  "s.id, s.item_id, s.uid, i.code, i.description, s.quantity, s.unit_price_cents,"
  " s.sold_at, EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id), 0,"
  " s.quantity * s.unit_price_cents, 0",
  "sales s JOIN items i ON i.id = s.item_id", "sales s", "1", "s.id",
  sale_columns, G_N_ELEMENTS (sale_columns), TRUE, "s.sold_at", NULL,
};

struct _StkPagerQuery
{
  StkPagerKind      kind;
  const KindInfo   *info;
  StkPagerQuery    *before_lines; /* sales: the same on an inventory before schema 6 */
  StkPagerQuery    *before_tax;   /* … and before schema 9 */
  StkPagerQuery    *before_receipts; /* moves: the same on an inventory before schema 7 */
  const SortColumn *column;
  gboolean          descending;
  gint64            item_id;     /* > 0: that item's rows only */
  gint64            from_us;     /* the time range [from_us, to_us) */
  gint64            to_us;
  const char       *where;       /* interned: the kind's filter and the above */
  char             *search;      /* trimmed, or NULL */
  char             *fts_match;   /* items: "description : (…)", or NULL */
  char             *code_low;    /* code prefix range and exact LIKE pattern */
  char             *code_high;
  char             *code_like;
  char             *key_low;     /* code_key prefix range (stk_code_key of the search) */
  char             *key_high;

  /* Interned SQL */
  const char       *sql_fetch_anchor;
  const char       *sql_fetch_start;
  const char       *sql_fetch_id;
  const char       *sql_scan;
  const char       *sql_search;
  const char       *sql_key_of;
  const char       *sql_count_between;
  const char       *sql_count_before;
  const char       *sql_match_words;  /* items: active item ids matching the words */
  const char       *sql_match_codes;  /* items: active item ids with the code prefix */
  const char       *sql_match_keys;   /* items: item ids with the code prefix, archived ones
                                       * too (the code_key index alone) */
  const char       *sql_match_range;  /* items: active item ids whose code is in the ASCII
                                       * case-insensitive prefix range (the covering
                                       * items_sort_code index alone) */
  /* The same on a read-only connection to an inventory without items.code_key
   * (schema 4, which only a writer migrates): ASCII folding, as that version did. */
  const char       *sql_search_ascii;
  const char       *sql_match_codes_ascii;
};

typedef struct
{
  gint64      id;
  gint64      ikey;
  const char *skey;  /* in the index's string chunk */
} Anchor;

struct _StkPagerIndex
{
  guint64           count;
  gboolean          is_search;
  StkPagerKind      kind;
  const SortColumn *column;
  gboolean          descending;
  GArray           *anchors;  /* Anchor, when not a search */
  GStringChunk     *strings;
  gsize             string_bytes;
  GArray           *ids;      /* gint64 in order, for a search */
  GArray           *ranks;    /* guint32 by id: position + 1, 0 when not listed (items,
                               * not a search); NULL when the ids are too sparse */
};

/* Ranks cost 4 bytes per id up to the largest: not for ids beyond this. */
#define MAX_RANKED_ID (G_GINT64_CONSTANT (64) * 1024 * 1024)

/* ---- rows ---- */

void
stk_pager_row_clear (StkPagerRow *row)
{
  g_clear_pointer (&row->code, g_free);
  g_clear_pointer (&row->description, g_free);
  g_clear_pointer (&row->uid, g_free);
  g_clear_pointer (&row->kind, g_free);
  g_clear_pointer (&row->reason, g_free);
  g_clear_pointer (&row->receipt, g_free);
}

static char *
column_strdup (sqlite3_stmt *stmt,
               int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return g_strdup (text != NULL ? text : "");
}

static void
read_row (StkPagerKind  kind,
          sqlite3_stmt *stmt,
          StkPagerRow  *row)
{
  memset (row, 0, sizeof *row);
  row->id = sqlite3_column_int64 (stmt, 0);

  switch (kind)
    {
    case STK_PAGER_ITEMS:
      row->code = column_strdup (stmt, 1);
      row->description = column_strdup (stmt, 2);
      row->on_hand = sqlite3_column_int64 (stmt, 3);
      row->unit_price_cents = sqlite3_column_int64 (stmt, 4);
      row->reorder_level = sqlite3_column_int64 (stmt, 5);
      row->updated_at = sqlite3_column_int64 (stmt, 6);
      row->archived = sqlite3_column_int64 (stmt, 7) != 0;
      break;

    case STK_PAGER_SALES:
      row->item_id = sqlite3_column_int64 (stmt, 1);
      row->uid = column_strdup (stmt, 2);
      row->code = column_strdup (stmt, 3);
      row->description = column_strdup (stmt, 4);
      row->quantity = sqlite3_column_int64 (stmt, 5);
      row->unit_price_cents = sqlite3_column_int64 (stmt, 6);
      row->at = sqlite3_column_int64 (stmt, 7);
      row->voided = sqlite3_column_int64 (stmt, 8) != 0;
      row->n_more_lines = sqlite3_column_int64 (stmt, 9);
      /* NULL, or a float (a product that overflowed): does not fit. */
      if (sqlite3_column_type (stmt, 5) != SQLITE_INTEGER)
        row->quantity = G_MININT64;
      row->total_cents = sqlite3_column_type (stmt, 10) == SQLITE_INTEGER
                           ? sqlite3_column_int64 (stmt, 10) : G_MININT64;
      row->returned_quantity = sqlite3_column_int64 (stmt, 11);
      break;

    case STK_PAGER_MOVES:
      row->item_id = sqlite3_column_int64 (stmt, 1);
      row->code = column_strdup (stmt, 2);
      row->kind = column_strdup (stmt, 3);
      row->reason = column_strdup (stmt, 4);
      row->quantity = sqlite3_column_int64 (stmt, 5);
      row->balance = sqlite3_column_int64 (stmt, 6);
      row->at = sqlite3_column_int64 (stmt, 7);
      row->receipt = column_strdup (stmt, 8);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* ---- queries ---- */

const char * const *
stk_pager_sort_columns (StkPagerKind kind)
{
  static const char *names[G_N_ELEMENTS (kinds)][G_N_ELEMENTS (item_columns) + 1];
  static gsize initialized = 0;

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kinds), NULL);

  if (g_once_init_enter (&initialized))
    {
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        for (guint c = 0; c < kinds[k].n_columns; c++)
          names[k][c] = kinds[k].columns[c].name;
      g_once_init_leave (&initialized, 1);
    }
  return names[kind];
}

static const SortColumn *
find_column (StkPagerKind  kind,
             const char   *name)
{
  for (guint c = 0; c < kinds[kind].n_columns; c++)
    if (g_strcmp0 (kinds[kind].columns[c].name, name) == 0)
      return &kinds[kind].columns[c];
  return NULL;
}

gboolean
stk_pager_can_sort (StkPagerKind  kind,
                    const char   *column)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kinds), FALSE);

  return column != NULL && find_column (kind, column) != NULL;
}

gboolean
stk_pager_default_descending (StkPagerKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kinds), FALSE);

  return kinds[kind].default_descending;
}

/* "red bolt" → description : ("red"* AND "bolt"*); NULL when there is no word. */
static char *
make_fts_match (const char *search)
{
  g_autoptr(GString) match = g_string_new (NULL);
  guint n_words = 0;
  const char *p = search;

  while (*p)
    {
      const char *start;

      while (*p && !g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p && g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p == start)
        continue;

      g_string_append (match, n_words++ == 0 ? "\"" : " AND \"");
      g_string_append_len (match, start, p - start); /* alphanumerics: no quote inside */
      g_string_append (match, "\"*");
    }

  if (n_words == 0)
    return NULL;
  g_string_prepend (match, "description : (");
  g_string_append_c (match, ')');
  return g_string_free (g_steal_pointer (&match), FALSE);
}

static void
make_code_range (StkPagerQuery *self)
{
  gsize len = strlen (self->search);
  GString *like = g_string_new (NULL);

  self->code_low = g_ascii_strdown (self->search, -1);
  self->code_high = g_strdup (self->code_low);
  /* Bytes compare like code points in UTF-8, and NOCASE folds only ASCII: every code
   * starting with the prefix is below it with its last byte raised. The LIKE (ASCII
   * case-insensitive, as NOCASE) then keeps exactly the prefix matches. */
  self->code_high[len - 1] = (char) (((guchar) self->code_high[len - 1]) + 1);

  for (const char *p = self->search; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (like, '\\');
      g_string_append_c (like, *p);
    }
  g_string_append_c (like, '%');
  self->code_like = g_string_free (like, FALSE);

  /* The stored key's collation is binary: every key starting with key_low is below it
   * with its last byte raised (UTF-8 never holds 0xff), so the range is exact. */
  self->key_low = stk_code_key (self->search);
  self->key_high = g_strdup (self->key_low);
  len = strlen (self->key_high);
  if (len > 0)
    self->key_high[len - 1] = (char) (((guchar) self->key_high[len - 1]) + 1);
}

static const char *
intern_printf (const char *format,
               ...) G_GNUC_PRINTF (1, 2);

static const char *
intern_printf (const char *format,
               ...)
{
  g_autofree char *s = NULL;
  va_list args;

  va_start (args, format);
  s = g_strdup_vprintf (format, args);
  va_end (args);
  return g_intern_string (s);
}

static void
build_sql (StkPagerQuery *self)
{
  const KindInfo *k = self->info;
  const char *key = self->column->expr;
  const char *dir = self->descending ? " DESC" : "";
  const char *ge = self->descending ? "<=" : ">=";
  const char *lt = self->descending ? ">" : "<";
  g_autofree char *order = g_strdup_printf ("ORDER BY %s%s, %s%s", key, dir, k->id, dir);
  g_autoptr(GString) filter = g_string_new (NULL);

  /* Parameters ?7 to ?9 (bind_filter()); the range is on the time column's index. */
  if (self->from_us != G_MININT64)
    g_string_append_printf (filter, " AND %s >= ?7", k->at);
  if (self->to_us != G_MAXINT64)
    g_string_append_printf (filter, " AND %s < ?8", k->at);
  if (self->item_id > 0)
    g_string_append_printf (filter, " AND %s = ?9", k->item);
  self->where = intern_printf ("%s%s", k->where, filter->str);

  self->sql_fetch_anchor =
    intern_printf ("SELECT %s FROM %s WHERE %s AND (%s, %s) %s (?1, ?2) %s LIMIT ?3 OFFSET ?4",
                   k->select, k->from, self->where, key, k->id, ge, order);
  self->sql_fetch_start =
    intern_printf ("SELECT %s FROM %s WHERE %s %s LIMIT ?3 OFFSET ?4",
                   k->select, k->from, self->where, order);
  self->sql_fetch_id =
    intern_printf ("SELECT %s FROM %s WHERE %s = ?1", k->select, k->from, k->id);
  self->sql_scan =
    intern_printf ("SELECT %s, %s FROM %s WHERE %s %s", key, k->id, k->table, self->where, order);
  self->sql_key_of =
    intern_printf ("SELECT %s FROM %s WHERE %s AND %s = ?1", key, k->table, self->where, k->id);
  self->sql_count_between =
    intern_printf ("SELECT count(*) FROM %s WHERE %s AND (%s, %s) %s (?1, ?2) AND (%s, %s) %s (?3, ?4)",
                   k->table, self->where, key, k->id, ge, key, k->id, lt);
  self->sql_count_before =
    intern_printf ("SELECT count(*) FROM %s WHERE %s AND (%s, %s) %s (?3, ?4)",
                   k->table, self->where, key, k->id, lt);

  if (self->search == NULL)
    return;

  if (self->kind == STK_PAGER_ITEMS)
    {
      self->sql_match_words = "SELECT rowid FROM items_fts WHERE items_fts MATCH ?1";
      self->sql_match_codes =
        "SELECT id FROM items WHERE archived = 0 AND code_key >= ?5 AND code_key < ?6";
      self->sql_match_keys = "SELECT id FROM items WHERE code_key >= ?5 AND code_key < ?6";
      self->sql_match_range = "SELECT id FROM items WHERE archived = 0 AND code >= ?2 AND code < ?3";
      self->sql_match_codes_ascii =
        "SELECT id FROM items WHERE archived = 0 AND code >= ?2 AND code < ?3"
        " AND code LIKE ?4 ESCAPE '\\'";
    }

  /* Item searches: build_item_search(). A sale is found by the code of any of its
   * lines: the sales of the lines (sales_item index) whose item matches, each once. */
  if (self->kind == STK_PAGER_SALES && self->info == &kinds[STK_PAGER_SALES])
    {
      self->sql_search =
        intern_printf ("SELECT s.id FROM sales s WHERE s.id IN (SELECT coalesce (l.first_line, l.id)"
                       " FROM sales l WHERE l.item_id IN (SELECT id FROM items WHERE"
                       " code_key >= ?5 AND code_key < ?6))%s %s", filter->str, order);
      self->sql_search_ascii =
        intern_printf ("SELECT s.id FROM sales s WHERE s.id IN (SELECT coalesce (l.first_line, l.id)"
                       " FROM sales l WHERE l.item_id IN (SELECT id FROM items WHERE"
                       " code >= ?2 AND code < ?3 AND code LIKE ?4 ESCAPE '\\'))%s %s",
                       filter->str, order);
    }
  else if (self->kind != STK_PAGER_ITEMS)
    {
      self->sql_search =
        intern_printf ("SELECT %s FROM %s WHERE %s AND %s.item_id IN (SELECT id FROM items WHERE"
                       " code_key >= ?5 AND code_key < ?6) %s",
                       k->id, k->table, self->where, self->kind == STK_PAGER_SALES ? "s" : "m",
                       order);
      self->sql_search_ascii =
        intern_printf ("SELECT %s FROM %s WHERE %s AND %s.item_id IN (SELECT id FROM items WHERE"
                       " code >= ?2 AND code < ?3 AND code LIKE ?4 ESCAPE '\\') %s",
                       k->id, k->table, self->where, self->kind == STK_PAGER_SALES ? "s" : "m",
                       order);
    }
}


/* @query for an older schema: the same sort and search over @info's columns. */
static StkPagerQuery *
query_variant (StkPagerQuery  *query,
               const KindInfo *info)
{
  StkPagerQuery *variant = g_atomic_rc_box_new0 (StkPagerQuery);

  variant->kind = query->kind;
  variant->info = info;
  variant->column = query->column;
  variant->descending = query->descending;
  variant->item_id = query->item_id;
  variant->from_us = query->from_us;
  variant->to_us = query->to_us;
  variant->search = g_strdup (query->search);
  if (variant->search != NULL)
    make_code_range (variant);
  build_sql (variant);
  return variant;
}

StkPagerQuery *
stk_pager_query_new (StkPagerKind   kind,
                     const char    *sort_column,
                     gboolean       descending,
                     const char    *search,
                     GError       **error)
{
  return stk_pager_query_new_filtered (kind, sort_column, descending, search, 0,
                                       G_MININT64, G_MAXINT64, error);
}

StkPagerQuery *
stk_pager_query_new_filtered (StkPagerKind   kind,
                              const char    *sort_column,
                              gboolean       descending,
                              const char    *search,
                              gint64         item_id,
                              gint64         from_us,
                              gint64         to_us,
                              GError       **error)
{
  g_autoptr(StkPagerQuery) self = NULL;
  const SortColumn *column;

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kinds), NULL);

  if (item_id > 0 && kinds[kind].item == NULL)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("This list cannot show the rows of one item."));
      return NULL;
    }
  if ((from_us != G_MININT64 || to_us != G_MAXINT64) && kinds[kind].at == NULL)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("This list cannot be narrowed to dates."));
      return NULL;
    }

  if (sort_column == NULL)
    {
      column = &kinds[kind].columns[0];
      descending = kinds[kind].default_descending;
    }
  else if ((column = find_column (kind, sort_column)) == NULL)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("This list cannot be sorted by “%s”."), sort_column);
      return NULL;
    }

  self = g_atomic_rc_box_new0 (StkPagerQuery);
  self->kind = kind;
  self->info = &kinds[kind];
  self->column = column;
  self->descending = !!descending;
  self->item_id = MAX (item_id, 0);
  self->from_us = from_us;
  self->to_us = to_us;

  if (search != NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (search));

      if (*trimmed != '\0')
        self->search = g_steal_pointer (&trimmed);
    }
  if (self->search != NULL)
    {
      make_code_range (self);
      if (kind == STK_PAGER_ITEMS)
        self->fts_match = make_fts_match (self->search);
    }

  build_sql (self);
  if (kind == STK_PAGER_SALES)
    {
      self->before_lines = query_variant (self, &sales_before_lines);
      self->before_tax = query_variant (self, &sales_before_tax);
    }
  else if (kind == STK_PAGER_MOVES)
    self->before_receipts = query_variant (self, &moves_before_receipts);
  return g_steal_pointer (&self);
}

/* The query to run on @db: sales before schema 6 have no lines, before 9 no tax. NULL
 * with @error when the schema cannot be read (the read has ended the snapshot). */
static StkPagerQuery *
query_for_db (StkPagerQuery  *query,
              sqlite3        *db,
              GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean has_lines = TRUE, has_tax = TRUE;
  int rc;

  if (query->before_receipts != NULL)
    {
      gboolean has_receipts = TRUE;

      /* Receipt numbers, returns and sales' lines come with schema 7. A schema that
       * cannot be read is the list's error, never an older inventory. */
      if (!stk_sqlite_has_table (db, "receipt_numbers", &has_receipts, error))
        return NULL;
      return has_receipts ? query : query->before_receipts;
    }
  if (query->before_lines == NULL)
    return query;
  rc = sqlite3_prepare_v2 (db, "SELECT (SELECT count (*) FROM pragma_table_info('sales')"
                               "         WHERE name = 'first_line'),"
                               " (SELECT count (*) FROM pragma_table_info('sales')"
                               "  WHERE name = 'tax_cents')",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      has_lines = sqlite3_column_int (stmt, 0) > 0;
      has_tax = sqlite3_column_int (stmt, 1) > 0;
    }
  else
    stk_db_set_error (error, db, sqlite3_extended_errcode (db), _("Cannot read the list"));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return NULL;
  return !has_lines ? query->before_lines : !has_tax ? query->before_tax : query;
}

StkPagerQuery *
stk_pager_query_ref (StkPagerQuery *query)
{
  return g_atomic_rc_box_acquire (query);
}

static void
query_clear (StkPagerQuery *self)
{
  g_clear_pointer (&self->before_lines, stk_pager_query_unref);
  g_clear_pointer (&self->before_tax, stk_pager_query_unref);
  g_clear_pointer (&self->before_receipts, stk_pager_query_unref);
  g_free (self->search);
  g_free (self->fts_match);
  g_free (self->code_low);
  g_free (self->code_high);
  g_free (self->code_like);
  g_free (self->key_low);
  g_free (self->key_high);
}

void
stk_pager_query_unref (StkPagerQuery *query)
{
  g_atomic_rc_box_release_full (query, (GDestroyNotify) query_clear);
}

StkPagerKind
stk_pager_query_get_kind (StkPagerQuery *query)
{
  return query->kind;
}

const char *
stk_pager_query_get_sort_column (StkPagerQuery *query)
{
  return query->column->name;
}

gboolean
stk_pager_query_get_descending (StkPagerQuery *query)
{
  return query->descending;
}

const char *
stk_pager_query_get_search (StkPagerQuery *query)
{
  return query->search;
}

gint64
stk_pager_query_get_item_id (StkPagerQuery *query)
{
  return query->item_id;
}

void
stk_pager_query_get_range (StkPagerQuery *query,
                           gint64        *from_us,
                           gint64        *to_us)
{
  if (from_us != NULL)
    *from_us = query->from_us;
  if (to_us != NULL)
    *to_us = query->to_us;
}

/* The values of the filter's parameters (build_sql()). */
static void
bind_filter (StkPagerQuery *query,
             sqlite3_stmt  *stmt)
{
  if (query->from_us != G_MININT64)
    sqlite3_bind_int64 (stmt, 7, query->from_us);
  if (query->to_us != G_MAXINT64)
    sqlite3_bind_int64 (stmt, 8, query->to_us);
  if (query->item_id > 0)
    sqlite3_bind_int64 (stmt, 9, query->item_id);
}

/* ---- indexes ---- */

static StkPagerIndex *
index_new (StkPagerQuery *query)
{
  StkPagerIndex *self = g_atomic_rc_box_new0 (StkPagerIndex);
  gboolean is_search = query->search != NULL;

  self->is_search = is_search;
  self->kind = query->kind;
  self->column = query->column;
  self->descending = query->descending;
  if (query->kind == STK_PAGER_ITEMS && !is_search)
    self->ranks = g_array_new (FALSE, TRUE, sizeof (guint32));
  if (is_search)
    self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  else
    {
      self->anchors = g_array_new (FALSE, FALSE, sizeof (Anchor));
      self->strings = g_string_chunk_new (64 * 1024);
    }
  return self;
}

static void
index_clear (StkPagerIndex *self)
{
  g_clear_pointer (&self->anchors, g_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->ranks, g_array_unref);
}

StkPagerIndex *
stk_pager_index_ref (StkPagerIndex *index)
{
  return g_atomic_rc_box_acquire (index);
}

void
stk_pager_index_unref (StkPagerIndex *index)
{
  g_atomic_rc_box_release_full (index, (GDestroyNotify) index_clear);
}

guint64
stk_pager_index_get_count (StkPagerIndex *index)
{
  return index->count;
}

guint
stk_pager_index_get_n_anchors (StkPagerIndex *index)
{
  return index->anchors != NULL ? index->anchors->len : 0;
}

gsize
stk_pager_index_get_size (StkPagerIndex *index)
{
  gsize ranks = index->ranks != NULL ? index->ranks->len * sizeof (guint32) : 0;

  if (index->is_search)
    return index->ids->len * sizeof (gint64);
  return index->anchors->len * sizeof (Anchor) + index->string_bytes + ranks;
}

gboolean
stk_pager_index_can_order (StkPagerIndex *base,
                           StkPagerQuery *query)
{
  g_return_val_if_fail (query != NULL, FALSE);

  return base != NULL && base->ranks != NULL && !base->is_search && base->kind == query->kind &&
         base->column == query->column;
}

static void
bind_search (StkPagerQuery *query,
             sqlite3_stmt  *stmt)
{
  if (query->fts_match != NULL && query->kind == STK_PAGER_ITEMS)
    sqlite3_bind_text (stmt, 1, query->fts_match, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, query->code_low, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, query->code_high, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, query->code_like, -1, SQLITE_STATIC);
  if (sqlite3_bind_parameter_count (stmt) >= 6)
    {
      sqlite3_bind_text (stmt, 5, query->key_low, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, query->key_high, -1, SQLITE_STATIC);
    }
}

static StkPagerIndex *build_item_search (sqlite3       *db,
                                         StkPagerQuery *query,
                                         StkPagerIndex *base,
                                         GCancellable  *cancellable,
                                         GError       **error);

StkPagerIndex *
stk_pager_index_build (sqlite3       *db,
                       StkPagerQuery *query,
                       GCancellable  *cancellable,
                       GError       **error)
{
  return stk_pager_index_build_with_base (db, query, NULL, cancellable, error);
}

StkPagerIndex *
stk_pager_index_build_with_base (sqlite3       *db,
                                 StkPagerQuery *query,
                                 StkPagerIndex *base,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(StkPagerIndex) self = NULL;
  sqlite3_stmt *stmt;
  gboolean has_key = FALSE;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (!(query = query_for_db (query, db, error)))
    return NULL;
  if (query->search != NULL && query->kind == STK_PAGER_ITEMS)
    return build_item_search (db, query, base, cancellable, error);

  self = index_new (query);
  if (self->is_search && !stk_code_db_has_key (db, &has_key, error))
    return NULL;
  stmt = stk_db_stmt (db,
                      !self->is_search ? query->sql_scan :
                      has_key ? query->sql_search : query->sql_search_ascii,
                      error);
  if (stmt == NULL)
    return NULL;
  if (self->is_search)
    bind_search (query, stmt);
  bind_filter (query, stmt);

  /* The ranks sized once, to the largest id (a look at the end of the rowid tree): no
   * regrowing (copies, zero fills) during the scan and no slack (4 bytes an id). */
  if (self->ranks != NULL)
    {
      gint64 max_id = 0;

      /* A read that fails has ended the snapshot (SQLite rolls the read transaction
       * back): the list fails rather than go on in another one. */
      if (!stk_db_query_int64 (db, "SELECT coalesce(max(id), 0) FROM items", &max_id, error))
        return NULL;
      if (max_id >= 0 && max_id < MAX_RANKED_ID)
        g_array_set_size (self->ranks, (guint) max_id + 1);
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (self->ranks != NULL)
        {
          gint64 id = sqlite3_column_int64 (stmt, 1);

          if (id < 0 || id >= MAX_RANKED_ID || self->count >= G_MAXUINT32)
            g_clear_pointer (&self->ranks, g_array_unref);
          else
            {
              if ((guint64) id >= self->ranks->len)
                g_array_set_size (self->ranks, MAX ((guint) id + 1, self->ranks->len + self->ranks->len / 8));
              g_array_index (self->ranks, guint32, id) = (guint32) self->count + 1;
            }
        }

      if (self->is_search)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (self->ids, id);
        }
      else if (self->count % STK_PAGER_STRIDE == 0)
        {
          Anchor a = { 0 };

          a.id = sqlite3_column_int64 (stmt, 1);
          if (query->column->text)
            {
              const char *text = (const char *) sqlite3_column_text (stmt, 0);

              a.skey = g_string_chunk_insert (self->strings, text != NULL ? text : "");
              self->string_bytes += strlen (a.skey) + 1;
            }
          else
            a.ikey = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (self->anchors, a);
        }
      self->count++;

      if ((self->count & 0x3fff) == 0 && g_cancellable_is_cancelled (cancellable))
        {
          sqlite3_reset (stmt);
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return NULL;
        }
    }

  if (rc != SQLITE_DONE)
    {
      stk_db_set_error (error, db, rc, _("Cannot read the list"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  if (self->is_search)
    self->count = self->ids->len;
  return g_steal_pointer (&self);
}

/* ---- pages ---- */

static void
bind_anchor (StkPagerQuery *query,
             sqlite3_stmt  *stmt,
             int            first,
             const Anchor  *a)
{
  if (query->column->text)
    sqlite3_bind_text (stmt, first, a->skey, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, first, a->ikey);
  sqlite3_bind_int64 (stmt, first + 1, a->id);
}

static GArray *
rows_new (void)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (StkPagerRow));

  g_array_set_clear_func (rows, (GDestroyNotify) stk_pager_row_clear);
  return rows;
}

static gboolean
step_rows (sqlite3       *db,
           StkPagerKind   kind,
           sqlite3_stmt  *stmt,
           GArray        *rows,
           GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StkPagerRow row;

      read_row (kind, stmt, &row);
      g_array_append_val (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_db_set_error (error, db, rc, _("Cannot read the list"));
      return FALSE;
    }
  return TRUE;
}

GArray *
stk_pager_fetch (sqlite3       *db,
                 StkPagerQuery *query,
                 StkPagerIndex *index,
                 guint64        offset,
                 guint          limit,
                 GError       **error)
{
  g_autoptr(GArray) rows = rows_new ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (index == NULL || index->is_search == (query->search != NULL), NULL);

  if (!(query = query_for_db (query, db, error)))
    return NULL;

  if (index != NULL && index->is_search)
    {
      /* One read transaction for the page's lookups, not one each (every transaction
       * takes and drops the file locks and checks the WAL). */
      gboolean own_transaction = sqlite3_get_autocommit (db) &&
                                 stk_db_begin (db, STK_TXN_READ, NULL);
      gboolean ok = TRUE;

      stmt = stk_db_stmt (db, query->sql_fetch_id, error);
      for (guint64 i = offset; stmt != NULL && ok && i < index->ids->len && i < offset + limit; i++)
        {
          sqlite3_bind_int64 (stmt, 1, g_array_index (index->ids, gint64, i));
          ok = step_rows (db, query->kind, stmt, rows, error);
        }
      if (own_transaction)
        stk_db_end_read (db);
      if (stmt == NULL || !ok)
        return NULL;
      return g_steal_pointer (&rows);
    }

  if (index != NULL && offset >= index->count)
    return g_steal_pointer (&rows);

  if (index != NULL)
    {
      guint64 a = offset / STK_PAGER_STRIDE;

      stmt = stk_db_stmt (db, query->sql_fetch_anchor, error);
      if (stmt == NULL)
        return NULL;
      bind_filter (query, stmt);
      bind_anchor (query, stmt, 1, &g_array_index (index->anchors, Anchor, a));
      sqlite3_bind_int64 (stmt, 4, (gint64) (offset - a * STK_PAGER_STRIDE));
    }
  else if (query->search != NULL)
    {
      /* A search before its index: materialise it (still cheap for one page). */
      g_autoptr(StkPagerIndex) built = stk_pager_index_build (db, query, NULL, error);

      if (built == NULL)
        return NULL;
      return stk_pager_fetch (db, query, built, offset, limit, error);
    }
  else
    {
      stmt = stk_db_stmt (db, query->sql_fetch_start, error);
      if (stmt == NULL)
        return NULL;
      bind_filter (query, stmt);
      sqlite3_bind_int64 (stmt, 4, (gint64) offset);
    }
  sqlite3_bind_int64 (stmt, 3, limit);

  if (!step_rows (db, query->kind, stmt, rows, error))
    return NULL;
  return g_steal_pointer (&rows);
}

/* ---- positions ---- */

static int
compare_key (StkPagerQuery *query,
             const Anchor  *a,
             const Anchor  *b)
{
  int c;

  if (query->column->text)
    c = sqlite3_stricmp (a->skey, b->skey);
  else
    c = (a->ikey > b->ikey) - (a->ikey < b->ikey);
  if (c == 0)
    c = (a->id > b->id) - (a->id < b->id);
  return query->descending ? -c : c;
}

gint64
stk_pager_position_of (sqlite3       *db,
                       StkPagerQuery *query,
                       StkPagerIndex *index,
                       gint64         id,
                       GError       **error)
{
  g_autofree char *skey = NULL;
  sqlite3_stmt *stmt;
  Anchor key = { 0 };
  guint lo = 0;
  gint64 count = 0;
  int rc;

  g_return_val_if_fail (db != NULL, -1);
  g_return_val_if_fail (query != NULL, -1);

  if (!(query = query_for_db (query, db, error)))
    return -1;
  if (index != NULL && index->is_search)
    {
      for (guint i = 0; i < index->ids->len; i++)
        if (g_array_index (index->ids, gint64, i) == id)
          return i;
      return -1;
    }
  if (query->search != NULL)
    {
      g_autoptr(StkPagerIndex) built = stk_pager_index_build (db, query, NULL, error);

      if (built == NULL)
        return -1;
      return stk_pager_position_of (db, query, built, id, error);
    }

  /* The row's key; not listed if it is not there (or archived). */
  stmt = stk_db_stmt (db, query->sql_key_of, error);
  if (stmt == NULL)
    return -1;
  bind_filter (query, stmt);
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      key.id = id;
      if (query->column->text)
        key.skey = skey = column_strdup (stmt, 0);
      else
        key.ikey = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return -1;
  if (rc != SQLITE_ROW)
    {
      stk_db_set_error (error, db, rc, _("Cannot read the list"));
      return -1;
    }

  /* The last anchor at or before the row, then count from there. */
  if (index != NULL && index->anchors->len > 0 &&
      compare_key (query, &g_array_index (index->anchors, Anchor, 0), &key) <= 0)
    {
      guint hi = index->anchors->len;

      while (hi - lo > 1)
        {
          guint mid = lo + (hi - lo) / 2;

          if (compare_key (query, &g_array_index (index->anchors, Anchor, mid), &key) <= 0)
            lo = mid;
          else
            hi = mid;
        }
      stmt = stk_db_stmt (db, query->sql_count_between, error);
      if (stmt == NULL)
        return -1;
      bind_filter (query, stmt);
      bind_anchor (query, stmt, 1, &g_array_index (index->anchors, Anchor, lo));
      count = (gint64) lo * STK_PAGER_STRIDE;
    }
  else
    {
      stmt = stk_db_stmt (db, query->sql_count_before, error);
      if (stmt == NULL)
        return -1;
      bind_filter (query, stmt);
    }
  bind_anchor (query, stmt, 3, &key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    count += sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      stk_db_set_error (error, db, rc, _("Cannot read the list"));
      return -1;
    }
  return count;
}

/* ---- item searches ---- */

/* Appends the ids @sql finds (active items: the word index holds only those). */
static gboolean
collect_ids (sqlite3       *db,
             const char    *sql,
             StkPagerQuery *query,
             GArray        *ids,
             GCancellable  *cancellable,
             GError       **error)
{
  sqlite3_stmt *stmt = stk_db_stmt (db, sql, error);
  guint n = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_search (query, stmt);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
      if ((++n & 0x3fff) == 0 && g_cancellable_is_cancelled (cancellable))
        {
          sqlite3_reset (stmt);
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return FALSE;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stk_db_set_error (error, db, rc, _("Cannot search the list"));
      return FALSE;
    }
  return TRUE;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Sorts @keys (rank << 32 | id) by rank: LSD radix sort on the rank's bits, 11 at a
 * time (two passes for two million ranks), through @tmp of the same length. O(n), where
 * qsort's comparisons cost tens of milliseconds for a few hundred thousand matches. */
static void
radix_sort_by_rank (guint64 *keys,
                    guint64 *tmp,
                    guint    n,
                    guint32  max_rank)
{
  enum { BITS = 11, BUCKETS = 1 << BITS };
  g_autofree guint *counts = g_new (guint, BUCKETS);
  guint64 *from = keys;
  guint64 *to = tmp;

  for (guint shift = 32; shift < 64 && (shift == 32 || (max_rank >> (shift - 32)) != 0);
       shift += BITS)
    {
      guint64 *swap;
      guint sum = 0;

      memset (counts, 0, BUCKETS * sizeof (guint));
      for (guint i = 0; i < n; i++)
        counts[(from[i] >> shift) & (BUCKETS - 1)]++;
      for (guint b = 0; b < BUCKETS; b++)
        {
          guint c = counts[b];

          counts[b] = sum;
          sum += c;
        }
      for (guint i = 0; i < n; i++)
        to[counts[(from[i] >> shift) & (BUCKETS - 1)]++] = from[i];
      swap = from;
      from = to;
      to = swap;
    }
  if (from != keys)
    memcpy (keys, from, n * sizeof (guint64));
}

/* Orders @ids by the positions @base gives them (one array read each, no SQL), and
 * drops an id listed twice (a word match that is a code match too). FALSE when an id has
 * no position there: @base is older than the data; @ids is then unchanged. */
static gboolean
order_by_ranks (StkPagerIndex *base,
                StkPagerQuery *query,
                GArray        *ids)
{
  g_autofree guint64 *keys = g_new (guint64, MAX (ids->len, 1));
  g_autofree guint64 *tmp = NULL;
  gboolean reverse = base->descending != query->descending;
  guint32 max_rank = 0;
  guint n = 0;

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      guint32 rank;

      if (id < 0 || (guint64) id >= base->ranks->len || id > G_MAXUINT32)
        return FALSE;
      rank = g_array_index (base->ranks, guint32, id);
      if (rank == 0)
        return FALSE;
      max_rank = MAX (max_rank, rank);
      keys[i] = ((guint64) rank << 32) | (guint64) id;
    }
  tmp = g_new (guint64, MAX (ids->len, 1));
  radix_sort_by_rank (keys, tmp, ids->len, max_rank);
  for (guint i = 0; i < ids->len; i++)
    if (n == 0 || keys[i] != keys[n - 1])
      keys[n++] = keys[i];
  g_array_set_size (ids, n);
  for (guint i = 0; i < n; i++)
    g_array_index (ids, gint64, reverse ? n - 1 - i : i) = (gint64) (keys[i] & G_MAXUINT32);
  return TRUE;
}

static StkPagerQuery *sort_query;

static int
compare_anchor_in_query (gconstpointer a,
                         gconstpointer b)
{
  return compare_key (sort_query, a, b);
}

/* Orders @ids by reading each one's sort key (an index lookup each). */
static gboolean
order_by_keys (sqlite3       *db,
               StkPagerQuery *query,
               GArray        *ids,
               GCancellable  *cancellable,
               GError       **error)
{
  static GMutex lock;
  g_autoptr(GArray) keys = g_array_sized_new (FALSE, FALSE, sizeof (Anchor), ids->len);
  g_autoptr(GStringChunk) strings = g_string_chunk_new (16 * 1024);
  sqlite3_stmt *stmt = stk_db_stmt (db, query->sql_key_of, error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      Anchor a = { 0 };
      int rc;

      a.id = g_array_index (ids, gint64, i);
      sqlite3_bind_int64 (stmt, 1, a.id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          if (query->column->text)
            {
              const char *text = (const char *) sqlite3_column_text (stmt, 0);

              a.skey = g_string_chunk_insert (strings, text != NULL ? text : "");
            }
          else
            a.ikey = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (keys, a);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          stk_db_set_error (error, db, rc, _("Cannot search the list"));
          return FALSE;
        }
      if ((i & 0xfff) == 0xfff && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }

  /* qsort has no user data: one sort at a time. */
  g_mutex_lock (&lock);
  sort_query = query;
  g_array_sort (keys, compare_anchor_in_query);
  sort_query = NULL;
  g_mutex_unlock (&lock);

  g_array_set_size (ids, keys->len);
  for (guint i = 0; i < keys->len; i++)
    g_array_index (ids, gint64, i) = g_array_index (keys, Anchor, i).id;
  return TRUE;
}

static gboolean
is_plain_ascii (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s >= 0x80)
      return FALSE;
  return TRUE;
}

/*
 * Appends the active items whose code starts with the search (their code keys do). The
 * code_key index gives the ids alone: reading each one's archived flag is a table lookup,
 * 0.18–0.78 s for the 250 000 codes a one-letter search finds in 1 000 000 items. For an
 * ASCII search (its key is its ASCII lower case), an ASCII code matches exactly when it
 * lies in the case-insensitive prefix range of the code, which the covering index
 * items_sort_code gives with the archived flag and no lookup: so the key matches found
 * there are active, and only the others — archived, or a code whose key differs from its
 * ASCII lower case (full-width letters, ligatures) — are looked up. The key matches stay
 * the result; the range only vouches that an id is active.
 */
static gboolean
collect_code_matches (sqlite3       *db,
                      StkPagerQuery *query,
                      GArray        *ids,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GArray) keys = NULL;
  g_autoptr(GArray) range = NULL;
  g_autofree guint8 *active = NULL;
  sqlite3_stmt *lookup = NULL;
  gint64 max_id = 0;
  gboolean has_key;

  if (!stk_code_db_has_key (db, &has_key, error))
    return FALSE;
  if (!has_key)
    return collect_ids (db, query->sql_match_codes_ascii, query, ids, cancellable, error);
  if (!is_plain_ascii (query->search))
    return collect_ids (db, query->sql_match_codes, query, ids, cancellable, error);

  keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!collect_ids (db, query->sql_match_keys, query, keys, cancellable, error))
    return FALSE;
  if (keys->len == 0)
    return TRUE;
  range = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!collect_ids (db, query->sql_match_range, query, range, cancellable, error))
    return FALSE;

  for (guint i = 0; i < keys->len; i++)
    max_id = MAX (max_id, g_array_index (keys, gint64, i));
  active = g_new0 (guint8, max_id / 8 + 1);
  for (guint i = 0; i < range->len; i++)
    {
      gint64 id = g_array_index (range, gint64, i);

      if (id >= 0 && id <= max_id)
        active[id / 8] |= (guint8) (1u << (id % 8));
    }

  for (guint i = 0; i < keys->len; i++)
    {
      gint64 id = g_array_index (keys, gint64, i);
      gboolean is_active;
      int rc;

      if (id >= 0 && (active[id / 8] & (1u << (id % 8))) != 0)
        {
          g_array_append_val (ids, id);
          continue;
        }
      if (lookup == NULL &&
          (lookup = stk_db_stmt (db, "SELECT archived FROM items WHERE id = ?1", error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (lookup, 1, id);
      rc = sqlite3_step (lookup);
      is_active = rc == SQLITE_ROW && sqlite3_column_int64 (lookup, 0) == 0;
      sqlite3_reset (lookup);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          stk_db_set_error (error, db, rc, _("Cannot search the list"));
          return FALSE;
        }
      if (is_active)
        g_array_append_val (ids, id);
    }
  return TRUE;
}

/*
 * An item search: the ids of the matching active items — word matches from items_fts
 * (which holds the active items only, so its match set is the result) and code-prefix
 * matches from the code index — then put in the query's order. With @base (the list
 * without search, same sort column, built on the same data) that order is a lookup of
 * each id's position: a few milliseconds for thousands of matches, where sorting them
 * in SQL costs microseconds per match. Without it, or when @base does not know an id
 * (it is older than the data), each match's sort key is read and sorted.
 */
static StkPagerIndex *
build_item_search (sqlite3       *db,
                   StkPagerQuery *query,
                   StkPagerIndex *base,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(StkPagerIndex) self = index_new (query);
  GArray *ids = self->ids;

  if (query->fts_match != NULL &&
      !collect_ids (db, query->sql_match_words, query, ids, cancellable, error))
    return NULL;
  if (!collect_code_matches (db, query, ids, cancellable, error))
    return NULL;

  /* Ordered by the base's positions (which also lists each id once), or else: both sets
   * once each, then by their keys. */
  if (!(stk_pager_index_can_order (base, query) && order_by_ranks (base, query, ids)))
    {
      if (query->fts_match != NULL && ids->len > 0)
        {
          guint n = 0;

          g_array_sort (ids, compare_int64);
          for (guint i = 0; i < ids->len; i++)
            if (n == 0 || g_array_index (ids, gint64, i) != g_array_index (ids, gint64, n - 1))
              g_array_index (ids, gint64, n++) = g_array_index (ids, gint64, i);
          g_array_set_size (ids, n);
        }
      if (!order_by_keys (db, query, ids, cancellable, error))
        return NULL;
    }

  self->count = ids->len;
  return g_steal_pointer (&self);
}
