#!/bin/sh
# tests/e2e/14-hostile-names.sh - end-to-end tests, section 14:
#   hostile names (quotes, control bytes, U+1F681, </script>, <img ...>,
#   ]]>): every JSON output parses and gives them back; HTML, SVG and KML
#   escape them
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/14-hostile-names.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=16   # the tests this file runs, declared: one that vanishes is a failure

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
same(sorted(r['route_id'] for r in d['reroutes']), sorted(r['id'] for r in d['results'] if r['verdict'] == 'forbidden'))
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
# (the ids are longer than the standards' 7 characters: the identifier is
# 7 digits of their hash, the id itself in extendedProperties.planner_id;
# the names have no Chinese: one {lang: en} text in ED-318)
check "14.10 zones --format ed269 and ed318 parse: title, ids and names exact (extendedProperties), identifiers 7 characters" py "$HX/z269.json" "$HX/z318.json" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from hostile import *
a, b = load(sys.argv[2]), load(sys.argv[3])
same((a['title'], b['name']), (TITLE, TITLE))
same([(f['extendedProperties']['planner_id'], f['name'], f['extendedProperties']['planner_name']) for f in a['features']],
     list(zip(ZONES, ZONE_NAMES, ZONE_NAMES)))
same([(f['id'], f['properties']['extendedProperties']['planner_id'], f['properties']['name']) for f in b['features']],
     [(z, z, [{'lang': 'en', 'text': n}]) for z, n in zip(ZONES, ZONE_NAMES)])
same([len(f['identifier']) for f in a['features']] + [len(f['properties']['identifier']) for f in b['features']], [7] * 6)
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

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/14-hostile-names.sh)"
echo "1..$n"
