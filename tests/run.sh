#!/bin/sh
# tests/run.sh PLANNER UNIT_RUNNER - run the unit tests (cmocka) and the
# end-to-end tests, then print one closing line: "N passed, N failed".
# Exit 0 only when nothing failed.
set -u
planner=$1
unit=$2
top=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0

echo "== unit tests ($unit)"
uout=$("$unit" 2>&1)
ustatus=$?
printf '%s\n' "$uout"
up=$(printf '%s\n' "$uout" | sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
uf=$(printf '%s\n' "$uout" | sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
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
ep=$(printf '%s\n' "$eout" | grep -c '^ok ')
ef=$(printf '%s\n' "$eout" | grep -c '^not ok ')
if [ "$estatus" -ne 0 ] && [ "$ef" -eq 0 ]; then
    echo "not ok - e2e driver exited $estatus"
    ef=1
fi
pass=$((pass + ep))
fail=$((fail + ef))

echo "== bad-input corpus (tests/bad)"
bout=$(sh "$top/tests/bad/run.sh" "$planner" 2>&1)
printf '%s\n' "$bout"
bp=$(printf '%s\n' "$bout" | grep -c '^ok ')
bf=$(printf '%s\n' "$bout" | grep -c '^not ok ')
[ "$bp" -gt 0 ] || bf=$((bf + 1))   # an empty corpus is a failure, not a pass
pass=$((pass + bp))
fail=$((fail + bf))

echo "== pinned answers (tests/expected)"
pout=$(sh "$top/tests/pinned.sh" "$planner" 2>&1)
printf '%s\n' "$pout"
pp=$(printf '%s\n' "$pout" | grep -c '^ok ')
pf=$(printf '%s\n' "$pout" | grep -c '^not ok ')
[ "$pp" -gt 0 ] || pf=$((pf + 1))   # no scenario pinned is a failure
pass=$((pass + pp))
fail=$((fail + pf))

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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
