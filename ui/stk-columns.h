/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "stk-table-model.h"

G_BEGIN_DECLS

/* The columns of each list, declared once. StkTableView builds its column view from
 * this table alone: the header, width and alignment of each column, its sort key, and a
 * cell bound to one property of the list's row object through a formatter; no code
 * knows a column by name. tests/test-columns.c holds the table against the pager's sort
 * columns (data/stk-pager.h) and the row types (ui/stk-rows.h). */

/* Turns a row property's value into the cell's text (transfer full). */
typedef char *(*StkColumnFormat) (const GValue *value);

/* A warning before the value while a boolean row property is TRUE: an icon and a short
 * word (style class @label_css) shown, and the style class @css on the cell. With no
 * @icon_name, only the style class @css on the value (another column says it in words). */
typedef struct
{
  const char *property;        /* gboolean row property */
  const char *icon_name;
  const char *context;         /* msgctxt of @label */
  const char *label;           /* marked for translation, in @context */
  const char *accessible_name; /* marked for translation: the icon's */
  const char *label_css;
  const char *css;
} StkColumnBadge;

typedef struct
{
  const char           *title;     /* translatable */
  const char           *property;  /* the row property shown */
  const char           *sort;      /* the pager's sort column, or NULL: not sortable */
  gboolean              expand;    /* takes the width left over */
  gboolean              numeric;   /* right-aligned, tabular figures */
  StkColumnFormat       format;    /* NULL: the property is a string, shown as it is */
  const StkColumnBadge *badge;     /* or NULL */
} StkColumn;

typedef struct
{
  const char      *name;       /* translatable: the list's accessible name */
  GType          (*row_type) (void);
  const StkColumn *columns;
  guint            n_columns;
} StkColumns;

const StkColumns *stk_columns_for_kind   (StkTableKind     kind);
/* The text of @column's cell for @row (a row object of the list), transfer full. */
char             *stk_column_format_row  (const StkColumn *column,
                                          GObject         *row);
/* The text for @value, a value of @column's property, transfer full. */
char             *stk_column_format      (const StkColumn *column,
                                          const GValue    *value);

G_END_DECLS
