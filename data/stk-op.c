/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-op-private.h"

struct _StkOp
{
  gatomicrefcount ref_count;
  char           *id;
  char           *kind;
  char           *description;
  StkOpDescribeFunc describe;
  StkOpFlags      flags;
  StkChangeFlags  changes;
  gpointer        payload;  /* what the change is: read by the engine's applier */
  GDestroyNotify  destroy;
  StkOpHook       hook;     /* an engine's own closure (its tests), or NULL */
  StkOpRunFunc    run;      /* runs in the op's place on the writer thread, or NULL */
  gint64          row_id;
  gboolean        duplicate;
};

/* Written out rather than G_DEFINE_BOXED_TYPE: GLib 2.74's macro passes the copy function
 * through a transparent union, which -Wpedantic (-Dwarning_level=3) refuses. */
GType
stk_op_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType id = g_boxed_type_register_static (g_intern_static_string ("StkOp"),
                                               (GBoxedCopyFunc) stk_op_ref,
                                               (GBoxedFreeFunc) stk_op_unref);

      g_once_init_leave (&type_id, id);
    }
  return type_id;
}

/*
 * A new op id: UUID version 7 layout (48-bit millisecond time, then random bits), so
 * ids sort by creation time and the applied_ops index grows at its end.
 */
char *
stk_op_new_id (void)
{
  static const char hex[] = "0123456789abcdef";
  static gint64 last_ms;
  static guint16 seq;
  static GMutex lock;
  guint8 b[16];
  guint64 r = ((guint64) g_random_int () << 32) | g_random_int ();
  gint64 ms = g_get_real_time () / 1000;
  char *id = g_malloc (37);
  char *p = id;
  guint16 s;

  g_mutex_lock (&lock);
  if (ms <= last_ms)
    ms = last_ms; /* keep ids monotonic within the process if the clock steps back */
  if (ms == last_ms)
    seq++;
  else
    seq = (guint16) (g_random_int () & 0x3ff);
  last_ms = ms;
  s = seq;
  g_mutex_unlock (&lock);

  for (guint i = 0; i < 6; i++)
    b[i] = (guint8) (ms >> (40 - 8 * i));
  b[6] = (guint8) (0x70 | ((s >> 8) & 0x0f)); /* version 7 */
  b[7] = (guint8) s;
  for (guint i = 8; i < 16; i++)
    b[i] = (guint8) (r >> (8 * (i - 8)));
  b[8] = (guint8) (0x80 | (b[8] & 0x3f)); /* RFC 9562 variant */

  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        *p++ = '-';
      *p++ = hex[b[i] >> 4];
      *p++ = hex[b[i] & 0xf];
    }
  *p = '\0';
  return id;
}

/**
 * stk_op_new:
 * An op is a value: its @kind says what the change is and @payload carries its fields
 * (see stk-op-payloads.h), which the engine's applier for @kind reads. The op holds no
 * code of any engine; the engine picks how to apply it (stk-engine.h).
 */
StkOp *
stk_op_new (const char     *kind,
            StkChangeFlags  changes,
            gpointer        payload,
            GDestroyNotify  destroy)
{
  StkOp *op;

  g_return_val_if_fail (kind != NULL, NULL);

  op = g_new0 (StkOp, 1);
  g_atomic_ref_count_init (&op->ref_count);
  op->id = stk_op_new_id ();
  op->kind = g_strdup (kind);
  op->changes = changes;
  op->payload = payload;
  op->destroy = destroy;
  return op;
}

StkOp *
stk_op_ref (StkOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);

  g_atomic_ref_count_inc (&op->ref_count);
  return op;
}

void
stk_op_unref (StkOp *op)
{
  g_return_if_fail (op != NULL);

  if (!g_atomic_ref_count_dec (&op->ref_count))
    return;

  if (op->destroy != NULL)
    op->destroy (op->payload);
  g_free (op->id);
  g_free (op->kind);
  g_free (op->description);
  g_free (op);
}

const char *
stk_op_get_id (StkOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->id;
}

void
stk_op_set_id (StkOp      *op,
               const char *id)
{
  g_return_if_fail (op != NULL);
  g_return_if_fail (id != NULL && *id != '\0');

  g_free (op->id);
  op->id = g_strdup (id);
}

const char *
stk_op_get_kind (StkOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->kind;
}

/**
 * stk_op_get_description:
 * Returns: what the op does, in words ("Sale of 2 × “HW-1”"), for messages such as
 * the list of changes that would be lost. Built on first use: call it from one thread.
 */
const char *
stk_op_get_description (StkOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);

  if (op->description == NULL && op->describe != NULL)
    op->description = op->describe (op, op->payload);
  return op->description != NULL ? op->description : op->kind;
}

void
stk_op_set_describe_func (StkOp             *op,
                          StkOpDescribeFunc  describe)
{
  g_return_if_fail (op != NULL);
  op->describe = describe;
}

void
stk_op_set_description (StkOp      *op,
                        const char *description)
{
  g_return_if_fail (op != NULL);

  g_free (op->description);
  op->description = g_strdup (description);
}

StkOpFlags
stk_op_get_flags (StkOp *op)
{
  g_return_val_if_fail (op != NULL, 0);
  return op->flags;
}

void
stk_op_set_flags (StkOp      *op,
                  StkOpFlags  flags)
{
  g_return_if_fail (op != NULL);
  op->flags = flags;
}

StkChangeFlags
stk_op_get_changes (StkOp *op)
{
  g_return_val_if_fail (op != NULL, 0);
  return op->changes;
}

gpointer
stk_op_get_data (StkOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->payload;
}

StkOp *
stk_op_new_run (const char     *kind,
                StkChangeFlags  changes,
                StkOpRunFunc    run,
                gpointer        user_data,
                GDestroyNotify  destroy)
{
  StkOp *op;

  g_return_val_if_fail (run != NULL, NULL);

  op = stk_op_new (kind, changes, user_data, destroy);
  op->run = run;
  return op;
}

StkOpRunFunc
stk_op_get_run (StkOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->run;
}

gpointer
stk_op_get_payload (StkOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->payload;
}

void
stk_op_set_hook (StkOp     *op,
                 StkOpHook  hook)
{
  g_return_if_fail (op != NULL);
  op->hook = hook;
}

StkOpHook
stk_op_get_hook (StkOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->hook;
}

gint64
stk_op_get_row_id (StkOp *op)
{
  g_return_val_if_fail (op != NULL, 0);
  return op->row_id;
}

void
stk_op_set_row_id (StkOp  *op,
                   gint64  row_id)
{
  g_return_if_fail (op != NULL);
  op->row_id = row_id;
}

gboolean
stk_op_get_duplicate (StkOp *op)
{
  g_return_val_if_fail (op != NULL, FALSE);
  return op->duplicate;
}

void
stk_op_set_duplicate (StkOp    *op,
                      gboolean  duplicate)
{
  g_return_if_fail (op != NULL);
  op->duplicate = !!duplicate;
}
