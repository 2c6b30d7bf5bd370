#!/bin/sh
# tests/e2e/22-lang.sh - end-to-end tests, section 22: Chinese first (issue
# 23, part 7).  report.html, plan.svg and the text summary read Chinese first
# with English beside by default, English alone with --lang en; JSON and the
# data files are the same either way; no site is named "site N".
#
# Test plan, answers by hand:
#   19.1-19.5  report.html of tests/e2e/data/regulation.yaml (no siting: no
#              vertiports or siting section), default and --lang en: the
#              headings 地图 Map, 航线 Routes, 需报批 Approvals to apply for,
#              冲突 Conflicts, 数据来源 Data provenance; every table header
#              "中文 English"; the verdicts of 18-regulation.sh by hand (FORB
#              禁飞 forbidden; APP, MEDIUM, LARGE, UNSTATED 需报批 approval; ADV
#              提示 advisory; FREE, MICRO, SMALL 适飞 free: 3 / 1 / 4 / 1);
#              with --lang en the fixture's names are all ASCII, so any CJK
#              character in report.html or plan.svg would be a label
#   19.6       the siting fixture (vertiports, siting, the KPIs): the same
#   19.7-19.8  the text summary of check: "航线 Routes: 9 (9 planned, 0
#              existing): 3 适飞 free, ..." and FORB's line; --lang en: no CJK
#   19.9       the data files and JSON do not depend on --lang
#   19.10      --lang fr: exit 2, the message names zh and en
#   19.11-19.13 Wuzhong: no candidate or vertiport named "site N"; every pier
#              named after its town first ("光福镇 湖岸点 1 (Guangfu lakeshore
#              1)"); C-pier-146 at 120.2909,31.0682 on 西山岛: 石公山景区
#              (120.2898,31.0652) is 0.35 km away (dx 0.0011° x 95.4 km, dy
#              0.0030° x 111.2 km), within 2 km, so in the name, after 金庭镇
#              (centre 120.29,31.11: 4.65 km); C-pier-082 at 120.3296,31.0526
#              on 东山镇's shore: 金庭镇's centre is nearer (7.4 km: dx 3.78,
#              dy 6.38) than 东山镇's (120.404,31.077: 7.6 km: dx 7.10, dy
#              2.71) but across the water on 西山岛, so it is 东山镇's
set -u
. "$(dirname "$0")/setup"
PLANNED=13   # the tests this file runs, declared: one that vanishes is a failure

LG=$RESULT/lang
mkdir -p "$LG"
export PLANNER_PROGRESS=0
REG=$DATA/regulation.yaml
"$PLANNER" check "$REG" -o "$LG/zh" >"$LG/zh.out" 2>&1
"$PLANNER" check "$REG" -o "$LG/en" --lang en >"$LG/en.out" 2>&1
"$PLANNER" run "$DATA/siting.yaml" -o "$LG/site_zh" --no-db >/dev/null 2>&1
"$PLANNER" run "$DATA/siting.yaml" -o "$LG/site_en" --no-db --lang en >/dev/null 2>&1

# html FILE PYTHON: run PYTHON over the report (map left out): doc, h2
# (headings), th (table headers), tags (verdict and status tags), kpi (the
# KPI labels), lang (<html lang>), each text unescaped
html() {
    python3 - "$1" <<PY
import html as H, re, sys
doc = open(sys.argv[1], encoding='utf-8').read()
body = re.sub(r'<svg.*?</svg>', '', doc, flags=re.S)
txt = lambda pat: [H.unescape(x) for x in re.findall(pat, body, flags=re.S)]
h2, th, tags = txt(r'<h2>(.*?)</h2>'), txt(r'<th>(.*?)</th>'), txt(r'<span class="tag [^"]*">(.*?)</span>')
kpi = txt(r'<div><b>[^<]*</b>([^<]*)</div>')
lang = re.search(r'<html lang="([^"]*)">', doc).group(1)
$2
PY
}

check "22.1 report.html by default: lang zh-CN, the headings Chinese first with English beside" html "$LG/zh/report.html" '
assert lang == "zh-CN", lang
assert h2 == ["地图 Map", "航线 Routes", "路网 Network", "需报批 Approvals to apply for", "冲突 Conflicts", "数据来源 Data provenance"], h2'
check "22.2 report.html by default: every table header is \"中文 English\" (编号 id, 结论 verdict, ...)" html "$LG/zh/report.html" '
assert th and all(re.match(r"[\u4e00-\u9fff].* [A-Za-z°]", t) for t in th), [t for t in th if not re.match(r"[\u4e00-\u9fff].* [A-Za-z°]", t)]
assert "编号 id" in th and "结论 verdict" in th and "等级 severity" in th and "图层 layer" in th, th'
check "22.3 report.html by default: verdicts by hand, 禁飞 forbidden / 需报批 approval / 提示 advisory / 适飞 free; KPI 3 / 1 / 4 / 1" html "$LG/zh/report.html" '
routes = tags[:9]   # the routes table first (no vertiports), in the file order
assert routes == ["禁飞 forbidden", "需报批 approval", "提示 advisory", "适飞 free", "适飞 free", "适飞 free",
                  "需报批 approval", "需报批 approval", "需报批 approval"], routes
assert "航线 适飞 / 提示 / 需报批 / 禁飞 routes free / advisory / approval / forbidden" in kpi, kpi
assert "<b>3 / 1 / 4 / 1</b>航线" in doc
assert "<p class=note>按给定值、以平面基准计" in doc and "as given, above a flat datum" in doc
assert "图例 Legend" in doc'
check "22.4 --lang en: lang en, the same headings and verdicts in English alone" html "$LG/en/report.html" '
assert lang == "en", lang
assert h2 == ["Map", "Routes", "Network", "Approvals to apply for", "Conflicts", "Data provenance"], h2
assert tags[:9] == ["forbidden", "approval", "advisory", "free", "free", "free", "approval", "approval", "approval"], tags
assert "id" in th and "verdict" in th and "routes free / advisory / approval / forbidden" in kpi'
check "22.5 --lang en: no CJK character in report.html or plan.svg but the rules' legal basis, quoted as the rule states it (the fixture's names are ASCII)" python3 - "$LG/en" <<'PY'
import re, sys
cjk = re.compile('[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]')
for f in ('report.html', 'plan.svg'):
    s = open(sys.argv[1] + '/' + f, encoding='utf-8').read()
    s = re.sub('Basis: [^<]*', '', s)  # data: the rule's basis keeps the regulation's own terms
    m = cjk.search(s)
    assert not m, (f, s[max(0, m.start() - 80):m.end() + 40])
PY
check "22.6 siting fixture: 起降点 Vertiports and 选址 Siting by default, status 已建 existing; --lang en: no CJK in report.html" sh -c "
    python3 - '$LG/site_zh/report.html' '$LG/site_en/report.html' <<'PY'
import re, sys
zh, en = (open(f, encoding='utf-8').read() for f in sys.argv[1:])
assert '<h2>起降点 Vertiports</h2>' in zh and '<h2>选址 Siting</h2>' in zh, 'headings'
assert '<span class=\"tag existing\">已建 existing</span>' in zh and '<th>可行' not in zh
assert '<h2>Vertiports</h2>' in en and '<h2>Siting</h2>' in en and '<span class=\"tag existing\">existing</span>' in en
m = re.search('[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]', en)
assert not m, en[max(0, m.start() - 80):m.end() + 40]
PY"
check "22.7 text by default: 航线 Routes: 9 (9 planned, 0 existing): 3 适飞 free, 1 提示 advisory, 4 需报批 approval, 1 禁飞 forbidden; FORB 禁飞 forbidden" sh -c "
    grep -qxF '航线 Routes: 9 (9 planned, 0 existing): 3 适飞 free, 1 提示 advisory, 4 需报批 approval, 1 禁飞 forbidden' '$LG/zh.out' &&
    grep -qF 'FORB (unspecified, light aircraft), 2.200 km: 禁飞 forbidden (1 禁飞 forbidden, 0 需报批 approval, 0 提示 advisory)' '$LG/zh.out' &&
    grep -q '^情景 Scenario regulation, 工作坐标系 working CRS EPSG:4549' '$LG/zh.out'"
check "22.8 text with --lang en: Routes: 9 (...): 3 free, 1 advisory, 4 approval, 1 forbidden, and no CJK at all" sh -c "
    grep -qxF 'Routes: 9 (9 planned, 0 existing): 3 free, 1 advisory, 4 approval, 1 forbidden' '$LG/en.out' &&
    python3 -c \"import re,sys; s=open(sys.argv[1],encoding='utf-8').read(); sys.exit(1 if re.search('[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]', s) else 0)\" '$LG/en.out'"
"$PLANNER" check "$REG" --json >"$LG/zh.json" 2>/dev/null
"$PLANNER" check "$REG" --json --lang en >"$LG/en.json" 2>/dev/null
check "22.9 --lang changes no data: check --json, the GeoJSON layers the same bytes, summary.json the same but its wall time" sh -c "
    cmp -s '$LG/zh.json' '$LG/en.json' && for f in routes conflicts zones; do cmp -s '$LG/zh/'\$f.geojson '$LG/en/'\$f.geojson || exit 1; done &&
    for f in vertiports candidates coverage; do cmp -s '$LG/site_zh/'\$f.geojson '$LG/site_en/'\$f.geojson || exit 1; done &&
    python3 -c \"import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); [s['siting'].pop('time_ms') for s in (a,b)]; sys.exit(a!=b)\" '$LG/site_zh/summary.json' '$LG/site_en/summary.json'"
"$PLANNER" run "$REG" --lang fr >/dev/null 2>"$LG/fr.err"
check "22.10 --lang fr: exit 2, the message names zh and en" sh -c "[ $? -eq 2 ] && grep -q -- '--lang takes zh .* or en' '$LG/fr.err'"

"$PLANNER" run "$W" -o "$LG/wz" --no-db >/dev/null 2>&1
check "22.11 Wuzhong: no candidate or vertiport named \"site N\" (vertiports.geojson, candidates.geojson, geodata/candidates.geojson)" python3 - "$LG/wz" "$TOP/geodata/candidates.geojson" <<'PY'
import json, re, sys
names = []
for f in (sys.argv[1] + '/vertiports.geojson', sys.argv[1] + '/candidates.geojson', sys.argv[2]):
    names += [(f, x['properties'].get('name') or '') for x in json.load(open(f, encoding='utf-8'))['features']]
bad = [n for n in names if re.search(r'site [0-9]+', n[1], re.I)]
assert len(names) > 193 and not bad, bad[:5]
PY
check "22.12 every pier named after its town first, unique, Chinese and English numbers the same: \"光福镇 湖岸点 1 (Guangfu lakeshore 1)\"" python3 - "$TOP/geodata/candidates.geojson" <<'PY'
import json, re, sys
towns = {'长桥街道': 'Changqiao', '越溪街道': 'Yuexi', '郭巷街道': 'Guoxiang', '横泾街道': 'Hengjing', '香山街道': 'Xiangshan',
         '城南街道': 'Chengnan', '太湖街道': 'Taihu', '甪直镇': 'Luzhi', '木渎镇': 'Mudu', '胥口镇': 'Xukou', '东山镇': 'Dongshan',
         '光福镇': 'Guangfu', '金庭镇': 'Jinting', '临湖镇': 'Linhu'}
feats = json.load(open(sys.argv[1], encoding='utf-8'))['features']
piers = [f['properties'] for f in feats if f['properties']['kind'] == 'pier']
assert len(piers) == 149, len(piers)
for p in piers:
    m = re.fullmatch(r'(\S+) (?:(\S+) )?湖岸点 ([0-9]+) \((\w+) lakeshore ([0-9]+)\)', p['name'])
    assert m and towns.get(m.group(1)) == m.group(4) and m.group(3) == m.group(5), p['name']
    assert 'named after the nearest town or street' in p['basis'] and 'km away' in p['basis'], p
assert len({p['name'] for p in piers}) == 149
assert [p['name'] for p in piers if p['id'] == 'C-pier-001'] == ['光福镇 湖岸点 1 (Guangfu lakeshore 1)']
PY
check "22.13 by hand: C-pier-146 is 金庭镇 石公山景区 (0.35 km, within 2 km); C-pier-082 is 东山镇's, not 金庭镇's across the water" python3 - "$TOP/geodata/candidates.geojson" <<'PY'
import json, re, sys
p = {f['properties']['id']: f['properties'] for f in json.load(open(sys.argv[1], encoding='utf-8'))['features']}
a, b = p['C-pier-146'], p['C-pier-082']
assert re.fullmatch(r'金庭镇 石公山景区 湖岸点 ([0-9]+) \(Jinting lakeshore \1\)', a['name']), a['name']
assert '石公山景区(金庭) (OpenStreetMap node/10032876505), 0.4 km away (in the name' in a['basis'], a['basis']
assert '金庭镇 (NBS 2023 code 320506109; its approximate centre 4.6 km away)' in a['basis'], a['basis']
assert re.fullmatch(r'东山镇 湖岸点 ([0-9]+) \(Dongshan lakeshore \1\)', b['name']), b['name']
assert '东山镇 (NBS 2023 code 320506107; its approximate centre 7.6 km away)' in b['basis'], b['basis']
PY

[ "$n" -eq "$PLANNED" ] || notok "the plan: $n tests ran, $PLANNED declared (PLANNED at the top of tests/e2e/22-lang.sh)"
echo "1..$n"
