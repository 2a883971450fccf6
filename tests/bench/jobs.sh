#!/usr/bin/env bash
# jobs.sh -- how breadth first search scales with -j on the benchmark models, and what
# --compact costs per state.
#
# usage: tests/bench/jobs.sh [MODEL...]   MODEL: counter_race locked_counter philosophers
#                                                 producer_consumer (default: all four, the
#                                                 benchmark models of at least 1 M states);
#                                                 large_counter_race (N=5 ITERS=2, 6.2 M);
#                                                 deep_loop (2 M levels of one state: what a
#                                                 level costs when it is too small to share)
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
# The side-by-side runs measure the machine, not weft: two independent one-thread searches, one
# pinned to each CPU, share nothing but the machine (its memory system, and on a virtual machine
# the host's other guests). Together they search at the rate 1/a + 1/b (a and b their times), a
# perfect -j 2 (no work shared, no overhead, no waiting, the work split as the CPUs' speeds
# allow) could search no faster, so -j 1's median times that rate (the median over the rounds)
# is the most any search on two threads can reach here: the machine's ceiling.
#
# -j 1 also runs pinned to CPU 0 and to CPU 1. On a virtual machine the two CPUs need not be
# equal: on the Zen 5 machine of docs/performance.md one of them ran a memory-bound search up to
# 1.5 x slower than the other (the host's other guests; which one changed within the hour,
# while compute-bound loops ran at the same speed on both), and an unpinned -j 1 lands on either,
# which is why its runs can differ that much. The on-one-CPU comparison uses -j 1 on CPU 0,
# where the pinned -j 2 runs too.
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

# run_pair FILE DEFS -> "rate": 1/a + 1/b, a and b the seconds of two -j 1 searches started
# together, one on CPU 0 and one on CPU 1: the searches a second the two CPUs do side by side
run_pair() {
    local file=$1 defs=$2 k
    for k in 0 1; do
        # shellcheck disable=SC2086  # the -D options are split into words on purpose
        taskset -c "$k" "$weft" check "$file" $defs -j 1 --quiet --json "$work/$k.json" \
            --progress never >/dev/null 2>"$work/$k.err" &
    done
    wait
    for k in 0 1; do
        [ -s "$work/$k.json" ] || die "weft failed on $file: $(cat "$work/$k.err")"
    done
    jq -r '.models[0].statistics.seconds' "$work/0.json" "$work/1.json" |
        awk '{ r += 1 / $1 } END { printf "%.4f", r }'
    rm -f "$work/0.json" "$work/1.json"
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
        for j in 1 2 one c0 c1; do # one: -j 2 on CPU 0; c0, c1: -j 1 on CPU 0, on CPU 1
            case $j in
            one) read -r s n b c < <(PIN=0 run "$file" "$defs" -j 2) ;;
            c0 | c1) read -r s n b c < <(PIN=${j#c} run "$file" "$defs" -j 1) ;;
            *) read -r s n b c < <(run "$file" "$defs" -j "$j") ;;
            esac
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
    for j in c0 c1; do
        read -r pmed pfast < <(stats "${secs[$j]}")
        read -r pcmed _ < <(stats "${cpu[$j]}")
        printf '%-18s %-17s %10s %9s %9s %9s\n' "$m" "-j 1 on CPU ${j#c}" "$states" "$pmed" \
            "$pfast" "$pcmed"
        [ "$j" = c0 ] && med0=$pmed cmed0=$pcmed
        [ "$j" = c1 ] && med1c=$pmed
    done
    read -r omed ofast < <(stats "${secs[one]}")
    read -r ocmed _ < <(stats "${cpu[one]}")
    printf '%-18s %-17s %10s %9s %9s %9s\n' "$m" "-j 2 on one CPU" "$states" "$omed" "$ofast" \
        "$ocmed"
    read -r rate _ < <(stats "$pair")
    awk -v a="$med1" -v b="$med" -v c="$fast1" -v d="$fast" -v r="$rate" -v u="$cmed1" \
        -v v="$cmed" -v o="$ocmed" -v z="$cmed0" -v p0="$med0" -v p1="$med1c" 'BEGIN {
        printf "  speedup of -j 2 over -j 1: %.2fx (medians), %.2fx (fastest runs)\n", a / b, c / d
        printf "  the CPUs: -j 1 takes %.3f s on CPU 0, %.3f s on CPU 1 (%.2fx)\n", p0, p1, p1 / p0
        printf "  CPU time of -j 2 over -j 1: %.2fx (medians): %.2fx on one CPU (over -j 1 on ", v / u, o / z
        printf "that CPU), then %.2fx for the two CPUs\n", (v / u) / (o / z)
        printf "  the machine'"'"'s ceiling: two -j 1 side by side, one on each CPU, search at %.2fx ", a * r
        printf "the rate of -j 1 alone, so a perfect -j 2 would reach %.2fx; -j 2 reached %.0f%% of it\n", \
            a * r, 100 * (a / b) / (a * r) }'
    unset secs mem cpu
done
exit $status
