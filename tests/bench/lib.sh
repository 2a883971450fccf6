# shellcheck shell=bash disable=SC2154
# lib.sh -- what the benchmark scripts share; sourced, never run. The caller sets 'prog' to its
# own name for messages.

die() {
    echo "$prog: $*" >&2
    exit 2
}

# need_tool CMD PACKAGE: install Debian's PACKAGE (as root, or through sudo) when CMD is missing.
need_tool() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "$prog: $1 not found; installing the Debian package '$2'" >&2
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y "$2" >&2 || die "cannot install $2"
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get install -y "$2" >&2 || die "cannot install $2"
    else
        die "$1 is missing and neither root nor sudo is available"
    fi
}

# clock VAR: set VAR to the time now in seconds, from bash's $EPOCHREALTIME (its decimal point
# made a '.'), not from a 'date' command: starting a process, even a subshell, costs 3 to 4 ms on
# some virtual machines, which the small-model table would count as weft's.
clock() {
    printf -v "$1" '%s' "${EPOCHREALTIME/,/.}"
}

# elapsed START END -> seconds with 3 decimals
elapsed() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'
}

# stats "S1 S2 ..." -> "median min" with 3 decimals (the median of an even count: the mean of
# the middle two)
stats() {
    echo "$1" | tr ' ' '\n' | grep -v '^$' | sort -g |
        awk '{ v[NR] = $1 } END { printf "%.3f %.3f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1] }'
}

# median "S1 S2 ..." -> the median with 3 decimals
median() {
    local med
    read -r med _ < <(stats "$1")
    echo "$med"
}

# model_args NAME -> "FILE|-D options": a benchmark model of at least 1 M states at the sizes of
# spin_compare.sh (jobs.sh, report.sh; the caller sets 'here' to tests/bench)
model_args() {
    case "$1" in
    counter_race) echo "$here/counter_race.weft|-D N=4 -D ITERS=3" ;;
    large_counter_race) echo "$here/counter_race.weft|-D N=5 -D ITERS=2" ;; # 6.2 M states
    deep_loop) echo "$here/deep_loop.weft|-D N=1000000" ;; # 2 M levels of one state each
    locked_counter) echo "$here/locked_counter.weft|-D N=4 -D ITERS=4" ;;
    philosophers) echo "$here/philosophers.weft|-D N=10" ;;
    producer_consumer) echo "$here/producer_consumer.weft|-D PRODUCERS=3 -D CONSUMERS=3 -D ITEMS=4 -D CAP=3" ;;
    *) return 1 ;;
    esac
}
