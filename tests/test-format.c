/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>
#include <glib.h>

#pragma GCC diagnostic ignored "-Wdeclaration-after-statement"

#include "stk-error.h"
#include "stk-format.h"
#include "stk-test-util.h"

/*
 * These tests really switch locales. A fresh Debian has only C/C.UTF-8/POSIX, so
 * stk_test_ensure_locale() compiles it_IT.UTF-8 and en_US.UTF-8 into the build tree
 * and points LOCPATH there: nothing system-wide is needed or changed. If that cannot be
 * done the tests fail, they are never skipped.
 */

static void
use_locale (const char *name)
{
  g_autoptr(GError) error = NULL;

  cr_assert (stk_test_ensure_locale (name, &error), "cannot make the locale %s: %s", name,
             error ? error->message : "");
  cr_assert_not_null (setlocale (LC_ALL, name),
                      "setlocale (LC_ALL, \"%s\") failed although LOCPATH=%s holds it", name,
                      g_getenv ("LOCPATH"));
}

static void
setup (void)
{
  g_setenv ("TZ", "UTC", TRUE);
  tzset ();
}

TestSuite (format, .init = setup, .timeout = 120);

#define assert_str(expr, expected) \
  do { \
    g_autofree char *s_ = (expr); \
    cr_assert_str_eq (s_, (expected), "%s gave \"%s\", expected \"%s\"", #expr, s_, (expected)); \
  } while (0)

static gint64
money_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 cents = -1;

  cr_assert (stk_parse_money (text, &cents, &error), "\"%s\" (%s) was refused: %s", text,
             setlocale (LC_ALL, NULL), error ? error->message : "");
  cr_assert_null (error);
  return cents;
}

static char *
money_error (const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 cents = 4242;

  cr_assert_not (stk_parse_money (text, &cents, &error), "\"%s\" (%s) was accepted as %"
                 G_GINT64_FORMAT, text, setlocale (LC_ALL, NULL), cents);
  cr_assert_eq (cents, 4242, "the output was touched on failure");
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  cr_assert (error->message[0] != '\0');
  return g_strdup (error->message);
}

static gint64
count_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 value = -1;

  cr_assert (stk_parse_count (text, &value, &error), "\"%s\" (%s) was refused: %s", text,
             setlocale (LC_ALL, NULL), error ? error->message : "");
  return value;
}

static char *
count_error (const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 value = 4242;

  cr_assert_not (stk_parse_count (text, &value, &error), "\"%s\" (%s) was accepted as %"
                 G_GINT64_FORMAT, text, setlocale (LC_ALL, NULL), value);
  cr_assert_eq (value, 4242);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  return g_strdup (error->message);
}

/* 2026-11-23 10:15:00 UTC, in microseconds. */
static gint64
sample_time (void)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2026, 11, 23, 10, 15, 0);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

Test (format, locales_really_switch)
{
  use_locale ("it_IT.UTF-8");
  cr_assert_str_eq (localeconv ()->decimal_point, ",");
  use_locale ("en_US.UTF-8");
  cr_assert_str_eq (localeconv ()->decimal_point, ".");
}

Test (format, count_it)
{
  use_locale ("it_IT.UTF-8");
  assert_str (stk_format_count (0), "0");
  assert_str (stk_format_count (999), "999");
  assert_str (stk_format_count (1000), "1.000");
  assert_str (stk_format_count (1234567), "1.234.567");
  assert_str (stk_format_count (-1234567), "-1.234.567");
}

Test (format, count_en)
{
  use_locale ("en_US.UTF-8");
  assert_str (stk_format_count (1234567), "1,234,567");
  assert_str (stk_format_count (100000), "100,000");
  assert_str (stk_format_count (G_MAXINT64), "9,223,372,036,854,775,807");
  assert_str (stk_format_count (G_MININT64), "-9,223,372,036,854,775,808");
}

Test (format, count_c_has_no_grouping)
{
  cr_assert_not_null (setlocale (LC_ALL, "C.UTF-8"));
  assert_str (stk_format_count (1234567), "1234567");
  assert_str (stk_format_money (123450), "1234.50");
}

Test (format, money_it)
{
  use_locale ("it_IT.UTF-8");
  assert_str (stk_format_money (123450), "1.234,50");
  assert_str (stk_format_money (5), "0,05");
  assert_str (stk_format_money (0), "0,00");
  assert_str (stk_format_money (-123456789), "-1.234.567,89");
}

Test (format, money_en)
{
  use_locale ("en_US.UTF-8");
  assert_str (stk_format_money (123450), "1,234.50");
  assert_str (stk_format_money (99), "0.99");
  assert_str (stk_format_money (-5), "-0.05");
  assert_str (stk_format_money (G_MAXINT64), "92,233,720,368,547,758.07");
  assert_str (stk_format_money (G_MININT64), "-92,233,720,368,547,758.08");
}

Test (format, dates_follow_locale_and_zone)
{
  gint64 t = sample_time ();

  use_locale ("it_IT.UTF-8");
  assert_str (stk_format_date (t), "23/11/2026");
  assert_str (stk_format_datetime (t), "23/11/2026 10:15:00");

  use_locale ("en_US.UTF-8");
  assert_str (stk_format_date (t), "11/23/2026");
  assert_str (stk_format_datetime (t), "11/23/2026 10:15:00 AM");

  /* Local time: an hour later in CET; 23:30 UTC is the next day there. */
  g_setenv ("TZ", "CET-1", TRUE);
  tzset ();
  use_locale ("it_IT.UTF-8");
  assert_str (stk_format_datetime (t), "23/11/2026 11:15:00");
  assert_str (stk_format_date (t + (gint64) 13 * 3600 * G_USEC_PER_SEC + 15 * 60 * G_USEC_PER_SEC),
              "24/11/2026");
}

/* Issue 16: a list's dates and times are short in every locale, four-digit years kept. */
Test (format, short_datetimes_for_lists)
{
  gint64 t = sample_time ();

  use_locale ("it_IT.UTF-8");
  assert_str (stk_format_datetime_short (t), "23/11/2026 10:15");
  use_locale ("en_US.UTF-8");
  assert_str (stk_format_datetime_short (t), "11/23/2026 10:15 AM");
  assert_str (stk_format_datetime_short (t + (gint64) 4 * 3600 * G_USEC_PER_SEC),
              "11/23/2026 02:15 PM");
  use_locale ("zh_CN.UTF-8");
  assert_str (stk_format_datetime_short (t), "2026年11月23日 10:15");
  cr_assert_not_null (setlocale (LC_ALL, "C.UTF-8"));
  assert_str (stk_format_datetime_short (t), "11/23/2026 10:15");
}

Test (format, dates_before_1970_round_down)
{
  use_locale ("en_US.UTF-8");
  /* 1969-12-31 23:59:59.5 UTC is still Dec 31. */
  assert_str (stk_format_datetime (-500000), "12/31/1969 11:59:59 PM");
}

Test (format, parse_money_it)
{
  use_locale ("it_IT.UTF-8");
  cr_assert_eq (money_ok ("1.234,5"), 123450);
  cr_assert_eq (money_ok ("1.234,50"), 123450);
  cr_assert_eq (money_ok ("1234,50"), 123450);
  cr_assert_eq (money_ok ("0,99"), 99);
  cr_assert_eq (money_ok ("3"), 300);
  cr_assert_eq (money_ok ("  12,5 "), 1250);
  cr_assert_eq (money_ok ("1.234"), 123400, "a group separator where groups belong");
  cr_assert_eq (money_ok ("1.234.567,89"), 123456789);
  /* The plain form too. */
  cr_assert_eq (money_ok ("1234.50"), 123450);
  cr_assert_eq (money_ok ("1.5"), 150, "not a valid group: the plain decimal point");
  cr_assert_eq (money_ok (",5"), 50);
  cr_assert_eq (money_ok ("+7"), 700);
  cr_assert_eq (money_ok ("\u00a012,00\u00a0"), 1200);
}

Test (format, parse_money_en)
{
  use_locale ("en_US.UTF-8");
  cr_assert_eq (money_ok ("1,234.50"), 123450);
  cr_assert_eq (money_ok ("1,234.5"), 123450);
  cr_assert_eq (money_ok ("1234.50"), 123450);
  cr_assert_eq (money_ok ("12,345,678"), 1234567800);
  cr_assert_eq (money_ok ("0.01"), 1);
}

Test (format, parse_money_is_exact)
{
  use_locale ("en_US.UTF-8");
  /* Values a double gets wrong. */
  cr_assert_eq (money_ok ("0.29"), 29);
  cr_assert_eq (money_ok ("1.15"), 115);
  cr_assert_eq (money_ok ("4.35"), 435);
  cr_assert_eq (money_ok ("90071992547409.93"), G_GINT64_CONSTANT (9007199254740993));
  cr_assert_eq (money_ok ("92233720368547758.07"), G_MAXINT64);
  cr_assert_eq (money_ok ("92,233,720,368,547,758.07"), G_MAXINT64);
}

Test (format, parse_money_errors)
{
  g_autofree char *neg = NULL;
  g_autofree char *dec = NULL;
  g_autofree char *big = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *bad_en = NULL;

  use_locale ("it_IT.UTF-8");
  neg = money_error ("-1,00");
  cr_assert (strstr (neg, "negative") != NULL, "%s", neg);
  g_free (money_error ("\u22121"));
  dec = money_error ("12,345");
  cr_assert (strstr (dec, "two decimals") != NULL, "%s", dec);
  g_free (money_error ("1.234,567"));
  big = money_error ("92233720368547758,08");
  cr_assert (strstr (big, "too large") != NULL, "%s", big);
  g_free (money_error ("999999999999999999999999"));
  empty = money_error ("   ");
  cr_assert (strstr (empty, "Enter") != NULL, "%s", empty);
  bad = money_error ("abc");
  /* The message shows the expected format in this locale. */
  cr_assert (strstr (bad, "1.234,50") != NULL, "%s", bad);
  g_free (money_error ("1.23.4"));
  g_free (money_error ("12,"));
  g_free (money_error ("1,2,3"));
  g_free (money_error ("12 €"));
  g_free (money_error ("1e3"));
  g_free (money_error (","));
  g_free (money_error ("1..5"));
  g_free (money_error ("12.34.56,00"));

  use_locale ("en_US.UTF-8");
  g_free (money_error ("1,5"));
  g_free (money_error ("1,2345.00"));
  g_free (money_error ("1.234,50"));
  g_free (money_error ("0x10"));
  bad_en = money_error ("price");
  cr_assert (strstr (bad_en, "1,234.50") != NULL, "%s", bad_en);
}

Test (format, money_round_trips)
{
  const char *const locales[] = { "it_IT.UTF-8", "en_US.UTF-8", "C.UTF-8" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  gsize l;
  int i;

  for (l = 0; l < G_N_ELEMENTS (locales); l++)
    {
      if (g_str_equal (locales[l], "C.UTF-8"))
        cr_assert_not_null (setlocale (LC_ALL, locales[l]));
      else
        use_locale (locales[l]);
      for (i = 0; i < 2000; i++)
        {
          gint64 cents = i < 1000 ? i : (gint64) (g_rand_double (rand) * 1e17);
          g_autofree char *text = stk_format_money (cents);

          cr_assert_eq (money_ok (text), cents, "%s: \"%s\"", locales[l], text);
        }
    }
}

Test (format, parse_count)
{
  g_autofree char *frac = NULL;
  g_autofree char *big = NULL;
  g_autofree char *bad = NULL;

  use_locale ("it_IT.UTF-8");
  cr_assert_eq (count_ok ("1.234.567"), 1234567);
  cr_assert_eq (count_ok ("1234567"), 1234567);
  cr_assert_eq (count_ok ("-12"), -12);
  cr_assert_eq (count_ok (" +3 "), 3);
  cr_assert_eq (count_ok ("0"), 0);
  cr_assert_eq (count_ok ("-9.223.372.036.854.775.808"), G_MININT64);
  cr_assert_eq (count_ok ("9223372036854775807"), G_MAXINT64);
  frac = count_error ("12,5");
  cr_assert (strstr (frac, "whole number") != NULL, "%s", frac);
  g_free (count_error ("12.5"));
  big = count_error ("9223372036854775808");
  cr_assert (strstr (big, "too large") != NULL, "%s", big);
  bad = count_error ("dodici");
  cr_assert (strstr (bad, "1.234") != NULL, "%s", bad);
  g_free (count_error (""));
  g_free (count_error ("-"));
  g_free (count_error ("1.23"));
  g_free (count_error ("--1"));

  use_locale ("en_US.UTF-8");
  cr_assert_eq (count_ok ("1,234"), 1234);
  cr_assert_eq (count_ok ("-1,000,000"), -1000000);
  g_free (count_error ("1,23"));
  g_free (count_error ("1.5"));
}

Test (format, count_round_trips)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  int i;

  use_locale ("it_IT.UTF-8");
  for (i = 0; i < 2000; i++)
    {
      gint64 v = (gint64) g_rand_int (rand) * (g_rand_boolean (rand) ? 1 : -1) * (i % 1000);
      g_autofree char *text = stk_format_count (v);

      cr_assert_eq (count_ok (text), v, "\"%s\"", text);
    }
}

/* ---- currency and four-digit years (issue 16) ---- */

Test (format, currency_follows_the_locale)
{
  use_locale ("it_IT.UTF-8");
  assert_str (stk_format_currency (123450), "€\u00a01.234,50");
  assert_str (stk_format_currency (-5), "-€\u00a00,05");
  use_locale ("en_US.UTF-8");
  assert_str (stk_format_currency (123450), "$1,234.50");
  assert_str (stk_format_currency (-123450), "-$1,234.50");
  assert_str (stk_format_currency (G_MININT64), "-$92,233,720,368,547,758.08");
  use_locale ("de_DE.UTF-8");
  assert_str (stk_format_currency (123450), "1.234,50\u00a0€");
  assert_str (stk_format_currency (-123450), "-1.234,50\u00a0€");
  /* No currency in C: the plain amount, as the CSV and the tests read it. */
  cr_assert_not_null (setlocale (LC_ALL, "C.UTF-8"));
  assert_str (stk_format_currency (123450), "1234.50");
}

Test (format, currency_symbol_can_be_overridden)
{
  use_locale ("it_IT.UTF-8");
  stk_format_set_currency_symbol ("CHF");
  assert_str (stk_format_get_currency_symbol (), "CHF");
  assert_str (stk_format_currency (123450), "CHF\u00a01.234,50");
  stk_format_set_currency_symbol ("");
  assert_str (stk_format_currency (123450), "1.234,50");
  use_locale ("en_US.UTF-8");
  stk_format_set_currency_symbol ("  £ ");
  assert_str (stk_format_currency (250), "£2.50");
  stk_format_set_currency_symbol (NULL);
  assert_str (stk_format_get_currency_symbol (), "$");
  assert_str (stk_format_currency (250), "$2.50");
}

Test (format, years_have_four_digits_in_every_locale)
{
  gint64 t = sample_time ();

  /* C and en_GB write the year with two digits ("%y"). */
  cr_assert_not_null (setlocale (LC_ALL, "C.UTF-8"));
  assert_str (stk_format_date (t), "11/23/2026");
  use_locale ("en_GB.UTF-8");
  assert_str (stk_format_date (t), "23/11/2026");
  assert_str (stk_format_datetime (t), "23/11/2026 10:15:00");
  use_locale ("zh_CN.UTF-8");
  {
    g_autofree char *date = stk_format_date (t);

    cr_assert (strstr (date, "2026") != NULL, "%s", date);
  }
}

/* ---- dates typed by the user (issue 16: not ISO only) ---- */

static void
assert_day (const char *text,
            guint       day,
            guint       month,
            guint       year)
{
  GDate date;

  cr_assert (stk_parse_date (text, &date), "“%s” is not read as a date in %s", text,
             setlocale (LC_ALL, NULL));
  cr_assert (g_date_get_day (&date) == day && g_date_get_month (&date) == month &&
             g_date_get_year (&date) == year,
             "“%s” in %s read as %u-%02u-%02u, not %u-%02u-%02u", text, setlocale (LC_ALL, NULL),
             g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date),
             year, month, day);
}

static void
assert_not_day (const char *text)
{
  GDate date;

  cr_assert_not (stk_parse_date (text, &date), "“%s” read as a date in %s", text,
                 setlocale (LC_ALL, NULL));
}

Test (format, dates_typed_the_locales_way)
{
  use_locale ("it_IT.UTF-8");
  assert_day ("06/12/2026", 6, 12, 2026);
  assert_day (" 6/12/26 ", 6, 12, 2026);
  assert_day ("6-12-2026", 6, 12, 2026);
  assert_day ("2026-12-06", 6, 12, 2026);   /* ISO in every locale */
  assert_day ("29/02/2028", 29, 2, 2028);
  assert_not_day ("30/02/2026");
  assert_not_day ("12/13/2026");
  assert_not_day ("06/12");
  assert_not_day ("06/12/2026/1");
  assert_not_day ("06/12/202");
  assert_not_day ("06/12/20266");
  assert_not_day ("06122026");
  assert_not_day ("06/dic/2026");
  assert_not_day ("06/12/2026 x");
  assert_not_day ("");
  assert_not_day ("oggi");

  use_locale ("en_US.UTF-8");
  assert_day ("12/06/2026", 6, 12, 2026);
  assert_day ("2026-12-06", 6, 12, 2026);
  assert_not_day ("13/06/2026");

  use_locale ("en_GB.UTF-8");
  assert_day ("06/12/2026", 6, 12, 2026);

  use_locale ("zh_CN.UTF-8");
  assert_day ("2026年12月06日", 6, 12, 2026);
  assert_day ("2026-12-06", 6, 12, 2026);

  cr_assert_not_null (setlocale (LC_ALL, "C.UTF-8"));
  assert_day ("12/06/26", 6, 12, 2026);
}

Test (format, dates_in_a_given_format)
{
  GDate date;

  cr_assert (stk_parse_date_in_format ("06.12.2026.", "%d.%m.%Y.", &date));
  cr_assert_eq (g_date_get_month (&date), 12);
  cr_assert_eq (g_date_get_day (&date), 6);
  cr_assert (stk_parse_date_in_format ("6. 12. 2026", "%e. %m. %Y", &date));
  cr_assert_eq (g_date_get_day (&date), 6);
  cr_assert (stk_parse_date_in_format ("12/06/26", "%D", &date));
  cr_assert_eq (g_date_get_month (&date), 12);
  /* A format without the three: ISO only. */
  cr_assert_not (stk_parse_date_in_format ("06/12/2026", "%x", &date));
  cr_assert (stk_parse_date_in_format ("2026/12/06", "%x", &date));
  cr_assert_eq (g_date_get_day (&date), 6);
}

/* What a list shows can be typed back: every locale's dates and short date-times. */
Test (format, shown_dates_read_back)
{
  static const char *const locales[] = {
    "it_IT.UTF-8", "en_US.UTF-8", "en_GB.UTF-8", "zh_CN.UTF-8", "de_DE.UTF-8",
  };
  gint64 t = sample_time ();
  gint64 minute = t - t % (60 * G_USEC_PER_SEC);

  for (guint i = 0; i < G_N_ELEMENTS (locales); i++)
    {
      for (guint h = 0; h < 24; h += 7)
        {
          gint64 when = minute + (gint64) h * 3600 * G_USEC_PER_SEC;
          g_autofree char *date = NULL;
          g_autofree char *short_time = NULL;
          gint64 read = -1;

          use_locale (locales[i]);
          date = stk_format_date (when);
          short_time = stk_format_datetime_short (when);
          cr_assert (stk_parse_local_datetime (date, &read), "%s: “%s”", locales[i], date);
          cr_assert_eq (read, when - when % ((gint64) 86400 * G_USEC_PER_SEC),
                        "%s: “%s” read as %" G_GINT64_FORMAT, locales[i], date, read);
          cr_assert (stk_parse_local_datetime (short_time, &read), "%s: “%s”", locales[i],
                     short_time);
          cr_assert_eq (read, when, "%s: “%s” read as %" G_GINT64_FORMAT " not %" G_GINT64_FORMAT,
                        locales[i], short_time, read, when);
        }
    }
}

Test (format, date_and_time_typed)
{
  gint64 day = sample_time () - sample_time () % ((gint64) 86400 * G_USEC_PER_SEC);
  gint64 us = -1;

  use_locale ("it_IT.UTF-8");
  cr_assert (stk_parse_local_datetime ("23/11/2026 14:30", &us));
  cr_assert_eq (us, day + (gint64) (14 * 60 + 30) * 60 * G_USEC_PER_SEC);
  cr_assert (stk_parse_local_datetime ("2026-11-23 9:05:07", &us));
  cr_assert_eq (us, day + (gint64) ((9 * 60 + 5) * 60 + 7) * G_USEC_PER_SEC);
  cr_assert (stk_parse_local_datetime ("23/11/2026", &us));
  cr_assert_eq (us, day);
  cr_assert_not (stk_parse_local_datetime ("23/11/2026 24:00", &us));
  cr_assert_not (stk_parse_local_datetime ("23/11/2026 14:60", &us));
  cr_assert_not (stk_parse_local_datetime ("23/11/2026 14:3", &us));
  cr_assert_not (stk_parse_local_datetime ("23/11/2026 14", &us));
  cr_assert_not (stk_parse_local_datetime ("23/11/2026 14:30 dopo", &us));
  cr_assert_not (stk_parse_local_datetime ("23/11/2026T14:30", &us));

  use_locale ("en_US.UTF-8");
  cr_assert (stk_parse_local_datetime ("11/23/2026 02:30 PM", &us));
  cr_assert_eq (us, day + (gint64) (14 * 60 + 30) * 60 * G_USEC_PER_SEC);
  cr_assert (stk_parse_local_datetime ("11/23/2026 12:05 am", &us));
  cr_assert_eq (us, day + (gint64) 5 * 60 * G_USEC_PER_SEC);
  cr_assert (stk_parse_local_datetime ("11/23/2026 12:05 PM", &us));
  cr_assert_eq (us, day + (gint64) (12 * 60 + 5) * 60 * G_USEC_PER_SEC);
  cr_assert_not (stk_parse_local_datetime ("11/23/2026 13:30 PM", &us));
  cr_assert_not (stk_parse_local_datetime ("11/23/2026 0:30 AM", &us));

  /* Local time: 00:00 in CET is 23:00 UTC the day before. */
  g_setenv ("TZ", "CET-1", TRUE);
  tzset ();
  use_locale ("it_IT.UTF-8");
  cr_assert (stk_parse_local_datetime ("23/11/2026", &us));
  cr_assert_eq (us, day - (gint64) 3600 * G_USEC_PER_SEC);
}

Test (format, date_patterns_for_placeholders)
{
  use_locale ("it_IT.UTF-8");
  assert_str (stk_format_date_pattern (), "DD/MM/YYYY");
  use_locale ("en_US.UTF-8");
  assert_str (stk_format_date_pattern (), "MM/DD/YYYY");
  use_locale ("zh_CN.UTF-8");
  assert_str (stk_format_date_pattern (), "YYYY年MM月DD日");
  cr_assert_not_null (setlocale (LC_ALL, "C.UTF-8"));
  assert_str (stk_format_date_pattern (), "MM/DD/YYYY");
}
