#!/bin/sh
# Build step (cmake/docs.cmake): the man pages lanecert(1) and lanecert-COMMAND(1), made by help2man from
# the built program's own --help, and the command list and summaries from cli/commands.def, so that a page
# cannot say something --help does not.
#
#   gen-manpages.sh LANECERT COMMANDS_DEF OUTDIR VERSION
set -eu

lanecert=$1 def=$2 out=$3 version=$4
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

commands=$(sed -n 's/^LC_COMMAND("\([^"]*\)".*/\1/p' "$def")
[ -n "$commands" ] || { echo "gen-manpages: no LC_COMMAND lines in $def" >&2; exit 1; }

# help2man runs PROGRAM --help and PROGRAM --version: one small wrapper per subcommand, and one for
# lanecert itself. They capitalise the first "usage:", which help2man needs to make a SYNOPSIS.
for c in "" $commands; do
    cat > "$tmp/lanecert${c:+-$c}" <<WRAP
#!/bin/sh
if [ "\$1" = --version ]; then exec "$lanecert" --version; fi
"$lanecert" $c "\$@" 2>&1 | sed '1s/^usage:/Usage:/; 2s/^       \(lanecert \)/   or: \1/'
WRAP
    chmod +x "$tmp/lanecert${c:+-$c}"
done

see_also() { # the page to leave out
    printf '[SEE ALSO]\n'
    first=1
    for p in lanecert $commands; do
        name=lanecert-$p
        [ "$p" = lanecert ] && name=lanecert
        [ "$name" = "$1" ] && continue
        [ $first -eq 1 ] || printf ',\n'
        printf '.BR %s (1)' "$name"
        first=0
    done
    printf '\n.PP\nThe README.md and docs/ of the source, installed under /usr/share/doc/lanecert by the Debian package.\n'
}

see_also lanecert > "$tmp/lanecert.h2m"
help2man --no-info --no-discard-stderr --version-string="$version" --section=1 \
    --name="certify fiber-optic cables and breakout lanes" --include="$tmp/lanecert.h2m" \
    --output="$out/lanecert.1" "$tmp/lanecert"
sed -i "s|$tmp/lanecert|lanecert|g" "$out/lanecert.1"

sed -n 's/^LC_COMMAND("\([^"]*\)", *[A-Za-z0-9_]*, *"\(.*\)")$/\1\t\2/p' "$def" > "$tmp/summaries"
while IFS="$(printf '\t')" read -r c summary; do
    see_also "lanecert-$c" > "$tmp/$c.h2m"
    help2man --no-info --no-discard-stderr --version-string="$version" --section=1 \
        --name="$summary" --include="$tmp/$c.h2m" --output="$out/lanecert-$c.1" "$tmp/lanecert-$c"
    # help2man names the page after the wrapper's file name; the command people type has a space.
    sed -i "s|$tmp/lanecert-$c|lanecert $c|g" "$out/lanecert-$c.1"
done < "$tmp/summaries"
