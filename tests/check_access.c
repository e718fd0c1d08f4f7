/*
 * Unit tests of the access decision (src/share/access.h): REQ-SHARE-007,
 * and the listing filter of REQ-SHARE-008.
 *
 * Bad requests first: no grant, depth 0, too deep, an unknown operation, no
 * account, and grants that name no subject. Then the whole matrix: every
 * operation against a grant of the account's own, of its group, on an
 * ancestor folder, on a sibling folder, in another area, expired, not yet
 * in force, of another account. Then which grant is named, and the filter
 * against the decision item by item.
 *
 * The area of every test (area 7):
 *   100 root
 *   +-- 200 prime's folder
 *   |   +-- 210 sub-folder
 *   |       +-- 211 file       <- the object of most requests
 *   +-- 300 vendor's folder (a sibling of 200)
 *       +-- 310 file
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "share/access.h"

Suite *suite_access(void);

#define T0 1800000000000LL     /* ms since the epoch */
#define HOUR 3600000LL
#define AREA 7
#define ACCOUNT 42
#define GROUP 9

static const int64_t file_chain[] = { 100, 200, 210, 211 };
static const int64_t sibling_chain[] = { 100, 300, 310 };

static dsg_grant grant(uint32_t kind, int64_t subject, int64_t folder, uint32_t ops)
{
    dsg_grant g;
    memset(&g, 0, sizeof g);
    g.kind = kind;
    g.subject = subject;
    g.area = AREA;
    g.folder = folder;
    g.ops = ops;
    g.from = T0 - HOUR;
    g.until = T0 + HOUR;
    return g;
}

static void set_object(dsg_access_object *o, int64_t area, const int64_t *chain, uint32_t depth)
{
    memset(o, 0, sizeof *o);
    o->area = area;
    o->depth = depth;
    for (uint32_t i = 0; i < depth && i < DSG_ACCESS_MAX_DEPTH; i++)
        o->chain[i] = chain[i];
}

/* The account asks for op on file 211 at T0. */
static dsg_access_req request(uint32_t op)
{
    dsg_access_req r;
    memset(&r, 0, sizeof r);
    r.ask.account = ACCOUNT;
    r.ask.group = GROUP;
    r.ask.op = op;
    r.ask.now = T0;
    set_object(&r.object, AREA, file_chain, 4);
    return r;
}

/* The decision on one grant, checked against the C twin of the predicate
 * and the contract's *which. */
static dsg_access_verdict decide1(const dsg_grant *g, const dsg_access_req *r)
{
    size_t which = 99;
    dsg_access_verdict v = dsg_access_decide(g, 1, r, &which);
    ck_assert_int_eq(v == DSG_ACCESS_ALLOW, dsg_access_covers(g, r));
    ck_assert_uint_eq(which, v == DSG_ACCESS_ALLOW ? 0 : 1);
    return v;
}

/* ---- bad requests -------------------------------------------------------- */

/* @relation(REQ-SHARE-007) */
START_TEST(test_access_no_grant_denies)
{
    dsg_access_req r = request(DSG_ACCESS_READ);
    size_t which = 99;
    ck_assert_int_eq(dsg_access_decide(NULL, 0, &r, &which), DSG_ACCESS_DENY);
    ck_assert_uint_eq(which, 0);
    ck_assert_int_eq(dsg_access_req_is_valid(&r), 1);
    /* a zeroed grant names no subject and no operation */
    dsg_grant zero;
    memset(&zero, 0, sizeof zero);
    ck_assert_int_eq(decide1(&zero, &r), DSG_ACCESS_DENY);
}
END_TEST

/* @relation(REQ-SHARE-007) */
START_TEST(test_access_bad_depth_denies)
{
    dsg_grant g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 100, DSG_ACCESS_ALL_OPS);
    dsg_access_req r = request(DSG_ACCESS_LIST);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_ALLOW);
    r.object.depth = 0;
    ck_assert_int_eq(dsg_access_req_is_valid(&r), 0);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    r.object.depth = DSG_ACCESS_MAX_DEPTH + 1;
    ck_assert_int_eq(dsg_access_req_is_valid(&r), 0);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    r.object.depth = UINT32_MAX;
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
}
END_TEST

/* The deepest chain there may be: the grant on its last id still counts.
 * @relation(REQ-SHARE-007) */
START_TEST(test_access_max_depth)
{
    int64_t chain[DSG_ACCESS_MAX_DEPTH];
    for (uint32_t i = 0; i < DSG_ACCESS_MAX_DEPTH; i++)
        chain[i] = 1000 + i;
    dsg_access_req r = request(DSG_ACCESS_READ);
    set_object(&r.object, AREA, chain, DSG_ACCESS_MAX_DEPTH);
    dsg_grant g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 1000 + DSG_ACCESS_MAX_DEPTH - 1,
                        DSG_ACCESS_BIT(DSG_ACCESS_READ));
    ck_assert_int_eq(dsg_access_req_is_valid(&r), 1);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_ALLOW);
    /* one level up, the object is outside that grant */
    r.object.depth = DSG_ACCESS_MAX_DEPTH - 1;
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
}
END_TEST

/* @relation(REQ-SHARE-007) */
START_TEST(test_access_unknown_op_denies)
{
    dsg_grant g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 100, UINT32_MAX);   /* every bit */
    dsg_access_req r = request(DSG_ACCESS_OP_COUNT);
    ck_assert_int_eq(dsg_access_req_is_valid(&r), 0);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    r.ask.op = 31;
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    r.ask.op = 32;
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    r.ask.op = UINT32_MAX;
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
}
END_TEST

/* No account (id 0 or below) gets anything, not even from a grant naming
 * that id; a group grant needs an account that has a group.
 * @relation(REQ-SHARE-007) */
START_TEST(test_access_no_subject_denies)
{
    dsg_grant g = grant(DSG_ACCESS_ACCOUNT, 0, 100, DSG_ACCESS_ALL_OPS);
    dsg_access_req r = request(DSG_ACCESS_READ);
    r.ask.account = 0;
    ck_assert_int_eq(dsg_access_req_is_valid(&r), 0);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    g.subject = r.ask.account = -1;
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);

    r = request(DSG_ACCESS_READ);
    r.ask.group = DSG_ACCESS_NO_GROUP;
    g = grant(DSG_ACCESS_ORG_GROUP, DSG_ACCESS_NO_GROUP, 100, DSG_ACCESS_ALL_OPS);
    ck_assert_int_eq(dsg_access_req_is_valid(&r), 1);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    g.subject = r.ask.group = -3;
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);

    /* an unknown subject kind, even naming the account */
    r = request(DSG_ACCESS_READ);
    g = grant(0, ACCOUNT, 100, DSG_ACCESS_ALL_OPS);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    g.kind = 3;
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    /* an account grant is not a group grant: the group's id as an account */
    g = grant(DSG_ACCESS_ACCOUNT, GROUP, 100, DSG_ACCESS_ALL_OPS);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    g = grant(DSG_ACCESS_ORG_GROUP, ACCOUNT, 100, DSG_ACCESS_ALL_OPS);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
}
END_TEST

/* ---- the matrix ---------------------------------------------------------- */

/* Every operation: the grants that cover it, and for each the one change
 * that takes it away. @relation(REQ-SHARE-007) */
START_TEST(test_access_matrix)
{
    for (uint32_t op = 0; op < DSG_ACCESS_OP_COUNT; op++) {
        dsg_access_req r = request(op);
        uint32_t bit = DSG_ACCESS_BIT(op);
        dsg_grant g;

        g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 211, bit);          /* own, on the file */
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_ALLOW);
        g = grant(DSG_ACCESS_ORG_GROUP, GROUP, 211, bit);          /* the account's group */
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_ALLOW);
        for (size_t a = 0; a < 3; a++) {                           /* an ancestor folder */
            g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, file_chain[a], bit);
            ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_ALLOW);
            g = grant(DSG_ACCESS_ORG_GROUP, GROUP, file_chain[a], bit);
            ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_ALLOW);
        }
        g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 300, bit);          /* a sibling folder */
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
        g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 310, bit);          /* a file in it */
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
        g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 100, bit);          /* another area */
        g.area = AREA + 1;
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
        g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 100, bit);          /* expired */
        g.until = T0;
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
        g.until = T0 + 1;                                          /* its last millisecond */
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_ALLOW);
        g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 100, bit);          /* not yet in force */
        g.from = T0 + 1;
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
        g.from = T0;                                               /* its first millisecond */
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_ALLOW);
        g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT + 1, 100, bit);      /* another account */
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
        g = grant(DSG_ACCESS_ORG_GROUP, GROUP + 1, 100, bit);      /* another group */
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
        g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 100, DSG_ACCESS_ALL_OPS & ~bit);   /* every other op */
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
        g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 100, 0);            /* no op at all */
        ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    }
}
END_TEST

/* A grant covers downwards only: one on the file or its folder says nothing
 * of the folder above. @relation(REQ-SHARE-007) */
START_TEST(test_access_not_upwards)
{
    dsg_access_req r = request(DSG_ACCESS_LIST);
    set_object(&r.object, AREA, file_chain, 2);   /* folder 200 */
    dsg_grant g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 210, DSG_ACCESS_ALL_OPS);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    g.folder = 211;
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    g.folder = 200;
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_ALLOW);
    /* the area's root alone: a grant on the whole area */
    set_object(&r.object, AREA, file_chain, 1);
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_DENY);
    g.folder = 100;
    ck_assert_int_eq(decide1(&g, &r), DSG_ACCESS_ALLOW);
}
END_TEST

/* ---- which grant --------------------------------------------------------- */

/* ALLOW names the first grant that covers; DENY names n.
 * @relation(REQ-SHARE-007) */
START_TEST(test_access_which)
{
    dsg_grant gs[5];
    gs[0] = grant(DSG_ACCESS_ACCOUNT, ACCOUNT + 1, 100, DSG_ACCESS_ALL_OPS);   /* another account */
    gs[1] = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 300, DSG_ACCESS_ALL_OPS);       /* sibling */
    gs[2] = grant(DSG_ACCESS_ORG_GROUP, GROUP, 200, DSG_ACCESS_BIT(DSG_ACCESS_READ));
    gs[3] = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 100,
                  DSG_ACCESS_BIT(DSG_ACCESS_READ) | DSG_ACCESS_BIT(DSG_ACCESS_UPLOAD));
    gs[4] = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 210, DSG_ACCESS_BIT(DSG_ACCESS_DELETE));
    gs[4].until = T0;                                                          /* expired */
    size_t which = 99;
    dsg_access_req r = request(DSG_ACCESS_READ);
    ck_assert_int_eq(dsg_access_decide(gs, 5, &r, &which), DSG_ACCESS_ALLOW);
    ck_assert_uint_eq(which, 2);
    r.ask.op = DSG_ACCESS_UPLOAD;
    ck_assert_int_eq(dsg_access_decide(gs, 5, &r, &which), DSG_ACCESS_ALLOW);
    ck_assert_uint_eq(which, 3);
    ck_assert_int_eq(dsg_access_decide(gs, 3, &r, &which), DSG_ACCESS_DENY);   /* gs[3] not given */
    ck_assert_uint_eq(which, 3);
    r.ask.op = DSG_ACCESS_DELETE;
    ck_assert_int_eq(dsg_access_decide(gs, 5, &r, &which), DSG_ACCESS_DENY);
    ck_assert_uint_eq(which, 5);
    r.ask.now = T0 - 1;                                                        /* before it expired */
    ck_assert_int_eq(dsg_access_decide(gs, 5, &r, &which), DSG_ACCESS_ALLOW);
    ck_assert_uint_eq(which, 4);
}
END_TEST

/* ---- the filter ---------------------------------------------------------- */

/* A listing keeps exactly the items the account may list, in order.
 * @relation(REQ-SHARE-007, REQ-SHARE-008) */
START_TEST(test_access_filter_listing)
{
    static const int64_t other_area_chain[] = { 100, 200, 212 };
    dsg_access_object objs[6];
    set_object(&objs[0], AREA, sibling_chain, 3);     /* 310, the vendor's */
    set_object(&objs[1], AREA, file_chain, 4);        /* 211 */
    set_object(&objs[2], AREA, file_chain, 3);        /* 210 */
    set_object(&objs[3], AREA + 1, other_area_chain, 3);
    set_object(&objs[4], AREA, file_chain, 0);        /* malformed */
    set_object(&objs[5], AREA, file_chain, 2);        /* 200 itself */
    dsg_grant g = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 200, DSG_ACCESS_BIT(DSG_ACCESS_LIST));
    dsg_access_ask ask = request(DSG_ACCESS_LIST).ask;
    size_t kept[6];
    memset(kept, 0xff, sizeof kept);
    ck_assert_uint_eq(dsg_access_filter(&g, 1, &ask, objs, 6, kept), 3);
    ck_assert_uint_eq(kept[0], 1);
    ck_assert_uint_eq(kept[1], 2);
    ck_assert_uint_eq(kept[2], 5);
    /* listed is not readable: a search for READ finds nothing */
    ask.op = DSG_ACCESS_READ;
    ck_assert_uint_eq(dsg_access_filter(&g, 1, &ask, objs, 6, kept), 0);
    /* nothing to filter, no grant, a bad ask */
    ask.op = DSG_ACCESS_LIST;
    ck_assert_uint_eq(dsg_access_filter(&g, 1, &ask, objs, 0, NULL), 0);
    ck_assert_uint_eq(dsg_access_filter(NULL, 0, &ask, objs, 6, kept), 0);
    ask.op = DSG_ACCESS_OP_COUNT;
    ck_assert_uint_eq(dsg_access_filter(&g, 1, &ask, objs, 6, kept), 0);
    ask.op = DSG_ACCESS_LIST;
    ask.account = 0;
    ck_assert_uint_eq(dsg_access_filter(&g, 1, &ask, objs, 6, kept), 0);
}
END_TEST

/* Many items and grants: the filter keeps exactly those the decision
 * allows, in increasing order. @relation(REQ-SHARE-007, REQ-SHARE-008) */
START_TEST(test_access_filter_agrees_with_decide)
{
    enum { N = 200, G = 6 };
    static dsg_access_object objs[N];
    static size_t kept[N];
    uint32_t seed = 12345;
    for (size_t i = 0; i < N; i++) {
        int64_t chain[4];
        seed = seed * 1103515245u + 12345u;
        chain[0] = 100;
        chain[1] = (seed >> 8) & 1 ? 200 : 300;
        chain[2] = chain[1] + 10 * (int64_t)((seed >> 9) & 3);
        chain[3] = chain[2] + 1 + (int64_t)((seed >> 11) & 1);
        set_object(&objs[i], (seed >> 12) % 8 == 0 ? AREA + 1 : AREA, chain,
                   1 + (seed >> 13) % 4);
    }
    dsg_grant gs[G];
    gs[0] = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 210, DSG_ACCESS_BIT(DSG_ACCESS_READ));
    gs[1] = grant(DSG_ACCESS_ORG_GROUP, GROUP, 320, DSG_ACCESS_BIT(DSG_ACCESS_READ));
    gs[2] = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 301, DSG_ACCESS_ALL_OPS);
    gs[3] = grant(DSG_ACCESS_ACCOUNT, ACCOUNT + 1, 100, DSG_ACCESS_ALL_OPS);
    gs[4] = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 100, DSG_ACCESS_BIT(DSG_ACCESS_READ));
    gs[4].until = T0;
    gs[5] = grant(DSG_ACCESS_ACCOUNT, ACCOUNT, 200, DSG_ACCESS_BIT(DSG_ACCESS_LIST));
    for (uint32_t op = DSG_ACCESS_LIST; op <= DSG_ACCESS_READ; op++) {
        dsg_access_req r = request(op);
        size_t n = dsg_access_filter(gs, G, &r.ask, objs, N, kept), j = 0, allowed = 0;
        ck_assert_uint_le(n, N);
        for (size_t i = 0; i < N; i++) {
            size_t which;
            r.object = objs[i];
            if (dsg_access_decide(gs, G, &r, &which) == DSG_ACCESS_ALLOW) {
                allowed++;
                ck_assert_uint_lt(j, n);
                ck_assert_uint_eq(kept[j], i);
                j++;
            }
        }
        ck_assert_uint_eq(j, n);
        ck_assert_uint_gt(allowed, 0);      /* the draw exercises both answers */
        ck_assert_uint_lt(allowed, N);
    }
}
END_TEST

Suite *suite_access(void)
{
    Suite *s = suite_create("access");
    TCase *tc = tcase_create("access");
    tcase_add_test(tc, test_access_no_grant_denies);
    tcase_add_test(tc, test_access_bad_depth_denies);
    tcase_add_test(tc, test_access_max_depth);
    tcase_add_test(tc, test_access_unknown_op_denies);
    tcase_add_test(tc, test_access_no_subject_denies);
    tcase_add_test(tc, test_access_matrix);
    tcase_add_test(tc, test_access_not_upwards);
    tcase_add_test(tc, test_access_which);
    tcase_add_test(tc, test_access_filter_listing);
    tcase_add_test(tc, test_access_filter_agrees_with_decide);
    suite_add_tcase(s, tc);
    return s;
}
