#!/bin/sh
# tests/e2e/31-big-batch.sh - end-to-end tests, section 31:
#   a big batch (1,024 proposals or more) keeps its texts in blocks of its
#   own and writes each approval from a kept head (issue 26, part 3): every
#   proposal's answer must be the one it gets in a batch of six, and the
#   same on one thread and two.  The six are data/proposals.geojson against
#   data/validate.yaml (its header; 09-proposals.sh pins them), each copied
#   184 times (1,104 proposals, ids ID-k).
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/31-big-batch.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=4   # the tests this file runs, declared: one that vanishes is a failure

mkdir -p "$RESULT"
python3 - "$DATA/proposals.geojson" "$RESULT/big.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
feats = []
for k in range(184):
    for f in d["features"]:
        g = json.loads(json.dumps(f))
        g["properties"]["id"] = "%s-%d" % (f["properties"]["id"], k)
        feats.append(g)
d["features"] = feats
json.dump(d, open(sys.argv[2], "w"))
PY
(cd "$DATA" && "$PLANNER" validate validate.yaml proposals.geojson --json) >"$RESULT/six.json" 2>/dev/null
(cd "$DATA" && "$PLANNER" validate validate.yaml "$RESULT/big.geojson" --json --threads 1) >"$RESULT/big1.json" 2>/dev/null
(cd "$DATA" && "$PLANNER" validate validate.yaml "$RESULT/big.geojson" --json --threads 2) >"$RESULT/big2.json" 2>/dev/null

check "31.1 1,104 proposals read and answered (6 x 184)" sh -c "
    [ '$(jget "$RESULT/big1.json" "len(d['results'])")' = 1104 ]"
check "31.2 every copy's verdict, approvals and reasons are its original's in the batch of six, byte for byte" \
    python3 - "$RESULT/six.json" "$RESULT/big1.json" <<'PY'
import json, sys
six = {r["id"]: r for r in json.load(open(sys.argv[1]))["results"]}
big = json.load(open(sys.argv[2]))["results"]
for r in big:
    o = six[r["id"].rsplit("-", 1)[0]]
    for k in o:
        if k not in ("id", "file") and json.dumps(r[k], ensure_ascii=False) != json.dumps(o[k], ensure_ascii=False):
            sys.exit("%s: %s differs" % (r["id"], k))
PY
# PS runs x 499000 -> 503000 at y 3451000 through the 2 km square (x 500000-502000):
# 502000 - 500000 = 2000 m inside, below its 300 m ceiling (120 + 20 < 300): forbidden
check "31.3 each of the 184 copies of PS: forbidden, 2000.0 m inside SQ (as 9.6)" sh -c "
    [ \"\$(grep -o 'no_fly SQ (2 km square, rule forbidden): 2000.0 m inside' '$RESULT/big1.json' | wc -l)\" = 184 ] &&
    [ '$(jget "$RESULT/big1.json" "sum(r['verdict'] == 'forbidden' for r in d['results'] if r['id'].startswith('PS-'))")' = 184 ]"
check "31.4 two threads give the same bytes as one" cmp "$RESULT/big1.json" "$RESULT/big2.json"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/31-big-batch.sh)"
echo "1..$n"
