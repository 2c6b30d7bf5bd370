#!/bin/sh
# tests/e2e/19-terrain.sh - end-to-end tests, section 19: true height over
#   a terrain model (issue 23, part 6), by hand on data/terrain.yaml
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/19-terrain.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=9   # the tests this file runs, declared: one that vanishes is a failure

# terrain_dem.asc: 100 m cells from (500000, 3450600), EPSG:4549; a 200 m
# ridge in column x 501000-501100 north of y 3451100, a 200 m plateau over
# x 500500-501500 south of y 3451000, 0 elsewhere.  The grid holds each
# cell's value over its square and half a cell around (so one column either
# side), and the raster's edge cells as unknown.  Routes: light aircraft
# (controlled above 120 m true height), w 10 m, band 0.
T="$RESULT/terrain"
"$PLANNER" check "$DATA/terrain.yaml" -o "$T" >"$RESULT/terrain.out" 2>&1
# RIDGE, level at 150 m from x 500350 to 501750 on y 3451250: its
# stretches of 100 m meeting the ridge's columns 500900-501200 run from
# x 500850 to 501250, 500 to 900 m along; 150 - 200 = -50 m there
check "19.1 RIDGE: the 200 m ridge between its two waypoints is caught: forbidden, under the ground from 500 to 900 m along, -50 to 0 m" \
    sh -c "[ '$(route "$T/routes.geojson" RIDGE verdict)' = forbidden ] && [ '$(conf "$T/conflicts.geojson" RIDGE terrain from_along_m)' = 500 ] && [ '$(conf "$T/conflicts.geojson" RIDGE terrain to_along_m)' = 900 ] && [ '$(conf "$T/conflicts.geojson" RIDGE terrain alt_overlap_lo_m)' = -50 ]"
check "19.2 RIDGE: true height least -50 m, most 150 m, ground known all along" \
    sh -c "[ '$(route "$T/routes.geojson" RIDGE agl_min_m)' = -50 ] && [ '$(route "$T/routes.geojson" RIDGE agl_max_m)' = 150 ] && [ '$(route "$T/routes.geojson" RIDGE ground_unknown_m)' = 0 ]"
# PLATEAU at 250 m over 200 m ground: 50 m true height (above a flat datum
# 250 m would be controlled airspace, above 120 m)
check "19.3 PLATEAU: 250 m over the 200 m plateau is 50 m true height: free, agl 50-50 m" \
    sh -c "[ '$(route "$T/routes.geojson" PLATEAU verdict)' = free ] && [ '$(route "$T/routes.geojson" PLATEAU agl_min_m)' = 50 ] && [ '$(route "$T/routes.geojson" PLATEAU agl_max_m)' = 50 ]"
check "19.4 PLAT2: ZAGL (0-100 m above ground) entered at 50-50 m true height: approval; ZAMSL (0-240 m above the datum) passed above" \
    sh -c "[ '$(route "$T/routes.geojson" PLAT2 verdict)' = approval ] && [ '$(conf "$T/conflicts.geojson" PLAT2 ZAGL alt_overlap_lo_m)' = 50 ] && [ '$(conf "$T/conflicts.geojson" PLAT2 ZAGL alt_overlap_hi_m)' = 50 ] && ! grep -q '\"ZAMSL\"' '$T/conflicts.geojson'"
check "19.5 OUTSIDE: beyond the terrain model the ground is unknown, never 0: approval (may be above 120 m), agl null, 500 m without ground" \
    sh -c "[ '$(route "$T/routes.geojson" OUTSIDE verdict)' = approval ] && [ '$(route "$T/routes.geojson" OUTSIDE agl_min_m)' = None ] && [ '$(route "$T/routes.geojson" OUTSIDE ground_unknown_m)' = 500 ]"
# the PLATEAU route as a lon/lat proposal, as QGIS sends it
set -- $(printf '3450850 500850\n3450850 501150\n' | cs2cs -f %.10f EPSG:4549 EPSG:4326 | awk '{print $2, $1}')
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"P1","aircraft":"light_uas"},"geometry":{"type":"LineString","coordinates":[[%s,%s,250],[%s,%s,250]]}}]}\n' \
    "$1" "$2" "$3" "$4" >"$RESULT/terrain_prop.geojson"
"$PLANNER" validate "$DATA/terrain.yaml" "$RESULT/terrain_prop.geojson" --json >"$RESULT/terrain_prop.json" 2>&1
check "19.6 validate: the plateau proposal is free (exit 0) with agl_min_m 50 and its heights from the terrain model" \
    sh -c "[ '$(jget "$RESULT/terrain_prop.json" "d['results'][0]['verdict']")' = free ] && [ '$(jget "$RESULT/terrain_prop.json" "d['results'][0]['agl_min_m']")' = 50 ] && grep -q 'true heights (AGL) from' '$RESULT/terrain_prop.json'"

# bad terrain declarations: exit 2, one message naming the file and key
mkdir -p "$RESULT/bad"
cp "$DATA/terrain_dem.asc" "$DATA/terrain_zones.geojson" "$DATA/terrain_routes.geojson" "$RESULT/bad/"
sed '/^  source:/d' "$DATA/terrain.yaml" >"$RESULT/bad/nosource.yaml"
"$PLANNER" check "$RESULT/bad/nosource.yaml" -o "$RESULT/bad/o1" >"$RESULT/bad/o1.out" 2>&1
rc=$?
check "19.7 terrain without its source: exit 2, 'nosource.yaml:8:' and 'missing source', nothing written" \
    sh -c "[ $rc -eq 2 ] && grep -q 'nosource.yaml:8:.*terrain: missing source' '$RESULT/bad/o1.out' && [ ! -e '$RESULT/bad/o1' ]"
sed 's/path: terrain_dem.asc/path: nowhere.tif/' "$DATA/terrain.yaml" >"$RESULT/bad/nofile.yaml"
"$PLANNER" check "$RESULT/bad/nofile.yaml" -o "$RESULT/bad/o2" >"$RESULT/bad/o2.out" 2>&1
rc=$?
check "19.8 a terrain path that is not there: exit 2 naming it" \
    sh -c "[ $rc -eq 2 ] && grep -q 'nowhere.tif' '$RESULT/bad/o2.out' && [ ! -e '$RESULT/bad/o2' ]"
sed '/^  crs: EPSG:4549/d' "$DATA/terrain.yaml" >"$RESULT/bad/nocrs.yaml"
"$PLANNER" check "$RESULT/bad/nocrs.yaml" -o "$RESULT/bad/o3" >"$RESULT/bad/o3.out" 2>&1
rc=$?
check "19.9 a raster without a CRS and no terrain.crs: exit 2, 'has no CRS: give terrain.crs'" \
    sh -c "[ $rc -eq 2 ] && grep -q 'terrain_dem.asc: the raster has no CRS: give terrain.crs' '$RESULT/bad/o3.out' && [ ! -e '$RESULT/bad/o3' ]"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/19-terrain.sh)"
echo "1..$n"
