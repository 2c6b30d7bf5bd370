#!/bin/sh
# tests/e2e/23-approach.sh - end-to-end tests, section 23: vertiport
#   approach/departure headings against obstacles (a Point, a building
#   footprint) and a terrain model, and each site's capacity (issue 24,
#   parts 4 and 5), by hand on data/approach.yaml and data/approach_terrain.yaml
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/23-approach.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=14   # the tests this file runs, declared: one that vanishes is a failure

# The surface of heading t (D = 20 m: FATO r = 15 m, 8:1, splay 0.15): a
# point at `along` m out from the FATO edge on t's axis and `across` m off
# it is under the surface when along >= 0 and |across| <= 15 + 0.15 along;
# the surface is along / 8 above the site's ground there; a top above it
# closes t.
A=$DATA/approach.yaml
"$PLANNER" site "$A" -o "$RESULT/a" >"$RESULT/a.out" 2>&1
arc=$?
V=$RESULT/a/vertiports.geojson
vp() { route "$V" "$1" "$2"; } # vp SITE FIELD
# TOWER, 20 m (OSM height "20 m"), 100 m from A_PT at bearing 45 (70.711,
# 70.711): for t = 45 + f, along = 100 cos f - 15 <= 85 < 160 (20 x 8);
# under the surface while 100 sin f <= 15 + 0.15 (100 cos f - 15), i.e.
# 100 sin f - 15 cos f <= 12.75: f <= atan(15/100) + asin(12.75 / 101.119)
# = 8.531 + 7.244 = 15.775: closed 30-60 (29.2-60.8)
check "23.1 A_PT: the 20 m tower 100 m out at bearing 45 closes 30-60: free 0-29,61-359, checked by the obstacle layer (1 within reach)" \
    sh -c "[ $arc -eq 0 ] && [ '$(vp A_PT free_headings_deg)' = 0-29,61-359 ] && [ '$(vp A_PT headings_not_checked_deg)' = None ] && [ \"$(vp A_PT headings_checked_by)\" = \"obstacle layer 'obstacles' (1 within reach); no terrain model: the terrain not checked\" ]"
# BLD, building:levels 12 = 36 m (approximate), 60 m wide (across -30..30)
# and 100-130 m south of A_BLD: for t = 180 + f its near corner on the far
# side (100 ahead, 30 off) enters the surface while (100 - 0.15 x 30) sin f
# - (30 + 0.15 x 100) cos f <= 12.75, i.e. 95.5 sin f - 45 cos f <= 12.75:
# f <= atan(45 / 95.5) + asin(12.75 / 105.571) = 25.230 + 6.937 = 32.167,
# along there 100 cos f + 30 sin f - 15 = 85.6 < 288 (36 x 8): closed
# 148-212
check "23.2 A_BLD: the 36 m footprint (building:levels 12, approximate) 100-130 m south closes 148-212: free 0-147,213-359" \
    sh -c "[ '$(vp A_BLD free_headings_deg)' = 0-147,213-359 ] && [ \"$(vp A_BLD headings_checked_by)\" = \"obstacle layer 'obstacles' (1 within reach, 1 of them with a height from building:levels x 3 m: approximate); no terrain model: the terrain not checked\" ]"
check "23.3 A_FREE and V1: nothing within reach, 0-359 free" \
    sh -c "[ '$(vp A_FREE free_headings_deg)' = 0-359 ] && [ '$(vp V1 free_headings_deg)' = 0-359 ] && [ \"$(vp V1 headings_checked_by)\" = \"obstacle layer 'obstacles' (0 within reach); no terrain model: the terrain not checked\" ]"
check "23.4 explain A_BLD prints its free headings" \
    sh -c "'$PLANNER' site '$A' --explain A_BLD --lang en | grep -qF 'free approach/departure headings (deg): 0-147,213-359'"
# capacity: 2 pads x 3 = 6 movements/h, V1 1 pad (its property) x 3 = 3.
# A_PT: R1 3/h (its per_hour) + R2 4/h (route_per_hour) = 7 > 6; V1: R2
# 4/h, R3 without per_hour not counted: 4 > 3; A_BLD: R1 3 <= 6; A_FREE 0
check "23.5 over capacity: A_PT 7 of 6 and V1 4 of 3, with the figures" \
    sh -c "[ '$(vp A_PT capacity_warning)' = '7 movements/h planned (R1 3/h, R2 4/h), capacity 6/h (2 pads x 3)' ] && [ '$(vp V1 capacity_warning)' = '4 movements/h planned (R2 4/h, R3 not counted (no per_hour)), capacity 3/h (1 pad x 3)' ]"
check "23.6 under capacity: A_BLD 3 of 6 and A_FREE 0 of 6 (R3 not counted), no warning" \
    sh -c "[ '$(vp A_BLD movements_per_h)' = 3 ] && [ '$(vp A_BLD capacity_per_h)' = 6 ] && [ '$(vp A_BLD capacity_warning)' = None ] && [ '$(vp A_FREE movements_per_h)' = 0 ] && [ '$(vp A_FREE movements_by_route)' = 'R3 not counted (no per_hour)' ] && [ '$(vp A_FREE capacity_warning)' = None ]"
"$PLANNER" site "$A" --lang en >"$RESULT/a_en.out" 2>&1
check "23.7 the text summary: one capacity line per site over capacity, none for the others" \
    sh -c "[ \$(grep -c 'capacity' '$RESULT/a_en.out') -eq 2 ] && grep -qxF '  capacity A_PT: 7 movements/h planned (R1 3/h, R2 4/h), capacity 6/h (2 pads x 3)' '$RESULT/a_en.out' && grep -qxF '  capacity V1: 4 movements/h planned (R2 4/h, R3 not counted (no per_hour)), capacity 3/h (1 pad x 3)' '$RESULT/a_en.out'"

# no obstacle layer and no terrain model: a warning on every site, never a pass
cp "$DATA"/site_boundary.geojson "$DATA"/approach_*.geojson "$RESULT/"
sed '/role: obstacles/d' "$A" >"$RESULT/noobs.yaml"
"$PLANNER" site "$RESULT/noobs.yaml" -o "$RESULT/n" >"$RESULT/n.out" 2>&1
check "23.8 no obstacle layer, no terrain: every site 'not checked: no obstacle layer and no terrain model', 0-359 not checked, kept feasible" \
    python3 - "$RESULT/n/vertiports.geojson" "$RESULT/n/candidates.geojson" <<'PY'
import json, sys
fs = json.load(open(sys.argv[1]))['features'] + json.load(open(sys.argv[2]))['features']
assert len(fs) == 7, len(fs)
for f in fs:
    p = f['properties']
    assert p['free_headings_deg'] == 'not checked: no obstacle layer and no terrain model', p
    assert p['headings_not_checked_deg'] == '0-359' and p['feasible'], p
    assert p['headings_checked_by'] == 'nothing: no obstacle layer and no terrain model', p
PY
sed '/^  pads:/d; /movements_per_pad_per_h/d' "$A" >"$RESULT/nopads.yaml"
"$PLANNER" site "$RESULT/nopads.yaml" -o "$RESULT/p" >"$RESULT/p.out" 2>&1
check "23.9 no pads stated: A_PT's capacity unknown (null, not compared), V1 1 pad but no movements per pad, no capacity line" \
    sh -c "! grep -q 'capacity' '$RESULT/p.out' && [ '$(route "$RESULT/p/vertiports.geojson" A_PT capacity_per_h)' = None ] && [ '$(route "$RESULT/p/vertiports.geojson" V1 capacity_per_h)' = None ] && [ '$(route "$RESULT/p/vertiports.geojson" A_PT movements_per_h)' = 7 ]"

# the terrain: approach_dem.asc, 100 m cells, ground 0 but a 60 m cell (x
# 501400-501500, y 3451000-3451100) and a nodata cell (x 500600-500700,
# same rows).  The grid holds each cell over its square and half a cell
# around, so the 60 m reaches x 501300-501600, y 3450900-3451200, and the
# unknown ground x 500500-500800 on the same rows.  T_HILL (501050,
# 3451050): its ground 0 (the FATO's box in one 0 m cell); the terrain
# checked to 8 x 60 = 480 m out.  The hill, 250-550 m east and 300 m
# across: for t = 90 + f its corner (250 ahead, 150 off) enters the surface
# while (250 - 22.5) sin f - (150 + 37.5) cos f <= 12.75: f <= atan(187.5 /
# 227.5) + asin(12.75 / 294.809) = 39.495 + 2.479 = 41.973, along there 271
# m < 480: closed 49-131; the unknown ground, 250-550 m west: 229-311 not
# checked; the rest free
T=$DATA/approach_terrain.yaml
"$PLANNER" site "$T" -o "$RESULT/t" >"$RESULT/t.out" 2>&1
trc=$?
C=$RESULT/t/candidates.geojson
check "23.10 T_HILL: the 60 m hill 250 m east closes 49-131: free 0-48,132-228,312-359, checked by the terrain model (site ground 0.0 m, 480 m out)" \
    sh -c "[ $trc -eq 0 ] && [ '$(route "$C" T_HILL free_headings_deg)' = 0-48,132-228,312-359 ] && [ \"$(route "$C" T_HILL headings_checked_by)\" = \"no obstacle layer: buildings and masts not checked; terrain model $DATA/approach_dem.asc (site ground 0.0 m, checked 480 m out); not checked 229-311: no ground in the terrain model under part of their surface\" ] && [ '$(route "$C" T_HILL feasible)' = True ]"
check "23.11 T_HILL: 229-311 over the nodata cell not checked, never free; T_FLAT all checked" \
    sh -c "[ '$(route "$C" T_HILL headings_not_checked_deg)' = 229-311 ] && [ '$(route "$C" T_FLAT headings_not_checked_deg)' = None ]"
check "23.12 T_UNK on the nodata cell: its ground unknown, 0-359 not checked, not accepted; T_FLAT 0-359 free" \
    sh -c "[ '$(route "$C" T_UNK feasible)' = False ] && [ '$(route "$C" T_UNK reasons)' = 'no approach/departure heading is known to be clear of obstacles above the 8:1 surface: 0-359 not checked (no ground in the terrain model under part of their surface)' ] && [ '$(route "$C" T_FLAT free_headings_deg)' = 0-359 ] && [ '$(route "$C" T_UNK headings_not_checked_deg)' = 0-359 ]"

# bad figures: exit 2 with the file and the key
sed 's/^  pads: 2/  pads: 2.5/' "$A" >"$RESULT/badpads.yaml"
"$PLANNER" site "$RESULT/badpads.yaml" -o "$RESULT/b1" >"$RESULT/b1.out" 2>&1
rc=$?
check "23.13 pads 2.5: exit 2, 'siting.pads must be a whole number'" \
    sh -c "[ $rc -eq 2 ] && grep -q 'badpads.yaml: siting.pads must be a whole number, got 2.5' '$RESULT/b1.out' && [ ! -e '$RESULT/b1' ]"
sed 's/"height":"20 m",//' "$RESULT/approach_obstacles.geojson" >"$RESULT/o.geojson" && mv "$RESULT/o.geojson" "$RESULT/approach_obstacles.geojson"
cp "$A" "$RESULT/noheight.yaml"
"$PLANNER" site "$RESULT/noheight.yaml" -o "$RESULT/b2" >"$RESULT/b2.out" 2>&1
rc=$?
check "23.14 an obstacle without a height: exit 2 naming it" \
    sh -c "[ $rc -eq 2 ] && grep -q \"layer 'obstacles': obstacle TOWER: no height: give height_m\" '$RESULT/b2.out' && [ ! -e '$RESULT/b2' ]"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/23-approach.sh)"
echo "1..$n"
