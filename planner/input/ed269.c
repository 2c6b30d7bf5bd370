/*
 * ed269.c - EUROCAE ED-269 and ED-318 UAS geographical zone files read as
 * zones: each file turned into GeoJSON in our zone schema, which layers.c
 * then reads like any other layer; and the table of our classes against
 * the standards' reason codes, which the writers (output/zonex.c) share.
 *
 * Entry points: pl_zonex_detect, pl_zonex_read, pl_zonex_reason_of.
 *
 * Reading turns a zone file into GeoJSON in our zone schema, which
 * layers.c then reads like any other layer.  Our classes and the
 * standards' restriction and reason codes map both ways:
 *
 *   class          restriction (rule forbidden / min overflight / warning)  reason
 *   no_fly         PROHIBITED                                               SENSITIVE
 *   airport        REQ_AUTHORISATION                                        AIR_TRAFFIC
 *   military       PROHIBITED                                               SENSITIVE
 *   restricted     PROHIBITED                                               OTHER
 *   detention      PROHIBITED                                               SENSITIVE
 *   water_source   PROHIBITED                                               NATURE
 *   cultural       PROHIBITED                                               SENSITIVE
 *   infrastructure PROHIBITED                                               SENSITIVE
 *   temporary      PROHIBITED                                               EMERGENCY
 *   eco_redline    CONDITIONAL (minimum overflight height)                  NATURE
 *   eco_control    NO_RESTRICTION (message: warning)                        NATURE
 *
 * The restriction written is the one the scenario's rule applies.  Our own
 * files carry the class (ED-318 extendedProperties, ED-269 otherReasonInfo
 * "planner: class=..."), so a round trip keeps it.  A foreign file's class
 * comes from its codes: AIR_TRAFFIC -> airport; PROHIBITED -> no_fly (or
 * military / temporary when the reason says so); REQ_AUTHORISATION ->
 * restricted; CONDITIONAL -> eco_redline when NATURE, else restricted;
 * NO_RESTRICTION zones are information only and left out (counted).
 * Schedules are kept as text; the checks treat every zone as always
 * active (the safe side).  Heights in feet become metres; an upper limit of
 * 99999 m or more means unlimited.
 */
#include "planner.h"

#include <libfyaml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNLIMITED_M 99999.0
#define CIRCLE_N 72

static const struct {
    const char *cls, *reason;
} class_reason[] = {
    {"no_fly", "SENSITIVE"},       {"airport", "AIR_TRAFFIC"},     {"military", "SENSITIVE"},
    {"restricted", "OTHER"},       {"detention", "SENSITIVE"},     {"water_source", "NATURE"},
    {"cultural", "SENSITIVE"},     {"infrastructure", "SENSITIVE"}, {"temporary", "EMERGENCY"},
    {"eco_redline", "NATURE"},     {"eco_control", "NATURE"},
};
#define N_CLASSES (sizeof class_reason / sizeof class_reason[0])

int pl_zonex_detect(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return PL_ZONEX_NONE;
    static char head[262144];
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = '\0';
    const char *s = head;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || (unsigned char)*s == 0xEF ||
           (unsigned char)*s == 0xBB || (unsigned char)*s == 0xBF)
        s++;
    if (*s != '{')
        return PL_ZONEX_NONE;
    if (strstr(s, "\"horizontalProjection\""))
        return PL_ZONEX_ED269;
    if (strstr(s, "\"upperReference\"") && strstr(s, "\"layer\""))
        return PL_ZONEX_ED318;
    return PL_ZONEX_NONE;
}


const char *pl_zonex_reason_of(const char *cls)
{
    for (size_t i = 0; i < N_CLASSES; i++)
        if (!strcmp(class_reason[i].cls, cls))
            return class_reason[i].reason;
    return "OTHER";
}

/* ==== reading ========================================================== */

static struct fy_node *get(struct fy_node *n, const char *key)
{
    return n && fy_node_is_mapping(n) ? fy_node_mapping_lookup_by_string(n, key, FY_NT) : NULL;
}

static const char *str(struct fy_node *n, const char *key)
{
    struct fy_node *v = get(n, key);
    return v && fy_node_is_scalar(v) ? fy_node_get_scalar0(v) : NULL;
}

static int num(struct fy_node *n, const char *key, double *out)
{
    const char *s = str(n, key);
    char *end;
    if (!s)
        return 0;
    *out = strtod(s, &end);
    return end != s && !*end && isfinite(*out);
}

/* ED-318 texts may be a string or a list of {lang, text}: joined by " / " */
static void text_of(struct fy_node *n, pl_buf *b)
{
    if (!n)
        return;
    if (fy_node_is_scalar(n)) {
        pl_buf_puts(b, fy_node_get_scalar0(n));
        return;
    }
    void *it = NULL;
    struct fy_node *e;
    int k = 0;
    while (fy_node_is_sequence(n) && (e = fy_node_sequence_iterate(n, &it))) {
        const char *t = fy_node_is_scalar(e) ? fy_node_get_scalar0(e) : str(e, "text");
        if (t)
            pl_buf_printf(b, "%s%s", k++ ? " / " : "", t);
    }
}

/* the node as one-line JSON text (coordinates, schedules) */
static void json_of(struct fy_node *n, pl_buf *b)
{
    char *s = n ? fy_emit_node_to_string(n, FYECF_MODE_JSON_ONELINE) : NULL;
    if (s) {
        /* the emitter may end with a newline */
        size_t k = strlen(s);
        while (k && (s[k - 1] == '\n' || s[k - 1] == ' '))
            s[--k] = '\0';
        pl_buf_puts(b, s);
    } else {
        pl_buf_puts(b, "null");
    }
    free(s);
}

/* "key=value" from our own "planner: class=... accuracy=..." text */
static int planner_key(const char *text, const char *key, char *out, size_t n)
{
    const char *p = text ? strstr(text, "planner:") : NULL;
    if (!p)
        return 0;
    char pat[32];
    snprintf(pat, sizeof pat, " %s=", key);
    const char *v = strstr(p, pat);
    if (!v)
        return 0;
    v += strlen(pat);
    size_t k = strcspn(v, " ;");
    if (!k || k >= n)
        return 0;
    for (size_t i = 0; i < k; i++)
        out[i] = v[i] == '_' ? ' ' : v[i];
    out[k] = '\0';
    return 1;
}

static int known_class(const char *c)
{
    for (size_t i = 0; i < N_CLASSES; i++)
        if (!strcmp(class_reason[i].cls, c))
            return 1;
    return 0;
}

/* our class from the codes of a foreign zone; NULL: leave it out */
static const char *class_from_codes(const char *restriction, struct fy_node *reasons, const char *other)
{
    int air = 0, nature = 0, emergency = 0;
    void *it = NULL;
    struct fy_node *e;
    while (reasons && fy_node_is_sequence(reasons) && (e = fy_node_sequence_iterate(reasons, &it))) {
        const char *r = fy_node_is_scalar(e) ? fy_node_get_scalar0(e) : "";
        air |= !strcmp(r, "AIR_TRAFFIC");
        nature |= !strcmp(r, "NATURE");
        emergency |= !strcmp(r, "EMERGENCY");
    }
    if (reasons && fy_node_is_scalar(reasons)) { /* a single code, not a list */
        const char *r = fy_node_get_scalar0(reasons);
        air = !strcmp(r, "AIR_TRAFFIC"), nature = !strcmp(r, "NATURE"), emergency = !strcmp(r, "EMERGENCY");
    }
    if (!restriction || !strcmp(restriction, "NO_RESTRICTION"))
        return NULL;
    if (air)
        return "airport";
    if (!strcmp(restriction, "PROHIBITED")) {
        if (other && (strstr(other, "militar") || strstr(other, "MILITAR")))
            return "military";
        return emergency ? "temporary" : "no_fly";
    }
    if (!strcmp(restriction, "CONDITIONAL"))
        return nature ? "eco_redline" : "restricted";
    return "restricted"; /* REQ_AUTHORISATION and anything newer */
}

typedef struct zone_in {
    pl_buf id, name, message, schedule, reason, restriction, cls, source, license, accuracy;
} zone_in;

static void zone_in_free(zone_in *z)
{
    pl_buf *b[] = {&z->id, &z->name, &z->message, &z->schedule, &z->reason, &z->restriction,
                   &z->cls, &z->source, &z->license, &z->accuracy};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        pl_buf_free(b[i]);
}

static double to_m(double v, const char *uom)
{
    return uom && (uom[0] == 'F' || uom[0] == 'f') ? v * 0.3048 : v;
}

/* one output feature: the zone's attributes, limits and the geometry text */
static void emit(pl_buf *out, int *first, const zone_in *z, int part, int n_parts, double lo, const char *lo_ref,
                 double hi, const char *hi_ref, const char *geom)
{
    pl_buf_puts(out, *first ? "{\"type\":\"Feature\",\"properties\":{\"id\":" : ",\n{\"type\":\"Feature\",\"properties\":{\"id\":");
    *first = 0;
    char id[512];
    if (n_parts > 1)
        snprintf(id, sizeof id, "%s/%d", z->id.s ? z->id.s : "?", part + 1);
    else
        snprintf(id, sizeof id, "%s", z->id.s ? z->id.s : "?");
    pl_buf_json_str(out, id);
    pl_buf_puts(out, ",\"name\":");
    pl_buf_json_str(out, z->name.s);
    pl_buf_puts(out, ",\"class\":");
    pl_buf_json_str(out, z->cls.s);
    pl_buf_puts(out, ",\"floor_m\":");
    pl_buf_num(out, lo, 3);
    pl_buf_puts(out, ",\"ceiling_m\":");
    pl_buf_num(out, hi >= UNLIMITED_M ? NAN : hi, 3);
    /* one reference per zone here: the upper one; WGS84 heights are read as
     * AMSL (no geoid model: within a few tens of metres in China) */
    const char *ref = hi_ref ? hi_ref : lo_ref;
    pl_buf_puts(out, ",\"altitude_ref\":");
    pl_buf_json_str(out, ref && !strcmp(ref, "AGL") ? "AGL" : ref ? "AMSL" : "AGL");
    pl_buf_puts(out, ",\"restriction\":");
    pl_buf_json_str(out, z->restriction.s);
    pl_buf_puts(out, ",\"reason\":");
    pl_buf_json_str(out, z->reason.s);
    pl_buf_puts(out, ",\"schedule\":");
    pl_buf_json_str(out, z->schedule.s ? z->schedule.s : "permanent");
    pl_buf_puts(out, ",\"message\":");
    pl_buf_json_str(out, z->message.s);
    pl_buf_puts(out, ",\"basis\":");
    pl_buf_json_str(out, z->message.s ? z->message.s : z->restriction.s);
    pl_buf_puts(out, ",\"source\":");
    pl_buf_json_str(out, z->source.s);
    pl_buf_puts(out, ",\"license\":");
    pl_buf_json_str(out, z->license.s);
    pl_buf_puts(out, ",\"accuracy\":");
    pl_buf_json_str(out, z->accuracy.s);
    pl_buf_printf(out, "},\"geometry\":%s}", geom);
}

/* geometry text of an ED-269 horizontalProjection or an ED-318 geometry
 * (Polygon / MultiPolygon as they are, a Point with a Circle extent or an
 * ED-269 Circle as a polygon containing the circle) */
static int geometry_text(pl_ctx *ctx, const char *path, const char *id, struct fy_node *g, double radius,
                         struct fy_node *centre, pl_buf *out)
{
    const char *type = str(g, "type");
    if (type && (!strcmp(type, "Polygon") || !strcmp(type, "MultiPolygon"))) {
        pl_buf_printf(out, "{\"type\":\"%s\",\"coordinates\":", type);
        json_of(get(g, "coordinates"), out);
        pl_buf_puts(out, "}");
        return PL_OK;
    }
    if (!centre || !fy_node_is_sequence(centre) || fy_node_sequence_item_count(centre) < 2 || !(radius > 0))
        return pl_error(ctx, PL_GEOM, "%s: zone %s: geometry %s is neither a polygon nor a circle with a radius",
                        path, id, type ? type : "(no type)");
    const char *sx = fy_node_get_scalar0(fy_node_sequence_get_by_index(centre, 0));
    const char *sy = fy_node_get_scalar0(fy_node_sequence_get_by_index(centre, 1));
    double lon = sx ? strtod(sx, NULL) : NAN, lat = sy ? strtod(sy, NULL) : NAN;
    if (!(fabs(lon) <= 180 && fabs(lat) <= 90))
        return pl_error(ctx, PL_GEOM, "%s: zone %s: circle centre is not lon/lat", path, id);
    double x[CIRCLE_N + 1], y[CIRCLE_N + 1];
    pl_crs_geod_circle(lon, lat, radius, CIRCLE_N, x, y);
    pl_buf_puts(out, "{\"type\":\"Polygon\",\"coordinates\":[[");
    for (int i = 0; i <= CIRCLE_N; i++) { /* counter-clockwise: azimuths turn clockwise */
        int k = CIRCLE_N - i;
        pl_buf_puts(out, i ? ",[" : "[");
        pl_buf_num(out, x[k], 8);
        pl_buf_puts(out, ",");
        pl_buf_num(out, y[k], 8);
        pl_buf_puts(out, "]");
    }
    pl_buf_puts(out, "]]}");
    return PL_OK;
}

/* the zone's identifier, name, message, restriction and reason codes;
 * returns its restriction code (NULL when it has none) */
static const char *zone_codes(zone_in *z, struct fy_node *pr, int fmt, size_t idx)
{
    const char *ident = str(pr, "identifier");
    if (ident)
        pl_buf_puts(&z->id, ident);
    else
        pl_buf_printf(&z->id, "zone-%zu", idx);
    text_of(get(pr, "name"), &z->name);
    text_of(get(pr, "message"), &z->message);
    const char *restr = str(pr, fmt == PL_ZONEX_ED318 ? "type" : "restriction");
    if (restr && fmt == PL_ZONEX_ED318 && !strcmp(restr, "COMMON")) /* older ED-318 drafts */
        restr = str(pr, "restriction");
    pl_buf_puts(&z->restriction, restr ? restr : "");
    struct fy_node *reasons = get(pr, "reason");
    void *ri = NULL;
    struct fy_node *r;
    while (reasons && fy_node_is_sequence(reasons) && (r = fy_node_sequence_iterate(reasons, &ri)))
        if (fy_node_is_scalar(r))
            pl_buf_printf(&z->reason, "%s%s", z->reason.n ? "," : "", fy_node_get_scalar0(r));
    return restr;
}

/* our class: the one we wrote into the file, else from the codes;
 * returns 1 when the zone is left out (information only) */
static int zone_class(zone_in *z, struct fy_node *pr, const char *restr)
{
    const char *other = str(pr, "otherReasonInfo");
    struct fy_node *ext = get(pr, "extendedProperties");
    char cls[64];
    if (str(ext, "planner_class") && known_class(str(ext, "planner_class")))
        pl_buf_puts(&z->cls, str(ext, "planner_class"));
    else if (planner_key(other, "class", cls, sizeof cls) && known_class(cls))
        pl_buf_puts(&z->cls, cls);
    else {
        const char *c = class_from_codes(restr, get(pr, "reason"), other);
        if (!c)
            return 1;
        pl_buf_puts(&z->cls, c);
    }
    return 0;
}

/* the schedule as JSON text; none for an ED-269 zone that is permanent */
static void zone_schedule(zone_in *z, struct fy_node *pr, int fmt)
{
    struct fy_node *appl = get(pr, fmt == PL_ZONEX_ED318 ? "limitedApplicability" : "applicability");
    if (appl && !(fmt == PL_ZONEX_ED269 && fy_node_is_sequence(appl) && fy_node_sequence_item_count(appl) == 1 &&
                  str(fy_node_sequence_get_by_index(appl, 0), "permanent") &&
                  !strcmp(str(fy_node_sequence_get_by_index(appl, 0), "permanent"), "YES")))
        json_of(appl, &z->schedule);
}

/* provenance: ours when we wrote the file, else the zone authority */
static void zone_provenance(zone_in *z, struct fy_node *pr, int fmt, const char *path)
{
    const char *other = str(pr, "otherReasonInfo");
    struct fy_node *ext = get(pr, "extendedProperties");
    char acc[64], lic[128];
    const char *auth = NULL;
    struct fy_node *za = get(pr, "zoneAuthority");
    if (za && fy_node_is_sequence(za) && fy_node_sequence_item_count(za) > 0) {
        pl_buf an;
        pl_buf_init(&an);
        text_of(get(fy_node_sequence_get_by_index(za, 0), "name"), &an);
        auth = an.s ? an.s : NULL;
        pl_buf_printf(&z->source, "%s (ED-%d), zone authority %s", path, fmt, auth ? auth : "not named");
        pl_buf_free(&an);
    } else {
        pl_buf_printf(&z->source, "%s (ED-%d)", path, fmt);
    }
    if (str(ext, "source"))
        pl_buf_printf(&z->source, "; %s", str(ext, "source"));
    if (str(ext, "license"))
        pl_buf_puts(&z->license, str(ext, "license"));
    else if (planner_key(other, "license", lic, sizeof lic))
        pl_buf_puts(&z->license, lic);
    else
        pl_buf_puts(&z->license, "as published by the zone authority");
    if (str(ext, "accuracy"))
        pl_buf_puts(&z->accuracy, str(ext, "accuracy"));
    else if (planner_key(other, "accuracy", acc, sizeof acc))
        pl_buf_puts(&z->accuracy, acc);
    else /* a published geographical zone is the legal zone itself */
        pl_buf_puts(&z->accuracy, "surveyed");
}

/* an ED-269 zone: one output feature for each of its geometries */
static int ed269_parts(pl_ctx *ctx, const char *path, struct fy_node *f, const zone_in *z, pl_buf *out,
                       int *first)
{
    int rc = PL_OK;
    pl_buf gt;
    pl_buf_init(&gt);
    struct fy_node *gs = get(f, "geometry");
    int n = gs && fy_node_is_sequence(gs) ? fy_node_sequence_item_count(gs) : 0;
    if (!n)
        rc = pl_error(ctx, PL_GEOM, "%s: zone %s has no geometry", path, z->id.s);
    for (int i = 0; rc == PL_OK && i < n; i++) {
        struct fy_node *g = fy_node_sequence_get_by_index(gs, i);
        const char *uom = str(g, "uomDimensions");
        double lo = 0, hi = UNLIMITED_M, rad = NAN;
        if (!num(g, "lowerLimit", &lo) || !num(g, "upperLimit", &hi)) {
            rc = pl_error(ctx, PL_PARSE, "%s: zone %s: lowerLimit and upperLimit must be numbers", path, z->id.s);
            break;
        }
        struct fy_node *hp = get(g, "horizontalProjection");
        num(hp, "radius", &rad);
        gt.n = 0;
        if ((rc = geometry_text(ctx, path, z->id.s, hp, rad, get(hp, "center"), &gt)) == PL_OK)
            emit(out, first, z, i, n, to_m(lo, uom), str(g, "lowerVerticalReference"),
                 to_m(hi, uom), str(g, "upperVerticalReference"), gt.s);
    }
    pl_buf_free(&gt);
    return rc;
}

/* an ED-318 zone: one output feature, its limits from geometry.layer */
static int ed318_part(pl_ctx *ctx, const char *path, struct fy_node *f, const zone_in *z, pl_buf *out,
                      int *first)
{
    int rc = PL_OK;
    pl_buf gt;
    pl_buf_init(&gt);
    struct fy_node *g = get(f, "geometry"), *layer = get(g, "layer");
    double lo = 0, hi = UNLIMITED_M, rad = NAN;
    if (!layer || !num(layer, "lower", &lo) || !num(layer, "upper", &hi))
        rc = pl_error(ctx, PL_PARSE, "%s: zone %s: geometry.layer needs numeric lower and upper", path, z->id.s);
    num(get(g, "extent"), "radius", &rad);
    if (rc == PL_OK && (rc = geometry_text(ctx, path, z->id.s, g, rad, get(g, "coordinates"), &gt)) == PL_OK)
        emit(out, first, z, 0, 1, to_m(lo, str(layer, "uom")), str(layer, "lowerReference"),
             to_m(hi, str(layer, "uom")), str(layer, "upperReference"), gt.s);
    pl_buf_free(&gt);
    return rc;
}

int pl_zonex_read(pl_ctx *ctx, const char *path, pl_buf *out, size_t *n_skipped)
{
    int fmt = pl_zonex_detect(path);
    *n_skipped = 0;
    struct fy_parse_cfg cfg = {.search_path = "", .flags = FYPCF_QUIET, .userdata = NULL, .diag = NULL};
    struct fy_document *doc = fy_document_build_from_file(&cfg, path);
    if (!doc)
        return pl_error(ctx, PL_PARSE, "%s: not valid JSON (an ED-%d zone file was expected)", path, fmt);
    struct fy_node *feats = get(fy_document_root(doc), "features");
    int rc = PL_OK, first = 1;
    if (!feats || !fy_node_is_sequence(feats)) {
        fy_document_destroy(doc);
        return pl_error(ctx, PL_PARSE, "%s: no 'features' list", path);
    }
    pl_buf_puts(out, "{\"type\":\"FeatureCollection\",\"features\":[\n");
    void *it = NULL;
    struct fy_node *f;
    size_t idx = 0;
    while (rc == PL_OK && (f = fy_node_sequence_iterate(feats, &it))) {
        idx++;
        struct fy_node *pr = fmt == PL_ZONEX_ED318 ? get(f, "properties") : f;
        zone_in z;
        memset(&z, 0, sizeof z);
        const char *restr = zone_codes(&z, pr, fmt, idx);
        if (zone_class(&z, pr, restr)) {
            (*n_skipped)++;
            zone_in_free(&z);
            continue;
        }
        zone_schedule(&z, pr, fmt);
        zone_provenance(&z, pr, fmt, path);
        if (fmt == PL_ZONEX_ED269)
            rc = ed269_parts(ctx, path, f, &z, out, &first);
        else
            rc = ed318_part(ctx, path, f, &z, out, &first);
        zone_in_free(&z);
    }
    pl_buf_puts(out, "\n]}\n");
    fy_document_destroy(doc);
    if (rc == PL_OK && out->oom)
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
    return rc;
}
