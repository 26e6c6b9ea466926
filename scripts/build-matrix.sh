#!/bin/sh
# make build-matrix: build lanecert the ways packagers and developers do and fail on any compiler warning.
#
#   gcc and clang  x  Release, RelWithDebInfo, Debug           (CMake's flags only)
#   gcc and clang  x  None with dpkg-buildflags' CFLAGS/CPPFLAGS/LDFLAGS and debian/rules' options
#                     (what `make deb` builds: debhelper's cmake build)
#   gcc            x  Release with the same flags and options  (hardening with CMake's -O3)
#
# Who builds this way: Release and RelWithDebInfo are what CMake users, Homebrew-style and from-source
# packagers pick; Debug is every developer's; "None + dpkg-buildflags" is exactly what debian/rules does
# (debhelper's cmake build, hardening=+all, CPPFLAGS appended to CFLAGS), with gcc and with clang for the
# distributions that build with clang; "Release + dpkg-buildflags" is a Debian package whose rules set
# -DCMAKE_BUILD_TYPE=Release, which many do (-O3 with _FORTIFY_SOURCE finds warnings -O2 does not).
#
# The dpkg combinations take DEB_BUILD_MAINT_OPTIONS and the CMake options from debian/rules itself (tests
# off there, as in the package), so they cannot drift from the package build; the other six build the tests.
#
# Each combination configures with -DLC_WERROR=OFF so that every warning of the build is seen and counted
# rather than the first one stopping it. Build trees are build-matrix/<name>/ (ignored by git), removed after
# each combination (nine trees with tests would take gigabytes; KEEP=1 keeps them); the log of a combination
# is build-matrix/<name>.log. Prints one line per combination as it finishes, then which passed and which
# did not, and exits 1 if any warned or failed.
#
#   scripts/build-matrix.sh [NAME...]      only the named combinations (e.g. gcc-Debug clang-dpkg)
#   JOBS=N                                 parallel jobs per build (default: nproc)
#   KEEP=1                                 keep the build trees
set -u

cd "$(dirname "$0")/.."
top=$(pwd)
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
all="gcc-Release gcc-RelWithDebInfo gcc-Debug clang-Release clang-RelWithDebInfo clang-Debug gcc-dpkg clang-dpkg gcc-dpkg-Release"
combos=${*:-$all}
mkdir -p build-matrix
# debian/rules: "export DEB_BUILD_MAINT_OPTIONS = ..." and "dh_auto_configure -- -D... -D..."
maint=$(sed -n 's/^export DEB_BUILD_MAINT_OPTIONS *= *//p' debian/rules)
rules_opts=$(sed -n 's/^[[:space:]]*dh_auto_configure -- //p' debian/rules)

failed=0
passed_list= failed_list=
for c in $combos; do
    cc=${c%%-*}
    rest=${c#*-}
    cflags= cppflags= ldflags= type=$rest opts=
    case $rest in
    dpkg|dpkg-*)
        # debhelper configures with CMAKE_BUILD_TYPE=None, the flags in the environment (CPPFLAGS appended
        # to CFLAGS: CMake has no CPPFLAGS) and the options of debian/rules.
        type=${rest#dpkg}; type=${type#-}; type=${type:-None}
        cflags=$(DEB_BUILD_MAINT_OPTIONS=$maint dpkg-buildflags --get CFLAGS)
        cppflags=$(DEB_BUILD_MAINT_OPTIONS=$maint dpkg-buildflags --get CPPFLAGS)
        ldflags=$(DEB_BUILD_MAINT_OPTIONS=$maint dpkg-buildflags --get LDFLAGS)
        opts=$rules_opts
        ;;
    esac
    dir=build-matrix/$c
    log=build-matrix/$c.log
    start=$(date +%s)
    rm -rf "$dir"
    # shellcheck disable=SC2086 # $opts is a list of -D options
    if CC=$cc CFLAGS="$cflags $cppflags" LDFLAGS="$ldflags" \
        cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" $opts -DLC_WERROR=OFF > "$log" 2>&1 &&
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
        failed_list="$failed_list $c"
    else
        passed_list="$passed_list $c"
    fi
    [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"
done
echo "build-matrix: passed (built, no warning):${passed_list:- none}"
echo "build-matrix: failed (warned or did not build):${failed_list:- none}"
exit $failed
