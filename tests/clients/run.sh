#!/bin/sh
# tests/clients/run.sh PLANNER - the plan opened in the clients a planner
# uses (issue 25), each headless:
#   qgis_labels.py      QGIS (python3-qgis): plan.gpkg, every layer with its
#                       stored default style, the full plan rendered; every
#                       site and route label placed; boundary and water
#   qgis_processing.py  QGIS Processing: the provider of tools/qgis/ registered,
#                       Validate route proposals and Run scenario
#   kml_3d.py           OGR reading plan.kml as Google Earth: routes in 3D with
#                       the scenario's altitudes and an altitudeMode
#   report_browser.py   Chromium: report.html at 390 px (no sideways scroll),
#                       printed to A4 PDF (page size and count)
# A client that is not installed is skipped with a SKIP line saying which
# package; the last line reads "N passed, N failed, N skipped"; exit 1 when
# any failed.
set -u
planner=${1:?usage: tests/clients/run.sh PLANNER}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
res=$here/result
py=/usr/bin/python3   # Debian's, where python3-qgis and python3-gdal live
rm -rf "$res" && mkdir -p "$res"
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR="$res/xdg" LC_ALL=C.UTF-8
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
pass=0 fail=0 skipped=0

# run NAME COMMAND...: its "ok - " / "not ok - " lines counted; a command that
# dies without printing one is one failure
run() {
    name=$1; shift
    out=$("$@" 2>"$res/$name.err")
    rc=$?
    printf '%s\n' "$out" | grep -E '^(not )?ok - '
    p=$(printf '%s\n' "$out" | grep -c '^ok - ')
    f=$(printf '%s\n' "$out" | grep -c '^not ok - ')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $name stopped (exit $rc): $(tail -n 1 "$res/$name.err")"
        f=1
    fi
    pass=$((pass + p)) fail=$((fail + f))
}
skip() { echo "SKIP - $1: $2"; skipped=$((skipped + 1)); }

# the Wuzhong plan, with the KML
"$planner" run "$top/scenarios/wuzhong-2025.yaml" -o "$res/wz" --no-db --format kml >"$res/wz.out" 2>&1 ||
    { echo "not ok - planner run wuzhong-2025 (see $res/wz.out)"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

if "$py" -c 'import qgis.core' 2>/dev/null; then
    QGIS_PNG="$res/qgis-full.png" run qgis_labels "$py" "$here/qgis_labels.py" "$res/wz"
    if "$py" -c 'import sys; sys.path.insert(0, "/usr/share/qgis/python/plugins"); import processing' 2>/dev/null; then
        mkdir -p "$res/processing"
        run qgis_processing "$py" "$here/qgis_processing.py" "$top" "$planner" "$res/processing"
    else
        skip "qgis processing" "the Processing plugin is not installed (Debian: qgis-plugin-grass or qgis)"
    fi
else
    skip "qgis" "python3-qgis is not installed"
fi
if "$py" -c 'from osgeo import ogr' 2>/dev/null; then
    run kml_3d "$py" "$here/kml_3d.py" "$res/wz/plan.kml" "$top/geodata/routes.geojson" "$res/wz/routes.geojson"
else
    skip "kml" "python3-gdal is not installed"
fi
if command -v chromium >/dev/null 2>&1; then
    # at most 10 A4 pages: the Wuzhong plan printed on 10 Letter pages before
    # @page A4; it prints on 9 (tables in 7.5 pt on paper)
    run report_browser "$py" "$here/report_browser.py" "$res/wz/report.html" "$res" 10
else
    skip "chromium" "chromium is not installed"
fi
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
