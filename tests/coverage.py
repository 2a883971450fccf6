#!/usr/bin/env python3
"""tests/coverage.py -- which lines of checker/ a run of the suite executed.

Reads the counts that a build with --coverage left (tests/coverage.sh makes one and runs
ctest in it) through gcov's JSON output and prints, for each source file of checker/, its
executable lines, those run and the share, then the total. With --lines, each file's lines
never run follow, as ranges with their first line's text; with --functions, the functions
never called. docs/testing.md, *Coverage*.

    python3 tests/coverage.py BUILD_DIR [--lines] [--functions] [FILE.c ...]
"""

import argparse
import gzip
import json
import os
import subprocess
import sys


def gcda_files(build):
    """The .gcda files of checker/'s objects (the library's and the CLI's)."""
    found = []
    for target in ("weftlib.dir", "weft.dir"):
        top = os.path.join(build, "CMakeFiles", target, "checker")
        if os.path.isdir(top):
            found += [os.path.join(top, f) for f in sorted(os.listdir(top))
                      if f.endswith(".gcda")]
    return found


def gcov_json(gcda):
    """gcov's JSON for one object's counts (gcov -j -t writes it to standard output)."""
    out = subprocess.run(["gcov", "-j", "-t", gcda], capture_output=True, check=True,
                         cwd=os.path.dirname(gcda)).stdout
    if out[:2] == b"\x1f\x8b":
        out = gzip.decompress(out)
    return json.loads(out)


def ranges(numbers):
    """[3, 4, 5, 9] -> [(3, 5), (9, 9)]."""
    spans = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return [tuple(s) for s in spans]


def main():
    ap = argparse.ArgumentParser(description="checker/'s line coverage from a --coverage build")
    ap.add_argument("build")
    ap.add_argument("files", nargs="*", help="only these sources (e.g. search.c)")
    ap.add_argument("--lines", action="store_true", help="list the lines never run")
    ap.add_argument("--functions", action="store_true", help="list the functions never called")
    args = ap.parse_intermixed_args()

    gcdas = gcda_files(args.build)
    if not gcdas:
        sys.exit(f"coverage: no .gcda files under {args.build}: build it with --coverage "
                 "and run ctest there first (tests/coverage.sh)")
    per_file = {}
    for gcda in gcdas:
        for f in gcov_json(gcda)["files"]:
            path = f["file"]
            if "/checker/" not in path or not path.endswith(".c"):
                continue  # headers' inline functions are counted in every object
            name = os.path.basename(path)
            if args.files and name not in args.files:
                continue
            lines = per_file.setdefault(name, (path, {}, {}))
            for ln in f["lines"]:
                n = ln["line_number"]
                lines[1][n] = lines[1].get(n, 0) + ln["count"]
            for fn in f["functions"]:
                key = fn["name"]
                lines[2][key] = (fn["start_line"],
                                 lines[2].get(key, (0, 0))[1] + fn["execution_count"])

    total = run = 0
    print(f"{'file':<18} {'lines':>6} {'run':>6} {'share':>7}")
    for name in sorted(per_file):
        path, counts, funcs = per_file[name]
        n_run = sum(1 for c in counts.values() if c > 0)
        total += len(counts)
        run += n_run
        share = 100.0 * n_run / len(counts) if counts else 100.0
        print(f"{name:<18} {len(counts):>6} {n_run:>6} {share:>6.1f}%")
        if args.functions:
            for fn, (line, count) in sorted(funcs.items(), key=lambda kv: kv[1][0]):
                if count == 0:
                    print(f"    never called: {fn} (line {line})")
        if args.lines:
            with open(path, encoding="utf-8") as src:
                text = src.read().split("\n")
            for first, last in ranges(sorted(n for n, c in counts.items() if c == 0)):
                span = f"{first}" if first == last else f"{first}-{last}"
                print(f"    {span:>9}: {text[first - 1].strip()[:80]}")
    share = 100.0 * run / total if total else 100.0
    print(f"{'total':<18} {total:>6} {run:>6} {share:>6.1f}%")


if __name__ == "__main__":
    main()
