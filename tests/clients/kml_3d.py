"""plan.kml read with OGR (LIBKML) as Google Earth reads it: every route is
3D, its Z values are the plan's waypoint altitudes, and it says how to read
them (altitudeMode absolute or relativeToGround, not the default
clampToGround that lays it on the ground).  The altitudes wanted: a route
flown as drawn has the scenario's input waypoints (geodata's
routes.geojson: each input vertex appears at its lon/lat with its Z); a
designed route (network.design) has the plan's own, from the
`waypoint_altitudes_m` list of the run's routes.geojson, a field written
apart from the geometry.

Usage: python3 kml_3d.py PLAN_KML SCENARIO_ROUTES_GEOJSON PLAN_ROUTES_GEOJSON
"""
import json
import re
import sys

from osgeo import ogr

ogr.UseExceptions()


def check(ok, what):
    print(("ok - " if ok else "not ok - ") + what)
    return ok


kml, src, plan = sys.argv[1:4]
want = {}
for f in json.load(open(src, encoding="utf-8"))["features"]:
    want[f["properties"]["id"]] = [tuple(c) for c in f["geometry"]["coordinates"]]
for f in json.load(open(plan, encoding="utf-8"))["features"]:
    p = f["properties"]
    if p.get("alignment") == "designed":
        z = p["waypoint_altitudes_m"]
        xy = f["geometry"]["coordinates"]
        assert len(z) == len(xy), p["id"]
        want[p["id"]] = [(c[0], c[1], h) for c, h in zip(xy, z)]
ds = ogr.Open(kml)
lyr = ds.GetLayerByName("routes") if ds else None
check(lyr is not None, "kml: plan.kml opens in OGR with a routes layer")
if lyr is not None:
    n = flat = wrong = mode_bad = 0
    names = [lyr.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(lyr.GetLayerDefn().GetFieldCount())]
    for f in lyr:
        n += 1
        g = f.GetGeometryRef()
        rid = f.GetField("id") if "id" in names else f.GetField("Name")
        mode = f.GetField("altitudeMode") if "altitudeMode" in names else None
        if mode not in ("absolute", "relativeToGround"):
            mode_bad += 1
        if g is None or not g.Is3D() or all(g.GetZ(i) == 0 for i in range(g.GetPointCount())):
            flat += 1
            wrong += 1
            continue
        # every vertex of the input appears with its altitude (1 mm; the
        # output may add vertices but must not change the input's)
        pts = [g.GetPoint(i) for i in range(g.GetPointCount())]
        for x, y, z in want.get(rid, []):
            if not any(abs(px - x) < 1e-6 and abs(py - y) < 1e-6 and abs(pz - z) < 1e-3 for px, py, pz in pts):
                wrong += 1
                break
    check(n == len(want) and flat == 0, "kml: all %d routes have Z values, none flat (%d of %d flat)"
          % (len(want), flat, n))
    check(n and wrong == 0, "kml: each route's Z values are its waypoint altitudes, as drawn or as designed (%d differ)" % wrong)
    check(n and mode_bad == 0, "kml: each route has altitudeMode absolute or relativeToGround (%d without)"
          % mode_bad)
text = open(kml, encoding="utf-8").read()
modes = re.findall(r"<(?:\w+:)?altitudeMode>([^<]+)<", text)
check(modes and "clampToGround" not in modes, "kml: the file states altitudeModes %s" % sorted(set(modes)))
