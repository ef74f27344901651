/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-range-bar.h"

#include <string.h>

#include <glib/gi18n.h>

#include "stk-a11y.h"
#include "stk-format.h"

/*
 * The dates are whole local days: From D is D's local midnight, To D the next day's
 * (exclusive), so "Today" is [midnight, next midnight) whatever the DST. The model then
 * reads the range in SQL (stk_table_model_set_range()). A date is applied as soon as it
 * is typed whole (the other field holding one too, or nothing); an emptied field, on
 * Enter or when left; a field left, or Enter, with something that is not a date says
 * so beside the fields — not while it is being typed.
 */

struct _StkRangeBar
{
  GtkWidget      parent_instance;

  StkTableModel *model;
  gint64         item_id;
  gboolean       syncing;     /* the fields are being set from a preset */

  /* Template widgets */
  GtkWidget     *box;
  GtkRevealer   *item_revealer;
  GtkLabel      *item_label;
  GtkButton     *show_all_button;
  GtkDropDown   *preset_dropdown;
  GtkEntry      *from_entry;
  GtkEntry      *to_entry;
  GtkLabel      *error_label;
};

G_DEFINE_FINAL_TYPE (StkRangeBar, stk_range_bar, GTK_TYPE_WIDGET)

/* ---- days ---- */

static gint64
local_midnight_us (const GDate *date)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (g_date_get_year (date),
                                                   g_date_get_month (date),
                                                   g_date_get_day (date), 0, 0, 0);

  /* Midnight may not exist (a DST jump at 0:00): then the day starts at its first hour. */
  if (dt == NULL)
    dt = g_date_time_new_local (g_date_get_year (date), g_date_get_month (date),
                                g_date_get_day (date), 1, 0, 0);
  if (dt == NULL)
    return 0;
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

gboolean
stk_range_parse_day (const char *text,
                     gint64     *start_us,
                     gint64     *end_us)
{
  GDate date;

  g_return_val_if_fail (text != NULL, FALSE);

  if (!stk_parse_date (text, &date))
    return FALSE;
  if (start_us != NULL)
    *start_us = local_midnight_us (&date);
  g_date_add_days (&date, 1);
  if (end_us != NULL)
    *end_us = local_midnight_us (&date);
  return TRUE;
}

/* A day as the lists show dates (the locale's, four-digit year). */
static char *
format_date (const GDate *date)
{
  return stk_format_date (local_midnight_us (date));
}

static void
get_today (GDate *today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (today, 1);
  g_date_set_dmy (today, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));
}

/* The first and last day of @preset (not All nor Other). */
static void
preset_days (StkRangePreset  preset,
             GDate          *first,
             GDate          *last)
{
  get_today (last);
  *first = *last;
  switch (preset)
    {
    case STK_RANGE_LAST_7_DAYS:
      g_date_subtract_days (first, 6);
      break;
    case STK_RANGE_THIS_MONTH:
      g_date_set_day (first, 1);
      g_date_set_day (last, g_date_get_days_in_month (g_date_get_month (last),
                                                      g_date_get_year (last)));
      break;
    case STK_RANGE_TODAY:
    case STK_RANGE_ALL:
    case STK_RANGE_OTHER:
    default:
      break;
    }
}

/* ---- the fields ---- */

static void
set_error (StkRangeBar *self,
           GtkEntry    *entry,
           const char  *message)
{
  GtkEntry *entries[] = { self->from_entry, self->to_entry };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      if (entries[i] == entry && message != NULL)
        gtk_widget_add_css_class (GTK_WIDGET (entries[i]), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (entries[i]), "error");
    }
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->error_label), message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (entry != NULL && message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
  else
    for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
      gtk_accessible_reset_property (GTK_ACCESSIBLE (entries[i]),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static char *
format_message (void)
{
  GDate today;
  g_autofree char *example = NULL;
  g_autofree char *pattern = NULL;

  get_today (&today);
  example = format_date (&today);
  pattern = stk_format_date_pattern ();
  /* Translators: the first %s is the pattern a date is typed in ("DD/MM/YYYY", from the
   * locale), the second today's date typed that way */
  return g_strdup_printf (_("Type a date as %s, such as %s."), pattern, example);
}

/* Reads both fields into [from, to); FALSE (with the field at fault) when one holds
 * something that is not a date, or From is after To. */
static gboolean
read_range (StkRangeBar  *self,
            gint64       *from_us,
            gint64       *to_us,
            GtkEntry    **bad,
            char        **message)
{
  const char *from_text = gtk_editable_get_text (GTK_EDITABLE (self->from_entry));
  const char *to_text = gtk_editable_get_text (GTK_EDITABLE (self->to_entry));
  g_autofree char *from_trimmed = g_strstrip (g_strdup (from_text));
  g_autofree char *to_trimmed = g_strstrip (g_strdup (to_text));

  *from_us = G_MININT64;
  *to_us = G_MAXINT64;
  *bad = NULL;
  *message = NULL;
  if (*from_trimmed != '\0' && !stk_range_parse_day (from_trimmed, from_us, NULL))
    {
      *bad = self->from_entry;
      *message = format_message ();
      return FALSE;
    }
  if (*to_trimmed != '\0' && !stk_range_parse_day (to_trimmed, NULL, to_us))
    {
      *bad = self->to_entry;
      *message = format_message ();
      return FALSE;
    }
  if (*from_us != G_MININT64 && *to_us != G_MAXINT64 && *from_us >= *to_us)
    {
      *bad = self->to_entry;
      *message = g_strdup (_("The last day is before the first."));
      return FALSE;
    }
  return TRUE;
}

/* The preset the fields hold now. */
static StkRangePreset
preset_of_fields (StkRangeBar *self)
{
  const char *from_text = gtk_editable_get_text (GTK_EDITABLE (self->from_entry));
  const char *to_text = gtk_editable_get_text (GTK_EDITABLE (self->to_entry));
  static const StkRangePreset presets[] = {
    STK_RANGE_TODAY, STK_RANGE_LAST_7_DAYS, STK_RANGE_THIS_MONTH,
  };
  GDate from, to;

  if (*from_text == '\0' && *to_text == '\0')
    return STK_RANGE_ALL;
  if (!stk_parse_date (from_text, &from) || !stk_parse_date (to_text, &to))
    return STK_RANGE_OTHER;
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      GDate first, last;

      preset_days (presets[i], &first, &last);
      if (g_date_compare (&first, &from) == 0 && g_date_compare (&last, &to) == 0)
        return presets[i];
    }
  return STK_RANGE_OTHER;
}

/* Applies the fields when they hold dates; says what is wrong only if @complain. */
static void
apply_fields (StkRangeBar *self,
              gboolean     complain)
{
  g_autofree char *message = NULL;
  GtkEntry *bad;
  gint64 from, to;

  if (!read_range (self, &from, &to, &bad, &message))
    {
      if (complain)
        set_error (self, bad, message);
      return;
    }
  set_error (self, NULL, NULL);
  if (self->model != NULL)
    stk_table_model_set_range (self->model, from, to);

  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->preset_dropdown, preset_of_fields (self));
  self->syncing = FALSE;
}

static void
date_changed_cb (StkRangeBar *self,
                 GtkEditable *editable)
{
  g_autofree char *text = NULL;

  if (self->syncing)
    return;
  /* While a date is being typed: no complaint yet; one that is right now applies (and
   * clears a complaint). A field emptied to type another date widens nothing yet: that
   * waits for Enter or the field being left. */
  text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  if (*text != '\0')
    apply_fields (self, FALSE);
}

static void
date_activate_cb (StkRangeBar *self,
                  GtkEntry    *entry)
{
  apply_fields (self, TRUE);
}

static void
focus_leave_cb (GtkEventControllerFocus *controller,
                StkRangeBar             *self)
{
  apply_fields (self, TRUE);
}

static void
preset_changed_cb (StkRangeBar *self)
{
  StkRangePreset preset = gtk_drop_down_get_selected (self->preset_dropdown);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  GDate first, last;

  if (self->syncing)
    return;
  if (preset == STK_RANGE_OTHER)
    {
      /* Type them. */
      gtk_widget_grab_focus (GTK_WIDGET (self->from_entry));
      return;
    }
  if (preset != STK_RANGE_ALL)
    {
      preset_days (preset, &first, &last);
      from = format_date (&first);
      to = format_date (&last);
    }
  self->syncing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from != NULL ? from : "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to != NULL ? to : "");
  self->syncing = FALSE;
  apply_fields (self, TRUE);
}

static void
show_all_clicked_cb (StkRangeBar *self,
                     GtkButton   *button)
{
  stk_range_bar_set_item (self, 0, NULL);
}

/* ---- GObject ---- */

static void
stk_range_bar_dispose (GObject *object)
{
  StkRangeBar *self = STK_RANGE_BAR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_RANGE_BAR);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (stk_range_bar_parent_class)->dispose (object);
}

static void
stk_range_bar_class_init (StkRangeBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_range_bar_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-range-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, StkRangeBar, box);
  gtk_widget_class_bind_template_child (widget_class, StkRangeBar, item_revealer);
  gtk_widget_class_bind_template_child (widget_class, StkRangeBar, item_label);
  gtk_widget_class_bind_template_child (widget_class, StkRangeBar, show_all_button);
  gtk_widget_class_bind_template_child (widget_class, StkRangeBar, preset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StkRangeBar, from_entry);
  gtk_widget_class_bind_template_child (widget_class, StkRangeBar, to_entry);
  gtk_widget_class_bind_template_child (widget_class, StkRangeBar, error_label);
  gtk_widget_class_bind_template_callback (widget_class, date_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, date_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, preset_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, show_all_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stkrangebar");
}

static void
stk_range_bar_init (StkRangeBar *self)
{
  GtkEntry *entries[2];
  g_autofree char *format = stk_format_date_pattern ();

  gtk_widget_init_template (GTK_WIDGET (self));
  stk_a11y_name_drop_down (self->preset_dropdown, _("Dates"));
  entries[0] = self->from_entry;
  entries[1] = self->to_entry;
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      GtkEventController *focus = gtk_event_controller_focus_new ();

      gtk_entry_set_placeholder_text (entries[i], format);
      g_signal_connect (focus, "leave", G_CALLBACK (focus_leave_cb), self);
      gtk_widget_add_controller (GTK_WIDGET (entries[i]), focus);
    }
}

GtkWidget *
stk_range_bar_new (void)
{
  return g_object_new (STK_TYPE_RANGE_BAR, NULL);
}

void
stk_range_bar_set_model (StkRangeBar   *self,
                         StkTableModel *model)
{
  g_return_if_fail (STK_IS_RANGE_BAR (self));
  g_return_if_fail (model == NULL || STK_IS_TABLE_MODEL (model));

  g_set_object (&self->model, model);
  if (model != NULL)
    apply_fields (self, FALSE);
}

void
stk_range_bar_set_item (StkRangeBar *self,
                        gint64       item_id,
                        const char  *code)
{
  g_autofree char *text = NULL;

  g_return_if_fail (STK_IS_RANGE_BAR (self));

  self->item_id = MAX (item_id, 0);
  if (self->item_id > 0)
    {
      /* Translators: above the Stock Moves list narrowed to one item; %s is its code */
      text = g_strdup_printf (_("History of %s"), code != NULL ? code : "");
      gtk_label_set_text (self->item_label, text);
    }
  gtk_revealer_set_reveal_child (self->item_revealer, self->item_id > 0);
  if (self->model == NULL)
    return;
  /* An item's history in the order its moves were recorded, newest first — the order
   * of their balances, and that of the index movements_item (item_id, id): each page
   * is an index seek, where the time order would sort all of the item's moves for each
   * page (a quarter of a second for 200 000). Every item's moves: the time order again.
   * The order changes while the list is not narrowed: the cheap one of the two. */
  if (self->item_id > 0)
    {
      stk_table_model_set_sort (self->model, "id", TRUE);
      stk_table_model_set_item_id (self->model, self->item_id);
    }
  else
    {
      stk_table_model_set_item_id (self->model, 0);
      if (g_strcmp0 (stk_table_model_get_sort_column (self->model), "id") == 0)
        stk_table_model_set_sort (self->model, NULL, FALSE);
    }
}

void
stk_range_bar_set_preset (StkRangeBar    *self,
                          StkRangePreset  preset)
{
  g_return_if_fail (STK_IS_RANGE_BAR (self));
  g_return_if_fail (preset <= STK_RANGE_OTHER);

  gtk_drop_down_set_selected (self->preset_dropdown, preset);
}

StkRangePreset
stk_range_bar_get_preset (StkRangeBar *self)
{
  g_return_val_if_fail (STK_IS_RANGE_BAR (self), STK_RANGE_ALL);

  return gtk_drop_down_get_selected (self->preset_dropdown);
}
