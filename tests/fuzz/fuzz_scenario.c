/*
 * fuzz_scenario.c - libFuzzer target: the scenario reader.
 *
 * Each input is written to one scratch file and read with
 * pl_scenario_load, as `planner run FILE` would.  Any outcome but a crash,
 * a sanitizer report, a leak or a hang is fine: a bad scenario must give an
 * error (the error text is checked to be one line per problem, non-empty).
 * Built and run by `make fuzz`; the seed corpus is tests/fuzz/corpus/scenario.
 */
#include "planner.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* one scratch folder per process: the input is its s.yaml, so that
     * relative paths and includes resolve inside it */
    static char dir[64], path[96];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/planner-fuzz-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof path, "%s/s.yaml", dir);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    pl_ctx *ctx = pl_ctx_new();
    if (!ctx)
        abort();
    pl_scenario *sc = NULL;
    int rc = pl_scenario_load(ctx, path, &sc);
    if (rc == PL_OK) {
        if (!sc || !sc->name || !sc->work_crs || !sc->n_layers)
            abort(); /* a scenario accepted must be whole */
        pl_scenario_free(sc);
    } else if (sc || !pl_errmsg(ctx)[0]) {
        abort(); /* a refusal must say why, and hand nothing back */
    }
    pl_ctx_free(ctx);
    return 0;
}
