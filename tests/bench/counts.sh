#!/usr/bin/env bash
# counts.sh -- what the level search costs over the one-thread search, counted rather than
# timed: instructions and last-level cache misses of -j 1 and -j 2 on the benchmark models.
#
# usage: tests/bench/counts.sh [MODEL...]   MODEL: counter_race locked_counter philosophers
#                                                  producer_consumer (default: counter_race and
#                                                  locked_counter)
# Environment: WEFT (default build/weft), LL (the simulated last-level cache, valgrind's
# --LL=size,associativity,line; default 8388608,16,64: 8 MiB).
#
# Each search runs once under valgrind's cachegrind, which counts the instructions the program
# runs and simulates its caches: the same figures whatever the host's other guests do, where
# the search's time varies by up to 30% from one run to the next (jobs.sh); -j 2's misses vary
# by a few percent, as valgrind switches between the workers at points that vary. Valgrind
# runs one thread at a time, so the -j 2 figures are both workers' work added up: on one CPU,
# what the level-synchronous search (keys, settling, the canonical order) costs beyond the
# one-thread loop of -j 1, with no cache line moving between cores (that part only jobs.sh's
# timed runs on two CPUs can show). Runs are '--quiet --json' as in jobs.sh: the search alone,
# without the schedule counting. Each takes 30 to 100 times the search's own time.
# Figures only: nothing here is a timed test.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
weft=${WEFT:-$root/build/weft}
ll=${LL:-8388608,16,64}

# shellcheck disable=SC2034  # read by lib.sh
prog="counts"
# shellcheck source=lib.sh
. "$here/lib.sh"

[ -x "$weft" ] || die "no weft at '$weft' (build it first, or set WEFT)"
need_tool valgrind valgrind
need_tool jq jq

work=$(mktemp -d "${TMPDIR:-/tmp}/counts.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$work"' EXIT

# count FILE DEFS J -> "instructions misses states": one search under cachegrind
count() {
    local file=$1 defs=$2 j=$3 log=$work/cg.log
    # shellcheck disable=SC2086  # the -D options are split into words on purpose
    valgrind --tool=cachegrind --cache-sim=yes "--LL=$ll" --cachegrind-out-file=/dev/null \
        "$weft" check "$file" $defs -j "$j" --quiet --json "$work/r.json" --progress never \
        >/dev/null 2>"$log"
    [ -s "$work/r.json" ] || die "weft failed on $file under valgrind: $(tail -3 "$log")"
    local ins miss
    ins=$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$log" | tr -d ,)
    miss=$(sed -n 's/.*LLd misses: *\([0-9,]*\).*/\1/p' "$log" | tr -d ,)
    if [ -z "$ins" ] || [ -z "$miss" ]; then
        die "no counts in valgrind's output for $file"
    fi
    echo "$ins $miss $(jq -r '.models[0].statistics.states' "$work/r.json")"
    rm -f "$work/r.json"
}

# row MODEL J INSTRUCTIONS MISSES STATES: a line of the table
row() {
    printf '%-18s %-8s %10s %16s %14s %13s\n' "$1" "-j $2" "$5" "$3" "$4" \
        "$(awk -v a="$3" -v b="$5" 'BEGIN { printf "%.0f", a / b }')"
}

models=("$@")
[ ${#models[@]} -gt 0 ] || models=(counter_race locked_counter)

echo "valgrind cachegrind, a simulated last-level cache of $ll (size,ways,line)"
printf '%-18s %-8s %10s %16s %14s %13s\n' model options states instructions 'LL misses' \
    'instr./state'
status=0
for m in "${models[@]}"; do
    args=$(model_args "$m") || die "unknown model '$m'"
    file=${args%%|*} defs=${args#*|}
    read -r i1 m1 n1 < <(count "$file" "$defs" 1)
    read -r i2 m2 n2 < <(count "$file" "$defs" 2)
    if [ -z "${n1:-}" ] || [ -z "${n2:-}" ]; then
        exit 2 # count() said why
    fi
    if [ "$n1" != "$n2" ]; then
        echo "counts: $m: -j 1 stored $n1 states, -j 2 $n2" >&2
        status=1
    fi
    row "$m" 1 "$i1" "$m1" "$n1"
    row "$m" 2 "$i2" "$m2" "$n2"
    awk -v i1="$i1" -v i2="$i2" -v m1="$m1" -v m2="$m2" 'BEGIN {
        printf "  -j 2 over -j 1: %.3fx the instructions, %.3fx the last-level misses\n",
            i2 / i1, m2 / m1 }'
done
exit $status
