#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The command line's data path in one run, for timing one build against another
# (alternate runs of the two and compare): generate 20 000 items and 40 000 sales,
# export all, import all into a new inventory, stats. Usage: data-path.sh STOCKTAKE
set -eu
bin="$1"
dir=$(mktemp -d "${TMPDIR:-/tmp}/stk-data-path.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$bin" --database "$dir/a.db" generate --skus 20000 --sales 40000 --seed 1 >/dev/null
"$bin" --database "$dir/a.db" export all "$dir/out" >/dev/null
"$bin" --database "$dir/b.db" import all "$dir/out" >/dev/null
"$bin" --database "$dir/b.db" stats >/dev/null
