/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes (see stk_error_exit_code() for the failures). */
#define STK_CLI_EXIT_OK      0
#define STK_CLI_EXIT_FAILURE 1
#define STK_CLI_EXIT_USAGE   2

/* Runs one command on the inventory at @db_path and returns the process exit code.
 * argv[0] is the command name, the rest its arguments. Never initialises GTK, so it
 * works without a display. */
int   stk_cli_run         (const char *db_path,
                           int         argc,
                           char      **argv);

/* The full usage text of `stocktake --help`. */
char *stk_cli_get_help    (void);

/* Prints "stocktake: MESSAGE" and a hint to use --help on stderr; returns
 * STK_CLI_EXIT_USAGE. */
int   stk_cli_usage_error (const char *format,
                           ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
