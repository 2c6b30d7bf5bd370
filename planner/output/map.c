/*
 * map.c - the plan as a picture: plan.svg, an A4 landscape map drawn from
 * the run's own data (water, boundary, zones, coverage, conflicts, routes,
 * reroutes, vertiports) with a legend, a scale bar and a north arrow; the
 * labels placed apart (maplabel.c); plan.png from it in mappng.c.
 *
 * Entry points: pl_map_svg.
 *
 * pl_map_svg reads as the drawing order: one static function per layer
 * (draw_water, draw_zones, ... draw_vertiports), each over the ones before
 * it, then the scale bar, the north arrow and the legend, which lists only
 * what the layers drew (they note it in the drawing struct).
 *
 * The map is drawn in the working CRS (metric, conformal), so one scale
 * holds everywhere on it and the scale bar is true.  The north arrow points
 * to true north, computed at the map centre: in a Gauss-Kruger CRS grid
 * north differs from it by the meridian convergence.  Colours come from
 * style.c, as in QGIS and KML.  Marks carry class and data-id attributes so
 * tests (and scripts) can find every vertiport and route.
 *
 * Labels read Chinese first with English beside ("图例 Legend", style.c's
 * "禁飞 Forbidden"), or English alone when the plan says so (--lang en:
 * in_lang).  Names from the data are drawn as they are.
 */
#include "planner.h"
#include "maplabel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A4 landscape at 96 px per inch */
#define PAGE_W 1123.0
#define PAGE_H 794.0
#define FRAME_X 24.0
#define FRAME_Y 70.0
#define FRAME_W 820.0
#define FRAME_H 680.0
#define LEGEND_X 866.0
/* One named font, Debian's fonts-wqy-microhei (in the Makefile's packages):
 * the PNG is the same on every machine with the same packages, and the
 * label placement's widths are this font's (maplabel.c) */
#define FONT "WenQuanYi Micro Hei, sans-serif"
#define WATER_FILL "#a6cee3"
#define WATER_STROKE "#5b9bd5"
#define SITE_LABEL_PX 8.5
#define ROUTE_LABEL_PX 9.0

typedef struct view {
    double minx, maxy, s;   /* world top-left and px per metre */
    double ox, oy;          /* px offset of the world's top-left */
} view;

static double px(const view *v, double x) { return v->ox + (x - v->minx) * v->s; }
static double py(const view *v, double y) { return v->oy + (v->maxy - y) * v->s; }

static void seq_path(GEOSContextHandle_t h, const view *v, const GEOSGeometry *g, int close, pl_buf *b)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, g);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, cs, &n);
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
        pl_buf_printf(b, "%s%.1f %.1f", i ? "L" : "M", px(v, x), py(v, y));
    }
    if (close && n)
        pl_buf_puts(b, "Z");
}

static void geom_path(GEOSContextHandle_t h, const view *v, const GEOSGeometry *g, pl_buf *b)
{
    switch (GEOSGeomTypeId_r(h, g)) {
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        seq_path(h, v, g, 0, b);
        break;
    case GEOS_POLYGON: {
        seq_path(h, v, GEOSGetExteriorRing_r(h, g), 1, b);
        int n = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < n; i++)
            seq_path(h, v, GEOSGetInteriorRingN_r(h, g, i), 1, b);
        break;
    }
    case GEOS_POINT:
        break;
    default: {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++)
            geom_path(h, v, GEOSGetGeometryN_r(h, g, i), b);
    }
    }
}

/* <path d="..." ATTRS/> of g simplified to half a pixel; nothing when g
 * draws nothing. */
static void path(pl_ctx *ctx, const view *v, const GEOSGeometry *g, const char *attrs, pl_buf *b)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    if (!g || GEOSisEmpty_r(h, g) == 1)
        return;
    GEOSGeometry *sg = GEOSTopologyPreserveSimplify_r(h, g, 0.5 / v->s);
    pl_buf d;
    pl_buf_init(&d);
    geom_path(h, v, sg ? sg : g, &d);
    if (sg)
        GEOSGeom_destroy_r(h, sg);
    if (d.n)
        pl_buf_printf(b, "<path %s d=\"%s\"/>\n", attrs, d.s);
    pl_buf_free(&d);
}

/* Zone classes drawn as hatching over a faint tint, not a solid fill: they
 * cover large areas (Taihu lies under the ecological zones), so the water
 * and land under them stay visible. */
static int hatched(const char *cls)
{
    static const char *const h[] = {"eco_redline", "eco_control", "water_source", "airport", "controlled", NULL};
    return pl_str_in(cls, h);
}

/* A vertiport's name as the map prints it: in Chinese alone (up to the
 * first English word: "太湖街道 湖岸点 3 (Taihu lakeshore 3)" -> "太湖街道 湖岸点
 * 3") unless the plan is in English or the name has no Chinese part; the
 * QGIS style cuts the same way (style.c).  Into out (size n). */
static const char *site_name(int en, const char *name, char *out, size_t n)
{
    if (en || !name || !(*name & 0x80))
        return name;
    size_t k = 0;
    for (const char *t = name; *t; t++) {
        const char *u = t;
        while (*u == ' ')
            u++;
        if (u > t && (*u == '(' ? (u[1] | 0x20) >= 'a' && (u[1] | 0x20) <= 'z' : (*u | 0x20) >= 'a' && (*u | 0x20) <= 'z'))
            break;
        if (k + 1 >= n)
            return name; /* longer than out: whole, never cut inside a character */
        out[k++] = *t;
    }
    out[k] = 0;
    return k ? out : name;
}

static const pl_layer *layer_of_role(const pl_plan *p, int role)
{
    for (size_t i = 0; i < p->n_layers; i++)
        if (p->layers[i]->decl->role == role)
            return p->layers[i];
    return NULL;
}

/* The map's world extent: everything the map is about, the boundary, every
 * route and reroute, every open site with its service ring; the zones only
 * when there is nothing else (they reach far beyond the plan: an airport's
 * protection area runs 20 km past its runway ends, and is cut by the frame). */
static int extent(pl_ctx *ctx, const pl_plan *p, double e[4])
{
    GEOSContextHandle_t h = pl_geos(ctx);
    e[0] = e[1] = INFINITY;
    e[2] = e[3] = -INFINITY;
#define GROW(g)                                                                                    \
    do {                                                                                           \
        double a, b_, c, d;                                                                        \
        if ((g) && GEOSisEmpty_r(h, (g)) != 1 && GEOSGeom_getXMin_r(h, (g), &a) &&                \
            GEOSGeom_getYMin_r(h, (g), &b_) && GEOSGeom_getXMax_r(h, (g), &c) &&                   \
            GEOSGeom_getYMax_r(h, (g), &d)) {                                                      \
            e[0] = fmin(e[0], a), e[1] = fmin(e[1], b_), e[2] = fmax(e[2], c), e[3] = fmax(e[3], d); \
        }                                                                                          \
    } while (0)
    const pl_layer *bl = layer_of_role(p, PL_ROLE_BOUNDARY);
    for (size_t i = 0; bl && i < bl->n_feats; i++)
        GROW(bl->a_feats[i].g);
    for (size_t i = 0; p->routes && i < p->routes->n; i++)
        GROW(p->routes->a[i].line);
    for (size_t i = 0; p->reroutes && p->routes && i < p->routes->n; i++)
        for (size_t j = 0; p->reroutes[i].found && j < p->reroutes[i].n; j++) {
            e[0] = fmin(e[0], p->reroutes[i].x[j]), e[2] = fmax(e[2], p->reroutes[i].x[j]);
            e[1] = fmin(e[1], p->reroutes[i].y[j]), e[3] = fmax(e[3], p->reroutes[i].y[j]);
        }
    double r = p->sc->siting.radius_m > 0 ? p->sc->siting.radius_m : 0;
    for (size_t i = 0; p->siting && i < p->siting->n; i++)
        if (p->siting->a[i].open) {
            e[0] = fmin(e[0], p->siting->a[i].x - r), e[2] = fmax(e[2], p->siting->a[i].x + r);
            e[1] = fmin(e[1], p->siting->a[i].y - r), e[3] = fmax(e[3], p->siting->a[i].y + r);
        }
    if (!isfinite(e[0]))
        for (size_t i = 0; i < p->zones->n; i++)
            GROW(p->zones->a[i].g);
#undef GROW
    if (!isfinite(e[0]))
        return 0;
    double pad = 0.04 * fmax(fmax(e[2] - e[0], e[3] - e[1]), 500);
    e[0] -= pad, e[1] -= pad, e[2] += pad, e[3] += pad;
    return 1;
}

/* Label s, written "中文 English" (here and in style.c), in the plan's
 * language: whole, or (--lang en) from the first ASCII letter after a
 * space on, when it starts with Chinese.  Returns: s or a pointer into it. */
static const char *in_lang(const pl_plan *p, const char *s)
{
    if (p->lang != PL_LANG_EN || !s || !(*s & 0x80))
        return s;
    for (const char *t = s; *t; t++)
        if (t[0] == ' ' && ((t[1] >= 'A' && t[1] <= 'Z') || (t[1] >= 'a' && t[1] <= 'z')))
            return t + 1;
    return s;
}

/* The Chinese words zh (ending in a space) where a formatted label takes
 * them, or "" (--lang en). */
static const char *zh_sp(const pl_plan *p, const char *zh)
{
    return p->lang == PL_LANG_EN ? "" : zh;
}

static void text(pl_buf *b, double x, double y, double size, const char *anchor, const char *extra,
                 const char *s)
{
    pl_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" text-anchor=\"%s\"%s%s>", x, y, size,
                  anchor, extra ? " " : "", extra ? extra : "");
    pl_buf_xml(b, s);
    pl_buf_puts(b, "</text>\n");
}

/* ==== legend =========================================================== */

typedef struct legend {
    pl_buf *b;
    double y;
    const pl_plan *p;   /* its language */
} legend;

static void legend_head(legend *lg, const char *title)
{
    lg->y += 8;
    text(lg->b, LEGEND_X, lg->y, 11, "start", "font-weight=\"bold\"", in_lang(lg->p, title));
    lg->y += 6;
}

/* one legend row: a swatch drawn as geom type, coloured as c */
static void legend_row(legend *lg, int geom, const char *fill, double alpha, const char *stroke,
                       const char *dash, const char *label)
{
    pl_buf *b = lg->b;
    double y = lg->y + 9;
    if (geom == PL_STYLE_POINT)
        pl_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" stroke=\"%s\"/>\n",
                      LEGEND_X + 9, y - 4, fill, stroke);
    else if (geom == PL_STYLE_LINE)
        pl_buf_printf(b, "<path d=\"M%.1f %.1fh18\" stroke=\"%s\" stroke-width=\"2.4\"%s%s%s fill=\"none\"/>\n",
                      LEGEND_X, y - 4, stroke, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
                      dash ? "\"" : "");
    else
        pl_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"10\" fill=\"%s\" "
                         "fill-opacity=\"%g\" stroke=\"%s\"%s%s%s/>\n",
                      LEGEND_X, y - 9, fill ? fill : "none", fill ? alpha : 0, stroke,
                      dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
    text(b, LEGEND_X + 26, y, 10, "start", NULL, in_lang(lg->p, label));
    lg->y += 14;
}

static void legend_cat(legend *lg, const pl_layer_style *st, const pl_style_cat *c)
{
    char hatch[64];
    int h = st->geom == PL_STYLE_POLY && !strcmp(st->layer, "zones") && hatched(c->value);
    snprintf(hatch, sizeof hatch, "url(#hatch-%s)", c->value);
    legend_row(lg, st->geom, st->geom == PL_STYLE_LINE ? NULL : h ? hatch : c->fill, h ? 1 : c->alpha, c->stroke,
               NULL, c->label);
}

/* ==== the drawing ====================================================== */

static double nice_length(double metres)
{
    double k = pow(10, floor(log10(metres)));
    double m = metres / k;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * k;
}

static int north_angle(pl_ctx *ctx, const pl_plan *p, double cx, double cy, double *deg)
{
    double lon = cx, lat = cy, x, y;
    pl_xform *to = pl_crs_xform(ctx, p->sc->work_crs, "EPSG:4326");
    pl_xform *back = to ? pl_crs_xform(ctx, "EPSG:4326", p->sc->work_crs) : NULL;
    if (!back || pl_crs_trans(ctx, to, &lon, &lat, 1) != PL_OK)
        return pl_errcode(ctx);
    x = lon, y = lat + 0.01;
    if (pl_crs_trans(ctx, back, &x, &y, 1) != PL_OK)
        return pl_errcode(ctx);
    *deg = atan2(x - cx, y - cy) * 180 / M_PI;
    return PL_OK;
}

/* One map being drawn: where it goes, its view, and what it has shown so
 * far, so that the legend lists only what the map shows. */
typedef struct drawing {
    pl_ctx *ctx;
    const pl_plan *p;
    pl_buf *b;
    view v;
    double north;          /* true north, degrees clockwise from grid north */
    int has_water, has_boundary;
    int zone_present[16];  /* by the zone style's category */
    int other_zone;        /* a zone class the style does not list */
    int has_conf[PL_V__N];   /* by the verdict of flying there */
    int has_reroute;
    int has_verdict[PL_V__N]; /* by enum pl_verdict */
    int has_status[2];     /* by existing */
    pl_lspace lab;         /* marks and labels placed so far (maplabel.c) */
} drawing;

/* The view that fits extent e into the frame, centred, and the north
 * angle at its middle: all before a byte is written. */
static int setup(drawing *d, const double e[4])
{
    view *v = &d->v;
    v->s = fmin(FRAME_W / (e[2] - e[0]), FRAME_H / (e[3] - e[1]));
    v->minx = e[0];
    v->maxy = e[3];
    v->ox = FRAME_X + (FRAME_W - (e[2] - e[0]) * v->s) / 2;
    v->oy = FRAME_Y + (FRAME_H - (e[3] - e[1]) * v->s) / 2;
    d->north = 0;
    return north_angle(d->ctx, d->p, (e[0] + e[2]) / 2, (e[1] + e[3]) / 2, &d->north);
}

/* The view, widened until every site's label fits in the frame on its
 * right (where it is tried first) or its left: a few rounds, as each
 * widening changes the scale a little. */
static int fit(drawing *d, double e[4])
{
    const pl_plan *p = d->p;
    int rc = PL_OK;
    for (int round = 0; round < 4 && rc == PL_OK; round++) {
        if ((rc = setup(d, e)) != PL_OK)
            break;
        double grow_r = 0, grow_l = 0;
        for (size_t i = 0; p->siting && i < p->siting->n; i++) {
            const pl_site *st = &p->siting->a[i];
            if (!st->open)
                continue;
            char buf[256];
            const char *name = site_name(p->lang == PL_LANG_EN, st->name ? st->name : st->id, buf, sizeof buf);
            double w = pl_label_width(name, SITE_LABEL_PX) + 10, x = px(&d->v, st->x);
            double right = x + w - (FRAME_X + FRAME_W - 4), left = (FRAME_X + 4) - (x - w);
            if (right > 0 && left > 0) /* fits neither side: room on the nearer */
                grow_r = fmax(grow_r, right < left ? right : 0), grow_l = fmax(grow_l, right < left ? 0 : left);
        }
        if (grow_r <= 0 && grow_l <= 0)
            break;
        e[2] += grow_r / d->v.s, e[0] -= grow_l / d->v.s;
    }
    return rc;
}

/* the SVG element, the page and the frame's clip path */
static void draw_page(const drawing *d)
{
    pl_buf *b = d->b;
    const pl_plan *p = d->p;
    pl_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"297mm\" height=\"210mm\" "
                     "viewBox=\"0 0 %g %g\" font-family=\"%s\">\n",
                  PAGE_W, PAGE_H, FONT);
    pl_buf_puts(b, "<title>");
    pl_buf_xml(b, p->sc->title ? p->sc->title : p->sc->name);
    pl_buf_puts(b, "</title>\n");
    pl_buf_printf(b, "<rect width=\"%g\" height=\"%g\" fill=\"#ffffff\"/>\n", PAGE_W, PAGE_H);
    pl_buf_printf(b, "<defs><clipPath id=\"frame\"><rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\"/>"
                     "</clipPath>\n",
                  FRAME_X, FRAME_Y, FRAME_W, FRAME_H);
    /* hatching of the zone classes that cover large areas: a faint tint
     * and lines in the class's colour, the water and land seen between */
    const pl_layer_style *zst = pl_style_for("zones");
    for (size_t i = 0; i < zst->n_cats; i++) {
        const pl_style_cat *c = &zst->cats[i];
        if (hatched(c->value))
            pl_buf_printf(b, "<pattern id=\"hatch-%s\" patternUnits=\"userSpaceOnUse\" width=\"7\" height=\"7\" "
                             "patternTransform=\"rotate(45)\"><rect width=\"7\" height=\"7\" fill=\"%s\" "
                             "fill-opacity=\"%.2f\"/><path d=\"M0 0V7\" stroke=\"%s\" stroke-width=\"1.4\" "
                             "stroke-opacity=\"0.7\"/></pattern>\n",
                          c->value, c->fill, c->alpha / 3, c->fill);
    }
    pl_buf_puts(b, "</defs>\n");
}

/* title and one line of results */
static void draw_title(const drawing *d)
{
    pl_buf *b = d->b;
    const pl_plan *p = d->p;
    text(b, FRAME_X, 32, 20, "start", "font-weight=\"bold\"", p->sc->title ? p->sc->title : p->sc->name);
    size_t nv[PL_V__N] = {0};
    for (size_t i = 0; p->routes && i < p->routes->n; i++)
        nv[p->routes->res[i].verdict]++;
    pl_buf line; /* whole however long the scenario's name */
    pl_buf_init(&line);
    pl_buf_printf(&line, "%sScenario %s · %zu %sroutes: %zu %sfree, %zu %sadvisory, %zu %sapproval, %zu %sforbidden",
                  zh_sp(p, "情景 "), p->sc->name, p->routes ? p->routes->n : 0, zh_sp(p, "航线 "), nv[PL_V_FREE],
                  zh_sp(p, "适飞 "), nv[PL_V_ADVISORY], zh_sp(p, "提示 "), nv[PL_V_APPROVAL], zh_sp(p, "需报批 "),
                  nv[PL_V_FORBIDDEN], zh_sp(p, "禁飞 "));
    if (p->siting) {
        size_t built = 0;
        for (size_t i = 0; i < p->siting->n; i++)
            built += p->siting->a[i].existing;
        pl_buf_printf(&line, " · %svertiports: %zu %sbuilt + %zu %snew · %sdemand covered %.1f of %.1f (%sbound %.1f)",
                      zh_sp(p, "起降点 "), built, zh_sp(p, "已建 "), p->siting->n_new, zh_sp(p, "新增 "),
                      zh_sp(p, "需求覆盖 "), p->siting->covered_w, p->siting->total_w, zh_sp(p, "界 "),
                      p->siting->bound);
    }
    text(b, FRAME_X, 54, 11, "start", "fill=\"#333\"", line.s);
    pl_buf_free(&line);
}

/* the map's background; the layers that follow are clipped to the frame */
static void open_frame(const drawing *d)
{
    pl_buf_printf(d->b, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"#f5f3ea\"/>\n", FRAME_X,
                  FRAME_Y, FRAME_W, FRAME_H);
    pl_buf_puts(d->b, "<g clip-path=\"url(#frame)\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n");
}

/* water, then the islands in it as land */
static void draw_water(drawing *d)
{
    const pl_layer *wl = layer_of_role(d->p, PL_ROLE_WATER);
    for (int pass = 0; wl && pass < 2; pass++)
        for (size_t i = 0; i < wl->n_feats; i++) {
            const pl_feature *f = &wl->a_feats[i];
            int island = !strcmp(pl_feature_str(f, "kind", ""), "island");
            if (island != pass)
                continue;
            d->has_water = 1;
            path(d->ctx, &d->v, f->g,
                 island ? "class=\"land\" fill=\"#f5f3ea\" stroke=\"" WATER_STROKE "\" stroke-width=\"0.6\""
                        : "class=\"water\" fill=\"" WATER_FILL "\" stroke=\"" WATER_STROKE "\" stroke-width=\"0.6\" "
                          "fill-rule=\"evenodd\"",
                 d->b);
        }
}

/* zones: the large airport areas first, so smaller zones stay visible */
static void draw_zones(drawing *d)
{
    const pl_plan *p = d->p;
    const pl_layer_style *zst = pl_style_for("zones");
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < p->zones->n; i++) {
            const pl_zone *z = &p->zones->a[i];
            if (!z->g || (!strcmp(z->cls, "airport")) != (pass == 0))
                continue;
            const pl_style_cat *c = pl_style_pick(zst, z->cls);
            if (c >= zst->cats && c < zst->cats + zst->n_cats)
                d->zone_present[c - zst->cats] = 1;
            else
                d->other_zone = 1;
            pl_buf a;
            pl_buf_init(&a);
            pl_buf_puts(&a, "class=\"zone\" data-class=\"");
            pl_buf_xml(&a, z->cls);
            if (hatched(c->value))
                pl_buf_printf(&a, "\" fill=\"url(#hatch-%s)\" stroke=\"%s\" stroke-width=\"0.8\" "
                                  "fill-rule=\"evenodd\"",
                              c->value, c->stroke);
            else
                pl_buf_printf(&a, "\" fill=\"%s\" fill-opacity=\"%g\" stroke=\"%s\" stroke-width=\"0.8\" "
                                  "fill-rule=\"evenodd\"",
                              c->fill ? c->fill : "none", c->alpha, c->stroke);
            if (!a.oom)
                path(d->ctx, &d->v, z->g, a.s, d->b);
            pl_buf_free(&a);
        }
}

static void draw_boundary(drawing *d)
{
    const pl_layer *bl = layer_of_role(d->p, PL_ROLE_BOUNDARY);
    for (size_t i = 0; bl && i < bl->n_feats; i++) {
        d->has_boundary = 1;
        path(d->ctx, &d->v, bl->a_feats[i].g,
             "class=\"boundary\" fill=\"none\" stroke=\"#444\" stroke-width=\"1.4\" stroke-dasharray=\"7 3 2 3\"",
             d->b);
    }
}

/* service areas: a circle of the service radius round every open site */
static void draw_coverage(const drawing *d)
{
    const pl_plan *p = d->p;
    const pl_layer_style *cst = pl_style_for("coverage");
    for (size_t i = 0; p->siting && i < p->siting->n; i++) {
        const pl_site *st = &p->siting->a[i];
        if (!st->open)
            continue;
        const pl_style_cat *c = pl_style_pick(cst, st->existing ? "existing" : "planned");
        pl_buf_printf(d->b, "<circle class=\"coverage\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"none\" "
                            "stroke=\"%s\" stroke-width=\"0.6\" stroke-dasharray=\"3 2\"/>\n",
                      px(&d->v, st->x), py(&d->v, st->y), p->sc->siting.radius_m * d->v.s, c->stroke);
    }
}

/* conflicts: where a corridor enters a zone it may not */
static void draw_conflicts(drawing *d)
{
    const pl_plan *p = d->p;
    const pl_layer_style *xst = pl_style_for("conflicts");
    for (size_t i = 0; p->routes && i < p->routes->n_c; i++) {
        const pl_conflict *c = &p->routes->c[i];
        const pl_style_cat *cc = pl_style_pick(xst, pl_verdict_names[c->verdict]);
        d->has_conf[c->verdict] = 1;
        char attrs[256];
        snprintf(attrs, sizeof attrs, "class=\"conflict\" fill=\"%s\" fill-opacity=\"%g\" stroke=\"%s\" "
                                      "stroke-width=\"0.6\"",
                 cc->fill, cc->alpha, cc->stroke);
        path(d->ctx, &d->v, c->overlap, attrs, d->b);
    }
}

/* the reroutes found, under the routes */
static int draw_reroutes(drawing *d)
{
    pl_ctx *ctx = d->ctx;
    const pl_plan *p = d->p;
    const pl_layer_style *rrst = pl_style_for("reroutes");
    for (size_t i = 0; p->reroutes && i < p->routes->n; i++) {
        const pl_reroute *rr = &p->reroutes[i];
        if (!rr->found)
            continue;
        d->has_reroute = 1;
        GEOSGeometry *g = pl_geom_line(ctx, rr->x, rr->y, rr->n);
        if (!g)
            return pl_errcode(ctx);
        pl_buf a;
        pl_buf_init(&a);
        pl_buf_puts(&a, "class=\"reroute\" data-id=\"");
        pl_buf_xml(&a, p->routes->a[i].id);
        pl_buf_printf(&a, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"6 4\"",
                      rrst->cats[0].stroke);
        if (!a.oom)
            path(ctx, &d->v, g, a.s, d->b);
        pl_buf_free(&a);
        GEOSGeom_destroy_r(pl_geos(ctx), g);
    }
    return PL_OK;
}

/* routes coloured by verdict, planned ones dashed (labelled in draw_labels) */
static int draw_routes(drawing *d)
{
    const pl_plan *p = d->p;
    const pl_layer_style *rst = pl_style_for("routes");
    for (size_t i = 0; p->routes && i < p->routes->n; i++) {
        const pl_route *r = &p->routes->a[i];
        int vd = p->routes->res[i].verdict;
        d->has_verdict[vd] = 1;
        const pl_style_cat *c = pl_style_pick(rst, pl_verdict_names[vd]);
        pl_buf a;
        pl_buf_init(&a);
        pl_buf_puts(&a, "class=\"route\" data-id=\"");
        pl_buf_xml(&a, r->id);
        pl_buf_printf(&a, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.6\"%s", c->stroke,
                      r->status && !strcmp(r->status, "existing") ? "" : " stroke-dasharray=\"10 3\"");
        if (a.oom) {
            pl_buf_free(&a);
            return pl_error(d->ctx, PL_NOMEM, "out of memory");
        }
        path(d->ctx, &d->v, r->line, a.s, d->b);
        pl_buf_free(&a);
    }
    return PL_OK;
}

/* vertiports last; their marks taken before any label is placed */
static void draw_vertiports(drawing *d)
{
    const pl_plan *p = d->p;
    pl_buf *b = d->b;
    const pl_layer_style *vst = pl_style_for("vertiports");
    for (size_t i = 0; p->siting && i < p->siting->n; i++) {
        const pl_site *st = &p->siting->a[i];
        if (!st->open)
            continue;
        d->has_status[st->existing] = 1;
        const pl_style_cat *c = pl_style_pick(vst, st->existing ? "existing" : "planned");
        double x = px(&d->v, st->x), y = py(&d->v, st->y);
        pl_buf_puts(b, "<circle class=\"vertiport\" data-id=\"");
        pl_buf_xml(b, st->id);
        pl_buf_printf(b, "\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.2\"/>\n",
                      x, y, c->fill, c->stroke);
        pl_lspace_take(&d->lab, (pl_lbox){x - 5.5, y - 5.5, x + 5.5, y + 5.5});
    }
}

/* one label: white halo, a leader line to its anchor when set apart */
static void label(const drawing *d, const pl_lplace *pl, double size, const char *cls, const char *fill,
                  const char *id, const char *s)
{
    pl_buf *b = d->b;
    double ax = pl->ax, ay = pl->ay;
    if (pl->leader) {
        double lx = fmax(pl->box.x0, fmin(ax, pl->box.x1)), ly = fmax(pl->box.y0, fmin(ay, pl->box.y1));
        pl_buf_printf(b, "<path d=\"M%.1f %.1fL%.1f %.1f\" stroke=\"#555\" stroke-width=\"0.6\"/>\n", ax, ay, lx,
                      ly);
    }
    pl_buf_printf(b, "<text class=\"%s\" data-id=\"", cls);
    pl_buf_xml(b, id);
    pl_buf_printf(b, "\" x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"2.5\" "
                     "paint-order=\"stroke\">",
                  pl->tx, pl->ty, size, fill);
    pl_buf_xml(b, s);
    pl_buf_puts(b, "</text>\n");
}

/* The labels over everything: the sites first (built, then planned), then
 * each route's id near its middle, each where it meets no other label or
 * mark (maplabel.c). */
static int draw_labels(drawing *d)
{
    const pl_plan *p = d->p;
    GEOSContextHandle_t h = pl_geos(d->ctx);
    int en = p->lang == PL_LANG_EN;
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; p->siting && i < p->siting->n; i++) {
            const pl_site *st = &p->siting->a[i];
            if (!st->open || st->existing != pass)
                continue;
            char buf[256];
            const char *name = site_name(en, st->name ? st->name : st->id, buf, sizeof buf);
            double x = px(&d->v, st->x), y = py(&d->v, st->y);
            pl_lplace pl = pl_label_near(&d->lab, x, y, 4.5, pl_label_width(name, SITE_LABEL_PX),
                                         SITE_LABEL_PX * 1.2);
            label(d, &pl, SITE_LABEL_PX, "site-label", "#000", st->id, name);
        }
    const pl_layer_style *rst = pl_style_for("routes");
    for (size_t i = 0; p->routes && i < p->routes->n; i++) {
        const pl_route *r = &p->routes->a[i];
        static const double at[9] = {0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9};
        double ax[9], ay[9];
        size_t n = 0;
        for (int k = 0; k < 9; k++) {
            GEOSGeometry *pt = GEOSInterpolateNormalized_r(h, r->line, at[k]);
            double x, y;
            if (pt && GEOSGeomGetX_r(h, pt, &x) && GEOSGeomGetY_r(h, pt, &y))
                ax[n] = px(&d->v, x), ay[n++] = py(&d->v, y);
            if (pt)
                GEOSGeom_destroy_r(h, pt);
        }
        if (!n)
            continue;
        const pl_style_cat *c = pl_style_pick(rst, pl_verdict_names[p->routes->res[i].verdict]);
        pl_lplace pl = pl_label_along(&d->lab, ax, ay, n, pl_label_width(r->id, ROUTE_LABEL_PX),
                                      ROUTE_LABEL_PX * 1.2);
        label(d, &pl, ROUTE_LABEL_PX, "route-label", c->stroke, r->id, r->id);
    }
    return d->lab.oom ? pl_error(d->ctx, PL_NOMEM, "out of memory") : PL_OK;
}

/* the end of the clipped layers, and the frame's line over them */
static void close_frame(const drawing *d)
{
    pl_buf_puts(d->b, "</g>\n");
    pl_buf_printf(d->b, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#222\"/>\n",
                  FRAME_X, FRAME_Y, FRAME_W, FRAME_H);
}

/* scale bar: a round length near a sixth of the frame */
static void draw_scalebar(const drawing *d)
{
    pl_buf *b = d->b;
    double len = nice_length(FRAME_W / 6 / d->v.s), L = len * d->v.s;
    double sx = FRAME_X + 16, sy = FRAME_Y + FRAME_H - 20;
    pl_buf_printf(b, "<g class=\"scalebar\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"30\" "
                     "fill=\"#fff\" fill-opacity=\"0.85\"/>\n",
                  sx - 8, sy - 20, L + 16 + 100);
    for (int i = 0; i < 4; i++)
        pl_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"5\" fill=\"%s\" stroke=\"#000\" "
                         "stroke-width=\"0.6\"/>\n",
                      sx + i * L / 4, sy - 5, L / 4, i % 2 ? "#fff" : "#000");
    char lab[64];
    text(b, sx, sy - 8, 9, "middle", NULL, "0");
    snprintf(lab, sizeof lab, "%g", len >= 1000 ? len / 2000 : len / 2);
    text(b, sx + L / 2, sy - 8, 9, "middle", NULL, lab);
    snprintf(lab, sizeof lab, "%g %s", len >= 1000 ? len / 1000 : len, len >= 1000 ? "km" : "m");
    text(b, sx + L, sy - 8, 9, "middle", NULL, lab);
    snprintf(lab, sizeof lab, "1 : %.0f on A4", 96 / 0.0254 / d->v.s);
    text(b, sx + L + 14, sy + 1, 8, "start", "fill=\"#555\"", lab);
    pl_buf_puts(b, "</g>\n");
}

/* north arrow, turned to true north */
static void draw_north(const drawing *d)
{
    double ax = FRAME_X + FRAME_W - 34, ay = FRAME_Y + 40;
    pl_buf_printf(d->b, "<g class=\"north\" transform=\"rotate(%.2f %.1f %.1f)\">"
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"22\" fill=\"#fff\" fill-opacity=\"0.85\"/>"
                        "<path d=\"M%.1f %.1fl8 26l-8 -7l-8 7z\" fill=\"#000\"/>"
                        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" font-weight=\"bold\" text-anchor=\"middle\">N</text></g>\n",
                  d->north, ax, ay, ax, ay, ax, ay - 18, ax, ay + 19);
    char lab[64];
    snprintf(lab, sizeof lab, "%strue north (grid %+.2f°)", zh_sp(d->p, "真北 "), d->north);
    text(d->b, ax, ay + 36, 7.5, "middle", "fill=\"#555\"", lab);
}

/* legend: only what the map shows */
static void draw_legend(const drawing *d)
{
    const pl_plan *p = d->p;
    const pl_layer_style *vst = pl_style_for("vertiports"), *rst = pl_style_for("routes");
    const pl_layer_style *rrst = pl_style_for("reroutes"), *xst = pl_style_for("conflicts");
    const pl_layer_style *zst = pl_style_for("zones");
    legend lg = {d->b, FRAME_Y - 6, p};
    text(d->b, LEGEND_X, FRAME_Y + 4, 13, "start", "font-weight=\"bold\"", in_lang(p, "图例 Legend"));
    lg.y = FRAME_Y + 8;
    if (d->has_status[0] || d->has_status[1]) {
        legend_head(&lg, vst->title);
        for (int s = 1; s >= 0; s--)
            if (d->has_status[s])
                legend_cat(&lg, vst, pl_style_pick(vst, s ? "existing" : "planned"));
    }
    if (p->routes && p->routes->n) {
        legend_head(&lg, rst->title);
        for (int s = 0; s < PL_V__N; s++)
            if (d->has_verdict[s])
                legend_cat(&lg, rst, pl_style_pick(rst, pl_verdict_names[s]));
        legend_row(&lg, PL_STYLE_LINE, NULL, 1, "#555", NULL, "已开通 existing (solid)");
        legend_row(&lg, PL_STYLE_LINE, NULL, 1, "#555", "10 3", "规划/提议 planned (dashed)");
        if (d->has_reroute)
            legend_row(&lg, PL_STYLE_LINE, NULL, 1, rrst->cats[0].stroke, "6 4", rrst->cats[0].label);
    }
    if (d->has_conf[PL_V_ADVISORY] || d->has_conf[PL_V_APPROVAL] || d->has_conf[PL_V_FORBIDDEN]) {
        legend_head(&lg, xst->title);
        for (int s = PL_V_FORBIDDEN; s >= PL_V_ADVISORY; s--)
            if (d->has_conf[s])
                legend_cat(&lg, xst, pl_style_pick(xst, pl_verdict_names[s]));
    }
    legend_head(&lg, zst->title);
    for (size_t i = 0; i < zst->n_cats; i++)
        if (d->zone_present[i])
            legend_cat(&lg, zst, &zst->cats[i]);
    if (d->other_zone)
        legend_cat(&lg, zst, pl_style_pick(zst, NULL));
    legend_head(&lg, "底图 Base");
    if (d->has_water)
        legend_row(&lg, PL_STYLE_POLY, WATER_FILL, 1, WATER_STROKE, NULL, "水域 Water");
    if (d->has_boundary)
        legend_row(&lg, PL_STYLE_POLY, NULL, 0, "#444", "7 3 2 3", "区界 District boundary");
    if (p->siting) {
        char lab[64];
        snprintf(lab, sizeof lab, "服务半径 Reach %g km", p->sc->siting.radius_m / 1000);
        legend_row(&lg, PL_STYLE_POLY, NULL, 0, "#2166ac", "3 2", lab);
    }
}

/* footer: CRS, licences, honesty */
static void draw_footer(const drawing *d)
{
    const pl_plan *p = d->p;
    pl_buf lic;
    pl_buf_init(&lic);
    for (size_t i = 0; i < p->n_layers; i++)
        for (size_t j = 0; j < p->layers[i]->n_feats; j++) {
            const char *l = pl_feature_str(&p->layers[i]->a_feats[j], "license", NULL);
            if (!l || (lic.s && strstr(lic.s, l)))
                continue;
            pl_buf_printf(&lic, "%s%s", lic.n ? ", " : "", l);
        }
    pl_buf ft; /* two lines, so that the page holds them */
    pl_buf_init(&ft);
    pl_buf_printf(&ft, "%sCRS %s. %sLicences: %s%s.", zh_sp(p, "坐标系 "), p->sc->work_crs, zh_sp(p, "许可 "),
                  lic.n ? lic.s : "none stated",
                  lic.s && strstr(lic.s, "ODbL") ? " (© OpenStreetMap contributors)" : "");
    text(d->b, FRAME_X, PAGE_H - 26, 8.5, "start", "fill=\"#444\"", ft.s ? ft.s : "");
    ft.n = 0;
    pl_buf_printf(&ft, "%sNot an official map: approximate and illustrative features are marked in report.html.",
                  zh_sp(p, "非官方地图，近似与示意要素已在 report.html 中标明。 "));
    text(d->b, FRAME_X, PAGE_H - 13, 8.5, "start", "fill=\"#444\"", ft.s ? ft.s : "");
    pl_buf_free(&ft);
    pl_buf_free(&lic);
}

/* The map in drawing order: each layer over the ones before it, the legend
 * (which lists what the layers drew) after them. */
int pl_map_svg(pl_ctx *ctx, const pl_plan *p, pl_buf *b)
{
    double e[4];
    if (!extent(ctx, p, e))
        return pl_error(ctx, PL_GEOM, "map: the plan has nothing to draw");
    drawing d = {.ctx = ctx, .p = p, .b = b};
    d.lab.frame = (pl_lbox){FRAME_X + 2, FRAME_Y + 2, FRAME_X + FRAME_W - 2, FRAME_Y + FRAME_H - 2};
    int rc = fit(&d, e);
    if (rc != PL_OK)
        return rc;
    draw_page(&d);
    draw_title(&d);
    open_frame(&d);
    draw_water(&d);
    draw_zones(&d);
    draw_boundary(&d);
    draw_coverage(&d);
    draw_conflicts(&d);
    if ((rc = draw_reroutes(&d)) != PL_OK || (rc = draw_routes(&d)) != PL_OK)
        goto out;
    draw_vertiports(&d);
    if ((rc = draw_labels(&d)) != PL_OK)
        goto out;
    close_frame(&d);
    draw_scalebar(&d);
    draw_north(&d);
    draw_legend(&d);
    draw_footer(&d);
    pl_buf_puts(b, "</svg>\n");
    rc = b->oom ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
out:
    pl_lspace_free(&d.lab);
    return rc;
}
