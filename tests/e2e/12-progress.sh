#!/bin/sh
# tests/e2e/12-progress.sh - end-to-end tests, section 12:
#   progress lines on a terminal, and none elsewhere
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/12-progress.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=3   # the tests this file runs, declared: one that vanishes is a failure

# ---- 12. progress on a terminal ---------------------------------------------
"$PLANNER" run "$DATA/siting.yaml" -o "$RESULT/prog_file" --no-db >/dev/null 2>"$RESULT/prog_file.err"
check "12.1 stderr not a terminal: no progress lines" sh -c "! grep -q 'loading layer' '$RESULT/prog_file.err' && ! tr -d '\\n' <'$RESULT/prog_file.err' | grep -q \"\$(printf '\\r')\""
if command -v script >/dev/null 2>&1; then
    script -qc "'$PLANNER' run '$DATA/siting.yaml' -o '$RESULT/prog_tty' --no-db" /dev/null >"$RESULT/prog_tty.out" 2>&1
    check "12.2 on a terminal: one rewritten progress line per step, cleared at the end" sh -c "
        tr '\\r' '\\n' <'$RESULT/prog_tty.out' | grep -q 'planner: loading layer candidates (5 of 7)' &&
        tr '\\r' '\\n' <'$RESULT/prog_tty.out' | grep -q 'planner: siting vertiports' &&
        tr '\\r' '\\n' <'$RESULT/prog_tty.out' | grep -q 'planner: writing plan.gpkg'"
    PLANNER_PROGRESS=0 script -qc "'$PLANNER' run '$DATA/siting.yaml' -o '$RESULT/prog_off' --no-db" /dev/null >"$RESULT/prog_off.out" 2>&1
    check "12.3 PLANNER_PROGRESS=0 turns it off" sh -c "! grep -q 'loading layer' '$RESULT/prog_off.out'"
else
    skip "12.2 on a terminal: one rewritten progress line per step" "script (bsdutils) is not installed"
    skip "12.3 PLANNER_PROGRESS=0 turns it off" "script (bsdutils) is not installed"
fi

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/12-progress.sh)"
echo "1..$n"
