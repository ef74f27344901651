/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The close of the day (format 8, issue 21): the figures by payment method since the
 * last close, the counted cash against the cash expected, one op exactly once, never
 * changed; the shop's payment methods; the command line's close-day and report day. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <string.h>

#include "stk-day.h"
#include "stk-error.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-schema.h"
#include "stk-store.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static StkWriter *writer;
static StkStore *store;

static void
setup (void)
{
  stk_test_fixture_setup ();
  writer = stk_test_open_writer (db_path);
  store = stk_test_open_store (db_path);
}

static void
teardown (void)
{
  g_clear_object (&store);
  if (writer != NULL)
    stk_test_close_writer (g_steal_pointer (&writer));
  stk_test_fixture_teardown ();
}

TestSuite (day_close, .init = setup, .fini = teardown);

static void
submit_ok (StkOp *op)
{
  g_autoptr(GError) error = NULL;

  cr_assert (stk_writer_submit_sync (writer, op, &error), "%s: %s", stk_op_get_description (op),
             error ? error->message : "");
}

static gint64
count (const char *sql)
{
  return stk_test_query (db_path, sql);
}

static void
item (const char *code,
      gint64      price_cents)
{
  g_autoptr(StkOp) op = stk_op_create_item (code, "thing", price_cents, 0);
  g_autoptr(StkOp) in = stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, 1000, "in", 0);

  submit_ok (op);
  submit_ok (in);
}

/* Sells @quantity of @code at its price, paid by @payment; returns the sale's id. */
static gint64
sell_at (const char *code,
         gint64      quantity,
         const char *payment,
         gint64      at_us)
{
  StkSaleLineSpec line = { .code = code, .quantity = quantity, .unit_price_cents = -1 };
  g_autoptr(StkOp) op = stk_op_sell (&line, 1, payment, NULL, at_us);

  submit_ok (op);
  return stk_op_get_row_id (op);
}

static gint64
sell (const char *code,
      gint64      quantity,
      const char *payment)
{
  return sell_at (code, quantity, payment, 0);
}

static void
give_back (gint64 line_id,
           gint64 quantity,
           gint64 refund_cents)
{
  g_autoptr(StkOp) op = stk_op_return_sale_line (line_id, quantity, refund_cents, "back", 0);

  submit_ok (op);
}

static void
void_sale (gint64 sale_id)
{
  g_autoptr(StkOp) op = stk_op_void_sale (sale_id);

  submit_ok (op);
}

static gint64
close_day (gint64      counted_cents,
           const char *note)
{
  g_autoptr(StkOp) op = stk_op_close_day (counted_cents, note);

  submit_ok (op);
  cr_assert_gt (stk_op_get_row_id (op), 0);
  return stk_op_get_row_id (op);
}

static StkDayReport *
report_of (gint64 close_id)
{
  g_autoptr(GError) error = NULL;
  StkDayReport *report = stk_store_get_day_report (store, close_id, &error);

  cr_assert_not_null (report, "%s", error ? error->message : "");
  return report;
}

static const StkDayMethod *
method_of (const StkDayReport *report,
           const char         *method)
{
  for (guint i = 0; i < report->methods->len; i++)
    {
      const StkDayMethod *m = g_ptr_array_index (report->methods, i);

      if (g_str_equal (m->method, method))
        return m;
    }
  cr_assert_fail ("no method “%s” in the report", method);
  return NULL;
}

static void
assert_method (const StkDayReport *report,
               const char         *method,
               gint64              sales,
               gint64              sales_cents,
               gint64              voids,
               gint64              voids_cents,
               gint64              returns,
               gint64              returns_cents)
{
  const StkDayMethod *m = method_of (report, method);

  cr_assert_eq (m->sales, sales, "%s: %" G_GINT64_FORMAT " sales", method, m->sales);
  cr_assert_eq (m->sales_cents, sales_cents, "%s: %" G_GINT64_FORMAT " sales cents", method,
                m->sales_cents);
  cr_assert_eq (m->voids, voids, "%s: %" G_GINT64_FORMAT " voids", method, m->voids);
  cr_assert_eq (m->voids_cents, voids_cents, "%s: voids cents", method);
  cr_assert_eq (m->returns, returns, "%s: %" G_GINT64_FORMAT " returns", method, m->returns);
  cr_assert_eq (m->returns_cents, returns_cents, "%s: returns cents", method);
  cr_assert_eq (m->net_cents, sales_cents - voids_cents - returns_cents, "%s: net", method);
}

Test (day_close, the_open_day_adds_up_by_payment_and_the_cash_expected)
{
  g_autoptr(StkDayReport) report = NULL;
  gint64 a, b;

  item ("MUG", 800);
  item ("TEA", 420);
  a = sell ("MUG", 2, "cash");          /* 16.00 */
  sell ("TEA", 1, "cash");              /*  4.20 */
  b = sell ("MUG", 1, "card");          /*  8.00 */
  sell ("TEA", 3, NULL);                /* 12.60, no payment recorded */
  sell ("TEA", 1, "Voucher");           /*  4.20, the shop's own word */
  give_back (a, 1, 800);                /* cash refund 8.00 */
  void_sale (b);                        /* card sale voided */

  report = report_of (0);
  cr_assert_eq (report->close_id, 0);
  cr_assert_eq (report->from_us, 0, "never closed: from the beginning");
  cr_assert_not (report->counted);
  /* The shop's list first, in its order, every one also at zero; then the others by
   * name, "" (not recorded) last. */
  cr_assert_eq (report->methods->len, 5);
  cr_assert_str_eq (((StkDayMethod *) g_ptr_array_index (report->methods, 0))->method, "cash");
  cr_assert_str_eq (((StkDayMethod *) g_ptr_array_index (report->methods, 1))->method, "card");
  cr_assert_str_eq (((StkDayMethod *) g_ptr_array_index (report->methods, 2))->method, "other");
  cr_assert_str_eq (((StkDayMethod *) g_ptr_array_index (report->methods, 3))->method, "Voucher");
  cr_assert_str_eq (((StkDayMethod *) g_ptr_array_index (report->methods, 4))->method, "");
  assert_method (report, "cash", 2, 2020, 0, 0, 1, 800);
  assert_method (report, "card", 1, 800, 1, 800, 0, 0);
  assert_method (report, "other", 0, 0, 0, 0, 0, 0);
  assert_method (report, "Voucher", 1, 420, 0, 0, 0, 0);
  assert_method (report, "", 1, 1260, 0, 0, 0, 0);
  cr_assert_eq (report->sales, 5);
  cr_assert_eq (report->sales_cents, 2020 + 800 + 420 + 1260);
  cr_assert_eq (report->net_cents, 2020 - 800 + 420 + 1260);
  cr_assert_eq (report->expected_cash_cents, 2020 - 800);

  /* A copy is a whole report of its own. */
  {
    g_autoptr(StkDayReport) copy = stk_day_report_copy (report);

    cr_assert_neq (copy->methods, report->methods);
    cr_assert_eq (copy->methods->len, report->methods->len);
    cr_assert_neq (((StkDayMethod *) g_ptr_array_index (copy->methods, 3))->method,
                   ((StkDayMethod *) g_ptr_array_index (report->methods, 3))->method);
    assert_method (copy, "Voucher", 1, 420, 0, 0, 0, 0);
    cr_assert_eq (copy->net_cents, report->net_cents);
    cr_assert_str_eq (copy->note, report->note);
  }
}

Test (day_close, a_multi_line_sale_with_a_discount_counts_once_at_its_total)
{
  g_autoptr(StkDayReport) report = NULL;
  StkSaleLineSpec lines[2] = {
    { .code = "MUG", .quantity = 2, .unit_price_cents = -1, .discount_cents = 100 },
    { .code = "TEA", .quantity = 1, .unit_price_cents = 500 },
  };
  g_autoptr(StkOp) op = NULL;

  item ("MUG", 800);
  item ("TEA", 420);
  op = stk_op_sell (lines, 2, "card", NULL, 0);
  submit_ok (op);
  report = report_of (0);
  assert_method (report, "card", 1, 1600 - 100 + 500, 0, 0, 0, 0);
}

Test (day_close, a_close_records_the_count_and_the_next_day_starts_after_it)
{
  g_autoptr(StkDayReport) first = NULL;
  g_autoptr(StkDayReport) open = NULL;
  g_autoptr(StkDayReport) second = NULL;
  gint64 c1, c2, early;

  item ("MUG", 800);
  sell ("MUG", 1, "cash");
  sell ("MUG", 1, "card");
  c1 = close_day (750, "50 cents short");
  first = report_of (c1);
  cr_assert_eq (first->close_id, c1);
  cr_assert (first->counted);
  cr_assert_eq (first->expected_cash_cents, 800);
  cr_assert_eq (first->counted_cash_cents, 750);
  cr_assert_eq (first->difference_cents, -50);
  cr_assert_str_eq (first->note, "50 cents short");
  assert_method (first, "cash", 1, 800, 0, 0, 0, 0);
  assert_method (first, "card", 1, 800, 0, 0, 0, 0);

  /* Nothing since: the open day is empty, from the close's time. */
  open = report_of (0);
  cr_assert_eq (open->from_us, first->to_us);
  cr_assert_eq (open->sales, 0);
  cr_assert_eq (open->expected_cash_cents, 0);

  /* A sale entered with a time before the close still counts once: in the next close. */
  early = sell_at ("MUG", 2, "cash", first->to_us - G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC);
  cr_assert_gt (early, 0);
  c2 = close_day (1600, NULL);
  cr_assert_gt (c2, c1);
  second = report_of (c2);
  cr_assert_eq (second->from_us, first->to_us);
  assert_method (second, "cash", 1, 1600, 0, 0, 0, 0);
  assert_method (second, "card", 0, 0, 0, 0, 0, 0);
  cr_assert_eq (second->difference_cents, 0);
  /* The first close did not change. */
  {
    g_autoptr(StkDayReport) again = report_of (c1);

    assert_method (again, "cash", 1, 800, 0, 0, 0, 0);
    cr_assert_eq (again->counted_cash_cents, 750);
  }
}

Test (day_close, a_void_or_return_after_the_close_is_taken_off_the_next_day)
{
  g_autoptr(StkDayReport) second = NULL;
  gint64 a, b;

  item ("MUG", 800);
  a = sell ("MUG", 1, "cash");
  b = sell ("MUG", 2, "card");
  close_day (800, NULL);
  void_sale (a);
  give_back (b, 1, 800);
  close_day (0, NULL);
  second = report_of (2);
  assert_method (second, "cash", 0, 0, 1, 800, 0, 0);
  assert_method (second, "card", 0, 0, 0, 0, 1, 800);
  cr_assert_eq (second->expected_cash_cents, -800, "the cash voided left the drawer");
  cr_assert_eq (second->difference_cents, 800);
  /* Taken off once: the next day has none of them. */
  close_day (0, NULL);
  {
    g_autoptr(StkDayReport) third = report_of (3);

    cr_assert_eq (third->voids, 0);
    cr_assert_eq (third->returns, 0);
    cr_assert_eq (third->sales, 0);
  }
}

Test (day_close, the_closes_are_listed_newest_first_with_their_figures)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) none = stk_store_list_day_closes (store, 10, &error);
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) two = NULL;
  const StkDayCloseSummary *c;
  gint64 a;

  cr_assert_not_null (none, "%s", error ? error->message : "");
  cr_assert_eq (none->len, 0);

  item ("MUG", 800);
  sell ("MUG", 1, "cash");
  sell ("MUG", 1, "card");
  close_day (700, NULL);
  a = sell ("MUG", 2, "cash");
  give_back (a, 1, 800);
  close_day (800, NULL);
  close_day (0, NULL);

  all = stk_store_list_day_closes (store, 10, &error);
  cr_assert_not_null (all, "%s", error ? error->message : "");
  cr_assert_eq (all->len, 3);
  c = &g_array_index (all, StkDayCloseSummary, 0);
  cr_assert_eq (c->close_id, 3);
  cr_assert_eq (c->sales, 0);
  cr_assert_eq (c->net_cents, 0);
  c = &g_array_index (all, StkDayCloseSummary, 1);
  cr_assert_eq (c->close_id, 2);
  cr_assert_eq (c->sales, 1);
  cr_assert_eq (c->net_cents, 1600 - 800);
  cr_assert_eq (c->expected_cash_cents, 800);
  cr_assert_eq (c->difference_cents, 0);
  c = &g_array_index (all, StkDayCloseSummary, 2);
  cr_assert_eq (c->close_id, 1);
  cr_assert_eq (c->sales, 2);
  cr_assert_eq (c->net_cents, 1600);
  cr_assert_eq (c->counted_cash_cents, 700);
  cr_assert_eq (c->difference_cents, -100);
  cr_assert_geq (g_array_index (all, StkDayCloseSummary, 0).closed_at_us, c->closed_at_us);

  two = stk_store_list_day_closes (store, 2, &error);
  cr_assert_not_null (two, "%s", error ? error->message : "");
  cr_assert_eq (two->len, 2);
  cr_assert_eq (g_array_index (two, StkDayCloseSummary, 1).close_id, 2);
}

Test (day_close, the_same_close_sent_twice_is_recorded_once)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) op = stk_op_close_day (100, NULL);
  g_autoptr(StkOp) again = stk_op_close_day (100, NULL);

  item ("MUG", 800);
  sell ("MUG", 1, "cash");
  submit_ok (op);
  stk_op_set_id (again, stk_op_get_id (op));
  cr_assert (stk_writer_submit_sync (writer, again, &error), "%s", error ? error->message : "");
  cr_assert (stk_op_get_duplicate (again));
  cr_assert_eq (count ("SELECT count (*) FROM day_closes"), 1);
}

Test (day_close, a_closed_day_cannot_be_changed_reopened_or_moved_back)
{
  sqlite3 *db = NULL;

  item ("MUG", 800);
  sell ("MUG", 1, "cash");
  close_day (800, NULL);
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, "UPDATE day_closes SET counted_cash_cents = 900", NULL, NULL,
                              NULL), SQLITE_CONSTRAINT);
  cr_assert_eq (sqlite3_exec (db, "DELETE FROM day_closes", NULL, NULL, NULL), SQLITE_CONSTRAINT);
  cr_assert_eq (sqlite3_exec (db, "UPDATE day_close_methods SET sales_cents = 1", NULL, NULL,
                              NULL), SQLITE_CONSTRAINT);
  cr_assert_eq (sqlite3_exec (db, "DELETE FROM day_close_methods", NULL, NULL, NULL),
                SQLITE_CONSTRAINT);
  /* A close before the last one, or covering less than it did. */
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO day_closes (uid, closed_at, last_sale_id, last_return_id,"
                              " counted_cash_cents, expected_cash_cents) VALUES ('x', 0, 1, 0, 0, 0)",
                              NULL, NULL, NULL), SQLITE_CONSTRAINT);
  cr_assert (strstr (sqlite3_errmsg (db), "before the close before it") != NULL, "%s",
             sqlite3_errmsg (db));
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO day_closes (uid, closed_at, last_sale_id, last_return_id,"
                              " counted_cash_cents, expected_cash_cents)"
                              " VALUES ('y', 9000000000000000, 0, 0, 0, 0)",
                              NULL, NULL, NULL), SQLITE_CONSTRAINT);
  cr_assert (strstr (sqlite3_errmsg (db), "covered") != NULL, "%s", sqlite3_errmsg (db));
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO day_closes (uid, closed_at, last_sale_id, last_return_id,"
                              " counted_cash_cents, expected_cash_cents)"
                              " VALUES ('z', 9000000000000000, 99, 0, 0, 0)",
                              NULL, NULL, NULL), SQLITE_CONSTRAINT);
  cr_assert (strstr (sqlite3_errmsg (db), "only what was recorded") != NULL, "%s",
             sqlite3_errmsg (db));
  /* Figures belong to the newest close only (written with it). */
  cr_assert_eq (sqlite3_exec (db,
                              "INSERT INTO day_close_methods (close_id, payment, position, sales,"
                              " sales_cents, voids, voids_cents, returns, returns_cents)"
                              " VALUES (7, 'cash', 9, 0, 0, 0, 0, 0, 0)",
                              NULL, NULL, NULL), SQLITE_CONSTRAINT);
  sqlite3_close (db);
  cr_assert_eq (count ("SELECT count (*) FROM day_closes"), 1);
}

Test (day_close, verify_recomputes_every_close)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) clean = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GString) all = g_string_new (NULL);
  sqlite3 *db = NULL;

  item ("MUG", 800);
  sell ("MUG", 1, "cash");
  close_day (800, NULL);
  sell ("MUG", 1, "card");
  close_day (0, NULL);
  clean = stk_store_verify (store, &error);
  cr_assert_not_null (clean, "%s", error ? error->message : "");
  cr_assert_eq (clean->len, 0, "%s", clean->len ? (char *) g_ptr_array_index (clean, 0) : "");

  /* Tampered with, past the triggers: both the figures and the cash expected. */
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db,
                              "DROP TRIGGER day_close_methods_no_update;"
                              "DROP TRIGGER day_closes_no_update;"
                              "UPDATE day_close_methods SET sales_cents = 700"
                              " WHERE close_id = 1 AND payment = 'cash';"
                              "UPDATE day_closes SET expected_cash_cents = 5 WHERE id = 2;",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems, "%s", error ? error->message : "");
  for (guint i = 0; i < problems->len; i++)
    g_string_append_printf (all, "%s\n", (char *) g_ptr_array_index (problems, i));
  cr_assert (strstr (all->str, "Close 1 recorded a net of 700 cents for “cash”") != NULL, "%s",
             all->str);
  cr_assert (strstr (all->str, "Close 2 expected 5 cents of cash, but its cash figures add up "
                               "to 0") != NULL, "%s", all->str);
}

Test (day_close, payment_methods_are_checked_and_kept_in_order)
{
  g_autoptr(GError) error = NULL;
  StkShopSettings settings = { 0 };
  const char *const good[] = { "Cash", "card", "Buono pasto", "礼品卡", NULL };
  const char *const twice[] = { "cash", "CASH", NULL };
  const char *const empty[] = { "cash", "", NULL };
  const char *const spaced[] = { " cash", NULL };
  const char *const control[] = { "ca\tsh", NULL };
  const char *const none[] = { NULL };
  g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(StkOp) op = NULL;

  cr_assert (stk_store_get_shop_settings (store, &settings, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (g_strv_length (settings.payment_methods), 3);
  cr_assert_str_eq (settings.payment_methods[0], "cash");
  stk_shop_settings_clear (&settings);
  cr_assert_str_eq (stk_payment_method_label ("cash"), "Cash");
  cr_assert_str_eq (stk_payment_method_label ("Buono pasto"), "Buono pasto");

  cr_assert (stk_payment_methods_check (good, NULL));
  cr_assert_not (stk_payment_methods_check (twice, &error));
  cr_assert (strstr (error->message, "twice") != NULL, "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (stk_payment_methods_check (empty, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  g_clear_error (&error);
  cr_assert_not (stk_payment_methods_check (spaced, NULL));
  cr_assert_not (stk_payment_methods_check (control, NULL));
  cr_assert_not (stk_payment_methods_check (none, NULL));
  for (guint i = 0; i <= STK_PAYMENT_METHODS_MAX; i++)
    g_ptr_array_add (many, g_strdup_printf ("m%u", i));
  g_ptr_array_add (many, NULL);
  cr_assert_not (stk_payment_methods_check ((const char *const *) many->pdata, NULL));

  op = stk_op_set_payment_methods (good);
  submit_ok (op);
  cr_assert (stk_store_get_shop_settings (store, &settings, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (g_strv_length (settings.payment_methods), 4);
  for (guint i = 0; good[i] != NULL; i++)
    cr_assert_str_eq (settings.payment_methods[i], good[i]);
  stk_shop_settings_clear (&settings);

  /* The open day follows the new list: "Cash" is the drawer, whatever its case. */
  item ("MUG", 800);
  sell ("MUG", 1, "Cash");
  {
    g_autoptr(StkDayReport) report = report_of (0);

    cr_assert_eq (report->methods->len, 4);
    cr_assert_str_eq (((StkDayMethod *) g_ptr_array_index (report->methods, 2))->method,
                      "Buono pasto");
    cr_assert_eq (report->expected_cash_cents, 800);
  }
}

Test (day_close, an_older_inventory_gets_the_default_methods_and_no_closes)
{
  sqlite3 *db = NULL;
  g_autoptr(StkDayReport) report = NULL;

  item ("MUG", 800);
  sell ("MUG", 1, "cash");
  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, STK_TEST_DOWNGRADE_TO_9_SQL, NULL, NULL, NULL), SQLITE_OK, "%s",
                sqlite3_errmsg (db));
  cr_assert_eq (sqlite3_exec (db,
                              STK_TEST_DOWNGRADE_TO_8_SQL
                              "DROP TABLE day_close_methods; DROP TABLE day_closes;"
                              "DELETE FROM settings WHERE key = 'payment_methods';"
                              "PRAGMA user_version = 7;",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  /* Read before the upgrade: the open day from the beginning. */
  store = stk_test_open_store (db_path);
  report = report_of (0);
  assert_method (report, "cash", 1, 800, 0, 0, 0, 0);
  g_clear_pointer (&report, stk_day_report_free);

  writer = stk_test_open_writer (db_path);
  cr_assert_eq (count ("PRAGMA user_version"), STK_SCHEMA_VERSION);
  cr_assert_eq (count ("SELECT count (*) FROM settings WHERE key = 'payment_methods'"
                       " AND value = 'cash' || char (10) || 'card' || char (10) || 'other'"), 1);
  close_day (800, NULL);
  report = report_of (1);
  assert_method (report, "cash", 1, 800, 0, 0, 0, 0);
  cr_assert_eq (report->difference_cents, 0);
}

typedef struct
{
  StkOp *op;
  char  *problem;
} Closer;

/* A program of its own: its connection and its writer thread. */
static gpointer
closer_thread (gpointer data)
{
  Closer *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) w = stk_writer_new (db_path, &error);

  if (w == NULL)
    c->problem = g_strdup (error->message);
  else if (!stk_writer_submit_sync (w, c->op, &error) ||
           !stk_writer_close (w, 10000, &error))
    c->problem = g_strdup (error->message);
  return NULL;
}

Test (day_close, two_closes_at_once_count_every_sale_exactly_once)
{
  Closer closers[2] = { { 0 } };
  GThread *threads[2];
  gint64 total = 0;

  item ("MUG", 100);
  for (guint i = 0; i < 20; i++)
    sell ("MUG", 1, i % 2 ? "cash" : "card");
  /* Two writers on one file, as two programs would be. */
  for (guint i = 0; i < 2; i++)
    {
      closers[i].op = stk_op_close_day (0, NULL);
      threads[i] = g_thread_new ("closer", closer_thread, &closers[i]);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_thread_join (threads[i]);
      cr_assert_null (closers[i].problem, "%s", closers[i].problem);
      stk_op_unref (closers[i].op);
    }
  cr_assert_eq (count ("SELECT count (*) FROM day_closes"), 2);
  for (gint64 id = 1; id <= 2; id++)
    {
      g_autoptr(StkDayReport) report = report_of (id);

      total += report->sales;
    }
  cr_assert_eq (total, 20, "every sale in exactly one close");
}

/* ---- the command line ---- */

Test (day_close, close_day_and_report_day_on_the_command_line)
{
  g_auto(StkTestRun) run = { 0 };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

  item ("MUG", 800);
  sell ("MUG", 2, "cash");
  sell ("MUG", 1, "card");
  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));

  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "day", NULL), 0, "%s", run.err);
  cr_assert (strstr (run.out, "not closed yet") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "Cash expected in the drawer: 16.00") != NULL, "%s", run.out);

  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "closes", NULL), 0, "%s", run.err);
  cr_assert_str_eq (run.out, "No day has been closed yet.\n");

  /* Bad input closes nothing. */
  cr_assert_eq (stk_test_run_db (&run, db_path, "close-day", "--counted-cash", "-5", NULL), 65);
  cr_assert (strstr (run.err, "cannot be negative") != NULL, "%s", run.err);
  cr_assert_eq (stk_test_run_db (&run, db_path, "close-day", "--counted-cash", "ten", NULL), 65);
  cr_assert_eq (stk_test_run_db (&run, db_path, "close-day", NULL), 2);
  cr_assert_eq (stk_test_query (db_path, "SELECT count (*) FROM day_closes"), 0);

  cr_assert_eq (stk_test_run_db (&run, db_path, "close-day", "--counted-cash", "15.50",
                                 "--note", "a coin short", NULL), 0, "%s", run.err);
  cr_assert (strstr (run.out, "Close 1, made") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "Difference: 0.50 short") != NULL, "%s", run.out);
  cr_assert_eq (stk_test_query (db_path, "SELECT counted_cash_cents FROM day_closes"), 1550);

  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "day", "--date", today, "--json", NULL),
                0, "%s", run.err);
  cr_assert (strstr (run.out, "\"close\": 1,") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "\"expected_cash_cents\": 1600,") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "\"difference_cents\": -50,") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "{\"method\": \"card\", \"label\": \"Card\", \"sales\": 1, "
                              "\"sales_cents\": 800,") != NULL, "%s", run.out);

  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "day", "--date", "2001-02-03", NULL), 65);
  cr_assert (strstr (run.err, "No day was closed on 2001-02-03") != NULL, "%s", run.err);
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "day", "--date", "2001-02-30", NULL), 2);
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "day", "--close", "7", NULL), 65);
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "week", NULL), 2);

  /* The list of closes, newest first. */
  cr_assert_eq (stk_test_run_db (&run, db_path, "close-day", "--counted-cash", "0", NULL), 0,
                "%s", run.err);
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "closes", NULL), 0, "%s", run.err);
  {
    const char *second = strstr (run.out, "\n2  ");
    const char *first = strstr (run.out, "\n1  ");

    cr_assert (second != NULL && first != NULL && second < first, "%s", run.out);
    cr_assert (strstr (first, "24.00") != NULL && strstr (first, "0.50 short") != NULL, "%s",
               run.out);
  }
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "closes", "--json", NULL), 0, "%s",
                run.err);
  cr_assert (strstr (run.out, "{\"close\": 2, ") != NULL, "%s", run.out);
  cr_assert (strstr (run.out, "\"sales\": 2, \"net_cents\": 2400, \"expected_cash_cents\": 1600, "
                              "\"counted_cash_cents\": 1550, \"difference_cents\": -50}") != NULL,
             "%s", run.out);
  cr_assert (strstr (run.out, "{\"close\": 2, ") < strstr (run.out, "{\"close\": 1, "));
  cr_assert_eq (stk_test_run_db (&run, db_path, "report", "closes", "--close", "1", NULL), 2);

  cr_assert_eq (stk_test_run_db (&run, db_path, "settings", "payment-methods", "cash,cash", NULL),
                65);
  cr_assert_eq (stk_test_run_db (&run, db_path, "settings", "payment-methods",
                                 "cash, card, Voucher", NULL), 0, "%s", run.err);
  cr_assert_eq (stk_test_run_db (&run, db_path, "settings", NULL), 0);
  cr_assert (strstr (run.out, "Payment methods: Cash, Card, Voucher (payment-methods "
                              "cash,card,Voucher)") != NULL, "%s", run.out);
  cr_assert_eq (stk_test_run_db (&run, db_path, "verify", NULL), 0, "%s%s", run.out, run.err);
}
