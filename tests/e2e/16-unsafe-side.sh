#!/bin/sh
# tests/e2e/16-unsafe-side.sh - end-to-end tests, section 16:
#   a vertical climb through a 60-90 m band; a 22,360 m circle crossed 1 m
#   inside its rim (chord 422.94 m), touched, missed by 1 mm
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/16-unsafe-side.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=6   # the tests this file runs, declared: one that vanishes is a failure

# ---- 16. never on the unsafe side: a vertical climb, an exact circle --------
# safe.yaml: BAND, a 200 m square around (501000, 3451000) from 60 to 90 m;
# C, a 22,360 m circle at (540000, 3400000); routes w = 10 m, band 0.
SF="$RESULT/safe"
"$PLANNER" check "$DATA/safe.yaml" -o "$SF" >"$RESULT/safe.out" 2>&1
check "16.1 STEP: a climb 30 -> 150 m at one position inside BAND conflicts, altitudes 60-90 m, at 1000 m along" \
    sh -c "[ '$(conf "$SF/conflicts.geojson" STEP BAND alt_overlap_lo_m)' = 60 ] && [ '$(conf "$SF/conflicts.geojson" STEP BAND alt_overlap_hi_m)' = 90 ] && [ '$(conf "$SF/conflicts.geojson" STEP BAND from_along_m)' = 1000 ] && [ '$(conf "$SF/conflicts.geojson" STEP BAND to_along_m)' = 1000 ]"
check "16.2 STEPTOP: the climb topping out at the floor (60 m) only touches it: free" \
    [ "$(route "$SF/routes.geojson" STEPTOP verdict)" = free ]
check "16.3 CHORD: 22,359 m from the centre, chord 2 sqrt(22360^2 - 22359^2) = 422.94 m inside (to 0.01 m)" \
    near "$(conf "$SF/conflicts.geojson" CHORD C length_inside_m)" 422.9409 0.01
check "16.4 RIM: the corridor's edge on the rim (22,360 + 10 m) touches: forbidden, 0 m of route" \
    sh -c "[ '$(route "$SF/routes.geojson" RIM verdict)' = forbidden ] && [ '$(conf "$SF/conflicts.geojson" RIM C corridor_length_m)' = 0 ]"
check "16.5 MISS: 1 mm beyond the rim: free" [ "$(route "$SF/routes.geojson" MISS verdict)" = free ]
# the same climb as a proposal in WGS84 lon/lat, as QGIS sends it
set -- $(printf '3451000 500000\n3451000 501000\n3451000 502000\n' | cs2cs -f %.10f EPSG:4549 EPSG:4326 | awk '{print $2, $1}')
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"UP","half_width_m":10,"band_below_m":0,"band_above_m":0},"geometry":{"type":"LineString","coordinates":[[%s,%s,30],[%s,%s,30],[%s,%s,150],[%s,%s,150]]}}]}\n' \
    "$1" "$2" "$3" "$4" "$3" "$4" "$5" "$6" >"$RESULT/safe_prop.geojson"
"$PLANNER" validate "$DATA/safe.yaml" "$RESULT/safe_prop.geojson" --json >"$RESULT/safe_prop.json" 2>&1
check "16.6 validate: the climb sent in lon/lat is forbidden for BAND, altitude overlap 60.0-90.0 m" \
    sh -c "[ '$(jget "$RESULT/safe_prop.json" "d['results'][0]['verdict']")' = forbidden ] && grep -q 'BAND.*altitude overlap 60.0-90.0 m' '$RESULT/safe_prop.json'"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/16-unsafe-side.sh)"
echo "1..$n"
