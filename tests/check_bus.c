/*
 * Unit tests of the message bus (src/run/bus.h): REQ-RUN-049. Two ends of a
 * real socketpair go through HELLO/WELCOME, open their bus streams, and
 * exchange messages; every frame passes the proved decoder on both ends.
 */
#define _GNU_SOURCE
#include <check.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "run/bus.h"

Suite *suite_bus(void);

static dsgd_chan master, worker;

/* The next frame on `to`, which must be one. */
static dsg_ipc_frame next(dsgd_chan *to)
{
    dsg_ipc_frame f;
    dsg_ipc_status st;
    ck_assert_int_eq(dsgd_chan_next(to, 1, &f, &st), DSGD_CHAN_FRAME);
    return f;
}

static void ready_pair(void)
{
    int sv[2];
    uint8_t p[8];
    dsg_ipc_status st;
    dsgd_msg m;
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    dsgd_chan_init(&master, sv[0], DSG_IPC_PEER_MASTER);
    dsgd_chan_init(&worker, sv[1], DSG_IPC_PEER_WORKER);
    dsg_ipc_put_u32(p, DSG_IPC_VERSION);
    dsg_ipc_put_u32(p + 4, 1);
    ck_assert_int_eq(dsgd_chan_send(&worker, DSG_IPC_HELLO, 0, p, 8, &st), DSGD_CHAN_FRAME);
    (void)next(&master);
    ck_assert_int_eq(dsgd_chan_send(&master, DSG_IPC_WELCOME, 0, p, 8, &st), DSGD_CHAN_FRAME);
    (void)next(&worker);
    ck_assert_int_eq(dsgd_bus_open(&master), 0);
    ck_assert_int_eq(dsgd_bus_open(&worker), 0);
    dsg_ipc_frame f = next(&worker);
    ck_assert_int_eq(dsgd_bus_receive(&worker, &f, &m), 0);
    f = next(&master);
    ck_assert_int_eq(dsgd_bus_receive(&master, &f, &m), 0);
}

static void close_pair(void)
{
    dsgd_chan_close(&master);
    dsgd_chan_close(&worker);
}

/* @relation(REQ-RUN-049) */
START_TEST(test_bus_refuses_bad_messages_before_sending)
{
    static uint8_t big[DSGD_BUS_BODY_MAX + 1];
    ready_pair();
    ck_assert_int_eq(dsgd_bus_send(&worker, 0, (const uint8_t *)"x", 1), -1);
    ck_assert_int_eq(dsgd_bus_send(&worker, DSGD_MSG_AUDIT, big, sizeof big), -1);
    ck_assert_uint_eq(dsgd_bus_room(&worker), DSGD_BUS_WINDOW);
    close_pair();
}
END_TEST

/* @relation(REQ-RUN-049) */
START_TEST(test_bus_window_fills_and_credit_reopens_it)
{
    static uint8_t body[DSGD_BUS_BODY_MAX];
    dsgd_msg m;
    ready_pair();
    memset(body, 'a', sizeof body);
    for (unsigned i = 0; i < DSGD_BUS_WINDOW; i++)
        ck_assert_int_eq(dsgd_bus_send(&worker, DSGD_MSG_AUDIT, body, i == 0 ? sizeof body : i), 0);
    ck_assert_uint_eq(dsgd_bus_room(&worker), 0);
    ck_assert_int_eq(dsgd_bus_send(&worker, DSGD_MSG_AUDIT, body, 1), 1);   /* nothing sent */
    for (unsigned i = 0; i < DSGD_BUS_WINDOW; i++) {
        dsg_ipc_frame f = next(&master);
        ck_assert_int_eq(dsgd_bus_receive(&master, &f, &m), 1);
        ck_assert_uint_eq(m.kind, DSGD_MSG_AUDIT);
        ck_assert_uint_eq(m.len, i == 0 ? sizeof body : i);
        ck_assert_int_eq(m.body[0], 'a');
    }
    ck_assert_int_eq(dsgd_bus_done(&master, 3), 0);
    dsg_ipc_frame f = next(&worker);
    ck_assert_int_eq(dsgd_bus_receive(&worker, &f, &m), 0);
    ck_assert_uint_eq(dsgd_bus_room(&worker), 3);
    ck_assert_int_eq(dsgd_bus_send(&worker, DSGD_MSG_CTL_REQUEST, (const uint8_t *)"status", 6), 0);
    f = next(&master);
    ck_assert_int_eq(dsgd_bus_receive(&master, &f, &m), 1);
    ck_assert_uint_eq(m.kind, DSGD_MSG_CTL_REQUEST);
    ck_assert(m.len == 6 && memcmp(m.body, "status", 6) == 0);
    close_pair();
}
END_TEST

/* The bus never ends: END of the bus stream is a protocol error, as is a
 * stream of another kind. @relation(REQ-RUN-049) */
START_TEST(test_bus_end_and_other_streams_are_errors)
{
    dsg_ipc_status st;
    dsgd_msg m;
    uint8_t open[16] = { 0 };
    ready_pair();
    ck_assert_int_eq(dsgd_chan_send(&worker, DSG_IPC_END, 1, NULL, 0, &st), DSGD_CHAN_FRAME);
    dsg_ipc_frame f = next(&master);
    ck_assert_int_eq(dsgd_bus_receive(&master, &f, &m), -1);
    close_pair();
    /* a stream of kind 2 */
    ready_pair();
    ck_assert_int_eq(dsgd_chan_send(&worker, DSG_IPC_END, 1, NULL, 0, &st), DSGD_CHAN_FRAME);
    (void)next(&master);
    dsg_ipc_put_u32(open + 8, 2);
    /* the worker's own bus slot is still held by the master's side: the
     * decoder refuses a second stream, so the frame never leaves */
    ck_assert_int_eq(dsgd_chan_send(&worker, DSG_IPC_STREAM_OPEN, 2, open, 16, &st), DSGD_CHAN_BAD);
    f.type = DSG_IPC_STREAM_OPEN;
    f.length = 16;
    f.payload = open;
    ck_assert_int_eq(dsgd_bus_receive(&master, &f, &m), -1);
    close_pair();
}
END_TEST

Suite *suite_bus(void)
{
    Suite *s = suite_create("bus");
    TCase *tc = tcase_create("bus");
    tcase_add_test(tc, test_bus_refuses_bad_messages_before_sending);
    tcase_add_test(tc, test_bus_window_fills_and_credit_reopens_it);
    tcase_add_test(tc, test_bus_end_and_other_streams_are_errors);
    suite_add_tcase(s, tc);
    return s;
}
