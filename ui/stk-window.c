/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-window.h"

#include <glib/gi18n.h>

#include "stk-op.h"

struct _StkWindow
{
  GtkApplicationWindow  parent_instance;

  char                 *path;
  char                 *error_message;
  StkWriter            *writer;
  StkStore             *store;
  GSettings            *settings;

  /* Cancelled in dispose: a stats task finishing later must not touch the window. */
  GCancellable         *cancellable;
  guint                 refreshing : 1;
  guint                 refresh_again : 1;

  /* Template widgets */
  GtkStack             *stack;
  GtkLabel             *path_label;
  GtkLabel             *empty_path_label;
  GtkLabel             *items_label;
  GtkLabel             *sales_label;
  GtkLabel             *movements_label;
  GtkLabel             *error_label;
  GtkWidget            *status_separator;
  GtkWidget            *status_box;
  GtkImage             *status_icon;
  GtkLabel             *status_label;
};

G_DEFINE_FINAL_TYPE (StkWindow, stk_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PATH,
  PROP_WRITER,
  PROP_STORE,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
stk_window_show_error (StkWindow  *self,
                       const char *message)
{
  g_assert (STK_IS_WINDOW (self));

  gtk_label_set_text (self->error_label, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
  gtk_widget_set_visible (self->status_separator, FALSE);
  gtk_widget_set_visible (self->status_box, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", FALSE);
}

static char *
format_count (gint64 count)
{
  /* The ' flag groups digits as the locale does (1,234,567 or 1 234 567). */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

static void
stk_window_show_stats (StkWindow      *self,
                       const StkStats *stats)
{
  g_autofree char *items = format_count (stats->items);
  g_autofree char *sales = format_count (stats->sales);
  g_autofree char *movements = format_count (stats->movements);

  g_assert (STK_IS_WINDOW (self));

  gtk_label_set_text (self->items_label, items);
  gtk_label_set_text (self->sales_label, sales);
  gtk_label_set_text (self->movements_label, movements);
  gtk_stack_set_visible_child_name (self->stack, stats->items == 0 ? "empty" : "summary");
}

static void
stk_window_get_stats_thread (GTask        *task,
                             gpointer      source_object,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  StkStore *store = task_data;
  g_autofree StkStats *stats = g_new0 (StkStats, 1);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!stk_store_get_stats (store, stats, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&stats), g_free);
}

static void
stk_window_get_stats_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GTask *task = G_TASK (result);
  g_autoptr(GError) error = NULL;
  g_autofree StkStats *stats = NULL;
  StkWindow *self;

  /* The window may be gone: it cancelled the task in dispose. Do not touch it then. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return;

  self = STK_WINDOW (user_data);
  self->refreshing = FALSE;

  stats = g_task_propagate_pointer (task, &error);
  if (stats == NULL)
    {
      g_debug ("Cannot read the inventory’s figures: %s", error->message);
      stk_window_show_error (self, error->message);
      return;
    }

  stk_window_show_stats (self, stats);

  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      stk_window_refresh (self);
    }
}

/**
 * stk_window_refresh:
 * Reads the inventory's figures again, on a worker thread. Refreshes asked for while
 * one runs are folded into one more.
 */
void
stk_window_refresh (StkWindow *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STK_IS_WINDOW (self));

  if (self->store == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }
  self->refreshing = TRUE;

  task = g_task_new (NULL, self->cancellable, stk_window_get_stats_cb, self);
  g_task_set_source_tag (task, stk_window_refresh);
  g_task_set_name (task, "[stocktake] inventory figures");
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, stk_window_get_stats_thread);
}

static void
stk_window_update_status (StkWindow *self)
{
  g_autofree char *text = NULL;
  const char *icon_name;
  StkWriterState state;
  guint pending;

  g_assert (STK_IS_WINDOW (self));

  if (self->writer == NULL)
    return;

  state = stk_writer_get_state (self->writer);
  pending = stk_writer_get_pending (self->writer);

  switch (state)
    {
    case STK_WRITER_STATE_LOCKED:
    case STK_WRITER_STATE_PROBING:
      /* Translators: the inventory is held by another program; changes are queued. */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Database locked — %u change waiting",
                                           "Database locked — %u changes waiting",
                                           pending),
                              pending);
      icon_name = "changes-prevent-symbolic";
      break;

    case STK_WRITER_STATE_READY:
    case STK_WRITER_STATE_RETRYING:
    case STK_WRITER_STATE_CLOSED:
    default:
      if (pending > 0)
        {
          text = g_strdup (_("Saving…"));
          icon_name = "emblem-synchronizing-symbolic";
        }
      else
        {
          text = g_strdup (_("All changes saved"));
          icon_name = "emblem-ok-symbolic";
        }
      break;
    }

  gtk_label_set_text (self->status_label, text);
  gtk_image_set_from_icon_name (self->status_icon, icon_name);
}

static void
stk_window_writer_notify_cb (StkWindow  *self,
                             GParamSpec *pspec,
                             StkWriter  *writer)
{
  stk_window_update_status (self);
}

static void
stk_window_writer_committed_cb (StkWindow *self,
                                guint      changes,
                                guint      n_ops,
                                StkWriter *writer)
{
  if (changes & (STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES | STK_CHANGE_EXTERNAL))
    stk_window_refresh (self);
}

static void
stk_window_refresh_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  stk_window_refresh (STK_WINDOW (widget));
}

static GSettings *
stk_window_load_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Running uninstalled without GSETTINGS_SCHEMA_DIR: do without, rather than abort. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("GSettings schema %s is not installed; the window size will not be kept", APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static void
stk_window_restore_size (StkWindow *self)
{
  int width;
  int height;

  if (self->settings == NULL)
    return;

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
stk_window_save_size (StkWindow *self)
{
  int width = 0;
  int height = 0;

  if (self->settings == NULL)
    return;

  /* The default size follows the user's resizing, and is the unmaximized size. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
stk_window_close_request (GtkWindow *window)
{
  StkWindow *self = STK_WINDOW (window);

  stk_window_save_size (self);

  return GTK_WINDOW_CLASS (stk_window_parent_class)->close_request (window);
}

static void
stk_window_constructed (GObject *object)
{
  StkWindow *self = STK_WINDOW (object);
  g_autofree char *display_path = NULL;

  G_OBJECT_CLASS (stk_window_parent_class)->constructed (object);

  self->settings = stk_window_load_settings ();
  stk_window_restore_size (self);

  display_path = self->path ? g_filename_display_name (self->path) : g_strdup ("");
  gtk_label_set_text (self->path_label, display_path);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->path_label), display_path);
  gtk_label_set_text (self->empty_path_label, display_path);

  if (self->error_message != NULL || self->writer == NULL || self->store == NULL)
    {
      stk_window_show_error (self, self->error_message ? self->error_message
                                                       : _("The inventory could not be opened."));
      return;
    }

  g_signal_connect_object (self->writer, "committed",
                           G_CALLBACK (stk_window_writer_committed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->writer, "notify::state",
                           G_CALLBACK (stk_window_writer_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->writer, "notify::pending",
                           G_CALLBACK (stk_window_writer_notify_cb), self,
                           G_CONNECT_SWAPPED);
  stk_window_update_status (self);
  stk_window_refresh (self);
}

static void
stk_window_dispose (GObject *object)
{
  StkWindow *self = STK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);

  if (self->writer != NULL)
    g_signal_handlers_disconnect_by_data (self->writer, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), STK_TYPE_WINDOW);

  g_clear_object (&self->writer);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (stk_window_parent_class)->dispose (object);
}

static void
stk_window_finalize (GObject *object)
{
  StkWindow *self = STK_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (stk_window_parent_class)->finalize (object);
}

static void
stk_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  StkWindow *self = STK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_WRITER:
      g_value_set_object (value, self->writer);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  StkWindow *self = STK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_WRITER:
      self->writer = g_value_dup_object (value);
      break;
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_ERROR_MESSAGE:
      self->error_message = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_window_class_init (StkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = stk_window_constructed;
  object_class->dispose = stk_window_dispose;
  object_class->finalize = stk_window_finalize;
  object_class->get_property = stk_window_get_property;
  object_class->set_property = stk_window_set_property;

  window_class->close_request = stk_window_close_request;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WRITER] =
    g_param_spec_object ("writer", NULL, NULL, STK_TYPE_WRITER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "ui/stk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StkWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, path_label);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, empty_path_label);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, items_label);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, sales_label);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, movements_label);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, status_separator);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, status_box);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, StkWindow, status_label);

  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, stk_window_refresh_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
stk_window_init (StkWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

StkWindow *
stk_window_new (GtkApplication *application,
                const char     *path,
                StkWriter      *writer,
                StkStore       *store,
                const char     *error_message)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (!writer || STK_IS_WRITER (writer), NULL);
  g_return_val_if_fail (!store || STK_IS_STORE (store), NULL);

  return g_object_new (STK_TYPE_WINDOW,
                       "application", application,
                       "path", path,
                       "writer", writer,
                       "store", store,
                       "error-message", error_message,
                       NULL);
}

const char *
stk_window_get_path (StkWindow *self)
{
  g_return_val_if_fail (STK_IS_WINDOW (self), NULL);
  return self->path;
}

const char *
stk_window_get_error_message (StkWindow *self)
{
  g_return_val_if_fail (STK_IS_WINDOW (self), NULL);
  return self->error_message;
}
