/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-format.h"

#include <glib/gi18n.h>
#include <langinfo.h>
#include <limits.h>
#include <string.h>

#include "stk-error.h"

/*
 * Numbers and money follow the current LC_NUMERIC / LC_MONETARY, read through
 * nl_langinfo () (thread-safe in glibc, unlike localeconv ()): the group separator,
 * the grouping rule ("3;3" in most locales, "3;2" in hi_IN) and the decimal mark.
 * Money never goes through a double: cents are split into units and a remainder.
 *
 * Parsing accepts the locale's own form first ("1.234,50" in it_IT) and then the
 * plain form ("1234.50", what CSV files and programs write). A group separator is
 * only taken as one where the grouping rule allows it, so in it_IT "1.234" is 1234
 * but "1.5" is the plain 1.50.
 */

typedef struct
{
  char  group[8];      /* UTF-8, may be empty (no grouping) */
  char  decimal[8];    /* UTF-8, never empty */
  char  grouping[16];  /* sizes, rightmost first, as in localeconv (); "" = none */
} Separators;

static void
copy_utf8 (char       *dest,
           gsize       size,
           const char *src,
           const char *fallback)
{
  g_autofree char *utf8 = NULL;

  if (src != NULL && src[0] != '\0' && !g_utf8_validate (src, -1, NULL))
    src = utf8 = g_locale_to_utf8 (src, -1, NULL, NULL, NULL);
  if (src == NULL || src[0] == '\0' || strlen (src) >= size)
    src = fallback;
  g_strlcpy (dest, src, size);
}

static void
get_separators (gboolean    monetary,
                Separators *sep)
{
  const char *grouping;

  if (monetary)
    {
      copy_utf8 (sep->decimal, sizeof sep->decimal, nl_langinfo (MON_DECIMAL_POINT),
                 nl_langinfo (RADIXCHAR));
      if (sep->decimal[0] == '\0')
        g_strlcpy (sep->decimal, ".", sizeof sep->decimal);
      copy_utf8 (sep->group, sizeof sep->group, nl_langinfo (MON_THOUSANDS_SEP), "");
      grouping = nl_langinfo (MON_GROUPING);
    }
  else
    {
      copy_utf8 (sep->decimal, sizeof sep->decimal, nl_langinfo (RADIXCHAR), ".");
      copy_utf8 (sep->group, sizeof sep->group, nl_langinfo (THOUSEP), "");
      grouping = nl_langinfo (GROUPING);
    }

  g_strlcpy (sep->grouping, grouping != NULL ? grouping : "", sizeof sep->grouping);
  if (sep->group[0] == '\0')
    sep->grouping[0] = '\0';
}

/* The size of the @index-th group from the right, or 0 for "no more grouping". */
static guint
group_size (const Separators *sep,
            guint             index)
{
  gsize len = strlen (sep->grouping);
  guchar g;

  if (len == 0)
    return 0;
  g = (guchar) sep->grouping[MIN (index, len - 1)];
  if (g == 0 || g == CHAR_MAX)
    return 0;
  return g;
}

/* Appends the decimal digits of @value with group separators. */
static void
append_grouped (GString          *out,
                guint64           value,
                const Separators *sep)
{
  char digits[32];
  gsize n = 0;
  gsize i;
  guint group = 0;
  guint in_group = 0;
  guint size;
  GString *rev = g_string_new (NULL);
  g_autofree char *reversed = NULL;

  do
    {
      digits[n++] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value > 0);

  /* Walk from the rightmost digit, inserting a separator after each full group. */
  size = group_size (sep, 0);
  for (i = 0; i < n; i++)
    {
      if (size > 0 && in_group == size)
        {
          g_autofree char *sep_rev = g_utf8_strreverse (sep->group, -1);

          g_string_append (rev, sep_rev);
          group++;
          in_group = 0;
          size = group_size (sep, group);
        }
      g_string_append_c (rev, digits[i]);
      in_group++;
    }

  reversed = g_string_free (rev, FALSE);
  {
    g_autofree char *forward = g_utf8_strreverse (reversed, -1);
    g_string_append (out, forward);
  }
}

/* Appends "-" for a negative @value and returns its magnitude (G_MININT64 included). */
static guint64
append_sign (GString *out,
             gint64   value)
{
  if (value >= 0)
    return (guint64) value;
  g_string_append_c (out, '-');
  return (guint64) (-(value + 1)) + 1;
}

char *
stk_format_count (gint64 value)
{
  Separators sep;
  GString *out = g_string_new (NULL);
  guint64 magnitude = append_sign (out, value);

  get_separators (FALSE, &sep);
  append_grouped (out, magnitude, &sep);
  return g_string_free (out, FALSE);
}

/* "1.234,50": @magnitude cents with LC_MONETARY's separators. */
static void
append_money (GString *out,
              guint64  magnitude)
{
  Separators sep;

  get_separators (TRUE, &sep);
  append_grouped (out, magnitude / 100, &sep);
  g_string_append (out, sep.decimal);
  g_string_append_printf (out, "%02u", (guint) (magnitude % 100));
}

char *
stk_format_money (gint64 cents)
{
  GString *out = g_string_new (NULL);

  append_money (out, append_sign (out, cents));
  return g_string_free (out, FALSE);
}

/* ---- currency ---------------------------------------------------------------- */

/* The symbol the user chose (preferences), or NULL for the locale's. */
static char *currency_override;
G_LOCK_DEFINE_STATIC (currency_override);

void
stk_format_set_currency_symbol (const char *symbol)
{
  G_LOCK (currency_override);
  g_free (currency_override);
  currency_override = (symbol != NULL) ? g_strstrip (g_strdup (symbol)) : NULL;
  G_UNLOCK (currency_override);
}

char *
stk_format_get_currency_symbol (void)
{
  char symbol[32];

  G_LOCK (currency_override);
  if (currency_override != NULL)
    {
      char *copy = g_strdup (currency_override);

      G_UNLOCK (currency_override);
      return copy;
    }
  G_UNLOCK (currency_override);

  copy_utf8 (symbol, sizeof symbol, nl_langinfo (CURRENCY_SYMBOL), "");
  return g_strdup (symbol);
}

/* "CHF", "EUR", "kr": letters only, so a space always parts it from the amount. */
static gboolean
currency_symbol_is_word (const char *symbol)
{
  if (g_utf8_strlen (symbol, -1) < 2)
    return FALSE;
  for (const char *p = symbol; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isalpha (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* One byte of the LC_MONETARY field @item as a number (CHAR_MAX when unset). */
static int
monetary_flag (nl_item item)
{
  const char *value = nl_langinfo (item);

  return (value != NULL) ? (int) (signed char) value[0] : CHAR_MAX;
}

char *
stk_format_currency (gint64 cents)
{
  g_autofree char *symbol = stk_format_get_currency_symbol ();
  g_autofree char *amount = NULL;
  gboolean negative = cents < 0;
  gboolean precedes;
  gboolean space;
  int sign_posn;
  const char *gap;
  const char *sign = negative ? "-" : "";
  GString *out;

  if (symbol[0] == '\0')
    return stk_format_money (cents);

  /* The magnitude, then the sign and the symbol where the locale puts them. */
  {
    GString *m = g_string_new (NULL);

    append_money (m, negative ? (guint64) (-(cents + 1)) + 1 : (guint64) cents);
    amount = g_string_free (m, FALSE);
  }

  precedes = monetary_flag (negative ? N_CS_PRECEDES : P_CS_PRECEDES) == 1;
  space = monetary_flag (negative ? N_SEP_BY_SPACE : P_SEP_BY_SPACE) == 1;
  sign_posn = monetary_flag (negative ? N_SIGN_POSN : P_SIGN_POSN);
  /* A symbol the user typed has no locale rule: words get a space, signs do not. */
  if (currency_symbol_is_word (symbol))
    space = TRUE;
  gap = space ? "\u00a0" : "";   /* never broken across lines */

  out = g_string_new (NULL);
  if (precedes)
    {
      switch (sign_posn)
        {
        case 2: /* after the amount */
          g_string_append_printf (out, "%s%s%s%s", symbol, gap, amount, sign);
          break;
        case 4: /* right after the symbol */
          g_string_append_printf (out, "%s%s%s%s", symbol, sign, gap, amount);
          break;
        default: /* 0 (parentheses: not on a till), 1, 3: before everything */
          g_string_append_printf (out, "%s%s%s%s", sign, symbol, gap, amount);
          break;
        }
    }
  else
    {
      switch (sign_posn)
        {
        case 2:
          g_string_append_printf (out, "%s%s%s%s", amount, sign, gap, symbol);
          break;
        case 3: /* right before the symbol */
          g_string_append_printf (out, "%s%s%s%s", amount, gap, sign, symbol);
          break;
        case 4:
          g_string_append_printf (out, "%s%s%s%s", amount, gap, symbol, sign);
          break;
        default:
          g_string_append_printf (out, "%s%s%s%s", sign, amount, gap, symbol);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

static char *
format_local (gint64      us,
              const char *format)
{
  gint64 seconds = us / G_USEC_PER_SEC;
  g_autoptr(GDateTime) dt = NULL;
  char *text;

  if (us % G_USEC_PER_SEC < 0)
    seconds--;   /* floor, so times before 1970 keep their date */
  dt = g_date_time_new_from_unix_local (seconds);
  if (dt == NULL)
    return g_strdup ("—");
  text = g_date_time_format (dt, format);
  return text != NULL ? text : g_strdup ("—");
}

/* The locale's date format (D_FMT) with a four-digit year: "%y" (C, en_GB, …) shows
 * 2026 as "26", which reads as a day or a month next to them. */
static char *
date_format (void)
{
  char fmt[64];
  GString *out = g_string_new (NULL);

  copy_utf8 (fmt, sizeof fmt, nl_langinfo (D_FMT), "%Y-%m-%d");
  for (const char *p = fmt; *p != '\0'; p++)
    {
      if (p[0] == '%' && p[1] != '\0')
        {
          /* Skip GNU flags and widths ("%-d", "%Ey"), then the conversion itself. */
          const char *q = p + 1;

          while (*q != '\0' && strchr ("_-0^#EO123456789", *q) != NULL)
            q++;
          if (*q == 'y')
            g_string_append (out, "%Y");
          else
            g_string_append_len (out, p, q - p + (*q != '\0'));
          p = *q != '\0' ? q : q - 1;
          continue;
        }
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
stk_format_date (gint64 us)
{
  g_autofree char *fmt = date_format ();

  return format_local (us, fmt);
}

char *
stk_format_date_pattern (void)
{
  g_autofree char *fmt = date_format ();
  GString *out = g_string_new (NULL);

  for (const char *p = fmt; *p != '\0'; p++)
    {
      const char *q;

      if (p[0] != '%' || p[1] == '\0')
        {
          g_string_append_c (out, *p);
          continue;
        }
      q = p + 1;
      while (*q != '\0' && strchr ("_-0^#EO123456789", *q) != NULL)
        q++;
      switch (*q)
        {
        /* Translators: the day in the pattern a date is typed in ("DD/MM/YYYY") */
        case 'd': case 'e': g_string_append (out, C_("date pattern", "DD")); break;
        /* Translators: the month in the pattern a date is typed in ("DD/MM/YYYY") */
        case 'm': g_string_append (out, C_("date pattern", "MM")); break;
        /* Translators: the year in the pattern a date is typed in ("DD/MM/YYYY") */
        case 'Y': g_string_append (out, C_("date pattern", "YYYY")); break;
        case 'F':
          g_string_append_printf (out, "%s-%s-%s", C_("date pattern", "YYYY"),
                                  C_("date pattern", "MM"), C_("date pattern", "DD"));
          break;
        default: g_string_append_len (out, p, q - p + (*q != '\0')); break;
        }
      if (*q == '\0')
        break;
      p = q;
    }
  return g_string_free (out, FALSE);
}

char *
stk_format_datetime (gint64 us)
{
  g_autofree char *date = date_format ();
  g_autofree char *fmt = g_strconcat (date, " %X", NULL);

  return format_local (us, fmt);
}

char *
stk_format_datetime_short (gint64 us)
{
  const char *t_fmt = nl_langinfo (T_FMT);
  const char *am = nl_langinfo (AM_STR);
  gboolean twelve = am != NULL && am[0] != '\0' && t_fmt != NULL &&
                    (strstr (t_fmt, "%r") != NULL || strstr (t_fmt, "%I") != NULL ||
                     strstr (t_fmt, "%l") != NULL);
  g_autofree char *date = date_format ();
  g_autofree char *fmt = g_strconcat (date, twelve ? " %I:%M %p" : " %H:%M", NULL);

  return format_local (us, fmt);
}

/* ---- parsing ---------------------------------------------------------------- */

/* ---- dates typed by the user ---- */

/* The order of day, month and year in @d_fmt ("DMY", "MDY", "YMD"); "YMD" when it
 * does not name the three once each. */
static void
date_order (const char *d_fmt,
            char        order[4])
{
  GString *found = g_string_new (NULL);

  for (const char *p = d_fmt; p != NULL && *p != '\0'; p++)
    {
      const char *q;

      if (p[0] != '%' || p[1] == '\0')
        continue;
      q = p + 1;
      while (*q != '\0' && strchr ("_-0^#EO123456789", *q) != NULL)
        q++;
      switch (*q)
        {
        case 'd': case 'e': g_string_append_c (found, 'D'); break;
        case 'm': g_string_append_c (found, 'M'); break;
        case 'y': case 'Y': g_string_append_c (found, 'Y'); break;
        case 'F': g_string_append (found, "YMD"); break;
        case 'D': g_string_append (found, "MDY"); break;
        default: break;
        }
      if (*q == '\0')
        break;
      p = q;
    }
  if (found->len == 3 && strchr (found->str, 'D') != NULL && strchr (found->str, 'M') != NULL &&
      strchr (found->str, 'Y') != NULL)
    memcpy (order, found->str, 4);
  else
    memcpy (order, "YMD", 4);
  g_string_free (found, TRUE);
}

/* Text between or after the numbers: anything but ASCII letters and digits. */
static gboolean
is_date_separator (gunichar c)
{
  return !(c < 0x80 && g_ascii_isalnum ((char) c));
}

/* Reads up to @max + 1 digits at *@p (a run longer than @max is then told by its count),
 * moving *@p past them; returns how many, their value in *@value. */
static guint
read_digits (const char **p,
             guint        max,
             guint       *value)
{
  guint v = 0, d = 0;

  while (g_ascii_isdigit (**p) && d <= max)
    {
      v = v * 10 + (guint) (**p - '0');
      d++;
      (*p)++;
    }
  *value = v;
  return d;
}

/* Reads the three numbers of a date from @text (stripped): their values and digit
 * counts; @end is where the date stops (NULL: it must be the whole text). */
static gboolean
date_numbers (const char  *text,
              guint        values[3],
              guint        digits[3],
              const char **end)
{
  const char *p = text;
  guint n = 0;

  while (n < 3)
    {
      guint v, d = read_digits (&p, 4, &v);

      if (d == 0 || d > 4)
        return FALSE;
      values[n] = v;
      digits[n] = d;
      n++;
      if (n == 3)
        break;
      /* A separator: one or more characters, no letter, no digit. */
      if (*p == '\0' || g_ascii_isdigit (*p))
        return FALSE;
      while (*p != '\0' && !g_ascii_isdigit (*p))
        {
          gunichar c = g_utf8_get_char_validated (p, -1);

          if (c == (gunichar) -1 || c == (gunichar) -2 || !is_date_separator (c))
            return FALSE;
          p = g_utf8_next_char (p);
        }
    }
  /* What follows the year or day: a closing mark such as "日" or ".", no letter. */
  while (*p != '\0' && !g_ascii_isspace (*p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2 || g_ascii_isdigit (*p) ||
          !is_date_separator (c))
        return FALSE;
      p = g_utf8_next_char (p);
    }
  if (end != NULL)
    *end = p;
  else if (*p != '\0')
    return FALSE;
  return TRUE;
}

static gboolean
parse_date_text (const char  *text,
                 const char  *d_fmt,
                 GDate       *out,
                 const char **end)
{
  guint values[3], digits[3];
  char order[4];
  guint day = 0, month = 0, year = 0;

  if (!date_numbers (text, values, digits, end))
    return FALSE;
  /* A first number of four digits is a year: ISO in every locale. */
  if (digits[0] == 4)
    memcpy (order, "YMD", 4);
  else
    date_order (d_fmt, order);
  for (guint i = 0; i < 3; i++)
    {
      switch (order[i])
        {
        case 'Y':
          if (digits[i] == 4)
            year = values[i];
          else if (digits[i] == 2)
            year = 2000 + values[i];
          else
            return FALSE;
          break;
        case 'M':
          if (digits[i] > 2)
            return FALSE;
          month = values[i];
          break;
        default:
          if (digits[i] > 2)
            return FALSE;
          day = values[i];
          break;
        }
    }
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31 ||
      !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return FALSE;
  g_date_clear (out, 1);
  g_date_set_dmy (out, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return TRUE;
}

gboolean
stk_parse_date_in_format (const char *text,
                          const char *d_fmt,
                          GDate      *out)
{
  g_autofree char *s = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (d_fmt != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  s = g_strstrip (g_strdup (text));
  return parse_date_text (s, d_fmt, out, NULL);
}

gboolean
stk_parse_date (const char *text,
                GDate      *out)
{
  char fmt[64];

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  copy_utf8 (fmt, sizeof fmt, nl_langinfo (D_FMT), "%Y-%m-%d");
  return stk_parse_date_in_format (text, fmt, out);
}

/* Is @word (@len bytes) the locale's @item word (AM_STR, PM_STR) or @ascii, any case? */
static gboolean
is_meridiem (const char *word,
             gsize       len,
             nl_item     item,
             const char *ascii)
{
  char local[32];
  g_autofree char *folded = g_utf8_casefold (word, (gssize) len);
  g_autofree char *local_folded = NULL;

  copy_utf8 (local, sizeof local, nl_langinfo (item), "");
  local_folded = g_utf8_casefold (local, -1);
  return g_str_equal (folded, ascii) || (local[0] != '\0' && g_str_equal (folded, local_folded));
}

gboolean
stk_parse_local_datetime (const char *text,
                          gint64     *out_us)
{
  g_autofree char *s = NULL;
  char fmt[64];
  const char *p;
  GDate date;
  guint hms[3] = { 0, 0, 0 };
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_us != NULL, FALSE);

  s = g_strstrip (g_strdup (text));
  copy_utf8 (fmt, sizeof fmt, nl_langinfo (D_FMT), "%Y-%m-%d");
  if (!parse_date_text (s, fmt, &date, &p))
    return FALSE;
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    {
      guint n = 0;

      /* H:MM or H:MM:SS */
      while (n < 3)
        {
          guint v, d = read_digits (&p, 2, &v);

          if (d == 0 || d > 2 || (n > 0 && d != 2))
            return FALSE;
          hms[n++] = v;
          if (*p != ':')
            break;
          p++;
        }
      if (n < 2)
        return FALSE;
      while (g_ascii_isspace (*p))
        p++;
      if (*p != '\0')
        {
          gsize len = strlen (p);
          gboolean pm;

          if (is_meridiem (p, len, PM_STR, "pm"))
            pm = TRUE;
          else if (is_meridiem (p, len, AM_STR, "am"))
            pm = FALSE;
          else
            return FALSE;
          if (hms[0] < 1 || hms[0] > 12)
            return FALSE;
          hms[0] = hms[0] % 12 + (pm ? 12 : 0);
        }
      if (hms[0] > 23 || hms[1] > 59 || hms[2] > 59)
        return FALSE;
    }
  dt = g_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date),
                              g_date_get_day (&date), (gint) hms[0], (gint) hms[1],
                              (gdouble) hms[2]);
  if (dt == NULL)
    return FALSE;
  *out_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC;
  return TRUE;
}


static gboolean
is_space_sep (const char *s)
{
  return g_str_equal (s, " ") || g_str_equal (s, "\u00a0") || g_str_equal (s, "\u202f");
}

/* Does @p start with the group separator (any kind of space, if it is one)? Returns
 * its length, or 0. */
static gsize
match_group (const char       *p,
             const Separators *sep)
{
  static const char *const spaces[] = { " ", "\u00a0", "\u202f" };
  gsize i;

  if (sep->group[0] == '\0')
    return 0;
  if (g_str_has_prefix (p, sep->group))
    return strlen (sep->group);
  if (is_space_sep (sep->group))
    for (i = 0; i < G_N_ELEMENTS (spaces); i++)
      if (g_str_has_prefix (p, spaces[i]))
        return strlen (spaces[i]);
  return 0;
}

typedef enum
{
  NUM_OK,
  NUM_BAD,
  NUM_TOO_MANY_DECIMALS,
  NUM_TOO_LARGE,
} NumResult;

/* Parses "[int][DEC frac]" where int may hold group separators (placed as the
 * grouping rule says). @sep NULL: the plain form (digits, '.' decimal, no groups).
 * @max_decimals 0: no decimal part allowed. Result scaled by 10^max_decimals. */
static NumResult
parse_unsigned (const char       *text,
                const Separators *sep,
                guint             max_decimals,
                guint64           limit,
                guint64          *out)
{
  const char *p = text;
  const char *decimal = sep != NULL ? sep->decimal : ".";
  guint runs[64];
  guint n_runs = 0;
  guint run = 0;
  guint64 value = 0;
  guint n_int = 0;
  guint n_frac = 0;
  guint i;

  /* Integer part: digit runs separated by the group separator. */
  while (*p != '\0')
    {
      gsize glen;

      if (g_ascii_isdigit (*p))
        {
          if (value > (G_MAXUINT64 - 9) / 10)
            return NUM_TOO_LARGE;
          value = value * 10 + (guint64) (*p - '0');
          run++;
          n_int++;
          p++;
          continue;
        }
      if (sep != NULL && !g_str_has_prefix (p, decimal) && (glen = match_group (p, sep)) > 0)
        {
          if (run == 0 || n_runs + 1 >= G_N_ELEMENTS (runs))
            return NUM_BAD;
          runs[n_runs++] = run;
          run = 0;
          p += glen;
          continue;
        }
      break;
    }
  runs[n_runs++] = run;

  /* Grouping check: the runs right of the first must have exactly the sizes the
   * locale's rule gives (from the right); the first at most its size. */
  if (n_runs > 1)
    {
      if (run == 0)
        return NUM_BAD;
      for (i = n_runs - 1; i >= 1; i--)
        {
          guint size = group_size (sep, n_runs - 1 - i);

          if (size == 0 || runs[i] != size)
            return NUM_BAD;
        }
      if (runs[0] > group_size (sep, n_runs - 1) && group_size (sep, n_runs - 1) != 0)
        return NUM_BAD;
    }

  /* Decimal part. */
  if (g_str_has_prefix (p, decimal))
    {
      p += strlen (decimal);
      while (g_ascii_isdigit (*p))
        {
          n_frac++;
          if (n_frac <= max_decimals)
            {
              if (value > (G_MAXUINT64 - 9) / 10)
                return NUM_TOO_LARGE;
              value = value * 10 + (guint64) (*p - '0');
            }
          p++;
        }
      if (*p != '\0')
        return NUM_BAD;
      if (n_frac == 0)
        return NUM_BAD;
      if (n_frac > max_decimals)
        return NUM_TOO_MANY_DECIMALS;
    }
  if (*p != '\0' || n_int + n_frac == 0)
    return NUM_BAD;

  for (i = n_frac; i < max_decimals; i++)
    {
      if (value > G_MAXUINT64 / 10)
        return NUM_TOO_LARGE;
      value *= 10;
    }
  if (value > limit)
    return NUM_TOO_LARGE;
  *out = value;
  return NUM_OK;
}

/* Tries the locale's form, then the plain one; the most telling failure wins. */
static NumResult
parse_both (const char       *text,
            const Separators *sep,
            guint             max_decimals,
            guint64           limit,
            guint64          *out)
{
  NumResult local = parse_unsigned (text, sep, max_decimals, limit, out);
  NumResult plain;

  if (local == NUM_OK)
    return NUM_OK;
  plain = parse_unsigned (text, NULL, max_decimals, limit, out);
  if (plain == NUM_OK)
    return NUM_OK;
  return local != NUM_BAD ? local : plain;
}

static char *
strip_copy (const char *text)
{
  char *copy = g_strdup (text);
  const char *spaces[] = { "\u00a0", "\u202f" };
  gsize i;

  g_strstrip (copy);
  /* Also non-breaking spaces around the value (pasted from a spreadsheet). */
  for (i = 0; i < G_N_ELEMENTS (spaces); i++)
    {
      gsize len = strlen (spaces[i]);

      while (g_str_has_prefix (copy, spaces[i]))
        memmove (copy, copy + len, strlen (copy + len) + 1);
      while (g_str_has_suffix (copy, spaces[i]))
        copy[strlen (copy) - len] = '\0';
      g_strstrip (copy);
    }
  return copy;
}

static gboolean
starts_with_minus (const char *s,
                   gsize      *len)
{
  if (s[0] == '-')
    {
      *len = 1;
      return TRUE;
    }
  if (g_str_has_prefix (s, "\u2212"))
    {
      *len = strlen ("\u2212");
      return TRUE;
    }
  return FALSE;
}

gboolean
stk_parse_money (const char  *text,
                 gint64      *out_cents,
                 GError     **error)
{
  g_autofree char *s = NULL;
  g_autofree char *example = NULL;
  Separators sep;
  guint64 cents = 0;
  gsize skip = 0;
  NumResult r;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  s = strip_copy (text);
  if (s[0] == '\0')
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("Enter a price"));
      return FALSE;
    }
  if (starts_with_minus (s, &skip))
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("A price cannot be negative"));
      return FALSE;
    }
  if (s[0] == '+')
    skip = 1;

  get_separators (TRUE, &sep);
  r = parse_both (s + skip, &sep, 2, G_MAXINT64, &cents);
  switch (r)
    {
    case NUM_OK:
      if (out_cents != NULL)
        *out_cents = (gint64) cents;
      return TRUE;
    case NUM_TOO_MANY_DECIMALS:
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("A price has at most two decimals"));
      return FALSE;
    case NUM_TOO_LARGE:
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("The price is too large"));
      return FALSE;
    case NUM_BAD:
    default:
      example = stk_format_money (123450);
      /* Translators: %s is an example price in the user's format, like 1,234.50 */
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Not a price: write it like %s"), example);
      return FALSE;
    }
}

gboolean
stk_parse_count (const char  *text,
                 gint64      *out_value,
                 GError     **error)
{
  g_autofree char *s = NULL;
  g_autofree char *example = NULL;
  Separators sep;
  guint64 magnitude = 0;
  gboolean negative = FALSE;
  gsize skip = 0;
  NumResult r;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  s = strip_copy (text);
  if (s[0] == '\0')
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("Enter a number"));
      return FALSE;
    }
  if (starts_with_minus (s, &skip))
    negative = TRUE;
  else if (s[0] == '+')
    skip = 1;

  get_separators (FALSE, &sep);
  r = parse_both (s + skip, &sep, 0, negative ? (guint64) G_MAXINT64 + 1 : G_MAXINT64,
                  &magnitude);
  switch (r)
    {
    case NUM_OK:
      if (out_value != NULL)
        *out_value = negative ? (gint64) (-(magnitude - 1)) - 1 : (gint64) magnitude;
      return TRUE;
    case NUM_TOO_MANY_DECIMALS:
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("Enter a whole number"));
      return FALSE;
    case NUM_TOO_LARGE:
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("The number is too large"));
      return FALSE;
    case NUM_BAD:
    default:
      example = stk_format_count (1234);
      /* Translators: %s is an example number in the user's format, like 1,234 */
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Not a number: write it like %s"), example);
      return FALSE;
    }
}
