/*
 * The portal's HTTP/1.1 layer (REQ-RUN-047, REQ-RUN-015): turns the bytes a
 * connection has received into the answer to its first request, with no
 * I/O of its own, so that the TLS transport (portal_tls.c) only moves bytes
 * and keeps deadlines.
 *
 * Each request head goes through the proved parser and path decoder
 * (src/core/http_req); every error becomes a 4xx/5xx with a JSON body
 * {"error": "<stable-code>", "message": "<text>"} written by the proved JSON
 * writer (src/core/json_out); every answer carries the security headers.
 * docs/http.md lists the codes.
 */
#ifndef DSGD_HTTP_CONN_H
#define DSGD_HTTP_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/http_req.h"
#include "run/exchange.h"

#define DSGD_HTTP_HEAD_MAX 65536u  /* ceiling of portal.max_header_bytes: a connection's buffer */
#define DSGD_HTTP_OUT_MAX 4096u    /* the largest answer the portal writes itself */

typedef struct dsgd_http_config {
    uint32_t max_request_line;   /* portal.max_request_line (longer: 414) */
    uint32_t max_header_bytes;   /* portal.max_header_bytes (more: 431), <= DSGD_HTTP_HEAD_MAX */
    uint32_t max_header_count;   /* portal.max_header_count (more: 431) */
    uint32_t hsts_max_age;       /* portal.hsts_max_age, seconds */
    uint64_t api_max_body;       /* portal.api_max_body_bytes (more: 413) */
    uint64_t upload_max;         /* portal.upload_max_bytes, for upload routes */
    uint32_t json_max_depth;     /* portal.json_max_depth */
    uint32_t json_max_tokens;    /* portal.json_max_tokens */
} dsgd_http_config;

/* A request for a route a role serves: what the portal forwards. */
typedef struct dsgd_http_forward {
    const dsgd_route *route;
    uint64_t body_limit;         /* the route's, lowered to the portal's */
    uint32_t method;             /* a dsg_http_method */
    uint32_t framing;            /* DSG_HTTP_FRAMING_* */
    uint64_t length;             /* LENGTH framing: the declared length */
    const uint8_t *path;         /* percent-decoded; valid until the next call */
    size_t path_len;
    uint32_t query_off, query_len;   /* in the input, after "?" */
    uint32_t token_off, token_len;   /* in the input: the session token (Bearer or
                                      * cookie); length 0 when there is none */
    int keep_alive, http10;
    int expect_continue;         /* "Expect: 100-continue" (HTTP/1.1) */
    int json;                    /* a JSON body: gathered and checked before it goes on */
    int page;                    /* a page route (REQ-SHARE-022): the slices below go on */
    dsg_http_slice ctype, accept_lang, origin, host, lang;   /* length 0: absent */
} dsgd_http_forward;

typedef struct dsgd_http_answer {
    size_t consumed;     /* input bytes the answered request took */
    /* for the access log: slices of the input, when the head was parsed */
    int parsed;
    uint32_t method_off, method_len;
    uint32_t target_off, target_len;
    uint32_t agent_off, agent_len;   /* User-Agent; length 0 when there is none */
    size_t len;          /* bytes of the answer in out */
    int close;           /* 1: close the connection once the answer is sent */
    int status;          /* its HTTP status code */
    const char *error;   /* its stable error code, or NULL for a success */
    int forward;         /* 1: no answer yet; the request goes to fwd.route's role */
    dsgd_http_forward fwd;
} dsgd_http_answer;

/* One resource of the portal. */
typedef struct dsgd_http_route {
    const char *path;        /* exact, after percent-decoding */
    const char *allow;       /* the methods it answers, as in an Allow header */
    const char *body;        /* its JSON answer */
} dsgd_http_route;

/* Every route the portal serves, *n of them: for the test that none is
 * administrative. @relation(REQ-RUN-022) */
const dsgd_http_route *dsgd_http_routes(size_t *n);

/* Replaces the routes of role `role` by routes[0 .. n). 0, or -1 when a
 * path is the portal's own or another role's, or the table is full
 * (nothing changed). @relation(REQ-RUN-017) */
int dsgd_http_routes_set(uint8_t role, const dsgd_route *routes, size_t n);

/* The route serving path, or NULL. @relation(REQ-RUN-017) */
const dsgd_route *dsgd_http_route_find(const uint8_t *path, size_t len);

/* Answers the first request in in[0 .. len): 0 while its head is not
 * complete (nothing consumed); 1 with the answer in out[0 .. a->len), or
 * with a->forward set when a role serves the request (a->consumed is then
 * the head; its body follows). `now` gives the Date header. A forwarded
 * request carries the session token the client presented, from
 * "Authorization: Bearer" or the __Host-dsg_session cookie; an ambiguous
 * or malformed one is a 400 (docs/http.md).
 * @relation(REQ-RUN-047, REQ-RUN-015, REQ-RUN-017, REQ-RUN-013, REQ-RUN-014, REQ-ACCT-014) */
int dsgd_http_serve(const dsgd_http_config *cfg, const uint8_t *in, size_t len, time_t now,
                    uint8_t *out, size_t cap, dsgd_http_answer *a);

/* The head of a role's streamed answer: status, the content type,
 * Content-Length, the Content-Disposition the role gives (none when its
 * length is 0) and the headers of every answer. A download gets headers
 * that keep any content from running on the portal's origin -- no MIME
 * sniffing, a sandboxing CSP with no source allowed (REQ-SHARE-013); a
 * page of the web portal gets the portal's CSP (scripts, styles and
 * images from the portal alone, no inline ones, forms posted to it only,
 * no framing, no <base>), the session cookie directive and, for a 303,
 * its Location (REQ-SHARE-022). The fields are the ones
 * dsgd_xch_stream_get checked. Returns the length written to out, 0 if it
 * does not fit; *close is 1 when the connection ends after the content.
 * @relation(REQ-RUN-013, REQ-SHARE-013, REQ-SHARE-022) */
size_t dsgd_http_stream_head(const dsgd_http_config *cfg, const dsgd_http_forward *f,
                             const dsgd_xch_stream *st, time_t now, uint8_t *out, size_t cap,
                             int *close);

/* An answer to a forwarded request: a role's (error NULL, status, JSON
 * body and what to do with the session cookie, NULL: nothing), or the
 * portal's own error (status, code, message; cookie NULL). The connection
 * closes after it when `close`.
 * @relation(REQ-RUN-017, REQ-RUN-013, REQ-ACCT-014) */
void dsgd_http_reply(const dsgd_http_config *cfg, const dsgd_http_forward *f, int status,
                     const char *error, const char *message, const uint8_t *json,
                     size_t json_len, const dsgd_xch_cookie *cookie, int close, time_t now,
                     uint8_t *out, size_t cap, dsgd_http_answer *a);

/* The 408 answer for a client whose request head did not arrive within
 * portal.header_timeout; the connection is then closed.
 * @relation(REQ-RUN-047) */
void dsgd_http_timeout(const dsgd_http_config *cfg, time_t now, uint8_t *out, size_t cap,
                       dsgd_http_answer *a);

#endif
