/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-engine.h"
#include "stk-location.h"

#include <glib/gi18n.h>
#include <string.h>

#include "stk-error.h"

/*
 * The one place that knows the engines: a location (what --database,
 * STOCKTAKE_DATABASE or Open Inventory… gave) picks the engine that stores it. The
 * writer, the store and the session all ask here, so a location no engine can open is
 * refused the same way everywhere, before anything (a lock, a file) is made.
 */

/* The keywords a libpq conninfo string starts with ("host=… dbname=…"). */
static const char *const conninfo_keywords[] = {
  "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service",
  "connect_timeout", "options", "application_name", "sslmode", "sslcert", "sslkey",
  "sslrootcert", "target_session_attrs",
};

static gboolean
is_conninfo (const char *location)
{
  const char *p = location;
  gsize n;

  while (g_ascii_isspace (*p))
    p++;
  n = strspn (p, "abcdefghijklmnopqrstuvwxyz_");
  if (n == 0)
    return FALSE;
  for (const char *q = p + n; *q != '\0'; q++)
    {
      if (*q == '=')
        break;
      if (!g_ascii_isspace (*q))
        return FALSE;
    }
  if (strchr (p + n, '=') == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (conninfo_keywords); i++)
    if (strlen (conninfo_keywords[i]) == n && strncmp (p, conninfo_keywords[i], n) == 0)
      return TRUE;
  return FALSE;
}

gboolean
stk_engine_is_server_location (const char *location)
{
  g_return_val_if_fail (location != NULL, FALSE);

  return g_ascii_strncasecmp (location, "postgresql://", strlen ("postgresql://")) == 0 ||
         g_ascii_strncasecmp (location, "postgres://", strlen ("postgres://")) == 0 ||
         is_conninfo (location);
}

const StkEngine *
stk_engine_for_location (const char  *location,
                         GError     **error)
{
  g_return_val_if_fail (location != NULL, NULL);

  if (stk_engine_is_server_location (location))
    {
      /* The location is not repeated: a server location may carry a password. */
      g_set_error_literal (error, STK_ERROR, STK_ERROR_NOT_SUPPORTED,
                           _("This Stocktake cannot open server inventories yet: the "
                             "location given names a PostgreSQL database, not an inventory "
                             "file."));
      return NULL;
    }
  return stk_engine_sqlite ();
}

char *
stk_location_resolve (const char  *location,
                      GError     **error)
{
  const StkEngine *engine;

  g_return_val_if_fail (location != NULL, NULL);

  if (!(engine = stk_engine_for_location (location, error)))
    return NULL;
  return engine->resolve (location, error);
}

gboolean
stk_location_check (const char  *location,
                    gboolean    *out_exists,
                    GError     **error)
{
  const StkEngine *engine;

  g_return_val_if_fail (location != NULL, FALSE);
  g_return_val_if_fail (out_exists != NULL, FALSE);

  if (!(engine = stk_engine_for_location (location, error)))
    return FALSE;
  return engine->check (location, out_exists, error);
}
