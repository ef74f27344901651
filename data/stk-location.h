/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * stk_location_resolve:
 * @location: what the user gave: --database, STOCKTAKE_DATABASE, Open Inventory…
 *
 * The inventory @location names, as every part of the program must name it (a file:
 * its real path, see stk-identity.h), once the engine that stores it is known. A
 * server location (postgresql://…, postgres://…, a libpq conninfo such as
 * "host=… dbname=…") is refused with one sentence (STK_ERROR_NOT_SUPPORTED) and
 * nothing is created.
 *
 * Returns: (transfer full): the resolved location, or NULL with @error set
 */
char *stk_location_resolve (const char  *location,
                            GError     **error);

/**
 * stk_location_check:
 * Checks the inventory at @location (resolved) without creating or changing anything,
 * the way its engine can: a damaged, foreign or newer one is refused with one sentence;
 * one that does not exist yet sets *@out_exists to FALSE.
 */
gboolean stk_location_check (const char  *location,
                             gboolean    *out_exists,
                             GError     **error);

G_END_DECLS
