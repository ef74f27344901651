/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-flows.h"

#include <glib/gi18n.h>
#include <string.h>

#include "stk-error.h"
#include "stk-format.h"
#include "stk-glib.h"
#include "stk-jobs.h"
#include "stk-maintenance.h"
#include "stk-progress-dialog.h"
#include "stk-result-dialog.h"

/* The import, export, backup and verify flows: a file chooser, the progress dialog
 * while the work runs through the data layer's asynchronous API (stk-jobs.h: its
 * threads, its policy, its progress on this thread), then the result dialog. */

typedef enum
{
  FLOW_IMPORT,
  FLOW_EXPORT,
  FLOW_BACKUP,
  FLOW_VERIFY,
} FlowKind;

typedef struct
{
  FlowKind           kind;
  GtkWindow         *parent;        /* NULL once destroyed */
  gulong             destroy_id;
  StkSession        *session;
  StkWriter         *writer;        /* import only */
  StkStore          *store;
  StkTable           table;
  char              *path;
  char              *display_name;
  GCancellable      *cancellable;
  GtkNativeDialog   *chooser;
  StkProgressDialog *progress;
  StkFlowDone        done;
  gpointer           user_data;
  gboolean           ended;

  /* Outcome, from the job's _finish. */
  gboolean           ok;
  GError            *error;
  StkImportReport    report;
  guint64            rows;
  GPtrArray         *problems;
} Flow;

static Flow *
flow_ref (Flow *flow)
{
  return g_atomic_rc_box_acquire (flow);
}

static void
flow_clear (Flow *flow)
{
  if (flow->parent != NULL)
    g_clear_signal_handler (&flow->destroy_id, flow->parent);
  if (flow->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (flow->chooser, flow);
      gtk_native_dialog_destroy (flow->chooser);
      g_clear_object (&flow->chooser);
    }
  g_clear_object (&flow->session);
  g_clear_object (&flow->writer);
  g_clear_object (&flow->store);
  g_clear_pointer (&flow->path, g_free);
  g_clear_pointer (&flow->display_name, g_free);
  g_clear_object (&flow->cancellable);
  g_clear_error (&flow->error);
  stk_import_report_clear (&flow->report);
  g_clear_pointer (&flow->problems, g_ptr_array_unref);
}

static void
flow_unref (Flow *flow)
{
  g_atomic_rc_box_release_full (flow, (GDestroyNotify) flow_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Flow, flow_unref)

/* Ends the flow once: closes the progress dialog and tells the caller, unless the
 * parent window is gone (then nobody is told: the caller's window is being destroyed). */
static void
flow_end (Flow     *flow,
          gboolean  changed)
{
  if (flow->ended)
    return;
  flow->ended = TRUE;

  if (flow->progress != NULL)
    {
      stk_progress_dialog_finish (flow->progress);
      flow->progress = NULL;
    }
  if (flow->parent != NULL)
    {
      g_clear_signal_handler (&flow->destroy_id, flow->parent);
      if (flow->done != NULL)
        flow->done (changed, flow->user_data);
    }
  flow->parent = NULL;
  /* The reference the flow holds on itself while it runs. */
  flow_unref (flow);
}

static void
parent_destroy_cb (GtkWidget *parent,
                   Flow      *flow)
{
  g_cancellable_cancel (flow->cancellable);
  flow->destroy_id = 0;
  flow->parent = NULL;
  if (flow->chooser != NULL)
    gtk_native_dialog_hide (flow->chooser);
  /* The progress dialog is destroyed with its parent. */
  if (flow->progress != NULL)
    {
      stk_progress_dialog_set_finished (flow->progress);
      flow->progress = NULL;
    }
  /* A job still running keeps its own reference and finds the flow cancelled;
   * a chooser still open will not answer any more. */
  if (flow->chooser != NULL)
    flow_end (flow, FALSE);
}

static Flow *
flow_new (FlowKind     kind,
          GtkWindow   *parent,
          StkSession  *session,
          StkTable     table,
          StkFlowDone  done,
          gpointer     user_data)
{
  Flow *flow = g_atomic_rc_box_new0 (Flow);

  flow->kind = kind;
  flow->parent = parent;
  flow->session = g_object_ref (session);
  flow->store = g_object_ref (stk_session_get_store (session));
  flow->table = table;
  flow->cancellable = g_cancellable_new ();
  flow->done = done;
  flow->user_data = user_data;
  flow->destroy_id = g_signal_connect (parent, "destroy", G_CALLBACK (parent_destroy_cb), flow);
  return flow;
}

static const char *
table_title (StkTable table)
{
  switch (table)
    {
    case STK_TABLE_SALES:
      return _("Sales");
    case STK_TABLE_MOVEMENTS:
      return _("Stock Moves");
    case STK_TABLE_RETURNS:
      return _("Returns");
    case STK_TABLE_TAX_RATES:
      return _("Tax Rates");
    case STK_TABLE_SKUS:
    default:
      return _("Items");
    }
}

static char *
describe_rows (StkTable table,
               guint64  n)
{
  g_autofree char *count = stk_format_count ((gint64) n);
  gulong plural = (gulong) MIN (n, G_MAXULONG);

  switch (table)
    {
    case STK_TABLE_SALES:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s sale", "%s sales", plural), count);
    case STK_TABLE_MOVEMENTS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s stock move", "%s stock moves", plural), count);
    case STK_TABLE_RETURNS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s return", "%s returns", plural), count);
    case STK_TABLE_TAX_RATES:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s tax rate", "%s tax rates", plural), count);
    case STK_TABLE_SKUS:
    default:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s item", "%s items", plural), count);
    }
}

static void
show_simple (GtkWindow  *parent,
             StkResultKind  kind,
             const char *title,
             const char *heading,
             const char *body)
{
  stk_result_dialog_show (parent, kind, title, heading, body, NULL, 0);
}

/* ---- progress, on this thread (stk-jobs.h delivers it here, throttled) ---- */

static void
flow_progress_cb (guint64  done,
                  guint64  total,
                  gpointer user_data)
{
  Flow *flow = user_data;

  if (flow->progress == NULL || g_cancellable_is_cancelled (flow->cancellable))
    return;

  if (flow->kind == FLOW_IMPORT)
    {
      if (total > 0 && done >= total)
        stk_progress_dialog_pulse (flow->progress, _("Checking and saving the rows…"));
      else
        {
          g_autofree char *done_text = g_format_size (done);
          g_autofree char *total_text = g_format_size (total);
          /* Translators: bytes read of a file being imported: "1.2 MB of 40.0 MB read". */
          g_autofree char *detail = g_strdup_printf (_("%s of %s read"), done_text, total_text);

          stk_progress_dialog_set_progress (flow->progress,
                                            total > 0 ? (double) done / total : 0.0, detail);
        }
    }
  else if (flow->kind == FLOW_EXPORT)
    {
      g_autofree char *done_text = stk_format_count ((gint64) done);
      g_autofree char *total_text = stk_format_count ((gint64) total);
      /* Translators: rows written of an export: "1,234 of 5,678 rows". */
      g_autofree char *detail = g_strdup_printf (_("%s of %s rows"), done_text, total_text);

      stk_progress_dialog_set_progress (flow->progress,
                                        total > 0 ? (double) done / total : 0.0, detail);
    }
  /* Backup and verify have no measure: the dialog pulses from the start. */
}

static void
show_import_outcome (Flow *flow)
{
  const StkImportReport *r = &flow->report;

  if (flow->ok)
    {
      g_autofree char *rows = describe_rows (flow->table, r->imported);
      g_autofree char *body = NULL;

      /* Translators: "Imported 1,234 items from “items.csv”." */
      body = g_strdup_printf (_("Imported %s from “%s”."), rows, flow->display_name);
      if (r->duplicates > 0)
        {
          g_autofree char *dups = stk_format_count ((gint64) r->duplicates);
          g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "%s row had been imported before and was skipped.",
                                                                "%s rows had been imported before and were skipped.",
                                                                (gulong) MIN (r->duplicates, G_MAXULONG)),
                                                   dups);
          char *both = g_strconcat (body, " ", more, NULL);

          g_free (body);
          body = both;
        }
      show_simple (flow->parent, STK_RESULT_OK, _("Import"), _("Import Complete"), body);
    }
  else if (r->n_errors > 0 && r->errors != NULL && r->errors->len > 0)
    {
      g_autofree char *count = stk_format_count ((gint64) r->n_errors);
      g_autofree char *body = NULL;

      /* Translators: above the list of bad rows of a CSV file. */
      body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "“%s” has %s problem. Nothing was imported: correct the file and import it again.",
                                           "“%s” has %s problems. Nothing was imported: correct the file and import it again.",
                                           (gulong) MIN (r->n_errors, G_MAXULONG)),
                              flow->display_name, count);
      stk_result_dialog_show (flow->parent, STK_RESULT_ERROR, _("Import"), _("Nothing Was Imported"),
                              body, r->errors, r->n_errors - r->errors->len);
    }
  else
    {
      /* The file could not be read at all (missing, unreadable, bad header) or the
       * writer refused the whole op: the heading says that nothing was imported. */
      show_simple (flow->parent, STK_RESULT_ERROR, _("Import"), _("Nothing Was Imported"),
                   flow->error != NULL ? flow->error->message : _("The import failed."));
    }
}

/* Takes the job's outcome into the flow. */
static void
flow_finish_job (Flow         *flow,
                 GAsyncResult *result)
{
  switch (flow->kind)
    {
    case FLOW_IMPORT:
      flow->ok = stk_import_file_finish (flow->writer, result, &flow->report, &flow->error);
      break;
    case FLOW_EXPORT:
      flow->ok = stk_export_file_finish (flow->store, result, &flow->rows, &flow->error);
      break;
    case FLOW_BACKUP:
      flow->ok = stk_store_backup_finish (flow->store, result, &flow->error);
      break;
    case FLOW_VERIFY:
      flow->problems = stk_store_verify_finish (flow->store, result, &flow->error);
      flow->ok = flow->problems != NULL;
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
flow_show_outcome (Flow *flow)
{
  gboolean cancelled = g_cancellable_is_cancelled (flow->cancellable);
  gboolean changed = FALSE;

  /* The parent window is gone: show nothing. */
  if (flow->parent == NULL)
    {
      flow_end (flow, FALSE);
      return;
    }

  /* Cancelled by the user: the work undid itself; say nothing more, unless it had
   * already finished (an import that committed before Cancel counts as done). */
  if (cancelled && !flow->ok)
    {
      flow_end (flow, FALSE);
      return;
    }

  if (flow->progress != NULL)
    {
      stk_progress_dialog_finish (flow->progress);
      flow->progress = NULL;
    }

  switch (flow->kind)
    {
    case FLOW_IMPORT:
      show_import_outcome (flow);
      changed = flow->ok;
      break;

    case FLOW_EXPORT:
      if (flow->ok)
        {
          g_autofree char *rows = describe_rows (flow->table, flow->rows);
          /* Translators: "Exported 1,234 items to “items.csv”." */
          g_autofree char *body = g_strdup_printf (_("Exported %s to “%s”."), rows, flow->display_name);

          show_simple (flow->parent, STK_RESULT_OK, _("Export"), _("Export Complete"), body);
        }
      else
        {
          g_autofree char *body = g_strdup_printf (_("%s “%s” was not changed."),
                                                   flow->error->message, flow->display_name);

          show_simple (flow->parent, STK_RESULT_ERROR, _("Export"), _("Export Failed"), body);
        }
      changed = flow->ok;
      break;

    case FLOW_BACKUP:
      if (flow->ok)
        {
          g_autofree char *body = g_strdup_printf (_("The inventory was backed up to “%s”."),
                                                   flow->path);

          show_simple (flow->parent, STK_RESULT_OK, _("Back Up"), _("Backup Complete"), body);
        }
      else
        show_simple (flow->parent, STK_RESULT_ERROR, _("Back Up"), _("Backup Failed"),
                     flow->error->message);
      changed = flow->ok;
      break;

    case FLOW_VERIFY:
      if (!flow->ok)
        show_simple (flow->parent, STK_RESULT_ERROR, _("Verify"), _("The Check Could Not Run"),
                     flow->error->message);
      else if (flow->problems->len == 0)
        show_simple (flow->parent, STK_RESULT_OK, _("Verify"), _("No Problems Found"),
                     _("The inventory passed every check: integrity, links between tables, "
                       "and stock on hand equal to the sum of its movements."));
      else
        {
          g_autofree char *count = stk_format_count (flow->problems->len);
          g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "The check found %s problem. Restoring a recent backup may help.",
                                                                "The check found %s problems. Restoring a recent backup may help.",
                                                                flow->problems->len),
                                                   count);

          stk_result_dialog_show (flow->parent, STK_RESULT_WARNING, _("Verify"), _("Problems Found"),
                                  body, flow->problems, 0);
        }
      break;

    default:
      g_assert_not_reached ();
    }

  flow_end (flow, changed);
}

/* The job's callback, on this thread. It holds its own reference to the flow, so the
 * flow is there even when its window is not (flow->parent is then NULL). */
static void
flow_job_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Flow *flow = user_data;

  flow_finish_job (flow, result);
  flow_show_outcome (flow);
  flow_unref (flow);
}

static void
flow_run (Flow       *flow,
          const char *title,
          const char *heading)
{
  flow->progress = stk_progress_dialog_new (flow->parent, title, heading, flow->cancellable);
  if (flow->kind == FLOW_BACKUP)
    stk_progress_dialog_pulse (flow->progress, _("Copying…"));
  else if (flow->kind == FLOW_VERIFY)
    stk_progress_dialog_pulse (flow->progress, _("Checking…"));
  gtk_window_present (GTK_WINDOW (flow->progress));

  /* The job's outcome is its own: a cancel that came too late does not hide a commit. */
  switch (flow->kind)
    {
    case FLOW_IMPORT:
      stk_import_file_async (flow->writer, flow->table, flow->path, flow->cancellable,
                             flow_progress_cb, flow, flow_job_done_cb, flow_ref (flow));
      break;
    case FLOW_EXPORT:
      stk_export_file_async (flow->store, flow->table, flow->path, flow->cancellable,
                             flow_progress_cb, flow, flow_job_done_cb, flow_ref (flow));
      break;
    case FLOW_BACKUP:
      /* The chooser has asked about replacing an existing file; the output still
       * refuses the inventory, a database or a device, and a cancelled backup leaves
       * nothing. */
      stk_store_backup_async (flow->store, flow->path, STK_OUTPUT_REPLACE, flow->cancellable,
                              flow_progress_cb, flow, flow_job_done_cb, flow_ref (flow));
      break;
    case FLOW_VERIFY:
      stk_store_verify_async (flow->store, flow->cancellable, flow_progress_cb, flow,
                              flow_job_done_cb, flow_ref (flow));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
flow_set_path (Flow       *flow,
               const char *path)
{
  g_free (flow->path);
  flow->path = g_strdup (path);
  g_free (flow->display_name);
  flow->display_name = g_filename_display_basename (path);
}

static void
start_import (Flow *flow)
{
  g_autofree char *heading = NULL;

  /* Translators: "Importing Items from “file.csv”…" */
  heading = g_strdup_printf (_("Importing %s from “%s”…"), table_title (flow->table),
                             flow->display_name);
  flow_run (flow, _("Import"), heading);
}

static void
start_export (Flow *flow)
{
  g_autofree char *heading = NULL;

  /* Translators: "Exporting Items to “file.csv”…" */
  heading = g_strdup_printf (_("Exporting %s to “%s”…"), table_title (flow->table),
                             flow->display_name);
  flow_run (flow, _("Export"), heading);
}

static void
start_backup (Flow *flow)
{
  g_autofree char *heading = g_strdup_printf (_("Backing up to “%s”…"), flow->display_name);

  flow_run (flow, _("Back Up"), heading);
}

/* ---- file choosers ---- */

/* The table asked for comes first: GTK 4.8's own chooser (used when there is no
 * portal) ignores gtk_file_chooser_set_choice() for a list of options, shows the first
 * one and answers with it, so "Export Sales…" exported the items. */
static void
add_table_choice (GtkFileChooser *chooser,
                  StkTable        table)
{
  const StkTable order[] = { STK_TABLE_SKUS, STK_TABLE_SALES, STK_TABLE_MOVEMENTS,
                             STK_TABLE_RETURNS };
  const char *ids[G_N_ELEMENTS (order) + 1] = { NULL };
  const char *labels[G_N_ELEMENTS (order) + 1] = { NULL };
  guint n = 0;

  ids[n] = stk_table_to_string (table);
  labels[n++] = table_title (table);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (order[i] != table)
      {
        ids[n] = stk_table_to_string (order[i]);
        labels[n++] = table_title (order[i]);
      }
  gtk_file_chooser_add_choice (chooser, "table", _("Table"), ids, labels);
  gtk_file_chooser_set_choice (chooser, "table", ids[0]);
}

static void
add_filters (GtkFileChooser *chooser,
             gboolean        csv)
{
  g_autoptr(GtkFileFilter) main_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (csv)
    {
      gtk_file_filter_set_name (main_filter, _("CSV Files"));
      gtk_file_filter_add_mime_type (main_filter, "text/csv");
      gtk_file_filter_add_suffix (main_filter, "csv");
    }
  else
    {
      gtk_file_filter_set_name (main_filter, _("Inventories"));
      gtk_file_filter_add_suffix (main_filter, "db");
    }
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (chooser, main_filter);
  gtk_file_chooser_add_filter (chooser, all);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     Flow            *flow)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  const char *choice;

  gtk_native_dialog_hide (chooser);
  if (flow->parent == NULL || flow->ended)
    return;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);
  /* Only the CSV flows' choosers offer a table (asking the backup's warns). */
  choice = flow->kind == FLOW_IMPORT || flow->kind == FLOW_EXPORT
    ? gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "table") : NULL;
  if (choice != NULL)
    stk_table_from_string (choice, &flow->table);

  g_signal_handlers_disconnect_by_func (chooser, STK_FUNC_TAG (chooser_response_cb), flow);
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&flow->chooser);

  if (path == NULL)
    {
      if (file != NULL)
        show_simple (flow->parent, STK_RESULT_ERROR, _("Files"), _("Not a Local File"),
                     _("Choose a file on this computer."));
      flow_end (flow, FALSE);
      return;
    }

  flow_set_path (flow, path);
  switch (flow->kind)
    {
    case FLOW_IMPORT:
      start_import (flow);
      break;
    case FLOW_EXPORT:
      start_export (flow);
      break;
    case FLOW_BACKUP:
      start_backup (flow);
      break;
    case FLOW_VERIFY:
    default:
      g_assert_not_reached ();
    }
}

static void
flow_choose (Flow                 *flow,
             GtkFileChooserAction  action,
             const char           *title,
             const char           *accept,
             gboolean              csv,
             gboolean              with_table,
             const char           *suggested_path)
{
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (title, flow->parent, action, accept, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_filters (GTK_FILE_CHOOSER (native), csv);
  if (with_table)
    add_table_choice (GTK_FILE_CHOOSER (native), flow->table);
  if (suggested_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (suggested_path);
      g_autofree char *name = g_path_get_basename (suggested_path);
      g_autoptr(GFile) folder = g_file_new_for_path (dir);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
    }
  flow->chooser = GTK_NATIVE_DIALOG (native);
  g_signal_connect (native, "response", G_CALLBACK (chooser_response_cb), flow);
  gtk_native_dialog_show (flow->chooser);
}

static gboolean
refuse_read_only (GtkWindow   *parent,
                  StkSession  *session,
                  StkFlowDone  done,
                  gpointer     user_data)
{
  const char *holder;
  g_autofree char *body = NULL;

  if (!stk_session_get_read_only (session) && stk_session_get_writer (session) != NULL)
    return FALSE;

  holder = stk_session_get_holder (session);
  if (holder != NULL)
    /* Translators: %s names who holds the inventory's lock, e.g. "another Stocktake window". */
    body = g_strdup_printf (_("This inventory is open read-only because it is being edited by %s. "
                              "Nothing was imported."), holder);
  else
    body = g_strdup (_("This inventory is open read-only. Nothing was imported."));
  show_simple (parent, STK_RESULT_ERROR, _("Import"), _("Cannot Import"), body);
  if (done != NULL)
    done (FALSE, user_data);
  return TRUE;
}

/* ---- public ---- */

void
stk_flow_import (GtkWindow   *parent,
                 StkSession  *session,
                 StkTable     table,
                 StkFlowDone  done,
                 gpointer     user_data)
{
  Flow *flow;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (STK_IS_SESSION (session));

  if (refuse_read_only (parent, session, done, user_data))
    return;

  flow = flow_new (FLOW_IMPORT, parent, session, table, done, user_data);
  flow->writer = g_object_ref (stk_session_get_writer (session));
  flow_choose (flow, GTK_FILE_CHOOSER_ACTION_OPEN, _("Import CSV File"), _("_Import"),
               TRUE, TRUE, NULL);
}

void
stk_flow_import_path (GtkWindow   *parent,
                      StkSession  *session,
                      StkTable     table,
                      const char  *path,
                      StkFlowDone  done,
                      gpointer     user_data)
{
  Flow *flow;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (STK_IS_SESSION (session));
  g_return_if_fail (path != NULL);

  if (refuse_read_only (parent, session, done, user_data))
    return;

  flow = flow_new (FLOW_IMPORT, parent, session, table, done, user_data);
  flow->writer = g_object_ref (stk_session_get_writer (session));
  flow_set_path (flow, path);
  start_import (flow);
}

void
stk_flow_export (GtkWindow   *parent,
                 StkSession  *session,
                 StkTable     table,
                 StkFlowDone  done,
                 gpointer     user_data)
{
  Flow *flow;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *suggested = NULL;
  char *dot;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (STK_IS_SESSION (session));

  flow = flow_new (FLOW_EXPORT, parent, session, table, done, user_data);
  dir = g_path_get_dirname (stk_session_get_path (session));
  base = g_path_get_basename (stk_session_get_path (session));
  if ((dot = strrchr (base, '.')) != NULL && dot != base)
    *dot = '\0';
  suggested = g_strdup_printf ("%s%c%s-%s.csv", dir, G_DIR_SEPARATOR, base,
                               stk_table_to_string (table));
  flow_choose (flow, GTK_FILE_CHOOSER_ACTION_SAVE, _("Export CSV File"), _("_Export"),
               TRUE, TRUE, suggested);
}

void
stk_flow_backup (GtkWindow   *parent,
                 StkSession  *session,
                 StkFlowDone  done,
                 gpointer     user_data)
{
  Flow *flow;
  g_autofree char *suggested = NULL;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (STK_IS_SESSION (session));

  flow = flow_new (FLOW_BACKUP, parent, session, STK_TABLE_SKUS, done, user_data);
  suggested = stk_backup_default_path (stk_session_get_path (session));
  flow_choose (flow, GTK_FILE_CHOOSER_ACTION_SAVE, _("Back Up Inventory"), _("_Back Up"),
               FALSE, FALSE, suggested);
}

void
stk_flow_verify (GtkWindow   *parent,
                 StkSession  *session,
                 StkFlowDone  done,
                 gpointer     user_data)
{
  Flow *flow;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (STK_IS_SESSION (session));

  flow = flow_new (FLOW_VERIFY, parent, session, STK_TABLE_SKUS, done, user_data);
  flow_run (flow, _("Verify"), _("Checking the inventory…"));
}

char *
stk_flow_withdraw_waiting (StkWriter *writer,
                           StkOp     *op)
{
  g_return_val_if_fail (STK_IS_WRITER (writer), NULL);
  g_return_val_if_fail (op != NULL, NULL);

  if (stk_writer_withdraw (writer, op) != STK_WITHDRAW_WITHDRAWN)
    return NULL;
  /* Translators: the user cancelled a waiting change; %s describes it */
  return g_strdup_printf (_("Change withdrawn, not saved: %s"), stk_op_get_description (op));
}
