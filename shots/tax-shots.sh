#!/usr/bin/env bash
# Ad-hoc: the till with tax, and Close the Day's tax by rate, under Xvfb + openbox.
set -euo pipefail
build=/work/wt/day-close/_build
exe=$build/app/stocktake
work=$(mktemp -d)
out=/work/wt/day-close/shots
"$exe" --database "$work/shop.db" generate --skus 40 --sales 0 --seed 7 >/dev/null
sqlite3 "$work/shop.db" "INSERT INTO tax_rates (name, rate_bp) VALUES ('VAT', 2200), ('Food', 1000);
UPDATE settings SET value = (SELECT id FROM tax_rates WHERE name = 'VAT') WHERE key = 'default_tax_rate';
UPDATE items SET tax_rate_id = (SELECT id FROM tax_rates WHERE name = 'Food') WHERE code IN ('GR-000008', 'KT-000005');"
cat >"$work/run.sh" <<EOS
set -e
openbox >/dev/null 2>&1 &
sleep 1
env GSETTINGS_BACKEND=memory GSK_RENDERER=cairo NO_AT_BRIDGE=1 LC_ALL=C.UTF-8 STOCKTAKE_LOCALEDIR=$build/po "$exe" --database "$work/shop.db" >/dev/null 2>&1 &
first=\$!
sleep 4
wid=\$(xdotool search --sync --pid \$first --name . | tail -1)
xdotool windowactivate --sync \$wid
xdotool key alt+5
sleep 1
xdotool type --delay 2 'OF-000001
GR-000008
OF-000001
KT-000005
'
sleep 2
import -window root "$work/till.png"
xdotool key ctrl+Return
sleep 2
xdotool key ctrl+shift+e
sleep 3
import -window root "$work/close.png"
kill \$(jobs -p) 2>/dev/null || true
EOS
xvfb-run -a -s '-screen 0 1100x760x24' dbus-run-session -- bash "$work/run.sh" 2>/dev/null
convert "$work/till.png" -trim +repage -strip "$out/till-tax.png"
convert "$work/close.png" -trim +repage -strip "$out/close-tax.png"
"$exe" --database "$work/shop.db" report day || true
rm -rf "$work"
