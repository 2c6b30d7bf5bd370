#!/bin/sh
# tests/pinned.sh PLANNER [accept] - every scenario's answers against the
# answers a reviewer accepted (tests/expected/NAME.json, written by
# `make accept` only): every route's verdict and conflicts (zones, lengths to
# 0.1 m, positions along the route, altitudes), every site chosen or not and
# why, every zone, every field of summary.json, and every field of every
# other command's output on it (check, site, layers and check --reroute
# --json, ED-269, ED-318, the fence of its first route); and the proposals
# of tests/e2e/data (validate --json --reroute).  One TAP line a scenario; a
# difference prints field by field what changed, and a field no expected
# file holds is a difference.
set -u
planner=$1
mode=${2:-compare}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
export PLANNER_PROGRESS=0
export PIN_TOP="$top" # its path in the answers reads <top>: any checkout pins the same
n=0
# answers NAME SCENARIO: the run folder and the other commands' outputs
answers() {
    o="$work/$1"
    "$planner" run "$2" -o "$o" --no-db >"$work/$1.out" 2>&1
    rc=$?
    [ $rc -eq 0 ] || [ $rc -eq 1 ] || return $rc
    mkdir -p "$o/cmd"
    "$planner" check "$2" --json --reroute >"$o/cmd/check_reroute.json" 2>>"$work/$1.out"
    "$planner" layers "$2" --json >"$o/cmd/layers.json" 2>>"$work/$1.out"
    "$planner" zones "$2" --format ed269 -o "$o/cmd/ed269.json" 2>>"$work/$1.out" || return 2
    "$planner" zones "$2" --format ed318 -o "$o/cmd/ed318.json" 2>>"$work/$1.out" || return 2
    if grep -q '^siting:' "$2"; then
        "$planner" site "$2" --json >"$o/cmd/site.json" 2>>"$work/$1.out"
    fi
    r=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['features'][0]['properties']['id'])" "$o/routes.geojson")
    "$planner" fence "$2" "$r" -o "$o/cmd/fence.plan" 2>>"$work/$1.out" || return 2
    return 0
}
for s in "$top"/scenarios/*.yaml validate; do
    n=$((n + 1))
    if [ "$s" = validate ]; then # the proposals by hand of the end-to-end tests
        name=fixture-validate
        mkdir -p "$work/$name/cmd"
        (cd "$top/tests/e2e/data" && "$planner" validate validate.yaml proposals.geojson --json --reroute) \
            >"$work/$name/cmd/validate_reroute.json" 2>"$work/$name.out"
        rc=$?
        [ $rc -eq 0 ] || [ $rc -eq 1 ] || rc=2
        [ $rc -eq 2 ] || rc=0
    else
        name=$(basename "$s" .yaml)
        answers "$name" "$s"
        rc=$?
    fi
    if [ $rc -ne 0 ]; then
        echo "not ok $n - pinned $name: the planner failed (exit $rc)"
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
