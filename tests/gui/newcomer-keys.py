#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 16: a newcomer's first session with the keyboard alone, in the real window.

Run under Xvfb + a session bus (tests/meson.build does it):
  xvfb-run -a dbus-run-session -- /usr/bin/python3 newcomer-keys.py STOCKTAKE WORKDIR [SHOTDIR]

First launch on a new inventory (the welcome page) → New Item with its opening stock
(Ctrl+N, the fields typed, Enter) → a sale of three (Ctrl+Shift+S, the quantity, Enter) → Reports
(Alt+4). Every key goes through xdotool to whatever has the focus, as a person's would:
no click, no AT-SPI action. The results are read back from the inventory file (the
`stats --json` command and sqlite3, read-only) and from the Reports page (AT-SPI,
reading only). Prints each check as "ok" or "FAIL" and the number of keys pressed.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

import stkatspi
from stkatspi import check, env, frame_named, shot, texts, wait_for

STOCKTAKE, WORK = sys.argv[1], sys.argv[2]
stkatspi.SHOTS = sys.argv[3] if len(sys.argv) > 3 else None
if stkatspi.SHOTS:
    os.makedirs(stkatspi.SHOTS, exist_ok=True)

procs = []
keys = {"commands": 0, "typed": 0}


def press(*chords):
    """Presses each chord (one key with its modifiers counts as one key press)."""
    for chord in chords:
        subprocess.run(["xdotool", "key", "--clearmodifiers", chord], check=False, timeout=10)
        keys["commands"] += 1


def type_text(text):
    """Types @text at a typist's pace: one key press per character."""
    subprocess.run(["xdotool", "type", "--delay", "30", text], check=False, timeout=30)
    keys["typed"] += len(text)


def query(db, sql, *args):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def stats(db):
    r = subprocess.run([STOCKTAKE, "--database", db, "stats", "--json"], capture_output=True,
                       text=True, timeout=30, env=env())
    return json.loads(r.stdout) if r.returncode == 0 else {}


def x_windows(title):
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^%s$" % title],
                       capture_output=True, text=True, timeout=10)
    return r.stdout.split()


def active_window():
    return subprocess.run(["xdotool", "getactivewindow"], capture_output=True, text=True,
                          timeout=10).stdout.strip()


def focused_dialog(title):
    """The X window titled @title once it is shown and has the keyboard focus (the
    window manager gives it the focus, as on a desktop), or None."""
    return wait_for(lambda: active_window() if active_window() in x_windows(title) else None, 15)


def main(work):
    db = os.path.join(work, "new-shop.db")
    check(not os.path.exists(db), "the inventory does not exist yet")
    app = subprocess.Popen([STOCKTAKE, "--database", db], env=env())
    procs.append(app)
    win = wait_for(lambda: frame_named(app.pid, lambda n: n.startswith("Stocktake")), 30)
    check(win is not None, "the window opens")
    if win is None:
        return
    check(bool(wait_for(lambda: "Welcome to Stocktake" in texts(win), 15)),
          "a new inventory shows the welcome page")
    # The window manager gives the new window the focus, as a desktop does; nothing is
    # clicked.
    wid = wait_for(lambda: subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--pid", str(app.pid), "--name", "^Stocktake"],
        capture_output=True, text=True, timeout=10).stdout.split(), 15)
    check(bool(wid), "xdotool sees the window")
    check(bool(wid) and active_window() in wid, "the new window has the keyboard focus")
    time.sleep(0.5)
    shot("newcomer-1-welcome.png")

    # New Item: Ctrl+N; Code, Description, Unit price and Opening stock, Tab between
    # them; Enter saves the item and receives its stock.
    press("ctrl+n")
    check(focused_dialog("New Item") is not None, "Ctrl+N opens New Item, with the focus")
    time.sleep(0.5)
    type_text("MUG")
    press("Tab")
    type_text("Ceramic mug")
    press("Tab")
    type_text("8.50")
    press("Tab")
    type_text("24")
    shot("newcomer-2-new-item.png")
    press("Return")
    made = wait_for(lambda: query(db, "SELECT code, description, unit_price_cents FROM items"),
                    15)
    check(made == [("MUG", "Ceramic mug", 850)], "Enter creates the item: %s" % made)
    check(bool(wait_for(lambda: query(db, "SELECT on_hand FROM items") == [(24,)], 15)),
          "with its opening stock (on hand %s)" % query(db, "SELECT on_hand FROM items"))
    check(bool(wait_for(lambda: not x_windows("New Item"), 10)), "the dialog closes")

    # A sale: Ctrl+Shift+S, the code is the selected item's, the quantity has the focus.
    press("ctrl+shift+s")
    check(focused_dialog("Record Sale") is not None,
          "Ctrl+Shift+S opens Record Sale, with the focus")
    time.sleep(0.5)
    type_text("3")
    shot("newcomer-4-sale.png")
    press("Return")
    check(bool(wait_for(lambda: query(db, "SELECT count(*) FROM sales") == [(1,)], 15)),
          "Enter records the sale")

    # Reports: Alt+4.
    press("alt+4")
    win = frame_named(app.pid, lambda n: n.startswith("Stocktake"))
    reported = wait_for(lambda: "Ceramic mug" in texts(win) and "25.50" in texts(win), 15)
    check(bool(reported), "Alt+4 shows the report: the mug among the top sellers, 25.50 revenue")
    shot("newcomer-5-reports.png")

    # The results, from the inventory file.
    s = stats(db)
    check(s.get("items") == 1 and s.get("sales") == 1 and s.get("movements") == 2,
          "stats --json: 1 item, 1 sale, 2 stock moves (%s)"
          % {k: s.get(k) for k in ("items", "sales", "movements")})
    check(s.get("total_on_hand") == 21, "stats --json: 21 on hand (%s)" % s.get("total_on_hand"))
    check(s.get("stock_value_cents") == 21 * 850,
          "stats --json: stock value 178.50 (%s)" % s.get("stock_value"))
    sale = query(db, "SELECT quantity, unit_price_cents FROM sales")
    check(sale == [(3, 850)], "the sale is 3 at 8.50: %s" % sale)
    moves = query(db, "SELECT kind, quantity FROM movements ORDER BY id")
    check(moves == [("receive", 24), ("sale", -3)], "the stock moves: %s" % moves)
    reason = query(db, "SELECT reason FROM movements WHERE kind = 'receive'")
    check(reason == [("Opening stock",)], "the receipt is the opening stock: %s" % reason)


wm = None
work = tempfile.mkdtemp(prefix="newcomer-", dir=WORK)
try:
    wm = subprocess.Popen(["openbox", "--sm-disable"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    main(work)
except Exception as e:  # report, then fail
    check(False, "exception: %r" % e)
finally:
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    for p in procs:
        check(p.returncode in (0, -15), "the window ended cleanly (status %s)" % p.returncode)
    if wm is not None:
        wm.terminate()
        wm.wait()
    shutil.rmtree(work, ignore_errors=True)
total = keys["commands"] + keys["typed"]
print("keys pressed: %d (%d typed characters, %d other keys and shortcuts)"
      % (total, keys["typed"], keys["commands"]), flush=True)
failures = stkatspi.failures
print("%d check(s) failed" % len(failures) if failures else "all checks passed", flush=True)
sys.exit(1 if failures else 0)
