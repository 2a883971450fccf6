#!/usr/bin/env bash
# jobs.sh -- how breadth first search scales with -j on the benchmark models, and what
# --compact costs per state.
#
# usage: tests/bench/jobs.sh [MODEL...]   MODEL: counter_race locked_counter philosophers
#                                                 producer_consumer (default: all four, the
#                                                 benchmark models of at least 1 M states)
# Environment: WEFT (default build/weft), RUNS (default 5), HANDOFF (default: handoff next to
# WEFT).
#
# For each model, runs 'weft check' with -j 1 and -j 2 alternately, RUNS times each (one
# single run is not a figure: on a shared virtual machine a memory-bound search varies by up
# to 30% from one run to the next, with the other machines' load), and, in the same rounds,
# two -j 1 searches side by side and -j 2 with both workers on one CPU; then --compact -j 2 once.
# Each run is '--quiet --json': the search's own seconds, states and memory come from the
# JSON statistics, and the schedule counting after the search is skipped. Prints, per model
# and setting, the median and the fastest search time, the median CPU time (every thread's),
# the states per second of the median, and the bytes per state; then the speedup of -j 2 over
# -j 1 from the medians and from the fastest runs, and how much more CPU time -j 2 spent on
# the same search (what its workers add: shared work, waiting, cache lines moving between the
# cores). The state counts of every run must agree, or the script fails (status 1).
#
# That CPU time splits in two. '-j 2 on one CPU' runs the same two-worker search with both
# threads on CPU 0 (taskset): no cache line moves between cores, so its CPU time over -j 1's is
# what the level-synchronous search itself costs (keys, settling, atomic instructions); what
# -j 2 on two CPUs spends beyond that is the price of the cores sharing the store's lines. The
# script also prints how long one cache line takes to pass between CPUs 0 and 1 on this machine
# (build/handoff, tests/bench/handoff.c, built with weft): that price per line, which differs
# from one machine to the next by a factor of four or more.
#
# The side-by-side runs measure the machine, not weft: two independent one-thread searches
# share nothing but the machine (its memory system, and on a virtual machine the host's other
# guests), so the ratio of their median to the median alone bounds what any search on two
# threads can reach here: 2 x alone / side by side is the speedup of a perfect -j 2, with no
# work shared, no overhead and no waiting. The script prints it as the machine's ceiling.
# Figures only: nothing here is a timed test.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
weft=${WEFT:-$root/build/weft}
runs=${RUNS:-5}
handoff=${HANDOFF:-$(dirname "$weft")/handoff}

# shellcheck disable=SC2034  # read by lib.sh
prog="jobs"
# shellcheck source=lib.sh
. "$here/lib.sh"

[ -x "$weft" ] || die "no weft at '$weft' (build it first, or set WEFT)"
need_tool jq jq
need_tool taskset util-linux
case "$runs" in '' | *[!0-9]* | 0) die "RUNS must be a positive number, not '$runs'" ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/jobs.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$work"' EXIT

# run_pair FILE DEFS -> "seconds seconds" of two -j 1 searches started together
run_pair() {
    local file=$1 defs=$2 k
    for k in a b; do
        # shellcheck disable=SC2086  # the -D options are split into words on purpose
        "$weft" check "$file" $defs -j 1 --quiet --json "$work/$k.json" --progress never \
            >/dev/null 2>"$work/$k.err" &
    done
    wait
    for k in a b; do
        [ -s "$work/$k.json" ] || die "weft failed on $file: $(cat "$work/$k.err")"
    done
    jq -r '.models[0].statistics.seconds' "$work/a.json" "$work/b.json" | tr '\n' ' '
    rm -f "$work/a.json" "$work/b.json"
}

# run FILE DEFS OPTIONS... -> "seconds states memory_bytes cpu_seconds" of one search; with
# PIN set (a CPU), on that CPU alone
run() {
    local file=$1 defs=$2 pin=()
    shift 2
    [ -n "${PIN:-}" ] && pin=(taskset -c "$PIN")
    # shellcheck disable=SC2086  # the -D options are split into words on purpose
    "${pin[@]}" "$weft" check "$file" $defs "$@" --quiet --json "$work/r.json" --progress never \
        >/dev/null 2>"$work/err"
    [ -s "$work/r.json" ] || die "weft failed on $file: $(cat "$work/err")"
    jq -r '.models[0].statistics | "\(.seconds) \(.states) \(.memory_bytes) \(.cpu_seconds)"' \
        "$work/r.json"
    rm -f "$work/r.json"
}

models=("$@")
[ ${#models[@]} -gt 0 ] || models=(counter_race locked_counter philosophers producer_consumer)

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each"
if [ -x "$handoff" ] && ns=$("$handoff" 0 1 2>/dev/null); then
    echo "a cache line passes from CPU 0 to CPU 1 in $ns ns (handoff)"
else
    echo "a cache line between CPUs: not measured (no $handoff, or no second CPU)"
fi
printf '%-18s %-17s %10s %9s %9s %9s %12s %12s\n' model options states median fastest cpu \
    states/s bytes/state
status=0
for m in "${models[@]}"; do
    args=$(model_args "$m") || die "unknown model '$m'"
    file=${args%%|*} defs=${args#*|}
    declare -A secs=() mem=() cpu=()
    pair=
    states=
    for ((i = 0; i < runs; i++)); do
        for j in 1 2 one; do # one: -j 2 with both workers on CPU 0
            if [ "$j" = one ]; then
                read -r s n b c < <(PIN=0 run "$file" "$defs" -j 2)
            else
                read -r s n b c < <(run "$file" "$defs" -j "$j")
            fi
            secs[$j]="${secs[$j]:-} $s"
            cpu[$j]="${cpu[$j]:-} $c"
            mem[$j]=$b
            if [ -z "$states" ]; then
                states=$n
            elif [ "$n" != "$states" ]; then
                echo "jobs: $m -j $j stored $n states, an earlier run $states" >&2
                status=1
            fi
        done
        pair="$pair $(run_pair "$file" "$defs")"
    done
    read -r cs cn cb _ < <(run "$file" "$defs" --compact -j 2)
    [ "$cn" = "$states" ] || { echo "jobs: $m --compact stored $cn states, not $states" >&2; status=1; }
    for j in 1 2; do
        read -r med fast < <(stats "${secs[$j]}")
        read -r cmed _ < <(stats "${cpu[$j]}")
        printf '%-18s %-17s %10s %9s %9s %9s %12.0f %12.1f\n' "$m" "-j $j" "$states" "$med" \
            "$fast" "$cmed" \
            "$(awk -v n="$states" -v s="$med" 'BEGIN { print (s > 0 ? n / s : 0) }')" \
            "$(awk -v b="${mem[$j]}" -v n="$states" 'BEGIN { print b / n }')"
        [ "$j" = 1 ] && med1=$med fast1=$fast cmed1=$cmed
    done
    printf '%-18s %-17s %10s %9.3f %9s %9s %12.0f %12.1f\n' "$m" "--compact -j 2" "$cn" "$cs" - - \
        "$(awk -v n="$cn" -v s="$cs" 'BEGIN { print (s > 0 ? n / s : 0) }')" \
        "$(awk -v b="$cb" -v n="$cn" 'BEGIN { print b / n }')"
    read -r omed ofast < <(stats "${secs[one]}")
    read -r ocmed _ < <(stats "${cpu[one]}")
    printf '%-18s %-17s %10s %9s %9s %9s\n' "$m" "-j 2 on one CPU" "$states" "$omed" "$ofast" \
        "$ocmed"
    read -r pmed pfast < <(stats "$pair")
    printf '%-18s %-17s %10s %9s %9s\n' "$m" "-j 1 side by side" "$states" "$pmed" "$pfast"
    awk -v a="$med1" -v b="$med" -v c="$fast1" -v d="$fast" -v p="$pmed" -v u="$cmed1" \
        -v v="$cmed" -v o="$ocmed" 'BEGIN {
        printf "  speedup of -j 2 over -j 1: %.2fx (medians), %.2fx (fastest runs)\n", a / b, c / d
        printf "  CPU time of -j 2 over -j 1: %.2fx (medians): %.2fx on one CPU, ", v / u, o / u
        printf "then %.2fx for the two CPUs\n", v / o
        printf "  the machine'"'"'s ceiling: two -j 1 side by side take %.2fx the time of one alone, ", p / a
        printf "so a perfect -j 2 would reach %.2fx\n", 2 * a / p }'
    unset secs mem cpu
done
exit $status
