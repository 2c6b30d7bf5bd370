"""Wuzhong low-altitude planner: a QGIS Processing provider.

Install by copying this folder (wuzhong_planner) into the QGIS plugins
folder (for the default profile on Linux:
~/.local/share/QGIS/QGIS3/profiles/default/python/plugins/) and enabling it
in Plugins > Manage and Install Plugins.  The algorithms appear in the
Processing Toolbox under "Wuzhong planner".
"""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import WuzhongPlannerPlugin
    return WuzhongPlannerPlugin(iface)
