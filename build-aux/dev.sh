#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The two commands of README.md, for a fresh Debian 12 machine:
#   build-aux/dev.sh run    install what is missing, build, start Stocktake on the default inventory
#   build-aux/dev.sh test   install what is missing, build, run every test (then the storage
#                           core's tests again under AddressSanitizer + UndefinedBehaviorSanitizer,
#                           then 30 s of libFuzzer on each fuzz target, then the Flatpak built
#                           offline, installed and run: flatpak/build.sh)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

build_dir="${STK_BUILD_DIR:-_build}"
asan_dir="${STK_ASAN_BUILD_DIR:-_build-asan}"
fuzz_dir="${STK_FUZZ_BUILD_DIR:-_build-fuzz}"

# Everything the project needs from Debian 12, and nothing assumed present.
packages=(
  build-essential pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libsqlite3-dev sqlite3
  libcriterion-dev
  clang libclang-rt-14-dev
  desktop-file-utils appstream
  xvfb xauth dbus dbus-x11 openbox imagemagick
  python3
  locales libc-bin
  flatpak flatpak-builder elfutils debootstrap python3-pyatspi gir1.2-atspi-2.0 xdotool
)

install_missing () {
  local missing=()
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

configure () {
  local dir="$1"; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}

# Prints "tests: N passed, N failed" from a meson test log (each Criterion subtest counts).
summarize () {
  python3 - "$@" <<'PY'
import json, sys
passed = failed = 0
for log in sys.argv[1:]:
    try:
        lines = open(log, encoding="utf-8").read().splitlines()
    except OSError:
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        oks = sum(1 for l in out.splitlines() if l.startswith("ok "))
        bad = sum(1 for l in out.splitlines() if l.startswith("not ok "))
        if oks + bad == 0:
            oks, bad = (1, 0) if t["result"] in ("OK", "EXPECTEDFAIL") else (0, 1)
        elif t["result"] not in ("OK", "EXPECTEDFAIL") and bad == 0:
            bad = 1
        passed += oks
        failed += bad
print(f"tests: {passed} passed, {failed} failed")
PY
}

# Prints each fuzz target's "fuzz-NAME: Done N runs in S second(s)" from a meson test log.
fuzz_runs () {
  python3 - "$1" <<'PY'
import json, sys
try:
    lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
except OSError:
    lines = []
for line in lines:
    t = json.loads(line)
    for l in (t.get("stdout") or "").splitlines():
        if l.startswith("fuzz-"):
            print(l)
PY
}

cmd_run () {
  install_missing
  configure "$build_dir" -Dtests=auto
  ninja -C "$build_dir"
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "dev.sh: no display (DISPLAY/WAYLAND_DISPLAY unset): start it from a desktop session," >&2
    echo "        or headless: xvfb-run -a $0 run" >&2
    exit 1
  fi
  export GSETTINGS_SCHEMA_DIR="$here/$build_dir/resources"
  exec "$build_dir/app/stocktake" "$@"
}

cmd_test () {
  install_missing
  configure "$build_dir" -Dtests=enabled
  ninja -C "$build_dir"
  local status=0
  xvfb-run -a -s "-screen 0 1280x800x24 -noreset" dbus-run-session -- \
    meson test -C "$build_dir" --print-errorlogs --num-processes 2 || status=1

  configure "$asan_dir" -Dtests=enabled -Dgui=disabled -Db_sanitize=address,undefined -Db_lundef=false
  ninja -C "$asan_dir"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C "$asan_dir" --suite data --print-errorlogs --num-processes 2 || status=1

  # libFuzzer (clang): the CSV reader and opening any file as an inventory, 30 s each,
  # with the storage core instrumented too. Each prints how many inputs it ran.
  CC=clang configure "$fuzz_dir" -Dtests=enabled -Dfuzzing=true -Dgui=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link
  ninja -C "$fuzz_dir"
  meson test -C "$fuzz_dir" --suite fuzz --print-errorlogs --num-processes 2 || status=1
  fuzz_runs "$fuzz_dir/meson-logs/testlog.json"

  # The Flatpak, offline: a runtime made from Debian 12 packages (cached between runs),
  # the app built from the real manifest, installed, started under Xvfb and checked
  # through AT-SPI, its CLI run, a bundle made (flatpak/build.sh; needs root).
  # Each of its checks counts as a test.
  local flatpak_status=OK
  local run_as=()
  [ "$(id -u)" -ne 0 ] && run_as=(sudo)
  "${run_as[@]}" flatpak/build.sh "$build_dir/flatpak" | tee "$build_dir/meson-logs/flatpak.tap" \
    || { status=1; flatpak_status=FAIL; }
  python3 - "$build_dir/meson-logs/flatpak.tap" "$flatpak_status" \
    >"$build_dir/meson-logs/flatpak-testlog.json" <<'PY'
import json, sys
print(json.dumps({"name": "flatpak", "result": sys.argv[2],
                  "stdout": open(sys.argv[1], encoding="utf-8").read()}))
PY

  summarize "$build_dir/meson-logs/testlog.json" "$asan_dir/meson-logs/testlog.json" \
    "$fuzz_dir/meson-logs/testlog.json" "$build_dir/meson-logs/flatpak-testlog.json"
  return $status
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac
