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
expect_completion "text json xml html jsonl xlsx" budgetx validate --format ""
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

# the Chinese HTML report has no raw English words for severities,
# verdict levels or yes/no, and rule ids do not wrap
"$bin" validate --lang zh --format html "$root/samples/pingdingshan-hitech-service-center-2024.xml" >"$tmp/rep.html"
if grep -Eq '>(info|warning|error|fatal)<|：(yes|no|error|warning|info)' "$tmp/rep.html"; then
    bad "zh HTML report shows raw English words"
else
    ok
fi
if grep -q '\.rule { white-space: nowrap; }' "$tmp/rep.html" && grep -q 'class="rule"' "$tmp/rep.html"; then ok; else bad "rule ids may wrap"; fi

# docs do not drift from --help: every command, and every option of its
# --help, is in the man page (in that command's section) and in README.md
man=$root/docs/budgetx.1
for c in $("$bin" --help | sed -n '/^commands:/,/^$/p' | awk 'NF>1 {print $1}'); do
    section=$(awk -v c="$c" '
        $0 ~ "^\\.SS \"budgetx " c "[ \"]" { on = 1; print; next }
        /^\.S[SH]/ { on = 0 }
        on { print }' "$man")
    if [ -n "$section" ]; then ok; else bad "man page has no section for '$c'"; fi
    row=$(grep "^| \`budgetx $c[ \`]" "$root/README.md")
    if [ -n "$row" ]; then ok; else bad "README's command table has no 'budgetx $c'"; fi
    # -h/--help and -V/--version: every command's, documented once
    for o in $("$bin" "$c" --help | sed -n '/^options:/,/^$/p' |
        grep -o -- '--[a-z][a-z-]*' | grep -vx -- '--help\|--version' | sort -u); do
        mo=$(printf '%s' "$o" | sed 's/-/\\-/g')
        if printf '%s\n' "$section" | grep -qF -- "$mo"; then ok; else bad "man page, $c: no $o"; fi
        if printf '%s\n' "$row" | grep -qF -- "\`$o\`"; then ok; else bad "README's command table, $c: no $o"; fi
    done
done
for o in help version; do
    if grep -qF -- "\\-\\-$o" "$man" && grep -qF -- "--$o" "$root/README.md"; then ok; else bad "--$o undocumented"; fi
done
# and the man page names no option that no command has
all=$(for c in $("$bin" --help | sed -n '/^commands:/,/^$/p' | awk 'NF>1 {print $1}'); do
    "$bin" "$c" --help | sed -n '/^options:/,/^$/p' | grep -o -- '--[a-z][a-z-]*'; done | sort -u)
for o in $(sed -n '/^\.SH COMMANDS/,/^\.SH EXIT/p' "$man" | grep -o -- '\\-\\-[a-z][a-z\\-]*[a-z]' |
    sed 's/\\-/-/g; s/\\.*//' | sort -u); do
    if printf '%s\n' "$all" | grep -qx -- "$o"; then ok; else bad "man page documents $o, which no command has"; fi
done

# user docs stand alone: nothing outside the project, no development notes
if grep -rEn '\.\./shared|FORMAT\.md|/work/|/tmp/bx|the lead|issue text' \
    "$root/README.md" "$root/docs" "$root/samples/README.md" >"$tmp/leaks"; then
    bad "user docs point outside the project or carry notes: $(head -3 "$tmp/leaks")"
else
    ok
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
