#!/bin/sh
# tests/e2e/30-serve.sh - end-to-end tests, section 30:
#   the zone index file (validate --index) and planner serve (issue 26):
#   the index is rebuilt when any byte of a file the plan reads changes
#   (scenario, layer, a file beside a layer sharing its stem) and when the
#   planner's version changes; a corrupt or truncated index is rebuilt,
#   never trusted; answers from the index and from serve equal validate's,
#   byte for byte.  Hand-computed answers are data/validate.yaml's (its
#   header; 09-proposals.sh pins them without an index).
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/30-serve.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=25   # the tests this file runs, declared: one that vanishes is a failure

# the validate scenario and its layers, copied: this file changes their bytes
V=$RESULT/v
mkdir -p "$V"
cp "$DATA/validate.yaml" "$DATA/square_4549.geojson" "$DATA/val_routes.geojson" "$DATA/val_vertiports.geojson" \
    "$DATA/proposals.geojson" "$V/"
IX=$RESULT/v.zindex
val() { # val OUT [OPTIONS]: validate the proposals, JSON into OUT.json, stderr into OUT.err
    o=$1; shift
    "$PLANNER" validate "$V/validate.yaml" "$V/proposals.geojson" --json "$@" >"$RESULT/$o.json" 2>"$RESULT/$o.err"
}
verdict() { jget "$RESULT/$1.json" "[r['verdict'] for r in d['results'] if r['id'] == '$2'][0]"; }
same() { cmp -s "$RESULT/$1.json" "$RESULT/$2.json"; }

# ---- 30.1-30.3 built, then loaded; the same bytes as without the index -------
val plain
val built --index "$IX"
val loaded --index "$IX" --timing
check "30.1 no index file yet: built (said on stderr), the answers byte for byte validate's without it" sh -c "
    grep -q 'zone index .*v.zindex: built, none yet' '$RESULT/built.err' && cmp '$RESULT/plain.json' '$RESULT/built.json'"
check "30.2 the second run loads the index (--timing says so): the same bytes; PS forbidden, 2000.0 m in SQ (09-proposals.sh)" sh -c "
    grep -q 'v.zindex: loaded' '$RESULT/loaded.err' && cmp '$RESULT/plain.json' '$RESULT/loaded.json' &&
    [ '$(verdict loaded PS)' = forbidden ] && grep -q 'no_fly SQ (2 km square, rule forbidden): 2000.0 m inside' '$RESULT/loaded.json'"
check "30.3 the index is written whole: the file and nothing else (no temporary file left)" sh -c "
    [ \"\$(ls -A '$RESULT' | grep -c zindex)\" = 1 ] && head -c 8 '$IX' | grep -q PLZINDX1"

# ---- 30.4-30.6 a byte of a layer, of the scenario, a file beside a layer -------
# SQ's ceiling 300 m -> 400 m: PA at 400 m (band 380-420) now enters 0-400 m:
# forbidden, 2000 m inside (x 500000 to 502000 along y 3451000)
sed -i 's/"ceiling_m":300/"ceiling_m":400/' "$V/square_4549.geojson"
val layer --index "$IX"
val layer_plain
check "30.4 a zone layer's bytes change (SQ ceiling 300 -> 400 m): rebuilt, stale; PA (380-420 m) now forbidden, 2000.0 m inside" sh -c "
    grep -q 'v.zindex: rebuilt, it was stale' '$RESULT/layer.err' && cmp '$RESULT/layer_plain.json' '$RESULT/layer.json' &&
    [ '$(verdict layer PA)' = forbidden ] && ! cmp -s '$RESULT/plain.json' '$RESULT/layer.json'"
echo "# one byte more" >>"$V/validate.yaml"
val scen --index "$IX"
check "30.5 the scenario file's bytes change (a comment): rebuilt" sh -c "
    grep -q 'v.zindex: rebuilt, it was stale' '$RESULT/scen.err' && cmp '$RESULT/layer_plain.json' '$RESULT/scen.json'"
echo 'GEOGCS["x"]' >"$V/square_4549.prj"
val side --index "$IX"
val side2 --index "$IX" --timing
check "30.6 a file beside a layer sharing its stem (square_4549.prj) appears: rebuilt; then loaded" sh -c "
    grep -q 'v.zindex: rebuilt, it was stale' '$RESULT/side.err' && grep -q 'v.zindex: loaded' '$RESULT/side2.err'"
rm -f "$V/square_4549.prj"
val back --index "$IX"

# ---- 30.7 the planner's version --------------------------------------------------
PLANNER_INDEX_VERSION=test-2 val ver1 --index "$IX"
PLANNER_INDEX_VERSION=test-2 val ver2 --index "$IX" --timing
check "30.7 another planner version: rebuilt (stale), then loaded under it; the same answers" sh -c "
    grep -q 'v.zindex: rebuilt, it was stale' '$RESULT/ver1.err' && grep -q 'v.zindex: loaded' '$RESULT/ver2.err' &&
    cmp '$RESULT/layer_plain.json' '$RESULT/ver1.json' && cmp '$RESULT/layer_plain.json' '$RESULT/ver2.json'"

# ---- 30.8-30.10 corrupt, truncated, cut in the header ----------------------------
val fresh --index "$IX"
size=$(wc -c <"$IX")
# one byte in the payload's middle turned over
python3 - "$IX" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[96 + (len(b) - 96) // 2] ^= 0xff
open(sys.argv[1], 'wb').write(bytes(b))
PY
val corrupt --index "$IX"
check "30.8 a byte of the index turned over: not trusted (corrupt, checksum), rebuilt; the answers right" sh -c "
    grep -q 'v.zindex: rebuilt, it was corrupt (checksum)' '$RESULT/corrupt.err' &&
    cmp '$RESULT/layer_plain.json' '$RESULT/corrupt.json' && [ \$(wc -c <'$IX') -eq $size ]"
head -c $((size / 2)) "$IX" >"$RESULT/half" && cat "$RESULT/half" >"$IX"
val trunc --index "$IX"
check "30.9 the index cut to half its length: truncated, rebuilt; the answers right" sh -c "
    grep -q 'v.zindex: rebuilt, it was truncated' '$RESULT/trunc.err' && cmp '$RESULT/layer_plain.json' '$RESULT/trunc.json' &&
    [ \$(wc -c <'$IX') -eq $size ]"
head -c 40 "$IX" >"$RESULT/head" && cat "$RESULT/head" >"$IX"
val head --index "$IX"
check "30.10 the index cut inside its header (40 bytes): truncated, rebuilt" sh -c "
    grep -q 'v.zindex: rebuilt, it was truncated' '$RESULT/head.err' && cmp '$RESULT/layer_plain.json' '$RESULT/head.json'"

# an index whose header and sum are right but whose payload is cut (the
# sum recomputed as zkey.c's pl_zkey_sum computes it; the table's and the
# records' lengths, the payload's last words, and both kept): the reader refuses it
val fresh2 --index "$IX"
python3 - "$IX" <<'PY'
import struct, sys
M = (1 << 64) - 1
def fmix(h):
    h ^= h >> 33; h = (h * 0xff51afd7ed558ccd) & M; h ^= h >> 33; h = (h * 0xc4ceb9fe1a85ec53) & M
    return h ^ (h >> 33)
def zsum(p):
    l = [0x243f6a8885a308d3, 0x13198a2e03707344, 0xa4093822299f31d0, 0x082efa98ec4e6c89]
    n, i = len(p), 0
    while i + 32 <= n:
        for k in range(4):
            x = ((l[k] ^ int.from_bytes(p[i + 8 * k:i + 8 * k + 8], 'little')) * 0x9e3779b97f4a7c15) & M
            l[k] = ((x << 29) | (x >> 35)) & M
        i += 32
    for x in p[i:]:
        l[0] = ((l[0] ^ x) * 0x100000001b3) & M
    return fmix(l[0] ^ fmix(l[1] ^ fmix(l[2] ^ fmix(l[3] ^ n))))
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[16:24])[0]
payload, records = b[96:96 + n], b[96 + n:]
assert zsum(payload) == struct.unpack('<Q', b[24:32])[0]   # the sum as the planner computes it
cut = payload[:n // 2] + payload[-16:]
h = bytearray(b[:96])
h[16:32] = struct.pack('<QQ', len(cut), zsum(cut))
open(sys.argv[1], 'wb').write(bytes(h) + cut + records)  # records: the table and the records
PY
val content --index "$IX"
check "30.17 length and checksum right, the content cut: not trusted (corrupt, content), rebuilt; the answers right" sh -c "
    grep -q 'v.zindex: rebuilt, it was corrupt (content)' '$RESULT/content.err' &&
    cmp '$RESULT/layer_plain.json' '$RESULT/content.json'"

# ---- 30.11 a terrain model in the index --------------------------------------------
T=$DATA/terrain.yaml
"$PLANNER" validate "$T" "$DATA/terrain_routes.geojson" --json >"$RESULT/ter_plain.json" 2>/dev/null
"$PLANNER" validate "$T" "$DATA/terrain_routes.geojson" --json --index "$RESULT/t.zindex" >/dev/null 2>&1
"$PLANNER" validate "$T" "$DATA/terrain_routes.geojson" --json --index "$RESULT/t.zindex" --timing \
    >"$RESULT/ter_ix.json" 2>"$RESULT/ter_ix.err"
check "30.11 a terrain model's grid and the ground zone from the index: the same bytes as without it" sh -c "
    grep -q 't.zindex: loaded' '$RESULT/ter_ix.err' && cmp '$RESULT/ter_plain.json' '$RESULT/ter_ix.json' &&
    grep -q 'true height' '$RESULT/ter_ix.json'"

# ---- 30.12-30.16 serve ----------------------------------------------------------------
# lines: each proposal as a FeatureCollection of one (with the file's crs), a
# bad line, a blank line, then a proposal again; and each proposal as its own
# file for validate
python3 - "$V/proposals.geojson" "$RESULT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
lines = []
for i, f in enumerate(d['features']):
    one = {'type': 'FeatureCollection', 'crs': d['crs'], 'features': [f]}
    json.dump(one, open('%s/p%d.geojson' % (sys.argv[2], i + 1), 'w'))
    lines.append(json.dumps(one))
lines[2:2] = ['{"type": "Feature", "oops"', '   ']
open(sys.argv[2] + '/lines.jsonl', 'w').write('\n'.join(lines) + '\n')
PY
mkdir -p "$RESULT/tmp"
TMPDIR=$RESULT/tmp "$PLANNER" serve "$V/validate.yaml" --index "$IX" <"$RESULT/lines.jsonl" >"$RESULT/serve.out" 2>"$RESULT/serve.err"
src=$?
for i in 1 2 3 4 5 6; do
    "$PLANNER" validate "$V/validate.yaml" "$RESULT/p$i.geojson" --json --index "$IX" >"$RESULT/p$i.json" 2>/dev/null
done
# serve's line k answers input line k: lines 1, 2, then 5-8 (3 bad, 4 blank)
cmp_serve() { # cmp_serve OUT PROPOSAL-FILES...: validate's document, newlines out, "file" stdin:N, == serve's line
    python3 - "$@" <<'PY'
import sys
out = open(sys.argv[1], encoding='utf-8').read().split('\n')[:-1]
answers = [l for l in out if not l.startswith('{"line":')]
want = []
for path, no in zip(sys.argv[2::2], sys.argv[3::2]):
    v = open(path.replace('.geojson', '.json'), encoding='utf-8').read().replace('\n', '')
    want.append(v.replace('"file":"%s"' % path, '"file":"stdin:%s"' % no))
assert len(answers) == len(want), (len(answers), len(want))
for a, w in zip(answers, want):
    assert a == w, (a[:300], w[:300])
PY
}
check "30.12 serve answers each line as validate --json answers its file, byte for byte (newlines out, file stdin:N)" \
    cmp_serve "$RESULT/serve.out" "$RESULT/p1.geojson" 1 "$RESULT/p2.geojson" 2 "$RESULT/p3.geojson" 5 \
    "$RESULT/p4.geojson" 6 "$RESULT/p5.geojson" 7 "$RESULT/p6.geojson" 8
check "30.13 a bad line: one error line naming it, the next lines answered, the blank line skipped, exit 0" sh -c "
    [ $src -eq 0 ] && [ \$(wc -l <'$RESULT/serve.out') -eq 7 ] &&
    sed -n 3p '$RESULT/serve.out' | grep -q '^{\"line\":3,\"error\":\"stdin:3: ' &&
    ! grep -q 'planner-serve' '$RESULT/serve.out' && sed -n 4p '$RESULT/serve.out' | grep -q '\"id\":\"PY\",\"file\":\"stdin:5\"'"
check "30.14 serve's temporary folder (under TMPDIR) is gone at the end of the input" [ -z "$(ls -A "$RESULT/tmp")" ]
# Wuzhong: its ten routes as proposals, one line each (lon/lat, no crs member)
python3 - "$TOP/geodata/routes.geojson" "$RESULT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
lines = []
for i, f in enumerate(d['features'][:4]):
    json.dump({'type': 'FeatureCollection', 'features': [f]}, open('%s/w%d.geojson' % (sys.argv[2], i + 1), 'w'))
    lines.append(json.dumps(f, ensure_ascii=False))
open(sys.argv[2] + '/wlines.jsonl', 'w').write('\n'.join(lines) + '\n')
PY
"$PLANNER" validate "$W" "$RESULT/w1.geojson" --json >"$RESULT/w1_plain.json" 2>/dev/null
for i in 1 2 3 4; do
    "$PLANNER" validate "$W" "$RESULT/w$i.geojson" --json --index "$RESULT/w.zindex" >"$RESULT/w$i.json" 2>/dev/null
done
"$PLANNER" serve "$W" --index "$RESULT/w.zindex" <"$RESULT/wlines.jsonl" >"$RESULT/wserve.out" 2>"$RESULT/wserve.err"
check "30.15 Wuzhong: validate from the index gives validate's bytes without it" cmp "$RESULT/w1_plain.json" "$RESULT/w1.json"
check "30.16 Wuzhong: serve (Feature lines) answers as validate does, byte for byte" \
    cmp_serve "$RESULT/wserve.out" "$RESULT/w1.geojson" 1 "$RESULT/w2.geojson" 2 "$RESULT/w3.geojson" 3 \
    "$RESULT/w4.geojson" 4

# an index named after the scenario (validate.yaml, validate.idx beside it):
# the index file is no input of its own key (it was: stale at every run)
"$PLANNER" validate "$V/validate.yaml" "$V/proposals.geojson" --json --index "$V/validate.idx" >/dev/null 2>&1
val stem --index "$V/validate.idx" --timing
check "30.18 an index named after the scenario, beside it: loaded on the second run, not rebuilt; validate's bytes" sh -c "
    grep -q 'validate.idx: loaded' '$RESULT/stem.err' && cmp '$RESULT/layer_plain.json' '$RESULT/stem.json'"

# ---- 30.19-30.21 a few proposals read only the zones within reach ----------
# (zindex.c, pl_plan_zones_near: a zone is read when its envelope comes within
# half_width_m + 1 m of a segment's box; a batch of more than 64 segments
# reads every zone).  PT runs along the square's north edge at exactly its
# half-width, 50 m (y 3452050): the corridor touches SQ, a conflict (touching
# included, 0 m inside); PF 2 m farther (y 3452052) meets nothing, SQ left
# unread.  Each alone, from the index and without it: the same bytes.
python3 - "$RESULT" <<'PY'
import json, sys
def one(name, y, path, n=1):
    feats = [{"type": "Feature", "properties": {"id": "%s%d" % (name, k), "altitude_m": 120, "half_width_m": 50,
              "aircraft_class": "light"},
              "geometry": {"type": "LineString", "coordinates": [[499000, y], [503000, y]]}} for k in range(n)]
    json.dump({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}},
               "features": feats}, open(path, "w"))
one("PT", 3452050, sys.argv[1] + "/pt.geojson")
one("PF", 3452052, sys.argv[1] + "/pf.geojson")
one("PB", 3452050, sys.argv[1] + "/pb.geojson", 70)   # 70 segments: every zone read
PY
for f in pt pf pb; do
    "$PLANNER" validate "$V/validate.yaml" "$RESULT/$f.geojson" --json >"$RESULT/${f}_plain.json" 2>/dev/null
    "$PLANNER" validate "$V/validate.yaml" "$RESULT/$f.geojson" --json --index "$IX" >"$RESULT/${f}_ix.json" 2>/dev/null
done
check "30.19 PT along SQ's edge at exactly its half-width: SQ read from the index, its conflict (2000.0 m of corridor overlap) as without it" sh -c "
    cmp '$RESULT/pt_plain.json' '$RESULT/pt_ix.json' && grep -q '\"ref\": *\"SQ\"' '$RESULT/pt_ix.json'"
check "30.20 PF 2 m beyond: SQ not read, no zone reason; the same bytes as without the index" sh -c "
    cmp '$RESULT/pf_plain.json' '$RESULT/pf_ix.json' && ! grep -q '\"ref\": *\"SQ\"' '$RESULT/pf_ix.json'"
# Wuzhong: 30 lines of 300 m-3 km crossing or passing its zones' edges at random (seed 26),
# half-widths 5-200 m, altitudes 30-400 m, each validated alone from the index and without
python3 - "$TOP/geodata" "$RESULT" <<'PY'
import json, random, sys
rnd = random.Random(26)
pts = []
for name in ("airspace.geojson", "protected.geojson", "eco.geojson"):
    for f in json.load(open("%s/%s" % (sys.argv[1], name)))["features"]:
        g = f["geometry"]
        rings = ([g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"] if g["type"] == "MultiPolygon" else [])
        for poly in rings:
            pts += poly[0]
        if g["type"] == "Point":
            pts.append(g["coordinates"])
for k in range(30):
    x, y = rnd.choice(pts)[:2]
    d = rnd.uniform(300, 3000) / 111000.0
    a = rnd.uniform(0, 6.2832)
    import math
    line = [[x - d / 2 * math.cos(a), y - d / 2 * math.sin(a)], [x + d / 2 * math.cos(a), y + d / 2 * math.sin(a)]]
    json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "id": "RW%02d" % k, "altitude_m": rnd.choice([30, 60, 120, 150, 300, 400]),
        "half_width_m": rnd.choice([5, 25, 50, 100, 200])}, "geometry": {"type": "LineString", "coordinates": line}}]},
        open("%s/rw%02d.geojson" % (sys.argv[2], k), "w"))
PY
bad=""
for k in $(seq -w 0 29); do
    "$PLANNER" validate "$W" "$RESULT/rw$k.geojson" --json >"$RESULT/rw${k}_plain.json" 2>/dev/null
    "$PLANNER" validate "$W" "$RESULT/rw$k.geojson" --json --index "$RESULT/w.zindex" >"$RESULT/rw${k}_ix.json" 2>/dev/null
    cmp -s "$RESULT/rw${k}_plain.json" "$RESULT/rw${k}_ix.json" || bad="$bad rw$k"
done
zr=$(grep -l '"kind": *"zone"' "$RESULT"/rw*_ix.json | wc -l)
check "30.21 PB (70 segments, every zone read) and 30 random Wuzhong lines near zone edges ($zr with a zone reason), each alone: the index's answers are validate's, byte for byte${bad:+ (differ:$bad)}" sh -c "
    cmp '$RESULT/pb_plain.json' '$RESULT/pb_ix.json' && [ -z '$bad' ] && [ $zr -ge 20 ]"

# a byte of a zone's record turned over (the file's last bytes: SQ's
# record, read only when a proposal comes near it): the payload's sum holds,
# the record's does not; PT's answer built from the layers, said, the index
# written again; the next run loads it
"$PLANNER" validate "$V/validate.yaml" "$RESULT/pt.geojson" --json --index "$IX" >/dev/null 2>&1
python3 - "$IX" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[-10] ^= 0xff
open(sys.argv[1], 'wb').write(bytes(b))
PY
"$PLANNER" validate "$V/validate.yaml" "$RESULT/pt.geojson" --json --index "$IX" >"$RESULT/rec1.json" 2>"$RESULT/rec1.err"
"$PLANNER" validate "$V/validate.yaml" "$RESULT/pt.geojson" --json --index "$IX" --timing >"$RESULT/rec2.json" 2>"$RESULT/rec2.err"
check "30.22 a zone record damaged (its sum): PT answered from the layers, 'a part of it was damaged' said, the index rewritten and loaded next" sh -c "
    grep -q 'v.zindex: rebuilt, a part of it was damaged (its sum)' '$RESULT/rec1.err' &&
    cmp '$RESULT/pt_plain.json' '$RESULT/rec1.json' && grep -q 'v.zindex: loaded' '$RESULT/rec2.err' &&
    cmp '$RESULT/pt_plain.json' '$RESULT/rec2.json'"

# the same for a byte of the zones' table (its first chunk, just after the
# payload): the chunk's sum finds it
python3 - "$IX" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
n = struct.unpack('<Q', b[16:24])[0]
b[96 + n + 3] ^= 0xff
open(sys.argv[1], 'wb').write(bytes(b))
PY
"$PLANNER" validate "$V/validate.yaml" "$RESULT/pt.geojson" --json --index "$IX" >"$RESULT/tab1.json" 2>"$RESULT/tab1.err"
check "30.24 a byte of the zones' table turned over: found by its chunk's sum, PT answered from the layers, said" sh -c "
    grep -q 'v.zindex: rebuilt, a part of it was damaged (its sum)' '$RESULT/tab1.err' && cmp '$RESULT/pt_plain.json' '$RESULT/tab1.json'"

# the digests kept in the index are taken again for a file whose change
# time moved: a layer edited in place right after the index was written
# (the same inode and size, its modification time put back as it was)
"$PLANNER" validate "$V/validate.yaml" "$V/proposals.geojson" --json --index "$IX" >/dev/null 2>&1
python3 - "$V/square_4549.geojson" <<'PY'
import os, sys
st = os.stat(sys.argv[1])
with open(sys.argv[1], 'r+b') as f:
    b = f.read()
    assert b'"ceiling_m":400' in b
    f.seek(0)
    f.write(b.replace(b'"ceiling_m":400', b'"ceiling_m":100'))
os.utime(sys.argv[1], ns=(st.st_atime_ns, st.st_mtime_ns))
n = os.stat(sys.argv[1])
assert (n.st_ino, n.st_size, n.st_mtime_ns) == (st.st_ino, st.st_size, st.st_mtime_ns)
PY
val inplace --index "$IX"
val inplace_plain
check "30.23 a layer edited in place just after the index was written (same inode, size and modification time): rebuilt, stale; validate's answers (SQ now 0-100 m)" sh -c "
    grep -q 'v.zindex: rebuilt, it was stale' '$RESULT/inplace.err' && cmp '$RESULT/inplace_plain.json' '$RESULT/inplace.json' &&
    ! cmp -s '$RESULT/layer_plain.json' '$RESULT/inplace.json'"

# a big layer (8 MB or more: zkey.c keeps its digest while its inode, size,
# modification and change times stand, the change time a second older than
# the digest): loaded from the index without reading it again; edited in
# place with its inode, size and modification time kept, it is seen by its
# change time
B=$RESULT/big
mkdir -p "$B"
cp "$DATA/validate.yaml" "$DATA/val_routes.geojson" "$DATA/val_vertiports.geojson" "$DATA/proposals.geojson" "$B/"
python3 - "$DATA/square_4549.geojson" "$B/square_4549.geojson" <<'PY'
import sys
s = open(sys.argv[1]).read()
pad = '"pad":"' + 'x' * (9 << 20) + '",'
open(sys.argv[2], 'w').write(s.replace('"properties":{"id":"SQ",', '"properties":{' + pad + '"id":"SQ",'))
PY
sleep 2
"$PLANNER" validate "$B/validate.yaml" "$B/proposals.geojson" --json --index "$B/b.zindex" >/dev/null 2>&1
"$PLANNER" validate "$B/validate.yaml" "$B/proposals.geojson" --json --index "$B/b.zindex" --timing >"$B/b1.json" 2>"$B/b1.err"
python3 - "$B/square_4549.geojson" <<'PY'
import os, sys
st = os.stat(sys.argv[1])
with open(sys.argv[1], 'r+b') as f:
    b = f.read()
    f.seek(0)
    f.write(b.replace(b'"ceiling_m":300', b'"ceiling_m":100'))
os.utime(sys.argv[1], ns=(st.st_atime_ns, st.st_mtime_ns))
PY
"$PLANNER" validate "$B/validate.yaml" "$B/proposals.geojson" --json --index "$B/b.zindex" >"$B/b2.json" 2>"$B/b2.err"
"$PLANNER" validate "$B/validate.yaml" "$B/proposals.geojson" --json >"$B/b2_plain.json" 2>/dev/null
check "30.25 a 9 MB layer: loaded from the index with its digest kept; edited in place (inode, size and modification time kept): rebuilt, stale; validate's answers" sh -c "
    grep -q 'b.zindex: loaded' '$B/b1.err' && grep -q 'b.zindex: rebuilt, it was stale' '$B/b2.err' &&
    cmp '$B/b2_plain.json' '$B/b2.json' && ! cmp -s '$B/b1.json' '$B/b2.json'"
rm -rf "$B"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/30-serve.sh)"
echo "1..$n"
