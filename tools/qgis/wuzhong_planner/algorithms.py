"""The two algorithms: Run scenario, Validate route proposals.

Both call the planner program (planner_cli.py); neither computes a verdict
itself: every answer is the planner's.
"""
import json
import os
import tempfile

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeature, QgsFeatureSink,
                       QgsProcessing, QgsProcessingAlgorithm, QgsProcessingContext, QgsProcessingException,
                       QgsProcessingLayerPostProcessorInterface, QgsProcessingOutputFile,
                       QgsProcessingOutputNumber, QgsProcessingOutputString, QgsProcessingParameterEnum,
                       QgsProcessingParameterFeatureSink, QgsProcessingParameterFeatureSource,
                       QgsProcessingParameterFile, QgsProcessingParameterFolderDestination, QgsProject,
                       QgsVectorLayer, QgsWkbTypes)

from . import planner_cli
from .style import style_verdicts

# the plan's layers in drawing order (the first drawn lowest)
PLAN_LAYERS = ["boundary", "water", "zones", "coverage", "conflicts", "candidates", "reroutes", "routes",
               "vertiports"]


class RunScenario(QgsProcessingAlgorithm):
    SCENARIO, OUTPUT_FOLDER = "SCENARIO", "OUTPUT_FOLDER"

    def name(self):
        return "runscenario"

    def displayName(self):  # noqa: N802
        return "Run scenario (运行情景)"

    def shortHelpString(self):  # noqa: N802
        return ("Runs 'planner run SCENARIO -o FOLDER --no-db': sites the vertiports, checks every route in 3D "
                "against every zone, writes the plan (plan.gpkg, report.html, plan.svg, GeoJSON). The layers of "
                "plan.gpkg are loaded with the styles stored in it (labels, verdict colours, zone classes).")

    def createInstance(self):  # noqa: N802
        return RunScenario()

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(self.SCENARIO, "Scenario file (YAML)",
                                                     fileFilter="Scenario (*.yaml *.yml)"))
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, "Plan folder"))
        self.addOutput(QgsProcessingOutputFile("GPKG", "plan.gpkg"))
        self.addOutput(QgsProcessingOutputFile("REPORT", "report.html"))
        self.addOutput(QgsProcessingOutputString("LAYERS", "The plan's layers loaded"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        scenario = self.parameterAsFile(parameters, self.SCENARIO, context)
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        if not scenario or not os.path.isfile(scenario):
            raise QgsProcessingException("scenario file not found: %s" % scenario)
        planner_cli.run(["run", scenario, "-o", folder, "--no-db"], feedback)
        gpkg = os.path.join(folder, "plan.gpkg")
        if not os.path.isfile(gpkg):
            raise QgsProcessingException("the planner wrote no plan.gpkg in %s" % folder)
        loaded = []
        for name in PLAN_LAYERS:
            uri = "%s|layername=%s" % (gpkg, name)
            if not QgsVectorLayer(uri, name, "ogr").isValid():
                continue  # a layer this plan has not (no siting: no candidates)
            loaded.append(name)
            # loaded from the GeoPackage, each layer takes its stored default style
            context.addLayerToLoadOnCompletion(
                uri, QgsProcessingContext.LayerDetails(name, context.project() or QgsProject.instance(), name))
        return {self.OUTPUT_FOLDER: folder, "GPKG": gpkg, "REPORT": os.path.join(folder, "report.html"),
                "LAYERS": ",".join(loaded)}


class _StyleVerdicts(QgsProcessingLayerPostProcessorInterface):
    """Colours the verdict layer when QGIS loads it."""
    instance = None

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        if isinstance(layer, QgsVectorLayer):
            style_verdicts(layer)

    @staticmethod
    def create():
        _StyleVerdicts.instance = _StyleVerdicts()  # kept alive until QGIS has used it
        return _StyleVerdicts.instance


def _jsonable(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if hasattr(v, "isNull") and v.isNull():
        return None
    return str(v)


class ValidateProposals(QgsProcessingAlgorithm):
    SCENARIO, INPUT, INPUT_CRS, OUTPUT = "SCENARIO", "INPUT", "INPUT_CRS", "OUTPUT"
    CRS_CHOICES = ["wgs84", "gcj02", "bd09"]

    def name(self):
        return "validateproposals"

    def displayName(self):  # noqa: N802
        return "Validate route proposals (航线提案审核)"

    def shortHelpString(self):  # noqa: N802
        return ("Each line of the input layer is a proposed route (Z, or the altitude_m field, gives its "
                "altitudes; fields id, name, aircraft, half_width_m, band_below_m, band_above_m, time_from, "
                "time_to are read when present). They are written as GeoJSON (WGS84) and checked by "
                "'planner validate SCENARIO FILE --geojson OUT': the verdict layer comes back coloured by verdict "
                "(free, advisory, approval, forbidden) with every reason. Input coordinates copied from Amap or "
                "Baidu maps: choose gcj02 or bd09.")

    def createInstance(self):  # noqa: N802
        return ValidateProposals()

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(self.SCENARIO, "Scenario file (YAML)",
                                                     fileFilter="Scenario (*.yaml *.yml)"))
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, "Proposed routes (lines)",
                                                              [QgsProcessing.TypeVectorLine]))
        self.addParameter(QgsProcessingParameterEnum(self.INPUT_CRS, "Lon/lat copied from", self.CRS_CHOICES,
                                                     defaultValue=0))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, "Verdicts",
                                                            QgsProcessing.TypeVectorLine))
        self.addOutput(QgsProcessingOutputNumber("FORBIDDEN", "Proposals forbidden"))

    def _write_input(self, source, context, path):
        """The proposals as RFC 7946 GeoJSON (WGS84 lon/lat, Z kept)."""
        to_wgs = QgsCoordinateTransform(source.sourceCrs(), QgsCoordinateReferenceSystem("EPSG:4326"),
                                        context.transformContext())
        names = [f.name() for f in source.fields()]
        feats = []
        for f in source.getFeatures():
            g = f.geometry()
            if g.isEmpty():
                raise QgsProcessingException("proposal feature %d has no geometry" % f.id())
            g.transform(to_wgs)
            props = {n: _jsonable(f[n]) for n in names}
            if props.get("id") in (None, ""):
                props["id"] = "F%d" % f.id()
            feats.append({"type": "Feature", "properties": props, "geometry": json.loads(g.asJson(8))})
        if not feats:
            raise QgsProcessingException("the input layer has no proposal")
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"type": "FeatureCollection", "features": feats}, out, ensure_ascii=False)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        scenario = self.parameterAsFile(parameters, self.SCENARIO, context)
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        crs = self.CRS_CHOICES[self.parameterAsEnum(parameters, self.INPUT_CRS, context)]
        with tempfile.TemporaryDirectory(prefix="wuzhong-validate-") as tmp:
            src = os.path.join(tmp, "proposals.geojson")
            res = os.path.join(tmp, "verdicts.geojson")
            self._write_input(source, context, src)
            # exit 0 all approved, 3 some need an approval, 1 some forbidden: all answers
            planner_cli.run(["validate", scenario, src, "--input-crs", crs, "--geojson", res], feedback,
                            ok_codes=(0, 1, 3))
            got = QgsVectorLayer(res, "verdicts", "ogr")
            if not got.isValid():
                raise QgsProcessingException("the planner's verdicts do not read back: %s" % res)
            wkb = QgsWkbTypes.LineStringZ if QgsWkbTypes.hasZ(got.wkbType()) else QgsWkbTypes.LineString
            sink, dest = self.parameterAsSink(parameters, self.OUTPUT, context, got.fields(), wkb, got.crs())
            if sink is None:
                raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
            forbidden = 0
            for f in got.getFeatures():
                forbidden += f["verdict"] == "forbidden"
                out = QgsFeature(f)
                sink.addFeature(out, QgsFeatureSink.FastInsert)
        if context.willLoadLayerOnCompletion(dest):
            context.layerToLoadOnCompletionDetails(dest).setPostProcessor(_StyleVerdicts.create())
        return {self.OUTPUT: dest, "FORBIDDEN": forbidden}
