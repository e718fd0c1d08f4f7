/*
 * The message bus between the master and a worker, over the IPC frames of
 * src/core/ipc_frame (REQ-RUN-049): once READY, each end opens one stream
 * of kind DSGD_BUS_STREAM towards the other and keeps it for the life of
 * the channel; every DATA frame of it is one message, its first byte the
 * message kind, the rest the body. Credit is per message: an end may have
 * at most DSGD_BUS_WINDOW messages unanswered by a CREDIT, and gives one
 * back when it has finished with a message (for a message it passes on, when
 * the next hop has finished with it), so no end buffers more than the
 * window, whatever the other sends.
 */
#ifndef DSGD_BUS_H
#define DSGD_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "run/channel.h"

#define DSGD_BUS_STREAM 1u                          /* STREAM_OPEN kind */
#define DSGD_BUS_WINDOW 8u                          /* messages in flight per direction */
#define DSGD_BUS_BODY_MAX (DSG_IPC_PAYLOAD_MAX - 1u)

/* Message kinds. */
enum {
    DSGD_MSG_CTL_REQUEST = 1,   /* ctl -> master: a dsgctl command line */
    DSGD_MSG_CTL_ANSWER = 2,    /* master -> ctl: u8 exit status, then the output */
    DSGD_MSG_AUDIT = 3,         /* a role -> master -> logd: audit records */
    DSGD_MSG_LOG_VERIFY = 4,    /* master -> logd: verify the store (no body) */
    DSGD_MSG_ROLE_REPORT = 5,   /* a role -> master: u8 exit status, then the report on
                                 * the command it was given (LOG_VERIFY, ROLE_COMMAND) */
    /* HTTP exchanges (run/exchange.h) */
    DSGD_MSG_HTTP_ROUTES = 6,   /* a role -> master -> portal: the routes it serves */
    DSGD_MSG_HTTP_REQUEST = 7,  /* portal -> master -> role: a request's head */
    DSGD_MSG_HTTP_BODY = 8,     /* portal -> master -> role: a piece of its body */
    DSGD_MSG_HTTP_END = 9,      /* portal -> master -> role: the body is over */
    DSGD_MSG_HTTP_ANSWER = 10,  /* role -> master -> portal: the answer */
    DSGD_MSG_GONE = 11,         /* master -> portal or role: a peer role went away */
    /* streamed control answers */
    DSGD_MSG_ROLE_COMMAND = 12, /* master -> a role: a dsgctl line the role parses
                                 * (`log prune|export` to logd, `account ...` to auth) */
    DSGD_MSG_ROLE_PART = 13,    /* the role -> master: a piece of a streamed answer */
    DSGD_MSG_CTL_PART = 14,     /* master -> ctl: the same piece, on to the client */
    /* audit acknowledgements (REQ-LOG-008) */
    DSGD_MSG_AUDIT_ACK = 15,    /* master -> a role: what became of one of its AUDIT
                                 * messages: u32 its number (the role's AUDIT messages
                                 * of this run, counted from 1), u8 DSGD_AUDIT_ACK_* */
    DSGD_MSG_AUDIT_UNSTORED = 16, /* logd -> master, no body, just before the CREDIT of an
                                   * AUDIT message not wholly committed (a refused record,
                                   * a failed transaction: disk full, key unavailable) */
    /* forwarding the audit trail to collectors (run/fwd_wire.h, REQ-LOG-047) */
    DSGD_MSG_FWD_BATCH = 17,    /* logd -> master -> logfwd: a piece of a collector's stream */
    DSGD_MSG_FWD_ACK = 18,      /* logfwd -> master -> logd: a batch was delivered */
    DSGD_MSG_FWD_STATE = 19,    /* logfwd -> master -> logd: a connection is up or down
                                 * (the master passes its own copy on to logd) */
    /* a clean stop (REQ-LOG-043, run/audit_out.h) */
    DSGD_MSG_DRAIN = 20,        /* master -> a role, no body: dsgd stops, hand over the
                                 * audit records you hold */
    DSGD_MSG_DRAINED = 21,      /* role -> master, no body: every record queued before
                                 * DRAIN went out in the AUDIT messages before this one */
    /* streamed HTTP answers: downloads (run/exchange.h, REQ-RUN-013) */
    DSGD_MSG_HTTP_STREAM = 22,  /* role -> master -> portal: a streamed answer's head */
    DSGD_MSG_HTTP_DATA = 23,    /* role -> master -> portal: a piece of its content */
    DSGD_MSG_HTTP_DONE = 24,    /* role -> master -> portal: its content is complete, or
                                 * aborted (the client must see it incomplete) */
    DSGD_MSG_HTTP_MORE = 25,    /* portal -> master -> role: send n more pieces */
    /* who holds a session (run/exchange.h, REQ-ACCT-014) */
    DSGD_MSG_WHO_ASK = 26,      /* a role -> master -> auth: whose is this session token */
    DSGD_MSG_WHO_IS = 27,       /* auth -> master -> the asking role: the answer */
    DSGD_MSG_SESSIONS_END = 28, /* share -> master -> auth: an account's or an
                                 * organisation's rights were reduced: end the sessions
                                 * (run/exchange.h, REQ-ACCT-010) */
    /* an item's access history (REQ-SHARE-017) */
    DSGD_MSG_HISTORY_ASK = 29,  /* share -> master: "ITEM SINCE UNTIL" (run/exchange.h), which
                                 * the master turns into logd's `log export` of the item */
    DSGD_MSG_HISTORY_PART = 30, /* master -> share: a piece of logd's answer (its ROLE_PART) */
    DSGD_MSG_HISTORY_END = 31,  /* master -> share: u8 exit status (0: complete), then text */
    DSGD_MSG_BACKUP = 32,       /* master -> a storage role: the backup's ID; copy your
                                 * data into the pipe passed on fd 4 (run/role_backup.h,
                                 * REQ-BKUP-002) */
    DSGD_MSG_BACKUP_DONE = 33,  /* the role -> master: u8 status (0 copied, 1 failed),
                                 * then the summary or the reason */
    DSGD_MSG_BACKUP_VERIFIED = 34   /* master -> logd: the ID of a backup that verified: its
                                     * copy of the trail counts for pruning (REQ-BKUP-010) */
};

/* DSGD_MSG_AUDIT_ACK results (REQ-LOG-008). */
enum {
    DSGD_AUDIT_ACK_STORED = 0,   /* logd committed it */
    DSGD_AUDIT_ACK_LOST = 1,     /* logd stopped before confirming it */
    DSGD_AUDIT_ACK_LATE = 2,     /* not confirmed within log.ack_timeout (a STORED may follow) */
    DSGD_AUDIT_ACK_REFUSED = 3   /* logd could not store it (DSGD_MSG_AUDIT_UNSTORED) */
};
#define DSGD_AUDIT_ACK_LEN 5u

/* A streamed answer (`dsgctl log export`): the role sends ROLE_PART
 * messages, each only once the one before has been written to the client
 * (the master gives the role its credit back when ctl gives the master
 * its), then
 * the ROLE_REPORT that ends it; nothing on the way holds more than one
 * piece. */

/* One message received: kind and body[0 .. len). */
typedef struct dsgd_msg {
    uint8_t kind;
    const uint8_t *body;
    size_t len;
} dsgd_msg;

/* Opens this end's bus stream (after WELCOME). 0, or -1. @relation(REQ-RUN-049) */
__attribute__((warn_unused_result))
int dsgd_bus_open(dsgd_chan *c);

/* Messages this end may still send now. @relation(REQ-RUN-049) */
uint32_t dsgd_bus_room(const dsgd_chan *c);

/* Sends one message: 0; 1 when the window is full (nothing sent; try again
 * after the peer's CREDIT); -1 on a bad kind, a body over
 * DSGD_BUS_BODY_MAX or a failed write. @relation(REQ-RUN-049) */
__attribute__((warn_unused_result))
int dsgd_bus_send(dsgd_chan *c, uint8_t kind, const uint8_t *body, size_t len);

/* Gives the peer back n messages of its window. 0, or -1. @relation(REQ-RUN-049) */
__attribute__((warn_unused_result))
int dsgd_bus_done(dsgd_chan *c, uint32_t n);

/* Takes a stream frame from the peer: 1 and *m for a message; 0 for the
 * bus's own frames (the peer's STREAM_OPEN, a CREDIT); -1 for anything
 * else (another stream kind, END, ABORT, STREAM_CLOSE, an empty message),
 * after which the channel is to be closed. @relation(REQ-RUN-049) */
__attribute__((warn_unused_result))
int dsgd_bus_receive(const dsgd_chan *c, const dsg_ipc_frame *f, dsgd_msg *m);

#endif
