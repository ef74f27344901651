/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "stk-tax.h"

G_BEGIN_DECLS

/* The shop's payment methods and the close of the day (the cash-up).
 *
 * A payment method is a word of the shop's (a sale records it as text). "cash", "card"
 * and "other", the list an inventory starts with, are shown in the user's language
 * (stk_payment_method_label()); any other is shown as the shop wrote it. "cash" (any
 * case) is the drawer: the close compares the cash counted in it with what the cash
 * sales, voids and refunds say should be there.
 *
 * A close covers everything recorded since the close before it (the first close: since
 * the inventory began): the sales and returns recorded after it (by the order they were
 * recorded, so a sale entered with an earlier time still counts once, in the next
 * close), and the voids made after it (a sale closed yesterday and voided today is taken
 * off today). A return or a void counts under the payment of its sale. A close is one
 * op, exactly once; it is never changed nor removed: a mistake is corrected by the
 * next day's figures, never by reopening. Amounts are integer cents. */

#define STK_PAYMENT_METHODS_MAX 20
#define STK_PAYMENT_METHOD_MAX_CHARS 64

/* The list an inventory starts with, as stored. */
#define STK_PAYMENT_METHODS_DEFAULT "cash\ncard\nother"

/* @method as the user reads it: "Cash" for "cash" (translated), the shop's own word as
 * it is, "Not recorded" for "". */
const char *stk_payment_method_label  (const char          *method);

/* Whether @method is the cash drawer's ("cash", any case). */
gboolean    stk_payment_method_is_cash (const char         *method);

/* Whether @methods (NULL-terminated) can be the shop's list: 1 to
 * STK_PAYMENT_METHODS_MAX methods, each 1 to STK_PAYMENT_METHOD_MAX_CHARS characters
 * with no space at either end and no control character, no two alike ignoring case.
 * STK_ERROR_INVALID_DATA with one sentence when not. */
gboolean    stk_payment_methods_check (const char *const   *methods,
                                       GError             **error);

/* One payment method's figures in a close (or in the day not closed yet). */
typedef struct
{
  char   *method;          /* as the sales recorded it; "" = none recorded */
  gint64  sales;           /* sales recorded */
  gint64  sales_cents;     /* their totals */
  gint64  voids;           /* sales voided */
  gint64  voids_cents;     /* their totals, taken off */
  gint64  returns;         /* returns recorded */
  gint64  returns_cents;   /* refunded */
  gint64  net_cents;       /* sales − voids − refunds */
  gint64  sales_tax_cents;   /* the tax in sales_cents (format 9) */
  gint64  voids_tax_cents;   /* … in voids_cents */
  gint64  returns_tax_cents; /* … taken back by the returns */
  gint64  tax_cents;         /* the tax in net_cents */
} StkDayMethod;

typedef struct
{
  gint64      close_id;            /* 0: the day not closed yet (figures until now) */
  gint64      from_us;             /* the close before (0 for the first) */
  gint64      to_us;               /* the close's time (now, when not closed) */
  GPtrArray  *methods;             /* StkDayMethod*: the shop's list in its order (every
                                    * one, also at zero), then any other recorded */
  gint64      sales;               /* the sums over the methods */
  gint64      sales_cents;
  gint64      voids;
  gint64      voids_cents;
  gint64      returns;
  gint64      returns_cents;
  gint64      net_cents;
  gint64      tax_cents;           /* the tax in net_cents */
  GPtrArray  *taxes;               /* StkTaxPart* (stk-tax.h): net_cents by tax rate, the
                                    * biggest rate first, "no tax" last; empty before
                                    * format 9 */
  gint64      expected_cash_cents; /* the cash method's net */
  gboolean    counted;             /* a close has its counted cash; the open day not */
  gint64      counted_cash_cents;
  gint64      difference_cents;    /* counted − expected (negative: cash short) */
  char       *note;
} StkDayReport;

StkDayReport *stk_day_report_new   (void);
void          stk_day_report_free  (StkDayReport *report);
StkDayReport *stk_day_report_copy  (const StkDayReport *report);
/* Fills the totals (and net per method, expected cash, difference) from @report's
 * methods. */
void          stk_day_report_sum   (StkDayReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StkDayReport, stk_day_report_free)

/* One close in the list of closes (stk_store_list_day_closes()), newest first. */
typedef struct
{
  gint64 close_id;
  gint64 closed_at_us;
  gint64 sales;                /* sales recorded in it */
  gint64 net_cents;            /* sales − voids − refunds, every payment */
  gint64 expected_cash_cents;
  gint64 counted_cash_cents;
  gint64 difference_cents;     /* counted − expected */
} StkDayCloseSummary;

G_END_DECLS
