#!/usr/bin/env python3
"""The dashboard in a real headless Chromium, driven through the DevTools protocol (tests/serve/cdp.py): the
line view follows a simulated certification live (the slot's step changes in the DOM), a serial is searched
with the history form, a run's page and its report open, an operator named <script>alert(1)</script> is shown
as text (no dialog, no script element), and a screenshot of the line view is not blank. One Chromium for the
whole program."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402
import harness  # noqa: E402

XSS = "<script>alert(1)</script>"
st = url = br = None


def setup():
    global st, url, br
    st = harness.Station("browser")
    st.start_sim("dr4-breakout-good")
    st.run(["SB-XSS-1"], operator=XSS)
    _, url = st.serve()
    br = cdp.Chromium(st.dir)


def no_dialog_no_exception():
    bad = [e for e in br.events if e["method"] in ("Page.javascriptDialogOpening", "Runtime.exceptionThrown")]
    assert not bad, bad


def test_line_view_follows_a_run_live():
    br.goto(url)
    name = json.load(open(st.station))["name"]
    br.wait("document.getElementById('feed').textContent === 'live'", what="the live feed to connect")
    card = "document.querySelector('.slot[data-station=%s][data-slot=\"1\"]')" % json.dumps(name)
    assert br.eval(card + " !== null")
    # every change of the card is recorded, so that a fast run's steps are all seen
    br.eval("""(function () {
      var c = %s; window.__seen = [];
      function f(n) { return c.querySelector('[data-f="' + n + '"]').textContent; }
      new MutationObserver(function () {
        window.__seen.push({state: f('state'), step: f('step'), operator: f('operator'), serial: f('serial')});
      }).observe(c, {subtree: true, childList: true, characterData: true});
      return true; })()""" % card)
    p = st.run_async(["SB-LIVE-1"], operator=XSS)
    br.wait(card + ".querySelector('[data-f=\"last_serial\"]').textContent === 'SB-LIVE-1'", timeout=60,
            what="the run's result in the slot")
    assert p.wait(timeout=60) == 0, p.stderr.read()
    seen = br.eval("window.__seen")
    steps = [s["step"] for s in seen]
    assert "step 1 of 3: fiber-map" in steps and "step 2 of 3: insertion-loss" in steps, steps
    assert any(s["state"] == "running" and s["serial"] == "SB-LIVE-1" and s["operator"] == XSS for s in seen), seen
    assert br.eval(card + ".querySelector('[data-f=\"verdict\"]').textContent") == "pass"
    assert br.eval(card + ".querySelector('[data-f=\"state\"]').textContent") == "idle"
    assert br.eval("document.querySelectorAll('script').length") == 1, "only the page's own script"
    colors = cdp.png_colors(br.screenshot(os.path.join(st.dir, "line-view.png"), scale=0.25))
    assert len(colors) >= 8, "the screenshot is blank: %d colours" % len(colors)
    no_dialog_no_exception()


def test_history_search_and_open_a_report():
    br.goto(url + "history")
    assert br.eval("document.querySelectorAll('#runs tbody tr').length") == 2
    br.eval("document.querySelector('input[name=serial]').value = 'SB-XSS-1';"
            "document.querySelector('form.filters').submit(); true")
    br.wait("location.search.indexOf('serial=SB-XSS-1') >= 0 && document.readyState === 'complete'",
            what="the search's page")
    rows = br.eval("Array.from(document.querySelectorAll('#runs tbody tr')).map(function (r) {"
                   " return [r.querySelector('.serial').textContent, r.querySelector('.operator').textContent]; })")
    assert rows == [["SB-XSS-1", XSS]], rows
    assert br.eval("document.querySelectorAll('script').length") == 0, "the operator's name became a script"
    assert br.eval("document.querySelector('input[name=serial]').value") == "SB-XSS-1"
    br.eval("document.querySelector('#runs tbody a').click(); true")
    br.wait("location.pathname.indexOf('/runs/') === 0 && document.readyState === 'complete'", what="the run page")
    verify = br.eval("document.getElementById('verify').textContent")
    assert verify.startswith("Verified: signed by key") and "serial SB-XSS-1" in verify, verify
    assert br.eval("document.querySelector('dd.operator').textContent") == XSS
    br.eval("document.querySelector('.files a').click(); true")
    br.wait("/report\\.html$/.test(location.pathname) && document.readyState === 'complete'", what="the report")
    text = br.eval("document.body.innerText")
    assert "SB-XSS-1" in text and XSS in text, text[:500]
    colors = cdp.png_colors(br.screenshot(os.path.join(st.dir, "report.png"), scale=0.25))
    assert len(colors) >= 8, "the report's screenshot is blank"
    no_dialog_no_exception()


if __name__ == "__main__":
    rc = 1
    try:
        rc = harness.main([setup, test_line_view_follows_a_run_live, test_history_search_and_open_a_report])
    finally:
        if br:
            br.close()
        if st:
            st.close(remove=rc == 0)
    sys.exit(rc)
