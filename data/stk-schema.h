/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "STKT" in big-endian: PRAGMA application_id of every Stocktake inventory. */
#define STK_SCHEMA_APPLICATION_ID 0x53544b54
#define STK_SCHEMA_VERSION 10

G_END_DECLS

