#!/usr/bin/env bash
#
# rumur_compare.sh -- run Rumur (a Murphi model checker) on the Murphi twin of a benchmark model
# and print its row in spin_compare.sh's table.
#
# Each model NAME has a Murphi twin tests/bench/NAME.m of tests/bench/NAME.weft (the weft file
# spin_compare.sh runs) at weft's atomicity (one weft step is one rule firing), with the same
# ranges: the weft file declares those of the twin, so both tools pack the same values. The
# script rewrites the twin's constants to the benchmark's parameters, then
#     rumur --threads 1 --deadlock-detection off -o model.c model.m
#     cc -O2 -march=native -o verifier model.c -lpthread          (both timed as 'compile')
#     /usr/bin/time -f %M ./verifier                              (timed as 'search' and 'wall')
# --threads 1: one search thread; --deadlock-detection off: go on past deadlocks (the
# philosophers) and explore every state, as weft and pan -c0 do. Bytes per state: the
# verifier's peak resident memory (maxrss, through /usr/bin/time -f %M; '?' without
# /usr/bin/time) divided by the states. It counts the whole process: the seen
# set's slots, the states themselves (state vector plus Rumur's packed previous pointer), the
# BFS queue and about 2 MiB of program and libc. Rumur reports its time in whole seconds, so
# 'search' is the verifier's wall time, measured here.
#
# Usage: tests/bench/rumur_compare.sh MODEL [EXPECTED_STATES]
#   MODEL: counter_race locked_counter philosophers peterson producer_consumer
#   EXPECTED_STATES: the count weft and pan stored; the row ends in MISMATCH when Rumur differs.
#   Without it, the header is printed too. Environment: CC (default cc).
# Installs the Debian package 'rumur' if missing (as root or through sudo). Status 2 only when it
# cannot run.

set -u

here=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-cc}

prog=rumur_compare
# shellcheck source=lib.sh
. "$here/lib.sh"

need_tool rumur rumur
command -v "$cc" >/dev/null 2>&1 || die "no C compiler '$cc'"

# the benchmark's parameters, the same as spin_compare.sh's model_args
model_params() {
    case "$1" in
    counter_race) echo "N=4 ITERS=3" ;;
    locked_counter) echo "N=4 ITERS=4" ;;
    philosophers) echo "N=10" ;;
    peterson) echo "N=3" ;;
    producer_consumer) echo "PRODUCERS=3 CONSUMERS=3 ITEMS=4 CAP=3" ;;
    small_counter_race) echo "N=3 ITERS=2" ;;
    small_locked_counter) echo "N=3 ITERS=2" ;;
    small_philosophers) echo "N=4" ;;
    small_peterson) echo "N=2" ;;
    small_producer_consumer) echo "PRODUCERS=2 CONSUMERS=2 ITEMS=2 CAP=2" ;;
    *) return 1 ;;
    esac
}

name=${1:-}
expected=${2:-}
[ -n "$name" ] || die "usage: rumur_compare.sh MODEL [EXPECTED_STATES]"
params=$(model_params "$name") || die "unknown model '$name'"
src="$here/${name#small_}.m"
[ -f "$src" ] || die "no Murphi twin $src"

work=$(mktemp -d "${TMPDIR:-/tmp}/rumur_compare.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$work"' EXIT

# rewrite the constants: a line '  NAME: VALUE;' of the const section
sed_args=()
for p in $params; do
    sed_args+=(-e "s/^\\(  ${p%%=*}: \\)[0-9][0-9]*;/\\1${p#*=};/")
done
sed "${sed_args[@]}" "$src" >"$work/model.m"

t0='' t1='' # set by clock (lib.sh)
clock t0
rumur --threads 1 --deadlock-detection off -o "$work/model.c" "$work/model.m" >"$work/rumur.out" 2>&1 ||
    die "rumur failed on $name: $(tail -3 "$work/rumur.out")"
"$cc" -O2 -march=native -o "$work/verifier" "$work/model.c" -lpthread >"$work/cc.out" 2>&1 ||
    die "compiling the verifier failed: $(tail -3 "$work/cc.out")"
clock t1
compile=$(elapsed "$t0" "$t1")

clock t0
if [ -x /usr/bin/time ]; then
    /usr/bin/time -o "$work/rss" -f %M "$work/verifier" >"$work/verifier.out" 2>&1
else
    "$work/verifier" >"$work/verifier.out" 2>&1
fi
clock t1
search=$(elapsed "$t0" "$t1")

# "	2986377 states, 8106620 rules fired in 3s."
states=$(awk '/ states, .* rules fired/ { print $1 }' "$work/verifier.out" | tail -1)
trans=$(awk '/ states, .* rules fired/ { print $3 }' "$work/verifier.out" | tail -1)
grep -q 'No error found' "$work/verifier.out" ||
    echo "rumur_compare: $name: the verifier reported an error: $(grep -A2 '^Status' "$work/verifier.out" | tail -1)" >&2
bits=$(sed -n 's/.*size of each state is \([0-9]*\) bits.*/\1/p' "$work/verifier.out" | head -1)
rss=$(cat "$work/rss" 2>/dev/null)
bytes=$(awk -v r="${rss:-0}" -v n="${states:-0}" \
    'BEGIN { if (r > 0 && n > 0) printf "%.1f", r * 1024 / n; else print "?" }')
rate=$(awk -v n="${states:-0}" -v s="$search" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }')
note="vector ${bits:-?} bits"
[ -z "$expected" ] || [ "$expected" = "${states:-x}" ] || note="MISMATCH ($expected expected) $note"

# the row of spin_compare.sh: model tool states transitions search wall states/s bytes/st compile
# x spin, vs j1, note (rumur counts the initial state's insertion as no rule firing)
[ -n "$expected" ] ||
    printf '%-17s %-8s %10s %11s %7s %7s %9s %8s %7s %6s %6s\n' model tool states transitions \
        search wall states/s bytes/st compile "x spin" "vs j1"
printf '%-17s %-8s %10s %11s %7s %7s %9s %8s %7s %6s %6s %s\n' "${name#small_}" rumur \
    "${states:-?}" "${trans:-?}" "$search" "$search" "$rate" "$bytes" "$compile" - - "$note"
