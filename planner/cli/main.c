/*
 * main.c - build a ctx, hand over to the command line, map to an exit code.
 */
#include "planner.h"

#include <malloc.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    /* the heap grows 16 MB at a time: a batch checked on several threads
     * writes its reasons into fresh memory, and every small growth of a
     * thread's heap cost a system call and flushes on the other cores
     * (about a tenth of the check's time on two cores; pages never
     * touched take no memory) */
    mallopt(M_TOP_PAD, 16 << 20);
    pl_ctx *ctx = pl_ctx_new();
    if (!ctx) {
        fprintf(stderr, "planner: cannot start (out of memory)\n");
        return PL_EXIT_BAD;
    }
    int code = pl_cli_main(ctx, argc, argv);
    pl_ctx_free(ctx);
    return code;
}
