#!/bin/sh
# tests/e2e/26-huge.sh - end-to-end tests, section 26 (issue 27 parts 4-6):
#   altitudes that can be (the one rule in input/routes.c: every position of
#   a line with an altitude or none, none below the datum), and a long route
#   checked whole equals the same route checked in pieces (no segment
#   skipped, nothing lost by drawing the corridor in runs).  Not timed: the
#   time and memory of 100,000 waypoints and 1,000,000 zones are measured by
#   make bench (tools/bench/run, section "huge").
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/26-huge.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=10   # the tests this file runs, declared: one that vanishes is a failure

# The 2 km no-fly square SQ (x 500000-502000, y 3450000-3452000, EPSG:4549,
# floor 0, ceiling 300 m) and one route file r.geojson per case; light
# aircraft (no height rule, no class that always files), band 20 m below and
# above, default altitude 120 m.
sq() { # sq NAME COORDS [PROPS]: scenario RESULT/NAME.yaml with one route R
    cat >"$RESULT/$1.geojson" <<EOF
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},"features":[
{"type":"Feature","properties":{"id":"R"${3:+,$3}},"geometry":{"type":"LineString","coordinates":$2}}]}
EOF
    cat >"$RESULT/$1.yaml" <<EOF
name: $1
crs: EPSG:4549
data_root: /
route_defaults: {aircraft_class: light, altitude_m: 120, band_below_m: 20, band_above_m: 20}
layers:
  - {id: zones, role: zones, path: $DATA/square_4549.geojson}
  - {id: routes, role: routes, path: $RESULT/$1.geojson}
EOF
}
run() { # run NAME: check it, stderr in NAME.err, the exit code printed
    "$PLANNER" check "$RESULT/$1.yaml" >"$RESULT/$1.out" 2>"$RESULT/$1.err"
    echo $?
}
err_is() { [ "$(cat "$RESULT/$1.err")" = "$2" ]; }

# ---- 26.1-26.2 a line mixing positions with and without altitude ---------------
sq mix32 '[[499000,3451000,400],[503000,3451000]]'
check "26.1 [[x,y,400],[x,y]]: exit 2 naming vertex 2 (OGR would read it as 0 m)" sh -c "
    [ $(run mix32) -eq 2 ] && [ \"\$(cat '$RESULT/mix32.err')\" = \"planner: error: $RESULT/mix32.geojson: layer 'routes': route R: vertex 2 of 2: no altitude, where vertex 1 has one: give every position an altitude or none (a line without altitudes flies at altitude_m)\" ]"
sq mix23 '[[499000,3451000],[501000,3451000,50],[503000,3451000,50]]'
check "26.2 [[x,y],[x,y,50],[x,y,50]]: exit 2 naming vertex 1, where vertex 2 has one" sh -c "
    [ $(run mix23) -eq 2 ] && grep -q \"route R: vertex 1 of 3: no altitude, where vertex 2 has one\" '$RESULT/mix23.err'"

# ---- 26.3-26.4 the same line, all 3D or all 2D ------------------------------------
# all at 350 m: band 330-370 m, above SQ's ceiling 300 (the limit is open): free,
# exit 0; a property named "coordinates" with a mixed array and one named
# "geometry" do not fool the reader (only the geometry's positions count)
sq all3 '[[499000,3451000,350],[503000,3451000,350]]' '"coordinates":[[1,2,3],[4,5]],"geometry":"[[1,2]]"'
check "26.3 all 3D at 350 m over SQ (band 330-370 > ceiling 300): free, exit 0; properties named coordinates/geometry ignored" \
    sh -c "[ $(run all3) -eq 0 ] && [ ! -s '$RESULT/all3.err' ]"
# all 2D: the default 120 m, band 100-140 m enters SQ (0-300): forbidden, exit 1
sq all2 '[[499000,3451000],[503000,3451000]]'
check "26.4 all 2D: flies at route_defaults 120 m (band 100-140 in 0-300): forbidden, exit 1" \
    sh -c "[ $(run all2) -eq 1 ] && grep -q 'forbidden' '$RESULT/all2.out'"

# ---- 26.5-26.7 below the datum ---------------------------------------------------------
sq deep '[[499000,3451000],[503000,3451000]]' '"altitude_m":-500'
check "26.5 altitude_m -500 under SQ (floor 0): exit 2 at vertex 1, not 'clear'" sh -c "
    [ $(run deep) -eq 2 ] && [ \"\$(cat '$RESULT/deep.err')\" = \"planner: error: $RESULT/deep.geojson: layer 'routes': route R: vertex 1 of 2: altitude -500.0 m (the route's altitude_m, or route_defaults) is below the datum (0 m): route altitudes are heights above it, never negative\" ]"
sq neg '[[499000,3451000,100],[501000,3451000,100],[503000,3451000,-0.1]]'
check "26.6 a vertex at -0.1 m: exit 2 naming vertex 3 of 3" sh -c "
    [ $(run neg) -eq 2 ] && grep -q 'route R: vertex 3 of 3: altitude -0.1 m is below the datum (0 m)' '$RESULT/neg.err'"
# at 0 m exactly: the datum itself is allowed; band -20-20 enters SQ (floor 0
# open: 20 > 0): forbidden, exit 1
sq zero '[[499000,3451000,0],[503000,3451000,0]]'
check "26.7 at the datum (0 m): accepted, band -20-20 enters SQ above its floor 0: forbidden, exit 1" \
    sh -c "[ $(run zero) -eq 1 ]"

# ---- 26.8-26.10 a long route whole and in 100 pieces ---------------------------------
# 10,000 waypoints of a random walk over Wuzhong (tools/bench/gen_route.py, seed
# 7), and the same waypoints as 100 routes R-1..R-100 that share their end
# waypoints; both checked against the Wuzhong zones as existing routes (flown
# as drawn).  The whole route's conflict with a zone spans the pieces'
# conflicts with it: the same zones, and each length the sum of the pieces'
# (each printed to 0.01 m: within 100 x 0.005 = 0.5 m); its verdict the worst.
python3 "$TOP/tools/bench/gen_route.py" 10000 7 "$RESULT/long.geojson" 0 existing
python3 "$TOP/tools/bench/gen_route.py" 10000 7 "$RESULT/pieces.geojson" 100 existing
for k in long pieces; do
    sed "s|path: ../geodata/routes.geojson|path: $RESULT/$k.geojson|; s|\.\./geodata/|$TOP/geodata/|; s|^data_root: ..|data_root: /|" \
        "$W" >"$RESULT/$k.yaml"
    PLANNER_PROGRESS=0 "$PLANNER" check "$RESULT/$k.yaml" --json >"$RESULT/$k.json" 2>"$RESULT/$k.err"
    echo $? >"$RESULT/$k.rc"
done
check "26.8 the whole route and its 100 pieces: same exit code, 100 pieces read, same total length" python3 - "$RESULT" <<'PY'
import json, sys
r = sys.argv[1]
a, b = (json.load(open(r + '/%s.json' % k)) for k in ('long', 'pieces'))
assert open(r + '/long.rc').read() == open(r + '/pieces.rc').read(), 'exit codes differ'
assert len(a['routes']) == 1 and len(b['routes']) == 100, (len(a['routes']), len(b['routes']))
la, lb = a['routes'][0]['length_m'], sum(x['length_m'] for x in b['routes'])
assert abs(la - lb) <= 100 * 0.0005 + 1e-6, (la, lb)
PY
check "26.9 the same zones met, each with the sum of the pieces' lengths inside and along the corridor" python3 - "$RESULT" <<'PY'
import json, sys
r = sys.argv[1]
a, b = (json.load(open(r + '/%s.json' % k)) for k in ('long', 'pieces'))
whole = {c['zone_id']: c for c in a['conflicts']}
parts = {}
for c in b['conflicts']:
    s = parts.setdefault(c['zone_id'], [0.0, 0.0, 0])
    s[0] += c['length_inside_m']; s[1] += c['corridor_length_m']; s[2] += 1
assert set(whole) == set(parts), (sorted(whole), sorted(parts))
assert len(whole) >= 5, sorted(whole)  # the walk crosses the airports, Taihu, the height rule...
for z, c in whole.items():
    tol = parts[z][2] * 0.005 + 1e-6
    assert abs(c['length_inside_m'] - parts[z][0]) <= tol, (z, c['length_inside_m'], parts[z])
    assert abs(c['corridor_length_m'] - parts[z][1]) <= tol, (z, c['corridor_length_m'], parts[z])
PY
check "26.10 the whole route's verdict is the worst of its pieces'" python3 - "$RESULT" <<'PY'
import json, sys
r = sys.argv[1]
a, b = (json.load(open(r + '/%s.json' % k)) for k in ('long', 'pieces'))
order = ['free', 'advisory', 'approval', 'forbidden']
assert a['routes'][0]['verdict'] == max((x['verdict'] for x in b['routes']), key=order.index)
PY

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/26-huge.sh)"
echo "1..$n"
