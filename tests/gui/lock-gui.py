#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two real Stocktake windows on one inventory, driven through AT-SPI.

Run under Xvfb + a session bus (tests/test-instances.c does it):
  xvfb-run -a dbus-run-session -- /usr/bin/python3 lock-gui.py STOCKTAKE HOLDER WORKDIR [SHOTDIR]

Checks, each printed as "ok" or "FAIL" (exit status 1 if any failed): the second
instance gets the lock dialog naming the holder; Open Read-Only gives a window with every
edit action disabled and "(read-only)" in the title; a commit in the first appears in the
second; closing the first offers Switch to Editing, and accepting makes the second
editable; a third instance, read-only, is offered Switch to Editing after a kill -9 of
the second; an external BEGIN EXCLUSIVE held past the writer's budget brings the Database
locked dialog, and Retry after the release commits the waiting change exactly once;
Ctrl+Q with a change waiting asks first, naming it, and Wait quits once it is saved.
Starts openbox (focus for xdotool, framed screenshots).

No check here depends on how fast the machine is: how soon Switch to Editing is offered
(goal: 2 s) is printed as a note here and measured without AT-SPI by the benchmark
tests/bench/bench-latency.c; deadlines are generous.

Uses the test-only hook STOCKTAKE_TEST_HOOKS=1 (SIGUSR1: the editing window saves an
item "TEST-<pid>-<n>") and short writer budgets (STOCKTAKE_RETRY_BUDGET_MS,
STOCKTAKE_PROBE_INTERVAL_MS).
"""
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pyatspi

import stkatspi
from stkatspi import (button, check, click, env, find, frame_named, frames, sensitive, shot,
                      texts, wait_for, walk, xdo_key)

STOCKTAKE, HOLDER, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
SHOTS = sys.argv[4] if len(sys.argv) > 4 else None
stkatspi.SHOTS = SHOTS
DB = os.path.join(WORK, "inventory.db")
EDIT_ACTIONS = ("New Item", "Add Item", "Record Sale", "Record Movement", "Import",
                "Restore", "Edit", "Delete", "Archive", "Undo")

# Generous: the checks are about what happens, not how fast (see the docstring).
SWITCH_DEADLINE = 30

procs = []


def start(extra_env=None):
    e = env()
    e.update(extra_env or {})
    p = subprocess.Popen([STOCKTAKE, "--database", DB], env=e)
    procs.append(p)
    return p


def count(code):
    db = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    try:
        return db.execute("SELECT count(*) FROM items WHERE code = ?", (code,)).fetchone()[0]
    finally:
        db.close()


def edit_buttons(window):
    found = []
    for n in walk(window):
        try:
            name = (n.name or "").replace("_", "")
            if n.getRoleName() == "push button" and \
               (name in EDIT_ACTIONS or name.split(" ")[0:2] and
                " ".join(name.split(" ")[:len(name.split(" ")) // 2]) in EDIT_ACTIONS):
                found.append(n)
        except Exception:
            pass
    return found


# The in-use question (an AdwMessageDialog: its accessible name is its heading), and the
# window it comes over before the inventory's own window exists.
IN_USE = "This inventory is open in another Stocktake window"
STARTUP = "Stocktake"


def active(n):
    return n.getState().contains(pyatspi.STATE_ACTIVE)


def read_only_window(proc, what):
    """The lock dialog comes first; Open Read-Only gives the read-only window."""
    dialog = wait_for(lambda: frame_named(proc.pid, lambda n: n == IN_USE), 20)
    check(dialog is not None, "%s: the lock dialog comes before any window" % what)
    if dialog is None:
        return None
    click(button(dialog, "Open Read-Only"))
    win = wait_for(lambda: frame_named(proc.pid, lambda n: "(read-only)" in n), 10)
    check(win is not None, "%s: Open Read-Only opens a read-only window" % what)
    return win


def main_window(proc):
    return frame_named(proc.pid, lambda n: n.startswith("Stocktake"))


def offered(b):
    """Whether the banner's Switch to Editing button is shown and enabled."""
    states = b.getState()
    return states.contains(pyatspi.STATE_VISIBLE) and states.contains(pyatspi.STATE_SENSITIVE)


def switch_button(proc):
    """The banner's Switch to Editing, when it is offered."""
    b = button(main_window(proc), "Switch to Editing")
    return b if b is not None and offered(b) else None


def wait_for_switch(proc, timeout):
    """Switch to Editing once offered. Walking the whole window through AT-SPI takes
    a while, so the button's own object is polled once known (GTK keeps it while hidden)."""
    known = button(main_window(proc), "Switch to Editing")
    if known is not None:
        return wait_for(lambda: known if offered(known) else None, timeout, step=0.02)
    return wait_for(lambda: switch_button(proc), timeout, step=0.02)




def check_editable(proc, what):
    ok = wait_for(lambda: "(read-only)" not in (main_window(proc).name or ""), 5)
    check(bool(ok), "%s: the title drops (read-only)" % what)
    win = main_window(proc)
    always = [n for n in edit_buttons(win)
              if (n.name or "").replace("_", "").split(" ")[0] in ("New", "Import")]
    check(len(always) > 0 and all(sensitive(n) for n in always),
          "%s: New Item / Import enabled: %s" % (what, [(n.name, sensitive(n)) for n in always]))


def main():
    subprocess.run([STOCKTAKE, "--database", DB, "generate", "--skus", "20", "--seed", "1"],
                   check=True, stdout=subprocess.DEVNULL)

    a = start()
    win_a = wait_for(lambda: frame_named(a.pid, lambda n: "Stocktake" in n), 20)
    check(win_a is not None, "first instance shows its window")

    b = start()
    dialog = wait_for(lambda: frame_named(b.pid, lambda n: n == IN_USE), 20)
    check(dialog is not None, "second instance shows the lock dialog before any window")
    if dialog is None:
        return
    check(frame_named(b.pid, lambda n: n == STARTUP) is not None,
          "the lock dialog comes over a window, not alone")
    words = texts(dialog)
    check("open in another Stocktake window" in words,
          "the dialog says the inventory is open in another window")
    check("process %d" % a.pid not in words and os.uname().nodename not in words,
          "plain words: who holds it is not shown before Details is opened")
    for name in ("Open Read-Only", "Quit", "Try Again", "Show That Window"):
        check(button(dialog, name) is not None, "the dialog has %s" % name)
    check(frame_named(b.pid, lambda n: n not in (IN_USE, STARTUP)) is None,
          "no main window before the answer")
    # What Details shows (user, host, process) is checked in tests/test-cov-app.c.
    shot("lock-dialog.png")

    # A third launch: Show That Window raises the window that edits the inventory, and
    # the third instance goes, having opened nothing.
    c = start()
    dialog_c = wait_for(lambda: frame_named(c.pid, lambda n: n == IN_USE), 20)
    check(dialog_c is not None, "third instance asks too")
    if dialog_c is not None:
        click(button(dialog_c, "Show That Window"))
        check(wait_for(lambda: c.poll() is not None, 20) and c.returncode == 0,
              "Show That Window: the third instance quits")
        check(bool(wait_for(lambda: win_a if active(win_a) else None, 10)),
              "Show That Window: the first instance's window is the active one")

    click(button(dialog, "Open Read-Only"))
    win_b = wait_for(lambda: frame_named(b.pid, lambda n: "(read-only)" in n), 10)
    check(win_b is not None, "Open Read-Only opens a window")
    if win_b is None:
        return
    time.sleep(1)
    check("(read-only)" in (win_b.name or ""), "the title says (read-only): %r" % win_b.name)
    edits = edit_buttons(win_b)
    check(len(edits) > 0, "the read-only window shows edit buttons to check: %s"
          % [n.name for n in edits])
    check(all(not sensitive(n) for n in edits),
          "every edit button is disabled: %s" % [n.name for n in edits if sensitive(n)])
    check(switch_button(b) is None, "no Switch to Editing while the first edits")
    shot("read-only.png")

    # A commit in the first window appears in the second. The list is read through its
    # table (a GtkColumnView lists only the rows on screen: 20 items all fit).
    table = wait_for(lambda: find(win_b, lambda n: n.getRoleName() in ("table", "tree table")
                                  and n.name == "Items"), 5)
    check(table is not None, "the read-only window shows the items table")
    code = "TEST-%d-1" % a.pid
    check(code not in texts(table), "the table does not list %s yet" % code)
    os.kill(a.pid, signal.SIGUSR1)
    t0 = time.monotonic()
    check(wait_for(lambda: count(code) == 1, 5), "the first instance committed " + code)
    # Live, with no action in the second window. (How fast the session notices another
    # process's commit, <= 1 s, is measured in tests/test-session.c; a walk through
    # AT-SPI takes most of a second itself.)
    seen = wait_for(lambda: code in texts(table), 5, step=0.05)
    check(bool(seen), "the read-only window lists %s by itself (%.1f s after the request)"
          % (code, time.monotonic() - t0))

    # The first instance closes: Switch to Editing is offered; accepting makes it editable.
    a.send_signal(signal.SIGTERM)
    check(a.wait(20) == 0, "the first instance quits cleanly")
    t0 = time.monotonic()
    switch = wait_for_switch(b, SWITCH_DEADLINE)
    elapsed = time.monotonic() - t0
    check(switch is not None, "Switch to Editing offered after the editor closed")
    print("note: Switch to Editing offered %.1f s after the editor closed (goal 2 s; "
          "tests/bench/bench-latency.c measures it)" % elapsed, flush=True)
    if switch is None:
        return
    shot("switch-to-editing.png")
    click(switch)
    check_editable(b, "after Switch to Editing")

    # A third instance, read-only beside b; kill -9 of b: Switch to Editing.
    # Its writer never probes a locked database by itself during this script (every
    # 10 min), so below only Retry, or Wait in the quit dialog, can save a waiting change.
    c = start({"STOCKTAKE_PROBE_INTERVAL_MS": "600000"})
    win_c = read_only_window(c, "third instance")
    if win_c is None:
        return
    check(switch_button(c) is None, "no Switch to Editing while the second edits")
    b.kill()
    b.wait(10)
    t0 = time.monotonic()
    switch = wait_for_switch(c, SWITCH_DEADLINE)
    elapsed = time.monotonic() - t0
    check(switch is not None, "Switch to Editing offered after kill -9 of the editor")
    print("note: Switch to Editing offered %.1f s after kill -9 of the editor (goal 2 s)"
          % elapsed, flush=True)
    if switch is None:
        return
    click(switch)
    check_editable(c, "after kill -9 and Switch to Editing")
    editor = c

    # Another program holds the database past the budget: Database locked dialog; Retry
    # after the release commits the waiting change exactly once.
    holder = subprocess.Popen([HOLDER, DB, "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    check(holder.stdout.readline().strip() == "locked", "the holder took BEGIN EXCLUSIVE")
    os.kill(editor.pid, signal.SIGUSR1)
    code = "TEST-%d-1" % editor.pid
    locked = wait_for(lambda: frame_named(editor.pid, lambda n: n == "Database Locked"), 15)
    check(locked is not None, "the Database locked dialog comes")
    if locked is None:
        holder.stdin.close()
        holder.wait(10)
        return
    words = texts(locked)
    check("Another program is using the inventory file" in words, "it names the cause")
    check("1 change is waiting" in words and "safe" in words,
          "it says how many changes wait and that they are safe")
    check(count(code) == 0, "nothing is saved while the database is locked")
    retry = button(locked, "Retry")
    check(retry is not None, "it offers Retry")
    shot("database-locked.png")
    holder.stdin.close()
    holder.wait(10)
    if retry is None:
        return
    # The database is free, but the writer's next probe is 10 min away: the change
    # waits until Retry is clicked.
    check(count(code) == 0, "after the release the change still waits for Retry")
    check(frame_named(editor.pid, lambda n: n == "Database Locked") is not None,
          "the dialog is still there for Retry")
    clicked = click(retry)
    check(bool(clicked), "Retry is clicked")
    gone = wait_for(lambda: frame_named(editor.pid, lambda n: n == "Database Locked")
                    is None, 30)
    check(bool(gone), "the dialog closes itself once saved")
    saved = wait_for(lambda: count(code) == 1, 30)
    check(bool(saved), "Retry saved the waiting change")
    retried_code = code

    # Quitting with a waiting change asks first and names it; Wait quits once it is saved.
    holder = subprocess.Popen([HOLDER, DB, "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    check(holder.stdout.readline().strip() == "locked", "the holder took BEGIN EXCLUSIVE again")
    os.kill(editor.pid, signal.SIGUSR1)
    code = "TEST-%d-2" % editor.pid
    locked = wait_for(lambda: frame_named(editor.pid, lambda n: n == "Database Locked"), 15)
    check(locked is not None, "the Database locked dialog comes again")
    if locked is not None:
        click(button(locked, "Close"))
        check(bool(wait_for(lambda: frame_named(editor.pid, lambda n: n == "Database Locked")
                            is None, 5)), "Close closes the dialog, the change keeps waiting")
    quit_dialog = None
    for _ in range(3):  # a key may reach the window before openbox has focused it
        if not xdo_key(editor.pid, "ctrl+q"):
            break
        quit_dialog = wait_for(lambda: frame_named(editor.pid,
                                                   lambda n: n.endswith("not saved yet")), 5)
        if quit_dialog is not None or editor.poll() is not None:
            break
    check(editor.poll() is None, "Ctrl+Q with a waiting change does not quit at once")
    if quit_dialog is None:
        shot("no-quit-dialog.png")
        print("windows seen through AT-SPI:", [(f.name, f.getRoleName())
                                               for f in frames(editor.pid)], flush=True)
    check(quit_dialog is not None, "Ctrl+Q with a waiting change asks first")
    if quit_dialog is not None:
        words = texts(quit_dialog)
        check("1 change is not saved yet" in words, "it says how many changes wait")
        check("New item “%s”" % code in words, "it names the waiting change")
        check(button(quit_dialog, "Quit and Lose 1 Change") is not None,
              "it offers Quit and Lose 1 Change")
        shot("quit-dialog.png")
    # Released, the change still waits (no probe for 10 min), and Stocktake has not
    # quit: only Wait (which retries at once) saves it, then quits.
    holder.stdin.close()
    holder.wait(10)
    check(count(code) == 0 and editor.poll() is None,
          "the change waits and Stocktake has not quit before Wait")
    if quit_dialog is not None:
        check(bool(click(button(quit_dialog, "Wait"))), "Wait is clicked")
        try:
            status = editor.wait(15)
        except subprocess.TimeoutExpired:
            status = None
        check(status == 0, "Stocktake quits by itself once the change is saved (exit %r)"
              % status)
    else:
        editor.send_signal(signal.SIGTERM)
        editor.wait(20)
    check(count(code) == 1, "the change saved before quitting is there exactly once")
    # Stocktake has exited: nothing can write any more, so "once" is final.
    check(count(retried_code) == 1, "the change saved by Retry is there exactly once")


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
            p.kill()
            p.wait()
    if wm is not None:
        wm.terminate()
        wm.wait()
failures = stkatspi.failures
print("%d check(s) failed" % len(failures) if failures else "all checks passed", flush=True)
sys.exit(1 if failures else 0)
