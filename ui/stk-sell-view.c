/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-sell-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "stk-a11y.h"
#include "stk-code-entry.h"
#include "stk-code.h"
#include "stk-day.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-glib.h"
#include "stk-item-dialog.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-receipt.h"
#include "stk-sale.h"
#include "stk-tax.h"

/* ---------------------------------------------------------------------------------- */
/* StkBasketLine                                                                        */

struct _StkBasketLine
{
  GObject   parent_instance;

  gint64    item_id;
  char     *code;
  char     *description;
  gint64    quantity;
  gint64    unit_price_cents;
  gint64    on_hand;
  gint64    tax_rate_bp;   /* stk-tax.h; -1: no tax */
  gboolean  allow_negative;
  /* The price field holds text that is not an amount. */
  gboolean  price_invalid;
  /* What the writer said about this line (the last Complete Sale), or NULL. */
  char     *error;
};

G_DEFINE_FINAL_TYPE (StkBasketLine, stk_basket_line, G_TYPE_OBJECT)

enum {
  LINE_PROP_0,
  LINE_PROP_QUANTITY,
  LINE_PROP_UNIT_PRICE,
  LINE_PROP_SHORT,
  LINE_N_PROPS
};

static GParamSpec *line_properties[LINE_N_PROPS];

static void
stk_basket_line_finalize (GObject *object)
{
  StkBasketLine *self = STK_BASKET_LINE (object);

  g_free (self->code);
  g_free (self->description);
  g_free (self->error);

  G_OBJECT_CLASS (stk_basket_line_parent_class)->finalize (object);
}

static void
stk_basket_line_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StkBasketLine *self = STK_BASKET_LINE (object);

  switch (prop_id)
    {
    case LINE_PROP_QUANTITY:
      g_value_set_int64 (value, self->quantity);
      break;
    case LINE_PROP_UNIT_PRICE:
      g_value_set_int64 (value, self->unit_price_cents);
      break;
    case LINE_PROP_SHORT:
      g_value_set_boolean (value, stk_basket_line_get_short (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_basket_line_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  StkBasketLine *self = STK_BASKET_LINE (object);

  switch (prop_id)
    {
    case LINE_PROP_QUANTITY:
      stk_basket_line_set_quantity (self, g_value_get_int64 (value));
      break;
    case LINE_PROP_UNIT_PRICE:
      stk_basket_line_set_unit_price (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_basket_line_class_init (StkBasketLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = stk_basket_line_finalize;
  object_class->get_property = stk_basket_line_get_property;
  object_class->set_property = stk_basket_line_set_property;

  line_properties[LINE_PROP_QUANTITY] =
    g_param_spec_int64 ("quantity", NULL, NULL, 1, G_MAXINT64, 1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  line_properties[LINE_PROP_UNIT_PRICE] =
    g_param_spec_int64 ("unit-price", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  line_properties[LINE_PROP_SHORT] =
    g_param_spec_boolean ("short", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, LINE_N_PROPS, line_properties);
}

static void
stk_basket_line_init (StkBasketLine *self)
{
  self->quantity = 1;
}

static StkBasketLine *
stk_basket_line_new (const StkItemInfo *info,
                   gint64             quantity,
                   gboolean           allow_negative)
{
  StkBasketLine *self = g_object_new (STK_TYPE_BASKET_LINE, NULL);

  self->item_id = info->id;
  self->code = g_strdup (info->code);
  self->description = g_strdup (info->description);
  self->quantity = MAX (quantity, 1);
  self->unit_price_cents = MAX (info->unit_price_cents, 0);
  self->on_hand = info->on_hand;
  self->tax_rate_bp = info->tax_rate_bp;
  self->allow_negative = allow_negative;
  return self;
}

const char *
stk_basket_line_get_code (StkBasketLine *self)
{
  g_return_val_if_fail (STK_IS_BASKET_LINE (self), NULL);
  return self->code;
}

const char *
stk_basket_line_get_description (StkBasketLine *self)
{
  g_return_val_if_fail (STK_IS_BASKET_LINE (self), NULL);
  return self->description;
}

gint64
stk_basket_line_get_quantity (StkBasketLine *self)
{
  g_return_val_if_fail (STK_IS_BASKET_LINE (self), 0);
  return self->quantity;
}

void
stk_basket_line_set_quantity (StkBasketLine *self,
                            gint64       quantity)
{
  gboolean was_short;

  g_return_if_fail (STK_IS_BASKET_LINE (self));
  g_return_if_fail (quantity >= 1);

  if (self->quantity == quantity)
    return;
  was_short = stk_basket_line_get_short (self);
  self->quantity = quantity;
  g_clear_pointer (&self->error, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), line_properties[LINE_PROP_QUANTITY]);
  if (was_short != stk_basket_line_get_short (self))
    g_object_notify_by_pspec (G_OBJECT (self), line_properties[LINE_PROP_SHORT]);
}

gint64
stk_basket_line_get_unit_price (StkBasketLine *self)
{
  g_return_val_if_fail (STK_IS_BASKET_LINE (self), 0);
  return self->unit_price_cents;
}

void
stk_basket_line_set_unit_price (StkBasketLine *self,
                              gint64       cents)
{
  g_return_if_fail (STK_IS_BASKET_LINE (self));
  g_return_if_fail (cents >= 0);

  if (self->unit_price_cents == cents)
    return;
  self->unit_price_cents = cents;
  g_clear_pointer (&self->error, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), line_properties[LINE_PROP_UNIT_PRICE]);
}

gint64
stk_basket_line_get_on_hand (StkBasketLine *self)
{
  g_return_val_if_fail (STK_IS_BASKET_LINE (self), 0);
  return self->on_hand;
}

gint64
stk_basket_line_get_total (StkBasketLine *self)
{
  gint64 total;

  g_return_val_if_fail (STK_IS_BASKET_LINE (self), 0);
  if (__builtin_mul_overflow (self->quantity, self->unit_price_cents, &total))
    return G_MAXINT64;
  return total;
}

gboolean
stk_basket_line_get_short (StkBasketLine *self)
{
  g_return_val_if_fail (STK_IS_BASKET_LINE (self), FALSE);
  return !self->allow_negative && self->quantity > self->on_hand;
}

/* ---------------------------------------------------------------------------------- */
/* StkSellView                                                                        */

/* The pause after the last key before the words typed are searched: a scanner's burst
 * (a code and Enter within milliseconds) is never searched. */
#define SUGGEST_DELAY_MS 250
#define SUGGEST_LIMIT 8

struct _StkSellView
{
  GtkWidget     parent_instance;

  StkStore     *store;
  StkWriter    *writer;
  GSettings    *settings;
  /* Cancelled in dispose: an answer arriving later must not touch the view. */
  GCancellable *cancellable;
  GListStore   *lines;
  /* The scans waiting for their lookup (char *), oldest first; the head is being looked
   * up while looking_up is set. */
  GQueue        scans;
  gboolean      looking_up;
  /* The sale being submitted. */
  StkOp        *pending_sale;
  gboolean      attaching;
  gboolean      allow_negative;
  gboolean      busy;
  /* The code the last unknown scan was, for attach / new item. */
  char         *unknown_code;
  gint64        last_sale_id;
  /* Suggestions: the pause after the last key, the search under way (cancelled by a
   * newer one and in dispose) and the text it is for. */
  guint         suggest_id;
  GCancellable *suggest_cancellable;
  char         *suggest_text;
  gboolean      setting_scan_text;
  /* The shop's payment methods as stored, in the selector's order (its labels are
   * stk_payment_method_label()'s); NULL until read. The read under way, and whether
   * another was asked for meanwhile. setting_payment: the selector is being set by the
   * view, not chosen. The idle that gives the scan field the focus back after a choice. */
  GStrv         payment_methods;
  gboolean      reading_shop;
  gboolean      read_shop_again;
  gboolean      setting_payment;
  guint         payment_focus_id;

  /* Template widgets */
  GtkWidget    *content;
  GtkEntry     *scan_entry;
  GtkSpinner   *scan_spinner;
  GtkLabel     *read_only_label;
  GtkRevealer  *unknown_revealer;
  GtkLabel     *unknown_label;
  GtkEntry     *attach_entry;
  GtkButton    *attach_button;
  GtkButton    *create_button;
  GtkLabel     *attach_error;
  GtkStack     *basket_stack;
  GtkListBox   *lines_list;
  GtkLabel     *error_label;
  GtkRevealer  *receipt_revealer;
  GtkLabel     *last_sale_label;
  GtkLabel     *total_label;
  GtkLabel     *tax_label;
  /* The shop's tax rules (stk-tax.h), as the sale will apply them. */
  gboolean      prices_include_tax;
  StkTaxRounding tax_rounding;
  GtkButton    *clear_button;
  GtkButton    *complete_button;
  GtkDropDown  *payment_dropdown;
  GtkStringList *payment_labels;
  GtkButton    *print_button;
  GtkPopover   *suggest_popover;
  GtkListBox   *suggest_list;
};

G_DEFINE_FINAL_TYPE (StkSellView, stk_sell_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SAVED,
  SIGNAL_NOTICE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void stk_sell_view_next_scan (StkSellView *self);
static void stk_sell_view_hide_suggestions (StkSellView *self);
static void stk_sell_view_select_payment (StkSellView *self,
                                          guint        position);

static void
stk_sell_view_update (StkSellView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));
  gint64 total = 0, tax = 0;
  gboolean overflow = FALSE, taxed = FALSE;
  gboolean can_write = self->writer != NULL;
  gboolean busy = self->looking_up || self->pending_sale != NULL || self->attaching;
  g_autofree gint64 *amounts = g_new0 (gint64, MAX (n, 1));
  g_autofree gint64 *rates = g_new0 (gint64, MAX (n, 1));
  g_autofree gint64 *taxes = g_new0 (gint64, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StkBasketLine) line = g_list_model_get_item (G_LIST_MODEL (self->lines), i);

      amounts[i] = stk_basket_line_get_total (line);
      rates[i] = line->tax_rate_bp;
      taxed |= line->tax_rate_bp >= 0;
      if (amounts[i] > G_MAXINT64 / 2 || __builtin_add_overflow (total, amounts[i], &total))
        overflow = TRUE;
    }
  /* The tax as the sale will record it (data/stk-tax.h): in the prices, or added. */
  if (!overflow && taxed)
    {
      stk_tax_lines (amounts, rates, n, self->prices_include_tax, self->tax_rounding, taxes);
      for (guint i = 0; i < n; i++)
        tax += taxes[i];
      if (!self->prices_include_tax && __builtin_add_overflow (total, tax, &total))
        overflow = TRUE;
    }
  if (overflow)
    gtk_label_set_text (self->total_label, _("Too large"));
  else
    {
      g_autofree char *text = stk_format_currency (total);

      gtk_label_set_text (self->total_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->tax_label), taxed && !overflow);
  if (taxed && !overflow)
    {
      g_autofree char *amount = stk_format_currency (tax);
      g_autofree char *text = self->prices_include_tax
                                /* Translators: under the till's total; %s is the tax in it */
                                ? g_strdup_printf (_("Of which tax %s"), amount)
                                /* Translators: under the till's total; %s is the tax added
                                 * to the prices */
                                : g_strdup_printf (_("Including %s of tax added to the prices"),
                                                   amount);

      gtk_label_set_text (self->tax_label, text);
    }
  gtk_stack_set_visible_child_name (self->basket_stack, n > 0 ? "lines" : "empty");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sell.complete",
                                 can_write && n > 0 && !busy && !overflow);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sell.clear",
                                 n > 0 && self->pending_sale == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sell.print-receipt",
                                 self->last_sale_id > 0 && self->store != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scan_entry), can_write);
  gtk_widget_set_sensitive (GTK_WIDGET (self->payment_dropdown),
                            can_write && self->pending_sale == NULL);
  if (!can_write && self->suggest_popover != NULL)
    stk_sell_view_hide_suggestions (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->attach_button), can_write && !self->attaching);
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), can_write && !self->attaching);
  gtk_widget_set_sensitive (GTK_WIDGET (self->lines_list), self->pending_sale == NULL);
  gtk_spinner_set_spinning (self->scan_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->scan_spinner), busy);

  if (self->busy != busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

static void
stk_sell_view_show_error (StkSellView *self,
                          const char  *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* ---------------------------------------------------------------------------------- */
/* The basket's rows                                                                  */

typedef struct
{
  StkBasketLine   *line;   /* a reference */
  GtkSpinButton *quantity;
  GtkEntry      *price;
  GtkLabel      *total;
  GtkLabel      *on_hand;
  GtkLabel      *note;
  gboolean       setting;
} LineRow;

static void
line_row_free (LineRow *row)
{
  g_clear_object (&row->line);
  g_free (row);
}

static void
line_row_update (LineRow *row)
{
  StkBasketLine *line = row->line;
  g_autofree char *on_hand = stk_format_count (line->on_hand);
  g_autofree char *on_hand_text = NULL;
  gint64 line_total = stk_basket_line_get_total (line);
  gboolean is_short = stk_basket_line_get_short (line);
  g_autofree char *note = NULL;

  /* Translators: the stock of a basket line's item, before the sale */
  on_hand_text = g_strdup_printf (_("%s on hand"), on_hand);
  gtk_label_set_text (row->on_hand, on_hand_text);

  if (line->price_invalid)
    gtk_label_set_text (row->total, "—");
  else if (line_total == G_MAXINT64)
    gtk_label_set_text (row->total, _("Too large"));
  else
    {
      g_autofree char *total = stk_format_currency (line_total);

      gtk_label_set_text (row->total, total);
    }

  if (line->error != NULL)
    note = g_strdup (line->error);
  else if (line->price_invalid)
    note = g_strdup (_("The price is not an amount."));
  else if (is_short && line->on_hand <= 0)
    note = g_strdup (_("None in stock."));
  else if (is_short)
    /* Translators: on a basket line whose quantity is more than the stock */
    note = g_strdup_printf (_("Only %s in stock."), on_hand);
  gtk_label_set_text (row->note, note ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (row->note), note != NULL);

  if (is_short)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row->quantity), "error");
      gtk_widget_add_css_class (GTK_WIDGET (row->on_hand), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (row->on_hand), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row->quantity), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (row->on_hand), "error");
      gtk_widget_add_css_class (GTK_WIDGET (row->on_hand), "dim-label");
    }

  if ((gint64) gtk_spin_button_get_value (row->quantity) != line->quantity)
    {
      row->setting = TRUE;
      gtk_spin_button_set_value (row->quantity, (double) line->quantity);
      row->setting = FALSE;
    }
}

static void
line_notify_cb (GtkWidget  *row_widget,
                GParamSpec *pspec,
                StkBasketLine *line)
{
  line_row_update (g_object_get_data (G_OBJECT (row_widget), "stk-line-row"));
}

static void
quantity_changed_cb (GtkSpinButton *spin,
                     LineRow       *row)
{
  gint64 quantity = (gint64) gtk_spin_button_get_value (spin);

  if (row->setting || quantity < 1)
    return;
  stk_basket_line_set_quantity (row->line, quantity);
}

static void
price_changed_cb (GtkEditable *editable,
                  LineRow     *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  gint64 cents = 0;
  gboolean valid = stk_parse_money (text, &cents, NULL);

  if (row->setting)
    return;
  if (valid)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
      row->line->price_invalid = FALSE;
      stk_basket_line_set_unit_price (row->line, cents);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
      row->line->price_invalid = TRUE;
    }
  line_row_update (row);
  /* The total follows. */
  g_object_notify_by_pspec (G_OBJECT (row->line), line_properties[LINE_PROP_UNIT_PRICE]);
}

static void
stk_sell_view_remove_line (StkSellView *self,
                           StkBasketLine *line)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));

  if (self->pending_sale != NULL)
    return;
  stk_sell_view_focus_scan (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StkBasketLine) other = g_list_model_get_item (G_LIST_MODEL (self->lines), i);

      if (other == line)
        {
          g_list_store_remove (self->lines, i);
          break;
        }
    }
  stk_sell_view_show_error (self, NULL);
}

static void
remove_clicked_cb (GtkButton *button,
                   LineRow   *row)
{
  StkSellView *self = STK_SELL_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (button),
                                                              STK_TYPE_SELL_VIEW));

  stk_sell_view_remove_line (self, row->line);
}

static GtkWidget *
create_line_row (gpointer item,
                 gpointer user_data)
{
  StkSellView *self = STK_SELL_VIEW (user_data);
  StkBasketLine *line = STK_BASKET_LINE (item);
  LineRow *row = g_new0 (LineRow, 1);
  GtkWidget *list_row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *code = gtk_label_new (line->code);
  GtkWidget *description = gtk_label_new (line->description);
  GtkWidget *times = gtk_label_new ("×");
  GtkWidget *remove = gtk_button_new_from_icon_name ("edit-delete-symbolic");
  g_autofree char *price = stk_format_money (line->unit_price_cents);
  g_autofree char *quantity_name = NULL;
  g_autofree char *price_name = NULL;
  g_autofree char *remove_name = NULL;

  row->line = g_object_ref (line);
  row->quantity = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 1000000, 1));
  row->price = GTK_ENTRY (gtk_entry_new ());
  row->total = GTK_LABEL (gtk_label_new (NULL));
  row->on_hand = GTK_LABEL (gtk_label_new (NULL));
  row->note = GTK_LABEL (gtk_label_new (NULL));
  g_object_set_data_full (G_OBJECT (list_row), "stk-line-row", row,
                          (GDestroyNotify) line_row_free);
  gtk_widget_add_css_class (list_row, "stk-sell-line");

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);

  gtk_label_set_xalign (GTK_LABEL (code), 0);
  gtk_widget_add_css_class (code, "heading");
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (description, "dim-label");
  gtk_label_set_xalign (row->note, 0);
  gtk_label_set_wrap (row->note, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (row->note), "error");
  gtk_widget_add_css_class (GTK_WIDGET (row->note), "caption");
  gtk_widget_set_hexpand (names, TRUE);
  gtk_box_append (GTK_BOX (names), code);
  gtk_box_append (GTK_BOX (names), description);
  gtk_box_append (GTK_BOX (names), GTK_WIDGET (row->note));
  gtk_box_append (GTK_BOX (box), names);

  gtk_label_set_xalign (row->on_hand, 1);
  gtk_widget_set_valign (GTK_WIDGET (row->on_hand), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (row->on_hand), "numeric");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->on_hand));

  gtk_spin_button_set_value (row->quantity, (double) line->quantity);
  gtk_spin_button_set_numeric (row->quantity, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (row->quantity), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->quantity));
  gtk_widget_add_css_class (times, "dim-label");
  gtk_box_append (GTK_BOX (box), times);

  gtk_editable_set_text (GTK_EDITABLE (row->price), price);
  gtk_editable_set_width_chars (GTK_EDITABLE (row->price), 7);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (row->price), 7);
  gtk_editable_set_alignment (GTK_EDITABLE (row->price), 1.0);
  gtk_widget_set_valign (GTK_WIDGET (row->price), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->price));

  gtk_label_set_xalign (row->total, 1);
  gtk_label_set_width_chars (row->total, 10);
  gtk_widget_add_css_class (GTK_WIDGET (row->total), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (row->total), "heading");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->total));

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove Line (Delete)"));
  gtk_box_append (GTK_BOX (box), remove);

  /* Translators: accessible names of a basket line's fields; %s is the item code */
  quantity_name = g_strdup_printf (_("Quantity of %s"), line->code);
  price_name = g_strdup_printf (_("Unit price of %s"), line->code);
  remove_name = g_strdup_printf (_("Remove %s"), line->code);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->quantity),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, quantity_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->price),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, price_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name, -1);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (list_row), box);

  g_signal_connect (row->quantity, "value-changed", G_CALLBACK (quantity_changed_cb), row);
  g_signal_connect (row->price, "changed", G_CALLBACK (price_changed_cb), row);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), row);
  g_signal_connect_object (line, "notify", G_CALLBACK (line_notify_cb), list_row,
                           G_CONNECT_SWAPPED);
  /* Each change of a line changes the total. */
  g_signal_connect_object (line, "notify", G_CALLBACK (stk_sell_view_update), self,
                           G_CONNECT_SWAPPED);

  line_row_update (row);
  return list_row;
}

static LineRow *
stk_sell_view_get_row (StkSellView *self,
                       guint        position)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->lines_list, (int) position);

  return row != NULL ? g_object_get_data (G_OBJECT (row), "stk-line-row") : NULL;
}

static void
lines_changed_cb (StkSellView *self)
{
  stk_sell_view_update (self);
}

/* ---------------------------------------------------------------------------------- */
/* Scans                                                                              */

static void
stk_sell_view_add (StkSellView       *self,
                   const StkItemInfo *info,
                   gint64             pack)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));
  g_autoptr(StkBasketLine) line = NULL;

  /* The same item again: one more of the scanned pack on its line. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StkBasketLine) other = g_list_model_get_item (G_LIST_MODEL (self->lines), i);
      gint64 quantity;

      if (other->item_id != info->id)
        continue;
      if (__builtin_add_overflow (other->quantity, pack, &quantity) || quantity > 1000000)
        {
          stk_sell_view_show_error (self, _("That quantity is too large for one line."));
          return;
        }
      /* The stock may have changed since the line was added. */
      other->on_hand = info->on_hand;
      stk_basket_line_set_quantity (other, quantity);
      line_row_update (stk_sell_view_get_row (self, i));
      gtk_list_box_select_row (self->lines_list,
                               gtk_list_box_get_row_at_index (self->lines_list, (int) i));
      return;
    }

  line = stk_basket_line_new (info, pack, self->allow_negative);
  g_list_store_append (self->lines, line);
  gtk_list_box_select_row (self->lines_list,
                           gtk_list_box_get_row_at_index (self->lines_list, (int) n));
}

static void
stk_sell_view_show_unknown (StkSellView *self,
                            const char  *code)
{
  g_autofree char *text = NULL;

  g_free (self->unknown_code);
  self->unknown_code = g_strdup (code);
  /* Translators: a scanned or typed code that names no item; %s is the code */
  text = g_strdup_printf (_("“%s” is not the code or barcode of any item. Attach it to an "
                            "item as its barcode, or create an item with it."), code);
  gtk_label_set_text (self->unknown_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->attach_error), FALSE);
  gtk_revealer_set_reveal_child (self->unknown_revealer, TRUE);
}

static void
stk_sell_view_hide_unknown (StkSellView *self)
{
  gtk_revealer_set_reveal_child (self->unknown_revealer, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->attach_entry), "");
  gtk_widget_set_visible (GTK_WIDGET (self->attach_error), FALSE);
}

/* ---------------------------------------------------------------------------------- */
/* Suggestions: the items the words typed find                                        */

static gboolean
stk_sell_view_suggestions_shown (StkSellView *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->suggest_popover));
}

/* Drops the pause and the search under way: what they were for has changed. */
static void
stk_sell_view_stop_suggesting (StkSellView *self)
{
  g_clear_handle_id (&self->suggest_id, g_source_remove);
  if (self->suggest_cancellable != NULL)
    g_cancellable_cancel (self->suggest_cancellable);
  g_clear_object (&self->suggest_cancellable);
  g_clear_pointer (&self->suggest_text, g_free);
}

static void
stk_sell_view_hide_suggestions (StkSellView *self)
{
  stk_sell_view_stop_suggesting (self);
  gtk_list_box_unselect_all (self->suggest_list);
  gtk_popover_popdown (self->suggest_popover);
}

/* The scan field's text, trimmed (newly allocated). */
static char *
stk_sell_view_dup_scan_text (StkSellView *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->scan_entry))));
}

/* The scan field's text, set by the view: not typed, so nothing to search for. */
static void
stk_sell_view_set_scan_text (StkSellView *self,
                             const char  *text)
{
  self->setting_scan_text = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->scan_entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->scan_entry), -1);
  self->setting_scan_text = FALSE;
}

static GtkWidget *
create_suggestion_row (const StkItemInfo *info)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *code = gtk_label_new (info->code);
  GtkWidget *description = gtk_label_new (info->description);
  g_autofree char *price_text = stk_format_currency (info->unit_price_cents);
  g_autofree char *count = stk_format_count (info->on_hand);
  g_autofree char *on_hand_text = NULL;
  g_autofree char *name = NULL;
  GtkWidget *price;
  GtkWidget *on_hand;
  StkItemInfo *copy = g_new0 (StkItemInfo, 1);

  *copy = *info;
  copy->code = g_strdup (info->code);
  copy->description = g_strdup (info->description);
  g_object_set_data_full (G_OBJECT (row), "stk-item", copy, (GDestroyNotify) stk_item_info_free);
  /* The scan field keeps the focus: the rows are chosen from it or by a click. */
  gtk_widget_set_focusable (row, FALSE);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);

  gtk_label_set_xalign (GTK_LABEL (code), 0);
  gtk_widget_add_css_class (code, "heading");
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (description, "dim-label");
  gtk_widget_set_hexpand (names, TRUE);
  gtk_box_append (GTK_BOX (names), code);
  gtk_box_append (GTK_BOX (names), description);
  gtk_box_append (GTK_BOX (box), names);

  /* Translators: the stock of a basket line's item, before the sale */
  on_hand_text = g_strdup_printf (_("%s on hand"), count);
  on_hand = gtk_label_new (on_hand_text);
  gtk_label_set_xalign (GTK_LABEL (on_hand), 1);
  gtk_widget_set_valign (on_hand, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (on_hand, "numeric");
  gtk_widget_add_css_class (on_hand, info->on_hand > 0 ? "dim-label" : "error");
  gtk_box_append (GTK_BOX (box), on_hand);

  price = gtk_label_new (price_text);
  gtk_label_set_xalign (GTK_LABEL (price), 1);
  gtk_label_set_width_chars (GTK_LABEL (price), 9);
  gtk_widget_set_valign (price, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (price, "numeric");
  gtk_widget_add_css_class (price, "heading");
  gtk_box_append (GTK_BOX (box), price);

  /* Translators: accessible name of an item offered under the scan field: its code,
   * description, price and stock on hand */
  name = g_strdup_printf (_("%s, %s, %s, %s on hand"), info->code, info->description,
                          price_text, count);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

/* Offers @items (StkItemInfo*) under the scan field, none chosen yet; none: nothing. */
static void
stk_sell_view_show_suggestions (StkSellView *self,
                                GPtrArray   *items)
{
  GtkWidget *child;
  graphene_rect_t bounds;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->suggest_list))) != NULL)
    gtk_list_box_remove (self->suggest_list, child);
  if (items->len == 0 || self->writer == NULL)
    {
      gtk_popover_popdown (self->suggest_popover);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    gtk_list_box_append (self->suggest_list, create_suggestion_row (items->pdata[i]));
  gtk_list_box_unselect_all (self->suggest_list);

  /* Under the field, as wide as it is. */
  if (gtk_widget_compute_bounds (GTK_WIDGET (self->scan_entry), GTK_WIDGET (self), &bounds))
    {
      GdkRectangle rect = { (int) bounds.origin.x, (int) bounds.origin.y,
                            (int) bounds.size.width, (int) bounds.size.height };

      gtk_popover_set_pointing_to (self->suggest_popover, &rect);
      gtk_widget_set_size_request (GTK_WIDGET (self->suggest_list),
                                   MAX (rect.width - 12, 240), -1);
    }
  gtk_popover_popup (self->suggest_popover);
}

static void
suggested_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *typed = NULL;
  StkSellView *self;

  items = stk_store_search_items_finish (STK_STORE (object), result, &error);
  /* Cancelled: a newer search replaced this one, or the view is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = STK_SELL_VIEW (user_data);
  typed = stk_sell_view_dup_scan_text (self);
  /* The text changed meanwhile: this answer is stale. */
  if (g_strcmp0 (typed, self->suggest_text) != 0)
    return;
  g_clear_object (&self->suggest_cancellable);
  g_clear_pointer (&self->suggest_text, g_free);
  if (items == NULL)
    {
      g_debug ("Cannot search the items: %s", error->message);
      gtk_popover_popdown (self->suggest_popover);
      return;
    }
  stk_sell_view_show_suggestions (self, items);
}

/* Searches the field's text for suggestions now. */
static void
stk_sell_view_suggest (StkSellView *self)
{
  g_autofree char *text = NULL;

  stk_sell_view_stop_suggesting (self);
  text = stk_sell_view_dup_scan_text (self);
  if (text[0] == '\0' || self->store == NULL || self->writer == NULL)
    {
      gtk_popover_popdown (self->suggest_popover);
      return;
    }
  self->suggest_cancellable = g_cancellable_new ();
  self->suggest_text = g_steal_pointer (&text);
  stk_store_search_items_async (self->store, self->suggest_text, SUGGEST_LIMIT,
                                self->suggest_cancellable, suggested_cb, self);
}

static gboolean
suggest_delay_cb (gpointer user_data)
{
  StkSellView *self = STK_SELL_VIEW (user_data);

  self->suggest_id = 0;
  stk_sell_view_suggest (self);
  return G_SOURCE_REMOVE;
}

/* Typed: the suggestions follow after a pause (the ones shown stay until then, none of
 * them chosen). A scan's burst ends with Enter, which empties the field first. */
static void
scan_changed_cb (StkSellView *self)
{
  g_autofree char *text = NULL;

  if (self->setting_scan_text)
    return;
  stk_sell_view_stop_suggesting (self);
  gtk_list_box_unselect_all (self->suggest_list);
  text = stk_sell_view_dup_scan_text (self);
  if (text[0] == '\0' || self->writer == NULL)
    {
      gtk_popover_popdown (self->suggest_popover);
      return;
    }
  self->suggest_id = g_timeout_add (SUGGEST_DELAY_MS, suggest_delay_cb, self);
}

static void stk_sell_view_queue_scan (StkSellView *self,
                                      const char  *text);

/* The chosen item goes in as a scan of its code would (its pack, its line). */
static void
stk_sell_view_choose (StkSellView   *self,
                      GtkListBoxRow *row)
{
  const StkItemInfo *info = g_object_get_data (G_OBJECT (row), "stk-item");
  g_autofree char *code = NULL;

  if (info == NULL || self->writer == NULL)
    return;
  code = g_strdup (info->code);
  stk_sell_view_hide_suggestions (self);
  stk_sell_view_set_scan_text (self, "");
  stk_sell_view_show_error (self, NULL);
  stk_sell_view_queue_scan (self, code);
  stk_sell_view_focus_scan (self);
}

static void
suggestion_activated_cb (StkSellView   *self,
                         GtkListBoxRow *row)
{
  stk_sell_view_choose (self, row);
}

/* Down and Up from the field: into the suggestions and through them (Up from the first
 * goes back to the text); Down with none shown searches at once. */
static gboolean
stk_sell_view_move_suggestion (StkSellView *self,
                               int          step)
{
  GtkListBoxRow *selected;
  GtkListBoxRow *next;
  int index;

  if (!stk_sell_view_suggestions_shown (self))
    {
      g_autofree char *text = stk_sell_view_dup_scan_text (self);

      if (step < 0 || text[0] == '\0' || self->writer == NULL)
        return FALSE;
      stk_sell_view_suggest (self);
      return TRUE;
    }
  selected = gtk_list_box_get_selected_row (self->suggest_list);
  index = selected != NULL ? gtk_list_box_row_get_index (selected) + step : (step > 0 ? 0 : -1);
  if (index < 0)
    {
      gtk_list_box_unselect_all (self->suggest_list);
      return TRUE;
    }
  next = gtk_list_box_get_row_at_index (self->suggest_list, index);
  if (next != NULL)
    gtk_list_box_select_row (self->suggest_list, next);
  return TRUE;
}

static void
scan_focus_leave_cb (StkSellView *self)
{
  stk_sell_view_hide_suggestions (self);
}

/* ---------------------------------------------------------------------------------- */
/* Scans, looked up                                                                   */

static void
scan_searched_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *text = NULL;
  StkSellView *self;

  items = stk_store_search_items_finish (STK_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = STK_SELL_VIEW (user_data);
  self->looking_up = FALSE;
  text = g_queue_pop_head (&self->scans);

  if (items == NULL)
    stk_sell_view_show_error (self, error->message);
  else if (items->len == 1)
    {
      stk_sell_view_add (self, items->pdata[0], 1);
      gtk_revealer_set_reveal_child (self->receipt_revealer, FALSE);
    }
  else if (items->len > 1)
    {
      /* Several: the user chooses (nothing is added). The text comes back to the field
       * unless something else was typed or scanned since. */
      if (gtk_editable_get_text (GTK_EDITABLE (self->scan_entry))[0] == '\0' &&
          g_queue_is_empty (&self->scans))
        {
          stk_sell_view_stop_suggesting (self);
          stk_sell_view_set_scan_text (self, text);
          stk_sell_view_show_suggestions (self, items);
        }
    }
  else
    stk_sell_view_show_unknown (self, text);

  stk_sell_view_next_scan (self);
}

static void
scan_looked_up_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_auto(StkItemInfo) info = { 0 };
  g_autofree char *text = NULL;
  gint64 pack = 1;
  StkSellView *self;
  gboolean found;

  found = stk_store_item_by_scan_finish (STK_STORE (object), result, &info, &pack, &error);
  /* The view may be gone: it cancelled the read in dispose. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = STK_SELL_VIEW (user_data);
  /* No such code or barcode: the words of a description, as the Items list's search
   * finds them; the scan stays at the head of the queue until then. */
  if (!found && g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND) && self->store != NULL)
    {
      stk_store_search_items_async (self->store, g_queue_peek_head (&self->scans),
                                    SUGGEST_LIMIT, self->cancellable, scan_searched_cb, self);
      return;
    }
  self->looking_up = FALSE;
  text = g_queue_pop_head (&self->scans);

  if (found)
    {
      stk_sell_view_add (self, &info, MAX (pack, 1));
      gtk_revealer_set_reveal_child (self->receipt_revealer, FALSE);
    }
  else if (g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND))
    stk_sell_view_show_unknown (self, text);
  else
    stk_sell_view_show_error (self, error->message);

  stk_sell_view_next_scan (self);
}

/* Looks the oldest waiting scan up, one at a time: the answers come in scan order. */
static void
stk_sell_view_next_scan (StkSellView *self)
{
  if (!self->looking_up && self->store != NULL && !g_queue_is_empty (&self->scans))
    {
      self->looking_up = TRUE;
      stk_store_item_by_scan_async (self->store, g_queue_peek_head (&self->scans),
                                    self->cancellable, scan_looked_up_cb, self);
    }
  stk_sell_view_update (self);
}

static void
stk_sell_view_queue_scan (StkSellView *self,
                          const char  *text)
{
  g_queue_push_tail (&self->scans, g_strdup (text));
  stk_sell_view_next_scan (self);
}

static void
scan_activate_cb (StkSellView *self)
{
  g_autofree char *text = stk_sell_view_dup_scan_text (self);

  if (text[0] == '\0' || self->writer == NULL)
    return;
  /* The field is free for the next scan at once; this one waits in the queue (and what
   * was typed is no longer to be suggested for). */
  stk_sell_view_hide_suggestions (self);
  stk_sell_view_set_scan_text (self, "");
  stk_sell_view_show_error (self, NULL);
  stk_sell_view_queue_scan (self, text);
}

/* A scanner set to end its codes with a line feed (and `xdotool type` for "\n") sends
 * Linefeed, not Return: it ends a scan all the same. */
static gboolean
scan_key_pressed_cb (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     StkSellView           *self)
{
  GtkListBoxRow *selected;

  if ((state & gtk_accelerator_get_default_mod_mask ()) != 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Linefeed:
      scan_activate_cb (self);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      return stk_sell_view_move_suggestion (self, 1);
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      return stk_sell_view_move_suggestion (self, -1);
    case GDK_KEY_Escape:
      if (!stk_sell_view_suggestions_shown (self))
        return FALSE;
      stk_sell_view_hide_suggestions (self);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      /* A suggestion chosen: Enter adds it; else Enter looks the text up (activate). */
      selected = gtk_list_box_get_selected_row (self->suggest_list);
      if (!stk_sell_view_suggestions_shown (self) || selected == NULL)
        return FALSE;
      stk_sell_view_choose (self, selected);
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---------------------------------------------------------------------------------- */
/* Unknown codes                                                                      */

typedef struct
{
  StkSellView  *self;
  /* The view's (a reference): cancelled, the view is gone. A withdrawn change is
   * cancelled too, with the view still there. */
  GCancellable *cancellable;
  StkOp        *op;
  char         *barcode;
  char         *code;
} Attach;

static void
attach_free (Attach *attach)
{
  g_object_unref (attach->cancellable);
  stk_op_unref (attach->op);
  g_free (attach->barcode);
  g_free (attach->code);
  g_free (attach);
}

static void
attached_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Attach *attach = user_data;
  g_autoptr(GError) error = NULL;
  StkSellView *self;

  if (!stk_writer_submit_finish (STK_WRITER (object), result, &error) &&
      g_cancellable_is_cancelled (attach->cancellable))
    {
      attach_free (attach);
      return;
    }
  self = attach->self;
  self->attaching = FALSE;
  if (error != NULL)
    {
      gtk_label_set_text (self->attach_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->attach_error), TRUE);
      gtk_revealer_set_reveal_child (self->unknown_revealer, TRUE);
    }
  else
    {
      g_autofree char *text = NULL;

      /* Translators: a barcode was attached to an item: barcode, item code */
      text = g_strdup_printf (_("Saved: barcode “%s” for “%s”"), attach->barcode,
                              attach->code);
      g_signal_emit (self, signals[SIGNAL_SAVED], 0, text, NULL, (gint64) 0);
      if (g_strcmp0 (self->unknown_code, attach->barcode) == 0)
        stk_sell_view_hide_unknown (self);
      /* The scan it came from now lands in the basket. */
      stk_sell_view_queue_scan (self, attach->barcode);
      stk_sell_view_focus_scan (self);
    }
  attach_free (attach);
  stk_sell_view_update (self);
}

static void
stk_sell_view_attach (StkSellView *self,
                      const char  *code,
                      const char  *barcode)
{
  Attach *attach = g_new0 (Attach, 1);

  attach->self = self;
  attach->cancellable = g_object_ref (self->cancellable);
  attach->op = stk_op_add_barcode (code, barcode, 1);
  attach->barcode = g_strdup (barcode);
  attach->code = g_strdup (code);
  self->attaching = TRUE;
  stk_writer_submit (self->writer, attach->op, self->cancellable, attached_cb, attach);
  stk_sell_view_update (self);
}

static void
attach_cb (StkSellView *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->attach_entry));
  g_autofree char *code = g_strstrip (g_strdup (typed));

  if (self->writer == NULL || self->unknown_code == NULL || self->attaching)
    return;
  if (code[0] == '\0')
    {
      gtk_label_set_text (self->attach_error,
                          _("Enter the code of the item the barcode belongs to."));
      gtk_widget_set_visible (GTK_WIDGET (self->attach_error), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->attach_entry));
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->attach_error), FALSE);
  stk_sell_view_attach (self, code, self->unknown_code);
}

static void
dismiss_unknown_cb (StkSellView *self)
{
  stk_sell_view_hide_unknown (self);
  stk_sell_view_focus_scan (self);
}

static void
item_saved_cb (StkSellView   *self,
               const char    *text,
               StkOp         *undo_op,
               gint64         item_id,
               StkItemDialog *dialog)
{
  const char *barcode = g_object_get_data (G_OBJECT (dialog), "stk-barcode");
  GObject *entry = gtk_widget_get_template_child (GTK_WIDGET (dialog), STK_TYPE_ITEM_DIALOG,
                                                  "code_entry");
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  g_signal_emit (self, signals[SIGNAL_SAVED], 0, text, undo_op, item_id);
  if (barcode == NULL)
    return;
  if (g_strcmp0 (self->unknown_code, barcode) == 0)
    stk_sell_view_hide_unknown (self);
  /* An item created with the scanned code as its own code scans already; with another
   * code, the scanned one becomes its barcode. */
  if (stk_code_equal (code, barcode) || self->writer == NULL)
    {
      stk_sell_view_queue_scan (self, barcode);
      stk_sell_view_focus_scan (self);
    }
  else
    stk_sell_view_attach (self, code, barcode);
}

static void
item_notice_cb (StkSellView *self,
                const char  *text,
                GtkWindow   *dialog)
{
  g_signal_emit (self, signals[SIGNAL_NOTICE], 0, text);
}

static void
create_item_cb (StkSellView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  StkItemDialog *dialog;
  GObject *entry;

  if (self->writer == NULL || self->unknown_code == NULL)
    return;
  dialog = stk_item_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                self->writer, NULL);
  if (self->store != NULL)
    stk_item_dialog_set_store (dialog, self->store);
  g_object_set_data_full (G_OBJECT (dialog), "stk-barcode", g_strdup (self->unknown_code),
                          g_free);
  entry = gtk_widget_get_template_child (GTK_WIDGET (dialog), STK_TYPE_ITEM_DIALOG,
                                         "code_entry");
  gtk_editable_set_text (GTK_EDITABLE (entry), self->unknown_code);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (item_saved_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "withdrawn", G_CALLBACK (item_notice_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "failed", G_CALLBACK (item_notice_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---------------------------------------------------------------------------------- */
/* How the sale is paid                                                               */

static void
stk_sell_view_select_payment (StkSellView *self,
                              guint        position)
{
  self->setting_payment = TRUE;
  gtk_drop_down_set_selected (self->payment_dropdown, position);
  self->setting_payment = FALSE;
}

static gboolean
payment_focus_idle_cb (gpointer user_data)
{
  StkSellView *self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  self->payment_focus_id = 0;
  /* A method chosen: the next scan goes to the scan field (the keyboard's Tab back to the
   * selector still works). */
  if (focus == NULL || focus == GTK_WIDGET (self->payment_dropdown) ||
      gtk_widget_is_ancestor (focus, GTK_WIDGET (self->payment_dropdown)))
    stk_sell_view_focus_scan (self);
  return G_SOURCE_REMOVE;
}

static void
payment_selected_cb (StkSellView *self)
{
  if (self->setting_payment || self->payment_focus_id != 0)
    return;
  self->payment_focus_id = g_idle_add (payment_focus_idle_cb, self);
}

static void
shop_settings_read_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  StkShopSettings shop = { 0, };
  StkSellView *self;
  g_autofree char *chosen = NULL;
  guint position = 0;

  if (!stk_store_get_shop_settings_finish (STK_STORE (object), result, &shop, &error))
    {
      /* The view is gone: it cancelled the read in dispose. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    }
  self = STK_SELL_VIEW (user_data);
  self->reading_shop = FALSE;

  if (error != NULL)
    stk_sell_view_show_error (self, error->message);
  else
    {
      guint n = g_strv_length (shop.payment_methods);
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();

      /* The method chosen stays chosen while the shop still has it. */
      chosen = g_strdup (stk_sell_view_get_payment (self));
      for (guint i = 0; i < n; i++)
        {
          g_ptr_array_add (labels, (gpointer) stk_payment_method_label (shop.payment_methods[i]));
          if (chosen != NULL && g_str_equal (chosen, shop.payment_methods[i]))
            position = i;
        }
      g_ptr_array_add (labels, NULL);
      self->setting_payment = TRUE;
      if (self->payment_methods == NULL ||
          !g_strv_equal ((const char *const *) self->payment_methods,
                         (const char *const *) shop.payment_methods))
        gtk_string_list_splice (self->payment_labels, 0,
                                g_list_model_get_n_items (G_LIST_MODEL (self->payment_labels)),
                                (const char *const *) labels->pdata);
      g_strfreev (self->payment_methods);
      self->payment_methods = g_steal_pointer (&shop.payment_methods);
      self->setting_payment = FALSE;
      stk_sell_view_select_payment (self, position);
      stk_sell_view_set_allow_negative_stock (self, shop.allow_negative_stock);
      self->prices_include_tax = shop.prices_include_tax;
      self->tax_rounding = shop.tax_rounding;
      stk_sell_view_update (self);
    }
  stk_shop_settings_clear (&shop);

  if (self->read_shop_again)
    {
      self->read_shop_again = FALSE;
      stk_sell_view_reload_shop_settings (self);
    }
}

/**
 * stk_sell_view_reload_shop_settings:
 * Reads the shop's rules again: the payment methods offered (the one chosen stays if it
 * is still there, else the first) and whether stock may go below zero.
 */
void
stk_sell_view_reload_shop_settings (StkSellView *self)
{
  g_return_if_fail (STK_IS_SELL_VIEW (self));

  if (self->store == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (self->reading_shop)
    {
      self->read_shop_again = TRUE;
      return;
    }
  self->reading_shop = TRUE;
  stk_store_get_shop_settings_async (self->store, self->cancellable, shop_settings_read_cb,
                                     self);
}

const char *
stk_sell_view_get_payment (StkSellView *self)
{
  guint position;

  g_return_val_if_fail (STK_IS_SELL_VIEW (self), NULL);

  position = gtk_drop_down_get_selected (self->payment_dropdown);
  if (self->payment_methods == NULL || position == GTK_INVALID_LIST_POSITION ||
      position >= g_strv_length (self->payment_methods))
    return NULL;
  return self->payment_methods[position];
}

/* ---------------------------------------------------------------------------------- */
/* Complete Sale                                                                      */

static void
sold_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) op = NULL;
  g_autoptr(GCancellable) cancellable = user_data;
  StkSellView *self;
  guint n;

  /* Cancelled: the view is gone (a withdrawn sale fails with the view still there). */
  if (!stk_writer_submit_finish (STK_WRITER (object), result, &error) &&
      g_cancellable_is_cancelled (cancellable))
    return;

  self = g_object_get_data (G_OBJECT (cancellable), "stk-sell-view");
  op = g_steal_pointer (&self->pending_sale);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));

  if (error != NULL)
    {
      guint line_number = 0;

      /* The basket stays; the line the error names says it too. */
      stk_sell_view_show_error (self, error->message);
      if (sscanf (error->message, "Line %u:", &line_number) == 1 &&
          line_number >= 1 && line_number <= n)
        {
          g_autoptr(StkBasketLine) line = g_list_model_get_item (G_LIST_MODEL (self->lines),
                                                               line_number - 1);
          LineRow *row = stk_sell_view_get_row (self, line_number - 1);

          g_free (line->error);
          line->error = g_strdup (error->message);
          if (row != NULL)
            {
              line_row_update (row);
              gtk_list_box_select_row (self->lines_list, GTK_LIST_BOX_ROW (
                gtk_widget_get_ancestor (GTK_WIDGET (row->note), GTK_TYPE_LIST_BOX_ROW)));
            }
        }
    }
  else
    {
      gint64 sale_id = stk_op_get_row_id (op);
      g_autoptr(StkOp) undo = sale_id > 0 ? stk_op_void_sale_with_reason (sale_id, _("Undone"))
                                          : NULL;
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, sale_id);
      g_autofree char *total = g_strdup (gtk_label_get_text (self->total_label));
      g_autofree char *text = NULL;
      g_autofree char *last = NULL;

      /* Translators: after Complete Sale: the sale's number, its lines, its total */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Saved: sale %s, %u line, %s",
                                           "Saved: sale %s, %u lines, %s", n),
                              number, n, total);
      /* Translators: the bar under the basket after a sale: its number and total */
      last = g_strdup_printf (_("Sale %s completed: %s"), number, total);
      self->last_sale_id = sale_id;
      gtk_label_set_text (self->last_sale_label, last);
      gtk_revealer_set_reveal_child (self->receipt_revealer, sale_id > 0);
      /* The focus leaves the line's fields before they go. */
      stk_sell_view_focus_scan (self);
      g_list_store_remove_all (self->lines);
      stk_sell_view_show_error (self, NULL);
      /* The next sale starts with the shop's first method again. */
      stk_sell_view_select_payment (self, 0);
      g_signal_emit (self, signals[SIGNAL_SAVED], 0, text, undo, (gint64) 0);
    }
  stk_sell_view_update (self);
}

static void
complete_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  StkSellView *self = STK_SELL_VIEW (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));
  g_autofree StkSaleLineSpec *specs = NULL;

  if (self->writer == NULL || n == 0 || self->busy)
    return;

  specs = g_new0 (StkSaleLineSpec, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StkBasketLine) line = g_list_model_get_item (G_LIST_MODEL (self->lines), i);
      LineRow *row = stk_sell_view_get_row (self, i);

      /* A quantity typed but not yet taken by its field counts. */
      if (row != NULL)
        gtk_spin_button_update (row->quantity);
      if (line->price_invalid)
        {
          g_autofree char *message = NULL;

          /* Translators: Complete Sale with a line whose price field is not an amount */
          message = g_strdup_printf (_("Line %u: the price is not an amount."), i + 1);
          stk_sell_view_show_error (self, message);
          if (row != NULL)
            gtk_widget_grab_focus (GTK_WIDGET (row->price));
          return;
        }
      /* The basket keeps the lines alive until the answer; pointers stay valid. */
      specs[i].code = line->code;
      specs[i].quantity = line->quantity;
      specs[i].unit_price_cents = line->unit_price_cents;
      specs[i].discount_cents = 0;
    }

  stk_sell_view_show_error (self, NULL);
  /* The lines are insensitive while the sale is submitted: the focus must not be in
   * one of them then (GTK would leave their text blinking without the focus). The scan
   * field is where it goes after the sale anyway. */
  stk_sell_view_focus_scan (self);
  self->pending_sale = stk_op_sell (specs, n, stk_sell_view_get_payment (self), NULL, 0);
  stk_writer_submit (self->writer, self->pending_sale, self->cancellable, sold_cb,
                     g_object_ref (self->cancellable));
  stk_sell_view_update (self);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  StkSellView *self = STK_SELL_VIEW (widget);

  if (self->pending_sale != NULL)
    return;
  stk_sell_view_focus_scan (self);
  g_list_store_remove_all (self->lines);
  stk_sell_view_show_error (self, NULL);
}

static gboolean
remove_selected_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  StkSellView *self = STK_SELL_VIEW (user_data);
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->lines_list);
  LineRow *row;

  if (selected == NULL)
    return FALSE;
  row = g_object_get_data (G_OBJECT (selected), "stk-line-row");
  stk_sell_view_remove_line (self, row->line);
  return TRUE;
}

/* ---------------------------------------------------------------------------------- */
/* Receipt                                                                            */

static void
sale_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkSaleDetail) sale = NULL;
  g_autofree char *shop_name = NULL;
  g_autofree char *shop_address = NULL;
  StkSellView *self;
  GtkRoot *root;

  sale = stk_store_read_sale_finish (STK_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = STK_SELL_VIEW (user_data);
  if (self->settings != NULL)
    {
      shop_name = g_settings_get_string (self->settings, "shop-name");
      shop_address = g_settings_get_string (self->settings, "shop-address");
    }
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (sale == NULL ||
      !stk_receipt_print (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, sale,
                          shop_name, shop_address, &error))
    {
      g_autofree char *text = NULL;

      /* Translators: %s says why */
      text = g_strdup_printf (_("Could not print the receipt: %s"), error->message);
      g_signal_emit (self, signals[SIGNAL_NOTICE], 0, text);
    }
}

static void
print_receipt_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  StkSellView *self = STK_SELL_VIEW (widget);

  if (self->store == NULL || self->last_sale_id <= 0)
    return;
  stk_store_read_sale_async (self->store, self->last_sale_id, self->cancellable,
                             sale_read_cb, self);
}

/* ---------------------------------------------------------------------------------- */
/* GObject                                                                            */

static void
stk_sell_view_dispose (GObject *object)
{
  StkSellView *self = STK_SELL_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->payment_focus_id, g_source_remove);
  stk_sell_view_stop_suggesting (self);
  if (self->lines_list != NULL)
    gtk_list_box_bind_model (self->lines_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_SELL_VIEW);
  g_clear_pointer (&self->pending_sale, stk_op_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->writer);
  g_clear_object (&self->settings);
  if (self->lines != NULL)
    g_signal_handlers_disconnect_by_data (self->lines, self);
  g_clear_object (&self->lines);

  G_OBJECT_CLASS (stk_sell_view_parent_class)->dispose (object);
}

static void
stk_sell_view_finalize (GObject *object)
{
  StkSellView *self = STK_SELL_VIEW (object);

  g_queue_clear_full (&self->scans, g_free);
  g_clear_object (&self->cancellable);
  g_free (self->unknown_code);
  g_strfreev (self->payment_methods);

  G_OBJECT_CLASS (stk_sell_view_parent_class)->finalize (object);
}

static void
stk_sell_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StkSellView *self = STK_SELL_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_sell_view_class_init (StkSellViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_sell_view_dispose;
  object_class->finalize = stk_sell_view_finalize;
  object_class->get_property = stk_sell_view_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, STK_TYPE_OP, G_TYPE_INT64);
  signals[SIGNAL_NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "ui/stk-sell-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StkSellView, content);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, scan_entry);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, scan_spinner);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, read_only_label);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, unknown_revealer);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, unknown_label);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, attach_entry);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, attach_button);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, create_button);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, attach_error);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, basket_stack);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, lines_list);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, error_label);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, receipt_revealer);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, last_sale_label);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, total_label);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, tax_label);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, clear_button);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, complete_button);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, payment_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, payment_labels);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, print_button);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, suggest_popover);
  gtk_widget_class_bind_template_child (widget_class, StkSellView, suggest_list);
  gtk_widget_class_bind_template_callback (widget_class, scan_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, attach_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_item_cb);
  gtk_widget_class_bind_template_callback (widget_class, dismiss_unknown_cb);
  gtk_widget_class_bind_template_callback (widget_class, suggestion_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, payment_selected_cb);

  gtk_widget_class_install_action (widget_class, "sell.complete", NULL, complete_action);
  gtk_widget_class_install_action (widget_class, "sell.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "sell.print-receipt", NULL, print_receipt_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "sell.complete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "sell.complete", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stk-sell-view");
}

static void
stk_sell_view_init (StkSellView *self)
{
  GtkEventController *shortcuts;
  GtkEventController *keys;
  GtkEventController *focus;

  self->prices_include_tax = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
  stk_a11y_name_drop_down (self->payment_dropdown, _("Payment"));
  /* A click on the selector leaves the focus where it is (the scan field, between
   * scans); Tab still reaches it. */
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->payment_dropdown));
       c != NULL; c = gtk_widget_get_next_sibling (c))
    gtk_widget_set_focus_on_click (c, FALSE);

  self->cancellable = g_cancellable_new ();
  /* Not a reference: the answers of the writer find the view through it until dispose
   * cancels it. */
  g_object_set_data (G_OBJECT (self->cancellable), "stk-sell-view", self);
  self->settings = stk_settings_new_if_installed (APP_ID);
  g_queue_init (&self->scans);
  self->lines = g_list_store_new (STK_TYPE_BASKET_LINE);
  gtk_list_box_bind_model (self->lines_list, G_LIST_MODEL (self->lines), create_line_row,
                           self, NULL);
  g_signal_connect_object (self->lines, "items-changed", G_CALLBACK (lines_changed_cb), self,
                           G_CONNECT_SWAPPED);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (scan_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scan_entry), keys);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (scan_focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scan_entry), focus);
  g_signal_connect_swapped (self->scan_entry, "changed", G_CALLBACK (scan_changed_cb), self);

  /* Delete removes the selected line, from the list itself (a field's Delete edits it). */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                                                   gtk_keyval_trigger_new (GDK_KEY_KP_Delete, 0)),
                      gtk_callback_action_new (remove_selected_cb, self, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self->lines_list), shortcuts);

  stk_sell_view_set_writer (self, NULL, NULL);
}

GtkWidget *
stk_sell_view_new (void)
{
  return g_object_new (STK_TYPE_SELL_VIEW, NULL);
}

void
stk_sell_view_set_store (StkSellView *self,
                         StkStore    *store)
{
  g_return_if_fail (STK_IS_SELL_VIEW (self));
  g_return_if_fail (!store || STK_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  /* The attach field's completion reads the first store given (the window gives one).
   * The scan field has its suggestions instead: codes and words of descriptions. */
  if (store != NULL && g_object_get_data (G_OBJECT (self->attach_entry), "stk-code-entry") == NULL)
    stk_code_entry_setup (self->attach_entry, store, NULL, NULL);
  stk_sell_view_reload_shop_settings (self);
  stk_sell_view_next_scan (self);
}

void
stk_sell_view_set_writer (StkSellView *self,
                          StkWriter   *writer,
                          const char  *reason)
{
  g_return_if_fail (STK_IS_SELL_VIEW (self));
  g_return_if_fail (!writer || STK_IS_WRITER (writer));

  g_set_object (&self->writer, writer);
  if (writer == NULL)
    gtk_label_set_text (self->read_only_label,
                        reason != NULL ? reason
                                       : _("Read-only: no sale can be recorded in this window."));
  gtk_widget_set_visible (GTK_WIDGET (self->read_only_label), writer == NULL);
  stk_sell_view_update (self);
}

StkWriter *
stk_sell_view_get_writer (StkSellView *self)
{
  g_return_val_if_fail (STK_IS_SELL_VIEW (self), NULL);
  return self->writer;
}

void
stk_sell_view_set_allow_negative_stock (StkSellView *self,
                                        gboolean     allow)
{
  guint n;

  g_return_if_fail (STK_IS_SELL_VIEW (self));

  self->allow_negative = allow;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StkBasketLine) line = g_list_model_get_item (G_LIST_MODEL (self->lines), i);

      line->allow_negative = allow;
      g_object_notify_by_pspec (G_OBJECT (line), line_properties[LINE_PROP_SHORT]);
    }
}

GListModel *
stk_sell_view_get_lines (StkSellView *self)
{
  g_return_val_if_fail (STK_IS_SELL_VIEW (self), NULL);
  return G_LIST_MODEL (self->lines);
}

gboolean
stk_sell_view_get_busy (StkSellView *self)
{
  g_return_val_if_fail (STK_IS_SELL_VIEW (self), FALSE);
  return self->busy;
}

gint64
stk_sell_view_get_total (StkSellView *self)
{
  guint n;
  gint64 total = 0;

  g_return_val_if_fail (STK_IS_SELL_VIEW (self), 0);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StkBasketLine) line = g_list_model_get_item (G_LIST_MODEL (self->lines), i);

      if (__builtin_add_overflow (total, stk_basket_line_get_total (line), &total))
        return G_MAXINT64;
    }
  return total;
}

void
stk_sell_view_focus_scan (StkSellView *self)
{
  g_return_if_fail (STK_IS_SELL_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->scan_entry));
}

gint64
stk_sell_view_get_last_sale (StkSellView *self)
{
  g_return_val_if_fail (STK_IS_SELL_VIEW (self), 0);
  return self->last_sale_id;
}
