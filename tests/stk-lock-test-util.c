/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-lock-test-util.h"

#include "stk-test-util.h"

GSubprocess *
stk_lock_taker_start (const char *db_path,
                      const char *what)
{
  g_autofree char *helper = stk_test_helper_path ("stk-lock-taker");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                           &error, helper, db_path, what ? what : "window", NULL);
  if (proc == NULL)
    g_error ("cannot start %s: %s", helper, error->message);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (line == NULL || !g_str_equal (line, "locked"))
    g_error ("the lock taker did not take the lock: %s",
             error ? error->message : (line ? line : "(no output)"));
  return g_steal_pointer (&proc);
}

void
stk_lock_taker_stop (GSubprocess *taker)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (taker), NULL, NULL);
  g_subprocess_wait (taker, NULL, NULL);
}
