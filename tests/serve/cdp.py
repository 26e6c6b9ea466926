"""A small client of the Chrome DevTools Protocol for the dashboard's browser tests: one headless Chromium
(Debian's chromium) per test program, one page, commands over its WebSocket (python3-websocket, Debian's
websocket-client), events kept so that a test can assert on what the page did (dialogs, exceptions)."""
import base64
import json
import os
import re
import shutil
import struct
import subprocess
import time
import urllib.request
import zlib

import websocket


class Chromium:
    def __init__(self, scratch):
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        assert browser, "chromium is not on PATH: ./bootstrap.sh installs it (Debian package chromium)"
        self.profile = os.path.join(scratch, "chromium-profile")
        shutil.rmtree(self.profile, ignore_errors=True)
        self.proc = subprocess.Popen(
            [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
             "--disable-background-networking", "--disable-component-update", "--mute-audio",
             "--user-data-dir=" + self.profile, "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
             "--window-size=1280,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        assert port, "chromium did not start its DevTools endpoint"
        # stderr is not read further: send it nowhere so that a chatty browser never blocks on a full pipe
        self._drain = subprocess.Popen(["cat"], stdin=self.proc.stderr, stdout=subprocess.DEVNULL)
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=10))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events = []
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise AssertionError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise AssertionError("page script failed: %s" % r["exceptionDetails"])
        return r["result"].get("value")

    def wait(self, expr, timeout=20, what=None):
        """Poll expr in the page until it is truthy (a condition, never a fixed sleep)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                v = self.eval(expr)
            except AssertionError:
                v = None  # the page is between documents
            if v:
                return v
            time.sleep(0.03)
        raise AssertionError("timed out waiting for %s" % (what or expr))

    def goto(self, url):
        self.call("Page.navigate", url=url)
        self.wait("document.readyState === 'complete' && location.href === %s" % json.dumps(url), what=url)

    def screenshot(self, path, scale=1.0):
        """The viewport as a PNG (scaled down for a check that decodes it in Python), also saved to path."""
        w, h = self.eval("[window.innerWidth, window.innerHeight]")
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png",
                                          clip={"x": 0, "y": 0, "width": w, "height": h, "scale": scale})["data"])
        with open(path, "wb") as f:
            f.write(data)
        return data

    def close(self):
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - closing a browser that may be gone
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._drain.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def png_colors(data, sample=4):
    """The distinct colours of a PNG screenshot (8-bit RGB or RGBA, not interlaced), every sample-th pixel."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colors = set()
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % sample == 0:
            for x in range(0, width, sample):
                colors.add(bytes(line[x * bpp:x * bpp + 3]))
        prev = line
    return colors
