/*
 * zonex.c - zones for authorities and drone software: the zones as EUROCAE
 * ED-269 and ED-318 UAS geographical zone files, and a route's geofence as
 * a QGroundControl plan (PX4 and ArduPilot).  The class and code table and
 * the readers are input/ed269.c's.
 *
 * Entry points: pl_zonex_write, pl_fence_qgc.
 *
 * The restriction written is the one the scenario's rule applies, the
 * reason the class's (pl_zonex_reason_of; the table at the top of
 * input/ed269.c, which reads each restriction back to a class of the same
 * verdict).  Every value keeps within the standards' limits (ED-318's JSON
 * schema, ED-269's sizes; tests/schemas/ has both and their sources):
 * identifiers of at most 7 characters (the id itself when short enough,
 * else 7 base-32 digits of its SHA-256: stable across runs, a collision an
 * error); texts cut at a character, never inside one, with "…" when cut,
 * the verdict first; ED-318 texts as {text, lang} lists, zh-CN first and en
 * beside (a "中文 English" name split in two); ED-269 limits in whole metres
 * widened outwards.  What a limit cuts stays whole in extendedProperties
 * (planner_id, planner_name, planner_basis, rule_basis, floor_m, ceiling_m,
 * our class and provenance), which input/ed269.c reads back, so a round
 * trip gives the same zones.  Circles are written as the polygons the zones
 * hold; an unlimited ceiling as 99999 m.
 */
#include "planner.h"

#include <ctype.h>
#include <libfyaml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNLIMITED_M 99999.0 /* an upper limit this high means unlimited (input/ed269.c reads it so) */

/* ==== the standards' limits ============================================ */

/* ED-269 (the InterUSS model of it: identifier 7, name and message 200,
 * otherReasonInfo 30 characters) and ED-318 (its JSON schema: identifier
 * 7, every {text, lang} text 200 characters, lang 5); tests/schemas/ holds
 * both with their sources. */
#define ED_ID_MAX 7
#define ED_TEXT_MAX 200
#define ED269_OTHER_MAX 30

/* characters (code points) of the UTF-8 text s[0..n) */
static size_t u8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* s[0..n) as a JSON string of at most max (>= 2) characters: when longer,
 * cut before a character (never inside one), trailing spaces dropped, and
 * "…" says so.  The full text stays in extendedProperties. */
static void put_text(pl_buf *b, const char *s, size_t n, size_t max)
{
    if (u8_chars(s, n) <= max) {
        pl_buf_json_strn(b, s, n);
        return;
    }
    size_t i = 0, c = 0;
    for (; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && c++ == max - 1)
            break; /* s[i] starts character max: keep max - 1 and the ellipsis */
    while (i > 0 && s[i - 1] == ' ')
        i--;
    pl_buf t;
    pl_buf_init(&t);
    pl_buf_putn(&t, s, i);
    pl_buf_puts(&t, "…");
    pl_buf_json_strn(b, t.s ? t.s : "", t.n);
    if (t.oom)
        b->oom = 1;
    pl_buf_free(&t);
}

/* 1 when a CJK character (U+2E80-U+9FFF, U+F900-U+FAFF, U+FF00-U+FFEF:
 * ideographs, their punctuation, full-width forms) starts at u */
static int cjk_at(const unsigned char *u)
{
    if ((u[0] & 0xF0) != 0xE0 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80)
        return 0;
    unsigned cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

/* the first CJK character of s[0..n) (n when none) */
static size_t first_cjk(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++)
        if (i + 2 < n && cjk_at(u + i))
            return i;
    return n;
}

/* A "中文 English" text (names, the style's class labels) split into its
 * Chinese part s[0..*zh_n) and its English part *en (NULL when none).  No
 * CJK character: English alone; CJK first, then after a space an ASCII
 * letter, digit or '(' with no CJK after it: both; any other mix: the
 * whole text as Chinese. */
static void split_zh_en(const char *s, size_t *zh_n, const char **en)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    *en = NULL;
    *zh_n = 0;
    if (first_cjk(s, n) == n) {
        *en = n ? s : NULL;
        return;
    }
    *zh_n = n;
    if (!cjk_at(u))
        return;
    for (size_t i = 1; i < n; i++) {
        if (u[i - 1] != ' ' || !(u[i] < 0x80 && (isalnum(u[i]) || u[i] == '(')))
            continue;
        if (first_cjk(s + i, n - i) < n - i) /* Chinese again later: go on */
            continue;
        size_t z = i;
        while (z > 0 && s[z - 1] == ' ')
            z--;
        *zh_n = z;
        *en = s + i;
        return;
    }
}

/* ED-318 texts: [{"lang":"zh-CN","text":zh},{"lang":"en","text":en}],
 * each present one, zh-CN first, each cut to ED_TEXT_MAX */
static void put_langs(pl_buf *b, const char *zh, size_t zh_n, const char *en)
{
    pl_buf_puts(b, "[");
    if (zh_n) {
        pl_buf_puts(b, "{\"lang\":\"zh-CN\",\"text\":");
        put_text(b, zh, zh_n, ED_TEXT_MAX);
        pl_buf_puts(b, "}");
    }
    if (en && *en) {
        pl_buf_puts(b, zh_n ? ",{\"lang\":\"en\",\"text\":" : "{\"lang\":\"en\",\"text\":");
        put_text(b, en, strlen(en), ED_TEXT_MAX);
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "]");
}

/* a "中文 English" text as ED-318 {text, lang} entries */
static void put_zh_en(pl_buf *b, const char *s)
{
    size_t zn;
    const char *en;
    split_zh_en(s ? s : "", &zn, &en);
    put_langs(b, s, zn, en);
}

/* The zone's identifier in the files: its own id when at most 7
 * characters, else 7 base-32 digits of the SHA-256 of the id (35 bits):
 * the same on every run, and the id itself in extendedProperties.planner_id
 * (input/ed269.c reads it back). */
static void ed_ident(const char *id, char out[32])
{
    static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* no I, L, O, U */
    size_t n = strlen(id);
    if (n < 32 && u8_chars(id, n) <= ED_ID_MAX) {
        memcpy(out, id, n + 1);
        return;
    }
    pl_sha256 s;
    char hex[65];
    pl_sha256_init(&s);
    pl_sha256_add(&s, id, n);
    pl_sha256_hex(&s, hex);
    hex[9] = '\0';
    unsigned long long v = strtoull(hex, NULL, 16) >> 1; /* 36 bits, 35 kept */
    for (int i = 0; i < ED_ID_MAX; i++)
        out[i] = b32[(v >> (5 * (ED_ID_MAX - 1 - i))) & 31];
    out[ED_ID_MAX] = '\0';
}

typedef struct ident_of {
    char ident[32];
    const char *id;
} ident_of;

static int ident_cmp(const void *a, const void *b)
{
    const ident_of *x = a, *y = b;
    int c = strcmp(x->ident, y->ident);
    return c ? c : strcmp(x->id, y->id); /* the message names them in one order */
}

/* Two zones with one identifier would be one zone to a reader: an error
 * naming both (a kept short id equal to another's digits, or 35 bits
 * colliding: 1 in 3e6 for 100 zones). */
static int idents_unique(pl_ctx *ctx, const pl_zoneset *zs)
{
    ident_of *a = calloc(zs->n ? zs->n : 1, sizeof *a);
    size_t n = 0;
    if (!a)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t i = 0; i < zs->n; i++)
        if (zs->a[i].g) {
            ed_ident(zs->a[i].id, a[n].ident);
            a[n++].id = zs->a[i].id;
        }
    qsort(a, n, sizeof *a, ident_cmp);
    int rc = PL_OK;
    for (size_t i = 1; rc == PL_OK && i < n; i++)
        if (!strcmp(a[i - 1].ident, a[i].ident))
            rc = pl_error(ctx, PL_PARSE,
                          "zones '%s' and '%s' both become ED-269/ED-318 identifier '%s' (at most %d characters): "
                          "rename one",
                          a[i - 1].id, a[i].id, a[i].ident, ED_ID_MAX);
    free(a);
    return rc;
}

/* ==== writing ========================================================== */

/* The restriction the scenario's rule applies: forbidden PROHIBITED,
 * approval REQ_AUTHORISATION (ED-318 spells it REQ_AUTHORIZATION), a
 * minimum overflight height CONDITIONAL, advisory and allowed
 * NO_RESTRICTION.  input/ed269.c reads each back to a class of the same
 * verdict (the tables at its top). */
static const char *restriction_of(const pl_zone *z, int fmt)
{
    int r = z->rule ? z->rule->route : PL_RR_FORBIDDEN;
    return r == PL_RR_FORBIDDEN        ? "PROHIBITED"
           : r == PL_RR_APPROVAL       ? (fmt == PL_ZONEX_ED318 ? "REQ_AUTHORIZATION" : "REQ_AUTHORISATION")
           : r == PL_RR_MIN_OVERFLIGHT ? "CONDITIONAL"
                                       : "NO_RESTRICTION";
}

static void kv(pl_buf *b, const char *k, const char *v)
{
    pl_buf_printf(b, ",\"%s\":", k);
    pl_buf_json_str(b, v);
}

/* The message, the essential first, so that a cut loses the least: the
 * verdict (and the height it holds below), the zone's accuracy (an
 * illustrative zone says so), the rule's legal basis, the zone's own basis.
 * zh: "需报批（机场净空保护区）"; en: "approval; zone accuracy: approximate;
 * basis: <rule basis>; zone: <zone basis>". */
static void message_texts(const pl_zone *z, pl_buf *zh, pl_buf *en)
{
    int v = pl_zone_route_severity(z);
    size_t cn;
    const char *cen;
    const pl_style_cat *cat = pl_style_pick(pl_style_for("zones"), z->cls);
    split_zh_en(cat->label, &cn, &cen);
    int below = z->rule && z->rule->route == PL_RR_MIN_OVERFLIGHT;
    if (below)
        pl_buf_printf(zh, "低于 %g 米", z->rule->min_overflight_m);
    pl_buf_printf(zh, "%s（%.*s）", pl_verdict_zh[v], (int)cn, cat->label);
    pl_buf_puts(en, pl_verdict_names[v]);
    if (below)
        pl_buf_printf(en, " below %g m", z->rule->min_overflight_m);
    if (z->accuracy) /* an approximate or illustrative zone says so before any cut */
        pl_buf_printf(en, "; zone accuracy: %s", z->accuracy);
    if (z->rule && z->rule->basis)
        pl_buf_printf(en, "; basis: %s", z->rule->basis);
    else if (!z->rule)
        pl_buf_printf(en, "; class %s has no rule (the safe side)", z->cls);
    if (z->basis && !(z->rule && z->rule->basis && !strcmp(z->basis, z->rule->basis)))
        pl_buf_printf(en, "; zone: %s", z->basis);
}

/* everything the limits may cut, whole, and our class and provenance */
static void extended(const pl_zone *z, pl_buf *b)
{
    pl_buf_puts(b, ",\"extendedProperties\":{\"planner_id\":");
    pl_buf_json_str(b, z->id);
    kv(b, "planner_class", z->cls);
    kv(b, "planner_name", z->name);
    kv(b, "planner_basis", z->basis);
    kv(b, "rule_basis", z->rule ? z->rule->basis : NULL);
    pl_buf_puts(b, ",\"floor_m\":");
    pl_buf_num(b, z->floor_m, 6);
    pl_buf_puts(b, ",\"ceiling_m\":");
    pl_buf_num(b, z->ceiling_m, 6); /* null: unlimited */
    kv(b, "accuracy", z->accuracy);
    kv(b, "license", z->license);
    kv(b, "source", z->source);
    pl_buf_puts(b, "}");
}

static void zone_common(const pl_zone *z, int fmt, pl_buf *b)
{
    char ident[32], other[64];
    ed_ident(z->id, ident);
    const char *name = z->name ? z->name : z->id;
    pl_buf_puts(b, "\"identifier\":");
    pl_buf_json_str(b, ident);
    kv(b, "country", "CHN");
    pl_buf_puts(b, ",\"name\":");
    if (fmt == PL_ZONEX_ED318)
        put_zh_en(b, name);
    else
        put_text(b, name, strlen(name), ED_TEXT_MAX);
    if (fmt == PL_ZONEX_ED318) {
        kv(b, "type", restriction_of(z, fmt));
        kv(b, "variant", "COMMON");
    } else {
        kv(b, "type", "COMMON");
        kv(b, "restriction", restriction_of(z, fmt));
    }
    if (z->rule && z->rule->route == PL_RR_MIN_OVERFLIGHT) { /* ED-318 a string, ED-269 a list */
        char c[96];
        snprintf(c, sizeof c, "minimum overflight height %g m", z->rule->min_overflight_m);
        pl_buf_puts(b, fmt == PL_ZONEX_ED318 ? ",\"restrictionConditions\":" : ",\"restrictionConditions\":[");
        pl_buf_json_str(b, c);
        pl_buf_puts(b, fmt == PL_ZONEX_ED318 ? "" : "]");
    }
    pl_buf_printf(b, ",\"region\":0,\"reason\":[\"%s\"]", pl_zonex_reason_of(z->cls));
    /* our class, for a reader without extendedProperties (input/ed269.c) */
    snprintf(other, sizeof other, "planner: class=%s", z->cls);
    pl_buf_puts(b, ",\"otherReasonInfo\":");
    if (fmt == PL_ZONEX_ED318) {
        const pl_style_cat *cat = pl_style_pick(pl_style_for("zones"), z->cls);
        size_t cn;
        const char *cen;
        split_zh_en(cat->label, &cn, &cen);
        pl_buf t;
        pl_buf_init(&t);
        pl_buf_printf(&t, "%s; %s", cen ? cen : z->cls, other);
        put_langs(b, cat->label, cn, t.s);
        pl_buf_free(&t);
    } else {
        put_text(b, other, strlen(other), ED269_OTHER_MAX);
    }
    kv(b, "regulationExemption", "NO");
    pl_buf zh, en;
    pl_buf_init(&zh);
    pl_buf_init(&en);
    message_texts(z, &zh, &en);
    pl_buf_puts(b, ",\"message\":");
    if (fmt == PL_ZONEX_ED318) {
        put_langs(b, zh.s, zh.n, en.s);
    } else { /* one text: Chinese first, English beside */
        pl_buf_printf(&zh, " %s", en.s ? en.s : "");
        put_text(b, zh.s ? zh.s : "", zh.n, ED_TEXT_MAX);
    }
    if (zh.oom || en.oom)
        b->oom = 1;
    pl_buf_free(&zh);
    pl_buf_free(&en);
    pl_buf_puts(b, ",\"zoneAuthority\":[{\"name\":");
    if (fmt == PL_ZONEX_ED318)
        put_zh_en(b, "非主管机关：吴中低空规划器导出 not an authority: Wuzhong low-altitude planner export");
    else
        pl_buf_puts(b, "\"非主管机关：吴中低空规划器导出 not an authority: Wuzhong low-altitude planner export\"");
    pl_buf_puts(b, ",\"purpose\":\"INFORMATION\"}]");
    extended(z, b);
}

/* the collection's head: ED-318 name and metadata, ED-269 title and description */
static void collection_head(const pl_plan *p, int fmt, pl_buf *out)
{
    const char *title = p->sc->title ? p->sc->title : p->sc->name;
    static const char en[] = "Zones of the scenario as the Wuzhong low-altitude planner applies them; "
                             "not an official publication: see each zone's accuracy";
    static const char zh[] = "吴中低空规划器按情景适用的空域与管控区；非官方发布，各区精度见其属性";
    if (fmt == PL_ZONEX_ED318) {
        pl_buf_puts(out, "{\"type\":\"FeatureCollection\",\"name\":");
        put_text(out, title, strlen(title), ED_TEXT_MAX);
        pl_buf_puts(out, ",\"metadata\":{\"description\":");
        put_langs(out, zh, strlen(zh), en);
        pl_buf_puts(out, "},\"features\":[\n");
    } else {
        pl_buf_puts(out, "{\"title\":");
        pl_buf_json_str(out, title);
        pl_buf_printf(out, ",\"description\":\"%s %s\",\"features\":[\n", zh, en);
    }
}

/* an ED-318 feature: one geometry with its vertical layer inside */
static int ed318_feature(pl_ctx *ctx, const pl_plan *p, const pl_zone *z, double hi, const char *ref, pl_buf *out)
{
    pl_buf_puts(out, "\"type\":\"Feature\",\"id\":");
    pl_buf_json_str(out, z->id);
    pl_buf_puts(out, ",\"properties\":{");
    zone_common(z, PL_ZONEX_ED318, out);
    pl_buf_puts(out, "},\"geometry\":");
    size_t at = out->n;
    int rc = pl_export_geom_lonlat(ctx, p, z->g, out);
    if (rc == PL_OK && out->n > at && out->s[out->n - 1] == '}') {
        out->n--; /* the vertical layer goes inside the geometry */
        pl_buf_puts(out, ",\"layer\":{\"upper\":");
        pl_buf_num(out, hi, 3);
        kv(out, "upperReference", ref);
        pl_buf_puts(out, ",\"lower\":");
        pl_buf_num(out, z->floor_m, 3);
        kv(out, "lowerReference", ref);
        pl_buf_puts(out, ",\"uom\":\"m\"}}}");
    }
    return rc;
}

/* an ED-269 feature: one volume per polygon; the limits are integers in
 * the standard, so they are widened to whole metres (floor down, ceiling
 * up: never smaller), the exact ones in extendedProperties */
static int ed269_feature(pl_ctx *ctx, const pl_plan *p, const pl_zone *z, double hi, const char *ref, pl_buf *out)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int rc = PL_OK;
    zone_common(z, PL_ZONEX_ED269, out);
    pl_buf_puts(out, ",\"applicability\":[{\"permanent\":\"YES\"}],\"geometry\":[");
    int n = GEOSGetNumGeometries_r(h, z->g);
    for (int k = 0; rc == PL_OK && k < n; k++) {
        pl_buf_puts(out, k ? "," : "");
        pl_buf_puts(out, "{\"uomDimensions\":\"M\",\"lowerLimit\":");
        pl_buf_num(out, floor(z->floor_m), 0);
        kv(out, "lowerVerticalReference", ref);
        pl_buf_puts(out, ",\"upperLimit\":");
        pl_buf_num(out, ceil(hi), 0);
        kv(out, "upperVerticalReference", ref);
        pl_buf_puts(out, ",\"horizontalProjection\":");
        rc = pl_export_geom_lonlat(ctx, p, GEOSGetGeometryN_r(h, z->g, k), out);
        pl_buf_puts(out, "}");
    }
    pl_buf_puts(out, "]}");
    return rc;
}

int pl_zonex_write(pl_ctx *ctx, const pl_plan *p, int fmt, pl_buf *out)
{
    int rc = idents_unique(ctx, p->zones), first = 1;
    if (rc != PL_OK)
        return rc;
    collection_head(p, fmt, out);
    for (size_t i = 0; rc == PL_OK && i < p->zones->n; i++) {
        const pl_zone *z = &p->zones->a[i];
        if (!z->g) /* height rules apply everywhere: not a zone */
            continue;
        pl_buf_puts(out, first ? "{" : ",\n{");
        first = 0;
        double hi = isfinite(z->ceiling_m) ? z->ceiling_m : UNLIMITED_M;
        const char *ref = z->alt_ref ? z->alt_ref : "AGL";
        rc = fmt == PL_ZONEX_ED318 ? ed318_feature(ctx, p, z, hi, ref, out) : ed269_feature(ctx, p, z, hi, ref, out);
    }
    pl_buf_puts(out, "\n]}\n");
    if (rc == PL_OK && out->oom)
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
    return rc;
}

/* ==== QGroundControl plan with geofence ================================== */

typedef struct fence_ctx {
    pl_ctx *ctx;
    const pl_route *r;
    double lo, hi;
    const pl_zone **hit;
    size_t n, cap;
} fence_ctx;

/* lon/lat pairs of a ring (working CRS in), as QGC wants them: [lat, lon] */
static int ring_latlon(pl_ctx *ctx, const pl_plan *p, const GEOSGeometry *ring, pl_buf *b)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, cs, &n);
    pl_buf_puts(b, "[");
    for (unsigned i = 0; i + 1 < n; i++) { /* QGC polygons are not closed */
        double x, y, lon, lat;
        GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
        int rc = pl_export_lonlat(ctx, p, x, y, &lon, &lat);
        if (rc != PL_OK)
            return rc;
        pl_buf_puts(b, i ? ",[" : "[");
        pl_buf_num(b, lat, 8);
        pl_buf_puts(b, ",");
        pl_buf_num(b, lon, 8);
        pl_buf_puts(b, "]");
    }
    pl_buf_puts(b, "]");
    return PL_OK;
}

/* Append every polygon of g (grown by tol, then simplified by tol: the
 * result contains g) as a fence polygon. */
static int fence_polys(pl_ctx *ctx, const pl_plan *p, const GEOSGeometry *g, int inclusion, double tol,
                       int *first, pl_buf *b)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry *grown = pl_geom_inflate_out(ctx, g, tol);
    GEOSGeometry *s = grown ? GEOSTopologyPreserveSimplify_r(h, grown, tol) : NULL;
    int rc = s ? PL_OK : pl_error(ctx, PL_GEOM, "fence: %s", pl_libmsg(ctx));
    int n = s ? GEOSGetNumGeometries_r(h, s) : 0;
    for (int i = 0; rc == PL_OK && i < n; i++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(h, s, i);
        if (GEOSGeomTypeId_r(h, poly) != GEOS_POLYGON || GEOSisEmpty_r(h, poly) == 1)
            continue;
        pl_buf_printf(b, "%s{\"inclusion\":%s,\"polygon\":", *first ? "" : ",", inclusion ? "true" : "false");
        *first = 0;
        rc = ring_latlon(ctx, p, GEOSGetExteriorRing_r(h, poly), b);
        pl_buf_puts(b, ",\"version\":1}");
    }
    if (grown)
        GEOSGeom_destroy_r(h, grown);
    if (s)
        GEOSGeom_destroy_r(h, s);
    return rc;
}

int pl_fence_qgc(pl_ctx *ctx, const pl_plan *p, const pl_route *r, int firmware, pl_buf *out)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    double lo, hi;
    pl_route_band(r, &lo, &hi);
    GEOSGeometry *corridor = pl_route_corridor(ctx, r, 0);
    GEOSGeometry *region = pl_route_corridor(ctx, r, 2000);
    if (!corridor || !region) {
        if (corridor)
            GEOSGeom_destroy_r(h, corridor);
        if (region)
            GEOSGeom_destroy_r(h, region);
        return pl_error(ctx, PL_GEOM, "fence: %s", pl_libmsg(ctx));
    }
    pl_zonelist zl = {0};
    pl_zones_collect(ctx, p->zones, region, &zl);
    int rc = pl_zonelist_finish(ctx, &zl);
    double lon = 0, lat = 0; /* printed before the check of rc: never uninitialised */
    if (rc == PL_OK)
        rc = pl_export_lonlat(ctx, p, r->x[0], r->y[0], &lon, &lat);
    pl_buf_printf(out, "{\"fileType\":\"Plan\",\"groundStation\":\"QGroundControl\",\"version\":1,\n"
                       "\"mission\":{\"version\":2,\"firmwareType\":%d,\"vehicleType\":2,\"cruiseSpeed\":15,"
                       "\"hoverSpeed\":5,\"plannedHomePosition\":[",
                  firmware);
    pl_buf_num(out, lat, 8);
    pl_buf_puts(out, ",");
    pl_buf_num(out, lon, 8);
    pl_buf_puts(out, ",0],\"items\":[");
    for (size_t i = 0; rc == PL_OK && i < r->n_pts; i++) {
        rc = pl_export_lonlat(ctx, p, r->x[i], r->y[i], &lon, &lat);
        /* MAV_CMD_NAV_WAYPOINT (16), frame 3: altitude relative to home */
        pl_buf_printf(out, "%s\n{\"type\":\"SimpleItem\",\"command\":16,\"frame\":3,\"doJumpId\":%zu,"
                           "\"autoContinue\":true,\"Altitude\":",
                      i ? "," : "", i + 1);
        pl_buf_num(out, r->alt_m[i], 1);
        pl_buf_puts(out, ",\"AltitudeMode\":1,\"AMSLAltAboveTerrain\":null,\"params\":[0,0,0,null,");
        pl_buf_num(out, lat, 8);
        pl_buf_puts(out, ",");
        pl_buf_num(out, lon, 8);
        pl_buf_puts(out, ",");
        pl_buf_num(out, r->alt_m[i], 1);
        pl_buf_puts(out, "]}");
    }
    pl_buf_puts(out, "]},\n\"geoFence\":{\"version\":2,\"circles\":[],\"polygons\":[\n");
    int first = 1;
    if (rc == PL_OK) /* stay inside the corridor */
        rc = fence_polys(ctx, p, corridor, 1, 1.0, &first, out);
    size_t n_excl = 0;
    for (size_t i = 0; rc == PL_OK && i < zl.n; i++) {
        const pl_zone *z = zl.a[i];
        if (!z->g || pl_zone_route_severity(z) < PL_V_APPROVAL) /* fenced out: forbidden, and controlled airspace not yet approved */
            continue;
        double vlo, vhi;
        pl_zone_route_extent(z, &vlo, &vhi);
        pl_route_band_for(p->zones, r, z, &lo, &hi); /* in true height over a terrain model */
        if (!pl_band_enters(lo, hi, vlo, vhi)) /* the route's altitudes pass above or below */
            continue;
        GEOSGeometry *part = GEOSIntersection_r(h, z->g, region);
        if (!part) {
            rc = pl_error(ctx, PL_GEOM, "fence: zone %s: %s", z->id, pl_libmsg(ctx));
            break;
        }
        pl_buf_puts(out, first ? "" : "\n");
        rc = fence_polys(ctx, p, part, 0, 5.0, &first, out);
        GEOSGeom_destroy_r(h, part);
        n_excl++;
    }
    pl_buf_printf(out, "]},\n\"rallyPoints\":{\"version\":2,\"points\":[]}}\n");
    free(zl.a);
    GEOSGeom_destroy_r(h, corridor);
    GEOSGeom_destroy_r(h, region);
    (void)n_excl;
    if (rc == PL_OK && out->oom)
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
    return rc;
}
