/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-chart.h"

#include <glib/gi18n.h>

#include "stk-format.h"

/* Spacing, in pixels. */
#define PAD             8.0
#define TITLE_GAP       10.0
#define AXIS_GAP        6.0
#define TICK_LEN        4.0
#define LABEL_GAP       12.0
#define MIN_TICK_SPACE  22.0
#define MIN_BAR_WIDTH   2.0
#define MAX_TICKS       5

struct _StkChart
{
  GtkWidget  parent_instance;

  char      *title;
  GArray    *days;        /* StkDayTotal */
  gint64     max_value;
  gint64     total;
  gint64     axis_max;
  gint64     tick_step;
  char      *summary;

  /* Plot area of the last snapshot, for hovering and tooltips. */
  double     plot_x;
  double     plot_w;
  int        hover;       /* day index or -1 */
};

G_DEFINE_FINAL_TYPE (StkChart, stk_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Pixel rounding without libm (values here are small and mostly positive). */
static inline double
px_floor (double v)
{
  double t = (double) (gint64) v;

  return t > v ? t - 1.0 : t;
}

static inline double
px_round (double v)
{
  return px_floor (v + 0.5);
}

static inline double
px_ceil (double v)
{
  return -px_floor (-v);
}

/* The smallest step of 1, 2 or 5 × 10^k cents (k >= 2: whole money units) that
 * covers @max_value in at most MAX_TICKS steps. */
static void
compute_axis (gint64  max_value,
              gint64 *out_axis_max,
              gint64 *out_step)
{
  static const gint64 mult[] = { 1, 2, 5 };
  gint64 mag = 100;

  if (max_value <= 0)
    {
      *out_step = 100;
      *out_axis_max = 100 * 4;
      return;
    }

  for (;;)
    {
      for (guint i = 0; i < G_N_ELEMENTS (mult); i++)
        {
          gint64 step = mult[i] * mag;
          gint64 n = (max_value + step - 1) / step;

          if (n <= MAX_TICKS)
            {
              *out_step = step;
              *out_axis_max = n * step;
              return;
            }
        }
      mag *= 10;
    }
}

static char *
format_axis_date (gint64 us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);

  if (dt == NULL)
    return g_strdup ("");
  /* Translators: a date under the sales chart, short: "Nov 3". See g_date_time_format(). */
  return g_date_time_format (dt, C_("chart axis date", "%b %-d"));
}

static char *
format_tooltip_date (gint64 us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);

  if (dt == NULL)
    return g_strdup ("");
  /* Translators: the day in the sales chart's tooltip: "Tuesday, Nov 3 2026". */
  return g_date_time_format (dt, C_("chart tooltip date", "%A, %b %-d %Y"));
}

/* Whole money units, for the y axis (ticks are multiples of 100 cents). */
static char *
format_tick (gint64 cents)
{
  return stk_format_count (cents / 100);
}

static void
stk_chart_update_summary (StkChart *self)
{
  g_autofree char *total = stk_format_currency (self->total);
  guint n = self->days->len;
  guint empty_days = 0;
  int best = -1;

  for (guint i = 0; i < n; i++)
    {
      const StkDayTotal *d = &g_array_index (self->days, StkDayTotal, i);

      if (d->revenue_cents == 0)
        empty_days++;
      if (d->revenue_cents > 0 && (best < 0 || d->revenue_cents > g_array_index (self->days, StkDayTotal, best).revenue_cents))
        best = (int) i;
    }

  g_free (self->summary);
  if (n == 0)
    self->summary = g_strdup (_("No data."));
  else if (best < 0)
    self->summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "No sales in the last %u day.",
                                                  "No sales in the last %u days.", n),
                                     n);
  else
    {
      const StkDayTotal *b = &g_array_index (self->days, StkDayTotal, best);
      g_autofree char *best_value = stk_format_currency (b->revenue_cents);
      g_autofree char *best_date = format_tooltip_date (b->day_start_us);
      g_autofree char *first = format_tooltip_date (g_array_index (self->days, StkDayTotal, 0).day_start_us);
      g_autofree char *last = format_tooltip_date (g_array_index (self->days, StkDayTotal, n - 1).day_start_us);
      g_autofree char *head = NULL;
      g_autofree char *tail = NULL;

      /* Translators: first part of the chart's description for screen readers. */
      head = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Revenue per day over %u day, from %s to %s: %s in all.",
                                           "Revenue per day over %u days, from %s to %s: %s in all.", n),
                              n, first, last, total);
      tail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Highest: %s on %s. %u day without sales.",
                                           "Highest: %s on %s. %u days without sales.", empty_days),
                              best_value, best_date, empty_days);
      self->summary = g_strconcat (head, " ", tail, NULL);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary,
                                  -1);
}

static void
get_colors (StkChart *self,
            GdkRGBA  *fg,
            GdkRGBA  *bar)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (context, fg);
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", bar)
      && !gtk_style_context_lookup_color (context, "theme_selected_bg_color", bar))
    *bar = (GdkRGBA) { 0.21, 0.52, 0.89, 1.0 };
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* A light foreground means a dark theme: lighten the bars so they stand out. */
  if (0.3 * fg->red + 0.59 * fg->green + 0.11 * fg->blue > 0.5)
    {
      bar->red += (1.0 - bar->red) * 0.3;
      bar->green += (1.0 - bar->green) * 0.3;
      bar->blue += (1.0 - bar->blue) * 0.3;
    }
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *rgba,
            double         alpha)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha * alpha);
}

static PangoLayout *
make_layout (StkChart   *self,
             const char *text,
             gboolean    bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (bold)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

static void
stk_chart_snapshot (GtkWidget   *widget,
                    GtkSnapshot *snapshot)
{
  StkChart *self = STK_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  guint n = self->days->len;
  g_autoptr(PangoLayout) title = NULL;
  g_autoptr(GPtrArray) date_labels = NULL;
  GdkRGBA fg, bar;
  cairo_t *cr;
  int title_w, title_h, line_h = 0;
  double y_label_w = 0;
  double plot_x, plot_y, plot_w, plot_h;
  double per_day;
  guint tick_every = 1;
  gint64 n_ticks;

  if (width <= 2 * PAD || height <= 2 * PAD)
    return;

  get_colors (self, &fg, &bar);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Title, top left. */
  title = make_layout (self, self->title != NULL ? self->title : "", TRUE);
  pango_layout_get_pixel_size (title, &title_w, &title_h);
  cairo_move_to (cr, PAD, PAD);
  set_source (cr, &fg, 1.0);
  pango_cairo_show_layout (cr, title);

  /* The y tick labels' widest, to place the plot's left edge. */
  n_ticks = self->axis_max / self->tick_step;
  for (gint64 t = 0; t <= n_ticks; t++)
    {
      g_autofree char *text = format_tick (t * self->tick_step);
      g_autoptr(PangoLayout) layout = make_layout (self, text, FALSE);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      y_label_w = MAX (y_label_w, w);
      line_h = MAX (line_h, h);
    }

  plot_x = PAD + y_label_w + AXIS_GAP;
  plot_y = PAD + title_h + TITLE_GAP + line_h / 2.0;
  plot_w = width - plot_x - PAD - 4;
  plot_h = height - plot_y - PAD - line_h - TICK_LEN - AXIS_GAP;
  self->plot_x = plot_x;
  self->plot_w = plot_w;

  if (plot_w < 10 || plot_h < 10)
    {
      cairo_destroy (cr);
      return;
    }

  /* Fewer grid lines when the plot is short. */
  while (n_ticks / tick_every > 1 && plot_h * tick_every / n_ticks < MIN_TICK_SPACE)
    tick_every *= 2;

  cairo_set_line_width (cr, 1.0);
  for (gint64 t = 0; t <= n_ticks; t += tick_every)
    {
      double y = px_round (plot_y + plot_h - plot_h * t / n_ticks) + 0.5;
      g_autofree char *text = format_tick (t * self->tick_step);
      g_autoptr(PangoLayout) layout = make_layout (self, text, FALSE);
      int w, h;

      set_source (cr, &fg, t == 0 ? 0.5 : 0.15);
      cairo_move_to (cr, plot_x, y);
      cairo_line_to (cr, plot_x + plot_w, y);
      cairo_stroke (cr);

      pango_layout_get_pixel_size (layout, &w, &h);
      set_source (cr, &fg, 0.7);
      cairo_move_to (cr, plot_x - AXIS_GAP - w, y - h / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  if (n == 0)
    {
      cairo_destroy (cr);
      return;
    }

  per_day = plot_w / n;

  /* Revenue: bars, or a filled line when a bar would be thinner than MIN_BAR_WIDTH. */
  if (per_day * 0.7 >= MIN_BAR_WIDTH)
    {
      double bar_w = MAX (MIN_BAR_WIDTH, px_floor (per_day * 0.7));

      for (guint i = 0; i < n; i++)
        {
          const StkDayTotal *d = &g_array_index (self->days, StkDayTotal, i);
          double h = plot_h * d->revenue_cents / (double) self->axis_max;
          double x = px_round (plot_x + per_day * i + (per_day - bar_w) / 2.0);

          if (d->revenue_cents <= 0)
            continue;
          h = MAX (h, 1.0);
          set_source (cr, &bar, (int) i == self->hover ? 0.65 : 1.0);
          cairo_rectangle (cr, x, plot_y + plot_h - h, bar_w, h);
          cairo_fill (cr);
        }
    }
  else
    {
      cairo_move_to (cr, plot_x + per_day / 2.0, plot_y + plot_h);
      for (guint i = 0; i < n; i++)
        {
          const StkDayTotal *d = &g_array_index (self->days, StkDayTotal, i);
          double h = plot_h * d->revenue_cents / (double) self->axis_max;

          cairo_line_to (cr, plot_x + per_day * (i + 0.5), plot_y + plot_h - h);
        }
      cairo_line_to (cr, plot_x + per_day * (n - 0.5), plot_y + plot_h);
      cairo_close_path (cr);
      set_source (cr, &bar, 0.35);
      cairo_fill_preserve (cr);
      set_source (cr, &bar, 1.0);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      cairo_set_line_width (cr, 1.0);

      if (self->hover >= 0 && (guint) self->hover < n)
        {
          double x = px_round (plot_x + per_day * (self->hover + 0.5)) + 0.5;

          set_source (cr, &fg, 0.5);
          cairo_move_to (cr, x, plot_y);
          cairo_line_to (cr, x, plot_y + plot_h);
          cairo_stroke (cr);
        }
    }

  /* Date labels, from today backwards, every `stride` days, skipping any label that
   * would come closer than LABEL_GAP to the one drawn to its right. */
  {
    static const guint strides[] = { 1, 2, 7, 14, 28, 56, 91, 182, 364 };
    double max_w = 0;
    double left_limit = plot_x + plot_w + 4;
    guint stride = 0;

    date_labels = g_ptr_array_new_with_free_func (g_object_unref);
    for (guint i = 0; i < n; i++)
      {
        g_autofree char *text = format_axis_date (g_array_index (self->days, StkDayTotal, i).day_start_us);
        PangoLayout *layout = make_layout (self, text, FALSE);
        int w, h;

        pango_layout_get_pixel_size (layout, &w, &h);
        max_w = MAX (max_w, w);
        g_ptr_array_add (date_labels, layout);
      }
    for (guint s = 0; s < G_N_ELEMENTS (strides); s++)
      if (strides[s] * per_day >= max_w + LABEL_GAP)
        {
          stride = strides[s];
          break;
        }
    if (stride == 0)
      stride = (guint) px_ceil ((max_w + LABEL_GAP) / per_day);

    for (gint64 i = (gint64) n - 1; i >= 0; i -= stride)
      {
        PangoLayout *layout = g_ptr_array_index (date_labels, i);
        double cx = plot_x + per_day * (i + 0.5);
        double lx;
        int w, h;

        pango_layout_get_pixel_size (layout, &w, &h);
        lx = CLAMP (cx - w / 2.0, 0, width - w);
        if (lx + w + LABEL_GAP > left_limit && i != (gint64) n - 1)
          continue;
        if (lx < 0)
          break;
        left_limit = lx;

        set_source (cr, &fg, 0.5);
        cairo_move_to (cr, px_round (cx) + 0.5, plot_y + plot_h);
        cairo_line_to (cr, px_round (cx) + 0.5, plot_y + plot_h + TICK_LEN);
        cairo_stroke (cr);

        set_source (cr, &fg, 0.7);
        cairo_move_to (cr, lx, plot_y + plot_h + TICK_LEN + AXIS_GAP / 2.0);
        pango_cairo_show_layout (cr, layout);
      }
  }

  if (self->max_value == 0)
    {
      g_autoptr(PangoLayout) layout = make_layout (self, _("No sales in this period"), FALSE);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      set_source (cr, &fg, 0.55);
      cairo_move_to (cr, plot_x + (plot_w - w) / 2.0, plot_y + (plot_h - h) / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  cairo_destroy (cr);
}

static int
day_at (StkChart *self,
        double    x)
{
  guint n = self->days->len;
  int i;

  if (n == 0 || self->plot_w <= 0 || x < self->plot_x || x >= self->plot_x + self->plot_w)
    return -1;
  i = (int) ((x - self->plot_x) / (self->plot_w / n));
  return CLAMP (i, 0, (int) n - 1);
}

static gboolean
stk_chart_query_tooltip (GtkWidget  *widget,
                         int         x,
                         int         y,
                         gboolean    keyboard,
                         GtkTooltip *tooltip)
{
  StkChart *self = STK_CHART (widget);
  int i = day_at (self, x);
  const StkDayTotal *d;
  g_autofree char *date = NULL;
  g_autofree char *money = NULL;
  g_autofree char *units = NULL;
  g_autofree char *units_text = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *escaped = NULL;

  if (keyboard || i < 0)
    return FALSE;

  d = &g_array_index (self->days, StkDayTotal, i);
  date = format_tooltip_date (d->day_start_us);
  money = stk_format_currency (d->revenue_cents);
  units = stk_format_count (d->quantity);
  /* Translators: units sold on a day, in the chart's tooltip. */
  units_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s unit sold", "%s units sold",
                                             (gulong) CLAMP (d->quantity, 0, G_MAXLONG)),
                                units);
  escaped = g_markup_escape_text (date, -1);
  /* Translators: the chart's tooltip: the day, then "Revenue: 1,234.50", then units. */
  markup = g_strdup_printf (_("<b>%s</b>\nRevenue: %s\n%s"), escaped, money, units_text);
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           StkChart                 *self)
{
  int i = day_at (self, x);

  if (i != self->hover)
    {
      self->hover = i;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *controller,
          StkChart                 *self)
{
  if (self->hover != -1)
    {
      self->hover = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
stk_chart_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 600;
    }
  else
    {
      *minimum = 160;
      *natural = 260;
    }
}

static void
stk_chart_css_changed (GtkWidget         *widget,
                       GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (stk_chart_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

static void
stk_chart_finalize (GObject *object)
{
  StkChart *self = (StkChart *) object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->days, g_array_unref);

  G_OBJECT_CLASS (stk_chart_parent_class)->finalize (object);
}

static void
stk_chart_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  StkChart *self = STK_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_chart_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  StkChart *self = STK_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      stk_chart_set_title (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_chart_class_init (StkChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = stk_chart_finalize;
  object_class->get_property = stk_chart_get_property;
  object_class->set_property = stk_chart_set_property;

  widget_class->snapshot = stk_chart_snapshot;
  widget_class->measure = stk_chart_measure;
  widget_class->query_tooltip = stk_chart_query_tooltip;
  widget_class->css_changed = stk_chart_css_changed;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "stkchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
stk_chart_init (StkChart *self)
{
  GtkEventController *motion;

  self->days = g_array_new (FALSE, TRUE, sizeof (StkDayTotal));
  self->hover = -1;
  compute_axis (0, &self->axis_max, &self->tick_step);
  stk_chart_update_summary (self);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
stk_chart_new (void)
{
  return g_object_new (STK_TYPE_CHART, NULL);
}

const char *
stk_chart_get_title (StkChart *self)
{
  g_return_val_if_fail (STK_IS_CHART (self), NULL);

  return self->title;
}

void
stk_chart_set_title (StkChart   *self,
                     const char *title)
{
  g_return_if_fail (STK_IS_CHART (self));

  if (g_strcmp0 (self->title, title) != 0)
    {
      g_free (self->title);
      self->title = g_strdup (title);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title != NULL ? title : "",
                                      -1);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

void
stk_chart_set_days (StkChart          *self,
                    const StkDayTotal *days,
                    guint              n_days)
{
  g_return_if_fail (STK_IS_CHART (self));
  g_return_if_fail (days != NULL || n_days == 0);

  g_array_set_size (self->days, 0);
  if (n_days > 0)
    g_array_append_vals (self->days, days, n_days);

  self->max_value = 0;
  self->total = 0;
  for (guint i = 0; i < n_days; i++)
    {
      self->max_value = MAX (self->max_value, days[i].revenue_cents);
      self->total += days[i].revenue_cents;
    }
  compute_axis (self->max_value, &self->axis_max, &self->tick_step);
  self->hover = -1;
  stk_chart_update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
stk_chart_get_n_points (StkChart *self)
{
  g_return_val_if_fail (STK_IS_CHART (self), 0);

  return self->days->len;
}

gint64
stk_chart_get_max_value (StkChart *self)
{
  g_return_val_if_fail (STK_IS_CHART (self), 0);

  return self->max_value;
}

gint64
stk_chart_get_total (StkChart *self)
{
  g_return_val_if_fail (STK_IS_CHART (self), 0);

  return self->total;
}

gint64
stk_chart_get_axis_max (StkChart *self)
{
  g_return_val_if_fail (STK_IS_CHART (self), 0);

  return self->axis_max;
}

gint64
stk_chart_get_tick_step (StkChart *self)
{
  g_return_val_if_fail (STK_IS_CHART (self), 0);

  return self->tick_step;
}

const char *
stk_chart_get_summary (StkChart *self)
{
  g_return_val_if_fail (STK_IS_CHART (self), NULL);

  return self->summary;
}
