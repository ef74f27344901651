/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The libadwaita window (issue 16): the view switcher in the header bar folds to a bar
 * at the bottom when the window is narrow; the welcome page is an AdwStatusPage without
 * a switcher; the Saved notice is an AdwToast with Undo. Under Xvfb, with the real
 * window and G_DEBUG=fatal-warnings. */
#include "config.h"

#include <criterion/criterion.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "stk-notice.h"
#include "stk-ops.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"
#include "stk-window.h"

#define TIMEOUT_MS 60000
#define WAIT_UNTIL(cond) STK_TEST_WAIT_UNTIL (cond, TIMEOUT_MS)

static GtkApplication *app;
static StkSession *session;

static void
setup (void)
{
  stk_test_ui_setup (&app, &session);
}

static void
teardown (void)
{
  stk_test_ui_teardown (&app, &session);
}

TestSuite (adw_window, .init = setup, .fini = teardown, .timeout = 120);

static gpointer
template_child (gpointer    widget,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), STK_TYPE_WINDOW, name);

  cr_assert_not_null (child, "no template child %s", name);
  return child;
}

static StkWindow *
open_window (int width,
             int height)
{
  StkWindow *window = stk_window_new (app, session, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window))));
  return window;
}

static void
add_item (const char *code)
{
  stk_test_submit (stk_session_get_writer (session), stk_op_create_item (code, "Thing", 100, 0));
}

static gboolean
showing_views (StkWindow *window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (template_child (window, "main_stack")),
                    "views") == 0;
}

Test (adw_window, wide_the_views_are_switched_in_the_header_bar)
{
  StkWindow *window;
  AdwViewSwitcherTitle *title;
  AdwViewSwitcherBar *bar;

  add_item ("A-1");
  window = open_window (1100, 640);
  title = template_child (window, "view_switcher");
  bar = template_child (window, "switcher_bar");
  cr_assert (WAIT_UNTIL (showing_views (window)));
  cr_assert (WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) >= 1000));
  cr_assert (WAIT_UNTIL (!adw_view_switcher_title_get_title_visible (title)));
  cr_assert (adw_view_switcher_title_get_view_switcher_enabled (title));
  cr_assert_not (adw_view_switcher_bar_get_reveal (bar), "a bottom bar in a wide window");
}

Test (adw_window, narrow_the_switcher_folds_to_the_bottom_bar)
{
  StkWindow *window;
  AdwViewSwitcherTitle *title;
  AdwViewSwitcherBar *bar;
  GtkWidget *action_bar;
  graphene_rect_t bar_bounds;
  graphene_rect_t action_bounds;

  add_item ("A-1");
  window = open_window (360, 640);
  title = template_child (window, "view_switcher");
  bar = template_child (window, "switcher_bar");
  action_bar = template_child (window, "items_action_bar");
  cr_assert (WAIT_UNTIL (showing_views (window)));
  cr_assert (WAIT_UNTIL (adw_view_switcher_title_get_title_visible (title)),
             "the header bar still has the switcher at %d px",
             gtk_widget_get_width (GTK_WIDGET (window)));
  cr_assert (WAIT_UNTIL (adw_view_switcher_bar_get_reveal (bar)), "no bottom bar");
  /* The bar is at the bottom, below the action bar, which stays. */
  cr_assert (WAIT_UNTIL (gtk_widget_get_mapped (action_bar)));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  cr_assert (WAIT_UNTIL (gtk_widget_compute_bounds (GTK_WIDGET (bar), GTK_WIDGET (window), &bar_bounds) &&
                         bar_bounds.size.height > 0));
  cr_assert (gtk_widget_compute_bounds (action_bar, GTK_WIDGET (window), &action_bounds));
  cr_assert_geq (bar_bounds.origin.y, action_bounds.origin.y + action_bounds.size.height);
  /* The title names the window where the switcher does not fit. */
  cr_assert_str_eq (adw_view_switcher_title_get_title (title), "Stocktake");
}

Test (adw_window, the_welcome_page_is_a_status_page_without_views)
{
  StkWindow *window = open_window (360, 640);
  AdwViewSwitcherTitle *title = template_child (window, "view_switcher");
  GtkStack *main_stack = template_child (window, "main_stack");

  cr_assert (WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (main_stack), "empty") == 0));
  cr_assert (ADW_IS_STATUS_PAGE (gtk_stack_get_visible_child (main_stack)));
  cr_assert_str_eq (adw_status_page_get_title (ADW_STATUS_PAGE (gtk_stack_get_visible_child (main_stack))),
                    "Welcome to Stocktake");
  cr_assert_not (adw_view_switcher_title_get_view_switcher_enabled (title));
  cr_assert_not (adw_view_switcher_bar_get_reveal (template_child (window, "switcher_bar")),
                 "views offered with no items");
  cr_assert_not (gtk_widget_get_visible (template_child (window, "action_stack")));
}

static void
undo_cb (StkNotice *notice,
         StkOp     *op,
         guint     *n)
{
  (*n)++;
}

Test (adw_window, the_saved_notice_is_a_toast_with_undo)
{
  StkWindow *window;
  StkNotice *notice;
  AdwToast *toast;
  g_autoptr(StkOp) undo = stk_op_set_archived (1, TRUE);
  guint n = 0;

  add_item ("A-1");
  window = open_window (1000, 640);
  notice = template_child (window, "notice");
  g_signal_connect (notice, "undo", G_CALLBACK (undo_cb), &n);
  stk_notice_show (notice, "Saved “<A & B>”", undo);
  toast = stk_notice_get_toast (notice);
  cr_assert_not_null (toast);
  /* The text as given (the toast's title is markup: it is escaped). */
  cr_assert_str_eq (stk_notice_get_text (notice), "Saved “<A & B>”");
  cr_assert_str_eq (adw_toast_get_title (toast), "Saved “&lt;A &amp; B&gt;”");
  cr_assert_str_eq (adw_toast_get_button_label (toast), "_Undo");
  cr_assert (stk_notice_get_can_undo (notice));
  /* Its button undoes, once, and the toast goes. */
  g_signal_emit_by_name (toast, "button-clicked");
  cr_assert_eq (n, 1);
  cr_assert_null (stk_notice_get_toast (notice));
  cr_assert_null (stk_notice_get_text (notice));
  cr_assert_not (stk_notice_get_can_undo (notice));
  /* Without an undo op: no button. */
  stk_notice_show (notice, "Saved", NULL);
  cr_assert_null (adw_toast_get_button_label (stk_notice_get_toast (notice)));
  stk_notice_dismiss (notice);
  cr_assert_null (stk_notice_get_toast (notice));
}
