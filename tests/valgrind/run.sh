#!/bin/sh
# tests/valgrind/run.sh - memcheck over the bad-input corpus and over one
# run of each command on the end-to-end data (the whole end-to-end suite
# under valgrind takes some 25 minutes; these cover every command's path).
# Ends with "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
vg=$top/tests/valgrind/planner
data=$top/tests/e2e/data
out=$(mktemp -d "${TMPDIR:-/tmp}/planner-vg.XXXXXX")
trap 'rm -rf "$out"' EXIT
pass=0
fail=0
n=0
one() { # DESCRIPTION EXPECTED_EXIT ARGS...: the exit code a clean run gives
    d=$1; want=$2; shift 2
    n=$((n + 1))
    "$vg" "$@" >"$out/$n.out" 2>"$out/$n.err"
    rc=$?
    if [ "$rc" -eq "$want" ]; then pass=$((pass + 1)); echo "ok $n - valgrind: $d"
    else fail=$((fail + 1)); echo "not ok $n - valgrind: $d: exit $rc (99: a memcheck error)"; grep '^==' "$out/$n.err" | head -n 20 | sed 's/^/#   /'; fi
}
one "check, the 2 km square" 1 check "$data/square.yaml"
one "run, the siting fixture (folder, GeoPackage, map, report, store)" 0 run "$data/siting.yaml" -o "$out/siting" --db "$out/runs.sqlite"
one "run again: the store's second run" 0 run "$data/siting.yaml" -o "$out/siting2" --db "$out/runs.sqlite"
one "history" 0 history "$out/runs.sqlite"
one "diff" 0 diff "$out/runs.sqlite" 1 2
one "validate, 6 proposals on 2 threads" 1 validate "$data/validate.yaml" "$data/proposals.geojson" --json --threads 2
one "validate, the zone index built" 1 validate "$data/validate.yaml" "$data/proposals.geojson" --json --index "$out/v.zindex"
one "validate, the zone index loaded" 1 validate "$data/validate.yaml" "$data/proposals.geojson" --json --index "$out/v.zindex"
printf '%s\n' '{"type":"LineString","coordinates":[[120.0104905,31.1806214],[120.0209811,31.1806197]]}' 'not json' \
    >"$out/lines.jsonl"
one "serve, from the zone index: a proposal and a bad line" 0 serve "$data/validate.yaml" --index "$out/v.zindex" \
    <"$out/lines.jsonl"
one "reroute around the square" 0 reroute "$data/square.yaml" THROUGH --margin 0
one "zones as ED-318" 0 zones "$data/square.yaml" --format ed318 -o "$out/z.json"
one "fence for ArduPilot" 0 fence "$data/square.yaml" BESIDE --firmware ardupilot -o "$out/f.plan"
one "layers" 0 layers "$top/scenarios/wuzhong-2025.yaml"
one "run, Wuzhong 2025" 0 run "$top/scenarios/wuzhong-2025.yaml" -o "$out/wz" --no-db
# the bad-input corpus through the same wrapper: each must still give its
# exact message (a memcheck report would add lines and exit 99)
bout=$(sh "$top/tests/bad/run.sh" "$vg" 2>&1)
printf '%s\n' "$bout" | sed 's/^ok /ok (corpus) /; s/^not ok /not ok (corpus) /'
pass=$((pass + $(printf '%s\n' "$bout" | grep -c '^ok ')))
fail=$((fail + $(printf '%s\n' "$bout" | grep -c '^not ok ')))
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
