"""Start tests/sim/sim_echo_server (the generic simulated test instrument) for the interoperability tests.

Each test instance takes its own loopback address 127.77.X.Y (any 127.x binds on Linux), so that VXI-11's
portmapper can sit on the real port 111 while other runs of the suite (gcc and ASan builds, other engineers)
do the same in parallel. Exit code 77 means "skipped" to ctest: only for what truly cannot run here (no
privilege for port 111). A tool that bootstrap.sh installs and that is missing is a failure (missing()).
"""
import os
import random
import subprocess
import sys

SKIP = 77


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(SKIP)


def missing(msg):
    print("FAIL: %s: ./bootstrap.sh installs it" % msg)
    sys.exit(1)


class Server:
    def __init__(self, binary, portmapper=True, extra=()):
        self.proc = None
        rnd = random.Random(os.getpid())
        last = ""
        for _ in range(30):
            addr = "127.77.%d.%d" % (rnd.randrange(1, 255), rnd.randrange(1, 255))
            args = [binary, "--address", addr, "--portmapper-port", "111" if portmapper else "-1"] + list(extra)
            p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
            info = {}
            for line in p.stdout:
                line = line.strip()
                if line == "ready":
                    break
                k, v = line.split()
                info[k] = int(v)
            if "socket" in info:
                self.proc, self.addr, self.info = p, addr, info
                return
            p.wait(timeout=10)
            last = p.stderr.read().strip()
            if "Permission denied" in last:
                skip("binding the portmapper on port 111 needs root or CAP_NET_BIND_SERVICE: " + last)
            if "in use" not in last:
                break
        raise RuntimeError("sim_echo_server did not start: " + last)

    def stop(self):
        if self.proc:
            self.proc.stdin.close()  # the server ends when its stdin closes
            self.proc.wait(timeout=30)
            rc = self.proc.returncode
            self.proc = None
            if rc != 0:
                raise RuntimeError("sim_echo_server exited with %d" % rc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
