#!/bin/sh
# tests/e2e/05-bad-inputs.sh - end-to-end tests, section 5:
#   bad features repaired, rejected, skipped (--skip-bad)
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/05-bad-inputs.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=8   # the tests this file runs, declared: one that vanishes is a failure

# ---- 5. bad inputs ----------------------------------------------------------
#   The invalid inputs that must give exit 2, one line naming the file and
#   nothing written are cases of the bad-input corpus (tests/bad/cases/30-43
#   came from here).  Here: the control (the same files with a good scenario
#   do write a plan), and what the corpus cannot express: features repaired
#   or rejected, as 'planner layers' reports them and --skip-bad drops them.
B=$RESULT/bad
mkdir -p "$B"
cp "$DATA/square_4549.geojson" "$DATA/routes_4549.geojson" "$B/"
scen() { cat >"$B/$1.yaml"; }

scen good <<'EOF'
layers:
  - {id: zones, role: zones, path: square_4549.geojson}
  - {id: routes, role: routes, path: routes_4549.geojson}
EOF
"$PLANNER" run "$B/good.yaml" -o "$B/good_out" >/dev/null 2>&1
check "5.good: the same files with a good scenario do write a plan" test -s "$B/good_out/routes.geojson"
check "5.notmp: no temporary file is left behind" sh -c "[ -z \"\$(ls -A '$B/good_out' | grep tmp)\" ]"

# repaired and rejected features
cat >"$B/mixed.geojson" <<'EOF'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"BOWTIE","class":"no_fly"},
 "geometry":{"type":"Polygon","coordinates":[[[120.5,31.2],[120.52,31.22],[120.52,31.2],[120.5,31.22],[120.5,31.2]]]}},
{"type":"Feature","properties":{"id":"EMPTY","class":"no_fly"},"geometry":{"type":"GeometryCollection","geometries":[]}},
{"type":"Feature","properties":{"id":"NOGEOM","class":"no_fly"},"geometry":null}
]}
EOF
scen mixed <<'EOF'
layers:
  - {id: zones, role: zones, path: mixed.geojson, repair: true}
EOF
"$PLANNER" layers "$B/mixed.yaml" >"$B/mixed_layers.out" 2>&1
rc=$?
check "5.7 layers: exit 0 and reports 3 read, 1 kept" sh -c "[ $rc -eq 0 ] && grep -q 'features read 3, kept 1: MultiPolygon 1' '$B/mixed_layers.out'"
check "5.8 layers: the bow-tie is repaired, with GEOS's reason" grep -q 'repaired BOWTIE: invalid (Self-intersection' "$B/mixed_layers.out"
check "5.9 layers: empty and missing geometries are rejected with their ids" sh -c "
    grep -q 'rejected EMPTY: empty geometry' '$B/mixed_layers.out' && grep -q 'rejected NOGEOM: no geometry' '$B/mixed_layers.out'"
"$PLANNER" run "$B/mixed.yaml" --skip-bad -o "$B/skip_out" >/dev/null 2>"$B/skip.stderr"
rc=$?
check "5.10 --skip-bad: the run completes and warns per dropped feature" sh -c "
    [ $rc -eq 0 ] && grep -q 'warning: .*feature EMPTY rejected' '$B/skip.stderr'"
check "5.11 --skip-bad: only the repaired zone is kept" [ "$(jget "$B/skip_out/zones.geojson" "len(d['features'])")" = 1 ]
"$PLANNER" layers "$B/mixed.yaml" --json >"$B/mixed_layers.json" 2>/dev/null
check "5.12 layers --json lists the issues" [ "$(jget "$B/mixed_layers.json" "','.join(i['action'] for i in d['layers'][0]['issues'])")" = "repaired,rejected,rejected" ]

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/05-bad-inputs.sh)"
echo "1..$n"
