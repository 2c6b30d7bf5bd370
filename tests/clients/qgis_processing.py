"""The QGIS Processing provider (tools/qgis/wuzhong_planner) headless:
registered as QGIS would, "Validate route proposals" on the proposals of the
end-to-end fixture (tests/e2e/data/validate.yaml, proposals.geojson: their
verdicts are the hand-computed ones of tests/e2e/09-proposals.sh), and "Run
scenario" on the same scenario with its layers styled from plan.gpkg.

Usage: python3 qgis_processing.py TOP PLANNER OUT_DIR
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
top, planner, out_dir = sys.argv[1:4]
os.environ["PLANNER"] = planner
sys.path[:0] = [os.path.join(top, "tools", "qgis"), "/usr/share/qgis/python/plugins"]

from qgis.core import QgsApplication, QgsVectorLayer, QgsSymbolLayer  # noqa: E402

app = QgsApplication([], False)
app.initQgis()
from processing.core.Processing import Processing  # noqa: E402
import processing  # noqa: E402

Processing.initialize()
import wuzhong_planner  # noqa: E402


def check(ok, what):
    print(("ok - " if ok else "not ok - ") + what)
    return ok


class Iface:  # the plugin wants an iface; headless there is none
    pass


plugin = wuzhong_planner.classFactory(Iface())
plugin.initProcessing()
reg = QgsApplication.processingRegistry()
check(reg.providerById("wuzhong") is not None and
      {a.id() for a in reg.providerById("wuzhong").algorithms()} ==
      {"wuzhong:runscenario", "wuzhong:validateproposals"},
      "processing: the plugin folder registers provider wuzhong with its 2 algorithms")

data = os.path.join(top, "tests", "e2e", "data")
props = QgsVectorLayer(os.path.join(data, "proposals.geojson"), "proposals", "ogr")  # EPSG:4549, Z
out = os.path.join(out_dir, "verdicts.gpkg")
res = processing.run("wuzhong:validateproposals", {
    "SCENARIO": os.path.join(data, "validate.yaml"), "INPUT": props, "INPUT_CRS": 0, "OUTPUT": out})
v = QgsVectorLayer(res["OUTPUT"], "verdicts", "ogr")
got = {f["id"]: f["verdict"] for f in v.getFeatures()}
# tests/e2e/09-proposals.sh: PA over the square's 300 m ceiling free, PX crosses PR
# at its level (approval: separation), PY 130 m above it free, PT another hour free,
# PS through the square forbidden, PE ends nowhere advisory
want = {"PA": "free", "PX": "approval", "PY": "free", "PT": "free", "PS": "forbidden", "PE": "advisory"}
check(got == want, "processing: Validate route proposals gives the planner's 6 verdicts (%s)" % got)
check(res.get("FORBIDDEN") == 1, "processing: 1 proposal forbidden (%s)" % res.get("FORBIDDEN"))
# the input's CRS (EPSG:4549) was turned into lon/lat: the verdict lines are back where they were
pa = [f for f in props.getFeatures() if f["id"] == "PA"][0].geometry()
from qgis.core import QgsCoordinateTransform, QgsCoordinateReferenceSystem, QgsProject  # noqa: E402
g = [f for f in v.getFeatures() if f["id"] == "PA"][0].geometry()
g.transform(QgsCoordinateTransform(v.crs(), QgsCoordinateReferenceSystem("EPSG:4549"), QgsProject.instance()))
check(g.hausdorffDistance(pa) < 0.01, "processing: PA comes back on its line (%.4f m off)" % g.hausdorffDistance(pa))
wuzhong_planner.style.style_verdicts(v)
sl = v.renderer().symbol().symbolLayer(0)
check(sl.dataDefinedProperties().property(QgsSymbolLayer.PropertyStrokeColor).field() == "stroke" and
      v.labelsEnabled(), "processing: the verdict layer coloured by the planner's colour per verdict, labelled")

res = processing.run("wuzhong:runscenario", {
    "SCENARIO": os.path.join(data, "validate.yaml"), "OUTPUT_FOLDER": os.path.join(out_dir, "run")})
layers = res["LAYERS"].split(",")
check(os.path.isfile(res["GPKG"]) and os.path.isfile(res["REPORT"]) and "routes" in layers and "zones" in layers,
      "processing: Run scenario writes plan.gpkg and report.html, lists its layers (%s)" % res["LAYERS"])
r = QgsVectorLayer(res["GPKG"] + "|layername=routes", "routes", "ogr")
check(r.renderer().type() == "categorizedSymbol" and r.labelsEnabled(),
      "processing: the routes it loads come styled from plan.gpkg (by verdict, labelled)")
try:
    processing.run("wuzhong:validateproposals", {
        "SCENARIO": os.path.join(data, "no-such.yaml"), "INPUT": props, "OUTPUT": "memory:"})
    check(False, "processing: a missing scenario is an error")
except Exception as e:  # QgsProcessingException: the planner's one-line message
    check("no-such.yaml" in str(e), "processing: a missing scenario fails with the planner's message (%s)"
          % str(e).strip().splitlines()[-1][:100])
plugin.unload()
# QGIS 3.22's teardown can crash in Python's garbage collection after every
# check has printed: leave without it
sys.stdout.flush()
os._exit(0)
