/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Receipt numbers (format 7, issue 21): every sale and every return gets the next number
 * of its series in the transaction that records it, without a gap and never twice:
 * across a failed sale, a void, a yearly series, an upgrade, a bulk import, three
 * sellers at once and a kill -9 in the middle of a sale. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "stk-error.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-sale.h"
#include "stk-schema.h"
#include "stk-seams.h"
#include "stk-store.h"
#include "stk-transfer.h"
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

TestSuite (receipt_numbers, .init = setup, .fini = teardown);

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
      gint64      stock)
{
  g_autoptr(StkOp) op = stk_op_create_item (code, "thing", 250, 0);
  g_autoptr(StkOp) in = stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, stock, "in", 0);

  submit_ok (op);
  submit_ok (in);
}

/* Sells @quantity of @code (one line) at @at_us (0: now); returns the sale's id. */
static gint64
sell (const char *code,
      gint64      quantity,
      gint64      at_us)
{
  StkSaleLineSpec line = { .code = code, .quantity = quantity, .unit_price_cents = -1 };
  g_autoptr(StkOp) op = stk_op_sell (&line, 1, NULL, NULL, at_us);

  submit_ok (op);
  return stk_op_get_row_id (op);
}

static char *
receipt_of (gint64 sale_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSaleDetail) sale = stk_store_read_sale (store, sale_id, &error);

  cr_assert_not_null (sale, "%s", error ? error->message : "");
  return g_strdup (sale->receipt);
}

/* Every series runs 1, 2, … without a gap; every sale and every return has a number. */
static void
assert_gapless (void)
{
  cr_assert_eq (count ("SELECT count (*) FROM (SELECT series FROM receipt_numbers"
                       " GROUP BY series HAVING count (*) <> max (number))"),
                0, "a series has a gap or a repeat");
  cr_assert_eq (count ("SELECT count (*) FROM sales s WHERE first_line IS NULL AND NOT EXISTS"
                       " (SELECT 1 FROM receipt_numbers WHERE sale_id = s.id)"),
                0, "a sale without a number");
  cr_assert_eq (count ("SELECT count (*) FROM returns r WHERE NOT EXISTS"
                       " (SELECT 1 FROM receipt_numbers WHERE return_id = r.id)"),
                0, "a return without a number");
  cr_assert_eq (count ("SELECT count (*) FROM receipt_numbers n WHERE sale_id IS NOT NULL AND"
                       " NOT EXISTS (SELECT 1 FROM sales WHERE id = n.sale_id"
                       "             AND first_line IS NULL)"),
                0, "a number on a further line, or on no sale");
}

Test (receipt_numbers, sales_and_returns_share_one_sequence_a_failed_sale_takes_none)
{
  g_autofree char *first = NULL, *second = NULL, *third = NULL;
  gint64 a, b, c;

  item ("A", 10);
  a = sell ("A", 1, 0);
  b = sell ("A", 2, 0);
  /* A shortage rolls the whole sale back, and its number with it. */
  {
    StkSaleLineSpec line = { .code = "A", .quantity = 99, .unit_price_cents = -1 };
    g_autoptr(StkOp) op = stk_op_sell (&line, 1, NULL, NULL, 0);
    g_autoptr(GError) error = NULL;

    cr_assert_not (stk_writer_submit_sync (writer, op, &error));
  }
  /* A return takes the next number; the void keeps its sale's. */
  {
    g_autoptr(StkOp) ret = stk_op_return_sale_line (b, 1, -1, NULL, 0);
    g_autoptr(StkOp) v = stk_op_void_sale_with_reason (a, "wrong till");

    submit_ok (ret);
    submit_ok (v);
  }
  c = sell ("A", 1, 0);

  first = receipt_of (a);
  second = receipt_of (b);
  third = receipt_of (c);
  cr_assert_str_eq (first, "1");
  cr_assert_str_eq (second, "2");
  cr_assert_str_eq (third, "4", "the return took 3");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(StkSaleDetail) sale = stk_store_read_sale (store, b, &error);

    cr_assert_not_null (sale);
    cr_assert_eq (sale->returns->len, 1);
    cr_assert_str_eq (((StkSaleReturn *) sale->returns->pdata[0])->receipt, "3");
  }
  cr_assert_eq (count ("SELECT count (*) FROM receipt_numbers"), 4);
  assert_gapless ();
}

Test (receipt_numbers, a_sale_of_several_lines_has_one_number)
{
  StkSaleLineSpec lines[] = {
    { .code = "A", .quantity = 1, .unit_price_cents = -1 },
    { .code = "B", .quantity = 2, .unit_price_cents = -1 },
    { .code = "A", .quantity = 1, .unit_price_cents = -1 },
  };
  g_autoptr(StkOp) op = NULL;
  g_autofree char *receipt = NULL;

  item ("A", 5);
  item ("B", 5);
  op = stk_op_sell (lines, G_N_ELEMENTS (lines), "Card", NULL, 0);
  submit_ok (op);
  receipt = receipt_of (stk_op_get_row_id (op));
  cr_assert_str_eq (receipt, "1");
  cr_assert_eq (count ("SELECT count (*) FROM sales"), 3);
  cr_assert_eq (count ("SELECT count (*) FROM receipt_numbers"), 1);
  assert_gapless ();
}

Test (receipt_numbers, a_yearly_series_starts_again_each_year_of_local_time)
{
  g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL;
  GDateTime *dt;
  gint64 dec31, jan1;

  /* The year is the shop's (local) year: the test pins the zone. */
  g_setenv ("TZ", "Europe/Rome", TRUE);
  tzset ();
  {
    g_autoptr(GTimeZone) rome = g_time_zone_new_identifier ("Europe/Rome");

    cr_assert_not_null (rome);
    dt = g_date_time_new (rome, 2025, 12, 31, 23, 30, 0);
    dec31 = g_date_time_to_unix (dt) * G_USEC_PER_SEC;
    g_date_time_unref (dt);
    /* 00:10 on 1 January in Rome is still 31 December in UTC. */
    dt = g_date_time_new (rome, 2026, 1, 1, 0, 10, 0);
    jan1 = g_date_time_to_unix (dt) * G_USEC_PER_SEC;
    g_date_time_unref (dt);
  }

  item ("A", 10);
  r1 = receipt_of (sell ("A", 1, dec31 - G_USEC_PER_SEC));
  cr_assert_str_eq (r1, "1", "the one sequence is the default");

  {
    g_autoptr(StkOp) op = stk_op_set_receipt_series (STK_RECEIPT_SERIES_YEARLY);
    g_autoptr(GError) error = NULL;
    g_auto(StkShopSettings) settings = { 0, };

    submit_ok (op);
    cr_assert (stk_store_get_shop_settings (store, &settings, &error), "%s",
               error ? error->message : "");
    cr_assert_eq (settings.receipt_series, STK_RECEIPT_SERIES_YEARLY);
    cr_assert_not (settings.allow_negative_stock);
  }

  r2 = receipt_of (sell ("A", 1, dec31));
  r3 = receipt_of (sell ("A", 1, jan1));
  r4 = receipt_of (sell ("A", 1, jan1 + G_USEC_PER_SEC));
  cr_assert_str_eq (r2, "2025/1");
  cr_assert_str_eq (r3, "2026/1");
  cr_assert_str_eq (r4, "2026/2");
  assert_gapless ();
}

Test (receipt_numbers, the_schema_refuses_a_gap_a_change_and_a_deletion)
{
  sqlite3 *db = NULL;

  item ("A", 10);
  sell ("A", 1, 0);
  sell ("A", 1, 0);
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  /* Sale 99 has no number yet (nothing enforces foreign keys on this connection):
   * only the gap stands in the way. */
  cr_assert_eq (sqlite3_exec (db, "INSERT INTO receipt_numbers (series, number, sale_id)"
                                  " VALUES ('', 5, 99)", NULL, NULL, NULL),
                SQLITE_CONSTRAINT);
  cr_assert (strstr (sqlite3_errmsg (db), "without a gap") != NULL, "%s", sqlite3_errmsg (db));
  cr_assert_eq (sqlite3_exec (db, "UPDATE receipt_numbers SET number = 7 WHERE number = 2",
                              NULL, NULL, NULL),
                SQLITE_CONSTRAINT);
  cr_assert_eq (sqlite3_exec (db, "DELETE FROM receipt_numbers WHERE number = 2", NULL, NULL, NULL),
                SQLITE_CONSTRAINT);
  /* A number belongs to a sale or a return, not both and not neither. */
  cr_assert_eq (sqlite3_exec (db, "INSERT INTO receipt_numbers (series, number) VALUES ('', 3)",
                              NULL, NULL, NULL),
                SQLITE_CONSTRAINT);
  sqlite3_close (db);
  cr_assert_eq (count ("SELECT count (*) FROM receipt_numbers"), 2);
  assert_gapless ();
}

Test (receipt_numbers, an_older_inventory_numbers_its_sales_and_returns_in_time_order)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *r7 = NULL, *r9 = NULL, *r11 = NULL, *next = NULL;
  sqlite3 *db = NULL;

  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));
  g_assert_true (g_remove (db_path) == 0);

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert (stk_schema_migrate (db, 6, &error), "%s", error ? error->message : "");
  /* Ids out of time order: sale 11 came first, then 7 (with a second line, 8), then
   * the return of 11, then sale 9 (voided). */
  cr_assert_eq (sqlite3_exec (db,
                              "PRAGMA journal_mode=WAL;"
                              "INSERT INTO items (code, created_at, updated_at) VALUES ('A', 1, 1);"
                              "INSERT INTO movements (item_id, kind, quantity, balance, moved_at)"
                              " VALUES (1, 'receive', 10, 10, 1);"
                              "INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at)"
                              " VALUES (11, 'u11', 1, 2, 100, 3), (7, 'u7', 1, 1, 100, 5),"
                              "        (9, 'u9', 1, 1, 100, 9);"
                              "INSERT INTO sales (id, uid, item_id, quantity, unit_price_cents, sold_at,"
                              "                   first_line)"
                              " VALUES (8, 'u7#2', 1, 1, 100, 5, 7);"
                              "INSERT INTO returns (uid, line_id, quantity, refund_cents, returned_at)"
                              " VALUES ('r1', 11, 1, 100, 6);"
                              "INSERT INTO sale_voids (sale_id, voided_at) VALUES (9, 10);",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);

  writer = stk_test_open_writer (db_path);
  store = stk_test_open_store (db_path);
  cr_assert_eq (count ("PRAGMA user_version"), STK_SCHEMA_VERSION);
  r11 = receipt_of (11);
  r7 = receipt_of (7);
  r9 = receipt_of (9);
  cr_assert_str_eq (r11, "1");
  cr_assert_str_eq (r7, "2");
  cr_assert_eq (count ("SELECT number FROM receipt_numbers WHERE return_id = 1"), 3);
  cr_assert_str_eq (r9, "4", "a voided sale keeps its number");
  next = receipt_of (sell ("A", 1, 0));
  cr_assert_str_eq (next, "5");
  assert_gapless ();
}

/* The bulk import path numbers its sales set-wise, after the numbers already given. */
Test (receipt_numbers, a_bulk_import_of_sales_continues_the_sequence)
{
  g_autoptr(GString) csv = g_string_new ("sold_at,sku,quantity,unit_price\n");
  g_autofree char *path = g_build_filename (tmpdir, "sales.csv", NULL);
  g_autoptr(GError) error = NULL;
  guint saved = stk_bulk_min_rows;
  StkImportReport report = { 0 };
  gboolean ok;

  item ("A", 1000);
  sell ("A", 1, 0);
  for (guint i = 0; i < 300; i++)
    g_string_append_printf (csv, "2026-03-%02u 10:%02u:00,A,1,\n", 1 + i % 28, i % 60);
  cr_assert (g_file_set_contents (path, csv->str, (gssize) csv->len, &error), "%s",
             error ? error->message : "");

  stk_bulk_min_rows = 1;
  ok = stk_import_file (writer, STK_TABLE_SALES, path, NULL, NULL, NULL, &report, &error);
  stk_bulk_min_rows = saved;
  cr_assert (ok, "%s", error ? error->message : "");
  cr_assert_eq (report.imported, 300);
  stk_import_report_clear (&report);
  cr_assert_eq (count ("SELECT count (*) FROM receipt_numbers"), 301);
  cr_assert_eq (count ("SELECT max (number) FROM receipt_numbers"), 301);
  /* In the order of the ids (the file's order). */
  cr_assert_eq (count ("SELECT count (*) FROM receipt_numbers a JOIN receipt_numbers b"
                       " ON a.number < b.number WHERE a.sale_id > b.sale_id"),
                0);
  cr_assert_eq (count ("SELECT count (*) FROM sqlite_schema WHERE name = 'sales_receipt'"), 1,
                "the import put the trigger back");
  {
    g_autofree char *after = receipt_of (sell ("A", 1, 0));

    cr_assert_str_eq (after, "302");
  }
  assert_gapless ();
}

/* Three sellers, each with its own connection and writer thread, sell at once on one
 * inventory: SQLite serialises their transactions, and no number is lost or given
 * twice. */
typedef struct
{
  guint  seller;
  guint  sales;
  guint  ok;
  char  *problem;
} Seller;

static gpointer
seller_thread (gpointer data)
{
  Seller *s = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) w = stk_writer_new (db_path, &error);

  if (w == NULL)
    {
      s->problem = g_strdup (error->message);
      return NULL;
    }
  for (guint i = 0; i < s->sales; i++)
    {
      StkSaleLineSpec line = { .code = "A", .quantity = 1, .unit_price_cents = -1 };
      g_autoptr(StkOp) op = stk_op_sell (&line, 1, NULL, NULL, 0);
      g_autoptr(GError) op_error = NULL;

      if (stk_writer_submit_sync (w, op, &op_error))
        s->ok++;
      else if (s->problem == NULL)
        s->problem = g_strdup_printf ("seller %u: %s", s->seller, op_error->message);
    }
  if (!stk_writer_close (w, 10000, &error) && s->problem == NULL)
    s->problem = g_strdup (error->message);
  return NULL;
}

Test (receipt_numbers, three_sellers_at_once_leave_no_gap_and_no_repeat)
{
  Seller sellers[3] = { { 0 } };
  GThread *threads[3];
  guint total = 0;

  item ("A", 1000);
  for (guint i = 0; i < 3; i++)
    {
      sellers[i].seller = i + 1;
      sellers[i].sales = 40;
      threads[i] = g_thread_new ("seller", seller_thread, &sellers[i]);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_thread_join (threads[i]);
      cr_assert_null (sellers[i].problem, "%s", sellers[i].problem);
      total += sellers[i].ok;
      g_free (sellers[i].problem);
    }
  cr_assert_eq (total, 120);
  cr_assert_eq (count ("SELECT count (*) FROM receipt_numbers"), 120);
  cr_assert_eq (count ("SELECT max (number) FROM receipt_numbers"), 120);
  assert_gapless ();
}

/* The real program, killed with SIGKILL at a random instant of `stocktake sell`: after
 * each kill the numbers still run without a gap, and every sale it acknowledged is
 * there with its number. */
Test (receipt_numbers, a_kill_9_during_a_sale_leaves_no_gap)
{
  const char *exe = g_getenv ("STOCKTAKE_EXE");
  guint acknowledged = 0, killed = 0;

  cr_assert_not_null (exe, "STOCKTAKE_EXE is set by meson");
  item ("A", 100000);
  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));

  for (guint round = 0; round < 40; round++)
    {
      g_autoptr(GError) error = NULL;
      const char *argv[] = { exe, "--database", db_path, "sell", "A=1", "A=2", NULL };
      g_autoptr(GSubprocess) proc =
        g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                 G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

      cr_assert_not_null (proc, "%s", error ? error->message : "");
      /* A random instant inside a run (a sale takes some tens of milliseconds). */
      g_usleep ((gulong) g_random_int_range (0, 60000));
      g_subprocess_send_signal (proc, SIGKILL);
      cr_assert (g_subprocess_wait (proc, NULL, &error), "%s", error ? error->message : "");
      if (g_subprocess_get_if_signaled (proc))
        killed++;
      else if (g_subprocess_get_exit_status (proc) == 0)
        acknowledged++;
      assert_gapless ();
    }
  cr_log_info ("%u killed, %u finished", killed, acknowledged);
  cr_assert_geq (count ("SELECT count (*) FROM receipt_numbers"), acknowledged);
  cr_assert_eq (count ("SELECT count (*) FROM receipt_numbers"),
                count ("SELECT count (*) FROM sales WHERE first_line IS NULL"));
  /* Some kills landed before the end, some runs finished: both cases were tried. */
  cr_assert_gt (killed, 0);
}

/* verify names a sale or a return without a number and a series with a hole (a file
 * changed behind the schema's back: its triggers refuse both). */
Test (receipt_numbers, verify_finds_a_missing_number_and_a_hole)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) all = g_string_new ("");
  sqlite3 *db = NULL;
  gint64 a;

  item ("A", 10);
  a = sell ("A", 1, 0);
  sell ("A", 1, 0);
  sell ("A", 1, 0);
  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems, "%s", error ? error->message : "");
  cr_assert_eq (problems->len, 0, "%s", problems->len ? (char *) problems->pdata[0] : "");
  g_clear_pointer (&problems, g_ptr_array_unref);

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, "DROP TRIGGER receipt_numbers_no_delete;"
                                  "DELETE FROM receipt_numbers WHERE sale_id = 1;",
                              NULL, NULL, NULL),
                SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);
  cr_assert_eq (a, 1);

  problems = stk_store_verify (store, &error);
  cr_assert_not_null (problems, "%s", error ? error->message : "");
  for (guint i = 0; i < problems->len; i++)
    g_string_append_printf (all, "%s\n", (char *) problems->pdata[i]);
  cr_assert_eq (problems->len, 2, "%s", all->str);
  cr_assert (strstr (all->str, "Sale 1 has no receipt number.") != NULL, "%s", all->str);
  cr_assert (strstr (all->str, "There are 2 receipt numbers, but they run up to 3") != NULL,
             "%s", all->str);
}

static char *
run_cli (int         *status,
         const char  *first,
         ...)
{
  const char *exe = g_getenv ("STOCKTAKE_EXE");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  va_list ap;

  cr_assert_not_null (exe);
  g_ptr_array_add (argv, (char *) exe);
  g_ptr_array_add (argv, (char *) "--database");
  g_ptr_array_add (argv, (char *) db_path);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  cr_assert (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                           &err, status, &error),
             "%s", error ? error->message : "");
  *status = WIFEXITED (*status) ? WEXITSTATUS (*status) : -1;
  if (*status != 0)
    {
      g_free (out);
      return g_steal_pointer (&err);
    }
  return out;
}

/* stocktake settings: prints the rules, changes one through the writer, refuses a
 * wrong name or value with one sentence and changes nothing; sell and return print the
 * receipt number. */
Test (receipt_numbers, the_command_line_shows_and_changes_the_series_and_prints_numbers)
{
  g_autofree char *shown = NULL, *changed = NULL, *bad = NULL, *bad_key = NULL, *after = NULL;
  g_autofree char *sold = NULL, *returned = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int status = 0;

  item ("A", 10);
  g_clear_object (&store);
  stk_test_close_writer (g_steal_pointer (&writer));

  shown = run_cli (&status, "settings", NULL);
  cr_assert_eq (status, 0, "%s", shown);
  cr_assert (strstr (shown, "Receipt numbers: one sequence") != NULL, "%s", shown);
  cr_assert (strstr (shown, "Stock below zero: refused") != NULL, "%s", shown);

  bad = run_cli (&status, "settings", "receipt-series", "monthly", NULL);
  cr_assert_eq (status, 2, "%s", bad);
  cr_assert (strstr (bad, "“monthly” is not a way receipt numbers run") != NULL, "%s", bad);
  bad_key = run_cli (&status, "settings", "colour", "red", NULL);
  cr_assert_eq (status, 2, "%s", bad_key);
  cr_assert (strstr (bad_key, "“colour” is not a setting") != NULL, "%s", bad_key);
  cr_assert_eq (stk_test_query (db_path, "SELECT value = 'continuous' FROM settings"
                                         " WHERE key = 'receipt_series'"),
                1, "a refused change changed nothing");

  changed = run_cli (&status, "settings", "receipt-series", "yearly", NULL);
  cr_assert_eq (status, 0, "%s", changed);
  after = run_cli (&status, "settings", NULL);
  cr_assert (strstr (after, "Receipt numbers: a new sequence each year") != NULL, "%s", after);

  sold = run_cli (&status, "sell", "A=2", NULL);
  cr_assert_eq (status, 0, "%s", sold);
  expected = g_strdup_printf ("Receipt number: %d/1\n", g_date_time_get_year (now));
  cr_assert (strstr (sold, expected) != NULL, "%s", sold);
  returned = run_cli (&status, "return", "1", NULL);
  cr_assert_eq (status, 0, "%s", returned);
  g_free (expected);
  expected = g_strdup_printf ("Receipt number: %d/2\n", g_date_time_get_year (now));
  cr_assert (strstr (returned, expected) != NULL, "%s", returned);
}
