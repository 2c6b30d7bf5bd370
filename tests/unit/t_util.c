/*
 * t_util.c - text buffers and JSON writing.
 *
 * Test plan
 *   1. numbers: fixed decimals, trailing zeros cut, no "-0", non-finite -> null
 *   2. strings: quotes, backslashes and control characters escaped, UTF-8 kept
 *   3. pl_str_in
 */
#include <math.h>
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

int t_util(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t1_numbers),
        cmocka_unit_test(t2_strings),
        cmocka_unit_test(t3_str_in),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
