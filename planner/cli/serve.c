/*
 * serve.c - planner serve: the scenario's plan opened (from the zone index
 * when --index names one), then proposals answered as JSON lines; before
 * each line the plan's files are stamped (pl_zindex_stamp: stat, no byte
 * read) and the plan opened again when they changed.
 *
 * Entry point: pl_cmd_serve.
 *
 * Each line of standard input is one proposal document (a GeoJSON Feature,
 * a bare geometry or a FeatureCollection).  It is read as validate reads a
 * proposal file (the same reader, through a private temporary file, so the
 * properties, defaults and refusals are validate's) and answered on one
 * line: validate --json's document for it, newlines between its members
 * left out, "file" being "stdin:N".  A line that cannot be read or checked
 * is answered {"line":N,"error":MESSAGE}, and serving goes on.
 *
 * The temporary file lives while its line is read, and no longer: serve
 * killed while it waits for input (Ctrl-C, kill, its reader gone: SIGPIPE)
 * leaves nothing behind.  An answer that cannot be written (a full disk)
 * ends serve, exit 2, as does input that cannot be read (not its end).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* m with every occurrence of tmp replaced by label, as a JSON string into b */
static void json_msg(pl_buf *b, const char *m, const char *tmp, const char *label)
{
    pl_buf t;
    pl_buf_init(&t);
    size_t k = strlen(tmp);
    for (const char *s = m, *hit; *s; s = hit + k) {
        if (!(hit = strstr(s, tmp))) {
            pl_buf_puts(&t, s);
            break;
        }
        pl_buf_putn(&t, s, (size_t)(hit - s));
        pl_buf_puts(&t, label);
    }
    pl_buf_json_str(b, t.s ? t.s : m);
    pl_buf_free(&t);
}

/* The answer to one line (n bytes) into out, one line with its newline;
 * the line read through a file of its own in the folder tmpdir, removed
 * when it is read. */
static void answer(pl_ctx *ctx, const pl_opts *o, pl_plan *p, const char *tmpdir, size_t no, const char *line,
                   size_t n, pl_buf *out)
{
    char label[48], tmp[4200];
    snprintf(label, sizeof label, "stdin:%zu", no);
    snprintf(tmp, sizeof tmp, "%s/planner-serve.XXXXXX.geojson", tmpdir);
    pl_error_clear(ctx);
    pl_batch bt = {0};
    errno = 0;
    int fd = mkstemps(tmp, 8); /* private (0600), a name no other process has */
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    int ok = f && fwrite(line, 1, n, f) == n;
    if (f ? fclose(f) != 0 : fd >= 0 && close(fd) != 0)
        ok = 0;
    if (!ok) /* the folder named, not the file: the label stands for the file in the message */
        pl_error(ctx, PL_IO, "%s: cannot write the line to a temporary file there: %s", tmpdir,
                 errno ? strerror(errno) : "short write");
    char *files[1] = {tmp}, *names[1] = {label};
    size_t at = out->n;
    ok = ok && pl_plan_validate(ctx, p, files, names, 1, o->shift, 1, PL_WANT_JSON, &bt) == PL_OK;
    if (fd >= 0)
        unlink(tmp);
    if (ok)
        ok = pl_export_validate_json(ctx, p, bt.props, bt.res, NULL, out) == PL_OK;
    if (ok) { /* one line: the document's newlines are all between members */
        size_t w = at;
        for (size_t r = at; r < out->n; r++)
            if (out->s[r] != '\n')
                out->s[w++] = out->s[r];
        out->n = w;
        out->s[w] = '\0';
    } else {
        out->n = at;
        pl_buf_printf(out, "{\"line\":%zu,\"error\":", no);
        json_msg(out, *pl_errmsg(ctx) ? pl_errmsg(ctx) : "failed (no detail)", tmp, label);
        pl_buf_puts(out, "}");
    }
    pl_buf_puts(out, "\n");
    pl_batch_free(ctx, &bt);
}

/* a line of blanks only */
static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* The plan being served and what its files were when it was opened. */
typedef struct served {
    pl_plan *p;     /* NULL: it could not be opened again (the next line tries) */
    char stamp[65]; /* pl_zindex_stamp of its files */
    int watched;    /* 0: a file cannot be watched (a folder dataset, a VRT) */
    int recent;     /* a file's time within 2 s of the open: it may have changed while it was read */
} served;

/* The plan opened into sv (from the index when --index names one), with
 * its rings and grids, and its files' stamp.  PL_EXIT_OK, or PL_EXIT_BAD
 * (the error printed, and kept in ctx). */
static int open_plan(pl_ctx *ctx, const pl_opts *o, served *sv)
{
    time_t t0 = time(NULL);
    sv->p = NULL;
    int code = pl_cli_open_plan(ctx, o, 0, &sv->p);
    if (code)
        return code;
    if (pl_validate_prepare(ctx, sv->p) != PL_OK) { /* the rings and grids, once */
        pl_cli_error(ctx);
        pl_plan_free(ctx, sv->p);
        sv->p = NULL;
        return PL_EXIT_BAD;
    }
    int r = pl_zindex_stamp(sv->p->sc, o->index, t0 - 2, sv->stamp);
    sv->watched = r >= 0;
    sv->recent = r == 1;
    return PL_EXIT_OK;
}

/* Before line no: when a file of the plan changed since it was opened
 * (said on stderr), may have changed while it was read, or the plan could
 * not be opened again, it is opened again: a proposal is never answered
 * from the layers as they were.  1 when sv->p is ready; 0 when it cannot
 * be opened (the line's error answer is in out). */
static int plan_current(pl_ctx *ctx, const pl_opts *o, served *sv, size_t no, pl_buf *out)
{
    char now[65];
    int same = sv->p && (!sv->watched || (pl_zindex_stamp(sv->p->sc, o->index, 0, now) >= 0 &&
                                          !strcmp(now, sv->stamp)));
    if (same && !sv->recent)
        return 1;
    if (sv->p && !same)
        fprintf(stderr, "planner: serve: line %zu: a file of the plan changed since it was opened: opened again\n",
                no);
    pl_plan_free(ctx, sv->p);
    if (open_plan(ctx, o, sv) == PL_EXIT_OK)
        return 1;
    pl_buf_printf(out, "{\"line\":%zu,\"error\":", no);
    pl_buf t;
    pl_buf_init(&t);
    pl_buf_printf(&t, "the plan's files changed and it cannot be opened again: %s", pl_errmsg(ctx));
    pl_buf_json_str(out, t.s ? t.s : "the plan's files changed and it cannot be opened again");
    pl_buf_free(&t);
    pl_buf_puts(out, "}\n");
    return 0;
}

int pl_cmd_serve(pl_ctx *ctx, const pl_opts *o)
{
    /* each line goes through a private file of its own (answer) */
    const char *td = getenv("TMPDIR");
    td = td && *td ? td : "/tmp";
    if (access(td, W_OK | X_OK) != 0) { /* said once, before the plan is read, not at every line */
        fprintf(stderr, "planner: error: %s: serve cannot make its temporary files there (TMPDIR): %s\n", td,
                strerror(errno));
        return PL_EXIT_BAD;
    }
    served sv = {0};
    int code = open_plan(ctx, o, &sv);
    if (code)
        return code;
    char *line = NULL;
    size_t cap = 0, no = 0;
    ssize_t n;
    pl_buf out;
    pl_buf_init(&out);
    while (code == PL_EXIT_OK && (n = getline(&line, &cap, stdin)) >= 0) {
        no++;
        if (blank(line, (size_t)n))
            continue;
        out.n = 0;
        if (plan_current(ctx, o, &sv, no, &out))
            answer(ctx, o, sv.p, td, no, line, (size_t)n, &out);
        if (out.oom) {
            fputs("{\"error\":\"out of memory\"}\n", stdout);
            pl_buf_free(&out);
            pl_buf_init(&out);
        } else {
            fwrite(out.s, 1, out.n, stdout);
        }
        if (fflush(stdout) != 0 || ferror(stdout)) { /* the answers are lost: said, and serve ends */
            fprintf(stderr, "planner: error: standard output: cannot write the answer to line %zu: %s\n", no,
                    strerror(errno));
            code = PL_EXIT_BAD;
        }
    }
    if (code == PL_EXIT_OK && ferror(stdin)) { /* not the end of the input: its lines may not all be answered */
        fprintf(stderr, "planner: error: standard input: cannot read line %zu: %s\n", no + 1, strerror(errno));
        code = PL_EXIT_BAD;
    }
    free(line);
    pl_buf_free(&out);
    pl_plan_free(ctx, sv.p);
    return code;
}
