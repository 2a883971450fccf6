#!/usr/bin/env bash
# jobs.sh -- how breadth first search scales with -j, and what --compact costs per state.
#
# usage: tests/bench/jobs.sh [WEFT]     (default: build/weft)
#
# Runs the counter race at N=4 ITERS=3 (2,986,377 states) and N=5 ITERS=2 (6,214,748 states)
# with -j 1 and -j 2, and with --compact -j 2, and prints one table: the search's own seconds
# and rate (the report's last line: the analysis after the search is not timed), the peak
# memory of the search per state, and the speedup of -j 2 over -j 1. The counts of every run
# must agree, or the script fails. Figures only: nothing here is a timed test. The load average
# is printed, since on a shared machine other processes take cores from -j 2.
set -u
weft=${1:-build/weft}
model=$(cd "$(dirname "$0")/../.." && pwd)/../shared/examples/counter_race.weft
[ -f "$model" ] || { echo "jobs.sh: no model at $model" >&2; exit 2; }

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-18s %-14s %10s %12s %8s %14s %12s\n' model options states transitions seconds \
    states/s bytes/state
status=0
for defs in "-D N=4 -D ITERS=3" "-D N=5 -D ITERS=2"; do
    base_secs= base_states=
    for opts in "-j 1" "-j 2" "--compact -j 2"; do
        # shellcheck disable=SC2086  # option strings are split into words on purpose
        line=$("$weft" check "$model" $defs $opts --progress never 2>/dev/null |
            grep -E '^(states|time) ')
        states=$(echo "$line" | sed -n 's/^states \([0-9]*\) .*/\1/p')
        trans=$(echo "$line" | sed -n 's/.*transitions \([0-9]*\) .*/\1/p')
        secs=$(echo "$line" | sed -n 's/^time \([0-9.]*\) s.*/\1/p')
        rate=$(echo "$line" | sed -n 's/.*rate \([0-9]*\) states.*/\1/p')
        bps=$(echo "$line" | sed -n 's/.*(\([0-9.]*\) bytes\/state.*/\1/p')
        printf '%-18s %-14s %10s %12s %8s %14s %12s\n' "${defs//-D /}" "$opts" "$states" \
            "$trans" "$secs" "$rate" "${bps:--}"
        if [ -z "$base_states" ]; then
            base_states=$states base_secs=$secs
        elif [ "$states" != "$base_states" ]; then
            echo "jobs.sh: $opts stored $states states, -j 1 stored $base_states" >&2
            status=1
        fi
        if [ "$opts" = "-j 2" ]; then
            echo "  speedup of -j 2 over -j 1: $(awk -v a="$base_secs" -v b="$secs" \
                'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')x"
        fi
    done
done
exit $status
