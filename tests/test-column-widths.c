/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 16: the lists' columns at a window 800 px wide, in English, Italian and
 * Simplified Chinese (en_US.UTF-8, it_IT.UTF-8, zh_CN.UTF-8). In each, the Items list's
 * Description is wider than every other column and more than twice as wide as each
 * numeric one, and the columns of Items, Sales and Stock Moves fit the view with no
 * horizontal scrollbar and no header cut short. The locales are compiled into the build
 * tree by stk_test_ensure_locale(); a locale that cannot be made, or Chinese with no
 * font for it, is reported as skipped (a TAP "skip" with the reason), never passed.
 * Runs under Xvfb with the build tree's catalogs (see tests/meson.build). */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>
#include <glib/gi18n.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-ops.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 60000
#define WIDTH 800

/* 2026-12-31 23:59:00 UTC: a long date in every format. */
#define WHEN_US (G_GINT64_CONSTANT (1798761540) * G_USEC_PER_SEC)

#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

static void
setup (void)
{
  g_setenv ("TZ", "UTC", TRUE);
  tzset ();
  stk_test_fixture_setup ();
}

TestSuite (column_widths, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 180);

/* Items with long descriptions and large figures, one low on stock (its badge widens On
 * Hand), a sale and a receipt with a reason. */
static void
fill_inventory (void)
{
  StkWriter *writer = stk_test_open_writer (db_path);

  stk_test_submit (writer, stk_op_create_item ("BOLT-M6-ZINC-100",
                                               "Hex bolt M6 x 40 mm, zinc plated, box of 100 "
                                               "with washers and nuts", 12345678, 25000));
  stk_test_submit (writer, stk_op_record_movement ("BOLT-M6-ZINC-100", STK_MOVEMENT_RECEIVE,
                                                   1234567, "delivery from the wholesaler "
                                                   "for the spring season", WHEN_US));
  stk_test_submit (writer, stk_op_create_item ("NUT-M6", "Hex nut M6", 1999, 1000));
  stk_test_submit (writer, stk_op_record_movement ("NUT-M6", STK_MOVEMENT_RECEIVE, 12,
                                                   "delivery", WHEN_US));
  stk_test_submit (writer, stk_op_record_sale ("BOLT-M6-ZINC-100", 1234, -1, WHEN_US));
  stk_test_close_writer (writer);
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    return widget;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkLabel *
find_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return GTK_LABEL (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkLabel *found = find_label (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The view switcher's button for @page of the window's view stack. */
static void
switch_view (GtkWidget  *window,
             const char *page)
{
  AdwViewStack *stack = ADW_VIEW_STACK (find_widget (window, ADW_TYPE_VIEW_STACK));

  cr_assert_not_null (stack, "the window has no view stack");
  adw_view_stack_set_visible_child_name (stack, page);
}

/* The column headers of the visible list: the column view's header's children, in
 * the columns' order. */
static GPtrArray *
headers (GtkColumnView *view)
{
  GPtrArray *titles = g_ptr_array_new ();
  GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (view));

  for (GtkWidget *c = gtk_widget_get_first_child (header); c; c = gtk_widget_get_next_sibling (c))
    if (gtk_widget_get_visible (c))
      g_ptr_array_add (titles, c);
  return titles;
}

static gboolean
laid_out (GtkColumnView *view,
          guint          n_columns)
{
  g_autoptr(GPtrArray) titles = NULL;

  if (view == NULL || !gtk_widget_get_mapped (GTK_WIDGET (view)) ||
      gtk_widget_get_width (GTK_WIDGET (view)) <= 0)
    return FALSE;
  titles = headers (view);
  if (titles->len != n_columns)
    return FALSE;
  for (guint i = 0; i < titles->len; i++)
    if (gtk_widget_get_width (g_ptr_array_index (titles, i)) <= 0)
      return FALSE;
  return TRUE;
}

static gint64
frame_count (GtkWidget *widget)
{
  return gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (widget));
}

static void
next_frame (GtkWidget *widget)
{
  gint64 frame = frame_count (widget);

  gtk_widget_queue_resize (widget);
  cr_assert (WAIT_UNTIL (frame_count (widget) > frame), "no frame was drawn");
}

/* The visible list's column view, once it is laid out with its rows. */
static GtkColumnView *
visible_columns (GtkWidget *window)
{
  GtkColumnView *view = NULL;
  GListModel *columns;

  cr_assert (WAIT_UNTIL ((view = GTK_COLUMN_VIEW (find_widget (window, GTK_TYPE_COLUMN_VIEW)))
                         != NULL), "no list is showing");
  columns = gtk_column_view_get_columns (view);
  cr_assert (WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (view)))
                         > 0 && laid_out (view, g_list_model_get_n_items (columns))),
             "the list was not laid out with its rows");
  /* The rows measured: a few frames drawn after the rows came (each one asked for). */
  for (int i = 0; i < 3; i++)
    next_frame (GTK_WIDGET (view));
  return view;
}

/* The rule for every list: the columns fit the view (no horizontal scrolling) and no
 * header is narrower than its title. Returns the columns' widths. */
static GArray *
check_fits (GtkColumnView *view,
            const char    *locale,
            const char    *list)
{
  GtkScrolledWindow *scroller =
    GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (scroller);
  g_autoptr(GPtrArray) titles = headers (view);
  GArray *widths = g_array_new (FALSE, FALSE, sizeof (int));
  int sum = 0;

  for (guint i = 0; i < titles->len; i++)
    {
      GtkWidget *title = g_ptr_array_index (titles, i);
      GtkLabel *label = find_label (title);
      int width = gtk_widget_get_width (title);
      graphene_rect_t bounds;
      int natural = 0;

      cr_assert_not_null (label);
      gtk_widget_measure (GTK_WIDGET (label), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural,
                          NULL, NULL);
      cr_log_info ("%s %s: “%s” %d px (title %d px)", locale, list, gtk_label_get_text (label),
                   width, natural);
      /* Not cut: the whole title, laid out on its lines, inside its header. */
      cr_assert (gtk_widget_get_width (GTK_WIDGET (label)) >= natural,
                 "%s, %s: the header “%s” is cut (%d px of %d)", locale, list,
                 gtk_label_get_text (label), gtk_widget_get_width (GTK_WIDGET (label)), natural);
      cr_assert (gtk_widget_compute_bounds (GTK_WIDGET (label), title, &bounds));
      cr_assert (bounds.origin.x >= 0 && bounds.origin.x + bounds.size.width <= width + 0.5,
                 "%s, %s: the header “%s” overflows its column (%g to %g px of %d)", locale,
                 list, gtk_label_get_text (label), bounds.origin.x,
                 bounds.origin.x + bounds.size.width, width);
      g_array_append_val (widths, width);
      sum += width;
    }
  cr_log_info ("%s %s: columns %d px in a view of %d px, scrollable %g of %g", locale, list,
               sum, gtk_widget_get_width (GTK_WIDGET (scroller)),
               gtk_adjustment_get_upper (h), gtk_adjustment_get_page_size (h));
  cr_assert (sum <= gtk_widget_get_width (GTK_WIDGET (scroller)),
             "%s, %s: the columns take %d px, the view has %d", locale, list, sum,
             gtk_widget_get_width (GTK_WIDGET (scroller)));
  cr_assert (gtk_adjustment_get_upper (h) <= gtk_adjustment_get_page_size (h) + 0.5,
             "%s, %s: the list scrolls sideways (%g px in %g)", locale, list,
             gtk_adjustment_get_upper (h), gtk_adjustment_get_page_size (h));
  return widths;
}

/* Chinese measured with boxes for its characters proves nothing: with no font that has
 * Han characters (Debian: fonts-noto-cjk, fonts-wqy-microhei), the Chinese test says it
 * skipped. Its dates' length is held by tests/test-format.c either way. */
static void
ensure_han_font (void)
{
  g_autofree char *out = NULL;

  if (g_spawn_command_line_sync ("fc-list :charset=4e2d family", &out, NULL, NULL, NULL) &&
      out != NULL && out[0] != '\0')
    return;
  cr_skip_test ("skipped the locale zh_CN.UTF-8: no font here has Han characters "
                "(fonts-noto-cjk or fonts-wqy-microhei)");
}

static void
check_locale (const char *locale)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(StkSession) session = NULL;
  g_autoptr(GArray) items = NULL;
  g_autoptr(GArray) sales = NULL;
  g_autoptr(GArray) moves = NULL;
  const char *localedir = g_getenv ("STOCKTAKE_LOCALEDIR");
  GtkWidget *window;

  cr_assert (localedir != NULL, "STOCKTAKE_LOCALEDIR is not set (run through meson test)");
  if (!stk_test_ensure_locale (locale, &error))
    {
      /* Said, never passed: TAP shows "skip" with this reason. */
      cr_skip_test ("skipped the locale %s: it is not installed and cannot be made (%s)",
                    locale, error->message);
      return;
    }
  fill_inventory ();

  g_setenv ("LC_ALL", locale, TRUE);
  g_unsetenv ("LANGUAGE");
  cr_assert_not_null (bindtextdomain (GETTEXT_PACKAGE, localedir));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_init ();
  adw_init ();
  cr_assert_str_eq (setlocale (LC_ALL, NULL), locale);

  app = gtk_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  cr_assert (g_application_register (G_APPLICATION (app), NULL, &error), "register: %s",
             error ? error->message : "");
  session = stk_session_open (db_path, STK_SESSION_MODE_EDIT, &error);
  cr_assert_not_null (session, "open: %s", error ? error->message : "");

  window = GTK_WIDGET (stk_window_new (app, session, NULL));
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, 600);
  gtk_window_present (GTK_WINDOW (window));
  cr_assert (WAIT_UNTIL (gtk_widget_get_width (window) > 0));
  /* The default size counts the client-side decorations' margins too. */
  cr_assert (ABS (gtk_widget_get_width (window) - WIDTH) <= 16, "the window is %d px wide",
             gtk_widget_get_width (window));

  /* Items: Code, Description, On Hand, Price, Reorder Level, Last Change. */
  items = check_fits (visible_columns (window), locale, "Items");
  cr_assert_eq (items->len, 6);
  for (guint i = 0; i < items->len; i++)
    if (i != 1)
      cr_assert (g_array_index (items, int, 1) > g_array_index (items, int, i),
                 "%s: Description (%d px) is not wider than column %u (%d px)", locale,
                 g_array_index (items, int, 1), i, g_array_index (items, int, i));

  /* The numeric columns stay compact: none takes half of Description's width (a title
   * on one line made Reorder Level 116 px beside a 177 px Description, 141 beside 154 in
   * Italian). */
  for (guint i = 2; i <= 4; i++)
    cr_assert (2 * g_array_index (items, int, i) < g_array_index (items, int, 1),
               "%s: numeric column %u (%d px) is not compact beside Description (%d px)",
               locale, i, g_array_index (items, int, i), g_array_index (items, int, 1));

  switch_view (window, "sales");
  sales = check_fits (visible_columns (window), locale, "Sales");
  switch_view (window, "moves");
  moves = check_fits (visible_columns (window), locale, "Stock Moves");

  gtk_window_destroy (GTK_WINDOW (window));
  cr_assert (stk_session_close (session, 5000, &error), "close: %s",
             error ? error->message : "");
}

Test (column_widths, english)
{
  check_locale ("en_US.UTF-8");
}

Test (column_widths, italian)
{
  check_locale ("it_IT.UTF-8");
}

Test (column_widths, chinese)
{
  ensure_han_font ();
  check_locale ("zh_CN.UTF-8");
}
