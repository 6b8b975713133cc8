#!/bin/sh
# The CLI's heap and prefetch for one document (src/cli_heap.c,
# bx_context_prefetch in src/context.c): what a process of one input
# asks of the system and what it says.  Under strace (skipped without
# it): validate and convert of one file ask for huge pages on the heap
# once; one thread is started for validate (the prefetch: templates,
# then rules), and for convert on two cores (then the stylesheet too),
# two for convert with three cores or more (rules; templates, then the
# stylesheet)
# and none for a command that has nothing to prefetch.  Without strace too: the same output and exit code for
# one file given alone and given twice (a batch: no shared arena, no prefetch of a stylesheet for
# validate), and convert --no-validate still renders.  And
# (tests/heap/untouched.c, built on cli_heap.o) the range advised for huge
# pages has no page in memory when advised, and malloc does not use the
# heap below it.  A batch of several inputs (cli_heap_batch) keeps its
# arenas instead of trimming them after every document.  Under make asan (BX_SANITIZED) the heap is the
# sanitizer's: system calls not checked.
# Usage: run.sh /path/to/budgetx
set -u
bin=$1
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

# one file, then the same file twice: the same lines for each
"$bin" validate "$sample" >"$tmp/one.out" 2>&1
rc1=$?
"$bin" validate "$sample" "$sample" >"$tmp/two.out" 2>&1
rc2=$?
if [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] &&
    grep -q "accepted" "$tmp/one.out" &&
    [ "$(grep -c ': accepted$' "$tmp/two.out")" -eq 2 ]; then
    ok
else
    bad "validate of one file and of two: $rc1 $rc2"
fi
"$bin" convert --to html -o "$tmp/a.html" "$sample" >/dev/null 2>&1 &&
    "$bin" convert --no-validate --to html -o "$tmp/b.html" "$sample" \
        >/dev/null 2>&1 &&
    cmp -s "$tmp/a.html" "$tmp/b.html" && ok ||
    bad "convert with and without validation differ"

if ! command -v strace >/dev/null 2>&1; then
    echo "heap: strace not installed, system calls not checked"
elif [ -n "${BX_SANITIZED:-}" ]; then
    # make asan: the sanitizer owns malloc, the heap is left alone
    echo "heap: sanitizer build, system calls not checked"
else
    # huge pages asked for once, threads started for the prefetch
    for cmd in validate "convert --force --to html -o $tmp/c.html"; do
        # convert: a third thread (templates, then the stylesheet) only
        # with a third core for it (src/context.c)
        case $cmd in
        validate) threads=1 ;;
        *) threads=$(( $(getconf _NPROCESSORS_ONLN) >= 3 ? 2 : 1 )) ;;
        esac
        # shellcheck disable=SC2086
        strace -f -e trace=madvise,clone,clone3 -o "$tmp/trace" \
            "$bin" $cmd "$sample" >/dev/null 2>&1
        if [ "$(grep -c 'MADV_HUGEPAGE) = 0' "$tmp/trace")" -eq 1 ]; then
            ok
        else
            bad "$cmd: no (or more than one) MADV_HUGEPAGE on the heap"
        fi
        # a call strace splits is one "clone3(" line
        if [ "$(grep -c 'clone3\{0,1\}(' "$tmp/trace")" -eq "$threads" ]; then
            ok
        else
            bad "$cmd: not exactly $threads thread(s) started (the prefetch)"
        fi
    done
    # the document's memory is advised too: 32 times its bytes (a
    # valid document of 1 MB, a comment after its root element)
    big=$tmp/big.xml
    {
        cat "$sample"
        printf '<!-- '
        head -c 1000000 /dev/zero | tr '\0' 'x'
        printf ' -->\n'
    } >"$big"
    size=$(wc -c <"$big")
    for cmd in validate "convert --force --to html -o $tmp/big.html"; do
        # shellcheck disable=SC2086
        strace -f -e trace=madvise -o "$tmp/trace" "$bin" $cmd "$big" \
            >/dev/null 2>&1
        rc=$?
        len=$(sed -n 's/.*madvise([^,]*, \([0-9]*\), MADV_HUGEPAGE) = 0.*/\1/p' \
            "$tmp/trace" | head -n 1)
        if [ "$rc" -eq 0 ] && [ -n "$len" ] &&
            [ "$len" -ge $((8388608 + 32 * size - 2097152)) ]; then
            ok
        else
            bad "$cmd of $size bytes: exit $rc, advised '${len:-none}' bytes"
        fi
    done
    # nothing to prefetch: no thread
    strace -f -e trace=clone,clone3 -o "$tmp/trace" \
        "$bin" validate --schema-only "$sample" >"$tmp/so.out" 2>&1
    if grep -q clone "$tmp/trace" || ! grep -q accepted "$tmp/so.out"; then
        bad "validate --schema-only started a thread (or failed)"
    else
        ok
    fi
    # a batch (cli_heap_batch): worker and prefetch arenas are not given
    # back after every document nor grown a page at a time.  24 inputs;
    # before, glibc's defaults made 12-442 madvise and 1,210-3,730
    # mprotect calls here, now 2-4 and about 20
    mkdir "$tmp/batch"
    for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 \
        21 22 23 24; do
        cp "$sample" "$tmp/batch/d$i.xml"
    done
    for cmd in validate "convert --to html -o $tmp/bh" \
        "bundle --include html,csv -o $tmp/b.zip"; do
        # shellcheck disable=SC2086
        strace -f -e trace=madvise,mprotect -o "$tmp/trace" \
            "$bin" $cmd "$tmp"/batch/d*.xml >/dev/null 2>&1
        rc=$?
        nm=$(grep -c 'MADV_DONTNEED' "$tmp/trace")
        np=$(grep -c 'mprotect(' "$tmp/trace")
        if [ "$rc" -eq 0 ] && [ "$nm" -le 8 ] && [ "$np" -le 200 ]; then
            ok
        else
            bad "batch $cmd: exit $rc, $nm madvise(DONTNEED), $np mprotect"
        fi
    done
    # convert --no-validate: one thread (see src/cmd_convert.c)
    strace -f -e trace=clone,clone3 -o "$tmp/trace" \
        "$bin" convert --no-validate --force --to html -o "$tmp/d.html" \
        "$sample" >/dev/null 2>&1
    if grep -q clone "$tmp/trace" || ! cmp -s "$tmp/a.html" "$tmp/d.html"; then
        bad "convert --no-validate started a thread (or differs)"
    else
        ok
    fi
fi
# the huge-page range is advised before malloc writes in it (a header
# there made its first 2 MB small pages) and is as large as asked: build
# a probe on cli_heap.o
obj=$(dirname "$bin")/obj/cli_heap.o
if [ -n "${BX_SANITIZED:-}" ] || [ ! -f "$obj" ] ||
    ! command -v cc >/dev/null 2>&1; then
    echo "heap: sanitizer build or no cli_heap.o, advice range not checked"
elif ! cc -std=c11 -I"$root/src" -I"$root/include" -o "$tmp/untouched" \
    "$here/untouched.c" "$obj" 2>"$tmp/cc.err"; then
    bad "tests/heap/untouched.c does not build: $(cat "$tmp/cc.err")"
else
    # the set-up alone, a document of 1 MB, and one of 20 MB in an
    # address space too small for its 640 MB (the set-up's range then)
    for args in "" 1000000 "20000000 limited"; do
        # shellcheck disable=SC2086
        if (
            case $args in *limited) ulimit -v 300000 ;; esac
            "$tmp/untouched" $args >"$tmp/untouched.out"
        ); then
            ok
        else
            bad "huge-page range ($args): $(cat "$tmp/untouched.out")"
        fi
    done
    # and 20 MB with room for it: the whole range (checks the one above)
    if "$tmp/untouched" 20000000 >"$tmp/untouched.out"; then
        ok
    else
        bad "huge-page range (20000000): $(cat "$tmp/untouched.out")"
    fi
fi
echo "heap: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
