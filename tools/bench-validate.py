#!/usr/bin/env python3
"""Proposal validation benchmark: the planner beside PostGIS on the same data.

    tools/bench-validate.py [PLANNER]      (make bench)

10,000 random proposals (2-20 waypoints, 2-40 km, 100 m, corridor half-width
50 m) against (a) the Wuzhong zones and (b) 100,000 generated small zones.
The planner validates them in one batch (`planner validate --json`); PostGIS
(Debian's postgresql-15-postgis-3, started here on a private socket) answers
the same question with a GiST index: does any blocking zone lie within 50 m
of the route (ST_DWithin, the exact form of ST_Intersects with the buffered
route: GEOS buffers are polygons inscribed in the true buffer, ST_DWithin is
what the planner computes). Every verdict is compared; disagreements are
listed. Times are wall clock in this one run; the ratio is what counts.
"""
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, ".."))
OUT = os.path.join(TOP, "build", "bench", "validate")
PGDIR = "/tmp/planner-bench-pg"
PGPORT = "54329"
PGBIN = "/usr/lib/postgresql/15/bin"
CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}}
HALF_WIDTH = 50.0


def run(cmd, check=True, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check and r.returncode != 0:
        sys.exit("bench-validate: %s failed: %s" % (" ".join(cmd[:3]), r.stderr.strip()[:500]))
    return r


def proposals(path, n, box, seed):
    rnd = random.Random(seed)
    x0, y0, x1, y1 = box
    feats = []
    for i in range(n):
        length = rnd.uniform(2000, 40000)
        k = rnd.randint(2, 20)
        leg = length / (k - 1)
        x, y, hd = rnd.uniform(x0, x1), rnd.uniform(y0, y1), rnd.uniform(0, 2 * math.pi)
        pts = [[round(x, 2), round(y, 2), 100]]
        for _ in range(k - 1):
            hd += rnd.uniform(-0.5, 0.5)
            x += leg * math.sin(hd)
            y += leg * math.cos(hd)
            pts.append([round(x, 2), round(y, 2), 100])
        feats.append({"type": "Feature", "properties": {"id": "p%05d" % i, "half_width_m": HALF_WIDTH,
                                                        "band_below_m": 20, "band_above_m": 20},
                      "geometry": {"type": "LineString", "coordinates": pts}})
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "name": "proposals", "crs": CRS, "features": feats}, f)


def small_zones(path, n, box, seed):
    rnd = random.Random(seed)
    x0, y0, x1, y1 = box
    feats = []
    for i in range(n):
        s = rnd.uniform(20, 150)
        x, y = rnd.uniform(x0, x1), rnd.uniform(y0, y1)
        ring = [[round(x, 2), round(y, 2)], [round(x + s, 2), round(y, 2)], [round(x + s, 2), round(y + s, 2)],
                [round(x, 2), round(y + s, 2)], [round(x, 2), round(y, 2)]]
        feats.append({"type": "Feature", "properties": {"id": "z%06d" % i, "class": "no_fly",
                                                        "source": "generated", "license": "CC0-1.0",
                                                        "accuracy": "illustrative"},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "name": "zones", "crs": CRS, "features": feats}, f)


def pg_start():
    if not os.path.exists(os.path.join(PGBIN, "initdb")):
        sys.exit("bench-validate: PostgreSQL 15 is not installed (apt-get install postgresql-15-postgis-3)")
    pg_stop()
    shutil.rmtree(PGDIR, ignore_errors=True)
    os.makedirs(PGDIR)
    shutil.chown(PGDIR, "postgres", "postgres")
    as_pg = ["runuser", "-u", "postgres", "--"]
    run(as_pg + [PGBIN + "/initdb", "-A", "trust", "-D", PGDIR + "/data"])
    run(as_pg + [PGBIN + "/pg_ctl", "-D", PGDIR + "/data", "-w", "-l", PGDIR + "/log", "-o",
                 "-k %s -p %s -c listen_addresses=''" % (PGDIR, PGPORT), "start"])
    psql("postgres", "CREATE DATABASE bench")
    psql("bench", "CREATE EXTENSION postgis")


def pg_stop():
    if os.path.exists(PGDIR + "/data/postmaster.pid"):
        run(["runuser", "-u", "postgres", "--", PGBIN + "/pg_ctl", "-D", PGDIR + "/data", "-m", "fast", "stop"],
            check=False)


def psql(db, sql):
    return run(["psql", "-h", PGDIR, "-p", PGPORT, "-U", "postgres", "-d", db, "-At", "-c", sql])


def pg_load(path, table, where=None):
    cmd = ["ogr2ogr", "-f", "PostgreSQL", "PG:host=%s port=%s user=postgres dbname=bench" % (PGDIR, PGPORT),
           path, "-nln", table, "-t_srs", "EPSG:4549", "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST",
           "-overwrite", "-dim", "XY"]
    if where:
        cmd += ["-where", where]
    run(cmd)
    psql("bench", "ANALYZE %s" % table)


def planner_verdicts(planner, scenario, props):
    t = time.monotonic()
    r = run([planner, "validate", scenario, props, "--json"], check=False)
    dt = time.monotonic() - t
    if r.returncode not in (0, 1):
        sys.exit("bench-validate: planner failed: %s" % r.stderr.strip()[:500])
    d = json.loads(r.stdout)
    blocked = {x["id"] for x in d["results"]
               if any(c["kind"] == "zone" and c["severity"] == "blocking" for c in x["reasons"])}
    return dt, blocked, d["proposals"]


def postgis_verdicts(zones, props):
    sql = ("\\timing on\nSELECT p.id FROM %s p WHERE EXISTS (SELECT 1 FROM %s z WHERE ST_DWithin(p.geom, z.geom, %g));"
           % (props, zones, HALF_WIDTH))
    r = run(["psql", "-h", PGDIR, "-p", PGPORT, "-U", "postgres", "-d", "bench", "-At"], input=sql)
    ms = sum(float(m) for m in re.findall(r"^Time: ([0-9.]+) ms", r.stdout, re.M))
    ids = {line for line in r.stdout.splitlines() if line and not line.startswith("Time:") and line != "Timing is on."}
    return ms / 1000.0, ids


def compare(label, planner, scenario, props_file, zones_table, props_table):
    t_pl, ours, n = planner_verdicts(planner, scenario, props_file)
    t_pg, theirs = postgis_verdicts(zones_table, props_table)
    diff = sorted(ours ^ theirs)
    print("%s: %d proposals, %d rejected by a zone" % (label, n, len(ours)))
    print("  planner : %.2f s for the batch (%.3f ms a proposal, loading and indexing included), %.0f proposals/s"
          % (t_pl, 1000 * t_pl / n, n / t_pl))
    print("  PostGIS : %.2f s for the query alone (GiST, ST_DWithin), %.0f proposals/s" % (t_pg, n / t_pg))
    ratio = (n / t_pl) / (n / t_pg)
    print("  throughput ratio planner/PostGIS: %.3g (%s)" % (ratio, "planner faster" if ratio >= 1 else
          "PostGIS %.3gx faster: it answers yes/no, the planner reports every conflict's place and extent" % (1 / ratio)))
    print("  verdicts that differ: %d%s" % (len(diff), (" e.g. " + ", ".join(diff[:10])) if diff else ""))
    return len(diff)


def main():
    planner = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "bin", "planner"))
    os.makedirs(OUT, exist_ok=True)
    # (a) Wuzhong zones: every zone class that blocks at 100 m (eco control zones only warn)
    wz = os.path.join(OUT, "wuzhong-zones.yaml")
    with open(wz, "w") as f:
        f.write("name: bench-wuzhong-zones\n"
                "rules: {eco_redline: {route: {min_overflight_m: 150}, vertiport: forbidden},"
                " eco_control: {route: warning, vertiport: allowed}}\n"
                "layers:\n"
                "  - {id: airspace, role: zones, path: %s/geodata/airspace.geojson, airport_rule: {}}\n"
                "  - {id: protected, role: zones, path: %s/geodata/protected.geojson}\n"
                "  - {id: eco, role: zones, path: %s/geodata/eco.geojson}\n" % (TOP, TOP, TOP))
    run([planner, "run", wz, "-o", os.path.join(OUT, "wz-run")])
    props_a = os.path.join(OUT, "proposals-wuzhong.geojson")
    proposals(props_a, 10000, (492000, 3423000, 586000, 3468000), 7)
    # (b) 100,000 generated small zones
    gz = os.path.join(OUT, "zones-100k.geojson")
    small_zones(gz, 100000, (470000, 3420000, 530000, 3480000), 11)
    gzs = os.path.join(OUT, "zones-100k.yaml")
    with open(gzs, "w") as f:
        f.write("name: bench-100k-zones\nlayers:\n  - {id: zones, role: zones, path: zones-100k.geojson}\n")
    props_b = os.path.join(OUT, "proposals-100k.geojson")
    proposals(props_b, 10000, (470000, 3420000, 530000, 3480000), 13)

    # a single proposal from a cold start, layers loaded and indexed included
    one = os.path.join(OUT, "one.geojson")
    with open(props_a) as f:
        d = json.load(f)
    d["features"] = d["features"][:1]
    with open(one, "w") as f:
        json.dump(d, f)
    t = time.monotonic()
    run([planner, "validate", wz, one, "--json"], check=False)
    print("single proposal, cold start, Wuzhong zones: %.1f ms" % (1000 * (time.monotonic() - t)))

    pg_start()
    try:
        pg_load(os.path.join(OUT, "wz-run", "zones.geojson"), "zones_wz", "class <> 'eco_control' AND class <> 'controlled'")
        pg_load(props_a, "props_wz")
        pg_load(gz, "zones_100k")
        pg_load(props_b, "props_100k")
        bad = compare("Wuzhong zones", planner, wz, props_a, "zones_wz", "props_wz")
        bad += compare("100,000 generated zones", planner, gzs, props_b, "zones_100k", "props_100k")
    finally:
        pg_stop()
    print("disagreements in all: %d" % bad)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
