#!/usr/bin/env bash
# docs_links.sh -- every link between the repository's pages leads somewhere.
#
# usage: docs_links.sh ROOT
#
# Checks, under ROOT (the source tree):
#   - each relative Markdown link '[text](path)' or '[text](path#anchor)' of README.md and
#     docs/*.md: the path exists, relative to the page; an anchor (also '(#anchor)', on the page
#     itself) names a heading of the target page, made into an anchor as GitHub does (lower case,
#     only letters, digits, spaces, '-' and '_' kept, each space a '-');
#   - each mention of a page 'docs/<name>.md' in those pages, in CMakeLists.txt, and in the
#     sources and scripts of checker/ and tests/: the page exists.
# Links to other sites (http:, https:, mailto:) are not followed. Exit status: 0 if every link
# leads somewhere, 1 with one line per broken link (file: what is missing).
set -u
if [ $# -ne 1 ]; then
    echo "usage: docs_links.sh ROOT" >&2
    exit 2
fi
root=$1
cd "$root" || exit 2

# The anchors of the headings of page $1, one a line.
anchors() {
    grep -E '^#{1,6} ' "$1" | sed -E 's/^#+ +//' | tr '[:upper:]' '[:lower:]' |
        sed -E 's/[^a-z0-9 _-]//g; s/ /-/g'
}

bad=0
broken() {
    echo "$1: $2"
    bad=1
}

pages=(README.md docs/*.md)
for page in "${pages[@]}"; do
    dir=$(dirname "$page")
    # Links outside code: fenced blocks and inline code are dropped first.
    # shellcheck disable=SC2016  # the backquotes are sed's, not the shell's
    links=$(awk '/^```/ { fenced = !fenced; next } !fenced' "$page" | sed -E 's/`[^`]*`//g' |
        grep -oE '\]\([^) ]+\)' | sed -E 's/^\]\(//; s/\)$//')
    for link in $links; do
        case $link in
        http:* | https:* | mailto:*) continue ;;
        esac
        path=${link%%#*}
        anchor=
        [[ $link == *#* ]] && anchor=${link#*#}
        if [ -z "$path" ]; then
            target=$page
        else
            target=$dir/$path
            if [ ! -e "$target" ]; then
                broken "$page" "no '$path' (link '$link')"
                continue
            fi
        fi
        if [ -n "$anchor" ] && [ -f "$target" ] &&
            ! anchors "$target" | grep -qxF -- "$anchor"; then
            broken "$page" "no heading '#$anchor' in $target (link '$link')"
        fi
    done
done

mentioned=$(grep -rhoE 'docs/[A-Za-z0-9_-]+\.md' README.md docs CMakeLists.txt checker tests \
    --include='*.md' --include='*.c' --include='*.h' --include='*.sh' --include='*.txt' |
    sort -u)
for m in $mentioned; do
    [ -f "$m" ] || broken "$(grep -rlF "$m" README.md docs CMakeLists.txt checker tests | head -1)" \
        "no page '$m'"
done
exit $bad
