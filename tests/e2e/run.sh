#!/bin/sh
# tests/e2e/run.sh [NN...] - the end-to-end tests: bin/planner (or $PLANNER)
# on small scenarios whose answers are computed by hand, on the Wuzhong
# scenario, on faults and hostile inputs.  The invalid inputs that must give
# exit 2 are the bad-input corpus (tests/bad).
#
# Runs each tests/e2e/NN-topic.sh in order (only those numbered NN, when
# given), one topic a file, each sourcing tests/e2e/setup and writing under
# tests/e2e/result/NN-topic; every file stands alone (PLANNER=bin/planner sh
# tests/e2e/NN-topic.sh).  Each declares PLANNED, the tests it runs, and
# fails when a different number ran; tests/run.sh checks the sum of them.
#
# Prints the files' TAP lines numbered on across files, then "1..N".  A file
# that stops early (no plan line, or a non-zero exit) is one more "not ok",
# and the exit status is 1.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 0 ] && rm -rf "$here/result"
n=0
status=0
for f in "$here"/[0-9][0-9]-*.sh; do
    name=$(basename "$f")
    if [ $# -gt 0 ]; then
        pick=
        for want in "$@"; do case $name in "$want"-*) pick=1 ;; esac; done
        [ -n "$pick" ] || continue
    fi
    echo "# $name"
    out=$(sh "$f" 2>&1)
    rc=$?
    printf '%s\n' "$out" | awk -v n="$n" '
        /^ok [0-9]+( |$)/     { sub(/^ok [0-9]+/, "ok " ++n) }
        /^not ok [0-9]+( |$)/ { sub(/^not ok [0-9]+/, "not ok " ++n) }
        /^1\.\.[0-9]+$/       { next }
        { print }'
    ran=$(printf '%s\n' "$out" | grep -c '^\(not \)\{0,1\}ok [0-9]')
    n=$((n + ran))
    if [ "$rc" -ne 0 ] || ! printf '%s\n' "$out" | grep -q '^1\.\.[0-9]*$'; then
        n=$((n + 1))
        echo "not ok $n - $name stopped early (exit $rc) after $ran tests"
        status=1
    fi
done
echo "1..$n"
exit $status
