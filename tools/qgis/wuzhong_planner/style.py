"""The verdict layer's look: each proposal in the colour the planner gave
its verdict (the 'stroke' field, from the planner's one colour table), a
wide line, labelled with its id and verdict in Chinese and English."""
from qgis.core import (QgsLineSymbol, QgsPalLayerSettings, QgsProperty, QgsSingleSymbolRenderer,
                       QgsSymbolLayer, QgsTextBufferSettings, QgsTextFormat, QgsVectorLayerSimpleLabeling)
from qgis.PyQt.QtGui import QColor, QFont


def style_verdicts(layer):
    sym = QgsLineSymbol.createSimple({"line_width": "1.4", "line_width_unit": "MM", "capstyle": "round"})
    sym.symbolLayer(0).setDataDefinedProperty(QgsSymbolLayer.PropertyStrokeColor, QgsProperty.fromField("stroke"))
    layer.setRenderer(QgsSingleSymbolRenderer(sym))
    pal = QgsPalLayerSettings()
    pal.fieldName = "concat(\"id\", ' ', \"verdict_zh\", ' ', \"verdict\")"
    pal.isExpression = True
    pal.placement = QgsPalLayerSettings.Line
    pal.priority = 10
    fmt = QgsTextFormat()
    fmt.setFont(QFont("WenQuanYi Micro Hei"))
    fmt.setSize(8)
    buf = QgsTextBufferSettings()
    buf.setEnabled(True)
    buf.setColor(QColor("white"))
    fmt.setBuffer(buf)
    pal.setFormat(fmt)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(pal))
    layer.setLabelsEnabled(True)
    layer.triggerRepaint()
