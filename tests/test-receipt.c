/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Receipts (issue 17, ui/stk-receipt.c): what a receipt says and in which order, the PDF
 * on an 80 mm roll, the drawing's height, failures that leave no file, and the print
 * operation exported to PDF on a sheet. */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "stk-error.h"
#include "stk-format.h"
#include "stk-receipt.h"
#include "stk-receipt-private.h"
#include "stk-sale.h"
#include "stk-tax.h"
#include "stk-test-fixture.h"

/* 7 December 2026, 10:30 UTC. */
#define SOLD_AT_US   G_GINT64_CONSTANT (1796639400000000)
#define RETURNED_US  (SOLD_AT_US + G_GINT64_CONSTANT (86400000000))

static void
setup (void)
{
  stk_test_fixture_setup ();
  /* Local time is UTC, so the dates below are the ones written. */
  g_setenv ("TZ", "UTC", TRUE);
  tzset ();
  stk_format_set_currency_symbol (NULL);
}

TestSuite (receipt, .init = setup, .fini = stk_test_fixture_teardown, .timeout = 60);

static void
add_line (StkSaleDetail *sale,
          gint64         line_id,
          const char    *code,
          const char    *description,
          gint64         quantity,
          gint64         unit_price_cents,
          gint64         discount_cents)
{
  StkSaleLine *line = g_new0 (StkSaleLine, 1);

  line->tax_rate_bp = -1;
  line->line_id = line_id;
  line->code = g_strdup (code);
  line->description = g_strdup (description);
  line->quantity = quantity;
  line->unit_price_cents = unit_price_cents;
  line->discount_cents = discount_cents;
  line->total_cents = quantity * unit_price_cents - discount_cents;
  g_ptr_array_add (sale->lines, line);
  sale->total_cents += line->total_cents;
}

static void
add_return (StkSaleDetail *sale,
            gint64         line_id,
            gint64         quantity,
            gint64         refund_cents,
            const char    *reason)
{
  StkSaleReturn *ret = g_new0 (StkSaleReturn, 1);

  ret->return_id = 900 + sale->returns->len;
  ret->line_id = line_id;
  for (guint i = 0; i < sale->lines->len; i++)
    {
      StkSaleLine *line = g_ptr_array_index (sale->lines, i);

      if (line->line_id == line_id)
        {
          ret->code = g_strdup (line->code);
          line->returned_quantity += quantity;
        }
    }
  ret->quantity = quantity;
  ret->refund_cents = refund_cents;
  ret->returned_at_us = RETURNED_US;
  ret->reason = g_strdup (reason);
  g_ptr_array_add (sale->returns, ret);
  sale->refunded_cents += refund_cents;
}

/* Sale 41: three lines, the second with a discount, one of the third returned. */
static StkSaleDetail *
three_line_sale (void)
{
  StkSaleDetail *sale = stk_sale_detail_new ();

  sale->sale_id = 41;
  sale->sold_at_us = SOLD_AT_US;
  g_free (sale->payment);
  sale->payment = g_strdup ("Card");
  g_free (sale->note);
  sale->note = g_strdup ("Gift wrap");
  add_line (sale, 41, "W-1", "Widget", 2, 350, 0);                     /*  7.00 */
  add_line (sale, 42, "G-2", "Gadget, large", 1, 1999, 250);           /* 17.49 */
  add_line (sale, 43, "B-3", "Bolt", 10, 15, 0);                       /*  1.50 */
  add_return (sale, 43, 4, 60, "Too many");
  return sale;
}

/* Sale 50: one line, voided. */
static StkSaleDetail *
voided_sale (void)
{
  StkSaleDetail *sale = stk_sale_detail_new ();

  sale->sale_id = 50;
  sale->sold_at_us = SOLD_AT_US;
  sale->voided = TRUE;
  g_free (sale->void_reason);
  sale->void_reason = g_strdup ("Wrong customer");
  add_line (sale, 50, "W-1", "Widget", 1, 350, 0);
  return sale;
}

static char *
in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* The names in @folder, sorted, joined by spaces ("" for none). */
static char *
list_folder (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  cr_assert_not_null (dir, "cannot list %s", folder);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* The index of the first row from @from equal to @row; fails the test if none. */
static guint
find_row (char       **rows,
          guint        from,
          const char  *row)
{
  g_autofree char *all = g_strjoinv ("\n", rows);

  for (guint i = from; rows[i] != NULL; i++)
    if (g_str_equal (rows[i], row))
      return i;
  cr_assert_fail ("no row “%s” after row %u in:\n%s", row, from, all);
  return 0;
}

static gboolean
has_row_containing (char       **rows,
                    const char  *text)
{
  for (guint i = 0; rows[i] != NULL; i++)
    if (strstr (rows[i], text) != NULL)
      return TRUE;
  return FALSE;
}

Test (receipt, says_every_line_total_and_refund_in_order)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  g_auto(GStrv) rows = stk_receipt_get_rows (sale, "Corner Shop", "1 High Street\nSpringfield\n",
                                             STK_RECEIPT_TEXT_WIDTH_PT);
  g_autofree char *sold = stk_format_datetime (SOLD_AT_US);
  g_autofree char *returned = stk_format_datetime (RETURNED_US);
  g_autofree char *sale_row = g_strdup_printf ("Sale 41\t%s", sold);
  g_autofree char *return_when = g_strdup_printf ("%s, Too many", returned);
  guint at = 0;

  /* Each row after the one before. */
  cr_assert_eq (find_row (rows, 0, "Corner Shop"), 0);
  at = find_row (rows, at, "1 High Street\nSpringfield");
  at = find_row (rows, at, sale_row);
  at = find_row (rows, at, "Payment: Card");
  at = find_row (rows, at, "Note: Gift wrap");
  at = find_row (rows, at, "Widget\t7.00");
  at = find_row (rows, at, "W-1 · 2 × 3.50");
  at = find_row (rows, at, "Gadget, large\t17.49");
  at = find_row (rows, at, "G-2 · 1 × 19.99");
  at = find_row (rows, at, "Discount\t-2.50");
  at = find_row (rows, at, "Bolt\t1.50");
  at = find_row (rows, at, "B-3 · 10 × 0.15");
  at = find_row (rows, at, "4 returned");
  at = find_row (rows, at, "Total\t25.99");
  at = find_row (rows, at, "Returns");
  at = find_row (rows, at, "4 × B-3\t-0.60");
  at = find_row (rows, at, return_when);
  at = find_row (rows, at, "Refunded\t-0.60");
  at = find_row (rows, at, "Net\t25.39");
  cr_assert_null (rows[at + 1], "a row after Net: %s", rows[at + 1]);

  /* Only one discount (the other lines have none), and the sale is not voided. */
  cr_assert_eq (find_row (rows, find_row (rows, 0, "Discount\t-2.50") + 1, "Bolt\t1.50"),
                find_row (rows, 0, "Bolt\t1.50"));
  cr_assert_not (has_row_containing (rows, "Discount\t-0"));
  cr_assert_not (has_row_containing (rows, "VOIDED"));
}

Test (receipt, a_voided_sale_says_so_and_why_and_no_returns_no_net)
{
  g_autoptr(StkSaleDetail) sale = voided_sale ();
  g_auto(GStrv) rows = stk_receipt_get_rows (sale, NULL, "  \n ", STK_RECEIPT_TEXT_WIDTH_PT);
  guint at;

  /* No shop (no name, a blank address): the receipt opens with the sale. */
  cr_assert (g_str_has_prefix (rows[0], "Sale 50\t"), "%s", rows[0]);
  at = find_row (rows, 0, "VOIDED");
  at = find_row (rows, at, "Reason: Wrong customer");
  at = find_row (rows, at, "Widget\t3.50");
  at = find_row (rows, at, "Total\t3.50");
  cr_assert_null (rows[at + 1], "a row after Total: %s", rows[at + 1]);
  cr_assert_not (has_row_containing (rows, "Returns"));
  cr_assert_not (has_row_containing (rows, "Refunded"));
  cr_assert_not (has_row_containing (rows, "Payment"));
  cr_assert_not (has_row_containing (rows, "Note"));
}

Test (receipt, amounts_carry_the_currency_symbol)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  g_auto(GStrv) rows = NULL;

  stk_format_set_currency_symbol ("CHF");
  rows = stk_receipt_get_rows (sale, "Shop", "", STK_RECEIPT_TEXT_WIDTH_PT);
  stk_format_set_currency_symbol (NULL);
  /* Where the C locale puts a symbol: after the amount. */
  find_row (rows, 0, "Total\t25.99\u00a0CHF");
  find_row (rows, 0, "W-1 · 2 × 3.50\u00a0CHF");
  find_row (rows, 0, "Discount\t-2.50\u00a0CHF");
}

/* The PDF's first page's MediaBox, "[ 0 0 W H ]" as cairo writes it. */
static void
pdf_media_box (const char *contents,
               gsize       length,
               double     *out_width,
               double     *out_height)
{
  const char *found = memmem (contents, length, "/MediaBox [", 11);
  g_autofree char *box = NULL;
  double x0, y0;

  cr_assert_not_null (found, "no MediaBox");
  box = g_strndup (found, MIN (80, length - (gsize) (found - contents)));
  cr_assert_eq (sscanf (box, "/MediaBox [ %lf %lf %lf %lf ]", &x0, &y0, out_width, out_height),
                4, "%.40s", box);
}

Test (receipt, a_pdf_of_one_roll_page_as_long_as_the_receipt)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  g_autoptr(StkSaleDetail) voided = voided_sale ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = in_tmp ("Sale-41.pdf");
  g_autofree char *voided_path = in_tmp ("Sale-50.pdf");
  g_autofree char *contents = NULL;
  g_autofree char *voided_contents = NULL;
  g_autofree char *names = NULL;
  gsize length = 0, voided_length = 0;
  double width, height, voided_width, voided_height;

  cr_assert (stk_receipt_write_pdf (sale, "Corner Shop", "1 High Street\nSpringfield", path,
                                    &error), "%s", error ? error->message : "");
  cr_assert (stk_receipt_write_pdf (voided, "Corner Shop", "", voided_path, &error),
             "%s", error ? error->message : "");
  cr_assert (g_file_get_contents (path, &contents, &length, NULL));
  cr_assert (g_file_get_contents (voided_path, &voided_contents, &voided_length, NULL));
  cr_assert (length > 8 && memcmp (contents, "%PDF-", 5) == 0);
  cr_assert (voided_length > 8 && memcmp (voided_contents, "%PDF-", 5) == 0);
  cr_assert (memmem (contents, length, "%%EOF", 5) != NULL, "the PDF is cut short");
  cr_assert (memmem (contents, length, "/Count 1\n", 9) != NULL, "not one page");

  /* 80 mm wide; as long as the receipt: the longer receipt is the longer page. */
  pdf_media_box (contents, length, &width, &height);
  pdf_media_box (voided_contents, voided_length, &voided_width, &voided_height);
  cr_assert_float_eq (width, 80.0 * 72.0 / 25.4, 0.01);
  cr_assert_float_eq (voided_width, 80.0 * 72.0 / 25.4, 0.01);
  cr_assert (height > voided_height + 100 && voided_height > 100, "%g, %g", height, voided_height);

  /* Nothing else left in the folder. */
  names = list_folder (tmpdir);
  cr_assert_str_eq (names, "Sale-41.pdf Sale-50.pdf");

  /* Written again: replaced. */
  cr_assert (stk_receipt_write_pdf (voided, "Corner Shop", "", path, &error),
             "%s", error ? error->message : "");
  g_clear_pointer (&contents, g_free);
  cr_assert (g_file_get_contents (path, &contents, &length, NULL));
  pdf_media_box (contents, length, &width, &height);
  cr_assert_float_eq (height, voided_height, 0.01);
}

/* Whether the row @y of @surface has any ink. */
static gboolean
row_has_ink (cairo_surface_t *surface,
             int              y)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int width = cairo_image_surface_get_width (surface);

  for (int x = 0; x < width; x++)
    {
      const guint32 *pixel = (const guint32 *) (data + y * stride) + x;

      if ((*pixel & 0xff) < 0x80)
        return TRUE;
    }
  return FALSE;
}

/* Drawn on an image: the height it says is the height it took — ink near the end of it,
 * none below. With STK_RECEIPT_PNG set, the image is written there to look at. */
Test (receipt, draws_on_any_cairo_surface_and_says_how_tall)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  const double scale = 3.0;
  const int width = (int) (STK_RECEIPT_ROLL_WIDTH_PT * scale);
  const int height = 2000;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  const char *png = g_getenv ("STK_RECEIPT_PNG");
  double drawn;
  int bottom;
  int last_ink = -1;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, (STK_RECEIPT_ROLL_WIDTH_PT - STK_RECEIPT_TEXT_WIDTH_PT) / 2, 12);
  drawn = stk_receipt_draw (sale, "Corner Shop", "1 High Street\nSpringfield", cr,
                            STK_RECEIPT_TEXT_WIDTH_PT);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  bottom = (int) ((12 + drawn) * scale);
  cr_assert (drawn > 200 && bottom < height, "%g", drawn);
  for (int y = 0; y < height; y++)
    if (row_has_ink (surface, y))
      last_ink = y;
  cr_assert (row_has_ink (surface, (int) (14 * scale)) || row_has_ink (surface, (int) (16 * scale)),
             "no shop name at the top");
  cr_assert (last_ink <= bottom && last_ink > bottom - 12 * scale,
             "the last ink at %d, the receipt said it ends at %d", last_ink, bottom);
  if (png != NULL)
    cr_assert_eq (cairo_surface_write_to_png (surface, png), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

/* The columns of @surface with ink: the first and the last. */
static void
ink_columns (cairo_surface_t *surface,
             int             *out_first,
             int             *out_last)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);

  *out_first = width;
  *out_last = -1;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if ((*((const guint32 *) (data + y * stride) + x) & 0xff) < 0x80)
        {
          *out_first = MIN (*out_first, x);
          *out_last = MAX (*out_last, x);
        }
}

/* Printed on A4 the receipt is a column in the middle, enlarged (readable, not a strip
 * of 80 mm in a corner); on a roll it takes the whole width at its own size. With
 * STK_RECEIPT_A4_PNG set, the A4 page is written there to look at. */
Test (receipt, on_a_sheet_a_centred_column_on_a_roll_the_whole_width)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  /* A4's printable area with GTK's default margins (6.35 mm), in points. */
  const double a4_width = 595.28 - 2 * 18.0, a4_height = 841.89 - 2 * 18.0;
  const double column = 90.0 * 72.0 / 25.4 * 1.25;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) a4_width,
                                                         (int) a4_height);
  cairo_t *cr = cairo_create (surface);
  const char *png = g_getenv ("STK_RECEIPT_A4_PNG");
  int first, last;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cr_assert_eq (stk_receipt_draw_sheet (sale, "Corner Shop", "1 High Street", cr, a4_width,
                                        a4_height, 0), 1);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  ink_columns (surface, &first, &last);
  cr_assert (first >= (int) ((a4_width - column) / 2) - 1 && first < (int) ((a4_width - column) / 2) + 6,
             "the column starts at %d", first);
  cr_assert (last <= (int) ((a4_width + column) / 2) + 1 && last > (int) ((a4_width + column) / 2) - 6,
             "the column ends at %d", last);
  if (png != NULL)
    cr_assert_eq (cairo_surface_write_to_png (surface, png), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  /* A roll's printable width: all of it. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) STK_RECEIPT_TEXT_WIDTH_PT, 2000);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cr_assert_eq (stk_receipt_draw_sheet (sale, "Corner Shop", "1 High Street", cr,
                                        STK_RECEIPT_TEXT_WIDTH_PT, 2000, 0), 1);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  ink_columns (surface, &first, &last);
  cr_assert (first <= 1 && last >= (int) STK_RECEIPT_TEXT_WIDTH_PT - 3, "ink from %d to %d",
             first, last);
  cairo_surface_destroy (surface);
}

/* Cut between rows: page 2 of a long receipt starts with a whole row (ink right at its
 * top) and ends the receipt; nothing is drawn for a page past the last. */
Test (receipt, a_long_receipt_is_cut_between_rows)
{
  g_autoptr(StkSaleDetail) sale = stk_sale_detail_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 204, 300);
  cairo_t *cr = cairo_create (surface);
  int pages, first, last;

  sale->sale_id = 60;
  for (int i = 0; i < 40; i++)
    add_line (sale, 60 + i, "C-1", "Something", 1, 100, 0);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  pages = stk_receipt_draw_sheet (sale, "", "", cr, 204, 300, 0);
  cr_assert (pages >= 3, "%d pages", pages);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  stk_receipt_draw_sheet (sale, "", "", cr, 204, 300, pages);
  cairo_surface_flush (surface);
  ink_columns (surface, &first, &last);
  cr_assert_eq (last, -1, "ink on a page past the last");
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  stk_receipt_draw_sheet (sale, "", "", cr, 204, 300, 1);
  cairo_surface_flush (surface);
  {
    gboolean top_ink = FALSE;

    for (int y = 0; y < 4; y++)
      top_ink = top_ink || row_has_ink (surface, y);
    cr_assert (top_ink, "page 2 does not start with a row of text");
  }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
assert_no_receipt (GError     *error,
                   int         code,
                   const char *sentence,
                   const char *folder,
                   const char *left)
{
  g_autofree char *names = list_folder (folder);

  cr_assert_not_null (error, "no error");
  cr_assert (g_error_matches (error, STK_ERROR, code), "code %d: %s", error->code,
             error->message);
  cr_assert (strstr (error->message, sentence) != NULL, "%s", error->message);
  cr_assert (g_str_has_suffix (error->message, "."), "%s", error->message);
  cr_assert_str_eq (names, left);
}

Test (receipt, a_missing_folder_gives_one_sentence_and_no_file)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "missing", "Sale-41.pdf", NULL);

  cr_assert_not (stk_receipt_write_pdf (sale, "Shop", "", path, &error));
  assert_no_receipt (error, STK_ERROR_NOT_FOUND, "does not exist", tmpdir, "");
}

/* In a forked child as nobody when the test runs as root (root writes anywhere): the
 * write into the read-only folder must fail with STK_ERROR_READ_ONLY. */
Test (receipt, a_read_only_folder_gives_one_sentence_and_no_file)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  g_autofree char *folder = in_tmp ("read-only");
  g_autofree char *path = g_build_filename (folder, "Sale-41.pdf", NULL);
  int pipe_fds[2];
  pid_t pid;
  int status = 0;
  char message[512] = "";
  ssize_t n;
  g_autofree char *names = NULL;

  cr_assert_eq (g_mkdir (folder, 0755), 0);
  cr_assert_eq (g_chmod (tmpdir, 0755), 0);
  cr_assert_eq (g_chmod (folder, 0555), 0);
  cr_assert_eq (pipe (pipe_fds), 0);
  pid = fork ();
  cr_assert (pid >= 0);
  if (pid == 0)
    {
      GError *child_error = NULL;
      gboolean ok;
      int code;

      close (pipe_fds[0]);
      if (geteuid () == 0 &&
          (setresgid (65534, 65534, 65534) != 0 || setresuid (65534, 65534, 65534) != 0))
        _exit (99);
      ok = stk_receipt_write_pdf (sale, "Shop", "", path, &child_error);
      code = ok ? -1 : child_error->code;
      if (!ok && write (pipe_fds[1], child_error->message, strlen (child_error->message)) < 0)
        _exit (98);
      _exit (code == STK_ERROR_READ_ONLY ? 0 : 1);
    }
  close (pipe_fds[1]);
  n = read (pipe_fds[0], message, sizeof message - 1);
  close (pipe_fds[0]);
  message[MAX (n, 0)] = '\0';
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  g_chmod (folder, 0755);
  cr_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0, "status %d: “%s”", status, message);
  cr_assert (strstr (message, "is read-only.") != NULL, "%s", message);
  names = list_folder (folder);
  cr_assert_str_eq (names, "");
}

/* A write that fails midway (a file-size limit: EFBIG, as a full disk fails with ENOSPC):
 * the receipt already there stays as it was and no temporary file is left. */
Test (receipt, a_write_failing_midway_keeps_the_old_file_and_leaves_nothing)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = in_tmp ("Sale-41.pdf");
  g_autofree char *contents = NULL;
  struct rlimit old, small;
  gboolean ok;

  cr_assert (g_file_set_contents (path, "old receipt", -1, NULL));
  cr_assert_eq (getrlimit (RLIMIT_FSIZE, &old), 0);
  small = old;
  small.rlim_cur = 1024;
  signal (SIGXFSZ, SIG_IGN);
  cr_assert_eq (setrlimit (RLIMIT_FSIZE, &small), 0);
  ok = stk_receipt_write_pdf (sale, "Shop", "", path, &error);
  cr_assert_eq (setrlimit (RLIMIT_FSIZE, &old), 0);

  cr_assert_not (ok);
  assert_no_receipt (error, STK_ERROR_IO, "Cannot write “", tmpdir, "Sale-41.pdf");
  cr_assert (g_file_get_contents (path, &contents, NULL, NULL));
  cr_assert_str_eq (contents, "old receipt");
}

Test (receipt, a_folder_as_the_target_is_refused)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = in_tmp ("a-folder");

  cr_assert_eq (g_mkdir (folder, 0755), 0);
  cr_assert_not (stk_receipt_write_pdf (sale, "Shop", "", folder, &error));
  assert_no_receipt (error, STK_ERROR_IO, "it is a folder", tmpdir, "a-folder");
}

/* ---- the print operation, exported ---- */

static void
print_setup (void)
{
  setup ();
  gtk_init ();
}

TestSuite (receipt_print, .init = print_setup, .fini = stk_test_fixture_teardown,
           .timeout = 60);

static int
export_pages (const StkSaleDetail *sale,
              GtkPageSetup        *page_setup,
              const char          *path)
{
  g_autoptr(GtkPrintOperation) operation = stk_receipt_print_operation_new (sale, "Shop", "");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  GtkPrintOperationResult result;
  gsize length = 0;
  int pages = 0;

  if (page_setup != NULL)
    gtk_print_operation_set_default_page_setup (operation, page_setup);
  gtk_print_operation_set_export_filename (operation, path);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error);
  cr_assert_eq (result, GTK_PRINT_OPERATION_RESULT_APPLY, "%s", error ? error->message : "");
  cr_assert (g_file_get_contents (path, &contents, &length, NULL));
  cr_assert (length > 8 && memcmp (contents, "%PDF-", 5) == 0);
  g_object_get (operation, "n-pages", &pages, NULL);
  return pages;
}

Test (receipt_print, proposes_the_sale_s_file_name_and_prints_one_page)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  g_autoptr(GtkPrintOperation) operation = stk_receipt_print_operation_new (sale, "Shop", "");
  g_autofree char *path = in_tmp ("export.pdf");
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(GtkPageSetup) setup_a4 = gtk_page_setup_new ();
  GtkPrintSettings *settings = gtk_print_operation_get_print_settings (operation);
  g_autofree char *export_name = NULL;

  g_object_get (operation, "export-filename", &export_name, NULL);
  cr_assert_str_eq (export_name, "Sale-41.pdf");
  cr_assert_str_eq (gtk_print_settings_get (settings, GTK_PRINT_SETTINGS_OUTPUT_BASENAME),
                    "Sale-41");

  gtk_page_setup_set_paper_size_and_default_margins (setup_a4, a4);
  cr_assert_eq (export_pages (sale, setup_a4, path), 1);
  {
    g_autofree char *contents = NULL;
    gsize length = 0;
    double width, height;

    cr_assert (g_file_get_contents (path, &contents, &length, NULL));
    pdf_media_box (contents, length, &width, &height);
    cr_assert_float_eq (width, 595.28, 0.5);
    cr_assert_float_eq (height, 841.89, 0.5);
    cr_assert (memmem (contents, length, "/Count 1\n", 9) != NULL, "not one page");
  }
}

/* A receipt longer than the sheet goes on to more sheets (nothing cut off). */
Test (receipt_print, a_long_receipt_takes_more_sheets)
{
  g_autoptr(StkSaleDetail) sale = stk_sale_detail_new ();
  g_autofree char *path = in_tmp ("long.pdf");
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(GtkPageSetup) setup_a4 = gtk_page_setup_new ();

  sale->sale_id = 60;
  sale->sold_at_us = SOLD_AT_US;
  for (int i = 0; i < 80; i++)
    {
      g_autofree char *code = g_strdup_printf ("C-%d", i);

      add_line (sale, 60 + i, code, "Something", 1, 100, 0);
    }
  gtk_page_setup_set_paper_size_and_default_margins (setup_a4, a4);
  cr_assert_gt (export_pages (sale, setup_a4, path), 1);
}

/* Format 7: the receipt's own number heads it (the sale's number under it), and each
 * return shows its number. */
Test (receipt, says_its_receipt_number_and_each_returns)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  g_auto(GStrv) rows = NULL;
  g_autofree char *sold = stk_format_datetime (SOLD_AT_US);
  g_autofree char *heading = g_strdup_printf ("Receipt No. 2026/17\t%s", sold);
  guint at = 0;

  g_free (sale->receipt);
  sale->receipt = g_strdup ("2026/17");
  for (guint i = 0; i < sale->returns->len; i++)
    {
      StkSaleReturn *ret = g_ptr_array_index (sale->returns, i);

      g_free (ret->receipt);
      ret->receipt = g_strdup ("2026/18");
    }
  rows = stk_receipt_get_rows (sale, "Corner Shop", NULL, STK_RECEIPT_TEXT_WIDTH_PT);
  at = find_row (rows, at, heading);
  at = find_row (rows, at, "Sale 41");
  at = find_row (rows, at, "Returns");
  at = find_row (rows, at, "No. 2026/18");
  cr_assert_not (has_row_containing (rows, "Sale 41\t"), "the sale's number is no heading");
}

static void
tax_line (StkSaleDetail *sale,
          const char    *name,
          gint64         rate_bp,
          gboolean       included)
{
  StkSaleLine *line = g_ptr_array_index (sale->lines, sale->lines->len - 1);
  gint64 amount = line->quantity * line->unit_price_cents - line->discount_cents;

  line->tax_rate_bp = rate_bp;
  line->tax_name = g_strdup (name);
  line->tax_included = included;
  line->tax_cents = stk_tax_line (amount, rate_bp, included);
  if (!included)
    {
      line->total_cents += line->tax_cents;
      sale->total_cents += line->tax_cents;
    }
}

Test (receipt, the_tax_breakdown_by_rate_adds_up_to_the_total)
{
  g_autoptr(StkSaleDetail) sale = stk_sale_detail_new ();
  g_auto(GStrv) rows = NULL;
  guint at;

  sale->sale_id = 60;
  sale->sold_at_us = SOLD_AT_US;
  add_line (sale, 60, "MUG", "Mug", 2, 1250, 0);       /* 25.00, 4.51 of VAT 22 % */
  tax_line (sale, "VAT", 2200, TRUE);
  add_line (sale, 61, "BREAD", "Bread", 3, 330, 0);    /*  9.90, 0.90 of Food 10 % */
  tax_line (sale, "Food", 1000, TRUE);
  add_line (sale, 62, "STAMP", "Stamp", 1, 120, 0);    /*  1.20, no tax */
  add_line (sale, 63, "CUP", "Cup", 1, 500, 0);        /*  5.00, 0.90 of VAT */
  tax_line (sale, "VAT", 2200, TRUE);
  rows = stk_receipt_get_rows (sale, NULL, NULL, STK_RECEIPT_TEXT_WIDTH_PT);

  at = find_row (rows, 0, "Total\t41.10");
  at = find_row (rows, at, "Tax");
  at = find_row (rows, at, "VAT (22 %)\t5.41");
  at = find_row (rows, at, "Taxable\t24.59");
  at = find_row (rows, at, "With tax\t30.00");
  at = find_row (rows, at, "Food (10 %)\t0.90");
  at = find_row (rows, at, "Taxable\t9.00");
  at = find_row (rows, at, "With tax\t9.90");
  at = find_row (rows, at, "No tax\t1.20");
  at = find_row (rows, at, "Total tax\t6.31");
  cr_assert_null (rows[at + 1], "a row after the tax: %s", rows[at + 1]);
}

Test (receipt, tax_added_to_prices_shows_on_its_line)
{
  g_autoptr(StkSaleDetail) sale = stk_sale_detail_new ();
  g_auto(GStrv) rows = NULL;
  guint at;

  sale->sale_id = 61;
  sale->sold_at_us = SOLD_AT_US;
  add_line (sale, 61, "MUG", "Mug", 2, 1000, 0);       /* 20.00 + 4.40 */
  tax_line (sale, "VAT", 2200, FALSE);
  rows = stk_receipt_get_rows (sale, NULL, NULL, STK_RECEIPT_TEXT_WIDTH_PT);

  at = find_row (rows, 0, "Mug\t24.40");
  at = find_row (rows, at, "MUG · 2 × 10.00");
  at = find_row (rows, at, "VAT (22 %)\t+ 4.40");
  at = find_row (rows, at, "Total\t24.40");
  at = find_row (rows, at, "VAT (22 %)\t4.40");
  at = find_row (rows, at, "Taxable\t20.00");
  /* One rate: no total of the taxes. */
  cr_assert_not (has_row_containing (rows, "Total tax"));
}

Test (receipt, a_sale_without_tax_has_no_tax_rows)
{
  g_autoptr(StkSaleDetail) sale = three_line_sale ();
  g_auto(GStrv) rows = stk_receipt_get_rows (sale, NULL, NULL, STK_RECEIPT_TEXT_WIDTH_PT);

  cr_assert_not (has_row_containing (rows, "Tax"));
  cr_assert_not (has_row_containing (rows, "No tax"));
}
