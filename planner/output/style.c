/*
 * style.c - how the plan looks: one table of colours per layer and value,
 * used by every picture of the plan, so QGIS, Google Earth and the map
 * picture agree.
 *
 * Entry points: pl_style_for, pl_style_pick, pl_style_qml, pl_style_ogr.
 *
 * A layer is styled by one property (zones by "class", vertiports by
 * "status", routes by "verdict"...); each value has a label in Chinese and
 * English, a fill and a stroke.  QGIS gets a categorized renderer in QML
 * (stored in the GeoPackage's layer_styles table and beside the GeoJSON),
 * KML gets OGR feature style strings, the SVG map reads the same colours.
 */
#include "planner.h"

#include <string.h>

/* fill NULL: no fill; alpha for fills in the map and QGIS */
static const pl_style_cat zone_cats[] = {
    {"no_fly", "禁飞区 No-fly", "#d7191c", "#a50f15", 0.35},
    {"airport", "机场净空保护区 Airport protection", "#7b3294", "#54278f", 0.18},
    {"military", "军事区 Military", "#8c2d04", "#662506", 0.35},
    {"restricted", "限制区 Restricted", "#fdae61", "#d95f0e", 0.30},
    {"detention", "监管场所 Detention", "#636363", "#252525", 0.35},
    {"eco_redline", "生态红线 Ecological red line", "#1a9641", "#006d2c", 0.35},
    {"eco_control", "生态管控区 Ecological control", "#a6d96a", "#31a354", 0.30},
    {"water_source", "水源保护区 Water source", "#2b83ba", "#08519c", 0.35},
    {"cultural", "文物保护 Cultural heritage", "#dfc27d", "#8c510a", 0.35},
    {"infrastructure", "基础设施 Infrastructure", "#bdbdbd", "#525252", 0.35},
    {"temporary", "临时管控 Temporary", "#ffd92f", "#b8860b", 0.35},
};
static const pl_style_cat site_cats[] = {
    {"existing", "已建 Built", "#000000", "#ffffff", 1},
    {"planned", "规划 Planned", "#2166ac", "#ffffff", 1},
    {"candidate", "候选 Candidate", "#bdbdbd", "#636363", 1},
};
static const pl_style_cat cand_cats[] = {
    {"chosen", "选中 Chosen", "#2166ac", "#ffffff", 1},
    {"feasible", "可行 Feasible", "#ffffff", "#4393c3", 1},
    {"infeasible", "不可行 Infeasible", "#f4a582", "#b2182b", 1},
};
static const pl_style_cat verdict_cats[] = { /* by enum pl_verdict */
    {"free", "适飞 Free", NULL, "#1a9641", 1},
    {"advisory", "提示 Advisory", NULL, "#a6a600", 1},
    {"approval", "需报批 Approval", NULL, "#f08c00", 1},
    {"forbidden", "禁飞 Forbidden", NULL, "#d7191c", 1},
};
static const pl_style_cat conflict_cats[] = { /* by the verdict of flying there */
    {"forbidden", "禁飞 Forbidden", "#ff0000", "#b30000", 0.6},
    {"approval", "需报批 Needs approval", "#ffa500", "#cc7000", 0.5},
    {"advisory", "提示 Advisory", "#ffff99", "#a6a600", 0.4},
};
static const pl_style_cat coverage_cats[] = {
    {"existing", "已建服务范围 Built site reach", NULL, "#000000", 1},
    {"planned", "规划服务范围 Planned site reach", NULL, "#2166ac", 1},
};
static const pl_style_cat reroute_cats[] = {
    {"reroute", "绕飞航线 Reroute", NULL, "#0571b0", 1},
};

#define N(a) (sizeof a / sizeof a[0])
static const pl_layer_style styles[] = {
    {"zones", "空域与管控区 Zones", "class", PL_STYLE_POLY, zone_cats, N(zone_cats), "name", 0.4},
    {"coverage", "服务范围 Coverage", "status", PL_STYLE_POLY, coverage_cats, N(coverage_cats), NULL, 0.3},
    {"conflicts", "冲突 Conflicts", "severity", PL_STYLE_POLY, conflict_cats, N(conflict_cats), NULL, 0.5},
    {"routes", "航线 Routes", "verdict", PL_STYLE_LINE, verdict_cats, N(verdict_cats), "name", 1.2},
    {"reroutes", "绕飞 Reroutes", "status", PL_STYLE_LINE, reroute_cats, N(reroute_cats), "id", 1.0},
    {"candidates", "候选点 Candidates", "state", PL_STYLE_POINT, cand_cats, N(cand_cats), NULL, 2.0},
    {"vertiports", "起降点 Vertiports", "status", PL_STYLE_POINT, site_cats, N(site_cats), "name", 3.2},
};

const pl_layer_style *pl_style_for(const char *layer)
{
    for (size_t i = 0; i < N(styles); i++)
        if (!strcmp(styles[i].layer, layer))
            return &styles[i];
    return NULL;
}

static const pl_style_cat other_cat = {"", "其他 Other", "#969696", "#525252", 0.3};

const pl_style_cat *pl_style_pick(const pl_layer_style *s, const char *value)
{
    for (size_t i = 0; value && i < s->n_cats; i++)
        if (!strcmp(s->cats[i].value, value))
            return &s->cats[i];
    return &other_cat;
}

/* ==== QGIS QML ========================================================= */

/* "#rrggbb" + alpha 0..1 -> "r,g,b,a" as QGIS writes colours */
static void qcolor(pl_buf *b, const char *hex, double alpha)
{
    unsigned r = 0, g = 0, bl = 0;
    if (hex && strlen(hex) == 7)
        sscanf(hex + 1, "%2x%2x%2x", &r, &g, &bl);
    pl_buf_printf(b, "%u,%u,%u,%d", r, g, bl, (int)(alpha * 255 + 0.5));
}

static void prop(pl_buf *b, const char *k, const char *v)
{
    pl_buf_printf(b, "          <prop k=\"%s\" v=\"%s\"/>\n", k, v);
}

static void prop_color(pl_buf *b, const char *k, const char *hex, double alpha)
{
    pl_buf_printf(b, "          <prop k=\"%s\" v=\"", k);
    qcolor(b, hex, alpha);
    pl_buf_puts(b, "\"/>\n");
}

static void qml_symbol(pl_buf *b, const pl_layer_style *s, const pl_style_cat *c, int idx)
{
    static const char *const type[] = {"marker", "line", "fill"};
    static const char *const cls[] = {"SimpleMarker", "SimpleLine", "SimpleFill"};
    char w[32];
    snprintf(w, sizeof w, "%g", s->width_mm);
    pl_buf_printf(b, "      <symbol name=\"%d\" type=\"%s\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
                     "        <layer class=\"%s\" enabled=\"1\" locked=\"0\" pass=\"0\">\n",
                  idx, type[s->geom], cls[s->geom]);
    switch (s->geom) {
    case PL_STYLE_POINT:
        prop(b, "name", "circle");
        prop_color(b, "color", c->fill, 1);
        prop_color(b, "outline_color", c->stroke, 1);
        prop(b, "outline_width", "0.4");
        prop(b, "size", w);
        prop(b, "size_unit", "MM");
        break;
    case PL_STYLE_LINE:
        prop_color(b, "line_color", c->stroke, 1);
        prop(b, "line_width", w);
        prop(b, "line_width_unit", "MM");
        prop(b, "line_style", strcmp(s->layer, "reroutes") ? "solid" : "dash");
        prop(b, "capstyle", "round");
        prop(b, "joinstyle", "round");
        break;
    case PL_STYLE_POLY:
        prop_color(b, "color", c->fill ? c->fill : "#000000", c->fill ? c->alpha : 0);
        prop(b, "style", c->fill ? "solid" : "no");
        prop_color(b, "outline_color", c->stroke, 1);
        prop(b, "outline_width", w);
        prop(b, "outline_width_unit", "MM");
        prop(b, "outline_style", "solid");
        break;
    }
    pl_buf_puts(b, "        </layer>\n      </symbol>\n");
}

void pl_style_qml(const pl_layer_style *s, pl_buf *b)
{
    pl_buf_printf(b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                     "<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"%d\">\n"
                     "  <renderer-v2 type=\"categorizedSymbol\" attr=\"%s\" symbollevels=\"0\" "
                     "forceraster=\"0\" enableorderby=\"0\">\n    <categories>\n",
                  s->label_field != NULL, s->field);
    for (size_t i = 0; i <= s->n_cats; i++) {
        const pl_style_cat *c = i < s->n_cats ? &s->cats[i] : &other_cat;
        pl_buf_printf(b, "      <category render=\"true\" symbol=\"%zu\" value=\"", i);
        pl_buf_xml(b, c->value);
        pl_buf_puts(b, "\" label=\"");
        pl_buf_xml(b, c->label);
        pl_buf_puts(b, "\"/>\n");
    }
    pl_buf_puts(b, "    </categories>\n    <symbols>\n");
    for (size_t i = 0; i <= s->n_cats; i++)
        qml_symbol(b, s, i < s->n_cats ? &s->cats[i] : &other_cat, (int)i);
    pl_buf_puts(b, "    </symbols>\n  </renderer-v2>\n");
    if (s->label_field) {
        pl_buf_puts(b, "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n"
                       "      <text-style fieldName=\"");
        pl_buf_xml(b, s->label_field);
        pl_buf_puts(b, "\" isExpression=\"0\" fontFamily=\"Noto Sans CJK SC\" fontSize=\"8\" "
                       "fontSizeUnit=\"Point\" textColor=\"0,0,0,255\" textOpacity=\"1\">\n"
                       "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" "
                       "bufferColor=\"255,255,255,255\" bufferOpacity=\"0.8\"/>\n"
                       "      </text-style>\n");
        pl_buf_printf(b, "      <placement placement=\"%d\" dist=\"1.5\" distUnits=\"MM\"/>\n",
                      s->geom == PL_STYLE_POINT ? 6 : s->geom == PL_STYLE_LINE ? 2 : 1);
        pl_buf_puts(b, "      <rendering obstacle=\"1\" displayAll=\"0\"/>\n"
                       "    </settings>\n  </labeling>\n");
    }
    pl_buf_puts(b, "</qgis>\n");
}

/* ==== OGR feature style strings (KML) ================================== */

/* "#rrggbb" + alpha -> "#rrggbbaa" */
static void ogr_color(pl_buf *b, const char *hex, double alpha)
{
    pl_buf_printf(b, "%s%02x", hex, (int)(alpha * 255 + 0.5));
}

void pl_style_ogr(const pl_layer_style *s, const char *value, pl_buf *b)
{
    const pl_style_cat *c = pl_style_pick(s, value);
    switch (s->geom) {
    case PL_STYLE_POINT:
        pl_buf_puts(b, "SYMBOL(id:\"" PL_KML_ICON "\",c:"); /* KML's icon href (planner.h) */
        ogr_color(b, c->fill, 1);
        pl_buf_puts(b, ",s:1.2)");
        break;
    case PL_STYLE_LINE:
        pl_buf_puts(b, "PEN(c:");
        ogr_color(b, c->stroke, 1);
        pl_buf_printf(b, ",w:%gpx)", s->width_mm * 3);
        break;
    case PL_STYLE_POLY:
        pl_buf_puts(b, "BRUSH(fc:");
        ogr_color(b, c->fill ? c->fill : "#000000", c->fill ? c->alpha : 0);
        pl_buf_puts(b, ");PEN(c:");
        ogr_color(b, c->stroke, 1);
        pl_buf_puts(b, ",w:2px)");
        break;
    }
}
