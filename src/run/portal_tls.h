/*
 * The portal's TLS server: the SSL_CTX with the project's TLS policy, built
 * from bytes before the sandbox, and a poll-driven table of non-blocking
 * connections accepted on the inherited listening socket, each with its
 * deadline (handshake, request head, keep-alive idle, answer). What a
 * request is answered with is http_conn.c's business.
 */
#ifndef DSGD_PORTAL_TLS_H
#define DSGD_PORTAL_TLS_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "run/http_conn.h"

/* spec/run.md REQ-RUN-010 portal.tls12_ciphers (Mozilla "intermediate",
 * ECDHE with AES-GCM or ChaCha20-Poly1305 only) */
#define DSGD_TLS12_CIPHERS                                                    \
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"              \
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"              \
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
/* TLS 1.3 suites are all AEAD; these are OpenSSL's, in this order */
#define DSGD_TLS13_SUITES \
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

#define DSGD_TLS_CONN_MAX 256u   /* compile-time ceiling of portal.max_connections */

typedef struct dsgd_tls_conn {
    int fd;                      /* -1: free slot */
    SSL *ssl;
    int phase;                   /* handshake, read, write */
    int idle;                    /* read phase between requests (keep-alive) */
    int close_after;             /* close once the answer is written */
    uint64_t deadline;           /* monotonic ms */
    short events;                /* POLLIN or POLLOUT: what OpenSSL waits for */
    char peer[48];               /* "address:port", for the log */
    char addr[48];               /* the address alone, for the access log */
    size_t in_len;               /* received, not yet answered */
    size_t out_len, out_off;
    uint8_t out[DSGD_HTTP_OUT_MAX];
    uint8_t in[DSGD_HTTP_HEAD_MAX];
} dsgd_tls_conn;

typedef struct dsgd_tls_timeouts {
    uint32_t handshake_ms;       /* portal.handshake_timeout */
    uint32_t head_ms;            /* portal.header_timeout */
    uint32_t keepalive_ms;       /* portal.keepalive_timeout */
} dsgd_tls_timeouts;

typedef struct dsgd_tls_server {
    SSL_CTX *ctx;
    int listen_fd;
    uint32_t max_conns;
    dsgd_tls_timeouts t;
    dsgd_http_config http;
    uint64_t accepted, handshakes, answered, timeouts, failed;
    int pf_slot[DSGD_TLS_CONN_MAX + 1]; /* pollfd index -> slot, -1: the listening socket */
    dsgd_tls_conn conns[DSGD_TLS_CONN_MAX];
} dsgd_tls_server;

/* Initialises OpenSSL without reading any configuration file
 * (OPENSSL_INIT_NO_LOAD_CONFIG), loads the error strings, seeds the DRBG, and
 * builds the server SSL_CTX from PEM bytes: TLS 1.2 and 1.3 only, the AEAD
 * ECDHE suites above, server preference, no renegotiation, compression,
 * session tickets or session cache, ALPN http/1.1 only, security level 2.
 * Before the sandbox only. Returns NULL with a message in err.
 * @relation(REQ-RUN-040, REQ-RUN-042) */
SSL_CTX *dsgd_tls_ctx_new(const uint8_t *cert, size_t cert_len, const uint8_t *key,
                          size_t key_len, char *err, size_t errsize);

/* s must be zero (static storage): only what differs from zero is set, so
 * that the connection buffers stay untouched until used.
 * @relation(REQ-RUN-043) */
void dsgd_tls_server_init(dsgd_tls_server *s, SSL_CTX *ctx, int listen_fd, uint32_t max_conns,
                          const dsgd_tls_timeouts *t, const dsgd_http_config *http);

/* Fills pf (room for max entries) with the listening socket (while a slot is
 * free) and every connection; returns the count and lowers *timeout_ms (-1:
 * none) to the next deadline. @relation(REQ-RUN-043) */
size_t dsgd_tls_server_pollfds(dsgd_tls_server *s, struct pollfd *pf, size_t max,
                               uint64_t now, int *timeout_ms);

/* Handles what poll returned for the n entries filled by
 * dsgd_tls_server_pollfds, then the expired deadlines. @relation(REQ-RUN-043) */
void dsgd_tls_server_events(dsgd_tls_server *s, const struct pollfd *pf, size_t n, uint64_t now);

#endif
