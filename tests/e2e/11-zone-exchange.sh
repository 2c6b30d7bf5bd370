#!/bin/sh
# tests/e2e/11-zone-exchange.sh - end-to-end tests, section 11:
#   zone exchange: ED-269 / ED-318, KML/KMZ zones, fences
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/11-zone-exchange.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=10   # the tests this file runs, declared: one that vanishes is a failure

# ---- 11. zone exchange: ED-269 / ED-318, KML/KMZ zones, fences --------------
#   the hand-made ED-269 file: CIRC, a 1000 m circle centred on (501000,
#   3451000), becomes a 72-gon whose vertices lie at 1000/cos(2.5 deg) =
#   1000.952 m; THROUGH crosses it from vertex to vertex: 2001.905 m inside.
#   NATURE (CONDITIONAL, NATURE) -> eco_redline; INFO (NO_RESTRICTION) left
#   out with a warning; LOWFT upper 400 ft = 121.92 m, REQ_AUTHORISATION for
#   POPULATION -> infrastructure (an approval: every code is in 19-zone-codes.sh)
# the Wuzhong plan this file reads (04-wuzhong.sh checks it; made here again,
# under 1 s, so that this file runs alone)
"$PLANNER" check "$W" -o "$RESULT/wz1" >/dev/null 2>&1
ZX=$RESULT/zonex
mkdir -p "$ZX"
cp "$DATA/ed269_zones.json" "$DATA/routes_4549.geojson" "$ZX/"
printf 'name: ed269\ncrs: EPSG:4549\nlayers:\n  - {id: zones, role: zones, path: ed269_zones.json}\n  - {id: routes, role: routes, path: routes_4549.geojson}\n' >"$ZX/ed269.yaml"
"$PLANNER" check "$ZX/ed269.yaml" -o "$ZX/ed269" >"$ZX/ed269.out" 2>"$ZX/ed269.err"
check "11.1 ED-269 circle: THROUGH 2001.905 m inside (72-gon containing the 1000 m circle)" \
    near "$(conf "$ZX/ed269/conflicts.geojson" THROUGH CIRC length_inside_m)" 2001.905 0.2
check "11.2 ED-269 codes -> classes: CIRC no_fly, NATURE eco_redline, LOWFT infrastructure; INFO left out" \
    [ "$(jget "$ZX/ed269/zones.geojson" "' '.join(f['id'] + ':' + f['properties']['class'] for f in d['features'])")" = "CIRC:no_fly NATURE:eco_redline LOWFT:infrastructure" ]
check "11.3 NO_RESTRICTION zone reported as left out" grep -q "1 NO_RESTRICTION zone left out (information only)" "$ZX/ed269.err"
check "11.4 feet become metres: LOWFT ceiling 121.92 m" [ "$(jget "$ZX/ed269/zones.geojson" "[f['properties']['ceiling_m'] for f in d['features'] if f['id']=='LOWFT'][0]")" = 121.92 ]
"$PLANNER" zones "$DATA/square.yaml" --format ed269 -o "$ZX/sq269.json" 2>/dev/null
"$PLANNER" zones "$DATA/square.yaml" --format ed318 -o "$ZX/sq318.json" 2>/dev/null
for f in 269 318; do
    printf 'name: rt%s\ncrs: EPSG:4549\nlayers:\n  - {id: zones, role: zones, path: sq%s.json}\n  - {id: routes, role: routes, path: routes_4549.geojson}\n' $f $f >"$ZX/rt$f.yaml"
    "$PLANNER" check "$ZX/rt$f.yaml" -o "$ZX/rt$f" >/dev/null 2>&1
done
rt_ok=1
for f in 269 318; do
    [ "$(jget "$ZX/rt$f/zones.geojson" "[(x['id'], x['properties']['class'], x['properties']['ceiling_m'], x['properties']['accuracy'], x['properties']['license']) for x in d['features']]")" = "[('SQ', 'no_fly', 300, 'illustrative', 'CC0-1.0')]" ] || rt_ok=0
    near "$(conf "$ZX/rt$f/conflicts.geojson" THROUGH SQ length_inside_m)" 2000 0.05 || rt_ok=0
done
check "11.5 ED-269 and ED-318 round trip of the square: class, ceiling, provenance kept; THROUGH 2000 m inside (to 0.05 m)" [ $rt_ok -eq 1 ]
# (the ED-318 texts are {text, lang} lists, zh-CN first: the no_fly class's
# label 禁飞区 No-fly and its verdict 禁飞 forbidden; 27-ed-conform.sh
# validates the files against the standards' schemas)
check "11.6 ED-318 export: restriction and reason codes, texts as {text, lang} lists, vertical layer with references" python3 - "$ZX/sq318.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = d['features'][0]
p, g = f['properties'], f['geometry']
assert d['type'] == 'FeatureCollection' and p['type'] == 'PROHIBITED' and p['reason'] == ['SENSITIVE']
assert p['identifier'] == 'SQ' and p['message'][0] == {'lang': 'zh-CN', 'text': '禁飞（禁飞区）'}, p['message']
assert p['message'][1]['lang'] == 'en' and p['message'][1]['text'].startswith('forbidden; zone accuracy: illustrative; basis: ')
assert p['otherReasonInfo'] == [{'lang': 'zh-CN', 'text': '禁飞区'}, {'lang': 'en', 'text': 'No-fly; planner: class=no_fly'}]
assert g['type'] == 'Polygon' and g['layer'] == {'upper': 300, 'upperReference': 'AGL', 'lower': 0, 'lowerReference': 'AGL', 'uom': 'm'}
PY
"$PLANNER" zones "$W" --format ed318 -o "$ZX/wz318.json" 2>/dev/null
check "11.7 Wuzhong zones in ED-318: every zone, airports REQ_AUTHORIZATION/AIR_TRAFFIC, eco red line NO_RESTRICTION (an advisory, not an airspace class)" python3 - "$ZX/wz318.json" "$RESULT/wz1/zones.geojson" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))['features']
z = [f for f in json.load(open(sys.argv[2]))['features'] if f['geometry']]
assert sorted(f['id'] for f in e) == sorted(f['id'] for f in z)
for f in e:
    p = f['properties']
    c = p['extendedProperties']['planner_class']
    if c == 'airport':
        assert (p['type'], p['reason']) == ('REQ_AUTHORIZATION', ['AIR_TRAFFIC'])
    if c == 'eco_redline':
        assert p['type'] == 'NO_RESTRICTION', p
PY
ogr2ogr -f KML "$ZX/square.kml" "$DATA/square_4549.geojson" >/dev/null 2>&1
ogr2ogr -f LIBKML "$ZX/square.kmz" "$DATA/square_4549.geojson" >/dev/null 2>&1
for k in kml kmz; do
    printf 'name: %s\ncrs: EPSG:4549\nlayers:\n  - {id: zones, role: zones, path: square.%s, class: no_fly}\n  - {id: routes, role: routes, path: routes_4549.geojson}\n' $k $k >"$ZX/$k.yaml"
    "$PLANNER" check "$ZX/$k.yaml" -o "$ZX/$k" >/dev/null 2>&1
done
kml_ok=1
for k in kml kmz; do near "$(conf "$ZX/$k/conflicts.geojson" THROUGH SQ length_inside_m)" 2000 0.05 || kml_ok=0; done
check "11.8 KML and KMZ zone files: THROUGH 2000 m inside the square (to 0.05 m)" [ $kml_ok -eq 1 ]
"$PLANNER" fence "$DATA/square.yaml" BESIDE --firmware ardupilot -o "$ZX/beside.plan" >/dev/null 2>&1
check "11.9 fence for BESIDE: QGC plan for ArduPilot, 2 waypoints, the corridor included, the square's part within 2 km of the corridor (y >= 3450250) excluded, never shrunk" python3 - "$ZX/beside.plan" <<'PY'
import json, subprocess, sys
d = json.load(open(sys.argv[1]))
assert d['fileType'] == 'Plan' and d['mission']['firmwareType'] == 3 and len(d['mission']['items']) == 2
polys = d['geoFence']['polygons']
inc = [p for p in polys if p['inclusion']]
exc = [p for p in polys if not p['inclusion']]
assert len(inc) == 1 and len(exc) == 1, polys
def inside(pt, poly):
    x, y = pt; c = False
    for (y1, x1), (y2, x2) in zip(poly, poly[1:] + poly[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1): c = not c
    return c
corners = []
for e, n in ((500000, 3450251), (502000, 3450251), (502000, 3452000), (500000, 3452000)):
    out = subprocess.run(['cs2cs', '-f', '%.9f', 'EPSG:4549', 'EPSG:4326'], input='%d %d\n' % (n, e), capture_output=True, text=True).stdout.split()
    corners.append((float(out[1]), float(out[0])))
assert all(inside(c, exc[0]['polygon']) for c in corners), 'a corner of the square is outside its exclusion fence'
lats = [p[0] for p in exc[0]['polygon']]
assert min(lats) > 31.1737, 'the fence reaches more than 2 km beyond the corridor (y 3450250 is lat 31.17386)'
PY
"$PLANNER" fence "$DATA/square.yaml" NOPE >/dev/null 2>"$ZX/fence_bad.err"
check "11.10 fence for an unknown route: exit 2, names it" sh -c "[ $? -eq 2 ] && grep -q \"no route 'NOPE'\" '$ZX/fence_bad.err'"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/11-zone-exchange.sh)"
echo "1..$n"
