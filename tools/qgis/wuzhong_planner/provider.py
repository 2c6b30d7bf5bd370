"""The Processing provider: the planner's algorithms and its one setting,
the planner executable."""
from qgis.core import QgsProcessingProvider

from .algorithms import RunScenario, ValidateProposals
from . import planner_cli


class WuzhongProvider(QgsProcessingProvider):
    def id(self):
        return "wuzhong"

    def name(self):
        return "Wuzhong planner"

    def longName(self):  # noqa: N802
        return "Wuzhong low-altitude planner (吴中低空规划)"

    def load(self):
        planner_cli.add_setting(self.name())
        return super().load()

    def unload(self):
        planner_cli.remove_setting()

    def loadAlgorithms(self):  # noqa: N802
        self.addAlgorithm(RunScenario())
        self.addAlgorithm(ValidateProposals())
