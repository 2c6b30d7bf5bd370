#!/bin/sh
# tests/e2e/04-wuzhong.sh - end-to-end tests, section 4:
#   the Wuzhong scenario: verdicts, RFC 7946 output, determinism
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/04-wuzhong.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=10   # the tests this file runs, declared: one that vanishes is a failure

# ---- 4. the Wuzhong scenario ------------------------------------------------
"$PLANNER" check "$W" -o "$RESULT/wz1" >"$RESULT/wz.out" 2>&1
rc=$?
check "4.1 check runs (exit 0, 1 or 3: approvals needed, none forbidden)" sh -c "[ $rc -le 1 ] || [ $rc -eq 3 ]"
check "4.2 lists the 6 planned routes" [ "$(grep -c '^  planned ' "$RESULT/wz.out")" -eq 6 ]
check "4.3 lists the 4 existing routes, marked so" [ "$(grep -c '^  existing ' "$RESULT/wz.out")" -eq 4 ]
check "4.4 every route has a verdict, Chinese first (the default, --lang zh)" [ "$(grep -cE '^  (planned|existing) .*: (适飞 free|提示 advisory|需报批 approval|禁飞 forbidden)' "$RESULT/wz.out")" -eq 10 ]
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

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/04-wuzhong.sh)"
echo "1..$n"
