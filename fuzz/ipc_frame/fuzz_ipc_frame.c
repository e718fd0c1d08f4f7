/*
 * libFuzzer harness for the IPC frame decoder (src/core/ipc_frame.h).
 *
 * Input: two setup bytes, then a byte stream of frames fed through one
 * channel, decoding repeatedly and advancing by *eaten until NEED_MORE or
 * an error (where the runtime would stop reading and close the channel).
 *
 *   byte 0   the sender of frame i is bit (i % 8): 0 master, 1 worker
 *   byte 1   bits 0-1: the state the channel starts in (HANDSHAKE, HELLO,
 *            READY, CLOSED); bit 2: the worker's stream starts open, bit 3:
 *            the master's (READY only); bits 4-5: their credit (0, 1, 2,
 *            DSG_IPC_CREDIT_MAX); bit 6: a malformed channel; bit 7: the
 *            first frame comes from a peer that does not exist
 *
 * Every decode is checked against the contract and an independent model,
 * and abort() is called on any disagreement:
 *  - the status is the reference model's status (the message list and the
 *    stream rules written out here as a switch, not from dsg_ipc_rules), and
 *    on acceptance the channel is the model's next channel;
 *  - OK: 12 <= eaten <= available, eaten == 12 + the length re-read from the
 *    header here, type, length and request id equal the header's, the
 *    payload points into the input, the channel stays valid (C twin), the
 *    encoder rebuilds the same 12 header bytes, and every strict prefix of
 *    the frame answers NEED_MORE;
 *  - NEED_MORE: nothing eaten, and the input really is shorter than the
 *    header or than header + length;
 *  - NEED_MORE and errors: nothing eaten, channel and frame untouched;
 *  - determinism: the same call on a copy of the channel gives the same
 *    status, frame, eaten and channel.
 * No heap, no globals but constant tables.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ipc_frame.h"

/* @relation(REQ-RUN-026) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

/* ---- reference model ------------------------------------------------------ */

struct model {
    int state;                 /* 0 HANDSHAKE, 1 HELLO, 2 READY, 3 CLOSED */
    int open_send[2];          /* [peer] sender not yet END/ABORT */
    int open_recv[2];          /* [peer] receiver not yet STREAM_CLOSE */
    uint32_t credit[2];
};

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Payload size rule: exact size, or DATA's range. */
static int size_ok(unsigned t, uint32_t n)
{
    switch (t) {
    case 1: case 2: case 3: case 4: case 5: return n == 8;   /* HELLO .. KILL */
    case 6: case 10: return n == 0;                          /* SHUTDOWN, END */
    case 7: return n == 16;                                  /* STREAM_OPEN */
    case 8: return n >= 1 && n <= 65536;                     /* DATA */
    case 9: case 11: case 12: return n == 4;                 /* CREDIT ABORT CLOSE */
    default: return 0;
    }
}

static int sender_ok(unsigned t, int from)
{
    switch (t) {
    case 1: case 5: return from == 1;    /* HELLO, SECCOMP_KILL: worker */
    case 2: case 6: return from == 0;    /* WELCOME, SHUTDOWN: master */
    default: return 1;
    }
}

/* The state and stream rules; 1 if allowed. */
static int state_ok(const struct model *m, unsigned t, int from)
{
    int other = 1 - from;
    switch (t) {
    case 1: return m->state == 0;
    case 2: return m->state == 1;
    case 5: return 1;                                  /* any state, even closed */
    case 6: return m->state != 3;
    case 3: case 4: return m->state == 2;
    case 7: return m->state == 2 && !m->open_send[from] && !m->open_recv[from];
    case 8: case 10: case 11: return m->state == 2 && m->open_send[from];
    case 9: case 12: return m->state == 2 && m->open_recv[other];
    default: return 0;
    }
}

/* The status for the frame at p[0..avail) from `from`; on OK *m advances. */
static dsg_ipc_status model_decode(struct model *m, int from, const uint8_t *p, size_t avail)
{
    if (avail < 12)
        return DSG_IPC_NEED_MORE;
    unsigned t = p[0] | (unsigned)p[1] << 8;
    unsigned flags = p[2] | (unsigned)p[3] << 8;
    uint32_t n = rd32(p + 4);
    if (flags != 0)
        return DSG_IPC_ERR_FLAGS;
    if (t < 1 || t > 12)
        return DSG_IPC_ERR_TYPE;
    if (!size_ok(t, n))
        return DSG_IPC_ERR_SIZE;
    if (!sender_ok(t, from))
        return DSG_IPC_ERR_SENDER;
    if (m->state == 3 && t != 5)
        return DSG_IPC_ERR_CLOSED;
    if (!state_ok(m, t, from))
        return DSG_IPC_ERR_STATE;
    if (t == 8 && m->credit[from] == 0)
        return DSG_IPC_ERR_NO_CREDIT;
    if (avail - 12 < n)
        return DSG_IPC_NEED_MORE;
    const uint8_t *pl = p + 12;
    int other = 1 - from;
    if (t == 7 && rd32(pl + 12) > DSG_IPC_CREDIT_MAX)
        return DSG_IPC_ERR_CREDIT_OVERFLOW;
    if (t == 9 && (uint64_t)m->credit[other] + rd32(pl) > DSG_IPC_CREDIT_MAX)
        return DSG_IPC_ERR_CREDIT_OVERFLOW;
    switch (t) {
    case 1: m->state = 1; break;
    case 2: m->state = 2; break;
    case 5: case 6:
        memset(m, 0, sizeof *m);
        m->state = 3;
        break;
    case 7:
        m->open_send[from] = m->open_recv[from] = 1;
        m->credit[from] = rd32(pl + 12);
        break;
    case 8: m->credit[from]--; break;
    case 9: m->credit[other] += rd32(pl); break;
    case 10: case 11: m->open_send[from] = 0; break;
    case 12: m->open_recv[other] = 0; break;
    default: break;
    }
    return DSG_IPC_OK;
}

static int model_matches(const struct model *m, const dsg_ipc_channel *ch)
{
    if (ch->state != (uint32_t)m->state)
        return 0;
    for (int p = 0; p < 2; p++) {
        if (ch->stream[p].sending != m->open_send[p] ||
            ch->stream[p].receiving != m->open_recv[p] || ch->stream[p].credit != m->credit[p])
            return 0;
    }
    return 1;
}

/* ---- checks ------------------------------------------------------------- */

static int same_channel(const dsg_ipc_channel *a, const dsg_ipc_channel *b)
{
    if (a->state != b->state)
        return 0;
    for (int p = 0; p < 2; p++) {
        if (a->stream[p].sending != b->stream[p].sending ||
            a->stream[p].receiving != b->stream[p].receiving ||
            a->stream[p].credit != b->stream[p].credit)
            return 0;
    }
    return 1;
}

static int same_frame(const dsg_ipc_frame *a, const dsg_ipc_frame *b)
{
    return a->type == b->type && a->length == b->length && a->request_id == b->request_id &&
           a->payload == b->payload;
}

static void check_accepted(const dsg_ipc_channel *before, dsg_ipc_peer from,
                           const uint8_t *p, size_t avail, const dsg_ipc_frame *f,
                           size_t eaten, const dsg_ipc_channel *after)
{
    uint32_t n = rd32(p + 4);
    CHECK(eaten >= DSG_IPC_HEADER_SIZE && eaten <= avail);
    CHECK(eaten == DSG_IPC_HEADER_SIZE + (size_t)n);
    CHECK(f->type == (uint16_t)(p[0] | p[1] << 8));
    CHECK(f->length == n && n <= DSG_IPC_PAYLOAD_MAX);
    CHECK(f->request_id == rd32(p + 8));
    CHECK(f->payload == p + DSG_IPC_HEADER_SIZE);
    CHECK(p[2] == 0 && p[3] == 0);
    CHECK(dsg_ipc_channel_is_valid(after) == 1);
    /* the encoder writes back the same header */
    uint8_t h[DSG_IPC_HEADER_SIZE];
    dsg_ipc_encode_header(h, f->type, f->length, f->request_id);
    CHECK(memcmp(h, p, sizeof h) == 0);
    /* payload words read back */
    if (n >= 4) {
        uint8_t w[8];
        dsg_ipc_put_u32(w, dsg_ipc_get_u32(f->payload));
        CHECK(memcmp(w, f->payload, 4) == 0);
    }
    if (n >= 8) {
        uint64_t v = dsg_ipc_get_u64(f->payload);
        uint8_t w[8];
        dsg_ipc_put_u32(w, (uint32_t)v);
        dsg_ipc_put_u32(w + 4, (uint32_t)(v >> 32));
        CHECK(memcmp(w, f->payload, 8) == 0);
    }
    /* every strict prefix of an accepted frame is incomplete */
    size_t cuts[4] = { 0, DSG_IPC_HEADER_SIZE - 1u, DSG_IPC_HEADER_SIZE, eaten - 1u };
    for (int i = 0; i < 4; i++) {
        if (cuts[i] >= eaten)
            continue;
        dsg_ipc_channel c = *before;
        dsg_ipc_frame g;
        size_t e = 99;
        CHECK(dsg_ipc_decode(&c, from, p, cuts[i], &g, &e) == DSG_IPC_NEED_MORE);
        CHECK(e == 0 && same_channel(&c, before));
    }
}

/* Sets up the channel and the model from the setup byte. */
static void setup(uint8_t mode, dsg_ipc_channel *ch, struct model *m)
{
    static const uint32_t credits[4] = { 0, 1, 2, DSG_IPC_CREDIT_MAX };
    dsg_ipc_channel_init(ch);
    memset(m, 0, sizeof *m);
    m->state = mode & 3u;
    ch->state = mode & 3u;
    if (m->state == 2) {
        uint32_t c = credits[(mode >> 4) & 3u];
        for (int p = 0; p < 2; p++) {
            if (mode & (p == 1 ? 0x04u : 0x08u)) {
                m->open_send[p] = m->open_recv[p] = 1;
                m->credit[p] = c;
                ch->stream[p].sending = ch->stream[p].receiving = 1;
                ch->stream[p].credit = c;
            }
        }
    }
    CHECK(dsg_ipc_channel_is_valid(ch) == 1);
    CHECK(model_matches(m, ch));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t senders = data[0], mode = data[1];
    dsg_ipc_channel ch;
    struct model m;
    setup(mode, &ch, &m);
    if (mode & 0x40u) {
        /* a malformed channel fails closed on anything */
        ch.state = DSG_IPC_STATE_COUNT + (uint32_t)senders;
        CHECK(dsg_ipc_channel_is_valid(&ch) == 0);
        dsg_ipc_frame f;
        size_t e = 7;
        CHECK(dsg_ipc_decode(&ch, DSG_IPC_PEER_WORKER, data + 2, size - 2, &f, &e) ==
              DSG_IPC_ERR_CHANNEL);
        CHECK(e == 0 && ch.state == DSG_IPC_STATE_COUNT + (uint32_t)senders);
        return 0;
    }
    size_t pos = 2;
    for (unsigned i = 0;; i++) {
        dsg_ipc_peer from = (senders >> (i % 8u)) & 1u ? DSG_IPC_PEER_WORKER
                                                       : DSG_IPC_PEER_MASTER;
        int bogus = i == 0 && (mode & 0x80u);
        if (bogus)
            from = (dsg_ipc_peer)(2u + senders);
        const uint8_t *p = data + pos;
        size_t avail = size - pos;

        dsg_ipc_channel before = ch, twin = ch;
        dsg_ipc_frame f, g;
        memset(&f, 0x5A, sizeof f);
        memcpy(&g, &f, sizeof g);
        const dsg_ipc_frame untouched = f;
        size_t eaten = 12345, eaten2 = 54321;
        dsg_ipc_status st = dsg_ipc_decode(&ch, from, p, avail, &f, &eaten);
        CHECK(dsg_ipc_decode(&twin, from, p, avail, &g, &eaten2) == st);
        CHECK(eaten == eaten2 && same_channel(&ch, &twin));
        CHECK(st <= DSG_IPC_ERR_CREDIT_OVERFLOW);
        CHECK(strcmp(dsg_ipc_status_token(st), "unknown") != 0);

        dsg_ipc_status want = bogus ? DSG_IPC_ERR_PEER : model_decode(&m, (int)from, p, avail);
        CHECK(st == want);
        if (st != DSG_IPC_OK) {
            CHECK(eaten == 0);
            CHECK(same_channel(&ch, &before));
            CHECK(memcmp(&f, &untouched, sizeof f) == 0);
            if (st == DSG_IPC_NEED_MORE)
                CHECK(avail < DSG_IPC_HEADER_SIZE ||
                      avail - DSG_IPC_HEADER_SIZE < (size_t)rd32(p + 4));
            return 0;   /* the runtime stops here: wait for more, or close */
        }
        CHECK(same_frame(&f, &g));
        check_accepted(&before, from, p, avail, &f, eaten, &ch);
        CHECK(model_matches(&m, &ch));
        pos += eaten;
    }
}
