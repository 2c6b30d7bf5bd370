/*
 * zfix.c - the in-memory zones and routes layers of zfix.h.
 */
#include <stdlib.h>
#include <string.h>

#include "zfix.h"

static void add_prop(pl_feature *f, const char *k, const char *v, int type, double num)
{
    f->a_props = realloc(f->a_props, (f->n_props + 1) * sizeof *f->a_props);
    pl_prop *p = &f->a_props[f->n_props++];
    p->key = strdup(k);
    p->type = type;
    p->num = num;
    p->str = v ? strdup(v) : NULL;
}

void zf_feat(zf_fixture *fx, pl_layer *l, const char *id, const char *wkt, const char *props)
{
    GEOSContextHandle_t h = pl_geos(fx->ctx);
    l->a_feats = realloc(l->a_feats, (l->n_feats + 1) * sizeof *l->a_feats);
    pl_feature *f = &l->a_feats[l->n_feats++];
    memset(f, 0, sizeof *f);
    f->id = strdup(id);
    GEOSWKTReader *rd = GEOSWKTReader_create_r(h);
    f->g = GEOSWKTReader_read_r(h, rd, wkt);
    GEOSWKTReader_destroy_r(h, rd);
    assert_non_null(f->g);
    char *s = strdup(props ? props : ""), *save = NULL;
    for (char *t = strtok_r(s, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(t, '=');
        *eq = '\0';
        if (eq > t && eq[-1] == ':') {
            eq[-1] = '\0';
            add_prop(f, t, eq + 1, PL_P_REAL, atof(eq + 1));
        } else {
            add_prop(f, t, eq + 1, PL_P_STR, 0);
        }
    }
    free(s);
}

int zf_setup(void **state)
{
    zf_fixture *fx = calloc(1, sizeof *fx);
    fx->ctx = pl_ctx_new();
    fx->sc.work_crs = "EPSG:4549";
    fx->sc.ac_class_default = PL_AC_LIGHT; /* a light aircraft: free airspace is its own */
    fx->sc.route = (pl_route_defaults){10, 0, 0, 100, 100};
    fx->sc.a_rules = calloc(2, sizeof *fx->sc.a_rules);
    fx->sc.a_rules[0] = (pl_rule){"no_fly", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0, "test", 1, 0};
    fx->sc.a_rules[1] = (pl_rule){"eco_control", PL_RR_ADVISORY, 0, PL_VR_ALLOWED, 0, "test", 1, 0};
    fx->sc.n_rules = 2;
    fx->zd = (pl_layer_decl){.id = "z", .role = PL_ROLE_ZONES, .path = "mem", .class_prop = "class", .id_prop = "id"};
    fx->rd = (pl_layer_decl){.id = "r", .role = PL_ROLE_ROUTES, .path = "mem", .class_prop = "class", .id_prop = "id"};
    fx->zl.decl = &fx->zd;
    fx->rl.decl = &fx->rd;
    *state = fx;
    return 0;
}

void zf_clear_layer(pl_ctx *ctx, pl_layer *l)
{
    for (size_t i = 0; i < l->n_feats; i++) {
        pl_feature *f = &l->a_feats[i];
        free(f->id);
        GEOSGeom_destroy_r(pl_geos(ctx), f->g);
        for (size_t k = 0; k < f->n_props; k++) {
            free(f->a_props[k].key);
            free(f->a_props[k].str);
        }
        free(f->a_props);
    }
    free(l->a_feats);
    l->a_feats = NULL;
    l->n_feats = 0;
}

int zf_teardown(void **state)
{
    zf_fixture *fx = *state;
    zf_clear_layer(fx->ctx, &fx->zl);
    zf_clear_layer(fx->ctx, &fx->rl);
    free(fx->sc.a_rules);
    pl_ctx_free(fx->ctx);
    free(fx);
    return 0;
}

zf_checked zf_run(zf_fixture *fx)
{
    zf_checked c = {0};
    pl_layer *layers[2] = {&fx->zl, &fx->rl};
    assert_int_equal(pl_zones_build(fx->ctx, &fx->sc, layers, 2, &c.zs), PL_OK);
    assert_int_equal(pl_routes_build(fx->ctx, &fx->sc, layers, 2, &c.rs), PL_OK);
    assert_int_equal(pl_routes_check(fx->ctx, c.zs, c.rs), PL_OK);
    return c;
}

void zf_done(zf_fixture *fx, zf_checked *c)
{
    pl_routes_free(fx->ctx, c->rs);
    pl_zones_free(fx->ctx, c->zs);
}

