#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A real, fully offline Flatpak build, install and run of Stocktake.
#
#   flatpak/build.sh [OUTDIR]      (default OUTDIR: _build-flatpak)
#
# No GNOME runtime can be downloaded here, so one is made from Debian 12 packages
# (debootstrap), exported into a local OSTree repo and installed into a scratch
# Flatpak installation. The app is then built by flatpak-builder from the real manifest,
# flatpak/io.github.stocktake.Stocktake.json, with only runtime/sdk/runtime-version swapped,
# installed with `flatpak --user install`, started under Xvfb, checked through AT-SPI,
# its CLI run with --command=stocktake, and packed into OUTDIR/io.github.stocktake.Stocktake.flatpak.
#
# The made runtime is cached in ${STK_FLATPAK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stocktake-flatpak},
# keyed by its package list, so the second run skips debootstrap and the export.
# Needs root (debootstrap) and the Debian packages flatpak flatpak-builder debootstrap
# xvfb xauth dbus openbox imagemagick python3-pyatspi gir1.2-atspi-2.0 (build-aux/dev.sh
# installs them). Also leaves OUTDIR/flatpak-window.png, a screenshot of the running app.
#
# Prints TAP ("ok N - …" / "not ok N - …") and timings; exits 1 if any check failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app_id=io.github.stocktake.Stocktake
manifest="$here/flatpak/$app_id.json"
outdir="$(realpath -m "${1:-$here/_build-flatpak}")"

suite=bookworm
mirror="${STK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
rt_name=io.github.stocktake.Debian12Sdk   # used as both runtime and sdk
rt_version=12
arch="$(flatpak --default-arch)"

# What the runtime (= sdk) holds: the app's build and run dependencies, the tools
# flatpak-builder runs inside the sdk (appstream-compose, eu-strip, debugedit), and
# what a desktop session expects (fonts, icons, mime data, GL).
rt_packages=(
  libgtk-4-dev libadwaita-1-dev libsqlite3-dev libglib2.0-dev-bin
  meson ninja-build gcc libc6-dev pkg-config gettext
  desktop-file-utils appstream appstream-util elfutils debugedit
  fonts-dejavu-core libgl1-mesa-dri adwaita-icon-theme shared-mime-info librsvg2-common
  dbus dbus-x11
)
layout_version=1   # bump when the way the runtime folder is laid out changes

cache="${STK_FLATPAK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stocktake-flatpak}"
key="$(printf '%s\n' "$layout_version" "$suite" "$mirror" "$arch" "${rt_packages[@]}" | sort | sha256sum | cut -c1-16)"
rt_cache="$cache/runtime-$key"
work="$cache/work"

export FLATPAK_USER_DIR="$rt_cache/installation"
export FLATPAK_BUILDER_N_JOBS="${FLATPAK_BUILDER_N_JOBS:-2}"

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
t_start=$SECONDS
t_step=$SECONDS
timing () { echo "# timing: $1 $((SECONDS - t_step)) s"; t_step=$SECONDS; }
finish () {
  echo "1..$n"
  echo "# timing: total $((SECONDS - t_start)) s"
  echo "# flatpak: $((n - failed)) passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}
log () { echo "# $*"; }

for tool in flatpak flatpak-builder debootstrap xvfb-run dbus-run-session openbox; do
  if ! command -v "$tool" >/dev/null; then
    not_ok "tools present ($tool is missing)"
    finish
  fi
done
if [ "$(id -u)" -ne 0 ]; then
  not_ok "debootstrap needs root (run as root, or use build-aux/dev.sh test as root)"
  finish
fi

mkdir -p "$cache" "$outdir"
log "cache: $rt_cache"

# --- 1. The runtime, made once per package list ------------------------------------
make_runtime () {
  local tmp="$rt_cache/tmp"
  local rootfs="$tmp/rootfs" rtdir="$tmp/runtime" repo="$tmp/repo"
  local include
  include="$(IFS=,; echo "${rt_packages[*]}")"

  rm -rf "$tmp" "$FLATPAK_USER_DIR"
  mkdir -p "$tmp" "$cache/debs"
  log "debootstrap $suite from $mirror"
  if ! debootstrap --variant=minbase --cache-dir="$cache/debs" --include="$include" \
       "$suite" "$rootfs" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
    # Seen once: dconf-service's postinst wants a session bus. Finish configuring.
    log "debootstrap exited non-zero (see $tmp/debootstrap.log); configuring the rest"
    chroot "$rootfs" dpkg --configure -a --force-depends >>"$tmp/debootstrap.log" 2>&1 || true
  fi
  for p in "${rt_packages[@]}"; do
    if ! chroot "$rootfs" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      log "package $p did not install in the runtime; tail of the log:"
      tail -20 "$tmp/debootstrap.log" | sed 's/^/# /'
      return 1
    fi
  done

  # A runtime is usr/ (+ /etc under usr/etc), files/, var/ and metadata.
  mkdir -p "$rtdir/files" "$rtdir/var"
  cp -al "$rootfs/usr" "$rtdir/usr"
  cp -a "$rootfs/etc" "$rtdir/usr/etc"
  cat >"$rtdir/metadata" <<EOF
[Runtime]
name=$rt_name
runtime=$rt_name/$arch/$rt_version
sdk=$rt_name/$arch/$rt_version
EOF
  flatpak build-export --runtime --no-update-summary "$repo" "$rtdir" "$rt_version" >/dev/null
  flatpak build-update-repo "$repo" >/dev/null
  flatpak --user remote-add --if-not-exists --no-gpg-verify stk-runtime "file://$repo"
  flatpak --user install -y --noninteractive stk-runtime "$rt_name//$rt_version" >/dev/null
  # Installed: the rootfs and the export are not needed any more.
  rm -rf "$rootfs" "$rtdir"
  touch "$rt_cache/ready"
}

if [ -f "$rt_cache/ready" ] && flatpak --user info "$rt_name//$rt_version" >/dev/null 2>&1; then
  ok "runtime $rt_name//$rt_version from Debian 12 (cached)"
else
  # Drop runtimes made from another package list.
  find "$cache" -mindepth 1 -maxdepth 1 -name 'runtime-*' ! -name "runtime-$key" -exec rm -rf {} +
  if make_runtime; then
    ok "runtime $rt_name//$rt_version made from Debian 12"
  else
    not_ok "runtime $rt_name//$rt_version made from Debian 12"
    finish
  fi
fi
timing runtime

# --- 2. The app, from the real manifest with only the runtime swapped ----------------
# flatpak-builder copies the "dir" source; give it a clean snapshot of the checkout
# (tracked and untracked-but-not-ignored files: no build trees, no .git), and put the
# swapped manifest at the same place inside it so "path": ".." means the same thing.
rm -rf "$work"
mkdir -p "$work/src"
if git -C "$here" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$here" && git ls-files -z --cached --others --exclude-standard \
     | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$work/src" -xf -
else
  tar -C "$here" --exclude='./_build*' --exclude=./.git --exclude=./.flatpak-builder -cf - . \
    | tar -C "$work/src" -xf -
fi
swapped="$work/src/flatpak/$app_id.local.json"
python3 - "$manifest" "$swapped" "$rt_name" "$rt_version" <<'PY'
import json, sys
src, dst, name, version = sys.argv[1:]
m = json.load(open(src, encoding="utf-8"))
m["runtime"] = name
m["sdk"] = name
m["runtime-version"] = version
json.dump(m, open(dst, "w", encoding="utf-8"), indent=2)
PY
log "manifest differences: $(diff <(python3 -m json.tool "$manifest") <(python3 -m json.tool "$swapped") | grep '^[<>]' | tr -s ' ' | tr '\n' ' ')"

app_repo="$work/repo"
if (cd "$work" && flatpak-builder --user --disable-download --disable-rofiles-fuse --force-clean \
      --state-dir="$work/state" --repo="$app_repo" "$work/build" "$swapped") >"$work/builder.log" 2>&1; then
  ok "flatpak-builder --disable-download from the manifest"
else
  tail -40 "$work/builder.log" | sed 's/^/# /'
  not_ok "flatpak-builder --disable-download from the manifest (log: $work/builder.log)"
  finish
fi
timing build

# --- 3. Bundle, and install it with flatpak --user install ---------------------------
bundle="$outdir/$app_id.flatpak"
rm -f "$bundle"
flatpak --user uninstall -y --noninteractive "$app_id" >/dev/null 2>&1 || true
if flatpak build-bundle "$app_repo" "$bundle" "$app_id" >/dev/null \
   && flatpak --user install -y --noninteractive --bundle "$bundle" >/dev/null; then
  ok "bundle $(du -h "$bundle" | cut -f1) installed with flatpak --user install --bundle"
else
  not_ok "bundle made and installed with flatpak --user install"
  finish
fi
if flatpak --user info "$app_id" >/dev/null 2>&1; then
  ok "flatpak --user info $app_id"
else
  not_ok "flatpak --user info $app_id"
fi
perms="$(flatpak --user info --show-permissions "$app_id" 2>&1)"
if ! grep -q '^filesystems=' <<<"$perms" && grep -q '^sockets=.*wayland' <<<"$perms" \
   && ! grep -q '^shared=.*network' <<<"$perms"; then
  ok "permissions: no filesystem access, no network ($(grep -E '^(shared|sockets|devices)=' <<<"$perms" | tr '\n' ' '))"
else
  sed 's/^/# /' <<<"$perms"
  not_ok "permissions: no filesystem access, no network"
fi
timing bundle+install

# --- 4. Run it: window through AT-SPI, data inside the sandbox, CLI ------------------
home="$work/home"
mkdir -p "$home" "$work/run"
chmod 700 "$work/run"
run_env=(env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u XDG_STATE_HOME
         -u STOCKTAKE_DATABASE HOME="$home" XDG_RUNTIME_DIR="$work/run"
         GSK_RENDERER=cairo NO_AT_BRIDGE=0)
data_db="$home/.var/app/$app_id/data/stocktake/inventory.db"

cat >"$work/session.sh" <<EOF
#!/bin/bash
set -u
openbox >/dev/null 2>&1 &
flatpak run $app_id >"$work/app.log" 2>&1 &
/usr/bin/python3 "$work/atspi-check.py"
status=\$?
[ \$status -eq 0 ] && sleep 2 && import -window root "$outdir/flatpak-window.png" 2>/dev/null
flatpak ps --columns=application >"$work/ps.txt" 2>&1
flatpak kill $app_id >/dev/null 2>&1
sleep 1
exit \$status
EOF
chmod +x "$work/session.sh"
cat >"$work/atspi-check.py" <<'PY'
# Waits (up to 90 s) for Stocktake's main window on the accessibility bus.
import sys, time
import pyatspi

deadline = time.time() + 90
seen = []
while time.time() < deadline:
    desktop = pyatspi.Registry.getDesktop(0)
    seen = []
    for app in desktop:
        if app is None:
            continue
        try:
            name = app.name or ""
            windows = [w for w in app if w is not None]
        except Exception:
            continue
        seen.append(name)
        if "stocktake" not in name.lower():
            continue
        for w in windows:
            states = w.getState()
            if (w.getRole() in (pyatspi.ROLE_FRAME, pyatspi.ROLE_WINDOW)
                    and states.contains(pyatspi.STATE_SHOWING)):
                print(f"# AT-SPI: application {name!r} shows window {w.name!r}"
                      f" ({w.getRoleName()}, {w.childCount} children)")
                sys.exit(0)
    time.sleep(1)
print(f"# AT-SPI: no Stocktake window; applications seen: {seen}")
sys.exit(1)
PY

rm -rf "$home/.var" "$home/.local"
if "${run_env[@]}" xvfb-run -a -s "-screen 0 1280x800x24 -noreset" dbus-run-session -- "$work/session.sh" \
     2>"$work/session.log" | sed -n '/^# /p'; then
  ok "window appears (AT-SPI) when started with flatpak run"
else
  sed 's/^/# session: /' "$work/session.log" | tail -20
  sed 's/^/# app: /' "$work/app.log" | tail -20
  not_ok "window appears (AT-SPI) when started with flatpak run"
fi
if grep -q "$app_id" "$work/ps.txt"; then
  ok "the window belonged to a sandboxed instance (flatpak ps)"
else
  sed 's/^/# ps: /' "$work/ps.txt"
  not_ok "the window belonged to a sandboxed instance (flatpak ps)"
fi
if [ -s "$data_db" ] && [ ! -e "$home/.local/share/stocktake" ]; then
  ok "inventory created at ~/.var/app/$app_id/data/stocktake/inventory.db"
else
  log "files under the scratch HOME:"; (cd "$home" && find . | sed 's/^/#   /')
  not_ok "inventory created at ~/.var/app/$app_id/data/stocktake/inventory.db"
fi
timing run

if out="$("${run_env[@]}" flatpak run --command=stocktake "$app_id" stats --json 2>&1)" \
   && grep -q '"schema_version"' <<<"$out"; then
  ok "flatpak run --command=stocktake $app_id stats --json"
  sed 's/^/#   /' <<<"$out" | head -8
else
  sed 's/^/# /' <<<"$out"
  not_ok "flatpak run --command=stocktake $app_id stats"
fi
timing cli

finish
