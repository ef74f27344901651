/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Read-side queries (lookups, completion, reports), the word index that follows every
 * change to items, and the undo building blocks (void a sale, delete a new item). */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <time.h>

#include "stk-db.h"
#include "stk-error.h"
#include "stk-ops.h"
#include "stk-query.h"
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
  /* Local days differ from UTC days here, and 10 March 2024 lasts 23 hours. */
  g_setenv ("TZ", "America/New_York", TRUE);
  tzset ();
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

TestSuite (query, .init = setup, .fini = teardown);

/* Submits op (keeping the caller's reference) and waits; a failure ends the test. */
static void
submit_ok (StkOp *op)
{
  g_autoptr(GError) error = NULL;

  cr_assert (stk_writer_submit_sync (writer, op, &error), "%s: %s", stk_op_get_description (op),
             error ? error->message : "");
}

static gint64
create_item (const char *code,
             const char *description,
             gint64      price,
             gint64      reorder)
{
  g_autoptr(StkOp) op = stk_op_create_item (code, description, price, reorder);

  submit_ok (op);
  return stk_op_get_row_id (op);
}

static void
receive (const char *code,
         gint64      quantity)
{
  g_autoptr(StkOp) op = stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, quantity, "in", 0);

  submit_ok (op);
}

static gint64
sell (const char *code,
      gint64      quantity,
      gint64      price,
      gint64      sold_at_us)
{
  g_autoptr(StkOp) op = stk_op_record_sale (code, quantity, price, sold_at_us);

  submit_ok (op);
  return stk_op_get_row_id (op);
}

/* Item ids matching an FTS5 query, ascending, as a comma-separated string. */
static char *
search (const char *match)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) s = g_string_new ("");
  sqlite3 *db = stk_store_acquire (store, &error);
  sqlite3_stmt *stmt = NULL;

  cr_assert_not_null (db, "%s", error ? error->message : "");
  cr_assert_eq (sqlite3_prepare_v2 (db, "SELECT rowid FROM items_fts WHERE items_fts MATCH ?1"
                                        " ORDER BY rowid", -1, &stmt, NULL), SQLITE_OK);
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len ? "," : "", (gint64) sqlite3_column_int64 (stmt, 0));
  cr_assert_eq (sqlite3_errcode (db), SQLITE_DONE, "%s", sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  stk_store_release (store, db);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
ids (gint64 a, gint64 b, gint64 c)
{
  g_autoptr(GString) s = g_string_new ("");

  for (guint i = 0; i < 3; i++)
    {
      gint64 v = i == 0 ? a : i == 1 ? b : c;
      if (v > 0)
        g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len ? "," : "", v);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

#define assert_search(match, expected)                                        \
  G_STMT_START {                                                              \
    g_autofree char *got_ = search (match);                                   \
    g_autofree char *want_ = (expected);                                      \
    cr_assert_str_eq (got_, want_, "search “%s”: got [%s], want [%s]", match, \
                      got_, want_);                                           \
  } G_STMT_END

/* FTS5's own check of the index against the items table. */
static void
assert_fts_consistent (void)
{
  sqlite3 *db = NULL;

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (db, "INSERT INTO items_fts (items_fts) VALUES ('integrity-check')",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);
}

/* ---- the word index ---- */

Test (query, words_and_prefixes_are_found)
{
  gint64 a = create_item ("PAP-001", "Spiral notebook A4, blue", 250, 0);
  gint64 b = create_item ("PAP-002", "Notepad with spiral binding", 150, 0);
  gint64 c = create_item ("HW-17", "Cabinet handle 96 mm", 300, 0);

  assert_search ("notebook", ids (a, 0, 0));
  assert_search ("spiral", ids (a, b, 0));
  assert_search ("note*", ids (a, b, 0));
  assert_search ("no*", ids (a, b, 0));
  assert_search ("spiral blue", ids (a, 0, 0));
  assert_search ("NOTEBOOK", ids (a, 0, 0));
  assert_search ("handle", ids (c, 0, 0));
  assert_search ("hw", ids (c, 0, 0));       /* codes are indexed too */
  assert_search ("pap*", ids (a, b, 0));
  assert_search ("96", ids (c, 0, 0));
  assert_search ("stapler", g_strdup (""));
  assert_fts_consistent ();
}

Test (query, diacritics_are_ignored)
{
  gint64 a = create_item ("FD-1", "Crème brûlée set", 1200, 0);
  gint64 b = create_item ("FD-2", "Creme fraiche", 300, 0);

  assert_search ("creme", ids (a, b, 0));
  assert_search ("crème", ids (a, b, 0));
  assert_search ("brulee", ids (a, 0, 0));
  assert_search ("brû*", ids (a, 0, 0));
  assert_search ("FRAÎCHE", ids (b, 0, 0));
}

Test (query, index_follows_updates_archive_and_delete)
{
  gint64 a = create_item ("K-1", "Red kettle", 2000, 0);
  gint64 b = create_item ("K-2", "Steel kettle", 2500, 0);
  g_autoptr(StkOp) update = stk_op_update_item (a, "K-1", "Copper teapot", 2000, 0);
  g_autoptr(StkOp) archive = stk_op_set_archived (b, TRUE);
  g_autoptr(StkOp) rename = stk_op_update_item (b, "TEA-2", "Steel kettle", 2500, 0);
  g_autoptr(StkOp) del = stk_op_delete_item (a);

  assert_search ("kettle", ids (a, b, 0));

  submit_ok (update);
  assert_search ("kettle", ids (b, 0, 0));
  assert_search ("teapot", ids (a, 0, 0));
  assert_search ("red", g_strdup (""));

  /* Archived items leave the index (the match set is the list's result), and come
   * back when un-archived, with the code and description they have then. */
  submit_ok (archive);
  assert_search ("kettle", g_strdup (""));
  assert_fts_consistent ();

  /* Stock changes do not touch the index; code changes do. */
  receive ("K-1", 5);
  submit_ok (rename);
  assert_search ("tea", g_strdup (""));
  assert_search ("k", ids (a, 0, 0));
  assert_fts_consistent ();
  {
    g_autoptr(StkOp) restore = stk_op_set_archived (b, FALSE);

    submit_ok (restore);
  }
  assert_search ("kettle", ids (b, 0, 0));
  assert_search ("tea", ids (b, 0, 0));
  assert_fts_consistent ();

  /* K-1 has a movement now: it cannot be deleted, and stays searchable. */
  cr_assert_not (stk_writer_submit_sync (writer, del, NULL));
  assert_search ("teapot", ids (a, 0, 0));

  {
    gint64 c = create_item ("NEW-1", "Fresh teapot", 100, 0);
    g_autoptr(StkOp) del_new = stk_op_delete_item (c);

    assert_search ("teapot", ids (a, c, 0));
    submit_ok (del_new);
    assert_search ("teapot", ids (a, 0, 0));
    assert_search ("fresh", g_strdup (""));
  }
  assert_fts_consistent ();
}

/* ---- lookups and completion ---- */

Test (query, item_lookups)
{
  g_autoptr(GError) error = NULL;
  g_auto(StkItemInfo) info = { 0 };
  gint64 id = create_item ("Lamp-9", "Desk lamp", 1999, 4);
  g_autoptr(StkOp) archive = stk_op_set_archived (id, TRUE);
  sqlite3 *db;

  receive ("LAMP-9", 3);
  submit_ok (archive);
  db = stk_store_acquire (store, &error);
  cr_assert_not_null (db);

  cr_assert (stk_query_item_by_code (db, "lamp-9", &info, &error), "%s", error ? error->message : "");
  cr_assert_eq (info.id, id);
  cr_assert_str_eq (info.code, "Lamp-9");
  cr_assert_str_eq (info.description, "Desk lamp");
  cr_assert_eq (info.on_hand, 3);
  cr_assert_eq (info.unit_price_cents, 1999);
  cr_assert_eq (info.reorder_level, 4);
  cr_assert (info.archived, "archived items are found");
  cr_assert_eq (info.updated_at_us, stk_test_query (db_path, "SELECT updated_at FROM items"));
  cr_assert_gt (info.updated_at_us, 0);
  stk_item_info_clear (&info);

  cr_assert (stk_query_item_by_id (db, id, &info, &error));
  cr_assert_str_eq (info.code, "Lamp-9");
  stk_item_info_clear (&info);

  cr_assert_not (stk_query_item_by_code (db, "LAMP-10", &info, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND));
  cr_assert (strstr (error->message, "LAMP-10") != NULL, "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (stk_query_item_by_id (db, id + 100, &info, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND));
  stk_store_release (store, db);
}

Test (query, code_completion)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) all = NULL;
  g_auto(GStrv) two = NULL;
  g_auto(GStrv) wild = NULL;
  g_auto(GStrv) none = NULL;
  g_autofree char *joined = NULL;
  gint64 archived;
  sqlite3 *db;

  create_item ("ab-2", "", 0, 0);
  create_item ("AB-1", "", 0, 0);
  create_item ("AB_X", "", 0, 0);
  create_item ("ABC", "", 0, 0);
  create_item ("B-1", "", 0, 0);
  archived = create_item ("AB-0", "", 0, 0);
  {
    g_autoptr(StkOp) op = stk_op_set_archived (archived, TRUE);
    submit_ok (op);
  }

  db = stk_store_acquire (store, &error);
  all = stk_query_complete_codes (db, "ab", 10, &error);
  cr_assert_not_null (all, "%s", error ? error->message : "");
  joined = g_strjoinv (" ", all);
  cr_assert_str_eq (joined, "AB-1 ab-2 AB_X ABC", "case-insensitive, ordered, no archived items");

  two = stk_query_complete_codes (db, "AB", 2, &error);
  cr_assert_eq (g_strv_length (two), 2);
  cr_assert_str_eq (two[0], "AB-1");

  /* % and _ in what the user typed are plain characters. */
  wild = stk_query_complete_codes (db, "AB_", 10, &error);
  cr_assert_eq (g_strv_length (wild), 1);
  cr_assert_str_eq (wild[0], "AB_X");
  none = stk_query_complete_codes (db, "%", 10, &error);
  cr_assert_eq (g_strv_length (none), 0);
  stk_store_release (store, db);
}

/* ---- reports ---- */

static gint64
local_us (int year, int month, int day, int hour, int minute, int second)
{
  g_autoptr(GDateTime) t = g_date_time_new_local (year, month, day, hour, minute, second);

  return g_date_time_to_unix (t) * G_USEC_PER_SEC;
}

static StkReport *
report_at (guint  days,
           guint  top,
           gint64 now_us)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = stk_store_acquire (store, &error);
  StkReport *report;

  cr_assert_not_null (db);
  report = stk_query_report (db, days, top, now_us, &error);
  cr_assert_not_null (report, "%s", error ? error->message : "");
  stk_store_release (store, db);
  return report;
}

static void
void_sale (gint64 sale_id)
{
  g_autoptr(StkOp) op = stk_op_void_sale (sale_id);

  submit_ok (op);
}

Test (query, per_day_totals_in_local_days_zero_filled)
{
  g_autoptr(StkReport) report = NULL;
  gint64 now = local_us (2024, 3, 12, 12, 0, 0);
  gint64 voided;
  const struct { int day; gint64 quantity; gint64 revenue; } expected[] = {
    { 6, 2, 200 }, { 7, 0, 0 }, { 8, 0, 0 }, { 9, 1, 100 }, { 10, 4, 400 }, { 11, 0, 0 }, { 12, 3, 300 },
  };

  create_item ("P", "", 100, 0);
  receive ("P", 100);
  sell ("P", 5, -1, local_us (2024, 3, 5, 23, 59, 59)); /* the day before the range */
  sell ("P", 2, -1, local_us (2024, 3, 6, 0, 0, 0));   /* the first instant of the range */
  sell ("P", 1, -1, local_us (2024, 3, 9, 23, 59, 59)); /* 04:59 UTC on 10 March */
  sell ("P", 1, -1, local_us (2024, 3, 10, 1, 30, 0));
  sell ("P", 3, -1, local_us (2024, 3, 10, 23, 0, 0));  /* after the 23-hour day's 22:00 */
  sell ("P", 3, -1, local_us (2024, 3, 12, 18, 0, 0));  /* later today */
  voided = sell ("P", 9, -1, local_us (2024, 3, 12, 9, 0, 0));
  sell ("P", 7, -1, local_us (2024, 3, 13, 0, 0, 0));  /* tomorrow */
  void_sale (voided);

  report = report_at (7, 5, now);
  cr_assert_eq (report->days, 7);
  cr_assert_eq (report->per_day->len, 7);
  for (guint i = 0; i < 7; i++)
    {
      StkDayTotal *d = &g_array_index (report->per_day, StkDayTotal, i);

      cr_assert_eq (d->day_start_us, local_us (2024, 3, expected[i].day, 0, 0, 0),
                    "day %u starts at local midnight", i);
      cr_assert_eq (d->quantity, expected[i].quantity, "March %d: %" G_GINT64_FORMAT,
                    expected[i].day, d->quantity);
      cr_assert_eq (d->revenue_cents, expected[i].revenue, "March %d", expected[i].day);
    }
  cr_assert_eq (g_array_index (report->per_day, StkDayTotal, 5).day_start_us -
                g_array_index (report->per_day, StkDayTotal, 4).day_start_us,
                23 * G_GINT64_CONSTANT (3600000000), "10 March has 23 hours");
  cr_assert_eq (report->total_quantity, 10);
  cr_assert_eq (report->total_revenue_cents, 1000);
}

Test (query, top_sellers_stock_value_and_below_reorder)
{
  g_autoptr(StkReport) report = NULL;
  gint64 now = local_us (2024, 6, 20, 15, 0, 0);
  gint64 big_voided;
  StkTopSeller *t;
  StkItemInfo *info;

  create_item ("A", "Apples", 100, 0);
  create_item ("B", "Bananas", 50, 20);
  create_item ("C", "Cherries", 300, 10);
  create_item ("D", "Dates", 1000, 5);
  create_item ("E", "Elderflower", 700, 50);
  create_item ("Z", "Archived", 10000, 100);
  receive ("A", 100);
  receive ("B", 100);
  receive ("C", 100);
  receive ("D", 10);
  receive ("Z", 3);
  {
    g_autoptr(StkOp) op = stk_op_set_archived (stk_test_query (db_path, "SELECT id FROM items WHERE code = 'Z'"), TRUE);
    submit_ok (op);
  }

  sell ("A", 10, -1, local_us (2024, 6, 19, 10, 0, 0)); /* 10 units, 1000 */
  sell ("B", 6, -1, local_us (2024, 6, 18, 10, 0, 0));  /* 10 units, 500: same quantity, less money */
  sell ("B", 4, -1, local_us (2024, 6, 20, 10, 0, 0));
  sell ("C", 89, 1, local_us (2024, 5, 1, 10, 0, 0));   /* outside 30 days */
  sell ("C", 1, -1, local_us (2024, 6, 20, 11, 0, 0));
  big_voided = sell ("D", 8, -1, local_us (2024, 6, 20, 12, 0, 0));
  sell ("D", 1, -1, local_us (2024, 6, 20, 13, 0, 0));
  void_sale (big_voided);

  report = report_at (30, 3, now);
  cr_assert_eq (report->top_sellers->len, 3);
  t = g_ptr_array_index (report->top_sellers, 0);
  cr_assert_str_eq (t->code, "A");
  cr_assert_str_eq (t->description, "Apples");
  cr_assert_eq (t->quantity, 10);
  cr_assert_eq (t->revenue_cents, 1000);
  t = g_ptr_array_index (report->top_sellers, 1);
  cr_assert_str_eq (t->code, "B");
  cr_assert_eq (t->quantity, 10);
  cr_assert_eq (t->revenue_cents, 500);
  /* C and D both sold 1 in range (D's voided 8 do not count): D brought more money. */
  t = g_ptr_array_index (report->top_sellers, 2);
  cr_assert_str_eq (t->code, "D");
  cr_assert_eq (t->quantity, 1);
  cr_assert_eq (t->revenue_cents, 1000);
  cr_assert_eq (report->total_quantity, 10 + 10 + 1 + 1);

  /* On hand: A 90, B 90, C 10, D 9 (the void put 8 back), E 0; Z archived. */
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'D'"), 9);
  cr_assert_eq (report->stock_value_cents, 90 * 100 + 90 * 50 + 10 * 300 + 9 * 1000);

  /* Below reorder (reorder > 0, on_hand <= reorder, active): E 0/50, C 10/10; not B 90/20, D 9/5, Z. */
  cr_assert_eq (report->below_reorder_count, 2);
  cr_assert_eq (report->below_reorder->len, 2);
  info = g_ptr_array_index (report->below_reorder, 0);
  cr_assert_str_eq (info->code, "E");
  cr_assert_eq (info->on_hand, 0);
  info = g_ptr_array_index (report->below_reorder, 1);
  cr_assert_str_eq (info->code, "C");
  cr_assert_eq (info->reorder_level, 10);
}

Test (query, report_refuses_bad_days)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = stk_store_acquire (store, &error);

  cr_assert_null (stk_query_report (db, 0, 5, 0, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
  stk_store_release (store, db);
}

typedef struct
{
  gboolean   done;
  StkReport *report;
  GError    *error;
} AsyncResult;

static void
report_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->report = stk_query_report_finish (STK_STORE (source), result, &r->error);
  r->done = TRUE;
}

Test (query, report_async_and_cancelled)
{
  AsyncResult r = { 0 };
  AsyncResult rc = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  create_item ("S", "Soap", 250, 0);
  receive ("S", 10);
  sell ("S", 4, -1, 0);

  stk_query_report_async (store, 90, 10, NULL, report_done_cb, &r);
  cr_assert (stk_test_wait_for (&r.done, 10000));
  cr_assert_not_null (r.report, "%s", r.error ? r.error->message : "");
  cr_assert_eq (r.report->per_day->len, 90);
  cr_assert_eq (g_array_index (r.report->per_day, StkDayTotal, 89).quantity, 4, "today's sale is last");
  cr_assert_eq (r.report->total_revenue_cents, 1000);
  stk_report_free (r.report);

  g_cancellable_cancel (cancellable);
  stk_query_report_async (store, 365, 10, cancellable, report_done_cb, &rc);
  cr_assert (stk_test_wait_for (&rc.done, 10000));
  cr_assert_null (rc.report);
  cr_assert (g_error_matches (rc.error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_clear_error (&rc.error);
}

/* ---- undo building blocks ---- */

Test (query, void_sale_restores_stock_once)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) again = NULL;
  g_autoptr(StkOp) missing = stk_op_void_sale (999);
  g_autoptr(StkOp) first = NULL;
  g_autoptr(StkOp) retry = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  gint64 sale;

  create_item ("V", "Vase", 1500, 0);
  receive ("V", 10);
  sale = sell ("V", 4, -1, 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 6);

  first = stk_op_void_sale (sale);
  cr_assert_eq (stk_op_get_changes (first) & STK_CHANGE_SALES, STK_CHANGE_SALES);
  cr_assert (strstr (stk_op_get_description (first), "sale") != NULL, "%s", stk_op_get_description (first));
  submit_ok (first);
  cr_assert_eq (stk_op_get_row_id (first), sale);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 10);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements WHERE kind = 'adjustment'"
                                         " AND quantity = 4 AND balance = 10 AND reason = 'Sale voided'"), 1);

  /* The same op again (a retry) is recognised; a new void of the same sale is refused. */
  retry = stk_op_void_sale (sale);
  stk_op_set_id (retry, stk_op_get_id (first));
  cr_assert (stk_writer_submit_sync (writer, retry, &error));
  cr_assert (stk_op_get_duplicate (retry));
  again = stk_op_void_sale (sale);
  cr_assert_not (stk_writer_submit_sync (writer, again, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT), "%s", error->message);
  cr_assert (strstr (error->message, "“V”") != NULL, "%s", error->message);
  g_clear_error (&error);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 10);

  cr_assert_not (stk_writer_submit_sync (writer, missing, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);

  problems = stk_store_verify (store, NULL);
  cr_assert_not_null (problems);
  cr_assert_eq (problems->len, 0, "%s", problems->len ? (char *) g_ptr_array_index (problems, 0) : "");
}

Test (query, void_rules_hold_in_sql)
{
  sqlite3 *db = NULL;
  gint64 sale;

  create_item ("W", "", 100, 0);
  receive ("W", 5);
  sale = sell ("W", 2, -1, 0);
  void_sale (sale);

  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  cr_assert_eq (sqlite3_exec (db, "UPDATE sale_voids SET voided_at = 0", NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
  cr_assert_eq (sqlite3_exec (db, "DELETE FROM sale_voids", NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
  cr_assert_eq (sqlite3_exec (db, "INSERT INTO sale_voids (sale_id, voided_at) VALUES (1, 0)", NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
  cr_assert_eq (sqlite3_exec (db, "INSERT INTO sale_voids (sale_id, voided_at) VALUES (77, 0)", NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
  sqlite3_close (db);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 5);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM sale_voids"), 1);
}

Test (query, verify_finds_a_void_without_its_stock_movement)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *all = NULL;
  sqlite3 *db = NULL;
  gint64 kept, tampered;

  create_item ("VA", "", 100, 0);
  create_item ("VB", "", 100, 0);
  receive ("VA", 5);
  receive ("VB", 5);
  kept = sell ("VA", 2, -1, 0);
  tampered = sell ("VB", 3, -1, 0);
  void_sale (kept);
  problems = stk_store_verify (store, NULL);
  cr_assert_not_null (problems);
  cr_assert_eq (problems->len, 0, "%s", problems->len ? (char *) g_ptr_array_index (problems, 0) : "");
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Someone voids a sale behind the rules' back: the stock never came back. */
  cr_assert_eq (sqlite3_open (db_path, &db), SQLITE_OK);
  {
    g_autofree char *sql = g_strdup_printf ("DROP TRIGGER sale_voids_apply;"
                                            "INSERT INTO sale_voids (sale_id, voided_at) VALUES (%" G_GINT64_FORMAT ", 0);",
                                            tampered);
    cr_assert_eq (sqlite3_exec (db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
  }
  sqlite3_close (db);

  problems = stk_store_verify (store, NULL);
  cr_assert_not_null (problems);
  cr_assert_eq (problems->len, 1);
  all = g_strdup (g_ptr_array_index (problems, 0));
  cr_assert (strstr (all, "Voided sale") != NULL && strstr (all, "3 units") != NULL, "%s", all);
}

Test (query, delete_item_only_without_history)
{
  g_autoptr(GError) error = NULL;
  gint64 fresh = create_item ("FRESH", "", 0, 0);
  gint64 moved = create_item ("MOVED", "", 0, 0);
  gint64 sold = create_item ("SOLD", "", 0, 0);
  g_autoptr(StkOp) del_fresh = stk_op_delete_item (fresh);
  g_autoptr(StkOp) del_moved = stk_op_delete_item (moved);
  g_autoptr(StkOp) del_sold = stk_op_delete_item (sold);
  g_autoptr(StkOp) del_again = stk_op_delete_item (fresh);

  receive ("MOVED", 1);
  {
    g_autoptr(StkOp) op = stk_op_record_movement ("MOVED", STK_MOVEMENT_ADJUSTMENT, -1, "", 0);
    submit_ok (op); /* back to zero: the history still counts */
  }
  receive ("SOLD", 1);
  sell ("SOLD", 1, -1, 0);

  cr_assert_eq (stk_op_get_changes (del_fresh), STK_CHANGE_ITEMS);
  submit_ok (del_fresh);
  cr_assert_eq (stk_op_get_row_id (del_fresh), fresh);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'FRESH'"), 0);

  cr_assert_not (stk_writer_submit_sync (writer, del_moved, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT));
  cr_assert (strstr (error->message, "MOVED") != NULL && strstr (error->message, "archive") != NULL,
             "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (stk_writer_submit_sync (writer, del_sold, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT));
  g_clear_error (&error);
  cr_assert_not (stk_writer_submit_sync (writer, del_again, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND), "%s", error->message);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2);

  /* The code is free again. */
  create_item ("fresh", "", 0, 0);
}

/* A voided sale is exported with its void (columns voided, void_reason) and the
 * adjustment that undid it is left out of the movements: imported elsewhere, the void
 * makes that adjustment again, and the stock and the sales figures are the same. */
Test (query, export_carries_voided_sales_without_their_undo)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *skus = g_build_filename (tmpdir, "skus.csv", NULL);
  g_autofree char *sales = g_build_filename (tmpdir, "sales.csv", NULL);
  g_autofree char *moves = g_build_filename (tmpdir, "movements.csv", NULL);
  g_autofree char *other = g_build_filename (tmpdir, "other.db", NULL);
  g_autoptr(StkWriter) other_writer = NULL;
  g_auto(StkImportReport) report = { 0 };
  guint64 rows = 0;
  gint64 voided;

  create_item ("X", "Xylophone", 500, 0);
  receive ("X", 10);
  sell ("X", 2, -1, 0);
  voided = sell ("X", 3, -1, 0);
  void_sale (voided);
  {
    g_autoptr(StkOp) op = stk_op_record_movement ("X", STK_MOVEMENT_ADJUSTMENT, -1, "broken", 0);
    submit_ok (op);
  }
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items"), 7);

  cr_assert (stk_export_file (store, STK_TABLE_SKUS, skus, NULL, NULL, NULL, &rows, &error));
  cr_assert (stk_export_file (store, STK_TABLE_SALES, sales, NULL, NULL, NULL, &rows, &error));
  cr_assert_eq (rows, 2, "the voided sale is exported, marked voided");
  cr_assert (stk_export_file (store, STK_TABLE_MOVEMENTS, moves, NULL, NULL, NULL, &rows, &error));
  cr_assert_eq (rows, 2, "receipt and adjustment; not the void's adjustment");

  /* The skus export carries on_hand 7 as an opening count: import only the items, then
   * check the history files alone into a second inventory. */
  other_writer = stk_test_open_writer (other);
  {
    g_autoptr(StkOp) op = stk_op_create_item ("X", "Xylophone", 500, 0);
    cr_assert (stk_writer_submit_sync (other_writer, op, &error));
  }
  cr_assert (stk_import_file (other_writer, STK_TABLE_MOVEMENTS, moves, NULL, NULL, NULL, &report, &error),
             "%s", error ? error->message : "");
  stk_import_report_clear (&report);
  cr_assert (stk_import_file (other_writer, STK_TABLE_SALES, sales, NULL, NULL, NULL, &report, &error),
             "%s", error ? error->message : "");
  cr_assert_eq (stk_test_query (other, "SELECT on_hand FROM items"), 7);
  cr_assert_eq (stk_test_query (other, "SELECT sum(quantity) FROM sales s WHERE NOT EXISTS"
                                       " (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)"), 2);
  cr_assert_eq (stk_test_query (other, "SELECT sum(s.quantity) FROM sales s JOIN sale_voids v"
                                       " ON v.sale_id = s.id"), 3);
  stk_test_close_writer (g_steal_pointer (&other_writer));
}

/* The item list pages over the active items in a sort order: each order has an index
 * that holds the key, the id and archived, so that a scan never reads the table. */
Test (query, sort_orders_scan_their_index_alone)
{
  static const char *const orders[][2] = {
    { "code", "items_sort_code" },
    { "description COLLATE NOCASE", "items_sort_description" },
    { "on_hand", "items_sort_on_hand" },
    { "unit_price_cents", "items_sort_price" },
    { "reorder_level", "items_sort_reorder" },
    { "updated_at", "items_sort_updated" },
  };
  g_autoptr(GError) error = NULL;
  sqlite3 *db = stk_store_acquire (store, &error);

  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    {
      g_autofree char *sql = g_strdup_printf ("EXPLAIN QUERY PLAN SELECT %s, id FROM items"
                                              " WHERE archived = 0 ORDER BY %s DESC, id DESC",
                                              orders[i][0], orders[i][0]);
      g_autofree char *want = g_strdup_printf ("COVERING INDEX %s", orders[i][1]);
      g_autoptr(GString) plan = g_string_new ("");
      sqlite3_stmt *stmt = NULL;

      cr_assert_eq (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (plan, "%s; ", (const char *) sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);
      cr_assert (strstr (plan->str, want) != NULL, "%s: %s", orders[i][0], plan->str);
      cr_assert (strstr (plan->str, "TEMP B-TREE") == NULL, "%s: %s", orders[i][0], plan->str);
    }
  stk_store_release (store, db);
}
