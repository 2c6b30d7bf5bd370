#!/bin/sh
# tests/e2e/32-index-trial.sh - end-to-end tests, section 32:
#   the zone index (validate --index) and planner serve as a user meets them
#   (issue 26): each test is a bug found by using them, failing before its
#   fix.  The answers are data/validate.yaml's (its header; 09-proposals.sh
#   pins them without an index): with SQ's ceiling 300 m, PA (400 m, band
#   380-420 m) is free; with 400 m it is forbidden, 2000.0 m inside.
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/32-index-trial.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=15   # the tests this file runs, declared: one that vanishes is a failure
case $PLANNER in /*) ;; *) PLANNER=$(pwd)/$PLANNER ;; esac # some runs start in another folder

# fresh DIR: a copy of the validate scenario and its layers in RESULT/DIR
fresh() {
    mkdir -p "$RESULT/$1"
    cp "$DATA/validate.yaml" "$DATA/square_4549.geojson" "$DATA/val_routes.geojson" "$DATA/val_vertiports.geojson" \
        "$DATA/proposals.geojson" "$RESULT/$1/"
}
verdict() { jget "$1" "[r['verdict'] for r in d['results'] if r['id'] == '$2'][0]"; }

# 32.12's folder, made first (its files must be 3 s old when it runs): a
# zone TWO rejected (a ring of two points), so each opening of the plan by
# serve --skip-bad warns once; the zones file's mtime an hour ahead (touch
# -d, or a tar made on a machine whose clock was ahead)
fresh future
python3 - "$RESULT/future/square_4549.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
two = json.loads(json.dumps(d['features'][0])); two['properties']['id'] = 'TWO'
two['geometry']['coordinates'] = [[[520000, 3450000], [520001, 3450000]]]
d['features'].append(two)
json.dump(d, open(sys.argv[1], 'w'))
PY
touch -d '+1 hour' "$RESULT/future/square_4549.geojson"
# 32.13's: the same zones (SQ, TWO) as a GeoPackage in WAL mode
fresh wal
sed 's/square_4549.geojson/zones.gpkg/' "$DATA/validate.yaml" >"$RESULT/wal/validate.yaml"
ogr2ogr -f GPKG "$RESULT/wal/zones.gpkg" "$RESULT/future/square_4549.geojson" -nln zones 2>/dev/null
python3 -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('pragma journal_mode=wal')" "$RESULT/wal/zones.gpkg"

# ---- 32.1 a VRT layer: its source's bytes are not the VRT's --------------------
# zones.vrt reads square_4549.geojson; SQ's ceiling 300 -> 400 m in the source
# (the VRT's bytes unchanged): PA must turn forbidden.  The index used to key
# the VRT's bytes only, and kept answering "free" from the stale zones.
fresh vrt
D=$RESULT/vrt
cat >"$D/zones.vrt" <<'XML'
<OGRVRTDataSource>
  <OGRVRTLayer name="square">
    <SrcDataSource relativeToVRT="1">square_4549.geojson</SrcDataSource>
    <SrcLayer>square</SrcLayer>
  </OGRVRTLayer>
</OGRVRTDataSource>
XML
sed -i 's|path: square_4549.geojson}|path: zones.vrt, crs: "EPSG:4549"}|' "$D/validate.yaml"
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --index "$D/v.zindex" >/dev/null 2>&1
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --index "$D/v.zindex" >/dev/null 2>&1
sed -i 's/"ceiling_m":300/"ceiling_m":400/' "$D/square_4549.geojson"
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json >"$D/plain.json" 2>/dev/null
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --index "$D/v.zindex" >"$D/ix.json" 2>"$D/ix.err"
check "32.1 a VRT layer's source changes (SQ ceiling 300 -> 400 m): no index used (the run names zones.vrt); PA forbidden, validate's bytes" sh -c "
    cmp '$D/plain.json' '$D/ix.json' && [ '$(verdict "$D/ix.json" PA)' = forbidden ] &&
    grep -q 'zone index .*v.zindex: not used: .*zones.vrt is not a file' '$D/ix.err' && [ \$(wc -l <'$D/ix.err') -eq 1 ]"

# ---- 32.2 an --index FILE that exists and cannot be read ----------------------
# It may be another user's file: it used to be "rebuilt, it was unreadable",
# i.e. replaced by an index (rename over it), though its magic was never seen.
# As root the run drops to nobody (setpriv), the file root's, mode 600.
fresh unread
D=$RESULT/unread
chmod 755 "$D" && chmod 644 "$D"/* && chmod 777 "$D"
echo 'not the planner'"'"'s: a secret' >"$D/theirs"
chmod 600 "$D/theirs"
as_other() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else chmod 000 "$D/theirs"; "$@"; fi; }
as_other "$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --index "$D/theirs" >"$D/out.json" 2>"$D/err"
rc=$?
chmod 600 "$D/theirs"
check "32.2 an index FILE that cannot be read: exit 2, one line naming it, nothing on stdout, the file kept as it was" sh -c "
    [ $rc -eq 2 ] && [ ! -s '$D/out.json' ] && [ \$(wc -l <'$D/err') -eq 1 ] &&
    grep -q '^planner: error: zone index .*theirs: cannot be read (Permission denied)' '$D/err' &&
    grep -q 'a secret' '$D/theirs' && [ \$(ls -A '$D' | grep -c theirs) -eq 1 ]"

# ---- 32.3 the layers' warnings, from the index too -------------------------------
# Two zones rejected (a bow-tie polygon, self-intersecting at (511000,
# 3451000); a ring of two points), dropped with --skip-bad: the run from the
# layers warns of each on stderr; a run from the index said nothing (the
# user, told once, was then answered without them in silence).
fresh issues
D=$RESULT/issues
python3 - "$D/square_4549.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sq = d['features'][0]
bow = json.loads(json.dumps(sq)); bow['properties']['id'] = 'BOW'
bow['geometry']['coordinates'] = [[[510000, 3450000], [512000, 3452000], [512000, 3450000], [510000, 3452000], [510000, 3450000]]]
two = json.loads(json.dumps(sq)); two['properties']['id'] = 'TWO'
two['geometry']['coordinates'] = [[[520000, 3450000], [520001, 3450000]]]
d['features'] += [bow, two]
json.dump(d, open(sys.argv[1], 'w'))
PY
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --skip-bad >"$D/plain.json" 2>"$D/plain.err"
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --skip-bad --index "$D/v.zindex" >/dev/null 2>&1
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --skip-bad --index "$D/v.zindex" >"$D/ix.json" 2>"$D/ix.err"
"$PLANNER" serve "$D/validate.yaml" --skip-bad --index "$D/v.zindex" </dev/null >/dev/null 2>"$D/serve.err"
check "32.3 zones rejected (--skip-bad): a run from the index warns of BOW and TWO as the run from the layers does" sh -c "
    [ \$(grep -c 'warning: .*feature \(BOW\|TWO\) rejected' '$D/plain.err') -eq 2 ] && cmp '$D/plain.err' '$D/ix.err' &&
    cmp '$D/plain.err' '$D/serve.err' && cmp '$D/plain.json' '$D/ix.json'"

# ---- 32.4 the same scenario named another way --------------------------------------
# Built from the scenario's folder (validate.yaml, relative); then named
# absolute from another folder, and through a symbolic link to the folder:
# the same files, so loaded.  The key used to hash the layer paths as
# spelled: "rebuilt, it was stale: a layer, the scenario or the planner
# changed" at every switch, though nothing had.
fresh paths
D=$RESULT/paths
ln -s "$D" "$RESULT/link"
(cd "$D" && "$PLANNER" validate validate.yaml proposals.geojson --json --index v.zindex >rel.json 2>/dev/null)
(cd / && "$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --index "$D/v.zindex" --timing \
    >"$D/abs.json" 2>"$D/abs.err")
"$PLANNER" validate "$RESULT/link/validate.yaml" "$D/proposals.geojson" --json --index "$RESULT/link/v.zindex" \
    --timing >"$D/link.json" 2>"$D/link.err"
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json >"$D/plain.json" 2>/dev/null
check "32.4 an index built with a relative scenario path is loaded (not rebuilt) when it is named absolute, or through a symlinked folder" sh -c "
    grep -q 'v.zindex: loaded' '$D/abs.err' && grep -q 'v.zindex: loaded' '$D/link.err' &&
    cmp '$D/plain.json' '$D/abs.json' && cmp '$D/plain.json' '$D/link.json'"

# ---- 32.5-32.6 serve ended by its reader, by a signal, by a full disk -------------
# serve used to keep each line in a folder of its own under TMPDIR, removed
# only at the end of the input: its reader gone (SIGPIPE) or kill while it
# waits for a line, the folder and the last proposal stayed behind.  And an
# answer that could not be written (a full disk) was dropped, exit 0.
fresh serve
D=$RESULT/serve
mkdir -p "$D/tmp"
python3 - "$D/proposals.geojson" "$D/lines.jsonl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
one = [json.dumps({'type': 'FeatureCollection', 'crs': d['crs'], 'features': [f]}) for f in d['features']]
open(sys.argv[2], 'w').write('\n'.join(one * 300) + '\n')   # 1800 answers, about 1.8 MB: more than a pipe holds
PY
TMPDIR=$D/tmp "$PLANNER" serve "$D/validate.yaml" <"$D/lines.jsonl" 2>"$D/pipe.err" | head -1 >"$D/head.out"
mkfifo "$D/in"
TMPDIR=$D/tmp "$PLANNER" serve "$D/validate.yaml" <"$D/in" >"$D/kill.out" 2>/dev/null &
pid=$!
exec 3>"$D/in"
head -1 "$D/lines.jsonl" >&3
i=0; while [ $i -lt 100 ] && [ ! -s "$D/kill.out" ]; do sleep 0.1; i=$((i + 1)); done
{ kill -TERM $pid; wait $pid; } 2>/dev/null # (the shell's "Terminated" is no TAP line)
exec 3>&-
check "32.5 serve's reader gone (SIGPIPE), or serve killed while it waits for a line: nothing left under TMPDIR" sh -c "
    grep -q '\"id\":\"PA\"' '$D/head.out' && grep -q '\"id\":\"PA\"' '$D/kill.out' && [ -z \"\$(ls -A '$D/tmp')\" ]"
TMPDIR=$D/tmp "$PLANNER" serve "$D/validate.yaml" <"$D/lines.jsonl" >/dev/full 2>"$D/full.err"
rc=$?
check "32.6 serve's answers cannot be written (/dev/full): exit 2, one line saying so, nothing left under TMPDIR" sh -c "
    [ $rc -eq 2 ] && [ \$(wc -l <'$D/full.err') -eq 1 ] &&
    grep -q '^planner: error: standard output: cannot write the answer to line 1: No space left on device' '$D/full.err' &&
    [ -z \"\$(ls -A '$D/tmp')\" ]"

TMPDIR=$D/no-such-folder "$PLANNER" serve "$D/validate.yaml" <"$D/lines.jsonl" >"$D/notmp.out" 2>"$D/notmp.err"
rc=$?
check "32.8 serve's TMPDIR is missing: exit 2 at the start, one line naming it, no answer (not an error at every line)" sh -c "
    [ $rc -eq 2 ] && [ ! -s '$D/notmp.out' ] && [ \$(wc -l <'$D/notmp.err') -eq 1 ] &&
    grep -q '^planner: error: .*no-such-folder: serve cannot make its temporary files there (TMPDIR): No such file' '$D/notmp.err'"

# ---- 32.7 a layer edited while serve runs ---------------------------------------------
# serve used to answer from the plan as it was read at its start, for ever:
# a zone edited in QGIS while serve ran was not seen (answers from stale
# zones, nothing said).  Now each line first stats the plan's files (sizes,
# inodes, times: no byte read) and opens the plan again when one changed.
# PA at 400 m (band 380-420 m): free under SQ's 300 m ceiling, forbidden
# (2000.0 m inside) under 400 m; a layer that cannot be read meanwhile: the
# line is an error naming it, never an answer from the old zones.
fresh live
D=$RESULT/live
python3 - "$D/proposals.geojson" "$D/pa.jsonl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
open(sys.argv[2], 'w').write(json.dumps({'type': 'FeatureCollection', 'crs': d['crs'], 'features': [d['features'][0]]}) + '\n')
PY
cp "$D/square_4549.geojson" "$D/sq300"
mkfifo "$D/in"
"$PLANNER" serve "$D/validate.yaml" --index "$D/v.zindex" <"$D/in" >"$D/out" 2>"$D/err" &
pid=$!
exec 3>"$D/in"
ask() { # ask K: send PA as a line, wait (up to 10 s) for the K-th answer line
    cat "$D/pa.jsonl" >&3
    i=0; while [ $i -lt 100 ] && [ "$(wc -l <"$D/out")" -lt "$1" ]; do sleep 0.1; i=$((i + 1)); done
}
ask 1
sed 's/"ceiling_m":300/"ceiling_m":400/' "$D/sq300" >"$D/square_4549.geojson"
ask 2
echo '{"type": "FeatureCollection", "features": [' >"$D/square_4549.geojson"
ask 3
cp "$D/sq300" "$D/square_4549.geojson"
ask 4
exec 3>&-
wait $pid
rc=$?
line() { sed -n "$1p" "$D/out"; }
check "32.7 serve sees a layer edited while it runs: PA free (300 m), forbidden 2000.0 m inside (400 m), an error naming the unreadable layer, free again" sh -c "
    [ $rc -eq 0 ] && [ \$(wc -l <'$D/out') -eq 4 ] &&
    line() { sed -n \"\$1p\" '$D/out'; } &&
    line 1 | grep -q '\"id\":\"PA\",\"file\":\"stdin:1\",\"verdict\":\"free\"' &&
    line 2 | grep -q '\"id\":\"PA\",\"file\":\"stdin:2\",\"verdict\":\"forbidden\".*2000.0 m inside' &&
    line 3 | grep -q '^{\"line\":3,\"error\":\"the plan.s files changed and it cannot be opened again: .*square_4549.geojson' &&
    line 4 | grep -q '\"id\":\"PA\",\"file\":\"stdin:4\",\"verdict\":\"free\"' &&
    grep -q 'serve: line 2: a file of the plan .*: opened again' '$D/err'"

# ---- 32.9 an index built with other options ----------------------------------------------
# serve --skip-bad and validate (without) sharing one index: each rebuilds
# it, and the run said "stale: a layer, the scenario or the planner
# changed", sending the user to look for an edit that was never made.
fresh opts
D=$RESULT/opts
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --skip-bad --index "$D/v.zindex" >/dev/null 2>&1
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --index "$D/v.zindex" >"$D/ix.json" 2>"$D/ix.err"
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json >"$D/plain.json" 2>/dev/null
check "32.9 an index built with --skip-bad, used without it: rebuilt, the run says it was built with other options; validate's bytes" sh -c "
    grep -q 'v.zindex: rebuilt, it was stale: built with other options (--skip-bad or not)' '$D/ix.err' &&
    cmp '$D/plain.json' '$D/ix.json'"

# ---- 32.10 serve's input cannot be read ------------------------------------------------
# A read error on standard input (here a folder, EISDIR; a failing disk is
# EIO) was taken for the end of the input: exit 0, as if every line had
# been answered.
"$PLANNER" serve "$D/validate.yaml" </ >"$D/eisdir.out" 2>"$D/eisdir.err"
rc=$?
check "32.10 serve's standard input cannot be read (a folder): exit 2, one line saying so, no answer" sh -c "
    [ $rc -eq 2 ] && [ ! -s '$D/eisdir.out' ] && [ \$(wc -l <'$D/eisdir.err') -eq 1 ] &&
    grep -q '^planner: error: standard input: cannot read line 1: Is a directory' '$D/eisdir.err'"

# ---- 32.11 a library of the planner updated -----------------------------------------------
# The key held GEOS's version but not PROJ's or GDAL's: a Debian update of
# libgdal (how layers are read) or libproj (how they are reprojected)
# changes the plan, not the executable, and the index kept answering from
# the old libraries' plan.  A preloaded GDALVersionInfo stands for the
# updated GDAL: the index must be rebuilt under it.
fresh libs
D=$RESULT/libs
printf 'const char *GDALVersionInfo(const char *k) { (void)k; return "99.0.0-updated"; }\n' >"$D/v.c"
# a sanitizer build's runtime must come first among the preloaded libraries
asan=$(ldd "$PLANNER" 2>/dev/null | awk '/libasan/ {print $3}')
if ${CC:-cc} -shared -fPIC -o "$D/v.so" "$D/v.c" 2>/dev/null; then
    "$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --index "$D/v.zindex" >"$D/a.json" 2>/dev/null
    LD_PRELOAD="${asan:+$asan }$D/v.so" "$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --json --index "$D/v.zindex" \
        >"$D/b.json" 2>"$D/b.err"
    check "32.11 another GDAL under the same planner executable: the index rebuilt (stale), the same answers" sh -c "
        grep -q 'v.zindex: rebuilt, it was stale' '$D/b.err' && cmp '$D/a.json' '$D/b.json'"
else
    skip "32.11 another GDAL under the same planner executable: the index rebuilt" "no C compiler to build the stand-in"
fi

# ---- 32.12 a layer whose mtime is ahead of the clock ------------------------------------
# serve takes a file changed within 2 s of its opening the plan as maybe
# read half-written, and opens the plan again at the next line; it read the
# mtime for that, so a file whose mtime is in the future made it open the
# plan again at every line (from the layers, without --index: a cold
# validate a line).  The change time (ctime, the kernel's) is read now.
D=$RESULT/future
t=$(stat -c %Z "$D/square_4549.geojson")
while [ $(($(date +%s) - t)) -lt 3 ]; do sleep 0.2; done
python3 - "$D/proposals.geojson" "$D/pa3.jsonl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
one = json.dumps({'type': 'FeatureCollection', 'crs': d['crs'], 'features': [d['features'][0]]})
open(sys.argv[2], 'w').write((one + '\n') * 3)
PY
"$PLANNER" serve "$D/validate.yaml" --skip-bad <"$D/pa3.jsonl" >"$D/out" 2>"$D/err"
check "32.12 a zones file whose mtime is an hour ahead: serve opens the plan once for 3 lines (TWO warned of once), 3 answers" sh -c "
    [ \$(grep -c 'feature TWO rejected' '$D/err') -eq 1 ] && [ \$(grep -c '\"id\":\"PA\"' '$D/out') -eq 3 ]"

# ---- 32.13 a GeoPackage layer open in another program (QGIS), in WAL mode -----------------
# Its -wal holds data (an edit not yet checkpointed into the .gpkg); its
# -shm holds none (an index of the -wal).  SQLite, opening the database as
# root, chowns both at every opening, and serve, watching every file beside
# the layer by its change time, opened the plan again at every line.  Now
# the -shm and an empty -wal are left out, and a -wal is watched by its
# size and mtime: an edit committed into the -wal is seen (PA forbidden).
D=$RESULT/wal
t=$(stat -c %Z "$D/zones.gpkg")
while [ $(($(date +%s) - t)) -lt 3 ]; do sleep 0.2; done
cat >"$D/hold.py" <<'PY'
import os, sqlite3, sys, time
d = sys.argv[1]
c = sqlite3.connect(d + '/zones.gpkg')
for f in ('ST_IsEmpty', 'ST_MinX', 'ST_MaxX', 'ST_MinY', 'ST_MaxY'):   # the GeoPackage's R-tree triggers
    c.create_function(f, 1, lambda g: 0)
c.execute('pragma wal_autocheckpoint=0')
c.execute('select count(*) from zones').fetchall()
def wait(name):
    for _ in range(300):
        if os.path.exists(d + '/' + name):
            return
        time.sleep(0.1)
open(d + '/ready', 'w').close()
wait('go')
c.execute("update zones set ceiling_m = 400 where id = 'SQ'")
c.commit()
open(d + '/done', 'w').close()
wait('stop')
PY
python3 "$D/hold.py" "$D" &
hold=$!
i=0; while [ $i -lt 100 ] && [ ! -e "$D/ready" ]; do sleep 0.1; i=$((i + 1)); done
python3 - "$D/proposals.geojson" "$D/pa.jsonl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
open(sys.argv[2], 'w').write(json.dumps({'type': 'FeatureCollection', 'crs': d['crs'], 'features': [d['features'][0]]}) + '\n')
PY
mkfifo "$D/in"
"$PLANNER" serve "$D/validate.yaml" --skip-bad <"$D/in" >"$D/out" 2>"$D/err" &
pid=$!
exec 3>"$D/in"
ask() { # ask K: send PA as a line, wait (up to 10 s) for the K-th answer line
    cat "$D/pa.jsonl" >&3
    i=0; while [ $i -lt 100 ] && [ "$(wc -l <"$D/out")" -lt "$1" ]; do sleep 0.1; i=$((i + 1)); done
}
ask 1
ask 2
ask 3
opens=$(grep -c 'feature TWO rejected' "$D/err")
touch "$D/go"
i=0; while [ $i -lt 100 ] && [ ! -e "$D/done" ]; do sleep 0.1; i=$((i + 1)); done
ask 4
exec 3>&-
wait $pid
touch "$D/stop"
wait $hold
check "32.13 a WAL GeoPackage held open elsewhere: serve opens the plan once for 3 lines; an edit in the -wal seen at line 4 (PA forbidden)" sh -c "
    [ $opens -eq 1 ] && [ \$(wc -l <'$D/out') -eq 4 ] &&
    sed -n 3p '$D/out' | grep -q '\"id\":\"PA\",\"file\":\"stdin:3\",\"verdict\":\"free\"' &&
    sed -n 4p '$D/out' | grep -q '\"id\":\"PA\",\"file\":\"stdin:4\",\"verdict\":\"forbidden\".*2000.0 m inside' &&
    grep -q 'serve: line 4: a file of the plan changed since it was opened: opened again' '$D/err'"

# ---- 32.14 validate -o (listed in validate --help) ------------------------------------------
# validate and reroute took -o DIR and did nothing with it: no folder, no
# message, the verdict's exit code, so a user waited for files never
# written.  Now they refuse it (exit 2, nothing written), and --help says
# which commands -o is for.
D=$RESULT/opts
(cd "$D" && "$PLANNER" validate validate.yaml proposals.geojson -o out >"$D/o.out" 2>"$D/o.err")
rc=$?
(cd "$D" && "$PLANNER" reroute validate.yaml PR -o out >/dev/null 2>"$D/r.err")
rr=$?
check "32.14 validate -o / reroute -o: exit 2, 'unknown option' first, no out folder; --help names -o's commands" sh -c "
    [ $rc -eq 2 ] && [ $rr -eq 2 ] && [ ! -e '$D/out' ] && [ ! -s '$D/o.out' ] &&
    head -1 '$D/o.err' | grep -q \"^planner validate: unknown option '-o'\" &&
    head -1 '$D/r.err' | grep -q \"^planner reroute: unknown option '-o'\" &&
    grep -q -- '-o, --output DIR  (run, check, site) the output folder; (zones, fence) the output file' '$D/o.err'"

# ---- 32.15 a layer file missing, with --index --------------------------------------------
# The refusal was two lines: "zone index ...: not used: square_4549.geojson
# is not a file whose bytes can all be watched (a folder, or a VRT ...)",
# wrong about the file, before the error that names it.  Now the error alone.
fresh missing
D=$RESULT/missing
rm "$D/square_4549.geojson"
"$PLANNER" validate "$D/validate.yaml" "$D/proposals.geojson" --index "$D/v.zindex" >"$D/out" 2>"$D/err"
rc=$?
check "32.15 a layer file missing, with --index: exit 2, one line (the layer cannot be opened, named), no index written" sh -c "
    [ $rc -eq 2 ] && [ \$(wc -l <'$D/err') -eq 1 ] && [ ! -e '$D/v.zindex' ] &&
    grep -q \"^planner: error: .*validate.yaml:7:36: layer 'zones': cannot open .*square_4549.geojson: No such file\" '$D/err'"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/32-index-trial.sh)"
echo "1..$n"
