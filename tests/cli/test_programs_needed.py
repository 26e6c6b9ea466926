#!/usr/bin/env python3
"""Each program links only the libraries its work needs (docs/HACKING.md, "The programs"; issue 22: every
library mapped into a process adds to its peak RSS). Reads the DT_NEEDED entries with readelf and fails on a
library a program must not load: lanecert certifies without the renderers, PostgreSQL or the HTTP server;
lanecert-render renders without the results store (sqlite), PostgreSQL, the HTTP server or librsvg (the PDF's
plots are drawn by lanecert-render-plots, which links cairo and librsvg and none of pango, jansson or the
stores: no process holds both pango's text layout and librsvg)."""
import os
import re
import subprocess
import sys

FORBIDDEN = {
    "LC_CLI": ["libcairo", "libpango", "librsvg", "libpq", "libmicrohttpd"],
    "LC_RENDER": ["libsqlite3", "libpq", "libmicrohttpd", "librsvg"],
    "LC_RENDER_PLOTS": ["libpango", "libpangocairo", "libjansson", "libsodium", "libsqlite3", "libpq",
                        "libmicrohttpd"],
}
# What each program must still need, so that an empty or unreadable NEEDED list cannot pass.
REQUIRED = {"LC_CLI": ["libjansson"], "LC_RENDER": ["libcairo", "libpango"],
            "LC_RENDER_PLOTS": ["libcairo", "librsvg"]}


def needed(path):
    out = subprocess.run(["readelf", "-d", path], check=True, capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def main():
    bad = []
    for var, libs in FORBIDDEN.items():
        prog = os.environ[var]
        have = needed(prog)
        for lib in REQUIRED[var]:
            if not any(n.startswith(lib + ".") or n.startswith(lib + "-") for n in have):
                bad.append(f"{os.path.basename(prog)} does not need {lib} (NEEDED: {', '.join(have)})")
        for lib in libs:
            bad += [f"{os.path.basename(prog)} needs {n}" for n in have
                    if n.startswith(lib + ".") or n.startswith(lib + "-")]
    for b in bad:
        print(b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
