/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-reports-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "stk-chart.h"
#include "stk-cost.h"
#include "stk-day.h"
#include "stk-format.h"
#include "stk-query.h"
#include "stk-reads.h"
#include "stk-receipt.h"
#include "stk-tax.h"

#define TOP_SELLERS_LIMIT 10
/* The newest closes of the day listed (the older ones: `stocktake report day`). */
#define CLOSES_LIMIT 30

/* ---- one row of the two small lists: four preformatted columns ---- */

#define STK_TYPE_REPORT_ROW (stk_report_row_get_type ())
G_DECLARE_FINAL_TYPE (StkReportRow, stk_report_row, STK, REPORT_ROW, GObject)

struct _StkReportRow
{
  GObject  parent_instance;
  char    *columns[4];
};

G_DEFINE_FINAL_TYPE (StkReportRow, stk_report_row, G_TYPE_OBJECT)

static void
stk_report_row_finalize (GObject *object)
{
  StkReportRow *self = (StkReportRow *) object;

  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    g_free (self->columns[i]);

  G_OBJECT_CLASS (stk_report_row_parent_class)->finalize (object);
}

static void
stk_report_row_class_init (StkReportRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = stk_report_row_finalize;
}

static void
stk_report_row_init (StkReportRow *self)
{
}

/* Takes the four strings. */
static StkReportRow *
stk_report_row_new (char *c0,
                    char *c1,
                    char *c2,
                    char *c3)
{
  StkReportRow *self = g_object_new (STK_TYPE_REPORT_ROW, NULL);

  self->columns[0] = c0;
  self->columns[1] = c1;
  self->columns[2] = c2;
  self->columns[3] = c3;
  return self;
}

/* ---- the view ---- */

struct _StkReportsView
{
  GtkWidget        parent_instance;

  StkStore        *store;
  GCancellable    *cancellable;   /* the query under way, cancelled by a newer one */
  GCancellable    *closes_cancellable; /* the list of closes being read, likewise */
  GCancellable    *tax_cancellable;    /* the tax by rate being read, likewise */
  GCancellable    *cost_cancellable;   /* the value at cost, then the margin, likewise */
  guint            days;
  guint            loading : 1;     /* the report's query */
  guint            closes_loading : 1;
  guint            tax_loading : 1;
  guint            cost_loading : 1;
  guint            has_report : 1;
  guint            stale : 1;       /* a reload waits for the view to be shown */

  GListStore      *top_model;
  GListStore      *below_model;
  GArray          *closes;          /* StkDayCloseSummary, as listed (row i = closes[i]) */
  GtkSizeGroup    *net_group;       /* the closes' columns line up from row to row */
  GtkSizeGroup    *difference_group;
  GtkSizeGroup    *taxable_group;   /* the tax rows' columns line up likewise */
  GtkSizeGroup    *tax_group;
  GtkSizeGroup    *tax_total_group;

  /* Template widgets */
  GtkWidget       *scroller;
  GtkSpinner      *spinner;
  GtkSpinner      *page_spinner;
  GtkToggleButton *range30_button;
  GtkToggleButton *range90_button;
  GtkToggleButton *range365_button;
  GtkStack        *stack;
  GtkLabel        *error_label;
  GtkLabel        *revenue_label;
  GtkLabel        *revenue_caption;
  GtkLabel        *units_label;
  GtkLabel        *units_caption;
  GtkLabel        *stock_value_label;
  GtkLabel        *stock_cost_label;
  GtkLabel        *stock_cost_note;
  GtkLabel        *below_label;
  StkChart        *chart;
  GtkStack        *top_stack;
  GtkColumnView   *top_view;
  GtkColumnViewColumn *top_code_column;
  GtkColumnViewColumn *top_description_column;
  GtkColumnViewColumn *top_units_column;
  GtkColumnViewColumn *top_revenue_column;
  GtkStack        *below_stack;
  GtkColumnView   *below_view;
  GtkColumnViewColumn *below_code_column;
  GtkColumnViewColumn *below_description_column;
  GtkColumnViewColumn *below_on_hand_column;
  GtkColumnViewColumn *below_reorder_column;
  GtkLabel        *below_more_label;
  GtkWidget       *closes_box;
  GtkLabel        *closes_error_label;
  GtkListBox      *closes_list;
  GtkWidget       *tax_box;
  GtkLabel        *tax_caption;
  GtkLabel        *tax_error_label;
  GtkListBox      *tax_list;
  GtkWidget       *margin_box;
  GtkLabel        *margin_caption;
  GtkLabel        *margin_error_label;
  GtkWidget       *margin_list;
  GtkLabel        *margin_revenue_label;
  GtkLabel        *margin_cost_label;
  GtkLabel        *margin_amount_label;
  GtkLabel        *margin_percent_label;
  GtkLabel        *margin_unknown_label;
};

G_DEFINE_FINAL_TYPE (StkReportsView, stk_reports_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_DAYS,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_DAY_CLOSE_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  StkReportsView *self;         /* a reference */
  GCancellable   *cancellable;
} ReloadData;

static void
reload_data_free (ReloadData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->cancellable);
  g_free (data);
}

static gboolean
is_loading (StkReportsView *self)
{
  return self->loading || self->closes_loading || self->tax_loading || self->cost_loading;
}

static void
stk_reports_view_set_tax_loading (StkReportsView *self,
                                  gboolean        loading)
{
  gboolean was = is_loading (self);

  self->tax_loading = !!loading;
  if (was != is_loading (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
stk_reports_view_set_cost_loading (StkReportsView *self,
                                   gboolean        loading)
{
  gboolean was = is_loading (self);

  self->cost_loading = !!loading;
  if (was != is_loading (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
stk_reports_view_set_closes_loading (StkReportsView *self,
                                     gboolean        loading)
{
  gboolean was = is_loading (self);

  self->closes_loading = !!loading;
  if (was != is_loading (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
stk_reports_view_set_loading (StkReportsView *self,
                              gboolean        loading)
{
  gboolean was = is_loading (self);

  if (self->loading == !!loading)
    return;

  self->loading = !!loading;
  gtk_spinner_set_spinning (self->spinner, loading && self->has_report);
  gtk_spinner_set_spinning (self->page_spinner, loading && !self->has_report);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading && self->has_report);
  if (loading && !self->has_report)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_BUSY, loading, -1);
  if (was != is_loading (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
update_captions (StkReportsView *self)
{
  g_autofree char *revenue = NULL;
  g_autofree char *units = NULL;
  g_autofree char *tax = NULL;
  g_autofree char *margin = NULL;

  /* Translators: caption of a summary figure on the Reports page. */
  revenue = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Revenue, last %u day",
                                          "Revenue, last %u days", self->days),
                             self->days);
  /* Translators: caption of a summary figure on the Reports page. */
  units = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Units sold, last %u day",
                                        "Units sold, last %u days", self->days),
                           self->days);
  gtk_label_set_text (self->revenue_caption, revenue);
  gtk_label_set_text (self->units_caption, units);
  /* Translators: under "Tax by Rate" in the Reports view */
  tax = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Last %u day: sales with their voids by the day they were "
                                      "sold, returns by the day they were made.",
                                      "Last %u days: sales with their voids by the day they were "
                                      "sold, returns by the day they were made.",
                                      self->days),
                         self->days);
  gtk_label_set_text (self->tax_caption, tax);
  /* Translators: under "Margin" in the Reports view */
  margin = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Last %u day: the lines sold and not voided, less "
                                         "the returns made, net of tax.",
                                         "Last %u days: the lines sold and not voided, less "
                                         "the returns made, net of tax.",
                                         self->days),
                            self->days);
  gtk_label_set_text (self->margin_caption, margin);
}

static void
show_report (StkReportsView  *self,
             const StkReport *report)
{
  g_autofree char *revenue = stk_format_currency (report->total_revenue_cents);
  g_autofree char *units = stk_format_count (report->total_quantity);
  g_autofree char *stock_value = stk_format_currency (report->stock_value_cents);
  g_autofree char *below = stk_format_count (report->below_reorder_count);
  g_autofree char *title = NULL;

  gtk_label_set_text (self->revenue_label, revenue);
  gtk_label_set_text (self->units_label, units);
  gtk_label_set_text (self->stock_value_label, stock_value);
  gtk_label_set_text (self->below_label, below);

  /* Translators: the sales chart's title. */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Revenue per day, last %u day",
                                        "Revenue per day, last %u days", report->days),
                           report->days);
  stk_chart_set_title (self->chart, title);
  stk_chart_set_days (self->chart, (const StkDayTotal *) (gpointer) report->per_day->data,
                      report->per_day->len);

  g_list_store_remove_all (self->top_model);
  for (guint i = 0; i < report->top_sellers->len; i++)
    {
      const StkTopSeller *t = g_ptr_array_index (report->top_sellers, i);
      g_autoptr(StkReportRow) row = stk_report_row_new (g_strdup (t->code),
                                                        g_strdup (t->description != NULL ? t->description : ""),
                                                        stk_format_count (t->quantity),
                                                        stk_format_currency (t->revenue_cents));

      g_list_store_append (self->top_model, row);
    }
  gtk_stack_set_visible_child_name (self->top_stack,
                                    report->top_sellers->len > 0 ? "list" : "empty");

  g_list_store_remove_all (self->below_model);
  for (guint i = 0; i < report->below_reorder->len; i++)
    {
      const StkItemInfo *info = g_ptr_array_index (report->below_reorder, i);
      g_autoptr(StkReportRow) row = stk_report_row_new (g_strdup (info->code),
                                                        g_strdup (info->description != NULL ? info->description : ""),
                                                        stk_format_count (info->on_hand),
                                                        stk_format_count (info->reorder_level));

      g_list_store_append (self->below_model, row);
    }
  gtk_stack_set_visible_child_name (self->below_stack,
                                    report->below_reorder->len > 0 ? "list" : "empty");

  if (report->below_reorder_count > (gint64) report->below_reorder->len)
    {
      g_autofree char *shown = stk_format_count (report->below_reorder->len);
      g_autofree char *all = stk_format_count (report->below_reorder_count);
      g_autofree char *text = NULL;

      /* Translators: under the list of items below their reorder level. */
      text = g_strdup_printf (_("Showing the %s lowest of %s items."), shown, all);
      gtk_label_set_text (self->below_more_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->below_more_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->below_more_label), FALSE);

  self->has_report = TRUE;
  gtk_stack_set_visible_child_name (self->stack, "report");
}

static void
report_ready_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ReloadData *data = user_data;
  StkReportsView *self = data->self;
  g_autoptr(StkReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = stk_query_report_finish (STK_STORE (object), result, &error);

  /* A newer reload or dispose cancelled this one: leave the view alone. */
  if (g_cancellable_is_cancelled (data->cancellable))
    {
      reload_data_free (data);
      return;
    }

  g_clear_object (&self->cancellable);

  if (report == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The report could not be made: %s"),
                                                  error->message);

      gtk_label_set_text (self->error_label, message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      self->has_report = FALSE;
    }
  else
    show_report (self, report);

  stk_reports_view_set_loading (self, FALSE);
  reload_data_free (data);
}

/* ---- the closes of the day ---- */

/* A right-aligned figure with its caption under it, in @group's width. */
static GtkWidget *
close_figure (GtkSizeGroup *group,
              const char   *name,
              char         *value,
              const char   *caption,
              const char   *css)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new (value);
  GtkWidget *under = gtk_label_new (caption);

  g_free (value);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_name (label, name);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_widget_add_css_class (label, "numeric");
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  gtk_label_set_xalign (GTK_LABEL (under), 1.0);
  gtk_widget_add_css_class (under, "caption");
  gtk_widget_add_css_class (under, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), under);
  gtk_size_group_add_widget (group, box);
  return box;
}

static GtkWidget *
close_row_new (StkReportsView           *self,
               const StkDayCloseSummary *close)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *figures = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, close->close_id);
  g_autofree char *title = NULL;
  g_autofree char *when = stk_format_datetime (close->closed_at_us);
  /* Short and over as the Close the Day dialog shows them. */
  const char *css = close->difference_cents < 0 ? "error"
                    : close->difference_cents == 0 ? "success" : NULL;
  /* Translators: the caption under a close's net amount in the Reports view */
  const char *net_caption = C_("close of the day", "Net");
  /* Translators: the caption under a close's cash difference in the Reports view */
  const char *difference_caption = _("Cash difference");

  /* Translators: a close of the day in the Reports view; %s is its number */
  title = g_strdup_printf (_("Close No. %s"), number);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_box_append (GTK_BOX (figures), close_figure (self->net_group, "close-net",
                                                   stk_format_currency (close->net_cents),
                                                   net_caption, NULL));
  gtk_box_append (GTK_BOX (figures),
                  close_figure (self->difference_group, "close-difference",
                                stk_day_report_format_difference (close->difference_cents),
                                difference_caption, css));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), figures);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  return row;
}

static void
show_closes (StkReportsView *self,
             GArray         *closes)
{
  /* The same closes (a refresh after a sale): the rows stay, and the focus on them. */
  if (self->closes != NULL && self->closes->len == closes->len &&
      (closes->len == 0 ||
       memcmp (self->closes->data, closes->data, closes->len * sizeof (StkDayCloseSummary)) == 0))
    {
      g_array_unref (closes);
      return;
    }
  /* The placeholder is a child too: remove the rows only. */
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->closes_list)); row != NULL;)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (row);

      if (GTK_IS_LIST_BOX_ROW (row))
        gtk_list_box_remove (self->closes_list, row);
      row = next;
    }
  g_clear_pointer (&self->closes, g_array_unref);
  self->closes = closes;
  for (guint i = 0; i < closes->len; i++)
    gtk_list_box_append (self->closes_list,
                         close_row_new (self, &g_array_index (closes, StkDayCloseSummary, i)));
}

static void
closes_ready_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ReloadData *data = user_data;
  StkReportsView *self = data->self;
  g_autoptr(GArray) closes = NULL;
  g_autoptr(GError) error = NULL;

  closes = stk_store_list_day_closes_finish (STK_STORE (object), result, &error);

  /* A newer reload or dispose cancelled this one: leave the view alone. */
  if (g_cancellable_is_cancelled (data->cancellable))
    {
      reload_data_free (data);
      return;
    }

  g_clear_object (&self->closes_cancellable);
  if (closes == NULL)
    {
      /* Translators: in the Reports view, when the closes of the day cannot be read */
      g_autofree char *message = g_strdup_printf (_("The closes of the day could not be read: %s"),
                                                  error->message);

      gtk_label_set_text (self->closes_error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->closes_error_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->closes_list), FALSE);
    }
  else
    {
      show_closes (self, g_steal_pointer (&closes));
      gtk_widget_set_visible (GTK_WIDGET (self->closes_error_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->closes_list), TRUE);
    }
  gtk_widget_set_visible (self->closes_box, TRUE);
  stk_reports_view_set_closes_loading (self, FALSE);
  reload_data_free (data);
}

static void
reload_closes (StkReportsView *self)
{
  ReloadData *data;

  self->closes_cancellable = g_cancellable_new ();
  data = g_new0 (ReloadData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->closes_cancellable);

  stk_reports_view_set_closes_loading (self, TRUE);
  stk_store_list_day_closes_async (self->store, CLOSES_LIMIT, self->closes_cancellable,
                                   closes_ready_cb, data);
}

static void
closes_row_activated_cb (GtkListBox     *list,
                         GtkListBoxRow  *row,
                         StkReportsView *self)
{
  int index = gtk_list_box_row_get_index (row);

  if (self->closes == NULL || index < 0 || (guint) index >= self->closes->len)
    return;
  g_signal_emit (self, signals[SIGNAL_DAY_CLOSE_ACTIVATED], 0,
                 g_array_index (self->closes, StkDayCloseSummary, index).close_id);
}

/* ---- tax by rate ---- */

static GtkWidget *
tax_row_new (StkReportsView         *self,
             const StkTaxReportRate *rate,
             gboolean                total)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *figures = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  g_autofree char *rate_text = NULL;

  /* A rate's name is the shop's text, not markup ("Food & drink"). */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (total)
    /* Translators: the last row of Tax by Rate in the Reports view */
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), C_("tax by rate", "Total"));
  else if (rate->rate_bp < 0)
    /* Translators: the row of Tax by Rate for the lines sold without tax */
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No tax"));
  else
    {
      rate_text = stk_tax_rate_format (rate->rate_bp);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), rate->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), rate_text);
    }
  gtk_widget_set_name (row, total ? "tax-total" : "tax-rate");
  gtk_box_append (GTK_BOX (figures),
                  close_figure (self->taxable_group, "tax-taxable",
                                stk_format_currency (rate->net_taxable_cents),
                                /* Translators: the caption under a tax rate's taxable
                                 * amount in the Reports view */
                                C_("tax by rate", "Taxable"), NULL));
  gtk_box_append (GTK_BOX (figures),
                  close_figure (self->tax_group, "tax-tax",
                                stk_format_currency (rate->net_tax_cents),
                                /* Translators: the caption under a tax rate's tax in the
                                 * Reports view */
                                C_("tax by rate", "Tax"), NULL));
  gtk_box_append (GTK_BOX (figures),
                  close_figure (self->tax_total_group, "tax-amount",
                                stk_format_currency (rate->net_cents),
                                /* Translators: the caption under a tax rate's total (tax
                                 * included) in the Reports view */
                                C_("tax by rate", "Total"), NULL));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), figures);
  return row;
}

static void
show_tax (StkReportsView     *self,
          const StkTaxReport *report)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tax_list))) != NULL)
    gtk_list_box_remove (self->tax_list, child);
  for (guint i = 0; i < report->rates->len; i++)
    gtk_list_box_append (self->tax_list, tax_row_new (self, g_ptr_array_index (report->rates, i), FALSE));
  if (report->rates->len > 1)
    gtk_list_box_append (self->tax_list, tax_row_new (self, &report->total, TRUE));
}

static void
tax_ready_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReloadData *data = user_data;
  StkReportsView *self = data->self;
  g_autoptr(StkTaxReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = stk_store_tax_report_finish (STK_STORE (object), result, &error);

  /* A newer reload or dispose cancelled this one: leave the view alone. */
  if (g_cancellable_is_cancelled (data->cancellable))
    {
      reload_data_free (data);
      return;
    }

  g_clear_object (&self->tax_cancellable);
  if (report == NULL)
    {
      /* Translators: in the Reports view, when the tax by rate cannot be read */
      g_autofree char *message = g_strdup_printf (_("The tax by rate could not be read: %s"),
                                                  error->message);

      gtk_label_set_text (self->tax_error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->tax_error_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->tax_list), FALSE);
      gtk_widget_set_visible (self->tax_box, TRUE);
    }
  else
    {
      show_tax (self, report);
      gtk_widget_set_visible (GTK_WIDGET (self->tax_error_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->tax_list), TRUE);
      /* Nothing taxed in the period: no section. */
      gtk_widget_set_visible (self->tax_box, stk_tax_report_any (report));
    }
  stk_reports_view_set_tax_loading (self, FALSE);
  reload_data_free (data);
}

/* The view's period, as the report's: from the local midnight @days − 1 days ago to the
 * next midnight. */
static gint64
local_midnight_us (GDateTime *now,
                   int        day_offset)
{
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) shifted = NULL;
  int y, m, d;

  g_date_time_get_ymd (now, &y, &m, &d);
  /* Shift the calendar date, then take that day's midnight (days of 23 or 25 hours). */
  midnight = g_date_time_new_local (y, m, d, 0, 0, 0);
  shifted = g_date_time_add_days (midnight, day_offset);
  g_date_time_get_ymd (shifted, &y, &m, &d);
  g_clear_pointer (&midnight, g_date_time_unref);
  midnight = g_date_time_new_local (y, m, d, 0, 0, 0);
  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

static void
reload_tax (StkReportsView *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  ReloadData *data;

  self->tax_cancellable = g_cancellable_new ();
  data = g_new0 (ReloadData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->tax_cancellable);

  stk_reports_view_set_tax_loading (self, TRUE);
  stk_store_tax_report_async (self->store, local_midnight_us (now, -(int) (self->days - 1)),
                              local_midnight_us (now, 1), self->tax_cancellable,
                              tax_ready_cb, data);
}

/* ---- the stock's value at cost and the period's margin (stk-cost.h) ---- */

/* A count for ngettext() (a gulong): beyond it the plural form no longer changes. */
static gulong
plural_n (gint64 n)
{
  return n > G_MAXINT32 ? (gulong) G_MAXINT32 : (gulong) n;
}

static void
show_margin (StkReportsView        *self,
             const StkMarginReport *report)
{
  const StkMarginRow *total = &report->total;
  g_autofree char *revenue = stk_format_currency (total->revenue_cents);
  g_autofree char *cost = stk_format_currency (total->cost_cents);
  g_autofree char *margin = stk_format_currency (total->margin_cents);
  g_autofree char *percent = stk_cost_margin_format (total->margin_bp);

  gtk_label_set_text (self->margin_revenue_label, revenue);
  gtk_label_set_text (self->margin_cost_label, cost);
  gtk_label_set_text (self->margin_amount_label, margin);
  gtk_label_set_text (self->margin_percent_label, percent);
  if (total->unknown_lines > 0)
    {
      g_autofree char *count = stk_format_count (total->unknown_lines);
      g_autofree char *text = NULL;

      /* Translators: under the Margin in the Reports view; %s is a count. Their revenue
       * is in the revenue above, not in the margin. */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s line of unknown cost left out of the margin "
                                           "(its revenue is counted above).",
                                           "%s lines of unknown cost left out of the margin "
                                           "(their revenue is counted above).",
                                           plural_n (total->unknown_lines)),
                              count);
      gtk_label_set_text (self->margin_unknown_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->margin_unknown_label), total->unknown_lines > 0);
}

static void
margin_ready_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ReloadData *data = user_data;
  StkReportsView *self = data->self;
  g_autoptr(StkMarginReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = stk_store_margin_report_finish (STK_STORE (object), result, &error);

  /* A newer reload or dispose cancelled this one: leave the view alone. */
  if (g_cancellable_is_cancelled (data->cancellable))
    {
      reload_data_free (data);
      return;
    }

  g_clear_object (&self->cost_cancellable);
  if (report == NULL)
    {
      /* Translators: in the Reports view, when the margin cannot be read */
      g_autofree char *message = g_strdup_printf (_("The margin could not be read: %s"),
                                                  error->message);

      gtk_label_set_text (self->margin_error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->margin_error_label), TRUE);
      gtk_widget_set_visible (self->margin_list, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->margin_unknown_label), FALSE);
    }
  else
    {
      show_margin (self, report);
      gtk_widget_set_visible (GTK_WIDGET (self->margin_error_label), FALSE);
      gtk_widget_set_visible (self->margin_list, TRUE);
    }
  gtk_widget_set_visible (self->margin_box, TRUE);
  stk_reports_view_set_cost_loading (self, FALSE);
  reload_data_free (data);
}

static void
valuation_ready_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ReloadData *data = user_data;
  StkReportsView *self = data->self;
  g_autoptr(StkValuation) valuation = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = NULL;

  valuation = stk_store_valuation_finish (STK_STORE (object), result, &error);

  /* A newer reload or dispose cancelled this one: leave the view alone. */
  if (g_cancellable_is_cancelled (data->cancellable))
    {
      reload_data_free (data);
      return;
    }

  if (valuation == NULL)
    {
      gtk_label_set_text (self->stock_cost_label, "—");
      gtk_label_set_text (self->stock_cost_note, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->stock_cost_note), TRUE);
    }
  else
    {
      g_autofree char *value = stk_format_currency (valuation->value_at_cost_cents);

      gtk_label_set_text (self->stock_cost_label, value);
      if (valuation->unknown_items > 0)
        {
          g_autofree char *count = stk_format_count (valuation->unknown_items);
          g_autofree char *text = NULL;

          /* Translators: under the stock value at cost; %s is a count of items */
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%s item in stock of unknown cost, not counted",
                                               "%s items in stock of unknown cost, not counted",
                                               plural_n (valuation->unknown_items)),
                                  count);
          gtk_label_set_text (self->stock_cost_note, text);
        }
      gtk_widget_set_visible (GTK_WIDGET (self->stock_cost_note), valuation->unknown_items > 0);
    }

  /* Then the margin of the view's period, with the same cancellable. */
  now = g_date_time_new_now_local ();
  stk_store_margin_report_async (STK_STORE (object),
                                 local_midnight_us (now, -(int) (self->days - 1)),
                                 local_midnight_us (now, 1), data->cancellable,
                                 margin_ready_cb, data);
}

static void
reload_cost (StkReportsView *self)
{
  ReloadData *data;

  self->cost_cancellable = g_cancellable_new ();
  data = g_new0 (ReloadData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->cost_cancellable);

  stk_reports_view_set_cost_loading (self, TRUE);
  stk_store_valuation_async (self->store, self->cost_cancellable, valuation_ready_cb, data);
}

void
stk_reports_view_reload (StkReportsView *self)
{
  ReloadData *data;

  g_return_if_fail (STK_IS_REPORTS_VIEW (self));

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  if (self->closes_cancellable != NULL)
    {
      g_cancellable_cancel (self->closes_cancellable);
      g_clear_object (&self->closes_cancellable);
    }
  if (self->tax_cancellable != NULL)
    {
      g_cancellable_cancel (self->tax_cancellable);
      g_clear_object (&self->tax_cancellable);
    }
  if (self->cost_cancellable != NULL)
    {
      g_cancellable_cancel (self->cost_cancellable);
      g_clear_object (&self->cost_cancellable);
    }

  if (self->store == NULL)
    {
      stk_reports_view_set_loading (self, FALSE);
      stk_reports_view_set_closes_loading (self, FALSE);
      stk_reports_view_set_tax_loading (self, FALSE);
      stk_reports_view_set_cost_loading (self, FALSE);
      return;
    }

  /* Hidden (another page of the window is shown): the query runs when it is mapped. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      stk_reports_view_set_loading (self, FALSE);
      stk_reports_view_set_closes_loading (self, FALSE);
      stk_reports_view_set_tax_loading (self, FALSE);
      stk_reports_view_set_cost_loading (self, FALSE);
      return;
    }
  self->stale = FALSE;

  self->cancellable = g_cancellable_new ();
  data = g_new0 (ReloadData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->cancellable);

  stk_reports_view_set_loading (self, TRUE);
  stk_query_report_async (self->store, self->days, TOP_SELLERS_LIMIT, self->cancellable,
                          report_ready_cb, data);
  reload_closes (self);
  reload_tax (self);
  reload_cost (self);
}

static void
stk_reports_view_set_days (StkReportsView *self,
                           guint           days)
{
  if (days != 30 && days != 90 && days != 365)
    days = 90;
  if (self->days == days)
    return;

  self->days = days;
  gtk_toggle_button_set_active (days == 30 ? self->range30_button
                                : days == 365 ? self->range365_button
                                : self->range90_button, TRUE);
  update_captions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DAYS]);
  stk_reports_view_reload (self);
}

static void
range_toggled_cb (GtkToggleButton *button,
                  StkReportsView  *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;

  if (button == self->range30_button)
    stk_reports_view_set_days (self, 30);
  else if (button == self->range365_button)
    stk_reports_view_set_days (self, 365);
  else
    stk_reports_view_set_days (self, 90);
}

/* ---- column factories: a label per cell, the column index as user data ---- */

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  if (column >= 2)
    {
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_widget_add_css_class (label, "numeric");
    }
  else
    {
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
    }
  if (column == 1)
    {
      /* Small natural width, so that the two lists sit side by side when there is
       * room; the column expands into what is left. */
      gtk_label_set_width_chars (GTK_LABEL (label), 8);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
    }
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  StkReportRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), row->columns[column]);
  if (column == 1)
    gtk_widget_set_tooltip_text (label, row->columns[column]);
}

static void
set_factory (GtkColumnViewColumn *column,
             guint                index)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GUINT_TO_POINTER (index));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GUINT_TO_POINTER (index));
  gtk_column_view_column_set_factory (column, factory);
}

static void
set_model (GtkColumnView *view,
           GListStore    *store)
{
  g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (store)));

  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (selection));
}

/* ---- GObject ---- */

static void
stk_reports_view_map (GtkWidget *widget)
{
  StkReportsView *self = STK_REPORTS_VIEW (widget);

  GTK_WIDGET_CLASS (stk_reports_view_parent_class)->map (widget);

  if (self->stale)
    stk_reports_view_reload (self);
}

static void
stk_reports_view_dispose (GObject *object)
{
  StkReportsView *self = (StkReportsView *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->closes_cancellable != NULL)
    g_cancellable_cancel (self->closes_cancellable);
  g_clear_object (&self->closes_cancellable);
  if (self->tax_cancellable != NULL)
    g_cancellable_cancel (self->tax_cancellable);
  g_clear_object (&self->tax_cancellable);
  if (self->cost_cancellable != NULL)
    g_cancellable_cancel (self->cost_cancellable);
  g_clear_object (&self->cost_cancellable);
  g_clear_object (&self->store);

  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_REPORTS_VIEW);
  g_clear_object (&self->top_model);
  g_clear_object (&self->below_model);
  g_clear_pointer (&self->closes, g_array_unref);
  g_clear_object (&self->net_group);
  g_clear_object (&self->difference_group);
  g_clear_object (&self->taxable_group);
  g_clear_object (&self->tax_group);
  g_clear_object (&self->tax_total_group);

  G_OBJECT_CLASS (stk_reports_view_parent_class)->dispose (object);
}

static void
stk_reports_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StkReportsView *self = STK_REPORTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_DAYS:
      g_value_set_uint (value, self->days);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, is_loading (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_reports_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  StkReportsView *self = STK_REPORTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      stk_reports_view_set_store (self, g_value_get_object (value));
      break;

    case PROP_DAYS:
      stk_reports_view_set_days (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_reports_view_class_init (StkReportsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_reports_view_dispose;
  object_class->get_property = stk_reports_view_get_property;
  object_class->set_property = stk_reports_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STK_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DAYS] =
    g_param_spec_uint ("days", NULL, NULL, 30, 365, 90,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StkReportsView::day-close-activated:
   * @close_id: the close's number
   *
   * A close of the day was activated in Closes of the Day (its day report is to be
   * shown).
   */
  signals[SIGNAL_DAY_CLOSE_ACTIVATED] =
    g_signal_new ("day-close-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (STK_TYPE_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-reports-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, scroller);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, page_spinner);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, range30_button);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, range90_button);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, range365_button);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, stack);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, error_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, revenue_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, revenue_caption);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, units_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, units_caption);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, stock_value_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, below_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, chart);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, top_stack);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, top_view);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, top_code_column);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, top_description_column);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, top_units_column);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, top_revenue_column);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, below_stack);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, below_view);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, below_code_column);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, below_description_column);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, below_on_hand_column);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, below_reorder_column);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, below_more_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, closes_box);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, closes_error_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, closes_list);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, tax_box);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, tax_caption);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, tax_error_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, tax_list);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, stock_cost_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, stock_cost_note);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, margin_box);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, margin_caption);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, margin_error_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, margin_list);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, margin_revenue_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, margin_cost_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, margin_amount_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, margin_percent_label);
  gtk_widget_class_bind_template_child (widget_class, StkReportsView, margin_unknown_label);
  gtk_widget_class_bind_template_callback (widget_class, range_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, closes_row_activated_cb);

  widget_class->map = stk_reports_view_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stkreportsview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
stk_reports_view_init (StkReportsView *self)
{
  /* The template's "active" range button toggles during init: keep that quiet. */
  self->days = 90;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->top_model = g_list_store_new (STK_TYPE_REPORT_ROW);
  self->below_model = g_list_store_new (STK_TYPE_REPORT_ROW);
  self->net_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->difference_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->taxable_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->tax_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->tax_total_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  set_model (self->top_view, self->top_model);
  set_model (self->below_view, self->below_model);
  set_factory (self->top_code_column, 0);
  set_factory (self->top_description_column, 1);
  set_factory (self->top_units_column, 2);
  set_factory (self->top_revenue_column, 3);
  set_factory (self->below_code_column, 0);
  set_factory (self->below_description_column, 1);
  set_factory (self->below_on_hand_column, 2);
  set_factory (self->below_reorder_column, 3);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  update_captions (self);
  gtk_label_set_text (self->revenue_label, "—");
  gtk_label_set_text (self->units_label, "—");
  gtk_label_set_text (self->stock_value_label, "—");
  gtk_label_set_text (self->stock_cost_label, "—");
  gtk_label_set_text (self->below_label, "—");
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

GtkWidget *
stk_reports_view_new (void)
{
  return g_object_new (STK_TYPE_REPORTS_VIEW, NULL);
}

void
stk_reports_view_set_store (StkReportsView *self,
                            StkStore       *store)
{
  g_return_if_fail (STK_IS_REPORTS_VIEW (self));
  g_return_if_fail (store == NULL || STK_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  self->has_report = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  stk_reports_view_reload (self);
}

gboolean
stk_reports_view_get_loading (StkReportsView *self)
{
  g_return_val_if_fail (STK_IS_REPORTS_VIEW (self), FALSE);

  /* The property's value: the report, the closes and the tax by rate all read. */
  return is_loading (self);
}
