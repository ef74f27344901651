# SPDX-License-Identifier: GPL-3.0-or-later
"""What the AT-SPI scripts of tests/gui/ share: finding a Stocktake process's windows and
widgets through AT-SPI, clicking, reading texts, keys through xdotool (focus through
openbox) and screenshots. Each check is printed as "ok" or "FAIL" and failures are kept
in `failures`; a script sets SHOTS to a folder to keep screenshots."""
import os
import subprocess
import time

import pyatspi

SHOTS = None
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)
    return ok


def env():
    e = dict(os.environ)
    e.update({"GSK_RENDERER": "cairo", "GSETTINGS_BACKEND": "memory",
              "STOCKTAKE_TEST_HOOKS": "1", "STOCKTAKE_RETRY_BUDGET_MS": "1500",
              "STOCKTAKE_PROBE_INTERVAL_MS": "500", "NO_AT_BRIDGE": "0"})
    # The windows under test fail on any GTK or GLib warning (tests/meson.build);
    # this AT-SPI client itself does not (libatspi warns about trees that change).
    if "STK_TEST_APP_G_DEBUG" in e:
        e["G_DEBUG"] = e["STK_TEST_APP_G_DEBUG"]
    return e


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


def app_of(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:
            pass
    return None


def frames(pid):
    app = app_of(pid)
    if app is None:
        return []
    return [w for w in app if w is not None and w.getRoleName() in ("frame", "dialog", "window")]


def frame_named(pid, pred):
    for f in frames(pid):
        if pred(f.name or ""):
            return f
    return None


def walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        yield n
        try:
            stack.extend(list(n))
        except Exception:
            pass


def find(node, pred):
    for n in walk(node):
        try:
            if pred(n):
                return n
        except Exception:
            pass
    return None


def button(node, name):
    # GTK 4.8 names a button after its label, sometimes twice ("Quit Quit").
    # AdwMessageDialog has each response twice (a row and a column of buttons, one of
    # them hidden): the one shown, which alone takes a click.
    def named(n):
        return n.getRoleName() in ("push button", "toggle button") \
            and (n.name or "").replace("_", "") in (name, name + " " + name)
    found = [n for n in walk(node) if _safe(named, n)]
    for n in found:
        if _safe(lambda m: m.getState().contains(pyatspi.STATE_SHOWING), n):
            return n
    # GTK 4.8 sets no "showing" state: the hidden one is the one laid out at no size.
    for n in found:
        if _safe(lambda m: m.queryComponent().getExtents(pyatspi.WINDOW_COORDS).width > 0, n):
            return n
    return found[0] if found else None


def _safe(fn, n):
    try:
        return fn(n)
    except Exception:
        return None


def texts(node):
    out = []
    for n in walk(node):
        try:
            if n.name:
                out.append(n.name)
            if n.getRoleName() == "label":
                t = n.queryText()
                out.append(t.getText(0, t.characterCount))
        except Exception:
            pass
    return "\n".join(out)


def sensitive(n):
    return n.getState().contains(pyatspi.STATE_SENSITIVE)


def click(n):
    a = n.queryAction()
    for i in range(a.nActions):
        if a.getName(i) == "click":
            return a.doAction(i)
    return a.doAction(0)


def shot(name):
    if SHOTS:
        time.sleep(0.7)
        subprocess.run(["import", "-window", "root", os.path.join(SHOTS, name)], check=False)


def xdo_key(pid, keys):
    """Sends keys to the process's main window, raised and focused through openbox."""
    title = (main_window_of(pid) or "")
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name",
                        "^Stocktake"], capture_output=True, text=True, timeout=10)
    ids = [i for i in r.stdout.split()
           if subprocess.run(["xdotool", "getwindowname", i], capture_output=True, text=True,
                             timeout=10).stdout.strip() == title]
    if not ids:
        check(False, "xdotool finds the window %r of process %d" % (title, pid))
        return False
    subprocess.run(["xdotool", "windowactivate", ids[-1]], check=False, timeout=10)
    time.sleep(0.5)
    subprocess.run(["xdotool", "key", "--clearmodifiers", keys], check=False, timeout=10)
    return True


def main_window_of(pid):
    w = frame_named(pid, lambda n: n.startswith("Stocktake"))
    return w.name if w is not None else None
