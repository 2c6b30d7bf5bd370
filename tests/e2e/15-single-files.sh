#!/bin/sh
# tests/e2e/15-single-files.sh - end-to-end tests, section 15:
#   single-file outputs killed at any moment: the old bytes or the new
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/15-single-files.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=16   # the tests this file runs, declared: one that vanishes is a failure

# ---- 15. single files written whole: killed at any moment ------------------
#   validate --geojson, reroute --geojson, site --lp and zones -o replace an
#   existing file through a temporary one: killed (SIGKILL) at 5 moments of
#   a run, and killed while paused with the new bytes written but not
#   renamed (PLANNER_FAULT_PAUSE=file), the file holds exactly its old
#   bytes or exactly the new ones (those of an undisturbed run: runs are
#   deterministic); SIGTERM there waits for the rename; the next run
#   leaves no temporary file, the killed runs' included.
SF=$RESULT/files
mkdir -p "$SF"
for c in validate reroute lp zones; do
    case $c in # the command, its file option last
    validate) set -- validate "$DATA/validate.yaml" "$DATA/proposals.geojson" --geojson ;;
    reroute) set -- reroute "$DATA/square.yaml" THROUGH --geojson ;;
    lp) set -- site "$DATA/siting.yaml" --lp ;;
    zones) set -- zones "$DATA/square.yaml" --format ed318 -o ;;
    esac
    O=$SF/$c.out
    "$PLANNER" "$@" "$SF/$c.new" >/dev/null 2>&1
    printf 'the old %s file\n' $c >"$SF/$c.old"
    bad=""
    for d in 0.03 0.06 0.09 0.12 0.15; do
        cp "$SF/$c.old" "$O"
        "$PLANNER" "$@" "$O" >/dev/null 2>&1 &
        pid=$!
        sleep $d
        kill -9 $pid 2>/dev/null
        wait $pid 2>/dev/null
        cmp -s "$O" "$SF/$c.old" || cmp -s "$O" "$SF/$c.new" || bad="$bad at ${d}s: $(wc -c <"$O") bytes;"
    done
    check "15.$c.1 kill -9 at 5 moments: the file is its old bytes or the new, never a part" \
        sh -c "[ -s '$SF/$c.new' ] && [ -z '$bad' ]"
    cp "$SF/$c.old" "$O"
    PLANNER_FAULT_PAUSE=file:3000 "$PLANNER" "$@" "$O" >/dev/null 2>&1 &
    pid=$!
    waittmp "$SF" "^\.$c\.out\.tmp$pid\."
    # the temporary file is there from its first byte: wait until it holds
    # the whole new file (the run is then in its pause), then kill
    i=0
    while [ $i -lt 25 ] && ! cmp -s "$SF/.$c.out.tmp$pid.0" "$SF/$c.new"; do sleep 0.1; i=$((i + 1)); done
    kill -9 $pid
    wait $pid 2>/dev/null
    check "15.$c.2 kill -9 with the new bytes written, not renamed: the old bytes, the temporary file left" \
        sh -c "cmp -s '$O' '$SF/$c.old' && cmp -s '$SF/'.$c.out.tmp$pid.0 '$SF/$c.new'"
    PLANNER_FAULT_PAUSE=file:500 "$PLANNER" "$@" "$O" >/dev/null 2>&1 &
    pid=$!
    waittmp "$SF" "^\.$c\.out\.tmp$pid\."
    kill -s TERM $pid
    wait $pid 2>/dev/null
    rc=$?
    check "15.$c.3 SIGTERM there: held until the rename, the new bytes, the run ends by the signal" \
        sh -c "[ $rc -gt 128 ] && cmp -s '$O' '$SF/$c.new'"
    cp "$SF/$c.old" "$O"
    "$PLANNER" "$@" "$O" >/dev/null 2>&1
    check "15.$c.4 the next run: the new bytes, no temporary file left (the killed runs' removed)" \
        sh -c "cmp -s '$O' '$SF/$c.new' && [ -z \"\$(ls -A '$SF' | grep '\.tmp')\" ]"
done
set --

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/15-single-files.sh)"
echo "1..$n"
