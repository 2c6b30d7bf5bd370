#!/usr/bin/env python3
"""Deterministic benchmark data: building-footprint-like zones and random routes.

    tools/bench/gen_zones.py N SEED OUT_PREFIX      zones: OUT_PREFIX.geojson and .csv
    tools/bench/gen_zones.py --routes N SEED OUT    routes: OUT (GeoJSON)

The region is the size of Suzhou: 100 km x 85 km = 8,500 km2 of EPSG:4549
(x 460000-560000, y 3420000-3505000). Zones are rotated rectangles of 8-60 m
by 8-60 m (building footprints), grouped around 400 town centres (Gaussian,
sigma 1.5 km; a fifth spread evenly), each with a height: floor 0, ceiling
lognormal around 18 m (up to 300 m), class no_fly: a route conflicts with a
building its corridor meets unless its altitude band clears the roof. The
same N and SEED always give the same files, byte for byte.

Routes: 2-6 waypoints, a random walk of 2-30 km in all, at one altitude of
60-150 m (band +-20 m, corridor half-width 50 m), inside the region.

The CSV (id, floor_m, ceiling_m, WKT) lets GeoPandas build its frame without
a slow file reader; GeoJSON is what the planner and ogr2ogr read.
"""
import math
import random
import sys

X0, Y0, X1, Y1 = 460000.0, 3420000.0, 560000.0, 3505000.0
CRS = '{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}}'


def zones(n, seed, prefix, box=None):
    """n zones around the towns of the Suzhou-sized region; with box (x0, y0, x1, y1), n zones
    spread evenly over the box instead (no towns: the same density everywhere)"""
    rnd = random.Random(seed)
    towns = [(rnd.uniform(X0 + 3000, X1 - 3000), rnd.uniform(Y0 + 3000, Y1 - 3000)) for _ in range(400)]
    bx0, by0, bx1, by1 = box if box else (X0, Y0, X1, Y1)
    with open(prefix + ".geojson", "w") as gj, open(prefix + ".csv", "w") as cs:
        gj.write('{"type":"FeatureCollection","name":"zones","crs":%s,"features":[\n' % CRS)
        cs.write("id,floor_m,ceiling_m,wkt\n")
        for i in range(n):
            if box or rnd.random() < 0.2:
                cx, cy = rnd.uniform(bx0, bx1), rnd.uniform(by0, by1)
            else:
                tx, ty = towns[rnd.randrange(len(towns))]
                cx, cy = rnd.gauss(tx, 1500), rnd.gauss(ty, 1500)
            cx = min(max(cx, bx0 + 100), bx1 - 100)
            cy = min(max(cy, by0 + 100), by1 - 100)
            a, b = rnd.uniform(4, 30), rnd.uniform(4, 30)
            t = rnd.uniform(0, math.pi)
            c, s = math.cos(t), math.sin(t)
            pts = []
            for dx, dy in ((-a, -b), (a, -b), (a, b), (-a, b)):
                pts.append((round(cx + dx * c - dy * s, 2), round(cy + dx * s + dy * c, 2)))
            pts.append(pts[0])
            h = round(min(300.0, 18.0 * math.exp(rnd.gauss(0, 0.7))), 1)
            zid = "B%07d" % i
            ring = ",".join("[%.2f,%.2f]" % p for p in pts)
            gj.write('%s{"type":"Feature","properties":{"id":"%s","class":"no_fly","floor_m":0,"ceiling_m":%.1f,'
                     '"source":"generated","license":"CC0-1.0","accuracy":"illustrative"},'
                     '"geometry":{"type":"Polygon","coordinates":[[%s]]}}'
                     % ("" if i == 0 else ",\n", zid, h, ring))
            cs.write('%s,0,%.1f,"POLYGON ((%s))"\n' % (zid, h, ", ".join("%.2f %.2f" % p for p in pts)))
        gj.write("\n]}\n")


def routes(n, seed, path, box=(X0, Y0, X1, Y1), altitude=None):
    rnd = random.Random(seed)
    x0, y0, x1, y1 = box
    with open(path, "w") as f:
        f.write('{"type":"FeatureCollection","name":"routes","crs":%s,"features":[\n' % CRS)
        for i in range(n):
            total = rnd.uniform(2000, 30000)
            k = rnd.randint(2, 6)
            x, y = rnd.uniform(x0, x1), rnd.uniform(y0, y1)
            pts = [(x, y)]
            head = rnd.uniform(0, 2 * math.pi)
            for _ in range(k - 1):
                head += rnd.uniform(-0.8, 0.8)
                step = total / (k - 1)
                x = min(max(x + step * math.cos(head), x0), x1)
                y = min(max(y + step * math.sin(head), y0), y1)
                pts.append((x, y))
            alt = altitude if altitude is not None else 10 * rnd.randint(6, 15)
            f.write('%s{"type":"Feature","properties":{"id":"R%05d","altitude_m":%d,"half_width_m":50,'
                    '"band_below_m":20,"band_above_m":20},"geometry":{"type":"LineString","coordinates":[%s]}}'
                    % ("" if i == 0 else ",\n", i, alt, ",".join("[%.2f,%.2f]" % p for p in pts)))
        f.write("\n]}\n")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--routes":
        routes(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 4:
        zones(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(__doc__)
