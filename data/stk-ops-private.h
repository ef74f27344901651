/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to data/: the kinds of op and their payloads (stk-op-payloads.h). */
#ifndef STK_DATA_INTERNAL
#error "stk-ops-private.h is private to data/; use the public headers"
#endif

#include "stk-ops.h"
#include "stk-op-payloads.h"
