/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests that kill mutants the rest of the suite let live (issue 20): a non-atomic op
 * that fails half-way, a lock attempt interrupted by a signal, a CSV value ending in
 * a tab, a stock count of exactly −1. Each assertion here fails with the matching
 * mutant of build-aux/mutate.py applied. */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <sys/file.h>

#include <glib/gstdio.h>

#include "stk-csv.h"
#include "stk-db.h"
#include "stk-error.h"
#include "stk-lock.h"
#include "stk-ops.h"
#include "stk-seams.h"
#include "stk-writer.h"
#include "stk-test-fixture.h"
#include "stk-test-sqlite.h"

static void
setup (void)
{
  stk_seams_reset ();
  stk_test_fixture_setup ();
}

static void
teardown (void)
{
  stk_seams_reset ();
  stk_test_fixture_teardown ();
}

TestSuite (mutants, .init = setup, .fini = teardown, .timeout = 60);

/* ---- the writer: a non-atomic op that fails after writing ---- */

/* Writes an item and a receipt of it, then fails with a rule error: everything it
 * wrote must go, and nothing else with it. */
static gboolean
apply_write_then_fail (StkOp    *op,
                       sqlite3  *db,
                       gpointer  user_data,
                       GError  **error)
{
  gint64 id = stk_sqlite_insert_item (db, user_data, "half", 100, 0, FALSE, error);

  if (id == 0)
    return FALSE;
  if (stk_sqlite_insert_movement (db, id, user_data, STK_MOVEMENT_RECEIVE, 7, "partial", 0, NULL, -1,
                               error) == 0)
    return FALSE;
  g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, "refused after writing");
  return FALSE;
}

typedef struct
{
  guint    done;
  guint    expected;
  gboolean all_done;
  GError  *errors[8];
} Done;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Done *d = user_data;

  stk_writer_submit_finish (STK_WRITER (object), result, &d->errors[d->done]);
  if (++d->done == d->expected)
    d->all_done = TRUE;
}

Test (mutants, failing_non_atomic_op_leaves_nothing_and_its_batch_commits)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkOp) before = stk_op_create_item ("BEFORE", "", 1, 0);
  g_autoptr(StkOp) half = stk_sqlite_op_new ("half", STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS,
                                      apply_write_then_fail, g_strdup ("HALF"), g_free);
  g_autoptr(StkOp) after = stk_op_create_item ("AFTER", "", 2, 0);
  g_autoptr(StkOp) stock = stk_op_record_movement ("AFTER", STK_MOVEMENT_RECEIVE, 3, "in", 0);
  StkWriterFigures f0, f1;
  Done d = { .expected = 5 };
  StkTestGate gate;
  StkOp *gop;

  cr_assert_eq (stk_op_get_flags (half) & (STK_OP_FLAG_ATOMIC | STK_OP_FLAG_STANDALONE), 0,
                "the op under test takes the savepoint path");
  stk_test_gate_init (&gate);
  gop = stk_test_gate_op (&gate);
  stk_writer_get_figures (writer, &f0);
  stk_writer_submit (writer, gop, NULL, done_cb, &d);
  stk_test_gate_wait_started (&gate);
  stk_writer_submit (writer, before, NULL, done_cb, &d);
  stk_writer_submit (writer, half, NULL, done_cb, &d);
  stk_writer_submit (writer, after, NULL, done_cb, &d);
  stk_writer_submit (writer, stock, NULL, done_cb, &d);
  stk_test_gate_release (&gate);
  cr_assert (stk_test_wait_for (&d.all_done, 30000));
  stk_writer_get_figures (writer, &f1);

  cr_assert_eq (f1.batches - f0.batches, 2, "the gate, then one batch of four");
  cr_assert_null (d.errors[1]);
  cr_assert (g_error_matches (d.errors[2], STK_ERROR, STK_ERROR_CONSTRAINT));
  cr_assert_str_eq (d.errors[2]->message, "refused after writing");
  cr_assert_null (d.errors[3]);
  cr_assert_null (d.errors[4]);
  stk_test_close_writer (writer);

  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items WHERE code = 'HALF'"), 0,
                "the failed op's item was rolled back");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM movements WHERE reason = 'partial'"),
                0, "the failed op's movement was rolled back");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM items"), 2);
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'AFTER'"), 3);
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM applied_ops WHERE kind = 'half'"), 0,
                "a failed op leaves no record, so it may be submitted again");
  cr_assert_eq (stk_test_query (db_path, "SELECT count(*) FROM applied_ops"), 4);
  for (guint i = 0; i < G_N_ELEMENTS (d.errors); i++)
    g_clear_error (&d.errors[i]);
  stk_op_unref (gop);
  stk_test_gate_clear (&gate);
}

/* ---- the lock: interrupted, briefly held, failing attempts ---- */

static guint flock_calls;
static guint flock_faults;   /* the first flock_faults calls fail with flock_errno */
static int flock_errno;

static int
faulty_flock (int fd,
              int operation)
{
  if (flock_calls++ < flock_faults)
    {
      errno = flock_errno;
      return -1;
    }
  return flock (fd, operation);
}

static void
fail_flock (guint n,
            int   errsv)
{
  flock_calls = 0;
  flock_faults = n;
  flock_errno = errsv;
  stk_seams.flock = faulty_flock;
}

Test (mutants, lock_attempt_interrupted_by_a_signal_is_retried)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLock) lock = NULL;

  fail_flock (3, EINTR);
  lock = stk_lock_acquire (db_path, "window", &error);
  cr_assert_not_null (lock, "%s", error ? error->message : "");
  cr_assert_eq (flock_calls, 4, "three interrupted attempts, then the one that locks");
  cr_assert (stk_lock_is_held (db_path), "the lock is really held");
}

Test (mutants, lock_held_for_a_moment_is_retried_then_taken)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkLock) lock = NULL;

  /* A probe (stk_lock_is_held) holds it for microseconds: four refusals, then free. */
  fail_flock (4, EWOULDBLOCK);
  lock = stk_lock_acquire (db_path, "window", &error);
  cr_assert_not_null (lock, "%s", error ? error->message : "");
  cr_assert_eq (flock_calls, 5);
  cr_assert (stk_lock_is_held (db_path));
}

Test (mutants, lock_held_through_every_attempt_is_locked)
{
  g_autoptr(GError) error = NULL;

  fail_flock (G_MAXUINT, EWOULDBLOCK);
  cr_assert_null (stk_lock_acquire (db_path, "window", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_LOCKED), "%s", error->message);
  cr_assert_eq (flock_calls, 5, "five attempts, no more");
  cr_assert (!stk_lock_is_held (db_path), "nothing is left locked");
}

Test (mutants, lock_that_cannot_be_taken_says_why)
{
  g_autoptr(GError) error = NULL;

  fail_flock (G_MAXUINT, ENOLCK);
  cr_assert_null (stk_lock_acquire (db_path, "window", &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_IO), "%s", error->message);
  cr_assert (strstr (error->message, "Cannot lock the file “inventory.db.lock”") != NULL,
             "%s", error->message);
  cr_assert (strstr (error->message, g_strerror (ENOLCK)) != NULL, "%s", error->message);
  cr_assert_eq (flock_calls, 1, "an error other than held or interrupted is not retried");
}

/* ---- CSV: a value ending in a tab ---- */

static char *
read_back_one (const char *text)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (text, -1, NULL);
  g_autoptr(StkCsvReader) reader = stk_csv_reader_new (in);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;

  cr_assert_eq (stk_csv_reader_next (reader, &fields, &error), STK_CSV_RECORD, "%s",
                error ? error->message : "");
  cr_assert_eq (fields->len, 2);
  return g_strdup (g_ptr_array_index (fields, 0));
}

Test (mutants, csv_value_ending_in_a_tab_is_quoted)
{
  static const struct
  {
    const char *value;
    const char *expected;
  } cases[] = {
    { "tab\t", "\"tab\t\"" },
    { "\t", "\"\t\"" },
    { "a b\t", "\"a b\t\"" },
    { "in\tside", "in\tside" },
    { "space ", "\"space \"" },
    { " space", "\" space\"" },
    { "\tlead", "\"\tlead\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) line = g_string_new (NULL);
      g_autofree char *back = NULL;

      stk_csv_append_field (line, cases[i].value);
      cr_assert_str_eq (line->str, cases[i].expected, "case %u", i);
      /* Round trip: what was written reads back byte for byte. */
      g_string_append (line, ",end\r\n");
      back = read_back_one (line->str);
      cr_assert_str_eq (back, cases[i].value, "case %u", i);
    }
}

/* ---- a stock count of exactly −1 ---- */

Test (mutants, stock_count_of_minus_one_is_refused_as_a_count)
{
  StkWriter *writer = stk_test_open_writer (db_path);
  g_autoptr(StkOp) count_neg = stk_op_record_movement ("C-1", STK_MOVEMENT_COUNT, -1, "c", 0);
  g_autoptr(StkOp) count_zero = stk_op_record_movement ("C-1", STK_MOVEMENT_COUNT, 0, "c", 0);
  g_autoptr(GError) error = NULL;

  stk_test_submit (writer, stk_op_create_item ("C-1", "", 1, 0));
  stk_test_submit (writer, stk_op_record_movement ("C-1", STK_MOVEMENT_RECEIVE, 5, "in", 0));

  cr_assert_not (stk_writer_submit_sync (writer, count_neg, &error));
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  cr_assert_str_eq (error->message, "A stock count of “C-1” cannot be below zero.");
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'C-1'"), 5);

  /* Zero is a count like any other. */
  cr_assert (stk_writer_submit_sync (writer, count_zero, NULL));
  cr_assert_eq (stk_test_query (db_path, "SELECT on_hand FROM items WHERE code = 'C-1'"), 0);
  cr_assert_eq (stk_test_query (db_path, "SELECT quantity FROM movements WHERE kind = 'count'"), -5);
  stk_test_close_writer (writer);
}
