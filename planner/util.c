/*
 * util.c - growing text buffers, JSON string/number writing, atomic files.
 *
 * Entry points: pl_buf_init, pl_buf_free, pl_buf_puts, pl_buf_printf,
 * pl_buf_json_str, pl_buf_num, pl_strdup, pl_str_in.
 */
#include "planner.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void pl_buf_init(pl_buf *b) { memset(b, 0, sizeof *b); }

void pl_buf_free(pl_buf *b)
{
    free(b->s);
    pl_buf_init(b);
}

static int grow(pl_buf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (b->n + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + extra + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = 1;
        return -1;
    }
    b->s = s;
    b->cap = cap;
    return 0;
}

void pl_buf_puts(pl_buf *b, const char *s)
{
    size_t k = strlen(s);
    if (grow(b, k))
        return;
    memcpy(b->s + b->n, s, k + 1);
    b->n += k;
}

void pl_buf_putn(pl_buf *b, const void *s, size_t k)
{
    if (grow(b, k))
        return;
    memcpy(b->s + b->n, s, k);
    b->n += k;
    b->s[b->n] = '\0';
}

void pl_buf_xml(pl_buf *b, const char *s)
{
    while (s && *s) {
        size_t k = strcspn(s, "<>&\"'");
        pl_buf_putn(b, s, k);
        s += k;
        switch (*s) {
        case '<': pl_buf_puts(b, "&lt;"); break;
        case '>': pl_buf_puts(b, "&gt;"); break;
        case '&': pl_buf_puts(b, "&amp;"); break;
        case '"': pl_buf_puts(b, "&quot;"); break;
        case '\'': pl_buf_puts(b, "&#39;"); break;
        default: return;
        }
        s++;
    }
}

void pl_buf_printf(pl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0 || grow(b, (size_t)k))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

void pl_buf_json_str(pl_buf *b, const char *s)
{
    if (!s) {
        pl_buf_puts(b, "null");
        return;
    }
    pl_buf_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': pl_buf_puts(b, "\\\""); break;
        case '\\': pl_buf_puts(b, "\\\\"); break;
        case '\n': pl_buf_puts(b, "\\n"); break;
        case '\r': pl_buf_puts(b, "\\r"); break;
        case '\t': pl_buf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20)
                pl_buf_printf(b, "\\u%04x", *p);
            else {
                char c[2] = {(char)*p, 0};
                pl_buf_puts(b, c); /* UTF-8 passes through unchanged */
            }
        }
    }
    pl_buf_puts(b, "\"");
}

void pl_buf_num(pl_buf *b, double v, int decimals)
{
    if (!isfinite(v)) {
        pl_buf_puts(b, "null");
        return;
    }
    char t[64];
    snprintf(t, sizeof t, "%.*f", decimals, v);
    char *dot = strchr(t, '.');
    if (dot) {
        char *e = t + strlen(t) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (strcmp(t, "-0") == 0)
        strcpy(t, "0");
    pl_buf_puts(b, t);
}

char *pl_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t k = strlen(s) + 1;
    char *d = malloc(k);
    if (d)
        memcpy(d, s, k);
    return d;
}

int pl_str_in(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}
