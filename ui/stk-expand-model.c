/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "stk-expand-model.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "stk-format.h"
#include "stk-reads.h"

/* ---- StkSaleChild ---- */

struct _StkSaleChild
{
  GObject           parent_instance;

  StkSaleChildKind  kind;
  StkSaleRow       *sale;
  gint64            sale_id;
  gboolean          voided;
  char             *code;
  char             *text;         /* the Item column */
  char             *status;       /* the Status column */
  gint64            quantity;
  gint64            total_cents;  /* a line's total, a return's refund */
  gint64            at_us;        /* a return's time, or 0 */
};

G_DEFINE_FINAL_TYPE (StkSaleChild, stk_sale_child, G_TYPE_OBJECT)

enum {
  CHILD_PROP_0,
  CHILD_PROP_KIND,
  CHILD_PROP_SALE_ID,
  CHILD_N_PROPS
};

static GParamSpec *child_properties[CHILD_N_PROPS];

static void
stk_sale_child_dispose (GObject *object)
{
  StkSaleChild *self = STK_SALE_CHILD (object);

  g_clear_object (&self->sale);

  G_OBJECT_CLASS (stk_sale_child_parent_class)->dispose (object);
}

static void
stk_sale_child_finalize (GObject *object)
{
  StkSaleChild *self = STK_SALE_CHILD (object);

  g_free (self->code);
  g_free (self->text);
  g_free (self->status);

  G_OBJECT_CLASS (stk_sale_child_parent_class)->finalize (object);
}

static void
stk_sale_child_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StkSaleChild *self = STK_SALE_CHILD (object);

  switch (prop_id)
    {
    case CHILD_PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case CHILD_PROP_SALE_ID:
      g_value_set_int64 (value, self->sale_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_sale_child_class_init (StkSaleChildClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = stk_sale_child_dispose;
  object_class->finalize = stk_sale_child_finalize;
  object_class->get_property = stk_sale_child_get_property;

  child_properties[CHILD_PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, STK_SALE_CHILD_LOADING, STK_SALE_CHILD_RETURN,
                      STK_SALE_CHILD_LOADING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  child_properties[CHILD_PROP_SALE_ID] =
    g_param_spec_int64 ("sale-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, CHILD_N_PROPS, child_properties);
}

static void
stk_sale_child_init (StkSaleChild *self)
{
}

static StkSaleChild *
sale_child_new (StkSaleChildKind  kind,
                StkSaleRow       *sale)
{
  StkSaleChild *self = g_object_new (STK_TYPE_SALE_CHILD, NULL);

  self->kind = kind;
  self->sale = g_object_ref (sale);
  self->sale_id = stk_sale_row_get_id (sale);
  self->voided = stk_sale_row_get_voided (sale);
  return self;
}

StkSaleChildKind
stk_sale_child_get_kind (StkSaleChild *self)
{
  g_return_val_if_fail (STK_IS_SALE_CHILD (self), STK_SALE_CHILD_LOADING);

  return self->kind;
}

gint64
stk_sale_child_get_sale_id (StkSaleChild *self)
{
  g_return_val_if_fail (STK_IS_SALE_CHILD (self), 0);

  return self->sale_id;
}

StkSaleRow *
stk_sale_child_get_sale (StkSaleChild *self)
{
  g_return_val_if_fail (STK_IS_SALE_CHILD (self), NULL);

  return self->sale;
}

gboolean
stk_sale_child_get_voided (StkSaleChild *self)
{
  g_return_val_if_fail (STK_IS_SALE_CHILD (self), FALSE);

  return self->voided;
}

/* A refund, as money going back: "−€9.00". */
static char *
format_refund (gint64 cents)
{
  g_autofree char *amount = stk_format_currency (cents == G_MININT64 ? G_MAXINT64
                                                 : cents < 0 ? -cents : cents);

  return g_strconcat ("−", amount, NULL);
}

char *
stk_sale_child_format (StkSaleChild *self,
                       const char   *property)
{
  g_return_val_if_fail (STK_IS_SALE_CHILD (self), NULL);
  g_return_val_if_fail (property != NULL, NULL);

  if (g_str_equal (property, "item"))
    return g_strdup (self->text != NULL ? self->text : "");
  if (self->kind == STK_SALE_CHILD_LOADING || self->kind == STK_SALE_CHILD_ERROR)
    return g_strdup ("");
  if (g_str_equal (property, "code"))
    return g_strdup (self->code);
  if (g_str_equal (property, "quantity") && self->kind == STK_SALE_CHILD_RETURN)
    {
      g_autofree char *n = stk_format_count (self->quantity);

      return g_strconcat ("−", n, NULL); /* what came back, with the refund's sign */
    }
  if (g_str_equal (property, "quantity"))
    return stk_format_count (self->quantity);
  if (g_str_equal (property, "total-cents"))
    return self->kind == STK_SALE_CHILD_RETURN ? format_refund (self->total_cents)
                                               : stk_format_currency (self->total_cents);
  if (g_str_equal (property, "sold-at") && self->at_us != 0)
    return stk_format_datetime_short (self->at_us);
  if (g_str_equal (property, "status"))
    return g_strdup (self->status != NULL ? self->status : "");
  return g_strdup ("");
}

static StkSaleChild *
line_child_new (StkSaleRow        *sale,
                const StkSaleLine *line)
{
  StkSaleChild *self = sale_child_new (STK_SALE_CHILD_LINE, sale);
  g_autofree char *price = stk_format_currency (line->unit_price_cents);

  self->code = g_strdup (line->code);
  self->quantity = line->quantity;
  self->total_cents = line->total_cents;
  if (line->discount_cents != 0)
    {
      g_autofree char *discount = stk_format_currency (line->discount_cents);

      /* Translators: a line of a sale in the Sales list: its item's description, the
       * unit price and the discount off the line, e.g. "Bracket · €2.50 each, €0.50 off" */
      self->text = g_strdup_printf (_("%s · %s each, %s off"), line->description, price,
                                    discount);
    }
  else
    /* Translators: a line of a sale in the Sales list: its item's description and the
     * unit price, e.g. "Anchor bolt · €1.00 each" */
    self->text = g_strdup_printf (_("%s · %s each"), line->description, price);
  if (line->returned_quantity > 0)
    {
      g_autofree char *n = stk_format_count (line->returned_quantity);

      /* Translators: the Status column of a sale's line of which some came back */
      self->status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s returned", "%s returned",
                                                   (gulong) MIN (line->returned_quantity, G_MAXLONG)),
                                      n);
    }
  return self;
}

static StkSaleChild *
return_child_new (StkSaleRow          *sale,
                  const StkSaleDetail *detail,
                  const StkSaleReturn *ret)
{
  StkSaleChild *self = sale_child_new (STK_SALE_CHILD_RETURN, sale);
  g_autofree char *n = stk_format_count (ret->quantity);
  g_autofree char *refund = format_refund (ret->refund_cents);
  const char *what = ret->code;

  for (guint i = 0; i < detail->lines->len; i++)
    {
      const StkSaleLine *line = g_ptr_array_index (detail->lines, i);

      if (line->line_id == ret->line_id)
        {
          what = line->description;
          break;
        }
    }
  self->code = g_strdup (ret->code);
  self->quantity = ret->quantity;
  self->total_cents = ret->refund_cents;
  self->at_us = ret->returned_at_us;
  /* Translators: a return under its sale in the Sales list: how many, of which item,
   * and the refund, e.g. "Returned 2 × Mug — −€9.00" */
  self->text = g_strdup_printf (_("Returned %s × %s — %s"), n, what, refund);
  self->status = g_strdup (ret->reason != NULL && ret->reason[0] != '\0' ? ret->reason
                                                                       : C_("sale", "Returned"));
  return self;
}

/* ---- StkExpandModel ---- */

typedef struct
{
  guint       base_position;
  guint       before;      /* children of the expanded sales before this one */
  gint64      sale_id;
  StkSaleRow *sale;
  gulong      notify_handler;
  GPtrArray  *children;    /* StkSaleChild* */
  guint       serial;      /* of the latest read asked */
} Entry;

struct _StkExpandModel
{
  GObject       parent_instance;

  GListModel   *base;
  StkStore     *store;
  GCancellable *cancellable;
  gulong        items_changed_handler;
  guint         base_n;      /* the base's count as its signals said it */
  GPtrArray    *entries;     /* Entry*, by base position */
  GPtrArray    *lost;        /* Entry*: collapsed by a change of this turn, see
                              * base_items_changed_cb() */
  guint         lost_idle;
  guint         n_children;
  guint         serial;
};

static void stk_expand_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StkExpandModel, stk_expand_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      stk_expand_model_list_model_init))

enum {
  PROP_0,
  PROP_BASE,
  PROP_STORE,
  PROP_CANCELLABLE,
  PROP_N_EXPANDED,
  N_PROPS
};

enum {
  TOGGLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void sale_notify_cb (StkSaleRow     *sale,
                            GParamSpec     *pspec,
                            StkExpandModel *self);

static void
entry_set_sale (StkExpandModel *self,
                Entry          *entry,
                StkSaleRow     *sale)
{
  if (entry->sale == sale)
    return;
  if (entry->sale != NULL)
    g_clear_signal_handler (&entry->notify_handler, entry->sale);
  g_set_object (&entry->sale, sale);
  if (sale != NULL)
    entry->notify_handler = g_signal_connect (sale, "notify", G_CALLBACK (sale_notify_cb), self);
}

static void
entry_free (StkExpandModel *self,
            Entry          *entry)
{
  entry_set_sale (self, entry, NULL);
  g_ptr_array_unref (entry->children);
  g_free (entry);
}

static Entry *
entry_at (StkExpandModel *self,
          guint           i)
{
  return g_ptr_array_index (self->entries, i);
}

static void
recount (StkExpandModel *self)
{
  guint before = 0;

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = entry_at (self, i);

      entry->before = before;
      before += entry->children->len;
    }
  self->n_children = before;
}

static guint
entry_position (Entry *entry)
{
  return entry->base_position + entry->before;
}

/* The index of the last entry whose sale's position is at most @position, or -1. */
static int
find_entry (StkExpandModel *self,
            guint           position)
{
  int lo = 0, hi = (int) self->entries->len - 1, found = -1;

  while (lo <= hi)
    {
      int mid = lo + (hi - lo) / 2;

      if (entry_position (entry_at (self, (guint) mid)) <= position)
        {
          found = mid;
          lo = mid + 1;
        }
      else
        hi = mid - 1;
    }
  return found;
}

/* The index of the first entry at base position @base_position or after it. */
static guint
find_base (StkExpandModel *self,
           guint           base_position)
{
  guint lo = 0, hi = self->entries->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (entry_at (self, mid)->base_position < base_position)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static Entry *
find_sale (StkExpandModel *self,
           gint64          sale_id,
           guint          *index)
{
  for (guint i = 0; i < self->entries->len; i++)
    if (entry_at (self, i)->sale_id == sale_id)
      {
        if (index != NULL)
          *index = i;
        return entry_at (self, i);
      }
  return NULL;
}

/* What is at @position: the entry it is (child == -1) or is a child of, or, with
 * *entry NULL, the base position in *base_position. */
static void
locate (StkExpandModel *self,
        guint           position,
        Entry         **entry_out,
        int            *child,
        guint          *base_position)
{
  int i = find_entry (self, position);

  *entry_out = NULL;
  *child = -1;
  if (i < 0)
    {
      *base_position = position;
      return;
    }
  {
    Entry *entry = entry_at (self, (guint) i);
    guint start = entry_position (entry);

    if (position == start)
      {
        *entry_out = entry;
        *base_position = entry->base_position;
      }
    else if (position - start <= entry->children->len)
      {
        *entry_out = entry;
        *child = (int) (position - start - 1);
        *base_position = entry->base_position;
      }
    else
      *base_position = position - entry->before - entry->children->len;
  }
}

/* Replaces @entry's children with @children (NULL: none) and says so. */
static void
entry_replace_children (StkExpandModel *self,
                        Entry          *entry,
                        GPtrArray      *children)
{
  guint position = entry_position (entry) + 1;
  guint removed = entry->children->len;
  guint added = children != NULL ? children->len : 0;

  g_ptr_array_set_size (entry->children, 0);
  for (guint i = 0; i < added; i++)
    g_ptr_array_add (entry->children, g_object_ref (children->pdata[i]));
  recount (self);
  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
remove_entry (StkExpandModel *self,
              guint           index)
{
  Entry *entry = entry_at (self, index);
  g_autoptr(StkSaleRow) sale = entry->sale != NULL ? g_object_ref (entry->sale) : NULL;
  guint position = entry_position (entry) + 1;
  guint removed = entry->children->len;

  g_ptr_array_remove_index (self->entries, index);
  entry_free (self, entry);
  recount (self);
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, removed, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_EXPANDED]);
  if (sale != NULL)
    g_signal_emit (self, signals[TOGGLED], 0, sale, FALSE);
}

/* ---- reading a sale's lines ---- */

/* A read under way: the model (held until the answer), which sale, which request. */
typedef struct
{
  StkExpandModel *self;
  gint64          sale_id;
  guint           serial;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_clear_object (&data->self);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReadData, read_data_free)

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ReadData) data = user_data;
  g_autoptr(StkSaleDetail) detail = NULL;
  g_autoptr(GError) error = NULL;
  StkExpandModel *self = data->self;
  Entry *entry;

  detail = stk_store_read_sale_finish (STK_STORE (object), result, &error);
  /* Cancelled (the window closes): check before touching anything of self's. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      (self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable)) ||
      self->base == NULL)
    return;
  entry = find_sale (self, data->sale_id, NULL);
  if (entry == NULL || entry->serial != data->serial)
    return; /* collapsed meanwhile, or read again since */
  if (detail == NULL)
    stk_expand_model_set_error (self, data->sale_id, error);
  else
    stk_expand_model_set_detail (self, detail);
}

static void
entry_read (StkExpandModel *self,
            Entry          *entry)
{
  ReadData *data;

  entry->serial = ++self->serial;
  if (self->store == NULL)
    return;
  data = g_new0 (ReadData, 1);
  data->self = g_object_ref (self);
  data->sale_id = entry->sale_id;
  data->serial = entry->serial;
  stk_store_read_sale_async (self->store, entry->sale_id, self->cancellable, read_cb, data);
}

/* ---- the sale rows' changes ---- */

static void
sale_notify_cb (StkSaleRow     *sale,
                GParamSpec     *pspec,
                StkExpandModel *self)
{
  guint index = 0;
  Entry *entry = NULL;

  for (guint i = 0; i < self->entries->len; i++)
    if (entry_at (self, i)->sale == sale)
      {
        entry = entry_at (self, i);
        index = i;
        break;
      }
  if (entry == NULL)
    return;
  if (stk_sale_row_get_id (sale) != entry->sale_id)
    {
      /* The row object shows another sale now (a new order or search). */
      remove_entry (self, index);
      return;
    }
  if (g_str_equal (pspec->name, "voided") || g_str_equal (pspec->name, "status") ||
      g_str_equal (pspec->name, "returned-quantity") ||
      g_str_equal (pspec->name, "total-cents") || g_str_equal (pspec->name, "n-more-lines"))
    {
      if (!stk_expand_model_can_expand_row (sale))
        remove_entry (self, index);
      else
        entry_read (self, entry);
    }
}

/* ---- the base model's changes ---- */

/* How far from its old position an expanded sale is looked for among the rows a change
 * brought (a few sales recorded or voided meanwhile move it by as many rows): a few
 * items of the base model, on the pages on show, never a walk over a long range. */
#define FIND_AGAIN_DISTANCE 8

/* The position in [position, position + added) of @entry's sale near where it was, and
 * its row in *found; or *found NULL. */
static guint
find_again (StkExpandModel *self,
            Entry          *entry,
            guint           position,
            guint           added,
            StkSaleRow    **found)
{
  guint was = entry->base_position;

  *found = NULL;
  for (guint d = 0; d <= FIND_AGAIN_DISTANCE; d++)
    for (int sign = 1; sign >= -1; sign -= 2)
      {
        gint64 at = (gint64) was + sign * (gint64) d;
        g_autoptr(GObject) item = NULL;

        if ((d == 0 && sign < 0) || at < (gint64) position || at >= (gint64) position + added)
          continue;
        item = g_list_model_get_item (self->base, (guint) at);
        if (item != NULL && STK_IS_SALE_ROW (item) &&
            stk_sale_row_get_id (STK_SALE_ROW (item)) == entry->sale_id)
          {
            *found = STK_SALE_ROW (g_steal_pointer (&item));
            return (guint) at;
          }
      }
  return GTK_INVALID_LIST_POSITION;
}

static void
forget_lost (StkExpandModel *self)
{
  while (self->lost->len > 0)
    entry_free (self, g_ptr_array_steal_index (self->lost, self->lost->len - 1));
}

static gboolean
forget_lost_cb (gpointer data)
{
  StkExpandModel *self = data;

  self->lost_idle = 0;
  forget_lost (self);
  return G_SOURCE_REMOVE;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *x = *(Entry * const *) a;
  const Entry *y = *(Entry * const *) b;

  return x->base_position < y->base_position ? -1 : x->base_position > y->base_position;
}

static void
base_items_changed_cb (GListModel     *base,
                       guint           position,
                       guint           removed,
                       guint           added,
                       StkExpandModel *self)
{
  guint first = find_base (self, position);
  guint flat = position + (first > 0 ? entry_at (self, first - 1)->before +
                                       entry_at (self, first - 1)->children->len : 0);
  guint removed_children = 0, added_children = 0;
  gboolean dropped = FALSE;
  gboolean moved = FALSE;
  g_autoptr(GPtrArray) lost = g_ptr_array_new ();
  g_autoptr(GPtrArray) toggled = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = first; i < self->entries->len;)
    {
      Entry *entry = entry_at (self, i);

      if (entry->base_position >= position + removed)
        {
          entry->base_position = entry->base_position - removed + added;
          i++;
          continue;
        }
      removed_children += entry->children->len;
      {
        g_autoptr(StkSaleRow) found = NULL;
        guint found_at = find_again (self, entry, position, added, &found);

        if (found != NULL)
          {
            entry->base_position = found_at;
            entry_set_sale (self, entry, found);
            added_children += entry->children->len;
            moved = TRUE;
            i++;
            continue;
          }
      }
      /* Not there: collapsed, but kept until the changes of this turn are all in (a
       * model announces a changed run and the rows added at its end one after the
       * other: the sale may come back a row lower in the next signal). */
      if (entry->sale != NULL)
        g_ptr_array_add (toggled, g_object_ref (entry->sale));
      g_ptr_array_remove_index (self->entries, i);
      entry_set_sale (self, entry, NULL);
      g_ptr_array_add (lost, entry);
      dropped = TRUE;
    }
  /* The sales lost by the signals before: back where this one brought them. */
  for (guint i = 0; i < self->lost->len;)
    {
      Entry *entry = g_ptr_array_index (self->lost, i);
      g_autoptr(StkSaleRow) found = NULL;
      guint found_at;

      if (entry->base_position >= position + removed)
        {
          entry->base_position = entry->base_position - removed + added;
          i++;
          continue;
        }
      if (find_sale (self, entry->sale_id, NULL) != NULL)
        {
          /* expanded again meanwhile */
          entry_free (self, g_ptr_array_steal_index (self->lost, i));
          continue;
        }
      found_at = find_again (self, entry, position, added, &found);
      if (found == NULL)
        {
          i++;
          continue;
        }
      g_ptr_array_remove_index (self->lost, i);
      entry->base_position = found_at;
      entry_set_sale (self, entry, found);
      g_ptr_array_add (self->entries, entry);
      added_children += entry->children->len;
      g_ptr_array_add (toggled, g_object_ref (found));
      moved = TRUE;
      dropped = TRUE;
    }
  if (lost->len > 0)
    {
      g_ptr_array_extend_and_steal (self->lost, g_steal_pointer (&lost));
      if (self->lost_idle == 0)
        self->lost_idle = g_idle_add (forget_lost_cb, self);
    }
  self->base_n = self->base_n - removed + added;
  if (moved)
    g_ptr_array_sort (self->entries, compare_entries);
  recount (self);
  g_list_model_items_changed (G_LIST_MODEL (self), flat, removed + removed_children,
                              added + added_children);
  if (dropped)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_EXPANDED]);
  for (guint i = 0; i < toggled->len; i++)
    g_signal_emit (self, signals[TOGGLED], 0, toggled->pdata[i],
                   find_sale (self, stk_sale_row_get_id (toggled->pdata[i]), NULL) != NULL);
}

/* ---- GListModel ---- */

static GType
stk_expand_model_get_item_type (GListModel *list)
{
  return G_TYPE_OBJECT;
}

static guint
stk_expand_model_get_n_items (GListModel *list)
{
  StkExpandModel *self = STK_EXPAND_MODEL (list);

  return self->base_n + self->n_children;
}

static gpointer
stk_expand_model_get_item (GListModel *list,
                           guint       position)
{
  StkExpandModel *self = STK_EXPAND_MODEL (list);
  Entry *entry;
  guint base_position;
  int child;

  if (position >= self->base_n + self->n_children)
    return NULL;
  locate (self, position, &entry, &child, &base_position);
  if (entry != NULL && child >= 0)
    return g_object_ref (entry->children->pdata[child]);
  return g_list_model_get_item (self->base, base_position);
}

static void
stk_expand_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = stk_expand_model_get_item_type;
  iface->get_n_items = stk_expand_model_get_n_items;
  iface->get_item = stk_expand_model_get_item;
}

/* ---- GObject ---- */

static void
stk_expand_model_constructed (GObject *object)
{
  StkExpandModel *self = STK_EXPAND_MODEL (object);

  G_OBJECT_CLASS (stk_expand_model_parent_class)->constructed (object);

  g_return_if_fail (self->base != NULL);
  self->base_n = g_list_model_get_n_items (self->base);
  self->items_changed_handler = g_signal_connect (self->base, "items-changed",
                                                  G_CALLBACK (base_items_changed_cb), self);
}

static void
stk_expand_model_dispose (GObject *object)
{
  StkExpandModel *self = STK_EXPAND_MODEL (object);

  if (self->base != NULL)
    g_clear_signal_handler (&self->items_changed_handler, self->base);
  while (self->entries->len > 0)
    {
      Entry *entry = g_ptr_array_steal_index (self->entries, self->entries->len - 1);

      entry_free (self, entry);
    }
  self->n_children = 0;
  g_clear_handle_id (&self->lost_idle, g_source_remove);
  forget_lost (self);
  g_clear_object (&self->base);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (stk_expand_model_parent_class)->dispose (object);
}

static void
stk_expand_model_finalize (GObject *object)
{
  StkExpandModel *self = STK_EXPAND_MODEL (object);

  g_ptr_array_unref (self->entries);
  g_ptr_array_unref (self->lost);

  G_OBJECT_CLASS (stk_expand_model_parent_class)->finalize (object);
}

static void
stk_expand_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StkExpandModel *self = STK_EXPAND_MODEL (object);

  switch (prop_id)
    {
    case PROP_BASE:
      g_value_set_object (value, self->base);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CANCELLABLE:
      g_value_set_object (value, self->cancellable);
      break;
    case PROP_N_EXPANDED:
      g_value_set_uint (value, self->entries->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_expand_model_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  StkExpandModel *self = STK_EXPAND_MODEL (object);

  switch (prop_id)
    {
    case PROP_BASE:
      self->base = g_value_dup_object (value);
      break;
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CANCELLABLE:
      stk_expand_model_set_cancellable (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stk_expand_model_class_init (StkExpandModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = stk_expand_model_constructed;
  object_class->dispose = stk_expand_model_dispose;
  object_class->finalize = stk_expand_model_finalize;
  object_class->get_property = stk_expand_model_get_property;
  object_class->set_property = stk_expand_model_set_property;

  properties[PROP_BASE] =
    g_param_spec_object ("base", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CANCELLABLE] =
    g_param_spec_object ("cancellable", NULL, NULL, G_TYPE_CANCELLABLE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_EXPANDED] =
    g_param_spec_uint ("n-expanded", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TOGGLED] =
    g_signal_new ("toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, STK_TYPE_SALE_ROW, G_TYPE_BOOLEAN);
}

static void
stk_expand_model_init (StkExpandModel *self)
{
  self->entries = g_ptr_array_new ();
  self->lost = g_ptr_array_new ();
}

/* ---- API ---- */

StkExpandModel *
stk_expand_model_new (GListModel *base,
                      StkStore   *store)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (base), NULL);
  g_return_val_if_fail (store == NULL || STK_IS_STORE (store), NULL);

  return g_object_new (STK_TYPE_EXPAND_MODEL, "base", base, "store", store, NULL);
}

GListModel *
stk_expand_model_get_base (StkExpandModel *self)
{
  g_return_val_if_fail (STK_IS_EXPAND_MODEL (self), NULL);

  return self->base;
}

void
stk_expand_model_set_cancellable (StkExpandModel *self,
                                  GCancellable   *cancellable)
{
  g_return_if_fail (STK_IS_EXPAND_MODEL (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (g_set_object (&self->cancellable, cancellable))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANCELLABLE]);
}

gboolean
stk_expand_model_can_expand_row (StkSaleRow *sale)
{
  g_return_val_if_fail (STK_IS_SALE_ROW (sale), FALSE);

  return stk_sale_row_get_n_more_lines (sale) > 0 ||
         stk_sale_row_get_returned_quantity (sale) > 0;
}

gboolean
stk_expand_model_expand (StkExpandModel *self,
                         guint           position)
{
  g_autoptr(GObject) item = NULL;
  g_autoptr(StkSaleChild) placeholder = NULL;
  g_autoptr(GPtrArray) children = NULL;
  Entry *entry;
  guint base_position;
  int child;

  g_return_val_if_fail (STK_IS_EXPAND_MODEL (self), FALSE);

  if (position >= self->base_n + self->n_children)
    return FALSE;
  locate (self, position, &entry, &child, &base_position);
  if (entry != NULL)
    return FALSE; /* expanded already, or a child */
  item = g_list_model_get_item (self->base, base_position);
  if (item == NULL || !STK_IS_SALE_ROW (item) ||
      !stk_expand_model_can_expand_row (STK_SALE_ROW (item)))
    return FALSE;

  entry = g_new0 (Entry, 1);
  entry->base_position = base_position;
  entry->sale_id = stk_sale_row_get_id (STK_SALE_ROW (item));
  entry->children = g_ptr_array_new_with_free_func (g_object_unref);
  entry_set_sale (self, entry, STK_SALE_ROW (item));
  g_ptr_array_insert (self->entries, (int) find_base (self, base_position), entry);
  recount (self);

  placeholder = sale_child_new (STK_SALE_CHILD_LOADING, STK_SALE_ROW (item));
  placeholder->text = g_strdup (_("Loading the lines…"));
  children = g_ptr_array_new ();
  g_ptr_array_add (children, placeholder);
  entry_replace_children (self, entry, children);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_EXPANDED]);
  g_signal_emit (self, signals[TOGGLED], 0, item, TRUE);
  entry_read (self, entry);
  return TRUE;
}

guint
stk_expand_model_collapse (StkExpandModel *self,
                           guint           position)
{
  Entry *entry;
  guint base_position;
  guint sale_position;
  int child;

  g_return_val_if_fail (STK_IS_EXPAND_MODEL (self), GTK_INVALID_LIST_POSITION);

  if (position >= self->base_n + self->n_children)
    return GTK_INVALID_LIST_POSITION;
  locate (self, position, &entry, &child, &base_position);
  if (entry == NULL)
    return GTK_INVALID_LIST_POSITION;
  sale_position = entry_position (entry);
  remove_entry (self, find_base (self, entry->base_position));
  return sale_position;
}

void
stk_expand_model_collapse_all (StkExpandModel *self)
{
  g_return_if_fail (STK_IS_EXPAND_MODEL (self));

  while (self->entries->len > 0)
    remove_entry (self, self->entries->len - 1);
}

gboolean
stk_expand_model_is_expanded (StkExpandModel *self,
                              gint64          sale_id)
{
  g_return_val_if_fail (STK_IS_EXPAND_MODEL (self), FALSE);

  return find_sale (self, sale_id, NULL) != NULL;
}

guint
stk_expand_model_get_n_expanded (StkExpandModel *self)
{
  g_return_val_if_fail (STK_IS_EXPAND_MODEL (self), 0);

  return self->entries->len;
}

guint
stk_expand_model_position_from_base (StkExpandModel *self,
                                     guint           base_position)
{
  guint i;

  g_return_val_if_fail (STK_IS_EXPAND_MODEL (self), GTK_INVALID_LIST_POSITION);

  if (base_position == GTK_INVALID_LIST_POSITION)
    return GTK_INVALID_LIST_POSITION;
  i = find_base (self, base_position);
  if (i == 0)
    return base_position;
  return base_position + entry_at (self, i - 1)->before + entry_at (self, i - 1)->children->len;
}

guint
stk_expand_model_get_sale_position (StkExpandModel *self,
                                    guint           position)
{
  Entry *entry;
  guint base_position;
  int child;

  g_return_val_if_fail (STK_IS_EXPAND_MODEL (self), GTK_INVALID_LIST_POSITION);

  if (position >= self->base_n + self->n_children)
    return GTK_INVALID_LIST_POSITION;
  locate (self, position, &entry, &child, &base_position);
  if (entry != NULL)
    return entry_position (entry);
  return position;
}

gboolean
stk_expand_model_set_detail (StkExpandModel      *self,
                             const StkSaleDetail *detail)
{
  g_autoptr(GPtrArray) children = NULL;
  Entry *entry;

  g_return_val_if_fail (STK_IS_EXPAND_MODEL (self), FALSE);
  g_return_val_if_fail (detail != NULL, FALSE);

  entry = find_sale (self, detail->sale_id, NULL);
  if (entry == NULL || entry->sale == NULL)
    return FALSE;
  children = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < detail->lines->len; i++)
    g_ptr_array_add (children, line_child_new (entry->sale, g_ptr_array_index (detail->lines, i)));
  for (guint i = 0; i < detail->returns->len; i++)
    g_ptr_array_add (children, return_child_new (entry->sale, detail,
                                                 g_ptr_array_index (detail->returns, i)));
  entry_replace_children (self, entry, children);
  return TRUE;
}

gboolean
stk_expand_model_set_error (StkExpandModel *self,
                            gint64          sale_id,
                            const GError   *error)
{
  g_autoptr(GPtrArray) children = NULL;
  StkSaleChild *child;
  Entry *entry;

  g_return_val_if_fail (STK_IS_EXPAND_MODEL (self), FALSE);
  g_return_val_if_fail (error != NULL, FALSE);

  entry = find_sale (self, sale_id, NULL);
  if (entry == NULL || entry->sale == NULL)
    return FALSE;
  child = sale_child_new (STK_SALE_CHILD_ERROR, entry->sale);
  /* Translators: under a sale of the Sales list whose lines could not be read */
  child->text = g_strdup_printf (_("Could not read this sale: %s"), error->message);
  children = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (children, child);
  entry_replace_children (self, entry, children);
  return TRUE;
}
