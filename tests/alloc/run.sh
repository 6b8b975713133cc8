#!/bin/sh
# The allocator build/budgetx runs with (Makefile ALLOC, docs/performance.md
# "## alloc"): glibc's malloc by default, jemalloc with ALLOC=jemalloc, and
# glibc's (which ASan replaces) in every sanitizer build whatever ALLOC says.
# Checked twice: the binary's shared libraries (jemalloc among them or not),
# and at run time, where jemalloc prints its statistics at exit when
# MALLOC_CONF asks for them and glibc ignores the variable.  For the
# jemalloc build, also: memcheck still sees every allocation (its preloaded
# malloc comes before jemalloc's as before glibc's: make valgrind works
# unchanged), and a run with two workers gives the same bytes as one.
# Usage: run.sh /path/to/budgetx libc|jemalloc
set -u
bin=$1
want=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC BUDGETX_DATADIR="$root"
sample=$root/samples/example-county-education-bureau-2024.xml
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

case $want in
libc | jemalloc) ;;
*)
    echo "usage: run.sh BUDGETX libc|jemalloc" >&2
    exit 2
    ;;
esac
if [ -n "${BX_SANITIZED:-}" ] && [ "$want" != libc ]; then
    bad "a sanitizer build asks for $want (the Makefile forces libc)"
fi

# linked: jemalloc is among the binary's libraries only in its build
if command -v readelf >/dev/null 2>&1; then
    readelf -d "$bin" >"$tmp/dyn" 2>&1
    if grep -q 'NEEDED.*libjemalloc' "$tmp/dyn"; then
        linked=jemalloc
    else
        linked=libc
    fi
    [ "$linked" = "$want" ] && ok ||
        bad "built for $want, but the binary links $linked"
else
    echo "alloc: readelf not installed, libraries not checked"
fi

# used: jemalloc answers MALLOC_CONF (its statistics at exit), glibc does not
MALLOC_CONF=stats_print:true "$bin" validate "$sample" >"$tmp/out" 2>"$tmp/err"
rc=$?
if grep -q 'Begin jemalloc statistics' "$tmp/err"; then
    used=jemalloc
else
    used=libc
fi
if [ "$rc" -eq 0 ] && [ "$used" = "$want" ] && grep -q accepted "$tmp/out"; then
    ok
else
    bad "built for $want, but validate ran on $used (exit $rc)"
fi

if [ "$want" = jemalloc ]; then
    # the same bytes with one worker and with two
    mkdir "$tmp/in" "$tmp/j1" "$tmp/j2"
    for s in "$root"/samples/example-*.xml; do
        cp "$s" "$tmp/in/"
    done
    "$bin" convert --to html -j1 -o "$tmp/j1" "$tmp/in" >/dev/null 2>&1
    rc1=$?
    "$bin" convert --to html -j2 -o "$tmp/j2" "$tmp/in" >/dev/null 2>&1
    rc2=$?
    if [ "$rc1" -eq "$rc2" ] && [ -n "$(ls "$tmp/j1")" ] &&
        diff -r "$tmp/j1" "$tmp/j2" >/dev/null; then
        ok
    else
        bad "convert -j1 and -j2 differ under jemalloc ($rc1 $rc2)"
    fi
    # memcheck's malloc replaces jemalloc's: it counts the run's
    # allocations (about 100,000; none if jemalloc kept them) and its
    # leak check passes
    if command -v valgrind >/dev/null 2>&1; then
        BUDGETX_FREE_AT_EXIT=1 valgrind --error-exitcode=99 \
            --leak-check=full --errors-for-leak-kinds=definite \
            "$bin" validate "$sample" >/dev/null 2>"$tmp/vg"
        rc=$?
        allocs=$(sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' \
            "$tmp/vg" | tr -d ,)
        if [ "$rc" -eq 0 ] && [ "${allocs:-0}" -gt 10000 ]; then
            ok
        else
            bad "valgrind on the jemalloc build: exit $rc, ${allocs:-no} allocations seen"
        fi
    else
        echo "alloc: valgrind not installed, memcheck not checked"
    fi
fi

echo "alloc: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
