/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-error.h"

#include <errno.h>

G_DEFINE_QUARK (stk-error-quark, stk_error)

int
stk_error_exit_code (const GError *error)
{
  if (error == NULL)
    return 0;
  if (error->domain != STK_ERROR)
    return 1;

  switch ((StkError) error->code)
    {
    case STK_ERROR_CORRUPT:
    case STK_ERROR_NOT_INVENTORY:
    case STK_ERROR_TOO_NEW:
    case STK_ERROR_INVALID_DATA:
      return 65; /* EX_DATAERR */
    case STK_ERROR_BUSY:
    case STK_ERROR_LOCKED:
      return 75; /* EX_TEMPFAIL */
    case STK_ERROR_FAILED:
    case STK_ERROR_READ_ONLY:
    case STK_ERROR_CONSTRAINT:
    case STK_ERROR_NOT_FOUND:
    case STK_ERROR_NO_SPACE:
    case STK_ERROR_IO:
    case STK_ERROR_CLOSED:
    case STK_ERROR_UNSAFE:
    case STK_ERROR_NOT_SUPPORTED:
    default:
      return 1;
    }
}

StkError
stk_error_code_from_errno (int errsv)
{
  switch (errsv)
    {
    case ENOENT:
    case ENOTDIR:
      return STK_ERROR_NOT_FOUND;
    case EACCES:
    case EPERM:
    case EROFS:
      return STK_ERROR_READ_ONLY;
    case ENOSPC:
    case EDQUOT:
      return STK_ERROR_NO_SPACE;
    default:
      return STK_ERROR_IO;
    }
}

void
stk_error_set_errno (GError      **error,
                     int           errsv,
                     const char   *format,
                     ...)
{
  va_list args;

  g_return_if_fail (format != NULL);

  if (error == NULL)
    return;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (STK_ERROR, stk_error_code_from_errno (errsv),
                                                format, args));
  va_end (args);
}
