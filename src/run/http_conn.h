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

#define DSGD_HTTP_HEAD_MAX 65536u  /* ceiling of portal.max_header_bytes: a connection's buffer */
#define DSGD_HTTP_OUT_MAX 4096u    /* the largest answer the portal writes itself */

typedef struct dsgd_http_config {
    uint32_t max_request_line;   /* portal.max_request_line (longer: 414) */
    uint32_t max_header_bytes;   /* portal.max_header_bytes (more: 431), <= DSGD_HTTP_HEAD_MAX */
    uint32_t max_header_count;   /* portal.max_header_count (more: 431) */
    uint32_t hsts_max_age;       /* portal.hsts_max_age, seconds */
} dsgd_http_config;

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

/* Answers the first request in in[0 .. len): 0 while its head is not
 * complete (nothing consumed); 1 with the answer in out[0 .. a->len).
 * `now` gives the Date header. @relation(REQ-RUN-047, REQ-RUN-015) */
int dsgd_http_serve(const dsgd_http_config *cfg, const uint8_t *in, size_t len, time_t now,
                    uint8_t *out, size_t cap, dsgd_http_answer *a);

/* The 408 answer for a client whose request head did not arrive within
 * portal.header_timeout; the connection is then closed.
 * @relation(REQ-RUN-047) */
void dsgd_http_timeout(const dsgd_http_config *cfg, time_t now, uint8_t *out, size_t cap,
                       dsgd_http_answer *a);

#endif
