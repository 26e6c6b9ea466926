#!/usr/bin/python3
"""After `ctest` in BUILD: how many tests ran, passed, failed and were skipped, and why each skip happened.

usage: tests/summary.py BUILD [LABEL]

Criterion counts a test that calls cr_skip_test() as skipped but the executable still exits 0, so ctest alone
would show it as passed. Every Criterion executable writes TAP to BUILD/test-results/NAME.tap (lc_test in
tests/tests.cmake); this script reads those, plus ctest's own log (BUILD/ctest.log, from `ctest -O`) for whole
ctest tests skipped by SKIP_RETURN_CODE (their reason is the "SKIP:" line of their output in
BUILD/Testing/Temporary/LastTest.log). It only reports: the exit code of `make check` stays ctest's.
"""
import glob
import os
import re
import sys


def tap_results(build):
    """(passed, failed, [(test, reason)]) over every Criterion test case of the last run."""
    passed = failed = 0
    skipped = []
    for path in sorted(glob.glob(os.path.join(build, "test-results", "*.tap"))):
        with open(path, errors="replace") as f:
            for line in f:
                m = re.match(r"^(not ok|ok) - (\S+)(.*)$", line.rstrip("\n"))
                if not m:
                    continue
                skip = re.search(r"# SKIP ?(.*)$", m.group(3))
                if skip:
                    skipped.append((m.group(2), skip.group(1).strip() or "no reason given"))
                elif m.group(1) == "ok":
                    passed += 1
                else:
                    failed += 1
    return passed, failed, skipped


def ctest_skips(build):
    """[(ctest test, reason)] for whole ctest tests that did not run."""
    log = os.path.join(build, "ctest.log")
    if not os.path.exists(log):
        return []
    names = []
    with open(log, errors="replace") as f:
        for line in f:
            m = re.match(r"^\s+\d+ - (\S+) \((Skipped|Not Run|Disabled)\)", line)
            if m:
                names.append((m.group(1), m.group(2)))
    reasons = {}
    last = os.path.join(build, "Testing", "Temporary", "LastTest.log")
    if os.path.exists(last):
        name = None
        with open(last, errors="replace") as f:
            for line in f:
                m = re.match(r"^\d+/\d+ Test: (\S+)", line)
                if m:
                    name = m.group(1)
                elif name and line.startswith("SKIP:") and name not in reasons:
                    reasons[name] = line[5:].strip()
    return [(n, reasons.get(n, kind)) for n, kind in names]


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 64
    build = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) == 3 else build
    passed, failed, skipped = tap_results(build)
    whole = ctest_skips(build)
    print("[%s] Criterion test cases: %d passed, %d failed, %d skipped; ctest tests not run: %d"
          % (label, passed, failed, len(skipped), len(whole)))
    for test, reason in skipped:
        print("[%s]   skipped %s: %s" % (label, test, reason))
    for test, reason in whole:
        print("[%s]   not run %s: %s" % (label, test, reason))
    return 0


if __name__ == "__main__":
    sys.exit(main())
