/*
 * ed269.c - EUROCAE ED-269 and ED-318 UAS geographical zone files read as
 * zones: each file turned into GeoJSON in our zone schema, which layers.c
 * then reads like any other layer; and the table of our classes against
 * the standards' reason codes, which the writers (output/zonex.c) share.
 *
 * Entry points: pl_zonex_detect, pl_zonex_read, pl_zonex_reason_of.
 *
 * Reading turns a zone file into GeoJSON in our zone schema, which
 * layers.c then reads like any other layer.
 *
 * Writing (output/zonex.c): the restriction written is the verdict the
 * scenario's rule gives, the reason the class's (class_reason below).
 * Under the built-in rules (input/scenario_rules.c):
 *
 *   class          verdict     restriction                       reason
 *   no_fly         forbidden   PROHIBITED                        SENSITIVE
 *   military       forbidden   PROHIBITED                        SENSITIVE
 *   restricted     forbidden   PROHIBITED                        OTHER
 *   temporary      forbidden   PROHIBITED                        EMERGENCY
 *   airport        approval    REQ_AUTHORISATION                 AIR_TRAFFIC
 *   detention      approval    REQ_AUTHORISATION                 SENSITIVE
 *   water_source   approval    REQ_AUTHORISATION                 NATURE
 *   cultural       approval    REQ_AUTHORISATION                 SENSITIVE
 *   infrastructure approval    REQ_AUTHORISATION                 SENSITIVE
 *   eco_redline    advisory    NO_RESTRICTION (a warning)        NATURE
 *   eco_control    advisory    NO_RESTRICTION (a warning)        NATURE
 *
 * (a minimum overflight height: CONDITIONAL with the height; ED-318 spells
 * REQ_AUTHORIZATION with z).  Our own files carry the class (otherReasonInfo
 * "planner: class=...", and extendedProperties.planner_class), so a round
 * trip keeps the class and with it the verdict; and in extendedProperties
 * what the standards' limits cut (output/zonex.c): the zone's id
 * (planner_id, the identifier being at most 7 characters), its whole name
 * and basis, its exact limits (taken when within 1 m inside the file's), and
 * an ED-269 zone of several polygons with one set of limits is read back as
 * one MultiPolygon zone.
 *
 * Reading a foreign file, the class comes from the codes (class_from_codes),
 * and with it the verdict (RULES.md: Art. 19 of the 2024 Interim
 * Regulations makes these places controlled airspace, where a flight needs
 * an approval, 需报批; forbidden, 禁飞, is for prohibited areas, military
 * perimeters and temporary control):
 *
 *   restriction                   reason                    class           verdict
 *   PROHIBITED                    otherReasonInfo military  military        forbidden
 *   PROHIBITED                    EMERGENCY                 temporary       forbidden
 *   PROHIBITED                    any other                 no_fly          forbidden
 *   REQ_AUTHORISATION (ED-269),   AIR_TRAFFIC               airport         approval
 *   REQ_AUTHORIZATION (ED-318),   NATURE                    water_source    approval
 *   USPACE (ED-318)               any other                 infrastructure  approval
 *   CONDITIONAL                   NATURE (no AIR_TRAFFIC)   eco_redline     advisory
 *                                 AIR_TRAFFIC               airport         approval
 *                                 any other                 infrastructure  approval
 *   NO_RESTRICTION                any                       left out (information only, counted)
 *   none, or a code not above     any                       restricted      forbidden (the safe side)
 *
 * An authorisation means an approval, never forbidden: the reason picks the
 * Art. 19 class (airports; drinking-water source areas, the one nature
 * place Art. 19 names; the other Art. 19 facilities: military-industrial,
 * nuclear, power, transport, radio and radar sites) whose built-in rule
 * gives the approval and its legal basis.  Reasons Art. 19 names no place
 * for (POPULATION, PRIVACY, NOISE, OTHER, ...) take the infrastructure
 * class for its verdict; the zone keeps its name, message and codes.  There
 * is no generic "controlled airspace" zone class.  Conditions are not read:
 * a nature zone is an advisory (red lines are not an airspace class), any
 * other condition an approval.
 *
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

/* "key=value" from our own "planner: class=... accuracy=..." text; text:
 * the value is free text whose spaces the writer (output/zonex.c) made
 * '_', not a name such as a class (eco_redline keeps its '_') */
static int planner_key(const char *text, const char *key, int text_value, char *out, size_t n)
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
        out[i] = text_value && v[i] == '_' ? ' ' : v[i];
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

enum { R_AIR = 1, R_NATURE = 2, R_EMERGENCY = 4 };

static unsigned reason_bit(const char *r)
{
    return !r ? 0 : !strcmp(r, "AIR_TRAFFIC") ? R_AIR : !strcmp(r, "NATURE") ? R_NATURE
                  : !strcmp(r, "EMERGENCY")   ? R_EMERGENCY : 0;
}

/* the reason codes that pick a class, as R_* bits: a list, or one code */
static unsigned reason_bits(struct fy_node *reasons)
{
    if (reasons && fy_node_is_scalar(reasons))
        return reason_bit(fy_node_get_scalar0(reasons));
    unsigned bits = 0;
    void *it = NULL;
    struct fy_node *e;
    while (reasons && fy_node_is_sequence(reasons) && (e = fy_node_sequence_iterate(reasons, &it)))
        if (fy_node_is_scalar(e))
            bits |= reason_bit(fy_node_get_scalar0(e));
    return bits;
}

/* an approval's class: the Art. 19 place the reason names (table above) */
static const char *approval_class(unsigned bits)
{
    return bits & R_AIR ? "airport" : bits & R_NATURE ? "water_source" : "infrastructure";
}

/* our class from the codes of a foreign zone (the table at the top);
 * NULL: information only, leave it out */
static const char *class_from_codes(const char *restriction, struct fy_node *reasons, const char *other)
{
    unsigned bits = reason_bits(reasons);
    const char *r = restriction ? restriction : "";
    if (!strcmp(r, "NO_RESTRICTION"))
        return NULL;
    if (!strcmp(r, "PROHIBITED")) {
        if (other && (strstr(other, "militar") || strstr(other, "MILITAR")))
            return "military";
        return bits & R_EMERGENCY ? "temporary" : "no_fly";
    }
    if (!strcmp(r, "CONDITIONAL"))
        return (bits & R_NATURE) && !(bits & R_AIR) ? "eco_redline" : approval_class(bits);
    /* ED-269 spells it with s, ED-318 with z; a U-space zone needs its
     * services, that is an authorisation too */
    if (!strcmp(r, "REQ_AUTHORISATION") || !strcmp(r, "REQ_AUTHORIZATION") || !strcmp(r, "USPACE"))
        return approval_class(bits);
    return "restricted"; /* no code, or one newer than these: forbidden, the safe side */
}

typedef struct zone_in {
    pl_buf id, name, message, basis, schedule, reason, restriction, cls, source, license, accuracy;
    struct fy_node *ext; /* extendedProperties, or NULL */
} zone_in;

static void zone_in_free(zone_in *z)
{
    pl_buf *b[] = {&z->id, &z->name, &z->message, &z->basis, &z->schedule, &z->reason, &z->restriction,
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
    pl_buf_json_str(out, z->basis.s ? z->basis.s : z->message.s ? z->message.s : z->restriction.s);
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
    /* our own file keeps what the standards' limits cut (output/zonex.c):
     * the long id, the whole name and the zone's basis */
    const char *ident = str(z->ext, "planner_id") ? str(z->ext, "planner_id") : str(pr, "identifier");
    if (ident)
        pl_buf_puts(&z->id, ident);
    else
        pl_buf_printf(&z->id, "zone-%zu", idx);
    if (str(z->ext, "planner_name"))
        pl_buf_puts(&z->name, str(z->ext, "planner_name"));
    else
        text_of(get(pr, "name"), &z->name);
    text_of(get(pr, "message"), &z->message);
    if (str(z->ext, "planner_basis"))
        pl_buf_puts(&z->basis, str(z->ext, "planner_basis"));
    const char *restr = str(pr, fmt == PL_ZONEX_ED318 ? "type" : "restriction");
    if (restr && fmt == PL_ZONEX_ED318 && (!strcmp(restr, "COMMON") || !strcmp(restr, "CUSTOMIZED")))
        /* older ED-318 drafts: type held the variant */
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
    pl_buf other; /* ED-269 a string, ED-318 a list of {text, lang} */
    pl_buf_init(&other);
    text_of(get(pr, "otherReasonInfo"), &other);
    char cls[64];
    int left_out = 0;
    if (str(z->ext, "planner_class") && known_class(str(z->ext, "planner_class")))
        pl_buf_puts(&z->cls, str(z->ext, "planner_class"));
    else if (planner_key(other.s, "class", 0, cls, sizeof cls) && known_class(cls))
        pl_buf_puts(&z->cls, cls);
    else {
        const char *c = class_from_codes(restr, get(pr, "reason"), other.s);
        if (c)
            pl_buf_puts(&z->cls, c);
        left_out = !c;
    }
    pl_buf_free(&other);
    return left_out;
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
    const char *other = str(pr, "otherReasonInfo"); /* older files of ours: "planner: ... license=..." */
    struct fy_node *ext = z->ext;
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
    else if (planner_key(other, "license", 1, lic, sizeof lic))
        pl_buf_puts(&z->license, lic);
    else
        pl_buf_puts(&z->license, "as published by the zone authority");
    if (str(ext, "accuracy"))
        pl_buf_puts(&z->accuracy, str(ext, "accuracy"));
    else if (planner_key(other, "accuracy", 1, acc, sizeof acc))
        pl_buf_puts(&z->accuracy, acc);
    else /* a published geographical zone is the legal zone itself */
        pl_buf_puts(&z->accuracy, "surveyed");
}

/* Our own file's exact limits (extendedProperties floor_m, ceiling_m,
 * metres) where the file's are those widened by output/zonex.c (ED-269
 * limits are whole numbers, ED-318 ones have 3 decimals): taken only when
 * inside the file's limits and less than 1 m from them. */
static void exact_limits(const zone_in *z, double *lo, double *hi)
{
    double v;
    if (num(z->ext, "floor_m", &v) && v >= *lo && v - *lo < 1)
        *lo = v;
    if (num(z->ext, "ceiling_m", &v) && v <= *hi && *hi - v < 1)
        *hi = v;
}

/* 1 when every volume of our own zone (it has extendedProperties.planner_id)
 * is a polygon with the same limits: the zone was one (multi)polygon */
static int one_zone(const zone_in *z, struct fy_node *gs, int n)
{
    static const char *const keys[] = {"uomDimensions", "lowerLimit", "lowerVerticalReference", "upperLimit",
                                       "upperVerticalReference"};
    if (n < 2 || !str(z->ext, "planner_id"))
        return 0;
    struct fy_node *g0 = fy_node_sequence_get_by_index(gs, 0);
    for (int i = 0; i < n; i++) {
        struct fy_node *g = fy_node_sequence_get_by_index(gs, i);
        const char *t = str(get(g, "horizontalProjection"), "type");
        if (!t || strcmp(t, "Polygon"))
            return 0;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            const char *a = str(g0, keys[k]), *b = str(g, keys[k]);
            if (!a || !b || strcmp(a, b))
                return 0;
        }
    }
    return 1;
}

/* an ED-269 zone: one output feature for each of its geometries (ID/1,
 * ID/2, ...), or one MultiPolygon feature when it is our own zone */
static int ed269_parts(pl_ctx *ctx, const char *path, struct fy_node *f, const zone_in *z, pl_buf *out,
                       int *first)
{
    int rc = PL_OK;
    pl_buf gt;
    pl_buf_init(&gt);
    struct fy_node *gs = get(f, "geometry");
    int n = gs && fy_node_is_sequence(gs) ? fy_node_sequence_item_count(gs) : 0;
    int merge = one_zone(z, gs, n);
    if (!n)
        rc = pl_error(ctx, PL_GEOM, "%s: zone %s has no geometry", path, z->id.s);
    if (merge)
        pl_buf_puts(&gt, "{\"type\":\"MultiPolygon\",\"coordinates\":[");
    for (int i = 0; rc == PL_OK && i < n; i++) {
        struct fy_node *g = fy_node_sequence_get_by_index(gs, i);
        const char *uom = str(g, "uomDimensions");
        double lo = 0, hi = UNLIMITED_M, rad = NAN;
        if (!num(g, "lowerLimit", &lo) || !num(g, "upperLimit", &hi)) {
            rc = pl_error(ctx, PL_PARSE, "%s: zone %s: lowerLimit and upperLimit must be numbers", path, z->id.s);
            break;
        }
        lo = to_m(lo, uom);
        hi = to_m(hi, uom);
        exact_limits(z, &lo, &hi);
        struct fy_node *hp = get(g, "horizontalProjection");
        if (merge) { /* the polygons one after the other, emitted after the last */
            pl_buf_puts(&gt, i ? "," : "");
            json_of(get(hp, "coordinates"), &gt);
            if (i == n - 1) {
                pl_buf_puts(&gt, "]}");
                emit(out, first, z, 0, 1, lo, str(g, "lowerVerticalReference"), hi,
                     str(g, "upperVerticalReference"), gt.s);
            }
            continue;
        }
        num(hp, "radius", &rad);
        gt.n = 0;
        if ((rc = geometry_text(ctx, path, z->id.s, hp, rad, get(hp, "center"), &gt)) == PL_OK)
            emit(out, first, z, i, n, lo, str(g, "lowerVerticalReference"), hi, str(g, "upperVerticalReference"),
                 gt.s);
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
    lo = to_m(lo, str(layer, "uom"));
    hi = to_m(hi, str(layer, "uom"));
    exact_limits(z, &lo, &hi);
    if (rc == PL_OK && (rc = geometry_text(ctx, path, z->id.s, g, rad, get(g, "coordinates"), &gt)) == PL_OK)
        emit(out, first, z, 0, 1, lo, str(layer, "lowerReference"), hi, str(layer, "upperReference"), gt.s);
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
        z.ext = get(pr, "extendedProperties");
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
