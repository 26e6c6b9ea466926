#!/bin/sh
# Install the Debian packages lanecert needs, and only those that are missing,
# so that a second run costs one dpkg query.
# chromium: the report test renders report.html in headless Chromium (tests/reports/test_report_write.c), and
# the dashboard's tests drive it through the DevTools protocol (tests/serve/cdp.py) with python3-websocket;
# no test uses WebDriver, so chromium-driver is not needed.
# libmicrohttpd-dev: the HTTP server of `lanecert serve` (serve/server.c).
# postgresql-15: the fleet tests start their own throwaway server (initdb, pg_ctl) as its postgres user;
# libpq-dev: the fleet store's client library.
# qpdf: lanecert run's renderer lays the PDF's plots (drawn by lanecert-render-plots) over the text's pages
# with `qpdf --overlay` (reports/pdf_plot_child.c).
# postgresql-plpython3-15, python3-nacl: the fleet schema's trigger that verifies every report's minisign
# signature in the server (PL/Python; PyNaCl is libsodium's binding), tested against the tests' own cluster.
set -eu

PACKAGES="
build-essential cmake pkg-config git
libusb-1.0-0-dev libserialport-dev liblxi-dev libtirpc-dev liblua5.4-dev
libsodium-dev libjansson-dev libsqlite3-dev sqlite3 libcriterion-dev
libpq-dev postgresql-15 postgresql-plpython3-15 python3-nacl
clang libclang-rt-14-dev
time gnuplot-nox libcairo2-dev libpango1.0-dev librsvg2-dev fonts-dejavu-core poppler-utils qpdf
python3 python3-pyvisa python3-pyvisa-py lxi-tools minisign
debhelper dpkg-dev lintian help2man libudev-dev
netbase llvm-14
chromium python3-websocket libmicrohttpd-dev
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "bootstrap: all packages present"
    exit 0
fi

echo "bootstrap: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
echo "bootstrap: done"
