#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The window's launch, measured from outside the process.

For each inventory size N (default 10000 100000 1000000) it runs, alternating, ≥ 3 times:

  app    the real Stocktake window on a generated inventory of N items
         (`stocktake generate --skus N --sales N/10`, made once into the cache folder);
  eager  tests/bench/launch-eager N: a GtkListView over a GtkStringList of N rows, all
         built before the window shows (the issue's "eager" reference);
  floor  tests/bench/launch-floor: 50 static rows in a GtkColumnView — the least a
         GTK 4 program does to show a table; nothing opens faster on this machine.

Each run: process start (just before fork) → the first row's first cell shows a code,
read through AT-SPI (the program's accessible tree, as a screen reader sees it; polled
every POLL_S), and VmRSS from /proc at that instant and once the process has settled
(its CPU time still for 1 s, at most 30 s). Prints per size: median and min–max of each,
and the ratios app/eager and app/floor (median, and min–max over the runs paired in
alternation). The load average is printed before and after.

Runs itself under xvfb-run and dbus-run-session (with tests/gui/session.conf) unless
STK_LAUNCH_INNER is set. Every program gets the same environment: GSK_RENDERER=cairo
(as the GUI tests), GSETTINGS_BACKEND=memory, the accessibility bridge on.

  launch.py --stocktake PATH --eager PATH --floor PATH --dbus-config FILE
            [--sizes 10000 100000 1000000] [--runs 3] [--cache DIR] [--eager-rows N]
"""
import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

POLL_S = 0.01
DEADLINE_S = 120
ROW_TEXT = re.compile(r"^[A-Z]{2,}-\d{6,}")   # EL-000009-GRN, ITEM-0000000


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stocktake", required=True)
    ap.add_argument("--eager", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--dbus-config", default=os.environ.get("STK_TEST_DBUS_CONFIG"))
    ap.add_argument("--schema-dir", default=os.environ.get("GSETTINGS_SCHEMA_DIR"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000, 1000000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--eager-rows", type=int, default=0,
                    help="rows of the eager reference (default: N, the inventory's size)")
    ap.add_argument("--cache", default=os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "stocktake-bench"))
    return ap.parse_args()


def reexec_under_xvfb(args):
    inner = [sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    if args.dbus_config:
        inner = ["dbus-run-session", "--config-file=" + args.dbus_config, "--"] + inner
    else:
        inner = ["dbus-run-session", "--"] + inner
    env = dict(os.environ, STK_LAUNCH_INNER="1")
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24 -noreset"] + inner
    sys.exit(subprocess.call(cmd, env=env))


def inventory(args, n):
    """The cached inventory of n items (made once: generate is slow at 1 M)."""
    os.makedirs(args.cache, exist_ok=True)
    sales = max(n // 10, 1)
    path = os.path.join(args.cache, "launch-%d-%d.db" % (n, sales))
    if os.path.exists(path):
        return path
    part = path + ".part"
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(part + suffix):
            os.unlink(part + suffix)
    print("# generating %s (once) …" % path, flush=True)
    t = time.monotonic()
    subprocess.run([args.stocktake, "--database", part, "generate", "--skus", str(n),
                    "--sales", str(sales)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([args.stocktake, "--database", part, "checkpoint"], check=True,
                   stdout=subprocess.DEVNULL)
    for suffix in ("-wal", "-shm", ".lock"):
        if os.path.exists(part + suffix):
            os.unlink(part + suffix)
    os.rename(part, path)
    print("# generated in %.0f s" % (time.monotonic() - t), flush=True)
    return path


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_ticks(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def role(acc):
    try:
        return acc.getRoleName()
    except Exception:
        return ""


def children(acc):
    try:
        n = acc.childCount
    except Exception:
        return
    for i in range(n):
        try:
            c = acc.getChildAtIndex(i)
        except Exception:
            continue
        if c is not None:
            yield c


def find_app(pyatspi, pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in children(desktop):
        try:
            if app.get_process_id() == pid:
                return app
        except Exception:
            continue
    return None


def find_table(acc, depth=0):
    """The list of rows (a column view's "tree table", or a list view's "list")."""
    r = role(acc)
    if r in ("tree table", "table") or (r == "list" and depth > 0):
        try:
            if acc.name in ("GtkColumnView", "GtkListView") or r != "list":
                return acc
        except Exception:
            pass
    if depth > 14:
        return None
    for c in children(acc):
        t = find_table(c, depth + 1)
        if t is not None:
            return t
    return None


def first_row_text(acc, depth=0):
    """The text of the first row's first cell that shows a code, or None."""
    for c in children(acc):
        r = role(c)
        if r == "label":
            try:
                name = c.name or ""
            except Exception:
                continue
            if ROW_TEXT.match(name):
                return name
            continue
        if depth < 5:
            t = first_row_text(c, depth + 1)
            if t is not None:
                return t
    return None


def measure(pyatspi, argv, env):
    """Start → first row shown (s), VmRSS then and settled (KiB)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    shown = rss_shown = None
    table = None
    try:
        end = t0 + DEADLINE_S
        while time.monotonic() < end and p.poll() is None:
            try:
                if table is None:
                    app = find_app(pyatspi, p.pid)
                    if app is not None:
                        table = find_table(app)
                if table is not None and first_row_text(table) is not None:
                    shown = time.monotonic() - t0
                    rss_shown = rss_kib(p.pid)
                    break
            except Exception:
                table = None  # the tree changed under us: look again
            time.sleep(POLL_S)
        if shown is None:
            raise RuntimeError("%s: no row shown within %d s" % (argv[0], DEADLINE_S))
        # Settled: no CPU time used for 1 s (the count scan and such are done).
        last, still_since, end = cpu_ticks(p.pid), time.monotonic(), time.monotonic() + 30
        while time.monotonic() < end:
            time.sleep(0.1)
            now = cpu_ticks(p.pid)
            if now != last:
                last, still_since = now, time.monotonic()
            elif time.monotonic() - still_since >= 1.0:
                break
        rss_settled = rss_kib(p.pid)
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return shown, rss_shown, rss_settled


def summary(values, fmt):
    return "%s (%s–%s)" % (fmt % statistics.median(values), fmt % min(values), fmt % max(values))


def main():
    args = parse_args()
    if not os.environ.get("STK_LAUNCH_INNER"):
        reexec_under_xvfb(args)
    import pyatspi  # Debian's python3-pyatspi, for /usr/bin/python3

    env = dict(os.environ)
    env.update({"GSK_RENDERER": env.get("GSK_RENDERER", "cairo"), "GSETTINGS_BACKEND": "memory",
                "NO_AT_BRIDGE": "0", "LC_ALL": env.get("LC_ALL", "C.UTF-8")})
    env.pop("GTK_A11Y", None)
    env.pop("G_DEBUG", None)
    if args.schema_dir:
        env["GSETTINGS_SCHEMA_DIR"] = args.schema_dir

    def load():
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])

    print("# launch: process start → first row shown (AT-SPI), VmRSS; %d runs each, "
          "alternating; %s; %d cores; load average %s"
          % (args.runs, env["GSK_RENDERER"], os.cpu_count(), load()), flush=True)
    for n in args.sizes:
        db = inventory(args, n)
        programs = [("app", [args.stocktake, "--database", db]),
                    ("eager", [args.eager, str(args.eager_rows or n)]),
                    ("floor", [args.floor])]
        res = {name: [] for name, _ in programs}
        measure(pyatspi, programs[0][1], env)  # warm the file cache, not counted
        for run in range(args.runs):
            order = programs[run % 3:] + programs[:run % 3]
            for name, argv in order:
                res[name].append(measure(pyatspi, argv, env))
        print("\n## %d items (eager: %d rows; load average %s)"
              % (n, args.eager_rows or n, load()))
        print("| program | start → rows shown, s | VmRSS shown, MB | VmRSS settled, MB |")
        print("|---|---|---|---|")
        for name, _ in programs:
            r = res[name]
            print("| %s | %s | %s | %s |" % (
                name, summary([x[0] for x in r], "%.3f"),
                summary([x[1] / 1024 for x in r], "%.0f"),
                summary([x[2] / 1024 for x in r], "%.0f")))
        for ref in ("eager", "floor"):
            ratios = [a[0] / b[0] for a, b in zip(res["app"], res[ref])]
            med = statistics.median(x[0] for x in res["app"]) / \
                statistics.median(x[0] for x in res[ref])
            print("| app / %s, launch | %.2f (runs: %.2f–%.2f) | | |"
                  % (ref, med, min(ratios), max(ratios)))
        sys.stdout.flush()
    print("\n# load average at the end: %s" % load())


if __name__ == "__main__":
    main()
