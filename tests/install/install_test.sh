#!/bin/sh
# ctest install: `cmake --install` into a DESTDIR, then build tests/install/consumer.c from the installed
# tree only, with `pkg-config --cflags --libs lanecert` (run against liblanecert.so with LD_LIBRARY_PATH)
# and with `pkg-config --static --cflags --libs lanecert` (linked against liblanecert.a), and run both.
#
#   install_test.sh BUILD_DIR SOURCE_DIR CC [EXTRA_CFLAGS...]
# EXTRA_CFLAGS are the sanitizer flags of a sanitizer build (its library needs the runtime in the program).
# With LC_INSTALLED_ROOT=DIR nothing is installed: DIR is an installed tree already (make deb-check).
set -eu

build=$1 src=$2 cc=$3
shift 3
extra="$*"
work="$build/install-test"
dest="$work/destdir"
rm -rf "$work"
mkdir -p "$work"

die() { echo "install test: $*" >&2; exit 1; }

if [ -n "${LC_INSTALLED_ROOT:-}" ]; then
    dest=$LC_INSTALLED_ROOT # make deb-check: the packages unpacked there
else
    DESTDIR="$dest" cmake --install "$build" > "$work/install.log" 2>&1 ||
        { cat "$work/install.log" >&2; die "cmake --install failed"; }
fi
pc=$(find "$dest" -name lanecert.pc -path '*/pkgconfig/*')
[ -n "$pc" ] || die "no lanecert.pc installed under $dest"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
[ -f "$libdir/liblanecert.a" ] || die "no liblanecert.a beside the .pc ($libdir)"
so=$(ls "$libdir"/liblanecert.so.* 2>/dev/null | head -n 1)
[ -n "$so" ] || die "no liblanecert.so.N in $libdir"
soname=$(objdump -p "$so" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "liblanecert.so.0" ] || die "SONAME is '$soname', expected liblanecert.so.0"
[ -L "$libdir/liblanecert.so" ] || die "no liblanecert.so development link"

# The .pc is relocatable (its prefix is relative to the folder it is found in), so the staged tree works
# as it is and no other package's paths are rewritten (PKG_CONFIG_SYSROOT_DIR would rewrite them all).
export PKG_CONFIG_PATH="$pcdir"
cflags=$(pkg-config --cflags lanecert) || die "pkg-config --cflags lanecert failed"
libs=$(pkg-config --libs lanecert) || die "pkg-config --libs lanecert failed"
slibs=$(pkg-config --static --libs lanecert) || die "pkg-config --static --libs lanecert failed"
incdir=$(pkg-config --variable=includedir lanecert)/lanecert
case $(cd "$incdir" && pwd) in
"$(cd "$dest" && pwd)"/*) ;;
*) die "includedir $incdir is not inside the DESTDIR: the .pc is not relocatable" ;;
esac

# Every installed header, each on its own first (self-contained), then all together for the consumer.
hdrs=$(cd "$incdir" && find . -name '*.h' | sed 's|^\./||' | sort)
[ -n "$hdrs" ] || die "no headers installed in $incdir"
# Exactly the public API: include/lanecert/ and the generated version header, no internal header.
want=$( (cd "$src/include/lanecert" && ls -- *.h; echo lc_version.h) | sort)
[ "$hdrs" = "$want" ] ||
    die "installed headers are not include/lanecert/ + lc_version.h: $(printf '%s\n' "$hdrs" | tr '\n' ' ')"
: > "$work/lanecert_all_headers.h"
for h in $hdrs; do
    printf '#include <lanecert/%s>\nint lc_install_test_unit;\n' "$h" > "$work/one.c"
    # shellcheck disable=SC2086
    $cc -std=c11 -Wall -Wextra -Werror $cflags -c "$work/one.c" -o "$work/one.o" 2> "$work/one.log" ||
        { cat "$work/one.log" >&2; die "installed header $h does not compile on its own"; }
    printf '#include <lanecert/%s>\n' "$h" >> "$work/lanecert_all_headers.h"
done
case $(grep -c '_priv\.h' "$work/lanecert_all_headers.h") in
0) ;;
*) die "a private header (*_priv.h) was installed" ;;
esac

echo "dynamic: $cc consumer.c \$(pkg-config --cflags --libs lanecert), run with LD_LIBRARY_PATH=$libdir"
# shellcheck disable=SC2086
$cc -std=c11 $extra -I"$work" $cflags "$src/tests/install/consumer.c" -o "$work/consumer-shared" $libs ||
    die "the shared link line does not link"
readelf -d "$work/consumer-shared" | grep -q 'NEEDED.*liblanecert\.so\.0' || die "consumer-shared does not use liblanecert.so.0"
LD_LIBRARY_PATH="$libdir" "$work/consumer-shared" "$work/shared.db" || die "consumer-shared failed"

# --static: the same line with liblanecert.a itself (-l:liblanecert.a); its dependencies stay as the
# system has them (Debian ships liblxi without a static library).
slibs_a=$(printf '%s\n' "$slibs" | sed 's/-llanecert\b/-l:liblanecert.a/')
echo "static:  $cc consumer.c \$(pkg-config --static --cflags --libs lanecert), -llanecert as -l:liblanecert.a"
# shellcheck disable=SC2086
$cc -std=c11 $extra -I"$work" $cflags "$src/tests/install/consumer.c" -o "$work/consumer-static" $slibs_a ||
    die "the --static link line does not link against liblanecert.a"
if readelf -d "$work/consumer-static" | grep -q 'NEEDED.*liblanecert'; then
    die "consumer-static still needs liblanecert.so"
fi
"$work/consumer-static" "$work/static.db" || die "consumer-static failed"
echo "install test: ok"
