/*
 * map.c - the plan as a picture: plan.svg, an A4 landscape map drawn from
 * the run's own data (water, boundary, zones, coverage, conflicts, routes,
 * reroutes, vertiports) with a legend, a scale bar and a north arrow; and
 * plan.png from it when an SVG converter (rsvg-convert) is installed.
 *
 * Entry points: pl_map_svg, pl_map_png.
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

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A4 landscape at 96 px per inch */
#define PAGE_W 1123.0
#define PAGE_H 794.0
#define FRAME_X 24.0
#define FRAME_Y 70.0
#define FRAME_W 820.0
#define FRAME_H 680.0
#define LEGEND_X 866.0
#define FONT "Noto Sans CJK SC, WenQuanYi Micro Hei, Source Han Sans SC, Microsoft YaHei, sans-serif"

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

static const pl_layer *layer_of_role(const pl_plan *p, int role)
{
    for (size_t i = 0; i < p->n_layers; i++)
        if (p->layers[i]->decl->role == role)
            return p->layers[i];
    return NULL;
}

/* The map's world extent: the boundary, else everything drawn. */
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
    if (!isfinite(e[0])) {
        for (size_t i = 0; p->routes && i < p->routes->n; i++)
            GROW(p->routes->a[i].line);
        for (size_t i = 0; p->siting && i < p->siting->n; i++)
            if (p->siting->a[i].open) {
                e[0] = fmin(e[0], p->siting->a[i].x), e[2] = fmax(e[2], p->siting->a[i].x);
                e[1] = fmin(e[1], p->siting->a[i].y), e[3] = fmax(e[3], p->siting->a[i].y);
            }
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
    legend_row(lg, st->geom, st->geom == PL_STYLE_LINE ? NULL : c->fill, c->alpha, c->stroke,
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
                     "</clipPath></defs>\n",
                  FRAME_X, FRAME_Y, FRAME_W, FRAME_H);
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
                 island ? "class=\"land\" fill=\"#f5f3ea\" stroke=\"#8fb8d8\" stroke-width=\"0.6\""
                        : "class=\"water\" fill=\"#cfe3f2\" stroke=\"#8fb8d8\" stroke-width=\"0.6\" "
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

/* the point halfway along a route, where its label goes; 0 when GEOS
 * cannot tell */
static int route_middle(pl_ctx *ctx, const pl_route *r, double *x, double *y)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry *pt = GEOSInterpolateNormalized_r(h, r->line, 0.5);
    if (!pt)
        return 0;
    GEOSGeomGetX_r(h, pt, x);
    GEOSGeomGetY_r(h, pt, y);
    GEOSGeom_destroy_r(h, pt);
    return 1;
}

/* the id of a route at (x, y), in the route's colour */
static void route_label(const drawing *d, const pl_route *r, const pl_style_cat *c, double x, double y)
{
    char fill[64];
    snprintf(fill, sizeof fill, "fill=\"%s\" class=\"route-label\"", c->stroke);
    pl_buf_printf(d->b, "<g stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\">");
    text(d->b, px(&d->v, x), py(&d->v, y) - 4, 9, "middle", fill, r->id);
    pl_buf_puts(d->b, "</g>\n");
}

/* routes coloured by verdict, planned ones dashed, each labelled */
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
        /* a route is always drawn, however short: its id tells which */
        double mx, my;
        int mid = route_middle(d->ctx, r, &mx, &my);
        path(d->ctx, &d->v, r->line, a.s, d->b);
        pl_buf_free(&a);
        if (mid)
            route_label(d, r, c, mx, my);
    }
    return PL_OK;
}

/* vertiports last, labelled */
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
        pl_buf_puts(b, "<g class=\"vertiport\" data-id=\"");
        pl_buf_xml(b, st->id);
        pl_buf_printf(b, "\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" stroke=\"%s\" "
                         "stroke-width=\"1.2\"/>",
                      x, y, c->fill, c->stroke);
        pl_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"8.5\" stroke=\"#fff\" stroke-width=\"2.5\" "
                         "paint-order=\"stroke\">",
                      x + 6.5, y + 3);
        pl_buf_xml(b, st->name ? st->name : st->id);
        pl_buf_puts(b, "</text></g>\n");
    }
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
                  sx - 8, sy - 20, L + 16 + 40);
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
    text(b, sx + L + 30, sy + 1, 8, "middle", "fill=\"#555\"", lab);
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
        legend_row(&lg, PL_STYLE_POLY, "#cfe3f2", 1, "#8fb8d8", NULL, "水域 Water");
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
    pl_buf ft;
    pl_buf_init(&ft);
    pl_buf_printf(&ft, "%sCRS %s. %sLicences: %s%s. %sNot an official map: approximate and illustrative "
                       "features are marked in report.html.",
                  zh_sp(p, "坐标系 "), p->sc->work_crs, zh_sp(p, "许可 "), lic.n ? lic.s : "none stated",
                  lic.s && strstr(lic.s, "ODbL") ? " (© OpenStreetMap contributors)" : "",
                  zh_sp(p, "非官方地图，近似与示意要素已在 report.html 中标明。 "));
    text(d->b, FRAME_X, PAGE_H - 20, 8.5, "start", "fill=\"#444\"", ft.s ? ft.s : "");
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
    int rc = setup(&d, e);
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
        return rc;
    draw_vertiports(&d);
    close_frame(&d);
    draw_scalebar(&d);
    draw_north(&d);
    draw_legend(&d);
    draw_footer(&d);
    pl_buf_puts(b, "</svg>\n");
    return b->oom ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
}

/* ==== PNG through rsvg-convert ========================================= */

static char *find_program(const char *name)
{
    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    while (*path) {
        size_t k = strcspn(path, ":");
        char buf[4096];
        if (k && k + strlen(name) + 2 < sizeof buf) {
            snprintf(buf, sizeof buf, "%.*s/%s", (int)k, path, name);
            if (access(buf, X_OK) == 0)
                return pl_strdup(buf);
        }
        path += k;
        if (*path)
            path++;
    }
    return NULL;
}

/* The SVG to rsvg-convert's stdin and the PNG from its stdout, through
 * pipes pumped with poll (either may fill while the other waits): no
 * temporary file, so nothing can be left behind, even by kill -9. */
static int pump(int to, int from, const pl_buf *in, pl_buf *out)
{
    size_t sent = 0;
    char chunk[65536];
    int open_in = 1;
    for (;;) {
        struct pollfd fds[2] = {{.fd = from, .events = POLLIN}, {.fd = open_in ? to : -1, .events = POLLOUT}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (open_in && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t k = (fds[1].revents & POLLOUT) ? write(to, in->s + sent, in->n - sent) : -1;
            if (k > 0)
                sent += (size_t)k;
            if (k < 0 || sent == in->n) {
                close(to); /* all sent (or the reader went away): end of input */
                open_in = 0;
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t k = read(from, chunk, sizeof chunk);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            pl_buf_putn(out, chunk, (size_t)k);
        }
    }
    if (open_in)
        close(to);
    return sent == in->n && !out->oom ? 0 : -1;
}

int pl_map_png(pl_ctx *ctx, const pl_buf *svg, pl_buf *png)
{
    char *prog = find_program("rsvg-convert");
    if (!prog)
        return PL_OK; /* no converter: no PNG, the SVG is the map */
    int in[2] = {-1, -1}, out[2] = {-1, -1}, rc = PL_OK;
    posix_spawn_file_actions_t fa;
    int have_fa = 0;
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || posix_spawn_file_actions_init(&fa)) {
        rc = pl_error(ctx, PL_IO, "cannot start %s: %s", prog, strerror(errno));
        goto done;
    }
    have_fa = 1;
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    char *argv[] = {prog, "--zoom", "2", "--background-color", "white", "--format", "png", NULL};
    pid_t pid;
    int status = 0;
    /* a writer whose reader died gets EPIPE, not a deadly SIGPIPE */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGPIPE, &ign, &old);
    if (posix_spawn(&pid, prog, &fa, NULL, argv, environ) != 0) {
        sigaction(SIGPIPE, &old, NULL);
        rc = pl_error(ctx, PL_IO, "cannot start %s: %s", prog, strerror(errno));
        goto done;
    }
    close(in[0]);
    close(out[1]);
    in[0] = out[1] = -1;
    int pumped = pump(in[1], out[0], svg, png);
    in[1] = -1; /* closed by pump */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    sigaction(SIGPIPE, &old, NULL);
    if (pumped || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || png->n == 0)
        rc = pl_error(ctx, PL_IO, "%s failed to draw plan.png from plan.svg", prog);
done:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
    }
    if (have_fa)
        posix_spawn_file_actions_destroy(&fa);
    free(prog);
    return rc;
}
