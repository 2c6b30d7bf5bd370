/*
 * scenario_yaml.c - the scenario reader's YAML: documents read with
 * libfyaml, values read or reported at their file:line:column, paths
 * resolved and checked.
 *
 * Entry points (scenario_parse.h, for the scenario reader's files only):
 * pl_scn_read_doc, pl_scn_diag_create, pl_scn_parser_free; pl_scn_perr,
 * pl_scn_node_pos; pl_scn_scalar, pl_scn_dup_scalar, pl_scn_number,
 * pl_scn_unknown_key; pl_scn_resolve_path, pl_scn_check_path.
 *
 * Every problem found is reported as "file:line:column: what was expected";
 * up to MAX_ERRS are collected before giving up, one per line.  A file is
 * read whole and checked (not empty, UTF-8, read once in a child process:
 * libfyaml 0.7 crashes or hangs on some input) before libfyaml builds it.
 */
#include "scenario_parse.h"

#include <errno.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

void pl_scn_node_pos(struct fy_node *n, int *line, int *col)
{
    *line = 0;
    *col = 0;
    if (!n)
        return;
    if (fy_node_is_scalar(n)) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        if (m) {
            *line = m->line + 1;
            *col = m->column + 1;
        }
        return;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        if (p)
            pl_scn_node_pos(fy_node_pair_key(p), line, col);
    } else if (fy_node_is_sequence(n)) {
        pl_scn_node_pos(fy_node_sequence_iterate(n, &it), line, col);
    }
}

void pl_scn_perr(parser *p, struct fy_node *at, const char *fmt, ...)
{
    if (p->n_errs++ >= MAX_ERRS)
        return;
    int line, col;
    pl_scn_node_pos(at, &line, &col);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (p->errs.n)
        pl_buf_puts(&p->errs, "\n");
    if (line)
        pl_buf_printf(&p->errs, "%s:%d:%d: %s", p->file, line, col, msg);
    else
        pl_buf_printf(&p->errs, "%s: %s", p->file, msg);
}

/* Returns: the scalar text (borrowed from the document) or NULL after
 * reporting what was expected. */
const char *pl_scn_scalar(parser *p, struct fy_node *n, const char *what)
{
    if (!n || !fy_node_is_scalar(n)) {
        pl_scn_perr(p, n, "%s: expected a plain value", what);
        return NULL;
    }
    return fy_node_get_scalar0(n);
}

char *pl_scn_dup_scalar(parser *p, struct fy_node *n, const char *what)
{
    const char *s = pl_scn_scalar(p, n, what);
    if (!s)
        return NULL;
    if (!*s) {
        pl_scn_perr(p, n, "%s: expected a non-empty value", what);
        return NULL;
    }
    char *d = pl_strdup(s);
    if (!d)
        pl_scn_perr(p, n, "out of memory");
    return d;
}

int pl_scn_number(parser *p, struct fy_node *n, const char *what, double lo, double *out)
{
    const char *s = pl_scn_scalar(p, n, what);
    if (!s)
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < lo) {
        pl_scn_perr(p, n, "%s: expected a number >= %g, got '%s'", what, lo, s);
        return -1;
    }
    *out = v;
    return 0;
}

void pl_scn_unknown_key(parser *p, struct fy_node *key, const char *where, const char *expected)
{
    pl_scn_perr(p, key, "unknown key '%s' in %s (expected one of: %s)", fy_node_get_scalar0(key), where,
                expected);
}

/* Lexically drop "." and "dir/.." parts, so messages show short paths
 * (scenarios/../geodata/x -> geodata/x).  Leading ".." are kept. */
static void normalise_path(char *s)
{
    int abs = s[0] == '/';
    size_t len = strlen(s);
    char *parts[256];
    int n = 0;
    for (char *t = strtok(s + abs, "/"); t && n < 256; t = strtok(NULL, "/")) {
        if (!strcmp(t, "."))
            continue;
        if (!strcmp(t, "..") && n > 0 && strcmp(parts[n - 1], ".."))
            n--;
        else
            parts[n++] = t;
    }
    char *tmp = malloc(len + 3);
    if (!tmp)
        return;
    char *w = tmp;
    for (int i = 0; i < n; i++) {
        size_t k = strlen(parts[i]);
        memmove(w, parts[i], k);
        w += k;
        if (i + 1 < n)
            *w++ = '/';
    }
    if (n == 0)
        *w++ = '.';
    *w = '\0';
    strcpy(s + abs, tmp);
    free(tmp);
}

char *pl_scn_resolve_path(const char *dir, const char *rel)
{
    size_t k = strlen(dir) + strlen(rel) + 3;
    char *s = malloc(k);
    if (!s)
        return NULL;
    if (rel[0] == '/' || !dir[0])
        snprintf(s, k, "%s", rel);
    else
        snprintf(s, k, "%s/%s", dir, rel);
    normalise_path(s);
    return s;
}

/* A data path must name a local file inside the data root (the
 * scenario's folder unless the scenario sets data_root): GDAL would
 * otherwise open URLs, cloud buckets and database connections, and a
 * scenario passed around could read any file of the machine. */
int pl_scn_check_path(parser *p, struct fy_node *at, const char *given, const char *resolved)
{
    static const char *const net[] = {"/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls", "/vsioss",
                                      "/vsiswift", "/vsiwebhdfs", "/vsihdfs", "://", NULL};
    for (int i = 0; net[i]; i++)
        if (strstr(given, net[i])) {
            pl_scn_perr(p, at, "path '%s': refused: the planner reads local files only, it never opens the "
                        "network", given);
            return -1;
        }
    if (!strncmp(given, "/vsi", 4)) {
        pl_scn_perr(p, at, "path '%s': refused: GDAL virtual paths are not read; name the local file "
                    "(GDAL opens .zip archives itself)", given);
        return -1;
    }
    size_t k = strspn(given, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    if (k > 1 && given[k] == ':') { /* PG:, WFS:, MySQL:, ... */
        pl_scn_perr(p, at, "path '%s': refused: a GDAL connection string, not a file; the planner reads "
                    "local files only", given);
        return -1;
    }
    if (!p->data_root)
        return 0;
    char *r = realpath(resolved, NULL), *abs = NULL;
    if (!r) { /* not there (reported when opened): judge the name itself */
        char cwd[4096];
        if (resolved[0] == '/' || !getcwd(cwd, sizeof cwd))
            abs = pl_strdup(resolved);
        else if ((abs = malloc(strlen(cwd) + strlen(resolved) + 2)))
            sprintf(abs, "%s/%s", cwd, resolved);
        if (!abs)
            return -1;
    }
    const char *q = r ? r : abs;
    size_t n = strlen(p->data_root);
    int inside = !strcmp(p->data_root, "/") ||
                 (!strncmp(q, p->data_root, n) && (q[n] == '/' || q[n] == '\0'));
    if (!inside)
        pl_scn_perr(p, at, "path '%s' lies outside %s: refused; set data_root: in the scenario to a "
                    "folder that holds it to allow this", given, p->data_root_text);
    free(r);
    free(abs);
    return inside ? 0 : -1;
}

/* libfyaml reports a syntax error through the diag output function as
 * "FILE:LINE:COL: error: MESSAGE\n" followed by the source line and a
 * caret; keep the first error line. */
static void yaml_diag_out(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    parser *p = user;
    const char *e = memmem(buf, len, ": error: ", 9);
    if (!e || p->n_errs)
        return;
    int line = 0, col = 0;
    const char *q = buf + strlen(p->file);
    if ((size_t)(q - buf) >= len || sscanf(q, ":%d:%d:", &line, &col) != 2)
        line = col = 0;
    const char *msg = e + 9;
    size_t k = len - (size_t)(msg - buf);
    while (k && (msg[k - 1] == '\n' || msg[k - 1] == '\r'))
        k--;
    p->n_errs++;
    if (line)
        pl_buf_printf(&p->errs, "%s:%d:%d: malformed YAML: %.*s", p->file, line, col, (int)k, msg);
    else
        pl_buf_printf(&p->errs, "%s: malformed YAML: %.*s", p->file, (int)k, msg);
}

/* libfyaml 0.7 (Debian 12) crashes or loops on some malformed input (the
 * fuzzer found both; upstream fixed such bugs later), so each file is first
 * read in a child process: 0 it read (well or with an error message), 1 it
 * died, 2 it took more than 10 s.  The cost is a fork a file. */
static void probe_quiet(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static int probe_yaml(const char *text, size_t n)
{
    pid_t pid = fork();
    if (pid < 0)
        return 0; /* no child: read in this process, as before */
    if (pid == 0) {
        /* the child may die: plainly, not through a sanitizer's report */
        int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
        for (size_t k = 0; k < sizeof fatal / sizeof *fatal; k++)
            signal(fatal[k], SIG_DFL);
        alarm(10);
        struct fy_parse_cfg cfg = {.search_path = "", .flags = FYPCF_QUIET};
        struct fy_diag_cfg dc;
        fy_diag_cfg_default(&dc);
        dc.fp = NULL;
        dc.output_fn = probe_quiet;
        struct fy_diag *d = fy_diag_create(&dc);
        cfg.diag = d;
        struct fy_document *doc = fy_document_build_from_string(&cfg, text, n);
        if (doc)
            fy_document_destroy(doc);
        if (d)
            fy_diag_destroy(d);
        _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 0;
    if (WIFSIGNALED(status))
        return WTERMSIG(status) == SIGALRM ? 2 : 1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* The first NUL or byte that is not UTF-8 (bad, as pl_utf8_valid found
 * it, unless there is a NUL), reported at its line and column. */
static void report_not_utf8(parser *p, const char *name, const pl_buf *text, size_t nul, size_t bad)
{
    size_t at_b = nul != (size_t)-1 && (nul < bad || pl_utf8_valid((const unsigned char *)text->s, &bad)) ? nul : bad;
    int line = 1, col = 1;
    for (size_t j = 0; j < at_b; j++, col++)
        if (text->s[j] == '\n') {
            line++;
            col = 0;
        }
    const char *outer = p->file;
    p->file = name;
    pl_buf_printf(&p->errs, "%s%s:%d:%d: not UTF-8 text (byte 0x%02X): save the file as UTF-8",
                  p->errs.n ? "\n" : "", name, line, col, (unsigned char)text->s[at_b]);
    p->n_errs++;
    p->file = outer;
}

/* A second document (--- after content, or anything after ...), which
 * libfyaml never reads: reported.  Returns 1, or 0 when reported. */
static int one_plain_doc(parser *p, const char *name, const char *s, size_t n)
{
    const char *why = NULL;
    int line = 1, content = 0, started = 0, ended = 0;
    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        s += 3, n -= 3; /* a byte order mark: libfyaml skips it */
    for (size_t i = 0; !why && i < n; line++) {
        const char *e = memchr(s + i, '\n', n - i), *l = s + i;
        size_t k = e ? (size_t)(e - l) : n - i;
        int start = k >= 3 && !memcmp(l, "---", 3) && (k == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
        int end = k >= 3 && !memcmp(l, "...", 3) && (k == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
        size_t b = strspn(l, " \t\r");
        int blank = b >= k || l[b] == '#';
        if (start && (content || started || ended))
            why = "a second YAML document (---): a scenario is one document, the rest would be left unread";
        else if (!blank && !start && !end && ended)
            why = "text after the end of the document (...): it would be left unread";
        started |= start;
        ended |= end;
        content |= !blank && !start && !end && l[0] != '%'; /* %YAML: a directive */
        i += k + 1;
    }
    if (why) {
        pl_buf_printf(&p->errs, "%s%s:%d:1: %s", p->errs.n ? "\n" : "", name, line - (line > 1), why);
        p->n_errs++;
    }
    return !why;
}

/* The whole text of the open file f (closed here), checked before libfyaml
 * sees it: YAML is Unicode, and libfyaml 0.7 loops forever on some invalid
 * bytes (upstream issue #101, a directive line; fixed after Debian 12's
 * version); then read once in a child process (probe_yaml).  Returns 1
 * when libfyaml may read it, 0 when the problem is reported. */
static int text_readable(parser *p, struct fy_node *at, const char *name, FILE *f)
{
    pl_buf text;
    pl_buf_init(&text);
    char chunk[65536];
    size_t k, nul = (size_t)-1;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (nul == (size_t)-1 && memchr(chunk, 0, k))
            nul = text.n + (size_t)((char *)memchr(chunk, 0, k) - chunk);
        pl_buf_putn(&text, chunk, k);
    }
    fclose(f);
    size_t bad = 0;
    int ok = 1;
    if (text.oom) {
        pl_scn_perr(p, at, "out of memory");
        ok = 0;
    } else if (text.n == 0) {
        pl_scn_perr(p, at, "the file is empty: expected a mapping with name, crs, layers and rules");
        ok = 0;
    } else if (nul != (size_t)-1 || !pl_utf8_valid((const unsigned char *)text.s, &bad)) {
        report_not_utf8(p, name, &text, nul, bad);
        ok = 0;
    }
    if (ok && !one_plain_doc(p, name, text.s, text.n))
        ok = 0;
    if (ok) {
        int why = probe_yaml(text.s, text.n);
        if (why) {
            /* one text for both: under valgrind a crash can outlast the 10 s */
            pl_buf_printf(&p->errs, "%s%s: malformed YAML: the YAML reader (libfyaml %s) crashed or hung on this "
                          "file; check its indentation and its ? and - marks", p->errs.n ? "\n" : "", name,
                          fy_library_version());
            p->n_errs++;
            ok = 0;
        }
    }
    pl_buf_free(&text);
    return ok;
}

/* Read one YAML document into p->docs; returns its index or -1 (reported). */
int pl_scn_read_doc(parser *p, struct fy_node *at, const char *name)
{
    if (p->n_docs > MAX_INCLUDE) {
        pl_scn_perr(p, at, "include: more than %d files in all", MAX_INCLUDE);
        return -1;
    }
    if (pl_path_check(p->ctx, name, at ? "include" : "scenario", NULL, 0) != PL_OK) {
        if (at) { /* into the parser's list, or the include would be dropped unsaid */
            pl_scn_perr(p, at, "%s", pl_errmsg(p->ctx));
            pl_error_clear(p->ctx);
        }
        return -1; /* a named pipe would hang fopen */
    }
    FILE *f = fopen(name, "rb");
    if (!f) {
        if (at)
            pl_scn_perr(p, at, "include: cannot open %s: %s", name, strerror(errno));
        else
            pl_error(p->ctx, PL_IO, "%s: cannot open scenario: %s", name, strerror(errno));
        return -1;
    }
    if (!text_readable(p, at, name, f))
        return -1;
    int i = p->n_docs;
    const char *slash = strrchr(name, '/');
    p->names[i] = pl_strdup(name);
    p->dirs[i] = slash ? strndup(name, (size_t)(slash - name)) : pl_strdup("");
    p->real[i] = realpath(name, NULL);
    if (!p->names[i] || !p->dirs[i] || !p->real[i]) {
        pl_scn_perr(p, at, "out of memory");
        return -1;
    }
    p->n_docs++;
    const char *outer = p->file;
    p->file = p->names[i]; /* libfyaml's messages name this file */
    struct fy_parse_cfg cfg = {.search_path = "", .flags = 0, .userdata = NULL, .diag = p->diag};
    int had = p->n_errs;
    p->docs[i] = fy_document_build_from_file(&cfg, name);
    if (!p->docs[i] && p->n_errs == had)
        pl_scn_perr(p, NULL, "malformed YAML");
    p->file = outer;
    return p->docs[i] ? i : -1;
}

/* A parser's diagnostics: libfyaml's messages go to yaml_diag_out. */
struct fy_diag *pl_scn_diag_create(parser *p)
{
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = yaml_diag_out;
    dcfg.user = p;
    dcfg.colorize = false;
    dcfg.show_source = false;
    dcfg.show_position = true;
    dcfg.show_type = true;
    dcfg.show_module = false;
    return fy_diag_create(&dcfg);
}

/* Everything a parser holds: its documents, their names, the data root,
 * its diagnostics and messages. */
void pl_scn_parser_free(parser *p)
{
    for (int i = 0; i < p->n_docs; i++) {
        if (p->docs[i])
            fy_document_destroy(p->docs[i]);
        free(p->names[i]);
        free(p->dirs[i]);
        free(p->real[i]);
    }
    if (p->n_docs < MAX_INCLUDE + 1) { /* a document whose reading failed half way */
        free(p->names[p->n_docs]);
        free(p->dirs[p->n_docs]);
        free(p->real[p->n_docs]);
    }
    free(p->data_root);
    if (p->diag)
        fy_diag_destroy(p->diag);
    pl_buf_free(&p->errs);
}
