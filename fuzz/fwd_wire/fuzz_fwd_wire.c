/*
 * Fuzz harness of forwarding's parsers (src/run/fwd_wire.h): the
 * log.forward list, the RFC 5425 frame-stream checker logfwd runs over
 * every byte it sends, and the bus messages and handover datagram the
 * master, logd and logfwd read from each other. The first byte picks the
 * reader, the rest is its input. Checks at run time: what a message reader
 * accepts writes back to exactly the same bytes; the checker gives the
 * same verdict and frame count however the stream is cut into pieces, and
 * what it accepts as whole frames is the frames the writer makes; every
 * collector the list parser accepts parses again, alone, to the same.
 * @relation(REQ-LOG-047, REQ-RUN-053)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "run/fwd_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void targets(const uint8_t *in, size_t size)
{
    static char text[4096];
    static dsgd_fwd_targets t, one;
    char why[160];
    if (size >= sizeof text)
        return;
    memcpy(text, in, size);
    text[size] = '\0';
    if (dsgd_fwd_targets_parse(text, &t, why, sizeof why) != 0)
        return;
    if (t.n > DSGD_FWD_MAX)
        abort();
    for (unsigned i = 0; i < t.n; i++) {
        if (dsgd_fwd_targets_parse(t.t[i].text, &one, why, sizeof why) != 0 || one.n != 1 ||
            memcmp(&one.t[0], &t.t[i], sizeof one.t[0]) != 0 || t.t[i].port == 0)
            abort();
    }
}

/* The stream whole, then byte by byte: the same verdict and frames. */
static void scan(const uint8_t *in, size_t size)
{
    dsgd_fwd_scan a, b;
    int ra, rb = 0;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    ra = dsgd_fwd_scan_feed(&a, in, size);
    for (size_t i = 0; i < size && rb == 0; i++)
        rb = dsgd_fwd_scan_feed(&b, in + i, 1);
    if (ra != rb || (ra == 0 && (a.frames != b.frames || dsgd_fwd_scan_idle(&a) !=
                                                          dsgd_fwd_scan_idle(&b))))
        abort();
    if (ra != 0 || !dsgd_fwd_scan_idle(&a))
        return;
    /* accepted whole frames: each is the writer's head and a message */
    size_t at = 0;
    uint8_t head[DSGD_FWD_HEAD_MAX];
    while (at < size) {
        size_t len = strtoul((const char *)in + at, NULL, 10), h = dsgd_fwd_frame_head(head, len);
        if (h == 0 || memcmp(head, in + at, h) != 0 || in[at + h] != '<')
            abort();
        at += h + len;
    }
    if (at != size)
        abort();
}

static void messages(const uint8_t *in, size_t size)
{
    static uint8_t again[DSGD_FWD_BATCH_HEAD];
    uint8_t coll;
    uint32_t gen;
    uint64_t id;
    int up;
    const uint8_t *p;
    size_t len;
    if (dsgd_fwd_batch_get(in, size, &coll, &gen, &id, &p, &len) == 0) {
        dsgd_fwd_batch_head(again, coll, gen, id);
        if (coll >= DSGD_FWD_MAX || p != in + DSGD_FWD_BATCH_HEAD || len + DSGD_FWD_BATCH_HEAD != size ||
            len == 0 || memcmp(again, in, DSGD_FWD_BATCH_HEAD) != 0)
            abort();
    }
    if (dsgd_fwd_ack_get(in, size, &coll, &gen, &id) == 0) {
        dsgd_fwd_ack_put(again, coll, gen, id);
        if (size != DSGD_FWD_ACK_LEN || memcmp(again, in, size) != 0)
            abort();
    }
    if (dsgd_fwd_state_get(in, size, &coll, &gen, &up) == 0) {
        dsgd_fwd_state_put(again, coll, gen, up);
        if (size != DSGD_FWD_STATE_LEN || memcmp(again, in, size) != 0)
            abort();
    }
    if (dsgd_fwd_handover_get(in, size, &coll, &gen) == 0) {
        dsgd_fwd_handover_put(again, coll, gen);
        if (size != DSGD_FWD_HANDOVER_LEN || memcmp(again, in, size) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > 65536)
        return 0;
    switch (data[0] % 3) {
    case 0: targets(data + 1, size - 1); break;
    case 1: scan(data + 1, size - 1); break;
    default: messages(data + 1, size - 1); break;
    }
    return 0;
}
