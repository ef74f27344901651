#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Line and branch coverage of data/, app/ and ui/ by the test suites (data, cli, ui; not
# the benchmarks or the fuzzers):
#   build-aux/coverage.sh
# installs what is missing (build-aux/dev.sh deps gcovr), builds _build-coverage/ with
# meson's b_coverage (no optimisation), runs the suites under Xvfb and a session bus as
# build-aux/dev.sh test does, and prints one line per folder:
#   data/  lines 91.2 % (…/…)  branches 70.1 % (…/…)
# plus an HTML report in _build-coverage/coverage/index.html.
#
# Some tests run the program, or their own process, as nobody (they need root): so that
# nobody can add its counts, every .gcda file exists before the tests run (empty) and is
# made writable for everyone; the folders are only read. Nothing else in the tree is
# made writable.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

cov_dir="${STK_COVERAGE_BUILD_DIR:-_build-coverage}"

"$here/build-aux/dev.sh" deps gcovr

if [ -f "$cov_dir/build.ninja" ]; then
  meson setup --reconfigure "$cov_dir" -Dtests=enabled -Db_coverage=true \
    --buildtype=debug >/dev/null
else
  meson setup "$cov_dir" -Dtests=enabled -Db_coverage=true --buildtype=debug
fi
ninja -C "$cov_dir"

# Counts of an earlier run would add up with this one.
find "$cov_dir" -name '*.gcda' -delete

# Every .gcda, created now (empty: the first program to exit fills it) and writable by
# the unprivileged runs: the program, the helpers and the test processes that drop to
# nobody would otherwise fail to create theirs in the root-owned build tree, and say so
# on standard error, which the tests check.
find "$cov_dir" -name '*.gcno' -print0 | while IFS= read -r -d '' gcno; do
  : >"${gcno%.gcno}.gcda"
done
find "$cov_dir" -name '*.gcda' -exec chmod a+rw {} +

status=0
xvfb-run -a -s "-screen 0 1280x800x24 -noreset" dbus-run-session -- \
  meson test -C "$cov_dir" --suite data --suite cli --suite ui --print-errorlogs \
  --num-processes 2 || status=1

# What no test ran is left empty: gcov reads the notes alone for those (0 counts).
find "$cov_dir" -name '*.gcda' -empty -delete

# One pass of gcov over everything, then a summary per folder.
json="$cov_dir/coverage.json"
mkdir -p "$cov_dir/coverage"
gcovr --root "$here" --object-directory "$cov_dir" \
  --filter 'data/' --filter 'app/' --filter 'ui/' \
  --exclude-unreachable-branches \
  --json "$json" --html-details "$cov_dir/coverage/index.html" "$cov_dir" >/dev/null

for folder in data app ui; do
  # The report itself goes to a file of ours: gcovr replaces its --output file, and as
  # root "--output /dev/null" turned the system's /dev/null into a regular file.
  gcovr --root "$here" --add-tracefile "$json" --filter "$folder/" --print-summary \
    --output "$cov_dir/summary-$folder.txt" | python3 -c '
import re, sys
folder = sys.argv[1]
text = sys.stdin.read()
def fig(kind):
    m = re.search(kind + r": ([0-9.]+)% \((\d+) out of (\d+)\)", text)
    return "%5s %% (%s/%s)" % m.groups() if m else "n/a"
print("%-5s lines %s  branches %s" % (folder + "/", fig("lines"), fig("branches")))
' "$folder"
done
echo "HTML report: $cov_dir/coverage/index.html"
exit $status
