#!/bin/sh
# tests/e2e/06-command-line.sh - end-to-end tests, section 6:
#   command line: --help on each command, an unknown command, --json
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/06-command-line.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=6   # the tests this file runs, declared: one that vanishes is a failure

# ---- 6. command line ----------------------------------------------------------
for c in run check layers; do
    check "6.$c --help prints usage and exits 0" sh -c "'$PLANNER' $c --help | grep -q 'usage: planner $c'"
done
check "6.help: planner --help lists the commands" sh -c "'$PLANNER' --help | grep -q 'planner check SCENARIO'"
"$PLANNER" frobnicate >/dev/null 2>&1
check "6.unknown command exits 2" [ $? -eq 2 ]
"$PLANNER" check "$DATA/square.yaml" --json >"$RESULT/square.json" 2>/dev/null
check "6.--json is valid JSON with the conflict" sh -c "[ '$(jget "$RESULT/square.json" "d['conflicts'][0]['zone_id']")' = SQ ]"

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/06-command-line.sh)"
echo "1..$n"
