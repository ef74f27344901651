/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STK_TYPE_APPLICATION (stk_application_get_type ())
G_DECLARE_FINAL_TYPE (StkApplication, stk_application, STK, APPLICATION, AdwApplication)

StkApplication *stk_application_new               (const char     *database_path);
const char     *stk_application_get_database_path (StkApplication *self);

G_END_DECLS
