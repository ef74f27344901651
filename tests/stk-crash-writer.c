/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Test helper: writes as fast as it can through StkWriter from several threads and
 * prints "ack KIND OP_ID" for each op only after the writer acknowledged it. The test
 * kills it with SIGKILL at a random moment and checks that every acknowledged op is
 * present exactly once and that nothing is half-applied.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "stk-ops.h"
#include "stk-writer.h"

#define N_THREADS 4
#define N_SKUS 16

static GMutex out_lock;

static void
ack (StkOp *op)
{
  g_mutex_lock (&out_lock);
  printf ("ack %s %s\n", stk_op_get_kind (op), stk_op_get_id (op));
  fflush (stdout);
  g_mutex_unlock (&out_lock);
}

static gpointer
client (gpointer data)
{
  StkWriter *writer = data;
  GRand *rand = g_rand_new ();

  for (guint n = 0;; n++)
    {
      g_autoptr(StkOp) op = NULL;
      g_autofree char *code = g_strdup_printf ("SKU-%02d", g_rand_int_range (rand, 0, N_SKUS));

      switch (g_rand_int_range (rand, 0, 3))
        {
        case 0:
          {
            g_autofree char *id = stk_op_new_id ();
            g_autofree char *new_code = g_strdup_printf ("C-%s", id);
            op = stk_op_create_item (new_code, "created by the crash test", 100, 1);
            stk_op_set_id (op, id);
          }
          break;
        case 1:
          {
            /* The reason carries the op id, so the check can find this very movement. */
            g_autofree char *id = stk_op_new_id ();
            g_autofree char *reason = g_strdup_printf ("crash test %s", id);
            op = stk_op_record_movement (code, STK_MOVEMENT_RECEIVE,
                                         g_rand_int_range (rand, 1, 10), reason, 0);
            stk_op_set_id (op, id);
          }
          break;
        default:
          op = stk_op_record_sale (code, 1, -1, 0);
          break;
        }
      if (stk_writer_submit_sync (writer, op, NULL))
        ack (op);
    }
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s DB\n", argv[0]);
      return 2;
    }

  writer = stk_writer_new (argv[1], &error);
  if (writer == NULL)
    {
      fprintf (stderr, "crash-writer: %s\n", error->message);
      return 1;
    }

  for (guint i = 0; i < N_SKUS; i++)
    {
      g_autofree char *code = g_strdup_printf ("SKU-%02u", i);
      g_autoptr(StkOp) create = stk_op_create_item (code, "crash test stock", 250, 5);
      g_autofree char *id = stk_op_new_id ();
      g_autofree char *reason = g_strdup_printf ("crash test %s", id);
      g_autoptr(StkOp) stock = stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, 1000000,
                                                       reason, 0);
      stk_op_set_id (stock, id);
      stk_writer_submit_sync (writer, create, NULL);
      stk_writer_submit_sync (writer, stock, NULL);
    }
  printf ("ready\n");
  fflush (stdout);

  for (guint i = 0; i < N_THREADS; i++)
    g_thread_unref (g_thread_new ("client", client, writer));

  for (;;)
    g_usleep (G_USEC_PER_SEC);
  return 0;
}
