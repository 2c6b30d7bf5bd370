#!/usr/bin/python3
"""GeoPandas peer for tools/bench/run (Debian's python3-geopandas).

    peer_geopandas.py ZONES.csv ROUTES.geojson REPEAT

Builds the zone frame from the CSV (WKT), the route frame from the GeoJSON,
then, REPEAT times, buffers every route by its half-width (64 segments a
quarter circle: within 4 mm of the true 50 m buffer) and joins it to the
zones with `sjoin(predicate="intersects")` over the zones' spatial index,
keeping the pairs whose altitudes overlap (band below the roof: open
limits, as the planner has them). Prints one JSON object: the times of
each join, the frame build time, peak memory, and the pairs.
"""
import json
import resource
import sys
import time

import geopandas as gpd
import pandas as pd
from shapely import wkt


def main():
    zones_csv, routes_path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    t = time.monotonic()
    z = pd.read_csv(zones_csv)
    zones = gpd.GeoDataFrame(z[["id", "floor_m", "ceiling_m"]], geometry=[wkt.loads(s) for s in z["wkt"]],
                             crs="EPSG:4549")
    routes = gpd.read_file(routes_path).to_crs("EPSG:4549")
    build_s = time.monotonic() - t
    times, pairs = [], None
    for _ in range(repeat):
        t = time.monotonic()
        buf = routes[["id", "altitude_m", "band_below_m", "band_above_m"]].copy()
        buf = buf.set_geometry(routes.geometry.buffer(routes["half_width_m"].iloc[0], resolution=64))
        j = gpd.sjoin(buf, zones, how="inner", predicate="intersects", lsuffix="r", rsuffix="z")
        lo = j["altitude_m"] - j["band_below_m"]
        hi = j["altitude_m"] + j["band_above_m"]
        j = j[(lo < j["ceiling_m"]) & (hi > j["floor_m"])]
        pairs = sorted(zip(j["id_r"], j["id_z"]))
        times.append(time.monotonic() - t)
    print(json.dumps({"routes": list(routes["id"]), "build_s": build_s, "times_s": times, "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "pairs": pairs}))


if __name__ == "__main__":
    main()
