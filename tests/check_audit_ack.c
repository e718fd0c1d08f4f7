/*
 * Unit tests of the acknowledgements a role gets for its audit records
 * (src/run/audit_out.h, src/run/bus.h DSGD_MSG_AUDIT_ACK): REQ-LOG-008.
 * A record's ticket follows the AUDIT message it goes out in; the first
 * answer about a message decides its fate; a record still queued behind a
 * full bus is unstored while logd is not keeping up. Malformed answers
 * first. At a stop, the records still queued are counted and, once the
 * role has handed over (held), none goes out any more. One test: the
 * module keeps one run's state.
 */
#define _GNU_SOURCE
#include <check.h>
#include <string.h>

#include "bus_pair.h"
#include "run/audit_out.h"
#include "run/bus.h"

Suite *suite_audit_ack(void);

static dsgd_chan master, worker;

static void ready_pair(void)
{
    dsg_ipc_status st;
    dsg_ipc_frame f;
    bus_pair_open(&master, &worker, 3);
    ck_assert_int_eq(dsgd_chan_next(&master, 1, &f, &st), DSGD_CHAN_FRAME);
}

static int ack(uint32_t seq, uint8_t result, size_t len)
{
    uint8_t b[8] = { 0 };
    dsg_ipc_put_u32(b, seq);
    b[4] = result;
    return dsgd_audit_out_ack(b, len);
}

static uint32_t add(void)
{
    uint32_t ticket = 99;
    dsg_audit_field f[5] = {
        { "uid", (const uint8_t *)"0", 1 }, { "gid", (const uint8_t *)"0", 1 },
        { "pid", (const uint8_t *)"7", 1 }, { "command", (const uint8_t *)"status", 6 },
        { "result", (const uint8_t *)"ok", 2 },
    };
    ck_assert_int_eq(dsgd_audit_out_add_ticket(DSG_AUDIT_TYPE_CONTROL, f, 5, &ticket), 0);
    return ticket;
}

/* @relation(REQ-LOG-008, REQ-LOG-043) */
START_TEST(test_audit_ack_tickets_and_fates)
{
    uint32_t t1, t2, t;
    dsg_ipc_frame f;
    dsg_ipc_status st;
    ready_pair();
    dsgd_audit_out_start(&worker);
    ck_assert_int_eq(dsgd_audit_out_fate(0), DSGD_AUDIT_UNSTORED);   /* a dropped record */

    t1 = add();
    ck_assert_uint_eq(t1, 1);
    ck_assert_int_eq(dsgd_audit_out_fate(t1), DSGD_AUDIT_PENDING);   /* queued, logd fine */
    dsgd_audit_out_flush();
    ck_assert_int_eq(dsgd_audit_out_fate(t1), DSGD_AUDIT_PENDING);   /* sent, no answer */

    /* malformed answers: wrong length, message 0, a message never sent, a bad result */
    ck_assert_int_eq(ack(1, DSGD_AUDIT_ACK_STORED, 4), -1);
    ck_assert_int_eq(ack(1, DSGD_AUDIT_ACK_STORED, 6), -1);
    ck_assert_int_eq(ack(0, DSGD_AUDIT_ACK_STORED, DSGD_AUDIT_ACK_LEN), -1);
    ck_assert_int_eq(ack(2, DSGD_AUDIT_ACK_STORED, DSGD_AUDIT_ACK_LEN), -1);
    ck_assert_int_eq(ack(1, DSGD_AUDIT_ACK_REFUSED + 1, DSGD_AUDIT_ACK_LEN), -1);
    ck_assert_int_eq(dsgd_audit_out_fate(t1), DSGD_AUDIT_PENDING);

    /* late, then stored: the first answer decides, the second says logd is back */
    ck_assert_int_eq(ack(1, DSGD_AUDIT_ACK_LATE, DSGD_AUDIT_ACK_LEN), 0);
    ck_assert_int_eq(dsgd_audit_out_fate(t1), DSGD_AUDIT_UNSTORED);
    ck_assert_int_eq(dsgd_audit_out_keeping_up(), 0);
    ck_assert_int_eq(ack(1, DSGD_AUDIT_ACK_STORED, DSGD_AUDIT_ACK_LEN), 0);
    ck_assert_int_eq(dsgd_audit_out_fate(t1), DSGD_AUDIT_UNSTORED);
    ck_assert_int_eq(dsgd_audit_out_keeping_up(), 1);

    t2 = add();
    dsgd_audit_out_flush();
    ck_assert_uint_eq(t2, 2);
    ck_assert_int_eq(ack(2, DSGD_AUDIT_ACK_STORED, DSGD_AUDIT_ACK_LEN), 0);
    ck_assert_int_eq(dsgd_audit_out_fate(t2), DSGD_AUDIT_STORED);

    /* logd could not store it */
    t = add();
    dsgd_audit_out_flush();
    ck_assert_int_eq(ack(t, DSGD_AUDIT_ACK_REFUSED, DSGD_AUDIT_ACK_LEN), 0);
    ck_assert_int_eq(dsgd_audit_out_fate(t), DSGD_AUDIT_UNSTORED);
    ck_assert_int_eq(dsgd_audit_out_keeping_up(), 0);
    ck_assert_int_eq(ack(t, DSGD_AUDIT_ACK_STORED, DSGD_AUDIT_ACK_LEN), 0);

    /* the bus full (no CREDIT comes back here): a record waits in the queue */
    while (dsgd_bus_room(&worker) > 0) {
        (void)add();
        dsgd_audit_out_flush();
    }
    t = add();
    ck_assert_int_eq(dsgd_audit_out_fate(t), DSGD_AUDIT_PENDING);
    /* logd lost a message: what waits behind it is unstored at once */
    ck_assert_int_eq(ack(4, DSGD_AUDIT_ACK_LOST, DSGD_AUDIT_ACK_LEN), 0);
    ck_assert_int_eq(dsgd_audit_out_fate(4), DSGD_AUDIT_UNSTORED);
    ck_assert_int_eq(dsgd_audit_out_fate(t), DSGD_AUDIT_UNSTORED);

    /* a stop (REQ-LOG-043): the records still queued are counted; they go
     * out with the next CREDIT, and once held nothing more goes out */
    ck_assert_uint_eq(dsgd_audit_out_queued(), 1);
    ck_assert_int_eq(dsgd_bus_done(&master, 1), 0);
    ck_assert_int_eq(dsgd_chan_next(&worker, 1, &f, &st), DSGD_CHAN_FRAME);   /* the CREDIT */
    dsgd_audit_out_flush();
    ck_assert_uint_eq(dsgd_audit_out_queued(), 0);
    ck_assert_int_eq(dsgd_bus_done(&master, 1), 0);
    ck_assert_int_eq(dsgd_chan_next(&worker, 1, &f, &st), DSGD_CHAN_FRAME);
    dsgd_audit_out_hold();
    (void)add();
    (void)add();
    dsgd_audit_out_flush();
    ck_assert_uint_eq(dsgd_audit_out_queued(), 2);
    ck_assert_uint_eq(dsgd_bus_room(&worker), 1);   /* room, and still nothing sent */
    dsgd_chan_close(&master);
    dsgd_chan_close(&worker);
}
END_TEST

Suite *suite_audit_ack(void)
{
    Suite *s = suite_create("audit_ack");
    TCase *tc = tcase_create("fates");
    tcase_add_test(tc, test_audit_ack_tickets_and_fates);
    suite_add_tcase(s, tc);
    return s;
}
