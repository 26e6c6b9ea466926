#!/bin/sh
# make bench: run every benchmark of `lanecert-bench --list` in turn.
set -eu
build=${1:-build}
rc=0
for b in $("$build/lanecert-bench" --list); do
    echo "=== lanecert-bench $b"
    "$build/lanecert-bench" "$b" || rc=$?
done
exit $rc
