#!/bin/sh
# make deb-check: unpack the packages `make deb` built (build-deb/*.deb) into a throwaway root with dpkg -x
# and use them from there only:
#   - the contents: man pages for lanecert and every command of cli/commands.def, bash completion, the udev
#     rule, the SONAME'd library and its symbols file, no source-checkout path in the programs;
#   - `lanecert version`;
#   - a simulated certification: scripts/demo.sh run with the unpacked lanecert (`lanecert sim`, then
#     `lanecert run` of a procedure), with the procedures and fixtures the package installed (the program
#     looks in /usr/share/lanecert; in the throwaway root LANECERT_PROCEDURES and LANECERT_FIXTURES point it
#     to the unpacked copy);
#   - the consumer program of tests/install built with the -dev package's pkg-config lines.
# The host's own /usr/share/lanecert, if any, is never used: the variables win over it.
set -eu

cd "$(dirname "$0")/.."
top=$(pwd)
debs=$(ls build-deb/*.deb 2>/dev/null || true)
[ -n "$debs" ] || { echo "deb-check: no build-deb/*.deb: run make deb first" >&2; exit 1; }
root=$top/build-deb/root
rm -rf "$root"
mkdir -p "$root"
for d in $debs; do
    dpkg -x "$d" "$root"
done
start=$(date +%s)
die() { echo "deb-check: $*" >&2; exit 1; }

lanecert=$root/usr/bin/lanecert
[ -x "$lanecert" ] || die "no /usr/bin/lanecert in the packages"
share=$root/usr/share/lanecert
for d in procedures fixtures/cables fixtures/limits fixtures/stations fixtures/scenarios; do
    [ -d "$share/$d" ] || die "no /usr/share/lanecert/$d"
done
strings "$lanecert" | grep -q '^/usr/share/lanecert/fixtures$' || die "lanecert does not look for /usr/share/lanecert/fixtures"
# The build's own copy of the tree (scripts/deb.sh) must not be where the program looks for its data.
built_src=$top/build-deb/lanecert-$(dpkg-parsechangelog -S Version)
if strings "$lanecert" | grep -qE "^$built_src/(fixtures|procedures)"; then
    die "lanecert looks for its data in the build tree: the package must be built with LC_CHECKOUT_DATA=OFF"
fi

# Man pages and completion: one per command of commands.def.
commands=$(sed -n 's/^LC_COMMAND("\([^"]*\)".*/\1/p' cli/commands.def)
[ -f "$root/usr/share/man/man1/lanecert.1.gz" ] || die "no lanecert(1)"
for c in $commands; do
    [ -f "$root/usr/share/man/man1/lanecert-$c.1.gz" ] || die "no lanecert-$c(1)"
    zcat "$root/usr/share/man/man1/lanecert-$c.1.gz" | grep -q "^lanecert-$c \\\\-" || die "lanecert-$c(1) has no NAME line"
done
comp=$root/usr/share/bash-completion/completions/lanecert
[ -f "$comp" ] || die "no bash completion"
bash -n "$comp" || die "the bash completion is not valid bash"
# The completion offers run's --station (an option `lanecert run --help` prints; --sta would also match --state).
bash -c ". '$comp'; COMP_WORDS=(lanecert run --stati); COMP_CWORD=2; _lanecert; [ \"\${COMPREPLY[*]}\" = --station ]" ||
    die "the completion does not complete 'lanecert run --stati' to --station"
ls "$root"/lib/udev/rules.d/*lanecert*.rules "$root"/usr/lib/udev/rules.d/*lanecert*.rules 2>/dev/null | grep -q . || die "no udev rule under /lib/udev/rules.d"
# Every device of the udev rule is announced in the AppStream metadata (and nothing else).
meta=$root/usr/share/metainfo/lanecert.metainfo.xml
[ -f "$meta" ] || die "no /usr/share/metainfo/lanecert.metainfo.xml"
rule_ids=$(sed -n 's/^[^#]*idVendor}=="\([0-9a-fA-F]*\)"\(.*idProduct}=="\([0-9a-fA-F]*\)"\)\{0,1\}.*/\1 \3/p' \
    contrib/udev/70-lanecert.rules | tr a-f A-F | sort)
meta_ids=$(sed -n 's|.*<modalias>usb:v\([0-9A-F]*\)p\([0-9A-F]*\).*|\1 \2|p' "$meta" | sort)
[ "$(echo "$rule_ids" | sed 's/ *$//')" = "$(echo "$meta_ids" | sed 's/ *$//')" ] ||
    die "the modaliases of lanecert.metainfo.xml and the devices of 70-lanecert.rules differ"
so=$(ls "$root"/usr/lib/*/liblanecert.so.0.* 2>/dev/null | head -n 1)
[ -n "$so" ] || die "no liblanecert.so.0.* in liblanecert0"
[ "$(objdump -p "$so" | awk '$1 == "SONAME" { print $2 }')" = liblanecert.so.0 ] || die "wrong SONAME"
dpkg-deb -I build-deb/liblanecert0_*.deb symbols > /dev/null || die "liblanecert0 has no symbols file"

"$lanecert" version > "$root/version.txt" || die "lanecert version failed"
grep -q "^lanecert $(dpkg-parsechangelog -S Version | sed 's/-[^-]*$//')$" "$root/version.txt" ||
    die "lanecert version says: $(head -n 1 "$root/version.txt")"
echo "installed: $(head -n 1 "$root/version.txt")"

# A simulated certification from the installed files: scripts/demo.sh itself, with the unpacked program
# (a good DR4 breakout must pass, one with a dirty leg must fail, the signed report must verify).
export LANECERT_PROCEDURES="$share/procedures" LANECERT_FIXTURES="$share/fixtures"
# lanecert's helpers (cli/full_program.h) where the unpacked package has them, not yet in /usr/libexec
for h in lanecert-full lanecert-render lanecert-render-plots; do
    [ -x "$root/usr/libexec/lanecert/$h" ] || die "no /usr/libexec/lanecert/$h in the packages"
done
export LANECERT_LIBEXEC="$root/usr/libexec/lanecert"
if ! DEMO_OUT="$root/demo" sh scripts/demo.sh "$root/usr/bin" > "$root/demo.log" 2>&1; then
    cat "$root/demo.log" >&2
    die "the simulated certification with the installed files failed"
fi
report=$(ls -d "$root"/demo/reports/DEMO-DR4-0001-* | tail -n 1)/report.json
"$lanecert" verify "$report" --pubkey "$root/demo/keys/demo.pub" > /dev/null || die "the report does not verify"
grep -q '"procedure"' "$report" || die "the report names no procedure"
echo "simulated certification (scripts/demo.sh with the installed lanecert): pass, then fail, report verified"

# The -dev package: the consumer of tests/install against the unpacked tree.
LC_INSTALLED_ROOT=$root sh tests/install/install_test.sh "$root/consumer" "$top" "${CC:-cc}" ||
    die "the consumer program did not build or run against liblanecert-dev"
echo "deb-check: ok ($(( $(date +%s) - start ))s)"
