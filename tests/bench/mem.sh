#!/bin/sh
# Large documents: time and peak memory of every rendition (convert
# --no-validate to html, csv, json, platform; and html with validation)
# of tests/bench/gen.py documents of UNITS units each (80, 320, 870 make
# 0.9, 3.5 and 9.6 MB), and whether memory grows linearly with the
# document.  make bench runs the three sizes; make check runs 20 and 80
# units (0.26, 0.9 and 3.5 MB), where the bounds below are checked too.
#   tests/bench/mem.sh BUDGETX [UNITS...]
#
# The bound is on the memory each extra megabyte of input costs: between
# the smallest and the largest document, (peak2 - peak1) / (size2 - size1)
# must stay under the figure of its rendition (in MB per MB of input),
# so a fixed start-up cost does not hide what grows.  Between 20 and 80
# units: html 21, html+validate 22, csv 41, json 10, platform 30; before
# the shared attribute values of src/xmlio.c 29, 30, 49, 20 and 41, which
# these bounds refuse (docs/performance.md, mem10).  html and
# html+validate: 6-9 and 8 since x:keyed-rows writes the HTML rows
# without the grid and the page goes straight into the file
# (htmldirect), 21 and 22 before, refused.
#
# What html costs on top of validating: the peak of html with validation
# minus that of validate alone, per MB of input, between the smallest and
# the largest document, in tenths of MB per MB, at most 8 (0.8 MB per
# MB).  The page is made after the rules have freed what they built, so
# it must fit in that; a table's rows held as one text node in the
# result tree (before htmlmem's spill file) cost 1.6 MB per MB at 20 to
# 320 units and 1.1 at 80 to 870, refused; now about 0 (run to run, a
# peak varies by about 0.3 MB, and by up to 2 MB where the kernel gives
# one run the huge pages of src/cli_heap.c and not the other).
# Under a sanitizer (BX_SANITIZED, set by make asan) nothing is checked:
# ASan's shadow memory and quarantine are not the program's.
set -eu
bin=${1:?usage: mem.sh BUDGETX [UNITS...]}
shift
[ $# -gt 0 ] || set -- 80 320 870
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bx-mem-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC BUDGETX_DATADIR=${BUDGETX_DATADIR:-$root}

python3 "$root/tests/bench/gen.py" large "$tmp" "$@" >/dev/null

# bound JOB: MB of peak memory per MB of input, at most
bound() {
    case $1 in
    html) echo 12 ;;
    html+validate) echo 12 ;;
    csv) echo 45 ;;
    json) echo 15 ;;
    platform) echo 35 ;;
    esac
}

# run JOB DOC: prints seconds, user seconds and peak KB
run() {
    job=$1
    doc=$2
    rm -rf "$tmp/out"
    case $job in
    validate) set -- validate "$doc" ;;
    html+validate) set -- convert --to html "$doc" -o "$tmp/out" ;;
    *) set -- convert --no-validate --to "$job" "$doc" -o "$tmp/out" ;;
    esac
    /usr/bin/time -f "%e %U %M" -o "$tmp/t" "$bin" "$@" \
        >/dev/null 2>"$tmp/err" || {
        # a generated document may be refused by the rules: still a
        # rendition was not made, which is what is measured here
        if [ "$job" != html+validate ] && [ "$job" != validate ]; then
            head -3 "$tmp/err" >&2
            return 1
        fi
    }
    tail -n 1 "$tmp/t"
}

status=0
printf '%-14s %10s %8s %8s %10s\n' job bytes wall user peak_KB
for job in html html+validate validate csv json platform; do
    first=
    for doc in "$tmp"/units-*.xml; do
        size=$(wc -c <"$doc")
        set -- $(run "$job" "$doc")
        printf '%-14s %10s %7ss %7ss %10s\n' "$job" "$size" "$1" "$2" "$3"
        if [ -z "$first" ]; then
            first="$size $3"
        fi
        last="$size $3"
    done
    set -- $first $last
    # peaks of html+validate, then of validate: first and last document
    case $job in
    html+validate) hv="$2 $4" ;;
    validate) hv="$hv $2 $4" ;;
    esac
    if [ "$job" = validate ] && [ "$3" -gt "$1" ] &&
        [ -z "${BX_SANITIZED:-}" ]; then
        set -- $first $last $hv
        # (extra2 - extra1) KB * 10240 / bytes = tenths of MB per MB
        per=$(((($6 - $8) - ($5 - $7)) * 10240 / ($3 - $1)))
        printf '%-14s %s tenths of MB per MB of input on top of validate (bound 8)\n' \
            "html" "$per"
        if [ "$per" -gt 8 ]; then
            echo "  OVER the bound for html after validation"
            status=1
        fi
        continue
    fi
    if [ "$3" -gt "$1" ] && [ -z "${BX_SANITIZED:-}" ]; then
        # KB per byte of input * 1024 = MB per MB, kept in integers
        per=$(((($4 - $2) * 1024) / ($3 - $1)))
        printf '%-14s %s MB of memory per MB of input (bound %s)\n' \
            "$job" "$per" "$(bound "$job")"
        if [ "$per" -gt "$(bound "$job")" ]; then
            echo "  OVER the bound for $job"
            status=1
        fi
    fi
done

# The input is parsed as it is read when nothing keeps its bytes
# (validate, convert to anything but xlsx: bx_context_read_as_parsed()):
# under strace, no read() of the document returns more than 64 KB (read
# whole, the 0.9 MB document came in one read, and its bytes and
# libxml2's copy of them were held during the parse).  Skipped without
# strace and under a sanitizer.
if command -v strace >/dev/null 2>&1 && [ -z "${BX_SANITIZED:-}" ]; then
    for doc in "$tmp"/units-*.xml; do :; done
    for job in validate html; do
        rm -f "$tmp/s.html"
        case $job in
        validate) set -- validate "$doc" ;;
        *) set -- convert --to html -o "$tmp/s.html" "$doc" ;;
        esac
        strace -f -y -e trace=read -o "$tmp/strace" "$bin" "$@" \
            >/dev/null 2>&1 || true
        big=$(grep -F "$doc>" "$tmp/strace" |
            sed -n 's/.*= \([0-9][0-9]*\)$/\1/p' | sort -n | tail -n 1)
        printf '%-14s largest read of the input: %s bytes\n' "$job" \
            "${big:-none}"
        if [ -z "$big" ] || [ "$big" -gt 65536 ]; then
            echo "  the input of $job was not read as it was parsed"
            status=1
        fi
    done
fi
exit $status
