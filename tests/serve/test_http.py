#!/usr/bin/env python3
"""`lanecert serve` over plain HTTP: every route, the bad requests (404, 400, 405, oversized), traversal
attempts, the access token, the events stream with its catch-up, and that a run never depends on a server.
Against a real simulated station, a real results store and real signed reports."""
import datetime
import http.client
import html
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

XSS = "<script>alert(1)</script>"
st = None
url = None
host = port = None


def get(path, headers=None, method="GET"):
    c = http.client.HTTPConnection(host, port, timeout=10)
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), body


def raw(request):
    """Send bytes as they are (no client normalizing the path) and return the status line and the rest."""
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(request)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data


def setup():
    global st, url, host, port
    st = harness.Station("http")
    # two slots of the four-slot station in one run (the way a station certifies several cables at once)
    st.start_sim("dr4-four-slots")
    r = st.run(["SV-XSS-1", "SV-OK-1"], operator=XSS, slots=2)
    assert r.returncode == 0, (r.returncode, r.stderr, r.stdout[-1500:])
    _, url = st.serve()
    u = urllib.parse.urlparse(url)
    host, port = u.hostname, u.port


def run_id(serial):
    rows = [r for r in st.store_rows() if r["serial"] == serial]
    assert len(rows) == 1, rows
    return rows[0]["id"], rows[0]


def test_line_view_lists_the_station_slots():
    status, h, body = get("/")
    assert status == 200 and h["content-type"].startswith("text/html")
    text = body.decode()
    name = json.load(open(st.station))["name"]
    assert 'data-station="%s" data-slot="1"' % name in text
    assert "script-src 'self'" in h["content-security-policy"]
    assert re.search(r'data-last="[0-9a-f]+\.0"', text), "the page names the event id its state includes"


def test_history_escapes_every_user_string():
    status, _, body = get("/history")
    text = body.decode()
    assert status == 200
    assert XSS not in text, "the operator's name reached the page as markup"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # a search for the name itself is escaped in the form's value too
    status, _, body = get("/history?operator=" + urllib.parse.quote(XSS))
    text = body.decode()
    assert status == 200 and XSS not in text and "2 runs<" in text


def test_history_filters():
    assert "2 runs<" in get("/history")[2].decode()
    text = get("/history?serial=SV-OK-1")[2].decode()
    assert "1 run<" in text and "SV-OK-1" in text and "SV-XSS-1" not in text
    assert "0 runs<" in get("/history?serial=NO-SUCH")[2].decode()
    assert "2 runs<" in get("/history?verdict=pass")[2].decode()
    assert "0 runs<" in get("/history?verdict=fail")[2].decode()
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    assert "2 runs<" in get("/history?date=" + today)[2].decode()
    assert "0 runs<" in get("/history?date=2001-01-01")[2].decode()
    assert "0 runs<" in get("/history?cable=no-such-cable")[2].decode()
    # a limit shows the newest runs (by start, then id) and says that older ones match too
    rows = sorted(st.store_rows(), key=lambda r: (r["start"], r["id"]))  # ISO times sort as text
    newest, older = rows[-1]["serial"], rows[0]["serial"]
    text = get("/history?limit=1")[2].decode()
    assert "the newest run shown; older runs match too" in text, text
    assert ">%s<" % html.escape(newest) in text and ">%s<" % html.escape(older) not in text
    assert "2 runs<" in get("/history?limit=2")[2].decode()


def test_history_prefix_search():
    assert "2 runs<" in get("/history?match=prefix&serial=SV-")[2].decode()
    text = get("/history?match=prefix&serial=SV-OK")[2].decode()
    assert "1 run<" in text and "SV-OK-1" in text and "SV-XSS-1" not in text
    assert "0 runs<" in get("/history?match=prefix&serial=sv-")[2].decode(), "a prefix is case-sensitive"
    assert "0 runs<" in get("/history?match=prefix&serial=SV-OK-10")[2].decode()
    assert "0 runs<" in get("/history?match=exact&serial=SV-")[2].decode()
    assert 'value="prefix" selected' in text, "the form keeps the search"


def test_history_bad_arguments_are_400():
    for q in ("verdict=bogus", "verdict=none", "date=2026-13-45", "date=yesterday", "limit=0", "limit=501",
              "limit=x", "serial=" + "A" * 129, "match=regex&serial=SV", "match=prefix&serial=%C3"):
        status, _, body = get("/history?" + q)
        assert status == 400, (q, status)
        assert b"<script" not in body


def test_run_page_verifies_the_report():
    rid, row = run_id("SV-OK-1")
    status, _, body = get("/runs/%d" % rid)
    text = body.decode()
    assert status == 200
    assert 'id="verify" class="ok">Verified: signed by key' in text and "serial SV-OK-1" in text
    for name in ("report.html", "report.json", "report.json.minisig", "report.pdf"):
        assert "/runs/%d/%s" % (rid, name) in text


def test_report_files_by_run_id():
    rid, row = run_id("SV-OK-1")
    status, h, body = get("/runs/%d/report.json" % rid)
    assert status == 200 and h["content-type"] == "application/json"
    assert body == open(row["report"], "rb").read()
    assert h["content-disposition"] == 'attachment; filename="run-%d-report.json"' % rid
    status, h, body = get("/runs/%d/report.json.minisig" % rid)
    assert status == 200 and body == open(row["report"] + ".minisig", "rb").read()
    status, h, body = get("/runs/%d/report.pdf" % rid)
    assert status == 200 and body.startswith(b"%PDF-") and h["content-type"] == "application/pdf"
    status, h, body = get("/runs/%d/report.html" % rid)
    assert status == 200 and h["content-type"].startswith("text/html") and b"SV-OK-1" in body
    assert "sandbox" in h["content-security-policy"], "the report is shown sandboxed"
    assert "content-disposition" not in h, "the HTML report is shown inline"
    status, _, _ = get("/runs/%d/report.svg" % rid)
    assert status == 404


def test_a_tampered_report_is_not_verified():
    # the live run's report (test_events_stream_and_catch_up), changed after it was signed
    rid, row = run_id("SV-LIVE-1")
    assert 'class="ok">Verified' in get("/runs/%d" % rid)[2].decode()
    with open(row["report"], "r+b") as f:
        data = f.read()
        f.seek(0)
        f.write(data.replace(b'"SV-LIVE-1"', b'"SV-LIVE-2"', 1))
    text = get("/runs/%d" % rid)[2].decode()
    assert 'id="verify" class="bad">NOT verified: ' in text, text[text.find("verify"):][:300]


def test_unknown_runs_and_pages_are_404():
    for path in ("/runs/0", "/runs/99999", "/runs/abc", "/runs/1x", "/runs/", "/nothing", "/assets/nothing.js",
                 "/runs/1/report", "/runs/1/plots", "/History"):
        assert get(path)[0] == 404, path


def test_traversal_attempts_get_nothing():
    rid, _ = run_id("SV-OK-1")
    for path in ("/runs/%d/../../../../etc/passwd" % rid, "/runs/%d/..%%2f..%%2f..%%2fetc%%2fpasswd" % rid,
                 "/assets/../../etc/passwd", "/runs/%d/%%2e%%2e/%%2e%%2e/etc/passwd" % rid,
                 "/runs/%d/report.json/../../../../../etc/passwd" % rid, "/../../etc/passwd",
                 "/runs/%d/report.json%%00.png" % rid, "//etc/passwd"):
        data = raw(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        status = int(data.split(b" ", 2)[1])
        assert status in (400, 404), (path, data[:200])
        assert b"root:" not in data, path


def test_read_only_and_bounded():
    assert get("/", method="POST")[0] == 405
    assert get("/history", method="DELETE")[0] == 405
    status, h, body = get("/", method="HEAD")
    assert status == 200 and body == b""
    status = get("/" + "a" * 2000)[0]
    assert status == 414, status
    # a request whose headers do not fit the connection's memory is refused, not served
    data = raw(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\nConnection: close\r\n\r\n")
    assert data == b"" or int(data.split(b" ", 2)[1]) in (413, 414, 431), data[:100]


def test_quality_and_station_pages():
    status, _, body = get("/quality")
    text = body.decode()
    assert status == 200
    row = re.search(r"<td>dr4-mpo12apc-4xlc</td><td>(\d+)</td><td>(\d+)</td>", text)
    assert row and row.groups() == ("2", "0"), text[:3000]
    assert get("/quality?days=0")[0] == 400 and get("/quality?days=91")[0] == 400
    status, _, body = get("/station")
    text = body.decode()
    assert status == 200
    sim = open(os.path.join(st.dir, "sim.err")).read()
    assert "Keysight" in text and "N7745C" in text
    assert "No error recorded." in text


def expected_shift(start, offset_h, starts):
    """The shift label the server should give a run that started at `start` (ISO, UTC) on a clock offset_h
    hours east of UTC with shift starts like ["06:00", ...]: the last start at or before the local time, or the
    previous day's last shift."""
    t = datetime.datetime.strptime(start[:19], "%Y-%m-%dT%H:%M:%S") + datetime.timedelta(hours=offset_h)
    mins = [int(x[:2]) * 60 + int(x[3:]) for x in starts]
    now = t.hour * 60 + t.minute
    k = max([i for i, m in enumerate(mins) if m <= now], default=None)
    if k is None:
        t -= datetime.timedelta(days=1)
        k = len(mins) - 1
    end = starts[(k + 1) % len(starts)]
    return "%s %s&ndash;%s" % (t.strftime("%Y-%m-%d"), starts[k], end)


def test_quality_by_shift():
    """--shifts: yield per shift in the server's time zone (TZ, here UTC+9 as a POSIX rule: no tzdata needed)."""
    starts = ["06:00", "14:00", "22:00"]
    old = os.environ.get("TZ")
    os.environ["TZ"] = "XYZ-9"
    try:
        p, u = st.serve("--shifts", ",".join(starts), "--live-socket", os.path.join(st.dir, "shifts.live"))
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
    pu = urllib.parse.urlparse(u)
    c = http.client.HTTPConnection(pu.hostname, pu.port, timeout=10)
    c.request("GET", "/quality")
    text = c.getresponse().read().decode()
    c.close()
    p.send_signal(2)
    p.wait(timeout=10)
    want = {}
    for r in st.store_rows():
        label = expected_shift(r["start"], 9, starts)
        want[label] = want.get(label, 0) + (r["verdict"] == "pass")
    assert 'id="shifts"' in text and "Shifts start at 06:00, 14:00, 22:00" in text, text[:3000]
    for label, passed in want.items():
        assert re.search(r'<td class="shift">%s</td><td>dr4-mpo12apc-4xlc</td><td>%d</td>' % (re.escape(label), passed),
                         text), (label, passed, text[text.find('id="shifts"'):][:1500])
    # without --shifts the page has no such table
    assert 'id="shifts"' not in get("/quality")[2].decode()
    # malformed shifts are refused at start, exit 64
    for bad in ("6:00", "14:00,06:00", "25:00", "06:00,", "00:00,01:00,02:00,03:00,04:00,05:00,06:00"):
        p, _ = st.serve("--shifts", bad, "--live-socket", os.path.join(st.dir, "bad.live"), expect_start=False)
        assert p.wait(timeout=10) == 64, bad
        assert "--shifts" in p.stderr.read(), bad


def sse_open(headers=""):
    s = socket.create_connection((host, port), timeout=20)
    s.sendall(("GET /events HTTP/1.1\r\nHost: x\r\n%s\r\n" % headers).encode())
    return s


def sse_events(s, until, limit_s=20):
    """Read the stream until until(events) holds; events: [(id, data dict or event name)]."""
    buf, events, t0 = b"", [], time.monotonic()
    while time.monotonic() - t0 < limit_s:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        while b"\n\n" in buf:
            block, buf = buf.split(b"\n\n", 1)
            eid, data, name = None, None, None
            for line in block.split(b"\n"):
                if line.startswith(b"id: "):
                    eid = line[4:].decode()
                elif line.startswith(b"data: "):
                    data = line[6:]
                elif line.startswith(b"event: "):
                    name = line[7:].decode()
            if name:
                events.append((eid, name))
            elif data is not None and eid:
                events.append((eid, json.loads(data)))
        if until(events):
            return events
    raise AssertionError("stream ended or timed out: %r" % events[-5:])


def result_seen(events):
    return any(isinstance(d, dict) and d.get("event") == "result" for _, d in events)


def test_events_stream_and_catch_up():
    s = sse_open()
    p = st.run_async(["SV-LIVE-1"], operator="live op")
    events = sse_events(s, result_seen)
    s.close()
    assert p.wait(timeout=60) == 0, p.stderr.read()
    kinds = [d["event"] for _, d in events if isinstance(d, dict)]
    for k in ("slot_start", "step_start", "step_end", "measurement", "result"):
        assert k in kinds, (k, kinds)
    start = next(d for _, d in events if isinstance(d, dict) and d["event"] == "slot_start")
    assert start["serial"] == "SV-LIVE-1" and start["operator"] == "live op" and start["slot"] == 1
    assert start["station"] == json.load(open(st.station))["name"]
    seqs = [int(i.split(".")[1]) for i, d in events if isinstance(d, dict)]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "ids count up by one"
    # a browser that reconnects with the id of the third event gets the fourth onwards
    boot = events[0][0].split(".")[0]
    s = sse_open("Last-Event-ID: %s.%d\r\n" % (boot, seqs[2]))
    again = sse_events(s, lambda ev: len(ev) >= len(events) - 3)
    s.close()
    assert [i for i, _ in again[:len(events) - 3]] == [i for i, _ in events[3:]]
    # an id of another server (or from before a restart) is told to reload
    s = sse_open("Last-Event-ID: 1234.5\r\n")
    again = sse_events(s, lambda ev: len(ev) >= 1)
    s.close()
    assert again[0][1] == "reset"
    # the line view now renders the run's verdict server-side
    text = get("/")[2].decode()
    assert "SV-LIVE-1" in text and "v-pass" in text


def test_run_never_depends_on_the_server():
    # (the runs of setup() published to the store's socket before any server listened, and passed)
    # a server that accepts no connection (its backlog is full): every event is dropped, the run passes and
    # says so with -v
    path = os.path.join(st.dir, "stuck.sock")
    stuck = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    stuck.bind(path)
    stuck.listen(0)
    waiting = []
    while True:
        w = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        w.setblocking(False)
        waiting.append(w)
        try:
            w.connect(path)
        except BlockingIOError:
            break
    r = st.run(["SV-STUCK-1"], extra=["--publish", path, "-v"], slot=3)
    events = len(r.stdout.splitlines())
    for w in waiting:
        w.close()
    stuck.close()
    assert r.returncode == 0, r.stderr
    assert "live events: %d not delivered" % events in r.stderr, (events, r.stderr[-500:])


def test_access_token():
    tok = os.path.join(st.dir, "token")
    with open(tok, "w") as f:
        f.write("s3cret-token-0123456789\n")
    p, u2 = st.serve("--token-file", tok, "--live-socket", os.path.join(st.dir, "tok.live"))
    pu = urllib.parse.urlparse(u2)
    c = http.client.HTTPConnection(pu.hostname, pu.port, timeout=10)

    def req(path, headers=None):
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        r.read()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders())

    assert req("/")[0] == 401
    assert req("/history", {"Authorization": "Bearer wrong-token-0123456789"})[0] == 401
    assert req("/history", {"Authorization": "Bearer s3cret-token-0123456789"})[0] == 200
    status, h = req("/history?token=s3cret-token-0123456789")
    assert status == 303 and h["location"] == "/history"
    assert h["set-cookie"].startswith("lanecert_token=s3cret-token-0123456789;") and "HttpOnly" in h["set-cookie"]
    assert req("/history", {"Cookie": "lanecert_token=s3cret-token-0123456789"})[0] == 200
    assert req("/assets/style.css")[0] == 401
    c.close()


def test_rate_and_connection_limits():
    p, u4 = st.serve("--max-rate", "1", "--live-socket", os.path.join(st.dir, "rate.live"))
    pu = urllib.parse.urlparse(u4)
    statuses = []
    for _ in range(4):  # a burst of one request per second: the first is served, the next ones refused
        c = http.client.HTTPConnection(pu.hostname, pu.port, timeout=10)
        c.request("GET", "/assets/style.css")
        r = c.getresponse()
        r.read()
        c.close()
        statuses.append(r.status)
    assert statuses[0] == 200 and 429 in statuses, statuses
    # two connections held open (two live views): a third is closed without an answer
    p, u5 = st.serve("--max-connections", "2", "--live-socket", os.path.join(st.dir, "conn.live"))
    pu = urllib.parse.urlparse(u5)
    held = [socket.create_connection((pu.hostname, pu.port), timeout=10) for _ in range(2)]
    for h in held:
        h.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
    for h in held:
        assert h.recv(1024).startswith(b"HTTP/1.1 "), "an allowed connection is answered"
    try:
        data = raw_to(pu.hostname, pu.port, b"GET /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    except (ConnectionResetError, BrokenPipeError):
        data = b""
    assert data == b"", data[:100]
    for h in held:
        h.close()


def test_tls():
    tls = os.path.join(harness.SRC, "tests", "data", "tls")
    p, u3 = st.serve("--tls-cert", os.path.join(tls, "localhost.crt"), "--tls-key", os.path.join(tls, "localhost.key"),
                     "--live-socket", os.path.join(st.dir, "tls.live"))
    assert u3.startswith("https://127.0.0.1:"), u3
    pu = urllib.parse.urlparse(u3)
    import ssl
    ctx = ssl.create_default_context(cafile=os.path.join(tls, "localhost.crt"))
    c = http.client.HTTPSConnection(pu.hostname, pu.port, timeout=10, context=ctx)
    c.request("GET", "/history?serial=SV-OK-1")
    r = c.getresponse()
    body = r.read().decode()
    c.close()
    assert r.status == 200 and "1 run<" in body
    # plain HTTP on the TLS port gets no page
    try:
        data = raw_to(pu.hostname, pu.port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    except OSError:
        data = b""
    assert b"200 OK" not in data


def raw_to(h, p, request):
    s = socket.create_connection((h, p), timeout=10)
    s.sendall(request)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data


def test_bad_command_lines():
    base = [harness.CLI, "serve", "--db", st.db, "--live-socket", os.path.join(st.dir, "x.live")]
    for args, code, says in ((["--listen", "0.0.0.0:0"], 64, "token"),
                             (["--listen", "nonsense"], 64, "ADDR:PORT"),
                             (["--listen", "127.0.0.1:70000"], 64, "0..65535"),
                             (["--bogus"], 64, "unknown option '--bogus'"),
                             (["stray"], 64, "unexpected argument 'stray'"),
                             (["--station", os.path.join(st.dir, "no-such.json")], 66, "no-such"),
                             (["--token-file", os.path.join(st.dir, "no-such-token")], 66, "token"),
                             (["--tls-cert", st.pub], 64, "tls-key"),
                             (["--max-rate", "0"], 64, "max-rate")):
        r = subprocess.run(base + args, capture_output=True, text=True, timeout=10)
        assert r.returncode == code and says in r.stderr, (args, r.returncode, r.stderr)
    # a second server on the same events socket is refused; the first keeps it
    live = os.path.join(st.dir, "results.db.live")
    r = subprocess.run(base[:2] + ["--db", st.db, "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                       timeout=10)
    assert r.returncode == 75 and "another server" in r.stderr, r.stderr
    assert os.path.exists(live)


if __name__ == "__main__":
    rc = 1
    try:
        rc = harness.main([setup, test_line_view_lists_the_station_slots, test_history_escapes_every_user_string,
                           test_history_filters, test_history_prefix_search, test_history_bad_arguments_are_400,
                           test_run_page_verifies_the_report,
                           test_report_files_by_run_id, test_unknown_runs_and_pages_are_404,
                           test_traversal_attempts_get_nothing, test_read_only_and_bounded,
                           test_quality_and_station_pages, test_quality_by_shift, test_events_stream_and_catch_up,
                           test_a_tampered_report_is_not_verified, test_run_never_depends_on_the_server,
                           test_access_token, test_rate_and_connection_limits, test_tls,
                           test_bad_command_lines])
    finally:
        if st:
            st.close(remove=rc == 0)
    sys.exit(rc)
