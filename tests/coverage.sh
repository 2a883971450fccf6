#!/usr/bin/env bash
# tests/coverage.sh -- build weft with gcc's --coverage in build-cov/, run the test suite there
# and print which share of checker/'s lines it ran, file by file (tests/coverage.py).
# docs/testing.md, *Coverage*.
#
#   bash tests/coverage.sh                  # the whole suite, then the table
#   bash tests/coverage.sh -R '^cli/'       # only the tests ctest's -R picks
#   LINES=1 bash tests/coverage.sh          # and each file's lines never run
#
# Not part of .ci/run: the coverage build runs the suite unoptimised, about twice as long as
# the Release build's run.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$root/build-cov}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DWEFT_SANITIZE= \
    -DCMAKE_C_FLAGS=--coverage -DCMAKE_EXE_LINKER_FLAGS=--coverage >/dev/null
cmake --build "$build" -j2
# Counts add up across runs: start from none, so that the table is this run's.
find "$build" -name '*.gcda' -delete
status=0
(cd "$build" && ctest --no-tests=error -j2 "$@") || status=$?
python3 "$root/tests/coverage.py" "$build" ${LINES:+--lines --functions}
exit "$status"
