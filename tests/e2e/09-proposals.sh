#!/bin/sh
# tests/e2e/09-proposals.sh - end-to-end tests, section 9:
#   proposals (validate) and reroutes
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/09-proposals.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=16   # the tests this file runs, declared: one that vanishes is a failure

# ---- 9. proposals and reroutes ------------------------------------------------
V=$DATA/validate.yaml
"$PLANNER" validate "$V" "$DATA/proposals.geojson" --json --geojson "$RESULT/proposals.geojson" >"$RESULT/val.json" 2>"$RESULT/val.err"
rc=$?
verdict() { jget "$RESULT/val.json" "[r['verdict'] for r in d['results'] if r['id'] == '$1'][0]"; }
check "9.1 validate exits 1 when any proposal is rejected" [ $rc -eq 1 ]
check "9.2 PA above the zone's 300 m ceiling: approved" [ "$(verdict PA)" = approved ]
check "9.3 PX crossing planned PR at its level: rejected, naming PR" sh -c "
    [ '$(verdict PX)' = rejected ] && grep -q 'PR.*crossings at one level must be separated by altitude' '$RESULT/val.json'"
check "9.4 PY crossing PR 130 m above it: approved" [ "$(verdict PY)" = approved ]
check "9.5 PT crossing PR at its level in another hour: approved (time windows)" [ "$(verdict PT)" = approved ]
check "9.6 PS through the square: rejected by zone SQ, 2000 m inside" sh -c "
    [ '$(verdict PS)' = rejected ] && grep -q 'no_fly SQ (2 km square, rule forbidden): 2000.0 m inside' '$RESULT/val.json'"
check "9.7 PE ends 2000 m from any vertiport: rejected" sh -c "[ '$(verdict PE)' = rejected ] && grep -q '2000 m from the nearest vertiport' '$RESULT/val.json'"
check "9.8 --geojson: proposals coloured by verdict" [ "$(jget "$RESULT/proposals.geojson" "','.join(f['properties']['stroke'] for f in d['features'])")" = "#2ca02c,#d62728,#2ca02c,#2ca02c,#d62728,#d62728" ]
ogr2ogr -f KML "$RESULT/proposals.kml" "$DATA/proposals.geojson" >/dev/null 2>&1
"$PLANNER" validate "$V" "$RESULT/proposals.kml" --json >"$RESULT/val_kml.json" 2>/dev/null
check "9.9 the same proposals from KML: same verdicts" [ "$(jget "$RESULT/val_kml.json" "[r['verdict'] for r in d['results']]")" = "$(jget "$RESULT/val.json" "[r['verdict'] for r in d['results']]")" ]
printf 'id,WKT\nCSV1,"LINESTRING (120.0104905 31.1806214,120.0209811 31.1806197)"\n' >"$RESULT/proposal.csv"
"$PLANNER" validate "$V" "$RESULT/proposal.csv" --json >"$RESULT/val_csv.json" 2>&1
check "9.15 a CSV proposal without a CRS is read as lon/lat: through the square, rejected" \
    sh -c "grep -q 'no_fly SQ' '$RESULT/val_csv.json'"
"$PLANNER" reroute "$DATA/square.yaml" THROUGH --margin 0 --geojson "$RESULT/reroute.geojson" >"$RESULT/reroute.out" 2>&1
check "9.10 reroute around the square: +931.960 m = 2*sqrt(950^2+1050^2) + 2100 - 4000 (w 50, margin 0)" \
    near "$(jget "$RESULT/reroute.geojson" "d['features'][0]['properties']['added_m']")" 931.9605 0.001
# (data_root ../.. is tests/e2e: it holds $DATA and this file's $RESULT)
check "9.11 the rerouted path passes the check" sh -c "
    python3 - '$RESULT/reroute.geojson' '$RESULT/rr_routes.geojson' <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = d['features'][0]
f['properties'] = {'id': 'RR', 'status': 'planned', 'half_width_m': 49.9, 'band_below_m': 20, 'band_above_m': 20, 'altitude_m': 120}
json.dump({'type': 'FeatureCollection', 'features': [f]}, open(sys.argv[2], 'w'))
PY
    printf 'name: rr\ndata_root: ../..\nlayers:\n  - {id: zones, role: zones, path: $DATA/square_4549.geojson}\n  - {id: routes, role: routes, path: rr_routes.geojson}\n' >'$RESULT/rr.yaml'
    '$PLANNER' check '$RESULT/rr.yaml' >/dev/null"
"$PLANNER" check "$DATA/square.yaml" --reroute >"$RESULT/check_reroute.out" 2>&1
check "9.12 check --reroute adds a path to each blocked route" [ "$(grep -c '^reroute ' "$RESULT/check_reroute.out")" -eq 3 ]
# P2025-6 starts at 穹窿山, inside the ZSSZ range; P2025-5 (from 木渎, 10.1 km from the reference
# point) no longer does since ZSSZ has its own 10 km rule, not the 22.36 km civil box (issue 23)
"$PLANNER" reroute "$W" P2025-6 >"$RESULT/rr_wz.out" 2>&1
check "9.13 no path: the reroute names the zone that closes it off" grep -q "no path: the start lies inside airport ZSSZ" "$RESULT/rr_wz.out"

python3 - "$RESULT/batch.geojson" <<'PY'
import json, random, sys
rnd = random.Random(20251128)
fs = []
for i in range(1500):  # random proposals over Wuzhong: lakes, hills, airport zones, the 6 routes
    n = rnd.randint(2, 5)
    x, y = rnd.uniform(120.25, 120.65), rnd.uniform(31.0, 31.3)
    pts = [[x, y]]
    for _ in range(n - 1):
        x += rnd.uniform(-0.05, 0.05); y += rnd.uniform(-0.05, 0.05)
        pts.append([round(x, 6), round(y, 6)])
    fs.append({'type': 'Feature', 'properties': {'id': 'B%04d' % i, 'altitude_m': rnd.choice([60, 100, 200])},
               'geometry': {'type': 'LineString', 'coordinates': pts}})
json.dump({'type': 'FeatureCollection', 'features': fs}, open(sys.argv[1], 'w'))
PY
"$PLANNER" validate "$W" "$RESULT/batch.geojson" --json --threads 1 >"$RESULT/batch1.json" 2>/dev/null
"$PLANNER" validate "$W" "$RESULT/batch.geojson" --json --threads 3 >"$RESULT/batch3.json" 2>/dev/null
check "9.17 1,500 proposals over Wuzhong on 1 and on 3 threads: the same bytes, every kind of reason among them" sh -c "
    cmp -s '$RESULT/batch1.json' '$RESULT/batch3.json' && python3 - '$RESULT/batch3.json' <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d['results']) == 1500
zoned = sum(any(c['kind'] == 'zone' for c in r['reasons']) for r in d['results'])
assert 100 < zoned < 1500, zoned  # some cross zones, some do not
kinds = {c['kind'] for r in d['results'] for c in r['reasons']}
assert {'zone', 'ground_risk', 'separation', 'vertiport'} <= kinds, kinds
PY"
"$PLANNER" validate "$V" "$DATA/proposals.geojson" --threads 0 >/dev/null 2>"$RESULT/threads0.err"
check "9.18 --threads 0: exit 2, the range named" sh -c "[ $? -eq 2 ] && grep -q 'from 1 to 64' '$RESULT/threads0.err'"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/09-proposals.sh)"
echo "1..$n"
