#!/usr/bin/env bash
# report.sh -- what the whole report costs on top of the search: the analyses of every schedule
# (outcomes, exact schedule counts; docs/schedules.md) that 'weft check' runs after a complete
# search unless --quiet.
#
# usage: tests/bench/report.sh [MODEL...]   MODEL: counter_race locked_counter philosophers
#                                                  producer_consumer (default: all four);
#                                                  large_counter_race (N=5 ITERS=2, 6.2 M)
# Environment: WEFT (default build/weft), RUNS (default 5), JOBS (the -j of the runs, default 1).
#
# For each model, runs 'weft check MODEL -j JOBS --json FILE' (the whole text report, analyses
# included, to /dev/null) RUNS times and prints the medians of the whole command's wall time,
# of the search's own seconds (the JSON statistics), of the difference (the analyses, the
# report and the exit) and of the peak resident memory (/usr/bin/time). Figures only: nothing
# here is a timed test.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
weft=${WEFT:-$root/build/weft}
runs=${RUNS:-5}
jobs=${JOBS:-1}

# shellcheck disable=SC2034  # read by lib.sh
prog="report"
# shellcheck source=lib.sh
. "$here/lib.sh"

[ -x "$weft" ] || die "no weft at '$weft' (build it first, or set WEFT)"
need_tool jq jq
[ -x /usr/bin/time ] || need_tool /usr/bin/time time
case "$runs" in '' | *[!0-9]* | 0) die "RUNS must be a positive number, not '$runs'" ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/report.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$work"' EXIT

models=("$@")
[ ${#models[@]} -gt 0 ] || models=(counter_race locked_counter philosophers producer_consumer)

printf 'machine: %s CPUs, load average %s; %s runs each, -j %s\n' "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$runs" "$jobs"
printf '%-18s %10s %12s %9s %9s %9s %10s\n' model states transitions whole search analyses \
    peak_MB
for m in "${models[@]}"; do
    args=$(model_args "$m") || die "unknown model '$m'"
    file=${args%%|*}
    defs=${args#*|}
    whole="" search="" rest="" peak=""
    for _ in $(seq "$runs"); do
        clock t0
        # shellcheck disable=SC2086  # the -D options are split into words on purpose
        /usr/bin/time -f '%M' -o "$work/time" "$weft" check "$file" $defs -j "$jobs" \
            --json "$work/r.json" --progress never >/dev/null 2>"$work/err"
        clock t1
        [ -s "$work/r.json" ] || die "weft failed on $file: $(cat "$work/err")"
        w=$(elapsed "$t0" "$t1")
        s=$(jq -r '.models[0].statistics.seconds' "$work/r.json")
        whole="$whole $w"
        search="$search $s"
        rest="$rest $(elapsed "$s" "$w")"
        peak="$peak $(tail -n 1 "$work/time" | awk '{ printf "%.1f", $1 / 1024 }')"
        read -r states transitions < <(jq -r '.models[0].statistics | "\(.states) \(.transitions)"' \
            "$work/r.json")
        rm -f "$work/r.json"
    done
    printf '%-18s %10s %12s %9s %9s %9s %10s\n' "$m" "$states" "$transitions" "$(median "$whole")" \
        "$(median "$search")" "$(median "$rest")" "$(median "$peak")"
done
