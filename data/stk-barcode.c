/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Barcodes: GS1 check digits (EAN-8, UPC-E, UPC-A, EAN-13, GTIN-14), free codes, and the
 * "barcodes" field of the skus CSV ("4006381333931 04006381333931*12"). */
#include "config.h"

#include "stk-barcode.h"

#include <glib/gi18n.h>
#include <string.h>

#include "stk-code.h"
#include "stk-error.h"

const char *
stk_barcode_kind_name (StkBarcodeKind kind)
{
  switch (kind)
    {
    case STK_BARCODE_EAN8: return "EAN-8";
    case STK_BARCODE_UPCE: return "UPC-E";
    case STK_BARCODE_UPCA: return "UPC-A";
    case STK_BARCODE_EAN13: return "EAN-13";
    case STK_BARCODE_GTIN14: return "GTIN-14";
    case STK_BARCODE_FREE:
    default: return "free code";
    }
}

/* GS1: from the rightmost data digit leftwards, weights 3, 1, 3, 1, …; the check digit
 * brings the sum to a multiple of ten. */
guint
stk_barcode_check_digit (const char *digits,
                         gsize       n_digits)
{
  guint sum = 0;

  g_return_val_if_fail (digits != NULL, 0);

  for (gsize i = 0; i < n_digits; i++)
    {
      guint d = (guint) (digits[n_digits - 1 - i] - '0');

      sum += (i % 2 == 0) ? 3 * d : d;
    }
  return (10 - sum % 10) % 10;
}

static gboolean
all_digits (const char *s,
            gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return len > 0;
}

gboolean
stk_barcode_expand_upce (const char *upce,
                         char        upca[13])
{
  const char *d;

  g_return_val_if_fail (upce != NULL, FALSE);
  g_return_val_if_fail (upca != NULL, FALSE);

  if (strlen (upce) != 8 || !all_digits (upce, 8) || (upce[0] != '0' && upce[0] != '1'))
    return FALSE;
  d = upce + 1; /* the six data digits d[0]…d[5] */
  switch (d[5])
    {
    case '0': case '1': case '2':
      g_snprintf (upca, 13, "%c%c%c%c0000%c%c%c%c", upce[0], d[0], d[1], d[5], d[2], d[3], d[4],
                  upce[7]);
      break;
    case '3':
      g_snprintf (upca, 13, "%c%c%c%c00000%c%c%c", upce[0], d[0], d[1], d[2], d[3], d[4], upce[7]);
      break;
    case '4':
      g_snprintf (upca, 13, "%c%c%c%c%c00000%c%c", upce[0], d[0], d[1], d[2], d[3], d[4], upce[7]);
      break;
    default:
      g_snprintf (upca, 13, "%c%c%c%c%c%c0000%c%c", upce[0], d[0], d[1], d[2], d[3], d[4], d[5],
                  upce[7]);
      break;
    }
  return TRUE;
}

static gboolean
check_digit_ok (const char *code,
                gsize       len)
{
  return stk_barcode_check_digit (code, len - 1) == (guint) (code[len - 1] - '0');
}

gboolean
stk_barcode_validate (const char      *code,
                      StkBarcodeKind  *out_kind,
                      GError         **error)
{
  StkBarcodeKind kind = STK_BARCODE_FREE;
  gsize len;

  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  len = strlen (code);
  if (len == 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA, _("A barcode cannot be empty."));
      return FALSE;
    }
  if (len > STK_BARCODE_MAX_LEN || !g_utf8_validate (code, len, NULL))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("A barcode must be valid text of at most %d bytes."), STK_BARCODE_MAX_LEN);
      return FALSE;
    }
  for (const char *p = code; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c) || c == '*')
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("Barcode “%s” contains a space, a control character or “*”."), code);
          return FALSE;
        }
    }

  if (all_digits (code, len))
    {
      gboolean ok = TRUE;
      char upca[13];

      switch (len)
        {
        case 8:
          /* Eight digits are an EAN-8 or a UPC-E: either check digit makes it valid. */
          if (check_digit_ok (code, 8))
            kind = STK_BARCODE_EAN8;
          else if (stk_barcode_expand_upce (code, upca) && check_digit_ok (upca, 12))
            kind = STK_BARCODE_UPCE;
          else
            {
              kind = STK_BARCODE_EAN8;
              ok = FALSE;
            }
          break;
        case 12:
          kind = STK_BARCODE_UPCA;
          ok = check_digit_ok (code, 12);
          break;
        case 13:
          kind = STK_BARCODE_EAN13;
          ok = check_digit_ok (code, 13);
          break;
        case 14:
          kind = STK_BARCODE_GTIN14;
          ok = check_digit_ok (code, 14);
          break;
        default:
          break;
        }
      if (!ok)
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("Barcode “%s” looks like a %s number but its check digit is wrong "
                         "(it should end in %u)."),
                       code, stk_barcode_kind_name (kind),
                       stk_barcode_check_digit (code, len - 1));
          return FALSE;
        }
    }

  if (out_kind != NULL)
    *out_kind = kind;
  return TRUE;
}

char *
stk_barcode_key (const char *code)
{
  StkBarcodeKind kind;
  char upca[13];

  g_return_val_if_fail (code != NULL, NULL);

  if (!stk_barcode_validate (code, &kind, NULL) || kind == STK_BARCODE_FREE)
    return stk_code_key (code);
  if (kind == STK_BARCODE_UPCE && stk_barcode_expand_upce (code, upca))
    code = upca;
  return g_strdup_printf ("%014" G_GINT64_FORMAT, (gint64) g_ascii_strtoll (code, NULL, 10));
}

void
stk_barcode_clear (StkBarcode *barcode)
{
  g_return_if_fail (barcode != NULL);

  g_clear_pointer (&barcode->code, g_free);
}

static void
barcode_array_clear (gpointer data)
{
  stk_barcode_clear (data);
}

static gboolean
parse_pack (const char *code,
            const char *text,
            guint      *out_pack,
            GError    **error)
{
  guint64 pack = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, STK_BARCODE_MAX_PACK, &pack, NULL))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("The pack quantity of barcode “%s” must be a whole number from 1 to %d."),
                   code, STK_BARCODE_MAX_PACK);
      return FALSE;
    }
  *out_pack = (guint) pack;
  return TRUE;
}

GArray *
stk_barcode_parse_list (const char  *field,
                        GError     **error)
{
  g_autoptr(GArray) list = g_array_new (FALSE, TRUE, sizeof (StkBarcode));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) tokens = NULL;

  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_array_set_clear_func (list, barcode_array_clear);
  tokens = g_strsplit_set (field, " \t", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      char *token = tokens[i];
      char *star;
      StkBarcode barcode = { NULL, 1 };

      if (*token == '\0')
        continue;
      star = strchr (token, '*');
      if (star != NULL)
        {
          *star = '\0';
          if (!parse_pack (token, star + 1, &barcode.pack, error))
            return NULL;
        }
      if (!stk_barcode_validate (token, NULL, error))
        return NULL;
      if (g_hash_table_contains (seen, token))
        {
          g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                       _("Barcode “%s” is listed twice."), token);
          return NULL;
        }
      g_hash_table_add (seen, token);
      barcode.code = g_strdup (token);
      g_array_append_val (list, barcode);
    }
  return g_steal_pointer (&list);
}

char *
stk_barcode_format_list (const StkBarcode *barcodes,
                         guint             n_barcodes)
{
  GString *out;

  g_return_val_if_fail (barcodes != NULL || n_barcodes == 0, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < n_barcodes; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, barcodes[i].code);
      if (barcodes[i].pack != 1)
        g_string_append_printf (out, "*%u", barcodes[i].pack);
    }
  return g_string_free (out, FALSE);
}
