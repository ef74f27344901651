/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-close-day-dialog.h"

#include <glib/gi18n.h>

#include "stk-a11y.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-receipt.h"
#include "stk-tax.h"

/* The longest note a close keeps (data/ refuses more). */
#define NOTE_MAX_CHARS 1000

struct _StkCloseDayDialog
{
  AdwWindow parent_instance;

  StkWriter         *writer;      /* NULL: read-only */
  StkStore          *store;
  GSettings         *settings;    /* or NULL */
  StkDayReport      *report;      /* as last read, or NULL */
  gint64             close_id;    /* recorded here, 0 until then */
  GCancellable      *cancellable;
  guint              busy;
  gboolean           gone;        /* disposed: no widget left to show anything in */
  gboolean           count_ok;    /* the count typed reads as an amount >= 0 */
  gint64             counted_cents;

  AdwWindowTitle    *window_title;
  GtkSpinner        *spinner;
  GtkLabel          *status_label;
  GtkLabel          *error_label;
  GtkGrid           *methods_grid;
  GtkWidget         *taxes_box;
  GtkGrid           *taxes_grid;
  GtkLabel          *expected_label;
  AdwActionRow      *counted_row;
  GtkEntry          *counted_entry;
  AdwActionRow      *counted_value_row;
  GtkLabel          *counted_label;
  GtkLabel          *difference_label;
  GtkLabel          *count_error;
  GtkWidget         *note_group;
  AdwEntryRow       *note_row;
  AdwActionRow      *note_value_row;
  GtkWidget         *close_button;
  GtkWidget         *print_button;
  GtkWidget         *save_button;
};

G_DEFINE_FINAL_TYPE (StkCloseDayDialog, stk_close_day_dialog, ADW_TYPE_WINDOW)

enum { SIGNAL_NOTICE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void load (StkCloseDayDialog *self);

/* ---- what is shown ---- */

static void
show_error (StkCloseDayDialog *self,
            const char        *text)
{
  if (self->gone)
    return;
  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL && *text != '\0');
}

static gboolean
is_closed (StkCloseDayDialog *self)
{
  return self->close_id != 0;
}

/* Why Close the Day… cannot be done now, or NULL. */
static const char *
why_not_close (StkCloseDayDialog *self)
{
  if (self->writer == NULL)
    return _("The inventory is open read-only.");
  if (self->report == NULL)
    return _("The day’s figures are not read yet.");
  if (!self->count_ok)
    return _("Type the cash counted in the drawer first.");
  return NULL;
}

static void
update_actions (StkCloseDayDialog *self)
{
  gboolean closed = is_closed (self);
  const char *why = why_not_close (self);

  if (self->gone)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "close-day.close",
                                 !closed && self->busy == 0 && why == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "close-day.print",
                                 closed && self->report != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "close-day.save-pdf",
                                 closed && self->report != NULL);
  gtk_widget_set_tooltip_text (self->close_button, closed ? NULL : why);
  gtk_widget_set_visible (self->close_button, !closed);
  gtk_widget_set_visible (self->print_button, closed);
  gtk_widget_set_visible (self->save_button, closed);
  /* Not editable rather than insensitive: the field keeps the focus it has. */
  gtk_editable_set_editable (GTK_EDITABLE (self->counted_entry), self->busy == 0 && !closed);
  gtk_editable_set_editable (GTK_EDITABLE (self->note_row), self->busy == 0 && !closed);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy > 0);
  gtk_spinner_set_spinning (self->spinner, self->busy > 0);
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
cell (GtkGrid    *grid,
      int         column,
      int         row,
      const char *text,
      gboolean    numeric,
      const char *css)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0 : 0.0);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  else
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
    }
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  gtk_grid_attach (grid, label, column, row, 1, 1);
  return label;
}

static void
cell_take (GtkGrid    *grid,
           int         column,
           int         row,
           char       *text,
           const char *css)
{
  cell (grid, column, row, text, TRUE, css);
  g_free (text);
}

/* An amount taken off: "−€5.00", or "€0.00". */
static char *
currency_minus (gint64 cents)
{
  return stk_format_currency (cents > 0 ? -cents : 0);
}

static void
fill_methods (StkCloseDayDialog *self)
{
  const StkDayReport *report = self->report;
  static const char *const headers[] = {
    /* Translators: the columns of the Close the Day dialog's figures */
    N_("Payment"), N_("Sales"), N_("Amount"), N_("Voided"), N_("Refunded"), N_("Net"),
    /* Translators: a column of the Close the Day dialog's figures: the tax in the net */
    N_("Tax"),
  };
  gboolean taxed = stk_tax_parts_any (report->taxes);
  guint n = report->methods->len;

  clear_grid (self->methods_grid);
  for (guint c = 0; c < G_N_ELEMENTS (headers) - (taxed ? 0 : 1); c++)
    cell (self->methods_grid, c, 0, _(headers[c]), c > 0, "dim-label");
  gtk_widget_set_hexpand (gtk_grid_get_child_at (self->methods_grid, 0, 0), TRUE);
  for (guint i = 0; i <= n; i++)
    {
      const StkDayMethod *m = i < n ? g_ptr_array_index (report->methods, i) : NULL;
      const char *css = m == NULL ? "heading" : NULL;
      int row = (int) i + 1;
      gint64 voids = m != NULL ? m->voids : report->voids;
      gint64 returns = m != NULL ? m->returns : report->returns;
      GtkWidget *w;

      /* Translators: the last row of the Close the Day dialog's figures */
      cell (self->methods_grid, 0, row, m != NULL ? stk_payment_method_label (m->method) : _("Total"),
            FALSE, css);
      cell_take (self->methods_grid, 1, row, stk_format_count (m != NULL ? m->sales : report->sales), css);
      cell_take (self->methods_grid, 2, row,
                 stk_format_currency (m != NULL ? m->sales_cents : report->sales_cents), css);
      cell_take (self->methods_grid, 3, row,
                 currency_minus (m != NULL ? m->voids_cents : report->voids_cents), css);
      if (voids > 0)
        {
          g_autofree char *count = stk_format_count (voids);
          /* Translators: the tooltip of a voided amount; %s is how many sales */
          g_autofree char *tip = g_strdup_printf (ngettext ("%s sale voided", "%s sales voided",
                                                            (gulong) CLAMP (voids, 0, G_MAXLONG)),
                                                  count);

          w = gtk_grid_get_child_at (self->methods_grid, 3, row);
          gtk_widget_set_tooltip_text (w, tip);
        }
      cell_take (self->methods_grid, 4, row,
                 currency_minus (m != NULL ? m->returns_cents : report->returns_cents), css);
      if (returns > 0)
        {
          g_autofree char *count = stk_format_count (returns);
          /* Translators: the tooltip of a refunded amount; %s is how many returns */
          g_autofree char *tip = g_strdup_printf (ngettext ("%s return", "%s returns",
                                                            (gulong) CLAMP (returns, 0, G_MAXLONG)),
                                                  count);

          w = gtk_grid_get_child_at (self->methods_grid, 4, row);
          gtk_widget_set_tooltip_text (w, tip);
        }
      cell_take (self->methods_grid, 5, row,
                 stk_format_currency (m != NULL ? m->net_cents : report->net_cents), css);
      if (taxed)
        cell_take (self->methods_grid, 6, row,
                   stk_format_currency (m != NULL ? m->tax_cents : report->tax_cents), css);
    }
}

/* The day's tax by rate (hidden when nothing was taxed). */
static void
fill_taxes (StkCloseDayDialog *self)
{
  const StkDayReport *report = self->report;
  static const char *const headers[] = {
    /* Translators: the columns of the Close the Day dialog's tax by rate */
    N_("Tax Rate"), N_("Taxable"), N_("Tax"), N_("With Tax"),
  };
  gint64 taxable = 0, tax = 0, total = 0;
  guint n = report->taxes->len;

  clear_grid (self->taxes_grid);
  gtk_widget_set_visible (self->taxes_box, stk_tax_parts_any (report->taxes));
  if (!stk_tax_parts_any (report->taxes))
    return;
  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    cell (self->taxes_grid, c, 0, _(headers[c]), c > 0, "dim-label");
  gtk_widget_set_hexpand (gtk_grid_get_child_at (self->taxes_grid, 0, 0), TRUE);
  for (guint i = 0; i <= n; i++)
    {
      const StkTaxPart *t = i < n ? g_ptr_array_index (report->taxes, i) : NULL;
      const char *css = t == NULL ? "heading" : NULL;
      int row = (int) i + 1;

      if (t == NULL)
        cell (self->taxes_grid, 0, row, _("Total"), FALSE, css);
      else if (t->rate_bp < 0)
        /* Translators: in the Close the Day dialog, what was sold without tax */
        cell (self->taxes_grid, 0, row, _("No tax"), FALSE, css);
      else
        {
          g_autofree char *rate = stk_tax_rate_format (t->rate_bp);
          /* Translators: a tax rate's name and its rate ("VAT (22 %)") */
          g_autofree char *label = g_strdup_printf (_("%s (%s)"), t->name, rate);

          cell (self->taxes_grid, 0, row, label, FALSE, css);
        }
      cell_take (self->taxes_grid, 1, row,
                 stk_format_currency (t != NULL ? t->total_cents - t->tax_cents : taxable), css);
      cell_take (self->taxes_grid, 2, row, stk_format_currency (t != NULL ? t->tax_cents : tax), css);
      cell_take (self->taxes_grid, 3, row, stk_format_currency (t != NULL ? t->total_cents : total),
                 css);
      if (t != NULL)
        {
          taxable += t->total_cents - t->tax_cents;
          tax += t->tax_cents;
          total += t->total_cents;
        }
    }
}

/* The difference row: from the count typed (open day) or the close's. */
static void
update_difference (StkCloseDayDialog *self)
{
  gint64 difference;
  g_autofree char *text = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (self->difference_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->difference_label), "success");
  if (self->report == NULL || (!is_closed (self) && !self->count_ok))
    {
      gtk_label_set_text (self->difference_label, "—");
      return;
    }
  difference = is_closed (self) ? self->report->difference_cents
                                : self->counted_cents - self->report->expected_cash_cents;
  text = stk_day_report_format_difference (difference);
  gtk_label_set_text (self->difference_label, text);
  if (difference < 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->difference_label), "error");
  else if (difference == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->difference_label), "success");
}

static void
fill (StkCloseDayDialog *self)
{
  const StkDayReport *report = self->report;
  g_autofree char *expected = stk_format_currency (report->expected_cash_cents);
  g_autofree char *subtitle = NULL;

  if (report->from_us != 0)
    {
      g_autofree char *from = stk_format_datetime (report->from_us);

      /* Translators: the Close the Day dialog's subtitle; %s is the time of the last close */
      subtitle = g_strdup_printf (_("Since %s"), from);
    }
  else
    subtitle = g_strdup (_("Since the inventory began"));
  adw_window_title_set_subtitle (self->window_title, subtitle);

  fill_methods (self);
  fill_taxes (self);
  gtk_label_set_text (self->expected_label, expected);

  if (report->close_id != 0)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, report->close_id);
      g_autofree char *when = stk_format_datetime (report->to_us);
      g_autofree char *counted = stk_format_currency (report->counted_cash_cents);
      g_autofree char *title = NULL;
      g_autofree char *status = NULL;

      /* Translators: the Close the Day dialog's title once closed; %s is the close's number */
      title = g_strdup_printf (_("Close No. %s"), number);
      adw_window_title_set_title (self->window_title, title);
      /* Translators: once the day is closed; %s is when */
      status = g_strdup_printf (_("The day was closed on %s. A close is kept as it is: "
                                  "a mistake is put right in the next day’s figures."), when);
      gtk_label_set_text (self->status_label, status);
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
      /* The fields go: the focus first moves to what is left to do. */
      update_actions (self);
      gtk_widget_grab_focus (self->print_button);
      gtk_label_set_text (self->counted_label, counted);
      gtk_widget_set_visible (GTK_WIDGET (self->counted_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->counted_value_row), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->count_error), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->note_row), FALSE);
      adw_action_row_set_subtitle (self->note_value_row, report->note);
      gtk_widget_set_visible (GTK_WIDGET (self->note_value_row), report->note[0] != '\0');
      /* No note: no empty group left under the drawer. */
      gtk_widget_set_visible (self->note_group, report->note[0] != '\0');
    }
  update_difference (self);
  update_actions (self);
  /* The count is what the user has to give. */
  if (report->close_id == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->counted_entry));
}

/* Reads what the count field says into count_ok and counted_cents; the error under it. */
static void
read_count (StkCloseDayDialog *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->counted_entry))));
  g_autoptr(GError) error = NULL;
  const char *message = NULL;

  self->count_ok = FALSE;
  if (text[0] == '-' || g_str_has_prefix (text, "−"))
    message = _("The counted cash cannot be negative: count what is in the drawer.");
  else if (text[0] != '\0' && !stk_parse_money (text, &self->counted_cents, &error))
    message = error->message;
  else
    self->count_ok = text[0] != '\0';

  stk_a11y_set_field_error (self->count_error, GTK_WIDGET (self->counted_entry), message);
}

static void
counted_changed_cb (StkCloseDayDialog *self)
{
  if (self->gone || is_closed (self))
    return;
  read_count (self);
  update_difference (self);
  update_actions (self);
}

/* ---- reading ---- */

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(StkCloseDayDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  StkDayReport *report = stk_store_get_day_report_finish (STK_STORE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->gone)
    {
      g_clear_pointer (&report, stk_day_report_free);
      return;
    }
  self->busy--;
  if (report == NULL)
    {
      show_error (self, error->message);
      update_actions (self);
      return;
    }
  g_clear_pointer (&self->report, stk_day_report_free);
  self->report = report;
  fill (self);
}

static void
load (StkCloseDayDialog *self)
{
  self->busy++;
  update_actions (self);
  stk_store_get_day_report_async (self->store, self->close_id, self->cancellable, read_cb,
                                  g_object_ref (self));
}

/* ---- the close ---- */

typedef struct
{
  StkCloseDayDialog *self;
  StkOp             *op;
} SubmitData;

static void
submit_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SubmitData *data = user_data;
  g_autoptr(StkCloseDayDialog) self = data->self;
  g_autoptr(StkOp) op = data->op;
  g_autoptr(GError) error = NULL;
  g_autofree char *number = NULL;
  g_autofree char *text = NULL;

  g_free (data);
  self->busy--;
  if (!stk_writer_submit_finish (STK_WRITER (object), result, &error))
    {
      gboolean closed = self->gone || !gtk_widget_get_visible (GTK_WIDGET (self));

      if (closed && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Closed meanwhile: said where the user is. */
          /* Translators: closing the day failed after its dialog was closed */
          g_autofree char *failed = g_strdup_printf (_("The day was not closed: %s"), error->message);

          g_signal_emit (self, signals[SIGNAL_NOTICE], 0, failed);
        }
      else if (!closed)
        /* Withdrawn from the window too (the inventory locked): nothing was closed. */
        show_error (self, error->message);
      update_actions (self);
      return;
    }
  self->close_id = stk_op_get_row_id (op);
  number = g_strdup_printf ("%" G_GINT64_FORMAT, self->close_id);
  /* Translators: after the day was closed; %s is the close's number */
  text = g_strdup_printf (_("Saved: the day is closed (close %s)"), number);
  show_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_NOTICE], 0, text);
  if (!self->gone)
    load (self);
}

gboolean
stk_close_day_dialog_close_day (StkCloseDayDialog  *self,
                                GError            **error)
{
  g_autofree char *note = NULL;
  SubmitData *data;
  const char *why;

  g_return_val_if_fail (STK_IS_CLOSE_DAY_DIALOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_closed (self) || self->busy > 0)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                           is_closed (self) ? _("This day is already closed.")
                                            : _("Wait for the figures to be read."));
      return FALSE;
    }
  read_count (self);
  if ((why = why_not_close (self)) != NULL)
    {
      const char *message = gtk_widget_get_visible (GTK_WIDGET (self->count_error))
                              ? gtk_label_get_text (self->count_error) : why;

      g_set_error_literal (error, STK_ERROR,
                           self->writer == NULL ? STK_ERROR_READ_ONLY : STK_ERROR_INVALID_DATA,
                           message);
      update_actions (self);
      return FALSE;
    }
  note = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->note_row))));
  if (g_utf8_strlen (note, -1) > NOTE_MAX_CHARS)
    {
      g_set_error_literal (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("The note is longer than 1000 characters."));
      return FALSE;
    }

  data = g_new0 (SubmitData, 1);
  data->self = g_object_ref (self);
  data->op = stk_op_close_day (self->counted_cents, note);
  self->busy++;
  show_error (self, NULL);
  update_actions (self);
  /* Not cancelled by closing the dialog: a close under way is answered (a notice). */
  stk_writer_submit (self->writer, data->op, NULL, submit_cb, data);
  return TRUE;
}

static void
confirm_response_cb (AdwMessageDialog *prompt,
                     const char       *response,
                     gpointer          user_data)
{
  StkCloseDayDialog *self = user_data;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "close") == 0 && !stk_close_day_dialog_close_day (self, &error))
    show_error (self, error->message);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  StkCloseDayDialog *self = STK_CLOSE_DAY_DIALOG (widget);
  g_autofree char *counted = NULL;
  g_autofree char *difference = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *prompt;

  read_count (self);
  if (why_not_close (self) != NULL || is_closed (self))
    return;
  counted = stk_format_currency (self->counted_cents);
  difference = stk_day_report_format_difference (self->counted_cents -
                                                 self->report->expected_cash_cents);
  /* Translators: the question before closing the day; the first %s is the cash counted,
   * the second the difference ("€3.50 short", "None") */
  body = g_strdup_printf (_("The day’s figures are recorded with %s counted in the drawer "
                            "(difference: %s). A closed day cannot be reopened or changed."),
                          counted, difference);
  prompt = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Close the Day?"),
                                                       body));
  adw_message_dialog_add_responses (prompt, "cancel", _("_Cancel"), "close", _("Close the _Day"),
                                    NULL);
  adw_message_dialog_set_response_appearance (prompt, "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (prompt, "cancel");
  adw_message_dialog_set_close_response (prompt, "cancel");
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (prompt));
  g_signal_connect_object (prompt, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (prompt));
}

/* ---- the report ---- */

static char *
setting (StkCloseDayDialog *self,
         const char        *key)
{
  return self->settings != NULL ? g_settings_get_string (self->settings, key) : g_strdup ("");
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  StkCloseDayDialog *self = STK_CLOSE_DAY_DIALOG (widget);
  g_autofree char *name = setting (self, "shop-name");
  g_autofree char *address = setting (self, "shop-address");
  g_autoptr(GError) error = NULL;

  if (self->report == NULL || !is_closed (self))
    return;
  if (!stk_day_report_print (GTK_WINDOW (self), self->report, name, address, &error))
    show_error (self, error->message);
}

gboolean
stk_close_day_dialog_save_pdf (StkCloseDayDialog *self,
                               const char        *path)
{
  g_autofree char *name = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (STK_IS_CLOSE_DAY_DIALOG (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->report == NULL)
    return FALSE;
  name = setting (self, "shop-name");
  address = setting (self, "shop-address");
  if (!stk_day_report_write_pdf (self->report, name, address, path, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }
  show_error (self, NULL);
  return TRUE;
}

static void
pdf_chosen_cb (GObject    *owner,
               GFile      *file,
               const char *path)
{
  StkCloseDayDialog *self = STK_CLOSE_DAY_DIALOG (owner);

  if (self->gone)
    return;
  if (path == NULL)
    show_error (self, _("The report can only be saved to a local file."));
  else if (stk_close_day_dialog_save_pdf (self, path))
    {
      g_autofree char *base = g_file_get_basename (file);
      /* Translators: %s is the file's name */
      g_autofree char *text = g_strdup_printf (_("Day report saved as “%s”"), base);

      g_signal_emit (self, signals[SIGNAL_NOTICE], 0, text);
    }
}

static void
save_pdf_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  StkCloseDayDialog *self = STK_CLOSE_DAY_DIALOG (widget);
  g_autofree char *number = NULL;
  g_autofree char *file_name = NULL;

  if (self->report == NULL || !is_closed (self))
    return;
  number = g_strdup_printf ("%" G_GINT64_FORMAT, self->close_id);
  /* Translators: the suggested file name of a day report; %s is the close's number */
  file_name = g_strdup_printf (_("day-report-%s.pdf"), number);
  stk_pdf_chooser_show (GTK_WINDOW (self), _("Save Day Report as PDF"), file_name, pdf_chosen_cb,
                        G_OBJECT (self));
}

/* ---- object ---- */

static void
stk_close_day_dialog_dispose (GObject *object)
{
  StkCloseDayDialog *self = STK_CLOSE_DAY_DIALOG (object);

  self->gone = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->writer);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->report, stk_day_report_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_CLOSE_DAY_DIALOG);

  G_OBJECT_CLASS (stk_close_day_dialog_parent_class)->dispose (object);
}

static void
stk_close_day_dialog_class_init (StkCloseDayDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_close_day_dialog_dispose;

  signals[SIGNAL_NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stocktake/Stocktake/ui/stk-close-day-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, methods_grid);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, taxes_box);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, taxes_grid);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, expected_label);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, counted_row);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, counted_entry);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, counted_value_row);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, counted_label);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, difference_label);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, count_error);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, note_group);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, note_row);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, note_value_row);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, print_button);
  gtk_widget_class_bind_template_child (widget_class, StkCloseDayDialog, save_button);
  gtk_widget_class_bind_template_callback (widget_class, counted_changed_cb);

  gtk_widget_class_install_action (widget_class, "close-day.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "close-day.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "close-day.save-pdf", NULL, save_pdf_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "close-day.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "close-day.save-pdf", NULL);
}

static void
stk_close_day_dialog_init (StkCloseDayDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
}

StkCloseDayDialog *
stk_close_day_dialog_new (GtkWindow *parent,
                          StkWriter *writer,
                          StkStore  *store,
                          GSettings *settings)
{
  StkCloseDayDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (writer == NULL || STK_IS_WRITER (writer), NULL);
  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (STK_TYPE_CLOSE_DAY_DIALOG, "transient-for", parent,
                       "destroy-with-parent", TRUE, NULL);
  self->writer = writer != NULL ? g_object_ref (writer) : NULL;
  self->store = g_object_ref (store);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  load (self);
  return self;
}

StkCloseDayDialog *
stk_close_day_dialog_new_for_close (GtkWindow *parent,
                                    StkStore  *store,
                                    GSettings *settings,
                                    gint64     close_id)
{
  StkCloseDayDialog *self;
  g_autofree char *number = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STK_IS_STORE (store), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (close_id > 0, NULL);

  self = g_object_new (STK_TYPE_CLOSE_DAY_DIALOG, "transient-for", parent,
                       "destroy-with-parent", TRUE, NULL);
  self->store = g_object_ref (store);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  /* Recorded: the close's state from the start (nothing to type), read back by its
   * number as after a close made here. */
  self->close_id = close_id;
  number = g_strdup_printf ("%" G_GINT64_FORMAT, close_id);
  title = g_strdup_printf (_("Close No. %s"), number);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->counted_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->note_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->counted_value_row), TRUE);
  load (self);
  return self;
}

void
stk_close_day_dialog_set_writer (StkCloseDayDialog *self,
                                 StkWriter         *writer)
{
  g_return_if_fail (STK_IS_CLOSE_DAY_DIALOG (self));
  g_return_if_fail (writer == NULL || STK_IS_WRITER (writer));

  g_set_object (&self->writer, writer);
  update_actions (self);
}

const StkDayReport *
stk_close_day_dialog_get_report (StkCloseDayDialog *self)
{
  g_return_val_if_fail (STK_IS_CLOSE_DAY_DIALOG (self), NULL);

  return self->report;
}

gint64
stk_close_day_dialog_get_close_id (StkCloseDayDialog *self)
{
  g_return_val_if_fail (STK_IS_CLOSE_DAY_DIALOG (self), 0);

  return self->close_id;
}

gboolean
stk_close_day_dialog_get_busy (StkCloseDayDialog *self)
{
  g_return_val_if_fail (STK_IS_CLOSE_DAY_DIALOG (self), FALSE);

  return self->busy > 0;
}
