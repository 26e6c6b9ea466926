"""PyVISA with the pyvisa-py backend against the simulated test instrument, over a raw socket
(TCPIP::addr::port::SOCKET) and over VXI-11 (TCPIP::addr::INSTR, through our own portmapper on port 111).

usage: /usr/bin/python3 interop_pyvisa.py PATH/TO/sim_echo_server
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simserver import Server, missing  # noqa: E402

try:
    import pyvisa
    import pyvisa_py  # noqa: F401
except ImportError as e:
    missing("PyVISA with pyvisa-py is not installed for %s (Debian python3-pyvisa-py): %s" % (sys.executable, e))

IDN = "LANECERT,SIM-TEST,SN0001,1.0"


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def exercise(rm, resource):
    inst = rm.open_resource(resource)
    inst.read_termination = "\n"
    inst.write_termination = "\n"
    inst.timeout = 5000
    try:
        idn = inst.query("*IDN?")
        check(idn == IDN, "%s: *IDN? returned %r" % (resource, idn))
        inst.write("SOUR2:VAL 1.25")
        v = float(inst.query("SOUR2:VAL?"))
        check(v == 1.25, "%s: SOUR2:VAL? returned %r" % (resource, v))
        inst.write("SOUR2:VAL MAX")
        check(float(inst.query("SOUR2:VAL?")) == 1e9, "%s: MAX" % resource)
        # a binary block whose bytes include '\n': framed by its length, not by the terminator
        data = inst.query_binary_values("TEST:BLOC? 1000", datatype="B", container=bytes)
        check(data == bytes(i % 256 for i in range(1000)), "%s: block of %d bytes differs" % (resource, len(data)))
        # and the other way: a block argument with newlines inside
        payload = bytes([10, 0, 13, 10, 35, 49, 255]) * 400
        inst.write_binary_values("TEST:DATA ", payload, datatype="B")
        back = inst.query_binary_values("TEST:DATA?", datatype="B", container=bytes)
        check(back == payload, "%s: TEST:DATA round trip %r" % (resource, back))
        inst.write("BOGUS:COMMAND")
        err = inst.query("SYST:ERR?")
        check(err.startswith('-113,"Undefined header'), "%s: SYST:ERR? returned %r" % (resource, err))
        check(inst.query("SYST:ERR?") == '0,"No error"', "%s: queue not empty" % resource)
        print("ok  %s: *IDN?, set/read back, blocks both ways, error queue" % resource)
    finally:
        inst.close()


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    # maxRecvSize 1024: PyVISA-py splits the 2.8 kB block write into chunks with END only on the last.
    # (Not smaller: pyvisa-py's write() sets END on every chunk once <= 1024 bytes remain (a fixed
    # chunk_size), so with a maxRecvSize below 1024 it would itself split one message into several.)
    with Server(sys.argv[1], extra=("--max-recv", "1024")) as srv:
        rm = pyvisa.ResourceManager("@py")
        try:
            exercise(rm, "TCPIP::%s::%d::SOCKET" % (srv.addr, srv.info["socket"]))
            exercise(rm, "TCPIP::%s::INSTR" % srv.addr)
        finally:
            rm.close()
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
