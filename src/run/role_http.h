/*
 * The role side of HTTP exchanges (REQ-RUN-017, REQ-RUN-013): a role that
 * serves routes registers them once WELCOMEd, then gets each request as a
 * head, its body in pieces and an end, through the callbacks of a
 * dsgd_role_http, and answers with a status and a JSON body. Pieces arrive
 * as the client sends them, at most one bus window at a time: a role that
 * handles each piece before returning keeps its memory flat for a body of
 * any size.
 *
 * Fail-closed (REQ-LOG-008): an operation that must be recorded records
 * with a ticket (dsgd_audit_out_add_ticket) and answers with
 * dsgd_role_http_answer_recorded: the answer is held, without blocking the
 * role, until logd has stored the record, and becomes 503
 * `audit-unavailable` when the master says it was not stored in time
 * (log.ack_timeout) or was refused.
 */
#ifndef DSGD_ROLE_HTTP_H
#define DSGD_ROLE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "run/bus.h"
#include "run/exchange.h"

#define DSGD_ROLE_HTTP_HELD_MAX 32u   /* answers held for their audit record at once */
#define DSGD_ROLE_HTTP_STREAMS_MAX 16u   /* streamed answers at once */
#define DSGD_ROLE_HTTP_PAGES_MAX 8u      /* pages being sent at once */
#define DSGD_ROLE_HTTP_PAGE_MAX 262144u  /* bytes of one page */

/* A page of the web portal (REQ-SHARE-022): its status (303: to location),
 * content type, what the portal does to the session cookie (NULL:
 * nothing), location ("" or NULL: none; else a path "/..."), and bytes. */
typedef struct dsgd_role_page {
    int status;
    const char *type;
    const dsgd_xch_cookie *cookie;
    const char *location;
    const uint8_t *body;
    size_t len;                           /* 0 .. DSGD_ROLE_HTTP_PAGE_MAX */
    uint8_t lang;                         /* DSGD_XCH_LANG_*: the language cookie */
} dsgd_role_page;

typedef struct dsgd_role_http {
    const dsgd_route *routes;
    size_t n_routes;
    /* A request's head; the role keeps what it needs (the pointers die on
     * return). 0, or an HTTP status to answer at once with `error`. */
    int (*request)(const dsgd_xch_request *r);
    /* A piece of the body of exchange id. */
    void (*body)(uint32_t id, const uint8_t *p, size_t len);
    /* The body is complete (then the role answers) or abandoned (it forgets
     * the exchange; an answer would be ignored). */
    void (*end)(uint32_t id, int complete);
    /* The portal went away: every exchange is abandoned. */
    void (*portal_gone)(void);
    /* A streamed answer of exchange id may send its next piece: the role
     * calls dsgd_role_http_data once, or dsgd_role_http_done. NULL for a
     * role that streams nothing. */
    void (*more)(uint32_t id);
    /* The auth role's answer to dsgd_role_http_who. NULL for a role that
     * asks nothing. */
    void (*who)(const dsgd_xch_who_is *w);
} dsgd_role_http;

/* Sends the role's routes on chan. 0, or -1. @relation(REQ-RUN-017) */
int dsgd_role_http_start(const dsgd_role_http *h, dsgd_chan *chan);

/* A message from the master; 0 when it is an exchange's (handled, credit
 * given back), -1 when it is not or is malformed. @relation(REQ-RUN-017) */
int dsgd_role_http_message(const dsgd_msg *m);

/* Answers exchange id, with what the portal does to the client's session
 * cookie (NULL: nothing): sent now or when the bus has room. 0, or -1 when
 * the status, cookie directive or body is not one an answer may have, or
 * too many answers wait. @relation(REQ-RUN-017, REQ-ACCT-014) */
int dsgd_role_http_answer(uint32_t id, int status, const dsgd_xch_cookie *cookie,
                          const uint8_t *json, size_t len);

/* Answers exchange id as dsgd_role_http_answer does, but only once the
 * audit record of ticket is stored: held until then (the role's loop goes
 * on), or answered 503 `audit-unavailable` instead when the record is not
 * stored (late past log.ack_timeout, refused, lost or dropped), or at once
 * when DSGD_ROLE_HTTP_HELD_MAX answers are held already. The 503 carries no
 * cookie directive: the operation did not happen. 0, or -1 when the
 * status, cookie directive or body is not one an answer may have, or too
 * many answers wait for room. @relation(REQ-LOG-008, REQ-ACCT-014) */
int dsgd_role_http_answer_recorded(uint32_t id, uint32_t ticket, int status,
                                   const dsgd_xch_cookie *cookie, const uint8_t *json,
                                   size_t len);

/* Starts answering exchange s->id in pieces (a download, REQ-STOR-013)
 * once the audit record of ticket is stored, as
 * dsgd_role_http_answer_recorded does: the head goes to the portal, and
 * the handler's `more` is called each time a piece may follow. An
 * unstored record, or too many streams or held answers, answers 503
 * `audit-unavailable` instead: no piece is asked for and the handler's
 * `end` hears the exchange is over, not complete (REQ-SHARE-019). 0, or
 * -1 when the head is not one a STREAM may carry (nothing sent).
 * @relation(REQ-RUN-013, REQ-LOG-008) */
int dsgd_role_http_stream_recorded(uint32_t ticket, const dsgd_xch_stream *s);

/* Answers exchange id with page p: the body is copied and sent in pieces
 * as the portal asks for them, with no help from the handler (a stream
 * whose `more` and `end` the handler never hears of). 0, or -1 when the
 * page is not one a STREAM may carry or is too long, or every page slot
 * is busy (nothing sent: the caller answers otherwise).
 * @relation(REQ-SHARE-022, REQ-RUN-013) */
int dsgd_role_http_page(uint32_t id, const dsgd_role_page *p);

/* dsgd_role_http_page once the audit record of ticket is stored, as
 * dsgd_role_http_answer_recorded does (503 `audit-unavailable` when it is
 * not). @relation(REQ-SHARE-022, REQ-LOG-008) */
int dsgd_role_http_page_recorded(uint32_t id, uint32_t ticket, const dsgd_role_page *p);

/* The next piece (1 .. DSGD_XCH_DATA_MAX bytes) of stream id, from the
 * handler's `more`. 0, or -1 when the stream may not send now.
 * @relation(REQ-RUN-013) */
int dsgd_role_http_data(uint32_t id, const uint8_t *p, size_t len);

/* Ends stream id: complete (every byte of its length sent) or aborted (a
 * segment failed to verify: the client must see the content incomplete,
 * REQ-STOR-005). 0, or -1. @relation(REQ-RUN-013, REQ-STOR-005) */
int dsgd_role_http_done(uint32_t id, int complete);

/* Asks the auth role whose the session token of a request is (the
 * client's address addr, for the account's networks): the answer comes to
 * the handler's `who` with the same qid. 0, or -1 when the question is
 * malformed (no token, an address too long) or too many messages wait.
 * @relation(REQ-ACCT-014) */
int dsgd_role_http_who(uint32_t qid, const char *addr, size_t addr_len, const uint8_t *token,
                       size_t token_len);

/* Sends a message of kind for the other side of exchanges (WHO_IS), now
 * or, in order with the answers, when the bus has room. 0, or -1 when it
 * is too long or too many messages wait. @relation(REQ-ACCT-014) */
int dsgd_role_http_queue(uint8_t kind, const uint8_t *m, size_t len);

/* Sends answers that waited for room, and held answers whose record's
 * fate is known (after an audit acknowledgement: the worker's loop calls
 * it after every batch of the master's frames). @relation(REQ-RUN-017, REQ-LOG-008) */
void dsgd_role_http_flush(void);

#endif
