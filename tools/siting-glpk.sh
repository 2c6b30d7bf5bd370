#!/bin/sh
# tools/siting-glpk.sh SCENARIO [PLANNER]
#
# Confirm the planner's siting optimum with an independent solver: write the
# scenario's maximal covering instance as a CPLEX LP file (planner site --lp),
# solve it with GLPK's glpsol (Debian package glpk-utils), and print both
# answers. Built sites' demand is a constant outside the LP; it is added back.
# Exit 0 when glpsol's optimum lies between the planner's value and its bound.
set -eu
scenario=$1
planner=${2:-$(dirname "$0")/../bin/planner}
command -v glpsol >/dev/null 2>&1 || { echo "siting-glpk: glpsol not found (apt-get install glpk-utils)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$planner" site "$scenario" --lp "$tmp/siting.lp" --json >"$tmp/site.json" || [ $? -eq 1 ]
glpsol --lp "$tmp/siting.lp" -o "$tmp/solution.txt" >"$tmp/glpsol.log" 2>&1 ||
    { echo "siting-glpk: glpsol failed:" >&2; cat "$tmp/glpsol.log" >&2; exit 2; }
constant=$(sed -n 's/^\\ Demand already covered by built sites is left out: its weight is \([0-9.]*\),.*/\1/p' "$tmp/siting.lp")
status=$(sed -n 's/^Status: *//p' "$tmp/solution.txt")
lp=$(sed -n 's/^Objective: *obj = \([-0-9.e+]*\).*/\1/p' "$tmp/solution.txt")
set -- $(python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['siting']; print(s['objective_value'], s['upper_bound'])" "$tmp/site.json")
python3 - "$lp" "$constant" "$1" "$2" "$status" <<'PY'
import sys
lp, const, value, bound, status = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
opt = lp + const
print("glpsol:  %s, optimum %.3f (LP %.3f + built sites' %.3f)" % (status, opt, lp, const))
print("planner: value %.3f, upper bound %.3f" % (value, bound))
ok = value <= opt + 1e-6 and opt <= bound + 1e-6
print("agree: the optimum lies between the planner's value and its bound" if ok else "DISAGREE")
sys.exit(0 if ok else 1)
PY
