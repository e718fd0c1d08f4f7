/*
 * Unit tests of the IPC frame decoder (src/core/ipc_frame.h): REQ-RUN-026.
 *
 * Bad input first: every truncation, every error code, each type with the
 * wrong size, from the wrong peer, in the wrong state, without credit, over
 * the credit limit, on a closed or malformed channel. Then the table against
 * the message list, then whole conversations (both ends, frames crossing on
 * the wire), back-to-back frames and encode/decode round trips.
 *
 * Frames are built here byte by byte (build()), not with the module's own
 * encoder, so a bug in dsg_ipc_encode_header cannot hide one in the decoder.
 * Every decode goes through decode_checked(), which checks the contract on
 * every call: an error or NEED_MORE consumes nothing and leaves the channel
 * and the frame untouched, an accepted frame is consistent with its header.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/ipc_frame.h"

Suite *suite_ipc_frame(void);

#define M DSG_IPC_PEER_MASTER
#define W DSG_IPC_PEER_WORKER
#define BUF_MAX (2u * (DSG_IPC_HEADER_SIZE + DSG_IPC_PAYLOAD_MAX) + 64u)

static uint8_t big[BUF_MAX];   /* for 64 KiB payloads; tests run one at a time */

/* ---- the message list, written out from REQ-RUN-026 and ipc_frame.h ------ */

static const struct spec_row {
    uint16_t type;
    const char *name;
    uint32_t min, max;       /* payload bytes */
    int by_master, by_worker;
    int in[4];               /* HANDSHAKE HELLO READY CLOSED */
    int next;                /* -1: unchanged */
} spec[] = {
    { DSG_IPC_HELLO,        "HELLO",        8,  8,     0, 1, { 1, 0, 0, 0 }, DSG_IPC_STATE_HELLO },
    { DSG_IPC_WELCOME,      "WELCOME",      8,  8,     1, 0, { 0, 1, 0, 0 }, DSG_IPC_STATE_READY },
    { DSG_IPC_PING,         "PING",         8,  8,     1, 1, { 0, 0, 1, 0 }, -1 },
    { DSG_IPC_PONG,         "PONG",         8,  8,     1, 1, { 0, 0, 1, 0 }, -1 },
    { DSG_IPC_SECCOMP_KILL, "SECCOMP_KILL", 8,  8,     0, 1, { 1, 1, 1, 1 }, DSG_IPC_STATE_CLOSED },
    { DSG_IPC_SHUTDOWN,     "SHUTDOWN",     0,  0,     1, 0, { 1, 1, 1, 0 }, DSG_IPC_STATE_CLOSED },
    { DSG_IPC_STREAM_OPEN,  "STREAM_OPEN",  16, 16,    1, 1, { 0, 0, 1, 0 }, -1 },
    { DSG_IPC_DATA,         "DATA",         1,  65536, 1, 1, { 0, 0, 1, 0 }, -1 },
    { DSG_IPC_CREDIT,       "CREDIT",       4,  4,     1, 1, { 0, 0, 1, 0 }, -1 },
    { DSG_IPC_END,          "END",          0,  0,     1, 1, { 0, 0, 1, 0 }, -1 },
    { DSG_IPC_ABORT,        "ABORT",        4,  4,     1, 1, { 0, 0, 1, 0 }, -1 },
    { DSG_IPC_STREAM_CLOSE, "STREAM_CLOSE", 4,  4,     1, 1, { 0, 0, 1, 0 }, -1 },
};
#define SPEC_ROWS (sizeof spec / sizeof spec[0])

static const struct spec_row *row_of(uint16_t type)
{
    for (size_t i = 0; i < SPEC_ROWS; i++)
        if (spec[i].type == type)
            return &spec[i];
    return NULL;
}

static int is_stream_type(uint16_t t)
{
    return t >= DSG_IPC_STREAM_OPEN && t <= DSG_IPC_STREAM_CLOSE;
}

/* ---- helpers ------------------------------------------------------------- */

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Writes a header and plen payload bytes (pattern, or the given bytes). */
static size_t build(uint8_t *b, uint16_t type, uint16_t flags, uint32_t length,
                    uint32_t id, const uint8_t *payload, size_t plen)
{
    b[0] = (uint8_t)type;
    b[1] = (uint8_t)(type >> 8);
    b[2] = (uint8_t)flags;
    b[3] = (uint8_t)(flags >> 8);
    le32(b + 4, length);
    le32(b + 8, id);
    for (size_t i = 0; i < plen; i++)
        b[12 + i] = payload != NULL ? payload[i] : (uint8_t)(0x41u + i % 26u);
    return 12u + plen;
}

/* A well-formed frame of the type's (minimum) size, with a payload that
 * passes the credit rules: STREAM_OPEN with `word` initial credit, CREDIT
 * granting `word`. */
static size_t good(uint8_t *b, uint16_t type, uint32_t word, uint32_t id)
{
    uint8_t pl[16] = { 0 };
    const struct spec_row *r = row_of(type);
    uint32_t n = r->min;
    if (type == DSG_IPC_STREAM_OPEN) {
        le32(pl, 0xFFFFFFFFu);           /* total length unknown */
        le32(pl + 4, 0xFFFFFFFFu);
        le32(pl + 8, 7);                 /* kind */
        le32(pl + 12, word);
    } else if (type == DSG_IPC_CREDIT) {
        le32(pl, word);
    } else {
        for (size_t i = 0; i < sizeof pl; i++)
            pl[i] = (uint8_t)(0x30u + i);
    }
    return build(b, type, 0, n, id, pl, n);
}

/* Decodes and checks the contract on every call; returns the status. */
static dsg_ipc_status decode_checked(dsg_ipc_channel *ch, dsg_ipc_peer from,
                                     const uint8_t *b, size_t len,
                                     dsg_ipc_frame *f, size_t *eaten, int line)
{
    dsg_ipc_channel before;
    dsg_ipc_frame pre;
    memcpy(&before, ch, sizeof before);
    memset(&pre, 0xA5, sizeof pre);
    memcpy(f, &pre, sizeof pre);
    *eaten = 12345;
    int was_valid = dsg_ipc_channel_is_valid(ch);
    dsg_ipc_status st = dsg_ipc_decode(ch, from, b, len, f, eaten);
    ck_assert_msg(st <= DSG_IPC_ERR_CREDIT_OVERFLOW, "line %d: status %d", line, (int)st);
    if (st != DSG_IPC_OK) {
        ck_assert_msg(*eaten == 0, "line %d: %s ate %zu", line,
                      dsg_ipc_status_token(st), *eaten);
        ck_assert_msg(memcmp(&before, ch, sizeof before) == 0,
                      "line %d: %s changed the channel", line, dsg_ipc_status_token(st));
        ck_assert_msg(memcmp(&pre, f, sizeof pre) == 0,
                      "line %d: %s wrote the frame", line, dsg_ipc_status_token(st));
        return st;
    }
    uint32_t n = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 |
                 (uint32_t)b[7] << 24;
    ck_assert_msg(was_valid, "line %d: accepted on a malformed channel", line);
    ck_assert_msg(*eaten == 12u + n && *eaten <= len, "line %d: ate %zu of %zu", line,
                  *eaten, len);
    ck_assert_int_eq(f->type, (uint16_t)(b[0] | b[1] << 8));
    ck_assert_uint_eq(f->length, n);
    ck_assert_uint_eq(f->request_id, (uint32_t)b[8] | (uint32_t)b[9] << 8 |
                                     (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24);
    ck_assert_ptr_eq(f->payload, b + 12);
    ck_assert_msg(dsg_ipc_channel_is_valid(ch), "line %d: channel left malformed", line);
    return st;
}

static void expect(dsg_ipc_channel *ch, dsg_ipc_peer from, const uint8_t *b,
                   size_t len, dsg_ipc_status want, int line)
{
    dsg_ipc_frame f;
    size_t eaten;
    dsg_ipc_status st = decode_checked(ch, from, b, len, &f, &eaten, line);
    ck_assert_msg(st == want, "line %d: type %u from %s: %s, want %s", line,
                  len >= 2 ? (unsigned)(b[0] | b[1] << 8) : 0u, from == M ? "master" : "worker",
                  dsg_ipc_status_token(st), dsg_ipc_status_token(want));
}
#define EXPECT(ch, from, b, len, want) expect(ch, from, b, len, want, __LINE__)

/* Feeds one well-formed frame that must be accepted. */
static void feed(dsg_ipc_channel *ch, dsg_ipc_peer from, uint16_t type,
                 uint32_t word, int line)
{
    uint8_t b[64];
    size_t n = good(b, type, word, 1);
    expect(ch, from, b, n, DSG_IPC_OK, line);
}
#define FEED(ch, from, type, word) feed(ch, from, type, word, __LINE__)

static void ready(dsg_ipc_channel *ch)
{
    dsg_ipc_channel_init(ch);
    FEED(ch, W, DSG_IPC_HELLO, 0);
    FEED(ch, M, DSG_IPC_WELCOME, 0);
    ck_assert_uint_eq(ch->state, DSG_IPC_STATE_READY);
}

/* A channel in one of the four states, no stream open. */
static void in_state(dsg_ipc_channel *ch, uint32_t state)
{
    dsg_ipc_channel_init(ch);
    if (state >= DSG_IPC_STATE_HELLO)
        FEED(ch, W, DSG_IPC_HELLO, 0);
    if (state >= DSG_IPC_STATE_READY)
        FEED(ch, M, DSG_IPC_WELCOME, 0);
    if (state == DSG_IPC_STATE_CLOSED)
        FEED(ch, M, DSG_IPC_SHUTDOWN, 0);
    ck_assert_uint_eq(ch->state, state);
}

static void check_stream(const dsg_ipc_channel *ch, dsg_ipc_peer p, int sending,
                         int receiving, uint32_t credit, int line)
{
    const dsg_ipc_stream *s = &ch->stream[p];
    ck_assert_msg(s->sending == sending && s->receiving == receiving && s->credit == credit,
                  "line %d: %s stream: sending %u receiving %u credit %u, want %d %d %u",
                  line, p == M ? "master" : "worker", s->sending, s->receiving, s->credit,
                  sending, receiving, credit);
}
#define STREAM(ch, p, s, r, c) check_stream(ch, p, s, r, c, __LINE__)

/* Both ends agree on both streams (field by field: padding is not state). */
static void same_streams(const dsg_ipc_channel *a, const dsg_ipc_channel *b, int line)
{
    for (int p = 0; p < 2; p++)
        check_stream(b, (dsg_ipc_peer)p, a->stream[p].sending, a->stream[p].receiving,
                     a->stream[p].credit, line);
    ck_assert_uint_eq(a->state, b->state);
}
#define SAME_STREAMS(a, b) same_streams(a, b, __LINE__)

/* ---- truncation ---------------------------------------------------------- */

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_short_header_needs_more)
{
    uint8_t b[64];
    dsg_ipc_channel ch;
    for (uint32_t state = 0; state < DSG_IPC_STATE_COUNT; state++) {
        in_state(&ch, state);
        good(b, DSG_IPC_HELLO, 0, 9);
        for (size_t len = 0; len < DSG_IPC_HEADER_SIZE; len++) {
            EXPECT(&ch, W, b, len, DSG_IPC_NEED_MORE);
            EXPECT(&ch, M, b, len, DSG_IPC_NEED_MORE);
        }
        /* even a header that will be refused is not judged before it is whole */
        build(b, 0xFFFF, 0xFFFF, 0xFFFFFFFFu, 0, NULL, 0);
        for (size_t len = 0; len < DSG_IPC_HEADER_SIZE; len++)
            EXPECT(&ch, W, b, len, DSG_IPC_NEED_MORE);
    }
    /* a NULL buffer of length 0 is fine: nothing is read */
    dsg_ipc_channel_init(&ch);
    EXPECT(&ch, W, NULL, 0, DSG_IPC_NEED_MORE);
}
END_TEST

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_short_payload_needs_more)
{
    uint8_t b[64];
    dsg_ipc_channel ch;
    /* every type, in a state that accepts it, cut anywhere in its payload */
    for (size_t i = 0; i < SPEC_ROWS; i++) {
        uint16_t t = spec[i].type;
        if (spec[i].min == 0)
            continue;
        dsg_ipc_peer from = spec[i].by_worker ? W : M;
        size_t n = good(b, t, 1, 3);
        for (size_t cut = DSG_IPC_HEADER_SIZE; cut < n; cut++) {
            if (spec[i].in[DSG_IPC_STATE_HANDSHAKE])
                in_state(&ch, DSG_IPC_STATE_HANDSHAKE);
            else if (spec[i].in[DSG_IPC_STATE_HELLO])
                in_state(&ch, DSG_IPC_STATE_HELLO);
            else
                ready(&ch);
            if (t == DSG_IPC_DATA || t == DSG_IPC_END || t == DSG_IPC_ABORT)
                FEED(&ch, from, DSG_IPC_STREAM_OPEN, 4);
            if (t == DSG_IPC_CREDIT || t == DSG_IPC_STREAM_CLOSE)
                FEED(&ch, from == M ? W : M, DSG_IPC_STREAM_OPEN, 4);
            EXPECT(&ch, from, b, cut, DSG_IPC_NEED_MORE);
        }
    }
    /* the largest DATA frame, one byte short; then whole */
    ready(&ch);
    FEED(&ch, W, DSG_IPC_STREAM_OPEN, 1);
    size_t n = build(big, DSG_IPC_DATA, 0, DSG_IPC_PAYLOAD_MAX, 5, NULL, DSG_IPC_PAYLOAD_MAX);
    EXPECT(&ch, W, big, n - 1, DSG_IPC_NEED_MORE);
    EXPECT(&ch, W, big, DSG_IPC_HEADER_SIZE, DSG_IPC_NEED_MORE);
    EXPECT(&ch, W, big, n, DSG_IPC_OK);
}
END_TEST

/* ---- the header ---------------------------------------------------------- */

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_bad_flags)
{
    static const uint16_t flags[] = { 1, 2, 0x80, 0x100, 0x8000, 0xFFFF };
    uint8_t b[64];
    dsg_ipc_channel ch;
    dsg_ipc_channel_init(&ch);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        build(b, DSG_IPC_HELLO, flags[i], 8, 0, NULL, 8);
        EXPECT(&ch, W, b, 20, DSG_IPC_ERR_FLAGS);
        /* judged on the header alone: no payload needed */
        EXPECT(&ch, W, b, 12, DSG_IPC_ERR_FLAGS);
        /* flags come first: before the type, the size and the sender */
        build(b, 0xFFFF, flags[i], 0xFFFFFFFFu, 0, NULL, 0);
        EXPECT(&ch, M, b, 12, DSG_IPC_ERR_FLAGS);
    }
}
END_TEST

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_unknown_type)
{
    static const uint16_t types[] = { 0, DSG_IPC_TYPE_COUNT, DSG_IPC_TYPE_COUNT + 1, 0x100,
                                      0x8000, 0xFFFE, 0xFFFF };
    uint8_t b[64];
    dsg_ipc_channel ch;
    for (uint32_t state = 0; state < DSG_IPC_STATE_COUNT; state++) {
        in_state(&ch, state);
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
            for (uint32_t n = 0; n <= 16; n += 8) {
                size_t len = build(b, types[i], 0, n, 0, NULL, n);
                EXPECT(&ch, W, b, len, DSG_IPC_ERR_TYPE);
                EXPECT(&ch, M, b, 12, DSG_IPC_ERR_TYPE);
            }
        }
    }
}
END_TEST

/* @relation(REQ-RUN-026, REQ-RUN-007) */
START_TEST(test_ipc_wrong_size_each_type)
{
    dsg_ipc_channel ch;
    for (size_t i = 0; i < SPEC_ROWS; i++) {
        uint16_t t = spec[i].type;
        uint32_t bad[6];
        size_t nbad = 0;
        if (spec[i].min > 0)
            bad[nbad++] = spec[i].min - 1;
        bad[nbad++] = spec[i].max + 1;
        bad[nbad++] = 0xFFFFFFFFu;          /* would wrap 12 + length in 32 bits */
        bad[nbad++] = 0xFFFFFFF4u;          /* 12 + length == 2^32 */
        bad[nbad++] = 0x80000000u;
        if (t == DSG_IPC_DATA)
            bad[nbad++] = DSG_IPC_PAYLOAD_MAX + 1u;
        for (size_t k = 0; k < nbad; k++) {
            for (uint32_t state = 0; state < DSG_IPC_STATE_COUNT; state++) {
                in_state(&ch, state);
                dsg_ipc_peer from = spec[i].by_worker ? W : M;
                uint32_t have = bad[k] < 64u ? bad[k] : 64u;
                size_t len = build(big, t, 0, bad[k], 0, NULL, have);
                /* refused on the header: never NEED_MORE, whatever follows */
                EXPECT(&ch, from, big, len, DSG_IPC_ERR_SIZE);
                EXPECT(&ch, from, big, 12, DSG_IPC_ERR_SIZE);
                /* size is judged before the sender */
                EXPECT(&ch, from == M ? W : M, big, 12, DSG_IPC_ERR_SIZE);
            }
        }
    }
}
END_TEST

/* ---- sender, state, credit ------------------------------------------------ */

/* @relation(REQ-RUN-026, REQ-RUN-007) */
START_TEST(test_ipc_wrong_sender_each_type)
{
    uint8_t b[64];
    dsg_ipc_channel ch;
    size_t checked = 0;
    for (size_t i = 0; i < SPEC_ROWS; i++) {
        if (spec[i].by_master && spec[i].by_worker)
            continue;
        dsg_ipc_peer wrong = spec[i].by_master ? W : M;
        for (uint32_t state = 0; state < DSG_IPC_STATE_COUNT; state++) {
            in_state(&ch, state);
            size_t n = good(b, spec[i].type, 0, 0);
            /* sender before state: even where the state would allow it */
            EXPECT(&ch, wrong, b, n, DSG_IPC_ERR_SENDER);
            checked++;
        }
    }
    ck_assert_uint_eq(checked, 4u * DSG_IPC_STATE_COUNT); /* HELLO WELCOME KILL SHUTDOWN */
}
END_TEST

/* @relation(REQ-RUN-026, REQ-RUN-007) */
START_TEST(test_ipc_wrong_state_each_type)
{
    uint8_t b[64];
    dsg_ipc_channel ch;
    for (size_t i = 0; i < SPEC_ROWS; i++) {
        for (uint32_t state = 0; state < DSG_IPC_STATE_CLOSED; state++) {
            if (spec[i].in[state])
                continue;
            for (int p = 0; p < 2; p++) {
                dsg_ipc_peer from = (dsg_ipc_peer)p;
                if (!(from == M ? spec[i].by_master : spec[i].by_worker))
                    continue;
                in_state(&ch, state);
                size_t n = good(b, spec[i].type, 1, 0);
                EXPECT(&ch, from, b, n, DSG_IPC_ERR_STATE);
                EXPECT(&ch, from, b, 12, DSG_IPC_ERR_STATE);   /* on the header */
            }
        }
    }
}
END_TEST

/* @relation(REQ-RUN-026, REQ-RUN-007) */
START_TEST(test_ipc_stream_frames_need_their_stream)
{
    uint8_t b[64];
    size_t n;
    dsg_ipc_channel ch;
    for (int p = 0; p < 2; p++) {
        dsg_ipc_peer s = (dsg_ipc_peer)p, r = s == M ? W : M;
        /* no stream: nothing but STREAM_OPEN */
        ready(&ch);
        n = good(b, DSG_IPC_DATA, 0, 0);
        EXPECT(&ch, s, b, n, DSG_IPC_ERR_STATE);
        n = good(b, DSG_IPC_END, 0, 0);
        EXPECT(&ch, s, b, n, DSG_IPC_ERR_STATE);
        n = good(b, DSG_IPC_ABORT, 0, 0);
        EXPECT(&ch, s, b, n, DSG_IPC_ERR_STATE);
        n = good(b, DSG_IPC_CREDIT, 1, 0);
        EXPECT(&ch, r, b, n, DSG_IPC_ERR_STATE);
        n = good(b, DSG_IPC_STREAM_CLOSE, 0, 0);
        EXPECT(&ch, r, b, n, DSG_IPC_ERR_STATE);
        /* s's stream open: the receiver may not send DATA, END or ABORT on
         * it, the sender may not CREDIT or close it as a receiver */
        FEED(&ch, s, DSG_IPC_STREAM_OPEN, 2);
        n = good(b, DSG_IPC_DATA, 0, 0);
        EXPECT(&ch, r, b, n, DSG_IPC_ERR_STATE);
        n = good(b, DSG_IPC_END, 0, 0);
        EXPECT(&ch, r, b, n, DSG_IPC_ERR_STATE);
        n = good(b, DSG_IPC_ABORT, 0, 0);
        EXPECT(&ch, r, b, n, DSG_IPC_ERR_STATE);
        n = good(b, DSG_IPC_CREDIT, 1, 0);
        EXPECT(&ch, s, b, n, DSG_IPC_ERR_STATE);
        n = good(b, DSG_IPC_STREAM_CLOSE, 0, 0);
        EXPECT(&ch, s, b, n, DSG_IPC_ERR_STATE);
        /* one stream per direction: a second STREAM_OPEN is refused */
        n = good(b, DSG_IPC_STREAM_OPEN, 1, 0);
        EXPECT(&ch, s, b, n, DSG_IPC_ERR_STATE);
        /* after END the sender sends nothing more on it */
        FEED(&ch, s, DSG_IPC_END, 0);
        n = good(b, DSG_IPC_DATA, 0, 0);
        EXPECT(&ch, s, b, n, DSG_IPC_ERR_STATE);
        n = good(b, DSG_IPC_END, 0, 0);
        EXPECT(&ch, s, b, n, DSG_IPC_ERR_STATE);
        /* ... and may not reopen before the receiver has closed its side */
        n = good(b, DSG_IPC_STREAM_OPEN, 1, 0);
        EXPECT(&ch, s, b, n, DSG_IPC_ERR_STATE);
        FEED(&ch, r, DSG_IPC_STREAM_CLOSE, 0);
        /* after STREAM_CLOSE the receiver sends nothing more on it */
        n = good(b, DSG_IPC_CREDIT, 1, 0);
        EXPECT(&ch, r, b, n, DSG_IPC_ERR_STATE);
        n = good(b, DSG_IPC_STREAM_CLOSE, 0, 0);
        EXPECT(&ch, r, b, n, DSG_IPC_ERR_STATE);
        FEED(&ch, s, DSG_IPC_STREAM_OPEN, 1);
    }
}
END_TEST

/* @relation(REQ-RUN-026, REQ-RUN-007) */
START_TEST(test_ipc_data_without_credit)
{
    uint8_t b[64];
    dsg_ipc_channel ch;
    size_t n = build(b, DSG_IPC_DATA, 0, 1, 0, NULL, 1);
    /* opened with no credit: no DATA until a CREDIT */
    ready(&ch);
    FEED(&ch, W, DSG_IPC_STREAM_OPEN, 0);
    EXPECT(&ch, W, b, n, DSG_IPC_ERR_NO_CREDIT);
    EXPECT(&ch, W, b, 12, DSG_IPC_ERR_NO_CREDIT);   /* judged on the header */
    FEED(&ch, M, DSG_IPC_CREDIT, 2);
    EXPECT(&ch, W, b, n, DSG_IPC_OK);
    STREAM(&ch, W, 1, 1, 1);
    EXPECT(&ch, W, b, n, DSG_IPC_OK);
    STREAM(&ch, W, 1, 1, 0);
    EXPECT(&ch, W, b, n, DSG_IPC_ERR_NO_CREDIT);
    /* a zero grant is accepted and changes nothing */
    FEED(&ch, M, DSG_IPC_CREDIT, 0);
    EXPECT(&ch, W, b, n, DSG_IPC_ERR_NO_CREDIT);
    /* the master's stream has its own credit */
    FEED(&ch, M, DSG_IPC_STREAM_OPEN, 1);
    EXPECT(&ch, M, b, n, DSG_IPC_OK);
    EXPECT(&ch, M, b, n, DSG_IPC_ERR_NO_CREDIT);
    STREAM(&ch, M, 1, 1, 0);
    STREAM(&ch, W, 1, 1, 0);
}
END_TEST

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_credit_overflow)
{
    uint8_t b[64];
    size_t n;
    dsg_ipc_channel ch;
    static const uint32_t too_much[] = { DSG_IPC_CREDIT_MAX + 1u, 0x80000000u, 0xFFFFFFFFu };
    for (size_t i = 0; i < sizeof too_much / sizeof too_much[0]; i++) {
        ready(&ch);
        n = good(b, DSG_IPC_STREAM_OPEN, too_much[i], 0);
        EXPECT(&ch, W, b, n, DSG_IPC_ERR_CREDIT_OVERFLOW);
        /* the credit is in the payload: first wait for it */
        EXPECT(&ch, W, b, n - 1, DSG_IPC_NEED_MORE);
    }
    ready(&ch);
    FEED(&ch, W, DSG_IPC_STREAM_OPEN, DSG_IPC_CREDIT_MAX);
    n = good(b, DSG_IPC_CREDIT, 1, 0);
    EXPECT(&ch, M, b, n, DSG_IPC_ERR_CREDIT_OVERFLOW);
    n = build(b, DSG_IPC_DATA, 0, 1, 0, NULL, 1);
    EXPECT(&ch, W, b, n, DSG_IPC_OK);
    n = good(b, DSG_IPC_CREDIT, 2, 0);
    EXPECT(&ch, M, b, n, DSG_IPC_ERR_CREDIT_OVERFLOW);
    n = good(b, DSG_IPC_CREDIT, 1, 0);
    EXPECT(&ch, M, b, n, DSG_IPC_OK);
    STREAM(&ch, W, 1, 1, DSG_IPC_CREDIT_MAX);
    /* grants that would wrap 32 bits are refused, not wrapped */
    for (size_t i = 0; i < sizeof too_much / sizeof too_much[0]; i++) {
        n = good(b, DSG_IPC_CREDIT, too_much[i], 0);
        EXPECT(&ch, M, b, n, DSG_IPC_ERR_CREDIT_OVERFLOW);
    }
    n = good(b, DSG_IPC_CREDIT, 0xFFFFFFFFu - DSG_IPC_CREDIT_MAX + 1u, 0);
    EXPECT(&ch, M, b, n, DSG_IPC_ERR_CREDIT_OVERFLOW);
}
END_TEST

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_closed_channel)
{
    uint8_t b[64];
    dsg_ipc_channel ch;
    for (size_t i = 0; i < SPEC_ROWS; i++) {
        for (int p = 0; p < 2; p++) {
            dsg_ipc_peer from = (dsg_ipc_peer)p;
            int may = from == M ? spec[i].by_master : spec[i].by_worker;
            in_state(&ch, DSG_IPC_STATE_CLOSED);
            size_t n = good(b, spec[i].type, 1, 0);
            dsg_ipc_status want = !may ? DSG_IPC_ERR_SENDER
                                : spec[i].in[DSG_IPC_STATE_CLOSED] ? DSG_IPC_OK
                                : DSG_IPC_ERR_CLOSED;
            EXPECT(&ch, from, b, n, want);
        }
    }
    /* SECCOMP_KILL is the one frame a closed channel takes: the worker died
     * by its filter while shutting down, and the kill must still be logged */
    in_state(&ch, DSG_IPC_STATE_CLOSED);
    FEED(&ch, W, DSG_IPC_SECCOMP_KILL, 0);
    FEED(&ch, W, DSG_IPC_SECCOMP_KILL, 0);
    ck_assert_uint_eq(ch.state, DSG_IPC_STATE_CLOSED);
}
END_TEST

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_malformed_channel_fails_closed)
{
    uint8_t b[64];
    size_t n = good(b, DSG_IPC_SECCOMP_KILL, 0, 0);
    dsg_ipc_channel ch;
    for (int k = 0; k < 9; k++) {
        ready(&ch);
        switch (k) {
        case 0: ch.state = DSG_IPC_STATE_COUNT; break;
        case 1: ch.state = 0xFFFFFFFFu; break;
        case 2: ch.stream[W].sending = 2; break;
        case 3: ch.stream[M].receiving = 0xFF; break;
        case 4: ch.stream[W].credit = DSG_IPC_CREDIT_MAX + 1u; break;
        case 5: ch.stream[M].credit = 0xFFFFFFFFu; break;
        case 6: ch.state = DSG_IPC_STATE_HANDSHAKE; ch.stream[W].sending = 1; break;
        case 7: ch.state = DSG_IPC_STATE_CLOSED; ch.stream[M].receiving = 1; break;
        default: ch.state = DSG_IPC_STATE_HELLO; ch.stream[W].receiving = 1; break;
        }
        ck_assert_msg(!dsg_ipc_channel_is_valid(&ch), "case %d passes as valid", k);
        /* before anything else, even a short buffer or a bad sender */
        EXPECT(&ch, W, b, n, DSG_IPC_ERR_CHANNEL);
        EXPECT(&ch, W, b, 0, DSG_IPC_ERR_CHANNEL);
        EXPECT(&ch, (dsg_ipc_peer)7, b, n, DSG_IPC_ERR_CHANNEL);
    }
    /* every well-formed combination is valid */
    for (uint32_t state = 0; state < DSG_IPC_STATE_COUNT; state++) {
        for (unsigned bits = 0; bits < 16; bits++) {
            dsg_ipc_channel_init(&ch);
            ch.state = state;
            ch.stream[M].sending = bits & 1u;
            ch.stream[M].receiving = (bits >> 1) & 1u;
            ch.stream[W].sending = (bits >> 2) & 1u;
            ch.stream[W].receiving = (bits >> 3) & 1u;
            ch.stream[M].credit = DSG_IPC_CREDIT_MAX;
            int want = state == DSG_IPC_STATE_READY || bits == 0;
            ck_assert_int_eq(dsg_ipc_channel_is_valid(&ch), want);
        }
    }
}
END_TEST

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_bad_peer)
{
    uint8_t b[64];
    size_t n = good(b, DSG_IPC_HELLO, 0, 0);
    dsg_ipc_channel ch;
    static const unsigned peers[] = { 2, 3, 0x7FFFFFFFu, 0xFFFFFFFFu };
    dsg_ipc_channel_init(&ch);
    for (size_t i = 0; i < sizeof peers / sizeof peers[0]; i++) {
        EXPECT(&ch, (dsg_ipc_peer)peers[i], b, n, DSG_IPC_ERR_PEER);
        EXPECT(&ch, (dsg_ipc_peer)peers[i], b, 0, DSG_IPC_ERR_PEER);  /* before length */
    }
}
END_TEST

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_every_status_reachable_and_named)
{
    static const char *const want[] = {
        "ok", "need-more", "bad-channel", "bad-peer", "bad-flags", "unknown-type",
        "wrong-size", "wrong-sender", "closed", "wrong-state", "no-credit",
        "credit-overflow",
    };
    for (unsigned s = 0; s <= DSG_IPC_ERR_CREDIT_OVERFLOW; s++) {
        const char *tok = dsg_ipc_status_token((dsg_ipc_status)s);
        ck_assert_str_eq(tok, want[s]);
        for (const char *c = tok; *c; c++)
            ck_assert_msg((*c >= 'a' && *c <= 'z') || *c == '-', "token %s", tok);
        for (unsigned o = 0; o < s; o++)
            ck_assert_str_ne(tok, dsg_ipc_status_token((dsg_ipc_status)o));
    }
    ck_assert_str_eq(dsg_ipc_status_token((dsg_ipc_status)12), "unknown");
    ck_assert_str_eq(dsg_ipc_status_token((dsg_ipc_status)0x7FFFFFFF), "unknown");
    ck_assert_str_eq(dsg_ipc_status_token((dsg_ipc_status)-1), "unknown");
}
END_TEST

/* ---- the table ------------------------------------------------------------ */

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_rules_table_matches_message_list)
{
    ck_assert_uint_eq(SPEC_ROWS + 1u, DSG_IPC_TYPE_COUNT);
    const dsg_ipc_rule *zero = &dsg_ipc_rules[0];
    ck_assert_uint_eq(zero->from[0] | zero->from[1], 0);
    for (size_t i = 0; i < SPEC_ROWS; i++) {
        const struct spec_row *s = &spec[i];
        const dsg_ipc_rule *r = &dsg_ipc_rules[s->type];
        ck_assert_msg(r->min_len == s->min && r->max_len == s->max, "%s: size %u..%u",
                      s->name, r->min_len, r->max_len);
        ck_assert_msg(r->max_len <= DSG_IPC_PAYLOAD_MAX, "%s: above the maximum", s->name);
        ck_assert_msg(r->from[M] == s->by_master && r->from[W] == s->by_worker,
                      "%s: senders %u %u", s->name, r->from[M], r->from[W]);
        for (int st = 0; st < 4; st++)
            ck_assert_msg(r->in_state[st] == s->in[st], "%s: state %d", s->name, st);
        int next = r->next == DSG_IPC_STATE_SAME ? -1 : r->next;
        ck_assert_msg(next == s->next, "%s: next %d", s->name, next);
        /* stream types never move the state (the proof does not rely on it) */
        if (is_stream_type(s->type))
            ck_assert_int_eq(next, -1);
    }
    /* the fixed sizes are the payload layouts of ipc_frame.h */
    ck_assert_uint_eq(dsg_ipc_rules[DSG_IPC_STREAM_OPEN].min_len, 8 + 4 + 4);
    ck_assert_uint_eq(DSG_IPC_HEADER_SIZE, 2 + 2 + 4 + 4);
    ck_assert_uint_eq(DSG_IPC_PAYLOAD_MAX, 65536u);
}
END_TEST

/* ---- conversations -------------------------------------------------------- */

/* @relation(REQ-RUN-026, REQ-RUN-007) */
START_TEST(test_ipc_full_conversation)
{
    uint8_t b[128];
    size_t n;
    dsg_ipc_frame f;
    size_t eaten;
    dsg_ipc_channel ch;
    dsg_ipc_channel_init(&ch);
    ck_assert_uint_eq(ch.state, DSG_IPC_STATE_HANDSHAKE);

    /* handshake: HELLO (version, role), WELCOME (version, generation) */
    uint8_t hello[8];
    le32(hello, DSG_IPC_VERSION);
    le32(hello + 4, 3);
    n = build(b, DSG_IPC_HELLO, 0, 8, 77, hello, 8);
    ck_assert_int_eq(decode_checked(&ch, W, b, n, &f, &eaten, __LINE__), DSG_IPC_OK);
    ck_assert_uint_eq(f.request_id, 77);
    ck_assert_uint_eq(dsg_ipc_get_u32(f.payload), DSG_IPC_VERSION);
    ck_assert_uint_eq(dsg_ipc_get_u32(f.payload + 4), 3);
    ck_assert_uint_eq(ch.state, DSG_IPC_STATE_HELLO);
    n = good(b, DSG_IPC_HELLO, 0, 0);
    EXPECT(&ch, W, b, n, DSG_IPC_ERR_STATE);            /* one HELLO only */
    FEED(&ch, M, DSG_IPC_WELCOME, 0);
    ck_assert_uint_eq(ch.state, DSG_IPC_STATE_READY);
    n = good(b, DSG_IPC_WELCOME, 0, 0);
    EXPECT(&ch, M, b, n, DSG_IPC_ERR_STATE);            /* one WELCOME only */

    /* requests */
    FEED(&ch, M, DSG_IPC_PING, 0);
    FEED(&ch, W, DSG_IPC_PONG, 0);
    FEED(&ch, W, DSG_IPC_PING, 0);
    FEED(&ch, M, DSG_IPC_PONG, 0);

    /* the worker streams 5 DATA frames with an initial credit of 2 */
    uint8_t open[16];
    le32(open, 5 * 100);
    le32(open + 4, 0);
    le32(open + 8, 42);
    le32(open + 12, 2);
    n = build(b, DSG_IPC_STREAM_OPEN, 0, 16, 9, open, 16);
    ck_assert_int_eq(decode_checked(&ch, W, b, n, &f, &eaten, __LINE__), DSG_IPC_OK);
    ck_assert(dsg_ipc_get_u64(f.payload) == 500u);
    ck_assert_uint_eq(dsg_ipc_get_u32(f.payload + 8), 42);
    STREAM(&ch, W, 1, 1, 2);
    STREAM(&ch, M, 0, 0, 0);
    size_t d = build(b, DSG_IPC_DATA, 0, 100, 9, NULL, 100);
    EXPECT(&ch, W, b, d, DSG_IPC_OK);
    EXPECT(&ch, W, b, d, DSG_IPC_OK);
    EXPECT(&ch, W, b, d, DSG_IPC_ERR_NO_CREDIT);
    FEED(&ch, M, DSG_IPC_PING, 0);                      /* requests go on */
    FEED(&ch, M, DSG_IPC_CREDIT, 3);
    STREAM(&ch, W, 1, 1, 3);
    for (int i = 0; i < 3; i++)
        EXPECT(&ch, W, b, d, DSG_IPC_OK);
    STREAM(&ch, W, 1, 1, 0);
    FEED(&ch, W, DSG_IPC_END, 0);
    STREAM(&ch, W, 0, 1, 0);
    FEED(&ch, M, DSG_IPC_STREAM_CLOSE, 0);
    STREAM(&ch, W, 0, 0, 0);

    /* the master streams, the worker cancels it, the master aborts */
    FEED(&ch, M, DSG_IPC_STREAM_OPEN, 1);
    EXPECT(&ch, M, b, d, DSG_IPC_OK);
    FEED(&ch, W, DSG_IPC_STREAM_CLOSE, 0);
    STREAM(&ch, M, 1, 0, 0);
    FEED(&ch, M, DSG_IPC_ABORT, 0);
    STREAM(&ch, M, 0, 0, 0);

    /* both directions at once */
    FEED(&ch, M, DSG_IPC_STREAM_OPEN, 1);
    FEED(&ch, W, DSG_IPC_STREAM_OPEN, 1);
    EXPECT(&ch, W, b, d, DSG_IPC_OK);
    EXPECT(&ch, M, b, d, DSG_IPC_OK);
    STREAM(&ch, M, 1, 1, 0);
    STREAM(&ch, W, 1, 1, 0);

    /* SHUTDOWN ends every stream and closes the channel */
    FEED(&ch, M, DSG_IPC_SHUTDOWN, 0);
    ck_assert_uint_eq(ch.state, DSG_IPC_STATE_CLOSED);
    STREAM(&ch, M, 0, 0, 0);
    STREAM(&ch, W, 0, 0, 0);
    n = good(b, DSG_IPC_PING, 0, 0);
    EXPECT(&ch, W, b, n, DSG_IPC_ERR_CLOSED);
}
END_TEST

/* Both ends keep their own channel and pass every frame they send and
 * receive through it. Frames that cross on the wire are accepted at both.
 * @relation(REQ-RUN-026) */
START_TEST(test_ipc_crossing_frames_both_ends)
{
    uint8_t b[128];
    size_t n;
    dsg_ipc_channel mv, wv;   /* the master's view, the worker's view */
    ready(&mv);
    ready(&wv);
    size_t d = build(b + 64, DSG_IPC_DATA, 0, 10, 0, NULL, 10);
    const uint8_t *data = b + 64;

    /* PING from the master crosses the worker's STREAM_OPEN */
    n = good(b, DSG_IPC_PING, 0, 0);
    EXPECT(&mv, M, b, n, DSG_IPC_OK);                 /* master sends PING */
    n = good(b, DSG_IPC_STREAM_OPEN, 1, 0);
    EXPECT(&wv, W, b, n, DSG_IPC_OK);                 /* worker sends OPEN */
    n = good(b, DSG_IPC_PING, 0, 0);
    EXPECT(&wv, M, b, n, DSG_IPC_OK);                 /* worker gets PING */
    n = good(b, DSG_IPC_STREAM_OPEN, 1, 0);
    EXPECT(&mv, W, b, n, DSG_IPC_OK);                 /* master gets OPEN */

    /* the master's CREDIT crosses the worker's DATA and END */
    EXPECT(&wv, W, data, d, DSG_IPC_OK);              /* worker sends DATA */
    n = good(b, DSG_IPC_CREDIT, 4, 0);
    EXPECT(&mv, M, b, n, DSG_IPC_OK);                 /* master sends CREDIT */
    n = good(b, DSG_IPC_END, 0, 0);
    EXPECT(&wv, W, b, n, DSG_IPC_OK);                 /* worker sends END */
    EXPECT(&mv, W, data, d, DSG_IPC_OK);              /* master gets DATA */
    EXPECT(&mv, W, b, n, DSG_IPC_OK);                 /* master gets END */
    n = good(b, DSG_IPC_CREDIT, 4, 0);
    EXPECT(&wv, M, b, n, DSG_IPC_OK);                 /* worker gets CREDIT after END */
    n = good(b, DSG_IPC_STREAM_CLOSE, 0, 0);
    EXPECT(&mv, M, b, n, DSG_IPC_OK);                 /* master closes its side */
    EXPECT(&wv, M, b, n, DSG_IPC_OK);
    STREAM(&mv, W, 0, 0, 4);
    STREAM(&wv, W, 0, 0, 4);

    /* the master cancels while the worker's DATA is in flight */
    n = good(b, DSG_IPC_STREAM_OPEN, 2, 0);
    EXPECT(&wv, W, b, n, DSG_IPC_OK);
    EXPECT(&mv, W, b, n, DSG_IPC_OK);
    EXPECT(&wv, W, data, d, DSG_IPC_OK);              /* worker sends DATA */
    n = good(b, DSG_IPC_STREAM_CLOSE, 0, 0);
    EXPECT(&mv, M, b, n, DSG_IPC_OK);                 /* master cancels */
    EXPECT(&mv, W, data, d, DSG_IPC_OK);              /* DATA in flight: accepted */
    EXPECT(&wv, M, b, n, DSG_IPC_OK);                 /* worker learns of it */
    n = good(b, DSG_IPC_ABORT, 0, 0);
    EXPECT(&wv, W, b, n, DSG_IPC_OK);
    EXPECT(&mv, W, b, n, DSG_IPC_OK);
    SAME_STREAMS(&mv, &wv);

    /* both open at once: one stream per direction */
    n = good(b, DSG_IPC_STREAM_OPEN, 1, 0);
    EXPECT(&mv, M, b, n, DSG_IPC_OK);
    EXPECT(&wv, W, b, n, DSG_IPC_OK);
    EXPECT(&mv, W, b, n, DSG_IPC_OK);
    EXPECT(&wv, M, b, n, DSG_IPC_OK);
    SAME_STREAMS(&mv, &wv);
}
END_TEST

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_seccomp_kill_in_every_state)
{
    uint8_t b[64];
    dsg_ipc_frame f;
    size_t eaten;
    dsg_ipc_channel ch;
    uint8_t kill[8];
    le32(kill, 59);                    /* execve */
    le32(kill + 4, 0xC000003Eu);       /* AUDIT_ARCH_X86_64 */
    size_t n = build(b, DSG_IPC_SECCOMP_KILL, 0, 8, 0, kill, 8);
    for (uint32_t state = 0; state < DSG_IPC_STATE_COUNT; state++) {
        in_state(&ch, state);
        ck_assert_int_eq(decode_checked(&ch, W, b, n, &f, &eaten, __LINE__), DSG_IPC_OK);
        ck_assert_uint_eq(dsg_ipc_get_u32(f.payload), 59);
        ck_assert_uint_eq(dsg_ipc_get_u32(f.payload + 4), 0xC000003Eu);
        ck_assert_uint_eq(ch.state, DSG_IPC_STATE_CLOSED);
    }
    /* in the middle of streams: they end */
    ready(&ch);
    FEED(&ch, W, DSG_IPC_STREAM_OPEN, 3);
    FEED(&ch, M, DSG_IPC_STREAM_OPEN, 3);
    FEED(&ch, W, DSG_IPC_SECCOMP_KILL, 0);
    STREAM(&ch, W, 0, 0, 0);
    STREAM(&ch, M, 0, 0, 0);
}
END_TEST

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_back_to_back_frames)
{
    uint8_t b[256];
    dsg_ipc_frame f;
    size_t eaten;
    dsg_ipc_channel ch;
    dsg_ipc_channel_init(&ch);
    size_t n1 = good(b, DSG_IPC_HELLO, 0, 1);
    size_t n2 = good(b + n1, DSG_IPC_WELCOME, 0, 2);
    size_t n3 = build(b + n1 + n2, DSG_IPC_PING, 0, 8, 3, NULL, 8);
    size_t total = n1 + n2 + n3;
    ck_assert_int_eq(decode_checked(&ch, W, b, total, &f, &eaten, __LINE__), DSG_IPC_OK);
    ck_assert_uint_eq(eaten, n1);
    ck_assert_uint_eq(f.request_id, 1);
    ck_assert_int_eq(decode_checked(&ch, M, b + eaten, total - n1, &f, &eaten, __LINE__),
                     DSG_IPC_OK);
    ck_assert_uint_eq(eaten, n2);
    ck_assert_uint_eq(f.type, DSG_IPC_WELCOME);
    /* the third frame, cut short, then whole */
    EXPECT(&ch, W, b + n1 + n2, n3 - 1, DSG_IPC_NEED_MORE);
    ck_assert_int_eq(decode_checked(&ch, W, b + n1 + n2, n3, &f, &eaten, __LINE__),
                     DSG_IPC_OK);
    ck_assert_uint_eq(eaten, n3);
    ck_assert_uint_eq(f.request_id, 3);
    /* zero-length payloads back to back: END then STREAM_CLOSE */
    FEED(&ch, W, DSG_IPC_STREAM_OPEN, 0);
    size_t e = build(b, DSG_IPC_END, 0, 0, 0, NULL, 0);
    size_t c = good(b + e, DSG_IPC_STREAM_CLOSE, 0, 0);
    ck_assert_int_eq(decode_checked(&ch, W, b, e + c, &f, &eaten, __LINE__), DSG_IPC_OK);
    ck_assert_uint_eq(eaten, 12);
    ck_assert_uint_eq(f.length, 0);
    ck_assert_int_eq(decode_checked(&ch, M, b + e, c, &f, &eaten, __LINE__), DSG_IPC_OK);
    ck_assert_uint_eq(eaten, c);
}
END_TEST

/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_encode_decode_round_trip)
{
    static const uint32_t words[] = { 0, 1, 0xFF, 0x100, 0x1234, 0xFFFF, 0x10000,
                                      0x12345678u, 0x80000000u, 0xFFFFFFFFu };
    uint8_t h[DSG_IPC_HEADER_SIZE], ref[DSG_IPC_HEADER_SIZE];
    for (uint32_t t = 0; t <= 0xFFFFu; t += 0x1111u) {
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
            for (size_t j = 0; j < sizeof words / sizeof words[0]; j++) {
                memset(h, 0xEE, sizeof h);
                dsg_ipc_encode_header(h, (uint16_t)t, words[i], words[j]);
                build(ref, (uint16_t)t, 0, words[i], words[j], NULL, 0);
                ck_assert_int_eq(memcmp(h, ref, sizeof h), 0);
            }
        }
    }
    /* a header from the encoder decodes to the same fields */
    uint8_t b[64];
    dsg_ipc_frame f;
    size_t eaten;
    dsg_ipc_channel ch;
    for (size_t i = 0; i < SPEC_ROWS; i++) {
        const struct spec_row *s = &spec[i];
        if (!s->in[DSG_IPC_STATE_READY] || is_stream_type(s->type))
            continue;
        ready(&ch);
        dsg_ipc_encode_header(b, s->type, s->min, 0xDEADBEEFu);
        memset(b + 12, 0x5A, s->min);
        dsg_ipc_peer from = s->by_worker ? W : M;
        ck_assert_int_eq(decode_checked(&ch, from, b, 12u + s->min, &f, &eaten, __LINE__),
                         DSG_IPC_OK);
        ck_assert_uint_eq(f.type, s->type);
        ck_assert_uint_eq(f.length, s->min);
        ck_assert_uint_eq(f.request_id, 0xDEADBEEFu);
    }
    /* payload words */
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        uint8_t p[8], q[8];
        dsg_ipc_put_u32(p, words[i]);
        le32(q, words[i]);
        ck_assert_int_eq(memcmp(p, q, 4), 0);
        ck_assert_uint_eq(dsg_ipc_get_u32(p), words[i]);
        for (size_t j = 0; j < sizeof words / sizeof words[0]; j++) {
            uint64_t v = (uint64_t)words[j] << 32 | words[i];
            dsg_ipc_put_u32(p, words[i]);
            dsg_ipc_put_u32(p + 4, words[j]);
            le32(q, words[i]);
            le32(q + 4, words[j]);
            ck_assert_int_eq(memcmp(p, q, 8), 0);
            ck_assert(dsg_ipc_get_u64(p) == v);
        }
    }
    uint8_t u[8];
    memset(u, 0xFF, sizeof u);
    ck_assert(dsg_ipc_get_u64(u) == DSG_IPC_TOTAL_UNKNOWN);
}
END_TEST

/* Every single-byte change of a valid conversation either is refused (and
 * changes nothing) or decodes consistently: a property over many inputs. */
/* @relation(REQ-RUN-026) */
START_TEST(test_ipc_property_mutated_frames)
{
    uint8_t b[64], m[64];
    size_t count[DSG_IPC_ERR_CREDIT_OVERFLOW + 1] = { 0 };
    dsg_ipc_frame f;
    size_t eaten;
    dsg_ipc_channel ch;
    for (size_t i = 0; i < SPEC_ROWS; i++) {
        size_t n = good(b, spec[i].type, 1, 0);
        for (size_t pos = 0; pos < n; pos++) {
            for (unsigned v = 0; v < 256; v += 17) {
                for (uint32_t state = 0; state < DSG_IPC_STATE_COUNT; state++) {
                    for (int p = 0; p < 2; p++) {
                        in_state(&ch, state);
                        if (state == DSG_IPC_STATE_READY) {
                            FEED(&ch, W, DSG_IPC_STREAM_OPEN, 1);
                            FEED(&ch, M, DSG_IPC_STREAM_OPEN, 1);
                        }
                        memcpy(m, b, n);
                        m[pos] = (uint8_t)v;
                        dsg_ipc_status st = decode_checked(&ch, (dsg_ipc_peer)p, m, n, &f,
                                                           &eaten, __LINE__);
                        count[st]++;
                        /* deterministic: the same input gives the same answer */
                        dsg_ipc_channel again;
                        in_state(&again, state);
                        if (state == DSG_IPC_STATE_READY) {
                            FEED(&again, W, DSG_IPC_STREAM_OPEN, 1);
                            FEED(&again, M, DSG_IPC_STREAM_OPEN, 1);
                        }
                        ck_assert_int_eq(dsg_ipc_decode(&again, (dsg_ipc_peer)p, m, n, &f,
                                                        &eaten), st);
                    }
                }
            }
        }
    }
    /* the mutations reach every outcome but a malformed channel or peer */
    for (unsigned s = 0; s <= DSG_IPC_ERR_CREDIT_OVERFLOW; s++) {
        if (s == DSG_IPC_ERR_CHANNEL || s == DSG_IPC_ERR_PEER || s == DSG_IPC_ERR_NO_CREDIT)
            continue;
        ck_assert_msg(count[s] > 0, "no mutation gave %s", dsg_ipc_status_token(s));
    }
}
END_TEST

Suite *suite_ipc_frame(void)
{
    Suite *s = suite_create("ipc_frame");

    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_ipc_short_header_needs_more);
    tcase_add_test(bad, test_ipc_short_payload_needs_more);
    tcase_add_test(bad, test_ipc_bad_flags);
    tcase_add_test(bad, test_ipc_unknown_type);
    tcase_add_test(bad, test_ipc_wrong_size_each_type);
    tcase_add_test(bad, test_ipc_wrong_sender_each_type);
    tcase_add_test(bad, test_ipc_wrong_state_each_type);
    tcase_add_test(bad, test_ipc_stream_frames_need_their_stream);
    tcase_add_test(bad, test_ipc_data_without_credit);
    tcase_add_test(bad, test_ipc_credit_overflow);
    tcase_add_test(bad, test_ipc_closed_channel);
    tcase_add_test(bad, test_ipc_malformed_channel_fails_closed);
    tcase_add_test(bad, test_ipc_bad_peer);
    tcase_add_test(bad, test_ipc_every_status_reachable_and_named);
    suite_add_tcase(s, bad);

    TCase *table = tcase_create("table");
    tcase_add_test(table, test_ipc_rules_table_matches_message_list);
    suite_add_tcase(s, table);

    TCase *conv = tcase_create("conversations");
    tcase_add_test(conv, test_ipc_full_conversation);
    tcase_add_test(conv, test_ipc_crossing_frames_both_ends);
    tcase_add_test(conv, test_ipc_seccomp_kill_in_every_state);
    tcase_add_test(conv, test_ipc_back_to_back_frames);
    tcase_add_test(conv, test_ipc_encode_decode_round_trip);
    suite_add_tcase(s, conv);

    TCase *prop = tcase_create("properties");
    tcase_set_timeout(prop, 60);
    tcase_add_test(prop, test_ipc_property_mutated_frames);
    suite_add_tcase(s, prop);
    return s;
}
