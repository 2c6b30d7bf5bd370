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
static const pl_style_cat zone_cats[] = { /* every class a zone can have (pl_zone_classes + derived) */
    {"no_fly", "禁飞区 No-fly", "#d7191c", "#a50f15", 0.35},
    {"airport", "机场净空保护区 Airport protection", "#7b3294", "#54278f", 0.18},
    {"military", "军事区 Military", "#8c2d04", "#662506", 0.35},
    {"restricted", "限制区 Restricted", "#fdae61", "#d95f0e", 0.30},
    {"detention", "监管场所 Detention", "#636363", "#252525", 0.35},
    {"eco_redline", "生态红线 Ecological red line", "#1a9641", "#006d2c", 0.25},
    {"eco_control", "生态管控区 Ecological control", "#a6d96a", "#31a354", 0.20},
    {"water_source", "水源保护区 Water source", "#2b83ba", "#08519c", 0.30},
    {"cultural", "文物保护 Cultural heritage", "#dfc27d", "#8c510a", 0.35},
    {"infrastructure", "基础设施 Infrastructure", "#bdbdbd", "#525252", 0.35},
    {"temporary", "临时管控 Temporary", "#ffd92f", "#b8860b", 0.35},
    /* rule-derived: the approval classes (controlled airspace, e.g. above
     * 120 m true height) and the ground under a terrain model */
    {"controlled", "管制空域(需报批) Controlled (approval)", "#9e9ac8", "#6a51a3", 0.15},
    {"terrain", "地形 Terrain", "#bf812d", "#8c510a", 0.25},
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
static const pl_style_cat boundary_cats[] = {
    {"district", "区界 District boundary", NULL, "#444444", 1},
};
static const pl_style_cat boundary_other = {"", "界线 Boundary", NULL, "#888888", 1};
static const pl_style_cat water_cats[] = { /* islands in a lake are land again */
    {"island", "岛屿 Island", "#f5f3ea", "#8fb8d8", 1},
    {"lake", "湖泊 Lake", "#a6cee3", "#5b9bd5", 1},
};
static const pl_style_cat water_other = {"", "水域 Water", "#a6cee3", "#5b9bd5", 1};
static const pl_style_cat township_cats[] = {
    {"township", "乡镇街道 Township", "#737373", "#ffffff", 1},
};

/* A vertiport's name in Chinese alone on the map: the name up to the first
 * English word ("太湖街道 湖岸点 3 (Taihu lakeshore 3)" -> "太湖街道 湖岸点 3"),
 * the whole name when it has no Chinese part.  map.c cuts names the same. */
#define ZH_NAME "coalesce(nullif(trim(regexp_replace(\"name\", ' +[(]?[A-Za-z].*$', '')), ''), \"name\")"

#define N(a) (sizeof a / sizeof a[0])
/* Label priorities (QGIS: 0 low .. 10 high): the sites and routes first,
 * so that with every layer shown they are placed before anything else;
 * zones are no obstacle to them (they cover most of the district) and are
 * labelled only from 1:60,000 in.  The 193 candidates appear from 1:60,000
 * in; the service rings are thin and faint. */
static const pl_layer_style styles[] = {
    {"boundary", "区界 Boundary", "kind", PL_STYLE_POLY, boundary_cats, N(boundary_cats), NULL, 0.5,
     .other = &boundary_other},
    {"water", "水域 Water", "kind", PL_STYLE_POLY, water_cats, N(water_cats), NULL, 0.2, .other = &water_other},
    /* the basemap's other geometry types (basemap.c splits a role's layer by dimension) */
    {"boundary_lines", "界线 Boundary lines", "kind", PL_STYLE_LINE, boundary_cats, N(boundary_cats), NULL, 0.5,
     .other = &boundary_other},
    {"boundary_points", "乡镇街道 Townships", "kind", PL_STYLE_POINT, township_cats, N(township_cats), "name", 1.4,
     .other = &boundary_other, .label_priority = 2, .label_scale = 100000},
    {"water_lines", "水系 Water lines", "kind", PL_STYLE_LINE, water_cats, N(water_cats), NULL, 0.4,
     .other = &water_other},
    {"water_points", "水域点 Water points", "kind", PL_STYLE_POINT, water_cats, N(water_cats), NULL, 1.4,
     .other = &water_other},
    {"zones", "空域与管控区 Zones", "class", PL_STYLE_POLY, zone_cats, N(zone_cats), "name", 0.4,
     .label_priority = 1, .label_scale = 60000},
    {"coverage", "服务范围 Coverage", "status", PL_STYLE_POLY, coverage_cats, N(coverage_cats), NULL, 0.2, .label_expr = NULL},
    {"conflicts", "冲突 Conflicts", "severity", PL_STYLE_POLY, conflict_cats, N(conflict_cats), NULL, 0.5, .label_expr = NULL},
    {"routes", "航线 Routes", "verdict", PL_STYLE_LINE, verdict_cats, N(verdict_cats), "id", 1.6,
     .label_priority = 10, .status_field = "status"},
    {"reroutes", "绕飞 Reroutes", "status", PL_STYLE_LINE, reroute_cats, N(reroute_cats), "id", 1.0,
     .label_priority = 6},
    {"candidates", "候选点 Candidates", "state", PL_STYLE_POINT, cand_cats, N(cand_cats), NULL, 1.6,
     .layer_scale = 60000},
    {"vertiports", "起降点 Vertiports", "status", PL_STYLE_POINT, site_cats, N(site_cats), "name", 3.2,
     .label_expr = ZH_NAME, .label_priority = 10},
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
    return s->other ? s->other : &other_cat;
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

/* One symbol; planned: 0 solid, 1 a planned line (dashed, narrower, so an
 * existing route under it still shows), -1 not split by status. */
static void qml_symbol(pl_buf *b, const pl_layer_style *s, const pl_style_cat *c, int idx, int planned)
{
    static const char *const type[] = {"marker", "line", "fill"};
    static const char *const cls[] = {"SimpleMarker", "SimpleLine", "SimpleFill"};
    char w[32];
    snprintf(w, sizeof w, "%g", planned == 1 ? s->width_mm * 0.6 : s->width_mm);
    /* islands in a lake drawn after it (symbol levels: pass 1) */
    int pass = !strcmp(s->layer, "water") && !strcmp(c->value, "island");
    pl_buf_printf(b, "      <symbol name=\"%d\" type=\"%s\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
                     "        <layer class=\"%s\" enabled=\"1\" locked=\"0\" pass=\"%d\">\n",
                  idx, type[s->geom], cls[s->geom], pass);
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
        prop(b, "line_style", planned == 1 || !strcmp(s->layer, "reroutes") ? "dash" : "solid");
        prop(b, "capstyle", planned == 1 ? "flat" : "round");
        prop(b, "joinstyle", "round");
        break;
    case PL_STYLE_POLY:
        prop_color(b, "color", c->fill ? c->fill : "#000000", c->fill ? c->alpha : 0);
        prop(b, "style", c->fill ? "solid" : "no");
        prop_color(b, "outline_color", c->stroke, 1);
        prop(b, "outline_width", w);
        prop(b, "outline_width_unit", "MM");
        prop(b, "outline_style", !strcmp(s->layer, "coverage") ? "dash"
                                 : !strcmp(s->layer, "boundary") ? "dash dot" : "solid");
        break;
    }
    pl_buf_puts(b, "        </layer>\n      </symbol>\n");
}

static void qml_category(pl_buf *b, size_t sym, const char *value, const char *suffix, const char *label,
                         const char *label_suffix)
{
    pl_buf_printf(b, "      <category render=\"true\" symbol=\"%zu\" value=\"", sym);
    pl_buf_xml(b, value);
    pl_buf_xml(b, value[0] ? suffix : "");
    pl_buf_puts(b, "\" label=\"");
    pl_buf_xml(b, label);
    pl_buf_xml(b, label_suffix);
    pl_buf_puts(b, "\"/>\n");
}

/* The categorized renderer: one category per value (and "other", the
 * catch-all of an empty value); a line layer with a status field gets two
 * per value, existing (solid, wide) and planned (dashed, narrow), by an
 * expression. */
static void qml_renderer(const pl_layer_style *s, pl_buf *b)
{
    const pl_style_cat *other = s->other ? s->other : &other_cat;
    int split = s->status_field != NULL;
    pl_buf_puts(b, "  <renderer-v2 type=\"categorizedSymbol\" attr=\"");
    if (split) {
        pl_buf expr;
        pl_buf_init(&expr);
        pl_buf_printf(&expr, "concat(\"%s\", if(\"%s\" = 'existing', '/existing', '/planned'))", s->field,
                      s->status_field);
        pl_buf_xml(b, expr.s ? expr.s : "");
        pl_buf_free(&expr);
    } else
        pl_buf_xml(b, s->field);
    pl_buf_printf(b, "\" symbollevels=\"%d\" forceraster=\"0\" enableorderby=\"0\">\n    <categories>\n",
                  !strcmp(s->layer, "water"));
    size_t sym = 0;
    for (size_t i = 0; i < s->n_cats; i++)
        for (int k = 0; k <= split; k++)
            qml_category(b, sym++, s->cats[i].value, !split ? "" : k ? "/planned" : "/existing", s->cats[i].label,
                         !split ? "" : k ? " · 规划 planned" : " · 已开通 existing");
    qml_category(b, sym, "", "", other->label, "");
    pl_buf_puts(b, "    </categories>\n    <symbols>\n");
    sym = 0;
    for (size_t i = 0; i < s->n_cats; i++)
        for (int k = 0; k <= split; k++)
            qml_symbol(b, s, &s->cats[i], (int)sym++, split ? k : -1);
    qml_symbol(b, s, other, (int)sym, -1);
    pl_buf_puts(b, "    </symbols>\n  </renderer-v2>\n");
}

/* Labels: font WenQuanYi Micro Hei (Debian fonts-wqy-microhei, as the map),
 * the layer's priority, points around the symbol in 8 positions, lines
 * along the line, polygons inside; only zones are no obstacle. */
static void qml_labeling(const pl_layer_style *s, pl_buf *b)
{
    int zones = s->geom == PL_STYLE_POLY;
    pl_buf_puts(b, "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n"
                   "      <text-style fieldName=\"");
    pl_buf_xml(b, s->label_expr ? s->label_expr : s->label_field);
    pl_buf_printf(b, "\" isExpression=\"%d\" fontFamily=\"WenQuanYi Micro Hei\" fontSize=\"%g\" "
                     "fontSizeUnit=\"Point\" textColor=\"0,0,0,255\" textOpacity=\"1\">\n"
                     "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" "
                     "bufferColor=\"255,255,255,255\" bufferOpacity=\"0.85\"/>\n"
                     "      </text-style>\n",
                  s->label_expr != NULL, zones ? 7.0 : 8.0);
    pl_buf_printf(b, "      <placement placement=\"%d\" placementFlags=\"%d\" dist=\"%g\" distUnits=\"MM\" "
                     "offsetType=\"1\" priority=\"%d\" overrunDistance=\"%g\" overrunDistanceUnit=\"MM\" "
                     "predefinedPositionOrder=\"TR,TL,BR,BL,R,L,TSR,BSR\"/>\n",
                  s->geom == PL_STYLE_POINT ? 6 : s->geom == PL_STYLE_LINE ? 2 : 1,
                  s->geom == PL_STYLE_LINE ? 11 : 10, s->geom == PL_STYLE_LINE ? 0.6 : 1.0, s->label_priority,
                  s->geom == PL_STYLE_LINE ? 3.0 : 0.0);
    pl_buf_printf(b, "      <rendering obstacle=\"%d\" obstacleFactor=\"1\" obstacleType=\"1\" displayAll=\"0\" "
                     "drawLabels=\"1\" labelPerPart=\"0\" mergeLines=\"0\" scaleVisibility=\"%d\" "
                     "scaleMin=\"0\" scaleMax=\"%g\"/>\n"
                     "    </settings>\n  </labeling>\n",
                  !zones, s->label_scale > 0, s->label_scale);
}

void pl_style_qml(const pl_layer_style *s, pl_buf *b)
{
    pl_buf_printf(b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                     "<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling|Rendering\" labelsEnabled=\"%d\" "
                     "hasScaleBasedVisibilityFlag=\"%d\" maxScale=\"0\" minScale=\"%g\">\n",
                  s->label_field != NULL, s->layer_scale > 0, s->layer_scale > 0 ? s->layer_scale : 1e8);
    qml_renderer(s, b);
    if (s->label_field)
        qml_labeling(s, b);
    if (!strcmp(s->layer, "coverage"))
        pl_buf_puts(b, "  <layerOpacity>0.6</layerOpacity>\n");
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
