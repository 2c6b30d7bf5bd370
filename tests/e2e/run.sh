#!/bin/sh
# End-to-end tests: run bin/planner on small scenarios whose answers are
# computed by hand, on the Wuzhong scenario, and on bad inputs.
# Prints TAP lines (ok N / not ok N); tests/run.sh counts them.
#
# Test plan
#   1.* the 2 km no-fly square (EPSG:4549, x 500000-502000, y 3450000-3452000,
#       ceiling 300 m) and five routes:
#       THROUGH  y=3451000 at 120 m, w=50: 2000 m inside, entry (500000,3451000),
#                exit (502000,3451000); corridor meets the zone over 2100 m
#       BESIDE   y=3452300: 300 m from the zone -> clearance 300 - 50 = 250 m
#       ABOVE    at 400 m, band +-20: above the 300 m ceiling -> no conflict
#       CLIMB    200 m -> 400 m over x 499000-503000, band 0: altitude 250 m at
#                x=500000 and 300 m at x=501000 -> 1000 m inside, exit at 300 m
#       EDGE     y=3452030, w=50: centreline stays out, the corridor meets the
#                zone over 2000 + 2*sqrt(50^2-30^2) = 2080 m
#   2.* the same square in EPSG:4326 (GeoJSON) and in a GeoPackage: same answers
#   3.* rule classes: warning (eco_control) and min_overflight_m (eco_redline)
#   4.* the Wuzhong scenario: verdicts, RFC 7946 output, determinism
#   5.* bad inputs: features repaired, rejected, skipped (the exit-2 cases:
#       tests/bad/cases)
#   6.* command line: --help on each command
#   7.* the Wuzhong layer set   8.* siting   9.* proposals and reroutes
#  10.* QGIS, KML, map and report: plan.gpkg with a layer_styles row per layer,
#       .qml beside the GeoJSON, plan.svg marks every vertiport and route,
#       report.html self-contained
#  14.* hostile names (quotes, control bytes, U+1F681, </script>, <img ...>,
#       ]]>): every JSON output parses and gives them back; HTML, SVG and
#       KML escape them
#  15.* single-file outputs killed at any moment: the old bytes or the new
#  16.* a vertical climb through a 60-90 m band; a 22,360 m circle crossed 1 m
#       inside its rim (chord 422.94 m), touched, missed by 1 mm
set -u
. "$(dirname "$0")/setup"
# The number of tests this file runs, declared: a test that vanishes (a
# branch not taken, a driver that stopped early) is then a failure, not a
# smaller count.  Change it with the tests.
PLANNED=200

conf() { # conf FILE ROUTE ZONE FIELD -> value of FIELD of that conflict
    jget "$1" "[f['properties']['$4'] for f in d['features'] if f['properties']['route_id']=='$2' and f['properties']['zone_id']=='$3'][0]"
}
route() { # route FILE ROUTE FIELD
    jget "$1" "[f['properties']['$3'] for f in d['features'] if f['properties']['id']=='$2'][0]"
}
to4549() { # to4549 LON LAT -> "x y" in EPSG:4549 (PROJ's cs2cs, independent of the planner)
    echo "$2 $1" | cs2cs -f %.4f EPSG:4326 EPSG:4549 | awk '{print $2, $1}'
}
near_pt() { # near_pt LON LAT X Y TOL: the lon/lat point is (X, Y) in EPSG:4549
    set -- $(to4549 "$1" "$2") "$3" "$4" "$5"
    near "$1" "$3" "$5" && near "$2" "$4" "$5"
}

# ---- 1. the square ------------------------------------------------------
S=$RESULT/square
"$PLANNER" check "$DATA/square.yaml" -o "$S" >"$RESULT/square.out" 2>&1
rc=$?
[ $rc -eq 1 ] && ok "1.1 check exits 1 on a blocking conflict" || notok "1.1 check exits 1 on a blocking conflict" "exit $rc"
C=$S/conflicts.geojson
R=$S/routes.geojson
check "1.2 THROUGH: 2000 m inside (to 0.01 m)" near "$(conf $C THROUGH SQ length_inside_m)" 2000 0.01
check "1.3 THROUGH: entry exactly at (500000, 3451000)" \
    near_pt "$(conf $C THROUGH SQ entry_lon)" "$(conf $C THROUGH SQ entry_lat)" 500000 3451000 0.01
check "1.4 THROUGH: exit exactly at (502000, 3451000)" \
    near_pt "$(conf $C THROUGH SQ exit_lon)" "$(conf $C THROUGH SQ exit_lat)" 502000 3451000 0.01
check "1.5 THROUGH: corridor meets the zone over 2100 m" near "$(conf $C THROUGH SQ corridor_length_m)" 2100 0.01
check "1.6 THROUGH: blocked, altitude overlap 100-140 m" \
    sh -c "[ '$(route $R THROUGH verdict)' = blocked ] && [ '$(conf $C THROUGH SQ alt_overlap_lo_m)' = 100 ] && [ '$(conf $C THROUGH SQ alt_overlap_hi_m)' = 140 ]"
check "1.7 THROUGH: overlap polygon is 2000 m x 100 m" near "$(conf $C THROUGH SQ overlap_area_m2)" 200000 0.5
check "1.8 BESIDE: clear, clearance 300 - 50 = 250 m to SQ" \
    sh -c "[ '$(route $R BESIDE verdict)' = clear ] && [ '$(route $R BESIDE clearance_zone_id)' = SQ ]"
check "1.9 BESIDE: clearance 250 m (to 0.01 m)" near "$(route $R BESIDE clearance_m)" 250 0.01
check "1.10 ABOVE: above the ceiling, no conflict" \
    sh -c "[ '$(route $R ABOVE verdict)' = clear ] && [ '$(jget $C "sum(1 for f in d['features'] if f['properties']['route_id']=='ABOVE')")' = 0 ]"
check "1.11 CLIMB: 1000 m inside below the ceiling" near "$(conf $C CLIMB SQ length_inside_m)" 1000 0.01
check "1.12 CLIMB: entry at 250 m (x=500000)" near "$(conf $C CLIMB SQ entry_alt_m)" 250 0.001
check "1.13 CLIMB: exit at 300 m, the ceiling, at x=501000" \
    near_pt "$(conf $C CLIMB SQ exit_lon)" "$(conf $C CLIMB SQ exit_lat)" 501000 3450500 0.01
check "1.14 CLIMB: exit altitude 300 m" near "$(conf $C CLIMB SQ exit_alt_m)" 300 0.001
check "1.15 EDGE: corridor conflict, centreline outside" \
    sh -c "[ '$(conf $C EDGE SQ centreline_enters)' = False ] && [ '$(conf $C EDGE SQ length_inside_m)' = 0 ]"
check "1.16 EDGE: corridor meets the zone over 2080 m" near "$(conf $C EDGE SQ corridor_length_m)" 2080 0.05
check "1.17 text output names zone, class and length" grep -q 'blocking SQ "2 km square" (no_fly): 2000.00 m inside' "$RESULT/square.out"

# ---- 2. same zone in EPSG:4326 and in a GeoPackage ------------------------
ogr2ogr -f GeoJSON -t_srs EPSG:4326 -lco COORDINATE_PRECISION=12 "$RESULT/square_4326.geojson" "$DATA/square_4549.geojson"
cat >"$RESULT/square4326.yaml" <<EOF
name: square4326
data_root: ..
layers:
  - {id: zones, role: zones, path: square_4326.geojson}
  - {id: routes, role: routes, path: ../data/routes_4549.geojson}
EOF
ogr2ogr -f GPKG -nln zones "$RESULT/square.gpkg" "$DATA/square_4549.geojson"
ogr2ogr -f GPKG -update -nln routes "$RESULT/square.gpkg" "$DATA/routes_4549.geojson"
cat >"$RESULT/squaregpkg.yaml" <<EOF
name: squaregpkg
layers:
  - {id: zones, role: zones, path: square.gpkg, layer: zones}
  - {id: routes, role: routes, path: square.gpkg, layer: routes}
EOF
for v in 4326 gpkg; do
    "$PLANNER" check "$RESULT/square$v.yaml" -o "$RESULT/sq$v" >/dev/null 2>&1
    C2=$RESULT/sq$v/conflicts.geojson
    R2=$RESULT/sq$v/routes.geojson
    check "2.$v.1 THROUGH: same length inside" near "$(conf $C2 THROUGH SQ length_inside_m)" "$(conf $C THROUGH SQ length_inside_m)" 0.01
    check "2.$v.2 THROUGH: same entry point" near_pt "$(conf $C2 THROUGH SQ entry_lon)" "$(conf $C2 THROUGH SQ entry_lat)" 500000 3451000 0.01
    check "2.$v.3 BESIDE: same clearance" near "$(route $R2 BESIDE clearance_m)" 250 0.01
    check "2.$v.4 CLIMB: same length inside" near "$(conf $C2 CLIMB SQ length_inside_m)" 1000 0.01
    check "2.$v.5 same verdicts" sh -c "[ '$(jget $R2 "[f['properties']['verdict'] for f in d['features']]")' = '$(jget $R "[f['properties']['verdict'] for f in d['features']]")' ]"
done
"$PLANNER" layers "$RESULT/squaregpkg.yaml" >"$RESULT/layers_gpkg.out" 2>&1
check "2.6 layers reports the GPKG driver and its CRS" grep -q "driver GPKG, layer 'zones', source CRS EPSG:4549" "$RESULT/layers_gpkg.out"

# ---- 3. rule classes ------------------------------------------------------
"$PLANNER" check "$DATA/eco.yaml" -o "$RESULT/eco" >/dev/null 2>&1
rc=$?
R3=$RESULT/eco/routes.geojson
C3=$RESULT/eco/conflicts.geojson
check "3.1 eco: exit 1 (LOW is blocked)" [ $rc -eq 1 ]
check "3.2 WARN through eco_control: verdict warning, severity warning" \
    sh -c "[ '$(route $R3 WARN verdict)' = warning ] && [ '$(conf $C3 WARN ECO_C severity)' = warning ]"
check "3.3 HIGH at 200 m (band 180-220) over a 150 m minimum overflight: clear" [ "$(route $R3 HIGH verdict)" = clear ]
check "3.4 LOW at 160 m (band 140-180): blocked, overlap 140-150 m" \
    sh -c "[ '$(route $R3 LOW verdict)' = blocked ] && [ '$(conf $C3 LOW ECO_R alt_overlap_lo_m)' = 140 ] && [ '$(conf $C3 LOW ECO_R alt_overlap_hi_m)' = 150 ]"
"$PLANNER" check "$DATA/warn.yaml" >/dev/null 2>&1
check "3.5 warnings only: check exits 0" [ $? -eq 0 ]

# ---- 4. the Wuzhong scenario ------------------------------------------------
TOP=$(cd "$E2E/../.." && pwd)
W=$TOP/scenarios/wuzhong-2025.yaml
"$PLANNER" check "$W" -o "$RESULT/wz1" >"$RESULT/wz.out" 2>&1
rc=$?
check "4.1 check runs (exit 0 or 1)" [ $rc -le 1 ]
check "4.2 lists the 6 planned routes" [ "$(grep -c '^  planned ' "$RESULT/wz.out")" -eq 6 ]
check "4.3 lists the 4 existing routes, marked so" [ "$(grep -c '^  existing ' "$RESULT/wz.out")" -eq 4 ]
check "4.4 every route has a verdict" [ "$(grep -cE '^  (planned|existing) .*: (clear|warning|blocked)' "$RESULT/wz.out")" -eq 10 ]
check "4.5 ogrinfo reads routes.geojson: 10 features" sh -c "ogrinfo -ro -so '$RESULT/wz1/routes.geojson' routes | grep -q 'Feature Count: 10'"
check "4.6 routes lie inside the district's box (119.9162,30.9286 - 120.8974,31.3399)" sh -c "
    ogrinfo -ro -so '$RESULT/wz1/routes.geojson' routes | grep Extent | tr -d '(),-' |
    awk '{ exit !(\$2 >= 119.9162 && \$3 >= 30.9286 && \$4 <= 120.8974 && \$5 <= 31.3399) }'"
check "4.7 RFC 7946: no crs member, exterior rings counter-clockwise, holes clockwise, <= 7 decimals" \
    python3 - "$RESULT/wz1/zones.geojson" "$RESULT/wz1/conflicts.geojson" <<'PY'
import json, sys
def area(r): return sum(x0*y1 - x1*y0 for (x0, y0), (x1, y1) in zip(r, r[1:]))
for fn in sys.argv[1:]:
    text = open(fn).read()
    d = json.loads(text)
    assert 'crs' not in d
    for f in d['features']:
        g = f['geometry']
        if not g: continue
        polys = [g['coordinates']] if g['type'] == 'Polygon' else g['coordinates']
        for p in polys:
            assert area(p[0]) > 0, (fn, f['id'], 'outer ring clockwise')
            for h in p[1:]:
                assert area(h) < 0, (fn, f['id'], 'hole counter-clockwise')
            for r in p:
                for c in r:
                    for v in c:
                        s = repr(v)
                        assert '.' not in s or len(s.split('.')[1]) <= 7, (fn, v)
PY
"$PLANNER" run "$W" -o "$RESULT/wz2" >/dev/null 2>&1
check "4.8 two runs give byte-identical files, GeoPackage, map and report included (summary.json: all but its time_ms value)" sh -c "
    ls '$RESULT/wz1' > '$RESULT/wz1.ls' && ls '$RESULT/wz2' | cmp -s - '$RESULT/wz1.ls' &&
    [ \$(wc -l < '$RESULT/wz1.ls') -ge 17 ] &&
    for f in \$(cat '$RESULT/wz1.ls'); do [ \$f = summary.json ] ||
        cmp -s '$RESULT/wz1/'\$f '$RESULT/wz2/'\$f || { echo \$f differs; exit 1; }; done &&
    [ \"\$(sed 's/\"time_ms\":[0-9.]*/T/' '$RESULT/wz1/summary.json')\" = \"\$(sed 's/\"time_ms\":[0-9.]*/T/' '$RESULT/wz2/summary.json')\" ] &&
    [ \$(grep -o time_ms '$RESULT/wz1/summary.json' | wc -l) -eq 1 ]"
check "4.9 water layer keeps Taihu's islands as holes" sh -c "
    ogrinfo -ro -q '$TOP/geodata/water.geojson' -dialect SQLite -sql 'SELECT NumInteriorRings(ST_GeometryN(geometry,1)) AS h FROM water' | grep -qE 'h \(Integer\) = [1-9]'"
check "4.10 every Wuzhong feature carries source, license and accuracy" python3 - "$TOP"/geodata/*.geojson <<'PY'
import json, sys
for fn in sys.argv[1:]:
    for f in json.load(open(fn))['features']:
        p = f['properties']
        assert all(p.get(k) for k in ('source', 'license', 'accuracy')), (fn, p.get('id'))
        assert p['accuracy'] in ('osm', 'surveyed', 'rule-derived', 'approximate', 'illustrative'), (fn, p['accuracy'])
PY

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

# ---- 6. command line ----------------------------------------------------------
for c in run check layers; do
    check "6.$c --help prints usage and exits 0" sh -c "'$PLANNER' $c --help | grep -q 'usage: planner $c'"
done
check "6.help: planner --help lists the commands" sh -c "'$PLANNER' --help | grep -q 'planner check SCENARIO'"
"$PLANNER" frobnicate >/dev/null 2>&1
check "6.unknown command exits 2" [ $? -eq 2 ]
"$PLANNER" check "$DATA/square.yaml" --json >"$RESULT/square.json" 2>/dev/null
check "6.--json is valid JSON with the conflict" sh -c "[ '$(jget "$RESULT/square.json" "d['conflicts'][0]['zone_id']")' = SQ ]"

# ---- 7. the Wuzhong layer set ------------------------------------------------
G=$TOP/geodata
python3 "$TOP/tools/wuzhong-geodata.py" "$RESULT/geodata" >"$RESULT/geodata.out" 2>&1
check "7.1 make geodata reproduces geodata/ byte for byte" sh -c "
    cd '$G' && for f in *.geojson; do cmp -s \"\$f\" '$RESULT/geodata/'\"\$f\" || { echo \"differs: \$f\"; exit 1; }; done &&
    [ \$(ls '$RESULT/geodata/'*.geojson | wc -l) -eq \$(ls *.geojson | wc -l) ]"
check "7.2 every feature of every layer has a unique id" python3 - "$G"/*.geojson <<'PY'
import json, sys
for fn in sys.argv[1:]:
    ids = [f['properties']['id'] for f in json.load(open(fn))['features']]
    assert all(ids) and len(ids) == len(set(ids)), fn
PY
check "7.3 every zone has class, floor_m, ceiling_m, altitude_ref and basis" python3 - "$G/airspace.geojson" "$G/protected.geojson" "$G/eco.geojson" <<'PY'
import json, sys
for fn in sys.argv[1:]:
    for f in json.load(open(fn))['features']:
        p = f['properties']
        assert all(k in p for k in ('class', 'floor_m', 'ceiling_m', 'altitude_ref', 'basis')), (fn, p['id'])
        assert p['altitude_ref'] in ('AGL', 'AMSL') and p['basis'], (fn, p['id'])
PY
for f in boundary water eco candidates demand; do
    check "7.4 $f: every geometry is valid (GEOS via SpatiaLite)" sh -c "
        ogrinfo -ro -q '$G/$f.geojson' -dialect SQLite -sql 'SELECT SUM(ST_IsValid(geometry)) AS v, COUNT(*) AS n FROM \"$f\"' |
        awk '/v \\(Integer\\)/ {v=\$4} /n \\(Integer\\)/ {n=\$4} END {exit !(v == n && n > 0)}'"
done
area() { ogrinfo -ro -q "$G/$1.geojson" -dialect SQLite -sql "SELECT SUM(ST_Area(ST_Transform(geometry, 4549)))/1e6 AS a FROM \"$1\" WHERE $2" | awk '/a \(Real\)/ {print $4}'; }
check "7.5 boundary: district area 2150-2260 km2" awk -v a="$(area boundary "kind = 'district'")" 'BEGIN {exit !(a >= 2150 && a <= 2260)}'
check "7.6 water: Taihu inside the district 1450-1560 km2" awk -v a="$(area water "kind = 'lake'")" 'BEGIN {exit !(a >= 1450 && a <= 1560)}'
check "7.7 ZSSZ (Guangfu) lies inside the district boundary" sh -c "
    python3 - '$G' <<'PY'
import json, sys
g = sys.argv[1]
b = [f for f in json.load(open(g + '/boundary.geojson'))['features'] if f['properties']['kind'] == 'district'][0]['geometry']
z = [f for f in json.load(open(g + '/airspace.geojson'))['features'] if f['properties']['airport'] == 'ZSSZ'][0]['geometry']['coordinates']
def inring(p, r):
    c = False
    for (x0, y0), (x1, y1) in zip(r, r[1:]):
        if (y0 > p[1]) != (y1 > p[1]) and p[0] < x0 + (p[1] - y0) * (x1 - x0) / (y1 - y0): c = not c
    return c
polys = [b['coordinates']] if b['type'] == 'Polygon' else b['coordinates']
sys.exit(0 if any(inring(z, p[0]) and not any(inring(z, h) for h in p[1:]) for p in polys) else 1)
PY"
check "7.8 20 township units, as points marked approximate" python3 - "$G/boundary.geojson" <<'PY'
import json, sys
t = [f for f in json.load(open(sys.argv[1]))['features'] if f['properties']['kind'] == 'township']
assert len(t) == 20 and all(f['geometry']['type'] == 'Point' and f['properties']['accuracy'] == 'approximate' for f in t)
PY
check "7.9 at least 150 candidate sites, every one on land in the district" python3 - "$G" <<'PY'
import json, sys
g = sys.argv[1]
def polys(geom): return [geom['coordinates']] if geom['type'] == 'Polygon' else geom['coordinates']
def inring(p, r):
    c = False
    for (x0, y0), (x1, y1) in zip(r, r[1:]):
        if (y0 > p[1]) != (y1 > p[1]) and p[0] < x0 + (p[1] - y0) * (x1 - x0) / (y1 - y0): c = not c
    return c
def inside(p, ps): return any(inring(p, q[0]) and not any(inring(p, h) for h in q[1:]) for q in ps)
d = polys([f for f in json.load(open(g + '/boundary.geojson'))['features'] if f['properties']['kind'] == 'district'][0]['geometry'])
w = polys([f for f in json.load(open(g + '/water.geojson'))['features'] if f['properties']['kind'] == 'lake'][0]['geometry'])
c = json.load(open(g + '/candidates.geojson'))['features']
assert len(c) >= 150, len(c)
bad = [f['properties']['id'] for f in c if not inside(f['geometry']['coordinates'], d) or inside(f['geometry']['coordinates'], w)]
assert not bad, bad
assert all(f['properties']['kind'] in ('town_centre', 'scenic_car_park', 'pier', 'industrial_park', 'hospital', 'logistics_hub') and f['properties']['basis'] for f in c)
PY
check "7.10 3 existing sites, 三山岛 among them, the others marked assumed" python3 - "$G/vertiports_existing.geojson" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))['features']
assert len(v) == 3 and v[0]['properties']['place'] == 'sanshan' and not v[0]['properties']['assumed']
assert all(f['properties']['assumed'] for f in v[1:])
PY
check "7.11 routes: 4 existing and 6 planned, illustrative, each with kind, band and width" python3 - "$G/routes.geojson" <<'PY'
import json, sys
r = [f['properties'] for f in json.load(open(sys.argv[1]))['features']]
assert sorted(p['status'] for p in r) == ['existing'] * 4 + ['planned'] * 6
assert all(p['accuracy'] == 'illustrative' and p['kind'] and p['half_width_m'] > 0 and 'band_below_m' in p for p in r)
PY
"$PLANNER" layers "$TOP/scenarios/wuzhong-2025.yaml" >"$RESULT/wz_layers.out" 2>&1
check "7.12 planner layers: every layer listed, nothing rejected" sh -c "
    [ \$(grep -c '^  driver GeoJSON' '$RESULT/wz_layers.out') -eq 9 ] && [ \$(grep -c ', 0 rejected' '$RESULT/wz_layers.out') -eq 9 ]"
for s in "$TOP"/scenarios/*.yaml; do
    b=$(basename "$s" .yaml)
    "$PLANNER" run "$s" -o "$RESULT/scen_$b" >/dev/null 2>"$RESULT/scen_$b.err"
    check "7.13 scenario $b runs end to end" sh -c "[ $? -eq 0 ] && [ -s '$RESULT/scen_$b/routes.geojson' ] && [ ! -s '$RESULT/scen_$b.err' ]"
done
zarea() { jget "$1" "round([f['properties']['area_m2'] for f in d['features'] if f['id'] == '$2'][0] / 1e6)"; }
check "7.14 airport zones are built by the rule: ZSWX is 20 km x (3.2 km runway + 40 km) = 864 km2" \
    [ "$(zarea "$RESULT/wz1/zones.geojson" ZSWX)" -eq 864 ]
check "7.15 the 15 km rule of the patrol scenario widens it to 30 km x 43.2 km = 1296 km2" \
    [ "$(zarea "$RESULT/scen_taihu-patrol/zones.geojson" ZSWX)" -eq 1296 ]
check "7.16 ZSSZ has no published runway: a circle of radius sqrt(10^2 + 20^2) km" \
    near "$(zarea "$RESULT/wz1/zones.geojson" ZSSZ)" 1571 1

# ---- 8. vertiport siting ------------------------------------------------------
SI=$DATA/siting.yaml
"$PLANNER" site "$SI" -o "$RESULT/site" >"$RESULT/site.out" 2>&1
check "8.1 site: exit 0, 2 new sites chosen beside the built one" sh -c "[ $? -eq 0 ] && grep -q '9 candidates, 3 feasible; 1 built kept, 2 new chosen' '$RESULT/site.out'"
check "8.2 exhaustive optimum: 18 of 18 covered, bound 18, gap 0" grep -q 'demand covered 18.0 of 18.0 (100.0 %), upper bound 18.0, gap 0.00 %' "$RESULT/site.out"
check "8.3 chosen: C_OK and C_OBS, not C_NEAR (300 m from C_OK, separation 1000 m)" sh -c "
    [ \"\$(grep '^  planned' '$RESULT/site.out' | awk '{print \$2}' | tr '\\n' ' ')\" = 'C_OK C_OBS ' ]"
why() { "$PLANNER" site "$SI" --explain "$1" 2>&1 | grep -qF -- "$2"; }
check "8.4 explain C_OUT: outside the district" why C_OUT "- outside the district"
check "8.5 explain C_WATER: in water" why C_WATER "- in water"
check "8.6 explain C_SHORE: 30.4 m safety area (2.0 D of 15.2 m) does not fit, water 10 m away" \
    why C_SHORE "the 30.4 m safety area (2.0 D) does not fit on land: water or the district edge is 10.0 m away"
check "8.7 explain C_NOFLY: in a zone forbidding vertiports" why C_NOFLY "in no_fly NF (no-fly corner), where vertiports are forbidden"
check "8.8 explain C_ECO: 300 m from a zone asking 500 m" why C_ECO "300 m from eco_control EC, the rule asks at least 500 m"
check "8.9 explain C_OBS: the 100 m tower 50 m north leaves headings 20-340 free" why C_OBS "free approach/departure headings (deg): 20-340"
check "8.10 explain C_WALL: no heading clear of the 8:1 surface" why C_WALL "no approach/departure heading is clear of obstacles above the 8:1 surface"
check "8.11 explain C_NEAR: feasible, not chosen, inside the separation" why C_NEAR "(closer than the 1000 m separation)"
"$PLANNER" site "$SI" --explain NOPE >/dev/null 2>&1
check "8.12 explain of an unknown id exits 2" [ $? -eq 2 ]
check "8.13 vertiports.geojson: the built site and the 2 chosen, with status" [ "$(jget "$RESULT/site/vertiports.geojson" "' '.join(f['id'] + ':' + f['properties']['status'] for f in d['features'])")" = "V1:existing C_OK:planned C_OBS:planned" ]
check "8.14 candidates.geojson: every candidate with its feasibility and reasons" [ "$(jget "$RESULT/site/candidates.geojson" "sum(1 for f in d['features'] if not f['properties']['feasible'] and f['properties']['reasons'])")" = 6 ]
check "8.15 coverage.geojson: one 500 m service area per open site" [ "$(jget "$RESULT/site/coverage.geojson" "len(d['features'])")" = 3 ]
check "8.16 summary.json: objective, bound, gap and time" [ "$(jget "$RESULT/site/summary.json" "all(k in d['siting'] for k in ('objective_value', 'upper_bound', 'gap', 'time_ms'))")" = True ]
if command -v glpsol >/dev/null 2>&1; then
    check "8.17 glpsol confirms the small optimum" "$TOP/tools/siting-glpk.sh" "$SI" "$PLANNER"
    check "8.18 glpsol confirms the Wuzhong optimum lies within the planner's value and bound" "$TOP/tools/siting-glpk.sh" "$W" "$PLANNER"
else
    notok "8.17 glpsol (glpk-utils) is not installed: 'make deps' installs it"
fi
"$PLANNER" site "$W" --json >"$RESULT/wz_site.json" 2>&1
check "8.19 Wuzhong: exactly 20 new sites, the 3 built kept" [ "$(jget "$RESULT/wz_site.json" "(d['siting']['sites_new_chosen'], d['siting']['sites_built'])")" = "(20, 3)" ]
check "8.20 Wuzhong: no chosen site is infeasible; coverage, bound and gap reported" python3 - "$RESULT/wz1/vertiports.geojson" "$RESULT/wz_site.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))['features']
s = json.load(open(sys.argv[2]))['siting']
assert len(v) == 23 and all(f['properties']['feasible'] for f in v if f['properties']['status'] == 'planned')
assert s['upper_bound'] >= s['objective_value'] > 0 and 0 <= s['gap'] < 0.01
PY
sed 's/objective: coverage /objective: median   /' "$W" | sed "s|\\.\\./geodata/|$TOP/geodata/|; s|^output: .*||; s|^data_root: \\.\\.|data_root: $TOP|" >"$RESULT/wz_median.yaml"
"$PLANNER" site "$RESULT/wz_median.yaml" --json >"$RESULT/wz_median.json" 2>&1
check "8.21 p-median objective: 20 sites, a lower bound at or below the value" python3 - "$RESULT/wz_median.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))['siting']
assert s['objective'] == 'median' and s['sites_new_chosen'] == 20
assert 0 < s['lower_bound'] <= s['objective_value'] + 1e-6, s
PY

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
check "9.11 the rerouted path passes the check" sh -c "
    python3 - '$RESULT/reroute.geojson' '$RESULT/rr_routes.geojson' <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = d['features'][0]
f['properties'] = {'id': 'RR', 'status': 'planned', 'half_width_m': 49.9, 'band_below_m': 20, 'band_above_m': 20, 'altitude_m': 120}
json.dump({'type': 'FeatureCollection', 'features': [f]}, open(sys.argv[2], 'w'))
PY
    printf 'name: rr\ndata_root: ..\nlayers:\n  - {id: zones, role: zones, path: $DATA/square_4549.geojson}\n  - {id: routes, role: routes, path: rr_routes.geojson}\n' >'$RESULT/rr.yaml'
    '$PLANNER' check '$RESULT/rr.yaml' >/dev/null"
"$PLANNER" check "$DATA/square.yaml" --reroute >"$RESULT/check_reroute.out" 2>&1
check "9.12 check --reroute adds a path to each blocked route" [ "$(grep -c '^reroute ' "$RESULT/check_reroute.out")" -eq 3 ]
"$PLANNER" reroute "$W" P2025-5 >"$RESULT/rr_wz.out" 2>&1
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

# ---- 10. QGIS, KML, the map and the report ------------------------------------
WZ=$RESULT/wz1
check "10.1 plan.gpkg read by OGR: every layer, with the GeoJSON's feature count, in EPSG:4549" python3 - "$WZ" <<'PY'
import json, re, subprocess, sys
wz = sys.argv[1]
for name in ['zones', 'coverage', 'conflicts', 'routes', 'reroutes', 'candidates', 'vertiports']:
    info = subprocess.run(['ogrinfo', '-ro', '-so', wz + '/plan.gpkg', name], capture_output=True, text=True, check=True).stdout
    n = len(json.load(open('%s/%s.geojson' % (wz, name)))['features'])
    assert 'Feature Count: %d\n' % n in info, (name, n)
    assert 'ID["EPSG",4549]]' in info.replace(' ', '').replace('\n', '') or 'ID["EPSG",4549]' in info, name
    if name in ('routes', 'vertiports'):
        assert n == {'routes': 10, 'vertiports': 23}[name]
PY
check "10.2 layer_styles: one default style per layer, its QML parses and colours by a field the layer has" python3 - "$WZ" <<'PY'
import sqlite3, sys, xml.etree.ElementTree as ET
db = sqlite3.connect(sys.argv[1] + '/plan.gpkg')
rows = db.execute('SELECT f_table_name, f_geometry_column, useAsDefault, styleQML FROM layer_styles').fetchall()
assert sorted(r[0] for r in rows) == sorted(['zones', 'coverage', 'conflicts', 'routes', 'reroutes', 'candidates', 'vertiports']), rows
for table, geom, dflt, qml in rows:
    assert dflt == 1 and geom == db.execute('SELECT column_name FROM gpkg_geometry_columns WHERE table_name=?', (table,)).fetchone()[0]
    rend = ET.fromstring(qml.split('\n', 1)[1]).find('renderer-v2')
    assert rend.get('type') == 'categorizedSymbol'
    cols = [c[1] for c in db.execute('PRAGMA table_info("%s")' % table)]
    assert rend.get('attr') in cols, (table, rend.get('attr'), cols)
    assert len(rend.findall('categories/category')) == len(rend.findall('symbols/symbol'))
PY
check "10.3 the blocked route's colour is red in QGIS: category 'blocked' -> 215,25,28" python3 - "$WZ/routes.qml" <<'PY'
import sys, xml.etree.ElementTree as ET
q = ET.fromstring(open(sys.argv[1]).read().split('\n', 1)[1])
sym = [c.get('symbol') for c in q.iter('category') if c.get('value') == 'blocked'][0]
s = [s for s in q.iter('symbol') if s.get('name') == sym][0]
assert [p.get('v') for p in s.iter('prop') if p.get('k') == 'line_color'] == ['215,25,28,255']
PY
check "10.4 a .qml beside every GeoJSON layer" sh -c "for f in '$WZ'/*.geojson; do [ -s \"\${f%.geojson}.qml\" ] || exit 1; done"
check "10.5 plan.svg is well-formed and marks each of the 23 vertiports and 10 routes by id" python3 - "$WZ" <<'PY'
import json, sys, xml.etree.ElementTree as ET
wz = sys.argv[1]
svg = ET.parse(wz + '/plan.svg').getroot()
ns = '{http://www.w3.org/2000/svg}'
marks = lambda cls: sorted(e.get('data-id') for e in svg.iter() if e.get('class') == cls)
ids = lambda name: sorted(f['id'] for f in json.load(open('%s/%s.geojson' % (wz, name)))['features'])
assert marks('vertiport') == ids('vertiports') and len(ids('vertiports')) == 23, marks('vertiport')
assert marks('route') == ids('routes') and len(ids('routes')) == 10
assert any(e.get('class') == 'scalebar' for e in svg.iter()) and any(e.get('class') == 'north' for e in svg.iter())
assert svg.get('width') == '297mm' and svg.get('height') == '210mm'
PY
check "10.6 the scale bar is true: bar length in px / map scale matches the label" python3 - "$WZ/plan.svg" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
bar = s[s.index('class="scalebar"'):]
# the bar is 4 black and white pieces 5 px high; its length is their widths' sum
pieces = re.findall(r'<rect x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)" height="5"', bar)
assert len(pieces) == 4, pieces
w = sum(float(x) for x in pieces)
km = float(re.search(r'>([0-9.]+) km<', bar).group(1))
den = float(re.search(r'1 : ([0-9]+) on A4', bar).group(1))
# px at 96 dpi -> paper metres -> ground metres
assert abs(w * 0.0254 / 96 * den - km * 1000) < km * 1000 * 0.005, (w, km, den)
PY
check "10.7 report.html: self-contained, every route and vertiport, conflicts with reasons, provenance of each layer" python3 - "$WZ" "$TOP/scenarios/wuzhong-2025.yaml" <<'PY'
import json, re, sys
wz = sys.argv[1]
h = open(wz + '/report.html', encoding='utf-8').read()
assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', h), 'network reference'
assert '<link' not in h and '<script' not in h
for name in ('routes', 'vertiports'):
    for f in json.load(open('%s/%s.geojson' % (wz, name)))['features']:
        assert '<td>%s</td>' % f['id'] in h, f['id']
n_conf = len(json.load(open(wz + '/conflicts.geojson'))['features'])
assert h.count('class="tag blocking"') + h.count('class="tag warning"') >= n_conf
assert 'gap' in h and 'proven optimal' in h
for layer in ('boundary', 'water', 'airspace', 'protected', 'eco', 'demand', 'candidates', 'vertiports', 'routes'):
    assert '<td>%s (' % layer in h, layer
assert 'illustrative' in h and 'OpenStreetMap contributors' in h and '<svg' in h
PY
if command -v rsvg-convert >/dev/null; then
    check "10.8 plan.png drawn from plan.svg (rsvg-convert installed)" sh -c "head -c 8 '$WZ/plan.png' | od -An -c | grep -q 'P   N   G'"
else
    check "10.8 no converter: no plan.png, and summary.json does not list one" sh -c "[ ! -e '$WZ/plan.png' ] && ! grep -q plan.png '$WZ/summary.json'"
fi
"$PLANNER" run "$W" -o "$RESULT/wzk" --format kml >/dev/null 2>&1
check "10.9 --format kml: plan.kml with the 7 layers, routes coloured by verdict (KML aabbggrr)" python3 - "$RESULT/wzk/plan.kml" "$RESULT/wzk/routes.geojson" <<'PY'
import json, re, sys
k = open(sys.argv[1], encoding='utf-8').read()
for name in ('zones', 'coverage', 'conflicts', 'routes', 'reroutes', 'candidates', 'vertiports'):
    assert '<name>%s</name>' % name in k, name
routes = json.load(open(sys.argv[2]))['features']
blocked = [f['properties']['name'] for f in routes if f['properties']['verdict'] == 'blocked']
colour = {'blocked': 'ff1c19d7', 'warning': 'ff008cf0'}
for f in routes:
    v = f['properties']['verdict']
    i = k.index('<name>%s</name>' % f['properties']['name'])
    pm = k[k.rindex('<Placemark', 0, i):k.index('</Placemark>', i)]
    assert colour[v] in pm, (f['id'], v)
PY
check "10.10 plan.kml: coordinates in WGS84 lon/lat inside the district's box" sh -c "
    ogrinfo -ro -so '$RESULT/wzk/plan.kml' routes | grep Extent | tr -d '(),-' |
    awk '{ exit !(\$2 >= 119.9162 && \$3 >= 30.9286 && \$4 <= 120.8974 && \$5 <= 31.3399) }'"

# run store: SpatiaLite, history, diff with answers by hand (the siting
# fixture: radius 500 m -> 150 m keeps C_OK + C_OBS but D3 (316 m from C_OK)
# falls out: 18 -> 15; then count 2 -> 1: C_OK alone (D1, 10) beats C_OBS
# (D2, 5): C_OBS dropped, 15 -> 10)
ST=$RESULT/store
mkdir -p "$ST"
cp "$DATA"/site_*.geojson "$ST/"
cp "$DATA/siting.yaml" "$ST/s.yaml"
"$PLANNER" run "$ST/s.yaml" -o "$ST/r1" >"$ST/r1.out" 2>&1
sed 's/service_radius_m: 500/service_radius_m: 150/' "$DATA/siting.yaml" >"$ST/s.yaml"
"$PLANNER" run "$ST/s.yaml" -o "$ST/r2" >"$ST/r2.out" 2>&1
sed 's/service_radius_m: 500/service_radius_m: 150/; s/count: 2/count: 1/' "$DATA/siting.yaml" >"$ST/s.yaml"
"$PLANNER" run "$ST/s.yaml" -o "$ST/r3" >"$ST/r3.out" 2>&1
check "10.11 run records each run in runs.sqlite beside the run folders" sh -c "
    grep -q 'Recorded as run 1 in $ST/runs.sqlite' '$ST/r1.out' && grep -q 'Recorded as run 3 in' '$ST/r3.out'"
"$PLANNER" history "$ST/runs.sqlite" >"$ST/history.out" 2>&1
check "10.12 history lists the 3 runs with their scenario hash and results" python3 - "$ST/history.out" "$ST/s.yaml" <<'PY'
import hashlib, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 4 and lines[0].startswith('run'), lines
sha = hashlib.sha256(open(sys.argv[2], 'rb').read()).hexdigest()
assert lines[3].split()[0] == '3' and lines[3].split()[3] == sha[:12], (lines[3], sha)
assert [l.split()[6] for l in lines[1:]] == ['1+2', '1+2', '1+1'], lines
assert '18.0 of 18.0' in lines[1] and '15.0 of 18.0' in lines[2] and '10.0 of 18.0' in lines[3]
PY
"$PLANNER" diff "$ST/runs.sqlite" 1 2 | tail -n +2 >"$ST/diff12.out" 2>&1
printf '%s\n' 'Scenario: 2 lines changed' '  -   service_radius_m: 500' '  +   service_radius_m: 150' \
    'Data: unchanged' 'Sites: 0 added, 0 dropped (3 -> 3)' 'Routes: 0 changed' \
    'Coverage: 18.0 of 18.0 -> 15.0 of 18.0 (-3.0)' 'Conflicts: 0 -> 0' >"$ST/diff12.want"
check "10.13 diff 1 2: exactly the radius line, no site change, coverage 18 -> 15" cmp "$ST/diff12.want" "$ST/diff12.out"
"$PLANNER" diff "$ST/runs.sqlite" 2 3 | tail -n +2 >"$ST/diff23.out" 2>&1
printf '%s\n' 'Scenario: 2 lines changed' '  -   count: 2' '  +   count: 1' \
    'Data: unchanged' 'Sites: 0 added, 1 dropped (3 -> 2)' '  - C_OBS C_OBS (planned)' 'Routes: 0 changed' \
    'Coverage: 15.0 of 18.0 -> 10.0 of 18.0 (-5.0)' 'Conflicts: 0 -> 0' >"$ST/diff23.want"
check "10.14 diff 2 3: exactly the count line, C_OBS dropped, coverage 15 -> 10" cmp "$ST/diff23.want" "$ST/diff23.out"
# a data change: the square's ceiling 300 -> 100 m; THROUGH (100-140 m), CLIMB
# (above 200 m) and EDGE now pass above it (limits are open): blocked -> clear
SQ=$RESULT/sqstore
mkdir -p "$SQ"
cp "$DATA/square.yaml" "$DATA/square_4549.geojson" "$DATA/routes_4549.geojson" "$SQ/"
"$PLANNER" run "$SQ/square.yaml" -o "$SQ/a" --db "$SQ/my.sqlite" >/dev/null 2>&1
sed -i 's/"ceiling_m": *300/"ceiling_m":100/' "$SQ/square_4549.geojson"
"$PLANNER" run "$SQ/square.yaml" -o "$SQ/b" --db "$SQ/my.sqlite" >/dev/null 2>&1
"$PLANNER" diff "$SQ/my.sqlite" 1 2 >"$SQ/diff.out" 2>&1
check "10.15 diff after a data change: data changed, THROUGH, CLIMB and EDGE blocked -> clear" sh -c "
    grep -q '^Scenario: unchanged' '$SQ/diff.out' && grep -q '^Data: changed' '$SQ/diff.out' &&
    grep -q '^Routes: 3 changed' '$SQ/diff.out' && grep -q '^  THROUGH .*: blocked -> clear' '$SQ/diff.out' &&
    grep -q '^  CLIMB .*: blocked -> clear' '$SQ/diff.out' && grep -q '^  EDGE .*: blocked -> clear' '$SQ/diff.out'"
check "10.16 the store's layers carry run_id and a spatial index (SpatiaLite)" sh -c "
    [ \"\$(ogrinfo -ro -q '$SQ/my.sqlite' -sql 'SELECT COUNT(*) AS n FROM run_routes WHERE run_id = 2' | grep -o '= [0-9]*')\" = '= 5' ] &&
    ogrinfo -ro -q '$SQ/my.sqlite' -sql \"SELECT COUNT(*) AS n FROM geometry_columns WHERE spatial_index_enabled = 1 AND f_table_name = 'run_routes'\" | grep -q '= 1'"
"$PLANNER" diff "$SQ/my.sqlite" 1 7 >/dev/null 2>"$SQ/diff_bad.err"
check "10.17 diff of a run that is not there: exit 2, says how to list runs" sh -c "
    [ $? -eq 2 ] && grep -q 'no run 7 (.planner history' '$SQ/diff_bad.err'"

# the same store in PostGIS: a real PostgreSQL on loopback, a run written
# through GDAL and read back
PGBIN=/usr/lib/postgresql/15/bin
if [ -x "$PGBIN/initdb" ] && [ -f /usr/share/postgresql/15/extension/postgis.control ]; then
    PGD=$(mktemp -d /tmp/planner-pg.XXXXXX)
    # a free port of the loopback, so that two suites running at once
    # (two checkouts) never share a server
    PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    [ "$(id -u)" = 0 ] && chown postgres "$PGD"
    as_pg "$PGBIN/initdb" -A trust -U postgres -D "$PGD/data" >"$RESULT/pg_init.log" 2>&1 &&
    as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -w -l "$PGD/log" \
        -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGD" start >"$RESULT/pg_start.log" 2>&1 &&
    psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qc 'CREATE DATABASE plan' >/dev/null 2>&1 &&
    psql -h 127.0.0.1 -p $PGPORT -U postgres -d plan -qc 'CREATE EXTENSION postgis' >/dev/null 2>&1
    PGC="PG:host=127.0.0.1 port=$PGPORT user=postgres dbname=plan"
    "$PLANNER" run "$DATA/siting.yaml" -o "$RESULT/pg1" --db "$PGC" >"$RESULT/pg1.out" 2>&1
    "$PLANNER" run "$SQ/square.yaml" -o "$RESULT/pg2" --db "$PGC" >"$RESULT/pg2.out" 2>&1
    check "10.18 PostGIS store: two runs recorded on a real PostgreSQL (loopback)" sh -c "
        grep -q 'Recorded as run 1 in PG:' '$RESULT/pg1.out' && grep -q 'Recorded as run 2 in PG:' '$RESULT/pg2.out'"
    check "10.19 PostGIS store read back: run 1's 3 vertiports (V1, C_OK, C_OBS) in EPSG:4549 with a GiST index" sh -c "
        [ \"\$(psql -h 127.0.0.1 -p $PGPORT -U postgres -d plan -Atc \"SELECT string_agg(id, ' ' ORDER BY id) || ' ' || min(ST_SRID(geom)) FROM run_vertiports WHERE run_id = 1\")\" = 'C_OBS C_OK V1 4549' ] &&
        psql -h 127.0.0.1 -p $PGPORT -U postgres -d plan -Atc \"SELECT indexdef FROM pg_indexes WHERE tablename = 'run_routes'\" | grep -qi gist"
    "$PLANNER" history "$PGC" >"$RESULT/pg_hist.out" 2>&1
    "$PLANNER" diff "$PGC" 1 2 >"$RESULT/pg_diff.out" 2>&1
    check "10.20 history and diff read the PostGIS store" sh -c "
        [ \$(wc -l <'$RESULT/pg_hist.out') -eq 3 ] && grep -q '^Sites: 0 added, 3 dropped (3 -> 0)' '$RESULT/pg_diff.out' &&
        grep -q '^  + THROUGH' '$RESULT/pg_diff.out' && grep -q '^Coverage: 18.0 of 18.0 -> no siting' '$RESULT/pg_diff.out'"
    as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -m fast stop >/dev/null 2>&1
    rm -rf "$PGD"
else
    notok "10.18 PostgreSQL 15 with PostGIS is not installed: 'make deps' installs postgresql-15-postgis-3"
fi

# ---- 11. zone exchange: ED-269 / ED-318, KML/KMZ zones, fences --------------
#   the hand-made ED-269 file: CIRC, a 1000 m circle centred on (501000,
#   3451000), becomes a 72-gon whose vertices lie at 1000/cos(2.5 deg) =
#   1000.952 m; THROUGH crosses it from vertex to vertex: 2001.905 m inside.
#   NATURE (CONDITIONAL, NATURE) -> eco_redline; INFO (NO_RESTRICTION) left
#   out with a warning; LOWFT upper 400 ft = 121.92 m, REQ_AUTHORISATION -> restricted
ZX=$RESULT/zonex
mkdir -p "$ZX"
cp "$DATA/ed269_zones.json" "$DATA/routes_4549.geojson" "$ZX/"
printf 'name: ed269\ncrs: EPSG:4549\nlayers:\n  - {id: zones, role: zones, path: ed269_zones.json}\n  - {id: routes, role: routes, path: routes_4549.geojson}\n' >"$ZX/ed269.yaml"
"$PLANNER" check "$ZX/ed269.yaml" -o "$ZX/ed269" >"$ZX/ed269.out" 2>"$ZX/ed269.err"
check "11.1 ED-269 circle: THROUGH 2001.905 m inside (72-gon containing the 1000 m circle)" \
    near "$(conf "$ZX/ed269/conflicts.geojson" THROUGH CIRC length_inside_m)" 2001.905 0.2
check "11.2 ED-269 codes -> classes: CIRC no_fly, NATURE eco_redline, LOWFT restricted; INFO left out" \
    [ "$(jget "$ZX/ed269/zones.geojson" "' '.join(f['id'] + ':' + f['properties']['class'] for f in d['features'])")" = "CIRC:no_fly NATURE:eco_redline LOWFT:restricted" ]
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
check "11.6 ED-318 export: restriction and reason codes, vertical layer with references" python3 - "$ZX/sq318.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = d['features'][0]
p, g = f['properties'], f['geometry']
assert d['type'] == 'FeatureCollection' and p['type'] == 'PROHIBITED' and p['reason'] == ['SENSITIVE']
assert g['type'] == 'Polygon' and g['layer'] == {'upper': 300, 'upperReference': 'AGL', 'lower': 0, 'lowerReference': 'AGL', 'uom': 'm'}
PY
"$PLANNER" zones "$W" --format ed318 -o "$ZX/wz318.json" 2>/dev/null
check "11.7 Wuzhong zones in ED-318: every zone, airports REQ_AUTHORISATION/AIR_TRAFFIC, eco red line CONDITIONAL with its overflight height" python3 - "$ZX/wz318.json" "$RESULT/wz1/zones.geojson" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))['features']
z = [f for f in json.load(open(sys.argv[2]))['features'] if f['geometry']]
assert sorted(f['id'] for f in e) == sorted(f['id'] for f in z)
for f in e:
    p = f['properties']
    c = p['extendedProperties']['planner_class']
    if c == 'airport':
        assert (p['type'], p['reason']) == ('REQ_AUTHORISATION', ['AIR_TRAFFIC'])
    if c == 'eco_redline':
        assert p['type'] == 'CONDITIONAL' and p['restrictionConditions'] == ['minimum overflight height 150 m'], p
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

# ---- 12. progress on a terminal ---------------------------------------------
"$PLANNER" run "$DATA/siting.yaml" -o "$RESULT/prog_file" --no-db >/dev/null 2>"$RESULT/prog_file.err"
check "12.1 stderr not a terminal: no progress lines" sh -c "! grep -q 'loading layer' '$RESULT/prog_file.err' && ! tr -d '\\n' <'$RESULT/prog_file.err' | grep -q \"\$(printf '\\r')\""
if command -v script >/dev/null 2>&1; then
    script -qc "'$PLANNER' run '$DATA/siting.yaml' -o '$RESULT/prog_tty' --no-db" /dev/null >"$RESULT/prog_tty.out" 2>&1
    check "12.2 on a terminal: one rewritten progress line per step, cleared at the end" sh -c "
        tr '\\r' '\\n' <'$RESULT/prog_tty.out' | grep -q 'planner: loading layer candidates (5 of 7)' &&
        tr '\\r' '\\n' <'$RESULT/prog_tty.out' | grep -q 'planner: siting vertiports' &&
        tr '\\r' '\\n' <'$RESULT/prog_tty.out' | grep -q 'planner: writing plan.gpkg'"
    PLANNER_PROGRESS=0 script -qc "'$PLANNER' run '$DATA/siting.yaml' -o '$RESULT/prog_off' --no-db" /dev/null >"$RESULT/prog_off.out" 2>&1
    check "12.3 PLANNER_PROGRESS=0 turns it off" sh -c "! grep -q 'loading layer' '$RESULT/prog_off.out'"
else
    skip "12.2 on a terminal: one rewritten progress line per step" "script (bsdutils) is not installed"
    skip "12.3 PLANNER_PROGRESS=0 turns it off" "script (bsdutils) is not installed"
fi

# ---- 13. faults: interrupts, kills, two runs at once --------------------------
FT=$RESULT/faults
rm -rf "$FT" && mkdir -p "$FT"
"$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1
rc0=$?
cp -R "$FT/plan" "$FT/ref"
# the folder is whole: every file of the reference, the same bytes (runs are
# deterministic; summary.json's time_ms aside), no temporary file left
whole() {
    [ "$(ls -A "$FT/plan" | sort)" = "$(ls -A "$FT/ref" | sort)" ] || { echo "files differ: $(ls -A "$FT/plan")"; return 1; }
    for f in "$FT"/ref/*; do
        b=$(basename "$f")
        [ "$b" = summary.json ] && continue
        cmp -s "$f" "$FT/plan/$b" || { echo "$b differs"; return 1; }
    done
    return 0
}
# (A background job of a script ignores SIGINT: env --default-signal gives
# the planner the default action a terminal's Ctrl-C meets.)
# A run receives the signal at 10 points spread over its 0.8 s (loading,
# checking, siting, writing): killed before the folder is written, the old one
# stays; after, the new one (the same bytes) is whole.
for sig in INT TERM; do
    bad=""
    for d in 0.05 0.15 0.25 0.35 0.45 0.55 0.62 0.68 0.74 0.8; do
        env --default-signal=INT "$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1 &
        pid=$!
        sleep "$d"
        kill -s "$sig" "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        why=$(whole) || bad="$bad at ${d}s: $why;"
    done
    if [ -z "$bad" ]; then ok "13.1 SIG$sig at 10 moments of a run: the outputs whole, no temporary file"
    else notok "13.1 SIG$sig at 10 moments of a run: the outputs whole, no temporary file" "$bad"; fi
done
# Aimed: the run paused with its temporary files written, not yet renamed
# (PLANNER_FAULT_PAUSE), interrupted there: the interrupt waits for the
# renames, so the folder is whole and no temporary file stays.
waittmp() { i=0; while [ $i -lt 100 ] && ! ls -A "$1" 2>/dev/null | grep -q "$2"; do sleep 0.1; i=$((i + 1)); done; }
for sig in INT TERM; do
    PLANNER_FAULT_PAUSE=write:3000 env --default-signal=INT "$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1 &
    pid=$!
    waittmp "$FT/plan" '\.tmp'
    saw=$(ls -A "$FT/plan" | grep -c '\.tmp')
    kill -s "$sig" "$pid"
    wait "$pid"
    rc=$?
    check "13.5 SIG$sig while $saw temporary files wait to be renamed: the run ends by the signal, the folder whole, none left" \
        sh -c "[ $saw -gt 0 ] && [ $rc -gt 128 ] && [ -z \"\$(ls -A '$FT/plan' | grep tmp)\" ]"
    check "13.5 SIG$sig: the same files and bytes as before" whole
done
# the store paused with the run's rows written, not committed, and killed
n_before=$(sqlite3 "$FT/runs.sqlite" 'SELECT count(*) FROM runs')
PLANNER_FAULT_PAUSE=store:3000 "$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1 &
pid=$!
waittmp "$FT" 'runs.sqlite-journal'
sleep 0.3
kill -9 "$pid"
wait "$pid" 2>/dev/null
n_after=$(sqlite3 "$FT/runs.sqlite" 'SELECT count(*) FROM runs')
check "13.6 kill -9 inside the store's transaction: the store as before ($n_before runs), integrity ok" \
    sh -c "[ $n_before -eq $n_after ] && [ \"\$(sqlite3 '$FT/runs.sqlite' 'PRAGMA integrity_check')\" = ok ]"
# kill -9 cannot be held off: the store (one SQLite transaction a run) must
# still hold whole runs only, and the next run clears the dead one's files
for d in 0.3 0.6 0.7 0.75 0.8 0.85 0.9; do
    "$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1 &
    pid=$!
    sleep "$d"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
"$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1
check "13.2 kill -9 at 7 moments, then a run: the folder whole, no temporary file of the killed runs" whole
check "13.3 the store after kill -9: integrity ok, every recorded run whole (10 routes, 23 vertiports each)" python3 - "$FT/runs.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
runs = [r[0] for r in db.execute('SELECT run_id FROM runs')]
assert len(runs) >= 2, runs
for r in runs:
    n_r = db.execute('SELECT count(*) FROM run_routes WHERE run_id = ?', (r,)).fetchone()[0]
    n_v = db.execute('SELECT count(*) FROM run_vertiports WHERE run_id = ?', (r,)).fetchone()[0]
    assert (n_r, n_v) == (10, 23), (r, n_r, n_v)
PY
n0=$(sqlite3 "$FT/runs.sqlite" 'SELECT count(*) FROM runs')
"$PLANNER" run "$W" -o "$FT/c1" --db "$FT/runs.sqlite" >/dev/null 2>"$FT/c1.err" &
p1=$!
"$PLANNER" run "$W" -o "$FT/c2" --db "$FT/runs.sqlite" >/dev/null 2>"$FT/c2.err" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
n1=$(sqlite3 "$FT/runs.sqlite" 'SELECT count(*) FROM runs')
check "13.4 two runs at once on one store: both end as one alone does, both recorded, the same plan" \
    sh -c "[ $r1 -eq $rc0 ] && [ $r2 -eq $rc0 ] && [ $n1 -eq \$(($n0 + 2)) ] && cmp -s '$FT/c1/routes.geojson' '$FT/c2/routes.geojson'"

# ---- 14. hostile names: every JSON, HTML, SVG and KML output stays whole ---
#   hostile.yaml: the scenario's name and title and every route, zone and
#   candidate id and name hold '"', '\', a newline, a tab, U+0001, U+1F681
#   (outside the BMP), </script>, <img src=x onerror=alert(1)> and ]]>.
#   JSON gives each string back exactly; XML and HTML give it back with
#   U+0001 (which XML cannot hold) as U+FFFD; KML also breaks ]]> with a
#   zero-width space (libkml writes text in CDATA sections).
HX=$RESULT/hostile
HS=$DATA/hostile.yaml
mkdir -p "$HX"
cat >"$HX/hostile.py" <<'PY'
import json
H = 'q"b\\s\nn\tt\x01c\U0001F681</script><img src=x onerror=alert(1)>]]>'
NAME, TITLE = 'S ' + H, 'T ' + H
ROUTES = [r + H for r in ('THROUGH', 'BESIDE', 'ABOVE', 'CLIMB', 'EDGE')]
BLOCKED = [r + H for r in ('THROUGH', 'CLIMB', 'EDGE')]
ROUTE_NAMES = [n + ' ' + H for n in ('straight through', '300 m beside', 'above the ceiling',
                                     'climbs out through the ceiling', 'corridor edge only')]
ZONES = ['NF' + H, 'EC' + H, 'SQ' + H]
ZONE_NAMES = [n + ' ' + H for n in ('no-fly corner', 'control zone', '2 km square')]
SITES = ['C_OK' + H, 'C_OBS' + H]
def load(fn): return json.load(open(fn, encoding='utf-8'))
def xml(s): return s.replace('\x01', '\ufffd')
def same(got, want):
    assert got == want, (got, want)
PY
py() { python3 - "$HX" "$@"; } # the checks below: sys.argv[1] is $HX
R1=$(python3 -c "import sys; sys.path.insert(0, sys.argv[1]); from hostile import *; print(ROUTES[0], end='')" "$HX")
"$PLANNER" run "$HS" -o "$HX/run" --no-db --format kml >/dev/null 2>"$HX/run.err"
check "14.1 run: exit 0, every GeoJSON and summary.json parses, ids and names exact" sh -c "[ $? -eq 0 ] && python3 - '$HX' <<'PY'
import glob, sys; sys.path.insert(0, sys.argv[1]); from hostile import *
d = sys.argv[1] + '/run/'
for fn in glob.glob(d + '*.geojson') + [d + 'summary.json']:
    load(fn)
s = load(d + 'summary.json')
same((s['scenario'], s['title']), (NAME, TITLE))
same([r['id'] for r in s['routes']], ROUTES)
r = load(d + 'routes.geojson')['features']
same([(f['id'], f['properties']['id'], f['properties']['name']) for f in r], list(zip(ROUTES, ROUTES, ROUTE_NAMES)))
z = load(d + 'zones.geojson')['features']
same([(f['id'], f['properties']['name']) for f in z], list(zip(ZONES, ZONE_NAMES)))
c = load(d + 'conflicts.geojson')['features']
same([(f['id'], f['properties']['route_id'], f['properties']['zone_name']) for f in c],
     [(b + '/' + ZONES[2], b, ZONE_NAMES[2]) for b in BLOCKED])
same(sorted(f['id'] for f in load(d + 'vertiports.geojson')['features'] if f['id'] != 'V1'), sorted(SITES))
same(sorted(f['id'] for f in load(d + 'reroutes.geojson')['features']), sorted(BLOCKED))
PY"
"$PLANNER" check "$HS" --json >"$HX/check.json" 2>/dev/null
check "14.2 check --json parses: scenario, title, routes and conflicts exact" py "$HX/check.json" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
d = load(sys.argv[2])
same((d['scenario'], d['title']), (NAME, TITLE))
same([(r['id'], r['name']) for r in d['routes']], list(zip(ROUTES, ROUTE_NAMES)))
same([(c['route_id'], c['zone_id'], c['zone_name']) for c in d['conflicts']],
     [(b, ZONES[2], ZONE_NAMES[2]) for b in BLOCKED])
PY
"$PLANNER" check "$HS" --json --reroute >"$HX/check_rr.json" 2>/dev/null
check "14.3 check --json --reroute: one JSON document, the 3 reroutes in it, ids exact" py "$HX/check_rr.json" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
d = load(sys.argv[2])
same([(r['route_id'], r['route_name'], r['found'], r['zones_avoided']) for r in d['reroutes']],
     [(b, ROUTE_NAMES[ROUTES.index(b)], True, [ZONES[2]]) for b in BLOCKED])
assert all(len(p) == 3 for r in d['reroutes'] for p in r['path'])
PY
"$PLANNER" validate "$HS" "$DATA/hostile_routes.geojson" --json --reroute --geojson "$HX/proposals.geojson" \
    >"$HX/validate.json" 2>/dev/null
check "14.4 validate --json --reroute parses: scenario, proposal ids and reasons' zones exact" py "$HX/validate.json" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
d = load(sys.argv[2])
same(d['scenario'], NAME)
same([r['id'] for r in d['results']], ROUTES)
refs = {c['ref'] for r in d['results'] for c in r['reasons'] if c['kind'] == 'zone'}
assert ZONES[2] in refs, refs
assert all(ZONE_NAMES[2] in c['text'] for r in d['results'] for c in r['reasons'] if c['ref'] == ZONES[2])
same(sorted(r['route_id'] for r in d['reroutes']), sorted(r['id'] for r in d['results'] if r['verdict'] == 'rejected'))
PY
check "14.5 validate --geojson parses: proposal ids, names and reasons exact" py "$HX/proposals.geojson" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
f = load(sys.argv[2])['features']
same([(x['id'], x['properties']['name']) for x in f], list(zip(ROUTES, ROUTE_NAMES)))
assert any(ZONE_NAMES[2] in (x['properties']['reasons'] or '') for x in f)
PY
"$PLANNER" layers "$HS" --json >"$HX/layers.json" 2>/dev/null
check "14.6 layers --json parses: scenario exact, 8 layers" py "$HX/layers.json" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
d = load(sys.argv[2])
same((d['scenario'], d['title'], len(d['layers'])), (NAME, TITLE, 8))
PY
"$PLANNER" site "$HS" --json --lp "$HX/site.lp" >"$HX/site.json" 2>/dev/null
check "14.7 site --json parses: scenario, chosen sites and route ends exact" py "$HX/site.json" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
d = load(sys.argv[2])
same(d['scenario'], NAME)
same([e['route_id'] for e in d['siting']['route_ends']], ROUTES)
same(d['siting']['sites_new_chosen'], 2)
PY
check "14.8 site --lp: the names stay inside comment lines (every line holding one starts with '\\')" py "$HX/site.lp" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
lines = open(sys.argv[2], encoding='utf-8').read().split('\n')
named = [l for l in lines if 'onerror' in l or 'script' in l]
same(len(named), 1 + 3)  # the scenario line and the 3 usable candidates
assert all(l.startswith('\\') for l in named), named
assert not any('\x01' in l or '\t' in l for l in lines)
PY
if command -v glpsol >/dev/null 2>&1; then
    check "14.9 glpsol reads the LP of hostile names and confirms the optimum" "$TOP/tools/siting-glpk.sh" "$HS" "$PLANNER"
else
    skip "14.9 glpsol reads the LP of hostile names" "glpsol (glpk-utils) is not installed: 'make deps' installs it"
fi
"$PLANNER" zones "$HS" --format ed269 -o "$HX/z269.json" 2>/dev/null
"$PLANNER" zones "$HS" --format ed318 -o "$HX/z318.json" 2>/dev/null
check "14.10 zones --format ed269 and ed318 parse: title, identifiers and names exact" py "$HX/z269.json" "$HX/z318.json" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
a, b = load(sys.argv[2]), load(sys.argv[3])
same((a['title'], b['title']), (TITLE, TITLE))
same([(f['identifier'], f['name']) for f in a['features']], list(zip(ZONES, ZONE_NAMES)))
same([(f['id'], f['properties']['identifier'], f['properties']['name'][0]['text']) for f in b['features']],
     list(zip(ZONES, ZONES, ZONE_NAMES)))
PY
"$PLANNER" fence "$HS" "$R1" -o "$HX/fence.plan" >/dev/null 2>&1
check "14.11 fence for a route with a hostile id: the QGC plan parses, 2 waypoints" py "$HX/fence.plan" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
d = load(sys.argv[2])
same((d['fileType'], len(d['mission']['items'])), ('Plan', 2))
PY
"$PLANNER" reroute "$HS" "$R1" --json --geojson "$HX/reroute.geojson" >"$HX/reroute.json" 2>/dev/null
check "14.12 reroute --json and --geojson parse: route id, name and the zone avoided exact" py "$HX/reroute.json" "$HX/reroute.geojson" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
d, g = load(sys.argv[2]), load(sys.argv[3])
same(d['scenario'], NAME)
same([(r['route_id'], r['route_name'], r['found'], r['zones_avoided']) for r in d['reroutes']],
     [(ROUTES[0], ROUTE_NAMES[0], True, [ZONES[2]])])
same([(f['id'], f['properties']['zones_avoided']) for f in g['features']], [(ROUTES[0], [ZONES[2]])])
PY
check "14.13 report.html: no tag from the data (no img, no script), each name escaped and read back" py "$HX/run/report.html" <<'PY'
import sys, re; sys.path.insert(0, sys.argv[1]); from hostile import *
from html.parser import HTMLParser
h = open(sys.argv[2], encoding='utf-8').read()
assert not re.search(r'<\s*(img|script)|</\s*script', h, re.I)
assert '&lt;img src=x onerror=alert(1)&gt;' in h and '&lt;/script&gt;' in h
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.tags = set(); self.cells = []; self.titles = []; self.at = None
    def handle_starttag(self, t, a):
        self.tags.add(t); self.at = t
        if t in ('td', 'title'): (self.cells if t == 'td' else self.titles).append('')
    def handle_endtag(self, t): self.at = None
    def handle_data(self, s):
        if self.at in ('td', 'title'): (self.cells if self.at == 'td' else self.titles)[-1] += s
p = P(); p.feed(h)
assert not p.tags & {'img', 'script', 'iframe', 'object'}, p.tags
same(p.titles, [xml(TITLE)] * 2)  # the page's and the inline map's
for s in ROUTES + ROUTE_NAMES + SITES:
    assert xml(s) in p.cells, s
PY
check "14.14 plan.svg is well-formed XML: title, route ids and site ids read back (U+0001 as U+FFFD)" py "$HX/run/plan.svg" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
import xml.etree.ElementTree as ET
svg = ET.parse(sys.argv[2]).getroot()
ns = '{http://www.w3.org/2000/svg}'
same(svg.find(ns + 'title').text, xml(TITLE))
same([e.get('data-id') for e in svg.iter() if e.get('class') == 'route'], [xml(r) for r in ROUTES])
same(sorted(e.get('data-id') for e in svg.iter() if e.get('class') == 'vertiport'), sorted(['V1'] + [xml(s) for s in SITES]))
assert not any(e.tag in (ns + 'script', ns + 'img', ns + 'foreignObject') for e in svg.iter())
PY
check "14.15 plan.kml is well-formed XML: route names read back (U+0001 as U+FFFD, ]]> broken by U+200B)" py "$HX/run/plan.kml" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
import xml.etree.ElementTree as ET
k = ET.parse(sys.argv[2]).getroot()
names = [e.text for e in k.iter('{http://www.opengis.net/kml/2.2}name')]
for n in ROUTE_NAMES:
    assert xml(n).replace(']]>', ']]\u200b>') in names, n
PY
check "14.16 plan.gpkg keeps the names exactly (SQLite text)" py "$HX/run/plan.gpkg" <<'PY'
import sys, sqlite3; sys.path.insert(0, sys.argv[1]); from hostile import *
db = sqlite3.connect(sys.argv[2])
same([r[0] for r in db.execute('SELECT id FROM routes ORDER BY fid')], ROUTES)
same([r[0] for r in db.execute('SELECT name FROM zones ORDER BY fid')], ZONE_NAMES)
PY

# ---- 15. single files written whole: killed at any moment ------------------
#   validate --geojson, reroute --geojson, site --lp and zones -o replace an
#   existing file through a temporary one: killed (SIGKILL) at 5 moments of
#   a run, and killed while paused with the new bytes written but not
#   renamed (PLANNER_FAULT_PAUSE=file), the file holds exactly its old
#   bytes or exactly the new ones (those of an undisturbed run: runs are
#   deterministic); SIGTERM there waits for the rename; the next run
#   leaves no temporary file, the killed runs' included.
SF=$RESULT/files
mkdir -p "$SF"
for c in validate reroute lp zones; do
    case $c in # the command, its file option last
    validate) set -- validate "$DATA/validate.yaml" "$DATA/proposals.geojson" --geojson ;;
    reroute) set -- reroute "$DATA/square.yaml" THROUGH --geojson ;;
    lp) set -- site "$DATA/siting.yaml" --lp ;;
    zones) set -- zones "$DATA/square.yaml" --format ed318 -o ;;
    esac
    O=$SF/$c.out
    "$PLANNER" "$@" "$SF/$c.new" >/dev/null 2>&1
    printf 'the old %s file\n' $c >"$SF/$c.old"
    bad=""
    for d in 0.03 0.06 0.09 0.12 0.15; do
        cp "$SF/$c.old" "$O"
        "$PLANNER" "$@" "$O" >/dev/null 2>&1 &
        pid=$!
        sleep $d
        kill -9 $pid 2>/dev/null
        wait $pid 2>/dev/null
        cmp -s "$O" "$SF/$c.old" || cmp -s "$O" "$SF/$c.new" || bad="$bad at ${d}s: $(wc -c <"$O") bytes;"
    done
    check "15.$c.1 kill -9 at 5 moments: the file is its old bytes or the new, never a part" \
        sh -c "[ -s '$SF/$c.new' ] && [ -z '$bad' ]"
    cp "$SF/$c.old" "$O"
    PLANNER_FAULT_PAUSE=file:3000 "$PLANNER" "$@" "$O" >/dev/null 2>&1 &
    pid=$!
    waittmp "$SF" "^\.$c\.out\.tmp$pid\."
    kill -9 $pid
    wait $pid 2>/dev/null
    check "15.$c.2 kill -9 with the new bytes written, not renamed: the old bytes, the temporary file left" \
        sh -c "cmp -s '$O' '$SF/$c.old' && cmp -s '$SF/'.$c.out.tmp$pid.0 '$SF/$c.new'"
    PLANNER_FAULT_PAUSE=file:500 "$PLANNER" "$@" "$O" >/dev/null 2>&1 &
    pid=$!
    waittmp "$SF" "^\.$c\.out\.tmp$pid\."
    kill -s TERM $pid
    wait $pid 2>/dev/null
    rc=$?
    check "15.$c.3 SIGTERM there: held until the rename, the new bytes, the run ends by the signal" \
        sh -c "[ $rc -gt 128 ] && cmp -s '$O' '$SF/$c.new'"
    cp "$SF/$c.old" "$O"
    "$PLANNER" "$@" "$O" >/dev/null 2>&1
    check "15.$c.4 the next run: the new bytes, no temporary file left (the killed runs' removed)" \
        sh -c "cmp -s '$O' '$SF/$c.new' && [ -z \"\$(ls -A '$SF' | grep '\.tmp')\" ]"
done
set --

# ---- 16. never on the unsafe side: a vertical climb, an exact circle --------
# safe.yaml: BAND, a 200 m square around (501000, 3451000) from 60 to 90 m;
# C, a 22,360 m circle at (540000, 3400000); routes w = 10 m, band 0.
SF="$RESULT/safe"
"$PLANNER" check "$DATA/safe.yaml" -o "$SF" >"$RESULT/safe.out" 2>&1
check "16.1 STEP: a climb 30 -> 150 m at one position inside BAND conflicts, altitudes 60-90 m, at 1000 m along" \
    sh -c "[ '$(conf "$SF/conflicts.geojson" STEP BAND alt_overlap_lo_m)' = 60 ] && [ '$(conf "$SF/conflicts.geojson" STEP BAND alt_overlap_hi_m)' = 90 ] && [ '$(conf "$SF/conflicts.geojson" STEP BAND from_along_m)' = 1000 ] && [ '$(conf "$SF/conflicts.geojson" STEP BAND to_along_m)' = 1000 ]"
check "16.2 STEPTOP: the climb topping out at the floor (60 m) only touches it: clear" \
    [ "$(route "$SF/routes.geojson" STEPTOP verdict)" = clear ]
check "16.3 CHORD: 22,359 m from the centre, chord 2 sqrt(22360^2 - 22359^2) = 422.94 m inside (to 0.01 m)" \
    near "$(conf "$SF/conflicts.geojson" CHORD C length_inside_m)" 422.9409 0.01
check "16.4 RIM: the corridor's edge on the rim (22,360 + 10 m) touches: blocked, 0 m of route" \
    sh -c "[ '$(route "$SF/routes.geojson" RIM verdict)' = blocked ] && [ '$(conf "$SF/conflicts.geojson" RIM C corridor_length_m)' = 0 ]"
check "16.5 MISS: 1 mm beyond the rim: clear" [ "$(route "$SF/routes.geojson" MISS verdict)" = clear ]
# the same climb as a proposal in WGS84 lon/lat, as QGIS sends it
set -- $(printf '3451000 500000\n3451000 501000\n3451000 502000\n' | cs2cs -f %.10f EPSG:4549 EPSG:4326 | awk '{print $2, $1}')
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"UP","half_width_m":10,"band_below_m":0,"band_above_m":0},"geometry":{"type":"LineString","coordinates":[[%s,%s,30],[%s,%s,30],[%s,%s,150],[%s,%s,150]]}}]}\n' \
    "$1" "$2" "$3" "$4" "$3" "$4" "$5" "$6" >"$RESULT/safe_prop.geojson"
"$PLANNER" validate "$DATA/safe.yaml" "$RESULT/safe_prop.geojson" --json >"$RESULT/safe_prop.json" 2>&1
check "16.6 validate: the climb sent in lon/lat is rejected for BAND, altitude overlap 60.0-90.0 m" \
    sh -c "[ '$(jget "$RESULT/safe_prop.json" "d['results'][0]['verdict']")' = rejected ] && grep -q 'BAND.*altitude overlap 60.0-90.0 m' '$RESULT/safe_prop.json'"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/run.sh)"
echo "1..$n"
