#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Accessible names of every control in the real Stocktake windows, read through AT-SPI.

Run under Xvfb + a session bus (tests/meson.build does it):
  xvfb-run -a dbus-run-session -- /usr/bin/python3 a11y-audit.py STOCKTAKE TMPDIR

Starts Stocktake on a generated sample inventory, then on an empty one, and walks the
accessible tree of the main window (all four views, the banner, the empty state), the
primary menu, the item / sale / receive / adjust dialogs, the Verify result dialog, Close the Day and
the Keyboard Shortcuts window. Every control (buttons, toggles, entries, spin buttons,
drop-downs, menu items, tabs, tables and grids) must have a clean accessible name: not
empty, not a GTK type name standing in for one ("GtkFlowBox"), no mnemonic underscore,
and not the same words twice ("Edit Edit…", which GTK 4.8 makes of an accessible label
next to a button's own label). Each problem is printed with its path in the tree; the
exit status is 1 if there was any (2 if the program could not be driven at all).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pyatspi

STOCKTAKE = sys.argv[1]
WORK = tempfile.mkdtemp(prefix="a11y-audit-", dir=sys.argv[2])

# Roles a user operates or reads as a unit; GTK-internal parts (scroll bars, the list
# inside a column view, column header fillers) are left out: the app cannot name them.
CONTROL_ROLES = {
    "push button", "toggle button", "check box", "radio button", "entry", "password text",
    "spin button", "combo box", "menu item", "check menu item", "radio menu item",
    "page tab", "page tab list", "tree table", "table", "list box", "slider", "link",
    "menu button", "text",
}
TYPE_NAME = re.compile(r"^(Gtk|Stk|Gdk)[A-Z][A-Za-z]*$")

problems = []
checked = 0
procs = []


def fail(msg):
    print("FAIL " + msg, flush=True)
    problems.append(msg)


def wait_for(fn, timeout, step=0.1):
    end = time.monotonic() + timeout
    while True:
        try:
            v = fn()
        except Exception:  # the accessible tree changes under our feet
            v = None
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)


def start(db):
    env = dict(os.environ)
    env.update({"GSK_RENDERER": "cairo", "GSETTINGS_BACKEND": "memory", "NO_AT_BRIDGE": "0"})
    env.pop("GTK_A11Y", None)
    # The program under audit fails on any GTK or GLib warning (tests/meson.build);
    # this AT-SPI client itself does not (libatspi warns about trees that change).
    if "STK_TEST_APP_G_DEBUG" in env:
        env["G_DEBUG"] = env["STK_TEST_APP_G_DEBUG"]
    p = subprocess.Popen([STOCKTAKE, "--database", db], env=env)
    procs.append(p)
    return p


def stop(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def app_of(pid):
    for app in pyatspi.Registry.getDesktop(0):
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:
            pass
    return None


def toplevels(pid):
    app = app_of(pid)
    if app is None:
        return []
    return [w for w in app if w is not None]


def toplevel(pid, pred):
    for w in toplevels(pid):
        if pred(w):
            return w
    return None


def walk(node, path=()):
    try:
        role = node.getRoleName()
        name = node.name or ""
    except Exception:
        return
    here = path + ("%s %r" % (role, name),)
    yield node, role, name, here
    # The rows and cells of a column view are data, not controls (and there are many).
    if role == "tree table":
        return
    try:
        children = list(node)
    except Exception:
        children = []
    for c in children:
        if c is not None:
            yield from walk(c, here)


def find(node, pred):
    for n, role, name, _ in walk(node):
        try:
            if pred(n, role, name):
                return n
        except Exception:
            pass
    return None


def doubled(name):
    words = name.replace("…", "").split()
    half = len(words) // 2
    return len(words) >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]


def audit(node, what):
    global checked
    count = 0
    for n, role, name, path in walk(node):
        if role not in CONTROL_ROLES:
            continue
        if role == "text" and not n.getState().contains(pyatspi.STATE_EDITABLE):
            continue
        count += 1
        where = "%s: %s" % (what, " > ".join(path[-3:]))
        if not name.strip():
            fail("no accessible name: " + where)
        elif TYPE_NAME.match(name):
            fail("type name instead of a name: " + where)
        elif "_" in name:
            fail("mnemonic underscore in the name: " + where)
        elif doubled(name):
            fail("name said twice: " + where)
    checked += count
    print("ok   %s: %d controls" % (what, count), flush=True)
    if count == 0:
        fail("%s: no controls found" % what)


CLICKS = ("click", "activate", "press")


def has_click(node):
    try:
        a = node.queryAction()
    except NotImplementedError:
        return False
    return any(a.getName(i) in CLICKS for i in range(a.nActions))


def click(node):
    a = node.queryAction()
    for i in range(a.nActions):
        if a.getName(i) in CLICKS:
            return a.doAction(i)
    raise RuntimeError("no click action on %s %r" % (node.getRoleName(), node.name))


def clickable(root, role_names, name):
    # A GtkMenuButton is a named button holding the toggle button that clicks.
    return wait_for(lambda: find(root, lambda n, r, nm: r in role_names and nm == name
                                 and n.getState().contains(pyatspi.STATE_SENSITIVE)
                                 and has_click(n)), 10)


def button(root, name):
    return clickable(root, ("push button", "toggle button"), name)


def main_frame(pid):
    return wait_for(lambda: toplevel(pid, lambda w: w.getRoleName() == "frame"
                                     and (w.name or "").startswith("Stocktake")
                                     and len(list(w)) > 0), 20)


def new_toplevel(pid, before):
    return wait_for(lambda: next((w for w in toplevels(pid) if w not in before), None), 10)


def open_and_audit(pid, frame, button_name, what, close_name="Cancel"):
    """Clicks @button_name in the main window; audits the toplevel that appears."""
    before = toplevels(pid)
    b = button(frame, button_name)
    if b is None:
        fail("%s: no sensitive button %r in the main window" % (what, button_name))
        return
    click(b)
    dialog = new_toplevel(pid, before)
    if dialog is None:
        fail("%s: %r opened no window" % (what, button_name))
        return
    time.sleep(0.5)
    audit(dialog, what)
    if close_name is not None:
        c = button(dialog, close_name)
        if c is None:
            fail("%s: no %r button" % (what, close_name))
            return
        click(c)
        if not wait_for(lambda: dialog not in toplevels(pid), 10):
            fail("%s: %r did not close it" % (what, close_name))


def menu_item(pid, frame, path):
    """Opens the primary menu and activates the item at @path (labels, without '_')."""
    menu = button(frame, "Main Menu")
    click(menu)
    node = None
    for label in path:
        def lookup():
            for w in toplevels(pid) + [frame]:
                n = find(w, lambda n, r, nm: r.endswith("menu item") and nm == label)
                if n is not None:
                    return n
            return None
        node = wait_for(lookup, 10)
        if node is None:
            fail("primary menu: no item %r" % label)
            return None
        if label != path[-1]:
            click(node)
            time.sleep(0.3)
    return node


def run_sample():
    db = os.path.join(WORK, "sample.db")
    subprocess.run([STOCKTAKE, "--database", db, "generate", "--skus", "60", "--sales", "300",
                    "--seed", "3"], check=True, stdout=subprocess.DEVNULL)
    p = start(db)
    frame = main_frame(p.pid)
    if frame is None:
        fail("the main window did not appear")
        return
    # The views and the selection come up after the first page loads.
    if not wait_for(lambda: find(frame, lambda n, r, nm: r == "tree table" and nm == "Items"), 10):
        fail("no Items table")
    for tab in ("Items", "Sales", "Stock Moves", "Reports"):
        t = clickable(frame, ("page tab",), tab)
        if t is None:
            fail("no %s tab" % tab)
            continue
        click(t)
        time.sleep(0.5)
        audit(frame, "main window, %s view" % tab)
    items = clickable(frame, ("page tab",), "Items")
    if items is not None:
        click(items)

    # The primary menu (a popover of the main window in GTK 4).
    menu = button(frame, "Main Menu")
    if menu is None:
        fail("no Main Menu button")
    else:
        click(menu)
        time.sleep(0.8)
        found = False
        for w in toplevels(p.pid) + [frame]:
            if find(w, lambda n, r, nm: r.endswith("menu item")):
                audit(w, "primary menu")
                found = True
                break
        if not found:
            fail("primary menu: no menu items")
        click(menu)
        time.sleep(0.3)

    open_and_audit(p.pid, frame, "New Item", "item dialog")
    open_and_audit(p.pid, frame, "Record Sale", "sale dialog")
    open_and_audit(p.pid, frame, "Receive Stock", "receive dialog")
    open_and_audit(p.pid, frame, "Adjust", "adjust dialog")

    before = toplevels(p.pid)
    item = menu_item(p.pid, frame, ("Verify…",))
    if item is not None:
        click(item)
        # A progress dialog may come first; the result dialog has a Close button.
        dialog = wait_for(lambda: next((w for w in toplevels(p.pid) if w not in before
                                        and find(w, lambda n, r, nm: nm == "Close")), None), 30)
        if dialog is None:
            fail("Verify… showed no result dialog")
        else:
            audit(dialog, "verify result dialog")
            c = button(dialog, "Close")
            if c is not None:
                click(c)

    before = toplevels(p.pid)
    item = menu_item(p.pid, frame, ("Close the Day…",))
    if item is not None:
        click(item)
        dialog = wait_for(lambda: next((w for w in toplevels(p.pid) if w not in before
                                        and w.name == "Close the Day"), None), 30)
        if dialog is None:
            fail("Close the Day… showed no dialog")
        else:
            time.sleep(0.5)
            audit(dialog, "close the day dialog")
            c = button(dialog, "Close")
            if c is not None:
                click(c)
            if not wait_for(lambda: dialog not in toplevels(p.pid), 10):
                fail("close the day dialog: Close did not close it")

    before = toplevels(p.pid)
    item = menu_item(p.pid, frame, ("Keyboard Shortcuts",))
    if item is not None:
        click(item)
        dialog = new_toplevel(p.pid, before)
        if dialog is None:
            fail("Keyboard Shortcuts opened no window")
        else:
            time.sleep(0.5)
            audit(dialog, "shortcuts window")
    stop(p)


def run_empty():
    db = os.path.join(WORK, "empty.db")
    p = start(db)
    frame = main_frame(p.pid)
    if frame is None:
        fail("the main window (empty inventory) did not appear")
        return
    if button(frame, "Load Sample Data") is None:
        fail("empty state: no Load Sample Data button")
    audit(frame, "main window, empty state")
    stop(p)


def main():
    try:
        run_sample()
        run_empty()
    finally:
        for p in procs:
            if p.poll() is None:
                stop(p)
        shutil.rmtree(WORK, ignore_errors=True)
    print("%d controls checked, %d problems" % (checked, len(problems)), flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
