/*
 * fuzz_proposals.c - libFuzzer target: the proposal reader and check.
 *
 * A fixed plan (the 2 km square of tests/e2e/data, opened once) and each
 * input as a proposal file (proposals.geojson in a scratch folder), read with
 * pl_proposals_load (any format GDAL recognises in the bytes) and, when it
 * reads, validated on one thread: `planner validate SCENARIO FILE`.
 * Built and run by `make fuzz`; seeds in tests/fuzz/corpus/proposals.
 */
#include "planner.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pl_ctx *ctx;
    static pl_plan *plan;
    if (!plan) { /* once per process: the plan the proposals are checked against */
        const char *scen = getenv("FUZZ_SCENARIO");
        ctx = pl_ctx_new();
        if (!ctx || !scen || pl_plan_open(ctx, scen, PL_PLAN_NO_SITING, &plan) != PL_OK) {
            fprintf(stderr, "fuzz_proposals: FUZZ_SCENARIO=%s: %s\n", scen ? scen : "(unset)",
                    ctx ? pl_errmsg(ctx) : "no ctx");
            abort();
        }
    }
    static char dir[64], name[96];
    if (!dir[0]) { /* a scratch file: the reader opens what the command line names */
        snprintf(dir, sizeof dir, "%s/planner-fuzz-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(dir))
            abort();
        snprintf(name, sizeof name, "%s/proposals.geojson", dir);
    }
    FILE *f = fopen(name, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    char *files[] = {(char *)name};
    pl_layer_decl *decls = NULL;
    pl_layer **layers = NULL;
    pl_routeset *props = NULL;
    pl_error_clear(ctx);
    if (pl_proposals_load(ctx, plan, files, NULL, 1, 0, &decls, &layers, &props) == PL_OK && props) {
        pl_proposal_result *res = calloc(props->n ? props->n : 1, sizeof *res);
        if (!res)
            abort();
        pl_validate(ctx, plan, props, res, 1, PL_WANT_TEXT | PL_WANT_JSON);
        for (size_t i = 0; i < props->n; i++)
            pl_proposal_result_free(&res[i]);
        free(res);
    } else if (!pl_errmsg(ctx)[0]) {
        abort(); /* a refusal must say why */
    }
    pl_error_clear(ctx);
    pl_routes_free(ctx, props);
    for (size_t i = 0; layers && i < 1; i++)
        pl_layer_free(ctx, layers[i]);
    free(layers);
    free(decls);
    return 0;
}
