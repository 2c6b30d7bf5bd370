#!/usr/bin/env python3
"""One long route over Wuzhong: a deterministic random walk of N waypoints.

    tools/bench/gen_route.py N SEED OUT.geojson [PIECES [STATUS]]

Waypoints in WGS84 lon/lat, 150-400 m apart, each at an altitude of 60-200 m,
the walk turned back at the edges of 120.25-120.75 E, 31.00-31.35 N (Wuzhong,
Taihu and the airports' ranges), so it crosses the zones of
scenarios/wuzhong-2025.yaml again and again. With PIECES, the same waypoints
cut into that many routes (R-1 ... R-PIECES) that share their end waypoints:
the long route's conflicts are exactly the union of the pieces' conflicts.
PIECES 0 is the one route. STATUS (default planned: a scenario with
network.design lays it out between its ends) may be existing (flown as drawn).
The same N and SEED always give the same file, byte for byte.
"""
import math
import random
import sys

LON0, LON1, LAT0, LAT1 = 120.25, 120.75, 31.00, 31.35


def walk(n, seed):
    rnd = random.Random(seed)
    lon, lat, head = 120.5, 31.15, rnd.uniform(0, 2 * math.pi)
    pts = []
    for _ in range(n):
        pts.append((round(lon, 7), round(lat, 7), round(rnd.uniform(60, 200), 1)))
        head += rnd.gauss(0, 0.6)
        step = rnd.uniform(150, 400)
        lon += step * math.sin(head) / (111320 * math.cos(math.radians(lat)))
        lat += step * math.cos(head) / 110540
        if not LON0 <= lon <= LON1 or not LAT0 <= lat <= LAT1:
            head += math.pi
            lon, lat = min(max(lon, LON0), LON1), min(max(lat, LAT0), LAT1)
    return pts


def feature(rid, pts, status):
    coords = ",".join("[%.7f,%.7f,%.1f]" % p for p in pts)
    return ('{"type":"Feature","properties":{"id":"%s","name":"%s","status":"%s",'
            '"aircraft":"light_uas"},"geometry":{"type":"LineString","coordinates":[%s]}}'
            % (rid, rid, status, coords))


def main():
    n, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    pieces = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    status = sys.argv[5] if len(sys.argv) > 5 else "planned"
    pts = walk(n, seed)
    feats = []
    if pieces:
        k = (n - 1 + pieces - 1) // pieces
        for i in range(pieces):
            part = pts[i * k: min(n, (i + 1) * k + 1)]
            if len(part) >= 2:
                feats.append(feature("R-%d" % (i + 1), part, status))
    else:
        feats.append(feature("R", pts, status))
    with open(out, "w") as f:
        f.write('{"type":"FeatureCollection","name":"routes","features":[\n%s\n]}\n' % ",\n".join(feats))


if __name__ == "__main__":
    main()
