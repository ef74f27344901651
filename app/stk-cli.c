/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-backups.h"
#include "stk-code.h"
#include "stk-count.h"
#include "stk-day.h"
#include "stk-db.h"
#include "stk-error.h"
#include "stk-format.h"
#include "stk-glib.h"
#include "stk-location.h"
#include "stk-jobs.h"
#include "stk-lock.h"
#include "stk-maintenance.h"
#include "stk-ops.h"
#include "stk-reads.h"
#include "stk-sale.h"
#include "stk-schema.h"
#include "stk-store.h"
#include "stk-tax.h"
#include "stk-transfer.h"
#include "stk-writer.h"

#ifdef STK_WITH_GUI
# include "stk-receipt.h"
#endif

/* How long a command waits, when it ends, for its changes while the inventory is locked. */
#define CLOSE_TIMEOUT_MS 10000

#define MAX_GENERATE_SKUS  10000000
#define MAX_GENERATE_SALES 100000000

#define MAX_OPTIONS 6

typedef struct
{
  const char *name;
  gboolean    takes_value;
  gboolean    repeats;  /* may be given more than once: every value in @values */
  const char *value;    /* the (last) value */
  GPtrArray  *values;   /* of a repeating option: its values, in order */
  gboolean    seen;
} StkCliOption;

typedef struct
{
  const char   *db_path;
  const char   *command;
  StkCliOption  options[MAX_OPTIONS];
  guint         n_options;
  StkLock      *lock;     /* held while a writer command runs */
  gboolean      created;  /* the writer created the inventory file */
} StkCli;

typedef int (*StkCliFunc) (StkCli  *cli,
                           char   **args,
                           guint    n_args);

typedef struct
{
  const char *name;
  const char *synopsis;    /* arguments after the command name */
  const char *summary;     /* one line, for --help */
  const char *description; /* paragraphs, for COMMAND --help */
  guint       min_args;
  guint       max_args;
  StkCliFunc  func;
  /* Options of this command; a trailing '=' means it takes a value, "=*" a value and
   * that the option may be given more than once. */
  const char *options[MAX_OPTIONS + 1];
} StkCliCommand;

/* ---- Output helpers ---- */

static const char *
program_name (void)
{
  return "stocktake";
}

/* Prints one error sentence on stderr and returns its exit code. */
static int
cli_fail (const GError *error)
{
  const char *message = error->message;
  gsize len = strlen (message);
  gboolean has_stop = len > 0 && strchr (".!?", message[len - 1]) != NULL;
  int code;

  if (!has_stop && g_str_has_suffix (message, "…"))
    has_stop = TRUE;

  g_printerr ("%s: %s%s\n", program_name (), message, has_stop ? "" : ".");

  code = stk_error_exit_code (error);
  return code != 0 ? code : STK_CLI_EXIT_FAILURE;
}

/* As cli_fail(), for the failure of what the user typed as data (a sale's lines, a sale
 * or line number): a rule it broke or a row it names that does not exist is bad input
 * (65), whatever the error's code; a busy or locked inventory, a full disk, … keep their
 * own. */
static int
cli_fail_input (const GError *error)
{
  int code = cli_fail (error);

  if (g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT) ||
      g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND))
    return 65;
  return code;
}

int
stk_cli_usage_error (const char *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", program_name (), message);
  g_printerr (_("Try “%s --help” for more information.\n"), program_name ());
  return STK_CLI_EXIT_USAGE;
}

static int
cli_command_usage_error (StkCli     *cli,
                         const char *message)
{
  g_printerr ("%s: %s\n", program_name (), message);
  g_printerr (_("Try “%s %s --help” for more information.\n"), program_name (), cli->command);
  return STK_CLI_EXIT_USAGE;
}

/* The option @name if it was given, else NULL. */
static const StkCliOption *
cli_get_option (StkCli     *cli,
                const char *name)
{
  for (guint i = 0; i < cli->n_options; i++)
    if (g_str_equal (cli->options[i].name, name))
      return cli->options[i].seen ? &cli->options[i] : NULL;
  g_return_val_if_reached (NULL);
}

static void
cli_clear_options (StkCli *cli)
{
  for (guint i = 0; i < cli->n_options; i++)
    g_clear_pointer (&cli->options[i].values, g_ptr_array_unref);
}

static void
json_append_string (GString    *json,
                    const char *value)
{
  g_autofree char *valid = g_utf8_make_valid (value, -1);

  g_string_append_c (json, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (json, "\\\"");
          break;
        case '\\':
          g_string_append (json, "\\\\");
          break;
        case '\b':
          g_string_append (json, "\\b");
          break;
        case '\f':
          g_string_append (json, "\\f");
          break;
        case '\n':
          g_string_append (json, "\\n");
          break;
        case '\r':
          g_string_append (json, "\\r");
          break;
        case '\t':
          g_string_append (json, "\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (json, "\\u%04x", c);
          else
            g_string_append_c (json, (char) c);
          break;
        }
    }
  g_string_append_c (json, '"');
}

/* ---- Progress on a terminal ---- */

typedef struct
{
  const char *label;
  gboolean    enabled;
  gboolean    shown;
  int         last_percent;
} StkCliProgress;

static void
progress_init (StkCliProgress *progress,
               const char     *label)
{
  progress->label = label;
  progress->enabled = isatty (STDERR_FILENO);
  progress->shown = FALSE;
  progress->last_percent = -1;
}

static void
progress_cb (guint64  done,
             guint64  total,
             gpointer user_data)
{
  StkCliProgress *progress = user_data;
  int percent;

  if (!progress->enabled || total == 0)
    return;

  percent = (int) MIN (100, done * 100 / total);
  if (percent == progress->last_percent)
    return;
  progress->last_percent = percent;
  progress->shown = TRUE;
  g_printerr ("\r%s %d%%", progress->label, percent);
}

static void
progress_end (StkCliProgress *progress)
{
  /* Erase the progress line. */
  if (progress->shown)
    g_printerr ("\r\033[K");
  progress->shown = FALSE;
}

/* ---- Opening the inventory ---- */

/* Readers only. An inventory in an older format is upgraded first, by a writer. */
/* A writer for a command that changes the inventory. It first takes the inventory's
 * lock file, the one the window takes, so a command never writes while a window (or
 * another command, or a Flatpak) edits: then it fails with STK_ERROR_LOCKED naming the
 * holder (exit 75). The lock is held until the command ends. */
static StkWriter *
cli_open_writer (StkCli  *cli,
                 GError **error)
{
  g_autoptr(GError) lock_error = NULL;
  StkWriter *writer;
  gboolean existed;

  if (cli->lock == NULL &&
      !(cli->lock = stk_lock_acquire (cli->db_path, cli->command, &lock_error)) &&
      !g_error_matches (lock_error, STK_ERROR, STK_ERROR_READ_ONLY) &&
      !g_error_matches (lock_error, STK_ERROR, STK_ERROR_NOT_FOUND) &&
      !g_error_matches (lock_error, STK_ERROR, STK_ERROR_IO))
    {
      g_propagate_error (error, g_steal_pointer (&lock_error));
      return NULL;
    }

  /* Without a lock file (missing or read-only folder) the writer says what is wrong
   * in its own words; should it open nonetheless, the lock's error stands. */
  existed = g_file_test (cli->db_path, G_FILE_TEST_EXISTS);
  if (!(writer = stk_writer_new_for_cli (cli->db_path, error)))
    return NULL;
  if (!existed)
    cli->created = TRUE;
  if (lock_error != NULL)
    {
      stk_writer_close (writer, CLOSE_TIMEOUT_MS, NULL);
      g_object_unref (writer);
      g_propagate_error (error, g_steal_pointer (&lock_error));
      return NULL;
    }
  return writer;
}

static StkStore *
cli_open_store (StkCli  *cli,
                GError **error)
{
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkWriter) writer = NULL;
  int version = 0;

  if (!(store = stk_store_new (cli->db_path, error)) ||
      !stk_store_get_schema_version (store, &version, error))
    return NULL;

  if (version >= STK_SCHEMA_VERSION)
    return g_steal_pointer (&store);

  g_clear_object (&store);
  if (!(writer = cli_open_writer (cli, error)) ||
      !stk_writer_close (writer, CLOSE_TIMEOUT_MS, error))
    return NULL;
  g_clear_object (&writer);
  g_clear_pointer (&cli->lock, stk_lock_release);
  g_printerr (_("Upgraded the inventory from format %d to format %d.\n"),
              (int) version, STK_SCHEMA_VERSION);

  if (!(store = stk_store_new (cli->db_path, error)))
    return NULL;
  {
    g_autoptr(GPtrArray) kept = stk_store_codes_kept_apart (store, NULL);

    for (guint i = 0; kept != NULL && i < kept->len; i++)
      g_printerr ("%s\n", (const char *) g_ptr_array_index (kept, i));
  }
  return g_steal_pointer (&store);
}

/* A command that failed leaves no inventory it created: the new, empty file (and its
 * write-ahead log) goes again, while the command still holds the lock, so nobody else
 * can have opened it for writing. The lock file stays: removing it would let two
 * programs hold a lock at once. */
static void
cli_remove_created_inventory (StkCli *cli)
{
  const char *suffixes[] = { "-wal", "-shm", "-journal", "" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (cli->db_path, suffixes[i], NULL);

      if (g_unlink (path) != 0 && errno != ENOENT)
        g_printerr (_("Cannot remove “%s”, made by the failed command: %s\n"), path,
                    g_strerror (errno));
    }
}

/* Checks the inventory file without touching it, so that a damaged, foreign or newer
 * file is refused before anything else happens. */
static gboolean
cli_check_inventory (StkCli    *cli,
                     gboolean   must_exist,
                     GError   **error)
{
  gboolean exists = FALSE;

  if (!stk_location_check (cli->db_path, &exists, error))
    return FALSE;
  if (!exists && must_exist)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                   _("There is no inventory at “%s”."), cli->db_path);
      return FALSE;
    }
  return TRUE;
}

/* Closes the writer, waiting for its changes; returns @status, or the close
 * failure's exit code when the command had succeeded. */
static int
cli_close_writer (StkWriter *writer,
                  int        status)
{
  g_autoptr(GError) error = NULL;

  if (writer == NULL)
    return status;

  if (!stk_writer_close (writer, CLOSE_TIMEOUT_MS, &error))
    {
      int code = cli_fail (error);
      return status != STK_CLI_EXIT_OK ? status : code;
    }
  return status;
}

static gboolean
cli_parse_table (StkCli     *cli,
                 const char *name,
                 StkTable   *out_table,
                 int        *out_status)
{
  g_autofree char *message = NULL;

  if (stk_table_from_string (name, out_table))
    return TRUE;

  message = g_strdup_printf (_("Unknown table “%s”: use skus, sales, movements, returns or tax-rates."), name);
  *out_status = cli_command_usage_error (cli, message);
  return FALSE;
}

/* ---- Commands ---- */

typedef struct
{
  char *label;
  char *value;
} StkCliLine;

/* The columns @text takes in a terminal: wide (East Asian) characters take two,
 * combining marks and other zero-width characters none. */
static glong
display_width (const char *text)
{
  glong width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

static void
print_aligned (StkCliLine *lines,
               guint       n_lines)
{
  glong width = 0;

  for (guint i = 0; i < n_lines; i++)
    width = MAX (width, display_width (lines[i].label));

  for (guint i = 0; i < n_lines; i++)
    {
      glong pad = width - display_width (lines[i].label);

      g_print ("%s:%*s %s\n", lines[i].label, (int) pad, "", lines[i].value);
      g_free (lines[i].label);
      g_free (lines[i].value);
    }
}

static int
cli_stats_json (StkCli         *cli,
                const StkStats *stats,
                guint           connections)
{
  g_autoptr(GString) json = g_string_new ("{\n");
  /* Machine-readable: the plain CSV form, whatever the locale. */
  g_autofree char *value = stk_price_format (stats->stock_value_cents);
  g_autofree char *cost = stk_price_format (stats->stock_cost_cents);
  g_autofree char *file_size = g_format_size (stats->file_size);
  g_autofree char *wal_size = g_format_size (stats->wal_size);

  g_string_append (json, "  \"path\": ");
  json_append_string (json, cli->db_path);
  g_string_append_printf (json,
                          ",\n"
                          "  \"schema_version\": %d,\n"
                          "  \"items\": %" G_GINT64_FORMAT ",\n"
                          "  \"archived_items\": %" G_GINT64_FORMAT ",\n"
                          "  \"movements\": %" G_GINT64_FORMAT ",\n"
                          "  \"sales\": %" G_GINT64_FORMAT ",\n"
                          "  \"returns\": %" G_GINT64_FORMAT ",\n"
                          "  \"barcodes\": %" G_GINT64_FORMAT ",\n"
                          "  \"applied_ops\": %" G_GINT64_FORMAT ",\n"
                          "  \"codes_kept_apart\": %" G_GINT64_FORMAT ",\n"
                          "  \"total_on_hand\": %" G_GINT64_FORMAT ",\n"
                          "  \"stock_value_cents\": %" G_GINT64_FORMAT ",\n",
                          stats->schema_version, stats->items, stats->archived_items,
                          stats->movements, stats->sales, stats->returns, stats->barcodes,
                          stats->applied_ops,
                          stats->codes_kept_apart,
                          stats->total_on_hand, stats->stock_value_cents);
  g_string_append (json, "  \"stock_value\": ");
  json_append_string (json, value);
  /* At average cost (0 for items whose cost is unknown). */
  g_string_append_printf (json, ",\n  \"stock_cost_cents\": %" G_GINT64_FORMAT ",\n",
                          stats->stock_cost_cents);
  g_string_append (json, "  \"stock_cost\": ");
  json_append_string (json, cost);
  g_string_append_printf (json, ",\n  \"file_size\": %" G_GOFFSET_FORMAT ",\n",
                          stats->file_size);
  g_string_append (json, "  \"file_size_text\": ");
  json_append_string (json, file_size);
  g_string_append_printf (json, ",\n  \"wal_size\": %" G_GOFFSET_FORMAT ",\n", stats->wal_size);
  g_string_append (json, "  \"wal_size_text\": ");
  json_append_string (json, wal_size);
  g_string_append_printf (json,
                          ",\n"
                          "  \"page_size\": %" G_GINT64_FORMAT ",\n"
                          "  \"page_count\": %" G_GINT64_FORMAT ",\n"
                          "  \"freelist_count\": %" G_GINT64_FORMAT ",\n"
                          "  \"connections\": %u\n"
                          "}\n",
                          stats->page_size, stats->page_count, stats->freelist_count,
                          connections);
  fputs (json->str, stdout);
  return STK_CLI_EXIT_OK;
}

static char *
format_bytes (guint64 size)
{
  g_autofree char *exact = stk_format_count ((gint64) size);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s byte", "%s bytes",
                                       (gulong) MIN (size, G_MAXULONG)),
                          exact);
}

static char *
format_file_size (goffset size)
{
  g_autofree char *human = NULL;
  g_autofree char *exact = NULL;

  /* Below a kilobyte the human-readable size is the exact one. */
  if (size < 1000)
    return format_bytes ((guint64) MAX (size, 0));

  human = g_format_size ((guint64) size);
  exact = stk_format_count ((gint64) size);

  /* Translators: a file size, then its exact size, e.g. "1.2 MB (1,234,567 bytes)". */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%s byte)", "%s (%s bytes)",
                                       (gulong) MIN ((guint64) size, G_MAXULONG)),
                          human, exact);
}

static int
cli_stats (StkCli  *cli,
           char   **args,
           guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  StkCliLine lines[20];
  StkStats stats;
  guint connections;
  guint n = 0;

  if (!(store = cli_open_store (cli, &error)) ||
      !stk_store_get_stats (store, &stats, &error))
    return cli_fail (error);
  connections = stk_db_get_open_count ();

  if (cli_get_option (cli, "--json") != NULL)
    return cli_stats_json (cli, &stats, connections);

#define LINE(l, v) G_STMT_START { lines[n].label = g_strdup (l); lines[n].value = (v); n++; } G_STMT_END
  /* Translators: the label of the inventory file's path in “stocktake stats”. */
  LINE (C_("stats", "Inventory"), g_filename_display_name (cli->db_path));
  LINE (_("Format version"), g_strdup_printf ("%d", stats.schema_version));
  LINE (_("Items"), stk_format_count ((gint64) stats.items));
  LINE (_("Archived items"), stk_format_count ((gint64) stats.archived_items));
  LINE (_("Stock movements"), stk_format_count ((gint64) stats.movements));
  /* Translators: in “stocktake stats”, how many sale lines the inventory holds. */
  LINE (_("Sales"), stk_format_count ((gint64) stats.sales));
  LINE (_("Returns"), stk_format_count (stats.returns));
  LINE (_("Barcodes"), stk_format_count (stats.barcodes));
  LINE (_("Applied operations"), stk_format_count ((gint64) stats.applied_ops));
  /* Translators: items kept apart when an upgrade found their codes to be the same
   * under the current rule for codes (see “stocktake verify”). */
  LINE (_("Codes kept apart"), stk_format_count (stats.codes_kept_apart));
  LINE (_("Total on hand"), stk_format_count (stats.total_on_hand));
  LINE (_("Stock value at selling price"), stk_format_currency (stats.stock_value_cents));
  /* Translators: in “stocktake stats”, the stock at its average cost (stocktake report
   * valuation) */
  LINE (_("Stock value at cost"), stk_format_currency (stats.stock_cost_cents));
  LINE (_("File size"), format_file_size (stats.file_size));
  LINE (_("Write-ahead log size"), format_file_size (stats.wal_size));
  LINE (_("Page size"), format_bytes ((guint64) stats.page_size));
  LINE (_("Pages"), stk_format_count ((gint64) stats.page_count));
  LINE (_("Free pages"), stk_format_count ((gint64) stats.freelist_count));
  LINE (_("Open connections"), g_strdup_printf ("%u", connections));
#undef LINE
  g_assert (n <= G_N_ELEMENTS (lines));

  print_aligned (lines, n);
  return STK_CLI_EXIT_OK;
}

static int
cli_verify (StkCli  *cli,
            char   **args,
            guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  if (!(store = cli_open_store (cli, &error)) ||
      !(problems = stk_store_verify (store, &error)))
    return cli_fail (error);

  if (problems->len > 0)
    {
      for (guint i = 0; i < problems->len; i++)
        g_print ("%s\n", (const char *) g_ptr_array_index (problems, i));
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u problem found.\n", "%u problems found.\n",
                            problems->len),
               problems->len);
      return STK_CLI_EXIT_FAILURE;
    }

  {
    g_autoptr(GPtrArray) kept = stk_store_codes_kept_apart (store, NULL);

    for (guint i = 0; kept != NULL && i < kept->len; i++)
      g_print ("%s\n", (const char *) g_ptr_array_index (kept, i));
  }
  g_print ("%s\n", _("Inventory OK: integrity, foreign keys and stock balances checked."));
  return STK_CLI_EXIT_OK;
}

static int cli_backup_auto (StkCli *cli);

static int
cli_backup (StkCli  *cli,
            char   **args,
            guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autofree char *dest = NULL;

  if (cli_get_option (cli, "--auto") != NULL)
    {
      if (n_args > 0)
        return cli_command_usage_error (cli, _("--auto makes its own file name: give no FILE."));
      return cli_backup_auto (cli);
    }
  if (cli_get_option (cli, "--folder") != NULL || cli_get_option (cli, "--keep") != NULL)
    return cli_command_usage_error (cli, _("--folder and --keep go with --auto."));

  if (!(store = cli_open_store (cli, &error)))
    return cli_fail (error);

  dest = n_args > 0 ? g_strdup (args[0]) : stk_backup_default_path (cli->db_path);
  if (!stk_store_backup (store, dest, &error))
    return cli_fail (error);

  g_print ("%s\n", dest);
  return STK_CLI_EXIT_OK;
}

static int
cli_restore (StkCli  *cli,
             char   **args,
             guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autofree char *safety_copy = NULL;
  const char *backup = args[0];
  int status;

  if (!cli_check_inventory (cli, FALSE, &error) ||
      !stk_input_check (backup, FALSE, &error) ||
      !(writer = cli_open_writer (cli, &error)))
    return cli_fail (error);

  if (!(store = stk_store_new (cli->db_path, &error)) ||
      !stk_restore (writer, store, backup, &safety_copy, &error))
    {
      g_clear_object (&store);
      status = cli_fail (error);
      return cli_close_writer (writer, status);
    }
  g_clear_object (&store);

  /* There was no previous inventory, only the empty one the writer made for the
   * restore: its copy would save nothing. */
  if (safety_copy != NULL && cli->created)
    {
      g_unlink (safety_copy);
      g_clear_pointer (&safety_copy, g_free);
    }
  if (safety_copy != NULL)
    g_print (_("Safety copy of the previous inventory: %s\n"), safety_copy);
  g_print (_("Restored from %s\n"), backup);
  return cli_close_writer (writer, STK_CLI_EXIT_OK);
}

static int
cli_checkpoint (StkCli  *cli,
                char   **args,
                guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autofree char *checkpointed_text = NULL;
  g_autofree char *frames_text = NULL;
  gint64 wal_frames = 0;
  gint64 checkpointed = 0;

  if (!cli_check_inventory (cli, TRUE, &error) ||
      !(writer = cli_open_writer (cli, &error)))
    return cli_fail (error);

  if (!stk_checkpoint (writer, &wal_frames, &checkpointed, &error))
    return cli_close_writer (writer, cli_fail (error));

  checkpointed_text = stk_format_count (checkpointed);
  frames_text = stk_format_count (wal_frames);
  /* Translators: "Checkpointed 12 of 40 write-ahead log frames."; the plural
   * follows the second number. */
  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Checkpointed %s of %s write-ahead log frame.\n",
                        "Checkpointed %s of %s write-ahead log frames.\n",
                        (gulong) CLAMP (wal_frames, 0, G_MAXLONG)),
           checkpointed_text, frames_text);
  return cli_close_writer (writer, STK_CLI_EXIT_OK);
}

/* The line-numbered sentences of a refused file, at most
 * STK_IMPORT_MAX_REPORTED_ERRORS, and how many more there were. */
static void
print_report_errors (const StkImportReport *report)
{
  if (report->errors == NULL)
    return;
  for (guint i = 0; i < report->errors->len; i++)
    g_printerr ("%s\n", (const char *) g_ptr_array_index (report->errors, i));
  if (report->n_errors > report->errors->len)
    {
      guint64 more = report->n_errors - report->errors->len;
      g_autofree char *more_text = stk_format_count ((gint64) MIN (more, G_MAXINT64));

      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "… and %s more bad row.\n",
                               "… and %s more bad rows.\n",
                               (gulong) MIN (more, G_MAXULONG)),
                  more_text);
    }
}

static int
cli_import (StkCli  *cli,
            char   **args,
            guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_auto(StkImportReport) report = { 0 };
  g_autofree char *imported_text = NULL;
  g_autofree char *duplicates_text = NULL;
  StkCliProgress progress;
  const char *path = args[1];
  StkTable table = STK_TABLE_SKUS;
  gboolean all = g_strcmp0 (args[0], "all") == 0;
  int status;

  if (!all && !cli_parse_table (cli, args[0], &table, &status))
    return status;

  /* The import's policy, the same as the window's (stk-jobs.h): like a CSV file that
   * is missing (1) or a folder (65), a missing folder is a failure, a file named
   * instead of the folder is bad input; the inventory itself or a database is refused. */
  if (all && !stk_import_check_source (path, TRUE, cli->db_path, &error))
    return cli_fail (error);

  if (!cli_check_inventory (cli, FALSE, &error) ||
      (!all && !stk_import_check_source (path, FALSE, cli->db_path, &error)) ||
      !(writer = cli_open_writer (cli, &error)))
    return cli_fail (error);

  progress_init (&progress, _("Importing…"));
  if (!(all ? stk_import_all (writer, path, NULL, &report, &error)
            : stk_import_file (writer, table, path, progress_cb, &progress, NULL, &report,
                               &error)))
    {
      progress_end (&progress);
      print_report_errors (&report);
      status = cli_fail (error);
      /* Bad rows are bad input, whatever rule they broke. */
      if (report.n_errors > 0 && g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT))
        status = 65;
      return cli_close_writer (writer, status);
    }
  progress_end (&progress);

  imported_text = stk_format_count ((gint64) MIN (report.imported, G_MAXINT64));
  duplicates_text = stk_format_count ((gint64) MIN (report.duplicates, G_MAXINT64));
  /* Translators: "Imported 25 rows (3 already present)"; the plural follows the
   * first number. */
  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Imported %s row (%s already present)\n",
                        "Imported %s rows (%s already present)\n",
                        (gulong) MIN (report.imported, G_MAXULONG)),
           imported_text, duplicates_text);
  return cli_close_writer (writer, STK_CLI_EXIT_OK);
}

static int
cli_export (StkCli  *cli,
            char   **args,
            guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autofree char *rows_text = NULL;
  StkCliProgress progress;
  const char *path = args[1];
  guint64 rows = 0;
  StkTable table = STK_TABLE_SKUS;
  gboolean all = g_strcmp0 (args[0], "all") == 0;
  int status;

  if (!all && !cli_parse_table (cli, args[0], &table, &status))
    return status;

  if (!(store = cli_open_store (cli, &error)))
    return cli_fail (error);

  progress_init (&progress, _("Exporting…"));
  if (!(all ? stk_export_all (store, path, NULL, &rows, &error)
            : stk_export_file (store, table, path, progress_cb, &progress, NULL, &rows, &error)))
    {
      progress_end (&progress);
      return cli_fail (error);
    }
  progress_end (&progress);

  rows_text = stk_format_count ((gint64) MIN (rows, G_MAXINT64));
  /* Translators: "Exported 25 rows to items.csv" */
  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Exported %s row to %s\n",
                        "Exported %s rows to %s\n",
                        (gulong) MIN (rows, G_MAXULONG)),
           rows_text, path);
  return STK_CLI_EXIT_OK;
}

static gboolean
cli_parse_number (StkCli      *cli,
                  const char  *option,
                  const char  *value,
                  guint64      min,
                  guint64      max,
                  guint64     *out_value,
                  int         *out_status)
{
  g_autofree char *message = NULL;
  char min_text[24];
  char max_text[24];

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, min, max, out_value, NULL))
    return TRUE;

  /* The bounds as the option takes them: plain digits, no grouping. */
  g_snprintf (min_text, sizeof min_text, "%" G_GUINT64_FORMAT, min);
  g_snprintf (max_text, sizeof max_text, "%" G_GUINT64_FORMAT, max);
  /* Translators: "--skus expects a whole number from 1 to 1000000, not “x”." */
  message = g_strdup_printf (_("%s expects a whole number from %s to %s, not “%s”."),
                             option, min_text, max_text, value ? value : "");
  *out_status = cli_command_usage_error (cli, message);
  return FALSE;
}

/* ---- Automatic backups ---- */

/* The application's settings, when its schema is installed (the command line works
 * without it: a server, a build tree). */
static GSettings *
cli_gsettings (void)
{
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;

  if (settings == NULL)
    return NULL;
  g_object_get (settings, "settings-schema", &schema, NULL);
  if (!g_settings_schema_has_key (schema, "backup-folder") ||
      !g_settings_schema_has_key (schema, "backup-keep"))
    return NULL;
  return g_steal_pointer (&settings);
}

/* --folder, else the setting, else the default folder. */
static char *
cli_backup_folder (StkCli    *cli,
                   GSettings *settings)
{
  const StkCliOption *folder = cli_get_option (cli, "--folder");
  g_autofree char *setting = NULL;

  if (folder != NULL)
    return stk_backup_resolve_folder (folder->value);
  if (settings != NULL)
    setting = g_settings_get_string (settings, "backup-folder");
  return stk_backup_resolve_folder (setting);
}

static int
cli_backup_auto (StkCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GSettings) settings = cli_gsettings ();
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) pruned = NULL;
  const StkCliOption *keep_option = cli_get_option (cli, "--keep");
  guint64 keep = STK_BACKUP_KEEP_DEFAULT;
  int status;

  if (keep_option != NULL)
    {
      if (!cli_parse_number (cli, "--keep", keep_option->value, 1, STK_BACKUP_KEEP_MAX, &keep,
                             &status))
        return status;
    }
  else if (settings != NULL)
    keep = CLAMP (g_settings_get_uint (settings, "backup-keep"), 1, STK_BACKUP_KEEP_MAX);

  folder = cli_backup_folder (cli, settings);
  if (*folder == '\0')
    return cli_command_usage_error (cli, _("Say which folder with --folder DIR."));

  if (!(store = cli_open_store (cli, &error)) ||
      !stk_backup_auto (store, folder, (guint) keep, NULL, &path, &pruned, &error))
    return cli_fail (error);

  g_print ("%s\n", path);
  for (guint i = 0; pruned[i] != NULL; i++)
    g_print (_("Removed the old backup %s\n"), pruned[i]);
  return STK_CLI_EXIT_OK;
}

static char *
cli_format_local_us (gint64 us)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static int
cli_backups (StkCli  *cli,
             char   **args,
             guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GSettings) settings = cli_gsettings ();
  g_autofree char *folder = cli_backup_folder (cli, settings);

  if (!(list = stk_backup_list (folder, cli->db_path, &error)))
    return cli_fail (error);

  for (guint i = 0; i < list->len; i++)
    {
      StkBackupEntry *e = g_ptr_array_index (list, i);
      StkCliLine lines[5];
      guint n = 0;

      g_print ("%s\n", e->path);
      lines[n].label = g_strdup_printf ("  %s", _("Made"));
      lines[n++].value = cli_format_local_us (e->made_us);
      if (e->damaged)
        {
          lines[n].label = g_strdup_printf ("  %s", _("Damaged"));
          lines[n++].value = g_strdup (e->problem);
        }
      else
        {
          lines[n].label = g_strdup_printf ("  %s", _("Items"));
          lines[n++].value = g_strdup_printf ("%" G_GINT64_FORMAT, e->items);
          lines[n].label = g_strdup_printf ("  %s", _("Sales"));
          lines[n++].value = g_strdup_printf ("%" G_GINT64_FORMAT, e->sales);
          lines[n].label = g_strdup_printf ("  %s", _("Last sale"));
          lines[n++].value = e->last_sale_us > 0 ? cli_format_local_us (e->last_sale_us)
                                                 : g_strdup (_("none"));
        }
      print_aligned (lines, n);
    }

  {
    g_autofree char *display = g_filename_display_name (folder);

    g_print (g_dngettext (GETTEXT_PACKAGE, "%u automatic backup in %s.\n",
                          "%u automatic backups in %s.\n", list->len),
             list->len, display);
  }
  return STK_CLI_EXIT_OK;
}

static int
cli_generate (StkCli  *cli,
              char   **args,
              guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(GTimer) timer = NULL;
  g_autofree char *items_text = NULL;
  g_autofree char *sales_text = NULL;
  g_autofree char *batches_text = NULL;
  g_autofree char *ops_text = NULL;
  g_autofree char *max_text = NULL;
  g_autofree char *n_skus_text = NULL;
  g_autofree char *n_sales_text = NULL;
  g_autofree char *n_batches_text = NULL;
  g_autofree char *n_ops_text = NULL;
  g_autofree char *n_max_text = NULL;
  const StkCliOption *skus = cli_get_option (cli, "--skus");
  const StkCliOption *sales = cli_get_option (cli, "--sales");
  const StkCliOption *seed_option = cli_get_option (cli, "--seed");
  StkWriterFigures figures;
  StkCliProgress progress;
  guint64 n_skus = 0;
  guint64 n_sales = 0;
  guint64 seed = 0;
  int status;

  if (skus == NULL)
    return cli_command_usage_error (cli, _("Say how many items to generate with --skus N."));
  if (!cli_parse_number (cli, "--skus", skus->value, 1, MAX_GENERATE_SKUS, &n_skus, &status) ||
      (sales != NULL &&
       !cli_parse_number (cli, "--sales", sales->value, 0, MAX_GENERATE_SALES, &n_sales,
                          &status)))
    return status;
  if (seed_option != NULL)
    {
      if (!cli_parse_number (cli, "--seed", seed_option->value, 0, G_MAXUINT32, &seed, &status))
        return status;
    }
  else
    seed = g_random_int ();

  if (!cli_check_inventory (cli, FALSE, &error) ||
      !(writer = cli_open_writer (cli, &error)))
    return cli_fail (error);

  timer = g_timer_new ();
  progress_init (&progress, _("Generating…"));
  if (!stk_generate (writer, n_skus, n_sales, (guint32) seed, progress_cb, &progress, &error))
    {
      progress_end (&progress);
      return cli_close_writer (writer, cli_fail (error));
    }
  progress_end (&progress);

  status = cli_close_writer (writer, STK_CLI_EXIT_OK);
  if (status != STK_CLI_EXIT_OK)
    return status;
  g_timer_stop (timer);
  stk_writer_get_figures (writer, &figures);

  n_skus_text = stk_format_count ((gint64) MIN (n_skus, G_MAXINT64));
  items_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%s item",
                                             "%s items",
                                             (gulong) MIN (n_skus, G_MAXULONG)),
                                n_skus_text);
  n_sales_text = stk_format_count ((gint64) MIN (n_sales, G_MAXINT64));
  sales_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%s sale",
                                             "%s sales",
                                             (gulong) MIN (n_sales, G_MAXULONG)),
                                n_sales_text);
  /* Translators: "Generated 1000 items and 2000 sales in 1.23 s (seed 42)." */
  g_print (_("Generated %s and %s in %.2f s (seed %u).\n"),
           items_text, sales_text, g_timer_elapsed (timer, NULL), (guint) seed);
  n_batches_text = stk_format_count ((gint64) MIN (figures.batches, G_MAXINT64));
  batches_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%s transaction",
                                               "%s transactions",
                                               (gulong) MIN (figures.batches, G_MAXULONG)),
                                  n_batches_text);
  n_ops_text = stk_format_count ((gint64) MIN (figures.committed, G_MAXINT64));
  ops_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s operation",
                                           "%s operations",
                                           (gulong) MIN (figures.committed, G_MAXULONG)),
                              n_ops_text);
  n_max_text = stk_format_count ((gint64) MIN (figures.max_batch, G_MAXINT64));
  max_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s operation",
                                           "%s operations",
                                           (gulong) MIN (figures.max_batch, G_MAXULONG)),
                              n_max_text);
  /* Translators: "Writer: 3 transactions, 5 operations, at most 2 operations in one
   * transaction." */
  g_print (_("Writer: %s, %s, at most %s in one transaction.\n"),
           batches_text, ops_text, max_text);
  return STK_CLI_EXIT_OK;
}

/* One line of “stocktake sell”: CODE or CODE=QTY. The quantity is after the last '='
 * (so a code holding '=' is written CODE=1). FALSE with the line named, as bad input. */
static gboolean
parse_sale_line (const char       *arg,
                 guint             number,
                 StkSaleLineSpec  *out_line,
                 char            **out_code,
                 GError          **error)
{
  const char *equals = strrchr (arg, '=');
  guint64 quantity = 1;

  if (equals != NULL &&
      !g_ascii_string_to_unsigned (equals + 1, 10, 1, G_MAXINT32, &quantity, NULL))
    {
      /* Translators: "Line 2: “A=x” has no quantity after “=”: give a whole number from
       * 1 to 2147483647." */
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Line %u: “%s” has no quantity after “=”: give a whole number from 1 to %d."),
                   number, arg, G_MAXINT32);
      return FALSE;
    }
  *out_code = equals != NULL ? g_strndup (arg, (gsize) (equals - arg)) : g_strdup (arg);
  out_line->code = *out_code;
  out_line->quantity = (gint64) quantity;
  out_line->unit_price_cents = -1;
  out_line->discount_cents = 0;
  return TRUE;
}

/* --price CODE=PRICE, for every line whose code (as typed) is CODE under the rule for
 * codes (stk-code.h). A usage error when it is malformed or names no line. */
static gboolean
apply_price_option (StkCli          *cli,
                    const char      *value,
                    StkSaleLineSpec *lines,
                    guint            n_lines,
                    int             *out_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *code = NULL;
  const char *equals = strrchr (value, '=');
  gint64 cents = 0;
  gboolean found = FALSE;

  if (equals == NULL || equals == value)
    {
      message = g_strdup_printf (_("--price expects CODE=PRICE, such as “A-1=12.50”, not “%s”."),
                                 value);
      *out_status = cli_command_usage_error (cli, message);
      return FALSE;
    }
  if (!stk_price_parse (equals + 1, &cents, &error))
    {
      message = g_strdup_printf (_("--price “%s”: %s"), value, error->message);
      *out_status = cli_command_usage_error (cli, message);
      return FALSE;
    }
  code = g_strndup (value, (gsize) (equals - value));
  for (guint i = 0; i < n_lines; i++)
    if (stk_code_equal (lines[i].code, code))
      {
        lines[i].unit_price_cents = cents;
        found = TRUE;
      }
  if (!found)
    {
      message = g_strdup_printf (_("--price names “%s”, which is not one of the sale’s lines."),
                                 code);
      *out_status = cli_command_usage_error (cli, message);
      return FALSE;
    }
  return TRUE;
}

static int
cli_sell (StkCli  *cli,
          char   **args,
          guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkOp) op = NULL;
  g_autoptr(StkSaleDetail) sale = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autofree StkSaleLineSpec *lines = NULL;
  g_autofree char *id_text = NULL;
  const StkCliOption *price = cli_get_option (cli, "--price");
  const StkCliOption *at = cli_get_option (cli, "--at");
  const StkCliOption *payment = cli_get_option (cli, "--payment");
  const StkCliOption *note = cli_get_option (cli, "--note");
  gint64 sold_at_us = 0;
  gint64 sale_id;
  int status;

  lines = g_new0 (StkSaleLineSpec, n_args);
  for (guint i = 0; i < n_args; i++)
    {
      char *code = NULL;

      if (!parse_sale_line (args[i], i + 1, &lines[i], &code, &error))
        return cli_fail (error);
      g_ptr_array_add (codes, code);
    }
  for (guint i = 0; price != NULL && i < price->values->len; i++)
    if (!apply_price_option (cli, g_ptr_array_index (price->values, i), lines, n_args, &status))
      return status;
  if (at != NULL && !stk_time_parse (at->value, &sold_at_us, &error))
    {
      g_autofree char *message = g_strdup_printf ("--at: %s", error->message);
      return cli_command_usage_error (cli, message);
    }

  if (!cli_check_inventory (cli, TRUE, &error) ||
      !(writer = cli_open_writer (cli, &error)))
    return cli_fail (error);

  op = stk_op_sell (lines, n_args, payment != NULL ? payment->value : NULL,
                    note != NULL ? note->value : NULL, sold_at_us);
  /* A line the sale cannot have (unknown code, not enough stock, a bad quantity,
   * payment or note) is bad input. */
  if (!stk_writer_submit_sync (writer, op, &error))
    return cli_close_writer (writer, cli_fail_input (error));
  status = cli_close_writer (writer, STK_CLI_EXIT_OK);
  if (status != STK_CLI_EXIT_OK)
    return status;

  sale_id = stk_op_get_row_id (op);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, sale_id);
  if (!(store = stk_store_new (cli->db_path, &error)) ||
      !(sale = stk_store_read_sale (store, sale_id, &error)))
    {
      /* Recorded: say so, then why the total cannot be shown. */
      g_print (_("Recorded sale %s.\n"), id_text);
      return cli_fail (error);
    }
  {
    g_autofree char *total = stk_format_currency (sale->total_cents);
    g_autofree char *n_text = stk_format_count ((gint64) sale->lines->len);

    /* Translators: "Recorded sale 42: 3 lines, total $12.50." */
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Recorded sale %s: %s line, total %s.\n",
                          "Recorded sale %s: %s lines, total %s.\n",
                          sale->lines->len),
             id_text, n_text, total);
    if (sale->receipt[0] != '\0')
      /* Translators: "Receipt number: 17" (or "2026/17" in a yearly series) */
      g_print (_("Receipt number: %s\n"), sale->receipt);
  }
  /* Each line with its own number, the one “stocktake return” takes. */
  for (guint i = 0; i < sale->lines->len; i++)
    {
      const StkSaleLine *line = g_ptr_array_index (sale->lines, i);
      g_autofree char *line_id = g_strdup_printf ("%" G_GINT64_FORMAT, line->line_id);
      g_autofree char *quantity = stk_format_count (line->quantity);
      g_autofree char *unit = stk_format_currency (line->unit_price_cents);
      g_autofree char *line_total = stk_format_currency (line->total_cents);

      if (line->tax_rate_bp >= 0 && !line->tax_included)
        {
          g_autofree char *net = stk_format_currency (line->total_cents - line->tax_cents);
          g_autofree char *tax = stk_format_currency (line->tax_cents);
          g_autofree char *rate = stk_tax_rate_format (line->tax_rate_bp);

          /* Translators: one line of a sale whose price is without tax:
           * "  line 42: 2 × A-1 at 2.50 = 5.00 + 1.10 tax (22 %) = 6.10" */
          g_print (_("  line %s: %s × %s at %s = %s + %s tax (%s) = %s\n"), line_id, quantity,
                   line->code, unit, net, tax, rate, line_total);
        }
      else
        /* Translators: one line of a sale: "  line 42: 2 × A-1 at 2.50 = 5.00" */
        g_print (_("  line %s: %s × %s at %s = %s\n"), line_id, quantity, line->code, unit,
                 line_total);
    }
  return STK_CLI_EXIT_OK;
}

static int
cli_return (StkCli  *cli,
            char   **args,
            guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkOp) op = NULL;
  g_autoptr(StkSaleDetail) sale = NULL;
  g_autofree char *line_text = NULL;
  g_autofree char *id_text = NULL;
  const StkCliOption *reason = cli_get_option (cli, "--reason");
  const char *equals = strrchr (args[0], '=');
  guint64 line_id = 0;
  guint64 quantity = 1;
  gint64 return_id;
  int status;

  line_text = equals != NULL ? g_strndup (args[0], (gsize) (equals - args[0])) : g_strdup (args[0]);
  if (!g_ascii_string_to_unsigned (line_text, 10, 1, G_MAXINT64, &line_id, NULL) ||
      (equals != NULL &&
       !g_ascii_string_to_unsigned (equals + 1, 10, 1, G_MAXINT32, &quantity, NULL)))
    {
      g_autofree char *message =
        g_strdup_printf (_("Give the sale line as LINE or LINE=QTY, whole numbers from 1, not “%s”."),
                         args[0]);
      return cli_command_usage_error (cli, message);
    }

  if (!cli_check_inventory (cli, TRUE, &error) ||
      !(writer = cli_open_writer (cli, &error)))
    return cli_fail (error);

  op = stk_op_return_sale_line ((gint64) line_id, (gint64) quantity, -1,
                                reason != NULL ? reason->value : NULL, 0);
  /* No such line, more than was sold, a voided sale: bad input. */
  if (!stk_writer_submit_sync (writer, op, &error))
    return cli_close_writer (writer, cli_fail_input (error));
  status = cli_close_writer (writer, STK_CLI_EXIT_OK);
  if (status != STK_CLI_EXIT_OK)
    return status;

  return_id = stk_op_get_row_id (op);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, return_id);
  if (!(store = stk_store_new (cli->db_path, &error)) ||
      !(sale = stk_store_read_sale (store, (gint64) line_id, &error)))
    {
      g_print (_("Recorded return %s.\n"), id_text);
      return cli_fail (error);
    }
  for (guint i = 0; i < sale->returns->len; i++)
    {
      const StkSaleReturn *r = g_ptr_array_index (sale->returns, i);

      if (r->return_id == return_id)
        {
          g_autofree char *refund = stk_format_currency (r->refund_cents);
          g_autofree char *n_text = stk_format_count (r->quantity);

          /* Translators: "Recorded return 3: 2 of “A-1” back in stock, refund $5.00." */
          g_print (_("Recorded return %s: %s of “%s” back in stock, refund %s.\n"),
                   id_text, n_text, r->code, refund);
          if (r->receipt[0] != '\0')
            g_print (_("Receipt number: %s\n"), r->receipt);
          return STK_CLI_EXIT_OK;
        }
    }
  g_print (_("Recorded return %s.\n"), id_text);
  return STK_CLI_EXIT_OK;
}

static int
cli_receipt (StkCli  *cli,
             char   **args,
             guint    n_args)
{
  g_autoptr(GError) error = NULL;
  guint64 sale_id = 0;

  if (!g_ascii_string_to_unsigned (args[0], 10, 1, G_MAXINT64, &sale_id, NULL))
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not a sale number (a whole number from 1)."), args[0]);
      return cli_command_usage_error (cli, message);
    }

#ifndef STK_WITH_GUI
  g_set_error (&error, STK_ERROR, STK_ERROR_NOT_SUPPORTED,
               _("This build of Stocktake has no GTK, which draws receipts: print the "
                 "receipt from the window of a full build."));
  return cli_fail (error);
#else
  {
    g_autoptr(StkStore) store = NULL;
    g_autoptr(StkSaleDetail) sale = NULL;
    g_autoptr(GSettings) settings = NULL;
    g_autofree char *shop_name = NULL;
    g_autofree char *shop_address = NULL;
    const char *path = args[1];

    /* A read: it works while another program edits the inventory. */
    if (!(store = cli_open_store (cli, &error)))
      return cli_fail (error);
    /* A sale number the inventory does not have is bad input. */
    if (!(sale = stk_store_read_sale (store, (gint64) sale_id, &error)))
      return cli_fail_input (error);

    /* The shop as the preferences name it; without the settings schema, none. */
    settings = stk_settings_new_if_installed (APP_ID);
    shop_name = settings != NULL ? g_settings_get_string (settings, "shop-name") : g_strdup ("");
    shop_address = settings != NULL ? g_settings_get_string (settings, "shop-address")
                                    : g_strdup ("");
    if (!stk_receipt_write_pdf (sale, shop_name, shop_address, path, &error))
      return cli_fail (error);

    /* Translators: "Wrote the receipt of sale 42 to receipt.pdf" */
    g_print (_("Wrote the receipt of sale %s to %s\n"), args[0], path);
    return STK_CLI_EXIT_OK;
  }
#endif
}

/* The rate of the shop's named @name (ignoring case): its id and, when @out_bp is not
 * NULL, its rate; STK_ERROR_NOT_FOUND with a sentence when there is none. */
static gboolean
cli_find_tax_rate (StkCli      *cli,
                   const char  *name,
                   gint64      *out_id,
                   gint64      *out_bp,
                   GError     **error)
{
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GPtrArray) rates = NULL;
  g_autofree char *folded = g_utf8_casefold (name, -1);

  if (!(store = cli_open_store (cli, error)) ||
      !(rates = stk_store_list_tax_rates (store, error)))
    return FALSE;
  for (guint i = 0; i < rates->len; i++)
    {
      const StkTaxRate *rate = g_ptr_array_index (rates, i);
      g_autofree char *other = g_utf8_casefold (rate->name, -1);

      if (g_str_equal (folded, other))
        {
          *out_id = rate->id;
          if (out_bp != NULL)
            *out_bp = rate->rate_bp;
          return TRUE;
        }
    }
  g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
               _("There is no tax rate named “%s” (see “stocktake tax-rates”)."), name);
  return FALSE;
}

/* The shop's rules kept in the inventory: printed, or one of them changed (through the
 * writer, so every computer on the inventory follows it from the next sale). */
static int
cli_settings (StkCli  *cli,
              char   **args,
              guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) op = NULL;
  StkWriter *writer;
  int status;

  if (n_args == 0)
    {
      g_autoptr(StkStore) store = NULL;
      g_auto(StkShopSettings) settings = { 0, };

      if (!(store = cli_open_store (cli, &error)) ||
          !stk_store_get_shop_settings (store, &settings, &error))
        return cli_fail (error);
      g_print (_("Receipt numbers: %s\n"),
               settings.receipt_series == STK_RECEIPT_SERIES_YEARLY
                 ? _("a new sequence each year (receipt-series yearly)")
                 : _("one sequence (receipt-series continuous)"));
      g_print (_("Stock below zero: %s\n"),
               settings.allow_negative_stock ? _("allowed (negative-stock allow)")
                                             : _("refused (negative-stock refuse)"));
      {
        g_autofree char *list = g_strjoinv (",", settings.payment_methods);
        g_autoptr(GString) shown = g_string_new (NULL);
        const char *labels;

        for (guint i = 0; settings.payment_methods[i] != NULL; i++)
          g_string_append_printf (shown, "%s%s", i > 0 ? ", " : "",
                                  stk_payment_method_label (settings.payment_methods[i]));
        labels = shown->str;

        /* Translators: the list is the shop's, as "stocktake settings payment-methods" takes it */
        g_print (_("Payment methods: %s (payment-methods %s)\n"),
                 labels, list);
      }
      g_print (_("Prices: %s\n"),
               settings.prices_include_tax ? _("tax included (prices-include-tax yes)")
                                           : _("tax added (prices-include-tax no)"));
      g_print (_("Tax rounding: %s\n"),
               settings.tax_rounding == STK_TAX_ROUND_RECEIPT
                 ? _("per receipt (tax-rounding receipt)")
                 : _("per line (tax-rounding line)"));
      {
        g_autoptr(GPtrArray) rates = stk_store_list_tax_rates (store, &error);
        const StkTaxRate *rate = NULL;

        if (rates == NULL)
          return cli_fail (error);
        for (guint i = 0; i < rates->len; i++)
          if (((const StkTaxRate *) g_ptr_array_index (rates, i))->id == settings.default_tax_rate)
            rate = g_ptr_array_index (rates, i);
        if (rate != NULL)
          {
            g_autofree char *percent = stk_tax_rate_format (rate->rate_bp);

            /* Translators: "Default tax rate: VAT (22 %) (default-tax-rate "VAT")" */
            g_print (_("Default tax rate: %s (%s) (default-tax-rate \"%s\")\n"), rate->name,
                     percent, rate->name);
          }
        else
          g_print (_("Default tax rate: none (default-tax-rate none)\n"));
      }
      return STK_CLI_EXIT_OK;
    }
  if (n_args != 2)
    return cli_command_usage_error (cli, _("Give a setting and its value, or nothing to see them."));

  if (g_str_equal (args[0], "receipt-series") && g_str_equal (args[1], "continuous"))
    op = stk_op_set_receipt_series (STK_RECEIPT_SERIES_CONTINUOUS);
  else if (g_str_equal (args[0], "receipt-series") && g_str_equal (args[1], "yearly"))
    op = stk_op_set_receipt_series (STK_RECEIPT_SERIES_YEARLY);
  else if (g_str_equal (args[0], "negative-stock") && g_str_equal (args[1], "allow"))
    op = stk_op_set_allow_negative_stock (TRUE);
  else if (g_str_equal (args[0], "negative-stock") && g_str_equal (args[1], "refuse"))
    op = stk_op_set_allow_negative_stock (FALSE);
  else if (g_str_equal (args[0], "prices-include-tax") && g_str_equal (args[1], "yes"))
    op = stk_op_set_prices_include_tax (TRUE);
  else if (g_str_equal (args[0], "prices-include-tax") && g_str_equal (args[1], "no"))
    op = stk_op_set_prices_include_tax (FALSE);
  else if (g_str_equal (args[0], "tax-rounding") && g_str_equal (args[1], "line"))
    op = stk_op_set_tax_rounding (STK_TAX_ROUND_LINE);
  else if (g_str_equal (args[0], "tax-rounding") && g_str_equal (args[1], "receipt"))
    op = stk_op_set_tax_rounding (STK_TAX_ROUND_RECEIPT);
  else if (g_str_equal (args[0], "default-tax-rate"))
    {
      gint64 rate_id = 0;

      if (!cli_check_inventory (cli, TRUE, &error))
        return cli_fail (error);
      /* "none", unless the shop has a rate of that name. */
      if (!cli_find_tax_rate (cli, args[1], &rate_id, NULL, &error) &&
          (g_ascii_strcasecmp (args[1], "none") != 0 ||
           !g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND)))
        return cli_fail_input (error);
      g_clear_error (&error);
      op = stk_op_set_default_tax_rate (rate_id);
    }
  else if (g_str_equal (args[0], "payment-methods"))
    {
      g_auto(GStrv) methods = g_strsplit (args[1], ",", -1);

      for (guint i = 0; methods[i] != NULL; i++)
        g_strstrip (methods[i]);
      if (!stk_payment_methods_check ((const char *const *) methods, &error))
        return cli_fail (error);
      op = stk_op_set_payment_methods ((const char *const *) methods);
    }
  else
    {
      g_autofree char *message =
        g_str_equal (args[0], "receipt-series")
          ? g_strdup_printf (_("“%s” is not a way receipt numbers run (continuous or yearly)."),
                             args[1])
        : g_str_equal (args[0], "negative-stock")
          ? g_strdup_printf (_("“%s” is not allow or refuse."), args[1])
        : g_str_equal (args[0], "prices-include-tax")
          ? g_strdup_printf (_("“%s” is not yes or no."), args[1])
        : g_str_equal (args[0], "tax-rounding")
          ? g_strdup_printf (_("“%s” is not a way tax is rounded (line or receipt)."), args[1])
          : g_strdup_printf (_("“%s” is not a setting (receipt-series, negative-stock, "
                               "payment-methods, prices-include-tax, tax-rounding, "
                               "default-tax-rate)."),
                             args[0]);
      return cli_command_usage_error (cli, message);
    }

  if (!cli_check_inventory (cli, TRUE, &error) ||
      !(writer = cli_open_writer (cli, &error)))
    return cli_fail (error);
  if (!stk_writer_submit_sync (writer, op, &error))
    return cli_close_writer (writer, cli_fail (error));
  status = cli_close_writer (writer, STK_CLI_EXIT_OK);
  if (status != STK_CLI_EXIT_OK)
    return status;
  /* Translators: "Changed receipt-series to yearly." */
  g_print (_("Changed %s to %s.\n"), args[0], args[1]);
  return STK_CLI_EXIT_OK;
}

/* ---- the close of the day ---- */

static void
json_append_int_or_null (GString  *json,
                         gboolean  has,
                         gint64    value)
{
  if (has)
    g_string_append_printf (json, "%" G_GINT64_FORMAT, value);
  else
    g_string_append (json, "null");
}

static void
json_append_time (GString *json,
                  gint64   us)
{
  g_autoptr(GDateTime) secs = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) t = secs != NULL ? g_date_time_add (secs, us % G_USEC_PER_SEC) : NULL;
  g_autofree char *text = t != NULL ? g_date_time_format_iso8601 (t) : NULL;

  if (text != NULL)
    json_append_string (json, text);
  else
    g_string_append (json, "null");
}

static void
print_day_report_json (const StkDayReport *report)
{
  g_autoptr(GString) json = g_string_new ("{\n  \"close\": ");

  json_append_int_or_null (json, report->close_id != 0, report->close_id);
  g_string_append (json, ",\n  \"from\": ");
  if (report->from_us != 0)
    json_append_time (json, report->from_us);
  else
    g_string_append (json, "null");
  g_string_append (json, ",\n  \"to\": ");
  json_append_time (json, report->to_us);
  g_string_append (json, ",\n  \"methods\": [");
  for (guint i = 0; i < report->methods->len; i++)
    {
      const StkDayMethod *m = g_ptr_array_index (report->methods, i);

      g_string_append (json, i > 0 ? ",\n    {\"method\": " : "\n    {\"method\": ");
      json_append_string (json, m->method);
      g_string_append (json, ", \"label\": ");
      json_append_string (json, stk_payment_method_label (m->method));
      g_string_append_printf (json,
                              ", \"sales\": %" G_GINT64_FORMAT ", \"sales_cents\": %" G_GINT64_FORMAT
                              ", \"voids\": %" G_GINT64_FORMAT ", \"voids_cents\": %" G_GINT64_FORMAT
                              ", \"returns\": %" G_GINT64_FORMAT ", \"returns_cents\": %" G_GINT64_FORMAT
                              ", \"net_cents\": %" G_GINT64_FORMAT
                              ", \"sales_tax_cents\": %" G_GINT64_FORMAT
                              ", \"voids_tax_cents\": %" G_GINT64_FORMAT
                              ", \"returns_tax_cents\": %" G_GINT64_FORMAT
                              ", \"tax_cents\": %" G_GINT64_FORMAT "}",
                              m->sales, m->sales_cents, m->voids, m->voids_cents, m->returns,
                              m->returns_cents, m->net_cents, m->sales_tax_cents,
                              m->voids_tax_cents, m->returns_tax_cents, m->tax_cents);
    }
  g_string_append (json, "\n  ],\n  \"taxes\": [");
  for (guint i = 0; i < report->taxes->len; i++)
    {
      const StkTaxPart *t = g_ptr_array_index (report->taxes, i);

      g_string_append (json, i > 0 ? ",\n    {\"name\": " : "\n    {\"name\": ");
      json_append_string (json, t->name);
      g_string_append (json, ", \"rate_bp\": ");
      json_append_int_or_null (json, t->rate_bp >= 0, t->rate_bp);
      g_string_append_printf (json,
                              ", \"taxable_cents\": %" G_GINT64_FORMAT
                              ", \"tax_cents\": %" G_GINT64_FORMAT
                              ", \"total_cents\": %" G_GINT64_FORMAT "}",
                              t->total_cents - t->tax_cents, t->tax_cents, t->total_cents);
    }
  g_string_append_printf (json,
                          "\n  ],\n  \"tax_cents\": %" G_GINT64_FORMAT
                          ",\n  \"sales\": %" G_GINT64_FORMAT ",\n  \"sales_cents\": %" G_GINT64_FORMAT
                          ",\n  \"voids\": %" G_GINT64_FORMAT ",\n  \"voids_cents\": %" G_GINT64_FORMAT
                          ",\n  \"returns\": %" G_GINT64_FORMAT ",\n  \"returns_cents\": %" G_GINT64_FORMAT
                          ",\n  \"net_cents\": %" G_GINT64_FORMAT
                          ",\n  \"expected_cash_cents\": %" G_GINT64_FORMAT ",\n  \"counted_cash_cents\": ",
                          report->tax_cents,
                          report->sales, report->sales_cents, report->voids, report->voids_cents,
                          report->returns, report->returns_cents, report->net_cents,
                          report->expected_cash_cents);
  json_append_int_or_null (json, report->counted, report->counted_cash_cents);
  g_string_append (json, ",\n  \"difference_cents\": ");
  json_append_int_or_null (json, report->counted, report->difference_cents);
  g_string_append (json, ",\n  \"note\": ");
  json_append_string (json, report->note);
  g_string_append (json, "\n}\n");
  fputs (json->str, stdout);
}

/* An amount taken off, as the report shows it: "−5.00", or "0.00". */
static char *
format_minus (gint64 cents)
{
  g_autofree char *text = stk_format_money (cents);

  return cents > 0 ? g_strconcat ("−", text, NULL) : g_steal_pointer (&text);
}

static void
print_padded (const char *text,
              int         width,
              gboolean    right)
{
  int pad = MAX (0, width - (int) display_width (text));

  if (right)
    g_print ("%*s%s", pad, "", text);
  else
    g_print ("%s%*s", text, pad, "");
}

/* @cells (row after row of @n_cols texts) as aligned columns two spaces apart, the
 * columns from @first_right on right-aligned; a blank line before the last row when
 * @total_last (a total under its rows). */
static void
print_table (GPtrArray *cells,
             guint      n_cols,
             guint      first_right,
             gboolean   total_last)
{
  g_autofree int *widths = g_new0 (int, n_cols);
  guint n_rows = cells->len / n_cols;

  for (guint i = 0; i < cells->len; i++)
    widths[i % n_cols] = MAX (widths[i % n_cols], (int) display_width (g_ptr_array_index (cells, i)));
  for (guint r = 0; r < n_rows; r++)
    {
      if (total_last && r > 0 && r == n_rows - 1)
        g_print ("\n");
      for (guint c = 0; c < n_cols; c++)
        {
          if (c > 0)
            g_print ("  ");
          print_padded (g_ptr_array_index (cells, r * n_cols + c), widths[c], c >= first_right);
        }
      g_print ("\n");
    }
}

static void
print_day_report_text (const StkDayReport *report)
{
  g_autofree char *to = stk_format_datetime (report->to_us);
  g_autofree char *from = report->from_us != 0 ? stk_format_datetime (report->from_us) : NULL;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  gboolean taxed = stk_tax_parts_any (report->taxes);
  const guint n_cols = taxed ? 8 : 7;

  if (report->close_id != 0)
    {
      char id[24];

      g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, report->close_id);
      if (from != NULL)
        /* Translators: "Close 3, made 12/07/2026 18:02:11, covers what was recorded since 12/06/2026 18:00:05." */
        g_print (_("Close %s, made %s, covers what was recorded since %s.\n"), id, to, from);
      else
        g_print (_("Close %s, made %s, covers what was recorded before it (the first close).\n"),
                 id, to);
    }
  else if (from != NULL)
    g_print (_("The day is not closed yet: what was recorded since %s (the last close).\n"), from);
  else
    g_print (_("The day is not closed yet, and never was: what was recorded until now.\n"));
  g_print ("\n");

  /* Translators: the columns of the day's report */
  g_ptr_array_add (cells, g_strdup (_("Payment")));
  g_ptr_array_add (cells, g_strdup (_("Sales")));
  g_ptr_array_add (cells, g_strdup (_("Amount")));
  g_ptr_array_add (cells, g_strdup (_("Voids")));
  g_ptr_array_add (cells, g_strdup (_("Returns")));
  g_ptr_array_add (cells, g_strdup (_("Refunded")));
  g_ptr_array_add (cells, g_strdup (_("Net")));
  if (taxed)
    /* Translators: a column of the day's report: the tax in the net */
    g_ptr_array_add (cells, g_strdup (_("Tax")));
  for (guint i = 0; i <= report->methods->len; i++)
    {
      const StkDayMethod *m = i < report->methods->len ? g_ptr_array_index (report->methods, i) : NULL;
      gint64 voids_cents = m != NULL ? m->voids_cents : report->voids_cents;
      gint64 voids = m != NULL ? m->voids : report->voids;

      g_ptr_array_add (cells, g_strdup (m != NULL ? stk_payment_method_label (m->method) : _("Total")));
      g_ptr_array_add (cells, stk_format_count (m != NULL ? m->sales : report->sales));
      g_ptr_array_add (cells, stk_format_money (m != NULL ? m->sales_cents : report->sales_cents));
      if (voids > 0)
        {
          g_autofree char *n = stk_format_count (voids);
          g_autofree char *amount = format_minus (voids_cents);

          g_ptr_array_add (cells, g_strdup_printf ("%s (%s)", n, amount));
        }
      else
        g_ptr_array_add (cells, g_strdup ("0"));
      g_ptr_array_add (cells, stk_format_count (m != NULL ? m->returns : report->returns));
      g_ptr_array_add (cells, format_minus (m != NULL ? m->returns_cents : report->returns_cents));
      g_ptr_array_add (cells, stk_format_money (m != NULL ? m->net_cents : report->net_cents));
      if (taxed)
        g_ptr_array_add (cells, stk_format_money (m != NULL ? m->tax_cents : report->tax_cents));
    }
  print_table (cells, n_cols, 1, TRUE);
  g_print ("\n");

  if (taxed)
    {
      gint64 taxable = 0, tax = 0, total = 0;

      g_ptr_array_set_size (cells, 0);
      /* Translators: the columns of the day's tax by rate */
      g_ptr_array_add (cells, g_strdup (_("Tax rate")));
      g_ptr_array_add (cells, g_strdup (_("Taxable")));
      g_ptr_array_add (cells, g_strdup (_("Tax")));
      g_ptr_array_add (cells, g_strdup (_("With tax")));
      for (guint i = 0; i < report->taxes->len; i++)
        {
          const StkTaxPart *t = g_ptr_array_index (report->taxes, i);

          if (t->rate_bp < 0)
            g_ptr_array_add (cells, g_strdup (_("No tax")));
          else
            {
              g_autofree char *rate = stk_tax_rate_format (t->rate_bp);

              g_ptr_array_add (cells, g_strdup_printf ("%s (%s)", t->name, rate));
            }
          g_ptr_array_add (cells, stk_format_money (t->total_cents - t->tax_cents));
          g_ptr_array_add (cells, stk_format_money (t->tax_cents));
          g_ptr_array_add (cells, stk_format_money (t->total_cents));
          taxable += t->total_cents - t->tax_cents;
          tax += t->tax_cents;
          total += t->total_cents;
        }
      g_ptr_array_add (cells, g_strdup (_("Total")));
      g_ptr_array_add (cells, stk_format_money (taxable));
      g_ptr_array_add (cells, stk_format_money (tax));
      g_ptr_array_add (cells, stk_format_money (total));
      print_table (cells, 4, 1, TRUE);
      g_print ("\n");
    }

  {
    g_autofree char *expected = stk_format_currency (report->expected_cash_cents);

    g_print (_("Cash expected in the drawer: %s\n"), expected);
  }
  if (report->counted)
    {
      g_autofree char *counted = stk_format_currency (report->counted_cash_cents);
      g_autofree char *difference = stk_format_currency (ABS (report->difference_cents));

      g_print (_("Cash counted: %s\n"), counted);
      if (report->difference_cents == 0)
        g_print (_("Difference: none\n"));
      else if (report->difference_cents < 0)
        /* Translators: the counted cash is less than expected by %s */
        g_print (_("Difference: %s short\n"), difference);
      else
        /* Translators: the counted cash is more than expected by %s */
        g_print (_("Difference: %s over\n"), difference);
    }
  if (report->note[0] != '\0')
    g_print (_("Note: %s\n"), report->note);
}

/* --pdf: whether this build can write the day report as a PDF (GTK draws it). */
static gboolean
cli_can_write_day_pdf (GError **error)
{
#ifndef STK_WITH_GUI
  g_set_error (error, STK_ERROR, STK_ERROR_NOT_SUPPORTED,
               _("This build of Stocktake has no GTK, which draws the day report: save it "
                 "as a PDF from the window of a full build."));
  return FALSE;
#else
  return TRUE;
#endif
}

/* --pdf FILE: @report as the window saves it (the shop's name and address of the
 * preferences), replacing FILE; said on stdout unless the report went out as JSON. */
static gboolean
cli_write_day_pdf (StkCli              *cli,
                   const StkDayReport  *report,
                   const char          *path,
                   GError             **error)
{
#ifndef STK_WITH_GUI
  return cli_can_write_day_pdf (error);
#else
  g_autoptr(GSettings) settings = stk_settings_new_if_installed (APP_ID);
  g_autofree char *shop_name = NULL;
  g_autofree char *shop_address = NULL;

  /* The shop as the preferences name it; without the settings schema, none. */
  shop_name = settings != NULL ? g_settings_get_string (settings, "shop-name") : g_strdup ("");
  shop_address = settings != NULL ? g_settings_get_string (settings, "shop-address")
                                  : g_strdup ("");
  if (!stk_day_report_write_pdf (report, shop_name, shop_address, path, error))
    return FALSE;
  if (cli_get_option (cli, "--json") == NULL)
    /* Translators: after the day report, "Wrote the day report to day.pdf" */
    g_print (_("Wrote the day report to %s\n"), path);
  return TRUE;
#endif
}

/* "2026-12-07": the local date in @year, @month, @day. */
static gboolean
parse_date (const char *text,
            int        *year,
            int        *month,
            int        *day)
{
  char end;

  return sscanf (text, "%4d-%2d-%2d%c", year, month, day, &end) == 3 &&
         g_date_valid_dmy (*day, *month, *year);
}

/* Every close, newest first: when, how many sales, the net, the cash expected and
 * counted, the difference. */
static int
cli_report_closes (StkCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GArray) closes = NULL;

  if (!cli_check_inventory (cli, FALSE, &error) ||
      !(store = cli_open_store (cli, &error)) ||
      !(closes = stk_store_list_day_closes (store, G_MAXUINT, &error)))
    return cli_fail (error);

  if (cli_get_option (cli, "--json") != NULL)
    {
      g_autoptr(GString) json = g_string_new ("{\n  \"closes\": [");

      for (guint i = 0; i < closes->len; i++)
        {
          const StkDayCloseSummary *c = &g_array_index (closes, StkDayCloseSummary, i);

          g_string_append_printf (json, "%s\n    {\"close\": %" G_GINT64_FORMAT ", \"closed_at\": ",
                                  i > 0 ? "," : "", c->close_id);
          json_append_time (json, c->closed_at_us);
          g_string_append_printf (json,
                                  ", \"sales\": %" G_GINT64_FORMAT ", \"net_cents\": %" G_GINT64_FORMAT
                                  ", \"expected_cash_cents\": %" G_GINT64_FORMAT
                                  ", \"counted_cash_cents\": %" G_GINT64_FORMAT
                                  ", \"difference_cents\": %" G_GINT64_FORMAT "}",
                                  c->sales, c->net_cents, c->expected_cash_cents,
                                  c->counted_cash_cents, c->difference_cents);
        }
      g_string_append (json, closes->len > 0 ? "\n  ]\n}\n" : "]\n}\n");
      fputs (json->str, stdout);
      return STK_CLI_EXIT_OK;
    }

  if (closes->len == 0)
    {
      g_print (_("No day has been closed yet.\n"));
      return STK_CLI_EXIT_OK;
    }
  {
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
    const guint n_cols = 7;

    /* Translators: the columns of the list of closes */
    g_ptr_array_add (cells, g_strdup (_("Close")));
    g_ptr_array_add (cells, g_strdup (_("Closed")));
    g_ptr_array_add (cells, g_strdup (_("Sales")));
    g_ptr_array_add (cells, g_strdup (_("Net")));
    g_ptr_array_add (cells, g_strdup (_("Cash expected")));
    g_ptr_array_add (cells, g_strdup (_("Cash counted")));
    g_ptr_array_add (cells, g_strdup (_("Difference")));
    for (guint i = 0; i < closes->len; i++)
      {
        const StkDayCloseSummary *c = &g_array_index (closes, StkDayCloseSummary, i);

        g_ptr_array_add (cells, g_strdup_printf ("%" G_GINT64_FORMAT, c->close_id));
        g_ptr_array_add (cells, stk_format_datetime (c->closed_at_us));
        g_ptr_array_add (cells, stk_format_count (c->sales));
        g_ptr_array_add (cells, stk_format_money (c->net_cents));
        g_ptr_array_add (cells, stk_format_money (c->expected_cash_cents));
        g_ptr_array_add (cells, stk_format_money (c->counted_cash_cents));
        if (c->difference_cents == 0)
          g_ptr_array_add (cells, stk_format_money (0));
        else
          {
            g_autofree char *amount = stk_format_money (ABS (c->difference_cents));

            g_ptr_array_add (cells, g_strdup_printf (c->difference_cents < 0
                                                       /* Translators: a cash difference, "0.50 short" */
                                                       ? _("%s short")
                                                       /* Translators: a cash difference, "0.50 over" */
                                                       : _("%s over"),
                                                     amount));
          }
      }
    print_table (cells, n_cols, 2, FALSE);
  }
  return STK_CLI_EXIT_OK;
}

/* "22 %" for a rate, "No tax" for none. */
static char *
format_tax_rate_label (const StkTaxReportRate *r)
{
  /* Translators: the rate of sale lines without tax in the tax report */
  return r->rate_bp < 0 ? g_strdup (_("No tax")) : stk_tax_rate_format (r->rate_bp);
}

static void
json_append_tax_figures (GString                *json,
                         const StkTaxReportRate *r)
{
  g_string_append_printf (json,
                          "\"sales_cents\": %" G_GINT64_FORMAT ", \"sales_tax_cents\": %" G_GINT64_FORMAT
                          ", \"voids_cents\": %" G_GINT64_FORMAT ", \"voids_tax_cents\": %" G_GINT64_FORMAT
                          ", \"returns_cents\": %" G_GINT64_FORMAT
                          ", \"returns_tax_cents\": %" G_GINT64_FORMAT
                          ", \"net_cents\": %" G_GINT64_FORMAT ", \"net_tax_cents\": %" G_GINT64_FORMAT
                          ", \"net_taxable_cents\": %" G_GINT64_FORMAT,
                          r->sales_cents, r->sales_tax_cents, r->voids_cents, r->voids_tax_cents,
                          r->returns_cents, r->returns_tax_cents, r->net_cents, r->net_tax_cents,
                          r->net_taxable_cents);
}

static void
print_tax_report_json (const StkTaxReport *report)
{
  g_autoptr(GString) json = g_string_new ("{\n  \"from\": ");

  json_append_time (json, report->from_us);
  g_string_append (json, ",\n  \"to\": ");
  json_append_time (json, report->to_us);
  g_string_append (json, ",\n  \"rates\": [");
  for (guint i = 0; i < report->rates->len; i++)
    {
      const StkTaxReportRate *r = g_ptr_array_index (report->rates, i);

      g_string_append_printf (json, "%s\n    {\"name\": ", i > 0 ? "," : "");
      if (r->rate_bp < 0)
        g_string_append (json, "null, \"rate_bp\": null, ");
      else
        {
          json_append_string (json, r->name);
          g_string_append_printf (json, ", \"rate_bp\": %" G_GINT64_FORMAT ", ", r->rate_bp);
        }
      json_append_tax_figures (json, r);
      g_string_append (json, "}");
    }
  g_string_append (json, report->rates->len > 0 ? "\n  ],\n  \"total\": {" : "],\n  \"total\": {");
  json_append_tax_figures (json, &report->total);
  g_string_append (json, "}\n}\n");
  fputs (json->str, stdout);
}

static void
print_tax_report_text (const StkTaxReport *report)
{
  g_autoptr(GDateTime) from = g_date_time_new_from_unix_local (report->from_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) last = g_date_time_new_from_unix_local (report->to_us / G_USEC_PER_SEC - 1);
  g_autofree char *from_text = g_date_time_format (from, "%Y-%m-%d");
  g_autofree char *last_text = g_date_time_format (last, "%Y-%m-%d");
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  const guint n_cols = 8;

  /* Translators: the heading of the tax report, "Tax from 2026-12-01 to 2026-12-31" */
  g_print (_("Tax from %s to %s\n"), from_text, last_text);
  g_print (_("Sales by the day they were sold, with their voids; returns by the day they were made.\n\n"));
  if (report->rates->len == 0)
    {
      g_print (_("Nothing was sold nor returned in this period.\n"));
      return;
    }
  /* Translators: the columns of the tax report */
  g_ptr_array_add (cells, g_strdup (C_("tax report", "Name")));
  g_ptr_array_add (cells, g_strdup (C_("tax report", "Rate")));
  g_ptr_array_add (cells, g_strdup (C_("tax report", "Sales")));
  g_ptr_array_add (cells, g_strdup (C_("tax report", "Voided")));
  g_ptr_array_add (cells, g_strdup (C_("tax report", "Returned")));
  g_ptr_array_add (cells, g_strdup (C_("tax report", "Net")));
  g_ptr_array_add (cells, g_strdup (C_("tax report", "Taxable")));
  g_ptr_array_add (cells, g_strdup (C_("tax report", "Tax")));
  for (guint i = 0; i <= report->rates->len; i++)
    {
      const StkTaxReportRate *r = i < report->rates->len ? g_ptr_array_index (report->rates, i)
                                                         : &report->total;

      if (i == report->rates->len)
        {
          /* Translators: the last row of the tax report */
          g_ptr_array_add (cells, g_strdup (C_("tax report", "Total")));
          g_ptr_array_add (cells, g_strdup (""));
        }
      else
        {
          g_ptr_array_add (cells, g_strdup (r->rate_bp < 0 ? "" : r->name));
          g_ptr_array_add (cells, format_tax_rate_label (r));
        }
      g_ptr_array_add (cells, stk_format_money (r->sales_cents));
      g_ptr_array_add (cells, format_minus (r->voids_cents));
      g_ptr_array_add (cells, format_minus (r->returns_cents));
      g_ptr_array_add (cells, stk_format_money (r->net_cents));
      g_ptr_array_add (cells, stk_format_money (r->net_taxable_cents));
      g_ptr_array_add (cells, stk_format_money (r->net_tax_cents));
    }
  print_table (cells, n_cols, 2, TRUE);
}

/* @text (2026-12-07) as the local midnight that starts that day, or (@next) the next
 * day; FALSE when it is not a date. */
static gboolean
parse_date_us (const char *text,
               gboolean    next,
               gint64     *out_us)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) day = NULL;
  int year, month, dd;

  if (!parse_date (text, &year, &month, &dd) ||
      (start = g_date_time_new_local (year, month, dd, 0, 0, 0)) == NULL)
    return FALSE;
  if (next)
    {
      int y, m, d;

      day = g_date_time_add_days (start, 1);
      g_date_time_get_ymd (day, &y, &m, &d);
      g_clear_pointer (&start, g_date_time_unref);
      start = g_date_time_new_local (y, m, d, 0, 0, 0);
      if (start == NULL)
        return FALSE;
    }
  *out_us = g_date_time_to_unix (start) * G_USEC_PER_SEC;
  return TRUE;
}

/* The period of a report from --from to --to (each a local date, both included; this
 * month by default): -1, or the exit status of a bad one. */
static int
cli_report_period (StkCli *cli,
                   gint64 *out_from_us,
                   gint64 *out_to_us)
{
  const StkCliOption *from = cli_get_option (cli, "--from");
  const StkCliOption *to = cli_get_option (cli, "--to");
  gint64 from_us = 0, to_us = 0;
  g_autoptr(GError) error = NULL;

  if (from != NULL && !parse_date_us (from->value, FALSE, &from_us))
    {
      g_autofree char *message = g_strdup_printf (_("--from: “%s” is not a date like 2026-12-31."),
                                                  from->value);
      return cli_command_usage_error (cli, message);
    }
  if (to != NULL && !parse_date_us (to->value, TRUE, &to_us))
    {
      g_autofree char *message = g_strdup_printf (_("--to: “%s” is not a date like 2026-12-31."),
                                                  to->value);
      return cli_command_usage_error (cli, message);
    }
  if (from == NULL || to == NULL)
    {
      /* This month: from its first day to its last, or around the date given. */
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autoptr(GDateTime) first = NULL;
      g_autoptr(GDateTime) next = NULL;

      first = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now), 1,
                                     0, 0, 0);
      next = g_date_time_add_months (first, 1);
      if (from == NULL && to != NULL)
        {
          g_autoptr(GDateTime) before = g_date_time_new_from_unix_local (to_us / G_USEC_PER_SEC - 1);

          g_clear_pointer (&first, g_date_time_unref);
          first = g_date_time_new_local (g_date_time_get_year (before),
                                         g_date_time_get_month (before), 1, 0, 0, 0);
        }
      if (from == NULL)
        from_us = g_date_time_to_unix (first) * G_USEC_PER_SEC;
      if (to == NULL)
        {
          if (from != NULL)
            {
              g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (from_us / G_USEC_PER_SEC);
              g_autoptr(GDateTime) month = g_date_time_new_local (g_date_time_get_year (start),
                                                                  g_date_time_get_month (start),
                                                                  1, 0, 0, 0);

              g_clear_pointer (&next, g_date_time_unref);
              next = g_date_time_add_months (month, 1);
            }
          to_us = g_date_time_to_unix (next) * G_USEC_PER_SEC;
        }
    }
  if (from_us >= to_us)
    {
      g_set_error (&error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("--from %s comes after --to %s."), from != NULL ? from->value : "",
                   to != NULL ? to->value : "");
      return cli_fail_input (error);
    }
  *out_from_us = from_us;
  *out_to_us = to_us;
  return -1;
}

/* The taxable amount and the tax per rate from --from to --to (each a local date, both
 * included; this month by default). */
static int
cli_report_tax (StkCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkTaxReport) report = NULL;
  gint64 from_us = 0, to_us = 0;
  int status;

  if (cli_get_option (cli, "--date") != NULL || cli_get_option (cli, "--close") != NULL ||
      cli_get_option (cli, "--pdf") != NULL)
    return cli_command_usage_error (cli, _("The tax report takes only --from, --to and --json."));
  if ((status = cli_report_period (cli, &from_us, &to_us)) >= 0)
    return status;

  if (!cli_check_inventory (cli, FALSE, &error) ||
      !(store = cli_open_store (cli, &error)) ||
      !(report = stk_store_tax_report (store, from_us, to_us, &error)))
    return cli_fail (error);
  if (cli_get_option (cli, "--json") != NULL)
    print_tax_report_json (report);
  else
    print_tax_report_text (report);
  return STK_CLI_EXIT_OK;
}

static void
print_valuation_json (const StkValuation *v)
{
  g_autoptr(GString) json = g_string_new ("{\n  \"items\": [");

  for (guint i = 0; i < v->items->len; i++)
    {
      const StkValuationItem *it = g_ptr_array_index (v->items, i);

      g_string_append_printf (json, "%s\n    {\"code\": ", i > 0 ? "," : "");
      json_append_string (json, it->code);
      g_string_append (json, ", \"description\": ");
      json_append_string (json, it->description);
      g_string_append_printf (json,
                              ", \"on_hand\": %" G_GINT64_FORMAT
                              ", \"default_cost_cents\": %" G_GINT64_FORMAT
                              ", \"average_cost_cents\": %" G_GINT64_FORMAT
                              ", \"unit_price_cents\": %" G_GINT64_FORMAT
                              ", \"value_at_cost_cents\": %" G_GINT64_FORMAT
                              ", \"value_at_price_cents\": %" G_GINT64_FORMAT "}",
                              it->on_hand, it->default_cost_cents, it->average_cost_cents,
                              it->unit_price_cents, it->value_at_cost_cents,
                              it->value_at_price_cents);
    }
  g_string_append_printf (json,
                          "%s],\n  \"units\": %" G_GINT64_FORMAT
                          ",\n  \"value_at_cost_cents\": %" G_GINT64_FORMAT
                          ",\n  \"value_at_price_cents\": %" G_GINT64_FORMAT
                          ",\n  \"unknown_cost_items\": %" G_GINT64_FORMAT "\n}\n",
                          v->items->len > 0 ? "\n  " : "", v->units, v->value_at_cost_cents,
                          v->value_at_price_cents, v->unknown_items);
  fputs (json->str, stdout);
}

static void
print_valuation_text (const StkValuation *v)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

  if (v->items->len == 0)
    {
      g_print (_("No item has stock on hand.\n"));
      return;
    }
  /* Translators: the columns of the stock valuation */
  g_ptr_array_add (cells, g_strdup (C_("valuation", "Code")));
  g_ptr_array_add (cells, g_strdup (C_("valuation", "On hand")));
  g_ptr_array_add (cells, g_strdup (C_("valuation", "Average cost")));
  g_ptr_array_add (cells, g_strdup (C_("valuation", "At cost")));
  g_ptr_array_add (cells, g_strdup (C_("valuation", "Price")));
  g_ptr_array_add (cells, g_strdup (C_("valuation", "At selling price")));
  for (guint i = 0; i <= v->items->len; i++)
    {
      if (i < v->items->len)
        {
          const StkValuationItem *it = g_ptr_array_index (v->items, i);

          g_ptr_array_add (cells, g_strdup (it->code));
          g_ptr_array_add (cells, stk_format_count (it->on_hand));
          g_ptr_array_add (cells, it->average_cost_cents > 0
                                  ? stk_format_money (it->average_cost_cents)
                                  : g_strdup (C_("cost", "unknown")));
          g_ptr_array_add (cells, stk_format_money (it->value_at_cost_cents));
          g_ptr_array_add (cells, stk_format_money (it->unit_price_cents));
          g_ptr_array_add (cells, stk_format_money (it->value_at_price_cents));
        }
      else
        {
          /* Translators: the last row of the stock valuation */
          g_ptr_array_add (cells, g_strdup (C_("valuation", "Total")));
          g_ptr_array_add (cells, stk_format_count (v->units));
          g_ptr_array_add (cells, g_strdup (""));
          g_ptr_array_add (cells, stk_format_money (v->value_at_cost_cents));
          g_ptr_array_add (cells, g_strdup (""));
          g_ptr_array_add (cells, stk_format_money (v->value_at_price_cents));
        }
    }
  print_table (cells, 6, 1, TRUE);
  if (v->unknown_items > 0)
    {
      g_autofree char *n = stk_format_count (v->unknown_items);

      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%s item with stock has no known cost: it counts as 0 at cost.\n",
                            "%s items with stock have no known cost: they count as 0 at cost.\n",
                            (gulong) CLAMP (v->unknown_items, 0, G_MAXLONG)),
               n);
    }
}

static int
cli_report_valuation (StkCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkValuation) valuation = NULL;

  if (cli_get_option (cli, "--date") != NULL || cli_get_option (cli, "--close") != NULL ||
      cli_get_option (cli, "--pdf") != NULL || cli_get_option (cli, "--from") != NULL ||
      cli_get_option (cli, "--to") != NULL)
    return cli_command_usage_error (cli, _("The valuation takes only --json."));
  if (!cli_check_inventory (cli, FALSE, &error) ||
      !(store = cli_open_store (cli, &error)) ||
      !(valuation = stk_store_valuation (store, &error)))
    return cli_fail (error);
  if (cli_get_option (cli, "--json") != NULL)
    print_valuation_json (valuation);
  else
    print_valuation_text (valuation);
  return STK_CLI_EXIT_OK;
}

static void
json_append_margin (GString            *json,
                    const StkMarginRow *r)
{
  g_string_append_printf (json,
                          "\"quantity\": %" G_GINT64_FORMAT
                          ", \"revenue_cents\": %" G_GINT64_FORMAT
                          ", \"costed_revenue_cents\": %" G_GINT64_FORMAT
                          ", \"cost_cents\": %" G_GINT64_FORMAT
                          ", \"margin_cents\": %" G_GINT64_FORMAT
                          ", \"margin_bp\": %" G_GINT64_FORMAT
                          ", \"unknown_cost_lines\": %" G_GINT64_FORMAT,
                          r->quantity, r->revenue_cents, r->costed_revenue_cents, r->cost_cents,
                          r->margin_cents, r->margin_bp, r->unknown_lines);
}

static void
print_margin_json (const StkMarginReport *report)
{
  g_autoptr(GString) json = g_string_new ("{\n  \"from\": ");

  json_append_time (json, report->from_us);
  g_string_append (json, ",\n  \"to\": ");
  json_append_time (json, report->to_us);
  g_string_append (json, ",\n  \"items\": [");
  for (guint i = 0; i < report->items->len; i++)
    {
      const StkMarginRow *r = g_ptr_array_index (report->items, i);

      g_string_append_printf (json, "%s\n    {\"code\": ", i > 0 ? "," : "");
      json_append_string (json, r->code);
      g_string_append (json, ", ");
      json_append_margin (json, r);
      g_string_append (json, "}");
    }
  g_string_append (json, report->items->len > 0 ? "\n  ],\n  \"total\": {" : "],\n  \"total\": {");
  json_append_margin (json, &report->total);
  g_string_append (json, "}\n}\n");
  fputs (json->str, stdout);
}

static void
print_margin_text (const StkMarginReport *report)
{
  g_autoptr(GDateTime) from = g_date_time_new_from_unix_local (report->from_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) last = g_date_time_new_from_unix_local (report->to_us / G_USEC_PER_SEC - 1);
  g_autofree char *from_text = g_date_time_format (from, "%Y-%m-%d");
  g_autofree char *last_text = g_date_time_format (last, "%Y-%m-%d");
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

  /* Translators: the heading of the margin report, "Margin from 2026-12-01 to 2026-12-31" */
  g_print (_("Margin from %s to %s\n"), from_text, last_text);
  g_print (_("Revenue without tax; sales by the day they were sold (voided ones left out), "
             "returns by the day they were made.\n\n"));
  if (report->items->len == 0)
    {
      g_print (_("Nothing was sold nor returned in this period.\n"));
      return;
    }
  /* Translators: the columns of the margin report */
  g_ptr_array_add (cells, g_strdup (C_("margin report", "Code")));
  g_ptr_array_add (cells, g_strdup (C_("margin report", "Sold")));
  g_ptr_array_add (cells, g_strdup (C_("margin report", "Revenue")));
  g_ptr_array_add (cells, g_strdup (C_("margin report", "Cost of goods")));
  g_ptr_array_add (cells, g_strdup (C_("margin report", "Margin")));
  g_ptr_array_add (cells, g_strdup (C_("margin report", "Margin %")));
  for (guint i = 0; i <= report->items->len; i++)
    {
      const StkMarginRow *r = i < report->items->len ? g_ptr_array_index (report->items, i)
                                                     : &report->total;

      /* Translators: the last row of the margin report */
      g_ptr_array_add (cells, g_strdup (i < report->items->len ? r->code
                                                               : C_("margin report", "Total")));
      g_ptr_array_add (cells, stk_format_count (r->quantity));
      g_ptr_array_add (cells, stk_format_money (r->revenue_cents));
      g_ptr_array_add (cells, stk_format_money (r->cost_cents));
      g_ptr_array_add (cells, stk_format_money (r->margin_cents));
      g_ptr_array_add (cells, r->costed_revenue_cents != 0 ? stk_cost_margin_format (r->margin_bp)
                                                           : g_strdup ("—"));
    }
  print_table (cells, 6, 1, TRUE);
  if (report->total.unknown_lines > 0)
    {
      g_autofree char *n = stk_format_count (report->total.unknown_lines);
      g_autofree char *rev = stk_format_money (report->total.revenue_cents
                                               - report->total.costed_revenue_cents);

      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%s sale line had no known cost: its revenue (%s) is left out of "
                            "the margin.\n",
                            "%s sale lines had no known cost: their revenue (%s) is left out of "
                            "the margin.\n",
                            (gulong) CLAMP (report->total.unknown_lines, 0, G_MAXLONG)),
               n, rev);
    }
}

/* Revenue, cost of goods sold and margin per item from --from to --to. */
static int
cli_report_margin (StkCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkMarginReport) report = NULL;
  gint64 from_us = 0, to_us = 0;
  int status;

  if (cli_get_option (cli, "--date") != NULL || cli_get_option (cli, "--close") != NULL ||
      cli_get_option (cli, "--pdf") != NULL)
    return cli_command_usage_error (cli, _("The margin report takes only --from, --to and --json."));
  if ((status = cli_report_period (cli, &from_us, &to_us)) >= 0)
    return status;
  if (!cli_check_inventory (cli, FALSE, &error) ||
      !(store = cli_open_store (cli, &error)) ||
      !(report = stk_store_margin_report (store, from_us, to_us, &error)))
    return cli_fail (error);
  if (cli_get_option (cli, "--json") != NULL)
    print_margin_json (report);
  else
    print_margin_text (report);
  return STK_CLI_EXIT_OK;
}

static int
cli_report (StkCli  *cli,
            char   **args,
            guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkDayReport) report = NULL;
  const StkCliOption *date = cli_get_option (cli, "--date");
  const StkCliOption *close = cli_get_option (cli, "--close");
  const StkCliOption *pdf = cli_get_option (cli, "--pdf");
  gint64 close_id = 0;
  int year = 0, month = 0, day = 0;

  if (g_str_equal (args[0], "closes"))
    {
      if (date != NULL || close != NULL || pdf != NULL ||
          cli_get_option (cli, "--from") != NULL || cli_get_option (cli, "--to") != NULL)
        return cli_command_usage_error (cli, _("The list of closes takes only --json."));
      return cli_report_closes (cli);
    }
  if (g_str_equal (args[0], "tax"))
    return cli_report_tax (cli);
  if (g_str_equal (args[0], "margin"))
    return cli_report_margin (cli);
  if (g_str_equal (args[0], "valuation"))
    return cli_report_valuation (cli);
  if (cli_get_option (cli, "--from") != NULL || cli_get_option (cli, "--to") != NULL)
    return cli_command_usage_error (cli, _("--from and --to are for the tax and margin "
                                           "reports."));
  if (!g_str_equal (args[0], "day"))
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not a report (day, closes, tax, margin, valuation)."),
                         args[0]);
      return cli_command_usage_error (cli, message);
    }
  if (date != NULL && close != NULL)
    return cli_command_usage_error (cli, _("Give --date or --close, not both."));
  if (date != NULL && !parse_date (date->value, &year, &month, &day))
    {
      g_autofree char *message = g_strdup_printf (_("--date: “%s” is not a date like 2026-12-31."),
                                                  date->value);
      return cli_command_usage_error (cli, message);
    }
  if (close != NULL &&
      (!stk_parse_count (close->value, &close_id, NULL) || close_id <= 0))
    {
      g_autofree char *message = g_strdup_printf (_("--close: “%s” is not a close’s number."),
                                                  close->value);
      return cli_command_usage_error (cli, message);
    }
  if (pdf != NULL && !cli_can_write_day_pdf (&error))
    return cli_fail (error);

  if (!cli_check_inventory (cli, FALSE, &error) ||
      !(store = cli_open_store (cli, &error)))
    return cli_fail (error);
  if (date != NULL)
    {
      if (!stk_store_find_day_close (store, year, month, day, &close_id, &error))
        return cli_fail (error);
      if (close_id == 0)
        {
          g_set_error (&error, STK_ERROR, STK_ERROR_NOT_FOUND,
                       _("No day was closed on %s."), date->value);
          return cli_fail_input (error);
        }
    }
  if (!(report = stk_store_get_day_report (store, close_id, &error)))
    return cli_fail_input (error);
  if (cli_get_option (cli, "--json") != NULL)
    print_day_report_json (report);
  else
    print_day_report_text (report);
  if (pdf != NULL && !cli_write_day_pdf (cli, report, pdf->value, &error))
    return cli_fail (error);
  return STK_CLI_EXIT_OK;
}

static int
cli_close_day (StkCli  *cli,
               char   **args,
               guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) op = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkDayReport) report = NULL;
  const StkCliOption *counted = cli_get_option (cli, "--counted-cash");
  const StkCliOption *note = cli_get_option (cli, "--note");
  const StkCliOption *pdf = cli_get_option (cli, "--pdf");
  gint64 counted_cents = 0;
  StkWriter *writer;
  int status;

  if (counted == NULL)
    return cli_command_usage_error (cli, _("Give the cash counted in the drawer: --counted-cash AMOUNT."));
  {
    g_autofree char *text = g_strstrip (g_strdup (counted->value));

    if (text[0] == '-' || g_str_has_prefix (text, "−"))
      {
        g_set_error_literal (&error, STK_ERROR, STK_ERROR_INVALID_DATA,
                             _("The counted cash cannot be negative: count what is in the drawer."));
        return cli_fail_input (error);
      }
    if (!stk_parse_money (text, &counted_cents, &error))
      {
        g_prefix_error (&error, _("--counted-cash “%s”: "), counted->value);
        return cli_fail_input (error);
      }
  }
  if (note != NULL && g_utf8_strlen (note->value, -1) > 1000)
    {
      g_set_error_literal (&error, STK_ERROR, STK_ERROR_INVALID_DATA,
                           _("The note is longer than 1000 characters."));
      return cli_fail_input (error);
    }
  /* Said before anything is closed. */
  if (pdf != NULL && !cli_can_write_day_pdf (&error))
    return cli_fail (error);

  if (!cli_check_inventory (cli, TRUE, &error) ||
      !(writer = cli_open_writer (cli, &error)))
    return cli_fail (error);
  op = stk_op_close_day (counted_cents, note != NULL ? note->value : NULL);
  if (!stk_writer_submit_sync (writer, op, &error))
    return cli_close_writer (writer, cli_fail (error));
  status = cli_close_writer (writer, STK_CLI_EXIT_OK);
  if (status != STK_CLI_EXIT_OK)
    return status;

  if (!(store = stk_store_new (cli->db_path, &error)) ||
      !(report = stk_store_get_day_report (store, stk_op_get_row_id (op), &error)))
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, stk_op_get_row_id (op));

      g_print (_("Closed the day (close %s).\n"), id);
      return cli_fail (error);
    }
  if (cli_get_option (cli, "--json") != NULL)
    print_day_report_json (report);
  else
    print_day_report_text (report);
  if (pdf != NULL && !cli_write_day_pdf (cli, report, pdf->value, &error))
    return cli_fail (error);
  return STK_CLI_EXIT_OK;
}

/* ---- tax rates ---- */

/* A rate as the CSV files and --json write it, whatever the locale: "22", "5.5", "0.25". */
static char *
tax_rate_plain (gint64 rate_bp)
{
  char *text = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", rate_bp / 100, (int) (rate_bp % 100));
  gsize len = strlen (text);

  while (text[len - 1] == '0')
    text[--len] = '\0';
  if (text[len - 1] == '.')
    text[--len] = '\0';
  return text;
}

/* Submits @op on a writer of its own; a rule it breaks (a name taken, a rate in use) is
 * bad input. */
static int
cli_submit (StkCli  *cli,
            StkOp   *op)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;

  if (!cli_check_inventory (cli, TRUE, &error) ||
      !(writer = cli_open_writer (cli, &error)))
    return cli_fail (error);
  if (!stk_writer_submit_sync (writer, op, &error))
    {
      int status = cli_fail_input (error);

      /* A rate or a name refused by the op's checks is bad input too. */
      if (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA))
        status = 65;
      return cli_close_writer (writer, status);
    }
  return cli_close_writer (writer, STK_CLI_EXIT_OK);
}

static int
cli_tax_rates_list (StkCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(GPtrArray) rates = NULL;
  g_auto(StkShopSettings) settings = { 0, };

  if (!cli_check_inventory (cli, FALSE, &error) ||
      !(store = cli_open_store (cli, &error)) ||
      !stk_store_get_shop_settings (store, &settings, &error) ||
      !(rates = stk_store_list_tax_rates (store, &error)))
    return cli_fail (error);

  if (cli_get_option (cli, "--json") != NULL)
    {
      g_autoptr(GString) json = g_string_new ("{\n  \"rates\": [");

      for (guint i = 0; i < rates->len; i++)
        {
          const StkTaxRate *rate = g_ptr_array_index (rates, i);
          g_autofree char *plain = tax_rate_plain (rate->rate_bp);

          g_string_append_printf (json, "%s\n    {\"name\": ", i > 0 ? "," : "");
          json_append_string (json, rate->name);
          g_string_append (json, ", \"rate\": ");
          json_append_string (json, plain);
          g_string_append_printf (json,
                                  ", \"rate_bp\": %" G_GINT64_FORMAT ", \"items\": %" G_GINT64_FORMAT
                                  ", \"default\": %s}",
                                  rate->rate_bp, rate->items,
                                  rate->id == settings.default_tax_rate ? "true" : "false");
        }
      g_string_append (json, rates->len > 0 ? "\n  ],\n" : "],\n");
      g_string_append_printf (json, "  \"prices_include_tax\": %s,\n  \"tax_rounding\": \"%s\"\n}\n",
                              settings.prices_include_tax ? "true" : "false",
                              settings.tax_rounding == STK_TAX_ROUND_RECEIPT ? "receipt" : "line");
      fputs (json->str, stdout);
      return STK_CLI_EXIT_OK;
    }

  if (rates->len == 0)
    {
      g_print (_("The shop has no tax rates: add one with “stocktake tax-rates add NAME RATE”.\n"));
      return STK_CLI_EXIT_OK;
    }
  {
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

    /* Translators: the columns of the list of tax rates */
    g_ptr_array_add (cells, g_strdup (_("Name")));
    g_ptr_array_add (cells, g_strdup (_("Default")));
    g_ptr_array_add (cells, g_strdup (_("Rate")));
    g_ptr_array_add (cells, g_strdup (_("Items")));
    for (guint i = 0; i < rates->len; i++)
      {
        const StkTaxRate *rate = g_ptr_array_index (rates, i);

        g_ptr_array_add (cells, g_strdup (rate->name));
        /* Translators: in the Default column of the list of tax rates */
        g_ptr_array_add (cells, g_strdup (rate->id == settings.default_tax_rate ? _("default") : ""));
        g_ptr_array_add (cells, stk_tax_rate_format (rate->rate_bp));
        g_ptr_array_add (cells, stk_format_count (rate->items));
      }
    print_table (cells, 4, 2, FALSE);
  }
  return STK_CLI_EXIT_OK;
}

/* NAME and RATE as the user typed them: FALSE with the exit status on a bad one. */
static gboolean
cli_parse_tax_rate (const char  *name,
                    const char  *rate,
                    gint64      *out_bp,
                    int         *out_status)
{
  g_autoptr(GError) error = NULL;

  if (!stk_tax_name_check (name, &error) || !stk_tax_rate_parse (rate, out_bp, &error))
    {
      cli_fail (error);
      *out_status = 65;
      return FALSE;
    }
  return TRUE;
}

static int
cli_tax_rates (StkCli  *cli,
               char   **args,
               guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) op = NULL;
  g_autofree char *percent = NULL;
  gint64 id = 0, rate_bp = 0;
  int status;

  if (n_args == 0)
    return cli_tax_rates_list (cli);
  if (cli_get_option (cli, "--json") != NULL)
    return cli_command_usage_error (cli, _("--json goes with the list of rates only."));

  if (g_str_equal (args[0], "add"))
    {
      if (n_args != 3)
        return cli_command_usage_error (cli, _("Give the new rate’s name and rate: "
                                               "“tax-rates add NAME RATE”."));
      if (!cli_parse_tax_rate (args[1], args[2], &rate_bp, &status))
        return status;
      op = stk_op_save_tax_rate (0, args[1], rate_bp);
      if ((status = cli_submit (cli, op)) != STK_CLI_EXIT_OK)
        return status;
      percent = stk_tax_rate_format (rate_bp);
      /* Translators: "Added the tax rate “VAT” at 22 %." */
      g_print (_("Added the tax rate “%s” at %s.\n"), args[1], percent);
      return STK_CLI_EXIT_OK;
    }
  if (g_str_equal (args[0], "set"))
    {
      if (n_args != 4)
        return cli_command_usage_error (cli, _("Give the rate’s name, its new name and its "
                                               "rate: “tax-rates set NAME NEW-NAME RATE”."));
      if (!cli_parse_tax_rate (args[2], args[3], &rate_bp, &status))
        return status;
      if (!cli_check_inventory (cli, TRUE, &error) ||
          !cli_find_tax_rate (cli, args[1], &id, NULL, &error))
        return cli_fail_input (error);
      op = stk_op_save_tax_rate (id, args[2], rate_bp);
      if ((status = cli_submit (cli, op)) != STK_CLI_EXIT_OK)
        return status;
      percent = stk_tax_rate_format (rate_bp);
      /* Translators: "Changed the tax rate “VAT” to “VAT 22” at 22 %." */
      g_print (_("Changed the tax rate “%s” to “%s” at %s.\n"), args[1], args[2], percent);
      return STK_CLI_EXIT_OK;
    }
  if (g_str_equal (args[0], "remove"))
    {
      if (n_args != 2)
        return cli_command_usage_error (cli, _("Give the name of the rate to remove: "
                                               "“tax-rates remove NAME”."));
      if (!cli_check_inventory (cli, TRUE, &error) ||
          !cli_find_tax_rate (cli, args[1], &id, NULL, &error))
        return cli_fail_input (error);
      op = stk_op_remove_tax_rate (id);
      if ((status = cli_submit (cli, op)) != STK_CLI_EXIT_OK)
        return status;
      g_print (_("Removed the tax rate “%s”.\n"), args[1]);
      return STK_CLI_EXIT_OK;
    }
  {
    g_autofree char *message =
      g_strdup_printf (_("“%s” is not add, set or remove."), args[0]);
    return cli_command_usage_error (cli, message);
  }
}

/* An item's own tax rate: shown, or given (a rate's name) or taken away ("default"). */
static int
cli_item_tax (StkCli  *cli,
              char   **args,
              guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkOp) op = NULL;
  g_auto(StkItemInfo) item = { 0, };
  gint64 rate_id = 0;
  int status;

  if (!cli_check_inventory (cli, TRUE, &error) ||
      !(store = cli_open_store (cli, &error)))
    return cli_fail (error);
  /* An item that does not exist is bad input. */
  if (!stk_store_item_by_code (store, args[0], &item, &error))
    return cli_fail_input (error);

  if (n_args == 1)
    {
      g_autoptr(GPtrArray) rates = NULL;
      g_auto(StkShopSettings) settings = { 0, };
      const StkTaxRate *own = NULL, *shop = NULL;

      if (!stk_store_get_item_tax_rate (store, item.id, &rate_id, &error) ||
          !stk_store_get_shop_settings (store, &settings, &error) ||
          !(rates = stk_store_list_tax_rates (store, &error)))
        return cli_fail (error);
      for (guint i = 0; i < rates->len; i++)
        {
          const StkTaxRate *rate = g_ptr_array_index (rates, i);

          if (rate->id == rate_id)
            own = rate;
          if (rate->id == settings.default_tax_rate)
            shop = rate;
        }
      if (own != NULL)
        {
          g_autofree char *percent = stk_tax_rate_format (own->rate_bp);

          /* Translators: "“A-1” sells at its own tax rate “VAT 4” (4 %)." */
          g_print (_("“%s” sells at its own tax rate “%s” (%s).\n"), item.code, own->name,
                   percent);
        }
      else if (shop != NULL)
        {
          g_autofree char *percent = stk_tax_rate_format (shop->rate_bp);

          /* Translators: "“A-1” sells at the shop’s default tax rate “VAT” (22 %)." */
          g_print (_("“%s” sells at the shop’s default tax rate “%s” (%s).\n"), item.code,
                   shop->name, percent);
        }
      else
        g_print (_("“%s” sells without tax: it follows the shop’s default rate, and there is "
                   "none.\n"),
                 item.code);
      return STK_CLI_EXIT_OK;
    }

  if (!g_str_equal (args[1], "default") &&
      !cli_find_tax_rate (cli, args[1], &rate_id, NULL, &error))
    return cli_fail_input (error);
  /* A rate named "default" is that rate. */
  if (g_str_equal (args[1], "default") &&
      !cli_find_tax_rate (cli, args[1], &rate_id, NULL, &error))
    {
      if (!g_error_matches (error, STK_ERROR, STK_ERROR_NOT_FOUND))
        return cli_fail (error);
      rate_id = 0;
    }
  g_clear_object (&store);
  op = stk_op_set_item_tax_rate (item.id, rate_id);
  if ((status = cli_submit (cli, op)) != STK_CLI_EXIT_OK)
    return status;
  if (rate_id == 0)
    /* Translators: "“A-1” now follows the shop’s default tax rate." */
    g_print (_("“%s” now follows the shop’s default tax rate.\n"), item.code);
  else
    /* Translators: "“A-1” now sells at the tax rate “VAT 4”." */
    g_print (_("“%s” now sells at the tax rate “%s”.\n"), item.code, args[1]);
  return STK_CLI_EXIT_OK;
}

/* --cost PRICE (12.50, as import reads prices): FALSE with the exit status of a bad one,
 * which is bad input (65) naming it. */
static gboolean
parse_cost_option (const char *value,
                   gint64     *out_cents,
                   int        *out_status)
{
  g_autoptr(GError) error = NULL;

  if (value[0] == '-')
    g_set_error (&error, STK_ERROR, STK_ERROR_INVALID_DATA,
                 _("The cost “%s” is negative."), value);
  else if (!stk_price_parse (value, out_cents, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The cost “%s”: %s"), value, error->message);

      g_clear_error (&error);
      g_set_error_literal (&error, STK_ERROR, STK_ERROR_INVALID_DATA, message);
    }
  if (error != NULL)
    {
      *out_status = cli_fail (error);
      return FALSE;
    }
  return TRUE;
}

/* Prints item @code's on-hand and costs as the inventory has them now. */
static int
print_item_costs (StkCli     *cli,
                  const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_auto(StkItemInfo) item = { 0, };
  g_autofree char *on_hand = NULL;
  g_autofree char *average = NULL;
  g_autofree char *fallback = NULL;

  if (!(store = cli_open_store (cli, &error)) ||
      !stk_store_item_by_code (store, code, &item, &error))
    return cli_fail (error);
  on_hand = stk_format_count (item.on_hand);
  /* Translators: an item's cost that nobody entered yet */
  average = item.average_cost_cents > 0 ? stk_format_currency (item.average_cost_cents)
                                        : g_strdup (C_("cost", "unknown"));
  fallback = item.default_cost_cents > 0 ? stk_format_currency (item.default_cost_cents)
                                         : g_strdup (C_("cost", "none"));
  /* Translators: "“A-1”: 20 on hand, average cost 2.50, default cost 2.00." */
  g_print (_("“%s”: %s on hand, average cost %s, default cost %s.\n"), item.code, on_hand,
           average, fallback);
  return STK_CLI_EXIT_OK;
}

static int
cli_receive (StkCli  *cli,
             char   **args,
             guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkOp) op = NULL;
  g_autofree char *code = NULL;
  const StkCliOption *cost = cli_get_option (cli, "--cost");
  const StkCliOption *reason = cli_get_option (cli, "--reason");
  const StkCliOption *at = cli_get_option (cli, "--at");
  const char *equals = strrchr (args[0], '=');
  guint64 quantity = 1;
  gint64 cost_cents = 0, at_us = 0;
  int status;

  code = equals != NULL ? g_strndup (args[0], (gsize) (equals - args[0])) : g_strdup (args[0]);
  if (code[0] == '\0' ||
      (equals != NULL &&
       !g_ascii_string_to_unsigned (equals + 1, 10, 1, G_MAXINT32, &quantity, NULL)))
    {
      g_set_error (&error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Give what was received as CODE or CODE=QTY, a whole number from 1, not "
                     "“%s”."),
                   args[0]);
      return cli_fail (error);
    }
  if (cost != NULL && !parse_cost_option (cost->value, &cost_cents, &status))
    return status;
  if (at != NULL && !stk_time_parse (at->value, &at_us, &error))
    {
      g_autofree char *message = g_strdup_printf ("--at: %s", error->message);
      return cli_command_usage_error (cli, message);
    }

  if (cost != NULL)
    op = stk_op_receive (code, (gint64) quantity, cost_cents,
                         reason != NULL ? reason->value : NULL, at_us);
  else
    op = stk_op_record_movement (code, STK_MOVEMENT_RECEIVE, (gint64) quantity,
                                 reason != NULL ? reason->value : NULL, at_us);
  if ((status = cli_submit (cli, op)) != STK_CLI_EXIT_OK)
    return status;
  {
    g_autofree char *n = stk_format_count ((gint64) quantity);

    /* Translators: "Received 10 × “A-1”." */
    g_print (_("Received %s × “%s”.\n"), n, code);
  }
  return print_item_costs (cli, code);
}

static int
cli_item_cost (StkCli  *cli,
               char   **args,
               guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkOp) op = NULL;
  g_auto(StkItemInfo) item = { 0, };
  gint64 cents = 0;
  int status;

  if (n_args == 2 && !parse_cost_option (args[1], &cents, &status))
    return status;
  if (!cli_check_inventory (cli, n_args == 2, &error) ||
      !(store = cli_open_store (cli, &error)))
    return cli_fail (error);
  /* An item that does not exist is bad input. */
  if (!stk_store_item_by_code (store, args[0], &item, &error))
    return cli_fail_input (error);
  if (n_args == 1)
    return print_item_costs (cli, item.code);

  g_clear_object (&store);
  op = stk_op_set_item_cost (item.id, cents);
  if ((status = cli_submit (cli, op)) != STK_CLI_EXIT_OK)
    return status;
  return print_item_costs (cli, item.code);
}

/* ---- count ---- */

/* A variance in units with its sign: +3, −2, 0. */
static char *
format_variance (gint64 units)
{
  g_autofree char *text = stk_format_count (units < 0 ? -units : units);

  if (units == 0)
    return g_steal_pointer (&text);
  return g_strconcat (units > 0 ? "+" : "−", text, NULL);
}

static char *
format_variance_money (gint64 cents)
{
  g_autofree char *text = stk_format_money (cents < 0 ? -cents : cents);

  if (cents == 0)
    return g_steal_pointer (&text);
  return g_strconcat (cents > 0 ? "+" : "−", text, NULL);
}

static void
print_count_json (const StkCount *count,
                  gboolean        applied)
{
  g_autoptr(GString) json = g_string_new ("{\n  \"items\": [");

  for (guint i = 0; i < count->items->len; i++)
    {
      const StkCountItem *it = g_ptr_array_index (count->items, i);

      g_string_append_printf (json, "%s\n    {\"code\": ", i > 0 ? "," : "");
      json_append_string (json, it->code);
      g_string_append (json, ", \"description\": ");
      json_append_string (json, it->description);
      g_string_append_printf (json,
                              ", \"expected\": %" G_GINT64_FORMAT
                              ", \"counted\": %" G_GINT64_FORMAT
                              ", \"variance\": %" G_GINT64_FORMAT
                              ", \"average_cost_cents\": ",
                              it->expected, it->counted, it->variance);
      if (it->average_cost_cents > 0)
        g_string_append_printf (json, "%" G_GINT64_FORMAT ", \"variance_cost_cents\": %"
                                G_GINT64_FORMAT "}",
                                it->average_cost_cents, it->variance_cost_cents);
      else
        g_string_append (json, "null, \"variance_cost_cents\": null}");
    }
  g_string_append_printf (json,
                          "%s],\n  \"items_counted\": %u"
                          ",\n  \"items_with_variance\": %" G_GINT64_FORMAT
                          ",\n  \"units_over\": %" G_GINT64_FORMAT
                          ",\n  \"units_short\": %" G_GINT64_FORMAT
                          ",\n  \"net_variance_cost_cents\": %" G_GINT64_FORMAT
                          ",\n  \"unknown_cost_items\": %" G_GINT64_FORMAT
                          ",\n  \"applied\": %s\n}\n",
                          count->items->len > 0 ? "\n  " : "", count->items->len,
                          count->with_variance, count->units_over, count->units_short,
                          count->net_cost_cents, count->unknown_cost_items,
                          applied ? "true" : "false");
  fputs (json->str, stdout);
}

static void
print_count_text (const StkCount *count)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) totals = g_ptr_array_new_with_free_func (g_free);

  if (count->items->len > 0)
    {
      /* Translators: the columns of the variance report of a stock count */
      g_ptr_array_add (cells, g_strdup (C_("count", "Code")));
      g_ptr_array_add (cells, g_strdup (C_("count", "Description")));
      g_ptr_array_add (cells, g_strdup (C_("count", "Expected")));
      g_ptr_array_add (cells, g_strdup (C_("count", "Counted")));
      g_ptr_array_add (cells, g_strdup (C_("count", "Variance")));
      g_ptr_array_add (cells, g_strdup (C_("count", "At cost")));
      for (guint i = 0; i < count->items->len; i++)
        {
          const StkCountItem *it = g_ptr_array_index (count->items, i);

          g_ptr_array_add (cells, g_strdup (it->code));
          g_ptr_array_add (cells, g_strdup (it->description));
          g_ptr_array_add (cells, stk_format_count (it->expected));
          g_ptr_array_add (cells, stk_format_count (it->counted));
          g_ptr_array_add (cells, format_variance (it->variance));
          g_ptr_array_add (cells, it->average_cost_cents > 0
                                  ? format_variance_money (it->variance_cost_cents)
                                  : g_strdup (C_("cost", "unknown")));
        }
      print_table (cells, 6, 2, FALSE);
      g_print ("\n");
    }
  /* Translators: the totals of the variance report of a stock count */
  g_ptr_array_add (totals, g_strdup (_("Items counted:")));
  g_ptr_array_add (totals, stk_format_count (count->items->len));
  g_ptr_array_add (totals, g_strdup (_("Items with a variance:")));
  g_ptr_array_add (totals, stk_format_count (count->with_variance));
  g_ptr_array_add (totals, g_strdup (_("Units over:")));
  g_ptr_array_add (totals, stk_format_count (count->units_over));
  g_ptr_array_add (totals, g_strdup (_("Units short:")));
  g_ptr_array_add (totals, stk_format_count (count->units_short));
  g_ptr_array_add (totals, g_strdup (_("Net variance at cost:")));
  g_ptr_array_add (totals, format_variance_money (count->net_cost_cents));
  print_table (totals, 2, 1, FALSE);
  if (count->unknown_cost_items > 0)
    {
      g_autofree char *n = stk_format_count (count->unknown_cost_items);

      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%s item with a variance has no known cost: it is left out of the "
                            "variance at cost.\n",
                            "%s items with a variance have no known cost: they are left out "
                            "of the variance at cost.\n",
                            (gulong) CLAMP (count->unknown_cost_items, 0, G_MAXLONG)),
               n);
    }
}

static int
cli_count (StkCli  *cli,
           char   **args,
           guint    n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StkWriter) writer = NULL;
  g_autoptr(StkStore) store = NULL;
  g_autoptr(StkCount) count = NULL;
  g_autoptr(StkOp) op = NULL;
  g_auto(StkImportReport) report = { 0 };
  gboolean apply = cli_get_option (cli, "--apply") != NULL;
  gboolean json = cli_get_option (cli, "--json") != NULL;
  const char *path = args[1];
  int status;

  if (!g_str_equal (args[0], "import"))
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not a count command (import)."), args[0]);
      return cli_command_usage_error (cli, message);
    }

  /* Applying writes: the lock and a writable inventory first, as every writing command;
   * the report alone only reads. */
  if (!cli_check_inventory (cli, TRUE, &error) ||
      !stk_import_check_source (path, FALSE, cli->db_path, &error) ||
      (apply && !(writer = cli_open_writer (cli, &error))))
    return cli_fail (error);
  if (!(store = cli_open_store (cli, &error)))
    return cli_close_writer (writer, cli_fail (error));
  if (!(count = stk_count_read (store, path, &report, &error)))
    {
      print_report_errors (&report);
      return cli_close_writer (writer, cli_fail (error));
    }

  if (!apply)
    {
      if (json)
        print_count_json (count, FALSE);
      else
        print_count_text (count);
      /* With --json, stdout is the JSON object alone. */
      (json ? g_printerr : g_print) (_("Nothing was changed: add --apply to record these "
                                       "counts.\n"));
      return STK_CLI_EXIT_OK;
    }

  if (count->items->len > 0)
    {
      op = stk_count_op_new (count);
      if (!stk_writer_submit_sync (writer, op, &error))
        {
          stk_import_op_report (op, FALSE, &report);
          print_report_errors (&report);
          status = cli_fail (error);
          /* Bad rows are bad input, whatever rule they broke. */
          if (report.n_errors > 0 && g_error_matches (error, STK_ERROR, STK_ERROR_CONSTRAINT))
            status = 65;
          return cli_close_writer (writer, status);
        }
    }
  if (json)
    print_count_json (count, TRUE);
  else
    print_count_text (count);
  {
    g_autofree char *n = stk_format_count (count->items->len);

    (json ? g_printerr : g_print) (g_dngettext (GETTEXT_PACKAGE,
                                                "Recorded the count of %s item.\n",
                                                "Recorded the counts of %s items.\n",
                                                count->items->len),
                                   n);
  }
  return cli_close_writer (writer, STK_CLI_EXIT_OK);
}

static const StkCliCommand commands[] = {
  {
    "stats", N_("[--json]"),
    N_("Show the inventory’s figures"),
    N_("Shows the format version, how many items, sales, returns, barcodes and stock "
       "movements the inventory holds, the stock on hand and its value at selling price and at "
       "average cost, and the file’s size and pages.\n"
       "\n"
       "Options:\n"
       "  --json    Print the figures as a JSON object"),
    0, 0, cli_stats, { "--json", NULL },
  },
  {
    "verify", "",
    N_("Check integrity, foreign keys and stock balances"),
    N_("Checks the file’s integrity, that every row refers to rows that exist, that "
       "every item’s stock on hand adds up from its stock movements, that every sale, void "
       "and return has its stock movement, that no sale line is returned or refunded "
       "beyond what it sold, and that every barcode’s key matches it. Prints each problem "
       "found; the exit status is 1 when there is any."),
    0, 0, cli_verify,
  },
  {
    "backup", N_("[FILE] | --auto [--folder DIR] [--keep N]"),
    N_("Copy the inventory to a backup file"),
    N_("Writes a complete, checked copy of the inventory to FILE, or beside the inventory "
       "with the date and time in its name, and prints the path written. It works while "
       "the inventory is in use. An existing file is never overwritten.\n"
       "\n"
       "With --auto it makes an automatic backup, as the window does: a copy named "
       "INVENTORY-auto-DATE-TIME.db in the backup folder, verified before it takes its "
       "name, then removes the oldest automatic backups of this inventory beyond the "
       "newest N (no other file). Prints the path written and each file removed.\n"
       "\n"
       "Options:\n"
       "  --auto         Make an automatic backup\n"
       "  --folder DIR   The backup folder (default: the one chosen in Preferences, else\n"
       "                 ~/.local/share/stocktake/backups)\n"
       "  --keep N       How many automatic backups to keep, 1 to 365 (default: the\n"
       "                 Preferences’ number, else 14)"),
    0, 1, cli_backup, { "--auto", "--folder=", "--keep=", NULL },
  },
  {
    "backups", N_("[--folder DIR]"),
    N_("List the automatic backups"),
    N_("Lists the inventory’s automatic backups in the backup folder, newest first, with "
       "when each was made and the items, sales and last sale it holds. A file that cannot "
       "be read is listed as damaged.\n"
       "\n"
       "Options:\n"
       "  --folder DIR   The backup folder (default: as for “backup --auto”)"),
    0, 0, cli_backups, { "--folder=", NULL },
  },
  {
    "restore", N_("FILE"),
    N_("Replace the inventory with a backup"),
    N_("Checks the backup FILE, keeps a safety copy of the current inventory beside it, "
       "then replaces the inventory’s contents with the backup’s."),
    1, 1, cli_restore,
  },
  {
    "checkpoint", "",
    N_("Move the write-ahead log into the inventory file"),
    N_("Copies the changes held in the write-ahead log into the inventory file and empties "
       "the log. Exits with status 75 when another program is reading and the log cannot "
       "be emptied yet."),
    0, 0, cli_checkpoint,
  },
  {
    "import", N_("skus|sales|movements|returns|tax-rates FILE.csv, or all FOLDER"),
    N_("Import rows from a CSV file"),
    N_("Reads every row of FILE.csv and applies them all, or none when any row is bad "
       "(each bad row is reported with its line). Rows imported before are skipped. "
       "“tax-rates” adds the shop’s tax rates (a name it has must have the same rate) and "
       "sets its default rate and tax rules. “all FOLDER” imports a whole inventory that "
       "“export all” wrote, exactly, in one change."),
    2, 2, cli_import,
  },
  {
    "export", N_("skus|sales|movements|returns|tax-rates FILE.csv, or all FOLDER"),
    N_("Export a table to a CSV file"),
    N_("Writes the items (skus), sales, stock movements, returns or tax rates (with the "
       "shop’s default rate and tax rules) to FILE.csv, in the format that import reads. "
       "“all FOLDER” writes tax-rates.csv, skus.csv, movements.csv, sales.csv and "
       "returns.csv of one moment into a new or empty FOLDER."),
    2, 2, cli_export,
  },
  {
    "generate", N_("--skus N [--sales M] [--seed S]"),
    N_("Add realistic sample data"),
    N_("Adds N items with prices, reorder levels and opening stock, and M sales spread over "
       "the last year. The same seed gives the same data.\n"
       "\n"
       "Options:\n"
       "  --skus N    How many items to add (required)\n"
       "  --sales M   How many sales to add (default: 0)\n"
       "  --seed S    Seed of the random numbers (default: a random one)"),
    0, 0, cli_generate, { "--skus=", "--sales=", "--seed=", NULL },
  },
  {
    "sell", N_("CODE[=QTY]… [OPTIONS]"),
    N_("Record one sale of one or more lines"),
    N_("Records one sale with a line for each CODE: an item’s code or one of its "
       "barcodes (a barcode of a pack sells the pack’s units). QTY is how many, 1 when not "
       "given; a code holding “=” is written CODE=1. The sale is recorded whole or not at "
       "all: a line with an unknown code or more than is in stock fails the sale with the "
       "line’s number (exit status 65). Prints the sale’s number and total.\n"
       "\n"
       "Options:\n"
       "  --price CODE=PRICE   The unit price of the lines of CODE, as import reads prices\n"
       "                       (12.50); may be given for several codes (default: the\n"
       "                       item’s price)\n"
       "  --at TIME            When the sale happened, as import reads times\n"
       "                       (2026-11-23T10:15:00Z, 2026-11-23 10:15:00; default: now)\n"
       "  --payment P          How it was paid (cash, card, …)\n"
       "  --note N             A note kept with the sale"),
    1, STK_SALE_MAX_LINES, cli_sell, { "--price=*", "--at=", "--payment=", "--note=", NULL },
  },
  {
    "receive", N_("CODE[=QTY] [--cost PRICE] [--reason R] [--at TIME]"),
    N_("Record goods received, at a cost"),
    N_("Records the receipt of QTY units (1 when not given) of item CODE at --cost each, "
       "or at the item’s default cost (see “stocktake item-cost”; none when it has none). "
       "The item’s average cost moves by the receipt: (on hand × average + QTY × cost) ÷ "
       "(on hand + QTY), rounded half a cent up. Prints the item’s stock and costs after "
       "it. An unknown item, a bad quantity, or a negative or unreadable cost exits with "
       "status 65 and changes nothing.\n"
       "\n"
       "Options:\n"
       "  --cost PRICE   The unit cost, as import reads prices (2.50)\n"
       "  --reason R     A word kept with the receipt\n"
       "  --at TIME      When it came, as import reads times (default: now)"),
    1, 1, cli_receive, { "--cost=", "--reason=", "--at=", NULL },
  },
  {
    "item-cost", N_("CODE [PRICE]"),
    N_("Show an item’s costs, or set its default cost"),
    N_("Without PRICE, prints the item CODE’s stock on hand, average cost and default cost. "
       "With PRICE (2.50; 0 for none), sets its default cost: the cost of a receipt recorded "
       "without one. An unknown item, or a negative or unreadable price, exits with status "
       "65 and changes nothing."),
    1, 2, cli_item_cost,
  },
  {
    "receipt", N_("SALE FILE.pdf"),
    N_("Write a sale’s receipt as a PDF file"),
    N_("Writes the receipt of sale number SALE, as the window prints it (with the shop’s "
       "name and address of the preferences), to FILE.pdf, replacing it. It works while "
       "the inventory is in use. A sale that does not exist exits with status 65."),
    2, 2, cli_receipt,
  },
  {
    "return", N_("LINE[=QTY] [--reason R]"),
    N_("Take back what a sale line sold"),
    N_("Records the return of QTY units (1 when not given) of sale line LINE, as “stocktake "
       "sell” numbers the lines (a sale’s first line has the sale’s number). The stock comes "
       "back and what those units were paid is refunded. More than "
       "the line sold, over all its returns, a voided sale or a line that does not exist "
       "exits with status 65.\n"
       "\n"
       "Options:\n"
       "  --reason R   Why it came back"),
    1, 1, cli_return, { "--reason=", NULL },
  },
  {
    "settings", N_("[SETTING VALUE]"),
    N_("Show or change the shop’s rules kept in the inventory"),
    N_("Without arguments, prints how receipt numbers run, whether stock may go below "
       "zero, the payment methods and the tax rules. With a setting and a value, changes it for every computer that uses the "
       "inventory, from the next sale on:\n"
       "\n"
       "  receipt-series continuous   One sequence of receipt numbers for ever (default)\n"
       "  receipt-series yearly       A new sequence each year, printed 2026/17\n"
       "  negative-stock refuse       A sale of more than is in stock fails (default)\n"
       "  negative-stock allow        Stock may go below zero\n"
       "  payment-methods LIST        The ways the shop is paid, in the till's order,\n"
       "                              separated by commas (default cash,card,other;\n"
       "                              cash is the drawer that close-day counts)\n"
       "  prices-include-tax yes      Prices are entered with tax included (default)\n"
       "  prices-include-tax no       Tax is added to the prices entered\n"
       "  tax-rounding line           Each line’s tax is rounded to the cent (default)\n"
       "  tax-rounding receipt        The tax of each rate on a receipt is rounded once\n"
       "  default-tax-rate NAME       The rate of items without one of their own\n"
       "                              (a name “stocktake tax-rates” lists)\n"
       "  default-tax-rate none       Items without a rate of their own have no tax\n"
       "\n"
       "Numbers already given never change, and neither does the tax of a sale made."),
    0, 2, cli_settings,
  },
  {
    "tax-rates", N_("[--json] | add NAME RATE | set NAME NEW-NAME RATE | remove NAME"),
    N_("List, add, change or remove the shop’s tax rates"),
    N_("Without arguments, lists the shop’s tax rates, biggest first: each one’s name, "
       "whether it is the default rate (see “settings default-tax-rate”), its rate and how "
       "many items have it as their own.\n"
       "\n"
       "RATE is a percentage with at most two decimals, from 0 to 100: 22, 5.5 or 10%. A "
       "rate above 100 or below 0, a bad name (1 to 64 characters) or a name another rate "
       "has exits with status 65 and changes nothing. A rate that items or the shop’s "
       "default use cannot be removed (status 65). Changing a rate changes what items sell "
       "at from now on, never a sale made.\n"
       "\n"
       "  add NAME RATE              Add a rate\n"
       "  set NAME NEW-NAME RATE     Rename a rate and change its rate\n"
       "  remove NAME                Remove a rate that nothing uses\n"
       "\n"
       "Options:\n"
       "  --json    Print the list as a JSON object"),
    0, 4, cli_tax_rates, { "--json", NULL },
  },
  {
    "item-tax", N_("CODE [NAME|default]"),
    N_("Show or set an item’s tax rate"),
    N_("Without NAME, says which tax rate the item CODE sells at: its own, or the shop’s "
       "default. With NAME (a rate “stocktake tax-rates” lists), gives the item that rate "
       "as its own; with “default”, the item follows the shop’s default rate again. An "
       "unknown item or rate exits with status 65."),
    1, 2, cli_item_tax,
  },
  {
    "close-day", N_("--counted-cash AMOUNT [OPTIONS]"),
    N_("Close the day: the cash-up"),
    N_("Records the close of the day, once and for good: the sales, voids and returns "
       "recorded since the last close, by payment method, and the cash counted in the "
       "drawer against the cash the figures expect there (the cash sales, less the cash "
       "voided and refunded). Prints the day’s report. A closed day is never reopened nor "
       "changed; a mistake is corrected by the next day’s sales, voids and returns. A "
       "negative or unreadable amount exits with status 65 and closes nothing.\n"
       "\n"
       "Options:\n"
       "  --counted-cash AMOUNT   The cash counted in the drawer\n"
       "  --note TEXT             A word on the day (a difference explained)\n"
       "  --json                  Print the report as a JSON object\n"
       "  --pdf FILE              Also write the report as a PDF, as the window saves\n"
       "                          it (FILE is replaced; the close stays recorded if it\n"
       "                          cannot be written)"),
    0, 0, cli_close_day, { "--counted-cash=", "--note=", "--json", "--pdf=", NULL },
  },
  {
    "count", N_("import FILE.csv [--apply] [--json]"),
    N_("Compare a stock count with the stock on hand, and record it"),
    N_("Reads a count file (columns code and counted, see README) and prints, for every "
       "item counted, the stock expected (the on-hand now), the count, the variance in "
       "units and at the item’s average cost (“unknown” when it has none), then the items "
       "counted, the items with a variance, the units over and short and the net variance "
       "at cost. A code is an item’s code or one of its barcodes (a barcode’s pack "
       "multiplies the figure); a code given twice adds up. Without --apply nothing is "
       "changed.\n"
       "\n"
       "With --apply it then records, in one change, a stock count of every item counted, "
       "with the reason “Count (import)”: each item’s stock on hand becomes the figure "
       "counted when the change is applied, even where it equals the expected. An unknown "
       "code, an archived item, an empty field, a count that is not a whole number from 0, "
       "or a column other than code and counted prints each bad line and exits with status "
       "65, changing nothing.\n"
       "\n"
       "Options:\n"
       "  --apply   Record the counts\n"
       "  --json    Print the report as a JSON object"),
    2, 2, cli_count, { "--apply", "--json", NULL },
  },
  {
    "report", N_("day [OPTIONS] | closes [--json] | tax|margin [--from DATE] [--to DATE] [--json] "
                 "| valuation [--json]"),
    N_("Print the day’s report, the list of closes, the tax by rate, the margin or the "
       "stock’s value"),
    N_("“report closes” lists every close of the day, newest first: its number, when it was "
       "made, its sales, the net, the cash expected and counted, and the difference.\n"
       "\n"
       "“report day” prints the figures of the day not closed yet (what close-day would record now), or "
       "of a close: the last one made on DATE (2026-12-31, the local date) or close number "
       "N. By payment method: sales and their amount, voids, returns and what was refunded, "
       "the net; then the cash expected in the drawer and, for a close, the cash counted "
       "and the difference. No close on DATE, or no close N, exits with status 65.\n"
       "\n"
       "“report tax” prints, per tax rate, the sales, what was voided and returned, the "
       "taxable amount and the tax, from --from to --to (local dates, both included; this "
       "month by default). Sales count on the day they were sold, with their voids; returns "
       "on the day they were made. --from after --to exits with status 65.\n"
       "\n"
       "“report margin” prints, per item and in total, from --from to --to as for the tax "
       "report: what was sold less returned, the revenue without tax, the cost of goods "
       "sold (each line’s cost when it was sold, at the item’s average cost then; a return "
       "takes its cost back), the margin and the margin in percent. Lines sold when the "
       "item’s cost was unknown are left out of the margin and counted.\n"
       "\n"
       "“report valuation” prints every item with stock on hand at its average cost and at "
       "its selling price, and the totals; items whose cost is unknown count as 0 at cost.\n"
       "\n"
       "Options:\n"
       "  --date DATE   The last close made on DATE\n"
       "  --close N     Close number N\n"
       "  --from DATE   The tax or margin report’s first day\n"
       "  --to DATE     The tax or margin report’s last day\n"
       "  --json        Print the report as a JSON object\n"
       "  --pdf FILE    Also write the report as a PDF, as the window saves it (FILE\n"
       "                is replaced)"),
    1, 1, cli_report, { "--date=", "--close=", "--json", "--pdf=", "--from=", "--to=", NULL },
  },
};

static const StkCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

/* Prints @text wrapped at @width columns; lines that start with a space (option
 * lists) are kept as they are. */
static void
print_wrapped (const char *text,
               glong       width)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;
      glong column = 0;

      if (lines[i][0] == ' ' || lines[i][0] == '\0')
        {
          g_print ("%s\n", lines[i]);
          continue;
        }

      words = g_strsplit (lines[i], " ", -1);
      for (guint j = 0; words[j] != NULL; j++)
        {
          glong len = display_width (words[j]);

          if (column > 0 && column + 1 + len > width)
            {
              g_print ("\n");
              column = 0;
            }
          g_print ("%s%s", column > 0 ? " " : "", words[j]);
          column += (column > 0 ? 1 : 0) + len;
        }
      g_print ("\n");
    }
}

static void
print_command_help (const StkCliCommand *command)
{
  const char *synopsis = command->synopsis[0] ? _(command->synopsis) : "";

  g_print (_("Usage: %s [--database PATH] %s%s%s\n"), program_name (), command->name,
           synopsis[0] ? " " : "", synopsis);
  g_print ("\n%s.\n\n", _(command->summary));
  print_wrapped (_(command->description), 78);
}

char *
stk_cli_get_help (void)
{
  g_autoptr(GString) help = g_string_new (NULL);
  g_autofree char *default_path = stk_db_default_path ();
  g_autofree char *default_display = g_filename_display_name (default_path);
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *synopsis = commands[i].synopsis[0] ? _(commands[i].synopsis) : "";
      width = MAX (width, (int) (strlen (commands[i].name) + 1 + display_width (synopsis)));
    }

  g_string_append_printf (help, _("Usage:\n"
                                  "  %s [--database PATH]                    Open the inventory window\n"
                                  "  %s [--database PATH] COMMAND [ARGS…]    Run a command and exit\n"),
                          program_name (), program_name ());
  g_string_append_printf (help, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *synopsis = commands[i].synopsis[0] ? _(commands[i].synopsis) : "";
      g_autofree char *left = g_strdup_printf ("%s %s", commands[i].name, synopsis);
      int pad = width - (int) display_width (left);

      g_string_append_printf (help, "  %s%*s   %s\n", left, pad, "", _(commands[i].summary));
    }

  g_string_append_printf (help, "\n%s\n", _("Options:"));
  g_string_append_printf (help, _("  --database PATH   The inventory file (default: $STOCKTAKE_DATABASE,\n"
                                  "                    else %s)\n"),
                          default_display);
  g_string_append (help, _("  -h, --help        Show this help; “stocktake COMMAND --help” shows\n"
                           "                    a command’s help\n"));
  g_string_append (help, _("  --version         Show the version and exit\n"));

  g_string_append_printf (help, "\n%s\n", _("Environment:"));
  g_string_append (help, _("  STOCKTAKE_DATABASE   The inventory file when --database is not given\n"));

  g_string_append_printf (help, "\n%s\n", _("Exit status:"));
  g_string_append (help, _("   0   Success\n"
                           "   1   Failure (missing file or folder, read-only folder, problems found, …)\n"
                           "   2   Usage error (unknown command, missing or extra arguments, bad numbers)\n"
                           "  65   Bad input data, or a damaged, foreign or newer inventory file\n"
                           "  75   The inventory is busy or locked by another program; try again later\n"));

  return g_string_free (g_steal_pointer (&help), FALSE);
}

/* Splits a command's arguments into its options and positional arguments. Returns
 * FALSE with *out_status set when the command must not run (--help, usage error). */
static gboolean
parse_command_args (StkCli              *cli,
                    const StkCliCommand *command,
                    int                  argc,
                    char               **argv,
                    GPtrArray           *positional,
                    int                 *out_status)
{
  gboolean options_done = FALSE;

  cli->n_options = 0;
  for (guint j = 0; j < MAX_OPTIONS && command->options[j] != NULL; j++)
    {
      const char *spec = command->options[j];
      g_autofree char *name = g_strndup (spec, strcspn (spec, "="));
      StkCliOption *option = &cli->options[cli->n_options++];

      option->repeats = g_str_has_suffix (spec, "=*");
      option->takes_value = option->repeats || g_str_has_suffix (spec, "=");
      option->name = g_intern_string (name);
      option->value = NULL;
      option->values = option->repeats ? g_ptr_array_new () : NULL;
      option->seen = FALSE;
    }

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      StkCliOption *option = NULL;
      const char *value = NULL;
      gsize name_len;

      /* A negative rate ("-5") is an argument, for tax-rates to refuse in its own
       * words (exit 65), not an unknown option. */
      if (options_done || arg[0] != '-' || arg[1] == '\0' ||
          (g_ascii_isdigit (arg[1]) && g_str_equal (command->name, "tax-rates")))
        {
          g_ptr_array_add (positional, (gpointer) arg);
          continue;
        }
      if (g_str_equal (arg, "--"))
        {
          options_done = TRUE;
          continue;
        }
      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          print_command_help (command);
          *out_status = STK_CLI_EXIT_OK;
          return FALSE;
        }

      name_len = strcspn (arg, "=");
      for (guint j = 0; j < cli->n_options; j++)
        if (strlen (cli->options[j].name) == name_len &&
            strncmp (cli->options[j].name, arg, name_len) == 0)
          option = &cli->options[j];

      if (option == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("Unknown option “%s” for %s."),
                                                      arg, command->name);
          *out_status = cli_command_usage_error (cli, message);
          return FALSE;
        }

      if (option->takes_value)
        {
          if (arg[name_len] == '=')
            value = arg + name_len + 1;
          else if (i + 1 < argc)
            value = argv[++i];
          else
            {
              g_autofree char *message = g_strdup_printf (_("The option %s needs a value."),
                                                          option->name);
              *out_status = cli_command_usage_error (cli, message);
              return FALSE;
            }
        }
      else if (arg[name_len] == '=')
        {
          g_autofree char *message = g_strdup_printf (_("The option %s takes no value."),
                                                      option->name);
          *out_status = cli_command_usage_error (cli, message);
          return FALSE;
        }

      if (option->seen && !option->repeats)
        {
          g_autofree char *message = g_strdup_printf (_("The option %s is given twice."),
                                                      option->name);
          *out_status = cli_command_usage_error (cli, message);
          return FALSE;
        }
      option->seen = TRUE;
      option->value = value;
      if (option->values != NULL)
        g_ptr_array_add (option->values, (gpointer) value);
    }

  if (positional->len < command->min_args)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("Missing arguments: usage is “%s %s %s”."),
                                 program_name (), command->name, _(command->synopsis));
      *out_status = cli_command_usage_error (cli, message);
      return FALSE;
    }
  if (positional->len > command->max_args)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("Unexpected argument “%s”."),
                                 (const char *) g_ptr_array_index (positional, command->max_args));
      *out_status = cli_command_usage_error (cli, message);
      return FALSE;
    }

  return TRUE;
}

int
stk_cli_run (const char  *db_path,
             int          argc,
             char       **argv)
{
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *real_path = NULL;
  const StkCliCommand *command;
  StkCli cli = { 0 };
  int status = STK_CLI_EXIT_OK;

  g_return_val_if_fail (db_path != NULL, STK_CLI_EXIT_FAILURE);
  g_return_val_if_fail (argc >= 1 && argv != NULL, STK_CLI_EXIT_USAGE);

  if (!(command = find_command (argv[0])))
    return stk_cli_usage_error (_("Unknown command “%s”."), argv[0]);

  cli.command = command->name;

  if (!parse_command_args (&cli, command, argc, argv, positional, &status))
    {
      cli_clear_options (&cli);
      return status;
    }

  /* Every command works on the inventory as its engine names it (a file: the real
   * file, whatever name it was given by: one lock, one write-ahead log, see
   * stk-identity.h); a location no engine can open is refused here, creating nothing. */
  if (!(real_path = stk_location_resolve (db_path, &error)))
    {
      cli_clear_options (&cli);
      return cli_fail (error);
    }
  cli.db_path = real_path;

  status = command->func (&cli, (char **) positional->pdata, positional->len);
  cli_clear_options (&cli);
  /* The command's writer is closed by now: only then may another writer start. */
  if (status != STK_CLI_EXIT_OK && cli.created)
    cli_remove_created_inventory (&cli);
  g_clear_pointer (&cli.lock, stk_lock_release);
  return status;
}
