/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* GLib idioms in a form ISO C accepts, so that -Dwarning_level=3 (-Wpedantic) builds
 * without warnings. ISO C has no conversion between a function pointer and void *,
 * which GLib uses for tags and handler matching; through guintptr it is exact on every
 * platform GLib runs on, and -Wpedantic accepts it. */

/* @func's address as a gpointer: a GTask source tag, the func of
 * g_signal_handlers_disconnect_by_func(). */
#define STK_FUNC_TAG(func) ((gpointer) (guintptr) (func))

/* g_task_set_source_tag (@task, @func), with the task named after @func as GLib's
 * macro does. */
#define stk_task_set_source_tag(task, func)                                   \
  G_STMT_START                                                                \
  {                                                                           \
    GTask *_stk_task = (task);                                                \
    (g_task_set_source_tag) (_stk_task, STK_FUNC_TAG (func));                 \
    if (g_task_get_name (_stk_task) == NULL)                                  \
      g_task_set_name (_stk_task, #func);                                     \
  }                                                                           \
  G_STMT_END

/* A GSettings for @schema_id, or NULL when that schema is not installed (running
 * uninstalled without GSETTINGS_SCHEMA_DIR): callers do without, rather than abort as
 * g_settings_new() would. */
static inline GSettings *
stk_settings_new_if_installed (const char *schema_id)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  GSettingsSchema *schema = NULL;
  GSettings *settings;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, schema_id, TRUE);
  if (schema == NULL)
    return NULL;
  settings = g_settings_new_full (schema, NULL, NULL);
  g_settings_schema_unref (schema);
  return settings;
}

G_END_DECLS
