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

/* Sends answers that waited for room, and held answers whose record's
 * fate is known (after an audit acknowledgement: the worker's loop calls
 * it after every batch of the master's frames). @relation(REQ-RUN-017, REQ-LOG-008) */
void dsgd_role_http_flush(void);

#endif
