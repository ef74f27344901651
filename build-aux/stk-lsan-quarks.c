/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Compiled into every program of a build with -Db_sanitize=address (the stocktake
 * executable and the tests; see the root meson.build), nowhere else.
 *
 * GLib's quark table starts as a 16 KiB block of 2048 entries that GLib's constructor
 * allocates while the program loads. A process that makes more quarks than that (the
 * whole window with its dialogs, Reports and the accessibility bus does, depending on
 * what it showed) gets a bigger table, and GLib drops the first block on purpose: lock-
 * free readers may still be looking at it (gquark.c). LeakSanitizer then reports a direct
 * leak of 16384 bytes whose stack, taken by the fast unwinder, stops at g_malloc (GLib is
 * built without frame pointers), so no suppression can tell it from a leak of ours.
 *
 * So the sanitizer's malloc hook notes the 16 KiB blocks allocated before main(), and a
 * constructor, which runs after GLib's, keeps the one that is GLib's quark table (the entry
 * of a quark it makes from a static string is that string's pointer) in a global and
 * forgets the others: that block stays reachable, everything else is judged as before.
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>

#define QUARK_BLOCK_BYTES (2048 * sizeof (char *))
#define MAX_CANDIDATES 16

void __sanitizer_malloc_hook (const volatile void *ptr, size_t size);

/* Read by LeakSanitizer's scan of the globals. */
extern const volatile void *stk_lsan_glib_quark_block;
__attribute__ ((used)) const volatile void *stk_lsan_glib_quark_block;

static const volatile void *candidates[MAX_CANDIDATES];
static volatile int n_candidates;
static volatile int loading = 1;

void
__sanitizer_malloc_hook (const volatile void *ptr,
                         size_t               size)
{
  if (G_UNLIKELY (size == QUARK_BLOCK_BYTES) && loading && n_candidates < MAX_CANDIDATES)
    candidates[n_candidates++] = ptr;
}

__attribute__ ((constructor)) static void
keep_glib_first_quark_block (void)
{
  /* A static string is kept as it is: the table's entry for its quark is this pointer. */
  static const char marker[] = "stk-lsan-quarks";
  GQuark quark = g_quark_from_static_string (marker);

  loading = 0;
  for (int i = 0; i < n_candidates; i++)
    {
      const char * const volatile *entries = (const char * const volatile *) candidates[i];

      if (quark < 2048 && entries[quark] == marker)
        stk_lsan_glib_quark_block = candidates[i];
      candidates[i] = NULL;
    }
  n_candidates = 0;
  if (stk_lsan_glib_quark_block == NULL)
    fputs ("stk-lsan-quarks: GLib's first quark table not found; LeakSanitizer may report it "
           "as a leak of 16384 bytes from g_malloc\n", stderr);
}
