#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The layers, checked on the source tree (issue 14): SQLite stays inside data/ — no
# sqlite3 in ui/ or app/, no private header of data/ included there, no public header
# of data/ naming a SQLite type — and ui/ starts no threads of its own (reads go through
# StkStore's *_async(), data/stk-reads.h). The storage seam: data/ top is the contract
# and engine-free — it includes no header of an engine's folder (data/sqlite/) and names
# no sqlite3 — and an engine never includes ui/ or app/. The contract tests (the ones
# run once per engine, tests/meson.build) include no private header and no sqlite3.h.
# Prints every offending line; exit 1 if any.
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

private=$( (cd data && ls -- *-private.h stk-engine.h stk-op-payloads.h; cd sqlite && ls -- *.h) 2>/dev/null |
          tr '\n' '|' | sed 's/|$//; s/\./\\./g')
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

# The seam. Files of data/ top that still hold SQLite code of their own, each with the
# reason; the check fails when one no longer needs its place, so the list empties
# itself (take the name out then). Empty: keep it so.
pending=""
engine_headers=$(cd data/sqlite && ls -- *.h | tr '\n' '|' | sed 's/|$//; s/\./\\./g')
found=$(for f in data/*.c data/*.h; do
          case " $pending " in *" ${f#data/} "*) continue ;; esac
          grep -HnE "#[[:space:]]*include[[:space:]]*[<\"](sqlite/|$engine_headers|sqlite3\.h)" "$f"
          grep -Hn 'sqlite3_\|sqlite3 \*' "$f"
        done)
[ -z "$found" ] || fail "data/ top uses the SQLite engine (it is data/sqlite/'s; go through stk-engine.h):" "$found"
for f in $pending; do
  grep -qE 'sqlite3|#[[:space:]]*include[[:space:]]*"sqlite/' "data/$f" ||
    fail "data/$f no longer uses SQLite: take it out of the pending list of tests/check-layers.sh" "data/$f"
done

ui_app_headers=$( (cd ui && ls -- *.h; cd ../app && ls -- *.h) 2>/dev/null |
                  tr '\n' '|' | sed 's/|$//; s/\./\\./g')
found=$(grep -rnE "#[[:space:]]*include[[:space:]]*[<\"]((\.\./)*(ui|app)/|gtk/|adwaita|$ui_app_headers)" data || true)
[ -z "$found" ] || fail "data/ (or an engine) includes ui/, app/ or GTK:" "$found"

# The contract tests go through the contract only.
contract=$(sed -n '/^contract_tests = {/,/^}/p' tests/meson.build | grep -o "^  'test-[a-z0-9-]*'" | tr -d "' ")
[ -n "$contract" ] || fail "no contract tests found in tests/meson.build (contract_tests)" ""
if [ -n "$contract" ]; then
  found=$(for t in $contract; do
            grep -HnE "#[[:space:]]*include[[:space:]]*[<\"]([A-Za-z0-9_/-]*-private\.h|sqlite3\.h|stk-test-sqlite\.h|stk-engine\.h|stk-op-payloads\.h)[>\"]" "tests/$t.c"
          done)
  [ -z "$found" ] || fail "a contract test reaches past the contract (private header or sqlite3.h):" "$found"
fi

# ui/ starts no threads: the worker threads are data/'s.
found=$(grep -rn g_task_run_in_thread ui || true)
[ -z "$found" ] || fail "ui/ starts a thread of its own (use an *_async() of data/):" "$found"

[ $status -eq 0 ] && echo "layers: ok"
exit $status
