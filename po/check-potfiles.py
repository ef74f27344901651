#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when po/POTFILES.in and the sources disagree.

Every file under app/, ui/, data/ and resources/ with translatable strings must be
listed: C sources using _( N_( C_( NC_( Q_( or ngettext/g_dngettext/g_dpgettext,
GtkBuilder files with translatable="yes", the desktop file and metainfo templates,
and GSettings schemas with a summary or description. Every listed file must exist.

Also fails on a translatable C string cut short by a format macro (_("at %" G_GINT64_FORMAT
" on …")): xgettext stops at the macro, so the rest of the sentence can never be
translated. Format such numbers into a string first and pass it as %s.
"""
import os
import re
import sys

srcdir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
potfiles = os.path.join(srcdir, "po", "POTFILES.in")

C_MARKERS = re.compile(r"(?<![A-Za-z0-9_])(?:N|C|NC|Q)?_\s*\(|\b(?:g_d?n?p?gettext|g_dngettext|ngettext|dngettext|g_dpgettext2?)\s*\(")
UI_MARKER = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')
SCHEMA_MARKER = re.compile(r"<(?:summary|description)\b")
# _( or N_( … then string literals, then a G_…_FORMAT macro before the closing parenthesis.
CUT_BY_MACRO = re.compile(
    r'(?<![A-Za-z0-9_])(?:N|C|NC|Q)?_\s*\(\s*(?:"(?:[^"\\\n]|\\.)*"\s*)+'
    r'(?:G_G(?:U?INT(?:8|16|32|64)|SIZE|SSIZE|OFFSET|INTPTR|UINTPTR)_(?:FORMAT|MODIFIER)|PRI[diouxX]\w*)')


def has_strings(rel, text):
    if rel.endswith((".c", ".h")):
        return C_MARKERS.search(text) is not None
    if rel.endswith(".ui"):
        return UI_MARKER.search(text) is not None
    if rel.endswith((".desktop.in", ".metainfo.xml.in", ".appdata.xml.in")):
        return True
    if rel.endswith(".gschema.xml"):
        return SCHEMA_MARKER.search(text) is not None
    return False


def sources():
    for top in ("app", "ui", "data", "resources"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(srcdir, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                yield os.path.relpath(path, srcdir).replace(os.sep, "/"), path


listed = []
with open(potfiles, encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            listed.append(line)

problems = []
for rel in sorted(set(listed), key=listed.index):
    if listed.count(rel) > 1:
        problems.append(f"{rel} is listed more than once in po/POTFILES.in")
    if not os.path.isfile(os.path.join(srcdir, rel)):
        problems.append(f"{rel} is listed in po/POTFILES.in but does not exist")

checked = 0
for rel, path in sources():
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        continue
    checked += 1
    if has_strings(rel, text) and rel not in listed:
        problems.append(f"{rel} has translatable strings but is missing from po/POTFILES.in")
    if rel.endswith((".c", ".h")):
        for m in CUT_BY_MACRO.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            problems.append(f"{rel}:{line}: a format macro inside a translatable string "
                            "(xgettext cuts the sentence there; pass the number as %s)")

for p in problems:
    print(p)
print(f"{checked} source files checked, {len(listed)} listed in po/POTFILES.in, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
