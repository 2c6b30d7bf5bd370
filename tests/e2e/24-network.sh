#!/bin/sh
# tests/e2e/24-network.sh - end-to-end tests, section 24:
#   siting and routes as one network (issue 24): route ends are required
#   sites, no site without a reason, on the hand-made data/network.yaml
#   (its header computes every answer), its LP solved by glpsol, and Wuzhong
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/24-network.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=14   # the tests this file runs, declared: one that vanishes is a failure

N=$DATA/network.yaml
# variants in the result folder, their layers read from data/: without the
# routes; count 3; count 0
sed "s|path: |path: $DATA/|; s|^name: network|&\ndata_root: $DATA|" "$N" >"$RESULT/with.yaml"
grep -v 'role: routes' "$RESULT/with.yaml" >"$RESULT/noroute.yaml"
sed 's/^  count: 2/  count: 3/' "$RESULT/with.yaml" >"$RESULT/count3.yaml"
sed 's/^  count: 2/  count: 0/' "$RESULT/with.yaml" >"$RESULT/count0.yaml"
vp() { jget "$1/vertiports.geojson" "' '.join(f['id'] for f in d['features'])"; }
si() { jget "$1/summary.json" "d['siting']$2"; }

# ---- 20.1 without the routes: A and C ------------------------------------------
"$PLANNER" site "$RESULT/noroute.yaml" -o "$RESULT/noroute" >"$RESULT/noroute.out" 2>&1
check "24.1 no routes: exit 0, A (14) and C (3) beside V1: 17 of 19, proven" sh -c "[ $? -eq 0 ] &&
    [ '$(vp "$RESULT/noroute")' = 'V1 A C' ] &&
    [ '$(si "$RESULT/noroute" "['objective_value'], d['siting']['upper_bound'], d['siting']['gap']")' = '17 17 0' ]"

# ---- 20.2-20.5 with the routes: B required, then C -------------------------------
"$PLANNER" site "$N" -o "$RESULT/with" >"$RESULT/with.out" 2>&1
check "24.2 R1 starts at B: B required, and the count's room left takes C: 15 of 19, proven" sh -c "[ $? -eq 0 ] &&
    [ '$(vp "$RESULT/with")' = 'V1 B C' ] &&
    [ '$(si "$RESULT/with" "['objective_value'], d['siting']['upper_bound'], d['siting']['gap']")' = '15 15 0' ] &&
    [ '$(si "$RESULT/with" "['sites_new_chosen'], d['siting']['sites_new_required']")' = '2 1' ]"
check "24.3 each open site's reason, on vertiports.geojson and in summary.json" python3 - "$RESULT/with" <<'PY'
import json, sys
v = {f['id']: f['properties'] for f in json.load(open(sys.argv[1] + '/vertiports.geojson'))['features']}
s = {x['id']: x for x in json.load(open(sys.argv[1] + '/summary.json'))['siting']['sites']}
want = {
    'V1': 'built: kept; no demand in reach; route ends R1 end, R2 start, R3 start',
    'B': 'required: route ends R1 start; 2 demand points in reach (1 scenic_spot, 1 hospital; weight 12, 12 only here)',
    'C': 'chosen: 1 demand point in reach (1 scenic_spot; weight 3, 3 only here); no other candidate could take its place',
}
for k, w in want.items():
    assert v[k]['reason'] == w == s[k]['reason'], (k, v[k]['reason'], s[k]['reason'])
assert v['B']['required'] and s['B']['required'] and not v['C']['required'] and v['B']['route_ends'] == 'R1 start'
PY
check "24.4 warnings: R2's end at N, infeasible (0 m); R3's end 1749 m from B, the nearest candidate" python3 - "$RESULT/with/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))['siting']
assert s['warnings'] == [
    'route R2 end: no site within 300 m: the nearest candidate, N (0 m), is infeasible (in no_fly NF '
    '(no-fly corner), where vertiports are forbidden); the nearest feasible one, A, is 3808 m away',
    'route R3 end: no site or candidate within 300 m; the nearest candidate, B, is 1749 m away'], s['warnings']
e = {r['route_id']: r for r in s['route_ends']}
assert (e['R1']['from_site'], e['R1']['to_site'], e['R2']['to_site'], e['R3']['to_nearest_site_m']) == ('B', 'V1', None, 1749.3)
assert s['route_ends_not_at_a_site'] == 2 and s['site_rule'].startswith('a new site opens only when')
PY
check "24.5 candidates.geojson: Z (no demand, no route) and N (infeasible) not chosen, no reason" python3 - "$RESULT/with/candidates.geojson" <<'PY'
import json, sys
c = {f['id']: f['properties'] for f in json.load(open(sys.argv[1]))['features']}
assert [k for k in sorted(c) if c[k]['chosen']] == ['B', 'C'], c
assert c['Z']['demand_in_reach'] == 0 and c['Z']['reason'] is None and c['N']['state'] == 'infeasible'
PY

# ---- 20.6 count 3: no padding -----------------------------------------------------
"$PLANNER" site "$RESULT/count3.yaml" -o "$RESULT/count3" >"$RESULT/count3.out" 2>&1
check "24.6 count 3: still B and C (A inside B's separation, Z reaches no demand), exit 1, a note" sh -c "[ $? -eq 1 ] &&
    [ '$(vp "$RESULT/count3")' = 'V1 B C' ] &&
    [ '$(si "$RESULT/count3" "['note']")' = '2 of the 3 new sites the count allows are open; 1 could not be placed: separation and quotas leave no eligible candidate (feasible and reaching demand)' ]"

# ---- 20.7-20.9 the LP -------------------------------------------------------------
"$PLANNER" site "$N" --lp "$RESULT/with.lp" >/dev/null 2>&1
check "24.7 the LP forces B open (req2: x2 = 1) and holds no variable for Z or N" sh -c "
    grep -qx ' req2: x2 = 1' '$RESULT/with.lp' && grep -qF 'x2 = B (required: a route ends here)' '$RESULT/with.lp' &&
    grep -qx ' count: + x1 + x2 + x3 <= 2' '$RESULT/with.lp' && ! grep -q 'x[45]' '$RESULT/with.lp'"
if command -v glpsol >/dev/null 2>&1; then
    glpsol --lp "$RESULT/with.lp" -o "$RESULT/with.sol" >/dev/null 2>&1
    check "24.8 glpsol on the LP: optimum 15 with B forced open, the planner's value" sh -c "
        grep -q '^Objective: *obj = 15 (MAXimum)' '$RESULT/with.sol' && \"$TOP/tools/siting-glpk.sh\" '$N' '$PLANNER'"
    "$PLANNER" site "$RESULT/noroute.yaml" --lp "$RESULT/noroute.lp" >/dev/null 2>&1
    glpsol --lp "$RESULT/noroute.lp" -o "$RESULT/noroute.sol" >/dev/null 2>&1
    check "24.9 glpsol without the routes: 17, no forced site" sh -c "
        grep -q '^Objective: *obj = 17 (MAXimum)' '$RESULT/noroute.sol' && ! grep -q '^ req' '$RESULT/noroute.lp'"
else
    notok "20.8 glpsol (glpk-utils) is not installed: 'make deps' installs it"
    notok "20.9 glpsol (glpk-utils) is not installed: 'make deps' installs it"
fi

# ---- 20.10 more required sites than the count -----------------------------------------
"$PLANNER" site "$RESULT/count0.yaml" >"$RESULT/count0.out" 2>&1
check "24.10 count 0 with B required: exit 2, one message" sh -c "[ $? -eq 2 ] && [ \$(wc -l <'$RESULT/count0.out') -eq 1 ] &&
    grep -qF 'siting: the routes end at 1 candidate that must open (B), more than the 0 new sites siting.count allows' '$RESULT/count0.out'"

# ---- 20.11-20.14 Wuzhong -----------------------------------------------------------------
"$PLANNER" run "$W" -o "$RESULT/wz" >"$RESULT/wz.out" 2>&1
check "24.11 Wuzhong: every route end at a site (0 of 10 away), E2024-3's at 穹窿山's foot outside its red line" \
    python3 - "$RESULT/wz/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))['siting']
off = sorted((e['route_id'], end) for e in s['route_ends'] for end in ('from', 'to') if e[end + '_site'] is None)
assert off == [], off
assert not [w for w in s['warnings'] if w.startswith('route ')], s['warnings']
assert s['route_ends_not_at_a_site'] == 0
assert [e['to_site'] for e in s['route_ends'] if e['route_id'] == 'E2024-3'] == ['C-qionglong_foot'], s['route_ends']
PY
check "24.12 Wuzhong: the 9 route-end candidates required and open, C-yinshan's 877 m from V2024-YINSHAN warned" \
    python3 - "$RESULT/wz/summary.json" "$RESULT/wz/vertiports.geojson" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))['siting']
req = sorted(f['id'] for f in json.load(open(sys.argv[2]))['features'] if f['properties']['required'])
assert req == sorted(['C-shigongshan', 'C-mudu', 'C-wuculture', 'C-yinshan', 'C-linwu', 'C-chongshan', 'C-baoshan',
                      'C-town-320506100', 'C-qionglong_foot']), req
assert s['sites_new_required'] == 9
assert any(w.startswith('C-yinshan, required by a route end, is 877 m from built site V2024-YINSHAN') for w in s['warnings'])
PY
check "24.13 Wuzhong: no open site without a reason: demand in reach or a route end, one reason line each" \
    python3 - "$RESULT/wz/vertiports.geojson" <<'PY'
import json, sys
v = [f['properties'] for f in json.load(open(sys.argv[1]))['features']]
for p in v:
    assert p['reason'] and '\n' not in p['reason'], p['id']
    if p['status'] == 'planned':
        assert p['demand_in_reach'] > 0 or p['route_ends'], p['id']
        assert p['required'] == p['reason'].startswith('required: route ends '), p['id']
PY
check "24.14 Wuzhong: 18 of 20 new sites, the 2 more that would add nothing not opened, all 305 of the demand covered, proven" \
    python3 - "$RESULT/wz/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))['siting']
assert (s['sites_new_requested'], s['sites_new_chosen'], s['sites_closed_adding_nothing']) == (20, 18, 2), s
assert (s['objective_value'], s['upper_bound'], s['gap']) == (305, 305, 0), s
assert s['note'].startswith('18 of the 20 new sites the count allows are open; 2 more'), s['note']
PY

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/24-network.sh)"
echo "1..$n"
