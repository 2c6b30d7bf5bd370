/*
 * t_util.c - text buffers and JSON writing.
 *
 * Test plan
 *   1. numbers: fixed decimals, trailing zeros cut, no "-0", non-finite -> null
 *   2. strings: quotes, backslashes and control characters escaped, UTF-8 kept
 *   3. pl_str_in
 *   4-5. SHA-256, XML text
 *   6. pl_fmt_fixed: the text of printf "%.*f", ties and near-ties included
 *   7. pl_buf_json_str on random strings (every byte value, at every place
 *      in an eight-byte word) against a byte-by-byte escape written here
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* the escape as RFC 8259 has it, one byte at a time */
static void json_ref(char *o, const unsigned char *s)
{
    *o++ = '"';
    for (; *s; s++) {
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
        } else {
            *o++ = (char)*s;
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
    char want[80 * 6 + 3];
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
    }
    pl_buf_free(&b);
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
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
