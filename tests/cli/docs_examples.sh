#!/usr/bin/env bash
# docs_examples.sh -- the weft commands shown in a Markdown page, run, against what the page says
# they print.
#
# usage: docs_examples.sh WEFT PAGE.md WORKDIR DIR|NAME=DIR|NAME=FILE...
#
# Every fenced block of PAGE.md whose first line is a command '$ weft ...' or '$ build/weft ...'
# is a transcript: each '$ ' line is a command (weft, or another such as 'ls' that shows what
# weft wrote), the lines up to the next one what it prints (stdout and stderr together). The
# commands run in WORKDIR/run, made of the DIRs copied one over the other: the directory the
# page says to run them from, then any files its commands take for granted (NAME=DIR copies DIR
# as the subdirectory NAME, NAME=FILE a file as NAME); what the commands write stays there. 'weft' and 'build/weft' are
# WEFT. A shown line must equal the printed one, but for two forms:
#   ...            (alone on its line, indented or not) stands for any number of lines, none
#                  included: the page shortens the output there, or at its end;
#   time ...       a line starting 'time ' matches any such line (the time, rate and memory
#                  change from run to run).
# A command shown with no output (the page shows how to write a file, say) must only run: exit
# status 0 or 1 (no usage or model error, no limit hit). Exit status: 0 if every transcript
# matches, 1 with a diff of each that does not.
set -u
if [ $# -lt 4 ]; then
    echo "usage: docs_examples.sh WEFT PAGE.md WORKDIR DIR|NAME=DIR|NAME=FILE..." >&2
    exit 2
fi
weft=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
page=$2
workdir=$3
shift 3
rm -rf "$workdir"
mkdir -p "$workdir/run"
for dir in "$@"; do
    if [[ $dir == *=* && -d ${dir#*=} ]]; then # NAME=DIR: DIR becomes the subdirectory NAME
        mkdir -p "$workdir/run/${dir%%=*}"
        cp -r "${dir#*=}"/. "$workdir/run/${dir%%=*}/"
    elif [[ $dir == *=* ]]; then # NAME=FILE: a copy of FILE named NAME
        cp "${dir#*=}" "$workdir/run/${dir%%=*}"
    else
        cp -r "$dir"/. "$workdir/run/"
    fi
done
failed=0
n_blocks=0

# match EXPECTED ACTUAL: 0 if the file of shown lines EXPECTED matches the printed lines ACTUAL.
match() {
    awk -v exp_file="$1" '
        BEGIN { ne = 0; while ((getline l < exp_file) > 0) e[++ne] = l }
        { a[++na] = $0 }
        function is_dots(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s == "..." }
        function same(x, y) { return x == y || (x ~ /^time / && y ~ /^time /) }
        END {
            i = 1; j = 1
            while (i <= ne) {
                if (is_dots(e[i])) { # skip printed lines up to the next shown one
                    i++
                    if (i > ne) exit 0
                    while (j <= na && !same(e[i], a[j])) j++
                    if (j > na) exit 1
                    continue
                }
                if (j > na || !same(e[i], a[j])) exit 1
                i++; j++
            }
            exit j <= na
        }' "$2"
}

# run_block FILE: check the transcript in FILE (the block's lines).
run_block() {
    local block=$1 cmd="" n=0
    local exp=$workdir/expected act=$workdir/actual
    : >"$exp"
    while IFS= read -r line || [ -n "$line" ]; do
        if [[ $line == '$ '* ]]; then
            [ -n "$cmd" ] && check_one "$cmd" "$exp"
            cmd=${line#\$ }
            : >"$exp"
            n=$((n + 1))
        else
            printf '%s\n' "$line" >>"$exp"
        fi
    done <"$block"
    [ -n "$cmd" ] && check_one "$cmd" "$exp"
}

# check_one COMMAND EXPECTED: run COMMAND ('weft ARGS', 'build/weft ARGS', or another command of
# the transcript, such as 'ls pics') and match.
check_one() {
    local cmd=$1 exp=$2 act=$workdir/actual args
    if [[ $cmd == 'weft '* || $cmd == 'build/weft '* ]]; then
        args=${cmd#build/weft }
        [ "$args" = "$cmd" ] && args=${cmd#weft }
        (cd "$workdir/run" && eval "\"$weft\" $args") >"$act" 2>&1 </dev/null
    else
        (cd "$workdir/run" && eval "$cmd") >"$act" 2>&1 </dev/null
    fi
    local status=$?
    if [ ! -s "$exp" ]; then
        if [ $status -gt 1 ]; then
            echo "FAIL: $page: '\$ $cmd' exits with status $status:"
            head -n 20 "$act"
            failed=1
        fi
        return
    fi
    if ! match "$exp" "$act"; then
        echo "FAIL: $page: '\$ $cmd' prints what the page does not show:"
        diff "$exp" "$act" | head -n 40
        failed=1
    fi
}

# Split the page into blocks: the lines between a fence and the next, kept when the first is a
# weft command.
block=$workdir/block
in_block=0
: >"$block"
while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line == '```'* ]]; then
        if [ $in_block = 1 ]; then
            first=$(head -n 1 "$block")
            if [[ $first == '$ weft '* || $first == '$ build/weft '* ]]; then
                n_blocks=$((n_blocks + 1))
                run_block "$block"
            fi
            in_block=0
        else
            in_block=1
            : >"$block"
        fi
        continue
    fi
    [ $in_block = 1 ] && printf '%s\n' "$line" >>"$block"
done <"$page"

if [ $n_blocks = 0 ]; then
    echo "FAIL: $page has no weft command to check"
    exit 1
fi
[ $failed = 0 ] && echo "ok: $n_blocks transcripts of $page"
exit $failed
