#!/bin/sh
# tests/e2e/02-crs-formats.sh - end-to-end tests, section 2:
#   the same square in EPSG:4326 (GeoJSON) and in a GeoPackage: the answers
#   of 01-square.sh
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/02-crs-formats.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=11   # the tests this file runs, declared: one that vanishes is a failure

# ---- 2. same zone in EPSG:4326 and in a GeoPackage ------------------------
# the square's answers to compare with (01-square.sh checks them by hand)
"$PLANNER" check "$DATA/square.yaml" -o "$RESULT/square" >/dev/null 2>&1
C=$RESULT/square/conflicts.geojson
R=$RESULT/square/routes.geojson
ogr2ogr -f GeoJSON -t_srs EPSG:4326 -lco COORDINATE_PRECISION=12 "$RESULT/square_4326.geojson" "$DATA/square_4549.geojson"
# data_root ../.. is tests/e2e, two folders above tests/e2e/result/02-crs-formats
cat >"$RESULT/square4326.yaml" <<EOF
name: square4326
route_defaults: {aircraft_class: light}
data_root: ../..
layers:
  - {id: zones, role: zones, path: square_4326.geojson}
  - {id: routes, role: routes, path: ../../data/routes_4549.geojson}
EOF
ogr2ogr -f GPKG -nln zones "$RESULT/square.gpkg" "$DATA/square_4549.geojson"
ogr2ogr -f GPKG -update -nln routes "$RESULT/square.gpkg" "$DATA/routes_4549.geojson"
cat >"$RESULT/squaregpkg.yaml" <<EOF
name: squaregpkg
route_defaults: {aircraft_class: light}
layers:
  - {id: zones, role: zones, path: square.gpkg, layer: zones}
  - {id: routes, role: routes, path: square.gpkg, layer: routes}
EOF
for v in 4326 gpkg; do
    "$PLANNER" check "$RESULT/square$v.yaml" -o "$RESULT/sq$v" >/dev/null 2>&1
    C2=$RESULT/sq$v/conflicts.geojson
    R2=$RESULT/sq$v/routes.geojson
    check "2.$v.1 THROUGH: same length inside" near "$(conf $C2 THROUGH SQ length_inside_m)" "$(conf $C THROUGH SQ length_inside_m)" 0.01
    check "2.$v.2 THROUGH: same entry point" near_pt "$(conf $C2 THROUGH SQ entry_lon)" "$(conf $C2 THROUGH SQ entry_lat)" 500000 3451000 0.01
    check "2.$v.3 BESIDE: same clearance" near "$(route $R2 BESIDE clearance_m)" 250 0.01
    check "2.$v.4 CLIMB: same length inside" near "$(conf $C2 CLIMB SQ length_inside_m)" 1000 0.01
    check "2.$v.5 same verdicts" sh -c "[ '$(jget $R2 "[f['properties']['verdict'] for f in d['features']]")' = '$(jget $R "[f['properties']['verdict'] for f in d['features']]")' ]"
done
"$PLANNER" layers "$RESULT/squaregpkg.yaml" >"$RESULT/layers_gpkg.out" 2>&1
check "2.6 layers reports the GPKG driver and its CRS" grep -q "driver GPKG, layer 'zones', source CRS EPSG:4549" "$RESULT/layers_gpkg.out"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/02-crs-formats.sh)"
echo "1..$n"
