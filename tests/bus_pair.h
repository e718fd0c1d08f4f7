/*
 * Shared by the suites that drive a role's side of the bus over a real
 * socketpair (tests/check_audit_ack.c, tests/check_role_http.c).
 * Assertions fail the calling test.
 */
#ifndef DSG_TESTS_BUS_PAIR_H
#define DSG_TESTS_BUS_PAIR_H

#include <check.h>
#include <sys/socket.h>

#include "core/ipc_frame.h"
#include "run/bus.h"
#include "run/channel.h"

/* A master end and a worker end (role index role) past HELLO and WELCOME,
 * each with its bus stream open, the master's opening read by the worker;
 * the worker's opening is still to be read by the master. */
static inline void bus_pair_open(dsgd_chan *master, dsgd_chan *worker, uint32_t role)
{
    int sv[2];
    uint8_t p[8];
    dsg_ipc_status st;
    dsg_ipc_frame f;
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    dsgd_chan_init(master, sv[0], DSG_IPC_PEER_MASTER);
    dsgd_chan_init(worker, sv[1], DSG_IPC_PEER_WORKER);
    dsg_ipc_put_u32(p, DSG_IPC_VERSION);
    dsg_ipc_put_u32(p + 4, role);
    ck_assert_int_eq(dsgd_chan_send(worker, DSG_IPC_HELLO, 0, p, 8, &st), DSGD_CHAN_FRAME);
    ck_assert_int_eq(dsgd_chan_next(master, 1, &f, &st), DSGD_CHAN_FRAME);
    ck_assert_int_eq(dsgd_chan_send(master, DSG_IPC_WELCOME, 0, p, 8, &st), DSGD_CHAN_FRAME);
    ck_assert_int_eq(dsgd_chan_next(worker, 1, &f, &st), DSGD_CHAN_FRAME);
    ck_assert_int_eq(dsgd_bus_open(master), 0);
    ck_assert_int_eq(dsgd_bus_open(worker), 0);
    ck_assert_int_eq(dsgd_chan_next(worker, 1, &f, &st), DSGD_CHAN_FRAME);
}

#endif
