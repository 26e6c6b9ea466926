#!/bin/sh
# make build-matrix: build lanecert the ways packagers and developers do and fail on any compiler warning.
#
#   gcc and clang  x  Release, RelWithDebInfo, Debug           (CMake's flags only)
#   gcc and clang  x  None with dpkg-buildflags' CFLAGS/CPPFLAGS/LDFLAGS  (what debhelper's cmake build does)
#   gcc            x  Release with dpkg-buildflags on top      (hardening with CMake's -O3)
#
# Each combination configures with -DLC_WERROR=OFF so that every warning of the build is seen and counted
# rather than the first one stopping it. Build trees are build-matrix/<name>/ (ignored by git); the log of a
# combination is build-matrix/<name>.log. Prints one line per combination and exits 1 if any warned or failed.
#
#   scripts/build-matrix.sh [NAME...]      only the named combinations (e.g. gcc-Debug clang-dpkg)
#   JOBS=N                                 parallel jobs per build (default: nproc)
set -u

cd "$(dirname "$0")/.."
top=$(pwd)
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
all="gcc-Release gcc-RelWithDebInfo gcc-Debug clang-Release clang-RelWithDebInfo clang-Debug gcc-dpkg clang-dpkg gcc-dpkg-Release"
combos=${*:-$all}
mkdir -p build-matrix

failed=0
for c in $combos; do
    cc=${c%%-*}
    rest=${c#*-}
    cflags= cppflags= ldflags= type=$rest
    case $rest in
    dpkg|dpkg-*)
        # debhelper configures with CMAKE_BUILD_TYPE=None and the flags in the environment.
        type=${rest#dpkg}; type=${type#-}; type=${type:-None}
        cflags=$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS)
        cppflags=$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS)
        ldflags=$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS)
        ;;
    esac
    dir=build-matrix/$c
    log=build-matrix/$c.log
    start=$(date +%s)
    rm -rf "$dir"
    if CC=$cc CFLAGS="$cflags $cppflags" LDFLAGS="$ldflags" \
        cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DLC_WERROR=OFF > "$log" 2>&1 &&
        cmake --build "$dir" -j"$jobs" >> "$log" 2>&1; then
        built=ok
    else
        built=FAILED
    fi
    # One count per distinct warning (file:line:col and flag), so a header included twice counts once.
    warnings=$(grep -E '(warning|error): ' "$log" | grep -v '^CMake' | sed "s|$top/||" | sort -u | grep -c ': warning: ')
    printf '%-24s %-6s %3d warning(s)  %4ds\n' "$c" "$built" "$warnings" $(( $(date +%s) - start ))
    if [ "$built" != ok ] || [ "$warnings" -ne 0 ]; then
        grep -E ': (warning|error): ' "$log" | sed "s|$top/||" | sort -u | sed 's/^/    /'
        failed=1
    fi
done
exit $failed
