#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The layers, checked on the source tree (issue 14): SQLite stays inside data/ — no
# sqlite3 in ui/ or app/, no private header of data/ included there, no public header
# of data/ naming a SQLite type — and ui/ starts no threads of its own (reads go through
# StkStore's *_async(), data/stk-reads.h). Prints every offending line; exit 1 if any.
#
#   check-layers.sh SOURCE_ROOT
set -u

root=${1:?usage: check-layers.sh SOURCE_ROOT}
cd "$root" || exit 2
status=0

fail () {
  printf '%s\n' "$1"
  printf '%s\n' "$2" | sed 's/^/    /'
  status=1
}

found=$(grep -rn sqlite3 ui app)
[ -z "$found" ] || fail "sqlite3 outside data/ (reads go through StkStore, data/stk-reads.h):" "$found"

private=$(cd data && ls -- *-private.h 2>/dev/null | tr '\n' '|' | sed 's/|$//; s/\./\\./g')
if [ -n "$private" ]; then
  found=$(grep -rnE "#[[:space:]]*include[[:space:]]*[<\"]($private)[>\"]" ui app)
  [ -z "$found" ] || fail "a private header of data/ included outside data/:" "$found"
fi

found=$(grep -rn STK_DATA_INTERNAL ui app)
[ -z "$found" ] || fail "STK_DATA_INTERNAL (data/'s own view of its headers) outside data/:" "$found"

found=$(for h in data/*.h; do
          case $h in *-private.h) continue ;; esac
          grep -Hn sqlite3 "$h"
        done)
[ -z "$found" ] || fail "a public header of data/ names a SQLite type (move it to a -private.h):" "$found"

# ui/ starts no threads: the worker threads are data/'s.
found=$(grep -rn g_task_run_in_thread ui || true)
[ -z "$found" ] || fail "ui/ starts a thread of its own (use an *_async() of data/):" "$found"

[ $status -eq 0 ] && echo "layers: ok"
exit $status
