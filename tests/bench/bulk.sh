#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bulk.sh: the bulk write paths of the command line against SQLite's own CSV import, in
# one run, at several sizes. For each size N (default 10 000, 100 000 and 1 000 000):
#
#   import skus   `stocktake import skus` of N items into a new inventory,
#                 against `sqlite3 .import` of the same file into a plain table;
#   import sales  `stocktake import sales` of N sales into an inventory of the N items
#                 (each with stock received before the first sale), against
#                 `sqlite3 .import` of the same file into a plain table;
#   generate      `stocktake generate --skus N --sales N` into a new inventory, against
#                 `sqlite3 .import` of the rows it makes (its skus, movements and sales,
#                 exported once) into three plain tables.
#
# The reference databases are in write-ahead-log mode with synchronous=FULL, as the
# inventory is. Each project run is followed by its reference run (A B A B …), so a
# change of the machine's speed during the run touches both; a ratio is taken pair by
# pair and printed as the median and the range of the pairs. Every run starts from a
# fresh copy (made before the clock starts) and is checked afterwards (exit status and
# row count). Times are wall-clock seconds of the whole process, start-up included.
#
# Generated files are cached in --cache (default: bulk-cache beside this script's
# build output, or $TMPDIR) and reused by later runs.
#
# Usage: bulk.sh --stocktake PATH [--sizes "10000 100000"] [--runs 3] [--cache DIR]
#                [--operations "import-skus import-sales generate"]
set -eu
set -o pipefail

stocktake=
sizes="10000 100000 1000000"
runs=3
cache=
operations="import-skus import-sales generate"
sqlite=${SQLITE3:-sqlite3}

usage () {
  echo "Usage: $0 --stocktake PATH [--sizes \"N …\"] [--runs R] [--cache DIR]" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --stocktake) stocktake=${2:?}; shift 2 ;;
    --stocktake=*) stocktake=${1#*=}; shift ;;
    --sizes) sizes=${2:?}; shift 2 ;;
    --sizes=*) sizes=${1#*=}; shift ;;
    --runs) runs=${2:?}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --cache) cache=${2:?}; shift 2 ;;
    --cache=*) cache=${1#*=}; shift ;;
    --operations) operations=${2:?}; shift 2 ;;
    --operations=*) operations=${1#*=}; shift ;;
    -h|--help) usage ;;
    *) echo "bulk.sh: unknown argument “$1”." >&2; usage ;;
  esac
done
sizes=${sizes//,/ }
operations=${operations//,/ }
for op in $operations; do
  case "$op" in
    import-skus|import-sales|generate) ;;
    *) echo "bulk.sh: unknown operation “$op” (import-skus, import-sales, generate)." >&2; exit 2 ;;
  esac
done

[ -n "$stocktake" ] || stocktake=${STOCKTAKE_EXE:-}
if [ -z "$stocktake" ] || [ ! -x "$stocktake" ]; then
  echo "bulk.sh: give the stocktake program with --stocktake PATH." >&2
  exit 2
fi
if ! command -v "$sqlite" >/dev/null; then
  echo "bulk.sh: the sqlite3 command-line program is needed for the reference runs." >&2
  exit 2
fi
case "$runs" in ''|*[!0-9]*) usage ;; esac
[ "$runs" -ge 1 ] || usage
for n in $sizes; do
  case "$n" in ''|*[!0-9]*) echo "bulk.sh: “$n” is not a size." >&2; exit 2 ;; esac
done
if [ -z "$cache" ]; then
  cache=${MESON_BUILD_ROOT:-${TMPDIR:-/tmp}}/bulk-cache
fi
mkdir -p "$cache"
work=$(mktemp -d "${TMPDIR:-/tmp}/stk-bulk.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8

now () { echo "$EPOCHREALTIME"; }
loadavg () { cut -d' ' -f1-3 /proc/loadavg; }

# ---- the input files (cached) ----

# N items: code, description (three words of a small vocabulary), price, reorder level.
make_skus () {
  awk -v n="$1" 'BEGIN {
    split("Premium Compact Organic Heavy-duty Classic Travel Wooden Cordless", adj, " ")
    split("bolt screw cable notebook kettle hose shirt drill soap puzzle", noun, " ")
    split("blue red black white green grey", colour, " ")
    print "code,description,unit_price,reorder_level"
    for (i = 1; i <= n; i++)
      printf "SKU-%07d,%s %s %s,%d.%02d,%d\n", i, adj[i % 8 + 1], noun[int(i / 8) % 10 + 1],
             colour[int(i / 80) % 6 + 1], 1 + i % 97, i % 100, i % 20
  }'
}

# Stock for each item, received on 2025-01-01 (before every sale).
make_receipts () {
  awk -v n="$1" 'BEGIN {
    print "moved_at,sku,kind,quantity"
    for (i = 1; i <= n; i++)
      printf "2025-01-01T00:00:00Z,SKU-%07d,receive,1000\n", i
  }'
}

# N sales, one a second from 2025-02-01, each with its reference.
make_sales () {
  awk -v n="$1" 'BEGIN {
    print "sold_at,sku,quantity,unit_price,reference"
    t0 = 1738368000  # 2025-02-01T00:00:00Z
    for (i = 1; i <= n; i++) {
      t = t0 + i; s = t % 60; m = int(t / 60) % 60; h = int(t / 3600) % 24; d = int(t / 86400) - 20120
      printf "2025-02-%02dT%02d:%02d:%02dZ,SKU-%07d,%d,,S%08d\n", 1 + d % 28, h, m, s,
             1 + (i * 7919) % n, 1 + i % 3, i
    }
  }'
}

prepare () {
  local n=$1 d="$cache/$1"
  mkdir -p "$d"
  [ -s "$d/skus.csv" ] || { make_skus "$n" >"$d/skus.tmp" && mv "$d/skus.tmp" "$d/skus.csv"; }
  [ -s "$d/receipts.csv" ] || { make_receipts "$n" >"$d/receipts.tmp" && mv "$d/receipts.tmp" "$d/receipts.csv"; }
  [ -s "$d/sales.csv" ] || { make_sales "$n" >"$d/sales.tmp" && mv "$d/sales.tmp" "$d/sales.csv"; }
  # The inventory the sales go into: the N items and their stock (made once).
  if [[ " $operations " == *" import-sales "* ]] && [ ! -s "$d/inventory.db" ]; then
    echo "  (making the $n-item inventory for the sales import, once)"
    rm -f "$d/inv.tmp" "$d/inv.tmp-wal" "$d/inv.tmp-shm"
    "$stocktake" --database "$d/inv.tmp" import skus "$d/skus.csv" >/dev/null
    "$stocktake" --database "$d/inv.tmp" import movements "$d/receipts.csv" >/dev/null
    "$stocktake" --database "$d/inv.tmp" checkpoint >/dev/null
    rm -f "$d/inv.tmp-wal" "$d/inv.tmp-shm"
    mv "$d/inv.tmp" "$d/inventory.db"
    rm -f "$d/inv.tmp.lock"
  fi
  # The rows generate makes, exported once: what the generate reference imports.
  if [[ " $operations " == *" generate "* ]] && [ ! -s "$d/generated/sales.csv" ]; then
    echo "  (generating $n items and $n sales once, to export the rows)"
    rm -rf "$d/gen.db" "$d/gen.db-wal" "$d/gen.db-shm" "$d/generated"
    "$stocktake" --database "$d/gen.db" generate --skus "$n" --sales "$n" --seed 1 >/dev/null
    "$stocktake" --database "$d/gen.db" export all "$d/generated" >/dev/null
    rm -f "$d/gen.db" "$d/gen.db-wal" "$d/gen.db-shm" "$d/gen.db.lock"
  fi
}

count () { "$sqlite" "$1" "SELECT count(*) FROM $2"; }

fail () { echo "bulk.sh: $*" >&2; exit 1; }

# ---- one run of each side; each prints its seconds ----

reference_init='PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;'

run_import_skus () {
  local n=$1 db="$work/a.db" t0 t1
  rm -f "$db" "$db-wal" "$db-shm"
  t0=$(now)
  "$stocktake" --database "$db" import skus "$cache/$n/skus.csv" >/dev/null || fail "import skus failed"
  t1=$(now)
  [ "$(count "$db" items)" = "$n" ] || fail "import skus: not $n items"
  echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }'
}

ref_import_skus () {
  local n=$1 db="$work/b.db" t0 t1
  rm -f "$db" "$db-wal" "$db-shm"
  "$sqlite" "$db" "$reference_init CREATE TABLE skus (code TEXT, description TEXT,
    unit_price TEXT, reorder_level INTEGER);" >/dev/null
  t0=$(now)
  "$sqlite" -cmd 'PRAGMA synchronous=FULL' "$db" ".import --csv --skip 1 $cache/$n/skus.csv skus" ||
    fail "sqlite3 .import of the skus failed"
  t1=$(now)
  [ "$(count "$db" skus)" = "$n" ] || fail "reference: not $n skus"
  echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }'
}

run_import_sales () {
  local n=$1 db="$work/a.db" t0 t1
  rm -f "$db" "$db-wal" "$db-shm"
  cp "$cache/$n/inventory.db" "$db"
  t0=$(now)
  "$stocktake" --database "$db" import sales "$cache/$n/sales.csv" >/dev/null || fail "import sales failed"
  t1=$(now)
  [ "$(count "$db" sales)" = "$n" ] || fail "import sales: not $n sales"
  echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }'
}

ref_import_sales () {
  local n=$1 db="$work/b.db" t0 t1
  rm -f "$db" "$db-wal" "$db-shm"
  "$sqlite" "$db" "$reference_init CREATE TABLE sales (sold_at TEXT, sku TEXT,
    quantity INTEGER, unit_price TEXT, reference TEXT);" >/dev/null
  t0=$(now)
  "$sqlite" -cmd 'PRAGMA synchronous=FULL' "$db" ".import --csv --skip 1 $cache/$n/sales.csv sales" ||
    fail "sqlite3 .import of the sales failed"
  t1=$(now)
  [ "$(count "$db" sales)" = "$n" ] || fail "reference: not $n sales"
  echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }'
}

run_generate () {
  local n=$1 db="$work/a.db" t0 t1
  rm -f "$db" "$db-wal" "$db-shm"
  t0=$(now)
  "$stocktake" --database "$db" generate --skus "$n" --sales "$n" --seed 1 >/dev/null ||
    fail "generate failed"
  t1=$(now)
  [ "$(count "$db" items)" = "$n" ] || fail "generate: not $n items"
  echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }'
}

ref_generate () {
  local n=$1 db="$work/b.db" g="$cache/$1/generated" t0 t1
  rm -f "$db" "$db-wal" "$db-shm"
  "$sqlite" "$db" "$reference_init
    CREATE TABLE skus (code TEXT, description TEXT, unit_price TEXT, reorder_level INTEGER,
                       archived INTEGER, on_hand INTEGER);
    CREATE TABLE movements (moved_at TEXT, sku TEXT, kind TEXT, quantity INTEGER,
                            reason TEXT, reference TEXT);
    CREATE TABLE sales (sold_at TEXT, sku TEXT, quantity INTEGER, unit_price TEXT,
                        reference TEXT);" >/dev/null
  t0=$(now)
  "$sqlite" -cmd 'PRAGMA synchronous=FULL' "$db" \
    ".import --csv --skip 1 $g/skus.csv skus" \
    ".import --csv --skip 1 $g/movements.csv movements" \
    ".import --csv --skip 1 $g/sales.csv sales" || fail "sqlite3 .import of the generated rows failed"
  t1=$(now)
  [ "$(count "$db" sales)" = "$n" ] || fail "reference: not $n generated sales"
  echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }'
}

# ---- figures ----

# median, min and max of the numbers on stdin: "median min max"
stats () {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- - -"; exit }
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.4f %.4f %.4f\n", m, v[1], v[NR] }'
}

declare -A label=( [import-skus]="import N skus" [import-sales]="import N sales into N items"
                   [generate]="generate N skus + N sales" )
declare -A project=( [import-skus]=run_import_skus [import-sales]=run_import_sales
                     [generate]=run_generate )
declare -A reference=( [import-skus]=ref_import_skus [import-sales]=ref_import_sales
                       [generate]=ref_generate )
declare -A scale  # "op n" -> "median ratio"

echo "bulk.sh: $("$stocktake" --version 2>/dev/null | head -1), $("$sqlite" --version | cut -d' ' -f1),"\
     "$(nproc) cores; sizes: $sizes; $runs alternating runs each"
echo "load average at start: $(loadavg)"

for n in $sizes; do
  echo
  echo "== $n items, $n sales =="
  prepare "$n"
  echo "| operation | stocktake, s: median (min–max) | sqlite3 .import, s | ratio: median (min–max) |"
  echo "|---|---:|---:|---:|"
  for op in $operations; do
    a=() b=() r=()
    for ((i = 0; i < runs; i++)); do
      ta=$(${project[$op]} "$n")
      tb=$(${reference[$op]} "$n")
      a+=("$ta") b+=("$tb")
      r+=("$(awk -v x="$ta" -v y="$tb" 'BEGIN { printf "%.4f\n", x / y }')")
    done
    read -r am alo ahi < <(printf '%s\n' "${a[@]}" | stats)
    read -r bm blo bhi < <(printf '%s\n' "${b[@]}" | stats)
    read -r rm rlo rhi < <(printf '%s\n' "${r[@]}" | stats)
    printf '| %s | %s | %s | %s |\n' "${label[$op]}" \
      "$(printf '%.2f (%.2f–%.2f)' "$am" "$alo" "$ahi")" \
      "$(printf '%.3f (%.3f–%.3f)' "$bm" "$blo" "$bhi")" \
      "$(printf '%.1f× (%.1f–%.1f)' "$rm" "$rlo" "$rhi")"
    scale["$op $n"]=$(printf '%.2f s / %.3f s = %.1f×' "$am" "$bm" "$rm")
  done
  echo "load average: $(loadavg)"
done

echo
echo "== scale: stocktake median / sqlite3 .import median = median of the pair ratios =="
printf '| operation |'
for n in $sizes; do printf ' %s |' "$n"; done
printf '\n|---|'
for n in $sizes; do printf -- '---:|'; done
echo
for op in $operations; do
  printf '| %s |' "${label[$op]}"
  for n in $sizes; do printf ' %s |' "${scale["$op $n"]:-}"; done
  echo
done
echo
echo "load average at end: $(loadavg)"
