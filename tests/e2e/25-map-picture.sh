#!/bin/sh
# tests/e2e/25-map-picture.sh - end-to-end tests, section 25 (map):
#   the map picture of the Wuzhong plan (issue 25 part 6): every site and
#   route labelled once, no two labels on each other nor on a site's mark,
#   every feature inside the frame, water seen under the large zones
#   (hatched, not filled), one named font, Chinese site names.
# Label boxes here come from the SVG's x, y, font-size and the font's
# advances (WenQuanYi Micro Hei: CJK 1 em, Latin at most 0.56 em); the client
# suite (make test-clients) measures them again in Chromium.
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/25-map-picture.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=8   # the tests this file runs, declared: one that vanishes is a failure

WZ=$RESULT/wz
"$PLANNER" run "$W" -o "$WZ" --no-db >"$RESULT/wz.out" 2>&1
"$PLANNER" run "$W" -o "$RESULT/en" --no-db --lang en >"$RESULT/en.out" 2>&1

# the SVG's labels as (class, id, text, box) and its marks
cat >"$RESULT/svg.py" <<'PY'
import re, sys, xml.etree.ElementTree as ET
NS = '{http://www.w3.org/2000/svg}'
def load(path):
    return ET.parse(path).getroot()
def width(s, size):
    return sum(1.0 if ord(c) >= 0x2000 else 0.56 for c in s) * size
def labels(svg):
    out = []
    for t in svg.iter(NS + 'text'):
        if t.get('class') in ('site-label', 'route-label'):
            x, y, fs = float(t.get('x')), float(t.get('y')), float(t.get('font-size'))
            out.append((t.get('class'), t.get('data-id'), t.text, (x, y - 0.8 * fs * 1.2, x + width(t.text, fs), y + 0.2 * fs * 1.2)))
    return out
def frame(svg):
    r = [e for e in svg.iter(NS + 'clipPath') if e.get('id') == 'frame'][0][0]
    x, y = float(r.get('x')), float(r.get('y'))
    return x, y, x + float(r.get('width')), y + float(r.get('height'))
def overlap(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.01 and min(a[3], b[3]) - max(a[1], b[1]) > 0.01
PY
export PYTHONPATH="$RESULT"

check "25.1 map: each of the 21 open sites and 10 routes labelled exactly once" python3 - "$WZ" <<'PY'
import json, sys, svg
d = sys.argv[1]
labs = svg.labels(svg.load(d + '/plan.svg'))
sites = sorted(f['properties']['id'] for f in json.load(open(d + '/vertiports.geojson'))['features'])
routes = sorted(f['properties']['id'] for f in json.load(open(d + '/routes.geojson'))['features'])
assert (len(sites), len(routes)) == (21, 10)
assert sorted(i for c, i, t, b in labs if c == 'site-label') == sites
assert sorted(i for c, i, t, b in labs if c == 'route-label') == routes
PY
check "25.2 map: no two labels overlap and no label covers a site's mark (r 4.5 px)" python3 - "$WZ" <<'PY'
import sys, svg
root = svg.load(sys.argv[1] + '/plan.svg')
labs = svg.labels(root)
marks = [(float(c.get('cx')) - 4.5, float(c.get('cy')) - 4.5, float(c.get('cx')) + 4.5, float(c.get('cy')) + 4.5)
         for c in root.iter(svg.NS + 'circle') if c.get('class') == 'vertiport']
assert len(marks) == 21
bad = [(a[1], b[1]) for i, a in enumerate(labs) for b in labs[i + 1:] if svg.overlap(a[3], b[3])]
bad += [(a[1], 'mark') for a in labs for m in marks if svg.overlap(a[3], m)]
assert not bad, bad
PY
check "25.3 map: every label, site and route vertex inside the frame" python3 - "$WZ" <<'PY'
import re, sys, svg
root = svg.load(sys.argv[1] + '/plan.svg')
fx0, fy0, fx1, fy1 = svg.frame(root)
inside = lambda x, y: fx0 <= x <= fx1 and fy0 <= y <= fy1
for c, i, t, b in svg.labels(root):
    assert inside(b[0], b[1]) and inside(b[2], b[3]), (i, b)
for c in root.iter(svg.NS + 'circle'):
    if c.get('class') == 'vertiport':
        assert inside(float(c.get('cx')), float(c.get('cy'))), c.get('data-id')
n = 0
for p in root.iter(svg.NS + 'path'):
    if p.get('class') in ('route', 'reroute'):
        for x, y in re.findall(r'([-0-9.]+) ([-0-9.]+)', p.get('d')):
            assert inside(float(x), float(y)), (p.get('data-id'), x, y)
            n += 1
assert n >= 20
PY
check "25.4 map: Taihu drawn as water, and the large zones over it hatched (url(#hatch-...)), not a solid fill" python3 - "$WZ" <<'PY'
import sys, svg
root = svg.load(sys.argv[1] + '/plan.svg')
water = [p for p in root.iter(svg.NS + 'path') if p.get('class') == 'water']
assert water and water[0].get('fill') == '#a6cee3'
zones = {}
for p in root.iter(svg.NS + 'path'):
    if p.get('class') == 'zone':
        zones.setdefault(p.get('data-class'), set()).add(p.get('fill'))
for cls in ('eco_redline', 'eco_control', 'airport'):
    assert zones[cls] == {'url(#hatch-%s)' % cls}, (cls, zones[cls])
ids = {e.get('id') for e in root.iter(svg.NS + 'pattern')}
assert {'hatch-eco_redline', 'hatch-eco_control', 'hatch-airport'} <= ids
# the water comes first: everything over it is a zone, hatched or translucent
order = [p.get('class') for p in root.iter(svg.NS + 'path')]
assert order.index('water') < order.index('zone')
PY
check "25.5 map: one named font, WenQuanYi Micro Hei (fonts-wqy-microhei), nothing else named" python3 - "$WZ" <<'PY'
import sys, svg
root = svg.load(sys.argv[1] + '/plan.svg')
assert root.get('font-family') == 'WenQuanYi Micro Hei, sans-serif'
assert all(e.get('font-family') is None for e in root.iter() if e is not root)
PY
check "25.6 map (zh): site names in Chinese alone: C-pier-052 '太湖街道 湖岸点 3', V2024-YINSHAN '尹山智谷低空经济产业园', C-town-320506001 '长桥街道'" python3 - "$WZ" <<'PY'
import re, sys, svg
labs = {i: t for c, i, t, b in svg.labels(svg.load(sys.argv[1] + '/plan.svg')) if c == 'site-label'}
assert labs['C-pier-052'] == '太湖街道 湖岸点 3' and labs['V2024-YINSHAN'] == '尹山智谷低空经济产业园'
assert labs['C-town-320506001'] == '长桥街道'
assert not [t for t in labs.values() if re.search('[A-Za-z]', t)], labs
PY
check "25.7 map (--lang en): the whole name, 'Taihu lakeshore 3' kept" python3 - "$RESULT/en" <<'PY'
import sys, svg
labs = {i: t for c, i, t, b in svg.labels(svg.load(sys.argv[1] + '/plan.svg')) if c == 'site-label'}
assert labs['C-pier-052'] == '太湖街道 湖岸点 3 (Taihu lakeshore 3)'
PY
if command -v rsvg-convert >/dev/null && fc-list | grep -q 'WenQuanYi Micro Hei'; then
    "$PLANNER" run "$W" -o "$RESULT/wz2" --no-db >/dev/null 2>&1
    check "25.8 map: plan.png the same bytes from two runs (the named font installed)" cmp "$WZ/plan.png" "$RESULT/wz2/plan.png"
else
    skip "25.8 map: plan.png the same bytes from two runs" "rsvg-convert or WenQuanYi Micro Hei not installed"
fi
[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/25-map-picture.sh)"
echo "1..$n"
