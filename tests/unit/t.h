/* t.h - shared by the unit test files: cmocka plus the suite entry points. */
#ifndef T_H
#define T_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "planner.h"

int t_util(void);
int t_crs(void);
int t_scenario(void);
int t_routes(void);
int t_safe(void);
int t_optimise(void);
int t_siting(void);
int t_export(void);
int t_store(void);
int t_rules(void);
int t_terrain(void);
int t_maplabel(void);
int t_separation(void);

/* Assert that a ctx holds error `code` whose message contains `part`. */
#define assert_error(ctx, code, part)                                             \
    do {                                                                          \
        assert_int_equal(pl_errcode(ctx), (code));                                \
        if (!strstr(pl_errmsg(ctx), (part)))                                      \
            fail_msg("message '%s' lacks '%s'", pl_errmsg(ctx), (part));           \
    } while (0)
#endif
