#!/bin/sh
# tests/e2e/07-wuzhong-layers.sh - end-to-end tests, section 7:
#   the Wuzhong layer set (geodata/): reproducible, valid, complete
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/07-wuzhong-layers.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=25   # the tests this file runs, declared: one that vanishes is a failure

# ---- 7. the Wuzhong layer set ------------------------------------------------
# the Wuzhong plan this file reads (04-wuzhong.sh checks it; made here again,
# under 1 s, so that this file runs alone)
"$PLANNER" check "$W" -o "$RESULT/wz1" >/dev/null 2>&1
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
# (the airfields are split by kind into airspace*.geojson, each with its own airport_rule: issue 23)
check "7.3 every zone has class, floor_m, ceiling_m, altitude_ref and basis" python3 - "$G"/airspace*.geojson "$G/protected.geojson" "$G/eco.geojson" <<'PY'
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
# ZSSZ moved to its own layer, airspace_zssz.geojson (issue 23: a military airfield's range is its own parameter)
check "7.7 ZSSZ (Guangfu) lies inside the district boundary" sh -c "
    python3 - '$G' <<'PY'
import json, sys
g = sys.argv[1]
b = [f for f in json.load(open(g + '/boundary.geojson'))['features'] if f['properties']['kind'] == 'district'][0]['geometry']
z = [f for f in json.load(open(g + '/airspace_zssz.geojson'))['features'] if f['properties']['airport'] == 'ZSSZ'][0]['geometry']['coordinates']
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
# 11 layers: the airfields split by kind into airspace, airspace_zssz, airspace_cn0316 (issue 23; was 9)
check "7.12 planner layers: every layer listed, nothing rejected" sh -c "
    [ \$(grep -c '^  driver GeoJSON' '$RESULT/wz_layers.out') -eq 11 ] && [ \$(grep -c ', 0 rejected' '$RESULT/wz_layers.out') -eq 11 ]"
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
# ZSSZ is a military airfield: its range is the scenario's own parameter, not the CAAC civil box
# (issue 23): half_width 10 km, end_extension 0 and no runway give a 10 km circle, pi * 10^2 =
# 314 km2 (was the civil box's circle of radius sqrt(10^2 + 20^2) km, 1571 km2)
check "7.16 ZSSZ has no published runway: a circle of radius sqrt(10^2 + 0^2) km, its own rule" \
    near "$(zarea "$RESULT/wz1/zones.geojson" ZSSZ)" 314 1

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/07-wuzhong-layers.sh)"
echo "1..$n"
