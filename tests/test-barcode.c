/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Barcodes: GS1 check digits on real numbers, UPC-E expansion, free codes, and the skus
 * CSV's "barcodes" field with pack quantities. */
#include "config.h"

#include <criterion/criterion.h>

#include "stk-barcode.h"
#include "stk-error.h"

static StkBarcodeKind
valid_kind (const char *code)
{
  g_autoptr(GError) error = NULL;
  StkBarcodeKind kind = (StkBarcodeKind) -1;

  cr_assert (stk_barcode_validate (code, &kind, &error), "%s: %s", code,
             error ? error->message : "");
  return kind;
}

static char *
invalid_message (const char *code)
{
  g_autoptr(GError) error = NULL;

  cr_assert_not (stk_barcode_validate (code, NULL, &error), "%s was accepted", code);
  cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA), "%s", error->message);
  return g_strdup (error->message);
}

Test (barcode, real_gs1_numbers_are_recognised)
{
  cr_assert_eq (valid_kind ("4006381333931"), STK_BARCODE_EAN13);
  cr_assert_eq (valid_kind ("5901234123457"), STK_BARCODE_EAN13);
  cr_assert_eq (valid_kind ("96385074"), STK_BARCODE_EAN8);
  cr_assert_eq (valid_kind ("73513537"), STK_BARCODE_EAN8);
  cr_assert_eq (valid_kind ("036000291452"), STK_BARCODE_UPCA);
  cr_assert_eq (valid_kind ("01234567890128"), STK_BARCODE_GTIN14);
  /* Valid as UPC-E only (as EAN-8 their check digit is wrong). */
  cr_assert_eq (valid_kind ("04252614"), STK_BARCODE_UPCE);
  cr_assert_eq (valid_kind ("01234531"), STK_BARCODE_UPCE);
  cr_assert_eq (valid_kind ("06543240"), STK_BARCODE_UPCE);
}

Test (barcode, check_digits_follow_gs1_weights)
{
  cr_assert_eq (stk_barcode_check_digit ("400638133393", 12), 1);
  cr_assert_eq (stk_barcode_check_digit ("9638507", 7), 4);
  cr_assert_eq (stk_barcode_check_digit ("03600029145", 11), 2);
  cr_assert_eq (stk_barcode_check_digit ("0123456789012", 13), 8);
  cr_assert_eq (stk_barcode_check_digit ("0000000", 7), 0);
}

Test (barcode, every_wrong_check_digit_is_refused)
{
  const char *good[] = { "4006381333931", "96385074", "036000291452", "01234567890128" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    for (char d = '0'; d <= '9'; d++)
      {
        g_autofree char *code = g_strdup (good[i]);
        gsize len = strlen (code);

        if (code[len - 1] == d)
          continue;
        code[len - 1] = d;
        /* An eight-digit code may still be a valid UPC-E with another check digit. */
        if (len == 8)
          {
            char upca[13];

            if (stk_barcode_expand_upce (code, upca) &&
                stk_barcode_check_digit (upca, 11) == (guint) (d - '0'))
              continue;
          }
        g_autofree char *message = invalid_message (code);
        g_autofree char *expected = g_strdup_printf ("it should end in %c", good[i][len - 1]);

        cr_assert (strstr (message, code) != NULL, "%s", message);
        cr_assert (strstr (message, expected) != NULL, "%s", message);
      }
}

Test (barcode, upce_expands_by_its_last_digit)
{
  char upca[13];

  cr_assert (stk_barcode_expand_upce ("04252614", upca));
  cr_assert_str_eq (upca, "042100005264");
  cr_assert (stk_barcode_expand_upce ("01234531", upca));
  cr_assert_str_eq (upca, "012300000451");
  cr_assert (stk_barcode_expand_upce ("01234565", upca));
  cr_assert_str_eq (upca, "012345000065");
  cr_assert (stk_barcode_expand_upce ("06543240", upca));
  cr_assert_str_eq (upca, "065430000020");
  cr_assert (stk_barcode_expand_upce ("12345670", upca));
  cr_assert_str_eq (upca, "123456000070");
  /* Number system 2–9 is not UPC-E; nor is anything but eight digits. */
  cr_assert_not (stk_barcode_expand_upce ("24252614", upca));
  cr_assert_not (stk_barcode_expand_upce ("0425261", upca));
  cr_assert_not (stk_barcode_expand_upce ("0425261A", upca));
}

Test (barcode, free_codes_are_accepted_as_they_are)
{
  cr_assert_eq (valid_kind ("SHOP-0042"), STK_BARCODE_FREE);
  cr_assert_eq (valid_kind ("12345"), STK_BARCODE_FREE);          /* too short for GS1 */
  cr_assert_eq (valid_kind ("123456789"), STK_BARCODE_FREE);      /* nine digits */
  cr_assert_eq (valid_kind ("400638133393X"), STK_BARCODE_FREE);  /* not all digits */
  cr_assert_eq (valid_kind ("CAFÉ-1"), STK_BARCODE_FREE);
}

Test (barcode, malformed_codes_get_one_sentence)
{
  g_autofree char *long_code = g_strnfill (STK_BARCODE_MAX_LEN + 1, 'A');
  const char *bad[] = { "", "AB CD", "AB\tCD", "AB*2", "A\x01", long_code, "\xff\xfe" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *message = invalid_message (bad[i]);

      cr_assert (g_str_has_suffix (message, "."), "%s", message);
    }
  cr_assert_eq (valid_kind ("A"), STK_BARCODE_FREE);
}

Test (barcode, list_field_reads_packs_and_round_trips)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) list = stk_barcode_parse_list ("  4006381333931 01234567890128*12  SHOP-1*1 ",
                                                   &error);
  g_autofree char *formatted = NULL;
  g_autoptr(GArray) again = NULL;

  cr_assert_not_null (list, "%s", error ? error->message : "");
  cr_assert_eq (list->len, 3);
  cr_assert_str_eq (g_array_index (list, StkBarcode, 0).code, "4006381333931");
  cr_assert_eq (g_array_index (list, StkBarcode, 0).pack, 1);
  cr_assert_str_eq (g_array_index (list, StkBarcode, 1).code, "01234567890128");
  cr_assert_eq (g_array_index (list, StkBarcode, 1).pack, 12);
  cr_assert_str_eq (g_array_index (list, StkBarcode, 2).code, "SHOP-1");
  cr_assert_eq (g_array_index (list, StkBarcode, 2).pack, 1);

  formatted = stk_barcode_format_list ((const StkBarcode *) list->data, list->len);
  cr_assert_str_eq (formatted, "4006381333931 01234567890128*12 SHOP-1");
  again = stk_barcode_parse_list (formatted, &error);
  cr_assert_not_null (again);
  cr_assert_eq (again->len, 3);
  cr_assert_eq (g_array_index (again, StkBarcode, 1).pack, 12);

  g_clear_pointer (&list, g_array_unref);
  list = stk_barcode_parse_list ("", &error);
  cr_assert_not_null (list);
  cr_assert_eq (list->len, 0);
}

Test (barcode, list_field_errors_name_the_barcode)
{
  struct { const char *field; const char *names; } cases[] = {
    { "4006381333931 4006381333932", "4006381333932" }, /* wrong check digit */
    { "SHOP-1 SHOP-1", "SHOP-1" },                      /* twice */
    { "SHOP-1*0", "SHOP-1" },                           /* pack 0 */
    { "SHOP-1*100001", "SHOP-1" },                      /* pack too big */
    { "SHOP-1*x", "SHOP-1" },
    { "SHOP-1*", "SHOP-1" },
    { "SHOP-1*-3", "SHOP-1" },
    { "*12", "" },                                      /* no barcode before the pack */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) list = stk_barcode_parse_list (cases[i].field, &error);

      cr_assert_null (list, "“%s” was accepted", cases[i].field);
      cr_assert (g_error_matches (error, STK_ERROR, STK_ERROR_INVALID_DATA));
      cr_assert (strstr (error->message, cases[i].names) != NULL, "%s: %s", cases[i].field,
                 error->message);
    }
}

static void
assert_same_key (const char *a,
                 const char *b)
{
  g_autofree char *ka = stk_barcode_key (a);
  g_autofree char *kb = stk_barcode_key (b);

  cr_assert_str_eq (ka, kb, "“%s” and “%s” should be one barcode", a, b);
}

Test (barcode, one_number_has_one_key_however_it_is_spelt)
{
  char upca[13];
  g_autofree char *key = stk_barcode_key ("036000291452");
  g_autofree char *ean8 = stk_barcode_key ("96385074");
  g_autofree char *free_a = stk_barcode_key ("Shelf-7");
  g_autofree char *free_b = stk_barcode_key ("SHELF-7");
  g_autofree char *wrong = stk_barcode_key ("036000291453");

  cr_assert_str_eq (key, "00036000291452");
  assert_same_key ("036000291452", "0036000291452");
  assert_same_key ("036000291452", "00036000291452");
  /* A UPC-E is the UPC-A it stands for. */
  cr_assert (stk_barcode_expand_upce ("04252614", upca));
  assert_same_key ("04252614", upca);
  /* An EAN-8 is not padded into another EAN-8's number. */
  cr_assert_str_eq (ean8, "00000096385074");
  /* Free codes follow the item-code rule (case does not matter). */
  cr_assert_str_eq (free_a, free_b);
  /* A number with a wrong check digit is not a GS1 number: a free code, kept apart. */
  cr_assert_str_neq (wrong, key);
}
