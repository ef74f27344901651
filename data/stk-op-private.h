/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/ (and its tests): how an op is built and read. An op is a value —
 * its kind and a payload (stk-op-payloads.h) — and names no engine: the engine maps
 * the kind to its own applier (stk-engine.h). The front ends build ops with stk-ops.h. */
#ifndef STK_DATA_INTERNAL
#error "stk-op-private.h is private to data/; use the public headers"
#endif

#include <glib-object.h>

#include "stk-op.h"

G_BEGIN_DECLS

/* An engine's own closure carried by an op (cast back to the engine's function type
 * before calling it): only engine tests and an engine's internal ops use it. */
typedef void (*StkOpHook) (void);

StkOp          *stk_op_new             (const char     *kind,
                                        StkChangeFlags  changes,
                                        gpointer        payload,
                                        GDestroyNotify  destroy);
gpointer        stk_op_get_payload     (StkOp          *op);
void            stk_op_set_hook        (StkOp          *op,
                                        StkOpHook       hook);
StkOpHook       stk_op_get_hook        (StkOp          *op);

/**
 * StkOpRunFunc:
 * An op that changes nothing stored and runs on the writer thread in the op's place
 * (a barrier, a test's gate): every engine gets it, since the writer calls it itself
 * instead of asking the engine to apply the op.
 */
typedef gboolean (*StkOpRunFunc) (StkOp    *op,
                                  gpointer  user_data,
                                  GError  **error);

StkOp          *stk_op_new_run         (const char     *kind,
                                        StkChangeFlags  changes,
                                        StkOpRunFunc    run,
                                        gpointer        user_data,
                                        GDestroyNotify  destroy);
StkOpRunFunc    stk_op_get_run         (StkOp          *op);

/* For the writer only. */
void            stk_op_set_duplicate   (StkOp          *op,
                                        gboolean        duplicate);

G_END_DECLS
