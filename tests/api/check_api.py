#!/usr/bin/env python3
"""The public API is exactly what liblanecert exports, and cli/ uses nothing else (issue 15, design.md).

  check_api.py exports LIB HEADER_DIR      nm -D --defined-only LIB against the LC_API declarations of
                                           HEADER_DIR/*.h (the installed headers); each difference is named
  check_api.py cli-includes CLI_DIR        every #include of CLI_DIR is <lanecert/...>, a system header,
                                           "cli/..." or an entry point: "sim/sim.h", "serve/serve.h"
  check_api.py serve-includes SERVE_DIR    every #include of SERVE_DIR (the dashboard, built on the public API
                                           like cli/) is <lanecert/...>, a system header or "serve/..."
  check_api.py symbols LIB SYMBOLS_FILE    the Debian symbols file (deb-symbols(5)) lists exactly the exported
                                           symbols, in its format: meta-information lines start "* " in column
                                           0, symbol lines one space (an indented field is read as a symbol
                                           and dpkg-gensymbols stops make deb)
  check_api.py contracts HEADER_DIR        every LC_API function of HEADER_DIR/*.h has its own comment block
                                           right above it that names what it returns ("Returns:") and since
                                           which version it exists ("Since: 0.1"), the way libserialport.h
                                           documents each function; headers still in CONTRACTS_PENDING are
                                           counted, not failed, and leave the list once they are complete
  check_api.py self-test LIB HEADER_DIR CLI_DIR
                                           the checks on doctored copies (one declaration removed, one
                                           invented; one internal include added; a contract without its
                                           "Since:", a declaration without a comment) must fail and name them
Exit 0 when the check holds, 1 with one line per difference otherwise.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

PROJECT_DIRS = ("base", "hal", "formats", "fixtures", "instruments", "procedures", "reports", "sim", "bench",
                "serve")
# The includes outside <lanecert/...> cli/ may have: the simulator's entry point (lc_sim, for `lanecert sim`)
# and the dashboard's (lc_serve, for `lanecert serve` and the events `lanecert run` publishes).
CLI_EXCEPTIONS = ("sim/sim.h", "serve/serve.h")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def documented(header_dir):
    """Names declared with LC_API in header_dir/*.h: {name: header}."""
    names = {}
    for h in sorted(os.listdir(header_dir)):
        if not h.endswith(".h"):
            continue
        text = strip_comments(open(os.path.join(header_dir, h), encoding="utf-8").read())
        # drop preprocessor lines (the LC_API definition itself)
        text = "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("#"))
        for m in re.finditer(r"\bLC_API\b([^;{]*)", text):
            decl = m.group(1)
            paren = decl.find("(")
            if paren >= 0:  # a function: the identifier before its parameter list
                ident = re.findall(r"[A-Za-z_]\w*", decl[:paren])
            else:  # an object: the last identifier before ';' or '['
                ident = re.findall(r"[A-Za-z_]\w*", decl.split("[")[0])
            if not ident:
                raise SystemExit("%s: cannot read the LC_API declaration '%s'" % (h, decl.strip()))
            names[ident[-1]] = h
    return names


# Symbols the toolchain adds, not the library: the section bounds of sanitizer coverage in a fuzzing build
# (-fsanitize=fuzzer-no-link), and the linker's own markers some linkers export.
TOOLCHAIN = re.compile(r"^(__(start|stop)___sancov_\w+|_init|_fini|_edata|_end|__bss_start)$")


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and not TOOLCHAIN.match(parts[2].split("@")[0]):
            names.add(parts[2].split("@")[0])
    return names


def check_exports(lib, header_dir):
    doc = documented(header_dir)
    exp = exported(lib)
    problems = ["exported but declared in no public header: %s" % n for n in sorted(exp - set(doc))]
    problems += ["declared LC_API in <lanecert/%s> but not exported: %s" % (doc[n], n) for n in sorted(set(doc) - exp)]
    return problems, len(doc), len(exp)


# Headers whose functions do not all have their own contract comment yet (the umbrella header's general rules
# still apply to them). A header leaves this list in the commit that completes it; the check fails when a
# listed header is complete, so the list only shrinks. Empty since every header is complete: a new function
# comes with its contract.
CONTRACTS_PENDING = set()

CONTRACT_RETURNS = re.compile(r"\bReturns:")
CONTRACT_SINCE = re.compile(r"\bSince: \d+\.\d+\b")


def contracts(path):
    """[(function, problem)] for each LC_API function of the header at path without a complete contract."""
    lines = open(path, encoding="utf-8").read().split("\n")
    found, in_comment = [], False
    for i, line in enumerate(lines):
        s = line.strip()
        if in_comment:
            in_comment = "*/" not in s
            continue
        if s.startswith("/*") and "*/" not in s:
            in_comment = True
            continue
        if s.startswith("#"):
            continue
        # A function declared at the top level without LC_API is not exported: a program could not link it.
        bare = re.match(r"(?:const\s+)?(?:enum\s+|struct\s+|unsigned\s+)?[A-Za-z_]\w*[\s*]+(lc_\w+)\s*\(", line)
        if bare and not re.match(r"(typedef|static|return|LC_API)\b", s):
            found.append((bare.group(1), "declared without LC_API: liblanecert does not export it"))
            continue
        if not re.match(r"LC_API\b", s):
            continue
        decl = " ".join(l.strip() for l in lines[i:i + 4])
        m = re.match(r"LC_API\b[^;(]*?\b([A-Za-z_]\w*)\s*\(", decl)
        if not m:
            continue  # an object, not a function
        name = m.group(1)
        # its own comment: the block that ends on the line right above the declaration
        j = i - 1
        if j < 0 or not lines[j].strip().endswith("*/"):
            found.append((name, "no comment block right above the declaration"))
            continue
        while j >= 0 and "/*" not in lines[j]:
            j -= 1
        block = "\n".join(lines[j:i])
        missing = [what for what, rx in (("Returns:", CONTRACT_RETURNS), ("Since: X.Y", CONTRACT_SINCE))
                   if not rx.search(block)]
        if missing:
            found.append((name, "its comment names no %s" % " and no ".join(missing)))
    return found


def check_contracts(header_dir, pending=CONTRACTS_PENDING):
    problems, waiting, total = [], {}, 0
    for h in sorted(os.listdir(header_dir)):
        if not h.endswith(".h"):
            continue
        found = contracts(os.path.join(header_dir, h))
        total += len(found)
        if h in pending:
            waiting[h] = len(found)
            if not found:
                problems.append("<lanecert/%s>: every function has its contract: remove it from CONTRACTS_PENDING" % h)
            continue
        problems += ["<lanecert/%s>: %s: %s" % (h, name, why) for name, why in found]
    return problems, waiting


def check_symbols_file(lib, path):
    problems, listed = [], set()
    lines = open(path, encoding="utf-8").read().split("\n")
    if not re.match(r"^\S+\.so\.\d+ \S+ #MINVER#$", lines[0]):
        problems.append("%s:1: not 'SONAME PACKAGE #MINVER#': %s" % (path, lines[0]))
    for no, line in enumerate(lines[1:], 2):
        if not line or line.startswith("* ") or line.startswith("#"):
            continue
        m = re.match(r"^ (\w+)@Base \S+$", line)
        if not m:
            problems.append("%s:%d: neither a field ('* Name: value' in column 0) nor ' symbol@Base version': %s"
                            % (path, no, line))
            continue
        listed.add(m.group(1))
    exp = exported(lib)
    problems += ["exported but not in %s: %s" % (path, n) for n in sorted(exp - listed)]
    problems += ["in %s but not exported: %s" % (path, n) for n in sorted(listed - exp)]
    return problems


def check_cli_includes(cli_dir, own="cli", exceptions=CLI_EXCEPTIONS):
    problems = []
    for f in sorted(os.listdir(cli_dir)):
        if not f.endswith((".c", ".h")):
            continue
        for no, line in enumerate(open(os.path.join(cli_dir, f), encoding="utf-8"), 1):
            m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
            if not m:
                continue
            kind, path = m.groups()
            top = path.split("/")[0]
            if path.startswith("lanecert/") or path.startswith(own + "/") or path in exceptions:
                continue
            if kind == "<" and top not in PROJECT_DIRS and path != "lc_version.h":
                continue  # a system or dependency header
            problems.append("%s/%s:%d includes %s%s%s, not the public API <lanecert/...>" %
                            (own, f, no, kind, path, ">" if kind == "<" else '"'))
    return problems


def self_test(lib, header_dir, cli_dir):
    """The checks fail, naming what is wrong, on a doctored header list and a doctored cli/."""
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        hdrs = os.path.join(tmp, "lanecert")
        shutil.copytree(header_dir, hdrs)
        doc = documented(hdrs)
        victim = sorted(doc)[0]
        path = os.path.join(hdrs, doc[victim])
        text = open(path, encoding="utf-8").read()
        text, n = re.subn(r"\bLC_API(\s[^;]*\b%s\s*\()" % re.escape(victim), r"\1", text, count=1)
        assert n == 1, "could not remove the declaration of " + victim
        text += "\nLC_API int lc_api_selftest_invented(void);\n"
        open(path, "w", encoding="utf-8").write(text)
        problems, _, _ = check_exports(lib, hdrs)
        want = {"exported but declared in no public header: %s" % victim,
                "declared LC_API in <lanecert/%s> but not exported: lc_api_selftest_invented" % doc[victim]}
        print("doctored headers (%s undeclared, lc_api_selftest_invented invented):" % victim)
        for p in problems:
            print("  " + p)
        if set(problems) != want:
            print("self-test: expected exactly %s" % sorted(want))
            ok = False
        cli = os.path.join(tmp, "cli")
        shutil.copytree(cli_dir, cli)
        with open(os.path.join(cli, "doctored.c"), "w", encoding="utf-8") as f:
            f.write('#include <stdio.h>\n#include "hal/scpi.h"\n#include <lanecert/hal.h>\n')
        problems = check_cli_includes(cli)
        print("doctored cli/ (doctored.c includes \"hal/scpi.h\"):")
        for p in problems:
            print("  " + p)
        if problems != ['cli/doctored.c:2 includes "hal/scpi.h", not the public API <lanecert/...>']:
            print("self-test: expected exactly the doctored include")
            ok = False
        # contracts: a complete header loses one "Since:", and gains a declaration with no comment
        done = sorted(h for h in os.listdir(header_dir) if h.endswith(".h") and h not in CONTRACTS_PENDING)
        victim_h = next(h for h in done if "LC_API" in open(os.path.join(header_dir, h)).read().replace("#define LC_API", ""))
        path = os.path.join(hdrs, victim_h)
        shutil.copy(os.path.join(header_dir, victim_h), path)
        text = open(path, encoding="utf-8").read()
        m = re.search(r"Since: \d+\.\d+[^\n]*\n(?:[^\n]*\n)*?\s*LC_API\b[^;(]*?\b([A-Za-z_]\w*)\s*\(", text)
        assert m, "no contract to doctor in " + victim_h
        text = text[:m.start()] + "Since: (removed)" + text[m.start() + len(m.group(0).split("\n")[0]):]
        text = re.sub(r"\n#endif\s*$", "\nLC_API int lc_api_selftest_bare(void);\n\n#endif\n", text)
        open(path, "w", encoding="utf-8").write(text)
        problems = [p for p in check_contracts(hdrs)[0] if p.startswith("<lanecert/%s>" % victim_h)]
        want = ["<lanecert/%s>: %s: its comment names no Since: X.Y" % (victim_h, m.group(1)),
                "<lanecert/%s>: lc_api_selftest_bare: no comment block right above the declaration" % victim_h]
        print("doctored contracts (%s loses its Since:, lc_api_selftest_bare has no comment):" % m.group(1))
        for p in problems:
            print("  " + p)
        if problems != want:
            print("self-test: expected exactly %s" % want)
            ok = False
        sym = os.path.join(tmp, "doctored.symbols")
        exp = sorted(exported(lib))
        with open(sym, "w", encoding="utf-8") as f:
            f.write("liblanecert.so.0 liblanecert0 #MINVER#\n * Build-Depends-Package: liblanecert-dev\n")
            f.write("".join(" %s@Base 0.1.0\n" % n for n in exp[1:]))
        problems = check_symbols_file(lib, sym)
        print("doctored symbols file (indented field, %s left out):" % exp[0])
        for p in problems:
            print("  " + p)
        want = ["%s:2: neither a field ('* Name: value' in column 0) nor ' symbol@Base version':"
                "  * Build-Depends-Package: liblanecert-dev" % sym,
                "exported but not in %s: %s" % (sym, exp[0])]
        if problems != want:
            print("self-test: expected exactly %s" % want)
            ok = False
    return ok


def main(argv):
    if len(argv) == 4 and argv[1] == "exports":
        problems, ndoc, nexp = check_exports(argv[2], argv[3])
        for p in problems:
            print(p)
        print("%d symbols exported, %d declared with LC_API in %s: %s" %
              (nexp, ndoc, argv[3], "differences above" if problems else "the same set"))
        return 1 if problems else 0
    if len(argv) == 3 and argv[1] == "cli-includes":
        problems = check_cli_includes(argv[2])
        for p in problems:
            print(p)
        print("cli/ includes: %s" % ("%d outside the public API" % len(problems) if problems else "public API only"))
        return 1 if problems else 0
    if len(argv) == 3 and argv[1] == "serve-includes":
        problems = check_cli_includes(argv[2], "serve", ())
        for p in problems:
            print(p)
        print("serve/ includes: %s" % ("%d outside the public API" % len(problems) if problems else "public API only"))
        return 1 if problems else 0
    if len(argv) == 4 and argv[1] == "symbols":
        problems = check_symbols_file(argv[2], argv[3])
        for p in problems:
            print(p)
        print("%s: %s" % (argv[3], "differences above" if problems else "the exported set, in deb-symbols(5) form"))
        return 1 if problems else 0
    if len(argv) == 3 and argv[1] == "contracts":
        problems, waiting = check_contracts(argv[2])
        for p in problems:
            print(p)
        print("contracts: %s; still pending: %s" % ("%d problem(s) above" % len(problems) if problems else
                                                   "every function of the finished headers has its own",
                                                   ", ".join("%s (%d functions)" % kv for kv in sorted(waiting.items()))
                                                   or "none"))
        return 1 if problems else 0
    if len(argv) == 5 and argv[1] == "self-test":
        return 0 if self_test(argv[2], argv[3], argv[4]) else 1
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
