#!/bin/sh
# tests/e2e/01-square.sh - end-to-end tests, section 1:
#   the 2 km no-fly square (EPSG:4549, x 500000-502000, y 3450000-3452000,
#   ceiling 300 m) and five routes:
#   THROUGH  y=3451000 at 120 m, w=50: 2000 m inside, entry (500000,3451000),
#            exit (502000,3451000); corridor meets the zone over 2100 m
#   BESIDE   y=3452300: 300 m from the zone -> clearance 300 - 50 = 250 m
#   ABOVE    at 400 m, band +-20: above the 300 m ceiling -> no conflict
#   CLIMB    200 m -> 400 m over x 499000-503000, band 0: altitude 250 m at
#            x=500000 and 300 m at x=501000 -> 1000 m inside, exit at 300 m
#   EDGE     y=3452030, w=50: centreline stays out, the corridor meets the
#            zone over 2000 + 2*sqrt(50^2-30^2) = 2080 m
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/01-square.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=17   # the tests this file runs, declared: one that vanishes is a failure

# ---- 1. the square ------------------------------------------------------
S=$RESULT/square
"$PLANNER" check "$DATA/square.yaml" -o "$S" >"$RESULT/square.out" 2>&1
rc=$?
[ $rc -eq 1 ] && ok "1.1 check exits 1 when a route is forbidden (禁飞)" || notok "1.1 check exits 1 when a route is forbidden (禁飞)" "exit $rc"
C=$S/conflicts.geojson
R=$S/routes.geojson
check "1.2 THROUGH: 2000 m inside (to 0.01 m)" near "$(conf $C THROUGH SQ length_inside_m)" 2000 0.01
check "1.3 THROUGH: entry exactly at (500000, 3451000)" \
    near_pt "$(conf $C THROUGH SQ entry_lon)" "$(conf $C THROUGH SQ entry_lat)" 500000 3451000 0.01
check "1.4 THROUGH: exit exactly at (502000, 3451000)" \
    near_pt "$(conf $C THROUGH SQ exit_lon)" "$(conf $C THROUGH SQ exit_lat)" 502000 3451000 0.01
check "1.5 THROUGH: corridor meets the zone over 2100 m" near "$(conf $C THROUGH SQ corridor_length_m)" 2100 0.01
check "1.6 THROUGH: forbidden (no_fly), altitude overlap 100-140 m" \
    sh -c "[ '$(route $R THROUGH verdict)' = forbidden ] && [ '$(conf $C THROUGH SQ alt_overlap_lo_m)' = 100 ] && [ '$(conf $C THROUGH SQ alt_overlap_hi_m)' = 140 ]"
check "1.7 THROUGH: overlap polygon is 2000 m x 100 m" near "$(conf $C THROUGH SQ overlap_area_m2)" 200000 0.5
check "1.8 BESIDE: free (light aircraft, no zone), clearance 300 - 50 = 250 m to SQ" \
    sh -c "[ '$(route $R BESIDE verdict)' = free ] && [ '$(route $R BESIDE clearance_zone_id)' = SQ ]"
check "1.9 BESIDE: clearance 250 m (to 0.01 m)" near "$(route $R BESIDE clearance_m)" 250 0.01
check "1.10 ABOVE: above the ceiling, no conflict" \
    sh -c "[ '$(route $R ABOVE verdict)' = free ] && [ '$(jget $C "sum(1 for f in d['features'] if f['properties']['route_id']=='ABOVE')")' = 0 ]"
check "1.11 CLIMB: 1000 m inside below the ceiling" near "$(conf $C CLIMB SQ length_inside_m)" 1000 0.01
check "1.12 CLIMB: entry at 250 m (x=500000)" near "$(conf $C CLIMB SQ entry_alt_m)" 250 0.001
check "1.13 CLIMB: exit at 300 m, the ceiling, at x=501000" \
    near_pt "$(conf $C CLIMB SQ exit_lon)" "$(conf $C CLIMB SQ exit_lat)" 501000 3450500 0.01
check "1.14 CLIMB: exit altitude 300 m" near "$(conf $C CLIMB SQ exit_alt_m)" 300 0.001
check "1.15 EDGE: corridor conflict, centreline outside" \
    sh -c "[ '$(conf $C EDGE SQ centreline_enters)' = False ] && [ '$(conf $C EDGE SQ length_inside_m)' = 0 ]"
check "1.16 EDGE: corridor meets the zone over 2080 m" near "$(conf $C EDGE SQ corridor_length_m)" 2080 0.05
check "1.17 text output names zone, class and length" grep -q 'forbidden SQ "2 km square" (no_fly): 2000.00 m inside' "$RESULT/square.out"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/01-square.sh)"
echo "1..$n"
