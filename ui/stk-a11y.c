/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-a11y.h"

#include <glib/gi18n.h>
#include <string.h>

void
stk_a11y_name_mnemonic_button (GtkButton *button)
{
  g_autofree char *name = NULL;
  GtkWidget *child;
  const char *text;

  g_return_if_fail (GTK_IS_BUTTON (button));

  if (!gtk_button_get_use_underline (button) || gtk_button_get_label (button) == NULL)
    return;
  child = gtk_button_get_child (button);
  if (!GTK_IS_LABEL (child))
    return;

  /* The text as displayed: without the mnemonic's underscore. */
  text = gtk_label_get_text (GTK_LABEL (child));
  if (text == NULL || text[0] == '\0')
    return;
  name = g_strdup (text);
  if (g_str_has_suffix (name, "…"))
    name[strlen (name) - strlen ("…")] = '\0';
  g_strstrip (name);

  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

void
stk_a11y_name_mnemonic_buttons (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root))
    stk_a11y_name_mnemonic_button (GTK_BUTTON (root));
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    stk_a11y_name_mnemonic_buttons (c);
}

static void
set_label (GtkWidget  *widget,
           const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

void
stk_a11y_name_drop_down (GtkDropDown *drop_down,
                         const char  *name)
{
  g_return_if_fail (GTK_IS_DROP_DOWN (drop_down));
  g_return_if_fail (name != NULL);

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (drop_down)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_BUTTON (c))
      set_label (c, name);
}

static void
name_shortcuts_parts (GtkWidget *widget)
{
  if (GTK_IS_SEARCH_ENTRY (widget))
    set_label (widget, _("Search Shortcuts"));
  else if (GTK_IS_MENU_BUTTON (widget))
    {
      /* Its inner button is labelled by it. */
      set_label (widget, _("Sections"));
      return;
    }
  else if (GTK_IS_TOGGLE_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
    set_label (widget, _("Search"));

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    name_shortcuts_parts (c);
}

void
stk_a11y_name_shortcuts_window (GtkWidget *shortcuts_window)
{
  g_return_if_fail (GTK_IS_WIDGET (shortcuts_window));

  name_shortcuts_parts (shortcuts_window);
}

void
stk_a11y_set_field_error (GtkLabel   *label,
                          GtkWidget  *field,
                          const char *message)
{
  g_return_if_fail (GTK_IS_LABEL (label));
  g_return_if_fail (GTK_IS_WIDGET (field));

  gtk_label_set_text (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
  if (message != NULL)
    {
      gtk_widget_add_css_class (field, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (field),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (field),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
    }
  else
    {
      gtk_widget_remove_css_class (field, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_INVALID);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}
