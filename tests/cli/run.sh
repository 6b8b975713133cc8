#!/bin/sh
# The command line: shell completion made from the option tables works
# in bash (and parses in zsh when zsh is there).
# Usage: run.sh /path/to/budgetx
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
ok() {
    pass=$((pass + 1))
}
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}

# complete WORDS...: the bash completion of the last word
complete_words() {
    "$bin" completion bash >"$tmp/bx.bash"
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
             _budgetx; printf "%s\n" "${COMPREPLY[@]}"' sh "$tmp/bx.bash" "$@"
}
expect_completion() {
    want=$1
    shift
    got=$(complete_words "$@" | tr '\n' ' ' | sed 's/ $//')
    if [ "$got" = "$want" ]; then ok; else bad "complete '$*': got '$got', want '$want'"; fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/d" && : >"$tmp/d/a.xml"

expect_completion "validate verify" budgetx v
expect_completion "--format --fail-on --files-from" budgetx validate --f
expect_completion "text json xml html jsonl" budgetx validate --format ""
expect_completion "zh" budgetx convert --lang z
expect_completion "--to" budgetx convert --t
expect_completion "csv" budgetx convert -t c
expect_completion "$tmp/d/a.xml" budgetx validate "$tmp/d/a"
expect_completion "bash" budgetx completion b
expect_completion "--help" budgetx unpack --he

# every option of every command's --help is offered by completion
"$bin" completion bash >"$tmp/bx.bash"
for c in $("$bin" --help | sed -n '/^commands:/,/^$/p' | awk 'NF>1 {print $1}'); do
    for o in $("$bin" "$c" --help | sed -n '/^options:/,/^$/p' |
        grep -o -- '--[a-z][a-z-]*' | sort -u); do
        if complete_words budgetx "$c" -- | grep -qx -- "$o"; then
            ok
        else
            bad "completion of '$c' lacks $o"
        fi
    done
done

if command -v zsh >/dev/null 2>&1; then
    "$bin" completion zsh >"$tmp/_budgetx"
    if zsh -n "$tmp/_budgetx"; then ok; else bad "zsh script does not parse"; fi
fi

# every patterned simple type of the disclosure schema says its format in
# words, zh and en (findings show these words, never the pattern)
root=$(cd "$here/../.." && pwd)
missing=$(xmllint --xpath '//*[local-name()="simpleType"][.//*[local-name()="pattern"]][not(.//*[local-name()="documentation"][@source="urn:budgetx:format"][@xml:lang="en"]) or not(.//*[local-name()="documentation"][@source="urn:budgetx:format"][@xml:lang="zh"])]/@name' \
    "$root/schemas/disclosure/common.xsd" 2>/dev/null)
if [ -z "$missing" ]; then ok; else bad "simple types without format words: $missing"; fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
