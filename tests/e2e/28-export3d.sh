#!/bin/sh
# tests/e2e/28-export3d.sh - end-to-end tests, section 28: routes in 3D in
#   every output, plan.kml for Google Earth, plan.gpkg standing alone, no
#   repeated consecutive points (issue 25, part 2)
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/28-export3d.sh).
#
# The scenario, written below in EPSG:4549 metres (light aircraft, w 10 m,
# band 0, no terrain model):
#   AP  airport (approval) x 500800..501200, y 3449800..3450200
#   NF  no_fly             x 500800..501200, y 3451800..3452200
#   CLIMB   y 3450000, x 500000 -> 502000, waypoints at 30, 100, 100, 30 m
#           (x 500000, 500500, 501500, 502000): enters AP, its corridor
#           meets AP from 800 - 10 = 790 m to 1200 + 10 = 1210 m along:
#           approval, one approval to apply for (AP, 790-1210 m)
#   TWICE   y 3451000, waypoints (500000, 50), (500000, 50) again,
#           (501000, 80): free; written with 2 positions, Z 50 and 80
#           (the repeated waypoint once); waypoint_altitudes_m [50,50,80]
#   BLOCKED y 3452000, x 500000 -> 502000 at 60 m: through NF, forbidden,
#           rerouted (reroutes.geojson, every position at 60 m)
#   boundary: district D (a polygon) and its seat S (a point)
#   water:    lake L, a polygon with its second vertex given twice
# Without a terrain model the altitudes are as given above a flat datum:
# altitude_mode relativeToGround (KML draws them above the ground, the true
# height Art. 19 counts); with data/terrain.yaml's model (vertical datum
# "test datum") they are above that datum: absolute.
set -u
. "$(dirname "$0")/setup"
PLANNED=14   # the tests this file runs, declared: one that vanishes is a failure

S=$RESULT/e3d
mkdir -p "$S"
P='"source":"test","license":"CC0-1.0","accuracy":"exact (by construction)"'
CRS='"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}}'
cat >"$S/e3d.yaml" <<EOF
name: e3d
crs: EPSG:4549
route_defaults: {aircraft_class: light, half_width_m: 10, band_below_m: 0, band_above_m: 0}
layers:
  - {id: zones, role: zones, path: zones.geojson}
  - {id: routes, role: routes, path: routes.geojson}
  - {id: district, role: boundary, path: boundary.geojson}
  - {id: lake, role: water, path: water.geojson}
EOF
cat >"$S/zones.geojson" <<EOF
{"type":"FeatureCollection",$CRS,"features":[
{"type":"Feature","properties":{"id":"AP","name":"airport","class":"airport","floor_m":0,"ceiling_m":null,$P},
 "geometry":{"type":"Polygon","coordinates":[[[500800,3449800],[501200,3449800],[501200,3450200],[500800,3450200],[500800,3449800]]]}},
{"type":"Feature","properties":{"id":"NF","name":"no-fly","class":"no_fly","floor_m":0,"ceiling_m":null,$P},
 "geometry":{"type":"Polygon","coordinates":[[[500800,3451800],[501200,3451800],[501200,3452200],[500800,3452200],[500800,3451800]]]}}
]}
EOF
cat >"$S/routes.geojson" <<EOF
{"type":"FeatureCollection",$CRS,"features":[
{"type":"Feature","properties":{"id":"CLIMB","name":"climb and descend","kind":"test","status":"planned",$P},
 "geometry":{"type":"LineString","coordinates":[[500000,3450000,30],[500500,3450000,100],[501500,3450000,100],[502000,3450000,30]]}},
{"type":"Feature","properties":{"id":"TWICE","name":"a waypoint twice","kind":"test","status":"existing",$P},
 "geometry":{"type":"LineString","coordinates":[[500000,3451000,50],[500000,3451000,50],[501000,3451000,80]]}},
{"type":"Feature","properties":{"id":"BLOCKED","name":"through the no-fly square","kind":"test","status":"planned",$P},
 "geometry":{"type":"LineString","coordinates":[[500000,3452000,60],[502000,3452000,60]]}}
]}
EOF
cat >"$S/boundary.geojson" <<EOF
{"type":"FeatureCollection",$CRS,"features":[
{"type":"Feature","properties":{"id":"D","name":"test district","kind":"district",$P},
 "geometry":{"type":"Polygon","coordinates":[[[499000,3449000],[503000,3449000],[503000,3453000],[499000,3453000],[499000,3449000]]]}},
{"type":"Feature","properties":{"id":"S","name":"district seat","kind":"township",$P},
 "geometry":{"type":"Point","coordinates":[501000,3450500]}}
]}
EOF
cat >"$S/water.geojson" <<EOF
{"type":"FeatureCollection",$CRS,"features":[
{"type":"Feature","properties":{"id":"L","name":"test lake","kind":"lake",$P},
 "geometry":{"type":"Polygon","coordinates":[[[502200,3450500],[502800,3450500],[502800,3450500],[502800,3451500],[502200,3451500],[502200,3450500]]]}}
]}
EOF
O=$RESULT/out
"$PLANNER" run "$S/e3d.yaml" -o "$O" --format kml --no-db >"$RESULT/run.out" 2>&1
check "28.1 run: exit 0, CLIMB approval, TWICE free, BLOCKED forbidden and rerouted" sh -c "[ $? -eq 0 ] &&
    [ '$(route "$O/routes.geojson" CLIMB verdict) $(route "$O/routes.geojson" TWICE verdict) $(route "$O/routes.geojson" BLOCKED verdict)' = 'approval free forbidden' ] &&
    [ '$(jget "$O/reroutes.geojson" "len(d['features'])")' = 1 ]"

# ogrinfo's geometries of a layer: one "ID TYPE x y z,x y z,..." line a feature
geoms() {
    ogrinfo -ro -q -fields=NO "$@" | python3 -c "
import re, sys
for m in re.finditer(r'^  ([A-Z]+(?: Z)?) \((.*)\)\s*$', sys.stdin.read(), re.M):
    print(m.group(1).replace(' ', ''), m.group(2))"
}

# ---- the GeoPackage -------------------------------------------------------------
check "28.2 plan.gpkg routes: LineString Z, the waypoints at (x, y) to 0.02 m and Z exactly 30,100,100,30 / 50,80 / 60,60" python3 - "$O/plan.gpkg" <<'PY'
import re, subprocess, sys
info = subprocess.run(['ogrinfo', '-ro', '-so', sys.argv[1], 'routes'], capture_output=True, text=True, check=True).stdout
assert 'Geometry: 3D Line String' in info, info
out = subprocess.run(['ogrinfo', '-ro', '-q', sys.argv[1], 'routes'], capture_output=True, text=True, check=True).stdout
got = {}
for f in re.split(r'OGRFeature\(routes\):\d+\n', out)[1:]:
    rid = re.search(r'^  id \(String\) = (.*)$', f, re.M).group(1)
    line = re.search(r'LINESTRING Z \((.*)\)', f).group(1)
    got[rid] = [tuple(map(float, p.split())) for p in line.split(',')]
want = {'CLIMB': [(500000, 3450000, 30), (500500, 3450000, 100), (501500, 3450000, 100), (502000, 3450000, 30)],
        'TWICE': [(500000, 3451000, 50), (501000, 3451000, 80)],
        'BLOCKED': [(500000, 3452000, 60), (502000, 3452000, 60)]}
assert set(got) == set(want), got
for k, w in want.items():
    assert len(got[k]) == len(w), (k, got[k])
    for (x, y, z), (wx, wy, wz) in zip(got[k], w):
        assert abs(x - wx) <= 0.02 and abs(y - wy) <= 0.02 and z == wz, (k, got[k])
PY
check "28.3 plan.gpkg: waypoint_altitudes_m [30,100,100,30], altitude_mode relativeToGround, the datum stated (flat, not ellipsoidal) on every route and in the layer's description" python3 - "$O/plan.gpkg" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = {r[0]: r[1:] for r in db.execute('SELECT id, waypoint_altitudes_m, altitude_mode, altitude_datum FROM routes')}
assert json.loads(rows['CLIMB'][0]) == [30, 100, 100, 30] and json.loads(rows['TWICE'][0]) == [50, 50, 80], rows
for k, (_, mode, datum) in rows.items():
    assert mode == 'relativeToGround', (k, mode)
    assert 'above a flat datum (no terrain model)' in datum and 'not WGS84 ellipsoidal height' in datum and 'not AMSL' in datum, datum
desc = dict(db.execute("SELECT table_name, description FROM gpkg_contents WHERE table_name IN ('routes', 'reroutes')"))
assert desc == {'routes': rows['CLIMB'][2], 'reroutes': rows['CLIMB'][2]}, desc   # the layer says it too
PY
check "28.4 plan.gpkg stands alone: water 1 (L), boundary 1 (D), boundary_points 1 (S), each with source, license, accuracy" python3 - "$O/plan.gpkg" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for t, ids in (('water', ['L']), ('boundary', ['D']), ('boundary_points', ['S'])):
    rows = db.execute(f'SELECT id, layer, name, source, license, accuracy FROM "{t}"').fetchall()
    assert [r[0] for r in rows] == ids, (t, rows)
    assert all(r[3] == 'test' and r[4] == 'CC0-1.0' and r[5] == 'exact (by construction)' for r in rows), rows
kinds = dict(db.execute('SELECT table_name, geometry_type_name FROM gpkg_geometry_columns'))
assert (kinds['water'], kinds['boundary'], kinds['boundary_points'], kinds['routes']) == \
    ('MULTIPOLYGON', 'MULTIPOLYGON', 'POINT', 'LINESTRING'), kinds
assert db.execute("SELECT z FROM gpkg_geometry_columns WHERE table_name='routes'").fetchone()[0] == 1
PY

# ---- GeoJSON ---------------------------------------------------------------------
check "28.5 routes.geojson and reroutes.geojson: 3 coordinates a position, Z by waypoint; the same datum and mode" python3 - "$O" <<'PY'
import json, sys
r = {f['id']: f for f in json.load(open(sys.argv[1] + '/routes.geojson'))['features']}
z = lambda f: [p[2] for p in f['geometry']['coordinates']]
assert all(len(p) == 3 for f in r.values() for p in f['geometry']['coordinates'])
assert (z(r['CLIMB']), z(r['TWICE']), z(r['BLOCKED'])) == ([30, 100, 100, 30], [50, 80], [60, 60])
assert r['CLIMB']['geometry']['coordinates'][0] == [120, 31.171602, 30]   # t_export's lon/lat of (500000, 3450000)
rr = json.load(open(sys.argv[1] + '/reroutes.geojson'))['features'][0]
assert rr['id'] == 'BLOCKED' and all(len(p) == 3 and p[2] == 60 for p in rr['geometry']['coordinates'])
assert len(rr['geometry']['coordinates']) > 2   # around NF
for f in list(r.values()) + [rr]:
    assert f['properties']['altitude_mode'] == 'relativeToGround'
    assert f['properties']['altitude_datum'] == r['CLIMB']['properties']['altitude_datum']
PY

# ---- KML ---------------------------------------------------------------------------
check "28.6 plan.kml read by OGR: routes LineString Z with Z 30,100,100,30 / 50,80 / 60,60 and altitudeMode relativeToGround" python3 - "$O/plan.kml" <<'PY'
import re, subprocess, sys
out = subprocess.run(['ogrinfo', '-ro', '-q', sys.argv[1], 'routes'], capture_output=True, text=True, check=True).stdout
feats = re.split(r'OGRFeature\(routes\):\d+\n', out)[1:]
zs = {}
for f in feats:
    rid = re.search(r'^  id \(String\) = (.*)$', f, re.M).group(1)
    assert re.search(r'^  altitudeMode \(String\) = relativeToGround$', f, re.M), f
    line = re.search(r'LINESTRING Z \((.*)\)', f).group(1)
    zs[rid] = [float(p.split()[2]) for p in line.split(',')]
assert zs == {'CLIMB': [30, 100, 100, 30], 'TWICE': [50, 80], 'BLOCKED': [60, 60]}, zs
PY
check "28.7 plan.kml: every route extruded, relativeToGround; every placemark named; conflicts named route / zone: verdict; no ogr-sym icon" python3 - "$O/plan.kml" <<'PY'
import sys, xml.etree.ElementTree as ET
K = '{http://www.opengis.net/kml/2.2}'
doc = ET.parse(sys.argv[1]).getroot()
pms = list(doc.iter(K + 'Placemark'))
assert len(pms) == 8, len(pms)  # 2 zones, 2 conflicts, 3 routes, 1 reroute
for pm in pms:
    assert (pm.findtext(K + 'name') or '').strip(), pm.get('id')
    if pm.get('id').startswith(('routes.', 'reroutes.')):
        ls = pm.find(K + 'LineString')
        assert ls.findtext(K + 'altitudeMode') == 'relativeToGround' and ls.findtext(K + 'extrude') == '1', pm.get('id')
names = sorted(pm.findtext(K + 'name') for pm in pms if pm.get('id').startswith('conflicts.'))
assert names == ['climb and descend / airport: 需报批 approval', 'through the no-fly square / no-fly: 禁飞 forbidden'], names
assert 'ogr-sym' not in open(sys.argv[1], encoding='utf-8').read()
PY
check "28.8 plan.kml: CLIMB's description: verdict and approvals, Chinese first with English beside, and what Z is" python3 - "$O/plan.kml" <<'PY'
import sys, xml.etree.ElementTree as ET
K = '{http://www.opengis.net/kml/2.2}'
d = {pm.findtext(K + 'name'): pm.findtext(K + 'description') for pm in ET.parse(sys.argv[1]).getroot().iter(K + 'Placemark')}
c = d['climb and descend'].split('\n')
assert c[0] == '结论 Verdict: 需报批 approval', c
assert c[2] == '需报批 Approvals to apply for (1):', c
assert c[3] == '1. 空域使用（管制空域） airspace use (controlled airspace): AP, 沿线 790-1210 m along the route', c
assert c[-2].startswith('Z 为航点高度') and c[-1].startswith('Z: waypoint altitude in metres'), c
assert d['a waypoint twice'].split('\n')[:3] == ['结论 Verdict: 适飞 free',
    '冲突 Conflicts: 禁飞 forbidden 0, 需报批 approval 0, 提示 advisory 0', '需报批 Approvals: 无 none'], d['a waypoint twice']
PY

# ---- no repeated consecutive points, anywhere ----------------------------------------
# The input holds two (TWICE's second waypoint, the lake's third vertex):
# the scan would find them had the writer kept them.
cat >"$RESULT/repeats.py" <<'PY'
# python3 repeats.py FILE...: "N" repeated consecutive positions over every
# geometry of every file (.geojson: JSON; .gpkg and .kml: every layer read by
# ogrinfo, positions compared as it prints them)
import json, re, subprocess, sys
def seqs(c):
    if c and isinstance(c[0], (int, float)):
        return
    if c and isinstance(c[0], list) and c[0] and isinstance(c[0][0], (int, float)):
        yield c
        return
    for s in c:
        yield from seqs(s)
n = 0
for f in sys.argv[1:]:
    if f.endswith('.geojson'):
        for ft in json.load(open(f))['features']:
            if ft['geometry']:
                for s in seqs(ft['geometry']['coordinates']):
                    n += sum(s[i] == s[i - 1] for i in range(1, len(s)))
        continue
    out = subprocess.run(['ogrinfo', '-ro', '-al', '-q', '-fields=NO', f], capture_output=True, text=True, check=True).stdout
    for m in re.finditer(r'\(([-0-9. ,]+)\)', out):  # the innermost parentheses: one line or ring
        p = [q.strip() for q in m.group(1).split(',')]
        n += sum(p[i] == p[i - 1] for i in range(1, len(p)))
print(n)
PY
check "28.9 the input has 2 repeated consecutive points (the scan finds them)" \
    [ "$(python3 "$RESULT/repeats.py" "$S/routes.geojson" "$S/water.geojson")" = 2 ]
check "28.10 no repeated consecutive point in any output geometry: every .geojson, every plan.gpkg layer, plan.kml" \
    [ "$(python3 "$RESULT/repeats.py" "$O"/*.geojson "$O/plan.gpkg" "$O/plan.kml")" = 0 ]
check "28.11 Wuzhong: none either (every .geojson, plan.gpkg with water and boundary, plan.kml)" sh -c "
    '$PLANNER' run '$W' -o '$RESULT/wz' --format kml --no-db >/dev/null 2>&1 &&
    [ \"\$(python3 '$RESULT/repeats.py' '$RESULT'/wz/*.geojson '$RESULT/wz/plan.gpkg' '$RESULT/wz/plan.kml')\" = 0 ]"

# ---- with a terrain model: above its datum, absolute -----------------------------------
T=$RESULT/terrain
"$PLANNER" run "$DATA/terrain.yaml" -o "$T" --format kml --no-db >"$RESULT/terrain.out" 2>&1
check "28.12 with data/terrain.yaml's model: altitude_mode absolute, Z above its 'test datum'; KML altitudeMode absolute" python3 - "$T" <<'PY'
import json, sys, xml.etree.ElementTree as ET
K = '{http://www.opengis.net/kml/2.2}'
for f in json.load(open(sys.argv[1] + '/routes.geojson'))['features']:
    p = f['properties']
    assert p['altitude_mode'] == 'absolute', p['altitude_mode']
    assert p['altitude_datum'] == ("Z: waypoint altitude in metres above the terrain model's vertical datum (test datum); "
                                   'not WGS84 ellipsoidal height'), p['altitude_datum']
modes = {e.text for e in ET.parse(sys.argv[1] + '/plan.kml').getroot().iter(K + 'altitudeMode')}
assert modes == {'absolute'}, modes
PY
# ---- proposals: data/proposals.geojson (EPSG:4549, PA at 400 m, PY at 250 m) ----
"$PLANNER" validate "$S/e3d.yaml" "$DATA/proposals.geojson" --geojson "$RESULT/proposals.geojson" >/dev/null 2>&1
check "28.13 validate --geojson: proposals 3D, PA at 400, 400 and PY at 250, 250, relativeToGround" python3 - "$RESULT/proposals.geojson" <<'PY'
import json, sys
p = {f['id']: f for f in json.load(open(sys.argv[1]))['features']}
z = lambda k: [c[2] for c in p[k]['geometry']['coordinates']]
assert (z('PA'), z('PY')) == ([400, 400], [250, 250]), (z('PA'), z('PY'))
assert all(f['properties']['altitude_mode'] == 'relativeToGround' for f in p.values())
PY
# ---- a designed route: data/design.yaml lays P out around its zones at 100 m ----
"$PLANNER" run "$DATA/design.yaml" -o "$RESULT/design" --no-db >/dev/null 2>&1
check "28.14 designed routes carry their designed profile: P's positions are its designed waypoints (more than its 2 ends), each at 100 m" python3 - "$RESULT/design/routes.geojson" <<'PY'
import json, sys
r = {f['id']: f for f in json.load(open(sys.argv[1]))['features']}
p = r['P']
c = p['geometry']['coordinates']
assert p['properties']['alignment'] == 'designed' and len(c) > 2, (p['properties']['alignment'], c)
assert [x[2] for x in c] == p['properties']['waypoint_altitudes_m'] == [100] * len(c), c
PY
[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/28-export3d.sh)"
echo "1..$n"
