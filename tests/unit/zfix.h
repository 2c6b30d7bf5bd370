/* zfix.h - a zones layer and a routes layer in memory, built from WKT, for
 * the suites that check routes against zones (t_routes.c, t_safe.c). */
#ifndef ZFIX_H
#define ZFIX_H
#include "t.h"

typedef struct zf_fixture {
    pl_ctx *ctx;
    pl_scenario sc;
    pl_layer_decl zd, rd;
    pl_layer zl, rl;
} zf_fixture;

typedef struct zf_checked {
    pl_zoneset *zs;
    pl_routeset *rs;
} zf_checked;

/* Append a feature from WKT with "key=value" string properties; numbers
 * given as "key:=number". */
void zf_feat(zf_fixture *fx, pl_layer *l, const char *id, const char *wkt, const char *props);
void zf_clear_layer(pl_ctx *ctx, pl_layer *l);
/* cmocka setup and teardown: rules no_fly (forbidden) and eco_control
 * (warning); routes w = 10 m, band 0, altitude 100 m. */
int zf_setup(void **state);
int zf_teardown(void **state);
/* Build the zones and routes and check every route. */
zf_checked zf_run(zf_fixture *fx);
void zf_done(zf_fixture *fx, zf_checked *c);
#endif
