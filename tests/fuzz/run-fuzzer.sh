#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-fuzzer.sh FUZZER SCRATCH_DIR [LIBFUZZER OPTIONS] [CORPUS_DIR...]
#
# Runs a libFuzzer target for a bounded time. SCRATCH_DIR (emptied first) is passed as
# the first corpus folder, where libFuzzer writes the new inputs it finds, so the
# committed corpus folders after it are only read. Prints the fuzzer's final
# "Done N runs in S second(s)" line, so that the test log shows how many inputs were
# tried, and keeps its exit status: a crash, leak or timeout fails the test (and its
# report is printed).
set -u
fuzzer="$1"
scratch="$2"
shift 2
rm -rf "$scratch"
mkdir -p "$scratch"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
"$fuzzer" "$scratch" "$@" 2>"$log"
status=$?
if [ $status -ne 0 ]; then
  cat "$log" >&2
fi
line="$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1)"
echo "$(basename "$fuzzer"): ${line:-no \"Done\" line} (exit status $status)"
exit $status
