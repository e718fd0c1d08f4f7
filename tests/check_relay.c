/*
 * Unit tests of the master's side of the bus (src/run/relay.h):
 * REQ-RUN-050. Real socketpairs stand for two workers; the master's ends go
 * through HELLO/WELCOME and the bus, so every frame passes the proved
 * decoder. The test checks that a sender's window comes back only when the
 * destination has finished with its message, in order, and never for the
 * master's own messages.
 */
#define _GNU_SOURCE
#include <check.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "run/bus.h"
#include "run/relay.h"

Suite *suite_relay(void);

enum { PORTAL = 0, SINK = 1, WORKERS = 2 };

static dsgd_chan master_end[WORKERS], worker_end[WORKERS];
static int up[WORKERS];
static struct { unsigned origin, run; uint32_t tag; int delivered; } given[64];
static unsigned n_given, n_failed;

static dsgd_chan *chan_of(unsigned w)
{
    return w < WORKERS && up[w] ? &master_end[w] : NULL;
}

static void give_back(unsigned origin, unsigned run, uint32_t tag, int delivered)
{
    ck_assert_uint_lt(n_given, 64);
    given[n_given].origin = origin;
    given[n_given].run = run;
    given[n_given].tag = tag;
    given[n_given++].delivered = delivered;
}

static void failed(unsigned w, const char *why)
{
    (void)w;
    (void)why;
    n_failed++;
}

static const dsgd_relay_ops ops = { chan_of, give_back, failed };

static dsg_ipc_frame next(dsgd_chan *to)
{
    dsg_ipc_frame f;
    dsg_ipc_status st;
    ck_assert_int_eq(dsgd_chan_next(to, 1, &f, &st), DSGD_CHAN_FRAME);
    return f;
}

static void ready_pair(unsigned w)
{
    int sv[2];
    uint8_t p[8];
    dsg_ipc_status st;
    dsgd_msg m;
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    dsgd_chan_init(&master_end[w], sv[0], DSG_IPC_PEER_MASTER);
    dsgd_chan_init(&worker_end[w], sv[1], DSG_IPC_PEER_WORKER);
    dsg_ipc_put_u32(p, DSG_IPC_VERSION);
    dsg_ipc_put_u32(p + 4, 1);
    ck_assert_int_eq(dsgd_chan_send(&worker_end[w], DSG_IPC_HELLO, 0, p, 8, &st), DSGD_CHAN_FRAME);
    (void)next(&master_end[w]);
    ck_assert_int_eq(dsgd_chan_send(&master_end[w], DSG_IPC_WELCOME, 0, p, 8, &st), DSGD_CHAN_FRAME);
    (void)next(&worker_end[w]);
    ck_assert_int_eq(dsgd_bus_open(&master_end[w]), 0);
    ck_assert_int_eq(dsgd_bus_open(&worker_end[w]), 0);
    dsg_ipc_frame f = next(&worker_end[w]);
    ck_assert_int_eq(dsgd_bus_receive(&worker_end[w], &f, &m), 0);
    f = next(&master_end[w]);
    ck_assert_int_eq(dsgd_bus_receive(&master_end[w], &f, &m), 0);
    up[w] = 1;
}

static void setup(void)
{
    n_given = n_failed = 0;
    dsgd_relay_init(&ops);
    ready_pair(PORTAL);
    ready_pair(SINK);
}

static void teardown(void)
{
    for (unsigned w = 0; w < WORKERS; w++) {
        (void)dsgd_relay_gone(w, 0);
        dsgd_chan_close(&master_end[w]);
        dsgd_chan_close(&worker_end[w]);
        up[w] = 0;
    }
}

/* The next message the worker w receives: its first body byte. */
static uint8_t receive(unsigned w)
{
    dsgd_msg m;
    dsg_ipc_frame f = next(&worker_end[w]);
    ck_assert_int_eq(dsgd_bus_receive(&worker_end[w], &f, &m), 1);
    ck_assert_uint_ge(m.len, 1);
    return m.body[0];
}

/* Worker w finishes n messages; the master reads the CREDIT. */
static void finish(unsigned w, uint32_t n)
{
    dsgd_msg m;
    ck_assert_int_eq(dsgd_bus_done(&worker_end[w], n), 0);
    dsg_ipc_frame f = next(&master_end[w]);
    ck_assert_int_eq(f.type, DSG_IPC_CREDIT);
    ck_assert_int_eq(dsgd_bus_receive(&master_end[w], &f, &m), 0);
    dsgd_relay_credit(w, dsg_ipc_get_u32(f.payload));
}

static void send_numbered(unsigned to, unsigned origin, unsigned run, uint8_t k)
{
    ck_assert_int_eq(dsgd_relay_send(to, origin, run, 100u + k, DSGD_MSG_HTTP_BODY, &k, 1, NULL, 0),
                     0);
}

/* Messages over the window wait, in order; each credit frees the oldest
 * and gives its sender one back. @relation(REQ-RUN-050) */
START_TEST(test_relay_credit_follows_the_destination_in_order)
{
    for (uint8_t k = 0; k < DSGD_BUS_WINDOW + 4; k++)
        send_numbered(SINK, PORTAL, 7, k);
    ck_assert_uint_eq(dsgd_relay_pending(SINK), DSGD_BUS_WINDOW + 4);
    ck_assert_uint_eq(dsgd_bus_room(&master_end[SINK]), 0);
    for (uint8_t k = 0; k < DSGD_BUS_WINDOW; k++)
        ck_assert_uint_eq(receive(SINK), k);
    ck_assert_uint_eq(n_given, 0);          /* received is not finished */
    ck_assert_uint_eq(dsgd_relay_oldest_tag(SINK), 100);
    finish(SINK, 3);
    ck_assert_uint_eq(n_given, 3);
    for (unsigned i = 0; i < 3; i++) {
        ck_assert_uint_eq(given[i].origin, PORTAL);
        ck_assert_uint_eq(given[i].run, 7);
        ck_assert_uint_eq(given[i].tag, 100 + i);      /* in order, as delivered */
        ck_assert_int_eq(given[i].delivered, 1);
    }
    ck_assert_uint_eq(dsgd_relay_oldest_tag(SINK), 103);
    for (uint8_t k = DSGD_BUS_WINDOW; k < DSGD_BUS_WINDOW + 3; k++)   /* the waiting ones moved */
        ck_assert_uint_eq(receive(SINK), k);
    ck_assert_uint_eq(dsgd_relay_pending(SINK), DSGD_BUS_WINDOW + 1);
    ck_assert_uint_eq(n_failed, 0);
}
END_TEST

/* The master's own messages use the destination's window but give no
 * one anything back. @relation(REQ-RUN-050) */
START_TEST(test_relay_own_messages_give_nothing_back)
{
    ck_assert_int_eq(dsgd_relay_send(PORTAL, DSGD_RELAY_MASTER, 0, 0, DSGD_MSG_GONE,
                                     (const uint8_t *)"\x04", 1, NULL, 0), 0);
    send_numbered(PORTAL, SINK, 2, 9);
    ck_assert_uint_eq(dsgd_relay_oldest_tag(PORTAL), 0);   /* the master's own: no tag */
    ck_assert_uint_eq(receive(PORTAL), 4);
    ck_assert_uint_eq(receive(PORTAL), 9);
    finish(PORTAL, 1);
    ck_assert_uint_eq(n_given, 0);
    finish(PORTAL, 1);
    ck_assert_uint_eq(n_given, 1);
    ck_assert_uint_eq(given[0].origin, SINK);
    ck_assert_uint_eq(given[0].run, 2);
}
END_TEST

/* A destination that goes away gives every sender its room back: what it
 * had received, and what waited for it unless kept for its next run.
 * @relation(REQ-RUN-050) */
START_TEST(test_relay_gone_gives_everything_back)
{
    for (uint8_t k = 0; k < DSGD_BUS_WINDOW + 2; k++)
        send_numbered(SINK, PORTAL, 1, k);
    up[SINK] = 0;
    ck_assert_uint_eq(dsgd_relay_gone(SINK, 1), DSGD_BUS_WINDOW);
    ck_assert_uint_eq(n_given, DSGD_BUS_WINDOW);
    ck_assert_int_eq(given[0].delivered, 0);              /* dropped, not finished */
    ck_assert_uint_eq(dsgd_relay_pending(SINK), 2);   /* kept for the next run */
    ck_assert_uint_eq(dsgd_relay_gone(SINK, 0), 0);
    ck_assert_uint_eq(n_given, DSGD_BUS_WINDOW + 2);
    ck_assert_uint_eq(dsgd_relay_pending(SINK), 0);
}
END_TEST

/* Nothing is sent to a worker that is not up; it waits. A message too
 * long for one frame is refused and its sender's room given back.
 * @relation(REQ-RUN-050) */
START_TEST(test_relay_waits_for_a_worker_and_refuses_oversize)
{
    static uint8_t big[DSGD_BUS_BODY_MAX];
    up[SINK] = 0;
    send_numbered(SINK, PORTAL, 1, 5);
    ck_assert_uint_eq(dsgd_bus_room(&master_end[SINK]), DSGD_BUS_WINDOW);
    up[SINK] = 1;
    dsgd_relay_flush(SINK);
    ck_assert_uint_eq(receive(SINK), 5);
    ck_assert_int_eq(dsgd_relay_send(SINK, PORTAL, 3, 0, DSGD_MSG_HTTP_BODY, (const uint8_t *)"x",
                                     1, big, sizeof big), -1);
    ck_assert_uint_eq(n_given, 1);
    ck_assert_uint_eq(given[0].run, 3);
    ck_assert_int_eq(dsgd_relay_send(DSGD_RELAY_MAX, PORTAL, 3, 0, DSGD_MSG_HTTP_BODY, NULL, 0,
                                     big, 1), -1);
    ck_assert_uint_eq(n_given, 2);
}
END_TEST

Suite *suite_relay(void)
{
    Suite *s = suite_create("relay");
    TCase *t = tcase_create("relay");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, test_relay_credit_follows_the_destination_in_order);
    tcase_add_test(t, test_relay_own_messages_give_nothing_back);
    tcase_add_test(t, test_relay_gone_gives_everything_back);
    tcase_add_test(t, test_relay_waits_for_a_worker_and_refuses_oversize);
    suite_add_tcase(s, t);
    return s;
}
