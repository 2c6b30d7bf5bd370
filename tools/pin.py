#!/usr/bin/env python3
"""pin.py - a plan folder's answers, pinned field by field.

    tools/pin.py extract DIR             print the answers of the plan in DIR
    tools/pin.py compare EXPECTED DIR    compare them with EXPECTED; print every
                                         difference; exit 1 when there is one
    tools/pin.py accept EXPECTED DIR     write them to EXPECTED (make accept)

The answers are every property of every feature of the plan's GeoJSON files
(keyed by the feature's id), a summary of each geometry (type, number of
points, bounding box), every field of summary.json but the wall time of the
siting (time_ms), and every field of the other commands' outputs kept in
DIR/cmd/ (check, site, layers, validate and reroute --json, ED-269, ED-318,
the QGroundControl fence): so every field of every output is read by a test
and a field no expected file holds fails it.  Numbers are compared with a tolerance set by
their unit: metres 0.05 (lengths are pinned to 0.1 m), square metres
1e-5 of the value, degrees 1e-6 (0.1 m), everything else exactly; text,
flags, lists and nulls exactly; the checkout's own path (PIN_TOP) reads
"<top>", so that any checkout pins the same.  The expected files are written only by
`make accept`, which a reviewer runs on purpose and reads with git diff.
"""
import json
import math
import os
import re
import sys

GEOJSON_KEYS = {
    "routes.geojson": ("id",),
    "conflicts.geojson": ("id",),
    "zones.geojson": ("id",),
    "vertiports.geojson": ("id",),
    "candidates.geojson": ("id",),
    "coverage.geojson": ("site_id",),
    "reroutes.geojson": ("route_id", "id"),
}
SKIP = {"time_ms"}


def geom_summary(g):
    if g is None:
        return None
    pts = []

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            pts.append(c)
        else:
            for x in c:
                walk(x)

    if g["type"] == "GeometryCollection":
        for part in g["geometries"]:
            walk(part["coordinates"])
    else:
        walk(g["coordinates"])
    if not pts:
        return {"type": g["type"], "points": 0}
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return {"type": g["type"], "points": len(pts),
            "bbox_deg": [min(xs), min(ys), max(xs), max(ys)]}


def feature_key(props, keys):
    for k in keys:
        if props.get(k) is not None:
            return str(props[k])
    return None


def extract(d):
    out = {}
    for name, keys in GEOJSON_KEYS.items():
        path = os.path.join(d, name)
        if not os.path.exists(path):
            continue
        feats = {}
        for i, f in enumerate(json.load(open(path, encoding="utf-8"))["features"]):
            p = dict(f.get("properties") or {})
            k = feature_key(p, keys) or "#%d" % i
            if k in feats:
                raise SystemExit("pin.py: %s: feature key %s twice" % (path, k))
            p["geometry"] = geom_summary(f.get("geometry"))
            feats[k] = strip(p)
        out[name] = feats
    if os.path.exists(os.path.join(d, "summary.json")):
        out["summary.json"] = strip(json.load(open(os.path.join(d, "summary.json"), encoding="utf-8")))
    cmd = os.path.join(d, "cmd") # the other commands' outputs: whole documents
    for name in sorted(os.listdir(cmd)) if os.path.isdir(cmd) else []:
        out["cmd/" + name] = strip(json.load(open(os.path.join(cmd, name), encoding="utf-8")))
    return out


TOP = os.environ.get("PIN_TOP", "").rstrip("/")


def strip(v):
    if isinstance(v, str) and TOP and TOP + "/" in v: # the checkout's own path: any checkout pins the same
        return v.replace(TOP + "/", "<top>/")
    if isinstance(v, dict):
        if isinstance(v.get("coordinates"), list) and "type" in v: # a geometry
            return geom_summary(v)
        return {k: strip(x) for k, x in v.items() if k not in SKIP}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def tolerance(field):
    f = re.sub(r"(\[\d+\])+$", "", field).split("/")[-1] # an item of a list: its list's name
    if f.endswith("_m2"):
        return ("rel", 1e-5)
    if f.endswith("_m") or f in ("waypoint_altitudes_m", "length_m"):
        return ("abs", 0.05)
    if f.endswith("_lon") or f.endswith("_lat") or f in ("bbox_deg", "lon", "lat", "polygon",
                                                         "plannedHomePosition", "params", "center"):
        return ("abs", 1e-6)
    return ("abs", 0)


def same(a, b, field):
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b and type(a) == type(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return False
        how, t = tolerance(field)
        lim = t * max(abs(a), abs(b)) if how == "rel" else t
        return abs(a - b) <= lim
    return a == b


def diff(exp, got, path, out):
    if isinstance(exp, dict) and isinstance(got, dict):
        for k in exp:
            if k not in got:
                out.append("%s/%s: expected %s, missing" % (path, k, json.dumps(exp[k], ensure_ascii=False)))
            else:
                diff(exp[k], got[k], path + "/" + k, out)
        for k in got:
            if k not in exp:
                out.append("%s/%s: not expected, got %s" % (path, k, json.dumps(got[k], ensure_ascii=False)[:200]))
        return
    if isinstance(exp, list) and isinstance(got, list):
        if len(exp) != len(got):
            out.append("%s: expected %d items, got %d" % (path, len(exp), len(got)))
        for i, (e, g) in enumerate(zip(exp, got)):
            diff(e, g, "%s[%d]" % (path, i), out)
        return
    if not same(exp, got, path):
        out.append("%s: expected %s, got %s" % (path, json.dumps(exp, ensure_ascii=False),
                                                json.dumps(got, ensure_ascii=False)))


def main(argv):
    if len(argv) < 3 or argv[1] not in ("extract", "compare", "accept"):
        sys.stderr.write(__doc__)
        return 2
    if argv[1] == "extract":
        json.dump(extract(argv[2]), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
        print()
        return 0
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    got = extract(argv[3])
    if argv[1] == "accept":
        with open(argv[2] + ".tmp", "w", encoding="utf-8") as f:
            json.dump(got, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(argv[2] + ".tmp", argv[2])
        return 0
    if not os.path.exists(argv[2]):
        print("%s: no expected answers (run make accept and review them)" % argv[2])
        return 1
    out = []
    diff(json.load(open(argv[2], encoding="utf-8")), got, "", out)
    for line in out[:60]:
        print("  " + line)
    if len(out) > 60:
        print("  ... and %d more" % (len(out) - 60))
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
