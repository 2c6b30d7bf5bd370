#!/bin/sh
# tests/e2e/21-zone-codes.sh - end-to-end tests, section 21: the ED-269 /
# ED-318 restriction codes speak the regulation's verdicts (issue 23).
# Answers by hand, from the table at the top of planner/input/ed269.c and the
# built-in rules (planner/input/scenario_rules.c; ../shared/RULES.md: Art. 19
# makes airports, water sources and the other listed sites controlled
# airspace, an approval 需报批; forbidden 禁飞 is for prohibited areas,
# military perimeters and temporary control; red lines an advisory 提示).
#
#   ed269_codes.json: one 60 m circle (0-300 m AGL) a code, every 250 m on
#   route THROUGH (120 m, band +-20, w 50), so each zone is one conflict of
#   THROUGH whose severity is the zone's verdict:
#     P_SENS  PROHIBITED SENSITIVE               no_fly         forbidden
#     P_AIR   PROHIBITED AIR_TRAFFIC             no_fly         forbidden (an airport's prohibited zone stays forbidden)
#     P_EMER  PROHIBITED EMERGENCY               temporary      forbidden
#     P_MIL   PROHIBITED, "military airfield"    military       forbidden
#     R_AIR   REQ_AUTHORISATION AIR_TRAFFIC      airport        approval
#     R_NAT   REQ_AUTHORISATION NATURE           water_source   approval
#     R_SENS  REQ_AUTHORISATION SENSITIVE        infrastructure approval
#     R_POP   REQ_AUTHORISATION POPULATION       infrastructure approval
#     R_Z     REQ_AUTHORIZATION (ED-318's z)     airport        approval
#     C_NAT   CONDITIONAL NATURE                 eco_redline    advisory
#     C_AIR   CONDITIONAL AIR_TRAFFIC, NATURE    airport        approval
#     C_NOIS  CONDITIONAL NOISE                  infrastructure approval
#     N_OTH   NO_RESTRICTION                     left out (information only)
#     X_NEW   a code no standard has             restricted     forbidden (the safe side)
#     X_NONE  no restriction at all              restricted     forbidden (the safe side)
#   ed318_codes.json, ED-318's `type`: E_AIR REQ_AUTHORIZATION AIR_TRAFFIC
#   airport approval; E_SENS REQ_AUTHORIZATION SENSITIVE infrastructure
#   approval; E_USP USPACE infrastructure approval; E_PROH PROHIBITED no_fly
#   forbidden; E_NAT CONDITIONAL NATURE eco_redline advisory.
#   classes_4549.geojson: one 100 m square of every zone class on THROUGH,
#   exported (ED-269, ED-318) and read back: the same class and verdict.
set -u
. "$(dirname "$0")/setup"
PLANNED=7   # the tests this file runs, declared: one that vanishes is a failure

ZC=$RESULT/codes
mkdir -p "$ZC"
cp "$DATA/ed269_codes.json" "$DATA/ed318_codes.json" "$DATA/classes_4549.geojson" "$DATA/routes_4549.geojson" "$ZC/"
# scen NAME ZONES: a scenario of ZONES and the square's routes (light aircraft)
scen() {
    printf 'name: %s\ncrs: EPSG:4549\nroute_defaults: {aircraft_class: light}\nlayers:\n  - {id: zones, role: zones, path: %s}\n  - {id: routes, role: routes, path: routes_4549.geojson}\n' "$1" "$2" >"$ZC/$1.yaml"
    "$PLANNER" check "$ZC/$1.yaml" -o "$ZC/$1" >"$ZC/$1.out" 2>"$ZC/$1.err"
}
# verdicts NAME: "ID:class:verdict" of every zone, the verdict THROUGH's conflict with it
verdicts() {
    python3 - "$ZC/$1/zones.geojson" "$ZC/$1/conflicts.geojson" <<'PY'
import json, sys
z = json.load(open(sys.argv[1]))['features']
c = {f['properties']['zone_id']: f['properties']['severity'] for f in json.load(open(sys.argv[2]))['features']
     if f['properties']['route_id'] == 'THROUGH'}
print(' '.join('%s:%s:%s' % (f['id'], f['properties']['class'], c.get(f['id'], 'none')) for f in z))
PY
}

scen c269 ed269_codes.json
check "21.1 ED-269 codes by hand: PROHIBITED forbidden (no_fly, temporary, military; AIR_TRAFFIC too), REQ_AUTHORISATION/REQ_AUTHORIZATION approval (airport, water_source, infrastructure), CONDITIONAL NATURE advisory, other conditions approval, unknown or no code forbidden" \
    [ "$(verdicts c269)" = "P_SENS:no_fly:forbidden P_AIR:no_fly:forbidden P_EMER:temporary:forbidden P_MIL:military:forbidden R_AIR:airport:approval R_NAT:water_source:approval R_SENS:infrastructure:approval R_POP:infrastructure:approval R_Z:airport:approval C_NAT:eco_redline:advisory C_AIR:airport:approval C_NOIS:infrastructure:approval X_NEW:restricted:forbidden X_NONE:restricted:forbidden" ]
check "21.2 ED-269 NO_RESTRICTION left out, and said so" grep -q "1 NO_RESTRICTION zone left out (information only)" "$ZC/c269.err"
scen c318 ed318_codes.json
check "21.3 ED-318 type codes by hand: REQ_AUTHORIZATION airport / infrastructure approval, USPACE approval, PROHIBITED forbidden, CONDITIONAL NATURE advisory" \
    [ "$(verdicts c318)" = "E_AIR:airport:approval E_SENS:infrastructure:approval E_USP:infrastructure:approval E_PROH:no_fly:forbidden E_NAT:eco_redline:advisory" ]

# every class exported and read back
scen classes classes_4549.geojson
"$PLANNER" zones "$ZC/classes.yaml" --format ed269 -o "$ZC/rt269.json" 2>/dev/null
"$PLANNER" zones "$ZC/classes.yaml" --format ed318 -o "$ZC/rt318.json" 2>/dev/null
scen rt269 rt269.json
scen rt318 rt318.json
HAND="K00:no_fly:forbidden K01:airport:approval K02:military:forbidden K03:restricted:forbidden K04:detention:approval K05:eco_redline:advisory K06:eco_control:advisory K07:water_source:approval K08:cultural:approval K09:infrastructure:approval K10:temporary:forbidden"
check "21.4 every class's verdict by hand: no_fly, military, restricted, temporary forbidden; airport, detention, water_source, cultural, infrastructure approval; eco_redline, eco_control advisory" \
    [ "$(verdicts classes)" = "$HAND" ]
check "21.5 round trip ED-269 and ED-318: export then import gives every class and verdict back" \
    [ "$(verdicts rt269) / $(verdicts rt318)" = "$HAND / $HAND" ]
check "21.6 export spells the approval ED-269's way (REQ_AUTHORISATION) and ED-318's (REQ_AUTHORIZATION), forbidden PROHIBITED, advisory NO_RESTRICTION" python3 - "$ZC/rt269.json" "$ZC/rt318.json" <<'PY'
import json, sys
e269 = {f['identifier']: f['restriction'] for f in json.load(open(sys.argv[1]))['features']}
e318 = {f['properties']['identifier']: f['properties']['type'] for f in json.load(open(sys.argv[2]))['features']}
want = {'K00': 'PROHIBITED', 'K01': 'REQ_AUTHORISATION', 'K02': 'PROHIBITED', 'K03': 'PROHIBITED',
        'K04': 'REQ_AUTHORISATION', 'K05': 'NO_RESTRICTION', 'K06': 'NO_RESTRICTION',
        'K07': 'REQ_AUTHORISATION', 'K08': 'REQ_AUTHORISATION', 'K09': 'REQ_AUTHORISATION', 'K10': 'PROHIBITED'}
assert e269 == want, e269
assert e318 == {k: v.replace('REQ_AUTHORISATION', 'REQ_AUTHORIZATION') for k, v in want.items()}, e318
PY
# the same files as another program writes them: no class of ours, codes only
python3 - "$ZC/rt269.json" "$ZC/rt318.json" "$ZC/bare269.json" "$ZC/bare318.json" <<'PY'
import json, sys
for src, dst in ((sys.argv[1], sys.argv[3]), (sys.argv[2], sys.argv[4])):
    d = json.load(open(src))
    for f in d['features']:
        p = f.get('properties', f)
        p.pop('otherReasonInfo', None)
        p.pop('extendedProperties', None)
    json.dump(d, open(dst, 'w'))
PY
scen bare269 bare269.json
scen bare318 bare318.json
BARE="K00:no_fly:forbidden K01:airport:approval K02:no_fly:forbidden K03:no_fly:forbidden K04:infrastructure:approval K07:water_source:approval K08:infrastructure:approval K09:infrastructure:approval K10:temporary:forbidden"
check "21.7 codes alone (another program's file): every forbidden class forbidden, every approval class approval; the advisories (NO_RESTRICTION) left out as information" \
    [ "$(verdicts bare269) / $(verdicts bare318)" = "$BARE / $BARE" ]

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/21-zone-codes.sh)"
echo "1..$n"
