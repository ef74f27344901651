/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-notice.h"

#include <glib/gi18n.h>

#include "stk-a11y.h"

#define DEFAULT_TIMEOUT_MS 5000

struct _StkNotice
{
  GtkWidget    parent_instance;

  StkOp       *undo_op;
  guint        timeout_ms;
  guint        timeout_id;

  /* Template widgets */
  GtkRevealer *revealer;
  GtkLabel    *label;
  GtkButton   *undo_button;
};

G_DEFINE_FINAL_TYPE (StkNotice, stk_notice, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CAN_UNDO,
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

  gtk_widget_set_visible (GTK_WIDGET (self->undo_button), undo_op != NULL);
  if (had != (undo_op != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
}

void
stk_notice_dismiss (StkNotice *self)
{
  g_return_if_fail (STK_IS_NOTICE (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
  stk_notice_set_undo_op (self, NULL);
}

static gboolean
stk_notice_timeout_cb (gpointer user_data)
{
  StkNotice *self = STK_NOTICE (user_data);

  self->timeout_id = 0;
  stk_notice_dismiss (self);
  return G_SOURCE_REMOVE;
}

void
stk_notice_show (StkNotice  *self,
                 const char *text,
                 StkOp      *undo_op)
{
  g_return_if_fail (STK_IS_NOTICE (self));
  g_return_if_fail (text != NULL);

  gtk_label_set_text (self->label, text);
  stk_notice_set_undo_op (self, undo_op);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (self->timeout_ms, stk_notice_timeout_cb, self);

  /* Screen readers hear what was saved without moving the focus. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

const char *
stk_notice_get_text (StkNotice *self)
{
  g_return_val_if_fail (STK_IS_NOTICE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->revealer))
    return NULL;
  return gtk_label_get_text (self->label);
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

static void
undo_clicked_cb (StkNotice *self,
                 GtkButton *button)
{
  stk_notice_undo (self);
}

static void
close_clicked_cb (StkNotice *self,
                  GtkButton *button)
{
  stk_notice_dismiss (self);
}

static void
stk_notice_dispose (GObject *object)
{
  StkNotice *self = STK_NOTICE (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
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

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[UNDO] =
    g_signal_new ("undo", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, STK_TYPE_OP | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "ui/stk-notice.ui");
  gtk_widget_class_bind_template_child (widget_class, StkNotice, revealer);
  gtk_widget_class_bind_template_child (widget_class, StkNotice, label);
  gtk_widget_class_bind_template_child (widget_class, StkNotice, undo_button);
  gtk_widget_class_bind_template_callback (widget_class, undo_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stknotice");
}

static void
stk_notice_init (StkNotice *self)
{
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  gtk_widget_init_template (GTK_WIDGET (self));
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
}

GtkWidget *
stk_notice_new (void)
{
  return g_object_new (STK_TYPE_NOTICE, NULL);
}
