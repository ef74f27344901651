#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Takes the screenshots of resources/screenshots/ from the real program under Xvfb and
# openbox (the window manager places and decorates windows as on a desktop):
#   build-aux/screenshots.sh [BUILD_DIR [OUT_DIR]]
# In light and dark (ADW_DEBUG_COLOR_SCHEME, read by libadwaita's style manager), in
# English and Italian (the build tree's catalogs; the it_IT.UTF-8 locale compiled by the
# i18n tests into BUILD_DIR/tests/locales): the items view (also at 800 px), the narrow
# window with the view switcher at the bottom, the in-use question over its window, the
# welcome page, the result of Verify… over its window.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$here/_build}" && pwd)"
out="${2:-$here/resources/screenshots}"
exe="$build/app/stocktake"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

"$exe" --database "$work/shop.db" generate --skus 40 --sales 400 --seed 7 >/dev/null

# One X server, window manager and session bus per shot; $1 = file name, $2 = scheme
# (default|prefer-dark), $3 = language (en|it), $4 = what (items|items800|narrow|in-use|
# welcome|sell|verify|history|dates).
shot () {
  local name="$1" scheme="$2" lang="$3" what="$4"
  local envs=(GSETTINGS_BACKEND=memory GSK_RENDERER=cairo NO_AT_BRIDGE=1
              "ADW_DEBUG_COLOR_SCHEME=$scheme" "STOCKTAKE_LOCALEDIR=$build/po")
  if [ "$lang" = it ]; then
    envs+=("LOCPATH=$build/tests/locales" LC_ALL=it_IT.UTF-8 LANGUAGE=it)
  else
    envs+=(LC_ALL=C.UTF-8)
  fi
  local db="$work/shop.db"
  [ "$what" = welcome ] && db="$work/empty-$lang-$scheme.db"
  cat >"$work/run.sh" <<EOF
set -e
openbox >/dev/null 2>&1 &
sleep 1
env ${envs[*]} "$exe" --database "$db" >/dev/null 2>&1 &
first=\$!
sleep 4
if [ "$what" = items800 ]; then
  # 800 px wide: Description takes what the other columns leave.
  wid=\$(xdotool search --sync --pid \$first --name . | tail -1)
  xdotool windowsize \$wid 800 600
  sleep 2
fi
if [ "$what" = narrow ]; then
  wid=\$(xdotool search --sync --pid \$first --name . | tail -1)
  xdotool windowsize \$wid 400 640
  sleep 2
fi
if [ "$what" = sell ]; then
  # The till: codes typed at scanner speed (a few ms a key, Enter after each), the
  # same item twice (one line, quantity 2) and more tape measures than the shelf has.
  wid=\$(xdotool search --sync --pid \$first --name . | tail -1)
  xdotool windowactivate --sync \$wid
  xdotool key alt+5
  sleep 1
  xdotool type --delay 2 'OF-000001
GR-000008
PC-000006
OF-000001
KT-000005
'
  sleep 1
  for i in 1 2 3 4 5; do xdotool type --delay 2 'TO-000019
'; done
  sleep 2
fi
if [ "$what" = verify ]; then
  # Verify… from the main menu (F10, the eighth entry): its result over the window.
  wid=\$(xdotool search --sync --pid \$first --name . | tail -1)
  xdotool windowactivate --sync \$wid
  xdotool key F10
  sleep 1
  xdotool key Down Down Down Down Down Down Down Return
  sleep 6
fi
if [ "$what" = history ]; then
  # An item's history: found from the search, Down into the list, Ctrl+H.
  wid=\$(xdotool search --sync --pid \$first --name . | tail -1)
  xdotool windowactivate --sync \$wid
  xdotool key alt+1 ctrl+f
  xdotool type --delay 20 'PC-000006'
  sleep 1
  xdotool key Down ctrl+h
  sleep 2
fi
if [ "$what" = dates ]; then
  # The Sales list's last 7 days, chosen with the keyboard (the Dates mnemonic), then a
  # From typed as a day that does not exist: refused beside the field.
  wid=\$(xdotool search --sync --pid \$first --name . | tail -1)
  xdotool windowactivate --sync \$wid
  xdotool key alt+2
  sleep 1
  xdotool key $([ "$lang" = it ] && echo alt+e || echo alt+d)
  sleep 1
  xdotool key Down Down Return
  sleep 1
  xdotool key $([ "$lang" = it ] && echo alt+d || echo alt+f) ctrl+a
  xdotool type --delay 20 '30/02/2026'
  xdotool key Return
  sleep 2
fi
if [ "$what" = in-use ]; then
  env ${envs[*]} "$exe" --database "$db" >/dev/null 2>&1 &
  sleep 4
fi
import -window root "$work/shot.png"
kill \$(jobs -p) 2>/dev/null || true
EOF
  xvfb-run -a -s '-screen 0 1100x760x24' dbus-run-session -- bash "$work/run.sh" 2>/dev/null
  # Only the windows: the bare root around them is trimmed.
  convert "$work/shot.png" -trim +repage -strip "$out/$name"
  echo "$out/$name"
}

shot main-window.png         default     en items
shot main-window-dark.png    prefer-dark en items
shot main-window-it.png      default     it items
shot main-window-it-dark.png prefer-dark it items
shot items-view.png          default     en items800
shot items-view-it-dark.png  prefer-dark it items800
shot narrow.png              default     en narrow
shot narrow-dark.png         prefer-dark it narrow
shot lock-dialog.png         default     en in-use
shot lock-dialog-dark-it.png prefer-dark it in-use
shot empty-state.png         default     en welcome
shot empty-state-dark-it.png prefer-dark it welcome
shot sell.png                default     en sell
shot result-dialog.png       default     en verify
shot result-dialog-dark-it.png prefer-dark it verify
shot history.png             default     en history
shot history-dark.png        prefer-dark en history
shot history-it.png          default     it history
shot sales-dates.png         default     en dates
shot sales-dates-it.png      default     it dates
