/*
 * run.c - the unit test runner: `run` runs every suite, `run NAME` one.
 * Each suite prints cmocka's summary; tests/run.sh adds them up.
 */
#include <stdio.h>
#include <string.h>

#include "t.h"

static const struct {
    const char *name;
    int (*fn)(void);
} suites[] = {
    {"util", t_util},
    {"crs", t_crs},
    {"scenario", t_scenario},
    {"routes", t_routes},
    {"safe", t_safe},
    {"optimise", t_optimise},
    {"siting", t_siting},
    {"export", t_export},
    {"store", t_store},
    {"rules", t_rules},
    {"terrain", t_terrain},
    {"maplabel", t_maplabel},
    {"separation", t_separation},
};

int main(int argc, char **argv)
{
    int failed = 0, found = 0;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        if (argc > 1 && strcmp(argv[1], suites[i].name))
            continue;
        found = 1;
        failed += suites[i].fn();
    }
    if (!found) {
        fprintf(stderr, "run: no suite named '%s'\n", argv[1]);
        return 2;
    }
    return failed ? 1 : 0;
}
