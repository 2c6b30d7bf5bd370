/*
 * t_util.c - text buffers and JSON writing.
 *
 * Test plan
 *   1. numbers: fixed decimals, trailing zeros cut, no "-0", non-finite -> null,
 *      huge values whole
 *   2. strings: quotes, backslashes and control characters escaped, UTF-8 kept
 *   3. pl_str_in
 *   4-5. SHA-256, XML text
 *   6. pl_fmt_fixed: the text of printf "%.*f", ties and near-ties included
 *   7. pl_buf_json_str on random strings (every byte value, at every place
 *      in an eight-byte word) against a byte-by-byte escape written here,
 *      each output read back by a JSON string reader written here
 *   8. every control byte alone, an astral character, bytes that are not
 *      UTF-8: the exact escape, and the output reads back
 *   9. XML: every control byte, U+FFFE, bytes that are not UTF-8, </script>;
 *      pl_buf_xml_chars for a library's CDATA; pl_utf8_valid
 *  10. files written whole: new and replaced files, the mode kept, a link
 *      kept, a temporary name taken, temporary files of dead processes
 *      removed (of the file, or all), the parts (tmp, then commit), errors
 *      naming the path, no temporary file left
 *  11. folders replaced whole: a new folder swapped in (none before, one
 *      before: exchanged, and by three renames), undone, what dead
 *      processes left removed and a folder left aside put back, a live
 *      process's kept; pl_path_check: pipe, folder, *.gdb, file, missing
 */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

static const char *num(pl_buf *b, double v, int dec)
{
    b->n = 0;
    if (b->s)
        b->s[0] = '\0';
    pl_buf_num(b, v, dec);
    return b->s;
}

static void t1_numbers(void **state)
{
    (void)state;
    pl_buf b;
    pl_buf_init(&b);
    assert_string_equal(num(&b, 2000.0, 3), "2000");
    assert_string_equal(num(&b, 1.5, 3), "1.5");
    assert_string_equal(num(&b, 120.12345678, 7), "120.1234568");
    assert_string_equal(num(&b, -0.0000001, 3), "0");
    assert_string_equal(num(&b, 0.1 + 0.2, 3), "0.3");
    assert_string_equal(num(&b, NAN, 3), "null");
    assert_string_equal(num(&b, INFINITY, 3), "null");
    assert_string_equal(num(&b, -INFINITY, 3), "null");
    assert_string_equal(num(&b, -NAN, 7), "null");
    assert_string_equal(num(&b, 1e15, 3), "1000000000000000");
    /* beyond what "%.*f" fits in 64 bytes: all digits, not cut */
    assert_string_equal(num(&b, 1e300, 3), "1.0000000000000001e+300");
    assert_true(strtod(num(&b, -1.7976931348623157e308, 7), NULL) == -1.7976931348623157e308);
    pl_buf_free(&b);
}

static void t2_strings(void **state)
{
    (void)state;
    pl_buf b;
    pl_buf_init(&b);
    pl_buf_json_str(&b, "a\"b\\c\nd\x01 三山岛");
    assert_string_equal(b.s, "\"a\\\"b\\\\c\\nd\\u0001 三山岛\"");
    pl_buf_free(&b);
    pl_buf_json_str(&b, NULL);
    assert_string_equal(b.s, "null");
    pl_buf_free(&b);
}

static void t3_str_in(void **state)
{
    (void)state;
    assert_true(pl_str_in("eco_redline", pl_zone_classes));
    assert_false(pl_str_in("volcano", pl_zone_classes));
    assert_false(pl_str_in(NULL, pl_zone_classes));
}

/* FIPS 180-4 examples, and a message that spans the padding boundary */
static void t4_sha256(void **state)
{
    (void)state;
    static const struct {
        const char *msg, *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        pl_sha256 s;
        char out[65];
        pl_sha256_init(&s);
        pl_sha256_add(&s, v[i].msg, strlen(v[i].msg));
        pl_sha256_hex(&s, out);
        assert_string_equal(out, v[i].hex);
    }
    /* a million 'a' fed in uneven pieces */
    pl_sha256 s;
    char out[65], chunk[997];
    memset(chunk, 'a', sizeof chunk);
    pl_sha256_init(&s);
    for (size_t left = 1000000; left;) {
        size_t k = left < sizeof chunk ? left : sizeof chunk;
        pl_sha256_add(&s, chunk, k);
        left -= k;
    }
    pl_sha256_hex(&s, out);
    assert_string_equal(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* XML escaping for the map and the report */
/* pl_fmt_fixed gives printf's "%.*f" text: random values over many
 * magnitudes, exact ties (binary fractions), values a hair from ties,
 * negative values rounding to zero, and the limits where it hands over. */
static void t6_fixed(void **state)
{
    (void)state;
    char a[64], b[64];
    unsigned long long seed = 20251128;
    double special[] = {0.0, -0.0, 0.5, 1.5, 2.5, -0.5, 0.125, 0.375, -0.04, 0.05, 1e-9, 999999.99999995,
                        120.43688035, 31.17156785, 1e14, 1e15, -1e16, 0.45, 1.005, 2.675, NAN, INFINITY};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++)
        for (int d = 0; d <= 9; d++) {
            snprintf(b, sizeof b, "%.*f", d, special[i]);
            assert_int_equal(pl_fmt_fixed(a, sizeof a, special[i], d), strlen(b));
            assert_string_equal(a, b);
        }
    for (int i = 0; i < 300000; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(seed >> 11) / 9007199254740992.0;
        int d = (int)(seed % 10), e = (int)((seed >> 8) % 24) - 10;
        double x = (u - 0.5) * pow(10, e);
        if (i % 7 == 0) /* a hair from a tie at d decimals */
            x = (floor(x * pow(10, d)) + 0.5) / pow(10, d) + ((seed >> 20) % 3 - 1.0) * 1e-12;
        snprintf(b, sizeof b, "%.*f", d, x);
        size_t k = pl_fmt_fixed(a, sizeof a, x, d);
        if (strcmp(a, b) || k != strlen(b))
            fail_msg("%.17g at %d decimals: %s, printf %s", x, d, a, b);
    }
}

static void t5_xml(void **state)
{
    (void)state;
    pl_buf b;
    pl_buf_init(&b);
    pl_buf_xml(&b, "a<b & \"c\" 'd'> 吴中");
    assert_string_equal(b.s, "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt; 吴中");
    pl_buf_free(&b);
}

/* A JSON string literal read back (RFC 8259): the text between the
 * quotes, escapes decoded (surrogate pairs joined) into UTF-8.  Returns 0
 * when s is not exactly one valid literal: a raw control byte, a bare
 * quote or backslash, a bad escape, a lone surrogate, text after it. */
static int json_read(const char *s, char *out)
{
    const unsigned char *p = (const unsigned char *)s;
    if (*p++ != '"')
        return 0;
    while (*p != '"') {
        if (*p < 0x20)
            return 0;
        if (*p != '\\') {
            *out++ = (char)*p++;
            continue;
        }
        p++;
        const char *simple = strchr("\"\\/bfnrt", *p);
        if (*p && simple) {
            *out++ = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
            p++;
            continue;
        }
        unsigned cp = 0, lo = 0;
        if (*p != 'u' || sscanf((const char *)p + 1, "%4x", &cp) != 1 || !isxdigit(p[4]))
            return 0;
        p += 5;
        if (cp >= 0xdc00 && cp <= 0xdfff)
            return 0;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            if (p[0] != '\\' || p[1] != 'u' || sscanf((const char *)p + 2, "%4x", &lo) != 1 || lo < 0xdc00 ||
                lo > 0xdfff)
                return 0;
            p += 6;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        }
        if (cp < 0x80) {
            *out++ = (char)cp;
        } else if (cp < 0x800) {
            *out++ = (char)(0xc0 | cp >> 6);
            *out++ = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            *out++ = (char)(0xe0 | cp >> 12);
            *out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
            *out++ = (char)(0x80 | (cp & 0x3f));
        } else {
            *out++ = (char)(0xf0 | cp >> 18);
            *out++ = (char)(0x80 | ((cp >> 12) & 0x3f));
            *out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
            *out++ = (char)(0x80 | (cp & 0x3f));
        }
    }
    *out = '\0';
    return p[1] == '\0';
}

/* Length of the well-formed UTF-8 character at s, or 0: RFC 3629's table
 * of byte ranges (written apart from util.c's decoder). */
static size_t utf8_ref(const unsigned char *s)
{
    static const struct {
        unsigned char lead_lo, lead_hi, b1_lo, b1_hi;
        size_t n;
    } t[] = {{0x01, 0x7f, 0, 0, 1},       {0xc2, 0xdf, 0x80, 0xbf, 2}, {0xe0, 0xe0, 0xa0, 0xbf, 3},
             {0xe1, 0xec, 0x80, 0xbf, 3}, {0xed, 0xed, 0x80, 0x9f, 3}, {0xee, 0xef, 0x80, 0xbf, 3},
             {0xf0, 0xf0, 0x90, 0xbf, 4}, {0xf1, 0xf3, 0x80, 0xbf, 4}, {0xf4, 0xf4, 0x80, 0x8f, 4}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (s[0] < t[i].lead_lo || s[0] > t[i].lead_hi)
            continue;
        if (t[i].n == 1)
            return 1;
        if (s[1] < t[i].b1_lo || s[1] > t[i].b1_hi)
            return 0;
        for (size_t k = 2; k < t[i].n; k++)
            if (s[k] < 0x80 || s[k] > 0xbf)
                return 0;
        return t[i].n;
    }
    return 0;
}

/* s with each byte that starts no well-formed character as U+FFFD */
static void utf8_fix(char *o, const unsigned char *s)
{
    while (*s) {
        size_t k = utf8_ref(s);
        if (k) {
            memcpy(o, s, k);
            o += k, s += k;
        } else {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3, s++;
        }
    }
    *o = '\0';
}

/* the escape as RFC 8259 has it, one byte at a time; a byte that starts
 * no UTF-8 character as \ufffd */
static void json_ref(char *o, const unsigned char *s)
{
    *o++ = '"';
    for (size_t k; *s; s += k) {
        k = utf8_ref(s);
        if (k > 1) {
            memcpy(o, s, k);
            o += k;
            continue;
        }
        k = 1;
        if (*s == '"' || *s == '\\') {
            *o++ = '\\';
            *o++ = (char)*s;
        } else if (*s == '\n') {
            o += sprintf(o, "\\n");
        } else if (*s == '\r') {
            o += sprintf(o, "\\r");
        } else if (*s == '\t') {
            o += sprintf(o, "\\t");
        } else if (*s < 0x20) {
            o += sprintf(o, "\\u%04x", *s);
        } else if (*s < 0x80) {
            *o++ = (char)*s;
        } else {
            o += sprintf(o, "\\ufffd");
        }
    }
    *o++ = '"';
    *o = '\0';
}

static void t7_json_random(void **state)
{
    (void)state;
    unsigned long long seed = 7;
    unsigned char s[80];
    char want[80 * 6 + 3], back[80 * 3 + 1], fixed[80 * 3 + 1];
    pl_buf b;
    pl_buf_init(&b);
    for (int i = 0; i < 200000; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t n = (size_t)(seed >> 33) % 40;
        for (size_t k = 0; k < n; k++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned r = (unsigned)(seed >> 40);
            /* mostly plain text, sometimes any byte (0 ends the string) */
            s[k] = (unsigned char)(r % 16 ? 0x20 + r % 95 : 1 + (r >> 8) % 255);
        }
        s[n] = '\0';
        json_ref(want, s);
        b.n = 0;
        pl_buf_json_str(&b, (const char *)s);
        if (strcmp(b.s, want))
            fail_msg("string %d: got %s, want %s", i, b.s, want);
        utf8_fix(fixed, s);
        if (!json_read(b.s, back) || strcmp(back, fixed))
            fail_msg("string %d: %s does not read back", i, b.s);
    }
    pl_buf_free(&b);
}

static const char *json_of(pl_buf *b, const char *s, size_t n)
{
    b->n = 0;
    pl_buf_json_strn(b, s, n);
    return b->s;
}

static void t8_json_bytes(void **state)
{
    (void)state;
    pl_buf b;
    pl_buf_init(&b);
    char back[64], want[16];
    for (unsigned c = 0; c < 0x20; c++) { /* each control byte, the NUL too, between two letters */
        char s[3] = {'a', (char)c, 'b'};
        snprintf(want, sizeof want, c == '\n' ? "\"a\\nb\"" : c == '\r' ? "\"a\\rb\"" : c == '\t' ? "\"a\\tb\""
                                                                                       : "\"a\\u%04xb\"", c);
        assert_string_equal(json_of(&b, s, 3), want);
        assert_true(json_read(b.s, back));
        assert_memory_equal(back, s, 3);
    }
    /* 0x7f and the C1 range as UTF-8 need no escape */
    assert_string_equal(json_of(&b, "\x7f\xc2\x80", 3), "\"\x7f\xc2\x80\"");
    /* U+1F681 (outside the BMP) as it is, four bytes; '"' and '\\' escaped */
    assert_string_equal(json_of(&b, "\"\xf0\x9f\x9a\x81\\", 6), "\"\\\"\xf0\x9f\x9a\x81\\\\\"");
    assert_true(json_read(b.s, back));
    assert_string_equal(back, "\"\xf0\x9f\x9a\x81\\");
    /* not UTF-8 -> U+FFFD: a character cut short (at the end and before
     * ASCII), a stray continuation, overlong, a surrogate, beyond U+10FFFF */
    static const struct {
        const char *in, *out;
    } bad[] = {
        {"ab\xe5\x90", "\"ab\\ufffd\\ufffd\""},   {"\xf0\x9f\x9ax", "\"\\ufffd\\ufffd\\ufffdx\""},
        {"\x80z", "\"\\ufffdz\""},               {"\xc0\xaf", "\"\\ufffd\\ufffd\""},
        {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""}, {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
        {"\xff", "\"\\ufffd\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pl_buf_free(&b);
        pl_buf_json_str(&b, bad[i].in);
        assert_string_equal(b.s, bad[i].out);
        assert_true(json_read(b.s, back));
    }
    /* a long plain run with one escape at each place of an eight-byte word */
    for (size_t at = 0; at < 24; at++) {
        char s[25];
        memset(s, 'x', 24);
        s[24] = '\0';
        s[at] = '"';
        pl_buf_free(&b);
        pl_buf_json_str(&b, s);
        assert_int_equal(b.n, 24 + 3);
        assert_true(json_read(b.s, back));
        assert_string_equal(back, s);
    }
    pl_buf_free(&b);
}

static const char *xml_of(pl_buf *b, const char *s, int chars)
{
    pl_buf_free(b);
    pl_buf_putn(b, "", 0);
    (chars ? pl_buf_xml_chars : pl_buf_xml)(b, s);
    return b->s;
}

static void t9_xml_bytes(void **state)
{
    (void)state;
    pl_buf b;
    pl_buf_init(&b);
    char want[32];
    for (unsigned c = 1; c < 0x20; c++) { /* XML 1.0 holds tab, newline, CR only */
        char s[4] = {'a', (char)c, 'b', 0};
        if (c == '\t' || c == '\n' || c == '\r')
            snprintf(want, sizeof want, "a&#%u;b", c);
        else
            snprintf(want, sizeof want, "a\xef\xbf\xbd" "b");
        assert_string_equal(xml_of(&b, s, 0), want);
        if (c != '\t' && c != '\n' && c != '\r')
            assert_string_equal(xml_of(&b, s, 1), want);
        else
            assert_string_equal(xml_of(&b, s, 1), s);
    }
    assert_string_equal(xml_of(&b, "</script><img src=x onerror=alert(1)>", 0),
                        "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    /* U+FFFE and U+FFFF are not XML characters; U+FFFD and U+1F681 are */
    assert_string_equal(xml_of(&b, "\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd\xf0\x9f\x9a\x81", 0),
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x9a\x81");
    assert_string_equal(xml_of(&b, "x\xe5\x90", 0), "x\xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(xml_of(&b, "\xef\xbf\xc3\xa9", 0), "\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9");
    /* for a library that escapes markup itself: markup kept, "]]>" broken */
    assert_string_equal(xml_of(&b, "<a> & ]]> ]] >", 1), "<a> & ]]\xe2\x80\x8b> ]] >");
    assert_string_equal(xml_of(&b, "]]]>", 1), "]]]\xe2\x80\x8b>");
    pl_buf_free(&b);
    size_t bad = 99;
    assert_true(pl_utf8_valid((const unsigned char *)"吴中\xf0\x9f\x9a\x81", &bad));
    assert_false(pl_utf8_valid((const unsigned char *)"ab\xc0\x80", &bad));
    assert_int_equal(bad, 2);
    assert_false(pl_utf8_valid((const unsigned char *)"a\xed\xa0\x80", &bad));
    assert_int_equal(bad, 1);
    assert_false(pl_utf8_valid((const unsigned char *)"a\xf0\x9f\x9a", &bad));
    assert_int_equal(bad, 1);
}

/* ==== 10. files written whole ========================================= */

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* the file's text ("" when missing) */
static const char *got(const char *path)
{
    static char t[256];
    FILE *f = fopen(path, "r");
    size_t k = f ? fread(t, 1, sizeof t - 1, f) : 0;
    if (f)
        fclose(f);
    t[k] = '\0';
    return t;
}

/* the names in dir, sorted, space-separated */
static const char *names(const char *dir)
{
    static char t[1024];
    struct dirent **e;
    int n = scandir(dir, &e, NULL, alphasort);
    t[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (strcmp(e[i]->d_name, ".") && strcmp(e[i]->d_name, ".."))
            snprintf(t + strlen(t), sizeof t - strlen(t), "%s%s", t[0] ? " " : "", e[i]->d_name);
        free(e[i]);
    }
    free(e);
    return t;
}

static long dead_pid(void)
{
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    waitpid(c, NULL, 0); /* gone: its id names no process now */
    return (long)c;
}

static void t10_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/t_util.XXXXXX", a[64], b[64], t[128], t2[128];
    assert_non_null(mkdtemp(dir));
    pl_ctx *ctx = pl_ctx_new();
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    /* 10.1 a new file, then replaced; its mode kept; nothing else left */
    assert_int_equal(pl_file_write(ctx, a, "{\"v\":1}", 7), PL_OK);
    assert_string_equal(got(a), "{\"v\":1}");
    chmod(a, 0600);
    assert_int_equal(pl_file_write(ctx, a, "{}", 2), PL_OK);
    assert_string_equal(got(a), "{}");
    struct stat st;
    assert_int_equal(stat(a, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_string_equal(names(dir), "a.json");
    /* 10.2 a temporary name taken (.a.json.tmpPID.0): the next one, the
     * taker's file untouched; a link: the file it names replaced */
    snprintf(t, sizeof t, "%s/.a.json.tmp%ld.0", dir, (long)getpid());
    put(t, "taken");
    assert_int_equal(pl_file_write(ctx, a, "[1]", 3), PL_OK);
    assert_string_equal(got(a), "[1]");
    assert_string_equal(got(t), "taken");
    unlink(t);
    assert_int_equal(symlink("a.json", b), 0);
    assert_int_equal(pl_file_write(ctx, b, "[2]", 3), PL_OK);
    assert_int_equal(lstat(b, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_string_equal(got(a), "[2]");
    unlink(b);
    /* 10.3 temporary files of a dead process: pl_file_write removes the
     * file's own (both name forms), pl_file_remove_stale(dir, NULL) every
     * one; a live process's and a file not ours stay */
    long dead = dead_pid();
    const char *left[] = {".a.json.tmp%ld.0", ".a.json.tmp%ld", ".d.json.tmp%ld.3"};
    for (int i = 0; i < 3; i++) {
        snprintf(t2, sizeof t2, "%s/", dir);
        snprintf(t2 + strlen(t2), sizeof t2 - strlen(t2), left[i], dead);
        put(t2, "x");
    }
    snprintf(t, sizeof t, "%s/.b.json.tmp%ld.7", dir, (long)getpid());
    put(t, "mine");
    snprintf(t2, sizeof t2, "%s/.c.tmpfile", dir);
    put(t2, "not ours");
    assert_int_equal(pl_file_write(ctx, a, "[3]", 3), PL_OK);
    char want[256];
    snprintf(want, sizeof want, ".b.json.tmp%ld.7 .c.tmpfile .d.json.tmp%ld.3 a.json", (long)getpid(), dead);
    assert_string_equal(names(dir), want);
    pl_file_remove_stale(dir, NULL);
    snprintf(want, sizeof want, ".b.json.tmp%ld.7 .c.tmpfile a.json", (long)getpid());
    assert_string_equal(names(dir), want);
    unlink(t);
    unlink(t2);
    /* 10.4 the parts: the temporary file holds the bytes, path the old ones
     * until the commit */
    char *tmp = NULL;
    assert_int_equal(pl_file_write_tmp(ctx, a, "[4]", 3, &tmp), PL_OK);
    assert_string_equal(got(tmp), "[4]");
    assert_string_equal(got(a), "[3]");
    assert_int_equal(pl_file_commit(ctx, tmp, a), PL_OK);
    assert_string_equal(got(a), "[4]");
    free(tmp);
    assert_string_equal(names(dir), "a.json");
    /* 10.5 errors name the path and the reason; nothing is left */
    snprintf(t, sizeof t, "%s/nofolder/x.json", dir);
    assert_int_equal(pl_file_write(ctx, t, "x", 1), PL_IO);
    snprintf(want, sizeof want, "%s: cannot write: No such file or directory", t);
    assert_error(ctx, PL_IO, want);
    pl_error_clear(ctx);
    assert_int_equal(pl_file_write(ctx, dir, "x", 1), PL_IO);
    assert_error(ctx, PL_IO, "cannot write: Is a directory");
    pl_error_clear(ctx);
    assert_int_equal(pl_file_write_tmp(ctx, t, "x", 1, &tmp), PL_IO);
    assert_null(tmp);
    pl_error_clear(ctx);
    assert_int_equal(pl_file_commit(ctx, t, a), PL_IO); /* nothing to rename: path as it was */
    assert_string_equal(got(a), "[4]");
    assert_string_equal(names(dir), "a.json");
    pl_ctx_free(ctx);
    unlink(a);
    rmdir(dir);
}

/* The one file x of folder d's text. */
static const char *x_of(const char *d)
{
    static char p[256];
    snprintf(p, sizeof p, "%s/x", d);
    return got(p);
}

/* A new folder beside fin holding x = text, swapped in: *had_old. */
static void swap_in(pl_ctx *ctx, const char *fin, const char *text, char **tmp, int *had_old)
{
    char p[256];
    assert_int_equal(pl_dir_stage(ctx, fin, tmp), PL_OK);
    snprintf(p, sizeof p, "%s/x", *tmp);
    assert_int_equal(pl_file_write_new(ctx, p, NULL, text, strlen(text)), PL_OK);
    assert_int_equal(pl_dir_swap(ctx, *tmp, fin, had_old), PL_OK);
}

static void t11_folders(void **state)
{
    (void)state;
    char dir[] = "/tmp/t_util.XXXXXX", fin[64], p[128], want[256], *tmp = NULL;
    assert_non_null(mkdtemp(dir));
    pl_ctx *ctx = pl_ctx_new();
    snprintf(fin, sizeof fin, "%s/plan", dir);
    int had_old = -1;
    /* 11.1 none before: renamed in, nothing beside */
    swap_in(ctx, fin, "v1", &tmp, &had_old);
    snprintf(want, sizeof want, "%s/.plan.tmp%ld.0", dir, (long)getpid());
    assert_string_equal(tmp, want);
    assert_int_equal(had_old, 0);
    assert_string_equal(x_of(fin), "v1");
    assert_string_equal(names(dir), "plan");
    free(tmp);
    /* 11.2 one before: exchanged, the old one at tmp until removed */
    swap_in(ctx, fin, "v2", &tmp, &had_old);
    assert_int_equal(had_old, 1);
    assert_string_equal(x_of(fin), "v2");
    assert_string_equal(x_of(tmp), "v1");
    assert_int_equal(pl_dir_remove(tmp), 0);
    assert_string_equal(names(dir), "plan");
    free(tmp);
    /* 11.3 three renames where the file system cannot exchange: the same */
    setenv("PLANNER_NO_EXCHANGE", "1", 1);
    swap_in(ctx, fin, "v3", &tmp, &had_old);
    unsetenv("PLANNER_NO_EXCHANGE");
    assert_int_equal(had_old, 1);
    assert_string_equal(x_of(fin), "v3");
    assert_string_equal(x_of(tmp), "v2");
    /* 11.4 undone: the old one back in place, the new one at tmp */
    assert_int_equal(pl_dir_unswap(ctx, tmp, fin, had_old), PL_OK);
    assert_string_equal(x_of(fin), "v2");
    assert_string_equal(x_of(tmp), "v3");
    assert_int_equal(pl_dir_remove(tmp), 0);
    free(tmp);
    /* 11.5 left by a dead process: its new folder removed; its old one, put
     * aside when the folder is missing, put back; a live process's kept */
    long dead = dead_pid();
    snprintf(p, sizeof p, "%s/.plan.tmp%ld.0", dir, dead);
    assert_int_equal(mkdir(p, 0777), 0);
    snprintf(p, sizeof p, "%s/.plan.tmp%ld.0/x", dir, dead);
    put(p, "half");
    snprintf(p, sizeof p, "%s/.plan.old%ld", dir, dead);
    assert_int_equal(rename(fin, p), 0);
    snprintf(p, sizeof p, "%s/.plan.tmp%ld.5", dir, (long)getpid());
    assert_int_equal(mkdir(p, 0777), 0);
    assert_int_equal(pl_dir_remove_stale(fin), 2);
    snprintf(want, sizeof want, ".plan.tmp%ld.5 plan", (long)getpid());
    assert_string_equal(names(dir), want);
    assert_string_equal(x_of(fin), "v2");
    rmdir(p);
    /* 11.6 input paths: a pipe and a folder named; a *.gdb folder, a file
     * and a missing path pass (the opener names a missing one) */
    snprintf(p, sizeof p, "%s/z.fifo", dir);
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_int_equal(pl_path_check(ctx, p, "layer", "zones", PL_PATH_GDB), PL_IO);
    snprintf(want, sizeof want, "layer 'zones': %s is a named pipe (FIFO), not a file", p);
    assert_error(ctx, PL_IO, want);
    pl_error_clear(ctx);
    unlink(p);
    assert_int_equal(pl_path_check(ctx, fin, "scenario", NULL, 0), PL_IO);
    snprintf(want, sizeof want, "scenario %s is a folder, not a file", fin);
    assert_error(ctx, PL_IO, want);
    pl_error_clear(ctx);
    snprintf(p, sizeof p, "%s/z.gdb", dir);
    assert_int_equal(mkdir(p, 0777), 0);
    assert_int_equal(pl_path_check(ctx, p, "layer", "zones", PL_PATH_GDB), PL_OK);
    assert_int_equal(pl_path_check(ctx, p, "layer", "zones", 0), PL_IO);
    pl_error_clear(ctx);
    rmdir(p);
    snprintf(p, sizeof p, "%s/x", fin);
    assert_int_equal(pl_path_check(ctx, p, "layer", "zones", 0), PL_OK);
    snprintf(p, sizeof p, "%s/missing", dir);
    assert_int_equal(pl_path_check(ctx, p, "layer", "zones", 0), PL_OK);
    pl_ctx_free(ctx);
    assert_int_equal(pl_dir_remove(dir), 0);
}

int t_util(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t1_numbers),
        cmocka_unit_test(t2_strings),
        cmocka_unit_test(t3_str_in),
        cmocka_unit_test(t4_sha256),
        cmocka_unit_test(t5_xml),
        cmocka_unit_test(t6_fixed),
        cmocka_unit_test(t7_json_random),
        cmocka_unit_test(t8_json_bytes),
        cmocka_unit_test(t9_xml_bytes),
        cmocka_unit_test(t10_files),
        cmocka_unit_test(t11_folders),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
