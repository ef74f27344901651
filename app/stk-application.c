/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-application.h"

#include <signal.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "stk-store.h"
#include "stk-window.h"
#include "stk-writer.h"

/* How long closing waits for queued changes while another program holds the inventory. */
#define CLOSE_TIMEOUT_MS 5000

struct _StkApplication
{
  GtkApplication  parent_instance;

  char           *database_path;
  StkWriter      *writer;
  StkStore       *store;
  char           *open_error;
  guint           sigint_source;
  guint           sigterm_source;
};

G_DEFINE_FINAL_TYPE (StkApplication, stk_application, GTK_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
stk_application_quit_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  StkApplication *self = STK_APPLICATION (user_data);
  GList *windows;

  /* Close the windows the normal way, so each one saves its size. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);

  g_application_quit (G_APPLICATION (self));
}

static void
stk_application_about_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  StkApplication *self = STK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *display_path = g_filename_display_name (self->database_path);
  g_autofree char *system_information = NULL;

  system_information = g_strdup_printf (_("Inventory: %s"), display_path);

  gtk_show_about_dialog (parent,
                         "program-name", _("Stocktake"),
                         "logo-icon-name", "package-x-generic-symbolic",
                         "version", PACKAGE_VERSION,
                         "comments", _("Keep count of your stock, sales and stock movements"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "system-information", system_information,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = stk_application_quit_action },
  { .name = "about", .activate = stk_application_about_action },
};

/* Ctrl+C in the terminal or a polite kill: close like app.quit, so queued changes
 * are saved and the write-ahead log is folded back. */
static gboolean
stk_application_signal_cb (gpointer user_data)
{
  StkApplication *self = STK_APPLICATION (user_data);

  g_action_group_activate_action (G_ACTION_GROUP (self), "quit", NULL);
  return G_SOURCE_CONTINUE;
}

static void
stk_application_load_css (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  GdkDisplay *display = gdk_display_get_default ();

  if (display == NULL)
    return;

  gtk_css_provider_load_from_resource (provider, RESOURCE_PREFIX "style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
stk_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  StkApplication *self = STK_APPLICATION (application);

  G_APPLICATION_CLASS (stk_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  gtk_window_set_default_icon_name ("package-x-generic");
  stk_application_load_css ();

  self->sigint_source = g_unix_signal_add (SIGINT, stk_application_signal_cb, self);
  self->sigterm_source = g_unix_signal_add (SIGTERM, stk_application_signal_cb, self);
}

/* Opens the writer (which creates or upgrades the inventory) and then the readers.
 * On failure the window shows the error instead. */
static void
stk_application_open_inventory (StkApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;

  if (self->writer != NULL || self->open_error != NULL)
    return;

  if (!(writer = stk_writer_new (self->database_path, &error)) ||
      !(store = stk_store_new (self->database_path, &error)))
    {
      g_message ("Cannot open the inventory: %s", error->message);
      if (writer != NULL)
        stk_writer_close (writer, CLOSE_TIMEOUT_MS, NULL);
      self->open_error = g_strdup (error->message);
      return;
    }

  self->writer = g_steal_pointer (&writer);
  self->store = g_steal_pointer (&store);
}

static void
stk_application_activate (GApplication *application)
{
  StkApplication *self = STK_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    {
      stk_application_open_inventory (self);
      window = GTK_WINDOW (stk_window_new (GTK_APPLICATION (self),
                                           self->database_path,
                                           self->writer,
                                           self->store,
                                           self->open_error));
    }

  gtk_window_present (window);
}

static void
stk_application_shutdown (GApplication *application)
{
  StkApplication *self = STK_APPLICATION (application);

  g_clear_handle_id (&self->sigint_source, g_source_remove);
  g_clear_handle_id (&self->sigterm_source, g_source_remove);

  /* Readers first: the writer's connection, closing last, folds the write-ahead log
   * back into the inventory and removes it. */
  g_clear_object (&self->store);

  if (self->writer != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* Waits for queued changes; tells when some could not be saved. */
      if (!stk_writer_close (self->writer, CLOSE_TIMEOUT_MS, &error))
        g_warning ("%s", error->message);
    }
  g_clear_object (&self->writer);

  G_APPLICATION_CLASS (stk_application_parent_class)->shutdown (application);
}

static void
stk_application_finalize (GObject *object)
{
  StkApplication *self = STK_APPLICATION (object);

  g_clear_object (&self->store);
  g_clear_object (&self->writer);
  g_clear_pointer (&self->database_path, g_free);
  g_clear_pointer (&self->open_error, g_free);

  G_OBJECT_CLASS (stk_application_parent_class)->finalize (object);
}

static void
stk_application_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  StkApplication *self = STK_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_value_set_string (value, self->database_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_application_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  StkApplication *self = STK_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      self->database_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_application_class_init (StkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = stk_application_finalize;
  object_class->get_property = stk_application_get_property;
  object_class->set_property = stk_application_set_property;

  app_class->startup = stk_application_startup;
  app_class->activate = stk_application_activate;
  app_class->shutdown = stk_application_shutdown;

  properties[PROP_DATABASE_PATH] =
    g_param_spec_string ("database-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
stk_application_init (StkApplication *self)
{
}

StkApplication *
stk_application_new (const char *database_path)
{
  g_return_val_if_fail (database_path != NULL, NULL);

  /* Not unique through D-Bus: the inventory's own lock decides who writes. */
  return g_object_new (STK_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "database-path", database_path,
                       NULL);
}

const char *
stk_application_get_database_path (StkApplication *self)
{
  g_return_val_if_fail (STK_IS_APPLICATION (self), NULL);
  return self->database_path;
}
