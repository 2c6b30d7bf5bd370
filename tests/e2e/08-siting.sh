#!/bin/sh
# tests/e2e/08-siting.sh - end-to-end tests, section 8:
#   vertiport siting: the hand-made fixture, its explanations, Wuzhong
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/08-siting.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=21   # the tests this file runs, declared: one that vanishes is a failure

# ---- 8. vertiport siting ------------------------------------------------------
# the Wuzhong plan this file reads (04-wuzhong.sh checks it; made here again,
# under 1 s, so that this file runs alone)
"$PLANNER" check "$W" -o "$RESULT/wz1" >/dev/null 2>&1
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
check "8.19 Wuzhong: 18 new sites of the 20 allowed (9 at route ends; 2 more would add nothing), the 3 built kept" [ "$(jget "$RESULT/wz_site.json" "(d['siting']['sites_new_chosen'], d['siting']['sites_new_required'], d['siting']['sites_built'])")" = "(18, 9, 3)" ]
check "8.20 Wuzhong: no chosen site is infeasible; coverage, bound and gap reported" python3 - "$RESULT/wz1/vertiports.geojson" "$RESULT/wz_site.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))['features']
s = json.load(open(sys.argv[2]))['siting']
assert len(v) == 21 and all(f['properties']['feasible'] for f in v if f['properties']['status'] == 'planned')
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

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/08-siting.sh)"
echo "1..$n"
