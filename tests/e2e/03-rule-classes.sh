#!/bin/sh
# tests/e2e/03-rule-classes.sh - end-to-end tests, section 3:
#   rule classes: warning (eco_control) and min_overflight_m (eco_redline)
# Prints TAP lines; tests/e2e/run.sh runs it with the others (or alone:
# PLANNER=bin/planner sh tests/e2e/03-rule-classes.sh).
set -u
. "$(dirname "$0")/setup"
PLANNED=5   # the tests this file runs, declared: one that vanishes is a failure

# ---- 3. rule classes ------------------------------------------------------
"$PLANNER" check "$DATA/eco.yaml" -o "$RESULT/eco" >/dev/null 2>&1
rc=$?
R3=$RESULT/eco/routes.geojson
C3=$RESULT/eco/conflicts.geojson
check "3.1 eco: exit 1 (LOW is forbidden below the overflight height)" [ $rc -eq 1 ]
check "3.2 WARN through eco_control (rule warning = advisory): verdict advisory, severity advisory" \
    sh -c "[ '$(route $R3 WARN verdict)' = advisory ] && [ '$(conf $C3 WARN ECO_C severity)' = advisory ]"
check "3.3 HIGH at 200 m (band 180-220) over a 150 m minimum overflight: free" [ "$(route $R3 HIGH verdict)" = free ]
check "3.4 LOW at 160 m (band 140-180): forbidden (below a minimum overflight, no below: given), overlap 140-150 m" \
    sh -c "[ '$(route $R3 LOW verdict)' = forbidden ] && [ '$(conf $C3 LOW ECO_R alt_overlap_lo_m)' = 140 ] && [ '$(conf $C3 LOW ECO_R alt_overlap_hi_m)' = 150 ]"
"$PLANNER" check "$DATA/warn.yaml" >/dev/null 2>&1
check "3.5 advisories only: check exits 0" [ $? -eq 0 ]

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/03-rule-classes.sh)"
echo "1..$n"
