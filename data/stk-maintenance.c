/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-maintenance.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stk-backups.h"
#include "stk-error.h"
#include "stk-identity.h"
#include "stk-format.h"
#include "stk-ops.h"
#include "stk-maintenance-private.h"
#include "stk-op-payloads.h"

/* ---- backup path ---- */

char *
stk_backup_default_path (const char *db_path)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *stamp = NULL;

  g_autofree char *real = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);

  /* Beside the real file, named after it. */
  real = stk_identity_resolve_lenient (db_path);
  dir = g_path_get_dirname (real);
  base = stk_backup_inventory_base (real);

  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  for (guint n = 1;; n++)
    {
      g_autofree char *name = NULL;
      char *path;

      if (n == 1)
        name = g_strdup_printf ("%s-backup-%s.db", base, stamp);
      else
        name = g_strdup_printf ("%s-backup-%s-%u.db", base, stamp, n);
      path = g_build_filename (dir, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
}

/* ---- restore ---- */

typedef StkRestorePayload RestoreData;


static void
restore_data_free (gpointer data)
{
  RestoreData *d = data;

  g_free (d->backup_path);
  g_clear_object (&d->store);
  g_free (d->safety);
  g_free (d);
}


gboolean
stk_restore (StkWriter   *writer,
             StkStore    *store,
             const char  *backup_path,
             char       **out_safety_copy,
             GError     **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(StkOp) op = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  RestoreData *d;

  g_return_val_if_fail (STK_IS_WRITER (writer), FALSE);
  g_return_val_if_fail (STK_IS_STORE (store), FALSE);
  g_return_val_if_fail (backup_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = g_filename_display_name (backup_path);

  if (!g_file_test (backup_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, STK_ERROR, STK_ERROR_NOT_FOUND,
                   _("Cannot restore “%s”: the file does not exist."), name);
      return FALSE;
    }

  {
    GStatBuf a, b;

    if (g_stat (backup_path, &a) == 0 && g_stat (stk_store_get_path (store), &b) == 0 &&
        a.st_dev == b.st_dev && a.st_ino == b.st_ino)
      {
        g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                     _("Cannot restore “%s”: it is the inventory itself, not a backup."), name);
        return FALSE;
      }
  }

  /* 1. The backup must be a sound Stocktake inventory, this version's or older. */
  if (!stk_verify_file (backup_path, &problems, error))
    return FALSE;

  if (problems->len > 0)
    {
      /* One sentence: SQLite's own findings run to many lines; verify lists them. */
      g_set_error (error, STK_ERROR, STK_ERROR_CORRUPT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Cannot restore “%s”: it is damaged (%u problem found; "
                                "“stocktake --database FILE verify” lists it).",
                                "Cannot restore “%s”: it is damaged (%u problems found; "
                                "“stocktake --database FILE verify” lists them).",
                                problems->len),
                   name, problems->len);
      return FALSE;
    }

  /* 2. The safety copy of the inventory as it is now is made by the op itself, once
   * it holds the write lock: a restore refused (locked, busy) leaves none. */
  /* 3. The copy, on the writer's connection, alone. */
  d = g_new0 (RestoreData, 1);
  d->backup_path = g_strdup (backup_path);
  d->store = g_object_ref (store);
  op = stk_op_new (STK_OP_RESTORE, STK_CHANGE_ALL, d, restore_data_free);
  /* The backup API cannot run inside a transaction, and a record in applied_ops would
   * be replaced by the backup's own table anyway. */
  stk_op_set_flags (op, STK_OP_FLAG_STANDALONE | STK_OP_FLAG_NO_TRANSACTION);
  description = g_strdup_printf (_("Restore of the backup “%s”"), name);
  stk_op_set_description (op, description);

  if (!stk_writer_submit_sync (writer, op, error))
    {
      /* Nothing was restored (the copy is one transaction): no safety copy either. */
      if (d->safety != NULL)
        g_unlink (d->safety);
      return FALSE;
    }

  if (out_safety_copy != NULL)
    *out_safety_copy = g_strdup (d->safety);
  return TRUE;
}

/* ---- checkpoint ---- */

typedef StkCheckpointPayload CheckpointData;



gboolean
stk_checkpoint (StkWriter  *writer,
                gint64     *out_wal_frames,
                gint64     *out_checkpointed,
                GError    **error)
{
  g_autoptr(StkOp) op = NULL;
  CheckpointData *d;

  g_return_val_if_fail (STK_IS_WRITER (writer), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  d = g_new0 (CheckpointData, 1);
  op = stk_op_new (STK_OP_CHECKPOINT, STK_CHANGE_NONE, d, g_free);
  /* A checkpoint cannot run inside a transaction: the writer checks the write lock is
   * free (busy, locked: retried and reported like any change), then runs it. */
  stk_op_set_flags (op, STK_OP_FLAG_STANDALONE | STK_OP_FLAG_NO_TRANSACTION |
                        STK_OP_FLAG_NO_RECORD);
  stk_op_set_description (op, _("Checkpoint of the write-ahead log"));

  if (!stk_writer_submit_sync (writer, op, error))
    return FALSE;

  if (out_wal_frames != NULL)
    *out_wal_frames = d->log;
  if (out_checkpointed != NULL)
    *out_checkpointed = d->checkpointed;

  if (d->busy)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_BUSY,
                   _("The checkpoint could not finish: another program is reading the "
                     "inventory. Try again later."));
      return FALSE;
    }
  return TRUE;
}

/* ---- generate ---- */

#define GEN_CHUNK_ROWS 100000 /* one transaction each: fewer commits and checkpoints (issue 15) */
#define GEN_MAX_SKUS G_GUINT64_CONSTANT (10000000)
#define GEN_MAX_SALES G_GUINT64_CONSTANT (100000000)
#define GEN_DAYS 365
#define USEC_PER_DAY G_GINT64_CONSTANT (86400000000)

typedef struct
{
  const char *noun;
  const char *sizes;  /* separated by '|' */
  gboolean    colours; /* comes in colours (a code variant suffix) */
} Product;

typedef struct
{
  const char *prefix;
  gint32      median_cents;
  const char *adjectives[6];
  Product     products[8];
} Category;

/* Each list ends at the first NULL. */
static const Category categories[] = {
  { "HW", 450,
    { "Stainless steel", "Zinc-plated", "Galvanised", "Black oxide", "Brass" },
    { { "hex bolt", "M6 × 30 mm|M8 × 40 mm|M10 × 60 mm|M12 × 80 mm" },
      { "wood screw", "4 × 40 mm|5 × 60 mm|6 × 80 mm|pack of 100" },
      { "wing nut", "M6|M8|M10|pack of 20" },
      { "flat washer", "M6|M8|M10|pack of 50" },
      { "door hinge", "75 mm|100 mm|pair" },
      { "cabinet handle", "96 mm|128 mm|160 mm", TRUE } } },
  { "GR", 650,
    { "Organic", "Fair-trade", "Premium", "Classic", "Family-size" },
    { { "green tea", "50 bags|100 g|250 g" },
      { "black tea", "80 bags|250 g|500 g" },
      { "coffee beans", "250 g|500 g|1 kg" },
      { "basmati rice", "500 g|1 kg|5 kg" },
      { "extra virgin olive oil", "500 ml|750 ml|1 l" },
      { "dark chocolate 70 %", "100 g|200 g" },
      { "rolled oats", "500 g|1 kg" },
      { "wildflower honey", "250 g|500 g" } } },
  { "EL", 2500,
    { "Compact", "Premium", "Travel", "Braided", "Fast" },
    { { "USB-C charging cable", "1 m|2 m|3 m", TRUE },
      { "USB-C power adapter", "20 W|45 W|65 W|100 W", TRUE },
      { "power bank", "10 000 mAh|20 000 mAh", TRUE },
      { "Bluetooth speaker", "10 W|20 W|40 W", TRUE },
      { "wireless earbuds", "with charging case", TRUE },
      { "wireless mouse", "2.4 GHz|Bluetooth", TRUE },
      { "HDMI cable", "1 m|2 m|5 m" } } },
  { "OF", 400,
    { "Recycled", "Premium", "Heavy-duty", "Everyday", "Eco" },
    { { "copy paper A4", "80 g/m², 500 sheets|100 g/m², 250 sheets" },
      { "spiral notebook", "A5|A4|pack of 3", TRUE },
      { "ballpoint pen", "pack of 10|pack of 50", TRUE },
      { "stapler", "for 20 sheets|for 50 sheets", TRUE },
      { "ring binder", "A4, 50 mm|A4, 80 mm", TRUE },
      { "sticky notes", "76 × 76 mm, 12 pads", TRUE } } },
  { "KT", 2200,
    { "Cast iron", "Non-stick", "Stainless steel", "Professional", "Induction-ready" },
    { { "frying pan", "20 cm|24 cm|28 cm" },
      { "saucepan", "16 cm|18 cm|20 cm" },
      { "stockpot", "5 l|8 l" },
      { "wok", "28 cm|32 cm" },
      { "roasting tray", "35 × 25 cm|40 × 30 cm" } } },
  { "GA", 1500,
    { "Frost-proof", "Lightweight", "Heavy-duty", "Ergonomic", "Weatherproof" },
    { { "plant pot", "20 cm|30 cm|40 cm", TRUE },
      { "garden hose", "15 m|25 m|50 m", TRUE },
      { "pruning shears", "20 cm" },
      { "watering can", "5 l|10 l", TRUE },
      { "garden kneeler", "with handles", TRUE } } },
  { "TX", 1800,
    { "Cotton", "Merino wool", "Organic cotton", "Fleece", "Waterproof" },
    { { "T-shirt", "size S|size M|size L|size XL", TRUE },
      { "socks", "size 39–42|size 43–46, 3 pairs", TRUE },
      { "scarf", "180 × 30 cm", TRUE },
      { "jacket", "size M|size L|size XL", TRUE },
      { "beanie", "one size", TRUE } } },
  { "TO", 3000,
    { "Cordless", "Precision", "Insulated", "Magnetic", "Professional" },
    { { "screwdriver set", "6 pieces|12 pieces|32 pieces" },
      { "drill driver", "12 V|18 V|18 V, 2 batteries" },
      { "tape measure", "5 m|8 m" },
      { "spirit level", "40 cm|60 cm|100 cm" },
      { "combination pliers", "160 mm|200 mm" },
      { "claw hammer", "300 g|450 g" } } },
  { "PC", 550,
    { "Sensitive", "Organic", "Unscented", "Refreshing", "Moisturising" },
    { { "shampoo", "250 ml|500 ml" },
      { "liquid hand soap", "300 ml|1 l refill" },
      { "toothpaste", "75 ml|2 × 75 ml" },
      { "shower gel", "250 ml|500 ml" },
      { "sun cream SPF 30", "100 ml|200 ml" },
      { "body lotion", "200 ml|400 ml" } } },
  { "TY", 1600,
    { "Wooden", "Educational", "Classic", "Deluxe", "Junior" },
    { { "building blocks", "50 pieces|100 pieces|250 pieces" },
      { "jigsaw puzzle", "500 pieces|1000 pieces|2000 pieces" },
      { "plush teddy bear", "25 cm|40 cm", TRUE },
      { "remote-control race car", "1:24|1:16", TRUE },
      { "train set", "with 3 carriages|with bridge" } } },
  { "SP", 2000,
    { "Lightweight", "Non-slip", "Adjustable", "Professional", "Training" },
    { { "yoga mat", "4 mm|6 mm|10 mm", TRUE },
      { "dumbbell", "2 kg|5 kg|10 kg" },
      { "football", "size 4|size 5" },
      { "insulated water bottle", "500 ml|750 ml|1 l", TRUE },
      { "skipping rope", "3 m", TRUE } } },
  { "PT", 1200,
    { "Grain-free", "Natural", "Premium", "Senior", "Hypoallergenic" },
    { { "dry dog food", "2 kg|6 kg|12 kg" },
      { "clumping cat litter", "5 l|10 l|20 l" },
      { "reflective dog lead", "1.2 m|2 m", TRUE },
      { "orthopaedic pet bed", "size M|size L|size XL", TRUE },
      { "wild bird seed", "1 kg|4 kg" } } },
};

static const struct
{
  const char *suffix;
  const char *words; /* appended to the description */
} variants[] = {
  { "BLU", "blue" }, { "RED", "red" }, { "BLK", "black" }, { "WHT", "white" },
  { "GRN", "green" }, { "GRY", "grey" },
};

/* Small, exact-enough helpers, so that the data library needs no libm and the
 * generated data are the same everywhere. */

static double
normal (GRand *rand)
{
  double sum = 0;

  /* Irwin–Hall: the sum of 12 uniforms, minus 6, is close to N(0, 1). */
  for (guint i = 0; i < 12; i++)
    sum += g_rand_double (rand);
  return sum - 6.0;
}

/* e^x for |x| < 50: Taylor series of e^(x/64), squared six times. */
static double
gen_exp (double x)
{
  double y = x / 64.0;
  double term = 1.0;
  double sum = 1.0;

  for (guint i = 1; i < 16; i++)
    {
      term *= y / i;
      sum += term;
    }
  for (guint i = 0; i < 6; i++)
    sum *= sum;
  return sum;
}

/* ln(x) for x >= 1: x = 2^k · m with m in [1, 2), ln m = 2 atanh ((m - 1) / (m + 1)). */
static double
gen_log (double x)
{
  const double ln2 = 0.69314718055994530942;
  double m = x;
  double t, t2, term, sum = 0;
  int k = 0;

  while (m >= 2.0)
    {
      m /= 2.0;
      k++;
    }
  t = (m - 1.0) / (m + 1.0);
  t2 = t * t;
  term = t;
  for (guint i = 1; i < 40; i += 2)
    {
      sum += term / i;
      term *= t2;
    }
  return k * ln2 + 2.0 * sum;
}



typedef StkGenPayload GenData;
typedef StkGenItem GenItem;
typedef StkGenSale GenSale;

static gboolean
submit_chunk (StkWriter  *writer,
              GenData    *g,
              GError    **error)
{
  g_autoptr(StkOp) op = stk_op_new (STK_OP_GENERATE,
                                    STK_CHANGE_ITEMS | STK_CHANGE_MOVEMENTS | STK_CHANGE_SALES,
                                    g, NULL);

  /* Recorded like every change: a chunk is applied once, whatever is retried. */
  stk_op_set_flags (op, STK_OP_FLAG_STANDALONE);
  stk_op_set_description (op, _("Generated sample data"));
  return stk_writer_submit_sync (writer, op, error);
}

static guint
n_adjectives (const Category *cat)
{
  guint n = 0;

  while (n < G_N_ELEMENTS (cat->adjectives) && cat->adjectives[n] != NULL)
    n++;
  return n;
}

static guint
n_products (const Category *cat)
{
  guint n = 0;

  while (n < G_N_ELEMENTS (cat->products) && cat->products[n].noun != NULL)
    n++;
  return n;
}

/* Copies the @index-th '|'-separated part of @list (wrapping around) into @buf. */
static void
pick_size (const char *list,
           guint       index,
           char       *buf,
           gsize       size)
{
  guint n = 1;
  const char *p = list;
  const char *end;

  for (const char *q = list; *q; q++)
    n += (*q == '|');
  index %= n;
  while (index-- > 0)
    p = strchr (p, '|') + 1;
  end = strchr (p, '|');
  if (end == NULL)
    end = p + strlen (p);
  g_strlcpy (buf, p, MIN (size, (gsize) (end - p) + 1));
}

static void
generate_item (GRand   *rand,
               guint64  number,
               GenItem *it)
{
  const Category *cat = &categories[g_rand_int_range (rand, 0, G_N_ELEMENTS (categories))];
  const char *adjective = cat->adjectives[g_rand_int_range (rand, 0, (gint32) n_adjectives (cat))];
  const Product *product = &cat->products[g_rand_int_range (rand, 0, (gint32) n_products (cat))];
  double price = cat->median_cents * gen_exp (0.9 * normal (rand));
  char size[64];
  gint64 cents;

  pick_size (product->sizes, (guint) g_rand_int_range (rand, 0, 16), size, sizeof size);

  if (product->colours && g_rand_double (rand) < 0.6)
    {
      guint v = (guint) g_rand_int_range (rand, 0, G_N_ELEMENTS (variants));

      g_snprintf (it->code, sizeof it->code, "%s-%06" G_GUINT64_FORMAT "-%s", cat->prefix, number,
                  variants[v].suffix);
      g_snprintf (it->description, sizeof it->description, "%s %s %s, %s", adjective,
                  product->noun, size, variants[v].words);
    }
  else
    {
      g_snprintf (it->code, sizeof it->code, "%s-%06" G_GUINT64_FORMAT, cat->prefix, number);
      g_snprintf (it->description, sizeof it->description, "%s %s %s", adjective,
                  product->noun, size);
    }

  /* Log-normal around the category's median, 0.50 … 2,000.00, shop-like endings. */
  cents = (gint64) CLAMP (price, 50.0, 200000.0);
  if (cents >= 1000)
    cents = cents / 100 * 100 + (g_rand_boolean (rand) ? 99 : 49);
  else
    cents = MAX (50, cents / 5 * 5);
  it->price = (gint32) MIN (cents, 200000);

  it->reorder = g_rand_int_range (rand, 0, 51);
  it->stock = g_rand_double (rand) < 0.9 ? g_rand_int_range (rand, 1, 501) : 0;
  it->archived = g_rand_double (rand) < 0.02;
}

/* Sale times: the 365 days before today (UTC), more on weekdays and in December,
 * shop hours, ascending. */
typedef struct
{
  gint64   first_day;       /* days since the epoch */
  guint64  counts[GEN_DAYS];
  guint    day;
  gint64  *times;           /* the current day's */
  guint64  n_times;
  guint64  pos;
} SaleClock;

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static int
month_of_day (gint64 days)
{
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;

  return (int) (mp < 10 ? mp + 3 : mp - 9);
}

static void
sale_clock_init (SaleClock *c,
                 GRand     *rand,
                 guint64    n_sales,
                 gint64     today)
{
  double weights[GEN_DAYS];
  double total = 0;
  double cumulative = 0;
  guint64 assigned = 0;

  memset (c, 0, sizeof *c);
  c->first_day = today - GEN_DAYS;
  for (guint d = 0; d < GEN_DAYS; d++)
    {
      gint64 day = c->first_day + d;
      int weekday = (int) ((day + 4) % 7); /* 0 = Sunday; 1970-01-01 was a Thursday */
      double w = g_rand_double_range (rand, 0.85, 1.15);

      if (weekday == 0 || weekday == 6)
        w *= 0.6;
      if (month_of_day (day) == 12)
        w *= 1.6;
      weights[d] = w;
      total += w;
    }
  for (guint d = 0; d < GEN_DAYS; d++)
    {
      guint64 upto;

      cumulative += weights[d];
      upto = d == GEN_DAYS - 1 ? n_sales : (guint64) (n_sales * (cumulative / total) + 0.5);
      upto = MIN (upto, n_sales);
      c->counts[d] = upto - MIN (assigned, upto);
      assigned = MAX (assigned, upto);
    }
  c->day = 0;
  c->pos = 0;
  c->n_times = 0;
}

static gint64
sale_clock_next (SaleClock *c,
                 GRand     *rand)
{
  while (c->pos == c->n_times)
    {
      gint64 start;

      if (c->n_times > 0 || c->times != NULL)
        c->day++;
      g_assert (c->day < GEN_DAYS);
      c->n_times = c->counts[c->day];
      c->pos = 0;
      g_free (c->times);
      c->times = g_new (gint64, MAX (c->n_times, 1));
      start = (c->first_day + c->day) * USEC_PER_DAY;
      for (guint64 i = 0; i < c->n_times; i++)
        {
          /* 08:00 to 20:00, busier around midday. */
          double hours = 8.0 + 6.0 * (g_rand_double (rand) + g_rand_double (rand));
          c->times[i] = start + (gint64) (hours * 3600.0) * G_USEC_PER_SEC;
        }
      qsort (c->times, c->n_times, sizeof (gint64), compare_gint64);
    }
  return c->times[c->pos++];
}

static guint64
gcd (guint64 a,
     guint64 b)
{
  while (b != 0)
    {
      guint64 t = a % b;
      a = b;
      b = t;
    }
  return a;
}

gboolean
stk_generate (StkWriter        *writer,
              guint64           n_skus,
              guint64           n_sales,
              guint32           seed,
              StkProgressFunc   progress,
              gpointer          user_data,
              GError          **error)
{
  g_autoptr(GRand) rand = NULL;
  g_autoptr(StkOp) probe = NULL;
  g_autofree gint32 *on_hand = NULL;
  g_autofree gint32 *reorder = NULL;
  g_autofree guint8 *archived = NULL;
  GenData g = { 0 };
  SaleClock clock;
  guint64 total = n_skus + n_sales;
  guint64 done = 0;
  guint64 mult = 1;
  gint64 today;
  gboolean ok = TRUE;

  g_return_val_if_fail (STK_IS_WRITER (writer), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_skus > GEN_MAX_SKUS || n_sales > GEN_MAX_SALES)
    {
      g_autofree char *max_skus = stk_format_count ((gint64) GEN_MAX_SKUS);
      g_autofree char *max_sales = stk_format_count ((gint64) GEN_MAX_SALES);

      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Too much to generate: at most %s SKUs and %s sales."),
                   max_skus, max_sales);
      return FALSE;
    }
  if (n_skus == 0 && n_sales > 0)
    {
      g_set_error (error, STK_ERROR, STK_ERROR_INVALID_DATA,
                   _("Sales can only be generated together with SKUs."));
      return FALSE;
    }

  g.seed = seed;
  probe = stk_op_new (STK_OP_GENERATE_PROBE, STK_CHANGE_NONE, &g, NULL);
  stk_op_set_flags (probe, STK_OP_FLAG_NO_RECORD);
  if (!stk_writer_submit_sync (writer, probe, error))
    return FALSE;

  rand = g_rand_new_with_seed (seed);
  today = g_get_real_time () / USEC_PER_DAY;
  g.opening_at = (today - GEN_DAYS - 1) * USEC_PER_DAY + G_GINT64_CONSTANT (7) * 3600 * G_USEC_PER_SEC;
  g.ids = g_new0 (gint64, MAX (n_skus, 1));
  g.prices = g_new0 (gint32, MAX (n_skus, 1));
  on_hand = g_new0 (gint32, MAX (n_skus, 1));
  reorder = g_new0 (gint32, MAX (n_skus, 1));
  archived = g_new0 (guint8, MAX (n_skus, 1));

  if (progress != NULL)
    progress (0, total, user_data);

  /* Items, with their opening stock. */
  g.items = g_new (GenItem, GEN_CHUNK_ROWS);
  for (guint64 first = 0; ok && first < n_skus; first += GEN_CHUNK_ROWS)
    {
      g.first_item = first;
      g.n_items = (guint) MIN ((guint64) GEN_CHUNK_ROWS, n_skus - first);
      for (guint i = 0; i < g.n_items; i++)
        {
          GenItem *it = &g.items[i];

          generate_item (rand, (guint64) g.base_item + first + i + 1, it);
          g.prices[first + i] = it->price;
          on_hand[first + i] = it->stock;
          reorder[first + i] = it->reorder;
          archived[first + i] = it->archived;
        }
      ok = submit_chunk (writer, &g, error);
      done += g.n_items;
      if (ok && progress != NULL)
        progress (done, total, user_data);
    }
  g_clear_pointer (&g.items, g_free);
  g.n_items = 0;

  /* Sales: popular items sell much more (Zipf-like), never below zero stock. */
  if (ok && n_sales > 0)
    {
      double log_n = gen_log ((double) n_skus + 1.0);
      guint64 offset = (guint64) g_rand_int_range (rand, 0, (gint32) MIN (n_skus, G_MAXINT32));

      /* A fixed permutation of the items, so the best sellers are spread out. */
      mult = (G_GUINT64_CONSTANT (2654435761) % n_skus) | 1;
      while (gcd (mult, n_skus) != 1)
        mult += 2;

      sale_clock_init (&clock, rand, n_sales, today);
      g.sales = g_new (GenSale, GEN_CHUNK_ROWS);
      for (guint64 first = 0; ok && first < n_sales; first += GEN_CHUNK_ROWS)
        {
          g.first_sale = first;
          g.n_sales = (guint) MIN ((guint64) GEN_CHUNK_ROWS, n_sales - first);
          for (guint i = 0; i < g.n_sales; i++)
            {
              GenSale *s = &g.sales[i];
              double u = g_rand_double (rand);
              guint64 item = 0;

              for (guint attempt = 0; attempt < 8; attempt++)
                {
                  guint64 rank = (guint64) gen_exp (g_rand_double (rand) * log_n);

                  rank = rank > 0 ? rank - 1 : 0;

                  rank = MIN (rank, n_skus - 1);
                  item = (rank * mult + offset) % n_skus;
                  if (!archived[item])
                    break;
                }

              s->sold_at = sale_clock_next (&clock, rand);
              s->item = (guint32) item;
              s->quantity = u < 0.70 ? 1 : u < 0.85 ? 2 : u < 0.93 ? 3 : u < 0.97 ? 4 : 5;
              s->restock = 0;
              s->restock_balance = 0;
              if (on_hand[item] < s->quantity)
                {
                  s->restock = s->quantity + 20 + g_rand_int_range (rand, 0, 2 * reorder[item] + 101);
                  on_hand[item] += s->restock;
                  s->restock_balance = on_hand[item];
                }
              on_hand[item] -= s->quantity;
            }
          ok = submit_chunk (writer, &g, error);
          done += g.n_sales;
          if (ok && progress != NULL)
            progress (done, total, user_data);
        }
      g_clear_pointer (&g.sales, g_free);
      g_clear_pointer (&clock.times, g_free);
    }

  g_free (g.ids);
  g_free (g.prices);
  return ok;
}
