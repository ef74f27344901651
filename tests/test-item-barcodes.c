/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The item dialog's Barcodes field (issue 17): saved with a new item (a pack too), read
 * back when editing and changed; a wrong check digit is said under the field and the
 * dialog stays open with nothing saved; a barcode another item has leaves the item saved
 * and the dialog open with the error at the field, and Save again does not create the
 * item twice. Under Xvfb; waits on events, never on time. */
#include "config.h"

#include <criterion/criterion.h>
#include <gtk/gtk.h>

#include "stk-item-dialog.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-session.h"
#include "stk-test-fixture.h"
#include "stk-test-ui-util.h"
#include "stk-test-util.h"

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

TestSuite (item_barcodes, .init = setup, .fini = teardown, .timeout = 120);

static gint64
query (const char *sql)
{
  return stk_test_query (db_path, sql);
}

static gpointer
child (gpointer    dialog,
       const char *name)
{
  GObject *c = gtk_widget_get_template_child (GTK_WIDGET (dialog), STK_TYPE_ITEM_DIALOG, name);

  cr_assert_not_null (c, "no template child %s", name);
  return c;
}

static void
set_text (gpointer    dialog,
          const char *name,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, name)), text);
}

typedef struct
{
  gboolean saved;
  gboolean closed;
  StkOp   *undo;
} Outcome;

static void
saved_cb (GtkWindow  *dialog,
          const char *text,
          StkOp      *undo,
          gint64      item_id,
          Outcome    *outcome)
{
  outcome->saved = TRUE;
  if (undo != NULL)
    outcome->undo = stk_op_ref (undo);
}

static void
destroy_cb (GtkWindow *dialog,
            Outcome   *outcome)
{
  outcome->closed = TRUE;
}

static StkItemDialog *
open_dialog (const StkItemInfo *item,
             Outcome           *outcome)
{
  StkItemDialog *dialog = stk_item_dialog_new (NULL, stk_session_get_writer (session), item);

  stk_item_dialog_set_store (dialog, stk_session_get_store (session));
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), outcome);
  g_signal_connect (dialog, "destroy", G_CALLBACK (destroy_cb), outcome);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static StkItemInfo
info_of (const char *code)
{
  StkItemInfo info = { 0 };
  g_autoptr(GError) error = NULL;

  cr_assert (stk_store_item_by_code (stk_session_get_store (session), code, &info, &error),
             "%s", error ? error->message : "");
  return info;
}

Test (item_barcodes, a_new_item_is_saved_with_its_barcodes_and_edited_ones_replace_them)
{
  Outcome created = { 0 }, edited = { 0 };
  StkItemDialog *dialog = open_dialog (NULL, &created);
  StkItemInfo info;

  set_text (dialog, "code_entry", "MUG");
  set_text (dialog, "description_entry", "Blue mug");
  set_text (dialog, "barcodes_entry", "4006381333931  CASE-MUG*12");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (created.closed));
  cr_assert (created.saved);
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE code = 'MUG'"), 1);
  cr_assert_eq (query ("SELECT count(*) FROM barcodes b JOIN items i ON i.id = b.item_id"
                       " WHERE i.code = 'MUG'"), 2);
  cr_assert_eq (query ("SELECT pack FROM barcodes WHERE code = 'CASE-MUG'"), 12);
  cr_assert_eq (query ("SELECT pack FROM barcodes WHERE code = '4006381333931'"), 1);

  /* Editing reads them into the field; a change replaces them. */
  info = info_of ("MUG");
  dialog = open_dialog (&info, &edited);
  cr_assert (WAIT_UNTIL (gtk_widget_get_sensitive (child (dialog, "barcodes_entry")) &&
                         *gtk_editable_get_text (child (dialog, "barcodes_entry")) != '\0'));
  cr_assert_str_eq (gtk_editable_get_text (child (dialog, "barcodes_entry")),
                    "4006381333931 CASE-MUG*12");
  set_text (dialog, "barcodes_entry", "CASE-MUG*6");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (edited.closed));
  cr_assert_eq (query ("SELECT count(*) FROM barcodes"), 1);
  cr_assert_eq (query ("SELECT pack FROM barcodes WHERE code = 'CASE-MUG'"), 6);
  g_clear_pointer (&created.undo, stk_op_unref);
  g_clear_pointer (&edited.undo, stk_op_unref);
  g_free (info.code);
  g_free (info.description);
}

Test (item_barcodes, a_wrong_check_digit_is_said_under_the_field_and_nothing_is_saved)
{
  Outcome outcome = { 0 };
  StkItemDialog *dialog = open_dialog (NULL, &outcome);
  GtkLabel *error_label = child (dialog, "barcodes_error");

  set_text (dialog, "code_entry", "MUG");
  set_text (dialog, "barcodes_entry", "4006381333932");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (gtk_widget_get_visible (GTK_WIDGET (error_label)), "no error under Barcodes");
  cr_assert (strstr (gtk_label_get_text (error_label), "4006381333932") != NULL, "%s",
             gtk_label_get_text (error_label));
  cr_assert_not (outcome.closed);
  cr_assert_not (stk_item_dialog_get_pending (dialog));
  cr_assert_eq (query ("SELECT count(*) FROM items"), 0);

  /* Typing clears it; a right one saves. */
  set_text (dialog, "barcodes_entry", "4006381333931");
  cr_assert_not (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (outcome.closed));
  cr_assert_eq (query ("SELECT count(*) FROM barcodes"), 1);
  g_clear_pointer (&outcome.undo, stk_op_unref);
}

Test (item_barcodes, a_barcode_another_item_has_keeps_the_dialog_open_and_saves_once)
{
  Outcome outcome = { 0 };
  StkItemDialog *dialog;
  GtkLabel *error_label;
  StkBarcode taken = { (char *) "4006381333931", 1 };
  StkItemInfo other;

  stk_test_submit (stk_session_get_writer (session), stk_op_create_item ("CUP", "Cup", 100, 0));
  other = info_of ("CUP");
  stk_test_submit (stk_session_get_writer (session), stk_op_set_barcodes (other.id, &taken, 1));

  dialog = open_dialog (NULL, &outcome);
  error_label = child (dialog, "barcodes_error");
  set_text (dialog, "code_entry", "MUG");
  set_text (dialog, "barcodes_entry", "4006381333931");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (gtk_widget_get_visible (GTK_WIDGET (error_label))));
  cr_assert_not (outcome.closed);
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE code = 'MUG'"), 1, "the item was not kept");
  cr_assert_eq (query ("SELECT count(*) FROM barcodes"), 1);

  /* Another barcode, Save again: the same item gets it, no second MUG. */
  set_text (dialog, "barcodes_entry", "96385074");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (outcome.closed));
  cr_assert (outcome.saved);
  cr_assert_eq (query ("SELECT count(*) FROM items WHERE code = 'MUG'"), 1);
  cr_assert_eq (query ("SELECT count(*) FROM barcodes b JOIN items i ON i.id = b.item_id"
                       " WHERE i.code = 'MUG' AND b.code = '96385074'"), 1);
  g_clear_pointer (&outcome.undo, stk_op_unref);
  g_free (other.code);
  g_free (other.description);
}

Test (item_barcodes, undoing_a_new_item_takes_its_barcodes_too)
{
  Outcome outcome = { 0 };
  StkItemDialog *dialog = open_dialog (NULL, &outcome);

  set_text (dialog, "code_entry", "MUG");
  set_text (dialog, "barcodes_entry", "4006381333931 CASE-MUG*12");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  cr_assert (WAIT_UNTIL (outcome.closed));
  cr_assert_eq (query ("SELECT count(*) FROM barcodes"), 2);
  cr_assert_not_null (outcome.undo);
  stk_test_submit (stk_session_get_writer (session), outcome.undo);
  cr_assert_eq (query ("SELECT count(*) FROM items"), 0);
  cr_assert_eq (query ("SELECT count(*) FROM barcodes"), 0);
}
