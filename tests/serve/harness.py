"""What the dashboard's tests share: a scratch folder, `lanecert sim` on a port range of tests/port_range.h's
kind, a signing key, certifications with `lanecert run`, and `lanecert serve` on a port the kernel picks (port 0,
printed by serve: no range to collide in). Every process started here is stopped by its own pid."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

CLI = os.environ.get("LC_CLI", "")
SRC = os.environ.get("LC_SOURCE_DIR", "")
BUILD = os.environ.get("LC_BUILD_DIR", "")


def port_base(span, attempt):
    """tests/port_range.h's tp_port_base(): below the kernel's ephemeral range, spread by pid, attempt, clock."""
    lo, hi = 32768, 60999
    try:
        a, b = (int(x) for x in open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
        if 0 < a <= b <= 65535:
            lo, hi = a, b
    except OSError:
        pass
    first, last = 10000, lo - 1 if lo > 10000 else 0
    if last < first + 8 * span:
        first, last = hi + 1, 65535
    slots = (last - first + 1) // span
    k = (os.getpid() * 2654435761 ^ time.monotonic_ns() ^ attempt * 40503) & 0xffffffff
    k ^= k >> 15
    return first + (k % slots) * span


class Station:
    def __init__(self, name):
        assert CLI and SRC and BUILD, "LC_CLI, LC_SOURCE_DIR and LC_BUILD_DIR must be set (ctest sets them)"
        self.dir = os.path.join(BUILD, "serve-tests", "%s-%d" % (name, os.getpid()))
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.procs = []
        self.db = os.path.join(self.dir, "results.db")
        self.station = os.path.join(self.dir, "station.json")
        self.key = os.path.join(self.dir, "k.key")
        self.pub = os.path.join(self.dir, "k.pub")
        r = subprocess.run([CLI, "keygen", "--unencrypted", "--name", "k", "--out", self.dir],
                           capture_output=True, text=True)
        assert r.returncode == 0, "keygen: " + r.stderr

    def start_sim(self, scenario):
        err = os.path.join(self.dir, "sim.err")
        for attempt in range(40):
            base = port_base(32, attempt)
            p = subprocess.Popen([CLI, "sim", "--scenario", scenario, "--port-base", str(base), "--time-scale", "0",
                                  "--seed", "1", "--station-out", self.station],
                                 stdout=subprocess.PIPE, stderr=open(err, "w"), text=True)
            ready = False
            for line in p.stdout:
                if line == "ready\n":
                    ready = True
                    break
            p.stdout.close()
            if ready:
                self.procs.append(p)
                return
            p.wait()
            text = open(err).read()
            assert "LC_ERR_BUSY" in text, "lanecert sim did not start: " + text
        raise AssertionError("lanecert sim: no free port range in 40 attempts")

    def args(self, serials, operator, slot, slots):
        args = [CLI, "run", "breakout-dr4-4x100g", "--station", self.station, "--serial", ",".join(serials),
                "--operator", operator, "--key", self.key, "--db", self.db, "--out",
                os.path.join(self.dir, "reports"), "--non-interactive", "--json", "--slot", str(slot)]
        if slots > 1:
            args += ["--slots", str(slots)]
        return args

    def run(self, serials, operator="line operator", extra=(), slot=1, slots=1, check=True):
        r = subprocess.run(self.args(serials, operator, slot, slots) + list(extra), capture_output=True, text=True,
                           cwd=self.dir)
        if check:
            assert r.returncode in (0, 1), "lanecert run exited %d: %s" % (r.returncode, r.stderr)
        return r

    def run_async(self, serials, operator="line operator", extra=(), slot=1, slots=1):
        p = subprocess.Popen(self.args(serials, operator, slot, slots) + list(extra), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=self.dir)
        self.procs.append(p)
        return p

    def serve(self, *extra, expect_start=True):
        """Start lanecert serve; returns (process, base URL) once it printed its address."""
        args = [CLI, "serve", "--listen", "127.0.0.1:0", "--db", self.db, "--station", self.station,
                "--pubkey", self.pub] + list(extra)
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = p.stdout.readline()
        if not expect_start:
            return p, None
        assert line.startswith("lanecert serve: "), "serve did not start: %r %s" % (line, p.stderr.read())
        self.procs.append(p)
        return p, line.split()[2]

    def store_rows(self):
        r = subprocess.run([CLI, "results", "--db", self.db, "--json"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def close(self, remove=False):
        """Stop every process started here; remove the scratch folder when asked (kept after a failure)."""
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.procs = []
        if remove:
            shutil.rmtree(self.dir, ignore_errors=True)


def main(tests):
    """Run each test function in order (the first is the setup: nothing runs after it fails), print TAP-like
    lines; exit 1 if any failed."""
    failed = 0
    for n, t in enumerate(tests):
        t0 = time.monotonic()
        try:
            t()
            print("ok - %s (%.1f s)" % (t.__name__, time.monotonic() - t0))
        except Exception:  # noqa: BLE001 - report every failure and go on
            failed += 1
            import traceback
            traceback.print_exc()
            print("not ok - %s" % t.__name__)
            if n == 0:
                print("setup failed: no test ran")
                return 1
        sys.stdout.flush()
    print("%d of %d tests failed" % (failed, len(tests)))
    return 1 if failed else 0
