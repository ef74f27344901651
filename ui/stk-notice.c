/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-notice.h"

#include <glib/gi18n.h>


#define DEFAULT_TIMEOUT_MS 5000

struct _StkNotice
{
  GtkWidget        parent_instance;

  StkOp           *undo_op;
  guint            timeout_ms;
  char            *text;      /* of the toast shown, NULL when none */
  AdwToast        *toast;     /* the toast shown, weak: the overlay owns it */

  /* Template widgets */
  AdwToastOverlay *overlay;
};

G_DEFINE_FINAL_TYPE (StkNotice, stk_notice, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CHILD,
  N_PROPS
};

enum {
  UNDO,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
stk_notice_set_undo_op (StkNotice *self,
                        StkOp     *undo_op)
{
  gboolean had = self->undo_op != NULL;

  if (undo_op != NULL)
    stk_op_ref (undo_op);
  g_clear_pointer (&self->undo_op, stk_op_unref);
  self->undo_op = undo_op;
  if (had != (undo_op != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
}

/* The toast went (timeout, its close button, or a newer one): so does its undo op. */
static void
toast_dismissed_cb (StkNotice *self,
                    AdwToast  *toast)
{
  if (toast != self->toast)
    return;
  g_object_remove_weak_pointer (G_OBJECT (self->toast), (gpointer *) &self->toast);
  self->toast = NULL;
  g_clear_pointer (&self->text, g_free);
  stk_notice_set_undo_op (self, NULL);
}

static void
toast_button_clicked_cb (StkNotice *self,
                         AdwToast  *toast)
{
  if (toast == self->toast)
    stk_notice_undo (self);
}

void
stk_notice_dismiss (StkNotice *self)
{
  g_return_if_fail (STK_IS_NOTICE (self));

  if (self->toast != NULL)
    {
      g_autoptr(AdwToast) toast = g_object_ref (self->toast);

      adw_toast_dismiss (toast);
      toast_dismissed_cb (self, toast);
    }
}

void
stk_notice_show (StkNotice  *self,
                 const char *text,
                 StkOp      *undo_op)
{
  g_autofree char *markup = NULL;
  AdwToast *toast;

  g_return_if_fail (STK_IS_NOTICE (self));
  g_return_if_fail (text != NULL);

  /* One notice at a time: the newest replaces the one shown. */
  stk_notice_dismiss (self);

  /* An AdwToast's title is Pango markup in libadwaita 1.2. */
  markup = g_markup_escape_text (text, -1);
  toast = adw_toast_new (markup);
  adw_toast_set_timeout (toast, (self->timeout_ms + 999) / 1000);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  if (undo_op != NULL)
    adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (toast_button_clicked_cb), self,
                           G_CONNECT_SWAPPED);

  self->toast = toast;
  g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *) &self->toast);
  self->text = g_strdup (text);
  stk_notice_set_undo_op (self, undo_op);
  adw_toast_overlay_add_toast (self->overlay, toast);   /* takes the toast */

  /* Screen readers hear what was saved without moving the focus. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

void
stk_notice_show_problem (StkNotice  *self,
                         const char *text,
                         const char *button_label,
                         const char *action_name)
{
  g_autofree char *markup = NULL;
  GtkWidget *label;
  AdwToast *toast;

  g_return_if_fail (STK_IS_NOTICE (self));
  g_return_if_fail (text != NULL);
  g_return_if_fail (button_label != NULL && action_name != NULL);

  stk_notice_dismiss (self);

  /* The whole sentence, on as many lines as it takes (a title is cut to one line). */
  markup = g_markup_escape_text (text, -1);
  toast = adw_toast_new (markup);
  label = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  adw_toast_set_custom_title (toast, label);
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_button_label (toast, button_label);
  adw_toast_set_action_name (toast, action_name);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);

  self->toast = toast;
  g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *) &self->toast);
  self->text = g_strdup (text);
  stk_notice_set_undo_op (self, NULL);
  adw_toast_overlay_add_toast (self->overlay, toast);   /* takes the toast */

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

const char *
stk_notice_get_text (StkNotice *self)
{
  g_return_val_if_fail (STK_IS_NOTICE (self), NULL);
  return self->text;
}

AdwToast *
stk_notice_get_toast (StkNotice *self)
{
  g_return_val_if_fail (STK_IS_NOTICE (self), NULL);
  return self->toast;
}

gboolean
stk_notice_get_can_undo (StkNotice *self)
{
  g_return_val_if_fail (STK_IS_NOTICE (self), FALSE);
  return self->undo_op != NULL;
}

gboolean
stk_notice_undo (StkNotice *self)
{
  g_autoptr(StkOp) op = NULL;

  g_return_val_if_fail (STK_IS_NOTICE (self), FALSE);

  if (self->undo_op == NULL)
    return FALSE;
  op = stk_op_ref (self->undo_op);
  stk_notice_dismiss (self);
  g_signal_emit (self, signals[UNDO], 0, op);
  return TRUE;
}

void
stk_notice_set_timeout (StkNotice *self,
                        guint      timeout_ms)
{
  g_return_if_fail (STK_IS_NOTICE (self));
  self->timeout_ms = MAX (timeout_ms, 1);
}

GtkWidget *
stk_notice_get_child (StkNotice *self)
{
  g_return_val_if_fail (STK_IS_NOTICE (self), NULL);
  return adw_toast_overlay_get_child (self->overlay);
}

void
stk_notice_set_child (StkNotice *self,
                      GtkWidget *child)
{
  g_return_if_fail (STK_IS_NOTICE (self));
  g_return_if_fail (child == NULL || GTK_IS_WIDGET (child));

  if (adw_toast_overlay_get_child (self->overlay) == child)
    return;
  adw_toast_overlay_set_child (self->overlay, child);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHILD]);
}

static void
stk_notice_dispose (GObject *object)
{
  StkNotice *self = STK_NOTICE (object);

  if (self->toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->toast), (gpointer *) &self->toast);
  self->toast = NULL;
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->undo_op, stk_op_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_NOTICE);

  G_OBJECT_CLASS (stk_notice_parent_class)->dispose (object);
}

static void
stk_notice_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  StkNotice *self = STK_NOTICE (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, self->undo_op != NULL);
      break;
    case PROP_CHILD:
      g_value_set_object (value, stk_notice_get_child (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_notice_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  StkNotice *self = STK_NOTICE (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      stk_notice_set_child (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_notice_class_init (StkNoticeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_notice_dispose;
  object_class->get_property = stk_notice_get_property;
  object_class->set_property = stk_notice_set_property;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHILD] =
    g_param_spec_object ("child", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[UNDO] =
    g_signal_new ("undo", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, STK_TYPE_OP | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "ui/stk-notice.ui");
  gtk_widget_class_bind_template_child (widget_class, StkNotice, overlay);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stknotice");
}

static void
stk_notice_init (StkNotice *self)
{
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
stk_notice_new (void)
{
  return g_object_new (STK_TYPE_NOTICE, NULL);
}
