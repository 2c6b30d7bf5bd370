#!/bin/sh
# tests/e2e/10-outputs.sh - end-to-end tests, section 10:
#   QGIS, KML, map and report: plan.gpkg with a layer_styles row per layer,
#   .qml beside the GeoJSON, plan.svg marks every vertiport and route,
#   report.html self-contained; the run store (SpatiaLite, PostGIS)
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/10-outputs.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=20   # the tests this file runs, declared: one that vanishes is a failure

# ---- 10. QGIS, KML, the map and the report ------------------------------------
# the Wuzhong plan this file reads (04-wuzhong.sh checks it; made here again,
# under 1 s, so that this file runs alone)
"$PLANNER" check "$W" -o "$RESULT/wz1" >/dev/null 2>&1
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
        assert n == {'routes': 10, 'vertiports': 21}[name]  # 3 built, 18 new (issue 24)
PY
check "10.2 layer_styles: one default style per layer, its QML parses and colours by a field the layer has" python3 - "$WZ" <<'PY'
import sqlite3, sys, xml.etree.ElementTree as ET
db = sqlite3.connect(sys.argv[1] + '/plan.gpkg')
rows = db.execute('SELECT f_table_name, f_geometry_column, useAsDefault, styleQML FROM layer_styles').fetchall()
tables = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
assert sorted(r[0] for r in rows) == sorted(tables), (rows, tables)  # one row for every layer, none twice
assert {'zones', 'coverage', 'conflicts', 'routes', 'reroutes', 'candidates', 'vertiports', 'water', 'boundary',
        'boundary_points'} == set(tables), tables
for table, geom, dflt, qml in rows:
    assert dflt == 1 and geom == db.execute('SELECT column_name FROM gpkg_geometry_columns WHERE table_name=?', (table,)).fetchone()[0]
    rend = ET.fromstring(qml.split('\n', 1)[1]).find('renderer-v2')
    assert rend.get('type') == 'categorizedSymbol'
    cols = [c[1] for c in db.execute('PRAGMA table_info("%s")' % table)]
    # a field, or an expression over fields (routes: verdict and status)
    import re
    used = re.findall(r'"([^"]+)"', rend.get('attr')) or [rend.get('attr')]
    assert all(u in cols for u in used), (table, rend.get('attr'), cols)
    assert len(rend.findall('categories/category')) == len(rend.findall('symbols/symbol'))
PY
check "10.3 the forbidden route's colour is red in QGIS (215,25,28), existing solid, planned dashed and narrower" python3 - "$WZ/routes.qml" <<'PY'
import sys, xml.etree.ElementTree as ET
q = ET.fromstring(open(sys.argv[1]).read().split('\n', 1)[1])
props = {}
for st in ('existing', 'planned'):
    sym = [c.get('symbol') for c in q.iter('category') if c.get('value') == 'forbidden/' + st][0]
    s = [s for s in q.iter('symbol') if s.get('name') == sym][0]
    props[st] = {p.get('k'): p.get('v') for p in s.iter('prop')}
    assert props[st]['line_color'] == '215,25,28,255'
assert props['existing']['line_style'] == 'solid' and props['planned']['line_style'] == 'dash'
assert float(props['planned']['line_width']) < float(props['existing']['line_width'])
PY
check "10.4 a .qml beside every GeoJSON layer" sh -c "for f in '$WZ'/*.geojson; do [ -s \"\${f%.geojson}.qml\" ] || exit 1; done"
check "10.5 plan.svg is well-formed and marks each of the 21 vertiports and 10 routes by id" python3 - "$WZ" <<'PY'
import json, sys, xml.etree.ElementTree as ET
wz = sys.argv[1]
svg = ET.parse(wz + '/plan.svg').getroot()
ns = '{http://www.w3.org/2000/svg}'
marks = lambda cls: sorted(e.get('data-id') for e in svg.iter() if e.get('class') == cls)
ids = lambda name: sorted(f['id'] for f in json.load(open('%s/%s.geojson' % (wz, name)))['features'])
assert marks('vertiport') == ids('vertiports') and len(ids('vertiports')) == 21, marks('vertiport')
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
assert h.count('class="tag forbidden"') + h.count('class="tag approval"') + h.count('class="tag advisory"') >= n_conf
assert '需报批 Approvals to apply for' in h and 'by 12:00 (UTC+8) the day before the flight (Art. 26)' in h
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
colour = {'forbidden': 'ff1c19d7', 'approval': 'ff008cf0', 'advisory': 'ff00a6a6', 'free': 'ff41961a'}
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
check "10.15 diff after a data change: data changed, THROUGH, CLIMB and EDGE forbidden -> free" sh -c "
    grep -q '^Scenario: unchanged' '$SQ/diff.out' && grep -q '^Data: changed' '$SQ/diff.out' &&
    grep -q '^Routes: 3 changed' '$SQ/diff.out' && grep -q '^  THROUGH .*: forbidden -> free' '$SQ/diff.out' &&
    grep -q '^  CLIMB .*: forbidden -> free' '$SQ/diff.out' && grep -q '^  EDGE .*: forbidden -> free' '$SQ/diff.out'"
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

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/10-outputs.sh)"
echo "1..$n"
