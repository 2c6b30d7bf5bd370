"""QGIS headless: plan.gpkg with every layer and its stored default style,
rendered over the full plan; every site label and every route label placed.

Usage: python3 qgis_labels.py PLAN_DIR
Prints one line "ok - ..." or "not ok - ..." per check (run.sh counts them).
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings,  # noqa: E402
                       QgsRectangle, QgsVectorLayer, QgsWkbTypes)
from qgis.PyQt.QtCore import QSize  # noqa: E402

LAYERS = ["boundary", "water", "zones", "coverage", "conflicts", "candidates", "routes",
          "reroutes", "vertiports"]


def check(ok, what):
    print(("ok - " if ok else "not ok - ") + what)
    return ok


def main(plan_dir):
    gpkg = os.path.join(plan_dir, "plan.gpkg")
    app = QgsApplication([], False)
    app.initQgis()
    layers = {}
    for name in LAYERS:
        lyr = QgsVectorLayer("%s|layername=%s" % (gpkg, name), name, "ogr")
        if lyr.isValid():
            layers[name] = lyr
    # one default style row per layer (the style QGIS applies on opening)
    for name, lyr in sorted(layers.items()):
        n, ids, names, descs, err = lyr.listStylesInDatabase()
        own = [i for i in range(len(names))][:n]
        check(n == 1, "qgis: %s has exactly one style of its own in layer_styles (%d)" % (name, n))
        _ = own
    for name in ("boundary", "water"):
        check(name in layers, "qgis: plan.gpkg has a %s layer" % name)
    check(all(n in layers for n in ("routes", "vertiports", "zones")), "qgis: routes, vertiports, zones load")
    # an empty layer (Wuzhong has no forbidden route, so no reroute) still
    # opens as lines, styled, not as a table without geometry
    if "reroutes" in layers:
        check(layers["reroutes"].geometryType() == QgsWkbTypes.LineGeometry,
              "qgis: reroutes (%d features) opens as a line layer" % layers["reroutes"].featureCount())
    if "water" in layers:
        sym = layers["water"].renderer().legendSymbolItems()
        lake = [i.symbol().color().name() for i in sym if i.label() in ("湖泊 Lake", "水域 Water")]
        check(lake and all(c == "#a6cee3" for c in lake), "qgis: water drawn blue (%s)" % lake)
    if not all(n in layers for n in ("routes", "vertiports")):
        return
    # the styles QGIS applied are ours: labels on for sites and routes
    for name in ("routes", "vertiports"):
        check(layers[name].labelsEnabled(), "qgis: %s labels enabled by the stored style" % name)
    check(layers["zones"].renderer().type() == "categorizedSymbol",
          "qgis: zones drawn by class (stored style applied)")
    zone_cats = {c.value() for c in layers["zones"].renderer().categories()}
    classes = {f["class"] for f in layers["zones"].getFeatures()}
    check(classes <= zone_cats, "qgis: every zone class has a category (%s)" % sorted(classes - zone_cats))

    ms = QgsMapSettings()
    order = [layers[n] for n in reversed(LAYERS) if n in layers]  # first drawn on top
    ms.setLayers(order)
    ms.setDestinationCrs(layers["zones"].crs())
    ext = QgsRectangle()
    for n in ("boundary", "routes", "vertiports"):
        if n in layers:
            ext.combineExtentWith(layers[n].extent())
    ext.scale(1.05)
    ms.setExtent(ext)
    ms.setOutputSize(QSize(1600, 1200))
    ms.setOutputDpi(96)
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    out = os.environ.get("QGIS_PNG")
    if out:
        img.save(out)
    res = job.takeLabelingResults()
    placed = {}
    for lab in res.allLabels():
        placed.setdefault(lab.layerID, set()).add(lab.featureId)
    for name in ("vertiports", "routes"):
        lyr = layers[name]
        fids = {f.id() for f in lyr.getFeatures()}
        got = placed.get(lyr.id(), set()) & fids
        check(fids and got == fids, "qgis: every %s label placed over the full plan (%d of %d)"
              % (name[:-1] if name == "routes" else "site", len(got), len(fids)))



if __name__ == "__main__":
    main(sys.argv[1])
    # QGIS 3.22's teardown can crash in Python's garbage collection after
    # every check has printed: leave without it
    sys.stdout.flush()
    os._exit(0)
