#!/usr/bin/env bash
#
# spin_compare.sh -- run weft and SPIN's compiled verifier on the same models and print a table.
#
# Each model has a weft file and a Promela twin at the same atomicity (one weft step is one
# Promela transition), so both tools must store the same number of states; a row says MISMATCH
# when they do not. pan is built as docs/performance.md describes: spin -a, then
# gcc -O2 -DSAFETY -DNOREDUCE (no partial-order reduction, safety only), then pan -c0 (go on
# past errors and explore everything, as weft does).
#
# Usage (from a fresh clone, after the build):
#     cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2
#     tests/bench/spin_compare.sh [MODEL...]        MODEL: counter_race, philosophers
# Environment: WEFT (default build/weft), WEFT_JOBS (passed as weft -j N when set), CC (default gcc).
# It prints figures and never fails on them; it fails (status 2) only when it cannot run.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
weft=${WEFT:-$root/build/weft}
jobs=${WEFT_JOBS:-}
cc=${CC:-gcc}

die() {
    echo "spin_compare: $*" >&2
    exit 2
}

# ---- tools ----

if ! command -v spin >/dev/null 2>&1; then
    echo "spin_compare: spin not found; installing the Debian package 'spin'" >&2
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y spin >&2 || die "cannot install spin"
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get install -y spin >&2 || die "cannot install spin"
    else
        die "spin is missing and neither root nor sudo is available"
    fi
fi
command -v "$cc" >/dev/null 2>&1 || die "no C compiler '$cc'"
[ -x "$weft" ] || die "no weft at '$weft' (build it first, or set WEFT)"

work=$(mktemp -d "${TMPDIR:-/tmp}/spin_compare.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$work"' EXIT

now() {
    date +%s.%N
}

# elapsed START END -> seconds with 2 decimals
elapsed() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
}

# ---- models: name, weft file, weft -D options, Promela file, cpp options, pan -m depth ----

model_args() {
    case "$1" in
    counter_race)
        echo "$root/models/counter_race.weft|-D N=4 -D ITERS=3|$here/counter_race.pml|-DN=4 -DITERS=3|10000"
        ;;
    philosophers)
        echo "$here/philosophers.weft|-D N=10|$here/philosophers.pml|-DN=10|4000000"
        ;;
    *)
        return 1
        ;;
    esac
}

# ---- one model ----

# Prints two rows (spin, weft) for model $1.
run_model() {
    local name=$1 spec wfile wdefs pml cppdefs depth
    spec=$(model_args "$name") || die "unknown model '$name' (counter_race, philosophers)"
    IFS='|' read -r wfile wdefs pml cppdefs depth <<<"$spec"
    local dir="$work/$name"
    mkdir -p "$dir"

    # SPIN: generate and compile pan (timed apart), then run it.
    local t0 t1 t2 t3
    t0=$(now)
    (cd "$dir" && spin $cppdefs -a "$pml" >spin.out 2>&1) || die "spin -a failed: $(cat "$dir/spin.out")"
    (cd "$dir" && "$cc" -O2 -DSAFETY -DNOREDUCE -o pan pan.c >cc.out 2>&1) ||
        die "compiling pan failed: $(cat "$dir/cc.out")"
    t1=$(now)
    (cd "$dir" && ./pan -c0 -m"$depth" >pan.out 2>&1)
    t2=$(now)
    grep -q 'max search depth too small' "$dir/pan.out" &&
        echo "spin_compare: $name: pan's depth limit $depth was too small" >&2

    local p_states p_trans p_mem_states p_mem_hash p_bytes
    p_states=$(awk '/states, stored/ { print $1 }' "$dir/pan.out")
    p_trans=$(awk '/transitions \(= stored\+matched\)/ { print $1 }' "$dir/pan.out")
    # Memory for the states themselves (after compression when pan reports it) plus the hash
    # table; the DFS stack is left out, as it depends on -m, not on the model.
    p_mem_states=$(awk '/actual memory usage for states/ { print $1; exit }' "$dir/pan.out")
    [ -n "$p_mem_states" ] ||
        p_mem_states=$(awk '/equivalent memory usage for states/ { print $1; exit }' "$dir/pan.out")
    p_mem_hash=$(awk '/memory used for hash table/ { print $1; exit }' "$dir/pan.out")
    p_bytes=$(awk -v s="${p_mem_states:-0}" -v h="${p_mem_hash:-0}" -v n="${p_states:-0}" \
        'BEGIN { if (n > 0) printf "%.1f", (s + h) * 1048576 / n; else print "?" }')

    # weft: no compile step. Exit status 1 (a violation) is expected for some models.
    t3=$(now)
    # shellcheck disable=SC2086
    "$weft" check "$wfile" $wdefs ${jobs:+-j "$jobs"} >"$dir/weft.out" 2>&1
    local status=$?
    local t4
    t4=$(now)
    [ "$status" -le 1 ] || die "weft failed on $name (status $status): $(tail -3 "$dir/weft.out")"

    local w_states w_trans w_mem w_bytes
    w_states=$(awk '$1 == "states" { gsub(/,/, "", $2); print $2 }' "$dir/weft.out" | tail -1)
    w_trans=$(awk '$1 == "states" { for (i = 1; i < NF; i++) if ($i == "transitions") { v = $(i + 1); gsub(/,/, "", v); print v } }' \
        "$dir/weft.out" | tail -1)
    # "memory 1.2 MiB" on the last line: convert to bytes.
    w_mem=$(awk '{ for (i = 1; i < NF; i++) if ($i == "memory") { v = $(i + 1); u = $(i + 2) } }
        END {
            m = 1
            if (u ~ /^Ki/) m = 1024; else if (u ~ /^Mi/) m = 1048576; else if (u ~ /^Gi/) m = 1073741824
            else if (u ~ /^kB/ || u ~ /^KB/) m = 1000; else if (u ~ /^MB/) m = 1e6; else if (u ~ /^GB/) m = 1e9
            if (v != "") printf "%.0f", v * m
        }' "$dir/weft.out")
    w_bytes=$(awk -v b="${w_mem:-0}" -v n="${w_states:-0}" \
        'BEGIN { if (n > 0 && b > 0) printf "%.1f", b / n; else print "?" }')

    local c_s p_s w_s
    c_s=$(elapsed "$t0" "$t1")
    p_s=$(elapsed "$t1" "$t2")
    w_s=$(elapsed "$t3" "$t4")
    local note=""
    [ "${p_states:-x}" = "${w_states:-y}" ] || note="  MISMATCH"

    row "$name" spin "$p_states" "$p_trans" "$p_s" "$p_bytes" "$c_s" "-"
    local ratio
    ratio=$(awk -v w="$w_s" -v p="$p_s" -v c="$c_s" 'BEGIN { if (p + c > 0) printf "%.3f", w / (p + c); else print "?" }')
    row "$name" "weft${jobs:+-j$jobs}" "$w_states" "$w_trans" "$w_s" "$w_bytes" "0.00" "$ratio$note"
}

# row MODEL TOOL STATES TRANSITIONS SECONDS BYTES/STATE COMPILE RATIO
row() {
    local rate
    rate=$(awk -v n="${3:-0}" -v s="$5" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }')
    printf '%-14s %-8s %11s %12s %8s %10s %8s %8s %s\n' "$1" "$2" "${3:-?}" "${4:-?}" "$5" \
        "$rate" "$6" "$7" "$8"
}

# ---- main ----

models=("$@")
[ ${#models[@]} -gt 0 ] || models=(counter_race philosophers)

echo "machine: $(nproc) cpus, $(lscpu 2>/dev/null | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')"
echo "spin: $(spin -V 2>&1 | head -1)    cc: $("$cc" --version | head -1)"
echo "ratio: weft seconds / (pan seconds + pan compile seconds), end to end"
printf '%-14s %-8s %11s %12s %8s %10s %8s %8s %s\n' model tool states transitions seconds \
    states/s bytes/st compile ratio
for m in "${models[@]}"; do
    run_model "$m"
done
