/*
 * The role side of HTTP exchanges (REQ-RUN-017, REQ-RUN-013): a role that
 * serves routes registers them once WELCOMEd, then gets each request as a
 * head, its body in pieces and an end, through the callbacks of a
 * dsgd_role_http, and answers with a status and a JSON body. Pieces arrive
 * as the client sends them, at most one bus window at a time: a role that
 * handles each piece before returning keeps its memory flat for a body of
 * any size.
 */
#ifndef DSGD_ROLE_HTTP_H
#define DSGD_ROLE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "run/bus.h"
#include "run/exchange.h"

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

/* Answers exchange id: sent now or when the bus has room. 0, or -1 when
 * the status or body is not one an answer may have, or too many answers
 * wait. @relation(REQ-RUN-017) */
int dsgd_role_http_answer(uint32_t id, int status, const uint8_t *json, size_t len);

/* Sends answers that waited for room. @relation(REQ-RUN-017) */
void dsgd_role_http_flush(void);

#endif
