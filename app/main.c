/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-cli.h"
#include "stk-db.h"
#include "stk-format.h"
#include "stk-glib.h"

#ifdef STK_WITH_GUI
# include "stk-application.h"
# include "stk-table-view.h"
#endif

/* The inventory to use: --database, else $STOCKTAKE_DATABASE, else (for the window)
 * the one it opened last if it is still there, else the default path (whose folder is
 * created, private to the user). */
static char *
resolve_database_path (const char *option,
                       gboolean    window)
{
  const char *env = g_getenv ("STOCKTAKE_DATABASE");
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;

  if (option != NULL)
    return g_strdup (option);
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (window)
    {
      g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);
      g_autofree char *last = settings ? g_settings_get_string (settings, "last-inventory")
                                       : NULL;

      if (last != NULL && last[0] != '\0' && g_file_test (last, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&last);
    }

  path = stk_db_default_path ();
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_debug ("Cannot create %s: %s", dir, g_strerror (errno));
  return g_steal_pointer (&path);
}

static void
currency_symbol_changed_cb (GSettings  *settings,
                            const char *key,
                            gpointer    user_data)
{
  g_autofree char *symbol = g_settings_get_string (settings, key);

  stk_format_set_currency_symbol (symbol[0] != '\0' ? symbol : NULL);
#ifdef STK_WITH_GUI
  /* The lists show the new symbol at once, not only in rows drawn from now on. */
  stk_table_view_render_again ();
#endif
}

/* The currency symbol of the preferences, for the window and the command line alike;
 * kept up to date while the process runs. Without the schema (running uninstalled
 * without GSETTINGS_SCHEMA_DIR), the locale's. */
static GSettings *
follow_currency_setting (void)
{
  GSettings *settings = stk_settings_new_if_installed (APP_ID);

  if (settings == NULL)
    return NULL;
  g_signal_connect (settings, "changed::currency-symbol",
                    G_CALLBACK (currency_symbol_changed_cb), NULL);
  currency_symbol_changed_cb (settings, "currency-symbol", NULL);
  return settings;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db_path = NULL;
  g_autoptr(GSettings) settings = NULL;
  const char *database = NULL;
  const char *localedir = g_getenv ("STOCKTAKE_LOCALEDIR"); /* tests: <build>/po */
  int i;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("stocktake");
  settings = follow_currency_setting ();

  /* Global options come before the command; GTK never sees them. */
  for (i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--"))
        {
          i++;
          break;
        }
      if (arg[0] != '-' || arg[1] == '\0')
        break;

      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          g_autofree char *help = stk_cli_get_help ();
          g_print ("%s", help);
          return STK_CLI_EXIT_OK;
        }
      else if (g_str_equal (arg, "--version"))
        {
          g_print ("stocktake %s\n", PACKAGE_VERSION);
          return STK_CLI_EXIT_OK;
        }
      else if (g_str_equal (arg, "--database"))
        {
          if (i + 1 >= argc || argv[i + 1][0] == '\0')
            return stk_cli_usage_error (_("The option --database needs the path of an inventory file."));
          database = argv[++i];
        }
      else if (g_str_has_prefix (arg, "--database="))
        {
          database = arg + strlen ("--database=");
          if (database[0] == '\0')
            return stk_cli_usage_error (_("The option --database needs the path of an inventory file."));
        }
      else
        return stk_cli_usage_error (_("Unknown option “%s”."), arg);
    }

  db_path = resolve_database_path (database, i >= argc);

  if (i < argc)
    return stk_cli_run (db_path, argc - i, argv + i);

#ifdef STK_WITH_GUI
  {
    g_autoptr(StkApplication) app = NULL;

    /* Without a display GTK would print only "cannot open display:" and exit; the
     * window needs one, commands do not. */
    if (!gtk_init_check ())
      {
        g_printerr ("stocktake: %s\n",
                    _("Cannot open the inventory window: no display can be reached "
                      "(commands such as “stocktake stats” work without one)."));
        return STK_CLI_EXIT_FAILURE;
      }
    app = stk_application_new (db_path);

    /* Only the program name: the options were handled above. */
    return g_application_run (G_APPLICATION (app), 1, argv);
  }
#else
  return stk_cli_usage_error (_("This build of Stocktake has no window: give a command."));
#endif
}
