#!/usr/bin/env bash
#
# spin_compare.sh -- run weft and SPIN's compiled verifier on the same models and print a table.
#
# Each model has a weft file, tests/bench/NAME.weft, and a Promela twin NAME.pml at the same
# atomicity (one weft step is one Promela transition), so both tools must store the same number
# of states; a row says MISMATCH when they do not. The weft files declare the ranges of their
# Murphi twins (NAME.m), which cover every reachable value, so they change no count
# (counter_race.weft is models/counter_race.weft with its two variables ranged). pan is built as
# docs/performance.md describes: spin -a, then gcc -O2 -DSAFETY -DNOREDUCE (no partial-order
# reduction, safety only), then pan -c0 (go on past errors and explore everything, as weft does),
# with -m and -w large enough for the model.
# weft runs at -j 1 and, when its 'check --help' lists -j, at -j 2. pan and weft run in turn
# RUNS times (default 3) and each row gives the medians of their times: on a shared virtual
# machine one run of a memory-bound search can be 30% off the next. Each model's Murphi twin
# (NAME.m) runs in Rumur through rumur_compare.sh, one row after pan's (NO_RUMUR=1 skips it).
#
# Then a whole-command comparison on small models (at most 10,000 states): weft from parse to
# report, against spin -a + gcc + pan, each timed end to end (weft as the median of 5 runs).
#
# Usage (from a fresh clone, after the build):
#     cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2
#     tests/bench/spin_compare.sh [MODEL...]     MODEL: counter_race locked_counter philosophers
#                                                 peterson producer_consumer small
# Environment: WEFT (default build/weft), CC (default gcc), NO_RUMUR (1: no Rumur rows),
# RUNS (default 3: runs of pan and of weft per model, alternating; the rows show medians).
# It prints figures and never fails on them; it fails (status 2) only when it cannot run.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
weft=${WEFT:-$root/build/weft}
cc=${CC:-gcc}
no_rumur=${NO_RUMUR:-0}
runs=${RUNS:-3}

# shellcheck disable=SC2034  # read by lib.sh
prog=spin_compare
# shellcheck source=lib.sh
. "$here/lib.sh"

# ---- tools ----

need_tool spin spin
need_tool jq jq
command -v "$cc" >/dev/null 2>&1 || die "no C compiler '$cc'"
[ -x "$weft" ] || die "no weft at '$weft' (build it first, or set WEFT)"
case "$runs" in '' | *[!0-9]* | 0) die "RUNS must be a positive number, not '$runs'" ;; esac
has_jobs=0
"$weft" check --help 2>&1 | grep -q -- '-j N' && has_jobs=1

work=$(mktemp -d "${TMPDIR:-/tmp}/spin_compare.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$work"' EXIT

# ---- models ----
# name -> weft file | weft -D options | Promela file | spin options | pan -m depth | pan -w bits

model_args() {
    local b=$here
    case "$1" in
    counter_race) echo "$b/counter_race.weft|-D N=4 -D ITERS=3|$b/counter_race.pml|-DN=4 -DITERS=3|10000|24" ;;
    locked_counter) echo "$b/locked_counter.weft|-D N=4 -D ITERS=4|$b/locked_counter.pml|-DN=4 -DITERS=4|10000|24" ;;
    philosophers) echo "$b/philosophers.weft|-D N=10|$b/philosophers.pml|-DN=10|4000000|24" ;;
    peterson) echo "$b/peterson.weft|-D N=3|$b/peterson.pml|-o3 -DN=3|1000000|20" ;;
    producer_consumer) echo "$b/producer_consumer.weft|-D PRODUCERS=3 -D CONSUMERS=3 -D ITEMS=4 -D CAP=3|$b/producer_consumer.pml|-DPRODUCERS=3 -DCONSUMERS=3 -DITEMS=4 -DCAP=3|10000|24" ;;
    # small models for the whole-command comparison
    small_counter_race) echo "$b/counter_race.weft|-D N=3 -D ITERS=2|$b/counter_race.pml|-DN=3 -DITERS=2|10000|18" ;;
    small_locked_counter) echo "$b/locked_counter.weft|-D N=3 -D ITERS=2|$b/locked_counter.pml|-DN=3 -DITERS=2|10000|18" ;;
    small_philosophers) echo "$b/philosophers.weft|-D N=4|$b/philosophers.pml|-DN=4|100000|18" ;;
    small_peterson) echo "$b/peterson.weft|-D N=2|$b/peterson.pml|-o3 -DN=2|100000|18" ;;
    small_producer_consumer) echo "$b/producer_consumer.weft||$b/producer_consumer.pml||10000|18" ;;
    *) return 1 ;;
    esac
}

# ---- SPIN ----

# build_pan NAME -> sets p_compile (seconds of spin -a + gcc) and leaves $work/NAME/pan
build_pan() {
    local dir="$work/$1" t0 t1
    mkdir -p "$dir"
    clock t0
    # shellcheck disable=SC2086
    (cd "$dir" && spin $spin_opts -a "$pml" >spin.out 2>&1) || die "spin -a failed: $(cat "$dir/spin.out")"
    (cd "$dir" && "$cc" -O2 -DSAFETY -DNOREDUCE -o pan pan.c >cc.out 2>&1) ||
        die "compiling pan failed: $(cat "$dir/cc.out")"
    clock t1
    p_compile=$(elapsed "$t0" "$t1")
}

# run_pan NAME -> sets p_s (wall), p_search (pan's own elapsed time), p_states, p_trans, p_bytes
run_pan() {
    local dir="$work/$1" t0 t1
    clock t0
    (cd "$dir" && ./pan -c0 -m"$depth" -w"$wbits" >pan.out 2>&1)
    clock t1
    p_s=$(elapsed "$t0" "$t1")
    grep -q 'max search depth too small' "$dir/pan.out" &&
        echo "spin_compare: $1: pan's depth limit $depth was too small" >&2
    p_states=$(awk '/states, stored/ { print $1 }' "$dir/pan.out")
    p_search=$(awk '/^pan: elapsed time/ { print $4 }' "$dir/pan.out")
    p_trans=$(awk '/transitions \(= stored\+matched\)/ { print $1 }' "$dir/pan.out")
    # Memory for the states themselves (after compression when pan reports it) plus the hash
    # table; the DFS stack is left out, as it depends on -m, not on the model.
    local ms mh
    ms=$(awk '/actual memory usage for states/ { print $1; exit }' "$dir/pan.out")
    [ -n "$ms" ] || ms=$(awk '/equivalent memory usage for states/ { print $1; exit }' "$dir/pan.out")
    mh=$(awk '/memory used for hash table/ { print $1; exit }' "$dir/pan.out")
    p_bytes=$(awk -v s="${ms:-0}" -v h="${mh:-0}" -v n="${p_states:-0}" \
        'BEGIN { if (n > 0) printf "%.1f", (s + h) * 1048576 / n; else print "?" }')
}

# ---- weft ----

# run_weft NAME JOBS [json] -> sets w_s (wall), w_states, w_trans, w_bytes, and with 'json'
# w_search (weft's search time, from a JSON report the run also writes)
run_weft() {
    local out="$work/$1/weft-j$2.out" json="$work/$1/weft-j$2.json" t0 t1 status
    rm -f "$json"
    clock t0
    # shellcheck disable=SC2086
    "$weft" check "$wfile" $wdefs ${2:+-j "$2"} ${3:+--json "$json"} >"$out" 2>&1
    status=$?
    clock t1
    # exit status 1 (a violation) is expected for some models
    [ "$status" -le 1 ] || die "weft failed on $1 (status $status): $(tail -3 "$out")"
    w_s=$(elapsed "$t0" "$t1")
    w_states=$(awk '$1 == "states" { print $2 }' "$out" | tail -1)
    # the search's seconds from the JSON statistics: the text's 'time' has two decimals, too
    # coarse for a -j 2 search of a quarter of a second
    w_search=""
    if [ -n "${3:-}" ]; then
        w_search=$(jq -r '.models[0].statistics.seconds' "$json") || die "no JSON report from weft on $1"
        w_search=$(awk -v s="$w_search" 'BEGIN { printf "%.3f", s }')
    fi
    w_trans=$(awk '$1 == "states" { print $4 }' "$out" | tail -1)
    # "memory 94.8 MiB (33.3 bytes/state, vector 22 bytes)" on the last line
    w_bytes=$(awk '{ for (i = 1; i < NF; i++) if ($i ~ /^\(/ && $(i + 1) ~ /^bytes\/state/) { v = $i; gsub(/\(/, "", v); print v } }' "$out" | tail -1)
}

# ---- the big table ----

# row MODEL TOOL STATES TRANSITIONS SEARCH_SECONDS WALL_SECONDS BYTES/STATE COMPILE RATIO VS_J1 NOTE
row() {
    local rate
    rate=$(awk -v n="${3:-0}" -v s="$5" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }')
    printf '%-17s %-8s %10s %11s %7s %7s %9s %8s %7s %6s %6s %s\n' "$1" "$2" "${3:-?}" "${4:-?}" \
        "$5" "$6" "$rate" "${7:-?}" "$8" "$9" "${10}" "${11:-}"
}

# ratio A_STATES A_SECONDS B_STATES B_SECONDS -> (A states/s) / (B states/s)
rate_ratio() {
    awk -v a="$1" -v as="$2" -v b="$3" -v bs="$4" \
        'BEGIN { if (as > 0 && bs > 0 && b > 0) printf "%.2f", (a / as) / (b / bs); else print "?" }'
}

run_model() {
    local name=$1 spec i j
    spec=$(model_args "$name") || die "unknown model '$name'"
    IFS='|' read -r wfile wdefs pml spin_opts depth wbits <<<"$spec"
    build_pan "$name"
    local jobs_list=1 p_list="" p_walls=""
    declare -A w_list=() w_walls=() w_mem=()
    [ "$has_jobs" = 1 ] && jobs_list="1 2"
    for ((i = 0; i < runs; i++)); do
        run_pan "$name"
        p_list="$p_list $p_search" p_walls="$p_walls $p_s"
        for j in $jobs_list; do
            if [ "$has_jobs" = 1 ]; then run_weft "$name" "$j" json; else run_weft "$name" "" json; fi
            w_list[$j]="${w_list[$j]:-} $w_search" w_walls[$j]="${w_walls[$j]:-} $w_s"
            w_mem[$j]=$w_bytes
        done
    done
    p_search=$(median "$p_list") p_s=$(median "$p_walls")
    row "$name" spin "$p_states" "$p_trans" "$p_search" "$p_s" "$p_bytes" "$p_compile" "-" "-"
    # Rumur on the Murphi twin NAME.m (rumur_compare.sh; MISMATCH when its count is not pan's)
    [ "$no_rumur" = 1 ] || "$here/rumur_compare.sh" "$name" "${p_states:-0}"
    local j1_states="" j1_s=""
    for j in $jobs_list; do
        w_search=$(median "${w_list[$j]}") w_s=$(median "${w_walls[$j]}") w_bytes=${w_mem[$j]}
        local note=""
        [ "${p_states:-x}" = "${w_states:-y}" ] || note="MISMATCH"
        local vs_j1="-"
        if [ "$j" = 1 ]; then
            j1_states=$w_states
            j1_s=$w_search
        else
            vs_j1=$(rate_ratio "$w_states" "$w_search" "$j1_states" "$j1_s")
        fi
        row "$name" "weft-j$j" "$w_states" "$w_trans" "$w_search" "$w_s" "$w_bytes" "0" \
            "$(rate_ratio "$w_states" "$w_search" "$p_states" "$p_search")" "$vs_j1" "$note"
    done
}

# ---- the small-model table ----

run_small() {
    local name=$1 spec
    spec=$(model_args "$name") || die "unknown model '$name'"
    IFS='|' read -r wfile wdefs pml spin_opts depth wbits <<<"$spec"
    build_pan "$name"
    run_pan "$name"
    local spin_total
    spin_total=$(awk -v c="$p_compile" -v p="$p_s" 'BEGIN { printf "%.3f", c + p }')
    local i walls=""
    for i in 1 2 3 4 5; do
        run_weft "$name" ""
        walls="$walls $w_s"
    done
    local w_med
    w_med=$(median "$walls")
    local note=""
    [ "${p_states:-x}" = "${w_states:-y}" ] || note="MISMATCH"
    printf '%-24s %8s %10s %10s %12s %s\n' "${name#small_}" "$w_states" "$w_med" "$spin_total" \
        "$(awk -v s="$spin_total" -v w="$w_med" 'BEGIN { if (w > 0) printf "%.0f", s / w; else print "?" }')" \
        "$note"
}

# ---- main ----

models=("$@")
[ ${#models[@]} -gt 0 ] || models=(counter_race locked_counter philosophers peterson producer_consumer small)

echo "machine: $(nproc) cpus, $(lscpu 2>/dev/null | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')"
echo "spin: $(spin -V 2>&1 | head -1)    rumur: $(rumur --version 2>&1 | head -1)    cc: $("$cc" --version | head -1)"
echo "rumur: rumur --threads 1 --deadlock-detection off, cc -O2 -march=native; its search = its wall;"
echo "  its bytes/st = the verifier's peak RSS / states (whole process); note: its packed vector"
echo "search: the tool's own search time (pan: elapsed time; weft: the seconds of its JSON statistics),"
echo "  the median of $runs alternating runs of each (RUNS), and so is wall;"
echo "wall: the whole run of pan or of weft check (weft's includes the schedule counts and report);"
echo "states/s = states / search; x spin: weft states/s / pan's; vs j1: weft -j2 states/s / -j1's"
printf '%-17s %-8s %10s %11s %7s %7s %9s %8s %7s %6s %6s\n' model tool states transitions search \
    wall states/s bytes/st compile "x spin" "vs j1"
for m in "${models[@]}"; do
    [ "$m" = small ] && continue
    run_model "$m"
done
for m in "${models[@]}"; do
    [ "$m" = small ] || continue
    echo
    echo "whole command, small models: weft check (median of 5) against spin -a + gcc + pan"
    printf '%-24s %8s %10s %10s %12s\n' model states "weft s" "spin s" "spin/weft"
    for s in small_counter_race small_locked_counter small_philosophers small_peterson \
        small_producer_consumer; do
        run_small "$s"
    done
done
