#!/bin/sh
# tests/e2e/13-faults.sh - end-to-end tests, section 13:
#   faults: interrupts, kills, two runs at once
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/13-faults.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=10   # the tests this file runs, declared: one that vanishes is a failure

# ---- 13. faults: interrupts, kills, two runs at once --------------------------
FT=$RESULT/faults
rm -rf "$FT" && mkdir -p "$FT"
"$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1
rc0=$?
cp -R "$FT/plan" "$FT/ref"
# the folder is whole: every file of the reference, the same bytes (runs are
# deterministic; summary.json's time_ms aside), no temporary file left
whole() {
    [ "$(ls -A "$FT/plan" | sort)" = "$(ls -A "$FT/ref" | sort)" ] || { echo "files differ: $(ls -A "$FT/plan")"; return 1; }
    for f in "$FT"/ref/*; do
        b=$(basename "$f")
        [ "$b" = summary.json ] && continue
        cmp -s "$f" "$FT/plan/$b" || { echo "$b differs"; return 1; }
    done
    return 0
}
# (A background job of a script ignores SIGINT: env --default-signal gives
# the planner the default action a terminal's Ctrl-C meets.)
# A run receives the signal at 10 points spread over its 0.8 s (loading,
# checking, siting, writing): killed before the folder is written, the old one
# stays; after, the new one (the same bytes) is whole.
for sig in INT TERM; do
    bad=""
    for d in 0.05 0.15 0.25 0.35 0.45 0.55 0.62 0.68 0.74 0.8; do
        env --default-signal=INT "$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1 &
        pid=$!
        sleep "$d"
        kill -s "$sig" "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        why=$(whole) || bad="$bad at ${d}s: $why;"
    done
    if [ -z "$bad" ]; then ok "13.1 SIG$sig at 10 moments of a run: the outputs whole, no temporary file"
    else notok "13.1 SIG$sig at 10 moments of a run: the outputs whole, no temporary file" "$bad"; fi
done
# Aimed: the run paused with its new folder written beside the old one, not
# yet swapped in (PLANNER_FAULT_PAUSE), interrupted there: the interrupt
# waits for the swap, so the folder is whole and nothing is left beside it.
for sig in INT TERM; do
    PLANNER_FAULT_PAUSE=write:3000 env --default-signal=INT "$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1 &
    pid=$!
    waittmp "$FT" '^\.plan\.tmp'
    saw=$(ls -A "$FT"/.plan.tmp*/ 2>/dev/null | grep -c .)
    kill -s "$sig" "$pid"
    wait "$pid"
    rc=$?
    check "13.5 SIG$sig while the new folder's $saw files wait to be swapped in: the run ends by the signal, the folder whole, nothing left beside it" \
        sh -c "[ $saw -gt 0 ] && [ $rc -gt 128 ] && [ -z \"\$(ls -A '$FT' | grep '^\.plan\.')\" ]"
    check "13.5 SIG$sig: the same files and bytes as before" whole
done
# the store paused with the run's rows written, not committed, and killed
n_before=$(sqlite3 "$FT/runs.sqlite" 'SELECT count(*) FROM runs')
PLANNER_FAULT_PAUSE=store:3000 "$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1 &
pid=$!
waittmp "$FT" 'runs.sqlite-journal'
sleep 0.3
kill -9 "$pid"
wait "$pid" 2>/dev/null
n_after=$(sqlite3 "$FT/runs.sqlite" 'SELECT count(*) FROM runs')
check "13.6 kill -9 inside the store's transaction: the store as before ($n_before runs), integrity ok" \
    sh -c "[ $n_before -eq $n_after ] && [ \"\$(sqlite3 '$FT/runs.sqlite' 'PRAGMA integrity_check')\" = ok ]"
# kill -9 cannot be held off: the store (one SQLite transaction a run) must
# still hold whole runs only, and the next run clears the dead one's files
for d in 0.3 0.6 0.7 0.75 0.8 0.85 0.9; do
    "$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1 &
    pid=$!
    sleep "$d"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
"$PLANNER" run "$W" -o "$FT/plan" --db "$FT/runs.sqlite" >/dev/null 2>&1
check "13.2 kill -9 at 7 moments, then a run: the folder whole, no temporary file of the killed runs" whole
check "13.3 the store after kill -9: integrity ok, every recorded run whole (10 routes, 21 vertiports each)" python3 - "$FT/runs.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
runs = [r[0] for r in db.execute('SELECT run_id FROM runs')]
assert len(runs) >= 2, runs
for r in runs:
    n_r = db.execute('SELECT count(*) FROM run_routes WHERE run_id = ?', (r,)).fetchone()[0]
    n_v = db.execute('SELECT count(*) FROM run_vertiports WHERE run_id = ?', (r,)).fetchone()[0]
    assert (n_r, n_v) == (10, 21), (r, n_r, n_v)
PY
n0=$(sqlite3 "$FT/runs.sqlite" 'SELECT count(*) FROM runs')
"$PLANNER" run "$W" -o "$FT/c1" --db "$FT/runs.sqlite" >/dev/null 2>"$FT/c1.err" &
p1=$!
"$PLANNER" run "$W" -o "$FT/c2" --db "$FT/runs.sqlite" >/dev/null 2>"$FT/c2.err" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
n1=$(sqlite3 "$FT/runs.sqlite" 'SELECT count(*) FROM runs')
check "13.4 two runs at once on one store: both end as one alone does, both recorded, the same plan" \
    sh -c "[ $r1 -eq $rc0 ] && [ $r2 -eq $rc0 ] && [ $n1 -eq \$(($n0 + 2)) ] && cmp -s '$FT/c1/routes.geojson' '$FT/c2/routes.geojson'"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/13-faults.sh)"
echo "1..$n"
