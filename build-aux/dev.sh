#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The two commands of README.md, for a fresh Debian 12 machine:
#   build-aux/dev.sh run    install what is missing, build, start Stocktake on the default inventory
#   build-aux/dev.sh test   install what is missing, build, run every test (then the storage
#                           core's, the command line's and the GUI's tests again under
#                           AddressSanitizer + UndefinedBehaviorSanitizer, then 30 s of libFuzzer
#                           on each fuzz target, then the Flatpak built offline, installed and
#                           run: flatpak/build.sh)
#   build-aux/dev.sh warnings
#                           build everything at -Dwarning_level=3 with gcc and with clang,
#                           warnings as errors (_build-w3, _build-clang)
#   build-aux/dev.sh deps [PACKAGE…]
#                           only install what is missing (and the extra Debian PACKAGEs);
#                           build-aux/coverage.sh uses it
#
# apt: when another apt or dpkg is running, this waits for it (up to STK_APT_WAIT seconds,
# 600 by default) instead of failing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

build_dir="${STK_BUILD_DIR:-_build}"
asan_dir="${STK_ASAN_BUILD_DIR:-_build-asan}"
fuzz_dir="${STK_FUZZ_BUILD_DIR:-_build-fuzz}"

# Everything the project needs from Debian 12, and nothing assumed present.
packages=(
  build-essential pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev libsqlite3-dev sqlite3
  libcriterion-dev
  clang libclang-rt-14-dev
  desktop-file-utils appstream
  xvfb xauth dbus dbus-x11 openbox imagemagick
  python3
  locales libc-bin
  flatpak flatpak-builder elfutils debootstrap python3-pyatspi gir1.2-atspi-2.0 xdotool
  fonts-wqy-microhei
)

apt_wait="${STK_APT_WAIT:-600}"

# Waits until no apt-get/dpkg holds the package system: apt-get update takes the lists
# lock, which DPkg::Lock::Timeout does not cover. dpkg's locks are fcntl locks, listed by
# lslocks (util-linux, always installed on Debian).
wait_for_apt () {
  local waited=0 held
  while :; do
    held="$("${sudo[@]}" lslocks -n -r -o PATH 2>/dev/null | grep -E \
      '^/var/lib/dpkg/lock(-frontend)?$|^/var/lib/apt/lists/lock$|^/var/cache/apt/archives/lock$' \
      | head -n1 || true)"
    [ -z "$held" ] && return 0
    if [ "$waited" -ge "$apt_wait" ]; then
      echo "dev.sh: $held is still held by another apt or dpkg after ${apt_wait} s." >&2
      return 1
    fi
    [ "$waited" -eq 0 ] && echo "dev.sh: another apt or dpkg is running ($held); waiting for it (up to ${apt_wait} s)…"
    sleep 5
    waited=$((waited + 5))
  done
}

install_missing () {
  local missing=()
  sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  for p in "${packages[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  wait_for_apt
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$apt_wait" update
  wait_for_apt
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$apt_wait" \
    install -y --no-install-recommends "${missing[@]}"
}

configure () {
  local dir="$1"; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}

# Prints "tests: N passed, N failed, N skipped" from meson test logs (each Criterion
# subtest counts; a TAP "ok … # SKIP" is a skip, not a pass), then the name of everything
# that failed. Fails (status 1) if a log is missing, or if a test was skipped without
# being listed in STK_EXPECTED_SKIPS (space-separated "test::name" or meson test names):
# a skip that nobody expects hides a test that no longer runs.
summarize () {
  python3 - "$@" <<'PY'
import json, os, re, sys
passed = failed = skipped = 0
failures, unexpected, missing = [], [], []
expected = set(os.environ.get("STK_EXPECTED_SKIPS", "").split())
tap = re.compile(r"^(not ok|ok)\b\s*(?:\d+\s*)?(?:-\s*)?(.*?)(?:\s+\(\d+(?:\.\d+)?s\))?\s*(#\s*(SKIP|TODO)\b.*)?$",
                 re.IGNORECASE)
for log in sys.argv[1:]:
    try:
        lines = open(log, encoding="utf-8").read().splitlines()
    except OSError:
        missing.append(log)
        continue
    for line in lines:
        t = json.loads(line)
        name = t.get("name", "?")
        result = t.get("result")
        out = t.get("stdout") or ""
        subtests = 0
        for l in out.splitlines():
            m = tap.match(l)
            if not m:
                continue
            subtests += 1
            status, sub, directive = m.group(1).lower(), m.group(2).strip(), (m.group(4) or "").upper()
            sub = re.sub(r"\s*#.*$", "", sub).strip() or name
            if directive == "SKIP":
                skipped += 1
                if sub not in expected and name not in expected:
                    unexpected.append("%s: %s" % (name, sub))
            elif status == "ok":
                passed += 1
            else:
                failed += 1
                failures.append("%s: %s" % (name, sub))
        if subtests == 0:
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
                if name not in expected:
                    unexpected.append(name)
            else:
                failed += 1
                failures.append("%s (%s)" % (name, result))
        elif result not in ("OK", "EXPECTEDFAIL", "SKIP") and not any(f.startswith(name + ":") for f in failures):
            # The program failed (crash, timeout, bad exit) although no subtest said so.
            failed += 1
            failures.append("%s (%s)" % (name, result))
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
for f in failures:
    print(f"  failed: {f}")
for u in unexpected:
    print(f"  unexpected skip: {u}")
for m in missing:
    print(f"  missing test log: {m}")
sys.exit(1 if failed or unexpected or missing else 0)
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

# Runs meson test in a sanitizer build with the project's sanitizer options (ASan,
# UBSan, LSan with build-aux/lsan.supp), under Xvfb and a session bus like the main run;
# the tests' time limits are 4× longer there (the GUI tests run several times slower), and
# so are the deadlines inside the tests (STK_TEST_TIME_SCALE; tests/stk-test-util.h).
# GDK never probes OpenGL there (GDK_DEBUG=gl-disable; the tests paint with cairo anyway):
# Mesa's EGL driver, loaded and unloaded by that probe, left leaks that only a slow,
# DWARF-based unwinder on every malloc could trace to it, and that unwinder made the
# suites 5-15 times slower (loading the sample data alone took over two minutes).
asan_test () {
  local dir="$1"; shift
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  LSAN_OPTIONS="suppressions=$here/build-aux/lsan.supp:print_suppressions=0" \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  G_SLICE=always-malloc G_DEBUG=gc-friendly STK_TEST_TIME_SCALE=4 GDK_DEBUG=gl-disable \
    xvfb-run -a -s "-screen 0 1280x800x24 -noreset" dbus-run-session -- \
    meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier 4 "$@"
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

  # The same suites (storage core, command line, GUI) under ASan + UBSan. Leaks inside
  # GTK, fontconfig, GLib's type system and the other libraries below us are suppressed
  # one by one in build-aux/lsan.supp (committed; each entry says why); Stocktake's own
  # leaks still fail the run.
  configure "$asan_dir" -Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false
  ninja -C "$asan_dir"
  # The two tests that open GTK's file chooser (suite filechooser) are left out here:
  # GTK 4.8's chooser leaks in GTK, GIO's enumerators and libcloudproviders, below us,
  # with no symbol to suppress it by; the flows they test run under ASan through the
  # other flow tests (test-flows, test-policy), which use no chooser.
  asan_test "$asan_dir" --suite data --suite cli --suite ui --no-suite filechooser || status=1

  # libFuzzer (clang): the CSV reader and opening any file as an inventory, 30 s each,
  # with the storage core instrumented too. Each prints how many inputs it ran.
  CC=clang configure "$fuzz_dir" -Dtests=enabled -Dfuzzing=true -Dgui=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link
  ninja -C "$fuzz_dir"
  meson test -C "$fuzz_dir" --suite fuzz --print-errorlogs --num-processes 2 || status=1
  fuzz_runs "$fuzz_dir/meson-logs/testlog.json"

  # The whole tree at -Dwarning_level=3 with warnings as errors, gcc and clang (what
  # "dev.sh warnings" does): a change that brings a warning back fails here, not later.
  # It counts as one test, "warnings".
  local warnings_status=OK
  cmd_warnings >"$build_dir/meson-logs/warnings.log" 2>&1 || { status=1; warnings_status=FAIL; }
  python3 - "$build_dir/meson-logs/warnings.log" "$warnings_status" \
    >"$build_dir/meson-logs/warnings-testlog.json" <<'PY'
import json, sys
log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
print(json.dumps({"name": "warnings", "result": sys.argv[2], "stdout": log[-20000:]}))
PY
  [ "$warnings_status" = OK ] || tail -40 "$build_dir/meson-logs/warnings.log"

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

  # Skips expected here, by name; any other skip fails the run. Without root nothing
  # can prepare a folder or file that nobody may write, read or enter: these tests run
  # the program (or open the inventory) as nobody, and need root to set that up.
  local expected_skips="${STK_EXPECTED_SKIPS:-}"
  [ "$(id -u)" -ne 0 ] && expected_skips+=" cli::read_only_folder
    cli::readers_work_on_a_read_only_folder
    cli::readers_work_on_a_read_only_folder_with_a_write_ahead_log
    cli::store_opens_on_a_read_only_folder
    error_paths::folder_nobody_may_enter_is_read_only
    error_paths::file_nobody_may_read_is_read_only
    error_paths::existing_inventory_in_a_read_only_folder_is_refused_for_writing
    error_paths::another_users_lock_file_is_locked_read_only
    errno_map::lock_file_in_read_only_folder
    errno_map::import_open_sentences"
  STK_EXPECTED_SKIPS="$expected_skips" \
  summarize "$build_dir/meson-logs/testlog.json" "$asan_dir/meson-logs/testlog.json" \
    "$fuzz_dir/meson-logs/testlog.json" "$build_dir/meson-logs/warnings-testlog.json" \
    "$build_dir/meson-logs/flatpak-testlog.json" || status=1
  return $status
}

# The whole tree (program, GUI, tests, benchmarks) at -Dwarning_level=3 (-Wall -Wextra
# -Wpedantic) with warnings as errors, once with gcc and once with clang: project code
# builds without a warning on both. Build trees: _build-w3 and _build-clang (a tree keeps
# the compiler it was first configured with).
cmd_warnings () {
  local gcc_dir="${STK_W3_BUILD_DIR:-_build-w3}" clang_dir="${STK_CLANG_BUILD_DIR:-_build-clang}"
  local nogui_dir="${STK_NOGUI_BUILD_DIR:-_build-nogui}"
  install_missing
  # Each step is checked by hand: this function also runs as "cmd_warnings || …" in
  # cmd_test, where bash ignores set -e, and a failed build must not read as a pass.
  local failed=""
  CC=gcc configure "$gcc_dir" -Dwarning_level=3 -Dwerror=true || failed+=" gcc-setup"
  CC=clang configure "$clang_dir" -Dwarning_level=3 -Dwerror=true || failed+=" clang-setup"
  ninja -C "$gcc_dir" -k 0 || failed+=" gcc"
  ninja -C "$clang_dir" -k 0 || failed+=" clang"
  # The command line alone (-Dgui=disabled, no GTK at all) builds too, warnings as errors.
  CC=gcc configure "$nogui_dir" -Dgui=disabled -Dtests=disabled -Dwarning_level=3 -Dwerror=true \
    || failed+=" nogui-setup"
  ninja -C "$nogui_dir" -k 0 || failed+=" nogui"
  if [ -n "$failed" ]; then
    echo "dev.sh: warning_level=3 failed:$failed (see the errors above)." >&2
    return 1
  fi
  echo "dev.sh: no warnings with gcc ($gcc_dir) nor clang ($clang_dir) at warning_level=3," \
       "nor without the window ($nogui_dir)."
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  warnings) shift; cmd_warnings "$@" ;;
  deps) shift; install_missing "$@" ;;
  *) echo "usage: $0 run|test|warnings|deps [PACKAGE…]" >&2; exit 2 ;;
esac
