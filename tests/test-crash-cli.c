/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Crash states: kill -9 of the real stocktake program at random instants of every
 * write path leaves an inventory the next start opens without help, verify clean,
 * nothing acknowledged lost; and the crash check itself notices a lost movement. */
#include "config.h"

#include <criterion/criterion.h>

#include <glib/gstdio.h>

#include "stk-crash-loop.h"
#include "stk-ops.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"

TestSuite (cli, .init = stk_test_fixture_setup, .fini = stk_test_fixture_teardown,
           .timeout = 600);

Test (cli, kill_9_at_random_instants_of_every_write_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  const char *exe = g_getenv ("STOCKTAKE_EXE");
  StkCliCrashCounts counts = { 0 };

  cr_assert_not_null (exe, "STOCKTAKE_EXE is not set");
  cr_assert (stk_crash_cli_loop (exe, tmpdir, 60, &counts, &problem, &error),
             "%s", error ? error->message : "");
  cr_log_info ("rounds %u, kills %u, refused %u, lost %u, verify problems %u", counts.rounds,
               counts.kills, counts.refused, counts.lost, counts.verify_problems);
  cr_assert_eq (counts.refused, 0, "%s", problem);
  cr_assert_eq (counts.lost, 0, "%s", problem);
  cr_assert_eq (counts.verify_problems, 0, "%s", problem);
  cr_assert_eq (counts.rounds, 60);
}

/* A movement acknowledged to the client, whose record survived but whose effect did
 * not, is a loss the crash check must count (it used to take the record for both). */
Test (cli, crash_check_counts_an_acknowledged_movement_without_its_effect)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  g_autoptr(GHashTable) acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *id = stk_op_new_id ();
  StkCrashCounts counts = { 0 };
  StkWriter *writer = stk_test_open_writer (db_path);
  StkOp *op;

  stk_test_submit (writer, stk_op_create_item ("SKU-01", "an item", 100, 1));
  /* Recorded under its id, but the movement the check looks for is not there. */
  op = stk_op_record_movement ("SKU-01", STK_MOVEMENT_RECEIVE, 3, "another reason", 0);
  stk_op_set_id (op, id);
  stk_test_submit (writer, op);
  stk_test_close_writer (writer);

  g_hash_table_insert (acked, g_strdup (id), g_strdup ("record-movement"));
  cr_assert (stk_test_crash_check (db_path, acked, &counts, &problem, &error),
             "%s", error ? error->message : "");
  cr_assert_gt (counts.lost + counts.half_applied, 0,
                "an acknowledged movement without its effect passed the crash check");
}
