#!/bin/sh
# make deb: build the Debian packages (lanecert, liblanecert0, liblanecert-dev) with dpkg-buildpackage and
# debhelper from a copy of the tree in build-deb/, so that dpkg-buildpackage's products (which it writes
# beside the source folder) and debhelper's files under debian/ never land in the checkout; then lintian.
#
# The copy holds what git tracks plus files not yet added (not ignored), as they are in the working tree.
# Output: build-deb/*.deb, build-deb/*.changes, build-deb/lintian.txt. Exits non-zero when the build fails
# or lintian reports an error.
set -eu

cd "$(dirname "$0")/.."
out=build-deb
version=$(dpkg-parsechangelog -S Version)
src=$out/lanecert-$version
start=$(date +%s)

rm -rf "$out"
mkdir -p "$src"
# Step by step through files, so that set -e sees every failure (sh has no pipefail). Deleted-but-tracked
# files are left out (git ls-files lists them until the deletion is staged).
git ls-files -z --cached --others --exclude-standard > "$out/files.all"
xargs -0 -r sh -c 'for f; do if [ -e "$f" ] || [ -L "$f" ]; then printf "%s\0" "$f"; fi; done' sh \
    < "$out/files.all" > "$out/files"
tar --null -T "$out/files" -cf "$out/source.tar"
tar -xf "$out/source.tar" -C "$src"
rm -f "$out/files.all" "$out/files" "$out/source.tar"

(cd "$src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1 || {
    tail -n 40 "$out/build.log" >&2
    echo "deb: dpkg-buildpackage failed (whole log: $out/build.log)" >&2
    exit 1
}
built=$(date +%s)
ls "$out"/*.deb
changes=$(ls "$out"/*.changes)
# --fail-on error: warnings are listed (docs/packaging.md says which are left and why) but do not fail.
if lintian --fail-on error --info --display-info "$changes" > "$out/lintian.txt" 2>&1; then
    lrc=0
else
    lrc=$?
fi
echo "lintian ($out/lintian.txt):"
sed 's/^/    /' "$out/lintian.txt" | grep -E '^    [EWIP]: ' | sort | uniq -c | sort -rn || true
echo "deb: dpkg-buildpackage $((built - start))s, lintian $(( $(date +%s) - built ))s"
exit $lrc
