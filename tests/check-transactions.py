#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every transaction of data/ goes through one helper (issue 14).

Fails when a C string literal in data/*.c holds a transaction statement (BEGIN [DEFERRED|
IMMEDIATE|EXCLUSIVE] [TRANSACTION], COMMIT, END TRANSACTION, ROLLBACK without TO) outside
the helper itself (stk_db_begin, stk_db_commit, stk_db_rollback and stk_db_end_read in
data/sqlite/stk-sql.c; every folder of data/ is read). Savepoints (SAVEPOINT, RELEASE, ROLLBACK TO) stay allowed: they nest
inside the writer's transaction. Trigger bodies (CREATE TRIGGER … BEGIN SELECT … END)
are not transactions and do not count. Adjacent literals are joined first, so a
statement split over two lines is still seen.

    tests/check-transactions.py [DATA_DIR]

It also fails on a bare `sqlite3_exec (…);` statement whose result nobody looks at:
each error is propagated, or the call is cast to (void) under a comment saying why
nothing can be done.

Prints one line per offence (file:line: function: the statement) and exits 1.
"""

import os
import re
import sys

HELPER_FILE = "sqlite/stk-sql.c"
HELPER_FUNCTIONS = {"stk_db_begin", "stk_db_commit", "stk_db_rollback", "stk_db_end_read"}

# Files whose read transactions another change converts (issue 14, the read API). The
# check fails when one of them no longer needs its place here, so the list empties
# itself: remove the name then.
PENDING = set()

TRANSACTION = re.compile(
    r"""(?ix)
    (?:^|;)\s*(?:
        BEGIN(?:\s+(?:DEFERRED|IMMEDIATE|EXCLUSIVE))?(?:\s+TRANSACTION)?\s*(?:;|$)
      | COMMIT(?:\s+TRANSACTION)?\s*(?:;|$)
      | END\s+TRANSACTION\s*(?:;|$)
      | ROLLBACK(?:\s+TRANSACTION)?\s*(?:;|$)
    )""")

BARE_EXEC = re.compile(r"^[ \t]*sqlite3_exec\s*\(", re.M)
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
FUNCTION = re.compile(r"^([A-Za-z_]\w*)\s*\(")


def strip_comments(text):
    """Blanks out comments, keeping line numbers and string literals."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def statements(text):
    """(line, function, joined literal) for each run of adjacent string literals."""
    lines = text.split("\n")
    function_at = []
    current = ""
    for line in lines:
        m = FUNCTION.match(line)
        if m:
            current = m.group(1)
        function_at.append(current)

    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def line_of(pos):
        lo, hi = 0, len(offsets) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if offsets[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    pos = 0
    while True:
        m = LITERAL.search(text, pos)
        if not m:
            break
        start = m.start()
        parts = [m.group(1)]
        end = m.end()
        while True:
            nxt = LITERAL.match(text, end + len(text[end:]) - len(text[end:].lstrip()))
            if not nxt:
                break
            parts.append(nxt.group(1))
            end = nxt.end()
        n = line_of(start)
        yield n + 1, function_at[n], "".join(parts)
        pos = end


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data")
    offences = []
    pending_used = set()
    names = []
    for folder, _dirs, files in os.walk(data_dir):
        for base in files:
            if base.endswith(".c"):
                names.append(os.path.relpath(os.path.join(folder, base), data_dir))
    # Every engine's folder too (data/sqlite/): an engine owns its transactions through
    # its own helper, and the SQLite engine's is this one.
    for name in sorted(names):
        with open(os.path.join(data_dir, name), encoding="utf-8") as f:
            text = strip_comments(f.read())
        if name not in PENDING:
            for m in BARE_EXEC.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                offences.append(f"data/{name}:{line}: sqlite3_exec whose result is ignored")
        for line, function, literal in statements(text):
            sql = literal.replace("\\n", " ")
            if not TRANSACTION.search(sql):
                continue
            if name == HELPER_FILE and function in HELPER_FUNCTIONS:
                continue
            if name in PENDING:
                pending_used.add(name)
                continue
            offences.append(f"data/{name}:{line}: {function}: \"{literal}\"")

    for name in sorted(PENDING - pending_used):
        offences.append(f"tests/check-transactions.py: data/{name} has no transaction of its "
                        f"own any more: take it out of PENDING")
    for o in offences:
        print(o)
    if offences:
        print(f"{len(offences)} transaction statement(s) outside stk_db_begin / stk_db_commit / "
              f"stk_db_rollback / stk_db_end_read (data/sqlite/stk-sql-private.h)")
        return 1
    print("every transaction statement of data/ is in the helper (data/sqlite/stk-sql.c)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
