/*
 * The portal's TLS server, kept apart from what it answers (the HTTP step
 * plugs its request handling in through dsgd_tls_handler): the SSL_CTX with
 * the project's TLS policy, built from bytes before the sandbox, and a
 * poll-driven table of non-blocking connections accepted on the inherited
 * listening socket, each with a handshake and a request-head deadline.
 */
#ifndef DSGD_PORTAL_TLS_H
#define DSGD_PORTAL_TLS_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

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
#define DSGD_TLS_IN_MAX 8192u    /* bytes of a request head kept at most */
#define DSGD_TLS_OUT_MAX 2048u   /* bytes of a response at most */

/* Called with every byte received on a connection so far (in, len <=
 * DSGD_TLS_IN_MAX). Returns 1 with a response of *out_len bytes in out, to be
 * sent before the connection is closed; 0 to wait for more bytes; -1 to
 * close at once. */
typedef int (*dsgd_tls_handler)(const uint8_t *in, size_t len, uint8_t *out, size_t outsize,
                                size_t *out_len);

typedef struct dsgd_tls_conn {
    int fd;                      /* -1: free slot */
    SSL *ssl;
    int phase;                   /* handshake, read, write */
    uint64_t deadline;           /* monotonic ms */
    short events;                /* POLLIN or POLLOUT: what OpenSSL waits for */
    char peer[48];               /* "address:port", for the log */
    size_t in_len;
    uint8_t in[DSGD_TLS_IN_MAX];
    size_t out_len, out_off;
    uint8_t out[DSGD_TLS_OUT_MAX];
} dsgd_tls_conn;

typedef struct dsgd_tls_server {
    SSL_CTX *ctx;
    int listen_fd;
    uint32_t max_conns;
    uint32_t handshake_ms;
    uint32_t head_ms;
    dsgd_tls_handler handler;
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

/* @relation(REQ-RUN-043) */
void dsgd_tls_server_init(dsgd_tls_server *s, SSL_CTX *ctx, int listen_fd, uint32_t max_conns,
                          uint32_t handshake_ms, uint32_t head_ms, dsgd_tls_handler handler);

/* Fills pf (room for max entries) with the listening socket (while a slot is
 * free) and every connection; returns the count and lowers *timeout_ms (-1:
 * none) to the next deadline. @relation(REQ-RUN-043) */
size_t dsgd_tls_server_pollfds(dsgd_tls_server *s, struct pollfd *pf, size_t max,
                               uint64_t now, int *timeout_ms);

/* Handles what poll returned for the n entries filled by
 * dsgd_tls_server_pollfds, then the expired deadlines. @relation(REQ-RUN-043) */
void dsgd_tls_server_events(dsgd_tls_server *s, const struct pollfd *pf, size_t n, uint64_t now);

#endif
