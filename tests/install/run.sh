#!/bin/sh
# Install into a temporary prefix and check that the installed tool finds
# its data files by itself (no BUDGETX_DATADIR), from another directory,
# and that the header, pkg-config file, library and man page are there.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
check() {
    if "$@" >/dev/null 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $*"
    fi
}
# a plain build even when run from a sanitizer build (make asan)
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u LDFLAGS -u BUILD -u CC make -s -C "$root" install \
    PREFIX=/opt/bx DESTDIR="$tmp/dest" >/dev/null
p="$tmp/dest/opt/bx"
cp "$root/samples/example-county-education-bureau-2024.xml" "$tmp/s.xml"
check test -x "$p/bin/budgetx"
check test -f "$p/include/budgetx.h"
check test -f "$p/lib/libbudgetx.a"
check test -f "$p/lib/libbudgetx.so.0"
check test -f "$p/lib/pkgconfig/budgetx.pc"
check grep -q '^Libs: -L${libdir} -lbudgetx' "$p/lib/pkgconfig/budgetx.pc"
check test -f "$p/share/man/man1/budgetx.1"
check grep -q '^complete -o filenames -F _budgetx budgetx' "$p/share/bash-completion/completions/budgetx"
check grep -q '^#compdef budgetx' "$p/share/zsh/site-functions/_budgetx"
check test -f "$p/share/budgetx/schemas/budgetx.xsd"
# the installed binary finds ../share/budgetx by itself, from any cwd
check sh -c "cd '$tmp' && env -u BUDGETX_DATADIR '$p/bin/budgetx' validate s.xml"
# the build-tree binary finds the source tree by itself
check sh -c "cd '$tmp' && env -u BUDGETX_DATADIR '$root/build/budgetx' validate s.xml"
# a program linked against the installed static library works
cat >"$tmp/prog.c" <<'C'
#include <budgetx.h>
#include <stdio.h>
int main(void)
{
    struct bx_diags d;
    bx_diags_init(&d);
    bx_diags_addf(&d, BX_SEV_ERROR, "X", "f", 1, "zh", "en");
    printf("%s %zu\n", BX_VERSION, d.count);
    bx_diags_release(&d);
    return d.count == 0 ? 0 : 1;
}
C
check sh -c "cc -I'$p/include' '$tmp/prog.c' '$p/lib/libbudgetx.a' \
    \$(pkg-config --libs libxml-2.0 libxslt zlib libcrypto) \
    -o '$tmp/prog' && '$tmp/prog'"
echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
