#!/usr/bin/env bash
# check_model.sh -- hold a model to the verdict its '# expect:' line states.
#
# usage: check_model.sh WEFT MODEL.weft     check one model
#        check_model.sh --dir DIR           fail unless DIR exists and holds *.weft models
#
# '# expect: ok' wants exit status 0 and the summary "NAME: ok". '# expect: violation KIND
# [LABEL]' wants exit status 1 and a report line "violation: KIND 'LABEL' ..." (or "violation:
# KIND ..." without a label). Each model is checked breadth first and again with --dfs: the
# verdict must not depend on the search order. Each '# outcomes: VAR in {v1, v2, ...}' line
# wants the report of 'weft check --outcomes VAR' to list exactly those values of VAR in end
# states ("  VAR: v1 v2 ..."), in both orders.
set -u

if [ "${1:-}" = --dir ]; then
    dir=${2:-}
    if [ ! -d "$dir" ]; then
        echo "FAIL: the models directory '$dir' is missing"
        exit 1
    fi
    n=$(find "$dir" -maxdepth 1 -name '*.weft' | wc -l)
    if [ "$n" -eq 0 ]; then
        echo "FAIL: the models directory '$dir' holds no *.weft model"
        exit 1
    fi
    echo "ok: $dir holds $n models"
    exit 0
fi

if [ $# -ne 2 ]; then
    echo "usage: check_model.sh WEFT MODEL.weft | check_model.sh --dir DIR" >&2
    exit 2
fi
weft=$1
model=$2
base=$(basename "$model")
if [ ! -f "$model" ]; then
    echo "FAIL: $model is missing"
    exit 1
fi
expect=$(sed -n 's/^# expect: *//p' "$model" | head -n 1)
read -r verdict kind label rest <<<"$expect"
case $verdict in
ok) want_exit=0 ;;
violation)
    want_exit=1
    case ${kind:-} in
    invariant | final | assert | deadlock | error) ;;
    *) echo "FAIL: $base: bad '# expect: $expect' (KIND: invariant, final, assert, deadlock or error)"
       exit 1 ;;
    esac ;;
*) echo "FAIL: $base: no '# expect: ok' or '# expect: violation KIND [LABEL]' line"; exit 1 ;;
esac
if [ -n "${rest:-}" ]; then
    echo "FAIL: $base: '# expect: $expect' has words after the label"
    exit 1
fi

# The '# outcomes:' lines as "VAR|v1 v2 ..." (values sorted as the report sorts them).
outcome_specs=()
while IFS= read -r line; do
    var=$(sed -E -n 's/^# outcomes: *([A-Za-z_][A-Za-z0-9_.]*(\[[0-9]+\])?) +in +\{(.*)\} *$/\1/p' <<<"$line")
    vals=$(sed -E -n 's/^# outcomes: *([A-Za-z_][A-Za-z0-9_.]*(\[[0-9]+\])?) +in +\{(.*)\} *$/\3/p' <<<"$line")
    if [ -z "$var" ]; then
        echo "FAIL: $base: bad '$line' (expected '# outcomes: VAR in {v1, v2, ...}')"
        exit 1
    fi
    sorted=$(tr ',' '\n' <<<"$vals" | tr -d ' ' | sort -n | tr '\n' ' ' | sed 's/ *$//')
    outcome_specs+=("$var|$sorted")
done < <(grep '^# outcomes:' "$model")

failed=0
for mode in --bfs --dfs; do
    for spec in "${outcome_specs[@]}"; do
        var=${spec%%|*}
        want="  $var: ${spec#*|}"
        got=$("$weft" check "$model" "$mode" --outcomes "$var" 2>&1 | grep -F -x -- "$want")
        if [ -z "$got" ]; then
            echo "FAIL: $base ($mode): the report does not list the outcomes '$want'"
            "$weft" check "$model" "$mode" --outcomes "$var" 2>&1 | sed -n '/^outcomes:/,/^schedules/p'
            exit 1
        fi
    done
    out=$("$weft" check "$model" "$mode" 2>&1)
    got_exit=$?
    if [ "$got_exit" != "$want_exit" ]; then
        echo "FAIL: $base ($mode): exit status $got_exit, expected $want_exit for '$expect'"
        failed=1
    fi
    if [ "$verdict" = ok ]; then
        pattern="^$(printf '%s' "$model" | sed 's/[][\.*^$/]/\\&/g'): ok\$"
    elif [ -n "${label:-}" ]; then
        pattern="^violation: $kind '$label' "
    else
        pattern="^violation: $kind[ :]"
    fi
    if ! grep -q -- "$pattern" <<<"$out"; then
        echo "FAIL: $base ($mode): no line matching /$pattern/ in the report"
        failed=1
    fi
    if [ $failed = 1 ]; then
        echo "--- weft check $model $mode:"
        printf '%s\n' "$out" | head -n 60
        exit 1
    fi
done
echo "ok: $base: $expect${outcome_specs:+ (outcomes ${outcome_specs[*]})}"
