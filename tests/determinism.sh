#!/bin/sh
# tests/determinism.sh A B - the same answers, byte for byte, from two
# builds (make determinism: -O0 against -O2), and from two runs of one:
# the Wuzhong run folder (every file; summary.json's time_ms aside, it is a
# clock) and a batch of 1,500 proposals.  Ends with "N passed, N failed".
set -u
a=$1
b=$2
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/planner-det.XXXXXX")
trap 'rm -rf "$out"' EXIT
pass=0
fail=0
python3 - "$out/batch.geojson" <<'PY'
import json, random, sys
rnd = random.Random(7)
fs = []
for i in range(1500):
    x, y = rnd.uniform(120.25, 120.65), rnd.uniform(31.0, 31.3)
    pts = [[x, y]]
    for _ in range(rnd.randint(1, 4)):
        x += rnd.uniform(-0.05, 0.05); y += rnd.uniform(-0.05, 0.05)
        pts.append([round(x, 6), round(y, 6)])
    fs.append({'type': 'Feature', 'properties': {'id': 'D%04d' % i, 'altitude_m': rnd.choice([60, 100, 200])},
               'geometry': {'type': 'LineString', 'coordinates': pts}})
json.dump({'type': 'FeatureCollection', 'features': fs}, open(sys.argv[1], 'w'))
PY
for who in a1:$a a2:$a b1:$b; do
    tag=${who%%:*}; bin=${who#*:}
    # the exit codes and every message count too: two runs that fail the
    # same way must not compare equal (the run folder's path made neutral)
    "$bin" run "$top/scenarios/wuzhong-2025.yaml" -o "$out/$tag" --no-db >"$out/$tag.run.out" 2>&1
    echo "run exit $?" >>"$out/$tag.run.out"
    sed 's/"time_ms":[0-9.]*/"time_ms":0/' "$out/$tag/summary.json" >"$out/$tag/summary.json.t" && mv "$out/$tag/summary.json.t" "$out/$tag/summary.json"
    sed -e "s|$out/$tag|OUT|g" -e 's/iterations; [0-9.]* ms$/iterations; (the siting time)/' "$out/$tag.run.out" >"$out/$tag.run.txt"
    "$bin" validate "$top/scenarios/wuzhong-2025.yaml" "$out/batch.geojson" --json >"$out/$tag.json" 2>"$out/$tag.val.err"
    echo "validate exit $?" >>"$out/$tag.val.err"
done
same() { # DESCRIPTION X Y
    if diff -r "$2" "$3" >/dev/null; then pass=$((pass + 1)); echo "ok - $1"
    else fail=$((fail + 1)); echo "not ok - $1: $(diff -rq "$2" "$3" | head -n 5 | tr '\n' ' ')"; fi
}
same "two runs of one build: the Wuzhong folder, file for file" "$out/a1" "$out/a2"
same "-O0 and -O2: the Wuzhong folder, file for file (19 files)" "$out/a1" "$out/b1"
same "two runs of one build: 1,500 proposals" "$out/a1.json" "$out/a2.json"
same "-O0 and -O2: 1,500 proposals" "$out/a1.json" "$out/b1.json"
same "two runs and two builds: the same exit code and messages of run" "$out/a1.run.txt" "$out/a2.run.txt"
same "-O0 and -O2: the same exit code and messages of run" "$out/a1.run.txt" "$out/b1.run.txt"
same "-O0 and -O2: the same exit code and messages of validate" "$out/a1.val.err" "$out/b1.val.err"
grep -q '^run exit [01]$' "$out/a1.run.txt" && grep -q '^validate exit [013]$' "$out/a1.val.err" &&
    { pass=$((pass + 1)); echo "ok - run and validate ended as planned (run 0 or 1, validate 0, 1 or 3), not in an error"; } ||
    { fail=$((fail + 1)); echo "not ok - run or validate failed: $(tail -n 3 "$out/a1.run.txt" "$out/a1.val.err" | tr '\n' ' ')"; }
[ "$(ls "$out/a1" | wc -l)" -ge 19 ] || { fail=$((fail + 1)); echo "not ok - the run folder holds $(ls "$out/a1" | wc -l) files, not 19"; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
