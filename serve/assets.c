/* The dashboard's assets, embedded in the binary: a line without internet (or with a proxy that blocks CDNs)
 * gets the same pages. System fonts only. The script is the live view's only one: the other pages are
 * server-rendered and work without JavaScript. It writes with textContent, never innerHTML: an operator's
 * name or a reason is text however it looks. */
#include "serve/page.h"

#include <string.h>

static const char style_css[] =
	"body{margin:0;font-family:system-ui,sans-serif;color:#111;background:#f4f5f7}\n"
	"nav{background:#1f2a37;padding:.5em 1em}nav a{color:#dfe6ee;margin-right:1.2em;text-decoration:none}\n"
	"nav a.here{color:#fff;font-weight:bold;border-bottom:2px solid #6cb4ff}.brand{color:#6cb4ff;font-weight:bold;margin-right:2em}\n"
	"main{padding:1em 1.5em}h1{font-size:1.4em;margin:.2em 0 .6em}\n"
	"#line{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}#feed{flex-basis:100%;margin:0;color:#2a7}\n"
	"#feed.lost{color:#c60}\n"
	".slot{background:#fff;border:1px solid #ccd;border-radius:6px;padding:.6em 1em;min-width:18em;flex:1 1 20em}\n"
	".slot.running{border-color:#39f;box-shadow:0 0 0 2px #cde4ff}.slot h2{font-size:1.05em;margin:.2em 0}\n"
	".state{font-weight:bold;text-transform:uppercase;font-size:.85em;color:#666}.running .state{color:#1769c2}\n"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em .8em;margin:.4em 0}dt{color:#555}dd{margin:0}\n"
	"progress{width:10em}.verdict{padding:.05em .5em;border-radius:3px;font-weight:bold;color:#fff;background:#777}\n"
	".v-pass{background:#1a7f37}.v-fail{background:#c62828}.v-inconclusive{background:#b7791f}\n"
	".v-error{background:#6b21a8}.v-aborted{background:#555}.v-incomplete{background:#999}\n"
	"table{border-collapse:collapse;background:#fff;margin:.5em 0 1.5em}th,td{border:1px solid #dde;padding:.25em .6em;"
	"text-align:left;vertical-align:top}th{background:#eef1f5}\n"
	".filters label{margin-right:.8em}.note{color:#555}.error,.bad{color:#c62828}.ok{color:#1a7f37}.warn{color:#b7791f}\n"
	"meter{width:12em}code{font-size:.9em}\n";

static const char live_js[] =
	"(function () {\n"
	"  'use strict';\n"
	"  var line = document.getElementById('line');\n"
	"  if (!line || !window.EventSource) return;\n"
	"  var feed = document.getElementById('feed');\n"
	"  feed.textContent = 'connecting...';\n"
	"  function card(ev) {\n"
	"    var cards = line.querySelectorAll('.slot');\n"
	"    for (var i = 0; i < cards.length; i++)\n"
	"      if (cards[i].dataset.station === ev.station && cards[i].dataset.slot === String(ev.slot)) return cards[i];\n"
	"    return null;\n"
	"  }\n"
	"  function set(c, f, text) {\n"
	"    var e = c.querySelector('[data-f=\"' + f + '\"]');\n"
	"    if (e) e.textContent = text;\n"
	"  }\n"
	"  function progress(c, f, eta, text) {\n"
	"    var p = c.querySelector('[data-f=\"progress\"]');\n"
	"    if (p) p.value = typeof f === 'number' ? f : 0;\n"
	"    set(c, 'eta', typeof eta === 'number' ? 'ETA ' + Math.round(eta) + ' s' : '');\n"
	"    set(c, 'ptext', text || '');\n"
	"  }\n"
	"  function verdict(c, v) {\n"
	"    var e = c.querySelector('[data-f=\"verdict\"]');\n"
	"    if (!e) return;\n"
	"    e.textContent = '';\n"
	"    var s = document.createElement('span');\n"
	"    s.className = 'verdict v-' + String(v).replace(/[^a-z]/g, '');\n"
	"    s.textContent = v;\n"
	"    e.appendChild(s);\n"
	"  }\n"
	"  function idle(c) {\n"
	"    ['serial', 'operator', 'procedure', 'step'].forEach(function (f) { set(c, f, '-'); });\n"
	"    progress(c, 0, null, '');\n"
	"  }\n"
	"  function apply(ev) {\n"
	"    var c = card(ev);\n"
	"    if (!c) { if (ev.event === 'slot_start') location.reload(); return; }\n"
	"    if (ev.event === 'slot_start') {\n"
	"      c.classList.add('running'); set(c, 'state', 'running'); idle(c);\n"
	"      set(c, 'serial', ev.serial || '-'); set(c, 'operator', ev.operator || '-');\n"
	"      set(c, 'procedure', ev.procedure || '-');\n"
	"    } else if (ev.event === 'step_start') {\n"
	"      c.classList.add('running'); set(c, 'state', 'running');\n"
	"      set(c, 'step', 'step ' + ev.index + ' of ' + ev.total + ': ' + ev.step);\n"
	"      progress(c, 0, null, '');\n"
	"    } else if (ev.event === 'progress') {\n"
	"      progress(c, ev.fraction, ev.eta_s, ev.text);\n"
	"    } else if (ev.event === 'result') {\n"
	"      c.classList.remove('running'); set(c, 'state', 'idle'); idle(c);\n"
	"      verdict(c, ev.verdict); set(c, 'last_serial', ev.serial || '-'); set(c, 'reason', ev.reason || '-');\n"
	"    }\n"
	"  }\n"
	"  var es = new EventSource('/events?last=' + encodeURIComponent(line.dataset.last));\n"
	"  es.onmessage = function (m) {\n"
	"    var ev;\n"
	"    try { ev = JSON.parse(m.data); } catch (e) { return; }\n"
	"    apply(ev);\n"
	"  };\n"
	"  es.addEventListener('reset', function () { es.close(); location.reload(); });\n"
	"  es.onopen = function () { feed.textContent = 'live'; feed.className = 'feed'; };\n"
	"  es.onerror = function () { feed.textContent = 'reconnecting...'; feed.className = 'feed lost'; };\n"
	"})();\n";

const char *lc_asset(const char *name, const char **media_type, size_t *len)
{
	if (strcmp(name, "style.css") == 0) {
		*media_type = "text/css; charset=utf-8";
		*len = sizeof(style_css) - 1;
		return style_css;
	}
	if (strcmp(name, "live.js") == 0) {
		*media_type = "text/javascript; charset=utf-8";
		*len = sizeof(live_js) - 1;
		return live_js;
	}
	return NULL;
}
