#!/bin/sh
# tests/e2e/20-design.sh - end-to-end tests, section 20: planned routes laid
#   out between their ends at the least cost (issue 24), by hand on
#   data/design.yaml, and the Wuzhong network's figures
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/20-design.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=11   # the tests this file runs, declared: one that vanishes is a failure
# all_of 'SHELL TEXT': run it here (near and the other helpers are
# functions of this shell, which sh -c does not see)
all_of() { eval "$1"; }

D="$RESULT/design"
"$PLANNER" check "$DATA/design.yaml" -o "$D" >"$RESULT/design.out" 2>&1
# P: (500000, 3450000) -> (510000, 3450000) meets F (504000-506000 x
# 3449000-3451000), grown by w 50 + margin 10: around its corners
# (503940, 3451060) and (506060, 3451060): 2 hypot(3940, 1060) + 2120
# = 10280.196 m
check "20.1 P: around the forbidden square F by its grown corners, 10,280.20 m, not forbidden, 0 m in approval airspace" \
    all_of "near '$(route "$D/routes.geojson" P length_m)' 10280.196 0.01 && [ '$(route "$D/routes.geojson" P verdict)' = free ] && [ '$(route "$D/routes.geojson" P alignment)' = designed ] && [ '$(route "$D/routes.geojson" P approval_m)' = 0 ]"
# Q: straight through A costs 10000 + 2 x 2100 (A grown by w: 2,100 m) =
# 14,200 m; around A grown by w + margin + t (t = max(100, L / 50) = 200):
# corners (503740, 3440760), (506260, 3440760): 2 hypot(3740, 760) + 2520
# = 10,152.876 m, no approval airspace: cheaper, taken
check "20.2 Q: around the approval rectangle A, 10,152.88 m (+152.88) and 0 m in approval airspace against the straight line's 2,100 m: A's approval avoided" \
    all_of "near '$(route "$D/routes.geojson" Q length_m)' 10152.876 0.01 && [ '$(route "$D/routes.geojson" Q approval_m)' = 0 ] && [ '$(route "$D/routes.geojson" Q straight_approval_m)' = 2100 ] && near '$(route "$D/routes.geojson" Q straight_cost_m)' 14200 0.01 && [ '$(route "$D/routes.geojson" Q approvals_avoided)' = A ] && near '$(route "$D/routes.geojson" Q added_m)' 152.876 0.01"
check "20.3 E: an existing route is flown as drawn (through F: forbidden)" \
    sh -c "[ '$(route "$D/routes.geojson" E alignment)' = 'as drawn' ] && [ '$(route "$D/routes.geojson" E verdict)' = forbidden ]"
# T: the straight line costs 10000 + 3 x 6100 (V grown by w) = 28,300 m; along
# V's north side inside A2 costs 10,816.6 + 2 x about 6,900 = about 24,600 m:
# cheaper, but with more km in approval airspace than the straight line (0),
# so A* runs again with the approval weight x10: the straight line is then
# the cheapest, 10,000 m, 0 m in approval airspace, 6,100 m advisory
check "20.8 T: a cheaper path with more approval km than the straight line is not taken: straight, 0 m approval, 6,100 m advisory, cost 28,300" \
    all_of "near '$(route "$D/routes.geojson" T length_m)' 10000 0.001 && [ '$(route "$D/routes.geojson" T approval_m)' = 0 ] && [ '$(route "$D/routes.geojson" T advisory_m)' = 6100 ] && near '$(route "$D/routes.geojson" T design_cost_m)' 28300 0.01"

# with approval_weight 0 the straight line through A is the cheapest (10 km)
mkdir -p "$RESULT/w0"
cp "$DATA/design_zones.geojson" "$DATA/design_routes.geojson" "$RESULT/w0/"
sed 's/approval_weight: 2.0/approval_weight: 0/' "$DATA/design.yaml" >"$RESULT/w0/design.yaml"
"$PLANNER" check "$RESULT/w0/design.yaml" -o "$RESULT/w0/out" >"$RESULT/w0.out" 2>&1
check "20.4 approval_weight 0: Q flies straight through A (10,000 m, 2,100 m in approval airspace); P still goes around F" \
    all_of "near '$(route "$RESULT/w0/out/routes.geojson" Q length_m)' 10000 0.001 && [ '$(route "$RESULT/w0/out/routes.geojson" Q approval_m)' = 2100 ] && near '$(route "$RESULT/w0/out/routes.geojson" P length_m)' 10280.196 0.01"
# Wuzhong: the 6 planned routes designed, none forbidden, none with more
# metres in approval airspace than its straight line
"$PLANNER" check "$W" -o "$RESULT/wz" >"$RESULT/wz.out" 2>&1
check "20.5 Wuzhong: 6 planned routes designed, none forbidden, each with approval_m <= straight_approval_m" \
    jget "$RESULT/wz/routes.geojson" "exit(0 if [p['alignment'] for p in (f['properties'] for f in d['features']) if p['status']=='planned'].count('designed') == 6 and all(p['verdict'] != 'forbidden' and p['approval_m'] <= p['straight_approval_m'] for p in (f['properties'] for f in d['features']) if p['status']=='planned') else 1)"

# two planned routes crossing at right angles at (505000, 3460000), both
# drawn at 100 m, band +-20: with levels [100, 150] the first keeps 100 m,
# the second is raised to 150 m: 130-170 m against 80-120 m, separated.
# Both drawn climbing 70 m in 1 km (1:14.3), under the 1:8 approach
# surfaces: raised to reach cruise 560 m from each end (points at 0, 560,
# 1000, 9000, 9440, 10000 m); C2 at 150 m then climbs 120 m in 560 m
X="$RESULT/cross"
"$PLANNER" check "$DATA/cross.yaml" -o "$X" >"$RESULT/cross.out" 2>&1
check "20.6 crossing routes separated by level: C1 at 100 m, C2 raised to 150 m (130-170 m against 80-120 m), both free" \
    all_of "[ '$(route "$X/routes.geojson" C2 waypoint_altitudes_m)' = '[30, 150, 150, 150, 150, 30]' ] && [ '$(route "$X/routes.geojson" C1 verdict)' = free ] && [ '$(route "$X/routes.geojson" C2 verdict)' = free ] && grep -q 'C1 0 m away (200 m needed): separated by level (130-170 m against 80-120 m)' '$X/routes.geojson'"
mkdir -p "$RESULT/x1"
cp "$DATA/cross_routes.geojson" "$RESULT/x1/"
sed '/levels_m/d' "$DATA/cross.yaml" >"$RESULT/x1/cross.yaml"
"$PLANNER" check "$RESULT/x1/cross.yaml" -o "$RESULT/x1/out" >"$RESULT/x1.out" 2>&1
check "20.7 without levels both cross at 100 m: one level conflict each, approval, a separation entry on each approvals sheet" \
    jget "$RESULT/x1/out/routes.geojson" "exit(0 if all(f['properties']['verdict'] == 'approval' and f['properties']['level_conflicts'] == 1 and [a['rule'] for a in f['properties']['approvals']] == ['separation'] for f in d['features']) else 1)"

# a builtup layer (data/builtup.yaml's header computes both answers): at
# builtup_weight 0.5 B goes around the built-up square U, 10,413.09 m and no
# metre over it, against 11,050 straight; at 0.1 the straight line (10,210)
B="$RESULT/builtup"
"$PLANNER" check "$DATA/builtup.yaml" -o "$B" >"$RESULT/builtup.out" 2>&1
check "20.9 builtup_weight 0.5: B around the built-up square U, 10,413.09 m, 0 m over it against the straight line's 2,100 m (cost 11,050)" \
    all_of "near '$(route "$B/routes.geojson" B length_m)' 10413.086 0.01 && [ '$(route "$B/routes.geojson" B builtup_m)' = 0 ] && [ '$(route "$B/routes.geojson" B straight_builtup_m)' = 2100 ] && near '$(route "$B/routes.geojson" B straight_cost_m)' 11050 0.01"
mkdir -p "$RESULT/b1"
cp "$DATA/builtup_area.geojson" "$DATA/builtup_routes.geojson" "$RESULT/b1/"
sed 's/builtup_weight: 0.5/builtup_weight: 0.1/' "$DATA/builtup.yaml" >"$RESULT/b1/builtup.yaml"
"$PLANNER" check "$RESULT/b1/builtup.yaml" -o "$RESULT/b1/out" >"$RESULT/b1.out" 2>&1
check "20.10 builtup_weight 0.1: B flies straight over U (10,000 m, 2,100 m over it, cost 10,210); no builtup layer, no builtup figures" \
    all_of "near '$(route "$RESULT/b1/out/routes.geojson" B length_m)' 10000 0.001 && [ '$(route "$RESULT/b1/out/routes.geojson" B builtup_m)' = 2100 ] && near '$(route "$RESULT/b1/out/routes.geojson" B design_cost_m)' 10210 0.01 && jget "$D/routes.geojson" \"exit(0 if all('builtup_m' not in f['properties'] for f in d['features']) else 1)\""

# K: drawn 30 -> 150 -> 30 m over 10 km, raised into the approach surfaces
# (data/builtup.yaml's header): 150 m from 960 m out of each end
set -- $(jget "$B/routes.geojson" "' '.join('%.7f %.7f' % tuple(c[:2]) for f in d['features'] if f['properties']['id'] == 'K' for c in f['geometry']['coordinates'][1:4:2])")
check "20.11 K: climb and descent raised to 1 m per 8 m from each end: 30, 150, 150, 150, 30 m, cruise reached 960 m from each end" \
    all_of "[ '$(route "$B/routes.geojson" K waypoint_altitudes_m)' = '[30, 150, 150, 150, 30]' ] && near_pt $1 $2 500960 3480000 0.05 && near_pt $3 $4 509040 3480000 0.05 && grep -q 'climb and descent raised into the sites' '$B/routes.geojson'"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/20-design.sh)"
echo "1..$n"
