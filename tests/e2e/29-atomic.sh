#!/bin/sh
# tests/e2e/29-atomic.sh - end-to-end tests, section 29:
#   hard to break (issue 27): the plan folder old or new under kill -9 at
#   every file operation of a run, the run store checked before anything is
#   computed, no wait for ever (a silent server, a lock held on a real
#   PostgreSQL, named pipes), input paths that are not files
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/29-atomic.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=24   # the tests this file runs, declared: one that vanishes is a failure

# Two small scenarios writing one folder: A is data/square.yaml; B the same
# with the square's ceiling at 100 m, so that its zones, conflicts, routes,
# map, report, summary and GeoPackage differ from A's (its .qml styles are
# the same: a mix of those cannot be seen, and need not be).
IN=$RESULT/in
mkdir -p "$IN"
cp "$DATA/square.yaml" "$DATA/square_4549.geojson" "$DATA/routes_4549.geojson" "$IN/"
mv "$IN/square.yaml" "$IN/a.yaml"
sed 's/"ceiling_m": *300/"ceiling_m":100/' "$IN/square_4549.geojson" >"$IN/square_b.geojson"
sed 's/square_4549.geojson/square_b.geojson/' "$IN/a.yaml" >"$IN/b.yaml"
"$PLANNER" run "$IN/a.yaml" -o "$RESULT/refA" --no-db >/dev/null 2>&1
"$PLANNER" run "$IN/b.yaml" -o "$RESULT/refB" --no-db >/dev/null 2>&1
# the start of every case: plan = A, whole, recorded as run 1 of runs.sqlite
"$PLANNER" run "$IN/a.yaml" -o "$RESULT/start/plan" --db "$RESULT/start/runs.sqlite" >/dev/null 2>&1

# same DIR REF: the same file names and bytes
same() {
    [ "$(ls -A "$1" 2>/dev/null)" = "$(ls -A "$2")" ] || return 1
    for f in "$2"/*; do cmp -s "$f" "$1/$(basename "$f")" || return 1; done
}
# fresh NAME: a copy of the start in $RESULT/NAME
fresh() { rm -rf "${RESULT:?}/$1" && cp -R "$RESULT/start" "$RESULT/$1"; }
# ev DESCRIPTION CONDITION: ok when the shell condition (evaluated here, so
# that it may call same and near) holds
ev() { if eval "$2" >/dev/null 2>&1; then ok "$1"; else notok "$1" "failed: $2"; fi; }
# secs T0 T1: the seconds between two 'date +%s.%N'
secs() { awk "BEGIN { print $2 - $1 }"; }

# ---- 29.1 kill -9 at every file operation ------------------------------------
# killrun MODE FROM: for k = FROM, FROM + 1, ... run B over A's plan, killed
# (SIGKILL) just before its k-th file operation (PLANNER_FAULT_STEP=k), until
# a run ends by itself.  After each kill: the folder is A's or B's, whole,
# byte for byte (or, with three renames, missing between the first two,
# and then put back by the next run); the store passes PRAGMA
# integrity_check and lists run 2 (B) only if the folder is B's; then, when
# the kill left something beside the folder, a run of B without a fault
# ends 0 with B's folder, nothing left beside it, having said what it
# removed.  Prints "K BAD" (K: the step at which the run ended by itself;
# BAD: what failed, at which step).
killrun() {
    k=$2 bad="" last=0
    while [ $k -le 60 ]; do
        fresh kill
        D=$RESULT/kill
        env $1 PLANNER_FAULT_STEP=$k "$PLANNER" run "$IN/b.yaml" -o "$D/plan" --db "$D/runs.sqlite" \
            >/dev/null 2>&1
        rc=$?
        if [ $rc -ne 137 ]; then
            last=$k
            [ $rc -eq 0 ] && same "$D/plan" "$RESULT/refB" || bad="$bad ran to the end with exit $rc;"
            break
        fi
        if same "$D/plan" "$RESULT/refA"; then was=A
        elif same "$D/plan" "$RESULT/refB"; then was=B
        elif [ ! -e "$D/plan" ] && [ "$1" = PLANNER_NO_EXCHANGE=1 ]; then was=aside
        else was=mix; bad="$bad step $k: a mix ($(ls -A "$D/plan" 2>&1 | tr '\n' ' '));"; fi
        ic=$(sqlite3 "$D/runs.sqlite" 'PRAGMA integrity_check' 2>&1)
        nr=$(sqlite3 "$D/runs.sqlite" 'SELECT count(*) FROM runs' 2>&1)
        [ "$ic" = ok ] || bad="$bad step $k: integrity $ic;"
        [ "$nr" = 1 ] || [ "$nr" = 2 -a "$was" = B ] || bad="$bad step $k: $nr runs listed, folder $was;"
        left=$(ls -A "$D" | grep -c '^\.plan\.')
        # the next run after the steps that leave something different: the
        # first two (the new folder empty, then with a file) and the swap's
        # (the files of the new folder between are alike: a quicker test)
        if { [ "$left" -eq 0 ] || [ $k -gt 2 -a $k -lt $((SWAP - 1)) ]; } && [ $was != aside ]; then
            k=$((k + 1)); continue
        fi
        "$PLANNER" run "$IN/b.yaml" -o "$D/plan" --db "$D/runs.sqlite" >/dev/null 2>"$D/next.err"
        rc=$?
        [ $rc -eq 0 ] && same "$D/plan" "$RESULT/refB" || bad="$bad step $k: the next run: exit $rc;"
        [ -z "$(ls -A "$D" | grep '^\.plan\.')" ] || bad="$bad step $k: left beside: $(ls -A "$D" | grep '^\.plan\.');"
        grep -q 'left by a run that was killed' "$D/next.err" || bad="$bad step $k: $left leftovers removed without a word;"
        [ $was != aside ] || grep -q 'was missing: put back the previous folder' "$D/next.err" ||
            bad="$bad step $k: the old folder not put back;"
        k=$((k + 1))
    done
    echo "$last $bad"
}
fresh kill
SWAP=$(PLANNER_FAULT_STEP=list "$PLANNER" run "$IN/b.yaml" -o "$RESULT/kill/plan" --db "$RESULT/kill/runs.sqlite" 2>&1 >/dev/null |
    sed -n 's/^planner: step \([0-9]*\): swap the folders$/\1/p')
set -- $(killrun PLANNER_EXCHANGE=1 1)
K=$1; shift
# the steps of a run of B: the new folder made, its 13 files written (4
# layers with their styles, plan.gpkg, plan.svg, plan.png, report.html,
# summary.json; one fewer without rsvg-convert's PNG), the folder flushed,
# the store's rows, the swap, the commit, the old folder removed: 19, so the
# run ends by itself at K = 20 (18 steps and K = 19 without the PNG)
if [ "$K" -ge 19 ] && [ $# -eq 0 ]; then
    ok "29.1 kill -9 at each of the $((K - 1)) file operations of a run: old or new plan byte for byte, never a mix; store whole, no run listed without its folder; the next run cleans up and says so"
else
    notok "29.1 kill -9 at each file operation of a run: old or new, never a mix" "ended at $K:$*"
fi
# where the file system cannot exchange, from the swap on (the steps before
# are the same)
set -- $(killrun PLANNER_NO_EXCHANGE=1 "$SWAP")
K2=$1; shift
if [ "$K2" -eq $((K + 2)) ] && [ $# -eq 0 ]; then
    ok "29.2 the same where the file system cannot exchange (three renames: steps $SWAP to $((K2 - 1))): the folder missing between two is put back by the next run"
else
    notok "29.2 the same with three renames" "ended at $K2 (exchange: $K):$*"
fi
# aimed: killed between the two first renames, the folder is gone for the
# moment; the next run puts the old one back, says so, and goes on
fresh aside
D=$RESULT/aside
n_aside=$(PLANNER_FAULT_STEP=list PLANNER_NO_EXCHANGE=1 "$PLANNER" run "$IN/b.yaml" -o "$D/plan" --db "$D/runs.sqlite" 2>&1 >/dev/null |
    sed -n 's/^planner: step \([0-9]*\): swap: the old folder aside$/\1/p')
fresh aside
PLANNER_FAULT_STEP=$n_aside PLANNER_NO_EXCHANGE=1 "$PLANNER" run "$IN/b.yaml" -o "$D/plan" --db "$D/runs.sqlite" >/dev/null 2>&1
gone=$([ -e "$D/plan" ] && echo there || echo gone)
"$PLANNER" check "$IN/a.yaml" -o "$D/plan" >/dev/null 2>"$D/err"
ev "29.3 killed with the old folder aside ($gone): the next run puts it back, says so, and writes its own" "
    [ $gone = gone ] && grep -q 'was missing: put back the previous folder' '$D/err' && [ -z \"\$(ls -A '$D' | grep '^\.plan\.')\" ] &&
    same '$D/plan' '$RESULT/refA'"

# ---- 29.4 the store first --------------------------------------------------------
# storefail NAME DB DESCRIPTION: a run of B with store DB: exit 2, one line
# naming DB, the folder A's, nothing new beside it
storefail() {
    D=$RESULT/$1
    before=$(ls -A "$D" | tr '\n' ' ')
    "$PLANNER" run "$IN/b.yaml" -o "$D/plan" --db "$2" >"$RESULT/$1.out" 2>"$RESULT/$1.err"
    rc=$?
    after=$(ls -A "$D" | tr '\n' ' ')
    ev "$3" "[ $rc -eq 2 ] && [ \$(wc -l <'$RESULT/$1.err') -eq 1 ] && grep -qF '$2' '$RESULT/$1.err' &&
        [ ! -s '$RESULT/$1.out' ] && [ '$before' = '$after' ] && same '$D/plan' '$RESULT/refA'"
}
fresh half && head -c 2000000 "$RESULT/start/runs.sqlite" >"$RESULT/half/cut.sqlite"
storefail half "$RESULT/half/cut.sqlite" "29.4 a store cut to 2 MB of its 6.6: exit 2 before anything is computed, one line, the old plan untouched"
fresh rand && head -c 100000 /dev/urandom >"$RESULT/rand/rand.sqlite"
storefail rand "$RESULT/rand/rand.sqlite" "29.5 a store of random bytes: exit 2, one line, nothing written"
fresh text && echo 'not a database' >"$RESULT/text/runs.txt"
storefail text "$RESULT/text/runs.txt" "29.6 a text file as the store: exit 2, one line, nothing written"
# a page in the middle overwritten: SQLite opens it, PRAGMA quick_check does not pass
fresh page && python3 - "$RESULT/start/runs.sqlite" "$RESULT/page/page.sqlite" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[3 * 4096:4 * 4096] = b'\xab' * 4096
open(sys.argv[2], 'wb').write(d)
PY
storefail page "$RESULT/page/page.sqlite" "29.7 a store with a damaged page (quick_check): exit 2, one line, nothing written"
fresh fifo && mkfifo "$RESULT/fifo/runs.fifo"
storefail fifo "$RESULT/fifo/runs.fifo" "29.8 a named pipe as the store: exit 2 at once, one line, nothing written"
# a folder the run cannot write: read-only for a user, immutable for root
fresh ro && mkdir "$RESULT/ro/locked"
if [ "$(id -u)" != 0 ]; then chmod 555 "$RESULT/ro/locked"; ro=1
else chattr +i "$RESULT/ro/locked" 2>/dev/null && ro=1 || ro=0; fi
if [ $ro = 1 ]; then
    storefail ro "$RESULT/ro/locked/runs.sqlite" "29.9 a store in a folder that cannot be written: exit 2, one line, nothing written"
    chattr -i "$RESULT/ro/locked" 2>/dev/null; chmod 755 "$RESULT/ro/locked"
else
    skip "29.9 a store in a folder that cannot be written" "root without CAP_LINUX_IMMUTABLE: no folder it cannot write"
fi

# ---- 29.10 nothing waits for ever: a server that accepts and never answers ----
# (on the loopback, a port the test's own listener holds; stopped after)
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
while True:
    c, _ = s.accept(); held.append(c)   # accepted, never answered
' >"$RESULT/port" &
LPID=$!
i=0; while [ ! -s "$RESULT/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat "$RESULT/port")
PGS="PG:host=127.0.0.1 port=$PORT dbname=plan"
fresh silent
D=$RESULT/silent
t0=$(date +%s.%N)
timeout 30 "$PLANNER" run "$IN/b.yaml" -o "$D/plan" --db "$PGS" --db-timeout 2 >/dev/null 2>"$D/err"
rc=$?
t1=$(date +%s.%N)
ev "29.10 run --db PG: on a silent server, --db-timeout 2: exit 2 within 2-6 s ($(secs $t0 $t1) s), one line naming 127.0.0.1 port $PORT, the old plan untouched" "
    [ $rc -eq 2 ] && near $(secs $t0 $t1) 4 2 && [ \$(wc -l <'$D/err') -eq 1 ] &&
    grep -q 'server 127.0.0.1 port $PORT did not answer within 2 s' '$D/err' && same '$D/plan' '$RESULT/refA'"
t0=$(date +%s.%N)
PLANNER_DB_TIMEOUT=3 timeout 30 "$PLANNER" history "$PGS" >/dev/null 2>"$D/herr"
rc=$?
t1=$(date +%s.%N)
ev "29.11 history PG: on the silent server, PLANNER_DB_TIMEOUT=3: exit 2 within 3-7 s ($(secs $t0 $t1) s), naming the host" "
    [ $rc -eq 2 ] && near $(secs $t0 $t1) 5 2 && grep -q 'server 127.0.0.1 port $PORT did not answer within 3 s' '$D/herr'"
PLANNER_DB_TIMEOUT=10s "$PLANNER" history "$PGS" >/dev/null 2>"$D/terr"
rc=$?
ev "29.24 PLANNER_DB_TIMEOUT=10s (not whole seconds): exit 2 at once naming it, never the default in its place" "
    [ $rc -eq 2 ] && [ \"\$(cat '$D/terr')\" = \"planner: error: PLANNER_DB_TIMEOUT '10s': expected whole seconds from 2 to 3600\" ]"
kill "$LPID" 2>/dev/null
wait "$LPID" 2>/dev/null

# ---- 29.12 input paths that are not files ------------------------------------
# notfile NAME DESCRIPTION WANT CMD...: exit 2 within 20 s (a hang is a
# failure, not a hung suite), stderr names WANT
notfile() {
    nm=$1 d=$2 want=$3
    shift 3
    timeout 20 "$@" >/dev/null 2>"$RESULT/$nm.err"
    rc=$?
    if [ $rc -eq 2 ] && grep -qF "$want" "$RESULT/$nm.err"; then ok "$d"; else notok "$d" "exit $rc: $(cat "$RESULT/$nm.err")"; fi
}
mkfifo "$IN/zones.fifo" "$IN/scenario.fifo" "$IN/proposals.fifo"
sed 's/square_4549.geojson/zones.fifo/' "$IN/a.yaml" >"$IN/fifo.yaml"
mkdir "$IN/folder.geojson"
sed 's/square_4549.geojson/folder.geojson/' "$IN/a.yaml" >"$IN/folder.yaml"
notfile zfifo "29.12 a zones layer that is a named pipe: exit 2 at once, naming it" \
    "layer 'zones': $IN/zones.fifo is a named pipe (FIFO), not a file" "$PLANNER" run "$IN/fifo.yaml" -o "$RESULT/zf" --no-db
notfile sfifo "29.13 a scenario that is a named pipe: exit 2, naming it" \
    "scenario $IN/scenario.fifo is a named pipe (FIFO), not a file" "$PLANNER" check "$IN/scenario.fifo"
notfile pfifo "29.14 a proposals file that is a named pipe (validate): exit 2, naming it" \
    "$IN/proposals.fifo is a named pipe (FIFO), not a file" "$PLANNER" validate "$IN/a.yaml" "$IN/proposals.fifo"
notfile zdir "29.15 a folder given as the zones layer's file: exit 2, naming it" \
    "layer 'zones': $IN/folder.geojson is a folder, not a file" "$PLANNER" check "$IN/folder.yaml"
notfile sdir "29.16 a folder given as the scenario: exit 2, naming it" \
    "scenario $IN is a folder, not a file" "$PLANNER" check "$IN"
notfile sdev "29.17 a device given as the scenario (/dev/zero, read for ever): exit 2, naming it" \
    "scenario /dev/zero is a character device, not a file" "$PLANNER" check /dev/zero

# ---- 29.18 the folder replaced is a plan folder ---------------------------------
mkdir -p "$RESULT/mine"
echo 'my notes' >"$RESULT/mine/notes.txt"
"$PLANNER" run "$IN/a.yaml" -o "$RESULT/mine" --no-db >/dev/null 2>"$RESULT/mine.err"
check "29.18 -o a folder of other files: exit 2 before anything is computed, naming the file, the folder as it was" sh -c "
    [ $? -eq 2 ] && grep -q 'holds notes.txt, which is not a file of a plan' '$RESULT/mine.err' &&
    [ \"\$(ls -A '$RESULT/mine')\" = notes.txt ]"
echo 'x' >"$RESULT/afile"
"$PLANNER" run "$IN/a.yaml" -o "$RESULT/afile" --no-db >/dev/null 2>"$RESULT/afile.err"
check "29.19 -o a file: exit 2, naming it, the file as it was" sh -c "
    [ $? -eq 2 ] && grep -q 'afile: not a folder' '$RESULT/afile.err' && [ \"\$(cat '$RESULT/afile')\" = x ]"
# a link to a plan folder: the folder it leads to is replaced, the link kept
fresh link
ln -s plan "$RESULT/link/current"
"$PLANNER" run "$IN/b.yaml" -o "$RESULT/link/current" --no-db >/dev/null 2>&1
ev "29.20 -o a link to a plan folder: the folder it leads to replaced (B's), the link kept" "
    [ -L '$RESULT/link/current' ] && same '$RESULT/link/plan' '$RESULT/refB'"
# the store failing after the rows are written: a store whose runs table is
# not ours is found before anything is computed
fresh alien
sqlite3 "$RESULT/alien/alien.sqlite" 'CREATE TABLE runs (name TEXT)'
storefail alien "$RESULT/alien/alien.sqlite" "29.21 a SQLite file whose table 'runs' is not a run store's: exit 2, one line, nothing written"
fresh ok
"$PLANNER" run "$IN/b.yaml" -o "$RESULT/ok/plan" --db "$RESULT/ok/runs.sqlite" >/dev/null 2>&1
ev "29.22 the same run on a good store: exit 0, B's folder, run 2 recorded, nothing left beside" "
    [ $? -eq 0 ] && [ \"\$(sqlite3 '$RESULT/ok/runs.sqlite' 'SELECT count(*) FROM runs')\" = 2 ] &&
    [ -z \"\$(ls -A '$RESULT/ok' | grep '^\.plan\.')\" ] && same '$RESULT/ok/plan' '$RESULT/refB'"

# ---- 29.23 the statement timeout on a real PostgreSQL (loopback) ---------------
# another client holds the store's write lock (the advisory lock a run takes)
# for 20 s: a run with --db-timeout 2 gives up after 2 s, naming the lock,
# and the old plan stays
PGBIN=/usr/lib/postgresql/15/bin
if [ -x "$PGBIN/initdb" ] && [ -f /usr/share/postgresql/15/extension/postgis.control ]; then
    PGD=$(mktemp -d /tmp/planner-pg.XXXXXX)
    PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    [ "$(id -u)" = 0 ] && chown postgres "$PGD"
    as_pg "$PGBIN/initdb" -A trust -U postgres -D "$PGD/data" >/dev/null 2>&1 &&
    as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -w -l "$PGD/log" \
        -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGD" start >/dev/null 2>&1 &&
    psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qc 'CREATE DATABASE plan' >/dev/null 2>&1 &&
    psql -h 127.0.0.1 -p $PGPORT -U postgres -d plan -qc 'CREATE EXTENSION postgis' >/dev/null 2>&1
    PGC="PG:host=127.0.0.1 port=$PGPORT user=postgres dbname=plan"
    psql -h 127.0.0.1 -p $PGPORT -U postgres -d plan -qc 'SELECT pg_advisory_lock(7480612025); SELECT pg_sleep(20)' \
        >/dev/null 2>&1 &
    HOLD=$!
    sleep 1
    fresh pglock
    D=$RESULT/pglock
    t0=$(date +%s.%N)
    timeout 30 "$PLANNER" run "$IN/b.yaml" -o "$D/plan" --db "$PGC" --db-timeout 2 >/dev/null 2>"$D/err"
    rc=$?
    t1=$(date +%s.%N)
    ev "29.23 PostGIS, the store's lock held by another client: exit 2 after the 2 s statement timeout ($(secs $t0 $t1) s), naming it, the old plan untouched" "
        [ $rc -eq 2 ] && near $(secs $t0 $t1) 4 3 && grep -q 'write lock was not had within 2 s' '$D/err' &&
        same '$D/plan' '$RESULT/refA' && [ -z \"\$(ls -A '$D' | grep '^\.plan\.')\" ]"
    kill "$HOLD" 2>/dev/null
    as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -m immediate stop >/dev/null 2>&1
    wait "$HOLD" 2>/dev/null
    rm -rf "$PGD"
else
    skip "29.23 the statement timeout on a real PostgreSQL" "PostgreSQL 15 with PostGIS is not installed ('make deps')"
fi

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/29-atomic.sh)"
echo "1..$n"
