#!/bin/sh
# tests/pinned.sh PLANNER [accept] - every scenario's answers against the
# answers a reviewer accepted (tests/expected/NAME.json, written by
# `make accept` only): every route's verdict and conflicts (zones, lengths to
# 0.1 m, positions along the route, altitudes), every site chosen or not and
# why, every zone, every field of summary.json.  One TAP line a scenario; a
# difference prints field by field what changed.
set -u
planner=$1
mode=${2:-compare}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
n=0
for s in "$top"/scenarios/*.yaml; do
    name=$(basename "$s" .yaml)
    n=$((n + 1))
    PLANNER_PROGRESS=0 "$planner" run "$s" -o "$work/$name" --no-db >"$work/$name.out" 2>&1
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
        echo "not ok $n - pinned $name: planner run exited $rc"
        sed 's/^/#   /' "$work/$name.out" | head -5
        continue
    fi
    if [ "$mode" = accept ]; then
        python3 "$top/tools/pin.py" accept "$top/tests/expected/$name.json" "$work/$name" &&
            echo "accepted $name: tests/expected/$name.json (review it: git diff tests/expected)"
    elif python3 "$top/tools/pin.py" compare "$top/tests/expected/$name.json" "$work/$name" >"$work/$name.diff"; then
        echo "ok $n - pinned $name: every answer as accepted (tests/expected/$name.json)"
    else
        echo "not ok $n - pinned $name: answers differ from tests/expected/$name.json:"
        sed 's/^/#/' "$work/$name.diff"
    fi
done
echo "1..$n"
