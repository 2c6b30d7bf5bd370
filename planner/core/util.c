/*
 * util.c - growing text buffers, JSON and XML text writing, SHA-256, UTF-8.
 *
 * Entry points: pl_buf_init, pl_buf_free, pl_buf_puts, pl_buf_putn, pl_fmt_fixed,
 * pl_buf_fixed, pl_buf_printf, pl_buf_xml, pl_buf_xml_chars, pl_buf_json_str,
 * pl_buf_json_strn, pl_buf_num, pl_strdup, pl_str_in, pl_sha256_*,
 * pl_utf8_valid.  Files and folders written whole, input paths checked:
 * files.c.
 */
#include "planner.h"

#include <float.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
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

/* Length (1-4) of the well-formed UTF-8 character at s[0..n), or 0 when
 * s[0] starts none (a stray continuation byte, an overlong form, a
 * surrogate, beyond U+10FFFF, or cut short).  n >= 1.  A NUL ends a
 * sequence early, so a NUL-ended string may pass n = SIZE_MAX. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
    if (k == 0)
        return 1;
    if (k == 9 || c < 0xc2 || c > 0xf4 || k >= n)
        return 0;
    unsigned cp = k == 1 ? c & 0x1f : k == 2 ? c & 0x0f : c & 0x07;
    for (size_t j = 1; j <= k; j++) {
        if ((s[j] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[j] & 0x3f);
    }
    if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return k + 1;
}

/* How many bytes from p XML takes as they are: up to the first control
 * byte (but tab, newline and carriage return when !markup), U+FFFE,
 * U+FFFF, byte that is not UTF-8, markup character (when markup), "]]>"
 * (when !markup) or NUL. */
static size_t xml_plain(const unsigned char *p, int markup)
{
    size_t k = 0;
    for (;;) {
        unsigned c = p[k];
        if (c >= 0x80) {
            size_t m = utf8_seq(p + k, SIZE_MAX);
            if (!m || (m == 3 && c == 0xef && p[k + 1] == 0xbf && p[k + 2] >= 0xbe))
                return k;
            k += m;
        } else if (c < 0x20) { /* the NUL among them */
            if (markup || (c != '\t' && c != '\n' && c != '\r'))
                return k;
            k++;
        } else if (markup && (c == '<' || c == '>' || c == '&' || c == '"' || c == '\'')) {
            return k;
        } else if (!markup && c == ']' && p[k + 1] == ']' && p[k + 2] == '>') {
            return k;
        } else {
            k++;
        }
    }
}

static void xml_text(pl_buf *b, const char *s, int markup)
{
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        size_t k = xml_plain(p, markup);
        pl_buf_putn(b, p, k);
        p += k;
        switch (*p) {
        case '\0': return;
        case '<': pl_buf_puts(b, "&lt;"); break;
        case '>': pl_buf_puts(b, "&gt;"); break;
        case '&': pl_buf_puts(b, "&amp;"); break;
        case '"': pl_buf_puts(b, "&quot;"); break;
        case '\'': pl_buf_puts(b, "&#39;"); break;
        case '\t': pl_buf_puts(b, "&#9;"); break;
        case '\n': pl_buf_puts(b, "&#10;"); break;
        case '\r': pl_buf_puts(b, "&#13;"); break;
        case ']': /* "]]>", which would end a CDATA section: "]]" U+200B ">" */
            pl_buf_puts(b, "]]\xe2\x80\x8b");
            p++;
            break;
        default: /* a control byte, U+FFFE/U+FFFF (3 bytes) or a byte that is not UTF-8 */
            pl_buf_puts(b, "\xef\xbf\xbd");
            if (*p == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
                p += 2;
        }
        p++;
    }
}

/* XML 1.0 text (and HTML, which takes the same): the five markup
 * characters as entities; tab, newline and carriage return as character
 * references (so that an attribute keeps them: a parser turns raw ones
 * into spaces); what XML cannot hold at all - the other control bytes,
 * U+FFFE, U+FFFF - and bytes that are not UTF-8 as U+FFFD.  The text then
 * cannot close an element, an attribute, a <script> or a <style>. */
void pl_buf_xml(pl_buf *b, const char *s) { xml_text(b, s, 1); }

/* For text a library escapes itself (KML through GDAL): only what XML
 * cannot hold at all, as U+FFFD.  libkml puts text with markup characters
 * in a CDATA section as it is, which "]]>" would end: that gets a zero-width
 * space after "]]". */
void pl_buf_xml_chars(pl_buf *b, const char *s) { xml_text(b, s, 0); }

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

/* Index of the first byte of s[0..n) that JSON must escape (a control
 * byte, '"' or a backslash) or replace (a byte that is not well-formed
 * UTF-8), or n: ASCII eight bytes a step (the reasons of a big batch are
 * millions of strings, nearly all plain), other UTF-8 a character a step. */
static size_t json_plain_run(const unsigned char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
    for (;;) {
        for (; i + 8 <= n; i += 8) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            uint64_t q = v ^ (ones * '"'), bs = v ^ (ones * '\\');
            /* a zero byte of q or bs, a byte below 0x20 (high bit clear
             * and below after subtracting 0x20), or a byte of 0x80 up */
            uint64_t hit = ((q - ones) & ~q) | ((bs - ones) & ~bs) | ((v - ones * 0x20) & ~v) | v;
            if (hit & highs)
                break;
        }
        if (i >= n)
            return n;
        unsigned c = s[i];
        if (c < 0x20 || c == '"' || c == '\\')
            return i;
        size_t k = c < 0x80 ? 1 : utf8_seq(s + i, n - i);
        if (!k)
            return i;
        i += k;
    }
}

void pl_buf_json_str(pl_buf *b, const char *s)
{
    if (!s)
        pl_buf_puts(b, "null");
    else
        pl_buf_json_strn(b, s, strlen(s));
}

/* RFC 8259: '"' and '\\' escaped, control bytes as \n \r \t or \u00XX;
 * well-formed UTF-8 (astral characters too) as it is; a byte that is not
 * UTF-8 (say a name cut inside a character) as \ufffd, so that the output
 * is always UTF-8 a JSON parser reads. */
void pl_buf_json_strn(pl_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    pl_buf_putn(b, "\"", 1);
    for (;;) {
        size_t k = json_plain_run(p, n); /* plain bytes, UTF-8 included, in one piece */
        pl_buf_putn(b, (const char *)p, k);
        if (k == n)
            break;
        switch (p[k]) {
        case '"': pl_buf_puts(b, "\\\""); break;
        case '\\': pl_buf_puts(b, "\\\\"); break;
        case '\n': pl_buf_puts(b, "\\n"); break;
        case '\r': pl_buf_puts(b, "\\r"); break;
        case '\t': pl_buf_puts(b, "\\t"); break;
        default:
            if (p[k] < 0x20)
                pl_buf_printf(b, "\\u%04x", p[k]);
            else
                pl_buf_puts(b, "\\ufffd"); /* not UTF-8 */
        }
        p += k + 1;
        n -= k + 1;
    }
    pl_buf_puts(b, "\"");
}

/* x with dec decimals, the same text as printf's "%.*f".  printf goes
 * through glibc's slow positional path in this process (libquadmath,
 * which GDAL's dependencies load, registers printf handlers), and the
 * decimal expansion of a double is costly besides.  Fast path: y = x 10^dec
 * is off the exact product by at most one rounding (10^dec is exact), so
 * unless y lies within a few units in the last place of a tie, rounding y
 * to the nearest integer is the correctly rounded decimal.  Near ties,
 * large values and non-finite ones go to snprintf. */
size_t pl_fmt_fixed(char *out, size_t n, double x, int dec)
{
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    if (dec < 0 || dec > 9 || !isfinite(x) || fabs(x) * p10[dec] >= 1e15 || n < 32) {
        snprintf(out, n, "%.*f", dec, x);
        return strlen(out);
    }
    /* 0 <= y < 1e15: the integer part by truncation (no libm call), and
     * y - w exact */
    double y = fabs(x) * p10[dec];
    unsigned long long w = (unsigned long long)y;
    double f = y - (double)w;
    if (fabs(f - 0.5) <= 8 * DBL_EPSILON * (y > 1 ? y : 1)) {
        snprintf(out, n, "%.*f", dec, x);
        return strlen(out);
    }
    unsigned long long v = w + (f > 0.5); /* the digits of v, the point dec from the right */
    char t[32], *e = t + sizeof t, *q = e;
    for (int k = 0; k < dec; k++, v /= 10) /* by a constant: no division instruction */
        *--q = (char)('0' + v % 10);
    if (dec)
        *--q = '.';
    do
        *--q = (char)('0' + v % 10);
    while (v /= 10);
    if (signbit(x))
        *--q = '-'; /* printf keeps the sign of a value that rounds to zero */
    memcpy(out, q, (size_t)(e - q));
    out[e - q] = '\0';
    return (size_t)(e - q);
}

void pl_buf_fixed(pl_buf *b, double x, int dec)
{
    char t[64];
    size_t k = pl_fmt_fixed(t, sizeof t, x, dec);
    pl_buf_putn(b, t, k);
}

void pl_buf_num(pl_buf *b, double v, int decimals)
{
    if (!isfinite(v)) {
        pl_buf_puts(b, "null");
        return;
    }
    char t[64];
    if (fabs(v) >= 1e50) { /* "%.*f" would not fit in t: 17 digits and an exponent */
        snprintf(t, sizeof t, "%.17g", v);
        pl_buf_puts(b, t);
        return;
    }
    pl_fmt_fixed(t, sizeof t, v, decimals);
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

/* ==== SHA-256 (FIPS 180-4), for the run store's scenario and data hashes */

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64], a[8];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(a, h, sizeof a);
    /* the eight working variables in registers (a zone index hashes every
     * layer's bytes on each run: no copy of the array a round) */
    uint32_t A = a[0], B = a[1], C = a[2], D = a[3], E = a[4], F = a[5], G = a[6], H = a[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = H + (ROR(E, 6) ^ ROR(E, 11) ^ ROR(E, 25)) + ((E & F) ^ (~E & G)) + sha_k[i] + w[i];
        uint32_t t2 = (ROR(A, 2) ^ ROR(A, 13) ^ ROR(A, 22)) + ((A & B) ^ (A & C) ^ (B & C));
        H = G, G = F, F = E, E = D + t1, D = C, C = B, B = A, A = t1 + t2;
    }
    h[0] += A, h[1] += B, h[2] += C, h[3] += D, h[4] += E, h[5] += F, h[6] += G, h[7] += H;
}

void pl_sha256_init(pl_sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->len = 0;
    s->n = 0;
}

void pl_sha256_add(pl_sha256 *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    s->len += n;
    for (; s->n == 0 && n >= 64; p += 64, n -= 64) /* whole blocks straight from data */
        sha_block(s->h, p);
    while (n) {
        size_t k = 64 - s->n < n ? 64 - s->n : n;
        memcpy(s->buf + s->n, p, k);
        s->n += k, p += k, n -= k;
        if (s->n == 64) {
            sha_block(s->h, s->buf);
            s->n = 0;
        }
    }
}

void pl_sha256_hex(pl_sha256 *s, char out[65])
{
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80, zero = 0, len[8];
    pl_sha256_add(s, &pad, 1);
    while (s->n != 56)
        pl_sha256_add(s, &zero, 1);
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    pl_sha256_add(s, len, 8);
    for (int i = 0; i < 8; i++)
        snprintf(out + 8 * i, 9, "%08x", s->h[i]);
}

int pl_sha256_file(const char *path, char out[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    pl_sha256 s;
    pl_sha256_init(&s);
    unsigned char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        pl_sha256_add(&s, chunk, k);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return -1;
    pl_sha256_hex(&s, out);
    return 0;
}

/* ==== UTF-8 ============================================================= */

int pl_utf8_valid(const unsigned char *s, size_t *bad)
{
    for (size_t i = 0, k; s[i]; i += k)
        if (!(k = utf8_seq(s + i, SIZE_MAX))) {
            *bad = i; /* overlong, a surrogate, beyond Unicode, or cut short */
            return 0;
        }
    return 1;
}
