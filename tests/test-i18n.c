/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Italian and Simplified Chinese translations, for real: the stocktake program run
 * in each language (its help, an error message, and `stats` with the locale's number
 * format), and the main window built in each locale (translated view switcher and
 * buttons, prices and dates in the locale's format). Runs under Xvfb with the build
 * tree's catalogs: STOCKTAKE_LOCALEDIR=<build>/po (see tests/meson.build). The real
 * it_IT.UTF-8 and zh_CN.UTF-8 locales are compiled into the build tree by
 * stk_test_ensure_locale(); when anything is missing the tests fail, never skip. */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <criterion/criterion.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-ops.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 60000

/* 2026-03-07 14:05:00 UTC, the time of the sale the window shows. */
#define SALE_TIME_US (G_GINT64_CONSTANT (1772892300) * G_USEC_PER_SEC)

#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

static void
setup (void)
{
  g_setenv ("TZ", "UTC", TRUE);
  tzset ();
  stk_test_fixture_setup ();
}

TestSuite (i18n, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 180);

/* --- helpers ----------------------------------------------------------------------- */

static const char *
localedir (void)
{
  const char *dir = g_getenv ("STOCKTAKE_LOCALEDIR");

  cr_assert (dir != NULL && dir[0] != '\0',
             "STOCKTAKE_LOCALEDIR is not set (run the tests through meson test)");
  return dir;
}

static void
assert_catalog (const char *lang)
{
  g_autofree char *mo = g_build_filename (localedir (), lang, "LC_MESSAGES",
                                          GETTEXT_PACKAGE ".mo", NULL);
  GStatBuf st;

  cr_assert (g_stat (mo, &st) == 0 && st.st_size > 1024,
             "the %s catalog %s is missing or empty: po/LINGUAS and the build must make it",
             lang, mo);
}

static void
ensure_locale (const char *name)
{
  g_autoptr(GError) error = NULL;

  cr_assert (stk_test_ensure_locale (name, &error), "cannot make the locale %s: %s", name,
             error ? error->message : "");
}

/* One item BOLT-M6 at 1234.56 with 1500 in stock (value 1,851,840.00), and one sale
 * of 2 at SALE_TIME_US. */
static void
fill_inventory (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_submit (writer, stk_op_create_item ("BOLT-M6", "Hex bolt M6", 123456, 0));
  stk_test_submit (writer, stk_op_record_movement ("BOLT-M6", STK_MOVEMENT_RECEIVE, 1502,
                                                   "delivery", 0));
  stk_test_submit (writer, stk_op_record_sale ("BOLT-M6", 2, -1, SALE_TIME_US));
  stk_test_close_writer (writer);
}

typedef struct
{
  char *out;
  char *err;
  int   status; /* exit status */
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* Runs the stocktake program with LC_ALL=@lc_all and LANGUAGE=@language (unset when
 * NULL) on the temporary inventory, the build tree's catalogs and LOCPATH inherited. */
static void
run_stocktake (Run               *run,
               const char        *lc_all,
               const char        *language,
               const char *const *args)
{
  const char *exe = g_getenv ("STOCKTAKE_EXE");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  int wait_status = -1;

  cr_assert_not_null (exe, "STOCKTAKE_EXE is not set (run the tests through meson test)");
  localedir ();
  g_ptr_array_add (argv, (gpointer) exe);
  g_ptr_array_add (argv, (gpointer) "--database");
  g_ptr_array_add (argv, db_path);
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (g_steal_pointer (&envp), "LC_ALL", lc_all, TRUE);
  envp = g_environ_unsetenv (g_steal_pointer (&envp), "LANG");
  if (language != NULL)
    envp = g_environ_setenv (g_steal_pointer (&envp), "LANGUAGE", language, TRUE);
  else
    envp = g_environ_unsetenv (g_steal_pointer (&envp), "LANGUAGE");

  cr_assert (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                           &run->out, &run->err, &wait_status, &error),
             "cannot run %s: %s", exe, error ? error->message : "");
  cr_assert (WIFEXITED (wait_status), "stocktake did not exit normally (%d)", wait_status);
  run->status = WEXITSTATUS (wait_status);
}

#define assert_has(haystack, needle) \
  cr_assert (strstr ((haystack), (needle)) != NULL, "“%s” not found in:\n%s", (needle), \
             (haystack))
#define assert_has_not(haystack, needle) \
  cr_assert (strstr ((haystack), (needle)) == NULL, "“%s” found in:\n%s", (needle), \
             (haystack))

/* --- catalogs ------------------------------------------------------------------------ */

Test (i18n, catalogs_are_built)
{
  assert_catalog ("it");
  assert_catalog ("zh_CN");
}

/* --- the command line ---------------------------------------------------------------- */

static const char *const help_args[] = { "--help", NULL };

Test (i18n, help_is_english_without_a_language)
{
  Run run = { 0 };

  run_stocktake (&run, "C.UTF-8", NULL, help_args);
  cr_assert_eq (run.status, 0, "%s", run.err);
  assert_has (run.out, "Usage:");
  assert_has (run.out, "Commands:");
  assert_has (run.out, "Show the inventory’s figures");
  run_clear (&run);
}

Test (i18n, help_in_italian)
{
  Run run = { 0 };

  assert_catalog ("it");
  run_stocktake (&run, "C.UTF-8", "it", help_args);
  cr_assert_eq (run.status, 0, "%s", run.err);
  assert_has (run.out, "Uso:");
  assert_has (run.out, "Comandi:");
  assert_has (run.out, "Stato di uscita:");
  assert_has (run.out, "Mostra i dati dell'inventario");
  assert_has (run.out, "Esegue un comando ed esce");
  assert_has_not (run.out, "Commands:");
  run_clear (&run);
}

Test (i18n, help_in_chinese)
{
  Run run = { 0 };

  assert_catalog ("zh_CN");
  run_stocktake (&run, "C.UTF-8", "zh_CN", help_args);
  cr_assert_eq (run.status, 0, "%s", run.err);
  assert_has (run.out, "用法：");
  assert_has (run.out, "命令：");
  assert_has (run.out, "退出状态：");
  assert_has (run.out, "显示库存文件的统计数据");
  assert_has_not (run.out, "Commands:");
  run_clear (&run);
}

Test (i18n, usage_errors_are_translated)
{
  static const char *const args[] = { "frobnicate", NULL };
  Run run = { 0 };

  run_stocktake (&run, "C.UTF-8", "it", args);
  cr_assert_eq (run.status, 2, "exit status %d: %s", run.status, run.err);
  assert_has (run.err, "Comando «frobnicate» sconosciuto.");
  run_clear (&run);

  run_stocktake (&run, "C.UTF-8", "zh_CN", args);
  cr_assert_eq (run.status, 2, "exit status %d: %s", run.status, run.err);
  assert_has (run.err, "未知命令“frobnicate”。");
  run_clear (&run);
}

static const char *const stats_args[] = { "stats", NULL };

Test (i18n, stats_in_italian_with_italian_numbers)
{
  Run run = { 0 };

  assert_catalog ("it");
  ensure_locale ("it_IT.UTF-8");
  fill_inventory ();
  run_stocktake (&run, "it_IT.UTF-8", NULL, stats_args);
  cr_assert_eq (run.status, 0, "%s", run.err);
  assert_has (run.out, "Articoli:");
  assert_has (run.out, "Vendite:");
  assert_has (run.out, "Giacenza totale:");
  assert_has (run.out, "Valore delle scorte a prezzo di vendita:");
  /* 1500 × 1234.56 with Italian separators, and the euro where Italian puts it. */
  assert_has (run.out, "€\u00a01.851.840,00");
  assert_has (run.out, "1.500");
  assert_has_not (run.out, "1,851,840.00");
  run_clear (&run);
}

Test (i18n, stats_in_chinese_with_chinese_numbers)
{
  Run run = { 0 };

  assert_catalog ("zh_CN");
  ensure_locale ("zh_CN.UTF-8");
  fill_inventory ();
  run_stocktake (&run, "zh_CN.UTF-8", NULL, stats_args);
  cr_assert_eq (run.status, 0, "%s", run.err);
  assert_has (run.out, "商品");
  assert_has (run.out, "现有库存总量");
  assert_has (run.out, "库存价值（按售价）");
  assert_has (run.out, "1,851,840.00");
  assert_has (run.out, "字节");
  run_clear (&run);
}

/* The currency symbol of the preferences (GSettings) wins over the locale's, in the
 * command line as in the window. */
Test (i18n, currency_symbol_from_preferences)
{
  Run run = { 0 };
  g_autofree char *config = g_build_filename (tmpdir, "config", "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (config, "keyfile", NULL);
  g_autofree char *config_home = g_build_filename (tmpdir, "config", NULL);

  ensure_locale ("it_IT.UTF-8");
  fill_inventory ();
  cr_assert_eq (g_mkdir_with_parents (config, 0700), 0);
  cr_assert (g_file_set_contents (keyfile, "[io/github/stocktake/Stocktake]\n"
                                  "currency-symbol='CHF'\n", -1, NULL));
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  run_stocktake (&run, "it_IT.UTF-8", NULL, stats_args);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  cr_assert_eq (run.status, 0, "%s", run.err);
  assert_has (run.out, "CHF\u00a01.851.840,00");
  assert_has_not (run.out, "€");
  run_clear (&run);
}

/* --- the window ---------------------------------------------------------------------- */

/* A visible label under @widget whose text contains @needle. */
static GtkLabel *
find_label (GtkWidget  *widget,
            const char *needle)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    return GTK_LABEL (widget);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkLabel *found = find_label (c, needle);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first widget of @type under @widget (itself included), or NULL. */
static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The view switcher's button whose label reads exactly @title, or NULL. */
static GtkWidget *
switcher_button (GtkWidget  *window,
                 const char *title)
{
  GtkWidget *switcher = find_widget (window, ADW_TYPE_VIEW_SWITCHER);

  cr_assert_not_null (switcher, "the window has no view switcher");
  for (GtkWidget *b = gtk_widget_get_first_child (switcher); b; b = gtk_widget_get_next_sibling (b))
    {
      GtkLabel *label = find_label (b, title);

      if (label != NULL && g_str_equal (gtk_label_get_text (label), title))
        return b;
    }
  return NULL;
}

/* Switches to the view whose switcher button reads @title, as a click would. */
static void
switch_view (GtkWidget  *window,
             const char *title)
{
  GtkWidget *button = switcher_button (window, title);

  cr_assert (GTK_IS_TOGGLE_BUTTON (button), "no view switcher button “%s”", title);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
}

typedef struct
{
  const char *locale;
  const char *switcher[4];   /* Items, Sales, Stock Moves, Reports */
  const char *button;        /* the _Edit… button of the items view */
  const char *price;         /* 1234.56 */
  const char *sale_time;     /* SALE_TIME_US to the minute */
} WindowCase;

static void
check_window (const WindowCase *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(StkSession) session = NULL;
  GtkWidget *window;

  ensure_locale (c->locale);
  fill_inventory ();

  /* As main() does, but in this process: gtk_init() calls setlocale (LC_ALL, ""). */
  g_setenv ("LC_ALL", c->locale, TRUE);
  g_unsetenv ("LANGUAGE");
  cr_assert_not_null (bindtextdomain (GETTEXT_PACKAGE, localedir ()));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_init ();
  cr_assert_str_eq (setlocale (LC_ALL, NULL), c->locale);

  app = gtk_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  cr_assert (g_application_register (G_APPLICATION (app), NULL, &error), "register: %s",
             error ? error->message : "");
  session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  cr_assert_not_null (session, "open: %s", error ? error->message : "");

  window = GTK_WIDGET (stk_window_new (app, session, NULL));
  gtk_window_present (GTK_WINDOW (window));

  for (guint i = 0; i < G_N_ELEMENTS (c->switcher); i++)
    cr_assert (WAIT_UNTIL (switcher_button (window, c->switcher[i]) != NULL),
               "the view switcher has no “%s”", c->switcher[i]);
  cr_assert_null (switcher_button (window, "Items"), "an untranslated view title");
  cr_assert (WAIT_UNTIL (find_label (window, c->button) != NULL), "no “%s” button", c->button);

  /* The items view: the price with the locale's separators. */
  cr_assert (WAIT_UNTIL (find_label (window, c->price) != NULL),
             "the items view shows no price “%s”", c->price);

  /* The sales view: the sale's date and time in the locale's format. */
  switch_view (window, c->switcher[1]);
  cr_assert (WAIT_UNTIL (find_label (window, c->sale_time) != NULL),
             "the sales view shows no sale at “%s”", c->sale_time);

  gtk_window_destroy (GTK_WINDOW (window));
  cr_assert (stk_session_close (session, 5000, &error), "close: %s",
             error ? error->message : "");
}

Test (i18n, window_in_italian)
{
  static const WindowCase c = {
    "it_IT.UTF-8",
    { "Articoli", "Vendite", "Movimenti", "Report" },
    "Modifica…",
    "1.234,56",
    "07/03/2026 14:05",
  };

  assert_catalog ("it");
  check_window (&c);
}

Test (i18n, window_in_chinese)
{
  static const WindowCase c = {
    "zh_CN.UTF-8",
    { "商品", "销售", "库存变动", "报表" },
    "编辑",
    "1,234.56",
    "2026年03月07日",
  };

  assert_catalog ("zh_CN");
  check_window (&c);
}
