/*
 * IPC frame decoder (REQ-RUN-026). See ipc_frame.h for the wire format, the
 * message list and the contract; acsl/PROOFS.md for what is proved.
 *
 * The decision order is fixed and each step only reads what the previous
 * ones made safe to read: the channel and the sender first, then the header
 * (12 bytes), then the rules of the type, and only then the payload, so a
 * frame that can never be accepted is refused before its payload arrives.
 * Bytes are decoded one by one (little-endian), never by casting the buffer.
 *
 * Style note: a rule made of several conditions is written as one
 * branch-free expression of 0/1 bits (BIT(a) & BIT(b), BIT(a) | BIT(b))
 * rather than with && and ||, which the C front end of Frama-C turns into
 * branches. Every branch costs a WP smoke test of a few seconds, and the
 * bits say the same thing. Each bit is a comparison, so it is 0 or 1.
 */
#include "core/ipc_frame.h"

#define BIT(c) ((int)(c))
#define LE16(p) ((uint16_t)((uint32_t)(p)[0] + (uint32_t)(p)[1] * 256u))
#define LE32(p) ((uint32_t)(p)[0] + (uint32_t)(p)[1] * 256u + \
                 (uint32_t)(p)[2] * 65536u + (uint32_t)(p)[3] * 16777216u)

#define ROW(min, max, by_master, by_worker, in_hs, in_hello, in_ready, in_closed, next) \
    { (min), (max), { (by_master), (by_worker) },                                   \
      { (in_hs), (in_hello), (in_ready), (in_closed) }, (next) }
#define SAME DSG_IPC_STATE_SAME

/* The message list of REQ-RUN-026 (tests/check_ipc_frame.c holds a copy
 * written out independently and compares the two). */
const dsg_ipc_rule dsg_ipc_rules[DSG_IPC_TYPE_COUNT] = {
    /*                        payload       sent by       accepted in state    state
     *                        min    max    mst  wrk      HS  HEL RDY CLS       after */
    [0]                    = ROW(0,  0,     0,   0,       0,  0,  0,  0,  SAME),
    [DSG_IPC_HELLO]        = ROW(8,  8,     0,   1,       1,  0,  0,  0,  DSG_IPC_STATE_HELLO),
    [DSG_IPC_WELCOME]      = ROW(8,  8,     1,   0,       0,  1,  0,  0,  DSG_IPC_STATE_READY),
    [DSG_IPC_PING]         = ROW(8,  8,     1,   1,       0,  0,  1,  0,  SAME),
    [DSG_IPC_PONG]         = ROW(8,  8,     1,   1,       0,  0,  1,  0,  SAME),
    [DSG_IPC_SECCOMP_KILL] = ROW(8,  8,     0,   1,       1,  1,  1,  1,  DSG_IPC_STATE_CLOSED),
    [DSG_IPC_SHUTDOWN]     = ROW(0,  0,     1,   0,       1,  1,  1,  0,  DSG_IPC_STATE_CLOSED),
    [DSG_IPC_STREAM_OPEN]  = ROW(16, 16,    1,   1,       0,  0,  1,  0,  SAME),
    [DSG_IPC_DATA]         = ROW(1,  DSG_IPC_PAYLOAD_MAX, 1, 1, 0, 0, 1, 0, SAME),
    [DSG_IPC_CREDIT]       = ROW(4,  4,     1,   1,       0,  0,  1,  0,  SAME),
    [DSG_IPC_END]          = ROW(0,  0,     1,   1,       0,  0,  1,  0,  SAME),
    [DSG_IPC_ABORT]        = ROW(4,  4,     1,   1,       0,  0,  1,  0,  SAME),
    [DSG_IPC_STREAM_CLOSE] = ROW(4,  4,     1,   1,       0,  0,  1,  0,  SAME),
};

/* ---- little-endian integers --------------------------------------------- */

uint32_t dsg_ipc_get_u32(const uint8_t *p)
{
    return LE32(p);
}

uint64_t dsg_ipc_get_u64(const uint8_t *p)
{
    return (uint64_t)LE32(p) + (uint64_t)LE32(p + 4) * 4294967296u;
}

void dsg_ipc_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v % 256u);
    p[1] = (uint8_t)(v / 256u % 256u);
    p[2] = (uint8_t)(v / 65536u % 256u);
    p[3] = (uint8_t)(v / 16777216u);
}

void dsg_ipc_encode_header(uint8_t *out, uint16_t type, uint32_t length,
                           uint32_t request_id)
{
    out[0] = (uint8_t)(type % 256u);
    out[1] = (uint8_t)(type / 256u);
    out[2] = 0;                         /* flags: reserved, always 0 */
    out[3] = 0;
    dsg_ipc_put_u32(out + 4, length);
    dsg_ipc_put_u32(out + 8, request_id);
}

/* ---- the channel -------------------------------------------------------- */

int dsg_ipc_channel_is_valid(const dsg_ipc_channel *ch)
{
    const dsg_ipc_stream *m = &ch->stream[DSG_IPC_PEER_MASTER];
    const dsg_ipc_stream *w = &ch->stream[DSG_IPC_PEER_WORKER];
    int idle = BIT(m->sending == 0u) & BIT(m->receiving == 0u) &
               BIT(w->sending == 0u) & BIT(w->receiving == 0u);
    return BIT(ch->state < DSG_IPC_STATE_COUNT) &
           BIT(m->sending <= 1u) & BIT(m->receiving <= 1u) &
           BIT(m->credit <= DSG_IPC_CREDIT_MAX) &
           BIT(w->sending <= 1u) & BIT(w->receiving <= 1u) &
           BIT(w->credit <= DSG_IPC_CREDIT_MAX) &
           (BIT(ch->state == DSG_IPC_STATE_READY) | idle);
}

void dsg_ipc_channel_init(dsg_ipc_channel *ch)
{
    ch->state = DSG_IPC_STATE_HANDSHAKE;
    ch->stream[DSG_IPC_PEER_MASTER].sending = 0;
    ch->stream[DSG_IPC_PEER_MASTER].receiving = 0;
    ch->stream[DSG_IPC_PEER_MASTER].credit = 0;
    ch->stream[DSG_IPC_PEER_WORKER].sending = 0;
    ch->stream[DSG_IPC_PEER_WORKER].receiving = 0;
    ch->stream[DSG_IPC_PEER_WORKER].credit = 0;
}

/* ---- the decisions ------------------------------------------------------ */

/* What the stream slots must say for a stream type (one stream per
 * direction): the sender's frames need its own slot, idle to open it, open
 * for sending otherwise; the receiver's frames need the other peer's slot
 * open for receiving; every stream type needs a READY channel. */
/*@ requires \valid_read(ch) && dsg_ipc_peer_ok(p);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ipc_stream_cond(ch, t, p);
*/
static int stream_allows(const dsg_ipc_channel *ch, dsg_ipc_peer p, uint16_t t)
{
    const dsg_ipc_stream *own = &ch->stream[p];
    const dsg_ipc_stream *peer = &ch->stream[1u - (unsigned)p];
    int opens = BIT(t == DSG_IPC_STREAM_OPEN);
    int sends = BIT(t == DSG_IPC_DATA) | BIT(t == DSG_IPC_END) | BIT(t == DSG_IPC_ABORT);
    int answers = BIT(t == DSG_IPC_CREDIT) | BIT(t == DSG_IPC_STREAM_CLOSE);
    int stream = opens | sends | answers;
    return (BIT(stream == 0) | BIT(ch->state == DSG_IPC_STATE_READY)) &
           (BIT(opens == 0) | (BIT(own->sending == 0u) & BIT(own->receiving == 0u))) &
           (BIT(sends == 0) | BIT(own->sending == 1u)) &
           (BIT(answers == 0) | BIT(peer->receiving == 1u));
}

/* Credit stays within DSG_IPC_CREDIT_MAX: STREAM_OPEN's initial credit
 * (payload offset 12), and what a CREDIT grant (offset 0) brings the other
 * peer's stream to. Reads only the payload bytes the type's size ensures. */
/*@ requires \valid_read(ch) && dsg_ipc_channel_ok(ch) && dsg_ipc_peer_ok(p);
    requires \valid_read(pl + (0 .. dsg_ipc_need(t) - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ipc_credit_fits(ch, t, p, pl);
*/
static int credit_fits(const dsg_ipc_channel *ch, dsg_ipc_peer p, uint16_t t,
                       const uint8_t *pl)
{
    if (t == DSG_IPC_STREAM_OPEN)
        return BIT(dsg_ipc_get_u32(pl + 12) <= DSG_IPC_CREDIT_MAX);
    if (t == DSG_IPC_CREDIT)   /* the credit held is <= the maximum: no wrap */
        return BIT(dsg_ipc_get_u32(pl) <=
                   DSG_IPC_CREDIT_MAX - ch->stream[1u - (unsigned)p].credit);
    return 1;
}

/* Every decision of dsg_ipc_decode, in its order; fills *out only when the
 * frame is accepted, and writes nothing else. */
/*@ requires \valid_read(ch) && \valid(out);
    requires \valid_read(buf + (0 .. len - 1));
    requires \separated(out, ch);
    requires \separated(out, buf + (0 .. len - 1));
    assigns *out;
    ensures \old(dsg_ipc_verdict(ch, from, buf, len, \result));
    ensures \result == DSG_IPC_OK ==>
              out->type == \old(dsg_ipc_hdr_type(buf)) &&
              out->length == \old(dsg_ipc_hdr_length(buf)) &&
              out->request_id == \old(dsg_ipc_hdr_id(buf)) &&
              out->payload == buf + DSG_IPC_HEADER_SIZE;
    ensures \result != DSG_IPC_OK ==> dsg_ipc_frame_same{Pre,Post}(out);
*/
static dsg_ipc_status decide(const dsg_ipc_channel *ch, dsg_ipc_peer from,
                             const uint8_t *buf, size_t len, dsg_ipc_frame *out)
{
    if (!dsg_ipc_channel_is_valid(ch))
        return DSG_IPC_ERR_CHANNEL;
    if (BIT(from != DSG_IPC_PEER_MASTER) & BIT(from != DSG_IPC_PEER_WORKER))
        return DSG_IPC_ERR_PEER;
    if (len < DSG_IPC_HEADER_SIZE)
        return DSG_IPC_NEED_MORE;
    uint16_t t = LE16(buf);
    uint32_t n = dsg_ipc_get_u32(buf + 4);
    if (LE16(buf + 2) != 0u)
        return DSG_IPC_ERR_FLAGS;
    if (BIT(t == 0u) | BIT(t >= DSG_IPC_TYPE_COUNT))
        return DSG_IPC_ERR_TYPE;
    const dsg_ipc_rule *r = &dsg_ipc_rules[t];
    /* what the decoder reads itself: 16 bytes of STREAM_OPEN, 4 of CREDIT */
    uint32_t need = (uint32_t)(BIT(t == DSG_IPC_STREAM_OPEN) * 16 + BIT(t == DSG_IPC_CREDIT) * 4);
    if (BIT(n < r->min_len) | BIT(n > r->max_len) | BIT(n > DSG_IPC_PAYLOAD_MAX) |
        BIT(n < need))
        return DSG_IPC_ERR_SIZE;
    if (r->from[from] == 0u)
        return DSG_IPC_ERR_SENDER;
    if (BIT(ch->state == DSG_IPC_STATE_CLOSED) &
        BIT(r->in_state[DSG_IPC_STATE_CLOSED] == 0u))
        return DSG_IPC_ERR_CLOSED;
    if (BIT(r->in_state[ch->state] == 0u) | BIT(stream_allows(ch, from, t) == 0))
        return DSG_IPC_ERR_STATE;
    if (BIT(t == DSG_IPC_DATA) & BIT(ch->stream[from].credit == 0u))
        return DSG_IPC_ERR_NO_CREDIT;
    if (len - DSG_IPC_HEADER_SIZE < n)
        return DSG_IPC_NEED_MORE;
    if (credit_fits(ch, from, t, buf + DSG_IPC_HEADER_SIZE) == 0)
        return DSG_IPC_ERR_CREDIT_OVERFLOW;
    out->type = t;
    out->length = n;
    out->request_id = dsg_ipc_get_u32(buf + 8);
    out->payload = buf + DSG_IPC_HEADER_SIZE;
    return DSG_IPC_OK;
}

/* Advances the channel for an accepted frame. A type that is not a stream
 * type and whose row names a next state moves there and clears both streams
 * (SHUTDOWN and SECCOMP_KILL end every stream). Stream types never take a
 * next state from the table, whatever it holds, so the credit rules do not
 * depend on its content; they act on the stream slots. */
/*@ requires \valid(ch) && dsg_ipc_channel_ok(ch) && dsg_ipc_peer_ok(p);
    requires dsg_ipc_type_known(t);
    requires dsg_ipc_stream_cond(ch, t, p) && dsg_ipc_credit_left(ch, t, p);
    requires \valid_read(pl + (0 .. dsg_ipc_need(t) - 1));
    requires dsg_ipc_credit_fits(ch, t, p, pl);
    requires \separated(ch, pl + (0 .. dsg_ipc_need(t) - 1));
    assigns *ch;
    ensures dsg_ipc_channel_ok(ch);
    ensures dsg_ipc_stepped{Pre,Post}(ch, p, t, pl);
*/
static void apply(dsg_ipc_channel *ch, dsg_ipc_peer p, uint16_t t,
                  const uint8_t *pl)
{
    dsg_ipc_stream *own = &ch->stream[p];
    dsg_ipc_stream *peer = &ch->stream[1u - (unsigned)p];
    switch (t) {
    case DSG_IPC_STREAM_OPEN: {
        uint32_t initial = dsg_ipc_get_u32(pl + 12);   /* read before any write */
        own->sending = 1;
        own->receiving = 1;
        own->credit = initial;
        return;
    }
    case DSG_IPC_DATA:
        own->credit--;
        return;
    case DSG_IPC_END:
    case DSG_IPC_ABORT:
        own->sending = 0;
        return;
    case DSG_IPC_CREDIT:
        peer->credit += dsg_ipc_get_u32(pl);
        return;
    case DSG_IPC_STREAM_CLOSE:
        peer->receiving = 0;
        return;
    default:
        break;
    }
    const dsg_ipc_rule *r = &dsg_ipc_rules[t];
    uint8_t next = r->next;
    if (next < DSG_IPC_STATE_COUNT) {   /* the new state, both streams cleared */
        dsg_ipc_channel fresh = { next, { { 0, 0, 0 }, { 0, 0, 0 } } };
        *ch = fresh;
    }
}

dsg_ipc_status dsg_ipc_decode(dsg_ipc_channel *ch, dsg_ipc_peer from,
                              const uint8_t *buf, size_t len,
                              dsg_ipc_frame *out, size_t *eaten)
{
    *eaten = 0;
    dsg_ipc_status st = decide(ch, from, buf, len, out);
    if (st != DSG_IPC_OK)
        return st;
    apply(ch, from, out->type, out->payload);
    *eaten = DSG_IPC_HEADER_SIZE + out->length;
    return DSG_IPC_OK;
}

/* Index = status; the last row answers any value outside the enum. */
static const char status_tokens[DSG_IPC_ERR_CREDIT_OVERFLOW + 2][16] = {
    "ok", "need-more", "bad-channel", "bad-peer", "bad-flags", "unknown-type",
    "wrong-size", "wrong-sender", "closed", "wrong-state", "no-credit",
    "credit-overflow", "unknown",
};

const char *dsg_ipc_status_token(dsg_ipc_status status)
{
    unsigned i = (unsigned)status;
    unsigned known = (unsigned)BIT(i <= (unsigned)DSG_IPC_ERR_CREDIT_OVERFLOW);
    /* i when known, else the last row (a product instead of a branch) */
    return status_tokens[known * i + (1u - known) * ((unsigned)DSG_IPC_ERR_CREDIT_OVERFLOW + 1u)];
}
