#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A sale at the till as a shopkeeper makes it, in the real Stocktake window.

Run under Xvfb + a session bus (tests/test-sell-gui.c does it):
  xvfb-run -a dbus-run-session -- /usr/bin/python3 sell-gui.py STOCKTAKE WORKDIR [SHOTDIR]

Five barcodes are typed into the Sell view the way a keyboard-wedge scanner types them
(xdotool, 2 ms between keys, Enter after each, no pause between scans); all five lines
land, in order; Ctrl+Enter completes the sale (one sale of five lines in the inventory);
in the Sales view the sale opens with Enter, Ctrl+S saves its receipt as a PDF through
the file chooser; Return… takes one unit of its first line back (the stock comes back,
the refund is recorded). Every check is printed as "ok" or "FAIL" (exit status 1 if any
failed), with screenshots of each step in SHOTDIR. Starts openbox (focus for xdotool).
"""
import os
import sqlite3
import subprocess
import sys
import time

import pyatspi

import stkatspi
from stkatspi import (button, check, click, env, frame_named, shot, texts, wait_for, walk,
                      xdo_key)

STOCKTAKE, WORK = sys.argv[1], sys.argv[2]
stkatspi.SHOTS = sys.argv[3] if len(sys.argv) > 3 else None
DB = os.path.join(WORK, "inventory.db")
PDF = os.path.join(WORK, "receipt-of-sale.pdf")

# Real GS1 numbers (check digits right): EAN-13, UPC-A, EAN-8, a case of 6 (EAN-13).
ITEMS = [
    ("MUG", "Ceramic mug", "8.00", 20, "4006381333931"),
    ("SPOON", "Tea spoon", "1.50", 50, "036000291452"),
    ("TEA", "Green tea 100 g", "4.20", 30, "96385074"),
    ("HONEY", "Wildflower honey", "6.90", 12, "73513537"),
    ("JAR", "Jam jar", "0.80", 60, "5901234123457*6"),
]
SCANS = ["4006381333931", "036000291452", "96385074", "73513537", "5901234123457"]

procs = []


def query(sql, *args):
    db = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def window_of(proc):
    return frame_named(proc.pid, lambda n: n.startswith("Stocktake"))


def spin_buttons(window):
    """The quantity fields shown: one per basket line (no other view has any)."""
    return [n for n in walk(window) if n.getRoleName() == "spin button"
            and n.queryComponent().getExtents(pyatspi.WINDOW_COORDS).width > 0]


def x_window(name):
    """The X window titled @name (a regex), or None."""
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name],
                       capture_output=True, text=True, timeout=10)
    ids = r.stdout.split()
    return ids[-1] if ids else None


def key_to_window(name, keys):
    """Raises and focuses the window titled @name (a regex), then sends @keys to it."""
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name],
                       capture_output=True, text=True, timeout=10)
    ids = r.stdout.split()
    check(bool(ids), "xdotool finds the window %r" % name)
    if ids:
        subprocess.run(["xdotool", "windowactivate", "--sync", ids[-1]], check=False, timeout=10)
        time.sleep(0.5)
        subprocess.run(["xdotool", "key", "--clearmodifiers", keys], check=False, timeout=10)


def xdo_type(pid, text):
    """Types @text into the focused widget of the process's window, 2 ms per key (a
    scanner's pace); the window is raised and focused first (Escape does nothing there)."""
    if not xdo_key(pid, "shift"):
        return False
    subprocess.run(["xdotool", "type", "--delay", "2", text], check=False, timeout=30)
    return True


def main():
    csv = os.path.join(WORK, "skus.csv")
    with open(csv, "w") as f:
        f.write("code,description,unit_price,reorder_level,on_hand,barcodes\n")
        for code, desc, price, stock, barcodes in ITEMS:
            f.write("%s,%s,%s,2,%d,%s\n" % (code, desc, price, stock, barcodes))
    subprocess.run([STOCKTAKE, "--database", DB, "import", "skus", csv], check=True,
                   stdout=subprocess.DEVNULL)

    app = subprocess.Popen([STOCKTAKE, "--database", DB], env=env())
    procs.append(app)
    win = wait_for(lambda: window_of(app), 30)
    check(win is not None, "the window opens")
    if win is None:
        return

    # The Sell view; its scan field has the focus.
    xdo_key(app.pid, "alt+5")
    check(bool(wait_for(lambda: "Scan to Start a Sale" in texts(window_of(app)), 10)),
          "Alt+5 shows the Sell view, empty")
    # The scanner: five barcodes and Enter each, back to back.
    xdo_type(app.pid, "".join(s + "\n" for s in SCANS))
    lines = wait_for(lambda: len(spin_buttons(window_of(app))) == len(SCANS), 20)
    check(bool(lines), "all five scans landed in the basket (%d lines)"
          % len(spin_buttons(window_of(app))))
    shot("sell-basket.png")

    xdo_key(app.pid, "ctrl+Return")
    sold = wait_for(lambda: query("SELECT count(*) FROM sales")[0][0] == 5, 20)
    check(bool(sold), "Ctrl+Enter completes the sale")
    sales = query("SELECT count(*) FROM sales WHERE first_line IS NULL")[0][0]
    check(sales == 1, "one sale of five lines (%d sales)" % sales)
    jar = query("SELECT on_hand FROM items WHERE code = 'JAR'")[0][0]
    check(jar == 54, "the case of 6 sold six jars (on hand %d)" % jar)
    sale_id = query("SELECT id FROM sales WHERE first_line IS NULL")[0][0]
    check(bool(wait_for(lambda: not spin_buttons(window_of(app)), 10)), "the basket is empty again")
    codes = [r[0] for r in query("SELECT i.code FROM sales s JOIN items i ON i.id = s.item_id"
                                 " ORDER BY s.id")]
    check(codes == [c for c, *_ in ITEMS], "the lines are in scan order: %s" % codes)
    shot("sell-done.png")

    # The Sales view: the sale, opened with Enter on its row.
    xdo_key(app.pid, "alt+2")
    time.sleep(1)
    shot("sales-view.png")
    # From the search field (Ctrl+F), Down enters the list on its first row.
    xdo_key(app.pid, "ctrl+f")
    xdo_key(app.pid, "Down")
    xdo_key(app.pid, "Return")
    title = "Sale %d" % sale_id
    details = wait_for(lambda: frame_named(app.pid, lambda n: n.startswith("Sale")), 15)
    check(details is not None, "Enter opens the sale (%s)" % title)
    if details is None:
        shot("no-details.png")
        return
    shot("sale-details.png")

    # Ctrl+S: the receipt as PDF, the path typed into the file chooser.
    key_to_window("^" + title + "$", "ctrl+s")
    # GTK's own chooser (no portal here); AT-SPI does not list it, X does.
    chooser = wait_for(lambda: x_window("^Save Receipt as PDF$"), 15)
    check(chooser is not None, "Ctrl+S asks where to save the receipt")
    if chooser is None:
        shot("no-chooser.png")
    if chooser is not None:
        time.sleep(1)
        subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+a"], check=False, timeout=10)
        subprocess.run(["xdotool", "type", "--delay", "5", PDF], check=False, timeout=30)
        shot("receipt-chooser.png")
        subprocess.run(["xdotool", "key", "--clearmodifiers", "Return"], check=False, timeout=10)
        saved = wait_for(lambda: os.path.exists(PDF) and os.path.getsize(PDF) > 0, 15)
        check(bool(saved), "the receipt is saved as %s" % PDF)
        if saved:
            with open(PDF, "rb") as f:
                check(f.read(5) == b"%PDF-", "the receipt is a PDF")
            if stkatspi.SHOTS and os.path.exists("/usr/bin/pdftoppm"):
                subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", PDF,
                                os.path.join(stkatspi.SHOTS, "receipt")], check=False)

    # Return… one of the first line (the mug).
    details = wait_for(lambda: frame_named(app.pid, lambda n: n.startswith("Sale")), 10)
    ret = button(details, "Return…") if details is not None else None
    check(ret is not None, "the sale offers Return…")
    if ret is not None:
        click(ret)
        prompt = wait_for(lambda: frame_named(app.pid, lambda n: n.startswith("Return")), 10)
        check(prompt is not None, "Return… asks what comes back")
        if prompt is not None:
            shot("return-prompt.png")
            ok = wait_for(lambda: button(prompt, "Return"), 5)
            check(ok is not None, "the prompt has a Return button")
            if ok is not None:
                click(ok)
                back = wait_for(lambda: query("SELECT count(*) FROM returns")[0][0] == 1, 15)
                check(bool(back), "one return is recorded")
                mug = query("SELECT on_hand FROM items WHERE code = 'MUG'")[0][0]
                check(mug == 20, "the mug is back in stock (on hand %d)" % mug)
                refund = query("SELECT refund_cents FROM returns")[0][0]
                check(refund == 800, "the refund is the mug's price (%d cents)" % refund)
                time.sleep(1)
                shot("sale-returned.png")


wm = None
try:
    wm = subprocess.Popen(["openbox", "--sm-disable"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    main()
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
    if wm is not None:
        wm.terminate()
        wm.wait()
failures = stkatspi.failures
print("%d check(s) failed" % len(failures) if failures else "all checks passed", flush=True)
sys.exit(1 if failures else 0)
