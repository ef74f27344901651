/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Numbers, money and dates in the user's locale (LC_NUMERIC / LC_MONETARY / LC_TIME),
 * for the window and the command line. Money is always integer cents. */

/* "1,234,567" (en_US), "1.234.567" (it_IT). */
char     *stk_format_count        (gint64        value);
/* "1,234.50" / "1.234,50": the amount with the locale's separators, no currency
 * symbol (the inventory does not know its currency). Negative values get a minus. */
char     *stk_format_money        (gint64        cents);
/* The amount with the currency symbol where LC_MONETARY puts it ("€ 1.234,50" in
 * it_IT, "$1,234.50" in en_US, "1.234,50 €" in de_DE); the symbol is the one set with
 * stk_format_set_currency_symbol(), else the locale's; with none (the C locale), the
 * same as stk_format_money(). The space beside a symbol is a no-break space. */
char     *stk_format_currency     (gint64        cents);
/* Sets the symbol for the whole process (preferences): NULL for the locale's, "" for
 * none. Thread-safe. */
void      stk_format_set_currency_symbol (const char *symbol);
/* The symbol stk_format_currency() uses now (maybe ""). */
char     *stk_format_get_currency_symbol (void);
/* A date/time in the locale's preferred short form, always with a four-digit year;
 * @us is microseconds since the epoch, shown in local time. */
char     *stk_format_date         (gint64        us);
char     *stk_format_datetime     (gint64        us);
/* How to type a date in this locale, for a field's placeholder: "DD/MM/YYYY" (it_IT),
 * "MM/DD/YYYY" (en_US), "YYYY年MM月DD日" (zh_CN); the letters are translated. */
char     *stk_format_date_pattern (void);
/* The same to the minute, for a list's column: the locale's date with a four-digit year
 * and the time as "14:05" (or "02:05 PM" where the locale keeps a 12-hour clock), never
 * the locale's long time ("14时05分00秒" in zh_CN). */
char     *stk_format_datetime_short (gint64      us);
/* Parses a price typed by the user in their locale ("1.234,5" in it_IT, "1,234.50"
 * in en_US; also the plain "1234.50" form) into cents, exactly — never via a float.
 * At most two decimals; no negative values. FALSE with STK_ERROR_INVALID_DATA and a
 * message fit to show next to the field. */
gboolean  stk_parse_money         (const char   *text,
                                   gint64       *out_cents,
                                   GError      **error);
/* A day typed by the user, into @out: the locale's numeric date in its own order, as
 * stk_format_date() shows it ("06/12/2026" in it_IT, "12/06/2026" in en_US,
 * "2026年12月06日" in zh_CN), or ISO "2026-12-06" in every locale (a first number of four
 * digits is a year). Any separators that are not letters or digits; a year of four
 * digits, or two for 2000–2099. FALSE for anything else, or a day that does not exist
 * ("30/02/2026"). */
gboolean  stk_parse_date          (const char   *text,
                                   GDate        *out);
/* The same, reading the order from @d_fmt (a date format as nl_langinfo (D_FMT) gives
 * it, "%d/%m/%Y") instead of the locale's. */
gboolean  stk_parse_date_in_format (const char  *text,
                                    const char  *d_fmt,
                                    GDate       *out);
/* A day as stk_parse_date() reads it, then optionally a time: "14:30", "14:30:15", or
 * with the locale's AM/PM word or am/pm ("2:30 PM"). *out_us: that local time in
 * microseconds since the epoch (the day alone: its first moment). */
gboolean  stk_parse_local_datetime (const char  *text,
                                    gint64      *out_us);
/* A whole number typed by the user (group separators allowed). */
gboolean  stk_parse_count         (const char   *text,
                                   gint64       *out_value,
                                   GError      **error);

G_END_DECLS
