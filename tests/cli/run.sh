#!/usr/bin/env bash
# run.sh -- run one CLI test case of weft and compare it with its golden output.
#
# usage: run.sh WEFT CASE.weft WORKDIR
#
# CASE.weft is a model whose first comment lines say what to expect:
#   # expect: ok | violation KIND [LABEL] | model error | usage error
#   # args: --max-states 10        options put before the model (default: none)
#   # cmd: check --bsf {model}     the whole command line after 'weft' ({model}: the case file)
#   # exit: N                      the exit status (default: 0 for ok, 1 for violation)
#   # stdin: model | FILE          the case file, or FILE beside it, is the command's stdin
#                                  (else /dev/null)
#   # generate: KIND               check a generated model instead of this file's body
#                                  (empty: zero bytes; deep-nesting: a 10,000-deep expression;
#                                  long-line: a 1 MB line; choose N Z [LINE]: one thread whose
#                                  first step is a 'choose' of N branches, branch i setting x
#                                  to 0 if i < Z, else to i, then LINE, a property, if given;
#                                  labelled-choose N Z [LINE]: the same, the 'choose' labelled
#                                  'pick'), written to WORKDIR under this case's name
# The command runs in the case's directory (or WORKDIR for generated models) so file names in
# the output are the case's base name. stdout is compared with CASE.out and stderr with CASE.err
# (a missing golden file means "empty"); the line "time ... memory ..." is masked in both. On a
# mismatch the diff and the command that accepts the new output are printed.
# A check case (no "# cmd:") then runs again with -j 4 (the same output) and --dfs (the same exit
# status), unless its options choose the search or depend on the clock or memory (see below).
# UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
set -u

if [ $# -ne 3 ]; then
    echo "usage: run.sh WEFT CASE.weft WORKDIR" >&2
    exit 2
fi
weft=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
case_file=$2
workdir=$3
case_dir=$(cd "$(dirname "$case_file")" && pwd)
base=$(basename "$case_file")
name=${base%.weft}
mkdir -p "$workdir"

# The value of header line '# KEY: value' (first match), or empty.
header() {
    sed -n "s/^# $1: *//p" "$case_file" | head -n 1
}

expect=$(header expect)
args=$(header args)
cmd=$(header cmd)
want_exit=$(header exit)
generate=$(header generate)
stdin_from=/dev/null
case $(header stdin) in
'') ;;
model) stdin_from=$case_file ;;
*) stdin_from=$case_dir/$(header stdin)
   [ -f "$stdin_from" ] || { echo "FAIL: $base: no file '# stdin: $(header stdin)'" >&2; exit 1; } ;;
esac
if [ -z "$expect" ]; then
    echo "FAIL: $base has no '# expect:' line" >&2
    exit 1
fi
if [ -z "$want_exit" ]; then
    case $expect in
    ok) want_exit=0 ;;
    violation*) want_exit=1 ;;
    *) echo "FAIL: $base: '# expect: $expect' needs an '# exit:' line" >&2; exit 1 ;;
    esac
fi

run_dir=$case_dir
if [ -n "$generate" ]; then
    run_dir=$workdir
    case $generate in
    empty)
        : >"$workdir/$base" ;;
    deep-nesting)
        # const X = ((((...1...)))) 10,000 levels deep, then a thread.
        { printf 'const X = '
          head -c 10000 /dev/zero | tr '\0' '('
          printf '1'
          head -c 10000 /dev/zero | tr '\0' ')'
          printf '\nthread t {\n    skip\n}\n'; } >"$workdir/$base" ;;
    long-line)
        # A 1 MB line: 'x =', a megabyte of spaces, then the unknown name 'y'.
        { printf 'shared x = 0\nthread t {\n    x ='
          head -c 1048576 /dev/zero | tr '\0' ' '
          printf 'y\n}\n'; } >"$workdir/$base" ;;
    choose\ * | labelled-choose\ *)
        read -r kind n_branches n_zero extra <<<"$generate"
        label=
        [ "$kind" = choose ] || label='pick: '
        { printf 'shared x = 0\nthread t {\n    %schoose { x = 0 }\n' "$label"
          for ((i = 1; i < n_branches; i++)); do
              printf '    or { x = %d }\n' $((i < n_zero ? 0 : i))
          done
          printf '}\n'
          [ -z "${extra:-}" ] || printf '%s\n' "$extra"; } >"$workdir/$base" ;;
    *) echo "FAIL: $base: unknown '# generate: $generate'" >&2; exit 1 ;;
    esac
fi

if [ -n "$cmd" ]; then
    cmdline=${cmd//\{model\}/$base}
else
    cmdline="check${args:+ $args} $base"
fi

out=$workdir/$name.stdout
err=$workdir/$name.stderr
# shellcheck disable=SC2086  # the command line is split into words on purpose
(cd "$run_dir" && "$weft" $cmdline) <"$stdin_from" >"$out" 2>"$err"
got_exit=$?
mask='s/^time [0-9.]+ s  rate [0-9]+ states\/s  memory [0-9.]+ (B|KiB|MiB|GiB)( \([0-9.]+ bytes\/state, vector [0-9]+ bytes\))?$/time (masked)/'
sed -E -i "$mask" "$out" "$err" # stderr has the report when stdout has an output ('-')

if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
    for pair in "out:$out" "err:$err"; do
        ext=${pair%%:*}
        file=${pair#*:}
        if [ -s "$file" ]; then
            cp "$file" "$case_dir/$name.$ext"
        else
            rm -f "$case_dir/$name.$ext"
        fi
    done
    echo "updated $name.out/.err (exit status $got_exit, the case wants $want_exit)"
    [ "$got_exit" = "$want_exit" ]
    exit $?
fi

failed=0
for pair in "out:$out" "err:$err"; do
    ext=${pair%%:*}
    file=${pair#*:}
    golden=$case_dir/$name.$ext
    [ -f "$golden" ] || golden=/dev/null
    if ! cmp -s "$golden" "$file"; then
        echo "FAIL: std$ext of 'weft $cmdline' differs from $name.$ext:"
        diff -a -u "$golden" "$file" | head -n 200
        failed=1
    fi
done
if [ "$got_exit" != "$want_exit" ]; then
    echo "FAIL: 'weft $cmdline' exited with $got_exit, expected $want_exit"
    failed=1
fi
if [ $failed = 1 ]; then
    echo "to accept the new output: UPDATE_GOLDEN=1 ctest -R 'cli/$name\$'"
    exit 1
fi

# STYLE.md section 10: a 'check' case runs again with -j 4, which must print the same, byte for
# byte, and exit the same (DESIGN.md section 3), and with --dfs, which must exit the same (the
# same verdict). Not a case that names its own search (-j, --dfs, --bfs, --compact), whose
# result depends on the clock or the memory (--time-limit, --max-memory, --progress), reads
# stdin, or checks a generated model; --dfs not with the options whose results depend on the
# order of the search (--max-states).
# again LABEL OPTION: run the case's command with OPTION added; sets again_exit.
again() {
    local label=$1 option=$2
    # shellcheck disable=SC2086  # the command line is split into words on purpose
    (cd "$run_dir" && "$weft" check $args $option "$base") <"$stdin_from" >"$out.$label" \
        2>"$err.$label"
    again_exit=$?
    sed -E -i "$mask" "$out.$label" "$err.$label"
}
if [ -z "$cmd" ] && [ -z "$generate" ] && [ -z "$(header stdin)" ] &&
    ! grep -qE -- '(^| )(-j|--dfs|--bfs|--compact|--time-limit|--max-memory|--progress)' <<<"$args"; then
    again j4 "-j 4"
    if ! cmp -s "$out" "$out.j4" || ! cmp -s "$err" "$err.j4" || [ "$again_exit" != "$got_exit" ]; then
        echo "FAIL: 'weft check $args -j 4 $base' differs from the case's output (exit $again_exit):"
        diff -a -u "$out" "$out.j4" | head -n 40
        diff -a -u "$err" "$err.j4" | head -n 40
        exit 1
    fi
    if ! grep -qE -- '(^| )--max-states' <<<"$args"; then
        again dfs "--dfs"
        if [ "$again_exit" != "$got_exit" ]; then
            echo "FAIL: 'weft check $args --dfs $base' exited with $again_exit, the case with $got_exit"
            head -n 20 "$err.dfs"
            exit 1
        fi
    fi
fi
echo "ok: $name"
