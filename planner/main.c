/*
 * main.c - build a ctx, hand over to the command line, map to an exit code.
 */
#include "planner.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    pl_ctx *ctx = pl_ctx_new();
    if (!ctx) {
        fprintf(stderr, "planner: cannot start (out of memory)\n");
        return PL_EXIT_BAD;
    }
    int code = pl_cli_main(ctx, argc, argv);
    pl_ctx_free(ctx);
    return code;
}
