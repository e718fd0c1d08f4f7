/*
 * HTTP exchanges between the portal and the roles that serve routes
 * (REQ-RUN-017, REQ-RUN-013): the bodies of the bus messages that carry
 * them, encoded and checked here so that the portal, the master and every
 * role read them the same way.
 *
 *   ROUTES   role -> master -> portal  the routes the role serves; the master
 *                                      puts the role's number in front (the
 *                                      sender comes from the channel, never
 *                                      from the message)
 *   REQUEST  portal -> master -> role  one request's method, path, query,
 *                                      framing, client address, and the
 *                                      session credential the client
 *                                      presented (REQ-ACCT-014)
 *   BODY     portal -> master -> role  a piece of its body
 *   END      portal -> master -> role  the body is complete, or abandoned
 *   ANSWER   role -> master -> portal  status and JSON body of the answer,
 *                                      and what to do with the client's
 *                                      session cookie
 *   GONE     master -> portal or role  a peer role went away: its
 *                                      exchanges are over
 *
 * Portal-to-role messages start with the destination role's number, the
 * one byte the master reads to pass them on; it checks the number names a
 * role that registered routes. Numbers are big-endian.
 */
#ifndef DSGD_EXCHANGE_H
#define DSGD_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "run/bus.h"

#define DSGD_ROUTES_MAX 32u              /* routes one role may register */
#define DSGD_ROUTE_PATH_MAX 128u         /* bytes of a route's path */
#define DSGD_XCH_ADDR_MAX 47u            /* a client address as text */
#define DSGD_XCH_BODY_HEAD 5u            /* role number + exchange id */
#define DSGD_XCH_BODY_MAX (DSGD_BUS_BODY_MAX - DSGD_XCH_BODY_HEAD)
#define DSGD_XCH_ANSWER_MAX 2048u        /* JSON bytes of a role's answer */
#define DSGD_XCH_TOKEN_MAX 64u           /* bytes of a session token */
#define DSGD_XCH_COOKIE_AGE_MAX 34560000u   /* 400 days: the most a browser keeps
                                             * a cookie (RFC 6265bis §5.6.2) */
/* The most bytes an ANSWER's head takes: id, status, cookie directive. */
#define DSGD_XCH_ANSWER_HEAD_MAX (4u + 2u + 1u + 4u + 1u + DSGD_XCH_TOKEN_MAX)

#define DSGD_ROUTE_UPLOAD 1u             /* bodies up to portal.upload_max_bytes, else
                                          * portal.api_max_body_bytes */

/* One route: an exact path, the methods it takes (bit 1 << dsg_http_method)
 * and the most body bytes a request may carry (0: none; the portal lowers
 * it to its own limit for the route's kind). */
typedef struct dsgd_route {
    uint8_t role;                        /* filled in by the receiver */
    uint8_t methods;
    uint8_t flags;                       /* DSGD_ROUTE_* */
    uint64_t body_limit;
    uint8_t path_len;
    char path[DSGD_ROUTE_PATH_MAX];
} dsgd_route;

typedef struct dsgd_xch_request {
    uint8_t role;
    uint32_t id;
    uint8_t method;                      /* a dsg_http_method */
    uint8_t framing;                     /* DSG_HTTP_FRAMING_* */
    uint64_t length;                     /* LENGTH framing: the declared length */
    const uint8_t *path;                 /* percent-decoded */
    size_t path_len;
    const uint8_t *query;                /* as received, after "?" */
    size_t query_len;
    const char *addr;                    /* the client's address */
    size_t addr_len;
    const uint8_t *token;                /* the session token the client presented
                                          * (Bearer or cookie), base64url */
    size_t token_len;                    /* 0: none */
} dsgd_xch_request;

/* What the portal does with the client's session cookie when it answers
 * (REQ-ACCT-014): nothing, set it to token for max_age seconds, or clear
 * it. */
enum { DSGD_XCH_COOKIE_NONE = 0, DSGD_XCH_COOKIE_SET = 1, DSGD_XCH_COOKIE_CLEAR = 2 };

typedef struct dsgd_xch_cookie {
    uint8_t op;                          /* DSGD_XCH_COOKIE_* */
    uint32_t max_age;                    /* SET: 1 .. DSGD_XCH_COOKIE_AGE_MAX seconds */
    uint8_t token_len;                   /* SET: 1 .. DSGD_XCH_TOKEN_MAX; else 0 */
    char token[DSGD_XCH_TOKEN_MAX];      /* base64url */
} dsgd_xch_cookie;

/* 1 when p[0 .. len) is a session token as it may travel: 1 to
 * DSGD_XCH_TOKEN_MAX bytes of the base64url alphabet [A-Za-z0-9_-]
 * (RFC 4648 §5, no padding). @relation(REQ-ACCT-014) */
int dsgd_xch_token_ok(const uint8_t *p, size_t len);

/* 1 when c is a directive an ANSWER may carry: NONE and CLEAR with no
 * token and no age, SET with a token and an age in range.
 * @relation(REQ-ACCT-014) */
int dsgd_xch_cookie_ok(const dsgd_xch_cookie *c);

/* ROUTES as a role sends it: routes[0 .. n). Returns the length, 0 if it
 * does not fit or a route is malformed. @relation(REQ-RUN-017) */
size_t dsgd_xch_routes_put(uint8_t *out, size_t cap, const dsgd_route *routes, size_t n);

/* Reads ROUTES (without the master's role byte) into routes[0 .. *n),
 * each given role `role`. 0, or -1 when malformed (a path not starting
 * with "/api/v1/", a method set that is empty or names an unknown method,
 * more than DSGD_ROUTES_MAX). @relation(REQ-RUN-017) */
int dsgd_xch_routes_get(const uint8_t *in, size_t len, uint8_t role, dsgd_route *routes,
                        size_t *n);

/* REQUEST: its length, 0 if it does not fit or the token (when there is
 * one) is not a token (dsgd_xch_token_ok). @relation(REQ-RUN-013) */
size_t dsgd_xch_request_put(uint8_t *out, size_t cap, const dsgd_xch_request *r);

/* 0 and *r (pointing into in), or -1 when malformed (among others, a
 * token that is not one). @relation(REQ-RUN-013) */
int dsgd_xch_request_get(const uint8_t *in, size_t len, dsgd_xch_request *r);

/* The 5 bytes in front of BODY and END: role, exchange id.
 * @relation(REQ-RUN-013) */
void dsgd_xch_head_put(uint8_t out[DSGD_XCH_BODY_HEAD], uint8_t role, uint32_t id);

/* Role and exchange id of a BODY or END (and, for END, whether the body
 * is complete). 0, or -1 when too short (END: not exactly 6 bytes, or an
 * outcome byte other than 0 or 1). @relation(REQ-RUN-013) */
int dsgd_xch_body_get(const uint8_t *in, size_t len, uint8_t *role, uint32_t *id,
                      const uint8_t **data, size_t *data_len);
/* @relation(REQ-RUN-013) */
int dsgd_xch_end_get(const uint8_t *in, size_t len, uint8_t *role, uint32_t *id,
                     int *complete);

/* ANSWER: id, status, cookie directive (NULL: none), JSON body. Length,
 * or 0 if it does not fit, the status is not one with content in 200..599
 * (204, 205 and 304 are not) or the directive is not one
 * (dsgd_xch_cookie_ok). @relation(REQ-RUN-017, REQ-ACCT-014) */
size_t dsgd_xch_answer_put(uint8_t *out, size_t cap, uint32_t id, int status,
                           const dsgd_xch_cookie *cookie, const uint8_t *json,
                           size_t json_len);

/* 0 with *cookie filled in, or -1 when malformed (a status or a directive
 * answer_put refuses, a body over DSGD_XCH_ANSWER_MAX).
 * @relation(REQ-RUN-017, REQ-ACCT-014) */
int dsgd_xch_answer_get(const uint8_t *in, size_t len, uint32_t *id, int *status,
                        dsgd_xch_cookie *cookie, const uint8_t **json, size_t *json_len);

#endif
