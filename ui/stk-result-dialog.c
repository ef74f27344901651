/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-result-dialog.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "stk-a11y.h"
#include "stk-format.h"

struct _StkResultDialog
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkImage       *icon;
  GtkLabel       *heading_label;
  GtkLabel       *body_label;
  GtkWidget      *lines_scroller;
  GtkListBox     *lines_list;
  GtkButton      *close_button;
};

G_DEFINE_FINAL_TYPE (StkResultDialog, stk_result_dialog, ADW_TYPE_WINDOW)

static void
stk_result_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STK_TYPE_RESULT_DIALOG);

  G_OBJECT_CLASS (stk_result_dialog_parent_class)->dispose (object);
}

static void
stk_result_dialog_class_init (StkResultDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_result_dialog_dispose;

  /* Shown before any window (tests, the command line's flows): libadwaita's types and
   * style first. */
  adw_init ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-result-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StkResultDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, StkResultDialog, icon);
  gtk_widget_class_bind_template_child (widget_class, StkResultDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, StkResultDialog, body_label);
  gtk_widget_class_bind_template_child (widget_class, StkResultDialog, lines_scroller);
  gtk_widget_class_bind_template_child (widget_class, StkResultDialog, lines_list);
  gtk_widget_class_bind_template_child (widget_class, StkResultDialog, close_button);
}

static void
stk_result_dialog_init (StkResultDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  stk_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
}

static void
add_line (StkResultDialog *self,
          const char      *text,
          gboolean         dim)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_set_margin_start (label, 10);
  gtk_widget_set_margin_end (label, 10);
  if (dim)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_list_box_append (self->lines_list, label);
}

StkResultDialog *
stk_result_dialog_show (GtkWindow     *parent,
                        StkResultKind  kind,
                        const char    *title,
                        const char    *heading,
                        const char    *body,
                        GPtrArray     *lines,
                        guint64        more)
{
  static const char *const icons[] = {
    "emblem-ok-symbolic", "dialog-warning-symbolic", "dialog-error-symbolic",
  };
  StkResultDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (icons), NULL);

  self = g_object_new (STK_TYPE_RESULT_DIALOG,
                       "transient-for", parent,
                       "title", title,
                       NULL);

  adw_window_title_set_title (self->window_title, title);
  gtk_image_set_from_icon_name (self->icon, icons[kind]);
  gtk_widget_add_css_class (GTK_WIDGET (self->icon),
                            kind == STK_RESULT_OK ? "success" : kind == STK_RESULT_WARNING ? "warning" : "error");
  gtk_label_set_text (self->heading_label, heading);
  gtk_label_set_text (self->body_label, body);

  if (lines != NULL && lines->len > 0)
    {
      for (guint i = 0; i < lines->len; i++)
        add_line (self, g_ptr_array_index (lines, i), FALSE);
      if (more > 0)
        {
          g_autofree char *count = stk_format_count ((gint64) more);
          g_autofree char *text = NULL;

          /* Translators: the last line of a list of errors that was cut short. */
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "…and %s more",
                                               "…and %s more", (gulong) MIN (more, G_MAXULONG)),
                                  count);
          add_line (self, text, TRUE);
        }
      gtk_widget_set_visible (self->lines_scroller, TRUE);
    }

  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->close_button));
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->close_button));
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

