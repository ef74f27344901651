/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-preferences-window.h"

#include <glib/gi18n.h>
#include <langinfo.h>

#include "stk-backups.h"
#include "stk-day.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-tax.h"

struct _StkPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  /* The inventory whose rules the Shop Rules and Payment Methods groups edit (NULL:
   * none open, the groups are hidden); cancelled in dispose. */
  StkSession           *session;
  GCancellable         *cancellable;
  /* The rules as last read, or as last asked for: a change shows at once and the next
   * one builds on it (the writer applies them in order). loaded: the first read has
   * answered. pending: ops on their way; a read answered meanwhile may be older than
   * them and is not shown (the read after the last op is). updating: the rows are being
   * set by the window, not by the user. focus_index / focus_tooltip: the button of a
   * method row to give the focus back to after the rows are made again. */
  StkShopSettings       shop;
  gboolean              loaded;
  gboolean              updating;
  guint                 pending;
  gboolean              read_again;
  gboolean              reading;
  GPtrArray            *method_rows;
  int                   focus_index;
  const char           *focus_tooltip;
  /* Tax: the rates as last read (StkTaxRate*, NULL until the first read answers), read
   * like the rules above (pending ops hide an older read); default_ids: the rate id of
   * each entry of the Default Tax Rate combo (0: None); rate_rows: the rates' rows,
   * made again after each read (the open ones stay open). */
  GPtrArray            *rates;
  gboolean              reading_rates;
  gboolean              read_rates_again;
  GArray               *default_ids;
  GPtrArray            *rate_rows;

  /* Template widgets */
  AdwPreferencesGroup  *money_group;
  AdwEntryRow          *currency_row;
  AdwPreferencesGroup  *receipts_group;
  AdwEntryRow          *shop_name_row;
  GtkTextView          *address_view;
  GtkTextBuffer        *address_buffer;
  AdwPreferencesGroup  *backups_group;
  GtkSwitch            *auto_backup_switch;
  AdwActionRow         *backup_folder_row;
  GtkButton            *backup_folder_button;
  AdwActionRow         *backup_keep_row;
  GtkAdjustment        *backup_keep_adjustment;
  AdwPreferencesGroup  *shop_group;
  GtkSwitch            *negative_stock_switch;
  AdwComboRow          *receipt_series_row;
  GtkLabel             *shop_error;
  AdwPreferencesGroup  *payment_group;
  AdwEntryRow          *payment_add_row;
  GtkButton            *payment_add_button;
  GtkLabel             *payment_error;
  AdwPreferencesPage   *tax_page;
  AdwPreferencesGroup  *tax_group;
  GtkSwitch            *tax_included_switch;
  AdwComboRow          *tax_rounding_row;
  AdwComboRow          *default_tax_row;
  GtkStringList        *default_tax_model;
  GtkLabel             *tax_error;
  AdwPreferencesGroup  *tax_rates_group;
  AdwEntryRow          *tax_add_name_row;
  AdwEntryRow          *tax_add_rate_row;
  GtkButton            *tax_add_button;
  GtkLabel             *tax_rates_error;
  GtkFileChooserNative *folder_chooser;
};

enum {
  SIGNAL_SHOP_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (StkPreferencesWindow, stk_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The symbol of LC_MONETARY, as the group's description names it. */
static char *
locale_currency_symbol (void)
{
  const char *symbol = nl_langinfo (CURRENCY_SYMBOL);
  g_autofree char *utf8 = NULL;

  if (symbol == NULL || symbol[0] == '\0')
    return NULL;
  if (!g_utf8_validate (symbol, -1, NULL))
    symbol = utf8 = g_locale_to_utf8 (symbol, -1, NULL, NULL, NULL);
  return g_strdup (symbol);
}

/* The folder row shows where backups go: the chosen folder, or the default one. */
static void
update_backup_folder (StkPreferencesWindow *self)
{
  g_autofree char *setting = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *display = NULL;

  if (self->settings != NULL)
    setting = g_settings_get_string (self->settings, "backup-folder");
  folder = stk_backup_resolve_folder (setting);
  display = g_filename_display_name (folder);
  adw_action_row_set_subtitle (self->backup_folder_row, display);
}

static void
backup_folder_changed_cb (StkPreferencesWindow *self,
                          const char           *key,
                          GSettings            *settings)
{
  update_backup_folder (self);
}

static void
folder_chooser_response_cb (StkPreferencesWindow *self,
                            int                   response,
                            GtkNativeDialog      *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT && self->settings != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      /* A folder of the file chooser portal (in the Flatpak) has a path too. */
      if (path != NULL)
        g_settings_set_string (self->settings, "backup-folder", path);
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->folder_chooser);
}

static void
choose_folder_clicked_cb (StkPreferencesWindow *self,
                          GtkButton            *button)
{
  g_autofree char *setting = NULL;
  g_autofree char *folder = NULL;

  if (self->folder_chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->folder_chooser));
      return;
    }
  self->folder_chooser = gtk_file_chooser_native_new (_("Choose the Backup Folder"),
                                                      GTK_WINDOW (self),
                                                      GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                      _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->folder_chooser), TRUE);
  if (self->settings != NULL)
    setting = g_settings_get_string (self->settings, "backup-folder");
  folder = stk_backup_resolve_folder (setting);
  if (g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) current = g_file_new_for_path (folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->folder_chooser), current,
                                           NULL);
    }
  g_signal_connect_object (self->folder_chooser, "response",
                           G_CALLBACK (folder_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->folder_chooser));
}

/* ---------------------------------------------------------------------------------- */
/* Shop Rules and Payment Methods: kept in the inventory                              */

static void stk_preferences_window_read_shop (StkPreferencesWindow *self);

static void
show_error (GtkLabel   *label,
            const char *message)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static guint
n_methods (StkPreferencesWindow *self)
{
  return self->shop.payment_methods != NULL ? g_strv_length (self->shop.payment_methods) : 0;
}

static void
update_shop_descriptions (StkPreferencesWindow *self)
{
  gboolean read_only = self->session != NULL && stk_session_get_read_only (self->session);

  adw_preferences_group_set_description (self->shop_group,
    read_only ? _("Kept in this inventory: every computer using it follows them. Read-only "
                  "here: they can be changed only where the inventory is being edited.")
              : _("Kept in this inventory: every computer using it follows them."));
  adw_preferences_group_set_description (self->payment_group,
    read_only ? _("Offered at the till, in this order. Read-only here: they can be changed "
                  "only where the inventory is being edited.")
              : _("Offered at the till, in this order. Kept in this inventory too."));
  adw_preferences_group_set_description (self->tax_group,
    read_only ? _("Kept in this inventory. Read-only here: it can be changed only where the "
                  "inventory is being edited.")
              : _("Kept in this inventory. A change applies to the next sales, never to "
                  "past ones."));
  adw_preferences_group_set_description (self->tax_rates_group,
    read_only ? _("Read-only here: the rates can be changed only where the inventory is "
                  "being edited.")
              : _("A rate in use by items or as the default cannot be removed."));
}

static void
session_read_only_cb (StkPreferencesWindow *self,
                      GParamSpec           *pspec,
                      StkSession           *session)
{
  update_shop_descriptions (self);
}

static void
session_changed_cb (StkPreferencesWindow *self,
                    guint                 changes,
                    StkSession           *session)
{
  /* Another computer (or process) may have changed the rules. */
  if (changes & STK_CHANGE_EXTERNAL)
    stk_preferences_window_read_shop (self);
}

typedef enum
{
  METHOD_UP,
  METHOD_DOWN,
  METHOD_REMOVE,
} MethodAction;

static void submit_methods (StkPreferencesWindow *self,
                            GStrv                 methods);

static void
method_button_clicked_cb (GtkButton            *button,
                          StkPreferencesWindow *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "stk-method-index"));
  MethodAction action = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button),
                                                             "stk-method-action"));
  guint n = n_methods (self);
  g_autoptr(GPtrArray) methods = NULL;
  int focus_index = -1;

  if (!self->loaded || index >= n)
    return;
  methods = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (methods, g_strdup (self->shop.payment_methods[i]));

  switch (action)
    {
    case METHOD_UP:
      if (index == 0)
        return;
      focus_index = (int) index - 1;
      g_ptr_array_insert (methods, (int) index - 1, g_ptr_array_steal_index (methods, index));
      break;
    case METHOD_DOWN:
      if (index + 1 >= n)
        return;
      focus_index = (int) index + 1;
      g_ptr_array_insert (methods, (int) index + 1, g_ptr_array_steal_index (methods, index));
      break;
    case METHOD_REMOVE:
      if (n <= 1)
        return;
      focus_index = MIN ((int) index, (int) n - 2);
      g_ptr_array_remove_index (methods, index);
      break;
    default:
      g_assert_not_reached ();
    }
  g_ptr_array_add (methods, NULL);
  /* The keyboard stays on the method it moves (or the one after the removed one). */
  if (gtk_widget_has_focus (GTK_WIDGET (button)))
    {
      self->focus_index = focus_index;
      self->focus_tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (button));
    }
  submit_methods (self, (GStrv) g_ptr_array_free (g_steal_pointer (&methods), FALSE));
}

static GtkWidget *
method_button (StkPreferencesWindow *self,
               const char           *icon_name,
               const char           *tooltip,
               const char           *accessible_label,
               guint                 index,
               MethodAction          action,
               gboolean              sensitive)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_sensitive (button, sensitive);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  g_object_set_data (G_OBJECT (button), "stk-method-index", GUINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (button), "stk-method-action", GUINT_TO_POINTER (action));
  g_signal_connect (button, "clicked", G_CALLBACK (method_button_clicked_cb), self);
  return button;
}

static void
update_method_rows (StkPreferencesWindow *self)
{
  GtkWidget *list = gtk_widget_get_parent (GTK_WIDGET (self->payment_add_row));
  guint n = n_methods (self);

  for (guint i = 0; i < self->method_rows->len; i++)
    adw_preferences_group_remove (self->payment_group, g_ptr_array_index (self->method_rows, i));
  g_ptr_array_set_size (self->method_rows, 0);

  for (guint i = 0; i < n; i++)
    {
      const char *label = stk_payment_method_label (self->shop.payment_methods[i]);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *up = NULL;
      g_autofree char *down = NULL;
      g_autofree char *remove = NULL;

      /* Translators: the accessible names of a payment method's buttons in Preferences */
      up = g_strdup_printf (_("Move “%s” Up"), label);
      down = g_strdup_printf (_("Move “%s” Down"), label);
      remove = g_strdup_printf (_("Remove “%s”"), label);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 method_button (self, "go-up-symbolic", _("Move Up"), up, i,
                                                METHOD_UP, i > 0));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 method_button (self, "go-down-symbolic", _("Move Down"), down,
                                                i, METHOD_DOWN, i + 1 < n));
      /* The till needs one: the last cannot go. */
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 method_button (self, "user-trash-symbolic", _("Remove"), remove,
                                                i, METHOD_REMOVE, n > 1));
      /* Above the row that adds one (the group's list has no insert of its own). */
      gtk_list_box_insert (GTK_LIST_BOX (list), row, (int) i);
      g_ptr_array_add (self->method_rows, row);
    }

  if (self->focus_index >= 0 && (guint) self->focus_index < self->method_rows->len)
    {
      GtkWidget *row = g_ptr_array_index (self->method_rows, self->focus_index);
      GtkWidget *target = row;

      for (GtkWidget *c = gtk_widget_get_first_child (row); c != NULL; )
        {
          if (GTK_IS_BUTTON (c) &&
              g_strcmp0 (gtk_widget_get_tooltip_text (c), self->focus_tooltip) == 0)
            {
              if (gtk_widget_get_sensitive (c))
                target = c;
              break;
            }
          /* Depth first through the row's boxes. */
          if (gtk_widget_get_first_child (c) != NULL && !GTK_IS_BUTTON (c))
            c = gtk_widget_get_first_child (c);
          else
            {
              while (c != row && gtk_widget_get_next_sibling (c) == NULL)
                c = gtk_widget_get_parent (c);
              c = c != row ? gtk_widget_get_next_sibling (c) : NULL;
            }
        }
      gtk_widget_grab_focus (target);
    }
  self->focus_index = -1;
}

/* Shows @methods as the list at once (the read after the op confirms it). */
static void
show_methods (StkPreferencesWindow *self,
              const char *const    *methods)
{
  g_strfreev (self->shop.payment_methods);
  self->shop.payment_methods = g_strdupv ((char **) methods);
  self->updating = TRUE;
  update_method_rows (self);
  self->updating = FALSE;
}

/* ---- Tax ---- */

static void submit_shop_op (StkPreferencesWindow *self,
                            StkOp                *op,
                            GtkLabel             *error_label);

/* "VAT — 22 %": a rate as the combos show it. */
static char *
rate_label (const StkTaxRate *rate)
{
  g_autofree char *bp = stk_tax_rate_format (rate->rate_bp);

  /* Translators: a tax rate in a list: its name, then its rate ("VAT — 22 %") */
  return g_strdup_printf (_("%s — %s"), rate->name, bp);
}

static void
update_rounding_subtitle (StkPreferencesWindow *self)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->tax_rounding_row),
    adw_combo_row_get_selected (self->tax_rounding_row) == STK_TAX_ROUND_RECEIPT
      ? _("Each rate’s tax is rounded once, on the whole receipt")
      : _("Each line’s tax is rounded to the cent"));
}

/* The Default Tax Rate combo: None, then the rates; the shop's default chosen. Only once
 * both the rules and the rates are read. */
static void
update_default_combo (StkPreferencesWindow *self)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  guint selected = 0;
  guint n_old;

  if (!self->loaded || self->rates == NULL)
    return;
  g_array_set_size (self->default_ids, 0);
  g_array_append_val (self->default_ids, (gint64) { 0 });
  g_ptr_array_add (labels, g_strdup (_("None")));
  for (guint i = 0; i < self->rates->len; i++)
    {
      const StkTaxRate *rate = g_ptr_array_index (self->rates, i);

      if (rate->id == self->shop.default_tax_rate)
        selected = i + 1;
      g_array_append_val (self->default_ids, rate->id);
      g_ptr_array_add (labels, rate_label (rate));
    }
  g_ptr_array_add (labels, NULL);
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->default_tax_model));
  self->updating = TRUE;
  gtk_string_list_splice (self->default_tax_model, 0, n_old,
                          (const char *const *) labels->pdata);
  adw_combo_row_set_selected (self->default_tax_row, selected);
  self->updating = FALSE;
}

/* "22 % · the default · used by 3 items": a rate row's subtitle. */
static char *
rate_subtitle (StkPreferencesWindow *self,
               const StkTaxRate     *rate)
{
  g_autofree char *bp = stk_tax_rate_format (rate->rate_bp);
  g_autofree char *used = NULL;

  if (rate->items == 0)
    used = g_strdup (_("no item has it as its own"));
  else
    /* Translators: how many items have a tax rate as their own */
    used = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "used by %d item",
                                         "used by %d items", (gulong) rate->items),
                            (int) rate->items);
  if (rate->id == self->shop.default_tax_rate)
    /* Translators: a tax rate row's subtitle: its rate, then how many items use it */
    return g_strdup_printf (_("%s · the shop’s default · %s"), bp, used);
  /* Translators: a tax rate row's subtitle: its rate, then how many items use it */
  return g_strdup_printf (_("%s · %s"), bp, used);
}

/* Checks a name and a rate as typed. With @partial, an empty field is not (yet) wrong.
 * Returns the field that is wrong (NULL: none) with @error set; @complete says whether
 * both are there and right. */
static GtkWidget *
check_rate_fields (AdwEntryRow  *name_row,
                   AdwEntryRow  *rate_row,
                   gboolean      partial,
                   char        **out_name,
                   gint64       *out_bp,
                   gboolean     *complete,
                   GError      **error)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (name_row))));
  g_autofree char *rate = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (rate_row))));
  gint64 bp = 0;

  *complete = FALSE;
  if ((name[0] != '\0' || !partial) && !stk_tax_name_check (name, error))
    return GTK_WIDGET (name_row);
  if ((rate[0] != '\0' || !partial) && !stk_tax_rate_parse (rate, &bp, error))
    return GTK_WIDGET (rate_row);
  *complete = name[0] != '\0' && rate[0] != '\0';
  if (out_name != NULL)
    *out_name = g_steal_pointer (&name);
  if (out_bp != NULL)
    *out_bp = bp;
  return NULL;
}

static void
tax_add_changed_cb (StkPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  gboolean complete;
  GtkWidget *wrong = check_rate_fields (self->tax_add_name_row, self->tax_add_rate_row, TRUE,
                                        NULL, NULL, &complete, &error);

  /* Said as it is typed; Add only for a rate the inventory takes. */
  gtk_widget_remove_css_class (GTK_WIDGET (self->tax_add_name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->tax_add_rate_row), "error");
  if (wrong != NULL)
    gtk_widget_add_css_class (wrong, "error");
  show_error (self->tax_rates_error, error != NULL ? error->message : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->tax_add_button), complete);
}

static void
tax_add_cb (StkPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gint64 bp = 0;
  gboolean complete;
  GtkWidget *wrong;

  if (self->rates == NULL)
    return;
  wrong = check_rate_fields (self->tax_add_name_row, self->tax_add_rate_row, FALSE, &name, &bp,
                             &complete, &error);
  if (wrong != NULL)
    {
      /* Nothing is sent; the sentence says why. */
      show_error (self->tax_rates_error, error->message);
      gtk_widget_add_css_class (wrong, "error");
      gtk_widget_grab_focus (wrong);
      return;
    }
  submit_shop_op (self, stk_op_save_tax_rate (0, name, bp), self->tax_rates_error);
  /* Ready for the next one (the rate shows once the inventory has it). */
  gtk_editable_set_text (GTK_EDITABLE (self->tax_add_name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->tax_add_rate_row), "");
  show_error (self->tax_rates_error, NULL);
}

/* The sentence under the fields of a rate's row (NULL: none), in a row of its own. */
static void
show_row_error (GtkLabel   *label,
                const char *message)
{
  show_error (label, message);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (label)), message != NULL);
}

/* A field of a rate's row was edited: said at once under the row. */
static void
rate_edit_changed_cb (AdwEntryRow          *entry,
                      StkPreferencesWindow *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (entry), "stk-rate-row");
  AdwEntryRow *name_row = g_object_get_data (G_OBJECT (row), "stk-name-entry");
  AdwEntryRow *rate_row = g_object_get_data (G_OBJECT (row), "stk-rate-entry");
  GtkLabel *label = g_object_get_data (G_OBJECT (row), "stk-error-label");
  g_autoptr(GError) error = NULL;
  gboolean complete;
  GtkWidget *wrong;

  if (self->updating)
    return;
  wrong = check_rate_fields (name_row, rate_row, FALSE, NULL, NULL, &complete, &error);
  gtk_widget_remove_css_class (GTK_WIDGET (name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (rate_row), "error");
  if (wrong != NULL)
    gtk_widget_add_css_class (wrong, "error");
  show_row_error (label, error != NULL ? error->message : NULL);
}

/* Apply on either field of a rate's row saves both. */
static void
rate_apply_cb (AdwEntryRow          *entry,
               StkPreferencesWindow *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (entry), "stk-rate-row");
  AdwEntryRow *name_row = g_object_get_data (G_OBJECT (row), "stk-name-entry");
  AdwEntryRow *rate_row = g_object_get_data (G_OBJECT (row), "stk-rate-entry");
  GtkLabel *label = g_object_get_data (G_OBJECT (row), "stk-error-label");
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (row), "stk-rate-id");
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gint64 bp = 0;
  gboolean complete;
  GtkWidget *wrong;

  wrong = check_rate_fields (name_row, rate_row, FALSE, &name, &bp, &complete, &error);
  if (wrong != NULL)
    {
      show_row_error (label, error->message);
      gtk_widget_add_css_class (wrong, "error");
      return;
    }
  show_row_error (label, NULL);
  submit_shop_op (self, stk_op_save_tax_rate (id, name, bp), self->tax_rates_error);
}

static void
rate_remove_clicked_cb (GtkButton            *button,
                        StkPreferencesWindow *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "stk-rate-row");
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (row), "stk-rate-id");

  /* The inventory refuses a rate in use; its sentence shows under the rates. */
  show_error (self->tax_rates_error, NULL);
  submit_shop_op (self, stk_op_remove_tax_rate (id), self->tax_rates_error);
}

static AdwEntryRow *
rate_entry (StkPreferencesWindow *self,
            GtkWidget            *row,
            const char           *title,
            const char           *text)
{
  AdwEntryRow *entry = ADW_ENTRY_ROW (adw_entry_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), title);
  adw_entry_row_set_show_apply_button (entry, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_object_set_data (G_OBJECT (entry), "stk-rate-row", row);
  g_signal_connect (entry, "changed", G_CALLBACK (rate_edit_changed_cb), self);
  g_signal_connect (entry, "apply", G_CALLBACK (rate_apply_cb), self);
  return entry;
}

/* A rate's row: its name, rate and use; opened, its name and rate to edit (Apply saves)
 * and, in its header, Remove. */
static GtkWidget *
rate_row_new (StkPreferencesWindow *self,
              const StkTaxRate     *rate)
{
  GtkWidget *row = adw_expander_row_new ();
  g_autofree char *subtitle = rate_subtitle (self, rate);
  g_autofree char *bp = stk_tax_rate_format (rate->rate_bp);
  g_autofree char *remove = NULL;
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *error_row = gtk_list_box_row_new ();
  AdwEntryRow *name_entry;
  AdwEntryRow *rate_entry_row;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), rate->name);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  g_object_set_data_full (G_OBJECT (row), "stk-rate-id", g_memdup2 (&rate->id, sizeof rate->id),
                          g_free);

  /* Translators: the accessible name of a tax rate's Remove button in Preferences */
  remove = g_strdup_printf (_("Remove “%s”"), rate->name);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove, -1);
  g_object_set_data (G_OBJECT (button), "stk-rate-row", row);
  g_signal_connect (button, "clicked", G_CALLBACK (rate_remove_clicked_cb), self);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);

  name_entry = rate_entry (self, row, _("Name"), rate->name);
  rate_entry_row = rate_entry (self, row, _("Rate"), bp);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), GTK_WIDGET (name_entry));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), GTK_WIDGET (rate_entry_row));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_add_css_class (label, "error");
  /* The label's row shows with its sentence only; it is not a place to stop. */
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (error_row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (error_row), FALSE);
  gtk_widget_set_focusable (error_row, FALSE);
  gtk_widget_set_visible (error_row, FALSE);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), error_row);

  g_object_set_data (G_OBJECT (row), "stk-name-entry", name_entry);
  g_object_set_data (G_OBJECT (row), "stk-rate-entry", rate_entry_row);
  g_object_set_data (G_OBJECT (row), "stk-error-label", label);
  return row;
}

static void
update_rate_rows (StkPreferencesWindow *self)
{
  GtkWidget *list = gtk_widget_get_parent (GTK_WIDGET (self->tax_add_name_row));
  g_autoptr(GArray) expanded = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (self->rates == NULL)
    return;
  self->updating = TRUE;
  for (guint i = 0; i < self->rate_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rate_rows, i);

      /* The rows open now stay open. */
      if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)))
        g_array_append_val (expanded, *(gint64 *) g_object_get_data (G_OBJECT (row),
                                                                     "stk-rate-id"));
      adw_preferences_group_remove (self->tax_rates_group, row);
    }
  g_ptr_array_set_size (self->rate_rows, 0);
  for (guint i = 0; i < self->rates->len; i++)
    {
      const StkTaxRate *rate = g_ptr_array_index (self->rates, i);
      GtkWidget *row = rate_row_new (self, rate);

      for (guint j = 0; j < expanded->len; j++)
        if (g_array_index (expanded, gint64, j) == rate->id)
          adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);

      /* Above the rows that add one. */
      gtk_list_box_insert (GTK_LIST_BOX (list), row, (int) i);
      g_ptr_array_add (self->rate_rows, row);
    }
  self->updating = FALSE;
}

static void read_rates (StkPreferencesWindow *self);

static void
rates_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(StkPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rates = stk_store_list_tax_rates_finish (STK_STORE (object), result,
                                                                &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  self->reading_rates = FALSE;
  if (rates == NULL)
    show_error (self->tax_rates_error, error->message);
  else if (self->pending == 0)
    {
      /* (Older than an op on its way: the read after it tells.) */
      g_clear_pointer (&self->rates, g_ptr_array_unref);
      self->rates = g_steal_pointer (&rates);
      update_rate_rows (self);
      update_default_combo (self);
    }
  if (self->read_rates_again)
    {
      self->read_rates_again = FALSE;
      read_rates (self);
    }
}

static void
read_rates (StkPreferencesWindow *self)
{
  if (self->session == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (self->reading_rates)
    {
      self->read_rates_again = TRUE;
      return;
    }
  self->reading_rates = TRUE;
  stk_store_list_tax_rates_async (stk_session_get_store (self->session), self->cancellable,
                                  rates_read_cb, g_object_ref (self));
}

static void
tax_included_changed_cb (StkPreferencesWindow *self,
                         GParamSpec           *pspec,
                         GtkSwitch            *button)
{
  gboolean included = gtk_switch_get_active (button);

  if (self->updating || !self->loaded || included == self->shop.prices_include_tax)
    return;
  self->shop.prices_include_tax = included;
  submit_shop_op (self, stk_op_set_prices_include_tax (included), self->tax_error);
}

static void
tax_rounding_changed_cb (StkPreferencesWindow *self,
                         GParamSpec           *pspec,
                         AdwComboRow          *row)
{
  StkTaxRounding rounding = adw_combo_row_get_selected (row) == STK_TAX_ROUND_RECEIPT
                              ? STK_TAX_ROUND_RECEIPT : STK_TAX_ROUND_LINE;

  update_rounding_subtitle (self);
  if (self->updating || !self->loaded || rounding == self->shop.tax_rounding)
    return;
  self->shop.tax_rounding = rounding;
  submit_shop_op (self, stk_op_set_tax_rounding (rounding), self->tax_error);
}

static void
default_tax_changed_cb (StkPreferencesWindow *self,
                        GParamSpec           *pspec,
                        AdwComboRow          *row)
{
  guint selected = adw_combo_row_get_selected (row);
  gint64 id;

  if (self->updating || !self->loaded || self->rates == NULL ||
      selected >= self->default_ids->len)
    return;
  id = g_array_index (self->default_ids, gint64, selected);
  if (id == self->shop.default_tax_rate)
    return;
  self->shop.default_tax_rate = id;
  submit_shop_op (self, stk_op_set_default_tax_rate (id), self->tax_error);
}

static void
shop_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StkPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  StkShopSettings shop = { 0, };

  if (!stk_store_get_shop_settings_finish (STK_STORE (object), result, &shop, &error) &&
      g_cancellable_is_cancelled (self->cancellable))
    return;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      stk_shop_settings_clear (&shop);
      return;
    }

  self->reading = FALSE;
  if (error != NULL)
    show_error (self->shop_error, error->message);
  else if (self->pending > 0)
    /* Older than an op on its way: the read after it tells. */
    stk_shop_settings_clear (&shop);
  else
    {
      stk_shop_settings_clear (&self->shop);
      self->shop = shop;
      self->loaded = TRUE;
      self->updating = TRUE;
      gtk_switch_set_active (self->negative_stock_switch, shop.allow_negative_stock);
      adw_combo_row_set_selected (self->receipt_series_row,
                                  shop.receipt_series == STK_RECEIPT_SERIES_YEARLY ? 1 : 0);
      gtk_switch_set_active (self->tax_included_switch, shop.prices_include_tax);
      adw_combo_row_set_selected (self->tax_rounding_row,
                                  shop.tax_rounding == STK_TAX_ROUND_RECEIPT
                                    ? STK_TAX_ROUND_RECEIPT : STK_TAX_ROUND_LINE);
      update_method_rows (self);
      self->updating = FALSE;
      update_default_combo (self);
      /* The rows say which rate is the default. */
      update_rate_rows (self);
    }
  if (self->read_again)
    {
      self->read_again = FALSE;
      stk_preferences_window_read_shop (self);
    }
}

static void
stk_preferences_window_read_shop (StkPreferencesWindow *self)
{
  if (self->session == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (self->reading)
    {
      self->read_again = TRUE;
      return;
    }
  /* The tax rates with the rules. */
  read_rates (self);
  self->reading = TRUE;
  stk_store_get_shop_settings_async (stk_session_get_store (self->session), self->cancellable,
                                     shop_read_cb, g_object_ref (self));
}

typedef struct
{
  StkPreferencesWindow *self;
  GtkLabel             *error_label;
} ShopOp;

static void
shop_op_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ShopOp *data = user_data;
  g_autoptr(StkPreferencesWindow) self = data->self;
  g_autoptr(GError) error = NULL;
  gboolean ok = stk_writer_submit_finish (STK_WRITER (object), result, &error);
  GtkLabel *error_label = data->error_label;

  g_free (data);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  self->pending--;
  if (!ok)
    /* The rows go back to what the inventory says (read below); the sentence stays. */
    show_error (error_label, error->message);
  else
    {
      /* (A sentence about what is typed in the Add row stays until it is edited.) */
      if (error_label == self->shop_error || error_label == self->tax_error)
        show_error (error_label, NULL);
      g_signal_emit (self, signals[SIGNAL_SHOP_CHANGED], 0);
    }
  stk_preferences_window_read_shop (self);
}

/* Hands @op (consumed) to the session's writer; after its answer the rows are read again
 * from the inventory. */
static void
submit_shop_op (StkPreferencesWindow *self,
                StkOp                *op,
                GtkLabel             *error_label)
{
  g_autoptr(StkOp) owned = op;
  StkWriter *writer = self->session != NULL ? stk_session_get_writer (self->session) : NULL;
  ShopOp *data;

  if (writer == NULL)
    {
      /* Read-only: the groups are off; a change that slipped through is undone. */
      stk_preferences_window_read_shop (self);
      return;
    }
  data = g_new0 (ShopOp, 1);
  data->self = g_object_ref (self);
  data->error_label = error_label;
  self->pending++;
  stk_writer_submit (writer, owned, self->cancellable, shop_op_cb, data);
}

static void
submit_methods (StkPreferencesWindow *self,
                GStrv                 methods)
{
  g_auto(GStrv) owned = methods;
  g_autoptr(GError) error = NULL;

  if (!stk_payment_methods_check ((const char *const *) owned, &error))
    {
      show_error (self->payment_error, error->message);
      return;
    }
  submit_shop_op (self, stk_op_set_payment_methods ((const char *const *) owned),
                  self->payment_error);
  show_methods (self, (const char *const *) owned);
}

static void
negative_stock_changed_cb (StkPreferencesWindow *self,
                           GParamSpec           *pspec,
                           GtkSwitch            *button)
{
  gboolean allow = gtk_switch_get_active (button);

  if (self->updating || !self->loaded || allow == self->shop.allow_negative_stock)
    return;
  self->shop.allow_negative_stock = allow;
  submit_shop_op (self, stk_op_set_allow_negative_stock (allow), self->shop_error);
}

static void
receipt_series_changed_cb (StkPreferencesWindow *self,
                           GParamSpec           *pspec,
                           AdwComboRow          *row)
{
  StkReceiptSeries series = adw_combo_row_get_selected (row) == 1 ? STK_RECEIPT_SERIES_YEARLY
                                                                  : STK_RECEIPT_SERIES_CONTINUOUS;

  if (self->updating || !self->loaded || series == self->shop.receipt_series)
    return;
  self->shop.receipt_series = series;
  submit_shop_op (self, stk_op_set_receipt_series (series), self->shop_error);
}

static void
payment_add_changed_cb (StkPreferencesWindow *self)
{
  /* The sentence was about what was typed before. */
  show_error (self->payment_error, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->payment_add_row), "error");
}

static void
payment_add_cb (StkPreferencesWindow *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) methods = NULL;
  g_autoptr(GError) error = NULL;

  if (!self->loaded)
    return;
  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->payment_add_row))));
  builder = g_strv_builder_new ();
  if (self->shop.payment_methods != NULL)
    g_strv_builder_addv (builder, (const char **) self->shop.payment_methods);
  g_strv_builder_add (builder, text);
  methods = g_strv_builder_end (builder);

  /* Nothing is sent unless the list is one the inventory takes; the sentence says why. */
  if (!stk_payment_methods_check ((const char *const *) methods, &error))
    {
      show_error (self->payment_error, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->payment_add_row), "error");
      return;
    }
  submit_shop_op (self, stk_op_set_payment_methods ((const char *const *) methods),
                  self->payment_error);
  show_methods (self, (const char *const *) methods);
  /* Ready for the next one. */
  gtk_editable_set_text (GTK_EDITABLE (self->payment_add_row), "");
}

/* The folder chooser, made by the Choose… button (NULL when none is open). */
GtkFileChooser *
stk_preferences_window_get_folder_chooser (StkPreferencesWindow *self)
{
  g_return_val_if_fail (STK_IS_PREFERENCES_WINDOW (self), NULL);

  return self->folder_chooser ? GTK_FILE_CHOOSER (self->folder_chooser) : NULL;
}

static void
stk_preferences_window_dispose (GObject *object)
{
  StkPreferencesWindow *self = STK_PREFERENCES_WINDOW (object);

  if (self->folder_chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->folder_chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->folder_chooser));
      g_clear_object (&self->folder_chooser);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (stk_preferences_window_parent_class)->dispose (object);
}

static void
stk_preferences_window_finalize (GObject *object)
{
  StkPreferencesWindow *self = STK_PREFERENCES_WINDOW (object);

  stk_shop_settings_clear (&self->shop);
  g_clear_pointer (&self->method_rows, g_ptr_array_unref);
  g_clear_pointer (&self->rates, g_ptr_array_unref);
  g_clear_pointer (&self->default_ids, g_array_unref);
  g_clear_pointer (&self->rate_rows, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (stk_preferences_window_parent_class)->finalize (object);
}

static void
stk_preferences_window_class_init (StkPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stk_preferences_window_dispose;
  object_class->finalize = stk_preferences_window_finalize;

  /* A rule of the inventory was changed here (the window's views read them again). */
  signals[SIGNAL_SHOP_CHANGED] =
    g_signal_new ("shop-settings-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ui/stk-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, money_group);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, currency_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, receipts_group);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, shop_name_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, address_view);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, address_buffer);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, backups_group);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, auto_backup_switch);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, backup_folder_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, backup_folder_button);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, backup_keep_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow,
                                        backup_keep_adjustment);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, shop_group);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow,
                                        negative_stock_switch);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, receipt_series_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, shop_error);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, payment_group);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, payment_add_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, payment_add_button);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, payment_error);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, tax_page);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, tax_group);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, tax_included_switch);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, tax_rounding_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, default_tax_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, default_tax_model);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, tax_error);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, tax_rates_group);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, tax_add_name_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, tax_add_rate_row);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, tax_add_button);
  gtk_widget_class_bind_template_child (widget_class, StkPreferencesWindow, tax_rates_error);
  gtk_widget_class_bind_template_callback (widget_class, choose_folder_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, tax_included_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, tax_rounding_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, default_tax_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, tax_add_cb);
  gtk_widget_class_bind_template_callback (widget_class, tax_add_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, negative_stock_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, receipt_series_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, payment_add_cb);
  gtk_widget_class_bind_template_callback (widget_class, payment_add_changed_cb);
}

static void
stk_preferences_window_init (StkPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->method_rows = g_ptr_array_new ();
  self->focus_index = -1;
  self->default_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->rate_rows = g_ptr_array_new ();
  update_rounding_subtitle (self);
}

StkPreferencesWindow *
stk_preferences_window_new (GtkWindow *parent,
                            GSettings *settings)
{
  return stk_preferences_window_new_for_session (parent, settings, NULL);
}

StkPreferencesWindow *
stk_preferences_window_new_for_session (GtkWindow  *parent,
                                        GSettings  *settings,
                                        StkSession *session)
{
  StkPreferencesWindow *self;
  g_autofree char *symbol = locale_currency_symbol ();
  g_autofree char *description = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (session == NULL || STK_IS_SESSION (session), NULL);

  self = g_object_new (STK_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);

  if (settings == NULL)
    {
      description = g_strdup (_("Preferences cannot be kept: Stocktake’s settings schema is "
                                "not installed."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->currency_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->receipts_group), FALSE);
      adw_preferences_group_set_description (self->receipts_group, description);
      gtk_widget_set_sensitive (GTK_WIDGET (self->backups_group), FALSE);
      adw_preferences_group_set_description (self->backups_group, description);
    }
  else
    {
      self->settings = g_object_ref (settings);
      g_settings_bind (settings, "currency-symbol", self->currency_row, "text",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "shop-name", self->shop_name_row, "text",
                       G_SETTINGS_BIND_DEFAULT);
      /* The address as typed, newlines and all. */
      g_settings_bind (settings, "shop-address", self->address_buffer, "text",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "auto-backup", self->auto_backup_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "backup-keep", self->backup_keep_adjustment, "value",
                       G_SETTINGS_BIND_DEFAULT);
      /* Where and how many only matter while backups are on. */
      g_settings_bind (settings, "auto-backup", self->backup_folder_row, "sensitive",
                       G_SETTINGS_BIND_GET);
      g_settings_bind (settings, "auto-backup", self->backup_keep_row, "sensitive",
                       G_SETTINGS_BIND_GET);
      g_signal_connect_object (settings, "changed::backup-folder",
                               G_CALLBACK (backup_folder_changed_cb), self, G_CONNECT_SWAPPED);
      if (symbol != NULL)
        /* Translators: %s is the currency symbol of the language and region settings */
        description = g_strdup_printf (_("Shown with every amount. Leave it empty to use the "
                                         "one of your language and region settings (“%s”)."),
                                       symbol);
      else
        description = g_strdup (_("Shown with every amount. Your language and region "
                                  "settings have none, so amounts show without one unless "
                                  "you type it here."));
    }
  adw_preferences_group_set_description (self->money_group, description);
  update_backup_folder (self);

  /* The shop's rules: only with an inventory open; off while it is read-only. */
  gtk_widget_set_visible (GTK_WIDGET (self->shop_group), session != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->payment_group), session != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->tax_page), session != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->tax_group), session != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->tax_rates_group), session != NULL);
  if (session != NULL)
    {
      self->session = g_object_ref (session);
      g_object_bind_property (session, "read-only", self->shop_group, "sensitive",
                              G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
      g_object_bind_property (session, "read-only", self->payment_group, "sensitive",
                              G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
      g_object_bind_property (session, "read-only", self->tax_group, "sensitive",
                              G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
      g_object_bind_property (session, "read-only", self->tax_rates_group, "sensitive",
                              G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
      g_signal_connect_object (session, "notify::read-only",
                               G_CALLBACK (session_read_only_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self,
                               G_CONNECT_SWAPPED);
      update_shop_descriptions (self);
      stk_preferences_window_read_shop (self);
    }
  return self;
}
