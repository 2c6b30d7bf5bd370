/*
 * t_maplabel.c - the map's label placement (maplabel.c), on boxes drawn by
 * hand; every place below is computed from the rules in maplabel.c:
 * a mark of radius r, a label w x h; the first ring at d = r + 2 from the
 * anchor; right: text from (ax + d), baseline ay + 0.3 h; the diagonal
 * places at 0.75 d on each axis; a text box from baseline - 0.8 h to
 * baseline + 0.2 h; a pixel of air round a label when testing it.
 *
 * Test plan
 *   1. widths: "ab" at 10 px = 2 x 0.56 x 10 = 11.2; "中文" = 20; "中a" = 15.6
 *   2. near, free page: anchor (100, 100), r 4.5, 20 x 10: d = 6.5, text at
 *      (106.5, 103), box 106.5..126.5 x 95..105, no leader, the box taken
 *   3. near, the right side taken (105..130 x 90..110): above-right (text
 *      104.875, 95.125: box y 87.125..97.125) and below-right (y
 *      104.875..114.875) meet it; left is free: text x 100 - 6.5 - 20 = 73.5,
 *      baseline 103
 *   4. near, the frame's edge: frame 0..120, anchor (110, 100): every right
 *      place ends past 120 (110 + 6.5 + 20 = 136.5); left: text at 83.5
 *   5. along: anchors (50, 50) and (150, 50), a box 30..70 x 30..70 round
 *      the first: the second anchor, above, centred: text (140, 46)
 *   6. along, nothing free: the frame all taken; a place is still given and
 *      recorded (n grows by one)
 */
#include "t.h"

#include "output/maplabel.h"

static pl_lspace space(double x0, double y0, double x1, double y1)
{
    pl_lspace s = {0};
    s.frame = (pl_lbox){x0, y0, x1, y1};
    return s;
}

static void t1_width(void **state)
{
    (void)state;
    assert_float_equal(pl_label_width("ab", 10), 11.2, 1e-9);
    assert_float_equal(pl_label_width("中文", 10), 20, 1e-9);
    assert_float_equal(pl_label_width("中a", 10), 15.6, 1e-9);
    assert_float_equal(pl_label_width(NULL, 10), 0, 0);
}

static void t2_near_free(void **state)
{
    (void)state;
    pl_lspace s = space(0, 0, 1000, 1000);
    pl_lplace p = pl_label_near(&s, 100, 100, 4.5, 20, 10);
    assert_float_equal(p.tx, 106.5, 1e-9);
    assert_float_equal(p.ty, 103, 1e-9);
    assert_float_equal(p.box.x0, 106.5, 1e-9);
    assert_float_equal(p.box.y0, 95, 1e-9);
    assert_float_equal(p.box.x1, 126.5, 1e-9);
    assert_float_equal(p.box.y1, 105, 1e-9);
    assert_int_equal(p.leader, 0);
    assert_int_equal(s.n, 1);
    pl_lspace_free(&s);
}

static void t3_near_left(void **state)
{
    (void)state;
    pl_lspace s = space(0, 0, 1000, 1000);
    pl_lspace_take(&s, (pl_lbox){105, 90, 130, 110});
    pl_lplace p = pl_label_near(&s, 100, 100, 4.5, 20, 10);
    assert_float_equal(p.tx, 73.5, 1e-9);
    assert_float_equal(p.ty, 103, 1e-9);
    assert_int_equal(p.leader, 0);
    pl_lspace_free(&s);
}

static void t4_near_frame(void **state)
{
    (void)state;
    pl_lspace s = space(0, 0, 120, 200);
    pl_lplace p = pl_label_near(&s, 110, 100, 4.5, 20, 10);
    assert_float_equal(p.tx, 83.5, 1e-9);
    assert_float_equal(p.ty, 103, 1e-9);
    pl_lspace_free(&s);
}

static void t5_along(void **state)
{
    (void)state;
    pl_lspace s = space(0, 0, 1000, 1000);
    pl_lspace_take(&s, (pl_lbox){30, 30, 70, 70});
    const double ax[2] = {50, 150}, ay[2] = {50, 50};
    pl_lplace p = pl_label_along(&s, ax, ay, 2, 20, 10);
    assert_float_equal(p.tx, 140, 1e-9);
    assert_float_equal(p.ty, 46, 1e-9);
    assert_float_equal(p.ax, 150, 1e-9);
    assert_int_equal(p.leader, 0);
    pl_lspace_free(&s);
}

static void t6_along_full(void **state)
{
    (void)state;
    pl_lspace s = space(0, 0, 200, 200);
    pl_lspace_take(&s, (pl_lbox){-50, -50, 250, 250});
    const double ax[1] = {100}, ay[1] = {100};
    pl_label_along(&s, ax, ay, 1, 20, 10);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.oom, 0);
    pl_lspace_free(&s);
}

int t_maplabel(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t1_width),     cmocka_unit_test(t2_near_free), cmocka_unit_test(t3_near_left),
        cmocka_unit_test(t4_near_frame), cmocka_unit_test(t5_along),    cmocka_unit_test(t6_along_full),
    };
    return cmocka_run_group_tests_name("maplabel", tests, NULL, NULL);
}
