/*
 * Forwarding the audit trail to collectors (REQ-LOG-010, REQ-LOG-047,
 * REQ-RUN-053; docs/audit.md "Forwarding"): the pure pieces that logd, the
 * master and the logfwd role share, so that each reads them the same way.
 *
 *   targets   the value of log.forward: up to DSGD_FWD_MAX collectors,
 *             "[NAME@]ADDR:PORT" separated by commas or blanks; ADDR is a
 *             numeric IPv4 address or an IPv6 address in brackets, NAME
 *             (optional) the DNS name the collector's certificate must
 *             carry; without it the certificate must carry ADDR
 *   frames    RFC 5425 §4.3 octet counting: "MSG-LEN SP SYSLOG-MSG"; the
 *             head, and a checker that follows a stream of frames across
 *             any number of pieces (logfwd checks everything it sends)
 *   messages  the bodies of the bus messages of forwarding (run/bus.h):
 *     FWD_BATCH  logd -> master -> logfwd  u8 collector, u32 generation,
 *                                          u64 batch id, then 1 or more
 *                                          bytes of the collector's frame
 *                                          stream
 *     FWD_ACK    logfwd -> master -> logd  u8 collector, u32 generation,
 *                                          u64 batch id: that batch and
 *                                          every one before it on this
 *                                          connection were delivered
 *     FWD_STATE  logfwd -> master,         u8 collector, u32 generation,
 *                master -> logd            u8 1 (up: TLS established) or
 *                                          0 (down)
 *   handover  what the master sends with a connected socket on logfwd's
 *             fd 4 (SCM_RIGHTS): u8 collector, u32 generation
 *
 * Numbers are little-endian (src/core/ipc_frame.h). Every reader checks
 * the exact size, or for FWD_BATCH the header and a non-empty payload,
 * and the collector's index. No I/O, no allocation, no globals.
 */
#ifndef DSGD_FWD_WIRE_H
#define DSGD_FWD_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define DSGD_FWD_MAX 4u                  /* collectors in log.forward */
#define DSGD_FWD_TEXT_MAX 300u           /* bytes of one "[NAME@]ADDR:PORT" */
#define DSGD_FWD_HOST_MAX 253u           /* bytes of NAME (RFC 1035) */
#define DSGD_FWD_HEAD_MAX 21u            /* "MSG-LEN SP": 20 digits and a space */
#define DSGD_FWD_MSG_MAX (16u << 20)     /* the longest message the checker takes */
#define DSGD_FWD_BATCH_HEAD 13u          /* collector, generation, batch id */
#define DSGD_FWD_ACK_LEN 13u
#define DSGD_FWD_STATE_LEN 6u
#define DSGD_FWD_HANDOVER_LEN 5u

/* One collector of log.forward. */
typedef struct dsgd_fwd_target {
    char text[DSGD_FWD_TEXT_MAX + 1];    /* the entry as written: its name in logs and cursors */
    char host[DSGD_FWD_HOST_MAX + 1];    /* NAME, or "" (the certificate must carry the address) */
    char addr[48];                       /* ADDR without brackets, NUL-terminated */
    int v6;                              /* 1: IPv6, 0: IPv4 */
    uint8_t ip[16];                      /* the address, 4 or 16 bytes */
    uint16_t port;
} dsgd_fwd_target;

typedef struct dsgd_fwd_targets {
    unsigned n;
    dsgd_fwd_target t[DSGD_FWD_MAX];
} dsgd_fwd_targets;

/* Parses a log.forward value (empty or blank: no collector). 0, or -1
 * with the problem in why (a malformed entry, a port outside 1..65535,
 * more than DSGD_FWD_MAX entries, one named twice). @relation(REQ-LOG-047) */
__attribute__((warn_unused_result))
int dsgd_fwd_targets_parse(const char *list, dsgd_fwd_targets *out, char *why, size_t n);

/* Writes "MSG-LEN SP" for a message of msglen bytes (1..DSGD_FWD_MSG_MAX)
 * into out[0 .. DSGD_FWD_HEAD_MAX); returns its length, 0 for a length
 * outside that range. @relation(REQ-LOG-047) */
size_t dsgd_fwd_frame_head(uint8_t *out, size_t msglen);

/* Follows a stream of octet-counted frames. All zero: at the start. */
typedef struct dsgd_fwd_scan {
    uint8_t state;       /* 0: MSG-LEN, 1: the message's first byte, 2: the message */
    uint8_t digits;      /* of MSG-LEN so far */
    uint64_t left;       /* MSG-LEN, then the bytes of the message still to come */
    uint64_t frames;     /* frames completed */
} dsgd_fwd_scan;

/* Takes the next n bytes of the stream: 0, or -1 at the first byte that
 * breaks RFC 5425 framing (a MSG-LEN that is not NONZERO-DIGIT *DIGIT, or
 * over DSGD_FWD_MSG_MAX, not followed by SP) or a message that does not
 * start with '<' (its PRI); after -1 the scanner stays broken.
 * @relation(REQ-LOG-047) */
__attribute__((warn_unused_result))
int dsgd_fwd_scan_feed(dsgd_fwd_scan *s, const uint8_t *p, size_t n);

/* 1 when the stream so far ends exactly at a frame boundary. @relation(REQ-LOG-047) */
int dsgd_fwd_scan_idle(const dsgd_fwd_scan *s);

/* A FWD_BATCH's header into out[0 .. DSGD_FWD_BATCH_HEAD). @relation(REQ-LOG-047) */
void dsgd_fwd_batch_head(uint8_t *out, uint8_t coll, uint32_t gen, uint64_t id);

/* Reads a FWD_BATCH: 0 with its header and payload (pointing into body),
 * -1 when it is shorter than a header and one byte or names no collector.
 * @relation(REQ-LOG-047) */
__attribute__((warn_unused_result))
int dsgd_fwd_batch_get(const uint8_t *body, size_t len, uint8_t *coll, uint32_t *gen,
                       uint64_t *id, const uint8_t **data, size_t *dlen);

/* FWD_ACK. @relation(REQ-LOG-047) */
void dsgd_fwd_ack_put(uint8_t *out, uint8_t coll, uint32_t gen, uint64_t id);

/* 0, or -1 unless exactly DSGD_FWD_ACK_LEN bytes naming a collector.
 * @relation(REQ-LOG-047) */
__attribute__((warn_unused_result))
int dsgd_fwd_ack_get(const uint8_t *body, size_t len, uint8_t *coll, uint32_t *gen,
                     uint64_t *id);

/* FWD_STATE. @relation(REQ-LOG-047) */
void dsgd_fwd_state_put(uint8_t *out, uint8_t coll, uint32_t gen, int up);

/* 0, or -1 unless exactly DSGD_FWD_STATE_LEN bytes naming a collector,
 * with up 0 or 1. @relation(REQ-LOG-047) */
__attribute__((warn_unused_result))
int dsgd_fwd_state_get(const uint8_t *body, size_t len, uint8_t *coll, uint32_t *gen, int *up);

/* The handover datagram. @relation(REQ-RUN-053) */
void dsgd_fwd_handover_put(uint8_t *out, uint8_t coll, uint32_t gen);

/* 0, or -1 unless exactly DSGD_FWD_HANDOVER_LEN bytes naming a collector.
 * @relation(REQ-RUN-053) */
__attribute__((warn_unused_result))
int dsgd_fwd_handover_get(const uint8_t *body, size_t len, uint8_t *coll, uint32_t *gen);

#endif
