#!/usr/bin/env python3
"""lanecert-render --serve (cli/render_main.c), as lanecert run drives it (cli/run_reports.c): one process renders
one folder after another, each answered on its own line, and each folder's views are the same bytes as those of
a one-folder lanecert-render of the same report.json (the fonts and maps a renderer keeps from its warm-up and
from the reports before change nothing). A folder that cannot be rendered is "error N" with the one-folder exit
code, and the process goes on with the next; a request cut short (no NUL) is exit 65. The PDF's plots go to
one kept drawer (lanecert-render-plots serve) for all the folders; when that drawer cannot serve (a drawer that
fails in serve mode, beside a copy of the renderer), each report runs drawers of its own, with the same bytes.
gnuplot is kept the same way (one for all the folders); a kept gnuplot that says anything on stderr is ended and
each report then runs its own, with the same bytes."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ["LC_SOURCE_DIR"]
RENDER = os.environ["LC_RENDER"]
PLOTS = os.environ["LC_RENDER_PLOTS"]


def files(d):
    out = {}
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, d)] = f.read()
    return out


def gnuplot_wrapper(tmp, warn_first):
    """A folder with a gnuplot that notes each start in a log; with warn_first the first one (the kept one)
    says a warning on stderr before it runs."""
    d = os.path.join(tmp, "warn-bin" if warn_first else "bin")
    os.mkdir(d)
    real = shutil.which("gnuplot")
    log = os.path.join(d, "starts")
    first = os.path.join(d, "first")
    with open(os.path.join(d, "gnuplot"), "w") as f:
        f.write("#!/bin/sh\n"
                f"echo start >> '{log}'\n"
                + (f"if [ ! -e '{first}' ]; then : > '{first}'; echo 'warning: injected' >&2; fi\n" if warn_first else "")
                + f'exec "{real}" "$@"\n')
    os.chmod(os.path.join(d, "gnuplot"), 0o755)
    env = dict(os.environ, PATH=d + os.pathsep + os.environ.get("PATH", ""))
    return env, log


def starts(log):
    with open(log) as f:
        return f.read().count("start")


def main():
    with open(os.path.join(SRC, "tests/data/minisign/report/report.json"), "rb") as f:
        report_a = f.read()
    # a second report, laid out otherwise: another serial and reason, so the second rendering of the process
    # shapes text the first did not
    doc = json.loads(report_a)
    doc["dut"]["serial"] = "SERVE-0002 \u2014 second"
    report_b = json.dumps(doc, indent=2, sort_keys=True).encode()
    bad = []
    with tempfile.TemporaryDirectory() as tmp:
        dirs = {}
        for name, data in (("a", report_a), ("b", report_b)):
            for how in ("alone", "served"):
                d = os.path.join(tmp, f"{name}-{how}")
                os.mkdir(d)
                with open(os.path.join(d, "report.json"), "wb") as f:
                    f.write(data)
                dirs[name, how] = d
        for name in ("a", "b"):
            subprocess.run([RENDER, dirs[name, "alone"]], check=True)
        missing = os.path.join(tmp, "no-such-folder")
        req = b"".join(p.encode() + b"\0" for p in (dirs["b", "served"], missing, dirs["a", "served"]))
        env, log = gnuplot_wrapper(tmp, False)
        r = subprocess.run([RENDER, "--serve", "-v"], input=req, capture_output=True, env=env)
        if starts(log) != 1:
            bad.append(f"{starts(log)} gnuplot processes for two reports, expected the one kept")
        # -v: one line per drawer reaped; the kept one serves both reports (a drawer each: four lines)
        drawers = r.stderr.count(b"plots: peak RSS")
        if drawers != 1:
            bad.append(f"{drawers} plot drawers reaped for two reports, expected the one kept: {r.stderr!r}")
        if r.returncode != 0:
            bad.append(f"--serve exited {r.returncode}: {r.stderr.decode(errors='replace')}")
        if r.stdout != b"ok\nerror 66\nok\n":
            bad.append(f"--serve answered {r.stdout!r}, expected ok, error 66 (the missing folder), ok")
        if b"no-such-folder" not in r.stderr:
            bad.append(f"the missing folder's reason is not on stderr: {r.stderr!r}")
        for name in ("a", "b"):
            alone, served = files(dirs[name, "alone"]), files(dirs[name, "served"])
            if not any(k.endswith(".pdf") for k in alone) or not any(k.startswith("plots/") for k in alone):
                bad.append(f"report {name}: no PDF or plots rendered alone: {sorted(alone)}")
            if sorted(alone) != sorted(served):
                bad.append(f"report {name}: files {sorted(served)} served, {sorted(alone)} alone")
            for k in alone:
                if k in served and alone[k] != served[k]:
                    bad.append(f"report {name}: {k} differs between --serve and a one-folder run")
        # the kept drawer fails at once (exit 3 in serve mode): each report runs its own, the same bytes. The
        # wrapper notes every start, so the test sees that the kept drawer was started and failed.
        wrapped = os.path.join(tmp, "libexec")
        os.mkdir(wrapped)
        shutil.copy(RENDER, os.path.join(wrapped, "lanecert-render"))
        drawer_log = os.path.join(wrapped, "drawer-starts")
        with open(os.path.join(wrapped, "lanecert-render-plots"), "w") as f:
            f.write(f'#!/bin/sh\necho "$1" >> \'{drawer_log}\'\n[ "$1" = serve ] && exit 3\nexec "{PLOTS}" "$@"\n')
        os.chmod(os.path.join(wrapped, "lanecert-render-plots"), 0o755)
        again = os.path.join(tmp, "b-fallback")
        os.mkdir(again)
        with open(os.path.join(again, "report.json"), "wb") as f:
            f.write(report_b)
        r = subprocess.run([os.path.join(wrapped, "lanecert-render"), "--serve", "-v"], input=again.encode() + b"\0",
                           capture_output=True)
        drawers = r.stderr.count(b"plots: peak RSS")
        with open(drawer_log) as f:
            started = f.read().split()
        if r.returncode != 0 or r.stdout != b"ok\n" or drawers != 2 or started != ["serve", "measure", "draw"]:
            bad.append(f"a failing kept drawer: exit {r.returncode}, {r.stdout!r}, {drawers} drawers of its own, "
                       f"started {started} (expected 0, ok, 2, ['serve', 'measure', 'draw']): {r.stderr!r}")
        fell_back = files(again)
        for k, v in files(dirs["b", "alone"]).items():
            if fell_back.get(k) != v:
                bad.append(f"a failing kept drawer: {k} differs from the one-folder run's")
        # the kept gnuplot warns on stderr: ended; each report runs its own gnuplot, the same bytes
        env, log = gnuplot_wrapper(tmp, True)
        again = os.path.join(tmp, "a-gnuplot-fallback")
        os.mkdir(again)
        with open(os.path.join(again, "report.json"), "wb") as f:
            f.write(report_a)
        r = subprocess.run([RENDER, "--serve"], input=again.encode() + b"\0", capture_output=True, env=env)
        if r.returncode != 0 or r.stdout != b"ok\n" or starts(log) != 2:
            bad.append(f"a kept gnuplot that warns: exit {r.returncode}, {r.stdout!r}, {starts(log)} gnuplot starts "
                       f"(expected 0, ok, 2: the kept one and the report's own): {r.stderr!r}")
        fell_back = files(again)
        for k, v in files(dirs["a", "alone"]).items():
            if fell_back.get(k) != v:
                bad.append(f"a kept gnuplot that warns: {k} differs from the one-folder run's")
        r = subprocess.run([RENDER, "--serve"], input=dirs["a", "served"].encode(), capture_output=True)
        if r.returncode != 65 or r.stdout:
            bad.append(f"a request without its NUL: exit {r.returncode} and {r.stdout!r}, expected 65 and nothing")
        r = subprocess.run([RENDER, "--serve", dirs["a", "served"]], capture_output=True)
        if r.returncode != 64:
            bad.append(f"--serve with a folder argument: exit {r.returncode}, expected 64")
    for b in bad:
        print(b)
    print(f"{len(bad)} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
