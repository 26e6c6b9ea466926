"""lxi-tools (`lxi scpi`, liblxi underneath) against the simulated test instrument over VXI-11 (through our
portmapper on port 111 of the instrument's own loopback address) and over the raw socket (--raw).

usage: /usr/bin/python3 interop_lxi.py PATH/TO/sim_echo_server [PATH/TO/lxi]
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simserver import Server, missing  # noqa: E402

IDN = "LANECERT,SIM-TEST,SN0001,1.0"


def lxi(tool, addr, cmd, port=None, raw=False, hexout=False):
    args = [tool, "scpi", "-a", addr, "-t", "5"]
    if port is not None:
        args += ["-p", str(port)]
    if raw:
        args.append("--raw")
    if hexout:
        args.append("-x")
    args.append(cmd)
    r = subprocess.run(args, capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise AssertionError("%s -> exit %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r.stdout


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        return 2
    tool = sys.argv[2] if len(sys.argv) == 3 and sys.argv[2] else shutil.which("lxi")
    if not tool or not os.path.exists(tool):
        missing("lxi-tools is not installed (Debian lxi-tools)")
    with Server(sys.argv[1]) as srv:
        for name, kw in (("VXI-11", {}), ("raw", {"port": srv.info["socket"], "raw": True})):
            out = lxi(tool, srv.addr, "*IDN?", **kw).strip()
            if out != IDN:
                raise AssertionError("%s: *IDN? returned %r" % (name, out))
            lxi(tool, srv.addr, "SOUR3:VAL -7.5", **kw)
            out = lxi(tool, srv.addr, "SOUR3:VAL?", **kw).strip()
            if float(out) != -7.5:
                raise AssertionError("%s: SOUR3:VAL? returned %r" % (name, out))
            # a binary block, printed in hex by lxi: header "#216" then bytes 00..0f and the terminator
            out = lxi(tool, srv.addr, "TEST:BLOC? 16", hexout=True, **kw)
            got = bytes(int(h, 16) for h in out.split())
            want = b"#216" + bytes(range(16)) + b"\n"
            if got != want:
                raise AssertionError("%s: block %r, want %r" % (name, got, want))
            print("ok  lxi scpi over %s: *IDN?, set/read back, block" % name)
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
