#!/bin/sh
# tests/e2e/18-regulation.sh - end-to-end tests, section 18: the verdicts in
# the regulation's terms (issue 23), on tests/e2e/data/regulation.yaml: a
# no-fly square NF (forbidden), an airport square AP (controlled airspace:
# approval, Art. 19), an ecological red line ECO (advisory), each 1 km; routes
# at 100 m (band +-10 m, w 50 m): FORB through NF, APP through AP, ADV
# through ECO, and five 1 km or more north of all zones, one per Art. 62 class
# (FREE light, MICRO, SMALL, MEDIUM, LARGE) and UNSTATED (no class, no default).
# Answers by hand: FORB forbidden 禁飞; APP approval 需报批 with AP on its
# approvals sheet where its corridor meets AP: 500 - 50 to 1500 + 50 =
# 450-1550 m along; ADV advisory 提示;
# FREE, MICRO, SMALL free 适飞; MEDIUM, LARGE, UNSTATED approval for their
# class alone (no zone); check exits 1 (a route is forbidden); validate exits
# 3 when the worst is approval, 0 when it is advisory.
# validate --json's approvals list holds the plan sheet's entries (one
# builder, pl_approval_entry): APP's for AP has the airport rule's legal
# basis, word for word the built-in rule's (planner/input/scenario_rules.c),
# not the reason's text; every entry of every proposal names a zone or a
# rule, a basis, an authority and a deadline, one entry an approval reason.
set -u
. "$(dirname "$0")/setup"
PLANNED=10   # the tests this file runs, declared: one that vanishes is a failure

RG=$RESULT/regulation
mkdir -p "$RG"
"$PLANNER" check "$DATA/regulation.yaml" -o "$RG/plan" >/dev/null 2>&1
rc=$?
check "18.1 check exits 1: FORB is forbidden" [ $rc -eq 1 ]
check "18.2 one verdict a class, by hand: FORB forbidden, APP approval, ADV advisory, FREE/MICRO/SMALL free, MEDIUM/LARGE/UNSTATED approval" \
    [ "$(jget "$RG/plan/routes.geojson" "' '.join(f['properties']['id'] + '=' + f['properties']['verdict'] for f in d['features'])")" = \
      "FORB=forbidden APP=approval ADV=advisory FREE=free MICRO=free SMALL=free MEDIUM=approval LARGE=approval UNSTATED=approval" ]
check "18.3 verdict_zh: 禁飞 需报批 提示 适飞" \
    [ "$(jget "$RG/plan/routes.geojson" "' '.join(f['properties']['verdict_zh'] for f in d['features'][:4])")" = "禁飞 需报批 提示 适飞" ]
check "18.4 APP's approvals sheet: airspace use for AP, its basis, the UOM platform, by 12:00 the day before (Art. 26), 450-1550 m along (the corridor, w 50)" python3 - "$RG/plan/routes.geojson" <<'PY'
import json, sys
r = {f['properties']['id']: f['properties'] for f in json.load(open(sys.argv[1]))['features']}
a = r['APP']['approvals']
assert len(a) == 1 and a[0]['zone_id'] == 'AP' and a[0]['apply_for'].startswith('airspace use'), a
assert 'Art. 19' in a[0]['basis'] and 'operation management platform' in a[0]['authority'], a
assert a[0]['apply_by'] == 'by 12:00 (UTC+8) the day before the flight (Art. 26)', a
assert abs(a[0]['from_along_m'] - 450) < 1e-6 and abs(a[0]['to_along_m'] - 1550) < 1e-6, a
for k in ('FORB', 'ADV', 'FREE', 'MICRO', 'SMALL'):
    assert r[k]['approvals'] == [], (k, r[k]['approvals'])
for k, c in (('MEDIUM', 'medium'), ('LARGE', 'large'), ('UNSTATED', 'unknown')):
    assert r[k]['aircraft_class'] == c and [x['rule'] for x in r[k]['approvals']] == ['aircraft_class'], r[k]
PY
"$PLANNER" check "$DATA/regulation.yaml" --json --flight-date 2027-03-01 >"$RG/dated.json" 2>&1
check "18.5 --flight-date 2027-03-01: apply by 2027-02-28T12:00+08:00" \
    [ "$(jget "$RG/dated.json" "[r for r in d['routes'] if r['id'] == 'APP'][0]['approvals'][0]['apply_by'][:22]")" = "2027-02-28T12:00+08:00" ]
# proposals: the routes file cut to the ones named, validated against the
# zones alone (regulation_zones.yaml: the same lines as routes would need
# separation from themselves)
sub() { python3 - "$DATA/reg_routes.geojson" "$RG/$1.geojson" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d['features'] = [f for f in d['features'] if f['properties']['id'] in sys.argv[3].split(',')]
json.dump(d, open(sys.argv[2], 'w'))
PY
}
sub approval APP,ADV,FREE
"$PLANNER" validate "$DATA/regulation_zones.yaml" "$RG/approval.geojson" --json >"$RG/approval.json" 2>&1
rc=$?
check "18.6 validate: the worst is approval (APP), none forbidden: exit 3" [ $rc -eq 3 ]
check "18.7 validate --json: APP approval with its approvals entry for AP, ADV advisory, FREE free" \
    [ "$(jget "$RG/approval.json" "' '.join(r['id'] + '=' + r['verdict'] + ':' + ','.join(a['zone_id'] or a['rule'] for a in r['approvals']) for r in d['results'])")" = "APP=approval:AP ADV=advisory: FREE=free:" ]
sub advisory ADV,FREE
"$PLANNER" validate "$DATA/regulation_zones.yaml" "$RG/advisory.geojson" >/dev/null 2>&1
rc=$?
check "18.8 validate: advisory and free only: exit 0" [ $rc -eq 0 ]
AP_BASIS="airport and a range around it: controlled airspace, flight needs approval (Art. 19, 2024 interim regulations; the range is set by the authorities: the scenario's data or airport_rule, a scenario parameter)"
check "18.9 validate --json: APP's approval for AP has the airport rule's legal basis by hand, and is the plan sheet's entry field for field (450-1550 m along)" \
    python3 - "$RG/approval.json" "$RG/plan/routes.geojson" "$AP_BASIS" <<'PY'
import json, sys
v = {r['id']: r for r in json.load(open(sys.argv[1]))['results']}
sheet = {f['properties']['id']: f['properties']['approvals'] for f in json.load(open(sys.argv[2]))['features']}
a = v['APP']['approvals']
assert len(a) == 1 and a[0]['zone_id'] == 'AP' and a[0]['rule'] is None, a
assert a[0]['basis'] == sys.argv[3], a[0]['basis']
assert a == sheet['APP'], (a, sheet['APP'])
PY
sub all FORB,APP,ADV,FREE,MICRO,SMALL,MEDIUM,LARGE,UNSTATED
"$PLANNER" validate "$DATA/regulation_zones.yaml" "$RG/all.geojson" --json >"$RG/all.json" 2>/dev/null
(cd "$DATA" && "$PLANNER" validate validate.yaml proposals.geojson --json) >"$RG/fixture.json" 2>/dev/null
check "18.10 every approvals entry (every regulation route as a proposal, the proposals fixture with its separation): zone_id or rule, basis, authority, apply_by; one entry an approval reason" \
    python3 - "$RG/all.json" "$RG/fixture.json" <<'PY'
import json, sys
n = 0
for f in sys.argv[1:]:
    for r in json.load(open(f))['results']:
        assert len(r['approvals']) == sum(x['severity'] == 'approval' for x in r['reasons']), r
        for a in r['approvals']:
            assert (a['zone_id'] or a['rule']) and a['basis'] and a['authority'] and a['apply_by'], a
            assert 'Art.' in a['basis'] or 'CCAR' in a['basis'], a
            n += 1
assert n >= 5, n   # APP, MEDIUM, LARGE, UNSTATED, and the fixture's separation
PY

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/18-regulation.sh)"
echo "1..$n"
