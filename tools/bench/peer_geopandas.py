#!/usr/bin/python3
"""GeoPandas peer for tools/bench/run (Debian's python3-geopandas).

    peer_geopandas.py ZONES.csv ROUTES.geojson REPEAT [PLANNER_PAIRS.json]

Builds the zone frame from the CSV (WKT), the route frame from the GeoJSON,
and the zones' spatial index (the planner's and PostGIS's indexes are built
before their timed regions too), then, REPEAT times, buffers every route by
its half-width at GeoPandas's default resolution (16 segments a quarter
circle, Shapely's default) and joins it to the zones with
`sjoin(predicate="intersects")` over that index, keeping the pairs whose
altitudes overlap (band below the roof: open limits, as the planner has
them). Only the buffer, the join and the filter are timed.

The buffer is a polygon inscribed in the true one: it falls short of the
half-width by up to hw (1 - cos(pi / (4 q))) with q segments a quarter
circle (6.0 cm at 50 m and q = 16). So the answers are not the exact ones,
and a pair the planner finds at a distance in that shortfall is one that
differs within the buffer's tolerance. With PLANNER_PAIRS.json (a list of
[route, zone]), every pair in one set and not the other is measured after
the timed runs: GEOS's distance from the unbuffered route to the zone, and
whether the altitudes overlap, for the driver to tell the two kinds apart.

Prints one JSON object: the times of each join, the frame and index build
times, peak memory, the resolution and its shortfall, the pairs and the
differing pairs measured.
"""
import inspect
import json
import math
import resource
import sys
import time

import geopandas as gpd
import pandas as pd
from shapely import wkt


def main():
    zones_csv, routes_path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    planner_pairs = sys.argv[4] if len(sys.argv) > 4 else None
    t = time.monotonic()
    z = pd.read_csv(zones_csv)
    zones = gpd.GeoDataFrame(z[["id", "floor_m", "ceiling_m"]], geometry=[wkt.loads(s) for s in z["wkt"]],
                             crs="EPSG:4549")
    routes = gpd.read_file(routes_path).to_crs("EPSG:4549")
    build_s = time.monotonic() - t
    t = time.monotonic()
    zones.sindex  # built once here; sjoin queries the zones' index and keeps it
    index_s = time.monotonic() - t
    widths = set(routes["half_width_m"])
    if len(widths) != 1:
        sys.exit("peer_geopandas: one half-width for all routes expected, got %s" % sorted(widths))
    hw = float(widths.pop())
    # GeoSeries.buffer's own default, which it passes to Shapely (whose default is the same 16)
    q = inspect.signature(gpd.GeoSeries.buffer).parameters["resolution"].default
    times, pairs = [], None
    for _ in range(repeat):
        t = time.monotonic()
        buf = routes[["id", "altitude_m", "band_below_m", "band_above_m"]].copy()
        buf = buf.set_geometry(routes.geometry.buffer(hw))  # the default resolution, q
        j = gpd.sjoin(buf, zones, how="inner", predicate="intersects", lsuffix="r", rsuffix="z")
        lo = j["altitude_m"] - j["band_below_m"]
        hi = j["altitude_m"] + j["band_above_m"]
        j = j[(lo < j["ceiling_m"]) & (hi > j["floor_m"])]
        pairs = sorted(zip(j["id_r"], j["id_z"]))
        times.append(time.monotonic() - t)
    differ = []
    if planner_pairs:  # outside the timed region: what the differing pairs are
        with open(planner_pairs) as f:
            theirs = {tuple(p) for p in json.load(f)}
        mine = set(pairs)
        r_by = routes.set_index("id")
        z_by = zones.set_index("id")
        for side, ps in (("planner", theirs - mine), ("peer", mine - theirs)):
            for rid, zid in sorted(ps):
                r, zz = r_by.loc[rid], z_by.loc[zid]
                alt = (r["altitude_m"] - r["band_below_m"] < zz["ceiling_m"] and
                       r["altitude_m"] + r["band_above_m"] > zz["floor_m"])
                differ.append([rid, zid, side, r.geometry.distance(zz.geometry), bool(alt)])
    print(json.dumps({"routes": list(routes["id"]), "build_s": build_s, "index_s": index_s, "times_s": times,
                      "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "half_width_m": hw,
                      "resolution": q, "tolerance_m": hw * (1 - math.cos(math.pi / (4 * q))), "pairs": pairs,
                      "differ": differ}))


if __name__ == "__main__":
    main()
