/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sale-details-dialog.h"

#include <glib/gi18n.h>

#include "stk-day.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-receipt.h"
#include "stk-tax.h"

struct _StkSaleDetailsDialog
{
  AdwWindow parent_instance;

  StkWriter           *writer;    /* NULL: read-only */
  StkStore            *store;
  GSettings           *settings;  /* or NULL */
  gint64               sale_id;
  StkSaleDetailsStart  start;     /* done once, after the first read */
  StkSaleDetail       *sale;
  GCancellable        *cancellable;
  guint                busy;
  gboolean             gone;      /* disposed: no widget left to show anything in */

  /* The Return… prompt while open: its widgets, the lines it offers. */
  AdwMessageDialog    *return_prompt;
  GtkDropDown         *return_line;
  GtkEntry            *return_quantity;
  GtkEntry            *return_reason;
  GtkLabel            *return_refund;
  GtkLabel            *return_error;
  GPtrArray           *return_lines;  /* StkSaleLine * borrowed from sale */

  AdwWindowTitle      *window_title;
  GtkLabel            *status_label;
  GtkLabel            *error_label;
  GtkGrid             *lines_grid;
  GtkLabel            *returns_heading;
  GtkGrid             *returns_grid;
  GtkGrid             *totals_grid;
  GtkWidget           *return_button;
  GtkWidget           *void_button;
};

G_DEFINE_FINAL_TYPE (StkSaleDetailsDialog, stk_sale_details_dialog, ADW_TYPE_WINDOW)

enum { SIGNAL_NOTICE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void stk_sale_details_dialog_load (StkSaleDetailsDialog *self);
static void open_return_prompt (StkSaleDetailsDialog *self);
static void open_void_prompt   (StkSaleDetailsDialog *self);
static void print_receipt      (StkSaleDetailsDialog *self);

/* ---- what is shown ---- */

static void
show_error (StkSaleDetailsDialog *self,
            const char           *text)
{
  if (self->gone)
    return;
  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL && *text != '\0');
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
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  if (!numeric)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
    }
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_grid_attach (grid, label, column, row, 1, 1);
  return label;
}

static void
cell_take (GtkGrid *grid,
           int      column,
           int      row,
           char    *text,
           gboolean numeric)
{
  cell (grid, column, row, text, numeric, NULL);
  g_free (text);
}

static gint64
line_refunded (const StkSaleDetail *sale,
               gint64               line_id)
{
  gint64 sum = 0;

  for (guint i = 0; i < sale->returns->len; i++)
    {
      const StkSaleReturn *r = g_ptr_array_index (sale->returns, i);

      if (r->line_id == line_id)
        sum += r->refund_cents;
    }
  return sum;
}

gint64
stk_sale_details_refund_for (const StkSaleDetail *sale,
                             const StkSaleLine   *line,
                             gint64               quantity)
{
  gint64 left, refunded, refund;
  guint64 product;

  g_return_val_if_fail (sale != NULL && line != NULL, -1);

  left = line->quantity - line->returned_quantity;
  if (quantity <= 0 || quantity > left || sale->voided)
    return -1;
  refunded = line_refunded (sale, line->line_id);
  /* As the writer does (data/sqlite/stk-sqlite-sales.c): the last return gets the rest
   * exactly, an earlier one its share, rounded down. */
  if (quantity == left)
    refund = line->total_cents - refunded;
  else if (!g_uint64_checked_mul (&product, (guint64) MAX (line->total_cents, 0), (guint64) quantity))
    refund = (gint64) ((double) line->total_cents * (double) quantity / (double) line->quantity);
  else
    refund = (gint64) (product / (guint64) line->quantity);
  return CLAMP (refund, 0, MAX (line->total_cents - refunded, 0));
}

static gboolean
sale_has_left (const StkSaleDetail *sale)
{
  for (guint i = 0; i < sale->lines->len; i++)
    {
      const StkSaleLine *line = g_ptr_array_index (sale->lines, i);

      if (line->quantity > line->returned_quantity)
        return TRUE;
    }
  return FALSE;
}

static void
update_actions (StkSaleDetailsDialog *self)
{
  const StkSaleDetail *sale = self->sale;
  gboolean loaded = sale != NULL;
  gboolean can_write = loaded && self->writer != NULL && self->busy == 0;
  const char *why_not_void = NULL;
  const char *why_not_return = NULL;

  if (self->gone)
    return;
  if (self->writer == NULL)
    why_not_void = why_not_return = _("The inventory is open read-only.");
  else if (loaded && sale->voided)
    {
      why_not_void = _("This sale is already voided.");
      why_not_return = _("A voided sale cannot be returned.");
    }
  else if (loaded && sale->returns->len > 0)
    why_not_void = _("This sale has returns, so it cannot be voided. Return what is left instead.");
  if (why_not_return == NULL && loaded && !sale_has_left (sale))
    why_not_return = _("Everything on this sale has been returned.");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sale.void", can_write && why_not_void == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sale.return",
                                 can_write && why_not_return == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sale.print", loaded);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sale.save-pdf", loaded);
  gtk_widget_set_tooltip_text (self->void_button, why_not_void);
  gtk_widget_set_tooltip_text (self->return_button, why_not_return);
}

static void
fill (StkSaleDetailsDialog *self)
{
  const StkSaleDetail *sale = self->sale;
  static const char *const headers[] = {
    N_("Code"), N_("Description"), N_("Quantity"), N_("Price"), N_("Discount"), N_("Total"),
    N_("Returned"),
  };
  static const char *const return_headers[] = {
    N_("Returned"), N_("Code"), N_("Quantity"), N_("Refund"), N_("Reason"),
  };
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, sale->sale_id);
  g_autofree char *title = NULL;
  g_autofree char *when = stk_format_datetime (sale->sold_at_us);
  int row = 0;

  /* Translators: the title of a sale's window; %s is its number */
  title = g_strdup_printf (_("Sale %s"), number);
  adw_window_title_set_title (self->window_title, title);
  if (sale->receipt[0] != '\0')
    {
      /* Translators: a sale window's subtitle: its receipt number, then its time */
      g_autofree char *subtitle = g_strdup_printf (_("Receipt No. %s · %s"), sale->receipt, when);

      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
  else
    adw_window_title_set_subtitle (self->window_title, when);
  gtk_window_set_title (GTK_WINDOW (self), title);

  if (sale->voided)
    {
      g_autofree char *text =
        *sale->void_reason != '\0'
          /* Translators: %s is why the sale was voided */
          ? g_strdup_printf (_("Voided: %s. Its stock went back and it counts for nothing."),
                             sale->void_reason)
          : g_strdup (_("Voided. Its stock went back and it counts for nothing."));

      gtk_label_set_text (self->status_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), sale->voided);

  clear_grid (self->lines_grid);
  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    cell (self->lines_grid, c, 0, _(headers[c]), c >= 2, "dim-label");
  for (guint i = 0; i < sale->lines->len; i++)
    {
      const StkSaleLine *line = g_ptr_array_index (sale->lines, i);

      row = (int) i + 1;
      cell (self->lines_grid, 0, row, line->code, FALSE, NULL);
      cell (self->lines_grid, 1, row, line->description, FALSE, NULL);
      cell_take (self->lines_grid, 2, row, stk_format_count (line->quantity), TRUE);
      cell_take (self->lines_grid, 3, row, stk_format_currency (line->unit_price_cents), TRUE);
      cell_take (self->lines_grid, 4, row,
                 line->discount_cents > 0 ? stk_format_currency (line->discount_cents)
                                          : g_strdup (""), TRUE);
      {
        g_autofree char *total = stk_format_currency (line->total_cents);

        cell (self->lines_grid, 5, row, total, TRUE, sale->voided ? "voided-total" : NULL);
      }
      cell_take (self->lines_grid, 6, row,
                 line->returned_quantity > 0 ? stk_format_count (line->returned_quantity)
                                             : g_strdup (""), TRUE);
    }
  gtk_widget_set_hexpand (gtk_grid_get_child_at (self->lines_grid, 1, 0), TRUE);

  clear_grid (self->returns_grid);
  gtk_widget_set_visible (GTK_WIDGET (self->returns_heading), sale->returns->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->returns_grid), sale->returns->len > 0);
  if (sale->returns->len > 0)
    for (guint c = 0; c < G_N_ELEMENTS (return_headers); c++)
      cell (self->returns_grid, c, 0, _(return_headers[c]), c == 2 || c == 3, "dim-label");
  for (guint i = 0; i < sale->returns->len; i++)
    {
      const StkSaleReturn *r = g_ptr_array_index (sale->returns, i);
      guint line_number = 0;
      g_autofree char *code = NULL;

      for (guint l = 0; l < sale->lines->len; l++)
        if (((StkSaleLine *) g_ptr_array_index (sale->lines, l))->line_id == r->line_id)
          line_number = l + 1;
      /* Translators: a returned item's code and the sale line it came from */
      code = g_strdup_printf (_("%s (line %u)"), r->code, line_number);
      row = (int) i + 1;
      cell_take (self->returns_grid, 0, row, stk_format_datetime (r->returned_at_us), FALSE);
      cell (self->returns_grid, 1, row, code, FALSE, NULL);
      cell_take (self->returns_grid, 2, row, stk_format_count (r->quantity), TRUE);
      cell_take (self->returns_grid, 3, row, stk_format_currency (r->refund_cents), TRUE);
      cell (self->returns_grid, 4, row, r->reason, FALSE, NULL);
    }

  clear_grid (self->totals_grid);
  row = 0;
  cell (self->totals_grid, 0, row, _("Total"), FALSE, "dim-label");
  cell_take (self->totals_grid, 1, row++, stk_format_currency (sale->total_cents), TRUE);
  {
    g_autoptr(GPtrArray) parts = stk_sale_detail_tax_parts (sale);

    for (guint i = 0; i < parts->len; i++)
      {
        const StkTaxPart *t = g_ptr_array_index (parts, i);
        g_autofree char *rate = NULL;
        g_autofree char *label = NULL;

        if (t->rate_bp < 0)
          continue;
        rate = stk_tax_rate_format (t->rate_bp);
        /* Translators: in the sale details, the tax of one rate: its name and rate
         * ("Tax: VAT (22 %)"), the amount follows */
        label = g_strdup_printf (_("Tax: %s (%s)"), t->name, rate);
        cell (self->totals_grid, 0, row, label, FALSE, "dim-label");
        cell_take (self->totals_grid, 1, row++, stk_format_currency (t->tax_cents), TRUE);
      }
  }
  if (sale->refunded_cents > 0)
    {
      cell (self->totals_grid, 0, row, _("Refunded"), FALSE, "dim-label");
      cell_take (self->totals_grid, 1, row++, stk_format_currency (-sale->refunded_cents), TRUE);
      cell (self->totals_grid, 0, row, _("Net"), FALSE, "heading");
      cell_take (self->totals_grid, 1, row++,
                 stk_format_currency (sale->total_cents - sale->refunded_cents), TRUE);
    }
  if (sale->voided)
    for (int r = 0; r < row; r++)
      gtk_widget_add_css_class (gtk_grid_get_child_at (self->totals_grid, 1, r), "voided-total");
  if (*sale->payment != '\0')
    {
      cell (self->totals_grid, 0, row, _("Payment"), FALSE, "dim-label");
      cell (self->totals_grid, 1, row++, stk_payment_method_label (sale->payment), FALSE, NULL);
    }
  if (*sale->note != '\0')
    {
      cell (self->totals_grid, 0, row, _("Note"), FALSE, "dim-label");
      cell (self->totals_grid, 1, row++, sale->note, FALSE, NULL);
    }
  update_actions (self);
}

/* ---- reading ---- */

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(StkSaleDetailsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  StkSaleDetail *sale = stk_store_read_sale_finish (STK_STORE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy--;
  if (sale == NULL)
    {
      show_error (self, error->message);
      update_actions (self);
      return;
    }
  g_clear_pointer (&self->sale, stk_sale_detail_free);
  self->sale = sale;
  fill (self);

  switch (self->start)
    {
    case STK_SALE_DETAILS_RETURN:
      if (gtk_widget_is_sensitive (self->return_button))
        open_return_prompt (self);
      break;
    case STK_SALE_DETAILS_VOID:
      if (gtk_widget_is_sensitive (self->void_button))
        open_void_prompt (self);
      else
        /* Said where it is decided: the button's tooltip, here as the error. */
        show_error (self, gtk_widget_get_tooltip_text (self->void_button));
      break;
    case STK_SALE_DETAILS_PRINT:
      print_receipt (self);
      break;
    case STK_SALE_DETAILS_SHOW:
    default:
      break;
    }
  self->start = STK_SALE_DETAILS_SHOW;
}

static void
stk_sale_details_dialog_load (StkSaleDetailsDialog *self)
{
  self->busy++;
  update_actions (self);
  stk_store_read_sale_async (self->store, self->sale_id, self->cancellable, read_cb,
                             g_object_ref (self));
}

/* ---- changes ---- */

typedef struct
{
  StkSaleDetailsDialog *self;
  char                 *text;
} SubmitData;

static void
submit_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SubmitData *data = user_data;
  g_autoptr(StkSaleDetailsDialog) self = data->self;
  g_autofree char *text = data->text;
  g_autoptr(GError) error = NULL;

  g_free (data);
  self->busy--;
  if (!stk_writer_submit_finish (STK_WRITER (object), result, &error))
    {
      gboolean closed = self->gone || !gtk_widget_get_visible (GTK_WIDGET (self));

      if (closed && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Closed meanwhile: said where the user is. */
          /* Translators: a change to a sale failed after its window was closed */
          g_autofree char *failed = g_strdup_printf (_("Not saved: %s"), error->message);

          g_signal_emit (self, signals[SIGNAL_NOTICE], 0, failed);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      update_actions (self);
      return;
    }
  show_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_NOTICE], 0, text);
  if (!self->gone)
    stk_sale_details_dialog_load (self);
}

/* Submits @op (taking it) and, once saved, announces @text (taking it). */
static void
submit (StkSaleDetailsDialog *self,
        StkOp                *op,
        char                 *text)
{
  g_autoptr(StkOp) owned = op;
  SubmitData *data = g_new0 (SubmitData, 1);

  data->self = g_object_ref (self);
  data->text = text;
  self->busy++;
  update_actions (self);
  stk_writer_submit (self->writer, owned, NULL, submit_cb, data);
}

static const StkSaleLine *
find_line (const StkSaleDetail *sale,
           gint64               line_id)
{
  for (guint i = 0; i < sale->lines->len; i++)
    {
      const StkSaleLine *line = g_ptr_array_index (sale->lines, i);

      if (line->line_id == line_id)
        return line;
    }
  return NULL;
}

static gboolean
check_return (StkSaleDetailsDialog *self,
              const StkSaleLine    *line,
              gint64                quantity,
              GError              **error)
{
  gint64 left;

  if (self->writer == NULL || self->sale == NULL)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_READ_ONLY, _("The inventory is open read-only."));
      return FALSE;
    }
  if (self->sale->voided)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, _("A voided sale cannot be returned."));
      return FALSE;
    }
  if (line == NULL)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND, _("Choose a line of this sale."));
      return FALSE;
    }
  left = line->quantity - line->returned_quantity;
  if (quantity <= 0 || quantity > left)
    {
      g_autofree char *most = stk_format_count (left);

      if (left <= 0)
        g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                     _("Everything of “%s” on this sale has been returned."), line->code);
      else
        g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "At most %s of “%s” can be returned from this line.",
                                  "At most %s of “%s” can be returned from this line.",
                                  (gulong) CLAMP (left, 0, G_MAXLONG)),
                     most, line->code);
      return FALSE;
    }
  return TRUE;
}

gboolean
stk_sale_details_dialog_return_line (StkSaleDetailsDialog *self,
                                     gint64                line_id,
                                     gint64                quantity,
                                     const char           *reason,
                                     GError              **error)
{
  const StkSaleLine *line;
  g_autofree char *count = NULL;

  g_return_val_if_fail (STK_IS_SALE_DETAILS_DIALOG (self), FALSE);

  line = self->sale != NULL ? find_line (self->sale, line_id) : NULL;
  if (!check_return (self, line, quantity, error))
    return FALSE;
  count = stk_format_count (quantity);
  submit (self,
          stk_op_return_sale_line (line_id, quantity, -1, reason != NULL ? reason : "",
                                   g_get_real_time ()),
          /* Translators: after a return; %s is how many, then the item's code */
          g_strdup_printf (_("Saved: %s of “%s” returned"), count, line->code));
  return TRUE;
}

gboolean
stk_sale_details_dialog_void (StkSaleDetailsDialog *self,
                              const char           *reason,
                              GError              **error)
{
  g_autofree char *number = NULL;

  g_return_val_if_fail (STK_IS_SALE_DETAILS_DIALOG (self), FALSE);

  update_actions (self);
  if (self->sale == NULL || !gtk_widget_is_sensitive (self->void_button))
    {
      const char *why = gtk_widget_get_tooltip_text (self->void_button);

      g_set_error (error, STK_ERROR, STK_ERROR_CONSTRAINT, "%s",
                   why != NULL ? why : _("This sale cannot be voided now."));
      return FALSE;
    }
  number = g_strdup_printf ("%" G_GINT64_FORMAT, self->sale->sale_id);
  submit (self, stk_op_void_sale_with_reason (self->sale->sale_id, reason != NULL ? reason : ""),
          /* Translators: after a sale was voided; %s is its number */
          g_strdup_printf (_("Saved: sale %s voided"), number));
  return TRUE;
}

/* ---- Return… ---- */

static const StkSaleLine *
prompt_line (StkSaleDetailsDialog *self)
{
  guint i = gtk_drop_down_get_selected (self->return_line);

  if (self->return_lines == NULL || i >= self->return_lines->len)
    return NULL;
  return g_ptr_array_index (self->return_lines, i);
}

static void
return_prompt_changed (StkSaleDetailsDialog *self)
{
  const StkSaleLine *line = prompt_line (self);
  g_autoptr(GError) error = NULL;
  gint64 quantity = 0;
  gboolean ok;

  ok = stk_parse_count (gtk_editable_get_text (GTK_EDITABLE (self->return_quantity)), &quantity,
                        &error) &&
       check_return (self, line, quantity, &error);
  if (ok)
    {
      g_autofree char *refund = stk_format_currency (stk_sale_details_refund_for (self->sale, line,
                                                                                  quantity));
      /* Translators: shown before a return is confirmed; %s is the amount */
      g_autofree char *text = g_strdup_printf (_("Refund: %s"), refund);

      gtk_label_set_text (self->return_refund, text);
    }
  else
    gtk_label_set_text (self->return_refund, "");
  gtk_widget_set_visible (GTK_WIDGET (self->return_refund), ok);
  gtk_label_set_text (self->return_error, ok ? "" : error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->return_error), !ok);
  if (ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->return_quantity), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->return_quantity), "error");
  adw_message_dialog_set_response_enabled (self->return_prompt, "return", ok);
}

static void
return_response_cb (StkSaleDetailsDialog *self,
                    const char           *response,
                    AdwMessageDialog     *prompt)
{
  const StkSaleLine *line = prompt_line (self);
  g_autoptr(GError) error = NULL;
  gint64 quantity = 0;

  if (g_strcmp0 (response, "return") == 0 && line != NULL &&
      stk_parse_count (gtk_editable_get_text (GTK_EDITABLE (self->return_quantity)), &quantity,
                       &error))
    {
      if (!stk_sale_details_dialog_return_line (self, line->line_id, quantity,
                                                gtk_editable_get_text (GTK_EDITABLE (self->return_reason)),
                                                &error))
        show_error (self, error->message);
    }
  self->return_prompt = NULL;
  g_clear_pointer (&self->return_lines, g_ptr_array_unref);
}

static GtkWidget *
prompt_row (GtkGrid    *grid,
            int         row,
            const char *title,
            GtkWidget  *field)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (title);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), field);
  gtk_widget_set_hexpand (field, TRUE);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, field, 1, row, 1, 1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);
  return field;
}

static void
open_return_prompt (StkSaleDetailsDialog *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *number = NULL;
  g_autofree char *heading = NULL;
  GtkGrid *grid;
  AdwMessageDialog *prompt;

  if (self->sale == NULL || self->return_prompt != NULL)
    return;
  self->return_lines = g_ptr_array_new ();
  for (guint i = 0; i < self->sale->lines->len; i++)
    {
      StkSaleLine *line = g_ptr_array_index (self->sale->lines, i);
      g_autofree char *left = NULL;
      g_autofree char *text = NULL;

      if (line->quantity <= line->returned_quantity)
        continue;
      left = stk_format_count (line->quantity - line->returned_quantity);
      /* Translators: a line to return from: code, description, how many are left */
      text = g_strdup_printf (_("%s — %s (%s left)"), line->code, line->description, left);
      gtk_string_list_append (names, text);
      g_ptr_array_add (self->return_lines, line);
    }

  number = g_strdup_printf ("%" G_GINT64_FORMAT, self->sale->sale_id);
  /* Translators: %s is the sale's number */
  heading = g_strdup_printf (_("Return from Sale %s"), number);
  prompt = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("The items come back to stock and the refund is recorded.")));
  self->return_prompt = prompt;
  grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 12);
  self->return_line = GTK_DROP_DOWN (prompt_row (grid, 0, _("_Line"),
                                                 gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL)));
  self->return_quantity = GTK_ENTRY (prompt_row (grid, 1, _("_Quantity"), gtk_entry_new ()));
  gtk_editable_set_text (GTK_EDITABLE (self->return_quantity), "1");
  gtk_entry_set_activates_default (self->return_quantity, TRUE);
  gtk_entry_set_input_purpose (self->return_quantity, GTK_INPUT_PURPOSE_DIGITS);
  self->return_reason = GTK_ENTRY (prompt_row (grid, 2, _("R_eason"), gtk_entry_new ()));
  gtk_entry_set_placeholder_text (self->return_reason, _("Optional"));
  gtk_entry_set_activates_default (self->return_reason, TRUE);
  gtk_entry_set_max_length (self->return_reason, 1000);
  self->return_refund = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->return_refund, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->return_refund), "heading");
  gtk_grid_attach (grid, GTK_WIDGET (self->return_refund), 1, 3, 1, 1);
  self->return_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->return_error, 0);
  gtk_label_set_wrap (self->return_error, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->return_error), "error");
  gtk_grid_attach (grid, GTK_WIDGET (self->return_error), 1, 4, 1, 1);
  adw_message_dialog_set_extra_child (prompt, GTK_WIDGET (grid));

  adw_message_dialog_add_responses (prompt, "cancel", _("_Cancel"), "return", _("_Return"), NULL);
  adw_message_dialog_set_response_appearance (prompt, "return", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (prompt, "return");
  adw_message_dialog_set_close_response (prompt, "cancel");

  g_signal_connect_object (self->return_line, "notify::selected",
                           G_CALLBACK (return_prompt_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->return_quantity, "changed",
                           G_CALLBACK (return_prompt_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (prompt, "response", G_CALLBACK (return_response_cb), self,
                           G_CONNECT_SWAPPED);
  return_prompt_changed (self);
  gtk_window_present (GTK_WINDOW (prompt));
  gtk_widget_grab_focus (GTK_WIDGET (self->return_quantity));
}

static void
return_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  open_return_prompt (STK_SALE_DETAILS_DIALOG (widget));
}

/* ---- Void Sale… ---- */

static void
void_response_cb (AdwMessageDialog *prompt,
                  const char       *response,
                  gpointer          user_data)
{
  StkSaleDetailsDialog *self = user_data;
  GtkEditable *reason = g_object_get_data (G_OBJECT (prompt), "stk-reason");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "void") == 0 &&
      !stk_sale_details_dialog_void (self, gtk_editable_get_text (reason), &error))
    show_error (self, error->message);
}

static void
open_void_prompt (StkSaleDetailsDialog *self)
{
  g_autofree char *number = NULL;
  g_autofree char *heading = NULL;
  AdwMessageDialog *prompt;
  GtkWidget *box, *label, *entry;

  if (self->sale == NULL)
    return;
  number = g_strdup_printf ("%" G_GINT64_FORMAT, self->sale->sale_id);
  /* Translators: %s is the sale's number */
  heading = g_strdup_printf (_("Void Sale %s?"), number);
  prompt = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (self), heading,
    _("Every line of the sale goes back to stock and the sale counts for nothing. It stays in "
      "the Sales list, marked Voided.")));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  label = gtk_label_new_with_mnemonic (_("_Reason"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("For example: rung up twice"));
  gtk_entry_set_max_length (GTK_ENTRY (entry), 1000);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), entry);
  g_object_set_data (G_OBJECT (prompt), "stk-reason", entry);
  adw_message_dialog_set_extra_child (prompt, box);
  adw_message_dialog_add_responses (prompt, "cancel", _("_Cancel"), "void", _("_Void Sale"), NULL);
  adw_message_dialog_set_response_appearance (prompt, "void", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (prompt, "cancel");
  adw_message_dialog_set_close_response (prompt, "cancel");
  g_signal_connect_object (prompt, "response", G_CALLBACK (void_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (prompt));
  gtk_widget_grab_focus (entry);
}

static void
void_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  open_void_prompt (STK_SALE_DETAILS_DIALOG (widget));
}

/* ---- receipts ---- */

static char *
setting (StkSaleDetailsDialog *self,
         const char           *key)
{
  return self->settings != NULL ? g_settings_get_string (self->settings, key) : g_strdup ("");
}

static void
print_receipt (StkSaleDetailsDialog *self)
{
  g_autofree char *name = setting (self, "shop-name");
  g_autofree char *address = setting (self, "shop-address");
  g_autoptr(GError) error = NULL;

  if (self->sale == NULL)
    return;
  if (!stk_receipt_print (GTK_WINDOW (self), self->sale, name, address, &error))
    show_error (self, error->message);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  print_receipt (STK_SALE_DETAILS_DIALOG (widget));
}

gboolean
stk_sale_details_dialog_save_pdf (StkSaleDetailsDialog *self,
                                  const char           *path)
{
  g_autofree char *name = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (STK_IS_SALE_DETAILS_DIALOG (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->sale == NULL)
    return FALSE;
  name = setting (self, "shop-name");
  address = setting (self, "shop-address");
  if (!stk_receipt_write_pdf (self->sale, name, address, path, &error))
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
  StkSaleDetailsDialog *self = STK_SALE_DETAILS_DIALOG (owner);

  /* Closed while the chooser was open: its widgets are gone. */
  if (self->gone)
    return;
  if (path == NULL)
    show_error (self, _("The receipt can only be saved to a local file."));
  else if (stk_sale_details_dialog_save_pdf (self, path))
    {
      g_autofree char *base = g_file_get_basename (file);
      /* Translators: %s is the file's name */
      g_autofree char *text = g_strdup_printf (_("Receipt saved as “%s”"), base);

      g_signal_emit (self, signals[SIGNAL_NOTICE], 0, text);
    }
}

static void
save_pdf_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  StkSaleDetailsDialog *self = STK_SALE_DETAILS_DIALOG (widget);
  g_autofree char *number = NULL;
  g_autofree char *file_name = NULL;

  if (self->sale == NULL)
    return;
  number = g_strdup_printf ("%" G_GINT64_FORMAT, self->sale->sale_id);
  /* Translators: the suggested file name of a receipt; %s is the sale's number */
  file_name = g_strdup_printf (_("receipt-%s.pdf"), number);
  stk_pdf_chooser_show (GTK_WINDOW (self), _("Save Receipt as PDF"), file_name, pdf_chosen_cb,
                        G_OBJECT (self));
}

/* ---- object ---- */

static void
stk_sale_details_dialog_dispose (GObject *object)
{
  StkSaleDetailsDialog *self = STK_SALE_DETAILS_DIALOG (object);

  self->gone = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->writer);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->return_lines, g_ptr_array_unref);
  g_clear_pointer (&self->sale, stk_sale_detail_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_SALE_DETAILS_DIALOG);

  G_OBJECT_CLASS (stk_sale_details_dialog_parent_class)->dispose (object);
}

static void
stk_sale_details_dialog_class_init (StkSaleDetailsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_sale_details_dialog_dispose;

  signals[SIGNAL_NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stocktake/Stocktake/ui/stk-sale-details-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkSaleDetailsDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDetailsDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDetailsDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDetailsDialog, lines_grid);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDetailsDialog, returns_heading);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDetailsDialog, returns_grid);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDetailsDialog, totals_grid);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDetailsDialog, return_button);
  gtk_widget_class_bind_template_child (widget_class, StkSaleDetailsDialog, void_button);

  gtk_widget_class_install_action (widget_class, "sale.return", NULL, return_action);
  gtk_widget_class_install_action (widget_class, "sale.void", NULL, void_action);
  gtk_widget_class_install_action (widget_class, "sale.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "sale.save-pdf", NULL, save_pdf_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "sale.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "sale.save-pdf", NULL);
}

static void
stk_sale_details_dialog_init (StkSaleDetailsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

StkSaleDetailsDialog *
stk_sale_details_dialog_new (GtkWindow           *parent,
                             StkWriter           *writer,
                             StkStore            *store,
                             GSettings           *settings,
                             gint64               sale_id,
                             StkSaleDetailsStart  start)
{
  StkSaleDetailsDialog *self;

  g_return_val_if_fail (writer == NULL || STK_IS_WRITER (writer), NULL);
  g_return_val_if_fail (STK_IS_STORE (store), NULL);

  self = g_object_new (STK_TYPE_SALE_DETAILS_DIALOG, "transient-for", parent,
                       "destroy-with-parent", TRUE, NULL);
  self->writer = writer != NULL ? g_object_ref (writer) : NULL;
  self->store = g_object_ref (store);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  self->sale_id = sale_id;
  self->start = start;
  stk_sale_details_dialog_load (self);
  return self;
}

void
stk_sale_details_dialog_set_writer (StkSaleDetailsDialog *self,
                                    StkWriter            *writer)
{
  g_return_if_fail (STK_IS_SALE_DETAILS_DIALOG (self));

  if (writer != NULL)
    g_object_ref (writer);
  g_clear_object (&self->writer);
  self->writer = writer;
  update_actions (self);
}

gint64
stk_sale_details_dialog_get_sale_id (StkSaleDetailsDialog *self)
{
  g_return_val_if_fail (STK_IS_SALE_DETAILS_DIALOG (self), 0);

  return self->sale_id;
}

const StkSaleDetail *
stk_sale_details_dialog_get_sale (StkSaleDetailsDialog *self)
{
  g_return_val_if_fail (STK_IS_SALE_DETAILS_DIALOG (self), NULL);

  return self->sale;
}

gboolean
stk_sale_details_dialog_get_busy (StkSaleDetailsDialog *self)
{
  g_return_val_if_fail (STK_IS_SALE_DETAILS_DIALOG (self), FALSE);

  return self->busy > 0;
}
