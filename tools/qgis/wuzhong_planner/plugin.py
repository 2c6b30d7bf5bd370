"""The plugin object QGIS creates: it registers the Processing provider."""
from qgis.core import QgsApplication

from .provider import WuzhongProvider


class WuzhongPlannerPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802 (QGIS calls it: hasProcessingProvider=yes)
        self.provider = WuzhongProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
