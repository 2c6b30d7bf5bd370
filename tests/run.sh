#!/bin/sh
# tests/run.sh PLANNER UNIT_RUNNER - run the unit tests (cmocka), the
# end-to-end tests, the bad-input corpus and the pinned answers, then print
# one closing line: "N passed, N failed, N skipped".  Exit 0 only when
# nothing failed.
#
# Every suite's count is checked against what it declares: the unit tests
# against UNIT_PLANNED below, the end-to-end tests against the sum of PLANNED
# in each tests/e2e/NN-topic.sh, the corpus against its case folders, the
# pinned answers against the scenarios.  A suite that runs fewer tests, or
# exits non-zero with every test passed, is a failure.  A skipped test (a
# dependency not installed) counts as skipped, and as failed when CI is set:
# CI installs every dependency.
set -u
planner=$1
unit=$2
top=$(cd "$(dirname "$0")/.." && pwd)
UNIT_PLANNED=88   # the unit tests of every suite in tests/unit/run.c
pass=0
fail=0
skipped=0

# tally NAME STATUS PLANNED OUTPUT: add a TAP suite's lines to the totals
tally() {
    tp=$(printf '%s\n' "$4" | grep '^ok ' | grep -vc ' # SKIP')
    tf=$(printf '%s\n' "$4" | grep -c '^not ok ')
    ts=$(printf '%s\n' "$4" | grep '^ok ' | grep -c ' # SKIP')
    if [ $((tp + tf + ts)) -ne "$3" ]; then
        echo "not ok - $1: $((tp + tf + ts)) tests ran, $3 declared"
        tf=$((tf + 1))
    fi
    if [ "$2" -ne 0 ] && [ "$tf" -eq 0 ]; then
        echo "not ok - $1: the driver exited $2 with every test passed"
        tf=1
    fi
    if [ "$ts" -gt 0 ] && [ -n "${CI:-}" ]; then
        echo "not ok - $1: $ts skipped in CI, where every dependency is installed"
        tf=$((tf + ts))
    fi
    pass=$((pass + tp))
    fail=$((fail + tf))
    skipped=$((skipped + ts))
}

echo "== unit tests ($unit)"
uout=$("$unit" 2>&1)
ustatus=$?
printf '%s\n' "$uout"
up=$(printf '%s\n' "$uout" | sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
uf=$(printf '%s\n' "$uout" | sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
if [ $((up + uf)) -ne "$UNIT_PLANNED" ]; then
    echo "not ok - unit: $((up + uf)) tests ran, $UNIT_PLANNED declared (UNIT_PLANNED in tests/run.sh)"
    uf=$((uf + 1))
fi
if [ "$ustatus" -ne 0 ] && [ "$uf" -eq 0 ]; then
    echo "not ok - unit runner exited $ustatus (crash or sanitizer report)"
    uf=1
fi
pass=$((pass + up))
fail=$((fail + uf))

echo "== end-to-end tests ($planner)"
eout=$(PLANNER="$planner" sh "$top/tests/e2e/run.sh" 2>&1)
estatus=$?
printf '%s\n' "$eout"
tally e2e "$estatus" "$(cat "$top"/tests/e2e/[0-9][0-9]-*.sh | sed -n 's/^PLANNED=\([0-9][0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')" "$eout"

echo "== bad-input corpus (tests/bad)"
bout=$(sh "$top/tests/bad/run.sh" "$planner" 2>&1)
bstatus=$?
printf '%s\n' "$bout"
tally bad "$bstatus" "$(ls -d "$top"/tests/bad/cases/*/ | wc -l)" "$bout"

echo "== pinned answers (tests/expected)"
pout=$(sh "$top/tests/pinned.sh" "$planner" 2>&1)
pstatus=$?
printf '%s\n' "$pout"
tally pinned "$pstatus" "$(($(ls "$top"/scenarios/*.yaml | wc -l) + 1))" "$pout"   # and the proposals fixture

echo "== the layers of planner/ (tools/deps.py over the object files)"
dout=$(python3 "$top/tools/deps.py" "$(dirname "$unit")/.." 2>&1)
dstatus=$?
printf '%s\n' "$dout"
if [ "$dstatus" -eq 0 ]; then
    echo "ok - no circle of files, no call up a layer but those docs/ARCHITECTURE.md explains"
    pass=$((pass + 1))
else
    echo "not ok - the dependencies break the layers (above: the files and the symbols)"
    fail=$((fail + 1))
fi

# Under 'make check' every sanitizer report lands in SAN_LOG_DIR.
if [ -n "${SAN_LOG_DIR:-}" ]; then
    if [ -n "$(ls -A "$SAN_LOG_DIR" 2>/dev/null)" ]; then
        echo "not ok - sanitizer reports:"
        cat "$SAN_LOG_DIR"/* | head -50
        fail=$((fail + 1))
    else
        echo "ok - no sanitizer report"
        pass=$((pass + 1))
    fi
fi

echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
