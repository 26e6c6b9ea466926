#!/usr/bin/env python3
"""Fail on any #include that points along an arrow the house does not allow.

The allowed arrows are listed once, in the ```arrows block of docs/HACKING.md ("Floors and arrows"); this
script reads them from there, walks every .c, .h and .def file of the floors named in it and checks each
`#include "path"` line:

- "floor/..." must name the file's own floor or one its row allows;
- a path listed on a `never` row is forbidden to that floor even when its folder is allowed, whether it is
  included directly or through other headers;
- a path without a folder must be a `generated` header (includes name files by their repository path);
- `#include <lanecert/X.h>` is an arrow to the floor whose declarations X holds (its `public` row): the file's
  floor must be that floor or allowed it, and the `never` rules follow it as they follow "floor/..." paths;
  the floors of the `api` row (the programs on the public API) may include any public header;
- a public header includes only public headers whose floors its own floor may include.

Usage: check-arrows.py [--root DIR] [--rules FILE]   (defaults: the checkout holding this script, and
DIR/docs/HACKING.md). Exit 0 when every arrow is allowed, 1 with one line per forbidden include
(file:line, the include, the rule it breaks), 2 when the rules cannot be read.
"""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
SOURCE_SUFFIXES = ('.c', '.h', '.def')


class RulesError(Exception):
    pass


def read_rules(path):
    """Return (allowed: floor -> set of floors, never: floor -> set of paths, generated: set of names,
    public: header name -> set of floors ('*': every floor), api: set of floors)."""
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise RulesError(f'cannot read the rules: {e}')
    try:
        start = next(i for i, l in enumerate(lines) if l.strip() == '```arrows')
        end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == '```')
    except StopIteration:
        raise RulesError(f'{path}: no ```arrows block (the allowed arrows are listed there)')
    allowed, never, generated, public, api = {}, {}, set(), {}, set()
    for n in range(start + 1, end):
        words = lines[n].split('#', 1)[0].split()
        if not words:
            continue
        key, rest = words[0], words[1:]
        where = f'{path}:{n + 1}'
        if key == 'never':
            if len(rest) < 3 or rest[1] != '->':
                raise RulesError(f'{where}: expected "never FLOOR -> path/file.h ..."')
            never.setdefault(rest[0], set()).update(rest[2:])
        elif key == 'generated':
            generated.update(rest)
        elif key == 'public':
            if len(rest) < 2 or not rest[0].endswith('.h'):
                raise RulesError(f'{where}: expected "public HEADER.h FLOOR ..."')
            if rest[0] in public:
                raise RulesError(f'{where}: public header {rest[0]} is listed twice')
            public[rest[0]] = set(rest[1:])
        elif key == 'api':
            api.update(rest)
        else:
            if key in allowed:
                raise RulesError(f'{where}: floor {key} is listed twice')
            allowed[key] = set(w for w in rest if w != '-')
    if not allowed:
        raise RulesError(f'{path}: the ```arrows block lists no floor')
    for floor, targets in allowed.items():
        unknown = targets - set(allowed)
        if unknown:
            raise RulesError(f'{path}: floor {floor} may include {", ".join(sorted(unknown))}, which is no floor')
    for floor in never:
        if floor not in allowed:
            raise RulesError(f'{path}: a never row names {floor}, which is no floor')
    for header, floors in public.items():
        unknown = floors - set(allowed) - {'*'}
        if unknown:
            raise RulesError(f'{path}: public header {header} belongs to {", ".join(sorted(unknown))}, which is no floor')
    if api - set(allowed):
        raise RulesError(f'{path}: the api row names {", ".join(sorted(api - set(allowed)))}, which is no floor')
    return allowed, never, generated, public, api


def includes_of(root, rel, cache):
    """[(line number, included path)] of the file rel under root ([] when it is not there)."""
    if rel not in cache:
        found = []
        try:
            with open(os.path.join(root, rel), encoding='utf-8', errors='replace') as f:
                for n, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if m:
                        found.append((n, m.group(1)))
        except OSError:
            pass
        cache[rel] = found
    return cache[rel]


PUBLIC_INCLUDE = re.compile(r'^\s*#\s*include\s+<(lanecert/[^>]+)>')


def chain_includes(root, rel, cache):
    """The headers rel includes, as repository paths: its "floor/..." includes, the public headers it names as
    <lanecert/x.h> (include/lanecert/x.h; internal headers forward to them), and, inside include/lanecert/,
    the sibling headers named without a folder."""
    found = [inc for _, inc in includes_of(root, rel, cache) if '/' in inc]
    if rel.startswith('include/lanecert/'):
        found += ['include/lanecert/' + inc for _, inc in includes_of(root, rel, cache) if '/' not in inc]
    key = ('<>', rel)
    if key not in cache:
        try:
            with open(os.path.join(root, rel), encoding='utf-8', errors='replace') as f:
                cache[key] = ['include/' + m.group(1) for m in map(PUBLIC_INCLUDE.match, f) if m]
        except OSError:
            cache[key] = []
    return found + cache[key]


def reaches(root, start, targets, cache):
    """The chain of includes from the header start to one of targets, or None (headers included by headers)."""
    seen, pending = {start}, [(start, [start])]
    while pending:
        rel, chain = pending.pop()
        if rel in targets:
            return chain
        for inc in chain_includes(root, rel, cache):
            if inc not in seen:
                seen.add(inc)
                pending.append((inc, chain + [inc]))
    return None


def public_includes_of(root, rel, cache):
    """[(line number, header name)] of the <lanecert/X.h> lines of rel."""
    key = ('<>lines', rel)
    if key not in cache:
        found = []
        try:
            with open(os.path.join(root, rel), encoding='utf-8', errors='replace') as f:
                for n, line in enumerate(f, 1):
                    m = PUBLIC_INCLUDE.match(line)
                    if m:
                        found.append((n, m.group(1).split('/', 1)[1]))
        except OSError:
            pass
        cache[key] = found
    return cache[key]


def public_arrow(floor, header, allowed, public):
    """Why floor may not include the public header (None when it may)."""
    if header not in public:
        return (f'<lanecert/{header}> is in no `public` row of the arrows (add the floor whose declarations it '
                f'holds)')
    floors = public[header]
    if '*' in floors:
        return f'<lanecert/{header}> is the umbrella of every floor, for programs; include the topic header'
    bad = sorted(f for f in floors if f != floor and f not in allowed[floor])
    if bad:
        may = ' '.join(sorted(allowed[floor])) or 'nothing else'
        return (f'{floor}/ may not include <lanecert/{header}>, which holds {"/, ".join(bad)}/ '
                f'({floor}/ may include: {may})')
    return None


def check(root, allowed, never, generated, public=None, api=frozenset()):
    """Yield one message per forbidden include under root."""
    cache = {}
    public = public or {}
    # The public headers themselves: each includes only public headers its own floor may include.
    inc_dir = os.path.join(root, 'include', 'lanecert')
    for name in sorted(os.listdir(inc_dir)) if os.path.isdir(inc_dir) else []:
        if not name.endswith('.h'):
            continue
        rel = f'include/lanecert/{name}'
        own = public.get(name)
        if not own:
            yield f'{rel}: <lanecert/{name}> is in no `public` row of the arrows (add the floor whose declarations it holds)'
            continue
        if '*' in own:
            continue
        for n, inc in includes_of(root, rel, cache):
            if '/' in inc or inc in generated:
                continue
            for floor in sorted(own):
                why = public_arrow(floor, inc, allowed, public)
                if why:
                    yield f'{rel}:{n}: #include "{inc}": {why}'
    for floor in sorted(allowed):
        top = os.path.join(root, floor)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(SOURCE_SUFFIXES):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                for n, header in public_includes_of(root, rel, cache):
                    where = f'{rel}:{n}: #include <lanecert/{header}>'
                    if floor in api:
                        continue
                    why = public_arrow(floor, header, allowed, public)
                    if why:
                        yield f'{where}: {why}'
                        continue
                    chain = reaches(root, f'include/lanecert/{header}', never.get(floor, set()), cache)
                    if chain:
                        via = f', through {" -> ".join(chain)}' if len(chain) > 1 else ''
                        yield f'{where}: {floor}/ never includes {chain[-1]} (a "never" rule{via})'
                for n, inc in includes_of(root, rel, cache):
                    where = f'{rel}:{n}: #include "{inc}"'
                    if '/' not in inc:
                        if inc not in generated:
                            yield (f'{where}: name the file by its repository path (only the generated '
                                   f'{", ".join(sorted(generated)) or "headers"} go without a folder)')
                        continue
                    target = inc.split('/', 1)[0]
                    if target != floor and target not in allowed[floor]:
                        may = ' '.join(sorted(allowed[floor])) or 'nothing else'
                        yield f'{where}: {floor}/ may not include {target}/ ({floor}/ may include: {may})'
                        continue
                    # A "never" path is forbidden however it arrives: directly or through another header.
                    chain = reaches(root, inc, never.get(floor, set()), cache)
                    if chain:
                        via = f', through {" -> ".join(chain)}' if len(chain) > 1 else ''
                        yield f'{where}: {floor}/ never includes {chain[-1]} (a "never" rule{via})'


def main(argv):
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description='Check the #include arrows against docs/HACKING.md.')
    ap.add_argument('--root', default=here, help='the checkout to check (default: the one of this script)')
    ap.add_argument('--rules', help='the file with the ```arrows block (default: ROOT/docs/HACKING.md)')
    args = ap.parse_args(argv)
    rules = args.rules or os.path.join(args.root, 'docs', 'HACKING.md')
    try:
        allowed, never, generated, public, api = read_rules(rules)
    except RulesError as e:
        print(f'check-arrows: {e}', file=sys.stderr)
        return 2
    bad = list(check(args.root, allowed, never, generated, public, api))
    for msg in bad:
        print(msg, file=sys.stderr)
    if bad:
        print(f'check-arrows: {len(bad)} forbidden include(s); the allowed arrows are in {os.path.relpath(rules, args.root)}',
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
