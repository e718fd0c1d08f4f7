/*
 * IPC frames between the master and a worker (REQ-RUN-026, the frame-checking
 * core of REQ-RUN-007): a decoder that accepts only exact, allowed frames and
 * keeps the channel's state, including stream credit.
 *
 * Wire format: a 12-byte little-endian header, then `length` payload bytes.
 *
 *   offset 0  u16 type        one of dsg_ipc_type
 *   offset 2  u16 flags       must be 0 (reserved)
 *   offset 4  u32 length      payload bytes: the exact size of the type
 *   offset 8  u32 request_id  chosen by the sender, echoed in replies
 *
 * Payloads (little-endian; sender; state it needs -> state after):
 *   HELLO         8  u32 protocol version, u32 role      worker; HANDSHAKE -> HELLO
 *   WELCOME       8  u32 protocol version, u32 config gen master; HELLO -> READY
 *   PING, PONG    8  nonce                               either; READY
 *   SECCOMP_KILL  8  u32 syscall number, u32 audit arch  worker; any -> CLOSED
 *   SHUTDOWN      0                                      master; any but CLOSED -> CLOSED
 *   STREAM_OPEN  16  u64 total length (all ones: unknown), u32 kind,
 *                    u32 initial credit <= DSG_IPC_CREDIT_MAX   either; READY
 *   DATA   1..65536  stream bytes; takes one credit      the stream's sender
 *   CREDIT        4  u32 DATA frames granted             the stream's receiver
 *   END           0  the sender has sent everything      the stream's sender
 *   ABORT         4  u32 reason; the sender gives up     the stream's sender
 *   STREAM_CLOSE  4  u32 reason (0: all received); the receiver is done
 *                                                        the stream's receiver
 *
 * One channel is one socketpair between the master and a worker, seen from
 * one end. Both the frames an end receives and the frames it is about to
 * send go through dsg_ipc_decode (from = the sender), so an end never sends
 * what its peer will refuse, and both ends keep the same state.
 *
 * Streams: each peer may have one stream open at a time towards the other
 * (one per direction; both directions may stream at once). A stream is
 * closed by both of its ends, each by its own frame: the sender with END or
 * ABORT, the receiver with STREAM_CLOSE (after END or ABORT, or earlier to
 * cancel). The slot can be reopened only once both have. Because each end
 * only ever waits for frames the other sent *before* its own closing frame,
 * no frame crossing on the wire is ever refused: a CREDIT sent before the
 * receiver saw END, and DATA sent before the sender saw STREAM_CLOSE (still
 * within credit), are accepted. Credit bounds what a receiver must buffer:
 * at most DSG_IPC_CREDIT_MAX DATA frames of at most DSG_IPC_PAYLOAD_MAX bytes.
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no globals
 * other than the constant rules table.
 */
#ifndef DSG_IPC_FRAME_H
#define DSG_IPC_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define DSG_IPC_HEADER_SIZE 12u
#define DSG_IPC_PAYLOAD_MAX 65536u  /* no frame carries more: DATA's maximum */
/* DATA frames a receiver may have granted and not yet received: 4 MiB of
 * buffering per stream at most. A protocol constant, not a policy number. */
#define DSG_IPC_CREDIT_MAX 64u
#define DSG_IPC_VERSION 1u          /* the protocol version HELLO and WELCOME carry */
#define DSG_IPC_TOTAL_UNKNOWN UINT64_MAX /* STREAM_OPEN: total length not known */
#define DSG_IPC_TYPE_COUNT 13u      /* rows of dsg_ipc_rules: 0 is never a type */
#define DSG_IPC_STATE_COUNT 4u
#define DSG_IPC_STATE_SAME 0xFFu    /* dsg_ipc_rule.next: the state does not change */

/* The peer that sent a frame. */
typedef enum dsg_ipc_peer {
    DSG_IPC_PEER_MASTER = 0,
    DSG_IPC_PEER_WORKER = 1
} dsg_ipc_peer;

typedef enum dsg_ipc_state {
    DSG_IPC_STATE_HANDSHAKE = 0,  /* waiting for the worker's HELLO */
    DSG_IPC_STATE_HELLO = 1,      /* HELLO seen, waiting for the master's WELCOME */
    DSG_IPC_STATE_READY = 2,      /* requests, replies and streams */
    DSG_IPC_STATE_CLOSED = 3      /* after SHUTDOWN or SECCOMP_KILL */
} dsg_ipc_state;

typedef enum dsg_ipc_type {
    DSG_IPC_HELLO = 1,
    DSG_IPC_WELCOME = 2,
    DSG_IPC_PING = 3,
    DSG_IPC_PONG = 4,
    DSG_IPC_SECCOMP_KILL = 5,
    DSG_IPC_SHUTDOWN = 6,
    DSG_IPC_STREAM_OPEN = 7,
    DSG_IPC_DATA = 8,
    DSG_IPC_CREDIT = 9,
    DSG_IPC_END = 10,
    DSG_IPC_ABORT = 11,
    DSG_IPC_STREAM_CLOSE = 12
} dsg_ipc_type;

/* What dsg_ipc_decode says, in the order it decides (see its behaviors). */
typedef enum dsg_ipc_status {
    DSG_IPC_OK = 0,                  /* "ok": accepted, the channel advanced */
    DSG_IPC_NEED_MORE = 1,           /* "need-more": incomplete; nothing consumed */
    DSG_IPC_ERR_CHANNEL = 2,         /* "bad-channel": the channel struct is malformed */
    DSG_IPC_ERR_PEER = 3,            /* "bad-peer": the sender is neither master nor worker */
    DSG_IPC_ERR_FLAGS = 4,           /* "bad-flags": reserved flags are not 0 */
    DSG_IPC_ERR_TYPE = 5,            /* "unknown-type" */
    DSG_IPC_ERR_SIZE = 6,            /* "wrong-size": length is not the type's size */
    DSG_IPC_ERR_SENDER = 7,          /* "wrong-sender": this peer never sends this type */
    DSG_IPC_ERR_CLOSED = 8,          /* "closed": the channel takes nothing more */
    DSG_IPC_ERR_STATE = 9,           /* "wrong-state": not in this state or stream phase */
    DSG_IPC_ERR_NO_CREDIT = 10,      /* "no-credit": DATA beyond the credit granted */
    DSG_IPC_ERR_CREDIT_OVERFLOW = 11 /* "credit-overflow": credit above DSG_IPC_CREDIT_MAX */
} dsg_ipc_status;

/* One row of the rules table, indexed by type. */
typedef struct dsg_ipc_rule {
    uint32_t min_len;      /* payload bytes, at least */
    uint32_t max_len;      /* payload bytes, at most (== min_len but for DATA) */
    uint8_t from[2];       /* [peer]: 1 if that peer may send it */
    uint8_t in_state[DSG_IPC_STATE_COUNT]; /* [state]: 1 if accepted in that state */
    uint8_t next;          /* the state afterwards, or DSG_IPC_STATE_SAME */
} dsg_ipc_rule;

/* The stream one peer sends to the other. */
typedef struct dsg_ipc_stream {
    uint8_t sending;       /* 1 from STREAM_OPEN until the sender's END or ABORT */
    uint8_t receiving;     /* 1 from STREAM_OPEN until the receiver's STREAM_CLOSE */
    uint32_t credit;       /* DATA frames the sender may still send */
} dsg_ipc_stream;

typedef struct dsg_ipc_channel {
    uint32_t state;              /* a dsg_ipc_state */
    dsg_ipc_stream stream[2];    /* [peer]: the stream that peer sends */
} dsg_ipc_channel;

/* An accepted frame; payload points into the decoded buffer. */
typedef struct dsg_ipc_frame {
    uint16_t type;
    uint32_t length;             /* payload bytes */
    uint32_t request_id;
    const uint8_t *payload;      /* buf + DSG_IPC_HEADER_SIZE */
} dsg_ipc_frame;

/* The message list: payload sizes, senders, states, next state per type. */
extern const dsg_ipc_rule dsg_ipc_rules[DSG_IPC_TYPE_COUNT];

#include "acsl/ipc_frame.acsl.h"

/* The C twin of dsg_ipc_channel_ok. @relation(REQ-RUN-026) */
/*@ requires \valid_read(ch);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ipc_channel_ok(ch);
*/
__attribute__((warn_unused_result))
int dsg_ipc_channel_is_valid(const dsg_ipc_channel *ch);

/* A new channel: HANDSHAKE, no stream. @relation(REQ-RUN-026) */
/*@ requires \valid(ch);
    assigns *ch;
    ensures dsg_ipc_channel_ok(ch);
    ensures ch->state == DSG_IPC_STATE_HANDSHAKE;
    ensures dsg_ipc_stream_reset(&ch->stream[0]) && dsg_ipc_stream_reset(&ch->stream[1]);
*/
void dsg_ipc_channel_init(dsg_ipc_channel *ch);

/* Little-endian payload words (a u64 is written as two u32, low first).
 * @relation(REQ-RUN-026) */
/*@ requires \valid_read(p + (0 .. 3));
    assigns \nothing;
    ensures \result == dsg_ipc_le32(p);
*/
__attribute__((warn_unused_result))
uint32_t dsg_ipc_get_u32(const uint8_t *p);

/* @relation(REQ-RUN-026) */
/*@ requires \valid_read(p + (0 .. 7));
    assigns \nothing;
    ensures \result == dsg_ipc_le64(p);
*/
__attribute__((warn_unused_result))
uint64_t dsg_ipc_get_u64(const uint8_t *p);

/* @relation(REQ-RUN-026) */
/*@ requires \valid(p + (0 .. 3));
    assigns p[0 .. 3];
    ensures dsg_ipc_le32(p) == v;
*/
void dsg_ipc_put_u32(uint8_t *p, uint32_t v);

/* Writes a header (flags 0) into out[0..12): dsg_ipc_decode reads back the
 * same type, length and request id. Whether the frame is allowed is
 * dsg_ipc_decode's to say: run the whole frame through it (from = the
 * sender) before sending. @relation(REQ-RUN-026) */
/*@ requires \valid(out + (0 .. DSG_IPC_HEADER_SIZE - 1));
    assigns out[0 .. DSG_IPC_HEADER_SIZE - 1];
    ensures dsg_ipc_hdr_type(out) == type;
    ensures dsg_ipc_hdr_flags(out) == 0;
    ensures dsg_ipc_hdr_length(out) == length;
    ensures dsg_ipc_hdr_id(out) == request_id;
*/
void dsg_ipc_encode_header(uint8_t *out, uint16_t type, uint32_t length,
                           uint32_t request_id);

/* Decodes the frame at the start of buf[0..len) sent by `from`, checks it
 * against the rules table and the channel, and on acceptance advances the
 * channel. Returns DSG_IPC_OK with *out and *eaten (the frame's size: the
 * caller drops that many bytes), DSG_IPC_NEED_MORE while the frame is
 * incomplete, or the error of the first rule broken. Nothing is consumed and
 * neither *ch nor *out is written unless the frame is accepted; on an error
 * the caller closes the channel (REQ-RUN-007). Incomplete frames are judged
 * on their header first, so a frame that can never be accepted is refused
 * before its payload is waited for. @relation(REQ-RUN-026) */
/*@ requires \valid(ch) && \valid(out) && \valid(eaten);
    requires \valid_read(buf + (0 .. len - 1));
    requires \separated(ch, out, eaten);
    requires \separated(buf + (0 .. len - 1), ch, out, eaten);
    requires \separated(dsg_ipc_rules + (0 .. DSG_IPC_TYPE_COUNT - 1),
                        ch, out, eaten, buf + (0 .. len - 1));
    assigns *ch, *out, *eaten;
    ensures \result == DSG_IPC_OK || \result == DSG_IPC_NEED_MORE ||
            \result == DSG_IPC_ERR_CHANNEL || \result == DSG_IPC_ERR_PEER ||
            \result == DSG_IPC_ERR_FLAGS || \result == DSG_IPC_ERR_TYPE ||
            \result == DSG_IPC_ERR_SIZE || \result == DSG_IPC_ERR_SENDER ||
            \result == DSG_IPC_ERR_CLOSED || \result == DSG_IPC_ERR_STATE ||
            \result == DSG_IPC_ERR_NO_CREDIT || \result == DSG_IPC_ERR_CREDIT_OVERFLOW;
    ensures \result != DSG_IPC_OK ==> *eaten == 0;
    ensures \result != DSG_IPC_OK ==> dsg_ipc_channel_same{Pre,Post}(ch);
    ensures \result != DSG_IPC_OK ==> dsg_ipc_frame_same{Pre,Post}(out);
    ensures \result == DSG_IPC_OK ==> DSG_IPC_HEADER_SIZE <= *eaten <= len;
    ensures \result == DSG_IPC_OK ==> \old(dsg_ipc_accepts(ch, from, buf, len));
    ensures \result == DSG_IPC_OK && out->type == DSG_IPC_DATA ==>
              \old(ch->stream[from].credit) >= 1 &&
              ch->stream[from].credit == \old(ch->stream[from].credit) - 1;
    behavior bad_channel:
      assumes !dsg_ipc_channel_ok(ch);
      ensures \result == DSG_IPC_ERR_CHANNEL;
    behavior bad_peer:
      assumes dsg_ipc_channel_ok(ch) && !dsg_ipc_peer_ok(from);
      ensures \result == DSG_IPC_ERR_PEER;
    behavior short_header:
      assumes dsg_ipc_channel_ok(ch) && dsg_ipc_peer_ok(from);
      assumes len < DSG_IPC_HEADER_SIZE;
      ensures \result == DSG_IPC_NEED_MORE;
    behavior bad_flags:
      assumes dsg_ipc_header_in(ch, from, len) && dsg_ipc_hdr_flags(buf) != 0;
      ensures \result == DSG_IPC_ERR_FLAGS;
    behavior unknown_type:
      assumes dsg_ipc_header_in(ch, from, len) && dsg_ipc_hdr_flags(buf) == 0;
      assumes !dsg_ipc_type_known(dsg_ipc_hdr_type(buf));
      ensures \result == DSG_IPC_ERR_TYPE;
    behavior wrong_size:
      assumes dsg_ipc_header_in(ch, from, len) && dsg_ipc_hdr_flags(buf) == 0;
      assumes dsg_ipc_type_known(dsg_ipc_hdr_type(buf));
      assumes !dsg_ipc_size_ok(dsg_ipc_hdr_type(buf), dsg_ipc_hdr_length(buf));
      ensures \result == DSG_IPC_ERR_SIZE;
    behavior wrong_sender:
      assumes dsg_ipc_header_ok(ch, from, buf, len);
      assumes !dsg_ipc_sender_ok(dsg_ipc_hdr_type(buf), from);
      ensures \result == DSG_IPC_ERR_SENDER;
    behavior closed:
      assumes dsg_ipc_header_ok(ch, from, buf, len);
      assumes dsg_ipc_sender_ok(dsg_ipc_hdr_type(buf), from);
      assumes dsg_ipc_closed_for(ch, dsg_ipc_hdr_type(buf));
      ensures \result == DSG_IPC_ERR_CLOSED;
    behavior wrong_state:
      assumes dsg_ipc_header_ok(ch, from, buf, len);
      assumes dsg_ipc_sender_ok(dsg_ipc_hdr_type(buf), from);
      assumes !dsg_ipc_closed_for(ch, dsg_ipc_hdr_type(buf));
      assumes !dsg_ipc_state_ok(ch, dsg_ipc_hdr_type(buf), from);
      ensures \result == DSG_IPC_ERR_STATE;
    behavior no_credit:
      assumes dsg_ipc_header_ok(ch, from, buf, len);
      assumes dsg_ipc_sender_ok(dsg_ipc_hdr_type(buf), from);
      assumes !dsg_ipc_closed_for(ch, dsg_ipc_hdr_type(buf));
      assumes dsg_ipc_state_ok(ch, dsg_ipc_hdr_type(buf), from);
      assumes !dsg_ipc_credit_left(ch, dsg_ipc_hdr_type(buf), from);
      ensures \result == DSG_IPC_ERR_NO_CREDIT;
    behavior short_payload:
      assumes dsg_ipc_allowed(ch, from, buf, len);
      assumes len - DSG_IPC_HEADER_SIZE < dsg_ipc_hdr_length(buf);
      ensures \result == DSG_IPC_NEED_MORE;
    behavior credit_overflow:
      assumes dsg_ipc_complete(ch, from, buf, len);
      assumes !dsg_ipc_credit_fits(ch, dsg_ipc_hdr_type(buf), from,
                                   buf + DSG_IPC_HEADER_SIZE);
      ensures \result == DSG_IPC_ERR_CREDIT_OVERFLOW;
    behavior accepted:
      assumes dsg_ipc_accepts(ch, from, buf, len);
      ensures \result == DSG_IPC_OK;
      ensures out->type == \old(dsg_ipc_hdr_type(buf));
      ensures out->length == \old(dsg_ipc_hdr_length(buf));
      ensures out->request_id == \old(dsg_ipc_hdr_id(buf));
      ensures out->payload == buf + DSG_IPC_HEADER_SIZE;
      ensures *eaten == DSG_IPC_HEADER_SIZE + out->length;
      ensures out->length <= DSG_IPC_PAYLOAD_MAX;
      ensures \old(dsg_ipc_size_ok(dsg_ipc_hdr_type(buf), dsg_ipc_hdr_length(buf)));
      ensures \old(dsg_ipc_sender_ok(dsg_ipc_hdr_type(buf), from));
      ensures \old(dsg_ipc_state_ok(ch, dsg_ipc_hdr_type(buf), from));
      ensures dsg_ipc_stepped{Pre,Post}(ch, from, \old(dsg_ipc_hdr_type(buf)),
                                        buf + DSG_IPC_HEADER_SIZE);
      ensures dsg_ipc_channel_ok(ch);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_ipc_status dsg_ipc_decode(dsg_ipc_channel *ch, dsg_ipc_peer from,
                              const uint8_t *buf, size_t len,
                              dsg_ipc_frame *out, size_t *eaten);

/* A stable, lowercase token for a status, e.g. "wrong-size".
 * @relation(REQ-RUN-026) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_ipc_status_token(dsg_ipc_status status);

#endif
