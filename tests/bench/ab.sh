#!/usr/bin/env bash
# ab.sh -- two or more builds of weft compared on one benchmark model, in paired runs.
#
# usage: tests/bench/ab.sh WEFT_A WEFT_B [WEFT_C...]
# Environment: MODEL (default counter_race; any name jobs.sh takes), J (the -j of every run,
# default 2), RUNS (rounds, default 15).
#
# Each round runs the model once with every build, in the order given, each '--quiet --json' (the
# search alone, as in jobs.sh), and takes each build's search seconds from its JSON statistics.
# Prints, per build, the median and the fastest of its times, and the median over the rounds of
# its time divided by the first build's time in the same round. That last figure is the one to
# read: on a shared virtual machine a memory-bound search's speed drifts by 30% within minutes,
# which moves the medians of a few runs as much as most changes do, but moves the two runs of
# one round together, so their ratio keeps what the builds themselves differ by (a change of 3%
# is seen as 0.97 round after round). A build may be a script that runs weft with an
# environment of its own, for a scratch experiment behind a variable. The state counts of
# every run must agree, or the script fails (status 1).
# Figures only: nothing here is a timed test.
set -u

here=$(cd "$(dirname "$0")" && pwd)
model=${MODEL:-counter_race}
jobs=${J:-2}
runs=${RUNS:-15}

# shellcheck disable=SC2034  # read by lib.sh
prog="ab"
# shellcheck source=lib.sh
. "$here/lib.sh"

[ $# -ge 2 ] || die "usage: tests/bench/ab.sh WEFT_A WEFT_B [WEFT_C...]"
for w in "$@"; do
    [ -x "$w" ] || die "no weft at '$w'"
done
spec=$(model_args "$model") || die "unknown model '$model'"
file=${spec%%|*}
defs=${spec#*|}
need_tool jq jq

work=$(mktemp -d "${TMPDIR:-/tmp}/ab.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$work"' EXIT

builds=("$@")
n=${#builds[@]}
declare -a times ratios
states=""
for ((r = 1; r <= runs; r++)); do
    first=""
    for ((i = 0; i < n; i++)); do
        w=${builds[i]}
        rm -f "$work/r.json"
        # shellcheck disable=SC2086  # the -D options are split into words on purpose
        "$w" check "$file" $defs -j "$jobs" --quiet --json "$work/r.json" --progress never \
            >/dev/null 2>"$work/err"
        [ -s "$work/r.json" ] || die "$w failed on $model: $(tail -3 "$work/err")"
        read -r t s < <(jq -r '.models[0].statistics | "\(.seconds) \(.states)"' "$work/r.json")
        if [ -z "$states" ]; then
            states=$s
        elif [ "$s" != "$states" ]; then
            echo "$prog: $w found $s states where the first run found $states" >&2
            exit 1
        fi
        [ -n "$first" ] || first=$t
        times[i]="${times[i]:-} $t"
        ratios[i]="${ratios[i]:-} $(awk -v a="$t" -v b="$first" 'BEGIN { printf "%.4f", a / b }')"
    done
done

echo "model: $model ($states states), -j $jobs, $runs rounds"
printf '%-40s %8s %8s %16s\n' "build" "median" "fastest" "ratio to first"
for ((i = 0; i < n; i++)); do
    read -r med fast < <(stats "${times[i]}")
    printf '%-40s %8s %8s %16s\n' "${builds[i]}" "$med" "$fast" "$(median "${ratios[i]}")"
done
