#!/bin/sh
# make demo: certify a simulated 400G DR4 breakout end to end, then a faulty one.
#
#   1. start the simulated station (real Keysight/Anritsu dialects over loopback sockets) with a good cable;
#   2. lanecert run breakout-dr4-4x100g: fiber map, reference + insertion loss per fiber in both directions,
#      return loss; a signed report (minisign format) and a record in the results store;
#   3. verify the signature with lanecert verify and, when installed, with the stock minisign;
#   4. the same with a cable whose leg B3 has a dirty connector: FAIL, and the reason.
# No prompts: the simulator plays the operator (the station file's "automation").
set -eu

build=${1:-build}
lanecert="$build/lanecert"
out=${DEMO_OUT:-demo-out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# A port range of our own, below the kernel's ephemeral ports (32768 and up on Linux), so the demo runs
# beside a test suite or another demo; start_sim moves on to another range if one is taken.
base=$(( 20000 + ($$ % 200) * 50 ))
sim_pid=

stop_sim() {
    if [ -n "$sim_pid" ]; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
        sim_pid=
    fi
    return 0
}
trap stop_sim EXIT INT TERM

start_sim() { # scenario
    tries=0
    while :; do
        rm -f "$out/station.json" "$out/sim.log"
        "$lanecert" sim --scenario "$1" --port-base "$base" --time-scale 20 --station-out "$out/station.json" \
            > "$out/sim.log" 2>&1 &
        sim_pid=$!
        i=0
        until grep -q '^ready$' "$out/sim.log" 2>/dev/null; do
            i=$((i + 1))
            if [ $i -gt 100 ] || ! kill -0 "$sim_pid" 2>/dev/null; then
                break
            fi
            sleep 0.1
        done
        if grep -q '^ready$' "$out/sim.log" 2>/dev/null; then
            break
        fi
        stop_sim
        tries=$((tries + 1))
        if [ $tries -lt 5 ] && grep -q 'LC_ERR_BUSY' "$out/sim.log"; then
            base=$(( 20000 + ((base - 20000) / 50 + 37) % 200 * 50 ))
            continue
        fi
        echo "demo: the simulator did not start:" >&2
        cat "$out/sim.log" >&2
        exit 70
    done
    echo "simulated station '$1':"
    sed -n '/^ready$/q;p' "$out/sim.log" | sed 's/^/    /'
}

certify() { # serial
    "$lanecert" run breakout-dr4-4x100g --station "$out/station.json" --serial "$1" --operator demo \
        --key "$out/keys/demo.key" --out "$out/reports" --db "$out/results.db" --non-interactive
}

if [ ! -f "$out/keys/demo.key" ]; then
    # Unencrypted on purpose: an unattended station signs without a password (lanecert keygen --help).
    mkdir -p "$out/keys"
    "$lanecert" keygen --out "$out/keys" --name demo --unencrypted > /dev/null
fi

echo "=== 1. a good 400G DR4 breakout (MPO-12 APC to 4 x LC duplex)"
start_sim dr4-breakout-good
rc=0
certify DEMO-DR4-0001 || rc=$?
stop_sim
report=$(ls -d "$out"/reports/DEMO-DR4-0001-* | tail -n 1)/report.json
echo
echo "verdict exit code: $rc (0 = pass)"
echo "signed report:     $report"
echo "signature:         $report.minisig"
echo "public key:        $out/keys/demo.pub"
"$lanecert" verify "$report" --pubkey "$out/keys/demo.pub"
if command -v minisign > /dev/null; then
    minisign -Vm "$report" -p "$out/keys/demo.pub"
fi

echo
echo "=== 2. the same cable type with a dirty connector on leg B3"
start_sim dr4-breakout-dirty-leg
frc=0
certify DEMO-DR4-0002 || frc=$?
stop_sim
echo
echo "verdict exit code: $frc (1 = fail)"
echo
echo "results store ($out/results.db):"
"$lanecert" results --db "$out/results.db"
echo
echo "The signed report of the good cable: $report"
echo "(also as $(dirname "$report")/report.html and report.pdf)"
if [ "$rc" -eq 0 ] && [ "$frc" -eq 1 ]; then
    exit 0
fi
echo "demo: expected pass (0) then fail (1), got $rc and $frc" >&2
exit 1
