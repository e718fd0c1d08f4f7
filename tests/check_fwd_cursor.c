/*
 * Unit tests of logd's forwarding cursors (src/run/fwd_cursor.h): what is
 * acknowledged moves only on the report of a batch in flight on the
 * current connection, and a connection that goes down takes the next one
 * back to what was acknowledged. REQ-LOG-047, REQ-LOG-010.
 */
#include <check.h>
#include <string.h>

#include "run/fwd_cursor.h"

Suite *suite_fwd_cursor(void);

static dsgd_fwd_cursor at(uint64_t s0, uint64_t s1, uint64_t anchor)
{
    dsgd_fwd_cursor c;
    memset(&c, 0, sizeof c);
    c.seq[0] = s0;
    c.seq[1] = s1;
    c.anchor = anchor;
    return c;
}

static int same(const dsgd_fwd_cursor *a, const dsgd_fwd_cursor *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* Down, nothing can be sent; news of other connections changes nothing.
 * @relation(REQ-LOG-047) */
START_TEST(test_fwd_cursor_down_sends_nothing_and_ignores_others)
{
    static dsgd_fwd_coll c;
    dsgd_fwd_cursor stored = at(5, 0, 100), next = at(6, 0, 100);
    dsgd_fwd_coll_init(&c, &stored);
    ck_assert_int_eq(dsgd_fwd_coll_room(&c), 0);
    ck_assert_int_eq(dsgd_fwd_coll_sent(&c, 1, &next), -1);
    ck_assert_int_eq(dsgd_fwd_coll_acked(&c, 0, 1), 0);
    ck_assert_int_eq(dsgd_fwd_coll_down(&c, 0), 0);
    ck_assert_int_eq(dsgd_fwd_coll_up(&c, 3), 1);
    ck_assert_int_eq(dsgd_fwd_coll_down(&c, 2), 0);   /* an older connection */
    ck_assert_int_eq(c.up, 1);
    ck_assert_int_eq(dsgd_fwd_coll_sent(&c, 1, &next), 0);
    ck_assert_int_eq(dsgd_fwd_coll_acked(&c, 2, 1), 0);   /* reported for another one */
    ck_assert_int_eq(dsgd_fwd_coll_acked(&c, 3, 99), 0);  /* an id never sent */
    ck_assert(same(&c.acked, &stored));
}
END_TEST

/* A report of batch k acknowledges it and every batch before it (TCP
 * delivers in order); later batches stay in flight. @relation(REQ-LOG-047) */
START_TEST(test_fwd_cursor_ack_moves_to_the_batch_and_drops_older_ones)
{
    static dsgd_fwd_coll c;
    dsgd_fwd_cursor zero = at(0, 0, 0), b1 = at(3, 0, 0), b2 = at(3, 4, 0), b3 = at(3, 4, 512);
    dsgd_fwd_coll_init(&c, &zero);
    dsgd_fwd_coll_up(&c, 1);
    ck_assert_int_eq(dsgd_fwd_coll_sent(&c, 10, &b1), 0);
    ck_assert_int_eq(dsgd_fwd_coll_sent(&c, 11, &b2), 0);
    ck_assert_int_eq(dsgd_fwd_coll_sent(&c, 12, &b3), 0);
    ck_assert(same(&c.sent, &b3));
    ck_assert(same(&c.acked, &zero));
    ck_assert_int_eq(dsgd_fwd_coll_acked(&c, 1, 11), 1);
    ck_assert(same(&c.acked, &b2));
    ck_assert_uint_eq(c.n, 1);
    ck_assert_int_eq(dsgd_fwd_coll_acked(&c, 1, 10), 0);   /* already covered */
    ck_assert(same(&c.acked, &b2));
    ck_assert_int_eq(dsgd_fwd_coll_acked(&c, 1, 12), 1);
    ck_assert(same(&c.acked, &b3));
    ck_assert_uint_eq(c.n, 0);
}
END_TEST

/* Down: what was in flight goes again; the next connection starts from
 * what was acknowledged; being told "up" twice changes nothing.
 * @relation(REQ-LOG-047) */
START_TEST(test_fwd_cursor_down_resends_from_acked)
{
    static dsgd_fwd_coll c;
    dsgd_fwd_cursor zero = at(0, 0, 0), b1 = at(2, 0, 0), b2 = at(9, 9, 9);
    dsgd_fwd_coll_init(&c, &zero);
    dsgd_fwd_coll_up(&c, 1);
    ck_assert_int_eq(dsgd_fwd_coll_sent(&c, 1, &b1), 0);
    ck_assert_int_eq(dsgd_fwd_coll_acked(&c, 1, 1), 1);
    ck_assert_int_eq(dsgd_fwd_coll_sent(&c, 2, &b2), 0);
    ck_assert_int_eq(dsgd_fwd_coll_up(&c, 1), 0);          /* the same connection again */
    ck_assert(same(&c.sent, &b2));
    ck_assert_int_eq(dsgd_fwd_coll_down(&c, 1), 1);
    ck_assert(same(&c.sent, &b1));
    ck_assert(same(&c.acked, &b1));
    ck_assert_int_eq(dsgd_fwd_coll_acked(&c, 1, 2), 0);   /* too late: it is down */
    ck_assert_int_eq(dsgd_fwd_coll_up(&c, 2), 1);
    ck_assert(same(&c.sent, &b1));
    ck_assert_uint_eq(c.n, 0);
}
END_TEST

/* At most DSGD_FWD_INFLIGHT batches unacknowledged; the ring wraps.
 * @relation(REQ-LOG-047) */
START_TEST(test_fwd_cursor_bounds_batches_in_flight)
{
    static dsgd_fwd_coll c;
    dsgd_fwd_cursor zero = at(0, 0, 0);
    dsgd_fwd_coll_init(&c, &zero);
    dsgd_fwd_coll_up(&c, 1);
    uint64_t id = 0;
    for (int round = 0; round < 3; round++) {
        for (unsigned i = 0; i < DSGD_FWD_INFLIGHT; i++) {
            dsgd_fwd_cursor x = at(++id, 0, 0);
            ck_assert_int_eq(dsgd_fwd_coll_sent(&c, id, &x), 0);
        }
        dsgd_fwd_cursor more = at(id + 1, 0, 0);
        ck_assert_int_eq(dsgd_fwd_coll_room(&c), 0);
        ck_assert_int_eq(dsgd_fwd_coll_sent(&c, id + 1, &more), -1);
        ck_assert_int_eq(dsgd_fwd_coll_acked(&c, 1, id - 3), 1);
        ck_assert_uint_eq(c.acked.seq[0], id - 3);
        ck_assert_uint_eq(c.n, 3);
        ck_assert_int_eq(dsgd_fwd_coll_acked(&c, 1, id), 1);
        ck_assert_uint_eq(c.n, 0);
    }
}
END_TEST

Suite *suite_fwd_cursor(void)
{
    Suite *s = suite_create("fwd_cursor");
    TCase *tc = tcase_create("fwd_cursor");
    tcase_add_test(tc, test_fwd_cursor_down_sends_nothing_and_ignores_others);
    tcase_add_test(tc, test_fwd_cursor_ack_moves_to_the_batch_and_drops_older_ones);
    tcase_add_test(tc, test_fwd_cursor_down_resends_from_acked);
    tcase_add_test(tc, test_fwd_cursor_bounds_batches_in_flight);
    suite_add_tcase(s, tc);
    return s;
}
