#!/usr/bin/env python3
"""Every command of cli/commands.def refuses a bad option the same way: exit 64 (usage) and a message that
names the option as it was typed, for an unknown option, a missing option argument and (for the commands on
cli/cli.h's lc_cli_getopt) an argument given to an option that takes none and an ambiguous abbreviation.
A command whose file calls lc_cli_getopt must print the helper's one wording exactly; the others (still on
their own parsing) must at least exit 64 and name the option. The option that takes an argument is read
from the command's own --help (its first "--name VALUE"), so a new command is covered by its line in
commands.def alone. Also the deliberate quirks kept by the conversion to getopt_long: `compat -vv` counts
verbosity, `scpi` keeps its commands in order and refuses session options after RESOURCE; `plan` and `run`
take --limit-set NAME and refuse a set the limits do not know (64, naming the known ones)."""
import concurrent.futures
import os
import re
import subprocess
import sys

SRC = os.environ.get("LC_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
CLI = os.environ.get("LC_CLI")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(*args):
    p = subprocess.run([CLI, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def commands():
    text = open(os.path.join(SRC, "cli", "commands.def")).read()
    return re.findall(r'^LC_COMMAND\("([a-z_-]+)",', text, re.M)


def uses_helper(cmd):
    path = os.path.join(SRC, "cli", "cmd_%s.c" % cmd)
    return os.path.exists(path) and "lc_cli_getopt(" in open(path).read()


def expect_usage(cmd, args, option, wording):
    """args must exit 64 naming option; with the helper, stderr is exactly its wording."""
    rc, _, err = run(cmd, *args)
    shown = "lanecert %s %s" % (cmd, " ".join(args))
    check(rc == 64, "%s: exit %d, not 64 (stderr: %r)" % (shown, rc, err))
    check(option in err, "%s: stderr does not name %s: %r" % (shown, option, err))
    if uses_helper(cmd) and wording:
        want = "lanecert %s: %s (lanecert %s --help)\n" % (cmd, wording, cmd)
        check(err == want, "%s: stderr %r, expected %r" % (shown, err, want))


def main():
    if not CLI:
        print("LC_CLI is not set: run through ctest", file=sys.stderr)
        return 2
    cmds = commands()
    check(len(cmds) >= 14, "commands.def lists %d commands" % len(cmds))
    helper = [c for c in cmds if uses_helper(c)]
    check(len(helper) >= 10, "only %d commands use lc_cli_getopt: %s" % (len(helper), helper))

    def one(cmd):
        expect_usage(cmd, ["--no-such-option"], "'--no-such-option'", "unknown option '--no-such-option'")
        rc, out, err = run(cmd, "--help")
        check(rc == 0 and "usage:" in out.lower(), "lanecert %s --help: exit %d" % (cmd, rc))
        m = re.search(r"(--[a-z][a-z0-9-]*)[ =][A-Z][A-Z0-9_]*", out)
        if m:
            opt = m.group(1)
            # the option last on the line: getopt finds no argument for it
            expect_usage(cmd, [opt], "'%s'" % opt, "option '%s' needs an argument" % opt)
        else:
            check(cmd == "version", "lanecert %s --help names no option that takes an argument" % cmd)

    # the processes are independent: run them a few at a time (each sanitizer start-up costs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, cmds))
    # the helper's other wordings (one code path for every command that uses it)
    expect_usage("plan", ["-Z"], "'-Z'", "unknown option '-Z'")
    expect_usage("plan", ["--json=yes"], "'--json'", "option '--json' takes no argument")
    expect_usage("plan", ["a", "b"], "'b'", None)
    expect_usage("version", ["extra"], "'extra'", "unexpected argument 'extra'")

    # compat -vv / -v -v: a verbosity level each, not an unknown option; the ends are then looked for (66)
    for v in (["-vv"], ["-v", "-v"], ["-vvv"]):
        rc, _, err = run("compat", *v, "/nonexistent/a.dump", "/nonexistent/b.dump")
        check(rc == 66, "compat %s: exit %d, not 66 (stderr: %r)" % (" ".join(v), rc, err))
    # scpi: the session's options go before RESOURCE, -q/--block after it, and the list is checked before
    # anything is opened (an unreachable resource is never reached)
    res = "TCPIP::127.0.0.1::1::SOCKET"
    rc, _, err = run("scpi", res, "*RST", "--timeout", "5")
    check(rc == 64 and "'--timeout' goes before RESOURCE" in err, "scpi option after RESOURCE: %d %r" % (rc, err))
    rc, _, err = run("scpi", "-q", "*IDN?", res)
    check(rc == 64 and "'-q' goes after RESOURCE" in err, "scpi -q before RESOURCE: %d %r" % (rc, err))
    rc, _, err = run("scpi", res, "--block", "f.bin", "*RST", "-q", "X?")
    check(rc == 64 and "--block FILE must be followed by -q QUERY" in err, "scpi --block then a write: %d %r" % (rc, err))
    rc, _, err = run("scpi", res, "-q")
    check(rc == 64 and err == "lanecert scpi: option '-q' needs an argument (lanecert scpi --help)\n",
          "scpi -q last: %d %r" % (rc, err))
    # an ambiguous abbreviation names itself (sim has --seed and --scenario)
    expect_usage("sim", ["--s"], "'--s'", "ambiguous option '--s'")

    # --limit-set on plan and run (the per-mated-pair loss set): a known set prices the budget and is named,
    # an unknown one is a usage error (64) that lists the sets the limits know, and run refuses it before
    # any instrument is opened (the station's resources here are never reached)
    known = "(known: reference-grade, standard-max, typical)"
    rc, out, err = run("plan", "chain-method-a-om4", "--limit-set", "reference-grade")
    check(rc == 0 and "limit set reference-grade\n" in out and "set.reference-grade.mated_pair.standard.MM" in out,
          "plan --limit-set reference-grade: exit %d %r %r" % (rc, out[-600:], err))
    rc, out, err = run("plan", "chain-method-a-om4")
    check(rc == 1 and "limit set typical\n" in out, "plan without --limit-set keeps the chain's typical: %d" % rc)
    rc, out, err = run("plan", "chain-method-a-om4", "--limit-set", "referense-grade")
    check(rc == 64 and err == "lanecert plan: --limit-set referense-grade: no such limit set %s\n" % known,
          "plan --limit-set typo: %d %r" % (rc, err))
    expect_usage("plan", ["chain-method-a-om4", "--limit-set"], "'--limit-set'", "option '--limit-set' needs an argument")
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        station = os.path.join(SRC, "fixtures", "scenarios", "stations", "sr8-bench.json")
        rc, out, err = run("run", "breakout-sr8-8x50g", "--station", station, "--serial", "SN-1", "--operator", "qa",
                           "--no-sign", "--no-db", "--no-publish", "--non-interactive", "--out", tmp,
                           "--limit-set", "nominal")
        check(rc == 64 and err == "lanecert run: --limit-set nominal: no such limit set %s\n" % known,
              "run --limit-set unknown: %d %r" % (rc, err))
        check(os.listdir(tmp) == [], "run --limit-set unknown wrote %s" % os.listdir(tmp))
    expect_usage("run", ["breakout-sr8-8x50g", "--limit-set"], "'--limit-set'", "option '--limit-set' needs an argument")

    for f in failures:
        print("FAIL:", f)
    print("%d commands, %d on lc_cli_getopt, %d failure(s)" % (len(cmds), len(helper), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
