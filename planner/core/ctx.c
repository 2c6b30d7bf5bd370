/*
 * ctx.c - the one context: GEOS handle, PROJ context, error state, caches.
 *
 * Entry points: pl_ctx_new, pl_ctx_free, pl_error_at, pl_errmsg,
 * pl_errcode, pl_error_clear, pl_libmsg*, pl_geos, pl_proj, pl_ctx_xforms, pl_ctx_on_free,
 * pl_progress, pl_progress_end.
 */
#include "planner.h"

#include <proj.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PL_MAGIC 0x504c4358u /* "PLCX" */

struct pl_ctx {
    unsigned magic;            /* PL_MAGIC while alive */
    GEOSContextHandle_t geos;  /* one GEOS handle */
    PJ_CONTEXT *proj;          /* one PROJ context */
    int rc;                    /* first error code, PL_OK when none */
    char msg[2048];            /* first error message */
    char lib_msg[1024];        /* last message a library gave */
    pl_xform *xforms;          /* cached transformers (crs.c) */
    void (*on_free)(pl_ctx *); /* crs.c's: frees them, before PROJ goes (pl_ctx_on_free) */
    int progress;              /* 1: progress lines on stderr (a terminal) */
    int progress_shown;        /* a progress line is on screen */
    int n_steps;               /* file operations so far (pl_fault_step) */
};

static void geos_msg(const char *msg, void *ud)
{
    pl_ctx *ctx = ud;
    snprintf(ctx->lib_msg, sizeof ctx->lib_msg, "%s", msg);
}

static void geos_notice(const char *msg, void *ud)
{
    (void)msg;
    (void)ud; /* notices (e.g. "Self-intersection at") are read through isValidReason */
}

static void proj_log(void *ud, int level, const char *msg)
{
    pl_ctx *ctx = ud;
    if (level <= PJ_LOG_ERROR)
        snprintf(ctx->lib_msg, sizeof ctx->lib_msg, "%s", msg);
}

pl_ctx *pl_ctx_new(void)
{
    pl_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->magic = PL_MAGIC;
    ctx->geos = GEOS_init_r();
    ctx->proj = proj_context_create();
    if (!ctx->geos || !ctx->proj) {
        pl_ctx_free(ctx);
        return NULL;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_msg, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_notice, ctx);
    proj_log_func(ctx->proj, ctx, proj_log);
    return ctx;
}

void pl_ctx_free(pl_ctx *ctx)
{
    if (!ctx || ctx->magic != PL_MAGIC)
        return;
    /* reverse order of creation: cached PJs, PROJ context, GEOS */
    if (ctx->on_free)
        ctx->on_free(ctx);
    if (ctx->proj)
        proj_context_destroy(ctx->proj);
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    ctx->magic = 0;
    free(ctx);
}

int pl_error_at(pl_ctx *ctx, const char *func, int code, const char *fmt, ...)
{
    if (ctx->rc != PL_OK)
        return code; /* the first error wins */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
    va_end(ap);
    ctx->rc = code;
    if (getenv("PLANNER_DEBUG"))
        fprintf(stderr, "debug: error set in %s\n", func);
    return code;
}

const char *pl_errmsg(const pl_ctx *ctx) { return ctx->msg; }
int pl_errcode(const pl_ctx *ctx) { return ctx->rc; }

void pl_error_clear(pl_ctx *ctx)
{
    ctx->rc = PL_OK;
    ctx->msg[0] = '\0';
}

const char *pl_libmsg(const pl_ctx *ctx) { return ctx->lib_msg[0] ? ctx->lib_msg : "no detail"; }
void pl_libmsg_clear(pl_ctx *ctx) { ctx->lib_msg[0] = '\0'; }
void pl_libmsg_set(pl_ctx *ctx, const char *msg)
{
    snprintf(ctx->lib_msg, sizeof ctx->lib_msg, "%s", msg ? msg : "");
}

GEOSContextHandle_t pl_geos(pl_ctx *ctx) { return ctx->geos; }
void *pl_proj(pl_ctx *ctx) { return ctx->proj; }
pl_xform **pl_ctx_xforms(pl_ctx *ctx) { return &ctx->xforms; }

void pl_ctx_on_free(pl_ctx *ctx, void (*fn)(pl_ctx *)) { ctx->on_free = fn; }
int pl_ctx_next_step(pl_ctx *ctx) { return ++ctx->n_steps; }

/* ==== progress on a terminal =========================================== */

void pl_progress_enable(pl_ctx *ctx, int on) { ctx->progress = on && isatty(STDERR_FILENO); }

void pl_progress(pl_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->progress)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("\r\033[Kplanner: ", stderr); /* over the previous line */
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
    ctx->progress_shown = 1;
}

void pl_progress_end(pl_ctx *ctx)
{
    if (ctx->progress_shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        ctx->progress_shown = 0;
    }
}
